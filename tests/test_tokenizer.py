"""The tokenizer keeps ML names whole and still splits the punctuation around them."""
from __future__ import annotations

import pytest
import spacy

from kg.extract.tokenizer import customize_tokenizer


@pytest.fixture(scope="module")
def tokenizer_nlp():
    nlp = spacy.blank("en")
    customize_tokenizer(nlp)
    return nlp


@pytest.mark.parametrize("text,tokens", [
    ("LLaMA-65B", ["LLaMA-65B"]),
    ("GPT-3.5-turbo", ["GPT-3.5-turbo"]),
    ("Llama 2 70B", ["Llama", "2", "70B"]),
    ("Mixtral-8x7B", ["Mixtral-8x7B"]),
    ("BERT-base", ["BERT-base"]),
    ("T5-XXL", ["T5-XXL"]),
    ("Qwen2.5-7B-Instruct", ["Qwen2.5-7B-Instruct"]),
    ("ResNet-50", ["ResNet-50"]),
    ("ViT-L/14", ["ViT-L/14"]),
    ("LoRA/QLoRA", ["LoRA", "/", "QLoRA"]),
    ("TCP/IP", ["TCP/IP"]),
    ("GPT-4o", ["GPT-4o"]),
    ("o1-mini", ["o1-mini"]),
    ("K2-65B", ["K2-65B"]),
    ("LLaMA2-70B", ["LLaMA2-70B"]),
    ("Pythia-410M", ["Pythia-410M"]),
    ("surpasses LLaMA2-70B.", ["surpasses", "LLaMA2-70B", "."]),
    ("Large Language Models (LLMs)", ["Large", "Language", "Models", "(", "LLMs", ")"]),
    ("(GPT-4o),", ["(", "GPT-4o", ")", ","]),
    ("a Llama-2-based model", ["a", "Llama-2", "-based", "model"]),
    ("BERT-like encoders", ["BERT", "-like", "encoders"]),
    ("code/language ratios", ["code", "/", "language", "ratios"]),
    ("models—including GPT-4", ["models", "—", "including", "GPT-4"]),
    ("1.4T tokens", ["1.4T", "tokens"]),
    ("(Touvron et al., 2023)", ["(", "Touvron", "et", "al", ".", ",", "2023", ")"]),
    ("e.g., ChatGPT.", ["e.g.", ",", "ChatGPT", "."]),
])
def test_tokenizer_keeps_names_whole(tokenizer_nlp, text, tokens):
    assert [token.text for token in tokenizer_nlp(text)] == tokens


def test_tokenizer_offsets_cover_text(tokenizer_nlp):
    text = "We fine-tune Qwen2.5-7B-Instruct (and ViT-L/14), then GPT-3.5-turbo."
    doc = tokenizer_nlp(text)
    assert "".join(token.text_with_ws for token in doc) == text


def test_kg_tokenizer_factory_matches_customize_tokenizer(tokenizer_nlp):
    """build_nlp's tokenizer (made by the kg.tokenizer.v1 factory) splits like spacy.blank + customize_tokenizer."""
    import json
    from pathlib import Path

    from kg.extract.tokenizer import create_tokenizer  # noqa: F401  (registers the factory)

    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "kg.tokenizer.v1"}}})
    texts = ["LLaMA-65B and GPT-3.5-turbo (GPT-4o), e.g. Llama-2-based ViT-L/14 vs. LoRA/QLoRA.", "don't", "U.S.A.",
             "http://example.com/a-b", "3.5x faster:-)", "models—including K2-65B."]
    texts += [json.loads(line)["text"] for line in (Path(__file__).parent / "data" / "heldout_abstracts.jsonl")
              .read_text(encoding="utf-8").splitlines() if line.strip()]
    for text in texts:
        assert [(t.text, t.whitespace_) for t in nlp.make_doc(text)] == \
            [(t.text, t.whitespace_) for t in tokenizer_nlp.make_doc(text)]
    assert nlp.tokenizer.rules == tokenizer_nlp.tokenizer.rules


@pytest.mark.parametrize("pattern,never", [
    (r"(?<=[0-9])(?:km|m)$|'s$|\.\.+", True),
    (r"x?\$|\W|[\d\s]", True),
    (r"[A-Za-z]+", False),
    (r"\$?x", False),
    (r"(?!\d)x", False),
    (r"[^0-9]", False),
    (r"\w", False),
    (r"(?i:\$)", False),  # case folding is not followed: unsure, so False
    (r"[\u00e0-\u00ff]", False),
])
def test_tokenizer_letters_never_match(pattern, never):
    import re

    from kg.extract.tokenizer import letters_never_match

    assert letters_never_match(re.compile(pattern)) is never


def test_tokenizer_rules_answer_words_of_letters_at_once():
    """build_nlp's tokenizer answers its four rules at once for a word of letters only, since no rule matches one."""
    import re
    import sys

    from kg.extract.tokenizer import LettersSkipped, create_tokenizer  # noqa: F401  (registers the factory)

    tokenizer = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "kg.tokenizer.v1"}}}).tokenizer
    rules = [tokenizer.prefix_search, tokenizer.suffix_search, tokenizer.infix_finditer, tokenizer.url_match]
    assert all(isinstance(rule.__self__, LettersSkipped) for rule in rules)
    letters = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isalpha()]
    words = letters[::3] + ["".join(letters[i:i + 5]) for i in range(0, len(letters), 5)] + ["model", "Zürich", "İ"]
    for rule in rules:
        regex: re.Pattern = rule.__self__.regex
        assert not [word for word in words if regex.search(word)]
        assert rule("model") is None or list(rule("model")) == []
        assert rule.__self__.pattern == regex.pattern
