"""`kg serve` over real HTTP: a uvicorn server in a child process, requests with httpx and a
headless browser. The store holds the council protocols of tests/fixtures/council plus one
entity whose label is an HTML injection attempt.
"""

from __future__ import annotations

import csv
import html
import io
import re
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from rdflib import Graph, Literal, URIRef

from kg.pipeline import ingest
from kg.query import saved_queries
from kg.settings import Settings
from kg.store import GraphUpdate, Store
from kg.vocab import FOAF, RDF, RDFS

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "council"
B = "https://w3id.org/ratsgraph/id/beispielstadt/"
HOSTILE = URIRef(B + "person/hostile")
HOSTILE_LABEL = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
UMWELT_IRI = B + "unit/fachbereich-umwelt-und-gruenflaechen"
PERSONS = "SELECT DISTINCT ?name WHERE { ?p a foaf:Person ; foaf:name ?name } ORDER BY ?name"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
TIMEOUT = 2.0
MAX_ROWS = 50
MAX_BODY = 20_000
CHROMIUM = Path("/usr/bin/chromium")


def build_store(directory: Path) -> Path:
    """The council protocols plus a graph with a hostile person label."""
    settings = Settings(store_dir=directory)
    assert not ingest([FIXTURES], settings).failed
    with Store(directory) as store:
        triples = (
            (HOSTILE, RDF.type, FOAF.Person),
            (HOSTILE, RDFS.label, Literal(HOSTILE_LABEL, lang="de")),
            (HOSTILE, FOAF.name, Literal(HOSTILE_LABEL)),
        )
        store.replace_graphs([GraphUpdate(graph=URIRef(B + "doc/hostile"), triples=triples)])
    return directory


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """`kg serve` in a child process on a free port, stopped by its PID.

    The server's output goes to a log file: a pipe nobody reads fills up after about a
    thousand requests and then blocks the server (the load test makes that many).
    """

    def __init__(self, store_dir: Path, *extra: str, limits: bool = True) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [
            sys.executable, "-c", "from kg.cli import app; app()", "serve",
            "--port", str(self.port), "--store", str(store_dir), "--timeout", str(TIMEOUT),
        ]  # fmt: skip
        if limits:
            command += ["--max-rows", str(MAX_ROWS), "--max-body", str(MAX_BODY)]
        self.log_path = store_dir.parent / f"serve-{self.port}.log"
        self.log = self.log_path.open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            [*command, *extra], stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"kg serve exited: {self.output()}")
            try:
                if httpx.get(self.url + "/", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("kg serve did not answer within 30 s")

    def output(self) -> str:
        """What the server printed so far."""
        self.log.flush()
        return self.log_path.read_text(encoding="utf-8")

    def stop(self) -> str:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
        return self.log_path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = Server(build_store(tmp_path_factory.mktemp("serve") / "store"))
    yield running
    running.stop()


def sparql(server: Server, query: str, accept: str | None = None, **form: str) -> httpx.Response:
    headers = {"Accept": accept} if accept else {}
    return httpx.post(server.url + "/sparql", data={"query": query, **form}, headers=headers)


def names(response: httpx.Response) -> list[str]:
    data = response.json()
    return [b["name"]["value"] for b in data["results"]["bindings"]]


# ---------------------------------------------------------------- protocol


def test_get_query_answers_sparql_json_by_default(server: Server) -> None:
    response = httpx.get(server.url + "/sparql", params={"query": PERSONS})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/sparql-results+json"
    assert "Maria Kühn" in names(response) and "Jutta Schröder" in names(response)


def test_post_form_and_direct_post_give_the_same_rows(server: Server) -> None:
    form = sparql(server, PERSONS)
    direct = httpx.post(
        server.url + "/sparql",
        content=PERSONS.encode("utf-8"),
        headers={"Content-Type": "application/sparql-query; charset=utf-8"},
    )
    assert form.status_code == direct.status_code == 200
    assert names(form) == names(direct)


def test_results_as_xml(server: Server) -> None:
    response = sparql(server, PERSONS, "application/sparql-results+xml")
    assert response.headers["content-type"].startswith("application/sparql-results+xml")
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    root = ET.fromstring(response.content)
    literals = [e.text for e in root.findall(".//r:binding[@name='name']/r:literal", ns)]
    assert "Maria Kühn" in literals


def test_results_as_csv(server: Server) -> None:
    response = sparql(server, PERSONS, "text/csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["name"] and ["Timo Weiß"] in rows


def test_results_as_tsv_use_rdf_term_syntax(server: Server) -> None:
    query = "SELECT DISTINCT ?p WHERE { ?p foaf:name 'Timo Weiß' }"
    response = sparql(server, query, "text/tab-separated-values")
    assert response.headers["content-type"].startswith("text/tab-separated-values")
    assert response.text.splitlines() == ["?p", f"<{B}person/weiss>"]


def test_ask(server: Server) -> None:
    response = sparql(server, "ASK { ?s a rg:Statement }")
    assert response.json() == {"head": {}, "boolean": True}


def test_construct_as_turtle_and_ntriples(server: Server) -> None:
    query = (
        f"CONSTRUCT {{ ?p foaf:name ?n }} WHERE {{ BIND(<{B}person/weiss> AS ?p) ?p foaf:name ?n }}"
    )
    turtle = sparql(server, query)
    assert turtle.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=turtle.text, format="turtle")
    assert (URIRef(B + "person/weiss"), FOAF.name, Literal("Timo Weiß")) in graph
    ntriples = sparql(server, query, "application/n-triples")
    assert ntriples.headers["content-type"].startswith("application/n-triples")
    assert ntriples.text.strip() == f'<{B}person/weiss> <{FOAF.name}> "Timo Weiß" .'


def test_unacceptable_media_type_is_406(server: Server) -> None:
    assert sparql(server, PERSONS, "image/png").status_code == 406


@pytest.mark.parametrize("day", ["2024-04-30", "30.04.2024"])
def test_saved_query_with_bound_parameter(server: Server, day: str) -> None:
    query = saved_queries()["faction-members-at-date"].sparql
    response = sparql(server, query, param=f"date={day}")
    rows = response.json()["results"]["bindings"]
    assert ("FDP-Fraktion", "Maria Kühn") in {
        (r["faction"]["value"], r["member"]["value"]) for r in rows
    }


def test_row_limit_cuts_results_and_says_so(server: Server) -> None:
    response = sparql(server, "SELECT * WHERE { ?s ?p ?o }")
    assert len(response.json()["results"]["bindings"]) == MAX_ROWS
    assert response.headers["x-ratsgraph-truncated"] == "true"
    assert "x-ratsgraph-truncated" not in sparql(server, PERSONS).headers


# ---------------------------------------------------------------- refusals and limits


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"update": "INSERT DATA { <a:b> <a:b> <a:b> }"}, "read-only"),
        ({"query": "INSERT DATA { <a:b> <a:b> <a:b> }"}, "not allowed"),
        ({"query": "# comment\nDROP ALL"}, "not allowed"),
        ({"query": "LOAD <http://example.org/x.ttl>"}, "not allowed"),
        (
            {"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"},
            "SERVICE",
        ),
        ({"query": "SELECT * WHERE { ?s ?p }"}, "syntax"),
        ({"query": PERSONS, "default-graph-uri": B + "x"}, "not supported"),
        ({"param": "date=2024-01-01"}, "'query'"),
        ({"query": PERSONS, "param": "since=gestern"}, "since: give a day as 2024-04-30"),
    ],
)
def test_refused_with_400_and_a_clear_message(
    server: Server, form: dict[str, str], message: str
) -> None:
    response = httpx.post(server.url + "/sparql", data=form)
    assert response.status_code == 400
    assert message in response.text


def test_sparql_update_content_type_is_refused(server: Server) -> None:
    response = httpx.post(
        server.url + "/sparql",
        content=b"CLEAR ALL",
        headers={"Content-Type": "application/sparql-update"},
    )
    assert response.status_code == 400 and "read-only" in response.text
    assert "Maria Kühn" in names(sparql(server, PERSONS))  # nothing was cleared


def test_unknown_content_type_is_415(server: Server) -> None:
    response = httpx.post(
        server.url + "/sparql", content=b"{}", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 415


def test_oversized_body_is_413(server: Server) -> None:
    padding = "#" + "x" * MAX_BODY
    response = sparql(server, PERSONS + "\n" + padding)
    assert response.status_code == 413
    assert sparql(server, PERSONS).status_code == 200


def test_runaway_query_is_stopped_and_the_server_keeps_answering(server: Server) -> None:
    started = time.monotonic()
    response = sparql(server, CARTESIAN)
    assert response.status_code == 503
    assert "did not finish" in response.text
    assert time.monotonic() - started < TIMEOUT + 5
    for _ in range(3):  # more requests than live workers: the killed one was replaced
        assert sparql(server, PERSONS).status_code == 200


def test_host_header_of_another_site_is_refused(server: Server) -> None:
    response = httpx.get(server.url + "/", headers={"Host": "attacker.example"})
    assert response.status_code == 400


# ---------------------------------------------------------------- headers


@pytest.mark.parametrize("path", ["/", "/sparql?query=ASK%7B%7D", "/static/ui.js", "/entity?iri=x"])
def test_security_headers_everywhere(server: Server, path: str) -> None:
    response = httpx.get(server.url + path, headers={"Origin": "https://elsewhere.example"})
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-frame-options"] == "DENY"
    assert "access-control-allow-origin" not in response.headers


def test_static_assets_are_local(server: Server) -> None:
    page = httpx.get(server.url + "/").text
    assert re.findall(r'(?:src|href)="([^"]*)"', page) == ["/static/ui.css", "/", "/static/ui.js"]
    assert httpx.get(server.url + "/static/ui.css").status_code == 200


# ---------------------------------------------------------------- pages


def test_entity_page_shows_statements_with_quotes(server: Server) -> None:
    response = httpx.get(server.url + "/entity", params={"iri": B + "person/kuehn"})
    assert response.status_code == 200
    assert "Maria Kühn" in response.text
    assert (
        "Sie fragt, ob die Verwaltung die Einnahmen für den Straßenbau verwende." in response.text
    )
    assert "/view?focus=" in response.text


def test_entity_page_escapes_labels(server: Server) -> None:
    response = httpx.get(server.url + "/entity", params={"iri": str(HOSTILE)})
    assert "&lt;img src=x" in response.text
    assert "<img" not in response.text and "<script>window" not in response.text


def test_unknown_entity_is_404(server: Server) -> None:
    response = httpx.get(server.url + "/entity", params={"iri": "https://nowhere.example/x"})
    assert response.status_code == 404


def test_network_view_carries_its_own_script_policy(server: Server) -> None:
    response = httpx.get(server.url + "/view", params={"focus": B + "person/kuehn"})
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    assert policy.startswith("default-src 'none'") and "script-src 'sha256-" in policy
    assert "Maria Kühn" in response.text


# ---------------------------------------------------------------- CORS and a concurrent writer


def test_cors_only_for_the_given_origin_and_new_documents_become_visible(tmp_path: Path) -> None:
    store_dir = build_store(tmp_path / "store")
    running = Server(store_dir, "--cors", "https://newsroom.example")
    try:
        allowed = httpx.get(running.url + "/sparql", params={"query": "ASK {}"},
                            headers={"Origin": "https://newsroom.example"})  # fmt: skip
        assert allowed.headers["access-control-allow-origin"] == "https://newsroom.example"
        other = httpx.get(running.url + "/sparql", params={"query": "ASK {}"},
                          headers={"Origin": "https://other.example"})  # fmt: skip
        assert "access-control-allow-origin" not in other.headers
        count = "SELECT (COUNT(?d) AS ?n) WHERE { ?d a rg:Protocol }"
        before = int(sparql(running, count).json()["results"]["bindings"][0]["n"]["value"])
        extra = tmp_path / "extra"
        extra.mkdir()
        (extra / "2024-06-11-rat.txt").write_text(
            (FIXTURES / "2024-04-23-rat.txt")
            .read_text(encoding="utf-8")
            .replace("23.04.2024", "11.06.2024"),
            encoding="utf-8",
        )
        assert not ingest(
            [extra], Settings(store_dir=store_dir)
        ).failed  # the writer, beside the server
        after = int(sparql(running, count).json()["results"]["bindings"][0]["n"]["value"])
        assert after == before + 1
    finally:
        running.stop()


# ---------------------------------------------------------------- in the browser


@pytest.mark.browser
def test_browser_runs_saved_query_and_follows_links(server: Server) -> None:
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium not installed at /usr/bin/chromium")
    from playwright.sync_api import expect, sync_playwright

    foreign: list[str] = []
    dialogs: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        page = browser.new_page()

        def guard(route: object) -> None:
            request = route.request  # type: ignore[attr-defined]
            if urlsplit(request.url).hostname != "127.0.0.1":
                foreign.append(request.url)
                route.abort()  # type: ignore[attr-defined]
            else:
                route.continue_()  # type: ignore[attr-defined]

        page.route("**/*", guard)
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(server.url + "/")
        page.select_option("#example", "reply-pairs")
        assert "replies" in page.input_value("#query")
        page.click("#run")
        page.wait_for_selector("#results tbody tr")
        rows = page.locator("#results tbody tr")
        assert rows.count() == 3
        assert rows.first.locator("td").first.inner_text() == "Lange"
        assert "3 rows" in page.inner_text("#status")

        page.select_option("#example", "statements-by-person")
        page.fill("#params input[data-param=person]", B + "person/kuehn")
        page.click("#run")
        expect(page.locator("#results tbody tr")).to_have_count(2)
        page.locator("#results a.iri", has_text=B + "person/kuehn").first.click()
        page.wait_for_selector("#entity-label")
        assert page.inner_text("#entity-label") == "Maria Kühn"

        # A name where an IRI is asked for: one fit runs at once, several are offered.
        page.goto(server.url + "/")
        page.select_option("#example", "questions-about-topic")
        page.fill("#params input[data-param=topic]", "förderprogramm")
        page.click("#run")
        expect(page.locator("#results tbody tr")).to_have_count(2)
        assert "topic: 'förderprogramm' is Förderprogramm" in page.inner_text("#status")
        page.select_option("#example", "initiatives-by-department")
        page.fill("#params input[data-param=unit]", "Fachbereich")
        page.click("#run")
        expect(page.locator("#choices button")).to_have_count(2)
        assert "2 entities fit 'Fachbereich', choose one" in page.inner_text("#status")
        assert page.locator("#results tbody tr").count() == 0
        page.locator("#choices button", has_text="Umwelt und Grünflächen").click()
        expect(page.locator("#results tbody tr")).to_have_count(2)
        assert page.input_value("#params input[data-param=unit]") == UMWELT_IRI
        assert page.locator("#choices button").count() == 0

        page.goto(server.url + "/")
        page.fill("#query", PERSONS)
        page.click("#run")
        page.wait_for_selector("#results tbody tr")
        cells = page.locator("#results tbody td").all_inner_texts()
        assert HOSTILE_LABEL in cells  # shown as text
        assert page.locator("#results img").count() == 0
        page.goto(server.url + "/entity?iri=" + str(HOSTILE).replace(":", "%3A"))
        assert page.inner_text("#entity-label") == HOSTILE_LABEL
        assert page.evaluate("window.__xss") is None
        browser.close()
    assert foreign == []
    assert dialogs == []


# ---------------------------------------------------------------- private citizens


@pytest.fixture(scope="module")
def private_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A council protocol whose Einwohnerfragestunde names private citizens."""
    from test_privacy import PROTOCOL

    folder = tmp_path_factory.mktemp("private")
    (folder / "rat.txt").write_text(PROTOCOL, encoding="utf-8")
    (folder / "rat.txt.meta.json").write_text('{"municipality": "Musterstadt"}', encoding="utf-8")
    assert not ingest([folder / "rat.txt"], Settings(store_dir=folder / "store")).failed
    return folder / "store"


CITIZEN = "Quaschinski"
CITIZEN_IRI = "https://w3id.org/ratsgraph/id/musterstadt/person/quaschinski"
EVERYTHING = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
EVERY_GRAPH = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


def _dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def _private_pages(server: Server, iri: str) -> dict[str, httpx.Response]:
    search = saved_queries()["search-statements"].sparql
    return {
        "select": sparql(server, EVERYTHING, "text/csv"),
        "construct": sparql(server, EVERY_GRAPH, "application/n-triples"),
        "search": sparql(server, search, param=f"q={CITIZEN}"),
        "entity": httpx.get(server.url + "/entity", params={"iri": iri}),
    }


def test_serve_shows_private_citizens_only_under_pseudonyms(private_store: Path) -> None:
    abandoned = private_store / f".serve-views-{_dead_pid()}-x"
    (abandoned / "1-1").mkdir(parents=True)
    running = Server(private_store, limits=False)
    assert not abandoned.exists(), "views a killed server left behind are removed"
    try:
        pseudonym = sparql(
            running,
            "SELECT ?p ?q WHERE { ?p rg:pseudonymised true ; rdfs:label ?l . "
            "?s schema:creator ?p . ?a oa:hasBody ?s ; oa:hasTarget/oa:hasSelector/oa:exact ?q "
            'FILTER(CONTAINS(STR(?l), "Einwohner/in")) } LIMIT 1',
        ).json()["results"]["bindings"]
        assert pseudonym, "the citizen is in the store under a pseudonym"
        iri = pseudonym[0]["p"]["value"]
        assert "/person/private-" in iri and "Einwohner/in" in pseudonym[0]["q"]["value"]
        pages = _private_pages(running, iri)
        assert all(page.status_code == 200 for page in pages.values())
        assert [kind for kind, page in pages.items() if CITIZEN in page.text] == []
        assert "Vogt" in pages["select"].text and "Einwohner/in" in pages["entity"].text
        assert html.escape(pseudonym[0]["q"]["value"], quote=False) in pages["entity"].text
        assert httpx.get(running.url + "/entity", params={"iri": CITIZEN_IRI}).status_code == 404
    finally:
        running.stop()
    assert not list(private_store.glob(".serve-views-*")), "views are removed on shutdown"


def test_serve_keeps_private_names_when_told(private_store: Path) -> None:
    running = Server(private_store, "--keep-private-names", limits=False)
    try:
        pages = _private_pages(running, CITIZEN_IRI)
        assert all(page.status_code == 200 for page in pages.values())
        assert [kind for kind, page in pages.items() if CITIZEN not in page.text] == []
    finally:
        running.stop()


def test_idle_worker_prepares_a_changed_store_once_it_settled(tmp_path: Path) -> None:
    from kg.serve_worker import Privacy, _StoreHandle

    store_dir = build_store(tmp_path / "store")
    handle = _StoreHandle(
        store_dir, Privacy("https://w3id.org/ratsgraph/id/", str(tmp_path / "views"))
    )
    seen = handle.refresh_when_settled(None)  # first look: nothing to compare with yet
    assert handle._store is None
    seen = handle.refresh_when_settled(seen)  # unchanged since: the view is made now
    prepared = handle._store
    assert prepared is not None and handle.get() is prepared
    with Store(store_dir) as writer:
        writer.replace_graphs([GraphUpdate(graph=URIRef(B + "doc/hostile"), triples=())])
    seen = handle.refresh_when_settled(seen)  # the files just changed: wait for them to settle
    assert handle._store is prepared
    handle.refresh_when_settled(seen)
    assert handle._store is not prepared
    handle.close()
