"""Interactive network views: a networkx graph -> one self-contained, offline, XSS-safe HTML page.

pyvis builds the node and edge records (`Network.add_node` / `add_edge`); the page comes from our
own autoescaping template `kg/templates/network.html.j2` with vis-network 9.1.2 inlined from
`kg/static/`, because pyvis 0.3.2's templates load CDN scripts even in "local" mode, turn all
tooltips into raw HTML once one contains "href", leave the heading unescaped and run physics
that never settles beyond ~1,000 nodes. Document text travels as JSON in a
`<script type="application/json">` block with `<`, `>`, `&` escaped and leaves it only through
`textContent`; a Content-Security-Policy admits exactly the page's two inline scripts (by hash)
and no network request. Graphs above `physics_threshold` nodes get precomputed, seeded
positions (a phyllotaxis disc per faction or kind cluster) and no physics; smaller graphs start
from the same positions and run a short stabilisation in the browser.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import math
import numbers
import re
import zlib
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np
from markupsafe import Markup

from kg.errors import VisualiseError

if TYPE_CHECKING:
    import jinja2
    from numpy.typing import NDArray

log = logging.getLogger(__name__)

_HERE = Path(__file__).resolve().parent
_STATIC = _HERE / "static"
_TEMPLATES = _HERE / "templates"

#: Node kind -> (vis-network shape, colour). Unknown kinds are drawn as grey dots.
KIND_STYLES: dict[str, tuple[str, str]] = {
    "person": ("dot", "#8c9bab"), "faction": ("diamond", "#f28e2b"),
    "party": ("hexagon", "#b07aa1"), "department": ("square", "#59a14f"),
    "initiative": ("star", "#edc948"), "place": ("triangle", "#76b7b2"),
    "paper": ("triangleDown", "#9c755f"), "meeting": ("box", "#d4a6c8"),
    "body": ("ellipse", "#a0cbe8"),
}  # fmt: skip
_UNKNOWN_KIND_STYLE = ("dot", "#bab0ac")

#: Edge kind -> colour; unknown kinds take a colour from `_PALETTE`.
EDGE_COLOURS: dict[str, str] = {
    "member_of": "#9aa5b1", "head_of": "#6a3d9a", "replies_to": "#1f78b4",
    "asks_about": "#ff7f00", "supports": "#33a02c", "opposes": "#e31a1c", "about": "#b0a58c",
    "responsible_for": "#a6761d", "part_of": "#cab2d6", "co_voting": "#66c2a5",
}  # fmt: skip

# Usual party colours in German local politics, matched on the case-folded faction label.
_PARTY_COLOURS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bspd\b"), "#e3000f"),
    (re.compile(r"\bcdu\b|\bcsu\b"), "#2d2d2d"),
    (re.compile(r"\bgrüne|\bgruene|bündnis\s*90|\bb\s*90\b"), "#1aa037"),
    (re.compile(r"\bfdp\b"), "#f5c400"),
    (re.compile(r"\blinke|\blinks"), "#8b1a4a"),
    (re.compile(r"\bafd\b"), "#009ee0"),
)
_PALETTE = (
    "#4e79a7", "#f28e2b", "#76b7b2", "#b07aa1", "#9c755f", "#ff9da7",
    "#86bcb6", "#d37295", "#a0cbe8", "#8cd17d", "#f1ce63", "#79706e",
)  # fmt: skip

_SOURCE_MAP_LINE = re.compile(r"^//# sourceMappingURL=\S*\s*\Z", re.MULTILINE)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_GOLDEN_ANGLE = math.pi * (3.0 - math.sqrt(5.0))
_SPACING = 26.0
_MAX_CLUSTERS = 48
_JSON_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                 ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))  # fmt: skip


def palette_colour(name: str) -> str:
    """A deterministic colour for `name` (same name, same colour, in every run).

    >>> palette_colour("Wählergemeinschaft") == palette_colour("Wählergemeinschaft")
    True
    """
    return _PALETTE[zlib.crc32(name.encode("utf-8")) % len(_PALETTE)]


def faction_colour(label: str) -> str:
    """The colour of a faction or party: the usual party colour, else a palette colour.

    >>> faction_colour("SPD-Fraktion"), faction_colour("Fraktion BÜNDNIS 90/DIE GRÜNEN")
    ('#e3000f', '#1aa037')
    """
    folded = label.casefold()
    for pattern, colour in _PARTY_COLOURS:
        if pattern.search(folded):
            return colour
    return palette_colour(label)


@dataclass(frozen=True, slots=True)
class ViewEdge:
    """Parallel edges of one kind between two nodes, aggregated into one drawn edge."""

    source: int
    target: int
    kind: str
    weight: float
    count: int
    dates: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ViewNode:
    """One node as the page shows it; `index` is its id in the page."""

    index: int
    label: str
    kind: str
    faction: str | None
    size: float | None
    iri: str | None
    statements: tuple[tuple[str, str, tuple[str, ...], str, str], ...]


def render_network(
    graph: nx.Graph[Any], *, title: str, seed: int = 0, physics_threshold: int = 1000
) -> str:
    """Render `graph` as one self-contained interactive HTML page.

    Args:
        graph: any networkx graph; node and edge attributes follow the view contract
            (`label`, `kind`, `faction`, `size`, `statements`, `iri`; edge `kind`, `weight`,
            `date`/`dates`).
        title: page title and heading (escaped).
        seed: seed of the layout; the same graph and seed give byte-identical HTML.
        physics_threshold: above this many nodes positions are precomputed and physics is off.

    Returns:
        The HTML page; it loads nothing from the network and works from file://.

    Raises:
        VisualiseError: `graph` is not a networkx graph, an attribute has the wrong type, or
            the vendored vis-network files are missing.
    """
    if not isinstance(graph, nx.Graph):
        raise VisualiseError(f"expected a networkx graph, got {type(graph).__name__}")
    if physics_threshold < 0:
        raise VisualiseError("physics_threshold must not be negative")
    nodes, index = _view_nodes(graph)
    edges = aggregate_edges(graph, index)
    big = len(nodes) > physics_threshold
    positions = layout_positions(nodes, edges, seed)
    data = _page_data(nodes, edges, positions, graph.is_directed(), big, seed)
    log.debug("rendering %d nodes, %d edges (big=%s)", len(nodes), len(edges), big)
    page_data = Markup(_script_json(data))  # safe: `<`, `>` and `&` are escaped as \uXXXX
    return _template().render(title=title, data_json=page_data, **_assets())


def _view_nodes(graph: nx.Graph[Any]) -> tuple[list[ViewNode], dict[Hashable, int]]:
    index: dict[Hashable, int] = {}
    nodes: list[ViewNode] = []
    for position, (node_id, attrs) in enumerate(graph.nodes(data=True)):
        index[node_id] = position
        nodes.append(_view_node(position, node_id, attrs))
    return nodes, index


def _view_node(position: int, node_id: Hashable, attrs: Mapping[str, Any]) -> ViewNode:
    size = attrs.get("size")
    if size is not None and (isinstance(size, bool) or not isinstance(size, numbers.Real)):
        raise VisualiseError(f"node {node_id!r}: size must be a number, got {size!r}")
    faction = attrs.get("faction") or (
        attrs.get("label") if attrs.get("kind") == "faction" else None
    )
    return ViewNode(
        index=position,
        label=str(attrs.get("label") or node_id),
        kind=str(attrs.get("kind") or "unknown"),
        faction=str(faction) if faction else None,
        size=float(size) if size is not None and math.isfinite(float(size)) else None,
        iri=str(attrs["iri"]) if attrs.get("iri") else None,
        statements=tuple(_statement(node_id, s) for s in attrs.get("statements") or ()),
    )


def _statement(node_id: Hashable, raw: Any) -> tuple[str, str, tuple[str, ...], str, str]:
    if not isinstance(raw, Mapping):
        raise VisualiseError(f"node {node_id!r}: a statement must be a dict, got {raw!r}")
    acts = raw.get("acts") or ()
    acts = (acts,) if isinstance(acts, str) else acts
    fields = (raw.get(key) for key in ("date", "item", "quote", "doc"))
    date, item, quote, doc = (str(value) if value is not None else "" for value in fields)
    return date, item, tuple(str(act) for act in acts), quote, doc


def aggregate_edges(graph: nx.Graph[Any], index: Mapping[Hashable, int]) -> list[ViewEdge]:
    """Merge parallel edges of the same kind into one with summed weight and all dates.

    Args:
        graph: the input graph.
        index: node -> page id, as assigned in node order.

    Returns:
        One `ViewEdge` per (source, target, kind), in order of first appearance.

    Raises:
        VisualiseError: an edge weight is not a number.
    """
    directed = graph.is_directed()
    merged: dict[tuple[int, int, str], tuple[float, int, set[str]]] = {}
    for u, v, attrs in graph.edges(data=True):
        source, target = index[u], index[v]
        if not directed and source > target:
            source, target = target, source
        key = (source, target, str(attrs.get("kind") or "related"))
        weight, count, dates = merged.get(key, (0.0, 0, set()))
        dates.update(_edge_dates(attrs))
        merged[key] = (weight + _edge_weight(u, v, attrs), count + 1, dates)
    return [
        ViewEdge(s, t, kind, weight, count, tuple(sorted(dates)))
        for (s, t, kind), (weight, count, dates) in merged.items()
    ]


def _edge_weight(u: Hashable, v: Hashable, attrs: Mapping[str, Any]) -> float:
    weight = attrs.get("weight", 1.0)
    finite = isinstance(weight, numbers.Real) and math.isfinite(float(weight))
    if finite and not isinstance(weight, bool):
        return float(weight)
    raise VisualiseError(f"edge {u!r} -> {v!r}: weight must be a finite number, got {weight!r}")


def _edge_dates(attrs: Mapping[str, Any]) -> list[str]:
    raw = list(attrs.get("dates") or ())
    if attrs.get("date"):
        raw.append(attrs["date"])
    dates = [str(value)[:10] for value in raw]
    valid = [date for date in dates if _ISO_DATE.fullmatch(date)]
    if len(valid) < len(dates):
        log.debug("ignoring edge dates that are not ISO dates: %r", raw)
    return valid


def layout_positions(nodes: list[ViewNode], edges: list[ViewEdge], seed: int) -> NDArray[Any]:
    """Seeded positions: a phyllotaxis disc per faction/kind cluster, hubs in the middle.

    Runs in linear time apart from a spring layout of the (at most 48-node) cluster graph.

    Args:
        nodes: the view nodes.
        edges: the aggregated edges.
        seed: layout seed.

    Returns:
        An (n, 2) float array of x/y positions in vis-network pixels.
    """
    n = len(nodes)
    if n == 0:
        return np.zeros((0, 2))
    clusters = _cluster_ids(nodes)
    pairs = np.array([(e.source, e.target) for e in edges], dtype=np.int64).reshape(-1, 2)
    degree = np.bincount(pairs.ravel(), minlength=n)
    rng = np.random.default_rng(seed)
    order = np.lexsort((rng.permutation(n), -degree, clusters))
    counts = np.bincount(clusters)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    rank = np.arange(n) - starts[clusters[order]]
    radius = _SPACING * np.sqrt(rank + 0.5)
    angle = rank * _GOLDEN_ANGLE + rng.uniform(0, 2 * math.pi, len(counts))[clusters[order]]
    local = np.empty((n, 2))
    local[order] = np.column_stack((radius * np.cos(angle), radius * np.sin(angle)))
    radii = _SPACING * (np.sqrt(counts) + 1.0)
    return _cluster_centres(clusters, radii, pairs, seed)[clusters] + local


def _cluster_ids(nodes: list[ViewNode]) -> NDArray[np.int64]:
    """Cluster per node: its faction (persons, factions) among the largest, else its kind."""
    keys = [f"faction:{node.faction}" if node.faction else f"kind:{node.kind}" for node in nodes]
    sizes: dict[str, int] = {}
    for key in keys:
        sizes[key] = sizes.get(key, 0) + 1
    kept = set(sorted(sizes, key=lambda k: (-sizes[k], k))[:_MAX_CLUSTERS])
    keys = [
        key if key in kept else f"kind:{node.kind}" for key, node in zip(keys, nodes, strict=True)
    ]
    numbering = {key: i for i, key in enumerate(sorted(set(keys)))}
    return np.array([numbering[key] for key in keys], dtype=np.int64)


def _cluster_centres(
    clusters: NDArray[np.int64], radii: NDArray[Any], pairs: NDArray[np.int64], seed: int
) -> NDArray[Any]:
    k = len(radii)
    if k == 1:
        return np.zeros((1, 2))
    coarse: nx.Graph[int] = nx.Graph()
    coarse.add_nodes_from(range(k))
    a, b = clusters[pairs[:, 0]], clusters[pairs[:, 1]]
    between = np.sort(np.column_stack((a, b))[a != b], axis=1)
    if len(between):
        links, counts = np.unique(between, axis=0, return_counts=True)
        coarse.add_weighted_edges_from(
            (int(p), int(q), math.log1p(float(c))) for (p, q), c in zip(links, counts, strict=True)
        )
    spring = nx.spring_layout(coarse, seed=seed, weight="weight")
    # Spring coordinates lie in [-1, 1]; scale them to about the size the discs need.
    centres = np.array([spring[c] for c in range(k)]) * 1.5 * math.sqrt(float(radii @ radii))
    return _separate(centres, radii, gap=2 * _SPACING)


def _separate(centres: NDArray[Any], radii: NDArray[Any], gap: float) -> NDArray[Any]:
    """Push overlapping cluster discs apart; finally scale up if any overlap is left."""
    need = radii[:, None] + radii[None, :] + gap
    np.fill_diagonal(need, 0.0)
    for _ in range(100):
        delta = centres[:, None, :] - centres[None, :, :]
        dist = np.hypot(delta[..., 0], delta[..., 1])
        overlap = np.clip(need - dist, 0.0, None)
        if not overlap.any():
            return centres
        unit = delta / np.where(dist > 1e-9, dist, 1.0)[..., None]
        centres = centres + (unit * overlap[..., None] / 2).sum(axis=1)
    dist = np.hypot(*(centres[:, None, :] - centres[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(dist, np.inf)
    return centres * max(1.0, float(np.max(need / np.maximum(dist, 1e-9))))


def _page_data(
    nodes: list[ViewNode],
    edges: list[ViewEdge],
    positions: NDArray[Any],
    directed: bool,
    big: bool,
    seed: int,
) -> dict[str, Any]:
    kinds = _ordered(KIND_STYLES, (node.kind for node in nodes))
    edge_kinds = _ordered(EDGE_COLOURS, (edge.kind for edge in edges))
    factions = sorted({n.faction for n in nodes if n.faction}, key=lambda f: (f.casefold(), f))
    network = _new_network()
    lookup = {kind: i for i, kind in enumerate(kinds)}
    faction_lookup = {faction: i for i, faction in enumerate(factions)}
    for node, (x, y) in zip(nodes, positions.tolist(), strict=True):
        network.add_node(node.index, **_node_record(node, lookup, faction_lookup, x, y))
    edge_lookup = {kind: i for i, kind in enumerate(edge_kinds)}
    for i, edge in enumerate(edges):
        network.add_edge(edge.source, edge.target, **_edge_record(i, edge, edge_lookup))
    return {
        "directed": directed,
        "big": big,
        "nodeKinds": [[kind, *KIND_STYLES.get(kind, _UNKNOWN_KIND_STYLE)] for kind in kinds],
        "factions": [[faction, faction_colour(faction)] for faction in factions],
        "edgeKinds": [[kind, _edge_colour(kind)] for kind in edge_kinds],
        "nodes": [_compact(record, _NODE_KEYS) for record in network.nodes],
        "edges": [_compact(record, _EDGE_KEYS) for record in network.edges],
        "options": _vis_options(directed, big, seed, len(nodes)),
    }


# pyvis record key -> short key in the page (the page script reads only these).
_NODE_KEYS = {"id": "id", "label": "l", "k": "k", "f": "f", "c": "c", "value": "v", "x": "x",
              "y": "y", "s": "s", "r": "r"}  # fmt: skip
_EDGE_KEYS = {"id": "id", "from": "a", "to": "b", "k": "k", "value": "w", "n": "n", "d": "d"}


class _IdList(list[Any]):
    """pyvis 0.3.2 keeps node ids in a list and scans it for every edge; `in` here is O(1)."""

    def __init__(self) -> None:
        super().__init__()
        self._members: set[Any] = set()

    def append(self, item: Any) -> None:
        self._members.add(item)
        super().append(item)

    def __contains__(self, item: object) -> bool:
        return item in self._members


def _new_network() -> Any:
    from pyvis.network import Network  # pyvis pulls in IPython: import only when rendering

    # directed=True also skips pyvis' quadratic duplicate-edge scan; we aggregate ourselves.
    network = Network(directed=True)
    network.node_ids = _IdList()
    return network


def _node_record(
    node: ViewNode, kinds: Mapping[str, int], factions: Mapping[str, int], x: float, y: float
) -> dict[str, Any]:
    colour = _node_colour(node)
    record: dict[str, Any] = {"label": node.label, "k": kinds[node.kind]}
    if node.faction:
        record["f"] = factions[node.faction]
    if colour != KIND_STYLES.get(node.kind, _UNKNOWN_KIND_STYLE)[1]:
        record["c"] = colour
    if node.size is not None:
        record["value"] = _round(node.size)
    record["x"], record["y"] = round(x), round(y)
    if node.statements:
        record["s"] = [[d, i, list(a), q, doc] for d, i, a, q, doc in node.statements]
    if node.iri:
        record["r"] = node.iri
    return record


def _edge_colour(kind: str) -> str:
    return EDGE_COLOURS.get(kind) or palette_colour(kind)


def _node_colour(node: ViewNode) -> str:
    if node.kind in ("faction", "party"):
        return faction_colour(node.faction or node.label)
    if node.kind == "person" and node.faction:
        return faction_colour(node.faction)
    return KIND_STYLES.get(node.kind, _UNKNOWN_KIND_STYLE)[1]


def _edge_record(number: int, edge: ViewEdge, kinds: Mapping[str, int]) -> dict[str, Any]:
    record: dict[str, Any] = {"id": number, "k": kinds[edge.kind], "value": _round(edge.weight)}
    if edge.count > 1:
        record["n"] = edge.count
    if edge.dates:
        record["d"] = list(edge.dates)
    return record


def _round(value: float) -> float:
    return float(f"{value:.4g}")


def _compact(record: Mapping[str, Any], keys: Mapping[str, str]) -> dict[str, Any]:
    """Short keys, and only those the page reads (pyvis adds shape/colour/arrows to each)."""
    return {short: record[key] for key, short in keys.items() if key in record}


def _ordered(known: Mapping[str, Any], present: Iterable[str]) -> list[str]:
    seen = set(present)
    return [k for k in known if k in seen] + sorted(seen - set(known))


def _vis_options(directed: bool, big: bool, seed: int, node_count: int) -> dict[str, Any]:
    physics: dict[str, Any] = {"enabled": False}
    if not big and node_count:
        # The start layout is already clustered; a short run untangles it. Fewer iterations for
        # more nodes keep the time to first draw near one second.
        iterations = max(40, min(200, 50_000 // max(node_count, 1)))
        physics = {
            "enabled": True,
            "solver": "barnesHut",
            "barnesHut": {"gravitationalConstant": -2500, "springLength": 110, "damping": 0.4},
            "stabilization": {"enabled": True, "iterations": iterations, "updateInterval": 25},
            "minVelocity": 1.5,
        }
    return {
        "autoResize": True,
        "layout": {"improvedLayout": False, "randomSeed": seed},
        "physics": physics,
        "interaction": {
            "hover": not big,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
        },
        "nodes": {
            "size": 10,
            "font": {"size": 14, "face": "sans-serif"},
            # Level of detail: labels disappear when zoomed out (font size x scale < threshold).
            "scaling": {"min": 6, "max": 30, "label": {"drawThreshold": 9 if big else 6}},
        },
        "edges": {
            "smooth": False if big else {"enabled": True, "type": "continuous", "roundness": 0.3},
            "arrows": {"to": {"enabled": directed, "scaleFactor": 0.5}},
            "font": {"size": 10, "align": "middle", "color": "#555555"},
            "scaling": {"min": 1, "max": 6, "label": {"drawThreshold": 8}},
            "selectionWidth": 2,
        },
    }


def _script_json(data: Any) -> str:
    """JSON that can sit inside `<script type="application/json">` whatever the strings hold."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for character, escape in _JSON_ESCAPES:  # str.replace is ~50x faster than str.translate
        text = text.replace(character, escape)
    return text


@lru_cache(maxsize=1)
def _assets() -> dict[str, Any]:
    try:
        vis_js = (_STATIC / "vis-network.min.js").read_text(encoding="utf-8")
        vis_css = (_STATIC / "vis-network.css").read_text(encoding="utf-8")
    except OSError as error:
        raise VisualiseError(f"vendored vis-network files missing: {error}") from error
    for name, text, closing in (("js", vis_js, "</script"), ("css", vis_css, "</style")):
        if closing in text.lower() or "<!--" in text:
            raise VisualiseError(f"vendored vis-network {name} cannot be inlined safely")
    # The map file is not shipped; without this line developer tools would try to fetch it.
    vis_js = _SOURCE_MAP_LINE.sub("", vis_js)
    return {"vis_js": Markup(vis_js), "vis_css": Markup(vis_css), "vis_js_hash": csp_hash(vis_js)}


def csp_hash(script: str) -> str:
    """The CSP source expression that allows exactly this inline script.

    >>> csp_hash("")
    'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='
    """
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


@lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    environment.filters["csp_hash"] = lambda script: csp_hash(str(script))
    try:
        return environment.get_template("network.html.j2")
    except jinja2.TemplateError as error:
        raise VisualiseError(f"network template cannot be loaded: {error}") from error
