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
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from .errors import InputError
from .io import RawLine, decode_line, display_path, iter_raw_lines, parse_json_line
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
#: Longest abstract accepted, in characters: spaCy's default ``nlp.max_length``, past which
#: ``nlp(text)`` refuses the text (E088). Real abstracts are 1-3 thousand characters.
MAX_TEXT_CHARS = 1_000_000
#: Longest run of characters without white space accepted in an abstract. spaCy's tokenizer
#: peels punctuation off a token one character at a time, copying the rest, so its time grows
#: with the square of a token's length: 40,000 brackets in a row take minutes. Real words,
#: URLs and DOIs stay far below this; longer runs are base64, binary or scraper debris.
MAX_WORD_CHARS = 1_000
_LONG_WORD = re.compile(rf"\S{{{MAX_WORD_CHARS + 1},}}")

OnBadRecord = Callable[[InputError], None]


def iter_input_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Expand inputs into files: a directory gives its supported files, sorted."""
    any_path = False
    for raw in paths:
        any_path = True
        path = Path(raw)
        where = display_path(path)
        if path.is_dir():
            try:
                entries = list(path.iterdir())
            except OSError as e:
                raise InputError(where, None, f"cannot read folder: {e.strerror or e}") from e
            files = sorted(p for p in entries
                           if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                           and not p.name.startswith("."))
            if not files:
                raise InputError(where, None, "expected a folder with .txt or .jsonl files, found none")
            yield from files
        elif path.is_file():
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                raise InputError(where, None, f"expected a .txt or .jsonl file, found unknown file type "
                                              f"{path.suffix or '(no extension)'!r}")
            yield path
        elif not path.exists():
            raise InputError(where, None, "expected a file or folder, found nothing at this path")
        else:
            raise InputError(where, None, "expected a file or folder, found something else "
                                          "(a device, pipe or socket)")
    if not any_path:
        raise InputError("(no input)", None, "no input files given")


def read_records(paths: Iterable[str | Path], *, on_bad_record: OnBadRecord | None = None
                 ) -> Iterator[Document]:
    """Yield one Document per input record, in input order.

    Args:
        on_bad_record: called with the error of a bad record, which is then skipped;
            when None the first bad record raises.

    Raises:
        InputError: naming the file and line of the first problem; when skipping, only if no
            good abstract is left at all.
    """
    seen_ids: dict[str, tuple[str, str]] = {}
    paths = list(paths)
    inputs = [display_path(p) for p in paths]
    tally = _Tally(on_bad_record)
    yielded = 0
    for path in iter_input_files(paths):
        reader = _read_jsonl_file if path.suffix.lower() == ".jsonl" else _read_txt_file
        count, bad_before = 0, tally.bad
        for doc in reader(path, tally):
            digest = text_digest(doc.text)
            earlier = seen_ids.get(doc.id)
            if earlier is not None and earlier[0] != digest:
                tally.report(InputError(doc.sources[0].rsplit(":", 1)[0], _line_of(doc), (
                    f"expected a new id or the same text, found id {doc.id!r} already used "
                    f"for a different text at {earlier[1]}")))
                continue
            count += 1
            if earlier is not None:
                continue
            seen_ids[doc.id] = (digest, doc.sources[0])
            yielded += 1
            yield doc
        if count == 0 and tally.bad == bad_before:
            tally.report(InputError(display_path(path), None, _why_empty(path)))
    if yielded == 0:  # only reachable when bad records are skipped
        where = ", ".join(inputs) if len(inputs) <= 3 else f"{len(inputs)} inputs"
        raise InputError(where, None, f"expected at least one good abstract, found none "
                                      f"({tally.bad} bad record{'s' if tally.bad != 1 else ''} skipped)")


class _Tally:
    """Reports bad records (raising when they are not to be skipped) and counts them."""

    def __init__(self, on_bad_record: OnBadRecord | None) -> None:
        self.on_bad_record = on_bad_record
        self.bad = 0

    def report(self, error: InputError) -> None:
        if self.on_bad_record is None:
            raise error
        self.bad += 1
        self.on_bad_record(error)


def _why_empty(path: Path) -> str:
    """What a file that gave no abstract holds instead (reads at most 64 KiB to say so)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(1 << 16)
            more = bool(fh.read(1))
    except OSError as e:
        return f"expected abstracts, found a file that cannot be read: {e.strerror or e}"
    if not head:
        return "expected abstracts, found an empty file"
    if not more and not head.replace(b"\xef\xbb\xbf", b"").strip():
        return "expected abstracts, found only blank lines"
    return "expected abstracts, found none in the file"


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
    """A digest of an abstract that ignores differences in white space.

    >>> text_digest("A  b\\n c") == text_digest("A b c")
    True
    """
    if not _single_spaced(text):
        text = " ".join(text.split())
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _single_spaced(text: str) -> bool:
    """True if `" ".join(text.split())` is `text`: ASCII whose only white space is single spaces
    inside it. Most abstracts are, and these few scans cost a tenth of the split and join.

    >>> _single_spaced("A b c"), _single_spaced("A  b"), _single_spaced("A\\tb"), _single_spaced(" A")
    (True, False, False, False)
    """
    # str.split's white space among ASCII characters is the space and control characters (\t \n \v \f
    # \r \x1c-\x1f), which printable ASCII excludes.
    return text.isascii() and text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "


def _line_of(doc: Document) -> int | None:
    where = doc.sources[0].rsplit(":", 1)
    return int(where[1]) if len(where) == 2 and where[1].isdigit() else None


# --- JSON Lines -------------------------------------------------------------------------------

def _read_jsonl_file(path: Path, tally: _Tally) -> Iterator[Document]:
    """Documents of a JSON Lines file; a bad line is reported and, when skipping, passed over."""
    where = display_path(path)
    for line in _lines_of(path, tally):
        try:
            text = decode_line(line, path)
        except InputError as error:
            tally.report(error)
            continue
        if not text.strip():
            continue
        try:
            value = parse_json_line(text, path, line.number, ended=line.ended)
            yield record_to_document(value, path, line.number, where=where)
        except InputError as error:
            tally.report(error)


def _lines_of(path: Path, tally: _Tally) -> Iterator[RawLine]:
    """Raw lines of a file; a file that cannot be read at all is reported once and ends early."""
    lines = iter_raw_lines(path)
    while True:
        try:
            line = next(lines)
        except StopIteration:
            return
        except InputError as error:
            tally.report(error)
            return
        yield line


def record_to_document(value: object, path: str | Path, line_no: int, *, where: str | None = None) -> Document:
    """Validate one parsed JSON Lines value and turn it into a Document.

    Args:
        where: display_path(path), when the caller has it (a reader, once per file).

    Raises:
        InputError: naming `path` and `line_no`, what was expected and what was found.
    """
    if where is None:
        where = display_path(path)
    if not isinstance(value, dict):
        raise InputError(where, line_no, f'expected a JSON object with "text", found {_json_kind(value)}')
    text = value.get("text")
    field = "text"
    if text is None and value.get("abstract") is not None:
        text, field = value["abstract"], "abstract"
    if text is None:
        found = "null" if "text" in value else (
            "an object with " + ", ".join(f'"{k}"' for k in list(value)[:5]) if value else "an empty object")
        raise InputError(where, line_no, f'expected a JSON object with "text" (or "abstract"), found {found}')
    if not isinstance(text, str):
        raise InputError(where, line_no, f'expected "{field}" to be a string, found {_json_kind(text)}')
    if not text.strip():
        raise InputError(where, line_no, f'expected "{field}" to hold an abstract, found only white space'
                                         if text else f'expected "{field}" to hold an abstract, found ""')
    check_text(text, where, line_no, field=field)
    raw_id = value.get("id")
    if raw_id is None:
        raw_id = f"{Path(path).stem}-{line_no}"
    elif isinstance(raw_id, bool) or not isinstance(raw_id, (str, int)):
        raise InputError(where, line_no, f'expected "id" to be a string or a whole number, found {_json_kind(raw_id)}')
    else:
        raw_id = _id_text(raw_id, where, line_no)
    title = value.get("title")
    if title is not None and not isinstance(title, str):
        raise InputError(where, line_no, f'expected "title" to be a string or null, found {_json_kind(title)}')
    if title:
        _check_encodable(title, where, line_no, "title")
    return Document(id=str(raw_id), text=text.strip(), title=(title.strip() or None) if title else None,
                    sources=(f"{where}:{line_no}",))


def check_text(text: str, where: str, line_no: int | None, *, field: str = "text") -> None:
    """Refuse an abstract that extraction cannot take safely: NUL, lone surrogates, size limits.

    Raises:
        InputError: saying which limit, where in the text, and the size found.
    """
    if "\x00" in text:
        raise InputError(where, line_no, f'expected "{field}" without NUL characters, found one at '
                                         f'character {text.index(chr(0)) + 1}')
    _check_encodable(text, where, line_no, field)
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(where, line_no, f'expected "{field}" of at most {MAX_TEXT_CHARS:,} characters, '
                                         f'found {len(text):,}')
    # A space in every stretch of MAX_WORD_CHARS + 1 characters (almost every text) rules a long word
    # out at once; else str.split, several times faster than the regex, which only locates the culprit.
    long_word = (_LONG_WORD.search(text) if len(text) > MAX_WORD_CHARS and not _spaced_often(text)
                 and max(map(len, text.split()), default=0) > MAX_WORD_CHARS else None)
    if long_word:
        raise InputError(where, line_no, (
            f'expected "{field}" to be prose with words of at most {MAX_WORD_CHARS:,} characters, found '
            f'{len(long_word.group()):,} characters without a space at character {long_word.start() + 1} '
            f'({long_word.group()[:20]!r}...)'))


def _spaced_often(text: str) -> bool:
    """True if no MAX_WORD_CHARS + 1 characters in a row lack a space, so that no word is longer.

    >>> _spaced_often("ab " * 1000), _spaced_often("a" * (MAX_WORD_CHARS + 1))
    (True, False)
    """
    position, end = 0, len(text)
    while end - position > MAX_WORD_CHARS:  # each step jumps to the last space of the next stretch
        space = text.rfind(" ", position, position + MAX_WORD_CHARS + 1)
        if space < 0:
            return False
        position = space + 1
    return True


def _check_encodable(text: str, where: str, line_no: int | None, field: str) -> None:
    """JSON escapes like "\\ud800" give lone surrogates, which no output file can hold."""
    if text.isascii():  # a flag of the string: no scan
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as e:
        raise InputError(where, line_no, (
            f'expected "{field}" to hold Unicode characters, found a lone surrogate '
            f'{text[e.start]!r} at character {e.start + 1} (a broken "\\u" escape?)')) from e


def _id_text(raw_id: str | int, where: str, line_no: int) -> str:
    """An id as text: not empty, printable on one line, encodable."""
    if isinstance(raw_id, int):
        return str(raw_id)  # parse_json_line already refused integers too long to convert
    if not raw_id.strip():
        raise InputError(where, line_no, f'expected "id" to be a non-empty string, found {raw_id!r}')
    _check_encodable(raw_id, where, line_no, "id")
    # A control character is never printable: most ids are, and need no scan character by character.
    control = None if raw_id.isprintable() else next((c for c in raw_id if unicodedata.category(c) == "Cc"), None)
    if control is not None:
        raise InputError(where, line_no, f'expected "id" without control characters, found {control!r} '
                                         f'in {raw_id[:40]!r}')
    return raw_id


def _json_kind(value: object) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean",
            int: "a number", float: "a number", type(None): "null"}.get(type(value), type(value).__name__)


# --- Text files -------------------------------------------------------------------------------

def _read_txt_file(path: Path, tally: _Tally) -> Iterator[Document]:
    """Documents of a text file, streaming: a first pass picks the layout, a second reads it.

    Memory stays bounded by one line (MAX_RECORD_BYTES) or one abstract (MAX_TEXT_CHARS),
    whatever the size of the file. A line that cannot be decoded skips the whole file, since
    its abstracts cannot be told apart without it.
    """
    layout = _txt_layout(path, tally)
    if layout is None:
        return
    where = display_path(path)
    entries = layout(read_stripped(path), where)
    for index in itertools.count(1):
        try:
            line_no, title, text = next(entries)
        except StopIteration:
            return
        except InputError as error:
            tally.report(error)
            return
        try:
            check_text(text, where, line_no)
        except InputError as error:
            tally.report(error)
            continue
        yield Document(id=f"{path.stem}-{index:02d}", text=text, title=title, sources=(f"{where}:{line_no}",))


_Layout = Callable[[Iterable[tuple[int, str]], str], Iterator[tuple[int, "str | None", str]]]


def _txt_layout(path: Path, tally: _Tally) -> _Layout | None:
    """Which of the text layouts the file has; None (after reporting) if it cannot be read."""
    prefixed, abstract_like = False, 0
    try:
        for _, text in read_stripped(path):
            prefixed = prefixed or bool(ABSTRACT_PREFIX.match(text))
            abstract_like += _looks_like_abstract(text)
    except InputError as error:
        tally.report(error)
        return None
    if prefixed:
        return _abstract_lines_layout
    return _listing_layout if abstract_like >= 2 else _plain_layout


def read_stripped(path: Path) -> Iterator[tuple[int, str]]:
    """Non-blank lines of a text file, stripped, with their numbers; raises at a bad line."""
    for line in iter_raw_lines(path):
        text = decode_line(line, path).strip()
        if text:
            yield line.number, text


def _abstract_lines_layout(lines: Iterable[tuple[int, str]], where: str = "") -> Iterator[tuple[int, str | None, str]]:
    """Each "Abstract:" line is a document; a directly preceding other line may be its title."""
    previous: str | None = None
    for line_no, text in lines:
        match = ABSTRACT_PREFIX.match(text)
        if not match:
            previous = text
            continue
        body = text[match.end():].strip()
        title = previous if previous and _looks_like_title(previous) else None
        if body:
            yield line_no, title, body
        previous = None


def _listing_layout(lines: Iterable[tuple[int, str]], where: str = "") -> Iterator[tuple[int, str | None, str]]:
    """Scraped listing: each abstract-like line takes the short line just before it as its title."""
    previous: str | None = None
    for line_no, text in lines:
        if _looks_like_abstract(text):
            title = strip_navigation(previous) if previous else None
            yield line_no, title or None, text
            previous = None
        else:
            previous = text


def _plain_layout(lines: Iterable[tuple[int, str]], where: str = "") -> Iterator[tuple[int, str | None, str]]:
    """One abstract per file; a short first line that does not end a sentence is its title.

    Raises:
        InputError: the abstract grows past MAX_TEXT_CHARS (checked while reading, so a huge
            file is never held in memory).
    """
    lines = iter(lines)
    first = next(lines, None)
    if first is None:
        return
    second = next(lines, None)
    start_no, title, parts = first[0], None, [first[1]]
    if second is not None and len(first[1]) < MIN_ABSTRACT_CHARS and not first[1].endswith((".", "!", "?")):
        title, parts = first[1], []
    size = sum(len(part) for part in parts)
    for line_no, text in ([second] if second is not None else []):
        parts.append(text)
        size += len(text) + 1
    for line_no, text in lines:
        size += len(text) + 1
        if size > MAX_TEXT_CHARS:
            raise InputError(where, start_no, f"expected an abstract of at most {MAX_TEXT_CHARS:,} characters, "
                                              f"found more by line {line_no}")
        parts.append(text)
    yield start_no, title, " ".join(parts)


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
