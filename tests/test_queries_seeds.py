"""The example queries of queries/ answer the questions users ask of the seeds graph.

The graph is built from the committed seeds/ with the real pipeline, so these tests fail when
extraction, resolution, the graph or the RDF export stops producing a fact the seeds state.
Each assertion names facts the abstracts state in so many words.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from kg.build import build
from kg.rdf import query_rdf

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def seeds_turtle(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("seeds_graph")
    build([ROOT / "seeds"], out)
    return out / "graph.ttl"


def answer(path: Path, name: str) -> list[dict[str, str | None]]:
    query = ROOT / "queries" / name
    variables, rows = query_rdf(path, query.read_text(encoding="utf-8"), query_name=str(query))
    return [dict(zip(variables, row)) for row in rows]


def column(rows: list[dict], key: str) -> set:
    return {row[key] for row in rows}


def test_queries_seeds_models_based_on_llama_65b(seeds_turtle):
    # "InvestLM, tuned on LLaMA-65B"; "applying SELF-ALIGN to the LLaMA-65b base model, we develop Dromedary"
    assert {"InvestLM", "Dromedary"} <= column(answer(seeds_turtle, "based_on_llama_65b.rq"), "model")


def test_queries_seeds_lineage_follows_based_on_and_variant_of(seeds_turtle):
    links = {(r["child"], r["relation"], r["parent"]) for r in answer(seeds_turtle, "lineage.rq")}
    assert ("InvestLM", "based on", "LLaMA-65B") in links
    assert ("LLaMA-65B", "variant of", "LLaMA") in links


def test_queries_seeds_methods_applied_to_llama_65b(seeds_turtle):
    methods = {m.lower() for m in column(answer(seeds_turtle, "methods_applied_to.rq"), "method")}
    # "Contrastive Decoding leads LLaMA-65B to ...", SELF-ALIGN applied to the LLaMA-65b base model
    assert {"contrastive decoding", "self-align"} <= methods


def test_queries_seeds_what_outperforms_llama_65b(seeds_turtle):
    # "K2 DIAMOND, a 65 billion-parameter LLM that surpasses LLaMA-65B"
    winners = column(answer(seeds_turtle, "outperforms.rq"), "winner")
    assert any("DIAMOND" in w for w in winners)


def test_queries_seeds_what_each_paper_introduces(seeds_turtle):
    rows = answer(seeds_turtle, "introduced_by_paper.rq")
    introduced = column(rows, "entity")
    assert {"InvestLM", "Dromedary", "ARIC"} <= introduced


def test_queries_seeds_datasets_used_by_most_papers(seeds_turtle):
    datasets = column(answer(seeds_turtle, "datasets_by_papers.rq"), "dataset")
    assert {"GSM8K", "HellaSwag", "MMLU"} <= datasets


def test_queries_seeds_aliases_of_llama_65b(seeds_turtle):
    names = {(r["name"], r["kind"]) for r in answer(seeds_turtle, "aliases.rq")}
    assert ("LLaMA-65B", "preferred") in names
    assert ("LLaMA-65b", "alias") in names


def test_queries_seeds_evidence_is_the_stating_sentence(seeds_turtle):
    rows = answer(seeds_turtle, "evidence_for_relation.rq")
    based = [r for r in rows if (r["subject"], r["relation"], r["object"]) == ("InvestLM", "basedOn", "LLaMA-65B")]
    assert based and "tuned on LLaMA-65B" in based[0]["sentence"]


def test_queries_seeds_trained_on_slimpajama_returns_evidence(seeds_turtle):
    rows = answer(seeds_turtle, "trained_on_slimpajama.rq")
    # Every answer carries the sentence that states it and that sentence names SlimPajama.
    assert all(r["sentence"] and "SlimPajama" in r["sentence"] for r in rows)


def test_queries_seeds_export_conforms_to_the_shapes(seeds_turtle):
    import pyshacl
    import rdflib

    from kg.rdf import shapes_graph

    conforms, _, report = pyshacl.validate(rdflib.Graph().parse(seeds_turtle), shacl_graph=shapes_graph())
    assert conforms, report


def test_queries_seeds_unmentioned_entity_breaks_the_shapes(seeds_turtle):
    """Only a family reached by variantOf may lack mentionedIn; any other entity must be named by a paper."""
    import pyshacl
    import rdflib

    from kg.rdf import shapes_graph

    graph = rdflib.Graph().parse(seeds_turtle)
    mlkg = rdflib.Namespace("https://w3id.org/mlkg/ontology#")
    entity = next(s for s in graph.subjects(rdflib.RDF.type, mlkg.Dataset))
    graph.remove((entity, mlkg.mentionedIn, None))
    conforms, _, _ = pyshacl.validate(graph, shacl_graph=shapes_graph())
    assert not conforms
