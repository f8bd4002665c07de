"""Every notebook in notebooks/ runs top to bottom without an error, on the graph of seeds/.

The notebooks read ``KG_OUTPUT``: when ``output/graph.json`` of the checkout exists they use it (what a
user sees after ``kg build``); otherwise the graph is built once into a temporary folder first.
Needs the ``notebooks`` extra; skipped without it.
"""
from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("pandas")
pytest.importorskip("matplotlib")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
TIMEOUT = 120  # seconds per cell; the whole analysis notebook takes about 10 s on the seeds


HAS_RDF = importlib.util.find_spec("kg.rdf") is not None


def _seeds_output(tmp_path_factory) -> Path:
    """output/ of the checkout when `kg build` has filled it, else the same build into a temporary folder."""
    existing = ROOT / "output"
    if (existing / "graph.json").is_file():
        return existing
    out = tmp_path_factory.mktemp("seeds")
    if HAS_RDF and importlib.util.find_spec("kg.view"):
        from kg.build import build

        build([ROOT / "seeds"], out)  # what `kg build` writes
    else:  # before the RDF and HTML exports exist, graph.json is all a build can give
        from kg.api import graph_from_files

        _write(graph_from_files([ROOT / "seeds"]), out)
    return out


def _empty_output(tmp_path_factory) -> Path:
    """A graph with one paper and no entity: every section must say it has nothing to show."""
    from kg.api import graph_from_texts

    return _write(graph_from_texts(["Nothing to see here."]), tmp_path_factory.mktemp("empty"))


def _relations_output(tmp_path_factory) -> Path:
    """A hand-made graph with the relations the seeds do not give yet: lineage, evaluations, evidence."""
    from kg.graph import build_graph
    from kg.types import Corpus, DocResult, Document, Entity, Evidence, Relation

    text = "Vicuna-13B is fine-tuned from LLaMA-13B. Vicuna-13B is evaluated on MMLU and trained on ShareGPT."
    first, second = text[:40], text[41:]
    entities = (Entity("model/vicuna-13b", "Vicuna-13B", "Model"),
                Entity("model/llama-13b", "LLaMA-13B", "Model", variant_of="model/llama"),
                Entity("model/llama", "LLaMA", "Model"), Entity("dataset/mmlu", "MMLU", "Dataset"),
                Entity("dataset/sharegpt", "ShareGPT", "Dataset"))
    relations = (
        Relation("model/vicuna-13b", "based_on", "model/llama-13b", Evidence("p1", first, 0, 40, "fine-tuned from", 0.9)),
        Relation("model/vicuna-13b", "evaluated_on", "dataset/mmlu", Evidence("p1", second, 41, len(text), "evaluated on")),
        Relation("model/llama-13b", "evaluated_on", "dataset/mmlu", Evidence("p1", second, 41, len(text), "evaluated on")),
        Relation("model/vicuna-13b", "trained_on", "dataset/sharegpt", Evidence("p1", second, 41, len(text), "trained on")))
    corpus = Corpus(results=(DocResult(Document("p1", text, title="Vicuna"), entities, relations),))
    return _write(build_graph(corpus), tmp_path_factory.mktemp("relations"))


def _write(G, out: Path) -> Path:
    from kg.graph import write_graph_json

    write_graph_json(G, out / "graph.json")
    if HAS_RDF:
        from kg.rdf import write_rdf

        write_rdf(G, out / "graph.ttl")
    return out


GRAPHS = {"seeds": _seeds_output, "empty": _empty_output, "relations": _relations_output}


@pytest.fixture(scope="module", params=sorted(GRAPHS))
def kg_output(request, tmp_path_factory) -> Path:
    """An output folder holding graph.json (and graph.ttl when kg.rdf exists)."""
    return GRAPHS[request.param](tmp_path_factory)


def test_notebooks_exist():
    assert NOTEBOOKS, "no notebooks in notebooks/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebooks_run_without_error(path, kg_output, monkeypatch):
    # The kernel inherits this process's environment: the output folder, a non-interactive backend,
    # and this interpreter first on PATH so that the kernel is the one with kg installed.
    monkeypatch.setenv("KG_OUTPUT", str(kg_output))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=TIMEOUT, kernel_name="python3",
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()  # raises CellExecutionError naming the cell on any error
    errors = [output for cell in nb.cells if cell.cell_type == "code"
              for output in cell.get("outputs", ()) if output.get("output_type") == "error"]
    assert errors == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebooks_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    dirty = [i for i, cell in enumerate(nb.cells)
             if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count"))]
    assert dirty == [], f"{path.name}: clear the outputs of cells {dirty} before committing"
