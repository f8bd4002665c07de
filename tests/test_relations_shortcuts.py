"""The speed shortcuts of kg_relations change no output: the trigger prefilter's hand-kept lists hold
for every cue match, and the sentences `_silent` skips yield the same relations when run."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.extract import build_nlp
from kg.extract import relations as rel

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def docs():
    texts = [json.loads(line)["text"] for name in ("relations_heldout.jsonl", "relations_heldout2.jsonl",
                                                   "heldout_abstracts.jsonl", "heldout2_abstracts.jsonl")
             for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    return list(build_nlp().pipe(texts))


def relations(docs) -> list:
    return [[(h.start_char, h.end_char, r, t.start_char, t.end_char, cue, conf)
             for h, r, t, cue, conf in rel.find_relations(doc)] for doc in docs]


def sentences(doc) -> list:
    arrays = rel.token_arrays(doc)
    by_sentence: dict[int, list] = {}
    for ent in doc.ents:
        by_sentence.setdefault(arrays.sent_start[ent.start], []).append(ent)
    return [rel._sentence(arrays, start, arrays.sent_end[start], by_sentence.get(start, []))
            for start in rel._sentence_starts(arrays)]


def test_every_cue_match_holds_one_of_its_triggers(docs):
    """The claim _CUE_TRIGGERS rests on, checked on every sentence with every cue run (none skipped)."""
    checked = 0
    for doc in docs:
        for sentence in sentences(doc):
            for cue, triggers in zip(rel.CUES, rel._CUE_TRIGGERS):
                for match in cue.pattern.finditer(sentence.text):
                    if triggers is not None and match.end() > match.start():
                        assert any(t in match.group() for t in triggers), (cue.pattern.pattern, match.group())
                        checked += 1
    assert checked > 100


def test_word_lookup_of_triggers_is_substring_lookup(docs):
    """_mark_active_cues looks triggers up word by word; the cues it marks are those with a trigger
    anywhere in the sentence text."""
    for doc in docs:
        found = sentences(doc)
        rel._mark_active_cues(found)
        for sentence in found:
            expected = {i for i, triggers in enumerate(rel._CUE_TRIGGERS)
                        if triggers is None or any(t in sentence.text for t in triggers)}
            assert sentence.active_cues == expected, sentence.text


def test_skipped_sentences_yield_nothing(docs, monkeypatch):
    """With the skipping off every sentence runs in full: the same relations, and some were skipped."""
    skipped = []
    silent = rel._silent

    def counting(sentence, discourse):
        answer = silent(sentence, discourse)
        skipped.extend([answer] if answer else [])
        return answer

    monkeypatch.setattr(rel, "_silent", counting)
    fast = relations(docs)
    assert "self only" in skipped
    monkeypatch.setattr(rel, "_SKIP_SENTENCES", False)
    assert relations(docs) == fast
    assert sum(map(len, fast)) > 100


def test_sentence_with_one_entity_and_a_pronoun_runs():
    """"It outperforms X": one entity in the sentence, the other from the discourse."""
    import spacy
    from kg.extract.tokenizer import customize_tokenizer

    nlp = spacy.blank("en")
    customize_tokenizer(nlp)
    nlp.add_pipe("sentencizer")
    doc = nlp("We present AlphaNet. It outperforms BetaNet on many tasks.")
    doc.ents = [doc.char_span(11, 19, label="Model"), doc.char_span(36, 43, label="Model")]
    assert [(h.text, r, t.text) for h, r, t, _, _ in rel.find_relations(doc)] == [
        ("AlphaNet", "outperforms", "BetaNet")]


def test_spaced_patterns_match_like_the_originals(docs):
    """On plain sentence texts (single spaces only), each spaced pattern over " " + text finds the
    original pattern's matches, one character longer at the front."""
    checked = 0
    for doc in docs:
        for sentence in sentences(doc):
            if not sentence.plain:
                continue
            text = sentence.text
            pairs = [(cue.pattern, cue.spaced) for cue in rel.CUES] + [(rel._BOUNDARY, rel._BOUNDARY_SPACED)]
            pairs += list(rel._INTRO_SPACED.items())
            for pattern, spaced in pairs:
                expected = [match.span() for match in pattern.finditer(text)]
                assert [(match.start(), match.end() - 1) for match in spaced.finditer(" " + text)] == expected
                checked += len(expected)
    assert checked > 100


def test_quiet_sentences_are_silent_and_introduce_nothing(docs):
    """find_relations leaves _quiet sentences unbuilt: built, _silent says "self only" (when they hold a Model
    or Method) or "no relation", and _introduced finds nothing in them. (The discourse here introduces
    nothing, so every entity is _echoed.)"""
    quiet = {"self only": 0, "no relation": 0, "echoes": 0}
    for doc in docs:
        arrays = rel.token_arrays(doc)
        discourse = rel._Discourse(introduced=[])
        for sentence in sentences(doc):
            level = sentence.ents and rel._quiet(arrays, sentence.start, sentence.end, sentence.ents)
            if not level:
                continue
            heads = any(ent.label_ in {"Model", "Method"} for ent in sentence.ents)
            answer = rel._silent(sentence, discourse)
            assert answer == ("self only" if heads else "no relation"), sentence.text
            assert rel._introduced([sentence]) == [], sentence.text
            quiet[answer] += 1
            quiet["echoes"] += level == "echoes"
    assert quiet["self only"] > 3 and quiet["no relation"] > 3 and quiet["echoes"] > 0, quiet


def test_prefilter_words_hold_for_every_match(docs):
    """_introduced skips plain sentences without one of _INTRO_WORDS as a unit (or a leading placeholder),
    _fronted those not starting with one of _FRONTED_STARTS: every match of their patterns holds them."""
    intro = fronted = 0
    for doc in docs:
        for sentence in sentences(doc):
            text = sentence.text
            assert not sentence.plain or text.split(" ") == sentence.units
            for pattern in rel._INTRO_PATTERNS:
                for match in pattern.finditer(text):
                    assert text.startswith("<") or not rel._INTRO_WORDS.isdisjoint(text.split()), match.group()
                    intro += 1
            for pattern in (rel._FRONTED_COMPARISON, rel._FRONTED_TRAINING, rel._FRONTED_BASE):
                if pattern.match(text):
                    assert text.startswith(rel._FRONTED_STARTS), text
                    fronted += 1
    assert intro > 10 and fronted > 3


def test_glued_tokens_are_those_starting_with_a_hyphen_after_a_token(docs):
    """_glued finds them from the text's hyphens: the same as looking at every token."""
    found = 0
    for doc in docs:
        arrays = rel.token_arrays(doc)
        words, idx = arrays.words, arrays.idx
        expected = [i for i, w in enumerate(words) if w[0] == "-" and i and idx[i - 1] + len(words[i - 1]) == idx[i]]
        assert rel._glued(arrays) == expected
        for start in rel._sentence_starts(arrays):  # a sentence's own: the doc's within it
            end = arrays.sent_end[start]
            assert rel._glued(arrays, start, end) == [i for i in expected if start <= i < end]
        found += len(expected)
    assert found > 0


def test_plain_is_false_for_other_whitespace():
    """Texts with a newline or a double space are not plain: their patterns run unspaced."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("kg_sentences")
    for text, plain in (("Alpha beats Beta .", True), ("Alpha beats\nBeta .", False), ("Alpha  beats Beta .", False)):
        doc = nlp(text)
        sentence = rel._sentence(rel.token_arrays(doc), 0, len(doc), [])
        assert sentence.plain is plain, text
