"""Reading abstracts: unusual input works, bad input fails with its file and line, memory stays bounded."""
from __future__ import annotations

import json
import os
import shutil
import tracemalloc
from pathlib import Path

import pytest
from bad_inputs import BAD_FILES

import kg.ingest
from kg.errors import InputError
from kg.ingest import (
    MAX_TEXT_CHARS, MAX_WORD_CHARS, iter_input_files, read_documents, read_records, record_to_document,
)

DATA = Path(__file__).parent / "data"


def _docs(*paths, **kwargs):
    return list(read_records([str(p) for p in paths], **kwargs))


def _error(*paths, **kwargs) -> InputError:
    with pytest.raises(InputError) as info:
        _docs(*paths, **kwargs)
    return info.value


# --- valid but unusual ------------------------------------------------------------------------

def test_ingest_unusual_jsonl_is_accepted():
    """BOM, CRLF, blank lines, extra fields, missing and null title, "abstract", number id, Unicode."""
    docs = _docs(DATA / "unusual.jsonl")
    assert [(d.id, d.title, d.sources) for d in docs] == [
        ("u1", None, (f"{DATA}/unusual.jsonl:1",)),
        ("u2", None, (f"{DATA}/unusual.jsonl:4",)),
        ("3", None, (f"{DATA}/unusual.jsonl:5",))]
    assert docs[1].text.startswith("Ünïcode-7B is trained")
    assert docs[2].text == "中文模型 is a Chinese model based on LLaMA-7B."


def test_ingest_crlf_text_file():
    [doc] = _docs(DATA / "crlf.txt")
    assert (doc.id, doc.title, doc.text) == (
        "crlf-01", "LLaMA-65B for finance", "We fine-tune LLaMA-65B on financial text. It beats GPT-3.5 on FinQA.")


def test_ingest_cr_only_text_file(tmp_path):
    path = tmp_path / "mac.txt"
    path.write_bytes(b"Title\rAbstract: We fine-tune LLaMA-65B.\rAbstract: GPT-2 is small.\r")
    assert [(d.title, d.text, d.sources[0]) for d in _docs(path)] == [
        ("Title", "We fine-tune LLaMA-65B.", f"{path}:2"), (None, "GPT-2 is small.", f"{path}:3")]


def test_ingest_very_long_abstract_is_accepted(tmp_path):
    text = "We fine-tune LLaMA-65B on the Pile. " * (MAX_TEXT_CHARS // 40)
    path = tmp_path / "long.jsonl"
    path.write_text(json.dumps({"id": "long", "text": text}) + "\n")
    [doc] = _docs(path)
    assert doc.text == text.strip()


def test_ingest_same_id_same_text_is_read_once():
    record = DATA / "good.jsonl"
    assert [d.id for d in _docs(record, record)] == ["p1", "p2"]


def test_ingest_duplicate_texts_merge_with_every_source(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"id": "a", "text": "GPT-2  is small."}\n{"id": "b", "title": "T", "text": "GPT-2 is small."}\n')
    docs, merged = read_documents([path])
    assert merged == 1
    assert [(d.id, d.title, d.sources) for d in docs] == [("a", "T", (f"{path}:1", f"{path}:2"))]


def test_ingest_folder_reads_supported_files_sorted_and_skips_hidden(tmp_path):
    for name in ("b.jsonl", "a.txt", ".hidden.jsonl", "notes.csv"):
        (tmp_path / name).write_text('{"text": "GPT-2 is small."}\n' if name.endswith("l") else "GPT-2 is small.\n")
    assert [p.name for p in iter_input_files([tmp_path])] == ["a.txt", "b.jsonl"]


def test_ingest_unicode_and_odd_file_names(tmp_path):
    path = tmp_path / "中文 model's data.JSONL"
    path.write_text('{"text": "中文模型 is based on LLaMA-7B."}\n', encoding="utf-8")
    [doc] = _docs(path)
    assert doc.id == "中文 model's data-1"


@pytest.mark.skipif(os.name != "posix", reason="file names as bytes are a POSIX thing")
def test_ingest_file_name_that_is_not_utf8_is_shown_escaped(tmp_path):
    path = Path(os.fsdecode(os.path.join(os.fsencode(tmp_path), b"caf\xe9.txt")))
    path.write_bytes(b"We fine-tune LLaMA-65B.\n")
    [doc] = _docs(path)
    assert doc.sources == (f"{tmp_path}/caf\\xe9.txt:1",)
    doc.sources[0].encode("utf-8")  # printable and writable anywhere


# --- bad input: one error naming file, line, what was expected and what was found -------------

@pytest.mark.parametrize("name, message", BAD_FILES)
def test_ingest_bad_file(name, message):
    assert str(_error(DATA / name)) == f"{DATA}/{name}{message}"


@pytest.mark.parametrize("value, message", [
    ([1, 2], 'expected a JSON object with "text", found a list'),
    ("text", 'expected a JSON object with "text", found a string'),
    (None, 'expected a JSON object with "text", found null'),
    ({}, 'expected a JSON object with "text" (or "abstract"), found an empty object'),
    ({"id": "x", "body": "y"}, 'expected a JSON object with "text" (or "abstract"), found an object with "id", "body"'),
    ({"text": None}, 'expected a JSON object with "text" (or "abstract"), found null'),
    ({"text": ["a"]}, 'expected "text" to be a string, found a list'),
    ({"abstract": 1.5}, 'expected "abstract" to be a string, found a number'),
    ({"text": ""}, 'expected "text" to hold an abstract, found ""'),
    ({"text": " \n\t"}, 'expected "text" to hold an abstract, found only white space'),
    ({"text": "a\x00b"}, 'expected "text" without NUL characters, found one at character 2'),
    ({"text": "LLaMA \ud800"}, 'expected "text" to hold Unicode characters, found a lone surrogate '
                               "'\\ud800' at character 7 (a broken \"\\u\" escape?)"),
    ({"text": "ok", "id": True}, 'expected "id" to be a string or a whole number, found a boolean'),
    ({"text": "ok", "id": 1.5}, 'expected "id" to be a string or a whole number, found a number'),
    ({"text": "ok", "id": {"a": 1}}, 'expected "id" to be a string or a whole number, found an object'),
    ({"text": "ok", "id": " "}, "expected \"id\" to be a non-empty string, found ' '"),
    ({"text": "ok", "id": "a\nb"}, "expected \"id\" without control characters, found '\\n' in 'a\\nb'"),
    ({"text": "ok", "id": "\udc80"}, 'expected "id" to hold Unicode characters, found a lone surrogate '
                                     "'\\udc80' at character 1 (a broken \"\\u\" escape?)"),
    ({"text": "ok", "title": 3}, 'expected "title" to be a string or null, found a number'),
    ({"text": "ok", "title": "\ud800"}, 'expected "title" to hold Unicode characters, found a lone surrogate '
                                        "'\\ud800' at character 1 (a broken \"\\u\" escape?)"),
    ({"text": "x" * (MAX_TEXT_CHARS + 1)}, f'expected "text" of at most {MAX_TEXT_CHARS:,} characters, '
                                           f'found {MAX_TEXT_CHARS + 1:,}'),
    ({"text": "See " + "(" * (MAX_WORD_CHARS + 1)}, (
        f'expected "text" to be prose with words of at most {MAX_WORD_CHARS:,} characters, found '
        f"{MAX_WORD_CHARS + 1:,} characters without a space at character 5 ('{'(' * 20}'...)")),
    # words between spaces every few characters, but one that only other white space delimits
    ({"text": "a b " * 300 + "\t" + "x" * (MAX_WORD_CHARS + 1) + "\n" + " c" * 300}, (
        f'expected "text" to be prose with words of at most {MAX_WORD_CHARS:,} characters, found '
        f"{MAX_WORD_CHARS + 1:,} characters without a space at character 1202 ('{'x' * 20}'...)")),
])
def test_ingest_record_bad(value, message):
    with pytest.raises(InputError) as info:
        record_to_document(value, "r.jsonl", 9)
    assert str(info.value) == f"r.jsonl:9: {message}"


@pytest.mark.parametrize("text", [
    "LLaMA-65B is open.", "A  b", " A b", "A b ", "A\tb", "A\nb", "A\r\nb", "A\x1cb", "A\x0bb", "A\u00a0b",
    "Ünïcode  7B", "A\u2009b", "", " ", "x" * 3000,
])
def test_ingest_text_digest_ignores_only_white_space(text):
    import hashlib
    assert kg.ingest.text_digest(text) == hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()


@pytest.mark.parametrize("text", ["a " * 2000, ("w" * MAX_WORD_CHARS + " ") * 3, "b" * MAX_WORD_CHARS,
                                  "a\n" * 2000, "c" * (MAX_WORD_CHARS + 1)])
def test_ingest_spaced_often_never_hides_a_long_word(text):
    has_long_word = max(map(len, text.split()), default=0) > MAX_WORD_CHARS
    assert not (kg.ingest._spaced_often(text) and has_long_word)


@pytest.mark.parametrize("value, expected", [
    ({"text": " GPT-2 ", "title": "  "}, ("r-9", None, "GPT-2")),
    ({"text": "GPT-2", "title": None, "id": 0}, ("0", None, "GPT-2")),
    ({"text": None, "abstract": "GPT-2"}, ("r-9", None, "GPT-2")),
    ({"text": "GPT-2", "id": "中文模型", "title": "Ünïcode-7B"}, ("中文模型", "Ünïcode-7B", "GPT-2")),
    ({"text": "x" * MAX_WORD_CHARS}, ("r-9", None, "x" * MAX_WORD_CHARS)),
])
def test_ingest_record_good(value, expected):
    doc = record_to_document(value, "r.jsonl", 9)
    assert (doc.id, doc.title, doc.text) == expected
    assert doc.sources == ("r.jsonl:9",)


def test_ingest_broken_line_that_is_not_the_last_is_not_called_cut_short(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "x\n{"text": "y"}\n')
    assert str(_error(path)) == (f'{path}:1: expected a JSON object with "text", found invalid JSON: '
                                 "Unterminated string starting at column 10")


def test_ingest_empty_folder(tmp_path):
    assert str(_error(tmp_path)) == f"{tmp_path}: expected a folder with .txt or .jsonl files, found none"


def test_ingest_no_input():
    assert str(_error()) == "(no input): no input files given"


def test_ingest_unreadable_file(tmp_path, monkeypatch):
    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "x"}\n')
    real_open = open

    def deny(file, *args, **kwargs):
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kwargs)
    monkeypatch.setattr("builtins.open", deny)
    assert str(_error(path)) == f"{path}: cannot read: Permission denied"


def test_ingest_unreadable_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(Path, "iterdir", lambda self: (_ for _ in ()).throw(PermissionError(13, "Permission denied")))
    assert str(_error(tmp_path)) == f"{tmp_path}: cannot read folder: Permission denied"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads every file")
def test_ingest_unreadable_file_by_permissions(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "x"}\n')
    path.chmod(0)
    assert str(_error(path)) == f"{path}: cannot read: Permission denied"


def test_ingest_fifo_is_refused(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    os.mkfifo(tmp_path / "pipe.jsonl")
    assert str(_error(tmp_path / "pipe.jsonl")) == (
        f"{tmp_path}/pipe.jsonl: expected a file or folder, found something else (a device, pipe or socket)")


def test_ingest_text_file_abstract_over_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(kg.ingest, "MAX_TEXT_CHARS", 50)
    path = tmp_path / "plain.txt"
    path.write_text("A title\n" + "We fine-tune LLaMA-65B.\n" * 5)
    assert str(_error(path)) == f"{path}:1: expected an abstract of at most 50 characters, found more by line 4"


def test_ingest_text_file_with_a_bad_line_late_yields_nothing_from_it(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"Abstract: We fine-tune LLaMA-65B.\n" * 3 + b"Abstract: caf\xe9\n")
    errors = []
    with pytest.raises(InputError, match="expected at least one good abstract"):
        _docs(path, on_bad_record=errors.append)
    assert [str(e) for e in errors] == [
        f"{path}:4: expected UTF-8, found byte 0xe9 at column 14; convert the file to UTF-8 "
        "(for example: iconv -f LATIN1 -t UTF-8)"]


# --- --skip-bad -------------------------------------------------------------------------------

def test_ingest_skip_bad_reports_each_bad_record_and_keeps_the_rest(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b'{"id": "a", "text": "GPT-2 is small."}\n'
                     b'[1]\n'
                     b'{"id": "b", "text": "caf\xe9"}\n'
                     b'{"id": "c", "text": "a\\u0000b"}\n'
                     b'{"id": "a", "text": "Different."}\n'
                     b'{"id": "d", "text": "BERT is based on Transformers."}\n'
                     b'{"id": "e", "text": "cut')
    errors = []
    docs = _docs(path, on_bad_record=errors.append)
    assert [d.id for d in docs] == ["a", "d"]
    assert [(e.path, e.line) for e in errors] == [(str(path), n) for n in (2, 3, 4, 5, 7)]


def test_ingest_skip_bad_a_file_of_only_bad_records_is_not_also_called_empty(tmp_path):
    (tmp_path / "bad.jsonl").write_text("[1]\n[2]\n")
    (tmp_path / "good.jsonl").write_text('{"text": "GPT-2 is small."}\n')
    errors = []
    assert len(_docs(tmp_path, on_bad_record=errors.append)) == 1
    assert [str(e) for e in errors] == [
        f'{tmp_path}/bad.jsonl:1: expected a JSON object with "text", found a list',
        f'{tmp_path}/bad.jsonl:2: expected a JSON object with "text", found a list']


def test_ingest_skip_bad_with_nothing_good_left_fails(tmp_path):
    shutil.copy(DATA / "bad_line3.jsonl", tmp_path)
    (tmp_path / "bad_line3.jsonl").write_text("[1]\n")
    errors = []
    error = _error(tmp_path / "bad_line3.jsonl", DATA / "empty.txt", on_bad_record=errors.append)
    assert str(error) == (f"{tmp_path}/bad_line3.jsonl, {DATA}/empty.txt: expected at least one good "
                          "abstract, found none (2 bad records skipped)")
    assert len(errors) == 2


def test_ingest_without_skip_bad_the_first_bad_record_raises(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text('{"text": "GPT-2 is small."}\n[1]\n[2]\n')
    error = _error(path)
    assert (error.path, error.line) == (str(path), 2)


# --- bounded memory ---------------------------------------------------------------------------

def test_ingest_huge_text_file_streams(tmp_path):
    """A 6 MB listing is read line by line: memory holds one abstract, not the file."""
    path = tmp_path / "big.txt"
    # 100 kB of long words: few objects per abstract, so tracemalloc stays fast
    body = ("LLaMA-65B" + "x" * 490 + ". ") * 200
    with open(path, "w") as fh:
        for index in range(60):
            fh.write(f"Title {index}\nAbstract: {index} {body}\n")
    tracemalloc.start()
    try:
        count = sum(1 for _ in read_records([path]))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 60
    assert path.stat().st_size > 6_000_000
    assert peak < 3_000_000  # a few copies of one 100 kB abstract


def test_ingest_huge_plain_text_file_fails_early_without_reading_it_into_memory(tmp_path):
    path = tmp_path / "plain.txt"
    with open(path, "w") as fh:
        for _ in range(1_000):
            fh.write("We fine-tune LLaMA-65B on the Pile and " * 100 + "\n")  # 4 MB, no sentence ends
    tracemalloc.start()
    try:
        error = _error(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(error) == (f"{path}:1: expected an abstract of at most {MAX_TEXT_CHARS:,} characters, "
                          "found more by line 257")
    assert peak < 4 * MAX_TEXT_CHARS
