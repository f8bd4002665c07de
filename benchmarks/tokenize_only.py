"""The speed reference: what spaCy's bare tokenizer does with the same abstracts, timed like kg.

A fresh process imports spaCy, reads the JSON Lines, runs ``spacy.blank("en")`` over the texts
and writes one line per document, so the interpreter start, the import and the I/O are paid
exactly as ``kg extract`` pays them.

    python benchmarks/tokenize_only.py abstracts.jsonl tokens.jsonl
"""
from __future__ import annotations

import json
import sys

import spacy


def main(source: str, target: str) -> int:
    nlp = spacy.blank("en")
    with open(source, encoding="utf-8") as fh_in, open(target, "w", encoding="utf-8") as fh_out:
        records = (json.loads(line) for line in fh_in if line.strip())
        pairs = ((record["text"], record["id"]) for record in records)
        for doc, doc_id in nlp.pipe(pairs, as_tuples=True):
            fh_out.write(json.dumps({"id": doc_id, "tokens": len(doc)}) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:3]))
