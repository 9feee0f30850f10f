"""Pages rendered once per content version, with the viewer's parts filled in per request.

A chapter page or a deck page is mostly the same for everyone who may see it: it changes
only on import (issue 11). Rendering the whole template on every request costs most of
the page's time. So a template marks what is the viewer's own with ``{% hole %}``::

    {% load shells %}
    {% hole %}{% if mine %}Your progress: …{% csrf_token %}…{% endif %}{% endhole %}

and a view calls :func:`shell_render` with two contexts:

- ``shared``: what the page shows to everyone with the same ``key`` (the chapter and its
  version, the viewer's access as ``revise/accounts/access.py`` decides it). The page is
  rendered once with it, per process, key and path, into a :class:`Shell`: the text
  around the holes, and the holes themselves. Of the request, the shared part sees only
  ``request.path`` (the sign-in links' ``next``).
- ``own``: the viewer's (progress, counts). Each request renders only the holes, with
  ``shared``, ``own`` and what every page gets (the request, the user, the CSRF token,
  messages), and joins them with the kept text.

Why no viewer's part can end up in another viewer's page: the shell is rendered with
``shared`` alone, without the request (but its path), the user, a CSRF token or
messages, so text outside a hole cannot show any of them (a template that tries gets an
empty string, and the tests compare shell pages with normally rendered ones). What
``shared`` holds must follow from ``key``: a value that depends on who asks (the locked
part) goes into the key through the access decision.

Outside :func:`shell_render` a hole is just part of the template, so the same template
also renders normally (``render()``), which is how the tests check the two agree.

A hole's content sees only those contexts, never a loop variable: a hole inside
``{% for %}`` is refused when the shell is made.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from django import template
from django.http import HttpRequest, HttpResponse
from django.template import Context, RequestContext, TemplateSyntaxError
from django.template.base import Node, NodeList, Parser, Template, Token
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils.functional import SimpleLazyObject

from revise import csrf
from revise.context_processors import frame_links
from revise.memo import Memo

register = template.Library()

# Context variables starting with "_" cannot be named by a template.
_RECORDER = "_revise_shell_holes"
# Where a hole was, in the text a shell is cut from: a NUL and a per-process secret, so
# content (Markdown turns NUL into U+FFFD anyway) cannot forge one.
_MARK = f"\x00hole-{secrets.token_hex(8)}:"

_shells: Memo[Shell] = Memo(512)


class HoleNode(Node):
    """``{% hole %}…{% endhole %}``: the viewer's part of a page."""

    def __init__(self, nodelist: NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: Context) -> str:
        holes = context.get(_RECORDER)
        if holes is None:  # an ordinary render: the hole is part of the page
            return self.nodelist.render(context)
        if context.get("forloop") is not None:
            raise TemplateSyntaxError("{% hole %} cannot be inside {% for %}")
        holes.append(self)
        return f"{_MARK}{len(holes) - 1}\x00"


@register.tag("hole")
def do_hole(parser: Parser, token: Token) -> HoleNode:
    if len(token.split_contents()) != 1:
        raise TemplateSyntaxError("{% hole %} takes no arguments")
    nodelist = parser.parse(("endhole",))
    parser.delete_first_token()
    return HoleNode(nodelist)


@dataclass(frozen=True)
class Shell:
    """A page's shared text, cut where its holes go: ``texts`` has one more item than
    ``holes``."""

    template: Template
    texts: tuple[str, ...]
    holes: tuple[HoleNode, ...]
    shared: Mapping[str, Any]

    def fill(self, request: HttpRequest, own: Mapping[str, Any]) -> str:
        """The page for this request: each hole rendered with the full context."""
        # Numbers in holes are written as Python writes them, not through the locale's
        # number format (about 5 µs each): the same for en-GB, the site's only
        # language, which groups no thousands (USE_THOUSAND_SEPARATOR is off).
        context = RequestContext(request, {**self.shared, **own}, use_l10n=False)
        parts = [self.texts[0]]
        with (
            context.render_context.push_state(self.template),
            context.bind_template(self.template),
            # Over the context processors' token: Django's, masked with one read of
            # the random source instead of 32 (revise/csrf.py).
            context.push(csrf_token=SimpleLazyObject(lambda: csrf.get_token(request))),
        ):
            for hole, text in zip(self.holes, self.texts[1:], strict=True):
                parts.append(hole.nodelist.render(context))
                parts.append(text)
        return "".join(parts)


class _Path(NamedTuple):
    """All of the request that a shell's shared part may see."""

    path: str


def shell_make(template_name: str, shared: Mapping[str, Any], *, path: str) -> Shell:
    """Render ``template_name`` with ``shared`` alone and cut it at its holes."""
    compiled = get_template(template_name).template
    holes: list[HoleNode] = []
    context = Context(
        {**frame_links(None), "request": _Path(path), **shared, _RECORDER: holes}
    )
    text = compiled.render(context)
    pieces = text.split(_MARK)
    texts = [pieces[0]]
    for number, piece in enumerate(pieces[1:]):
        index, _, rest = piece.partition("\x00")
        if index != str(number):  # a mark out of order: not one this render made
            raise ValueError(f"{template_name}: a hole's mark was not where expected")
        texts.append(rest)
    return Shell(
        template=compiled, texts=tuple(texts), holes=tuple(holes), shared=dict(shared)
    )


def shell_render(
    request: HttpRequest,
    template_name: str,
    *,
    key: Hashable,
    shared: Mapping[str, Any] | Callable[[], Mapping[str, Any]],
    own: Mapping[str, Any],
) -> HttpResponse:
    """The page ``template_name`` makes for this request, its shared part kept per
    process under ``key`` and the path (which must decide everything in ``shared``).

    ``shared`` may be a function that makes it, called only when the shell is made: what
    is the same for everyone (a link to reverse, an asset's URL) then costs nothing per
    request, and the holes see it too."""
    shell = _shells.get(
        (template_name, get_script_prefix(), request.path, key),
        lambda: shell_make(
            template_name, shared() if callable(shared) else shared, path=request.path
        ),
    )
    return HttpResponse(shell.fill(request, own))
