"""Charts (PNG and SVG via matplotlib) and the offline HTML report of `kg analyse --out`.

Part of the analyse stage. Matplotlib is used without pyplot (no global state, Agg renderer);
SVGs get a fixed `svg.hashsalt` and no date, so the same analysis gives byte-identical files.
The report is one autoescaped Jinja2 page with the charts as `data:` image URIs and a
Content-Security-Policy that forbids every request: it opens from file:// without a network.
"""

from __future__ import annotations

import base64
import io
import logging
import math
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.analyse_tables import NO_FACTION, ResultTable, format_cell
from kg.errors import AnalyseError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from kg.analyse import Analysis

log = logging.getLogger(__name__)

_TEMPLATES = Path(__file__).resolve().parent / "templates"
_RC: Any = {"svg.hashsalt": "ratsgraph", "svg.fonttype": "path", "font.family": "DejaVu Sans",
       "font.size": 9, "axes.spines.top": False, "axes.spines.right": False}  # fmt: skip
_PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
            "#ff9da7", "#9c755f", "#bab0ac")  # fmt: skip
_PARTY = (("spd", "#e3000f"), ("cdu", "#2d2d2d"), ("csu", "#2d2d2d"), ("grün", "#1aa037"),
          ("fdp", "#f5c400"), ("linke", "#8b1a4a"), ("afd", "#009ee0"))  # fmt: skip
TOP_FACTIONS = 8
TOP_BROKERS = 15
HEATMAP_ROWS, HEATMAP_COLUMNS = 15, 20
REPORT_ROWS = 50
CHARTS = (
    ("activity", "Activity per faction over time"),
    ("brokers", "Top brokers between factions"),
    ("stance", "Stance of factions on initiatives: support − opposition (grey: no statements)"),
)


def colour(label: str) -> str:
    """Usual party colour for a faction label, else a stable palette colour.

    >>> colour("SPD-Fraktion"), colour("SPD-Fraktion (Hagen)") == colour("SPD-Fraktion")
    ('#e3000f', True)
    """
    folded = label.casefold()
    for word, value in _PARTY:
        if word in folded:
            return value
    return _PALETTE[zlib.crc32(label.encode("utf-8")) % len(_PALETTE)]


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------- charts


def chart_files(analysis: Analysis) -> dict[str, bytes]:
    """`charts/NAME.png` and `charts/NAME.svg` for every chart in `CHARTS`."""
    draw: Mapping[str, Callable[[Analysis], Figure]] = {
        "activity": activity_chart, "brokers": brokers_chart, "stance": stance_chart,
    }  # fmt: skip
    files: dict[str, bytes] = {}
    for name, _ in CHARTS:
        figure = draw[name](analysis)
        files[f"charts/{name}.png"] = _save(figure, "png")
        files[f"charts/{name}.svg"] = _save(figure, "svg")
    return files


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def _save(figure: Figure, fmt: str) -> bytes:
    import matplotlib

    buffer = io.BytesIO()
    metadata = {"Date": None, "Creator": "Ratsgraph"} if fmt == "svg" else {"Software": "Ratsgraph"}
    with matplotlib.rc_context(_RC):
        figure.savefig(buffer, format=fmt, metadata=metadata)
    return buffer.getvalue()


def _empty(figure: Figure, message: str) -> Figure:
    axes = figure.add_subplot()
    axes.axis("off")
    axes.text(0.5, 0.5, message, ha="center", va="center", color="#666666")
    return figure


def activity_chart(analysis: Analysis) -> Figure:
    """Stacked bars: statements per period, one colour per faction (the largest ones)."""
    import matplotlib
    from matplotlib.ticker import MaxNLocator

    table = analysis.table("activity-over-time")
    with matplotlib.rc_context(_RC):
        figure = _figure(8, 4.2)
        if not table.rows:
            return _empty(figure, "no dated statements in this window")
        totals: Counter[str] = Counter()
        for _, faction, statements, _, _ in table.rows:
            totals[faction] += statements
        kept = [f for f in sorted(totals, key=lambda f: (-totals[f], f)) if f != NO_FACTION]
        kept = kept[:TOP_FACTIONS]
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for period, faction, statements, _, _ in table.rows:
            group = faction if faction in kept or faction == NO_FACTION else "other factions"
            counts[group][period] += statements
        periods = sorted({row[0] for row in table.rows})
        axes = figure.add_subplot()
        bottom = [0] * len(periods)
        for group in [*kept, "other factions", NO_FACTION]:
            if group not in counts:
                continue
            heights = [counts[group][p] for p in periods]
            tint = "#cccccc" if group == NO_FACTION else colour(group)
            axes.bar(periods, heights, bottom=bottom, label=_short(group, 30), color=tint)
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        axes.set_ylabel("statements")
        axes.set_title(f"Statements per {analysis.period} and faction")
        axes.tick_params(axis="x", labelrotation=45)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return figure


def brokers_chart(analysis: Analysis) -> Figure:
    """Horizontal bars: how many factions each top broker's reply partners belong to."""
    import matplotlib

    top = analysis.brokers[:TOP_BROKERS]
    with matplotlib.rc_context(_RC):
        figure = _figure(8, max(2.5, 0.35 * len(top) + 1.2))
        if not top:
            return _empty(figure, "no person replies to or is answered by several factions")
        axes = figure.add_subplot()
        names = [_short(f"{b.label} ({b.faction or 'no faction'})", 45) for b in reversed(top)]
        spans = [len(b.neighbour_factions) for b in reversed(top)]
        tints = [colour(b.faction) if b.faction else "#999999" for b in reversed(top)]
        axes.barh(range(len(top)), spans, color=tints)
        axes.set_yticks(range(len(top)), names)
        for row, broker in enumerate(reversed(top)):
            axes.text(len(broker.neighbour_factions) + 0.05, row,
                      f"betweenness {broker.betweenness:.3f}", va="center", fontsize=7)  # fmt: skip
        axes.set_xlabel("factions among reply partners")
        axes.set_xlim(0, max(spans) + 1.5)
        axes.set_title("Brokers between factions (reply network)")
    return figure


def stance_chart(analysis: Analysis) -> Figure:
    """Heat map faction × initiative of support minus opposition, cells annotated with counts."""
    import matplotlib

    table = analysis.table("stance")
    with matplotlib.rc_context(_RC):
        if not table.rows:
            return _empty(_figure(8, 2.5), "no statements of factions about initiatives")
        rows, columns, cells = _stance_matrix(table)
        figure = _figure(max(6, 0.55 * len(columns) + 3), max(2.5, 0.4 * len(rows) + 2))
        axes = figure.add_subplot()
        values = [[cells[r, c][0] if (r, c) in cells else math.nan for c in columns] for r in rows]
        bound = max(1, *(abs(net) for net, _ in cells.values()))
        palette = matplotlib.colormaps["RdYlGn"].with_extremes(bad="#f4f4f4")
        image = axes.imshow(values, cmap=palette, vmin=-bound, vmax=bound, aspect="auto")
        axes.set_xticks(range(len(columns)), [_short(c, 28) for c in columns], rotation=45,
                        ha="right")  # fmt: skip
        axes.set_yticks(range(len(rows)), [_short(r, 32) for r in rows])
        for (r, c), (_, text) in cells.items():
            axes.text(columns.index(c), rows.index(r), text, ha="center", va="center", fontsize=7)
        figure.colorbar(image, ax=axes, label="support − opposition")
        axes.set_title("Stance of factions on initiatives")
    return figure


def _stance_matrix(
    table: ResultTable,
) -> tuple[list[str], list[str], dict[tuple[str, str], tuple[int, str]]]:
    by_faction: Counter[str] = Counter()
    by_initiative: Counter[str] = Counter()
    for faction, initiative, *_, statements, _ in table.rows:
        by_faction[faction] += statements
        by_initiative[initiative] += statements
    rows = sorted(by_faction, key=lambda f: (-by_faction[f], f))[:HEATMAP_ROWS]
    columns = sorted(by_initiative, key=lambda i: (-by_initiative[i], i))[:HEATMAP_COLUMNS]
    cells = {}
    for faction, initiative, support, opposition, _, questions, _, net in table.rows:
        if faction in rows and initiative in columns:
            text = f"+{support} −{opposition}" + (f" ?{questions}" if questions else "")
            cells[faction, initiative] = (net, text)
    return rows, columns, cells


# ---------------------------------------------------------------- report


def render_report(analysis: Analysis, charts: Mapping[str, bytes]) -> str:
    """The self-contained HTML report (charts inlined as `data:` URIs).

    Raises:
        AnalyseError: when the report template cannot be loaded.
    """
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES), autoescape=True,
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
    )  # fmt: skip
    try:
        template = environment.get_template("analysis-report.html.j2")
    except jinja2.TemplateError as error:
        raise AnalyseError(f"report template cannot be loaded: {error}") from error
    return template.render(**report_context(analysis, charts))


def report_context(analysis: Analysis, charts: Mapping[str, bytes]) -> dict[str, Any]:
    """Values the report template shows."""
    projection = analysis.projection
    window = analysis.window
    images = [
        (title, "data:image/svg+xml;base64," + base64.b64encode(charts[f"charts/{n}.svg"]).decode())
        for n, title in CHARTS
    ]
    names = ("networks", "metrics-replies", "brokers", "askers", "answerers",
             "unanswered-questions", "stance", "co-voting", "communities", "change-over-time",
             "activity-over-time")  # fmt: skip
    tables = [_report_table(analysis.table(n)) for n in names if _has(analysis, n)]
    return {
        "window": f"{window.since or 'first meeting'} – {window.until or 'last meeting'}",
        "counts": {
            "statements": len(projection.statements),
            "speakers": len({s.speaker for s in projection.statements}),
            "meetings": len({s.meeting for s in projection.statements if s.meeting}),
            "documents": len({s.doc for s in projection.statements}),
        },
        "charts": images,
        "tables": tables,
        "seed": analysis.seed,
    }


def _has(analysis: Analysis, name: str) -> bool:
    return any(t.name == name for t in analysis.tables)


def _report_table(table: ResultTable) -> dict[str, Any]:
    keep = [i for i, c in enumerate(table.columns) if c != "iri"]
    return {
        "name": table.name,
        "title": table.title,
        "columns": [table.columns[i] for i in keep],
        "rows": [[format_cell(row[i]) for i in keep] for row in table.rows[:REPORT_ROWS]],
        "more": max(0, len(table.rows) - REPORT_ROWS),
    }
