"""Rosters (lists of council members) -> a named graph that feeds resolution.

A roster is a CSV or YAML file with one row per person and membership:
`name` (family name; "Meier, Jens" also works), `given_name`, `faction`, `role`, `start`,
`end`, and optionally `party`, `address` (Herr/Frau) and `title`. A person who switched
factions has one row per faction with its dates. The graph `<base>roster/<municipality>/<file>`
holds `foaf:Person`s with time-bounded `org:Membership`s (faction: `rg:Faction`, party:
`rg:Party`) and the file text itself, so the graph can be rebuilt when resolution keys change.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from rdflib import Literal, URIRef

from kg.errors import ResolveError
from kg.ids import entity_key, municipality_key, short_hash, slug
from kg.rdf import Triple, iri, person_name_triples, rdflib_triples
from kg.resolve import person_outcome
from kg.resolve_registry import (
    Observation,
    Registry,
    Signature,
    address_of_given,
    faction_key,
    given_key,
    is_initial,
    surname_key,
)
from kg.settings import Settings
from kg.vocab import DCTERMS, FOAF, ORG, RDF, RDFS, RG, SCHEMA, XSD

ROSTER_MEDIA_TYPES = {".csv": "text/csv", ".tsv": "text/tab-separated-values"}
_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ADDRESS = re.compile(r"^(Herrn?|Frau)\s+")
_TITLE = re.compile(r"^((?:Prof\.|Dr\.)(?:\s*(?:med|rer\.\s*nat|phil|jur)\.)?\s*)+")
_ROLES = (("stellv", RG.Deputy), ("vorsitz", RG.Chair), ("sachkundig", RG.AdvisoryMember))


@dataclass(frozen=True, slots=True)
class RosterRow:
    """One person and (optionally) one faction/party membership with its period."""

    surname: str
    given: str | None = None
    address: str | None = None
    title: str | None = None
    faction: str | None = None
    party: str | None = None
    role: str | None = None
    start: str | None = None
    end: str | None = None


@dataclass(frozen=True, slots=True)
class Roster:
    """A roster file of one municipality: its name, text and rows."""

    municipality: str
    name: str
    text: str
    media_type: str
    rows: tuple[RosterRow, ...]

    def graph(self, settings: Settings) -> URIRef:
        """IRI of the roster's named graph."""
        return roster_iri(settings, self.municipality, self.name)

    def observations(self, settings: Settings) -> list[Observation]:
        """What the roster contributes to the municipality's registry."""
        source = str(self.graph(settings))
        return [
            Observation(
                r.surname,
                r.given,
                r.address or address_of_given(r.given),
                r.title,
                faction_key(r.faction),
                r.start,
                r.end,
                source=source,
            )
            for r in self.rows
        ]


def roster_iri(settings: Settings, municipality: str, name: str) -> URIRef:
    """`<base>roster/<municipality>/<file slug>`.

    >>> from kg.settings import EXAMPLE_SETTINGS
    >>> str(roster_iri(EXAMPLE_SETTINGS, "Hagen", "rat-2020.csv"))
    'https://w3id.org/ratsgraph/id/roster/hagen/rat-2020-csv'
    """
    return URIRef(f"{settings.base_iri}roster/{municipality_key(municipality)}/{slug(name)}")


# ---------------------------------------------------------------- reading


def read_roster(path: Path, municipality: str | None = None) -> Roster:
    """Read a CSV or YAML roster file.

    Raises:
        ResolveError: when the file cannot be read, has no rows, a row has no name, a date
            is not a date, or no municipality is given (option or YAML `municipality:`).
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ResolveError(f"{path}: cannot read roster ({error})") from error
    media_type = ROSTER_MEDIA_TYPES.get(path.suffix.lower(), "application/yaml")
    return parse_roster(text, path.name, media_type, municipality)


def parse_roster(text: str, name: str, media_type: str, municipality: str | None) -> Roster:
    """Parse roster text (CSV, TSV or YAML).

    >>> text = "name,given_name,faction\\nMeier,Jens,SPD\\n"
    >>> r = parse_roster(text, "r.csv", "text/csv", "Hagen")
    >>> r.rows[0].surname, r.rows[0].faction
    ('Meier', 'SPD')

    Raises:
        ResolveError: see `read_roster`.
    """
    if media_type.startswith("text/"):
        delimiter = "\t" if "tab" in media_type else _sniff(text)
        records = list(csv.DictReader(io.StringIO(text), delimiter=delimiter))
    else:
        records, municipality = _yaml_records(text, name, municipality)
    if not municipality:
        raise ResolveError(f"{name}: no municipality (use --municipality)")
    rows = tuple(_row(record, name, number) for number, record in enumerate(records, start=2))
    if not rows:
        raise ResolveError(f"{name}: the roster has no rows")
    return Roster(municipality, name, text, media_type, rows)


def _sniff(text: str) -> str:
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def _yaml_records(
    text: str, name: str, municipality: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ResolveError(f"{name}: not valid YAML ({str(error).splitlines()[0]})") from error
    if isinstance(data, dict):
        municipality = municipality or _clean(data.get("municipality"))
        data = data.get("people", data.get("persons"))
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise ResolveError(f"{name}: expected a list of people (name, given_name, faction, ...)")
    return data, municipality


def _row(record: dict[str, Any], name: str, number: int) -> RosterRow:
    fields = {str(k).strip().lower(): _clean(v) for k, v in record.items() if k is not None}
    surname = fields.get("name") or fields.get("surname") or fields.get("family_name")
    given = fields.get("given_name") or fields.get("given")
    if not surname:
        raise ResolveError(f"{name}: row {number} has no name")
    address, title, surname = _prefixes(surname, fields)
    if not given and "," in surname:
        surname, given = (part.strip() for part in surname.split(",", 1))
    return RosterRow(
        surname=surname, given=given or None, address=address, title=title,
        faction=fields.get("faction"), party=fields.get("party"), role=fields.get("role"),
        start=_date(fields.get("start"), name, number), end=_date(fields.get("end"), name, number),
    )  # fmt: skip


def _prefixes(name: str, fields: dict[str, str | None]) -> tuple[str | None, str | None, str]:
    address = fields.get("address") or fields.get("anrede")
    title = fields.get("title")
    if match := _ADDRESS.match(name):
        address = address or ("Herr" if match.group(1).startswith("Herr") else "Frau")
        name = name[match.end() :]
    if match := _TITLE.match(name):
        title, name = title or match.group(0).strip(), name[match.end() :]
    if address and address.startswith("Herr"):
        address = "Herr"
    return address, title, name.strip()


def _clean(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _date(value: str | None, name: str, number: int) -> str | None:
    if not value:
        return None
    if _ISO_DATE.match(value):
        return value
    if match := _GERMAN_DATE.match(value):
        day, month, year = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    raise ResolveError(f"{name}: row {number}: {value!r} is not a date (YYYY-MM-DD or DD.MM.YYYY)")


# ---------------------------------------------------------------- the graph


def person_keys(roster: Roster, registry: Registry, settings: Settings) -> list[str]:
    """The resolution key of each row's person (rows of one name share a key)."""
    graph_key = str(roster.graph(settings))[len(settings.base_iri) :]
    local: dict[str, set[str]] = defaultdict(set)
    for row in roster.rows:
        if row.given and not is_initial(row.given):
            local[surname_key(row.surname)].add(given_key(row.given))
    keys = []
    for row in roster.rows:
        sig = Signature(row.given, row.address or address_of_given(row.given))
        bucket_local = frozenset(local[surname_key(row.surname)])
        keys.append(person_outcome(registry, graph_key, row.surname, sig, bucket_local)[0])
    return keys


def roster_digest(roster: Roster, registry: Registry, settings: Settings) -> str:
    """A digest of the roster's person keys: the graph is rebuilt when it changes."""
    keys = person_keys(roster, registry, settings)
    return short_hash(json.dumps([roster.text, keys], ensure_ascii=False), 16)


def roster_triples(roster: Roster, registry: Registry, settings: Settings) -> Iterator[Triple]:
    """The content of the roster's named graph."""
    graph = roster.graph(settings)
    base = settings.base_iri
    municipality = URIRef(base + municipality_key(roster.municipality))
    yield graph, RDF.type, FOAF.Document
    yield graph, RDFS.label, Literal(roster.name)
    yield graph, DCTERMS.source, Literal(roster.name)
    yield graph, DCTERMS.format, Literal(roster.media_type)
    yield graph, SCHEMA.text, Literal(roster.text)
    yield graph, RG.municipality, municipality
    yield municipality, RDF.type, ORG.FormalOrganization
    yield municipality, RDFS.label, Literal(roster.municipality)
    keys = person_keys(roster, registry, settings)
    for number, (row, key) in enumerate(zip(roster.rows, keys, strict=True), start=1):
        person = URIRef(base + key)
        yield from _person_triples(person, row, municipality)
        for kind, name in (("faction", row.faction), ("party", row.party)):
            if name:
                org, triples = _organisation(kind, name, roster.municipality, municipality, base)
                yield from triples
                yield from _membership(
                    URIRef(f"{graph}/membership/{number}-{kind}"), person, org, row
                )


def _person_triples(person: URIRef, row: RosterRow, municipality: URIRef) -> Iterator[Triple]:
    label = " ".join(p for p in (row.given, row.surname) if p)
    yield person, RDF.type, FOAF.Person
    yield person, RDFS.label, Literal(label, lang="de")
    yield person, RG.municipality, municipality
    names = person_name_triples(iri(person), label, row.surname, row.given, row.address, row.title)
    yield from rdflib_triples(names)


def _organisation(
    kind: str, name: str, municipality_name: str, municipality: URIRef, base: str
) -> tuple[URIRef, list[Triple]]:
    """A faction (rg:Faction) or party (rg:Party) with the same keys protocols give it."""
    from kg.lexicon import lexicon

    entry = lexicon().faction_entry(name)
    abbreviation = entry.abbreviation if entry else name
    label = (entry.label if kind == "faction" else entry.abbreviation) if entry else name
    org = URIRef(base + entity_key(municipality_name, kind, abbreviation))
    kind_type = RG.Faction if kind == "faction" else RG.Party
    triples: list[Triple] = [
        (org, RDF.type, kind_type),
        (org, RDF.type, ORG.Organization),
        (org, RDFS.label, Literal(label, lang="de")),
        (org, RG.municipality, municipality),
    ]
    if kind == "faction" and entry:
        triples.append((org, RG.partyAbbreviation, Literal(entry.abbreviation)))
    return org, triples


def _membership(node: URIRef, person: URIRef, org: URIRef, row: RosterRow) -> Iterator[Triple]:
    yield node, RDF.type, ORG.Membership
    yield node, ORG.member, person
    yield node, ORG.organization, org
    yield person, ORG.memberOf, org
    role = next(
        (concept for word, concept in _ROLES if word in (row.role or "").lower()), RG.Member
    )
    yield node, ORG.role, role
    if row.role:
        yield node, SCHEMA.description, Literal(row.role, lang="de")
    if row.start:
        yield node, SCHEMA.startDate, Literal(row.start, datatype=XSD.date)
    if row.end:
        yield node, SCHEMA.endDate, Literal(row.end, datatype=XSD.date)
