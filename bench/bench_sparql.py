"""Benchmark of the saved SPARQL queries: the on-disk Oxigraph store against rdflib in memory.

A seeded synthetic graph with the shape kg/rdf.py writes (one named graph per protocol:
meeting, agenda items, attendance, people with labels, Fraktion memberships and heads of
departments with Web Annotations, statements with speech acts, replies, topics and quotes,
votes with counts per Fraktion, plus the rg:resolution graph) is bulk-loaded into a
`kg.store.Store` on disk and parsed into an rdflib `Dataset` (default graph = union). Rows:
median latency of every saved query on both (rdflib in a forked child that is stopped after
the cut-off), load throughput, store size on disk against the N-Quads size, and peak RSS
after the Oxigraph part against peak RSS after loading rdflib. Quick mode: ~200k triples and
a 0.3 s rdflib cut-off; full mode: ≥ 5M triples and 60 s.

CLI: `python -m bench.bench_sparql [--quick] [--triples N] [--oxigraph-only] [--query NAME]…`;
`--triples` scales the full mode's graph to about N triples, `--oxigraph-only` leaves out
rdflib (for sizes it cannot hold in memory), `--query` times only the named saved queries.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Dataset

from bench.rows import row as _row
from bench.sparql_graph import Shape, generate
from kg.query import bind_values, parse_params, saved_queries
from kg.store import OXIGRAPH_DIR, Store
from kg.vocab import PREFIXES

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Mode:
    """Sizes and repetitions of one benchmark mode."""

    shape: Shape
    repeats: int
    rdflib_cutoff: float


QUICK = Mode(Shape(municipalities=2, documents=140), repeats=2, rdflib_cutoff=0.3)
FULL = Mode(Shape(municipalities=10, documents=3500), repeats=5, rdflib_cutoff=60.0)
#: Saved queries that aggregate over the whole graph (target: ≥ 20× faster than rdflib).
AGGREGATES = frozenset({
    "statements-per-faction-per-month", "reply-pairs", "attendance-rate", "speakers", "topics",
    "speech-acts-per-faction", "meetings", "documents", "votes-per-faction", "vote-deviations",
})  # fmt: skip
#: Look-ups of one entity (target: < 200 ms median).
LOOKUPS = frozenset({"entity", "entity-search", "statements-by-person", "person-memberships"})


def scaled(triples: int) -> Mode:
    """The full mode with about `triples` triples (documents scaled from a small sample)."""
    sample = replace(FULL.shape, documents=400)
    per_document = generate(sample).triples / sample.documents
    documents = max(FULL.shape.municipalities, round(triples / per_document))
    return replace(FULL, shape=replace(FULL.shape, documents=documents))


def run(
    quick: bool,
    *,
    mode: Mode | None = None,
    rdflib: bool = True,
    only: frozenset[str] = frozenset(),
) -> list[dict[str, Any]]:
    """Benchmark rows `{name, value, unit, baseline, ratio}`: `mode` overrides quick/full,
    `rdflib=False` leaves out the baseline, `only` restricts the queries timed."""
    mode = mode or (QUICK if quick else FULL)
    with tempfile.TemporaryDirectory(prefix="kg-bench-sparql-") as tmp:
        started = time.perf_counter()
        data = generate(mode.shape)
        nquads = data.nquads.encode("utf-8")
        nquads_size = len(nquads)
        if not rdflib:
            data.nquads = ""  # only rdflib reads the text; at 10M triples it is 1.6 GB
        log.info("generated %d triples in %.1f s", data.triples, time.perf_counter() - started)
        store_dir = Path(tmp) / "store"
        ox_load, size = _load_oxigraph(store_dir, nquads)
        queries = bound_queries(data.params, only)
        with Store(store_dir, read_only=True) as store:
            ox_times = {
                name: time_store(store, name, q, mode.repeats) for name, q in queries.items()
            }
        ox_rss = _peak_rss_mb()
        del nquads
        if not rdflib:
            return _oxigraph_rows(data.triples, ox_times, ox_load, size, ox_rss)
        rdflib_load = load_rdflib(data.nquads)
        rdflib_rss = _peak_rss_mb()
        rdflib_times = {
            name: time_rdflib(name, q, mode.repeats, mode.rdflib_cutoff)
            for name, q in queries.items()
        }
    rows = [_query_row(name, ox_times[name], rdflib_times[name]) for name in queries]
    load = f"load {data.triples:,} triples (Oxigraph bulk load + compaction vs rdflib parse)"
    rows += [
        _row(load, data.triples / ox_load, "triples/s", data.triples / rdflib_load),
        _row("store size on disk vs N-Quads file", size / 1e6, "MB", nquads_size / 1e6),
        _row("peak RSS: Oxigraph part vs after loading rdflib", ox_rss, "MB", rdflib_rss),
    ]
    return rows


def _oxigraph_rows(
    triples: int, times: dict[str, list[float]], load: float, size: int, rss: float
) -> list[dict[str, Any]]:
    """Rows without the rdflib baseline: the Oxigraph figures alone."""
    rows = [_query_row(name, ours, "not run") for name, ours in times.items()]
    rows += [
        _row(
            f"load {triples:,} triples (Oxigraph bulk load + compaction)",
            triples / load,
            "triples/s",
            None,
        ),
        _row("store size on disk", size / 1e6, "MB", None),
        _row("peak RSS: Oxigraph part", rss, "MB", None),
    ]
    return rows


def bound_queries(params: dict[str, str], only: frozenset[str]) -> dict[str, str]:
    """Every saved query (or those in `only`) with the parameters `params` has bound (VALUES,
    as `kg query` does); the others (optional date bounds) stay free, as users mostly leave
    them."""
    bound = {}
    for name, query in saved_queries().items():
        if only and name not in only:
            continue
        pairs = [f"{key}={params[key]}" for key in query.params if key in params]
        values = parse_params(pairs, query)
        bound[name] = bind_values(query.sparql, values) if values else query.sparql
    return bound


def _load_oxigraph(store_dir: Path, nquads: bytes) -> tuple[float, int]:
    """Bulk-load into an on-disk store and compact it, as `kg ingest` does after a large load;
    seconds taken (both steps) and bytes on disk."""
    path = store_dir / OXIGRAPH_DIR
    path.mkdir(parents=True)
    started = time.perf_counter()
    raw = ox.Store(str(path))
    raw.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
    loaded = time.perf_counter()
    raw.optimize()
    raw.flush()
    seconds = time.perf_counter() - started
    log.info("bulk load %.1f s, compaction %.1f s", loaded - started, seconds - (loaded - started))
    del raw
    size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return seconds, size


def time_store(store: Store, name: str, sparql: str, repeats: int) -> list[float]:
    def once() -> None:
        result = store.raw_query(sparql)
        for _ in result:
            pass

    once()  # warm caches; the figure is the steady state
    times = [_seconds(once) for _ in range(repeats)]
    log.info("%s: oxigraph %.1f ms", name, statistics.median(times) * 1000)
    return times


_DATASET: Dataset | None = None


def load_rdflib(nquads: str | Path) -> float:
    """Parse N-Quads (text, or a file) into the `Dataset` that `time_rdflib` queries;
    seconds taken."""
    global _DATASET
    started = time.perf_counter()
    dataset = Dataset(default_union=True)
    if isinstance(nquads, Path):
        dataset.parse(source=str(nquads), format="nquads")
    else:
        dataset.parse(data=nquads, format="nquads")
    _DATASET = dataset
    return time.perf_counter() - started


def time_rdflib(name: str, sparql: str, repeats: int, cutoff: float) -> list[float] | str:
    """Timings in a forked child (it shares the loaded dataset), which is killed at the
    cut-off; a reason instead when it did not finish or failed."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_rdflib_child, args=(sender, sparql, repeats))
    child.start()
    sender.close()
    times: list[float] = []
    try:
        while len(times) < repeats:
            if not receiver.poll(cutoff + 0.2):
                break
            received: float | str = receiver.recv()
            if isinstance(received, str):
                return received
            times.append(received)
            if received > cutoff:
                break
    finally:
        child.kill()
        child.join()
    outcome: list[float] | str = times if times and times[0] <= cutoff else f"> {cutoff:g} s"
    shown = f"{statistics.median(times) * 1000:.1f} ms" if times else outcome
    log.info("%s: rdflib %s", name, shown)
    return outcome


def _rdflib_child(sender: Any, sparql: str, repeats: int) -> None:
    assert _DATASET is not None
    dataset = _DATASET
    namespaces = dict(PREFIXES)

    def once() -> None:
        for _ in dataset.query(sparql, initNs=namespaces):
            pass

    try:
        for _ in range(repeats):
            sender.send(_seconds(once))
    except Exception as error:  # the baseline failing is a result, not a crash
        sender.send(f"rdflib failed: {type(error).__name__}")


def _seconds(action: Callable[[], None]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _query_row(name: str, ours: list[float], theirs: list[float] | str) -> dict[str, Any]:
    kind = " (aggregate)" if name in AGGREGATES else " (look-up)" if name in LOOKUPS else ""
    value = statistics.median(ours) * 1000
    if isinstance(theirs, str):
        return _row(f"query {name}{kind}: median latency; rdflib {theirs}", value, "ms", None)
    return _row(
        f"query {name}{kind}: median latency", value, "ms", statistics.median(theirs) * 1000
    )


def main(argv: list[str] | None = None) -> int:
    """Print the rows as JSON lines."""
    parser = argparse.ArgumentParser(prog="python -m bench.bench_sparql")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--triples", type=int, help="scale the graph to about N triples")
    parser.add_argument("--oxigraph-only", action="store_true", help="leave out rdflib")
    parser.add_argument("--query", action="append", default=[], help="time only this query")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.query) - set(saved_queries()))
    if unknown:
        parser.error(f"no saved query named {', '.join(unknown)}")
    if args.triples is not None and args.triples < 1000:
        parser.error("--triples must be at least 1000")
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    mode = scaled(args.triples) if args.triples else None
    rows = run(args.quick, mode=mode, rdflib=not args.oxigraph_only, only=frozenset(args.query))
    for row in rows:
        print(json.dumps(row, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
