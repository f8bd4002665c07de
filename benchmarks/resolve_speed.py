#!/usr/bin/env python3
"""CPU per abstract of the stages after extraction in `kg extract`: resolve_document, then the
prediction line (to_record and JSON, as `kg extract` writes it).

    python benchmarks/resolve_speed.py INPUT.jsonl [INPUT.jsonl ...] [--repeat 5] [--no-gc]

Extracts each input once and keeps the DocExtractions in a list, then times, `--repeat` times,
resolve_document over all of them and the prediction line of each result (time.process_time),
and prints the medians in ms per abstract. The memoized helpers of kg.normalize and kg.resolve
are cleared before each run, so that every run starts cold, as a `kg extract` worker does.

The garbage collector's share depends on how many objects the process holds (here every
extraction and result of the input): `--no-gc` leaves it out, to compare code changes alone.
"""
from __future__ import annotations

import argparse
import gc
import statistics
import time
from pathlib import Path

from kg import normalize, resolve
from kg.analysis import prediction_line
from kg.extract import build_nlp, extract
from kg.ingest import read_records


def clear_caches() -> None:
    for module in (normalize, resolve):
        for value in vars(module).values():
            if hasattr(value, "cache_clear"):
                value.cache_clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("inputs", nargs="+", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-gc", action="store_true", help="disable the garbage collector while timing")
    args = parser.parse_args()
    nlp = build_nlp()
    for path in args.inputs:
        extractions = list(extract(nlp, read_records([path])))
        resolve_ms, line_ms = [], []
        for _ in range(args.repeat):
            clear_caches()
            gc.collect()
            if args.no_gc:
                gc.disable()
            start = time.process_time()
            # as `kg extract` calls it: a prediction does not use the merge log
            results = [resolve.resolve_document(extraction, merge_log=False) for extraction in extractions]
            middle = time.process_time()
            lines = [prediction_line(result) for result in results]
            end = time.process_time()
            gc.enable()
            resolve_ms.append((middle - start) / len(extractions) * 1e3)
            line_ms.append((end - middle) / len(extractions) * 1e3)
            del results, lines
        resolve_median, line_median = statistics.median(resolve_ms), statistics.median(line_ms)
        print(f"{path.name}: {len(extractions)} abstracts, ms per abstract: resolve_document {resolve_median:.4f}, "
              f"prediction line {line_median:.4f}, both {resolve_median + line_median:.4f}"
              f"{' (gc disabled)' if args.no_gc else ''}")


if __name__ == "__main__":
    main()
