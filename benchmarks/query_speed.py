#!/usr/bin/env python3
"""What a fresh `kg query` costs on one RDF export: getting a store, then each query of queries/*.rq.

    python benchmarks/query_speed.py OUT/graph.ttl --store memory   # load the file into memory
    python benchmarks/query_speed.py OUT/graph.ttl --store disk     # the on-disk store beside it

Run each --store in its own process: the peak resident memory printed at the end is the process's.
`--store disk` builds ``graph.ttl.oxigraph/`` when it is missing or stale (timed as "store"), else
opens it. Each query runs `--repeat` times; the CPU (time.process_time, all threads) and wall
seconds printed are the medians. The machine is shared, so compare CPU seconds.
"""
from __future__ import annotations

import argparse
import resource
import statistics
import time
from pathlib import Path

import kg.rdf
from kg.rdf import _load_store, _result_rows

QUERIES = Path(__file__).resolve().parents[1] / "queries"


def timed(function, *args):
    cpu, wall = time.process_time(), time.perf_counter()
    value = function(*args)
    return value, time.process_time() - cpu, time.perf_counter() - wall


def peak_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("export", type=Path)
    parser.add_argument("--store", choices=("memory", "disk"), default="disk")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("queries", nargs="*", type=Path, help="default: every queries/*.rq")
    args = parser.parse_args()
    kg.rdf.STORE_MIN_BYTES = 0 if args.store == "disk" else float("inf")
    store, cpu, wall = timed(_load_store, args.export)
    print(f"{'store':28} cpu {cpu:7.2f} s  wall {wall:7.2f} s  ({args.store}, peak {peak_mb():,} MB)", flush=True)
    for query in args.queries or sorted(QUERIES.glob("*.rq")):
        text = query.read_text(encoding="utf-8")
        runs = [timed(lambda: _result_rows(store.query(text))) for _ in range(args.repeat)]
        rows = len(runs[0][0][1])
        cpu, wall = statistics.median(r[1] for r in runs), statistics.median(r[2] for r in runs)
        print(f"{query.name:28} cpu {cpu:7.2f} s  wall {wall:7.2f} s  {rows:,} rows", flush=True)
    print(f"peak {peak_mb():,} MB")


if __name__ == "__main__":
    main()
