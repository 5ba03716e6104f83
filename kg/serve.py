"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint and a small browser UI (Starlette).

Routes: `/sparql` (GET `?query=`, POST form or `application/sparql-query`; results negotiated
by Accept), `/` (query editor with the saved queries), `/entity?iri=` (label, types, facts and
statements with their source quotes), `/view?focus=` (the interactive network around an
entity) and `/static/` (local assets only). Every query runs in a worker process with a time
limit (kg.serve_worker); updates, LOAD and SERVICE are refused before anything runs. Private
citizens appear under their pseudonyms everywhere (the workers query a pseudonymised view of
the store) unless the server is told to keep private names.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import re
import socket
import urllib.parse
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import QueryError, SettingsError
from kg.query import check_read_only, parse_params, saved_queries
from kg.serve_worker import Job, QueryTimeoutError, Reply, ServerBusyError, WorkerPool
from kg.settings import DEFAULT_BASE_IRI

if TYPE_CHECKING:
    import jinja2
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

_HERE = Path(__file__).resolve().parent
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": (
        "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
_FORM = "application/x-www-form-urlencoded"
_IRI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")
_META_CSP_RE = re.compile(r'http-equiv="Content-Security-Policy" content="([^"]*)"')


@dataclass(frozen=True, slots=True)
class ServeConfig:
    """Settings of one server; `cors` lists the origins allowed to call /sparql.

    Private citizens are shown under pseudonyms built on `base_iri`, unless
    `keep_private_names`.
    """

    store_dir: Path
    host: str = "127.0.0.1"
    port: int = 7878
    timeout: float = 30.0
    max_rows: int = 10_000
    max_body: int = 1_000_000
    workers: int = 2
    cors: tuple[str, ...] = ()
    keep_private_names: bool = False
    base_iri: str = DEFAULT_BASE_IRI


class _RequestError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def create_app(config: ServeConfig, pool: WorkerPool | None = None) -> Starlette:
    """The ASGI application; it starts and stops its worker pool with the server.

    Raises:
        SettingsError: for a limit that is not positive.
    """
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    if min(config.timeout, config.max_rows, config.max_body, config.workers) <= 0:
        raise SettingsError("--timeout, --max-rows, --max-body and --workers must be positive")
    workers = pool or WorkerPool(
        config.store_dir,
        size=config.workers,
        timeout=config.timeout,
        pseudonymise_with=None if config.keep_private_names else config.base_iri,
    )
    pages = _Pages(config, workers)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        workers.start()
        try:
            yield
        finally:
            workers.close()

    routes = [
        Route("/", pages.index),
        Route("/sparql", pages.sparql, methods=["GET", "POST"]),
        Route("/entity", pages.entity),
        Route("/view", pages.view),
        Mount("/static", StaticFiles(directory=_HERE / "static"), name="static"),
    ]
    return Starlette(routes=routes, middleware=_middleware(config, Middleware), lifespan=lifespan)


def _middleware(config: ServeConfig, middleware: Any) -> list[Any]:
    from starlette.middleware.cors import CORSMiddleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware

    stack = [middleware(SecurityHeaders)]
    if _is_loopback(config.host):
        # A web page must not reach the local endpoint through DNS rebinding.
        hosts = ["127.0.0.1", "localhost", "[::1]", "::1"]
        stack.append(middleware(TrustedHostMiddleware, allowed_hosts=hosts))
    if config.cors:
        stack.append(
            middleware(
                CORSMiddleware,
                allow_origins=list(config.cors),
                allow_methods=["GET", "POST"],
                allow_headers=["Accept", "Content-Type"],
                expose_headers=["X-Ratsgraph-Rows", "X-Ratsgraph-Truncated"],
            )
        )
    return stack


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class SecurityHeaders:
    """ASGI middleware adding the security headers to every response that lacks them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                for name, value in SECURITY_HEADERS.items():
                    if name.lower().encode() not in present:
                        headers.append((name.lower().encode(), value.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _Pages:
    """The request handlers, sharing the configuration and the worker pool."""

    def __init__(self, config: ServeConfig, pool: WorkerPool) -> None:
        self.config = config
        self.pool = pool

    async def index(self, request: Request) -> Response:
        from starlette.responses import HTMLResponse

        saved = [
            {"name": q.name, "title": q.title, "description": q.description,
             "params": q.params, "sparql": q.sparql}
            for q in saved_queries().values()
        ]  # fmt: skip
        html = _template("index.html.j2").render(saved=saved, max_rows=self.config.max_rows)
        return HTMLResponse(html)

    async def sparql(self, request: Request) -> Response:
        from starlette.responses import Response

        try:
            text, params = await _read_query(request, self.config.max_body)
            check_read_only(text)
            bindings = parse_params(params)
        except _RequestError as error:
            return _plain(str(error), error.status)
        except QueryError as error:
            return _plain(str(error), 400)
        accept = request.headers.get("accept")
        reply = await self._run(
            Job("sparql", text, accept, bindings, max_rows=self.config.max_rows)
        )
        headers = {"X-Ratsgraph-Rows": str(reply.rows), "Cache-Control": "no-store"}
        if reply.truncated:
            headers["X-Ratsgraph-Truncated"] = "true"
        return Response(reply.body, reply.status, headers=headers, media_type=reply.media_type)

    async def entity(self, request: Request) -> Response:
        from starlette.responses import HTMLResponse

        iri = request.query_params.get("iri", "").strip()
        if not _IRI_RE.match(iri):
            return _plain("give an absolute IRI: /entity?iri=https://…", 400)
        reply = await self._run(Job("entity", iri=iri))
        if reply.status != 200:
            return _page("error.html.j2", reply.status, message=reply.body.decode().strip())
        html = _template("entity.html.j2").render(entity=reply.data, view=_views_available())
        return HTMLResponse(html)

    async def view(self, request: Request) -> Response:
        from starlette.responses import HTMLResponse

        focus = request.query_params.get("focus", "").strip()
        if not _IRI_RE.match(focus):
            return _plain("give an entity IRI: /view?focus=https://…", 400)
        if not _views_available():
            return _plain("network views are not installed", 404)
        reply = await self._run(Job("view", iri=focus))
        if reply.status != 200:
            return _page("error.html.j2", reply.status, message=reply.body.decode().strip())
        html = reply.body.decode("utf-8")
        policy = _META_CSP_RE.search(html)
        # The page carries its own policy (its two inline scripts by hash); send the same one.
        csp = policy.group(1) if policy else "default-src 'none'"
        return HTMLResponse(html, headers={"Content-Security-Policy": csp})

    async def _run(self, job: Job) -> Reply:
        import anyio.to_thread

        try:
            return await anyio.to_thread.run_sync(self.pool.run, job)
        except (QueryTimeoutError, ServerBusyError) as error:
            return Reply(503, body=f"{error}\n".encode())
        except QueryError as error:
            return Reply(500, body=f"{error}\n".encode())


async def _read_query(request: Request, max_body: int) -> tuple[str, list[str]]:
    """The query text and `name=value` parameters of a SPARQL Protocol request.

    Raises:
        _RequestError: for a malformed, oversized, update or unsupported request.
    """
    fields: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        fields.setdefault(key, []).append(value)
    if request.method == "POST":
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await _read_body(request, max_body)
        if media_type == _FORM:
            for key, values in urllib.parse.parse_qs(_utf8(body), keep_blank_values=True).items():
                fields.setdefault(key, []).extend(values)
        elif media_type == "application/sparql-query":
            fields.setdefault("query", []).append(_utf8(body))
        elif media_type == "application/sparql-update":
            raise _RequestError(400, "SPARQL Update is not allowed: this endpoint is read-only")
        else:
            raise _RequestError(
                415, f"unsupported content type {media_type or '(none)'}; send {_FORM} "
                "or application/sparql-query",
            )  # fmt: skip
    return _query_fields(fields)


def _query_fields(fields: dict[str, list[str]]) -> tuple[str, list[str]]:
    if "update" in fields:
        raise _RequestError(400, "SPARQL Update is not allowed: this endpoint is read-only")
    if "default-graph-uri" in fields or "named-graph-uri" in fields:
        raise _RequestError(
            400, "default-graph-uri and named-graph-uri are not supported: the default graph is "
            "the union of all document graphs; use GRAPH in the query",
        )  # fmt: skip
    queries = fields.get("query", [])
    if len(queries) != 1 or not queries[0].strip():
        raise _RequestError(400, "give exactly one non-empty 'query' parameter")
    return queries[0], fields.get("param", [])


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _RequestError(413, f"request body larger than {limit:,} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _RequestError(413, f"request body larger than {limit:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _RequestError(400, "the request body is not UTF-8") from error


def _plain(message: str, status: int) -> Response:
    from starlette.responses import PlainTextResponse

    return PlainTextResponse(message + "\n", status)


def _page(name: str, status: int, **values: Any) -> Response:
    from starlette.responses import HTMLResponse

    return HTMLResponse(_template(name).render(status=status, **values), status)


@lru_cache(maxsize=1)
def _views_available() -> bool:
    """Whether the analyse and visualise stages that draw network views are installed."""
    import importlib.util

    return all(importlib.util.find_spec(m) for m in ("kg.analyse_views", "kg.visualise"))


@lru_cache(maxsize=8)
def _template(name: str) -> jinja2.Template:
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    return environment.get_template(name)


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening socket on host:port, bound before the server starts.

    Raises:
        SettingsError: when the address cannot be bound (in use, not local, no permission).
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as error:
        raise SettingsError(f"cannot listen on {host}:{port}: {error.strerror or error}") from error
    return sock


def run(config: ServeConfig) -> None:
    """Serve until interrupted.

    Raises:
        StoreError: when there is no store to serve.
        SettingsError: when the address cannot be bound or a limit is invalid.
    """
    import uvicorn

    from kg.store import Store

    Store(config.store_dir, read_only=True).close()  # fail now, not on the first request
    app = create_app(config)
    sock = bind_socket(config.host, config.port)
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="info", server_header=False, proxy_headers=False)
    )
    server.run(sockets=[sock])
