"""SPARQL results -> bytes in the negotiated media type, cut at a row limit.

SELECT and ASK results become SPARQL 1.1 Query Results JSON, XML, CSV or TSV; CONSTRUCT and
DESCRIBE results become Turtle or N-Triples. Only the first `max_rows` solutions (or triples)
are read from the engine, so a huge result never builds up in memory.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from kg.errors import QueryError
from kg.vocab import PREFIXES

JSON = "application/sparql-results+json"
XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
TURTLE = "text/turtle"
NTRIPLES = "application/n-triples"
#: Offered media types, the default first.
SOLUTION_TYPES = (JSON, XML, CSV, TSV)
GRAPH_TYPES = (TURTLE, NTRIPLES)
#: Media types clients commonly send for the ones above.
ALIASES = {
    "application/json": JSON,
    "application/xml": XML,
    "text/xml": XML,
    "text/plain": NTRIPLES,
}
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"


class NotAcceptableError(QueryError):
    """The client accepts none of the media types this result can be given in."""


@dataclass(frozen=True, slots=True)
class Payload:
    """A serialised result: media type, bytes, rows (or triples) written, whether cut off."""

    media_type: str
    body: bytes
    rows: int = 0
    truncated: bool = False


def negotiate(accept: str | None, offered: Sequence[str]) -> str | None:
    """The offered media type the Accept header prefers (the first offered one on a tie).

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", SOLUTION_TYPES)
    'application/sparql-results+xml'
    >>> negotiate("text/html,*/*;q=0.8", GRAPH_TYPES)
    'text/turtle'
    >>> negotiate("image/png", SOLUTION_TYPES) is None
    True
    """
    if not accept or not accept.strip():
        return offered[0]
    ranges = [_media_range(part) for part in accept.split(",") if part.strip()]
    best, best_q = None, 0.0
    for media_type in offered:
        q = _quality(media_type, ranges)
        if q > best_q:
            best, best_q = media_type, q
    return best


def _media_range(part: str) -> tuple[str, float]:
    name, *params = (p.strip() for p in part.split(";"))
    q = 1.0
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "q":
            try:
                q = max(0.0, min(1.0, float(value)))
            except ValueError:
                q = 0.0
    name = name.lower()
    return ALIASES.get(name, name), q


def _quality(media_type: str, ranges: list[tuple[str, float]]) -> float:
    """q of the most specific range that matches (exact > type/* > */*)."""
    major = media_type.split("/")[0]
    for candidate in (media_type, f"{major}/*", "*/*"):
        matches = [q for name, q in ranges if name == candidate]
        if matches:
            return max(matches)
    return 0.0


def serialize(result: Any, accept: str | None, max_rows: int) -> Payload:
    """Serialise a pyoxigraph query result for the client's Accept header.

    Raises:
        NotAcceptableError: when no offered media type is acceptable.
    """
    if isinstance(result, ox.QueryBoolean):
        media_type = _choose(accept, SOLUTION_TYPES)
        return Payload(media_type, _boolean(bool(result), media_type), rows=1)
    if isinstance(result, ox.QuerySolutions):
        media_type = _choose(accept, SOLUTION_TYPES)
        variables = [v.value for v in result.variables]
        rows = list(itertools.islice(result, max_rows + 1))
        kept = rows[:max_rows]
        body = _solutions(variables, kept, media_type)
        return Payload(media_type, body, rows=len(kept), truncated=len(rows) > max_rows)
    media_type = _choose(accept, GRAPH_TYPES)
    triples = list(itertools.islice(result, max_rows + 1))
    kept = triples[:max_rows]
    return Payload(media_type, _graph(kept, media_type), len(kept), len(triples) > max_rows)


def _choose(accept: str | None, offered: Sequence[str]) -> str:
    media_type = negotiate(accept, offered)
    if media_type is None:
        raise NotAcceptableError(
            f"cannot answer in any of the accepted types ({accept}); this result is available "
            f"as {', '.join(offered)}"
        )
    return media_type


def _solutions(variables: list[str], rows: list[Any], media_type: str) -> bytes:
    if media_type == JSON:
        bindings = [
            {v: _json_term(row[v]) for v in variables if row[v] is not None} for row in rows
        ]
        data = {"head": {"vars": variables}, "results": {"bindings": bindings}}
        return json.dumps(data, ensure_ascii=False).encode("utf-8")
    if media_type == XML:
        return _xml(variables, rows).encode("utf-8")
    out = io.StringIO()
    if media_type == CSV:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows([_csv_value(row[v]) for v in variables] for row in rows)
    else:
        out.write("\t".join(f"?{v}" for v in variables) + "\n")
        for row in rows:
            out.write("\t".join("" if row[v] is None else str(row[v]) for v in variables) + "\n")
    return out.getvalue().encode("utf-8")


def _json_term(term: Any) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        value = {"type": "literal", "value": term.value}
        if term.language:
            value["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            value["datatype"] = term.datatype.value
        return value
    return {"type": "literal", "value": str(term)}


def _csv_value(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term.value) if hasattr(term, "value") else str(term)


def _xml(variables: list[str], rows: list[Any]) -> str:
    parts = [f'<?xml version="1.0"?>\n<sparql xmlns="{_RESULTS_NS}">\n<head>']
    parts += [f"<variable name={quoteattr(v)}/>" for v in variables]
    parts.append("</head>\n<results>")
    for row in rows:
        parts.append("<result>")
        for v in variables:
            if row[v] is not None:
                parts.append(f"<binding name={quoteattr(v)}>{_xml_term(row[v])}</binding>")
        parts.append("</result>")
    parts.append("</results>\n</sparql>\n")
    return "\n".join(parts)


def _xml_term(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != _XSD_STRING:
            datatype = quoteattr(term.datatype.value)
            return f"<literal datatype={datatype}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return f"<literal>{escape(str(term))}</literal>"


def _boolean(value: bool, media_type: str) -> bytes:
    text = "true" if value else "false"
    if media_type == JSON:
        return json.dumps({"head": {}, "boolean": value}).encode("utf-8")
    if media_type == XML:
        return (
            f'<?xml version="1.0"?>\n<sparql xmlns="{_RESULTS_NS}">\n<head/>\n'
            f"<boolean>{text}</boolean>\n</sparql>\n"
        ).encode()
    return f"_askResult\r\n{text}\r\n".encode()


def _graph(triples: Iterable[Any], media_type: str) -> bytes:
    if media_type == TURTLE:
        data = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=dict(PREFIXES))
    else:
        data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    return data or b""
