"""Pure string functions for names: matching keys, slugs, model sizes and size ranges."""
from __future__ import annotations

import re
import unicodedata

_NOT_KEY = re.compile(r"[^0-9a-z.]+")
_SIZE = re.compile(r"^(\d+(?:\.\d+)?)\s*([kKmMbBtT])$")
_DETERMINERS = ("the ", "a ", "an ", "our ", "their ", "its ", "this ", "these ", "those ")


def score_key(name: object) -> str:
    """Exactly the scorer's folding (shared/eval/score.py `norm`): case folded, then every
    character but ASCII letters, digits and dots dropped. `kg.eval` uses it so that its figures
    are the scorer's to the last digit.

    >>> score_key("LLaMA-65B"), score_key("llama 65b"), score_key(".NET.")
    ('llama65b', 'llama65b', 'net')
    >>> score_key("中文")
    ''
    """
    return _NOT_KEY.sub("", str(name).casefold()).strip(".")


def name_key(name: str) -> str:
    """The matching key of a name: case folded, only letters, digits and dots kept.

    It is the scorer's folding (`score_key`) after NFKC, so names that score as equal share a
    key; a name with no ASCII letter or digit keeps its own letters instead of becoming "".

    >>> name_key("LLaMA 65B")
    'llama65b'
    >>> name_key("LLaMA-65b") == name_key("llama65B")
    True
    >>> name_key("GPT-3.5")
    'gpt3.5'
    """
    text = unicodedata.normalize("NFKC", name).casefold()
    key = _NOT_KEY.sub("", text).strip(".")
    if key:
        return key
    # Names in other scripts (Greek, Chinese) keep their letters so that they still get a key.
    return "".join(ch for ch in text if ch.isalnum())


def slugify(name: str) -> str:
    """A readable, IRI-safe slug: lower case ASCII letters, digits, dots and hyphens.

    >>> slugify("LLaMA 65B")
    'llama-65b'
    >>> slugify("GPT-3.5-turbo")
    'gpt-3.5-turbo'
    >>> slugify("中文模型").startswith("u")
    True
    """
    text = unicodedata.normalize("NFKD", name)
    ascii_text = text.encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9.]+", "-", ascii_text).strip("-.")
    slug = re.sub(r"\.{2,}", ".", slug)
    if slug and len(ascii_text.strip()) >= len(name.strip()) * 0.6:
        return slug[:120]
    # Mostly non-ASCII: spell the code points so that different names get different slugs.
    return "u" + "-".join(f"{ord(ch):x}" for ch in name.strip() if not ch.isspace())[:118]


def parse_size(text: str) -> float | None:
    """Parameter count of a size suffix, or None.

    >>> parse_size("65B")
    65000000000.0
    >>> parse_size("1.3b")
    1300000000.0
    >>> parse_size("large") is None
    True
    """
    match = _SIZE.match(text.strip())
    if not match:
        return None
    scale = {"k": 1e3, "m": 1e6, "b": 1e9, "t": 1e12}[match.group(2).lower()]
    return float(match.group(1)) * scale


def expand_size_range(text: str) -> list[str]:
    """The sizes a range names, in order: "7B to 65B" -> ["7B", "65B"].

    >>> expand_size_range("7B to 65B")
    ['7B', '65B']
    >>> expand_size_range("7B/13B/70B")
    ['7B', '13B', '70B']
    >>> expand_size_range("1.3B and 2.7B")
    ['1.3B', '2.7B']
    >>> expand_size_range("7, 13 and 70B")
    ['7B', '13B', '70B']
    """
    found = re.findall(r"(\d+(?:\.\d+)?)\s*([KMBT])?(?![\w.])", text, flags=re.IGNORECASE)
    if not found:
        return []
    last_unit = next((unit for _, unit in reversed(found) if unit), "")
    if not last_unit:
        return []
    return [f"{number}{(unit or last_unit).upper()}" for number, unit in found]


def strip_determiners(name: str) -> str:
    """Drop a leading determiner or possessive.

    >>> strip_determiners("the Pile")
    'Pile'
    >>> strip_determiners("our model")
    'model'
    """
    lowered = name.lower()
    for det in _DETERMINERS:
        if lowered.startswith(det):
            return name[len(det):]
    return name


def split_size_suffix(name: str) -> tuple[str, str] | None:
    """Split a size-qualified model name into (family, size), or None.

    >>> split_size_suffix("LLaMA-65B")
    ('LLaMA', '65B')
    >>> split_size_suffix("Llama 2 70B")
    ('Llama 2', '70B')
    >>> split_size_suffix("Vicuna-13B-v1.5") is None
    True
    >>> split_size_suffix("GPT-4") is None
    True
    """
    match = re.match(r"^(.*?[A-Za-z].*?)[\s\-_]?(\d+(?:\.\d+)?[BMK])$", name.strip())
    if not match or not match.group(1).strip(" -_"):
        return None
    return match.group(1).strip(" -_"), match.group(2).upper()
