"""Network analysis: SPARQL projections -> networkx graphs -> metrics, tables and files.

The stage in brief (details in the `analyse_*` modules it joins):

- `analyse_data` asks the store for the facts the networks need (never the whole graph);
- `analyse_networks` builds the reply, affiliation, stance, responsibility and co-voting
  networks and the bipartite projections;
- `analyse_metrics` computes degree, weighted degree, betweenness (sampled with a fixed seed
  above `EXACT_BETWEENNESS_LIMIT` nodes), PageRank, Louvain communities with modularity,
  k-cores and brokers between factions;
- `analyse_tables` counts askers, answerers, unanswered questions per Fachbereich, activity
  over time and how the reply network changes;
- `analyse_report` draws the charts and writes the offline HTML report;
- `analyse_views` gives `kg viz` its graphs.

Everything is deterministic: seeded, sorted, rounded to six decimals.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from kg.analyse_data import Projection, Window, load_projection
from kg.analyse_metrics import (
    EXACT_BETWEENNESS_LIMIT,
    Broker,
    Communities,
    NodeMetrics,
    brokers,
    node_metrics,
    summary,
)
from kg.analyse_networks import NETWORKS, build_networks
from kg.analyse_tables import (
    ResultTable,
    activity_over_time,
    change_over_time,
    most_active,
    unanswered_questions,
)
from kg.analyse_views import VIEWS, combined_edges, graph_for_view, view_graph
from kg.errors import AnalyseError, ExportError
from kg.store import Store

__all__ = [
    "FORMATS", "NETWORKS", "VIEWS", "Analysis", "NetworkResult", "analyse", "analyse_projection",
    "export_networks", "format_tables", "graph_bytes", "graph_for_view", "output_files",
    "view_graph",
]  # fmt: skip

log = logging.getLogger(__name__)

FORMATS = ("table", "csv", "json")
GRAPH_FORMATS = ("graphml", "gexf")
TOP_NODES = 15
#: Node kinds in the combined export network (`kg export --format graphml|gexf|csv`).
EXPORT_KINDS = frozenset({"person", "faction", "party", "department", "initiative"})


@dataclass(frozen=True, slots=True)
class NetworkResult:
    """One network with its node metrics, communities and size."""

    name: str
    graph: Any
    metrics: tuple[NodeMetrics, ...]
    communities: Communities
    sampled: bool
    summary: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything `kg analyse` shows or writes."""

    window: Window
    period: str
    seed: int
    projection: Projection
    networks: Mapping[str, NetworkResult]
    brokers: tuple[Broker, ...]
    tables: tuple[ResultTable, ...]

    def table(self, name: str) -> ResultTable:
        """The table called `name`.

        Raises:
            AnalyseError: when there is no such table.
        """
        for table in self.tables:
            if table.name == name:
                return table
        raise AnalyseError(f"no table {name!r}")


def analyse(
    store: Store, *, network: str | None = None, since: str | None = None,
    until: str | None = None, municipality: str | None = None, period: str = "year",
    seed: int = 0,
) -> Analysis:  # fmt: skip
    """Analyse the store's networks (one, or all) within a date window.

    Raises:
        AnalyseError: unknown network or period, malformed dates, unknown municipality.
        StoreError: when the store cannot be read.
    """
    projection = load_projection(store, Window(since, until), municipality)
    return analyse_projection(projection, network=network, period=period, seed=seed)


def analyse_projection(
    projection: Projection, *, network: str | None = None, period: str = "year",
    seed: int = 0, exact_limit: int = EXACT_BETWEENNESS_LIMIT,
) -> Analysis:  # fmt: skip
    """`analyse` on a loaded projection.

    Raises:
        AnalyseError: unknown network or period.
    """
    names = [network] if network else list(NETWORKS)
    graphs = build_networks(projection, ["replies", "stance", "co-voting", *names])
    results = {
        name: _result(name, graphs[name], seed=seed, exact_limit=exact_limit) for name in names
    }
    replies = results.get("replies") or _result("replies", graphs["replies"], seed, exact_limit)
    between = {m.node: m.betweenness for m in replies.metrics}
    found = brokers(replies.graph, between)
    tables = (
        summary_table(results),
        *(metrics_table(r) for r in results.values()),
        communities_table(results),
        brokers_table(found),
        most_active(projection, "Question", "askers"),
        most_active(projection, "Answer", "answerers"),
        unanswered_questions(projection),
        stance_table(graphs["stance"]),
        co_voting_table(graphs["co-voting"]),
        activity_over_time(projection, period),
        change_over_time(projection, period, seed),
    )  # fmt: skip
    return Analysis(projection.window, period, seed, projection, results, found, tables)


def _result(name: str, graph: Any, seed: int, exact_limit: int) -> NetworkResult:
    metrics, groups, sampled = node_metrics(graph, seed=seed, exact_limit=exact_limit)
    return NetworkResult(name, graph, metrics, groups, sampled, summary(graph))


# ---------------------------------------------------------------- tables


def summary_table(results: Mapping[str, NetworkResult]) -> ResultTable:
    """One row per network: size, density, components, communities, modularity."""
    columns = ("network", "nodes", "edges", "density", "components", "largest_component",
               "communities", "modularity", "betweenness")  # fmt: skip
    rows = tuple(
        (name, *(r.summary[c] for c in columns[1:6]), len(r.communities.groups),
         r.communities.modularity, "sampled" if r.sampled else "exact")
        for name, r in results.items()
    )  # fmt: skip
    return ResultTable("networks", "Networks", columns, rows)


def metrics_table(result: NetworkResult) -> ResultTable:
    """Node metrics of one network, highest PageRank first."""
    columns = ("label", "kind", "faction", "degree", "weighted_degree", "betweenness",
               "pagerank", "core", "community", "iri")  # fmt: skip
    rows = tuple(
        (m.label, m.kind, m.faction, m.degree, m.weighted_degree, m.betweenness, m.pagerank,
         m.core, m.community, m.node)
        for m in result.metrics
    )  # fmt: skip
    title = f"Node metrics: {result.name}"
    return ResultTable(f"metrics-{result.name}", title, columns, rows)


def communities_table(results: Mapping[str, NetworkResult]) -> ResultTable:
    """Louvain communities of every network with more than one member."""
    rows = []
    for name, result in results.items():
        labels = {m.node: m.label for m in result.metrics}
        for number, group in enumerate(result.communities.groups):
            if len(group) > 1:
                members = "; ".join(sorted(labels.get(n, n) for n in group))
                rows.append((name, number, len(group), members))
    columns = ("network", "community", "size", "members")
    return ResultTable("communities", "Communities (Louvain)", columns, tuple(rows))


def brokers_table(found: Iterable[Broker]) -> ResultTable:
    """Persons whose reply partners span factions."""
    rows = tuple(
        (b.label, b.faction, len(b.neighbour_factions), "; ".join(b.neighbour_factions),
         b.betweenness, b.weighted_degree, b.node)
        for b in found
    )  # fmt: skip
    columns = ("person", "faction", "factions_spanned", "neighbour_factions", "betweenness",
               "weighted_degree", "iri")  # fmt: skip
    return ResultTable("brokers", "Brokers between factions (reply network)", columns, rows)


def stance_table(graph: Any) -> ResultTable:
    """Support, opposition, criticism and questions per faction and initiative."""
    rows = []
    for u, v, attrs in graph.edges(data=True):
        faction, initiative = (u, v) if graph.nodes[u]["kind"] == "faction" else (v, u)
        rows.append((graph.nodes[faction]["label"], graph.nodes[initiative]["label"],
                     attrs["support"], attrs["opposition"], attrs["criticism"],
                     attrs["question"], attrs["weight"], attrs["net"]))  # fmt: skip
    columns = ("faction", "initiative", "support", "opposition", "criticism", "questions",
               "statements", "net")  # fmt: skip
    return ResultTable("stance", "Stance of factions on initiatives", columns, tuple(sorted(rows)))


def co_voting_table(graph: Any) -> ResultTable:
    """Agreement rate of every pair of factions over the votes both took part in."""
    rows = sorted(
        (graph.nodes[u]["label"], graph.nodes[v]["label"], a["votes"], a["agreements"], a["weight"])
        for u, v, a in graph.edges(data=True)
    )
    columns = ("faction", "other_faction", "votes", "agreements", "agreement_rate")
    return ResultTable("co-voting", "Co-voting of factions", columns, tuple(rows))


def display_tables(analysis: Analysis, network: str | None = None) -> list[ResultTable]:
    """What `kg analyse` prints: one network's node metrics, or an overview of all."""
    if network:
        return [analysis.table("networks"), analysis.table(f"metrics-{network}"),
                analysis.table("communities")]  # fmt: skip
    top = analysis.table("metrics-replies")
    top = ResultTable(top.name, top.title + f" (top {TOP_NODES})", top.columns,
                      top.rows[:TOP_NODES])  # fmt: skip
    names = ("brokers", "askers", "answerers", "unanswered-questions", "stance", "co-voting",
             "activity-over-time", "change-over-time")  # fmt: skip
    return [analysis.table("networks"), top, *(analysis.table(n) for n in names)]


def format_tables(tables: Iterable[ResultTable], fmt: str) -> str:
    """Tables as CSV sections (`# name` line, header, rows, blank line) or one JSON object.

    Raises:
        AnalyseError: for a format other than csv or json.
    """
    tables = list(tables)
    if fmt == "json":
        return (
            json.dumps({t.name: t.records() for t in tables}, ensure_ascii=False, indent=2) + "\n"
        )
    if fmt == "csv":
        return "\n".join(f"# {t.name}\n{table_csv(t)}" for t in tables)
    raise AnalyseError(f"unknown format {fmt!r} (use one of {', '.join(FORMATS)})")


def table_csv(table: ResultTable) -> str:
    """One table as CSV with a header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.columns)
    writer.writerows(table.rows)
    return buffer.getvalue()


# ---------------------------------------------------------------- files


def output_files(analysis: Analysis) -> dict[str, bytes]:
    """Every file of `kg analyse --out DIR`: CSV and JSON tables, GraphML and GEXF of each
    network, PNG and SVG charts and `report.html`, by relative path."""
    from kg.analyse_report import chart_files, render_report

    files: dict[str, bytes] = {}
    for table in analysis.tables:
        files[f"tables/{table.name}.csv"] = table_csv(table).encode("utf-8")
    files["analysis.json"] = format_tables(analysis.tables, "json").encode("utf-8")
    for name, result in analysis.networks.items():
        annotated = with_metrics(result)
        for fmt in GRAPH_FORMATS:
            files[f"networks/{name}.{fmt}"] = graph_bytes(annotated, fmt)
    charts = chart_files(analysis)
    files.update(charts)
    files["report.html"] = render_report(analysis, charts).encode("utf-8")
    return dict(sorted(files.items()))


def with_metrics(result: NetworkResult) -> Any:
    """A copy of the network whose nodes carry their metrics (for Gephi users)."""
    graph = result.graph.copy()
    for m in result.metrics:
        graph.nodes[m.node].update(degree=m.degree, weighted_degree=m.weighted_degree,
                                   betweenness=m.betweenness, pagerank=m.pagerank,
                                   core=m.core, community=m.community)  # fmt: skip
    return graph


def graph_bytes(graph: Any, fmt: str) -> bytes:
    """GraphML or GEXF of a graph, byte-identical for equal graphs (no timestamps).

    Raises:
        ExportError: for a format other than graphml or gexf.
    """
    clean = _scalar_graph(graph)
    if fmt == "graphml":
        text = "\n".join(nx.generate_graphml(clean, named_key_ids=True))
    elif fmt == "gexf":
        text = "\n".join(nx.generate_gexf(clean))
        text = re.sub(r' lastmodifieddate="[^"]*"', "", text)
    else:
        raise ExportError(f"unknown graph format {fmt!r} (use graphml or gexf)")
    return (text + "\n").encode("utf-8")


def _scalar_graph(graph: Any) -> Any:
    """Same graph with only str/int/float/bool attributes (lists joined, None dropped)."""
    clean = graph.__class__()
    clean.graph.update({k: _scalar(v) for k, v in graph.graph.items() if _scalar(v) is not None})
    for node, attrs in graph.nodes(data=True):
        clean.add_node(node, **_scalars(attrs))
    for u, v, attrs in graph.edges(data=True):
        clean.add_edge(u, v, **_scalars(attrs))
    return clean


def _scalars(attrs: Mapping[str, Any]) -> dict[str, Any]:
    values = {key: _scalar(value) for key, value in attrs.items() if key != "statements"}
    if "weight" in values:
        values["weight"] = float(values["weight"])
    return {key: value for key, value in values.items() if value is not None}


def _scalar(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return " ".join(sorted(str(v) for v in value))
    return str(value)


def export_networks(store: Store, fmt: str) -> bytes:
    """The combined network of persons, factions, parties, departments and initiatives with
    typed, aggregated edges: GraphML, GEXF, or a CSV edge list.

    Raises:
        ExportError: for an unknown format.
        StoreError: when the store cannot be read.
    """
    if fmt not in (*GRAPH_FORMATS, "csv"):
        raise ExportError(f"unknown network format {fmt!r} (use graphml, gexf or csv)")
    projection = load_projection(store)
    graph = combined_network(projection)
    if fmt == "csv":
        return combined_csv(graph).encode("utf-8")
    return graph_bytes(graph, fmt)


def combined_network(projection: Projection) -> nx.MultiDiGraph:
    """One edge per (source, target, kind) with summed `weight`, `count` and `dates`."""
    merged: dict[tuple[str, str, str], list[Any]] = {}
    for edge in combined_edges(projection):
        if {projection.kind(edge.source), projection.kind(edge.target)} <= EXPORT_KINDS:
            entry = merged.setdefault((edge.source, edge.target, edge.kind), [0.0, 0, set()])
            entry[0] += edge.weight
            entry[1] += 1
            entry[2].update([edge.date] if edge.date else [])
    graph = nx.MultiDiGraph(name="ratsgraph")
    nodes = sorted({k[0] for k in merged} | {k[1] for k in merged})
    for node in nodes:
        attrs = graph_for_view_attributes(projection, node)
        graph.add_node(node, **attrs)
    for (source, target, kind), (weight, count, dates) in sorted(merged.items()):
        graph.add_edge(source, target, key=kind, kind=kind, weight=round(weight, 6),
                       count=count, dates=" ".join(sorted(dates)))  # fmt: skip
    return graph


def graph_for_view_attributes(projection: Projection, node: str) -> dict[str, Any]:
    """Scalar node attributes for exports: label, kind, faction, iri."""
    faction = projection.faction_of(node) if projection.kind(node) == "person" else None
    return {"label": projection.label(node), "kind": projection.kind(node),
            "faction": projection.label(faction) if faction else "", "iri": node}  # fmt: skip


def combined_csv(graph: Any) -> str:
    """The combined network as an edge list with labels and kinds."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("source", "source_label", "source_kind", "target", "target_label",
                     "target_kind", "kind", "weight", "count", "dates"))  # fmt: skip
    for u, v, attrs in graph.edges(data=True):
        writer.writerow((u, graph.nodes[u]["label"], graph.nodes[u]["kind"], v,
                         graph.nodes[v]["label"], graph.nodes[v]["kind"], attrs["kind"],
                         attrs["weight"], attrs["count"], attrs["dates"]))  # fmt: skip
    return buffer.getvalue()
