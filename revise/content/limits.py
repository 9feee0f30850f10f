"""How much a course folder may hold. No Django here: ``revise check`` runs without it."""

from __future__ import annotations

MAX_YAML_DEPTH = 32
