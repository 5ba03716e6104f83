"""Where an ingest's work runs: in the calling process, a local pool of worker processes or a
Dask cluster; tasks are queued a few at a time and their results come back in order."""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from kg.errors import KgError, SettingsError

CHUNK_SIZE = 8  # files per task sent to a worker
TASKS_PER_WORKER = 8  # tasks queued per worker, so prepared documents never pile up in memory
REMOTE_TASKS = 64  # tasks queued on a Dask cluster
T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Runner:
    """Where the work runs: in this process (no executor), a local pool or a remote cluster."""

    executor: Executor | None = None
    remote: bool = False  # remote workers get documents, not paths
    queued: int = 0  # tasks kept queued, so results never pile up in memory


@contextmanager
def start_runner(
    parallel: bool, workers: int | None, executor: Executor | None
) -> Iterator[Runner]:
    """One runner for both phases of an ingest (one pool start-up); without `parallel` (few
    files) or with one worker, the work runs in this process."""
    if executor is not None:
        yield Runner(executor, remote=True, queued=REMOTE_TASKS)
        return
    processes = workers or os.cpu_count() or 1
    if processes == 1 or not parallel:
        yield Runner()
        return
    with _pool(processes) as pool:
        yield Runner(pool, queued=processes * TASKS_PER_WORKER)


@contextmanager
def _pool(count: int) -> Iterator[ProcessPoolExecutor]:
    # "spawn": the workers must not inherit the open store (RocksDB threads and locks).
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(count, mp_context=context, initializer=_ignore_interrupts)
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def run_tasks(
    executor: Executor,
    tasks: Iterator[tuple[Callable[..., list[R]], tuple[Any, ...]]],
    limit: int,
) -> Iterator[R]:
    """Run `tasks` with at most `limit` queued and yield their outcomes in order.

    Raises:
        KgError: when the executor fails (a worker process died, the cluster went away).
    """
    queued: deque[Future[list[R]]] = deque()
    try:
        for function, args in tasks:
            queued.append(executor.submit(function, *args))
            if len(queued) >= limit:
                yield from _result(queued.popleft())
        while queued:
            yield from _result(queued.popleft())
    finally:
        for future in queued:
            future.cancel()


def _result(future: Future[list[R]]) -> list[R]:
    try:
        return future.result()
    except Exception as error:  # tasks catch per-file errors: this is the machinery
        raise KgError(
            f"parse/extract worker failed ({type(error).__name__}: {error}); completed batches "
            "are stored, run the same ingest again to continue"
        ) from error


def chunks(items: Sequence[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _ignore_interrupts() -> None:
    """Workers ignore Ctrl-C; the writer handles it and stops them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextmanager
def dask_executor(scheduler: str) -> Iterator[Executor]:
    """An executor on the Dask cluster at `scheduler` (e.g. "tcp://10.0.0.5:8786").

    Every Dask worker needs this package installed in the same version.

    Raises:
        SettingsError: when dask.distributed is missing or the scheduler cannot be reached.
    """
    try:
        from distributed import Client as DaskClient
    except ImportError as error:
        raise SettingsError(
            "--executor dask needs dask.distributed: pip install 'ratsgraph[dask]'"
        ) from error
    try:
        client: Any = DaskClient(scheduler, timeout="10s")  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as error:
        raise SettingsError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from error
    try:
        yield client.get_executor(pure=False)
    finally:
        client.close()
