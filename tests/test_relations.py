"""Relation cues: sentences with hand-set entities -> the relations they state, and look-alikes
that state none."""
from __future__ import annotations

import re

import pytest
import spacy
from spacy.tokens import Doc

from kg.extract.relations import find_relations
from kg.extract.tokenizer import customize_tokenizer
from kg.types import SIGNATURES


@pytest.fixture(scope="module")
def rel_nlp():
    nlp = spacy.blank("en")
    customize_tokenizer(nlp)
    nlp.add_pipe("sentencizer")
    return nlp


def make_doc(nlp, text: str, ents: dict[str, str]) -> Doc:
    """`text` with every whole-word occurrence of each key of `ents` as an entity labelled with its value."""
    doc = nlp(text)
    spans = []
    for name, label in ents.items():
        for match in re.finditer(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", text):
            span = doc.char_span(match.start(), match.end(), label=label)
            assert span is not None, f"{name!r} is not a token span in {text!r}"
            spans.append(span)
    doc.ents = spans
    return doc


def triples(doc: Doc) -> set[tuple[str, str, str]]:
    return {(head.text, relation, tail.text) for head, relation, tail, _, _ in find_relations(doc)}


M, D, T, X = "Model", "Dataset", "Method", "Task"

GOOD = [
    # outperforms, with coordinated objects and an evaluation phrase
    ("AlphaNet outperforms BetaNet and GammaNet on FooBench.",
     {"AlphaNet": M, "BetaNet": M, "GammaNet": M, "FooBench": D},
     {("AlphaNet", "outperforms", "BetaNet"), ("AlphaNet", "outperforms", "GammaNet"),
      ("AlphaNet", "evaluated_on", "FooBench")}),
    ("AlphaNet surpasses BetaNet and rivals GammaNet.",
     {"AlphaNet": M, "BetaNet": M, "GammaNet": M},
     {("AlphaNet", "outperforms", "BetaNet"), ("AlphaNet", "compared_with", "GammaNet")}),
    ("Our results show that AlphaNet, a 7B model that surpasses BetaNet, is fast.",
     {"AlphaNet": M, "BetaNet": M}, {("AlphaNet", "outperforms", "BetaNet")}),
    ("AlphaNet is outperformed by BetaNet.", {"AlphaNet": M, "BetaNet": M},
     {("BetaNet", "outperforms", "AlphaNet")}),
    ("AlphaNet achieves performance comparable to BetaNet.", {"AlphaNet": M, "BetaNet": M},
     {("AlphaNet", "compared_with", "BetaNet")}),
    ("AlphaNet is on par with BetaNet.", {"AlphaNet": M, "BetaNet": M},
     {("AlphaNet", "compared_with", "BetaNet")}),
    ("AlphaNet performs better than BetaNet.", {"AlphaNet": M, "BetaNet": M},
     {("AlphaNet", "outperforms", "BetaNet")}),
    # based_on / trained_on and retyping by the tail's type
    ("We present AlphaChat, tuned on BetaLM-65B, for finance.", {"AlphaChat": M, "BetaLM-65B": M},
     {("AlphaChat", "based_on", "BetaLM-65B")}),
    ("AlphaChat is fine-tuned from BetaLM.", {"AlphaChat": M, "BetaLM": M},
     {("AlphaChat", "based_on", "BetaLM")}),
    ("AlphaChat is trained on FooCorpus.", {"AlphaChat": M, "FooCorpus": D},
     {("AlphaChat", "trained_on", "FooCorpus")}),
    ("AlphaChat was pre-trained on FooCorpus and BarCorpus.", {"AlphaChat": M, "FooCorpus": D, "BarCorpus": D},
     {("AlphaChat", "trained_on", "FooCorpus"), ("AlphaChat", "trained_on", "BarCorpus")}),
    ("AlphaChat is trained on BetaLM outputs.", {"AlphaChat": M, "BetaLM": M},
     {("AlphaChat", "based_on", "BetaLM")}),
    ("AlphaChat is based on BetaLM.", {"AlphaChat": M, "BetaLM": M}, {("AlphaChat", "based_on", "BetaLM")}),
    ("AlphaChat is trained using RLHF.", {"AlphaChat": M, "RLHF": T}, {("AlphaChat", "uses", "RLHF")}),
    # applied_to
    ("Applying FooAlign to the BetaLM base model, we develop AlphaChat.",
     {"FooAlign": T, "BetaLM": M, "AlphaChat": M},
     {("FooAlign", "applied_to", "BetaLM"), ("AlphaChat", "based_on", "BetaLM")}),
    ("We show that FooDecoding leads BetaLM to outperform GammaLM on FooBench.",
     {"FooDecoding": T, "BetaLM": M, "GammaLM": M, "FooBench": D},
     {("FooDecoding", "applied_to", "BetaLM"), ("BetaLM", "outperforms", "GammaLM"),
      ("FooDecoding", "outperforms", "GammaLM"), ("BetaLM", "evaluated_on", "FooBench"),
      ("FooDecoding", "evaluated_on", "FooBench")}),
    ("We present FooInterp that extends BetaLM to long contexts.", {"FooInterp": T, "BetaLM": M},
     {("FooInterp", "applied_to", "BetaLM")}),
    ("We demonstrate it by applying FooTool on models such as BetaLM, GammaLM and DeltaLM.",
     {"FooTool": T, "BetaLM": M, "GammaLM": M, "DeltaLM": M},
     {("FooTool", "applied_to", "BetaLM"), ("FooTool", "applied_to", "GammaLM"),
      ("FooTool", "applied_to", "DeltaLM")}),
    ("FooPrune applied to BetaLM outperforms BarPrune on FooBench.",
     {"FooPrune": T, "BetaLM": M, "BarPrune": T, "FooBench": D},
     {("FooPrune", "applied_to", "BetaLM"), ("FooPrune", "outperforms", "BarPrune"),
      ("FooPrune", "evaluated_on", "FooBench")}),
    # uses
    ("FooMethod employs sparsification and quantization.",
     {"FooMethod": T, "sparsification": T, "quantization": T},
     {("FooMethod", "uses", "sparsification"), ("FooMethod", "uses", "quantization")}),
    ("Agents such as AlphaChat rely on SFT with human labels and RLHF.",
     {"AlphaChat": M, "SFT": T, "RLHF": T}, {("AlphaChat", "uses", "SFT"), ("AlphaChat", "uses", "RLHF")}),
    # evaluated_on, fronted or after the subject
    ("On 45 tasks from FooBench, AlphaNet beats BetaNet.", {"FooBench": D, "AlphaNet": M, "BetaNet": M},
     {("AlphaNet", "evaluated_on", "FooBench"), ("AlphaNet", "outperforms", "BetaNet")}),
    ("Experiments on FooBench show that AlphaNet is accurate.", {"FooBench": D, "AlphaNet": M},
     {("AlphaNet", "evaluated_on", "FooBench")}),
    ("We present FooBench, a benchmark that assesses AlphaNet and BetaNet.",
     {"FooBench": D, "AlphaNet": M, "BetaNet": M},
     {("AlphaNet", "evaluated_on", "FooBench"), ("BetaNet", "evaluated_on", "FooBench")}),
    # pronoun subjects resolved to the paper's entity
    ("We introduce AlphaNet, a new model. It outperforms BetaNet.", {"AlphaNet": M, "BetaNet": M},
     {("AlphaNet", "outperforms", "BetaNet")}),
    ("We propose FooMethod for pruning. Results show that our method surpasses BarMethod.",
     {"FooMethod": T, "BarMethod": T}, {("FooMethod", "outperforms", "BarMethod")}),
    # asides and tasks do not break the object list
    ("AlphaNet outperforms BetaNet for summarization and GammaNet for translation.",
     {"AlphaNet": M, "BetaNet": M, "GammaNet": M, "summarization": X, "translation": X},
     {("AlphaNet", "outperforms", "BetaNet"), ("AlphaNet", "outperforms", "GammaNet")}),
    ("AlphaNet matches strong models (e.g., BetaNet or GammaNet) and beats DeltaNet.",
     {"AlphaNet": M, "BetaNet": M, "GammaNet": M, "DeltaNet": M},
     {("AlphaNet", "compared_with", "BetaNet"), ("AlphaNet", "compared_with", "GammaNet"),
      ("AlphaNet", "outperforms", "DeltaNet")}),
]

BAD = [
    # look-alikes: contrast without comparison, wrong types, no cue, non-relational "on"
    ("Unlike AlphaNet, BetaNet is small.", {"AlphaNet": M, "BetaNet": M}),
    ("AlphaNet and BetaNet are popular models.", {"AlphaNet": M, "BetaNet": M}),
    ("AlphaNet outperforms summarization baselines.", {"AlphaNet": M, "summarization": X}),
    ("FooBench outperforms BarBench in size.", {"FooBench": D, "BarBench": D}),
    ("AlphaNet was released in 2023; BetaNet followed.", {"AlphaNet": M, "BetaNet": M}),
    ("Our best configuration outperforms the model trained on FooCorpus.", {"FooCorpus": D}),
    ("AlphaNet is trained from scratch on web text.", {"AlphaNet": M}),
    ("FooCorpus is trained on AlphaNet.", {"FooCorpus": D, "AlphaNet": M}),
]


@pytest.mark.parametrize("text,ents,expected", GOOD, ids=[case[0][:50] for case in GOOD])
def test_relations_found(rel_nlp, text, ents, expected):
    assert triples(make_doc(rel_nlp, text, ents)) == expected


@pytest.mark.parametrize("text,ents", BAD, ids=[case[0][:50] for case in BAD])
def test_relations_look_alikes_give_nothing(rel_nlp, text, ents):
    assert triples(make_doc(rel_nlp, text, ents)) == set()


def test_relations_fit_signatures_and_carry_cue_and_confidence(rel_nlp):
    doc = make_doc(rel_nlp, "AlphaNet, tuned on BetaLM and trained on FooCorpus, outperforms GammaNet on FooBench.",
                   {"AlphaNet": M, "BetaLM": M, "FooCorpus": D, "GammaNet": M, "FooBench": D})
    relations = find_relations(doc)
    assert relations
    for head, relation, tail, cue, confidence in relations:
        heads, tails = SIGNATURES[relation]
        assert head.label_ in heads and tail.label_ in tails
        assert cue and cue in doc.text
        assert 0.0 <= confidence <= 1.0


def test_relations_component_sets_doc_extension(rel_nlp):
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("kg_relations")
    doc = nlp.make_doc("AlphaNet beats BetaNet.")
    doc.ents = [doc.char_span(0, 8, label=M), doc.char_span(15, 22, label=M)]
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    assert [(h.text, r, t.text) for h, r, t, _, _ in doc._.kg_relations] == [("AlphaNet", "outperforms", "BetaNet")]
