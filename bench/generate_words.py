"""Word lists, speaker reference patterns and sentence templates of the synthetic protocols
(data, not code), for `bench.generate`."""

from __future__ import annotations

import re
from dataclasses import dataclass

STYLES = ("allris", "niederschrift", "protokoll")
SYSTEMS = {"allris": "ALLRIS", "niederschrift": "doRat", "protokoll": "other"}
COUNCIL_ROLES = frozenset({"rm", "sb", "bm"})
ADMIN_ROLES = frozenset({"ob", "beig", "fbl", "staff"})


# ---------------------------------------------------------------- vocabulary (data, not code)
def _words(text: str) -> tuple[str, ...]:
    """Split a whitespace-separated word list."""
    return tuple(text.split())


SURNAMES = _words("""Albers Arndt Bahr Baumann Becker Behrens Bergmann Bischoff Blum Böhm
Börner Brinkmann Busch Dittmann Dreyer Ebert Eggers Ehlers Falk Fink Franke Fröhlich Fuchs
Gerlach Göbel Günther Haas Hahn Hartmann Hellwig Herrmann Hesse Hofer Horn Jäger Jansen Kaiser
Kessler Kirchner Kluge Köhler Kremer Kuhn Kunze Lehmann Maaß Martens Mayer Menzel Merten Mohr
Nagel Naumann Nowak Ostermann Paulsen Peters Pfeiffer Pohl Rademacher Rausch Reuter Riedel
Roßbach Roth Sauer Seidel Siebert Stahl Stork Strauß Thiel Thomsen Vogel Voigt Voß Wagner
Wegener Weiß Wendt Wiegand Winkler Wolff Ziegler Zimmermann Aydın Yılmaz Kowalski Nowicki
Özdemir Lindner Brückner Schäfer Schröder Schütte Hübner Kühn Jürgens Lüdtke Mäurer Nüßlein
Bräuer Gößling Kötter Söhnchen Tönnies Wöhler Brößke Spieß Nußbaum Buß Heß Sträter Hölscher
Overbeck Terhorst Wessels Hülsmann Kampmann Tillmann Vollmer Beckmann Bornemann""")
MALE = _words("""Andreas Bernd Björn Christian Daniel Dirk Frank Georg Hans-Peter Jan Jens
Jörg Jürgen Karl-Heinz Klaus Lars Lukas Malte Markus Matthias Mehmet Michael Niklas Oliver Ralf
Sebastian Sören Stefan Till Tobias Uwe Volker Wolfgang Yusuf Emre Piotr""")
FEMALE = _words("""Andrea Anja Annette Ayşe Bärbel Birgit Christina Claudia Doris Elke
Gabriele Heike Ines Jana Julia Jutta Karin Katja Kerstin Laura Lea Maren Marion Monika Nadine
Petra Renate Sabine Sandra Silke Stefanie Susanne Tanja Ute Yvonne Zeynep Agnieszka Özlem""")
TOWN_HEADS = _words("""Linden Birken Eichen Buchen Erlen Tannen Weiden Falken Kranich Lerchen
Rosen Sonnen Wiesen Mühl Hohen Kirch Rabens Wolfs Hasel Ahorn Espen Ulmen Schwalben Finken""")
TOWN_TAILS = _words("hausen feld dorf heim bach burg au rode born brück stedt tal kirchen ingen")
DISTRICT_HEADS = _words("""Ober Unter Nieder Holz Mühlen Sand Heide Brunnen Hirsch Kappel
Marien Schlehen Dornen Bruch Quell Kiefern Wachtel Nessel Moos Flachs""")
DISTRICT_TAILS = _words("horst becke winkel kamp loh rath hövel heide hof büttel siepen garten")
LOCAL_GROUPS = "Bürgerforum|Freie Bürgerliste|Unabhängige Bürger|Bürgerbündnis|Pro Bürger"
FACTION_WEIGHTS = (8, 8, 5, 3, 2, 3, 2)
MAIN_FACTIONS = ("SPD", "CDU", "Bündnis 90/Die Grünen", "FDP", "Die Linke", "AfD")
COMPOUND = frozenset({"SPD", "CDU", "FDP", "AfD"})
HEADER_VARIANTS = {
    "Bündnis 90/Die Grünen": ("Bündnis 90/Die Grünen", "B90/Die Grünen"),
    "Die Linke": ("Die Linke", "DIE LINKE"),
}
DEPARTMENTS = """Jugend und Soziales|55|soz; Integration und Zuwanderung|56|soz; Gesundheit und
Verbraucherschutz|53|soz; Bildung und Schule|48|bil; Kultur und Sport|41|bil; Stadtentwicklung
und Bauordnung|61|bau; Umwelt und Klimaschutz|69|bau; Verkehr und Tiefbau|66|bau;
Gebäudewirtschaft|65|bau; Finanzen und Beteiligungen|20|fin; Personal und Organisation|11|fin;
Öffentliche Sicherheit und Ordnung|32|ord"""
STABSSTELLEN = (("Digitalisierung", "fin"), ("Klimaschutz", "bau"))
INITIATIVES = """n|Quartiersmanagement|soz; n|Kommunales Integrationsmanagement|soz;
n|Case-Management|soz; n|Kita-Ausbauprogramm|soz; m|Kinder- und Jugendförderplan|soz;
n|Wohnraumversorgungskonzept|soz; m|Spielflächenbedarfsplan|soz; n|Radverkehrskonzept|bau;
n|Klimaschutzkonzept|bau; m|Masterplan Mobilität|bau; f|Kommunale Wärmeplanung|bau;
m|Lärmaktionsplan|bau; m|Hitzeaktionsplan|bau; m|Nahverkehrsplan|bau; n|Einzelhandelskonzept|bau;
m|Schulentwicklungsplan|bil; m|Medienentwicklungsplan|bil; m|Sportstättenentwicklungsplan|bil;
f|Digitalisierungsstrategie|fin; n|Haushaltssicherungskonzept|fin; f|Sauberkeitsoffensive|ord;
n|Präventionskonzept|ord"""
BODIES = """Haupt- und Finanzausschuss|des Haupt- und Finanzausschusses|fin ord; Ausschuss für
Umwelt, Klima und Mobilität|des Ausschusses für Umwelt, Klima und Mobilität|bau; Ausschuss für
Stadtentwicklung und Bauen|des Ausschusses für Stadtentwicklung und Bauen|bau; Schul- und
Bildungsausschuss|des Schul- und Bildungsausschusses|bil; Jugendhilfeausschuss|des
Jugendhilfeausschusses|soz; Sozialausschuss|des Sozialausschusses|soz"""
ROOMS = ("Ratssaal", "Sitzungssaal 1", "Großer Sitzungssaal", "Bürgersaal", "Raum 210")
BUILDINGS = ("Rathaus", "Verwaltungsgebäude", "Bürgerhaus", "Technisches Rathaus")
STREETS = ("Marktplatz 1", "Rathausplatz 2", "Am Markt 5", "Kirchstraße 12", "Schlossallee 3")
WEEKDAYS = _words("Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag")
MONTHS = _words("""Januar Februar März April Mai Juni Juli August September Oktober November
Dezember""")

# Speaker references per layout and role: (nominative patterns, dative patterns).
# {H} Herr/Frau, {T} title, {I} initial, {G} given name, {N} surname, {m/f} gendered word.
PATTERNS: dict[str, dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
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
BRACKET_P = {"allris": 0.15, "niederschrift": 0.55, "protokoll": 0.6}

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
FIELD = re.compile(r"\{(\w+)\}")
GENDERED = re.compile(r"\{([^{}/]+)/([^{}/]+)\}")
_KIND_ACTS = {"Guest": ("Welcome",), "Reply": ("Answer",), "Open": ("Welcome", "Procedural")}
FACTION_FIELDS = frozenset({"FP", "FF", "FG"})


@dataclass(frozen=True, slots=True)
class Template:
    """One sentence template with the acts it expresses and the fields it needs."""

    kind: str
    acts: tuple[str, ...]
    text: str
    needs: frozenset[str]


def _load_templates() -> dict[str, tuple[Template, ...]]:
    """Parse ``_TEMPLATE_TEXT`` into templates grouped by kind."""
    grouped: dict[str, list[Template]] = {}
    for line in _TEMPLATE_TEXT.strip().splitlines():
        key, text = line.split("|", 1)
        kind, _, acts = key.partition("=")
        act_list = tuple(acts.split("+")) if acts else _KIND_ACTS.get(kind, (kind,))
        needs = frozenset(FIELD.findall(text))
        grouped.setdefault(kind, []).append(Template(kind, act_list, text, needs))
    return {kind: tuple(templates) for kind, templates in grouped.items()}


TEMPLATES = _load_templates()
