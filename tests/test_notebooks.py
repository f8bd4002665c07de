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


@pytest.fixture(scope="module")
def kg_output(tmp_path_factory) -> Path:
    """An output folder holding graph.json (and graph.ttl when kg.rdf exists)."""
    existing = ROOT / "output"
    if (existing / "graph.json").is_file():
        return existing
    out = tmp_path_factory.mktemp("output")
    if importlib.util.find_spec("kg.rdf") and importlib.util.find_spec("kg.view"):
        from kg.build import build

        build([ROOT / "seeds"], out)  # what `kg build` writes
    else:  # before the RDF and HTML exports exist, graph.json is all a build can give
        from kg.api import graph_from_files
        from kg.graph import write_graph_json

        write_graph_json(graph_from_files([ROOT / "seeds"]), out / "graph.json")
    return out


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
