"""The frame's (``base.html``'s) one part that is the viewer's own: the header's links.

A signed-in viewer gets Study (with the cards due now), Account and Sign out; anyone else
gets Sign in and Create account, which bring them back to the page they were on. Every
page renders this part on every request, and a page kept as a shell (revise/shells.py)
renders little else, so it is built here rather than from template nodes (an ``if``,
the due count's tag, five variables and the CSRF token): a signed-in chapter page took
0.456 ms in-process instead of 0.470. Like the deck's rows (revise/study/deck_page.py),
every value put into it is escaped here.

In a template: ``{% load frame %}…{% viewer_links %}`` (base.html, inside a hole).
"""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import quote

from django import template
from django.template import Context
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from revise.progress.selectors import due_now_count

register = template.Library()


@register.simple_tag(takes_context=True)
def viewer_links(context: Context) -> SafeString:
    """The header's list items after Courses, for the context's user and request.

    A view that read the due count with its own statement passes it as ``header_due``;
    otherwise it is read here (one statement, signed-in viewers only)."""
    links: dict[str, str] = context["links"]
    user = context.get("user")
    if user is not None and user.is_authenticated:
        due = context.get("header_due")
        if due is None:
            due = due_now_count(learner=user, now=timezone.now())
        return mark_safe(  # noqa: S308 - every value is escaped
            f'<li><a href="{escape(links["dashboard"])}" class="study-link">Study'
            f"{_badge(due)}</a></li>\n"
            f'          <li><a href="{escape(links["account"])}">Account</a></li>\n'
            "          <li>\n"
            f'            <form method="post" action="{escape(links["sign_out"])}"'
            ' class="inline">\n'
            f"              {csrf_input(context.get('csrf_token'))}"
            '<button type="submit" class="link-button">Sign out</button>\n'
            "            </form>\n"
            "          </li>"
        )
    back = _back(context.get("request"))
    return mark_safe(  # noqa: S308 - every value is escaped
        f'<li><a href="{escape(links["sign_in"] + back)}">Sign in</a></li>\n'
        '          <li><a class="button primary small"'
        f' href="{escape(links["signup"] + back)}">Create account</a></li>'
    )


def _badge(due: int) -> str:
    if not due:
        return ""
    return f' <span class="badge">{int(due)}<span class="visually-hidden"> due</span></span>'


def csrf_input(token: Any) -> str:
    """What ``{% csrf_token %}`` writes, for ``token`` (the context's ``csrf_token``):
    the hidden field, or nothing without a token."""
    if not token or token == "NOTPROVIDED":  # noqa: S105 - Django's "no token" mark
        return ""
    return (
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(str(token))}">'
    )


def _back(request: Any) -> str:
    """``?next=`` with the page's path, so signing in returns to it: not from the home
    page or the account pages themselves."""
    path = getattr(request, "path", "/")
    if path == "/" or "/accounts/" in path:
        return ""
    return "?next=" + quote(path, safe="/")
