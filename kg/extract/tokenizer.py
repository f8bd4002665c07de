"""Tokenizer rules that keep ML names whole: LLaMA-65B, GPT-3.5-turbo, Mixtral-8x7B, ViT-L/14."""
from __future__ import annotations

from spacy.language import Language
from spacy.util import compile_infix_regex

# spaCy splits hyphens between letters ("GPT-turbo" -> "GPT", "-", "turbo") and slashes;
# ML names use both inside one name, so those infix rules are dropped.
_DROPPED_INFIX_MARKERS = ("-|–|—", "/")


def customize_tokenizer(nlp: Language) -> None:
    """Keep hyphenated and slashed names in one token; other infix rules stay as spaCy has them."""
    infixes = [pattern for pattern in nlp.Defaults.infixes
               if not any(marker in pattern for marker in _DROPPED_INFIX_MARKERS)]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
