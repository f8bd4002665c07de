"""predictions.to_record: the scorer's record of a resolved document."""
from __future__ import annotations

from kg.predictions import to_record
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
