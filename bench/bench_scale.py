"""Ten million triples: ingest memory, look-ups and aggregates on a store `kg ingest` built.

The issue's scale targets, measured on real ingest output rather than on a generated
graph. A seeded synthetic corpus (`bench.generate`; full: 18,000 protocols of about 3,000
characters, a little over ten million triples; quick: 40) is ingested with two worker
processes in a fresh Python process: peak RSS of writer and workers (target < 4 GB). Then
the look-up and aggregate saved queries run on that store, with parameters taken from the
data (the most frequent speaker, the most discussed initiative, ...): median latency of the
look-ups (target < 50 ms) and of the aggregates (target ≥ 20x faster than rdflib);
`bench.bench_sparql` times the other saved queries.

The baseline is rdflib's in-memory `Dataset` holding the same quads (the store's N-Quads
dump), loaded in a child process whose address space is capped (full: 20 GB of this 24 GB
machine) and timed like `bench.bench_sparql` (each query in a forked grandchild, stopped at
the cut-off). When rdflib cannot load the data within the cap or the time limit, that is
the row's result.

CLI: `python -m bench.bench_scale [--quick] [--docs N]`.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from bench.bench_ingest import SEED, measure
from bench.bench_sparql import (
    AGGREGATES,
    LOOKUPS,
    bound_queries,
    load_rdflib,
    time_rdflib,
    time_store,
)
from bench.rows import row
from kg.store import OXIGRAPH_DIR, Store

log = logging.getLogger(__name__)

SIZES = {"docs": (40, 18_000), "municipalities": (2, 30)}  # quick, full
REPEATS = (2, 5)
RDFLIB_MEMORY = (4 * 2**30, 20 * 2**30)  # address-space cap of the rdflib child
RDFLIB_LOAD_LIMIT = (120.0, 1800.0)  # seconds for rdflib to parse the dump
RDFLIB_CUTOFF = (0.3, 60.0)  # seconds per query
_PREFIXES = """
PREFIX rg: <https://w3id.org/ratsgraph/ontology#>
PREFIX schema: <http://schema.org/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX org: <http://www.w3.org/ns/org#>
"""


def run(quick: bool, docs: int | None = None) -> list[dict[str, Any]]:
    """Measure; see the module docstring. `docs` overrides the corpus size."""
    from bench.generate import generate_corpus

    pick = 0 if quick else 1
    count = docs or SIZES["docs"][pick]
    with tempfile.TemporaryDirectory(prefix="kg-bench-scale-") as tmp:
        folder, store_dir = Path(tmp) / "corpus", Path(tmp) / "store"
        generate_corpus(folder, count, SIZES["municipalities"][pick], seed=SEED, chars=3000)
        ingested = measure("ingest", store_dir, folder, workers=2)
        rows = _ingest_rows(ingested)
        with Store(store_dir, read_only=True) as store:
            queries = bound_queries(_params(store), LOOKUPS | AGGREGATES)
            ours = {name: time_store(store, name, q, REPEATS[pick]) for name, q in queries.items()}
        dump = Path(tmp) / "store.nq"
        raw = ox.Store.read_only(str(store_dir / OXIGRAPH_DIR))
        raw.dump(str(dump), format=ox.RdfFormat.N_QUADS)
        del raw
        theirs = _rdflib(dump, queries, pick)
    return rows + _query_rows(ours, theirs)


def _ingest_rows(ingested: dict[str, Any]) -> list[dict[str, Any]]:
    triples = ingested["triples"]
    rss = ingested["rss_self"] + ingested["rss_children"]
    return [
        row(f"ingest of {ingested['docs']:,} protocols: triples written", triples, "triples"),
        row("ingest wall time (2 worker processes)", ingested["seconds"], "s"),
        row(
            f"ingest peak RSS, writer + workers, at {triples / 1e6:.1f}M triples "
            "(target < 4 GB at 10M)",
            rss,
            "MB",
        ),
    ]


def _params(store: Any) -> dict[str, str]:
    """Parameters of the saved queries, taken from the ingested data."""
    most = "GROUP BY ?x ORDER BY DESC(COUNT(?s)) ?x LIMIT 1"
    person = _one(store, f"SELECT ?x WHERE {{ GRAPH ?g {{ ?s schema:creator ?x }} }} {most}")
    topic = _one(
        store, f"SELECT ?x WHERE {{ GRAPH ?g {{ ?s rg:about ?x . ?x a rg:Initiative }} }} {most}"
    )
    name = _one(store, f"SELECT ?x WHERE {{ GRAPH ?g {{ <{person}> foaf:familyName ?x }} }}")
    label = _one(store, f"SELECT ?x WHERE {{ GRAPH ?g {{ <{topic}> rdfs:label ?x }} }}")
    meeting = _one(store, f"SELECT ?x WHERE {{ GRAPH ?g {{ ?x schema:attendee ?s }} }} {most}")
    date = _one(store, f"SELECT ?x WHERE {{ GRAPH ?g {{ <{meeting}> schema:startDate ?x }} }}")
    heads = "?s org:headOf ?x . ?x a org:OrganizationalUnit"
    unit = _one(store, f"SELECT ?x WHERE {{ GRAPH ?g {{ {heads} }} }} {most}")
    return {"person": person, "entity": person, "name": name, "topic": topic,
            "q": label.split()[0], "meeting": meeting, "date": date, "unit": unit}  # fmt: skip


def _one(store: Any, sparql: str) -> str:
    query = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" + _PREFIXES + sparql
    for solution in store.raw_query(query):
        return str(solution["x"].value)  # the first answer is enough
    raise RuntimeError(f"the ingested store has no answer to: {sparql}")


def _rdflib(dump: Path, queries: dict[str, str], pick: int) -> dict[str, list[float] | str] | str:
    """rdflib's timings per query, or why it has none (the load failed or took too long)."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_rdflib_child, args=(sender, dump, queries, pick))
    child.start()
    sender.close()
    limit = RDFLIB_LOAD_LIMIT[pick] + len(queries) * (RDFLIB_CUTOFF[pick] + 5) * 2
    started = time.perf_counter()
    try:
        if not receiver.poll(limit):
            return f"did not finish within {limit:.0f} s"
        result: dict[str, list[float] | str] | str = receiver.recv()
        return result
    except EOFError:  # the child ended without a word: killed, or crashed out of memory
        child.join()
        how = f"signal {-child.exitcode}" if (child.exitcode or 0) < 0 else "exit"
        cap = RDFLIB_MEMORY[pick] / 2**30
        return (
            f"could not load the quads: its process ended ({how}, code {child.exitcode}) after "
            f"{time.perf_counter() - started:.0f} s with its memory capped at {cap:.1f} GB"
        )
    finally:
        child.kill()
        child.join()


def _rdflib_child(sender: Any, dump: Path, queries: dict[str, str], pick: int) -> None:
    """Load the dump into rdflib under the memory cap, then time every query."""
    cap = RDFLIB_MEMORY[pick]
    unlimited = resource.getrlimit(resource.RLIMIT_AS)[1]
    resource.setrlimit(resource.RLIMIT_AS, (cap, unlimited))  # soft: can be lifted again
    started = time.perf_counter()
    failed: type[BaseException] | None = None
    try:
        load_rdflib(dump)
    except Exception as error:  # MemoryError, or what rdflib's parser makes of it
        failed = type(error)  # nothing allocated here: at the cap even a message fails
    if failed is not None:  # lift the cap again first, or sending the reason fails for memory
        resource.setrlimit(resource.RLIMIT_AS, (unlimited, unlimited))
        sender.send(
            f"could not load the quads within {cap / 2**30:.1f} GB "
            f"({failed.__name__} after {time.perf_counter() - started:.0f} s)"
        )
        return
    log.info("rdflib loaded in %.0f s", time.perf_counter() - started)
    cutoff = RDFLIB_CUTOFF[pick]
    sender.send({name: time_rdflib(name, q, REPEATS[pick], cutoff) for name, q in queries.items()})


def _query_rows(
    ours: dict[str, list[float]], theirs: dict[str, list[float] | str] | str
) -> list[dict[str, Any]]:
    import statistics

    rows = []
    for name, times in ours.items():
        kind = " (aggregate)" if name in AGGREGATES else " (look-up)" if name in LOOKUPS else ""
        value = statistics.median(times) * 1000
        baseline = theirs if isinstance(theirs, str) else theirs[name]
        if isinstance(baseline, str):
            rows.append(row(f"query {name}{kind}: median latency; rdflib {baseline}", value, "ms"))
        else:
            median = statistics.median(baseline) * 1000
            rows.append(row(f"query {name}{kind}: median latency", value, "ms", median))
    return rows


def main(argv: list[str] | None = None) -> int:
    """Print the rows as JSON lines."""
    parser = argparse.ArgumentParser(prog="python -m bench.bench_scale")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--docs", type=int, help="protocols to generate and ingest")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    for result in run(args.quick, args.docs):
        print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
