"""predictions.to_record: the scorer's record of a resolved document."""
from __future__ import annotations

import json
import math

import pytest

from kg.predictions import record_line, to_record
from kg.types import DocResult, Document, Entity, Evidence, Relation


def _result() -> DocResult:
    doc = Document("p1", "Dromedary is tuned on LLaMA 65B.")
    return DocResult(doc, (
        Entity("model/dromedary", "Dromedary", "Model", introduced=True),
        Entity("model/llama-65b", "LLaMA-65B", "Model", aliases=("LLaMA 65B",), variant_of="model/llama"),
        Entity("model/llama", "LLaMA", "Model", implied=True),
    ), (Relation("model/dromedary", "based_on", "model/llama-65b", Evidence("p1", doc.text, 0, 32, "tuned on", 0.8)),))


def test_predictions_record_has_names_aliases_and_relations_by_name():
    record = to_record(_result())
    assert record["id"] == "p1"
    assert record["entities"] == [
        {"name": "Dromedary", "type": "Model", "aliases": [], "introduced": True},
        {"name": "LLaMA-65B", "type": "Model", "aliases": ["LLaMA 65B"], "introduced": False},
    ]
    assert [(r["head"], r["type"], r["tail"]) for r in record["relations"]] == [("Dromedary", "based_on", "LLaMA-65B")]
    assert record["relations"][0]["evidence"] == "Dromedary is tuned on LLaMA 65B."


def test_predictions_leave_out_implied_families():
    assert "LLaMA" not in {e["name"] for e in to_record(_result())["entities"]}


def test_predictions_doc_id_override():
    assert to_record(_result(), doc_id="seed-001-03")["id"] == "seed-001-03"


def _odd_result(confidence: object) -> DocResult:
    text = 'Said "X\\Y"\tvia\nZ\u2028 \u00e9\u4e2d\U0001f600\x01.'
    doc = Document('p"2\u00e9', text)
    return DocResult(doc, (
        Entity("model/x", 'X "quoted" \\ \u00e9', "Model", aliases=("x\ny", "\u4e2d\U0001f600", "\x00"), introduced=True),
        Entity("dataset/z", "Z", "Dataset"),
        Entity("model/fam", "Fam", "Model", implied=True),
    ), (Relation("model/x", "trained_on", "dataset/z", Evidence('p"2', text, 0, len(text), "via", confidence)),
        Relation("model/x", "uses", "dataset/z", Evidence('p"2', text, 0, len(text), "", 0.1 + 0.2))))


@pytest.mark.parametrize("confidence", [0.5, 1, 0.1 + 0.2, 1e-20, math.nan, math.inf, -math.inf, True])
def test_predictions_record_line_is_json_dumps_of_the_record(confidence):
    for result in (_result(), _odd_result(confidence), DocResult(Document("empty", "No names."))):
        assert record_line(result) == json.dumps(to_record(result), ensure_ascii=False, sort_keys=False) + "\n"
