"""IRIs of OParl objects: the same keys protocols give, so both meet in one node.

Persons are keyed by a resolution `Registry` built from the body's own people (as protocol
resolution keys them: surname, plus first name when the surname is shared), factions by party
abbreviation (`kg.lexicon`), bodies, units and papers by `kg.ids.entity_key`, meetings by
`kg.ids.meeting_key` (municipality, date, organizing body). Vocabulary choices that depend on
German words (organization kinds, body types, roles, forms of address) come from
`kg/patterns/oparl.yaml`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple, TypeVar
from urllib.parse import quote, urlsplit

from rdflib import URIRef

from kg.errors import RdfError
from kg.ids import entity_key, fold, meeting_key, short_hash, slug
from kg.lexicon import lexicon, load_yaml
from kg.oparl_models import BodyData, OParlMeeting, OParlOrganization, OParlPerson, WarningLog
from kg.resolve_registry import (
    Observation,
    Registry,
    Signature,
    faction_key,
    person_key,
    surname_key,
)
from kg.settings import Settings
from kg.vocab import DCTERMS, OWL, RG, XSD

T = TypeVar("T")
_BOOLEAN = str(XSD.boolean)
_NT_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r"}
_NT_ESCAPES.update({c: f"\\u{c:04X}" for c in range(0x20) if c not in _NT_ESCAPES})
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


class Lit(NamedTuple):
    """A literal, made and written far faster than an rdflib `Literal` (the mapping makes
    hundreds of thousands); `datatype` is an IRI, `lang` a language tag."""

    value: str
    lang: str | None = None
    datatype: str | None = None

    def nt(self) -> str:
        """The literal in N-Triples syntax.

        >>> Lit('Sie sagte: "Nein"', "de").nt()
        '"Sie sagte: \\\\"Nein\\\\""@de'
        """
        lexical = self.value.translate(_NT_ESCAPES)
        if self.lang:
            return f'"{lexical}"@{self.lang}'
        if self.datatype:
            return f'"{lexical}"^^<{self.datatype}>'
        return f'"{lexical}"'


Term = URIRef | Lit
Triple = tuple[URIRef, URIRef, Term]


def plain(text: str) -> Lit:
    """A plain string literal."""
    return Lit(text)


def de(text: str) -> Lit:
    """German text (`@de`)."""
    return Lit(text, "de")


def typed(value: str, datatype: URIRef) -> Lit:
    """A typed literal, e.g. `typed("2024-03-12", XSD.date)`."""
    return Lit(value, None, str(datatype))


def boolean(flag: bool) -> Lit:
    """An xsd:boolean."""
    return Lit("true" if flag else "false", None, _BOOLEAN)


def nt_line(triple: Triple) -> str:
    """One triple as an N-Triples line.

    >>> nt_line((URIRef("http://a/s"), URIRef("http://a/p"), boolean(True)))
    '<http://a/s> <http://a/p> "true"^^<http://www.w3.org/2001/XMLSchema#boolean> .\\n'

    Raises:
        RdfError: for an IRI that N-Triples cannot carry.
    """
    subject, predicate, obj = triple
    for iri in (subject, predicate, obj):
        if isinstance(iri, URIRef) and _NOT_IN_IRI.search(iri):
            raise RdfError(f"not a valid IRI: {str(iri)[:200]!r}")
    value = obj.nt() if isinstance(obj, Lit) else f"<{obj}>"
    return f"<{subject}> <{predicate}> {value} .\n"


@dataclass(frozen=True, slots=True)
class OParlPatterns:
    """The compiled word lists of kg/patterns/oparl.yaml (value, pattern) in match order."""

    kinds: tuple[tuple[str, re.Pattern[str]], ...]
    body_types: tuple[tuple[URIRef, re.Pattern[str]], ...]
    roles: tuple[tuple[URIRef, re.Pattern[str]], ...]
    addresses: tuple[tuple[str, re.Pattern[str]], ...]
    results: tuple[tuple[URIRef, re.Pattern[str]], ...]
    protocol_names: re.Pattern[str]
    not_protocol_names: re.Pattern[str]


@functools.cache
def oparl_patterns() -> OParlPatterns:
    """kg/patterns/oparl.yaml and the vote results of kg/patterns/votes.yaml, compiled.

    Raises:
        ExtractError: when a pattern file is missing or malformed.
    """
    data = load_yaml("oparl.yaml")
    results = lexicon().votes["results"]
    addresses, protocols = data["forms_of_address"], data["protocol_file_names"]
    return OParlPatterns(
        kinds=tuple((str(e["kind"]), _any(e["patterns"])) for e in data["organization_kinds"]),
        body_types=tuple((RG[e["concept"]], _any(e["patterns"])) for e in data["body_types"]),
        roles=tuple((RG[e["concept"]], _any(e["patterns"])) for e in data["roles"]),
        addresses=tuple((str(k), _any(v)) for k, v in addresses.items()),
        results=tuple((RG[k], _any(v["patterns"], re.IGNORECASE)) for k, v in results.items()),
        protocol_names=_any(protocols["patterns"]),
        not_protocol_names=_any(protocols["except"]),
    )


def _any(patterns: list[str], flags: int = 0) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), flags)


def first_match(table: tuple[tuple[T, re.Pattern[str]], ...], *texts: str | None) -> T | None:
    """The value of the first pattern found in the folded texts (tried in order)."""
    for text in texts:
        if text:
            folded = fold(text)
            for value, pattern in table:
                if pattern.search(folded):
                    return value
    return None


@functools.lru_cache(maxsize=1 << 17)
def oparl_iri(ident: str) -> URIRef | None:
    """The OParl id as an IRI (unsafe characters percent-encoded); None if not http(s).

    >>> oparl_iri("https://ris.example/bi/persons.asp?id=1 2")
    rdflib.term.URIRef('https://ris.example/bi/persons.asp?id=1%202')
    >>> oparl_iri("urn:x") is None
    True
    """
    parts = urlsplit(ident)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return URIRef(quote(ident, safe=":/?#[]@!$&'()*+,;=%-._~"))


def date_of(moment: str | None) -> str | None:
    """The date (as written, in its own time zone) of an ISO date-time.

    >>> date_of("2024-03-12T23:30:00-05:00"), date_of("20240312T1600"), date_of(None)
    ('2024-03-12', '2024-03-12', None)
    """
    if not moment:
        return None
    try:
        return dt.datetime.fromisoformat(moment.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        return None


def graph_iri(settings: Settings, body_id: str) -> URIRef:
    """IRI of the named graph of an OParl body.

    >>> from kg.settings import EXAMPLE_SETTINGS
    >>> graph_iri(EXAMPLE_SETTINGS, "https://oparl.example.org/body/0")
    rdflib.term.URIRef('https://w3id.org/ratsgraph/id/oparl/https-oparl-example-org-body-0')
    """
    return URIRef(f"{settings.base_iri}oparl/{slug(body_id)}")


class OParlKeys:
    """The IRIs of a body's objects, and the references they make (missing ones warned once)."""

    def __init__(
        self, data: BodyData, settings: Settings, as_of: dt.date, warnings: WarningLog
    ) -> None:
        self.data, self.settings, self.as_of, self.warnings = data, settings, as_of, warnings
        self.base = settings.base_iri
        self.muni = data.municipality
        self.graph = graph_iri(settings, data.body.id)
        self.municipality = URIRef(self.base + slug(self.muni))
        self.patterns = oparl_patterns()
        self.org_of = {o.id: o for o in data.organizations}
        self.observations = self._observations()
        self.person_of = {p.id: p for p in data.persons}
        self.file_of = {f.id: f for f in data.files}
        self.paper_of = {p.id: p for p in data.papers}
        self.unavailable = dict(data.unavailable)
        self.reported: set[str] = set()
        self.placeholders: dict[str, OParlOrganization] = {}
        self.person_iri = self._person_iris()
        self.org_iri = {o.id: self._org_iri(o) for o in data.organizations}
        self.council = self._council()
        self.meeting_iri = {m.id: self._meeting_iri(m) for m in data.meetings}
        self.meeting_date = {m.id: date_of(m.start) for m in data.meetings}
        self.item_iri = self._item_iris()

    # ------------------------------------------------------------ keys and IRIs

    def node(self, key: str) -> URIRef:
        return URIRef(self.base + key)

    def local(self, part: str, ident: str) -> URIRef:
        return URIRef(f"{self.graph}/{part}/{short_hash(ident, 16)}")

    def kind(self, org: OParlOrganization) -> str:
        found = first_match(self.patterns.kinds, org.organization_type, org.classification)
        return found or "body"

    def abbreviation(self, org: OParlOrganization) -> str | None:
        for text in (org.short_name, org.name):
            entry = lexicon().faction_entry(text) if text else None
            if entry:
                return entry.abbreviation
        return None

    def faction_name(self, org: OParlOrganization) -> str:
        """ "WGH" for "Fraktion WGH": the name protocols key an unknown group by."""
        return strip_faction_words(org.short_name or org.name)

    def _org_iri(self, org: OParlOrganization) -> URIRef:
        kind = self.kind(org)
        if kind in ("faction", "party"):
            name = self.abbreviation(org) or self.faction_name(org)
            return self.node(entity_key(self.muni, kind, name))
        return self.node(entity_key(self.muni, kind, org.name))

    def _council(self) -> URIRef:
        councils = {
            self.org_iri[o.id]
            for o in self.data.organizations
            if self.kind(o) == "body" and self.body_type(o) == RG.Council
        }
        return next(iter(councils)) if len(councils) == 1 else self.municipality

    def body_type(self, org: OParlOrganization) -> URIRef | None:
        return first_match(self.patterns.body_types, org.classification, org.name)

    def _person_iris(self) -> dict[str, URIRef]:
        """Person keys as protocol resolution makes them, from a registry of this body."""
        registry = Registry.build(self.muni, self.observations)
        iris = {}
        for person in self.data.persons:
            if not person.family_name:
                self.warnings.warn("bad-value", f"{person.id}: person without a name skipped")
                continue
            signature = Signature(person.given_name, self.address(person))
            fitting = registry.fitting(person.family_name, signature)
            if len(fitting) == 1:
                key = registry.key(fitting[0])
            else:  # a bare surname among several people of that name: keyed by its OParl id
                qualifier = f"oparl {short_hash(person.id)}"
                key = person_key(self.muni, surname_key(person.family_name), qualifier)
            iris[person.id] = self.node(key)
        return iris

    def address(self, person: OParlPerson) -> str | None:
        """ "Herr"/"Frau" from formOfAddress ("Ratsfrau" -> "Frau"), else None."""
        return first_match(self.patterns.addresses, person.form_of_address)

    def _observations(self) -> tuple[Observation, ...]:
        found: set[Observation] = set()
        person_of = {p.id: p for p in self.data.persons if p.family_name}
        for person in person_of.values():
            found.add(self._observation(person, None, None, None))
        for m in self.data.memberships:
            org, member = self.org_of.get(m.organization or ""), person_of.get(m.person or "")
            if org is None or member is None or self.kind(org) != "faction":
                continue
            faction = faction_key(self.abbreviation(org) or self.faction_name(org))
            if faction:
                found.add(self._observation(member, faction, m.start_date, m.end_date))
        return tuple(sorted(found, key=Observation.sort_key))

    def _observation(
        self, person: OParlPerson, faction: str | None, start: str | None, end: str | None
    ) -> Observation:
        return Observation(
            surname=person.family_name or "", given=person.given_name,
            address=self.address(person), title=" ".join(person.titles) or None,
            faction=faction, start=start, end=end, source=person.id,
        )  # fmt: skip

    def _meeting_iri(self, meeting: OParlMeeting) -> URIRef:
        date = date_of(meeting.start)
        organizer = next(
            (self.org_of[o].name for o in meeting.organizations if o in self.org_of), None
        )
        fallback = f"oparl-{short_hash(meeting.id)}"
        return self.node(meeting_key(self.muni, date, organizer, fallback))

    def _item_iris(self) -> dict[str, URIRef]:
        iris: dict[str, URIRef] = {}
        used: set[URIRef] = set()
        for item in self.data.agenda_items:
            meeting = self.meeting_iri.get(item.meeting or "")
            if meeting is None:
                continue
            part = slug(item.number) if item.number else f"oparl-{short_hash(item.id)}"
            iri = URIRef(f"{meeting}/top-{part}")
            if iri in used:
                iri = URIRef(f"{iri}-{short_hash(item.id)}")
            used.add(iri)
            iris[item.id] = iri
        return iris

    def missing(self, ident: str, kind: str, referrer: str, action: str = "skipped") -> None:
        """Warn once per id about a reference the data does not resolve."""
        if ident in self.reported:
            return
        self.reported.add(ident)
        reason = self.unavailable.get(ident, "not in the data")
        self.warnings.warn("missing-object", f"{referrer}: {kind} {ident} ({reason}); {action}")

    def organization(self, ident: str, referrer: str) -> URIRef:
        """IRI of a referenced organization; a placeholder node when it is unavailable."""
        if ident in self.org_iri:
            return self.org_iri[ident]
        self.missing(ident, "organization", referrer, "placeholder")
        tail = "/".join(ident.rstrip("/").split("/")[-2:])
        self.placeholders.setdefault(ident, OParlOrganization(ident, f"OParl-Organisation {tail}"))
        return self.placeholder(ident)

    def placeholder(self, ident: str) -> URIRef:
        return self.node(entity_key(self.muni, "body", f"oparl-{short_hash(ident)}"))

    def person(self, ident: str, referrer: str) -> URIRef | None:
        if ident not in self.person_iri:
            self.missing(ident, "person", referrer)
        return self.person_iri.get(ident)

    def provenance(self, node: URIRef, ident: str) -> Iterator[Triple]:
        yield node, DCTERMS.source, plain(ident)
        same = oparl_iri(ident)
        if same is not None:
            yield node, OWL.sameAs, same

    # ------------------------------------------------------------ triples


_FACTION_WORDS = re.compile(r"(?i)\b(?:rats|kreistags|bezirks)?fraktion\b(?:\s+(?:der|des))?|-$")


def strip_faction_words(name: str) -> str:
    """ "Fraktion WGH" -> "WGH", "WGH-Fraktion" -> "WGH" (the key protocols give a group).

    >>> strip_faction_words("WGH-Fraktion"), strip_faction_words("Ratsfraktion der WGH")
    ('WGH', 'WGH')
    """
    stripped = _FACTION_WORDS.sub(" ", name.replace("-Fraktion", " ").replace("-fraktion", " "))
    return " ".join(stripped.split()) or name
