"""Resolution within and across papers, from hand-made Mentions (no spaCy)."""
from __future__ import annotations

import re

import pytest

from kg.resolve import (
    ABBREVIATION, ALSO_KNOWN_AS, CANONICAL, CROSS_PAPER, CROSS_PAPER_ALIAS, GENERIC_HEAD, IMPLIED_FAMILY, LEXICON,
    SHORT_FORM, SIZE_RANGE, SIZE_RANGE_FAMILY, SPELLING, link_corpus, resolve_document,
)
from kg.types import Abbreviation, DocExtraction, Document, Mention, RelationMention


def _sentence(text: str, start: int) -> tuple[int, int]:
    bounds = [0] + [m.end() for m in re.finditer(r"\.\s+", text)] + [len(text)]
    for begin, end in zip(bounds, bounds[1:]):
        if begin <= start < end:
            return begin, end
    return 0, len(text)


def mentions_of(text: str, doc_id: str, *specs: tuple) -> tuple[Mention, ...]:
    """Mentions of every occurrence of each (surface, label[, lexicon key]) in text, longest first,
    never overlapping (as an extractor's spans)."""
    out = []
    taken: set[int] = set()
    for surface, label, *key in sorted(specs, key=lambda s: -len(s[0])):
        for match in re.finditer(re.escape(surface), text):
            if taken & set(range(match.start(), match.end())):
                continue
            taken |= set(range(match.start(), match.end()))
            sent_start, sent_end = _sentence(text, match.start())
            out.append(Mention(doc_id, match.start(), match.end(), surface, label, sent_start, sent_end,
                               key=key[0] if key else None, source="lexicon" if key else "shape"))
    return tuple(sorted(out, key=lambda m: m.start))


def extraction(doc_id: str, text: str, *specs: tuple, abbreviations=(), relations=()) -> DocExtraction:
    mentions = mentions_of(text, doc_id, *specs)
    first = {m.text: m for m in reversed(mentions)}
    rels = tuple(RelationMention(first[h], t, first[tl], cue="cue", confidence=0.7) for h, t, tl in relations)
    return DocExtraction(Document(doc_id, text), mentions, rels, tuple(abbreviations))


def by_name(result):
    return {e.name: e for e in result.entities}


def test_resolve_spelling_variants_are_one_entity():
    result = resolve_document(extraction(
        "d", "LLaMA-65B is strong. LLaMA 65B is open. We tune LLaMa-65B.",
        ("LLaMA-65B", "Model"), ("LLaMA 65B", "Model"), ("LLaMa-65B", "Model")))
    named = [e for e in result.entities if not e.implied]
    assert len(named) == 1
    assert named[0].id == "model/llama-65b"
    assert set(named[0].aliases) | {named[0].name} == {"LLaMA-65B", "LLaMA 65B", "LLaMa-65B"}


def test_resolve_size_variants_stay_apart_and_link_to_family():
    result = resolve_document(extraction(
        "d", "LLaMA-7B beats LLaMA-65B. LLaMA is a family. Llama 2 is newer.",
        ("LLaMA-7B", "Model"), ("LLaMA-65B", "Model"), ("LLaMA", "Model"), ("Llama 2", "Model")))
    entities = by_name(result)
    assert set(entities) == {"LLaMA-7B", "LLaMA-65B", "LLaMA", "Llama 2"}
    assert entities["LLaMA-7B"].variant_of == entities["LLaMA"].id == "model/llama"
    assert entities["LLaMA-65B"].variant_of == "model/llama"
    assert entities["Llama 2"].variant_of is None
    assert not any(e.implied for e in result.entities)


def test_resolve_lexicon_key_never_folds_a_size_into_its_family():
    # An over-eager lexicon match that gives a size variant its family's key.
    result = resolve_document(extraction("d", "We use LLaMA-65B and LLaMA.", ("LLaMA-65B", "Model", "LLaMA"),
                                         ("LLaMA", "Model", "LLaMA")))
    assert {e.name for e in result.entities} == {"LLaMA-65B", "LLaMA"}


def test_resolve_implied_family_is_flagged_and_logged():
    result = resolve_document(extraction("d", "Dromedary is tuned on LLaMA-65B.", ("Dromedary", "Model"),
                                         ("LLaMA-65B", "Model")))
    entities = by_name(result)
    assert entities["LLaMA"].implied
    assert entities["LLaMA-65B"].variant_of == "model/llama"
    assert not entities["LLaMA-65B"].implied and not entities["Dromedary"].implied
    assert ("LLaMA", "model/llama", IMPLIED_FAMILY) in {(m.surface, m.entity_id, m.reason) for m in result.merges}


def test_resolve_family_found_through_spelling_variant():
    result = resolve_document(extraction("d", "Llama 2 is open. LLaMA2-70B is its largest size.",
                                         ("Llama 2", "Model"), ("LLaMA2-70B", "Model")))
    entities = by_name(result)
    assert entities["LLaMA2-70B"].variant_of == entities["Llama 2"].id
    assert not any(e.implied for e in result.entities)


def test_resolve_abbreviation_and_long_form_are_one_entity():
    text = "We present Position Interpolation (PI). PI extends the context window."
    result = resolve_document(extraction(
        "d", text, ("Position Interpolation", "Method"), ("PI", "Method"),
        abbreviations=[Abbreviation("PI", "Position Interpolation", 11, 38)]))
    assert len(result.entities) == 1
    entity = result.entities[0]
    assert (entity.name, entity.aliases, entity.type) == ("Position Interpolation", ("PI",), "Method")
    assert ("PI", ABBREVIATION) in {(m.surface, m.reason) for m in result.merges}


def test_resolve_abbreviation_of_a_model_is_named_by_its_short_form():
    text = "This work presents a Fully BInarized Large Language Model (FBI-LLM). FBI-LLM is small."
    result = resolve_document(extraction(
        "d", text, ("FBI-LLM", "Model"),
        abbreviations=[Abbreviation("FBI-LLM", "Fully BInarized Large Language Model")]))
    assert [(e.name, e.aliases) for e in result.entities] == [("FBI-LLM", ("Fully BInarized Large Language Model",))]


def test_resolve_abbreviation_without_a_mention_adds_nothing():
    result = resolve_document(extraction("d", "Large language models (LLMs) are big.",
                                         abbreviations=[Abbreviation("LLMs", "Large language models")]))
    assert result.entities == ()


def test_resolve_short_form_after_full_name():
    text = "We release K2 DIAMOND, a 65B model. K2 surpasses LLaMA-65B."
    result = resolve_document(extraction("d", text, ("K2 DIAMOND", "Model"), ("K2", "Model"),
                                         ("LLaMA-65B", "Model")))
    entities = by_name(result)
    assert "K2" not in entities
    assert entities["K2 DIAMOND"].aliases == ("K2",)
    assert ("K2", SHORT_FORM) in {(m.surface, m.reason) for m in result.merges}


@pytest.mark.parametrize("text, long, short", [
    ("We study Llama 2 and compare it with Llama.", "Llama 2", "Llama"),  # a version
    ("We study LLaMA 65B and compare it with LLaMA.", "LLaMA 65B", "LLaMA"),  # a size
    ("We study BERT Large and compare it with BERT.", "BERT Large", "BERT"),  # a variant word
    ("We study GPT-J and compare it with GPT.", "GPT-J", "GPT"),  # hyphenated: a different model
    ("We built K2. Then came K2 DIAMOND, and K2 again.", "K2 DIAMOND", "K2"),  # short form first
])
def test_resolve_look_alike_short_forms_stay_apart(text, long, short):
    result = resolve_document(extraction("d", text, (long, "Model"), (short, "Model")))
    assert {long, short} <= set(by_name(result))


def test_resolve_short_form_is_ambiguous_between_two_long_names():
    text = "We release K2 DIAMOND and K2 RUBY. K2 is open."
    result = resolve_document(extraction("d", text, ("K2 DIAMOND", "Model"), ("K2 RUBY", "Model"), ("K2", "Model")))
    assert set(by_name(result)) == {"K2 DIAMOND", "K2 RUBY", "K2"}


def test_resolve_also_known_as():
    text = "We introduce Tele-FLM (aka FLM-2), a 52B model."
    result = resolve_document(extraction("d", text, ("Tele-FLM", "Model"), ("FLM-2", "Model")))
    assert [(e.name, e.aliases) for e in result.entities] == [("Tele-FLM", ("FLM-2",))]
    assert ("FLM-2", ALSO_KNOWN_AS) in {(m.surface, m.reason) for m in result.merges}


def test_resolve_generic_head_noun_and_based():
    text = "We build the MuSE dataset. Experiments on a Llama-2-based model zoo use MuSE."
    result = resolve_document(extraction("d", text, ("MuSE dataset", "Dataset"), ("MuSE", "Dataset"),
                                         ("Llama-2-based", "Model")))
    entities = by_name(result)
    assert set(entities) == {"MuSE", "Llama-2"}
    assert entities["MuSE"].aliases == ("MuSE dataset",)
    assert ("Llama-2-based", GENERIC_HEAD) in {(m.surface, m.reason) for m in result.merges}


def test_resolve_lexicon_name_is_canonical():
    result = resolve_document(extraction("d", "LLaMA2 is open.", ("LLaMA2", "Model", "Llama 2")))
    assert [(e.id, e.name, e.aliases) for e in result.entities] == [("model/llama-2", "Llama 2", ("LLaMA2",))]
    assert {(m.surface, m.reason) for m in result.merges} == {("LLaMA2", SPELLING), ("Llama 2", CANONICAL)}
    text = "It is tuned with reinforcement learning from human feedback."
    result = resolve_document(extraction("d", text, ("reinforcement learning from human feedback", "Method", "RLHF")))
    assert [(e.id, e.name) for e in result.entities] == [("method/rlhf", "RLHF")]
    assert ("reinforcement learning from human feedback", LEXICON) in {(m.surface, m.reason) for m in result.merges}


def test_resolve_trailing_punctuation_is_not_part_of_the_name():
    result = resolve_document(extraction("d", "It rivals DeepSeek-67B.", ("DeepSeek-67B.", "Model")))
    assert "DeepSeek-67B" in by_name(result)


@pytest.mark.parametrize("text, specs, expected", [
    ("Results hold from LLaMA 7B to 65B.", [("LLaMA", "Model")], {"LLaMA-7B", "LLaMA-65B"}),
    ("We fine-tune Llama 2 (7B/13B/70B) models.", [("Llama 2", "Model")],
     {"Llama 2-7B", "Llama 2-13B", "Llama 2-70B"}),
    ("We scale LLaVA up to 33B and 65B/70B.", [("LLaVA", "Model")], {"LLaVA-33B", "LLaVA-65B", "LLaVA-70B"}),
    ("We use open models (LLaMA 7B-65B) here.", [("LLaMA 7B-65B", "Model")], {"LLaMA-7B", "LLaMA-65B"}),
    ("Llama 2 is open. LLaMA2-70B is its largest size.", [("Llama 2", "Model"), ("LLaMA2-70B", "Model")],
     {"LLaMA2-70B"}),
    ("We test LLaMA 7B to 65B.", [("LLaMA 7B", "Model")], {"LLaMA 7B", "LLaMA-65B"}),
    ("Attention of LLMs (LLaMA, Alpaca and Vicuna) in different sizes (7B, 13B).",
     [("LLaMA", "Model"), ("Alpaca", "Model"), ("Vicuna", "Model")],
     {"LLaMA-7B", "LLaMA-13B", "Alpaca-7B", "Alpaca-13B", "Vicuna-7B", "Vicuna-13B"}),
])
def test_resolve_size_ranges_expand_into_variants(text, specs, expected):
    result = resolve_document(extraction("d", text, *specs))
    variants = {e.name for e in result.entities if e.variant_of}
    assert variants == expected
    ids = {e.id for e in result.entities}
    assert all(e.variant_of in ids for e in result.entities if e.variant_of)
    logged = {m.entity_id for m in result.merges if m.reason == SIZE_RANGE}
    assert logged == {e.id for e in result.entities if e.name in expected and e.name not in {s for s, *_ in specs}}


@pytest.mark.parametrize("text, specs", [
    ("Results hold from LLaMA 7B to 65B.", [("LLaMA", "Model")]),
    ("Position Interpolation (PI) extends LLaMA-65B. MuSE dataset and MuSE.",
     [("Position Interpolation", "Method"), ("PI", "Method"), ("LLaMA-65B", "Model"), ("MuSE dataset", "Dataset"),
      ("MuSE", "Dataset")]),
])
def test_resolve_without_merge_log_differs_only_in_merges(text, specs):
    abbreviations = [Abbreviation("PI", "Position Interpolation")]
    full = resolve_document(extraction("d", text, *specs, abbreviations=abbreviations))
    bare = resolve_document(extraction("d", text, *specs, abbreviations=abbreviations), merge_log=False)
    assert full.merges and bare.merges == ()
    assert (bare.document, bare.entities, bare.relations) == (full.document, full.entities, full.relations)


@pytest.mark.parametrize("text, specs", [
    ("Across T5, T0, and LLaMA-based models with 200M - 65B parameters.",
     [("T5", "Model"), ("T0", "Model"), ("LLaMA-based", "Model")]),
    ("LLaMA is trained on 1T and 1.4T tokens.", [("LLaMA", "Model")]),
    ("GPT-J, LLaMA, T5, and OPT, up to the size of 66B.", [("GPT-J", "Model"), ("LLaMA", "Model"), ("OPT", "Model")]),
    ("LLaMA is evaluated on RedPajama with 7B and 13B.", [("LLaMA", "Model"), ("RedPajama", "Dataset")]),
    ("We apply Mamba, a family of models that ends with 780M and 1.3B variants.", [("Mamba", "Method")]),
])
def test_resolve_size_look_alikes_do_not_expand(text, specs):
    result = resolve_document(extraction("d", text, *specs))
    assert not [e.name for e in result.entities if e.variant_of]


def test_resolve_relations_map_onto_entities_and_drop_bad_types():
    text = "Dromedary is tuned on LLaMA-65B. Dromedary is trained on LLaMA-65B."
    result = resolve_document(extraction(
        "d", text, ("Dromedary", "Model"), ("LLaMA-65B", "Model"),
        relations=[("Dromedary", "based_on", "LLaMA-65B"), ("Dromedary", "trained_on", "LLaMA-65B")]))
    assert [(r.head, r.type, r.tail) for r in result.relations] == [
        ("model/dromedary", "based_on", "model/llama-65b")]
    assert result.relations[0].evidence.sentence == "Dromedary is tuned on LLaMA-65B. "


def test_resolve_relation_through_an_alias():
    text = "Position Interpolation (PI) extends LLaMA. We apply PI to LLaMA."
    result = resolve_document(extraction(
        "d", text, ("Position Interpolation", "Method"), ("PI", "Method"), ("LLaMA", "Model"),
        abbreviations=[Abbreviation("PI", "Position Interpolation")], relations=[("PI", "applied_to", "LLaMA")]))
    assert [(r.head, r.type, r.tail) for r in result.relations] == [
        ("method/position-interpolation", "applied_to", "model/llama")]


# --- across papers -------------------------------------------------------------------------------


def _corpus_docs():
    a = extraction("a", "InvestLM is tuned on LLaMA-65B.", ("InvestLM", "Model"), ("LLaMA-65B", "Model"),
                   relations=[("InvestLM", "based_on", "LLaMA-65B")])
    b = extraction("b", "We tune LLaMA 65b. LLaMA is a family.", ("LLaMA 65b", "Model"), ("LLaMA", "Model"))
    c = extraction("c", "We present Position Interpolation (PI).", ("Position Interpolation", "Method"),
                   ("PI", "Method"), abbreviations=[Abbreviation("PI", "Position Interpolation")])
    d = extraction("d", "PI makes LLaMA-65B read more.", ("PI", "Method"), ("LLaMA-65B", "Model"),
                   relations=[("PI", "applied_to", "LLaMA-65B")])
    e = extraction("e", "We use the LLaMA-65B model.", ("LLaMA-65B", "Model"))
    return [resolve_document(x) for x in (a, b, c, d, e)]


def test_link_corpus_same_name_gets_same_id_and_most_frequent_name():
    corpus = link_corpus(_corpus_docs())
    ids = {r.document.id: {e.name: e.id for e in r.entities} for r in corpus.results}
    assert ids["a"]["LLaMA-65B"] == ids["b"]["LLaMA-65B"] == "model/llama-65b"
    assert "LLaMA 65b" not in ids["b"]  # renamed to the corpus name
    assert ("LLaMA 65b", "model/llama-65b", CROSS_PAPER, "b") in {
        (m.surface, m.entity_id, m.reason, m.doc_id) for m in corpus.merge_log}


def test_link_corpus_links_an_unambiguous_alias():
    corpus = link_corpus(_corpus_docs())
    d = {e.name: e for e in corpus.results[3].entities}
    assert d["Position Interpolation"].id == "method/position-interpolation"
    assert "PI" in d["Position Interpolation"].aliases
    assert [(r.head, r.type, r.tail) for r in corpus.results[3].relations] == [
        ("method/position-interpolation", "applied_to", "model/llama-65b")]
    assert ("PI", CROSS_PAPER_ALIAS, "d") in {(m.surface, m.reason, m.doc_id) for m in corpus.merge_log}


def test_link_corpus_ambiguous_acronym_links_nothing():
    docs = [
        extraction("a", "Position Interpolation (PI).", ("Position Interpolation", "Method"), ("PI", "Method"),
                   abbreviations=[Abbreviation("PI", "Position Interpolation")]),
        extraction("b", "Policy Iteration (PI).", ("Policy Iteration", "Method"), ("PI", "Method"),
                   abbreviations=[Abbreviation("PI", "Policy Iteration")]),
        extraction("c", "PI is used.", ("PI", "Method")),
    ]
    corpus = link_corpus(resolve_document(x) for x in docs)
    assert [e.id for e in corpus.results[2].entities] == ["method/pi"]
    assert corpus.results[0].entities[0].id != corpus.results[1].entities[0].id


def test_link_corpus_merge_log_is_remapped_and_complete():
    corpus = link_corpus(_corpus_docs())
    final_ids = {e.id for r in corpus.results for e in r.entities}
    assert {m.entity_id for m in corpus.merge_log} <= final_ids
    assert corpus.merge_log == tuple(m for r in corpus.results for m in r.merges)
    for result in corpus.results:  # every surface form of every entity is logged in its paper
        logged = {(m.surface, m.entity_id) for m in result.merges}
        for entity in result.entities:
            assert (entity.name, entity.id) in logged or any(m.entity_id == entity.id for m in result.merges)


def test_link_corpus_variant_points_to_linked_family_and_implied_families_merge():
    corpus = link_corpus(_corpus_docs())
    for result in corpus.results:
        for entity in result.entities:
            if entity.name == "LLaMA-65B":
                assert entity.variant_of == "model/llama"
    b = {e.name: e for e in corpus.results[1].entities}
    assert not b["LLaMA"].implied  # b names it
    a = {e.name: e for e in corpus.results[0].entities}
    assert a["LLaMA"].implied  # a does not


def test_link_corpus_is_independent_of_document_order():
    docs = _corpus_docs()
    forward = link_corpus(docs)
    backward = link_corpus(list(reversed(docs)))
    assert {r.document.id: r.entities for r in forward.results} == {r.document.id: r.entities for r in backward.results}
    assert {r.document.id: r.relations for r in forward.results} == {
        r.document.id: r.relations for r in backward.results}


def test_link_corpus_type_is_voted_and_one_node_per_name():
    docs = [extraction(x, "Transformer is used.", ("Transformer", label))
            for x, label in (("a", "Method"), ("b", "Method"), ("c", "Model"))]
    corpus = link_corpus(resolve_document(x) for x in docs)
    assert {e.id for r in corpus.results for e in r.entities} == {"method/transformer"}


def test_resolve_merge_reasons_cover_every_surface():
    text = "LLaMA-65B is strong. LLaMA 65B is open."
    result = resolve_document(extraction("d", text, ("LLaMA-65B", "Model"), ("LLaMA 65B", "Model")))
    reasons = {m.surface: m.reason for m in result.merges if m.entity_id == "model/llama-65b"}
    assert reasons == {"LLaMA-65B": CANONICAL, "LLaMA 65B": SPELLING}


def test_link_corpus_graph_has_one_node_per_entity_lineage_and_merge_log():
    from kg.graph import ALIASES, VARIANT_OF, build_graph, entity_nodes

    G = build_graph(link_corpus(_corpus_docs()))
    assert entity_nodes(G).count("model/llama-65b") == 1
    assert "LLaMA 65b" in G.nodes["model/llama-65b"][ALIASES]
    assert G.has_edge("model/llama-65b", "model/llama", VARIANT_OF)
    assert {"surface": "LLaMA 65b", "entity": "model/llama-65b", "reason": CROSS_PAPER, "paper": "paper/b"} in \
        G.graph["merge_log"]


def test_resolve_relation_evidence_is_the_cue_sentence():
    text = "We present Dromedary. On HellaSwag, it beats Alpaca. It is small."
    specs = (("Dromedary", "Model"), ("HellaSwag", "Dataset"), ("Alpaca", "Model"))
    mentions = mentions_of(text, "d", *specs)
    first = {m.text: m for m in reversed(mentions)}
    relation = RelationMention(first["Dromedary"], "outperforms", first["Alpaca"], cue="beats", confidence=0.8)
    result = resolve_document(DocExtraction(Document("d", text), mentions, (relation,)))
    evidence = result.relations[0].evidence
    assert evidence.sentence == "On HellaSwag, it beats Alpaca. "
    assert text[evidence.start:evidence.end] == evidence.sentence
