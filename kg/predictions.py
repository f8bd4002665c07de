"""DocResult <-> the scorer's JSONL record (shared/ANNOTATION.md, "What a system hands the scorer")."""
from __future__ import annotations

import json
import math
from json.encoder import encode_basestring

from .types import DocResult


def to_record(result: DocResult, *, doc_id: str | None = None) -> dict:
    """The prediction record of one document; `doc_id` overrides the id (repeated abstracts).

    Entities the text does not name (`Entity.implied` families) are left out: predictions are
    the names the abstract names.
    """
    names = {entity.id: entity.name for entity in result.entities}
    return {
        "id": doc_id if doc_id is not None else result.document.id,
        "entities": [
            {"name": e.name, "type": e.type, "aliases": list(e.aliases), "introduced": e.introduced}
            for e in result.entities if not e.implied],
        "relations": [
            {"head": names[r.head], "type": r.type, "tail": names[r.tail],
             "evidence": r.evidence.sentence, "confidence": r.evidence.confidence}
            for r in result.relations],
    }


def record_line(result: DocResult) -> str:
    """The JSON line of `to_record(result)`: exactly ``json.dumps(to_record(result),
    ensure_ascii=False) + "\\n"``.

    Written out directly, with json's own string escaping, because `kg extract` makes one per
    abstract: the dicts and the general encoder took 31 us per synthetic abstract, this 16 us.

    >>> from kg.types import Document, Entity
    >>> record_line(DocResult(Document("d1", "Text."), (Entity("model/bert", "BERT", "Model"),)))
    '{"id": "d1", "entities": [{"name": "BERT", "type": "Model", "aliases": [], "introduced": false}], "relations": []}\\n'
    """
    names = {entity.id: entity.name for entity in result.entities}
    entities = ", ".join([
        f'{{"name": {encode_basestring(e.name)}, "type": {encode_basestring(e.type)}, '
        f'"aliases": [{", ".join(map(encode_basestring, e.aliases)) if e.aliases else ""}], '
        f'"introduced": {_json_value(e.introduced)}}}'
        for e in result.entities if not e.implied])
    relations = ", ".join([
        f'{{"head": {encode_basestring(names[r.head])}, "type": {encode_basestring(r.type)}, '
        f'"tail": {encode_basestring(names[r.tail])}, "evidence": {encode_basestring(r.evidence.sentence)}, '
        f'"confidence": {_json_value(r.evidence.confidence)}}}'
        for r in result.relations])
    return f'{{"id": {encode_basestring(result.document.id)}, "entities": [{entities}], "relations": [{relations}]}}\n'


def _json_value(value: object) -> str:
    """A bool or number as json.dumps writes it (a finite float is its repr)."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if type(value) is float and math.isfinite(value):
        return float.__repr__(value)
    return json.dumps(value)
