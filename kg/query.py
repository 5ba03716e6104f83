"""Named and ad-hoc SPARQL -> rows, the same rows whatever the backend.

Saved queries live in `kg/queries/NAME.rq`; their header comment (`# title:`,
`# description:`, `# param NAME: text`) is their documentation. Parameters are bound as RDF
terms through SPARQL substitutions, never by pasting user input into the query text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.term import Node

from kg.errors import QueryError, StoreError
from kg.ids import fold
from kg.store import Store

QUERIES_DIR = Path(__file__).parent / "queries"
XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")
#: Parameters that are days (saved queries compare them with meeting dates).
DATE_PARAMS = frozenset({"date", "since", "until"})
FORMATS = ("table", "csv", "tsv", "json", "markdown")
# Applied to the masked text (strings, IRIs and comments blanked), so neither a comment before
# an update nor a "#" inside an IRI can hide a keyword.
_UPDATE_RE = re.compile(
    r"^\s*(?:(?:PREFIX\s+[^\s:]*:|BASE)\s*)*"
    r"(?:INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b",
    re.IGNORECASE,
)
_LEXEMES_RE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*'
)
#: Characters IRIREF excludes: an IRI holding one could end the <...> it is written in.
_BAD_IRI_RE = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_CODEPOINT_RE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True, slots=True)
class SavedQuery:
    """A query file with the documentation from its header comment."""

    name: str
    title: str
    description: str
    params: dict[str, str]
    sparql: str


@dataclass(frozen=True, slots=True)
class Rows:
    """Result of a SELECT query: variable names and rows of rdflib terms."""

    variables: list[str]
    rows: list[dict[str, Node]] = field(default_factory=list)


def saved_queries() -> dict[str, SavedQuery]:
    """All saved queries by name."""
    return {path.stem: load_saved(path) for path in sorted(QUERIES_DIR.glob("*.rq"))}


def load_saved(path: Path) -> SavedQuery:
    """Read a `.rq` file and its header comment."""
    text = path.read_text(encoding="utf-8")
    header: dict[str, str] = {}
    params: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        m = re.match(r"#\s*param\s+(\w+)\s*:\s*(.*)", line)
        if m:
            params[m.group(1)] = m.group(2).strip()
            continue
        m = re.match(r"#\s*(\w+)\s*:\s*(.*)", line)
        if m:
            header[m.group(1).lower()] = m.group(2).strip()
    return SavedQuery(
        name=path.stem,
        title=header.get("title", path.stem),
        description=header.get("description", ""),
        params=params,
        sparql=text,
    )


def saved_query(name: str) -> SavedQuery:
    """The saved query `name`.

    Raises:
        QueryError: when there is no such query.
    """
    queries = saved_queries()
    if name not in queries:
        known = ", ".join(sorted(queries)) or "none"
        raise QueryError(f"no saved query named {name!r} (known: {known})")
    return queries[name]


def parse_params(pairs: list[str], query: SavedQuery | None = None) -> dict[str, Node]:
    """`key=value` strings to RDF terms: `<…>`/http(s) values become IRIs, others literals;
    `date`, `since` and `until` are days (2024-04-30 or 30.04.2024).

    Raises:
        QueryError: when a pair has no `=`, names a parameter the query does not declare, or
            gives a day that is none.

    >>> parse_params(["person=https://example.org/p/1", "q=Müll"])
    {'person': rdflib.term.URIRef('https://example.org/p/1'), 'q': rdflib.term.Literal('Müll')}
    """
    bound: dict[str, Node] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not re.fullmatch(r"\w+", key):
            raise QueryError(f"parameter {pair!r} must look like name=value")
        if query is not None and query.params and key not in query.params:
            raise QueryError(f"query {query.name!r} has no parameter {key!r}")
        bound[key] = _day(key, value) if key in DATE_PARAMS else _term(value)
    return bound


def _day(key: str, value: str) -> Literal:
    """A day parameter as xsd:date, from 2024-04-30 or the German 30.04.2024.

    Raises:
        QueryError: for anything else (a wrong day would match nothing, silently).
    """
    text = value.strip()
    german = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
    if german:
        text = f"{german[3]}-{int(german[2]):02d}-{int(german[1]):02d}"
    try:
        day = dt.date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        day = None
    if day is None:
        raise QueryError(f"{key}: give a day as 2024-04-30 or 30.04.2024, not {value!r}")
    return Literal(day.isoformat(), datatype=XSD_DATE)


#: The type a name given for an IRI parameter must have, by parameter (others: any type).
PARAM_TYPES = {"person": "Person"}
_MAX_CANDIDATES = 10


def iri_params(query: SavedQuery) -> list[str]:
    """The parameters a saved query documents as IRIs ("IRI of …", "optional IRI of …")."""
    return [key for key, text in query.params.items() if re.match(r"(optional )?IRI\b", text)]


def names_to_iris(
    bindings: dict[str, Node], query: SavedQuery, run: Callable[[str, dict[str, Node]], Rows]
) -> tuple[dict[str, Node], list[str]]:
    """Bindings with names given for IRI parameters replaced by the one entity so named.

    `topic=Quartiersmanagement` becomes the IRI of the entity whose canonical name is
    "Quartiersmanagement" (or the only one whose name contains it), looked up with the saved
    query `entity-search` through `run` (local store or remote endpoint). Returns the bindings
    and one line per replacement, for the caller to show: nothing is replaced silently.

    Raises:
        QueryError: when no entity, or more than one, fits a name (the candidates are listed).
    """
    resolved, said = dict(bindings), []
    search = saved_query("entity-search")
    for key in iri_params(query):
        value = bindings.get(key)
        if not isinstance(value, Literal):
            continue
        if not str(value).strip():
            raise QueryError(f"{key}: give an IRI or a name, not an empty value")
        wanted = PARAM_TYPES.get(key, "")
        rows = [
            row
            for row in run(search.sparql, {"name": Literal(str(value))}).rows
            if wanted in str(row.get("types", ""))
        ]
        exact = [row for row in rows if fold(str(row["label"])) == fold(str(value))]
        found = exact if exact else rows
        if len(found) != 1:
            raise QueryError(_no_single_entity(key, str(value), found))
        resolved[key] = found[0]["entity"]
        said.append(f"{key}: {str(value)!r} is {found[0]['label']} <{found[0]['entity']}>")
    return resolved, said


def _no_single_entity(key: str, name: str, rows: list[dict[str, Node]]) -> str:
    if not rows:
        return (
            f"{key}: no entity is named {name!r}; find one with "
            f"`kg query --name entity-search --param name=…` and give its IRI"
        )
    listed = "; ".join(
        f"{row['label']} ({row['types']}) <{row['entity']}>" for row in rows[:_MAX_CANDIDATES]
    )
    more = f" and {len(rows) - _MAX_CANDIDATES} more" if len(rows) > _MAX_CANDIDATES else ""
    return f"{key}: {len(rows)} entities fit {name!r}, give the IRI of one: {listed}{more}"


def _term(value: str) -> Node:
    stripped = value.strip()
    if stripped.startswith("<") and stripped.endswith(">"):
        stripped = stripped[1:-1]
    if re.match(r"^https?://\S+$", stripped):
        if _BAD_IRI_RE.search(stripped):
            raise QueryError(f"not a valid IRI: {stripped[:80]!r}")
        return URIRef(stripped)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", stripped):
        return Literal(stripped, datatype=XSD_DATE)
    return Literal(value)


def check_read_only(sparql: str) -> None:
    """Refuse updates, LOAD and federation (SERVICE).

    Raises:
        QueryError: for SPARQL Update operations and SERVICE clauses.
    """
    code = mask_lexemes(_CODEPOINT_RE.sub(_codepoint, sparql))
    if _UPDATE_RE.search(code):
        raise QueryError("SPARQL Update is not allowed here: queries are read-only")
    if re.search(r"\bSERVICE\b", code, re.IGNORECASE):
        raise QueryError("SERVICE (federated queries) is not allowed")


def mask_lexemes(sparql: str) -> str:
    """The query with strings, IRIs and comments blanked out (same length, same offsets).

    >>> mask_lexemes('SELECT * { ?s <http://x#SERVICE> "SERVICE" } # SERVICE')
    'SELECT * { ?s                    "       " }          '
    """
    return _LEXEMES_RE.sub(_blank, sparql)


def _blank(match: re.Match[str]) -> str:
    text = match.group(0)
    if text.startswith(("'", '"')):
        quote = text[:3] if text[:3] in ('"""', "'''") else text[0]
        return quote + re.sub(r"[^\n]", " ", text[len(quote) : -len(quote)]) + quote
    return re.sub(r"[^\n]", " ", text)


def _codepoint(match: re.Match[str]) -> str:
    """Decode a \\uXXXX escape: SPARQL allows them anywhere, keywords included."""
    return chr(int(match.group(1) or match.group(2), 16))


def select(store: Store, sparql: str, bindings: dict[str, Node] | None = None) -> Rows:
    """Run a read-only SELECT query on the store.

    Raises:
        QueryError: when the query is malformed, not a SELECT, or an update.
    """
    check_read_only(sparql)
    if bindings:
        sparql = bind_values(sparql, bindings)
    try:
        result = store.raw_query(sparql)
    except StoreError as error:
        raise QueryError(str(error)) from error
    variables = getattr(result, "variables", None)
    if variables is None:
        raise QueryError("only SELECT queries can be shown as rows; use `kg serve` for others")
    names = [v.value for v in variables]
    from kg.store import to_rdflib

    rows = [{n: to_rdflib(s[n]) for n in names if s[n] is not None} for s in result]
    return Rows(variables=names, rows=rows)


def cell(term: Node | None) -> str:
    """Plain text of a term for tables and CSV."""
    return "" if term is None else str(term)


def format_rows(rows: Rows, fmt: str) -> str:
    """Rows as CSV, TSV, Markdown or SPARQL 1.1 JSON results.

    Raises:
        QueryError: for an unknown format.
    """
    if fmt in ("csv", "tsv"):
        out = io.StringIO()
        writer = csv.writer(out, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(rows.variables)
        for row in rows.rows:
            writer.writerow([cell(row.get(v)) for v in rows.variables])
        return out.getvalue()
    if fmt == "json":
        return json.dumps(sparql_json(rows), ensure_ascii=False, indent=1)
    if fmt == "markdown":
        lines = ["| " + " | ".join(rows.variables) + " |", "|" + "---|" * len(rows.variables)]
        for row in rows.rows:
            cells = [
                cell(row.get(v)).replace("|", "\\|").replace("\n", " ") for v in rows.variables
            ]
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines) + "\n"
    raise QueryError(f"unknown format {fmt!r} (use one of {', '.join(FORMATS)})")


def sparql_json(rows: Rows) -> dict[str, object]:
    """SPARQL 1.1 Query Results JSON for the rows."""
    bindings = []
    for row in rows.rows:
        binding: dict[str, dict[str, str]] = {}
        for name, term in row.items():
            if isinstance(term, URIRef):
                binding[name] = {"type": "uri", "value": str(term)}
            elif isinstance(term, Literal):
                value: dict[str, str] = {"type": "literal", "value": str(term)}
                if term.language:
                    value["xml:lang"] = term.language
                elif term.datatype and term.datatype != XSD_STRING:
                    value["datatype"] = str(term.datatype)
                binding[name] = value
            else:
                binding[name] = {"type": "bnode", "value": str(term)}
        bindings.append(binding)
    return {"head": {"vars": rows.variables}, "results": {"bindings": bindings}}


def remote_select(endpoint: str, sparql: str, bindings: dict[str, Node] | None = None) -> Rows:
    """Run a SELECT query on a remote SPARQL 1.1 endpoint; bindings become a VALUES block.

    Raises:
        QueryError: when the endpoint cannot be reached or answers with an error.
    """
    import httpx

    check_read_only(sparql)
    sparql = with_prefixes(sparql)
    if bindings:
        sparql = bind_values(sparql, bindings)
    try:
        response = httpx.post(
            endpoint,
            data={"query": sparql},
            headers={"Accept": "application/sparql-results+json"},
            timeout=60,
        )
        response.raise_for_status()
        data = response.json()
    except (httpx.HTTPError, ValueError) as error:
        raise QueryError(f"endpoint {endpoint}: {error}") from error
    return _rows_from_json(data)


def bind_values(sparql: str, bindings: dict[str, Node]) -> str:
    """Bind parameters with VALUES clauses of serialised RDF terms (never raw user text).

    A value reaches every (sub)query that projects its variable: each such SELECT gets its own
    VALUES block at the start of its WHERE clause. Used for the local store too, rather than
    pyoxigraph's substitutions: the query planner sees the constant (a person's statements
    in 1 ms instead of a scan of all statements), and every backend gets the same text.

    Raises:
        QueryError: when no SELECT projects a parameter, or an IRI is malformed.

    >>> query = "SELECT ?x WHERE { { SELECT ?x WHERE { ?x ?p ?o } } }"
    >>> text = bind_values(query, {"x": URIRef("a:b")})
    >>> text.count("VALUES (?x) { (<a:b>) }")
    2
    """
    code = mask_lexemes(sparql)
    inserts: list[tuple[int, str]] = []
    for match in re.finditer(r"\bSELECT\b(.*?)\bWHERE\s*\{", code, re.IGNORECASE | re.DOTALL):
        projected = [
            name
            for name in bindings
            if match.group(1).strip().startswith("*") or re.search(rf"[?$]{name}\b", match.group(1))
        ]
        if projected:
            names = " ".join(f"?{name}" for name in projected)
            terms = " ".join(_typed(bindings[name]).n3() for name in projected)
            inserts.append((match.end(), f" VALUES ({names}) {{ ({terms}) }}"))
    if not inserts:
        raise QueryError("cannot bind parameters: no SELECT ... WHERE projects them")
    for position, values in reversed(inserts):
        sparql = sparql[:position] + values + sparql[position:]
    return sparql


def _typed(term: Node) -> Node:
    """A simple literal as the equal `xsd:string` literal.

    Virtuoso 7 compares untyped non-ASCII literals from VALUES wrongly with stored text.
    """
    if isinstance(term, Literal) and term.language is None and term.datatype is None:
        return Literal(str(term), datatype=XSD_STRING)
    if isinstance(term, URIRef) and _BAD_IRI_RE.search(str(term)):
        raise QueryError(f"not a valid IRI: {str(term)[:80]!r}")
    return term


def with_prefixes(sparql: str) -> str:
    """Declare the common prefixes (`rg:`, `schema:`, …) a query uses but does not declare.

    Local queries get them from the store; remote endpoints need them in the text.

    >>> with_prefixes("SELECT ?s WHERE { ?s a rg:Statement }").splitlines()[0]
    'PREFIX rg: <https://w3id.org/ratsgraph/ontology#>'
    """
    from kg.vocab import PREFIXES

    code = mask_lexemes(sparql)
    declared = set(re.findall(r"\bPREFIX\s+([\w.-]*):", code, re.IGNORECASE))
    used = set(re.findall(r"(?<![\w?$])([A-Za-z][\w.-]*):", code))
    missing = sorted((used - declared) & set(PREFIXES))
    lines = [f"PREFIX {prefix}: <{PREFIXES[prefix]}>" for prefix in missing]
    return "\n".join([*lines, sparql]) if lines else sparql


def _rows_from_json(data: dict[str, object]) -> Rows:
    head = data.get("head", {})
    variables = list(head.get("vars", [])) if isinstance(head, dict) else []
    results = data.get("results", {})
    bindings = results.get("bindings", []) if isinstance(results, dict) else []
    rows = []
    for binding in bindings:
        row: dict[str, Node] = {}
        for name, value in binding.items():
            if value.get("type") == "uri":
                row[name] = URIRef(value["value"])
            else:
                datatype = value.get("datatype")
                row[name] = Literal(
                    value["value"],
                    lang=value.get("xml:lang"),
                    datatype=URIRef(datatype) if datatype else None,
                )
        rows.append(row)
    return Rows(variables=variables, rows=rows)


def class_counts(store: Store) -> list[tuple[str, int]]:
    """Instances per class (prefixed names), most frequent first."""
    rows = store.select(
        "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } "
        "GROUP BY ?class ORDER BY DESC(?n) ?class"
    )
    return [(_prefixed(str(r["class"])), int(str(r["n"]))) for r in rows]


def document_counts(store: Store) -> list[tuple[str, str, str, int, int]]:
    """Per document: label, municipality, meeting date, statements, triples."""
    rows = store.select(
        """SELECT ?g ?label ?muni ?date (COUNT(*) AS ?triples)
        (SUM(IF(?p = rdf:type && ?o = rg:Statement, 1, 0)) AS ?statements)
        WHERE { GRAPH ?g { ?g a rg:Protocol ; rdfs:label ?label ; rg:municipality ?m .
                           ?m rdfs:label ?muni .
                           OPTIONAL { ?g schema:about/schema:startDate ?date }
                           ?s ?p ?o } }
        GROUP BY ?g ?label ?muni ?date ORDER BY ?muni ?date ?label""",
        union=False,
    )
    return [
        (
            str(r["label"]),
            str(r["muni"]),
            str(r.get("date", "")),
            int(str(r["statements"])),
            int(str(r["triples"])),
        )
        for r in rows
    ]


def _prefixed(iri: str) -> str:
    from kg.vocab import PREFIXES

    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri
