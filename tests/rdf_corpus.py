"""A tiny hand-made corpus for the RDF, ontology and query tests (no spaCy)."""
from __future__ import annotations

import networkx as nx

from kg.graph import build_graph
from kg.types import Corpus, Document, DocResult, Entity, Evidence, Relation

INVESTLM_TEXT = ("We present InvestLM, a financial model. InvestLM is based on LLaMA-65B and trained on SlimPajama. "
                 "InvestLM is evaluated on MMLU. We apply LoRA to InvestLM.")
FINLLAMA_TEXT = ("FinLLaMA is fine-tuned from InvestLM.\nIt is trained on SlimPajama and outperforms InvestLM.")
#: A name with spaces, quotes, angle brackets, Greek, Chinese and a newline.
ODD_NAME = 'Odd "α-β" <模型>\nv2'
ODD_ID = 'model/odd "α-β" <模型>\nv2 /..'


def _sentence(text: str, fragment: str) -> tuple[str, int, int]:
    start = text.index(fragment)
    return fragment, start, start + len(fragment)


def _evidence(doc_id: str, text: str, fragment: str, *, cue: str = "", confidence: float = 0.8) -> Evidence:
    sentence, start, end = _sentence(text, fragment)
    return Evidence(doc_id, sentence, start, end, cue=cue, confidence=confidence)


def small_corpus() -> Corpus:
    """Two papers: InvestLM (based on LLaMA-65B) and FinLLaMA (based on InvestLM), plus odd names.

    Some aliases differ from the name only in case, so that a query matching "any name, ignoring
    case" finds the entity twice unless it asks for DISTINCT rows.
    """
    investlm = Entity("model/investlm", "InvestLM", "Model", aliases=("InvestLM", "Invest-LM", "INVESTLM"), introduced=True)
    llama65 = Entity("model/llama-65b", "LLaMA-65B", "Model", aliases=("LLaMA 65B", "LLaMA-65B", "llama-65B", "llama65b"),
                     variant_of="model/llama")
    llama = Entity("model/llama", "LLaMA", "Model")
    slim = Entity("dataset/slimpajama", "SlimPajama", "Dataset", aliases=("slimpajama",))
    mmlu = Entity("dataset/mmlu", "MMLU", "Dataset")
    lora = Entity("method/lora", "LoRA", "Method", aliases=("Low-Rank Adaptation",))
    odd = Entity(ODD_ID, ODD_NAME, "Model", aliases=("odd <v2>",))
    finllama = Entity("model/finllama", "FinLLaMA", "Model", aliases=("FINLLAMA",), introduced=True)
    a, b = "investlm-2023", "finllama-2024"
    s_based = "InvestLM is based on LLaMA-65B and trained on SlimPajama."
    s_eval = "InvestLM is evaluated on MMLU."
    s_lora = "We apply LoRA to InvestLM."
    s_fin = "FinLLaMA is fine-tuned from InvestLM."
    s_fin2 = "It is trained on SlimPajama and outperforms InvestLM."
    paper_a = DocResult(
        Document(a, INVESTLM_TEXT, title="InvestLM: a financial LLM", sources=("seeds/a.txt:1",)),
        entities=(investlm, llama65, llama, slim, mmlu, lora),
        relations=(
            Relation(investlm.id, "based_on", llama65.id,
                     _evidence(a, INVESTLM_TEXT, s_based, cue="based on", confidence=0.9)),
            Relation(investlm.id, "trained_on", slim.id, _evidence(a, INVESTLM_TEXT, s_based, cue="trained on")),
            Relation(investlm.id, "evaluated_on", mmlu.id, _evidence(a, INVESTLM_TEXT, s_eval, cue="evaluated on")),
            Relation(lora.id, "applied_to", investlm.id,
                     _evidence(a, INVESTLM_TEXT, s_lora, cue="apply", confidence=0.7)),
        ))
    paper_b = DocResult(
        Document(b, FINLLAMA_TEXT, title=None, sources=("seeds/b.jsonl:3", "seeds/c.jsonl:1")),
        entities=(finllama, Entity(investlm.id, investlm.name, "Model"), slim, odd),
        relations=(
            Relation(finllama.id, "based_on", investlm.id, _evidence(b, FINLLAMA_TEXT, s_fin, cue="fine-tuned from")),
            Relation(finllama.id, "trained_on", slim.id, _evidence(b, FINLLAMA_TEXT, s_fin2, cue="trained on")),
            Relation(finllama.id, "outperforms", investlm.id,
                     _evidence(b, FINLLAMA_TEXT, s_fin2, cue="outperforms", confidence=0.6)),
            Relation(odd.id, "compared_with", finllama.id, _evidence(b, FINLLAMA_TEXT, s_fin2, confidence=0.5)),
        ))
    return Corpus(results=(paper_a, paper_b), inputs=("seeds",))


def small_graph() -> nx.MultiDiGraph:
    """The graph of `small_corpus`, as kg build makes it."""
    return build_graph(small_corpus(), kg_version="0.1.0")
