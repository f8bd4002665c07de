#!/usr/bin/env python3
"""Build kg's packaged lexicons (kg/data/lexicons/*.jsonl) from reviewed sources.

    python scripts/build_lexicons.py [--gazetteers ../shared/benchmarks/gazetteers]

Sources, in order of trust (a name keeps the type of the first source that lists it):

1. scripts/lexicon_sources/{models,datasets,methods,tasks,metrics}.txt: hand-written from general
   knowledge of the field ("name | alias | ..." a line) -> general.jsonl.
2. Hugging Face Transformers model families (Apache-2.0), named families only, minus names that are
   ordinary English words or generic pages -> hf_models.jsonl.
3. LM-Evaluation-Harness benchmark display names (MIT), minus generic headings -> lm_eval.jsonl.
4. SciREX / Papers-with-Code salient entities (Apache-2.0): Task names, Dataset ("Material") names and
   Metric names, filtered by shape and a deny list -> pwc.jsonl.

Names of the seed abstracts and of any test split are never added (the deny lists below are about
noise, not about those). Run it again after editing a source; the output is deterministic.
"""
from __future__ import annotations

import argparse
import csv
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "scripts" / "lexicon_sources"
OUT = ROOT / "kg" / "data" / "lexicons"
HAND_FILES = {"models.txt": "Model", "datasets.txt": "Dataset", "methods.txt": "Method",
              "tasks.txt": "Task", "metrics.txt": "Metric"}

# Hugging Face doc pages that are English words, software wrappers, or too short and ambiguous.
HF_DENY = frozenset("""
GIT Bark Aria Chameleon Informer Perceiver Donut Splinter Granite Persimmon Cohere Cohere2 Mimi Moshi
VAN NAT LED MEGA MRA MVP BiT DiT TVP SEW SEW-D YOSO ALIGN CLAP BORT GPT Jukebox Nougat Hiera Zamba Bamba
Phi dac moonshine mllama myt5 CPM CPMANT CTRL DPR RAG REALM ESM GLM Mamba mamba2 TAPAS Emu3 UDOP BROS
LiLT GLPN DPT TVLT CLVP MCTCT FSMT FNet LUKE mLUKE MMS Funnel Autoformer DETA DiNAT TextNet
""".split())
HF_METHODS = frozenset({"Mamba", "mamba2"})
LM_EVAL_DENY = frozenset("""
arithmetic translation_tasks leaderboard_evaluations unscramble japanese_leaderboard arab_culture
meddialog medtext moral_stories histoires_morales click simple_cooccurrence_bias arc_mt inverse_scaling
gsm_plus mmlu_pro mmlu_pro_plus k_mmlu kbl jfinqa fda score include bear mastermindeval prost
arabic_leaderboard arabic_leaderboard_light swde glianorex libra
""".split())
PWC_DENY = frozenset((
    "company", "florence", "gps", "unrestricted", "amazon", "netflix", "mmi", "mr", "ud", "drive", "luna",
    "waf", "dianping", "douban", "flixster", "idhp", "quasar", "stare", "caltech", "mosi", "nell", "text8",
    "biwi", "ct-150", "fce", "d d", "wikipedia", "elo ratings", "bing news", "chinese poems", "atari games",
    "unsupervised mnist", "game of go", "game of shogi", "chunking", "graph-to-sequence", "sql-to-text",
    "query wellformedness", "predicate detection", "smile recognition", "human3 6m", "mhp v1 0", "mhp v2 0",
))
PWC_METRIC_ALLOW = frozenset((
    "accuracy", "map", "bleu score", "f1", "miou", "mean iou", "f1 score", "psnr", "inception score", "mrr",
    "ssim", "test perplexity", "auc", "dice score", "fid", "bleu", "macro-f1", "mae", "log loss",
    "mean opinion score", "rouge-1", "rouge-2", "rouge-l", "meteor", "gleu", "rmse", "precision", "recall",
    "uas", "las", "pck", "top 1 accuracy", "top 5 accuracy", "bounding box ap", "rank-1",
    "expected average overlap eao",
))


def read_hand_sources() -> list[dict]:
    entries = []
    for filename, entity_type in HAND_FILES.items():
        for line in (SOURCES / filename).read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            names = [part.strip() for part in line.split("|") if part.strip()]
            entries.append({"name": names[0], "type": entity_type, "aliases": names[1:]})
    return entries


def read_tsv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def split_title(title: str) -> list[str]:
    """"Vision Transformer (ViT)" -> ["Vision Transformer", "ViT"]; "MBart and MBart-50" -> both."""
    names = []
    match = re.match(r"^(.*?)\s*\(([^)]+)\)\s*$", title)
    if match:
        names += [match.group(1).strip(), match.group(2).strip()]
    else:
        names += [part.strip() for part in title.split(" and ")]
    return [name for name in names if name]


def hf_entries(path: Path) -> list[dict]:
    entries = []
    for row in read_tsv(path):
        title = row["display_title"].strip()
        if row["is_named_model_family"] != "yes" or title in HF_DENY or "Models" in title:
            continue
        names = split_title(title)
        entity_type = "Method" if title in HF_METHODS else "Model"
        entries.append({"name": names[0], "type": entity_type, "aliases": names[1:]})
    return entries


def lm_eval_entries(path: Path) -> list[dict]:
    entries = []
    for row in read_tsv(path):
        name = row["display_name"].strip()
        if not name or ":" in name or len(name.split()) > 4:
            continue
        slug = re.sub(r"\W+", "_", name.lower()).strip("_")
        if slug in LM_EVAL_DENY or row["task_dir"].split("/")[-1] in LM_EVAL_DENY:
            continue
        if name.islower() or not any(c.isupper() for c in name):  # slugs, not how papers write names
            continue
        names = split_title(name) if "(" in name else [name]
        entries.append({"name": names[0], "type": "Dataset", "aliases": names[1:]})
    return entries


def pwc_entries(path: Path) -> list[dict]:
    entries = []
    for row in read_tsv(path):
        name = row["readable_name"].strip()
        lowered = name.lower()
        words = name.split()
        if lowered in PWC_DENY or not words:
            continue
        kind = row["scirex_type"]
        if kind == "Task":
            if len(words) > 5 or re.search(r"\d", name) and not re.match(r"^[36]D ", name):
                continue
            task = lowered.replace(" ner", "")
            if len(task.split()) < 2:
                continue
            entries.append({"name": task, "type": "Task", "aliases": []})
        elif kind == "Material":
            if (len(words) > 4 or re.search(r"sigma|upscaling|-to-|Labels|Atari 2600 |VQA |"
                                             r"classification|Zero-Shot|Shot Learning|Easy|Hard|Moderate", name)):
                continue
            if name.islower() or not re.search(r"[A-Z0-9]", name) or len(name) < 3:
                continue
            entries.append({"name": name, "type": "Dataset", "aliases": []})
        elif kind == "Metric" and lowered in PWC_METRIC_ALLOW:
            entries.append({"name": name if name.isupper() or any(c.isdigit() for c in name) else lowered,
                            "type": "Metric", "aliases": []})
    return entries


def dedupe(entries: list[dict], seen: dict[str, str]) -> list[dict]:
    """Drop spellings already listed by a more trusted source; drop entries left without a name."""
    kept = []
    for entry in entries:
        spellings = [entry["name"], *entry["aliases"]]
        fresh = [s for s in spellings if s.lower() not in seen]
        if entry["name"].lower() in seen or not fresh:
            continue
        for spelling in fresh:
            seen[spelling.lower()] = entry["type"]
        kept.append({"name": entry["name"], "type": entry["type"],
                     "aliases": [s for s in fresh if s != entry["name"]]})
    return sorted(kept, key=lambda e: (e["type"], e["name"].lower()))


def write(name: str, entries: list[dict]) -> None:
    path = OUT / name
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries), encoding="utf-8")
    print(f"{path.relative_to(ROOT)}: {len(entries)} entries")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gazetteers", type=Path, default=ROOT.parent.parent / "shared" / "benchmarks" / "gazetteers")
    args = parser.parse_args()
    seen: dict[str, str] = {}
    write("general.jsonl", dedupe(read_hand_sources(), seen))
    write("hf_models.jsonl", dedupe(hf_entries(args.gazetteers / "hf_transformers_model_families.tsv"), seen))
    write("lm_eval.jsonl", dedupe(lm_eval_entries(args.gazetteers / "lm_eval_harness_benchmarks.tsv"), seen))
    write("pwc.jsonl", dedupe(pwc_entries(args.gazetteers / "scirex_pwc_salient_entities.tsv"), seen))


if __name__ == "__main__":
    main()
