"""Plain data that crosses stage boundaries, and the closed vocabularies of kg.

This module is the single source of the entity types, the relation types and
their signatures (which entity types each relation may join).
"""
from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from operator import attrgetter
from typing import Literal

EntityType = Literal["Model", "Dataset", "Method", "Task", "Metric"]
RelationType = Literal[
    "based_on", "trained_on", "evaluated_on", "outperforms", "compared_with", "applied_to", "uses"
]

ENTITY_TYPES: tuple[EntityType, ...] = ("Model", "Dataset", "Method", "Task", "Metric")
CORE_TYPES: tuple[EntityType, ...] = ("Model", "Dataset", "Method")
RELATION_TYPES: tuple[RelationType, ...] = (
    "based_on", "trained_on", "evaluated_on", "outperforms", "compared_with", "applied_to", "uses",
)
SYMMETRIC_RELATIONS: frozenset[str] = frozenset({"compared_with"})

_MODEL_OR_METHOD = frozenset({"Model", "Method"})
#: relation type -> (allowed head types, allowed tail types); from shared/ANNOTATION.md.
SIGNATURES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "based_on": (frozenset({"Model"}), frozenset({"Model"})),
    "trained_on": (frozenset({"Model"}), frozenset({"Dataset"})),
    "evaluated_on": (_MODEL_OR_METHOD, frozenset({"Dataset"})),
    "outperforms": (_MODEL_OR_METHOD, _MODEL_OR_METHOD),
    "compared_with": (_MODEL_OR_METHOD, _MODEL_OR_METHOD),
    "applied_to": (frozenset({"Method"}), frozenset({"Model"})),
    "uses": (_MODEL_OR_METHOD, frozenset({"Method", "Dataset"})),
}


def signature_allows(relation: str, head_type: str, tail_type: str) -> bool:
    """True if `relation` may join an entity of `head_type` to one of `tail_type`.

    >>> signature_allows("trained_on", "Model", "Dataset")
    True
    >>> signature_allows("trained_on", "Dataset", "Model")
    False
    """
    heads, tails = SIGNATURES.get(relation, (frozenset(), frozenset()))
    return head_type in heads and tail_type in tails


def _stored_through_slots(cls: type) -> type:
    """Give a frozen, slotted dataclass an __init__ that stores each field through its slot's descriptor.

    The __init__ that dataclasses writes for a frozen class stores each field with object.__setattr__ (the
    class's own __setattr__ refuses), about 70 ns a field; the slot's descriptor stores it in about 30 ns:
    Mention(...) 1.5 -> 0.8 us, and kg makes some 50 such objects per abstract. Same signature, defaults
    and objects; the class stays frozen (its __setattr__ is unchanged).
    """
    params, stores, namespace = [], [], {}
    for f in fields(cls):
        if f.default_factory is not MISSING:
            raise TypeError(f"{cls.__name__}.{f.name}: a default_factory is not supported here")
        namespace[f"_store_{f.name}"] = cls.__dict__[f.name].__set__
        if f.default is MISSING:
            params.append(f.name)
        else:
            namespace[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        stores.append(f"    _store_{f.name}(self, {f.name})")
    exec(f"def __init__(self, {', '.join(params)}):\n" + "\n".join(stores), namespace)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__, init.__annotations__ = cls.__init__.__doc__, cls.__init__.__annotations__
    cls.__init__ = init
    return cls


def _pickled_by_fields(cls: type) -> type:
    """Pickle instances of a frozen, slotted dataclass as (cls, field values).

    What dataclasses gives slotted classes (3.11) calls `fields()` for every object pickled and
    unpickled. `kg build --jobs N` sends every result from the workers to the main process: at 40,000
    abstracts that was 2.4 s of pickling in the workers and 2.3 s of unpickling in the main process,
    which runs beside them. Through the constructor, with the values read by one attrgetter, it is
    1.0 and 1.2 s, and the objects are equal.
    """
    values = attrgetter(*(f.name for f in fields(cls)))
    cls.__reduce__ = lambda self: (cls, values(self))
    return cls


@_pickled_by_fields
@_stored_through_slots
@dataclass(frozen=True, slots=True)
class Document:
    """One abstract. `sources` are "path:line" locations it was read from (several after merging)."""

    id: str
    text: str
    title: str | None = None
    sources: tuple[str, ...] = ()


@_pickled_by_fields
@_stored_through_slots
@dataclass(frozen=True, slots=True)
class Mention:
    """A typed name found in a document, with character offsets into `Document.text`.

    `key` is a canonical lexicon id when a lexicon knew the name, else None.
    `source` says which evidence found it ("lexicon", "shape", "context", "abbreviation", ...).
    """

    doc_id: str
    start: int
    end: int
    text: str
    label: EntityType
    sent_start: int
    sent_end: int
    key: str | None = None
    source: str = ""
    introduced: bool = False


@_pickled_by_fields
@_stored_through_slots
@dataclass(frozen=True, slots=True)
class Abbreviation:
    """A short form defined in the text: "Position Interpolation (PI)" -> short "PI", long "Position Interpolation"."""

    short: str
    long: str
    start: int = -1
    end: int = -1


@_pickled_by_fields
@_stored_through_slots
@dataclass(frozen=True, slots=True)
class RelationMention:
    """A typed relation stated in one sentence between two mentions."""

    head: Mention
    type: RelationType
    tail: Mention
    cue: str = ""
    confidence: float = 0.5


@_pickled_by_fields
@_stored_through_slots
@dataclass(frozen=True, slots=True)
class DocExtraction:
    """Everything the extractor found in one document; no spaCy object inside."""

    document: Document
    mentions: tuple[Mention, ...] = ()
    relations: tuple[RelationMention, ...] = ()
    abbreviations: tuple[Abbreviation, ...] = ()


@_pickled_by_fields
@_stored_through_slots
@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a fact is stated: paper, sentence text and its character span in the abstract."""

    doc_id: str
    sentence: str
    start: int
    end: int
    cue: str = ""
    confidence: float = 0.5


@_pickled_by_fields
@_stored_through_slots
@dataclass(frozen=True, slots=True)
class Entity:
    """A resolved entity. `id` is "<type>/<slug>" (e.g. "model/llama-65b") and is stable across runs.

    `variant_of` is the id of the family of a size variant (LLaMA-65B -> "model/llama").
    `implied` marks a family that the text does not name, added so that the graph links the
    variant to it; it is not a prediction (predictions.to_record leaves it out).
    """

    id: str
    name: str
    type: EntityType
    aliases: tuple[str, ...] = ()
    introduced: bool = False
    variant_of: str | None = None
    implied: bool = False


@_pickled_by_fields
@_stored_through_slots
@dataclass(frozen=True, slots=True)
class Relation:
    """A typed relation between two entity ids, with the evidence that states it."""

    head: str
    type: RelationType
    tail: str
    evidence: Evidence


@_pickled_by_fields
@_stored_through_slots
@dataclass(frozen=True, slots=True)
class MergeRecord:
    """One line of the merge log: which surface form became which entity, and why."""

    surface: str
    entity_id: str
    reason: str
    doc_id: str


@_pickled_by_fields
@_stored_through_slots
@dataclass(frozen=True, slots=True)
class DocResult:
    """Resolved entities and relations of one document."""

    document: Document
    entities: tuple[Entity, ...] = ()
    relations: tuple[Relation, ...] = ()
    merges: tuple[MergeRecord, ...] = ()


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Corpus:
    """All documents with their resolved, cross-document-linked results."""

    results: tuple[DocResult, ...] = ()
    merge_log: tuple[MergeRecord, ...] = ()
    inputs: tuple[str, ...] = ()
    duplicates_merged: int = 0
    extra: dict = field(default_factory=dict)
