"""The only writer into exports/: RDF dumps (TTL, TriG, N-Quads, JSON-LD) and HTML/graph files.

N-Quads are sorted so that the same store always gives byte-identical output. JSON-LD uses the
local `ontology/context.jsonld`; nothing is fetched over the network.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph

from kg.errors import ExportError
from kg.store import Store
from kg.vocab import PREFIXES

log = logging.getLogger(__name__)

RDF_FORMATS = ("ttl", "trig", "nq", "jsonld")
CONTEXT_PATH = Path(__file__).resolve().parent.parent / "ontology" / "context.jsonld"


def load_context() -> dict[str, Any]:
    """The local JSON-LD context (the `@context` object).

    Raises:
        ExportError: when the context file is missing or invalid.
    """
    path = CONTEXT_PATH
    if not path.is_file():
        path = Path(__file__).parent / "ontology" / "context.jsonld"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ExportError(f"JSON-LD context {path}: {error}") from error
    context = data.get("@context", data)
    if not isinstance(context, dict):
        raise ExportError(f"JSON-LD context {path}: @context must be an object")
    return context


def dataset_from_store(store: Store) -> Dataset:
    """All named graphs of the store as an rdflib Dataset (for serialisers)."""
    dataset = Dataset()
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace)
    dataset.parse(data=store.dump_nquads().decode("utf-8"), format="nquads")
    return dataset


def render_rdf(store: Store, fmt: str) -> bytes:
    """The store serialised in one of `RDF_FORMATS`.

    Raises:
        ExportError: for an unknown format.
    """
    if fmt == "nq":
        return store.dump_nquads()
    if fmt not in RDF_FORMATS:
        raise ExportError(f"unknown export format {fmt!r} (use one of {', '.join(RDF_FORMATS)})")
    dataset = dataset_from_store(store)
    if fmt == "trig":
        return dataset.serialize(format="trig", encoding="utf-8")
    union = Graph()
    for prefix, namespace in PREFIXES.items():
        union.bind(prefix, namespace)
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    if fmt == "ttl":
        return union.serialize(format="turtle", encoding="utf-8")
    return union.serialize(format="json-ld", context=load_context(), encoding="utf-8")


def write_bytes(path: Path, data: bytes) -> Path:
    """Write an export file atomically (temp file + rename), creating folders.

    Raises:
        ExportError: when the file cannot be written.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError as error:
        raise ExportError(f"cannot write {path}: {error.strerror or error}") from error
    return path


def write_text(path: Path, text: str) -> Path:
    """Write a UTF-8 text export atomically.

    Raises:
        ExportError: when the file cannot be written.
    """
    return write_bytes(path, text.encode("utf-8"))
