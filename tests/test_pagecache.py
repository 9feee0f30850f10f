"""The page cache: visitors' home, course and chapter pages come from the shared cache,
and nothing signed in, personal or locked is ever stored there."""

from __future__ import annotations

import base64
import os
import pickle
import re
import sqlite3
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from revise.accounts.models import User
from revise.catalog import pagecache
from revise.catalog.models import Chapter
from revise.catalog.services import course_import
from tests.conftest import COURSE_YAML, SAMPLE_COURSE
from tests.test_gate import sample_locked_sentences

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "a long enough password"
PAGES = ["/", "/courses/lenin/", "/courses/lenin/foreign-policy/"]


@pytest.fixture
def sample() -> None:
    with_commit(lambda: course_import(path=SAMPLE_COURSE))


def with_commit(action):
    """Run ``action`` as if its transaction committed: the import's on-commit calls
    (the page cache's invalidation among them) run, as they do outside a test."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        return action()


def stored_texts() -> list[str]:
    """Everything the database cache holds, as text."""
    assert settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM revise_cache")
        values = [
            pickle.loads(base64.b64decode(value))  # noqa: S301 - our own cache table
            for (value,) in cursor.fetchall()
        ]
    return [v["body"].decode() if isinstance(v, dict) else str(v) for v in values]


def stored_pages() -> list[str]:
    return [t for t in stored_texts() if "<html" in t]


def page_queries(context: CaptureQueriesContext) -> list[str]:
    """The queries a page made of its own (the cache's own left out)."""
    return [
        q["sql"]
        for q in context.captured_queries
        if "revise_cache" not in q["sql"] and "SAVEPOINT" not in q["sql"]
    ]


@pytest.mark.parametrize("url", PAGES)
def test_a_visitors_second_request_is_served_from_the_cache(
    client, sample, url, django_assert_num_queries
):
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(1):  # the cache's one read
        second = client.get(url)
    assert second.status_code == 200
    assert second.content == first.content
    assert dict(second.headers) == dict(first.headers)
    assert "private" in second["Cache-Control"] and "Cookie" in second["Vary"]


def test_a_page_from_the_cache_answers_head_like_a_fresh_one(client, sample):
    url = "/courses/lenin/foreign-policy/"
    fresh_head = client.head(url)  # a miss: stores the whole page
    assert fresh_head.status_code == 200 and fresh_head.content == b""
    cached_head = client.head(url)
    assert dict(cached_head.headers) == dict(fresh_head.headers)
    assert cached_head.content == b""
    body = client.get(url).content.decode()
    assert "<h1" in body and "free account" in body


def test_the_query_string_does_not_make_another_page(
    client, sample, django_assert_num_queries
):
    plain = client.get("/courses/lenin/").content
    with django_assert_num_queries(1):
        assert client.get("/courses/lenin/?utm_source=x&print=1").content == plain


def test_a_signed_in_learner_never_gets_the_cached_visitor_page(client, sample):
    url = "/courses/lenin/foreign-policy/"
    visitor = client.get(url).content.decode()
    assert "Sign out" not in visitor
    client.force_login(User.objects.create_user("in@example.com", PASSWORD))
    html = unescape(client.get(url).content.decode())
    assert "Sign out" in html
    locked = [s for s in sample_locked_sentences() if s in html]
    assert locked, "the signed-in page shows the locked part"
    assert client.get("/").status_code == 302  # the dashboard, not the visitors' home
    assert "Sign out" in client.get("/courses/lenin/").content.decode()


def test_a_signed_in_page_is_never_stored(client, sample):
    client.force_login(User.objects.create_user("first@example.com", PASSWORD))
    for url in PAGES:
        client.get(url)
        client.get(url)
        client.head(url)
    assert stored_pages() == []
    client.logout()
    for url in PAGES:
        html = client.get(url).content.decode()
        assert "Sign out" not in html
    assert len(stored_pages()) == len(PAGES)


def test_no_locked_word_is_ever_in_the_cache(client, sample):
    urls = ["/", "/courses/lenin/"] + [
        c.get_absolute_url() for c in Chapter.objects.select_related("course")
    ]
    reader = User.objects.create_user("reader@example.com", PASSWORD)
    for signed_in in (True, False, True, False):
        if signed_in:
            client.force_login(reader)
        else:
            client.logout()
        for url in urls:
            assert client.get(url).status_code in (200, 302)  # "/": the dashboard
            client.head(url)
    texts = stored_pages()
    assert len(texts) == len(urls)
    assert all("Sign out" not in t and "csrfmiddlewaretoken" not in t for t in texts)
    sentences = sample_locked_sentences()
    assert len(sentences) > 50
    stored = unescape("\n".join(texts))
    assert [s for s in sentences if s in stored] == []


def test_an_import_that_changes_content_invalidates_the_pages(client, write_course):
    chapter = "---\ntitle: {title}\n---\n{text}\n\n## A section\n\nMore text.\n"
    folder = write_course(
        {
            "course.yaml": COURSE_YAML,
            "01-one.md": chapter.format(title="Chapter one", text="Old words."),
        }
    )
    with_commit(lambda: course_import(path=folder))
    urls = ["/", "/courses/course/", "/courses/course/one/"]
    assert [client.get(u).status_code for u in urls] == [200, 200, 200]
    assert "Old words." in client.get(urls[2]).content.decode()  # from the cache

    write_course(
        {
            "course.yaml": COURSE_YAML.replace("Test course", "Renamed course"),
            "01-one.md": chapter.format(title="Chapter one", text="New words."),
            "02-two.md": chapter.format(title="Chapter two", text="Second."),
        }
    )
    report = with_commit(lambda: course_import(path=folder))
    assert report.changed
    assert "Renamed course" in client.get("/").content.decode()
    course = client.get("/courses/course/").content.decode()
    assert "Renamed course" in course and "Chapter two" in course
    html = client.get(urls[2]).content.decode()
    assert "New words." in html and "Old words." not in html
    assert "Chapter two" in html  # the pager's new neighbour


def test_content_changed_forgets_every_page(
    client, sample, django_assert_max_num_queries
):
    for url in PAGES:
        client.get(url)
    pagecache.content_changed()
    for url in PAGES:
        with CaptureQueriesContext(connection) as context:
            client.get(url)
        assert page_queries(context), f"{url} was served from the cache"


def test_a_visitor_with_a_message_gets_it_on_a_fresh_page_that_is_not_stored(
    client, sample
):
    url = "/courses/lenin/"
    client.get(url)  # stored
    storage = CookieStorage(HttpRequest())
    client.cookies[CookieStorage.cookie_name] = storage._encode(
        [Message(constants.INFO, "A note for this visitor only")]
    )
    html = client.get(url).content.decode()
    assert "A note for this visitor only" in html
    assert all("A note for this visitor" not in t for t in stored_texts())
    # the message is used up; the next page is the stored one again
    assert "A note for this visitor only" not in client.get(url).content.decode()


@pytest.mark.parametrize(
    "url", ["/courses/nope/", "/courses/lenin/nope/", "/courses/nope/foreign-policy/"]
)
def test_a_missing_page_is_not_stored(client, sample, url):
    for _ in range(2):
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 404
        assert page_queries(context), "a 404 came from the cache"
    assert stored_pages() == []


def test_a_visitor_with_a_csrf_cookie_gets_the_cached_page_without_a_token(
    client, sample
):
    client.get("/accounts/sign-in/")  # sets the CSRF cookie
    assert settings.CSRF_COOKIE_NAME in client.cookies
    for url in PAGES:
        client.get(url)
        response = client.get(url)
        assert "csrfmiddlewaretoken" not in response.content.decode()
        assert settings.CSRF_COOKIE_NAME not in response.cookies


def test_a_page_that_asks_for_a_csrf_token_is_not_stored(rf: RequestFactory):
    """The safety net under the views: a page holding a CSRF token is not kept."""
    calls = []

    @pagecache.visitor_page_cached
    def form_page(request):
        calls.append(1)
        return pagecache.visitor_page(
            HttpResponse(f"<form>{get_token(request)}</form>")
        )

    for _ in range(2):
        request = visitor_request(rf, "/a-form/")
        assert form_page(request).status_code == 200
    assert len(calls) == 2


def test_a_page_the_view_does_not_mark_is_not_stored(rf: RequestFactory):
    calls = []

    @pagecache.visitor_page_cached
    def unmarked(request):
        calls.append(1)
        return HttpResponse("<p>not said to be the visitors' page</p>")

    for _ in range(2):
        unmarked(visitor_request(rf, "/unmarked/"))
    assert len(calls) == 2


def test_pages_of_another_build_are_not_served(client, sample, monkeypatch):
    """After a deploy, pages rendered by the old code (old markup, old static URLs)
    are rendered afresh."""
    url = "/courses/lenin/foreign-policy/"
    client.get(url)
    monkeypatch.setattr(pagecache, "_build", lambda: "another-build")
    with CaptureQueriesContext(connection) as context:
        client.get(url)
    assert page_queries(context)


def test_a_cache_that_fails_serves_pages_fresh(client, sample, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    cache = caches["default"]
    monkeypatch.setattr(cache, "get_many", broken)
    monkeypatch.setattr(cache, "set", broken)
    for url in PAGES:
        assert client.get(url).status_code == 200
    assert "serving the page fresh" in caplog.text


def visitor_request(rf: RequestFactory, path: str) -> HttpRequest:
    from django.contrib.auth.models import AnonymousUser

    request = rf.get(path)
    request.user = AnonymousUser()
    return request


# --- the chapter page's own queries -------------------------------------------------


def course_of(chapters: int, write_course, name: str) -> None:
    files = {"course.yaml": COURSE_YAML.replace("Test course", name)}
    for n in range(1, chapters + 1):
        files[f"{n:02}-chapter-{n}.md"] = (
            f"---\ntitle: Chapter {n}\n---\nText {n}.\n\n## Part\n\n"
            f"::: flashcards\n- Question {n}? :: Answer {n}.\n:::\n\n"
            "<!-- locked -->\n\n"
            f"## Locked {n}\n\nLocked text {n}.\n"
        )
    course_import(path=write_course(files, name=name))


def chapter_page_queries(client, slug: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(f"/courses/{slug}/chapter-2/").status_code == 200
    return len(page_queries(context))


def test_chapter_page_queries_do_not_grow_with_the_course(client, write_course):
    course_of(3, write_course, "short")
    course_of(40, write_course, "long")
    visitor = [chapter_page_queries(client, s) for s in ("short", "long")]
    client.force_login(User.objects.create_user("q@example.com", PASSWORD))
    learner = [chapter_page_queries(client, s) for s in ("short", "long")]
    assert visitor[0] == visitor[1] <= 10
    assert learner[0] == learner[1] <= 13
    # Seen once, a page is kept per process: the chapter's version, then only the
    # learner's own (session, account, and progress with the header's due count).
    again = [chapter_page_queries(client, s) for s in ("short", "long")]
    assert again[0] == again[1] == 4


def test_a_kept_chapter_page_follows_the_viewers_access_and_imports(
    client, write_course
):
    course_of(3, write_course, "kept")
    assert "Locked text 2." not in client.get("/courses/kept/chapter-2/").text
    client.force_login(User.objects.create_user("k@example.com", PASSWORD))
    assert "Locked text 2." in client.get("/courses/kept/chapter-2/").text
    client.logout()
    page = client.get("/courses/kept/chapter-2/").text
    assert "Locked text 2." not in page and "Text 2." in page
    # A re-import that changes the chapter is seen at once, by both.
    files = {"course.yaml": COURSE_YAML.replace("Test course", "kept")}
    for n in range(1, 4):
        files[f"{n:02}-chapter-{n}.md"] = (
            f"---\ntitle: Chapter {n}\n---\nNew text {n}.\n\n"
            "<!-- locked -->\n\n"
            f"## Locked {n}\n\nNew locked {n}.\n"
        )
    with_commit(lambda: course_import(path=write_course(files, name="kept")))
    page = client.get("/courses/kept/chapter-2/").text
    assert "New text 2." in page and "New locked 2." not in page
    client.force_login(User.objects.get(email="k@example.com"))
    page = client.get("/courses/kept/chapter-2/").text
    assert "New locked 2." in page and "Locked text 2." not in page


def test_chapter_page_reads_no_other_chapters_content(client, write_course):
    course_of(5, write_course, "five")
    with CaptureQueriesContext(connection) as context:
        client.get("/courses/five/chapter-3/")
    reads_html = [
        q
        for q in page_queries(context)
        if re.search(r'"catalog_chapter"\."free_html"', q)
    ]
    assert len(reads_html) == 1  # the chapter itself, not its course's others


# --- where the cache lives ----------------------------------------------------------


def test_import_on_a_fresh_database_makes_the_cache_table(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["REVISE_VAR_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "revise.cli", "import", str(SAMPLE_COURSE)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(tmp_path / "revise.sqlite3") as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
        assert "revise_cache" in tables
        # the import set a content version for the pages to be stored under
        assert db.execute("SELECT COUNT(*) FROM revise_cache").fetchone()[0] == 1


def settings_in_a_fresh_process(env: dict[str, str], expression: str) -> str:
    code = f"from revise import settings as s; print({expression})"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={k: v for k, v in {**os.environ, **env}.items() if v},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_redis_is_the_shared_cache_when_its_url_is_set(tmp_path):
    backend = "s.CACHES['default']['BACKEND']"
    var = {"REVISE_VAR_DIR": str(tmp_path)}
    assert settings_in_a_fresh_process(
        {**var, "REVISE_REDIS_URL": ""}, backend
    ).endswith("db.DatabaseCache")
    assert settings_in_a_fresh_process(
        {**var, "REVISE_REDIS_URL": "redis://127.0.0.1:6379/0"}, backend
    ).endswith("redis.RedisCache")


def test_sqlite_connections_persist_between_requests(tmp_path):
    env = {"REVISE_VAR_DIR": str(tmp_path), "DATABASE_URL": ""}
    database = "s.DATABASES['default']"
    assert settings_in_a_fresh_process(env, f"{database}['ENGINE']") == "revise.sqlite"
    assert settings_in_a_fresh_process(env, f"{database}['CONN_MAX_AGE']") == "600"


def test_a_cookieless_visit_is_answered_before_the_rest_of_the_middleware(
    client, sample, monkeypatch
):
    """The second cookie-less request is answered whole from the cache: sessions,
    authentication and the view are never reached, and the headers are the same."""
    from django.contrib.sessions.middleware import SessionMiddleware

    url = PAGES[2]
    first = client.get(url)
    reached = []
    real = SessionMiddleware.process_request
    monkeypatch.setattr(
        SessionMiddleware,
        "process_request",
        lambda self, request: reached.append(request.path) or real(self, request),
    )
    second = client.get(url)
    assert reached == []
    assert second.content == first.content
    assert dict(second.headers) == dict(first.headers)


def test_a_visitor_with_a_session_cookie_gets_the_view_level_page(client, sample):
    """With a session cookie (say, an anonymous session), the fast path stands aside:
    the view-level cache serves the visitor's page, still with nothing of anyone's."""
    client.get(PAGES[2])
    client.cookies[settings.SESSION_COOKIE_NAME] = "not-a-real-session"
    with CaptureQueriesContext(connection) as first:
        html = client.get(PAGES[2]).content.decode()
    with CaptureQueriesContext(connection) as second:
        again = client.get(PAGES[2]).content.decode()
    assert "Sign out" not in html and again == html
    assert len(page_queries(second)) < len(page_queries(first))
