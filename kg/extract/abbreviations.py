"""Abbreviation definitions in text: "Position Interpolation (PI)" (after Schwartz & Hearst, 2003)."""
from __future__ import annotations

import numpy
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..types import Abbreviation

if not Doc.has_extension("kg_abbreviations"):
    Doc.set_extension("kg_abbreviations", default=())


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


def _open_parens(doc: Doc) -> list:
    """The "(" tokens of a doc, found on the ORTH array (no Token object per token)."""
    if "(" not in doc.text:
        return []
    orth = doc.to_array("ORTH")
    return [doc[int(i)] for i in numpy.nonzero(orth == doc.vocab.strings["("])[0]]


def find_abbreviations(doc: Doc, *, max_words: int = 10) -> list[tuple[Span, Span]]:
    """(long form span, short form span) pairs for every "long form (SF)" in the doc."""
    pairs = []
    for token in _open_parens(doc):
        if token.i + 2 >= len(doc) or doc[token.i + 2].text != ")":
            continue
        short = doc[token.i + 1]
        if not is_short_form(short.text):
            continue
        window_start = max(token.sent.start if doc.has_annotation("SENT_START") else 0,
                           token.i - max_words)
        window = doc[window_start:token.i]
        long_text = best_long_form(short.text, window.text)
        if long_text is None:
            continue
        long_start_char = window.end_char - len(long_text)
        long_span = doc.char_span(long_start_char, window.end_char, alignment_mode="expand")
        if long_span is not None:
            pairs.append((long_span, doc[short.i:short.i + 1]))
    pairs.extend(find_reversed_abbreviations(doc, max_words=max_words))
    return pairs


def find_reversed_abbreviations(doc: Doc, *, max_words: int = 10) -> list[tuple[Span, Span]]:
    """Pairs for "SF (long form)", e.g. "ARIC (Activity Recognition In Classroom)": the whole text in
    parentheses must be the long form of the token before them."""
    pairs = []
    for token in _open_parens(doc):
        if token.i == 0 or not is_short_form(doc[token.i - 1].text):
            continue
        close = next((t.i for t in doc[token.i + 1:token.i + 2 + max_words] if t.text == ")"), None)
        if close is None or close - token.i < 3:
            continue
        inside = doc[token.i + 1:close]
        short = doc[token.i - 1]
        if best_long_form(short.text, inside.text) == inside.text and inside[0].text[:1].lower() == short.text[:1].lower():
            pairs.append((inside, doc[short.i:short.i + 1]))
    return pairs


@Language.factory("kg_abbreviations", assigns=["doc._.kg_abbreviations"], default_config={"max_words": 10})
def make_abbreviations(nlp: Language, name: str, max_words: int) -> "AbbreviationDetector":
    return AbbreviationDetector(max_words=max_words)


class AbbreviationDetector:
    """Sets doc._.kg_abbreviations to Abbreviation records (short, long, char offsets of the long form)."""

    def __init__(self, *, max_words: int = 10) -> None:
        self.max_words = max_words

    def __call__(self, doc: Doc) -> Doc:
        doc._.kg_abbreviations = tuple(
            Abbreviation(short=short.text, long=long.text, start=long.start_char, end=short.end_char)
            for long, short in find_abbreviations(doc, max_words=self.max_words))
        return doc
