"""Benchmark of the network views: `kg.visualise.render_network` against default pyvis.

Rows (`run(quick)`): render time in Python, HTML size, time to first draw and time until the
layout has settled in headless Chromium (file:// page, every other request blocked) for
seeded random graphs of 1k, 5k and 10k nodes with three edges per node and the attribute
contract of `kg.visualise`. The baseline is pyvis 0.3.2 `Network()` with its default physics on
the same graph (`cdn_resources="in_line"`, the only mode that works offline), measured in the
same run for 1k nodes (and 5k unless `quick`); a baseline that does not settle within the time
limit is reported as "> N s". `ratio` is value / baseline, so below 1 means we are faster or
smaller.

CLI: `python -m bench.bench_views [--quick]`.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import math
import random
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import networkx as nx

from kg.visualise import render_network

log = logging.getLogger(__name__)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
FACTIONS = (
    "SPD-Fraktion", "CDU-Fraktion", "Fraktion Bündnis 90/Die Grünen", "FDP-Fraktion",
    "Fraktion Die Linke", "AfD-Fraktion", "Bürger für Hagen", "Freie Wähler",
)  # fmt: skip
ACTS = ("Question", "Answer", "Support", "Opposition", "Criticism", "Proposal", "Thanks")
EDGE_MIX = (  # (kind, source kind, target kind, share)
    ("replies_to", "person", "person", 30),
    ("asks_about", "person", "department", 15),
    ("asks_about", "person", "initiative", 10),
    ("supports", "person", "paper", 12),
    ("opposes", "person", "paper", 6),
    ("about", "paper", "initiative", 8),
    ("about", "paper", "place", 8),
    ("responsible_for", "department", "initiative", 5),
    ("part_of", "department", "department", 2),
    ("co_voting", "faction", "faction", 4),
)

# Injected into every measured page: records the first drawn canvas pixels and, for pyvis
# pages, the moment vis-network's physics reports itself stabilised.
_PROBE = """
(() => {
  const probe = document.createElement("canvas"); probe.width = 48; probe.height = 48;
  const timer = setInterval(() => {
    const canvas = document.querySelector("canvas");
    if (canvas && window.__firstInk === undefined) {
      const ctx = probe.getContext("2d");
      ctx.clearRect(0, 0, 48, 48); ctx.drawImage(canvas, 0, 0, 48, 48);
      const px = ctx.getImageData(0, 0, 48, 48).data;
      for (let i = 3; i < px.length; i += 4) {
        if (px[i] > 0) { window.__firstInk = window.rgFirstDraw || performance.now(); break; }
      }
    }
    const net = window.rgNetwork || window.network;
    if (window.__settled === undefined && window.__firstInk !== undefined) {
      if (window.rgStable !== undefined) {
        window.__settled = Math.max(window.rgStable, window.__firstInk);
      }
      else if (net && net.physics && net.physics.stabilized === true) {
        window.__settled = performance.now();
      }
    }
    if (window.__settled !== undefined) { clearInterval(timer); }
  }, 50);
})();
"""


def view_graph(nodes: int, edges: int, seed: int = 0) -> nx.MultiDiGraph[str]:
    """A seeded random council network with the attribute contract of `kg.visualise`.

    Args:
        nodes: number of nodes (at least 100).
        edges: number of edges, `member_of` edges of persons included.
        seed: random seed; equal arguments give equal graphs.

    Returns:
        A `MultiDiGraph` with persons (about 3/4), factions, departments, initiatives, places,
        papers and meetings, and Zipf-like activity so that some persons are hubs.
    """
    rng = random.Random(seed)
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    by_kind = _add_nodes(graph, nodes, rng)
    members = [p for p in by_kind["person"] if graph.nodes[p]["faction"]][:edges]
    for person in members:
        faction = FACTIONS.index(graph.nodes[person]["faction"])
        graph.add_edge(person, by_kind["faction"][faction], kind="member_of", weight=1.0)
    shares = [share for *_, share in EDGE_MIX]
    for _ in range(edges - len(members)):
        kind, source, target, _ = rng.choices(EDGE_MIX, weights=shares)[0]
        u, v = _pick(by_kind[source], rng), _pick(by_kind[target], rng)
        date = f"{rng.randint(2019, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        graph.add_edge(u, v, kind=kind, weight=float(rng.randint(1, 3)), date=date)
    return graph


def _add_nodes(graph: nx.MultiDiGraph[str], total: int, rng: random.Random) -> dict[str, list[str]]:
    counts = {
        "faction": len(FACTIONS),
        "department": max(5, total // 100),
        "initiative": max(5, total // 50),
        "place": max(5, total // 80),
        "paper": max(5, total // 12),
        "meeting": max(2, total // 100),
    }
    counts["person"] = total - sum(counts.values())
    by_kind: dict[str, list[str]] = {}
    for kind, count in counts.items():
        by_kind[kind] = [f"{kind}/{i}" for i in range(count)]
        for i, node in enumerate(by_kind[kind]):
            graph.add_node(node, **_node_attrs(kind, i, rng))
    return by_kind


def _node_attrs(kind: str, i: int, rng: random.Random) -> dict[str, Any]:
    if kind == "faction":
        return {"label": FACTIONS[i], "kind": kind, "size": 5.0}
    if kind != "person":
        return {"label": f"{kind.title()} {i} Straßenbau Süd", "kind": kind, "size": 2.0}
    faction = rng.choice(FACTIONS) if rng.random() < 0.9 else None
    statements = [
        {
            "date": f"2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "item": f"{rng.randint(1, 12)}.{rng.randint(1, 5)} Haushaltssatzung 2024",
            "acts": rng.sample(ACTS, rng.randint(1, 2)),
            "quote": f"Ich frage die Verwaltung, wann der Bericht Nr. {i} vorgelegt wird.",
            "doc": f"https://example.org/protokolle/{rng.randint(1, 500)}",
        }
        for _ in range(rng.randint(0, 3))
    ]
    return {
        "label": f"Jürgen Müller-Özdemir {i}",
        "kind": "person",
        "faction": faction,
        "size": round(rng.paretovariate(2.0), 3),
        "statements": statements,
    }


def _pick(candidates: list[str], rng: random.Random) -> str:
    return candidates[int(len(candidates) * rng.random() ** 2.5)]  # a few hubs, a long tail


def pyvis_default_html(graph: nx.MultiDiGraph[str]) -> str:
    """The page plain pyvis 0.3.2 makes of `graph` with default options (physics on)."""
    from pyvis.network import Network

    network = Network(directed=True, cdn_resources="in_line")
    for node, attrs in graph.nodes(data=True):
        network.add_node(node, label=attrs["label"], title=attrs["kind"], value=attrs["size"])
    for u, v, attrs in graph.edges(data=True):
        network.add_edge(u, v, title=attrs["kind"], value=attrs.get("weight", 1.0))
    return str(network.generate_html())


def run(quick: bool) -> list[dict[str, Any]]:
    """Measure the views; see the module docstring for the rows.

    Args:
        quick: 1k/5k for our views and only 1k for pyvis, with a shorter time limit (the
            default pyvis layout never settles, so its limit is spent in full).

    Returns:
        Rows `{name, value, unit, baseline, ratio}`.
    """
    rows: list[dict[str, Any]] = []
    render_network(view_graph(200, 600), title="warm-up")  # imports pyvis, caches the template
    limit = 15.0 if quick else 180.0
    baselines = {1000: _pyvis_measure(1000, limit)}
    if not quick:
        baselines[5000] = _pyvis_measure(5000, limit)
    for size in (1000, 5000) if quick else (1000, 5000, 10_000):
        ours = _our_measure(size)
        base = baselines.get(size, {})
        for metric, unit in (("render", "s"), ("html_size", "MB"), ("first_draw", "s")):
            rows.append(
                _row(f"views.{metric}_{size // 1000}k", ours.get(metric), unit, base.get(metric))
            )
        rows.append(
            _row(f"views.settled_{size // 1000}k", ours.get("settled"), "s", base.get("settled"))
        )
    return rows


def _row(name: str, value: float | None, unit: str, baseline: float | str | None) -> dict[str, Any]:
    ratio: float | str | None = None
    if isinstance(baseline, float) and value is not None and baseline > 0:
        ratio = round(value / baseline, 4)
    elif isinstance(baseline, str) and value is not None:  # "> N s": the ratio is an upper bound
        ratio = f"< {value / float(baseline.split()[1]):.4f}"
    return {"name": name, "value": value, "unit": unit, "baseline": baseline, "ratio": ratio}


def _best_of(repeats: int, make: Callable[[], str]) -> tuple[float, str]:
    """The fastest of `repeats` runs (after a garbage collection) and the page it made."""
    best, page = math.inf, ""
    for _ in range(repeats):
        gc.collect()
        started = time.perf_counter()
        page = make()
        best = min(best, time.perf_counter() - started)
    return round(best, 3), page


def _our_measure(size: int) -> dict[str, Any]:
    graph = view_graph(size, 3 * size, seed=size)
    seconds, html = _best_of(3, lambda: render_network(graph, title=f"Benchmark {size}"))
    result: dict[str, Any] = {"render": seconds}
    result["html_size"] = round(len(html.encode("utf-8")) / 1e6, 2)
    result.update(_browser_measure(html, 60.0))
    return result


def _pyvis_measure(size: int, limit: float) -> dict[str, Any]:
    graph = view_graph(size, 3 * size, seed=size)
    seconds, html = _best_of(3, lambda: pyvis_default_html(graph))
    result: dict[str, Any] = {"render": seconds}
    result["html_size"] = round(len(html.encode("utf-8")) / 1e6, 2)
    result.update(_browser_measure(html, limit))
    return result


def _browser_measure(html: str, limit: float) -> dict[str, Any]:
    """Seconds from navigation to first canvas pixels and to a settled layout ("> N s")."""
    if not CHROMIUM.exists():
        log.warning("no %s: browser timings skipped", CHROMIUM)
        return {}
    with _page() as page, tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "view.html"
        path.write_text(html, encoding="utf-8")
        page.add_init_script(_PROBE)
        deadline = time.monotonic() + limit
        page.goto(path.as_uri(), wait_until="load", timeout=limit * 1000)
        timings: dict[str, Any] = {}
        for key, variable in (("first_draw", "__firstInk"), ("settled", "__settled")):
            timings[key] = f"> {limit:.0f} s"
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                continue
            try:
                page.wait_for_function(f"window.{variable} !== undefined", timeout=remaining * 1000)
            except Exception:  # playwright's TimeoutError: not there within the time limit
                continue
            timings[key] = round(page.evaluate(f"window.{variable}") / 1000, 3)
        return timings


@contextmanager
def _page() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.route("**/*", _offline)
            yield page
        finally:
            browser.close()


def _offline(route: Any) -> None:
    if route.request.url.startswith("file://"):
        route.continue_()
    else:
        route.abort()


def main(argv: list[str] | None = None, emit: Callable[[str], None] = print) -> None:
    """Print the rows as JSON lines."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true")
    for row in run(parser.parse_args(argv).quick):
        emit(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    main()
