#!/usr/bin/env python3
"""CPU per abstract of each extraction step, component by component.

    python benchmarks/component_speed.py INPUT.jsonl [INPUT.jsonl ...] [--repeat 5]

For each input: make every Doc with `nlp.make_doc`, then run each pipeline component over all the
docs in turn, then `doc_to_extraction`, timing each step with `time.process_time`. Prints the
median over `--repeat` runs (fresh docs each run) in ms per abstract. The first run warms the
caches (tokenizer, lru_caches) and is not counted. The cyclic garbage collector is off while timing:
with thousands of docs alive, its full collections land on whichever step happens to trigger them.
"""
from __future__ import annotations

import argparse
import gc
import json
import statistics
import time
from pathlib import Path


def step_times(nlp, documents) -> dict[str, float]:
    from kg.extract.mentions import _make_doc, doc_to_extraction

    times: dict[str, float] = {}
    gc.collect()
    gc.disable()
    started = time.process_time()
    docs = [_make_doc(nlp, document) for document in documents]
    times["make_doc"] = time.process_time() - started
    for name, component in nlp.pipeline:
        started = time.process_time()
        docs = [component(doc) for doc in docs]
        times[name] = time.process_time() - started
    started = time.process_time()
    for doc, document in zip(docs, documents):
        doc_to_extraction(doc, document)
    times["doc_to_extraction"] = time.process_time() - started
    gc.enable()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", type=Path, nargs="+", help="JSONL with 'id', 'text' (and optionally 'title')")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from kg.extract import build_nlp
    from kg.types import Document

    nlp = build_nlp()
    # the steps before kg_relations and after the tokenizer, and doc_to_extraction (token arrays are made by
    # whichever step first needs them: kg_shapes, or kg_sentences where that replaces spaCy's sentencizer)
    mine = ("sentencizer", "kg_sentences", "kg_lexicon", "kg_lexicon_cased", "kg_shapes", "kg_abbreviations",
            "kg_mentions", "doc_to_extraction")
    for path in args.inputs:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        documents = [Document(id=row["id"], text=row["text"], title=row.get("title")) for row in rows]
        step_times(nlp, documents)  # warm-up
        runs = [step_times(nlp, documents) for _ in range(args.repeat)]
        print(f"{path.name}: {len(documents)} abstracts, ms per abstract (median of {args.repeat})")
        total = 0.0
        for name in runs[0]:
            ms = statistics.median(run[name] for run in runs) * 1000 / len(documents)
            total += ms if name in mine else 0.0
            print(f"  {name:20s} {ms:7.4f}")
        print(f"  {'all but tokenizer and kg_relations':20s} {total:7.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
