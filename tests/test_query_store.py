"""query_rdf keeps an on-disk store beside a large RDF export: built once, reused, rebuilt when the export changes."""
from __future__ import annotations

import json
import os

import pytest
from rdf_corpus import small_graph

import kg.rdf
from kg.errors import InputError
from kg.rdf import STORE_STAMP, query_rdf, store_path, write_rdf

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
NAMES = "SELECT ?name WHERE { ?m <http://www.w3.org/2004/02/skos/core#prefLabel> ?name } ORDER BY ?name"


@pytest.fixture
def export(tmp_path, monkeypatch):
    """A small graph.ttl that counts as large: it is queried through the on-disk store."""
    monkeypatch.setattr(kg.rdf, "STORE_MIN_BYTES", 0)
    path = tmp_path / "graph.ttl"
    write_rdf(small_graph(), path)
    return path


def count(path) -> int:
    return int(query_rdf(path, COUNT)[1][0][0])


def test_query_store_is_built_beside_the_export_and_answers_as_memory(export, monkeypatch):
    answer = query_rdf(export, NAMES)
    stamp = json.loads((store_path(export) / STORE_STAMP).read_text(encoding="utf-8"))
    assert stamp["source"] == "graph.ttl" and stamp["size"] == export.stat().st_size
    monkeypatch.setattr(kg.rdf, "STORE_MIN_BYTES", export.stat().st_size + 1)
    assert query_rdf(export, NAMES) == answer
    assert sorted(p.name for p in export.parent.iterdir()) == ["graph.ttl", "graph.ttl.oxigraph"]  # no temporary left


def test_query_store_build_removes_what_an_interrupted_build_left(export):
    left = export.parent / f"{kg.rdf.TMP_PREFIX}graph.ttl.oxigraph.abc123"
    left.mkdir()
    (left / "000001.sst").write_bytes(b"half written")
    count(export)
    assert sorted(p.name for p in export.parent.iterdir()) == ["graph.ttl", "graph.ttl.oxigraph"]


def test_query_store_is_readable_as_the_umask_allows(export):
    count(export)
    assert store_path(export).stat().st_mode & 0o777 == 0o777 & ~kg.rdf._umask()


def test_query_store_is_reused_while_the_export_is_unchanged(export, monkeypatch):
    expected = count(export)

    def build_again(*args):
        raise AssertionError("the store was built again")

    monkeypatch.setattr(kg.rdf, "_build_disk_store", build_again)
    assert count(export) == expected


def test_query_store_is_rebuilt_when_the_export_changes(export):
    before = count(export)
    with open(export, "a", encoding="utf-8") as fh:
        fh.write('<https://x.org/a> <https://x.org/b> "new" .\n')
    assert count(export) == before + 1
    os.utime(export, ns=(0, 0))  # same size, other mtime: rebuilt too
    assert count(export) == before + 1
    assert json.loads((store_path(export) / STORE_STAMP).read_text(encoding="utf-8"))["mtime_ns"] == 0


def test_query_store_unwritable_falls_back_to_memory(export, monkeypatch):
    def cannot_write(*args):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(kg.rdf, "_build_disk_store", cannot_write)
    assert count(export) > 0
    assert not store_path(export).exists()


def test_query_store_unparseable_export_names_file_and_line(tmp_path, monkeypatch):
    monkeypatch.setattr(kg.rdf, "STORE_MIN_BYTES", 0)
    path = tmp_path / "broken.ttl"
    path.write_text('@prefix a: <http://x/> .\na:b a:c a:d .\na:b a:c "unterminated .\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        query_rdf(path, "ASK {}")
    assert str(info.value).startswith(f"{path}:3: not valid Turtle")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.ttl"]  # nothing half-built left
