"""The facts a chapter states: definitions, dated events, figures, people's views."""

from __future__ import annotations

import pytest

from revise.content.facts import definition_gist, extract_facts
from revise.content.model import TextBlock
from revise.content.parser import parse_course
from tests.conftest import SAMPLE_COURSE


def heading(
    text: str, *, line: int = 1, level: int = 2, anchor: str = "h"
) -> TextBlock:
    return TextBlock(
        kind="heading", text=text, anchor=anchor, locked=False, line=line, level=level
    )


def para(text: str, *, line: int = 2, anchor: str = "h", **extra) -> TextBlock:
    return TextBlock(
        kind="text",
        text=text,
        anchor=anchor,
        locked=extra.pop("locked", False),
        line=line,
        para=f"p{line}",
        **extra,
    )


def definition(term: str, body: str, *, line: int = 3) -> TextBlock:
    return TextBlock(
        kind="definition",
        text=body,
        anchor="h",
        locked=False,
        line=line,
        term=term,
        callout="definition",
        para=f"p{line}",
    )


def only(blocks, kind, subject=""):
    return [f for f in extract_facts(blocks, subject=subject) if f.kind == kind]


# --- definitions -----------------------------------------------------------------------


def test_a_definition_gives_term_gist_and_full_text_at_its_box():
    body = 'A "rich" peasant. The Bolsheviks blamed kulaks for hiding grain.'
    (fact,) = only([heading("Terror"), definition("Kulak", body, line=9)], "definition")
    assert (fact.subject, fact.value, fact.text) == ("Kulak", 'A "rich" peasant', body)
    assert (fact.key, fact.anchor, fact.section, fact.line) == ("kulak", "p9", "h", 9)


@pytest.mark.parametrize(
    ("body", "gist"),
    [
        # a semicolon starts a remark on the term, not its meaning
        (
            "Private traders who prospered under the NEP; resented by many communists.",
            "Private traders who prospered under the NEP",
        ),
        # past 25 words: cut before the colon, then before a subordinate clause
        (
            "The uneasy sharing of authority in Russia between February and October "
            "1917: the Provisional Government held the title of government, but the "
            "Petrograd Soviet held the loyalty of the soldiers and workers.",
            "The uneasy sharing of authority in Russia between February and October 1917",
        ),
        (
            "Lenin's idea of a small, tightly disciplined party of committed "
            "revolutionaries who would lead the working class, because the workers "
            "alone would not develop a revolutionary outlook.",
            "Lenin's idea of a small, tightly disciplined party of committed "
            "revolutionaries who would lead the working class",
        ),
        # a short sentence stays whole, subordinate clause and all
        ("A body, which met once.", "A body, which met once"),
    ],
)
def test_definition_gist(body, gist):
    assert definition_gist(body) == gist


# --- dated events ----------------------------------------------------------------------


def test_an_event_takes_the_verb_and_precise_date_its_text_uses():
    blocks = [
        heading("4. Treaty of Rapallo (1922)", anchor="rapallo"),
        para(
            "On 16 April 1922 Soviet Russia and Germany signed the Treaty of Rapallo, "
            "in Italy, while a conference was meeting at Genoa.",
            anchor="rapallo",
        ),
    ]
    (event,) = only(blocks, "event")
    assert (event.subject, event.value, event.verb, event.detail) == (
        "Treaty of Rapallo",
        "1922",
        "signed",
        "16 April 1922",
    )
    assert (event.key, event.anchor) == ("treaty-of-rapallo", "rapallo")


def test_an_event_verb_must_go_with_the_date():
    """Adopted on the heading's date and signed later: the verb is "adopted"."""
    blocks = [
        heading("The Paris Agreement (2015)"),
        para("The Paris Agreement was adopted in December 2015 by 196 parties."),
        para("The agreement was signed in New York in April 2016."),
    ]
    (event,) = only(blocks, "event")
    assert (event.verb, event.detail) == ("adopted", "December 2015")


def test_an_event_without_a_verb_in_its_text_has_none():
    blocks = [
        heading("The Kornilov affair (August 1917)"),
        para("General Kornilov sent troops towards Petrograd."),
        para("The treaty ended the war in 1917."),  # a verb, but not of the event
    ]
    (event,) = only(blocks, "event")
    assert (event.subject, event.value, event.verb) == (
        "The Kornilov affair",
        "August 1917",
        "",
    )


@pytest.mark.parametrize(
    ("title", "text", "event"),
    [
        # a section's title with a date: neither an event's noun nor a verb for it
        ("The gamble pays off (November 1918)", "Germany surrendered.", False),
        ("Trade and recognition (1921–1924)", "Britain signed a trade deal.", False),
        ("The argument over peace (January–March 1918)", "Bukharin objected.", False),
        # an event by its head noun, or by the verb the section uses for it
        ("The Kronstadt rising (March 1921)", "The sailors rose.", True),
        ("War Communism (1918–1921)", "Grain was requisitioned.", True),
        (
            "The Comintern (March 1919)",
            "The Comintern was founded in March 1919.",
            True,
        ),
    ],
)
def test_a_dated_heading_is_an_event_only_if_it_names_one(title, text, event):
    assert bool(only([heading(title), para(text)], "event")) is event


def test_the_name_is_the_part_after_a_colon_and_the_intransitive_verb_is_found():
    blocks = [
        heading("Holding on: the Constituent Assembly (January 1918)"),
        para("The Assembly met on 5 January 1918 (18 January NS)."),
    ]
    (event,) = only(blocks, "event")
    assert (event.subject, event.verb, event.detail) == (
        "the Constituent Assembly",
        "met",
        "5 January 1918",
    )


@pytest.mark.parametrize(
    "title", ["The Kronstadt rising (a turning point)", "The crisis of 1921", "Context"]
)
def test_a_heading_without_a_date_in_brackets_is_no_event(title):
    assert only([heading(title)], "event") == []


# --- figures ---------------------------------------------------------------------------


def test_a_figure_of_a_list_item_is_read_with_its_lead_in():
    blocks = [
        heading("1. Treaty of Brest-Litovsk (March 1918)"),
        para("Russia gave up Ukraine, and with them:"),
        para("27% of its farmland;", item=True, line=5),
    ]
    (figure,) = only(blocks, "figure")
    assert (figure.value, figure.subject, figure.unit, figure.anchor) == (
        "27%",
        "of its farmland",
        "",
        "p5",
    )
    assert figure.text == "Russia gave up Ukraine, and with them ___ of its farmland."
    assert figure.context == "Treaty of Brest-Litovsk"  # the heading, without its date


def test_a_count_keeps_its_unit_and_a_year_is_no_figure():
    blocks = [para("In 1920 Russia ran 13 days behind the western calendar.")]
    (figure,) = only(blocks, "figure")
    assert (figure.value, figure.unit) == ("13", "days")


def test_an_analogy_states_no_fact():
    assert (
        extract_facts([para("Like losing 30% of your pawns.", callout="analogy")]) == []
    )


# --- views -----------------------------------------------------------------------------


def test_a_view_takes_its_role_from_the_course_subject():
    blocks = [heading("Why it worked"), para("Orlando Figes argues that it helped.")]
    (view,) = only(blocks, "view", subject="IB History")
    assert (view.subject, view.verb, view.value, view.role) == (
        "Orlando Figes",
        "argues",
        "that it helped",
        "historian",
    )


def test_a_view_takes_its_role_from_the_heading_else_none_is_assumed():
    blocks = [heading("Economists"), para("John Keynes argues that demand matters.")]
    assert only(blocks, "view", subject="Ideas")[0].role == "economist"
    blocks = [heading("Debate"), para("John Keynes argues that demand matters.")]
    assert only(blocks, "view", subject="Ideas")[0].role == ""
    assert only(blocks, "view", subject="Economics")[0].role == "economist"


# --- keys and the sample course --------------------------------------------------------


def test_keys_are_unique_within_a_chapter():
    blocks = [definition("Kulak", "A peasant."), definition("Kulak", "A farmer.")]
    assert [f.key for f in extract_facts(blocks)] == ["kulak", "kulak-2"]


def test_every_sample_fact_points_at_a_paragraph_or_heading_of_its_chapter():
    course, problems = parse_course(SAMPLE_COURSE)
    assert problems == []
    kinds = set()
    for chapter in course.chapters:
        html = chapter.free_html + chapter.locked_html
        for fact in chapter.facts:
            kinds.add(fact.kind)
            assert f'id="{fact.anchor}"' in html, (chapter.slug, fact)
            in_locked = f'id="{fact.anchor}"' in chapter.locked_html
            assert fact.locked == in_locked, (chapter.slug, fact)
    assert kinds == {"definition", "event", "figure", "view"}


def test_a_free_event_takes_no_verb_or_date_from_the_locked_part(write_course):
    """Found when attacking the cheatsheet: the free card said "signed" and gave the
    precise date that only the locked part states."""
    from tests.conftest import COURSE_YAML

    folder = write_course(
        {
            "course.yaml": COURSE_YAML,
            "01-one.md": (
                "---\ntitle: One\n---\n## Treaty of Somewhere (1920)\n\nA treaty.\n\n"
                "<!-- locked -->\n\nIt was signed on 3 March 1920 at Somewhere.\n"
            ),
        }
    )
    course, problems = parse_course(folder)
    assert problems == []
    (event,) = [f for f in course.chapters[0].facts if f.kind == "event"]
    assert (event.locked, event.verb, event.detail) == (False, "", "")
    card = next(c for c in course.chapters[0].cards if c.origin == "derived")
    assert "signed" not in card.front_text and "3 March" not in card.back_text


def test_a_chapter_may_not_take_the_cheatsheets_slug(write_course):
    from tests.conftest import COURSE_YAML

    folder = write_course(
        {
            "course.yaml": COURSE_YAML,
            "01-one.md": "---\ntitle: One\nslug: cheatsheet\n---\nText.\n",
        }
    )
    _, problems = parse_course(folder)
    assert [f"{p.path.name}:{p.line}: {p.message}" for p in problems] == [
        "01-one.md:3: slug 'cheatsheet' is taken by a page of the course; choose another"
    ]
