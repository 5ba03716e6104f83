"""Activity tables of the analyse stage: askers and answerers, unanswered questions per
Fachbereich, activity per faction over time and how the reply network changes.

Each function returns a `ResultTable`, the one shape the CLI prints (rich, CSV, JSON) and the
report renders. Rows are sorted so equal projections give equal tables.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kg.analyse_data import Projection, StatementRecord, period_of
from kg.analyse_metrics import communities, pagerank
from kg.analyse_networks import reply_network

NO_FACTION = "(no faction)"
NO_DEPARTMENT = "(no department)"


@dataclass(frozen=True, slots=True)
class ResultTable:
    """A named table: `name` is its file stem, `columns` its header, `rows` its values."""

    name: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]

    def records(self) -> list[dict[str, Any]]:
        """Rows as dicts (for JSON)."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def format_cell(value: Any) -> str:
    """A cell as text: floats with at most four decimals, everything else as is.

    >>> format_cell(0.333333), format_cell(2.0), format_cell(0.0), format_cell("SPD")
    ('0.3333', '2', '0', 'SPD')
    """
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".") if value else "0"
    return str(value)


def most_active(projection: Projection, act: str, name: str, limit: int = 25) -> ResultTable:
    """Persons ranked by their statements with speech act `act` (`Question`, `Answer`)."""
    counts: Counter[str] = Counter(s.speaker for s in projection.statements if act in s.acts)
    ranked = sorted(counts, key=lambda p: (-counts[p], projection.label(p), p))[:limit]
    rows = tuple((projection.label(p), _faction_label(projection, p), counts[p], p) for p in ranked)
    return ResultTable(name, f"Most active {name}", ("person", "faction", act.lower() + "s", "iri"),
                       rows)  # fmt: skip


def _faction_label(projection: Projection, person: str) -> str:
    faction = projection.faction_of(person)
    return projection.label(faction) if faction else ""


def question_departments(projection: Projection, statement: StatementRecord) -> list[str]:
    """Departments a question concerns: those it is about, and the units responsible for the
    initiatives it is about."""
    responsible: dict[str, set[str]] = defaultdict(set)
    for fact in projection.responsibilities:
        responsible[fact.initiative].add(fact.unit)
    units = {a for a in statement.about if projection.kind(a) == "department"}
    for target in statement.about:
        units |= responsible.get(target, set())
    return sorted(units)


def unanswered_questions(projection: Projection) -> ResultTable:
    """Per department: questions, answered (some statement `rg:inReplyTo` it) and unanswered.

    Questions that concern no department are counted under `(no department)`.
    """
    answered = {s.reply_to for s in projection.statements if s.reply_to}
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for statement in projection.statements:
        if "Question" not in statement.acts:
            continue
        status = "answered" if statement.iri in answered else "unanswered"
        for unit in question_departments(projection, statement) or [NO_DEPARTMENT]:
            counts[unit]["questions"] += 1
            counts[unit][status] += 1
    order = sorted(counts, key=lambda u: (-counts[u]["unanswered"], u == NO_DEPARTMENT,
                                          projection.label(u), u))  # fmt: skip
    rows = tuple(
        (NO_DEPARTMENT if u == NO_DEPARTMENT else projection.label(u), counts[u]["questions"],
         counts[u]["answered"], counts[u]["unanswered"], "" if u == NO_DEPARTMENT else u)
        for u in order
    )  # fmt: skip
    columns = ("department", "questions", "answered", "unanswered", "iri")
    return ResultTable("unanswered-questions", "Unanswered questions per department", columns, rows)


def activity_over_time(projection: Projection, period: str = "year") -> ResultTable:
    """Statements, questions and answers per faction and period (undated statements left out)."""
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for statement in projection.statements:
        if statement.date is None:
            continue
        faction = projection.statement_faction(statement)
        key = (
            period_of(statement.date, period),
            projection.label(faction) if faction else NO_FACTION,
        )
        counts[key]["statements"] += 1
        counts[key]["questions"] += "Question" in statement.acts
        counts[key]["answers"] += "Answer" in statement.acts
    rows = tuple(
        (slot, faction, c["statements"], c["questions"], c["answers"])
        for (slot, faction), c in sorted(counts.items())
    )
    columns = (period, "faction", "statements", "questions", "answers")
    return ResultTable("activity-over-time", f"Activity per faction and {period}", columns, rows)


def change_over_time(projection: Projection, period: str = "year", seed: int = 0) -> ResultTable:
    """The reply network per period: speakers, statements, replies, communities and who
    received the most replies (ties broken by PageRank)."""
    slots: dict[str, list[StatementRecord]] = defaultdict(list)
    for statement in projection.statements:
        if statement.date is not None:
            slots[period_of(statement.date, period)].append(statement)
    rows = tuple(_period_row(projection, slot, slots[slot], seed) for slot in sorted(slots))
    columns = (period, "statements", "speakers", "replies", "reply_pairs", "communities",
               "modularity", "most_replied_to")  # fmt: skip
    return ResultTable("change-over-time", f"Reply network per {period}", columns, rows)


def _period_row(
    projection: Projection, slot: str, statements: Iterable[StatementRecord], seed: int
) -> tuple[Any, ...]:
    part = dataclasses.replace(projection, statements=tuple(statements))
    graph = reply_network(part)
    replies = int(sum(w for _, _, w in graph.edges(data="weight")))
    found = communities(graph, seed=seed)
    received = dict(graph.in_degree(weight="weight"))
    ranks = pagerank(graph)
    top = min(received, key=lambda n: (-received[n], -round(ranks[n], 9), n)) if replies else None
    return (slot, len(part.statements), graph.number_of_nodes(), replies,
            graph.number_of_edges(), len(found.groups), found.modularity,
            projection.label(top) if top else "")  # fmt: skip
