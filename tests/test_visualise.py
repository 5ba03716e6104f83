"""Network views: offline, escaped, aggregated, deterministic, fast, and usable in a browser."""

from __future__ import annotations

import base64
import hashlib
import json
import random
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.errors import VisualiseError
from kg.visualise import faction_colour, palette_colour, render_network

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
IMG = '<img src=x onerror="window.__xss=1">'
LINK = '<a href="javascript:window.__xss=2">x</a>'
BREAKOUT = "</script><script>window.__xss=3</script>"
HOSTILE = f"{IMG} {LINK} {BREAKOUT}"
QUOTE = "Wann legt die Verwaltung den Bericht zum Quartiersmanagement vor?"
DATA_BLOCK = re.compile(r'<script type="application/json" id="rg-data">(.*?)</script>', re.S)


def page_data(html: str) -> dict[str, Any]:
    match = DATA_BLOCK.search(html)
    assert match, "no data block"
    data: dict[str, Any] = json.loads(match.group(1))
    return data


def council() -> nx.MultiDiGraph[str]:
    """A small council network with one hostile node and parallel edges."""
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    statement = {"date": "2022-02-15", "item": "3.2 Integration", "acts": ["Question"],
                 "quote": QUOTE, "doc": "https://example.org/p/1"}  # fmt: skip
    graph.add_node("spd", label="SPD-Fraktion", kind="faction")
    graph.add_node("cdu", label="CDU-Fraktion", kind="faction")
    graph.add_node(
        "keller",
        label="Jürgen Müller",
        kind="person",
        faction="SPD-Fraktion",
        size=3.0,
        statements=[statement],
        iri="https://w3id.org/ratsgraph/id/p/1",
    )
    graph.add_node("grote", label="Anna Grote", kind="person", faction="CDU-Fraktion", size=1.0)
    graph.add_node("fb", label="Fachbereich Jugend", kind="department")
    graph.add_node("kim", label="Kommunales Integrationsmanagement", kind="initiative")
    hostile = {"date": "2022-03-01", "item": HOSTILE, "acts": [IMG], "quote": HOSTILE,
               "doc": "javascript:window.__xss=4"}  # fmt: skip
    graph.add_node("evil", label=HOSTILE, kind="person", faction="CDU-Fraktion",
                   iri=f"javascript:{BREAKOUT}", statements=[hostile])  # fmt: skip
    graph.add_edge("keller", "spd", kind="member_of")
    graph.add_edge("grote", "cdu", kind="member_of")
    graph.add_edge("evil", "cdu", kind="member_of")
    graph.add_edge("keller", "fb", kind="asks_about", weight=1.0, date="2022-02-15")
    graph.add_edge(
        "keller", "fb", kind="asks_about", weight=2.0, dates=["2021-05-04", "2022-02-15"]
    )
    graph.add_edge("keller", "fb", kind="asks_about", date="2023-01-10")
    graph.add_edge("keller", "fb", kind="supports", date="2022-02-15")
    graph.add_edge("fb", "keller", kind="asks_about")
    graph.add_edge("grote", "keller", kind="replies_to", date="2022-02-15")
    graph.add_edge("fb", "kim", kind="responsible_for")
    graph.add_edge("evil", "keller", kind="opposes", date="2020-01-01")
    return graph


def random_view_graph(nodes: int, edges: int, seed: int = 0) -> nx.MultiDiGraph[int]:
    """A seeded random graph with the attribute contract (hubs via a skewed choice)."""
    rng = random.Random(seed)
    factions = ["SPD", "CDU", "Grüne", "FDP", "Die Linke", "AfD", "Bürger für Hagen"]
    kinds = ["person"] * 6 + ["department", "initiative", "place", "paper"]
    graph: nx.MultiDiGraph[int] = nx.MultiDiGraph()
    for i in range(nodes):
        kind = rng.choice(kinds)
        faction = rng.choice(factions) if kind == "person" else None
        graph.add_node(i, label=f"Node {i}", kind=kind, faction=faction, size=rng.random())
    for _ in range(edges):
        u, v = int(nodes * rng.random() ** 2), rng.randrange(nodes)
        date = f"20{rng.randint(18, 24)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
        graph.add_edge(u, v, kind=rng.choice(["replies_to", "asks_about", "about"]), date=date)
    return graph


# ---------------------------------------------------------------- page structure


def test_page_loads_nothing_from_the_network() -> None:
    html = render_network(council(), title="Rat")
    assert re.search(r"<(script|link|img|iframe|object|embed)\b[^>]*\b(src|href)\s*=", html) is None
    assert "<link" not in html and "@import" not in html
    assert "cdn" not in html and re.search(r"\bcdn", html, re.I) is None
    assert "sourceMappingURL" not in html
    assert re.search(r"url\((?!\"?data:)", html) is None, "CSS may only use data: URLs"


def test_csp_admits_exactly_the_inline_scripts() -> None:
    html = render_network(council(), title="Rat")
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)
    assert csp and "default-src 'none'" in csp.group(1)
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(scripts) == 2
    for script in scripts:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp.group(1)
    assert "unsafe-inline" not in csp.group(1).split("script-src")[1].split(";")[0]


def test_vendored_vis_network_shows_string_titles_as_text() -> None:
    """Edge titles are plain strings; vis-network 9 puts strings into tooltips as innerText."""
    static = Path(__file__).resolve().parents[1] / "kg" / "static"
    script = (static / "vis-network.min.js").read_text(encoding="utf-8")
    assert "@version 9.1.2" in script
    assert "this.frame.appendChild(t)}else this.frame.innerText=t" in script
    assert (static / "VIS-NETWORK-LICENSE.txt").is_file()


def test_hostile_strings_appear_only_escaped() -> None:
    html = render_network(council(), title=f"Rat {HOSTILE}")
    for raw in (IMG, LINK, BREAKOUT, "<img", "<a href", "</script><script>"):
        assert raw not in html
    assert html.count("</script>") == 3  # data block, vis-network, our script
    assert "<title>Rat &lt;img src=x onerror=&#34;window.__xss=1&#34;&gt;" in html
    evil = next(n for n in page_data(html)["nodes"] if n["l"] == HOSTILE)
    assert evil["s"][0][3] == HOSTILE and evil["s"][0][2] == [IMG]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=40), min_size=1, max_size=5))
def test_any_label_round_trips_through_the_data_block(labels: list[str]) -> None:
    graph: nx.Graph[int] = nx.Graph()
    for i, label in enumerate(labels):
        graph.add_node(i, label=label, kind="place", statements=[{"quote": label}])
    html = render_network(graph, title=labels[0])
    block = DATA_BLOCK.search(html)
    assert block and "<" not in block.group(1) and ">" not in block.group(1)
    data = page_data(html)
    assert [n["l"] for n in data["nodes"]] == [label or str(i) for i, label in enumerate(labels)]
    assert [n["s"][0][3] for n in data["nodes"]] == labels


# ---------------------------------------------------------------- data


def test_parallel_edges_of_one_kind_are_aggregated() -> None:
    data = page_data(render_network(council(), title="Rat"))
    kinds = [k[0] for k in data["edgeKinds"]]
    ids = {n["l"]: n["id"] for n in data["nodes"]}
    between = [
        e
        for e in data["edges"]
        if (e["a"], e["b"]) == (ids["Jürgen Müller"], ids["Fachbereich Jugend"])
    ]
    by_kind = {kinds[e["k"]]: e for e in between}
    assert set(by_kind) == {"asks_about", "supports"}
    asks = by_kind["asks_about"]
    assert asks["w"] == 4.0 and asks["n"] == 3
    assert asks["d"] == ["2021-05-04", "2022-02-15", "2023-01-10"]
    assert "n" not in by_kind["supports"]
    assert len(data["edges"]) == 9  # 11 edges in, three merged into one asks_about edge


def test_undirected_parallel_edges_merge_across_orientation() -> None:
    graph: nx.MultiGraph[str] = nx.MultiGraph()
    graph.add_node("a", label="A", kind="person")
    graph.add_node("b", label="B", kind="person")
    graph.add_edge("a", "b", kind="co_voting", weight=2)
    graph.add_edge("b", "a", kind="co_voting", weight=3)
    data = page_data(render_network(graph, title="x"))
    assert len(data["edges"]) == 1 and data["edges"][0]["w"] == 5.0
    assert (
        data["directed"] is False and data["options"]["edges"]["arrows"]["to"]["enabled"] is False
    )


def test_kinds_shapes_and_faction_colours() -> None:
    data = page_data(render_network(council(), title="Rat"))
    shapes = {kind: shape for kind, shape, _ in data["nodeKinds"]}
    assert shapes == {
        "person": "dot",
        "faction": "diamond",
        "department": "square",
        "initiative": "star",
    }
    nodes = {n["l"]: n for n in data["nodes"]}
    assert nodes["Jürgen Müller"]["c"] == faction_colour("SPD-Fraktion") == "#e3000f"
    assert nodes["SPD-Fraktion"]["c"] == "#e3000f"
    factions = [f for f, _ in data["factions"]]
    assert factions[nodes["SPD-Fraktion"]["f"]] == "SPD-Fraktion"
    assert factions[nodes["Jürgen Müller"]["f"]] == "SPD-Fraktion"
    assert "c" not in nodes["Fachbereich Jugend"]


@pytest.mark.parametrize(
    ("label", "colour"),
    [("SPD", "#e3000f"), ("CDU-Fraktion", "#2d2d2d"), ("Bündnis 90/Die Grünen", "#1aa037"),
     ("GRÜNE", "#1aa037"), ("FDP-Fraktion", "#f5c400"), ("Fraktion DIE LINKE.", "#8b1a4a"),
     ("AfD", "#009ee0"), ("Bürger für Hagen", palette_colour("Bürger für Hagen"))],
)  # fmt: skip
def test_party_colours(label: str, colour: str) -> None:
    assert faction_colour(label) == colour


def test_same_seed_same_page_other_seed_other_layout() -> None:
    graph = random_view_graph(300, 900)
    first = render_network(graph, title="x", seed=7, physics_threshold=100)
    assert first == render_network(graph, title="x", seed=7, physics_threshold=100)
    other = page_data(render_network(graph, title="x", seed=8, physics_threshold=100))
    assert [(n["x"], n["y"]) for n in page_data(first)["nodes"]] != [
        (n["x"], n["y"]) for n in other["nodes"]
    ]


def test_big_graph_has_positions_and_no_physics() -> None:
    data = page_data(render_network(random_view_graph(300, 900), title="x", physics_threshold=100))
    assert data["big"] is True and data["options"]["physics"] == {"enabled": False}
    assert data["options"]["edges"]["smooth"] is False
    assert all(isinstance(n["x"], int) and isinstance(n["y"], int) for n in data["nodes"])
    assert len({(n["x"], n["y"]) for n in data["nodes"]}) == 300, "no two nodes on one spot"
    assert data["options"]["nodes"]["scaling"]["label"]["drawThreshold"] > 5


def test_small_graph_stabilises_briefly() -> None:
    data = page_data(render_network(council(), title="x"))
    physics = data["options"]["physics"]
    assert data["big"] is False and physics["enabled"] is True
    assert 0 < physics["stabilization"]["iterations"] <= 200
    assert all("x" in n and "y" in n for n in data["nodes"])


def test_5k_graph_renders_every_node() -> None:
    # Render time is a benchmark (bench/bench_views.py), not an assertion here.
    html = render_network(random_view_graph(5000, 15000), title="5k")
    data = page_data(html)
    assert len(data["nodes"]) == 5000 and len(data["edges"]) > 10_000


def test_empty_graph_renders() -> None:
    data = page_data(render_network(nx.Graph(), title="leer"))
    assert data["nodes"] == [] and data["edges"] == []


def _one_node(**attrs: Any) -> nx.Graph[str]:
    graph: nx.Graph[str] = nx.Graph()
    graph.add_node("a", **attrs)
    return graph


@pytest.mark.parametrize(
    ("graph", "message"),
    [
        ({"a": "b"}, "expected a networkx graph"),
        (nx.Graph([("a", "b", {"weight": "heavy"})]), "weight must be a finite number"),
        (nx.Graph([("a", "b", {"weight": float("nan")})]), "weight must be a finite number"),
        (_one_node(statements=["nope"]), "statement must be a dict"),
        (_one_node(size="big"), "size must be a number"),
    ],
)
def test_bad_input_is_a_visualise_error(graph: Any, message: str) -> None:
    with pytest.raises(VisualiseError, match=message):
        render_network(graph, title="x")


# ---------------------------------------------------------------- browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium not installed at /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class View:
    """A rendered view opened from file:// with every other request blocked and recorded."""

    def __init__(self, browser: Any, html: str, folder: Path) -> None:
        self.path = folder / "view.html"
        self.path.write_text(html, encoding="utf-8")
        self.attempted: list[str] = []
        self.errors: list[str] = []
        self.page = browser.new_page(viewport={"width": 1280, "height": 800})
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.route("**/*", self._guard)
        self.page.goto(self.path.as_uri())
        self.page.wait_for_function("window.rgStable !== undefined", timeout=60_000)

    def _guard(self, route: Any) -> None:
        if route.request.url == self.path.as_uri():
            route.continue_()
        else:
            self.attempted.append(route.request.url)
            route.abort()

    def node_id(self, label: str) -> int:
        return int(self.page.evaluate("l => rgData.raw.nodes.find(n => n.l === l).id", label))

    def click_node(self, label: str) -> None:
        self.page.mouse.click(*self.node_point(label))

    def hover_node(self, label: str) -> None:
        x, y = self.node_point(label)
        self.page.mouse.move(x + 1, y)
        self.page.mouse.move(x, y)

    def node_point(self, label: str) -> tuple[float, float]:
        point = self.page.evaluate(
            """id => { const p = rgNetwork.canvasToDOM(rgNetwork.getPositions([id])[id]);
                       const r = document.querySelector("#rg-network canvas")
                                 .getBoundingClientRect();
                       return [r.left + p.x, r.top + p.y]; }""",
            self.node_id(label),
        )
        return point[0], point[1]

    def pixel(self, label: str) -> list[int]:
        """RGB of the canvas at the centre of the node `label`."""
        rgba = self.page.evaluate(
            """id => { const p = rgNetwork.canvasToDOM(rgNetwork.getPositions([id])[id]);
                       const c = document.querySelector("#rg-network canvas");
                       const r = window.devicePixelRatio;
                       const x = Math.round(p.x * r), y = Math.round(p.y * r);
                       return Array.from(c.getContext("2d").getImageData(x, y, 1, 1).data); }""",
            self.node_id(label),
        )
        alpha = rgba[3] / 255  # the canvas is transparent over a white page
        return [round(channel * alpha + 255 * (1 - alpha)) for channel in rgba[:3]]

    def canvas_ink(self) -> int:
        return int(self.page.evaluate(
            """() => { const c = document.querySelector('#rg-network canvas');
                       const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                       let ink = 0; for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) ink++; }
                       return ink; }"""
        ))  # fmt: skip


@pytest.fixture
def view(browser: Any, tmp_path: Path) -> Iterator[View]:
    opened = View(browser, render_network(council(), title=f"Rat {HOSTILE}"), tmp_path)
    yield opened
    opened.page.close()


@pytest.mark.browser
def test_view_draws_offline_without_requests(view: View) -> None:
    assert view.canvas_ink() > 500
    assert view.attempted == [] and view.errors == []
    assert view.page.title() == f"Rat {HOSTILE}"
    assert view.page.locator("h1").inner_text() == f"Rat {HOSTILE}"


@pytest.mark.browser
def test_hostile_text_stays_text_after_clicking(view: View) -> None:
    assert view.page.evaluate("window.__xss") is None
    view.click_node(HOSTILE)
    panel = view.page.locator("#rg-panel")
    panel.wait_for(state="visible")
    assert view.page.evaluate("rgNetwork.getSelectedNodes()") == [view.node_id(HOSTILE)]
    assert view.page.locator(".rg-panel-title").inner_text() == HOSTILE
    assert view.page.locator(".rg-quote").inner_text() == HOSTILE
    assert view.page.locator("#rg-panel a").count() == 0, "javascript: must never become a link"
    assert "javascript:window.__xss=4" in panel.inner_text()
    assert view.page.locator("#rg-panel img, #rg-panel script").count() == 0
    view.hover_node(HOSTILE)
    tooltip = view.page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible")
    assert HOSTILE in tooltip.inner_text()
    assert view.page.locator("div.vis-tooltip img, div.vis-tooltip a").count() == 0
    view.page.mouse.move(5, 5)
    assert view.page.evaluate("window.__xss") is None and view.errors == []


@pytest.mark.browser
def test_clicking_a_node_shows_its_statements(view: View) -> None:
    view.click_node("Jürgen Müller")
    view.page.locator("#rg-panel").wait_for(state="visible")
    assert view.page.locator(".rg-quote").inner_text() == QUOTE
    panel = view.page.locator("#rg-panel").inner_text()
    assert "2022-02-15" in panel and "TOP 3.2 Integration" in panel and "Question" in panel
    assert "SPD-Fraktion" in panel
    link = view.page.locator(".rg-source a")
    assert link.get_attribute("href") == "https://example.org/p/1"
    assert link.get_attribute("rel") == "noopener noreferrer"
    focus = view.page.evaluate("rgFocus.nodes.map(id => rgData.raw.nodes[id].l)")
    assert set(focus) == {
        "Jürgen Müller",
        "SPD-Fraktion",
        "Fachbereich Jugend",
        "Anna Grote",
        HOSTILE,
    }


@pytest.mark.browser
def test_click_veils_all_but_the_neighbourhood(view: View) -> None:
    before = {label: view.pixel(label) for label in ("CDU-Fraktion", "SPD-Fraktion")}
    assert max(before["CDU-Fraktion"]) < 100 and before["SPD-Fraktion"][0] > 180
    view.click_node("Jürgen Müller")
    view.page.wait_for_timeout(400)  # the focus animation
    assert min(view.pixel("CDU-Fraktion")) > 190, "a non-neighbour is veiled"
    spd = view.pixel("SPD-Fraktion")
    assert spd[0] > 180 and spd[1] < 80, "a neighbour keeps its colour"
    box = view.page.locator("#rg-network canvas").bounding_box()
    assert box
    view.page.mouse.click(box["x"] + box["width"] - 3, box["y"] + box["height"] - 3)  # empty
    view.page.wait_for_timeout(100)
    assert max(view.pixel("CDU-Fraktion")) < 100


@pytest.mark.browser
@pytest.mark.parametrize("query", ["mueller", "MULLER", "jürgen müll", "Muller"])
def test_search_is_case_and_umlaut_insensitive(view: View, query: str) -> None:
    view.page.fill("#rg-search", query)
    view.page.press("#rg-search", "Enter")
    assert view.page.evaluate("rgNetwork.getSelectedNodes()") == [view.node_id("Jürgen Müller")]
    assert view.page.locator(".rg-panel-title").inner_text() == "Jürgen Müller"


@pytest.mark.browser
def test_filters_hide_nodes_and_edges(view: View) -> None:
    hidden = "l => rgData.nodes.get().filter(n => n.hidden).map(n => n.label).sort()"
    view.page.locator('input[data-filter="kind"]').nth(2).uncheck()  # department
    assert view.page.evaluate(hidden, None) == ["Fachbereich Jugend"]
    hidden_edges = view.page.evaluate("rgData.edges.get().filter(e => e.hidden).length")
    assert hidden_edges == 4  # asks_about (both ways), supports, responsible_for
    view.page.locator('input[data-filter="kind"]').nth(2).check()
    assert view.page.evaluate(hidden, None) == []
    view.page.locator('input[data-filter="faction"]').first.uncheck()  # CDU-Fraktion
    assert view.page.evaluate(hidden, None) == sorted(["Anna Grote", "CDU-Fraktion", HOSTILE])
    assert "of 7 nodes" in view.page.locator("#rg-counts").inner_text()


@pytest.mark.browser
def test_edge_kind_and_date_filters(view: View) -> None:
    shown = "() => rgData.edges.get().filter(e => !e.hidden).length"
    assert view.page.evaluate(shown) == 9
    view.page.locator('input[data-filter="edge"]').first.uncheck()  # member_of
    assert view.page.evaluate(shown) == 6
    view.page.fill("#rg-date-from", "2022-01-01")
    view.page.fill("#rg-date-to", "2022-12-31")
    view.page.dispatch_event("#rg-date-to", "change")
    # dated edges outside 2022 (opposes 2020) go; undated edges stay
    assert view.page.evaluate(shown) == 5
    view.page.click("#rg-date-reset")
    assert view.page.evaluate(shown) == 6


@pytest.mark.browser
def test_empty_view_opens(browser: Any, tmp_path: Path) -> None:
    empty = View(browser, render_network(nx.Graph(), title="Leer"), tmp_path)
    assert empty.errors == [] and empty.attempted == []
    assert empty.page.locator("#rg-counts").inner_text() == "0 of 0 nodes · 0 of 0 edges"
    empty.page.close()


@pytest.mark.browser
def test_10k_nodes_open_and_draw(browser: Any, tmp_path: Path) -> None:
    html = render_network(random_view_graph(10_000, 30_000), title="10k")
    started = time.perf_counter()
    big = View(browser, html, tmp_path)
    elapsed = time.perf_counter() - started
    first_draw = big.page.evaluate("window.rgFirstDraw") / 1000
    print(
        f"10k nodes / 30k edges: first draw {first_draw:.2f} s after navigation,"
        f" ready in {elapsed:.2f} s"
    )
    assert big.canvas_ink() > 1000 and big.attempted == [] and big.errors == []
    assert big.page.evaluate("rgData.raw.options.physics.enabled") is False
    big.page.fill("#rg-search", "Node 9999")
    big.page.press("#rg-search", "Enter")
    assert big.page.evaluate("rgNetwork.getSelectedNodes()") == [9999]
    big.page.close()
