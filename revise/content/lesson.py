"""Validate the author's lesson steps (a ```lesson fenced block holding a YAML list)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from revise.content.model import LessonStep, Problem, yaml_error_problem
from revise.content.yamltext import compose, plain

BLANK_RE = re.compile(r"\[([^\[\]]+)\]")
COMMON_OPTIONAL = {"explain", "id"}
TRUTH = {"true": True, "yes": True, "false": False, "no": False}
KINDS: dict[str, dict[str, type]] = {
    "choice": {"prompt": str, "options": list, "answer": str},
    "true-false": {"statement": str, "answer": str},
    "fill-blank": {"text": str},
    "order": {"prompt": str, "items": list},
    "match": {"prompt": str, "pairs": dict},
}
TEXT_FIELD = {
    "choice": "prompt",
    "true-false": "statement",
    "fill-blank": "text",
    "order": "prompt",
    "match": "prompt",
}
ARTICLE = {"order": "an"}
SHAPE_NAMES: dict[type, str] = {
    str: "text",
    list: "a list of texts",
    dict: "pairs of texts (left: right)",
}
# Seconds a learner needs for a step of each kind, used to compute a lesson's length.
SECONDS = {"choice": 30, "true-false": 20, "fill-blank": 35, "order": 45, "match": 50}

KeyFor = Callable[..., tuple[str, str, bool]]


def step_seconds(kind: str) -> int:
    """Estimated seconds to do one step of ``kind``, including reading the feedback."""
    return SECONDS.get(kind, 30)


def _has_shape(value: Any, expected: type) -> bool:
    """Text, a list of texts or a mapping of texts to texts: never None or nesting."""
    if expected is list:
        return isinstance(value, list) and all(isinstance(v, str) and v for v in value)
    if expected is dict:
        return isinstance(value, dict) and all(
            k and isinstance(v, str) and v for k, v in value.items()
        )
    return isinstance(value, expected)


def validate_steps(
    content: str,
    *,
    path: Path,
    first_line: int,
    problems: list[Problem],
    locked: bool,
    key_for: KeyFor,
) -> list[LessonStep]:
    """Parse one lesson block; report every problem, return the valid steps."""
    try:
        root = compose(content)
        data = plain(root)
    except yaml.YAMLError as exc:
        problems.append(
            yaml_error_problem(
                exc,
                text=content,
                path=path,
                first_line=first_line,
                what=" in lesson block",
            )
        )
        return []
    if (
        not isinstance(data, list)
        or not isinstance(root, yaml.SequenceNode)
        or not data
    ):
        problems.append(
            Problem(
                path,
                first_line,
                "a lesson block holds a YAML list of steps ('- kind: …')",
            )
        )
        return []
    steps = []
    for node, item in zip(root.value, data, strict=True):  # type: ignore[union-attr]
        line = first_line + node.start_mark.line
        step = _validate_step(item, node, line, path, problems, locked, key_for)
        if step is not None:
            steps.append(step)
    return steps


def _validate_step(
    item: Any,
    node: yaml.Node,
    line: int,
    path: Path,
    problems: list[Problem],
    locked: bool,
    key_for: KeyFor,
) -> LessonStep | None:
    def error(message: str, field: str = "") -> None:
        problems.append(Problem(path, field_line(field) if field else line, message))

    def field_line(name: str) -> int:
        """The line of the step's field ``name`` (the step's first line if absent)."""
        for key, _ in getattr(node, "value", ()):
            if isinstance(key, yaml.ScalarNode) and key.value == name:
                return line + key.start_mark.line - node.start_mark.line
        return line

    if not isinstance(item, dict):
        error("a lesson step is a set of fields starting with 'kind:'")
        return None
    kind = item.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        known = ", ".join(KINDS)
        if isinstance(kind, str):
            error(f"unknown lesson step kind '{kind}' (known: {known})")
        else:
            error(f"the 'kind' of a lesson step must be one of: {known}")
        return None
    required = KINDS[kind]
    step = f"{ARTICLE.get(kind, 'a')} {kind} step"
    before = len(problems)
    for name in item:
        if name != "kind" and name not in required and name not in COMMON_OPTIONAL:
            allowed = ", ".join([*required, *sorted(COMMON_OPTIONAL)])
            error(f"unknown field '{name}' in {step} (allowed: {allowed})", name)
    for name, expected in required.items():
        value = item.get(name)
        if value is None or value == "":
            error(f"{step} needs '{name}'")
        elif not _has_shape(value, expected):
            error(f"'{name}' in {step} must be {SHAPE_NAMES[expected]}", name)
    for name in sorted(COMMON_OPTIONAL):
        if item.get(name) is not None and not isinstance(item[name], str):
            error(f"'{name}' in {step} must be text", name)
    if len(problems) > before:
        return None

    data = {k: v for k, v in item.items() if k not in ("kind", "id")}
    if kind == "true-false":
        answer = TRUTH.get(item["answer"].strip().lower())
        if answer is None:
            error("the answer of a true-false step must be true or false", "answer")
        data["answer"] = answer
    elif kind == "choice":
        options = item["options"]
        twice = next((o for i, o in enumerate(options) if o in options[:i]), None)
        if twice is not None:
            error(f"the option '{twice}' is given twice", "options")
        elif len(options) < 2:
            error("a choice step needs two or more options", "options")
        elif str(item["answer"]) not in options:
            error(f"the answer '{item['answer']}' is not one of the options", "answer")
    elif kind == "fill-blank" and not BLANK_RE.search(item["text"]):
        error("a fill-blank step needs at least one [blank] in its text")
    elif kind == "order":
        if len(data["items"]) < 2 or len(set(data["items"])) != len(data["items"]):
            error("an order step needs two or more different items")
    elif kind == "match":
        data["pairs"] = [[k, v] for k, v in item["pairs"].items()]
        rights = [v for _, v in data["pairs"]]
        if len(rights) < 2 or len(set(rights)) != len(rights):
            error(
                "a match step needs two or more pairs with different right-hand sides"
            )
    if len(problems) > before:
        return None
    text, key, explicit = key_for(
        item[TEXT_FIELD[kind]],
        line,
        kind=f"lesson step ({kind})",
        ident=item.get("id"),
    )
    return LessonStep(
        key=key,
        explicit_id=explicit,
        kind=kind,
        text=text,
        data=data,
        locked=locked,
        line=line,
    )
