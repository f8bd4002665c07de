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
- ``inverse``: "X lags behind Y", "underperforms"; head on the right, and X stays the clause
  subject for later evaluation phrases.
- ``pair``: a verb with two objects and a connector in the cue ("compare X with Y",
  "distill X into Y", "initialize X with the weights of Y").

Fronted phrases before the subject ("Compared with Y, X improves ...", "Trained on ... from D,
X ...", "Using Y as the backbone, X ...") are read whole (`_fronted`). Where a verb has no subject
of its own (a participle after "while" or after an evaluation phrase, ", which is comparable to"
after a result, "..., and it outperforms"), the head is the clause subject: the clause's first
Model/Method outside prepositional phrases and coordinations.

Subjects that are pronouns or descriptions ("we", "it", "our model", "the proposed method")
are resolved to the entity the paper introduces ("We present InvestLM, ...") or to the
previous sentence's subject. Every candidate is finally retyped by the entity types it joins
(`RETYPE`: "trained on" an entity that is a Model means based_on) and kept only if it fits
`kg.types.SIGNATURES`.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from itertools import accumulate
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Callable, NamedTuple

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..types import SIGNATURES, SYMMETRIC_RELATIONS
from .tokens import TokenArrays, extension_key, token_arrays

if not Doc.has_extension("kg_relations"):
    Doc.set_extension("kg_relations", default=())
#: where doc.user_data holds doc._.kg_relations, and the kg_mentions values read here (see extension_key)
_RELATIONS_KEY = extension_key("kg_relations")
_MENTIONS_KEY, _MENTION_META_KEY = extension_key("kg_mentions"), extension_key("kg_mention_meta")

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
    connector: str = ""  # "pair" frames: the words between the two objects ("compare X with Y")
    swap: bool = False  # "pair" frames: the second object is the head ("distill X into Y")
    #: the pattern with a space for its leading token boundary, run over " " + text where the text's only
    #: whitespace is single spaces between words (see _cue_hits): re then jumps from space to space
    #: instead of testing the lookbehind at every character, several times faster
    spaced: re.Pattern | None = None


def _cue(relation: str, frame: str, pattern: str, confidence: float, *, bounds: bool = True,
         reach: int | None = None, connector: str = "", swap: bool = False) -> Cue:
    return Cue(relation, frame, re.compile(r"(?<!\S)(?:" + pattern + r")(?!\S)"), confidence, bounds, reach,
               connector, swap, re.compile(r" (?:" + pattern + r")(?!\S)"))


#: Order matters only for overlaps: a longer, more specific cue listed earlier wins its span.
CUES: tuple[Cue, ...] = (
    # -- passives (head on the right) -----------------------------------------------------
    _cue("outperforms", "passive", r"(?:is|are|was|were|being) " + _ADV
         + r"(?:outperformed|surpassed|beaten|exceeded|outclassed) by", 0.75),
    # -- inverse comparatives: "X lags behind Y" (head on the right, X stays the clause subject)
    _cue("outperforms", "inverse", r"(?:lag|lags|lagged|lagging|trail|trails|trailed|trailing|fall|falls|fell|falling) "
         r"(?:\w+ )?(?:behind|short of)|underperform(?:s|ed|ing)?|(?:performs|does|is|are|was|were|scores?) " + _ADV
         + r"(?:worse|weaker|inferior) (?:than|to)", 0.7),
    # -- outperforms ----------------------------------------------------------------------
    _cue("outperforms", "verb", r"(?:outperform|surpass|beat|exceed|outclass|outpace|dominate|"
         r"eclipse|overtake)(?:s|es|ed|ing)?(?: the performance of| that of| those of)?", 0.8),
    _cue("outperforms", "verb", r"(?:improv(?:es|ed|ing|e)|improvements?|gains?|advances?) "
         r"(?:(?:in |of |the |its )?(?:<\d+>|[\w\-]+) )?"
         r"(?:over|upon|on top of)"
         r"(?! \w+ (?:steps|stages|iterations))", 0.65),
    _cue("outperforms", "verb", r"(?:better|stronger|higher|faster|lower|superior|more \w+) "
         r"(?:[\w\-<>]+ ){0,4}?(?:than|to|compared (?:to|with)|relative to)", 0.6),
    _cue("outperforms", "verb", r"(?:performs|does|works|scores|ranks) " + _ADV + r"better than", 0.75),
    _cue("outperforms", "verb", r"(?:best|first|top|highest)(?: \w+)? ,? followed (?:closely )?by", 0.6),
    # "reduces WER by 15% relative to Y"; efficiency ("reducing memory footprint and energy
    # consumption compared to Y") is a comparison, so "compared to" and long gaps stay out
    _cue("outperforms", "verb", r"(?:reduc|lower|cut|decreas|improv|boost|increas|rais)\w* (?:[\w\-.%]+ |<\d+> ){0,7}?"
         r"(?:relative to|over|than)", 0.6),
    _cue("outperforms", "verb", r"(?:advantage|lead|edge|margin) over", 0.55),
    # -- compared_with --------------------------------------------------------------------
    _cue("compared_with", "verb", r"(?:rival|match|equal)(?:s|es|ed|ing)?(?! \w+ (?:of|to|the input))"
         r"(?: the performance of| that of| those of)?", 0.65),
    _cue("compared_with", "pair", r"(?:compare|compares)(?= (?:" + _E + r"|it|them) )", 0.6,
         connector=r"(?:[\w\-]+ ){0,3}?(?:with|to|against|and)"),
    _cue("compared_with", "verb", r"(?:(?:comparable|competitive|similar|equivalent|close|on par|on-par|"
         r"par|level|commensurate|closer) (?:[\w\-]+ |<\d+> ){0,4}?(?:to|with)|"
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
         r"on top of|(?:a |an |the )?(?:(?:[\w]+-tuned|fine-?tuned|finetuned|distilled|smaller|larger|compressed|"
         r"quantized|"
         r"pruned|modified|improved|extended|aligned|multilingual|instruction-following) )?"
         r"(?:variant|version|descendant|derivative|successor|extension|fine-tune) of)", 0.7),
    # -- trained_on -------------------------------------------------------------------------
    _cue("trained_on", "postmod", _TRAINED + r" (?:\w+ ){0,4}?(?:on|over)", 0.7),
    _cue("trained_on", "postmod", _TRAINED + r" (?:[^<;]*? )?(?:using|with|via|through|by (?:using|applying))", 0.6),
    # -- applied_to -------------------------------------------------------------------------
    _cue("applied_to", "gerund", r"(?:apply|applies|applied|applying)(?= " + _E + r")", 0.7),
    _cue("trained_on", "gerund", r"(?:(?:instruction[- ]|further |continually |additionally )?(?:fine-?tun(?:ing|e|es)|"
         r"finetun(?:ing|e|es)|tun(?:ing|e|es)|train(?:ing|s)?|pre-?train(?:ing|s)?|re-?train(?:ing|s)?|"
         r"adapt(?:ing|s)?))"
         r"(?= (?:" + _E + r"|it|them) )", 0.65),
    _cue("applied_to", "causative", r"(?:leads|lead|led|enables|enabling|allows|allowing|helps|helping|"
         r"makes|making|turns|turning|boosts|boosting)(?= " + _E + r" (?:to|\w+s?$|\w+ly|achieve|perform|"
         r"outperform|surpass|match|rival|reach))", 0.65),
    _cue("applied_to", "postmod", r"(?:(?:is|are|was|were|being|been) )?(?:applied|adapted) (?:\w+ ){0,1}?(?:to|on)", 0.7),
    _cue("based_on", "pair", r"(?:distil(?:l|ls|led|ling)|compress(?:es|ed|ing)?|transfer(?:s|red|ring)?)(?= " + _E
         + r")", 0.6, connector=r"(?:[\w\-]+ ){0,2}?(?:into|to)", swap=True),
    _cue("based_on", "pair", r"(?:initiali[sz](?:e|es|ed|ing)|warm-start(?:s|ed|ing)?)(?= " + _E + r")", 0.6,
         connector=r"(?:with|from|using) (?:the )?(?:pre-?trained )?(?:weights|parameters|checkpoints?)?(?: of)?"),
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
         r"benchmarks?|suites?|examples?|instances?|samples?|" + _E + r") from|"
         r"(?:generali[sz]|transfer)(?:es|e|ed|ing|s)? (?:well |better |robustly )?to|"
         r"(?:sets?|splits?|subsets?|partitions?|portions?|parts?|suites?) of", 0.6),
    _cue("evaluated_on", "reverse", r"(?:assess|assesses|assessing|evaluate|evaluates|evaluating|benchmark|"
         r"benchmarks|benchmarking|measure|measures|measuring|test|tests|testing|probe|probes|probing)"
         r"(?: (?:the )?[\w\-]+ (?:[\w\-]+ )?of)?", 0.55),
)

#: Prefilter for CUES (same order): literal substrings of which every match of the cue contains at
#: least one, read off the patterns by hand; a cue none of whose triggers occurs in the sentence text
#: cannot match, so its regex is not run. None: always run.
_CUE_TRIGGERS: tuple[tuple[str, ...] | None, ...] = (
    ("outperformed", "surpassed", "beaten", "exceeded", "outclassed"),  # passive
    ("behind", "short of", "underperform", "worse", "weaker", "inferior"),  # inverse
    ("outperform", "surpass", "beat", "exceed", "outclass", "outpace", "dominate", "eclipse", "overtake"),
    ("improv", "gain", "advance"),
    ("better", "stronger", "higher", "faster", "lower", "superior", "more "),
    ("better than",),
    ("followed",),
    ("reduc", "lower", "cut", "decreas", "improv", "boost", "increas", "rais"),
    ("advantage over", "lead over", "edge over", "margin over"),
    ("rival", "match", "equal"),
    ("compare",),
    ("compar", "competitive", "similar", "equivalent", "close", "par", "level", "commensurate", "versus", "vs",
     "against", "relative to"),
    ("from", "upon", "on top of", "based", "build", "built", "founded", "grounded", "variant", "version",
     "descendant", "derivative", "successor", "extension", "fine-tune"),  # based_on postmod
    ("tuned", "trained", "learned", "learnt", "optimi", "adapted", "supervised"),  # _TRAINED ... on
    ("tuned", "trained", "learned", "learnt", "optimi", "adapted", "supervised"),  # _TRAINED ... using
    ("appl",),
    ("tun", "train", "adapt"),
    ("lead", "led", "enabl", "allow", "help", "mak", "turn", "boost"),
    ("applied", "adapted"),
    ("distil", "compress", "transfer"),
    ("initiali", "warm-start"),
    ("extend", "prun", "compress", "quantiz", "accelerat", "speed", "sparsif", "distil", "scal"),
    ("via", "through", "by means of", "with the help of"),
    ("us", "employ", "leverag", "adopt", "utili", "incorporat", "integrat", "combin", "rel", "exploit", "build",
     "draw", "benefit", "equip", "augment", "enhanced with", "powered by", "driven by"),
    ("with",),
    None,  # evaluated_on prep: "on", "in", "of", ... nearly always present
    ("assess", "evaluat", "benchmark", "measur", "test", "prob"),
)
assert len(_CUE_TRIGGERS) == len(CUES)
_ALWAYS = frozenset(i for i, triggers in enumerate(_CUE_TRIGGERS) if triggers is None)
#: trigger -> indices of the cues it can start
_TRIGGER_CUES: dict[str, frozenset[int]] = {
    trigger: frozenset(i for i, triggers in enumerate(_CUE_TRIGGERS) if triggers and trigger in triggers)
    for trigger in dict.fromkeys(t for triggers in _CUE_TRIGGERS if triggers for t in triggers)}

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

#: Prefilter for _INTRO_PATTERNS (same order), as for _CUE_TRIGGERS; None: the text starts with "<".
_INTRO_TRIGGERS: tuple[tuple[str, ...] | None, ...] = (
    ("we ", "this ", "our "),
    ("named ", "called ", "termed ", "dubbed ", "namely ", "coined "),
    ("our ", "the proposed ", "the resulting "),
    None,
)
_INTRO_TRIGGERED = tuple(zip(_INTRO_PATTERNS, _INTRO_TRIGGERS))
#: Words of which a text that one of the first three _INTRO_PATTERNS matches holds one as a word of its own (the
#: fourth starts the text with a placeholder): looked up first, in the sentence's units (see _introduced)
_INTRO_WORDS = frozenset({"we", "this", "our", "named", "called", "termed", "dubbed", "namely", "coined", "proposed",
                          "resulting"})
#: the spaced form (as Cue.spaced) of the patterns that start at a token boundary
_INTRO_SPACED = {pattern: re.compile(" " + pattern.pattern[len(r"(?<!\S)"):]) for pattern in _INTRO_PATTERNS
                 if pattern.pattern.startswith(r"(?<!\S)")}

#: Coordination between two entities: they form one group ("Y, Z and W").
_COORD = re.compile(r"(?:(?:models?|variants?|series|famil(?:y|ies)|llms?|baselines?) )?"
                    r"(?:,|and|or|&|/|as well as|along with|together with|plus|, and|, or|, as well as|"
                    r"and the|, the|, and the|and even|, e\.g\. ,|, i\.e\. ,|,? (?:such as|including|like|e\.g\.,?))?"
                    r"(?: the| an?)?")

#: Where the object of a verb cue ends: clause and sentence boundaries.
_BOUNDARY = re.compile(r"(?<!\S)(?:;|:|which|while|whereas|but|although|though|because|since|when|where|whether|"
                       r"that(?! of)|so|thus|hence|therefore|by \w+ing|to (?!the|a|an|its|their|that|those|"
                       r"\w+ (?:of|by))\w+|, (?:and |but )?(?:we|it|they|our|this|these|which)|"
                       r"and (?:we|it|they|our)|unlike|despite|--|"
                       r",? as (?:judged|measured|rated|assessed|evaluated) by|,? according to)"
                       r"(?!\S)")

_BOUNDARY_SPACED = re.compile(" " + _BOUNDARY.pattern[len(r"(?<!\S)"):])
assert _BOUNDARY.pattern.startswith(r"(?<!\S)")

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


class _Sentence:
    """A sentence as placeholder text, with the entity spans its placeholders stand for.

    The units of the text (its words: tokens, tokens glued to "-..." ones, placeholders) are three
    parallel lists, not a tuple per unit: most of them are slices of the token arrays."""

    __slots__ = ("start", "end", "arrays", "ents", "text", "units", "token_starts", "token_ends", "groups",
                 "group_of", "_all", "_starts", "_ends", "_bounds", "active_cues", "last_core", "labels", "plain",
                 "_anaphoric")

    def __init__(self, start: int, end: int, arrays: TokenArrays, ents: list[Span], text: str, units: list[str],
                 token_starts: list[int], token_ends: list[int], found: list[tuple[int, int, int]],
                 labels: list[str]) -> None:
        self.start = start  # doc token index of the sentence's first token
        self.end = end  # doc token index just after its last token
        self.arrays = arrays
        self.ents = ents
        self.text = text  # the units joined by single spaces
        self.units = units
        self.token_starts = token_starts  # doc token start of each unit
        self.token_ends = token_ends  # doc token end of each unit
        self.groups: list[list[int]] = []  # coordinated entity indices, in order
        self.group_of: dict[int, int] = {}
        #: every placeholder of text: (entity index, text start, text end), in text order
        self._all = found
        self._starts = [p[1] for p in found]  # text start of each entry of _all
        self._ends = [p[2] for p in found]  # text end of each entry of _all (increasing too: no overlaps)
        self._bounds: list[int] | None = None  # text start of each unit, then len(text) + 1 (see cue_text)
        #: indices into CUES that can match text (see _mark_active_cues); None: not computed
        self.active_cues: set[int] | None = None
        self.last_core = -1  # text start of the last Model/Method/Dataset placeholder (-1: none)
        self.labels = labels  # label_ of each entity of ents (read once)
        #: whether the text's only whitespace is single spaces between units (then patterns may run spaced)
        self.plain = text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "
        self._anaphoric: bool | None = None

    @property
    def anaphoric(self) -> bool:
        """False when no pronoun or description in the text can be read as a subject: the words
        `_SUBJECT_ANAPHOR` and `_FRONTED_SUBJECT` need are missing (a cheap test that skips them)."""
        if self._anaphoric is None:
            arrays = self.arrays
            lowers = arrays.lowers[self.start:self.end]
            # units are tokens or tokens glued to "-..." ones; "we(...)" is read as "we (...)" (tokens
            # looked at only when the sentence's text has a "(")
            self._anaphoric = not _DISCOURSE_WORDS.isdisjoint(lowers) or (
                self.end > self.start and arrays.text.find("(", arrays.idx[self.start], arrays.end_char(self.end)) >= 0
                and any(w.startswith(("we(", "it(", "they(")) for w in lowers))
        return self._anaphoric

    def ent_at(self, index: int) -> Span:
        return self.ents[index]

    def placeholders(self, start: int = 0, end: int | None = None) -> list[tuple[int, int, int]]:
        """(entity index, text start, text end) of the placeholders within [start, end)."""
        # placeholders do not overlap: their starts and their ends both increase
        return self._all[bisect_left(self._starts, start) if start > 0 else 0:
                         None if end is None else bisect_right(self._ends, end)]

    def cue_text(self, start: int, end: int) -> str:
        """The document text behind placeholder-text positions [start, end)."""
        bounds = self._bounds
        if bounds is None:
            bounds = self._bounds = list(accumulate([len(unit) + 1 for unit in self.units], initial=0))
        # the units overlapping [start, end) are a run: from the first that ends after start to the
        # last that starts before end (unit k spans [bounds[k], bounds[k + 1] - 1) of the text)
        first = bisect_right(bounds, start + 1) - 1
        last = bisect_left(bounds, end) - 1
        if first > last:
            return ""
        return self.arrays.span_text(self.token_starts[first], self.token_ends[last])


_DEPTH = {"(": 1, ")": -1}


def _glued(arrays: TokenArrays, start: int = 0, end: int | None = None) -> list[int]:
    """Tokens that start with "-" right after the previous token ("fine" "-tuned"), in order; those of
    the tokens [start, end) when given (a sentence)."""
    words, idx, text = arrays.words, arrays.idx, arrays.text
    if not idx:
        return []
    end = len(idx) if end is None else end
    stop = arrays.end_char(end) if end > start else 0
    # visits each "-" of the text (str.find runs in C) rather than every token: a token starts with
    # "-" where a "-" of the text is the first character of a token
    glued = []
    position = text.find("-", max(idx[start], 1) if start < len(idx) else len(text), stop)
    while position >= 0:
        i = bisect_left(idx, position)
        if i < len(idx) and idx[i] == position and idx[i - 1] + len(words[i - 1]) == position:
            glued.append(i)
        position = text.find("-", position + 1, stop)
    return glued


def _sentence(arrays: TokenArrays, sent_start: int, sent_end: int, ents: list[Span],
              glued: list[int] | None = None) -> _Sentence:
    """Placeholder text of the sentence [sent_start, sent_end): entity -> "<i>", parentheses without
    entities dropped, an abbreviation "(<j>)" right after its long form folded into it."""
    words, lowers, idx = arrays.words, arrays.lowers, arrays.idx
    if glued is None:
        glued = _glued(arrays, sent_start, sent_end)  # the sentence's own (cheaper than the doc's)
    units: list[str] = []  # the words of the text
    token_starts: list[int] = []  # the doc tokens of each unit
    token_ends: list[int] = []
    spans = sorted([(ent.start, ent.end, i) for i, ent in enumerate(ents)])
    marks: list[tuple[int, str]] = []  # (entity index, placeholder) of each placeholder unit, in order
    i = sent_start
    for k in range(len(spans) + 1):
        stop = spans[k][0] if k < len(spans) else sent_end
        if i < stop:
            g = bisect_left(glued, i)
            if g == len(glued) or glued[g] >= stop:
                units += lowers[i:stop]
                token_starts += range(i, stop)
                token_ends += range(i + 1, stop + 1)
            else:
                for t in range(i, stop):
                    if (units and token_ends[-1] == t and not units[-1].startswith("<")
                            and idx[t - 1] + len(words[t - 1]) == idx[t] and words[t].startswith("-")):
                        # "fine" "-tuned": the tokenizer splits suffixes off names; cues read the word whole.
                        units[-1] += lowers[t]
                        token_ends[-1] = t + 1
                        continue
                    units.append(lowers[t])
                    token_starts.append(t)
                    token_ends.append(t + 1)
            i = stop
        if k < len(spans) and i < sent_end:
            start, end, index = spans[k]
            mark = f"<{index}>"
            marks.append((index, mark))
            units.append(mark)
            token_starts.append(start)
            token_ends.append(end)
            i = end
    in_order = True  # whether the placeholders of the text are those of marks (see found below)
    if "(" in units:  # (a "(" inside an entity is no unit: _parentheses would leave the units as they are)
        units, token_starts, token_ends = _columns(_parentheses(list(zip(units, token_starts, token_ends))))
        in_order = False  # it may fold a placeholder away
    joined = " ".join(units)
    if ", ," in joined:  # after a dropped parenthesis
        rows = list(zip(units, token_starts, token_ends))
        units, token_starts, token_ends = _columns(
            [u for k, u in enumerate(rows) if not (u[0] == "," and k and rows[k - 1][0] == ",")])
        joined = " ".join(units)
    if in_order and joined.count("<") == len(marks):
        # the text's "<"s are those of marks, in order: each is found with str.find (cheaper than the regex)
        found = []
        position = 0
        for index, mark in marks:
            position = joined.find(mark, position)
            found.append((index, position, position + len(mark)))
            position += len(mark)
    else:  # a "<" of the document's text, or placeholders folded away
        found = [(int(m.group(1)), m.start(), m.end()) for m in _PLACEHOLDER.finditer(joined)] if "<" in joined else []
    labels = [ent.label_ for ent in ents]
    sentence = _Sentence(sent_start, sent_end, arrays, ents, joined, units, token_starts, token_ends, found, labels)
    for index, start, _ in reversed(found):
        if labels[index] in CORE:
            sentence.last_core = start
            break
    _group(sentence)
    return sentence


def _columns(rows: list[tuple[str, int, int]]) -> tuple[list[str], list[int], list[int]]:
    """The units, token starts and token ends of (unit, token start, token end) rows."""
    if not rows:
        return [], [], []
    units, starts, ends = zip(*rows)
    return list(units), list(starts), list(ends)


def _parentheses(units: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Parentheses: drop "( ... )" without placeholders, fold "<i> ( <j> )", else make them commas."""
    out: list[tuple[str, int, int]] = []
    k = 0
    n_units = len(units)
    fullmatch = _PLACEHOLDER.fullmatch
    while k < n_units:
        text = units[k][0]
        if text == "(":
            depth, j = 1, k + 1
            while j < n_units and depth:
                depth += _DEPTH.get(units[j][0], 0)
                j += 1
            inner = units[k + 1:j - 1] if depth == 0 else None
            if inner is not None:
                has_ent = any(fullmatch(u[0]) for u in inner)
                if not has_ent:
                    k = j
                    continue
                if len(inner) == 1 and out and fullmatch(out[-1][0]):
                    k = j  # "Position Interpolation (PI)": the short form is the same entity
                    continue
                out.extend(units[k:j])  # kept: an aside "( e.g. , <2> or <3> )" is skipped by _subject
                k = j
                continue
        out.append(units[k])
        k += 1
    return out


def _group(sentence: _Sentence) -> None:
    """Coordinated entities ("LLaMA 2, GPT-3.5 and PaLM 2-L") form one group."""
    previous = None
    labels = sentence.labels
    for index, start, end in sentence.placeholders():
        if previous is not None:
            kind = _KIND.get(labels[index])
            if kind is not None and kind == _KIND.get(labels[previous[0]]) \
                    and _coordination(sentence.text[previous[2]:start]):
                sentence.groups[-1].append(index)
                sentence.group_of[index] = len(sentence.groups) - 1
                previous = (index, start, end)
                continue
        sentence.groups.append([index])
        sentence.group_of[index] = len(sentence.groups) - 1
        previous = (index, start, end)


@lru_cache(maxsize=8192)  # gaps between entities repeat (" , ", " and ", ...)
def _flat(gap: str) -> str:
    """A gap between entities without parentheses and markup, single-spaced: "( e.g. , " -> "e.g. ,"."""
    return " ".join(w for w in gap.replace("(", " ").replace(")", " ").split()
                    if any(c.isalnum() for c in w) or w in {",", ";", ":", "--", "%", "&", "/"})


#: Entity types that coordinate with each other ("LLaMA and LoRA", "accuracy and F1") share a kind.
_KIND = {"Model": 0, "Method": 0, "Dataset": 1, "Task": 2, "Metric": 2}


@lru_cache(maxsize=8192)
def _coordination(gap: str) -> bool:
    """Whether the text between two entities coordinates them (", ", " and the ", ...)."""
    return _COORD.fullmatch(_flat(gap)) is not None


# ---------------------------------------------------------------------------------------------
# Discourse: what the paper introduces, and what "we" / "it" / "our model" stand for.
# ---------------------------------------------------------------------------------------------
class _Discourse:
    """What the paper introduces, and the subject of the latest sentence that had one."""

    def __init__(self, introduced: list[Span]) -> None:
        self.introduced = introduced
        #: the introduced Datasets, when nothing introduced is a Model or Method (see _implicit_benchmarks)
        self.benchmarks = [] if any(e.label_ in {"Model", "Method"} for e in introduced) else [
            e for e in introduced if e.label_ == "Dataset"]
        self._last_subject: list[Span] = []
        #: sentences skipped by `_silent` whose effect on last_subject is not known yet (see there), or
        #: functions that build them (see find_relations)
        self.pending: list[_Sentence | Callable[[], _Sentence]] = []

    @property
    def last_subject(self) -> list[Span]:
        if self.pending:
            pending, self.pending = self.pending, []
            for sentence in pending:
                if not isinstance(sentence, _Sentence):
                    sentence = sentence()  # a _quiet sentence, built only now
                _sentence_relations(sentence, self)  # sets last_subject
        return self._last_subject

    @last_subject.setter
    def last_subject(self, subject: list[Span]) -> None:
        self._last_subject = subject
        self.pending = []

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


def _flagged_introduced(doc: Doc, ents: "list[_Ent] | None" = None) -> "list[_Ent] | list[Span]":
    """Entities the mention chooser marked as introduced (``doc._.kg_mention_meta``: (start, end) ->
    (source, introduced)), when that component ran."""
    meta = doc.user_data.get(_MENTION_META_KEY)  # doc._.kg_mention_meta, without an Underscore object
    if not meta:
        return []
    return [ent for ent in (doc.ents if ents is None else ents) if len(meta.get((ent.start, ent.end), ())) > 1
            and meta[(ent.start, ent.end)][1]]


def _introduced(sentences: list[_Sentence], flagged: list[Span] = ()) -> list[Span]:
    """Entities the paper introduces, from "we present X", "named X", "our model, X", plus those
    the mention chooser flagged."""
    found: list[Span] = [ent for ent in flagged if ent.label_ in CORE]
    seen = {(ent.start, ent.end) for ent in found}
    for sentence in sentences:
        text = sentence.text
        if not sentence._all:
            continue  # every pattern ends in a placeholder
        if sentence.plain and text[:1] != "<" and _INTRO_WORDS.isdisjoint(sentence.units):
            continue  # a plain text's words are its units (no unit holds a space)
        for pattern, triggers in _INTRO_TRIGGERED:
            if triggers is None:
                if not text.startswith("<"):
                    continue
            else:
                for trigger in triggers:
                    if trigger in text:
                        break
                else:
                    continue
            spaced = _INTRO_SPACED.get(pattern) if sentence.plain else None
            matches = spaced.finditer(" " + text) if spaced else pattern.finditer(text)
            for match in matches:
                index = int(_PLACEHOLDER.search(match.group(1)).group(1))
                ent = sentence.ents[index]
                if ent.label_ in CORE and (ent.start, ent.end) not in seen:
                    seen.add((ent.start, ent.end))
                    found.append(ent)
    return sorted(found, key=lambda e: e.start)


# ---------------------------------------------------------------------------------------------
# Finding relations.
# ---------------------------------------------------------------------------------------------
class _Hit:
    """One cue match in a sentence's text, and the arguments found for it."""

    __slots__ = ("cue", "start", "end", "heads", "tails")

    def __init__(self, cue: Cue, start: int, end: int) -> None:
        self.cue = cue
        self.start = start
        self.end = end
        self.heads: list[Span] = []
        self.tails: list[Span] = []


#: Triggers with a space: looked up in the sentence text. The others contain no space (nor "<" or a
#: digit), so each of their occurrences lies inside one word of the text: looked up word by word.
_PHRASE_TRIGGERS = tuple((trigger, cues) for trigger, cues in _TRIGGER_CUES.items() if " " in trigger)
_WORD_TRIGGERS = tuple((trigger, cues) for trigger, cues in _TRIGGER_CUES.items() if " " not in trigger)
assert not any(c == "<" or c.isdigit() for trigger in _TRIGGER_CUES for c in trigger)
#: word -> the cues its word triggers start (a cache: words repeat across sentences and docs)
_WORD_CUES: dict[str, frozenset[int]] = {}


def _word_cues(word: str) -> frozenset[int]:
    cues = _WORD_CUES.get(word)
    if cues is None:
        if len(_WORD_CUES) > 200_000:
            _WORD_CUES.clear()  # bounded memory on long runs
        cues = frozenset().union(*[c for trigger, c in _WORD_TRIGGERS if trigger in word])
        _WORD_CUES[word] = cues
    return cues


def _mark_active_cues(sentences: list[_Sentence]) -> None:
    """Set each sentence's active_cues: the cues one of whose triggers occurs in its text."""
    for sentence in sentences:
        # the distinct cue sets of the words (set and map loop in C; frozensets keep their hash)
        word_cues = set(map(_WORD_CUES.get, sentence.units))
        if None in word_cues:  # a word not seen yet
            word_cues = set(map(_word_cues, sentence.units))
        active = set(_ALWAYS).union(*word_cues)
        text = sentence.text
        for trigger, cues in _PHRASE_TRIGGERS:
            if not cues <= active and trigger in text:
                active |= cues
        sentence.active_cues = active


def _sentence_starts(arrays: TokenArrays) -> list[int]:
    """The first token of every sentence (what `doc.sents` yields), from the cached arrays."""
    n = len(arrays.words)
    if not n:
        return []
    starts, ends = arrays.sent_start, arrays.sent_end
    out = [0]
    i = ends[0]
    while i < n:
        out.append(starts[i])
        i = ends[i]
    return out


def find_relations(doc: Doc) -> list[RelationTuple]:
    """Typed relations stated in the doc, between doc.ents (see the module docstring)."""
    if len(doc) and not doc.has_annotation("SENT_START"):
        next(iter(doc.sents))  # spaCy's error for a doc without sentence boundaries, as before
    arrays = token_arrays(doc)
    sent_start, sent_end = arrays.sent_start, arrays.sent_end
    ents_by_sent: dict[int, list[_Ent]] = {}
    with_core: set[int] = set()  # sentences with a Model/Method/Dataset entity
    doc_ents = _doc_ents(doc)
    for ent in doc_ents:
        start = sent_start[ent.start]
        ents_by_sent.setdefault(start, []).append(ent)
        if ent.label_ in CORE:
            with_core.add(start)
    # A literal "<3>" in the text would read as a placeholder: then every sentence takes the full path.
    literal = not _SKIP_SENTENCES or "<" in arrays.text
    # A sentence without Model/Method/Dataset entities yields nothing (see _silent), introduces
    # nothing and sets no last subject (that is a Model or Method): it is not even built. Nor is a
    # _quiet one, until it has to run: each sentence is its _Sentence or, unbuilt, (start, end, ents, _quiet's answer).
    sentences: list[_Sentence | tuple[int, int, list[_Ent], str]] = []
    for start in _sentence_starts(arrays):
        if literal or start in with_core:
            end, ents = sent_end[start], ents_by_sent.get(start, [])
            quiet = "" if literal else _quiet(arrays, start, end, ents)
            sentences.append((start, end, ents, quiet) if quiet else _sentence(arrays, start, end, ents))
    # The cue-based reading comes first; the mention chooser's flags fill in when it finds nothing (then
    # the sentences, where it found nothing, are not read again). The sentences' active cues are marked
    # when their cues first run (_cue_hits): the sentences _silent skips need none.
    built = [sentence for sentence in sentences if isinstance(sentence, _Sentence)]
    discourse = _Discourse(introduced=_introduced(built) or _introduced([], _flagged_introduced(doc, doc_ents)))
    best: dict[tuple, RelationTuple] = {}
    span_text = arrays.span_text  # = Span.text, without a Token object per token
    for sentence in sentences:
        if not isinstance(sentence, _Sentence):  # _quiet: _silent would find "self only" or "no relation"
            start, end, ents, quiet = sentence
            heads = [ent for ent in ents if ent.label_ in {"Model", "Method"}]
            if not heads:
                continue  # "no relation": _note_subject would find no Model or Method in it
            if not discourse.benchmarks and (quiet == "quiet" or _echoed(discourse, arrays, start, heads[0])):
                # (with benchmarks it may be evaluated on them implicitly: it runs _silent)
                discourse.pending.append(partial(_sentence, arrays, start, end, ents))  # "self only"
                continue
            sentence = _sentence(arrays, start, end, ents)
        if not literal:
            silent = _silent(sentence, discourse)
            if silent == "no relation":
                _note_subject(sentence, discourse)
                continue
            if silent == "self only":
                discourse.pending.append(sentence)
                continue
        found = _sentence_relations(sentence, discourse)
        for head, relation, tail, cue, confidence in found:
            if (head.start == tail.start and head.end == tail.end) \
                    or span_text(head.start, head.end) == span_text(tail.start, tail.end):
                continue
            key = (head.start, head.end, relation, tail.start, tail.end)
            if relation in SYMMETRIC_RELATIONS:
                key = (relation, frozenset({(head.start, head.end), (tail.start, tail.end)}))
            if key not in best or best[key][4] < confidence:
                best[key] = (head, relation, tail, cue, confidence)
    if not best:
        return []
    spans: dict[int, Span] = {}  # the Span of each entity in a relation, made once (see _ent_span)
    return [(_ent_span(doc, head, spans), relation, _ent_span(doc, tail, spans), cue, confidence)
            for head, relation, tail, cue, confidence in sorted(best.values(), key=lambda r: (r[0].start, r[2].start, r[1]))]


def _ent_span(doc: Doc, ent: _Ent, spans: dict[int, Span]) -> Span:
    """doc.ents[ent.index], made as doc.ents makes it (label, kb id and id read off the entity's first
    token) but alone: doc.ents makes a Span for every entity of the doc, most in no relation."""
    span = spans.get(ent.index)
    if span is None:
        token = doc[ent.start]
        span = spans[ent.index] = Span(doc, ent.start, ent.end, label=token.ent_type, kb_id=token.ent_kb_id,
                                       span_id=token.ent_id)
    return span


class _Ent(NamedTuple):
    """An entity of doc.ents as plain data (a Span's attributes cost more to read): `index` is its place
    in doc.ents, whose Spans find_relations returns. The rules read only start, end and label_, so
    they take these where their hints say Span."""

    start: int
    end: int
    label_: str
    index: int


def _doc_ents(doc: Doc) -> list[_Ent]:
    """doc.ents as _Ents: from kg_mentions' rows where that component ran (it writes doc.ents from them, right
    before kg_relations; making doc.ents' Spans costs more), else from doc.ents. As in doc_to_extraction,
    the rows are taken to be doc.ents: a doc whose ents are changed after kg_mentions should not keep them."""
    rows = doc.user_data.get(_MENTIONS_KEY)  # doc._.kg_mentions, without an Underscore object
    if rows is not None:
        return [_new_ent(_Ent, (row.start, row.end, row.label, index)) for index, row in enumerate(rows)]
    return [_new_ent(_Ent, (ent.start, ent.end, ent.label_, index)) for index, ent in enumerate(doc.ents)]


#: _Ent(*fields) as tuple.__new__(_Ent, fields): without the Python-level __new__ of NamedTuple
_new_ent = tuple.__new__


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
        if hit.cue.frame == "inverse" and heads and tails:
            subjects.extend(t for t in tails if t not in subjects and t.label_ != "Dataset")
        if hit.cue.relation in _WEAK_RELATIONS and _weak_in_evaluation(sentence, hit):
            heads, tails = [], []
        hit.heads, hit.tails = heads, tails
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
            # "Fine-tuning X on D yields Y": Y is based on X, not on D
            bases = heads if hit.cue.relation == "trained_on" else tails
            out.extend(_derived_models(sentence, hit, tails, bases))
    out.extend(_descriptions(sentence))
    out.extend(_fronted(sentence, discourse, subjects))
    out.extend(_implicit_benchmark(sentence, discourse))
    # Evaluation phrases take the sentence subject, wherever it is ("On X, Y achieves ...").
    # "fine-tuning X on D": D is training data, not an evaluation set
    trained = {t for h in hits if h.cue.relation == "trained_on" and h.cue.frame == "gerund" for t in h.tails}
    for hit in hits:
        if hit.cue.frame != "prep":
            continue
        tails = [t for t in _object(sentence, hit, hits, max_gap=4) if t not in trained]
        if not tails:
            continue  # nothing to relate (the lookups below have no side effects)
        trainer = _training_before(sentence, hit, hits)
        if trainer is not None and sentence.text[hit.start:hit.end] in {"on", "over", "in"}:
            # "trained with M on D": D is the training data of the model trained
            for head in trainer.heads:
                for tail in tails:
                    relation = _retype("trained_on", head.label_, tail.label_)
                    if relation and tail.label_ == "Dataset":
                        out.append((head, relation, tail, sentence.cue_text(trainer.start, hit.end), 0.6))
            continue
        heads = _prep_heads(sentence, hit, hits, subjects, discourse)
        for head in heads:
            for tail in tails:
                relation = _retype(hit.cue.relation, head.label_, tail.label_)
                if relation == "applied_to" and not sentence.text[:hit.end].endswith((" on", " across")):
                    continue  # "evaluations on LLaMA": only "on"/"across" say the method ran on the model
                if relation is not None:
                    out.append((head, relation, tail, sentence.cue_text(hit.start, hit.end),
                                hit.cue.confidence - (0.1 if head not in subjects else 0.0)))
    if out:
        discourse.last_subject = [out[0][0]]
    else:
        _note_subject(sentence, discourse)
    return out


def _note_subject(sentence: _Sentence, discourse: _Discourse) -> None:
    """After a sentence without relations: a Model/Method it starts with is what "it" stands for next."""
    starts = sentence.placeholders(0, 40)
    if starts:
        ent = sentence.ents[starts[0][0]]
        if ent.label_ in {"Model", "Method"}:
            discourse.last_subject = [ent]


#: Whether find_relations skips the sentences that cannot yield a relation (tests turn it off).
_SKIP_SENTENCES = True

#: Words without which no pronoun or description is read as a subject (`_SUBJECT_ANAPHOR`,
#: `_FRONTED_SUBJECT`, "fine-tune it"): every way an entity named outside a sentence joins its relations.
_DISCOURSE_WORDS = frozenset({"we", "it", "they", "them", "our", "proposed", "resulting", "new", "final",
                              "presented", "trained"})


#: Words without which a sentence reaches no discourse (_DISCOURSE_WORDS) and introduces nothing (_INTRO_WORDS)
_QUIET_WORDS = _DISCOURSE_WORDS | _INTRO_WORDS
#: Words of which the fourth _INTRO_PATTERNS needs one ("<3> is a new ...")
_NEW_WORDS = frozenset({"new", "novel", "first"})
#: The words of the first _INTRO_PATTERNS before its verb, and its verbs (the first word after a space)
_WE_THIS = frozenset({"we", "this"})
_INTRO_VERBS = ("present", "introduce", "propose", "develop", "release", "build", "construct", "create", "design",
                "describe", "term", "call", "name", "open-source", "contribute", "offer", "train", "curate", "collect")


def _quiet(arrays: TokenArrays, start: int, end: int, ents: list[_Ent]) -> str:
    """Whether the sentence [start, end) need not be built to know what `_silent` says of it, by a test on
    its tokens (no entity at its start in any case):

    "quiet": no word of _QUIET_WORDS, and either a single Model/Method/Dataset entity and no parenthesis
    (that could fold its placeholder away), or no Model or Method entity (and, with a parenthesis, no "we("
    read as "we", nor a word of _NEW_WORDS). Then `_reaches_discourse` is false (every way in needs a word
    of _DISCOURSE_WORDS) and `_introduced` finds nothing in it (its patterns need a unit of _INTRO_WORDS or
    a placeholder first), so `_silent` says "no relation" (no Model or Method: a Dataset in the sentence
    rules implicit benchmarks out) or "self only" (unless the paper has implicit benchmarks).

    "echoes": a single Model/Method entity and no parenthesis, no word of _ECHO_WORDS, and no word that
    starts with one of _INTRO_VERBS where "we" or "this" is a word (the first _INTRO_PATTERNS needs both).
    The sentence may reach the discourse, but `_silent` says "self only" where `_echoed` holds (see
    `_only_echoes`) and the paper has no implicit benchmarks.

    "": it has to be built."""
    core = heads = 0
    for ent in ents:
        label = ent.label_
        if label in CORE:
            core += 1
            if label != "Dataset":
                heads += 1
        if ent.start == start:
            return ""
    if heads and core > 1:
        return ""  # (both answers need a single entity where there is a Model or Method)
    lowers = arrays.lowers[start:end]
    parenthesis = arrays.text.find("(", arrays.idx[start], arrays.end_char(end)) >= 0
    if not _QUIET_WORDS.isdisjoint(lowers):
        if core == 1 and heads and not parenthesis and _ECHO_WORDS.isdisjoint(lowers) and (
                _WE_THIS.isdisjoint(lowers) or not any(w.startswith(_INTRO_VERBS) for w in lowers)):
            return "echoes"
        return ""
    if not parenthesis:
        return "quiet" if heads == 0 or core == 1 else ""
    # a dropped parenthesis may put a placeholder first: then the fourth _INTRO_PATTERNS needs one of _NEW_WORDS
    return "quiet" if heads == 0 and _NEW_WORDS.isdisjoint(lowers) and not any(
        w.startswith(("we(", "it(", "they(")) for w in lowers) else ""


def _silent(sentence: _Sentence, discourse: _Discourse) -> str:
    """Whether the sentence can yield no relation, by a cheap test; "" when it may.

    Every relation joins two Model/Method/Dataset entities (`RETYPE`), at least one a placeholder of
    the sentence; the other is a placeholder too unless it comes from the discourse (a pronoun or
    description, or an implicit benchmark). So a sentence without such a placeholder yields nothing
    ("no relation"); one with a single such placeholder and no way into the discourse can only pair
    that entity with itself ("self only"): find_relations drops such pairs, but the first one still
    makes it the last subject, so the sentence is run when the last subject is needed. The same holds
    when whatever the discourse can give bears the text of the one placeholder (`_only_echoes`). The
    head is a Model or Method: without one among the placeholders and no way into the discourse, nothing."""
    core = heads = 0
    labels = sentence.labels
    only = -1  # the entity index of the (last) Model/Method/Dataset placeholder
    for index, _, _ in sentence._all:
        label = labels[index]
        if label in CORE:
            core += 1
            only = index
            if label != "Dataset":
                heads += 1
    if core == 0:
        return "no relation"
    if core > 1 and heads or _implicit_benchmarks(sentence, discourse):
        return ""
    if not _reaches_discourse(sentence):
        return "self only" if heads else "no relation"
    return "self only" if core == 1 and _only_echoes(sentence, discourse, sentence.ents[only]) else ""


#: A pronoun subject after a fronted phrase: `_FRONTED_SUBJECT` reading "we", "it", "they" or "our ..."
#: right after the " , " that ends the phrase.
_FRONTED_ANAPHOR = re.compile(r" , (?:the )?(?:we|it|they|our) ")


#: Words without which no pronoun or description reads the last subject (`_Discourse.resolve`: "it",
#: "they", "the proposed ..."; "it" / "them" after a gerund or pair cue)
_LAST_SUBJECT_WORDS = frozenset({"it", "they", "them", "proposed", "resulting", "new", "final", "presented",
                                 "trained"})
#: Words without which a sentence whose one entity `_echoed` reads it is "self only" (see `_only_echoes`), and
#: only "we" and "this" of _INTRO_WORDS (see _quiet)
_ECHO_WORDS = _LAST_SUBJECT_WORDS | (_INTRO_WORDS - _WE_THIS)


def _echoed(discourse: _Discourse, arrays: TokenArrays, start: int, ent: _Ent | Span) -> bool:
    """Whether the introduced entities that "we" or "our model" may stand for in the sentence starting at
    token `start` (the last introduced one, the last Method, the last Model) all have the text of `ent`."""
    introduced = discourse.introduced
    intro = [e for e in introduced if e.start < start + 1] or introduced
    candidates = (intro[-1:] + [e for e in intro if e.label_ == "Method"][-1:]
                  + [e for e in intro if e.label_ == "Model"][-1:])
    span_text = arrays.span_text
    text = span_text(ent.start, ent.end)
    return all(span_text(c.start, c.end) == text for c in candidates)


def _only_echoes(sentence: _Sentence, discourse: _Discourse, ent: _Ent | Span) -> bool:
    """Whether every entity the discourse can give the sentence has the text of `ent`, so that each
    relation would join that text with itself (find_relations drops those). True when no word reads
    the last subject: then only the paper's introduced entities answer ("we", "our model": the last
    introduced one, or the last Model or Method)."""
    if not _echoed(discourse, sentence.arrays, sentence.start, ent):
        return False
    units = sentence.units
    return _LAST_SUBJECT_WORDS.isdisjoint(units) and not any(u.startswith(("it(", "they(")) for u in units)


def _reaches_discourse(sentence: _Sentence) -> bool:
    """Whether an entity named outside the sentence may join its relations. Every way in
    (`_Discourse.resolve`) starts from a pronoun or description: one `_SUBJECT_ANAPHOR` finds in the
    text (read only when the sentence is anaphoric; its matches in parts of the text are matches in the
    whole), "it" / "them" after a gerund or pair cue, or the subject after a fronted phrase."""
    text = sentence.text
    return (" it " in text or " them " in text or _FRONTED_ANAPHOR.search(text) is not None
            or (sentence.anaphoric and _SUBJECT_ANAPHOR.search(text) is not None))


_DERIVED = re.compile(r"^ ?(?:[^;]*?, (?:(?:we|which|this|it) (?:\w+ ){0,2}?(?:develop|obtain|build|create|train|get|"
                      r"produce|derive|yield|arrive at|present|introduce|release|call|name)\w*|"
                      r"(?:producing|yielding|obtaining|resulting in|giving|creating)) [^;<]*?|"
                      # "Applying M to X yields Y": the gerund clause is the subject of a verb of making
                      r"(?:yields?|yielding|produces|producing|gives|giving|results? in|resulting in|creates|creating|"
                      r"to (?:obtain|produce|create|derive|build|get|yield))"
                      r"(?: (?!(?:over|than|on|to|with|for|by|in|of|from|and|or)(?!\S))[\w\-]+){0,3} )(<\d+>)")


def _derived_models(sentence: _Sentence, hit: _Hit, tails: list[Span], bases: list[Span]) -> list[RelationTuple]:
    """"Applying M to X, we develop Y" / "Applying M to X yields Y": Y is based on X (`bases`);
    the derived model follows the cue's last tail."""
    last = max(tails, key=lambda e: e.start)
    index = sentence.ents.index(last)
    end = next(e for i, s_, e in sentence.placeholders() if i == index)
    match = _DERIVED.match(sentence.text[end:])
    if not match:
        return []
    derived = sentence.ents[int(match.group(1)[1:-1])]
    cue = sentence.cue_text(hit.start, end + match.end())
    return [(derived, "based_on", base, cue, 0.6) for base in bases
            if base.label_ == "Model" and derived.label_ == "Model"]


#: "X, a Y-based model ..." / "X -- a transformer-based architecture with Z": what X is built from.
_APPOSITION = re.compile(r"(<\d+>) (?:,|--|-|:|is|are|was) (?:a|an) ((?:(?!(?:that|which|who|while|to|trained|tuned|"
                         r"fine-tuned|finetuned|pre-trained|pretrained|where|when|for|on|;|--|by|achieves?|outperforms?|surpass(?:es)?|"
                         r"improves?|shows?|demonstrates?)(?!\S))\S+ ?)+)")
#: "RoPE-based pretrained LLMs such as LLaMA": LLaMA uses RoPE.
_BASED = re.compile(r"(<\d+>) ?-based (?:(?:[\w\-]+|,) ){0,4}?(?:(?:such as|including|like|e\.g\. ,?) )?(<\d+>)")


def _descriptions(sentence: _Sentence) -> list[RelationTuple]:
    """Relations stated by a description rather than a verb: appositions and "X-based" phrases."""
    out: list[RelationTuple] = []
    text = sentence.text
    # the words each pattern needs, looked up first: most sentences have neither
    appositions = _APPOSITION.finditer(text) if " a " in text or " an " in text else ()
    for match in appositions:
        head = sentence.ents[int(match.group(1)[1:-1])]
        for index, start, end in sentence.placeholders(match.start(2), match.end(2)):
            tail = sentence.ents[index]
            relation = _retype("based_on", head.label_, tail.label_)
            if relation and tail.label_ != "Dataset":
                out.append((head, relation, tail, sentence.cue_text(match.start(), end), 0.45))
    for match in (_BASED.finditer(text) if "-based" in text else ()):
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
    text = sentence.text
    active = sentence.active_cues
    if active is None:
        _mark_active_cues([sentence])
        active = sentence.active_cues
    # Where the text is plain, a token boundary before position p is a space at p - 1 (or p = 0): the
    # spaced pattern over " " + text finds the same matches, each with its leading space (so starting at
    # the same offset) and one longer.
    plain = sentence.plain
    spaced_text = " " + text
    for number in sorted(active):
        cue = CUES[number]
        for match in (cue.spaced.finditer(spaced_text) if plain else cue.pattern.finditer(text)):
            start, end = match.span()
            if plain:
                end -= 1
            if end == start:
                continue
            overlaps = False  # a match of an earlier cue (a loop: cheaper than any() over a generator)
            for s, e in taken:
                if start < e and end > s:
                    overlaps = True
                    break
            if overlaps:
                continue
            if cue.frame == "gerund" and not _governs_model(sentence, end):
                continue  # "pre-training FLOPs": a noun compound, not "fine-tuning X on D"
            taken.append((start, end))
            hits.append(_Hit(cue, start, end))
    return sorted(hits, key=lambda h: h.start)


def _training_before(sentence: _Sentence, hit: _Hit, hits: list[_Hit]) -> _Hit | None:
    """The training cue ("trained with M", "fine-tuning X") whose object ends right before `hit`."""
    for other in hits:
        if not other.heads or not other.tails or other.end > hit.start:
            continue
        if other.cue.relation != "trained_on" and not (other.cue.relation == "based_on" and re.search(
                r"tuned|trained|adapted|distilled", sentence.text[other.start:other.end])):
            continue
        last = max(other.tails, key=lambda e: e.start)
        index = sentence.ents.index(last)
        end = next(e for i, _, e in sentence.placeholders() if i == index)
        if not sentence.text[end:hit.start].strip():
            return other
    return None


# Patterns of the rules below, compiled once (re.search(pattern string, ...) looks the pattern up in re's
# cache on every call).
_IT_THEM_WORD = re.compile(r" (?:it|them) ")
_IT_THEM = re.compile(r" (?:it|them)(?= )")
#: the gap between a gerund's object and its second object, by whether the cue is trained_on
_GERUND_GAPS = {trained: re.compile((r"(?:on|over|with|using)" if trained else r"(?:to|on|onto|for|in)")
                                    + r" (?:[\w\-]+ |, ){0,8}?(?:such as |including |like |e\.g\. ,? )?")
                for trained in (True, False)}
_WHILE_PARTICIPLE_BEFORE = re.compile(r"(?<!\S)(?:while|whilst|thereby) (?:also )?\w+ing(?: [^<;,]*)?$")
_WHILE_PARTICIPLE_AT = re.compile(r"(?<!\S)(?:while|whilst|thereby) (?:also )?\w+ing$")
_COORDINATED_VERB = re.compile(r"(?:^|\s|^,)(?:and|but|while|,|as well as)(?: (?:is|are|was|"
                               r"were|remains|remain|stays|stay))?$")
_PRONOUN_WORD = re.compile(r"(?<!\S)(?:we|it|they)(?!\S)")
_PREPOSITION_END = re.compile(r"(?<!\S)(?:for|on|in|with|at|over|across|than|into)(?: the| a| an)?$")
_WHICH_IS_END = re.compile(r" , which (?:is|are|was|were)(?: \w+ly)?$")
_PLACEHOLDER_END = re.compile(r"<\d+>$")
_RELATIVE_CLAUSE = re.compile(r"(?:, (?:a|an|the|our) [^;:]*? |, )?(?:that|which|who)(?: [^;:]*)?|"
                              r"(?:are|is) [^;:]* (?:that|which) (?:are|is)(?: \w+)?")
_EVALUATE_PRONOUN = re.compile(r"(?<!\S)(?:evaluat|test|assess|benchmark|compar|measur|run)\w* (?:it|them)$")
_WITH_USING_END = re.compile(r"(<\d+>) (?:with|using) $")
_CLAUSE_BREAK = re.compile(r"(?<!\S)(?:;|which|while|whereas|but|although)(?!\S)")
_EVALUATION_CLAUSE_BREAK = re.compile(r"(?<!\S)(?:;|:|which|while|whereas|but)(?!\S)")
_TRAINING_OR_USE_VERB = re.compile(r"(?<!\S)(?:train\w*|fine-?tun\w*|tun(?:e|ed|es|ing)|us(?:e|es|ed|ing)|build\w*|"
                                   r"buil[td])(?!\S)")


def _governs_model(sentence: _Sentence, end: int) -> bool:
    """Whether the placeholder right after text position `end` is a Model or Method (or "it")."""
    if _IT_THEM_WORD.match(sentence.text, end):
        return True
    after = sentence.placeholders(end)
    return bool(after) and after[0][1] == end + 1 and sentence.ents[after[0][0]].label_ in {"Model", "Method"}


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
        pronoun = _IT_THEM.match(sentence.text[hit.end:])
        if pronoun:  # "we pre-train X on A and fine-tune it on B"
            heads = previous_heads or discourse.resolve("it", before=sentence.start + 1)
            object_end = hit.end + pronoun.end()
        elif not after or sentence.text[hit.end:after[0][1]].strip():
            return [], []
        else:
            heads = _group_ents(sentence, after[0][0])
            object_end = after[0][2]
        rest = sentence.placeholders(object_end)
        if not rest:
            return [], []
        gap = sentence.text[object_end:rest[0][1]].strip() + " "
        if not _GERUND_GAPS[hit.cue.relation == "trained_on"].fullmatch(gap):
            return [], []
        tails = _group_ents(sentence, rest[0][0])
        return heads, tails
    if frame == "pair":  # "we compare X with Y": X and Y, whichever the order
        pronoun = _IT_THEM.match(sentence.text[hit.end:])
        after = sentence.placeholders(hit.end)
        if pronoun:  # "we fine-tune X on D and compare it with Y"
            heads = previous_heads or discourse.resolve("it", before=sentence.start + 1)
            object_end = hit.end + pronoun.end()
        elif after:
            heads = [e for e in _group_ents(sentence, after[0][0]) if e.start >= sentence.ents[after[0][0]].start]
            object_end = after[0][2]
        else:
            return [], []
        partner = re.match(r" (?:" + hit.cue.connector + r" (?:the |a |an )?)(<\d+>)", sentence.text[object_end:])
        tails = _group_ents(sentence, int(partner.group(1)[1:-1])) if partner else []
        tails = [t for t in tails if t not in heads]
        return (tails, heads) if hit.cue.swap else (heads, tails)
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
    if frame in {"passive", "inverse"}:
        after = _object(sentence, hit, hits, max_gap=3)
        before = _subject(sentence, hit, hits, discourse, previous_heads, subjects, adjacent=False)
        return after, before
    if frame == "reverse" and (re.search(r"(?:<\d+>|\b(?:the|a|an|this|our|its|each|every))$",
                                         sentence.text[:hit.start].rstrip())
                               or re.match(r" ?[,.;:)]", sentence.text[hit.end:])):
        return [], []  # "the X benchmark ,": a noun, not the verb "benchmark"
    if frame == "reverse":  # "a benchmark that assesses X": X is evaluated on the benchmark
        after = _object(sentence, hit, hits, max_gap=8)
        before = _subject(sentence, hit, hits, discourse, previous_heads, subjects, adjacent=False)
        return after, before
    reach = hit.cue.reach if hit.cue.reach is not None else 10 if frame == "verb" else 6
    tails = _object(sentence, hit, hits, max_gap=reach)
    if not tails:
        return [], []
    heads = _subject(sentence, hit, hits, discourse, previous_heads, subjects, adjacent=frame == "postmod")
    return heads, tails


#: Two cues joined: "matches or exceeds"
_JOINED = re.compile(r" (?:or|and|and/or|,) ")
_SUCH_AS = re.compile(r"(?<!\S)(?:such as|including|e\.g\. ,?|like|namely|i\.e\. ,?)(?: \()? (?=<\d+>)")


def _object(sentence: _Sentence, hit: _Hit, hits: list[_Hit], *, max_gap: int) -> list[Span]:
    """Entities the cue governs on its right: the first group within `max_gap` tokens, and
    groups coordinated with it; stops at a clause boundary or the next cue. Tasks and metrics
    read as words ("outperforms X for long-form generation and Y for reasoning")."""
    if sentence.last_core < hit.end:
        return []  # no Model/Method/Dataset on the right (nor in a group of a "such as" placeholder there)
    text = sentence.text
    limit = len(text)  # the start of the first later cue that bounds the object (hits are in text order)
    for h in hits:
        if h.start >= hit.end and h.cue.bounds and not _JOINED.fullmatch(text, hit.end, h.start):
            limit = h.start
            break
    found: list[Span] = []
    position = hit.end
    for other in hits:  # in text order
        if other.start >= position and _JOINED.fullmatch(text, position, other.start) \
                and other.cue.frame == "verb":
            position = other.end  # "matches or exceeds Y": Y is the object of both
    labels = sentence.labels
    first = None
    for p in sentence.placeholders(hit.end, limit):
        if labels[p[0]] in CORE:
            first = p
            break
    # The clause boundary only matters when the first Model/Method/Dataset before the next cue can
    # start the object (the loop below would stop at it otherwise): searched only then, as it is slow.
    if first is not None and _starts_object(_flat(text[position:first[1]]), max_gap):
        # spaced on plain text, as the cues: " " + text holds text's position p at p + 1
        boundary = (_BOUNDARY_SPACED.search(" " + text, hit.end, limit + 1) if sentence.plain
                    else _BOUNDARY.search(text, hit.end, limit))
        scope_end = boundary.start() if boundary else limit
        for index, start, end in sentence.placeholders(hit.end, scope_end):
            if labels[index] not in CORE:
                continue
            gap = _flat(text[position:start])
            if not found:
                if not _starts_object(gap, max_gap):
                    break  # the object is a phrase of its own: "than existing models and can ..."
            elif not _COORD.fullmatch(gap) and (len(gap.split()) > 6 or not re.search(
                    r"(?:^|\s)(?:and|or|,|as well as|such as|including|like|e\.g\. ,?)$", gap)):
                break
            for e in _group_ents(sentence, index):
                if e not in found:
                    found.append(e)
            position = end
    if not found and max_gap > 4:
        # "comparable to strong models that involve larger FLOPs, such as X and Y"
        stop = text.find(";", hit.end, limit)
        match = _SUCH_AS.search(text, hit.end, limit if stop < 0 else stop)
        if match and len(text[hit.end:match.start()].split()) <= 25:
            index = int(_PLACEHOLDER.match(text, match.end()).group(1))
            found = [e for e in _group_ents(sentence, index) if e.label_ in CORE]
    return found


@lru_cache(maxsize=8192)
def _starts_object(gap: str, max_gap: int) -> bool:
    """Whether an entity after `gap` (flat words after the cue) can be the cue's object."""
    return not (len(gap.split()) > max_gap or (re.search(r"(?<!\S)(?:and|or)(?= \S)", gap) and not re.search(
        r"(?:such as|including|e\.g\. ,?|like|namely|,)$", gap)))


def _subject(sentence: _Sentence, hit: _Hit, hits: list[_Hit], discourse: _Discourse,
             previous_heads: list[Span], subjects: list[Span], *, adjacent: bool) -> list[Span]:
    """The head of a cue on its left: the nearest Model/Method/Dataset group outside asides, the
    subject of an earlier verb after "and", or what a pronoun subject stands for."""
    text = sentence.text
    candidate = None
    for index, start, end in reversed(sentence.placeholders(0, hit.start)):
        gap = text[end:hit.start]
        if gap.count(")") > gap.count("(") or sentence.labels[index] not in CORE:
            continue  # inside an aside "( e.g. , X or Y )", or a task / metric
        candidate = (index, start, end)
        break
    left = text[candidate[2]:hit.start] if candidate else text[:hit.start]
    stripped = _strip_modifiers(left)
    participle = None
    if "whil" in text or "thereby" in text:  # the words the patterns need (a cheap test first)
        participle = (_WHILE_PARTICIPLE_BEFORE.search(text[:hit.start].rstrip())
                      or _WHILE_PARTICIPLE_AT.search(text[:hit.end]))
    if participle and not adjacent:
        # "X requires less memory than Y while achieving similar accuracy to Z": X achieves it
        return _clause_subject(sentence, participle.start(), discourse)
    # A verb phrase coordinated with an earlier one keeps that one's subject.
    if previous_heads and not adjacent and _COORDINATED_VERB.search(stripped) and not _PRONOUN_WORD.search(stripped):
        return previous_heads
    if adjacent and previous_heads and candidate and stripped in {"and", ", and"} and any(
            sentence.ents[candidate[0]] in h.tails and h.cue.frame in {"postmod", "gerund"} for h in hits):
        return previous_heads  # "is pre-trained on A and fine-tuned on B": both say what the model is
    if adjacent and candidate is None or (adjacent and candidate and not _only_words(stripped.split(), _POSTMOD_GAP)):
        anaphor = _SUBJECT_ANAPHOR.match(text) if sentence.anaphoric else None
        if anaphor and re.fullmatch(r" ?,? ?(?:which|that)? ?(?:is|are|was|were)?", text[anaphor.end():hit.start]):
            return discourse.resolve(anaphor.group("a"), before=sentence.start + 1)  # "Our model, trained on"
    # "fine-tune X on D using M": M is how X was trained
    if candidate and not stripped and hit.cue.relation == "uses":
        for h in hits:
            if h.cue.relation == "trained_on" and h.heads and sentence.ents[candidate[0]] in h.tails:
                return h.heads
    pronoun = None
    if " it " in text or " they " in text:  # what the pattern needs (a cheap test first)
        pronoun = re.search(r"(?:,|;) (?:and |but |while |whereas )?(?:it|they) (?:\w+ly |also |still |even )*$",
                            text[:hit.start])
    if pronoun and not adjacent and candidate:
        # "X reduces calls by 47%, and it outperforms Y": "it" is X, said in this sentence
        inner = _clause_subject(sentence, pronoun.start(), discourse)
        if inner:
            return inner
    if not adjacent and sentence.anaphoric:
        anaphors = list(_SUBJECT_ANAPHOR.finditer((" " if candidate else "") + left))
        if anaphors:
            return discourse.resolve(anaphors[-1].group("a"), before=sentence.start + 1)
    if candidate is None:
        return subjects if not adjacent and hit.cue.relation in {"outperforms", "compared_with"} else []
    if not adjacent and _PREPOSITION_END.search(text[:candidate[1]].rstrip()) \
            and not _applied_tail(sentence, hits, candidate[0]):
        if re.search(r"(?:^|\s)(?:,|and|, and|but|, but)$", _flat(left).strip()):
            # "X achieves 31.2 mIoU on A and surpasses B" / "..., surpassing B": the clause subject X
            return _clause_subject(sentence, candidate[1], discourse)
        return []  # "a draft model for X can provide ...": X sits in a prepositional phrase
    words = stripped.split()
    if adjacent:
        return _with_applied(sentence, hits, candidate[0]) if _only_words(words, _POSTMOD_GAP) else []
    blocked = any(h.heads and h.end <= hit.start and h.start >= candidate[2] and h.cue.frame != "prep"
                  for h in hits)  # an earlier cue between the group and this one already took it
    relative = _WHICH_IS_END.search(text[:hit.start].rstrip())
    if relative and not _PLACEHOLDER_END.search(text[:relative.start()]):
        # "X reaches 96.1% accuracy with 48k parameters, which is comparable to Y": X's result is
        return _clause_subject(sentence, relative.start(), discourse)
    if len(words) > 14 or blocked or (_BOUNDARY.search(" " + _flat(left) + " ") and not _relative_ok(_flat(left))):
        return subjects if hit.cue.relation in {"outperforms", "compared_with"} else []
    return _with_applied(sentence, hits, candidate[0])


@lru_cache(maxsize=8192)
def _strip_modifiers(left: str) -> str:
    """The words between a subject and its cue without trailing adverbs and figures ("also", "by 3 points")."""
    return re.sub(r"(?:(?:\w+ly|also|even|further|still|then|both|all|consistently|to|[\d.,]+|%|"
                  r"times|points?|x) )+$", "", _flat(left) + " ").strip()


_POSTMOD_GAP = frozenset({",", "model", "models", "llm", "llms", "checkpoint", "checkpoints", "variant", "variants",
                          "network", "networks", "which", "that", "is", "are", "was", "were", "been", "has",
                          "have", "being", "first", "then", "further", "also", "all", "originally", "initially",
                          "each", "both", "-", "base", "version", "versions"})


def _clause_subject(sentence: _Sentence, end: int, discourse: _Discourse) -> list[Span]:
    """The subject of the clause that ends before text position `end`: its first Model/Method
    group that is not inside a prepositional phrase or a coordination ("On A, X reaches ...",
    "Compared with Y and Z, X ..."); else a pronoun or description at the start of the sentence
    ("Our model, trained ...")."""
    text = sentence.text
    boundaries = [b for b in re.finditer(r"(?<!\S)(?:;|which|while|whereas|but|although|though|because|since)(?!\S)",
                                         text[:end])
                  if not re.match(r" (?:also )?\w+ing ", text[b.end():])]  # "while matching ...": no subject of its own
    clause_start = boundaries[-1].end() if boundaries else 0
    anaphor = _SUBJECT_ANAPHOR.match(text) if sentence.anaphoric else None
    if anaphor and clause_start == 0:
        clause_start = anaphor.end()
    for index, start, stop in sentence.placeholders(clause_start, end):
        if sentence.labels[index] not in {"Model", "Method"}:
            continue
        group = sentence.groups[sentence.group_of[index]]
        if re.search(r"(?<!\S)(?:for|on|in|with|at|over|across|than|into|to|of|from|by|and|or)(?: the| a| an)?$",
                     text[:start].rstrip()) or (group[0] != index and re.search(r",$", text[:start].rstrip())):
            continue  # inside a prepositional phrase or a coordination ("Trained on D, X ..." is neither)
        return [e for e in _group_ents(sentence, index) if e.start >= sentence.ents[index].start]
    if anaphor:
        return discourse.resolve(anaphor.group("a"), before=sentence.start + 1)
    return []


def _relative_ok(left: str) -> bool:
    """Relative clauses and appositions between a subject and its verb: ", a 65B LLM that"."""
    stripped = left.strip()
    return bool(_RELATIVE_CLAUSE.fullmatch(stripped))


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
    pronoun = _EVALUATE_PRONOUN.search(sentence.text[:hit.start].rstrip())
    if pronoun:  # "we apply M to X and Y and evaluate them on D"
        for other in reversed([h for h in hits if h.end <= pronoun.start() and h.heads and h.tails]):
            if other.cue.frame == "gerund":
                objects = other.tails if other.cue.relation == "applied_to" else other.heads
                return list(objects) + [h for h in other.heads if h not in objects]
    before = [p for p in sentence.placeholders(0, hit.start)
              if sentence.ents[p[0]].label_ in {"Model", "Method"}]
    if before:
        for other in hits:
            if other.cue.relation in {"uses", "trained_on", "based_on"} and other.heads and other.end <= hit.start \
                    and sentence.ents[before[-1][0]] in other.tails and other.cue.frame != "via":
                return list(other.heads)  # "X, pretrained with M on D, transfers to E": X is evaluated
        head_of = _WITH_USING_END.search(sentence.text[:before[-1][1]])
        if head_of and sentence.ents[int(head_of.group(1)[1:-1])].label_ in {"Model", "Method"} and \
                _EVALUATION_CLAUSE.search(sentence.text[:head_of.start()]):
            before = [p for p in before if p[0] == int(head_of.group(1)[1:-1])]
        gap = sentence.text[before[-1][2]:hit.start]
        if len(gap.split()) <= 10 and not _CLAUSE_BREAK.search(gap):
            return _with_applied(sentence, hits, before[-1][0])
    anaphors = list(_SUBJECT_ANAPHOR.finditer(sentence.text)) if sentence.anaphoric else []
    if anaphors:
        return discourse.resolve(anaphors[0].group("a"), before=sentence.start + 1)
    if before and before[0][1] == 0 and not re.search(r"(?<!\S)(?:;|which|while|whereas|but|although|we|they|it)(?!\S)",
                                                       sentence.text[before[0][2]:hit.start]):
        return _group_ents(sentence, before[0][0])  # "X achieves a WER of 2.1% on the test sets of D"
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
        doc.user_data[_RELATIONS_KEY] = tuple(find_relations(doc))  # doc._.kg_relations (see extension_key)
        return doc


#: Verbs of an evaluation protocol: "we evaluate X with M" says how X was run, not what X uses.
_EVALUATION_CLAUSE = re.compile(r"(?<!\S)(?:evaluat\w*|test(?:s|ed|ing)?|benchmark(?:s|ed|ing)?|compar\w*|"
                                r"assess\w*|experiment\w*|stud(?:y|ies|ied|ying)|analy[sz]\w*|prompt(?:s|ed|ing)?|"
                                r"prob(?:e|es|ed|ing)|measur\w*|report\w*)(?!\S)")


#: The relations of the cues _weak_in_evaluation may find weak (looked up before calling it)
_WEAK_RELATIONS = frozenset({"uses", "compared_with"})


def _weak_in_evaluation(sentence: _Sentence, hit: _Hit) -> bool:
    """Whether a weak cue sits in a clause about evaluation: a bare "with M" ("we evaluate X with
    M") or "against" ("we benchmark A against B", which compares nothing itself)."""
    relation = hit.cue.relation
    if relation != "uses" and relation != "compared_with":
        return False
    cue = sentence.text[hit.start:hit.end]
    weak = (relation == "uses" and hit.cue.frame == "postmod" and cue == "with") or \
        (relation == "compared_with" and cue == "against")
    if not weak:
        return False
    clause = _EVALUATION_CLAUSE_BREAK.split(sentence.text[:hit.start])[-1]
    if cue == "against" and re.search(r"(?<!\S)compar(?:e|es|ed|ing)(?!\S)", clause):
        return True  # "we compare X against Y": the "compare" cue states it
    verbs = list(_EVALUATION_CLAUSE.finditer(clause))
    # the evaluation verb governs the phrase: close by, with no verb of training or use between
    return bool(verbs) and len(clause[verbs[-1].end():].replace(",", " ").split()) <= 10 \
        and not _TRAINING_OR_USE_VERB.search(clause[verbs[-1].end():])


#: A clause before the subject: "Compared with Y and Z, X improves ..." / "Trained on only 10 hours
#: of speech from D, X reaches ...". The fronted phrase is words, then entities coordinated only with
#: each other, then words without entities, up to a comma.
_FRONTED_ENTITIES = r"[^;:,<]*?<\d+>(?:(?: ,| and| or| , and| , or)(?: the)? <\d+>)*"
_FRONTED_PHRASE = r"(?P<phrase>" + _FRONTED_ENTITIES + r"(?: [^;:,<]*?)?)"
_FRONTED_COMPARISON = re.compile(r"^(?:when |once )?(?:compared (?:to|with|against)|in comparison (?:to|with)|"
                                 r"relative to|against|versus|vs\.?) " + _FRONTED_PHRASE
                                 + r" , (?P<subject>[^;:]*?)$")
_TRAINED_PARTICIPLE = (r"(?:(?:instruction[- ]|further |continually |additionally |then |first )?(?:fine-?tuned|"
                       r"finetuned|tuned|trained|pre-?trained|pretrained|adapted|initiali[sz]ed|distilled|built|"
                       r"based)) (?:(?:on top of|on|upon|from|with|using|over) )")
_FRONTED_TRAINING = re.compile(r"^(?:when |once |after |while )?(?:being )?(?:" + _TRAINED_PARTICIPLE
                               + r"[^;:,<]*?<\d+> (?:and|,|, and) )?" + _TRAINED_PARTICIPLE + _FRONTED_PHRASE
                               + r" , (?P<subject>[^;:]*?)$")
_FRONTED_BASE = re.compile(r"^(?:using|with|adopting|taking|starting from) (?P<phrase>" + _FRONTED_ENTITIES + r") as "
                           r"(?:the |a |an |our )?(?:[\w\-]+ )?(?:backbone|encoder|decoder|base model|base|teacher|"
                           r"initiali[sz]ation|starting point|foundation|student) , (?P<subject>[^;:]*?)$")
_BETTER = re.compile(r"(?<!\S)(?:outperform\w*|surpass\w*|beat\w*|exceed\w*|improv\w*|better|higher|stronger|"
                     r"faster|superior|gains?|reduc\w*|lower|boosts?|advances?)(?!\S)")
_FRONTED_SUBJECT = re.compile(r"^(?:the )?(?:<(?P<index>\d+)>|(?P<anaphor>we|it|they|our (?:[\w\-]+ ){0,3}?"
                              r"(?:model|models|method|approach|framework|system|network|algorithm|agent)))"
                              r"(?: \(?<\d+>\)?)? (?P<verb>[\w\-]+)")


#: What the text of a sentence starts with when a _FRONTED_* pattern matches it (read off the patterns: a
#: cheap test that skips them)
_FRONTED_STARTS = ("when ", "once ", "after ", "while ", "being ", "compared ", "in comparison ", "relative to ",
                   "against ", "versus ", "vs", "instruction", "further ", "continually ", "additionally ", "then ",
                   "first ", "fine", "tuned ", "trained ", "pre", "adapted ", "initiali", "distilled ", "built ",
                   "based ", "using ", "with ", "adopting ", "taking ", "starting from ")


def _fronted(sentence: _Sentence, discourse: _Discourse, subjects: list[Span]) -> list[RelationTuple]:
    """Relations whose head is the subject after a fronted phrase: "Compared with Y, X improves
    ..." (X outperforms Y, or compared_with when no word of superiority follows); "Trained on
    ... from D, X reaches ..." (X trained_on D). The subject is an entity or a pronoun."""
    out: list[RelationTuple] = []
    if " , " not in sentence.text or not sentence.text.startswith(_FRONTED_STARTS):
        return out  # each pattern ends its phrase with " , ", and starts with one of _FRONTED_STARTS
    for pattern, relation in ((_FRONTED_COMPARISON, "compared_with"), (_FRONTED_TRAINING, "trained_on"),
                              (_FRONTED_BASE, "based_on")):
        match = pattern.match(sentence.text)
        if not match:
            continue
        subject = _FRONTED_SUBJECT.match(match.group("subject"))
        if not subject:
            continue
        if subject.group("index") is not None:
            index = int(subject.group("index"))  # its group may reach back into the fronted phrase
            heads = [e for e in _group_ents(sentence, index) if e.start >= sentence.ents[index].start]
        else:
            heads = discourse.resolve(subject.group("anaphor"), before=sentence.start + 1)
        heads = [h for h in heads if h.label_ in {"Model", "Method"}]
        tails = [sentence.ents[i] for i, s, e in sentence.placeholders(0, match.end("phrase"))
                 if sentence.ents[i].label_ in CORE]
        kept = relation
        if relation == "compared_with" and _BETTER.search(match.group("subject")):
            kept = "outperforms"
        cue = sentence.cue_text(0, match.end("phrase"))
        for head in heads:
            subjects.extend([head] if head not in subjects else [])
            for tail in tails:
                typed = _retype(kept, head.label_, tail.label_)
                if typed:
                    out.append((head, typed, tail, cue, 0.6))
    return out


#: "Experiments with X and Y ..." in a paper that introduces a benchmark: X and Y are run on it.
_IMPLICIT_EVALUATION = re.compile(r"(?<!\S)(?:experiments?|evaluations?|results?|analys[ie]s|"
                                  r"we (?:\w+ )?(?:evaluate|test|benchmark|assess|study|probe))"
                                  r" (?:with|of|on|for|using)? ?(?:(?:[\w\-]+ ){0,4}?(?:including|such as|like) )?(<\d+>)")


def _implicit_benchmark(sentence: _Sentence, discourse: _Discourse) -> list[RelationTuple]:
    """Models run in a benchmark paper's experiments are evaluated on its benchmark, when the
    sentence names no dataset of its own (the paper's introduced Dataset as implicit object)."""
    benchmarks = _implicit_benchmarks(sentence, discourse)
    if not benchmarks:
        return []
    out: list[RelationTuple] = []
    for match in _IMPLICIT_EVALUATION.finditer(sentence.text):
        index = int(match.group(1)[1:-1])
        for head in _group_ents(sentence, index):
            if head.label_ in {"Model", "Method"}:
                out.extend((head, "evaluated_on", benchmark, sentence.cue_text(match.start(), match.end()), 0.45)
                           for benchmark in benchmarks[-1:])
    return out


def _implicit_benchmarks(sentence: _Sentence, discourse: _Discourse) -> list[Span]:
    """The benchmarks introduced before the sentence, when it may be evaluated on them implicitly: the
    paper introduces no Model/Method and the sentence names no Dataset."""
    if not discourse.benchmarks:
        return []
    benchmarks = [e for e in discourse.benchmarks if e.start < sentence.start]
    if not benchmarks or "Dataset" in sentence.labels:
        return []
    return benchmarks
