"""Thin typer shell: one small function per command; `KgError` -> one-line message + exit code.

The commands live in `kg.cli_ingest`, `kg.cli_query`, `kg.cli_output` and `kg.cli_entities`;
this module holds the app and registers them in the order `kg --help` lists them.
Run `kg --help` for the commands; the README shows an example of each.
"""

from __future__ import annotations

import logging
import sys
from typing import Annotated

import typer

from kg.cli_entities import entities_app, roster_app
from kg.cli_ingest import import_oparl_command, ingest
from kg.cli_output import analyse_command, eval_command, export, stats, viz
from kg.cli_query import push, queries_command, query, serve

app = typer.Typer(
    name="kg",
    help="Ratsgraph: German council protocols as an RDF knowledge graph.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


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


app.command()(ingest)
app.command()(query)
app.command()(export)
app.command()(stats)
app.command("eval")(eval_command)
app.command("analyse")(analyse_command)
app.command()(viz)
app.command("queries")(queries_command)
app.command()(serve)
app.command()(push)
app.command("import-oparl")(import_oparl_command)
app.add_typer(entities_app, name="entities")
app.add_typer(roster_app, name="roster")
