"""Rule: a **historian's view** gives a "Which historian …?" card, and a "How …?" card.

"E.H. Carr treats Brest-Litovsk as a gamble for survival: a hard bargain." gives "Which
historian treats Brest-Litovsk as a gamble for survival?" (answer "E.H. Carr", id
``historian-e-h-carr-brest-litovsk-gamble-survival``) and, because the view has the form
"sees X as Y", "How does E.H. Carr treat Brest-Litovsk?" (answer "As a gamble for
survival.", id ``view-e-h-carr-brest-litovsk``). The view is cut at its first clause. A
surname alone, a past-tense verb ("Carr argued …") or "Name: view" counts only under a
historiography heading, so that "Lenin argued …" in the narrative makes no card. Pure
functions, no Django.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from revise.content.derive.text import (
    SUBORDINATE,
    Draft,
    capitalise,
    content_slug,
    lower_first,
    sentences,
    slugify,
)
from revise.content.model import Fact

_CAP = r"[A-Z][a-zà-öø-ÿ'’-]+"
_INITIALS = r"(?:[A-Z]\.\s?){1,3}"
_PARTICLE = r"(?:(?:de|da|van|von|der|den|le|la|du|di)\s+)"
FULL_NAME = rf"(?:{_INITIALS}|{_CAP}\s+(?:{_INITIALS}\s*)?){_PARTICLE}*{_CAP}"
REPORTING = {
    # present tense: base form; the past tenses are in PAST below
    "argues": "argue",
    "sees": "see",
    "treats": "treat",
    "judges": "judge",
    "believes": "believe",
    "claims": "claim",
    "describes": "describe",
    "views": "view",
    "regards": "regard",
    "calls": "call",
    "suggests": "suggest",
    "contends": "contend",
    "maintains": "maintain",
    "emphasises": "emphasise",
    "emphasizes": "emphasize",
    "stresses": "stress",
    "portrays": "portray",
    "interprets": "interpret",
    "insists": "insist",
    "concludes": "conclude",
    "characterises": "characterise",
    "characterizes": "characterize",
    "considers": "consider",
    "presents": "present",
    "depicts": "depict",
    "dismisses": "dismiss",
    "blames": "blame",
    "holds": "hold",
    "writes": "write",
}
PAST = {
    "argued": "argue",
    "saw": "see",
    "treated": "treat",
    "judged": "judge",
    "believed": "believe",
    "claimed": "claim",
    "described": "describe",
    "viewed": "view",
    "regarded": "regard",
    "called": "call",
    "suggested": "suggest",
    "contended": "contend",
    "maintained": "maintain",
    "emphasised": "emphasise",
    "emphasized": "emphasize",
    "stressed": "stress",
    "portrayed": "portray",
    "interpreted": "interpret",
    "insisted": "insist",
    "concluded": "conclude",
    "characterised": "characterise",
    "characterized": "characterize",
    "considered": "consider",
    "presented": "present",
    "depicted": "depict",
    "dismissed": "dismiss",
    "blamed": "blame",
    "held": "hold",
    "wrote": "write",
}
# Verbs of the form "sees X as Y", which also make a "How does … see X?" card.
AS_VERBS = {
    "see",
    "treat",
    "judge",
    "describe",
    "view",
    "regard",
    "portray",
    "interpret",
    "characterise",
    "characterize",
    "consider",
    "present",
    "depict",
    "dismiss",
}
VERB_RE = "|".join(sorted([*REPORTING, *PAST], key=len, reverse=True))
HISTORIAN_RE = re.compile(
    rf"^(?P<name>{FULL_NAME}|{_CAP})(?:,\s[^,]{{1,80}},)?\s+(?P<verb>{VERB_RE})\s+"
    rf"(?P<view>.+)$"
)
HISTORIAN_COLON_RE = re.compile(rf"^(?P<name>{FULL_NAME}|{_CAP}):\s+(?P<view>.+)$")
HISTORIOGRAPHY_RE = re.compile(
    r"historiograph|historian|interpretation|debate|\bviews?\b|perspective", re.I
)
NOT_A_NAME = {
    "the",
    "this",
    "that",
    "these",
    "those",
    "a",
    "an",
    "many",
    "most",
    "some",
    "several",
    "other",
    "others",
    "both",
    "each",
    "every",
    "all",
    "few",
    "later",
    "recent",
    "modern",
    "early",
    "soviet",
    "western",
    "marxist",
    "liberal",
    "revisionist",
    "orthodox",
    "russian",
    "british",
    "american",
    "french",
    "german",
    "critics",
    "historians",
    "scholars",
    "writers",
    "in",
    "on",
    "at",
    "by",
    "after",
    "before",
    "when",
    "while",
    "although",
    "for",
    "yet",
    "but",
    "he",
    "she",
    "they",
    "it",
    "we",
}
PRONOUNS = {"it", "this", "them", "these", "those", "him", "her", "they", "its", "his"}
CLAUSE_END_RE = re.compile(rf"\s*(?::|;|\s[\u2013\u2014]\s|{SUBORDINATE})")


def person_views(text: str, *, debate: bool) -> Iterator[tuple[str, str, str]]:
    """Each view a text reports: (person, reporting verb, claim cut at its first clause).

    The verb is empty for "Name: view". A surname alone, a past-tense verb or the colon
    form counts only in a ``debate`` (a historiography section).
    """
    for sentence in sentences(text):
        match = HISTORIAN_RE.match(sentence)
        colon = None if match else HISTORIAN_COLON_RE.match(sentence)
        found = match or colon
        if not found:
            continue
        name = found.group("name").strip()
        single = " " not in name and "." not in name
        if name.split()[0].rstrip(".").lower() in NOT_A_NAME or (single and not debate):
            continue
        view = _first_clause(found.group("view"))
        if view is None:
            continue
        if colon:
            if debate:
                yield name, "", view
            continue
        verb = match.group("verb")
        if verb in PAST and not debate:
            continue  # "Lenin argued …" in the narrative is not a historian's view
        yield name, verb, view


def view_cards(fact: Fact, vocabulary: set[str]) -> Iterator[Draft]:
    """ "Which historian argues …?" and, for "sees X as Y", "How does … see X?".

    The kind of person is the fact's role; without one the card asks "Who …?".
    """
    name, verb, view = fact.subject, fact.verb, fact.value
    name_slug = slugify(name)
    who = f"Which {fact.role}" if fact.role else "Who"
    ident = f"historian-{name_slug}-{content_slug(view)}"
    if not verb:
        yield Draft(
            ident, f"{who} held this view: {lower_first(view, vocabulary)}?", name, fact
        )
        return
    yield Draft(ident, f"{who} {verb} {view}?", name, fact)
    base = REPORTING.get(verb) or PAST[verb]
    how = _how_card(name, base, view, past=verb in PAST)
    if base in AS_VERBS and how:
        front, back, obj = how
        yield Draft(f"view-{name_slug}-{content_slug(obj)}", front, back, fact)


def _first_clause(view: str) -> str | None:
    clause = CLAUSE_END_RE.split(view, maxsplit=1)[0].strip().rstrip(".!")
    words = clause.split()
    if len(words) < 3 or words[0].lower() in PRONOUNS:
        return None
    return clause


def _how_card(
    name: str, base: str, view: str, *, past: bool
) -> tuple[str, str, str] | None:
    """'How does E.H. Carr treat Brest-Litovsk?' → 'As a gamble for survival.'"""
    match = re.match(r"^(?P<obj>.+?)\s+(?P<link>as|to be)\s+(?P<comp>.+)$", view)
    if not match or len(match.group("obj").split()) > 8:
        return None
    obj, comp = match.group("obj"), match.group("comp")
    does = "did" if past else "does"
    back = f"As {comp}." if match.group("link") == "as" else f"{capitalise(comp)}."
    return f"How {does} {name} {base} {obj}?", back, obj
