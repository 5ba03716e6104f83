"""Ground truth of text fragments (`Gold`) and the filling of sentence templates (`Fill`) for
`bench.generate`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bench.generate_words import COMPOUND, FACTION_FIELDS, FIELD, TEMPLATES, Template
from bench.generate_world import Department, Initiative, Person

if TYPE_CHECKING:  # the document being written imports this module
    from bench.generate_speech import Draft


# ---------------------------------------------------------------- ground truth of fragments
def _update(
    entry: list[str | None], given: str | None, address: str | None, title: str | None
) -> None:
    """Merge what one mention reveals about a person into a gold person entry."""
    if given and (entry[0] is None or len(given) > len(entry[0])):
        entry[0] = given
    entry[1] = entry[1] or address
    entry[2] = entry[2] or title


class Gold:
    """Ground truth of a text fragment; merged into the document once the fragment is kept."""

    def __init__(self) -> None:
        self.persons: dict[Person, list[str | None]] = {}
        self.names: dict[str, dict[str, None]] = {
            key: {} for key in ("factions", "initiatives", "places", "papers")
        }
        self.units: dict[Department, bool] = {}
        self.memberships: dict[tuple[str, str], None] = {}
        self.head_of: dict[tuple[str, Department | str], None] = {}
        self.present: dict[str, None] = {}
        self.absent: dict[str, None] = {}
        self.items: list[dict[str, str]] = []
        self.statements: list[dict[str, Any]] = []
        self.votes: list[dict[str, Any]] = []

    def person(
        self, p: Person, given: str | None = None, address: bool = False, title: bool = False
    ) -> None:
        """Record a mention of ``p`` and what it shows (given name, Herr/Frau, title)."""
        entry = self.persons.setdefault(p, [None, None, None])
        _update(
            entry,
            given,
            ("Frau" if p.female else "Herr") if address else None,
            p.title if title else None,
        )

    def add(self, key: str, value: str) -> None:
        """Record a faction, initiative, place or paper."""
        self.names[key][value] = None

    def member(self, p: Person, faction: str) -> None:
        """Record that the text ties ``p`` to ``faction``."""
        self.add("factions", faction)
        self.memberships[(p.surname, faction)] = None

    def unit(self, unit: Department, full: bool) -> None:
        """Record a department mention; ``full`` when its full name was written."""
        self.units[unit] = self.units.get(unit, False) or full

    def merge(self, other: Gold) -> None:
        """Append everything ``other`` recorded (text order is commit order)."""
        for p, (given, address, title) in other.persons.items():
            _update(self.persons.setdefault(p, [None, None, None]), given, address, title)
        for key, values in other.names.items():
            self.names[key].update(values)
        for unit, full in other.units.items():
            self.unit(unit, full)
        self.memberships.update(other.memberships)
        self.head_of.update(other.head_of)
        self.present.update(other.present)
        self.absent.update(other.absent)
        self.items += other.items
        self.statements += other.statements
        self.votes += other.votes

    def unit_name(self, unit: Department) -> str:
        """Return the fullest form of ``unit`` the text gives."""
        return unit.name if self.units.get(unit, True) or unit.short is None else unit.short

    def to_json(self, header: dict[str, Any], notes: str) -> dict[str, Any]:
        """Return the gold document in the key order of ``tests/gold``."""
        persons = [
            {"surname": p.surname, "given": e[0], "address": e[1], "title": e[2]}
            for p, e in self.persons.items()
        ]
        heads = [
            {"person": s, "org": self.unit_name(o) if isinstance(o, Department) else o}
            for s, o in self.head_of
        ]
        return {
            **header,
            "persons": persons,
            "factions": list(self.names["factions"]),
            "departments": [self.unit_name(unit) for unit in self.units],
            "initiatives": list(self.names["initiatives"]),
            "places": list(self.names["places"]),
            "papers": list(self.names["papers"]),
            "memberships": [{"person": s, "faction": f} for s, f in self.memberships],
            "head_of": heads,
            "attendance": {"present": list(self.present), "absent": list(self.absent)},
            "items": self.items,
            "statements": self.statements,
            "votes": self.votes,
            "notes": notes,
        }


@dataclass(frozen=True, slots=True)
class Topic:
    """What one agenda item is about; template fields draw their mentions from it."""

    unit: Department
    initiatives: tuple[Initiative, ...]
    places: tuple[str, ...]
    papers: tuple[str, ...]
    faction: str
    leads: tuple[tuple[Initiative, Person], ...]


@dataclass(frozen=True, slots=True)
class Outcome:
    """A decision: gold values plus the phrase type that renders it."""

    result: str
    phrase: str
    unanimous: bool | None = None
    yes: int | None = None
    no: int | None = None
    abstain: int | None = None
    faction: str | None = None


def fraktion_of(faction: str) -> str:
    """Return "SPD-Fraktion" or "Fraktion Die Linke"."""
    return f"{faction}-Fraktion" if faction in COMPOUND else f"Fraktion {faction}"


def counted(number: int | None, one: str, many: str) -> str:
    """Return "1 Enthaltung" / "3 Enthaltungen"."""
    return f"{number} {one if number == 1 else many}"


def outcome_adverb(o: Outcome) -> str:
    """Return the voting phrase ("einstimmig bei 1 Enthaltung", "mehrheitlich", ...)."""
    return {
        "unan": "einstimmig",
        "unan_abst": f"einstimmig bei {counted(o.abstain, 'Enthaltung', 'Enthaltungen')}",
        "maj_fac": f"mehrheitlich bei {counted(o.no, 'Gegenstimme', 'Gegenstimmen')} ({o.faction})",
        "maj": "mehrheitlich",
        "counts": f"mit {counted(o.yes, 'Ja-Stimme', 'Ja-Stimmen')}, "
        f"{counted(o.no, 'Nein-Stimme', 'Nein-Stimmen')} und "
        f"{counted(o.abstain, 'Enthaltung', 'Enthaltungen')}",
    }.get(o.phrase, "")


class Fill:
    """Fills the ``{field}`` slots of the sentences of one turn and records every mention."""

    def __init__(self, doc: Draft, g: Gold, speaker: Person | None) -> None:
        self.doc, self.g, self.speaker, self.rng = doc, g, speaker, doc.rng
        self.topic = doc.topic
        self.subject: str | None = None
        self.anonymous = False
        self.target: Person | None = None
        self.other: Person | None = None
        self.guest: Person | None = None
        self.behalf: str | None = None
        self.used_target = False
        self.lead: tuple[Initiative, Person] | None = None
        self.leads = [pair for pair in self.topic.leads if pair[1] is not speaker]
        self.used: set[str] = set()

    def usable(self, t: Template) -> bool:
        """Return True when every field of ``t`` can be filled in this turn."""
        needs = t.needs
        faction = self.speaker is not None and self.speaker.faction is not None
        return not (
            (needs & FACTION_FIELDS and (not faction or self.anonymous))
            or ("R" in needs and self.target is None)
            or ("O" in needs and self.other is None)
            or ("G" in needs and self.guest is None)
            or ("LEAD" in needs and not self.leads)
        )

    def pick(
        self, kind: str, need_target: bool = False, continuation: bool = False
    ) -> Template | None:
        """Choose a usable template of ``kind``, or None."""
        options = [
            t
            for t in TEMPLATES[kind]
            if t.text not in self.used
            and self.usable(t)
            and (not need_target or "R" in t.needs)
            and (not continuation or (t.text.startswith("{S} ") and "R" not in t.needs))
        ]
        fresh = [t for t in options if t.text not in self.doc.spoken_templates]
        if fresh and self.rng.random() < 0.8:  # vary the wording within a document
            options = fresh
        return self.rng.choice(options) if options else None

    def render(self, t: Template) -> str:
        """Return the sentence of ``t`` with every field filled."""
        self.used.add(t.text)
        self.doc.spoken_templates.add(t.text)
        if "LEAD" in t.needs:
            self.lead = self.rng.choice(self.leads)
        return FIELD.sub(self._field, t.text)

    def _field(self, match: re.Match[str]) -> str:
        return str(getattr(self, f"f_{match[1]}")())

    def _nested(self, kind: str) -> str:
        template = self.pick(kind)
        assert template is not None, kind
        return self.render(template)

    def _ini(self) -> Initiative:
        ini = self.lead[0] if self.lead else self.rng.choice(self.topic.initiatives)
        self.g.add("initiatives", ini.name)
        return ini

    def _faction(self) -> str:
        assert self.speaker is not None and self.speaker.faction is not None
        self.g.member(self.speaker, self.speaker.faction)
        self.behalf = self.speaker.faction
        return fraktion_of(self.speaker.faction)

    def _unit(self, case: str) -> str:
        self.g.unit(self.topic.unit, True)
        return self.topic.unit.form(case)

    def _paper(self, article: str) -> str:
        paper = self.rng.choice(self.topic.papers)
        self.g.add("papers", paper)
        return f"{article} {self.doc.paper_word} {paper}"

    def _place(self) -> str:
        place = self.rng.choice(self.topic.places)
        self.g.add("places", place)
        return place

    def f_S(self) -> str:
        if self.subject is not None:
            return self.subject
        assert self.speaker is not None
        text, self.behalf = self.doc.opening_ref(self.speaker, self.g)
        return text

    def f_R(self) -> str:
        assert self.target is not None
        self.used_target = True
        return self.doc.ref(self.target, self.g, "d")

    def f_O(self) -> str:
        assert self.other is not None
        return self.doc.ref(self.other, self.g, "d")

    def f_G(self) -> str:
        assert self.guest is not None
        return self.doc.guest_phrase(self.guest, self.g)

    def f_LEAD(self) -> str:
        assert self.lead is not None
        ini, person = self.lead
        self.lead = None
        self.g.head_of[(person.surname, ini.name)] = None
        return self.doc.ref(person, self.g, "d")

    def f_FP(self) -> str:
        female = self.speaker is not None and self.speaker.female
        return f"{'ihre' if female else 'seine'} {self._faction()}"

    def f_FF(self) -> str:
        return f"für die {self._faction()}"

    def f_FG(self) -> str:
        return f"im Namen der {self._faction()}"

    def f_FT(self) -> str:
        self.g.add("factions", self.topic.faction)
        return fraktion_of(self.topic.faction)

    def f_ini(self) -> str:
        return self._ini().name

    def f_ini_n(self) -> str:
        return self._ini().form("n")

    def f_Ini_n(self) -> str:
        text = self._ini().form("n")
        return text[0].upper() + text[1:]

    def f_ini_a(self) -> str:
        return self._ini().form("a")

    def f_ini_d(self) -> str:
        return self._ini().form("d")

    def f_dep_n(self) -> str:
        return self._unit("n")

    def f_dep_a(self) -> str:
        return self._unit("a")

    def f_dep_d(self) -> str:
        return self._unit("d")

    def f_dep_g(self) -> str:
        return self._unit("g")

    def f_dep_in(self) -> str:
        return self._unit("in")

    def f_pap(self) -> str:
        return self._paper("die")

    def f_pap_d(self) -> str:
        return self._paper("der")

    def f_pl(self) -> str:
        return self._place()

    def f_yr(self) -> str:
        return str(self.doc.year + self.rng.randint(0, 2))

    def f_py(self) -> str:
        return str(self.doc.year - self.rng.randint(1, 3))

    def f_n(self) -> str:
        return str(self.rng.randint(2, 40))

    def f_m(self) -> str:
        return f"{self.rng.randint(5, 950)}.000"

    def f_pn(self) -> str:
        return "sie" if self.speaker is not None and self.speaker.female else "er"

    def f_Pd(self) -> str:
        return "Ihr" if self.speaker is not None and self.speaker.female else "Ihm"

    def f_fact(self) -> str:
        return self._nested("fact")

    def f_qc(self) -> str:
        return self._nested("qc")
