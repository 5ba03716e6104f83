"""Seeded synthetic Ratsgraph data, written directly as N-Quads in the shape of kg/rdf.py.

Each municipality has Fraktionen, departments, initiatives and people (council members who
sometimes change Fraktion, and administration staff who head departments in turn). Each
document is one meeting's protocol in its own named graph: meeting and agenda items,
attendance, the people and organisations it mentions with their labels, memberships and
heads of departments as annotated claims, statements (speech acts, topics, replies, quotes
with text-position selectors) and votes with counts per Fraktion. Ambiguous mentions go to
the rg:resolution graph. Equal shapes give byte-identical output.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

BASE = "https://w3id.org/ratsgraph/id/"
RG = "https://w3id.org/ratsgraph/ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
S = "http://schema.org/"
FOAF = "http://xmlns.com/foaf/0.1/"
ORG = "http://www.w3.org/ns/org#"
OA = "http://www.w3.org/ns/oa#"
DC = "http://purl.org/dc/terms/"
OG = "http://www.w3.org/ns/opengov#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"

FACTIONS = (
    ("spd", "SPD-Fraktion"),
    ("cdu", "CDU-Fraktion"),
    ("gruene", "Fraktion Bündnis 90/Die Grünen"),
    ("fdp", "FDP-Fraktion"),
    ("linke", "Fraktion Die Linke"),
    ("fw", "Fraktion Freie Wähler"),
)
UNITS = (
    "Jugend und Soziales",
    "Umwelt und Grünflächen",
    "Stadtentwicklung und Verkehr",
    "Finanzen",
    "Schule und Bildung",
    "Öffentliche Sicherheit und Ordnung",
    "Kultur",
    "Gesundheit",
    "Integration und Zuwanderung",
    "Wirtschaftsförderung",
    "Gebäudewirtschaft",
    "Personal",
)
INITIATIVES = (
    "Quartiersmanagement",
    "Klimaschutzkonzept",
    "Förderprogramm Gründächer",
    "Kommunales Integrationsmanagement",
    "Radverkehrskonzept",
    "Masterplan Mobilität",
    "Soziale Stadt",
    "Schulbauprogramm",
    "Kümmerergruppen",
    "Aktionsplan Inklusion",
    "Baumschutzprogramm",
    "Digitalstrategie",
    "Wohnraumkonzept",
    "Sportstättenprogramm",
    "Hitzeschutzplan",
    "Straßenbäume-Offensive",
    "Lärmaktionsplan",
    "Stadtwache",
    "Case-Management",
    "Jugendhilfeplan",
)
SURNAMES = (
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Schäfer",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Hofmann",
    "Hartmann",
    "Lange",
    "Schmitt",
    "Werner",
    "Krause",
    "Meier",
    "Lehmann",
    "Schmid",
    "Schulze",
    "Maier",
    "Köhler",
    "Herrmann",
    "König",
    "Walter",
    "Mayer",
    "Huber",
    "Kaiser",
    "Fuchs",
    "Peters",
    "Lang",
    "Scholz",
    "Möller",
    "Weiß",
    "Jung",
    "Hahn",
    "Schubert",
    "Vogel",
    "Friedrich",
    "Keller",
    "Günther",
    "Frank",
    "Berger",
    "Winkler",
    "Roth",
    "Beck",
    "Lorenz",
    "Baumann",
    "Franke",
    "Albrecht",
    "Schuster",
    "Simon",
    "Ludwig",
    "Böhm",
    "Winter",
    "Kraus",
    "Martin",
    "Schumacher",
    "Krämer",
    "Vogt",
    "Stein",
    "Jäger",
    "Otto",
    "Sommer",
    "Groß",
    "Seidel",
    "Heinrich",
    "Brandt",
    "Haas",
    "Özdemir",
    "Yilmaz",
    "Kaya",
)
GIVEN = (
    "Anna",
    "Jutta",
    "Maria",
    "Petra",
    "Sabine",
    "Eva",
    "Aylin",
    "Jens",
    "Paul",
    "Timo",
    "Klaus",
    "Jonas",
    "Emre",
    "Jürgen",
    "Björn",
    "Sören",
    "Dörte",
    "Günter",
    "Jörg",
    "Ute",
)
BODIES = (
    "Rat der Stadt",
    "Ausschuss für Umwelt und Klima",
    "Jugendhilfeausschuss",
    "Ausschuss für Integration und Soziales",
    "Bezirksvertretung Mitte",
)
ACTS = (
    "Question",
    "Support",
    "Opposition",
    "Criticism",
    "Proposal",
    "Information",
    "Request",
    "Thanks",
    "Procedural",
)
WORDS = (
    "Gründächer",
    "Straßenbäume",
    "Öffnungszeiten",
    "Beratungsstelle",
    "Haushaltsansatz",
    "Fördermittel",
    "Schulwege",
    "Kita-Plätze",
    "Sanierung",
    "Personalstellen",
)


@dataclass(frozen=True, slots=True)
class Shape:
    """How much to generate; documents are spread over the municipalities."""

    municipalities: int = 2
    documents: int = 140
    persons: int = 70
    statements: tuple[int, int] = (25, 50)
    seed: int = 0


@dataclass(slots=True)
class Data:
    """The generated N-Quads, their number and parameter values for the saved queries."""

    nquads: str
    triples: int
    params: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Town:
    """One municipality's entities (IRIs and labels)."""

    key: str
    name: str
    persons: list[tuple[str, str, str, str]]  # iri, given, surname, faction key ("" = staff)
    units: list[tuple[str, str]]
    initiatives: list[tuple[str, str]]
    responsible: dict[str, str]
    switch: dict[str, tuple[str, str]] = field(default_factory=dict)  # person -> (date, faction)


def iri(local: str) -> str:
    return f"<{BASE}{local}>"


def lit(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    if lang:
        return f'"{escaped}"@{lang}'
    if datatype:
        return f'"{escaped}"^^<{datatype}>'
    return f'"{escaped}"'


class Writer:
    """Collects quads of the current graph, and the canonical label of every entity."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.graph = ""
        self.described: set[str] = set()  # entities whose type and label this graph has
        self.labels: dict[str, str] = {}

    def add(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"{s} <{p}> {o} {self.graph} .\n")

    def start_graph(self, graph: str) -> None:
        self.graph = graph
        self.described = set()

    def describe(self, node: str, types: tuple[str, ...], label: str, municipality: str) -> bool:
        """Types, label and municipality of an entity, once per graph (as kg/rdf.py writes
        them); False when this graph already has them."""
        if node in self.described:
            return False
        self.described.add(node)
        for kind in types:
            self.add(node, RDF + "type", f"<{kind}>")
        self.add(node, RDFS + "label", lit(label, "de"))
        self.add(node, RG + "municipality", municipality)
        self.labels[node] = label
        return True

    def resolution(self) -> None:
        """The canonical labels in graph rg:resolution (one per entity, like reconcile)."""
        self.start_graph(f"<{RG}resolution>")
        for node, label in sorted(self.labels.items()):
            self.add(node, SKOS + "prefLabel", lit(label, "de"))


def generate(shape: Shape) -> Data:
    """The synthetic dataset for `shape`."""
    rng = random.Random(shape.seed)
    towns = [_town(rng, number, shape) for number in range(shape.municipalities)]
    out = Writer()
    for number in range(shape.documents):
        _document(rng, out, towns[number % len(towns)], number, shape)
    out.resolution()
    first = towns[0]
    talker = first.persons[0]
    params = {
        "person": talker[0][1:-1], "entity": talker[0][1:-1], "name": talker[2],
        "topic": first.initiatives[2][0][1:-1], "unit": first.units[1][0][1:-1],
        "meeting": f"{BASE}{first.key}/meeting/m0", "date": "2022-06-30", "q": "Gründächer",
    }  # fmt: skip
    return Data("".join(out.lines), len(out.lines), params)


def _town(rng: random.Random, number: int, shape: Shape) -> Town:
    key = f"stadt-{number}"
    persons = []
    for index in range(shape.persons):
        surname = SURNAMES[(index * 7 + number) % len(SURNAMES)]
        given = GIVEN[(index * 3 + number) % len(GIVEN)]
        faction = "" if index % 7 == 6 else FACTIONS[index % len(FACTIONS)][0]
        persons.append((iri(f"{key}/person/p{index}"), given, surname, faction))
    units = [(iri(f"{key}/unit/u{i}"), f"Fachbereich {name}") for i, name in enumerate(UNITS)]
    initiatives = [(iri(f"{key}/initiative/i{i}"), name) for i, name in enumerate(INITIATIVES)]
    responsible = {i[0]: units[n % len(units)][0] for n, i in enumerate(initiatives)}
    town = Town(key, f"Stadt {number}", persons, units, initiatives, responsible)
    for person in rng.sample([p for p in persons if p[3]], k=len(persons) // 10):
        town.switch[person[0]] = (f"20{rng.randint(19, 23)}-0{rng.randint(1, 9)}-15", "fw")
    return town


def _date(rng: random.Random) -> str:
    return f"20{rng.randint(18, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _faction_at(town: Town, person: tuple[str, str, str, str], date: str) -> str:
    switch = town.switch.get(person[0])
    return switch[1] if switch and date >= switch[0] else person[3]


def _document(rng: random.Random, out: Writer, town: Town, number: int, shape: Shape) -> None:
    doc = iri(f"{town.key}/doc/d{number}")
    meeting = iri(f"{town.key}/meeting/m{number // shape.municipalities}")
    out.start_graph(doc)
    date = _date(rng)
    body = rng.choice(BODIES)
    present = rng.sample(town.persons, k=min(len(town.persons), rng.randint(20, 35)))
    absent = [p for p in rng.sample(town.persons, k=6) if p not in present][:3]
    context = _Context(rng, out, town, doc, meeting, date, present)
    context.header(body, number)
    for person in present + absent:
        context.person(person)
    for faction_key, label in FACTIONS:
        context.entity(
            f"{town.key}/faction/{faction_key}", (RG + "Faction", ORG + "Organization"), label
        )
    items = [
        iri(f"{town.key}/meeting/m{number // shape.municipalities}/top-{i}") for i in range(1, 7)
    ]
    paper = f"{number:04d}/20{rng.randint(18, 24)}"
    for position, item in enumerate(items, start=1):
        title = f"TOP {position}: {rng.choice(INITIATIVES)}"
        out.add(item, RDF + "type", f"<{RG}AgendaItem>")
        out.add(item, S + "superEvent", meeting)
        out.add(item, RG + "agendaNumber", lit(str(position)))
        out.add(item, RG + "public", lit("true", datatype=XSD + "boolean"))
        out.add(
            item, S + "name", lit(f"{title} (Vorlage {paper})" if position == 2 else title, "de")
        )
    node = context.entity(
        f"{town.key}/paper/{paper.replace('/', '-')}", (RG + "Paper", FOAF + "Document"), paper
    )
    out.add(node, DC + "identifier", lit(paper))
    for person in present:
        out.add(meeting, S + "attendee", person[0])
    for person in absent:
        out.add(meeting, RG + "absentee", person[0])
    context.memberships(present + absent)
    context.statements(items, rng.randint(*shape.statements))
    for item in rng.sample(items, k=2):
        context.vote(item)
    if number % 5 == 0:
        context.ambiguity(number)


class _Context:
    """Writes the parts of one document graph; keeps the text offsets of quotes."""

    def __init__(self, rng: random.Random, out: Writer, town: Town, doc: str, meeting: str,
                 date: str, present: list[tuple[str, str, str, str]]) -> None:  # fmt: skip
        self.rng, self.out, self.town, self.doc, self.meeting = rng, out, town, doc, meeting
        self.date, self.present = date, present
        self.text: list[str] = []
        self.offset = 0
        self.annotations = 0
        self.claims = 0

    def header(self, body: str, number: int) -> None:
        out, doc, meeting, town = self.out, self.doc, self.meeting, self.town
        municipality = iri(town.key)
        out.add(doc, RDF + "type", f"<{RG}Protocol>")
        out.add(doc, RG + "sha256", lit(f"{number:064x}"))
        out.add(doc, DC + "source", lit(f"protokoll-{number}.txt"))
        out.add(doc, RDFS + "label", lit(f"protokoll-{number}.txt"))
        out.add(doc, RG + "municipality", municipality)
        out.add(doc, S + "about", meeting)
        out.add(municipality, RDF + "type", f"<{ORG}FormalOrganization>")
        out.add(municipality, RDFS + "label", lit(town.name))
        out.add(meeting, RDF + "type", f"<{RG}Meeting>")
        out.add(meeting, S + "startDate", lit(self.date, datatype=XSD + "date"))
        out.add(meeting, RDFS + "label", lit(f"{body} {self.date}", "de"))
        out.add(meeting, RG + "municipality", municipality)
        out.add(meeting, S + "location", lit(f"Ratssaal, Rathaus {town.name}", "de"))
        organizer = iri(f"{town.key}/body/{body.lower().replace(' ', '-')}")
        out.add(meeting, S + "organizer", organizer)
        out.describe(organizer, (f"{ORG}Organization",), f"{body} {town.name}", municipality)
        out.add(organizer, ORG + "subOrganizationOf", municipality)

    def entity(self, local: str, types: tuple[str, ...], label: str) -> str:
        node = iri(local)
        self.out.describe(node, types, label, iri(self.town.key))
        return node

    def person(self, person: tuple[str, str, str, str]) -> None:
        node, given, surname, _ = person
        name = f"{given} {surname}"
        if self.out.describe(node, (FOAF + "Person",), name, iri(self.town.key)):
            self.out.add(node, FOAF + "name", lit(name))
            self.out.add(node, FOAF + "familyName", lit(surname))
            self.out.add(node, FOAF + "givenName", lit(given))

    def quote(self, text: str) -> tuple[int, int]:
        start = self.offset
        self.text.append(text)
        self.offset += len(text) + 2
        return start, start + len(text)

    def annotate(self, body: str, text: str) -> None:
        start, end = self.quote(text)
        self.annotations += 1
        node = f"{self.doc[:-1]}/annotation/{self.annotations}"
        target, position, quote = node + "/target>", node + "/position>", node + "/quote>"
        node += ">"
        add = self.out.add
        add(node, RDF + "type", f"<{OA}Annotation>")
        add(node, OA + "hasBody", body)
        add(node, OA + "hasTarget", target)
        add(target, OA + "hasSource", self.doc)
        add(target, OA + "hasSelector", position)
        add(target, OA + "hasSelector", quote)
        add(position, RDF + "type", f"<{OA}TextPositionSelector>")
        add(position, OA + "start", lit(str(start), datatype=XSD + "nonNegativeInteger"))
        add(position, OA + "end", lit(str(end), datatype=XSD + "nonNegativeInteger"))
        add(quote, RDF + "type", f"<{OA}TextQuoteSelector>")
        add(quote, OA + "exact", lit(text))

    def memberships(self, people: list[tuple[str, str, str, str]]) -> None:
        for person in people:
            faction = _faction_at(self.town, person, self.date)
            if faction:
                organization = iri(f"{self.town.key}/faction/{faction}")
                self.claim(
                    person, organization, "Member", f"{person[1]} {person[2]} ({faction.upper()})"
                )
        staff = [p for p in self.present if not p[3]]
        if staff and self.rng.random() < 0.5:
            head = self.rng.choice(staff)
            unit = self.rng.choice(self.town.units)
            self.claim(head, unit[0], "Head", f"{head[2]} als Leitung des {unit[1]}")
            self.out.describe(unit[0], (ORG + "OrganizationalUnit",), unit[1], iri(self.town.key))
        if self.rng.random() < 0.4:
            self.responsibility(self.rng.choice(self.town.initiatives))

    def claim(
        self, person: tuple[str, str, str, str], organization: str, role: str, text: str
    ) -> None:
        self.claims += 1
        node = f"{self.doc[:-1]}/membership/{self.claims}>"
        self.out.add(node, RDF + "type", f"<{ORG}Membership>")
        self.out.add(node, ORG + "member", person[0])
        self.out.add(node, ORG + "organization", organization)
        self.out.add(node, ORG + "role", f"<{RG}{role}>")
        self.out.add(person[0], ORG + ("memberOf" if role == "Member" else "headOf"), organization)
        self.annotate(node, text)

    def responsibility(self, initiative: tuple[str, str]) -> None:
        unit = self.town.responsible[initiative[0]]
        label = next(name for node, name in self.town.units if node == unit)
        self.claims += 1
        node = f"{self.doc[:-1]}/claim/{self.claims}>"
        add, municipality = self.out.add, iri(self.town.key)
        self.out.describe(initiative[0], (RG + "Initiative",), initiative[1], municipality)
        self.out.describe(unit, (ORG + "OrganizationalUnit",), label, municipality)
        add(initiative[0], RG + "responsibleUnit", unit)
        add(node, RDF + "type", f"<{RDF}Statement>")
        add(node, RDF + "subject", initiative[0])
        add(node, RDF + "predicate", f"<{RG}responsibleUnit>")
        add(node, RDF + "object", unit)
        self.annotate(node, f"{initiative[1]} ist im {label} angesiedelt")

    def statements(self, items: list[str], count: int) -> None:
        rng, add = self.rng, self.out.add
        previous_question: str | None = None
        staff = [p for p in self.present if not p[3]] or self.present
        for number in range(1, count + 1):
            node = f"{self.doc[:-1]}/statement/{number}>"
            answering = previous_question is not None and rng.random() < 0.7
            speaker = rng.choice(staff) if answering else rng.choice(self.present)
            act = "Answer" if answering else rng.choice(ACTS)
            topic = rng.choice(self.town.initiatives)
            text = (
                f"{'Frau' if number % 2 else 'Herr'} {speaker[2]} "
                f"{_VERBS[act]} {rng.choice(WORDS)} im Rahmen von {topic[1]}."
            )
            add(node, RDF + "type", f"<{RG}Statement>")
            add(node, S + "creator", speaker[0])
            add(
                node,
                DC + "isPartOf",
                items[min(len(items) - 1, number * len(items) // (count + 1))],
            )
            add(node, S + "position", lit(str(number), datatype=XSD + "integer"))
            add(node, S + "text", lit(text, "de"))
            add(node, RG + "act", f"<{RG}{act}>")
            if rng.random() < 0.6:
                add(node, RG + "about", topic[0])
                self.out.describe(topic[0], (RG + "Initiative",), topic[1], iri(self.town.key))
            faction = _faction_at(self.town, speaker, self.date)
            if faction and rng.random() < 0.5:
                add(node, RG + "onBehalfOf", iri(f"{self.town.key}/faction/{faction}"))
            if answering and previous_question is not None:
                add(node, RG + "inReplyTo", previous_question)
            previous_question = node if act == "Question" else None
            self.annotate(node, text)
        self.out.add(self.doc, S + "text", lit("\n\n".join(self.text)))

    def vote(self, item: str) -> None:
        rng, add = self.rng, self.out.add
        self.claims += 1
        node = f"{self.doc[:-1]}/vote/{self.claims}>"
        accepted = rng.random() < 0.75
        add(node, RDF + "type", f"<{RG}VoteEvent>")
        add(node, OG + "motion", item)
        add(node, OG + "result", f"<{RG}{'Accepted' if accepted else 'Rejected'}>")
        add(node, RG + "unanimous", lit("false", datatype=XSD + "boolean"))
        add(node, S + "startDate", lit(self.date, datatype=XSD + "date"))
        add(node, RG + "decisionText", lit("Der Antrag wird mehrheitlich angenommen.", "de"))
        for option, count in (("Yes", rng.randint(10, 40)), ("No", rng.randint(0, 15))):
            self._count(node, option, count, None)
        for faction_key, _ in rng.sample(FACTIONS, k=2):
            self._count(node, rng.choice(("Yes", "No", "Abstain")), rng.randint(1, 9), faction_key)
        self.annotate(node, "Beschluss: Der Antrag wird mehrheitlich angenommen.")

    def _count(self, vote: str, option: str, value: int, faction: str | None) -> None:
        node = f"{vote[:-1]}/count/{option.lower()}{'-' + faction if faction else ''}>"
        self.out.add(vote, OG + "count", node)
        self.out.add(node, RDF + "type", f"<{OG}{option}Count>")
        self.out.add(node, RDF + "value", lit(str(value), datatype=XSD + "integer"))
        if faction:
            self.out.add(node, OG + "group", iri(f"{self.town.key}/faction/{faction}"))

    def ambiguity(self, number: int) -> None:
        graph, self.out.graph = self.out.graph, f"<{RG}resolution>"
        first, second = self.rng.sample(self.town.persons, k=2)
        node = f"{self.doc[:-1]}/ambiguity/1>"
        self.out.add(node, RDF + "type", f"<{RG}Ambiguity>")
        self.out.add(node, RG + "mentionText", lit(f"Herr {first[2]}", "de"))
        self.out.add(node, RG + "mentionedIn", self.doc)
        self.out.add(node, OWL + "sameAs", iri(f"{self.town.key}/person/ambiguous-{number}"))
        for candidate in (first, second):
            self.out.add(node, RG + "ambiguousWith", candidate[0])
        self.out.graph = graph


_VERBS = {
    "Question": "fragt nach", "Answer": "antwortet zu", "Support": "unterstützt",
    "Opposition": "lehnt ab:", "Criticism": "kritisiert", "Proposal": "schlägt vor:",
    "Information": "berichtet über", "Request": "bittet um", "Thanks": "dankt für",
    "Procedural": "ruft auf:",
}  # fmt: skip
