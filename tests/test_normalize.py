"""Name normalization: keys, sizes, ranges, generic heads (the doctests run too)."""
from __future__ import annotations

import pytest

from kg.normalize import (
    expand_size_range, name_key, score_key, split_size_range, split_size_suffix, strip_generic_head,
)


@pytest.mark.parametrize("a, b", [
    ("LLaMA 65B", "LLaMA-65B"), ("LLaMA-65B", "LLaMa-65b"), ("LLaMA65B", "llama 65b"), ("GPT-3.5", "gpt 3.5"),
])
def test_normalize_name_key_folds_spelling_variants(a, b):
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize("a, b", [("LLaMA-7B", "LLaMA-65B"), ("Llama 2", "Llama"), ("GPT-3.5", "GPT-35")])
def test_normalize_name_key_keeps_different_names_apart(a, b):
    assert name_key(a) != name_key(b)


@pytest.mark.parametrize("name", ["LLaMA-65B", "GPT-3.5", "K2 DIAMOND", ".NET", "μP", "Llama 2 (7B)"])
def test_normalize_name_key_is_the_scorer_key_on_ascii_names(name):
    assert name_key(name) == score_key(name)


@pytest.mark.parametrize("name, expected", [
    ("LLaMA-65B", ("LLaMA", "65B")), ("Llama 2 70B", ("Llama 2", "70B")), ("Bi-Mamba-780M", ("Bi-Mamba", "780M")),
    ("Tele-FLM-1T", ("Tele-FLM", "1T")), ("FBI-LLM-1.3B", ("FBI-LLM", "1.3B")), ("LLaMA2-70B", ("LLaMA2", "70B")),
])
def test_normalize_split_size_suffix_good(name, expected):
    assert split_size_suffix(name) == expected


@pytest.mark.parametrize("name", ["GPT-4", "Vicuna-13B-v1.5", "T5", "LLaMA 7B-65B", "65B", "BitNet b1.58", "CS-2"])
def test_normalize_split_size_suffix_bad(name):
    assert split_size_suffix(name) is None


@pytest.mark.parametrize("text, expected", [
    ("7B to 65B", ["7B", "65B"]), ("7B/13B/70B", ["7B", "13B", "70B"]), ("780M, 1.3B, and 2.7B", ["780M", "1.3B", "2.7B"]),
    ("33B and 65B/70B", ["33B", "65B", "70B"]), ("7, 13 and 70B", ["7B", "13B", "70B"]), ("2 and 3", []),
])
def test_normalize_expand_size_range(text, expected):
    assert expand_size_range(text) == expected


@pytest.mark.parametrize("name, expected", [
    ("LLaMA 7B-65B", ("LLaMA", ["7B", "65B"])), ("Llama 2 (7B/13B/70B)", ("Llama 2", ["7B", "13B", "70B"])),
    ("LLaMA 7B to 65B", ("LLaMA", ["7B", "65B"])),
])
def test_normalize_split_size_range_good(name, expected):
    assert split_size_range(name) == expected


@pytest.mark.parametrize("name", ["LLaMA-65B", "LLaMA2-70B", "GPT-3.5", "Llama 2", "Qwen2.5-72B"])
def test_normalize_split_size_range_bad(name):
    assert split_size_range(name) is None


@pytest.mark.parametrize("name, expected", [
    ("MuSE dataset", "MuSE"), ("LLaMA models", "LLaMA"), ("Llama-2-based", "Llama-2"), ("RoPE-based", "RoPE"),
    ("CovidDialog datasets", "CovidDialog"), ("BIG-Bench benchmark", "BIG-Bench"),
    ("language model", "language model"), ("rule-based", "rule-based"), ("the dataset", "the dataset"),
    ("LLaMA", "LLaMA"), ("Fully BInarized Large Language Model", "Fully BInarized Large Language Model"),
    ("Multimodal Stressed Emotion dataset", "Multimodal Stressed Emotion dataset"),
])
def test_normalize_strip_generic_head(name, expected):
    assert strip_generic_head(name) == expected


def test_size_and_head_shortcuts_keep_the_answers_of_the_full_patterns():
    """split_size_suffix, split_size_range and strip_generic_head skip their backtracking patterns for names
    that cannot match; the answers stay those of the patterns, also for characters that only match them
    case-insensitively (the Kelvin sign, the long s) and for digits of other scripts."""
    assert split_size_suffix("LLaMA-7\u212a") == ("LLaMA", "7\u212a")
    assert split_size_suffix("LLaMA \u0667B") == ("LLaMA", "\u0667B")
    assert split_size_suffix(" Foo 7b ") == ("Foo", "7B")
    assert split_size_suffix("Foo 7B\n") == ("Foo", "7B")
    assert split_size_suffix("Foo 7B\u201365B") == ("Foo 7B\u2013", "65B")
    assert split_size_suffix("Foo 7 B") is None and split_size_suffix("7B") is None and split_size_suffix("") is None
    assert split_size_range("LLaMA 7\u212a-13\u212a") == ("LLaMA", ["7\u212a", "13\u212a"])
    assert split_size_range("LLaMA \u0667B/\u0661\u0663B") == ("LLaMA", ["\u0667B", "\u0661\u0663B"])
    assert split_size_range("Foo (7B, 13B)") == ("Foo", ["7B", "13B"])
    assert split_size_range("Foo-7B") is None and split_size_range("a1b2") is None and split_size_range(" ") is None
    assert strip_generic_head("MuSE data\u017fet") == "MuSE"
    assert strip_generic_head("Foo-ba\u017fed") == "Foo"
    assert strip_generic_head("Ab \u00a0model") == "Ab"
    assert strip_generic_head("CHECKPOINTS") == "CHECKPOINTS"
    assert strip_generic_head("Foo mode\u212a") == "Foo mode\u212a"
    assert strip_generic_head(" ") == ""
