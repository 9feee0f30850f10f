"""The header's own links (revise/frame.py): what a visitor and a learner get, on ordinary
pages and on pages kept as shells, with every value escaped."""

from __future__ import annotations

import re

import pytest
from django.middleware import csrf as django_csrf
from django.test import Client

from revise.accounts.models import User
from revise.catalog.services import course_import
from revise.study.models import Card
from tests.conftest import SAMPLE_COURSE, answered_again

pytestmark = pytest.mark.django_db

NAV = re.compile(r'<nav aria-label="Site">.*?</nav>', re.S)


@pytest.fixture
def sample():
    course_import(path=SAMPLE_COURSE)


def nav(response) -> str:
    found = NAV.search(response.text)
    assert found, response.status_code
    return found.group(0)


@pytest.mark.parametrize(
    ("url", "back"),
    [
        ("/courses/lenin/", "?next=/courses/lenin/"),
        ("/courses/lenin/foreign-policy/", "?next=/courses/lenin/foreign-policy/"),
        ("/decks/lenin/", "?next=/decks/lenin/"),
        ("/", ""),
        ("/accounts/sign-in/", ""),
    ],
)
def test_a_visitor_gets_sign_in_links_that_bring_them_back(client, sample, url, back):
    header = nav(client.get(url))
    assert f'<a href="/accounts/sign-in/{back}">Sign in</a>' in header
    assert (
        f'<a class="button primary small" href="/accounts/sign-up/{back}">'
        "Create account</a>" in header
    )
    assert "Sign out" not in header and "study-link" not in header


def test_a_path_in_the_links_is_quoted_and_escaped(client, sample):
    header = nav(client.get('/courses/no-such"><b>course/'))
    assert "<b>" not in header
    assert "?next=/courses/no-such%22%3E%3Cb%3Ecourse/" in header


@pytest.mark.parametrize("url", ["/courses/lenin/", "/courses/lenin/foreign-policy/"])
def test_a_learner_gets_study_with_the_due_count_account_and_sign_out(sample, url):
    learner = User.objects.create_user("frame@example.com", "a long password 123")
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    header = nav(client.get(url))
    assert '<a href="/dashboard/" class="study-link">Study</a>' in header  # none due
    assert "Sign in" not in header
    answered_again(learner, Card.objects.filter(locked=False)[:2])
    response = client.get(url)
    header = nav(response)
    assert (
        'class="study-link">Study <span class="badge">2'
        '<span class="visually-hidden"> due</span></span></a>' in header
    )
    assert '<a href="/accounts/">Account</a>' in header
    token = re.search(
        r'<form method="post" action="/accounts/sign-out/" class="inline">\s*'
        r'<input type="hidden" name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})">',
        header,
    ).group(1)
    secret = response.cookies["csrftoken"].value
    assert django_csrf._unmask_cipher_token(token) == secret
    # The form signs the learner out.
    assert (
        client.post("/accounts/sign-out/", {"csrfmiddlewaretoken": token}).status_code
        == 302
    )
    assert "Sign in" in nav(client.get(url))
