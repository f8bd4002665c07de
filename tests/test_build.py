"""kg.build and kg.analysis at scale: parallel extraction gives the same bytes as serial, streams, and stays quiet off a TTY."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from itertools import count
from pathlib import Path

import pytest

import kg.analysis
from kg.analysis import analyze, extract_to_file, resolve_jobs
from kg.build import build
from kg.cli import main
from kg.progress import Progress, progress_enabled
from kg.types import Document

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Forty records from the small gold file: every abstract under several ids, plus repeats."""
    records = [json.loads(line) for line in (DATA / "gold_small.jsonl").read_text(encoding="utf-8").splitlines()]
    path = tmp_path_factory.mktemp("corpus") / "abstracts.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for index in range(40):
            record = records[index % len(records)]
            # Every fifth record has the plain text: 8 records, 4 abstracts, so 4 fold into an earlier one.
            text = record["text"] if index % 5 == 4 else f"{record['text']} (Copy {index}.)"
            fh.write(json.dumps({"id": f"doc-{index:02d}", "title": record.get("title"), "text": text}) + "\n")
    return path


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of 3 documents, so that 40 documents make many chunks and several wait in flight."""
    monkeypatch.setattr(kg.analysis, "CHUNK_SIZE", 3)
    monkeypatch.setattr(kg.analysis, "CHUNKS_PER_WORKER", 2)


def test_build_extract_jobs_two_writes_the_same_bytes_as_one(corpus, tmp_path, small_chunks):
    assert extract_to_file([corpus], tmp_path / "one.jsonl", jobs=1) == 40
    assert extract_to_file([corpus], tmp_path / "two.jsonl", jobs=2) == 40
    one, two = (tmp_path / "one.jsonl").read_bytes(), (tmp_path / "two.jsonl").read_bytes()
    assert one == two
    ids = [json.loads(line)["id"] for line in one.decode().splitlines()]
    assert ids == [f"doc-{i:02d}" for i in range(40)]  # input order, whatever finished first


def test_build_build_jobs_two_writes_the_same_files_as_one(corpus, tmp_path, small_chunks):
    serial = build([corpus], tmp_path / "one", jobs=1)
    parallel = build([corpus], tmp_path / "two", jobs=2)
    assert serial.documents == parallel.documents == 36  # 8 plain texts of 4 abstracts: 4 repeats
    for name in ("graph.json", "graph.ttl", "graph.html"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name
    assert {"read", "extract", "link", "graph", "write graph.json"} <= set(parallel.timings)


def test_build_deletes_the_query_store_of_the_export_it_replaces(corpus, tmp_path):
    store = tmp_path / "out" / "graph.ttl.oxigraph"
    store.mkdir(parents=True)
    (store / "kg-source.json").write_text("{}", encoding="utf-8")
    build([corpus], tmp_path / "out", jobs=1)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["graph.html", "graph.json", "graph.ttl"]


def test_build_analyze_in_workers_reads_a_bounded_window_ahead(monkeypatch):
    """Streaming: with 2 workers, 2 chunks each in flight and chunks of 3, the first result comes
    back after at most 2 * 2 * 3 + 3 documents were read, not after the whole input."""
    monkeypatch.setattr(kg.analysis, "CHUNK_SIZE", 3)
    monkeypatch.setattr(kg.analysis, "CHUNKS_PER_WORKER", 2)
    read = count()
    consumed = 0

    def endless():
        nonlocal consumed
        for i in read:
            consumed = i + 1
            yield Document(id=f"d{i}", text=f"We evaluate GPT-4 on MMLU, run {i}.")

    results = analyze(endless(), jobs=2)
    first = next(results)
    results.close()  # stops the workers
    assert first.document.id == "d0"
    assert consumed <= 2 * 2 * 3 + 3


def test_build_workers_do_not_import_networkx():
    """A worker imports kg.analysis and the extractor only: NetworkX (~0.1 s) stays out of its start-up."""
    code = "import sys, kg.analysis, kg.extract; print('networkx' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"


def test_build_analyze_rejects_a_pipeline_with_workers():
    with pytest.raises(ValueError, match="jobs=1"):
        next(analyze([Document(id="a", text="GPT-4.")], nlp=object(), jobs=2))


@pytest.mark.parametrize("jobs, expected", [(1, 1), (4, 4)])
def test_build_resolve_jobs_good(jobs, expected):
    assert resolve_jobs(jobs) == expected


def test_build_resolve_jobs_bad():
    with pytest.raises(ValueError, match="must be 0"):
        resolve_jobs(-1)


def test_build_progress_is_quiet_when_stderr_is_not_a_terminal(corpus, tmp_path, capsys):
    extract_to_file([corpus], tmp_path / "pred.jsonl", progress=True)
    assert capsys.readouterr().err == ""


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_build_progress_draws_on_a_terminal_unless_quiet():
    terminal = _Terminal()
    assert progress_enabled(terminal)
    assert not progress_enabled(terminal, quiet=True)
    assert not progress_enabled(io.StringIO())
    with Progress("extract", total=4, enabled=progress_enabled(terminal), stream=terminal, interval=0) as bar:
        for _ in bar.track(range(4)):
            pass
    drawn = terminal.getvalue()
    assert drawn.startswith("\rextract: 1/4 abstracts (25%)")
    assert drawn.endswith("\n") and "4/4 abstracts (100%)" in drawn.splitlines()[-1]


def test_build_cli_jobs_and_quiet(corpus, tmp_path, capsys):
    assert main(["extract", str(corpus), "--out", str(tmp_path / "p.jsonl"), "--jobs", "2", "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert out == "wrote 40 records to " + str(tmp_path / "p.jsonl") + "\n"
    assert err == ""


def test_build_cli_rejects_negative_jobs(corpus, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["extract", str(corpus), "--out", str(tmp_path / "p.jsonl"), "--jobs", "-1"])
    assert exit_info.value.code == 2
    assert "argument --jobs/-j: '-1' is invalid" in capsys.readouterr().err
