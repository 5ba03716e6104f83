"""OParl import: a real local HTTP server serves the real OParl files of ../shared/oparl (ids
rewritten to the server) plus generated pages for paging, 404s, a slow response, malformed
JSON, wrong content types, `null` lists, duplicates and control characters. The imported
triples are checked with SPARQL; re-imports must not write; changes arrive incrementally."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import OParlError, StoreError
from kg.oparl_clean import Cleaner, build_body_data, split_name
from kg.oparl_http import FetchOptions
from kg.oparl_models import OParlReport, WarningLog
from kg.oparl_rdf import body_graph
from kg.pipeline import ingest
from kg.pipeline_oparl import import_oparl
from kg.settings import EXAMPLE_SETTINGS, Settings
from kg.sources import Metadata
from kg.store import GraphUpdate, Store, to_rdflib

ROOT = Path(__file__).resolve().parents[1]
OPARL = ROOT.parent / "shared" / "oparl"
ID = "https://w3id.org/ratsgraph/id/"
AS_OF = dt.date(2024, 6, 1)
FAST = FetchOptions(timeout=0.3, retries=1, backoff=0.01, concurrency=4)
SLOW_SECONDS = 1.0
PAGE_SIZE = 2
Raw = dict[str, Any]

needs_shared = pytest.mark.skipif(
    not OPARL.is_dir(),
    reason=f"real OParl files not found at {OPARL} (they live beside the project)",
)


# ---------------------------------------------------------------- a local OParl server


@dataclass
class Special:
    """A route with a fixed answer: status, content type, body bytes, delay before answering."""

    body: bytes
    content_type: str = "application/json"
    status: int = 200
    delay: float = 0.0


@dataclass
class FakeOParl:
    """OParl objects served at their ids; lists paged by `PAGE_SIZE` with `modified_since`."""

    base: str = ""
    objects: dict[str, Raw] = field(default_factory=dict)
    lists: dict[str, list[Raw]] = field(default_factory=dict)
    special: dict[str, Special] = field(default_factory=dict)
    list_content_types: dict[str, str] = field(default_factory=dict)
    seen: list[str] = field(default_factory=list)

    def key(self, url: str) -> str:
        """Route key: path plus the query without paging/filter parameters."""
        parts = urlsplit(url)
        params = [
            (k, v)
            for k, values in sorted(parse_qs(parts.query).items())
            if k not in ("page", "modified_since")
            for v in values
        ]
        return parts.path + ("?" + urlencode(params) if params else "")

    def serve(self, raw: Raw) -> Raw:
        self.objects[self.key(raw["id"])] = raw
        return raw

    def serve_list(self, url: str, objects: list[Raw], content_type: str = "") -> None:
        self.lists[self.key(url)] = objects
        if content_type:
            self.list_content_types[self.key(url)] = content_type
        for raw in objects:
            self.serve(raw)

    def answer(self, url: str) -> Special:
        self.seen.append(url)
        key = self.key(url)
        if key in self.special:
            return self.special[key]
        if key in self.lists:
            page = self.page(url, self.lists[key])
            kind = self.list_content_types.get(key, "application/json")
            return Special(json.dumps(page).encode(), kind)
        if key in self.objects:
            return Special(json.dumps(self.objects[key]).encode())
        return Special(b'{"error": "not found"}', status=404)

    def page(self, url: str, objects: list[Raw]) -> Raw:
        params = parse_qs(urlsplit(url).query)
        number = int(params.get("page", ["1"])[0])
        since = params.get("modified_since", [None])[0]
        if since:
            limit = dt.datetime.fromisoformat(since)
            objects = [o for o in objects if _modified(o) and _modified(o) > limit]  # type: ignore[operator]
        chunk = objects[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
        links: Raw = {}
        if number * PAGE_SIZE < len(objects):
            query = {"page": str(number + 1), **({"modified_since": since} if since else {})}
            sep = "&" if "?" in self.key(url) else "?"
            links["next"] = self.base + self.key(url) + sep + urlencode(query)
        pagination = {"totalElements": len(objects), "elementsPerPage": PAGE_SIZE}
        return {"data": chunk, "pagination": pagination, "links": links}

    def since_params(self) -> list[str]:
        return [u for u in self.seen if "modified_since=" in u]


def _modified(raw: Raw) -> dt.datetime | None:
    value = raw.get("modified")
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else None


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        answer = self.server.fake.answer(self.path)
        if answer.delay:
            time.sleep(answer.delay)
        try:
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)
        except OSError:  # the client gave up waiting (the timeout case)
            pass

    def log_message(self, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeOParl

    def handle_error(self, request: object, client_address: object) -> None:
        pass


@contextmanager
def local_server() -> Iterator[FakeOParl]:
    """A running server on 127.0.0.1 with a free port, shut down afterwards."""
    http = _Server(("127.0.0.1", 0), _Handler)
    http.fake = FakeOParl(base=f"http://127.0.0.1:{http.server_address[1]}")
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        yield http.fake
    finally:
        http.shutdown()
        http.server_close()


@pytest.fixture
def world() -> Iterator[FakeOParl]:
    """A fresh server with the whole world of `build_world`."""
    if not OPARL.is_dir():
        pytest.skip(f"real OParl files not found at {OPARL} (they live beside the project)")
    with local_server() as fake:
        build_world(fake)
        yield fake


# ---------------------------------------------------------------- the served world


def load(fake: FakeOParl, relative: str) -> Any:
    """A real file of ../shared/oparl with every host rewritten to the local server."""
    text = (OPARL / relative).read_text(encoding="utf-8")
    for origin, prefix in (
        ("https://oparl.example.org/", "/example/"),
        ("http://oparl.wuppertal.de/oparl/", "/wuppertal/"),
        ("https://ratsinfo.leipzig.de/bi/oparl/1.0/", "/leipzig/"),
    ):
        text = text.replace(origin, fake.base + prefix)
    return json.loads(text)


def build_world(fake: FakeOParl) -> None:
    """System with three bodies: Köln (spec examples + generated), Wuppertal, Leipzig."""
    system = load(fake, "spec-examples/System-01.json")
    koeln = load(fake, "spec-examples/Body-01.json")
    wuppertal = load(fake, "mst-testdata-oparl-missing/body.json")
    leipzig = load(fake, "mst-testdata-bodies/Stadt Leipzig.json")
    fake.serve(system)
    fake.serve_list(system["body"], [koeln, wuppertal, leipzig])
    build_koeln(fake, koeln)
    build_wuppertal(fake, wuppertal)
    fake.serve_list(leipzig["organization"], [])
    fake.special[fake.key(leipzig["person"])] = Special(b'{"data": []}', "text/plain")


def build_koeln(fake: FakeOParl, body: Raw) -> None:
    ex = fake.base + "/example/"

    def org(number: str, name: str, **fields: Any) -> Raw:
        return {"id": f"{ex}organization/{number}", "type": T + "Organization", "name": name,
                **fields}  # fmt: skip

    organizations = [
        load(fake, "spec-examples/Organization-01.json"),
        org("1", "Rat der Stadt Köln", organizationType="Gremium", classification="Rat"),
        org("10", "SPD-Fraktion", shortName="SPD", organizationType="Fraktion"),
        org("11", "SPD", organizationType="Partei"),
        org("12", "Ausschuss für\r\nUmwelt\x07", organizationType="Gremium"),
        org("2000", "Fachbereich Finanzen", organizationType="Verwaltungsgremium"),
    ]
    fake.serve_list(body["organization"], organizations)
    fake.special[fake.key(f"{ex}organization/slow")] = Special(
        json.dumps(org("slow", "Langsamer Beirat")).encode(), delay=SLOW_SECONDS
    )
    fake.special[fake.key(f"{ex}organization/broken")] = Special(b'{"id": "x", "name": ')
    keller = person(ex, "4", "Keller", "Anna", "Ratsfrau", [
        membership("41", ex, "10", "Mitglied", start="2020-11-01"),
        membership("42", ex, "34", "Sachkundige Bürgerin", start="2020-11-01", voting=False),
    ])  # fmt: skip
    persons = [
        load(fake, "spec-examples/Person-01.json"),
        keller,
        person(ex, "5", "Meier", "Jens", "Herr", [membership("51", ex, "slow", "Mitglied")]),
        person(ex, "6", "Meier", "Petra", "Frau", [membership("61", ex, "broken", "Mitglied")]),
        keller,  # the same object again, on a later page
        {**person(ex, "7", None, None, "Herr", None), "name": "Dr. Hans Schulz"},
    ]
    fake.serve_list(body["person"], persons)
    for raw in persons:
        for item in raw.get("membership") or []:
            fake.serve(item)
    fake.serve_list(body["membership"], [keller["membership"][0]])
    fake.serve_list(body["meeting"], [load(fake, "spec-examples/Meeting-01.json"), meeting(fake)])
    fake.serve_list(body["paper"], [load(fake, "spec-examples/Paper-01.json"), paper(ex)])
    fake.special[fake.key(body["agendaItem"])] = Special(b'{"data": null, "links": {}}')
    fake.serve_list(body["consultation"], [consultation(ex)])
    fake.serve_list(body["file"], [])
    fake.special[fake.key(f"{ex}files/900.html")] = Special(PROTOCOL_HTML.encode(), "text/html")


T = "https://schema.oparl.org/1.1/"
OLD = "2020-01-01T00:00:00+01:00"
PROTOCOL_HTML = """<html><body><h1>Niederschrift</h1>
<p>über die Sitzung des Rates der Stadt Köln am 12.03.2024</p>
<p>TOP 1 Haushalt 2024</p>
<p>Frau Keller (SPD) fragt, ob die Mittel für den Haushalt 2024 ausreichen.</p>
<p>Herr Jens Meier antwortet, dass die Mittel ausreichen.</p>
</body></html>"""


def person(
    ex: str, number: str, family: str | None, given: str | None, address: str, memberships: Any
) -> Raw:
    raw: Raw = {"id": f"{ex}person/{number}", "type": T + "Person", "formOfAddress": address,
                "membership": memberships, "modified": OLD}  # fmt: skip
    if family:
        raw.update(familyName=family, givenName=given, name=f"{given} {family}")
    return raw


def membership(number: str, ex: str, org: str, role: str, **dates: Any) -> Raw:
    raw: Raw = {"id": f"{ex}membership/{number}", "type": T + "Membership", "role": role,
                "organization": f"{ex}organization/{org}", "modified": OLD}  # fmt: skip
    if "start" in dates:
        raw["startDate"] = dates["start"]
    if "voting" in dates:
        raw["votingRight"] = dates["voting"]
    return raw


def meeting(fake: FakeOParl) -> Raw:
    ex = fake.base + "/example/"
    return {
        "id": f"{ex}meeting/500", "type": T + "Meeting", "name": "Sitzung des Rates",
        "start": "2024-03-12T16:00:00+01:00", "end": "2024-03-12T18:30:00+01:00",
        "organization": [f"{ex}organization/1"],
        "participant": [f"{ex}person/4", f"{ex}person/5"],
        "verbatimProtocol": {
            "id": f"{ex}files/900", "type": T + "File", "name": "Wortprotokoll",
            "mimeType": "text/html", "accessUrl": f"{ex}files/900.html", "modified": OLD,
        },
        "agendaItem": [
            {"id": f"{ex}agendaitem/501", "type": T + "AgendaItem", "number": "1",
             "name": "Haushalt 2024", "public": True, "result": "einstimmig beschlossen",
             "consultation": f"{ex}consultation/77"},
            {"id": f"{ex}agendaitem/502", "type": "http://oparl.org/schema/1.0/AgendaItem",
             "number": "2", "name": "Bericht", "public": "false",
             "resolution": "Der Rat nimmt den Bericht zur Kenntnis."},
        ],
        "modified": OLD,
    }  # fmt: skip


def paper(ex: str) -> Raw:
    return {
        "id": f"{ex}paper/800", "type": T + "Paper", "name": "Antrag zum Haushalt 2024",
        "reference": "0123/2024", "paperType": "Antrag", "date": "2024-02-01",
        "originatorOrganization": [f"{ex}organization/10"],
        "underDirectionOf": [f"{ex}organization/2000"],
        "consultation": [f"{ex}consultation/77"], "modified": OLD,
    }  # fmt: skip


def consultation(ex: str) -> Raw:
    return {
        "id": f"{ex}consultation/77", "type": T + "Consultation", "paper": f"{ex}paper/800",
        "agendaItem": f"{ex}agendaitem/501", "meeting": f"{ex}meeting/500", "modified": OLD,
    }  # fmt: skip


def build_wuppertal(fake: FakeOParl, body: Raw) -> None:
    fake.serve_list(
        body["meeting"],
        [load(fake, "mst-testdata-oparl-missing/meeting.json")],
        content_type="text/html; charset=utf-8",
    )
    fake.special[fake.key(body["paper"])] = Special(b'{"data": [{"id": "http://x/1", ')


def run(fake: FakeOParl, store: Path, **options: Any) -> OParlReport:
    settings = Settings(store_dir=store)
    return import_oparl(fake.base + "/example/", settings, options=FAST, as_of=AS_OF, **options)


def select(store: Path, sparql: str) -> list[dict[str, str]]:
    """Rows as strings; `id:person/keller` is short for the Köln IRI (SPARQL forbids "/")."""
    sparql = re.sub(r"\bid:([\w/-]+)", lambda m: f"<{ID}koeln/{m.group(1)}>", sparql)
    with Store(store, read_only=True) as opened:
        return [{k: str(v) for k, v in row.items()} for row in opened.select(sparql)]


def dump(store: Path) -> bytes:
    with Store(store, read_only=True) as opened:
        return opened.dump_nquads()


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, OParlReport]]:
    """One import of the whole world into a store shared by the read-only tests."""
    if not OPARL.is_dir():
        pytest.skip(f"real OParl files not found at {OPARL} (they live beside the project)")
    with local_server() as fake:
        build_world(fake)
        store = tmp_path_factory.mktemp("oparl-store")
        yield store, run(fake, store)


def ask(store: Path, where: str) -> bool:
    return bool(select(store, f"SELECT * WHERE {{ {where} }} LIMIT 1"))


# ---------------------------------------------------------------- what the import maps


def test_bodies_and_statuses(imported: tuple[Path, OParlReport]) -> None:
    store, report = imported
    by_name = {b.municipality: b for b in report.bodies}
    assert set(by_name) == {"Köln", "Instance 0001", "Leipzig"}
    assert all(b.status == "added" for b in report.bodies)
    assert by_name["Köln"].objects["person"] == 5
    assert by_name["Köln"].objects["meeting"] == 2
    graphs = {row["g"] for row in select(store, "SELECT DISTINCT ?g WHERE { GRAPH ?g {} }")}
    assert f"{ID}oparl/" + "http-127-0-0-1" in "".join(graphs)
    assert all(b.graph in graphs for b in report.bodies)
    assert ask(store, f"<{ID}koeln> a org:FormalOrganization ; rdfs:label 'Köln'")


def test_persons_with_names_titles_and_address(imported: tuple[Path, OParlReport]) -> None:
    store, _ = imported
    rows = select(
        store,
        """SELECT ?family ?given ?address ?title ?same WHERE {
        id:person/mustermann a foaf:Person ; foaf:familyName ?family ; foaf:givenName ?given ;
            rg:formOfAddress ?address ; schema:honorificPrefix ?title ; owl:sameAs ?same
            FILTER(STRSTARTS(STR(?same), "http://127.0.0.1")) }""",
    )
    assert len(rows) == 1
    assert rows[0]["family"] == "Mustermann" and rows[0]["given"] == "Max"
    assert rows[0]["address"] == "Frau"  # the spec example says "Ratsfrau"
    assert rows[0]["title"] == "Prof. Dr."
    assert rows[0]["same"].endswith("/example/person/29")
    # two Meiers: keys carry the first name; a name given only as "Dr. Hans Schulz" is split
    assert ask(store, "id:person/meier-jens foaf:givenName 'Jens'")
    assert ask(store, "id:person/meier-petra rg:formOfAddress 'Frau'")
    assert ask(store, "id:person/schulz foaf:givenName 'Hans' ; schema:honorificPrefix 'Dr.'")
    assert not ask(store, "id:person/meier a foaf:Person")


def test_memberships_with_dates_roles_and_current_shortcut(
    imported: tuple[Path, OParlReport],
) -> None:
    store, _ = imported
    rows = select(
        store,
        """SELECT ?start ?role WHERE {
        ?m a org:Membership ; org:member id:person/keller ; org:organization id:faction/spd ;
           schema:startDate ?start ; org:role ?role }""",
    )
    assert rows == [{"start": "2020-11-01", "role": str(RG_ + "Member")}]
    assert ask(store, "?m org:member id:person/keller ; schema:startDate ?d "
               "FILTER(datatype(?d) = xsd:date)")  # fmt: skip
    assert ask(store, "id:person/keller org:memberOf id:faction/spd")
    assert ask(store, "?m org:member id:person/keller ; org:role rg:AdvisoryMember ; "
               "rg:votingRight false ; rdfs:label 'Sachkundige Bürgerin'@de")  # fmt: skip
    # Mustermann's membership 693 ended 2014-07-28: dated, but no org:memberOf shortcut
    ended = select(
        store,
        """SELECT ?org WHERE { ?m org:member id:person/mustermann ;
        schema:endDate "2014-07-28"^^xsd:date ; org:organization ?org }""",
    )
    assert len(ended) == 1
    assert not ask(store, f"id:person/mustermann org:memberOf <{ended[0]['org']}>")
    assert ask(store, "?m org:member id:person/mustermann ; org:role rg:Chair")


def test_faction_and_party_are_different_nodes(imported: tuple[Path, OParlReport]) -> None:
    store, _ = imported
    assert ask(
        store,
        "id:faction/spd a rg:Faction ; rg:partyAbbreviation 'SPD' ; "
        "rdfs:label 'SPD-Fraktion'@de ; org:subOrganizationOf id:body/rat-der-stadt-koeln",
    )
    assert ask(store, "id:party/spd a rg:Party ; rg:partyAbbreviation 'SPD'")
    assert not ask(store, "id:party/spd a rg:Faction")
    assert not ask(store, "id:faction/spd a rg:Party")


def test_bodies_classified_and_units(imported: tuple[Path, OParlReport]) -> None:
    store, _ = imported
    assert ask(store, "id:body/rat-der-stadt-koeln a org:Organization ; "
               "org:classification rg:Council")  # fmt: skip
    assert ask(store, "id:body/ausschuss-fuer-haushalt-und-finanzen org:classification "
               "rg:Committee ; schema:alternateName 'Finanzausschuss'@de")  # fmt: skip
    assert ask(store, "id:unit/fachbereich-finanzen a org:OrganizationalUnit")
    # CRLF and a control character in a name are removed
    assert ask(store, "id:body/ausschuss-fuer-umwelt rdfs:label 'Ausschuss für Umwelt'@de")


def test_meetings_agenda_items_and_results(imported: tuple[Path, OParlReport]) -> None:
    store, _ = imported
    rows = select(
        store,
        f"""SELECT ?date ?start ?label WHERE {{ GRAPH ?g {{
        id:meeting/2024-03-12-rat-der-stadt-koeln a rg:Meeting ; schema:startDate ?date ;
            rg:startTime ?start ; rdfs:label ?label ;
            schema:organizer id:body/rat-der-stadt-koeln ;
            schema:attendee id:person/keller , id:person/meier-jens }}
        FILTER(STRSTARTS(STR(?g), "{ID}oparl/")) }}""",
    )
    assert rows == [{"date": "2024-03-12", "start": "16:00:00", "label": "Sitzung des Rates"}]
    meeting = "id:meeting/2024-03-12-rat-der-stadt-koeln"
    assert ask(
        store,
        f"{meeting}/top-1 a rg:AgendaItem ; schema:superEvent {meeting} ; "
        "rg:agendaNumber '1' ; schema:name 'Haushalt 2024'@de ; rg:public true",
    )
    assert ask(store, f"?v opengov:motion {meeting}/top-1 ; opengov:result rg:Accepted")
    # pre-1.0 draft field "resolution" and a boolean sent as a string
    assert ask(
        store,
        f"{meeting}/top-2 rg:public false . ?v opengov:motion {meeting}/top-2 ; "
        "opengov:result rg:TakenNote ; rg:decisionText ?text",
    )
    spec = "id:meeting/2013-01-04-ausschuss-fuer-haushalt-und-finanzen"
    assert ask(
        store,
        f"{spec} schema:startDate '2013-01-04'^^xsd:date . {spec}/top-10-1 rg:agendaNumber '10.1'",
    )


def test_papers_with_originators_and_unit(imported: tuple[Path, OParlReport]) -> None:
    store, _ = imported
    assert ask(
        store,
        "id:paper/0123-2024 a rg:Paper ; dcterms:identifier '0123/2024' ; "
        "dcterms:title 'Antrag zum Haushalt 2024'@de ; dcterms:type 'Antrag'@de ; "
        "dcterms:creator id:faction/spd ; rg:underDirectionOf id:unit/fachbereich-finanzen",
    )
    assert ask(store, "id:meeting/2024-03-12-rat-der-stadt-koeln/top-1 rg:about id:paper/0123-2024")
    assert ask(
        store,
        "id:paper/1234-2014 dcterms:identifier '1234/2014' ; "
        "dcterms:creator id:unit/fachbereich-finanzen",
    )
    assert ask(store, "?f a foaf:Document ; schema:text 'Der Übersichtsplan zeigt alle Ebenen "
               "des ...'@de")  # fmt: skip


def test_protocol_file_is_ingested_and_meets_the_meeting(
    imported: tuple[Path, OParlReport],
) -> None:
    store, report = imported
    assert report.protocols_added, report.protocols_failed
    meeting = f"<{ID}koeln/meeting/2024-03-12-rat-der-stadt-koeln>"
    rows = select(
        store,
        f"""SELECT ?doc WHERE {{ GRAPH ?doc {{ ?doc a rg:Protocol ; schema:about {meeting} ;
        dcterms:source ?src FILTER(STRENDS(?src, "files/900.html")) }} }}""",
    )
    assert len(rows) == 1
    statements = select(
        store,
        f"""SELECT ?s WHERE {{ GRAPH <{rows[0]["doc"]}> {{
        ?s a rg:Statement ; schema:creator <{ID}koeln/person/keller> }} }}""",
    )
    assert statements, "the protocol's speaker is the OParl person"


def test_every_broken_case_is_a_warning(imported: tuple[Path, OParlReport]) -> None:
    _, report = imported
    kinds = set(report.warning_counts)
    expected = {
        "missing-object", "timeout", "malformed-json", "content-type", "null-list",
        "duplicate", "control-characters", "swapped-coordinates", "field-variant", "bad-value",
        "http-error",
    }  # fmt: skip
    assert expected <= kinds, expected - kinds
    text = "\n".join(f"{w.kind} {w.message}" for w in report.warnings)
    assert "organization/slow" in text and "timed out" in text
    assert re.search(r"malformed-json .*organization/broken", text)
    assert re.search(r"missing-object .*wuppertal/bodies/0001/organizations/gr/230", text)
    assert re.search(r"malformed-json .*wuppertal/bodies/0001/papers", text)
    assert re.search(r"content-type .*wuppertal/bodies/0001/meetings", text)
    assert re.search(r"duplicate .*person/4", text)
    assert re.search(r"null-list .*agendaItems", text)
    wuppertal = next(b for b in report.bodies if "wuppertal" in b.body_id)
    assert not wuppertal.complete  # its paper list broke: the next crawl is a full one again


def test_placeholders_for_missing_organizations(imported: tuple[Path, OParlReport]) -> None:
    store, _ = imported
    rows = select(
        store,
        """SELECT ?org ?label WHERE {
        ?m schema:organizer ?org . ?org rdfs:label ?label ; owl:sameAs ?same
        FILTER(STRENDS(STR(?same), "organizations/gr/230")) }""",
    )
    assert len(rows) == 1 and rows[0]["label"].startswith("OParl-Organisation")


def test_body_graphs_conform_to_the_shapes(imported: tuple[Path, OParlReport]) -> None:
    pyshacl = pytest.importorskip("pyshacl")
    store, report = imported
    shapes = Graph().parse(ROOT / "ontology" / "shapes.ttl")
    ontology = Graph().parse(ROOT / "ontology" / "ratsgraph.ttl")
    for body in report.bodies:
        graph = Graph()
        with Store(store, read_only=True) as opened:
            for quad in opened.quads():
                if quad.graph_name.value == body.graph:
                    graph.add(tuple(_plain(to_rdflib(t)) for t in quad.triple))  # type: ignore[arg-type]
        conforms, _, text = pyshacl.validate(
            graph, shacl_graph=shapes, ont_graph=ontology, allow_warnings=True
        )
        assert conforms, text


def _plain(term: Any) -> Any:
    """Oxigraph reports simple literals as xsd:string; rdflib's sh:in compares them plainly."""
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))
    return term


# ---------------------------------------------------------------- re-runs and changes


def test_rerun_writes_nothing_and_changes_arrive_incrementally(
    world: FakeOParl, tmp_path: Path
) -> None:
    first = run(world, tmp_path)
    before = dump(tmp_path)
    assert first.changed
    world.seen.clear()
    second = run(world, tmp_path)
    assert not second.changed
    assert {b.status for b in second.bodies} == {"unchanged"}
    assert dump(tmp_path) == before
    koeln = next(b for b in second.bodies if b.municipality == "Köln")
    assert koeln.since is not None
    assert any("/example/body/0/persons" in u for u in world.since_params())
    assert second.protocols_unchanged and not second.protocols_added
    assert second.from_cache > second.downloaded

    changed = dict(world.lists[world.key(world.base + "/example/body/0/meetings/")][1])
    changed["name"] = "Sondersitzung des Rates"
    changed["modified"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    world.lists[world.key(world.base + "/example/body/0/meetings/")][1] = changed
    world.seen.clear()
    third = run(world, tmp_path)
    koeln = next(b for b in third.bodies if b.municipality == "Köln")
    assert koeln.status == "replaced"
    meetings_requests = [u for u in world.since_params() if "/body/0/meetings" in u]
    assert meetings_requests, world.seen
    assert ask(tmp_path, "id:meeting/2024-03-12-rat-der-stadt-koeln rdfs:label "
               "'Sondersitzung des Rates'@de")  # fmt: skip
    assert not ask(tmp_path, "?m rdfs:label 'Sitzung des Rates'@de")
    # objects not sent again come from the cache: nothing else is lost
    assert ask(tmp_path, "id:person/mustermann a foaf:Person")
    assert third.bodies[0].objects == first.bodies[0].objects
    # only the changed triples were written, and the graph is what a fresh import gives
    assert 0 < koeln.removed <= 3 and 0 < koeln.added <= 3, (koeln.removed, koeln.added)
    fresh = run(world, tmp_path / "fresh")
    graph = koeln.graph
    assert graph_lines(tmp_path, graph) == graph_lines(tmp_path / "fresh", graph)
    assert next(b for b in fresh.bodies if b.graph == graph).status == "added"


def graph_lines(store: Path, graph: str) -> list[str]:
    with Store(store, read_only=True) as opened:
        return sorted(str(q.triple) for q in opened.quads() if q.graph_name.value == graph)


def test_patch_is_all_or_nothing_and_handles_blank_nodes(tmp_path: Path) -> None:
    one, two = URIRef("https://example.org/g/1"), URIRef("https://example.org/g/2")
    with Store(tmp_path) as store:
        store.replace_graphs([
            GraphUpdate(graph=one, ntriples='<https://e.org/a> <https://e.org/p> "1" .\n'),
            GraphUpdate(graph=two, ntriples="_:b <https://e.org/p> _:c .\n"),
        ])  # fmt: skip
        before = store.dump_nquads()
        broken = [
            GraphUpdate(graph=one, ntriples='<https://e.org/a> <https://e.org/p> "2" .\n'),
            GraphUpdate(graph=two, ntriples="<not an iri> <https://e.org/p> _:c .\n"),
        ]
        with pytest.raises(StoreError):
            store.patch_graphs(broken)
        assert store.dump_nquads() == before
        counts = store.patch_graphs([
            GraphUpdate(graph=one, ntriples='<https://e.org/a> <https://e.org/p> "2" .\n'),
            GraphUpdate(graph=two, ntriples="_:d <https://e.org/p> <https://e.org/o> .\n"),
        ])  # fmt: skip
        assert counts == {str(one): (1, 1), str(two): (0, 1)}
        after = store.dump_nquads().decode()
    assert '"2"' in after and '"1"' not in after and "<https://e.org/o>" in after
    assert after.count("<https://example.org/g/2>") == 1


def test_full_crawl_ignores_the_last_crawl(world: FakeOParl, tmp_path: Path) -> None:
    run(world, tmp_path)
    world.seen.clear()
    report = run(world, tmp_path, full=True)
    assert not world.since_params()
    assert {b.status for b in report.bodies} == {"unchanged"}


# ---------------------------------------------------------------- saved files and errors


@needs_shared
def test_import_saved_folder_of_spec_examples(tmp_path: Path) -> None:
    settings = Settings(store_dir=tmp_path)
    report = import_oparl(str(OPARL / "spec-examples"), settings, as_of=AS_OF)
    assert [b.municipality for b in report.bodies] == ["Köln"]
    assert ask(tmp_path, "id:person/mustermann foaf:familyName 'Mustermann'")
    assert ask(tmp_path, "id:paper/1234-2014 a rg:Paper")
    assert "swapped-coordinates" in report.warning_counts
    again = import_oparl(str(OPARL / "spec-examples"), settings, as_of=AS_OF)
    assert not again.changed


@needs_shared
def test_import_saved_single_file_without_body(tmp_path: Path) -> None:
    settings = Settings(store_dir=tmp_path)
    meeting = OPARL / "mst-testdata-oparl-missing" / "meeting.json"
    report = import_oparl(str(meeting), settings, municipality="Wuppertal", as_of=AS_OF)
    assert "no-body" in report.warning_counts
    assert report.bodies[0].municipality == "Wuppertal"
    rows = select(tmp_path, "SELECT ?m WHERE { ?m a rg:Meeting ; schema:startDate ?d "
                  "FILTER(?d = '2020-09-29'^^xsd:date) }")  # fmt: skip
    assert rows and rows[0]["m"].startswith(f"{ID}wuppertal/meeting/")
    assert "missing-object" in report.warning_counts


@needs_shared
def test_saved_crlf_body_and_a_malformed_file(tmp_path: Path) -> None:
    folder = tmp_path / "saved"
    folder.mkdir()
    (folder / "body.json").write_bytes(
        (OPARL / "mst-testdata-bodies/Stadt Leipzig.json").read_bytes()
    )
    (folder / "broken.json").write_text('{"id": "https://x/1", "type": ', encoding="utf-8")
    report = import_oparl(str(folder), Settings(store_dir=tmp_path / "store"), as_of=AS_OF)
    assert [b.municipality for b in report.bodies] == ["Leipzig"]
    assert "malformed-json" in report.warning_counts


def test_unreadable_roots_are_one_line_errors(tmp_path: Path) -> None:
    settings = Settings(store_dir=tmp_path)
    with pytest.raises(OParlError, match="no such file"):
        import_oparl(str(tmp_path / "missing"), settings)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(OParlError, match="no OParl objects"):
        import_oparl(str(empty), settings)
    with local_server() as fake:
        fake.serve({"id": fake.base + "/thing", "type": "https://example.org/NotOParl"})
        with pytest.raises(OParlError, match="not an OParl System or Body"):
            import_oparl(fake.base + "/thing", settings, options=FAST)
        with pytest.raises(OParlError, match="HTTP 404"):
            import_oparl(fake.base + "/nothing", settings, options=FAST)
        fake.special["/slow"] = Special(b"{}", delay=SLOW_SECONDS)
        with pytest.raises(OParlError, match="timed out"):
            import_oparl(fake.base + "/slow", settings, options=FAST)


def test_cli_import_oparl(tmp_path: Path) -> None:
    runner = CliRunner()
    with local_server() as fake:
        body = {"id": fake.base + "/body/1", "type": T + "Body", "name": "Stadt Hagen",
                "person": fake.base + "/body/1/people"}  # fmt: skip
        fake.serve(body)
        fake.serve_list(body["person"], [
            person(fake.base + "/", "1", "Keller", "Anna", "Frau", []),
        ])  # fmt: skip
        result = runner.invoke(app, ["import-oparl", body["id"], "--store", str(tmp_path)])
        assert result.exit_code == 0, result.output
        assert "Hagen: added" in result.output
        again = runner.invoke(app, ["import-oparl", body["id"], "--store", str(tmp_path)])
        assert "Hagen: unchanged" in again.output
    failed = runner.invoke(app, ["import-oparl", str(tmp_path / "nope"), "--store", str(tmp_path)])
    assert failed.exit_code == 1
    assert failed.output.strip().count("\n") == 0 and "no such file" in failed.output
    bad = runner.invoke(
        app, ["import-oparl", "x", "--since", "yesterday", "--store", str(tmp_path)]
    )
    assert bad.exit_code == 2 and "--since" in bad.output


def test_oparl_persons_resolve_protocols_stored_before(tmp_path: Path) -> None:
    settings = Settings(store_dir=tmp_path)
    protocol = tmp_path / "rat.txt"
    protocol.write_text(
        "Niederschrift über die Sitzung des Rates der Stadt Hagen am 12.03.2024\n\n"
        "TOP 1 Haushalt\n\nHerr Meier fragt, ob die Mittel reichen.\n",
        encoding="utf-8",
    )
    ingest([protocol], settings, metadata=Metadata(municipality="Hagen"))
    speaker = "SELECT ?p WHERE { ?s a rg:Statement ; schema:creator ?p }"
    assert select(tmp_path, speaker) == [{"p": f"{ID}hagen/person/meier"}]
    with local_server() as fake:
        base = fake.base + "/"
        body = {"id": base + "body/1", "type": T + "Body", "name": "Stadt Hagen",
                "person": base + "body/1/people"}  # fmt: skip
        fake.serve(body)
        fake.serve_list(body["person"], [
            person(base, "1", "Meier", "Jens", "Herr", []),
            person(base, "2", "Meier", "Petra", "Frau", []),
        ])  # fmt: skip
        report = import_oparl(body["id"], settings, options=FAST, as_of=AS_OF)
    assert report.reresolved, "the stored protocol is resolved again"
    assert select(tmp_path, speaker) == [{"p": f"{ID}hagen/person/meier-jens"}]


# ---------------------------------------------------------------- cleaning, unit level


def test_cleaner_repairs_values() -> None:
    log = WarningLog()
    c = Cleaner(log)
    raw = {"id": "x", "name": "A\r\nB\u0007", "list": None, "one": "u", "date": "2024-02-30",
           "flag": "true", "point": None}  # fmt: skip
    assert c.text(raw, "name") == "A B"
    assert c.items(raw, "list") == []
    assert c.refs(raw, "one") == ("u",)
    assert c.date(raw, "date") is None
    assert c.flag(raw, "flag") is True
    assert c.point({"id": "l", "geojson": {"type": "Point", "coordinates": [7.0, 50.9]}}) == (
        50.9, 7.0,
    )  # fmt: skip
    assert c.point({"id": "l2", "geojson": {"type": "Point", "coordinates": [50.9, 7.0]}}) == (
        50.9, 7.0,
    )  # fmt: skip
    assert set(log.counts) == {
        "control-characters", "null-list", "bad-value", "swapped-coordinates",
    }  # fmt: skip


def test_split_name_and_duplicate_choice_do_not_depend_on_order() -> None:
    assert split_name("Herr Dr. Jens Meier") == ("Meier", "Jens", ("Dr.",))
    old = {
        "id": "p",
        "type": T + "Person",
        "familyName": "Alt",
        "modified": "2020-01-01T00:00:00+01:00",
    }
    new = {**old, "familyName": "Neu", "modified": "2021-01-01T00:00:00+01:00"}
    for order in ([old, new], [new, old]):
        data = build_body_data({"id": "b", "name": "Stadt Hagen"},
                               [(o, "Person") for o in order], WarningLog())  # fmt: skip
        assert data.persons[0].family_name == "Neu"


RG_ = "https://w3id.org/ratsgraph/ontology#"


# ---------------------------------------------------------------- arbitrary input


_IDS = ["https://x/o/1", "https://x/p/1", "http://x/m 1", "https://x/ä\u0007", "urn:x", "", "x"]
_FIELDS = (
    "name", "familyName", "givenName", "title", "formOfAddress", "membership", "organization",
    "person", "role", "votingRight", "startDate", "endDate", "onBehalfOf", "start", "end",
    "participant", "agendaItem", "number", "public", "result", "resolutionText", "resolution",
    "consultation", "reference", "paperType", "originatorPerson", "originatorOrganization",
    "underDirectionOf", "mainFile", "auxiliaryFile", "text", "accessUrl", "location", "geojson",
    "modified", "deleted", "organizationType", "classification", "shortName", "subOrganizationOf",
    "meeting", "paper", "verbatimProtocol", "resultsProtocol",
)  # fmt: skip
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12)
    | st.sampled_from(_IDS) | st.sampled_from(["2024-03-12", "2024-03-12T16:00:00+01:00"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["id", "type",
        *_FIELDS[:8]]), inner, max_size=4),
    max_leaves=8,
)  # fmt: skip
_OBJECT = st.builds(
    lambda ident, kind, rest: {"id": ident, "type": kind, **rest},
    st.sampled_from(_IDS) | st.text(max_size=8),
    st.sampled_from([T + k for k in ("Person", "Meeting", "Organization", "Paper", "File")])
    | st.sampled_from(["", "x", None]),
    st.dictionaries(st.sampled_from(_FIELDS), _JSON, max_size=6),
)


@given(
    st.lists(st.tuples(_OBJECT, st.sampled_from(["Person", "Meeting", "Paper", None])), max_size=6)
)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_arbitrary_objects_never_crash_and_map_deterministically(
    objects: list[tuple[Raw, str | None]],
) -> None:
    body = {"id": "https://x/b", "name": "Stadt Hagen"}
    graphs = []
    for _ in range(2):
        data = build_body_data(body, objects, WarningLog())
        graphs.append(body_graph(data, EXAMPLE_SETTINGS, AS_OF, WarningLog()).ntriples())
    assert graphs[0] == graphs[1]
    parsed = list(ox.parse(graphs[0].encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))
    assert len(parsed) == graphs[0].count("\n")
