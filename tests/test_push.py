"""`kg push` to real Graph Store Protocol servers, then the saved queries against them.

The Oxigraph server (PyPI `oxigraph`) runs in every test run; Virtuoso Open Source (Debian
`virtuoso-opensource-7-bin`) only with `-m heavy` and when `virtuoso-t` is installed.
Retries and refusals are checked against an in-process fake server (httpx.MockTransport).
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import QueryError, SettingsError, StoreError
from kg.pipeline import ingest
from kg.push import PushTarget, graph_store_url, push
from kg.query import cell, parse_params, remote_select, saved_queries, select
from kg.settings import Settings
from kg.store import Store

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "council"
OXIGRAPH = Path(sys.executable).parent / "oxigraph"
B = "https://w3id.org/ratsgraph/id/beispielstadt/"
#: A value for every parameter name the saved queries declare.
PARAMS = {
    "person": f"{B}person/kuehn",
    "topic": f"{B}initiative/foerderprogramm",
    "date": "2024-04-30",
    "unit": f"{B}unit/fachbereich-umwelt-und-gruenflaechen",
    "meeting": f"{B}meeting/2024-04-23-rat-der-stadt-beispielstadt",
    "q": "Gründächer",
    "name": "schmidt",
    "entity": f"{B}person/lange",
    "since": "2024-01-01",
    "until": "2024-12-31",
}
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
runner = CliRunner()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        try:
            httpx.get(url, params={"query": "ASK {}"}, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    settings = Settings(store_dir=tmp_path_factory.mktemp("push") / "store")
    assert not ingest([FIXTURES], settings).failed
    return settings.store_dir


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An Oxigraph server on a free port; yields its query endpoint."""
    if not OXIGRAPH.exists():
        pytest.skip(f"the oxigraph server (PyPI package oxigraph) is not installed at {OXIGRAPH}")
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph-server")
    process = subprocess.Popen(
        [str(OXIGRAPH), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
         "--union-default-graph"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    endpoint = f"http://127.0.0.1:{port}/query"
    try:
        wait_for(endpoint, process)
        yield endpoint
    finally:
        stop(process)


def remote_count(endpoint: str) -> int:
    return int(str(remote_select(endpoint, COUNT).rows[0]["n"]))


def rows_of(result: object, columns: list[str]) -> list[tuple[str, ...]]:
    """Rows as sorted tuples of text; GROUP_CONCAT parts sorted (engines order them freely)."""
    out = []
    for row in result.rows:  # type: ignore[attr-defined]
        cells = []
        for column in columns:
            text = cell(row.get(column))
            parts = re.split(r"(, | \| | / )", text)
            cells.append("".join(sorted(parts[::2])) if len(parts) > 1 else text)
        out.append(tuple(cells))
    return sorted(out)


def compare_saved_queries(store_dir: Path, endpoint: str, names: list[str]) -> None:
    """Every named query gives the same rows on the endpoint as on the local store."""
    differing = []
    with Store(store_dir, read_only=True) as store:
        for name in names:
            query = saved_queries()[name]
            params = [f"{key}={PARAMS[key]}" for key in query.params]
            bindings = parse_params(params, query)
            local = select(store, query.sparql, bindings)
            assert local.rows, f"{name}: the local result is empty, nothing is compared"
            try:
                remote = remote_select(endpoint, query.sparql, bindings)
            except QueryError as error:
                differing.append(f"{name}: {error}")
                continue
            expected = rows_of(local, local.variables)
            if remote.variables != local.variables or rows_of(remote, local.variables) != expected:
                differing.append(f"{name}: {rows_of(remote, local.variables)} != {expected}")
    assert differing == []


# ---------------------------------------------------------------- Oxigraph server


def test_push_then_every_saved_query_gives_the_local_rows(store_dir: Path, oxigraph: str) -> None:
    result = runner.invoke(app, ["push", "--endpoint", oxigraph, "--store", str(store_dir)])
    assert result.exit_code == 0, result.output
    assert "pushed 4 graphs" in result.output
    compare_saved_queries(store_dir, oxigraph, sorted(saved_queries()))


def test_repush_replaces_graphs_and_keeps_the_count(store_dir: Path, oxigraph: str) -> None:
    target = PushTarget(graph_store_url(oxigraph), fmt="ntriples")
    with Store(store_dir, read_only=True) as store:
        push(store, target)
        first = remote_count(oxigraph)
        report = push(store, target)
        assert remote_count(oxigraph) == first == len(store) == report.triples
        assert report.graphs == len(store.named_graphs())


def test_kg_query_endpoint_prints_the_local_result(store_dir: Path, oxigraph: str) -> None:
    runner.invoke(app, ["push", "--endpoint", oxigraph, "--store", str(store_dir)])
    args = ["query", "--name", "statements-by-person", "--param", f"person={PARAMS['person']}"]
    local = runner.invoke(app, [*args, "--format", "csv", "--store", str(store_dir)])
    remote = runner.invoke(app, [*args, "--format", "csv", "--endpoint", oxigraph])
    assert remote.exit_code == 0, remote.output
    assert remote.output == local.output
    assert "Frau Kühn (FDP) fragt" in remote.output


def test_kg_query_endpoint_looks_up_a_name_on_the_endpoint(store_dir: Path, oxigraph: str) -> None:
    """A name for an IRI parameter is looked up with entity-search on the same endpoint."""
    runner.invoke(app, ["push", "--endpoint", oxigraph, "--store", str(store_dir)])
    args = ["query", "--name", "questions-about-topic", "--param", "topic=Förderprogramm"]
    by_name = runner.invoke(app, [*args, "--format", "csv", "--endpoint", oxigraph])
    assert by_name.exit_code == 0, by_name.output
    assert f"topic: 'Förderprogramm' is Förderprogramm <{PARAMS['topic']}>" in by_name.stderr
    by_iri = ["query", "--name", "questions-about-topic", "--param", f"topic={PARAMS['topic']}"]
    expected = runner.invoke(app, [*by_iri, "--format", "csv", "--endpoint", oxigraph])
    assert by_name.stdout == expected.stdout and by_name.stdout.count("\n") == 3


def test_unreachable_endpoint_is_a_one_line_error(store_dir: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    args = ["push", "--endpoint", url, "--retries", "1", "--store", str(store_dir)]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert "could not upload graph" in result.output and "after 2 attempts" in result.output


# ---------------------------------------------------------------- retries and refusals


class FlakyServer:
    """Answers PUTs with the given statuses in turn, then 201; remembers every request."""

    def __init__(self, *statuses: int) -> None:
        self.statuses = list(statuses)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        status = self.statuses.pop(0) if self.statuses else 201
        return httpx.Response(status, text="overloaded" if status >= 500 else "denied")


def fake_push(store_dir: Path, server: FlakyServer, **target: object) -> object:
    client = httpx.Client(transport=httpx.MockTransport(server))
    settings = PushTarget("http://store.example/store", backoff=0.0, **target)  # type: ignore[arg-type]
    with Store(store_dir, read_only=True) as store:
        return push(store, settings, client=client)


def test_transient_failures_are_retried(store_dir: Path) -> None:
    server = FlakyServer(503, 502)
    report = fake_push(store_dir, server)
    assert report.retries == 2  # type: ignore[attr-defined]
    assert len(server.requests) == 4 + 2
    first = server.requests[0]
    assert first.method == "PUT" and first.headers["content-type"] == "text/turtle"
    assert first.url.params["graph"].startswith(B + "doc/") or first.url.params["graph"].endswith(
        "#resolution"
    )


def test_refusal_stops_without_retrying(store_dir: Path) -> None:
    server = FlakyServer(403)
    with pytest.raises(StoreError, match=r"refused graph .* HTTP 403 Forbidden: denied"):
        fake_push(store_dir, server)
    assert len(server.requests) == 1


def test_giving_up_after_the_retries(store_dir: Path) -> None:
    server = FlakyServer(*[500] * 10)
    with pytest.raises(StoreError, match="after 3 attempts: HTTP 500"):
        fake_push(store_dir, server, retries=2)


def test_graph_parameter_name_is_configurable(store_dir: Path) -> None:
    server = FlakyServer()
    fake_push(store_dir, server, graph_param="graph-uri")
    assert all("graph-uri" in r.url.params for r in server.requests)


def test_unknown_endpoint_layout_needs_graph_store() -> None:
    with pytest.raises(SettingsError, match="--graph-store"):
        graph_store_url("http://example.org/endpoint")


# ---------------------------------------------------------------- Virtuoso


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{isql}
DirsAllowed = ., {d}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""


@pytest.fixture
def virtuoso(tmp_path: Path) -> Iterator[str]:
    """A throw-away Virtuoso instance; yields its SPARQL endpoint."""
    binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if binary is None or isql is None:
        pytest.skip(
            "Virtuoso Open Source is not installed (apt-get install virtuoso-opensource-7-bin)"
        )
    isql_port, http_port = free_port(), free_port()
    (tmp_path / "virtuoso.ini").write_text(
        VIRTUOSO_INI.format(d=tmp_path, isql=isql_port, http=http_port), encoding="utf-8"
    )
    process = subprocess.Popen(
        [binary, "-f", "-c", "virtuoso.ini"], cwd=tmp_path,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    endpoint = f"http://127.0.0.1:{http_port}/sparql"
    try:
        wait_for(endpoint, process, seconds=90)
        grant = 'GRANT SPARQL_UPDATE TO "SPARQL";'
        subprocess.run(
            [isql, f"127.0.0.1:{isql_port}", "dba", "dba", f"exec={grant}"],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        yield endpoint
    finally:
        stop(process)


@pytest.mark.heavy
def test_push_to_virtuoso_and_query_it(store_dir: Path, virtuoso: str) -> None:
    args = ["push", "--endpoint", virtuoso, "--graph-param", "graph-uri", "--store", str(store_dir)]
    for _ in range(2):  # the second push replaces every graph
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    with Store(store_dir, read_only=True) as store:
        graphs = " ".join(f"<{g}>" for g in store.named_graphs())
        ours = (
            f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {graphs} }} GRAPH ?g {{ ?s ?p ?o }} }}"
        )
        assert int(str(remote_select(virtuoso, ours).rows[0]["n"])) == len(store)
    compare_saved_queries(
        store_dir, virtuoso,
        sorted(saved_queries()),
    )  # fmt: skip
