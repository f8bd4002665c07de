"""spaCy components of kg: name-shape candidates, and the choice and typing of final mentions.

Candidates come from three places: the lexicon matches (doc._.kg_lexicon, this module), name shapes
(doc._.kg_shapes, this module) and abbreviation definitions (doc._.kg_abbreviations). The
"kg_mentions" component picks non-overlapping spans, types each name from all its evidence in the
document (lexicon > context cue > abbreviation head > shape), drops names with no evidence of being an
entity, marks what the paper introduces, and writes doc.ents plus doc._.kg_mention_meta and doc._.kg_mentions.
"""
from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress, repeat
from operator import attrgetter, is_
from typing import NamedTuple

import numpy
from spacy.attrs import ENT_ID, ENT_IOB, ENT_TYPE
from spacy.language import Language
from spacy.pipeline import SpanRuler
from spacy.tokens import Doc

from ..normalize import name_key
from ..types import Abbreviation
from .tokens import TokenArrays, expand_char_span, extension_key, token_arrays
from .patterns import (
    ACRONYM_WORD_SHAPE, APPOSITIVE_HEADS, CAMEL_SHAPE, DATA_VERSION_TOKEN, METRIC_AT_SHAPE, PHRASE_NAME_SHAPE, CAPS_SHAPE, CUE_BEFORE, CUE_NOUNS, DATASET_HEADS, GENERIC_BUT_NAMED,
    GENERIC_PHRASES, GENERIC_WORDS, INTRO_SUBJECTS, INTRO_VERBS, LEFT_STOP, METHOD_HEADS, METRIC_HEADS,
    MODEL_DIGIT_SHAPE, NAMING_WORDS, NOT_NAMES, OWN_WORDS, PROJECT_WORDS, PREPOSITIONS_IN_NAMES, SIZE_TOKEN, TASK_HEADS,
    VARIANT_WORDS, VERSION_TOKEN, WEAK_HEADS,
)

#: How strongly each kind of evidence types a name (mirrors resolve.SOURCE_WEIGHT).
EVIDENCE_WEIGHT = {"lexicon": 3.0, "context": 2.0, "abbreviation": 1.0, "shape": 1.0, "head": 1.0}
SOURCE_PRIORITY = {"lexicon": 0, "context": 1, "abbreviation": 2, "head": 3, "shape": 4}

if not Doc.has_extension("kg_mention_meta"):
    Doc.set_extension("kg_mention_meta", default=None)
if not Doc.has_extension("kg_lexicon"):
    Doc.set_extension("kg_lexicon", default=())
if not Doc.has_extension("kg_shapes"):
    Doc.set_extension("kg_shapes", default=())
if not Doc.has_extension("kg_mentions"):
    Doc.set_extension("kg_mentions", default=None)
if not Doc.has_extension("kg_title"):
    Doc.set_extension("kg_title", default=None)


_LEXICON_KEY = extension_key("kg_lexicon")
_SHAPES_KEY = extension_key("kg_shapes")
_ABBREVIATIONS_KEY = extension_key("kg_abbreviations")
_TITLE_KEY = extension_key("kg_title")
_MENTIONS_KEY = extension_key("kg_mentions")
_MENTION_META_KEY = extension_key("kg_mention_meta")


# --- lexicon ---------------------------------------------------------------------------------
class LexiconMatches(SpanRuler):
    """A SpanRuler (phrase patterns {"label", "pattern", "id"}) that appends its matches to
    doc._.kg_lexicon as (start, end, label, id) tuples instead of Spans in doc.spans.

    The tuples are the Spans span_ruler would add to its spans key (with overwrite=False), in the
    same order: each ruler's matches deduplicated and sorted like Spans (by offsets, then the hashes of
    label and id), after those of the rulers before it. Making, hashing and sorting a Span per match,
    then a Span again per read, cost more than the matching.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        #: match id -> (label hash, id hash, label, id): how a match's Span sorts after its offsets, and what it
        #: holds (a match id always stands for the same label and id, so each is looked up once)
        self._sort_keys: dict[int, tuple[int, int, str, str]] = {}

    def __call__(self, doc: Doc) -> Doc:
        self._require_patterns()
        matches = self.phrase_matcher(doc)
        if len(self.matcher):
            matches = [*self.matcher(doc), *matches]
        if not matches:
            return doc  # nothing to append (kg_mentions reads doc._.kg_lexicon's items only)
        sort_keys = self._sort_keys
        found = set()
        for match_id, start, end in matches:
            if start != end:
                key = sort_keys.get(match_id)
                if key is None:
                    key = sort_keys[match_id] = self._sort_key(doc, match_id)
                found.add((start, end) + key)
        data = doc.user_data  # doc._.kg_lexicon, without an Underscore object (see extension_key)
        before = data.get(_LEXICON_KEY)
        added = [(start, end, label, span_id) for start, end, _, _, label, span_id in sorted(found)]
        data[_LEXICON_KEY] = [*before, *added] if before else added
        return doc

    def _sort_key(self, doc: Doc, match_id: int) -> tuple[int, int, str, str]:
        info = self._match_label_id_map[match_id]
        label, span_id = info["label"], info["id"]
        strings = doc.vocab.strings
        return strings.add(label), strings.add(span_id) if span_id else 0, label, span_id

    def add_patterns(self, patterns: list[dict]) -> None:
        """SpanRuler.add_patterns with the pipeline's components off: a phrase pattern needs only its tokens
        (its LOWER or ORTH values), and running the components before this one over each of the ~1,900
        packaged spellings cost part of every process's start-up."""
        with self.nlp.select_pipes(disable=self.nlp.pipe_names):
            super().add_patterns(patterns)


@Language.factory("kg_lexicon_matches", assigns=["doc._.kg_lexicon"], default_config={"phrase_matcher_attr": None})
def make_lexicon_matches(nlp: Language, name: str, phrase_matcher_attr: str | None) -> LexiconMatches:
    return LexiconMatches(nlp, name, phrase_matcher_attr=phrase_matcher_attr)


# --- shapes ----------------------------------------------------------------------------------
@lru_cache(maxsize=1 << 16)
def shape_kind(text: str) -> str | None:
    """Which name shape a token has: "digit", "camel", "caps" or None.

    >>> [shape_kind(t) for t in ("K2-65B", "ChatGPT", "SELF-ALIGN", "model", "COVID-19", "A100")]
    ['digit', 'camel', 'caps', None, None, None]
    """
    if text.lower() in NOT_NAMES or len(text) < 2 or text.lower().startswith("covid"):
        return None
    if METRIC_AT_SHAPE.match(text):
        return "metric"
    if MODEL_DIGIT_SHAPE.match(text):
        # letter + 2-4 digits only is hardware or an identifier (A100, V100, Q1), not a model
        if len(text) <= 5 and text[0].isupper() and text[1:].isdigit():
            return None
        return "digit"
    if CAMEL_SHAPE.match(text):
        return "camel"
    if CAPS_SHAPE.match(text) and sum(c.isalpha() for c in text) >= 2:
        return "caps"
    if ACRONYM_WORD_SHAPE.match(text):
        return "camel"
    if PHRASE_NAME_SHAPE.match(text):
        return "caps"  # Needle-in-a-Haystack, Mixture-of-Depths: typed only by evidence
    if "-" in text[1:] and text[0].isalpha() and family_prefix(text):
        return "digit"  # a known family with a variant suffix: Swin-T, Whisper-small
    return None


@lru_cache(maxsize=1 << 16)
def _shape_mark(text: str) -> str | None:
    """shape_kind(text), or "code" for a letter-digit code that may start a two-word name ("K2"), else None."""
    kind = shape_kind(text)
    if kind is None and len(text) == 2 and text[0].isupper() and text[1].isdigit():
        return "code"
    return kind


#: word -> _shape_mark(word), "" for None, of the words seen; emptied when it reaches _MAX_SHAPE_MARKS words
_SHAPE_MARKS: dict[str, str] = {}
_MAX_SHAPE_MARKS = 1 << 16


def _is_release_name(word: str) -> bool:
    """An all-capital release name after a letter-digit code: "DIAMOND" in "K2 DIAMOND"."""
    return len(word) >= 4 and word.isalpha() and word.isupper() and word.lower() not in NOT_NAMES


def _plain_word(word: str) -> bool:
    """Whether a word surely has no name shape (_shape_mark None): a lower-case word, or a capitalised word of
    letters only, without "-" or "@". Each shape needs "@", a family's "-", a digit with a capital letter, or
    a capital letter after the first character; most new words are told apart without the regular expressions.

    >>> [_plain_word(w) for w in ("model", "Instead", "Gpt4", "ChatGPT", "llama-2", "K2", "pass@1")]
    [True, True, False, False, False, False, False]
    """
    return (word.islower() or word[1:].islower() and word.isalpha()) and "-" not in word and "@" not in word


def shape_candidates(doc: Doc) -> list[tuple[int, int, str]]:
    """(start, end, shape kind) of the tokens shaped like names, in token order; typed later from evidence.

    One cached lookup per token and a tuple per hit: a Span per hit cost more than finding them.
    """
    words = token_arrays(doc).words
    # a dict read through map (in C) is cheaper per token than a call of the lru-cached function
    marks = list(map(_SHAPE_MARKS.get, words))
    if None in marks:
        if len(_SHAPE_MARKS) >= _MAX_SHAPE_MARKS:
            _SHAPE_MARKS.clear()
        for i in compress(range(len(marks)), map(is_, marks, repeat(None))):  # the words not seen before
            word = words[i]
            mark = _SHAPE_MARKS.get(word)
            if mark is None:
                mark = _SHAPE_MARKS[word] = "" if _plain_word(word) else _shape_mark(word) or ""
            marks[i] = mark
    found = []
    last = len(words) - 1
    for i in compress(range(len(marks)), marks):
        mark = marks[i]
        if mark != "code":
            found.append((i, i + 1, mark))
        # "K2 DIAMOND": a letter-digit code (not a name alone: F0, R3, A1) followed by an all-capital release name
        elif i < last and _is_release_name(words[i + 1]):
            found.append((i, i + 2, "digit"))
    return found


@Language.factory("kg_shapes", assigns=["doc._.kg_shapes"], default_config={})
def make_shapes(nlp: Language, name: str) -> "ShapeCandidates":
    return ShapeCandidates()


class ShapeCandidates:
    """Puts (start, end, kind) of the name-shaped tokens in doc._.kg_shapes."""

    def __call__(self, doc: Doc) -> Doc:
        doc.user_data[_SHAPES_KEY] = shape_candidates(doc)  # doc._.kg_shapes (see extension_key)
        return doc


# --- candidates and evidence -------------------------------------------------------------------
@dataclass(slots=True)
class Candidate:
    start: int
    end: int
    source: str
    label: str = ""  # a type, or "" when only the shape is known
    key: str | None = None
    kind: str = ""
    evidence: dict[str, float] = field(default_factory=dict)

    def add(self, label: str, weight: float) -> None:
        if label:
            self.evidence[label] = self.evidence.get(label, 0.0) + weight


@lru_cache(maxsize=1 << 14)
def shape_type(text: str) -> str:
    """A weak type guess from how a name ends: "-Bench" is a dataset, "-GPT" a model.

    >>> shape_type("MT-Bench"), shape_type("InvestLM"), shape_type("SparseAttention"), shape_type("Foo")
    ('Dataset', 'Model', 'Method', '')
    """
    lowered = text.lower()
    if lowered.endswith(("bench", "qa", "eval", "set", "data", "corpus", "-sft", "instruct-data", "arena",
                         "glue", "pile", "mmlu")):
        return "Dataset"
    if lowered.endswith(("gpt", "lm", "llm", "bert", "coder", "net", "former", "llama", "chat", "t5",
                         "instruct", "vl", "-v", "-base", "-large", "-xl", "-xxl", "-mini", "-turbo")):
        return "Model"
    if SIZE_TOKEN.match(text.rsplit("-", 1)[-1]) and "-" in text:
        return "Model"
    if lowered.endswith(("pruner", "sampler", "optimizer", "search", "-rank", "ranking")):
        return "Method"
    if lowered.endswith(("align", "attention", "decoding", "prompt", "prompting", "tuning", "search", "merging",
                         "norm", "sampling", "former", "distill", "opt", "lora", "rl")):
        return "Method"
    return ""


_HEAD_WORDS = TASK_HEADS | METHOD_HEADS
_TRIGGER_WORDS = NAMING_WORDS | INTRO_VERBS | frozenset(CUE_NOUNS)
_VERB_TRIGGERS = NAMING_WORDS | INTRO_VERBS
_INTRO_WORDS = NAMING_WORDS | INTRO_VERBS | OWN_WORDS
_COMMA = frozenset({","})
_CUE_WORDS = _HEAD_WORDS | _TRIGGER_WORDS | _INTRO_WORDS | _COMMA
#: the lower-case words of the last doc seen by _cue_indices, the indices and lower-case texts of its cue tokens,
#: and the indices found per word set
_last_cue_tokens: list = [None, [], [], {}]


def _cue_indices(t: TokenArrays, words: frozenset[str]) -> list[int]:
    """Token indices whose lower-case text is one of `words` (a subset of _CUE_WORDS), in order (not to be
    changed: the list is kept and returned again for the same doc and words).

    The rules look up several of these word sets per doc; one pass over the tokens finds the tokens of all
    of them. The result is kept for the doc last asked about (`is` on its list of lower-case words, held
    here, so it cannot be another doc's).
    """
    lowers = t.lowers
    cache = _last_cue_tokens
    if cache[0] is not lowers:
        # the membership test runs in C (map over a method); only the few hits are visited in Python
        indices = list(compress(range(len(lowers)), map(_CUE_WORDS.__contains__, lowers)))
        cache[:] = [lowers, indices, list(map(lowers.__getitem__, indices)), {}]
    found = cache[3].get(words)
    if found is None:
        found = cache[3][words] = list(compress(cache[1], map(words.__contains__, cache[2])))
    return found


def _token_positions(t: TokenArrays, word: str, *, lower: bool = False) -> list[int]:
    """Indices of the tokens whose text (lower-case text, with `lower`) is `word`, in order.

    str.find over the doc's text, each hit checked against the token starting there: the text is scanned
    in C much faster than the tokens are compared one by one (_positions). A lower-case search lowers the
    text, which keeps each character's offset only in ASCII text; other texts are searched token by token.
    """
    text, idx = t.text, t.idx
    if lower:
        if not text.isascii():
            return _positions(t.lowers, word)
        text, words = text.lower(), t.lowers
    else:
        words = t.words
    found: list[int] = []
    at = text.find(word) if word else -1
    while at >= 0:
        i = bisect_left(idx, at)
        if i < len(idx) and idx[i] == at and words[i] == word:
            found.append(i)
        at = text.find(word, at + 1)
    return found


def _positions(seq: list[str], item: str) -> list[int]:
    """All indices of item in seq, in order (list.index scans in C)."""
    out = []
    i = -1
    try:
        while True:
            i = seq.index(item, i + 1)
            out.append(i)
    except ValueError:
        return out


@lru_cache(maxsize=1)
def _model_families() -> frozenset[str]:
    from .lexicon import load_patterns
    return frozenset(p["pattern"].lower() for p in load_patterns() if p["label"] == "Model" and len(p["pattern"]) >= 3)


@lru_cache(maxsize=1 << 14)
def family_prefix(text: str) -> str | None:
    """The packaged lexicon's model family a name starts with: "LLaMA-1" -> "llama", else None.

    >>> family_prefix("LLaMA-1"), family_prefix("Vicuna-13B-v1.5"), family_prefix("Foo-7B")
    ('llama', 'vicuna', None)
    """
    parts = re.split(r"[-\s]|(?<=[A-Za-z])(?=\d)", text)
    for n in range(len(parts) - 1, 0, -1):
        prefix = "-".join(parts[:n]).lower()
        if prefix in _model_families():
            return prefix
        if "".join(parts[:n]).lower() in _model_families():
            return "".join(parts[:n]).lower()
    return None


_name_key = lru_cache(maxsize=1 << 14)(name_key)


def head_type(words: list[str]) -> str:
    """The type a lower-case or long-form name gets from its head word (before "of", "in", ...).

    >>> head_type(["Activity", "Recognition", "In", "Classroom"]), head_type(["Position", "Interpolation"])
    ('Task', 'Method')
    """
    lowered = [w.lower() for w in words]
    for i, word in enumerate(lowered):
        if i > 0 and word in PREPOSITIONS_IN_NAMES:
            lowered = lowered[:i]
            break
    if not lowered:
        return ""
    head = lowered[-1].split("-")[-1] if lowered[-1] not in _HEAD_WORDS else lowered[-1]
    for table, label in ((DATASET_HEADS, "Dataset"), (METRIC_HEADS, "Metric"), (TASK_HEADS, "Task"),
                         (METHOD_HEADS, "Method")):
        if lowered[-1] in table or head in table:
            return label
    if head in {"model", "models", "llm", "llms", "transformer", "gpt"}:
        return "Model"
    return ""


def is_generic_long_form(text: str) -> bool:
    """True for long forms that name a kind of thing: "Large Language Models", "Artificial Intelligence".

    >>> is_generic_long_form("Large Language Models"), is_generic_long_form("Position Interpolation")
    (True, False)
    """
    lowered = text.lower()
    if lowered in GENERIC_BUT_NAMED:
        return False
    words = lowered.replace("-", " ").split()
    return lowered in GENERIC_PHRASES or all(w in GENERIC_WORDS for w in words)


_NP_END = frozenset({"that", "which", "for", "of", "to", "with", "from", "on", "in", "by", "and", "or", "designed",
                     "trained", "built", "based", "using", "we", "who", "whose"})


def appositive_type(t: TokenArrays, start: int) -> str:
    """Type from the head (last word) of the noun phrase starting at `start`: "a holistic LLM scaling
    guideline" -> Method (guideline), "a 65 billion-parameter LLM that ..." -> Model."""
    head = ""
    for i in range(start, min(start + 8, len(t.words))):
        lower = t.lowers[i]
        if lower in ("and", "or") and head not in APPOSITIVE_HEADS:
            continue  # "a lightweight and user-friendly tool": adjectives joined before the head
        if lower in _NP_END or t.is_punct[i] and t.words[i] not in ("-",):
            break
        if lower in APPOSITIVE_HEADS or head not in APPOSITIVE_HEADS:
            head = lower  # "a ... tool crafted to ...": the last head noun, not a trailing participle
    return APPOSITIVE_HEADS.get(head, "")


#: the words a CUE_BEFORE cue can end with, directly or before an article
_CUE_BEFORE_LAST = frozenset(cue[-1] for cue in CUE_BEFORE) | {"the", "a", "an"}
#: the words after a name that context_type reads
_CUES_AFTER = frozenset(CUE_NOUNS) | {"-based", "-style", ","}


def context_type(t: TokenArrays, start: int, end: int) -> str:
    """The type the words around a name give it: "the X dataset", "trained on X", "X, a new model"."""
    lowers = t.lowers
    n = len(lowers)
    if end < n:  # (words read by index: this runs for every chosen name, and a slice per call cost more)
        first = lowers[end]
        if first in ("-based", "-style"):
            return ""
        if first in CUE_NOUNS and not (end + 1 < n and lowers[end + 1] == "of"):
            return CUE_NOUNS[first]
        if first == "," and end + 2 < n and lowers[end + 1] in ("a", "an", "the"):
            return appositive_type(t, end + 2)
    if start == 0 or lowers[start - 1] not in _CUE_BEFORE_LAST:
        return ""  # no cue can end here (the loop below would find none; most names take this exit)
    for size in (3, 2, 1):
        if start - size < 0:
            continue
        before = tuple(t.lowers[start - size:start])
        if before in CUE_BEFORE:
            return CUE_BEFORE[before]
        if size >= 2 and before[-1] in ("the", "a", "an") and before[:-1] in CUE_BEFORE:
            return CUE_BEFORE[before[:-1]]
    return ""


# word tests the name extensions make on most candidates, cached per word like shape_kind
@lru_cache(maxsize=1 << 16)
def _has_digit(word: str) -> bool:
    return any(c.isdigit() for c in word)


@lru_cache(maxsize=1 << 16)
def _is_size(word: str) -> bool:
    return SIZE_TOKEN.match(word) is not None


@lru_cache(maxsize=1 << 16)
def _is_data_version(word: str) -> bool:
    return DATA_VERSION_TOKEN.match(word) is not None


@lru_cache(maxsize=1 << 16)
def _may_continue_name(text: str) -> bool:
    """Whether a word passes any word test of extend_model_name's loop (a size, a version, a variant or
    a release name); most words pass none, and then the name cannot be extended."""
    return (_is_size(text) or bool(VERSION_TOKEN.match(text)) and len(text) <= 4
            or text.lower().lstrip("-") in VARIANT_WORDS and text[:1].isupper()
            or len(text) >= 4 and text.isalpha() and text.isupper() and text.lower() not in NOT_NAMES)


def extend_model_name(t: TokenArrays, start: int, end: int) -> int:
    """End of a model name followed by a version, size or variant: "Llama 2 70B", "Mistral 7B Instruct"."""
    words, n = t.words, len(t.words)
    if end >= n or not _may_continue_name(words[end]):
        return end
    has_digit = any(map(_has_digit, words[start:end]))
    while end < n and end - start < 5:
        text = words[end]
        if _is_size(text) or (words[end - 1][-1:].isalpha() and not has_digit
                                      and VERSION_TOKEN.match(text) and len(text) <= 4
                                      and not (end + 1 < n and t.lowers[end + 1] in
                                               ("%", "times", "percent", "points", "tokens", "billion"))):
            has_digit = True
            end += 1
        elif has_digit and text.lower().lstrip("-") in VARIANT_WORDS and text[:1].isupper():
            end += 1
        elif (has_digit and end - start == 1 and len(text) >= 4 and text.isalpha() and text.isupper()
              and text.lower() not in NOT_NAMES and shape_kind(words[start]) == "digit"):
            end += 1  # "K2 DIAMOND": a release name after a short digit name
            break
        else:
            break
    return end


def extend_version(t: TokenArrays, start: int, end: int) -> int:
    """End of a dataset or tool name followed by its version, edition or year: "SQuAD v1.1", "The Stack v2",
    "Common Voice 11.0", "i2b2 2010". A bare decimal or year is not taken before "%" or a unit."""
    if end < len(t.words) and _is_data_version(t.words[end]):
        after = t.lowers[end + 1] if end + 1 < len(t.lowers) else ""
        if t.words[end][:1] in "vV" or after not in ("%", "points", "times", "percent", "tokens", "billion",
                                                      "million", "hours", "k", "m", "b", "x"):
            return end + 1
    return end


_ING_ED_MODIFIERS = frozenset({
    "learning", "sampling", "fine-tuning", "processing", "reasoning", "understanding", "answering", "parsing",
    "tagging", "labeling", "modeling", "modelling", "embedding", "matching", "ranking", "filtering",
    "clustering", "speed", "shared", "supervised", "self-supervised", "weakly-supervised", "semi-supervised",
    "unsupervised", "grained", "knowledge-grounded", "retrieval-augmented", "boosted", "controlled",
    "conditioned", "conditional", "gated", "distributed", "federated", "curriculum"})


_TRAILING_GENERIC = frozenset({"method", "approach", "scheme", "framework", "technique", "algorithm", "strategy",
                               "pipeline", "recipe", "procedure"})


@lru_cache(maxsize=1 << 16)
def _is_modifier(text: str) -> bool:
    """A lower-case content word that can sit inside a name before its head ("speech", "few-shot")."""
    if not text.islower() or not text.replace("-", "").isalpha() or text.startswith("-"):
        return False
    if text in LEFT_STOP or text in GENERIC_PHRASES:
        return False
    if text.endswith("s") and not text.endswith(("ss", "us", "is", "news")):
        return False  # mostly verbs ("outperforms", "casts") or plurals ending a phrase
    if text.endswith(("ly", "ed", "ing")) and text not in _ING_ED_MODIFIERS:
        return False
    return True


_HEAD_LINKS = frozenset({"-based", "-level", "-specific", "-aware", "-guided", "-augmented", "-driven", "-grounded"})


def lowercase_head_candidates(t: TokenArrays) -> list[Candidate]:
    """Lower-case names ending in a Task/Method head word: "dialogue summarization", "nucleus sampling".

    The name runs left from the head over lower-case content words, at most 4 of them, and needs at
    least one modifier ("recognition" alone is not a name).
    """
    found = []
    words = t.words
    for index in _cue_indices(t, _HEAD_WORDS):
        if not words[index].islower():
            continue
        start = index
        while start > 0 and index - start < 4:
            if _is_modifier(words[start - 1]):
                start -= 1
            elif start > 1 and words[start - 1] in _HEAD_LINKS and _is_modifier(words[start - 2]):
                start -= 2
            else:
                break
        if start == index:
            continue
        end = index + 1
        if t.lowers[index] in WEAK_HEADS and index - start < 2 and "-" not in words[start]:
            continue  # "predominant algorithm", "knowledge search": too weak alone
        # "data augmentation method" stays whole: SciERC and most annotators keep the generic head
        found.append(Candidate(start, end, "head", label=head_type(words[start:end]), kind="head"))
    return found


@lru_cache(maxsize=1 << 16)
def _name_token_kind(text: str) -> int:
    """0: not a name token; 1: a name token anywhere (name-shaped); 2: only off a sentence start."""
    if not text[:1].isalpha() or text.lower() in NOT_NAMES or text.lower() in GENERIC_PHRASES:
        return 0
    if shape_kind(text) is not None:
        return 1
    return 2 if text[:1].isupper() and text[1:].replace("-", "").isalpha() else 0


def _is_name_token(t: TokenArrays, i: int) -> bool:
    """A capitalised word that is not the first of its sentence, or a name-shaped one anywhere."""
    kind = _name_token_kind(t.words[i])
    return kind == 1 or kind == 2 and not t.is_sent_start[i]


def _name_end(t: TokenArrays, start: int) -> int:
    """End of a name starting at `start`: consecutive capitalised or name-shaped tokens, then sizes."""
    end = start + 1
    n = len(t.words)
    while end < n and end - start < 4 and _is_name_token(t, end) and not t.is_sent_start[end]:
        end += 1
    return extend_model_name(t, start, end)


_CLOSERS = frozenset({",", "(", ":", ".", ";", "which", "that", "to", "for", "as", "—", "–", "and", "is", "was",
                      "with", "on", "in"})


def _ends_name(t: TokenArrays, end: int) -> bool:
    """Whether what follows a name closes it: punctuation or a clause word, not "-based" or a noun."""
    return end >= len(t.words) or t.words[end] in _CLOSERS


def _noun_before(t: TokenArrays, i: int) -> str:
    """The type of a naming word's noun: "the resulting datasets, named X" -> Dataset; else ""."""
    for j in range(i - 1, max(t.sent_start[i], i - 3) - 1, -1):
        lower = t.lowers[j]
        if lower in (",", "a", "an", "the"):
            continue
        return CUE_NOUNS.get(lower) or APPOSITIVE_HEADS.get(lower, "")
    return ""


def _continues(t: TokenArrays, end: int) -> bool:
    """Whether the name ending at `end` runs on through a split cue suffix: "Gradient" "-based" "Language ..."."""
    return end < len(t.words) and t.words[end].startswith("-") and len(t.words[end]) > 1


def context_name_candidates(t: TokenArrays) -> list[Candidate]:
    """Names that only their context reveals: "we present Dromedary", "a model called X",
    "the resulting model, Crystal,", "X, a new benchmark"."""
    found: list[Candidate] = []
    words, lowers, n = t.words, t.lowers, len(t.words)
    # Each rule starts at a naming or intro verb, or at the word before a comma that is followed by a name
    # or by "a"/"an" (the rules of the other words before a comma fail on that word: they are not visited).
    triggers = _cue_indices(t, _VERB_TRIGGERS)
    before_commas = [c - 1 for c in _cue_indices(t, _COMMA)
                     if 0 < c < n - 1 and (lowers[c + 1] in ("a", "an") or _is_name_token(t, c + 1))]
    if before_commas:
        triggers = sorted({*triggers, *before_commas})
    for i in triggers:
        if i + 1 >= n:
            break
        lower = lowers[i]
        if (lower in NAMING_WORDS or lower in INTRO_VERBS) and _is_name_token(t, i + 1):
            end = _name_end(t, i + 1)
            if lower in NAMING_WORDS and not _continues(t, end) or (
                    lower in INTRO_VERBS and _ends_name(t, end)
                    and not INTRO_SUBJECTS.isdisjoint(lowers[max(0, i - 6):i])):
                found.append(Candidate(i + 1, end, "context", _noun_before(t, i), None, "named"))
                continue
        if words[i + 1] != ",":
            continue
        if (lower in CUE_NOUNS and i + 2 < n and _is_name_token(t, i + 2)
                and i >= 1 and lowers[i - 1] in OWN_WORDS):
            found.append(Candidate(i + 2, _name_end(t, i + 2), "context", CUE_NOUNS[lower], None, "named"))
        elif (i + 2 < n and lower not in OWN_WORDS
              and _is_name_token(t, i + 2) and not _is_name_token(t, i) and _intro_sentence(t, i)
              and (end := _name_end(t, i + 2)) < n and words[end] in (",", "and", "(", ".", "designed", "that",
                                                                      "which", "trained", "built")):
            # "we introduce a pretrained small scorer, Cappy, designed to ..."
            found.append(Candidate(i + 2, end, "context", APPOSITIVE_HEADS.get(lower, ""), None, "named"))
        elif (i + 3 < n and lowers[i + 2] in ("a", "an") and _is_name_token(t, i)
              and (i == 0 or not _is_name_token(t, i - 1))):
            head = appositive_type(t, i + 3)
            if head:
                found.append(Candidate(i, i + 1, "context", head, None, "named"))
    return found


def _intro_sentence(t: TokenArrays, i: int) -> bool:
    """Whether token i follows "we <intro verb>" within its sentence (at most 12 tokens back)."""
    start = max(t.sent_start[i], i - 12)
    window = t.lowers[start:i]
    return any(w in INTRO_VERBS and any(s in INTRO_SUBJECTS for s in window[max(0, k - 3):k])
               for k, w in enumerate(window))


def title_name_candidates(t: TokenArrays, title: str | None) -> list[Candidate]:
    """The name before the colon of a title ("InvestLM: A Large Language Model for ..."), where the
    abstract uses it; short names only (at most 4 words), and not generic phrases."""
    if not title or ":" not in title:
        return []
    words = tuple(title.split(":", 1)[0].split())
    if not 1 <= len(words) <= 4 or " ".join(words).lower() in GENERIC_PHRASES:
        return []
    key = name_key(" ".join(words))
    found = []
    first = words[0].lower()
    stem = first.split("-")[0]
    indices = _token_positions(t, first, lower=True) if stem == first else \
        sorted({*_token_positions(t, first, lower=True), *_token_positions(t, stem, lower=True)})
    for index in indices:
        for n in range(1, 5):
            if index + n <= len(t.words) and _name_key(t.span_text(index, index + n)) == key:
                found.append(Candidate(index, index + n, "context", kind="named"))
                break
    return found


def propagate(t: TokenArrays, chosen: list[Candidate], taken: bytearray) -> list[Candidate]:
    """Other occurrences of names found by context or abbreviation, as candidates of the same kind.

    `taken` marks the tokens of the chosen candidates with 1 (as _select leaves it); the tokens of the new
    candidates are marked too.
    """
    texts: dict[tuple[str, ...], Candidate] = {}
    for cand in chosen:
        if cand.source in ("context", "abbreviation") and cand.kind in ("named", "long", "short"):
            texts.setdefault(tuple(t.words[cand.start:cand.end]), cand)
    if not texts:
        return []
    extra = []
    for words, cand in texts.items():
        n = len(words)
        for index in _token_positions(t, words[0]):
            if tuple(t.words[index:index + n]) == words and taken.find(1, index, index + n) < 0:
                extra.append(Candidate(index, index + n, cand.source, cand.label, None, cand.kind))
                taken[index:index + n] = b"\x01" * n
    return extra


def _intro_flags(t: TokenArrays, spans: list[Candidate], title: str | None, keys: list[str] | None = None
                 ) -> set[int]:
    """Indices of the spans the paper itself introduces (`keys`: the name keys of the spans' texts, when known)."""
    introduced: set[int] = set()
    # the spans are sorted and cover at least one token each, so their starts are sorted and distinct
    starts = list(map(_start, spans))
    lowers, n = t.lowers, len(t.words)
    for index in _cue_indices(t, _INTRO_WORDS):
        sent_start, sent_end = t.sent_start[index], t.sent_end[index]
        lower = lowers[index]
        if lower in NAMING_WORDS or (lower in INTRO_VERBS
                                     and not INTRO_SUBJECTS.isdisjoint(lowers[max(sent_start, index - 6):index])):
            # the first candidate within the next 12 tokens of the sentence, and names coordinated with it
            first = bisect_right(starts, index)
            for start in starts[first:first + 1]:
                if start <= min(index + 12, sent_end - 1):
                    introduced.add(first)
                    while first + 1 < len(spans) and spans[first + 1].start == spans[first].end + 1 \
                            and t.lowers[spans[first].end] == "and" and spans[first + 1].start < sent_end \
                            and spans[first + 1].source in ("shape", "context"):
                        first += 1
                        introduced.add(first)
                    break
        if lower in OWN_WORDS:
            # "our X", "our proposed X", "the resulting model, X"
            k = bisect_right(starts, index)
            for start in starts[k:k + 1]:
                if start <= index + 3 and start < sent_end:
                    between = lowers[index + 1:start]
                    if all(w in OWN_WORDS or w in CUE_NOUNS or w == "," for w in between):
                        introduced.add(k)
                    break
    for comma in _cue_indices(t, _COMMA):  # "X, a new ...": the spans ending at such a comma
        if comma + 2 < n and lowers[comma + 1] in ("a", "an") and lowers[comma + 2] in ("new", "novel"):
            introduced.update(i for i, cand in enumerate(spans) if cand.end == comma)
    if title and ":" in title:
        prefix = name_key(title.split(":", 1)[0])
        if keys is None:
            keys = [_name_key(t.span_text(cand.start, cand.end)) for cand in spans]
        introduced.update(compress(range(len(keys)), map(prefix.__eq__, keys)))  # the spans whose key is the prefix
    return introduced


_start = attrgetter("start")  # sort key of candidates and mentions (in C, unlike a lambda)
_NUMERIC_FORMATS = frozenset({"full", "half", "mixed", "single", "double", "low", "reduced", "lower", "higher",
                              "numerical", "arbitrary", "floating-point", "fp16", "bf16", "fp32", "int8", "int4",
                              "4-bit", "8-bit", "16-bit", "32-bit", "low-bit"})


class ChosenMention(NamedTuple):
    """A final mention as plain data (what doc.ents and doc._.kg_mention_meta hold, without Spans)."""

    start: int  # token offsets
    end: int
    label: str
    key: str  # the lexicon's canonical name, or ""
    source: str
    introduced: bool


#: ChosenMention(*fields) as tuple.__new__(ChosenMention, fields): without the Python-level __new__ of NamedTuple
_new_row = tuple.__new__

_ENT_COLUMNS = [ENT_IOB, ENT_TYPE, ENT_ID]


def _set_ents(doc: Doc, chosen: list[ChosenMention]) -> None:
    """doc.set_ents(spans, default="outside") for the chosen mentions (sorted, not overlapping), written as
    token columns.

    A Span costs four Token objects to make; the columns hold what set_ents writes per token: IOB 3 (begin),
    1 (inside) or 2 (outside), the label, and the key as the entity id (0 for none; kg sets no entity ids
    elsewhere, so set_ents' keeping of an old id under a span without one never applies). The doc is cut
    into runs of equal rows (outside, begin, inside, per mention) that numpy repeats, so Python visits
    each mention once rather than each token.
    """
    n = len(doc)
    if not n:
        return
    add = doc.vocab.strings.add
    ids = {"": 0}  # each label and key added to the strings once per doc
    rows: list[int] = []  # (IOB, label, id) of each run, flat
    lengths: list[int] = []  # tokens in each run
    position = 0
    for start, end, label, key, _, _ in chosen:
        label_id = ids.get(label)
        if label_id is None:
            label_id = ids[label] = add(label)
        key_id = ids.get(key)
        if key_id is None:
            key_id = ids[key] = add(key)
        rows += (2, 0, 0, 3, label_id, key_id, 1, label_id, key_id)
        lengths += (start - position, 1, end - start - 1)
        position = end
    rows += (2, 0, 0)
    lengths.append(n - position)
    runs = numpy.frombuffer(array("Q", rows), dtype=numpy.uint64).reshape(-1, 3)
    doc.from_array(_ENT_COLUMNS, runs.repeat(lengths, axis=0))


def _mention_meta(chosen: list[ChosenMention]) -> dict[tuple[int, int], tuple[str, bool]]:
    return {(start, end): (source, introduced) for start, end, _, _, source, introduced in chosen}


def choose_mention_rows(doc: Doc, *, title: str | None = None) -> list[ChosenMention]:
    """Final typed mentions of a doc, in token order."""
    ext = doc._
    return _choose_mention_rows(token_arrays(doc), ext.kg_lexicon, ext.kg_shapes, ext.kg_abbreviations, title)


def _choose_mention_rows(t: TokenArrays, lexicon: list[tuple[int, int, str, str]], shapes: list[tuple[int, int, str]],
                         abbreviations: tuple[Abbreviation, ...], title: str | None) -> list[ChosenMention]:
    """choose_mention_rows with the doc's token arrays, lexicon matches, shapes and abbreviations."""
    words, lowers, n = t.words, t.lowers, len(t.words)
    cands: list[Candidate] = []
    for start, end, label, span_id in lexicon:
        # a one-token match's lower-case text is its lower-case word (spaCy's LOWER is str.lower of the text)
        if (lowers[start] if end - start == 1 else t.span_text(start, end).lower()) in GENERIC_PHRASES:
            continue
        if label == "Metric" and start > 0 and lowers[start] == "precision" and lowers[start - 1] in _NUMERIC_FORMATS:
            continue  # "full precision", "mixed precision": a number format, not the metric
        name_end = end  # (the extensions' first word tests, inline: most names are not extended)
        if end < n:
            if label == "Model":
                if _may_continue_name(words[end]):
                    name_end = extend_model_name(t, start, end)
            elif (label == "Dataset" or label == "Method") and _is_data_version(words[end]):
                name_end = extend_version(t, start, end)
        # "LLaMA 65B", "SQuAD v1.1" are their own entities, without the lexicon's key
        cands.append(Candidate(start, name_end, "lexicon", label, span_id or None if name_end == end else None,
                               "lexicon"))
    lexicon_count = len(cands)
    for start, shape_end, kind in shapes:
        end = shape_end
        if end < n:
            if (kind == "digit" or kind == "camel") and _may_continue_name(words[end]):
                end = extend_model_name(t, start, shape_end)
            if end == shape_end and kind in ("caps", "camel", "digit") and _is_data_version(words[end]):
                end = extend_version(t, start, end)
        cands.append(Candidate(start, end, "shape", "", None, kind))
    shapes_end = len(cands)
    # abbreviation definitions: both forms are candidates, typed by the long form's head
    abbreviation_links: list[tuple[str, str]] = []
    positions = _WordPositions(t)
    shorts_done: set[tuple[str, str]] = set()
    for (long_start, long_end), short_index in _abbreviation_spans(abbreviations, t, positions):
        long_text = t.span_text(long_start, long_end)
        if is_generic_long_form(long_text):
            continue
        label = head_type(t.words[long_start:long_end])
        cands.append(Candidate(long_start, long_end, "abbreviation", label=label, kind="long"))
        short_text = t.words[short_index]
        abbreviation_links.append((name_key(long_text), name_key(short_text)))
        if (short_text, label) in shorts_done:
            continue  # a definition repeated N times would otherwise add N x N candidates
        shorts_done.add((short_text, label))
        for index in positions.get(short_text, ()):
            cands.append(Candidate(index, index + 1, "abbreviation", label=label, kind="short"))
    cands.extend(context_name_candidates(t))
    cands.extend(title_name_candidates(t, title))
    lexicon = cands[:lexicon_count]
    if lexicon:
        lexicon_by_start = {c.start: c for c in lexicon}
        for cand in cands[lexicon_count:shapes_end]:  # the shape candidates
            inner = lexicon_by_start.get(cand.start)
            if inner is not None and cand.end > inner.end:
                cand.label, cand.source = inner.label, "context"  # "AlpacaEval 2.0" is typed like "AlpacaEval"
    lexicon_by_end = {c.end: c for c in lexicon}
    for cand in lowercase_head_candidates(t):
        for link in range(cand.end - 2, cand.start, -1):
            if t.words[link] in _HEAD_LINKS and link in lexicon_by_end:
                cand.start = link + 1  # "transformer-based model architecture": Transformer is the name
                if cand.end - cand.start < 2 or t.lowers[cand.start] in WEAK_HEADS | {"model", "models"}:
                    cand.start = -1  # what is left is a generic phrase
                break
        if cand.start < 0:
            continue
        inner = lexicon_by_end.get(cand.end)
        if inner is not None and inner.start > cand.start:
            cand.label = inner.label  # "few-shot continual learning" is typed like "continual learning"
        cands.append(cand)

    taken = bytearray(len(t.words) + 1)  # 1 where a chosen span covers the token
    chosen = _select(cands, taken)
    extra = propagate(t, chosen, taken)
    if extra:
        chosen = sorted(chosen + extra, key=_start)
    _add_evidence(t, chosen)
    extra = coordinated_candidates(t, chosen, taken)
    if extra:
        chosen = sorted(chosen + extra, key=_start)
    # evidence per name (grouped by key, and across defined abbreviations)
    group_of: dict[str, str] = {}
    for long_key, short_key in abbreviation_links:
        group_of[short_key] = group_of.get(long_key, long_key)
    texts = [t.span_text(c.start, c.end) for c in chosen]
    keys = list(map(_name_key, texts))
    groups: dict[str, list[int]] = {}  # (a plain dict: most keys are new, and defaultdict's misses cost more)
    for i, key in enumerate(map(group_of.get, keys, keys) if group_of else keys):
        members = groups.get(key)
        if members is None:
            groups[key] = [i]
        else:
            members.append(i)
    introduced = _intro_flags(t, chosen, title, keys)

    chosen_mentions: list[ChosenMention] = []
    for members in groups.values():
        if len(members) == 1:  # most names occur once: the rules below for one member, without the group sums
            i = members[0]
            cand = chosen[i]
            source, evidence = cand.source, cand.evidence
            # a name the lexicon already knows is prior work, not what this paper introduces
            intro = source != "lexicon" and i in introduced and not (source == "shape" and family_prefix(texts[i]))
            if source == "lexicon":
                label = cand.label
            elif evidence:
                label = max(sorted(evidence), key=evidence.__getitem__)
            elif intro or cand.kind == "named":
                label = "Method" if cand.kind in ("caps", "short", "long") else "Model"
            else:
                continue
            if source == "head" and evidence.get(label, 0.0) < 1.0 or texts[i].lower() in GENERIC_PHRASES \
                    or source != "lexicon" and _is_project(t, cand.end):
                continue
            key = cand.key if cand.key and _name_key(cand.key) == keys[i] else ""
            chosen_mentions.append(_new_row(ChosenMention, (cand.start, cand.end, label, key,
                                                            source if source != "head" else "context", intro)))
            continue
        # several occurrences, or an abbreviation and its long form: their evidence adds up
        votes: dict[str, float] = defaultdict(float)
        lexicon_member = None
        for i in members:
            cand = chosen[i]
            for label, weight in cand.evidence.items():
                votes[label] += weight
            if lexicon_member is None and cand.source == "lexicon":
                lexicon_member = cand
        # a name the lexicon already knows is prior work, not what this paper introduces
        group_intro = lexicon_member is None and not introduced.isdisjoint(members) \
            and not any(chosen[i].source == "shape" and family_prefix(texts[i]) for i in members)
        if lexicon_member is not None:
            label = lexicon_member.label
        elif votes:
            label = max(sorted(votes), key=lambda t: votes[t])
        elif group_intro or any(chosen[i].kind == "named" for i in members):
            label = "Method" if any(chosen[i].kind in ("caps", "short", "long") for i in members) else "Model"
        else:
            continue  # no evidence that this is an entity
        # a bare head-word phrase needs its head to say Task/Method, and no other conflicting evidence
        if lexicon_member is None and votes.get(label, 0.0) < 1.0 \
                and min({chosen[i].source for i in members}, key=SOURCE_PRIORITY.__getitem__) == "head":
            continue
        if texts[members[0]].lower() in GENERIC_PHRASES:
            continue
        if lexicon_member is None and any(_is_project(t, chosen[i].end) for i in members):
            continue  # "the K2 project", "LLM360, an initiative to ...": initiatives are not entities
        first = members[0]  # the first in the text: `chosen` is in token order
        surfaces = {keys[i] for i in members}
        for i in members:
            cand = chosen[i]
            # the lexicon's canonical name only when the text uses it: the scorer (and a reader) sees names
            # as written ("summarization", not "text summarization")
            key = cand.key if cand.key and _name_key(cand.key) in surfaces else None
            chosen_mentions.append(_new_row(ChosenMention, (cand.start, cand.end, label, key or "",
                                                            cand.source if cand.source != "head" else "context",
                                                            group_intro and i == first)))
    return sorted(chosen_mentions, key=_start)


def _is_project(t: TokenArrays, end: int) -> bool:
    """Whether the name ending at `end` is called a project or initiative: "X project", "X, an initiative"."""
    lowers = t.lowers
    if end >= len(lowers):
        return False
    if lowers[end] in PROJECT_WORDS:
        return True
    return lowers[end] == "," and end + 2 < len(lowers) and lowers[end + 1] in ("a", "an", "the") \
        and lowers[end + 2] in PROJECT_WORDS


def _add_evidence(t: TokenArrays, cands: list[Candidate]) -> None:
    """Typing evidence of each candidate from its source, its context and its shape (one call per doc, and
    Candidate.add inlined: this runs for every chosen name).

    Lexicon candidates get none: their type is the lexicon's (in a group and in a list, see
    choose_mention_rows and _strong_type), and their evidence is never read.
    """
    lowers = t.lowers
    n = len(lowers)
    for cand in cands:
        source = cand.source
        if source == "lexicon":
            continue
        start, end, label, kind, evidence = cand.start, cand.end, cand.label, cand.kind, cand.evidence
        name = t.span_text(start, end)
        if source != "shape" and label:
            evidence[label] = evidence.get(label, 0.0) + EVIDENCE_WEIGHT[source]
        # context_type finds a cue only after a word of _CUES_AFTER or before one of _CUE_BEFORE_LAST
        cue = context_type(t, start, end) if end < n and lowers[end] in _CUES_AFTER \
            or start > 0 and lowers[start - 1] in _CUE_BEFORE_LAST else ""
        if cue and not (cue == "Dataset" and source == "head" and label == "Task"):
            # "the GSM8K math word reasoning benchmark": the benchmark is GSM8K, the phrase stays a task
            evidence[cue] = evidence.get(cue, 0.0) + EVIDENCE_WEIGHT["context"]
        if kind == "metric" or "@" in name and METRIC_AT_SHAPE.match(name):
            evidence["Metric"] = evidence.get("Metric", 0.0) + EVIDENCE_WEIGHT["lexicon"]
        elif source == "shape" and kind != "caps":
            if family_prefix(name):
                evidence["Model"] = evidence.get("Model", 0.0) + EVIDENCE_WEIGHT["lexicon"]  # LLaMA-1: a known family
            else:
                guess = shape_type(name) or ("Model" if kind in ("digit", "camel") else "")
                if guess:
                    evidence[guess] = evidence.get(guess, 0.0) + EVIDENCE_WEIGHT["shape"]


_LIST_SEPARATORS = frozenset({(",",), ("and",), ("or",), (",", "and"), (",", "or")})
_SEPARATOR_WORDS = frozenset({",", "and", "or"})
_STRONG_SOURCES = frozenset({"lexicon", "context", "abbreviation"})


def _strong_type(cand: Candidate) -> str:
    """The type a candidate's trusted evidence (lexicon, context, abbreviation) gives, or ""."""
    if cand.source in _STRONG_SOURCES and cand.label:
        return cand.label
    if cand.evidence and max(cand.evidence.values()) >= EVIDENCE_WEIGHT["context"]:
        return max(sorted(cand.evidence), key=cand.evidence.__getitem__)
    return ""


def coordinated_candidates(t: TokenArrays, chosen: list[Candidate], taken: bytearray) -> list[Candidate]:
    """Coordination carries a type across a list: in "on GLUE, Foo and Bar" or "outperforms GCN, GAT and
    GPR-GNN", members with only shape evidence get the list's type, and capitalised words in list positions
    become candidates of that type. A metric followed by "on X" ("31.2 mIoU on X") is Dataset evidence for X.

    The list's type is the one its typed members agree on (Model and Method lists stay Model/Method as
    typed). `chosen` is sorted by start, and its tokens are marked with 1 in `taken` (as are then the new
    candidates'). Adds evidence to `chosen` in place and returns the new candidates.
    """
    lowers, n = t.lowers, len(t.lowers)
    by_end: dict[int, Candidate] | None = None
    # chains of candidates joined by list separators
    # A list ends at its conjunction: in "On A, B and C, Foo improves ..." Foo is not a member.
    chains: list[list[Candidate]] = []
    closed: list[bool] = []
    end = -3  # the end of the last chain
    for cand in chosen:
        start = cand.start
        # "mIoU on X", "top-1 accuracy on X" (the metric is before X: its evidence is complete here)
        if start >= 1 and lowers[start - 1] == "on":
            if by_end is None:
                by_end = {c.end: c for c in chosen}
            prev = by_end.get(start - 1)
            if prev is not None and _strong_type(prev) == "Metric" and cand.source != "lexicon":
                cand.add("Dataset", EVIDENCE_WEIGHT["context"])
        if 0 < start - end <= 2 and not closed[-1] and tuple(lowers[end:start]) in _LIST_SEPARATORS:
            chains[-1].append(cand)
            closed[-1] = lowers[start - 1] in ("and", "or")
        else:
            chains.append([cand])
            closed.append(False)
        end = cand.end
    new: list[Candidate] = []
    for chain, is_closed in zip(chains, closed):
        if len(chain) == 1:  # most chains: one name, typed or not
            cand = chain[0]
            if not (cand.end < n and lowers[cand.end] in _SEPARATOR_WORDS
                    or cand.start >= 2 and lowers[cand.start - 1] in _SEPARATOR_WORDS):
                continue  # not beside a separator: no list to extend, nor one to type
            label = _strong_type(cand)
            if not label:
                continue
        else:
            types = {_strong_type(c) for c in chain} - {""}
            if len(types) != 1:
                continue
            label = types.pop()
        if label in ("Task", "Metric"):
            continue  # lower-case phrases in lists are found by their heads
        # extend the chain over uncovered capitalised words on both sides, up to its conjunction
        added = 0
        for direction in (1, -1):
            edge = chain[-1] if direction == 1 else chain[0]
            while True:
                # most names are not next to a separator (_list_neighbour would find nothing)
                if direction == 1:
                    if is_closed or edge.end >= n or lowers[edge.end] not in _SEPARATOR_WORDS:
                        break
                elif edge.start < 2 or lowers[edge.start - 1] not in _SEPARATOR_WORDS:
                    break
                found = _list_neighbour(t, edge, direction, taken)
                if found is None or direction == -1 and is_closed and _is_conjunction(t, found[1], edge.start):
                    break
                if direction == 1:
                    is_closed = _is_conjunction(t, edge.end, found[0])
                cand = Candidate(found[0], found[1], "context", label, None, "list")
                cand.add(label, EVIDENCE_WEIGHT["context"])
                taken[found[0]:found[1]] = b"\x01" * (found[1] - found[0])
                new.append(cand)
                added += 1
                edge = cand
        if not is_closed:
            if added:
                del new[-added:]  # no conjunction: not clearly a list
            continue
        for cand in chain:
            if cand.source == "shape" and not _strong_type(cand):
                cand.add(label, EVIDENCE_WEIGHT["context"])
    return new


def _is_conjunction(t: TokenArrays, end: int, start: int) -> bool:
    return t.lowers[start - 1] in ("and", "or")


def _separator(t: TokenArrays, end: int, start: int) -> bool:
    return 0 < start - end <= 2 and tuple(t.lowers[end:start]) in _LIST_SEPARATORS


def _list_neighbour(t: TokenArrays, edge: Candidate, direction: int, taken: bytearray) -> tuple[int, int] | None:
    """(start, end) of an uncovered capitalised name next to `edge` across a list separator, else None
    (`taken`: 1 for each covered token)."""
    n = len(t.words)
    if direction == 1:
        for gap in (1, 2):
            start = edge.end + gap
            if start < n and _separator(t, edge.end, start) and not taken[start] and _is_list_name(t, start):
                end = start + 1
                while end < n and end - start < 3 and not taken[end] and _is_list_name(t, end):
                    end += 1
                end = extend_version(t, start, end)
                if taken.find(1, start, end) >= 0:
                    return None
                return start, end
        return None
    for gap in (1, 2):
        end = edge.start - gap
        if end > 0 and _separator(t, end, edge.start) and not taken[end - 1] and _is_list_name(t, end - 1):
            start = end - 1
            if t.is_sent_start[start] or (start > 0 and _is_list_name(t, start - 1)):
                return None  # a sentence-initial word or a longer phrase: not clearly a list member
            return start, end
    return None


def _is_list_name(t: TokenArrays, i: int) -> bool:
    """A capitalised or name-shaped word that can stand for a name in a list ("Chameleon", "ogbn-arxiv")."""
    word = t.words[i]
    if t.is_sent_start[i] or word.lower() in LEFT_STOP or word.lower() in NOT_NAMES:
        return False
    return _is_name_token(t, i) or bool(re.match(r"^[a-z]+[-_][a-z0-9-]+$", word) and any(c.isdigit() or c == "-" for c in word) and word.count("-") >= 1 and len(word) >= 6 and not word.endswith(("-based", "-like")))


class _WordPositions:
    """Token indices of a word (exact text), looked up on demand and kept: most docs ask for none or a few
    words, so a dict of every word's positions cost more than it saved."""

    def __init__(self, t: TokenArrays) -> None:
        self.t = t
        self.found: dict[str, list[int]] = {}

    def get(self, word: str, default=None) -> list[int] | None:
        if word not in self.found:
            self.found[word] = _token_positions(self.t, word)
        return self.found[word] or default


def _abbreviation_spans(abbreviations: tuple[Abbreviation, ...], t: TokenArrays, positions: _WordPositions
                        ) -> list[tuple[tuple[int, int], int]]:
    """((long start, long end), short token index) per abbreviation definition of the doc."""
    pairs = []
    for abbreviation in abbreviations:
        long_span = expand_char_span(t, abbreviation.start, abbreviation.start + len(abbreviation.long))
        if long_span is None:
            continue
        short_tokens = positions.get(abbreviation.short)
        if short_tokens:
            pairs.append((long_span, short_tokens[0]))
    return pairs


def _select(cands: list[Candidate], taken: bytearray) -> list[Candidate]:
    """Non-overlapping candidates: longest first, then the most trusted source. Marks the tokens of the
    chosen ones with 1 in `taken` (zeros, longer than any candidate's end)."""
    if not cands:
        return []
    # The order (-length, source priority, start) as one int per candidate: ints compare much faster than
    # tuples, and the sort is stable, as with the tuples (equal keys are the same span from the same source).
    scale = len(taken)  # more than any start
    priority = SOURCE_PRIORITY
    keys = [((c.start - c.end) * 8 + priority[c.source]) * scale + c.start for c in cands]
    order = sorted(range(len(cands)), key=keys.__getitem__)
    chosen: list[Candidate] = []
    merged: dict[tuple[int, int], Candidate] = {}
    for k in order:
        cand = cands[k]
        start, end = cand.start, cand.end
        # no token taken: no chosen span is the same either (each covers a token); a longer span is searched
        # in C, without a slice
        if not taken[start] if end - start == 1 else taken.find(1, start, end) < 0:
            taken[start:end] = b"\x01" * (end - start)
            merged[start, end] = cand
            chosen.append(cand)
            continue
        other = merged.get((start, end))
        if other is not None:  # same span from another source: keep its typing evidence too
            if cand.source != "shape" and cand.label:
                other.add(cand.label, EVIDENCE_WEIGHT[cand.source])
            if other.key is None:
                other.key = cand.key
    return sorted(chosen, key=_start)


@Language.factory("kg_mentions", assigns=["doc.ents", "doc._.kg_mention_meta", "doc._.kg_mentions"],
                  requires=["doc._.kg_lexicon", "doc._.kg_shapes", "doc._.kg_abbreviations"], default_config={})
def make_mentions(nlp: Language, name: str) -> "MentionChooser":
    return MentionChooser()


class MentionChooser:
    """Chooses and types the final mentions (see choose_mention_rows): sets doc.ents, doc._.kg_mention_meta
    and doc._.kg_mentions (the same mentions as ChosenMention tuples, which doc_to_extraction reads)."""

    def __call__(self, doc: Doc) -> Doc:
        data = doc.user_data  # the doc._ extensions, without an Underscore object per use (see extension_key)
        chosen = _choose_mention_rows(token_arrays(doc), data.get(_LEXICON_KEY, ()), data.get(_SHAPES_KEY, ()),
                                      data.get(_ABBREVIATIONS_KEY, ()), data.get(_TITLE_KEY))
        _set_ents(doc, chosen)
        data[_MENTION_META_KEY] = _mention_meta(chosen)
        data[_MENTIONS_KEY] = chosen
        return doc
