"""Seeded generator of synthetic German council protocols with exact ground truth.

``generate_corpus`` invents municipalities (town, districts, factions, departments,
initiatives and 30-80 persons each) and writes protocols in three layouts seen in real
sources: ALLRIS single-TOP Wortprotokolle (``allris``), doRat-like Niederschriften with
attendance lists under faction headers (``niederschrift``) and Protokolle with bracketed
factions and ``TOP n`` blocks (``protokoll``). Every ``<name>.txt`` gets a
``<name>.txt.meta.json`` sidecar and a ``<name>.gold.json`` in the format of ``tests/gold``
that records exactly what its text says. Only ``random.Random`` instances seeded from
``seed`` are used, so equal arguments give byte-identical files.

Conventions of the gold files beyond ``tests/gold``: the town name occurs only inside
organisation names ("Rat der Stadt ..."), never as a place; the two persons of a municipality
who share a surname never meet in one document; a turn of an unnamed "Die Vorsitzende" is a
statement only when the attendance list names the chair ("... als Vorsitzende"); acts come
from the cue verbs of a turn only.

CLI: ``python -m bench.generate OUT --docs 1000 --municipalities 5 --seed 0 --chars 3000``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import logging
import random
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

STYLES = ("allris", "niederschrift", "protokoll")
SYSTEMS = {"allris": "ALLRIS", "niederschrift": "doRat", "protokoll": "other"}
COUNCIL_ROLES = frozenset({"rm", "sb", "bm"})
ADMIN_ROLES = frozenset({"ob", "beig", "fbl", "staff"})


# ---------------------------------------------------------------- vocabulary (data, not code)
def _words(text: str) -> tuple[str, ...]:
    """Split a whitespace-separated word list."""
    return tuple(text.split())


_SURNAMES = _words("""Albers Arndt Bahr Baumann Becker Behrens Bergmann Bischoff Blum Böhm
Börner Brinkmann Busch Dittmann Dreyer Ebert Eggers Ehlers Falk Fink Franke Fröhlich Fuchs
Gerlach Göbel Günther Haas Hahn Hartmann Hellwig Herrmann Hesse Hofer Horn Jäger Jansen Kaiser
Kessler Kirchner Kluge Köhler Kremer Kuhn Kunze Lehmann Maaß Martens Mayer Menzel Merten Mohr
Nagel Naumann Nowak Ostermann Paulsen Peters Pfeiffer Pohl Rademacher Rausch Reuter Riedel
Roßbach Roth Sauer Seidel Siebert Stahl Stork Strauß Thiel Thomsen Vogel Voigt Voß Wagner
Wegener Weiß Wendt Wiegand Winkler Wolff Ziegler Zimmermann Aydın Yılmaz Kowalski Nowicki
Özdemir Lindner Brückner Schäfer Schröder Schütte Hübner Kühn Jürgens Lüdtke Mäurer Nüßlein
Bräuer Gößling Kötter Söhnchen Tönnies Wöhler Brößke Spieß Nußbaum Buß Heß Sträter Hölscher
Overbeck Terhorst Wessels Hülsmann Kampmann Tillmann Vollmer Beckmann Bornemann""")
_MALE = _words("""Andreas Bernd Björn Christian Daniel Dirk Frank Georg Hans-Peter Jan Jens
Jörg Jürgen Karl-Heinz Klaus Lars Lukas Malte Markus Matthias Mehmet Michael Niklas Oliver Ralf
Sebastian Sören Stefan Till Tobias Uwe Volker Wolfgang Yusuf Emre Piotr""")
_FEMALE = _words("""Andrea Anja Annette Ayşe Bärbel Birgit Christina Claudia Doris Elke
Gabriele Heike Ines Jana Julia Jutta Karin Katja Kerstin Laura Lea Maren Marion Monika Nadine
Petra Renate Sabine Sandra Silke Stefanie Susanne Tanja Ute Yvonne Zeynep Agnieszka Özlem""")
_TOWN_HEADS = _words("""Linden Birken Eichen Buchen Erlen Tannen Weiden Falken Kranich Lerchen
Rosen Sonnen Wiesen Mühl Hohen Kirch Rabens Wolfs Hasel Ahorn Espen Ulmen Schwalben Finken""")
_TOWN_TAILS = _words("hausen feld dorf heim bach burg au rode born brück stedt tal kirchen ingen")
_DISTRICT_HEADS = _words("""Ober Unter Nieder Holz Mühlen Sand Heide Brunnen Hirsch Kappel
Marien Schlehen Dornen Bruch Quell Kiefern Wachtel Nessel Moos Flachs""")
_DISTRICT_TAILS = _words("horst becke winkel kamp loh rath hövel heide hof büttel siepen garten")
_LOCAL_GROUPS = "Bürgerforum|Freie Bürgerliste|Unabhängige Bürger|Bürgerbündnis|Pro Bürger"
_FACTION_WEIGHTS = (8, 8, 5, 3, 2, 3, 2)
_MAIN_FACTIONS = ("SPD", "CDU", "Bündnis 90/Die Grünen", "FDP", "Die Linke", "AfD")
_COMPOUND = frozenset({"SPD", "CDU", "FDP", "AfD"})
_HEADER_VARIANTS = {
    "Bündnis 90/Die Grünen": ("Bündnis 90/Die Grünen", "B90/Die Grünen"),
    "Die Linke": ("Die Linke", "DIE LINKE"),
}
_DEPARTMENTS = """Jugend und Soziales|55|soz; Integration und Zuwanderung|56|soz; Gesundheit und
Verbraucherschutz|53|soz; Bildung und Schule|48|bil; Kultur und Sport|41|bil; Stadtentwicklung
und Bauordnung|61|bau; Umwelt und Klimaschutz|69|bau; Verkehr und Tiefbau|66|bau;
Gebäudewirtschaft|65|bau; Finanzen und Beteiligungen|20|fin; Personal und Organisation|11|fin;
Öffentliche Sicherheit und Ordnung|32|ord"""
_STABSSTELLEN = (("Digitalisierung", "fin"), ("Klimaschutz", "bau"))
_INITIATIVES = """n|Quartiersmanagement|soz; n|Kommunales Integrationsmanagement|soz;
n|Case-Management|soz; n|Kita-Ausbauprogramm|soz; m|Kinder- und Jugendförderplan|soz;
n|Wohnraumversorgungskonzept|soz; m|Spielflächenbedarfsplan|soz; n|Radverkehrskonzept|bau;
n|Klimaschutzkonzept|bau; m|Masterplan Mobilität|bau; f|Kommunale Wärmeplanung|bau;
m|Lärmaktionsplan|bau; m|Hitzeaktionsplan|bau; m|Nahverkehrsplan|bau; n|Einzelhandelskonzept|bau;
m|Schulentwicklungsplan|bil; m|Medienentwicklungsplan|bil; m|Sportstättenentwicklungsplan|bil;
f|Digitalisierungsstrategie|fin; n|Haushaltssicherungskonzept|fin; f|Sauberkeitsoffensive|ord;
n|Präventionskonzept|ord"""
_BODIES = """Haupt- und Finanzausschuss|des Haupt- und Finanzausschusses|fin ord; Ausschuss für
Umwelt, Klima und Mobilität|des Ausschusses für Umwelt, Klima und Mobilität|bau; Ausschuss für
Stadtentwicklung und Bauen|des Ausschusses für Stadtentwicklung und Bauen|bau; Schul- und
Bildungsausschuss|des Schul- und Bildungsausschusses|bil; Jugendhilfeausschuss|des
Jugendhilfeausschusses|soz; Sozialausschuss|des Sozialausschusses|soz"""
_ROOMS = ("Ratssaal", "Sitzungssaal 1", "Großer Sitzungssaal", "Bürgersaal", "Raum 210")
_BUILDINGS = ("Rathaus", "Verwaltungsgebäude", "Bürgerhaus", "Technisches Rathaus")
_STREETS = ("Marktplatz 1", "Rathausplatz 2", "Am Markt 5", "Kirchstraße 12", "Schlossallee 3")
_WEEKDAYS = _words("Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag")
_MONTHS = _words("""Januar Februar März April Mai Juni Juli August September Oktober November
Dezember""")

# Speaker references per layout and role: (nominative patterns, dative patterns).
# {H} Herr/Frau, {T} title, {I} initial, {G} given name, {N} surname, {m/f} gendered word.
_PATTERNS: dict[str, dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "allris": {
        "rm": (("{H} {T}{N}",) * 4 + ("{H} {T}{I}{N}",), ("{H} {T}{N}",)),
        "sb": (("{H} {T}{N}",), ("{H} {T}{N}",)),
        "bm": (("{H} {Bürgermeister/Bürgermeisterin} {T}{N}", "{H} {T}{N}"), ("{H} {T}{N}",)),
        "ob": (("{H} {Oberbürgermeister/Oberbürgermeisterin} {T}{N}",), ("{H} {T}{N}",)),
        "beig": (("{H} {Beigeordneter/Beigeordnete} {T}{N}", "{H} {T}{N}"), ("{H} {T}{N}",)),
        "admin": (("{H} {T}{N}",), ("{H} {T}{N}",)),
    },
    "niederschrift": {
        "rm": (("Rm {T}{N}",) * 4 + ("RM {T}{N}",), ("Rm {T}{N}",)),
        "sb": (("sB {T}{N}",), ("sB {T}{N}",)),
        "bm": (("Bm {T}{N}", "{Bürgermeister/Bürgermeisterin} {T}{N}"), ("Bm {T}{N}",)),
        "ob": (("OB {T}{N}",), ("OB {T}{N}",)),
        "beig": (("{Stadtrat/Stadträtin} {T}{N}",), ("{H} {T}{N}",)),
        "admin": (("{H} {T}{N}",), ("{H} {T}{N}",)),
    },
    "protokoll": {
        "rm": (
            ("{Ratsherr/Ratsfrau} {T}{N}",) * 3 + ("{Ratsherr/Ratsfrau} {T}{G}{N}",),
            ("{Ratsherrn/Ratsfrau} {T}{N}",),
        ),
        "sb": (("{H} {T}{N}",), ("{H} {T}{N}",)),
        "bm": (("{Bürgermeister/Bürgermeisterin} {T}{N}",), ("{H} {T}{N}",)),
        "ob": (("{Oberbürgermeister/Oberbürgermeisterin} {T}{N}",), ("{H} {T}{N}",)),
        "beig": (("{Stadtrat/Stadträtin} {T}{N}",), ("{Stadtrat/Stadträtin} {T}{N}",)),
        "admin": (("{H} {T}{N}",), ("{H} {T}{N}",)),
    },
}
_BRACKET_P = {"allris": 0.15, "niederschrift": 0.55, "protokoll": 0.6}

# Sentence templates: "Kind[=Act+Act]|text". Kinds that are speech acts carry that act.
_TEMPLATE_TEXT = """
Open|{S} begrüßt die Anwesenden und eröffnet die Sitzung.
Open|{S} eröffnet die Sitzung, begrüßt die Gäste und stellt die Beschlussfähigkeit fest.
Open=Procedural|{S} eröffnet die Sitzung und stellt die ordnungsgemäße Einladung fest.
Guest=Welcome|{S} begrüßt zu diesem Tagesordnungspunkt {G}.
Guest=Welcome|{S} begrüßt {G} und übergibt das Wort.
Presentation|{S} stellt {ini_a} anhand einer Präsentation vor.
Presentation|{S} stellt {pap} vor.
Presentation|{S} stellt den aktuellen Sachstand vor und geht dabei auf {ini_a} ein.
Presentation|{S} stellt die Ergebnisse der Bestandsaufnahme in {pl} vor.
Presentation|{S} stellt die Arbeit {dep_g} vor.
Information|{S} berichtet, dass {fact}.
Information|{S} teilt mit, dass {fact}.
Information|{S} erläutert, dass {fact}.
Information|{S} erklärt, dass {fact}.
Information|{S} weist darauf hin, dass {fact}.
Information|{S} berichtet über den Stand der Umsetzung in {pl}.
Information|{S} erläutert {pap} und die finanziellen Auswirkungen.
Question|{S} fragt, ob {qc}.
Question|{S} möchte wissen, ob {qc}.
Question|{S} erkundigt sich, ob {qc}.
Question|{S} fragt nach dem Zeitplan für {ini_a}.
Question|{S} möchte wissen, wie viele Stellen {dep_in} derzeit unbesetzt seien.
Question|{S} erkundigt sich nach den Kosten für {ini_a}.
Question|{S} fragt nach, wann mit ersten Ergebnissen in {pl} zu rechnen sei.
Answer|{S} antwortet, dass {fact}.
Answer|{S} entgegnet, dass {fact}.
Answer|{S} erwidert, dass {fact}.
Answer|{S} beantwortet die Frage dahingehend, dass {fact}.
Answer|Auf die Frage von {R} antwortet {S}, dass {fact}.
Answer|{S} antwortet {R}, dass {fact}.
Reply=Answer|{S} entgegnet {R}, dass {fact}.
Reply=Answer|{S} erwidert auf den Beitrag von {R}, dass {fact}.
Support|{S} erklärt, dass {FP} {ini_a} ausdrücklich begrüße.
Support|{S} befürwortet {pap} {FF}.
Support|{S} unterstützt {FG} {ini_a}.
Support|{S} begrüßt die Entwicklung {dep_in} ausdrücklich.
Support|{S} stimmt {pap_d} zu.
Support|{S} befürwortet, {ini_a} auch auf {pl} auszuweiten.
Support|{S} schließt sich {R} an.
Support|{S} unterstützt den Vorschlag von {R}.
Opposition|{S} lehnt {pap} {FF} ab.
Opposition|{S} erklärt, dass {FP} {pap_d} nicht zustimmen werde.
Opposition|{S} spricht sich gegen {ini_a} in der vorliegenden Form aus.
Opposition|{S} widerspricht {R} und lehnt den Vorschlag ab.
Criticism|{S} kritisiert, dass {pap} erst sehr kurzfristig vorgelegt worden sei.
Criticism|{S} bemängelt, dass die Umsetzung in {pl} nur schleppend vorankomme.
Criticism|{S} kritisiert die fehlende Beteiligung der Bürgerinnen und Bürger in {pl}.
Criticism|{S} bemängelt die personelle Ausstattung {dep_g}.
Criticism|{S} kritisiert die Darstellung von {R} deutlich.
Proposal|{S} schlägt vor, {ini_a} zunächst in {pl} zu erproben.
Proposal|{S} regt an, {dep_a} frühzeitig einzubinden.
Proposal|{S} schlägt vor, das Thema in der nächsten Sitzung erneut zu beraten.
Proposal|{S} regt an, die Ergebnisse auch in {pl} vorzustellen.
Request|{S} bittet um einen schriftlichen Bericht über {ini_a}.
Request|{S} beantragt {FF}, {pap} in den Fachausschuss zu verweisen.
Request|{S} stellt den Antrag, über {pap} getrennt abzustimmen.
Request|{S} bittet die Verwaltung, die Zahlen für {pl} nachzureichen.
Request|{S} bittet um nähere Ausführungen zu den Planungen in {pl}.
Confirmation|{S} bestätigt, dass {fact}.
Confirmation|{S} bestätigt die Ausführungen von {R}.
Thanks|{S} dankt {O} für die Ausführungen.
Thanks|{S} bedankt sich für den Bericht.
Thanks|{S} gratuliert {O} zur neuen Aufgabe.
Thanks|{S} dankt allen Beteiligten {dep_g} für die geleistete Arbeit.
Procedural|{S} lässt über {pap} abstimmen.
Procedural|{S} stellt fest, dass keine weiteren Wortmeldungen vorliegen.
Call=Procedural|{S} ruft den Tagesordnungspunkt auf und verweist auf {pap}.
Call=Procedural|{S} ruft den Tagesordnungspunkt auf.
Procedural|{S} schließt die Aussprache.
Close=Thanks+Procedural|{S} dankt {O} für die Ausführungen und lässt über {pap} abstimmen.
Filler|Das Thema sei {dep_in} bereits gut aufgestellt.
Filler|Es handele sich um eine wichtige Aufgabe für die kommenden Jahre.
Filler|Gerade in {pl} gebe es einen hohen Bedarf.
Filler|Man habe dazu eine Steuerungsgruppe gebildet.
Filler|Die Finanzierung sei bis {yr} gesichert.
Filler|Zur Zeit seien nicht alle Stellen besetzt.
Filler|{Pd} sei eine enge Zusammenarbeit mit den freien Trägern wichtig.
Filler|Die Ergebnisse sollten in {ini_a} einfließen.
Filler|Das halte {pn} für angemessen.
Filler|Die Kosten beliefen sich auf rund {m} Euro.
Filler|Dabei stehe man noch ganz am Anfang.
Filler|{Ini_n} liege unter der Leitung von {LEAD}.
Filler|Die Abstimmung mit {dep_d} laufe noch.
Filler|Für {pl} liege inzwischen eine erste Auswertung vor.
Filler|Die Zahl der Beratungsfälle sei im Jahr {py} deutlich gestiegen.
Filler|Hierzu habe es bereits Gespräche mit {O} gegeben.
Filler|In {pl} seien bereits {n} Maßnahmen umgesetzt worden.
Filler|Das sei eine gute Entwicklung.
Filler|Die Verwaltung habe {pap} mit {dep_d} abgestimmt.
Filler|Man wolle die Menschen in {pl} frühzeitig einbinden.
Filler|Insgesamt seien {n} Stellen vorgesehen.
Filler|Eine Entscheidung solle noch vor der Sommerpause fallen.
Ask|Wie sei der derzeitige Stand?
Ask|Gebe es Schnittstellen zu den Trägern?
Ask|Wann sei mit einer Entscheidung zu rechnen?
Ask|Welche Kosten entstünden für {pl}?
fact|die Stellen {dep_in} inzwischen weitgehend besetzt seien
fact|die Mittel für {ini_a} im Haushalt {yr} eingeplant seien
fact|man {ini_a} im kommenden Jahr auf {pl} ausweiten wolle
fact|die Zahl der Fälle in {pl} seit {py} um {n} Prozent gestiegen sei
fact|die Verwaltung {pap} in der nächsten Sitzung vorlegen werde
fact|die Abstimmung mit {dep_d} noch nicht abgeschlossen sei
fact|Fördermittel in Höhe von {m} Euro bereits bewilligt worden seien
fact|es bereits eine Steuerungsgruppe mit den freien Trägern gebe
fact|der Zeitplan für {ini_a} eingehalten werden könne
fact|die Ergebnisse der Bürgerbeteiligung in {pl} in die Planung einflössen
fact|man mit {n} zusätzlichen Stellen rechne
fact|{ini_n} unter der Leitung von {LEAD} stehe
qc|es sich bei den {n} Stellen um neu geschaffene Stellen handele
qc|die Mittel für {ini_a} bereits im Haushalt eingeplant seien
qc|auch {pl} in {ini_a} einbezogen werde
qc|es Schnittstellen zu den freien Trägern gebe
qc|{dep_n} für diese Aufgabe ausreichend Personal habe
qc|die Verwaltung {pap} noch einmal überarbeiten werde
qc|{ini_n} auch bei {dep_d} angesiedelt sei
T-presentation|Sachstandsbericht {ini}
T-presentation|Vorstellung der Arbeit {dep_g}
T-presentation|{ini} - Sachstand und Ausblick
T-vorlage|{ini} - Fortschreibung {yr}
T-vorlage|{ini} für {pl}
T-vorlage|Beschlussvorlage: {ini} in {pl}
T-antrag|Antrag der {FT}: {ini} in {pl}
T-antrag|Antrag der {FT} zur Stärkung {dep_g}
T-anfragen|Anfragen gemäß § 18 der Geschäftsordnung
T-anfragen|Anfragen von Ausschussmitgliedern
T-mitteilungen|Mitteilungen der Verwaltung
T-mitteilungen|Mitteilungen der Verwaltung: {ini}
"""
_FIELD = re.compile(r"\{(\w+)\}")
_GENDERED = re.compile(r"\{([^{}/]+)/([^{}/]+)\}")
_KIND_ACTS = {"Guest": ("Welcome",), "Reply": ("Answer",), "Open": ("Welcome", "Procedural")}
_FACTION_FIELDS = frozenset({"FP", "FF", "FG"})


@dataclass(frozen=True, slots=True)
class _Template:
    """One sentence template with the acts it expresses and the fields it needs."""

    kind: str
    acts: tuple[str, ...]
    text: str
    needs: frozenset[str]


def _load_templates() -> dict[str, tuple[_Template, ...]]:
    """Parse ``_TEMPLATE_TEXT`` into templates grouped by kind."""
    grouped: dict[str, list[_Template]] = {}
    for line in _TEMPLATE_TEXT.strip().splitlines():
        key, text = line.split("|", 1)
        kind, _, acts = key.partition("=")
        act_list = tuple(acts.split("+")) if acts else _KIND_ACTS.get(kind, (kind,))
        needs = frozenset(_FIELD.findall(text))
        grouped.setdefault(kind, []).append(_Template(kind, act_list, text, needs))
    return {kind: tuple(templates) for kind, templates in grouped.items()}


_TEMPLATES = _load_templates()


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
        name = rng.choice(_TOWN_HEADS) + rng.choice(_TOWN_TAILS)
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
        name = rng.choice(_DISTRICT_HEADS) + rng.choice(_DISTRICT_TAILS)
        if name not in names and name not in town and name not in _SURNAMES:
            names.append(name)
    return tuple(names)


def _departments(rng: random.Random) -> tuple[Department, ...]:
    """Pick 6-9 Fachbereiche and maybe one Stabsstelle."""
    rows = [" ".join(row.split()).split("|") for row in _DEPARTMENTS.split(";")]
    units = [Department("Fachbereich", tail.strip(), int(num), tag) for tail, num, tag in rows]
    chosen = rng.sample(units, rng.randint(6, 9))
    if rng.random() < 0.5:
        tail, tag = rng.choice(_STABSSTELLEN)
        chosen.append(Department("Stabsstelle", tail, None, tag))
    return tuple(chosen)


def _surname_source(rng: random.Random) -> list[str]:
    """Return shuffled unique surnames, about 7 % of them double names."""
    names = rng.sample(_SURNAMES, len(_SURNAMES))
    for index in range(0, len(names), 14):
        partner = rng.choice(_SURNAMES)
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
            rng.choices(factions, weights=_FACTION_WEIGHTS)[0] if role in COUNCIL_ROLES else None
        )
        if role == "fbl":
            department: Department | None = departments[roles[:index].count("fbl")]
        else:
            department = rng.choice(departments) if role == "staff" else None
        start, end = _tenure(rng, role, roles[:index].count("ob"), roles.count("ob"))
        given = rng.choice(_FEMALE if female else _MALE)
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
    given = rng.choice([n for n in (_FEMALE if female else _MALE) if n != a.given])
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
    local = "Wählergemeinschaft " + rng.choice(_LOCAL_GROUPS.split("|"))
    factions = (*_MAIN_FACTIONS, local)
    departments = _departments(rng)
    rows = [" ".join(row.split()).split("|") for row in _INITIATIVES.split(";")]
    pool = [Initiative(text.strip(), gender.strip(), tag) for gender, text, tag in rows]
    initiatives = tuple(rng.sample(pool, rng.randint(10, 14)))
    persons = _persons(rng, kind, factions, departments)
    pair = _make_pair(rng, persons) if index == 0 or rng.random() < 0.5 else None
    staff = [p for p in persons if p.role == "staff"]
    leads = tuple((ini, rng.choice(staff)) for ini in initiatives if rng.random() < 0.4)
    committees = [" ".join(row.split()).split("|") for row in _BODIES.split(";")]
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


# ---------------------------------------------------------------- ground truth of fragments
def _update(
    entry: list[str | None], given: str | None, address: str | None, title: str | None
) -> None:
    """Merge what one mention reveals about a person into a gold person entry."""
    if given and (entry[0] is None or len(given) > len(entry[0])):
        entry[0] = given
    entry[1] = entry[1] or address
    entry[2] = entry[2] or title


class _Gold:
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

    def merge(self, other: _Gold) -> None:
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
class _Topic:
    """What one agenda item is about; template fields draw their mentions from it."""

    unit: Department
    initiatives: tuple[Initiative, ...]
    places: tuple[str, ...]
    papers: tuple[str, ...]
    faction: str
    leads: tuple[tuple[Initiative, Person], ...]


@dataclass(frozen=True, slots=True)
class _Outcome:
    """A decision: gold values plus the phrase type that renders it."""

    result: str
    phrase: str
    unanimous: bool | None = None
    yes: int | None = None
    no: int | None = None
    abstain: int | None = None
    faction: str | None = None


def _fraktion(faction: str) -> str:
    """Return "SPD-Fraktion" or "Fraktion Die Linke"."""
    return f"{faction}-Fraktion" if faction in _COMPOUND else f"Fraktion {faction}"


def _count(number: int | None, one: str, many: str) -> str:
    """Return "1 Enthaltung" / "3 Enthaltungen"."""
    return f"{number} {one if number == 1 else many}"


def _adverb(o: _Outcome) -> str:
    """Return the voting phrase ("einstimmig bei 1 Enthaltung", "mehrheitlich", ...)."""
    return {
        "unan": "einstimmig",
        "unan_abst": f"einstimmig bei {_count(o.abstain, 'Enthaltung', 'Enthaltungen')}",
        "maj_fac": f"mehrheitlich bei {_count(o.no, 'Gegenstimme', 'Gegenstimmen')} ({o.faction})",
        "maj": "mehrheitlich",
        "counts": f"mit {_count(o.yes, 'Ja-Stimme', 'Ja-Stimmen')}, "
        f"{_count(o.no, 'Nein-Stimme', 'Nein-Stimmen')} und "
        f"{_count(o.abstain, 'Enthaltung', 'Enthaltungen')}",
    }.get(o.phrase, "")


class _Fill:
    """Fills the ``{field}`` slots of the sentences of one turn and records every mention."""

    def __init__(self, doc: _Doc, g: _Gold, speaker: Person | None) -> None:
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

    def usable(self, t: _Template) -> bool:
        """Return True when every field of ``t`` can be filled in this turn."""
        needs = t.needs
        faction = self.speaker is not None and self.speaker.faction is not None
        return not (
            (needs & _FACTION_FIELDS and (not faction or self.anonymous))
            or ("R" in needs and self.target is None)
            or ("O" in needs and self.other is None)
            or ("G" in needs and self.guest is None)
            or ("LEAD" in needs and not self.leads)
        )

    def pick(
        self, kind: str, need_target: bool = False, continuation: bool = False
    ) -> _Template | None:
        """Choose a usable template of ``kind``, or None."""
        options = [
            t
            for t in _TEMPLATES[kind]
            if t.text not in self.used
            and self.usable(t)
            and (not need_target or "R" in t.needs)
            and (not continuation or (t.text.startswith("{S} ") and "R" not in t.needs))
        ]
        fresh = [t for t in options if t.text not in self.doc.spoken_templates]
        if fresh and self.rng.random() < 0.8:  # vary the wording within a document
            options = fresh
        return self.rng.choice(options) if options else None

    def render(self, t: _Template) -> str:
        """Return the sentence of ``t`` with every field filled."""
        self.used.add(t.text)
        self.doc.spoken_templates.add(t.text)
        if "LEAD" in t.needs:
            self.lead = self.rng.choice(self.leads)
        return _FIELD.sub(self._field, t.text)

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
        return _fraktion(self.speaker.faction)

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
        return _fraktion(self.topic.faction)

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


# ---------------------------------------------------------------- one document
class _Doc:
    """Builds one document: text parts, size budget, cast and committed ground truth."""

    def __init__(self, muni: Municipality, style: str, index: int, seed: int, chars: int) -> None:
        self.rng = rng = random.Random(f"{seed}/doc/{index}")
        self.muni, self.style, self.chars = muni, style, chars
        day = dt.date(2015, 1, 5) + dt.timedelta(days=rng.randrange(3800))
        self.day = day - dt.timedelta(days=max(0, day.weekday() - 3))
        self.date = self.day.isoformat()
        self.year = self.day.year
        self.body_nom, self.body_gen, tags = rng.choice(muni.bodies)
        self.tags = tags.split()
        self.is_rat = self.body_nom.startswith("Rat der")
        self.gold = _Gold()
        self.parts: list[str] = []
        self.sep = "\n\n"
        self.length = 0
        self.target = int(chars * rng.uniform(0.9, 1.05))
        self.upper = int(chars * 1.15)
        self.reserve = 0
        self.paper_word = rng.choice(("Vorlage", "Drucksache", "Beschlussvorlage"))
        self.meeting: dict[str, Any] = {
            "date": self.date,
            "body": self.body_nom,
            "start": None,
            "end": None,
            "place": None,
        }
        self.item: str | None = None
        self.notes: list[str] = []
        self.chair_known = False
        self.forced_spoke = False
        self.spoken_templates: set[str] = set()
        self.pool, self.forced = self._pool()
        self._cast()
        self.topic = self._topic("presentation")

    # -- cast and topics
    def _pool(self) -> tuple[list[Person], Person | None]:
        pool = [p for p in self.muni.persons if p.serves_on(self.date)]
        if self.muni.pair is None:
            return pool, None
        keep, drop = self.muni.pair if self.rng.random() < 0.5 else self.muni.pair[::-1]
        pool = [p for p in pool if p is not drop]
        return pool, keep if self.rng.random() < 0.6 else None

    def _cast(self) -> None:
        rng = self.rng
        # sachkundige Bürger sit in committees, not in the Rat
        roles = ("rm", "bm") if self.is_rat else COUNCIL_ROLES
        council = [p for p in self.pool if p.role in roles]
        rng.shuffle(council)
        if self.forced is not None:
            council.remove(self.forced)
            council.insert(1, self.forced)
        size = min(len(council), max(5, min(16, self.chars // 220)))
        self.members = council[:size]
        self.council = council
        heads = [p for p in self.pool if p.role == "ob"]
        if self.is_rat and heads:
            self.chair = heads[0]
        else:
            others = [p for p in self.members if p is not self.forced]
            self.chair = next((p for p in others if p.role == "rm"), others[0])
        optional = [p for p in self.members if p is not self.chair and p is not self.forced]
        self.absent = rng.sample(optional, max(0, min(len(optional) - 3, rng.randint(0, 2))))
        self.speakers = [p for p in self.members if p is not self.chair and p not in self.absent]
        admins = [p for p in self.pool if p.role in ("fbl", "staff", "beig")]
        self.admins = rng.sample(admins, rng.randint(2, 4))
        if self.is_rat and self.chair.role == "ob":
            self.admins.insert(0, self.chair)
        self.voters = max(5, len(council) + 1 if self.is_rat else len(self.speakers) + 1)

    def _paper_id(self) -> str:
        if self.muni.paper_format == "slash":
            return f"{self.rng.randint(1, 1999):04d}/{self.year}"
        return f"{self.rng.randint(1000, 19999):05d}-{self.year % 100:02d}"

    def _topic(self, kind: str) -> _Topic:
        rng = self.rng
        units = [p.department for p in self.admins if p.department is not None]
        tagged = [u for u in units if u.tag in self.tags or "all" in self.tags]
        unit = rng.choice(tagged or units or list(self.muni.departments))
        related = [i for i in self.muni.initiatives if i.tag == unit.tag]
        pool = related or list(self.muni.initiatives)
        initiatives = tuple(rng.sample(pool, min(len(pool), rng.randint(1, 2))))
        places = tuple(rng.sample(self.muni.districts, rng.randint(1, 2)))
        leads = tuple((i, p) for i, p in self.muni.leads if i in initiatives and p in self.pool)
        faction = rng.choice([p.faction for p in self.speakers if p.faction] or ["SPD"])
        return _Topic(unit, initiatives, places, (self._paper_id(),), faction, leads)

    def answerer(self) -> Person:
        """Return the administration member who speaks for the current topic."""
        for p in self.admins:
            if p.department == self.topic.unit:
                return p
        return self.admins[0]

    # -- references
    def ref(self, p: Person, g: _Gold, case: str = "n") -> str:
        """Render a reference to ``p`` in the layout's manner and record what it shows."""
        key = p.role if p.role in ("rm", "sb", "bm", "ob", "beig") else "admin"
        nominative, dative = _PATTERNS[self.style][key]
        pattern = self.rng.choice(nominative if case == "n" else dative)
        if self.muni.kind == "Gemeinde":
            pattern = pattern.replace("Oberbürgermeister", "Bürgermeister").replace("OB ", "BM ")
            pattern = pattern.replace("Stadtrat/Stadträtin", "Beigeordneter/Beigeordnete")
        given = p.given if "{G}" in pattern else (f"{p.given[0]}." if "{I}" in pattern else None)
        g.person(p, given, "{H}" in pattern or "/" in pattern, "{T}" in pattern)
        text = _GENDERED.sub(lambda m: m[2] if p.female else m[1], pattern)
        herr = "Frau" if p.female else ("Herr" if case == "n" else "Herrn")
        for slot, value in (
            ("{H}", herr),
            ("{T}", f"{p.title} " if p.title else ""),
            ("{I}", f"{p.given[0]}. "),
            ("{G}", f"{p.given} "),
            ("{N}", p.surname),
        ):
            text = text.replace(slot, value)
        return text

    def opening_ref(self, p: Person, g: _Gold) -> tuple[str, str | None]:
        """Reference that opens a turn; may carry "(SPD)" or a unit in brackets."""
        text = self.ref(p, g)
        if p.faction and (p is self.forced or self.rng.random() < _BRACKET_P[self.style]):
            g.member(p, p.faction)
            return f"{text} ({p.faction})", p.faction
        if p.department is not None and self.style != "allris" and self.rng.random() < 0.35:
            text += f" ({self.unit_label(p.department, g)})"
        return text, None

    def unit_label(self, unit: Department, g: _Gold) -> str:
        """Return "FB 55" (Niederschrift, when numbered) or the full unit name."""
        short = self.style == "niederschrift" and unit.short and self.rng.random() < 0.7
        g.unit(unit, not short)
        return unit.short if short and unit.short else unit.name

    def guest_phrase(self, p: Person, g: _Gold) -> str:
        """Accusative guest reference for a welcome, naming the unit the guest leads."""
        text = self.ref(p, g, "d")
        unit = p.department
        if unit is None:
            return text
        g.unit(unit, True)
        if p.role != "fbl":
            return f"{text} {unit.form('von')}"
        g.head_of[(p.surname, unit)] = None
        new = self.rng.random() < 0.5
        word = (
            ("neue " if new else "") + "Leiterin"
            if p.female
            else ("neuen " if new else "") + "Leiter"
        )
        return f"{text} als {word} {unit.form('g')}"

    # -- budget and turns
    def fits(self, text: str) -> bool:
        """Return True when ``text`` still fits below the upper size bound."""
        return self.length + len(text) + len(self.sep) + self.reserve <= self.upper

    def commit(self, text: str, g: _Gold | None = None) -> None:
        """Append a text part and its ground truth."""
        self.parts.append(text)
        self.length += len(text) + len(self.sep)
        if g is not None:
            self.gold.merge(g)

    def say(
        self,
        speaker: Person,
        kinds: tuple[str, ...],
        *,
        target: tuple[Person, int] | None = None,
        other: Person | None = None,
        guest: Person | None = None,
        answer_to: int | None = None,
        need_target: bool = False,
        anonymous: bool = False,
    ) -> int | None:
        """Render one turn and keep it if it fits.

        Returns:
            The statement index, -1 for a kept turn that is no statement, None if dropped.
        """
        chatty = kinds[0] not in ("Guest", "Open", "Procedural", "Close", "Thanks", "Call")
        for fillers in (self.rng.randint(0, 3) if chatty else 0, 0):
            g = _Gold()
            fill = _Fill(self, g, speaker)
            fill.target = target[0] if target else None
            fill.other = other or self.rng.choice([p for p in self.admins if p is not speaker])
            fill.guest = guest
            if anonymous:
                fill.subject = "Die Vorsitzende" if speaker.female else "Der Vorsitzende"
                fill.anonymous = True
            sentences, acts = self._sentences(fill, kinds, fillers, need_target)
            if not sentences:
                return None
            text = self._paragraphs(sentences)
            if self.fits(text):
                return self._keep(text, g, fill, acts, target, answer_to)
        return None

    def _sentences(
        self, fill: _Fill, kinds: tuple[str, ...], fillers: int, need_target: bool
    ) -> tuple[list[str], list[str]]:
        sentences: list[str] = []
        acts: list[str] = []
        for position, kind in enumerate(kinds):
            t = fill.pick(kind, need_target and position == 0, position > 0)
            if t is None or len(set(acts) | set(t.acts)) > 3:
                if position == 0:
                    return [], []
                continue
            sentences.append(fill.render(t))
            acts += [act for act in t.acts if act not in acts]
            assert fill.speaker is not None
            fill.subject = "Sie" if fill.speaker.female else "Er"
            extra = ["Ask"] if "Question" in t.acts and self.rng.random() < 0.3 else []
            for kind_of_extra in extra + ["Filler"] * self.rng.randint(0, fillers):
                filler = fill.pick(kind_of_extra)
                sentences += [fill.render(filler)] if filler else []
        return sentences, acts

    def _paragraphs(self, sentences: list[str]) -> str:
        if len(sentences) >= 4 and self.rng.random() < 0.2:
            cut = self.rng.randint(2, len(sentences) - 1)
            return " ".join(sentences[:cut]) + self.sep + " ".join(sentences[cut:])
        return " ".join(sentences)

    def _keep(
        self,
        text: str,
        g: _Gold,
        fill: _Fill,
        acts: list[str],
        target: tuple[Person, int] | None,
        answer_to: int | None,
    ) -> int:
        assert fill.speaker is not None
        index = -1
        if not fill.anonymous or self.chair_known:
            g.person(fill.speaker)
            reply = target[1] if target and fill.used_target else answer_to
            index = len(self.gold.statements)
            g.statements.append(
                {
                    "item": self.item,
                    "speaker": fill.speaker.surname,
                    "acts": acts,
                    "reply_to": reply,
                    "on_behalf_of": fill.behalf,
                }
            )
        elif "unnamed chair" not in " ".join(self.notes):
            self.notes.append("A turn of the unnamed chair is no statement (chair not named).")
        self.commit(text, g)
        return index

    # -- decisions
    def outcome(self, kind: str) -> _Outcome | None:
        """Draw the decision of an item of ``kind`` (None: no decision)."""
        rng = self.rng
        if kind == "anfragen":
            return None
        if kind in ("presentation", "mitteilungen"):
            return _Outcome("TakenNote", "note") if rng.random() < 0.6 else None
        roll = rng.random()
        if roll > 0.92:
            return _Outcome("Deferred", "defer")
        rejected = roll < (0.35 if kind == "antrag" else 0.1)
        weights = (20, 0, 0, 40, 40, 0) if rejected else (35, 15, 20, 10, 12, 8)
        phrase = rng.choices(("unan", "unan_abst", "maj_fac", "maj", "counts", "plain"), weights)[0]
        result = "Rejected" if rejected else "Accepted"
        if phrase in ("unan", "unan_abst"):
            return _Outcome(
                result, phrase, True, abstain=rng.randint(1, 3) if phrase != "unan" else None
            )
        if phrase == "maj_fac":
            faction = rng.choice([p.faction for p in self.council if p.faction])
            return _Outcome(
                result, phrase, False, no=rng.randint(1, max(1, self.voters // 4)), faction=faction
            )
        if phrase == "counts":
            big = rng.randint(self.voters // 2 + 1, self.voters)
            small = rng.randint(1, max(1, self.voters - big))
            abstain = rng.randint(0, max(0, self.voters - big - small))
            yes, no = (small, big) if rejected else (big, small)
            return _Outcome(result, phrase, False, yes, no, abstain)
        return _Outcome(result, phrase, False if phrase == "maj" else None)

    def _vote(self, o: _Outcome) -> _Gold:
        g = _Gold()
        g.votes.append(
            {
                "item": self.item,
                "result": o.result,
                "unanimous": o.unanimous,
                "yes": o.yes,
                "no": o.no,
                "abstain": o.abstain,
            }
        )
        if o.faction:
            g.add("factions", o.faction)
        return g

    def decision(self, kind: str, o: _Outcome) -> tuple[str, _Gold]:
        """Render the decision block of the current item in the layout's manner."""
        g = self._vote(o)
        fill = _Fill(self, g, None)
        body = f"Der {self.body_nom}"
        if o.phrase == "note":
            text = f"{body} nimmt den Bericht der Verwaltung zur Kenntnis."
        elif o.phrase == "defer":
            text = "Die Beratung wird in die nächste Sitzung vertagt."
        elif self.style == "niederschrift":
            adverb = f" {_adverb(o)}" if _adverb(o) else ""
            if kind == "antrag" and o.result == "Accepted":
                return f"{body} stimmt dem Antrag der {fill.f_FT()}{adverb} zu.", g
            if kind == "antrag":
                return f"{body} lehnt den Antrag der {fill.f_FT()}{adverb} ab.", g
            if o.result == "Accepted":
                return f"{body} beschließt{adverb} {fill.f_pap()}.", g
            return f"{body} lehnt {fill.f_pap()}{adverb} ab.", g
        elif kind == "antrag":
            text = (
                f"{body} beauftragt die Verwaltung, {fill.f_ini_a()} für {fill.f_pl()} umzusetzen."
            )
        else:
            text = f"{body} beschließt {fill.f_pap()}."
        if self.style == "allris":
            return f"Beschluss:\n\n{text}\n\nAbstimmungsergebnis:\n\n{self.allris_line(o)}", g
        if o.phrase in ("note", "defer"):
            return text, g
        return f"Beschluss:\n\n{text}\n\n{self._protokoll_line(o)}", g

    @staticmethod
    def allris_line(o: _Outcome) -> str:
        """Return the ALLRIS result line ("einstimmig beschlossen", "vertagt", ...)."""
        if o.phrase in ("note", "defer"):
            return "zur Kenntnis genommen" if o.phrase == "note" else "vertagt"
        verb = "beschlossen" if o.result == "Accepted" else "abgelehnt"
        if o.phrase == "counts":
            abstain = _count(o.abstain, "Enthaltung", "Enthaltungen")
            return f"{o.yes} Ja, {o.no} Nein, {abstain}\n{verb}"
        return "geändert beschlossen" if o.phrase == "plain" else f"{_adverb(o)} {verb}"

    @staticmethod
    def _protokoll_line(o: _Outcome) -> str:
        if o.phrase == "counts":
            line = ", ".join(
                (
                    _count(o.yes, "Ja-Stimme", "Ja-Stimmen"),
                    _count(o.no, "Nein-Stimme", "Nein-Stimmen"),
                    _count(o.abstain, "Enthaltung", "Enthaltungen"),
                )
            )
            line += "" if o.result == "Accepted" else "\nDer Antrag ist damit abgelehnt."
        elif o.phrase == "plain":
            line = "Geändert beschlossen"
        else:
            line = _adverb(o) + ("" if o.result == "Accepted" else " abgelehnt")
        return f"ABSTIMMUNGSERGEBNIS:    {line[0].upper()}{line[1:]}"

    # -- agenda items
    def title(self, kind: str, g: _Gold) -> str:
        """Render the title of an item of ``kind``."""
        fill = _Fill(self, g, None)
        return fill.render(self.rng.choice(_TEMPLATES[f"T-{kind}"]))

    def item_stop(self) -> int:
        """Return where the discussion of the next item ends; the last item fills the budget."""
        if self.target - self.length < 1500:
            return self.target
        return self.length + self.rng.randint(900, 1500)

    def item_kind(self) -> str:
        """Draw the kind of a substantive item."""
        kinds = ("presentation", "vorlage", "antrag", "anfragen", "mitteilungen")
        return self.rng.choices(kinds, weights=(3, 4, 2, 2, 1))[0]

    def item_body(self, kind: str, stop: int, tail: int = 0) -> None:
        """Turns of the current item until ``stop`` characters, then closing and decision."""
        o = self.outcome(kind)
        decision = self.decision(kind, o) if o else None
        kept = len(decision[0]) + len(self.sep) if decision else 0
        self.reserve = kept + tail + 160
        presenter = self._open_item(kind)
        self._discussion(kind, stop)
        self.reserve = kept + tail
        self._close_item(kind, presenter, o)
        self.reserve = tail
        if decision:
            self.commit(*decision)

    def _open_item(self, kind: str) -> Person | None:
        rng = self.rng
        if kind == "antrag":
            proposers = [p for p in self.speakers if p.faction == self.topic.faction]
            proposer = proposers[0] if proposers else rng.choice(self.speakers)
            self.say(proposer, (rng.choice(("Request", "Proposal")), "Information"))
            return None
        if kind == "anfragen":
            return None
        presenter = self.answerer()
        if kind == "vorlage" and self.rng.random() < 0.3:
            self.say(self.chair, ("Call",))
        if kind == "presentation" and presenter is not self.chair:
            self.say(self.chair, ("Guest",), guest=presenter)
        first = (
            "Presentation"
            if kind == "presentation"
            else rng.choice(("Information", "Presentation"))
        )
        self.say(presenter, (first, "Information") if rng.random() < 0.4 else (first,))
        return presenter

    def _close_item(self, kind: str, presenter: Person | None, o: _Outcome | None) -> None:
        anonymous = self.rng.random() < {"allris": 0.15, "protokoll": 0.5}.get(self.style, 0.0)
        if o is not None and o.phrase not in ("note", "defer"):
            kinds = (
                ("Close",) if presenter is not None and self.rng.random() < 0.4 else ("Procedural",)
            )
            self.say(self.chair, kinds, other=presenter, anonymous=anonymous)
        elif presenter is not None and presenter is not self.chair and self.rng.random() < 0.6:
            self.say(self.chair, ("Thanks",), other=presenter)

    def _discussion(self, kind: str, stop: int) -> None:
        history: list[tuple[Person, int]] = []
        pending: tuple[Person, int] | None = None
        contested: tuple[Person, int] | None = None
        while self.length + self.reserve < stop:
            if pending and (kind == "anfragen" or self.rng.random() < 0.8):
                speaker = self.answerer()
                immediate = bool(history) and history[-1][1] == pending[1]
                kinds: tuple[str, ...] = ("Answer",)
                kinds += ("Information",) if self.rng.random() < 0.3 else ()
                index = self.say(
                    speaker,
                    kinds,
                    target=pending,
                    need_target=not immediate,
                    answer_to=pending[1] if immediate else None,
                )
                pending = None
            elif contested and self.rng.random() < 0.4:
                speaker = self.answerer()
                kinds = (self.rng.choice(("Reply", "Reply", "Confirmation")),)
                index = self.say(speaker, kinds, target=contested, need_target=True)
                contested = None
            else:
                speaker = self._next_speaker(history)
                kinds, target = self._councillor_kinds(kind, history, speaker)
                index = self.say(speaker, kinds, target=target, need_target=target is not None)
            if index is None or index < 0:
                break
            history.append((speaker, index))
            acts = self.gold.statements[index]["acts"]
            pending = (speaker, index) if "Question" in acts else pending
            contested = (speaker, index) if {"Criticism", "Opposition"} & set(acts) else contested

    def _next_speaker(self, history: list[tuple[Person, int]]) -> Person:
        forced = self.forced
        if forced is not None and forced in self.speakers and not self.forced_spoke:
            self.forced_spoke = True
            return forced
        last = history[-1][0] if history else None
        return self.rng.choice([p for p in self.speakers if p is not last] or self.speakers)

    def _councillor_kinds(
        self, kind: str, history: list[tuple[Person, int]], speaker: Person
    ) -> tuple[tuple[str, ...], tuple[Person, int] | None]:
        rng = self.rng
        if kind == "anfragen":
            return ("Question",), None
        acts = (
            "Question",
            "Support",
            "Opposition",
            "Criticism",
            "Proposal",
            "Request",
            "Information",
        )
        primary = rng.choices(acts, weights=(30, 16, 7, 10, 10, 8, 5))[0]
        earlier = [(p, i) for p, i in history if p is not speaker]
        target = None
        if earlier and primary in ("Support", "Opposition", "Criticism") and rng.random() < 0.3:
            target = earlier[-1]
        if rng.random() < 0.45:
            second = rng.choice([k for k in ("Question", "Proposal", "Request") if k != primary])
            return (primary, second), target
        return (primary,), target

    # -- layouts
    def _times(self) -> tuple[str, str]:
        start = self.rng.choice(("14:00", "15:00", "15:30", "16:00", "17:00", "18:00"))
        begin = dt.datetime.combine(self.day, dt.time.fromisoformat(start))
        end = (begin + dt.timedelta(minutes=self.rng.randint(70, 200))).strftime("%H:%M")
        self.meeting.update(start=start, end=end)
        return start, end

    def _new_item(self, kind: str, number: str) -> tuple[str, _Gold]:
        """Start item ``number``: set topic, render the title, record the item."""
        self.item = number
        self.topic = self._topic(kind)
        g = _Gold()
        title = self.title(kind, g)
        g.items.append({"number": number, "title": title})
        return title, g

    def allris(self) -> None:
        """One ALLRIS TOP page (three header variants)."""
        rng = self.rng
        kind = self.item_kind()
        a, b = rng.randint(3, 12), rng.randint(1, 9)
        number = rng.choice((f"{a}", f"{a}.{b}", f"I.{a}.{b}"))
        title, g = self._new_item(kind, number)
        first = f"{self.day:%d.%m.%Y} - {number} {title}"
        variant = rng.choice("ABC")
        if variant == "C":
            self._allris_grunddaten(kind, number, first, g)
            return
        self.sep = "\n\n\u00a0\n\n"
        o = self.outcome(kind) if variant == "B" else None
        if o is not None:
            g.merge(self._vote(o))
            head = [first, f"Beschluss:\n{self.allris_line(o)}\nReduzieren"]
        else:
            head = [first, "Reduzieren"]
        head.append("Wortprotokoll")
        if variant == "A" and rng.random() < 0.6:
            head.append("Zusammenfassung des Diskussionsergebnisses:")
        self.commit("\n\n".join(head), g)
        tail = len("Reduzieren") + len(self.sep) if variant == "A" else 0
        if o is not None:
            self.reserve = 160
            presenter = self._open_item(kind)
            self._discussion(kind, self.target)
            self._close_item(kind, presenter, o)
        else:
            self.item_body(kind, self.target, tail)
        if variant == "A":
            self.commit("Reduzieren")

    def _allris_grunddaten(self, kind: str, number: str, first: str, g: _Gold) -> None:
        """ALLRIS page with a "Grunddaten" block (body and start time stated), one turn a line."""
        self.sep = "\n"
        start, _ = self._times()
        self.meeting["end"] = None
        weekday = ("Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So.")[self.day.weekday()]
        head = (
            f"{first}\nGrunddaten\n- TOP:\n- Ö {number}\n- Sitzung:\n-\nSitzung {self.body_gen}\n"
            f"- Gremium:\n- {self.body_nom}\n- Datum:\n- {weekday}, {self.day:%d.%m.%Y}\n"
            f"- Uhrzeit:\n- {start}\n- Anlass:\n- normale Sitzung\nWortprotokoll"
        )
        self.commit(head, g)
        self.item_body(kind, self.target)

    def niederschrift(self) -> None:
        """A doRat-like Niederschrift of a whole meeting."""
        rng = self.rng
        start, end = self._times()
        place = f"{rng.choice(_ROOMS)}, {rng.choice(_BUILDINGS)}, {rng.choice(_STREETS)}"
        self.meeting["place"] = place
        number = rng.randint(2, 48)
        self.commit(
            f"Niederschrift\n\nüber die {number}. Sitzung {self.body_gen}\n\n\n"
            f"am {self.day:%d.%m.%Y}\n{place}\n\n\n\nÖffentliche Sitzung\n\n"
            f"Sitzungsdauer: {start} - {end} Uhr"
        )
        self._attendance_lists()
        self.commit("Öffentlicher Teil:")
        self._regularien(number)
        group, sub = 2, 0
        while self.length + 300 < self.target:
            if sub and rng.random() < 0.5:
                group, sub = group + 1, 0
            sub += 1
            kind = self.item_kind()
            title, g = self._new_item(kind, f"{group}.{sub}")
            head = f"zu TOP {group}.{sub}\n{title}"
            if kind in ("vorlage", "antrag"):
                g.add("papers", self.topic.papers[0])
                head += f"\n(Drucksache Nr.: {self.topic.papers[0]})"
            self.commit(head, g)
            self.item_body(kind, self.item_stop())

    def _regularien(self, number: int) -> None:
        g = _Gold()
        self.item = "1.1"
        word = "Ratsmitgliedes" if self.is_rat else "Ausschussmitgliedes"
        title = f"Benennung eines {word} zur Mitunterzeichnung der Niederschrift"
        g.items.append({"number": "1.1", "title": title})
        self.commit(f"zu TOP 1.1\n{title}\n\n{self.ref(self.speakers[0], g)} wird benannt.", g)
        g = _Gold()
        g.items.append({"number": "1.2", "title": "Feststellung der Tagesordnung"})
        if self.rng.random() < 0.5:
            text = "Die Tagesordnung wird einstimmig festgestellt."
            g.votes.append(self._simple_vote("1.2", True, None))
        else:
            text = "Die Tagesordnung wird in der vorliegenden Form festgestellt."
        self.commit(f"zu TOP 1.2\nFeststellung der Tagesordnung\n\n{text}", g)
        g = _Gold()
        previous = self.day - dt.timedelta(days=self.rng.randint(21, 60))
        title = (
            f"Genehmigung der Niederschrift über die {number - 1}. Sitzung {self.body_gen} "
            f"am {previous:%d.%m.%Y}"
        )
        g.items.append({"number": "1.3", "title": title})
        abstain = self.rng.choice((None, 1, 2))
        if abstain is None:
            text = "Die Niederschrift wird einstimmig genehmigt."
        else:
            text = f"Die Niederschrift wird bei {_count(abstain, 'Enthaltung', 'Enthaltungen')} "
            text += "genehmigt."
        g.votes.append(self._simple_vote("1.3", True if abstain is None else None, abstain))
        self.commit(f"zu TOP 1.3\n{title}\n\n{text}", g)

    @staticmethod
    def _simple_vote(item: str, unanimous: bool | None, abstain: int | None) -> dict[str, Any]:
        return {
            "item": item,
            "result": "Accepted",
            "unanimous": unanimous,
            "yes": None,
            "no": None,
            "abstain": abstain,
        }

    def _attendance_lists(self) -> None:
        g = _Gold()
        rng = self.rng
        lines: list[str] = []
        if self.is_rat:
            total = len(self.council) + 1
            lines.append(
                f"Laut Anwesenheitsliste, die der Originalniederschrift als Anlage beigefügt "
                f"ist, waren {total - len(self.absent)} von z. Z. {total} Ratsmitgliedern anwesend."
            )
        else:
            lines += ["Anwesend waren:", "", "a) Stimmberechtigte Mitglieder:"]
            comma = rng.random() < 0.3
            for faction in self.muni.factions:
                group = [p for p in self.members if p.faction == faction and p not in self.absent]
                if group:
                    g.add("factions", faction)
                    options = (*_HEADER_VARIANTS.get(faction, (faction,)), _fraktion(faction))
                    lines.append(rng.choice(options))
                for p in group:
                    g.member(p, faction)
                    g.present[p.surname] = None
                    if comma:
                        g.person(p, p.given)
                        lines.append(f"{p.surname}, {p.given}")
                    else:
                        lines.append(self.ref(p, g))
            lines.append("")
        lines.append("Von der Verwaltung waren anwesend:" if self.is_rat else "b) Verwaltung:")
        for p in self.admins:
            g.present[p.surname] = None
            lines.append(self._admin_line(p, g))
        if self.absent:
            lines += [
                "",
                "Entschuldigt fehlten:" if len(self.absent) > 1 else "Entschuldigt fehlte:",
            ]
            for p in self.absent:
                assert p.faction is not None
                g.member(p, p.faction)
                g.absent[p.surname] = None
                lines.append(f"{self.ref(p, g)} ({p.faction})")
        self.commit("\n".join(lines), g)

    def _admin_line(self, p: Person, g: _Gold) -> str:
        unit = p.department
        if unit is None:
            return self.ref(p, g)
        roll = self.rng.random()
        if p.role == "fbl" and roll < 0.5:
            g.unit(unit, True)
            g.head_of[(p.surname, unit)] = None
            word = "Leiterin" if p.female else "Leiter"
            if self.style == "protokoll":
                return f"{self.ref(p, g)} ({word} {unit.form('g')})"
            return f"{self.ref(p, g)}, {word} {unit.form('g')}"
        if self.style == "niederschrift" and roll < 0.75:
            g.person(p, p.given)
            return f"{p.given} {p.surname} {self.unit_label(unit, g)}"
        label = self.unit_label(unit, g)
        return (
            f"{self.ref(p, g)} ({label})"
            if self.style == "protokoll"
            else f"{self.ref(p, g)} {label}"
        )

    def protokoll(self) -> None:
        """A Protokoll with bracketed factions, an agenda and ``TOP n`` blocks."""
        rng = self.rng
        _, end = self._times()
        start = self.meeting["start"]
        place = f"{rng.choice(_BUILDINGS)}, {rng.choice(_ROOMS)}"
        self.meeting["place"] = place
        weekday, month = _WEEKDAYS[self.day.weekday()], _MONTHS[self.day.month - 1]
        number = rng.randint(2, 48)
        self.commit(
            f"PROTOKOLL\n\n{number}. Sitzung {self.body_gen} am {weekday}, {self.day.day}. "
            f"{month} {self.year},\n{place}\n\nBeginn {start.replace(':', '.')} Uhr\n"
            f"Ende {end.replace(':', '.')} Uhr\n\n{'_' * 70}"
        )
        self._protokoll_attendance()
        agenda_at = len(self.parts)
        agenda = ["Tagesordnung:", "I. Ö F F E N T L I C H E R   T E I L"]
        self.length += sum(len(line) + 2 for line in agenda)
        prefix = rng.choice(("TOP ", "Ö "))
        for position, kind in enumerate(self._protokoll_plan(), start=1):
            if position > 3 and self.length + 300 > self.target:
                break
            title, g = self._procedural_item(kind, str(position))
            agenda.append(f"{position}. {title}")
            self.length += len(agenda[-1]) + 2
            self.commit(f"{prefix}{position} {title}\n\nProtokoll:", g)
            self._protokoll_item_body(kind, position)
        self.parts.insert(agenda_at, "\n\n".join(agenda))

    def _protokoll_plan(self) -> list[str]:
        plan = ["eroeffnung", "genehmigung"] + (["fragestunde"] if self.rng.random() < 0.5 else [])
        return plan + [self.item_kind() for _ in range(12)]

    def _procedural_item(self, kind: str, number: str) -> tuple[str, _Gold]:
        titles = {
            "eroeffnung": "Eröffnung der Sitzung, Feststellung der ordnungsgemäßen Einberufung und "
            "Beschlussfähigkeit sowie Feststellung der Tagesordnung",
            "genehmigung": f"Genehmigung des Protokolls über die letzte Sitzung {self.body_gen}",
            "fragestunde": "Einwohnerfragestunde",
        }
        if kind not in titles:
            return self._new_item(kind, number)
        self.item = number
        g = _Gold()
        g.items.append({"number": number, "title": titles[kind]})
        return titles[kind], g

    def _protokoll_item_body(self, kind: str, position: int) -> None:
        number = str(position)
        if kind == "eroeffnung":
            self.say(self.chair, ("Open",), anonymous=self.rng.random() < 0.5)
            if self.rng.random() < 0.5:
                g = _Gold()
                g.votes.append(self._simple_vote(number, True, None))
                self.commit("Die Tagesordnung wird einstimmig festgestellt.", g)
        elif kind == "genehmigung":
            g = _Gold()
            abstain = self.rng.choice((None, 1, 2))
            g.votes.append(self._simple_vote(number, True, abstain))
            line = (
                "Einstimmig"
                if abstain is None
                else f"Einstimmig bei {_count(abstain, 'Enthaltung', 'Enthaltungen')}"
            )
            self.commit(
                f"Beschluss:\n\nDas Protokoll wird genehmigt.\n\nABSTIMMUNGSERGEBNIS:    {line}", g
            )
        elif kind == "fragestunde":
            self.commit("Es erfolgen keine Wortmeldungen.")
        else:
            self.item_body(kind, self.item_stop())

    def _protokoll_attendance(self) -> None:
        g = _Gold()
        lines = ["Anwesend:", "", "(verhindert waren)", ""]
        if self.rng.random() < 0.7:
            self.chair_known = True
            chair = self.chair
            role = "Vorsitzende" if chair.female else "Vorsitzender"
            faction = f" ({chair.faction})" if chair.faction else ""
            if chair.faction:
                g.member(chair, chair.faction)
            g.head_of[(chair.surname, self.body_nom)] = None
            g.present[chair.surname] = None
            lines.append(f"{self.ref(chair, g)}{faction} als {role}")
        if self.is_rat:
            present = len(self.council) + 1 - len(self.absent)
            lines.append(f"{present} Ratsmitglieder laut Anwesenheitsliste")
        for p in self.members:
            if p is self.chair or (self.is_rat and p not in self.absent):
                continue
            assert p.faction is not None
            g.member(p, p.faction)
            absent = p in self.absent
            (g.absent if absent else g.present)[p.surname] = None
            ref = self.ref(p, g)
            lines.append(f"({ref}) ({p.faction})" if absent else f"{ref} ({p.faction})")
        lines += ["", "Verwaltung:"]
        for p in self.admins:
            if p is not self.chair or not self.chair_known:
                g.present[p.surname] = None
                lines.append(self._admin_line(p, g))
        self.commit("\n".join(lines), g)

    # -- result
    def build(self) -> tuple[str, dict[str, Any]]:
        """Render the document; return its text and its gold dict (without "file")."""
        getattr(self, self.style)()
        text = self.sep.join(self.parts).rstrip() + "\n"
        header = {"city": self.muni.name, "system": SYSTEMS[self.style], "meeting": self.meeting}
        pair = self.muni.pair
        for p in pair or ():
            if p in self.gold.persons:
                other = pair[1] if p is pair[0] else pair[0]  # type: ignore[index]
                self.notes.append(
                    f"{p.surname} ({p.faction}) shares the surname with a member of "
                    f"{other.faction} who does not occur here."
                )
        notes = f"Synthetic {self.style} document from bench.generate. " + " ".join(self.notes)
        return text, self.gold.to_json(header, notes.strip())


# ---------------------------------------------------------------- corpus
def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def generate_corpus(
    out_dir: Path, n_docs: int, n_municipalities: int, seed: int = 0, chars: int = 3000
) -> GeneratedCorpus:
    """Write ``n_docs`` synthetic protocols with gold files, rosters and a manifest.

    Documents are spread round-robin over ``n_municipalities`` invented municipalities; the
    first three documents use the three layouts, later ones draw their layout at random.

    Args:
        out_dir: Folder to write into (created if missing; existing files are overwritten).
        n_docs: Number of documents.
        n_municipalities: Number of invented municipalities (at least 1).
        seed: Seed of every random choice; equal arguments give byte-identical files.
        chars: Target text size; texts stay within ±20 % of it for sizes of 1,500 and more.

    Returns:
        What was written.

    Raises:
        ValueError: if ``n_docs`` is negative, ``n_municipalities`` below 1 or ``chars`` below 500.
        OSError: if ``out_dir`` cannot be written.
    """
    if n_docs < 0 or n_municipalities < 1 or chars < 500:
        raise ValueError("need n_docs >= 0, n_municipalities >= 1 and chars >= 500")
    out_dir.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    munis = tuple(build_municipality(seed, index, used) for index in range(n_municipalities))
    width = max(5, len(str(n_docs)))
    style_rng = random.Random(f"{seed}/styles")
    docs = []
    for index in range(n_docs):
        muni = munis[index % n_municipalities]
        style = STYLES[index] if index < len(STYLES) else style_rng.choice(STYLES)
        name = f"syn-{index:0{width}d}-{muni.slug}"
        docs.append(_write_document(out_dir, name, _Doc(muni, style, index, seed, chars)))
    for muni in munis:
        (out_dir / f"roster-{muni.slug}.csv").write_text(roster_csv(muni), encoding="utf-8")
    manifest = out_dir / "manifest.json"
    _write_json(manifest, _manifest(docs, munis, seed, chars))
    log.info("wrote %d documents for %d municipalities to %s", n_docs, n_municipalities, out_dir)
    return GeneratedCorpus(out_dir, tuple(docs), munis, manifest)


def _write_document(out_dir: Path, name: str, doc: _Doc) -> GeneratedDoc:
    text, gold = doc.build()
    (out_dir / f"{name}.txt").write_text(text, encoding="utf-8")
    meta = {"municipality": doc.muni.name, "body": doc.body_nom, "url": None, "date": doc.date}
    _write_json(out_dir / f"{name}.txt.meta.json", meta)
    _write_json(out_dir / f"{name}.gold.json", {"file": f"{name}.txt", **gold})
    return GeneratedDoc(name, doc.muni.name, doc.style, doc.date, doc.body_nom, len(text))


def _manifest(
    docs: list[GeneratedDoc], munis: tuple[Municipality, ...], seed: int, chars: int
) -> dict[str, Any]:
    municipalities = []
    for muni in munis:
        pair = [
            {"surname": p.surname, "given": p.given, "faction": p.faction} for p in muni.pair or ()
        ]
        municipalities.append(
            {
                "name": muni.name,
                "roster": f"roster-{muni.slug}.csv",
                "persons": len(muni.persons),
                "same_surname": pair,
            }
        )
    documents = [
        {
            "file": f"{d.name}.txt",
            "gold": f"{d.name}.gold.json",
            "meta": f"{d.name}.txt.meta.json",
            "municipality": d.municipality,
            "style": d.style,
            "date": d.date,
            "body": d.body,
            "chars": d.chars,
        }
        for d in docs
    ]
    return {
        "generator": "bench.generate",
        "seed": seed,
        "chars": chars,
        "n_docs": len(docs),
        "n_municipalities": len(munis),
        "municipalities": municipalities,
        "documents": documents,
    }


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m bench.generate OUT --docs N --municipalities M``."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.generate", description=__doc__.split("\n")[0]
    )
    parser.add_argument("out", type=Path, help="output folder")
    parser.add_argument("--docs", type=int, default=100, help="number of documents (100)")
    parser.add_argument("--municipalities", type=int, default=3, help="municipalities (3)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (0)")
    parser.add_argument("--chars", type=int, default=3000, help="target text size (3000)")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    try:
        corpus = generate_corpus(args.out, args.docs, args.municipalities, args.seed, args.chars)
    except (ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    seconds = time.perf_counter() - began
    print(
        f"wrote {len(corpus.documents)} documents for {len(corpus.municipalities)} "
        f"municipalities to {corpus.out_dir} in {seconds:.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
