"""build_nlp: the one place that knows kg's component order."""
from __future__ import annotations

from pathlib import Path

import spacy
from spacy.attrs import IS_PUNCT, LOWER
from spacy.language import Language

from . import abbreviations as _abbreviations  # noqa: F401  (registers the factory)
from . import components as _components  # noqa: F401
from . import relations as _relations  # noqa: F401
from . import tokens as _tokens  # noqa: F401
from .lexicon import load_patterns, split_by_case
from .tokenizer import create_tokenizer as _create_tokenizer  # noqa: F401  (registers kg.tokenizer.v1)

#: The word attributes kg reads (tokens.py's columns; ORTH is the word itself). spaCy computes ~20 more
#: for each new word (like_num, shape, prefix, is_stop, ...): inside a memory zone, every word the
#: tokenizer's cache does not hold is new again in each zone, and those getters were a third of the
#: tokenizer's time in `kg extract` (0.46 -> 0.30 ms per prose abstract).
WORD_ATTRS = (LOWER, IS_PUNCT)


def build_nlp(*, lexicon: str | Path | None = None) -> Language:
    """A blank English pipeline with kg's tokenizer rules and components.

    Args:
        lexicon: a JSONL lexicon to use instead of the packaged ones (tests pass small ones).
    """
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "kg.tokenizer.v1"}}})  # kg's rules
    # Only the word attributes kg reads are computed: a token's other lexical attributes (like_num,
    # shape_, is_stop, ...) are left unset in this pipeline.
    nlp.vocab.lex_attr_getters = {attr: getter for attr, getter in nlp.vocab.lex_attr_getters.items()
                                  if attr in WORD_ATTRS}
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
