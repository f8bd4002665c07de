"""Turn processed Docs into plain DocExtractions (character offsets; no spaCy object leaves)."""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from ..types import DocExtraction, Document, Mention, RelationMention
from .tokens import TokenArrays, token_arrays


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
    ext = doc._  # each `doc._` makes a new Underscore object
    ext.kg_title = document.title
    ext.kg_text = document.text  # what kg_sentences would otherwise rebuild from the tokens
    return doc


def doc_to_extraction(doc: Doc, document: Document) -> DocExtraction:
    """Plain data from a processed Doc."""
    t = token_arrays(doc)
    ext = doc._  # each `doc._` makes a new Underscore object: one serves the reads here
    chosen = ext.kg_mentions
    if chosen is not None:  # kg_mentions' own rows: the same as doc.ents, without making a Span per mention
        by_tokens = _chosen_mentions(t, document.id, chosen)
    else:
        meta = ext.kg_mention_meta or {}
        by_tokens = {(ent.start, ent.end): span_to_mention(ent, document.id, *meta.get((ent.start, ent.end), ()),
                                                           tokens=t) for ent in doc.ents}
    mentions = {(m.start, m.end): m for m in by_tokens.values()}
    relations = tuple(
        RelationMention(head=by_tokens.get((head.start, head.end)) or span_to_mention(head, document.id, tokens=t),
                        type=relation, tail=by_tokens.get((tail.start, tail.end))
                        or span_to_mention(tail, document.id, tokens=t), cue=cue, confidence=confidence)
        for head, relation, tail, cue, confidence in ext.kg_relations)
    return DocExtraction(document=document, mentions=tuple(mentions.values()), relations=relations,
                         abbreviations=tuple(ext.kg_abbreviations))


def span_to_mention(span, doc_id: str, source: str | None = None, introduced: bool = False, *,
                    tokens: TokenArrays | None = None) -> Mention:
    """A Mention (plain data) from an entity Span; `source` and `introduced` come from kg_mentions.

    The sentence is the one `span.sent` gives (the sentence of the span's first token), read from the
    token arrays instead of scanning the doc per span.
    """
    t = tokens if tokens is not None else token_arrays(span.doc)
    return _mention(t, doc_id, span.start, span.end, span.label_, span.ent_id_, source, introduced)


def _chosen_mentions(t: TokenArrays, doc_id: str, chosen) -> dict[tuple[int, int], Mention]:
    """{(start, end) in tokens: Mention} of kg_mentions' rows (ChosenMention: start, end, label, key,
    source, introduced, in _mention's order)."""
    return {(row[0], row[1]): _mention(t, doc_id, *row) for row in chosen}


def _mention(t: TokenArrays, doc_id: str, start: int, end: int, label: str, ent_id: str, source: str | None,
             introduced: bool) -> Mention:
    """The Mention of tokens start:end (see span_to_mention).

    Offsets are read from the arrays inline and Mention's fields are passed in order: this runs for every
    mention of every document, and keyword arguments and helper calls were most of its cost.
    """
    idx, words = t.idx, t.words
    start_char = idx[start]
    end_char = idx[end - 1] + len(words[end - 1])
    sent_first, sent_last = t.sent_start[start], t.sent_end[start] - 1
    # Mention(doc_id, start, end, text, label, sent_start, sent_end, key, source, introduced)
    return Mention(doc_id, start_char, end_char, t.text[start_char:end_char], label, idx[sent_first],
                   idx[sent_last] + len(words[sent_last]), ent_id or None,
                   source or ("lexicon" if ent_id else "shape"), introduced)
