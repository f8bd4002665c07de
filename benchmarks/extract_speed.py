#!/usr/bin/env python3
"""Extraction speed against spaCy's tokenizer alone, on the same texts.

    python benchmarks/extract_speed.py INPUT.jsonl [--repeat 3] [--copies 1] [--processes]

In-process (default): abstracts/s of `spacy.blank("en").pipe(texts)` (tokenizer only) and of
kg's full pipeline (`build_nlp()` then `extract()`, what `kg extract` runs), median of `--repeat`
runs each, and their ratio. With `--processes`, also times two fresh processes end to end, the way
the performance target is stated: one that imports spaCy, reads the JSONL, tokenizes every text
with `spacy.blank("en")` and writes a line per document, and `kg extract INPUT --out ...`.
`--copies N` repeats the input N times (a few thousand abstracts give stable numbers).
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TOKENIZER_ONLY = """
import json, sys, spacy
nlp = spacy.blank("en")
rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for row, doc in zip(rows, nlp.pipe(row["text"] for row in rows)):
        out.write(json.dumps({"id": row["id"], "tokens": len(doc)}) + "\\n")
"""


def read_texts(path: Path, copies: int) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [{**row, "id": f"{row['id']}#{n}"} for n in range(copies) for row in rows]


def median_rate(run, n_docs: int, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return n_docs / statistics.median(times)


def in_process(rows: list[dict], repeat: int) -> tuple[float, float]:
    import spacy

    from kg.extract import build_nlp, extract
    from kg.types import Document

    texts = [row["text"] for row in rows]
    documents = [Document(id=row["id"], text=row["text"], title=row.get("title")) for row in rows]
    blank = spacy.blank("en")
    nlp = build_nlp()
    tokenizer_rate = median_rate(lambda: sum(1 for _ in blank.pipe(texts)), len(rows), repeat)
    kg_rate = median_rate(lambda: sum(1 for _ in extract(nlp, documents)), len(rows), repeat)
    return tokenizer_rate, kg_rate


def processes(path: Path, n_docs: int, repeat: int) -> tuple[float, float]:
    kg = Path(sys.executable).with_name("kg")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.jsonl"
        tokenizer_rate = median_rate(lambda: subprocess.run(
            [sys.executable, "-c", TOKENIZER_ONLY, str(path), str(out)], check=True), n_docs, repeat)
        kg_rate = median_rate(lambda: subprocess.run(
            [str(kg), "extract", str(path), "--out", str(out)], check=True, capture_output=True), n_docs, repeat)
    return tokenizer_rate, kg_rate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", type=Path, help="JSONL with 'id', 'text' (and optionally 'title')")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--processes", action="store_true", help="also time fresh processes end to end")
    args = parser.parse_args()
    rows = read_texts(args.input, args.copies)
    print(f"{len(rows)} abstracts, median of {args.repeat}")
    print(f"{'mode':12} {'tokenizer/s':>12} {'kg extract/s':>13} {'ratio':>7}")
    tok, kg = in_process(rows, args.repeat)
    print(f"{'in-process':12} {tok:12.1f} {kg:13.1f} {kg / tok:7.1%}")
    if args.processes:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "input.jsonl"
            path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
            tok, kg = processes(path, len(rows), args.repeat)
        print(f"{'processes':12} {tok:12.1f} {kg:13.1f} {kg / tok:7.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
