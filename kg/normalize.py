"""Pure string functions for names: matching keys, slugs, model sizes and size ranges."""
from __future__ import annotations

import functools
import re
import unicodedata

_NOT_KEY = re.compile(r"[^0-9a-z.]+")
_SIZE = re.compile(r"^(\d+(?:\.\d+)?)\s*([kKmMbBtT])$")
# Compiled once, and the hottest functions memoized (pure, str in, immutable out): resolve
# calls them about 100 times per abstract on a few dozen distinct names, and re.match with a
# pattern string pays re's cache lookup and flag handling on each call. Together that was half of
# resolve_document's time (6.6 s of CPU per 10,000 abstracts before, see benchmarks/README.md).
# `slugify` makes every entity id (2 us a call, 12 calls per abstract, 100,000 per link_corpus of
# 10,000 abstracts).
# 16,384 entries each keep memory bounded (a few MB) on runs of 100,000 abstracts.
_SIZE_SUFFIX = re.compile(r"^(.*?[A-Za-z].*?)[\s\-_]?(\d+(?:\.\d+)?[BMKT])$", re.IGNORECASE)
#: What _SIZE_SUFFIX needs at the end of a name: a digit and a unit.
_SIZE_END = re.compile(r"\d[BMKT]$", re.IGNORECASE)
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


@functools.lru_cache(maxsize=1 << 14)
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


_NOT_SLUG = re.compile(r"[^a-z0-9.]+")
_DOTS = re.compile(r"\.{2,}")


@functools.lru_cache(maxsize=1 << 14)
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
    slug = _NOT_SLUG.sub("-", ascii_text).strip("-.")
    slug = _DOTS.sub(".", slug)
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


@functools.lru_cache(maxsize=1 << 14)
def split_size_suffix(name: str) -> tuple[str, str] | None:
    """Split a size-qualified model name into (family, size), or None.

    >>> split_size_suffix("LLaMA-65B")
    ('LLaMA', '65B')
    >>> split_size_suffix("Llama 2 70B")
    ('Llama 2', '70B')
    >>> split_size_suffix("Bi-Mamba-1.3b")
    ('Bi-Mamba', '1.3B')
    >>> split_size_suffix("Vicuna-13B-v1.5") is None
    True
    >>> split_size_suffix("GPT-4") is None
    True
    >>> split_size_suffix("LLaMA 7B-65B") is None  # a range, see split_size_range
    True
    """
    text = name.strip()
    if not _SIZE_END.match(text, len(text) - 2):
        return None  # most names: no size at the end, found without the backtracking match below
    match = _SIZE_SUFFIX.match(text)
    if not match or not match.group(1).strip(" -_"):
        return None
    family = match.group(1).strip(" -_")
    if _ENDS_WITH_SIZE.search(family):
        return None
    return family, match.group(2).upper()


_SIZE_TOKEN = r"\d+(?:\.\d+)?\s?[KMBT]?"
_SIZE_SEP = r"\s*(?:,\s*and|,\s*or|,|/|-|\u2013|to|and|or)\s*"
#: Two or more sizes joined by list or range words: "7B to 65B", "7B/13B/70B", "780M, 1.3B, and 2.7B".
SIZE_LIST = re.compile(rf"(?<![\w.]){_SIZE_TOKEN}(?:{_SIZE_SEP}{_SIZE_TOKEN})+(?!\w|\.\d)", re.IGNORECASE)
#: What a SIZE_LIST needs: two numbers, with something between them (its separator).
_TWO_NUMBERS = re.compile(r"\d\D+\d")
_ENDS_WITH_SIZE = re.compile(r"(?:^|[\s\-_])\d+(?:\.\d+)?[KMBT]$", re.IGNORECASE)
_SIZE_RANGE_NAME = re.compile(rf"^(.*?[A-Za-z].*?)[\s\-_]*\(?\s*({SIZE_LIST.pattern})\s*\)?$", re.IGNORECASE)


def split_size_range(name: str) -> tuple[str, list[str]] | None:
    """Split a family name followed by a range or list of sizes into (family, sizes), or None.

    >>> split_size_range("LLaMA 7B-65B")
    ('LLaMA', ['7B', '65B'])
    >>> split_size_range("Llama 2 (7B/13B/70B)")
    ('Llama 2', ['7B', '13B', '70B'])
    >>> split_size_range("LLaMA-65B") is None
    True
    >>> split_size_range("LLaMA2-70B") is None  # a version, then one size
    True
    """
    if not _TWO_NUMBERS.search(name):
        return None  # most names: not two numbers, found without the backtracking match below
    match = _SIZE_RANGE_NAME.match(name.strip())
    if not match:
        return None
    sizes = expand_size_range(match.group(2))
    family = match.group(1).strip(" -_(")
    if len(sizes) < 2 or not family or _ENDS_WITH_SIZE.search(family):
        return None
    return family, sizes


#: Head nouns and suffixes that a name can carry without naming something else:
#: "MuSE dataset" names MuSE, "LLaMA models" names LLaMA, "Llama-2-based" names Llama-2.
GENERIC_HEADS = (
    "model", "models", "family", "dataset", "datasets", "data set", "corpus", "corpora",
    "benchmark", "benchmarks", "suite", "framework", "architecture", "series", "checkpoints",
)


_GENERIC_HEAD = re.compile(r"^(.+?)(?:[\s\-]+based|\s+(?:" + "|".join(GENERIC_HEADS) + r"))$", re.IGNORECASE)
#: The endings that _GENERIC_HEAD needs, and the length of the longest.
_GENERIC_HEAD_END = re.compile(r"(?:based|" + "|".join(GENERIC_HEADS) + r")$", re.IGNORECASE)
_LONGEST_HEAD = max(map(len, ("based", *GENERIC_HEADS)))


def strip_generic_head(name: str) -> str:
    """The name without a trailing generic head noun or "-based", when what is left is a name.

    What is left must be one word that looks like a name (an upper-case letter or a digit), so
    that "language model", "rule-based" and "Fully BInarized Large Language Model" (where the
    head noun is part of the name) stay as they are.

    >>> strip_generic_head("MuSE dataset")
    'MuSE'
    >>> strip_generic_head("Llama-2-based")
    'Llama-2'
    >>> strip_generic_head("LLaMA models")
    'LLaMA'
    >>> strip_generic_head("language model")
    'language model'
    >>> strip_generic_head("rule-based")
    'rule-based'
    >>> strip_generic_head("Fully BInarized Large Language Model")
    'Fully BInarized Large Language Model'
    """
    text = name.strip()
    # Most names end with no head noun: their last 12 characters (the longest ending) tell it at once.
    if not _GENERIC_HEAD_END.search(text, len(text) - _LONGEST_HEAD):
        return text
    match = _GENERIC_HEAD.match(text)
    if not match:
        return text
    rest = match.group(1).strip(" -")
    if rest and " " not in rest and any(ch.isupper() or ch.isdigit() for ch in rest):
        return rest
    return text
