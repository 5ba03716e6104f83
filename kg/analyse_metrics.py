"""Graph metrics for the analyse stage: centralities, communities, cores and brokers.

Pure functions over networkx graphs; nothing here reads the store. Randomness (sampled
betweenness, Louvain) always takes an explicit seed, and every result is sorted, so the same
graph gives the same numbers in every run.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

log = logging.getLogger(__name__)

#: Exact betweenness up to this many nodes; above it, `BETWEENNESS_SAMPLES` seeded pivots.
EXACT_BETWEENNESS_LIMIT = 1000
BETWEENNESS_SAMPLES = 256


@dataclass(frozen=True, slots=True)
class NodeMetrics:
    """The metrics of one node; `community` numbers communities from the largest (0)."""

    node: str
    label: str
    kind: str
    faction: str
    degree: int
    weighted_degree: float
    betweenness: float
    pagerank: float
    core: int
    community: int


@dataclass(frozen=True, slots=True)
class Communities:
    """Louvain communities (largest first, members sorted) and their modularity."""

    groups: tuple[tuple[str, ...], ...]
    modularity: float

    def membership(self) -> dict[str, int]:
        """Node -> community number."""
        return {node: number for number, group in enumerate(self.groups) for node in group}


@dataclass(frozen=True, slots=True)
class Broker:
    """A person whose neighbours belong to at least two factions."""

    node: str
    label: str
    faction: str
    neighbour_factions: tuple[str, ...]
    betweenness: float
    weighted_degree: float


def undirected(graph: Any) -> nx.Graph:
    """A simple undirected copy: parallel and reciprocal edges merged (weights summed),
    self-loops dropped, node attributes kept.

    >>> g = nx.MultiDiGraph([("a", "b"), ("b", "a"), ("a", "a")])
    >>> undirected(g)["a"]["b"]["weight"], undirected(g).number_of_edges()
    (2.0, 1)
    """
    simple = nx.Graph()
    simple.add_nodes_from(graph.nodes(data=True))
    for u, v, weight in graph.edges(data="weight", default=1.0):
        if u == v:
            continue
        previous = simple.get_edge_data(u, v, default={"weight": 0.0})["weight"]
        simple.add_edge(u, v, weight=previous + float(weight))
    return simple


def betweenness(
    graph: Any, *, seed: int = 0, exact_limit: int = EXACT_BETWEENNESS_LIMIT,
    samples: int = BETWEENNESS_SAMPLES,
) -> tuple[dict[str, float], bool]:  # fmt: skip
    """Normalised (unweighted) betweenness centrality and whether it was sampled.

    Up to `exact_limit` nodes it is exact (Brandes); above, `samples` pivots are drawn with
    `seed`. Edge weights are counts of contact, not distances, so paths ignore them.
    """
    n = graph.number_of_nodes()
    if n <= exact_limit or samples >= n:
        return dict(nx.betweenness_centrality(graph)), False
    log.info("betweenness sampled: %d of %d pivots (seed %d)", samples, n, seed)
    return dict(nx.betweenness_centrality(graph, k=samples, seed=seed)), True


def pagerank(graph: Any) -> dict[str, float]:
    """Weighted PageRank (sums to 1; an empty graph gives an empty dict).

    >>> round(sum(pagerank(nx.path_graph(4)).values()), 9)
    1.0
    """
    if graph.number_of_nodes() == 0:
        return {}
    simple = graph if not graph.is_multigraph() else _collapse_multi(graph)
    return dict(nx.pagerank(simple, weight="weight", max_iter=500, tol=1e-10))


def _collapse_multi(graph: Any) -> Any:
    simple = nx.DiGraph() if graph.is_directed() else nx.Graph()
    simple.add_nodes_from(graph.nodes)
    for u, v, weight in graph.edges(data="weight", default=1.0):
        previous = simple.get_edge_data(u, v, default={"weight": 0.0})["weight"]
        simple.add_edge(u, v, weight=previous + float(weight))
    return simple


def communities(graph: Any, *, seed: int = 0) -> Communities:
    """Louvain communities of the undirected, weighted graph with `seed`, and modularity.

    A graph without edges has one community per node and modularity 0.
    """
    simple = undirected(graph)
    if simple.number_of_edges() == 0 or _total_weight(simple) <= 0:
        return Communities(tuple((n,) for n in sorted(simple.nodes)), 0.0)
    found = nx.community.louvain_communities(simple, weight="weight", seed=seed)
    groups = tuple(sorted((tuple(sorted(g)) for g in found), key=lambda g: (-len(g), g)))
    score = nx.community.modularity(simple, [set(g) for g in groups], weight="weight")
    return Communities(groups, round(float(score), 9))


def _total_weight(graph: nx.Graph) -> float:
    return float(sum(w for _, _, w in graph.edges(data="weight", default=1.0)))


def core_numbers(graph: Any) -> dict[str, int]:
    """k-core number of every node (undirected, self-loops dropped)."""
    return {node: int(core) for node, core in nx.core_number(undirected(graph)).items()}


def node_metrics(
    graph: Any, *, seed: int = 0, exact_limit: int = EXACT_BETWEENNESS_LIMIT
) -> tuple[tuple[NodeMetrics, ...], Communities, bool]:
    """Every node's metrics (highest PageRank first), the communities and whether
    betweenness was sampled."""
    between, sampled = betweenness(graph, seed=seed, exact_limit=exact_limit)
    ranks = pagerank(graph)
    cores = core_numbers(graph)
    found = communities(graph, seed=seed)
    membership = found.membership()
    strength = dict(graph.degree(weight="weight"))
    rows = [
        NodeMetrics(
            node=str(node),
            label=str(attrs.get("label", node)),
            kind=str(attrs.get("kind", "")),
            faction=str(attrs.get("faction", "")),
            degree=int(graph.degree(node)),
            weighted_degree=_round(strength[node]),
            betweenness=_round(between.get(node, 0.0)),
            pagerank=_round(ranks.get(node, 0.0)),
            core=cores.get(node, 0),
            community=membership.get(node, -1),
        )
        for node, attrs in graph.nodes(data=True)
    ]
    rows.sort(key=lambda r: (-r.pagerank, -r.weighted_degree, r.label, r.node))
    return tuple(rows), found, sampled


def brokers(graph: Any, between: Mapping[str, float] | None = None) -> tuple[Broker, ...]:
    """Persons whose neighbours (either direction) span at least two factions.

    A neighbour's faction is its `faction` attribute, a faction node stands for itself.
    Sorted by the number of factions spanned, then betweenness.
    """
    between = between if between is not None else betweenness(graph)[0]
    simple = undirected(graph)
    found = []
    for node, attrs in simple.nodes(data=True):
        if attrs.get("kind") != "person":
            continue
        spanned = sorted({f for f in (_faction(simple.nodes[n]) for n in simple[node]) if f})
        if len(spanned) >= 2:
            found.append(
                Broker(
                    node=str(node),
                    label=str(attrs.get("label", node)),
                    faction=str(attrs.get("faction", "")),
                    neighbour_factions=tuple(spanned),
                    betweenness=_round(between.get(node, 0.0)),
                    weighted_degree=_round(simple.degree(node, weight="weight")),
                )
            )
    found.sort(key=lambda b: (-len(b.neighbour_factions), -b.betweenness, b.label, b.node))
    return tuple(found)


def _faction(attrs: Mapping[str, Any]) -> str:
    if attrs.get("kind") == "faction":
        return str(attrs.get("label", ""))
    return str(attrs.get("faction") or "")


def summary(graph: Any) -> dict[str, Any]:
    """Size, density and components of a graph."""
    simple = undirected(graph)
    components = list(nx.connected_components(simple))
    return {
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "density": _round(nx.density(graph)) if graph.number_of_nodes() > 1 else 0.0,
        "components": len(components),
        "largest_component": max((len(c) for c in components), default=0),
    }


def _round(value: float) -> float:
    """Six significant decimals, so CSV/JSON output does not depend on float noise."""
    rounded = round(float(value), 6)
    return 0.0 if math.isclose(rounded, 0.0, abs_tol=1e-12) else rounded
