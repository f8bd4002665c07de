"""Deterministic synthetic abstracts shaped like the seeds: for benchmarking only, never for quality.

Each abstract is 8-13 sentences (about 950-1,650 characters, 1,280 on average; the seeds' is 1,300) built from templates, with names
drawn from pools whose use is Zipf-skewed, as in real corpora: a few names (GPT-4, ImageNet, LoRA)
appear in a large share of papers and a long tail appears once or twice. Every abstract also
introduces a name of its own ("we propose Foo-7B"), so the number of distinct entities grows with
the corpus, and about 2% of the records repeat an earlier abstract (same text, new id), which
exercises the duplicate folding.

Prose words. Templates alone give a vocabulary far smaller than real text's: 3,100 distinct
whitespace-separated chunks in 1,000 abstracts, against 18,900 in 1,000 pieces of real paper text
(SciERC and SciER, see real_text.py). That fits in spaCy's tokenizer cache (10,000 chunks), so the
bare tokenizer ran 4x faster per abstract on the templates than on real prose (0.047 against 0.19 ms,
cache warm) while kg's own cost per token is the same on both: the reference speed was that of a
text no corpus has. So three sentences per abstract are filled with ~30 lower-case pseudo-words drawn
from a Pitman-Yor process (discount 0.6), whose vocabulary grows like real text's (Heaps' law,
exponent ~0.6): 3,400 / 8,300 / 21,000 chunk types after 100 / 300 / 1,000 abstracts, against
4,800 / 9,700 / 18,900 for the real text. `prose=False` gives the template-only corpus of earlier runs.

    python -m benchmarks.synth 10000 > abstracts.jsonl
"""
from __future__ import annotations

import argparse
import bisect
import itertools
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path

SEED = 20240601
DUPLICATE_RATE = 0.02

#: Families and sizes of model names; sized variants ("LLaMA-65B") are formed from these.
MODEL_FAMILIES = (
    "LLaMA", "Llama 2", "GPT-4", "GPT-3.5", "ChatGPT", "BERT", "RoBERTa", "T5", "Mistral", "Mixtral",
    "Qwen2.5", "Falcon", "Vicuna", "Alpaca", "StarCoder", "Code Llama", "PaLM", "Gemini", "Claude",
    "OPT", "BLOOM", "Pythia", "Phi-2", "DeBERTa", "ELECTRA", "XLNet", "ViT", "CLIP", "Whisper", "DINOv2",
)
SIZES = ("7B", "13B", "33B", "65B", "70B", "1.3B", "2.7B", "6.7B", "8x7B", "175B", "base", "large")
DATASETS = (
    "MMLU", "GSM8K", "HumanEval", "ImageNet", "SQuAD", "GLUE", "SuperGLUE", "HellaSwag", "TruthfulQA",
    "MBPP", "COCO", "CIFAR-10", "WikiText-103", "The Pile", "C4", "BIG-bench", "ARC", "WinoGrande",
    "Natural Questions", "TriviaQA", "MS MARCO", "LibriSpeech", "Common Crawl", "OpenWebText", "MATH",
)
#: (long form, short form) pairs: the text defines them as "long form (SF)".
METHODS = (
    ("Low-Rank Adaptation", "LoRA"), ("Reinforcement Learning from Human Feedback", "RLHF"),
    ("Direct Preference Optimization", "DPO"), ("supervised fine-tuning", "SFT"),
    ("Retrieval-Augmented Generation", "RAG"), ("Chain-of-Thought", "CoT"),
    ("Position Interpolation", "PI"), ("Mixture of Experts", "MoE"), ("knowledge distillation", "KD"),
    ("Proximal Policy Optimization", "PPO"), ("in-context learning", "ICL"),
    ("parameter-efficient fine-tuning", "PEFT"), ("contrastive learning", "CL"),
    ("masked language modeling", "MLM"), ("instruction tuning", "IT"),
)
TASKS = (
    "question answering", "code generation", "machine translation", "summarization", "image classification",
    "mathematical reasoning", "named entity recognition", "speech recognition", "text classification",
    "commonsense reasoning", "dialogue generation", "information retrieval", "semantic parsing",
)
METRICS = ("accuracy", "F1", "BLEU", "ROUGE-L", "pass@1", "exact match", "perplexity", "top-1 accuracy")
_SYLLABLES = ("ze", "pho", "ly", "ra", "kin", "vo", "tor", "nex", "qua", "mi", "sol", "dra", "fen",
              "gal", "hex", "ion", "jur", "kal", "lum", "mor", "nyx", "orb", "pyr", "ril", "syn", "tal")

OPENINGS = (
    "Large language models (LLMs) have shown remarkable abilities in {task}, yet their behaviour on {task2} remains poorly understood.",
    "Recent progress in {task} has been driven by ever larger models such as {model} and {model2}.",
    "Despite rapid advances, {task} remains challenging for open models, particularly when data are scarce.",
    "The application of {method_long} ({method_short}) to {task} is gaining increasing attention.",
    "Training state-of-the-art models for {task} is expensive, and the details are often not disclosed.",
)
PROPOSALS = (
    "In this work, we propose {new}, a {size} model trained on {dataset} and {dataset2}.",
    "We introduce {new}, which combines {method_long} ({method_short}) with a lightweight retrieval module.",
    "To address this gap, we present {new}, an open model built on {model} and further tuned with {method_short}.",
    "We release {new}, a family of models ranging from 1.3B to 70B parameters, together with the training code.",
    "This paper describes {new}, a new benchmark for {task} collected from {dataset} and public forums.",
)
BODIES = (
    "We fine-tune {model} with {method_long} ({method_short}) on {dataset} and report {metric} on {dataset2}.",
    "Compared with {model2}, our approach requires fewer FLOPs and tokens while matching its {metric}.",
    "Experiments on {dataset}, {dataset2} and {dataset3} show consistent gains over strong baselines.",
    "Our analysis reveals that {method_short} is most effective when combined with {method2_short}.",
    "We further study the effect of data mixture, context length (up to 32k tokens) and model size.",
    "The model is evaluated with {metric} and {metric2}, following the protocol of prior work (Touvron et al., 2023).",
    "Ablations indicate that the gains come mainly from the pretraining data rather than the architecture.",
    "We observe that {model} benefits more from {method_short} than {model2}, e.g., on {dataset}.",
    "Human evaluation with 1,200 annotated pairs confirms the automatic results.",
    "All experiments were run on 64 A100 GPUs over two weeks, and we report the cost in GPU-hours.",
    "Unlike previous approaches that rely on proprietary data, we use only publicly available corpora such as {dataset3}.",
    "The implementation details for such high-capacity models are often protected due to business considerations.",
    "We also provide settings for continual learning and few-shot evaluation, which are important for {task2}.",
    "Specifically, the training has two phases with appropriately adjusted code/language ratios and a longer context.",
)
RESULTS = (
    "{new} outperforms {model} by 4.2 points on {dataset} and rivals {model2} on {dataset2}.",
    "On {dataset}, {new} achieves a {metric} of 71.3%, surpassing {model} and {model2}.",
    "{new} reaches state-of-the-art {metric} on {dataset} while being 3x smaller than {model}.",
    "Results show that {new} is competitive with {model} on {task} but lags behind on {task2}.",
)
CLOSINGS = (
    "Code, data and model weights are available at https://example.org/{new_slug}.",
    "We hope that {new} will serve as a foundation for future research on {task}.",
    "We discuss limitations, including potential biases inherited from {dataset}.",
    "Our findings suggest that careful data curation matters more than scale for {task}.",
)


#: Sentences of ordinary prose whose content words ({w}) are pseudo-words (see PseudoWords).
PROSE = (
    "We {w} the {w} {w} of {w} {w} and {w} its {w} on {w} {w}.",
    "The {w} {w} is {w} by a {w} {w}, which {w} the {w} {w} of {w}.",
    "This {w} {w} {w} {w} in {w} {w} settings, where {w} {w} are {w}.",
    "In particular, {w} {w} and {w} {w} {w} the {w} of {w} {w} {w}.",
    "Such {w} {w} remain {w} because the {w} {w} {w} with {w} {w}.",
    "Our {w} {w} suggests that {w} {w} can {w} {w} without {w} {w}.",
)
_WORD_SYLLABLES = _SYLLABLES + ("ben", "cas", "den", "fir", "gor", "hul", "ix", "ja", "ket", "lo", "mun",
                                "nor", "pel", "quo", "rus", "sen", "tu", "ul", "ver", "wo", "xa", "yel", "zu")
_WORD_SUFFIXES = ("", "", "", "s", "ing", "ed", "tion", "ity", "al", "ic", "ive", "ly", "ness", "ment")
#: Pitman-Yor parameters, set so that the vocabulary grows like the real text's (module docstring).
PROSE_DISCOUNT = 0.6
PROSE_CONCENTRATION = 2500.0


class PseudoWords:
    """Lower-case pseudo-words from a Pitman-Yor process: a vocabulary that keeps growing, as real text's does.

    A draw is a new word with probability (concentration + discount * words so far) / (draws so far +
    concentration), else a repeat of an earlier draw chosen uniformly (frequent words recur more).
    """

    def __init__(self, discount: float = PROSE_DISCOUNT, concentration: float = PROSE_CONCENTRATION) -> None:
        self.discount, self.concentration = discount, concentration
        self.distinct = 0
        self.drawn: list[str] = []

    def draw(self, rng: random.Random) -> str:
        if rng.random() * (len(self.drawn) + self.concentration) < self.concentration + self.discount * self.distinct:
            self.distinct += 1
            word = "".join(rng.choice(_WORD_SYLLABLES) for _ in range(rng.randint(2, 4))) + rng.choice(_WORD_SUFFIXES)
        else:
            word = self.drawn[rng.randrange(len(self.drawn))]
        self.drawn.append(word)
        return word


class ZipfPool:
    """Draws items with probability proportional to 1 / rank ** s (a long tail of rare items)."""

    def __init__(self, items: list, s: float = 1.1) -> None:
        self.items = items
        self.cumulative = list(itertools.accumulate(1.0 / (rank ** s) for rank in range(1, len(items) + 1)))

    def draw(self, rng: random.Random):
        return self.items[bisect.bisect_left(self.cumulative, rng.random() * self.cumulative[-1])]


def _invented_name(rng: random.Random) -> str:
    stem = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3)))
    style = rng.random()
    if style < 0.4:
        return f"{stem.capitalize()}-{rng.choice(SIZES[:9])}"
    if style < 0.7:
        return f"{stem.capitalize()}{rng.choice(('LM', 'Net', 'GPT', 'Coder', 'Former'))}"
    if style < 0.85:
        return f"{stem.upper()[:rng.randint(3, 5)]}{rng.randint(1, 9)}"
    return f"{stem.capitalize()} {rng.randint(2, 4)}"


def model_pool(rng: random.Random, size: int) -> list[str]:
    """Known families with sizes first (most used), then invented names (the long tail)."""
    names = list(MODEL_FAMILIES)
    names += [f"{family}-{size_}" for family in MODEL_FAMILIES[:12] for size_ in SIZES[:6]]
    seen = set(names)
    while len(names) < size:
        name = _invented_name(rng)
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def generate(count: int, *, seed: int = SEED, prose: bool = True) -> Iterator[dict]:
    """`count` records {"id", "title", "text"}; the same count, seed and `prose` give the same records.

    Args:
        prose: put three sentences of pseudo-word prose in each abstract (module docstring); False
            gives the template-only abstracts of the benchmark runs before they were added.
    """
    rng = random.Random(seed)
    words = PseudoWords()
    # Earlier papers' new models join the pool others cite: reuse grows with the corpus, as in reality.
    models = ZipfPool(model_pool(rng, 200 + count // 20))
    datasets = ZipfPool(list(DATASETS))
    methods = ZipfPool(list(METHODS))
    tasks = ZipfPool(list(TASKS))
    metrics = ZipfPool(list(METRICS), s=0.8)
    recent: list[str] = []
    emitted: list[tuple[str | None, str]] = []
    for index in range(count):
        doc_id = f"synth-{index:06d}"
        if emitted and rng.random() < DUPLICATE_RATE:
            title, text = emitted[rng.randrange(len(emitted))]
            yield {"id": doc_id, "title": title, "text": text}
            continue
        new = _invented_name(rng)
        method, method2 = methods.draw(rng), methods.draw(rng)
        cited = [models.draw(rng) for _ in range(2)]
        if recent and rng.random() < 0.3:
            cited[1] = recent[rng.randrange(len(recent))]
        fill = {
            "new": new, "new_slug": new.lower().replace(" ", "-"), "size": rng.choice(SIZES[:6]),
            "model": cited[0], "model2": cited[1],
            "dataset": datasets.draw(rng), "dataset2": datasets.draw(rng), "dataset3": datasets.draw(rng),
            "method_long": method[0], "method_short": method[1], "method2_short": method2[1],
            "task": tasks.draw(rng), "task2": tasks.draw(rng),
            "metric": metrics.draw(rng), "metric2": metrics.draw(rng),
        }
        sentences = [rng.choice(OPENINGS), rng.choice(PROPOSALS)]
        if prose:
            sentences += rng.sample(BODIES, rng.randint(4, 8)) + [_prose(rng, words) for _ in range(3)]
        else:
            sentences += rng.sample(BODIES, rng.randint(7, 11))
        sentences += [rng.choice(RESULTS), rng.choice(CLOSINGS)]
        text = " ".join(s.format(**fill) for s in sentences)
        title = f"{new}: {fill['task'].capitalize()} with {fill['method_short']}" if rng.random() < 0.8 else None
        recent.append(new)
        if len(recent) > 500:
            recent.pop(0)
        emitted.append((title, text))
        yield {"id": doc_id, "title": title, "text": text}


def _prose(rng: random.Random, words: PseudoWords) -> str:
    """One prose sentence (pseudo-words have no braces: the later format(**fill) leaves them as they are)."""
    template = rng.choice(PROSE)
    return template.replace("{w}", "{}").format(*(words.draw(rng) for _ in range(template.count("{w}"))))


def write_corpus(path: str | Path, count: int, *, seed: int = SEED, prose: bool = True) -> Path:
    """Write `count` synthetic records as JSON Lines (reused when the file is already there)."""
    path = Path(path)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "w", encoding="utf-8") as fh:
        for record in generate(count, seed=seed, prose=prose):
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    tmp.replace(path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write deterministic synthetic abstracts as JSON Lines.")
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--templates-only", action="store_true", help="no prose sentences (earlier runs' corpus)")
    args = parser.parse_args(argv)
    for record in generate(args.count, seed=args.seed, prose=not args.templates_only):
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
