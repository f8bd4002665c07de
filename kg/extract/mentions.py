"""Turn processed Docs into plain DocExtractions (character offsets; no spaCy object leaves)."""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from ..types import DocExtraction, Document, Mention, RelationMention


def extract(nlp: Language, documents: Iterable[Document], *, batch_size: int = 64) -> Iterator[DocExtraction]:
    """Run the pipeline over documents, streaming, one DocExtraction per document."""
    pairs = ((_make_doc(nlp, document), document) for document in documents)
    for spacy_doc, document in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
        yield doc_to_extraction(spacy_doc, document)


def extract_document(nlp: Language, document: Document) -> DocExtraction:
    """Extraction of a single document."""
    return doc_to_extraction(nlp(_make_doc(nlp, document)), document)


def _make_doc(nlp: Language, document: Document) -> Doc:
    """The tokenized Doc of a document, carrying its title for the "X: ..." introduction cue."""
    doc = nlp.make_doc(document.text)
    doc._.kg_title = document.title
    return doc


def doc_to_extraction(doc: Doc, document: Document) -> DocExtraction:
    """Plain data from a processed Doc."""
    meta = doc._.kg_mention_meta or {}
    mentions = {(ent.start_char, ent.end_char): span_to_mention(ent, document.id, *meta.get((ent.start, ent.end), ()))
                for ent in doc.ents}
    relations = tuple(
        RelationMention(head=mentions.get((head.start_char, head.end_char)) or span_to_mention(head, document.id),
                        type=relation, tail=mentions.get((tail.start_char, tail.end_char))
                        or span_to_mention(tail, document.id), cue=cue, confidence=confidence)
        for head, relation, tail, cue, confidence in doc._.kg_relations)
    return DocExtraction(document=document, mentions=tuple(mentions.values()), relations=relations,
                         abbreviations=tuple(doc._.kg_abbreviations))


def span_to_mention(span, doc_id: str, source: str | None = None, introduced: bool = False) -> Mention:
    """A Mention (plain data) from an entity Span; `source` and `introduced` come from kg_mentions."""
    return Mention(doc_id=doc_id, start=span.start_char, end=span.end_char, text=span.text,
                   label=span.label_, sent_start=span.sent.start_char, sent_end=span.sent.end_char,
                   key=span.ent_id_ or None, source=source or ("lexicon" if span.ent_id_ else "shape"),
                   introduced=introduced)
