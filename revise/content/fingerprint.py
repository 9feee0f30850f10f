"""What each chapter's import is made from, as one hash: its fingerprint.

The import stores each chapter's fingerprint (``Chapter.source_hash``). When every chapter
file of a folder has the fingerprint stored for it, in the same order, importing the
folder again would write nothing, so it need not be parsed. A fingerprint covers every
input of what the import stores for the chapter:

- the chapter file's bytes, and its name (the default slug);
- ``course.yaml``'s bytes (the course's title and subject; the subject says whose views
  the facts report);
- the rules: :data:`RULES_VERSION`, the source of every module of ``revise/content`` and
  of the modules the caller names (the import service itself), and the versions of the
  libraries that parse and render the Markdown. A change of code then re-imports,
  whether or not anyone remembered to bump the version.

The chapter's position is not in it: the caller compares the fingerprints in course order.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from revise.content.limits import MAX_FILE_BYTES
from revise.content.parser import chapter_paths, course_slug, skipped_chapter_files

# Bump when what the import stores changes for a reason the source digest cannot see
# (a library it does not list, say).
RULES_VERSION = 1

LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "PyYAML", "snowballstemmer")


@dataclass(frozen=True)
class CourseSources:
    """A course folder as the import's fast path sees it: its slug and the fingerprint
    of each chapter file, in course order."""

    slug: str
    chapters: dict[Path, str]


def course_sources(folder: Path, *, rules: str) -> CourseSources | None:
    """The slug and chapter fingerprints of ``folder``, parsing only ``course.yaml``;
    None when the folder has a problem only the full parse can report (``course.yaml``
    missing or invalid, a file that cannot be read or is too large, a chapter file that
    would be skipped)."""
    folder = Path(folder)
    slug = course_slug(folder)
    if slug is None or next(skipped_chapter_files(folder), None) is not None:
        return None
    chapters: dict[Path, str] = {}
    try:
        meta = (folder / "course.yaml").read_bytes()
        for path in chapter_paths(folder):
            if path.stat().st_size > MAX_FILE_BYTES:
                return None
            chapters[path] = _digest(
                rules.encode(), meta, os.fsencode(path.name), path.read_bytes()
            )
    except OSError:
        return None
    return CourseSources(slug=slug, chapters=chapters)


def rules_digest(*modules: Path) -> str:
    """A hash of the rules that turn a chapter into what the import stores:
    :data:`RULES_VERSION`, the libraries' versions, and the source of ``revise/content``
    and of ``modules``. Computed once per process (the code loaded does not change)."""
    return _rules_digest(RULES_VERSION, tuple(modules))


@cache
def _rules_digest(version: int, modules: tuple[Path, ...]) -> str:
    package = sorted(Path(__file__).parent.rglob("*.py"))
    parts = [f"rules {version}".encode()]
    parts += [f"{name} {_installed(name)}".encode() for name in LIBRARIES]
    for path in [*package, *modules]:
        parts += [os.fsencode(path.name), path.read_bytes()]
    return _digest(*parts)


def _installed(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


def _digest(*parts: bytes) -> str:
    """SHA-256 of ``parts``, each preceded by its length so that no two lists of parts
    hash alike by running into each other."""
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()
