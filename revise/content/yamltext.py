"""YAML as authors write it: parsed to nodes (for line numbers), every scalar kept as text.

Keeping scalars as text means ``title: 1922`` stays "1922" and ``statement: No`` stays "No"
instead of turning into a number or a boolean behind the author's back.
"""

from __future__ import annotations

from typing import Any

import yaml

# libyaml's parser when PyYAML was built with it; the pure-Python one otherwise.
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def compose(text: str) -> yaml.Node | None:
    """The node tree of ``text``; raises ``yaml.YAMLError`` on malformed YAML."""
    return yaml.compose(text, Loader=Loader)


def plain(node: yaml.Node | None) -> Any:
    """Lists, dicts and strings from a node tree; empty scalars become None."""
    if node is None:
        return None
    if isinstance(node, yaml.SequenceNode):
        return [plain(item) for item in node.value]
    if isinstance(node, yaml.MappingNode):
        return {plain(k): plain(v) for k, v in node.value}
    if node.tag == "tag:yaml.org,2002:null":
        return None
    return node.value
