"""What ``revise check --cards/--facts [--json]`` shows an author: every item made from
the notes or written by hand, where it comes from, and why a made card was left out.
Pure functions, no Django."""

from __future__ import annotations

from revise.content.derive import derived_id
from revise.content.model import Card, Chapter, Course


def card_lines(course: Course) -> list[str]:
    """One line per made card: ``file:line: [id] question → answer``."""
    return [
        f"{chapter.path}:{card.line}: [{derived_id(card)}] "
        f"{card.front_text} → {card.back_text}"
        for chapter in course.chapters
        for card in chapter.cards
        if card.origin == "derived"
    ]


def fact_lines(course: Course) -> list[str]:
    """One line per fact: ``file:line: [kind key] subject → value``."""
    return [
        f"{chapter.path}:{fact.line}: [{fact.kind} {fact.key}] "
        f"{fact.subject} → {fact.value}"
        for chapter in course.chapters
        for fact in chapter.facts
    ]


def item_id(key: str) -> str:
    """An item's id as an author sees it: its ``{#id}``, or its key without the
    chapter ("date-treaty-of-rapallo", or the hash of an item without an id)."""
    return key.partition("/")[2] or key


def _card(chapter: Chapter, card: Card, *, duplicates: str = "") -> dict[str, object]:
    return {
        "kind": "card",
        "origin": card.origin,
        "id": item_id(card.key),
        "question": card.front_text,
        "answer": card.back_text,
        "source": f"{chapter.path}:{card.line}",
        "anchor": card.anchor,
        "locked": card.locked,
        "kept": not duplicates,
        "duplicates": item_id(duplicates) if duplicates else None,
    }


def items_json(course: Course, *, cards: bool, facts: bool) -> dict[str, object]:
    """The course's items as plain data: cards (kept and dropped) and self-review
    questions with ``cards``, facts with ``facts`` (both when neither is asked)."""
    both = not cards and not facts
    document: dict[str, object] = {"course": course.slug, "path": str(course.path)}
    if cards or both:
        items: list[dict[str, object]] = []
        for chapter in course.chapters:
            items += [_card(chapter, card) for card in chapter.cards]
            items += [
                _card(chapter, dropped.card, duplicates=dropped.duplicates)
                for dropped in chapter.dropped
            ]
            items += [
                {
                    "kind": "question",
                    "origin": "authored",
                    "id": item_id(q.key),
                    "question": q.prompt_text,
                    "answer": list(q.guidance_text),
                    "source": f"{chapter.path}:{q.line}",
                    "anchor": q.anchor,
                    "locked": q.locked,
                }
                for q in chapter.questions
            ]
        document["items"] = items
    if facts or both:
        document["facts"] = [
            {
                **fact.as_dict(),
                "chapter": chapter.slug,
                "source": f"{chapter.path}:{fact.line}",
            }
            for chapter in course.chapters
            for fact in chapter.facts
        ]
    return document
