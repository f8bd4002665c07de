"""Tokenizer rules that keep ML names whole: LLaMA-65B, GPT-3.5-turbo, Mixtral-8x7B, ViT-L/14, K2-65B.

spaCy's English defaults split a hyphen between letters ("GPT-3.5-turbo" -> "GPT-3.5", "-", "turbo"),
a hyphen between digits ("K2-65B" -> "K2", "-", "65B"), any slash before a letter, and single-letter
units after a number ("Pythia-410M" -> "Pythia-410", "M"). Names of models use all of these inside
one name, so kg replaces those rules:

- a plain hyphen never splits inside a word; en/em dashes and "--" still do ("models—including");
- a slash splits only between two lower-case words ("code/language") or before a mixed-case name
  ("LoRA/QLoRA"), not in "ViT-L/14" or "TCP/IP";
- single-letter units (K, M, G, T) are not split from numbers, so "410M" and "1.3T" stay whole;
- a full stop after an upper-case letter that follows a digit or letter ("LLaMA2-70B.") is a suffix;
- cue suffixes "-based", "-like", ... are split off ("Llama-2-based" -> "Llama-2", "-based"), so
  the name inside stays matchable and the suffix is a context cue.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
try:  # the parser behind re.compile: its own modules since Python 3.11, sre_* before
    from re import _constants as sre, _parser as sre_parse
except ImportError:  # Python 3.10
    import sre_constants as sre  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

from spacy.lang.char_classes import ALPHA, ALPHA_LOWER, ALPHA_UPPER
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex, registry

#: Hyphenated modifiers that follow a name: "BERT-based", "GPT-4-like", "LLM-generated".
CUE_SUFFIXES: tuple[str, ...] = (
    "based", "like", "style", "powered", "driven", "centric", "specific", "generated", "sized",
    "scale", "level", "aware", "free", "enhanced", "augmented", "guided", "only", "family",
    "series", "equivalent", "derived", "inspired", "assisted", "annotated", "labeled", "labelled",
    "related", "dependent", "specialized", "tuned",
)

# Infix rules of spaCy's English defaults that split names; matched by their source text.
_HYPHEN_LETTERS = "(?:-|–|—|--|---|——|~)"
_DIGIT_OPERATORS = "[+\\-\\*^]"
_SLASH_RULE = "[:<>=/]"

INFIXES_ADDED: tuple[str, ...] = (
    r"(?<=[0-9])[+\*^](?=[0-9-])",
    rf"(?<=[{ALPHA}0-9])(?:–|—|--|---|——)(?=[{ALPHA}])",
    rf"(?<=[{ALPHA}0-9])[:<>=](?=[{ALPHA}])",
    rf"(?<=[{ALPHA_LOWER}]{{2}})/(?=[{ALPHA_LOWER}]{{2}})",
    # two names: "LoRA/QLoRA", "BERT/RoBERTa" (not "ViT-L/14", "TCP/IP")
    rf"(?<=[{ALPHA}]{{2}})/(?=[{ALPHA_UPPER}][{ALPHA}]*[{ALPHA_LOWER}])",
)
SUFFIXES_ADDED: tuple[str, ...] = (
    rf"(?<=[{ALPHA}0-9])-(?:{'|'.join(CUE_SUFFIXES)})",
    rf"(?<=[{ALPHA}0-9][{ALPHA_UPPER}])\.",
)


#: Chunks of text between spaces whose tokens the tokenizer caches (spaCy's default: 10,000). kg extract
#: fills the cache with the words of its first documents (analysis.WARM_DOCS: 1,024 abstracts hold ~19,000
#: distinct chunks), since spaCy caches nothing inside a memory zone.
MAX_CACHED_CHUNKS = 1 << 15


def _infixes(defaults: tuple[str, ...] | list[str]) -> list[str]:
    kept = [pattern for pattern in defaults
            if _HYPHEN_LETTERS not in pattern and _DIGIT_OPERATORS not in pattern and _SLASH_RULE not in pattern]
    return kept + list(INFIXES_ADDED)


def _suffixes(defaults: tuple[str, ...] | list[str]) -> list[str]:
    suffixes = []
    for pattern in defaults:
        if "|km²|" in pattern:  # the unit rule: keep "410M", "1.3T", "70K" whole
            pattern = pattern.replace("|T|G|M|K|", "|")
        suffixes.append(pattern)
    return list(SUFFIXES_ADDED) + suffixes


def letters_never_match(regex: re.Pattern) -> bool:
    """True if no text of letters only (str.isalpha) has a match of `regex` anywhere: each alternative of its
    pattern needs a character that is not a letter (read from the parsed pattern; False when unsure).

    >>> [letters_never_match(re.compile(p)) for p in (r"^\\$|(?<=[0-9])km$|'s$", r"[.]{2,}|\\d", r"[^.]", r"(?i)\\$|x")]
    [True, True, False, False]
    """
    try:
        parsed = sre_parse.parse(regex.pattern, regex.flags)
        return not parsed.state.flags & re.IGNORECASE and _needs_a_non_letter(list(parsed))
    except Exception:  # the parser is internal to Python and may change: then the rule is used as it is
        return False


def _needs_a_non_letter(items: list) -> bool:
    """True if the parsed sequence `items` matches only where some character is not a letter."""
    for op, arg in items:
        if op is sre.LITERAL:
            needs = not chr(arg).isalpha()
        elif op is sre.IN:
            needs = _class_without_letters(arg)
        elif op is sre.SUBPATTERN:  # (group, added flags, removed flags, items)
            needs = not arg[1] & re.IGNORECASE and _needs_a_non_letter(arg[3])
        elif op is getattr(sre, "ATOMIC_GROUP", None):  # Python >= 3.11
            needs = _needs_a_non_letter(arg)
        elif op is sre.BRANCH:  # (None, alternatives)
            needs = all(_needs_a_non_letter(branch) for branch in arg[1])
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)):  # (min, max, items)
            needs = arg[0] >= 1 and _needs_a_non_letter(arg[2])
        elif op is sre.ASSERT:  # a lookahead or lookbehind: what it reads must be there too
            needs = _needs_a_non_letter(arg[1])
        else:  # anchors, negative lookarounds, ...: no character needed
            needs = False
        if needs:
            return True
    return False


#: Character classes that hold no letter: \d, \s, \W
_CATEGORIES_WITHOUT_LETTERS = frozenset({sre.CATEGORY_DIGIT, sre.CATEGORY_SPACE, sre.CATEGORY_NOT_WORD})


def _class_without_letters(items: list) -> bool:
    """True if the parsed character class `items` ([...]) matches no letter."""
    for op, arg in items:
        if op is sre.NEGATE:
            return False
        if op is sre.LITERAL and chr(arg).isalpha():
            return False
        if op is sre.RANGE and any(chr(c).isalpha() for c in range(arg[0], arg[1] + 1)):
            return False
        if op is sre.CATEGORY and arg not in _CATEGORIES_WITHOUT_LETTERS:
            return False
    return True


class LettersSkipped:
    """A tokenizer rule (compiled regex) that answers "no match" at once for a word of letters only.

    Used only for rules that letters_never_match. spaCy caches nothing inside a memory zone, so there every
    word it has not cached goes through the prefix, suffix, URL and infix rules, and most words are letters
    only: the suffix rule alone took ~2 us per word, trying ~100 alternatives at each position.
    """

    def __init__(self, regex: re.Pattern) -> None:
        self.regex = regex
        self.pattern = regex.pattern  # what spaCy's Tokenizer.to_bytes reads (rule.__self__.pattern)

    def search(self, text: str) -> re.Match | None:
        return None if text.isalpha() else self.regex.search(text)

    def match(self, text: str) -> re.Match | None:
        return None if text.isalpha() else self.regex.match(text)

    def finditer(self, text: str) -> Iterator[re.Match]:
        return iter(()) if text.isalpha() else self.regex.finditer(text)


def skip_letters(regex: re.Pattern) -> re.Pattern | LettersSkipped:
    """regex, answering at once for words of letters only when that gives the same answers."""
    return LettersSkipped(regex) if letters_never_match(regex) else regex


def customize_tokenizer(nlp: Language) -> None:
    """Replace the infix and suffix rules of nlp's tokenizer with kg's (see the module docstring)."""
    nlp.tokenizer.infix_finditer = compile_infix_regex(_infixes(nlp.Defaults.infixes)).finditer
    nlp.tokenizer.suffix_search = compile_suffix_regex(_suffixes(nlp.Defaults.suffixes)).search


@registry.tokenizers("kg.tokenizer.v1")
def create_tokenizer():
    """A tokenizer factory for a pipeline's config ({"@tokenizers": "kg.tokenizer.v1"}): spaCy's default
    tokenizer with kg's infix and suffix rules from the start.

    The same tokenizer as spacy.blank's followed by customize_tokenizer, made once: spaCy reloads its
    ~4,000 special cases each time a rule is replaced, and compiles the default rules it replaces (together
    ~0.1 s of every process's start-up).
    """
    def make_tokenizer(nlp: Language) -> Tokenizer:
        defaults = nlp.Defaults
        url_match = defaults.url_match and skip_letters(defaults.url_match.__self__).match
        return Tokenizer(nlp.vocab, rules=defaults.tokenizer_exceptions,
                         prefix_search=skip_letters(compile_prefix_regex(defaults.prefixes)).search,
                         suffix_search=skip_letters(compile_suffix_regex(_suffixes(defaults.suffixes))).search,
                         infix_finditer=skip_letters(compile_infix_regex(_infixes(defaults.infixes))).finditer,
                         token_match=defaults.token_match, url_match=url_match,
                         max_cache_size=MAX_CACHED_CHUNKS)
    return make_tokenizer
