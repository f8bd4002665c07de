"""The bad input files of tests/data and the exact message each must give after "path".

Shared by the ingest tests (the library's InputError) and the CLI tests ("Error: ..." on stderr).
"""
from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).parent / "data"

#: (file name, what follows the path in the error), in the order the tests list them.
BAD_FILES: tuple[tuple[str, str], ...] = (
    ("bad_line3.jsonl", ':3: expected a JSON object with "text", found a list'),
    ("text_not_string.jsonl", ':2: expected "text" to be a string, found a number'),
    ("truncated.jsonl", ":2: expected a complete JSON object, found the file ends in the middle of one "
                        "(was it cut short?): Unterminated string starting at column 37"),
    ("latin1.txt", ":1: expected UTF-8, found byte 0xe9 at column 4; convert the file to UTF-8 "
                   "(for example: iconv -f LATIN1 -t UTF-8)"),
    ("cp1252.jsonl", ":2: expected UTF-8, found byte 0x93 at column 22; convert the file to UTF-8 "
                     "(for example: iconv -f CP1252 -t UTF-8)"),
    ("utf16.jsonl", ":1: the file is UTF-16; expected UTF-8 (convert it: iconv -f UTF-16 -t UTF-8)"),
    ("nul.jsonl", ":2: expected text, found a NUL byte at column 23 (is this a binary file?)"),
    ("dup_id.jsonl", ":2: expected a new id or the same text, found id 'p1' already used for a different "
                     f"text at {DATA}/dup_id.jsonl:1"),
    ("empty.txt", ": expected abstracts, found an empty file"),
    ("blank.jsonl", ": expected abstracts, found only blank lines"),
    ("notes.csv", ": expected a .txt or .jsonl file, found unknown file type '.csv'"),
    ("missing.jsonl", ": expected a file or folder, found nothing at this path"),
)
