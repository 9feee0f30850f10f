"""Flashcards made from a chapter's notes, as a teacher would write them.

Four rules, each documented for authors in ``docs/authoring.md`` ("Cards made from your
notes"):

- a **definition** callout gives a card each way: term → definition, definition → term;
- a **heading that names a dated event** ("Treaty of Rapallo (1922)") gives a "When …?"
  card whose verb fits the event (signed, held, founded, fought, …);
- a **figure** in the text (a percentage, an amount, a count of something) gives a
  fill-the-gap card, with its heading as context;
- a **historian's view** ("E.H. Carr treats Brest-Litovsk as …") gives a "Which historian
  …?" card, and for views of the form "sees X as Y" a "How does … see X?" card.

Each card's id is short, readable and stable (``date-treaty-of-rapallo``), so that an author
can name it in the chapter's ``skip_cards`` to suppress it. Pure functions, no Django.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from revise.content.model import Card, TextBlock

MAX_FRONT = 200
ORIGIN = "derived"

# --- dates ---------------------------------------------------------------------------

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_YEAR = r"(?:1\d{3}|20\d{2})"
_DAY = r"(?:[0-3]?\d(?:st|nd|rd|th)?)"
_DASH = r"\s*[-\u2013\u2014]\s*"
_DATE = rf"(?:(?:{_DAY}\s+)?{_MONTH}\s+{_YEAR}|{_MONTH}\s+{_DAY},?\s+{_YEAR}|{_YEAR})"
_RANGE = (
    rf"(?:{_DATE}{_DASH}(?:{_DATE}|\d{{2}})"
    rf"|(?:{_DAY}\s+)?{_MONTH}{_DASH}(?:{_DAY}\s+)?{_MONTH}\s+{_YEAR}"
    rf"|{_DAY}{_DASH}{_DAY}\s+{_MONTH}\s+{_YEAR})"
)
DATE_RE = re.compile(rf"{_DATE}|{_RANGE}")
DATED_HEADING_RE = re.compile(r"^(?P<name>.+?)\s*\((?P<date>[^()]+)\)\s*$")
NUMBERING_RE = re.compile(r"^\s*(?:\d+(?:\.\d+)*[.)]|[IVX]+\.)\s+")
PREPOSITIONS = {
    "of",
    "over",
    "on",
    "in",
    "at",
    "against",
    "with",
    "for",
    "to",
    "from",
    "between",
    "by",
    "under",
    "after",
    "before",
    "during",
}
# The head noun of a heading says what kind of event it names, and so which verb fits.
EVENT_KINDS: dict[str, set[str]] = {
    "signed": {
        "treaty",
        "pact",
        "agreement",
        "accord",
        "accords",
        "armistice",
        "alliance",
        "concordat",
    },
    "held": {
        "conference",
        "congress",
        "summit",
        "election",
        "elections",
        "referendum",
        "plebiscite",
        "trial",
        "trials",
    },
    "met": {"assembly", "parliament", "duma", "convention", "estates-general"},
    "founded": {
        "comintern",
        "cominform",
        "cheka",
        "gpu",
        "ogpu",
        "nkvd",
        "kgb",
        "sovnarkom",
        "party",
        "international",
        "league",
        "organisation",
        "organization",
        "society",
        "union",
        "committee",
        "council",
        "commission",
        "republic",
        "movement",
    },
    "fought": {"war", "battle", "campaign", "siege"},
    "introduced": {
        "policy",
        "plan",
        "programme",
        "program",
        "decree",
        "decrees",
        "law",
        "laws",
        "reform",
        "reforms",
        "constitution",
        "system",
        "tax",
    },
    "announced": {
        "doctrine",
        "theses",
        "declaration",
        "manifesto",
        "proclamation",
        "ultimatum",
        "speech",
    },
    "happened": {
        "revolution",
        "rising",
        "uprising",
        "revolt",
        "rebellion",
        "mutiny",
        "intervention",
        "affair",
        "days",
        "crisis",
        "coup",
        "putsch",
        "famine",
        "strike",
        "strikes",
        "purge",
        "purges",
        "terror",
        "seizure",
        "invasion",
        "occupation",
        "blockade",
        "massacre",
        "crash",
        "depression",
        "abdication",
        "assassination",
        "collectivisation",
        "collectivization",
        "industrialisation",
        "industrialization",
        "evacuation",
        "withdrawal",
        "offensive",
        "airlift",
    },
}
HEAD_KIND = {word: kind for kind, words in EVENT_KINDS.items() for word in words}

# --- figures ---------------------------------------------------------------------------

_NUMBER = r"\d+(?:[.,]\d+)*"
_UNITS = (
    r"days|weeks|months|hours|km|kilometres|kilometers|miles|hectares|acres|tonnes|tons"
    r"|men|women|soldiers|troops|sailors|workers|peasants|people|deaths|dead|casualties"
    r"|prisoners|delegates|deputies|members|seats|votes|divisions|ships|tanks|aircraft"
    r"|planes|roubles|rubles|dollars|pounds|marks|francs"
)
FIGURE_RE = re.compile(
    rf"(?<![\w.,£$€])(?:"
    rf"(?P<percent>{_NUMBER}(?:{_DASH}{_NUMBER})?\s?(?:%|per cent|percent))"
    rf"|(?P<money>[£$€]\s?{_NUMBER}(?:\s(?:million|billion|trillion|thousand))?)"
    rf"|(?P<scale>{_NUMBER}\s(?:million|billion|trillion|thousand))"
    rf"|(?P<large>\d{{1,3}}(?:,\d{{3}})+)"
    rf"|(?P<count>{_NUMBER})(?=\s(?:{_UNITS})\b)"
    rf")(?![\w%])"
)

# --- historians ------------------------------------------------------------------------

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
SUBORDINATE = (
    r",\s(?=(?:because|since|although|though|while|whereas|but|which|so|so that)\b)"
)
CLAUSE_END_RE = re.compile(rf"\s*(?::|;|\s[\u2013\u2014]\s|{SUBORDINATE})")

# --- words -----------------------------------------------------------------------------

STOPWORDS = {
    "a",
    "an",
    "the",
    "of",
    "in",
    "on",
    "at",
    "to",
    "for",
    "by",
    "as",
    "and",
    "or",
    "its",
    "it",
    "their",
    "his",
    "her",
    "that",
    "this",
    "be",
    "was",
    "is",
    "were",
    "with",
    "from",
    "into",
    "than",
    "more",
    "about",
    "only",
    "some",
}
ABBREVIATIONS = {
    "no",
    "nos",
    "mr",
    "mrs",
    "dr",
    "st",
    "c",
    "ca",
    "gen",
    "col",
    "vs",
    "eg",
}
SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"\u201c\u2018(])")


def slugify(text: str, *, words: int | None = None) -> str:
    """Lower-case ASCII words joined by hyphens; the first ``words`` if given."""
    text = re.sub(r"(?<=\w)['’](?=\w)|(?<=\d),(?=\d{3})", "", text)  # Lenin's, 40,000
    spaced = re.sub(r"[\W_]+", " ", text)  # "Polish–Soviet" → "Polish Soviet"
    ascii_text = (
        unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode()
    )
    parts = re.sub(r"[^a-z0-9]+", " ", ascii_text.lower()).split()
    return "-".join(parts[:words] if words else parts)


def content_slug(text: str, *, words: int = 3) -> str:
    """The first ``words`` words of ``text`` that are not stop words, as a slug."""
    kept = [
        w
        for w in re.split(r"[^\w'’-]+", text)
        if w and not w[0].isdigit() and w.lower() not in STOPWORDS
    ]
    return slugify(" ".join(kept[:words]))


def sentences(text: str) -> list[str]:
    """``text`` split into sentences, without splitting at initials or 'No. 1'."""
    pieces: list[str] = []
    start = 0
    for match in SENTENCE_END_RE.finditer(text):
        before = text[start : match.start()].split()
        last = before[-1].rstrip(".").lower() if before else ""
        if len(last) <= 1 or last in ABBREVIATIONS or "." in last:
            continue  # "E.H. Carr", "No. 1": not the end of a sentence
        pieces.append(text[start : match.start()].strip())
        start = match.end()
    pieces.append(text[start:].strip())
    return [p for p in pieces if p]


def strip_numbering(title: str) -> str:
    """A heading without its list numbering: '1. Treaty of X' → 'Treaty of X'."""
    return NUMBERING_RE.sub("", title).strip()


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class _Draft:
    ident: str
    front: str
    back: str
    block: TextBlock


def derive_cards(*, chapter_slug: str, blocks: Iterable[TextBlock]) -> list[Card]:
    """The cards a chapter's notes give, in the order of the notes; ids are unique."""
    blocks = list(blocks)
    vocabulary = {
        word
        for block in blocks
        for word in re.findall(r"\b[a-z][a-z'-]*\b", block.text)
    }
    cards: list[Card] = []
    seen_fronts: set[str] = set()
    seen_ids: dict[str, int] = {}
    for draft in _drafts(blocks, vocabulary):
        front, back = draft.front.strip(), draft.back.strip()
        normal = normalise(front)
        if not front or not back or len(front) > MAX_FRONT or normal in seen_fronts:
            continue
        seen_fronts.add(normal)
        count = seen_ids.get(draft.ident, 0) + 1
        seen_ids[draft.ident] = count
        ident = draft.ident if count == 1 else f"{draft.ident}-{count}"
        cards.append(
            Card(
                key=f"{chapter_slug}/{ident}",
                explicit_id=False,
                front_html=html.escape(front, quote=False),
                back_html=html.escape(back, quote=False),
                front_text=front,
                back_text=back,
                anchor=draft.block.anchor,
                locked=draft.block.locked,
                line=draft.block.line,
                origin=ORIGIN,
            )
        )
    return cards


def derived_id(card: Card) -> str:
    """The id an author names in ``skip_cards``: the card's key without its chapter."""
    return card.key.partition("/")[2]


def _drafts(blocks: list[TextBlock], vocabulary: set[str]) -> Iterator[_Draft]:
    heading = ""
    lead_in: TextBlock | None = None
    for block in blocks:
        if block.kind == "heading":
            heading = strip_numbering(block.text)
            lead_in = None
            yield from _date_cards(block)
        elif block.kind == "definition":
            yield from _definition_cards(block, vocabulary)
        elif block.kind == "text":
            if not block.item:
                lead_in = block if block.text.rstrip().endswith(":") else None
            if block.callout != "analogy":
                lead = lead_in if block.item else None
                yield from _figure_cards(block, heading, lead)
                yield from _historian_cards(block, heading, vocabulary)


# --- definitions -----------------------------------------------------------------------


def _definition_cards(block: TextBlock, vocabulary: set[str]) -> Iterator[_Draft]:
    term, body = block.term.strip(), block.text.strip()
    if not term or not body:
        return
    slug = slugify(term)
    yield _Draft(f"definition-{slug}", f"What does '{term}' mean?", body, block)
    short = _shorten_definition(body)
    if normalise(term) in normalise(short):
        return  # the definition gives its own term away: no reverse card
    short = _lower_first(short, vocabulary)
    yield _Draft(f"term-{slug}", f"Which term means: {short}?", term, block)


def normalise(text: str) -> str:
    """Text without case, punctuation or extra spaces, for comparing questions."""
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def _shorten_definition(text: str, *, limit: int = 170) -> str:
    """The gist of a definition, as short as it can be and still make sense.

    Its first sentence; past 100 characters, the part before a colon, semicolon or dash;
    past 120, the part before a subordinate clause (", which …", ", because …"); past
    ``limit``, the part before the last comma, or failing that the words that fit.
    """
    short = sentences(text)[0].rstrip(" .")
    if len(short) > 100:
        short = _head(short, r"\s*(?::|;|\s[\u2013\u2014]\s)\s*")
    if len(short) > 120:
        short = _head(short, SUBORDINATE)
    if len(short) > limit:
        cut = short.rfind(", ", 0, limit)
        if cut >= 40:
            short = short[:cut]
        else:
            words = short[:limit].split()[:-1]
            while words and words[-1].lower() in STOPWORDS:
                words.pop()
            short = " ".join(words) + "…"
    return short.rstrip(" .,;:")


def _head(text: str, separator: str) -> str:
    """The part of ``text`` before ``separator``, if that part is long enough to stand."""
    head = re.split(separator, text, maxsplit=1)[0]
    return head if len(head) >= 30 else text


def _lower_first(text: str, vocabulary: set[str]) -> str:
    """Lower-case the first word when it is an ordinary word, not a name.

    A word counts as ordinary when it is an article, ends in "-ing", or appears in
    lower case somewhere in the chapter; "Lenin's idea of …" keeps its capital.
    """
    first = text.split(" ", 1)[0]
    word = first.lower()
    if not re.fullmatch(r"[A-Z][a-z]*", first):
        return text
    if word in {"a", "an", "the"} or word.endswith("ing") or word in vocabulary:
        return word + text[len(first) :]
    return text


# --- dates -----------------------------------------------------------------------------


def _date_cards(block: TextBlock) -> Iterator[_Draft]:
    match = DATED_HEADING_RE.match(strip_numbering(block.text))
    if not match or not DATE_RE.fullmatch(match.group("date").strip()):
        return
    date = match.group("date").strip()
    name = match.group("name").strip()
    parts = [p.strip() for p in name.split(":")[::-1]] if ":" in name else [name]
    for part in parts:
        front = _when_question(part, is_range=bool(re.search(_DASH, date)))
        if front:
            ident = slugify(re.sub(r"^(?:the|a|an)\s+", "", part, flags=re.I))
            yield _Draft(f"date-{ident}", front, date, block)
            return


def _when_question(name: str, *, is_range: bool) -> str | None:
    """'When was the Treaty of Rapallo signed?' for an event's name, or None."""
    if re.search(r"\s(?:and|&)\s|[?!]$", name) or not name:
        return None  # two things at once, or a question: not an event's name
    words = name.split()
    cut = next(
        (i for i, w in enumerate(words) if i and w.lower() in PREPOSITIONS), len(words)
    )
    head = re.sub(r"(?:'s|’s|[^\w-])+$", "", words[cut - 1]).lower()
    kind = HEAD_KIND.get(head) or ("introduced" if head.endswith("ism") else None)
    possessive = re.match(r"^(\S+?)(?:'s|’s)\s", name)
    if head == "death":
        owner = possessive.group(1) if possessive else " ".join(words[cut + 1 :])
        return f"When did {owner} die?" if owner and owner[0].isupper() else None
    if kind is None:
        return None
    first = words[0]
    if first.lower() in {"the", "a", "an"}:
        phrase = " ".join([first.lower(), *words[1:]])
    elif possessive or (head.endswith("ism") and cut == len(words)):
        phrase = name  # "Lenin's return", "War Communism": no article
    else:
        phrase = f"the {name}"
    plural = head.endswith("s") and not head.endswith(("ss", "us", "is"))
    was = "were" if plural else "was"
    if kind == "happened":
        return f"When did {phrase} take place?"
    if kind == "met":
        return f"When did {phrase} meet?"
    if kind == "founded" and is_range:
        return f"When did {phrase} exist?"
    if kind == "introduced" and is_range:
        return f"When {was} {phrase} in force?"
    return f"When {was} {phrase} {kind}?"


# --- figures ---------------------------------------------------------------------------


def _figure_cards(
    block: TextBlock, heading: str, lead_in: TextBlock | None
) -> Iterator[_Draft]:
    text = block.text.strip()
    if lead_in is not None and (text[:1].islower() or text[:1].isdigit()):
        # "… and with them:" + "27% of its farmland;" read as one sentence; only the
        # item's own figures make cards here (the lead-in's make their own).
        lead = sentences(lead_in.text)[-1].rstrip().rstrip(":").rstrip()
        pieces = [(f"{lead} {text.rstrip(' .;,')}.", len(lead) + 1)]
    else:
        pieces = [(sentence, 0) for sentence in sentences(text)]
    for sentence, first in pieces:
        for match in FIGURE_RE.finditer(sentence, first):
            figure = match.group(0)
            if match.group("count") and DATE_RE.fullmatch(figure):
                continue  # a bare year, even before a noun, is a date
            clause = _clause_around(sentence, match.start(), match.end())
            if clause is None:
                continue
            cloze, after = clause
            front = _with_context(heading, cloze)
            if len(front) > MAX_FRONT:
                front = cloze
            words = content_slug(after) or content_slug(cloze.replace("___", ""))
            number = slugify(re.sub(r"per ?cent", "", figure))
            ident = "-".join(p for p in ["figure", number, words] if p)
            yield _Draft(ident, front, figure, block)


def _clause_around(sentence: str, start: int, end: int) -> tuple[str, str] | None:
    """The clause holding ``sentence[start:end]`` with that figure blanked out.

    Returns the cloze text and the words after the figure (for the card's id).
    """
    bounds = [0]
    for m in re.finditer(r";\s+", sentence):
        bounds.append(m.end())
    begin = max(b for b in bounds if b <= start)
    stop = next(
        (m.start() for m in re.finditer(r";", sentence) if m.start() >= end), None
    )
    clause_end = len(sentence) if stop is None else stop
    before = sentence[begin:start]
    after = sentence[end:clause_end]
    cloze = f"{before}___{after}".strip()
    cloze = re.sub(r"^(?:and|but)\s+", "", cloze)
    cloze = _capitalise(cloze.rstrip(" ,;:."))
    if len(cloze.replace("___", "").split()) < 3:
        return None
    return f"{cloze}.", after


def _with_context(heading: str, text: str) -> str:
    if not heading:
        return text
    if heading.endswith(("?", "!", ".")) or ":" in heading:
        return f"{heading} — {text}"
    return f"{heading}: {text}"


# --- historians ------------------------------------------------------------------------


def _historian_cards(
    block: TextBlock, heading: str, vocabulary: set[str]
) -> Iterator[_Draft]:
    debate = bool(HISTORIOGRAPHY_RE.search(heading))
    for sentence in sentences(block.text):
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
        name_slug = slugify(name)
        if colon:
            if not debate:
                continue
            view = _lower_first(view, vocabulary)
            front = f"Which historian held this view: {view}?"
            yield _Draft(
                f"historian-{name_slug}-{content_slug(view)}", front, name, block
            )
            continue
        verb = match.group("verb")
        if verb in PAST and not debate:
            continue  # "Lenin argued …" in the narrative is not a historian's view
        yield _Draft(
            f"historian-{name_slug}-{content_slug(view)}",
            f"Which historian {verb} {view}?",
            name,
            block,
        )
        base = REPORTING.get(verb) or PAST[verb]
        how = _how_card(name, base, view, past=verb in PAST)
        if base in AS_VERBS and how:
            front, back, obj = how
            yield _Draft(f"view-{name_slug}-{content_slug(obj)}", front, back, block)


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
    back = f"As {comp}." if match.group("link") == "as" else f"{_capitalise(comp)}."
    return f"How {does} {name} {base} {obj}?", back, obj
