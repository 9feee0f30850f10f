"""Interactive lessons: the steps made from a chapter's facts, their graders, the lesson's
length, and the pages a learner and a visitor take them on."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import quote

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from revise.accounts.models import User
from revise.catalog.models import Chapter, Fact
from revise.catalog.services import course_import
from revise.lessons.lesson import values
from revise.lessons.lesson.builder import Source, build_lesson, made_id
from revise.lessons.lesson.graders import (
    BadAnswer,
    blank_matches,
    is_right,
    read_answer,
)
from revise.lessons.lesson.load import cache_clear, chapter_lesson
from revise.lessons.lesson.paragraphs import paragraphs
from revise.lessons.lesson.selectors import lesson_page_get
from revise.lessons.lesson.steps import (
    CHOICE,
    FILL_BLANK,
    MATCH,
    ORDER,
    READ,
    TRUE_FALSE,
    Step,
    presented,
)
from revise.lessons.lesson.timing import (
    QUESTION_SECONDS,
    READING_WORDS_PER_MINUTE,
    lesson_minutes,
    step_seconds,
)
from revise.lessons.models import LessonAnswer, LessonAttempt
from tests.conftest import SAMPLE_COURSE
from tests.test_gate import MARKER, marked_course

PASSWORD = "a long enough password"
LESSON = "/lessons/lenin/foreign-policy/"


@pytest.fixture(autouse=True)
def _fresh_lessons():
    cache_clear()  # every test's database is new; the build cache is per process
    yield
    cache_clear()


def fact(kind: str, key: str, subject: str, value: str, **more) -> Fact:
    fields = {
        "text": "",
        "detail": "",
        "detail_locked": False,
        "verb": "",
        "unit": "",
        "role": "",
        "context": "",
        "anchor": f"p-{key}",
        "section": "",
        "locked": False,
    }
    fields.update(more)
    return Fact(kind=kind, key=key, subject=subject, value=value, **fields)


def build(facts, course_facts=(), authored=(), title="A chapter"):
    return build_lesson(
        Source(
            title=title,
            paragraphs=[],
            facts=list(facts),
            course_facts=list(course_facts),
            authored=list(authored),
        )
    )


def event(key, name, date, **more):
    return fact("event", key, name, date, text=f"{name} ({date})", **more)


def definition(key, term, gist, **more):
    return fact("definition", key, term, gist, text=f"{gist}.", **more)


def view(key, person, verb, claim, **more):
    more.setdefault("role", "historian")
    return fact(
        "view", key, person, claim, verb=verb, text=f"{person} {verb} {claim}.", **more
    )


class Authored:
    def __init__(self, key, kind, data, locked=False):
        self.key, self.kind, self.data, self.locked = key, kind, data, locked
        self.text = data.get("prompt") or data.get("statement") or data.get("text")


# --- the graders ---------------------------------------------------------------------------


def test_choice_and_true_false_graders_read_their_field_and_refuse_anything_else():
    choice = Step(id="c", kind=CHOICE, prompt="?", options=("a", "b", "c"), answer=2)
    assert read_answer(choice, {"choice": "2"}) == 2
    assert is_right(choice, 2) and not is_right(choice, 0)
    for bad in (
        {},
        {"choice": "3"},
        {"choice": "-1"},
        {"choice": "x"},
        {"choice": "١"},
    ):
        with pytest.raises(BadAnswer):
            read_answer(choice, bad)
    statement = Step(id="t", kind=TRUE_FALSE, prompt="!", answer=False)
    assert read_answer(statement, {"truth": "false"}) is False
    assert is_right(statement, False) and not is_right(statement, True)
    with pytest.raises(BadAnswer):
        read_answer(statement, {"truth": "maybe"})


@pytest.mark.parametrize(
    ("typed", "expected", "right"),
    [
        ("27%", "27%", True),
        ("27 per cent", "27%", True),
        ("26%", "27%", False),  # a number is never a typo
        ("1921", "1922", False),
        ("March 1920", "March 1921", False),
        ("Marhc 1921", "March 1921", True),  # a typo in the word, the year exact
        ("tax in kinf", "tax in kind", True),
        ("TAX-IN-KIND!", "tax in kind", True),
        ("taxinkind", "tax in kind", True),
        ("Bela Kun", "Béla Kun", True),  # accents
        ("Zinovev", "Zinoviev", True),
        ("Kamenev", "Zinoviev", False),
        ("Dzerzhinksy", "Dzerzhinsky", True),  # letters swapped
        ("war", "was", False),  # no typo in a short word
        ("10th", "Tenth", True),
        ("tenht", "Tenth", True),
        ("ninth", "Tenth", False),
        ("one third", "a third", True),
        ("a quarter", "a third", False),
        ("31", "13", False),
    ],
)
def test_a_blank_forgives_typos_in_words_but_never_in_numbers(typed, expected, right):
    assert blank_matches(typed, expected) is right


def test_fill_blank_grader_needs_every_blank_and_all_of_them_right():
    step = Step(
        id="f",
        kind=FILL_BLANK,
        prompt="lost ___ of farmland and ___ of iron",
        parts=("lost ", " of farmland and ", " of iron"),
        blanks=("27%", "74%"),
    )
    answer = read_answer(step, {"blank-0": " 27 % ", "blank-1": "74 per cent"})
    assert is_right(step, answer)
    assert not is_right(step, read_answer(step, {"blank-0": "27%", "blank-1": "75%"}))
    for bad in ({"blank-0": "27%"}, {"blank-0": "27%", "blank-1": "  "}):
        with pytest.raises(BadAnswer):
            read_answer(step, bad)
    with pytest.raises(BadAnswer):
        read_answer(step, {"blank-0": "x" * 201, "blank-1": "1"})


def test_order_grader_reads_places_and_refuses_two_items_in_one_place():
    step = Step(id="o", kind=ORDER, prompt="?", options=("first", "second", "third"))
    right = read_answer(step, {"place-0": "1", "place-1": "2", "place-2": "3"})
    assert right == [0, 1, 2] and is_right(step, right)
    swapped = read_answer(step, {"place-0": "2", "place-1": "1", "place-2": "3"})
    assert swapped == [1, 0, 2] and not is_right(step, swapped)
    for bad in (
        {"place-0": "1", "place-1": "1", "place-2": "3"},
        {"place-0": "1", "place-1": "2"},
        {"place-0": "0", "place-1": "1", "place-2": "2"},
        {"place-0": "1", "place-1": "2", "place-2": "4"},
    ):
        with pytest.raises(BadAnswer):
            read_answer(step, bad)


def test_match_grader_reads_a_right_side_for_each_left_and_each_right_once():
    step = Step(
        id="m", kind=MATCH, prompt="?", pairs=(("a", "1"), ("b", "2"), ("c", "3"))
    )
    right = read_answer(step, {"pair-0": "0", "pair-1": "1", "pair-2": "2"})
    assert is_right(step, right)
    crossed = read_answer(step, {"pair-0": "1", "pair-1": "0", "pair-2": "2"})
    assert not is_right(step, crossed)
    for bad in (
        {"pair-0": "0", "pair-1": "0", "pair-2": "2"},
        {"pair-0": "0", "pair-1": "1"},
        {"pair-0": "0", "pair-1": "1", "pair-2": "3"},
    ):
        with pytest.raises(BadAnswer):
            read_answer(step, bad)


def test_options_are_shuffled_per_attempt_and_an_order_never_starts_solved():
    step = Step(id="o", kind=ORDER, prompt="?", options=tuple("abcdef"))
    orders = {tuple(presented(step, seed)) for seed in range(20)}
    assert len(orders) > 5
    assert tuple(range(6)) not in orders
    assert presented(step, 7) == presented(step, 7)


# --- what each fact gives --------------------------------------------------------------------

COURSE_TERMS = [
    definition("dual-power", "Dual power", "The uneasy sharing of authority in 1917"),
    definition("kulak", "Kulak", 'A "rich" peasant'),
    definition("red-terror", "Red Terror", "The campaign of arrests and executions"),
]


def test_a_definition_asks_for_its_term_among_other_terms_of_the_course():
    term = definition(
        "consolidation", "Consolidation", "Making a newly won hold on power firm"
    )
    secret = definition(
        "robber-peace", "Robber peace", "A harsh peace imposed", locked=True
    )
    lesson = build([term], course_facts=[*COURSE_TERMS, secret])
    step = lesson.get(made_id(CHOICE, "definition", "consolidation"))
    assert step.prompt == "Which term means: making a newly won hold on power firm?"
    assert step.options[step.answer] == "Consolidation"
    terms = {f.subject for f in COURSE_TERMS}
    distractors = [o for i, o in enumerate(step.options) if i != step.answer]
    assert len(distractors) == 3 and set(distractors) <= terms  # a term for a term
    assert "Robber peace" not in step.options  # a free step: free distractors only
    assert step.explain.startswith("Consolidation means making a newly won hold")
    assert step.anchor == "p-consolidation"


def test_a_definition_that_gives_its_term_away_is_read_not_asked():
    for term in (
        definition("comintern", "Comintern", "The Communist International"),
        definition("vanguard", "Vanguard party", "A small party of revolutionaries"),
    ):
        lesson = build([term], course_facts=COURSE_TERMS)
        assert [s.kind for s in lesson.steps] == [READ]  # in the key terms
        assert not lesson.get(made_id(CHOICE, "definition", term.key))


def test_three_definitions_make_one_match_step_term_to_meaning():
    lesson = build(COURSE_TERMS)
    questions = [s for s in lesson.steps if s.is_question]
    assert [s.kind for s in questions] == [MATCH]
    assert questions[0].pairs[1] == ("Kulak", 'A "rich" peasant.')


def test_a_meaning_that_shares_a_word_with_its_term_leaves_the_match():
    # "the Civil War" gives War Communism away: with it, the match would be three
    # pairs, one placing itself; without it, two pairs are too few, so each other
    # term is asked on its own and War Communism is read, not asked
    war = definition(
        "war-communism", "War Communism", "The economic policy of the Civil War"
    )
    lesson = build([war, *COURSE_TERMS[1:]], course_facts=COURSE_TERMS[:1])
    assert not [s for s in lesson.steps if s.kind == MATCH]
    asked = [s.id for s in lesson.steps if s.is_question]
    assert asked == [
        made_id(CHOICE, "definition", "kulak"),
        made_id(CHOICE, "definition", "red-terror"),
    ]


def test_definitions_are_recalled_after_the_other_questions_and_read_whole():
    term = fact(
        "definition",
        "consolidation",
        "Consolidation",
        "Making a newly won hold on power firm",
        text="Making a newly won hold on power firm: removing rivals. It took years.",
    )
    facts = [
        term,
        event("brest", "Treaty of Brest-Litovsk", "March 1918", verb="signed"),
        event("comintern", "Comintern", "March 1919", verb="founded"),
    ]
    lesson = build(facts, course_facts=COURSE_TERMS)
    kinds = [s.id.split("-")[2] for s in lesson.steps if s.is_question]
    assert kinds[-1] == "definition" and "definition" not in kinds[:-1]
    (reading,) = [s for s in lesson.steps if s.kind == READ]
    # the key terms read as the card answers: the whole first sentence, not its gist
    assert [(p.label, p.text) for p in reading.passages] == [
        ("Consolidation", "Making a newly won hold on power firm: removing rivals.")
    ]


def test_an_event_asks_when_among_dates_of_its_precision_that_overlap_nothing():
    facts = [
        event("brest", "Treaty of Brest-Litovsk", "March 1918", verb="signed"),
        event("comintern", "Comintern", "March 1919", verb="founded"),
        event("kornilov-affair", "The Kornilov affair", "August 1917"),
        event("intervention", "Allied Intervention", "1918–1920"),
        event("argument", "The argument over peace", "January–March 1918"),
        event("rapallo", "Treaty of Rapallo", "1922", verb="signed"),
    ]
    lesson = build(facts)
    step = lesson.get(made_id(CHOICE, "event", "brest"))
    assert step.prompt == "When was the Treaty of Brest-Litovsk signed?"
    assert step.options[step.answer] == "March 1918"
    for i, option in enumerate(step.options):
        assert values.date_shape(option) == "month"  # a date of the same precision
        if i != step.answer:
            assert not values.overlaps(option, "March 1918")  # never also true
    assert "January–March 1918" not in step.options


def test_every_other_event_is_a_true_false_statement_that_tests_its_date():
    facts = [
        event("brest", "Treaty of Brest-Litovsk", "March 1918", verb="signed"),
        event(
            "rapallo",
            "Treaty of Rapallo",
            "1922",
            verb="signed",
            detail="16 April 1922",
        ),
        event("comintern", "Comintern", "March 1919", verb="founded"),
        event("kornilov-affair", "The Kornilov affair", "August 1917"),
    ]
    steps = [s for s in build(facts).steps if "-event-" in s.id]
    assert [s.kind for s in steps] == [CHOICE, TRUE_FALSE, CHOICE, TRUE_FALSE]
    rapallo = steps[1]
    assert rapallo.explain == "The Treaty of Rapallo was signed on 16 April 1922."
    if rapallo.answer:
        assert rapallo.prompt == rapallo.explain
    else:  # the same statement with another event's date of the same precision
        swapped = re.fullmatch(
            r"The Treaty of Rapallo was signed (?:on|in) (.+)\.", rapallo.prompt
        ).group(1)
        assert swapped in {"3 March 1918", "March 1918", "March 1919", "August 1917"}
        assert not values.overlaps(swapped, "16 April 1922")


def test_a_statement_is_false_with_a_swapped_date_or_true_as_the_notes_say():
    made = {}
    for n in range(12):
        facts = [
            event("first", "Treaty of Brest-Litovsk", "March 1918", verb="signed"),
            event(f"treaty-{n}", "Treaty of Riga", "March 1921", verb="signed"),
        ]
        step = build(facts).steps[-1]
        assert step.kind == TRUE_FALSE
        made[step.answer] = step.prompt
    assert made[True] == "The Treaty of Riga was signed in March 1921."
    assert made[False] == "The Treaty of Riga was signed in March 1918."


def test_a_figure_becomes_a_blank_in_its_clause_with_its_heading():
    figure = fact(
        "figure",
        "26-railways",
        "of its railways",
        "26%",
        text="Russia gave up Ukraine, and with them ___ of its railways.",
        context="Treaty of Brest-Litovsk",
    )
    step = build([figure]).steps[-1]
    assert step.kind == FILL_BLANK
    assert step.prompt == (
        "Treaty of Brest-Litovsk: Russia gave up Ukraine, and with them ___ of its "
        "railways."
    )
    assert step.blanks == ("26%",)
    assert step.explain == "Russia gave up Ukraine, and with them 26% of its railways."
    # after the heading's colon an ordinary word goes lower case; a name keeps its capital
    vote = fact(
        "figure",
        "40-vote",
        "of the vote",
        "40%",
        text="The Socialist Revolutionaries won about ___ of the vote.",
        context="Holding on: the Constituent Assembly",
    )
    step = build([vote]).steps[-1]
    assert step.prompt == (
        "The Constituent Assembly: the Socialist Revolutionaries won about ___ of "
        "the vote."
    )
    assert step.explain == "The Socialist Revolutionaries won about 40% of the vote."


def test_a_view_asks_who_among_the_course_people_never_the_same_person_or_view():
    carr = view("carr", "E.H. Carr", "treats", "Brest-Litovsk as a gamble for survival")
    course = [
        view("carr-2", "Carr", "argues", "that Lenin was a realist"),  # Carr again
        view("pipes", "Richard Pipes", "judges", "the policy to be duplicitous"),
        view("figes", "Orlando Figes", "argues", "that intervention helped"),
        view(
            "service",
            "Robert Service",
            "treats",
            "Brest-Litovsk as a gamble for survival",
        ),  # holds the same view
        view("hill", "Christopher Hill", "argues", "that it was planned"),
    ]
    step = build([carr], course_facts=course).steps[-1]
    assert step.prompt == (
        "Which historian treats Brest-Litovsk as a gamble for survival?"
    )
    assert step.options[step.answer] == "E.H. Carr"
    others = {o for i, o in enumerate(step.options) if i != step.answer}
    assert others == {"Richard Pipes", "Orlando Figes", "Christopher Hill"}


def test_three_people_make_one_match_step_person_to_view():
    views = [
        view("carr", "E.H. Carr", "treats", "Brest-Litovsk as a gamble"),
        view("pipes", "Richard Pipes", "judges", "the policy to be duplicitous"),
        view("figes", "Orlando Figes", "argues", "that intervention helped"),
    ]
    questions = [s for s in build(views).steps if s.is_question]
    assert [s.kind for s in questions] == [MATCH]
    assert questions[0].prompt == "Match each historian to their view."
    assert questions[0].pairs[0] == ("E.H. Carr", "treats Brest-Litovsk as a gamble")


def test_the_chapters_events_make_an_order_step_without_ties():
    facts = [
        event("war-communism", "War Communism", "1918–1921"),
        event("kronstadt-rising", "The Kronstadt rising", "March 1921"),
        event("nep", "The New Economic Policy", "March 1921", verb="announced"),
        event("ussr", "The Union Treaty", "December 1922"),
        event("april", "The seizure of power", "October 1917"),  # names nothing
    ]
    step = next(s for s in build(facts).steps if s.kind == ORDER)
    assert step.options == ("War Communism", "The Kronstadt rising", "The Union Treaty")
    assert step.id == "made-order-events"


def test_a_made_step_that_repeats_an_authored_one_is_left_out():
    facts = [
        event("comintern", "Comintern", "March 1919", verb="founded"),
        event("rapallo", "Treaty of Rapallo", "April 1922", verb="signed"),
        event("brest", "Treaty of Brest-Litovsk", "March 1918", verb="signed"),
        fact(
            "figure",
            "27-farmland",
            "of its farmland",
            "27%",
            text="Russia lost ___ of its farmland.",
        ),
    ]
    authored = [
        Authored(
            "ch/comintern-tf",
            "true-false",
            {"statement": "The Comintern was founded in 1922.", "answer": False},
        ),
        Authored(
            "ch/brest-blank",
            "fill-blank",
            {"text": "Russia lost [27%] of its farmland at Brest."},
        ),
        Authored(
            "ch/order",
            "order",
            {"prompt": "Order these.", "items": ["Treaty of Rapallo", "Comintern"]},
        ),
    ]
    ids = [s.id for s in build(facts, authored=authored).steps]
    assert made_id(CHOICE, "event", "comintern") not in ids  # the author asks its date
    assert not any("27-farmland" in i for i in ids)  # the author blanks that figure
    assert any("-event-rapallo" in i for i in ids)  # an order asks no date
    assert "made-order-events" not in ids  # the author wrote the order step
    assert ids[-3:] == ["comintern-tf", "brest-blank", "order"]


# --- the sample course -------------------------------------------------------------------------


@pytest.fixture
def sample(db):
    course_import(path=SAMPLE_COURSE)
    return {c.slug: c for c in Chapter.objects.select_related("course")}


def test_every_made_choice_in_the_sample_course_has_true_distractors_of_its_type(
    sample,
):
    facts = list(Fact.objects.all())
    people = {f.subject for f in facts if f.kind == "view"}
    terms = {f.subject for f in facts if f.kind == "definition"}
    checked = 0
    for chapter in sample.values():
        lesson = chapter_lesson(chapter)
        for step in lesson.steps:
            if not step.made or step.kind != CHOICE:
                continue
            answer = step.options[step.answer]
            others = [o for i, o in enumerate(step.options) if i != step.answer]
            assert len(others) >= 2 and answer not in others
            if "-event-" in step.id:
                for other in others:
                    assert values.date_shape(other) == values.date_shape(answer)
                    assert not values.overlaps(other, answer)
            elif "-view-" in step.id:
                assert answer in people and set(others) <= people
            elif step.prompt.startswith("Which term means"):
                assert answer in terms and set(others) <= terms
            if not step.locked:  # a free step's distractors are free facts
                locked_words = {
                    f.subject for f in facts if f.locked and f.subject not in terms
                } | {f.value for f in facts if f.locked}
                assert not set(step.options) & locked_words
            checked += 1
    assert checked >= 5


def test_the_sample_lessons_have_reading_then_questions_of_every_kind(sample):
    kinds = set()
    for chapter in sample.values():
        steps = chapter_lesson(chapter).steps
        free = [s for s in steps if not s.locked]
        assert free[0].kind == READ and free[0].id == "made-read-opening"
        first_question = next(i for i, s in enumerate(free) if s.is_question)
        assert all(s.kind == READ for s in free[:first_question])
        assert all(s.anchor for s in steps), [s.id for s in steps if not s.anchor]
        kinds |= {s.kind for s in steps}
    assert kinds == {READ, CHOICE, TRUE_FALSE, FILL_BLANK, ORDER, MATCH}


def test_building_is_deterministic_and_ids_survive_a_reimport(sample, tmp_path):
    chapter = sample["foreign-policy"]
    first = chapter_lesson(chapter)
    cache_clear()
    again = chapter_lesson(Chapter.objects.get(pk=chapter.pk))
    assert [s.id for s in again.steps] == [s.id for s in first.steps]
    assert again.steps == first.steps

    # An edit elsewhere in the chapter: a re-import keeps every step's id.
    import shutil

    folder = tmp_path / "lenin"
    shutil.copytree(SAMPLE_COURSE, folder)
    path = folder / "02-foreign-policy.md"
    text = path.read_text()
    path.write_text(
        text.replace("it decided whether", "it decided, in the end, whether")
    )
    course_import(path=folder)
    cache_clear()
    edited = Chapter.objects.get(pk=chapter.pk)
    assert edited.source_hash != chapter.source_hash
    assert [s.id for s in chapter_lesson(edited).steps] == [s.id for s in first.steps]


def test_the_minutes_come_from_the_steps_and_read_the_same_on_both_pages(
    sample, client
):
    steps = chapter_lesson(sample["foreign-policy"]).steps
    seconds = 0.0
    for step in steps:
        if step.kind == READ:
            expected = max(10, step.words * 60 / READING_WORDS_PER_MINUTE)
        else:
            expected = QUESTION_SECONDS[step.kind]
        assert step_seconds(step) == expected
        seconds += expected
    minutes = lesson_minutes(steps)
    assert minutes == -(-seconds // 60) and minutes > 3
    assert lesson_minutes([]) == 0
    chapter_page = client.get("/courses/lenin/foreign-policy/").content.decode()
    assert f"Recap with an activity · {minutes} min" in chapter_page
    assert f'href="{LESSON}"' in chapter_page
    assert f"Interactive lesson · {minutes} min" in client.get(LESSON).content.decode()


# --- the pages --------------------------------------------------------------------------------


def answer_for(step: Step, *, right: bool) -> dict[str, str]:
    if step.kind == CHOICE:
        pick = step.answer if right else (step.answer + 1) % len(step.options)
        return {"choice": str(pick)}
    if step.kind == TRUE_FALSE:
        return {"truth": "true" if step.answer == right else "false"}
    if step.kind == FILL_BLANK:
        return {
            f"blank-{i}": (blank if right else "999")
            for i, blank in enumerate(step.blanks)
        }
    if step.kind == ORDER:
        count = len(step.options)
        places = list(range(1, count + 1)) if right else [2, 1, *range(3, count + 1)]
        return {f"place-{i}": str(p) for i, p in enumerate(places)}
    if step.kind == MATCH:
        count = len(step.pairs)
        chosen = list(range(count)) if right else [1, 0, *range(2, count)]
        return {f"pair-{i}": str(c) for i, c in enumerate(chosen)}
    return {}


def step_url(step: Step, query: str = "") -> str:
    return reverse("lesson:step", args=["lenin", "foreign-policy", step.id]) + query


@pytest.fixture
def learner(sample, client):
    user = User.objects.create_user("lesson@example.com", PASSWORD)
    client.force_login(user)
    return user


def test_a_learner_takes_the_lesson_and_every_answer_is_saved_once(learner, client):
    response = client.post(LESSON)
    attempt = LessonAttempt.objects.get(learner=learner)
    page = lesson_page_get(
        course_slug="lenin", chapter_slug="foreign-policy", viewer=learner
    )
    assert attempt.total == len(page.questions) and attempt.version
    query = f"?a={attempt.pk}"
    assert response.url == step_url(page.steps[0], query)
    first_question = page.questions[0]
    for step in page.questions:
        response = client.post(
            step_url(step, query), answer_for(step, right=step != first_question)
        )
        assert response.status_code == 302 and response.url == step_url(step, query)
    # A resubmitted answer is recorded once, and the first answer stands.
    again = client.post(
        step_url(first_question, query),
        answer_for(first_question, right=True),
        follow=True,
    )
    assert "already recorded" in again.content.decode()
    assert LessonAnswer.objects.filter(attempt=attempt).count() == len(page.questions)
    attempt.refresh_from_db()
    assert attempt.score == len(page.questions) - 1 and attempt.finished_at
    feedback = unescape(client.get(step_url(first_question, query)).content.decode())
    assert "Not quite" in feedback and first_question.explain in feedback
    assert f"#{first_question.anchor}" in feedback

    result = unescape(
        client.get(
            reverse("lesson:result", args=["lenin", "foreign-policy"]) + query
        ).content.decode()
    )
    assert f"{attempt.score} of {attempt.total}" in result
    assert first_question.prompt in result and "Redo the 1 missed step" in result

    redo = client.post(LESSON, {"action": "redo", "attempt": str(attempt.pk)})
    second = LessonAttempt.objects.exclude(pk=attempt.pk).get()
    assert second.redo_of == attempt and second.total == 1
    assert redo.url == step_url(first_question, f"?a={second.pk}")
    client.post(redo.url, answer_for(first_question, right=True))
    second.refresh_from_db()
    assert (second.score, second.finished_at is not None) == (1, True)


def test_a_learners_attempt_is_theirs_alone(learner, client):
    client.post(LESSON)
    attempt = LessonAttempt.objects.get()
    step = chapter_lesson(attempt.chapter).steps[0]
    other = User.objects.create_user("other@example.com", PASSWORD)
    client.force_login(other)
    assert client.get(step_url(step, f"?a={attempt.pk}")).status_code == 404
    assert client.get(step_url(step, "?a=abc")).status_code == 400
    assert client.get(step_url(step)).status_code == 302  # to the lesson's start


def test_bad_input_gets_a_clear_4xx(learner, client):
    client.post(LESSON)
    attempt = LessonAttempt.objects.get()
    page = lesson_page_get(
        course_slug="lenin", chapter_slug="foreign-policy", viewer=learner
    )
    choice = next(s for s in page.questions if s.kind == CHOICE)
    query = f"?a={attempt.pk}"
    assert client.get("/lessons/lenin/no-such-chapter/").status_code == 404
    assert client.get("/lessons/nope/foreign-policy/").status_code == 404
    assert (
        client.get(
            step_url(Step(id="no-such-step", kind=READ, prompt=""), query)
        ).status_code
        == 404
    )
    for bad in ({}, {"choice": "99"}, {"choice": "one"}, {"truth": "yes"}):
        response = client.post(step_url(choice, query), bad)
        assert response.status_code == 400
        assert "Pick one of the options." in response.content.decode()
    assert not LessonAnswer.objects.exists()
    reading = page.steps[0]
    assert client.post(step_url(reading, query), {}).status_code == 400
    assert client.post(LESSON, {"action": "redo", "attempt": "x"}).status_code == 400


def test_a_visitor_takes_the_free_steps_with_nothing_saved_and_meets_the_unlock_panel(
    sample, client
):
    page = lesson_page_get(
        course_slug="lenin", chapter_slug="foreign-policy", viewer=AnonymousUser()
    )
    assert page.steps and all(not s.locked for s in page.steps)
    start = client.get(LESSON).content.decode()
    first = re.search(r'href="([^"]+)" data-continue', start).group(1)
    url = unescape(first)
    results = ""
    pages = [start]
    for step in page.steps:
        assert url.startswith(step_url(step))
        if step.is_question:
            right = step != page.questions[1]
            response = client.post(url, answer_for(step, right=right))
            results += "y" if right else "n"
        else:
            response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        pages.append(html)
        url = unescape(re.search(r'href="([^"]+)" data-continue', html).group(1))
        assert f"r={results}" in url or not results
    assert "/result/" in url
    result = client.get(url).content.decode()
    pages.append(result)
    assert "Unlock the rest of this lesson" in result
    assert f"{page.locked_steps} more steps with a free account" in result
    assert "Redo the 1 missed step" in result
    assert not LessonAttempt.objects.exists() and not LessonAnswer.objects.exists()
    redo = unescape(re.search(r'href="([^"]+)" data-continue', result).group(1))
    assert step_url(page.questions[1]) in redo and "o=" in redo
    assert client.get(redo).status_code == 200

    # None of the locked steps, facts or explanations reached the visitor.
    text = unescape("\n".join(pages))
    lesson = chapter_lesson(page.chapter)
    for step in lesson.steps:
        if step.locked:
            assert step.id not in text
            assert step.prompt not in text
            if step.explain:
                assert step.explain not in text
    for secret in (
        "Robber peace",
        "Socialism in one country",
        "Polish–Soviet War",
        "Georgy Chicherin",
        "duplicitous",
        "Germany returned the territory",
    ):
        assert secret not in text
    locked_step = next(s for s in lesson.steps if s.locked)
    assert client.get(step_url(locked_step, "?s=1")).status_code == 404


def test_a_visitors_progress_in_the_address_is_checked(sample, client):
    page = lesson_page_get(
        course_slug="lenin", chapter_slug="foreign-policy", viewer=AnonymousUser()
    )
    step = page.steps[0]
    assert client.get(step_url(step, "?s=12")).status_code == 200
    for bad in ("", "?s=x", "?s=1&r=yyq", "?s=1&o=01", "?s=1&r=" + "y" * 99):
        assert client.get(step_url(step, bad)).status_code == 400, bad
    question = page.questions[0]
    assert client.post(step_url(question, "?s=3"), {"choice": "x"}).status_code == 400


def test_the_chapter_page_links_every_tool_and_a_short_panel_precedes_the_filler(
    sample, client
):
    html = client.get("/courses/lenin/foreign-policy/").content.decode()
    short = html.index('class="study-tools-short"')
    assert short < html.index('class="filler')
    for link in (
        "/decks/lenin/foreign-policy/",
        LESSON,
        "/self-review/lenin/foreign-policy/",
        "/courses/lenin/cheatsheet/",
    ):
        assert f'href="{link}"' in html[short : html.index('class="gate"')]


# --- the gate -----------------------------------------------------------------------------------


def test_a_visitor_answering_every_free_step_of_a_marked_course_gets_no_locked_word(
    tmp_path, db, client
):
    markers = marked_course(tmp_path / "marked")
    course_import(path=tmp_path / "marked")
    pages = []
    for chapter in Chapter.objects.filter(course__slug="marked"):
        lesson = chapter_lesson(chapter)
        assert any(s.locked for s in lesson.steps)
        start = reverse("lesson:start", args=["marked", chapter.slug])
        pages.append(client.get(start))
        for step in lesson.visible(locked=False):
            url = reverse("lesson:step", args=["marked", chapter.slug, step.id])
            pages.append(client.get(url + "?s=5"))
            if step.is_question:
                for right in (True, False):
                    pages.append(
                        client.post(url + "?s=5", answer_for(step, right=right))
                    )
                pages.append(client.post(url + "?s=5", {"choice": "9"}))
        result = reverse("lesson:result", args=["marked", chapter.slug])
        free = [s for s in lesson.visible(locked=False) if s.is_question]
        pages.append(client.get(result + "?s=5&r=" + "n" * len(free)))
        for step in lesson.steps:
            if step.locked:
                url = reverse("lesson:step", args=["marked", chapter.slug, step.id])
                pages.append(client.get(url + "?s=5"))
                pages.append(client.post(url + "?s=5", answer_for(step, right=True)))
    assert {p.status_code for p in pages} <= {200, 400, 404}
    for response in pages:
        # A locked step's address holds its words: a visitor who sends it gets it
        # back (in the sign-in link's ``next``), and nothing else.
        path = response.request["PATH_INFO"]
        text = unescape(response.content.decode()).replace(path, "")
        text = text.replace(quote(path, safe=""), "")
        headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
        assert not [m for m in markers if m in text or m in headers]
        assert MARKER not in text


def test_chapter_lessons_are_counted_from_the_built_steps(sample):
    chapter = sample["war-communism-and-nep"]
    lesson = chapter_lesson(chapter)
    assert lesson.steps and len({s.id for s in lesson.steps}) == len(lesson.steps)
    texts = [p.text for p in paragraphs(chapter.free_html)]
    assert lesson.steps[0].passages[0].text in texts


def test_the_lesson_module_never_reads_the_locked_table():
    from pathlib import Path

    root = Path(__file__).parent.parent / "revise" / "lessons"
    for path in [*root.joinpath("lesson").glob("*.py"), root / "lesson_views.py"]:
        assert not re.search(
            r"ChapterLocked|\.locked\.(html|headings)", path.read_text()
        )
