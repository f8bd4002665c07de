"""The fast Turtle export: the same bytes as pyoxigraph's serializer, term by term and file by file."""
from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdf_corpus import small_graph

import kg.rdf
from kg.graph import read_graph_json
from kg.rdf import TURTLE_PREFIXES, serialize_rdf, turtle_blocks, write_rdf
from kg.turtle import TurtleTerms, escape_local_name

RES = "https://w3id.org/mlkg/resource/"
ODD_IRIS = [
    f"{RES}model/llama-65b", f"{RES}model/a%20b", f"{RES}model/-x", f"{RES}model/_x", f"{RES}model/x.y",
    f"{RES}model/x%2E", f"{RES}model/α", f"{RES}model/", f"{RES}model/a/b", f"{RES}paper/1-2_3",
    f"{RES}void", f"{RES}void#class-0f", "http://www.w3.org/2001/XMLSchema#string", "urn:x:y",
    "http://example.org/a~b!c$d&e'f(g)h*i+j,k;l=m", "https://schema.org/", f"{RES}model/x:y",
]
ODD_STRINGS = ["plain", 'say "hi"', "back\\slash", "tab\there", "line\nbreak\r", "\x00\x01\x7f\b\f",
               "\ufffe\uffff", "α-β 模型", "", "emoji 🙂"]
TYPED = [("12", "integer"), ("+1", "integer"), ("1.5", "integer"), ("0.5", "decimal"), ("-.5", "decimal"),
         ("5", "decimal"), ("nan", "decimal"), ("1e5", "double"), ("1.e5", "double"), ("true", "boolean"),
         ("yes", "boolean"), ("7", "nonNegativeInteger")]


def _oxigraph_object(term: ox.NamedNode | ox.Literal) -> str:
    """How pyoxigraph writes `term` as the object of a triple, with kg's prefixes."""
    triple = ox.Triple(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), term)
    text = ox.serialize([triple], format=ox.RdfFormat.TURTLE, prefixes=dict(TURTLE_PREFIXES)).decode()
    return text.rpartition("<urn:s> <urn:p> ")[2].removesuffix(" .\n")


@pytest.fixture(scope="module")
def terms():
    return TurtleTerms(TURTLE_PREFIXES)


@pytest.mark.parametrize("iri", ODD_IRIS)
def test_turtle_iri_is_written_as_pyoxigraph_writes_it(terms, iri):
    assert terms.iri(iri) == _oxigraph_object(ox.NamedNode(iri))


@pytest.mark.parametrize("value", ODD_STRINGS)
def test_turtle_string_is_written_as_pyoxigraph_writes_it(terms, value):
    assert terms.literal(value) == _oxigraph_object(ox.Literal(value))
    assert terms.literal(value, language="en") == _oxigraph_object(ox.Literal(value, language="en"))


@pytest.mark.parametrize(("value", "datatype"), TYPED)
def test_turtle_typed_literal_is_written_as_pyoxigraph_writes_it(terms, value, datatype):
    iri = f"http://www.w3.org/2001/XMLSchema#{datatype}"
    assert terms.literal(value, iri) == _oxigraph_object(ox.Literal(value, datatype=ox.NamedNode(iri)))


def test_turtle_local_names_of_minted_iris(terms):
    assert terms.local_names(f"{RES}evidence/")("0a1b") == terms.iri(f"{RES}evidence/0a1b") == "evidence:0a1b"
    assert terms.local_names("urn:undeclared/")("x-1") == "<urn:undeclared/x-1>"


def test_turtle_escape_local_name_rejects_what_cannot_be_a_local_name():
    assert escape_local_name("a b") is None
    assert escape_local_name("x.") == "x\\."


def test_turtle_header_is_pyoxigraphs(terms):
    reference = serialize_rdf(small_graph()).decode()
    assert reference.startswith(terms.header)
    assert terms.header.count("@prefix") == len(TURTLE_PREFIXES)


def test_write_rdf_turtle_is_byte_identical_to_pyoxigraph_on_the_small_graph(tmp_path):
    G = small_graph()
    write_rdf(G, tmp_path / "graph.ttl")
    assert (tmp_path / "graph.ttl").read_bytes() == serialize_rdf(G, engine="oxigraph")


def test_write_rdf_turtle_is_byte_identical_to_pyoxigraph_on_the_seeds(tmp_path):
    from kg.build import graph_from_documents
    from kg.ingest import read_documents

    G = graph_from_documents(read_documents(["seeds"])[0])
    assert "".join(turtle_blocks(G)).encode() == serialize_rdf(G, engine="oxigraph")


def test_write_rdf_turtle_is_byte_identical_on_odd_evidence():
    # The same sentence twice with two confidences, one empty cue, an unknown paper id, odd texts.
    G = small_graph()
    u, v, key, data = next((u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True) if d.get("evidence"))
    first = dict(data["evidence"][0])
    odd = [first, {**first, "confidence": 0.1}, {**first, "cue": ""}, {**first, "paper": "paper/not in graph"},
           {**first, "sentence": 'a "quoted"\tsentence\n', "start": 0, "end": 3}]
    G.edges[u, v, key]["evidence"] = [*data["evidence"], *odd]
    assert "".join(turtle_blocks(G)).encode() == serialize_rdf(G, engine="oxigraph")


def test_write_rdf_turtle_falls_back_to_pyoxigraph_on_a_hash_collision(monkeypatch):
    # Every hashed IRI the same: two subjects share one IRI, which only the general writer can merge.
    monkeypatch.setattr(kg.rdf, "_digest", lambda *parts: "0" * 16)
    G = small_graph()
    with pytest.raises(kg.rdf._Irregular):
        kg.rdf._turtle_blocks(G)
    assert "".join(turtle_blocks(G)).encode() == serialize_rdf(G, engine="oxigraph")


@pytest.mark.parametrize("parts", [3, 6], ids=["assertions", "evidence"])
def test_write_rdf_turtle_falls_back_on_a_hash_collision_of_one_kind(monkeypatch, parts):
    # Assertions (3 hashed parts) and evidence (6) are kept as texts without their IRIs: a shared
    # hash must still be found, and give pyoxigraph's bytes.
    digest = kg.rdf._digest
    monkeypatch.setattr(kg.rdf, "_digest", lambda *p: "0" * 16 if len(p) == parts else digest(*p))
    G = small_graph()
    with pytest.raises(kg.rdf._Irregular):
        kg.rdf._turtle_blocks(G)
    assert "".join(turtle_blocks(G)).encode() == serialize_rdf(G, engine="oxigraph")


def test_write_rdf_turtle_is_byte_identical_on_the_fuzz_corpus():
    from test_fuzz import _fuzz_corpus

    from kg.build import graph_from_documents

    G = graph_from_documents(_fuzz_corpus(150, seed=7))
    assert "".join(turtle_blocks(G)).encode() == serialize_rdf(G, engine="oxigraph")


def test_write_rdf_turtle_output_of_graph_json(tmp_path):
    from kg.graph import write_graph_json

    write_graph_json(small_graph(), tmp_path / "graph.json")
    H = read_graph_json(tmp_path / "graph.json")
    write_rdf(H, tmp_path / "graph.ttl")
    assert (tmp_path / "graph.ttl").read_bytes() == serialize_rdf(H, engine="oxigraph")
