"""Settings shared by all stages: where the store lives and how IRIs are minted.

Values come from CLI options first, then environment variables (`KG_STORE`, `KG_BASE_IRI`),
then defaults.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import SettingsError

DEFAULT_STORE = Path("ratsgraph-data")
DEFAULT_BASE_IRI = "https://w3id.org/ratsgraph/id/"


@dataclass(frozen=True, slots=True)
class Settings:
    """Run-wide settings; frozen so stages cannot change them under each other.

    Attributes:
        store_dir: directory of the persistent store.
        base_iri: prefix of every instance IRI (must end with "/" or "#").
        keep_private_names: keep names of private citizens in exports and views.
    """

    store_dir: Path = DEFAULT_STORE
    base_iri: str = DEFAULT_BASE_IRI
    keep_private_names: bool = False

    def __post_init__(self) -> None:
        if not self.base_iri.endswith(("/", "#")):
            raise SettingsError(f"base IRI must end with '/' or '#': {self.base_iri!r}")
        try:  # the store bulk-loads without checking IRIs again (`Store.add_graphs`)
            ox.NamedNode(self.base_iri + "x")
        except ValueError as error:
            raise SettingsError(f"base IRI is not an absolute IRI: {self.base_iri!r}") from error


def load_settings(store: Path | None = None, base_iri: str | None = None) -> Settings:
    """Build settings from explicit values, the environment and defaults.

    Raises:
        SettingsError: when the base IRI is malformed.
    """
    env_store = os.environ.get("KG_STORE")
    store_dir = store or (Path(env_store) if env_store else DEFAULT_STORE)
    return Settings(
        store_dir=store_dir,
        base_iri=base_iri or os.environ.get("KG_BASE_IRI") or DEFAULT_BASE_IRI,
    )


EXAMPLE_SETTINGS = Settings()
