"""The extraction pipeline: well-formed components, offsets, typing, exclusions and introduced names."""
from __future__ import annotations

import json

import pytest

from kg.extract import build_nlp, extract
from kg.extract.components import family_prefix, head_type, is_generic_long_form, shape_kind
from kg.extract.lexicon import is_case_sensitive
from kg.types import Document


def _names(nlp, text, title=None):
    [result] = extract(nlp, [Document(id="d", text=text, title=title)])
    return {m.text: m for m in result.mentions}


def test_extract_analyze_pipes_has_no_problems(nlp):
    analysis = nlp.analyze_pipes()
    assert not any(analysis["problems"].values())
    assert nlp.pipe_names[-1] == "kg_relations"


def test_extract_offsets_slice_back(nlp, data_dir):
    lines = (data_dir / "heldout_abstracts.jsonl").read_text(encoding="utf-8").splitlines()
    docs = [Document(id=d["id"], text=d["text"], title=d.get("title")) for d in map(json.loads, lines)]
    for result in extract(nlp, docs):
        assert result.mentions
        for mention in result.mentions:
            assert result.document.text[mention.start:mention.end] == mention.text
            assert mention.sent_start <= mention.start < mention.end <= mention.sent_end
            assert mention.source in {"lexicon", "shape", "context", "abbreviation"}


@pytest.mark.parametrize("text,name,label", [
    ("We compare LLaMA-65B with GPT-3.5-turbo.", "LLaMA-65B", "Model"),
    ("We compare LLaMA-65B with GPT-3.5-turbo.", "GPT-3.5-turbo", "Model"),
    ("It rivals Llama 2 70B on most tasks.", "Llama 2 70B", "Model"),
    ("We fine-tune Qwen2.5-7B-Instruct on our data.", "Qwen2.5-7B-Instruct", "Model"),
    ("Results on the HellaSwag benchmark improve.", "HellaSwag", "Dataset"),
    ("We evaluate on the FooBarQA dataset.", "FooBarQA", "Dataset"),
    ("We use nucleus sampling and beam search.", "nucleus sampling", "Method"),
    ("Accuracy on dialogue summarization improves.", "dialogue summarization", "Task"),
    ("We report perplexity and F1.", "perplexity", "Metric"),
    ("We extend the window via Position Interpolation (PI).", "Position Interpolation", "Method"),
    ("The resulting model, Zorblax, is strong.", "Zorblax", "Model"),
])
def test_extract_finds_and_types(nlp, text, name, label):
    mentions = _names(nlp, text)
    assert name in mentions
    assert mentions[name].label == label


@pytest.mark.parametrize("text,not_name", [
    ("Large Language Models (LLMs) are popular.", "Large Language Models"),
    ("Large Language Models (LLMs) are popular.", "LLMs"),
    ("We show our model beats a 7B model after fine-tuning.", "fine-tuning"),
    ("It was trained on 1.4 trillion tokens with A100 GPUs.", "A100"),
    ("It was published in COVID-19 times.", "COVID-19"),
])
def test_extract_exclusions(nlp, text, not_name):
    assert not_name not in _names(nlp, text)


@pytest.mark.parametrize("text,title,name", [
    ("We present Zorblax, a new benchmark for code.", None, "Zorblax"),
    ("In this paper, we propose GLORP-Tuning, which adapts models.", None, "GLORP-Tuning"),
    ("Zorblax is a model for code.", "Zorblax: A Model for Code", "Zorblax"),
])
def test_extract_introduced(nlp, text, title, name):
    mentions = _names(nlp, text, title)
    assert mentions[name].introduced


def test_extract_known_names_are_not_introduced(nlp):
    mentions = _names(nlp, "We propose to use GPT-4 for evaluation.")
    assert not mentions["GPT-4"].introduced


def test_extract_small_lexicon(data_dir):
    nlp = build_nlp(lexicon=data_dir / "lexicon_small.jsonl")
    mentions = _names(nlp, "Our zorbnet dataset is public.")
    assert mentions["zorbnet"].label == "Dataset" and mentions["zorbnet"].source == "lexicon"


@pytest.mark.parametrize("text,kind", [
    ("K2-65B", "digit"), ("ChatGPT", "camel"), ("SELF-ALIGN", "caps"), ("Swin-T", "digit"),
    ("model", None), ("A100", None), ("COVID-19", None), ("LLMs", None),
])
def test_extract_shape_kind(text, kind):
    assert shape_kind(text) == kind


def test_extract_helpers():
    assert head_type(["speech", "recognition"]) == "Task"
    assert head_type(["Greedy", "Maximum", "Entropy", "sampler"]) == "Method"
    assert is_generic_long_form("Large Language Models") and not is_generic_long_form("Position Interpolation")
    assert family_prefix("Vicuna-13B") == "vicuna"
    assert is_case_sensitive("Falcon") and not is_case_sensitive("LLaMA")
