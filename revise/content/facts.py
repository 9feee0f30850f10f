"""The facts a chapter's notes state, each tied to the paragraph that states it.

Four kinds, each found by a narrow rule that prefers saying nothing to guessing:

- **definition**: a ``::: definition Term`` callout. ``subject`` is the term, ``value``
  the gist (the first sentence, cut to a clause of at most ``GIST_WORDS`` words),
  ``text`` the whole definition.
- **event**: a heading that names an event and dates it, "Treaty of Rapallo (1922)": its
  head noun names a kind of event ("treaty", "rising", "war", "…ism"; ``names_event``)
  or the section uses a verb for it on that date ("the Comintern was founded"). A dated
  heading that is a section's title ("The gamble pays off (November 1918)") is none.
  ``subject`` is the name, ``value`` the date as the heading writes it; ``verb`` is the
  verb the section itself uses for the event on that date ("signed", "founded", "met")
  or empty when the text uses none, and ``detail`` the more precise date of that
  sentence ("16 April 1922") when it gives one.
- **figure**: a percentage, amount, large number or count of something in the text.
  ``value`` is the figure, ``unit`` what follows it ("days", or "" for "27%"),
  ``subject`` what it measures (the words after it: "of its farmland"), ``text`` the
  clause with the figure blanked out as ``___``, read together with its lead-in when a
  list item continues one.
- **view**: a person's view ("E.H. Carr treats Brest-Litovsk as a gamble for survival").
  ``subject`` is the person, ``value`` the claim cut at its first clause, ``verb`` the
  reporting verb, ``role`` the kind of person, taken from the section's heading
  ("Historiography" → historian) or the course's subject (History → historian,
  Economics → economist), never assumed: empty when neither says.

Every fact has ``anchor`` (the id of its paragraph in the chapter page), ``section``
(the anchor of its heading), ``context`` (that heading's title without its date),
``line`` and ``locked``. Cards, lesson steps and the cheatsheet are built from these.
Pure functions, no Django.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from revise.content.derive.dates import (
    DATE_RE,
    DATED_HEADING_RE,
    INTRANSITIVE,
    PREPOSITIONS,
    names_event,
)
from revise.content.derive.figures import figure_clauses
from revise.content.derive.historians import (
    HISTORIOGRAPHY_RE,
    person_views,
)
from revise.content.derive.text import (
    GIST_WORDS,
    STOPWORDS,
    SUBORDINATE,
    sentences,
    slugify,
    strip_numbering,
)
from revise.content.model import Fact, TextBlock

# The kind of person whose views a course reports, by the words of its subject.
SUBJECT_ROLES = {
    "history": "historian",
    "historiography": "historian",
    "economics": "economist",
    "economy": "economist",
    "philosophy": "philosopher",
    "psychology": "psychologist",
    "sociology": "sociologist",
    "politics": "political scientist",
    "geography": "geographer",
    "literature": "critic",
    "biology": "scientist",
    "chemistry": "scientist",
    "physics": "scientist",
    "science": "scientist",
}
# Heading words that say whose views a section reports.
HEADING_ROLES = {
    "historiography": "historian",
    "historians": "historian",
    "economists": "economist",
    "philosophers": "philosopher",
    "critics": "critic",
    "scientists": "scientist",
}

# Verbs a text uses of a dated event. Transitive ones ask "When was X signed?"; the
# others "When did X meet?", so each maps to the base form that question needs.
TRANSITIVE = {
    "signed",
    "founded",
    "held",
    "introduced",
    "launched",
    "set up",
    "created",
    "established",
    "adopted",
    "announced",
    "declared",
    "proclaimed",
    "dissolved",
    "formed",
    "crushed",
    "suppressed",
    "abolished",
    "ratified",
    "concluded",
    "published",
    "issued",
    "passed",
    "elected",
    "fought",
}
_VERB_RE = re.compile(
    r"\b(?P<was>(?:was|were)\s+)?(?P<verb>"
    + "|".join(
        re.escape(v)
        for v in sorted([*TRANSITIVE, *INTRANSITIVE], key=len, reverse=True)
    )
    + r")\b"
)
_WINDOW_BEFORE = 6  # words between "signed the" and the event's name, at most
_WINDOW_AFTER = 3  # words between the name and "was signed" / "met", at most


def extract_facts(blocks: Iterable[TextBlock], *, subject: str = "") -> list[Fact]:
    """The facts of a chapter's text blocks, in the order of the notes; keys unique."""
    blocks = list(blocks)
    facts: list[Fact] = []
    keys: dict[str, int] = {}
    for fact in _facts(blocks, course_role=_role_of(subject, SUBJECT_ROLES)):
        count = keys.get(fact.key, 0) + 1
        keys[fact.key] = count
        if count > 1:
            fact = Fact(**{**fact.as_dict(), "key": f"{fact.key}-{count}"})
        facts.append(fact)
    return facts


def _role_of(text: str, roles: dict[str, str]) -> str:
    words = re.findall(r"[a-z]+", text.lower())
    return next((roles[w] for w in words if w in roles), "")


def _facts(blocks: list[TextBlock], *, course_role: str) -> Iterator[Fact]:
    heading: TextBlock | None = None
    lead_in: TextBlock | None = None
    for i, block in enumerate(blocks):
        if block.kind == "heading":
            heading = block
            lead_in = None
            yield from _event(block, _section(blocks, i))
            continue
        context = _context(heading)
        section = heading.anchor if heading else block.anchor
        if block.kind == "definition":
            yield from _definition(block, context, section)
        elif block.kind == "text":
            if not block.item:
                lead_in = block if block.text.rstrip().endswith(":") else None
            if block.callout == "analogy":
                continue  # an analogy states nothing about the subject itself
            lead = lead_in if block.item else None
            yield from _figures(block, lead, context, section)
            role = _role_of(heading.text, HEADING_ROLES) if heading else ""
            debate = bool(heading and HISTORIOGRAPHY_RE.search(heading.text))
            yield from _views(block, context, section, role or course_role, debate)


def _section(blocks: list[TextBlock], start: int) -> list[TextBlock]:
    """The blocks under the heading at ``start``, its subsections included."""
    level = blocks[start].level
    found = []
    for block in blocks[start + 1 :]:
        if block.kind == "heading" and block.level <= level:
            break
        found.append(block)
    return found


def _context(heading: TextBlock | None) -> str:
    """A heading's title without its numbering or its date in brackets."""
    if heading is None:
        return ""
    title = strip_numbering(heading.text)
    match = DATED_HEADING_RE.match(title)
    if match and DATE_RE.fullmatch(match.group("date").strip()):
        return match.group("name").strip()
    return title


# --- definitions -----------------------------------------------------------------------


def _definition(block: TextBlock, context: str, section: str) -> Iterator[Fact]:
    term, body = block.term.strip(), block.text.strip()
    if not term or not body:
        return
    yield Fact(
        kind="definition",
        key=slugify(term),
        subject=term,
        value=definition_gist(body),
        text=body,
        anchor=block.para or block.anchor,
        section=section,
        context=context,
        locked=block.locked,
        line=block.line,
    )


def definition_gist(text: str) -> str:
    """The gist of a definition: its first sentence, or the part of it that stands.

    A semicolon ends it ("…; resented by many communists" is a remark, not the
    meaning). Past ``GIST_WORDS`` words the sentence is cut before a colon, semicolon or dash,
    then before a subordinate clause (", which …", ", because …"), then at the last
    comma that leaves at most ``GIST_WORDS`` words; each cut only if what is left has
    six words or more (twelve for the comma). The card shows the rest after the answer.
    """
    first = sentences(text)[0].rstrip(" .")
    head = first.split(";", 1)[0]  # what follows a semicolon is a remark on the term
    if len(head.split()) >= 6:
        first = head
    for separator in (r"\s*(?::|;|\s[\u2013\u2014]\s)\s*", SUBORDINATE):
        if len(first.split()) <= GIST_WORDS:
            break
        head = re.split(separator, first, maxsplit=1)[0]
        if len(head.split()) >= 6:
            first = head
    if len(first.split()) > GIST_WORDS:
        words = first.split()
        cut = " ".join(words[: GIST_WORDS + 1]).rfind(", ")
        if cut > 0 and len(first[:cut].split()) >= 12:
            first = first[:cut]
    return first.rstrip(" .,;:")


# --- events ----------------------------------------------------------------------------


def _event(heading: TextBlock, section: list[TextBlock]) -> Iterator[Fact]:
    title = strip_numbering(heading.text)
    match = DATED_HEADING_RE.match(title)
    if not match:
        return
    date = match.group("date").strip()
    if not DATE_RE.fullmatch(date):
        return
    name = match.group("name").strip()
    name = name.rsplit(":", 1)[-1].strip()  # "Holding on: the Constituent Assembly"
    if not name:
        return
    verb, detail = _event_verb(name, date, section, locked=heading.locked)
    if not verb and not names_event(name):
        return  # "The gamble pays off (November 1918)": a section's title, no event
    yield Fact(
        kind="event",
        key=slugify(re.sub(r"^(?:the|a|an)\s+", "", name, flags=re.I)),
        subject=name,
        value=date,
        text=title,
        anchor=heading.anchor,
        section=heading.anchor,
        context=name,
        locked=heading.locked,
        line=heading.line,
        verb=verb,
        detail=detail,
    )


def _event_verb(
    name: str, date: str, section: list[TextBlock], *, locked: bool
) -> tuple[str, str]:
    """The verb the section uses for the event on its date, and that sentence's date.

    A sentence counts when it names the event (its name, or the name's head noun) and a
    date in the heading's years, and a verb of ``TRANSITIVE`` or ``INTRANSITIVE`` stands
    next to the name: "signed the Treaty of Rapallo", "the Assembly met". A transitive
    verb after the name counts only in the passive ("was signed"): in "the treaty ended
    the war" the treaty is not what was done.
    """
    years = set(re.findall(r"\b1\d{3}\b|\b20\d{2}\b", date))
    references = _references(name)
    for block in section:
        if block.kind != "text" or block.callout or block.locked != locked:
            continue  # a free event takes nothing from the locked part
        for sentence in sentences(block.text):
            dates = [m.group(0) for m in DATE_RE.finditer(sentence)]
            if not years or not any(
                set(re.findall(r"\d{4}", d)) & years for d in dates
            ):
                continue
            verb = _verb_near(sentence, references)
            if verb:
                detail = next((d for d in dates if d != date and d.endswith(date)), "")
                return verb, detail
    return "", ""


def _references(name: str) -> list[str]:
    """How a text may refer to an event: its name, and the name's head noun."""
    bare = re.sub(r"^(?:the|a|an)\s+", "", name, flags=re.I)
    words = bare.split()
    cut = next(
        (i for i, w in enumerate(words) if i and w.lower() in PREPOSITIONS),
        len(words),
    )
    head = words[cut - 1] if cut else ""
    refs = [bare]
    if head and head.lower() not in STOPWORDS and len(head) > 3 and head != bare:
        refs.append(head)
    return refs


def _verb_near(sentence: str, references: list[str]) -> str:
    for ref in references:
        for found in re.finditer(rf"\b{re.escape(ref)}\b", sentence, flags=re.I):
            before = sentence[: found.start()].split()[-_WINDOW_BEFORE - 1 :]
            after = sentence[found.end() :].split()[: _WINDOW_AFTER + 2]
            for m in _VERB_RE.finditer(" ".join(after)):
                verb = m.group("verb")
                if verb in INTRANSITIVE or (verb in TRANSITIVE and m.group("was")):
                    return verb
            for m in _VERB_RE.finditer(" ".join(before)):
                verb = m.group("verb")
                if verb in TRANSITIVE and not m.group("was"):
                    return verb
    return ""


# --- figures ---------------------------------------------------------------------------


def _figures(
    block: TextBlock, lead_in: TextBlock | None, context: str, section: str
) -> Iterator[Fact]:
    for figure, unit, measure, cloze in figure_clauses(block, lead_in):
        words = _content_slug(measure) or _content_slug(cloze.replace("___", ""))
        number = slugify(re.sub(r"per ?cent", "", figure))
        yield Fact(
            kind="figure",
            key="-".join(p for p in [number, words] if p),
            subject=measure,
            value=figure,
            text=cloze,
            anchor=block.para or block.anchor,
            section=section,
            context=context,
            locked=block.locked,
            line=block.line,
            unit=unit,
        )


def _content_slug(text: str, *, words: int = 3) -> str:
    kept = [
        w
        for w in re.split(r"[^\w'’-]+", text)
        if w and not w[0].isdigit() and w.lower() not in STOPWORDS
    ]
    return slugify(" ".join(kept[:words]))


# --- views -----------------------------------------------------------------------------


def _views(
    block: TextBlock, context: str, section: str, role: str, debate: bool
) -> Iterator[Fact]:
    for person, verb, claim in person_views(block.text, debate=debate):
        yield Fact(
            kind="view",
            key=f"{slugify(person)}-{_content_slug(claim)}",
            subject=person,
            value=claim,
            text=block.text,
            anchor=block.para or block.anchor,
            section=section,
            context=context,
            locked=block.locked,
            line=block.line,
            verb=verb,
            role=role,
        )


__all__ = ["GIST_WORDS", "Fact", "definition_gist", "extract_facts"]
