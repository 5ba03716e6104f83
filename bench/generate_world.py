"""The invented world of `bench.generate`: municipalities with districts, departments,
initiatives, factions and persons, and their rosters."""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from pathlib import Path

from bench.generate_words import (
    BODIES,
    COUNCIL_ROLES,
    DEPARTMENTS,
    DISTRICT_HEADS,
    DISTRICT_TAILS,
    FACTION_WEIGHTS,
    FEMALE,
    INITIATIVES,
    LOCAL_GROUPS,
    MAIN_FACTIONS,
    MALE,
    STABSSTELLEN,
    SURNAMES,
    TOWN_HEADS,
    TOWN_TAILS,
)


# ---------------------------------------------------------------- world model
@dataclass(frozen=True, slots=True)
class Department:
    """An administration unit; ``name`` is the nominative form used in gold files."""

    kind: str
    tail: str
    number: int | None
    tag: str

    @property
    def name(self) -> str:
        """Full nominative name, e.g. "Fachbereich Jugend und Soziales"."""
        return f"{self.kind} {self.tail}"

    @property
    def short(self) -> str | None:
        """Short form such as "FB 55", if the unit has a number."""
        return f"FB {self.number}" if self.number else None

    def form(self, case: str) -> str:
        """Return the unit with article in ``case`` (n, a, d, g, in, von)."""
        masculine = {"n": "der", "a": "den", "d": "dem", "g": "des", "in": "im", "von": "vom"}
        feminine = {
            "n": "die",
            "a": "die",
            "d": "der",
            "g": "der",
            "in": "in der",
            "von": "von der",
        }
        if self.kind == "Fachbereich":
            noun = "Fachbereichs" if case == "g" else "Fachbereich"
            return f"{masculine[case]} {noun} {self.tail}"
        return f"{feminine[case]} {self.kind} {self.tail}"


@dataclass(frozen=True, slots=True)
class Initiative:
    """A named programme or plan; ``form`` declines it with article (weak adjectives too)."""

    name: str
    gender: str
    tag: str

    def form(self, case: str) -> str:
        """Return the initiative with article in ``case`` (n, a, d)."""
        articles = {
            "m": ("der", "den", "dem"),
            "n": ("das", "das", "dem"),
            "f": ("die", "die", "der"),
        }
        article = articles[self.gender]["nad".index(case)]
        first, _, rest = self.name.partition(" ")
        if rest and "-" not in first and first.endswith(("es", "er", "e")):
            stem = first[:-1] if first.endswith("e") else first[:-2]
            ending = "en" if case == "d" or (case == "a" and self.gender == "m") else "e"
            return f"{article} {stem}{ending} {rest}"
        return f"{article} {self.name}"


@dataclass(frozen=True, slots=True)
class Person:
    """A person of an invented municipality with role, faction and tenure (ISO dates)."""

    surname: str
    given: str
    female: bool
    title: str | None
    role: str
    faction: str | None
    department: Department | None
    start: str
    end: str

    def serves_on(self, iso_date: str) -> bool:
        """Return True when ``iso_date`` lies within the person's tenure."""
        return self.start <= iso_date <= (self.end or "9999-12-31")


@dataclass(frozen=True, slots=True)
class Municipality:
    """An invented municipality: everything documents of it may mention."""

    name: str
    kind: str
    slug: str
    districts: tuple[str, ...]
    factions: tuple[str, ...]
    departments: tuple[Department, ...]
    initiatives: tuple[Initiative, ...]
    bodies: tuple[tuple[str, str, str], ...]
    persons: tuple[Person, ...]
    leads: tuple[tuple[Initiative, Person], ...]
    paper_format: str
    pair: tuple[Person, Person] | None


@dataclass(frozen=True, slots=True)
class GeneratedDoc:
    """One generated document as listed in the manifest."""

    name: str
    municipality: str
    style: str
    date: str
    body: str
    chars: int


@dataclass(frozen=True, slots=True)
class GeneratedCorpus:
    """What ``generate_corpus`` wrote: documents, municipalities and the manifest path."""

    out_dir: Path
    documents: tuple[GeneratedDoc, ...]
    municipalities: tuple[Municipality, ...]
    manifest: Path


def _slug(text: str) -> str:
    """Return a lowercase ASCII file-name form of ``text``."""
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", " ": "-"})
    return text.lower().translate(table)


def _town(rng: random.Random, used: set[str]) -> tuple[str, str]:
    """Invent an unused town name and its kind (Stadt/Gemeinde)."""
    while True:
        name = rng.choice(TOWN_HEADS) + rng.choice(TOWN_TAILS)
        spa = rng.random() < 0.15
        name = f"Bad {name}" if spa else name
        if name not in used:
            used.add(name)
            return name, "Stadt" if spa or rng.random() < 0.75 else "Gemeinde"


def _districts(rng: random.Random, town: str) -> tuple[str, ...]:
    """Invent 6-9 district names that are neither the town nor a surname."""
    names: list[str] = []
    wanted = rng.randint(6, 9)
    while len(names) < wanted:
        name = rng.choice(DISTRICT_HEADS) + rng.choice(DISTRICT_TAILS)
        if name not in names and name not in town and name not in SURNAMES:
            names.append(name)
    return tuple(names)


def _departments(rng: random.Random) -> tuple[Department, ...]:
    """Pick 6-9 Fachbereiche and maybe one Stabsstelle."""
    rows = [" ".join(row.split()).split("|") for row in DEPARTMENTS.split(";")]
    units = [Department("Fachbereich", tail.strip(), int(num), tag) for tail, num, tag in rows]
    chosen = rng.sample(units, rng.randint(6, 9))
    if rng.random() < 0.5:
        tail, tag = rng.choice(STABSSTELLEN)
        chosen.append(Department("Stabsstelle", tail, None, tag))
    return tuple(chosen)


def _surname_source(rng: random.Random) -> list[str]:
    """Return shuffled unique surnames, about 7 % of them double names."""
    names = rng.sample(SURNAMES, len(SURNAMES))
    for index in range(0, len(names), 14):
        partner = rng.choice(SURNAMES)
        if partner != names[index]:
            names[index] = f"{names[index]}-{partner}"
    return names


def _roles(rng: random.Random, kind: str, n_departments: int, total: int) -> list[str]:
    """Return the role of every person: administration first, then council members."""
    admin = ["ob"] * rng.randint(1, 2) + ["bm"] * (2 if kind == "Stadt" else 0)
    admin += ["beig"] * rng.randint(2, 3) + ["fbl"] * n_departments + ["staff"] * rng.randint(3, 6)
    council = max(total - len(admin), 12)
    return admin + ["sb" if rng.random() < 0.2 else "rm" for _ in range(council)]


def _tenure(rng: random.Random, role: str, index: int, n_ob: int) -> tuple[str, str]:
    """Return (start, end) ISO dates; two terms meet on 2020-11-01."""
    if role == "ob" and n_ob == 2:
        return ("2014-06-01", "2020-10-31") if index == 0 else ("2020-11-01", "")
    if role in ("rm", "sb"):
        terms = (("2014-06-01", ""), ("2014-06-01", "2020-10-31"), ("2020-11-01", ""))
        return rng.choices(terms, weights=(70, 15, 15))[0]
    return ("2012-01-01", "") if role != "bm" else ("2014-06-01", "")


def _persons(
    rng: random.Random, kind: str, factions: tuple[str, ...], departments: tuple[Department, ...]
) -> list[Person]:
    """Invent 30-80 persons with roles, factions, departments and tenures."""
    roles = _roles(rng, kind, len(departments), rng.randint(30, 80))
    names = _surname_source(rng)
    persons = []
    for index, role in enumerate(roles):
        female = rng.random() < 0.45
        title = rng.choices((None, "Dr.", "Prof. Dr."), weights=(90, 9, 1))[0]
        faction = (
            rng.choices(factions, weights=FACTION_WEIGHTS)[0] if role in COUNCIL_ROLES else None
        )
        if role == "fbl":
            department: Department | None = departments[roles[:index].count("fbl")]
        else:
            department = rng.choice(departments) if role == "staff" else None
        start, end = _tenure(rng, role, roles[:index].count("ob"), roles.count("ob"))
        given = rng.choice(FEMALE if female else MALE)
        persons.append(
            Person(names[index], given, female, title, role, faction, department, start, end)
        )
    return persons


def _make_pair(rng: random.Random, persons: list[Person]) -> tuple[Person, Person]:
    """Give a second council member the surname of a first one from another faction."""
    council = [i for i, p in enumerate(persons) if p.role == "rm"]
    first = council[0]
    second = next(i for i in council if persons[i].faction != persons[first].faction)
    a, b = persons[first], persons[second]
    a = Person(a.surname, a.given, a.female, a.title, "rm", a.faction, None, "2014-06-01", "")
    female = rng.random() < 0.5
    given = rng.choice([n for n in (FEMALE if female else MALE) if n != a.given])
    b = Person(a.surname, given, female, b.title, "rm", b.faction, None, "2014-06-01", "")
    persons[first], persons[second] = a, b
    return a, b


def build_municipality(seed: int, index: int, used: set[str]) -> Municipality:
    """Invent municipality number ``index`` of a corpus; ``used`` keeps town names unique.

    Raises:
        StopIteration: never in practice (the roster always has council members of two factions).
    """
    rng = random.Random(f"{seed}/municipality/{index}")
    name, kind = _town(rng, used)
    local = "Wählergemeinschaft " + rng.choice(LOCAL_GROUPS.split("|"))
    factions = (*MAIN_FACTIONS, local)
    departments = _departments(rng)
    rows = [" ".join(row.split()).split("|") for row in INITIATIVES.split(";")]
    pool = [Initiative(text.strip(), gender.strip(), tag) for gender, text, tag in rows]
    initiatives = tuple(rng.sample(pool, rng.randint(10, 14)))
    persons = _persons(rng, kind, factions, departments)
    pair = _make_pair(rng, persons) if index == 0 or rng.random() < 0.5 else None
    staff = [p for p in persons if p.role == "staff"]
    leads = tuple((ini, rng.choice(staff)) for ini in initiatives if rng.random() < 0.4)
    committees = [" ".join(row.split()).split("|") for row in BODIES.split(";")]
    bodies: tuple[tuple[str, str, str], ...] = (
        (f"Rat der {kind} {name}", f"des Rates der {kind} {name}", "all"),
    )
    bodies += tuple((nom.strip(), gen.strip(), tags) for nom, gen, tags in committees)
    paper_format = rng.choice(("slash", "dash"))
    return Municipality(
        name,
        kind,
        _slug(name),
        _districts(rng, name),
        factions,
        departments,
        initiatives,
        bodies,
        tuple(persons),
        leads,
        paper_format,
        pair,
    )


def roster_csv(municipality: Municipality) -> str:
    """Return the importable roster (name,given_name,faction,role,start,end) as CSV text."""
    labels = {
        "rm": "Ratsmitglied",
        "ob": "Oberbürgermeister",
        "bm": "Bürgermeister",
        "beig": "Beigeordneter",
        "fbl": "Fachbereichsleitung",
        "staff": "Verwaltung",
    }
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["name", "given_name", "faction", "role", "start", "end"])
    for p in municipality.persons:
        if p.role == "sb":
            role = "sachkundige Bürgerin" if p.female else "sachkundiger Bürger"
        else:
            role = labels[p.role]
            if p.role == "ob" and municipality.kind == "Gemeinde":
                role = "Bürgermeister"
            role += "in" if p.female and p.role in ("ob", "bm") else ""
            role = "Beigeordnete" if p.female and p.role == "beig" else role
        if p.department is not None:
            role += f" ({p.department.name})"
        writer.writerow([p.surname, p.given, p.faction or "", role, p.start, p.end])
    return buffer.getvalue()
