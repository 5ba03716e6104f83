"""Commands that read the graph over SPARQL: `kg query`, `kg queries`, `kg serve`, `kg push`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from kg.cli_common import (
    KeepPrivateOption,
    StoreOption,
    console,
    err_console,
    handle_errors,
    shorten,
    store_settings,
)


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
        list[str] | None,
        typer.Option("--param", "-p", help="Bind name=value (an IRI, a name, a day or text)."),
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

    Example: kg query --name questions-about-topic --param topic=Quartiersmanagement
    --param since=2024-01-01 (a name where an IRI is asked for is looked up; see kg queries)
    """
    from kg import query as q

    text, saved = _query_text(sparql, file, name)
    bindings = q.parse_params(param or [], saved)
    if endpoint:
        rows = _run(saved, text, bindings, partial(q.remote_select, endpoint))
    else:
        from kg.store import Store

        with Store(store_settings(store).store_dir, read_only=True) as opened:
            rows = _run(saved, text, bindings, partial(q.select, opened))
    if fmt == "table":
        _print_table(rows, saved.title if saved else None)
    else:
        sys.stdout.write(q.format_rows(rows, fmt))


def _run(saved: Any, text: str, bindings: dict[str, Any], run: Callable[..., Any]) -> Any:
    """Run the query; names given for a saved query's IRI parameters are looked up first."""
    from kg import query as q

    if saved is not None:
        bindings, said = q.names_to_iris(bindings, saved, run)
        for line in said:
            err_console.print(line, highlight=False)
    return run(text, bindings)


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
        table.add_row(*[shorten(cell(row.get(v))) for v in rows.variables])
    console.print(table)
    console.print(f"{len(rows.rows)} rows")


@handle_errors
def queries_command() -> None:
    """List the saved queries (kg/queries/*.rq) with their parameters.

    Example: kg queries
    """
    from kg.query import saved_queries

    found = saved_queries()
    table = Table(title="Saved queries: kg query --name NAME [--param key=value]", show_lines=True)
    table.add_column("name", no_wrap=True, min_width=max(map(len, found), default=4))
    table.add_column("what it answers", overflow="fold")
    for saved in found.values():
        params = "".join(
            f"\n[italic]--param {key}=…[/italic]  {escape(text)}"
            for key, text in saved.params.items()
        )
        table.add_row(
            saved.name, f"[bold]{escape(saved.title)}[/bold]\n{escape(saved.description)}{params}"
        )
    console.print(table)
    console.print(f"{len(found)} saved queries")


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

    settings = store_settings(store)
    config = ServeConfig(
        store_dir=settings.store_dir, host=host, port=port, timeout=timeout,
        max_rows=max_rows, max_body=max_body, workers=workers, cors=tuple(cors or ()),
        keep_private_names=keep_private_names, base_iri=settings.base_iri,
    )  # fmt: skip
    shown = f"[{host}]" if ":" in host else host
    err_console.print(f"SPARQL endpoint http://{shown}:{port}/sparql · UI http://{shown}:{port}/")
    run(config)


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
    with Store(store_settings(store).store_dir, read_only=True) as opened, Progress(
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
