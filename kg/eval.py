"""Score predictions against gold: the figures of shared/eval/score.py, as a library.

The rules (shared/ANNOTATION.md, "What a system hands the scorer"):

- names match after `normalize.score_key` folding, through the gold name and its aliases;
- an entity matches a gold entity of its `type` or one of the gold `alt_types` (the typed
  figures); the first gold entity that fits is the one matched;
- gold entities and relations marked `optional` are neither rewarded nor punished;
- the core-typed figure keeps the gold entities with a Model/Dataset/Method type (main or
  alternative) and the predictions typed as a core type, or typed as such a gold entity's
  other accepted type;
- relation endpoints are found through the gold names; `compared_with` ignores direction;
- "introduced" is scored over the predictions that carry it.

`score(gold, pred)` returns the same report as `score.py --json` and the error list of
`--show-errors`; `format_report` prints either.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InputError, KGError
from .io import read_jsonl
from .normalize import score_key
from .types import CORE_TYPES, ENTITY_TYPES, SYMMETRIC_RELATIONS

#: One line of `--show-errors`: (document id, kind, what); kind is FP, FN, FP-rel, FN-rel, FP-intro, FN-intro.
ScoreError = tuple[str, str, str]


@dataclass
class Tally:
    """True positives, false positives and false negatives of one figure."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Tally) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def prf(self) -> dict[str, float | int]:
        """Precision, recall and F1 rounded to 4 places, with the counts.

        >>> Tally(tp=3, fp=1, fn=1).prf()
        {'p': 0.75, 'r': 0.75, 'f1': 0.75, 'tp': 3, 'fp': 1, 'fn': 1}
        >>> Tally().prf()["f1"]
        0.0
        """
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass(frozen=True)
class _Gold:
    name: str
    type: str
    types: frozenset[str]
    keys: frozenset[str]
    optional: bool
    introduced: bool


def read_records_by_id(path: str | Path) -> dict[str, dict]:
    """Records of a gold or prediction JSONL file by their "id" (a later line with the same id wins).

    Raises:
        InputError: a line is not JSON, not an object, or has no "id".
    """
    records: dict[str, dict] = {}
    for line_no, value in read_jsonl(path):
        if not isinstance(value, dict):
            raise InputError(str(path), line_no, f"expected a JSON object, got {type(value).__name__}")
        if "id" not in value:
            raise InputError(str(path), line_no, "expected an object with an 'id', found none")
        records[str(value["id"])] = value
    return records


def score(gold: Mapping[str, dict], pred: Mapping[str, dict]) -> tuple[dict[str, Any], list[ScoreError]]:
    """Score prediction records against gold records (both keyed by document id).

    Returns the report (the keys of `score.py --json`) and every error, in document order.

    Raises:
        KGError: a gold relation names an endpoint that is not among the document's entities.

    >>> gold = {"d": {"entities": [{"name": "LLaMA-65B", "type": "Model", "aliases": ["LLaMA 65B"]}]}}
    >>> report, errors = score(gold, {"d": {"entities": [{"name": "llama 65b", "type": "Model"}]}})
    >>> report["entities_typed"]["f1"], errors
    (1.0, [])
    """
    errors: list[ScoreError] = []
    typed, untyped, core, relations, introduced = Tally(), Tally(), Tally(), Tally(), Tally()
    per_type: dict[str, Tally] = defaultdict(Tally)
    for doc_id, gold_doc in gold.items():
        entities = _gold_entities(doc_id, gold_doc)
        pred_doc = pred.get(doc_id, {})
        predicted = list(pred_doc.get("entities", []))
        typed.add(_score_entities(doc_id, entities, predicted, typed=True, per_type=per_type, errors=errors))
        untyped.add(_score_entities(doc_id, entities, predicted, typed=False, per_type=None, errors=[]))
        core_gold = [g for g in entities if g.types & set(CORE_TYPES)]
        core_pred = [p for p in predicted if _is_core_prediction(p, core_gold)]
        core.add(_score_entities(doc_id, core_gold, core_pred, typed=True, per_type=None, errors=[]))
        relations.add(_score_relations(doc_id, entities, gold_doc.get("relations", []),
                                       pred_doc.get("relations", []), errors))
        introduced.add(_score_introduced(doc_id, entities, predicted, errors))
    report = {
        "documents": len(gold),
        "documents_missing_from_predictions": sum(1 for doc_id in gold if doc_id not in pred),
        "entities_core_typed": core.prf(),
        "entities_typed": typed.prf(),
        "entities_untyped": untyped.prf(),
        "per_type": {t: per_type[t].prf() for t in ENTITY_TYPES},
        "relations": relations.prf(),
        "introduced": introduced.prf(),
    }
    return report, errors


def format_report(report: dict[str, Any], errors: Iterable[ScoreError] | None, *, as_json: bool) -> str:
    """The report as score.py prints it (a table, or JSON), followed by the errors when given."""
    lines: list[str] = []
    if as_json:
        lines.append(json.dumps(report, indent=2))
    else:
        lines.append(f"documents: {report['documents']} "
                     f"(missing from predictions: {report['documents_missing_from_predictions']})")
        rows = [("entities, core types (Model/Dataset/Method)", report["entities_core_typed"]),
                ("entities, all types", report["entities_typed"]),
                ("entities, type ignored", report["entities_untyped"])]
        rows += [(f"  {t}", report["per_type"][t]) for t in ENTITY_TYPES]
        rows += [("relations", report["relations"]), ("introduced by the paper", report["introduced"])]
        lines.append(f"{'':46} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}")
        lines.extend(f"{label:46} {m['p']:6.3f} {m['r']:6.3f} {m['f1']:6.3f} {m['tp']:5} {m['fp']:5} {m['fn']:5}"
                     for label, m in rows)
    if errors is not None:
        errors = list(errors)
        counts = Counter(kind for _, kind, _ in errors)
        lines.append(f"\nerrors: {dict(counts)}")
        lines.extend(f"{doc}\t{kind}\t{what}" for doc, kind, what in sorted(errors))
    return "\n".join(lines) + "\n"


def _gold_entities(doc_id: str, doc: dict) -> list[_Gold]:
    out = []
    for entity in doc.get("entities", []):
        if "name" not in entity or "type" not in entity:
            raise KGError(f"gold {doc_id}: an entity needs a 'name' and a 'type', got {entity}")
        keys = {score_key(entity["name"])} | {score_key(a) for a in entity.get("aliases", [])}
        keys.discard("")
        out.append(_Gold(entity["name"], entity["type"], frozenset({entity["type"], *entity.get("alt_types", [])}),
                         frozenset(keys), bool(entity.get("optional")), bool(entity.get("introduced"))))
    return out


def _find(gold: list[_Gold], name: Any) -> int | None:
    """Index of the first gold entity with this name or alias."""
    key = score_key(name)
    return next((i for i, g in enumerate(gold) if key in g.keys), None)


def _score_entities(doc_id: str, gold: list[_Gold], pred: list[dict], *, typed: bool,
                    per_type: dict[str, Tally] | None, errors: list[ScoreError]) -> Tally:
    total = Tally()
    matched: set[int] = set()
    seen: set[tuple[str, Any]] = set()
    for p in pred:
        key = (score_key(p.get("name", "")), p.get("type") if typed else None)
        if not key[0] or key in seen:
            continue
        seen.add(key)
        hit = next((i for i, g in enumerate(gold)
                    if key[0] in g.keys and (not typed or p.get("type") in g.types)), None)
        if hit is None:
            total.fp += 1
            if per_type is not None:
                per_type[p.get("type", "?")].fp += 1
            errors.append((doc_id, "FP", f"{p.get('type')}: {p.get('name')}"))
        elif hit in matched or gold[hit].optional:
            continue  # a second name of a matched entity, or an optional one: neither right nor wrong
        else:
            matched.add(hit)
            total.tp += 1
            if per_type is not None:
                per_type[p.get("type") if typed else gold[hit].type].tp += 1
    for i, g in enumerate(gold):
        if i not in matched and not g.optional:
            total.fn += 1
            if per_type is not None:
                per_type[g.type].fn += 1
            errors.append((doc_id, "FN", f"{'/'.join(sorted(g.types))}: {g.name}"))
    return total


def _relation_key(head: int, tail: int, relation_type: Any) -> tuple:
    if relation_type in SYMMETRIC_RELATIONS:
        return (relation_type, frozenset((head, tail)))
    return (relation_type, head, tail)


def _score_relations(doc_id: str, gold: list[_Gold], gold_relations: list[dict], pred_relations: list[dict],
                     errors: list[ScoreError]) -> Tally:
    tally = Tally()
    wanted: dict[tuple, bool] = {}
    for relation in gold_relations:
        head, tail = _find(gold, relation["head"]), _find(gold, relation["tail"])
        if head is None or tail is None:
            raise KGError(f"gold {doc_id}: relation endpoint not among its entities: {relation}")
        wanted[_relation_key(head, tail, relation["type"])] = bool(relation.get("optional"))
    found: set[tuple] = set()
    for relation in pred_relations:
        head, tail = _find(gold, relation.get("head", "")), _find(gold, relation.get("tail", ""))
        what = f"{relation.get('head')} -{relation.get('type')}-> {relation.get('tail')}"
        if head is None or tail is None:
            tally.fp += 1
            errors.append((doc_id, "FP-rel", what))
            continue
        key = _relation_key(head, tail, relation.get("type"))
        if key in found:
            continue
        found.add(key)
        if key not in wanted:
            tally.fp += 1
            errors.append((doc_id, "FP-rel", what))
        elif not wanted[key]:
            tally.tp += 1
    for key, optional in wanted.items():
        if key not in found and not optional:
            tally.fn += 1
            ends = sorted(key[1]) if key[0] in SYMMETRIC_RELATIONS else key[1:]
            errors.append((doc_id, "FN-rel", f"{gold[ends[0]].name} -{key[0]}-> {gold[ends[-1]].name}"))
    return tally


def _score_introduced(doc_id: str, gold: list[_Gold], pred: list[dict], errors: list[ScoreError]) -> Tally:
    want = {i for i, g in enumerate(gold) if g.introduced and not g.optional}
    got: set[int] = set()
    false_hits = 0
    for p in pred:
        if not p.get("introduced"):
            continue
        i = _find(gold, p.get("name", ""))
        if i is None or (not gold[i].introduced and not gold[i].optional):
            false_hits += 1
            errors.append((doc_id, "FP-intro", str(p.get("name"))))
        elif i in want:
            got.add(i)
    for i in sorted(want - got):
        errors.append((doc_id, "FN-intro", gold[i].name))
    return Tally(tp=len(got), fp=false_hits, fn=len(want - got))


def _is_core_prediction(p: dict, core_gold: list[_Gold]) -> bool:
    """A core-typed prediction, or one typed as a core gold entity's other accepted type."""
    if p.get("type") in CORE_TYPES:
        return True
    i = _find(core_gold, p.get("name", ""))
    return i is not None and p.get("type") in core_gold[i].types
