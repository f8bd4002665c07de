"""File input and output at the edges: atomic writes and validated text/JSON Lines reading."""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .errors import ExportError, InputError

TMP_PREFIX = ".kg-tmp-"
_UMASK = os.umask(0o022)  # reading the umask means setting it: put it straight back
os.umask(_UMASK)
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
        if hasattr(os, "fchmod"):  # mkstemp makes 0600 files; outputs get the usual 0666 & ~umask
            os.fchmod(fd, 0o666 & ~_UMASK)
    except OSError as e:
        raise ExportError(f"{display_path(path)}: cannot write: {e.strerror or e}") from e
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
        raise ExportError(f"{display_path(path)}: cannot write: {e.strerror or e}") from e
    except UnicodeEncodeError as e:  # a lone surrogate that reached an output: refuse, don't crash
        _remove_quietly(tmp_name)
        raise ExportError(f"{display_path(path)}: cannot write: expected text that UTF-8 can encode, "
                          f"found {e.object[e.start:e.end]!r}") from e
    except BaseException:
        _remove_quietly(tmp_name)
        raise


def _remove_quietly(name: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(name)


def remove_stale_temporaries(directory: str | Path, *, target: str | None = None) -> int:
    """Remove temporary files and folders that an interrupted earlier run left in `directory`.

    Args:
        target: remove only the temporaries of this output file name (another kg run may be
            writing other files in the same folder).
    """
    directory = Path(directory)
    if not directory.is_dir():
        return 0
    removed = 0
    pattern = f"{TMP_PREFIX}{target}.*" if target is not None else f"{TMP_PREFIX}*"
    for stale in directory.glob(pattern):
        with contextlib.suppress(OSError):
            if stale.is_dir() and not stale.is_symlink():
                shutil.rmtree(stale)
            else:
                stale.unlink()
            removed += 1
    return removed


@contextlib.contextmanager
def staged_outputs(out_dir: str | Path) -> Iterator[Path]:
    """A hidden folder inside `out_dir` whose files all move into `out_dir` when the block succeeds.

    Outputs are written into the staging folder and renamed into place only after every one
    was written, so a failure, Ctrl-C or a full disk part-way leaves every earlier output in
    `out_dir` byte-identical, not some new and some old. A killed run leaves only the hidden
    folder, which remove_stale_temporaries deletes.

    Raises:
        ExportError: `out_dir` or a file in it cannot be written.
    """
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}build.", dir=out))
    except OSError as e:
        raise ExportError(f"{display_path(out)}: cannot write: {e.strerror or e}") from e
    try:
        yield stage
        written = sorted(p for p in stage.iterdir() if not p.name.startswith(TMP_PREFIX))
        for item in written:  # check first, so no file is replaced when one cannot be
            if (out / item.name).is_dir():
                raise ExportError(f"{display_path(out / item.name)}: cannot write: "
                                  "expected a file, found a folder")
        for item in written:
            os.replace(item, out / item.name)
        _fsync_directory(out)
    except OSError as e:
        raise ExportError(f"{display_path(out)}: cannot write: {e.strerror or e}") from e
    except ExportError as e:  # name the output the user asked for, not the hidden staging folder
        hidden = display_path(stage) + os.sep
        if not str(e).startswith(hidden):
            raise
        raise ExportError(display_path(out / str(e)[len(hidden):])) from e
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _fsync_directory(directory: Path) -> None:
    """Make the renames durable (best effort: not every system can open a folder)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@dataclass(frozen=True)
class RawLine:
    """One line of a file as bytes, before decoding.

    `data` is None when the line is longer than MAX_RECORD_BYTES (it was not kept in memory);
    `size` is its length in bytes either way. `ended` is False for a last line that has no line
    end, which in a JSON Lines file often means the file was cut short.
    """

    number: int
    data: bytes | None
    size: int
    ended: bool = True


#: Lines end with LF, CRLF or a lone CR (old Mac files); JSON text never holds a raw CR or LF.
_READ_CHUNK = 1 << 16
#: Python refuses to convert integers longer than this (3.10.7+; CVE-2020-10735).
_MAX_INT_DIGITS = getattr(sys, "get_int_max_str_digits", lambda: 4300)


def iter_raw_lines(path: str | Path, *, limit: int | None = None) -> Iterator[RawLine]:
    """Yield the lines of a file as bytes, streaming, holding at most `limit` bytes of one line.

    Raises:
        InputError: the file cannot be opened or read, or it is UTF-16.
    """
    limit = MAX_RECORD_BYTES if limit is None else limit
    where = display_path(path)
    try:
        fh = open(path, "rb")
    except OSError as e:
        raise InputError(where, None, f"cannot read: {e.strerror or e}") from e
    with fh:
        buf, dropped, line_no, eof = b"", 0, 0, False
        while not eof:
            try:
                chunk = fh.read(_READ_CHUNK)
            except OSError as e:
                raise InputError(where, line_no + 1, f"cannot read: {e.strerror or e}") from e
            if line_no == 0 and not dropped and not buf and chunk.startswith((b"\xff\xfe", b"\xfe\xff")):
                raise InputError(where, 1, "the file is UTF-16; expected UTF-8 "
                                           "(convert it: iconv -f UTF-16 -t UTF-8)")
            eof = not chunk
            buf += chunk
            pos = 0
            while True:
                end, size = _line_end(buf, pos, eof)
                if end < 0:
                    break
                line_no += 1
                yield _raw_line(line_no, buf[pos:end], dropped, limit, True)
                dropped, pos = 0, end + size
            buf = buf[pos:]
            if eof:
                if buf or dropped:
                    yield _raw_line(line_no + 1, buf, dropped, limit, False)
                return
            keep = 1 if buf.endswith(b"\r") else 0
            if dropped + len(buf) - keep > limit:  # too long to keep: count it, don't hold it
                dropped += len(buf) - keep
                buf = buf[len(buf) - keep:]


def _line_end(buf: bytes, pos: int, eof: bool) -> tuple[int, int]:
    """Where the next line end in buf[pos:] is and its length, or (-1, 0) if there is none yet."""
    lf = buf.find(b"\n", pos)
    cr = buf.find(b"\r", pos, lf if lf >= 0 else len(buf))  # bytes.find is memchr: fast
    if cr < 0:
        return lf, 1
    if cr + 1 < len(buf):
        return cr, 2 if buf[cr + 1] == 0x0A else 1
    # A CR at the end of the buffer may be the first half of a CRLF: wait for more, unless none comes.
    return (cr, 1) if eof else (-1, 0)


def _raw_line(number: int, data: bytes, dropped: int, limit: int, ended: bool) -> RawLine:
    size = dropped + len(data)
    return RawLine(number, data if size <= limit else None, size, ended)


def decode_line(raw: bytes | RawLine, path: str | Path, line_no: int | None = None) -> str:
    """Decode one line of a file as UTF-8, or raise an InputError that says where and what."""
    if isinstance(raw, RawLine):
        line_no, size, raw = raw.number, raw.size, raw.data
    else:
        size = len(raw)
    if raw is None or size > MAX_RECORD_BYTES:
        raise InputError(display_path(path), line_no, f"expected a line of at most {MAX_RECORD_BYTES:,} bytes, "
                                         f"found one of {size:,} bytes")
    if b"\x00" in raw:
        hint = ("; it looks like UTF-16: convert it (iconv -f UTF-16 -t UTF-8)"
                if raw.count(b"\x00") * 3 >= len(raw) else "")
        raise InputError(display_path(path), line_no, f"expected text, found a NUL byte at column {raw.index(0) + 1}"
                                         f"{hint or ' (is this a binary file?)'}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(
            display_path(path), line_no,
            f"expected UTF-8, found byte 0x{raw[e.start]:02x} at column {e.start + 1}; convert the file "
            f"to UTF-8 (for example: iconv -f {_guess_encoding(raw)} -t UTF-8)") from e
    # A byte order mark is not text; `cat a.jsonl b.jsonl` can leave one at the start of any line.
    return text.removeprefix("\ufeff").rstrip("\r\n")


def _guess_encoding(raw: bytes) -> str:
    """A likely source encoding for bytes that are not UTF-8 (cp1252 covers Latin-1 text in practice)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    return "CP1252" if any(0x80 <= b <= 0x9F for b in raw) else "LATIN1"


def read_lines(path: str | Path) -> Iterator[tuple[int, str]]:
    """Yield (line number, text) of a UTF-8 file, streaming; raises InputError at the first bad line."""
    for line in iter_raw_lines(path):
        yield line.number, decode_line(line, path)


def parse_json_line(text: str, path: str | Path, line_no: int, *, ended: bool = True) -> Any:
    """Parse one line of JSON Lines, or raise an InputError that says where and what."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        where = display_path(path)
        at = "" if e.msg.endswith(" at") else " at"
        if not ended:  # the last line has no line end and does not parse: most likely cut short
            raise InputError(where, line_no, f'expected a complete JSON object, found the file ends in the '
                                             f'middle of one (was it cut short?): {e.msg}{at} column {e.colno}') from e
        raise InputError(where, line_no, f'expected a JSON object with "text", found invalid JSON: '
                                         f'{e.msg}{at} column {e.colno}') from e
    except RecursionError as e:
        raise InputError(display_path(path), line_no, "expected a JSON object, found JSON nested too deeply to read") from e
    except ValueError as e:  # an integer with more digits than Python converts (CVE-2020-10735)
        raise InputError(display_path(path), line_no, "expected a JSON object, found a number too long to read "
                                         f"(over {_MAX_INT_DIGITS():,} digits)") from e


def read_jsonl(path: str | Path) -> Iterator[tuple[int, Any]]:
    """Yield (line number, parsed value) for each non-blank line of a JSON Lines file."""
    for line in iter_raw_lines(path):
        text = decode_line(line, path)
        if text.strip():
            yield line.number, parse_json_line(text, path, line.number, ended=line.ended)


def display_path(path: str | Path) -> str:
    """A path as printable text: bytes of the name that are not UTF-8 are shown as \\xNN escapes."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def write_jsonl(records: Iterator[dict] | list[dict], path: str | Path) -> int:
    """Write records as JSON Lines atomically; returns how many were written."""
    count = 0
    with atomic_write(path) as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False, sort_keys=False) + "\n")
            count += 1
    return count
