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
    # relative clauses: ", which" takes the entity before the comma; "applying M to X yields Y"
    ("Applying FooAlign to BetaNet yields AlphaNet, which outperforms GammaNet and DeltaNet on FooBench and BarBench.",
     {"FooAlign": T, "BetaNet": M, "AlphaNet": M, "GammaNet": M, "DeltaNet": M, "FooBench": D, "BarBench": D},
     {("FooAlign", "applied_to", "BetaNet"), ("AlphaNet", "based_on", "BetaNet"),
      ("AlphaNet", "outperforms", "GammaNet"), ("AlphaNet", "outperforms", "DeltaNet"),
      ("AlphaNet", "evaluated_on", "FooBench"), ("AlphaNet", "evaluated_on", "BarBench")}),
    ("AlphaNet, which improves accuracy over BetaNet, is small.",
     {"AlphaNet": M, "BetaNet": M, "accuracy": "Metric"}, {("AlphaNet", "outperforms", "BetaNet")}),
    # "yields" with no model after it derives nothing
    ("Applying FooAlign to BetaNet yields gains over GammaNet.", {"FooAlign": T, "BetaNet": M, "GammaNet": M},
     {("FooAlign", "applied_to", "BetaNet"), ("FooAlign", "outperforms", "GammaNet")}),
    # the introduced entity as implicit subject across sentences
    ("We propose AlphaNet. On FooBench and BarBench, it improves accuracy over BetaNet.",
     {"AlphaNet": M, "BetaNet": M, "FooBench": D, "BarBench": D},
     {("AlphaNet", "evaluated_on", "FooBench"), ("AlphaNet", "evaluated_on", "BarBench"),
      ("AlphaNet", "outperforms", "BetaNet")}),
    ("AlphaNet achieves state-of-the-art accuracy on FooBench, BarBench and BazBench.",
     {"AlphaNet": M, "FooBench": D, "BarBench": D, "BazBench": D},
     {("AlphaNet", "evaluated_on", "FooBench"), ("AlphaNet", "evaluated_on", "BarBench"),
      ("AlphaNet", "evaluated_on", "BazBench")}),
    ("We propose AlphaNet. Compared with BetaNet and GammaNet, AlphaNet improves accuracy by 3 points.",
     {"AlphaNet": M, "BetaNet": M, "GammaNet": M},
     {("AlphaNet", "outperforms", "BetaNet"), ("AlphaNet", "outperforms", "GammaNet")}),
    ("We propose AlphaNet. Compared with BetaNet, our model uses fewer parameters.",
     {"AlphaNet": M, "BetaNet": M}, {("AlphaNet", "compared_with", "BetaNet")}),
    ("We propose AlphaNet. It is competitive with BetaNet.", {"AlphaNet": M, "BetaNet": M},
     {("AlphaNet", "compared_with", "BetaNet")}),
    ("We propose AlphaNet. It remains competitive on FooBench and BarBench.",
     {"AlphaNet": M, "FooBench": D, "BarBench": D},
     {("AlphaNet", "evaluated_on", "FooBench"), ("AlphaNet", "evaluated_on", "BarBench")}),
    # metric phrases, and a second verb after an evaluation phrase keeps the clause subject
    ("AlphaNet achieves 31.2 mIoU on FooBench and surpasses BetaNet and GammaNet on BarBench.",
     {"AlphaNet": M, "BetaNet": M, "GammaNet": M, "FooBench": D, "BarBench": D, "mIoU": "Metric"},
     {("AlphaNet", "evaluated_on", "FooBench"), ("AlphaNet", "outperforms", "BetaNet"),
      ("AlphaNet", "outperforms", "GammaNet"), ("AlphaNet", "evaluated_on", "BarBench")}),
    # training: a fronted participle, and a training gerund ("fine-tuning X on D")
    ("Trained on only 10 hours of labeled speech from FooSpeech, AlphaNet reaches a low error rate.",
     {"AlphaNet": M, "FooSpeech": D}, {("AlphaNet", "trained_on", "FooSpeech")}),
    ("We propose AlphaNet. When fine-tuning AlphaNet on FooCorpus, we observe large gains.",
     {"AlphaNet": M, "FooCorpus": D}, {("AlphaNet", "trained_on", "FooCorpus")}),
    ("Fine-tuning BetaNet on FooCorpus yields AlphaNet.", {"AlphaNet": M, "BetaNet": M, "FooCorpus": D},
     {("BetaNet", "trained_on", "FooCorpus"), ("AlphaNet", "based_on", "BetaNet")}),
    # the paper's benchmark as implicit object of "we evaluate"; the protocol's method is no "uses"
    ("We introduce FooBench, a benchmark for long-context reasoning. We evaluate AlphaNet, BetaNet, GammaNet and "
     "DeltaNet with FooPrompting.",
     {"FooBench": D, "AlphaNet": M, "BetaNet": M, "GammaNet": M, "DeltaNet": M, "FooPrompting": T},
     {("AlphaNet", "evaluated_on", "FooBench"), ("BetaNet", "evaluated_on", "FooBench"),
      ("GammaNet", "evaluated_on", "FooBench"), ("DeltaNet", "evaluated_on", "FooBench")}),
    ("We study AlphaNet with FooPrompting on FooBench.", {"AlphaNet": M, "FooPrompting": T, "FooBench": D},
     {("AlphaNet", "evaluated_on", "FooBench")}),
    ("We benchmark AlphaNet, BetaNet and GammaNet against DeltaNet and EpsNet on FooSuite.",
     {"AlphaNet": M, "BetaNet": M, "GammaNet": M, "DeltaNet": M, "EpsNet": M, "FooSuite": D},
     {("AlphaNet", "evaluated_on", "FooSuite"), ("BetaNet", "evaluated_on", "FooSuite"),
      ("GammaNet", "evaluated_on", "FooSuite")}),
    ("AlphaNet beats GammaNet on small inputs, and DeltaNet is on par with GammaNet on large ones.",
     {"AlphaNet": M, "GammaNet": M, "DeltaNet": M},
     {("AlphaNet", "outperforms", "GammaNet"), ("DeltaNet", "compared_with", "GammaNet")}),
    # "with" after a verb of training still says what the model uses
    ("We train AlphaNet with FooAlign.", {"AlphaNet": M, "FooAlign": T}, {("AlphaNet", "uses", "FooAlign")}),
    ("We evaluate AlphaNet trained with FooAlign.", {"AlphaNet": M, "FooAlign": T},
     {("AlphaNet", "uses", "FooAlign")}),
    # coordinated participles, active training verbs, "trained with M on D"
    ("AlphaNet is pre-trained on FooCorpus and fine-tuned on FooBench and BarBench.",
     {"AlphaNet": M, "FooCorpus": D, "FooBench": D, "BarBench": D},
     {("AlphaNet", "trained_on", "FooCorpus"), ("AlphaNet", "trained_on", "FooBench"),
      ("AlphaNet", "trained_on", "BarBench")}),
    ("AlphaNet is initialized from BetaNet and trained on FooCorpus.", {"AlphaNet": M, "BetaNet": M, "FooCorpus": D},
     {("AlphaNet", "based_on", "BetaNet"), ("AlphaNet", "trained_on", "FooCorpus")}),
    ("We pre-train AlphaNet on FooCorpus and fine-tune it on FooBench.", {"AlphaNet": M, "FooCorpus": D, "FooBench": D},
     {("AlphaNet", "trained_on", "FooCorpus"), ("AlphaNet", "trained_on", "FooBench")}),
    ("We fine-tune AlphaNet on FooCorpus using LoRA.", {"AlphaNet": M, "FooCorpus": D, "LoRA": T},
     {("AlphaNet", "trained_on", "FooCorpus"), ("AlphaNet", "uses", "LoRA"), ("LoRA", "applied_to", "AlphaNet")}),
    ("We propose AlphaNet. Our model, trained with PPO on FooBench, outperforms DQN.",
     {"AlphaNet": M, "PPO": T, "FooBench": D, "DQN": T},
     {("AlphaNet", "uses", "PPO"), ("AlphaNet", "trained_on", "FooBench"), ("AlphaNet", "outperforms", "DQN")}),
    ("Built upon BetaNet, AlphaNet achieves high accuracy.", {"AlphaNet": M, "BetaNet": M},
     {("AlphaNet", "based_on", "BetaNet")}),
    # participle after an evaluation phrase; "compare X with Y"; "generalizes to D"
    ("AlphaNet obtains 92.1 F1 on FooBench, surpassing BetaNet.", {"AlphaNet": M, "FooBench": D, "BetaNet": M},
     {("AlphaNet", "evaluated_on", "FooBench"), ("AlphaNet", "outperforms", "BetaNet")}),
    ("We compare AlphaNet against BetaNet and GammaNet.", {"AlphaNet": M, "BetaNet": M, "GammaNet": M},
     {("AlphaNet", "compared_with", "BetaNet"), ("AlphaNet", "compared_with", "GammaNet")}),
    ("We compare AlphaNet with FooAlign.", {"AlphaNet": M, "FooAlign": T}, {("AlphaNet", "compared_with", "FooAlign")}),
    ("Our experiments show that AlphaNet trained on FooCorpus generalizes to BarBench.",
     {"AlphaNet": M, "FooCorpus": D, "BarBench": D},
     {("AlphaNet", "trained_on", "FooCorpus"), ("AlphaNet", "evaluated_on", "BarBench")}),
    # inverse comparatives keep the clause subject
    ("AlphaNet still lags behind BetaNet on FooBench.", {"AlphaNet": M, "BetaNet": M, "FooBench": D},
     {("BetaNet", "outperforms", "AlphaNet"), ("AlphaNet", "evaluated_on", "FooBench")}),
    ("AlphaNet underperforms BetaNet and GammaNet.", {"AlphaNet": M, "BetaNet": M, "GammaNet": M},
     {("BetaNet", "outperforms", "AlphaNet"), ("GammaNet", "outperforms", "AlphaNet")}),
    ("AlphaNet falls short of BetaNet.", {"AlphaNet": M, "BetaNet": M}, {("BetaNet", "outperforms", "AlphaNet")}),
    ("AlphaNet performs worse than BetaNet.", {"AlphaNet": M, "BetaNet": M}, {("BetaNet", "outperforms", "AlphaNet")}),
    # metric reductions, chained verbs, coordinated verb phrases
    ("AlphaNet reduces WER by 15% relative to BetaNet on FooBench.",
     {"AlphaNet": M, "BetaNet": M, "FooBench": D, "WER": "Metric"},
     {("AlphaNet", "outperforms", "BetaNet"), ("AlphaNet", "evaluated_on", "FooBench")}),
    ("AlphaNet matches or exceeds BetaNet on FooBench.", {"AlphaNet": M, "BetaNet": M, "FooBench": D},
     {("AlphaNet", "compared_with", "BetaNet"), ("AlphaNet", "outperforms", "BetaNet"),
      ("AlphaNet", "evaluated_on", "FooBench")}),
    ("We introduce AlphaNet. We show that it outperforms BetaNet and is competitive with GammaNet on FooBench.",
     {"AlphaNet": M, "BetaNet": M, "GammaNet": M, "FooBench": D},
     {("AlphaNet", "outperforms", "BetaNet"), ("AlphaNet", "compared_with", "GammaNet"),
      ("AlphaNet", "evaluated_on", "FooBench")}),
    # evaluation phrases far from the subject, or after the object of a participle
    ("AlphaNet achieves a word error rate of 2.1% on the test-clean and test-other sets of FooBench.",
     {"AlphaNet": M, "FooBench": D}, {("AlphaNet", "evaluated_on", "FooBench")}),
    ("AlphaNet, pretrained with MAE on FooCorpus, transfers well to FooBench.",
     {"AlphaNet": M, "MAE": T, "FooCorpus": D, "FooBench": D},
     {("AlphaNet", "uses", "MAE"), ("AlphaNet", "trained_on", "FooCorpus"), ("AlphaNet", "evaluated_on", "FooBench")}),
    ("AlphaNet is fine-tuned from BetaNet on FooCorpus.", {"AlphaNet": M, "BetaNet": M, "FooCorpus": D},
     {("AlphaNet", "based_on", "BetaNet"), ("AlphaNet", "trained_on", "FooCorpus")}),
    ("We train AlphaNet with PPO in FooBench.", {"AlphaNet": M, "PPO": T, "FooBench": D},
     {("AlphaNet", "uses", "PPO"), ("AlphaNet", "trained_on", "FooBench")}),
    # efficiency is a comparison, not a win
    ("AlphaNet reduces memory footprint and energy consumption compared to BetaNet.", {"AlphaNet": M, "BetaNet": M},
     {("AlphaNet", "compared_with", "BetaNet")}),
    # ", which is ..." after a result phrase refers to the clause subject; a fronted phrase before it
    ("Trained on FooCorpus, AlphaNet reaches 96.1% accuracy with only 48k parameters, which is comparable to BetaNet "
     "and better than GammaNet.", {"AlphaNet": M, "BetaNet": M, "GammaNet": M, "FooCorpus": D, "accuracy": "Metric"},
     {("AlphaNet", "trained_on", "FooCorpus"), ("AlphaNet", "compared_with", "BetaNet"),
      ("AlphaNet", "outperforms", "GammaNet")}),
    # "compare it with", and a subject kept across "but"
    ("We fine-tune AlphaNet on FooCorpus and compare it with BetaNet.", {"AlphaNet": M, "BetaNet": M, "FooCorpus": D},
     {("AlphaNet", "trained_on", "FooCorpus"), ("AlphaNet", "compared_with", "BetaNet")}),
    ("AlphaNet yields the best accuracy on FooBench but lags behind BetaNet on BarBench.",
     {"AlphaNet": M, "BetaNet": M, "FooBench": D, "BarBench": D},
     {("AlphaNet", "evaluated_on", "FooBench"), ("BetaNet", "outperforms", "AlphaNet"),
      ("AlphaNet", "evaluated_on", "BarBench")}),
    # "the D benchmark ," is a noun; the participle after it takes the clause subject
    ("FooPlan achieves a score of 1.4 on the FooBench benchmark, outperforming AlphaNet and BetaNet.",
     {"FooPlan": T, "FooBench": D, "AlphaNet": M, "BetaNet": M},
     {("FooPlan", "evaluated_on", "FooBench"), ("FooPlan", "outperforms", "AlphaNet"),
      ("FooPlan", "outperforms", "BetaNet")}),
    # ", producing Y" after a training gerund; a long metric gap before "over"; "and an X" coordinates
    ("We fine-tune AlphaNet with FooAlign on synthetic pairs, producing BetaNet.",
     {"AlphaNet": M, "FooAlign": T, "BetaNet": M},
     {("AlphaNet", "uses", "FooAlign"), ("BetaNet", "based_on", "AlphaNet")}),
    ("AlphaNet improves mIoU by 2.3 and 1.8 points over BetaNet.", {"AlphaNet": M, "BetaNet": M, "mIoU": "Metric"},
     {("AlphaNet", "outperforms", "BetaNet")}),
    ("We evaluate FooForest, FooSVM and an FooAE on FooBench and BarBench.",
     {"FooForest": T, "FooSVM": T, "FooAE": T, "FooBench": D, "BarBench": D},
     {(m, "evaluated_on", d) for m in ("FooForest", "FooSVM", "FooAE") for d in ("FooBench", "BarBench")}),
    # model derivation: distillation, initialization, "a fine-tuned version of", "to obtain", "as the backbone"
    ("We distill BetaNet into AlphaNet.", {"AlphaNet": M, "BetaNet": M}, {("AlphaNet", "based_on", "BetaNet")}),
    ("We initialize AlphaNet with the weights of BetaNet.", {"AlphaNet": M, "BetaNet": M},
     {("AlphaNet", "based_on", "BetaNet")}),
    ("AlphaNet is a fine-tuned version of BetaNet.", {"AlphaNet": M, "BetaNet": M},
     {("AlphaNet", "based_on", "BetaNet")}),
    ("We continue pretraining BetaNet on FooCorpus to obtain AlphaNet.", {"AlphaNet": M, "BetaNet": M, "FooCorpus": D},
     {("BetaNet", "trained_on", "FooCorpus"), ("AlphaNet", "based_on", "BetaNet")}),
    ("Using BetaNet as the backbone, AlphaNet achieves 80% accuracy on FooBench.",
     {"AlphaNet": M, "BetaNet": M, "FooBench": D},
     {("AlphaNet", "based_on", "BetaNet"), ("AlphaNet", "evaluated_on", "FooBench")}),
    # "evaluate them" after "apply M to X and Y"; a participle after "while"; a metric inside "similar ... to"
    ("We apply FooAlign to BetaNet and GammaNet and evaluate them on FooBench.",
     {"FooAlign": T, "BetaNet": M, "GammaNet": M, "FooBench": D},
     {("FooAlign", "applied_to", "BetaNet"), ("FooAlign", "applied_to", "GammaNet"),
      ("BetaNet", "evaluated_on", "FooBench"), ("GammaNet", "evaluated_on", "FooBench"),
      ("FooAlign", "evaluated_on", "FooBench")}),
    ("AlphaNet requires less memory than BetaNet while achieving similar accuracy to GammaNet.",
     {"AlphaNet": M, "BetaNet": M, "GammaNet": M, "accuracy": "Metric"}, {("AlphaNet", "compared_with", "GammaNet")}),
    # "it" later in the sentence is that sentence's subject, never the object before it
    ("On FooBench, FooRoute cuts calls by 47% while matching the accuracy of FooRAG, and it outperforms BarRAG.",
     {"FooBench": D, "FooRoute": T, "FooRAG": T, "BarRAG": T, "accuracy": "Metric"},
     {("FooRoute", "evaluated_on", "FooBench"), ("FooRoute", "compared_with", "FooRAG"),
      ("FooRoute", "outperforms", "BarRAG")}),
    ("AlphaNet beats BetaNet on FooBench, and it outperforms GammaNet.",
     {"AlphaNet": M, "BetaNet": M, "GammaNet": M, "FooBench": D},
     {("AlphaNet", "outperforms", "BetaNet"), ("AlphaNet", "evaluated_on", "FooBench"),
      ("AlphaNet", "outperforms", "GammaNet")}),
    # two fronted participles
    ("Pre-trained on FooCorpus and fine-tuned on FooBench, AlphaNet is comparable to BetaNet.",
     {"AlphaNet": M, "BetaNet": M, "FooCorpus": D, "FooBench": D},
     {("AlphaNet", "trained_on", "FooCorpus"), ("AlphaNet", "trained_on", "FooBench"),
      ("AlphaNet", "compared_with", "BetaNet")}),
    # a benchmark paper's experiments run on its benchmark unless the sentence names another dataset
    ("We introduce FooBench, a benchmark for tool use. Experiments with AlphaNet and BetaNet reveal large gaps.",
     {"FooBench": D, "AlphaNet": M, "BetaNet": M},
     {("AlphaNet", "evaluated_on", "FooBench"), ("BetaNet", "evaluated_on", "FooBench")}),
    ("We introduce FooBench, a benchmark for tool use. Experiments with AlphaNet on BarBench reveal gaps.",
     {"FooBench": D, "AlphaNet": M, "BarBench": D}, {("AlphaNet", "evaluated_on", "BarBench")}),
    ("We introduce FooBench. AlphaNet performs best, followed by BetaNet.", {"FooBench": D, "AlphaNet": M, "BetaNet": M},
     {("AlphaNet", "outperforms", "BetaNet")}),
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
    # look-alikes of the round-2 cues
    ("We evaluate AlphaNet with FooPrompting.", {"AlphaNet": M, "FooPrompting": T}),
    ("Compared with BetaNet, training is cheap.", {"BetaNet": M}),
    ("In contrast to BetaNet, AlphaNet does not require labels.", {"AlphaNet": M, "BetaNet": M}),
    ("Based on these findings, we train AlphaNet from scratch.", {"AlphaNet": M}),
    ("We release AlphaNet and FooCorpus under an open license.", {"AlphaNet": M, "FooCorpus": D}),
    ("We propose AlphaNet, a new model. We evaluate BetaNet and GammaNet as baselines.",
     {"AlphaNet": M, "BetaNet": M, "GammaNet": M}),
    ("We propose AlphaNet and FooBench. Experiments with BetaNet reveal gaps.",
     {"AlphaNet": M, "FooBench": D, "BetaNet": M}),
    ("FooBench contains questions written by experts, and BarBench contains images.", {"FooBench": D, "BarBench": D}),
    ("Using FooCorpus as the test set, we find errors.", {"FooCorpus": D}),
    ("AlphaNet trained against a single reward model wins more often, as judged by BetaNet.",
     {"AlphaNet": M, "BetaNet": M}),
    ("Unlike prior work, we train AlphaNet without FooCorpus.", {"AlphaNet": M, "FooCorpus": D}),
    ("Trained on FooCorpus, models often overfit.", {"FooCorpus": D}),
    ("AlphaNet reports its pre-training FLOPs and BetaNet does not.", {"AlphaNet": M, "BetaNet": M, "FLOPs": "Metric"}),
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


def test_relations_trigger_prefilter_changes_no_output(monkeypatch):
    """The cue and introduction patterns run only on sentences holding one of their trigger words,
    lists kept by hand beside the patterns; with the prefilter off, every relation must be the same."""
    import json
    from pathlib import Path

    from kg.extract import build_nlp
    from kg.extract import relations as rel

    data = Path(__file__).parent / "data"
    texts = [json.loads(line)["text"] for name in ("relations_heldout.jsonl", "relations_heldout2.jsonl",
                                                   "heldout_abstracts.jsonl")
             for line in (data / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    texts += [case[0] for case in GOOD]
    nlp = build_nlp()

    def run() -> list:
        return [[(h.start_char, h.end_char, r, t.start_char, t.end_char, cue, conf)
                 for h, r, t, cue, conf in rel.find_relations(doc)]
                for doc in nlp.pipe(texts)]

    with_prefilter = run()
    monkeypatch.setattr(rel, "_ALWAYS", frozenset(range(len(rel.CUES))))
    monkeypatch.setattr(rel, "_INTRO_TRIGGERED", tuple((pattern, ("",)) for pattern in rel._INTRO_PATTERNS))
    monkeypatch.setattr(rel, "_INTRO_WORDS", _NoWords())
    monkeypatch.setattr(rel, "_FRONTED_STARTS", "")
    assert run() == with_prefilter
    assert sum(map(len, with_prefilter)) > 100


class _NoWords:
    """A word set that no sentence is disjoint from: turns the _INTRO_WORDS prefilter off."""

    def isdisjoint(self, other) -> bool:
        return False
