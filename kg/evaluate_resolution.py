"""Pairwise precision and recall of person clustering across the documents of a municipality.

The gold files list the persons of each document (tests/gold/README.md). Across documents,
gold identity is defined by name, the way a careful reader of one council's protocols would:

- persons are grouped by surname (umlaut/ß-folded, case-insensitive, particles dropped);
- inside a surname group, each full first name is one person ("Claudia Middendorf");
- an entry without a first name (or with initials only) is the one named person it is
  compatible with (initial, form of address — also as implied by the first name); if no
  named person fits, it is the person of its form of address ("Herr Schmidt" in three
  protocols is one man; "Frau Bindert" and "Herr Bindert" are two people); if several fit,
  it is a person of its own (the gold itself cannot say);
- two entries of one document are always different people (a gold file lists each once).

System clustering: the IRI the store gives the person in that document's graph (matched by
surname, compatible first name and address). Entries the extraction did not find are left
out and reported as coverage. Over all pairs of matched entries of a municipality, a pair is
gold-positive when both entries are the same gold person and system-positive when both have
the same IRI: precision = both / system-positive, recall = both / gold-positive.
"""

from __future__ import annotations

import json
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

from kg.errors import KgError
from kg.pipeline import ingest
from kg.resolve_registry import (
    address_of_given,
    faction_key,
    given_fits,
    given_key,
    is_initial,
    surname_key,
)
from kg.settings import Settings
from kg.store import Store

MUNICIPALITIES = ("Hagen", "Dortmund", "Hannover")

_PERSONS = (
    "SELECT ?file ?p ?family ?given ?address WHERE { GRAPH ?g { ?g a rg:Protocol ; "
    "rdfs:label ?file . ?p a foaf:Person ; foaf:familyName ?family . "
    "OPTIONAL { ?p foaf:givenName ?given } OPTIONAL { ?p rg:formOfAddress ?address } } }"
)


@dataclass(frozen=True, slots=True)
class GoldPerson:
    """One person entry of one gold file."""

    municipality: str
    file: str
    surname: str
    given: str | None
    address: str | None
    faction: str | None = None

    @property
    def implied_address(self) -> str | None:
        """The written form of address, else the one the first name implies."""
        return self.address or address_of_given(self.given)


@dataclass(frozen=True, slots=True)
class ClusterScore:
    """Pair counts of one municipality (or all, `municipality="all"`)."""

    municipality: str
    both: int
    system: int
    gold: int
    matched: int
    entries: int

    @property
    def precision(self) -> float:
        """Pairs the system joins that gold joins too; 1.0 when the system joins none."""
        return self.both / self.system if self.system else 1.0

    @property
    def recall(self) -> float:
        """Pairs gold joins that the system joins too; 1.0 when gold joins none."""
        return self.both / self.gold if self.gold else 1.0

    @property
    def coverage(self) -> float:
        """Share of gold entries the extraction found."""
        return self.matched / self.entries if self.entries else 1.0


def gold_files(gold_dir: Path) -> list[dict[str, Any]]:
    """The gold files of a folder: `*.gold.json` (synthetic corpus) or else `*.json`.

    Raises:
        KgError: when the folder has no gold files.
    """
    paths = sorted(gold_dir.glob("*.gold.json")) or sorted(
        p for p in gold_dir.glob("*.json") if not p.name.startswith(".")
    )
    golds = [json.loads(p.read_text(encoding="utf-8")) for p in paths]
    golds = [g for g in golds if isinstance(g, dict) and "persons" in g and "city" in g]
    if not golds:
        raise KgError(f"no gold JSON files in {gold_dir}")
    return golds


def compared_municipalities(golds: list[dict[str, Any]]) -> list[str]:
    """Municipalities with at least two gold documents (only they have pairs across documents)."""
    documents: dict[str, int] = defaultdict(int)
    for gold in golds:
        documents[gold["city"]] += 1
    return sorted(m for m, n in documents.items() if n >= 2)


def gold_persons(gold_dir: Path, municipalities: Iterable[str] | None = None) -> list[GoldPerson]:
    """The person entries of the gold files of `municipalities` (default: those with pairs).

    Raises:
        KgError: when the folder has no gold files.
    """
    golds = gold_files(gold_dir)
    wanted = set(municipalities if municipalities is not None else compared_municipalities(golds))
    entries = []
    for gold in golds:
        if gold.get("city") not in wanted:
            continue
        persons = gold["persons"]
        for person in persons:
            faction = _gold_faction(person, persons, gold.get("memberships", []))
            entries.append(
                GoldPerson(
                    gold["city"], gold["file"], person["surname"], person.get("given"),
                    person.get("address"), faction,
                )
            )  # fmt: skip
    return entries


def _gold_faction(
    person: dict[str, Any], persons: list[dict[str, Any]], memberships: list[dict[str, Any]]
) -> str | None:
    """The faction the gold file gives this person (memberships name persons by surname, or
    by first name / form of address plus surname when two share it)."""
    surname = surname_key(person["surname"])
    same = [p for p in persons if surname_key(p["surname"]) == surname]
    for membership in memberships:
        words = str(membership.get("person", "")).split()
        if not any(surname_key(" ".join(words[i:])) == surname for i in range(len(words))):
            continue
        qualifier = words[0] if len(words) > 1 else None
        if len(same) > 1 and qualifier not in (person.get("given"), person.get("address")):
            continue
        return faction_key(str(membership.get("faction", "")))
    return None


def gold_clusters(entries: list[GoldPerson]) -> dict[GoldPerson, str]:
    """The gold person id of every entry (the rule of the module docstring)."""
    groups: dict[tuple[str, str], list[GoldPerson]] = defaultdict(list)
    for entry in entries:
        groups[(entry.municipality, surname_key(entry.surname))].append(entry)
    cluster: dict[GoldPerson, str] = {}
    for (municipality, surname), group in groups.items():
        named = _named(group)
        for entry in group:
            cluster[entry] = _gold_id(entry, named, group, f"{municipality}/{surname}")
    return cluster


@dataclass(slots=True)
class _Named:
    """A full first name of a surname group: forms of address and factions it comes with."""

    addresses: set[str]
    factions: set[str]


def _named(group: list[GoldPerson]) -> dict[str, _Named]:
    named: dict[str, _Named] = {}
    for entry in group:
        if entry.given and not is_initial(entry.given):
            found = named.setdefault(given_key(entry.given), _Named(set(), set()))
            found.addresses |= {entry.implied_address} if entry.implied_address else set()
            found.factions |= {entry.faction} if entry.faction else set()
    return named


def _gold_id(entry: GoldPerson, named: dict[str, _Named], group: list[GoldPerson], at: str) -> str:
    if entry.given and not is_initial(entry.given):
        return f"{at}/{given_key(entry.given)}"
    address = entry.implied_address
    fitting = [
        g for g, n in named.items()
        if given_fits(entry.given, g) and (not address or not n.addresses or address in n.addresses)
    ]  # fmt: skip
    if len(fitting) > 1 and entry.faction:  # "Günther (Grüne)": the Günther of the Grüne
        by_faction = [g for g in fitting if entry.faction in named[g].factions]
        fitting = by_faction or fitting
    if len(fitting) == 1:
        return f"{at}/{fitting[0]}"
    if fitting:
        return f"{at}/{entry.file}/{entry.given}/{address}"
    if address:
        return f"{at}/{address}"
    addresses = {e.implied_address for e in group if e.implied_address}
    if len(addresses) <= 1:
        return f"{at}/{next(iter(addresses), None)}"
    return f"{at}/{entry.file}/{address}"


# ---------------------------------------------------------------- the system's side


def system_clusters(store: Store, entries: list[GoldPerson]) -> dict[GoldPerson, str]:
    """The IRI the store gives each gold entry in its document (entries not found left out)."""
    by_file: dict[str, list[tuple[str, str, str | None, str | None]]] = defaultdict(list)
    for row in store.select(_PERSONS, union=False):
        given, address = row.get("given"), row.get("address")
        by_file[str(row["file"])].append(
            (str(row["p"]), str(row["family"]), str(given) if given else None,
             str(address) if address else None)
        )  # fmt: skip
    found = {}
    for entry in entries:
        iri = _best_match(entry, by_file.get(entry.file, []))
        if iri is not None:
            found[entry] = iri
    return found


def _best_match(
    entry: GoldPerson, persons: list[tuple[str, str, str | None, str | None]]
) -> str | None:
    surname = surname_key(entry.surname)
    scored = []
    for iri, family, given, address in persons:
        implied = address or address_of_given(given)
        wanted = entry.implied_address
        if surname_key(family) != surname or not given_fits(entry.given, given):
            continue
        if wanted and implied and wanted != implied:
            continue
        exact = bool(entry.given and given and given_key(entry.given) == given_key(given))
        scored.append((not exact, not (wanted and implied == wanted), iri))
    return min(scored)[2] if scored else None


def score_clustering(
    entries: list[GoldPerson], gold: dict[GoldPerson, str], system: dict[GoldPerson, str]
) -> list[ClusterScore]:
    """Pair counts per municipality plus the total ("all")."""
    scores = []
    totals = [0, 0, 0, 0, 0]
    for municipality in sorted({e.municipality for e in entries}):
        mine = [e for e in entries if e.municipality == municipality]
        matched = [e for e in mine if e in system]
        both = sys_pairs = gold_pairs = 0
        for a, b in combinations(matched, 2):
            same_gold = gold[a] == gold[b] and a.file != b.file
            same_system = system[a] == system[b]
            gold_pairs += same_gold
            sys_pairs += same_system
            both += same_gold and same_system
        counts = (both, sys_pairs, gold_pairs, len(matched), len(mine))
        scores.append(ClusterScore(municipality, *counts))
        totals = [t + c for t, c in zip(totals, counts, strict=True)]
    scores.append(ClusterScore("all", *totals))
    return scores


def person_clustering(
    gold_dir: Path, corpus_dir: Path | None, municipalities: Iterable[str] | None = None
) -> list[ClusterScore]:
    """Ingest the documents of `municipalities` (default: every municipality with at least
    two gold documents) into a scratch store and score the clustering of their persons.

    Protocols are looked up in `corpus_dir`, then beside the gold files.

    Raises:
        KgError: when the gold folder is empty or a gold document's protocol is missing.
    """
    entries = gold_persons(gold_dir, municipalities)
    folders = [f for f in (corpus_dir, gold_dir) if f is not None]
    files = sorted(
        {
            next((f / e.file for f in folders if (f / e.file).is_file()), Path(e.file))
            for e in entries
        }
    )
    missing = [f.name for f in files if not f.is_file()]
    if missing:
        raise KgError(f"protocols not found: {', '.join(missing[:5])}")
    with tempfile.TemporaryDirectory(prefix="kg-eval-") as scratch:
        settings = Settings(store_dir=Path(scratch) / "store")
        ingest(files, settings, workers=1)
        with Store(settings.store_dir, read_only=True) as store:
            system = system_clusters(store, entries)
    return score_clustering(entries, gold_clusters(entries), system)
