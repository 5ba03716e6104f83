"""Commands that fill the store: `kg ingest` (protocol files) and `kg import-oparl`."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

import typer

from kg.cli_common import StoreOption, console, err_console, handle_errors, store_settings
from kg.errors import SettingsError

EXIT_SOME_FAILED = 4


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

    settings = store_settings(store)
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
        f"{len(report.failed)} failed ({report.triples} triples written"
        + ("; store compacted after the large load)" if report.compacted else ")")
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

    settings = store_settings(store)
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
