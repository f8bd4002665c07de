"""spaCy components of kg: name-shape candidates, and the choice and typing of final mentions.

Candidates come from three places: the lexicon rulers (doc.spans["kg_candidates"]), name shapes
(doc.spans["kg_shapes"], this module) and abbreviation definitions (doc._.kg_abbreviations). The
"kg_mentions" component picks non-overlapping spans, types each name from all its evidence in the
document (lexicon > context cue > abbreviation head > shape), drops names with no evidence of being an
entity, marks what the paper introduces, and writes doc.ents plus doc._.kg_mention_meta.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache


from spacy.language import Language
from spacy.tokens import Doc, Span

from ..normalize import name_key
from .patterns import (
    APPOSITIVE_HEADS, CAMEL_SHAPE, CAPS_SHAPE, CUE_BEFORE, CUE_NOUNS, DATASET_HEADS, GENERIC_BUT_NAMED,
    GENERIC_PHRASES, GENERIC_WORDS, INTRO_SUBJECTS, INTRO_VERBS, LEFT_STOP, METHOD_HEADS, METRIC_HEADS,
    MODEL_DIGIT_SHAPE, NAMING_WORDS, NOT_NAMES, OWN_WORDS, PREPOSITIONS_IN_NAMES, SIZE_TOKEN, TASK_HEADS,
    VARIANT_WORDS, VERSION_TOKEN, WEAK_HEADS,
)

CANDIDATES_KEY = "kg_candidates"
SHAPES_KEY = "kg_shapes"
#: How strongly each kind of evidence types a name (mirrors resolve.SOURCE_WEIGHT).
EVIDENCE_WEIGHT = {"lexicon": 3.0, "context": 2.0, "abbreviation": 1.0, "shape": 1.0, "head": 1.0}
SOURCE_PRIORITY = {"lexicon": 0, "context": 1, "abbreviation": 2, "head": 3, "shape": 4}

if not Doc.has_extension("kg_mention_meta"):
    Doc.set_extension("kg_mention_meta", default=None)
if not Doc.has_extension("kg_title"):
    Doc.set_extension("kg_title", default=None)


# --- shapes ----------------------------------------------------------------------------------
def shape_kind(text: str) -> str | None:
    """Which name shape a token has: "digit", "camel", "caps" or None.

    >>> [shape_kind(t) for t in ("K2-65B", "ChatGPT", "SELF-ALIGN", "model", "COVID-19", "A100")]
    ['digit', 'camel', 'caps', None, None, None]
    """
    if text.lower() in NOT_NAMES or len(text) < 2 or text.lower().startswith("covid"):
        return None
    if MODEL_DIGIT_SHAPE.match(text):
        # letter + 2-4 digits only is hardware or an identifier (A100, V100, Q1), not a model
        if len(text) <= 5 and text[0].isupper() and text[1:].isdigit():
            return None
        return "digit"
    if CAMEL_SHAPE.match(text):
        return "camel"
    if CAPS_SHAPE.match(text) and sum(c.isalpha() for c in text) >= 2:
        return "caps"
    if "-" in text[1:] and text[0].isalpha() and family_prefix(text):
        return "digit"  # a known family with a variant suffix: Swin-T, Whisper-small
    return None


def shape_candidates(doc: Doc) -> list[Span]:
    """Tokens shaped like names; the label is the shape kind, typed later from evidence."""
    return [Span(doc, token.i, token.i + 1, label=kind) for token in doc
            if (kind := shape_kind(token.text)) is not None]


@Language.factory("kg_shapes", assigns=["doc.spans"], default_config={})
def make_shapes(nlp: Language, name: str) -> "ShapeCandidates":
    return ShapeCandidates()


class ShapeCandidates:
    """Puts name-shaped tokens in doc.spans[SHAPES_KEY]."""

    def __call__(self, doc: Doc) -> Doc:
        doc.spans[SHAPES_KEY] = shape_candidates(doc)
        return doc


# --- candidates and evidence -------------------------------------------------------------------
@dataclass
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
    if lowered.endswith(("align", "attention", "decoding", "prompt", "prompting", "tuning", "search", "merging",
                         "norm", "sampling", "former", "distill", "opt", "lora", "rl")):
        return "Method"
    return ""


def _indices(doc: Doc, words: frozenset[str] | set[str], attr: str = "LOWER") -> list[int]:
    """Token indices whose LOWER (or ORTH) is one of `words`, without building Token objects."""
    if not len(doc):
        return []
    key = (frozenset(words), attr)
    hashes = _HASHES.get(key)
    if hashes is None:  # string hashes are deterministic, so one set serves every doc
        hashes = _HASHES[key] = frozenset(doc.vocab.strings.add(w) for w in words)
    return [i for i, value in enumerate(doc.to_array(attr).tolist()) if value in hashes]


_HASHES: dict[tuple[frozenset[str], str], frozenset[int]] = {}


@lru_cache(maxsize=1)
def _model_families() -> frozenset[str]:
    from .lexicon import load_patterns
    return frozenset(p["pattern"].lower() for p in load_patterns() if p["label"] == "Model" and len(p["pattern"]) >= 3)


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
    head = lowered[-1].split("-")[-1] if lowered[-1] not in TASK_HEADS | METHOD_HEADS else lowered[-1]
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


def _next_words(doc: Doc, end: int, n: int) -> list[str]:
    return [t.lower_ for t in doc[end:min(end + n, len(doc))]]


_NP_END = frozenset({"that", "which", "for", "of", "to", "with", "from", "on", "in", "by", "and", "or", "designed",
                     "trained", "built", "based", "using", "we", "who", "whose"})


def appositive_type(doc: Doc, start: int) -> str:
    """Type from the head (last word) of the noun phrase starting at `start`: "a holistic LLM scaling
    guideline" -> Method (guideline), "a 65 billion-parameter LLM that ..." -> Model."""
    head = ""
    for token in doc[start:min(start + 8, len(doc))]:
        if token.lower_ in _NP_END or token.is_punct and token.text not in ("-",):
            break
        head = token.lower_
    return APPOSITIVE_HEADS.get(head, "")


def context_type(doc: Doc, start: int, end: int) -> str:
    """The type the words around a name give it: "the X dataset", "trained on X", "X, a new model"."""
    after = _next_words(doc, end, 4)
    if after:
        first = after[0]
        if first in ("-based", "-style"):
            return ""
        if first in CUE_NOUNS and not (len(after) > 1 and after[1] in ("of",)):
            return CUE_NOUNS[first]
        if first == "," and len(after) >= 3 and after[1] in ("a", "an", "the"):
            return appositive_type(doc, end + 2)
    for size in (3, 2, 1):
        if start - size < 0:
            continue
        before = tuple(t.lower_ for t in doc[start - size:start])
        if before in CUE_BEFORE:
            return CUE_BEFORE[before]
        if size >= 2 and before[-1] in ("the", "a", "an") and before[:-1] in CUE_BEFORE:
            return CUE_BEFORE[before[:-1]]
    return ""


def extend_model_name(doc: Doc, start: int, end: int) -> int:
    """End of a model name followed by a version, size or variant: "Llama 2 70B", "Mistral 7B Instruct"."""
    has_digit = any(c.isdigit() for c in doc[start:end].text)
    while end < len(doc) and end - start < 5:
        text = doc[end].text
        if SIZE_TOKEN.match(text) or (doc[end - 1].text[-1:].isalpha() and not has_digit
                                      and VERSION_TOKEN.match(text) and len(text) <= 4
                                      and not (end + 1 < len(doc) and doc[end + 1].lower_ in
                                               ("%", "times", "percent", "points", "tokens", "billion"))):
            has_digit = True
            end += 1
        elif has_digit and text.lower().lstrip("-") in VARIANT_WORDS and text[:1].isupper():
            end += 1
        else:
            break
    return end


_ING_ED_MODIFIERS = frozenset({
    "learning", "sampling", "fine-tuning", "processing", "reasoning", "understanding", "answering", "parsing",
    "tagging", "labeling", "modeling", "modelling", "embedding", "matching", "ranking", "filtering",
    "clustering", "speed", "shared", "supervised", "self-supervised", "weakly-supervised", "semi-supervised",
    "unsupervised", "grained", "knowledge-grounded", "retrieval-augmented"})


_TRAILING_GENERIC = frozenset({"method", "approach", "scheme", "framework", "technique", "algorithm", "strategy",
                               "pipeline", "recipe", "procedure"})


def _is_modifier(token) -> bool:
    """A lower-case content word that can sit inside a name before its head ("speech", "few-shot")."""
    text = token.text
    if not text.islower() or not text.replace("-", "").isalpha() or text.startswith("-"):
        return False
    if text in LEFT_STOP or text in GENERIC_PHRASES:
        return False
    if text.endswith("s") and not text.endswith(("ss", "us", "is", "news")):
        return False  # mostly verbs ("outperforms", "casts") or plurals ending a phrase
    if text.endswith(("ly", "ed", "ing")) and text not in _ING_ED_MODIFIERS:
        return False
    return True


def lowercase_head_candidates(doc: Doc) -> list[Candidate]:
    """Lower-case names ending in a Task/Method head word: "dialogue summarization", "nucleus sampling".

    The name runs left from the head over lower-case content words, at most 4 of them, and needs at
    least one modifier ("recognition" alone is not a name).
    """
    found = []
    heads = TASK_HEADS | METHOD_HEADS
    for index in _indices(doc, heads):
        token = doc[index]
        lower = token.lower_
        if not token.is_lower:
            continue
        start = token.i
        while start > 0 and token.i - start < 4:
            if _is_modifier(doc[start - 1]):
                start -= 1
            elif (start > 1 and doc[start - 1].text in ("-based", "-level", "-specific", "-aware", "-guided",
                                                        "-augmented", "-driven", "-grounded")
                  and _is_modifier(doc[start - 2])):
                start -= 2
            else:
                break
        if start == token.i:
            continue
        end = token.i + 1
        if lower in WEAK_HEADS and token.i - start < 2 and "-" not in doc[start].text:
            continue  # "predominant algorithm", "knowledge search": too weak alone
        # "data augmentation method" stays whole: SciERC and most annotators keep the generic head
        found.append(Candidate(start, end, "head", label=head_type([t.text for t in doc[start:end]]),
                               kind="head"))
    return found


def _is_name_token(token) -> bool:
    """A capitalised word that is not the first of its sentence, or a name-shaped one anywhere."""
    text = token.text
    if not text[:1].isalpha() or text.lower() in NOT_NAMES or text.lower() in GENERIC_PHRASES:
        return False
    if shape_kind(text) is not None:
        return True
    return text[:1].isupper() and not token.is_sent_start and text[1:].replace("-", "").isalpha()


def _name_end(doc: Doc, start: int) -> int:
    """End of a name starting at `start`: consecutive capitalised or name-shaped tokens, then sizes."""
    end = start + 1
    while end < len(doc) and end - start < 4 and _is_name_token(doc[end]) and not doc[end].is_sent_start:
        end += 1
    return extend_model_name(doc, start, end)


def _ends_name(doc: Doc, end: int) -> bool:
    """Whether what follows a name closes it: punctuation or a clause word, not "-based" or a noun."""
    return end >= len(doc) or doc[end].text in (",", "(", ":", ".", ";", "which", "that", "to", "for", "as",
                                                "—", "–", "and", "is", "was", "with", "on", "in")


def context_name_candidates(doc: Doc) -> list[Candidate]:
    """Names that only their context reveals: "we present Dromedary", "a model called X",
    "the resulting model, Crystal,", "X, a new benchmark"."""
    found = []
    triggers = set(_indices(doc, NAMING_WORDS | INTRO_VERBS | frozenset(CUE_NOUNS)))
    triggers.update(i - 1 for i in _indices(doc, {","}, "ORTH") if i > 0)
    for i in sorted(triggers):
        token = doc[i]
        lower = token.lower_
        if i + 1 >= len(doc):
            break
        nxt = doc[i + 1]
        if lower in NAMING_WORDS and _is_name_token(nxt) or (
                lower in INTRO_VERBS and _is_name_token(nxt) and _ends_name(doc, _name_end(doc, i + 1)) and any(
                    t.lower_ in INTRO_SUBJECTS for t in doc[max(0, i - 6):i])):
            found.append(Candidate(i + 1, _name_end(doc, i + 1), "context", kind="named"))
        elif (lower in CUE_NOUNS and nxt.text == "," and i + 2 < len(doc) and _is_name_token(doc[i + 2])
              and i >= 1 and doc[i - 1].lower_ in OWN_WORDS):
            found.append(Candidate(i + 2, _name_end(doc, i + 2), "context", label=CUE_NOUNS[lower], kind="named"))
        elif (nxt.text == "," and _is_name_token(token) and i + 3 < len(doc) and doc[i + 2].lower_ in ("a", "an")
              and (i == 0 or not _is_name_token(doc[i - 1]))):
            head = appositive_type(doc, i + 3)
            if head:
                found.append(Candidate(i, i + 1, "context", label=head, kind="named"))
    return found


def title_name_candidates(doc: Doc, title: str | None) -> list[Candidate]:
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
    for index in _indices(doc, {first, first.split("-")[0]}):
        token = doc[index]
        for n in range(1, 5):
            if token.i + n <= len(doc) and name_key(doc[token.i:token.i + n].text) == key:
                found.append(Candidate(token.i, token.i + n, "context", kind="named"))
                break
    return found


def propagate(doc: Doc, chosen: list[Candidate]) -> list[Candidate]:
    """Other occurrences of names found by context or abbreviation, as candidates of the same kind."""
    taken = {i for c in chosen for i in range(c.start, c.end)}
    texts: dict[tuple[str, ...], Candidate] = {}
    for cand in chosen:
        if cand.source in ("context", "abbreviation") and cand.kind in ("named", "long", "short"):
            texts.setdefault(tuple(t.text for t in doc[cand.start:cand.end]), cand)
    extra = []
    for words, cand in texts.items():
        n = len(words)
        for index in _indices(doc, {words[0]}, "ORTH"):
            token = doc[index]
            if tuple(t.text for t in doc[token.i:token.i + n]) == words \
                    and not any(j in taken for j in range(token.i, token.i + n)):
                extra.append(Candidate(token.i, token.i + n, cand.source, label=cand.label, kind=cand.kind))
                taken.update(range(token.i, token.i + n))
    return extra


def _intro_flags(doc: Doc, spans: list[Candidate], title: str | None) -> set[int]:
    """Indices of the spans the paper itself introduces."""
    introduced: set[int] = set()
    by_start = {c.start: i for i, c in enumerate(spans)}
    starts = sorted(by_start)
    sent_bounds = [(sent.start, sent.end) for sent in doc.sents]
    for index in _indices(doc, NAMING_WORDS | INTRO_VERBS | OWN_WORDS):
        token = doc[index]
        sent = doc[next((b for b in sent_bounds if b[0] <= index < b[1]), (0, len(doc)))[0]:
                   next((b for b in sent_bounds if b[0] <= index < b[1]), (0, len(doc)))[1]]
        words = [t.lower_ for t in doc[max(sent.start, index - 6):index]]
        if True:
            lower = token.lower_
            if lower in NAMING_WORDS or (lower in INTRO_VERBS and any(w in INTRO_SUBJECTS for w in words)):
                # the first candidate within the next 12 tokens of the sentence
                for start in starts:
                    if token.i < start <= min(token.i + 12, sent.end - 1):
                        introduced.add(by_start[start])
                        break
            if lower in OWN_WORDS:
                # "our X", "our proposed X", "the resulting model, X"
                for start in starts:
                    if token.i < start <= token.i + 3 and start < sent.end:
                        between = [t.lower_ for t in doc[token.i + 1:start]]
                        if all(w in OWN_WORDS or w in CUE_NOUNS or w == "," for w in between):
                            introduced.add(by_start[start])
                        break
    for i, cand in enumerate(spans):
        end = cand.end
        if (end + 2 < len(doc) and doc[end].text == "," and doc[end + 1].lower_ in ("a", "an")
                and doc[end + 2].lower_ in ("new", "novel")):
            introduced.add(i)
    if title and ":" in title:
        prefix = name_key(title.split(":", 1)[0])
        for i, cand in enumerate(spans):
            if name_key(doc[cand.start:cand.end].text) == prefix:
                introduced.add(i)
    return introduced


def choose_mentions(doc: Doc, *, title: str | None = None) -> tuple[list[Span], dict[tuple[int, int], tuple[str, bool]]]:
    """Final typed mentions of a doc and, for each, (source, introduced)."""
    cands: list[Candidate] = []
    for span in doc.spans.get(CANDIDATES_KEY, []):
        if span.text.lower() in GENERIC_PHRASES:
            continue
        cand = Candidate(span.start, span.end, "lexicon", label=span.label_, key=span.id_ or None, kind="lexicon")
        if span.label_ == "Model":
            cand.end = extend_model_name(doc, span.start, span.end)
            if cand.end != span.end:  # "LLaMA 65B" is its own entity, not LLaMA
                cand.key = None
        cands.append(cand)
    for span in doc.spans.get(SHAPES_KEY, []):
        end = extend_model_name(doc, span.start, span.end) if span.label_ in ("digit", "camel") else span.end
        cands.append(Candidate(span.start, end, "shape", kind=span.label_))
    # abbreviation definitions: both forms are candidates, typed by the long form's head
    abbreviation_links: list[tuple[str, str]] = []
    for long_span, short_span in _abbreviation_spans(doc):
        if is_generic_long_form(long_span.text):
            continue
        label = head_type([t.text for t in long_span])
        cands.append(Candidate(long_span.start, long_span.end, "abbreviation", label=label, kind="long"))
        abbreviation_links.append((name_key(long_span.text), name_key(short_span.text)))
        for index in _indices(doc, {short_span.text}, "ORTH"):
            cands.append(Candidate(index, index + 1, "abbreviation", label=label, kind="short"))
    cands.extend(context_name_candidates(doc))
    cands.extend(title_name_candidates(doc, title))
    lexicon_by_start = {c.start: c for c in cands if c.source == "lexicon"}
    for cand in cands:
        inner = lexicon_by_start.get(cand.start)
        if cand.source == "shape" and inner is not None and cand.end > inner.end:
            cand.label, cand.source = inner.label, "context"  # "AlpacaEval 2.0" is typed like "AlpacaEval"
    lexicon_by_end = {c.end: c for c in cands if c.source == "lexicon"}
    for cand in lowercase_head_candidates(doc):
        inner = lexicon_by_end.get(cand.end)
        if inner is not None and inner.start > cand.start:
            cand.label = inner.label  # "few-shot continual learning" is typed like "continual learning"
        cands.append(cand)

    chosen = _select(cands)
    chosen = sorted(chosen + propagate(doc, chosen), key=lambda c: c.start)
    # evidence per name (grouped by key, and across defined abbreviations)
    group_of: dict[str, str] = {}
    for long_key, short_key in abbreviation_links:
        group_of[short_key] = group_of.get(long_key, long_key)
    texts = [doc[c.start:c.end].text for c in chosen]
    groups: dict[str, list[int]] = defaultdict(list)
    for i, cand in enumerate(chosen):
        key = name_key(texts[i])
        groups[group_of.get(key, key)].append(i)
    for i, cand in enumerate(chosen):
        if cand.source != "shape" and cand.label:
            cand.add(cand.label, EVIDENCE_WEIGHT[cand.source])
        cue = context_type(doc, cand.start, cand.end)
        if cue:
            cand.add(cue, EVIDENCE_WEIGHT["context"])
        if cand.source == "shape" and cand.kind != "caps":
            if family_prefix(texts[i]):
                cand.add("Model", EVIDENCE_WEIGHT["lexicon"])  # LLaMA-1, Vicuna-13B-v1.5: a known family
            else:
                guess = shape_type(texts[i]) or ("Model" if cand.kind in ("digit", "camel") else "")
                cand.add(guess, EVIDENCE_WEIGHT["shape"])
    introduced = _intro_flags(doc, chosen, title)

    ents: list[Span] = []
    meta: dict[tuple[int, int], tuple[str, bool]] = {}
    for members in groups.values():
        votes: dict[str, float] = defaultdict(float)
        for i in members:
            for label, weight in chosen[i].evidence.items():
                votes[label] += weight
        lexicon_member = next((chosen[i] for i in members if chosen[i].source == "lexicon"), None)
        # a name the lexicon already knows is prior work, not what this paper introduces
        group_intro = lexicon_member is None and any(i in introduced for i in members)
        if lexicon_member is not None:
            label = lexicon_member.label
        elif votes:
            label = max(sorted(votes), key=lambda t: votes[t])
        elif group_intro or any(chosen[i].kind == "named" for i in members):
            label = "Method" if any(chosen[i].kind in ("caps", "short", "long") for i in members) else "Model"
        else:
            continue  # no evidence that this is an entity
        # a bare head-word phrase needs its head to say Task/Method, and no other conflicting evidence
        sources = {chosen[i].source for i in members}
        source = min(sources, key=SOURCE_PRIORITY.__getitem__)
        if source == "head" and votes.get(label, 0.0) < 1.0:
            continue
        if doc[chosen[members[0]].start:chosen[members[0]].end].text.lower() in GENERIC_PHRASES:
            continue
        first = min(members, key=lambda i: chosen[i].start)
        surfaces = {name_key(texts[i]) for i in members}
        for i in members:
            cand = chosen[i]
            # the lexicon's canonical name only when the text uses it: the scorer (and a reader) sees names
            # as written ("summarization", not "text summarization")
            key = cand.key if cand.key and name_key(cand.key) in surfaces else None
            ents.append(Span(doc, cand.start, cand.end, label=label, span_id=key or ""))
            meta[(cand.start, cand.end)] = (cand.source if cand.source != "head" else "context",
                                            group_intro and i == first)
    return sorted(ents, key=lambda s: s.start), meta


def _abbreviation_spans(doc: Doc) -> list[tuple[Span, Span]]:
    pairs = []
    for abbreviation in doc._.kg_abbreviations:
        long_span = doc.char_span(abbreviation.start, abbreviation.start + len(abbreviation.long),
                                  alignment_mode="expand")
        short_tokens = _indices(doc, {abbreviation.short}, "ORTH")
        if long_span is not None and short_tokens:
            pairs.append((long_span, doc[short_tokens[0]:short_tokens[0] + 1]))
    return pairs


def _select(cands: list[Candidate]) -> list[Candidate]:
    """Non-overlapping candidates: longest first, then the most trusted source."""
    order = sorted(cands, key=lambda c: (-(c.end - c.start), SOURCE_PRIORITY[c.source], c.start))
    taken: set[int] = set()
    chosen: list[Candidate] = []
    merged: dict[tuple[int, int], Candidate] = {}
    for cand in order:
        span_key = (cand.start, cand.end)
        if span_key in merged:  # same span from another source: keep its typing evidence too
            other = merged[span_key]
            if cand.source != "shape" and cand.label:
                other.add(cand.label, EVIDENCE_WEIGHT[cand.source])
            if other.key is None:
                other.key = cand.key
            continue
        if any(i in taken for i in range(cand.start, cand.end)):
            continue
        taken.update(range(cand.start, cand.end))
        merged[span_key] = cand
        chosen.append(cand)
    return sorted(chosen, key=lambda c: c.start)


@Language.factory("kg_mentions", assigns=["doc.ents", "doc._.kg_mention_meta"],
                  requires=["doc.spans", "doc._.kg_abbreviations"], default_config={})
def make_mentions(nlp: Language, name: str) -> "MentionChooser":
    return MentionChooser()


class MentionChooser:
    """Chooses and types the final mentions (see choose_mentions)."""

    def __call__(self, doc: Doc) -> Doc:
        ents, meta = choose_mentions(doc, title=doc._.kg_title)
        doc.ents = ents
        doc._.kg_mention_meta = meta
        return doc
