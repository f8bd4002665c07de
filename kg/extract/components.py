"""spaCy components of kg: name-shape candidates and the choice of final mentions."""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

CANDIDATES_KEY = "kg_candidates"
# A model-like name: letters then digits or a size (GPT-4, K2-65B, Qwen2.5-7B) or inner capitals
# after a lower-case letter (InvestLM, ChatGPT).
_MODEL_SHAPE = re.compile(r"^(?=.*[A-Za-z])(?:[A-Z][A-Za-z]*[-.]?\d[\w.\-]*|[A-Z][a-z]+[A-Z][A-Za-z0-9\-]*)$")
_NOT_NAMES = frozenset({"COVID-19", "COVID19"})


def shape_candidates(doc: Doc) -> list[Span]:
    """Tokens shaped like model names, labelled Model."""
    return [Span(doc, token.i, token.i + 1, label="Model") for token in doc
            if _MODEL_SHAPE.match(token.text) and token.text not in _NOT_NAMES]


@Language.factory("kg_shapes", assigns=[f"doc.spans"], default_config={})
def make_shapes(nlp: Language, name: str) -> "ShapeCandidates":
    return ShapeCandidates()


class ShapeCandidates:
    """Adds name-shaped tokens to doc.spans[CANDIDATES_KEY]."""

    def __call__(self, doc: Doc) -> Doc:
        existing = list(doc.spans.get(CANDIDATES_KEY, []))
        doc.spans[CANDIDATES_KEY] = existing + shape_candidates(doc)
        return doc


@Language.factory("kg_mentions", assigns=["doc.ents"], requires=["doc.spans"], default_config={})
def make_mentions(nlp: Language, name: str) -> "MentionChooser":
    return MentionChooser()


class MentionChooser:
    """Chooses non-overlapping mentions from the candidates (longest first; lexicon wins ties)."""

    def __call__(self, doc: Doc) -> Doc:
        candidates = sorted(doc.spans.get(CANDIDATES_KEY, []),
                            key=lambda span: (span.kb_id_ == "",))
        doc.ents = filter_spans(candidates)
        return doc
