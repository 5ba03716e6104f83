"""SPARQL projections for the network analysis: the few facts each network needs, as records.

Part of the analyse stage. Nothing here converts the whole RDF graph: each query asks for
one kind of fact (statements, their acts and targets, memberships, responsibilities, group
vote counts, attendance), and `Projection` joins them in Python. A `Window` keeps what falls
between two meeting dates; facts without a date are kept only when no window is set.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from rdflib.term import Node

from kg.errors import AnalyseError
from kg.store import Store

log = logging.getLogger(__name__)

_RG = "https://w3id.org/ratsgraph/ontology#"
_OPENGOV = "http://www.w3.org/ns/opengov#"
#: rdf:type -> node kind, most specific first (a faction is also an org:Organization).
KIND_OF_TYPE: tuple[tuple[str, str], ...] = (
    ("http://xmlns.com/foaf/0.1/Person", "person"),
    (_RG + "Faction", "faction"),
    (_RG + "Party", "party"),
    ("http://www.w3.org/ns/org#OrganizationalUnit", "department"),
    (_RG + "Initiative", "initiative"),
    (_RG + "Paper", "paper"),
    ("http://schema.org/Place", "place"),
    (_RG + "Meeting", "meeting"),
    ("http://www.w3.org/ns/org#Organization", "body"),
)
_KIND_RANK = {kind: rank for rank, (_, kind) in enumerate(KIND_OF_TYPE)}
_OPTIONS = {_OPENGOV + "YesCount": "yes", _OPENGOV + "NoCount": "no"}
_OPTIONS[_OPENGOV + "AbstainCount"] = "abstain"

_Q_STATEMENTS = """
SELECT DISTINCT ?st ?speaker ?item ?meeting ?date ?source ?number ?name WHERE {
  ?st a rg:Statement ; schema:creator ?speaker ; dcterms:isPartOf ?item .
  OPTIONAL { ?item schema:superEvent ?meeting . OPTIONAL { ?meeting schema:startDate ?date } }
  OPTIONAL { ?item rg:agendaNumber ?number }
  OPTIONAL { ?item schema:name ?name }
  OPTIONAL { GRAPH ?doc { ?st a rg:Statement } ?doc dcterms:source ?source }
}"""
_Q_ACTS = "SELECT DISTINCT ?st ?o WHERE { ?st a rg:Statement ; rg:act ?o }"
_Q_ABOUT = "SELECT DISTINCT ?st ?o WHERE { ?st a rg:Statement ; rg:about ?o }"
_Q_REPLY = "SELECT DISTINCT ?st ?o WHERE { ?st a rg:Statement ; rg:inReplyTo ?o }"
_Q_BEHALF = "SELECT DISTINCT ?st ?o WHERE { ?st a rg:Statement ; rg:onBehalfOf ?o }"
_Q_QUOTES = """
SELECT DISTINCT ?st ?o WHERE {
  ?st a rg:Statement . ?ann oa:hasBody ?st ; oa:hasTarget ?target .
  ?target oa:hasSelector ?selector . ?selector a oa:TextQuoteSelector ; oa:exact ?o
}"""
_Q_TEXTS = "SELECT DISTINCT ?st ?o WHERE { ?st a rg:Statement ; schema:text ?o }"
_TYPE_VALUES = " ".join(f"<{iri}>" for iri, _ in KIND_OF_TYPE)
_Q_TYPES = f"SELECT DISTINCT ?e ?type WHERE {{ VALUES ?type {{ {_TYPE_VALUES} }} ?e a ?type }}"
_Q_LABELS = f"""
SELECT ?e ?label (COUNT(DISTINCT ?g) AS ?n) WHERE {{
  VALUES ?type {{ {_TYPE_VALUES} }}
  GRAPH ?g {{ ?e a ?type ; rdfs:label ?label }}
}} GROUP BY ?e ?label"""
_Q_MUNICIPALITIES = """
SELECT DISTINCT ?e ?m WHERE { ?e rg:municipality ?municipality . ?municipality rdfs:label ?m }"""
_Q_TIES = """
SELECT DISTINCT ?person ?rel ?org ?date WHERE {
  VALUES ?rel { org:memberOf org:headOf }
  GRAPH ?g { ?person ?rel ?org }
  OPTIONAL { ?g schema:about ?meeting . ?meeting schema:startDate ?date }
}"""
_Q_RESPONSIBLE = """
SELECT DISTINCT ?initiative ?unit ?date WHERE {
  GRAPH ?g { ?initiative rg:responsibleUnit ?unit }
  OPTIONAL { ?g schema:about ?meeting . ?meeting schema:startDate ?date }
}"""
_Q_GROUP_VOTES = """
SELECT DISTINCT ?vote ?meeting ?date ?result ?type ?value ?group WHERE {
  ?vote a rg:VoteEvent ; opengov:count ?count .
  ?count a ?type ; rdf:value ?value ; opengov:group ?group .
  OPTIONAL { ?vote opengov:result ?result }
  OPTIONAL { ?vote opengov:motion ?item . ?item schema:superEvent ?meeting }
  OPTIONAL { ?vote schema:startDate ?date }
}"""
_Q_ATTENDANCE = "SELECT DISTINCT ?meeting ?person WHERE { ?meeting schema:attendee ?person }"


@dataclass(frozen=True, slots=True)
class Window:
    """A closed range of meeting dates (ISO `YYYY-MM-DD`); `None` leaves a side open.

    >>> Window("2022-01-01", None).contains("2022-02-15"), Window("2022-01-01").contains(None)
    (True, False)
    """

    since: str | None = None
    until: str | None = None

    def __post_init__(self) -> None:
        for value in (self.since, self.until):
            if value is not None:
                parse_date(value)
        if self.since and self.until and self.since > self.until:
            raise AnalyseError(f"--since {self.since} is after --until {self.until}")

    @property
    def open(self) -> bool:
        """True when neither side is set (facts without a date are kept)."""
        return self.since is None and self.until is None

    def contains(self, date: str | None) -> bool:
        """Whether a fact dated `date` falls into the window."""
        if date is None:
            return self.open
        return (self.since is None or date >= self.since) and (
            self.until is None or date <= self.until
        )

    def any(self, dates: Iterable[str]) -> bool:
        """Whether a fact stated on several dates (or none) falls into the window."""
        listed = tuple(dates)
        return self.open or any(self.contains(d) for d in listed)


def parse_date(value: str) -> dt.date:
    """Parse an ISO date.

    Raises:
        AnalyseError: when `value` is not `YYYY-MM-DD`.
    """
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise AnalyseError(f"not an ISO date (YYYY-MM-DD): {value!r}") from None


def period_of(date: str, period: str) -> str:
    """The slice a date belongs to: `2022` for years, `2022-Q1` for quarters.

    >>> period_of("2022-02-15", "year"), period_of("2022-11-03", "quarter")
    ('2022', '2022-Q4')

    Raises:
        AnalyseError: for a period other than year or quarter.
    """
    if period == "year":
        return date[:4]
    if period == "quarter":
        return f"{date[:4]}-Q{(int(date[5:7]) - 1) // 3 + 1}"
    raise AnalyseError(f"unknown period {period!r} (use year or quarter)")


@dataclass(frozen=True, slots=True)
class Entity:
    """A node candidate: IRI, the label most documents use and its kind."""

    iri: str
    label: str
    kind: str
    municipality: str = ""


@dataclass(frozen=True, slots=True)
class StatementRecord:
    """One Wortbeitrag with what the networks need; `acts` are local names like `Question`."""

    iri: str
    speaker: str
    item: str
    item_label: str
    meeting: str | None
    date: str | None
    doc: str
    acts: tuple[str, ...] = ()
    about: tuple[str, ...] = ()
    reply_to: str | None = None
    on_behalf_of: str | None = None
    quote: str = ""


@dataclass(frozen=True, slots=True)
class Tie:
    """`person org:memberOf|org:headOf org`, with the meeting dates of the stating documents."""

    person: str
    relation: str
    org: str
    dates: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Responsibility:
    """`initiative rg:responsibleUnit unit`, with the dates of the stating documents."""

    initiative: str
    unit: str
    dates: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class GroupVote:
    """One per-faction count of a vote (`opengov:count [ opengov:group faction ]`)."""

    vote: str
    meeting: str | None
    date: str | None
    result: str | None
    faction: str
    option: str
    count: int


@dataclass(frozen=True, slots=True)
class Projection:
    """The facts of a store (within a window) that the networks are built from."""

    window: Window
    entities: Mapping[str, Entity]
    statements: tuple[StatementRecord, ...]
    ties: tuple[Tie, ...]
    responsibilities: tuple[Responsibility, ...]
    group_votes: tuple[GroupVote, ...]
    attendance: tuple[tuple[str, str], ...]
    factions_of: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    roles: Mapping[str, str] = field(default_factory=dict)

    def label(self, iri: str) -> str:
        """Label of an entity, else the last segment of its IRI."""
        entity = self.entities.get(iri)
        return entity.label if entity else iri.rstrip("/").rsplit("/", 1)[-1]

    def kind(self, iri: str) -> str:
        """Kind of an entity (person, faction, ...), `unknown` when it has no known type."""
        entity = self.entities.get(iri)
        return entity.kind if entity else "unknown"

    def faction_of(self, person: str) -> str | None:
        """The person's main faction: most often stated membership, else most spoken for."""
        factions = self.factions_of.get(person, ())
        return factions[0] if factions else None

    def statement_faction(self, statement: StatementRecord) -> str | None:
        """`rg:onBehalfOf` of the statement, else the speaker's faction."""
        return statement.on_behalf_of or self.faction_of(statement.speaker)


def load_projection(
    store: Store, window: Window | None = None, municipality: str | None = None
) -> Projection:
    """Run the projection queries and join their rows; `municipality` keeps one town's facts.

    Raises:
        StoreError: when the store cannot be read.
        AnalyseError: when no entity belongs to `municipality`.
    """
    window = window or Window()
    entities = _entities(store)
    local = _local(entities, municipality)
    if municipality is None:
        entities = _disambiguated(entities)
    statements = tuple(
        s for s in _statements(store) if window.contains(s.date) and local(s.speaker)
    )
    ties = tuple(t for t in _ties(store) if local(t.person))
    projection = Projection(
        window=window,
        entities=entities,
        statements=statements,
        ties=ties,
        responsibilities=tuple(r for r in _responsibilities(store) if local(r.unit)),
        group_votes=tuple(
            v for v in _group_votes(store) if window.contains(v.date) and local(v.faction)
        ),
        attendance=tuple(
            sorted(p for p in _pairs(store, _Q_ATTENDANCE, "meeting", "person") if local(p[1]))
        ),
        factions_of=(factions_of := _factions_of(entities, ties, statements)),
        roles=_roles(entities, ties, factions_of),
    )
    log.info(
        "projection: %d entities, %d statements, %d ties, %d group votes",
        len(entities), len(statements), len(ties), len(projection.group_votes),
    )  # fmt: skip
    return projection


def _local(entities: Mapping[str, Entity], municipality: str | None) -> Callable[[str], bool]:
    if municipality is None:
        return lambda _iri: True
    wanted = municipality.casefold()
    keep = {iri for iri, e in entities.items() if e.municipality.casefold() == wanted}
    if not keep:
        known = sorted({e.municipality for e in entities.values() if e.municipality})
        raise AnalyseError(
            f"no entities of municipality {municipality!r} (known: {', '.join(known)})"
        )
    return keep.__contains__


def _text(row: Mapping[str, Node], key: str) -> str | None:
    value = row.get(key)
    return str(value) if value is not None else None


def _pairs(store: Store, sparql: str, left: str = "st", right: str = "o") -> set[tuple[str, str]]:
    return {(str(row[left]), str(row[right])) for row in store.select(sparql)}


def _grouped(store: Store, sparql: str) -> dict[str, tuple[str, ...]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for left, right in sorted(_pairs(store, sparql)):
        grouped[left].append(right)
    return {key: tuple(values) for key, values in grouped.items()}


def _entities(store: Store) -> dict[str, Entity]:
    kinds: dict[str, str] = {}
    type_kind = dict(KIND_OF_TYPE)
    for row in store.select(_Q_TYPES):
        iri, kind = str(row["e"]), type_kind[str(row["type"])]
        if iri not in kinds or _KIND_RANK[kind] < _KIND_RANK[kinds[iri]]:
            kinds[iri] = kind
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for row in store.select(_Q_LABELS):
        votes[str(row["e"])][str(row["label"])] += int(str(row["n"]))
    labels = {iri: min(c, key=lambda label: (-c[label], label)) for iri, c in votes.items()}
    towns = dict(sorted(_pairs(store, _Q_MUNICIPALITIES, "e", "m"), reverse=True))
    entities = {
        iri: Entity(iri, labels.get(iri, _tail(iri)), kinds[iri], towns.get(iri, ""))
        for iri in sorted(kinds)
    }
    return entities


def _disambiguated(entities: dict[str, Entity]) -> dict[str, Entity]:
    """Append the municipality to labels that entities of several municipalities share
    ("CDU-Fraktion (Hagen)"), so tables and charts never merge them."""
    towns: dict[tuple[str, str], set[str]] = defaultdict(set)
    for entity in entities.values():
        towns[entity.kind, entity.label].add(entity.municipality)
    return {
        iri: dataclasses.replace(e, label=f"{e.label} ({e.municipality})")
        if len(towns[e.kind, e.label]) > 1 and e.municipality else e
        for iri, e in entities.items()
    }  # fmt: skip


def _tail(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _statements(store: Store) -> list[StatementRecord]:
    acts = _grouped(store, _Q_ACTS)
    about = _grouped(store, _Q_ABOUT)
    replies = dict(sorted(_pairs(store, _Q_REPLY)))
    behalf = dict(sorted(_pairs(store, _Q_BEHALF)))
    quotes = _quotes(store)
    records: dict[str, StatementRecord] = {}
    for row in store.select(_Q_STATEMENTS):
        iri = str(row["st"])
        record = StatementRecord(
            iri=iri,
            speaker=str(row["speaker"]),
            item=str(row["item"]),
            item_label=_item_label(row),
            meeting=_text(row, "meeting"),
            date=_text(row, "date"),
            doc=_text(row, "source") or iri.rsplit("/statement/", 1)[0],
            acts=tuple(a.rsplit("#", 1)[-1] for a in acts.get(iri, ())),
            about=about.get(iri, ()),
            reply_to=replies.get(iri),
            on_behalf_of=behalf.get(iri),
            quote=quotes.get(iri, ""),
        )
        previous = records.get(iri)
        if previous is None or _record_key(record) < _record_key(previous):
            records[iri] = record
    return [records[iri] for iri in sorted(records, key=lambda i: _statement_order(records[i]))]


def _record_key(record: StatementRecord) -> tuple[str, ...]:
    return (record.date or "~", record.item, record.item_label, record.doc)


def _statement_order(record: StatementRecord) -> tuple[str, str, int, str]:
    number = record.iri.rsplit("/", 1)[-1]
    return (record.date or "~", record.doc, int(number) if number.isdigit() else 0, record.iri)


def _item_label(row: Mapping[str, Node]) -> str:
    number, name = _text(row, "number"), _text(row, "name")
    if number and name:
        return f"TOP {number} {name}"
    return name or (f"TOP {number}" if number else "")


def _quotes(store: Store) -> dict[str, str]:
    """Exact quote from the statement's annotation; `schema:text` only where none exists."""
    quotes = dict(sorted(_pairs(store, _Q_TEXTS)))
    quotes.update(sorted(_pairs(store, _Q_QUOTES)))
    return quotes


def _dated(store: Store, sparql: str, keys: tuple[str, ...]) -> dict[tuple[str, ...], list[str]]:
    facts: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for row in store.select(sparql):
        key = tuple(str(row[k]) for k in keys)
        date = _text(row, "date")
        facts[key].extend([date] if date else [])
    return facts


def _ties(store: Store) -> tuple[Tie, ...]:
    facts = _dated(store, _Q_TIES, ("person", "rel", "org"))
    return tuple(
        Tie(person, "head_of" if rel.endswith("headOf") else "member_of", org,
            tuple(sorted(set(dates))))
        for (person, rel, org), dates in sorted(facts.items())
    )  # fmt: skip


def _responsibilities(store: Store) -> tuple[Responsibility, ...]:
    facts = _dated(store, _Q_RESPONSIBLE, ("initiative", "unit"))
    return tuple(
        Responsibility(initiative, unit, tuple(sorted(set(dates))))
        for (initiative, unit), dates in sorted(facts.items())
    )


def _group_votes(store: Store) -> list[GroupVote]:
    votes = set()
    for row in store.select(_Q_GROUP_VOTES):
        option = _OPTIONS.get(str(row["type"]))
        if option is None:
            continue
        result = _text(row, "result")
        votes.add(
            GroupVote(
                vote=str(row["vote"]),
                meeting=_text(row, "meeting"),
                date=_text(row, "date"),
                result=result.rsplit("#", 1)[-1] if result else None,
                faction=str(row["group"]),
                option=option,
                count=int(str(row["value"])),
            )
        )
    return sorted(votes, key=lambda v: (v.date or "~", v.vote, v.faction, v.option))


def _factions_of(
    entities: Mapping[str, Entity], ties: Iterable[Tie], statements: Iterable[StatementRecord]
) -> dict[str, tuple[str, ...]]:
    """Per person, their factions: most often stated first, then the ones they spoke for."""
    stated: dict[str, Counter[str]] = defaultdict(Counter)
    for tie in ties:
        entity = entities.get(tie.org)
        if entity is not None and entity.kind == "faction":
            stated[tie.person][tie.org] += max(1, len(tie.dates))
    spoken: dict[str, Counter[str]] = defaultdict(Counter)
    for statement in statements:
        if statement.on_behalf_of:
            spoken[statement.speaker][statement.on_behalf_of] += 1
    result: dict[str, tuple[str, ...]] = {}
    for person in sorted(set(stated) | set(spoken)):
        ranked = _ranked(stated[person]) + _ranked(spoken[person])
        result[person] = tuple(dict.fromkeys(ranked))
    return result


def _ranked(counts: Counter[str]) -> list[str]:
    return sorted(counts, key=lambda key: (-counts[key], key))


def _roles(
    entities: Mapping[str, Entity], ties: Iterable[Tie], factions_of: Mapping[str, object]
) -> dict[str, str]:
    """`administration` for heads/members of a unit or initiative, `council` for faction
    members; persons the documents say nothing about get no role."""
    roles = {person: "council" for person in factions_of}
    for tie in ties:
        entity = entities.get(tie.org)
        if entity is not None and entity.kind in ("department", "initiative"):
            roles[tie.person] = "administration"
    return dict(sorted(roles.items()))
