"""Per-doc token arrays: the words, lower-cased words and sentence bounds of a Doc, computed once.

kg's rules read the text of many tokens many times. A `Token` object costs a Python allocation on
every `doc[i]`, and `span.sent` scans the doc for each span, so the components read these plain
lists instead (profile on 3,000 abstracts: Token creation and sentence scans were ~60% of the time).
The arrays come from `Doc.to_array` and slices of the doc's text; nothing here is per-token Python
objects except the strings themselves.
"""
from __future__ import annotations

from array import array
from bisect import bisect_right
from itertools import compress
from typing import NamedTuple

import numpy

from spacy.attrs import IDX, IS_PUNCT, LENGTH, SENT_START
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc

if not Doc.has_extension("kg_tokens"):
    Doc.set_extension("kg_tokens", default=None)
#: the text a Doc was made from, when kg made it (mentions._make_doc): spaCy's tokens reproduce their text
#: exactly, so this is doc.text without joining the tokens again
if not Doc.has_extension("kg_text"):
    Doc.set_extension("kg_text", default=None)

def extension_key(name: str) -> tuple[str, str, None, None]:
    """The key of doc.user_data where spaCy keeps doc._.<name> (Underscore._get_key for a Doc).

    kg's components read and write their own extensions there: each `doc._` builds an Underscore object,
    and its __getattr__ and __setattr__ run in Python (about 1 µs a use, ~20 uses per doc). The extensions
    read this way have immutable defaults (None or ()) and no getter or setter, so `doc._` would do just
    this dict read or write.

    >>> extension_key("kg_lexicon")
    ('._.', 'kg_lexicon', None, None)
    """
    return ("._.", name, None, None)


_TOKENS_KEY, _TEXT_KEY = extension_key("kg_tokens"), extension_key("kg_text")


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
        """doc[start:end].text without building a Span; a one-token span's text is its word (no new string)."""
        if end - start == 1:
            return self.words[start]
        if end <= start:
            return ""
        return self.text[self.idx[start]:self.idx[end - 1] + len(self.words[end - 1])]

    def end_char(self, end: int) -> int:
        """Character offset just after token end - 1."""
        return self.idx[end - 1] + len(self.words[end - 1])


def expand_char_span(t: TokenArrays, start_char: int, end_char: int) -> tuple[int, int] | None:
    """(start, end) token offsets of doc.char_span(start_char, end_char, alignment_mode="expand"), without
    making a Span; None where char_span gives None (a character outside the text).

    A token's characters run from its offset to the next token's (its trailing space included), so the token
    holding a character is the last one starting at or before it.

    >>> t = TokenArrays(["A", "big", "dog"], [], [], [], [], [], [0, 2, 6], "A big dog")
    >>> expand_char_span(t, 3, 7), expand_char_span(t, 5, 9), expand_char_span(t, 1, 5), expand_char_span(t, 8, 10)
    ((1, 3), (2, 3), (1, 2), None)
    """
    idx, words = t.idx, t.words
    if not 0 <= start_char < len(t.text) or not 0 <= end_char - 1 < len(t.text):
        return None
    start = bisect_right(idx, start_char) - 1
    end = bisect_right(idx, end_char - 1)
    if start_char == idx[start] + len(words[start]):
        start += 1  # a span starting in a token's trailing space starts at the next token
    return start, end


def token_arrays(doc: Doc) -> TokenArrays:
    """The TokenArrays of doc, computed on first use and kept in doc._.kg_tokens.

    Sentence bounds follow `doc.sents` when sentence starts are annotated, else the whole doc is one
    sentence.
    """
    data = doc.user_data  # doc._.kg_tokens and doc._.kg_text, without an Underscore object (see extension_key)
    cached = data.get(_TOKENS_KEY)
    n = len(doc)
    if cached is not None and len(cached.words) == n:
        return cached
    punct, starts, idx, length = doc.to_array(_COLUMNS).T.tolist() if n else [[]] * len(_COLUMNS)
    text = _text(doc, idx, length, data.get(_TEXT_KEY))
    first_tokens = list(compress(range(n), map(_ONE.__eq__, starts)))
    arrays = _token_arrays(punct, idx, _words(text, idx, length), text, first_tokens,
                           has_sentences=bool(n) and doc.has_annotation("SENT_START"))
    data[_TOKENS_KEY] = arrays
    return arrays


#: Doc.to_array columns of the token arrays (IS_PUNCT, SENT_START, IDX, LENGTH)
_COLUMNS = [IS_PUNCT, SENT_START, IDX, LENGTH]


def _text(doc: Doc, idx: list[int], length: list[int], known: str | None) -> str:
    """doc.text: `known` (the text _make_doc made the doc from) when it has the tokens' length, else doc.text."""
    # the last token's trailing space read from the token itself: a SPACY column cost more than this one Token
    if known is not None and len(known) == (idx[-1] + length[-1] + len(doc[-1].whitespace_) if idx else 0):
        return known
    return doc.text


def _words(text: str, idx: list[int], length: list[int]) -> list[str]:
    """token.text of each token: its slice of the doc's text.

    Slicing the text (which is in the CPU's caches) costs less than looking the words up by their ORTH hashes,
    in the StringStore or a cache of it, and the 64-bit hashes were most of what Doc.to_array gave to convert.
    A list comprehension slices at half the cost of map(text.__getitem__, map(slice, ...)).
    """
    return [text[i:i + n] for i, n in zip(idx, length)]


def _token_arrays(punct: list[int], idx: list[int], words: list[str], text: str, first_tokens: list[int],
                  has_sentences: bool) -> TokenArrays:
    """TokenArrays from the doc's IS_PUNCT and IDX columns as lists, its words, its text and the ascending
    indices of the tokens whose SENT_START is 1."""
    n = len(words)
    # token.lower_: kg's pipelines make a word's LOWER with str.lower (spaCy's lex_attrs.lower)
    lowers = list(map(str.lower, words))
    is_sent_start = [False] * n
    for i in first_tokens:
        is_sent_start[i] = True
    if has_sentences:
        bounds = [0, *(i for i in first_tokens if i), n]
        sent_start: list[int] = []
        sent_end: list[int] = []
        for s, e in zip(bounds, bounds[1:]):
            sent_start += [s] * (e - s)
            sent_end += [e] * (e - s)
    else:
        sent_start, sent_end = [0] * n, [n] * n
    return TokenArrays(words, lowers, punct, is_sent_start, sent_start, sent_end, idx, text)


#: SENT_START 1 (a sentence start); its bound __eq__ lets map() compare a column in C
_ONE = 1
#: SENT_START -1 (not a sentence start) as Doc.to_array and Doc.from_array hold it (unsigned 64 bits)
_NOT_START = 2 ** 64 - 1
#: the sentence-final characters of spaCy's Sentencizer
PUNCT_CHARS = frozenset(Sentencizer.default_punct_chars)


def sentence_starts(words: list[str], is_punct: list[int]) -> list[int]:
    """Indices of the sentence starts spaCy's Sentencizer (default punctuation) finds: 0, and the first
    token that is neither punctuation nor a sentence-final character after each sentence-final character.

    >>> sentence_starts(["Hi", ".", "Yes", "!", ")", "Ok"], [0, 1, 0, 1, 1, 0])
    [0, 2, 5]
    """
    n = len(words)
    starts = [0] if n else []
    # only the few sentence-final characters are visited, not every token (found with C-level map and compress)
    for final in list(compress(range(n), map(PUNCT_CHARS.__contains__, words))):
        if final < starts[-1]:
            continue  # inside the run of punctuation before the last start found
        i = final + 1
        while i < n and (is_punct[i] or words[i] in PUNCT_CHARS):
            i += 1
        if i >= n:
            break
        starts.append(i)
    return starts


@Language.factory("kg_sentences", assigns=["token.is_sent_start", "doc._.kg_tokens"], default_config={})
def make_sentences(nlp: Language, name: str) -> "SentenceStarts":
    return SentenceStarts()


class SentenceStarts:
    """spaCy's Sentencizer with its default punctuation (sentence starts already set are kept, as with its
    overwrite=False), which also fills doc._.kg_tokens: it reads the same token arrays, so they are made
    once, and it visits only the sentence-final tokens instead of making a Token per token."""

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if not n:
            return doc
        data = doc.user_data  # doc._.kg_text and doc._.kg_tokens, without an Underscore object (see extension_key)
        punct, old, idx, length = doc.to_array(_COLUMNS).T.tolist()
        text = _text(doc, idx, length, data.get(_TEXT_KEY))
        words = _words(text, idx, length)
        first_tokens = sentence_starts(words, punct)
        if any(old[1:]) or old[0] not in (0, 1):  # a new Doc's are 1 on its first token, 0 elsewhere
            starts = [_NOT_START] * n
            for i in first_tokens:
                starts[i] = 1
            starts = [s if s else new for s, new in zip(old, starts)]
            first_tokens = list(compress(range(n), map(_ONE.__eq__, starts)))
            # array.array converts the Python ints faster than numpy.array does
            values = numpy.frombuffer(array("Q", starts), dtype=numpy.uint64)
        else:
            values = numpy.full(n, _NOT_START, dtype=numpy.uint64)
            values[first_tokens] = 1
        doc.from_array([SENT_START], values)
        data[_TOKENS_KEY] = _token_arrays(punct, idx, words, text, first_tokens, has_sentences=True)
        return doc
