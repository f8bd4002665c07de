"""The command line: exit codes, the exact one-line errors, and earlier output kept whatever happens."""
from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import kg.io
from kg.cli import main
from kg.io import TMP_PREFIX

from bad_inputs import BAD_FILES

DATA = Path(__file__).parent / "data"
EARLIER = {"graph.json": b'{"earlier": true}\n', "graph.ttl": b"# earlier\n", "graph.html": b"<p>earlier</p>\r\n"}


@pytest.fixture(autouse=True)
def _keep_sigterm():
    """main() installs a SIGTERM handler; give pytest its own back."""
    handler = signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGTERM, handler)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def _earlier_outputs(out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    for name, data in EARLIER.items():
        (out / name).write_bytes(data)
    return out


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file()}


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.startswith(TMP_PREFIX))


# --- success ----------------------------------------------------------------------------------

def test_cli_build_writes_every_output_and_a_summary(capsys, tmp_path):
    out = _earlier_outputs(tmp_path / "out")
    (out / f"{TMP_PREFIX}graph.json.stale").write_text("left by a killed run")
    code, stdout, err = run(capsys, "build", DATA / "good.jsonl", DATA / "unusual.jsonl", "--out", out)
    assert (code, err) == (0, "")
    assert stdout.splitlines()[0] == "documents: 3 distinct (5 records read, 2 duplicates merged)"
    assert stdout.splitlines()[-1] == f"wrote: {out}/graph.json, {out}/graph.ttl, {out}/graph.html"
    assert all(_files(out)[name] != data for name, data in EARLIER.items())
    assert _leftovers(out) == []


def test_cli_extract_unusual_input(capsys, tmp_path):
    code, stdout, err = run(capsys, "extract", DATA / "unusual.jsonl", DATA / "crlf.txt", "--out", tmp_path / "p.jsonl")
    assert (code, stdout, err) == (0, f"wrote 4 records to {tmp_path}/p.jsonl\n", "")


# --- one line on stderr, exit 1, earlier output intact ---------------------------------------

#: The CLI cases: every bad file but the two encodings the ingest tests cover alone.
BAD = [case for case in BAD_FILES if case[0] not in ("cp1252.jsonl", "blank.jsonl")]


@pytest.mark.parametrize("name, message", BAD)
def test_cli_build_bad_input(capsys, tmp_path, name, message):
    out = _earlier_outputs(tmp_path / "out")
    code, stdout, err = run(capsys, "build", DATA / name, "--out", out)
    assert (code, stdout, err) == (1, "", f"Error: {DATA}/{name}{message}\n")
    assert _files(out) == EARLIER


@pytest.mark.parametrize("name, message", BAD[:4])
def test_cli_extract_bad_input(capsys, tmp_path, name, message):
    (tmp_path / "p.jsonl").write_bytes(b"earlier predictions\n")
    code, stdout, err = run(capsys, "extract", DATA / name, "--out", tmp_path / "p.jsonl")
    assert (code, stdout, err) == (1, "", f"Error: {DATA}/{name}{message}\n")
    assert _files(tmp_path) == {"p.jsonl": b"earlier predictions\n"}


def test_cli_empty_folder(capsys, tmp_path):
    (tmp_path / "in").mkdir()
    code, _, err = run(capsys, "build", tmp_path / "in", "--out", tmp_path / "out")
    assert (code, err) == (1, f"Error: {tmp_path}/in: expected a folder with .txt or .jsonl files, found none\n")
    assert not (tmp_path / "out").exists() or _leftovers(tmp_path / "out") == []


def test_cli_extract_refuses_to_overwrite_its_input(capsys, tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes((DATA / "good.jsonl").read_bytes())
    code, _, err = run(capsys, "extract", tmp_path, "--out", path)
    assert (code, err) == (1, f"Error: {path}: expected an output file that is not also an input, "
                              "found one of the inputs\n")
    assert path.read_bytes() == (DATA / "good.jsonl").read_bytes()


def test_cli_output_folder_is_a_file(capsys, tmp_path):
    (tmp_path / "out").write_text("a file")
    code, _, err = run(capsys, "build", DATA / "good.jsonl", "--out", tmp_path / "out")
    assert code == 1
    assert err.startswith(f"Error: {tmp_path}/out: cannot write: ")
    assert err.count("\n") == 1


@pytest.mark.parametrize("argv", [["extract", str(DATA / "good.jsonl")], ["build", "--format", "xml"],
                                  ["frobnicate"], []])
def test_cli_usage_errors_exit_2(capsys, argv):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


# --- --skip-bad -------------------------------------------------------------------------------

def test_cli_build_skip_bad_reports_and_counts(capsys, tmp_path):
    out = tmp_path / "out"
    code, stdout, err = run(capsys, "build", "--skip-bad", DATA / "good.jsonl", DATA / "bad_line3.jsonl",
                            DATA / "truncated.jsonl", DATA / "empty.txt", "--out", out)
    assert code == 0
    assert err.splitlines() == [
        f'Skipped: {DATA}/bad_line3.jsonl:3: expected a JSON object with "text", found a list',
        f"Skipped: {DATA}/truncated.jsonl:2: expected a complete JSON object, found the file ends in the "
        "middle of one (was it cut short?): Unterminated string starting at column 37",
        f"Skipped: {DATA}/empty.txt: expected abstracts, found an empty file"]
    assert stdout.splitlines()[0] == (
        "documents: 2 distinct (2 records read, 0 duplicates merged, 3 bad records skipped)")
    # nothing else changes: the same graph as from the good records alone
    code, _, _ = run(capsys, "build", DATA / "good.jsonl", "--out", tmp_path / "clean")
    assert (out / "graph.ttl").read_bytes().count(b"\n") == (tmp_path / "clean" / "graph.ttl").read_bytes().count(b"\n")


def test_cli_skip_bad_with_nothing_good_fails(capsys, tmp_path):
    (tmp_path / "bad.jsonl").write_text('[1]\n{"text": 2}\n')
    code, _, err = run(capsys, "extract", "--skip-bad", tmp_path / "bad.jsonl", DATA / "empty.txt",
                       "--out", tmp_path / "p.jsonl")
    assert code == 1
    assert err.splitlines() == [
        f'Skipped: {tmp_path}/bad.jsonl:1: expected a JSON object with "text", found a list',
        f'Skipped: {tmp_path}/bad.jsonl:2: expected "text" to be a string, found a number',
        f"Skipped: {DATA}/empty.txt: expected abstracts, found an empty file",
        f"Error: {tmp_path}/bad.jsonl, {DATA}/empty.txt: expected at least one good abstract, "
        "found none (3 bad records skipped)"]
    assert not (tmp_path / "p.jsonl").exists()


# --- failures while writing -------------------------------------------------------------------

def test_cli_build_disk_full_keeps_every_earlier_output(capsys, tmp_path, monkeypatch):
    out = _earlier_outputs(tmp_path / "out")
    calls = []
    real_fsync = os.fsync

    def fsync(fd):
        calls.append(fd)
        if len(calls) == 2:  # graph.json is staged; the RDF export finds the disk full
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)
    monkeypatch.setattr(kg.io.os, "fsync", fsync)
    code, stdout, err = run(capsys, "build", DATA / "good.jsonl", "--out", out)
    assert (code, stdout, err) == (1, "", f"Error: {out}/graph.ttl: cannot write: No space left on device\n")
    assert _files(out) == EARLIER
    assert _leftovers(out) == []


def test_cli_build_disk_full_while_renaming_keeps_every_earlier_output(capsys, tmp_path, monkeypatch):
    out = _earlier_outputs(tmp_path / "out")

    def replace(src, dst):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(kg.io.os, "replace", replace)
    code, _, err = run(capsys, "build", DATA / "good.jsonl", "--out", out)
    assert code == 1
    assert err.startswith(f"Error: {out}") and err.endswith(": cannot write: No space left on device\n")
    assert _files(out) == EARLIER
    assert _leftovers(out) == []


def test_cli_ctrl_c_prints_one_line_exits_130_and_keeps_earlier_output(capsys, tmp_path, monkeypatch):
    import kg.view
    out = _earlier_outputs(tmp_path / "out")

    def interrupted(G, path, **kwargs):
        with kg.io.atomic_write(path) as fh:
            fh.write("half a page")
            raise KeyboardInterrupt
    monkeypatch.setattr(kg.view, "write_html", interrupted)
    code, stdout, err = run(capsys, "build", DATA / "good.jsonl", "--out", out)
    assert (code, stdout, err) == (130, "", "Interrupted: earlier output files are unchanged.\n")
    assert _files(out) == EARLIER
    assert _leftovers(out) == []


# --- killed in a subprocess -------------------------------------------------------------------

#: Runs `kg` after hooking one stage so that it announces itself (a marker file) and then waits
#: to be killed: the test knows where the run is when the signal arrives.
CHILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import kg.analysis, kg.build, kg.io, kg.view

    marker, point, argv = Path(sys.argv[1]), sys.argv[2], sys.argv[3:]

    def wait_to_be_killed():
        marker.write_text("ready")
        time.sleep(120)

    if point == "extracting":
        analyze = kg.build.analyze
        def slow_analyze(documents, **kwargs):
            for index, result in enumerate(analyze(documents, **kwargs)):
                if index == 1:
                    wait_to_be_killed()
                yield result
        kg.build.analyze = slow_analyze
    elif point == "writing":  # graph.json and graph.ttl are staged, graph.html is half written
        def slow_html(G, path, **kwargs):
            with kg.io.atomic_write(path) as fh:
                fh.write("<html>half")
                fh.flush()
                wait_to_be_killed()
        kg.view.write_html = slow_html
    elif point == "predictions":
        record_line = kg.analysis.record_line
        def slow_record_line(result):
            if result.document.id == "p2":
                wait_to_be_killed()
            return record_line(result)
        kg.analysis.record_line = slow_record_line

    from kg.cli import main
    sys.exit(main(argv))
""")


def _run_and_kill(tmp_path: Path, point: str, signum: int, argv: list[str]) -> subprocess.CompletedProcess:
    marker = tmp_path / f"ready-{point}-{signum}"
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(marker), point, *argv],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not marker.exists():
        if child.poll() is not None or time.monotonic() > deadline:
            child.kill()
            out, err = child.communicate()
            pytest.fail(f"the child never reached {point!r}: {err}")
        time.sleep(0.02)
    child.send_signal(signum)
    out, err = child.communicate(timeout=60)
    return subprocess.CompletedProcess(child.args, child.returncode, out, err)


@pytest.mark.parametrize("point", ["extracting", "writing"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL],
                         ids=["SIGINT", "SIGTERM", "SIGKILL"])
def test_cli_build_killed_keeps_earlier_output_and_next_run_cleans_up(capsys, tmp_path, point, signum):
    out = _earlier_outputs(tmp_path / "out")
    done = _run_and_kill(tmp_path, point, signum, ["build", str(DATA / "good.jsonl"), "--out", str(out)])
    if signum == signal.SIGKILL:
        assert done.returncode == -signal.SIGKILL
    else:
        assert (done.returncode, done.stdout, done.stderr) == (
            130, "", "Interrupted: earlier output files are unchanged.\n")
        assert _leftovers(out) == []
    assert _files(out) == EARLIER
    if signum != signal.SIGKILL:
        return
    if point == "writing":
        assert _leftovers(out)  # a killed process cannot clean up: the next run must
    code, _, err = run(capsys, "build", DATA / "good.jsonl", "--out", out)
    assert (code, err) == (0, "")
    assert _leftovers(out) == []
    assert set(_files(out)) == set(EARLIER)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_cli_extract_killed_keeps_earlier_predictions(capsys, tmp_path, signum):
    pred = tmp_path / "p.jsonl"
    pred.write_bytes(b"earlier predictions\n")
    done = _run_and_kill(tmp_path, "predictions", signum,
                         ["extract", str(DATA / "good.jsonl"), "--out", str(pred)])
    assert done.returncode == (-signal.SIGKILL if signum == signal.SIGKILL else 130)
    assert pred.read_bytes() == b"earlier predictions\n"
    assert bool(_leftovers(tmp_path)) == (signum == signal.SIGKILL)
    (tmp_path / f"{TMP_PREFIX}other.jsonl.keep").write_text("another output's temporary")
    code, _, err = run(capsys, "extract", DATA / "good.jsonl", "--out", pred)
    assert (code, err) == (0, "")
    assert _leftovers(tmp_path) == [f"{TMP_PREFIX}other.jsonl.keep"]
    assert pred.read_bytes().count(b"\n") == 2
