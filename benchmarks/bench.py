"""kg at scale: abstracts per second and peak memory, against spaCy's bare tokenizer, in one run.

For each size (default 10k, 40k and 100k synthetic abstracts, see synth.py) it runs, each in a
fresh process and in this order, so that machine noise hits every row alike:

1. tokenizer only: ``benchmarks/tokenize_only.py`` (spaCy import + ``spacy.blank("en")`` + JSONL
   in and out), the reference speed;
2. ``kg extract --jobs J`` for every J of ``--jobs``;
3. ``kg build --jobs J`` (largest J), through ``benchmarks/run_build.py`` for the seconds per stage;

then the SPARQL queries of ``queries/*.rq`` with ``kg query`` against the largest build's RDF.

Peak memory is the largest sum of the resident set sizes (RSS) of the measured process and all of
its descendants (the extraction workers), sampled every 20 ms with psutil (the tree is listed again
every 200 ms). Pages shared between processes are counted once per process, so the figure is an
upper bound; a peak shorter than 20 ms, or in a process younger than 200 ms, can be missed. Without psutil it falls back to getrusage(RUSAGE_CHILDREN).ru_maxrss, which is
the largest single process and undercounts parallel runs (the table says which was used).

    python -m benchmarks.bench                      # 10k, 40k, 100k: about 15 minutes on 2 cores
    python -m benchmarks.bench --sizes 2000 --jobs 1,2   # a quick check, under a minute
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.synth import write_corpus

try:
    import psutil
except ImportError:  # pragma: no cover - the fallback is documented above
    psutil = None

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
#: Targets from the issue, as ratios measured in one run.
EXTRACT_TARGET = 0.40
BUILD_TARGET = 0.20
MEMORY_GROWTH_TARGET = 1.3
BUILD_MEMORY_TARGET_MB = 1536


@dataclass
class Run:
    """One measured process: wall seconds, CPU seconds of it and its children, peak memory."""

    wall: float
    cpu: float
    peak_mb: float
    stdout: str = ""
    extra: dict = field(default_factory=dict)


class _PeakSampler(threading.Thread):
    """Samples the summed RSS of a process tree until stopped.

    The RSS of the known processes is read every `interval`; the tree itself is listed again only every
    `relist` seconds. Listing a tree reads the parent of every process on the machine (psutil scans
    /proc): at every 20 ms that took ~6% of a core, taken from a `kg extract --jobs 2` that keeps both
    cores busy while the one-process tokenizer run it is compared with left it a free core.
    """

    def __init__(self, pid: int, interval: float = 0.02, relist: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.relist, self.peak = pid, interval, relist, 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        processes, listed = [root], float("-inf")
        while not self._stop_event.is_set():
            if time.monotonic() - listed >= self.relist:
                try:
                    processes = [root, *root.children(recursive=True)]
                except psutil.Error:
                    return
                listed = time.monotonic()
            total = 0
            for process in processes:
                try:
                    total += process.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self._stop_event.wait(self.interval)

    def stop(self) -> int:
        self._stop_event.set()
        self.join()
        return self.peak


def measure(command: list[str], *, cwd: Path = ROOT) -> Run:
    """Run a command to completion; raises CalledProcessError with its stderr if it fails."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONHASHSEED": "0"})
    sampler = _PeakSampler(process.pid) if psutil is not None else None
    if sampler is not None:
        sampler.start()
    stdout, stderr = process.communicate()
    wall = time.perf_counter() - started
    peak = sampler.stop() if sampler is not None else 0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        raise subprocess.CalledProcessError(process.returncode, command, stdout, stderr)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if sampler is None:
        peak = after.ru_maxrss * 1024  # KiB on Linux; the largest single process only
    return Run(wall=wall, cpu=cpu, peak_mb=peak / 2**20, stdout=stdout)


def median_run(command: list[str], repeat: int) -> Run:
    """The run with the median wall time of `repeat` runs (its memory and CPU go with it)."""
    runs = sorted((measure(command) for _ in range(repeat)), key=lambda r: r.wall)
    return runs[len(runs) // 2]


def exports_available() -> bool:
    return all(importlib.util.find_spec(name) is not None for name in ("kg.rdf", "kg.view"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,40000,100000",
                        help="comma-separated corpus sizes (default: 10000,40000,100000)")
    parser.add_argument("--jobs", default=f"1,{os.cpu_count() or 1}",
                        help="comma-separated --jobs values for kg extract; kg build uses the largest "
                             "(default: 1 and the number of CPUs)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per row; the median is shown (default: 1)")
    parser.add_argument("--workdir", default=str(ROOT / "benchmarks" / ".data"),
                        help="where corpora and outputs go (default: benchmarks/.data, git-ignored)")
    parser.add_argument("--no-build", action="store_true", help="skip kg build and SPARQL")
    parser.add_argument("--templates-only", action="store_true",
                        help="abstracts without prose sentences, as in runs before they were added (see synth.py)")
    parser.add_argument("--json", metavar="FILE", help="also write every measurement as JSON")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    jobs_values = sorted({int(j) for j in args.jobs.split(",")})
    build_jobs = jobs_values[-1]
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    stubbed = not exports_available()
    rows: list[dict] = []
    stage_rows: list[dict] = []
    largest_rdf: Path | None = None

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    for size in sizes:
        name = f"synth-{size}.jsonl" if args.templates_only else f"synth-prose-{size}.jsonl"
        corpus = write_corpus(workdir / name, size, prose=not args.templates_only)
        log(f"[{size:,}] tokenizer only")
        reference = median_run([PYTHON, str(ROOT / "benchmarks" / "tokenize_only.py"), str(corpus),
                                str(workdir / "tokens.jsonl")], args.repeat)
        rows.append(_row(size, "tokenizer only (spacy.blank)", 1, reference, reference))
        for jobs in jobs_values:
            log(f"[{size:,}] kg extract --jobs {jobs}")
            run = median_run([PYTHON, "-m", "kg", "extract", str(corpus), "--out",
                              str(workdir / f"pred-{size}-{jobs}.jsonl"), "--jobs", str(jobs), "--quiet"],
                             args.repeat)
            rows.append(_row(size, "kg extract", jobs, run, reference))
        if args.no_build:
            continue
        log(f"[{size:,}] kg build --jobs {build_jobs}")
        out = workdir / f"build-{size}"
        shutil.rmtree(out, ignore_errors=True)
        command = [PYTHON, "-m", "benchmarks.run_build", str(corpus), "--out", str(out), "--jobs", str(build_jobs)]
        run = median_run(command + (["--stub-missing-exports"] if stubbed else []), args.repeat)
        summary = json.loads(run.stdout)
        label = "kg build (graph.json only: RDF/HTML writers not merged)" if stubbed else "kg build (all exports)"
        rows.append(_row(size, label, build_jobs, run, reference))
        stage_rows.append({"size": size, **{k: round(v, 2) for k, v in summary["timings"].items()},
                           "entities": sum(summary["entities_by_type"].values()),
                           "relations": summary["relations"], "documents": summary["documents"]})
        rdf_files = [Path(f) for f in summary["files"] if Path(f).suffix in (".ttl", ".nt", ".jsonld")]
        if rdf_files and rdf_files[0].exists():
            largest_rdf = rdf_files[0]

    sparql_rows = _run_queries(largest_rdf, args.repeat, log) if largest_rdf else []
    report = _report(rows, stage_rows, sparql_rows, sizes=sizes, stubbed=stubbed and not args.no_build,
                     rdf=largest_rdf)
    print(report)
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows, "stages": stage_rows, "sparql": sparql_rows},
                                              indent=1) + "\n")
    return 0


def _row(size: int, step: str, jobs: int, run: Run, reference: Run) -> dict:
    # Each row is also logged as it is measured, so a run stopped part-way still tells something.
    print(f"    {run.wall:.1f} s wall, {run.cpu:.1f} s CPU, {run.peak_mb:.0f} MB peak", file=sys.stderr, flush=True)
    return {"size": size, "step": step, "jobs": jobs, "wall_s": round(run.wall, 2), "cpu_s": round(run.cpu, 2),
            "per_s": round(size / run.wall), "of_tokenizer": round(reference.wall / run.wall, 3),
            "peak_mb": round(run.peak_mb)}


def _run_queries(rdf: Path, repeat: int, log) -> list[dict]:
    """Each example query in a fresh `kg query`; first, once, the on-disk store a large export gets."""
    from kg.rdf import STORE_MIN_BYTES, store_path

    rows = []
    if rdf.stat().st_size >= STORE_MIN_BYTES:
        shutil.rmtree(store_path(rdf), ignore_errors=True)  # a store left by an earlier run would hide the cost
        log("SPARQL: building the on-disk store (first query only)")
        run = measure([PYTHON, "-m", "kg", "query", str(rdf), "ASK { ?s ?p ?o }"])
        rows.append(_query_row("(store build, first query only)", run))
    for query in sorted((ROOT / "queries").glob("*.rq")):
        log(f"SPARQL {query.name}")
        run = median_run([PYTHON, "-m", "kg", "query", str(rdf), "--file", str(query), "--format", "csv"], repeat)
        rows.append(_query_row(query.name, run, rows=max(len(run.stdout.splitlines()) - 1, 0)))
    return rows


def _query_row(name: str, run: Run, *, rows: int | None = None) -> dict:
    print(f"    {run.wall:.2f} s wall, {run.cpu:.2f} s CPU, {run.peak_mb:.0f} MB peak", file=sys.stderr, flush=True)
    return {"query": name, "wall_s": round(run.wall, 2), "cpu_s": round(run.cpu, 2), "rows": rows,
            "peak_mb": round(run.peak_mb)}


def _report(rows: list[dict], stage_rows: list[dict], sparql_rows: list[dict], *, sizes: list[int],
            stubbed: bool, rdf: Path | None) -> str:
    memory = "sum of RSS over the process tree (psutil, 20 ms)" if psutil else \
        "largest single process (getrusage; workers not summed)"
    lines = [f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
             f"peak memory = {memory}", "",
             "| abstracts | step | jobs | wall s | CPU s | abstracts/s | vs tokenizer | peak MB |",
             "|---:|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['size']:,} | {r['step']} | {r['jobs']} | {r['wall_s']:.1f} | {r['cpu_s']:.1f} | "
                     f"{r['per_s']:,} | {100 * r['of_tokenizer']:.0f}% | {r['peak_mb']:,} |")
    if stage_rows:
        stages = list(dict.fromkeys(k for r in stage_rows for k in r
                                    if k not in ("size", "entities", "relations", "documents")))
        lines += ["", "kg build, seconds per stage:", "",
                  "| abstracts | distinct | entities | relations | " + " | ".join(stages) + " |",
                  "|---:|---:|---:|---:|" + "---:|" * len(stages)]
        for r in stage_rows:
            lines.append(f"| {r['size']:,} | {r['documents']:,} | {r['entities']:,} | {r['relations']:,} | "
                         + " | ".join(f"{r.get(s, 0):.1f}" for s in stages) + " |")
    if sparql_rows:
        lines += ["", f"SPARQL with `kg query` (a fresh process per query) on {rdf.parent.name}/{rdf.name}:", "",
                  "| query | wall s | CPU s | result rows | peak MB |", "|---|---:|---:|---:|---:|"]
        lines += [f"| {r['query']} | {r['wall_s']:.2f} | {r['cpu_s']:.2f} | "
                  f"{'' if r['rows'] is None else format(r['rows'], ',')} | {r['peak_mb']:,} |" for r in sparql_rows]
    lines += ["", "Targets:"] + _targets(rows, sizes=sizes, stubbed=stubbed)
    return "\n".join(lines)


def _targets(rows: list[dict], *, sizes: list[int], stubbed: bool) -> list[str]:
    def pick(size: int, prefix: str) -> list[dict]:
        return [r for r in rows if r["size"] == size and r["step"].startswith(prefix)]

    out = []
    for size in sizes:
        extract = max(pick(size, "kg extract"), key=lambda r: r["of_tokenizer"], default=None)
        if extract:
            out.append(_verdict(f"kg extract at {size:,} (--jobs {extract['jobs']}) "
                                f"= {100 * extract['of_tokenizer']:.0f}% of tokenizer speed",
                                extract["of_tokenizer"] >= EXTRACT_TARGET, f">= {100 * EXTRACT_TARGET:.0f}%"))
        for build in pick(size, "kg build"):
            out.append(_verdict(f"kg build at {size:,} = {100 * build['of_tokenizer']:.0f}% of tokenizer speed"
                                + (" (without RDF/HTML)" if stubbed else ""),
                                build["of_tokenizer"] >= BUILD_TARGET, f">= {100 * BUILD_TARGET:.0f}%"))
    small, large = (10000, 40000) if {10000, 40000} <= set(sizes) else (sizes[0], sizes[-1])
    for jobs in sorted({r["jobs"] for r in rows if r["step"] == "kg extract"}):
        a = [r for r in pick(small, "kg extract") if r["jobs"] == jobs]
        b = [r for r in pick(large, "kg extract") if r["jobs"] == jobs]
        if a and b and small != large:
            growth = b[0]["peak_mb"] / a[0]["peak_mb"]
            out.append(_verdict(f"kg extract --jobs {jobs} peak memory {large:,} / {small:,} = {growth:.2f}x "
                                f"({b[0]['peak_mb']} MB / {a[0]['peak_mb']} MB)",
                                growth <= MEMORY_GROWTH_TARGET, f"<= {MEMORY_GROWTH_TARGET}x"))
    for build in pick(40000, "kg build"):
        out.append(_verdict(f"kg build at 40,000 peak memory {build['peak_mb']:,} MB",
                            build["peak_mb"] <= BUILD_MEMORY_TARGET_MB, f"<= {BUILD_MEMORY_TARGET_MB} MB"))
    if 100000 in sizes:
        out.append(_verdict("100,000 completes", bool(pick(100000, "kg ")), "all steps ran"))
    return out


def _verdict(text: str, ok: bool, target: str) -> str:
    return f"- {'met' if ok else 'MISSED'}: {text} (target {target})"


if __name__ == "__main__":
    raise SystemExit(main())
