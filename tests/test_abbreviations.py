"""Abbreviation definitions: "long form (SF)" and "SF (long form)", and look-alikes that are not."""
from __future__ import annotations

import pytest

from kg.extract.abbreviations import best_long_form, find_abbreviations, is_short_form


@pytest.mark.parametrize("text,short,long", [
    ("We extend the context window via Position Interpolation (PI) on LLaMA.", "PI", "Position Interpolation"),
    ("It relies on supervised fine-tuning (SFT) and more.", "SFT", "supervised fine-tuning"),
    ("We measure word error rate (WER) on two sets.", "WER", "word error rate"),
    ("We release ARIC (Activity Recognition In Classroom), a dataset.", "ARIC", "Activity Recognition In Classroom"),
    ("Graph neural networks (GNNs) are popular.", "GNNs", "Graph neural networks"),
])
def test_abbreviations_found(nlp, text, short, long):
    pairs = {(s.text, l.text) for l, s in find_abbreviations(nlp(text))}
    assert (short, long) in pairs


@pytest.mark.parametrize("text", [
    "LLaMA is strong (Touvron et al., 2023) on many tasks.",
    "The largest model (65B) is slow.",
    "We use a model (see Table 2) for this.",
    "Results improve (e.g., on MMLU) overall.",
])
def test_abbreviations_look_alikes(nlp, text):
    assert find_abbreviations(nlp(text)) == []


@pytest.mark.parametrize("good", ["PI", "LLMs", "SFT", "RoPE", "GPT-4"])
def test_abbreviations_is_short_form_good(good):
    assert is_short_form(good)


@pytest.mark.parametrize("bad", ["2023", "e.g.", "65B", "Touvron", "a", "see Table 2"])
def test_abbreviations_is_short_form_bad(bad):
    assert not is_short_form(bad)


def test_abbreviations_best_long_form_needs_word_start():
    assert best_long_form("PI", "we present Position Interpolation") == "Position Interpolation"
    assert best_long_form("XYZ", "nothing matches here") is None
