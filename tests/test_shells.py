"""Pages kept as shells (revise/shells.py): rendered once per version and access, with
each viewer's parts filled in per request. A shell page must read exactly as the same
template rendered normally, whoever asked first, and a shell can never hold what is one
viewer's own."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.shortcuts import render
from django.template import TemplateSyntaxError
from django.test import RequestFactory, override_settings
from django.utils import timezone

from revise import shells
from revise.accounts.models import User
from revise.catalog import views as catalog_views
from revise.catalog.models import Chapter
from revise.catalog.services import course_import
from revise.progress.services import chapter_mark_read
from revise.study import views as study_views
from revise.study.models import Card, Suspension
from tests.conftest import SAMPLE_COURSE

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough password"
CHAPTER_URL = "/courses/lenin/foreign-policy/"
DECK_URLS = ["/decks/lenin/", "/decks/lenin/foreign-policy/", "/decks/lenin/?page=2"]
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def sample():
    course_import(path=SAMPLE_COURSE)


def learner(email: str) -> User:
    return User.objects.create_user(email, PASSWORD)


def normally(request, template_name, *, key, shared, own) -> HttpResponse:
    """``shell_render``'s page rendered the ordinary way, for comparison."""
    return render(
        request, template_name, {**(shared() if callable(shared) else shared), **own}
    )


def page_both_ways(client, url: str) -> tuple[str, str]:
    """The page at ``url`` from its shell and rendered normally (CSRF tokens, masked
    afresh on each request, left out)."""
    from_shell = client.get(url)
    assert from_shell.status_code == 200
    with (
        mock.patch.object(catalog_views, "shell_render", normally),
        mock.patch.object(study_views, "shell_render", normally),
    ):
        ordinary = client.get(url)
    return (
        TOKEN.sub("TOKEN", from_shell.content.decode()),
        TOKEN.sub("TOKEN", ordinary.content.decode()),
    )


def a_message_waiting(client, text: str) -> None:
    request = RequestFactory().get("/")
    storage = CookieStorage(request)
    storage.add(constants.INFO, text)
    response = HttpResponse()
    storage.update(response)
    client.cookies["messages"] = response.cookies["messages"].value


def test_chapter_page_from_its_shell_reads_as_rendered_for_every_viewer(client, sample):
    reader, fresh = learner("reader@example.com"), learner("fresh@example.com")
    chapter_mark_read(
        learner=reader,
        chapter=Chapter.objects.get(slug="foreign-policy"),
        now=timezone.now(),
    )
    pages = {}
    for who in (None, reader, fresh):  # the visitor's shell is made first
        client.logout()
        if who is not None:
            client.force_login(who)
        from_shell, ordinary = page_both_ways(client, CHAPTER_URL)
        assert from_shell == ordinary
        pages[who] = from_shell
    assert "Read ✓" in pages[reader] and "Mark as read" not in pages[reader]
    assert "not read yet" in pages[fresh] and "Mark as read" in pages[fresh]
    assert "Sign in" in pages[None] and "Your progress" not in pages[None]
    assert 'id="locked-part"' in pages[fresh] and 'id="locked-part"' not in pages[None]


def test_a_learner_made_shell_gives_a_visitor_nothing_of_theirs(client, sample):
    reader = learner("first@example.com")
    chapter_mark_read(
        learner=reader,
        chapter=Chapter.objects.get(slug="foreign-policy"),
        now=timezone.now(),
    )
    client.force_login(reader)
    client.get(CHAPTER_URL)  # the learners' shell
    client.logout()
    client.cookies["sessionid"] = "none"  # past the cookie-less page cache
    html = client.get(CHAPTER_URL).content.decode()
    assert "first@example.com" not in html and "Your progress" not in html
    assert "Read ✓" not in html and 'id="locked-part"' not in html
    assert "Create account" in html


def test_a_message_is_shown_once_in_a_shell_page(client, sample):
    client.force_login(learner("m@example.com"))
    client.get(CHAPTER_URL)
    a_message_waiting(client, "A message for this learner.")
    from_shell = client.get(CHAPTER_URL).content.decode()
    assert "A message for this learner." in from_shell
    assert "A message for this learner." not in client.get(CHAPTER_URL).content.decode()


@pytest.mark.parametrize("url", DECK_URLS)
def test_deck_page_from_its_shell_reads_as_rendered_for_every_viewer(
    client, sample, url
):
    suspender, other = learner("s@example.com"), learner("o@example.com")
    cards = Card.objects.filter(course__slug="lenin").order_by("sequence")
    if "foreign-policy" in url:
        cards = cards.filter(chapter__slug="foreign-policy")
    card = cards.first()  # on the deck's first page
    Suspension.objects.create(learner=suspender, card=card, created_at=timezone.now())
    pages = {}
    for who in (None, suspender, other):
        client.logout()
        if who is not None:
            client.force_login(who)
        from_shell, ordinary = page_both_ways(client, url)
        assert from_shell == ordinary
        pages[who] = from_shell
    if "page=2" not in url:
        assert pages[suspender].count("Bring back") == 1
        assert "Bring back" not in pages[other]
    assert "Study settings" in pages[other] and "Study settings" not in pages[None]
    assert "Create a free account" in pages[None]


RECORDING = {
    "page.html": "{% load shells %}[{{ user.email }}|{{ request.path }}|{{ secret }}|"
    "{% hole %}{{ user.email }} {{ secret }}{% endhole %}]",
    "loop.html": "{% load shells %}{% for x in items %}{% hole %}{{ x }}{% endhole %}"
    "{% endfor %}",
}


@override_settings(
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "loaders": [("django.template.loaders.locmem.Loader", RECORDING)],
                "context_processors": ["django.contrib.auth.context_processors.auth"],
                "libraries": {"shells": "revise.shells"},
            },
        }
    ]
)
def test_outside_its_holes_a_shell_sees_no_viewer_and_no_own_value():
    user = learner("hole@example.com")
    request = RequestFactory().get("/p/")
    request.user = user
    for _ in range(2):  # made, then kept
        response = shells.shell_render(
            request, "page.html", key="k", shared={}, own={"secret": "s3"}
        )
        assert response.content.decode() == "[|/p/||hole@example.com s3]"
    with pytest.raises(TemplateSyntaxError, match="inside"):
        shells.shell_make("loop.html", {"items": [1, 2]}, path="/p/")
