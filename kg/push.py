"""Upload every named graph of the store to a SPARQL 1.1 Graph Store Protocol server.

One HTTP PUT per graph (`?graph=<document IRI>`): PUT replaces the graph, so pushing again
after an ingest updates changed documents and leaves the remote triple count as it is. Works
with Oxigraph (`/store`), Apache Jena Fuseki (`/dataset/data`), GraphDB, Stardog and
Virtuoso (`/sparql-graph-crud`). Failed uploads are retried with exponential backoff on
connection errors, timeouts and 5xx answers; 4xx answers stop the push with the server's
message.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import pyoxigraph as ox

from kg.errors import SettingsError, StoreError
from kg.store import Store
from kg.vocab import PREFIXES

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
MEDIA_TYPES = {"turtle": "text/turtle", "ntriples": "application/n-triples"}
_RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class PushTarget:
    """Where and how to upload.

    Attributes:
        graph_store: URL of the Graph Store Protocol service (`…/store`, `…/data`).
        graph_param: name of the graph parameter (`graph`; Virtuoso also takes `graph-uri`).
        fmt: `turtle` or `ntriples`.
        timeout: seconds per request.
        retries: further attempts after a failed upload of one graph.
        backoff: seconds before the first retry; doubled for every further one.
        user: `name:password` for HTTP authentication, if any.
        digest: use digest instead of basic authentication.
    """

    graph_store: str
    graph_param: str = "graph"
    fmt: Literal["turtle", "ntriples"] = "turtle"
    timeout: float = 60.0
    retries: int = 4
    backoff: float = 0.5
    user: str | None = None
    digest: bool = False


@dataclass(slots=True)
class PushReport:
    """What a push did: graphs and triples sent, bytes uploaded and retries needed."""

    graphs: int = 0
    triples: int = 0
    bytes: int = 0
    retries: int = 0


def graph_store_url(endpoint: str) -> str:
    """The Graph Store Protocol URL that belongs to a SPARQL query endpoint.

    Raises:
        SettingsError: when the endpoint is not a known layout (give --graph-store then).

    >>> graph_store_url("http://127.0.0.1:7878/query")
    'http://127.0.0.1:7878/store'
    >>> graph_store_url("http://localhost:8890/sparql")
    'http://localhost:8890/sparql-graph-crud'
    """
    base = endpoint.rstrip("/")
    if base.endswith("/query"):  # Oxigraph; Fuseki also serves GSP at the dataset URL
        return base[: -len("query")] + "store"
    if base.endswith("/sparql"):  # Virtuoso
        return base + "-graph-crud"
    raise SettingsError(
        f"cannot tell the Graph Store Protocol URL of {endpoint}; give --graph-store URL "
        "(Oxigraph: …/store, Fuseki: …/DATASET/data, Virtuoso: …/sparql-graph-crud)"
    )


def push(
    store: Store,
    target: PushTarget,
    *,
    progress: Progress | None = None,
    client: httpx.Client | None = None,
) -> PushReport:
    """Upload every named graph of `store` with one PUT each.

    Raises:
        StoreError: when a graph cannot be uploaded after all retries, or the server refuses it.
        SettingsError: when the target is malformed.
    """
    import httpx

    if target.fmt not in MEDIA_TYPES:
        raise SettingsError(f"unknown upload format {target.fmt!r} (turtle or ntriples)")
    graphs = store.named_graphs()
    report = PushReport()
    owned = client is None
    http = client or httpx.Client(timeout=target.timeout, auth=_auth(target))
    try:
        for number, graph in enumerate(graphs, start=1):
            body, triples = serialize_graph(store, graph, target.fmt)
            report.retries += _put(http, target, graph, body)
            report.graphs += 1
            report.triples += triples
            report.bytes += len(body)
            if progress:
                progress(number, len(graphs), graph)
    finally:
        if owned:
            http.close()
    log.info(
        "pushed %d graphs, %d triples to %s", report.graphs, report.triples, target.graph_store
    )
    return report


def serialize_graph(store: Store, graph: str, fmt: str) -> tuple[bytes, int]:
    """One named graph as Turtle or N-Triples bytes, and its number of triples.

    Raises:
        StoreError: when the store cannot be read.
    """
    result = store.raw_query(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", union=False
    )
    triples = list(result)
    if fmt == "turtle":
        data = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=dict(PREFIXES))
    else:
        data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    return data or b"", len(triples)


def _auth(target: PushTarget) -> httpx.Auth | None:
    import httpx

    if not target.user:
        return None
    name, sep, password = target.user.partition(":")
    if not sep:
        raise SettingsError("--user must look like name:password")
    return httpx.DigestAuth(name, password) if target.digest else httpx.BasicAuth(name, password)


def _put(http: httpx.Client, target: PushTarget, graph: str, body: bytes) -> int:
    """PUT one graph, retrying transient failures; returns the number of retries used.

    Raises:
        StoreError: when the server refuses the graph or every attempt failed.
    """
    import httpx

    headers = {"Content-Type": MEDIA_TYPES[target.fmt]}
    problem = ""
    for attempt in range(target.retries + 1):
        if attempt:
            delay = target.backoff * 2 ** (attempt - 1)
            log.warning("retrying %s in %.1f s (%s)", graph, delay, problem)
            time.sleep(delay)
        try:
            response = http.put(
                target.graph_store,
                params={target.graph_param: graph},
                content=body,
                headers=headers,
            )
        except httpx.TransportError as error:  # refused, reset, timed out
            problem = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
            continue
        if response.is_success:
            return attempt
        problem = (
            f"HTTP {response.status_code} {response.reason_phrase}: {_first_line(response.text)}"
        )
        if response.status_code not in _RETRY_STATUS:
            raise StoreError(f"{target.graph_store} refused graph <{graph}>: {problem}")
    raise StoreError(
        f"could not upload graph <{graph}> to {target.graph_store} after "
        f"{target.retries + 1} attempts: {problem}"
    )


def _first_line(text: str) -> str:
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    return line[:200] or "(no message)"
