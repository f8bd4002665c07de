"""Per-document analysis: extract and resolve each document, in this process or in worker processes.

`analyze` streams documents to DocResults in input order; `extract_to_file` is `kg extract`: one
prediction line per document. Workers import only what extraction needs (spaCy, not NetworkX), so
each starts sooner.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import nullcontext
from itertools import islice
from pathlib import Path
from typing import TypeVar

from .errors import InputError, KGError
from .ingest import OnBadRecord, iter_input_files, read_records
from .io import atomic_write, display_path, remove_stale_temporaries
from .predictions import record_line
from .progress import Progress, progress_enabled
from .resolve import resolve_document
from .types import DocResult, Document

T = TypeVar("T")


#: Documents per task sent to a worker: large enough that pickling and queueing cost little per
#: document (~1 ms a chunk against ~60 ms of extraction), small enough to keep workers evenly busy.
CHUNK_SIZE = 64
#: Chunks in flight per worker. Reading stops while this many wait, so memory stays flat
#: whatever the input size (2 workers x 4 x 64 = 512 abstracts at most, a few MB).
CHUNKS_PER_WORKER = 4


def analyze(documents: Iterable[Document], *, nlp=None, jobs: int = 1,
            progress: Progress | None = None) -> Iterator[DocResult]:
    """Extract and resolve each document, streaming, in input order.

    Args:
        nlp: a pipeline to use in this process (tests pass small ones); not with `jobs` > 1.
        jobs: worker processes; 1 runs in this process, 0 means one per CPU. The results are the
            same whatever the number: each document is processed on its own. Workers are
            spawned, so a script calling this with jobs > 1 needs an ``if __name__ == "__main__":``
            guard, as any multiprocessing code does.
        progress: counts the documents as they are done.

    Raises:
        ValueError: if `jobs` is negative, or `nlp` is given with `jobs` > 1.
        KGError: if a worker process died (for example killed for lack of memory).
    """
    return _analyze_mapped(documents, nlp=nlp, jobs=jobs, progress=progress)


def _analyze_mapped(documents: Iterable[Document], *, nlp=None, jobs: int = 1, progress: Progress | None = None,
                    finish: Callable[[DocResult], T] | None = None, merge_log: bool = True) -> Iterator:
    """analyze(), with `finish` applied to each result where it is made (in the worker if any);
    `merge_log` as in resolve_document."""
    jobs = resolve_jobs(jobs)
    if nlp is not None and jobs > 1:
        raise ValueError("nlp is used in this process only; pass jobs=1 with it")
    if jobs == 1:
        if nlp is None:
            from .extract import build_nlp  # spaCy is imported only when extraction runs
            nlp = build_nlp()
        results = _analyze_here(nlp, documents, warm_docs=WARM_DOCS, merge_log=merge_log, finish=finish)
    else:
        results = _analyze_in_workers(documents, jobs=jobs, finish=finish, merge_log=merge_log)
    for result in results:
        yield result
        if progress is not None:
            progress.update()


def resolve_jobs(jobs: int) -> int:
    """The number of worker processes for `jobs` (0: one per CPU available to this process).

    >>> resolve_jobs(3)
    3
    >>> resolve_jobs(0) >= 1
    True
    """
    if jobs < 0:
        raise ValueError(f"jobs = {jobs} is invalid; must be 0 (one per CPU) or more")
    if jobs == 0:
        try:
            return max(len(os.sched_getaffinity(0)), 1)
        except AttributeError:  # not on Linux
            return os.cpu_count() or 1
    return jobs


def _analyze_here(nlp, documents: Iterable[Document], *, warm_docs: int = 0, merge_log: bool = True,
                  finish: Callable[[DocResult], T] | None = None) -> Iterator:
    """Extract and resolve in this process, one memory zone per chunk of documents.

    spaCy adds every new token string to the shared Vocab and never drops it, so a long run grows
    by about 1.3 KB per abstract (40 MB over 30,000 synthetic ones). Inside ``nlp.memory_zone()``
    (spaCy >= 3.8) the strings a chunk added are freed when the chunk is done; the results are
    plain data copied out before the zone closes, so nothing refers to them afterwards.

    But inside a zone spaCy's tokenizer caches nothing, which made tokenizing ~12x slower
    (0.85 ms against 0.07 ms per abstract). So the first `warm_docs` documents a pipeline sees
    (:data:`WARM_DOCS` by default) run outside any zone: the words they use, which include the
    frequent ones, stay cached for good, a bounded amount, and later chunks tokenize at close to
    full speed. The output is the same either way; only the cache differs. (In a zone, a word the
    cache lacks goes through the affix rules, which answer at once for a word of letters only
    (tokenizer.py), and becomes a new lexeme again, with only the attributes kg reads (pipeline.py).)

    `finish` (as in _analyze_mapped) is applied to each result at once, so that a chunk holds only
    what it makes, the prediction lines of `kg extract`, rather than its DocResults.
    """
    from .extract import extract

    documents = iter(documents)
    while chunk := list(islice(documents, CHUNK_SIZE)):
        outside_zone = warm_docs > 0
        warm_docs -= len(chunk)
        with nullcontext() if outside_zone else nlp.memory_zone():
            results = [resolve_document(extraction, merge_log=merge_log) for extraction in extract(nlp, chunk)]
            if finish is not None:
                results = [finish(result) for result in results]
        yield from results


#: Documents a pipeline processes outside a memory zone first, to fill the tokenizer's cache. Inside a zone,
#: a word the cache lacks is split by the affix rules and made a new lexeme again in each zone: with 1,024
#: documents (~19,000 distinct words, which tokenizer.MAX_CACHED_CHUNKS holds) instead of 256, fewer words
#: are missed, and tokenizing in a zone took 0.30 -> 0.24 ms per prose abstract, 0.25 -> 0.15 on real text,
#: for ~4 MB more memory per process (a constant: the growth with the input size is unchanged).
WARM_DOCS = 1024

# Each worker process builds its pipeline once, in the initializer, and keeps it here.
_worker_nlp = None
_worker_warm_docs = 0


def _init_worker() -> None:
    global _worker_nlp, _worker_warm_docs
    # Ctrl-C reaches the whole process group: the parent alone handles it and stops the workers,
    # so the user sees one message instead of a traceback per worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from .extract import build_nlp

    _worker_nlp = build_nlp()
    _worker_warm_docs = WARM_DOCS
    # Everything made so far (spaCy's modules, the pipeline and its lexicons) lives as long as the
    # worker. Frozen, the cyclic collector no longer scans it on each full collection, which the
    # growing caches trigger every few hundred abstracts: 0.12 -> 0.01 ms per abstract.
    gc.freeze()


def _analyze_chunk(documents: list[Document], finish: Callable[[DocResult], T] | None = None,
                   merge_log: bool = True) -> list:
    """Run in a worker: plain Documents in, plain DocResults (or `finish` of each) out.

    No spaCy object is pickled. `finish` lets `kg extract` turn each result into its JSON line in
    the worker: a str pickles ~50x faster than the frozen dataclasses it replaces (0.1 ms per
    abstract), and the parent is left with reading and writing only.
    """
    global _worker_warm_docs
    results = list(_analyze_here(_worker_nlp, documents, warm_docs=_worker_warm_docs, merge_log=merge_log,
                                 finish=finish))
    _worker_warm_docs = max(_worker_warm_docs - len(documents), 0)
    return results


def _analyze_in_workers(documents: Iterable[Document], *, jobs: int,
                        finish: Callable[[DocResult], T] | None = None, merge_log: bool = True) -> Iterator:
    """Chunks to `jobs` worker processes, results back in input order, a bounded number in flight.

    Pool.imap would read the whole input ahead (its feeder thread drains the iterator), so the
    window of pending chunks is kept here instead: memory does not grow with the input.
    """
    # "spawn" everywhere: the same behaviour on Linux, macOS and Windows, and no fork of a parent
    # that may hold threads or a large corpus; each worker imports spaCy once (~0.6 s, in parallel).
    executor = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_init_worker)
    pending: deque[Future] = deque()
    chunks = iter(lambda it=iter(documents): list(islice(it, CHUNK_SIZE)), [])
    try:
        for chunk in chunks:
            pending.append(executor.submit(_analyze_chunk, chunk, finish, merge_log))
            if len(pending) >= jobs * CHUNKS_PER_WORKER:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    except BrokenProcessPool as e:
        raise KGError(f"an extraction worker process died ({e}); the usual causes are too little memory "
                      "for that many --jobs, or a script that runs kg with jobs > 1 without an "
                      "`if __name__ == \"__main__\":` guard (workers are spawned, and import the script)") from e
    finally:
        for future in pending:
            future.cancel()
        executor.shutdown(wait=True, cancel_futures=True)


def extract_to_file(inputs: Iterable[str | Path], out: str | Path, *,
                    on_bad_record: OnBadRecord | None = None, jobs: int = 1, progress: bool = False) -> int:
    """Write one prediction record per input record (the scorer's format); returns the count.

    Streams: memory stays flat whatever the input size.

    Args:
        jobs: extraction worker processes (0: one per CPU); the output is the same for any number.
        progress: draw a progress line on stderr while it runs (only if stderr is a terminal).
    """
    inputs = [str(p) for p in inputs]
    out = Path(out)
    _refuse_overwriting_input(out, inputs)
    remove_stale_temporaries(out.parent, target=out.name)  # what a killed earlier run left behind
    show = progress_enabled() if progress else False
    records = read_records(inputs, on_bad_record=on_bad_record)
    count = 0
    with Progress("extract", total=_count_jsonl_records(inputs) if show else None, enabled=show) as bar, \
            atomic_write(out) as fh:
        # The merge log is not part of a prediction: not made at all.
        for line in _analyze_mapped(records, jobs=jobs, progress=bar, finish=prediction_line, merge_log=False):
            fh.write(line)
            count += 1
    return count


def prediction_line(result: DocResult) -> str:
    """The scorer's JSONL line of one result, exactly as io.write_jsonl writes its record."""
    return record_line(result)


def _count_jsonl_records(inputs: list[str]) -> int | None:
    """Non-blank lines of the JSON Lines inputs (the progress total), or None when a .txt is read."""
    total = 0
    for path in iter_input_files(inputs):
        if path.suffix.lower() != ".jsonl":
            return None
        with open(path, "rb") as fh:
            total += sum(1 for line in fh if line.strip())
    return total


def _refuse_overwriting_input(out: Path, inputs: list[str]) -> None:
    """`kg extract a.jsonl --out a.jsonl` would replace the abstracts with predictions."""
    if not out.is_file():
        return
    for path in iter_input_files(inputs):
        if path.samefile(out):
            raise InputError(display_path(out), None,
                             "expected an output file that is not also an input, found one of the inputs")
