"""kg.api on a tiny graph built by hand (no spaCy), and graph_from_texts on two short abstracts."""
from __future__ import annotations

import sys
import types
from pathlib import Path

import networkx as nx
import pytest

from kg import api
from kg.errors import InputError
from kg.graph import build_graph, write_graph_json
from kg.types import Corpus, DocResult, Document, Entity, Evidence, Relation

pd = pytest.importorskip("pandas")

TEXT_1 = "We present Vicuna-13B. Vicuna-13B is fine-tuned from LLaMA-13B on ShareGPT conversations."
TEXT_2 = "LLaMA-13B is evaluated on MMLU. It beats GPT-3."
SENTENCE = "Vicuna-13B is fine-tuned from LLaMA-13B on ShareGPT conversations."


@pytest.fixture(scope="module")
def G() -> nx.MultiDiGraph:
    vicuna = Entity("model/vicuna-13b", "Vicuna-13B", "Model", aliases=("Vicuna 13B",), introduced=True)
    llama = Entity("model/llama-13b", "LLaMA-13B", "Model", aliases=("LLaMA 13B",), variant_of="model/llama")
    family = Entity("model/llama", "LLaMA", "Model")
    sharegpt = Entity("dataset/sharegpt", "ShareGPT", "Dataset")
    mmlu = Entity("dataset/mmlu", "MMLU", "Dataset")
    start = TEXT_1.index(SENTENCE)
    doc1 = DocResult(
        Document("p1", TEXT_1, title="Vicuna"), entities=(vicuna, llama, family, sharegpt),
        relations=(Relation("model/vicuna-13b", "based_on", "model/llama-13b",
                            Evidence("p1", SENTENCE, start, start + len(SENTENCE), "fine-tuned from", 0.9)),
                   Relation("model/vicuna-13b", "trained_on", "dataset/sharegpt",
                            Evidence("p1", SENTENCE, start, start + len(SENTENCE), "on", 0.6))))
    doc2 = DocResult(
        Document("p2", TEXT_2), entities=(llama, mmlu),
        relations=(Relation("model/llama-13b", "evaluated_on", "dataset/mmlu",
                            Evidence("p2", "LLaMA-13B is evaluated on MMLU.", 0, 30, "evaluated on", 0.8)),))
    return build_graph(Corpus(results=(doc1, doc2)))


@pytest.fixture(scope="module")
def graph_json(G, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("out") / "graph.json"
    write_graph_json(G, path)
    return path


def test_api_load_graph_round_trip(G, graph_json):
    loaded = api.load_graph(graph_json)
    assert isinstance(loaded, nx.MultiDiGraph)
    assert sorted(loaded.edges(keys=True)) == sorted(G.edges(keys=True))
    assert loaded.nodes["model/vicuna-13b"]["label"] == "Vicuna-13B"


def test_api_load_graph_missing_file_says_run_build(tmp_path):
    with pytest.raises(InputError, match="kg build") as info:
        api.load_graph(tmp_path / "graph.json")
    assert info.value.path == str(tmp_path / "graph.json")


@pytest.mark.parametrize("name, expected", [
    ("model/llama-13b", ["model/llama-13b"]),  # id
    ("llama-13b", ["model/llama-13b"]),  # name, ignoring case
    ("LLaMA 13B", ["model/llama-13b"]),  # alias
    ("llama13b", ["model/llama-13b"]),  # name key
    ("LLaMA", ["model/llama"]),  # the exact name wins over the size variants
    ("sharegpt", ["dataset/sharegpt"]),
])
def test_api_find_entities_good(G, name, expected):
    assert api.find_entities(G, name) == expected


@pytest.mark.parametrize("name", ["GPT-3", "p1", "paper/p1", "Vicuna", "", "13b"])
def test_api_find_entities_bad(G, name):
    assert api.find_entities(G, name) == []


def test_api_evidence_of_entity_has_relations_and_mentions(G):
    frame = api.evidence(G, "vicuna 13b")
    assert list(frame.columns) == list(api.EVIDENCE_COLUMNS)
    assert set(frame["relation"]) == {"based_on", "trained_on", "mentioned_in"}
    mention = frame[frame["relation"] == "mentioned_in"].iloc[0]
    assert mention["paper"] == "paper/p1" and mention["title"] == "Vicuna"
    assert mention["sentence"] == "We present Vicuna-13B."
    assert TEXT_1[int(mention["start"]):int(mention["end"])] == mention["sentence"]


def test_api_evidence_of_relation(G):
    rows = api.evidence(G, "Vicuna-13B", relation="based_on", as_frame=False)
    assert rows == [{"head": "Vicuna-13B", "relation": "based_on", "tail": "LLaMA-13B", "paper": "paper/p1",
                     "title": "Vicuna", "sentence": SENTENCE, "cue": "fine-tuned from", "confidence": 0.9,
                     "start": TEXT_1.index(SENTENCE), "end": len(TEXT_1),
                     "head_id": "model/vicuna-13b", "tail_id": "model/llama-13b"}]


def test_api_evidence_incoming_and_other_end(G):
    rows = api.evidence(G, "LLaMA-13B", other="vicuna-13b", as_frame=False)
    assert [(r["head"], r["relation"], r["tail"]) for r in rows] == [("Vicuna-13B", "based_on", "LLaMA-13B")]


def test_api_evidence_relation_without_stated_evidence(G):
    rows = api.evidence(G, "LLaMA-13B", relation="variant_of", as_frame=False)
    assert [(r["tail"], r["paper"], r["sentence"]) for r in rows] == [("LLaMA", None, None)]


def test_api_evidence_unknown_entity_raises(G):
    with pytest.raises(LookupError, match="GPT-3"):
        api.evidence(G, "GPT-3")


def test_api_entity_table(G):
    frame = api.entity_table(G)
    assert list(frame.columns) == list(api.ENTITY_COLUMNS)
    assert frame.iloc[0]["id"] == "model/llama-13b"  # in both papers: most mentioned
    row = frame.set_index("id").loc["model/vicuna-13b"]
    assert (row["papers"], row["introduced_in"], row["relations"], row["aliases"]) == (1, 1, 2, "Vicuna 13B")


def test_api_relation_table(G):
    rows = api.relation_table(G, as_frame=False)
    assert {(r["head_id"], r["relation"], r["tail_id"], r["support"]) for r in rows} == {
        ("model/vicuna-13b", "based_on", "model/llama-13b", 1),
        ("model/vicuna-13b", "trained_on", "dataset/sharegpt", 1),
        ("model/llama-13b", "evaluated_on", "dataset/mmlu", 1),
        ("model/llama-13b", "variant_of", "model/llama", None),
    }
    assert list(api.relation_table(G).columns) == list(api.RELATION_COLUMNS)


@pytest.fixture
def fake_rdf(monkeypatch):
    """kg.rdf.query_rdf replaced by a recorder, so that sparql() is tested on its own."""
    calls = []

    def query_rdf(source, text, *, query_name="<query>"):
        calls.append((source, text, query_name))
        return ["model", "papers", "score"], [("https://w3id.org/mlkg/resource/model/x", "3", None),
                                               ("https://w3id.org/mlkg/resource/model/y", "12", "high")]

    module = types.ModuleType("kg.rdf")
    module.query_rdf = query_rdf
    monkeypatch.setitem(sys.modules, "kg.rdf", module)
    return calls


def test_api_sparql_returns_frame(fake_rdf, G):
    frame = api.sparql("SELECT * WHERE { ?s ?p ?o }", G)
    assert list(frame.columns) == ["model", "papers", "score"]
    assert frame["papers"].tolist() == [3, 12]  # numbers as numbers
    assert frame["score"].isna().tolist() == [True, False]  # unbound
    assert frame["score"].iloc[1] == "high"
    assert fake_rdf == [(G, "SELECT * WHERE { ?s ?p ?o }", "<query>")]


def test_api_sparql_reads_query_file(fake_rdf, G, tmp_path):
    query = tmp_path / "models.rq"
    query.write_text("SELECT ?model WHERE { ?model a ?t }\n", encoding="utf-8")
    api.sparql(str(query), G, numeric=False)
    api.sparql(query, G)
    assert [(text, name) for _, text, name in fake_rdf] == [(query.read_text(), str(query))] * 2


def test_api_sparql_missing_files_raise(fake_rdf, G, tmp_path):
    with pytest.raises(InputError, match="cannot read query"):
        api.sparql(tmp_path / "missing.rq", G)
    with pytest.raises(InputError, match="kg build"):
        api.sparql("SELECT * WHERE { ?s ?p ?o }", tmp_path / "graph.ttl")


def test_api_sparql_over_real_export(G, tmp_path):
    rdf = pytest.importorskip("kg.rdf")
    path = tmp_path / "graph.ttl"
    rdf.write_rdf(G, path)
    frame = api.sparql("SELECT ?label WHERE { ?e <http://www.w3.org/2004/02/skos/core#prefLabel> ?label }", path)
    assert "Vicuna-13B" in set(frame["label"])


def test_api_graph_from_texts_mixed_inputs():
    G = api.graph_from_texts([TEXT_1, {"id": "b", "title": "B", "text": TEXT_2},
                              Document("c", "GPT-3 is compared with LLaMA-13B.")])
    papers = {n: d for n, d in G.nodes(data=True) if d["kind"] == "paper"}
    assert sorted(papers) == ["paper/b", "paper/c", "paper/text-1"]
    assert papers["paper/b"]["title"] == "B"
    assert api.find_entities(G, "LLaMA-13B")


@pytest.mark.parametrize("bad, message", [
    ({"title": "no text"}, '"text"'),
    (42, "JSON object"),
    ("   ", "white space"),
])
def test_api_graph_from_texts_bad_item_names_position(bad, message):
    with pytest.raises(InputError, match=message) as info:
        api.graph_from_texts([TEXT_1, bad])
    assert (info.value.path, info.value.line) == ("<texts>", 2)


def test_api_reexported_from_kg():
    import kg

    for name in ("load_graph", "sparql", "evidence", "find_entities", "graph_from_texts", "graph_from_files",
                 "entity_table", "relation_table"):
        assert getattr(kg, name) is getattr(api, name)
    with pytest.raises(AttributeError, match="no_such_thing"):
        kg.no_such_thing  # noqa: B018


def test_api_every_function_documented_in_notebooks_readme():
    readme = (Path(__file__).resolve().parents[1] / "notebooks" / "README.md").read_text(encoding="utf-8")
    import kg

    for name in kg._API:
        assert f"`{name}(" in readme, f"notebooks/README.md does not document kg.{name}"
