"""build_nlp: the one place that knows kg's component order."""
from __future__ import annotations

from pathlib import Path

import spacy
from spacy.language import Language

from . import abbreviations as _abbreviations  # noqa: F401  (registers the factory)
from . import components as _components  # noqa: F401
from . import relations as _relations  # noqa: F401
from . import tokens as _tokens  # noqa: F401
from .lexicon import load_patterns, split_by_case
from .tokenizer import create_tokenizer as _create_tokenizer  # noqa: F401  (registers kg.tokenizer.v1)


def build_nlp(*, lexicon: str | Path | None = None) -> Language:
    """A blank English pipeline with kg's tokenizer rules and components.

    Args:
        lexicon: a JSONL lexicon to use instead of the packaged ones (tests pass small ones).
    """
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "kg.tokenizer.v1"}}})  # kg's rules
    nlp.add_pipe("kg_sentences")  # spaCy's sentencizer rule, and the token arrays made once
    caseless, cased = split_by_case(load_patterns(lexicon))
    for name, attr, patterns in (("kg_lexicon", "LOWER", caseless), ("kg_lexicon_cased", "ORTH", cased)):
        ruler = nlp.add_pipe("kg_lexicon_matches", name=name, config={"phrase_matcher_attr": attr})
        ruler.add_patterns(patterns)
    nlp.add_pipe("kg_shapes")
    nlp.add_pipe("kg_abbreviations")
    nlp.add_pipe("kg_mentions")
    nlp.add_pipe("kg_relations")
    return nlp
