"""Rule: a **definition** gives a card each way, term → gist and gist → term.

The callout for "Kulak" whose body is 'A "rich" peasant. The Bolsheviks blamed kulaks
for it.' gives "What does 'Kulak' mean?" (``definition-kulak``) with the gist 'A "rich"
peasant.' as the answer and the rest shown after it, and 'Which term means: a "rich"
peasant?' (``term-kulak``, answer "Kulak"). The gist is the definition's first sentence,
cut to a clause that stands (``facts.definition_gist``). The reverse card is left out
when the gist gives the term away ("the Communist International" for Comintern, "the
NEP" for Nepmen): the card rules in ``__init__`` check every card for that. Pure
functions, no Django.
"""

from __future__ import annotations

from collections.abc import Iterator

from revise.content.derive.text import GIST_WORDS, Draft, lower_first, slugify
from revise.content.model import Fact


def definition_cards(fact: Fact, vocabulary: set[str]) -> Iterator[Draft]:
    term, gist = fact.subject, fact.value
    slug = slugify(term)
    rest = fact.text[len(gist) :].lstrip(" .,;:") if fact.text.startswith(gist) else ""
    answer = gist[:1].upper() + gist[1:] + "."
    yield Draft(f"definition-{slug}", f"What does '{term}' mean?", answer, fact, rest)
    if len(gist.split()) > GIST_WORDS:
        return  # a gist too long to ask with: the forward card's rules drop it too
    short = lower_first(gist, vocabulary)
    yield Draft(f"term-{slug}", f"Which term means: {short}?", term, fact)
