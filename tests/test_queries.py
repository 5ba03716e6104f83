"""Every saved query in kg/queries runs on a small store built from protocols written for it.

The protocols in tests/fixtures/council describe three meetings of a made-up town: a Fraktion
switch (Kühn, CDU -> FDP), a change of department head (Özdemir -> Lange), an ambiguous
"Herr Schmidt", answered and unanswered questions and votes with counts per Fraktion.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import QueryError
from kg.pipeline import ingest
from kg.query import (
    Rows,
    cell,
    check_read_only,
    mask_lexemes,
    names_to_iris,
    parse_params,
    saved_queries,
    saved_query,
    select,
    with_prefixes,
)
from kg.settings import Settings
from kg.store import Store
from kg.store_registry import ENTITY_SEGMENTS
from kg.vocab import PREFIXES

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # bench/ is a folder of scripts, not part of the installed package
    sys.path.insert(0, str(ROOT))

from bench.bench_sparql import bound_queries  # noqa: E402
from bench.sparql_graph import Shape, generate  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "council"
B = "https://w3id.org/ratsgraph/id/beispielstadt/"
UMWELT = "Fachbereich Umwelt und Grünflächen"
GRUENE = "Fraktion Bündnis 90/Die Grünen"
KUEHN_1 = (
    "Frau Kühn (CDU) kritisiert die Erhöhung der Parkgebühren. "
    "Sie fragt, ob die Verwaltung die Einnahmen für den Straßenbau verwende."
)
KUEHN_2 = "Frau Kühn (FDP) fragt, wie viele Stellen für die Grünflächenpflege vorgesehen seien."
Cell = str | frozenset[str]


@dataclass(frozen=True)
class Case:
    """One run of a saved query: parameters, the columns compared and the expected rows.

    A `frozenset` cell stands for a GROUP_CONCAT whose order the SPARQL engine may choose.
    """

    name: str
    params: tuple[str, ...]
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]

    @property
    def id(self) -> str:
        return "-".join([self.name, *(p.rsplit("/", 1)[-1] for p in self.params)])


def s(*values: str) -> frozenset[str]:
    """A cell whose parts may come in any order."""
    return frozenset(values)


CASES = [
    Case("statements-by-person", (f"person={B}person/kuehn",), ("date", "top", "acts", "quote"), (
        ("2024-01-16", "3", s("Criticism", "Question"), KUEHN_1),
        ("2024-04-23", "2", s("Question"), KUEHN_2),
    )),
    Case("questions-about-topic", (f"topic={B}initiative/foerderprogramm",),
         ("date", "asker", "faction", "answerer", "department"), (
        ("2024-03-05", "Eva Brück", "FDP-Fraktion", "", ""),
        ("2024-04-23", "Jens Schmidt", "SPD-Fraktion", "Lange", UMWELT),
    )),
    Case("statements-by-person", (f"person={B}person/kuehn", "since=2024-02-01"), ("date",), (
        ("2024-04-23",),
    )),
    Case("statements-by-person", (f"person={B}person/kuehn", "until=2024-01-16"), ("date",), (
        ("2024-01-16",),
    )),
    Case("questions-about-topic",
         (f"topic={B}initiative/foerderprogramm", "since=2024-03-06", "until=2024-12-31"),
         ("date", "asker"), (("2024-04-23", "Jens Schmidt"),)),
    Case("positions-on-topic", (f"topic={B}initiative/foerderprogramm", "until=2023-12-31"),
         ("date",), ()),
    Case("questions-about-topic", (f"topic={B}initiative/klimaschutzkonzept",),
         ("date", "asker", "faction", "answerer", "department"), (
        ("2024-01-16", "Timo Weiß", GRUENE, "Özdemir", UMWELT),
    )),
    Case("statements-per-faction-per-month", (), ("month", "faction", "statements"), (
        ("2024-01", "CDU-Fraktion", "1"), ("2024-01", GRUENE, "1"),
        ("2024-01", "SPD-Fraktion", "1"),
        ("2024-03", GRUENE, "2"), ("2024-03", "CDU-Fraktion", "1"),
        ("2024-03", "FDP-Fraktion", "1"), ("2024-03", "SPD-Fraktion", "1"),
        ("2024-04", "FDP-Fraktion", "2"), ("2024-04", "SPD-Fraktion", "2"),
        ("2024-04", "CDU-Fraktion", "1"),
    )),
    Case("unanswered-questions", (), ("date", "top", "asker", "question"), (
        ("2024-01-16", "2", "Schmidt",
         "Herr Schmidt fragt, wie hoch die Kosten der Grünflächenpflege seien."),
        ("2024-03-05", "2", "Eva Brück",
         "Frau Brück (FDP) fragt, ob das Förderprogramm Gründächer ausgeweitet werde."),
    )),
    Case("reply-pairs", (), ("replier", "repliedTo", "replies"), (
        ("Lange", "Maria Kühn", "2"), ("Lange", "Jens Schmidt", "1"), ("Özdemir", "Timo Weiß", "1"),
    )),
    Case("faction-members-at-date", ("date=2024-04-01",), ("faction", "member", "lastStated"), (
        ("CDU-Fraktion", "Maria Kühn", "2024-03-05"),
        ("CDU-Fraktion", "Paul Schmidt", "2024-03-05"),
        ("FDP-Fraktion", "Eva Brück", "2024-03-05"),
        (GRUENE, "Timo Weiß", "2024-03-05"),
        ("SPD-Fraktion", "Jens Schmidt", "2024-03-05"),
        ("SPD-Fraktion", "Jutta Schröder", "2024-03-05"),
    )),
    Case("faction-members-at-date", ("date=2024-04-30",), ("faction", "member", "lastStated"), (
        ("CDU-Fraktion", "Paul Schmidt", "2024-04-23"),
        ("FDP-Fraktion", "Eva Brück", "2024-04-23"), ("FDP-Fraktion", "Maria Kühn", "2024-04-23"),
        (GRUENE, "Timo Weiß", "2024-04-23"),
        ("SPD-Fraktion", "Jens Schmidt", "2024-04-23"),
        ("SPD-Fraktion", "Jutta Schröder", "2024-04-23"),
    )),
    Case("faction-members-at-date", ("date=2023-12-31",), ("faction", "member"), ()),
    Case("department-heads", (), ("unitName", "head", "date"), (
        (UMWELT, "Özdemir", "2024-01-16"), (UMWELT, "Lange", "2024-03-05"),
    )),
    Case("department-heads", (f"unit={B}unit/fachbereich-stadtentwicklung",), ("head",), ()),
    Case("votes-per-faction", (), ("date", "top", "result", "faction", "option", "count"), (
        ("2024-01-16", "2", "Accepted", "CDU-Fraktion", "no", "8"),
        ("2024-03-05", "3", "Accepted", "CDU-Fraktion", "no", "1"),
        ("2024-04-23", "2", "Accepted", "FDP-Fraktion", "no", "5"),
        ("2024-04-23", "3", "Rejected", "CDU-Fraktion", "yes", "10"),
        ("2024-04-23", "3", "Rejected", "SPD-Fraktion", "no", "30"),
    )),
    Case("vote-deviations", (), ("date", "top", "result", "faction", "option", "count"), (
        ("2024-01-16", "2", "Accepted", "CDU-Fraktion", "no", "8"),
        ("2024-03-05", "3", "Accepted", "CDU-Fraktion", "no", "1"),
        ("2024-04-23", "2", "Accepted", "FDP-Fraktion", "no", "5"),
        ("2024-04-23", "3", "Rejected", "CDU-Fraktion", "yes", "10"),
    )),
    Case("attendance-rate", (), ("member", "present", "absent", "percent"), (
        ("Eva Brück", "2", "1", "67"), ("Jens Schmidt", "2", "1", "67"),
        ("Maria Kühn", "2", "1", "67"),
        ("Jutta Schröder", "3", "0", "100"), ("Paul Schmidt", "3", "0", "100"),
        ("Timo Weiß", "3", "0", "100"),
    )),
    Case("initiatives-by-department", (f"unit={B}unit/fachbereich-umwelt-und-gruenflaechen",),
         ("department", "initiative", "date"), (
        (UMWELT, "Klimaschutzkonzept", "2024-01-16"), (UMWELT, "Förderprogramm", "2024-04-23"),
    )),
    Case("search-statements", ("q=gruendaecher",), ("date", "speaker"), (
        ("2024-03-05", "Eva Brück"), ("2024-03-05", "Paul Schmidt"),
        ("2024-03-05", "Jutta Schröder"),
        ("2024-04-23", "Jens Schmidt"), ("2024-04-23", "Lange"),
    )),
    Case("search-statements", ("q=gruendaecher", "since=2024-04-01"), ("date", "speaker"), (
        ("2024-04-23", "Jens Schmidt"), ("2024-04-23", "Lange"),
    )),
    Case("unanswered-questions", ("since=2024-01-17",), ("date", "asker"), (
        ("2024-03-05", "Eva Brück"),
    )),
    Case("search-statements", ("q=STRASSENBAU",), ("speaker", "text"), (("Maria Kühn", KUEHN_1),)),
    Case("search-statements", ('q=") } ; DROP ALL #',), ("speaker",), ()),
    Case("entity-search", ("name=SCHMIDT",), ("label", "types"), (
        ("Jens Schmidt", s("Person")), ("Paul Schmidt", s("Person")), ("Schmidt", s("Person")),
    )),
    Case("entity-search", ("name=grünfl",), ("label", "entity"), (
        (UMWELT, f"{B}unit/fachbereich-umwelt-und-gruenflaechen"),
    )),
    Case("entity-search", ("name=ausschuss fuer UMWELT",), ("label", "types", "entity"), (
        ("Ausschuss für Umwelt und Klima", "Organization",
         f"{B}body/ausschuss-fuer-umwelt-und-klima"),
    )),
    Case("entity", (f"entity={B}person/lange",),
         ("label", "types", "statements", "aboutIt", "attended", "documents"), (
        ("Lange", s("Person"), "4", "0", "3", "3"),
    )),
    Case("entity", (f"entity={B}faction/cdu",),
         ("label", "types", "statements", "aboutIt", "attended", "documents"), (
        ("CDU-Fraktion", s("Organization", "Faction"), "0", "3", "0", "3"),
    )),
    Case("documents", (), ("municipality", "date", "body", "file", "statements", "votes"), (
        ("Beispielstadt", "2024-01-16", "Rat der Stadt Beispielstadt",
         "2024-01-16-rat.txt", "7", "1"),
        ("Beispielstadt", "2024-03-05", "Ausschuss für Umwelt und Klima",
         "2024-03-05-umweltausschuss.txt", "6", "1"),
        ("Beispielstadt", "2024-04-23", "Rat der Stadt Beispielstadt",
         "2024-04-23-rat.txt", "7", "2"),
    )),
    Case("ambiguous-mentions", (), ("mention", "date", "file", "candidates", "candidateCount"), (
        ("Herr Schmidt", "2024-01-16", "2024-01-16-rat.txt",
         s("Jens Schmidt", "Paul Schmidt"), "2"),
    )),
    Case("speakers", (), ("speaker", "statements", "questions", "answers", "meetings"), (
        ("Lange", "4", "0", "3", "3"), ("Jutta Schröder", "3", "0", "0", "3"),
        ("Timo Weiß", "3", "1", "0", "2"), ("Eva Brück", "2", "1", "0", "2"),
        ("Maria Kühn", "2", "2", "0", "2"), ("Paul Schmidt", "2", "0", "0", "2"),
        ("Özdemir", "2", "0", "1", "1"), ("Jens Schmidt", "1", "1", "0", "1"),
        ("Schmidt", "1", "1", "0", "1"),
    )),
    Case("topics", (), ("topic", "kind", "statements", "meetings", "first", "last"), (
        ("Förderprogramm", "initiative", "5", "2", "2024-03-05", "2024-04-23"),
        (UMWELT, "department", "3", "3", "2024-01-16", "2024-04-23"),
        ("Klimaschutzkonzept", "initiative", "3", "2", "2024-01-16", "2024-03-05"),
        ("Fachbereich Stadtentwicklung", "department", "1", "1", "2024-01-16", "2024-01-16"),
    )),
    Case("meetings", (), ("date", "body", "present", "absent", "statements"), (
        ("2024-01-16", "Rat der Stadt Beispielstadt", "7", "1", "7"),
        ("2024-03-05", "Ausschuss für Umwelt und Klima", "5", "2", "6"),
        ("2024-04-23", "Rat der Stadt Beispielstadt", "8", "0", "7"),
    )),
    Case("agenda-items", (f"meeting={B}meeting/2024-04-23-rat-der-stadt-beispielstadt",),
         ("top", "title", "statements", "speakers", "result"), (
        ("", "", "0", "0", ""),
        ("1", "Eröffnung der Sitzung", "1", "1", ""),
        ("2", "Haushalt 2025: Grünflächenpflege", "4", "3", "Accepted"),
        ("3", "Antrag der FDP-Fraktion: Parkgebühren senken", "2", "2", "Rejected"),
    )),
    Case("vote-results", (), ("date", "top", "result", "yes", "no", "abstain", "unanimous"), (
        ("2024-01-16", "2", "Accepted", "30", "8", "2", "false"),
        ("2024-03-05", "3", "Accepted", "", "1", "", "false"),
        ("2024-04-23", "2", "Accepted", "35", "5", "1", "false"),
        ("2024-04-23", "3", "Rejected", "10", "30", "", "false"),
    )),
    Case("positions-on-topic", (f"topic={B}initiative/foerderprogramm",),
         ("date", "speaker", "faction", "stance"), (
        ("2024-03-05", "Paul Schmidt", "CDU-Fraktion", "Opposition"),
        ("2024-03-05", "Jutta Schröder", "SPD-Fraktion", "Support"),
    )),
    Case("speech-acts-per-faction", (), ("faction", "act", "statements"), (
        ("CDU-Fraktion", "Criticism", "1"), ("CDU-Fraktion", "Opposition", "1"),
        ("CDU-Fraktion", "Question", "1"), ("CDU-Fraktion", "Support", "1"),
        ("FDP-Fraktion", "Question", "2"), ("FDP-Fraktion", "Presentation", "1"),
        (GRUENE, "Presentation", "1"), (GRUENE, "Procedural", "1"), (GRUENE, "Question", "1"),
        (GRUENE, "Support", "1"),
        ("SPD-Fraktion", "Procedural", "2"), ("SPD-Fraktion", "Question", "1"),
        ("SPD-Fraktion", "Support", "1"),
    )),
    Case("person-memberships", (f"person={B}person/kuehn",),
         ("organization", "role", "firstStated", "lastStated", "protocols"), (
        ("CDU-Fraktion", "Member", "2024-01-16", "2024-03-05", "2"),
        ("FDP-Fraktion", "Member", "2024-04-23", "2024-04-23", "1"),
    )),
    Case("person-memberships", (f"person={B}person/lange",),
         ("organization", "role", "firstStated", "lastStated", "protocols"), (
        (UMWELT, "Head", "2024-03-05", "2024-03-05", "1"),
    )),
    Case("papers", (), ("identifier", "date", "top"), (
        ("0012/2024", "2024-01-16", "2"), ("0045/2024", "2024-03-05", "3"),
    )),
]  # fmt: skip


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the three council protocols of tests/fixtures/council."""
    settings = Settings(store_dir=tmp_path_factory.mktemp("council") / "store")
    report = ingest([FIXTURES], settings)
    assert len(report.added) == 3 and not report.failed
    return settings.store_dir


@pytest.fixture(scope="module")
def store(store_dir: Path) -> Iterator[Store]:
    with Store(store_dir, read_only=True) as opened:
        yield opened


def observed(rows: list[dict[str, object]], case: Case) -> list[tuple[Cell, ...]]:
    """The rows reduced to the case's columns; set-valued cells split into sets."""
    result = []
    for row in rows:
        cells: list[Cell] = []
        for position, column in enumerate(case.columns):
            text = cell(row.get(column))  # type: ignore[arg-type]
            expected_sets = any(isinstance(r[position], frozenset) for r in case.rows)
            cells.append(frozenset(re.split(r", | \| ", text)) if expected_sets else text)
        result.append(tuple(cells))
    return result


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_saved_query_gives_expected_rows(store: Store, case: Case) -> None:
    query = saved_queries()[case.name]
    rows = select(store, query.sparql, parse_params(list(case.params), query))
    assert observed(rows.rows, case) == list(case.rows)  # type: ignore[arg-type]


def test_every_saved_query_is_tested() -> None:
    assert len(saved_queries()) >= 20
    assert set(saved_queries()) == {case.name for case in CASES}


@pytest.mark.parametrize("name", sorted(saved_queries()))
def test_header_documents_the_query(name: str) -> None:
    query = saved_queries()[name]
    assert query.title and query.title != name
    assert len(query.description) > 40
    code = mask_lexemes(query.sparql)
    projections = " ".join(re.findall(r"\bSELECT\b(.*?)\bWHERE\b", code, re.I | re.S))
    for param, text in query.params.items():
        assert text, f"parameter {param} has no description"
        # Parameters are bound with VALUES in each (sub)query projecting them, and used.
        assert re.search(rf"\?{param}\b", projections), f"no SELECT projects {param}"
        uses = re.findall(rf"\?{param}\b", code)
        assert len(uses) > len(re.findall(rf"\?{param}\b", projections)), f"{param} is unused"
    undeclared = set(re.findall(r"\bPREFIX\s+(\w+):", code))
    used = set(re.findall(r"(?<![\w?])([a-z]+):\w", code))
    assert used <= undeclared, "saved queries declare their prefixes (for remote endpoints)"


@pytest.mark.parametrize("text", ["gruendaecher", "GRÜNDÄCHER", "Gründächer", "grÜndÄcher"])
def test_search_folds_case_and_umlauts(store: Store, text: str) -> None:
    query = saved_queries()["search-statements"]
    rows = select(store, query.sparql, parse_params([f"q={text}"], query))
    assert len(rows.rows) == 5


def test_parameter_value_never_becomes_query_text(store: Store) -> None:
    query = saved_queries()["entity-search"]
    hostile = 'x") } UNION { ?entity ?p ?label } #'
    assert select(store, query.sparql, parse_params([f"name={hostile}"], query)).rows == []


def test_iri_that_would_break_out_of_its_brackets_is_refused() -> None:
    query = saved_queries()["statements-by-person"]
    with pytest.raises(QueryError, match="not a valid IRI"):
        parse_params(["person=https://x.example/a>}UNION{?s?p?o"], query)


def test_unknown_parameter_is_refused() -> None:
    with pytest.raises(QueryError, match="no parameter 'who'"):
        parse_params(["who=x"], saved_queries()["statements-by-person"])


@pytest.mark.parametrize(
    "sparql",
    [
        "INSERT DATA { <a:b> <a:b> <a:b> }",
        "# comment first\nDELETE WHERE { ?s ?p ?o }",
        "PREFIX x: <http://x#>\nCLEAR ALL",
        "LOAD <http://example.org/data.ttl>",
        "SELECT * WHERE { ?s <http://x#a> ?o . SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { \\u0053ERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    ],
)
def test_updates_and_federation_are_refused(sparql: str) -> None:
    with pytest.raises(QueryError, match="not allowed"):
        check_read_only(sparql)


def test_keywords_inside_strings_and_names_are_fine() -> None:
    check_read_only('SELECT ?insert WHERE { ?insert ?p "SERVICE # LOAD" }')


def test_missing_prefixes_are_declared_for_remote_endpoints() -> None:
    text = with_prefixes(
        "PREFIX rg: <https://w3id.org/ratsgraph/ontology#>\nSELECT * { ?s schema:name ?n ; a rg:X }"
    )
    assert text.startswith("PREFIX schema: <http://schema.org/>\nPREFIX rg:")
    assert text.count("PREFIX") == 2


# ---------------------------------------------------------------- the benchmark's graph


@pytest.fixture(scope="module")
def bench_store() -> tuple[ox.Store, dict[str, str]]:
    """The synthetic graph of bench/bench_sparql.py (60 protocols) in memory."""
    data = generate(Shape(municipalities=2, documents=60))
    store = ox.Store()
    store.bulk_load(data.nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    return store, data.params


def test_bench_graph_has_one_canonical_label_per_entity(
    bench_store: tuple[ox.Store, dict[str, str]],
) -> None:
    """As after `reconcile`: every labelled entity of a resolved kind has one skos:prefLabel."""
    store, _ = bench_store
    kinds = "|".join(ENTITY_SEGMENTS)
    rows = store.query(
        f"""SELECT ?e (COUNT(?label) AS ?n) WHERE {{
          {{ SELECT DISTINCT ?e WHERE {{
               GRAPH ?g {{ ?e rg:municipality ?m ; rdfs:label ?any }}
               FILTER(?g != rg:resolution && REGEX(STR(?e), "/({kinds})/[^/]+$")) }} }}
          OPTIONAL {{ GRAPH rg:resolution {{ ?e skos:prefLabel ?label }} }}
        }} GROUP BY ?e""",
        prefixes=dict(PREFIXES),
    )
    counts = [int(row["n"].value) for row in rows]  # type: ignore[index]
    assert len(counts) > 100 and set(counts) == {1}


@pytest.mark.parametrize("name", sorted(saved_queries()))
def test_saved_query_finds_rows_in_the_bench_graph(
    bench_store: tuple[ox.Store, dict[str, str]], name: str
) -> None:
    """A query that finds nothing in the benchmark's graph would be timed doing nothing."""
    store, params = bench_store
    sparql = bound_queries(params, frozenset([name]))[name]
    result = store.query(sparql, use_default_graph_as_union=True, prefixes=dict(PREFIXES))
    assert next(iter(result), None) is not None  # type: ignore[arg-type]


# ---------------------------------------------------------------- CLI

runner = CliRunner()


@pytest.mark.parametrize("width", [80, 200])
def test_cli_lists_saved_queries(width: int) -> None:
    """Names stay whole and every parameter is shown, also in an 80-column terminal."""
    result = runner.invoke(app, ["queries"], terminal_width=width)
    assert result.exit_code == 0, result.output
    cells = [line.split("│")[1].strip() for line in result.output.splitlines() if "│" in line]
    assert {cell for cell in cells if cell} == set(saved_queries())
    flat = " ".join(result.output.replace("│", " ").split())
    for saved in saved_queries().values():
        assert all(f"--param {key}=…" in flat for key in saved.params)
    assert f"{len(saved_queries())} saved queries" in result.output


def test_cli_runs_saved_query_with_parameter_as_csv(store_dir: Path) -> None:
    args = ["query", "--name", "faction-members-at-date", "--param", "date=2024-04-30"]
    result = runner.invoke(app, [*args, "--format", "csv", "--store", str(store_dir)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "date,faction,member,lastStated,factionIri,person"
    assert f"2024-04-30,FDP-Fraktion,Maria Kühn,2024-04-23,{B}faction/fdp,{B}person/kuehn" in lines


def test_cli_json_is_sparql_results_json(store_dir: Path) -> None:
    args = ["query", "--name", "reply-pairs", "--format", "json", "--store", str(store_dir)]
    result = runner.invoke(app, args)
    data = json.loads(result.output)
    assert data["head"]["vars"][:3] == ["replier", "repliedTo", "replies"]
    first = data["results"]["bindings"][0]
    assert first["replier"] == {"type": "literal", "value": "Lange"}
    assert first["replies"]["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"


def test_cli_markdown_table(store_dir: Path) -> None:
    args = ["query", "--name", "reply-pairs", "--format", "markdown", "--store", str(store_dir)]
    result = runner.invoke(app, args)
    assert result.output.splitlines()[2].startswith("| Lange | Maria Kühn | 2 |")


def test_cli_table_shows_title_and_rows(store_dir: Path) -> None:
    args = ["query", "--name", "speakers", "--store", str(store_dir)]
    result = runner.invoke(app, args, terminal_width=200)
    assert "Most active speakers" in result.output and "9 rows" in result.output


def test_cli_unknown_query_is_one_line_error(store_dir: Path) -> None:
    result = runner.invoke(app, ["query", "--name", "nope", "--store", str(store_dir)])
    assert result.exit_code == 1
    assert "no saved query named 'nope'" in result.output


def test_cli_takes_a_name_for_an_iri_parameter_and_says_which_entity_it_is(
    store_dir: Path,
) -> None:
    by_iri = ["query", "--name", "statements-by-person", "--param", f"person={B}person/kuehn"]
    by_name = ["query", "--name", "statements-by-person", "--param", "person=Kuehn"]
    expected = runner.invoke(app, [*by_iri, "--format", "csv", "--store", str(store_dir)])
    result = runner.invoke(app, [*by_name, "--format", "csv", "--store", str(store_dir)])
    assert result.exit_code == 0, result.output
    assert result.stdout == expected.stdout and KUEHN_2 in result.stdout
    assert f"person: 'Kuehn' is Maria Kühn <{B}person/kuehn>" in result.stderr


def test_cli_prefers_the_entity_named_exactly_over_names_containing_it(store_dir: Path) -> None:
    for name, iri in [("Klimaschutz", "klimaschutzkonzept"), ("förderprogramm", "foerderprogramm")]:
        args = ["query", "--name", "questions-about-topic", "--param", f"topic={name}"]
        result = runner.invoke(app, [*args, "--store", str(store_dir)])
        assert result.exit_code == 0, result.output
        assert f"<{B}initiative/{iri}>" in result.stderr


@pytest.mark.parametrize(
    ("param", "message"),
    [
        (
            "topic=Fachbereich",
            "2 entities fit 'Fachbereich', give the IRI of one: Fachbereich "
            "Stadtentwicklung (OrganizationalUnit) <" + B + "unit/fachbereich-stadtentwicklung>",
        ),
        ("person=Förderprogramm", "person: no entity is named 'Förderprogramm'"),
        ("topic= ", "topic: give an IRI or a name, not an empty value"),
    ],
    ids=["several-fit", "none-of-the-type", "empty"],
)
def test_cli_refuses_a_name_that_fits_no_single_entity(
    store_dir: Path, param: str, message: str
) -> None:
    """A name is never resolved by guessing: no fit or several fits stop with the candidates."""
    name = "statements-by-person" if param.startswith("person") else "questions-about-topic"
    result = runner.invoke(
        app, ["query", "--name", name, "--param", param, "--store", str(store_dir)]
    )
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert message in " ".join(result.output.split())


def test_a_name_equal_to_one_entitys_name_wins_over_names_that_contain_it() -> None:
    """ "Keller" is Keller, not Kellermann; "Kell" fits both and is refused."""

    def run(sparql: str, bindings: dict[str, Any]) -> Rows:
        assert "skos:prefLabel" in sparql
        people = [("Keller", "keller"), ("Kellermann", "kellermann")]
        return Rows(
            ["label", "types", "entity"],
            [
                {"label": Literal(label), "types": Literal("Person"), "entity": URIRef(B + slug)}
                for label, slug in people
                if str(bindings["name"]).lower() in label.lower()
            ],
        )

    query = saved_query("statements-by-person")
    bound, said = names_to_iris({"person": Literal("Keller")}, query, run)
    assert bound == {"person": URIRef(B + "keller")} and len(said) == 1
    with pytest.raises(QueryError, match="2 entities fit 'Kell'"):
        names_to_iris({"person": Literal("Kell")}, query, run)
    iri = {"person": URIRef(B + "kellermann")}
    assert names_to_iris(iri, query, run) == (iri, [])  # an IRI is taken as given


@pytest.mark.parametrize(
    ("value", "day"),
    [("2024-04-30", "2024-04-30"), ("30.04.2024", "2024-04-30"), ("1.4.2024", "2024-04-01")],
)
def test_day_parameters_take_iso_and_german_dates(value: str, day: str) -> None:
    bound = parse_params([f"since={value}"], saved_query("statements-by-person"))
    assert bound["since"] == Literal(day, datatype=URIRef("http://www.w3.org/2001/XMLSchema#date"))


@pytest.mark.parametrize("value", ["2024-02-30", "gestern", "04/30/2024", ""])
def test_a_day_that_is_none_is_refused_not_matched_against_nothing(value: str) -> None:
    with pytest.raises(QueryError, match=r"give a day as 2024-04-30 or 30\.04\.2024"):
        parse_params([f"date={value}"], saved_query("faction-members-at-date"))
