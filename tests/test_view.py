"""kg.view without a browser: what the page holds, that it names no remote resource, that text
from abstracts cannot become markup, the cap, determinism and the atomic write."""
from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser

import networkx as nx
import pytest
from view_support import MARKUP_PROBE, demo_graph, synthetic_graph

import kg.io
from kg import view
from kg.errors import ExportError
from kg.graph import ENTITY_KIND, KIND, LABEL, PAPER_KIND, PAPERS, TYPE, entity_nodes, paper_nodes
from kg.view import BROWSER_LAYOUT_MAX_NODES, layout_positions, page_data, select_nodes, to_html, write_html


class _Tags(HTMLParser):
    """Collects start tags with their attributes, and the text of each <script>."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in_script: dict[str, str | None] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = dict(attrs)
            self.scripts.append((self._in_script, ""))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None

    def handle_data(self, data):
        if self._in_script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)


def _parse(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    return parser


def _page_json(page: str) -> dict:
    (data,) = [text for attrs, text in _parse(page).scripts if attrs.get("id") == "kg-data"]
    return json.loads(data)


@pytest.fixture(scope="module")
def demo():
    return demo_graph()


@pytest.fixture(scope="module")
def demo_page(demo):
    return to_html(demo, title="kg demo")


def test_view_labels_present(demo, demo_page):
    for n in entity_nodes(demo):
        assert demo.nodes[n][LABEL] in demo_page
    assert "LLaMA-65B" in demo_page
    assert "<title>kg demo</title>" in demo_page


def test_view_page_data_holds_every_node_and_edge(demo, demo_page):
    data = _page_json(demo_page)
    assert [n["id"] for n in data["nodes"]] == sorted(demo.nodes)
    assert len(data["edges"]) == demo.number_of_edges()
    assert data["graph"]["inputs"] == ["seeds/demo.jsonl", "seeds/extra"]
    assert data["counts"] == {"nodes": demo.number_of_nodes(), "entities": len(entity_nodes(demo)),
                              "papers": len(paper_nodes(demo)), "edges": demo.number_of_edges()}
    assert data["schema"]["kind"] == KIND and data["schema"]["paper_kind"] == PAPER_KIND


def test_view_legend_styles_give_each_type_its_own_shape_and_colour():
    shapes = [shape for shape, _ in view.TYPE_STYLES.values()] + [view.PAPER_STYLE[0]]
    colours = [colour for _, colour in view.TYPE_STYLES.values()] + [view.PAPER_STYLE[1]]
    assert len(set(shapes)) == len(shapes) and len(set(colours)) == len(colours)


def test_view_has_no_remote_reference(demo_page):
    tags = _parse(demo_page).tags
    for tag, attrs in tags:
        for name in ("src", "href", "srcset", "data", "action", "poster"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("http:", "https:", "//", "ftp:")), (tag, name, value)
    assert not [attrs for tag, attrs in tags if tag == "script" and "src" in attrs]
    assert not [attrs for tag, attrs in tags if tag == "link" and attrs.get("rel") == "stylesheet"]
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", demo_page, re.IGNORECASE)
    assert not re.search(r"@import", demo_page)


@pytest.mark.parametrize("where", ["title", "abstract"])
def test_view_escapes_markup_from_abstracts(where):
    G = demo_graph(**{f"extra_{where}": MARKUP_PROBE})
    page = to_html(G)
    assert "window.__kg_pwned" in page  # the text is there ...
    assert "<script>window.__kg_pwned" not in page  # ... but never as markup
    assert "<img src=x" not in page
    assert [tag for tag, _ in _parse(page).tags].count("script") == 3  # data, vis-network, view
    assert [tag for tag, _ in _parse(page).tags].count("img") == 0
    attrs = {n["id"]: n["attrs"] for n in _page_json(page)["nodes"]}
    assert MARKUP_PROBE in attrs["paper/probe"].values()  # JSON gives the text back unchanged


def test_view_escapes_markup_in_page_title(demo):
    page = to_html(demo, title="<b>kg</b>")
    assert "<title>&lt;b&gt;kg&lt;/b&gt;</title>" in page


def test_view_same_graph_same_bytes(demo):
    assert to_html(demo) == to_html(demo_graph())
    big = synthetic_graph(BROWSER_LAYOUT_MAX_NODES + 200)
    assert to_html(big) == to_html(synthetic_graph(BROWSER_LAYOUT_MAX_NODES + 200))


def test_view_layout_computed_in_python_only_above_threshold(demo):
    assert page_data(demo)["layout"] == "browser"
    assert all("x" not in n for n in page_data(demo)["nodes"])
    data = page_data(synthetic_graph(BROWSER_LAYOUT_MAX_NODES + 1))
    assert data["layout"] == "python"
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in data["nodes"])


def test_view_layout_positions_spread_nodes_apart():
    G = synthetic_graph(1500)
    positions = layout_positions(G)
    assert sorted(positions) == sorted(G.nodes)
    assert len(set(positions.values())) == len(positions)
    # Linked nodes end up near each other, compared with the spread of the whole drawing.
    xs = [x for x, _ in positions.values()]
    span = max(xs) - min(xs)
    lengths = sorted(((positions[u][0] - positions[v][0]) ** 2 + (positions[u][1] - positions[v][1]) ** 2) ** 0.5
                     for u, v in G.edges())
    assert lengths[len(lengths) // 2] < span / 10


def test_view_layout_places_components_apart():
    G = nx.Graph([("a", "b"), ("b", "c"), ("x", "y")])
    G.add_node("lonely")
    positions = layout_positions(G)
    assert len(positions) == 6
    assert len(set(positions.values())) == 6


def test_view_cap_keeps_entities_with_most_papers_and_their_papers():
    G = nx.MultiDiGraph(inputs=["x"])
    for i in range(6):
        G.add_node(f"paper/{i}", **{KIND: PAPER_KIND, LABEL: f"p{i}"})
    for i in range(10):  # model/e0 is in 6 papers, model/e1 in 5, ... the rest in 1
        papers = [f"paper/{j}" for j in range(max(6 - i, 1))]
        G.add_node(f"model/e{i}", **{KIND: ENTITY_KIND, LABEL: f"E{i}", TYPE: "Model", PAPERS: papers})
        for p in papers:
            G.add_edge(f"model/e{i}", p, key="mentioned_in", relation="mentioned_in")
    nodes, omitted = select_nodes(G, max_nodes=4)  # 10 entities : 6 papers -> 2 entities, 2 papers
    assert nodes == ["model/e0", "model/e1", "paper/0", "paper/1"]
    assert omitted == {"entities": 8, "papers": 4}
    nodes, omitted = select_nodes(G, max_nodes=13)  # 8 entities, then the papers most of them mention
    assert [n for n in nodes if n.startswith("model/")] == [f"model/e{i}" for i in range(8)]
    assert [n for n in nodes if n.startswith("paper/")] == [f"paper/{i}" for i in range(5)]
    assert omitted == {"entities": 2, "papers": 1}
    data = _page_json(to_html(G, max_nodes=13))
    assert len(data["nodes"]) == 13 and data["omitted"] == {"entities": 2, "papers": 1}
    assert all(e["source"] in nodes and e["target"] in nodes for e in data["edges"])
    nodes, omitted = select_nodes(G, max_nodes=15)  # 9 entities, all 6 papers
    assert len(nodes) == 15 and omitted == {"entities": 1, "papers": 0}
    # Room the top entities' papers leave goes to more entities: here they mention one paper only.
    for i in range(1, 6):
        G.remove_node(f"paper/{i}")
    G.add_node("paper/unmentioned", **{KIND: PAPER_KIND, LABEL: "u"})
    nodes, omitted = select_nodes(G, max_nodes=9)  # 10 : 2 -> 7 entities, paper/0, then 1 more entity
    assert nodes == [f"model/e{i}" for i in range(8)] + ["paper/0"]
    assert omitted == {"entities": 2, "papers": 1}


def test_view_below_cap_holds_every_node(demo):
    data = page_data(demo, max_nodes=demo.number_of_nodes())
    assert len(data["nodes"]) == demo.number_of_nodes()
    assert data["omitted"] == {"entities": 0, "papers": 0}


def test_view_max_nodes_must_be_positive(demo):
    with pytest.raises(ValueError, match="max_nodes"):
        to_html(demo, max_nodes=0)


def test_view_write_html_writes_the_page(demo, demo_page, tmp_path):
    path = tmp_path / "out" / "graph.html"
    write_html(demo, path, title="kg demo")
    assert path.read_text(encoding="utf-8") == demo_page


def test_view_write_html_failure_leaves_earlier_file_intact(demo, tmp_path, monkeypatch):
    path = tmp_path / "graph.html"
    path.write_text("earlier page", encoding="utf-8")

    def fail(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(kg.io.os, "replace", fail)
    with pytest.raises(ExportError, match="graph.html"):
        write_html(demo, path)
    assert path.read_text(encoding="utf-8") == "earlier page"
    assert os.listdir(tmp_path) == ["graph.html"]  # no temporary file left behind


def test_view_unserializable_attribute_leaves_earlier_file_intact(demo, tmp_path):
    path = tmp_path / "graph.html"
    path.write_text("earlier page", encoding="utf-8")
    G = demo.copy()
    G.nodes["model/llama"]["aliases"] = {"a set is not JSON"}
    with pytest.raises(TypeError):
        write_html(G, path)
    assert path.read_text(encoding="utf-8") == "earlier page"


def test_view_capped_layout_is_independent_of_hash_seed():
    # A NetworkX subgraph view of under half the graph iterates a set of node names, whose order
    # changes with PYTHONHASHSEED; the layout once took its edge order from such a view.
    import subprocess
    import sys

    code = ("import sys, json; sys.path.insert(0, 'tests'); from view_support import synthetic_graph; "
            "from kg.view import page_data; "
            "d = page_data(synthetic_graph(900), max_nodes=400); "
            "print(json.dumps([(n['id'], n.get('x'), n.get('y')) for n in d['nodes']]))")
    pages = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(pages) == 1
    assert json.loads(pages.pop())[0][1] is not None  # laid out in Python


def test_view_sampled_repulsion_is_the_reference_sum_to_the_bit():
    import numpy as np

    from kg.view import _sampled_repulsion, _squared_length

    rng = np.random.default_rng(5)
    n, samples = 500, 32
    pos = rng.random((n, 2)) * 20
    others = rng.integers(0, n, size=(n, samples))
    delta = pos[:, None, :] - pos[others]
    dist2 = np.maximum(_squared_length(delta), 1e-4)
    dist2[others == np.arange(n)[:, None]] = np.inf
    reference = (delta / dist2[:, :, None]).sum(axis=1)
    assert _sampled_repulsion(pos, others, np.arange(n)).tobytes() == reference.tobytes()
