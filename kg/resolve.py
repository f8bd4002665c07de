"""Entities and relations: fold mentions into entities within a document, then link across documents."""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from .normalize import name_key, slugify, split_size_suffix
from .types import (
    ENTITY_TYPES, Corpus, DocExtraction, DocResult, Entity, EntityType, Evidence, MergeRecord, Mention,
    Relation, signature_allows,
)

#: How much one mention's label counts when typing a group, by what found it.
SOURCE_WEIGHT = {"lexicon": 3.0, "abbreviation": 1.0, "context": 2.0, "shape": 1.0}


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        self.parent.setdefault(item, item)
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def entity_id(entity_type: str, name: str) -> str:
    """Stable id of an entity from its type and name.

    >>> entity_id("Model", "LLaMA 65B")
    'model/llama-65b'
    """
    return f"{entity_type.lower()}/{slugify(name)}"


def resolve_document(extraction: DocExtraction) -> DocResult:
    """Fold a document's mentions into entities (spelling variants, abbreviations, lexicon ids)
    and map its relation mentions onto them, dropping relations whose types do not fit."""
    doc = extraction.document
    groups = _UnionFind()
    reasons: dict[str, str] = {}
    for mention in extraction.mentions:
        key = name_key(mention.text)
        groups.find(key)
        if mention.key and name_key(mention.key) != key:
            groups.union(key, name_key(mention.key))
            reasons[key] = "lexicon entry"
    mention_keys = {name_key(m.text) for m in extraction.mentions}
    long_forms: set[str] = set()
    for abbreviation in extraction.abbreviations:
        short, long = name_key(abbreviation.short), name_key(abbreviation.long)
        if short in mention_keys or long in mention_keys:
            groups.union(short, long)
            reasons.setdefault(short, "abbreviation defined in the text")
            long_forms.add(long)
    members: dict[str, list[Mention]] = defaultdict(list)
    surfaces: dict[str, list[str]] = defaultdict(list)
    for mention in extraction.mentions:
        members[groups.find(name_key(mention.text))].append(mention)
    for abbreviation in extraction.abbreviations:
        for text in (abbreviation.long, abbreviation.short):
            root = groups.find(name_key(text))
            if root in members:
                surfaces[root].append(text)

    entities: list[Entity] = []
    by_key: dict[str, Entity] = {}
    merges: list[MergeRecord] = []
    for root in sorted(members):
        mentions = members[root]
        entity_type = _group_type(mentions)
        names = [m.text for m in mentions] + surfaces[root]
        name = _canonical_name(mentions, names, long_forms)
        entity = Entity(
            id=entity_id(entity_type, name), name=name, type=entity_type,
            aliases=tuple(sorted(set(names) - {name})),
            introduced=any(m.introduced for m in mentions),
            variant_of=_family_id(entity_type, name))
        entities.append(entity)
        for text in sorted(set(names)):
            key = name_key(text)
            by_key[key] = entity
            reason = ("canonical name" if text == name else reasons.get(key)
                      or ("abbreviation defined in the text" if key in long_forms
                          else "same name up to case, spacing and punctuation"))
            merges.append(MergeRecord(surface=text, entity_id=entity.id, reason=reason, doc_id=doc.id))

    relations: list[Relation] = []
    for rel in extraction.relations:
        head, tail = by_key.get(name_key(rel.head.text)), by_key.get(name_key(rel.tail.text))
        if head is None or tail is None or head.id == tail.id:
            continue
        if not signature_allows(rel.type, head.type, tail.type):
            continue
        sentence_start = min(rel.head.sent_start, rel.tail.sent_start)
        sentence_end = max(rel.head.sent_end, rel.tail.sent_end)
        relations.append(Relation(head=head.id, type=rel.type, tail=tail.id, evidence=Evidence(
            doc_id=doc.id, sentence=doc.text[sentence_start:sentence_end], start=sentence_start,
            end=sentence_end, cue=rel.cue, confidence=rel.confidence)))
    return DocResult(document=doc, entities=tuple(entities), relations=_unique_relations(relations),
                     merges=tuple(merges))


def _group_type(mentions: list[Mention]) -> EntityType:
    votes: Counter[str] = Counter()
    for mention in mentions:
        votes[mention.label] += SOURCE_WEIGHT.get(mention.source, 1.0)
    # Ties go to the order of ENTITY_TYPES, so the choice never depends on set order.
    return max(ENTITY_TYPES, key=lambda t: (votes[t], -ENTITY_TYPES.index(t)))


def _canonical_name(mentions: list[Mention], names: list[str], long_forms: set[str]) -> str:
    """The lexicon's name if any, else a defined long form, else the most frequent spelling."""
    lexicon_names = sorted({m.key for m in mentions if m.key})
    if lexicon_names:
        return lexicon_names[0]
    counts = Counter(names)
    return max(sorted(counts), key=lambda n: (name_key(n) in long_forms, counts[n], len(n)))


def _family_id(entity_type: str, name: str) -> str | None:
    if entity_type != "Model":
        return None
    split = split_size_suffix(name)
    return entity_id("Model", split[0]) if split else None


def _linked_family(name: str, canonical: dict[tuple[str, str], str]) -> str | None:
    """Id of the family of a size variant, using the family's linked name when it is mentioned."""
    split = split_size_suffix(name)
    if split is None:
        return None
    family = canonical.get(("Model", name_key(split[0])), split[0])
    return entity_id("Model", family)


def _unique_relations(relations: list[Relation]) -> tuple[Relation, ...]:
    """One relation per (head, type, tail) in a document, keeping the most confident evidence."""
    best: dict[tuple[str, str, str], Relation] = {}
    for relation in relations:
        key = (relation.head, relation.type, relation.tail)
        if key not in best or relation.evidence.confidence > best[key].evidence.confidence:
            best[key] = relation
    return tuple(best[k] for k in sorted(best))


def link_corpus(results: Iterable[DocResult], *, inputs: Iterable[str] = (), duplicates_merged: int = 0
                ) -> Corpus:
    """Give entities of the same type and name the same id across documents.

    The canonical name of a linked entity is its most frequent name across papers (ties: sorted
    first), so the id does not depend on document order.
    """
    results = list(results)
    names_by_key: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for result in results:
        for entity in result.entities:
            names_by_key[(entity.type, name_key(entity.name))][entity.name] += 1
    canonical = {k: max(sorted(c), key=lambda n: c[n]) for k, c in names_by_key.items()}
    linked: list[DocResult] = []
    merges: list[MergeRecord] = []
    for result in results:
        remap: dict[str, str] = {}
        entities = []
        for entity in result.entities:
            name = canonical[(entity.type, name_key(entity.name))]
            new_id = entity_id(entity.type, name)
            remap[entity.id] = new_id
            entities.append(Entity(id=new_id, name=name, type=entity.type,
                                   aliases=tuple(sorted((set(entity.aliases) | {entity.name}) - {name})),
                                   introduced=entity.introduced,
                                   variant_of=_linked_family(name, canonical) if entity.variant_of else None))
        relations = tuple(Relation(head=remap[r.head], type=r.type, tail=remap[r.tail], evidence=r.evidence)
                          for r in result.relations)
        merges.extend(MergeRecord(m.surface, remap.get(m.entity_id, m.entity_id), m.reason, m.doc_id)
                      for m in result.merges)
        linked.append(DocResult(document=result.document, entities=tuple(entities), relations=relations,
                                merges=result.merges))
    return Corpus(results=tuple(linked), merge_log=tuple(merges), inputs=tuple(inputs),
                  duplicates_merged=duplicates_merged)
