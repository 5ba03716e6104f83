"""`kg serve` under load (issue 11): 50 concurrent clients for 30 s on the saved queries over the
shared corpus, pathological queries cut off by the time limit, refusals, binding and headers.

Heavy: run with `pytest -m heavy tests/test_load.py -s` to see the figures. `KG_LOAD_SECONDS`
and `KG_LOAD_CLIENTS` shorten or widen the run.
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from test_serve import Server

from kg.pipeline import ingest
from kg.query import saved_queries
from kg.settings import Settings
from kg.store import Store

pytestmark = pytest.mark.heavy

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
SECONDS = float(os.environ.get("KG_LOAD_SECONDS", "30"))
CLIENTS = int(os.environ.get("KG_LOAD_CLIENTS", "50"))
TIMEOUT = 5.0
NORMAL = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <http://xmlns.com/foaf/0.1/Person> }"
_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_ANY_PATH = f"({_TYPE}|!{_TYPE})*"  # every path of any length: reachability over the graph
PATHOLOGICAL = {
    "cartesian": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "huge offset": "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f } OFFSET 100000000000",
    "deep path": (
        f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s {_ANY_PATH} ?o . ?o {_ANY_PATH} ?x . "
        f"?x {_ANY_PATH} ?y }}"
    ),
}
SAMPLES = {
    "person": "SELECT ?v WHERE { ?st a rg:Statement ; schema:creator ?v } LIMIT 1",
    "entity": "SELECT ?v WHERE { ?st a rg:Statement ; schema:creator ?v } LIMIT 1",
    "topic": "SELECT ?v WHERE { ?st rg:about ?v . ?v a rg:Initiative } LIMIT 1",
    "unit": "SELECT ?v WHERE { ?v a org:OrganizationalUnit } LIMIT 1",
    "meeting": "SELECT ?v WHERE { ?v a rg:Meeting } LIMIT 1",
    "name": "SELECT ?v WHERE { ?p a foaf:Person ; foaf:familyName ?v } LIMIT 1",
}
LITERALS = {"date": "2016-06-30", "q": "Integration"}


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (CORPUS / "INDEX.tsv").is_file():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    directory = tmp_path_factory.mktemp("load") / "store"
    ingest([CORPUS], Settings(store_dir=directory))
    return directory


@pytest.fixture(scope="module")
def server(corpus_store: Path) -> Iterator[Server]:
    running = Server(corpus_store, "--timeout", str(TIMEOUT), "--workers", "4", limits=False)
    yield running
    running.stop()


def _parameters(store_dir: Path) -> dict[str, str]:
    values = dict(LITERALS)
    with Store(store_dir, read_only=True) as store:
        for key, sparql in SAMPLES.items():
            rows = store.select(sparql)
            if rows:
                values[key] = str(rows[0]["v"])
    return values


def _requests(store_dir: Path) -> list[dict[str, list[str] | str]]:
    """One POST form per saved query, its parameters bound to values found in the store."""
    values = _parameters(store_dir)
    forms: list[dict[str, list[str] | str]] = []
    for saved in saved_queries().values():
        params = [f"{k}={values[k]}" for k in saved.params if k in values]
        forms.append({"query": saved.sparql, "param": params})
    return forms


class LoadResult:
    """Statuses and latencies of all requests of a load run."""

    def __init__(self) -> None:
        self.statuses: Counter[int] = Counter()
        self.latencies: list[float] = []
        self.failures: list[str] = []
        self.lock = threading.Lock()

    def record(self, status: int, seconds: float, detail: str) -> None:
        with self.lock:
            self.statuses[status] += 1
            self.latencies.append(seconds)
            if not 200 <= status < 300 and len(self.failures) < 10:
                self.failures.append(detail)


def _client(url: str, forms: list[dict[str, list[str] | str]], offset: int, until: float,
            result: LoadResult) -> None:  # fmt: skip
    with httpx.Client(timeout=60) as client:
        number = offset
        while time.monotonic() < until:
            form = forms[number % len(forms)]
            number += 1
            started = time.monotonic()
            try:
                response = client.post(url + "/sparql", data=form)
                status, detail = response.status_code, response.text[:200]
            except httpx.HTTPError as error:
                status, detail = 0, repr(error)
            result.record(status, time.monotonic() - started, detail)


def test_saved_queries_under_load_without_errors(server: Server, corpus_store: Path) -> None:
    forms = _requests(corpus_store)
    for form in forms:  # every saved query works on its own first
        response = httpx.post(server.url + "/sparql", data=form, timeout=60)
        assert response.status_code == 200, (form["query"][:80], response.text[:300])
    result = LoadResult()
    until = time.monotonic() + SECONDS
    threads = [
        threading.Thread(target=_client, args=(server.url, forms, i, until, result))
        for i in range(CLIENTS)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    total = sum(result.statuses.values())
    p95 = statistics.quantiles(result.latencies, n=20)[18]
    errors = total - sum(n for s, n in result.statuses.items() if 200 <= s < 300)
    print(
        f"\nload: {CLIENTS} clients, {elapsed:.1f} s, {total} requests, {errors} errors, "
        f"{total / elapsed:.1f} req/s, p50 {statistics.median(result.latencies) * 1000:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms, max {max(result.latencies) * 1000:.0f} ms, "
        f"{len(forms)} saved queries"
    )
    assert total > CLIENTS
    assert errors == 0, (result.statuses, result.failures)


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pathological_query_is_cut_off_and_the_server_keeps_answering(
    server: Server, name: str
) -> None:
    started = time.monotonic()
    response = httpx.post(server.url + "/sparql", data={"query": PATHOLOGICAL[name]}, timeout=60)
    elapsed = time.monotonic() - started
    print(f"\n{name}: {response.status_code} after {elapsed:.1f} s")
    assert response.status_code == 503 or 400 <= response.status_code < 500
    assert elapsed < TIMEOUT + 5
    after = httpx.post(server.url + "/sparql", data={"query": NORMAL}, timeout=30)
    assert after.status_code == 200
    assert int(after.json()["results"]["bindings"][0]["n"]["value"]) > 10


@pytest.mark.parametrize(
    "form",
    [
        {"update": "INSERT DATA { <a:b> <a:b> <a:b> }"},
        {"query": "DELETE WHERE { ?s ?p ?o }"},
        {"query": "LOAD <http://example.org/x.ttl>"},
        {"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"},
    ],
)
def test_updates_load_and_service_are_refused(server: Server, form: dict[str, str]) -> None:
    response = httpx.post(server.url + "/sparql", data=form)
    assert response.status_code == 400
    after = httpx.post(server.url + "/sparql", data={"query": NORMAL})
    assert int(after.json()["results"]["bindings"][0]["n"]["value"]) > 10


def test_bound_to_loopback_only_and_headers_set(server: Server) -> None:
    import socket

    reachable = []
    for family, address in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
        with socket.socket(family) as sock:
            sock.settimeout(1)
            reachable.append(sock.connect_ex((address, server.port)) == 0)
    assert reachable[0] and not reachable[1]
    listening = Path("/proc/net/tcp")
    if listening.is_file():  # Linux: the listening socket's local address is 127.0.0.1
        port = f":{server.port:04X}"
        rows = [line.split() for line in listening.read_text().splitlines()[1:]]
        listen = [row[1] for row in rows if row[3] == "0A"]  # state 0A = LISTEN
        assert [a for a in listen if a.endswith(port)] == ["0100007F" + port]
    response = httpx.get(server.url + "/sparql", params={"query": NORMAL})
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert "access-control-allow-origin" not in response.headers
