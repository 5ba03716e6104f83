"""Network analysis: metrics on hand-built graphs with known answers, projections from a small
store built from protocols written here, the `kg analyse`/`kg viz`/`kg export` commands,
determinism of every output file and the offline HTML report in a real browser."""

from __future__ import annotations

import io
import json
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from kg.analyse import analyse, export_networks, format_tables, graph_bytes, output_files
from kg.analyse_data import Projection, Window, load_projection, period_of
from kg.analyse_metrics import betweenness, brokers, communities, core_numbers, pagerank
from kg.analyse_networks import build_networks
from kg.analyse_views import view_graph
from kg.cli import app
from kg.errors import AnalyseError
from kg.pipeline import ingest
from kg.settings import Settings
from kg.sources import Metadata
from kg.store import Store

runner = CliRunner()
BASE = "https://w3id.org/ratsgraph/id/teststadt/"

SOZIALAUSSCHUSS = """Niederschrift

über die 3. Sitzung des Ausschusses für Soziales

am 10.03.2023
Ratssaal, Rathaus Teststadt

Anwesend:

SPD-Fraktion
Ratsfrau Petra Lindner
Ratsherr Jonas Weber

CDU-Fraktion
Ratsherr Emre Kaya

Fraktion Bündnis 90/Die Grünen
Ratsfrau Aylin Yilmaz

Verwaltung:
Herr Brandt
Frau Okafor

Tagesordnung

TOP 1 Quartiersmanagement Nordstadt

Frau Okafor begrüßt Herrn Brandt als neuen Leiter des Fachbereichs Jugend und Soziales.

Herr Brandt stellt das Quartiersmanagement vor.

Frau Lindner fragt, wie viele Stellen im Quartiersmanagement vorgesehen seien.

Herr Brandt antwortet, dass vier Stellen vorgesehen seien.

Herr Kaya erklärt, dass seine CDU-Fraktion das Quartiersmanagement ausdrücklich unterstütze. \
Er fragt, wann der Bericht vorliege.

Herr Brandt antwortet, dass der Bericht im Herbst vorgelegt werde.

Frau Yilmaz fragt, wie der Fachbereich Jugend und Soziales die Beratung finanziere.

Beschluss:

Der Antrag wird bei 1 Gegenstimme (Bündnis 90/Die Grünen) mehrheitlich angenommen.
"""

RAT = """Niederschrift

über die 7. Sitzung des Rates

am 07.05.2024
Ratssaal, Rathaus Teststadt

Anwesend:

SPD-Fraktion
Ratsfrau Petra Lindner

CDU-Fraktion
Ratsherr Emre Kaya

Fraktion Bündnis 90/Die Grünen
Ratsfrau Aylin Yilmaz

Verwaltung:
Frau Okafor

Tagesordnung

TOP 1 Radverkehrskonzept

Frau Okafor stellt das Radverkehrskonzept vor.

Frau Yilmaz unterstützt das Radverkehrskonzept für ihre Fraktion.

Herr Kaya lehnt das Radverkehrskonzept für seine Fraktion ab.

Frau Lindner fragt, wann die Radwege gebaut würden.

Frau Okafor antwortet, dass die Planung im Sommer abgeschlossen werde.

Beschluss:

Der Antrag wird bei 1 Gegenstimme (CDU) mehrheitlich angenommen.
"""


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the two Teststadt protocols above."""
    root = tmp_path_factory.mktemp("analyse")
    docs = root / "docs"
    docs.mkdir()
    for name, text, body in (
        ("2023-03-10-sozialausschuss.txt", SOZIALAUSSCHUSS, "Ausschuss für Soziales"),
        ("2024-05-07-rat.txt", RAT, "Rat der Stadt Teststadt"),
    ):
        (docs / name).write_text(text, encoding="utf-8")
        meta = {"municipality": "Teststadt", "body": body, "date": f"{name[:10]}"}
        (docs / f"{name}.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    report = ingest([docs], Settings(store_dir=root / "store"), metadata=Metadata(), workers=1)
    assert not report.failed
    return root / "store"


def _person(name: str) -> str:
    return BASE + "person/" + name


# ---------------------------------------------------------------- metrics with known answers


def test_star_centre_has_the_highest_betweenness() -> None:
    star = nx.star_graph(6)
    values, sampled = betweenness(star)
    assert not sampled
    assert max(values, key=values.__getitem__) == 0
    assert values[0] == 1.0 and all(values[leaf] == 0.0 for leaf in range(1, 7))


def test_betweenness_is_sampled_above_the_limit_with_a_fixed_seed() -> None:
    graph = nx.barabasi_albert_graph(300, 2, seed=1)
    first, sampled = betweenness(graph, exact_limit=100, samples=50, seed=7)
    second, _ = betweenness(graph, exact_limit=100, samples=50, seed=7)
    exact, exact_sampled = betweenness(graph, exact_limit=1000)
    assert sampled and not exact_sampled
    assert first == second
    top_exact = sorted(exact, key=exact.__getitem__)[-5:]
    assert max(first, key=first.__getitem__) in top_exact


def test_two_cliques_joined_by_one_edge_are_two_communities() -> None:
    graph = nx.disjoint_union(nx.complete_graph(5), nx.complete_graph(5))
    graph.add_edge(0, 5)
    found = communities(graph, seed=3)
    assert [set(g) for g in found.groups] == [{0, 1, 2, 3, 4}, {5, 6, 7, 8, 9}]
    assert found.modularity > 0.4


def test_graph_without_edges_has_singleton_communities() -> None:
    graph = nx.Graph()
    graph.add_nodes_from(["b", "a"])
    found = communities(graph)
    assert found.groups == (("a",), ("b",)) and found.modularity == 0.0


@pytest.mark.parametrize("directed", [False, True])
def test_pagerank_sums_to_one(directed: bool) -> None:
    graph = nx.gnm_random_graph(40, 120, seed=5, directed=directed)
    ranks = pagerank(graph)
    assert len(ranks) == 40
    assert sum(ranks.values()) == pytest.approx(1.0)


def test_k_core_of_a_clique_with_a_tail() -> None:
    graph = nx.complete_graph(4)
    graph.add_edges_from([(3, 4), (4, 5)])
    assert core_numbers(graph) == {0: 3, 1: 3, 2: 3, 3: 3, 4: 1, 5: 1}


def test_broker_between_two_factions_is_found() -> None:
    graph = nx.Graph()
    for node, faction in (("a1", "A"), ("a2", "A"), ("b1", "B"), ("b2", "B")):
        graph.add_node(node, kind="person", label=node, faction=faction)
    graph.add_node("x", kind="person", label="x", faction="")
    graph.add_edges_from([("a1", "a2"), ("b1", "b2"), ("a1", "x"), ("x", "b1")])
    found = brokers(graph)
    assert [b.node for b in found] == ["x"]
    assert found[0].neighbour_factions == ("A", "B")
    assert found[0].betweenness == pytest.approx(max(betweenness(graph)[0].values()), abs=1e-6)


# ---------------------------------------------------------------- projections


def test_reply_network_links_answers_to_questions(store_dir: Path) -> None:
    with Store(store_dir, read_only=True) as store:
        graph = build_networks(load_projection(store), ["replies"])["replies"]
    edges = {
        (u.rsplit("/", 1)[-1], v.rsplit("/", 1)[-1], w) for u, v, w in graph.edges(data="weight")
    }
    assert edges == {("brandt", "lindner", 1), ("brandt", "kaya", 1),
                     ("okafor", "lindner", 1)}  # fmt: skip
    assert graph.nodes[_person("lindner")]["faction"] == "SPD-Fraktion"
    assert graph.nodes[_person("lindner")]["questions"] == 2
    assert graph.nodes[_person("brandt")]["role"] == "administration"


def test_stance_co_voting_and_unanswered_questions(store_dir: Path) -> None:
    with Store(store_dir, read_only=True) as store:
        result = analyse(store)
    stance = {(r[0], r[1]): r[2:] for r in result.table("stance").rows}
    assert stance["CDU-Fraktion", "Quartiersmanagement"] == (1, 0, 0, 1, 1, 1)
    assert stance["CDU-Fraktion", "Radverkehrskonzept"] == (0, 1, 0, 0, 1, -1)
    assert stance["Fraktion Bündnis 90/Die Grünen", "Radverkehrskonzept"] == (1, 0, 0, 0, 1, 1)
    voting = {(r[0], r[1]): r[2:] for r in result.table("co-voting").rows}
    assert voting["CDU-Fraktion", "SPD-Fraktion"] == (2, 1, 0.5)
    assert voting["CDU-Fraktion", "Fraktion Bündnis 90/Die Grünen"] == (2, 0, 0.0)
    unanswered = result.table("unanswered-questions").rows
    assert unanswered[0][:4] == ("Fachbereich Jugend und Soziales", 1, 0, 1)
    assert [b.label for b in result.brokers] == ["Brandt"]


def test_time_window_keeps_only_meetings_inside(store_dir: Path) -> None:
    with Store(store_dir, read_only=True) as store:
        projection = load_projection(store, Window("2024-01-01", None))
        result = analyse(store, since="2024-01-01", network="replies")
    assert {s.date for s in projection.statements} == {"2024-05-07"}
    assert result.networks["replies"].summary["edges"] == 1
    assert [row[0] for row in result.table("activity-over-time").rows] == ["2024"] * 4


@pytest.mark.parametrize(
    ("since", "until", "message"),
    [("2024-13-01", None, "not an ISO date"), ("2024-02-01", "2023-01-01", "is after")],
)
def test_bad_windows_are_one_line_errors(since: str, until: str | None, message: str) -> None:
    with pytest.raises(AnalyseError, match=message):
        Window(since, until)


def test_quarters_and_unknown_network() -> None:
    assert period_of("2024-05-07", "quarter") == "2024-Q2"
    with pytest.raises(AnalyseError, match="unknown network"):
        build_networks(Projection(Window(), {}, (), (), (), (), ()), ["nonsense"])


def test_view_nodes_carry_exact_quotes(store_dir: Path) -> None:
    with Store(store_dir, read_only=True) as store:
        graph = view_graph(store, "all")
        ego = view_graph(store, "ego", focus="Brandt")
    said = graph.nodes[_person("lindner")]["statements"]
    assert [s["quote"] for s in said] == [
        "Frau Lindner fragt, wie viele Stellen im Quartiersmanagement vorgesehen seien.",
        "Frau Lindner fragt, wann die Radwege gebaut würden.",
    ]
    assert said[0]["date"] == "2023-03-10" and said[0]["acts"] == ["Question"]
    kinds = {k for _, _, k in graph.edges(data="kind")}
    assert {"replies_to", "member_of", "supports", "opposes", "asks_about", "co_voting"} <= kinds
    assert set(ego.nodes) >= {_person("brandt"), _person("lindner"), _person("kaya")}


# ---------------------------------------------------------------- CLI


def test_cli_table_shows_exact_numbers(store_dir: Path) -> None:
    result = runner.invoke(app, ["analyse", "--store", str(store_dir)])
    assert result.exit_code == 0, result.output
    rows = [[c.strip() for c in line.split("│")[1:-1]] for line in result.output.splitlines()]
    assert ["CDU-Fraktion", "SPD-Fraktion", "2", "1", "0.5"] in rows
    assert ["Brandt", "", "2", "CDU-Fraktion; SPD-Fraktion", "0", "2"] in rows
    assert ["Fachbereich Jugend und Soziales", "1", "0", "1"] in rows
    assert ["replies", "5", "3", "0.15", "2", "4", "3", "0.1667", "exact"] in rows


def test_cli_csv_and_json_for_one_network(store_dir: Path) -> None:
    csv_out = runner.invoke(app, ["analyse", "--network", "co-voting", "--format", "csv",
                                  "--store", str(store_dir)])  # fmt: skip
    assert csv_out.exit_code == 0, csv_out.output
    assert "# networks\nnetwork,nodes,edges,density,components," in csv_out.output
    assert "co-voting,3,3,1.0,1,3,1,0.0,exact\n" in csv_out.output
    json_out = runner.invoke(app, ["analyse", "--format", "json", "--store", str(store_dir)])
    data = json.loads(json_out.output)
    assert data["askers"][0] == {"person": "Petra Lindner", "faction": "SPD-Fraktion",
                                 "questions": 2, "iri": _person("lindner")}  # fmt: skip


def test_cli_errors_are_one_line(store_dir: Path) -> None:
    for args, message in (
        (["analyse", "--network", "nope"], "unknown network"),
        (["analyse", "--format", "xml"], "unknown format"),
        (["analyse", "--municipality", "Atlantis"], "no entities of municipality"),
        (["viz", "--view", "ego"], "needs --focus"),
        (["viz", "--view", "galaxy"], "unknown view"),
    ):
        result = runner.invoke(app, [*args, "--store", str(store_dir)])
        assert result.exit_code == 1 and message in result.output, result.output


def _out_files(store_dir: Path, out: Path) -> dict[str, bytes]:
    result = runner.invoke(app, ["analyse", "--out", str(out), "--store", str(store_dir)])
    assert result.exit_code == 0, result.output
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_out_dir_is_byte_identical_across_runs(store_dir: Path, tmp_path: Path) -> None:
    first = _out_files(store_dir, tmp_path / "one")
    second = _out_files(store_dir, tmp_path / "two")
    assert first == second
    assert {"report.html", "analysis.json", "charts/stance.svg", "charts/activity.png",
            "networks/replies.graphml", "networks/stance.gexf",
            "tables/brokers.csv"} <= set(first)  # fmt: skip
    assert b"lastmodifieddate" not in first["networks/stance.gexf"]
    assert b"<dc:date>" not in first["charts/activity.svg"]
    replies = nx.read_graphml(io.BytesIO(first["networks/replies.graphml"]))
    assert replies.nodes[_person("brandt")]["betweenness"] == 0.0
    assert replies.number_of_edges() == 3


def test_output_files_match_the_library(store_dir: Path) -> None:
    with Store(store_dir, read_only=True) as store:
        files = output_files(analyse(store))
        again = output_files(analyse(store))
    assert files == again
    assert files["tables/co-voting.csv"].decode().splitlines()[1:] == [
        "CDU-Fraktion,Fraktion Bündnis 90/Die Grünen,2,0,0.0",
        "CDU-Fraktion,SPD-Fraktion,2,1,0.5",
        "Fraktion Bündnis 90/Die Grünen,SPD-Fraktion,2,1,0.5",
    ]


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "csv"])
def test_export_networks_parses_back(store_dir: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"net.{fmt}"
    result = runner.invoke(
        app, ["export", "--format", fmt, "-o", str(out), "--store", str(store_dir)]
    )
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    with Store(store_dir, read_only=True) as store:
        assert export_networks(store, fmt) == data
    if fmt == "csv":
        lines = data.decode().splitlines()
        assert lines[0].startswith("source,source_label,source_kind,target")
        assert any(",co_voting,0.5," in line for line in lines)
        return
    reader = nx.read_graphml if fmt == "graphml" else nx.read_gexf
    graph = reader(io.BytesIO(data))
    kinds = {k for _, _, k in graph.edges(data="kind")}
    assert {"replies_to", "member_of", "supports", "opposes", "co_voting"} <= kinds
    assert {graph.nodes[n]["kind"] for n in graph} <= {"person", "faction", "party",
                                                       "department", "initiative"}  # fmt: skip


def test_graph_bytes_rejects_unknown_format() -> None:
    with pytest.raises(Exception, match="unknown graph format"):
        graph_bytes(nx.Graph(), "dot")


def test_format_tables_rejects_unknown_format(store_dir: Path) -> None:
    with Store(store_dir, read_only=True) as store, pytest.raises(AnalyseError):
        format_tables(analyse(store, network="replies").tables, "xml")


def test_viz_writes_html_for_each_view(store_dir: Path, tmp_path: Path) -> None:
    for view in ("all", "persons", "factions", "replies", "initiatives", "departments"):
        out = tmp_path / f"{view}.html"
        result = runner.invoke(
            app, ["viz", "--view", view, "-o", str(out), "--store", str(store_dir)]
        )
        assert result.exit_code == 0, result.output
        html = out.read_text(encoding="utf-8")
        assert html.startswith("<!DOCTYPE html>") or html.lstrip().lower().startswith("<!doctype")
    ego = tmp_path / "ego.html"
    result = runner.invoke(app, ["viz", "--view", "ego", "--focus", "Okafor", "-o", str(ego),
                                 "--store", str(store_dir)])  # fmt: skip
    assert result.exit_code == 0 and "nodes" in result.output
    assert "Petra Lindner" in ego.read_text(encoding="utf-8")


# ---------------------------------------------------------------- browser


@pytest.mark.browser
def test_report_opens_offline_without_requests(store_dir: Path, tmp_path: Path) -> None:
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.skip("Debian chromium not installed at /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    _out_files(store_dir, tmp_path / "out")
    report = tmp_path / "out" / "report.html"
    attempted: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        page = browser.new_page()

        def guard(route: object) -> None:
            request = route.request  # type: ignore[attr-defined]
            if request.url.startswith(("file://", "data:")):
                route.continue_()  # type: ignore[attr-defined]
            else:
                attempted.append(request.url)
                route.abort()  # type: ignore[attr-defined]

        page.route("**/*", guard)
        page.goto(report.as_uri())
        assert page.locator("h1").inner_text() == "Ratsgraph network analysis"
        widths = page.eval_on_selector_all("img", "els => els.map(e => e.naturalWidth)")
        assert len(widths) == 3 and all(w > 0 for w in widths)
        assert "Brandt" in page.locator("#brokers + table").inner_text()
        browser.close()
    assert attempted == []
