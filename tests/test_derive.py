"""Cards made from a chapter's notes: definitions, dated events, figures, historians."""

from __future__ import annotations

import pytest

from revise.cli import main
from revise.content.derive import derive_cards, derived_id
from revise.content.model import Card, TextBlock
from revise.content.parser import parse_course
from tests.conftest import COURSE_YAML, SAMPLE_COURSE


def heading(text: str, *, line: int = 1, locked: bool = False) -> TextBlock:
    return TextBlock(
        kind="heading", text=text, anchor="a", locked=locked, line=line, level=2
    )


def para(text: str, **extra) -> TextBlock:
    return TextBlock(
        kind="text",
        text=text,
        anchor=extra.pop("anchor", "a"),
        locked=extra.pop("locked", False),
        line=extra.pop("line", 2),
        **extra,
    )


def definition(term: str, body: str) -> TextBlock:
    return TextBlock(
        kind="definition",
        text=body,
        anchor="a",
        locked=False,
        line=3,
        term=term,
        callout="definition",
    )


def cards_of(*blocks: TextBlock) -> list[tuple[str, str, str]]:
    """(derived id, front, back) of every card the blocks give."""
    return [
        (derived_id(c), c.front_text, c.back_text)
        for c in derive_cards(chapter_slug="ch", blocks=blocks)
    ]


def fronts(*blocks: TextBlock) -> dict[str, str]:
    return {front: back for _, front, back in cards_of(*blocks)}


# --- definitions -----------------------------------------------------------------------


def test_definition_makes_a_card_each_way():
    assert cards_of(
        definition("Kulak", 'A "rich" peasant. The Bolsheviks blamed kulaks for it.')
    ) == [
        (
            "definition-kulak",
            "What does 'Kulak' mean?",
            'A "rich" peasant. The Bolsheviks blamed kulaks for it.',
        ),
        ("term-kulak", 'Which term means: a "rich" peasant?', "Kulak"),
    ]


def test_long_definition_is_cut_to_its_gist_for_the_reverse_card():
    body = (
        "The uneasy sharing of authority in Russia between February and October 1917: "
        "the Provisional Government held the title of government, but the Petrograd "
        "Soviet held the loyalty of the soldiers and workers."
    )
    assert fronts(definition("Dual power", body))[
        "Which term means: the uneasy sharing of authority in Russia between February "
        "and October 1917?"
    ] == ("Dual power")


def test_definition_keeps_the_capital_of_a_name_it_starts_with():
    body = "Lenin's idea of a party of professional revolutionaries."
    assert (
        "Which term means: Lenin's idea of a party of professional revolutionaries?"
        in fronts(definition("Vanguard party", body))
    )


def test_no_reverse_card_when_the_definition_names_its_own_term():
    assert [
        ident for ident, _, _ in cards_of(definition("NEP", "The NEP policy."))
    ] == ["definition-nep"]


def test_definition_without_a_body_makes_no_card():
    assert cards_of(definition("Empty", "")) == []


# --- dated events in headings ------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("4. Treaty of Rapallo (1922)", "When was the Treaty of Rapallo signed?"),
        ("2. Comintern (March 1919)", "When was the Comintern founded?"),
        (
            "3. Allied Intervention (1918–1920)",
            "When did the Allied Intervention take place?",
        ),
        (
            "Tenth Party Congress (March 1921)",
            "When was the Tenth Party Congress held?",
        ),
        (
            "Holding on: the Constituent Assembly (January 1918)",
            "When did the Constituent Assembly meet?",
        ),
        (
            "Revolution on bayonets: the Polish–Soviet War (1920)",
            "When was the Polish–Soviet War fought?",
        ),
        ("War Communism (1918–1921)", "When was War Communism in force?"),
        (
            "The New Economic Policy (March 1921)",
            "When was the New Economic Policy introduced?",
        ),
        ("The April Theses (April 1917)", "When were the April Theses announced?"),
        ("The July Days (3–4 July 1917)", "When did the July Days take place?"),
        (
            "Hungarian Soviet Republic (March–August 1919)",
            "When did the Hungarian Soviet Republic exist?",
        ),
        ("Lenin's death (21 January 1924)", "When did Lenin die?"),
        ("The gamble pays off (November 1918)", None),
        ("The argument over peace (January–March 1918)", None),
        ("Lenin's return and the April Theses (April 1917)", None),
        ("Lenin (1870–1924)", None),
        ("The Cheka (from December 1917)", None),
        ("The Kronstadt rising (a turning point)", None),
        ("The crisis of 1921", None),
    ],
)
def test_dated_heading_asks_when_with_a_verb_that_fits(title, expected):
    found = cards_of(heading(title))
    if expected is None:
        assert found == []
    else:
        date = title[title.rindex("(") + 1 : -1]
        assert [(front, back) for _, front, back in found] == [(expected, date)]


def test_date_card_id_names_the_event():
    assert [
        ident for ident, _, _ in cards_of(heading("4. Treaty of Rapallo (1922)"))
    ] == ["date-treaty-of-rapallo"]


# --- figures ---------------------------------------------------------------------------


def test_list_item_figure_is_read_with_its_lead_in_and_heading():
    blocks = [
        heading("1. Treaty of Brest-Litovsk (March 1918)"),
        para("The price was enormous. Russia gave up Ukraine, and with them:"),
        para("27% of its farmland;", item=True, line=5),
        para("26% of its railways.", item=True, line=6),
    ]
    assert cards_of(*blocks)[1:] == [
        (
            "figure-27-farmland",
            "Treaty of Brest-Litovsk (March 1918): Russia gave up Ukraine, and with "
            "them ___ of its farmland.",
            "27%",
        ),
        (
            "figure-26-railways",
            "Treaty of Brest-Litovsk (March 1918): Russia gave up Ukraine, and with "
            "them ___ of its railways.",
            "26%",
        ),
    ]


def test_figure_card_blanks_one_figure_of_its_clause():
    found = fronts(
        para(
            "The SRs won about 40 per cent of the vote; the Bolsheviks won 175 seats. "
            "The famine killed 5 million people and cost £3 million."
        )
    )
    assert found == {
        "The SRs won about ___ of the vote.": "40 per cent",
        "The Bolsheviks won ___ seats.": "175",
        "The famine killed ___ people and cost £3 million.": "5 million",
        "The famine killed 5 million people and cost ___.": "£3 million",
    }


def test_years_dates_and_analogies_give_no_figure_card():
    assert (
        cards_of(
            para(
                "In 1920 the Red Army sent 1920 troops on 3 March 1918 to No. 1 camp."
            ),
            para("Like a player who loses 30% of his pawns.", callout="analogy"),
        )
        == []
    )


def test_item_that_is_its_own_sentence_is_not_joined_to_the_lead_in():
    blocks = [
        para("The NEP had four parts:"),
        para("Tax in kind: peasants kept 60% of their grain.", item=True),
    ]
    assert fronts(*blocks) == {"Tax in kind: peasants kept ___ of their grain.": "60%"}


# --- historians ------------------------------------------------------------------------


def test_historian_view_makes_which_historian_and_how_cards():
    blocks = [
        heading("Historiography"),
        para(
            "E.H. Carr treats Brest-Litovsk as a gamble for survival: a hard bargain.",
            item=True,
        ),
    ]
    assert cards_of(*blocks) == [
        (
            "historian-e-h-carr-brest-litovsk-gamble-survival",
            "Which historian treats Brest-Litovsk as a gamble for survival?",
            "E.H. Carr",
        ),
        (
            "view-e-h-carr-brest-litovsk",
            "How does E.H. Carr treat Brest-Litovsk?",
            "As a gamble for survival.",
        ),
    ]


def test_view_is_cut_at_its_first_clause_and_needs_no_historiography_heading():
    found = fronts(
        heading("Why the Bolsheviks won"),
        para(
            "Orlando Figes argues that the intervention helped the Bolsheviks, because "
            "it let them pose as patriots."
        ),
    )
    assert found == {
        "Which historian argues that the intervention helped the Bolsheviks?": (
            "Orlando Figes"
        )
    }


def test_narrative_past_tense_and_pronouns_are_not_taken_for_views():
    assert (
        cards_of(
            heading("The Bolsheviks in power"),
            para("Lenin argued that the soviets were a higher form of democracy."),
            para("Many Russians saw the treaty as a betrayal."),
            para("Lenin believes that revolution will spread."),
            para("Richard Pipes sees it as a coup."),
        )
        == []
    )


def test_historiography_section_allows_surnames_past_tense_and_name_colon():
    found = fronts(
        heading("Historians' views"),
        para("Carr argued that Lenin was a realist."),
        para("A.J.P. Taylor: the war was an accident of timetables."),
    )
    assert found == {
        "Which historian argued that Lenin was a realist?": "Carr",
        "Which historian held this view: the war was an accident of timetables?": (
            "A.J.P. Taylor"
        ),
    }


# --- every card ------------------------------------------------------------------------


def test_derived_cards_carry_their_block_and_are_plain_escaped_text():
    (card,) = derive_cards(
        chapter_slug="ch",
        blocks=[
            TextBlock(
                kind="heading",
                text="Treaty of <Rapallo> (1922)",
                anchor="rapallo",
                locked=True,
                line=42,
                level=3,
            )
        ],
    )
    assert card == Card(
        key="ch/date-treaty-of-rapallo",
        explicit_id=False,
        front_html="When was the Treaty of &lt;Rapallo&gt; signed?",
        back_html="1922",
        front_text="When was the Treaty of <Rapallo> signed?",
        back_text="1922",
        anchor="rapallo",
        locked=True,
        line=42,
        origin="derived",
    )


def test_same_question_twice_makes_one_card_and_ids_stay_unique():
    blocks = [heading("Treaty of Rapallo (1922)"), heading("Treaty of Rapallo (1922)")]
    assert len(cards_of(*blocks)) == 1
    twice = [
        para("Russia lost 27% of its farmland."),
        para("By 1918 Russia lost 27% of its farmland."),
    ]
    assert [ident for ident, _, _ in cards_of(*twice)] == [
        "figure-27-farmland",
        "figure-27-farmland-2",
    ]


def test_no_front_is_longer_than_200_characters():
    blocks = [
        heading("A " + "very " * 50 + "long treaty (1922)"),
        para("Soviet Russia lost 27% of its " + "long " * 60 + "farmland."),
        definition("Term", "A " + "long " * 80 + "definition."),
    ]
    found = cards_of(*blocks)
    assert [ident for ident, _, _ in found] == ["definition-term", "term-term"]
    assert all(0 < len(front) <= 200 and back for _, front, back in found)
    assert found[1][1].endswith("long…?")


# --- the sample chapter ----------------------------------------------------------------


@pytest.fixture(scope="module")
def foreign_policy():
    course, problems = parse_course(SAMPLE_COURSE)
    assert problems == []
    return next(c for c in course.chapters if c.slug == "foreign-policy")


def derived(chapter) -> dict[str, Card]:
    return {derived_id(c): c for c in chapter.cards if c.origin == "derived"}


@pytest.mark.parametrize(
    ("ident", "front", "back"),
    [
        (
            "date-treaty-of-rapallo",
            "When was the Treaty of Rapallo signed?",
            "1922",
        ),
        ("date-comintern", "When was the Comintern founded?", "March 1919"),
        (
            "date-allied-intervention",
            "When did the Allied Intervention take place?",
            "1918–1920",
        ),
        (
            "definition-consolidation",
            "What does 'Consolidation' mean?",
            "Making a newly won hold on power firm and lasting after a revolution or "
            "change of government: removing rivals, securing obedience and building "
            "institutions, so that the new rulers cannot easily be overthrown.",
        ),
        (
            "term-consolidation",
            "Which term means: making a newly won hold on power firm and lasting after "
            "a revolution or change of government?",
            "Consolidation",
        ),
        (
            "historian-e-h-carr-brest-litovsk-gamble-survival",
            "Which historian treats Brest-Litovsk as a gamble for survival?",
            "E.H. Carr",
        ),
        (
            "view-richard-pipes-bolshevik-foreign-policy",
            "How does Richard Pipes judge Bolshevik foreign policy?",
            "Duplicitous at its core.",
        ),
        (
            "historian-orlando-figes-allied-intervention-civil",
            "Which historian argues that the Allied intervention in the Civil War did "
            "the Bolsheviks more good than harm?",
            "Orlando Figes",
        ),
        (
            "figure-27-farmland",
            "Treaty of Brest-Litovsk (March 1918): Russia gave up Poland, the Baltic "
            "provinces, Finland and Ukraine, and with them ___ of its farmland.",
            "27%",
        ),
    ],
)
def test_sample_chapter_derives_these_cards(foreign_policy, ident, front, back):
    card = derived(foreign_policy)[ident]
    assert (card.front_text, card.back_text) == (front, back)
    assert card.key == f"foreign-policy/{ident}"
    assert not card.locked


def test_sample_chapter_derived_cards_of_the_locked_part_are_locked(foreign_policy):
    cards = derived(foreign_policy)
    war = cards["date-polish-soviet-war"]
    assert (war.front_text, war.back_text, war.locked, war.line) == (
        "When was the Polish–Soviet War fought?",
        "1920",
        True,
        288,
    )
    assert cards["term-robber-peace"].locked
    assert cards["term-robber-peace"].front_text == (
        "Which term means: a peace in which a stronger power strips a defeated enemy "
        "of land and resources?"
    )
    assert cards["definition-consolidation"].anchor == "self-review"
    marker = 251  # the line of '<!-- locked -->' in the sample chapter
    assert all(c.locked == (c.line > marker) for c in cards.values())
    assert sum(c.locked for c in cards.values()) == 7


def test_sample_chapter_asks_nothing_twice(foreign_policy):
    """The heading 'Treaty of Brest-Litovsk (March 1918)' asks what the author's own
    card already asks, so only the author's card is kept; headings that are not events
    make no card."""
    brest = [
        c
        for c in foreign_policy.cards
        if c.front_text == "When was the Treaty of Brest-Litovsk signed?"
    ]
    assert [(c.origin, c.key) for c in brest] == [("authored", "brest-date")]
    cards = derived(foreign_policy)
    assert not any("gamble pays off" in c.front_text for c in cards.values())
    assert len(cards) == 20
    assert len(foreign_policy.cards) == 51
    assert all(c.origin == "derived" for c in foreign_policy.cards[-len(cards) :]), (
        "derived cards come after the authored ones"
    )


# --- skip_cards ------------------------------------------------------------------------

RAPALLO = """\
---
title: One
{front}
---
## Treaty of Rapallo (1922)

Russia and Germany restored relations.

::: definition Rapallo
The Italian town where the treaty was signed.
:::
"""


def chapter_with(write_course, front: str):
    return write_course(
        {"course.yaml": COURSE_YAML, "01-one.md": RAPALLO.format(front=front)}
    )


def test_chapter_cards_are_authored_then_derived(write_course):
    course, problems = parse_course(chapter_with(write_course, ""))
    assert problems == []
    assert [derived_id(c) for c in course.chapters[0].cards] == [
        "date-treaty-of-rapallo",
        "definition-rapallo",
        "term-rapallo",
    ]
    assert course.summary_line() == (
        "1 chapter, 1 callout, 3 cards (3 derived), 0 questions, 0 lesson steps"
    )


@pytest.mark.parametrize(
    "front",
    [
        "skip_cards: [date-treaty-of-rapallo, term-rapallo]",
        "skip_cards:\n  - date-treaty-of-rapallo\n  - term-rapallo",
    ],
)
def test_skip_cards_suppresses_the_named_derived_cards(write_course, front):
    course, problems = parse_course(chapter_with(write_course, front))
    assert problems == []
    assert [c.key for c in course.chapters[0].cards] == ["one/definition-rapallo"]


def test_skip_cards_takes_a_single_id(write_course):
    course, _ = parse_course(chapter_with(write_course, "skip_cards: term-rapallo"))
    assert [derived_id(c) for c in course.chapters[0].cards] == [
        "date-treaty-of-rapallo",
        "definition-rapallo",
    ]


def test_skip_cards_reports_an_unknown_id_on_its_line(write_course):
    front = "skip_cards:\n  - term-rapallo\n  - date-rapallo"
    course, problems = parse_course(chapter_with(write_course, front))
    assert course is None
    assert [(p.path.name, p.line, p.message) for p in problems] == [
        ("01-one.md", 5, "skip_cards names no derived card 'date-rapallo'")
    ]


def test_skip_cards_must_be_a_list_of_ids(write_course):
    front = "skip_cards: {date: rapallo}"
    _, problems = parse_course(chapter_with(write_course, front))
    assert [f"{p.path.name}:{p.line}: {p.message}" for p in problems] == [
        "01-one.md:3: field 'skip_cards' must be a list of texts"
    ]


def test_an_authored_card_with_the_same_question_wins(write_course):
    extra = (
        "\n::: flashcards\n- When was the treaty of Rapallo signed :: 16 April 1922.\n"
        ":::\n"
    )
    folder = write_course(
        {"course.yaml": COURSE_YAML, "01-one.md": RAPALLO.format(front="") + extra}
    )
    course, _ = parse_course(folder)
    assert [(c.origin, c.back_text) for c in course.chapters[0].cards] == [
        ("authored", "16 April 1922."),
        ("derived", "The Italian town where the treaty was signed."),
        ("derived", "Rapallo"),
    ]


# --- revise check --cards ----------------------------------------------------------------


def test_check_cards_lists_every_derived_card_with_its_id(write_course, capsys):
    folder = chapter_with(write_course, "skip_cards: term-rapallo")
    assert main(["check", "--cards", str(folder)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{folder}/01-one.md:5: [date-treaty-of-rapallo] "
        "When was the Treaty of Rapallo signed? → 1922",
        f"{folder}/01-one.md:9: [definition-rapallo] What does 'Rapallo' mean? → "
        "The Italian town where the treaty was signed.",
        f"{folder}: OK — 1 chapter, 1 callout, 2 cards (2 derived), "
        "0 questions, 0 lesson steps",
    ]
