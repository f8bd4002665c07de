"""The whole flow as library calls: read -> extract -> resolve -> link -> graph -> exports.

The CLI is a thin shell over these functions; notebooks can call them too.
"""
from __future__ import annotations

import shutil
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypeVar

import networkx as nx

from . import __version__
from .analysis import analyze, extract_to_file, resolve_jobs  # noqa: F401 (extract_to_file: kg.build's API)
from .graph import INTRODUCED, MENTIONED_IN, VARIANT_OF, build_graph, cyclic_gc_paused, write_graph_json
from .ingest import OnBadRecord, merge_duplicates, read_records
from .io import remove_stale_temporaries, staged_outputs
from .progress import Progress, progress_enabled
from .resolve import CorpusLinker, link_corpus
from .types import Document

RdfFormat = Literal["turtle", "nt", "json-ld"]
RDF_SUFFIX = {"turtle": "ttl", "nt": "nt", "json-ld": "jsonld"}
T = TypeVar("T")


@dataclass
class BuildSummary:
    """What a build read and wrote, for the CLI's summary; `timings` holds seconds per stage."""

    records: int = 0
    documents: int = 0
    duplicates_merged: int = 0
    entities_by_type: dict[str, int] = field(default_factory=dict)
    relations: int = 0
    variants: int = 0
    files: list[str] = field(default_factory=list)
    skipped: int = 0
    timings: dict[str, float] = field(default_factory=dict)


def graph_from_documents(documents: Iterable[Document], *, inputs: Iterable[str] = (),
                         duplicates_merged: int = 0, nlp=None, jobs: int = 1) -> nx.MultiDiGraph:
    """Build the graph of in-memory documents, without touching the file system."""
    corpus = link_corpus(analyze(documents, nlp=nlp, jobs=jobs), inputs=inputs,
                         duplicates_merged=duplicates_merged)
    return build_graph(corpus, kg_version=__version__)


def build(inputs: Iterable[str | Path], out_dir: str | Path, *, rdf_format: RdfFormat = "turtle",
          max_nodes: int = 20000, on_bad_record: OnBadRecord | None = None, jobs: int = 1,
          progress: bool = False) -> BuildSummary:
    """Read inputs, build the graph and write graph.json, graph.<rdf> and graph.html into out_dir.

    Args:
        jobs: extraction worker processes (0: one per CPU); the output is the same for any number.
        progress: draw a progress line on stderr while it runs (only if stderr is a terminal).
    """
    from .rdf import write_rdf
    from .view import write_html

    inputs = [str(p) for p in inputs]
    out = Path(out_dir)
    remove_stale_temporaries(out)  # what a killed earlier run left behind
    summary = BuildSummary()
    show = progress_enabled() if progress else False
    with _stage(summary, "read", show):
        records = list(read_records(inputs, on_bad_record=_counting(on_bad_record, summary)))
        documents, summary.duplicates_merged = merge_duplicates(records)
        summary.records, summary.documents = len(records), len(documents)
        del records
    jobs = resolve_jobs(jobs)
    # Each result goes to the linker as it arrives (the main process is otherwise idle while
    # workers extract), which keeps it compactly: the results are never all held at once.
    linker = CorpusLinker()
    with _stage(summary, "extract", False), \
            Progress("extract", total=len(documents), enabled=show) as bar, \
            cyclic_gc_paused(jobs > 1):  # with jobs = 1, spaCy runs here: keep collecting its cycles
        for result in analyze(_drain(documents), jobs=jobs, progress=bar):
            linker.add(result)
    with cyclic_gc_paused():
        with _stage(summary, "link", show):
            corpus = linker.link(inputs=inputs, duplicates_merged=summary.duplicates_merged)
        del linker
        with _stage(summary, "graph", show):
            G = build_graph(corpus, kg_version=__version__)
        del corpus
        names = ("graph.json", f"graph.{RDF_SUFFIX[rdf_format]}", "graph.html")
        # All outputs are written into a hidden folder and renamed into place together at the end,
        # so a failure, Ctrl-C or full disk part-way leaves every earlier output as it was.
        with staged_outputs(out) as stage:
            with _stage(summary, "write " + names[0], show):
                write_graph_json(G, stage / names[0])
            with _stage(summary, "write " + names[1], show):
                write_rdf(G, stage / names[1], format=rdf_format)
            with _stage(summary, "write " + names[2], show):
                write_html(G, stage / names[2], max_nodes=max_nodes)
    drop_query_store(out / names[1])
    summary.files = [str(out / name) for name in names]
    types = Counter(d["type"] for _, d in G.nodes(data=True) if d.get("kind") == "entity")
    summary.entities_by_type = dict(sorted(types.items()))
    edge_keys = Counter(k for _, _, k in G.edges(keys=True))
    summary.variants = edge_keys[VARIANT_OF]
    summary.relations = sum(n for k, n in edge_keys.items() if k not in (MENTIONED_IN, INTRODUCED, VARIANT_OF))
    return summary


def drop_query_store(rdf_path: Path) -> None:
    """Delete the on-disk query store of the export a build just replaced: it is stale, and large.

    `kg query` would rebuild it anyway (it sees the new file's size and time); deleting it now frees
    the disk at once (1.5 GB at 100,000 abstracts) instead of at the next query.
    """
    from .rdf import store_path

    shutil.rmtree(store_path(rdf_path), ignore_errors=True)


def _drain(items: list[T]) -> Iterator[T]:
    """Yield the items of a list in order, removing each from the list as it is taken, so that
    an item the consumer no longer needs can be freed."""
    items.reverse()
    while items:
        yield items.pop()


@contextmanager
def _stage(summary: BuildSummary, name: str, show: bool) -> Iterator[None]:
    """Time one stage into summary.timings, and say it on stderr when progress is shown."""
    started = time.perf_counter()
    yield
    summary.timings[name] = elapsed = time.perf_counter() - started
    if show:
        print(f"{name}: {elapsed:.1f}s", file=sys.stderr, flush=True)


def _counting(on_bad_record: OnBadRecord | None, summary: BuildSummary) -> OnBadRecord | None:
    if on_bad_record is None:
        return None

    def report(error):
        summary.skipped += 1
        on_bad_record(error)
    return report
