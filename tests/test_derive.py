"""Cards made from a chapter's notes: definitions, dated events, figures, historians."""

from __future__ import annotations

import html
import re

import pytest

from revise.cli import main
from revise.content.derive import derive_cards, derived_id, gives_away
from revise.content.derive.text import MEANING_WORDS
from revise.content.facts import extract_facts
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


def made(*blocks: TextBlock, authored=(), subject: str = "History") -> list[Card]:
    """The cards the blocks' facts give, past every card rule."""
    facts = extract_facts(blocks, subject=subject)
    vocabulary = {w for b in blocks for w in re.findall(r"\b[a-z][a-z'-]*\b", b.text)}
    cards, _ = derive_cards(
        chapter_slug="ch", facts=facts, authored=authored, vocabulary=vocabulary
    )
    return cards


def cards_of(*blocks: TextBlock, **options) -> list[tuple[str, str, str]]:
    """(derived id, front, back) of every card the blocks give."""
    return [
        (derived_id(c), c.front_text, c.back_text) for c in made(*blocks, **options)
    ]


def fronts(*blocks: TextBlock, **options) -> dict[str, str]:
    return {front: back for _, front, back in cards_of(*blocks, **options)}


def derived(chapter) -> dict[str, Card]:
    return {derived_id(c): c for c in chapter.cards if c.origin == "derived"}


# --- definitions -----------------------------------------------------------------------


def test_definition_makes_a_card_each_way_with_the_gist_as_answer():
    body = 'A "rich" peasant. The Bolsheviks blamed kulaks for it.'
    (forward, reverse) = made(definition("Kulak", body))
    assert (forward.front_text, forward.back_text) == (
        "What does 'Kulak' mean?",
        'A "rich" peasant.',
    )
    # the rest of the definition is shown after the answer, not asked
    assert forward.back_html == (
        'A "rich" peasant. <span class="card-more">The Bolsheviks blamed kulaks for '
        "it.</span>"
    )
    assert (reverse.front_text, reverse.back_text) == (
        'Which term means: a "rich" peasant?',
        "Kulak",
    )


@pytest.mark.parametrize(
    ("body", "answer", "more"),
    [
        # the whole first sentence answers, though its gist is cut before "because"
        (
            "Lenin's idea of a small, tightly disciplined party of committed "
            "revolutionaries who would lead the working class, because the workers "
            "alone would not develop a revolutionary outlook.",
            "Lenin's idea of a small, tightly disciplined party of committed "
            "revolutionaries who would lead the working class, because the workers "
            "alone would not develop a revolutionary outlook.",
            "",
        ),
        # what follows a colon is part of the meaning, and the later sentence is shown
        (
            "The economic policy of the Bolsheviks during the Civil War (1918–1921): "
            "grain requisitioning and a ban on private trade. It ended in 1921.",
            "The economic policy of the Bolsheviks during the Civil War (1918–1921): "
            "grain requisitioning and a ban on private trade.",
            "It ended in 1921.",
        ),
        # a first sentence past MEANING_WORDS is cut to its gist, and its cut-off end
        # is not shown as if it were a sentence
        (
            "A policy " + "of state control " * 7 + "over trade and industry in the "
            "years of the war, because the state had to feed the army. It failed.",
            "A policy " + "of state control " * 7 + "over trade and industry in the "
            "years of the war.",
            "It failed.",
        ),
    ],
)
def test_a_definition_card_answers_with_whole_sentences(body, answer, more):
    forward = made(definition("Policy", body))[0]
    assert forward.back_text == answer
    shown = f' <span class="card-more">{more}</span>' if more else ""
    assert forward.back_html == html.escape(answer, quote=False) + shown


def test_definition_keeps_the_capital_of_a_name_it_starts_with():
    body = "Lenin's idea of a group of professional revolutionaries."
    assert (
        "Which term means: Lenin's idea of a group of professional revolutionaries?"
        in fronts(definition("Vanguard", body))
    )


@pytest.mark.parametrize(
    ("term", "body"),
    [
        # the cases: the answer, or what it is made of, in the question
        (
            "Comintern",
            "The Communist International, founded by Lenin in Moscow in March 1919.",
        ),
        (
            "Nepmen",
            "Private traders and small businessmen who prospered under the NEP.",
        ),
        ("NEP", "The New Economic Policy of March 1921, which allowed trade."),
        ("Constituent Assembly", "The elected assembly meant to decide the future."),
        ("War Communism", "The economic policy of the Bolsheviks in the Civil War."),
    ],
)
def test_no_reverse_card_when_the_gist_gives_the_term_away(term, body):
    assert [ident for ident, _, _ in cards_of(definition(term, body))] == [
        f"definition-{term.lower().replace(' ', '-')}"
    ]


def test_a_definition_too_long_to_answer_makes_no_card():
    assert cards_of(definition("Term", "A " + "long " * 40 + "definition.")) == []


def test_definition_without_a_body_makes_no_card():
    assert cards_of(definition("Empty", "")) == []


# --- dated events ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("blocks", "expected"),
    [
        # the verb is the text's own, the answer its most precise date
        (
            [
                heading("4. Treaty of Rapallo (1922)"),
                para("On 16 April 1922 Soviet Russia and Germany signed the Treaty."),
            ],
            ("When was the Treaty of Rapallo signed?", "16 April 1922"),
        ),
        (
            [
                heading("The Paris Agreement (December 2015)"),
                para("The Paris Agreement was adopted in December 2015."),
                para("It was signed in New York in April 2016."),
            ],
            ("When was the Paris Agreement adopted?", "December 2015"),
        ),
        (
            [
                heading("Holding on: the Constituent Assembly (January 1918)"),
                para("The Assembly met on 5 January 1918."),
            ],
            ("When did the Constituent Assembly meet?", "5 January 1918"),
        ),
        # no verb in the text: none is asserted beyond the kind of thing named
        (
            [heading("Treaty of Rapallo (1922)")],
            ("What is the date of the Treaty of Rapallo?", "1922"),
        ),
        (
            [heading("3. Allied Intervention (1918–1920)")],
            ("When did the Allied Intervention take place?", "1918–1920"),
        ),
        (
            [heading("Revolution on bayonets: the Polish–Soviet War (1919–1920)")],
            ("When was the Polish–Soviet War fought?", "1919–1920"),
        ),
        (
            [heading("War Communism (1918–1921)")],
            ("When was War Communism in force?", "1918–1921"),
        ),
        (
            [heading("Hungarian Soviet Republic (March–August 1919)")],
            ("When did the Hungarian Soviet Republic exist?", "March–August 1919"),
        ),
        # the name holds part of the date: only the year is asked
        (
            [heading("The July Days (July 1917)")],
            ("In which year did the July Days take place?", "1917"),
        ),
    ],
)
def test_dated_heading_asks_when_with_only_verbs_the_text_supports(blocks, expected):
    assert [(front, back) for _, front, back in cards_of(*blocks)] == [expected]


@pytest.mark.parametrize(
    "title",
    [
        "The seizure of power (October 1917)",  # no name: which seizure of power?
        "The gamble pays off (November 1918)",
        "Lenin's return and the April Theses (April 1917)",  # two things
        "Lenin (1870–1924)",  # a life, not an event
        "The Cheka (from December 1917)",
        "The crisis of 1921",
    ],
)
def test_heading_that_is_not_one_named_event_makes_no_card(title):
    assert cards_of(heading(title)) == []


def test_date_card_id_names_the_event():
    assert [
        ident for ident, _, _ in cards_of(heading("4. Treaty of Rapallo (1922)"))
    ] == ["date-treaty-of-rapallo"]


# --- figures ---------------------------------------------------------------------------


def test_list_item_figure_is_read_with_its_lead_in_and_its_heading_without_date():
    blocks = [
        heading("1. Treaty of Brest-Litovsk (March 1918)"),
        para("The price was enormous. Russia gave up Ukraine, and with them:"),
        para("27% of its farmland;", item=True, line=5),
        para("26% of its railways.", item=True, line=6),
    ]
    assert cards_of(*blocks)[1:] == [
        (
            "figure-27-farmland",
            "Treaty of Brest-Litovsk: Russia gave up Ukraine, and with them ___ of its "
            "farmland.",
            "27%",
        ),
        (
            "figure-26-railways",
            "Treaty of Brest-Litovsk: Russia gave up Ukraine, and with them ___ of its "
            "railways.",
            "26%",
        ),
    ]


def test_a_figure_card_never_puts_the_headings_date_before_another_date():
    """The issue's case: "Constituent Assembly (January 1918)" before a clause about
    the election of November 1917."""
    blocks = [
        heading("Holding on: the Constituent Assembly (January 1918)"),
        para("The SRs won about 40% of the vote in November 1917."),
    ]
    (front,) = [f for f in fronts(*blocks) if "___" in f]
    assert "January 1918" not in front
    assert front.endswith("The SRs won about ___ of the vote in November 1917.")


def test_figure_card_blanks_one_figure_of_its_clause():
    found = fronts(
        para(
            "The SRs won about 40 per cent of the vote; the Bolsheviks won 175 seats. "
            "The famine killed 5 million people and cost £3 million."
        )
    )
    # "5 million" and "£3 million" each leave the other's "million" in the question,
    # a hint at the answer: no card
    assert found == {
        "The SRs won about ___ of the vote.": "40 per cent",
        "The Bolsheviks won ___ seats.": "175",
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


# --- people's views ----------------------------------------------------------------------


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


def test_the_kind_of_person_comes_from_the_subject_and_is_never_assumed():
    """The issue's case: "Which historian argues …?" for an economist."""
    view = para("John Keynes argues that demand drives output.")
    assert fronts(heading("Demand"), view, subject="Economics") == {
        "Which economist argues that demand drives output?": "John Keynes"
    }
    assert fronts(heading("Demand"), view, subject="Ideas") == {
        "Who argues that demand drives output?": "John Keynes"
    }


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


# --- the rules every made card follows ---------------------------------------------------


@pytest.mark.parametrize(
    ("question", "answer", "expected"),
    [
        ("When did the July Days take place?", "July 1917", True),
        ("Which term means: the Communist International?", "Comintern", True),
        ("Which term means: traders under the NEP?", "Nepmen", True),
        ("Which term means: a policy of communism?", "War Communism", True),
        ("Which term means: the New Economic Policy?", "NEP", True),
        ("Which term means: a rich peasant?", "Kulak", False),
        ("Russia lost ___ of its farmland in 1918.", "27%", False),
        ("In 1921 about ___ of output was lost.", "1921", True),
        ("Which historian treats Brest-Litovsk as a gamble?", "E.H. Carr", False),
    ],
)
def test_gives_away(question, answer, expected):
    assert gives_away(question, answer) is expected


def authored(front: str, back: str, key: str = "mine") -> Card:
    return Card(
        key=key,
        explicit_id=True,
        front_html=front,
        back_html=back,
        front_text=front,
        back_text=back,
        anchor="h",
        locked=False,
        line=1,
    )


@pytest.mark.parametrize(
    ("blocks", "card", "dropped"),
    [
        # the cases: the same answer about the same subject, in other words
        (
            [
                heading("2. Comintern (March 1919)"),
                para("In March 1919 Lenin founded the Comintern."),
            ],
            authored(
                "When and where was the Comintern founded?", "In Moscow, in March 1919."
            ),
            ["date-comintern"],
        ),
        (
            [
                heading("Brest-Litovsk"),
                para("Russia gave up Ukraine, and with them:"),
                para("27% of its farmland.", item=True, line=5),
            ],
            authored(
                "What share of Russia's farmland was lost at Brest-Litovsk?", "27%."
            ),
            ["figure-27-farmland"],
        ),
        (
            [
                heading("Historiography"),
                para(
                    "Richard Pipes judges Bolshevik foreign policy to be duplicitous at its core."
                ),
            ],
            authored(
                "How does Richard Pipes characterise Bolshevik foreign policy?",
                "As duplicitous: preaching revolution while putting survival first.",
            ),
            ["view-richard-pipes-bolshevik-foreign-policy"],
        ),
        (
            [
                definition(
                    "Dual power", "The uneasy sharing of authority in Russia in 1917."
                )
            ],
            authored(
                'What was "dual power" in 1917?', "The sharing of authority in Russia."
            ),
            ["definition-dual-power"],
        ),
        # the other direction is kept, and so is another question on the subject
        (
            [
                heading("Historiography"),
                para("E.H. Carr treats Brest-Litovsk as a gamble for survival."),
            ],
            authored(
                "Which historian described Brest-Litovsk as a gamble for survival?",
                "E.H. Carr.",
            ),
            ["historian-e-h-carr-brest-litovsk-gamble-survival"],
        ),
        (
            [
                definition(
                    "Red Terror",
                    "The campaign of mass arrests launched in September 1918.",
                )
            ],
            authored(
                "When was the Red Terror declared?",
                "In September 1918, after the attempt on Lenin.",
            ),
            [],
        ),
    ],
)
def test_a_card_the_author_already_wrote_is_dropped_in_its_direction_only(
    blocks, card, dropped
):
    facts = extract_facts(blocks, subject="History")
    kept, gone = derive_cards(chapter_slug="ch", facts=facts, authored=[card])
    assert [derived_id(d.card) for d in gone] == dropped
    assert all(d.duplicates == "mine" for d in gone)
    everything = {derived_id(c) for c in kept} | set(dropped)
    assert len(everything) == len(kept) + len(gone)


def test_derived_cards_carry_their_fact_and_are_plain_escaped_text():
    (card,) = derive_cards(
        chapter_slug="ch",
        facts=extract_facts(
            [
                TextBlock(
                    kind="heading",
                    text="Treaty of <Rapallo> (1922)",
                    anchor="rapallo",
                    locked=True,
                    line=42,
                    level=3,
                )
            ]
        ),
    )[0]
    assert card == Card(
        key="ch/date-treaty-of-rapallo",
        explicit_id=False,
        front_html="What is the date of the Treaty of &lt;Rapallo&gt;?",
        back_html="1922",
        front_text="What is the date of the Treaty of <Rapallo>?",
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


def test_no_front_is_longer_than_200_characters_nor_answer_than_its_limit():
    # 25 words for a figure or date, 35 for a definition's meaning
    blocks = [
        heading("A " + "very " * 50 + "long treaty (1922)"),
        para("Soviet Russia lost 27% of its " + "long " * 60 + "farmland."),
        definition("Term", "A " + "long " * 34 + "definition."),
    ]
    assert cards_of(*blocks) == []
    (answered,) = cards_of(definition("Term", "A " + "long " * 33 + "definition."))
    assert len(answered[2].split()) == MEANING_WORDS


# --- the sample course -----------------------------------------------------------------


@pytest.fixture(scope="module")
def sample():
    course, problems = parse_course(SAMPLE_COURSE)
    assert problems == []
    return course


def test_every_sample_card_links_to_a_place_in_its_chapter(sample):
    """Made cards to their fact's paragraph, authored ones to the paragraph that best
    matches them; a free card never into the locked part."""
    for chapter in sample.chapters:
        html = chapter.free_html + chapter.locked_html
        for card in chapter.cards:
            assert f'id="{card.anchor}"' in html, (chapter.slug, card.front_text)
            if not card.locked:
                assert f'id="{card.anchor}"' in chapter.free_html, card.front_text
            if card.origin == "authored" or not card.key.split("/")[1].startswith(
                "date-"
            ):
                assert card.anchor.startswith("p"), card.front_text


@pytest.mark.parametrize(
    ("chapter", "front", "paragraph_says"),
    [
        ("foreign-policy", "What share of Russia's farmland", "27% of its farmland"),
        ("foreign-policy", "According to Orlando Figes", "Orlando Figes argues"),
        ("foreign-policy", "What is the historical debate", "E.H. Carr treats"),
        ("foreign-policy", "In which two countries", "especially in Germany"),
        ("rise-to-power", "On what date did the Bolsheviks seize", "On 24 October"),
        ("war-communism-and-nep", "When did Lenin die?", "Lenin died at Gorki"),
    ],
)
def test_authored_cards_link_to_the_paragraph_that_states_them(
    sample, chapter, front, paragraph_says
):
    chapter = next(c for c in sample.chapters if c.slug == chapter)
    card = next(c for c in chapter.cards if c.front_text.startswith(front))
    block = next(b for b in chapter.blocks if b.para == card.anchor)
    assert paragraph_says in block.text


def test_sample_made_cards_pass_the_rules_and_repeat_no_authored_card(sample):
    for chapter in sample.chapters:
        ours = [c for c in chapter.cards if c.origin == "derived"]
        assert ours, chapter.slug
        for card in ours:
            limit = MEANING_WORDS if "/definition-" in card.key else 25
            assert len(card.back_text.split()) <= limit
            if len(card.back_text.split()) <= 4:
                assert not gives_away(card.front_text, card.back_text)
            # an answer and what follows it are whole sentences
            assert card.back_text[-1] in ".!?" or len(card.back_text.split()) <= 4
            more = re.search(r'<span class="card-more">(.*)</span>', card.back_html)
            assert more is None or more.group(1)[:1].isupper(), card.key
        # the duplicates are gone
        fronts_ = {c.front_text for c in ours}
        assert "When did the seizure of power take place?" not in fronts_
        assert not any(c.back_text == "27%" for c in ours)
        # a made definition that says what an authored card says is dropped too
        assert "What does 'Nepmen' mean?" not in fronts_
        assert "What does 'Comintern' mean?" not in fronts_
    assert sum(len(c.dropped) for c in sample.chapters) >= 12


def test_sample_chapter_cards_of_the_locked_part_are_locked(sample):
    foreign = next(c for c in sample.chapters if c.slug == "foreign-policy")
    cards = derived(foreign)
    war = cards["date-polish-soviet-war"]
    assert (war.front_text, war.back_text, war.locked) == (
        "When was the Polish–Soviet War fought?",
        "1919–1920",
        True,
    )
    assert all(
        c.locked == (f'id="{c.anchor}"' in foreign.locked_html) for c in cards.values()
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
        "What is the date of the Treaty of Rapallo? → 1922",
        f"{folder}/01-one.md:9: [definition-rapallo] What does 'Rapallo' mean? → "
        "The Italian town where the treaty was signed.",
        f"{folder}: OK — 1 chapter, 1 callout, 2 cards (2 derived), "
        "0 questions, 0 lesson steps",
    ]
