"""The headers every response gets (revise/middleware.py): kept out of shared caches,
and django-csp's content policy, built once per process for responses without one of
their own."""

from __future__ import annotations

import re

import pytest
from csp.constants import NONCE, SELF
from csp.decorators import csp_exempt, csp_update
from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from revise.middleware import (
    ContentSecurityPolicyMiddleware,
    PrivateByDefaultMiddleware,
)

HEADERS = ("Content-Security-Policy", "Content-Security-Policy-Report-Only")


def plain(request):
    return HttpResponse("plain")


@csp_update({"img-src": ["https://images.example"]})
def updated(request):
    return HttpResponse("updated")


@csp_exempt()
def exempt(request):
    return HttpResponse("exempt")


def nonce(request):
    return HttpResponse(f"<script nonce={request.csp_nonce}>")


def headers_of(middleware_class, view) -> dict[str, str | None]:
    request = RequestFactory().get("/page/")
    response = middleware_class(view)(request)
    # Nonces are new on every request: compared by where they are.
    return {
        name: re.sub(r"'nonce-[^']+'", "'nonce-N'", response.get(name) or "")
        for name in HEADERS
    }


@pytest.mark.parametrize("view", [plain, updated, exempt, nonce])
@pytest.mark.parametrize(
    "policies",
    [
        {},
        {
            "CONTENT_SECURITY_POLICY_REPORT_ONLY": {
                "DIRECTIVES": {"img-src": ["'self'"]}
            }
        },
        {"CONTENT_SECURITY_POLICY": {"EXCLUDE_URL_PREFIXES": ["/page"]}},
        {"CONTENT_SECURITY_POLICY": {"DIRECTIVES": {"script-src": [SELF, NONCE]}}},
    ],
)
def test_every_response_gets_the_policy_django_csp_gives(view, policies):
    with override_settings(**policies):
        kept = headers_of(ContentSecurityPolicyMiddleware, view)
        theirs = headers_of(CSPMiddleware, view)
    assert kept == theirs
    if view is nonce and "DIRECTIVES" in policies.get("CONTENT_SECURITY_POLICY", {}):
        assert "'nonce-" in kept["Content-Security-Policy"]


def test_a_nonce_asked_for_after_the_header_is_refused():
    request = RequestFactory().get("/")
    ContentSecurityPolicyMiddleware(plain)(request)
    with pytest.raises(Exception, match="not available after"):
        str(request.csp_nonce)


@pytest.mark.parametrize(
    "set_headers, cache_control, vary",
    [
        ({}, "private, no-cache", "Cookie"),
        ({"Cache-Control": "public, max-age=60"}, "public, max-age=60", "Cookie"),
        ({"Vary": "Accept-Encoding"}, "private, no-cache", "Accept-Encoding, Cookie"),
        ({"Vary": "Cookie"}, "private, no-cache", "Cookie"),
    ],
)
def test_responses_are_private_and_vary_by_cookie_unless_a_view_says(
    set_headers, cache_control, vary
):
    def view(request):
        response = HttpResponse()
        for name, value in set_headers.items():
            response[name] = value
        return response

    response = PrivateByDefaultMiddleware(view)(RequestFactory().get("/"))
    assert response["Cache-Control"] == cache_control
    assert response["Vary"] == vary
