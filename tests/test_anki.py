"""Anki export: packages that the real Anki imports, and imports again as updates."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from anki.collection import Collection, ImportAnkiPackageRequest
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command
from django.utils import timezone

from revise.accounts.models import User
from revise.catalog.models import Chapter, Course
from revise.catalog.services import course_import
from revise.study import anki, selectors
from revise.study.models import Card
from revise.study.selectors import Deck
from tests.conftest import COURSE_YAML, SAMPLE_COURSE

pytestmark = pytest.mark.django_db

BASE_URL = "https://revise.example.org/"
COURSE_DECK = "Case study: Vladimir Lenin"
CHAPTER_DECK = (
    "Case study: Vladimir Lenin::Consolidation and Maintenance: Lenin's Foreign Policy"
)


@pytest.fixture
def course() -> Course:
    course_import(path=SAMPLE_COURSE)
    return Course.objects.get(slug="lenin")


@pytest.fixture
def chapter(course: Course) -> Chapter:
    return course.chapters.get(slug="foreign-policy")


@pytest.fixture
def learner() -> User:
    return User.objects.create_user("ann@example.org", "a long enough password 1")


@pytest.fixture
def col(tmp_path: Path) -> Iterator[Collection]:
    """An empty Anki collection of its own, closed after the test."""
    folder = tmp_path / "anki"  # Anki makes the file, not its folder
    folder.mkdir()
    collection = Collection(str(folder / "collection.anki2"))
    try:
        yield collection
    finally:
        collection.close()


def load(col: Collection, content: bytes):
    """Import ``content`` as an .apkg into ``col``; returns Anki's import log."""
    folder = Path(col.path).parent
    path = folder / f"export-{len(list(folder.glob('export-*')))}.apkg"
    path.write_bytes(content)
    return col.import_anki_package(ImportAnkiPackageRequest(package_path=str(path))).log


def notes_by_front(col: Collection) -> dict[str, dict[str, str]]:
    notes = (col.get_note(nid) for nid in col.find_notes(""))
    return {note["Front"]: dict(note.items()) for note in notes}


def note_decks(col: Collection) -> Counter[str]:
    """How many cards each deck holds, by deck name."""
    return Counter(col.decks.name(col.get_card(cid).did) for cid in col.find_cards(""))


def package_ids(content: bytes, tmp_path: Path) -> tuple[list[str], dict[str, int]]:
    """The note guids and the deck ids (by name) written into a package."""
    db_path = tmp_path / "package.anki2"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        db_path.write_bytes(archive.read("collection.anki2"))
    with closing(sqlite3.connect(db_path)) as db:
        guids = [guid for (guid,) in db.execute("SELECT guid FROM notes ORDER BY id")]
        (decks_json,) = db.execute("SELECT decks FROM col").fetchone()
    db_path.unlink()
    decks = {deck["name"]: deck["id"] for deck in json.loads(decks_json).values()}
    return guids, decks


def export(
    course: Course,
    chapter: Chapter | None = None,
    *,
    viewer,
    now: datetime | None = None,
    base_url: str = BASE_URL,
) -> bytes:
    return anki.deck_export(
        course=course, chapter=chapter, viewer=viewer, base_url=base_url, now=now
    ).content


def test_chapter_deck_holds_every_live_card_with_front_back_and_source(
    chapter, learner, col
):
    load(col, export(chapter.course, chapter, viewer=learner))
    cards = list(Card.objects.filter(chapter=chapter, retired_at__isnull=True))
    assert len(cards) > 5
    assert col.card_count() == len(cards)
    notes = notes_by_front(col)
    assert len(notes) == len(cards)
    for card in cards:
        section = f"{BASE_URL}courses/lenin/foreign-policy/#{card.anchor}"
        assert notes[card.front_html] == {
            "Front": card.front_html,
            "Back": card.back_html,
            "Source": section,
        }
    note_type = col.models.by_name("Revise")
    assert note_type["id"] == anki.MODEL_ID
    assert [field["name"] for field in note_type["flds"]] == ["Front", "Back", "Source"]


def test_chapter_deck_is_named_course_then_chapter(chapter, learner, col):
    load(col, export(chapter.course, chapter, viewer=learner))
    names = {deck.name for deck in col.decks.all_names_and_ids()}
    assert names == {"Default", COURSE_DECK, CHAPTER_DECK}
    assert set(note_decks(col)) == {CHAPTER_DECK}


def test_anonymous_export_holds_only_free_cards(chapter, col):
    """A visitor without an account gets no locked card, however the deck is built."""
    load(col, export(chapter.course, chapter, viewer=AnonymousUser()))
    locked = {c.front_html for c in Card.objects.filter(chapter=chapter, locked=True)}
    free = {c.front_html for c in Card.objects.filter(chapter=chapter, locked=False)}
    assert locked
    fronts = set(notes_by_front(col))
    assert fronts == free
    assert not fronts & locked


def test_signed_in_export_holds_locked_cards_too(chapter, learner, col):
    load(col, export(chapter.course, chapter, viewer=learner))
    locked = {c.front_html for c in Card.objects.filter(chapter=chapter, locked=True)}
    assert locked
    assert locked <= set(notes_by_front(col))


def test_deck_cards_leave_locked_cards_out_for_an_inactive_account(chapter, learner):
    learner.is_active = False
    learner.save()
    cards = selectors.deck_cards(
        deck=Deck(course=chapter.course, chapter=chapter), viewer=learner
    )
    assert cards.exists()
    assert not cards.filter(locked=True).exists()


def test_deck_cards_come_in_chapter_then_card_order(course, learner):
    cards = list(
        selectors.deck_cards(deck=Deck(course=course, chapter=None), viewer=learner)
    )
    assert len(cards) == Card.objects.filter(course=course).count()
    order = [(card.chapter.position, card.position) for card in cards]
    assert order == sorted(order)
    assert len({card.chapter_id for card in cards}) == 3


def test_exporting_twice_writes_the_same_guids_and_deck_ids(course, learner, tmp_path):
    first = package_ids(export(course, viewer=learner), tmp_path)
    second = package_ids(
        export(course, viewer=learner, now=timezone.now() + timedelta(hours=1)),
        tmp_path,
    )
    assert first == second
    guids, decks = first
    assert len(set(guids)) == Card.objects.filter(course=course).count()
    assert all(2**30 <= deck_id < 2**31 for deck_id in decks.values() if deck_id != 1)


def test_reimport_updates_notes_instead_of_duplicating(chapter, learner, col):
    now = timezone.now()
    load(col, export(chapter.course, chapter, viewer=learner, now=now))
    decks_before = {deck.name: deck.id for deck in col.decks.all_names_and_ids()}
    notes_before = set(col.find_notes(""))
    card = Card.objects.get(key="brest-date")
    card.back_html = "<p>On 3 March 1918, after weeks of delay.</p>"
    card.save()

    log = load(
        col,
        export(chapter.course, chapter, viewer=learner, now=now + timedelta(minutes=1)),
    )

    assert (len(log.new), len(log.updated)) == (0, len(notes_before))
    assert set(col.find_notes("")) == notes_before
    assert col.card_count() == len(notes_before)
    assert notes_by_front(col)[card.front_html]["Back"] == card.back_html
    assert {
        deck.name: deck.id for deck in col.decks.all_names_and_ids()
    } == decks_before


def test_a_typo_fixed_in_the_notes_updates_the_same_note(write_course, learner, col):
    # a card without an id changes its key with its text; its note must not
    def notes(front: str) -> dict[str, str]:
        return {
            "course.yaml": COURSE_YAML,
            "01-one.md": "---\ntitle: One\n---\n## Part\n\nWords.\n\n"
            f"::: flashcards\n- {front} :: March 1918.\n- Who led the Red Army? :: "
            "Trotsky.\n:::\n",
        }

    folder = write_course(notes("When was the Treaty of Brest-Litvosk signed?"))
    course_import(path=folder)
    course, now = Course.objects.get(), timezone.now()
    load(col, export(course, viewer=learner, now=now))
    before = set(col.find_notes(""))
    write_course(notes("When was the Treaty of Brest-Litovsk signed?"))
    course_import(path=folder)
    fixed = Card.objects.get(front_text="When was the Treaty of Brest-Litovsk signed?")
    assert fixed.key != fixed.first_key  # the same card, under its new key
    log = load(col, export(course, viewer=learner, now=now + timedelta(minutes=1)))
    assert (len(log.new), len(log.updated)) == (0, 2)  # a newer package: both
    assert set(col.find_notes("")) == before
    assert fixed.front_html in notes_by_front(col)


def test_reimport_of_a_package_no_newer_changes_nothing(chapter, learner, col):
    """Anki updates a note only from a newer package; an older one is skipped."""
    now = timezone.now()
    load(col, export(chapter.course, chapter, viewer=learner, now=now))
    Card.objects.filter(key="brest-date").update(back_html="<p>Changed.</p>")
    log = load(col, export(chapter.course, chapter, viewer=learner, now=now))
    assert (len(log.new), len(log.updated)) == (0, 0)
    assert not col.find_notes("Changed.")


def test_course_deck_has_a_subdeck_per_chapter(course, learner, col):
    load(col, export(course, viewer=learner))
    expected = Counter(
        f"{COURSE_DECK}::{card.chapter.title}"
        for card in Card.objects.filter(course=course).select_related("chapter")
    )
    assert len(expected) == 3
    assert note_decks(col) == expected
    names = {deck.name for deck in col.decks.all_names_and_ids()}
    assert names == {"Default", COURSE_DECK, *expected}


def test_course_export_after_a_chapter_export_fills_the_same_decks(
    chapter, learner, col
):
    now = timezone.now()
    load(col, export(chapter.course, chapter, viewer=learner, now=now))
    chapter_notes = set(col.find_notes(""))
    chapter_deck_id = col.decks.id_for_name(CHAPTER_DECK)

    load(col, export(chapter.course, viewer=learner, now=now + timedelta(minutes=1)))

    assert len(col.find_notes("")) == Card.objects.filter(course=chapter.course).count()
    assert chapter_notes <= set(col.find_notes(""))
    assert col.decks.id_for_name(CHAPTER_DECK) == chapter_deck_id
    assert note_decks(col)[CHAPTER_DECK] == len(chapter_notes)


def test_retired_cards_and_chapters_are_left_out(learner, tmp_path, col):
    folder = shutil.copytree(SAMPLE_COURSE, tmp_path / "lenin")
    course_import(path=folder)
    foreign_policy = folder / "02-foreign-policy.md"
    text = foreign_policy.read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if "{#brest-date}" in line)
    foreign_policy.write_text(text.replace(line + "\n", ""), encoding="utf-8")
    (folder / "03-war-communism-and-nep.md").unlink()
    course_import(path=folder)
    course = Course.objects.get(slug="lenin")
    assert Card.objects.filter(retired_at__isnull=False).count() > 1

    load(col, export(course, viewer=learner))

    live = Card.objects.filter(
        retired_at__isnull=True, chapter__retired_at__isnull=True
    )
    assert set(notes_by_front(col)) == {card.front_html for card in live}
    assert Card.objects.get(key="brest-date").retired_at is not None
    assert len(notes_by_front(col)) == live.count()
    assert len(note_decks(col)) == 2


def test_source_is_empty_without_a_base_url(chapter, learner, col):
    load(col, export(chapter.course, chapter, viewer=learner, base_url=""))
    assert {note["Source"] for note in notes_by_front(col).values()} == {""}


def test_building_a_package_leaves_no_temporary_file(
    chapter, learner, tmp_path, monkeypatch
):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    export(chapter.course, chapter, viewer=learner)
    assert list(scratch.iterdir()) == []


def test_filenames_name_the_course_and_chapter(chapter):
    assert anki.apkg_filename(chapter.course) == "lenin.apkg"
    assert anki.apkg_filename(chapter.course, chapter) == "lenin-foreign-policy.apkg"


def test_export_command_writes_every_card_of_a_course(course, tmp_path, capsys, col):
    path = tmp_path / "out.apkg"
    call_command("export_anki", "lenin", "-o", str(path))
    total = Card.objects.filter(course=course).count()
    assert capsys.readouterr().out == f"wrote {total} cards to {path}\n"
    load(col, path.read_bytes())
    assert len(col.find_notes("")) == total


def test_export_command_free_only_leaves_locked_cards_out(chapter, tmp_path, capsys):
    path = tmp_path / "free.apkg"
    call_command("export_anki", "lenin", "foreign-policy", "--free-only", "-o", path)
    free = Card.objects.filter(chapter=chapter, locked=False).count()
    assert capsys.readouterr().out == f"wrote {free} cards to {path}\n"
    guids, _ = package_ids(path.read_bytes(), tmp_path)
    assert len(guids) == free


def test_export_command_writes_to_the_course_filename_by_default(
    course, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    call_command("export_anki", "lenin", "foreign-policy")
    assert (tmp_path / "lenin-foreign-policy.apkg").stat().st_size > 0


@pytest.mark.parametrize(
    ("slugs", "message"),
    [
        (["stalin"], "No course with the slug 'stalin'."),
        (["lenin", "nope"], "Course 'lenin' has no chapter with the slug 'nope'."),
    ],
)
def test_export_command_refuses_unknown_slugs(course, tmp_path, slugs, message):
    path = tmp_path / "out.apkg"
    with pytest.raises(CommandError, match=message):
        call_command("export_anki", *slugs, "-o", str(path))
    assert not path.exists()


def test_deck_page_download_gives_visitors_free_cards_and_learners_all(
    client, chapter, learner, col, tmp_path
):
    url = f"/decks/{chapter.course.slug}/{chapter.slug}/anki.apkg"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="lenin-foreign-policy.apkg"'
    )
    load(col, response.content)
    fronts = set(notes_by_front(col))
    free = set(chapter.cards.filter(locked=False).values_list("front_html", flat=True))
    assert fronts == free
    client.force_login(learner)
    everything = client.get(url).content
    assert len(everything) > len(response.content)
