"""The reading pages: home → course → chapter, the study panel, and real 404s."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from revise.accounts.models import User
from revise.catalog.models import ChapterLocked
from revise.catalog.services import course_import
from revise.study.models import Card
from tests.conftest import SAMPLE_COURSE, answered_again

pytestmark = pytest.mark.django_db

CHAPTER_URL = "/courses/lenin/foreign-policy/"


@pytest.fixture
def sample():
    course_import(path=SAMPLE_COURSE)


def locked_sentences() -> list[str]:
    html = ChapterLocked.objects.get(chapter__slug="foreign-policy").html
    text = re.sub(r"<[^>]+>", "\n", html)
    return [s.strip() for s in text.split("\n") if len(s.strip()) > 30]


def own_queries(context: CaptureQueriesContext) -> list[str]:
    """A page's queries, the page cache's own (revise/catalog/pagecache.py) left out."""
    return [
        q["sql"]
        for q in context.captured_queries
        if "revise_cache" not in q["sql"] and "SAVEPOINT" not in q["sql"]
    ]


def test_home_lists_subjects_and_their_courses(client, sample):
    with CaptureQueriesContext(connection) as context:
        response = client.get("/")
    assert len(own_queries(context)) <= 6
    assert response.status_code == 200
    html = response.content.decode()
    assert "IB History" in html
    assert 'href="/courses/lenin/"' in html
    assert "Case study: Vladimir Lenin" in html


def test_a_learner_reaches_the_courses_from_the_header_and_the_breadcrumbs(
    client, sample
):
    visitor = client.get("/courses/").content.decode()
    client.force_login(User.objects.create_user("c@example.com", "a long password 1"))
    assert client.get("/").status_code == 302  # a learner's home is the dashboard
    for url in ["/dashboard/", "/courses/lenin/", "/courses/lenin/rise-to-power/"]:
        html = client.get(url).content.decode()
        assert '<li><a href="/courses/">Courses</a></li>' in html, url
    crumbs = client.get("/courses/lenin/rise-to-power/").content.decode()
    subject = re.search(r'href="/courses/#(subject-[a-z0-9-]+)"', crumbs).group(1)
    html = client.get("/courses/").content.decode()
    assert f'id="{subject}"' in html and f'id="{subject}"' in visitor
    assert 'href="/courses/lenin/"' in html and "Sign out" in html


def test_course_page_lists_chapters_in_order(client, sample):
    html = client.get("/courses/lenin/").content.decode()
    links = re.findall(r'href="/courses/lenin/([a-z0-9-]+)/"', html)
    assert links[:3] == ["rise-to-power", "foreign-policy", "war-communism-and-nep"]
    assert "Case study: Vladimir Lenin" in html


def test_chapter_page_links_its_neighbours(client, sample):
    html = client.get(CHAPTER_URL).content.decode()
    assert 'rel="prev" href="/courses/lenin/rise-to-power/"' in html
    assert 'rel="next" href="/courses/lenin/war-communism-and-nep/"' in html
    first = client.get("/courses/lenin/rise-to-power/").content.decode()
    assert 'rel="prev"' not in first
    assert 'rel="next" href="/courses/lenin/foreign-policy/"' in first


def test_course_page_reads_no_chapter_content(client, sample):
    with CaptureQueriesContext(connection) as context:
        assert client.get("/courses/lenin/").status_code == 200
    queries = own_queries(context)
    assert len(queries) <= 3
    assert not [q for q in queries if "free_html" in q or "locked_shape" in q]


def test_chapter_page_shows_article_contents_breadcrumbs_and_callouts(client, sample):
    response = client.get(CHAPTER_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        '<h1 id="chapter-title">Consolidation and Maintenance: Lenin&#x27;s Foreign Policy</h1>'
        in html
    )
    assert 'aria-label="Breadcrumb"' in html
    assert 'href="/courses/lenin/"' in html
    assert 'aria-labelledby="toc-title"' in html
    for kind in ("note", "analogy", "definition"):
        assert f"callout callout-{kind}" in html
    assert "<dfn>Consolidation</dfn>" in html
    assert (
        "<main" in html and "<nav" in html and "<article" in html and "<aside" in html
    )


def test_study_panel_shows_real_counts(client, sample):
    html = client.get(CHAPTER_URL).content.decode()
    cards = Card.objects.filter(
        chapter__slug="foreign-policy", retired_at__isnull=True
    ).count()
    assert cards >= 20
    assert f"{cards} flashcards" in html
    assert "5 questions" in html
    assert re.search(r"Interactive lesson</strong>\s*<span>[^<]*· \d+ min", html)
    assert "Cheatsheet" in html


def test_anonymous_visitor_never_receives_the_locked_part(client, sample):
    sentences = locked_sentences()
    assert sentences
    for method in (client.get, client.head):
        response = method(CHAPTER_URL, HTTP_USER_AGENT="Googlebot/2.1")
        body = response.content.decode()
        assert not [s for s in sentences if s in body]
    html = client.get(CHAPTER_URL + "?format=json&print=1").content.decode()
    assert not [s for s in sentences if s in html]
    assert "free account" in html


def test_signed_in_learner_reads_the_locked_part(client, sample):
    user = User.objects.create_user("l@example.com", "a long password 123")
    client.force_login(user)
    html = client.get(CHAPTER_URL).content.decode()
    assert all(s in html for s in locked_sentences())
    assert "callout callout-tip" in html


def test_the_reading_time_counts_what_the_viewer_gets(client, sample):
    locked = ChapterLocked.objects.select_related("chapter").get(
        chapter__slug="rise-to-power"
    )
    free, whole = locked.chapter.free_words, locked.chapter.free_words + locked.words
    assert round(whole / 200) > round(free / 200)  # the locked part is worth minutes
    url = "/courses/lenin/rise-to-power/"
    assert f"{round(free / 200)} min read" in client.get(url).content.decode()
    client.force_login(User.objects.create_user("t@example.com", "a long password 1"))
    assert f"{round(whole / 200)} min read" in client.get(url).content.decode()


def test_signed_in_chapter_page_reads_its_own_with_one_statement(client, sample):
    """The learner's progress and the header's due count come from one statement; the
    header shows the same count as a page that reads it on its own."""
    user = User.objects.create_user("due@example.com", "a long password 123")
    client.force_login(user)
    answered_again(user, Card.objects.filter(chapter__slug="rise-to-power")[:3])
    badge = '<span class="badge">3<span class="visually-hidden"> due</span></span>'
    assert badge in client.get("/courses/lenin/").text  # the count read on its own
    client.get(CHAPTER_URL)  # the session's and the page's first reads done
    with CaptureQueriesContext(connection) as context:
        html = client.get(CHAPTER_URL).text
    assert badge in html
    assert "Your progress: not read yet" in html
    # The session, the account, the chapter's version, and the progress with the count.
    assert len(own_queries(context)) == 4, own_queries(context)


def test_inactive_account_gets_only_the_free_part(client, sample):
    user = User.objects.create_user("g@example.com", "a long password 123")
    client.force_login(user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    html = client.get(CHAPTER_URL).content.decode()
    assert not [s for s in locked_sentences() if s in html]


def test_chapter_pages_are_never_shared_from_a_cache(client, sample):
    response = client.get(CHAPTER_URL)
    assert "private" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


@pytest.mark.parametrize(
    "url",
    [
        "/courses/nope/",
        "/courses/lenin/nope/",
        "/courses/nope/foreign-policy/",
        "/no/such/page/",
    ],
)
def test_missing_pages_get_a_real_404_page(client, sample, url):
    response = client.get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'href="/"' in html


def test_retired_chapter_is_gone_from_the_catalog(
    client, sample, write_course, tmp_path
):
    import shutil

    folder = tmp_path / "lenin"
    shutil.copytree(SAMPLE_COURSE, folder)
    (folder / "03-war-communism-and-nep.md").unlink()
    course_import(path=folder)
    assert client.get("/courses/lenin/war-communism-and-nep/").status_code == 404
    assert "war-communism-and-nep" not in client.get("/courses/lenin/").content.decode()


def test_posting_to_a_reading_page_is_refused(client, sample):
    assert client.post(CHAPTER_URL).status_code == 405


def test_home_without_courses_says_how_to_add_one(client):
    assert "revise import" in client.get("/").content.decode()


FRAME_LINKS = [
    'href="/dashboard/"',
    'href="/accounts/"',
    'action="/accounts/sign-out/"',
]


@pytest.mark.parametrize(
    "url",
    [
        "/dashboard/",
        "/courses/lenin/",
        "/courses/lenin/rise-to-power/",
        "/decks/lenin/",
        "/decks/lenin/rise-to-power/",
        "/study/lenin/",
        "/courses/lenin/cheatsheet/",
        "/search/?q=Lenin",
        "/settings/study/",
        "/accounts/",
    ],
)
def test_every_signed_in_page_has_the_frames_links(client, sample, url):
    """The frame's links come from a context processor (``links``): a page's own
    context must not hide them."""
    client.force_login(User.objects.create_user("frame@example.com", "x" * 14))
    response = client.get(url)
    assert response.status_code == 200, url
    header = re.search(r'<header class="site-header">.*?</header>', response.text, re.S)
    assert header and all(link in header.group(0) for link in FRAME_LINKS), url
    assert 'href="/"' in header.group(0)
