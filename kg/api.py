"""A small Python API over kg's outputs, so that notebooks and scripts stay short.

Everything here reads the graph that ``kg build`` writes (or builds one in memory) and returns
NetworkX graphs, plain lists of dicts or pandas DataFrames. pandas is imported only when a
DataFrame is asked for, so the core package does not require it (``pip install 'kg[notebooks]'``).

>>> G = graph_from_texts(["We fine-tune LLaMA-7B on the Alpaca dataset."])
>>> sorted(G.nodes[n]["label"] for n in find_entities(G, "llama 7b"))
['LLaMA-7B']
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from .errors import InputError
from .graph import (
    ABSTRACT, ALIASES, CONFIDENCE, ENTITY_KIND, EVIDENCE, INTRODUCED_IN, KIND, LABEL, MENTIONED_IN,
    PAPERS, SUPPORT, TITLE, TYPE, entity_nodes, read_graph_json, relation_edges,
)
from .normalize import name_key
from .types import Document

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_GRAPH_JSON = "output/graph.json"
DEFAULT_GRAPH_RDF = "output/graph.ttl"

#: Columns of `evidence()`: one row per (fact, sentence that states it).
EVIDENCE_COLUMNS = ("head", "relation", "tail", "paper", "title", "sentence", "cue", "confidence",
                    "start", "end", "head_id", "tail_id")
#: Columns of `entity_table()`.
ENTITY_COLUMNS = ("id", "label", "type", "papers", "introduced_in", "relations", "aliases")
#: Columns of `relation_table()`.
RELATION_COLUMNS = ("head", "relation", "tail", "head_type", "tail_type", "support", "confidence",
                    "head_id", "tail_id")

TextInput = str | Mapping[str, Any] | Document

# A sentence ends at . ! or ? followed by white space and an upper-case letter, digit or quote;
# good enough to show which sentence of an abstract names an entity (not used for extraction).
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[])")


def load_graph(path: str | Path = DEFAULT_GRAPH_JSON) -> nx.MultiDiGraph:
    """Load the graph written by ``kg build`` (node-link JSON) as a NetworkX MultiDiGraph.

    Raises:
        InputError: if the file is missing (with a hint to run ``kg build``) or is not a kg graph.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(str(path), None, "no such file; run `kg build` first (it writes output/graph.json)")
    return read_graph_json(path)


def sparql(query_or_path: str | Path, graph: str | Path | nx.MultiDiGraph = DEFAULT_GRAPH_RDF, *,
           numeric: bool = True) -> pd.DataFrame:
    """Run a SPARQL query over the RDF export and return the solutions as a DataFrame.

    Args:
        query_or_path: the query text, or a ``.rq`` / ``.sparql`` file (a `Path`, or a one-word
            string ending in one of those suffixes).
        graph: an RDF file (``.ttl``, ``.nt``, ``.jsonld``) or a kg graph, exported on the fly.
        numeric: convert columns whose values all read as numbers (counts, confidences).

    Returns:
        One column per projected variable, one row per solution; IRIs and literals as text,
        unbound variables as None.

    Raises:
        InputError: if the query file or the RDF cannot be read, or the query is not valid SPARQL.
    """
    from .rdf import query_rdf

    query_name = "<query>"
    text = query_or_path
    if _is_query_file(query_or_path):
        query_name = str(query_or_path)
        try:
            text = Path(query_or_path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise InputError(query_name, None, f"cannot read query: {getattr(e, 'strerror', None) or e}") from e
    if isinstance(graph, (str, Path)) and not Path(graph).exists():
        raise InputError(str(graph), None, "no such file; run `kg build` first (it writes output/graph.ttl)")
    variables, rows = query_rdf(graph, str(text), query_name=query_name)
    frame = _frame([dict(zip(variables, row)) for row in rows], variables)
    return _numeric_columns(frame) if numeric else frame


def find_entities(G: nx.MultiDiGraph, name: str) -> list[str]:
    """Ids of the entities called `name`: by id, then by name or alias ignoring case, then by name key.

    The first of those three tests that matches anything decides, so an exact name wins over
    a looser spelling. The name key ignores case, spaces and hyphens ("llama 7b" finds LLaMA-7B).

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("model/llama-7b", kind="entity", label="LLaMA-7B", type="Model", aliases=["LLaMA 7B"])
    >>> find_entities(G, "llama 7b"), find_entities(G, "llama7b"), find_entities(G, "GPT-4")
    (['model/llama-7b'], ['model/llama-7b'], [])
    """
    ids = entity_nodes(G)
    if name in ids:
        return [name]
    folded, key = name.casefold(), name_key(name)
    exact = [n for n in ids if folded in {s.casefold() for s in _names(G, n)}]
    if exact or not key:
        return exact
    return [n for n in ids if key in {name_key(s) for s in _names(G, n)}]


def evidence(G: nx.MultiDiGraph, entity_or_name: str, *, relation: str | None = None,
             other: str | None = None, mentions: bool | None = None,
             as_frame: bool = True) -> pd.DataFrame | list[dict[str, Any]]:
    """The papers and sentences behind an entity or one of its relations.

    Args:
        entity_or_name: an entity id, name or alias (see `find_entities`); every matching entity counts.
        relation: keep only this relation (``"based_on"``, ``"variant_of"``, ...), in either direction.
        other: keep only relations with this entity (id, name or alias) on the other end.
        mentions: also give one row per paper that mentions the entity, with the first sentence
            that names it (found by plain string search); by default only when neither
            `relation` nor `other` is given.
        as_frame: a DataFrame (needs pandas) rather than a list of dicts.

    Returns:
        One row per piece of evidence, with the columns of `EVIDENCE_COLUMNS`. A relation that
        carries no stated evidence (a size variant found from its name) gives one row with
        ``paper`` and ``sentence`` None.

    Raises:
        LookupError: if no entity has that id, name or alias.
    """
    ids = _require_entities(G, entity_or_name)
    others = set(_require_entities(G, other)) if other is not None else None
    if mentions is None:
        mentions = relation is None and other is None
    rows: list[dict[str, Any]] = []
    for u, v, key, data in relation_edges(G):
        if (u not in ids and v not in ids) or (relation is not None and key != relation):
            continue
        if others is not None and not ((u in ids and v in others) or (v in ids and u in others)):
            continue
        base = {"head": _label(G, u), "relation": key, "tail": _label(G, v), "head_id": u, "tail_id": v}
        for item in data.get(EVIDENCE) or [None]:
            item = item or {}
            paper = item.get("paper")
            rows.append({**base, "paper": paper, "title": _title(G, paper), "sentence": item.get("sentence"),
                         "cue": item.get("cue"), "confidence": item.get("confidence", data.get(CONFIDENCE)),
                         "start": item.get("start"), "end": item.get("end")})
    if mentions:
        for entity in ids:
            rows.extend(_mention_rows(G, entity))
    return _frame(rows, EVIDENCE_COLUMNS) if as_frame else [{c: row.get(c) for c in EVIDENCE_COLUMNS} for row in rows]


def entity_table(G: nx.MultiDiGraph, *, as_frame: bool = True) -> pd.DataFrame | list[dict[str, Any]]:
    """One row per entity: label, type, number of papers mentioning it and of its typed relations.

    Sorted by papers (most mentioned first), then label.
    """
    degree: dict[str, int] = {}
    for u, v, _, _ in relation_edges(G):
        degree[u] = degree.get(u, 0) + 1
        degree[v] = degree.get(v, 0) + 1
    rows = [{"id": n, "label": _label(G, n), "type": G.nodes[n].get(TYPE),
             "papers": len(G.nodes[n].get(PAPERS) or ()),
             "introduced_in": len(G.nodes[n].get(INTRODUCED_IN) or ()),
             "relations": degree.get(n, 0), "aliases": "; ".join(G.nodes[n].get(ALIASES) or ())}
            for n in entity_nodes(G)]
    rows.sort(key=lambda row: (-row["papers"], row["label"].casefold(), row["id"]))
    return _frame(rows, ENTITY_COLUMNS) if as_frame else rows


def relation_table(G: nx.MultiDiGraph, *, as_frame: bool = True) -> pd.DataFrame | list[dict[str, Any]]:
    """One row per typed entity-to-entity edge (``variant_of`` included), with support and confidence."""
    rows = [{"head": _label(G, u), "relation": key, "tail": _label(G, v),
             "head_type": G.nodes[u].get(TYPE), "tail_type": G.nodes[v].get(TYPE),
             "support": data.get(SUPPORT), "confidence": data.get(CONFIDENCE), "head_id": u, "tail_id": v}
            for u, v, key, data in relation_edges(G)]
    return _frame(rows, RELATION_COLUMNS) if as_frame else rows


def graph_from_texts(texts: Iterable[TextInput], *, nlp=None) -> nx.MultiDiGraph:
    """Build the graph of abstracts held in memory, without the CLI or any file.

    Args:
        texts: abstracts as strings (ids ``text-1``, ``text-2``, ...), dicts with ``text`` (or
            ``abstract``) and optional ``id`` and ``title`` (the JSON Lines record shape), or
            `Document` objects; they may be mixed.
        nlp: a pipeline from ``kg.extract.build_nlp()`` to reuse across calls.

    Raises:
        InputError: naming ``<texts>`` and the 1-based position of the first bad item.
    """
    from .build import graph_from_documents
    from .ingest import merge_duplicates, record_to_document

    documents = []
    for position, item in enumerate(texts, start=1):
        if isinstance(item, Document):
            documents.append(item)
            continue
        if isinstance(item, str):
            item = {"id": f"text-{position}", "text": item}
        elif isinstance(item, Mapping):
            item = {"id": f"text-{position}", **item}
        documents.append(record_to_document(item, "<texts>", position))
    documents, merged = merge_duplicates(documents)
    return graph_from_documents(documents, inputs=["<texts>"], duplicates_merged=merged, nlp=nlp)


def graph_from_files(paths: Iterable[str | Path], *, nlp=None) -> nx.MultiDiGraph:
    """Build the graph of input files or folders (``seeds/``, ``*.jsonl``) in memory, writing nothing.

    The same graph as ``kg build`` writes to graph.json, for a notebook with no ``output/``.
    """
    from .build import graph_from_documents
    from .ingest import read_documents

    paths = [str(p) for p in paths]
    documents, merged = read_documents(paths)
    return graph_from_documents(documents, inputs=paths, duplicates_merged=merged, nlp=nlp)


# --- helpers ----------------------------------------------------------------------------------

def _is_query_file(query_or_path: str | Path) -> bool:
    if isinstance(query_or_path, Path):
        return True
    text = query_or_path.strip()
    return len(text.split()) == 1 and text.lower().endswith((".rq", ".sparql"))


def _names(G: nx.MultiDiGraph, node: str) -> list[str]:
    data = G.nodes[node]
    return [data.get(LABEL) or node, *(data.get(ALIASES) or ())]


def _label(G: nx.MultiDiGraph, node: str) -> str:
    return G.nodes[node].get(LABEL) or node


def _title(G: nx.MultiDiGraph, paper: str | None) -> str | None:
    if paper is None or paper not in G:
        return None
    return G.nodes[paper].get(TITLE)


def _require_entities(G: nx.MultiDiGraph, name: str) -> list[str]:
    ids = find_entities(G, name)
    if not ids:
        raise LookupError(f"no entity with id, name or alias {name!r} in the graph")
    return ids


def _mention_rows(G: nx.MultiDiGraph, entity: str) -> list[dict[str, Any]]:
    names = sorted({s for s in _names(G, entity) if s}, key=len, reverse=True)
    rows = []
    for _, paper, key in sorted(G.out_edges(entity, keys=True)):
        if key != MENTIONED_IN:
            continue
        found = _sentence_naming(G.nodes[paper].get(ABSTRACT) or "", names)
        rows.append({"head": _label(G, entity), "relation": MENTIONED_IN, "tail": paper, "paper": paper,
                     "title": _title(G, paper), "sentence": found[0] if found else None, "cue": "mention",
                     "confidence": None, "start": found[1] if found else None,
                     "end": found[2] if found else None, "head_id": entity, "tail_id": paper})
    return rows


def _sentence_naming(text: str, names: list[str]) -> tuple[str, int, int] | None:
    """The first sentence of `text` containing one of `names` (ignoring case), with its offsets.

    >>> _sentence_naming("We study LoRA. It adapts LLaMA-7B well.", ["llama-7b"])
    ('It adapts LLaMA-7B well.', 15, 39)
    """
    folded = [n.casefold() for n in names]
    start = 0
    for part in _SENTENCE_END.split(text):
        begin = text.index(part, start)
        start = begin + len(part)
        if any(n in part.casefold() for n in folded):
            return part, begin, start
    return None


def _frame(rows: list[dict[str, Any]], columns: Iterable[str]) -> pd.DataFrame:
    try:
        import pandas as pd
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("DataFrames need pandas: pip install 'kg[notebooks]' (or pass as_frame=False)") from e
    return pd.DataFrame(rows, columns=list(columns))


def _numeric_columns(frame: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    for column in frame.columns:
        values = frame[column].dropna()
        if len(values) and all(_reads_as_number(v) for v in values):
            frame[column] = pd.to_numeric(frame[column])
    return frame


def _reads_as_number(value: Any) -> bool:
    """True for text such as "3", "-0.25" or "1e3"; False for "NaN", "inf" and IRIs.

    >>> [_reads_as_number(v) for v in ("3", "-0.25", "1e3", "nan", "http://x/1")]
    [True, True, True, False, False]
    """
    return isinstance(value, str) and re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", value) is not None
