#!/usr/bin/env python3
"""Extraction quality on the dev set and on public corpora kg was not tuned on.

    python benchmarks/quality.py --shared ../shared [--only seeds,scierc,scier,scier_ood]

Converts SciER (sentence-level, Dataset/Method/Task) into the project's gold format on the fly
(consecutive sentences of one paper grouped into abstract-sized chunks; Method accepted as Model),
runs kg's extraction in-process, and scores every set with the project's scorer (shared/eval/score.py).
Reads ../shared only here, never in tests.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from kg.analysis import analyze
from kg.ingest import read_records
from kg.io import write_jsonl
from kg.predictions import to_record

SCIER_RELATIONS = {"Trained-With": "trained_on", "Evaluated-With": "evaluated_on", "Compare-With": "compared_with"}
SENTENCES_PER_CHUNK = 6
ROOT = Path(__file__).resolve().parents[1]
#: Abstracts written for kg by hand with gold by the annotation guide, never used to tune rules
#: (see the README's quality section for how each was used).
HELDOUT = {
    "held_mixed": ROOT / "benchmarks" / "data" / "heldout_mixed_fields.jsonl",
    "held_rel1": ROOT / "tests" / "data" / "relations_heldout.jsonl",
    "held_rel2": ROOT / "tests" / "data" / "relations_heldout2.jsonl",
    "held_ent1": ROOT / "tests" / "data" / "heldout_abstracts.jsonl",
    "held_ent2": ROOT / "tests" / "data" / "heldout2_abstracts.jsonl",
}


def detokenize(text: str) -> str:
    """Undo SciER's space tokenisation enough for reading ("model ( BERT ) ," -> "model (BERT),")."""
    text = re.sub(r" ([,.;:!?%)\]])", r"\1", text)
    text = re.sub(r"([(\[]) ", r"\1", text)
    return re.sub(r" - ", "-", text)


def scier_to_gold(path: Path) -> list[dict]:
    """Group SciER sentences into abstract-sized documents in the project gold format."""
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            by_doc[row["doc_id"]].append(row)
    gold = []
    for doc_id, rows in sorted(by_doc.items()):
        for start in range(0, len(rows), SENTENCES_PER_CHUNK):
            chunk = rows[start:start + SENTENCES_PER_CHUNK]
            entities: dict[tuple[str, str], dict] = {}
            for row in chunk:
                for surface, label in row["ner"]:
                    name = detokenize(surface)
                    alt = ["Model"] if label == "Method" else []
                    entities.setdefault((name.lower(), label), {"name": name, "type": label, "alt_types": alt})
            relations = []
            for row in chunk:
                for head, rel, tail in row["rel"]:
                    if rel in SCIER_RELATIONS:
                        relations.append({"head": detokenize(head), "type": SCIER_RELATIONS[rel],
                                          "tail": detokenize(tail)})
            gold.append({"id": f"{doc_id}-{start // SENTENCES_PER_CHUNK}", "title": None,
                         "text": " ".join(detokenize(r["sentence"]) for r in chunk),
                         "entities": list(entities.values()), "relations": relations})
    return gold


def score(shared: Path, gold_path: Path, pred_path: Path) -> dict:
    out = subprocess.run([sys.executable, str(shared / "eval" / "score.py"), str(gold_path), str(pred_path),
                          "--json"], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def run(name: str, gold_path: Path, shared: Path, workdir: Path) -> dict:
    pred_path = workdir / f"{name}.pred.jsonl"
    started = time.perf_counter()
    write_jsonl((to_record(r) for r in analyze(read_records([gold_path]))), pred_path)
    report = score(shared, gold_path, pred_path)
    report["seconds"] = round(time.perf_counter() - started, 1)
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default="../shared", type=Path)
    parser.add_argument("--only", default="seeds,scierc,scier,scier_ood," + ",".join(HELDOUT))
    args = parser.parse_args()
    shared = args.shared
    sets = {"seeds": shared / "gold" / "seeds.jsonl",
            "scierc": shared / "benchmarks" / "scierc" / "test_project_gold.jsonl", **HELDOUT}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        for name, source in (("scier", "test.jsonl"), ("scier_ood", "test_ood.jsonl")):
            gold_path = workdir / f"{name}.gold.jsonl"
            write_jsonl(scier_to_gold(shared / "benchmarks" / "scier" / "LLM" / source), gold_path)
            sets[name] = gold_path
        rows = []
        for name in args.only.split(","):
            report = run(name, sets[name], shared, workdir)
            rows.append((name, report))
    header = f"{'set':11} {'docs':>5} {'core P':>7} {'core R':>7} {'core F1':>7} {'all F1':>7} " \
             f"{'Task F1':>7} {'Metric F1':>9} {'Method P':>8} {'rel F1':>7} {'intro F1':>8}"
    print(header)
    for name, r in rows:
        core, per = r["entities_core_typed"], r["per_type"]
        print(f"{name:11} {r['documents']:5} {core['p']:7.3f} {core['r']:7.3f} {core['f1']:7.3f} "
              f"{r['entities_typed']['f1']:7.3f} {per['Task']['f1']:7.3f} {per['Metric']['f1']:9.3f} "
              f"{per['Method']['p']:8.3f} {r['relations']['f1']:7.3f} {r['introduced']['f1']:8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
