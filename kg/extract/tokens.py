"""Per-doc token arrays: the words, lower-cased words and sentence bounds of a Doc, computed once.

kg's rules read the text of many tokens many times. A `Token` object costs a Python allocation on
every `doc[i]`, and `span.sent` scans the doc for each span, so the components read these plain
lists instead (profile on 3,000 abstracts: Token creation and sentence scans were ~60% of the time).
The arrays come from `Doc.to_array` and a string cache shared across docs; nothing here is per-token
Python objects except the strings themselves.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy

from spacy.attrs import IDX, IS_PUNCT, LOWER, ORTH, SENT_START, SPACY
from spacy.tokens import Doc

if not Doc.has_extension("kg_tokens"):
    Doc.set_extension("kg_tokens", default=None)

#: string hash -> string; hashes are deterministic across vocabularies, so one cache serves all docs
_STRINGS: dict[int, str] = {}


class TokenArrays(NamedTuple):
    """Plain per-token data of one Doc (index i is token i)."""

    words: list[str]  # token.text
    lowers: list[str]  # token.lower_
    is_punct: list[int]  # token.is_punct (1 or 0)
    is_sent_start: list[bool]  # token.is_sent_start is truthy
    sent_start: list[int]  # start token of the sentence of token i
    sent_end: list[int]  # end token (exclusive) of the sentence of token i
    idx: list[int]  # character offset of token i
    text: str  # doc.text

    def span_text(self, start: int, end: int) -> str:
        """doc[start:end].text without building a Span."""
        if end <= start:
            return ""
        return self.text[self.idx[start]:self.idx[end - 1] + len(self.words[end - 1])]

    def end_char(self, end: int) -> int:
        """Character offset just after token end - 1."""
        return self.idx[end - 1] + len(self.words[end - 1])


def _strings(doc: Doc, hashes: list[int]) -> list[str]:
    out = list(map(_STRINGS.get, hashes))  # map with a C method: faster than a comprehension
    if None in out:
        strings = doc.vocab.strings
        for h in hashes:
            if h not in _STRINGS:
                _STRINGS[h] = strings[h]
        out = list(map(_STRINGS.__getitem__, hashes))
    return out


def token_arrays(doc: Doc) -> TokenArrays:
    """The TokenArrays of doc, computed on first use and kept in doc._.kg_tokens.

    Sentence bounds follow `doc.sents` when sentence starts are annotated, else the whole doc is one
    sentence.
    """
    cached = doc._.kg_tokens
    n = len(doc)
    if cached is not None and len(cached.words) == n:
        return cached
    if n:
        array = doc.to_array([ORTH, LOWER, IS_PUNCT, SENT_START, IDX, SPACY])
        orth, lower, punct, starts, idx, space = array.T.tolist()
    else:
        array = None
        orth = lower = punct = starts = idx = space = []
    words = _strings(doc, orth)
    lowers = _strings(doc, lower)
    is_sent_start = [s == 1 for s in starts]
    sent_start = [0] * n
    sent_end = [n] * n
    if n and doc.has_annotation("SENT_START"):
        bounds = [0, *(numpy.flatnonzero(array[1:, 3] == 1) + 1).tolist(), n]
        for b in range(len(bounds) - 1):
            s, e = bounds[b], bounds[b + 1]
            sent_start[s:e] = [s] * (e - s)
            sent_end[s:e] = [e] * (e - s)
    text = "".join([w + " " if sp else w for w, sp in zip(words, space)])
    arrays = TokenArrays(words, lowers, punct, is_sent_start, sent_start, sent_end, idx, text)
    doc._.kg_tokens = arrays
    return arrays
