"""Graphs for `kg viz`: one `nx.MultiDiGraph` per view with the attributes `kg.visualise`
draws (node `label`, `kind`, `faction`, `size`, `statements`, `iri`; edge `kind`, `weight`,
`date`).

Part of the analyse stage. Edges are kept per statement (one `supports` edge per supporting
statement, with its date); the view renderer merges parallel edges. Each node's `statements`
carry the exact quote of the statement from its Web Annotation.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import networkx as nx

from kg.analyse_data import Projection, StatementRecord, Window, load_projection
from kg.analyse_networks import co_voting_network
from kg.errors import AnalyseError
from kg.store import Store

log = logging.getLogger(__name__)

VIEWS = ("persons", "factions", "replies", "initiatives", "departments", "ego", "all")
#: Speech act -> edge kind for statements about an entity (other acts give `about`).
ACT_EDGES = (("Support", "supports"), ("Opposition", "opposes"), ("Question", "asks_about"))
STATEMENTS_PER_NODE = 200
_STANCE_KINDS = frozenset({"supports", "opposes", "asks_about"})
_HIDDEN_KINDS = frozenset({"meeting", "body", "unknown"})


@dataclass(frozen=True, slots=True)
class ViewEdge:
    """One edge of the combined graph; `faction` is the faction a statement spoke for."""

    source: str
    target: str
    kind: str
    date: str | None = None
    weight: float = 1.0
    faction: str | None = None


def view_graph(
    store: Store, view: str = "all", focus: str | None = None,
    since: str | None = None, until: str | None = None,
) -> nx.MultiDiGraph:  # fmt: skip
    """The graph of one `kg viz` view, optionally narrowed to `focus` and its neighbours.

    Raises:
        AnalyseError: unknown view, `ego` without `focus`, a focus that matches no entity or
            several, or a malformed date.
        StoreError: when the store cannot be read.
    """
    if view not in VIEWS:
        raise AnalyseError(f"unknown view {view!r} (use one of {', '.join(VIEWS)})")
    if view == "ego" and not focus:
        raise AnalyseError("the ego view needs --focus ENTITY (an IRI or a name)")
    projection = load_projection(store, Window(since, until))
    return graph_for_view(projection, view, focus)


def graph_for_view(projection: Projection, view: str, focus: str | None = None) -> nx.MultiDiGraph:
    """`view_graph` on an already loaded projection.

    Raises:
        AnalyseError: unknown view or unresolvable focus.
    """
    edges = [e for e in combined_edges(projection) if _in_view(projection, view, e)]
    if view == "factions":
        edges = list(_faction_edges(projection, edges))
    graph = _graph(projection, edges)
    if focus:
        graph = _ego(graph, resolve_focus(projection, focus, graph))
    return graph


def combined_edges(projection: Projection) -> list[ViewEdge]:
    """Every typed edge of the combined network, in a stable order."""
    edges = list(_statement_edges(projection))
    edges += [
        ViewEdge(t.person, t.org, t.relation, t.dates[0] if t.dates else None)
        for t in projection.ties
        if projection.window.any(t.dates) and projection.kind(t.org) not in _HIDDEN_KINDS
    ]
    edges += [
        ViewEdge(r.unit, r.initiative, "responsible_for", r.dates[0] if r.dates else None)
        for r in projection.responsibilities
        if projection.window.any(r.dates)
    ]
    voting = co_voting_network(projection)
    edges += [
        ViewEdge(u, v, "co_voting", None, float(w)) for u, v, w in voting.edges(data="weight")
    ]
    return edges


def _statement_edges(projection: Projection) -> Iterator[ViewEdge]:
    speaker_of = {s.iri: s.speaker for s in projection.statements}
    for statement in projection.statements:
        faction = projection.statement_faction(statement)
        replied = speaker_of.get(statement.reply_to or "")
        if replied and replied != statement.speaker:
            yield ViewEdge(statement.speaker, replied, "replies_to", statement.date, 1.0, faction)
        for target in _targets(projection, statement, faction):
            for kind in _act_kinds(statement):
                yield ViewEdge(statement.speaker, target, kind, statement.date, 1.0, faction)


def _targets(projection: Projection, statement: StatementRecord, faction: str | None) -> list[str]:
    skip = {statement.speaker, faction}
    return [
        t for t in statement.about
        if t not in skip and projection.kind(t) not in _HIDDEN_KINDS
    ]  # fmt: skip


def _act_kinds(statement: StatementRecord) -> list[str]:
    kinds = [kind for act, kind in ACT_EDGES if act in statement.acts]
    return kinds or ["about"]


def _in_view(projection: Projection, view: str, edge: ViewEdge) -> bool:
    kinds = {projection.kind(edge.source), projection.kind(edge.target)}
    if view in ("all", "ego"):
        return True
    if view == "replies":
        return edge.kind == "replies_to"
    if view == "persons":
        return edge.kind in ("replies_to", "member_of", "head_of")
    if view == "factions":
        structural = edge.kind in ("co_voting", "member_of", "head_of") and "faction" in kinds
        return structural or (edge.kind in _STANCE_KINDS and edge.faction is not None)
    return view[:-1] in kinds  # initiatives, departments


def _faction_edges(projection: Projection, edges: Iterable[ViewEdge]) -> Iterator[ViewEdge]:
    """For the factions view: stance edges lifted from speakers to the faction they spoke for."""
    for edge in edges:
        if edge.kind in _STANCE_KINDS and edge.faction:
            if projection.kind(edge.target) in ("initiative", "department", "paper", "faction"):
                yield ViewEdge(edge.faction, edge.target, edge.kind, edge.date, 1.0, edge.faction)
        elif edge.kind not in _STANCE_KINDS:
            yield edge


def _graph(projection: Projection, edges: list[ViewEdge]) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    nodes = sorted({e.source for e in edges} | {e.target for e in edges})
    said = _statements_by_node(projection, set(nodes))
    for node in nodes:
        graph.add_node(node, **node_attributes(projection, node, said.get(node, [])))
    for edge in edges:
        attrs: dict[str, Any] = {"kind": edge.kind, "weight": edge.weight}
        if edge.date:
            attrs["date"] = edge.date
        graph.add_edge(edge.source, edge.target, **attrs)
    return graph


def node_attributes(
    projection: Projection, node: str, statements: list[StatementRecord]
) -> dict[str, Any]:
    """Attributes of one view node (the contract of `kg.visualise.render_network`)."""
    kind = projection.kind(node)
    faction = projection.faction_of(node) if kind == "person" else None
    if kind == "faction":
        faction = node
    return {
        "label": projection.label(node),
        "kind": kind,
        "faction": projection.label(faction) if faction else None,
        "size": float(1 + len(statements)),
        "statements": [statement_dict(s) for s in statements[:STATEMENTS_PER_NODE]],
        "iri": node,
    }


def statement_dict(statement: StatementRecord) -> dict[str, Any]:
    """A statement as the view shows it: date, agenda item, acts, exact quote, document."""
    return {
        "date": statement.date or "",
        "item": statement.item_label,
        "acts": list(statement.acts),
        "quote": statement.quote,
        "doc": statement.doc,
    }


def _statements_by_node(
    projection: Projection, nodes: set[str]
) -> dict[str, list[StatementRecord]]:
    """A person's own statements; for other nodes the statements about them."""
    by_node: dict[str, list[StatementRecord]] = defaultdict(list)
    for statement in projection.statements:
        if statement.speaker in nodes:
            by_node[statement.speaker].append(statement)
        for target in statement.about:
            if target in nodes and projection.kind(target) != "person":
                by_node[target].append(statement)
    return by_node


def resolve_focus(projection: Projection, focus: str, graph: nx.MultiDiGraph) -> str:
    """The node `focus` names: an IRI, else a case-insensitive label (exact, then substring).

    Raises:
        AnalyseError: when no node or several nodes match.
    """
    if focus in graph:
        return str(focus)
    wanted = focus.casefold()
    labels = {node: str(graph.nodes[node]["label"]).casefold() for node in graph}
    exact = sorted(n for n, label in labels.items() if label == wanted)
    matches = exact or sorted(n for n, label in labels.items() if wanted in label)
    if len(matches) == 1:
        return str(matches[0])
    if not matches:
        raise AnalyseError(f"no entity in this view matches {focus!r}")
    listed = ", ".join(f"{graph.nodes[n]['label']} <{n}>" for n in matches[:8])
    raise AnalyseError(f"{focus!r} matches {len(matches)} entities: {listed}; give the IRI")


def _ego(graph: nx.MultiDiGraph, centre: str) -> nx.MultiDiGraph:
    keep = {centre} | set(graph.successors(centre)) | set(graph.predecessors(centre))
    ego = nx.MultiDiGraph()
    ego.add_nodes_from((n, attrs) for n, attrs in graph.nodes(data=True) if n in keep)
    ego.add_edges_from(
        (u, v, attrs) for u, v, attrs in graph.edges(data=True) if u in keep and v in keep
    )
    return ego
