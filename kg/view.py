"""The interactive HTML view: one self-contained page (graph.html) that opens anywhere, offline.

The page is kg's own template (kg/data/view/) with everything inline: vis-network's standalone
build (read from the installed pyvis package, the one place pyvis is touched), the styles, the
script and the graph itself as JSON. pyvis' own template is not used: it loads vis-network and
Bootstrap from CDNs and puts unescaped titles into innerHTML. Here the graph is JSON inside a
``<script type="application/json">`` with every ``<``, ``>`` and ``&`` escaped, and the page builds
its DOM with textContent, so markup in an abstract shows as text and runs nothing.

Up to ``BROWSER_LAYOUT_MAX_NODES`` (300) nodes the browser lays the graph out (vis-network physics, fixed
seed, then physics off). Above it the layout is computed here (``layout_positions``: a
force-directed layout per connected component, components packed in rows) and physics stays off:
a 5,000-node page then opens in seconds (benchmarks/view_load.py). pyvis' ``Network.from_nx``
needed 58 s for 20,000 nodes, so the vis data is built directly.
"""
from __future__ import annotations

import importlib.resources
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import networkx as nx
import numpy as np

from . import graph as kg_graph
from .errors import ExportError
from .io import atomic_write

#: vis-network build shipped inside pyvis 0.3.2 (templates/lib); Apache-2.0 / MIT.
VIS_NETWORK_DIR = "templates/lib/vis-9.1.2"
#: Up to this many nodes the browser computes the layout (physics); above it Python does.
#: Measured (benchmarks/view_load.py): physics needs 1.7 s to a stable frame at 300 nodes, 5 s at
#: 500 and 10.6 s at 1,000, while a layout from Python draws 1,000 nodes in 0.5 s.
BROWSER_LAYOUT_MAX_NODES = 300
#: Distance (in vis canvas units) between linked nodes in a layout computed here.
EDGE_LENGTH = 70.0

#: entity type -> (vis shape, colour). Okabe-Ito colours, readable with colour-blindness;
#: each type also has its own shape, so the legend does not rely on colour alone.
TYPE_STYLES: Mapping[str, tuple[str, str]] = MappingProxyType({
    "Model": ("dot", "#0072B2"),
    "Dataset": ("square", "#E69F00"),
    "Method": ("diamond", "#009E73"),
    "Task": ("triangle", "#CC79A7"),
    "Metric": ("star", "#D55E00"),
})
PAPER_STYLE: tuple[str, str] = ("hexagon", "#8C8C8C")
OTHER_STYLE: tuple[str, str] = ("triangleDown", "#666666")
#: edge key -> colour; keys not listed get the last one.
RELATION_COLORS: Mapping[str, str] = MappingProxyType({
    "based_on": "#0072B2",
    "trained_on": "#E69F00",
    "evaluated_on": "#009E73",
    "outperforms": "#D55E00",
    "compared_with": "#CC79A7",
    "applied_to": "#9C8A00",
    "uses": "#56B4E9",
    kg_graph.VARIANT_OF: "#444444",
    kg_graph.MENTIONED_IN: "#C8C8C8",
    kg_graph.INTRODUCED: "#8C8C8C",
    "": "#777777",
})

#: Graph attributes left out of the page: the merge log can be as long as the corpus.
_PAGE_SKIPS_GRAPH_ATTRS = frozenset({"merge_log"})
_PLACEHOLDER = re.compile(r"/\*KG:([A-Z_]+)\*/")
# Inside <script> only "</script", "<!--" and "<script" are dangerous; escaping every <, > and &
# as a JSON \u escape covers them and keeps the text valid JSON.
_SCRIPT_UNSAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def to_html(G: nx.MultiDiGraph, *, max_nodes: int = 20000, title: str = "kg") -> str:
    """Render the graph as one self-contained HTML page (no network access needed to open it).

    Args:
        G: a graph from kg.graph.build_graph (or read_graph_json).
        max_nodes: most nodes put in the page. Above it the page holds the entities with most
            papers and the papers that mention them (see select_nodes), and says how many
            were left out.
        title: page title, shown in the header.

    Same graph and options give the same string.

    Raises:
        ValueError: max_nodes is below 1.
        ExportError: the installed pyvis does not ship the vis-network files.
    """
    return "".join(_page_parts(G, max_nodes=max_nodes, title=title))


def write_html(G: nx.MultiDiGraph, path: str | Path, *, max_nodes: int = 20000, title: str = "kg") -> None:
    """Write to_html(G) to `path` atomically: on failure an earlier file stays byte-identical."""
    parts = _page_parts(G, max_nodes=max_nodes, title=title)
    with atomic_write(path) as fh:
        for part in parts:  # not joined first: the page is 90 MB at 40,000 abstracts
            fh.write(part)


def _page_parts(G: nx.MultiDiGraph, *, max_nodes: int, title: str) -> Iterator[str]:
    """The page as consecutive pieces: the template's text with each placeholder's value, the
    graph's JSON in many pieces (see _script_json_parts)."""
    if max_nodes < 1:
        raise ValueError(f"max_nodes = {max_nodes!r} is invalid; must be at least 1")
    data = page_data(G, max_nodes=max_nodes, title=title)
    values = {
        "TITLE": [_escape_html(title)],
        "VIS_JS": [_vis_asset("vis-network.min.js")],
        "CSS": [_asset("view.css")],
        "JS": [_asset("view.js")],
        "DATA": _script_json_parts(data),
    }
    del data
    # split() with the group gives [text, name, text, name, ..., text].
    pieces = _PLACEHOLDER.split(_asset("template.html"))
    return (part for index, piece in enumerate(pieces) for part in (values[piece] if index % 2 else [piece]))


def page_data(G: nx.MultiDiGraph, *, max_nodes: int = 20000, title: str = "kg") -> dict[str, Any]:
    """The JSON the page reads: graph attributes, node and edge attributes verbatim, positions, styles.

    Nodes and edges keep their graph.json attributes so the page can export the visible part in
    the same node-link shape (kg.graph.read_graph_json reads it back).
    """
    nodes, omitted = select_nodes(G, max_nodes=max_nodes)
    kept = set(nodes)
    # The kept edges in the graph's order (the layout's input), then sorted for the page, and the
    # number of edges, in one pass over G.adjacency() (the order of G.edges(keys=True, data=True)):
    # NetworkX's edge and subgraph views, and number_of_edges(), each walk the graph in Python.
    kept_edges = []
    edge_count = 0
    for u, neighbours in G.adjacency():
        for v, keyed in neighbours.items():
            edge_count += len(keyed)
            if u in kept and v in kept:
                kept_edges.extend((u, v, key, data) for key, data in keyed.items())
    edges = sorted(kept_edges, key=lambda e: (e[0], e[1], str(e[2])))
    positions = _layout(nodes, [(u, v) for u, v, _, _ in kept_edges]) if len(nodes) > BROWSER_LAYOUT_MAX_NODES else {}
    del kept_edges
    node_records = []
    for n in nodes:
        record: dict[str, Any] = {"id": n, "attrs": dict(G.nodes[n])}
        if n in positions:
            record["x"], record["y"] = positions[n]
        node_records.append(record)
    kinds = Counter(data.get(kg_graph.KIND) for data in G._node.values())  # G._node: node -> attributes
    return {
        "title": title,
        "graph": {k: G.graph[k] for k in sorted(G.graph) if k not in _PAGE_SKIPS_GRAPH_ATTRS},
        "schema": _schema(),
        "styles": {
            "types": {t: {"shape": s, "color": c} for t, (s, c) in TYPE_STYLES.items()},
            "paper": {"shape": PAPER_STYLE[0], "color": PAPER_STYLE[1]},
            "other": {"shape": OTHER_STYLE[0], "color": OTHER_STYLE[1]},
            "relations": dict(RELATION_COLORS),
            # JSON objects are written with sorted keys; these lists keep the legend's order.
            "type_order": list(TYPE_STYLES),
            "relation_order": list(RELATION_COLORS),
        },
        "counts": {"nodes": G.number_of_nodes(), "entities": kinds[kg_graph.ENTITY_KIND],
                   "papers": kinds[kg_graph.PAPER_KIND], "edges": edge_count},
        "omitted": omitted,
        "layout": "python" if positions else "browser",
        "nodes": node_records,
        "edges": [{"source": u, "target": v, "key": k, "attrs": d} for u, v, k, d in edges],
    }


def select_nodes(G: nx.MultiDiGraph, *, max_nodes: int) -> tuple[list[str], dict[str, int]]:
    """The nodes the page holds, sorted, and how many entities and papers were left out.

    Up to `max_nodes` every node is kept. Above it the page keeps the graph's mix of entities and
    papers: the entities with most papers (ties: id) take the entities' share of `max_nodes`, the
    papers mentioning most of them fill the rest, and any room still left goes to more entities.
    Keeping papers keeps the picture connected; entities alone would float apart.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("model/a", kind="entity", papers=["paper/1", "paper/2"])
    >>> G.add_node("model/b", kind="entity", papers=["paper/1"])
    >>> G.add_node("paper/1", kind="paper"); G.add_node("paper/2", kind="paper")
    >>> select_nodes(G, max_nodes=2)
    (['model/a', 'paper/1'], {'entities': 1, 'papers': 1})
    """
    if G.number_of_nodes() <= max_nodes:
        return sorted(G.nodes), {"entities": 0, "papers": 0}
    entities = kg_graph.entity_nodes(G)
    papers = kg_graph.paper_nodes(G)
    others = sorted(set(G.nodes) - set(entities) - set(papers))
    ranked = sorted(entities, key=lambda n: (-len(G.nodes[n].get(kg_graph.PAPERS) or ()), n))
    share = max(max_nodes * len(entities) // max(len(entities) + len(papers), 1), min(len(entities), 1))
    kept = ranked[:share]
    mentions: dict[str, int] = {}
    for n in kept:
        for paper in G.nodes[n].get(kg_graph.PAPERS) or ():
            if paper in G:
                mentions[paper] = mentions.get(paper, 0) + 1
    kept_papers = sorted(mentions, key=lambda p: (-mentions[p], p))[:max_nodes - len(kept)]
    room = max_nodes - len(kept) - len(kept_papers)
    kept += ranked[share:share + room]
    room = max_nodes - len(kept) - len(kept_papers)
    kept_others = others[:max(room, 0)]
    return (sorted([*kept, *kept_papers, *kept_others]),
            {"entities": len(entities) - len(kept) + len(others) - len(kept_others),
             "papers": len(papers) - len(kept_papers)})


def layout_positions(G: nx.Graph, *, seed: int = 7, iterations: int = 60) -> dict[str, tuple[float, float]]:
    """Node positions for a large graph, in vis canvas units: a force layout per connected
    component, the components packed in rows, largest first.

    Force-directed (Fruchterman-Reingold) within a component, with exact repulsion up to 400
    nodes and repulsion from a random sample of 32 nodes above that, so one iteration costs
    O(n + edges) rather than O(n^2): 20,000 nodes lay out in a few seconds, where
    networkx.spring_layout needs minutes. Deterministic for a given seed.

    >>> G = nx.path_graph(["a", "b", "c"])
    >>> sorted(layout_positions(G))
    ['a', 'b', 'c']
    """
    return _layout(G.nodes, G.edges(), seed=seed, iterations=iterations)


def _layout(nodes: Iterable[str], edges: Iterable[tuple[str, str]], *, seed: int = 7, iterations: int = 60
            ) -> dict[str, tuple[float, float]]:
    """layout_positions of the graph of `nodes` and `edges` (directed, in the graph's order)."""
    rng = np.random.default_rng(seed)
    undirected = nx.Graph()
    undirected.add_nodes_from(sorted(nodes))
    undirected.add_edges_from((u, v) for u, v in edges if u != v)
    components = sorted((sorted(c) for c in nx.connected_components(undirected)), key=lambda c: (-len(c), c[0]))
    placed: list[tuple[list[str], np.ndarray, float]] = []
    for component in components:
        index = {n: i for i, n in enumerate(component)}
        # A component holds every neighbour of its nodes, so these are its edges, in node order.
        pairs = np.array([(index[u], index[v]) for u, v in undirected.edges(component)],
                         dtype=np.int64).reshape(-1, 2)
        pos = _force_layout(len(component), pairs, rng, iterations) * EDGE_LENGTH
        pos -= pos.mean(axis=0)
        radius = float(np.sqrt((pos ** 2).sum(axis=1)).max()) + EDGE_LENGTH / 2
        placed.append((component, pos, radius))
    return _pack(placed)


def _force_layout(n: int, pairs: np.ndarray, rng: np.random.Generator, iterations: int) -> np.ndarray:
    """Fruchterman-Reingold positions of one connected component, ideal edge length 1."""
    if n == 1:
        return np.zeros((1, 2))
    if n == 2:
        return np.array([[-0.5, 0.0], [0.5, 0.0]])
    pos = rng.random((n, 2)) * math.sqrt(n)
    temperature = math.sqrt(n) / 5
    cooling = temperature / (iterations + 1)
    exact = n <= 400
    samples = 32
    arange = np.arange(n)
    heads, tails = pairs[:, 0].copy(), pairs[:, 1].copy()
    for _ in range(iterations):
        if exact:
            delta = pos[:, None, :] - pos[None, :, :]
            dist2 = np.maximum(_squared_length(delta), 1e-4)
            np.fill_diagonal(dist2, np.inf)
            disp = (delta / dist2[:, :, None]).sum(axis=1)
        else:
            others = rng.integers(0, n, size=(n, samples))
            disp = _sampled_repulsion(pos, others, arange) * ((n - 1) / samples)
        if len(pairs):
            delta = pos.take(heads, axis=0) - pos.take(tails, axis=0)
            pull = delta * np.sqrt(_squared_length(delta))[:, None]
            # np.add.at(disp, heads, -pull) column by column: the same additions in the same order,
            # but on 1-D arrays, which NumPy runs several times faster (1.55 -> 1.15 s at 20,000 nodes)
            for axis in (0, 1):
                column = disp[:, axis]  # a view: add.at writes into disp
                np.add.at(column, heads, -pull[:, axis])
                np.add.at(column, tails, pull[:, axis])
        length = np.maximum(np.sqrt(_squared_length(disp)), 1e-9)
        pos += disp * (np.minimum(length, temperature) / length)[:, None]
        temperature -= cooling
    return pos


def _sampled_repulsion(pos: np.ndarray, others: np.ndarray, arange: np.ndarray) -> np.ndarray:
    """Sum over each node i's samples j = others[i] of (pos[i] - pos[j]) / max(|pos[i] - pos[j]|², 1e-4),
    leaving out j = i.

    The same floats as ``(delta / dist2[:, :, None]).sum(axis=1)`` on the (n, samples, 2) array of
    differences, which NumPy sums sample after sample, but 2.5x faster: x and y are kept in
    separate contiguous arrays, and the samples are added in that same order by hand (NumPy's own
    sum of a contiguous row would add them pairwise, which rounds differently).
    """
    x, y = pos[:, 0].copy(), pos[:, 1].copy()
    dx = x[:, None] - x.take(others)
    dy = y[:, None] - y.take(others)
    dist2 = np.maximum(dx * dx + dy * dy, 1e-4)  # x * x is x ** 2, exactly
    dist2[others == arange[:, None]] = np.inf
    dx /= dist2
    dy /= dist2
    total = np.empty((len(pos), 2))
    total_x, total_y = total[:, 0], total[:, 1]  # views: adding to them fills `total`
    total_x[:] = dx[:, 0]
    total_y[:] = dy[:, 0]
    for k in range(1, others.shape[1]):
        total_x += dx[:, k]
        total_y += dy[:, k]
    return total


def _squared_length(vectors: np.ndarray) -> np.ndarray:
    """x² + y² of an array of 2-D vectors (last axis), the same floats as (vectors ** 2).sum(axis=-1)
    but without a reduction over an axis of length 2, which NumPy runs several times slower.

    >>> _squared_length(np.array([[3.0, 4.0]]))
    array([25.])
    """
    return vectors[..., 0] ** 2 + vectors[..., 1] ** 2


def _pack(placed: list[tuple[list[str], np.ndarray, float]]) -> dict[str, tuple[float, float]]:
    """Place components (largest first) left to right in rows of roughly square total extent."""
    width = math.sqrt(sum((2 * r) ** 2 for _, _, r in placed)) * 1.2
    positions: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for component, pos, radius in placed:
        if x > 0 and x + 2 * radius > width:
            x, y, row_height = 0.0, y + row_height, 0.0
        center = np.array([x + radius, y + radius])
        for n, (px, py) in zip(component, pos + center):
            positions[n] = (round(float(px), 1), round(float(py), 1))
        x += 2 * radius
        row_height = max(row_height, 2 * radius)
    return positions


def _schema() -> dict[str, str]:
    """Attribute names and fixed values from kg.graph, so the page spells none of them itself."""
    g = kg_graph
    return {"kind": g.KIND, "label": g.LABEL, "type": g.TYPE, "aliases": g.ALIASES, "papers": g.PAPERS,
            "introduced_in": g.INTRODUCED_IN, "title": g.TITLE, "abstract": g.ABSTRACT, "doc_id": g.DOC_ID,
            "sources": g.SOURCES, "relation": g.RELATION, "evidence": g.EVIDENCE, "support": g.SUPPORT,
            "confidence": g.CONFIDENCE, "entity_kind": g.ENTITY_KIND, "paper_kind": g.PAPER_KIND,
            "mentioned_in": g.MENTIONED_IN, "introduced": g.INTRODUCED, "variant_of": g.VARIANT_OF}


def _script_json(value: Any) -> str:
    """JSON safe to place inside a <script> element: no '<', '>' or '&' survives unescaped.

    >>> _script_json({"t": "</script><img src=x onerror=alert(1)>"})
    '{"t":"\\\\u003c/script\\\\u003e\\\\u003cimg src=x onerror=alert(1)\\\\u003e"}'
    """
    return _compact_json(value).translate(_SCRIPT_UNSAFE)


# One encoder for every piece (json.dumps with options makes one per call); the page data is plain
# JSON data, without cycles.
_compact_json = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False,
                                 check_circular=False).encode


def _script_json_parts(data: dict[str, Any], *, batch: int = 4096) -> Iterator[str]:
    """_script_json(data) as consecutive pieces: each member of the object, and its lists `batch`
    items at a time. The same text (JSON's "," and ":" separators, keys sorted), but the page's
    90 MB at 40,000 abstracts is never held whole, nor a second time escaped.

    >>> data = {"b": [1, {"y": "<", "x": 2}], "a": {}}
    >>> "".join(_script_json_parts(data, batch=1)) == _script_json(data)
    True
    """
    yield "{"
    for index, key in enumerate(sorted(data)):
        value = data[key]
        head = ("," if index else "") + _script_json(key) + ":"
        if not isinstance(value, list):
            yield head + _script_json(value)
            continue
        yield head + "["
        for start in range(0, len(value), batch):
            items = ",".join(_compact_json(item) for item in value[start:start + batch])
            yield ("," if start else "") + items.translate(_SCRIPT_UNSAFE)
        yield "]"
    yield "}"


def _escape_html(text: str) -> str:
    """Escape text for an HTML element or attribute.

    >>> _escape_html('<b a="1">&</b>')
    '&lt;b a=&quot;1&quot;&gt;&amp;&lt;/b&gt;'
    """
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#x27;"))


def _asset(name: str) -> str:
    return importlib.resources.files("kg").joinpath("data", "view", name).read_text(encoding="utf-8")


def _vis_asset(name: str) -> str:
    """A vis-network file from the installed pyvis package, checked safe to inline in <script>."""
    try:
        text = importlib.resources.files("pyvis").joinpath(*VIS_NETWORK_DIR.split("/"), name).read_text(
            encoding="utf-8")
    except (ModuleNotFoundError, OSError) as e:
        raise ExportError(f"cannot read vis-network from pyvis ({VIS_NETWORK_DIR}/{name}): {e}; "
                          "install pyvis 0.3.2") from e
    if "</script" in text.lower():
        raise ExportError(f"pyvis {VIS_NETWORK_DIR}/{name} contains '</script' and cannot be inlined")
    return text
