"""Crawl the site as a given client and collect every response, for the leak tests."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from revise.catalog.models import Chapter
from revise.lessons.lesson.load import chapter_lesson
from revise.lessons.models import Question
from revise.study.models import Card

HREF_RE = re.compile(r'(?:href|action|src)="([^"#]*)')
# Every way a request might try to get more than an anonymous visitor gets.
VARIANTS: list[tuple[str, dict[str, str], str]] = [
    ("get", {}, ""),
    ("get", {"HTTP_USER_AGENT": "Mozilla/5.0 (compatible; Googlebot/2.1)"}, ""),
    ("get", {"HTTP_REFERER": "https://www.google.com/"}, ""),
    ("get", {"HTTP_ACCEPT": "application/json"}, "?format=json&print=1&full=1"),
    ("head", {}, ""),
    ("options", {}, ""),
]


@dataclass(frozen=True)
class Fetched:
    url: str
    status: int
    text: str


def pattern_urls() -> list[str]:
    """Every URL pattern of the app (the admin aside), filled in with real values."""
    chapters = list(Chapter.objects.select_related("course"))
    values = {
        "course_slug": sorted({c.course.slug for c in chapters}),
        "chapter_slug": sorted({c.slug for c in chapters}),
        "token": ["not-a-real-token"],
        "card_id": sorted(Card.objects.values_list("pk", flat=True)),
        "question_id": sorted(Question.objects.values_list("pk", flat=True)),
        # The lessons' free steps (a locked step's id is made of its locked words).
        "step_id": sorted(
            {s.id for c in chapters for s in chapter_lesson(c).steps if not s.locked}
        ),
        "uidb64": ["MQ"],
    }
    pairs = {(c.course.slug, c.slug) for c in chapters}
    urls = []
    for name, params in _named_patterns(get_resolver().url_patterns, prefix=""):
        unknown = set(params) - set(values)
        assert not unknown, (
            f"teach the leak crawler about URL parameters {unknown} ({name})"
        )
        for combo in itertools.product(*(values[p] for p in params)):
            kwargs = dict(zip(params, combo, strict=True))
            if {"course_slug", "chapter_slug"} <= set(kwargs) and (
                kwargs["course_slug"],
                kwargs["chapter_slug"],
            ) not in pairs:
                continue
            urls.append(reverse(name, kwargs=kwargs))
    return urls


def _named_patterns(patterns: list, prefix: str) -> Iterator[tuple[str, list[str]]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _named_patterns(entry.url_patterns, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            params = list(getattr(entry.pattern, "converters", {}))
            yield f"{prefix}{entry.name}", params


def crawl(client: Client, extra: list[str] = ()) -> list[Fetched]:
    """Fetch every reachable page and pattern URL in every variant; follow links."""
    queue = ["/", *pattern_urls(), *extra]
    seen: set[str] = set()
    fetched = []
    while queue:
        url = queue.pop(0)
        path = urlsplit(url)
        if path.netloc or url in seen or path.path.startswith(("/static/", "/admin/")):
            continue
        seen.add(url)
        for method, headers, query in VARIANTS:
            target = url + (("&" if "?" in url else "?") + query[1:] if query else "")
            response = getattr(client, method)(target, **headers)
            body = response.content.decode("utf-8", "replace")
            header_text = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
            fetched.append(
                Fetched(target, response.status_code, header_text + "\n" + body)
            )
            if method == "get" and not headers:
                queue += [urljoin(url, href) for href in HREF_RE.findall(body)]
    return fetched
