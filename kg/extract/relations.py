"""Relation cues: typed relations between the mentions of a document (component "kg_relations").

Sets ``doc._.kg_relations`` to ``(head Span, relation type, tail Span, cue, confidence)`` tuples.

There is no parser in kg's pipeline, so the rules are "syntax-lite": each sentence is rewritten
as a flat string in which every entity is a placeholder (``<3>``) and every other token is
lower-cased, e.g. ``"<0> , a 65 billion-parameter llm that surpasses <1> and rivals <2>"``.
Cue patterns (tables below) are regular expressions over that string. A cue names a relation
and a *frame* that says where its head and tail are:

- ``verb``: an active verb ("outperforms", "employs"); head = the clause subject on the left,
  tail = the object on the right (with its coordinations: "Y, Z and W").
- ``passive``: "is outperformed by"; head on the right, tail on the left.
- ``postmod``: a participle right after its head ("InvestLM, tuned on LLaMA-65B").
- ``prep``: an evaluation phrase ("on the HellaSwag benchmark", "results on 45 tasks from
  BIG-Bench"); head = the subject of the sentence, wherever it is.
- ``gerund``: "applying M to X" / "M leads X to"; head = first group after the cue,
  tail = the group after "to"/"on".
- ``via``: "... LLaMA via Position Interpolation"; head = the group after the cue, tail =
  the nearest group before it.

Subjects that are pronouns or descriptions ("we", "it", "our model", "the proposed method")
are resolved to the entity the paper introduces ("We present InvestLM, ...") or to the
previous sentence's subject. Every candidate is finally retyped by the entity types it joins
(`RETYPE`: "trained on" an entity that is a Model means based_on) and kept only if it fits
`kg.types.SIGNATURES`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..types import SIGNATURES, SYMMETRIC_RELATIONS

if not Doc.has_extension("kg_relations"):
    Doc.set_extension("kg_relations", default=())

RelationTuple = tuple[Span, str, Span, str, float]

CORE = frozenset({"Model", "Method", "Dataset"})
_PLACEHOLDER = re.compile(r"<(\d+)>")
_E = r"<\d+>"

# ---------------------------------------------------------------------------------------------
# Cue tables. Patterns run over the placeholder text of one sentence (lower-cased, tokens joined
# by single spaces). `(?<!\S)` / `(?!\S)` stand for token boundaries.
# ---------------------------------------------------------------------------------------------
_ADV = r"(?:(?:\w+ly|also|even|further|still|clearly|consistently|significantly|substantially|greatly|far|much|often|again|both|remarkably|considerably|noticeably|slightly|largely|generally|easily|already) )*"


_TRAINED = (r"(?:(?:is|are|was|were|being|been|has been|have been) )?"
            r"(?:(?:instruction[- ]|further |continually |continuously |jointly |additionally |then |first )?"
            r"(?:fine-?tuned|finetuned|tuned|trained|pre-?trained|pretrained|learned|learnt|optimi[sz]ed|"
            r"adapted|supervised))")


@dataclass(frozen=True)
class Cue:
    """One cue pattern: the relation it names, where head and tail sit, how reliable it is."""

    relation: str
    frame: str
    pattern: re.Pattern
    confidence: float
    bounds: bool = True  # whether it ends the object of an earlier cue
    reach: int | None = None  # most words between the cue and its object (default: by frame)


def _cue(relation: str, frame: str, pattern: str, confidence: float, *, bounds: bool = True,
         reach: int | None = None) -> Cue:
    return Cue(relation, frame, re.compile(r"(?<!\S)(?:" + pattern + r")(?!\S)"), confidence, bounds, reach)


#: Order matters only for overlaps: a longer, more specific cue listed earlier wins its span.
CUES: tuple[Cue, ...] = (
    # -- passives (head on the right) -----------------------------------------------------
    _cue("outperforms", "passive", r"(?:is|are|was|were|being) " + _ADV
         + r"(?:outperformed|surpassed|beaten|exceeded|outclassed) by", 0.75),
    # -- outperforms ----------------------------------------------------------------------
    _cue("outperforms", "verb", r"(?:outperform|surpass|beat|exceed|outclass|outpace|dominate|"
         r"eclipse|overtake)(?:s|es|ed|ing)?(?: the performance of| that of| those of)?", 0.8),
    _cue("outperforms", "verb", r"(?:improv(?:es|ed|ing|e)|improvements?|gains?|advances?) (?:over|upon|on top of)"
         r"(?! \w+ (?:steps|stages|iterations))", 0.65),
    _cue("outperforms", "verb", r"(?:better|stronger|higher|faster|lower|superior|more \w+) "
         r"(?:[\w\-<>]+ ){0,4}?(?:than|to|compared (?:to|with)|relative to)", 0.6),
    _cue("outperforms", "verb", r"(?:performs|does|works|scores|ranks) " + _ADV + r"better than", 0.75),
    _cue("outperforms", "verb", r"(?:advantage|lead|edge|margin) over", 0.55),
    # -- compared_with --------------------------------------------------------------------
    _cue("compared_with", "verb", r"(?:rival|match|equal)(?:s|es|ed|ing)?(?! \w+ (?:of|to|the input))"
         r"(?: the performance of| that of| those of)?", 0.65),
    _cue("compared_with", "verb", r"(?:(?:comparable|competitive|similar|equivalent|close|on par|on-par|"
         r"par|level|commensurate|closer) (?:\w+ ){0,4}?(?:to|with)|"
         r"performs " + _ADV + r"(?:closely|similarly|comparably|on par) (?:to|with)|"
         r"(?:compared|compares|comparing|comparison) (?:it |them )?(?:to|with|against|between)|"
         r"(?:versus|vs\.?|against|relative to|in comparison (?:to|with)))", 0.6),
    # -- based_on (postmodifiers right after the head) --------------------------------------
    _cue("based_on", "postmod", r"(?:(?:is|are|was|were|being|been) )?"
         r"(?:(?:instruction[- ]|further |continually |continuously |fully |super(?:vised)? )?"
         r"(?:fine-?tuned|finetuned|tuned|trained|pre-?trained|pretrained|adapted|distilled|derived|"
         r"initiali[sz]ed|built|developed|obtained|created|bootstrapped|grown|continued|upcycled|"
         r"converted|quantized|pruned|aligned) (?:\w+ ){0,3}?(?:from(?! scratch)|upon|on top of)|"
         r"(?:based|built|building|builds|build|founded|grounded) (?:\w+ ){0,1}?(?:on|upon)|"
         r"on top of|(?:a |the )?(?:variant|version|descendant|derivative|successor|extension|fine-tune) of)", 0.7),
    # -- trained_on -------------------------------------------------------------------------
    _cue("trained_on", "postmod", _TRAINED + r" (?:\w+ ){0,4}?(?:on|over)", 0.7),
    _cue("trained_on", "postmod", _TRAINED + r" (?:[^<;]*? )?(?:using|with|via|through|by (?:using|applying))", 0.6),
    # -- applied_to -------------------------------------------------------------------------
    _cue("applied_to", "gerund", r"(?:apply|applies|applied|applying)(?= " + _E + r")", 0.7),
    _cue("applied_to", "causative", r"(?:leads|lead|led|enables|enabling|allows|allowing|helps|helping|"
         r"makes|making|turns|turning|boosts|boosting)(?= " + _E + r" (?:to|\w+s?$|\w+ly|achieve|perform|"
         r"outperform|surpass|match|rival|reach))", 0.65),
    _cue("applied_to", "postmod", r"(?:(?:is|are|was|were|being|been) )?(?:applied|adapted) (?:\w+ ){0,1}?(?:to|on)", 0.7),
    _cue("applied_to", "verb", r"(?:extend|extends|extended|extending|prune|prunes|pruned|pruning|compress|"
         r"compresses|compressed|compressing|quantize|quantizes|quantized|quantizing|accelerat(?:e|es|ed|ing)|"
         r"speed(?:s|ing)? up|sparsif(?:y|ies|ied|ying)|distil(?:l|ls|led|ling)|scal(?:e|es|ed|ing) up)"
         r"(?: the (?:\w+[- ])*?(?:of|sizes? of))?", 0.6),
    # -- via: "X ... via M" (M applied to X, or X uses M) --------------------------------------
    _cue("applied_to", "via", r"(?:via|through|by means of|with the help of)", 0.5),
    # -- uses -------------------------------------------------------------------------------
    _cue("uses", "verb", r"(?:use|uses|used|using|employ|employs|employed|employing|leverage|leverages|"
         r"leveraged|leveraging|adopt|adopts|adopted|adopting|utili[sz]e|utili[sz]es|utili[sz]ed|utili[sz]ing|"
         r"incorporat(?:e|es|ed|ing)|integrat(?:e|es|ed|ing)|combin(?:e|es|ed|ing)|rel(?:y|ies|ied|ying) on|"
         r"exploit(?:s|ed|ing)?|build(?:s)? on|draw(?:s)? on|benefit(?:s|ed|ing)? from|"
         r"equip(?:s|ped)? with|augment(?:s|ed)? with|enhanced with|powered by|driven by|empowered by)", 0.55),
    _cue("uses", "postmod", r"(?:with|equipped with|augmented with|enhanced with)", 0.4, bounds=False, reach=1),
    # -- evaluated_on (prepositional; head = sentence subject) ---------------------------------
    _cue("evaluated_on", "prep", r"(?:(?:is|are|was|were) )?(?:evaluat(?:ed|ing|e|es|ion|ions)|"
         r"test(?:ed|ing|s)?|experiments?|results?|performance|accuracy|scores?|benchmark(?:ed|ing)?|"
         r"validat(?:ed|ing|e|ion)|assess(?:ed|ing|ment)?|sota|state-of-the-art|evidence|"
         r"improvements?|gains?|\w+ (?:points?|%|accuracy|f1))?"
         r" ?(?:on|across|over|in|using|at)|(?:tasks?|problems?|questions?|subsets?|splits?|datasets?|"
         r"benchmarks?|suites?|examples?|instances?|samples?|" + _E + r") from", 0.6),
    _cue("evaluated_on", "reverse", r"(?:assess|assesses|assessing|evaluate|evaluates|evaluating|benchmark|"
         r"benchmarks|benchmarking|measure|measures|measuring|test|tests|testing|probe|probes|probing)"
         r"(?: (?:the )?[\w\-]+ (?:[\w\-]+ )?of)?", 0.55),
)

#: Pronouns and descriptions that stand for an entity named elsewhere.
_ANAPHOR = re.compile(
    r"(?<!\S)(?:we|our|it|its|this|these|they|the (?:proposed|resulting|new|final|presented|trained) |"
    r"our (?:\w+[- ]){0,3}?)?(?:model|models|method|approach|framework|system|algorithm|technique|"
    r"architecture|network|pipeline|tool|toolkit|llm|assistant|scorer|pruner|decoder|agent)?(?!\S)")
_SUBJECT_ANAPHOR = re.compile(
    r"(?:^|[,;:] |\b(?:that|which|show|shows|showed|find|demonstrate|demonstrates|where|when) )"
    r"(?P<a>we|it|they|(?:our|the (?:proposed|resulting|new|final|presented|trained))(?: [\w\-]+){0,3}? "
    r"(?:model|models|method|approach|framework|system|algorithm|technique|architecture|network|pipeline|"
    r"tool|toolkit|llm|assistant|scorer|pruner|agent|variant|version|solution))(?:\s*\([^)]*\))?(?= )")
_METHODISH = re.compile(r"method|approach|framework|algorithm|technique|pipeline|tool|toolkit|solution|system")
_MODELISH = re.compile(r"model|llm|assistant|network|architecture|scorer|agent|variant|version")

_INTRO_PATTERNS = (
    re.compile(r"(?<!\S)(?:we|this (?:paper|work|report|study|article)|our (?:work|paper)) "
               r"(?:\w+ ){0,2}?(?:present|introduce|propose|develop|release|build|construct|create|design|"
               r"describe|term|call|name|open-source|contribute|offer|train|curate|collect)(?:s|d|ed)?"
               r"(?![\w-])(?: [^<;.]{0,80}?)?? (" + _E + r")"),
    re.compile(r"(?<!\S)(?:named|called|termed|dubbed|namely|coined) (" + _E + r")"),
    re.compile(r"(?<!\S)(?:our|the proposed|the resulting) (?:[\w\-]+ ){0,3}?(?:model|method|approach|framework|"
               r"system|algorithm|dataset|benchmark|tool|toolkit)(?: ,)? (?:named |called )?(" + _E + r")"),
    re.compile(r"^(" + _E + r") (?:,|:|--|-|is|are) (?:an? |the )(?:new |novel |first )"),
)

#: Coordination between two entities: they form one group ("Y, Z and W").
_COORD = re.compile(r"(?:(?:models?|variants?|series|famil(?:y|ies)|llms?|baselines?) )?"
                    r"(?:,|and|or|&|/|as well as|along with|together with|plus|, and|, or|, as well as|"
                    r"and the|, the|, and the|and even|, e\.g\. ,|, i\.e\. ,|,? (?:such as|including|like|e\.g\.,?))?"
                    r"(?: the)?")

#: Where the object of a verb cue ends: clause and sentence boundaries.
_BOUNDARY = re.compile(r"(?<!\S)(?:;|:|which|while|whereas|but|although|though|because|since|when|where|whether|"
                       r"that(?! of)|so|thus|hence|therefore|by \w+ing|to (?!the|a|an|its|their|that|those|"
                       r"\w+ (?:of|by))\w+|, (?:and |but )?(?:we|it|they|our|this|these|which)|"
                       r"and (?:we|it|they|our)|unlike|despite|--)(?!\S)")

#: Signature-driven retyping: a cue's relation and the (head, tail) entity types -> the relation kept.
RETYPE: dict[str, dict[tuple[str, str], str]] = {
    "based_on": {("Model", "Model"): "based_on", ("Method", "Model"): "applied_to",
                 ("Model", "Method"): "uses", ("Method", "Method"): "uses",
                 ("Model", "Dataset"): "trained_on", ("Method", "Dataset"): "uses"},
    "trained_on": {("Model", "Dataset"): "trained_on", ("Model", "Model"): "based_on",
                   ("Model", "Method"): "uses", ("Method", "Method"): "uses",
                   ("Method", "Dataset"): "uses"},
    "evaluated_on": {("Model", "Dataset"): "evaluated_on", ("Method", "Dataset"): "evaluated_on",
                     ("Method", "Model"): "applied_to"},
    "applied_to": {("Method", "Model"): "applied_to", ("Method", "Dataset"): "evaluated_on",
                   ("Model", "Dataset"): "evaluated_on"},
    "outperforms": {(h, t): "outperforms" for h in ("Model", "Method") for t in ("Model", "Method")},
    "compared_with": {(h, t): "compared_with" for h in ("Model", "Method") for t in ("Model", "Method")},
    "uses": {("Model", "Method"): "uses", ("Method", "Method"): "uses", ("Model", "Dataset"): "uses",
             ("Method", "Dataset"): "uses", ("Method", "Model"): "applied_to"},
}


@dataclass
class _Sentence:
    """A sentence as placeholder text, with the entity spans its placeholders stand for."""

    sent: Span
    ents: list[Span]
    text: str
    offsets: list[tuple[int, int, int, int]]  # (text start, text end, doc token start, doc token end)
    groups: list[list[int]] = field(default_factory=list)  # coordinated entity indices, in order
    group_of: dict[int, int] = field(default_factory=dict)

    def ent_at(self, index: int) -> Span:
        return self.ents[index]

    def placeholders(self, start: int = 0, end: int | None = None) -> list[tuple[int, int, int]]:
        """(entity index, text start, text end) of the placeholders within [start, end)."""
        end = len(self.text) if end is None else end
        return [(int(m.group(1)), m.start(), m.end()) for m in _PLACEHOLDER.finditer(self.text, start, end)]

    def cue_text(self, start: int, end: int) -> str:
        """The document text behind placeholder-text positions [start, end)."""
        tokens = [(a, b) for s, e, a, b in self.offsets if s < end and e > start]
        if not tokens:
            return ""
        doc = self.sent.doc
        return doc[tokens[0][0]:tokens[-1][1]].text


def _sentence(sent: Span, ents: list[Span]) -> _Sentence:
    """Placeholder text of `sent`: entity -> "<i>", parentheses without entities dropped, an
    abbreviation "(<j>)" right after its long form folded into it."""
    doc = sent.doc
    ent_at = {}
    for i, ent in enumerate(ents):
        ent_at[ent.start] = i
    units: list[tuple[str, int, int]] = []  # (text, token start, token end)
    i = sent.start
    while i < sent.end:
        if i in ent_at:
            ent = ents[ent_at[i]]
            units.append((f"<{ent_at[i]}>", ent.start, ent.end))
            i = ent.end
            continue
        previous = units[-1] if units else None
        if (previous is not None and not previous[0].startswith("<") and previous[2] == i
                and not doc[i - 1].whitespace_ and doc[i].text.startswith("-")):
            # "fine" "-tuned": the tokenizer splits suffixes off names; cues read the word whole.
            units[-1] = (previous[0] + doc[i].lower_, previous[1], i + 1)
        else:
            units.append((doc[i].lower_, i, i + 1))
        i += 1
    # Parentheses: drop "( ... )" without placeholders, fold "<i> ( <j> )", else make them commas.
    out: list[tuple[str, int, int]] = []
    k = 0
    while k < len(units):
        text = units[k][0]
        if text == "(":
            depth, j = 1, k + 1
            while j < len(units) and depth:
                depth += {"(": 1, ")": -1}.get(units[j][0], 0)
                j += 1
            inner = units[k + 1:j - 1] if depth == 0 else None
            if inner is not None:
                has_ent = any(_PLACEHOLDER.fullmatch(u[0]) for u in inner)
                if not has_ent:
                    k = j
                    continue
                if len(inner) == 1 and out and _PLACEHOLDER.fullmatch(out[-1][0]):
                    k = j  # "Position Interpolation (PI)": the short form is the same entity
                    continue
                out.extend(units[k:j])  # kept: an aside "( e.g. , <2> or <3> )" is skipped by _subject
                k = j
                continue
        out.append(units[k])
        k += 1
    parts, offsets, pos = [], [], 0
    for text, start, end in out:
        if text == "," and parts and parts[-1] == ",":
            continue  # ", ," after a dropped parenthesis
        parts.append(text)
        offsets.append((pos, pos + len(text), start, end))
        pos += len(text) + 1
    sentence = _Sentence(sent=sent, ents=ents, text=" ".join(parts), offsets=offsets)
    _group(sentence)
    return sentence


def _group(sentence: _Sentence) -> None:
    """Coordinated entities ("LLaMA 2, GPT-3.5 and PaLM 2-L") form one group."""
    previous = None
    for index, start, end in sentence.placeholders():
        if previous is not None:
            between = _flat(sentence.text[previous[2]:start])
            if _COORD.fullmatch(between) and _compatible(sentence.ents[previous[0]], sentence.ents[index]):
                sentence.groups[-1].append(index)
                sentence.group_of[index] = len(sentence.groups) - 1
                previous = (index, start, end)
                continue
        sentence.groups.append([index])
        sentence.group_of[index] = len(sentence.groups) - 1
        previous = (index, start, end)


def _flat(gap: str) -> str:
    """A gap between entities without parentheses and markup, single-spaced: "( e.g. , " -> "e.g. ,"."""
    return " ".join(w for w in gap.replace("(", " ").replace(")", " ").split()
                    if any(c.isalnum() for c in w) or w in {",", ";", ":", "--", "%", "&", "/"})


def _compatible(a: Span, b: Span) -> bool:
    kinds = ({"Model", "Method"}, {"Dataset"}, {"Task", "Metric"})
    return any(a.label_ in kind and b.label_ in kind for kind in kinds)


# ---------------------------------------------------------------------------------------------
# Discourse: what the paper introduces, and what "we" / "it" / "our model" stand for.
# ---------------------------------------------------------------------------------------------
@dataclass
class _Discourse:
    introduced: list[Span] = field(default_factory=list)
    last_subject: list[Span] = field(default_factory=list)

    def resolve(self, anaphor: str, *, before: int) -> list[Span]:
        """Entities an anaphor stands for; `before` is a doc token index (prefer earlier ones)."""
        anaphor = anaphor.strip()
        intro = [e for e in self.introduced if e.start < before] or self.introduced
        if anaphor in {"it", "they", "its"} or anaphor.startswith("the "):
            if self.last_subject:
                return self.last_subject
            return intro[-1:]
        if anaphor == "we":
            return intro[-1:]
        wanted = "Method" if _METHODISH.search(anaphor) else "Model" if _MODELISH.search(anaphor) else None
        typed = [e for e in intro if wanted is None or e.label_ == wanted]
        return typed[-1:] or intro[-1:]


def _flagged_introduced(doc: Doc) -> list[Span]:
    """Entities the mention chooser marked as introduced (``doc._.kg_mention_meta``: (start, end) ->
    (source, introduced)), when that component ran."""
    meta = doc._.kg_mention_meta if Doc.has_extension("kg_mention_meta") else None
    if not meta:
        return []
    return [ent for ent in doc.ents if len(meta.get((ent.start, ent.end), ())) > 1
            and meta[(ent.start, ent.end)][1]]


def _introduced(sentences: list[_Sentence], flagged: list[Span] = ()) -> list[Span]:
    """Entities the paper introduces, from "we present X", "named X", "our model, X", plus those
    the mention chooser flagged."""
    found: list[Span] = [ent for ent in flagged if ent.label_ in CORE]
    seen = {(ent.start, ent.end) for ent in found}
    for sentence in sentences:
        for pattern in _INTRO_PATTERNS:
            for match in pattern.finditer(sentence.text):
                index = int(_PLACEHOLDER.search(match.group(1)).group(1))
                ent = sentence.ents[index]
                if ent.label_ in CORE and (ent.start, ent.end) not in seen:
                    seen.add((ent.start, ent.end))
                    found.append(ent)
    return sorted(found, key=lambda e: e.start)


# ---------------------------------------------------------------------------------------------
# Finding relations.
# ---------------------------------------------------------------------------------------------
@dataclass
class _Hit:
    cue: Cue
    start: int
    end: int
    heads: list[Span] = field(default_factory=list)


def find_relations(doc: Doc) -> list[RelationTuple]:
    """Typed relations stated in the doc, between doc.ents (see the module docstring)."""
    ents_by_sent: dict[int, list[Span]] = {}
    for ent in doc.ents:
        ents_by_sent.setdefault(ent.sent.start, []).append(ent)
    sentences = [_sentence(sent, ents_by_sent.get(sent.start, [])) for sent in doc.sents]
    # The cue-based reading comes first; the mention chooser's flags fill in when it finds nothing.
    discourse = _Discourse(introduced=_introduced(sentences) or _introduced(sentences, _flagged_introduced(doc)))
    best: dict[tuple, RelationTuple] = {}
    for sentence in sentences:
        found = _sentence_relations(sentence, discourse)
        for head, relation, tail, cue, confidence in found:
            if head.text == tail.text or (head.start == tail.start and head.end == tail.end):
                continue
            key = (head.start, head.end, relation, tail.start, tail.end)
            if relation in SYMMETRIC_RELATIONS:
                key = (relation, frozenset({(head.start, head.end), (tail.start, tail.end)}))
            if key not in best or best[key][4] < confidence:
                best[key] = (head, relation, tail, cue, confidence)
    return sorted(best.values(), key=lambda r: (r[0].start, r[2].start, r[1]))


def _sentence_relations(sentence: _Sentence, discourse: _Discourse) -> list[RelationTuple]:
    hits = _cue_hits(sentence)
    out: list[RelationTuple] = []
    subjects: list[Span] = []  # heads found by verb cues: the sentence subject for "prep" cues
    previous_heads: list[Span] = []
    for hit in hits:
        heads, tails = _arguments(sentence, hit, hits, discourse, previous_heads, subjects)
        if hit.cue.frame in {"verb", "gerund", "postmod", "via", "passive", "causative"} and heads:
            previous_heads = heads
        if hit.cue.frame in {"verb", "causative", "reverse", "passive"} and heads and tails:
            subjects.extend(h for h in heads if h not in subjects and h.label_ != "Dataset")
        hit.heads = heads
        for head in heads:
            for tail in tails:
                relation = _retype(hit.cue.relation, head.label_, tail.label_)
                if relation is None:
                    continue
                cue_text = sentence.cue_text(hit.start, hit.end)
                out.append((head, relation, tail, cue_text, hit.cue.confidence))
                if relation == "uses" and tail.label_ == "Method" and head.label_ == "Model" \
                        and sentence.text[hit.start:hit.end] == "using" \
                        and re.search(r"<\d+>(?: models?)? $", sentence.text[:hit.start]):
                    # "experiments with LLaMA-65B using speculative decoding": the method runs on the model
                    out.append((tail, "applied_to", head, cue_text, hit.cue.confidence - 0.1))
        if hit.cue.frame == "gerund" and tails:
            out.extend(_derived_models(sentence, hit, tails))
    out.extend(_descriptions(sentence))
    # Evaluation phrases take the sentence subject, wherever it is ("On X, Y achieves ...").
    for hit in hits:
        if hit.cue.frame != "prep":
            continue
        tails = _object(sentence, hit, hits, max_gap=4)
        heads = _prep_heads(sentence, hit, hits, subjects, discourse)
        for head in heads:
            for tail in tails:
                relation = _retype(hit.cue.relation, head.label_, tail.label_)
                if relation == "applied_to" and not sentence.text[:hit.end].endswith((" on", " across")):
                    continue  # "evaluations on LLaMA": only "on"/"across" say the method ran on the model
                if relation is not None:
                    out.append((head, relation, tail, sentence.cue_text(hit.start, hit.end),
                                hit.cue.confidence - (0.1 if head not in subjects else 0.0)))
    first = [h for h, *_ in out]
    if first:
        discourse.last_subject = [first[0]]
    else:
        starts = sentence.placeholders(0, 40)
        if starts:
            ent = sentence.ents[starts[0][0]]
            if ent.label_ in {"Model", "Method"}:
                discourse.last_subject = [ent]
    return out


_DERIVED = re.compile(r"^ ?[^;]*?, (?:we|which|this|it) (?:\w+ ){0,2}?(?:develop|obtain|build|create|train|get|"
                      r"produce|derive|yield|arrive at|present|introduce|release|call|name)\w* [^;<]*?(<\d+>)")


def _derived_models(sentence: _Sentence, hit: _Hit, tails: list[Span]) -> list[RelationTuple]:
    """"Applying M to X, we develop Y": Y is based on X."""
    last = max(tails, key=lambda e: e.start)
    index = sentence.ents.index(last)
    end = next(e for i, s_, e in sentence.placeholders() if i == index)
    match = _DERIVED.match(sentence.text[end:])
    if not match:
        return []
    derived = sentence.ents[int(match.group(1)[1:-1])]
    cue = sentence.cue_text(hit.start, end + match.end())
    return [(derived, "based_on", tail, cue, 0.6) for tail in tails
            if tail.label_ == "Model" and derived.label_ == "Model"]


#: "X, a Y-based model ..." / "X -- a transformer-based architecture with Z": what X is built from.
_APPOSITION = re.compile(r"(<\d+>) (?:,|--|-|:|is|are|was) (?:a|an) ((?:(?!(?:that|which|who|while|to|trained|tuned|"
                         r"fine-tuned|finetuned|pre-trained|pretrained|where|when|for|on|;|--|by|achieves?|outperforms?|surpass(?:es)?|"
                         r"improves?|shows?|demonstrates?)(?!\S))\S+ ?)+)")
#: "RoPE-based pretrained LLMs such as LLaMA": LLaMA uses RoPE.
_BASED = re.compile(r"(<\d+>) ?-based (?:(?:[\w\-]+|,) ){0,4}?(?:(?:such as|including|like|e\.g\. ,?) )?(<\d+>)")


def _descriptions(sentence: _Sentence) -> list[RelationTuple]:
    """Relations stated by a description rather than a verb: appositions and "X-based" phrases."""
    out: list[RelationTuple] = []
    for match in _APPOSITION.finditer(sentence.text):
        head = sentence.ents[int(match.group(1)[1:-1])]
        for index, start, end in sentence.placeholders(match.start(2), match.end(2)):
            tail = sentence.ents[index]
            relation = _retype("based_on", head.label_, tail.label_)
            if relation and tail.label_ != "Dataset":
                out.append((head, relation, tail, sentence.cue_text(match.start(), end), 0.45))
    for match in _BASED.finditer(sentence.text):
        base = sentence.ents[int(match.group(1)[1:-1])]
        for head in _group_ents(sentence, int(match.group(2)[1:-1])):
            relation = _retype("based_on", head.label_, base.label_)
            if relation and base.label_ != "Dataset":
                out.append((head, relation, base, sentence.cue_text(match.start(), match.end()), 0.5))
    return out


def _cue_hits(sentence: _Sentence) -> list[_Hit]:
    """Non-overlapping cue matches, earlier table entries winning overlaps, in text order."""
    taken: list[tuple[int, int]] = []
    hits: list[_Hit] = []
    for cue in CUES:
        for match in cue.pattern.finditer(sentence.text):
            start, end = match.span()
            if end == start:
                continue
            if any(start < e and end > s for s, e in taken):
                continue
            taken.append((start, end))
            hits.append(_Hit(cue, start, end))
    return sorted(hits, key=lambda h: h.start)


def _retype(relation: str, head_type: str, tail_type: str) -> str | None:
    kept = RETYPE.get(relation, {}).get((head_type, tail_type))
    if kept is None:
        return None
    heads, tails = SIGNATURES[kept]
    return kept if head_type in heads and tail_type in tails else None


def _group_ents(sentence: _Sentence, index: int) -> list[Span]:
    return [sentence.ents[i] for i in sentence.groups[sentence.group_of[index]]]


def _arguments(sentence: _Sentence, hit: _Hit, hits: list[_Hit], discourse: _Discourse,
               previous_heads: list[Span], subjects: list[Span]) -> tuple[list[Span], list[Span]]:
    frame = hit.cue.frame
    if frame == "prep":
        return [], []
    if frame == "gerund":
        after = sentence.placeholders(hit.end)
        if not after or sentence.text[hit.end:after[0][1]].strip():
            return [], []
        heads = _group_ents(sentence, after[0][0])
        rest = sentence.placeholders(after[0][2])
        if not rest:
            return [], []
        gap = sentence.text[after[0][2]:rest[0][1]].strip() + " "
        if not re.fullmatch(r"(?:to|on|onto|for|in) (?:[\w\-]+ |, ){0,8}?(?:such as |including |like |e\.g\. ,? )?",
                            gap):
            return [], []
        tails = _group_ents(sentence, rest[0][0])
        return heads, tails
    if frame == "via":
        after = sentence.placeholders(hit.end)
        before = sentence.placeholders(0, hit.start)
        if not after or not before or sentence.text[hit.end:after[0][1]].strip() not in {"", "the", "a", "an"}:
            return [], []
        gap = sentence.text[before[-1][2]:hit.start]
        if len(gap.split()) > 8 or _BOUNDARY.search(gap):
            return [], []
        heads = _group_ents(sentence, after[0][0])
        tails = _group_ents(sentence, before[-1][0])
        if all(t.label_ != "Model" for t in tails):  # "X trained via M" -> X uses M
            return tails, heads if hit.cue.relation != "applied_to" else []
        return heads, tails
    if frame == "passive":
        after = _object(sentence, hit, hits, max_gap=3)
        before = _subject(sentence, hit, hits, discourse, previous_heads, subjects, adjacent=False)
        return after, before
    if frame == "reverse":  # "a benchmark that assesses X": X is evaluated on the benchmark
        after = _object(sentence, hit, hits, max_gap=8)
        before = _subject(sentence, hit, hits, discourse, previous_heads, subjects, adjacent=False)
        return after, before
    reach = hit.cue.reach if hit.cue.reach is not None else 14 if frame == "verb" else 6
    tails = _object(sentence, hit, hits, max_gap=reach)
    if not tails:
        return [], []
    heads = _subject(sentence, hit, hits, discourse, previous_heads, subjects, adjacent=frame == "postmod")
    return heads, tails


_SUCH_AS = re.compile(r"(?<!\S)(?:such as|including|e\.g\. ,?|like|namely|i\.e\. ,?)(?: \()? (?=<\d+>)")


def _object(sentence: _Sentence, hit: _Hit, hits: list[_Hit], *, max_gap: int) -> list[Span]:
    """Entities the cue governs on its right: the first group within `max_gap` tokens, and
    groups coordinated with it; stops at a clause boundary or the next cue. Tasks and metrics
    read as words ("outperforms X for long-form generation and Y for reasoning")."""
    text = sentence.text
    limit = min([h.start for h in hits if h.start >= hit.end and h.cue.bounds] + [len(text)])
    boundary = _BOUNDARY.search(text, hit.end, limit)
    scope_end = boundary.start() if boundary else limit
    found: list[Span] = []
    position = hit.end
    for index, start, end in sentence.placeholders(hit.end, scope_end):
        if sentence.ents[index].label_ not in CORE:
            continue
        gap = _flat(text[position:start])
        if not found:
            if len(gap.split()) > max_gap or (re.search(r"(?<!\S)(?:and|or)(?= \S)", gap) and not re.search(
                    r"(?:such as|including|e\.g\. ,?|like|namely|,)$", gap)):
                break  # the object is a phrase of its own: "than existing models and can ..."
        elif not _COORD.fullmatch(gap) and (len(gap.split()) > 6 or not re.search(
                r"(?:^|\s)(?:and|or|,|as well as|such as|including|like|e\.g\. ,?)$", gap)):
            break
        found.extend(e for e in _group_ents(sentence, index) if e not in found)
        position = end
    if not found and max_gap > 4:
        # "comparable to strong models that involve larger FLOPs, such as X and Y"
        stop = text.find(";", hit.end, limit)
        match = _SUCH_AS.search(text, hit.end, limit if stop < 0 else stop)
        if match and len(text[hit.end:match.start()].split()) <= 25:
            index = int(_PLACEHOLDER.match(text, match.end()).group(1))
            found = [e for e in _group_ents(sentence, index) if e.label_ in CORE]
    return found


def _subject(sentence: _Sentence, hit: _Hit, hits: list[_Hit], discourse: _Discourse,
             previous_heads: list[Span], subjects: list[Span], *, adjacent: bool) -> list[Span]:
    """The head of a cue on its left: the nearest Model/Method/Dataset group outside asides, the
    subject of an earlier verb after "and", or what a pronoun subject stands for."""
    text = sentence.text
    candidate = None
    for index, start, end in reversed(sentence.placeholders(0, hit.start)):
        gap = text[end:hit.start]
        if gap.count(")") > gap.count("(") or sentence.ents[index].label_ not in CORE:
            continue  # inside an aside "( e.g. , X or Y )", or a task / metric
        candidate = (index, start, end)
        break
    left = text[candidate[2]:hit.start] if candidate else text[:hit.start]
    stripped = re.sub(r"(?:(?:\w+ly|also|even|further|still|then|both|all|consistently|to|[\d.,]+|%|"
                      r"times|points?|x) )+$", "", _flat(left) + " ").strip()
    # A verb phrase coordinated with an earlier one keeps that one's subject.
    if previous_heads and not adjacent and re.search(r"(?:^|\s|^,)(?:and|but|while|,|as well as)$", stripped) \
            and not re.search(r"(?<!\S)(?:we|it|they)(?!\S)", stripped):
        return previous_heads
    if not adjacent:
        anaphors = list(_SUBJECT_ANAPHOR.finditer((" " if candidate else "") + left))
        if anaphors:
            return discourse.resolve(anaphors[-1].group("a"), before=sentence.sent.start + 1)
    if candidate is None:
        return subjects if not adjacent and hit.cue.relation in {"outperforms", "compared_with"} else []
    if not adjacent and re.search(r"(?<!\S)(?:for|on|in|with|at|over|across|than|into)$",
                                  text[:candidate[1]].rstrip()) and not _applied_tail(sentence, hits, candidate[0]):
        return []  # "a draft model for X can provide ...": X sits in a prepositional phrase
    words = stripped.split()
    if adjacent:
        return _with_applied(sentence, hits, candidate[0]) if _only_words(words, _POSTMOD_GAP) else []
    blocked = any(h.heads and h.end <= hit.start and h.start >= candidate[2] and h.cue.frame != "prep"
                  for h in hits)  # an earlier cue between the group and this one already took it
    if len(words) > 14 or blocked or (_BOUNDARY.search(" " + _flat(left) + " ") and not _relative_ok(_flat(left))):
        return subjects if hit.cue.relation in {"outperforms", "compared_with"} else []
    return _with_applied(sentence, hits, candidate[0])


_POSTMOD_GAP = frozenset({",", "model", "models", "llm", "llms", "checkpoint", "checkpoints", "variant", "variants",
                          "network", "networks", "which", "that", "is", "are", "was", "were", "been", "has",
                          "have", "being", "first", "then", "further", "also", "all", "originally", "initially",
                          "each", "both", "-", "base", "version", "versions"})


def _relative_ok(left: str) -> bool:
    """Relative clauses and appositions between a subject and its verb: ", a 65B LLM that"."""
    stripped = left.strip()
    return bool(re.fullmatch(r"(?:, (?:a|an|the|our) [^;:]*? )?(?:that|which|who)(?: [^;:]*)?|"
                             r"(?:are|is) [^;:]* (?:that|which) (?:are|is)(?: \w+)?", stripped))


def _only_words(words: list[str], allowed: set[str]) -> bool:
    return all(w in allowed or w.endswith("ly") for w in words)


def _with_applied(sentence: _Sentence, hits: list[_Hit], index: int) -> list[Span]:
    """The group at `index`; when it is the object of "applying M to X" / "M applied to X", M is
    the subject; after "M leads X to", both are."""
    group = _group_ents(sentence, index)
    for hit in hits:
        if hit.cue.relation != "applied_to" or not hit.heads or hit.cue.frame not in {"gerund", "postmod",
                                                                                        "causative"}:
            continue
        if any(e in group for e in _group_tail_of(sentence, hit)):
            if hit.cue.frame == "causative":
                return group + [h for h in hit.heads if h not in group]
            return list(hit.heads)
    return group


def _applied_tail(sentence: _Sentence, hits: list[_Hit], index: int) -> bool:
    """Whether the entity at `index` is the object of an applied_to cue ("applying M to X")."""
    ent = sentence.ents[index]
    return any(hit.cue.relation == "applied_to" and hit.heads and ent in _group_tail_of(sentence, hit)
               for hit in hits)


def _group_tail_of(sentence: _Sentence, hit: _Hit) -> list[Span]:
    """The tail group of an applied_to cue hit (the group after "to"/"on" or right after)."""
    after = sentence.placeholders(hit.end)
    if hit.cue.frame == "gerund":
        if len(after) < 2:
            return []
        first_group = sentence.group_of[after[0][0]]
        for index, _, _ in after:
            if sentence.group_of[index] != first_group:
                return _group_ents(sentence, index)
        return []
    return _group_ents(sentence, after[0][0]) if after else []


def _prep_heads(sentence: _Sentence, hit: _Hit, hits: list[_Hit], subjects: list[Span],
                discourse: _Discourse) -> list[Span]:
    """Who is evaluated: the sentence's subjects, else the nearest Model/Method group on the left,
    else the first Model/Method after the phrase ("On X, Y ..."), else the paper's entity."""
    if subjects:
        return subjects
    before = [p for p in sentence.placeholders(0, hit.start)
              if sentence.ents[p[0]].label_ in {"Model", "Method"}]
    if before:
        gap = sentence.text[before[-1][2]:hit.start]
        if len(gap.split()) <= 10 and not re.search(r"(?<!\S)(?:;|which|while|whereas|but|although)(?!\S)", gap):
            return _with_applied(sentence, hits, before[-1][0])
    anaphors = list(_SUBJECT_ANAPHOR.finditer(sentence.text))
    if anaphors:
        return discourse.resolve(anaphors[0].group("a"), before=sentence.sent.start + 1)
    after = [p for p in sentence.placeholders(hit.end) if sentence.ents[p[0]].label_ in {"Model", "Method"}]
    if after and re.search(r"(?:,|show|shows|showed|demonstrate|demonstrates|that) ",
                           sentence.text[hit.end:after[0][1]]):
        return _group_ents(sentence, after[0][0])
    return []


@Language.factory("kg_relations", assigns=["doc._.kg_relations"], requires=["doc.ents", "token.is_sent_start"],
                  default_config={})
def make_relations(nlp: Language, name: str) -> "RelationFinder":
    return RelationFinder()


class RelationFinder:
    """Runs find_relations over the doc."""

    def __call__(self, doc: Doc) -> Doc:
        doc._.kg_relations = tuple(find_relations(doc))
        return doc
