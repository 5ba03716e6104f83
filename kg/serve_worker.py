"""Queries run in worker processes that are killed when they overrun their time limit.

pyoxigraph cannot interrupt a running query, so a thread would keep burning CPU (and hold
the GIL-free engine) after the client got its 503. Each worker is a separate process with
the store opened read-only; a request borrows an idle worker, sends it a `Job` over a pipe and
waits at most `timeout` seconds. On overrun the worker is killed and replaced, and the server
keeps answering. Workers reopen the store when its files change, so documents a concurrent
`kg ingest` adds become visible without restarting the server.

Unless the server keeps private names, a worker does not query the store itself but its own
pseudonymised view (`kg.store_privacy.open_pseudonymised_view`): a hard-linked copy under the
pool's view folder in which the graphs that mention private citizens are rewritten, made again
when the store changes. Every query, page and search sees only the pseudonyms.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from rdflib.term import Node

from kg.errors import KgError, QueryError, StoreError

log = logging.getLogger(__name__)
# An idle worker looks this often whether the store changed and, once it settled, prepares
# the new store or view before the next request arrives.
IDLE_REFRESH_SECONDS = 0.5
VIEWS_PREFIX = ".serve-views-"  # + server PID + "-": folders of the workers' views


class QueryTimeoutError(QueryError):
    """A query ran longer than the time limit and was stopped."""


class ServerBusyError(QueryError):
    """Every worker stayed busy for the whole waiting time."""


@dataclass(frozen=True, slots=True)
class Job:
    """Work for a worker: `kind` is "sparql", "entity" or "view"."""

    kind: str
    sparql: str = ""
    accept: str | None = None
    bindings: dict[str, Node] = field(default_factory=dict)
    iri: str = ""
    max_rows: int = 10_000


@dataclass(frozen=True, slots=True)
class Reply:
    """A worker's answer: HTTP status, media type, body; `data` for entity pages."""

    status: int
    media_type: str = "text/plain; charset=utf-8"
    body: bytes = b""
    rows: int = 0
    truncated: bool = False
    data: Any = None


@dataclass(frozen=True, slots=True)
class Privacy:
    """How workers show private citizens: pseudonymised (views under `view_root`) or not."""

    base_iri: str
    view_root: str | None = None  # None: real names (--keep-private-names)


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, context: Any, store_dir: Path, privacy: Privacy) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=worker_main,
            args=(child, str(store_dir), privacy),
            daemon=True,
            name="kg-serve-worker",
        )
        self.process.start()
        child.close()

    def kill(self, privacy: Privacy) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()
        if privacy.view_root is not None:  # the views a killed worker could not remove
            for view in Path(privacy.view_root).glob(f"{self.process.pid}-*"):
                shutil.rmtree(view, ignore_errors=True)


class WorkerPool:
    """A fixed number of query worker processes with a per-job time limit."""

    def __init__(
        self,
        store_dir: Path,
        *,
        size: int = 2,
        timeout: float = 30.0,
        pseudonymise_with: str | None = None,
    ) -> None:
        """`pseudonymise_with`: the base IRI of pseudonyms; None shows private names."""
        self.store_dir = store_dir
        self.size = size
        self.timeout = timeout
        self._base_iri = pseudonymise_with
        self.privacy = Privacy(base_iri=pseudonymise_with or "")
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["kg.serve_worker"])
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False

    def start(self) -> None:
        """Start the worker processes (and make the folder of their pseudonymised views)."""
        if self._base_iri is not None:
            self.privacy = Privacy(self._base_iri, _view_root(self.store_dir))
        for _ in range(self.size):
            self._idle.put(self._spawn())

    def _spawn(self) -> _Worker:
        worker = _Worker(self._context, self.store_dir, self.privacy)
        with self._lock:
            self._all.add(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.kill(self.privacy)
        if not self._closed:
            self._idle.put(self._spawn())

    def run(self, job: Job) -> Reply:
        """Run a job in an idle worker (blocking; call it from a thread).

        Raises:
            ServerBusyError: when no worker became free within the time limit.
            QueryTimeoutError: when the job overran the time limit; its worker is replaced.
            QueryError: when the worker died.
        """
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise ServerBusyError(f"all query workers stayed busy for {self.timeout:g} s") from None
        try:
            worker.conn.send(job)
            if not worker.conn.poll(self.timeout):
                log.warning(
                    "query overran %g s; killing worker %s", self.timeout, worker.process.pid
                )
                self._retire(worker)
                raise QueryTimeoutError(
                    f"the query did not finish within {self.timeout:g} s and was stopped"
                )
            reply: Reply = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError) as error:
            self._retire(worker)
            raise QueryError(f"the query worker failed ({error or 'exited'})") from error
        self._idle.put(worker)
        return reply

    def close(self) -> None:
        """Stop every worker, busy or idle."""
        self._closed = True
        with self._lock:
            workers, self._all = list(self._all), set()
        for worker in workers:
            worker.kill(self.privacy)
        if self.privacy.view_root is not None:
            shutil.rmtree(self.privacy.view_root, ignore_errors=True)


def _view_root(store_dir: Path) -> str:
    """A new folder for the workers' views: beside the store, so copies are hard links.

    Folders a killed server left behind are removed first: their hard links would keep old
    store files on disk.
    """
    _remove_abandoned_views(store_dir)
    try:
        return tempfile.mkdtemp(prefix=f"{VIEWS_PREFIX}{os.getpid()}-", dir=store_dir)
    except OSError:  # a store folder we may not write: copies in the temporary folder
        return tempfile.mkdtemp(prefix="kg-serve-views-")


def _remove_abandoned_views(store_dir: Path) -> None:
    for folder in store_dir.glob(f"{VIEWS_PREFIX}*-*"):
        owner = folder.name.removeprefix(VIEWS_PREFIX).split("-", 1)[0]
        if owner.isdigit() and not _running(int(owner)):
            log.info("removing views of a server that is gone: %s", folder)
            shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


# ---------------------------------------------------------------- inside the worker process


class _StoreHandle:
    """The store as shown, made again when its files on disk change (a writer committed).

    Shown is the store itself (read-only) or, when pseudonymising, a view of it of its own.
    """

    def __init__(self, store_dir: Path, privacy: Privacy) -> None:
        self.store_dir = store_dir
        self.privacy = privacy
        self._store: Any = None
        self._view: Path | None = None
        self._views = 0
        self._stamp: tuple[tuple[str, int, int], ...] = ()

    def get(self) -> Any:
        from kg.store import OXIGRAPH_DIR

        stamp = _fingerprint(self.store_dir / OXIGRAPH_DIR)
        if self._store is None or stamp != self._stamp:
            self.close()
            self._store = self._open()
            self._stamp = stamp
        return self._store

    def refresh_when_settled(self, previous: tuple[tuple[str, int, int], ...]) -> Any:
        """Between requests: open the store (or rebuild the view) once its files stopped
        changing since `previous`, so a request does not pay that inside its time limit.
        Returns the fingerprint seen, for the next call."""
        from kg.store import OXIGRAPH_DIR

        stamp = _fingerprint(self.store_dir / OXIGRAPH_DIR)
        if stamp == previous and (self._store is None or stamp != self._stamp):
            try:
                self.get()
            except Exception as error:  # a request reports it properly
                log.debug("store not ready between requests: %s", error)
        return stamp

    def _open(self) -> Any:
        from kg.store import Store
        from kg.store_privacy import open_pseudonymised_view

        if self.privacy.view_root is None:
            return Store(self.store_dir, read_only=True)
        self._views += 1
        self._view = Path(self.privacy.view_root) / f"{os.getpid()}-{self._views}"
        return open_pseudonymised_view(self.store_dir, self._view, self.privacy.base_iri)

    def close(self) -> None:
        """Close the store and remove this worker's view."""
        if self._store is not None:
            self._store.close()
            self._store = None
        if self._view is not None:
            shutil.rmtree(self._view, ignore_errors=True)
            self._view = None


def _fingerprint(directory: Path) -> tuple[tuple[str, int, int], ...]:
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return ()
    found = []
    for entry in entries:
        try:
            info = entry.stat()
        except OSError:  # pragma: no cover - a file removed by compaction meanwhile
            continue
        found.append((entry.name, info.st_size, info.st_mtime_ns))
    return tuple(sorted(found))


def worker_main(conn: Connection, store_dir: str, privacy: Privacy) -> None:
    """Serve jobs from the pipe until the parent closes it."""
    handle = _StoreHandle(Path(store_dir), privacy)
    seen: Any = None
    try:
        while True:
            try:
                while not conn.poll(IDLE_REFRESH_SECONDS):
                    seen = handle.refresh_when_settled(seen)
                job = conn.recv()
            except (EOFError, OSError):
                return
            conn.send(_answer(handle, job))
    finally:
        handle.close()


def _answer(handle: _StoreHandle, job: Job) -> Reply:
    from kg.serve_pages import EntityNotFoundError, ego_view, entity_data
    from kg.serve_results import NotAcceptableError

    try:
        store = handle.get()
        if job.kind == "sparql":
            return _sparql(store, job)
        if job.kind == "entity":
            return Reply(200, data=entity_data(store, job.iri))
        if job.kind == "view":
            return Reply(200, "text/html; charset=utf-8", ego_view(store, job.iri).encode("utf-8"))
        return _error(400, f"unknown job {job.kind!r}")
    except NotAcceptableError as error:
        return _error(406, str(error))
    except EntityNotFoundError as error:
        return _error(404, str(error))
    except StoreError as error:
        return _error(400 if "syntax" in str(error).lower() else 503, str(error))
    except KgError as error:
        return _error(400, str(error))
    except (RuntimeError, ValueError, TypeError) as error:  # pyoxigraph evaluation errors
        return _error(400, f"query failed: {error}")
    except Exception as error:  # a worker must answer, whatever went wrong
        log.exception("query worker failed")
        return _error(500, f"internal error: {type(error).__name__}")


def _error(status: int, message: str) -> Reply:
    return Reply(status, body=(message + "\n").encode("utf-8"))


def _sparql(store: Any, job: Job) -> Reply:
    from kg.query import bind_values
    from kg.serve_results import serialize

    sparql = bind_values(job.sparql, job.bindings) if job.bindings else job.sparql
    result = store.raw_query(sparql)
    payload = serialize(result, job.accept, job.max_rows)
    return Reply(200, payload.media_type, payload.body, payload.rows, payload.truncated)
