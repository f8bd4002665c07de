#!/usr/bin/env python3
"""Score the relation component alone: gold entities in, relations out (a development tool).

    python scripts/relations_oracle.py GOLD.jsonl [--scorer PATH/score.py] [--show-errors] [--trace]

Each gold abstract becomes a Doc whose `doc.ents` are the gold entities, found in the text by
string search over their names and aliases (longest first, no overlaps) and labelled with the
gold type; `find_relations` then runs on it and its relations are scored with the project
scorer's own relation logic. Entity quality is thereby taken out of the relation score.

This is a script, not a test: it may read the shared scorer (`--scorer`, by default
../shared/eval/score.py next to the repository, or /work/shared/eval/score.py).
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
from pathlib import Path

from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.extract import build_nlp
from kg.extract.relations import find_relations

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCORERS = (ROOT.parent.parent / "shared/eval/score.py", ROOT.parent / "shared/eval/score.py",
                   Path("/work/shared/eval/score.py"))


def load_scorer(path: Path | None):
    """The shared scorer as a module (its relation logic is reused as is)."""
    candidates = [path] if path else [p for p in DEFAULT_SCORERS if p.exists()]
    if not candidates or not candidates[0].exists():
        sys.exit("score.py not found: pass --scorer PATH")
    spec = importlib.util.spec_from_file_location("kg_shared_score", candidates[0])
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while decorating
    spec.loader.exec_module(module)
    return module


def gold_doc(nlp, record: dict) -> tuple[Doc, dict[tuple[int, int], str]]:
    """A Doc with sentences and the gold entities as doc.ents; and span offsets -> gold name.

    Tokens are split where a gold name starts or ends inside one ("Llama-2-based"), so that
    every found name is a whole-token span.
    """
    text = record["text"]
    matches: list[tuple[int, int, str, str]] = []
    for entity in record.get("entities", []):
        for surface in {entity["name"], *entity.get("aliases", [])}:
            flags = re.IGNORECASE if len(surface) > 3 else 0
            for match in re.finditer(r"(?<![\w])" + re.escape(surface) + r"(?![^\W_])", text, flags):
                matches.append((match.start(), match.end(), entity["type"], entity["name"]))
    # Longest first, then leftmost: no overlaps.
    chosen: list[tuple[int, int, str, str]] = []
    for start, end, label, name in sorted(matches, key=lambda m: (m[0] - m[1], m[0])):
        if all(end <= s or start >= e for s, e, _, _ in chosen):
            chosen.append((start, end, label, name))
    tokens = nlp.make_doc(text)
    cuts = {t.idx for t in tokens} | {t.idx + len(t.text) for t in tokens}
    cuts |= {s for s, _, _, _ in chosen} | {e for _, e, _, _ in chosen}
    words, spaces = [], []
    for token in tokens:
        inner = sorted(c for c in cuts if token.idx < c < token.idx + len(token.text))
        bounds = [token.idx, *inner, token.idx + len(token.text)]
        for i, (a, b) in enumerate(zip(bounds, bounds[1:])):
            words.append(text[a:b])
            spaces.append(bool(token.whitespace_) and i == len(bounds) - 2)
    doc = Doc(nlp.vocab, words=words, spaces=spaces)
    doc = nlp.get_pipe("sentencizer")(doc)
    spans, names = [], {}
    for start, end, label, name in chosen:
        span = doc.char_span(start, end, label=label)
        if span is not None:
            spans.append(span)
            names[(start, end)] = name
    doc.ents = filter_spans(spans)
    return doc, names


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold")
    parser.add_argument("--scorer", type=Path)
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--trace", action="store_true", help="print every predicted relation with its cue")
    parser.add_argument("--out", type=Path, help="also write the predictions (scorer format)")
    args = parser.parse_args(argv)
    scorer = load_scorer(args.scorer)
    nlp = build_nlp()
    gold_docs = scorer.read_jsonl(args.gold)
    tally, errors = scorer.Tally(), scorer.Errors()
    predictions = []
    for doc_id, record in gold_docs.items():
        doc, names = gold_doc(nlp, record)
        relations = []
        for head, relation, tail, cue, confidence in find_relations(doc):
            h = names.get((head.start_char, head.end_char), head.text)
            t = names.get((tail.start_char, tail.end_char), tail.text)
            if h == t:
                continue  # two names of one entity: resolution drops these too
            relations.append({"head": h, "type": relation, "tail": t})
            if args.trace:
                print(f"{doc_id}\t{h} -{relation}-> {t}\t[{cue}] {confidence:.2f}")
        predictions.append({"id": doc_id, "entities": [], "relations": relations})
        gold = scorer.gold_entities(record)
        tally.add(scorer.score_relations(doc_id, gold, record.get("relations", []), relations, errors))
    m = tally.prf()
    print(f"{'':46} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}")
    print(f"{'relations (oracle entities)':46} {m['p']:6.3f} {m['r']:6.3f} {m['f1']:6.3f} "
          f"{m['tp']:5} {m['fp']:5} {m['fn']:5}")
    if args.show_errors:
        for doc, kind, what in sorted(errors.items):
            print(f"{doc}\t{kind}\t{what}")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            for p in predictions:
                fh.write(json.dumps(p) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
