"""The NetworkX graph: the single source that every export reads.

Nodes
    entity  id "<type>/<slug>" (e.g. "model/llama-65b"); attributes KIND="entity", LABEL, TYPE,
            ALIASES (sorted list), PAPERS (sorted paper node ids), INTRODUCED_IN (sorted paper node ids),
            IMPLIED (True for a model family no paper names, added so that its variants link to it)
    paper   id "paper/<document id>"; attributes KIND="paper", LABEL, TITLE (or None), ABSTRACT,
            DOC_ID, SOURCES (list of "path:line")
Edges (MultiDiGraph; the edge key is the relation name)
    entity -> paper   key "mentioned_in"; and "introduced_in" when the paper presents the entity
    entity -> entity  key one of types.RELATION_TYPES, with EVIDENCE (list of evidence dicts:
                      paper, sentence, start, end, cue, confidence; sorted), SUPPORT (number of
                      distinct papers), CONFIDENCE (highest of its evidence)
    entity -> entity  key "variant_of": a size variant to its family (LLaMA-65B -> LLaMA)
Graph attributes: "name", "kg_version", "inputs", "merge_log" (list of dicts: surface, entity,
reason, paper), "duplicates_merged".
"""
from __future__ import annotations

import gc
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import IO, Any

import networkx as nx

from .errors import InputError
from .io import atomic_write
from .types import Corpus, Entity, Evidence

# Attribute names: the only place they are spelled.
KIND = "kind"
LABEL = "label"
TYPE = "type"
ALIASES = "aliases"
PAPERS = "papers"
INTRODUCED_IN = "introduced_in"
IMPLIED = "implied"
TITLE = "title"
ABSTRACT = "abstract"
DOC_ID = "doc_id"
SOURCES = "sources"
RELATION = "relation"
EVIDENCE = "evidence"
SUPPORT = "support"
CONFIDENCE = "confidence"

# Graph-level attributes.
KG_VERSION = "kg_version"
INPUTS = "inputs"
MERGE_LOG = "merge_log"
DUPLICATES_MERGED = "duplicates_merged"

ENTITY_KIND = "entity"
PAPER_KIND = "paper"
MENTIONED_IN = "mentioned_in"
INTRODUCED = "introduced_in"
VARIANT_OF = "variant_of"


def paper_node_id(doc_id: str) -> str:
    """Node id of a paper.

    >>> paper_node_id("seed-001-03")
    'paper/seed-001-03'
    """
    return f"paper/{doc_id}"


def build_graph(corpus: Corpus, *, kg_version: str = "") -> nx.MultiDiGraph:
    """Build the graph of a linked corpus: entities, papers, mentions and typed relations."""
    # One paper id string per document, shared by its node, edges, evidence and merge records.
    paper_ids: dict[str, str] = {}

    def paper_of(doc_id: str) -> str:
        paper = paper_ids.get(doc_id)
        if paper is None:
            paper = paper_ids[doc_id] = paper_node_id(doc_id)
        return paper

    merge_log = [{"surface": r.surface, "entity": r.entity_id, "reason": r.reason, "paper": paper_of(r.doc_id)}
                 for r in corpus.merge_log]
    G = nx.MultiDiGraph(name="kg", **{KG_VERSION: kg_version, INPUTS: list(corpus.inputs),
                                      DUPLICATES_MERGED: corpus.duplicates_merged, MERGE_LOG: merge_log})
    entities: dict[str, Entity] = {}
    aliases: dict[str, set[str]] = {}
    papers: dict[str, set[str]] = {}
    introduced: dict[str, set[str]] = {}
    variants: dict[str, str] = {}
    evidence: dict[tuple[str, str, str], set[tuple]] = {}
    for result in corpus.results:
        doc = result.document
        paper = paper_of(doc.id)
        G.add_node(paper, **{KIND: PAPER_KIND, LABEL: doc.title or doc.id, TITLE: doc.title,
                             ABSTRACT: doc.text, DOC_ID: doc.id, SOURCES: list(doc.sources)})
        for entity in result.entities:
            if entity.id not in entities:
                entities[entity.id] = entity
                aliases[entity.id] = set()
                papers[entity.id] = set()
            aliases[entity.id].update(entity.aliases)
            if not entity.implied:
                papers[entity.id].add(paper)
            if entity.introduced:
                introduced.setdefault(entity.id, set()).add(paper)
            if entity.variant_of:
                variants[entity.id] = entity.variant_of
        for relation in result.relations:
            evidence.setdefault((relation.head, relation.tail, relation.type), set()).add(
                _evidence_record(relation.evidence, paper_of(relation.evidence.doc_id)))
    for entity_id in sorted(entities):
        entity = entities[entity_id]
        entity_papers = sorted(papers[entity_id])
        entity_introduced = sorted(introduced.get(entity_id, ()))
        G.add_node(entity_id, **{
            KIND: ENTITY_KIND, LABEL: entity.name, TYPE: entity.type,
            ALIASES: sorted(aliases[entity_id] - {entity.name}),
            PAPERS: entity_papers, INTRODUCED_IN: entity_introduced, IMPLIED: not entity_papers})
        for paper in entity_papers:
            _add_edge(G, entity_id, paper, MENTIONED_IN, {RELATION: MENTIONED_IN})
        for paper in entity_introduced:
            _add_edge(G, entity_id, paper, INTRODUCED, {RELATION: INTRODUCED})
    for variant, family in sorted(variants.items()):
        if family in G and variant in G:
            _add_edge(G, variant, family, VARIANT_OF, {RELATION: VARIANT_OF})
    for (head, tail, relation), records in sorted(evidence.items()):
        records = sorted(records)
        _add_edge(G, head, tail, relation, {
            RELATION: relation,
            EVIDENCE: [dict(zip(EVIDENCE_FIELDS, r)) for r in records],
            SUPPORT: len({r[0] for r in records}),
            CONFIDENCE: max(r[5] for r in records)})
    nx._clear_cache(G)  # what add_edge does after each edge (a no-op on a graph nothing has read yet)
    return G


def _add_edge(G: nx.MultiDiGraph, u: str, v: str, key: str, data: dict[str, Any]) -> None:
    """``G.add_edge(u, v, key=key, **data)``, the same edge in the same order of G's adjacency,
    without add_edge's per-call checks and cache clearing: a build adds up to a million edges,
    and add_edge took a third of the time of build_graph. `data` becomes the edge's attribute dict.
    """
    if u not in G._succ:
        G.add_node(u)
    if v not in G._succ:
        G.add_node(v)
    # MultiDiGraph keeps one dict of keyed edges per node pair, shared by G._succ and G._pred.
    keyed = G._succ[u].get(v)
    if keyed is None:
        keyed = G._succ[u][v] = G._pred[v][u] = {}
    found = keyed.get(key)
    if found is None:
        keyed[key] = data
    else:
        found.update(data)


#: The keys of one evidence record on a relation edge, in order.
EVIDENCE_FIELDS = ("paper", "sentence", "start", "end", "cue", "confidence")


def _evidence_record(evidence: Evidence, paper: str) -> tuple:
    return (paper, evidence.sentence, evidence.start, evidence.end,
            evidence.cue, round(evidence.confidence, 3))


def entity_nodes(G: nx.MultiDiGraph) -> list[str]:
    """Entity node ids, sorted."""
    return sorted(n for n, data in G.nodes(data=True) if data.get(KIND) == ENTITY_KIND)


def paper_nodes(G: nx.MultiDiGraph) -> list[str]:
    """Paper node ids, sorted."""
    return sorted(n for n, data in G.nodes(data=True) if data.get(KIND) == PAPER_KIND)


def relation_edges(G: nx.MultiDiGraph) -> Iterable[tuple[str, str, str, dict[str, Any]]]:
    """Typed entity-to-entity edges (not mentions, introductions or variants), sorted."""
    skip = {MENTIONED_IN, INTRODUCED}
    return sorted(((u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True) if k not in skip),
                  key=lambda e: (e[0], e[1], e[2]))


def to_node_link(G: nx.MultiDiGraph) -> dict[str, Any]:
    """Node-link data with the key "edges" whatever the NetworkX version (>= 3.4 default)."""
    return nx.node_link_data(G, edges="edges")


def from_node_link(data: dict[str, Any]) -> nx.MultiDiGraph:
    """Inverse of to_node_link; also reads files written with the older key "links"."""
    key = "edges" if "edges" in data else "links"
    return nx.node_link_graph(data, directed=True, multigraph=True, edges=key)


def write_graph_json(G: nx.MultiDiGraph, path: str | Path) -> None:
    """Write node-link JSON atomically, one node or edge per line (sorted keys: same graph, same bytes).

    The content is to_node_link(G). Each node and edge is encoded on its own by json's C encoder;
    ``json.dump(..., indent=1)`` falls back to the pure-Python encoder, which took 4.5 s of a
    40,000-abstract build for this file alone. A line per record also keeps the file easy to grep
    and to diff. The records are made and written a batch at a time: the whole node-link data
    and its text (275 MB at 40,000 abstracts) were held at once before.
    """
    sections: dict[str, Any] = {
        "directed": G.is_directed(), "multigraph": G.is_multigraph(), "graph": G.graph,
        "nodes": (_dumps({**data, "id": n}) for n, data in G.nodes(data=True)),
        "edges": _edge_lines(G),
    }
    with atomic_write(path) as fh:
        fh.write("{\n")
        for index, name in enumerate(sorted(sections)):
            value = sections[name]
            fh.write(f"{_dumps(name)}: ")
            if isinstance(value, Iterator):
                _write_lines(fh, value)
            else:
                fh.write(_dumps(value))
            fh.write(",\n" if index < len(sections) - 1 else "\n")
        fh.write("}\n")


def _edge_lines(G: nx.MultiDiGraph) -> Iterator[str]:
    """The JSON text of each edge's node-link record, in the order of G.edges(keys=True, data=True).

    Most edges (mentions, introductions, variants) hold nothing but their relation, which is also
    their key: their text is filled into a template with the JSON strings of their ends, cached
    (a node id recurs on many edges). Three times faster than the encoder for the same text; every
    other edge goes through the encoder.
    """
    strings: dict[str, str] = {}  # str -> its JSON string

    def text(value: str) -> str:
        found = strings.get(value)
        if found is None:
            found = strings[value] = _json_string(value)
        return found

    # G._succ is G.adjacency() (node -> successor -> key -> data) without its views
    for u, neighbours in G._succ.items():
        for v, keyed in neighbours.items():
            for key, data in keyed.items():
                if (len(data) == 1 and data.get(RELATION) == key
                        and type(u) is str and type(v) is str and type(key) is str):
                    yield f'{{"key": {text(key)}, "relation": {text(key)}, "source": {text(u)}, "target": {text(v)}}}'
                else:
                    yield _dumps({**data, "source": u, "target": v, "key": key})


def _write_lines(fh: IO[str], lines: Iterator[str], *, batch: int = 4096) -> None:
    """A JSON list with one record's text per line ("[]" when empty), written `batch` at a time."""
    first = next(lines, None)
    if first is None:
        fh.write("[]")
        return
    fh.write("[\n" + first)
    while encoded := list(islice(lines, batch)):
        fh.write(",\n")
        fh.write(",\n".join(encoded))
    fh.write("\n]")


# One encoder (dumps() makes one per call); kg's data has no cycles to check for.
_dumps = json.JSONEncoder(ensure_ascii=False, sort_keys=True, check_circular=False).encode
#: A str as JSON, exactly as _dumps writes it (the function its encoder uses with ensure_ascii=False).
_json_string = json.encoder.encode_basestring


def read_graph_json(path: str | Path) -> nx.MultiDiGraph:
    """Read a graph written by write_graph_json (what notebooks load)."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except OSError as e:
        raise InputError(str(path), None, f"cannot read: {e.strerror or e}") from e
    except json.JSONDecodeError as e:
        raise InputError(str(path), e.lineno, f"not a kg graph file ({e.msg})") from e
    return from_node_link(data)


@contextmanager
def cyclic_gc_paused(paused: bool = True) -> Iterator[None]:
    """Pause Python's cyclic garbage collector (reference counting still frees everything).

    The stages after extraction create millions of long-lived dicts, tuples and records, and the
    collector scans all of them again each time their number grows by a quarter: that was half
    the CPU time of building the graph (5.0 of 11.4 s at 40,000 abstracts) and found nothing,
    since kg's plain data forms no reference cycles.
    """
    if not paused or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
