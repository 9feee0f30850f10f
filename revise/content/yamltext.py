"""YAML as authors write it: parsed to nodes (for line numbers), every scalar kept as text.

Keeping scalars as text means ``title: 1922`` stays "1922" and ``statement: No`` stays "No"
instead of turning into a number or a boolean behind the author's back.

The nodes are composed here from the parser's events, not by PyYAML's composer, so that
what a course never needs is refused before it can cost anything: aliases and anchors
(``&a`` / ``*a``: a few hundred bytes of them expand to gigabytes), keys that are not
plain text, a key given twice, and nesting deeper than ``MAX_YAML_DEPTH``. Composing
takes no recursion, so no input can exhaust the stack.
"""

from __future__ import annotations

import gc
from typing import Any

import yaml

from revise.content.limits import MAX_YAML_DEPTH

# libyaml's parser when PyYAML was built with it; the pure-Python one otherwise.
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

NULL_TAG = "tag:yaml.org,2002:null"
STR_TAG = "tag:yaml.org,2002:str"
SEQ_TAG = "tag:yaml.org,2002:seq"
MAP_TAG = "tag:yaml.org,2002:map"
NULL_VALUES = {"", "~", "null", "Null", "NULL"}


class YAMLRefused(yaml.MarkedYAMLError):
    """Valid YAML that a course may not use; ``problem`` says why, for the author."""

    def __init__(self, problem: str, mark: yaml.Mark | None) -> None:
        super().__init__(problem=problem, problem_mark=mark)


def compose(text: str) -> yaml.Node | None:
    """The node tree of ``text``; raises ``yaml.YAMLError`` on malformed YAML and
    :class:`YAMLRefused` on YAML a course may not use."""
    loader = Loader(text)
    # The tree holds no cycles; without this, the collector would walk the growing tree
    # again and again, and a 1 MiB lesson block would take seconds instead of a fraction.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _compose_document(loader)
    finally:
        if collecting:
            gc.enable()
        loader.dispose()


def _compose_document(loader: Any) -> yaml.Node | None:
    loader.get_event()  # StreamStartEvent
    if isinstance(loader.peek_event(), yaml.StreamEndEvent):
        return None
    document = loader.get_event()  # DocumentStartEvent
    root = _compose_node(loader)
    loader.get_event()  # DocumentEndEvent
    event = loader.get_event()
    if not isinstance(event, yaml.StreamEndEvent):
        raise yaml.composer.ComposerError(
            "expected a single document in the stream",
            document.start_mark,
            "but found another document",
            event.start_mark,
        )
    return root


def _compose_node(loader: Any) -> yaml.Node:
    """One node and everything in it, with a stack instead of recursion."""
    # Each open collection, with the key node waiting for its value (mappings) and
    # the keys seen so far.
    stack: list[tuple[yaml.Node, list[yaml.Node | None], dict[str, int]]] = []
    while True:
        event = loader.get_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise YAMLRefused(
                "YAML aliases and anchors are not allowed", event.start_mark
            )
        if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            node, _, _ = stack.pop()
            node.end_mark = event.end_mark
        elif isinstance(event, yaml.ScalarEvent):
            node = _scalar(event)
        else:
            if len(stack) >= MAX_YAML_DEPTH:
                raise YAMLRefused(
                    f"YAML nested more than {MAX_YAML_DEPTH} levels deep",
                    event.start_mark,
                )
            if isinstance(event, yaml.SequenceStartEvent):
                node = yaml.SequenceNode(
                    event.tag or SEQ_TAG, [], event.start_mark, None
                )
            else:
                node = yaml.MappingNode(
                    event.tag or MAP_TAG, [], event.start_mark, None
                )
            if stack:
                _add(stack[-1], node)
            stack.append((node, [None], {}))
            continue
        if not stack:
            return node
        if isinstance(event, yaml.ScalarEvent):
            _add(stack[-1], node)


def _add(
    parent: tuple[yaml.Node, list[yaml.Node | None], dict[str, int]], node: yaml.Node
) -> None:
    collection, pending, seen = parent
    if isinstance(collection, yaml.SequenceNode):
        collection.value.append(node)
        return
    key = pending[0]
    if key is None:
        if not isinstance(node, yaml.ScalarNode):
            raise YAMLRefused(
                "a YAML key must be plain text, not a list or a mapping",
                node.start_mark,
            )
        if node.value in seen:
            raise YAMLRefused(
                f"key '{_shown(node.value)}' appears twice in the same mapping",
                node.start_mark,
            )
        seen[node.value] = node.start_mark.line
        pending[0] = node
    else:
        collection.value.append((key, node))
        pending[0] = None


def _scalar(event: yaml.ScalarEvent) -> yaml.ScalarNode:
    plain = event.implicit[0] and event.tag in (None, "!")
    is_null = event.tag == NULL_TAG or (plain and event.value in NULL_VALUES)
    tag = (
        NULL_TAG
        if is_null
        else (event.tag if event.tag not in (None, "!") else STR_TAG)
    )
    return yaml.ScalarNode(
        tag, event.value, event.start_mark, event.end_mark, style=event.style
    )


def _shown(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def plain(node: yaml.Node | None, *, key: bool = False) -> Any:
    """Lists, dicts and strings from a node tree; empty scalars become None, except
    mapping keys, which stay the text the author wrote (``null:`` is the key "null")."""
    if node is None:
        return None
    if isinstance(node, yaml.SequenceNode):
        return [plain(item) for item in node.value]
    if isinstance(node, yaml.MappingNode):
        return {plain(k, key=True): plain(v) for k, v in node.value}
    if node.tag == NULL_TAG and not key:
        return None
    return node.value
