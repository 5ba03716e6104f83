"""Benchmark of the pseudonymised store `kg serve` queries: on-disk view vs in-memory copy.

A synthetic store (bench.sparql_graph, ~1M triples; `quick`: ~150k) in which every 50th
document names a private citizen (`rg:pseudonymised`, a statement whose text carries the
name) is shown with private citizens pseudonymised in two ways, each in a fresh process:

- an in-memory copy (`pseudonymise_quads`: every quad read and rewritten in Python, as
  exports did before) — the baseline;
- the view `kg serve` workers, exports and views use (`open_pseudonymised_view`: a
  hard-linked copy of the store in which only the documents that name citizens are
  rewritten).

Rows: seconds and peak RSS of the process for each (ratio view / copy).
CLI: `python -m bench.bench_privacy [--quick]`.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from bench.rows import row as _row
from bench.sparql_graph import BASE, FOAF, RDF, RDFS, RG, S, Shape, generate
from kg.store import OXIGRAPH_DIR, Store

EVERY = 50  # every 50th document names a private citizen
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
STATEMENTS = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s a <{RG}Statement> }} }}"


def citizens(documents: int, municipalities: int) -> str:
    """N-Quads of one private citizen per `EVERY` documents, in the documents' graphs."""
    lines = []
    for number in range(0, documents, EVERY):
        town = f"stadt-{number % municipalities}"
        graph, person = f"<{BASE}{town}/doc/d{number}>", f"<{BASE}{town}/person/buerger-{number}>"
        statement = f"<{BASE}{town}/doc/d{number}/statement/citizen>"
        name = f"Quaschinski{number}"
        for s, p, o in (
            (person, RDF + "type", f"<{FOAF}Person>"),
            (person, RDFS + "label", f'"Herr {name}"@de'),
            (person, FOAF + "name", f'"{name}"'),
            (person, FOAF + "familyName", f'"{name}"'),
            (person, RG + "pseudonymised", f'"true"^^<{XSD_BOOLEAN}>'),
            (statement, S + "creator", person),
            (statement, S + "text", f'"Herr {name} fragt nach der Ampel."'),
        ):
            lines.append(f"{s} <{p}> {o} {graph} .\n")
    return "".join(lines)


def build_store(directory: Path, shape: Shape) -> int:
    """Bulk-load the synthetic store with citizens; returns its number of quads."""
    data = generate(shape)
    extra = citizens(shape.documents, shape.municipalities)
    path = directory / OXIGRAPH_DIR
    path.mkdir(parents=True)
    raw = ox.Store(str(path))
    raw.bulk_load((data.nquads + extra).encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    raw.flush()
    del raw
    return data.triples + extra.count("\n")


def _measure(kind: str, store_dir: str, view_dir: str, sender: Any) -> None:
    """In a fresh process: seconds and peak RSS (MB) of one way of pseudonymising."""
    from kg.store_privacy import find_pseudonyms, open_pseudonymised_view, pseudonymise_quads

    started = time.perf_counter()
    if kind == "copy":
        with Store(Path(store_dir), read_only=True) as store:
            copy = ox.Store()
            copy.extend(pseudonymise_quads(store.quads(), find_pseudonyms(store, BASE)))
        result = copy.query(STATEMENTS)
        assert isinstance(result, ox.QuerySolutions)
        count = int(next(result)["n"].value)
    else:
        shown = open_pseudonymised_view(Path(store_dir), Path(view_dir), BASE)
        count = int(str(shown.select(STATEMENTS)[0]["n"]))
        shown.close()
    seconds = time.perf_counter() - started
    peak = _peak_rss_mb()
    sender.send((seconds, peak, count))


def _peak_rss_mb() -> float:
    """This process's peak RSS (`ru_maxrss` would include the parent's: it survives exec)."""
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _in_child(kind: str, store_dir: Path, view_dir: Path) -> tuple[float, float, int]:
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_measure, args=(kind, str(store_dir), str(view_dir), sender))
    child.start()
    result: tuple[float, float, int] = receiver.recv()
    child.join()
    return result


def run(quick: bool) -> list[dict[str, Any]]:
    """View vs in-memory copy: seconds and memory.

    Returns:
        Rows `{name, value, unit, baseline, ratio}`.
    """
    shape = Shape(municipalities=4, documents=100 if quick else 700)
    with tempfile.TemporaryDirectory(prefix="kg-bench-privacy-") as tmp:
        store_dir = Path(tmp) / "store"
        quads = build_store(store_dir, shape)
        copy_s, copy_mb, copy_rows = _in_child("copy", store_dir, Path(tmp) / "unused")
        view_s, view_mb, view_rows = _in_child("view", store_dir, Path(tmp) / "view")
    assert copy_rows == view_rows, "both show the same statements"
    documents = f"{quads:,} quads, {len(range(0, shape.documents, EVERY))} documents with citizens"
    return [
        _row(f"pseudonymised view for kg serve vs in-memory copy ({documents})",
             view_s, "s", copy_s),
        _row("peak RSS of the process: view vs in-memory copy", view_mb, "MB", copy_mb),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="~150k instead of ~1M triples")
    for row in run(parser.parse_args().quick):
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
