"""The I/O edge: atomic writes that never lose earlier output, and a bounded, validating line reader."""
from __future__ import annotations

import errno
import os
import tracemalloc

import pytest

import kg.io
from kg.errors import ExportError, InputError
from kg.io import (
    MAX_RECORD_BYTES, TMP_PREFIX, RawLine, atomic_write, decode_line, iter_raw_lines, parse_json_line,
    read_jsonl, remove_stale_temporaries, staged_outputs, write_jsonl,
)


def _leftovers(directory) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.startswith(TMP_PREFIX))


# --- atomic_write -----------------------------------------------------------------------------

def test_io_atomic_write_replaces_the_file(tmp_path):
    target = tmp_path / "out" / "graph.json"
    with atomic_write(target) as fh:
        fh.write("new ✓\n")
    assert target.read_bytes() == "new ✓\n".encode()
    assert _leftovers(target.parent) == []


def test_io_atomic_write_failure_leaves_earlier_file_byte_identical(tmp_path):
    target = tmp_path / "graph.json"
    target.write_bytes(b"earlier\r\n\x00bytes")
    with pytest.raises(RuntimeError), atomic_write(target) as fh:
        fh.write("half of the new")
        raise RuntimeError("stage failed")
    assert target.read_bytes() == b"earlier\r\n\x00bytes"
    assert _leftovers(tmp_path) == []


def test_io_atomic_write_interrupt_leaves_earlier_file(tmp_path):
    target = tmp_path / "graph.json"
    target.write_text("earlier")
    with pytest.raises(KeyboardInterrupt), atomic_write(target) as fh:
        fh.write("x" * 100_000)
        raise KeyboardInterrupt
    assert target.read_text() == "earlier"
    assert _leftovers(tmp_path) == []


def test_io_atomic_write_disk_full_is_an_export_error(tmp_path, monkeypatch):
    target = tmp_path / "graph.json"
    target.write_text("earlier")

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(kg.io.os, "fsync", full)
    with pytest.raises(ExportError) as info, atomic_write(target) as fh:
        fh.write("new")
    assert str(info.value) == f"{target}: cannot write: No space left on device"
    assert target.read_text() == "earlier"
    assert _leftovers(tmp_path) == []


def test_io_atomic_write_unencodable_text_is_an_export_error(tmp_path):
    target = tmp_path / "p.jsonl"
    target.write_text("earlier")
    with pytest.raises(ExportError, match=r"p.jsonl: cannot write: expected text that UTF-8 can encode, "
                                          r"found '\\ud800'"), atomic_write(target) as fh:
        fh.write("bad \ud800")
    assert target.read_text() == "earlier"


def test_io_atomic_write_into_a_file_as_folder_is_an_export_error(tmp_path):
    (tmp_path / "out").write_text("a file")
    with pytest.raises(ExportError, match=r"out/graph.json: cannot write: "), atomic_write(tmp_path / "out" / "graph.json"):
        pass


def test_io_remove_stale_temporaries_removes_files_and_folders(tmp_path):
    (tmp_path / f"{TMP_PREFIX}graph.json.abc").write_text("partial")
    (tmp_path / f"{TMP_PREFIX}build.xyz").mkdir()
    (tmp_path / f"{TMP_PREFIX}build.xyz" / "graph.json").write_text("partial")
    (tmp_path / "graph.json").write_text("keep")
    (tmp_path / ".hidden-but-mine").write_text("keep")
    assert remove_stale_temporaries(tmp_path) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [".hidden-but-mine", "graph.json"]
    assert remove_stale_temporaries(tmp_path / "missing") == 0


def test_io_remove_stale_temporaries_of_one_target_only(tmp_path):
    (tmp_path / f"{TMP_PREFIX}pred.jsonl.abc").write_text("partial")
    (tmp_path / f"{TMP_PREFIX}graph.json.abc").write_text("another run's")
    assert remove_stale_temporaries(tmp_path, target="pred.jsonl") == 1
    assert _leftovers(tmp_path) == [f"{TMP_PREFIX}graph.json.abc"]


def test_io_write_jsonl_counts_and_round_trips(tmp_path):
    records = [{"id": "Ünïcode-7B", "text": "中文模型\u2028x"}, {"id": 2}]
    assert write_jsonl(iter(records), tmp_path / "r.jsonl") == 2
    assert [value for _, value in read_jsonl(tmp_path / "r.jsonl")] == records


# --- staged_outputs ---------------------------------------------------------------------------

def test_io_staged_outputs_move_together(tmp_path):
    (tmp_path / "graph.json").write_text("old json")
    with staged_outputs(tmp_path) as stage:
        with atomic_write(stage / "graph.json") as fh:
            fh.write("new json")
        with atomic_write(stage / "graph.ttl") as fh:
            fh.write("new ttl")
    assert (tmp_path / "graph.json").read_text() == "new json"
    assert (tmp_path / "graph.ttl").read_text() == "new ttl"
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("failure", [RuntimeError("export bug"), KeyboardInterrupt(),
                                     OSError(errno.ENOSPC, "No space left on device")])
def test_io_staged_outputs_failure_leaves_every_earlier_output(tmp_path, failure):
    earlier = {"graph.json": b"old json", "graph.ttl": b"old ttl", "graph.html": b"old html"}
    for name, data in earlier.items():
        (tmp_path / name).write_bytes(data)
    with pytest.raises((type(failure), ExportError)), staged_outputs(tmp_path) as stage:
        with atomic_write(stage / "graph.json") as fh:
            fh.write("new json, written before the failure")
        raise failure
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == earlier


def test_io_staged_outputs_refuse_a_folder_in_the_way_before_replacing_anything(tmp_path):
    (tmp_path / "graph.json").write_text("old json")
    (tmp_path / "graph.ttl").mkdir()
    with pytest.raises(ExportError, match=r"graph.ttl: cannot write: expected a file, found a folder"):
        with staged_outputs(tmp_path) as stage:
            (stage / "graph.json").write_text("new")
            (stage / "graph.ttl").write_text("new")
    assert (tmp_path / "graph.json").read_text() == "old json"
    assert _leftovers(tmp_path) == []


# --- reading lines ----------------------------------------------------------------------------

LINE_ENDINGS = b"one\ntwo\r\nthree\rfour\r\n\r\nsix"


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 64, 1 << 16])
def test_io_iter_raw_lines_splits_lf_crlf_and_cr_at_any_chunk_boundary(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(kg.io, "_READ_CHUNK", chunk)
    path = tmp_path / "x.txt"
    path.write_bytes(LINE_ENDINGS)
    assert list(iter_raw_lines(path)) == [
        RawLine(1, b"one", 3), RawLine(2, b"two", 3), RawLine(3, b"three", 5), RawLine(4, b"four", 4),
        RawLine(5, b"", 0), RawLine(6, b"six", 3, ended=False)]


@pytest.mark.parametrize("chunk", [1, 4, 7, 1 << 16])
def test_io_iter_raw_lines_counts_but_does_not_keep_long_lines(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(kg.io, "_READ_CHUNK", chunk)
    path = tmp_path / "x.jsonl"
    path.write_bytes(b"short\r\n" + b"x" * 30 + b"\r\nlast\r")
    assert list(iter_raw_lines(path, limit=10)) == [
        RawLine(1, b"short", 5), RawLine(2, None, 30), RawLine(3, b"last", 4)]


def test_io_read_of_a_huge_single_line_stays_bounded_in_memory(tmp_path):
    path = tmp_path / "huge.jsonl"
    size = 5 * MAX_RECORD_BYTES
    with open(path, "wb") as fh:
        fh.write(b'{"text": "' + b"a" * size + b'"}\n{"text": "after"}\n')
    tracemalloc.start()
    try:
        lines = list(iter_raw_lines(path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [(line.number, line.data, line.size) for line in lines] == [
        (1, None, size + 12), (2, b'{"text": "after"}', 17)]
    assert peak < 2.5 * MAX_RECORD_BYTES
    with pytest.raises(InputError) as info:
        list(read_jsonl(path))
    assert str(info.value) == (f"{path}:1: expected a line of at most {MAX_RECORD_BYTES:,} bytes, "
                               f"found one of {size + 12:,} bytes")


def test_io_decode_line_drops_a_byte_order_mark_on_any_line():
    assert decode_line(b"\xef\xbb\xbf{}\r\n", "a.jsonl", 7) == "{}"


@pytest.mark.parametrize("raw, message", [
    (b"caf\xe9", "a.txt:3: expected UTF-8, found byte 0xe9 at column 4; convert the file to UTF-8 "
                 "(for example: iconv -f LATIN1 -t UTF-8)"),
    (b"\x93quoted\x94", "a.txt:3: expected UTF-8, found byte 0x93 at column 1; convert the file to UTF-8 "
                        "(for example: iconv -f CP1252 -t UTF-8)"),
    (b"ab\x00cd", "a.txt:3: expected text, found a NUL byte at column 3 (is this a binary file?)"),
    ("{}".encode("utf-16-le"), "a.txt:3: expected text, found a NUL byte at column 2; it looks like UTF-16: "
                               "convert it (iconv -f UTF-16 -t UTF-8)"),
])
def test_io_decode_line_bad(raw, message):
    with pytest.raises(InputError) as info:
        decode_line(raw, "a.txt", 3)
    assert str(info.value) == message
    assert info.value.line == 3


def test_io_read_lines_refuses_utf16_with_bom(tmp_path):
    path = tmp_path / "u.jsonl"
    path.write_bytes('{"text": "x"}\n'.encode("utf-16"))
    with pytest.raises(InputError) as info:
        list(read_jsonl(path))
    assert str(info.value) == f"{path}:1: the file is UTF-16; expected UTF-8 (convert it: iconv -f UTF-16 -t UTF-8)"


def test_io_read_of_a_missing_file(tmp_path):
    with pytest.raises(InputError) as info:
        list(iter_raw_lines(tmp_path / "gone.jsonl"))
    assert str(info.value) == f"{tmp_path / 'gone.jsonl'}: cannot read: No such file or directory"


def test_io_read_error_mid_file_names_the_line(tmp_path, monkeypatch):
    path = tmp_path / "a.jsonl"
    path.write_bytes(b"{}\n" * 10)
    monkeypatch.setattr(kg.io, "_READ_CHUNK", 6)
    real_open = open

    class Flaky:
        def __init__(self, fh):
            self.fh, self.reads = fh, 0

        def read(self, n):
            self.reads += 1
            if self.reads == 3:
                raise OSError(errno.EIO, "Input/output error")
            return self.fh.read(n)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

    monkeypatch.setattr("builtins.open", lambda *a, **k: Flaky(real_open(*a, **k)))
    with pytest.raises(InputError) as info:
        list(iter_raw_lines(path))
    assert str(info.value) == f"{path}:5: cannot read: Input/output error"


@pytest.mark.parametrize("text, ended, message", [
    ('{"text": "x"', True, 'a.jsonl:4: expected a JSON object with "text", found invalid JSON: '
                           "Expecting ',' delimiter at column 13"),
    ('{"text": "x', False, "a.jsonl:4: expected a complete JSON object, found the file ends in the middle "
                           "of one (was it cut short?): Unterminated string starting at column 10"),
    ("[" * 100_000 + "]" * 100_000, True, "a.jsonl:4: expected a JSON object, found JSON nested too deeply to read"),
    ('{"id": ' + "9" * 5000 + "}", True, "a.jsonl:4: expected a JSON object, found a number too long to read "
                                         "(over 4,300 digits)"),
])
def test_io_parse_json_line_bad(text, ended, message):
    with pytest.raises(InputError) as info:
        parse_json_line(text, "a.jsonl", 4, ended=ended)
    assert str(info.value) == message


def test_io_display_path_escapes_bytes_that_are_not_utf8():
    assert kg.io.display_path(os.fsdecode(b"caf\xe9.txt")) == "caf\\xe9.txt"


def test_io_staged_outputs_errors_name_the_real_output_not_the_staging_folder(tmp_path):
    with pytest.raises(ExportError) as info, staged_outputs(tmp_path) as stage:
        with atomic_write(stage / "graph.ttl") as fh:
            fh.write("x")
            raise OSError(errno.ENOSPC, "No space left on device")
    assert str(info.value) == f"{tmp_path}/graph.ttl: cannot write: No space left on device"


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_io_atomic_write_gives_outputs_the_usual_permissions(tmp_path):
    with atomic_write(tmp_path / "graph.json") as fh:
        fh.write("{}")
    assert (tmp_path / "graph.json").stat().st_mode & 0o777 == 0o666 & ~kg.io._UMASK
