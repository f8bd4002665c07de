"""The whole flow as library calls: read -> extract -> resolve -> link -> graph -> exports.

The CLI is a thin shell over these functions; notebooks can call them too.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import networkx as nx

from . import __version__
from .errors import InputError
from .graph import INTRODUCED, MENTIONED_IN, VARIANT_OF, build_graph, write_graph_json
from .ingest import OnBadRecord, iter_input_files, merge_duplicates, read_records
from .io import display_path, remove_stale_temporaries, staged_outputs, write_jsonl
from .predictions import to_record
from .resolve import link_corpus, resolve_document
from .types import DocResult, Document

RdfFormat = Literal["turtle", "nt", "json-ld"]
RDF_SUFFIX = {"turtle": "ttl", "nt": "nt", "json-ld": "jsonld"}


@dataclass
class BuildSummary:
    """What a build read and wrote, for the CLI's summary."""

    records: int = 0
    documents: int = 0
    duplicates_merged: int = 0
    entities_by_type: dict[str, int] = field(default_factory=dict)
    relations: int = 0
    variants: int = 0
    files: list[str] = field(default_factory=list)
    skipped: int = 0


def analyze(documents: Iterable[Document], *, nlp=None) -> Iterator[DocResult]:
    """Extract and resolve each document (streaming)."""
    from .extract import build_nlp, extract  # spaCy is imported only when extraction runs

    nlp = nlp if nlp is not None else build_nlp()
    for extraction in extract(nlp, documents):
        yield resolve_document(extraction)


def graph_from_documents(documents: Iterable[Document], *, inputs: Iterable[str] = (),
                         duplicates_merged: int = 0, nlp=None) -> nx.MultiDiGraph:
    """Build the graph of in-memory documents, without touching the file system."""
    corpus = link_corpus(analyze(documents, nlp=nlp), inputs=inputs, duplicates_merged=duplicates_merged)
    return build_graph(corpus, kg_version=__version__)


def build(inputs: Iterable[str | Path], out_dir: str | Path, *, rdf_format: RdfFormat = "turtle",
          max_nodes: int = 20000, on_bad_record: OnBadRecord | None = None) -> BuildSummary:
    """Read inputs, build the graph and write graph.json, graph.<rdf> and graph.html into out_dir."""
    from .rdf import write_rdf
    from .view import write_html

    inputs = [str(p) for p in inputs]
    out = Path(out_dir)
    remove_stale_temporaries(out)  # what a killed earlier run left behind
    summary = BuildSummary()
    records = list(read_records(inputs, on_bad_record=_counting(on_bad_record, summary)))
    documents, summary.duplicates_merged = merge_duplicates(records)
    summary.records, summary.documents = len(records), len(documents)
    G = graph_from_documents(documents, inputs=inputs, duplicates_merged=summary.duplicates_merged)
    names = ("graph.json", f"graph.{RDF_SUFFIX[rdf_format]}", "graph.html")
    # All outputs are written into a hidden folder and renamed into place together at the end,
    # so a failure, Ctrl-C or full disk part-way leaves every earlier output as it was.
    with staged_outputs(out) as stage:
        write_graph_json(G, stage / names[0])
        write_rdf(G, stage / names[1], format=rdf_format)
        write_html(G, stage / names[2], max_nodes=max_nodes)
    summary.files = [str(out / name) for name in names]
    types = Counter(d["type"] for _, d in G.nodes(data=True) if d.get("kind") == "entity")
    summary.entities_by_type = dict(sorted(types.items()))
    edge_keys = Counter(k for _, _, k in G.edges(keys=True))
    summary.variants = edge_keys[VARIANT_OF]
    summary.relations = sum(n for k, n in edge_keys.items() if k not in (MENTIONED_IN, INTRODUCED, VARIANT_OF))
    return summary


def extract_to_file(inputs: Iterable[str | Path], out: str | Path, *,
                    on_bad_record: OnBadRecord | None = None) -> int:
    """Write one prediction record per input record (the scorer's format); returns the count."""
    inputs = [str(p) for p in inputs]
    out = Path(out)
    _refuse_overwriting_input(out, inputs)
    remove_stale_temporaries(out.parent, target=out.name)  # what a killed earlier run left behind
    records = read_records(inputs, on_bad_record=on_bad_record)
    return write_jsonl((to_record(result) for result in analyze(records)), out)


def _refuse_overwriting_input(out: Path, inputs: list[str]) -> None:
    """`kg extract a.jsonl --out a.jsonl` would replace the abstracts with predictions."""
    if not out.is_file():
        return
    for path in iter_input_files(inputs):
        if path.samefile(out):
            raise InputError(display_path(out), None,
                             "expected an output file that is not also an input, found one of the inputs")


def _counting(on_bad_record: OnBadRecord | None, summary: BuildSummary) -> OnBadRecord | None:
    if on_bad_record is None:
        return None

    def report(error):
        summary.skipped += 1
        on_bad_record(error)
    return report
