"""Thin typer shell: one small function per command; `KgError` -> one-line message + exit code.

Run `kg --help` for the commands; the README shows an example of each.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from kg.errors import KgError, SettingsError

app = typer.Typer(
    name="kg",
    help="Ratsgraph: German council protocols as an RDF knowledge graph.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)
F = TypeVar("F", bound=Callable[..., Any])

StoreOption = Annotated[
    Path | None,
    typer.Option("--store", help="Store directory (default ./ratsgraph-data or $KG_STORE)."),
]
KeepPrivateOption = Annotated[
    bool,
    typer.Option(
        "--keep-private-names", help="Show private citizens' real names (default: pseudonyms)."
    ),
]
EXIT_SOME_FAILED = 4
NETWORK_FORMATS = ("graphml", "gexf", "csv")


def handle_errors(func: F) -> F:
    """Turn `KgError` into a one-line message on stderr and its exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KgError as error:
            err_console.print(f"[red]error:[/red] {error}", highlight=False, soft_wrap=True)
            raise typer.Exit(error.exit_code) from None
        except KeyboardInterrupt:
            err_console.print("interrupted; the store keeps every completed document")
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


@app.callback()
def main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log details.")] = False,
) -> None:
    """Ratsgraph: turn council protocols into a queryable knowledge graph."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def _settings(store: Path | None) -> Any:
    from kg.settings import load_settings

    return load_settings(store=store)


# ---------------------------------------------------------------- ingest


@app.command()
@handle_errors
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="Protocol files or folders (txt, html, pdf).")
    ],
    municipality: Annotated[
        str | None, typer.Option(help="Municipality (else sidecar, INDEX.tsv or the text).")
    ] = None,
    body: Annotated[
        str | None, typer.Option(help="Council body, e.g. 'Rat der Stadt Hagen'.")
    ] = None,
    store: StoreOption = None,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Worker processes (default: one per CPU).")
    ] = None,
    executor: Annotated[
        str, typer.Option(help="'local' (processes here) or 'dask' (a Dask cluster).")
    ] = "local",
    scheduler: Annotated[
        str | None, typer.Option(help="Dask scheduler address, e.g. tcp://host:8786.")
    ] = None,
) -> None:
    """Read protocols into the store; unchanged files are skipped, changed ones replaced.

    Example: kg ingest examples/ --municipality Hagen
    """
    from contextlib import nullcontext

    from kg.pipeline import dask_executor

    settings = _settings(store)
    if executor not in ("local", "dask"):
        raise SettingsError(f"unknown executor {executor!r} (use local or dask)")
    if (executor == "dask") != (scheduler is not None):
        raise SettingsError("--executor dask and --scheduler ADDRESS go together")
    with dask_executor(scheduler) if scheduler else nullcontext() as pool:
        _ingest_with_progress(paths, settings, municipality, body, workers, pool)


def _ingest_with_progress(
    paths: list[Path],
    settings: Any,
    municipality: str | None,
    body: str | None,
    workers: int | None,
    pool: Any,
) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from kg.pipeline import ingest as run_ingest
    from kg.sources import Metadata

    with Progress(
        TextColumn("ingest"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("{task.fields[docs_per_s]} docs/s"), console=err_console, transient=True,
    ) as bar:  # fmt: skip
        task = bar.add_task("ingest", total=None, docs_per_s="-")

        def progress(done: int, total: int, _path: str) -> None:
            elapsed = bar.tasks[0].elapsed or 1e-9
            bar.update(task, completed=done, total=total, docs_per_s=f"{done / elapsed:.0f}")

        report = run_ingest(
            paths, settings, metadata=Metadata(municipality=municipality, body=body),
            progress=progress, workers=workers, executor=pool,
        )  # fmt: skip
    console.print(
        f"ingested into {settings.store_dir}: {len(report.added)} added, "
        f"{len(report.replaced)} replaced, {len(report.unchanged)} unchanged, "
        f"{len(report.failed)} failed ({report.triples} triples written)"
    )
    for path, reason in report.failed:
        message = reason if path in reason else f"{path}: {reason}"
        line = f"[red]failed:[/red] {_one_line(message)}"
        err_console.print(line, highlight=False, soft_wrap=True)
    if report.failed:
        raise typer.Exit(EXIT_SOME_FAILED)


def _one_line(text: str) -> str:
    """`text` as one terminal line: control and direction characters escaped, no Rich markup."""
    from rich.markup import escape

    return escape("".join(c if c.isprintable() else ascii(c)[1:-1] for c in text))


# ---------------------------------------------------------------- query


@app.command()
@handle_errors
def query(
    sparql: Annotated[str | None, typer.Argument(help="A SPARQL SELECT query.")] = None,
    file: Annotated[
        Path | None, typer.Option("--file", "-f", help="Read the query from a file.")
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", "-n", help="Run a saved query (kg/queries).")
    ] = None,
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="Bind name=value.")
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="table, csv, tsv, json or markdown.")
    ] = "table",
    endpoint: Annotated[
        str | None, typer.Option(help="Query a remote SPARQL endpoint instead.")
    ] = None,
    store: StoreOption = None,
) -> None:
    """Run a SPARQL query (ad hoc, from a file or saved by name) and print the rows.

    Example: kg query --name statements-by-person --param person=<IRI>
    """
    from kg import query as q

    text, saved = _query_text(sparql, file, name)
    bindings = q.parse_params(param or [], saved)
    if endpoint:
        from kg.query import remote_select

        rows = remote_select(endpoint, text, bindings)
    else:
        from kg.store import Store

        with Store(_settings(store).store_dir, read_only=True) as opened:
            rows = q.select(opened, text, bindings)
    if fmt == "table":
        _print_table(rows, saved.title if saved else None)
    else:
        sys.stdout.write(q.format_rows(rows, fmt))


def _query_text(sparql: str | None, file: Path | None, name: str | None) -> tuple[str, Any]:
    from kg import query as q
    from kg.errors import QueryError

    given = [x for x in (sparql, file, name) if x]
    if len(given) != 1:
        raise QueryError("give exactly one of: a SPARQL string, --file or --name")
    if name:
        saved = q.saved_query(name)
        return saved.sparql, saved
    if file:
        try:
            return file.read_text(encoding="utf-8"), None
        except OSError as error:
            raise QueryError(f"{file}: {error.strerror or error}") from error
    assert sparql is not None
    return sparql, None


def _print_table(rows: Any, title: str | None) -> None:
    from kg.query import cell

    table = Table(title=title, show_lines=False)
    for var in rows.variables:
        table.add_column(var, overflow="fold")
    for row in rows.rows:
        table.add_row(*[_shorten(cell(row.get(v))) for v in rows.variables])
    console.print(table)
    console.print(f"{len(rows.rows)} rows")


def _shorten(value: str) -> str:
    from kg.settings import DEFAULT_BASE_IRI

    value = value.replace(DEFAULT_BASE_IRI, "id:")
    value = value.replace("https://w3id.org/ratsgraph/ontology#", "rg:")
    return value if len(value) <= 240 else value[:237] + "…"


# ---------------------------------------------------------------- export and stats


@app.command()
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
        Store(_settings(store).store_dir, read_only=True) as opened,
        _shown_store(opened, _settings(store), keep_private_names) as shown,
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


@app.command()
@handle_errors
def stats(store: StoreOption = None) -> None:
    """Counts per class and per source document.

    Example: kg stats
    """
    from kg.query import class_counts, document_counts
    from kg.store import Store

    with Store(_settings(store).store_dir, read_only=True) as opened:
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


# ---------------------------------------------------------------- evaluation


@app.command("eval")
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


# ---------------------------------------------------------------- analyse and viz

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


@app.command("analyse")
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
    with Store(_settings(store).store_dir, read_only=True) as opened:
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


@app.command()
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
        Store(_settings(store).store_dir, read_only=True) as opened,
        _shown_store(opened, _settings(store), keep_private_names) as shown,
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


# ---------------------------------------------------------------- saved queries, serve, push


@app.command("queries")
@handle_errors
def queries_command() -> None:
    """List the saved queries (kg/queries/*.rq) with their parameters.

    Example: kg queries
    """
    from kg.query import saved_queries

    found = saved_queries()
    table = Table(title="Saved queries: kg query --name NAME [--param key=value]")
    table.add_column("name", no_wrap=True, min_width=max(map(len, found), default=4))
    for column in ("title", "parameters", "description"):
        table.add_column(column, overflow="fold", ratio=2 if column == "description" else 1)
    for saved in found.values():
        params = "\n".join(f"{key}: {text}" for key, text in saved.params.items())
        table.add_row(saved.name, saved.title, params, saved.description)
    console.print(table)
    console.print(f"{len(found)} saved queries")


@app.command()
@handle_errors
def serve(
    port: Annotated[int, typer.Option(help="TCP port.")] = 7878,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    timeout: Annotated[float, typer.Option(help="Seconds a query may run.")] = 30.0,
    max_rows: Annotated[int, typer.Option(help="Rows (or triples) per result at most.")] = 10_000,
    max_body: Annotated[int, typer.Option(help="Largest request body in bytes.")] = 1_000_000,
    workers: Annotated[int, typer.Option(help="Query worker processes.")] = 2,
    cors: Annotated[
        list[str] | None, typer.Option(help="Origin allowed to call /sparql from a browser.")
    ] = None,
    store: StoreOption = None,
    keep_private_names: KeepPrivateOption = False,
) -> None:
    """Read-only SPARQL 1.1 endpoint at /sparql and a query UI at / (until Ctrl-C).

    Example: kg serve --port 7878 --timeout 10
    """
    from kg.serve import ServeConfig, run

    settings = _settings(store)
    config = ServeConfig(
        store_dir=settings.store_dir, host=host, port=port, timeout=timeout,
        max_rows=max_rows, max_body=max_body, workers=workers, cors=tuple(cors or ()),
        keep_private_names=keep_private_names, base_iri=settings.base_iri,
    )  # fmt: skip
    shown = f"[{host}]" if ":" in host else host
    err_console.print(f"SPARQL endpoint http://{shown}:{port}/sparql · UI http://{shown}:{port}/")
    run(config)


@app.command()
@handle_errors
def push(
    endpoint: Annotated[str, typer.Option(help="SPARQL query endpoint of the target store.")],
    graph_store: Annotated[
        str | None, typer.Option(help="Graph Store Protocol URL (default: from --endpoint).")
    ] = None,
    graph_param: Annotated[
        str, typer.Option(help="Name of the graph parameter (Virtuoso also: graph-uri).")
    ] = "graph",
    fmt: Annotated[str, typer.Option("--format", help="Upload as turtle or ntriples.")] = "turtle",
    timeout: Annotated[float, typer.Option(help="Seconds per request.")] = 60.0,
    retries: Annotated[int, typer.Option(help="Retries per graph on errors and 5xx.")] = 4,
    user: Annotated[str | None, typer.Option(help="name:password for HTTP auth.")] = None,
    digest: Annotated[bool, typer.Option(help="Digest instead of basic authentication.")] = False,
    store: StoreOption = None,
) -> None:
    """Upload every named graph to a SPARQL 1.1 Graph Store (one PUT per graph, idempotent).

    Example: kg push --endpoint http://127.0.0.1:7878/query
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from kg.push import PushTarget, graph_store_url
    from kg.push import push as run_push
    from kg.store import Store

    target = PushTarget(
        graph_store=graph_store or graph_store_url(endpoint), graph_param=graph_param,
        fmt=_push_format(fmt), timeout=timeout, retries=retries, user=user, digest=digest,
    )  # fmt: skip
    with Store(_settings(store).store_dir, read_only=True) as opened, Progress(
        TextColumn("push"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err_console, transient=True,
    ) as bar:  # fmt: skip
        task = bar.add_task("push", total=None)

        def progress(done: int, total: int, _graph: str) -> None:
            bar.update(task, completed=done, total=total)

        report = run_push(opened, target, progress=progress)
    console.print(
        f"pushed {report.graphs} graphs ({report.triples:,} triples, {report.bytes:,} bytes) "
        f"to {target.graph_store}" + (f"; {report.retries} retries" if report.retries else "")
    )


def _push_format(fmt: str) -> Any:
    from kg.errors import SettingsError

    if fmt not in ("turtle", "ntriples"):
        raise SettingsError(f"unknown upload format {fmt!r} (turtle or ntriples)")
    return fmt


# ---------------------------------------------------------------- OParl import


@app.command("import-oparl")
@handle_errors
def import_oparl_command(
    source: Annotated[
        str, typer.Argument(help="OParl System or Body URL, or saved OParl JSON (file or folder).")
    ],
    since: Annotated[
        str | None,
        typer.Option(help="Only objects modified since this ISO date-time (default: last crawl)."),
    ] = None,
    full: Annotated[
        bool, typer.Option("--full", help="Fetch every list completely, ignoring the last crawl.")
    ] = False,
    concurrency: Annotated[
        int, typer.Option(min=1, max=32, help="Lists and objects fetched at the same time.")
    ] = 4,
    timeout: Annotated[float, typer.Option(min=0.1, help="Seconds per request.")] = 30.0,
    municipality: Annotated[
        str | None, typer.Option(help="Municipality of the bodies (default: from the body name).")
    ] = None,
    protocols: Annotated[
        bool, typer.Option("--protocols/--no-protocols", help="Ingest the meetings' protocols.")
    ] = True,
    store: StoreOption = None,
) -> None:
    """Import OParl data: bodies, committees, factions, people, memberships, meetings, papers.

    Example: kg import-oparl https://oparl.example.org/ --concurrency 8
    """
    from kg.oparl_http import FetchOptions
    from kg.pipeline_oparl import import_oparl

    settings = _settings(store)
    options = FetchOptions(timeout=timeout, concurrency=concurrency)
    with _OParlProgress() as progress:
        report = import_oparl(
            source, settings, since=_iso_datetime(since), full=full, municipality=municipality,
            options=options, progress=progress, protocols=protocols,
        )  # fmt: skip
    _print_oparl_report(report, settings.store_dir)


def _iso_datetime(text: str | None) -> Any:
    import datetime as dt

    from kg.errors import SettingsError

    if text is None:
        return None
    try:
        return dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise SettingsError(f"--since: not an ISO date or date-time: {text!r}") from None


class _OParlProgress:
    """One rich progress bar per OParl list; called from the crawler's worker threads."""

    def __enter__(self) -> _OParlProgress:
        import threading

        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self.bar = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), console=err_console, transient=True,
        )  # fmt: skip
        self.tasks: dict[str, Any] = {}
        self.lock = threading.Lock()
        self.bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.__exit__(None, None, None)

    def __call__(self, task: str, done: int, total: int | None) -> None:
        with self.lock:
            if task not in self.tasks:
                self.tasks[task] = self.bar.add_task(task, total=total)
            self.bar.update(self.tasks[task], completed=done, total=total)


def _print_oparl_report(report: Any, store_dir: Path) -> None:
    from rich.markup import escape

    if report.requests:
        fetched = (f"{report.requests} requests, {report.downloaded} objects fetched, "
                   f"{report.from_cache} from the cache")  # fmt: skip
    else:
        fetched = f"{report.from_cache} objects read"
    console.print(f"imported {report.source} into {store_dir}: {fetched}", highlight=False)
    for body in report.bodies:
        counts = ", ".join(f"{kind} {n}" for kind, n in body.objects.items() if n)
        since = f", modified since {body.since}" if body.since else ""
        partial = "" if body.complete else ", some lists incomplete"
        patched = f", {body.removed} out, {body.added} in" if body.status == "replaced" else ""
        console.print(
            f"  {body.municipality}: {body.status} ({body.triples} triples{patched}; "
            f"{counts or 'no objects'}{since}{partial})",
            markup=False,
            highlight=False,
        )
    protocols = (report.protocols_added, report.protocols_replaced, report.protocols_unchanged)
    if any(protocols) or report.protocols_failed:
        console.print(
            f"  protocols: {len(protocols[0])} added, {len(protocols[1])} replaced, "
            f"{len(protocols[2])} unchanged, {len(report.protocols_failed)} failed"
        )
    for path, reason in report.protocols_failed:
        err_console.print(f"[yellow]protocol failed:[/yellow] {escape(f'{path}: {reason}')}")
    if report.warning_counts:
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(report.warning_counts.items()))
        err_console.print(f"[yellow]warnings:[/yellow] {kinds}", highlight=False)
        shown: dict[str, int] = {}
        for warning in report.warnings:
            shown[warning.kind] = shown.get(warning.kind, 0) + 1
            if shown[warning.kind] <= 3 or logging.getLogger().isEnabledFor(logging.INFO):
                err_console.print(f"  {warning.kind}: {warning.message}", markup=False,
                                  highlight=False, soft_wrap=True)  # fmt: skip


# ---------------------------------------------------------------- entities and rosters

entities_app = typer.Typer(
    help="Resolved people and organisations: list, inspect and curate (curation.yaml).",
    no_args_is_help=True,
)
roster_app = typer.Typer(help="Rosters of council members (CSV or YAML).", no_args_is_help=True)
app.add_typer(entities_app, name="entities")
app.add_typer(roster_app, name="roster")
NoteOption = Annotated[str | None, typer.Option("--note", help="Why (kept in curation.yaml).")]


@entities_app.command("list")
@handle_errors
def entities_list(
    ambiguous: Annotated[
        bool, typer.Option("--ambiguous", help="Show open ambiguities with their evidence.")
    ] = False,
    kind: Annotated[
        str | None, typer.Option("--kind", help="person, faction, party, department, ...")
    ] = None,
    store: StoreOption = None,
) -> None:
    """List entities with their canonical label, or the open ambiguities.

    Example: kg entities list --ambiguous
    """
    from kg import query_entities as qe
    from kg.store import Store

    settings = _settings(store)
    with Store(settings.store_dir, read_only=True) as opened:
        if ambiguous:
            _print_ambiguities(qe.ambiguities(opened))
            return
        rows = qe.list_entities(opened, settings.base_iri, kind)
    table = Table(title="Entities")
    for column in ("IRI", "kind", "label"):
        table.add_column(column, overflow="fold")
    table.add_column("protocols", justify="right")
    for row in rows:
        table.add_row(_shorten(row.iri), row.kind, row.label, str(row.documents))
    console.print(table)
    console.print(f"{len(rows)} entities")


def _print_ambiguities(rows: Any) -> None:
    from rich.markup import escape

    table = Table(title="Open ambiguities (settle with kg entities merge NODE --into CANDIDATE)")
    for column in ("mention", "document", "node", "candidates"):
        table.add_column(column, overflow="fold")
    for row in rows:
        candidates = "\n".join(f"{escape(lbl)} ({_shorten(iri)})" for iri, lbl in row.candidates)
        table.add_row(escape(f"„{row.quote}“"), escape(row.source), _shorten(row.node), candidates)
    console.print(table)
    console.print(f"{len(rows)} open ambiguities")


@entities_app.command("show")
@handle_errors
def entities_show(
    iri: Annotated[str, typer.Argument(help="Entity IRI (or id:hagen/person/meier).")],
    store: StoreOption = None,
) -> None:
    """Show what the store says about one entity, and its mentions (for split).

    Example: kg entities show id:hagen/person/meier
    """
    from rich.markup import escape

    from kg.pipeline_curation import entity_iri, mentions
    from kg.query_entities import entity_details
    from kg.store import Store

    settings = _settings(store)
    full = entity_iri(iri, settings)
    with Store(settings.store_dir, read_only=True) as opened:
        details = entity_details(opened, full)
    console.print(f"[bold]{escape(details.label or full)}[/bold]  {_shorten(full)}")
    console.print("types: " + ", ".join(sorted(_shorten(t) for t in details.types)))
    for link in sorted(details.same_as):
        console.print(f"same as: {_shorten(link)}")
    for record in details.ambiguous_in:
        console.print(f"candidate of open ambiguity {_shorten(record)}")
    table = Table(title="Mentions")
    for column in ("mention (for split --mention)", "quote"):
        table.add_column(column, overflow="fold")
    for row in mentions(settings, full):
        table.add_row(_shorten(row.selector), escape(row.quote))
    console.print(table)


@entities_app.command("merge")
@handle_errors
def entities_merge(
    iris: Annotated[list[str], typer.Argument(help="Entities to merge.")],
    into: Annotated[str, typer.Option("--into", help="The entity they are.")],
    note: NoteOption = None,
    store: StoreOption = None,
) -> None:
    """Merge entities into one (recorded in curation.yaml, applied now and on every ingest).

    Example: kg entities merge id:hagen/person/richter-barbara --into id:hagen/person/hanning
    """
    from kg.pipeline_curation import merge

    _report_decision("merged", merge(_settings(store), iris, into, note))


@entities_app.command("split")
@handle_errors
def entities_split(
    iri: Annotated[str, typer.Argument(help="The entity whose mentions are someone else.")],
    mention: Annotated[
        str | None, typer.Option("--mention", help="One mention: DOC_IRI#char=START,END.")
    ] = None,
    document: Annotated[
        str | None, typer.Option("--document", help="All its mentions in this document.")
    ] = None,
    note: NoteOption = None,
    store: StoreOption = None,
) -> None:
    """Split mentions off an entity (recorded in curation.yaml, applied now and on every ingest).

    Example: kg entities split id:hagen/person/meier --document id:hagen/doc/protokoll-1a2b3c
    """
    from kg.pipeline_curation import split

    decision = split(_settings(store), iri, mention=mention, document=document, note=note)
    _report_decision("split", decision)


@entities_app.command("rename")
@handle_errors
def entities_rename(
    iri: Annotated[str, typer.Argument(help="The entity.")],
    label: Annotated[str, typer.Argument(help="Its canonical label.")],
    note: NoteOption = None,
    store: StoreOption = None,
) -> None:
    """Set the label shown for an entity (skos:prefLabel; kept in curation.yaml).

    Example: kg entities rename id:hagen/person/schulz "Erik O. Schulz"
    """
    from kg.pipeline_curation import rename

    _report_decision("renamed", rename(_settings(store), iri, label, note))


def _report_decision(verb: str, decision: Any) -> None:
    names = ", ".join(_shorten(iri) for iri in decision.recorded)
    console.print(f"{verb} {names}; recorded in curation.yaml", highlight=False)
    report = decision.report
    console.print(
        f"re-resolved {len(report.documents)} documents and {len(report.rosters)} rosters "
        f"in {', '.join(report.municipalities) or 'no municipality'}",
        highlight=False,
    )


@roster_app.command("import")
@handle_errors
def roster_import(
    file: Annotated[Path, typer.Argument(help="CSV or YAML: name, given_name, faction, ...")],
    municipality: Annotated[
        str | None, typer.Option(help="Municipality (else `municipality:` in the YAML).")
    ] = None,
    store: StoreOption = None,
) -> None:
    """Import a roster of people with time-bounded faction memberships; it feeds resolution.

    Example: kg roster import rat-2020.csv --municipality Hagen
    """
    from kg.pipeline_resolution import import_roster

    settings = _settings(store)
    roster = import_roster(file, settings, municipality)
    people = len({(row.surname, row.given) for row in roster.rows})
    console.print(
        f"imported {len(roster.rows)} rows ({people} people) of {roster.municipality} as "
        f"{_shorten(str(roster.graph(settings)))}",
        highlight=False,
    )
