"""Entities and relations: fold mentions into entities within a document, then link across documents.

Within a document (`resolve_document`), two surface forms become one entity when

- they fold to the same `name_key` (case, hyphen and spacing variants: LLaMA 65B = LLaMA-65B);
- a lexicon entry gives them the same canonical name;
- the text defines one as the abbreviation of the other ("Position Interpolation (PI)"), or
  says one is also known as the other ("Tele-FLM (aka FLM-2)");
- one is the other without a generic head noun or "-based" ("MuSE dataset", "Llama-2-based");
- one is a short form used after the full name ("K2" after "K2 DIAMOND").

Size variants and versions never fold into their family: LLaMA-7B, LLaMA-65B, LLaMA and
Llama 2 are four entities. A size variant points to its family through `Entity.variant_of`; a
family the text does not name is added with `implied=True`, so that the graph can link the
lineage while the predictions (names the abstract names) leave it out. Ranges after a family
name ("LLaMA 7B to 65B", "(LLaMA, Alpaca and Vicuna) in different sizes (7B, 13B)") expand
into variants.

Across documents (`link_corpus`), entities with the same name key, or whose name is an
unambiguous alias of another entity, get one id. Every decision is a `MergeRecord`.
"""
from __future__ import annotations

import bisect
import functools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import replace
from typing import NamedTuple

from .normalize import (
    SIZE_LIST, expand_size_range, name_key, slugify, split_size_range, split_size_suffix, strip_generic_head,
)
from .types import (
    ENTITY_TYPES, Corpus, DocExtraction, DocResult, Document, Entity, EntityType, Evidence, MergeRecord,
    Mention, Relation, RelationMention, signature_allows,
)

#: How much one mention's label counts when typing a group, by what found it.
SOURCE_WEIGHT = {"lexicon": 3.0, "abbreviation": 1.0, "context": 2.0, "shape": 1.0}

# Why a surface form belongs to its entity: the `reason` of a MergeRecord.
CANONICAL = "canonical name"
SPELLING = "same name up to case, hyphens and spacing"
LEXICON = "lexicon entry"
ABBREVIATION = "abbreviation defined in the text"
ALSO_KNOWN_AS = "also known as, in the text"
GENERIC_HEAD = "same name without a generic head noun or '-based'"
SHORT_FORM = "short form used after the full name"
SIZE_RANGE = "size range expanded into a variant"
SIZE_RANGE_FAMILY = "family named with a range of sizes"
IMPLIED_FAMILY = "family of a size variant, not named in the text"
CROSS_PAPER = "cross-paper link: same name up to case, hyphens and spacing"
CROSS_PAPER_ALIAS = "cross-paper link: the name is an alias of this entity in another paper"

#: Words after a name that make a different model, not a longer name of the same one
#: ("BERT large", "Claude Instant"): a short form must not be read into them.
VARIANT_WORDS = frozenset({
    "base", "large", "small", "medium", "mini", "tiny", "xl", "xxl", "huge", "giant", "lite", "light",
    "chat", "instruct", "code", "coder", "turbo", "pro", "plus", "ultra", "max", "nano", "micro",
    "instant", "preview", "vision", "mega", "flash", "next", "dev", "beta", "alpha", "opus", "sonnet", "haiku",
})
#: The cue words that tie a list of sizes to the model names before it ("in different sizes (7B, 13B)").
SIZE_CUES = re.compile(r"\b(?:sizes?|scales?|scaling|scaled|dimensions?|variants?|versions?|up to|from)\b",
                       re.IGNORECASE)
#: Sizes followed by these count something else: "1.2T tokens", "7B and 13B examples".
_NOT_MODEL_SIZES = re.compile(r"\s*(?:tokens?|words?|examples?|samples?|instances?|images?|documents?|steps?|"
                              r"hours?|pairs?|sentences?|characters?|bytes?|dollars?|FLOPs?)\b", re.IGNORECASE)
#: Spaces and a closing parenthesis, matched where a size list ends.
_CLOSING = re.compile(r"\s*\)")
#: What a size list cannot have before it (it would be in another sentence or clause), and what it can
#: have when it follows a name at once.
_SENTENCE_PUNCTUATION = re.compile(r"[.;:!?]")
_OPENING = re.compile(r"[\s(\-]*")
#: Longest gap between a model name and the size list it governs.
MAX_SIZE_GAP = 40
_DIGIT = re.compile(r"\d")  # what SIZE_LIST's \d matches (Unicode digits)
#: The text between two names that says they are one ("Tele-FLM (aka FLM-2)"), matched in place with fullmatch.
_AKA_GAP = re.compile(r"\s*[(,]?\s*(?:aka|a\.k\.a\.?|also known as|also called|formerly)\s*", re.IGNORECASE)
_COORDINATION = re.compile(r"^\s*(?:,\s*and|,\s*or|,|and|or|&)\s*$")
_TRAILING_PUNCTUATION = " \t\n.,;:!?\"'"


class _Groups:
    """Groups of keys, each named by its smallest key, so the result ignores input order.

    Every key maps straight to its group's name and a join relabels the keys of one group: kg's
    groups are small (the spellings of one name), so this is cheaper than walking parent links
    on each of the many look-ups.
    """

    def __init__(self) -> None:
        self.root_of: dict[str, str] = {}  # key -> the smallest key of its group
        self.keys_of: dict[str, list[str]] = {}  # root -> the keys of its group

    def add(self, key: str) -> str:
        """The root of key's group, making key a group of its own if it is new."""
        root = self.root_of.get(key)
        if root is None:
            self.root_of[key] = root = key
            self.keys_of[key] = [key]
        return root

    def union(self, a: str, b: str) -> bool:
        """Put keys a and b in one group; False if they were in one already."""
        root_a, root_b = self.add(a), self.add(b)
        if root_a == root_b:
            return False
        root, other = min(root_a, root_b), max(root_a, root_b)
        moved = self.keys_of.pop(other)
        for key in moved:
            self.root_of[key] = root
        self.keys_of[root] += moved
        return True


def entity_id(entity_type: str, name: str) -> str:
    """Stable id of an entity from its type and name.

    >>> entity_id("Model", "LLaMA 65B")
    'model/llama-65b'
    """
    return f"{entity_type.lower()}/{slugify(name)}"


def clean_surface(text: str) -> str:
    """A mention's text without the sentence punctuation a span can carry at its end.

    >>> clean_surface("DeepSeek-67B.")
    'DeepSeek-67B'
    >>> clean_surface("GPT-3.5")
    'GPT-3.5'
    """
    return text.strip().rstrip(_TRAILING_PUNCTUATION).strip()


def same_size(a: str, b: str) -> bool:
    """False when two names carry different sizes, or only one of them a size: they never fold.

    >>> same_size("LLaMA-65B", "LLaMA 65b"), same_size("LLaMA-65B", "LLaMA"), same_size("LLaMA-7B", "LLaMA-65B")
    (True, False, False)
    """
    size_a, size_b = split_size_suffix(a), split_size_suffix(b)
    return (size_a and size_a[1]) == (size_b and size_b[1])


# --- within a document ---------------------------------------------------------------------------


class _Surface(NamedTuple):
    """What resolution uses of a mention's text, worked out once per distinct text (`_surface_of`)."""

    text: str  # clean_surface of the mention's text
    key: str  # name_key(text)
    base: str  # strip_generic_head(text)
    range_family: str | None  # split_size_range(text): the family and sizes, or None
    range_sizes: tuple[str, ...]
    head_key: str | None  # key of the first word, if the text can be a short form's longer name


@functools.lru_cache(maxsize=1 << 14)
def _surface_of(mention_text: str) -> _Surface:
    # Memoized (pure, str in, immutable out): a document repeats its names, and a corpus its
    # frequent ones; each was cleaned and keyed ~9 times per mention before (0.2 ms per abstract).
    text = clean_surface(mention_text)
    ranged = split_size_range(text)
    words = text.split()
    head_key = (name_key(words[0]) if len(words) > 1 and words[0].strip(" -") == words[0]
                and _names_a_part(words[1:]) else None)
    return _Surface(text, name_key(text), strip_generic_head(text), ranged[0] if ranged else None,
                    tuple(ranged[1]) if ranged else (), head_key)


@functools.lru_cache(maxsize=1 << 14)
def _has_head_or_range(name: str) -> bool:
    """True if a name carries a generic head noun or a size range ("MuSE dataset", "LLaMA 7B-65B")."""
    return strip_generic_head(name) != name or split_size_range(name) is not None


@functools.lru_cache(maxsize=1 << 14)
def _fits_lexicon_name(text: str, lexicon_name: str) -> bool:
    """same_size(text, lexicon_name), memoized: asked for every lexicon mention of every group."""
    return same_size(text, lexicon_name)


#: A mention with its surface.
_Named = tuple[Mention, _Surface]

#: Entity(...) with positional fields, memoized: an Entity is an immutable value, and a corpus
#: names the same entities in many papers, so one object serves them all. That saves building
#: most of them (1.6 us each, 12 per abstract), and keeping them: fewer objects for the garbage
#: collector to walk. typed=True keeps False and 0 apart.
_entity = functools.lru_cache(maxsize=1 << 14, typed=True)(Entity)
#: entity_id, memoized for the same reason.
_entity_id = functools.lru_cache(maxsize=1 << 14)(entity_id)


class _Surfaces(_Groups):
    """The surface forms of one document, grouped by name key, and why each key joined its group."""

    def __init__(self) -> None:
        super().__init__()
        self.text_of: dict[str, list[str]] = {}  # key -> surfaces
        self.reason: dict[str, str] = {}  # key -> why it joined

    def add_surface(self, text: str, key: str | None = None) -> str:
        """The name key of a surface text ("" if it has none), recording the text under it;
        `key` is name_key(text) when the caller knows it already."""
        if key is None:
            key = name_key(text)
        if key:
            texts = self.text_of.get(key)
            if texts is None:
                self.text_of[key] = [text]
                self.add(key)
            elif text not in texts:
                texts.append(text)
        return key

    def join(self, a: str, b: str, reason: str) -> bool:
        """Put surfaces `a` and `b` in one group, unless their sizes differ."""
        if not same_size(a, b):
            return False
        key_a, key_b = self.add_surface(a), self.add_surface(b)
        if not key_a or not key_b or key_a == key_b:
            return False
        if self.root_of[key_a] != self.root_of[key_b]:
            self.reason.setdefault(key_a, reason)
            self.reason.setdefault(key_b, reason)
            self.union(key_a, key_b)
        return True


def resolve_document(extraction: DocExtraction, *, merge_log: bool = True) -> DocResult:
    """Fold a document's mentions into entities and map its relation mentions onto them.

    Relations whose endpoints are not entities, are the same entity, or whose types do not fit
    the relation's signature (types.SIGNATURES) are dropped.

    Args:
        merge_log: False leaves `DocResult.merges` empty: predictions do not use the merge log,
            and its records were a tenth of the time (`kg extract` passes False).
    """
    doc = extraction.document
    named: list[_Named] = []
    mention_keys: set[str] = set()
    surfaces = _Surfaces()
    seen: set[tuple[str, str | None]] = set()
    for mention in extraction.mentions:
        surface = _surface_of(mention.text)
        if not surface.key:
            continue
        named.append((mention, surface))
        mention_keys.add(surface.key)
        # A surface (with its lexicon key) met again adds nothing: its joins are made already.
        seen_before = (surface.text, mention.key)
        if seen_before in seen:
            continue
        seen.add(seen_before)
        surfaces.add_surface(surface.text, surface.key)
        if surface.base != surface.text:
            surfaces.join(surface.text, surface.base, GENERIC_HEAD)
        if surface.range_family:
            surfaces.join(surface.text, surface.range_family, SIZE_RANGE_FAMILY)
        if mention.key and mention.key != surface.text:  # a name joined with itself adds nothing
            surfaces.join(surface.text, mention.key, LEXICON)
    long_forms: set[str] = set()
    short_forms: set[str] = set()
    for abbreviation in extraction.abbreviations:
        short, long = name_key(abbreviation.short), name_key(abbreviation.long)
        if short in mention_keys or long in mention_keys:
            if surfaces.join(abbreviation.short, abbreviation.long, ABBREVIATION):
                long_forms.add(long)
                short_forms.add(short)
    # The named mentions in text order, for the joins and size lists that read the text between them.
    ordered = sorted(named, key=_text_position)
    _join_also_known_as(doc.text, ordered, surfaces)
    _join_short_forms(named, mention_keys, surfaces)

    members: dict[str, list[_Named]] = defaultdict(list)
    for pair in named:
        members[surfaces.root_of[pair[1].key]].append(pair)
    entities: dict[str, Entity] = {}
    by_key: dict[str, str] = {}
    merges: list[MergeRecord] = []
    for root in sorted(members):  # groups without a mention (abbreviation or lexicon surfaces only) add nothing
        group = members[root]
        keys = surfaces.keys_of[root]
        entity_type = _group_type(group)
        # Every name of the group, with its key; the group's mentions' own names are among them.
        if len(keys) == 1 and len(surfaces.text_of[root]) == 1:
            names = [(surfaces.text_of[root][0], root)]  # one name (most groups)
        else:
            names = sorted((text, key) for key in keys for text in surfaces.text_of[key])
        name = _canonical_name(group, names, entity_type, long_forms, short_forms)
        new_id = _entity_id(entity_type, name)
        introduced = False
        for mention, _ in group:
            if mention.introduced:
                introduced = True
                break
        if len(names) == 1:
            aliases = () if names[0][0] == name else (names[0][0],)
        else:
            aliases = tuple(text for text, _ in names if text != name)
        entity = _entity(new_id, name, entity_type, aliases, introduced)
        if new_id in entities:
            entity = _merge_into(entities[new_id], entity)
        entities[new_id] = entity
        for key in keys:
            by_key[key] = new_id
        if merge_log:
            name_key_of_name = name_key(name)
            for text, key in names:
                reason = (CANONICAL if text == name else SPELLING if key == name_key_of_name
                          else surfaces.reason.get(key, SPELLING))
                merges.append(MergeRecord(text, new_id, reason, doc.id))

    for entity, where in _expand_size_ranges(doc.text, ordered, entities, by_key):
        entities[entity.id] = entity
        by_key[name_key(entity.name)] = entity.id
        if merge_log:
            merges.append(MergeRecord(where, entity.id, SIZE_RANGE, doc.id))
    for entity_key, entity in sorted(entities.items()):
        if entity.type != "Model":
            continue  # only a Model has a family (see _family)
        family = _family(entity, entities, by_key)
        if family is None:
            continue
        if family.id not in entities:
            entities[family.id] = family
            by_key.setdefault(name_key(family.name), family.id)
            if merge_log:
                merges.append(MergeRecord(family.name, family.id, IMPLIED_FAMILY, doc.id))
        # Built anew rather than with dataclasses.replace, which is several times slower.
        entities[entity_key] = _entity(entity.id, entity.name, entity.type, entity.aliases, entity.introduced,
                                       family.id, entity.implied)

    return DocResult(doc, tuple(entities[k] for k in sorted(entities)),
                     _document_relations(extraction, entities, by_key), tuple(merges))


def _document_relations(extraction: DocExtraction, entities: dict[str, Entity], by_key: dict[str, str]
                        ) -> tuple[Relation, ...]:
    """The relation mentions whose ends are two entities of fitting types, one per (head, type,
    tail), with the most confident evidence (the first on a tie), sorted."""
    text, doc_id = extraction.document.text, extraction.document.id
    best: dict[tuple[str, str, str], RelationMention] = {}
    for rel in extraction.relations:
        head = entities.get(by_key.get(_surface_of(rel.head.text).key, ""))
        tail = entities.get(by_key.get(_surface_of(rel.tail.text).key, ""))
        if head is None or tail is None or head.id == tail.id:
            continue
        if not signature_allows(rel.type, head.type, tail.type):
            continue
        key = (head.id, rel.type, tail.id)
        if key not in best or rel.confidence > best[key].confidence:
            best[key] = rel
    relations = []
    for key in sorted(best):
        rel = best[key]
        sentence_start, sentence_end = _evidence_bounds(rel, text)
        relations.append(Relation(key[0], key[1], key[2], Evidence(
            doc_id, text[sentence_start:sentence_end], sentence_start, sentence_end, rel.cue, rel.confidence)))
    return tuple(relations)


def _text_position(pair: _Named) -> tuple[int, int]:
    """Sort key of a named mention: where it is in the text."""
    mention = pair[0]
    return mention.start, mention.end


def _join_also_known_as(text: str, ordered: list[_Named], surfaces: _Surfaces) -> None:
    """"Tele-FLM (aka FLM-2)", "X, also known as Y": the two names are one entity.

    `ordered` are the named mentions in text order.
    """
    # Each gap is matched in place (no copy) and only when it can hold a cue word (3 characters or more):
    # cheaper than looking for the cue words in the whole (case folded) text first.
    for (first, first_surface), (second, second_surface) in zip(ordered, ordered[1:]):
        if first.end + 3 <= second.start and _AKA_GAP.fullmatch(text, first.end, second.start):
            surfaces.join(first_surface.text, second_surface.text, ALSO_KNOWN_AS)


def _join_short_forms(named: list[_Named], mention_keys: set[str], surfaces: _Surfaces) -> None:
    """A name used after a longer name that starts with it is that name's short form ("K2" after
    "K2 DIAMOND"), unless the rest makes a size, a version or a variant ("LLaMA" after "LLaMA-65B",
    "Llama" after "Llama 2", "BERT" after "BERT large"), the short name is a lexicon entry of its
    own, or two longer names start with it."""
    if mention_keys.isdisjoint([surface.head_key for _, surface in named]):
        return  # no name starts with another name of the text (most texts)
    first_seen: dict[str, int] = {}
    type_of: dict[str, set[str]] = defaultdict(set)
    lexicon_known: set[str] = set()
    for mention, surface in named:
        key = surface.key
        first_seen[key] = min(first_seen.get(key, mention.start), mention.start)
        type_of[key].add(mention.label)
        if mention.key:
            lexicon_known.add(key)
    # Each key's surface: that of its last mention.
    texts = {surface.key: surface for _, surface in sorted(named, key=lambda pair: pair[0].start)}
    # The longer names a short form can stand for, by the key of their first word.
    longer_by_head: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for long_key, long in sorted(texts.items()):
        if long.head_key:
            longer_by_head[long.head_key].append((long_key, long.text))
    for short_key, short in sorted(texts.items()):
        if short_key in lexicon_known or short_key not in longer_by_head:
            continue
        longer = [long for long_key, long in longer_by_head[short_key]
                  if long_key != short_key and first_seen[long_key] < first_seen[short_key]
                  and type_of[long_key] & type_of[short_key]]
        if len(longer) == 1 and surfaces.root_of[short_key] != surfaces.root_of[name_key(longer[0])]:
            surfaces.join(short.text, longer[0], SHORT_FORM)


def _names_a_part(words: list[str]) -> bool:
    """True if the words after a short form name a part of one name ("DIAMOND"), not a variant."""
    return all(len(w) >= 2 and w.isalpha() and w[0].isupper() and w.lower() not in VARIANT_WORDS for w in words)


def _group_type(group: list[_Named]) -> EntityType:
    """The type with the most votes (SOURCE_WEIGHT) among a group's mentions; ties go to the
    order of ENTITY_TYPES, so the choice never depends on set order."""
    label = group[0][0].label
    for mention, _ in group:
        if mention.label != label:
            break
    else:
        if label in ENTITY_TYPES:
            return label  # one label (most groups): it has all the votes
    votes: dict[str, float] = {}
    for mention, _ in group:
        votes[mention.label] = votes.get(mention.label, 0.0) + SOURCE_WEIGHT.get(mention.source, 1.0)
    best = ENTITY_TYPES[0]
    for entity_type in ENTITY_TYPES[1:]:
        if votes.get(entity_type, 0.0) > votes.get(best, 0.0):
            best = entity_type
    return best


def _canonical_name(group: list[_Named], names: list[tuple[str, str]], entity_type: str, long_forms: set[str],
                    short_forms: set[str]) -> str:
    """The lexicon's name if any; else for an abbreviation the short form of a Model or Dataset
    ("FBI-LLM", "MuSE") and the long form of a Method, Task or Metric ("Position Interpolation");
    else a name without a generic head noun or a size range; else the most frequent spelling in
    the text, the earliest on a tie (then the first in sorted order).

    `names` are the group's (name, key) pairs, sorted.
    """
    if len(group) == 1:  # most groups: the same answer, without building a set
        mention = group[0][0]
        if mention.key and _fits_lexicon_name(mention.text, mention.key):
            return mention.key
    else:
        lexicon_names = {mention.key for mention, _ in group
                         if mention.key and _fits_lexicon_name(mention.text, mention.key)}
        if lexicon_names:
            return min(lexicon_names)
    if len(names) == 1:
        return names[0][0]
    defined = short_forms if entity_type in ("Model", "Dataset") else long_forms
    counts = Counter(surface.text for _, surface in group)
    first: dict[str, int] = {}
    for mention, surface in group:
        first[surface.text] = min(first.get(surface.text, mention.start), mention.start)
    return min(names, key=lambda pair: (
        pair[1] not in defined, _has_head_or_range(pair[0]), -counts[pair[0]],
        first.get(pair[0], len(pair[0]) + 10**9)))[0]


def _merge_into(old: Entity | None, new: Entity) -> Entity:
    """Two groups that end with the same id (same type and slug) are one entity."""
    if old is None:
        return new
    return replace(old, aliases=tuple(sorted((set(old.aliases) | set(new.aliases) | {new.name}) - {old.name})),
                   introduced=old.introduced or new.introduced)


def _expand_size_ranges(text: str, ordered: list[_Named], entities: dict[str, Entity],
                        by_key: dict[str, str]) -> list[tuple[Entity, str]]:
    """Size variants that a range or list of sizes names after a model name.

    "LLaMA 7B to 65B", "Llama 2 (7B/13B/70B)", "scaling LLaVA up to 33B and 65B/70B" and
    "(LLaMA, Alpaca and Vicuna) in different sizes (7B, 13B, 30B, 65B)" name variants of each
    family. The sizes must follow the name within MAX_SIZE_GAP characters of the same sentence,
    either at once or after a cue word (SIZE_CUES), and must not count tokens or examples.
    `ordered` are the named mentions in text order. Returns each new variant with the text that names it.
    """
    models = [pair for pair in ordered if pair[0].label == "Model"]
    if not models:
        return []
    starts = [mention.start for mention, _ in ordered]  # ascending (repeats do not change a bisect's value)
    new: dict[str, tuple[Entity, str]] = {}
    for index, (mention, surface) in enumerate(models):
        if surface.range_family:
            families, sizes, where = [surface.range_family], surface.range_sizes, surface.text
        else:
            # The sizes belong to the nearest name before them: stop at the next mention.
            after = bisect.bisect_left(starts, mention.end)
            stop = starts[after] if after < len(starts) else len(text)
            own = split_size_suffix(surface.text)
            # "LLaMA 7B" + " to 65B": the list starts at the mention's own size.
            begin = mention.start + len(surface.text) - len(own[1]) if own and text.startswith(surface.text, mention.start) \
                else mention.end
            found = _sizes_after(text, mention, begin, stop)
            if found is None or (own and not found[2]):
                continue
            sizes, end, direct = found
            listed = [] if direct else _coordinated(text, models[:index], mention)
            families = [own[0]] if own else [surface.text] + [listed_surface.text for _, listed_surface in listed]
            where = _balanced(text, min([mention.start] + [m.start for m, _ in listed]), end)
        for family in families:
            family_id = by_key.get(name_key(family))
            family_name = entities[family_id].name if family_id in entities else family
            if family_id in entities and entities[family_id].type != "Model":
                continue
            for size in dict.fromkeys(sizes):
                name = f"{family_name}-{size}"
                if name_key(name) in by_key or name_key(name) in {name_key(e.name) for e, _ in new.values()}:
                    continue
                entity = Entity(id=entity_id("Model", name), name=name, type="Model")
                new.setdefault(entity.id, (entity, where))
    return [new[k] for k in sorted(new)]


def _sizes_after(text: str, mention: Mention, begin: int, stop: int) -> tuple[list[str], int, bool] | None:
    """(sizes, where their text ends, whether they follow at once) from `begin` on, or None.

    `stop` is where the next mention starts: sizes after it are not this mention's.
    """
    sentence_end = mention.sent_end if mention.sent_end > mention.end else len(text)
    window_end = max(min(sentence_end, stop), mention.end)
    # A size list starts with a digit, within MAX_SIZE_GAP characters: most names have none after
    # them, and this look is cheaper than copying the window and searching it for a list.
    first_digit = _DIGIT.search(text, begin, min(window_end, begin + MAX_SIZE_GAP + 1))
    if not first_digit:
        return None
    window = text[begin:window_end]
    # The first list that starts within MAX_SIZE_GAP characters, as SIZE_LIST.search(window) finds it: a list
    # starts at a digit, so it is matched at each of those digits in turn, and the rest of the window (often
    # the rest of the sentence) is not scanned.
    match = None
    for digit in _DIGIT.finditer(window, first_digit.start() - begin, MAX_SIZE_GAP + 1):
        match = SIZE_LIST.match(window, digit.start())
        if match:
            break
    if not match or match.end() + begin < mention.end:
        return None
    gap = window[:match.start()]
    after = begin + match.end()  # where the list ends in text (matched in place: no copy of the rest)
    if _NOT_MODEL_SIZES.match(text, after) or _SENTENCE_PUNCTUATION.search(gap):
        return None
    direct = _OPENING.fullmatch(gap) is not None
    if not direct and not SIZE_CUES.search(gap):
        return None
    sizes = expand_size_range(match.group(0))
    if len(sizes) < 2:
        return None
    closing = _CLOSING.match(text, after)
    return sizes, closing.end() if closing else after, direct


def _balanced(text: str, start: int, end: int) -> str:
    """text[start:end], widened to an opening parenthesis just before it, or cut before a
    closing one it does not open: "(LLaMA, Alpaca and Vicuna) in different sizes (7B, 13B)"."""
    if text[start:end].count(")") > text[start:end].count("(") and text[max(start - 1, 0):start] == "(":
        start -= 1
    where = text[start:end].strip()
    if where.count(")") > where.count("(") and where.endswith(")"):
        where = where[:-1].rstrip()
    return where


def _coordinated(text: str, before: list[_Named], current: Mention) -> list[_Named]:
    """Model mentions listed with `current`: "LLaMA" and "Alpaca" in "LLaMA, Alpaca and Vicuna"."""
    listed: list[_Named] = []
    following = current
    for previous, surface in reversed(before):
        if previous.end > following.start or not _COORDINATION.match(text[previous.end:following.start]):
            break
        listed.append((previous, surface))
        following = previous
    return listed


def _family(entity: Entity, entities: dict[str, Entity], by_key: dict[str, str]) -> Entity | None:
    """The family of a size variant: the document's entity of that name, or an implied one."""
    if entity.type != "Model":
        return None
    split = split_size_suffix(entity.name)
    if split is None:
        return None
    family_id = by_key.get(name_key(split[0]))
    if family_id in entities:
        return entities[family_id] if family_id != entity.id else None
    return Entity(id=entity_id("Model", split[0]), name=split[0], type="Model", implied=True)


def _evidence_bounds(rel: RelationMention, text: str) -> tuple[int, int]:
    """Character span of the sentence that states a relation: the one holding both ends, else the
    one that holds the cue (a head found through "it" or "we" sits in an earlier sentence), the
    tail's by default since the cue governs it."""
    if (rel.head.sent_start, rel.head.sent_end) == (rel.tail.sent_start, rel.tail.sent_end):
        return rel.tail.sent_start, rel.tail.sent_end
    for mention in (rel.tail, rel.head):
        if rel.cue and rel.cue in text[mention.sent_start:mention.sent_end]:
            return mention.sent_start, mention.sent_end
    return rel.tail.sent_start, rel.tail.sent_end


def _unique_relations(relations: list[Relation]) -> tuple[Relation, ...]:
    """One relation per (head, type, tail) in a document, keeping the most confident evidence."""
    best: dict[tuple[str, str, str], Relation] = {}
    for relation in relations:
        key = (relation.head, relation.type, relation.tail)
        if key not in best or relation.evidence.confidence > best[key].evidence.confidence:
            best[key] = relation
    return tuple(best[k] for k in sorted(best))


# --- across documents ----------------------------------------------------------------------------


def link_corpus(results: Iterable[DocResult], *, inputs: Iterable[str] = (), duplicates_merged: int = 0
                ) -> Corpus:
    """Give one id to the entities of different documents that are one entity.

    Two entities are linked when their names fold to the same `name_key`, or when one's name
    is an alias of the other and of no other entity (an acronym that means two things in two
    papers links neither). Size variants stay apart: their names differ. A linked entity's name
    is its most frequent name over the papers that name it (ties: sorted first), and its type
    the most frequent type, so ids do not depend on document order. Entities of one document
    that fall together are merged, with their relations.

    The merge log holds every document's records, remapped to the linked ids, plus one
    cross-paper record for each entity whose id or name the linking changed.

    `results` is read once, as a stream. The same entity recurs in many papers (at 40,000
    synthetic abstracts, 489,000 entities are 57,000 distinct ones), so each distinct entity is
    kept once and linked once, and a document keeps only the numbers of its entities.
    """
    linker = CorpusLinker()
    for result in results:
        linker.add(result)
    return linker.link(inputs=inputs, duplicates_merged=duplicates_merged)


class CorpusLinker:
    """link_corpus in two steps, for a caller that receives the results one by one: `add` each
    as it arrives (kept compactly, see link_corpus), then `link` once all are in.

    >>> linker = CorpusLinker()
    >>> linker.add(DocResult(Document("a", "BERT."), (Entity("model/bert", "BERT", "Model"),)))
    >>> [e.id for e in linker.link().results[0].entities]
    ['model/bert']
    """

    def __init__(self) -> None:
        self._numbers: dict[Entity, int] = {}  # distinct entity -> its number, in order of first sight
        self._documents: list[tuple[Document, tuple[int, ...], tuple[Relation, ...], tuple[MergeRecord, ...]]] = []

    def add(self, result: DocResult) -> None:
        """Keep one document's result (its entities as numbers of distinct entities)."""
        numbers = self._numbers
        entity_numbers = tuple(numbers.setdefault(entity, len(numbers)) for entity in result.entities)
        self._documents.append((result.document, entity_numbers, result.relations, result.merges))

    def link(self, *, inputs: Iterable[str] = (), duplicates_merged: int = 0) -> Corpus:
        """The linked corpus of every result added so far, in the order they were added."""
        distinct = list(self._numbers)
        occurrences = Counter(n for _, entity_numbers, _, _ in self._documents for n in entity_numbers)
        linked = _link_entities(distinct, [occurrences[n] for n in range(len(distinct))])
        results: list[DocResult] = []
        merge_log: list[MergeRecord] = []
        for document, entity_numbers, relations, merges in self._documents:
            result = _link_document(document, [(distinct[n], *linked[n]) for n in entity_numbers],
                                    relations, merges)
            merge_log.extend(result.merges)
            results.append(result)
        return Corpus(results=tuple(results), merge_log=tuple(merge_log), inputs=tuple(inputs),
                      duplicates_merged=duplicates_merged)


def _link_entities(entities: list[Entity], occurrences: list[int]) -> list[tuple[Entity, str | None]]:
    """The corpus entity of each distinct document entity (occurring `occurrences` times), and the
    reason of its cross-paper merge record, or None when linking changed neither id nor name."""
    groups = _Groups()
    alias_owners: dict[str, set[tuple[str, str]]] = defaultdict(set)
    named_types: dict[str, set[str]] = defaultdict(set)
    for entity in entities:
        key = name_key(entity.name)
        groups.add(key)
        named_types[key].add(entity.type)
        for alias in entity.aliases:
            alias_key = name_key(alias)
            if alias_key and alias_key != key and same_size(alias, entity.name):
                alias_owners[alias_key].add((key, entity.type))
    for alias_key, owners in sorted(alias_owners.items()):
        # An alias of one entity only, named elsewhere as an entity of the same type.
        if len(owners) == 1 and next(iter(owners))[1] in named_types.get(alias_key, ()):
            groups.union(alias_key, next(iter(owners))[0])

    # A name chosen among several (an entity with aliases) outvotes a name that was the only
    # one a paper used: "Position Interpolation (PI)" names the entity that another paper calls "PI".
    names: dict[str, Counter[str]] = defaultdict(Counter)
    types: dict[str, Counter[str]] = defaultdict(Counter)
    for entity, count in zip(entities, occurrences):
        root = groups.root_of[name_key(entity.name)]
        weight = 0 if entity.implied else count  # a name the text does not use never wins over one it does
        names[root][entity.name] += weight * (1 + 1000 * bool(entity.aliases))
        types[root][entity.type] += weight
    linked_ids: dict[str, tuple[str, str, EntityType]] = {}
    for root, counts in names.items():
        name = max(sorted(counts), key=lambda n: counts[n])
        entity_type = max(ENTITY_TYPES, key=lambda t: (types[root][t], -ENTITY_TYPES.index(t)))
        linked_ids[root] = (entity_id(entity_type, name), name, entity_type)

    linked: list[tuple[Entity, str | None]] = []
    for entity in entities:
        new_id, name, entity_type = linked_ids[groups.root_of[name_key(entity.name)]]
        new = Entity(id=new_id, name=name, type=entity_type,
                     aliases=tuple(sorted((set(entity.aliases) | {entity.name}) - {name})),
                     introduced=entity.introduced, variant_of=entity.variant_of, implied=entity.implied)
        reason = None
        if new.id != entity.id or new.name != entity.name:
            reason = CROSS_PAPER if name_key(name) == name_key(entity.name) else CROSS_PAPER_ALIAS
        linked.append((new, reason))
    return linked


def _link_document(document: Document, entities: list[tuple[Entity, Entity, str | None]],
                   relations: Iterable[Relation], merges: Iterable[MergeRecord]) -> DocResult:
    """One document with its (old entity, corpus entity, cross-paper reason) triples applied.

    Records and relations that linking leaves unchanged are kept as they are, not copied.
    """
    remap: dict[str, str] = {}
    linked: dict[str, Entity] = {}
    cross: list[MergeRecord] = []
    for old, new, reason in entities:
        remap[old.id] = new.id
        if reason is not None:
            cross.append(MergeRecord(old.name, new.id, reason, document.id))
        previous = linked.get(new.id)
        if previous is not None:
            new = replace(_merge_into(previous, new), implied=previous.implied and new.implied,
                          variant_of=previous.variant_of or new.variant_of)
        linked[new.id] = new
    for entity_key, entity in linked.items():
        if entity.variant_of:
            family = remap.get(entity.variant_of, entity.variant_of)
            family = family if family != entity.id else None
            if family != entity.variant_of:
                linked[entity_key] = replace(entity, variant_of=family)
    linked_relations = _unique_relations([
        r if (remap[r.head], remap[r.tail]) == (r.head, r.tail)
        else Relation(head=remap[r.head], type=r.type, tail=remap[r.tail], evidence=r.evidence)
        for r in relations if remap[r.head] != remap[r.tail]])
    linked_merges = tuple(
        m if remap.get(m.entity_id, m.entity_id) == m.entity_id
        else MergeRecord(m.surface, remap[m.entity_id], m.reason, m.doc_id)
        for m in merges) + tuple(cross)
    return DocResult(document=document, entities=tuple(linked[k] for k in sorted(linked)),
                     relations=linked_relations, merges=linked_merges)
