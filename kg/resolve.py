"""Mentions -> canonical entities of a municipality; ambiguous references stay ambiguous.

A person mention is completed from the people the same document lists (attendance) and from
the municipality's `Registry` (rosters, OParl persons, other protocols): when exactly one known
person fits surname, form of address, faction and given name, the mention becomes that
person; when several fit, it is recorded as an `Ambiguity` and gets a node of its own
instead of being merged by guessing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.ids import entity_key, fold, slug
from kg.models import Ambiguity, Entity, Extraction, Mention, ResolvedDocument

_KIND_SEGMENT = {
    "person": "person",
    "faction": "faction",
    "party": "party",
    "department": "unit",
    "initiative": "initiative",
    "place": "place",
    "paper": "paper",
    "body": "body",
}


@dataclass(frozen=True, slots=True)
class KnownPerson:
    """A person the municipality knows by full name (roster, OParl, attendance list)."""

    key: str
    surname: str
    given: str | None = None
    address: str | None = None
    factions: frozenset[str] = frozenset()
    title: str | None = None


@dataclass(slots=True)
class Registry:
    """Known people of one municipality, by folded surname."""

    municipality: str
    by_surname: dict[str, list[KnownPerson]] = field(default_factory=lambda: defaultdict(list))

    def add(self, person: KnownPerson) -> None:
        """Register a person unless an identical key is already known."""
        bucket = self.by_surname[fold(person.surname)]
        if all(p.key != person.key for p in bucket):
            bucket.append(person)

    def candidates(self, surname: str) -> list[KnownPerson]:
        """Known people with this surname (folded)."""
        return list(self.by_surname.get(fold(surname), []))


def person_key(municipality: str, surname: str, given: str | None = None) -> str:
    """IRI key of a person: surname, plus first name when needed to tell people apart.

    >>> person_key("Hagen", "Keller")
    'hagen/person/keller'
    >>> person_key("Hagen", "Meier", "Jens")
    'hagen/person/meier-jens'
    """
    name = f"{surname} {given}" if given else surname
    return entity_key(municipality, "person", name)


def resolve(extraction: Extraction, registry: Registry | None = None) -> ResolvedDocument:
    """Map every mention to an entity key.

    >>> from kg.models import EXAMPLE_EXTRACTION
    >>> resolve(EXAMPLE_EXTRACTION).entity_of
    ('hagen/person/meier',)
    """
    municipality = extraction.protocol.document.municipality
    registry = registry or Registry(municipality)
    local = _document_people(extraction, municipality)
    entities: dict[str, Entity] = {}
    entity_of: list[str] = []
    ambiguities: list[Ambiguity] = []
    for number, mention in enumerate(extraction.mentions):
        if mention.kind == "person":
            key, entity, candidates = _resolve_person(mention, local, registry, municipality)
            if len(candidates) > 1:
                ambiguities.append(Ambiguity(number, tuple(candidates)))
        else:
            key, entity = _resolve_named(mention, municipality)
        entity_of.append(key)
        entities[key] = _richer(entities.get(key), entity)
    return ResolvedDocument(
        extraction=extraction,
        entity_of=tuple(entity_of),
        entities=tuple(sorted(entities.values(), key=lambda e: e.key)),
        ambiguities=tuple(ambiguities),
    )


def _resolve_named(mention: Mention, municipality: str) -> tuple[str, Entity]:
    key = entity_key(municipality, _KIND_SEGMENT[mention.kind], mention.key or mention.label)
    abbreviation = None
    if mention.kind == "faction":
        from kg.lexicon import lexicon

        entry = lexicon().faction_entry(mention.label)
        abbreviation = entry.abbreviation if entry else None
    return key, Entity(kind=mention.kind, key=key, label=mention.label, abbreviation=abbreviation)


def _document_people(extraction: Extraction, municipality: str) -> Registry:
    """People with full names or factions in this document, one per (surname, given)."""
    registry = Registry(municipality)
    factions: dict[tuple[str, str | None], set[str]] = defaultdict(set)
    for mention in extraction.mentions:
        ref = mention.person
        if ref is None:
            continue
        if ref.faction:
            factions[(fold(ref.surname), ref.given)].add(_faction_key(ref.faction))
    for mention in extraction.mentions:
        ref = mention.person
        if ref is None or not ref.given:
            continue
        registry.add(
            KnownPerson(
                key=person_key(municipality, ref.surname, ref.given),
                surname=ref.surname,
                given=ref.given,
                address=ref.address,
                factions=frozenset(factions[(fold(ref.surname), ref.given)]),
                title=ref.title,
            )
        )
    return registry


def _faction_key(text: str) -> str:
    from kg.lexicon import lexicon

    entry = lexicon().faction_entry(text)
    return slug(entry.abbreviation) if entry else slug(text)


def _resolve_person(
    mention: Mention, local: Registry, registry: Registry, municipality: str
) -> tuple[str, Entity, list[str]]:
    ref = mention.person
    assert ref is not None
    pool = _merge(local.candidates(ref.surname), registry.candidates(ref.surname))
    fitting = [p for p in pool if _fits(p, ref.given, ref.address, ref.faction)]
    distinct = sorted({p.key for p in fitting})
    if len(distinct) == 1:
        chosen = next(p for p in fitting if p.key == distinct[0])
        key = distinct[0] if len({p.key for p in pool}) > 1 or chosen.given else distinct[0]
        if len({p.key for p in pool}) <= 1:
            key = person_key(municipality, ref.surname)
        return key, _person_entity(key, chosen.surname, chosen.given, ref), []
    if len(distinct) > 1:
        key = entity_key(municipality, "person", f"{ref.surname} ambiguous {ref.address or ''}")
        return key, _person_entity(key, ref.surname, None, ref), distinct
    key = person_key(municipality, ref.surname)
    return key, _person_entity(key, ref.surname, ref.given, ref), []


def _merge(*pools: Iterable[KnownPerson]) -> list[KnownPerson]:
    merged: dict[str, KnownPerson] = {}
    for pool in pools:
        for person in pool:
            merged.setdefault(person.key, person)
    return list(merged.values())


def _fits(person: KnownPerson, given: str | None, address: str | None, faction: str | None) -> bool:
    if given and person.given and fold(given).rstrip(".") != fold(person.given)[: len(fold(given).rstrip("."))]:
        return False
    if address and person.address and address != person.address:
        return False
    return not (faction and person.factions and _faction_key(faction) not in person.factions)


def _person_entity(key: str, surname: str, given: str | None, ref: object) -> Entity:
    from kg.models import PersonRef

    assert isinstance(ref, PersonRef)
    label = " ".join(p for p in (given, surname) if p)
    return Entity(
        kind="person",
        key=key,
        label=label,
        surname=surname,
        given=given,
        address=ref.address,
        title=ref.title,
    )


def _richer(old: Entity | None, new: Entity) -> Entity:
    """Combine what two mentions of one entity tell (first name, title, address)."""
    if old is None:
        return new
    if old.kind != "person":
        return old if len(old.label) >= len(new.label) else new
    given = old.given or new.given
    return Entity(
        kind=old.kind,
        key=old.key,
        label=" ".join(p for p in (given, old.surname) if p),
        surname=old.surname,
        given=given,
        address=old.address or new.address,
        title=old.title or new.title,
        abbreviation=old.abbreviation,
    )
