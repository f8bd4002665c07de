"""The extraction pipeline: well-formed components, offsets, typing, exclusions and introduced names."""
from __future__ import annotations

import json

import pytest

from kg.extract import build_nlp, extract, extract_document
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


def test_extract_token_arrays_match_the_doc(nlp):
    from kg.extract.tokens import token_arrays

    doc = nlp("We present Foo-7B (F7). It beats GPT-4 on MMLU.  Done")
    t = token_arrays(doc)
    assert t.words == [token.text for token in doc]
    assert t.lowers == [token.lower_ for token in doc]
    assert t.text == doc.text
    assert [(t.sent_start[i], t.sent_end[i]) for i in range(len(doc))] == \
        [(token.sent.start, token.sent.end) for token in doc]
    assert t.span_text(2, 5) == doc[2:5].text


def test_extract_token_arrays_words_are_the_token_texts(nlp):
    """The words are slices of the doc's text: the same as token.text, with astral characters, special cases
    ("don't" -> "do", "n't") and white space tokens too."""
    from kg.extract.mentions import _make_doc
    from kg.extract.tokens import token_arrays

    for text in ("We use 😀 emoji-7B and 𝔘𝔫𝔦 code; don't stop.\n\n  (It's   ok.) ", "İSTANBUL Ünï 3.5%"):
        for doc in (nlp(text), nlp(_make_doc(nlp, Document("d", text)))):
            t = token_arrays(doc)
            assert t.words == [token.text for token in doc]
            assert t.lowers == [token.lower_ for token in doc]
            assert t.text == doc.text


def test_extract_mention_sentence_is_span_sent(nlp):
    doc = nlp("We train Foo-7B. It beats GPT-4 on MMLU.")
    from kg.extract.mentions import span_to_mention

    for ent in doc.ents:
        mention = span_to_mention(ent, "d")
        assert (mention.sent_start, mention.sent_end) == (ent.sent.start_char, ent.sent.end_char)
        assert (mention.start, mention.end, mention.text) == (ent.start_char, ent.end_char, ent.text)


@pytest.mark.parametrize("text,name,label", [
    ("We report Hits@50 and nDCG@10 on the test split.", "Hits@50", "Metric"),
    ("Results on the SQuAD v1.1 benchmark are strong.", "SQuAD v1.1", "Dataset"),
    ("We leverage transfer learning for summarization.", "transfer learning", "Method"),
])
def test_extract_quality_round2(nlp, text, name, label):
    assert (name, label) in {(ent.text, ent.label_) for ent in nlp(text).ents}


@pytest.mark.parametrize("text,not_name", [
    ("Such methods improve fine-tuning of small models.", "improve fine-tuning"),
    ("Prior work used an equal hyperparameter optimization budget.", "equal hyperparameter optimization"),
])
def test_extract_no_leading_verbs_or_adjectives(nlp, text, not_name):
    assert not_name not in {ent.text for ent in nlp(text).ents}


def test_extract_coordination_carries_the_type(nlp):
    doc = nlp("We evaluate on MMLU, HellaSwag and Zorblat. On GSM8K, Zorblat improves.")
    labels = {(ent.text, ent.label_) for ent in doc.ents}
    assert ("Zorblat", "Dataset") in labels


def test_extract_list_does_not_run_past_its_conjunction(nlp):
    doc = nlp("On MMLU, HellaSwag and GSM8K, Quuxify improves accuracy.")
    assert ("Quuxify", "Dataset") not in {(ent.text, ent.label_) for ent in doc.ents}


def test_extract_task_phrase_before_benchmark_stays_task(nlp):
    doc = nlp("It beats GPT-3.5 on the GSM8K math word reasoning benchmark.")
    assert ("math word reasoning", "Dataset") not in {(ent.text, ent.label_) for ent in doc.ents}


@pytest.mark.parametrize("text,name,label", [
    ("We introduce a pretrained small scorer, Cappy, designed to rank outputs.", "Cappy", "Model"),
    ("We propose SpecMix, a spectral filter that mixes components.", "SpecMix", "Method"),
    ("Our first model, K2 DIAMOND, is a 65B LLM.", "K2 DIAMOND", "Model"),
])
def test_extract_named_by_context_round2(nlp, text, name, label):
    assert (name, label) in {(ent.text, ent.label_) for ent in nlp(text).ents}


def test_extract_initiatives_are_not_entities(nlp):
    doc = nlp("We present Zentrix, an initiative to open-source LLMs. The Zentrix project releases Quorbit-7B.")
    assert "Zentrix" not in {ent.text for ent in doc.ents}


@pytest.mark.parametrize("text,name,not_name", [
    ("Quantized models match full precision baselines.", None, "precision"),
    ("We use a transformer-based model architecture.", "transformer", "transformer-based model architecture"),
    ("We propose a method, termed Gradient-based Language Model Pruner (GBLM-Pruner), for LLMs.", "GBLM-Pruner",
     "Gradient"),
])
def test_extract_base_names_and_number_formats(nlp, text, name, not_name):
    names = {ent.text for ent in nlp(text).ents}
    assert not_name not in names
    assert name is None or name in names


@pytest.mark.parametrize("text,name,label", [
    ("The resulting datasets, named Zorbix-SFT, will be released.", "Zorbix-SFT", "Dataset"),
    ("We present Quillo, a lightweight and user-friendly tool for training.", "Quillo", "Method"),
])
def test_extract_naming_noun_types_the_name(nlp, text, name, label):
    assert (name, label) in {(ent.text, ent.label_) for ent in nlp(text).ents}


def test_extract_repeated_abbreviation_definitions_stay_linear(nlp):
    """Regression (robustness fuzzing): each of N repeated "Foo Bar (FB)" definitions scanned the whole
    doc for "FB", giving N x N candidates; 20 KB took 7 s and 1 GB. Now every short form is scanned once."""
    from kg.extract import components

    calls = []
    original = components.Candidate

    class CountingCandidate(original):
        def __init__(self, *args, **kwargs):
            calls.append(1)
            super().__init__(*args, **kwargs)

    text = "Foo Bar (FB) " * 400
    try:
        components.Candidate = CountingCandidate
        extract_document(nlp, Document("repeat", text))
    finally:
        components.Candidate = original
    assert len(calls) < 20 * 400  # quadratic growth would make 400 * 400 = 160,000


def test_extract_mention_rows_match_the_ents(nlp):
    """doc_to_extraction reads doc._.kg_mentions instead of doc.ents: both must hold the same mentions."""
    doc = nlp("We present Foo-7B, a new model. It beats GPT-4 and LLaMA 65B on MMLU, the K2 DIAMOND benchmark.")
    rows = doc._.kg_mentions
    assert [(m.start, m.end, m.label, m.key) for m in rows] == \
        [(ent.start, ent.end, ent.label_, ent.ent_id_) for ent in doc.ents]
    assert {(m.start, m.end): (m.source, m.introduced) for m in rows} == doc._.kg_mention_meta


def test_extract_extension_keys_are_where_doc_underscore_keeps_values(nlp):
    """The components read and write their doc._ extensions in doc.user_data (extension_key): the values must be
    the ones doc._ reads and writes, for every extension kg reads that way."""
    from spacy.tokens import Doc

    from kg.extract.tokens import extension_key, token_arrays
    from kg.extract.mentions import _make_doc

    text = "We present Foo-7B (F7B), a new model. It beats GPT-4 on MMLU."
    doc = nlp(_make_doc(nlp, Document(id="d", text=text, title="Foo-7B: a model")))
    names = ["kg_lexicon", "kg_shapes", "kg_abbreviations", "kg_tokens", "kg_title", "kg_text", "kg_mentions",
             "kg_mention_meta", "kg_relations"]
    for name in names:
        # a plain value with an immutable default: doc._ reads and writes just the user_data entry
        default, method, getter, setter = Doc.get_extension(name)
        assert default in (None, ()) and method is getter is setter is None
        assert doc.user_data[extension_key(name)] is getattr(doc._, name)
    assert doc._.kg_mentions and doc._.kg_abbreviations and doc._.kg_lexicon and doc._.kg_shapes
    fresh = nlp.make_doc("GPT-4")
    for name in names:
        value = object()
        doc.user_data[extension_key(name)] = value
        assert getattr(doc._, name) is value
        setattr(fresh._, name, value)
        assert fresh.user_data[extension_key(name)] is value
    assert token_arrays(nlp.make_doc("A b")).words == ["A", "b"]


def test_extract_entity_columns_match_set_ents(nlp):
    """kg_mentions writes doc.ents as token columns: the same columns as doc.set_ents with Spans."""
    from spacy.attrs import ENT_ID, ENT_IOB, ENT_KB_ID, ENT_TYPE
    from spacy.tokens import Span

    columns = [ENT_IOB, ENT_TYPE, ENT_ID, ENT_KB_ID]
    for text in ("We present Foo-7B, a new model. It beats GPT-4 and LLaMA 65B on MMLU, the K2 DIAMOND benchmark.",
                 "GPT-4", "No names here.", "Llama 2 70B and Mistral 7B Instruct beat LLaMA-65B"):
        doc = nlp(text)
        expected = nlp.make_doc(text)
        expected.set_ents([Span(expected, m.start, m.end, label=m.label, span_id=m.key) for m in doc._.kg_mentions],
                          default="outside")
        assert doc.to_array(columns).tolist() == expected.to_array(columns).tolist()


def test_extract_shape_candidates_are_name_shaped_tokens(nlp):
    from kg.extract.components import shape_candidates

    doc = nlp.make_doc("Our K2 DIAMOND beats ChatGPT and Foo-7B on A100 GPUs.")
    assert shape_candidates(doc) == [(1, 3, "digit"), (2, 3, "caps"), (4, 5, "camel"), (6, 7, "digit")]


def test_extract_plain_words_have_no_name_shape(nlp):
    """kg_shapes skips the shape rules for the words _plain_word accepts: none of them may have a shape."""
    from kg.extract.components import _plain_word, _shape_mark

    words = ["model", "Instead", "Ab", "Xy", "über", "Über", "gpt4", "a", "I", "Gpt4", "ChatGPT", "llama-2", "K2",
             "pass@1", "LLaMA", "ÄBc", "Whisper-small", "MMLU", "Hits@10", "Needle-in-a-Haystack"]
    words += [token.text for token in nlp.make_doc("We train Mixtral-8x7B, GPT-3.5-turbo and Foo on K2 DIAMOND.")]
    assert [w for w in words if _plain_word(w) and _shape_mark(w) is not None] == []
    assert {w for w in words if not _plain_word(w)} >= {"Gpt4", "ChatGPT", "llama-2", "K2", "pass@1", "LLaMA"}


def test_extract_sentence_starts_match_spacys_sentencizer():
    """kg_sentences replaces spaCy's sentencizer: the same sentence starts and the same token arrays."""
    import json
    from pathlib import Path

    import spacy

    from kg.extract.tokenizer import customize_tokenizer
    from kg.extract.tokens import token_arrays

    texts = ["", ".", "...", "Hi", "(Hi.) ok", "!! ?", "A. B", "Done.  \n Next one?! (yes) ok.", "e.g. this. That"]
    texts += [json.loads(line)["text"] for line in (Path(__file__).parent / "data" / "heldout_abstracts.jsonl")
              .read_text(encoding="utf-8").splitlines() if line.strip()]
    pipelines = []
    for factory in ("sentencizer", "kg_sentences"):
        pipeline = spacy.blank("en")
        customize_tokenizer(pipeline)
        pipeline.add_pipe(factory)
        pipelines.append(pipeline)
    for text in texts:
        spacy_doc, kg_doc = (pipeline(text) for pipeline in pipelines)
        assert [t.is_sent_start for t in kg_doc] == [t.is_sent_start for t in spacy_doc]
        assert [s.start for s in kg_doc.sents] == [s.start for s in spacy_doc.sents]
        assert token_arrays(kg_doc) == token_arrays(spacy_doc)


def test_extract_sentence_starts_keep_starts_set_before_like_spacys_sentencizer():
    """Sentence starts set before kg_sentences runs are kept, as spaCy's sentencizer keeps them."""
    import spacy
    from spacy.pipeline import Sentencizer

    from kg.extract.tokens import SentenceStarts, token_arrays

    nlp = spacy.blank("en")
    text = "We train a model. It works well on the data (see below). Done"
    for presets in ({3: True}, {5: False, 6: False}, {0: False, 2: True, 9: False}):
        docs = []
        for component in (Sentencizer(), SentenceStarts()):
            doc = nlp.make_doc(text)
            for i, value in presets.items():
                doc[i].is_sent_start = value
            docs.append(component(doc))
        spacy_doc, kg_doc = docs
        assert [t.is_sent_start for t in kg_doc] == [t.is_sent_start for t in spacy_doc], presets
        assert token_arrays(kg_doc) == token_arrays(spacy_doc), presets


def test_expand_char_span_matches_spacys_char_span():
    """expand_char_span gives the tokens of doc.char_span(..., alignment_mode="expand"), whitespace tokens included."""
    import spacy

    from kg.extract.tokens import expand_char_span, token_arrays

    nlp = spacy.blank("en")
    nlp.add_pipe("kg_sentences")
    for text in ["A big dog.", "Two  spaces\nand a\n\nnew line ", " leading (PI) x", "x"]:
        doc = nlp(text)
        t = token_arrays(doc)
        for start in range(-1, len(text) + 2):
            for end in range(start + 1, len(text) + 3):
                span = doc.char_span(start, end, alignment_mode="expand")
                expected = None if span is None else (span.start, span.end)
                assert expand_char_span(t, start, end) == expected, (text, start, end)


def test_token_arrays_text_from_the_document_equals_the_joined_tokens(nlp):
    """kg_sentences takes the text of a doc made by _make_doc from its document instead of joining the tokens."""
    from kg.extract.mentions import _make_doc
    from kg.extract.tokens import token_arrays

    for text in ("We present Foo-7B.  It beats GPT-4\\n(OpenAI) on MMLU. ", "x", " lead", "trail "):
        made = _make_doc(nlp, Document("d", text))
        assert made._.kg_text == text
        assert token_arrays(nlp(made)) == token_arrays(nlp(text))
    stale = nlp.make_doc("Other words entirely")
    stale._.kg_text = "a text of another length"
    assert token_arrays(nlp(stale)).text == "Other words entirely"


def test_extract_pipeline_words_keep_the_attributes_kg_reads(nlp):
    """build_nlp computes only LOWER and IS_PUNCT for new words: they equal those of a full blank pipeline."""
    import spacy

    from kg.extract.tokenizer import customize_tokenizer

    full = spacy.blank("en")
    customize_tokenizer(full)
    text = "Ünïcode WORDS, 3.5%; GPT-4o's «quotes» (e.g. x) — dash… ŁŻ? 1,000 km/h ¿Qué? don't"
    ours, theirs = nlp.make_doc(text), full.make_doc(text)
    assert [(t.text, t.lower_, t.is_punct) for t in ours] == [(t.text, t.lower_, t.is_punct) for t in theirs]
    assert (ours.vocab["Zyxwvut42"].shape_, full.vocab["Zyxwvut42"].shape_) == ("", "Xxxxxdd")  # not computed
