"""The cache of anonymous pages (issue 11), invalidated whenever an import changes
content.

The home page, a course page and the free part of a chapter page are the same for every
visitor without an account, and change only when an import changes content. A view
decorated with :func:`visitor_page_cached` keeps the page it rendered for a visitor in
the shared cache (``CACHES["default"]``: the database, or Redis when configured, so
every app server sees the same pages) and serves it from there until content changes.

Why no one gets a page that is not theirs, and no locked word is ever stored:

- Only a request from a visitor (``request.user`` not authenticated) is served from the
  cache or stored in it; a signed-in learner always gets a fresh page, and that page is
  never stored. ``revise/accounts/access.py`` gives a visitor no locked part, so a
  visitor's page holds no locked word.
- The view must also say, with :func:`visitor_page`, that what it rendered is the
  visitor's page (no locked part, no progress).
- A page is not stored if rendering it touched anything of the request's own: a CSRF
  token (the page asked for one), a message (shown once, to one visitor), the session
  (changed), or a cookie the view set; nor if it is anything but a 200 (a 404 is
  rendered afresh). A visitor with a message waiting gets a fresh page, so the message
  is shown and used up as usual.
- The cached page is keyed by the path and the build (:func:`_build`): these views
  read neither the query string nor the host, and their templates use ``request.path``
  only (the sign-in links' ``next``). Ignoring the query string also keeps arbitrary
  URLs from filling the cache.
- The stored response is the view's own (status, headers, body), before the middleware:
  a page from the cache then goes through the same middleware as a fresh one, so it gets
  the same headers (``Cache-Control: private``, ``Vary: Cookie``, CSP, …) and HEAD is
  answered as for a fresh page.

Invalidation: each stored page carries the content version it was made under, read (or,
in a cache that has none, set) *before* the page was rendered; :func:`content_changed`
(called by the import after its commit) sets a new version, so every page stored before
the change stops matching at once on every server. A request that read the old version
and rendered during the import stores its page under the old version, which no longer
matches; one that read the new version started after the commit, and sees the new
content.

The cache failing (the table missing, Redis down) serves pages fresh: it never fails a
page.

Two levels: most visitors send no session or message cookie, and
:class:`VisitorPageMiddleware`, high in the middleware, keeps and serves their pages
whole (with the headers the middleware below added), so a cached page costs one cache
read and none of the rest; a visitor with such a cookie goes through the middleware and
gets the view-level entry described above.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

logger = logging.getLogger(__name__)

VERSION_KEY = "revise:pages:version"
PAGE_TIMEOUT = 60 * 60 * 24  # a page of a path that is gone expires in a day
_VISITOR_PAGE = "_revise_visitor_page"
_CACHED_VIEW = "revise_visitor_page_cached"
_MIDDLEWARE_KEEPS = "_revise_page_kept_whole"
MESSAGE_COOKIE = "messages"  # django.contrib.messages' cookie storage
_BUILD_SUFFIXES = {".py", ".html", ".css", ".js"}

View = Callable[..., HttpResponse]


def content_changed() -> None:
    """Forget every cached anonymous page (the content they were made from changed)."""
    try:
        caches["default"].set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        # No new version: at least drop the old one, so that no page matches it.
        logger.exception("page cache: could not set a new content version")
        _forget_version()


def _forget_version() -> None:
    try:
        caches["default"].delete(VERSION_KEY)
    except Exception:
        logger.exception("page cache: could not forget the content version either")


def visitor_page(response: HttpResponse) -> HttpResponse:
    """Mark ``response`` as the page any visitor gets (nothing locked, nothing of
    theirs): :func:`visitor_page_cached` may keep it."""
    setattr(response, _VISITOR_PAGE, True)
    return response


def visitor_page_cached(view: View) -> View:
    """Serve the decorated (safe-method) view's visitor pages from the shared cache."""

    @functools.wraps(view)
    def cached_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request, _MIDDLEWARE_KEEPS, False) or not _servable(request):
            # A cookie-less visit is kept whole by VisitorPageMiddleware instead.
            return view(request, *args, **kwargs)
        return _kept(
            _page_key(request),
            lambda: view(request, *args, **kwargs),
            lambda response: _storable(request, response),
        )

    setattr(cached_view, _CACHED_VIEW, True)
    return cached_view


class VisitorPageMiddleware:
    """The fast path: a visitor who sends no session or message cookie, asking for a
    page a :func:`visitor_page_cached` view makes, gets the whole response as the
    middleware below this one left it, from the shared cache, without going through
    them (sessions, authentication, CSRF, messages, the page's policy headers).

    Without a session cookie there is no signed-in user and no message waiting, so the
    page is the visitor's page. A response is stored here only if the view marked it
    (:func:`visitor_page`), it is a 200 to a GET, and nothing below set a cookie (a CSRF
    token, a session, a message). Pages are keyed apart from the view-level entries
    (those hold the view's response before the middleware) and carry the same content
    version, so an import retires both. The middleware above (security headers) runs
    for every response as before.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _cookieless_visit(request):
            return self.get_response(request)
        setattr(request, _MIDDLEWARE_KEEPS, True)
        return _kept(
            _page_key(request, kind="visit"),
            lambda: self.get_response(request),
            lambda response: (
                request.method == "GET"
                and getattr(response, _VISITOR_PAGE, False) is True
                and response.status_code == 200
                and not response.streaming
                and not response.cookies
            ),
        )


def _kept(
    key: str,
    make: Callable[[], HttpResponse],
    storable: Callable[[HttpResponse], bool],
) -> HttpResponse:
    """The page stored under ``key`` for the current content version, or ``make()``'s,
    stored if ``storable``. The version is read (or started) before the page is made,
    so a page made during an import is stored under the version the import retires."""
    try:
        version, entry = _read(key)
    except Exception:  # a cache down serves pages fresh
        logger.exception("page cache: read failed; serving the page fresh")
        return make()
    if entry is not None and version is not None and entry["version"] == version:
        return _response(entry)
    if version is None:
        version = _version_start()
    response = make()
    if version is not None and storable(response):
        _store(key, version, response)
    return response


def _cookieless_visit(request: HttpRequest) -> bool:
    """A GET or HEAD with no session or message cookie, for a cached view's page."""
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or MESSAGE_COOKIE in cookies:
        return False
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return getattr(match.func, _CACHED_VIEW, False) is True


def _servable(request: HttpRequest) -> bool:
    """A visitor's GET or HEAD, with no message waiting for them."""
    if request.method not in ("GET", "HEAD"):
        return False
    if request.user.is_authenticated:
        return False
    messages = getattr(request, "_messages", None)
    # len() loads the waiting messages without marking them used.
    return messages is None or len(messages) == 0


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    """True if the page rendered is the visitor's page and holds nothing of this
    request's own (see the module docstring)."""
    messages = getattr(request, "_messages", None)
    session = getattr(request, "session", None)
    return (
        getattr(response, _VISITOR_PAGE, False) is True
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.user.is_authenticated
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and (messages is None or (not messages.used and len(messages) == 0))
        and (session is None or not session.modified)
    )


def _page_key(request: HttpRequest, kind: str = "page") -> str:
    path = hashlib.sha256(request.path.encode("utf-8", "surrogateescape")).hexdigest()
    return f"revise:{kind}:{_build()}:{path}"


@functools.cache
def _build() -> str:
    """This process's code, templates and static files, hashed: after a deploy, pages
    rendered by the old code (old markup, old hashed static URLs) are not served, and
    during a rolling deploy old and new servers keep their pages apart. Read once per
    process (about 10 ms)."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(django.get_version().encode())
    for path in sorted(root.rglob("*")):
        if path.suffix in _BUILD_SUFFIXES and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _read(key: str) -> tuple[str | None, dict | None]:
    """The content version and the stored page, in one round trip."""
    found = caches["default"].get_many([VERSION_KEY, key])
    return found.get(VERSION_KEY), found.get(key)


def _version_start() -> str | None:
    """A version for a cache that has none (fresh, or evicted), set before the page is
    rendered; add() keeps the one another request or an import set meanwhile."""
    cache = caches["default"]
    try:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        return cache.get(VERSION_KEY)
    except Exception:
        logger.exception("page cache: could not start a content version")
        return None


def _store(key: str, version: str, response: HttpResponse) -> None:
    try:
        entry = {
            "version": version,
            "status": response.status_code,
            "headers": dict(response.headers),
            "body": response.content,
        }
        caches["default"].set(key, entry, timeout=PAGE_TIMEOUT)
    except Exception:  # a page not stored is only slower next time
        logger.exception("page cache: write failed")


def _response(entry: dict) -> HttpResponse:
    return HttpResponse(entry["body"], status=entry["status"], headers=entry["headers"])
