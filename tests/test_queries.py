"""Every query of queries/*.rq runs with query_rdf and gives the exact expected answer on the small corpus."""
from __future__ import annotations

from pathlib import Path

import pytest
from rdf_corpus import small_graph

from kg.rdf import format_results, query_rdf, write_rdf

QUERIES = Path(__file__).parent.parent / "queries"

EXPECTED = {
    "based_on_llama_65b.rq": (["model", "support"], [("InvestLM", "1")]),
    "trained_on_slimpajama.rq": (["model", "paper", "sentence"], [
        ("FinLLaMA", "finllama-2024", "It is trained on SlimPajama and outperforms InvestLM."),
        ("InvestLM", "investlm-2023", "InvestLM is based on LLaMA-65B and trained on SlimPajama."),
    ]),
    "lineage.rq": (["child", "relation", "parent"], [
        ("FinLLaMA", "based on", "InvestLM"),
        ("InvestLM", "based on", "LLaMA-65B"),
        ("LLaMA-65B", "variant of", "LLaMA"),
    ]),
    "datasets_by_papers.rq": (["dataset", "papers"], [("SlimPajama", "2"), ("MMLU", "1")]),
    "outperforms.rq": (["winner", "confidence", "support"], [("FinLLaMA", "0.6", "1")]),
    "methods_applied_to.rq": (["method", "how"], [("LoRA", "applied to")]),
    "introduced_by_paper.rq": (["paper", "title", "entity", "type"], [
        ("finllama-2024", None, "FinLLaMA", "Model"),
        ("investlm-2023", "InvestLM: a financial LLM", "InvestLM", "Model"),
    ]),
    "aliases.rq": (["id", "name", "kind"], [
        ("model/llama-65b", "LLaMA-65B", "preferred"),
        ("model/llama-65b", "LLaMA 65B", "alias"),
        ("model/llama-65b", "llama-65B", "alias"),
        ("model/llama-65b", "llama65b", "alias"),
    ]),
    "evidence_for_relation.rq": (
        ["subject", "relation", "object", "paper", "start", "end", "confidence", "sentence"], [
            ("FinLLaMA", "basedOn", "InvestLM", "finllama-2024", "0", "37", "0.8",
             "FinLLaMA is fine-tuned from InvestLM."),
            ("FinLLaMA", "outperforms", "InvestLM", "finllama-2024", "38", "91", "0.6",
             "It is trained on SlimPajama and outperforms InvestLM."),
            ("InvestLM", "basedOn", "LLaMA-65B", "investlm-2023", "40", "97", "0.9",
             "InvestLM is based on LLaMA-65B and trained on SlimPajama."),
            ("InvestLM", "trainedOn", "SlimPajama", "investlm-2023", "40", "97", "0.8",
             "InvestLM is based on LLaMA-65B and trained on SlimPajama."),
            ("InvestLM", "evaluatedOn", "MMLU", "investlm-2023", "98", "128", "0.8", "InvestLM is evaluated on MMLU."),
            ("LoRA", "appliedTo", "InvestLM", "investlm-2023", "129", "155", "0.7", "We apply LoRA to InvestLM."),
        ]),
}


@pytest.fixture(scope="module")
def turtle_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("queries") / "graph.ttl"
    write_rdf(small_graph(), path)
    return path


def test_queries_every_file_has_an_expected_answer():
    assert sorted(p.name for p in QUERIES.glob("*.rq")) == sorted(EXPECTED)
    assert len(EXPECTED) >= 8


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_queries_answer(turtle_path, name):
    query = QUERIES / name
    assert query_rdf(turtle_path, query.read_text(encoding="utf-8"), query_name=str(query)) == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_queries_start_with_an_explaining_comment(name):
    lines = (QUERIES / name).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# ") and len(lines[0]) > 20


@pytest.mark.parametrize("format", ["table", "csv", "json"])
def test_queries_results_format(turtle_path, format):
    variables, rows = query_rdf(turtle_path, (QUERIES / "lineage.rq").read_text(encoding="utf-8"))
    text = format_results(variables, rows, format=format)
    assert "LLaMA-65B" in text and text.endswith("\n")
