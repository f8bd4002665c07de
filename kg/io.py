"""File input and output at the edges: atomic writes and validated text/JSON Lines reading."""
from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from .errors import ExportError, InputError

TMP_PREFIX = ".kg-tmp-"
#: One record (line) larger than this is refused: it protects memory from runaway lines.
MAX_RECORD_BYTES = 4 * 1024 * 1024


@contextlib.contextmanager
def atomic_write(path: str | Path, *, mode: str = "w") -> Iterator[IO[Any]]:
    """Write to a hidden temporary file beside `path`, then rename it into place.

    A failure or interruption leaves any earlier `path` byte-identical.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f"{TMP_PREFIX}{path.name}.", dir=path.parent)
    except OSError as e:
        raise ExportError(f"{path}: cannot write: {e.strerror or e}") from e
    encoding = None if "b" in mode else "utf-8"
    newline = None if "b" in mode else "\n"
    try:
        with open(fd, mode, encoding=encoding, newline=newline) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_name, path)
    except OSError as e:
        _remove_quietly(tmp_name)
        raise ExportError(f"{path}: cannot write: {e.strerror or e}") from e
    except BaseException:
        _remove_quietly(tmp_name)
        raise


def _remove_quietly(name: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(name)


def remove_stale_temporaries(directory: str | Path) -> int:
    """Remove temporary files that an interrupted earlier run left in `directory`."""
    removed = 0
    directory = Path(directory)
    if not directory.is_dir():
        return 0
    for stale in directory.glob(f"{TMP_PREFIX}*"):
        with contextlib.suppress(OSError):
            stale.unlink()
            removed += 1
    return removed


def decode_line(raw: bytes, path: str | Path, line_no: int) -> str:
    """Decode one line of a file as UTF-8, or raise an InputError that says where and what."""
    if len(raw) > MAX_RECORD_BYTES:
        raise InputError(str(path), line_no,
                         f"line is {len(raw):,} bytes, over the limit of {MAX_RECORD_BYTES:,} bytes per record")
    if b"\x00" in raw:
        raise InputError(str(path), line_no, "contains a NUL byte: not a text file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(
            str(path), line_no,
            f"bytes that are not UTF-8 at column {e.start + 1}; convert the file to UTF-8 "
            f"(for example: iconv -f {_guess_encoding(raw)} -t UTF-8)") from e
    if line_no == 1:
        text = text.removeprefix("\ufeff")
    return text.rstrip("\r\n")


def _guess_encoding(raw: bytes) -> str:
    """A likely source encoding for bytes that are not UTF-8 (cp1252 covers Latin-1 text in practice)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    return "CP1252" if any(0x80 <= b <= 0x9F for b in raw) else "LATIN1"


def read_lines(path: str | Path) -> Iterator[tuple[int, str]]:
    """Yield (line number, text) of a UTF-8 file, streaming; raises InputError on bad bytes."""
    path = Path(path)
    try:
        fh = open(path, "rb")
    except OSError as e:
        raise InputError(str(path), None, f"cannot read: {e.strerror or e}") from e
    with fh:
        first = fh.read(2)
        if first in (b"\xff\xfe", b"\xfe\xff"):
            raise InputError(str(path), 1, "file is UTF-16; convert it to UTF-8 (iconv -f UTF-16 -t UTF-8)")
        fh.seek(0)
        for line_no, raw in enumerate(fh, 1):
            yield line_no, decode_line(raw, path, line_no)


def read_jsonl(path: str | Path) -> Iterator[tuple[int, Any]]:
    """Yield (line number, parsed value) for each non-blank line of a JSON Lines file."""
    for line_no, text in read_lines(path):
        if not text.strip():
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as e:
            raise InputError(str(path), line_no, f"not valid JSON ({e.msg} at column {e.colno})") from e
        yield line_no, value


def write_jsonl(records: Iterator[dict] | list[dict], path: str | Path) -> int:
    """Write records as JSON Lines atomically; returns how many were written."""
    count = 0
    with atomic_write(path) as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False, sort_keys=False) + "\n")
            count += 1
    return count
