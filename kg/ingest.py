"""Read abstracts from the supported inputs into Documents (no NLP here).

Supported inputs:

- ``*.txt`` with ``Abstract:`` lines, each optionally preceded by a title or an affiliation line;
- ``*.txt`` scraped listing pages: title line, abstract line, ... (navigation text may be glued
  to the first title);
- ``*.txt`` holding one plain abstract (optionally with a title on its first line);
- ``*.jsonl`` with ``id``, ``title`` and ``text`` (or ``abstract``) per line.

A directory means every supported file in it, in sorted order.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from .errors import InputError
from .io import read_jsonl, read_lines
from .types import Document

SUPPORTED_SUFFIXES = (".txt", ".jsonl")
ABSTRACT_PREFIX = re.compile(r"^\s*Abstract\s*[:.]\s*", re.IGNORECASE)
#: Navigation words that scrapers glue to the first title ("SubscribeLLM360 K2: ...").
NAVIGATION_PREFIXES = ("Subscribe", "Sign in", "Sign up", "Log in", "Login", "Share", "Upvote")
_AFFILIATION_WORDS = re.compile(
    r"\b(University|Universit[äé]|Institute|Laborator(y|ies)|School|Department|College|Academy|"
    r"Inc\.|Ltd|Center|Centre|Research|Lab)\b")
#: A line this long that ends like a sentence reads as an abstract rather than a title.
MIN_ABSTRACT_CHARS = 200

OnBadRecord = Callable[[InputError], None]


def iter_input_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Expand inputs into files: a directory gives its supported files, sorted."""
    any_path = False
    for raw in paths:
        any_path = True
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.iterdir()
                           if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                           and not p.name.startswith("."))
            if not files:
                raise InputError(str(path), None, "folder has no .txt or .jsonl files")
            yield from files
        elif path.is_file():
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                raise InputError(str(path), None,
                                 f"unknown file type {path.suffix or '(none)'!r}; expected .txt or .jsonl")
            yield path
        elif not path.exists():
            raise InputError(str(path), None, "no such file or folder")
        else:
            raise InputError(str(path), None, "not a regular file or folder")
    if not any_path:
        raise InputError("(no input)", None, "no input files given")


def read_records(paths: Iterable[str | Path], *, on_bad_record: OnBadRecord | None = None
                 ) -> Iterator[Document]:
    """Yield one Document per input record, in input order.

    Args:
        on_bad_record: called with the error of a bad record, which is then skipped;
            when None the first bad record raises.

    Raises:
        InputError: naming the file and line of the first problem.
    """
    seen_ids: dict[str, tuple[str, str]] = {}
    for path in iter_input_files(paths):
        reader = _read_jsonl_file if path.suffix.lower() == ".jsonl" else _read_txt_file
        count = 0
        for doc in reader(path, on_bad_record):
            digest = text_digest(doc.text)
            earlier = seen_ids.get(doc.id)
            if earlier is not None and earlier[0] != digest:
                error = InputError(doc.sources[0].rsplit(":", 1)[0], _line_of(doc), (
                    f"id {doc.id!r} was already used for a different text at {earlier[1]}"))
                _report(error, on_bad_record)
                continue
            count += 1
            if earlier is not None:
                continue
            seen_ids[doc.id] = (digest, doc.sources[0])
            yield doc
        if count == 0:
            _report(InputError(str(path), None, "no abstracts found (the file is empty)"), on_bad_record)


def merge_duplicates(documents: Iterable[Document]) -> tuple[list[Document], int]:
    """Fold documents with the same text into one that remembers every source.

    Returns the distinct documents (first occurrence's id, first non-empty title) and how many
    records were folded into an earlier one.
    """
    by_digest: dict[str, Document] = {}
    merged = 0
    for doc in documents:
        digest = text_digest(doc.text)
        first = by_digest.get(digest)
        if first is None:
            by_digest[digest] = doc
            continue
        merged += 1
        by_digest[digest] = Document(
            id=first.id, text=first.text, title=first.title or doc.title,
            sources=first.sources + tuple(s for s in doc.sources if s not in first.sources))
    return list(by_digest.values()), merged


def read_documents(paths: Iterable[str | Path], *, on_bad_record: OnBadRecord | None = None
                   ) -> tuple[list[Document], int]:
    """Distinct documents of the inputs and the number of duplicates merged."""
    return merge_duplicates(read_records(paths, on_bad_record=on_bad_record))


def text_digest(text: str) -> str:
    """A digest of an abstract that ignores differences in white space."""
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()


def _report(error: InputError, on_bad_record: OnBadRecord | None) -> None:
    if on_bad_record is None:
        raise error
    on_bad_record(error)


def _line_of(doc: Document) -> int | None:
    where = doc.sources[0].rsplit(":", 1)
    return int(where[1]) if len(where) == 2 and where[1].isdigit() else None


# --- JSON Lines -------------------------------------------------------------------------------

def _read_jsonl_file(path: Path, on_bad_record: OnBadRecord | None) -> Iterator[Document]:
    lines = read_jsonl(path)
    while True:
        try:
            line_no, value = next(lines)
        except StopIteration:
            return
        except InputError as error:
            _report(error, on_bad_record)
            if error.line is None or "JSON" not in error.message:
                return  # the file itself is unreadable: nothing more to take from it
            continue
        try:
            yield record_to_document(value, path, line_no)
        except InputError as error:
            _report(error, on_bad_record)


def record_to_document(value: object, path: str | Path, line_no: int) -> Document:
    """Validate one parsed JSON Lines value and turn it into a Document."""
    if not isinstance(value, dict):
        raise InputError(str(path), line_no,
                         f'expected a JSON object with "text", got {_json_kind(value)}')
    text = value.get("text", value.get("abstract"))
    if text is None:
        raise InputError(str(path), line_no, 'expected a JSON object with "text" (or "abstract")')
    if not isinstance(text, str):
        raise InputError(str(path), line_no, f'"text" must be a string, got {_json_kind(text)}')
    if not text.strip():
        raise InputError(str(path), line_no, '"text" is empty')
    if "\x00" in text:
        raise InputError(str(path), line_no, '"text" contains a NUL character')
    raw_id = value.get("id")
    if raw_id is None:
        raw_id = f"{path.stem if isinstance(path, Path) else Path(path).stem}-{line_no}"
    elif not isinstance(raw_id, (str, int)) or isinstance(raw_id, bool):
        raise InputError(str(path), line_no, f'"id" must be a string or a number, got {_json_kind(raw_id)}')
    title = value.get("title")
    if title is not None and not isinstance(title, str):
        raise InputError(str(path), line_no, f'"title" must be a string or null, got {_json_kind(title)}')
    return Document(id=str(raw_id), text=text.strip(), title=(title.strip() or None) if title else None,
                    sources=(f"{path}:{line_no}",))


def _json_kind(value: object) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean",
            int: "a number", float: "a number", type(None): "null"}.get(type(value), type(value).__name__)


# --- Text files -------------------------------------------------------------------------------

def _read_txt_file(path: Path, on_bad_record: OnBadRecord | None) -> Iterator[Document]:
    try:
        lines = [(n, text.strip()) for n, text in read_lines(path)]
    except InputError as error:
        _report(error, on_bad_record)
        return
    lines = [(n, text) for n, text in lines if text]
    if any(ABSTRACT_PREFIX.match(text) for _, text in lines):
        entries = _abstract_lines_layout(lines)
    elif sum(1 for _, text in lines if _looks_like_abstract(text)) >= 2:
        entries = _listing_layout(lines)
    else:
        entries = _plain_layout(lines)
    for index, (line_no, title, text) in enumerate(entries, 1):
        yield Document(id=f"{path.stem}-{index:02d}", text=text, title=title,
                       sources=(f"{path}:{line_no}",))


def _abstract_lines_layout(lines: list[tuple[int, str]]) -> list[tuple[int, str | None, str]]:
    """Each "Abstract:" line is a document; a directly preceding other line may be its title."""
    entries = []
    previous: str | None = None
    for line_no, text in lines:
        match = ABSTRACT_PREFIX.match(text)
        if not match:
            previous = text
            continue
        body = text[match.end():].strip()
        title = previous if previous and _looks_like_title(previous) else None
        if body:
            entries.append((line_no, title, body))
        previous = None
    return entries


def _listing_layout(lines: list[tuple[int, str]]) -> list[tuple[int, str | None, str]]:
    """Scraped listing: each abstract-like line takes the short line just before it as its title."""
    entries = []
    previous: str | None = None
    for line_no, text in lines:
        if _looks_like_abstract(text):
            title = strip_navigation(previous) if previous else None
            entries.append((line_no, title or None, text))
            previous = None
        else:
            previous = text
    return entries


def _plain_layout(lines: list[tuple[int, str]]) -> list[tuple[int, str | None, str]]:
    """One abstract per file; a short first line that does not end a sentence is its title."""
    if not lines:
        return []
    title = None
    first_no, first = lines[0]
    if len(lines) > 1 and len(first) < MIN_ABSTRACT_CHARS and not first.endswith((".", "!", "?")):
        title = first
        lines = lines[1:]
    text = " ".join(text for _, text in lines)
    return [(lines[0][0] if title is None else first_no, title, text)]


def strip_navigation(line: str) -> str:
    """Remove navigation words a scraper glued to the front of a title.

    >>> strip_navigation("SubscribeLLM360 K2: Building a 65B Model")
    'LLM360 K2: Building a 65B Model'
    >>> strip_navigation("Sharing Is Caring")
    'Sharing Is Caring'
    """
    for prefix in NAVIGATION_PREFIXES:
        if line.startswith(prefix) and len(line) > len(prefix) and (
                line[len(prefix)].isupper() or line[len(prefix)].isdigit()):
            return line[len(prefix):].strip()
    return line


def _looks_like_abstract(text: str) -> bool:
    return len(text) >= MIN_ABSTRACT_CHARS and text.count(". ") >= 1


def _looks_like_title(text: str) -> bool:
    if len(text) > 300:
        return False
    return not (text.count(",") >= 2 and _AFFILIATION_WORDS.search(text))
