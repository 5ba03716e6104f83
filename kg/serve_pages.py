"""Data behind the HTML pages of `kg serve`, gathered inside a query worker.

`entity_data` collects what the entity page shows (label, types, facts, statements with their
source quotes); `ego_view` renders the interactive network around an entity. Both return plain
values; templates in the server process turn them into HTML with autoescaping.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rdflib import Literal, URIRef
from rdflib.term import Node

from kg.errors import AnalyseError, QueryError
from kg.query import bind_values
from kg.store import Store
from kg.vocab import PREFIXES

MAX_FACTS = 300
MAX_STATEMENTS = 200
MAX_LITERAL = 600
_LABELS = (PREFIXES["rdfs"] + "label", "http://schema.org/name", PREFIXES["foaf"] + "name")

_FACTS = f"""
SELECT DISTINCT ?entity ?p ?o ?oLabel WHERE {{
  ?entity ?p ?o .
  OPTIONAL {{ ?o rdfs:label ?oLabel }}
}} ORDER BY ?p ?o LIMIT {MAX_FACTS}"""

_INCOMING = f"""
SELECT DISTINCT ?entity ?s ?p ?sLabel WHERE {{
  ?s ?p ?entity .
  OPTIONAL {{ ?s rdfs:label ?sLabel }}
}} ORDER BY ?p ?s LIMIT {MAX_FACTS}"""

_STATEMENTS = """
SELECT DISTINCT ?entity ?role ?statement ?date ?top ?speaker ?speakerIri ?act ?quote WHERE {
  { ?statement schema:creator ?entity BIND("speaker" AS ?role) }
  UNION { ?statement rg:about ?entity BIND("about" AS ?role) }
  UNION { ?statement rg:onBehalfOf ?entity BIND("on behalf of" AS ?role) }
  UNION { ?statement rg:addressee ?entity BIND("addressed" AS ?role) }
  GRAPH ?document {
    ?statement a rg:Statement ;
               schema:creator ?speakerIri ;
               dcterms:isPartOf ?item .
    ?speakerIri rdfs:label ?speaker .
    ?annotation oa:hasBody ?statement ;
                oa:hasTarget/oa:hasSelector/oa:exact ?quote .
    OPTIONAL { ?statement rg:act ?act }
    OPTIONAL { ?item rg:agendaNumber ?top }
    OPTIONAL { ?item schema:superEvent/schema:startDate ?date }
  }
} ORDER BY ?date ?statement LIMIT """ + str(MAX_STATEMENTS * 4)


class EntityNotFoundError(QueryError):
    """The store says nothing about the requested IRI."""


@dataclass(frozen=True, slots=True)
class Link:
    """A value on the entity page: text, plus the IRI it links to (None for literals)."""

    text: str
    iri: str | None = None


def entity_data(store: Store, iri: str) -> dict[str, Any]:
    """Everything the entity page shows about `iri`.

    Raises:
        EntityNotFoundError: when no triple has `iri` as subject or object.
        StoreError: when the store cannot be read.
    """
    bound: dict[str, Node] = {"entity": URIRef(iri)}
    facts = store.select(bind_values(_FACTS, bound))
    incoming = store.select(bind_values(_INCOMING, bound))
    if not facts and not incoming:
        raise EntityNotFoundError(f"nothing is known about <{iri}>")
    labels = [str(r["o"]) for r in facts if str(r["p"]) in _LABELS]
    types = sorted({str(r["o"]) for r in facts if str(r["p"]) == PREFIXES["rdf"] + "type"})
    return {
        "iri": iri,
        "label": max(labels, key=lambda text: (len(text), text)) if labels else short(iri),
        "types": [Link(short(t), t) for t in types],
        "facts": [
            (short(str(r["p"])), _value(r["o"], r.get("oLabel"))) for r in _unique(facts, "o")
        ],
        "incoming": [
            (Link(str(r.get("sLabel") or short(str(r["s"]))), str(r["s"])), short(str(r["p"])))
            for r in _unique(incoming, "s")
        ],
        "statements": _statements(store.select(bind_values(_STATEMENTS, bound))),
    }


def _unique(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """One row per (predicate, value): the first label wins."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for row in rows:
        marker = (str(row["p"]), str(row[key]))
        if marker not in seen:
            seen.add(marker)
            kept.append(row)
    return kept


def _value(term: Any, label: Any) -> Link:
    if isinstance(term, URIRef):
        return Link(str(label) if label is not None else short(str(term)), str(term))
    text = str(term)
    if isinstance(term, Literal) and len(text) > MAX_LITERAL:
        text = text[:MAX_LITERAL] + f" … ({len(str(term)):,} characters)"
    return Link(text)


def _statements(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for row in rows:
        key = str(row["statement"])
        entry = merged.setdefault(key, {
            "iri": key, "date": str(row.get("date", "")), "top": str(row.get("top", "")),
            "speaker": Link(str(row["speaker"]), str(row["speakerIri"])),
            "roles": set(), "acts": set(), "quote": str(row["quote"]),
        })  # fmt: skip
        entry["roles"].add(str(row["role"]))
        if "act" in row:
            entry["acts"].add(str(row["act"]).rsplit("#", 1)[-1])
    entries = list(merged.values())[:MAX_STATEMENTS]
    for entry in entries:
        entry["roles"] = ", ".join(sorted(entry["roles"]))
        entry["acts"] = ", ".join(sorted(entry["acts"]))
    return entries


def short(iri: str) -> str:
    """A prefixed name for known namespaces, else the IRI.

    >>> short("http://xmlns.com/foaf/0.1/Person")
    'foaf:Person'
    """
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def ego_view(store: Store, iri: str) -> str:
    """The interactive network page around `iri` (its neighbours in all views).

    Raises:
        EntityNotFoundError: when the entity is not a node of the networks.
        StoreError: when the store cannot be read.
    """
    from kg.analyse_views import view_graph
    from kg.visualise import render_network

    try:
        graph = view_graph(store, "ego", focus=iri)
    except AnalyseError as error:
        raise EntityNotFoundError(str(error)) from error
    label = graph.nodes[iri].get("label", iri) if iri in graph else iri
    return render_network(graph, title=f"Ratsgraph: network around {label}", seed=0)
