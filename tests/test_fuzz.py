"""Fuzzing: malformed and unusual input never crashes kg; every failure is a KGError that says where.

Seeded and bounded (Hypothesis with derandomize=True), so the suite is deterministic and fast:

- 700 JSON Lines files and 500 text files through kg.ingest.read_records (with and without
  skipping bad records);
- 700 abstracts through extraction and resolution;
- one corpus of fuzzed abstracts through the graph and every export (JSON, Turtle, N-Triples,
  JSON-LD, HTML), each parsed back;
- 40 files through `kg extract` and 15 through `kg build` via kg.cli.main.
"""
from __future__ import annotations

import html.parser
import json
import random
import signal
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kg.cli import main
from kg.errors import InputError
from kg.ingest import MAX_TEXT_CHARS, check_text, read_records
from kg.types import Document

FUZZ = settings(derandomize=True, deadline=None, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])

# --- pieces of text: the names of the field, their look-alikes, and the oddest of Unicode -------

ML_WORDS = ("LLaMA-65B", "LLaMA 2", "GPT-3.5", "Ünïcode-7B", "中文模型", "BERT", "ImageNet", "MMLU", "C4",
            "the Pile", "Position Interpolation (PI)", "(PI)", "(Touvron et al., 2023)", "(65B)", "7B to 65B",
            "we propose", "based on", "trained on", "fine-tuned on", "outperforms", "evaluated on",
            "compared with", "dataset", "benchmark", "model", "method", "LoRA", "RLHF", "T5-XXL",
            "Mixtral-8x7B", "GPT-4o", "F1", "accuracy", "μ-Transfer", "ResNet-50", "ViT-L/14", "k-NN")
ODD = ("\u200b", "\u200d", "\u200e", "\u202e", "\u2028", "\u2029", "\ufeff", "\u00a0", "\u3000", "\t", "\x0b",
       "\x0c", "\x1b", "\x7f", "\x85", "e\u0301", "\U0001f9d1\u200d\U0001f4bb", "🦙", "ﬁ", "Ａ", "ß", "İ", "ǅ",
       "\ufffd", "\uffff", "\U0010ffff", "<", ">", "&", "\"", "'", "\\", "</script>", "<!--", "]]>", "{{", "}}",
       "@prefix", "<http://x>", "_:b0", "\"\"\"", "#", "%", "%00", "\\u0000", "(", ")", "((", "))", "[", "]", "-", "--",
       ".", ". ", "...", ",", ";", ":", "Abstract:", "Subscribe", "University of X, Institute Y,", "\u0645\u0631\u062d\u0628\u0627")
piece = st.one_of(st.sampled_from(ML_WORDS), st.sampled_from(ODD), st.text(max_size=12),
                  st.text(alphabet=string.ascii_letters + string.digits + "-.()", min_size=1, max_size=15))
prose = st.lists(piece, min_size=1, max_size=40).map(" ".join)


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _check_outcome(path: Path, docs_or_error: list[Document] | InputError, lines: int) -> None:
    """A list of sound documents, or an InputError that names this file and (for a record) its line."""
    if isinstance(docs_or_error, InputError):
        error = docs_or_error
        event("refused: " + " ".join(error.message.split(",")[0].split()[:4]))
        assert error.path == str(path)
        assert str(error).startswith(f"{path}:")
        assert error.message.startswith(("expected", "the file is UTF-16", "cannot read")), error.message
        if error.line is None:
            assert error.message.startswith(("expected abstracts", "expected at least one good abstract")), error
        else:
            assert 1 <= error.line <= lines
        return
    event(f"accepted: {min(len(docs_or_error), 3)}{'+' if len(docs_or_error) > 3 else ''} documents")
    for doc in docs_or_error:
        assert doc.text and doc.text == doc.text.strip()
        assert doc.id and doc.sources[0].startswith(f"{path}:")
        (doc.id + doc.text + (doc.title or "")).encode("utf-8")
        check_text(doc.text, str(path), None)


def _read_both_ways(path: Path, lines: int) -> None:
    try:
        strict: list[Document] | InputError = list(read_records([path]))
    except InputError as error:
        strict = error
    _check_outcome(path, strict, lines)
    skipped: list[InputError] = []
    try:
        lenient: list[Document] | InputError = list(read_records([path], on_bad_record=skipped.append))
    except InputError as error:
        lenient = error
        assert error.message.startswith("expected at least one good abstract"), error
    _check_outcome(path, lenient, lines)
    for error in skipped:
        _check_outcome(path, error, lines)
    if not isinstance(strict, InputError):  # good input: skipping changes nothing
        assert (lenient, skipped) == (strict, [])
    else:  # the error that stopped the strict read is the first one reported when skipping
        assert skipped and str(skipped[0]) == str(strict)


# --- JSON Lines -------------------------------------------------------------------------------

json_scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20))
record = st.fixed_dictionaries(
    {}, optional={"id": st.one_of(st.text(max_size=12), st.integers(-5, 10**6), json_scalar),
                  "title": st.one_of(st.none(), prose, json_scalar),
                  "text": st.one_of(prose, prose, prose, json_scalar, st.lists(json_scalar, max_size=3)),
                  "abstract": st.one_of(prose, json_scalar),
                  "venue": json_scalar, "authors": st.lists(st.text(max_size=8), max_size=3)})
printable = st.characters(blacklist_categories=("Cc", "Cs"))
good_record = st.fixed_dictionaries({"id": st.text(printable, min_size=1, max_size=12), "text": prose},
                                    optional={"title": st.one_of(st.none(), prose)})


def _json_line(value, ensure_ascii: bool) -> bytes:
    return json.dumps(value, ensure_ascii=ensure_ascii).encode("utf-8", "surrogatepass")


jsonl_line = st.one_of(
    st.tuples(good_record, st.booleans()).map(lambda v: _json_line(*v)),
    st.tuples(good_record, st.booleans()).map(lambda v: _json_line(*v)),
    st.tuples(record, st.booleans()).map(lambda v: _json_line(*v)),
    st.tuples(json_scalar, st.booleans()).map(lambda v: _json_line(*v)),                   # not an object
    st.sampled_from([b"", b"   ", b"\xef\xbb\xbf{\"text\": \"BOM mid-file\"}", b"{", b"}", b"[", b"{\"text\":",
                     b'{"text": "\\ud800 lone"}', b'{"text": "ok", "id": "\\udfff"}', b'{"text": "a\\u0000b"}',
                     b'{"text": "x", "id": ' + b"9" * 5000 + b"}", b"[" * 50_000 + b"]" * 50_000,
                     b'{"text": "' + b"(" * 1_500 + b'"}', b'{"text": "caf\xe9"}', b"\x00\x00", b"\xff\xfe{",
                     b'{"text": "dup", "id": "same"}', b'{"text": "other", "id": "same"}',
                     b'{"text": 1e999}', b"NaN", b"Infinity", b'{"text": "t\\"}']),
    st.binary(max_size=40),                                                                 # junk
)


@st.composite
def jsonl_file(draw) -> tuple[bytes, int]:
    lines = draw(st.lists(jsonl_line, min_size=0, max_size=8))
    end = draw(st.sampled_from([b"\n", b"\r\n", b"\r", b"\n\n"]))
    data = draw(st.sampled_from([b"", b"\xef\xbb\xbf"])) + end.join(lines)
    if draw(st.booleans()):
        data += end
    if data and draw(st.integers(0, 4)) == 0:  # cut short anywhere
        data = data[:draw(st.integers(0, len(data) - 1))]
    return data, max(1, data.count(b"\n") + data.count(b"\r") + 1)


@settings(FUZZ, max_examples=700)
@given(jsonl_file())
def test_fuzz_read_jsonl(fuzz_dir, case):
    data, lines = case
    path = fuzz_dir / "case.jsonl"
    path.write_bytes(data)
    _read_both_ways(path, lines)


# --- text files -------------------------------------------------------------------------------

txt_line = st.one_of(
    prose, prose.map(lambda t: "Abstract: " + t), st.sampled_from(["Abstract:", "Abstract.", " abstract : "]),
    st.lists(st.sampled_from(ML_WORDS), min_size=30, max_size=60).map(lambda w: ". ".join(w) + "."),  # abstract-like
    prose.map(lambda t: "Subscribe" + t), st.sampled_from(["", "   ", "\t", "\x0c"]),
    st.text(max_size=30),
)


@st.composite
def txt_file(draw) -> tuple[bytes, int]:
    lines = [line.encode("utf-8", "surrogatepass") for line in draw(st.lists(txt_line, max_size=10))]
    if draw(st.integers(0, 5)) == 0:
        lines.insert(draw(st.integers(0, len(lines))), draw(st.binary(min_size=1, max_size=20)))
    end = draw(st.sampled_from([b"\n", b"\r\n", b"\r"]))
    data = draw(st.sampled_from([b"", b"\xef\xbb\xbf"])) + end.join(lines)
    return data, max(1, data.count(b"\n") + data.count(b"\r") + 1)


@settings(FUZZ, max_examples=500)
@given(txt_file())
def test_fuzz_read_txt(fuzz_dir, case):
    data, lines = case
    path = fuzz_dir / "case.txt"
    path.write_bytes(data)
    _read_both_ways(path, lines)


# --- extraction and resolution ------------------------------------------------------------------

@pytest.fixture(scope="module")
def nlp():
    from kg.extract import build_nlp
    return build_nlp()


def test_fuzz_spacy_takes_every_abstract_ingest_accepts(nlp):
    assert nlp.max_length >= MAX_TEXT_CHARS


@settings(FUZZ, max_examples=700)
@given(text=prose)
def test_fuzz_extract_and_resolve(nlp, text):
    from kg.extract import extract
    from kg.predictions import to_record
    from kg.resolve import resolve_document

    try:
        check_text(text, "fuzz", 1)
    except InputError:
        event("refused by ingest")
        return  # ingest refuses it, with its location: extraction never sees it
    if not text.strip():
        event("blank")
        return
    document = Document("fuzz-1", text.strip(), None, ("fuzz:1",))
    [extraction] = extract(nlp, [document])
    event(f"mentions: {min(len(extraction.mentions), 3)}{'+' if len(extraction.mentions) > 3 else ''}")
    for mention in extraction.mentions:
        assert document.text[mention.start:mention.end] == mention.text
        assert mention.sent_start <= mention.start < mention.end <= mention.sent_end
    record = to_record(resolve_document(extraction))
    json.dumps(record, ensure_ascii=False).encode("utf-8")


# --- every export of fuzzed abstracts parses back ---------------------------------------------

class _ScriptCounter(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.opened = self.closed = 0

    def handle_starttag(self, tag, attrs):
        self.opened += tag == "script"

    def handle_endtag(self, tag):
        self.closed += tag == "script"


def _fuzz_corpus(count: int, seed: int) -> list[Document]:
    rng = random.Random(seed)
    pool = ML_WORDS + ODD
    documents = []
    while len(documents) < count:
        text = " ".join(rng.choice(pool) for _ in range(rng.randint(3, 40))).strip()
        doc_id = "".join(rng.choice(pool) for _ in range(2))
        title = rng.choice([None, "", " ".join(rng.choice(pool) for _ in range(4))])
        try:
            check_text(text, "fuzz", 1)
        except InputError:
            continue
        if text and doc_id.strip() and not any(ord(c) < 32 or 127 <= ord(c) < 160 for c in doc_id):
            documents.append(Document(f"{len(documents)}-{doc_id}", text, title or None, (f"fuzz:{len(documents)}",)))
    return documents


def test_fuzz_every_export_parses_back(tmp_path):
    import rdflib

    from kg.build import graph_from_documents
    from kg.graph import read_graph_json, write_graph_json
    from kg.rdf import write_rdf
    from kg.view import write_html

    G = graph_from_documents(_fuzz_corpus(150, seed=7))
    write_graph_json(G, tmp_path / "graph.json")
    H = read_graph_json(tmp_path / "graph.json")  # ids are stable: compare directly (VF2 is exponential here)
    assert dict(H.nodes(data=True)) == dict(G.nodes(data=True))
    assert sorted(H.edges(keys=True, data=True), key=repr) == sorted(G.edges(keys=True, data=True), key=repr)
    for fmt, suffix in (("turtle", "ttl"), ("nt", "nt"), ("json-ld", "jsonld")):
        write_rdf(G, tmp_path / f"graph.{suffix}", format=fmt)
        assert len(rdflib.Graph().parse(tmp_path / f"graph.{suffix}", format=fmt)) > 0
    write_html(G, tmp_path / "graph.html")
    page = _ScriptCounter()
    page.feed((tmp_path / "graph.html").read_text(encoding="utf-8"))
    assert page.opened == page.closed > 0


# --- the command line -------------------------------------------------------------------------

@pytest.fixture
def cli_dir(tmp_path_factory):
    handler = signal.getsignal(signal.SIGTERM)
    yield tmp_path_factory.mktemp("cli")
    signal.signal(signal.SIGTERM, handler)


def _check_cli(capsys, argv: list[str], inputs: Path, outputs: list[Path], skip_bad: bool) -> None:
    before = {p: p.read_bytes() for p in outputs}
    code = main(argv + (["--skip-bad"] if skip_bad else []))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    lines = err.splitlines()
    event(f"exit {code}{' with skipped records' if 'Skipped:' in err else ''}")
    if code == 0:
        assert all(line.startswith(f"Skipped: {inputs}") for line in lines) and (skip_bad or not lines)
        return
    assert code == 1, err
    assert out == ""
    assert lines[-1].startswith(f"Error: {inputs}"), lines
    assert all(line.startswith(f"Skipped: {inputs}") for line in lines[:-1]) and (skip_bad or len(lines) == 1)
    assert {p: p.read_bytes() for p in outputs} == before  # a failed run leaves earlier output alone


@settings(FUZZ, max_examples=40)
@given(case=st.one_of(jsonl_file().map(lambda c: (c[0], ".jsonl")), txt_file().map(lambda c: (c[0], ".txt"))),
       skip_bad=st.booleans())
def test_fuzz_cli_extract(capsys, cli_dir, case, skip_bad):
    data, suffix = case
    inputs = cli_dir / f"case{suffix}"
    inputs.write_bytes(data)
    pred = cli_dir / "pred.jsonl"
    pred.write_bytes(b"earlier predictions\n")
    _check_cli(capsys, ["extract", str(inputs), "--out", str(pred)], inputs, [pred], skip_bad)
    if pred.read_bytes() != b"earlier predictions\n":
        for line in pred.read_text(encoding="utf-8").splitlines():
            assert isinstance(json.loads(line)["entities"], list)


@settings(FUZZ, max_examples=15)
@given(case=jsonl_file(), skip_bad=st.booleans())
def test_fuzz_cli_build(capsys, cli_dir, case, skip_bad):
    from kg.graph import read_graph_json

    inputs = cli_dir / "case.jsonl"
    inputs.write_bytes(case[0])
    out = cli_dir / "out"
    out.mkdir(exist_ok=True)
    outputs = [out / name for name in ("graph.json", "graph.ttl", "graph.html")]
    for path in outputs:
        path.write_bytes(b"earlier " + path.name.encode())
    _check_cli(capsys, ["build", str(inputs), "--out", str(out)], inputs, outputs, skip_bad)
    if (out / "graph.json").read_bytes() != b"earlier graph.json":
        read_graph_json(out / "graph.json")
    assert not [p for p in out.iterdir() if p.name.startswith(".kg-tmp-")]
