"""Relation cues: typed relations between the mentions of one sentence (component "kg_relations").

Sets doc._.kg_relations to (head Span, relation type, tail Span, cue, confidence) tuples.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

if not Doc.has_extension("kg_relations"):
    Doc.set_extension("kg_relations", default=())

RelationTuple = tuple[Span, str, Span, str, float]


def find_relations(doc: Doc) -> list[RelationTuple]:
    """Typed relations stated between doc.ents within each sentence (rules to come)."""
    return []


@Language.factory("kg_relations", assigns=["doc._.kg_relations"], requires=["doc.ents"], default_config={})
def make_relations(nlp: Language, name: str) -> "RelationFinder":
    return RelationFinder()


class RelationFinder:
    """Runs find_relations over the doc."""

    def __call__(self, doc: Doc) -> Doc:
        doc._.kg_relations = tuple(find_relations(doc))
        return doc
