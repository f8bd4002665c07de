"""Turn processed Docs into plain DocExtractions (character offsets; no spaCy object leaves)."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from ..types import DocExtraction, Document, Mention, RelationMention
from .tokens import TokenArrays, extension_key, token_arrays

# where doc.user_data holds the doc._ extensions read and written here (see extension_key)
_TITLE_KEY, _TEXT_KEY = extension_key("kg_title"), extension_key("kg_text")
_MENTIONS_KEY, _MENTION_META_KEY = extension_key("kg_mentions"), extension_key("kg_mention_meta")
_RELATIONS_KEY, _ABBREVIATIONS_KEY = extension_key("kg_relations"), extension_key("kg_abbreviations")


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
    data = doc.user_data  # doc._.kg_title and doc._.kg_text, without an Underscore object (see extension_key)
    data[_TITLE_KEY] = document.title
    data[_TEXT_KEY] = document.text  # what kg_sentences would otherwise rebuild from the tokens
    return doc


def doc_to_extraction(doc: Doc, document: Document) -> DocExtraction:
    """Plain data from a processed Doc."""
    t = token_arrays(doc)
    data = doc.user_data  # the doc._ extensions, without an Underscore object per use (see extension_key)
    chosen = data.get(_MENTIONS_KEY)
    if chosen is not None:  # kg_mentions' own rows: the same as doc.ents, without making a Span per mention
        by_tokens = _chosen_mentions(t, document.id, chosen)
        # the rows do not overlap, so each mention starts at its own character: none shares its offsets
        mentions = tuple(by_tokens.values())
    else:
        meta = data.get(_MENTION_META_KEY) or {}
        by_tokens = {(ent.start, ent.end): span_to_mention(ent, document.id, *meta.get((ent.start, ent.end), ()),
                                                           tokens=t) for ent in doc.ents}
        mentions = tuple({(m.start, m.end): m for m in by_tokens.values()}.values())
    # RelationMention(head, type, tail, cue, confidence) and DocExtraction(document, mentions, relations,
    # abbreviations) with their fields in order: keyword arguments cost more in a frozen dataclass's __init__
    relations = tuple(
        RelationMention(by_tokens.get((head.start, head.end)) or span_to_mention(head, document.id, tokens=t),
                        relation, by_tokens.get((tail.start, tail.end)) or span_to_mention(tail, document.id, tokens=t),
                        cue, confidence)
        for head, relation, tail, cue, confidence in data.get(_RELATIONS_KEY, ()))
    return DocExtraction(document, mentions, relations, tuple(data.get(_ABBREVIATIONS_KEY, ())))


def span_to_mention(span, doc_id: str, source: str | None = None, introduced: bool = False, *,
                    tokens: TokenArrays | None = None) -> Mention:
    """A Mention (plain data) from an entity Span; `source` and `introduced` come from kg_mentions.

    The sentence is the one `span.sent` gives (the sentence of the span's first token), read from the
    token arrays instead of scanning the doc per span.
    """
    t = tokens if tokens is not None else token_arrays(span.doc)
    return _mention_maker(t, doc_id)(span.start, span.end, span.label_, span.ent_id_, source, introduced)


def _chosen_mentions(t: TokenArrays, doc_id: str, chosen) -> dict[tuple[int, int], Mention]:
    """{(start, end) in tokens: Mention} of kg_mentions' rows (ChosenMention: start, end, label, key,
    source, introduced, in the maker's order)."""
    mention = _mention_maker(t, doc_id)
    return {(row[0], row[1]): mention(*row) for row in chosen}


def _mention_maker(t: TokenArrays, doc_id: str) -> Callable[[int, int, str, str, str | None, bool], Mention]:
    """mention(start, end, label, ent_id, source, introduced): the Mention of tokens start:end of the doc
    (see span_to_mention).

    The doc's arrays are read once into the closure, offsets are computed inline and Mention's fields are
    passed in order: this runs for every mention of every document, and attribute reads, keyword arguments
    and helper calls were most of its cost.
    """
    idx, words, text, sent_starts, sent_ends = t.idx, t.words, t.text, t.sent_start, t.sent_end

    def mention(start: int, end: int, label: str, ent_id: str, source: str | None, introduced: bool) -> Mention:
        start_char = idx[start]
        end_char = idx[end - 1] + len(words[end - 1])
        sent_last = sent_ends[start] - 1
        # Mention(doc_id, start, end, text, label, sent_start, sent_end, key, source, introduced)
        return Mention(doc_id, start_char, end_char, text[start_char:end_char], label, idx[sent_starts[start]],
                       idx[sent_last] + len(words[sent_last]), ent_id or None,
                       source or ("lexicon" if ent_id else "shape"), introduced)

    return mention
