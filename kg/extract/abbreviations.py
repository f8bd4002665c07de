"""Abbreviation definitions in text: "Position Interpolation (PI)" (after Schwartz & Hearst, 2003)."""
from __future__ import annotations

from bisect import bisect_left
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..types import Abbreviation
from .tokens import TokenArrays, expand_char_span, extension_key, token_arrays

if not Doc.has_extension("kg_abbreviations"):
    Doc.set_extension("kg_abbreviations", default=())
_ABBREVIATIONS_KEY = extension_key("kg_abbreviations")  # where doc.user_data holds doc._.kg_abbreviations


@lru_cache(maxsize=1 << 14)  # asked of the word before each "(" and inside "( )": the same words recur
def is_short_form(text: str) -> bool:
    """A plausible short form: 2-10 characters, starts with a letter, has an upper-case letter.

    >>> is_short_form("PI"), is_short_form("LLMs"), is_short_form("2023"), is_short_form("e.g.")
    (True, True, False, False)
    >>> is_short_form("65B"), is_short_form("Touvron")
    (False, False)
    """
    return (2 <= len(text) <= 10 and text[0].isalpha() and any(c.isupper() for c in text)
            and " " not in text and sum(c.isupper() for c in text) >= min(2, len(text) - 1)
            and not (text[0].isupper() and text[1:].islower()))


def best_long_form(short: str, candidate: str) -> str | None:
    """The shortest suffix of `candidate` whose letters cover `short`, Schwartz–Hearst style.

    Characters of the short form are matched right to left; the first must start a word.

    >>> best_long_form("PI", "We present Position Interpolation")
    'Position Interpolation'
    >>> best_long_form("SFT", "rely on supervised fine-tuning")
    'supervised fine-tuning'
    >>> best_long_form("XYZ", "nothing here") is None
    True
    """
    s_index = len(short) - 1
    l_index = len(candidate) - 1
    while s_index >= 0:
        char = short[s_index].lower()
        if not char.isalnum():
            s_index -= 1
            continue
        while l_index >= 0 and (candidate[l_index].lower() != char or (
                s_index == 0 and l_index > 0 and candidate[l_index - 1].isalnum())):
            l_index -= 1
        if l_index < 0:
            return None
        l_index -= 1
        s_index -= 1
    start = candidate.rfind(" ", 0, l_index + 1) + 1
    long_form = candidate[start:].strip()
    words = long_form.split()
    if not words or len(words) > min(len(short) + 5, len(short) * 2) or long_form.lower() == short.lower():
        return None
    return long_form


def _open_parens(t: TokenArrays) -> list[int]:
    """Indices of the "(" tokens of a doc."""
    text, idx, words = t.text, t.idx, t.words
    found = []
    # str.find scans the text in C, faster than comparing every token; each "(" found is checked against the
    # token starting there (it may be inside a token: "O(n)")
    at = text.find("(")
    while at >= 0:
        i = bisect_left(idx, at)
        if i < len(idx) and idx[i] == at and words[i] == "(":
            found.append(i)
        at = text.find("(", at + 1)
    return found


def find_abbreviations(doc: Doc, *, max_words: int = 10) -> list[tuple[Span, Span]]:
    """(long form span, short form span) pairs for every "long form (SF)" in the doc, then every "SF (long form)"."""
    return [(doc[long_start:long_end], doc[short:short + 1])
            for long_start, long_end, short in abbreviation_offsets(token_arrays(doc), max_words=max_words)]


def abbreviation_offsets(t: TokenArrays, *, max_words: int = 10) -> list[tuple[int, int, int]]:
    """(long form start, long form end, short form index) in tokens for every "long form (SF)" in the doc,
    then for every "SF (long form)" (see find_reversed_abbreviations). Plain offsets: a Span per form, and
    its text and offsets read through Tokens, cost more than finding the forms."""
    parens = _open_parens(t)
    return _forward_offsets(t, parens, max_words) + _reversed_offsets(t, parens, max_words)


def _forward_offsets(t: TokenArrays, parens: list[int], max_words: int) -> list[tuple[int, int, int]]:
    found = []
    words = t.words
    for i in parens:
        if i + 2 >= len(words) or words[i + 2] != ")":
            continue
        short = words[i + 1]
        if not is_short_form(short):
            continue
        window_start = max(t.sent_start[i], i - max_words)
        if window_start >= i:
            continue  # an empty window has no long form
        long_text = best_long_form(short, t.span_text(window_start, i))
        if long_text is None:
            continue
        window_end_char = t.end_char(i)
        long_span = expand_char_span(t, window_end_char - len(long_text), window_end_char)
        if long_span is not None:
            found.append((*long_span, i + 1))
    return found


def find_reversed_abbreviations(doc: Doc, *, max_words: int = 10) -> list[tuple[Span, Span]]:
    """Pairs for "SF (long form)", e.g. "ARIC (Activity Recognition In Classroom)": the whole text in
    parentheses must be the long form of the token before them."""
    t = token_arrays(doc)
    return [(doc[long_start:long_end], doc[short:short + 1])
            for long_start, long_end, short in _reversed_offsets(t, _open_parens(t), max_words)]


def _reversed_offsets(t: TokenArrays, parens: list[int], max_words: int) -> list[tuple[int, int, int]]:
    found = []
    words = t.words
    for i in parens:
        if i == 0 or not is_short_form(words[i - 1]):
            continue
        close = next((j for j in range(i + 1, min(i + 2 + max_words, len(words))) if words[j] == ")"), None)
        if close is None or close - i < 3:
            continue
        inside = t.span_text(i + 1, close)
        short = words[i - 1]
        if best_long_form(short, inside) == inside and words[i + 1][:1].lower() == short[:1].lower():
            found.append((i + 1, close, i - 1))
    return found


@Language.factory("kg_abbreviations", assigns=["doc._.kg_abbreviations"], default_config={"max_words": 10})
def make_abbreviations(nlp: Language, name: str, max_words: int) -> "AbbreviationDetector":
    return AbbreviationDetector(max_words=max_words)


class AbbreviationDetector:
    """Sets doc._.kg_abbreviations to Abbreviation records (short, long, char offsets of the long form)."""

    def __init__(self, *, max_words: int = 10) -> None:
        self.max_words = max_words

    def __call__(self, doc: Doc) -> Doc:
        t = token_arrays(doc)
        if "(" not in t.text:
            return doc  # no definition (doc._.kg_abbreviations keeps its default, no definitions)
        # the fields of Span.text, Span.start_char and Span.end_char, read from the token arrays
        doc.user_data[_ABBREVIATIONS_KEY] = tuple(  # doc._.kg_abbreviations, without an Underscore object
            Abbreviation(short=t.words[short], long=t.span_text(long_start, long_end),
                         start=t.idx[long_start] if long_start < len(t.idx) else len(t.text), end=t.end_char(short + 1))
            for long_start, long_end, short in abbreviation_offsets(t, max_words=self.max_words))
        return doc
