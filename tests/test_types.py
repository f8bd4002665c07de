"""The plain data of kg/types.py crosses process boundaries pickled: it must come back equal; and its
constructors (stored through the slots) behave as the dataclass ones."""
import copy
import dataclasses
import inspect
import pickle

import pytest

from kg.types import (
    Abbreviation, Corpus, DocExtraction, DocResult, Document, Entity, Evidence, MergeRecord, Mention,
    Relation, RelationMention,
)

DOCUMENT = Document(id="d1", text="InvestLM is based on LLaMA-65B.", title="InvestLM", sources=("a.jsonl:1",))
MENTION = Mention("d1", 0, 8, "InvestLM", "Model", 0, 31, key="investlm", source="shape", introduced=True)
TAIL = Mention("d1", 21, 30, "LLaMA-65B", "Model", 0, 31)
EVIDENCE = Evidence("d1", DOCUMENT.text, 0, 31, cue="based on", confidence=0.8)
ENTITY = Entity("model/investlm", "InvestLM", "Model", aliases=("Invest LM",), introduced=True,
                variant_of=None, implied=False)
RESULT = DocResult(document=DOCUMENT, entities=(ENTITY,),
                   relations=(Relation("model/investlm", "based_on", "model/llama-65b", EVIDENCE),),
                   merges=(MergeRecord("Invest LM", "model/investlm", "spelling", "d1"),))
VALUES = [
    DOCUMENT, MENTION, Abbreviation("PI", "Position Interpolation", 3, 5),
    RelationMention(MENTION, "based_on", TAIL, cue="based on", confidence=0.8),
    DocExtraction(DOCUMENT, (MENTION, TAIL), (), ()), EVIDENCE, ENTITY, RESULT,
    Corpus(results=(RESULT,), inputs=("a.jsonl",), duplicates_merged=2, extra={"k": 1}),
]


@pytest.mark.parametrize("value", VALUES, ids=lambda v: type(v).__name__)
def test_pickle_and_copy_give_equal_values(value):
    for protocol in (2, pickle.HIGHEST_PROTOCOL):
        back = pickle.loads(pickle.dumps(value, protocol=protocol))
        assert back == value and type(back) is type(value)
    assert copy.copy(value) == value and copy.deepcopy(value) == value


def test_unpickled_values_stay_frozen():
    back = pickle.loads(pickle.dumps(ENTITY))
    with pytest.raises(AttributeError):
        back.name = "other"  # dataclasses.FrozenInstanceError is an AttributeError


@pytest.mark.parametrize("value", VALUES[:-1], ids=lambda v: type(v).__name__)
def test_constructors_store_every_field_as_the_dataclass_one_does(value):
    """Positional or keyword, with or without defaults: the same values, equal objects, still frozen."""
    cls, names = type(value), [f.name for f in dataclasses.fields(value)]
    values = [getattr(value, name) for name in names]
    assert cls(*values) == cls(**dict(zip(names, values))) == value
    required = [f.name for f in dataclasses.fields(cls) if f.default is dataclasses.MISSING]
    defaulted = cls(*values[:len(required)])
    for f in dataclasses.fields(cls)[len(required):]:
        assert getattr(defaulted, f.name) == f.default
    assert list(inspect.signature(cls).parameters) == names
    with pytest.raises(TypeError):
        cls(*values, "one too many")
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(cls(*values), names[0], "other")
