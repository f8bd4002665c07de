"""Support for the view's tests, benchmark and screenshot: hand-made graphs (no spaCy, no files
read) and headless Chromium with the network cut.

demo_graph()        a small realistic graph: eight abstracts about LLaMA and its descendants
synthetic_graph(n)  a graph of n nodes with the shape of a real corpus (papers, entities mentioned
                    by a few papers, a heavy tail of popular ones, typed relations)
launch_chromium()   Debian's /usr/bin/chromium through Playwright, never a downloaded browser
open_offline(...)   open a file:// page, abort and record every other request, record console errors
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from kg.graph import build_graph
from kg.types import Corpus, Document, DocResult, Entity, Evidence, Relation

MARKUP_PROBE = '<script>window.__kg_pwned = 1</script><img src=x onerror="window.__kg_pwned = 2">'

_TYPE_PREFIX = {"Model": "model", "Dataset": "dataset", "Method": "method", "Task": "task", "Metric": "metric"}


def _entity(name: str, type_: str, *aliases: str, introduced: bool = False, variant_of: str | None = None) -> Entity:
    slug = "".join(c if c.isalnum() or c == "." else "-" for c in name.lower()).strip("-")
    return Entity(id=f"{_TYPE_PREFIX[type_]}/{slug}", name=name, type=type_, aliases=aliases,
                  introduced=introduced, variant_of=variant_of)


# name -> (type, aliases)
_ENTITIES = {
    "LLaMA": ("Model", ("LLaMA family",)),
    "LLaMA-65B": ("Model", ("LLaMA 65B", "65B LLaMA")),
    "LLaMA-7B": ("Model", ("LLaMA 7B",)),
    "Llama 2": ("Model", ("LLaMA 2", "Llama-2")),
    "GPT-3": ("Model", ("GPT3",)),
    "Chinchilla": ("Model", ()),
    "PaLM": ("Model", ()),
    "Alpaca": ("Model", ("Stanford Alpaca",)),
    "Vicuna-13B": ("Model", ("Vicuna",)),
    "LIMA": ("Model", ()),
    "GPT-4": ("Model", ()),
    "MMLU": ("Dataset", ("Massive Multitask Language Understanding",)),
    "CommonCrawl": ("Dataset", ("Common Crawl",)),
    "ShareGPT": ("Dataset", ()),
    "HumanEval": ("Dataset", ()),
    "LoRA": ("Method", ("low-rank adaptation",)),
    "QLoRA": ("Method", ()),
    "Position Interpolation": ("Method", ("PI",)),
    "RLHF": ("Method", ("reinforcement learning from human feedback",)),
    "instruction tuning": ("Method", ()),
    "question answering": ("Task", ("QA",)),
    "code generation": ("Task", ()),
    "accuracy": ("Metric", ()),
    "perplexity": ("Metric", ()),
}
_VARIANTS = {"LLaMA-65B": "LLaMA", "LLaMA-7B": "LLaMA"}

# (doc id, title, abstract, entity names, introduced names, relations (head, type, tail, sentence))
_PAPERS = [
    ("touvron-2023a", "LLaMA: Open and Efficient Foundation Language Models",
     "We introduce LLaMA, a collection of foundation language models ranging from 7B to 65B parameters. "
     "We train our models on trillions of tokens from publicly available data such as CommonCrawl. "
     "LLaMA-13B outperforms GPT-3 on most benchmarks, and LLaMA-65B is competitive with Chinchilla and PaLM.",
     ["LLaMA", "LLaMA-65B", "LLaMA-7B", "GPT-3", "Chinchilla", "PaLM", "CommonCrawl", "MMLU", "accuracy"],
     ["LLaMA", "LLaMA-65B", "LLaMA-7B"],
     [("LLaMA-65B", "trained_on", "CommonCrawl",
       "We train our models on trillions of tokens from publicly available data such as CommonCrawl."),
      ("LLaMA-65B", "outperforms", "GPT-3", "LLaMA-65B outperforms GPT-3 on most benchmarks."),
      ("LLaMA-65B", "compared_with", "Chinchilla", "LLaMA-65B is competitive with Chinchilla and PaLM."),
      ("LLaMA-65B", "compared_with", "PaLM", "LLaMA-65B is competitive with Chinchilla and PaLM."),
      ("LLaMA-65B", "evaluated_on", "MMLU", "On MMLU, LLaMA-65B reaches 63.4% accuracy.")]),
    ("touvron-2023b", "Llama 2: Open Foundation and Fine-Tuned Chat Models",
     "We develop and release Llama 2, a collection of pretrained and fine-tuned large language models. "
     "Llama 2 builds on LLaMA and is fine-tuned with RLHF; it outperforms open-source chat models on MMLU.",
     ["Llama 2", "LLaMA", "RLHF", "MMLU", "question answering"], ["Llama 2"],
     [("Llama 2", "based_on", "LLaMA", "Llama 2 builds on LLaMA and is fine-tuned with RLHF."),
      ("Llama 2", "uses", "RLHF", "Llama 2 builds on LLaMA and is fine-tuned with RLHF."),
      ("Llama 2", "evaluated_on", "MMLU", "It outperforms open-source chat models on MMLU.")]),
    ("taori-2023", "Alpaca: A Strong, Replicable Instruction-Following Model",
     "Alpaca is fine-tuned from LLaMA-7B on 52K instruction-following demonstrations using instruction tuning.",
     ["Alpaca", "LLaMA-7B", "instruction tuning"], ["Alpaca"],
     [("Alpaca", "based_on", "LLaMA-7B", "Alpaca is fine-tuned from LLaMA-7B on 52K demonstrations."),
      ("Alpaca", "uses", "instruction tuning", "Alpaca is fine-tuned from LLaMA-7B using instruction tuning.")]),
    ("chiang-2023", "Vicuna: An Open-Source Chatbot Impressing GPT-4",
     "Vicuna-13B is trained by fine-tuning LLaMA on user-shared conversations collected from ShareGPT. "
     "Judged by GPT-4, Vicuna-13B outperforms Alpaca in more than 90% of cases.",
     ["Vicuna-13B", "LLaMA", "ShareGPT", "GPT-4", "Alpaca"], ["Vicuna-13B"],
     [("Vicuna-13B", "based_on", "LLaMA", "Vicuna-13B is trained by fine-tuning LLaMA on ShareGPT."),
      ("Vicuna-13B", "trained_on", "ShareGPT", "Vicuna-13B is trained by fine-tuning LLaMA on ShareGPT."),
      ("Vicuna-13B", "outperforms", "Alpaca", "Vicuna-13B outperforms Alpaca in more than 90% of cases.")]),
    ("zhou-2023", "LIMA: Less Is More for Alignment",
     "LIMA, a 65B parameter LLaMA language model fine-tuned with only 1,000 curated prompts, "
     "is compared with GPT-4 and shows that instruction tuning needs little data.",
     ["LIMA", "LLaMA-65B", "GPT-4", "instruction tuning"], ["LIMA"],
     [("LIMA", "based_on", "LLaMA-65B", "LIMA, a 65B parameter LLaMA language model fine-tuned with 1,000 prompts."),
      ("LIMA", "compared_with", "GPT-4", "LIMA is compared with GPT-4.")]),
    ("hu-2021", "LoRA: Low-Rank Adaptation of Large Language Models",
     "We propose low-rank adaptation, or LoRA, which freezes the pretrained weights of GPT-3 and injects "
     "trainable rank decomposition matrices.",
     ["LoRA", "GPT-3"], ["LoRA"],
     [("LoRA", "applied_to", "GPT-3", "LoRA freezes the pretrained weights of GPT-3.")]),
    ("dettmers-2023", "QLoRA: Efficient Finetuning of Quantized LLMs",
     "QLoRA backpropagates through a frozen 4-bit LLaMA-65B into LoRA adapters; "
     "our best model reaches 99.3% of the performance level of ChatGPT on the Vicuna benchmark.",
     ["QLoRA", "LoRA", "LLaMA-65B", "Vicuna-13B"], ["QLoRA"],
     [("QLoRA", "uses", "LoRA", "QLoRA backpropagates gradients into LoRA adapters."),
      ("QLoRA", "applied_to", "LLaMA-65B", "QLoRA backpropagates through a frozen 4-bit LLaMA-65B.")]),
    ("chen-2023", "Extending Context Window of Large Language Models via Position Interpolation",
     "We present Position Interpolation (PI) that extends the context window of LLaMA models up to 32768 "
     "with minimal fine-tuning, with low perplexity on long documents and strong code generation results "
     "on HumanEval.",
     ["Position Interpolation", "LLaMA", "perplexity", "code generation", "HumanEval"], ["Position Interpolation"],
     [("Position Interpolation", "applied_to", "LLaMA",
       "Position Interpolation extends the context window of LLaMA models up to 32768."),
      ("Position Interpolation", "evaluated_on", "HumanEval", "Strong code generation results on HumanEval.")]),
]


def demo_corpus(*, extra_title: str | None = None, extra_abstract: str | None = None) -> Corpus:
    """The demo papers as a linked Corpus; `extra_*` add one more paper (used for the markup probe)."""
    entities = {name: _entity(name, t, *aliases, variant_of=None) for name, (t, aliases) in _ENTITIES.items()}
    variants = {name: entities[family].id for name, family in _VARIANTS.items()}
    papers = list(_PAPERS)
    if extra_title is not None or extra_abstract is not None:
        papers.append(("probe", extra_title, extra_abstract or "", ["LLaMA"], [],
                       [("LLaMA", "evaluated_on", "MMLU", extra_abstract or "")]))
    results = []
    for doc_id, title, text, names, introduced, relations in papers:
        doc = Document(id=doc_id, text=text, title=title, sources=(f"seeds/{doc_id}.txt:1",))
        doc_entities = tuple(
            _entity(n, _ENTITIES[n][0], *_ENTITIES[n][1], introduced=n in introduced, variant_of=variants.get(n))
            for n in names)
        doc_relations = tuple(
            Relation(head=entities[h].id, type=r, tail=entities[t].id,
                     evidence=Evidence(doc_id=doc_id, sentence=s, start=0, end=len(s), cue=r.split("_")[0],
                                       confidence=0.8))
            for h, r, t, s in relations)
        results.append(DocResult(document=doc, entities=doc_entities, relations=doc_relations))
    return Corpus(results=tuple(results), inputs=("seeds/demo.jsonl", "seeds/extra"))


def demo_graph(**kwargs: str) -> nx.MultiDiGraph:
    """build_graph(demo_corpus(...)); see demo_corpus for the keyword arguments."""
    return build_graph(demo_corpus(**kwargs), kg_version="0.1.0")


def synthetic_graph(n_nodes: int, *, seed: int = 1) -> nx.MultiDiGraph:
    """A graph of exactly `n_nodes` nodes shaped like a real corpus: a quarter papers, the rest
    entities; each paper mentions about 4-7 entities (a heavy tail of popular ones) and states 0-3
    relations.
    """
    rng = random.Random(seed)
    types = ("Model", "Model", "Model", "Dataset", "Method", "Method", "Task", "Metric")
    relation_for = {("Model", "Dataset"): "trained_on", ("Model", "Model"): "outperforms",
                    ("Method", "Model"): "applied_to", ("Method", "Dataset"): "evaluated_on",
                    ("Model", "Method"): "uses"}
    n_papers = n_nodes // 4
    n_entities = n_nodes - n_papers
    entities = [Entity(id=f"{_TYPE_PREFIX[t]}/e{i:05d}", name=f"{t}-{i}", type=t, aliases=(f"{t.lower()}{i}",))
                for i in range(n_entities) for t in (types[i % len(types)],)]
    weights = [1 / (i + 1) ** 0.9 for i in range(n_entities)]
    results = []
    for p in range(n_papers):
        doc = Document(id=f"p{p:05d}", text=f"Abstract of synthetic paper {p}.", title=f"Synthetic paper {p}")
        # Every entity is mentioned at least once (round robin), popular ones many times (heavy tail).
        chosen = set(entities[p::n_papers])
        chosen |= {entities[i] for i in rng.choices(range(n_entities), weights=weights, k=rng.randint(1, 4))}
        chosen_list = sorted(chosen, key=lambda e: e.id)
        relations = []
        for _ in range(rng.randint(0, 3)):
            if len(chosen_list) < 2:
                break
            head, tail = rng.sample(chosen_list, 2)
            kind = relation_for.get((head.type, tail.type))
            if kind:
                sentence = f"{head.name} {kind.replace('_', ' ')} {tail.name}."
                relations.append(Relation(head=head.id, type=kind, tail=tail.id,
                                          evidence=Evidence(doc_id=doc.id, sentence=sentence, start=0,
                                                            end=len(sentence))))
        results.append(DocResult(document=doc, entities=tuple(chosen_list), relations=tuple(relations)))
    return build_graph(Corpus(results=tuple(results), inputs=(f"synthetic:{n_nodes}",)))


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync")
#: The page sets this attribute once the graph is laid out and drawn.
READY_SELECTOR = "body[data-kg-ready]"


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing (pip install -e '.[test]')"
    return None


def launch_chromium(playwright: Any) -> Any:
    """Debian's Chromium, headless; no browser is ever downloaded."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_FLAGS))


@dataclass
class OfflinePage:
    """A page opened with the network cut, and what it tried or complained about."""

    page: Any
    console_errors: list[str] = field(default_factory=list)
    remote_requests: list[str] = field(default_factory=list)


def open_offline(browser: Any, path: str | Path, *, viewport: tuple[int, int] = (1400, 860),
                 wait: bool = True, timeout_ms: int = 60000) -> OfflinePage:
    """Open `path` from file://; any request not to file:, data: or blob: is aborted and recorded."""
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    result = OfflinePage(page)
    page.on("console", lambda m: result.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: result.console_errors.append(f"uncaught: {e}"))

    def route(route: Any) -> None:
        if route.request.url.startswith(("file:", "data:", "blob:")):
            route.continue_()
        else:
            result.remote_requests.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.goto(Path(path).resolve().as_uri())
    if wait:
        page.wait_for_selector(READY_SELECTOR, state="attached", timeout=timeout_ms)
    return result
