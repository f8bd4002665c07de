"""Per-component timing of kg's pipeline (in-process).

Usage: python benchmarks/relations_speed.py [SCIER_JSONL] [--repeat 3]

Runs build_nlp() over ~2,000 texts (the dev seeds plus SciER sentences grouped in 6s, repeated
to the target size), timing every pipeline component by wrapping it, and reports ms/doc per
component and abstracts/s (median of 3 runs).
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from kg.extract import build_nlp

DEV = Path("/work/shared/gold/seeds.jsonl")
SCIER = Path("/work/shared/benchmarks/scier/LLM/train.jsonl")


def load_texts(scier: Path, target: int) -> list[str]:
    texts = [json.loads(line)["text"] for line in DEV.read_text().splitlines() if line.strip()] if DEV.exists() else []
    if scier.exists():
        sents = [json.loads(line)["sentence"] for line in scier.read_text().splitlines() if line.strip()]
        texts += [" ".join(sents[i:i + 6]) for i in range(0, len(sents), 6)]
    out = []
    while len(out) < target:
        out.extend(texts)
    return out[:target]


class Timed:
    def __init__(self, name, fn, totals):
        self.name, self.fn, self.totals = name, fn, totals

    def __call__(self, doc):
        t = time.perf_counter()
        doc = self.fn(doc)
        self.totals[self.name] = self.totals.get(self.name, 0.0) + time.perf_counter() - t
        return doc


def run_once(texts: list[str]) -> tuple[float, dict[str, float]]:
    nlp = build_nlp()
    totals: dict[str, float] = {}
    # wrap: components are called one doc at a time by nlp.pipe when they have no .pipe of their own
    nlp._components = [(name, Timed(name, proc, totals)) for name, proc in nlp._components]
    tok = nlp.tokenizer
    nlp.tokenizer = Timed("tokenizer", tok, totals)
    t = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=64):
        pass
    return time.perf_counter() - t, totals


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("scier", nargs="?", type=Path, default=SCIER)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    texts = load_texts(args.scier, args.n)
    runs = [run_once(texts) for _ in range(args.repeat)]
    n = len(texts)
    walls = [w for w, _ in runs]
    print(f"{n} texts, {args.repeat} runs; median wall {statistics.median(walls):.3f}s "
          f"= {n / statistics.median(walls):.0f} abstracts/s")
    for name in runs[0][1]:
        ms = statistics.median(r[1][name] for r in runs) * 1000 / n
        print(f"  {name:20s} {ms:7.3f} ms/doc")
    # tokenizer-only reference (spaCy blank English tokenizer)
    import spacy
    blank = spacy.blank("en")
    tw = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        for _ in blank.tokenizer.pipe(texts):
            pass
        tw.append(time.perf_counter() - t)
    tok = n / statistics.median(tw)
    full = n / statistics.median(walls)
    print(f"spaCy tokenizer-only: {tok:.0f} abstracts/s; kg pipeline = {100 * full / tok:.1f}% of it")


if __name__ == "__main__":
    main()
