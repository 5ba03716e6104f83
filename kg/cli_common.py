"""What every command module shares: consoles, the store option and the error wrapper.

Only the CLI prints and turns `KgError` into exit codes; the command modules use `handle_errors`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from kg.errors import KgError

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


def store_settings(store: Path | None) -> Any:
    """Settings for `--store` (else $KG_STORE, else ./ratsgraph-data)."""
    from kg.settings import load_settings

    return load_settings(store=store)


def shorten(value: str) -> str:
    """IRIs with the id: and rg: prefixes, cut at 240 characters for tables."""
    from kg.settings import DEFAULT_BASE_IRI

    value = value.replace(DEFAULT_BASE_IRI, "id:")
    value = value.replace("https://w3id.org/ratsgraph/ontology#", "rg:")
    return value if len(value) <= 240 else value[:237] + "…"
