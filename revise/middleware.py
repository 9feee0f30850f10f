"""Headers every response gets: kept out of shared caches, and the content policy."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import patch_vary_headers


class PrivateByDefaultMiddleware:
    """Mark every response ``Cache-Control: private`` and ``Vary: Cookie``.

    A view that knows better (a public, cacheable page) sets Cache-Control itself.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            # What patch_cache_control(response, private=True, no_cache=True) writes.
            response.headers["Cache-Control"] = "private, no-cache"
        if response.has_header("Vary"):
            patch_vary_headers(response, ["Cookie"])
        else:
            response.headers["Vary"] = "Cookie"
        return response


# What a view may set to have a policy of its own (django-csp's decorators).
_OWN_POLICY = tuple(
    f"_csp_{what}{ro}"
    for what in ("config", "update", "replace", "exempt")
    for ro in ("", "_ro")
)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the settings' policy built once per process.

    django-csp builds the header from the settings on every response (about 40 µs).
    A response with no policy of its own (none of django-csp's decorators, no nonce
    asked for) gets the same header from :func:`_site_policies`; any other response,
    and every response with ``DEBUG`` on or excluded paths configured, goes through
    django-csp as before.
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        policies = _site_policies()
        if (
            policies is None
            or settings.DEBUG
            or getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in _OWN_POLICY)
        ):
            return super().process_response(request, response)
        for header, policy in zip((HEADER, HEADER_REPORT_ONLY), policies, strict=True):
            if policy and header not in response:
                response[header] = policy
        # As django-csp does: a nonce asked for after this point is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


@functools.cache
def _site_policies() -> tuple[str, str] | None:
    """The settings' policy and report-only policy, or None if paths are excluded."""
    configs = (
        getattr(settings, "CONTENT_SECURITY_POLICY", None) or {},
        getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None) or {},
    )
    if any(config.get("EXCLUDE_URL_PREFIXES") for config in configs):
        return None
    return build_policy(), build_policy(report_only=True)


@receiver(setting_changed)
def _policy_setting_changed(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY") or setting == "DEBUG":
        _site_policies.cache_clear()
