"""CPU time of the kg_relations component alone, per abstract, on JSONL corpora.

Usage: python -m benchmarks.relations_speed [CORPUS.jsonl ...] [--repeat 5] [--digest FILE]

Each corpus (default /work/ref/in/synth4k.jsonl; lines with a "text" field) runs once through the
pipeline up to kg_mentions; then find_relations runs over the finished docs `--repeat` times and the
median CPU time (time.process_time) per abstract is printed. CPU time, not wall time: the machine is
shared. `--digest FILE` writes every relation found (token offsets, type, cue, confidence) to FILE,
so two versions of the code can be compared with cmp.
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from kg.extract import build_nlp
from kg.extract.relations import find_relations

SYNTH = Path("/work/ref/in/synth4k.jsonl")


def load_docs(corpus: Path) -> list:
    """The corpus's docs after every component before kg_relations."""
    texts = [json.loads(line)["text"] for line in corpus.read_text().splitlines() if line.strip()]
    nlp = build_nlp()
    with nlp.select_pipes(disable=["kg_relations"]):
        return list(nlp.pipe(texts, batch_size=64))


def time_relations(docs: list, repeat: int) -> float:
    """Median CPU seconds of find_relations over all docs."""
    runs = []
    for _ in range(repeat):
        t = time.process_time()
        for doc in docs:
            find_relations(doc)
        runs.append(time.process_time() - t)
    return statistics.median(runs)


def digest_lines(name: str, docs: list) -> list[str]:
    lines = []
    for number, doc in enumerate(docs):
        for head, relation, tail, cue, confidence in find_relations(doc):
            lines.append(f"{name}\t{number}\t{head.start}:{head.end}\t{head.label_}\t{relation}\t"
                         f"{tail.start}:{tail.end}\t{tail.label_}\t{cue!r}\t{confidence!r}")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpora", nargs="*", type=Path, default=[SYNTH])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--digest", type=Path)
    args = ap.parse_args()
    lines: list[str] = []
    for corpus in args.corpora:
        docs = load_docs(corpus)
        seconds = time_relations(docs, args.repeat)
        print(f"{corpus.name:16s} {len(docs):5d} docs  kg_relations {1000 * seconds / len(docs):.4f} ms CPU/doc "
              f"(median of {args.repeat})")
        if args.digest:
            lines += digest_lines(corpus.stem, docs)
    if args.digest:
        args.digest.write_text("\n".join(lines) + "\n")
        print(f"{len(lines)} relations -> {args.digest}")


if __name__ == "__main__":
    main()
