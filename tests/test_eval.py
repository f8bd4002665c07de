"""kg.eval: the scorer's rules (shared/eval/score.py) on small cases and on a frozen gold/pred pair."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import InputError, KGError
from kg.eval import format_report, read_records_by_id, score

DATA = Path(__file__).parent / "data"

GOLD = {"d1": {"entities": [
    {"name": "LLaMA-65B", "type": "Model", "aliases": ["LLaMA 65B"]},
    {"name": "Dromedary", "type": "Model", "introduced": True},
    {"name": "Position Interpolation", "type": "Method", "aliases": ["PI"]},
    {"name": "Mamba", "type": "Method", "alt_types": ["Model"]},
    {"name": "LLaMA-7B", "type": "Model", "optional": True},
    {"name": "HellaSwag", "type": "Dataset"},
], "relations": [
    {"head": "Dromedary", "type": "based_on", "tail": "LLaMA 65B"},
    {"head": "Dromedary", "type": "compared_with", "tail": "Mamba"},
    {"head": "PI", "type": "applied_to", "tail": "LLaMA-65B", "optional": True},
]}}


def _pred(entities=(), relations=()):
    return {"d1": {"entities": list(entities), "relations": list(relations)}}


def _perfect():
    gold = GOLD["d1"]
    return _pred([{"name": e["name"], "type": e["type"], "introduced": e.get("introduced", False)}
                  for e in gold["entities"]], gold["relations"])


def test_eval_perfect_predictions_score_one():
    report, errors = score(GOLD, _perfect())
    for figure in ("entities_core_typed", "entities_typed", "entities_untyped", "relations", "introduced"):
        assert report[figure]["f1"] == 1.0, figure
    assert errors == []


def test_eval_empty_predictions_score_zero_recall():
    report, errors = score(GOLD, {})
    assert report["documents_missing_from_predictions"] == 1
    assert report["entities_typed"] == {"p": 0.0, "r": 0.0, "f1": 0.0, "tp": 0, "fp": 0, "fn": 5}
    assert report["relations"]["fn"] == 2 and report["relations"]["r"] == 0.0
    assert report["introduced"]["fn"] == 1
    assert ("d1", "FN", "Model: Dromedary") in errors


def test_eval_names_match_through_aliases_and_folding():
    report, _ = score(GOLD, _pred([{"name": "llama65b", "type": "Model"}, {"name": "PI", "type": "Method"}]))
    assert report["entities_typed"]["tp"] == 2
    assert report["entities_typed"]["fp"] == 0


def test_eval_second_name_of_a_matched_entity_is_neither_right_nor_wrong():
    report, _ = score(GOLD, _pred([{"name": "LLaMA-65B", "type": "Model"}, {"name": "LLaMA 65B", "type": "Model"}]))
    assert (report["entities_typed"]["tp"], report["entities_typed"]["fp"]) == (1, 0)


def test_eval_optional_entities_and_relations_are_ignored():
    report, errors = score(GOLD, _pred(
        [{"name": "LLaMA-7B", "type": "Model"}, {"name": "PI", "type": "Method"}, {"name": "LLaMA-65B", "type": "Model"}],
        [{"head": "Position Interpolation", "type": "applied_to", "tail": "LLaMA-65B"}]))
    assert (report["entities_typed"]["tp"], report["entities_typed"]["fp"]) == (2, 0)
    assert (report["relations"]["tp"], report["relations"]["fp"]) == (0, 0)
    assert not [e for e in errors if e[1].startswith("FP")]


def test_eval_alt_type_is_accepted_and_counted_under_the_predicted_type():
    report, _ = score(GOLD, _pred([{"name": "Mamba", "type": "Model"}]))
    assert report["entities_typed"]["tp"] == 1
    assert report["per_type"]["Model"]["tp"] == 1
    assert report["per_type"]["Method"]["tp"] == 0


def test_eval_wrong_type_is_a_typed_miss_but_an_untyped_hit():
    report, errors = score(GOLD, _pred([{"name": "HellaSwag", "type": "Task"}]))
    assert (report["entities_typed"]["tp"], report["entities_typed"]["fp"]) == (0, 1)
    assert report["entities_untyped"]["tp"] == 1
    assert report["per_type"]["Task"]["fp"] == 1
    assert report["entities_core_typed"]["fp"] == 0  # a Task prediction is outside the core figure
    assert ("d1", "FP", "Task: HellaSwag") in errors


def test_eval_compared_with_is_symmetric_other_relations_are_not():
    relations = [{"head": "Mamba", "type": "compared_with", "tail": "Dromedary"},
                 {"head": "LLaMA-65B", "type": "based_on", "tail": "Dromedary"}]
    report, errors = score(GOLD, _pred(relations=relations))
    assert (report["relations"]["tp"], report["relations"]["fp"], report["relations"]["fn"]) == (1, 1, 1)
    assert ("d1", "FP-rel", "LLaMA-65B -based_on-> Dromedary") in errors
    assert ("d1", "FN-rel", "Dromedary -based_on-> LLaMA-65B") in errors


def test_eval_relation_with_an_unknown_endpoint_is_a_false_hit():
    report, errors = score(GOLD, _pred(relations=[{"head": "GPT-4", "type": "outperforms", "tail": "Mamba"}]))
    assert report["relations"]["fp"] == 1
    assert ("d1", "FP-rel", "GPT-4 -outperforms-> Mamba") in errors


def test_eval_introduced_on_a_non_introduced_entity_is_a_false_hit():
    report, errors = score(GOLD, _pred([{"name": "Dromedary", "type": "Model", "introduced": True},
                                        {"name": "LLaMA-65B", "type": "Model", "introduced": True}]))
    assert (report["introduced"]["tp"], report["introduced"]["fp"], report["introduced"]["fn"]) == (1, 1, 0)
    assert ("d1", "FP-intro", "LLaMA-65B") in errors


def test_eval_gold_relation_endpoint_must_be_an_entity():
    gold = {"d": {"entities": [{"name": "A", "type": "Model"}], "relations": [{"head": "A", "type": "uses", "tail": "B"}]}}
    with pytest.raises(KGError, match="relation endpoint not among its entities"):
        score(gold, {})


# Figures of shared/eval/score.py on tests/data/gold_small.jsonl (three dev documents and one
# hand-made) against tests/data/pred_small.jsonl, run once and frozen here:
#   python3 ../shared/eval/score.py tests/data/gold_small.jsonl tests/data/pred_small.jsonl --json
FROZEN = {
    "documents": 4, "documents_missing_from_predictions": 1,
    "entities_core_typed": {"p": 0.75, "r": 0.6, "f1": 0.6667, "tp": 12, "fp": 4, "fn": 8},
    "entities_typed": {"p": 0.7222, "r": 0.5652, "f1": 0.6341, "tp": 13, "fp": 5, "fn": 10},
    "entities_untyped": {"p": 0.8235, "r": 0.6087, "f1": 0.7, "tp": 14, "fp": 3, "fn": 9},
    "per_type": {
        "Model": {"p": 0.7, "r": 0.7, "f1": 0.7, "tp": 7, "fp": 3, "fn": 3},
        "Dataset": {"p": 0.0, "r": 0.0, "f1": 0.0, "tp": 0, "fp": 0, "fn": 0},
        "Method": {"p": 0.8333, "r": 0.5, "f1": 0.625, "tp": 5, "fp": 1, "fn": 5},
        "Task": {"p": 0.0, "r": 0.0, "f1": 0.0, "tp": 0, "fp": 1, "fn": 1},
        "Metric": {"p": 1.0, "r": 0.5, "f1": 0.6667, "tp": 1, "fp": 0, "fn": 1}},
    "relations": {"p": 0.75, "r": 0.4615, "f1": 0.5714, "tp": 6, "fp": 2, "fn": 7},
    "introduced": {"p": 0.8, "r": 0.8, "f1": 0.8, "tp": 4, "fp": 1, "fn": 1},
}
FROZEN_TABLE_HEAD = """\
documents: 4 (missing from predictions: 1)
                                                    P      R     F1    tp    fp    fn
entities, core types (Model/Dataset/Method)     0.750  0.600  0.667    12     4     8
entities, all types                             0.722  0.565  0.634    13     5    10
"""
FROZEN_ERROR_COUNTS = "errors: {'FP': 5, 'FN': 10, 'FP-rel': 2, 'FN-rel': 7, 'FP-intro': 1, 'FN-intro': 1}"


def test_eval_matches_the_scorer_on_a_frozen_pair():
    report, errors = score(read_records_by_id(DATA / "gold_small.jsonl"), read_records_by_id(DATA / "pred_small.jsonl"))
    assert report == FROZEN
    text = format_report(report, errors, as_json=False)
    assert text.startswith(FROZEN_TABLE_HEAD)
    assert FROZEN_ERROR_COUNTS in text
    assert "seed-000-01\tFP-rel\tK2 -uses-> LLM360" in text
    assert "seed-003-02\tFP\tModel: FP16" in text  # typed as neither FP16's type nor an alt type
    assert json.loads(format_report(report, None, as_json=True)) == FROZEN


def test_eval_report_without_errors_has_no_error_list():
    report, errors = score(GOLD, _perfect())
    assert "errors:" not in format_report(report, None, as_json=False)
    assert "errors: {}" in format_report(report, errors, as_json=False)


def test_eval_read_records_by_id_locates_bad_lines(tmp_path):
    path = tmp_path / "pred.jsonl"
    path.write_text('{"id": "a"}\n\n[1, 2]\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_records_by_id(path)
    assert (info.value.line, info.value.path) == (3, str(path))
    path.write_text('{"id": "a"}\n{"text": "no id"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r":2: expected an object with an 'id'"):
        read_records_by_id(path)


def test_eval_cli_prints_the_report(capsys):
    from kg.cli import main

    status = main(["eval", str(DATA / "gold_small.jsonl"), str(DATA / "pred_small.jsonl"), "--show-errors"])
    out = capsys.readouterr().out
    assert status == 0
    assert out.startswith(FROZEN_TABLE_HEAD)
    assert FROZEN_ERROR_COUNTS in out
