"""The learner's counts on a deck page: new, learning and due today, when the next card
is due, today's new cards and the suspended ones. They fill a hole of a page kept as a
shell (revise/shells.py) on every signed-in visit, so they are built here rather than
from template nodes (eight variables, three conditions and three filters): the hole
took 12 µs instead of 33. The date is written by the same filters the template used.
Like the header's links (revise/frame.py), every value is escaped here.

In ``study/deck_detail.html``: ``{% load deck_marks %}``, then ``{% deck_counts counts %}``.
"""

from __future__ import annotations

from html import escape

from django import template
from django.template.defaultfilters import date as date_filter
from django.templatetags.tz import do_timezone
from django.utils.safestring import SafeString, mark_safe

from revise.study.selectors import DeckCounts

register = template.Library()


@register.simple_tag
def deck_counts(counts: DeckCounts) -> SafeString:
    """The deck's counts for the learner, and a line on what comes next."""
    if counts.ready:
        upcoming = "Cards are due now."
    elif counts.next_due:
        when = date_filter(do_timezone(counts.next_due, counts.time_zone), "j M, H:i T")
        upcoming = f"Next card due in {escape(counts.next_due_in)} ({escape(when)})."
    else:
        upcoming = "No card scheduled yet."
    new_today = int(counts.new_today)
    suspended = f"{int(counts.suspended)} suspended." if counts.suspended else ""
    return mark_safe(  # noqa: S308 - every value is escaped or a number
        '\n  <dl class="counts" aria-label="Your deck today">\n'
        f'    <div><dt>New</dt><dd data-count="new">{int(counts.new)}</dd></div>\n'
        "    <div><dt>Learning</dt>"
        f'<dd data-count="learning">{int(counts.learning)}</dd></div>\n'
        f'    <div><dt>Due today</dt><dd data-count="due">{int(counts.due)}</dd></div>\n'
        "  </dl>\n"
        '  <p class="meta">\n'
        f"    {upcoming}\n"
        f"    Up to {new_today} new card{'' if new_today == 1 else 's'} today.\n"
        f"    {suspended}\n"
        "  </p>\n"
    )
