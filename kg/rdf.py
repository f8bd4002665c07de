"""The RDF view of the graph: export (Turtle, N-Triples, JSON-LD) and SPARQL queries.

The export is defined once as plain, sorted tuples (`graph_triples`), handed to pyoxigraph (N-Triples,
JSON-LD, and the Turtle reference) or to rdflib (`to_rdf`, for Python callers). Turtle, what `kg build`
writes, takes a faster path to the same bytes: `turtle_blocks` makes the text of each subject directly
from the graph (4 million triples, 40,000 abstracts: about 7 s of CPU instead of 34 s), with terms
rendered as pyoxigraph renders them (kg/turtle.py).
Every IRI is derived from a node id or from a hash of content, never from a counter or a blank node,
and the triples are sorted before serialization, so the same graph gives the same bytes.

Each typed relation is written twice: as a direct triple (``model:investlm mlkg:basedOn
model:llama-65b``) and as an `mlkg:Assertion` that reifies it with its provenance, confidence,
support and, for each evidence sentence, a Web Annotation specific resource (the paper as
``oa:hasSource``, a ``oa:TextQuoteSelector`` and a ``oa:TextPositionSelector``).
"""
from __future__ import annotations

import bisect
import csv
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from itertools import islice, repeat
from operator import itemgetter
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TypeVar
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import Graph
from rdflib import Literal as RdfLiteral
from rdflib import URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SDO, SKOS, VOID, XSD

from .errors import ExportError, InputError, KGError
from .graph import (
    ABSTRACT, ALIASES, CONFIDENCE, DOC_ID, EVIDENCE, EVIDENCE_FIELDS, INPUTS, INTRODUCED, KG_VERSION, KIND,
    LABEL, MENTIONED_IN, PAPER_KIND, SOURCES, SUPPORT, TITLE, TYPE, VARIANT_OF, cyclic_gc_paused, read_graph_json,
)
from .io import TMP_PREFIX, atomic_write, remove_stale_temporaries
from .turtle import TurtleTerms, string_literal
from .ontology import ENTITY_CLASSES, MLKG, OA, PREFIXES, RELATION_PROPERTIES, RESOURCE_BASE

if TYPE_CHECKING:
    import networkx as nx

_T = TypeVar("_T")
RdfFormat = Literal["turtle", "nt", "json-ld"]
ResultFormat = Literal["table", "csv", "json"]

#: Edge key (graph.py) -> property: the typed relations of types.py plus the structural edges.
EDGE_PROPERTIES: MappingProxyType[str, URIRef] = MappingProxyType({
    **RELATION_PROPERTIES, VARIANT_OF: MLKG.variantOf, MENTIONED_IN: MLKG.mentionedIn,
    INTRODUCED: MLKG.introducedIn,
})

_OX_FORMATS: MappingProxyType[str, ox.RdfFormat] = MappingProxyType({
    "turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "json-ld": ox.RdfFormat.JSON_LD,
})

# Resource kinds that are not node types; node ids always have the form "<type>/<slug>", so the
# single-segment IRIs below (…/resource/void) cannot collide with a node's IRI.
_ASSERTION = "assertion"
_EVIDENCE = "evidence"
_SELECTOR = "selector"
_RUN = "run"
_AGENT = "agent"
VOID_IRI = f"{RESOURCE_BASE}void"

#: Prefixes of the Turtle output: the vocabularies, then one per kind of resource.
TURTLE_PREFIXES: MappingProxyType[str, str] = MappingProxyType({
    **PREFIXES,
    **{kind.lower(): f"{RESOURCE_BASE}{kind.lower()}/" for kind in ENTITY_CLASSES},
    PAPER_KIND: f"{RESOURCE_BASE}{PAPER_KIND}/",
    **{kind: f"{RESOURCE_BASE}{kind}/" for kind in (_ASSERTION, _EVIDENCE, _SELECTOR, _RUN, _AGENT)},
})


class Lit(NamedTuple):
    """A literal of the plain-tuple triples: lexical form, datatype IRI and language tag ("" if none)."""

    value: str
    datatype: str = "http://www.w3.org/2001/XMLSchema#string"
    language: str = ""


#: (subject IRI, predicate IRI, object IRI or Lit); IRIs are plain str.
Triple = tuple[str, str, "str | Lit"]

class _Vocabulary(NamedTuple):
    """The IRIs the export writes, as plain str: a DefinedNamespace lookup costs microseconds, and a
    large export makes millions of them."""

    dcterms_abstract: str
    dcterms_identifier: str
    dcterms_source: str
    dcterms_title: str
    mlkg_Assertion: str
    mlkg_Paper: str
    mlkg_confidence: str
    mlkg_cue: str
    mlkg_evidence: str
    mlkg_support: str
    oa_SpecificResource: str
    oa_TextPositionSelector: str
    oa_TextQuoteSelector: str
    oa_end: str
    oa_exact: str
    oa_hasSelector: str
    oa_hasSource: str
    oa_start: str
    prov_Activity: str
    prov_SoftwareAgent: str
    prov_wasAssociatedWith: str
    prov_wasDerivedFrom: str
    prov_wasGeneratedBy: str
    rdf_langString: str
    rdf_object: str
    rdf_predicate: str
    rdf_subject: str
    rdf_type: str
    rdfs_label: str
    sdo_softwareVersion: str
    skos_altLabel: str
    skos_prefLabel: str
    void_Dataset: str
    void_classPartition: str
    void_classes: str
    void_distinctObjects: str
    void_distinctSubjects: str
    void_entities: str
    void_properties: str
    void_triples: str
    void_uriSpace: str
    void_vocabulary: str
    void_class: str


_IRI = _Vocabulary(
    str(DCTERMS.abstract),
    str(DCTERMS.identifier),
    str(DCTERMS.source),
    str(DCTERMS.title),
    str(MLKG.Assertion),
    str(MLKG.Paper),
    str(MLKG.confidence),
    str(MLKG.cue),
    str(MLKG.evidence),
    str(MLKG.support),
    str(OA.SpecificResource),
    str(OA.TextPositionSelector),
    str(OA.TextQuoteSelector),
    str(OA.end),
    str(OA.exact),
    str(OA.hasSelector),
    str(OA.hasSource),
    str(OA.start),
    str(PROV.Activity),
    str(PROV.SoftwareAgent),
    str(PROV.wasAssociatedWith),
    str(PROV.wasDerivedFrom),
    str(PROV.wasGeneratedBy),
    str(RDF.langString),
    str(RDF.object),
    str(RDF.predicate),
    str(RDF.subject),
    str(RDF.type),
    str(RDFS.label),
    str(SDO.softwareVersion),
    str(SKOS.altLabel),
    str(SKOS.prefLabel),
    str(VOID.Dataset),
    str(VOID.classPartition),
    str(VOID.classes),
    str(VOID.distinctObjects),
    str(VOID.distinctSubjects),
    str(VOID.entities),
    str(VOID.properties),
    str(VOID.triples),
    str(VOID.uriSpace),
    str(VOID.vocabulary),
    str(VOID["class"]),
)
_ENTITY_CLASS_IRIS: MappingProxyType[str, str] = MappingProxyType({k: str(v) for k, v in ENTITY_CLASSES.items()})
_EDGE_PROPERTY_IRIS: MappingProxyType[str, str] = MappingProxyType({k: str(v) for k, v in EDGE_PROPERTIES.items()})

_STRING = str(XSD.string)
_INTEGER = str(XSD.integer)
_NON_NEGATIVE = str(XSD.nonNegativeInteger)
_DECIMAL = str(XSD.decimal)


# ---------------------------------------------------------------------------- IRIs and literals

def iri_segment(text: str) -> str:
    """Percent-encode one path segment so that any text gives a valid IRI (RFC 3987) that strict parsers accept.

    Everything but ASCII letters, digits and ``-._~`` is percent-encoded as UTF-8, so the encoding is
    injective and stable across runs. Trailing dots are encoded too: a segment of dots only would be
    removed by IRI normalization, and rdflib's Turtle parser rejects a prefixed name ending in ``\\.``.

    >>> iri_segment("llama-65b")
    'llama-65b'
    >>> iri_segment('a "b"/<c> α')
    'a%20%22b%22%2F%3Cc%3E%20%CE%B1'
    >>> iri_segment(".."), iri_segment("v2.")
    ('%2E%2E', 'v2%2E')
    """
    encoded = quote(text, safe="-._~")
    stripped = encoded.rstrip(".")
    return stripped + "%2E" * (len(encoded) - len(stripped))


def resource_iri(node_id: str) -> str:
    """IRI of a graph node: ``…/resource/<type>/<slug>`` from its id "<type>/<slug>".

    >>> resource_iri("model/llama-65b")
    'https://w3id.org/mlkg/resource/model/llama-65b'
    >>> resource_iri("paper/2307.0 1")
    'https://w3id.org/mlkg/resource/paper/2307.0%201'
    """
    kind, sep, rest = node_id.partition("/")
    if not sep:
        return RESOURCE_BASE + iri_segment(node_id)
    return f"{RESOURCE_BASE}{iri_segment(kind)}/{iri_segment(rest)}"


def _digest(*parts: object) -> str:
    """A short, stable hash of content (16 hex digits of SHA-256), for assertion and evidence IRIs."""
    text = "\x1f".join(map(str, parts))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def decimal_lexical(value: float) -> str:
    """xsd:decimal lexical form of a confidence, with at most 3 decimals.

    >>> decimal_lexical(0.9), decimal_lexical(1), decimal_lexical(0.12345)
    ('0.9', '1.0', '0.123')
    """
    text = f"{float(value):.3f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


# ---------------------------------------------------------------------------- graph -> triples

def graph_triples(G: nx.MultiDiGraph) -> list[Triple]:
    """All triples of the export of G, as plain tuples, deduplicated and sorted.

    Raises:
        ExportError: if an edge has a key that kg's ontology has no property for.
    """
    triples: set[Triple] = set()
    add = triples.add
    iris = {node: resource_iri(node) for node in G}
    run = _run_triples(G, add)
    for node, data in G.nodes(data=True):
        if data.get(KIND) == PAPER_KIND:
            _paper_triples(iris[node], node, data, add)
        else:
            _entity_triples(iris[node], node, data, add)
    for u, v, key, data in G.edges(keys=True, data=True):
        prop = _EDGE_PROPERTY_IRIS.get(key)
        if prop is None:
            raise ExportError(f"edge {u!r} -> {v!r} has relation {key!r}, which the ontology has no property for")
        add((iris[u], prop, iris[v]))
        if data.get(EVIDENCE):
            _assertion_triples(iris[u], prop, iris[v], data, run, iris, add)
    _void_triples(G, triples, run, add)
    return _sorted_triples(triples)


def _sorted_triples(triples: Iterable[Triple]) -> list[Triple]:
    """Triples in plain tuple order, sorted per subject: twice as fast as one sort of them all.

    Tuples are compared without a key function: an IRI is never compared with a Lit, because every
    predicate of the export has either IRI or literal objects, never both.
    """
    by_subject: dict[str, list[Triple]] = {}
    for triple in triples:
        by_subject.setdefault(triple[0], []).append(triple)
    ordered: list[Triple] = []
    for subject in sorted(by_subject):
        ordered.extend(sorted(by_subject[subject]))
    return ordered


def _sort_key(triple: Triple) -> tuple:
    s, p, o = triple
    return (s, p, (1, o.value, o.datatype, o.language) if isinstance(o, Lit) else (0, o, "", ""))


def _paper_triples(paper: str, node: str, data: dict[str, Any], add) -> None:
    add((paper, _IRI.rdf_type, _IRI.mlkg_Paper))
    add((paper, _IRI.skos_prefLabel, Lit(str(data.get(LABEL) or node))))
    add((paper, _IRI.dcterms_identifier, Lit(str(data.get(DOC_ID) or node))))
    if data.get(TITLE):
        add((paper, _IRI.dcterms_title, Lit(str(data[TITLE]))))
    if data.get(ABSTRACT) is not None:
        add((paper, _IRI.dcterms_abstract, Lit(str(data[ABSTRACT]))))
    for source in data.get(SOURCES) or ():
        add((paper, _IRI.dcterms_source, Lit(str(source))))


def _entity_triples(entity: str, node: str, data: dict[str, Any], add) -> None:
    cls = _ENTITY_CLASS_IRIS.get(data.get(TYPE, ""))
    if cls is None:
        raise ExportError(f"node {node!r} has type {data.get(TYPE)!r}, which the ontology has no class for")
    add((entity, _IRI.rdf_type, cls))
    add((entity, _IRI.skos_prefLabel, Lit(str(data.get(LABEL) or node))))
    add((entity, _IRI.dcterms_identifier, Lit(node)))
    for alias in data.get(ALIASES) or ():
        add((entity, _IRI.skos_altLabel, Lit(str(alias))))


def _assertion_triples(subject: str, prop: str, obj: str, data: dict[str, Any], run: str,
                       iris: dict[str, str], add) -> None:
    assertion = f"{RESOURCE_BASE}{_ASSERTION}/{_digest(subject, prop, obj)}"
    add((assertion, _IRI.rdf_type, _IRI.mlkg_Assertion))
    add((assertion, _IRI.rdf_subject, subject))
    add((assertion, _IRI.rdf_predicate, prop))
    add((assertion, _IRI.rdf_object, obj))
    add((assertion, _IRI.mlkg_confidence, Lit(decimal_lexical(data[CONFIDENCE]), _DECIMAL)))
    add((assertion, _IRI.mlkg_support, Lit(str(int(data[SUPPORT])), _INTEGER)))
    add((assertion, _IRI.prov_wasGeneratedBy, run))
    for record in data[EVIDENCE]:
        paper_id, sentence, start, end, cue, confidence = (record[field] for field in EVIDENCE_FIELDS)
        paper = iris.get(paper_id) or resource_iri(paper_id)
        evidence = f"{RESOURCE_BASE}{_EVIDENCE}/{_digest(assertion, paper, start, end, sentence, cue)}"
        quote_selector = f"{RESOURCE_BASE}{_SELECTOR}/quote-{_digest(sentence)}"
        position_selector = f"{RESOURCE_BASE}{_SELECTOR}/position-{int(start)}-{int(end)}"
        add((assertion, _IRI.prov_wasDerivedFrom, paper))
        add((assertion, _IRI.mlkg_evidence, evidence))
        add((evidence, _IRI.rdf_type, _IRI.oa_SpecificResource))
        add((evidence, _IRI.oa_hasSource, paper))
        add((evidence, _IRI.oa_hasSelector, quote_selector))
        add((evidence, _IRI.oa_hasSelector, position_selector))
        add((evidence, _IRI.mlkg_confidence, Lit(decimal_lexical(confidence), _DECIMAL)))
        if cue:
            add((evidence, _IRI.mlkg_cue, Lit(str(cue))))
        add((quote_selector, _IRI.rdf_type, _IRI.oa_TextQuoteSelector))
        add((quote_selector, _IRI.oa_exact, Lit(str(sentence))))
        add((position_selector, _IRI.rdf_type, _IRI.oa_TextPositionSelector))
        add((position_selector, _IRI.oa_start, Lit(str(int(start)), _NON_NEGATIVE)))
        add((position_selector, _IRI.oa_end, Lit(str(int(end)), _NON_NEGATIVE)))


def _run_triples(G: nx.MultiDiGraph, add) -> str:
    """The extraction run (prov:Activity) and kg as its software agent; returns the run's IRI."""
    version = str(G.graph.get(KG_VERSION) or "")
    run = f"{RESOURCE_BASE}{_RUN}/kg-{iri_segment(version)}" if version else f"{RESOURCE_BASE}{_RUN}/kg"
    agent = f"{RESOURCE_BASE}{_AGENT}/kg"
    add((run, _IRI.rdf_type, _IRI.prov_Activity))
    add((run, _IRI.rdfs_label, Lit(f"kg {version} extraction" if version else "kg extraction")))
    add((run, _IRI.prov_wasAssociatedWith, agent))
    add((agent, _IRI.rdf_type, _IRI.prov_SoftwareAgent))
    add((agent, _IRI.rdfs_label, Lit("kg")))
    if version:
        add((agent, _IRI.sdo_softwareVersion, Lit(version)))
    return run


def _void_triples(G: nx.MultiDiGraph, triples: set[Triple], run: str, add) -> None:
    """A VoID description of the export; its counts cover every triple but its own."""
    rdf_type = _IRI.rdf_type
    classes: dict[str, int] = {}
    subjects: set[str] = set()
    objects: set[str | Lit] = set()
    predicates: set[str] = set()
    for s, p, o in triples:
        subjects.add(s)
        predicates.add(p)
        objects.add(o)
        if p == rdf_type:
            classes[o] = classes.get(o, 0) + 1
    void = _void_description(G, run, triples=len(triples), subjects=len(subjects),
                             entities=sum(s.startswith(RESOURCE_BASE) for s in subjects), classes=classes,
                             properties=len(predicates), objects=len(objects))
    for triple in void:
        add(triple)


def _void_description(G: nx.MultiDiGraph, run: str, *, triples: int, subjects: int, entities: int,
                      classes: dict[str, int], properties: int, objects: int) -> list[Triple]:
    """The VoID triples for the given counts (class IRI -> number of its instances in `classes`)."""
    void = [
        (VOID_IRI, _IRI.rdf_type, _IRI.void_Dataset),
        (VOID_IRI, _IRI.dcterms_title, Lit("kg knowledge graph of ML models, datasets and methods")),
        (VOID_IRI, _IRI.void_triples, Lit(str(triples), _INTEGER)),
        (VOID_IRI, _IRI.void_entities, Lit(str(entities), _INTEGER)),
        (VOID_IRI, _IRI.void_classes, Lit(str(len(classes)), _INTEGER)),
        (VOID_IRI, _IRI.void_properties, Lit(str(properties), _INTEGER)),
        (VOID_IRI, _IRI.void_distinctSubjects, Lit(str(subjects), _INTEGER)),
        (VOID_IRI, _IRI.void_distinctObjects, Lit(str(objects), _INTEGER)),
        (VOID_IRI, _IRI.void_uriSpace, Lit(RESOURCE_BASE)),
        (VOID_IRI, _IRI.prov_wasGeneratedBy, run),
    ]
    void += [(VOID_IRI, _IRI.void_vocabulary, PREFIXES[prefix]) for prefix in ("mlkg", "oa", "prov", "skos", "dcterms")]
    void += [(VOID_IRI, _IRI.dcterms_source, Lit(str(source))) for source in G.graph.get(INPUTS) or ()]
    for cls, members in classes.items():
        partition = f"{VOID_IRI}#class-{_digest(cls)}"
        void += [(VOID_IRI, _IRI.void_classPartition, partition),
                 (partition, _IRI.void_class, cls),
                 (partition, _IRI.void_entities, Lit(str(members), _INTEGER))]
    return void


# ---------------------------------------------------------------------------- graph -> Turtle text

_evidence_fields = itemgetter(*EVIDENCE_FIELDS)


class _Irregular(Exception):
    """The graph has a case that `turtle_blocks` does not write by itself (two subjects with one
    hashed IRI): `write_rdf` then writes through pyoxigraph, which gives the same bytes, slowly."""


class _Counts:
    """What the VoID description counts, gathered while the Turtle blocks are made."""

    def __init__(self) -> None:
        self.triples = 0
        self.predicates: set[str] = set()
        self.objects: set[str] = set()  # rendered terms but plain strings: rendering is one-to-one
        # Plain string literals by value: each renders as '"…"', which no other term does, so they
        # count apart exactly, and the set holds G's own strings (abstracts, sentences), not copies.
        self.strings: set[str] = set()
        self.classes: dict[str, int] = {}

    def typed(self, cls: str, rendered: str, count: int = 1) -> None:
        self.classes[cls] = self.classes.get(cls, 0) + count
        self.objects.add(rendered)

    def distinct_objects(self) -> int:
        return len(self.objects) + len(self.strings)


def turtle_blocks(G: nx.MultiDiGraph) -> list[str]:
    """The Turtle export of G as text pieces: the bytes that pyoxigraph writes for `graph_triples(G)`.

    The triples of one subject are one block of text (``s p o , o ;\\n\\tp o .\\n``), made directly
    from G in the order of `graph_triples` (predicates, then objects, sorted), so that only the
    subjects are sorted, not millions of triples, and no triple becomes a Python object. At 40,000
    abstracts (4 million triples) this takes about 3 s of CPU where pyoxigraph took 34 s.

    Raises:
        ExportError: if a node or edge has a type that the ontology has no term for.
    """
    # the export makes millions of small acyclic containers; each full collection would walk G too
    with cyclic_gc_paused():
        try:
            return _turtle_blocks(G)
        except _Irregular:
            return [ox.serialize(_oxigraph_triples(graph_triples(G)), format=ox.RdfFormat.TURTLE,
                                 prefixes=_prefixes("turtle")).decode("utf-8")]


def _turtle_blocks(G: nx.MultiDiGraph) -> list[str]:
    terms = TurtleTerms(TURTLE_PREFIXES)
    counts = _Counts()
    blocks: dict[str, str] = {}  # subject IRI -> its block
    iris = {node: resource_iri(node) for node in G}
    small: list[Triple] = []  # run, agent: a few triples, written the general way
    run = _run_triples(G, small.append)
    assertions = _AssertionWriter(terms, counts, blocks, iris, run)
    # G._succ (node -> successor -> key -> data), a plain dict: networkx's edge and adjacency views
    # cost more than the rest of the export (1.7 s for 600,000 edges, as many calls per edge).
    # A node's statements are its attributes and its out-edges, so its block is made as soon as
    # they are read, and no node's statements are held after it.
    for u, successors in G._succ.items():
        data = G._node[u]
        statements = _paper_statements(u, data) if data.get(KIND) == PAPER_KIND else _entity_statements(u, data)
        for v, keyed in successors.items():
            for key, data in keyed.items():
                prop = _EDGE_PROPERTY_IRIS.get(key)
                if prop is None:
                    raise ExportError(f"edge {u!r} -> {v!r} has relation {key!r}, which the ontology has no property for")
                statements.setdefault(prop, set()).add(iris[v])
                if data.get(EVIDENCE):
                    assertions.write(iris[u], prop, iris[v], data)
        _put(blocks, iris[u], _block(terms, counts, iris[u], statements))
    assertions.record_counts()
    for subject, statements in _group(small).items():
        _put(blocks, subject, _block(terms, counts, subject, statements))
    hashed = (assertions.assertion_blocks, assertions.evidence_blocks)
    hashed_count = sum(len(h.texts) for h in hashed)  # every one's IRI starts with RESOURCE_BASE
    void = _void_description(G, run, triples=counts.triples, subjects=len(blocks) + hashed_count,
                             entities=sum(map(str.startswith, blocks, repeat(RESOURCE_BASE))) + hashed_count,
                             classes=counts.classes, properties=len(counts.predicates),
                             objects=counts.distinct_objects())
    for subject, statements in _group(void).items():
        _put(blocks, subject, _block(terms, None, subject, statements))
    # sorted keys, not items: a million (subject, text) pairs would cost 60 MB at 40,000 abstracts
    subjects = sorted(blocks)
    ordered = [terms.header]
    done = 0
    for at, group in sorted((group.position(subjects), group) for group in hashed):  # ties: by namespace
        ordered += (blocks[subject] for subject in subjects[done:at])
        ordered += group.sorted_texts()
        done = at
    ordered += (blocks[subject] for subject in subjects[done:])
    return ordered


class _HashedBlocks:
    """The blocks of the subjects of one namespace whose local names are hashes (assertions,
    evidence): their texts only, without their IRIs as dict keys (a million IRIs cost 150 MB at
    40,000 abstracts). A block begins with its subject's prefixed name and a space, and a hash
    needs no escaping, so the texts sort as their IRIs do, and a hash that two subjects share
    shows as two neighbours with one name.
    """

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self.texts: list[str] = []

    def __lt__(self, other: _HashedBlocks) -> bool:
        return self.namespace < other.namespace

    def position(self, subjects: list[str]) -> int:
        """Where this namespace's IRIs go among the other (sorted) subjects, none of them in it."""
        at = bisect.bisect_left(subjects, self.namespace)
        if at < len(subjects) and subjects[at].startswith(self.namespace):
            raise _Irregular(subjects[at])
        return at

    def sorted_texts(self) -> list[str]:
        self.texts.sort()
        for previous, text in zip(self.texts, islice(self.texts, 1, None)):
            if text.startswith(previous[:previous.index(" ") + 1]):
                raise _Irregular(previous[:previous.index(" ")])
        return self.texts


def _put(blocks: dict[str, str], subject: str, text: str) -> None:
    if blocks.setdefault(subject, text) is not text:
        raise _Irregular(subject)


def _group(triples: Iterable[Triple]) -> dict[str, dict[str, set[str | Lit]]]:
    grouped: dict[str, dict[str, set[str | Lit]]] = {}
    for s, p, o in triples:
        grouped.setdefault(s, {}).setdefault(p, set()).add(o)
    return grouped


def _paper_statements(node: str, data: dict[str, Any]) -> dict[str, set[str | Lit]]:
    statements: dict[str, set[str | Lit]] = {
        _IRI.rdf_type: {_IRI.mlkg_Paper},
        _IRI.skos_prefLabel: {Lit(str(data.get(LABEL) or node))},
        _IRI.dcterms_identifier: {Lit(str(data.get(DOC_ID) or node))},
    }
    if data.get(TITLE):
        statements[_IRI.dcterms_title] = {Lit(str(data[TITLE]))}
    if data.get(ABSTRACT) is not None:
        statements[_IRI.dcterms_abstract] = {Lit(str(data[ABSTRACT]))}
    if data.get(SOURCES):
        statements[_IRI.dcterms_source] = {Lit(str(source)) for source in data[SOURCES]}
    return statements


def _entity_statements(node: str, data: dict[str, Any]) -> dict[str, set[str | Lit]]:
    cls = _ENTITY_CLASS_IRIS.get(data.get(TYPE, ""))
    if cls is None:
        raise ExportError(f"node {node!r} has type {data.get(TYPE)!r}, which the ontology has no class for")
    statements: dict[str, set[str | Lit]] = {
        _IRI.rdf_type: {cls},
        _IRI.skos_prefLabel: {Lit(str(data.get(LABEL) or node))},
        _IRI.dcterms_identifier: {Lit(node)},
    }
    if data.get(ALIASES):
        statements[_IRI.skos_altLabel] = {Lit(str(alias)) for alias in data[ALIASES]}
    return statements


def _block(terms: TurtleTerms, counts: _Counts | None, subject: str,
           statements: dict[str, set[str | Lit]]) -> str:
    """One subject's triples as Turtle, in sorted order; `counts` (if given) records them for VoID."""
    parts = []
    for predicate in sorted(statements):
        values = sorted(statements[predicate])
        objects = [terms.literal(*o) if isinstance(o, Lit) else terms.iri(o) for o in values]
        parts.append(f"{terms.predicate(predicate)} {' , '.join(objects)}")
        if counts is not None:
            counts.triples += len(objects)
            counts.predicates.add(predicate)
            if not isinstance(values[0], Lit):  # a predicate's objects are all IRIs or all literals
                counts.objects.update(objects)
            else:
                for value, rendered in zip(values, objects):
                    if value.datatype == _STRING and not value.language:
                        counts.strings.add(value.value)
                    else:
                        counts.objects.add(rendered)
            if predicate == _IRI.rdf_type:
                for cls, rendered in zip(values, objects, strict=True):
                    counts.classes[cls] = counts.classes.get(cls, 0) + 1
    return f"{terms.iri(subject)} {_NEXT_PREDICATE.join(parts)} .\n"


_NEXT_PREDICATE = " ;\n\t"


def _in_iri_order(*predicates: str) -> bool:
    return list(predicates) == sorted(predicates)


class _AssertionWriter:
    """Blocks of the assertions, their evidence and its selectors (nine in ten triples of an export).

    Their predicates are fixed, so each block is one f-string with its predicates in sorted order
    (checked once in __init__); only the multi-valued objects (papers, evidence) are sorted.
    """

    def __init__(self, terms: TurtleTerms, counts: _Counts, blocks: dict[str, str], iris: dict[str, str],
                 run: str) -> None:
        I = _IRI
        assert _in_iri_order(I.rdf_object, I.rdf_predicate, I.rdf_subject, I.rdf_type, I.prov_wasDerivedFrom,
                             I.prov_wasGeneratedBy, I.mlkg_confidence, I.mlkg_evidence, I.mlkg_support)
        assert _in_iri_order(I.rdf_type, I.oa_hasSelector, I.oa_hasSource, I.mlkg_confidence, I.mlkg_cue)
        assert _in_iri_order(I.rdf_type, I.oa_end, I.oa_start)
        assert _in_iri_order(I.rdf_type, I.oa_exact)
        self.terms, self.counts, self.blocks, self.iris = terms, counts, blocks, iris
        # the blocks of assertions and of evidence, by namespace (see _HashedBlocks)
        self.assertion_blocks = _HashedBlocks(f"{RESOURCE_BASE}{_ASSERTION}/")
        self.evidence_blocks = _HashedBlocks(f"{RESOURCE_BASE}{_EVIDENCE}/")
        self.n = _Vocabulary(*map(terms.iri, _IRI))  # rendered names of the vocabulary
        self.run = terms.iri(run)
        self.assertion_name = terms.local_names(f"{RESOURCE_BASE}{_ASSERTION}/")
        self.evidence_name = terms.local_names(f"{RESOURCE_BASE}{_EVIDENCE}/")
        self.selector_name = terms.local_names(f"{RESOURCE_BASE}{_SELECTOR}/")
        self.assertion_cut = len(f"{RESOURCE_BASE}{_ASSERTION}/")
        self.evidence_cut = len(f"{RESOURCE_BASE}{_EVIDENCE}/")
        self.quotes: dict[str, tuple[str, str]] = {}  # sentence -> (quote selector IRI, its name)
        self.positions: set[str] = set()  # position selector IRIs written
        self.quote_sentences: dict[str, str] = {}  # quote selector IRI -> its sentence
        self.assertions = self.evidence = self.quote_count = 0
        self.cues = False
        self.decimals: dict[float, str] = {}  # confidence -> its lexical form (a few hundred values)

    def write(self, subject: str, prop: str, obj: str, data: dict[str, Any]) -> None:
        terms, n, objects = self.terms, self.n, self.counts.objects
        assertion = f"{RESOURCE_BASE}{_ASSERTION}/{_digest(subject, prop, obj)}"
        papers: set[str] = set()
        evidence: dict[str, list] = {}  # evidence IRI -> [paper, quote, position, cue, confidences]
        for record in data[EVIDENCE]:
            paper_id, sentence, start, end, cue, confidence = _evidence_fields(record)
            paper = self.iris.get(paper_id) or resource_iri(paper_id)
            papers.add(paper)
            iri = f"{RESOURCE_BASE}{_EVIDENCE}/{_digest(assertion, paper, start, end, sentence, cue)}"
            confidence = self._decimal(confidence)
            found = evidence.get(iri)
            if found is not None:  # the same sentence twice: one subject, its confidences merged
                found[4].add(confidence)
                continue
            evidence[iri] = [paper, self._quote(sentence), self._position(int(start), int(end)),
                             str(cue) if cue else "", {confidence}]
        evidence_names = []
        for iri in sorted(evidence):
            paper, quote, position, cue, confidences = evidence[iri]
            name = self.evidence_name(iri[self.evidence_cut:])
            evidence_names.append(name)
            paper = terms.iri(paper)
            confidences = [terms.literal(value, _DECIMAL) for value in sorted(confidences)]
            cue_text = f" ;\n\t{n.mlkg_cue} {string_literal(cue)}" if cue else ""
            self.evidence_blocks.texts.append(
                 f"{name} a {n.oa_SpecificResource} ;\n\t{n.oa_hasSelector} {position} , {quote} ;\n"
                 f"\t{n.oa_hasSource} {paper} ;\n\t{n.mlkg_confidence} {' , '.join(confidences)}{cue_text} .\n")
            self.counts.triples += 4 + len(confidences) + bool(cue)
            objects.update((name, paper, *confidences))
            if cue:
                self.counts.strings.add(cue)
                self.cues = True
        self.evidence += len(evidence)
        name = self.assertion_name(assertion[self.assertion_cut:])
        paper_names = [terms.iri(paper) for paper in sorted(papers)]
        confidence = terms.literal(self._decimal(data[CONFIDENCE]), _DECIMAL)
        support = terms.literal(str(int(data[SUPPORT])), _INTEGER)
        subject, prop, obj = terms.iri(subject), terms.iri(prop), terms.iri(obj)
        self.assertion_blocks.texts.append(
             f"{name} {n.rdf_object} {obj} ;\n\t{n.rdf_predicate} {prop} ;\n\t{n.rdf_subject} {subject} ;\n"
             f"\ta {n.mlkg_Assertion} ;\n\t{n.prov_wasDerivedFrom} {' , '.join(paper_names)} ;\n"
             f"\t{n.prov_wasGeneratedBy} {self.run} ;\n\t{n.mlkg_confidence} {confidence} ;\n"
             f"\t{n.mlkg_evidence} {' , '.join(evidence_names)} ;\n\t{n.mlkg_support} {support} .\n")
        self.assertions += 1
        self.counts.triples += 7 + len(paper_names) + len(evidence_names)
        objects.update((obj, prop, subject, confidence, support))

    def _decimal(self, value: float) -> str:
        found = self.decimals.get(value)
        if found is None:
            found = self.decimals[value] = decimal_lexical(value)
        return found

    def _quote(self, sentence: Any) -> str:
        """The name of the quote selector of a sentence, written once per sentence."""
        found = self.quotes.get(sentence)
        if found is not None:
            return found[1]
        digest = _digest(sentence)
        iri = f"{RESOURCE_BASE}{_SELECTOR}/quote-{digest}"
        name = self.selector_name(f"quote-{digest}")
        self.quotes[sentence] = (iri, name)
        exact = string_literal(str(sentence))
        if self.quote_sentences.setdefault(iri, str(sentence)) != str(sentence):
            raise _Irregular(iri)  # two sentences with one hash: pyoxigraph writes both
        _put(self.blocks, iri, f"{name} a {self.n.oa_TextQuoteSelector} ;\n\t{self.n.oa_exact} {exact} .\n")
        self.quote_count += 1
        self.counts.triples += 2
        self.counts.objects.add(name)
        self.counts.strings.add(str(sentence))
        return name

    def _position(self, start: int, end: int) -> str:
        """The name of the position selector of a span, written once per span."""
        local = f"position-{start}-{end}"
        iri = f"{RESOURCE_BASE}{_SELECTOR}/{local}"
        name = self.selector_name(local)
        if iri not in self.positions:
            self.positions.add(iri)
            start_text = self.terms.literal(str(start), _NON_NEGATIVE)
            end_text = self.terms.literal(str(end), _NON_NEGATIVE)
            _put(self.blocks, iri, f"{name} a {self.n.oa_TextPositionSelector} ;\n"
                                   f"\t{self.n.oa_end} {end_text} ;\n\t{self.n.oa_start} {start_text} .\n")
            self.counts.triples += 3
            self.counts.objects.update((name, start_text, end_text))
        return name

    def record_counts(self) -> None:
        """Add the classes and predicates of the blocks written to the VoID counts."""
        I, counts = _IRI, self.counts
        for cls, count in ((I.mlkg_Assertion, self.assertions), (I.oa_SpecificResource, self.evidence),
                           (I.oa_TextQuoteSelector, self.quote_count),
                           (I.oa_TextPositionSelector, len(self.positions))):
            if count:
                counts.typed(cls, self.terms.iri(cls), count)
        if self.assertions:
            counts.predicates.update((
                I.rdf_object, I.rdf_predicate, I.rdf_subject, I.rdf_type, I.prov_wasDerivedFrom,
                I.prov_wasGeneratedBy, I.mlkg_confidence, I.mlkg_evidence, I.mlkg_support, I.oa_hasSelector,
                I.oa_hasSource, I.oa_exact, I.oa_start, I.oa_end))
            counts.objects.add(self.run)
        if self.cues:
            counts.predicates.add(I.mlkg_cue)


# ---------------------------------------------------------------------------- conversions

def _rdflib_term(term: str | Lit) -> URIRef | RdfLiteral:
    if isinstance(term, Lit):
        # rdflib tells "x" from "x"^^xsd:string (RDF 1.1 says they are the same); parsers give the former.
        if term.language:
            return RdfLiteral(term.value, lang=term.language)
        if term.datatype == _STRING:
            return RdfLiteral(term.value)
        return RdfLiteral(term.value, datatype=URIRef(term.datatype))
    return URIRef(term)


def to_rdf(G: nx.MultiDiGraph) -> Graph:
    """The export of G as an rdflib Graph (pure: G is only read)."""
    rdf_graph = Graph()
    for prefix, namespace in TURTLE_PREFIXES.items():
        rdf_graph.bind(prefix, namespace, override=True, replace=True)
    for s, p, o in graph_triples(G):
        rdf_graph.add((URIRef(s), URIRef(p), _rdflib_term(o)))
    return rdf_graph


def _oxigraph_triples(triples: Iterable[Triple]) -> Iterator[ox.Triple]:
    nodes: dict[str, ox.NamedNode] = {}

    def node(iri: str) -> ox.NamedNode:
        found = nodes.get(iri)
        if found is None:
            found = nodes[iri] = ox.NamedNode(iri)
        return found

    for s, p, o in triples:
        if not isinstance(o, Lit):
            obj = node(o)
        elif o.language:
            obj = ox.Literal(o.value, language=o.language)
        else:
            obj = ox.Literal(o.value, datatype=node(o.datatype))
        yield ox.Triple(node(s), node(p), obj)


def _rdflib_triples(rdf_graph: Graph) -> list[Triple]:
    """Plain, sorted triples of an rdflib graph without blank nodes (the ontology)."""
    def plain(term) -> str | Lit:
        if isinstance(term, RdfLiteral):
            if term.language:
                return Lit(str(term), _IRI.rdf_langString, term.language)
            return Lit(str(term), str(term.datatype or XSD.string))
        return str(term)

    return sorted(((str(s), str(p), plain(o)) for s, p, o in rdf_graph), key=_sort_key)


def serialize_rdf(G: nx.MultiDiGraph, *, format: RdfFormat = "turtle",
                  engine: Literal["oxigraph", "rdflib"] = "oxigraph") -> bytes:
    """The export of G as bytes.

    Args:
        engine: "oxigraph" (fast and byte-for-byte deterministic, what `write_rdf` uses) or
            "rdflib" (slow; kept as a reference implementation).
    """
    _check_format(format)
    if engine == "rdflib":
        return to_rdf(G).serialize(format=format, encoding="utf-8")  # rdflib knows kg's format names
    return ox.serialize(_oxigraph_triples(graph_triples(G)), format=_OX_FORMATS[format],
                        prefixes=_prefixes(format))


def _prefixes(format: RdfFormat) -> dict[str, str] | None:
    return dict(TURTLE_PREFIXES) if format == "turtle" else None


def _check_format(format: str) -> None:
    if format not in _OX_FORMATS:
        raise ExportError(f"unknown RDF format {format!r}; expected one of {', '.join(_OX_FORMATS)}")


def write_rdf(G: nx.MultiDiGraph, path: str | Path, *, format: RdfFormat = "turtle") -> None:
    """Write the export of G atomically; the same graph always gives the same bytes.

    Turtle is written by `turtle_blocks` (the bytes pyoxigraph writes for `graph_triples`, ten times
    faster); N-Triples and JSON-LD by pyoxigraph.

    Raises:
        ExportError: if the file cannot be written or the format is unknown.
    """
    _check_format(format)
    if format == "turtle":
        blocks = turtle_blocks(G)
        with atomic_write(path, mode="wb") as fh:
            for start in range(0, len(blocks), 4096):  # a write per block cost a tenth of the export
                fh.write("".join(blocks[start:start + 4096]).encode("utf-8"))
        return
    triples = graph_triples(G)
    with atomic_write(path, mode="wb") as fh:
        ox.serialize(_oxigraph_triples(triples), fh, format=_OX_FORMATS[format], prefixes=_prefixes(format))


def write_ontology(path: str | Path) -> None:
    """Write kg's ontology as Turtle, atomically and deterministically (what ``kg/data/ontology.ttl`` holds)."""
    from .ontology import ontology_graph

    _write_plain(ontology_graph(), path)


def _write_plain(rdf_graph: Graph, path: str | Path) -> None:
    with atomic_write(path, mode="wb") as fh:
        ox.serialize(_oxigraph_triples(_rdflib_triples(rdf_graph)), fh, format=ox.RdfFormat.TURTLE,
                     prefixes=dict(PREFIXES))


def data_path(name: str) -> Path:
    """Path of a file of kg/data (ontology.ttl, shapes.ttl)."""
    return Path(__file__).parent / "data" / name


def shapes_graph() -> Graph:
    """The SHACL shapes that every export conforms to (``kg/data/shapes.ttl``)."""
    return Graph().parse(data_path("shapes.ttl"), format="turtle")


# ---------------------------------------------------------------------------- SPARQL

_SPARQL_ERROR = re.compile(r"^error at (\d+):(\d+): (.*)$", re.DOTALL)


def query_rdf(source: str | Path | Graph | nx.MultiDiGraph, sparql: str, *,
              query_name: str = "<query>") -> tuple[list[str], list[tuple[str | None, ...]]]:
    """Run a SPARQL query over an RDF file (.ttl, .nt, .jsonld), a kg graph.json, an rdflib Graph or a kg graph.

    The data is loaded into an in-memory pyoxigraph store (about 2.7 s of CPU for a million triples).
    An RDF file of at least `STORE_MIN_BYTES` is instead queried through an on-disk store kept beside
    it (``graph.ttl.oxigraph/``), built on the first query and rebuilt when the file changes: it opens
    at once, where loading 10 million triples took half a minute and 4 GB at each query.

    Args:
        query_name: where the query came from (its file), named in syntax errors.

    Returns:
        The variable names and one tuple per solution: IRIs and literal values as text, None where
        a variable is unbound. An ASK query gives (["ask"], [("true",)]) or [("false",)]; a
        CONSTRUCT or DESCRIBE query gives the triples as rows of ["subject", "predicate", "object"].

    Raises:
        InputError: if the file cannot be read or parsed, or the query is not valid SPARQL.
        KeyboardInterrupt: on SIGINT (or SIGTERM, under `kg`), at once, even while loading.
    """
    return _in_worker_thread(_query, source, sparql, query_name)


def _query(source: str | Path | Graph | nx.MultiDiGraph, sparql: str,
           query_name: str) -> tuple[list[str], list[tuple[str | None, ...]]]:
    store = _load_store(source)
    try:
        results = store.query(sparql)
        return _result_rows(results)
    except SyntaxError as e:
        raise _sparql_error(query_name, e) from e
    except (OSError, ValueError, RuntimeError) as e:
        raise InputError(query_name, None, f"query failed: {_one_line(str(e))}") from e


def _in_worker_thread(function: Callable[..., _T], *args: Any) -> _T:
    """function(*args), run in a thread while this one waits.

    pyoxigraph releases the GIL while it parses and evaluates, but Python runs signal handlers
    only in the main thread between bytecodes: called from the main thread, a load of a large
    export (half a minute) could not be interrupted. Waiting in short joins keeps the main thread
    free to raise KeyboardInterrupt at once; the worker is a daemon and dies with the process.
    """
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append((True, function(*args)))
        except BaseException as e:  # handed to the caller's thread
            outcome.append((False, e))

    worker = threading.Thread(target=run, name="kg-query", daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(0.05)
    ok, value = outcome[0]
    if not ok:
        raise value
    return value


def _sparql_error(query_name: str, error: SyntaxError) -> InputError:
    match = _SPARQL_ERROR.match(str(error.msg if error.msg else error))
    if match is None:
        return InputError(query_name, None, f"invalid SPARQL: {_one_line(str(error))}")
    line, column, message = match.groups()
    return InputError(query_name, int(line), f"invalid SPARQL at column {column}: {_one_line(message)}")


def _one_line(text: str, *, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _load_store(source: str | Path | Graph | nx.MultiDiGraph) -> ox.Store:
    if isinstance(source, (str, os.PathLike)) and Path(source).suffix.lower() != ".json":
        path = Path(source)
        format = _rdf_format(path)
        if _file_size(path) >= STORE_MIN_BYTES:
            store = _disk_store(path, format)
            if store is not None:
                return store
        store = ox.Store()
        _load_file(store, path, format)
        return store
    store = ox.Store()
    if isinstance(source, Graph):
        store.load(source.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    elif isinstance(source, (str, os.PathLike)):
        # graph.json (node-link) from kg build: query it without writing RDF first
        _extend(store, graph_triples(read_graph_json(source)))
    else:
        _extend(store, graph_triples(source))
    return store


def _extend(store: ox.Store, triples: Iterable[Triple]) -> None:
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in _oxigraph_triples(triples))


def _rdf_format(path: Path) -> ox.RdfFormat:
    format = ox.RdfFormat.from_extension(path.suffix.lstrip(".").lower()) if path.suffix else None
    if format is None:
        raise InputError(str(path), None, "unknown RDF format: expected a .ttl, .nt or .jsonld file from kg build")
    return format


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError as e:
        raise InputError(str(path), None, f"cannot read: {e.strerror or e}") from e


def _load_file(store: ox.Store, path: Path, format: ox.RdfFormat, *, bulk: bool = False) -> None:
    try:
        if bulk:
            store.bulk_load(path=str(path), format=format)
        else:
            store.load(path=str(path), format=format)
    except SyntaxError as e:
        raise InputError(str(path), e.lineno, f"not valid {format.name}: {_one_line(str(e.msg))}") from e
    except OSError as e:
        if bulk:  # may be the store's own disk failing: the caller falls back to loading into memory
            raise
        raise InputError(str(path), None, f"cannot read: {e.strerror or e}") from e


# ---------------------------------------------------------------------------- on-disk store

#: RDF files at least this large are queried through an on-disk store beside them. Below it, loading
#: into memory costs less than building the store (22 MB, 4,000 abstracts: 1.1 s against 2.3 s of CPU).
STORE_MIN_BYTES = 64 * 1024 * 1024

#: The file in a store's directory that names the export it was built from.
STORE_STAMP = "kg-source.json"


def store_path(path: str | Path) -> Path:
    """The directory of the on-disk store that `query_rdf` keeps for the RDF file at path.

    >>> store_path("out/graph.ttl").as_posix()
    'out/graph.ttl.oxigraph'
    """
    path = Path(path)
    return path.with_name(path.name + ".oxigraph")


def _disk_store(path: Path, format: ox.RdfFormat) -> ox.Store | None:
    """A read-only store of the file at path, (re)built beside it unless it holds that file already.

    None when the store cannot be written (e.g. the export's directory is read-only): the caller loads
    the file into memory instead.
    """
    directory = store_path(path)
    stamp = _source_stamp(path, format)
    if _read_stamp(directory) != stamp:
        try:
            _build_disk_store(path, format, directory, stamp)
        except OSError:
            return None
    try:
        return ox.Store.read_only(str(directory))
    except OSError:
        return None


def _source_stamp(path: Path, format: ox.RdfFormat) -> dict[str, Any]:
    """What identifies the file's content without reading it: name, size and modification time, as for make.

    kg build replaces an export with a new file (atomic_write), so a new build always has a new mtime.
    """
    status = path.stat()
    return {"source": path.name, "format": format.name, "size": status.st_size, "mtime_ns": status.st_mtime_ns,
            "pyoxigraph": ox.__version__}


def _read_stamp(directory: Path) -> dict[str, Any] | None:
    try:
        return json.loads((directory / STORE_STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _build_disk_store(path: Path, format: ox.RdfFormat, directory: Path, stamp: dict[str, Any]) -> None:
    """Bulk-load the file into a new store in a temporary directory, then rename it into place.

    The stamp is written last and the rename is atomic, so a store directory with a stamp is
    always complete: an interrupted build leaves only a temporary directory, which the next build
    removes.
    """
    remove_stale_temporaries(directory.parent, target=directory.name)
    building = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{directory.name}.", dir=directory.parent))
    try:
        os.chmod(building, 0o777 & ~_umask())  # mkdtemp makes it private; the export itself is not
        store = ox.Store(str(building))
        _load_file(store, path, format, bulk=True)
        store.optimize()
        store.flush()
        del store  # closes the database before it is renamed and opened read-only
        (building / STORE_STAMP).write_text(json.dumps(stamp, sort_keys=True) + "\n", encoding="utf-8")
        if directory.exists():
            stale = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{directory.name}.stale-", dir=directory.parent))
            directory.rename(stale / directory.name)
            shutil.rmtree(stale, ignore_errors=True)
        building.rename(directory)
    finally:
        shutil.rmtree(building, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _term_text(term: Any) -> str | None:
    if term is None:
        return None
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def _result_rows(results: Any) -> tuple[list[str], list[tuple[str | None, ...]]]:
    if isinstance(results, ox.QueryBoolean):
        return ["ask"], [("true" if bool(results) else "false",)]
    if isinstance(results, ox.QueryTriples):
        return (["subject", "predicate", "object"],
                [(_term_text(t.subject), _term_text(t.predicate), _term_text(t.object)) for t in results])
    variables = [v.value for v in results.variables]
    return variables, [tuple(_term_text(solution[v]) for v in variables) for solution in results]


def format_results(variables: list[str], rows: list[tuple[str | None, ...]], *,
                   format: ResultFormat = "table") -> str:
    """Query results as an aligned text table, CSV or JSON (a list of objects; null when unbound).

    >>> print(format_results(["model"], [("InvestLM",), (None,)]), end="")
    model
    --------
    InvestLM
    <BLANKLINE>
    (2 rows)
    """
    if format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(variables)
        writer.writerows(["" if value is None else value for value in row] for row in rows)
        return buffer.getvalue()
    if format == "json":
        return json.dumps([dict(zip(variables, row, strict=True)) for row in rows], ensure_ascii=False, indent=1) + "\n"
    if format != "table":
        raise KGError(f"unknown result format {format!r}; expected table, csv or json")
    return _table(variables, rows)


def _table(variables: list[str], rows: list[tuple[str | None, ...]]) -> str:
    cells = [[_cell(value) for value in row] for row in rows]
    widths = [max([len(name)] + [len(row[i]) for row in cells]) for i, name in enumerate(variables)]
    lines = ["  ".join(name.ljust(width) for name, width in zip(variables, widths, strict=True)).rstrip(),
             "  ".join("-" * width for width in widths)]
    lines += ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.append(f"({len(rows)} row{'' if len(rows) == 1 else 's'})")
    return "\n".join(lines) + "\n"


def _cell(value: str | None) -> str:
    return "" if value is None else value.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")
