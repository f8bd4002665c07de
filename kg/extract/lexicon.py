"""Lexicons of general ML knowledge, stored as JSON Lines package data in SpanRuler shape."""
from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from ..types import ENTITY_TYPES

LEXICON_PACKAGE = "kg.data.lexicons"


def load_patterns(path: str | Path | None = None) -> list[dict]:
    """Patterns {"label", "pattern", "id"} from one JSONL file, or from every packaged lexicon.

    Each line is {"name": ..., "type": ..., "aliases": [...]} and gives one phrase pattern per
    spelling, matched case-insensitively; `id` is the canonical name.
    """
    if path is not None:
        return _patterns_from_lines(Path(path).read_text(encoding="utf-8").splitlines())
    patterns: list[dict] = []
    for entry in sorted(resources.files(LEXICON_PACKAGE).iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".jsonl"):
            patterns.extend(_patterns_from_lines(entry.read_text(encoding="utf-8").splitlines()))
    return patterns


def _patterns_from_lines(lines: list[str]) -> list[dict]:
    patterns = []
    for line in lines:
        if not line.strip():
            continue
        item = json.loads(line)
        if item["type"] not in ENTITY_TYPES:
            raise ValueError(f"lexicon entry {item['name']!r} has unknown type {item['type']!r}")
        for spelling in (item["name"], *item.get("aliases", ())):
            patterns.append({"label": item["type"], "pattern": spelling, "id": item["name"]})
    return patterns


def is_case_sensitive(spelling: str) -> bool:
    """True if a spelling must match with its exact case: it is made only of capitalised or all-capital
    words, which are ordinary English words in lower case ("Falcon", "BLOOM", "Common Voice").
    Mixed-case, digit-bearing and lower-case spellings match in any case ("LLaMA", "GPT-4", "beam search").

    >>> [is_case_sensitive(s) for s in ("Falcon", "BLOOM", "Common Voice", "LLaMA", "GPT-4", "beam search")]
    [True, True, True, False, False, False]
    """
    words = spelling.split()
    return bool(words) and all(w.isalpha() and (w.isupper() or w.istitle()) for w in words)


def split_by_case(patterns: list[dict]) -> tuple[list[dict], list[dict]]:
    """(patterns matched case-insensitively, patterns matched with exact case)."""
    caseless = [p for p in patterns if not is_case_sensitive(p["pattern"])]
    cased = [p for p in patterns if is_case_sensitive(p["pattern"])]
    return caseless, cased
