"""Commands that turn the graph into files and numbers: export, stats, eval, analyse, viz."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from kg.cli_common import (
    KeepPrivateOption,
    StoreOption,
    console,
    err_console,
    handle_errors,
    store_settings,
)

NETWORK_FORMATS = ("graphml", "gexf", "csv")


@handle_errors
def export(
    fmt: Annotated[
        str, typer.Option("--format", help="ttl, trig, nq, jsonld, graphml, gexf or csv.")
    ] = "ttl",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Output file.")] = None,
    store: StoreOption = None,
    keep_private_names: KeepPrivateOption = False,
) -> None:
    """Export the whole graph (RDF formats) or the networks (graphml, gexf, csv).

    Example: kg export --format jsonld -o exports/hagen.jsonld
    """
    from kg import export as ex
    from kg.errors import ExportError
    from kg.store import Store

    if fmt not in (*ex.RDF_FORMATS, *NETWORK_FORMATS):
        known = ", ".join((*ex.RDF_FORMATS, *NETWORK_FORMATS))
        raise ExportError(f"unknown export format {fmt!r} (use one of {known})")
    with (
        Store(store_settings(store).store_dir, read_only=True) as opened,
        _shown_store(opened, store_settings(store), keep_private_names) as shown,
    ):
        rdf = fmt in ex.RDF_FORMATS
        data = ex.render_rdf(shown, fmt) if rdf else _network_export(shown, fmt)
    if output is None:
        sys.stdout.buffer.write(data)
        return
    ex.write_bytes(output, data)
    console.print(f"wrote {output} ({len(data):,} bytes)")


@contextlib.contextmanager
def _shown_store(opened: Any, settings: Any, keep_private_names: bool) -> Iterator[Any]:
    """The store as exports and views show it: private citizens pseudonymised by default."""
    from kg.store_privacy import shown_store

    if keep_private_names:
        yield opened
        return
    with shown_store(opened, settings.base_iri) as shown:
        yield shown


def _network_export(opened: Any, fmt: str) -> bytes:
    from kg.errors import ExportError

    try:
        from kg.analyse import export_networks
    except ImportError as error:  # pragma: no cover - analyse is part of the package
        raise ExportError(f"network export unavailable: {error}") from error
    return bytes(export_networks(opened, fmt))


@handle_errors
def stats(store: StoreOption = None) -> None:
    """Counts per class and per source document.

    Example: kg stats
    """
    from kg.query import class_counts, document_counts
    from kg.store import Store

    with Store(store_settings(store).store_dir, read_only=True) as opened:
        classes = class_counts(opened)
        documents = document_counts(opened)
        total = len(opened)
    table = Table(title="Entities per class")
    table.add_column("class")
    table.add_column("count", justify="right")
    for name, count in classes:
        table.add_row(name, str(count))
    console.print(table)
    docs = Table(title="Documents")
    for column in ("document", "municipality", "date", "statements", "triples"):
        docs.add_column(column, justify="right" if column in ("statements", "triples") else "left")
    for row in documents:
        docs.add_row(*[str(v) for v in row])
    console.print(docs)
    console.print(f"{total} triples in {len(documents)} documents")


@handle_errors
def eval_command(
    gold_dir: Annotated[Path, typer.Argument(help="Folder of gold JSON files (tests/gold).")],
    corpus: Annotated[
        Path | None, typer.Option(help="Folder of the protocol texts (default ../shared/corpus).")
    ] = None,
) -> None:
    """Measure extraction against expected results: precision, recall, F1 per category.

    Example: kg eval tests/gold --corpus ../shared/corpus
    """
    from kg.evaluate import evaluate

    corpus_dir = corpus or Path("../shared/corpus")
    result = evaluate(gold_dir, corpus_dir if corpus_dir.is_dir() else None)
    table = Table(title=f"Extraction quality on {len(result.documents)} documents")
    for column in ("category", "precision", "recall", "F1", "tp", "fp", "fn"):
        table.add_column(column, justify="left" if column == "category" else "right")
    for name, score in result.scores.items():
        table.add_row(
            name, f"{score.precision:.2f}", f"{score.recall:.2f}", f"{score.f1:.2f}",
            str(score.tp), str(score.fp), str(score.fn),
        )  # fmt: skip
    console.print(table)
    for name, reason in result.errors:
        err_console.print(f"[red]skipped:[/red] {name}: {reason}", highlight=False)


SinceOption = Annotated[
    str | None, typer.Option("--since", help="First meeting date to include (YYYY-MM-DD).")
]
UntilOption = Annotated[
    str | None, typer.Option("--until", help="Last meeting date to include (YYYY-MM-DD).")
]
ANALYSE_WIDTH = 160
MunicipalityOption = Annotated[
    str | None, typer.Option("--municipality", help="Only this municipality, e.g. Hagen.")
]


@handle_errors
def analyse_command(
    network: Annotated[
        str | None, typer.Option("--network", help="One network (default: all).")
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write CSV/JSON, charts, GraphML/GEXF and report.html here."),
    ] = None,
    municipality: MunicipalityOption = None,
    period: Annotated[str, typer.Option("--period", help="Time slices: year or quarter.")] = "year",
    seed: Annotated[int, typer.Option("--seed", help="Seed of sampling and Louvain.")] = 0,
    store: StoreOption = None,
) -> None:
    """Network metrics: who replies to whom, brokers, communities, stances, co-voting.

    Example: kg analyse --since 2020-01-01 --out exports/analysis
    """
    from kg import analyse as an
    from kg.errors import AnalyseError
    from kg.store import Store

    if fmt not in an.FORMATS:
        raise AnalyseError(f"unknown format {fmt!r} (use one of {', '.join(an.FORMATS)})")
    with Store(store_settings(store).store_dir, read_only=True) as opened:
        result = an.analyse(opened, network=network, since=since, until=until,
                            municipality=municipality, period=period, seed=seed)  # fmt: skip
    tables = an.display_tables(result, network)
    if fmt == "table":
        for table in tables:
            _print_result_table(table)
    else:
        sys.stdout.write(an.format_tables(tables, fmt))
    if out is not None:
        _write_analysis(out, an.output_files(result))


def _print_result_table(table: Any) -> None:
    from kg.analyse_tables import format_cell

    shown = [i for i, column in enumerate(table.columns) if column != "iri"]
    rich_table = Table(title=table.title, title_justify="left")
    for i in shown:
        numeric = bool(table.rows) and isinstance(table.rows[0][i], int | float)
        header = table.columns[i].replace("_", " ")
        rich_table.add_column(header, justify="right" if numeric else "left",
                              min_width=min(len(header), 12) if numeric else None)  # fmt: skip
    for row in table.rows:
        rich_table.add_row(*[format_cell(row[i]) for i in shown])
    # Piped output gets room for whole labels instead of the 80 columns of a dumb terminal.
    out = console if console.is_terminal else Console(width=ANALYSE_WIDTH)
    if not table.rows:
        out.print(f"{table.title}: nothing in this window")
        return
    out.print(rich_table)


def _write_analysis(out: Path, files: dict[str, bytes]) -> None:
    from kg import export as ex

    for name, data in files.items():
        ex.write_bytes(out / name, data)
    err_console.print(f"wrote {len(files)} files to {out} (open {out / 'report.html'})")


@handle_errors
def viz(
    view: Annotated[
        str,
        typer.Option(
            "--view", help="persons, factions, replies, initiatives, departments, ego or all."
        ),
    ] = "all",
    focus: Annotated[
        str | None, typer.Option("--focus", help="Entity IRI or name: show it and its neighbours.")
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="HTML file (default exports/network-VIEW.html)."),
    ] = None,
    municipality: MunicipalityOption = None,
    seed: Annotated[int, typer.Option("--seed", help="Layout seed.")] = 0,
    store: StoreOption = None,
    keep_private_names: KeepPrivateOption = False,
) -> None:
    """Interactive network view as one offline HTML page.

    Example: kg viz --view ego --focus "Keller" -o exports/keller.html
    """
    from kg import export as ex
    from kg.analyse_data import Window, load_projection
    from kg.analyse_views import VIEWS, graph_for_view
    from kg.errors import AnalyseError
    from kg.store import Store
    from kg.visualise import render_network

    if view not in VIEWS:
        raise AnalyseError(f"unknown view {view!r} (use one of {', '.join(VIEWS)})")
    if view == "ego" and not focus:
        raise AnalyseError("the ego view needs --focus ENTITY (an IRI or a name)")
    with (
        Store(store_settings(store).store_dir, read_only=True) as opened,
        _shown_store(opened, store_settings(store), keep_private_names) as shown,
    ):
        projection = load_projection(shown, Window(since, until), municipality)
    graph = graph_for_view(projection, view, focus)
    window = f" ({since or '…'} – {until or '…'})" if since or until else ""
    title = f"Ratsgraph: {view} view" + (f" around {focus}" if focus else "") + window
    html = render_network(graph, title=title, seed=seed)
    target = output or Path("exports") / f"network-{view}.html"
    ex.write_text(target, html)
    console.print(
        f"wrote {target} ({graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges)"
    )
