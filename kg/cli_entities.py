"""`kg entities` (list, inspect, curate) and `kg roster`: the sub-apps of resolved entities."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from kg.cli_common import StoreOption, console, handle_errors, shorten, store_settings

entities_app = typer.Typer(
    help="Resolved people and organisations: list, inspect and curate (curation.yaml).",
    no_args_is_help=True,
)
roster_app = typer.Typer(help="Rosters of council members (CSV or YAML).", no_args_is_help=True)
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

    settings = store_settings(store)
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
        table.add_row(shorten(row.iri), row.kind, row.label, str(row.documents))
    console.print(table)
    console.print(f"{len(rows)} entities")


def _print_ambiguities(rows: Any) -> None:
    from rich.markup import escape

    table = Table(title="Open ambiguities (settle with kg entities merge NODE --into CANDIDATE)")
    for column in ("mention", "document", "node", "candidates"):
        table.add_column(column, overflow="fold")
    for row in rows:
        candidates = "\n".join(f"{escape(lbl)} ({shorten(iri)})" for iri, lbl in row.candidates)
        table.add_row(escape(f"„{row.quote}“"), escape(row.source), shorten(row.node), candidates)
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

    settings = store_settings(store)
    full = entity_iri(iri, settings)
    with Store(settings.store_dir, read_only=True) as opened:
        details = entity_details(opened, full)
    console.print(f"[bold]{escape(details.label or full)}[/bold]  {shorten(full)}")
    console.print("types: " + ", ".join(sorted(shorten(t) for t in details.types)))
    for link in sorted(details.same_as):
        console.print(f"same as: {shorten(link)}")
    for record in details.ambiguous_in:
        console.print(f"candidate of open ambiguity {shorten(record)}")
    table = Table(title="Mentions")
    for column in ("mention (for split --mention)", "quote"):
        table.add_column(column, overflow="fold")
    for row in mentions(settings, full):
        table.add_row(shorten(row.selector), escape(row.quote))
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

    _report_decision("merged", merge(store_settings(store), iris, into, note))


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

    decision = split(store_settings(store), iri, mention=mention, document=document, note=note)
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

    _report_decision("renamed", rename(store_settings(store), iri, label, note))


def _report_decision(verb: str, decision: Any) -> None:
    names = ", ".join(shorten(iri) for iri in decision.recorded)
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

    settings = store_settings(store)
    roster = import_roster(file, settings, municipality)
    people = len({(row.surname, row.given) for row in roster.rows})
    console.print(
        f"imported {len(roster.rows)} rows ({people} people) of {roster.municipality} as "
        f"{shorten(str(roster.graph(settings)))}",
        highlight=False,
    )
