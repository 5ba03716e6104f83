"""Benchmark of the network analysis on a synthetic reply network.

A seeded reply network of 20,000 persons and 100,000 weighted person -> person edges (quick:
2,000 / 10,000) in eight factions plus administration staff without a faction; who is replied
to follows a Zipf-like popularity, as in real debates where a few office holders answer most
questions. Rows (`run(quick)`): the time of each metric `kg analyse` computes (degree, PageRank,
Louvain with its modularity, k-core, sampled betweenness, brokers) and of the whole
`node_metrics` pass, plus exact against sampled betweenness: exact Brandes is timed on a
subgraph (2,000 nodes; quick: 500) and its full-size time estimated by the O(n·m) scaling,
sampled betweenness is timed on the full graph (`ratio` = sampled / exact), and the sampled
ranking is checked against the exact one on the subgraph (top-20 overlap).

CLI: `python -m bench.bench_analysis [--quick]`.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import networkx as nx

from bench.rows import row as _row
from kg.analyse_metrics import (
    BETWEENNESS_SAMPLES,
    betweenness,
    brokers,
    communities,
    core_numbers,
    node_metrics,
    pagerank,
)

log = logging.getLogger(__name__)

FACTIONS = (
    "SPD-Fraktion", "CDU-Fraktion", "Fraktion Bündnis 90/Die Grünen", "FDP-Fraktion",
    "Fraktion Die Linke", "AfD-Fraktion", "Bürger für Hagen", "Freie Wähler",
)  # fmt: skip
ADMINISTRATION_SHARE = 0.1
SEED = 0


def reply_network(persons: int, edges: int, seed: int = SEED) -> nx.DiGraph:
    """A seeded person -> person reply network with `edges` distinct weighted edges."""
    rng = random.Random(seed)
    graph = nx.DiGraph(name="replies")
    for person in range(persons):
        admin = rng.random() < ADMINISTRATION_SHARE
        faction = "" if admin else rng.choice(FACTIONS)
        graph.add_node(f"p{person}", label=f"Person {person}", kind="person", faction=faction)
    popularity = [1.0 / (rank + 1) ** 0.8 for rank in range(persons)]
    weights: Counter[tuple[int, int]] = Counter()
    while len(weights) < edges:
        batch = edges - len(weights)
        sources = [rng.randrange(persons) for _ in range(batch)]
        targets = rng.choices(range(persons), weights=popularity, k=batch)
        weights.update((s, t) for s, t in zip(sources, targets, strict=True) if s != t)
    graph.add_weighted_edges_from((f"p{s}", f"p{t}", w) for (s, t), w in sorted(weights.items()))
    return graph


def _timed(function: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def _top(values: dict[str, float], k: int = 20) -> set[str]:
    return set(sorted(values, key=lambda n: (-values[n], n))[:k])


def run(quick: bool) -> list[dict[str, Any]]:
    """Benchmark rows: {name, value, unit, baseline, ratio}."""
    persons, edges, subgraph_size = (2_000, 10_000, 500) if quick else (20_000, 100_000, 2_000)
    label = f"{persons // 1000}k persons/{edges // 1000}k edges"
    build, graph = _timed(lambda: reply_network(persons, edges))
    rows = [_row(f"build synthetic reply network ({label})", build, "s")]
    for name, function in (
        ("weighted degree", lambda: dict(graph.degree(weight="weight"))),
        ("PageRank", lambda: pagerank(graph)),
        ("k-core", lambda: core_numbers(graph)),
    ):
        rows.append(_row(f"{name} ({label})", _timed(function)[0], "s"))
    seconds, found = _timed(lambda: communities(graph, seed=SEED))
    rows.append(_row(f"Louvain communities ({label})", seconds, "s"))
    rows.append(_row(f"Louvain modularity ({label})", found.modularity, "Q"))
    between_rows, sampled = _betweenness_rows(graph, subgraph_size, label)
    rows += between_rows
    rows.append(_row(f"brokers ({label})", _timed(lambda: brokers(graph, sampled))[0], "s"))
    total, _ = _timed(lambda: node_metrics(graph, seed=SEED))
    rows.append(_row(f"all node metrics, as kg analyse ({label})", total, "s"))
    return rows


def _betweenness_rows(
    graph: nx.DiGraph, size: int, label: str
) -> tuple[list[dict[str, Any]], dict[str, float]]:
    part = nx.DiGraph(graph.subgraph(sorted(graph.nodes, key=lambda n: int(n[1:]))[:size]))
    exact_part, exact_values = _timed(lambda: betweenness(part, exact_limit=size)[0])
    sampled_part, sampled_values = _timed(
        lambda: betweenness(part, seed=SEED, exact_limit=0, samples=BETWEENNESS_SAMPLES)[0]
    )
    scale = (graph.number_of_nodes() * graph.number_of_edges()) / max(
        1, part.number_of_nodes() * part.number_of_edges()
    )
    exact_estimate = exact_part * scale
    sampled_full, (sampled_full_values, _) = _timed(
        lambda: betweenness(graph, seed=SEED, exact_limit=0)
    )
    overlap = len(_top(exact_values) & _top(sampled_values)) / 20
    sub = f"{part.number_of_nodes()} nodes/{part.number_of_edges()} edges"
    rows = [
        _row(f"exact betweenness, measured ({sub})", exact_part, "s"),
        _row(
            f"sampled betweenness k={BETWEENNESS_SAMPLES} ({sub})",
            sampled_part,
            "s",
            round(exact_part, 4),
        ),
        _row(f"exact betweenness, estimated O(n·m) ({label})", exact_estimate, "s"),
        _row(
            f"sampled betweenness k={BETWEENNESS_SAMPLES} ({label})",
            sampled_full,
            "s",
            round(exact_estimate, 4),
        ),
        _row(f"sampled vs exact top-20 overlap ({sub})", overlap, "share", 1.0),
    ]
    return rows, sampled_full_values


def main() -> None:
    """Print the rows as JSON lines."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 persons / 10,000 edges")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    for row in run(args.quick):
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
