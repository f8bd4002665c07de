"""The graph stage: schema, node-link round trip (what notebooks load)."""
from __future__ import annotations

import json

import networkx as nx
import pytest

from kg.graph import (
    ALIASES, EVIDENCE, KIND, PAPERS, SUPPORT, TYPE, VARIANT_OF, build_graph, entity_nodes, paper_nodes,
    read_graph_json, relation_edges, write_graph_json,
)
from kg.types import Corpus, DocResult, Document, Entity, Evidence, Relation


def _corpus() -> Corpus:
    doc1 = Document("p1", "We present InvestLM, tuned on LLaMA-65B.", "InvestLM", ("a.txt:1",))
    doc2 = Document("p2", "InvestLM beats LLaMA 65B. It is based on LLaMA-65B.", None, ("b.jsonl:3",))
    investlm = Entity("model/investlm", "InvestLM", "Model", introduced=True)
    llama65 = Entity("model/llama-65b", "LLaMA-65B", "Model", aliases=("LLaMA 65B",), variant_of="model/llama")
    llama = Entity("model/llama", "LLaMA", "Model")
    based = Relation("model/investlm", "based_on", "model/llama-65b",
                     Evidence("p1", doc1.text, 0, len(doc1.text), "tuned on", 0.9))
    based2 = Relation("model/investlm", "based_on", "model/llama-65b",
                      Evidence("p2", "It is based on LLaMA-65B.", 26, 51, "based on", 0.8))
    return Corpus(results=(
        DocResult(doc1, (investlm, llama65, llama), (based,)),
        DocResult(doc2, (investlm, llama65), (based2,)),
    ), inputs=("a.txt", "b.jsonl"))


def test_graph_nodes_and_attributes():
    G = build_graph(_corpus())
    assert entity_nodes(G) == ["model/investlm", "model/llama", "model/llama-65b"]
    assert paper_nodes(G) == ["paper/p1", "paper/p2"]
    assert G.nodes["model/llama-65b"][TYPE] == "Model"
    assert G.nodes["model/llama-65b"][ALIASES] == ["LLaMA 65B"]
    assert G.nodes["model/investlm"][PAPERS] == ["paper/p1", "paper/p2"]
    assert G.nodes["paper/p1"][KIND] == "paper"


def test_graph_relation_keeps_evidence_and_support():
    G = build_graph(_corpus())
    data = G.edges["model/investlm", "model/llama-65b", "based_on"]
    assert data[SUPPORT] == 2
    assert [e["paper"] for e in data[EVIDENCE]] == ["paper/p1", "paper/p2"]
    assert data[EVIDENCE][1]["sentence"] == "It is based on LLaMA-65B."
    assert G.has_edge("model/llama-65b", "model/llama", VARIANT_OF)
    assert [k for _, _, k, _ in relation_edges(G)] == ["based_on", "variant_of"]


def test_graph_implied_family_has_no_papers():
    doc = Document("p3", "LLaMA-13B is small.", None, ("c.txt:1",))
    variant = Entity("model/llama-13b", "LLaMA-13B", "Model", variant_of="model/llama")
    family = Entity("model/llama", "LLaMA", "Model", implied=True)
    G = build_graph(Corpus(results=(DocResult(doc, (variant, family)),)))
    assert G.nodes["model/llama"][PAPERS] == []
    assert G.nodes["model/llama"]["implied"] is True
    assert not G.has_edge("model/llama", "paper/p3")
    assert G.has_edge("model/llama-13b", "model/llama", VARIANT_OF)


def test_graph_node_link_round_trip(tmp_path):
    G = build_graph(_corpus())
    path = tmp_path / "graph.json"
    write_graph_json(G, path)
    H = read_graph_json(path)
    assert nx.is_isomorphic(G, H)
    assert dict(G.nodes(data=True)) == dict(H.nodes(data=True))
    assert sorted(G.edges(keys=True, data=True)) == sorted(H.edges(keys=True, data=True))
    assert H.graph["inputs"] == ["a.txt", "b.jsonl"]
    assert "edges" in json.loads(path.read_text())


def test_graph_json_is_deterministic(tmp_path):
    write_graph_json(build_graph(_corpus()), tmp_path / "a.json")
    write_graph_json(build_graph(_corpus()), tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


@pytest.mark.parametrize("batch", [1, 2, 4096])
def test_graph_json_is_to_node_link_one_record_per_line(tmp_path, monkeypatch, batch):
    import kg.graph

    monkeypatch.setattr(kg.graph._write_lines, "__kwdefaults__", {"batch": batch})
    G = build_graph(_corpus())
    path = tmp_path / "graph.json"
    write_graph_json(G, path)
    text = path.read_text(encoding="utf-8")
    assert json.loads(text) == json.loads(json.dumps(kg.graph.to_node_link(G)))
    # braces, five keys, two list ends, then one line per node and per edge
    assert len(text.splitlines()) == 2 + 5 + 2 + G.number_of_nodes() + G.number_of_edges()


def test_graph_json_lines_are_the_encoders_text_for_odd_strings(tmp_path):
    # Structural edges are written from a template: byte for byte what json writes for the record.
    odd = ['model/"q"', "model/back\\slash", "model/tab\tnl\n\x01", "model/\u00e9\u4e2d\U0001f600", "paper/\u2028"]
    G = nx.MultiDiGraph()
    for u in odd:
        for v in odd:
            G.add_edge(u, v, key="mentioned_in", relation="mentioned_in")
    G.add_edge(odd[0], odd[1], key="variant_of", relation="variant_of", note="extra")  # not the template
    G.add_edge(odd[1], odd[2], key="uses", relation="based_on")  # relation differs from key
    write_graph_json(G, tmp_path / "graph.json")
    lines = (tmp_path / "graph.json").read_text(encoding="utf-8").split("\n")  # not splitlines: U+2028
    expected = [json.dumps({**d, "source": u, "target": v, "key": k}, ensure_ascii=False, sort_keys=True)
                for u, v, k, d in G.edges(keys=True, data=True)]
    edges = lines[lines.index('"edges": [') + 1:][:len(expected)]
    assert [line.removesuffix(",") for line in edges] == expected


def test_graph_json_of_an_empty_graph_is_node_link(tmp_path):
    from kg.graph import to_node_link

    G = nx.MultiDiGraph()
    write_graph_json(G, tmp_path / "empty.json")
    assert json.loads((tmp_path / "empty.json").read_text()) == to_node_link(G)
    assert '"nodes": []' in (tmp_path / "empty.json").read_text()


def test_graph_reads_older_links_key(tmp_path):
    G = build_graph(_corpus())
    data = nx.node_link_data(G, edges="links")
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data))
    assert nx.is_isomorphic(G, read_graph_json(path))


def test_graph_read_bad_file_names_it(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{\n  nope")
    with pytest.raises(Exception, match="broken.json:2"):
        read_graph_json(path)
