"""kg against spaCy's bare tokenizer on real abstracts: a check that the synthetic corpus does not flatter kg.

The speed benchmark (bench.py) runs on synthetic abstracts built from templates. A change that
memoizes whole sentences would look fast there and do nothing for real text, so speed work is also
measured here, on real scientific prose from the public corpora in ``../shared/benchmarks``
(SciERC abstracts and SciER paper text cut into 8-sentence pieces; never shipped, read at run time).
Both are timed in this process, after a warm-up, as CPU time per abstract and per token.

    python -m benchmarks.real_text --shared ../shared [--synthetic benchmarks/.data/synth-10000.jsonl]
"""
from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

SENTENCES_PER_PIECE = 8


def detokenize(tokens: list[str]) -> str:
    """Pre-tokenized text back to ordinary spacing ("( a , b )" -> "(a, b)"), roughly."""
    text = " ".join(tokens)
    text = re.sub(r" ([,.;:)\]?!%])", r"\1", text)
    text = re.sub(r"([(\[]) ", r"\1", text)
    return text.replace(" - ", "-").replace(" 's", "'s")


def real_abstracts(shared: Path) -> Iterator[str]:
    """SciERC's abstracts, then SciER's sentences grouped by paper into pieces of abstract length."""
    for split in ("train", "dev", "test"):
        for line in (shared / "benchmarks/scierc/original" / f"{split}.json").open(encoding="utf-8"):
            yield " ".join(detokenize(sentence) for sentence in json.loads(line)["sentences"])
    for split in ("train", "dev", "test", "test_ood"):
        by_paper: dict[str, list[str]] = {}
        for line in (shared / "benchmarks/scier/LLM" / f"{split}.jsonl").open(encoding="utf-8"):
            record = json.loads(line)
            by_paper.setdefault(record["doc_id"], []).append(detokenize(record["sentence"].split(" ")))
        for sentences in by_paper.values():
            for start in range(0, len(sentences), SENTENCES_PER_PIECE):
                yield " ".join(sentences[start:start + SENTENCES_PER_PIECE])


def write_jsonl(texts: list[str], path: Path) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for index, text in enumerate(texts):
            fh.write(json.dumps({"id": f"real-{index:05d}", "text": text}) + "\n")
    return path


def cpu_per_abstract(path: Path) -> tuple[int, int, float, float, float]:
    """(abstracts, tokens, kg extract ms, tokenizer ms cold, tokenizer ms warm) of CPU per abstract.

    kg builds a fresh pipeline, as each run does; the tokenizer is timed with an empty cache (a new
    pipeline, like kg's) and again with every word cached (a corpus large enough to repeat its words).
    """
    import spacy

    from kg.analysis import extract_to_file

    texts = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()]
    with tempfile.TemporaryDirectory() as tmp:
        started = time.process_time()
        extract_to_file([path], Path(tmp) / "pred.jsonl", jobs=1)
        kg_seconds = time.process_time() - started
    nlp = spacy.blank("en")
    tokenizer_seconds = []
    for _ in range(2):
        started = time.process_time()
        tokens = sum(len(doc) for doc in nlp.pipe(texts))
        tokenizer_seconds.append(time.process_time() - started)
    cold, warm = (1000 * seconds / len(texts) for seconds in tokenizer_seconds)
    return len(texts), tokens, 1000 * kg_seconds / len(texts), cold, warm


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=Path("../shared"), help="the shared folder")
    parser.add_argument("--synthetic", type=Path, help="a synthetic corpus to compare (its first 1,500 abstracts)")
    args = parser.parse_args(argv)
    from kg.analysis import extract_to_file

    with tempfile.TemporaryDirectory() as tmp:
        corpora = {"real": write_jsonl(list(real_abstracts(args.shared)), Path(tmp) / "real.jsonl")}
        if args.synthetic:
            lines = args.synthetic.read_text(encoding="utf-8").splitlines()[:1500]
            corpora["synthetic"] = write_jsonl([json.loads(line)["text"] for line in lines], Path(tmp) / "synth.jsonl")
        extract_to_file([corpora["real"]], Path(tmp) / "warm.jsonl", jobs=1)  # imports and pipeline, not timed
        print("CPU ms per abstract, one process (kg: a fresh pipeline, as each run builds)")
        print("| corpus | abstracts | tokens/abstract | kg extract | kg us/token | tokenizer cold | tokenizer warm |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for name, path in corpora.items():
            count, tokens, kg_ms, cold_ms, warm_ms = cpu_per_abstract(path)
            print(f"| {name} | {count:,} | {tokens / count:.0f} | {kg_ms:.2f} | {1000 * kg_ms * count / tokens:.1f} | "
                  f"{cold_ms:.3f} | {warm_ms:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
