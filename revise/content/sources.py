"""Where an authored card or question is stated: the paragraph whose words match it best.

An author writes a chapter's flashcards and self-review questions in boxes, often at the
end of a section or of the chapter, so the heading above a box says little about where
each item's fact stands. An item links instead to the paragraph of the article that
shares the most telling words with it (each shared word weighted by how rare it is in
the chapter, as in tf-idf), or to the anchor its author gives (``{@anchor}``). A free
item only ever links into the free part. Pure functions, no Django.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from revise.content.derive.text import STOPWORDS
from revise.content.model import TextBlock

_QUESTION_WORDS = {"what", "which", "when", "where", "who", "why", "how", "did", "does"}


def stems(text: str) -> set[str]:
    """The telling words of a text, cut to a crude stem ("Communists" → "commun")."""
    words = re.findall(r"[a-z0-9]+", text.lower().replace("’", "'"))
    return {
        w[:6]
        for w in words
        if w.isdigit()
        or (len(w) > 2 and w not in STOPWORDS and w not in _QUESTION_WORDS)
    }


def names(text: str) -> set[str]:
    """The stems of the capitalised words of ``text`` that do not start a sentence:
    the names in it ("Figes", "Comintern"), which say most about where it is stated."""
    found = re.findall(r"(?<![.?!:]\s)(?<!^)\b[A-Z][a-z]+", text.strip())
    return stems(" ".join(found))


NUMBER_WEIGHT = 3  # a date or figure ("27%", "1902") picks out its paragraph
NAME_WEIGHT = 2
SECTION_SHARE = 0.2  # how much the rest of a paragraph's section counts for it


class ParagraphIndex:
    """The paragraphs of a chapter's article, ready to be matched against items.

    Each paragraph's words include its heading's, so that "Historiography" answers
    for "the historical debate".
    """

    def __init__(self, blocks: Sequence[TextBlock]) -> None:
        self.paragraphs: list[tuple[TextBlock, set[str]]] = []
        heading = ""
        for block in blocks:
            if block.kind == "heading":
                heading = block.text
            elif block.kind in ("text", "definition") and block.para:
                own = (
                    block.text if block.kind == "text" else f"{block.term} {block.text}"
                )
                self.paragraphs.append((block, stems(own) | stems(heading)))
        counts = Counter(s for _, words in self.paragraphs for s in words)
        total = len(self.paragraphs) or 1
        self.weight = {s: math.log(1 + total / n) for s, n in counts.items()}

    def best(self, text: str, *, locked: bool) -> TextBlock | None:
        """The paragraph that states ``text``, or None when none shares a word.

        Each paragraph scores the rarity-weighted words it shares with ``text`` (numbers
        and names count more), plus a fifth of what the rest of its section scores, so
        that a section about the item wins over a stray paragraph that shares a few
        words. Only free paragraphs for a free item; the earliest wins a tie.
        """
        wanted, wanted_names = stems(text), names(text)
        scored = [
            (block, self._score(wanted, wanted_names, words))
            for block, words in self.paragraphs
            if locked or not block.locked
        ]
        sections: dict[str, float] = {}
        for block, score in scored:
            sections[block.anchor] = sections.get(block.anchor, 0.0) + score
        best, best_total = None, 0.0
        for block, score in scored:
            total = score + SECTION_SHARE * (sections[block.anchor] - score)
            if score and total > best_total:
                best, best_total = block, total
        return best

    def _score(
        self, wanted: set[str], wanted_names: set[str], words: set[str]
    ) -> float:
        score = 0.0
        for s in wanted & words:
            factor = NUMBER_WEIGHT if s[:1].isdigit() else 1
            if s in wanted_names:
                factor = NAME_WEIGHT
            score += self.weight[s] * factor
        return score
