"""RDF export: round trips, IRIs, determinism, SHACL, the two writers, SPARQL errors and result formats."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyshacl
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS, VOID, XSD
from rdf_corpus import ODD_ID, ODD_NAME, small_corpus, small_graph

from kg.errors import ExportError, InputError, KGError
from kg.graph import build_graph
from kg.ontology import MLKG, OA
from kg.rdf import (
    format_results, graph_triples, iri_segment, query_rdf, resource_iri, serialize_rdf, shapes_graph, to_rdf,
    write_rdf,
)
from kg.types import Corpus, Document, DocResult, Entity

FORMATS = [("turtle", "turtle", "ttl"), ("nt", "nt", "nt"), ("json-ld", "json-ld", "jsonld")]
RES = "https://w3id.org/mlkg/resource/"


@pytest.fixture(scope="module")
def G():
    return small_graph()


@pytest.fixture(scope="module")
def rdf_graph(G):
    return to_rdf(G)


@pytest.mark.parametrize(("format", "rdflib_format", "suffix"), FORMATS)
def test_rdf_round_trip_is_isomorphic(G, rdf_graph, tmp_path, format, rdflib_format, suffix):
    path = tmp_path / f"graph.{suffix}"
    write_rdf(G, path, format=format)
    parsed = Graph().parse(path, format=rdflib_format)
    assert len(parsed) == len(rdf_graph)
    assert isomorphic(parsed, rdf_graph)


@pytest.mark.parametrize(("format", "rdflib_format", "suffix"), FORMATS)
def test_rdf_oxigraph_and_rdflib_writers_agree(G, format, rdflib_format, suffix):
    fast = Graph().parse(data=serialize_rdf(G, format=format, engine="oxigraph"), format=rdflib_format)
    reference = Graph().parse(data=serialize_rdf(G, format=format, engine="rdflib"), format=rdflib_format)
    assert isomorphic(fast, reference)


@pytest.mark.parametrize(("format", "rdflib_format", "suffix"), FORMATS)
def test_rdf_output_is_byte_identical_across_runs(tmp_path, format, rdflib_format, suffix):
    first, second = tmp_path / f"a.{suffix}", tmp_path / f"b.{suffix}"
    write_rdf(small_graph(), first, format=format)
    write_rdf(small_graph(), second, format=format)
    assert first.read_bytes() == second.read_bytes()


def test_rdf_output_is_byte_identical_across_processes(tmp_path):
    # A fresh interpreter with another hash seed: set and dict order must not reach the output.
    script = ("import sys; sys.path.insert(0, sys.argv[2]); from rdf_corpus import small_graph; "
              "from kg.rdf import write_rdf; write_rdf(small_graph(), sys.argv[1])")
    tests_dir = str(Path(__file__).parent)
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"seed{seed}.ttl"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", script, str(out), tests_dir], check=True, env=env)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[0] == serialize_rdf(small_graph())


def test_rdf_no_blank_nodes(rdf_graph):
    assert not [t for t in rdf_graph if any(isinstance(term, BNode) for term in t)]


def test_rdf_entities_and_papers_have_expected_iris(rdf_graph):
    model = URIRef(RES + "model/investlm")
    assert (model, RDF.type, MLKG.Model) in rdf_graph
    assert (model, SKOS.prefLabel, Literal("InvestLM")) in rdf_graph
    assert (model, SKOS.altLabel, Literal("Invest-LM")) in rdf_graph
    assert (model, MLKG.basedOn, URIRef(RES + "model/llama-65b")) in rdf_graph
    assert (model, MLKG.introducedIn, URIRef(RES + "paper/investlm-2023")) in rdf_graph
    assert (URIRef(RES + "model/llama-65b"), MLKG.variantOf, URIRef(RES + "model/llama")) in rdf_graph
    paper = URIRef(RES + "paper/finllama-2024")
    assert (paper, RDF.type, MLKG.Paper) in rdf_graph
    assert (paper, DCTERMS.identifier, Literal("finllama-2024")) in rdf_graph
    assert set(rdf_graph.objects(paper, DCTERMS.source)) == {Literal("seeds/b.jsonl:3"), Literal("seeds/c.jsonl:1")}
    assert (paper, DCTERMS.title, None) not in rdf_graph  # no title: none is invented


def test_rdf_relation_is_reified_with_evidence(rdf_graph):
    model, base = URIRef(RES + "model/investlm"), URIRef(RES + "model/llama-65b")
    [assertion] = [a for a in rdf_graph.subjects(RDF.subject, model)
                   if (a, RDF.predicate, MLKG.basedOn) in rdf_graph]
    assert (assertion, RDF.type, MLKG.Assertion) in rdf_graph
    assert (assertion, RDF.object, base) in rdf_graph
    assert rdf_graph.value(assertion, MLKG.confidence) == Literal("0.9", datatype=XSD.decimal)
    assert rdf_graph.value(assertion, MLKG.support) == Literal(1)
    assert rdf_graph.value(assertion, PROV.wasDerivedFrom) == URIRef(RES + "paper/investlm-2023")
    assert rdf_graph.value(assertion, PROV.wasGeneratedBy) == URIRef(RES + "run/kg-0.1.0")
    evidence = rdf_graph.value(assertion, MLKG.evidence)
    assert rdf_graph.value(evidence, OA.hasSource) == URIRef(RES + "paper/investlm-2023")
    selectors = set(rdf_graph.objects(evidence, OA.hasSelector))
    [quote] = [s for s in selectors if (s, RDF.type, OA.TextQuoteSelector) in rdf_graph]
    [position] = [s for s in selectors if (s, RDF.type, OA.TextPositionSelector) in rdf_graph]
    sentence = str(rdf_graph.value(quote, OA.exact))
    start, end = (rdf_graph.value(position, OA.start).toPython(), rdf_graph.value(position, OA.end).toPython())
    abstract = str(rdf_graph.value(URIRef(RES + "paper/investlm-2023"), DCTERMS.abstract))
    assert sentence == "InvestLM is based on LLaMA-65B and trained on SlimPajama."
    assert abstract[start:end] == sentence


def test_rdf_void_counts_the_other_triples(rdf_graph):
    void = URIRef(RES + "void")
    own = {t for t in rdf_graph if t[0] == void or str(t[0]).startswith(str(void) + "#")}
    assert rdf_graph.value(void, VOID.triples).toPython() == len(rdf_graph) - len(own)
    assert (void, RDF.type, VOID.Dataset) in rdf_graph


# ---------------------------------------------------------------------------- IRIs

ODD_NAMES = ["plain", "with space", 'quote"d', "it's", "<angle>", "α-β Greek", "中文模型", "new\nline", "tab\there",
             "back\\slash", "per%cent", "hash#frag", "q?x=1", "a/b/c", ".", "..", "v2.", "-x-", "_", "~tilde", "{}|^`",
             "emoji 🦙", "\u200bzero-width", "Ω\u0301", "a:b", "semi;colon", "[brackets]"]


def test_rdf_iri_segment_is_injective():
    encoded = [iri_segment(name) for name in ODD_NAMES]
    assert len(set(encoded)) == len(ODD_NAMES)
    assert iri_segment("a b") != iri_segment("a%20b")


def _odd_graph():
    entities = tuple(Entity(f"model/{name}", name, "Model", aliases=(name + " alias",)) for name in ODD_NAMES)
    text = "Odd names: " + " ".join(ODD_NAMES)
    return build_graph(Corpus(results=(DocResult(Document('doc "1" <x>\nα', text), entities=entities),)))


@pytest.mark.parametrize(("format", "rdflib_format", "suffix"), FORMATS)
def test_rdf_odd_names_give_valid_iris_that_parsers_accept(tmp_path, format, rdflib_format, suffix):
    import pyoxigraph

    G = _odd_graph()
    path = tmp_path / f"odd.{suffix}"
    write_rdf(G, path, format=format)
    parsed = Graph().parse(path, format=rdflib_format)
    assert isomorphic(parsed, to_rdf(G))
    strict = list(pyoxigraph.parse(path=str(path)))  # pyoxigraph validates IRIs strictly
    assert len(strict) == len(parsed)
    labels = {str(o) for o in parsed.objects(None, SKOS.prefLabel)}
    assert set(ODD_NAMES) <= labels
    for iri in {s for s in parsed.subjects() if isinstance(s, URIRef)}:
        assert not any(c in str(iri) for c in ' "<>{}|\\^`\n\t'), iri


def test_rdf_resource_iri_keeps_type_and_encodes_slug():
    assert resource_iri("model/llama-65b") == RES + "model/llama-65b"
    assert resource_iri(ODD_ID).startswith(RES + "model/odd%20%22%CE%B1-%CE%B2%22%20%3C")
    assert resource_iri("paper/a/b") == RES + "paper/a%2Fb"


def test_rdf_newlines_in_literals_survive(G, tmp_path):
    for format, rdflib_format, suffix in FORMATS:
        path = tmp_path / f"g.{suffix}"
        write_rdf(G, path, format=format)
        parsed = Graph().parse(path, format=rdflib_format)
        assert Literal(ODD_NAME) in set(parsed.objects(None, SKOS.prefLabel))


# ---------------------------------------------------------------------------- SHACL

def test_rdf_export_conforms_to_shapes(rdf_graph):
    conforms, _, report = pyshacl.validate(rdf_graph, shacl_graph=shapes_graph())
    assert conforms, report


def test_rdf_odd_names_conform_to_shapes():
    conforms, _, report = pyshacl.validate(to_rdf(_odd_graph()), shacl_graph=shapes_graph())
    assert conforms, report


def _broken(rdf_graph: Graph, edit) -> Graph:
    copy = Graph()
    for triple in rdf_graph:
        copy.add(triple)
    edit(copy)
    return copy


BREAKAGES = {
    "trained on a model": lambda g: g.add((URIRef(RES + "model/investlm"), MLKG.trainedOn,
                                           URIRef(RES + "model/llama"))),
    "entity without a name": lambda g: g.remove((URIRef(RES + "model/investlm"), SKOS.prefLabel, None)),
    "two names": lambda g: g.add((URIRef(RES + "model/investlm"), SKOS.prefLabel, Literal("Other"))),
    "assertion without evidence": lambda g: g.remove((None, MLKG.evidence, None)),
    "confidence above 1": lambda g: [g.set((a, MLKG.confidence, Literal("1.5", datatype=XSD.decimal)))
                                     for a in list(g.subjects(RDF.type, MLKG.Assertion))[:1]],
    "selector without offsets": lambda g: g.remove((None, OA.start, None)),
    "blank-node entity": lambda g: g.add((BNode(), RDF.type, MLKG.Dataset)),
    "paper without abstract": lambda g: g.remove((None, DCTERMS.abstract, None)),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_rdf_broken_graph_does_not_conform(rdf_graph, breakage):
    conforms, _, _ = pyshacl.validate(_broken(rdf_graph, BREAKAGES[breakage]), shacl_graph=shapes_graph())
    assert not conforms


# ---------------------------------------------------------------------------- errors

def test_rdf_unknown_edge_key_is_an_export_error():
    G = small_graph()
    G.add_edge("model/investlm", "model/llama", key="cousin_of", relation="cousin_of")
    with pytest.raises(ExportError, match="cousin_of"):
        graph_triples(G)


def test_rdf_unknown_format_is_refused(G, tmp_path):
    with pytest.raises(ExportError, match="rdfxml"):
        write_rdf(G, tmp_path / "g.rdf", format="rdfxml")


def test_rdf_failed_write_leaves_earlier_file(G, tmp_path):
    path = tmp_path / "graph.ttl"
    path.write_bytes(b"earlier")
    G.add_edge("model/investlm", "model/llama", key="cousin_of", relation="cousin_of")
    with pytest.raises(ExportError):
        write_rdf(G, path)
    G.remove_edge("model/investlm", "model/llama", key="cousin_of")
    assert path.read_bytes() == b"earlier"


# ---------------------------------------------------------------------------- querying

SELECT_BASED_ON = """PREFIX mlkg: <https://w3id.org/mlkg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?name WHERE { ?m mlkg:basedOn ?b ; skos:prefLabel ?name . ?b skos:prefLabel "LLaMA-65B" }"""


@pytest.mark.parametrize(("format", "rdflib_format", "suffix"), FORMATS)
def test_rdf_query_file_returns_expected_model(G, tmp_path, format, rdflib_format, suffix):
    path = tmp_path / f"graph.{suffix}"
    write_rdf(G, path, format=format)
    assert query_rdf(path, SELECT_BASED_ON) == (["name"], [("InvestLM",)])


def test_rdf_query_reads_graph_json(G, tmp_path):
    from kg.graph import write_graph_json

    path = tmp_path / "graph.json"
    write_graph_json(G, path)
    assert query_rdf(path, SELECT_BASED_ON) == (["name"], [("InvestLM",)])


def test_rdf_query_accepts_rdflib_and_kg_graphs(G, rdf_graph):
    assert query_rdf(rdf_graph, SELECT_BASED_ON) == (["name"], [("InvestLM",)])
    assert query_rdf(G, SELECT_BASED_ON) == (["name"], [("InvestLM",)])


def test_rdf_query_unbound_is_none_and_ask_construct_work(G):
    variables, rows = query_rdf(G, "SELECT ?x ?y WHERE { VALUES ?x { 1 } }")
    assert (variables, rows) == (["x", "y"], [("1", None)])
    assert query_rdf(G, "ASK { ?s ?p ?o }") == (["ask"], [("true",)])
    variables, rows = query_rdf(G, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1")
    assert variables == ["subject", "predicate", "object"] and len(rows) == 1


def test_rdf_query_syntax_error_names_query_file_and_line(G):
    with pytest.raises(InputError) as info:
        query_rdf(G, "SELECT ?x WHERE {\n  ?x ?y \n}", query_name="queries/bad.rq")
    message = str(info.value)
    assert message.startswith("queries/bad.rq:3: invalid SPARQL at column")
    assert "\n" not in message


def test_rdf_query_unparseable_graph_names_file_and_line(tmp_path):
    path = tmp_path / "broken.ttl"
    path.write_text('@prefix a: <http://x/> .\na:b a:c a:d .\na:b a:c "unterminated .\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        query_rdf(path, "ASK {}")
    assert str(info.value).startswith(f"{path}:3: not valid Turtle")
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(("name", "expected"), [("missing.ttl", "cannot read"), ("graph.xyz", "unknown RDF format")])
def test_rdf_query_bad_path_is_input_error(tmp_path, name, expected):
    path = tmp_path / name
    if name.endswith(".xyz"):
        path.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match=expected):
        query_rdf(path, "ASK {}")


def test_rdf_format_results_csv_json_table():
    variables, rows = ["model", "note"], [("InvestLM", 'said "hi", then\nleft'), ("FinLLaMA", None)]
    assert format_results(variables, rows, format="csv") == (
        'model,note\nInvestLM,"said ""hi"", then\nleft"\nFinLLaMA,\n')
    assert json.loads(format_results(variables, rows, format="json")) == [
        {"model": "InvestLM", "note": 'said "hi", then\nleft'}, {"model": "FinLLaMA", "note": None}]
    table = format_results(variables, rows, format="table").splitlines()
    assert table[0] == "model     note"
    assert table[2] == 'InvestLM  said "hi", then\\nleft'
    assert table[-1] == "(2 rows)"
    with pytest.raises(KGError, match="xml"):
        format_results(variables, rows, format="xml")


def test_rdf_to_rdf_does_not_change_graph():
    G = small_graph()
    before = (sorted(G.nodes(data=True), key=str), sorted(G.edges(keys=True, data=True), key=str), dict(G.graph))
    to_rdf(G)
    after = (sorted(G.nodes(data=True), key=str), sorted(G.edges(keys=True, data=True), key=str), dict(G.graph))
    assert before == after


def test_rdf_small_corpus_builds(G):
    assert len(small_corpus().results) == 2 and G.number_of_nodes() == 10
