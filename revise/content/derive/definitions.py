"""Rule: a **definition** gives a card each way, term → gist and gist → term.

The callout for "Kulak" whose body is 'A "rich" peasant. The Bolsheviks blamed kulaks
for it.' gives "What does 'Kulak' mean?" (``definition-kulak``) with the first sentence
'A "rich" peasant.' as the answer and the later sentences shown after it, and 'Which
term means: a "rich" peasant?' (``term-kulak``, answer "Kulak"). The forward card
answers with the whole first sentence (``definition_meaning``); the reverse card asks
with the gist, the first sentence cut to a clause that stands
(``facts.definition_gist``). The reverse card is left out
when the gist gives the term away ("the Communist International" for Comintern, "the
NEP" for Nepmen): the card rules in ``__init__`` check every card for that. Pure
functions, no Django.
"""

from __future__ import annotations

from collections.abc import Iterator

from revise.content.derive.text import (
    GIST_WORDS,
    MEANING_WORDS,
    Draft,
    lower_first,
    sentences,
    slugify,
)
from revise.content.model import Fact


def definition_meaning(text: str, gist: str) -> tuple[str, str]:
    """What a definition means, as a card answers it and a reader reads it, and what
    follows.

    The meaning is the definition's whole first sentence when it has at most
    ``MEANING_WORDS`` words, else its gist; what follows is the definition's later
    sentences, whole. The cut-off end of a first sentence ("… because the workers
    alone would not …") is never shown on its own: it is no sentence.
    """
    parts = sentences(text.strip())
    if not parts:
        return "", ""
    first = parts[0]
    if len(first.split()) > MEANING_WORDS:
        first = gist.rstrip(" .") + "." if gist else ""
    elif first[-1] not in ".!?":
        first += "."
    return first, " ".join(parts[1:])  # in the author's case, as the notes write it


def definition_cards(fact: Fact, vocabulary: set[str]) -> Iterator[Draft]:
    term, gist = fact.subject, fact.value
    slug = slugify(term)
    answer, rest = definition_meaning(fact.text, gist)
    yield Draft(f"definition-{slug}", f"What does '{term}' mean?", answer, fact, rest)
    if len(gist.split()) > GIST_WORDS:
        return  # a gist too long to ask with: the forward card's rules drop it too
    short = lower_first(gist, vocabulary)
    yield Draft(f"term-{slug}", f"Which term means: {short}?", term, fact)
