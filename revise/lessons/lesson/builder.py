"""A chapter's lesson, built from its stored facts and the steps its author wrote.

The rules, as a strict teacher keeps them (docs/authoring.md, "Lesson steps made from
your notes"):

- **Reading first**, a few short steps from the free part: the chapter's opening
  paragraph, its first analogy (else its first note), and its key terms (each
  definition's first sentence, as its card answers); the locked definitions make a
  reading step of their own, locked.
- **Then questions**, one per fact at most, in the order of the notes but with the
  definitions last (read at the start, they are recalled after the other questions,
  not straight after their reading), then the author's steps in the author's order;
  free steps before locked ones:
  - a definition: "Which term means: …?" among the course's terms; one whose meaning
    gives its term away (the card rule, ``gives_away``) is read, not asked; three or
    more definitions whose meanings do not give their terms away make one match step
    instead;
  - a dated event: "When was … signed?" (the card's question) among dates of the same
    precision from the chapter, then the course, none overlapping the answer; every
    other event (or one with too few such dates) a true-false statement of its date,
    true or false by a fixed coin, false with another event's date of its precision
    (none at all: no statement, since it could only ever be true);
  - a figure: its clause with the figure as a blank;
  - a person's view: "Which historian argues …?" among the course's people; three or
    more people in a chapter make one match step (person to view) instead;
  - the chapter's dated events, when the author wrote no order step: one order step of
    three to five whose dates cannot tie.
- A made step that asks what one of the author's steps asks (the same subject and the
  same value) is left out, as a made card that repeats an authored one is.
- Distractors are of the answer's type and never also true: never equal to the answer,
  never a date that overlaps it, never the same person or term under another spelling,
  never another holder of the same view. A free step's distractors come from free facts
  only, so a free step is the same for everyone and tells nothing of the locked part.

Everything is deterministic for the inputs: the same facts and steps give the same
steps, in the same order, with the same ids (``made-<kind>-<fact kind>-<fact key>``, or
the authored step's id). Pure functions on plain data; ``load.py`` reads the database.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, Protocol

from revise.content.derive import gives_away
from revise.content.derive.dates import INTRANSITIVE, _specific, event_cards
from revise.content.derive.definitions import definition_meaning
from revise.content.derive.historians import view_cards
from revise.content.derive.text import capitalise, sentences
from revise.content.lesson import BLANK_RE
from revise.content.model import TextBlock
from revise.content.sources import ParagraphIndex, stems
from revise.lessons.lesson import values
from revise.lessons.lesson.paragraphs import Paragraph, text_blocks
from revise.lessons.lesson.steps import (
    CHOICE,
    FILL_BLANK,
    MATCH,
    ORDER,
    READ,
    TRUE_FALSE,
    Lesson,
    Passage,
    Step,
)

MAX_ID = 200  # LessonAnswer.step
MAX_OPTIONS = 4  # the answer and up to three distractors
MIN_OPTIONS = 3  # fewer makes a guess too easy: a true-false statement instead
MAX_READING_WORDS = 150  # a longer paragraph is not a "short reading step"
MATCH_MIN, MATCH_MAX = 3, 5
ORDER_MIN, ORDER_MAX = 3, 5


class FactLike(Protocol):
    kind: str
    key: str
    subject: str
    value: str
    text: str
    detail: str
    detail_locked: bool
    verb: str
    unit: str
    role: str
    context: str
    anchor: str
    section: str
    locked: bool


class AuthoredLike(Protocol):
    key: str
    kind: str
    text: str
    data: dict[str, Any]
    locked: bool


@dataclass(frozen=True)
class Source:
    """What a chapter's lesson is built from.

    ``facts`` are the chapter's, in the order of the notes; ``course_facts`` those of
    the course's other chapters (distractors), in the course's order. ``paragraphs``
    are the free part's; ``locked_texts`` the locked facts and cards as blocks to match
    a locked authored step against (their words are never shown by this module).
    """

    title: str
    paragraphs: Sequence[Paragraph]
    facts: Sequence[FactLike]
    course_facts: Sequence[FactLike] = ()
    authored: Sequence[AuthoredLike] = ()
    locked_texts: Sequence[TextBlock] = ()
    version: str = ""


@dataclass
class _Context:
    source: Source
    vocabulary: set[str] = field(default_factory=set)


def build_lesson(source: Source) -> Lesson:
    """Every step of the chapter's lesson, free and locked, in order."""
    ctx = _Context(source, _vocabulary(source))
    authored = [_authored_step(row, source) for row in source.authored]
    authored = [s for s in authored if s is not None]
    taken = {s.id for s in authored}
    made = [
        s for s in _made_questions(ctx, authored) if s.id not in taken
    ]  # an author's id wins
    reading = _reading_steps(ctx)
    made = [s for s in made if not _read_just_before(s, reading)]
    ordered = [
        *[s for s in reading if not s.locked],
        *[s for s in made if not s.locked],
        *[s for s in authored if not s.locked],
        *[s for s in reading if s.locked],
        *[s for s in made if s.locked],
        *[s for s in authored if s.locked],
    ]
    seen: set[str] = set()
    steps = []
    for step in ordered:
        if step.id not in seen:
            seen.add(step.id)
            steps.append(step)
    return Lesson(steps=tuple(steps), version=source.version)


def _read_just_before(step: Step, reading: list[Step]) -> bool:
    """Whether a reading step the learner has just read states a made date or figure
    step's answer with its subject ("War Communism … (1918–1921)" in the key terms
    gives away "War Communism was in force from 1918 to 1921"). A definition is read,
    then recalled, on purpose."""
    if not step.made or not re.search(r"-(?:event|figure)-", step.id) or not step.value:
        return False
    value, subject = values.normal(step.value), values.bare(step.about)
    for read in reading:
        if read.locked and not step.locked:
            continue
        for passage in read.passages:
            text = values.normal(f"{passage.label} {passage.text}")
            if value in text and subject in text:
                return True
    return False


def _vocabulary(source: Source) -> set[str]:
    """The chapter's lower-case words: ordinary words, as against names."""
    texts = [p.text for p in source.paragraphs] + [f.text for f in source.facts]
    return {w for t in texts for w in re.findall(r"\b[a-z][a-z'-]*\b", t)}


def made_id(kind: str, fact_kind: str, key: str) -> str:
    """``made-choice-definition-kulak``: stable as long as the fact's key is."""
    return f"made-{kind}-{fact_kind}-{key}"[:MAX_ID].rstrip("-")


def _stable_bit(text: str) -> bool:
    """A coin toss fixed by ``text`` (not Python's per-process ``hash``)."""
    return hashlib.sha256(text.encode()).digest()[0] % 2 == 0


# --- reading steps --------------------------------------------------------------------------


def _reading_steps(ctx: _Context) -> list[Step]:
    source = ctx.source
    steps = []
    opening = next(
        (
            p
            for p in source.paragraphs
            if p.tag == "p" and not p.callout and not p.heading and not p.in_list
        ),
        None,
    )
    if opening is not None and _short(opening.text):
        steps.append(_read("made-read-opening", "The chapter in brief", [opening]))
    boxes = [p for p in source.paragraphs if p.tag == "div"]
    box = next((p for p in boxes if p.callout == "analogy"), None) or next(
        (p for p in boxes if p.callout == "note"), None
    )
    if box is not None and _short(box.text):
        title = "Think of it this way" if box.callout == "analogy" else "Note"
        steps.append(_read(f"made-read-{box.callout}", title, [box]))
    for locked in (False, True):
        terms = [
            f
            for f in source.facts
            if f.kind == "definition" and f.locked == locked and f.value
        ]
        if terms:
            passages = tuple(
                Passage(
                    text=definition_meaning(f.text, f.value)[0],
                    anchor=f.anchor,
                    label=f.subject,
                )
                for f in terms
            )
            words = sum(len(f"{p.label} {p.text}".split()) for p in passages)
            steps.append(
                Step(
                    id="made-read-key-terms" + ("-locked" if locked else ""),
                    kind=READ,
                    prompt="Key terms" + (", continued" if locked else ""),
                    locked=locked,
                    passages=passages,
                    words=words,
                    anchor=terms[0].anchor,
                )
            )
    return steps


def _short(text: str) -> bool:
    return 0 < len(text.split()) <= MAX_READING_WORDS


def _read(ident: str, title: str, paras: list[Paragraph]) -> Step:
    passages = tuple(Passage(text=p.text, anchor=p.id) for p in paras)
    return Step(
        id=ident,
        kind=READ,
        prompt=title,
        passages=passages,
        words=sum(len(p.text.split()) for p in passages),
        anchor=paras[0].id,
    )


# --- questions made from facts ----------------------------------------------------------------


def _made_questions(ctx: _Context, authored: list[Step]) -> list[Step]:
    facts = list(ctx.source.facts)
    steps: list[Step] = []
    covered = _Coverage(authored)
    events = 0
    grouped = {
        "definition": _group_step(ctx, facts, "definition", covered),
        "view": _group_step(ctx, facts, "view", covered),
    }
    in_group = {key for step, keys in grouped.values() for key in keys}
    groups_placed: set[str] = set()
    # The definitions, asked last: read at the start, they are recalled later.
    recall: list[Step] = []
    for fact in facts:
        if (fact.kind, fact.key, fact.locked) in in_group:
            for kind, (group, keys) in grouped.items():
                if (
                    fact.kind,
                    fact.key,
                    fact.locked,
                ) in keys and kind not in groups_placed:
                    groups_placed.add(kind)
                    (recall if kind == "definition" else steps).extend(group)
            continue
        step = None
        if fact.kind == "definition":
            step = _definition_step(ctx, fact)
        elif fact.kind == "event":
            step = _event_step(ctx, fact, statement=events % 2 == 1)
            events += step is not None and not covered.asks(step)
        elif fact.kind == "figure":
            step = _figure_step(fact, ctx.vocabulary)
        elif fact.kind == "view":
            step = _view_step(ctx, fact)
        if step is not None and not covered.asks(step):
            (recall if fact.kind == "definition" else steps).append(step)
    if not any(s.kind == ORDER for s in authored):
        steps.extend(_order_steps(ctx))
    return steps + recall


def _visible_pool(ctx: _Context, fact: FactLike, kind: str) -> list[FactLike]:
    """Facts of ``kind`` a distractor for ``fact`` may come from: the chapter's first,
    then the course's; free ones only for a free fact."""
    pool = [*ctx.source.facts, *ctx.source.course_facts]
    return [
        f
        for f in pool
        if f.kind == kind and f is not fact and (fact.locked or not f.locked)
    ]


def _options(
    answer: str, distractors: Iterable[str], ident: str
) -> tuple[tuple[str, ...], int]:
    """The answer among up to three distractors, placed at a position fixed by the
    step (the page shuffles them again per attempt)."""
    chosen = list(dict.fromkeys(distractors))[: MAX_OPTIONS - 1]
    position = int(hashlib.sha256(ident.encode()).hexdigest(), 16) % (len(chosen) + 1)
    options = [*chosen[:position], answer, *chosen[position:]]
    return tuple(options), position


# definitions


def _definition_step(ctx: _Context, fact: FactLike) -> Step | None:
    """ "Which term means: …?" among other terms of the chapter, then the course. A
    meaning that gives its term away ("the Communist International" for Comintern, "a
    small party …" for Vanguard party) is read, not asked: asked the other way round,
    the one meaning that shares a word with the term would pick itself out too."""
    term, gist = fact.subject.strip(), fact.value.strip()
    if not term or not gist or gives_away(gist, term) or gives_away(term, gist):
        return None
    distractors = [
        f.subject
        for f in _visible_pool(ctx, fact, "definition")
        if values.normal(f.subject) != values.normal(term)
    ]
    if len(set(distractors)) < MIN_OPTIONS - 1:
        return None
    ident = made_id(CHOICE, "definition", fact.key)
    options, answer = _options(term, distractors, ident)
    return Step(
        id=ident,
        kind=CHOICE,
        prompt=f"Which term means: {_lower_first(gist, ctx.vocabulary)}?",
        locked=fact.locked,
        options=options,
        answer=answer,
        explain=_explain_of(fact, ctx.vocabulary),
        anchor=fact.anchor,
        about=term,
        value=gist,
    )


def _group_step(
    ctx: _Context, facts: list[FactLike], kind: str, covered: _Coverage
) -> tuple[list[Step], set[tuple[str, str, bool]]]:
    """One match step for three or more definitions (term to meaning) or people's
    views (person to view) of one lock state; the facts it stands for."""
    steps, keys = [], set()
    for locked in (False, True):
        group = [f for f in facts if f.kind == kind and f.locked == locked]
        if kind == "definition":
            group = [
                f for f in group if f.value and not _names_term(f.value, f.subject)
            ]
            pairs = [(f.subject, _sentence_case(f.value)) for f in group]
            prompt = "Match each term to its meaning."
        else:
            people: dict[str, FactLike] = {}
            for f in group:
                if not any(values.same_person(f.subject, p) for p in people):
                    people[f.subject] = f
            group = list(people.values())
            pairs = [(f.subject, _view_text(f)) for f in group]
            role = (
                group[0].role
                if group and all(f.role == group[0].role for f in group)
                else ""
            )
            prompt = f"Match each {role or 'person'} to their view."
        lefts = {values.normal(a) for a, _ in pairs}
        rights = {values.normal(b) for _, b in pairs}
        if not (len(group) >= MATCH_MIN and len(lefts) == len(rights) == len(pairs)):
            continue
        group, pairs = group[:MATCH_MAX], pairs[:MATCH_MAX]
        step = Step(
            id=f"made-match-{kind}s" + ("-locked" if locked else ""),
            kind=MATCH,
            prompt=prompt,
            locked=locked,
            pairs=tuple(pairs),
            explain=" ".join(_explain_of(f) for f in group),
            anchor=group[0].section or group[0].anchor,
            about=" ".join(f.subject for f in group),
        )
        keys |= {(f.kind, f.key, f.locked) for f in group}
        if not covered.asks(step):
            steps.append(step)
    return steps, keys


def _names_term(gist: str, term: str) -> bool:
    """Whether a meaning gives its term away, by the card rule (``gives_away``): the
    whole term, one of its words ("the Civil War" for War Communism, "the elected
    assembly" for Constituent Assembly) or the words it is made of ("the Communist
    International" for Comintern). Such a pair places itself, and narrows the rest."""
    return values.normal(term) in values.normal(gist) or gives_away(gist, term)


# events


def _event_date(fact: FactLike) -> str:
    """The most precise date a step may state: the heading's, or the section's more
    precise one unless that is stated only in the locked part of a free fact."""
    if fact.detail and (fact.locked or not fact.detail_locked):
        return fact.detail
    return fact.value


def _event_question(fact: FactLike) -> tuple[str, str] | None:
    """The card's "When …?" question for an event and its answer, or None."""
    stand_in = SimpleNamespace(
        subject=fact.subject,
        value=fact.value,
        detail=_event_date(fact) if _event_date(fact) != fact.value else "",
        verb=fact.verb,
        key=fact.key,
    )
    draft = next(iter(event_cards(stand_in)), None)  # type: ignore[arg-type]
    return (draft.front, draft.back) if draft else None


def _event_step(
    ctx: _Context, fact: FactLike, *, statement: bool = False
) -> Step | None:
    """A "When …?" choice among dates of the answer's precision; a true-false
    statement of the date when ``statement`` (every other event of a chapter, so that
    a lesson does not ask "When …?" twice running) or when too few dates make a
    choice."""
    asked = _event_question(fact)
    if asked is None:
        return None
    question, answer = asked
    if values.normal(answer) in values.normal(ctx.source.title) or gives_away(
        question, answer
    ):
        return None  # "In which year …?" in a chapter called "… of 1917"
    explain = _event_statement(question, answer) or f"{fact.subject}: {answer}."
    levels = values.coarser(answer) or [answer]
    if not statement:
        for level in levels:
            distractors = _date_distractors(level, fact, ctx)
            if len(distractors) >= MIN_OPTIONS - 1:
                ident = made_id(CHOICE, "event", fact.key)
                options, index = _options(level, distractors, ident)
                return Step(
                    id=ident,
                    kind=CHOICE,
                    prompt=question,
                    locked=fact.locked,
                    options=options,
                    answer=index,
                    explain=explain,
                    anchor=fact.anchor,
                    about=fact.subject,
                    value=level,
                )
    true_statement = _event_statement(question, answer)
    wrong = next(
        (d[0] for d in (_date_distractors(lv, fact, ctx) for lv in levels) if d), None
    )
    swapped = _event_statement(question, wrong) if wrong else None
    if true_statement is None or swapped is None:
        return None  # a statement that could only ever be true tests nothing
    ident = made_id(TRUE_FALSE, "event", fact.key)
    truth = not _stable_bit(ident)  # false: another event's date of its precision
    prompt = true_statement if truth else swapped
    return Step(
        id=ident,
        kind=TRUE_FALSE,
        prompt=prompt,
        locked=fact.locked,
        answer=truth,
        explain=explain,
        anchor=fact.anchor,
        about=fact.subject,
        value=answer,
    )


def _date_distractors(answer: str, fact: FactLike, ctx: _Context) -> list[str]:
    """Dates of the answer's precision from other events (the chapter's first, then the
    course's nearest in time), none overlapping the answer, the event's own date or
    each other."""
    shape = values.date_shape(answer)
    if not shape:
        return []
    own = [answer, fact.value, _event_date(fact)]
    chapter = {id(f) for f in ctx.source.facts}
    target = values.date_sort_key(answer)
    found: list[tuple[int, int, int, str]] = []
    for order, other in enumerate(_visible_pool(ctx, fact, "event")):
        for date in dict.fromkeys([_event_date(other), other.value]):
            for form in values.coarser(date) if shape != "range" else [date]:
                if values.date_shape(form) != shape:
                    continue
                if any(values.overlaps(form, mine) for mine in own):
                    continue
                year, month, _ = values.date_sort_key(form)
                distance = abs(year - target[0]) * 12 + abs(month - target[1])
                found.append((0 if id(other) in chapter else 1, distance, order, form))
    result: list[str] = []
    for *_, form in sorted(found):
        if not any(values.overlaps(form, r) for r in result):
            result.append(form)
    return result[: MAX_OPTIONS - 1]


_IN_FORCE = re.compile(r"^When (was|were) (?P<p>.+) in force\?$")
_EXIST = re.compile(r"^When did (?P<p>.+) exist\?$")
_DID = re.compile(
    r"^(?:When|In which year) did (?P<p>.+?) (?P<v>[a-z]+(?: out| place)?)\?$"
)
_WAS = re.compile(
    r"^(?:When|In which year) (?P<was>was|were) (?P<p>.+?) (?P<v>[a-z]+(?: up)?)\?$"
)
_DATE_OF = re.compile(r"^What (?:is|were) the dates? of (?P<p>.+)\?$")
_PAST = {base: past for past, base in INTRANSITIVE.items()}


def _event_statement(question: str, date: str) -> str | None:
    """The statement a "When …?" question asks about, with ``date``: "When was the
    Treaty of Rapallo signed?" and "16 April 1922" → "The Treaty of Rapallo was signed
    on 16 April 1922."; None for a question of another form."""
    when = _when_phrase(date)
    if match := _IN_FORCE.match(question):
        return f"{capitalise(match['p'])} {match[1]} in force {when}."
    if match := _EXIST.match(question):
        return f"{capitalise(match['p'])} existed {when}."
    if match := _DATE_OF.match(question):
        return f"{capitalise(match['p'])} dates from {date}."
    if match := _DID.match(question):
        past = "took place" if match["v"] == "take place" else _PAST.get(match["v"])
        return f"{capitalise(match['p'])} {past} {when}." if past else None
    if match := _WAS.match(question):
        return f"{capitalise(match['p'])} {match['was']} {match['v']} {when}."
    return None


def _when_phrase(date: str) -> str:
    shape = values.date_shape(date)
    if shape == "range":
        first, _, last = re.split(r"(\s*[-\u2013\u2014]\s*)", date, maxsplit=1)
        return f"from {first.strip()} to {last.strip()}"
    return f"on {date}" if shape == "day" else f"in {date}"


# figures


def _figure_step(fact: FactLike, vocabulary: set[str]) -> Step | None:
    before, blank, after = fact.text.partition("___")
    if not blank or not fact.value:
        return None
    context = fact.context.strip().rsplit(": ", 1)[-1]  # "Holding on: the Assembly"
    statement = f"{before}{fact.value}{after}".strip()
    if context and context not in before:  # after the heading's colon, lower case:
        # "The Constituent Assembly: the Socialist Revolutionaries … won ___"
        before = f"{capitalise(context)}: {_lower_first(before, vocabulary)}"
    return Step(
        id=made_id(FILL_BLANK, "figure", fact.key),
        kind=FILL_BLANK,
        prompt=f"{before}___{after}",
        locked=fact.locked,
        parts=(before, after),
        blanks=(fact.value,),
        explain=statement,
        anchor=fact.anchor,
        about=fact.subject,
        value=fact.value,
    )


# views


def _view_text(fact: FactLike) -> str:
    return f"{fact.verb} {fact.value}".strip() if fact.verb else fact.value


def _view_step(ctx: _Context, fact: FactLike) -> Step | None:
    drafts = list(view_cards(fact, ctx.vocabulary))  # type: ignore[arg-type]
    if not drafts:
        return None
    question = drafts[0].front
    claim = values.normal(fact.value)
    holders = {
        f.subject
        for f in [*ctx.source.facts, *ctx.source.course_facts]
        if f.kind == "view" and values.normal(f.value) == claim
    }
    people: list[str] = []
    pool = _visible_pool(ctx, fact, "view")
    same_role = [f for f in pool if f.role == fact.role] + [
        f for f in pool if f.role != fact.role
    ]
    for other in same_role:
        name = other.subject
        if values.same_person(name, fact.subject) or any(
            values.same_person(name, h) for h in holders
        ):
            continue
        if any(values.same_person(name, p) for p in people):
            continue
        people.append(name)
    if len(people) < MIN_OPTIONS - 1:
        return None
    ident = made_id(CHOICE, "view", fact.key)
    options, index = _options(fact.subject, people, ident)
    return Step(
        id=ident,
        kind=CHOICE,
        prompt=question,
        locked=fact.locked,
        options=options,
        answer=index,
        explain=_explain_of(fact),
        anchor=fact.anchor,
        about=fact.subject,
        value=fact.value,
    )


# the chapter's events in order


def _order_steps(ctx: _Context) -> list[Step]:
    events = [
        f
        for f in ctx.source.facts
        if f.kind == "event" and _specific(f.subject) and values.date_span(f.value)
    ]
    for locked in (False, True):
        group = [f for f in events if locked or not f.locked]
        chosen: list[tuple[FactLike, str]] = []
        for fact in sorted(group, key=lambda f: values.date_sort_key(_event_date(f))):
            date = _event_date(fact)
            start = values.date_span(date)
            if start is None:
                continue
            if chosen and not _starts_apart(chosen[-1][1], date):
                continue
            chosen.append((fact, date))
        chosen = chosen[:ORDER_MAX]
        if len(chosen) < ORDER_MIN:
            continue
        is_locked = any(f.locked for f, _ in chosen)
        return [
            Step(
                id="made-order-events" + ("-locked" if is_locked else ""),
                kind=ORDER,
                prompt="Put these events in the order in which they happened.",
                locked=is_locked,
                options=tuple(capitalise(f.subject) for f, _ in chosen),
                explain="; ".join(f"{capitalise(f.subject)}: {d}" for f, d in chosen)
                + ".",
                anchor=chosen[0][0].anchor,
                about=" ".join(f.subject for f, _ in chosen),
            )
        ]
    return []


def _starts_apart(earlier: str, later: str) -> bool:
    """Whether ``earlier`` surely begins before ``later``: its start, as precisely as
    it is written, ends before the other's start begins ("1918" and "March 1918" could
    go either way)."""
    first = values.date_span(_start_text(earlier))
    second = values.date_span(_start_text(later))
    return first is not None and second is not None and first[1] < second[0]


def _start_text(date: str) -> str:
    """The first date of a range as written on its own ("January–March 1918" →
    "January 1918"); a single date as it is."""
    span = values.date_span(date)
    if span is None:
        return date
    pieces = re.split(r"\s*[-\u2013\u2014]\s*", date, maxsplit=1)
    if len(pieces) == 1:
        return date
    head = pieces[0]
    if values.date_shape(head):
        return head
    year, month, day = span[0]
    month_name = values.MONTH_NAMES[month - 1]
    return (
        f"{day} {month_name} {year}"
        if re.match(r"^\d", head)
        else f"{month_name} {year}"
    )


# --- explanations ---------------------------------------------------------------------------------


def _explain_of(fact: FactLike, vocabulary: set[str] | None = None) -> str:
    """One line that states the fact, as the notes do."""
    if fact.kind == "view":
        found = next(
            (
                s
                for s in sentences(fact.text)
                if s.startswith(fact.subject) or fact.subject in s[:80]
            ),
            "",
        )
        return found or f"{fact.subject} {_view_text(fact)}."
    if fact.kind == "definition":  # "means", not a colon: the meaning may hold one
        meaning = definition_meaning(fact.text, fact.value)[0] or f"{fact.value}."
        return f"{fact.subject} means {_lower_first(meaning, vocabulary or set())}"
    return _first_sentence(fact.text) or fact.value


def _first_sentence(text: str) -> str:
    found = sentences(text.strip()) if text.strip() else []
    first = found[0] if found else ""
    return first if first.endswith((".", "!", "?")) else (f"{first}." if first else "")


def _sentence_case(text: str) -> str:
    text = text.strip().rstrip(".")
    return f"{capitalise(text)}."


def _lower_first(text: str, vocabulary: set[str]) -> str:
    from revise.content.derive.text import lower_first

    return lower_first(text, vocabulary)


# --- the author's steps ----------------------------------------------------------------------------


def step_id(key: str) -> str:
    """An authored step's id in the lesson: its key without the chapter."""
    return key.rpartition("/")[2]


def _authored_step(row: AuthoredLike, source: Source) -> Step | None:
    data = row.data or {}
    kind = row.kind
    explain = str(data.get("explain") or "")
    common = {
        "id": step_id(row.key),
        "kind": kind,
        "locked": row.locked,
        "made": False,
        "explain": explain,
    }
    if kind == CHOICE:
        options = tuple(str(o) for o in data.get("options", ()))
        if str(data.get("answer")) not in options:
            return None
        step = Step(
            prompt=str(data.get("prompt") or row.text),
            options=options,
            answer=options.index(str(data["answer"])),
            **common,
        )
    elif kind == TRUE_FALSE:
        step = Step(
            prompt=str(data.get("statement") or row.text),
            answer=bool(data.get("answer")),
            **common,
        )
    elif kind == FILL_BLANK:
        text = str(data.get("text") or row.text)
        pieces = BLANK_RE.split(text)
        blanks = tuple(pieces[1::2])
        if not blanks:
            return None
        step = Step(
            prompt=BLANK_RE.sub("___", text),
            parts=tuple(pieces[0::2]),
            blanks=blanks,
            **common,
        )
    elif kind == ORDER:
        step = Step(
            prompt=str(data.get("prompt") or row.text),
            options=tuple(str(i) for i in data.get("items", ())),
            **common,
        )
    elif kind == MATCH:
        step = Step(
            prompt=str(data.get("prompt") or row.text),
            pairs=tuple((str(a), str(b)) for a, b in data.get("pairs", ())),
            **common,
        )
    else:
        return None
    anchor = _anchor_for(_asked_text(step) + " " + explain, source, locked=row.locked)
    return Step(**{**step.__dict__, "anchor": anchor, "about": _asked_text(step)})


def _asked_text(step: Step) -> str:
    """What a step asks about: its question and every option, item or pair."""
    return " ".join(_segments(step))


def _segments(step: Step) -> list[str]:
    """The pieces of a step that each state or ask one thing: the question (a blank's
    text with its blanks filled), each option or item, each pair."""
    if step.kind == FILL_BLANK:
        filled = "".join(
            part + (step.blanks[i] if i < len(step.blanks) else "")
            for i, part in enumerate(step.parts)
        )
        return [filled]
    return [step.prompt, *step.options, *(f"{a} {b}" for a, b in step.pairs)]


def _anchor_for(text: str, source: Source, *, locked: bool) -> str:
    """The paragraph that states an authored step: a free step's in the free part; a
    locked step's may also be one a locked fact or card points to."""
    blocks = text_blocks(list(source.paragraphs))
    if locked:
        blocks += list(source.locked_texts)
    found = ParagraphIndex(blocks).best(text, locked=locked)
    return found.para if found else ""


# --- repeats of the author's steps --------------------------------------------------------------


class _Coverage:
    """What the author's steps already ask: a made step is a repeat when one piece of
    an author's step (its question, an option, a pair) names the same subject with the
    same value: a date ("The Comintern was founded in 1922" covers "When was the
    Comintern founded?"), the figure, or most of the words of a meaning or view."""

    def __init__(self, authored: list[Step]) -> None:
        self.segments = [
            (values.normal(text), stems(text))
            for step in authored
            for text in _segments(step)
        ]

    def asks(self, step: Step) -> bool:
        if step.kind == MATCH:
            covered = [
                any(
                    values.bare(a) in text and len(stems(b) & mine) >= 2
                    for text, mine in self.segments
                )
                for a, b in step.pairs
            ]
            return sum(covered) >= 2
        subject = values.bare(step.about)
        value = step.value
        for text, mine in self.segments:
            if not subject or not re.search(
                rf"(?<!\w){re.escape(subject)}(?!\w)", text
            ):
                continue
            if values.date_shape(value):
                if re.search(r"\b(?:1\d{3}|20\d{2})\b", text):
                    return True  # the author asks a date of the same event
            elif re.search(r"\d", value):
                if re.search(rf"(?<!\w){re.escape(values.normal(value))}(?!\w)", text):
                    return True  # the same figure
            else:
                wanted = stems(value) - stems(step.about)
                if wanted and len(wanted & mine) >= max(2, (len(wanted) + 1) // 2):
                    return True  # the same meaning or view
        return False
