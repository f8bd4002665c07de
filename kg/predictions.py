"""DocResult <-> the scorer's JSONL record (shared/ANNOTATION.md, "What a system hands the scorer")."""
from __future__ import annotations

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
