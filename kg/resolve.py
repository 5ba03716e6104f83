"""Mentions -> canonical entities of a municipality; ambiguous references stay ambiguous.

A person mention is resolved in two steps. First the mentions of one surname in the same
document are read together: when they agree ("Sabine Albers (SPD)" in the attendance list,
"Frau Albers" in the minutes), they are one person. Then that reference is matched against the
people of the same meeting (full names in the document) and, failing that, against the
municipality's `Registry` (all protocols, rosters and OParl persons): when exactly one identity
fits surname, first name, form of address and the faction valid on the meeting date, the mention
is that identity; when several fit, it is recorded as an `Ambiguity` with its candidates and
gets a node of its own instead of being merged by guessing.

Curation decisions travel inside the registry: merges rewrite keys, splits give the mentions
of one document a key of their own.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass

from kg.ids import document_key, entity_key, short_hash
from kg.models import Ambiguity, Entity, Extraction, Mention, PersonRef, ResolvedDocument
from kg.resolve_registry import (
    Observation,
    Registry,
    Signature,
    address_of_given,
    best_spelling,
    clean_given,
    faction_key,
    given_fits,
    given_key,
    is_initial,
    person_key,
    surname_key,
)

__all__ = [
    "Registry", "named_keys", "observations", "outcome_digest", "person_key", "resolve",
]  # fmt: skip

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


def resolve(extraction: Extraction, registry: Registry | None = None) -> ResolvedDocument:
    """Map every mention to an entity key.

    Without a registry the document is resolved on its own (its full names only).

    >>> from kg.models import EXAMPLE_EXTRACTION
    >>> resolve(EXAMPLE_EXTRACTION).entity_of
    ('hagen/person/meier',)
    """
    document = extraction.protocol.document
    if registry is None:
        registry = Registry.build(document.municipality, observations(extraction))
    doc_key = document_key(document.municipality, document.key)
    people = _People(extraction, registry, doc_key)
    entities: dict[str, Entity] = {}
    entity_of: list[str] = []
    ambiguities: list[Ambiguity] = []
    for number, mention in enumerate(extraction.mentions):
        if mention.kind == "person" and mention.person is not None:
            key, candidates = people.resolve(number)
            if len(candidates) > 1:
                ambiguities.append(Ambiguity(number, candidates))
            entity = _person_entity(key, mention.person)
        else:
            key, entity = _resolve_named(mention, document.municipality, registry)
        key = registry.split_key(doc_key, mention.span.start, mention.span.end, key)
        entity_of.append(key)
        entities[key] = _richer(entities.get(key), _rekeyed(entity, key))
    return ResolvedDocument(
        extraction=extraction,
        entity_of=tuple(entity_of),
        entities=tuple(sorted(entities.values(), key=lambda e: e.key)),
        ambiguities=tuple(ambiguities),
    )


def observations(extraction: Extraction) -> list[Observation]:
    """How this document names people: what it contributes to the municipality's registry.

    A pure function of the document, so the registry does not depend on ingest order.

    >>> from kg.models import EXAMPLE_EXTRACTION
    >>> [(o.surname, o.address) for o in observations(EXAMPLE_EXTRACTION)]
    [('Meier', 'Herr')]
    """
    found: set[Observation] = set()
    date = meeting_date(extraction)
    source = extraction.protocol.document.key
    for group in _groups(extraction).values():
        for ref, sig in group.references(extraction):
            found.add(
                Observation(
                    ref.surname, sig.given, sig.address, ref.title, sig.faction, date=date,
                    source=source,
                )
            )  # fmt: skip
    return sorted(found, key=Observation.sort_key)


def meeting_date(extraction: Extraction) -> str | None:
    """The date memberships are checked against: the meeting's, else the document's."""
    return extraction.protocol.meeting.date or extraction.protocol.document.date


# ---------------------------------------------------------------- persons


@dataclass(slots=True)
class _Group:
    """The person mentions of one surname in one document and whether they agree."""

    mentions: list[int]
    profile: Signature | None

    def signature(self, extraction: Extraction, number: int) -> Signature:
        """The signature mention `number` is resolved with (the group's when they agree)."""
        if self.profile is not None:
            return self.profile
        ref = extraction.mentions[number].person
        assert ref is not None
        return _signature(ref, meeting_date(extraction))

    def references(self, extraction: Extraction) -> list[tuple[PersonRef, Signature]]:
        """Each mention's reference with the signature it is resolved with."""
        refs = []
        for number in self.mentions:
            ref = extraction.mentions[number].person
            assert ref is not None
            refs.append((ref, self.signature(extraction, number)))
        return refs


def _groups(extraction: Extraction) -> dict[str, _Group]:
    members: dict[str, list[int]] = defaultdict(list)
    for number, mention in enumerate(extraction.mentions):
        if mention.kind == "person" and mention.person is not None:
            members[surname_key(mention.person.surname)].append(number)
    date = meeting_date(extraction)
    groups = {}
    for bucket, numbers in members.items():
        sigs = []
        for n in numbers:
            ref = extraction.mentions[n].person
            assert ref is not None
            sigs.append(_signature(ref, date))
        groups[bucket] = _Group(numbers, _profile(sigs))
    return groups


def _signature(ref: PersonRef, date: str | None) -> Signature:
    given = clean_given(ref.given)
    address = _role_address(ref.given) or ref.address or address_of_given(given)
    return Signature(given, address, faction_key(ref.faction), date)


def _role_address(word: str | None) -> str | None:
    """A role word read as first name ("Vorsitzender\nRatsfrau Wöhler") still tells the
    form of address, and it stands closer to the name than anything before it."""
    from kg.lexicon import lexicon

    lex = lexicon()
    role = lex.roles.get(word or "")
    return lex.addresses.get(word or "") or (role.address if role else None)


def _profile(sigs: list[Signature]) -> Signature | None:
    """One signature for mentions that agree on first name, address and faction, else None."""
    for i, a in enumerate(sigs):
        for b in sigs[i + 1 :]:
            if not _agree(a, b):
                return None
    givens = [s.given for s in sigs if s.given]
    full = sorted({g for g in givens if not is_initial(g)}, key=lambda g: (-len(g), g))
    given = full[0] if full else (sorted(givens, key=lambda g: (-len(g), g))[0] if givens else None)
    return Signature(
        given,
        next((s.address for s in sigs if s.address), None),
        next((s.faction for s in sigs if s.faction), None),
        sigs[0].date,
    )


def _agree(a: Signature, b: Signature) -> bool:
    return (
        given_fits(a.given, b.given)
        and (a.address is None or b.address is None or a.address == b.address)
        and (a.faction is None or b.faction is None or a.faction == b.faction)
    )


class _People:
    """Resolves the person mentions of one document."""

    def __init__(self, extraction: Extraction, registry: Registry, doc_key: str) -> None:
        self.extraction = extraction
        self.registry = registry
        self.doc_key = doc_key
        self.groups = _groups(extraction)
        self.group_of = {n: g for g in self.groups.values() for n in g.mentions}
        self.local_givens = {
            bucket: frozenset(
                given_key(s.given)
                for _, s in g.references(extraction)
                if s.given and _full(s.given)
            )
            for bucket, g in self.groups.items()
        }

    def resolve(self, number: int) -> tuple[str, tuple[str, ...]]:
        """The key of mention `number` and, when ambiguous, its candidate keys."""
        ref = self.extraction.mentions[number].person
        assert ref is not None
        sig = self.group_of[number].signature(self.extraction, number)
        local = self.local_givens.get(surname_key(ref.surname), frozenset())
        return person_outcome(self.registry, self.doc_key, ref.surname, sig, local)


def person_outcome(
    registry: Registry, doc_key: str, surname: str, sig: Signature, local: frozenset[str]
) -> tuple[str, tuple[str, ...]]:
    """The key a reference gets and, when ambiguous, its candidate keys.

    People of the same meeting (`local`: full first names the document gives for this
    surname) are preferred over the rest of the municipality.
    """
    bucket = surname_key(surname)
    fitting = registry.fitting(surname, sig)
    nearby = [i for i in fitting if i.given in local]
    chosen = nearby or fitting
    if len(chosen) == 1:
        return registry.key(chosen[0]), ()
    if not chosen:  # fits no identity of its surname: keyed by what it says
        parts = [p for p in (sig.given, sig.address, sig.faction) if p]
        return registry.rewrite(
            person_key(registry.municipality, bucket, " ".join(parts) or "andere")
        ), ()
    text = "|".join([doc_key, bucket, *(str(x) for x in (sig.given, sig.address, sig.faction))])
    own = registry.rewrite(
        person_key(registry.municipality, bucket, f"mehrdeutig {short_hash(text, 8)}")
    )
    candidates = tuple(sorted({registry.key(i) for i in chosen}))
    return (own, ()) if own in candidates else (own, candidates)


def named_keys(extraction: Extraction) -> list[str]:
    """Keys of the non-person entities a document mentions, before curation merges."""
    municipality = extraction.protocol.document.municipality
    return sorted(
        {
            entity_key(municipality, _KIND_SEGMENT[m.kind], m.key or m.label)
            for m in extraction.mentions
            if m.kind != "person" or m.person is None
        }
    )


def outcome_digest(
    observed: list[Observation], named: list[str], registry: Registry, doc_key: str
) -> str:
    """A digest of every key a document's references get under `registry`.

    A stored document graph is current as long as this digest is unchanged; this is how
    re-resolution finds the documents a new protocol, roster or curation decision affects.
    """
    local: dict[str, set[str]] = defaultdict(set)
    for obs in observed:
        if obs.full_given:
            local[obs.bucket].add(given_key(obs.full_given))
    rows: list[list[object]] = []
    for surname, sig in sorted({(o.surname, Signature.of(o)) for o in observed}, key=str):
        key, candidates = person_outcome(
            registry, doc_key, surname, sig, frozenset(local[surname_key(surname)])
        )
        rows.append([surname, sig.given, sig.address, sig.faction, key, list(candidates)])
    rows += [[key, registry.rewrite(key)] for key in named]
    rows += [[s.entity, s.start, s.end] for s in registry.splits if s.document == doc_key]
    return short_hash(json.dumps(rows, ensure_ascii=False), 16)


def _full(given: str | None) -> bool:
    return bool(given) and not is_initial(given or "")


def _person_entity(key: str, ref: PersonRef) -> Entity:
    """The person as this mention names it (documents keep their own labels)."""
    given = clean_given(ref.given)
    label = " ".join(p for p in (given, ref.surname) if p)
    return Entity(
        kind="person",
        key=key,
        label=label,
        surname=ref.surname,
        given=given,
        address=ref.address,
        title=ref.title,
    )


def _resolve_named(mention: Mention, municipality: str, registry: Registry) -> tuple[str, Entity]:
    key = entity_key(municipality, _KIND_SEGMENT[mention.kind], mention.key or mention.label)
    key = registry.rewrite(key)
    abbreviation = None
    if mention.kind == "faction":
        from kg.lexicon import lexicon

        entry = lexicon().faction_entry(mention.label)
        abbreviation = entry.abbreviation if entry else None
    return key, Entity(kind=mention.kind, key=key, label=mention.label, abbreviation=abbreviation)


def _rekeyed(entity: Entity, key: str) -> Entity:
    if entity.key == key:
        return entity
    return Entity(
        entity.kind, key, entity.label, entity.surname, entity.given, entity.address,
        entity.title, entity.abbreviation,
    )  # fmt: skip


def _richer(old: Entity | None, new: Entity) -> Entity:
    """Combine what two mentions of one entity tell (first name, title, address, spelling)."""
    if old is None:
        return new
    if old.kind != "person":
        return old if len(old.label) >= len(new.label) else new
    given = _better_given(old.given, new.given)
    surname = best_spelling([s for s in (old.surname, new.surname) if s]) or old.surname
    return Entity(
        kind=old.kind,
        key=old.key,
        label=" ".join(p for p in (given, surname) if p),
        surname=surname,
        given=given,
        address=old.address or new.address,
        title=old.title or new.title,
        abbreviation=old.abbreviation,
    )


def _better_given(a: str | None, b: str | None) -> str | None:
    """A full first name over an initial; the first one seen otherwise."""
    if a is None or (is_initial(a) and b is not None and not is_initial(b)):
        return b
    return a
