"""The kept pages' CSRF token (revise/csrf.py): Django's token, masked more cheaply.
It must unmask to the request's secret, renew the cookie as Django's does, differ on
every call, and be accepted by Django's middleware when a learner posts the form."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.middleware import csrf as django_csrf
from django.test import Client, RequestFactory
from django.urls import reverse

from revise import csrf
from revise.accounts.models import User
from revise.catalog.models import Chapter
from revise.catalog.services import course_import
from revise.progress.models import ChapterRead
from tests.conftest import SAMPLE_COURSE

SECRET = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def a_request(secret: str | None = SECRET):
    request = RequestFactory().get("/")
    if secret is not None:
        request.META["CSRF_COOKIE"] = secret
    return request


def test_the_token_unmasks_to_the_secret_and_renews_the_cookie():
    request = a_request()
    token = csrf.get_token(request)
    assert len(token) == django_csrf.CSRF_TOKEN_LENGTH
    assert not re.search("[^a-zA-Z0-9]", token)
    assert django_csrf._unmask_cipher_token(token) == SECRET
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


def test_each_token_has_a_new_mask():
    request = a_request()
    tokens = {csrf.get_token(request) for _ in range(200)}
    assert len(tokens) == 200
    assert {django_csrf._unmask_cipher_token(token) for token in tokens} == {SECRET}


def test_the_mask_uses_every_character_about_equally():
    # 2,000 masks of 32 characters: each of the 62 characters about 1,032 times. A mask
    # drawn modulo 62 without dropping bytes above 247 would give the first eight
    # characters about 1,290 each (5 in 256 instead of 4); the bounds are ±6 sigma.
    counts = Counter()
    for _ in range(2000):
        counts.update(csrf.get_token(a_request())[: django_csrf.CSRF_SECRET_LENGTH])
    assert set(counts) == set(django_csrf.CSRF_ALLOWED_CHARS)
    assert all(840 < count < 1230 for count in counts.values()), counts.most_common(3)


def test_a_request_without_a_secret_gets_a_new_one_for_its_cookie():
    secrets = set()
    for _ in range(50):
        request = a_request(secret=None)
        token = csrf.get_token(request)
        secret = request.META["CSRF_COOKIE"]
        assert len(secret) == django_csrf.CSRF_SECRET_LENGTH
        assert not re.search("[^a-zA-Z0-9]", secret)
        assert django_csrf._unmask_cipher_token(token) == secret
        assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True
        secrets.add(secret)
    assert len(secrets) == 50


@pytest.fixture
def reader(db) -> tuple[User, Client]:
    """A learner signed in on a client that checks CSRF tokens as browsers face it."""
    course_import(path=SAMPLE_COURSE)
    user = User.objects.create_user("reader@example.com", "a long enough password")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return user, client


def test_a_learner_marks_a_chapter_read_with_the_token_of_a_kept_page(reader):
    user, client = reader
    url = "/courses/lenin/foreign-policy/"
    first = client.get(url)  # no secret yet: the page makes one for the cookie
    token = TOKEN.search(first.text).group(1)
    assert django_csrf._unmask_cipher_token(token) == first.cookies["csrftoken"].value
    page = client.get(url).text  # with the cookie, from the kept shell
    tokens = TOKEN.findall(page)
    assert len(tokens) == 2  # signing out, and marking the chapter read
    assert len(set(tokens)) == 1  # one token a page, as Django's
    action = re.search(r'<form method="post" action="([^"]+)" data-mark-read>', page)
    response = client.post(action.group(1), {"csrfmiddlewaretoken": tokens[0]})
    assert response.status_code == 302
    chapter = Chapter.objects.get(slug="foreign-policy")
    assert ChapterRead.objects.filter(learner=user, chapter=chapter).exists()


def test_a_forged_token_is_still_refused(reader):
    user, client = reader
    client.get("/courses/lenin/foreign-policy/")
    forged = csrf.get_token(a_request("Z" * django_csrf.CSRF_SECRET_LENGTH))
    url = reverse("progress:chapter-read", args=["lenin", "foreign-policy"])
    response = client.post(url, {"csrfmiddlewaretoken": forged})
    assert response.status_code == 403
    assert not ChapterRead.objects.filter(learner=user).exists()
