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
#: fills the cache with the words of its first documents (build.WARM_DOCS: 1,024 abstracts hold ~19,000
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
        return Tokenizer(nlp.vocab, rules=defaults.tokenizer_exceptions,
                         prefix_search=compile_prefix_regex(defaults.prefixes).search,
                         suffix_search=compile_suffix_regex(_suffixes(defaults.suffixes)).search,
                         infix_finditer=compile_infix_regex(_infixes(defaults.infixes)).finditer,
                         token_match=defaults.token_match, url_match=defaults.url_match,
                         max_cache_size=MAX_CACHED_CHUNKS)
    return make_tokenizer
