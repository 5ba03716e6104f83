"""Networks built from a `Projection`: replies, affiliations, stances, responsibilities, votes.

Part of the analyse stage. Node ids are entity IRIs; every node carries `label`, `kind` and
(for persons) `faction`, every edge a numeric `weight`. Nodes and edges are added in sorted
order, so equal projections give equal graphs and byte-identical exports.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import networkx as nx

from kg.analyse_data import Projection, StatementRecord
from kg.errors import AnalyseError

log = logging.getLogger(__name__)

#: Stance counts per speech act (`rg:act` local name -> edge attribute).
STANCE_ACTS: Mapping[str, str] = {
    "Support": "support",
    "Opposition": "opposition",
    "Criticism": "criticism",
    "Question": "question",
}


def person_attributes(projection: Projection, person: str) -> dict[str, Any]:
    """Node attributes of a person: label, kind, faction (label and IRI), role."""
    faction = projection.faction_of(person)
    return {
        "label": projection.label(person),
        "kind": "person",
        "faction": projection.label(faction) if faction else "",
        "faction_iri": faction or "",
        "role": projection.roles.get(person, ""),
    }


def entity_attributes(projection: Projection, iri: str) -> dict[str, Any]:
    """Node attributes of any entity (persons get their faction and role too)."""
    if projection.kind(iri) == "person":
        return person_attributes(projection, iri)
    return {"label": projection.label(iri), "kind": projection.kind(iri)}


def _add_nodes(graph: Any, projection: Projection, nodes: Iterable[str], **extra: Any) -> None:
    for node in sorted(set(nodes)):
        graph.add_node(node, **entity_attributes(projection, node), **extra)


# ---------------------------------------------------------------- replies


def reply_network(projection: Projection) -> nx.DiGraph:
    """Person -> person, one edge per pair weighted by the replies (`rg:inReplyTo`).

    Self-replies are left out. Nodes: every speaker in the window, with counts of their
    statements, questions and answers.
    """
    speaker_of = {s.iri: s.speaker for s in projection.statements}
    weights: Counter[tuple[str, str]] = Counter()
    dates: dict[tuple[str, str], set[str]] = defaultdict(set)
    for statement in projection.statements:
        target = speaker_of.get(statement.reply_to or "")
        if target is None or target == statement.speaker:
            continue
        weights[statement.speaker, target] += 1
        dates[statement.speaker, target].update([statement.date] if statement.date else [])
    graph = nx.DiGraph(name="replies")
    _add_nodes(graph, projection, speaker_of.values())
    for person, counts in _act_counts(projection.statements).items():
        graph.nodes[person].update(counts)
    for (source, target), weight in sorted(weights.items()):
        graph.add_edge(source, target, weight=weight, kind="replies_to",
                       dates=" ".join(sorted(dates[source, target])))  # fmt: skip
    return graph


def _act_counts(statements: Iterable[StatementRecord]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for statement in statements:
        entry = counts.setdefault(
            statement.speaker, {"statements": 0, "questions": 0, "answers": 0}
        )
        entry["statements"] += 1
        entry["questions"] += "Question" in statement.acts
        entry["answers"] += "Answer" in statement.acts
    return counts


# ---------------------------------------------------------------- affiliations


def affiliation_network(projection: Projection, group_kind: str) -> nx.Graph:
    """Bipartite persons (`bipartite=0`) and groups of `group_kind` (`bipartite=1`).

    Edges come from `org:memberOf`/`org:headOf` stated in the window, for factions also from
    statements made on behalf of the faction (`rg:onBehalfOf`), for departments also from
    statements about the department (`rg:about`). `relation` lists how they are tied and
    `weight` counts the documents and statements that tie them.
    """
    relations: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for tie in projection.ties:
        kinds = (projection.kind(tie.org), projection.kind(tie.person))
        if kinds == (group_kind, "person") and projection.window.any(tie.dates):
            relations[tie.person, tie.org][tie.relation] += max(1, len(tie.dates))
    for statement in projection.statements:
        for target, relation in _statement_groups(projection, statement, group_kind):
            relations[statement.speaker, target][relation] += 1
    graph = nx.Graph(name=f"person-{group_kind}")
    _add_nodes(graph, projection, (p for p, _ in relations), bipartite=0)
    _add_nodes(graph, projection, (g for _, g in relations), bipartite=1)
    for (person, group), counts in sorted(relations.items()):
        graph.add_edge(person, group, weight=sum(counts.values()),
                       relation=" ".join(sorted(counts)), kind=_edge_kind(counts))  # fmt: skip
    return graph


def _statement_groups(
    projection: Projection, statement: StatementRecord, group_kind: str
) -> Iterable[tuple[str, str]]:
    if group_kind == "faction" and statement.on_behalf_of:
        yield statement.on_behalf_of, "spoke_for"
    if group_kind == "department":
        for target in statement.about:
            if projection.kind(target) == "department":
                yield target, "about"


def _edge_kind(relations: Counter[str]) -> str:
    for kind in ("head_of", "member_of", "spoke_for", "about"):
        if relations[kind]:
            return kind
    return "related"


def bipartite_projection(graph: nx.Graph, side: int, name: str) -> nx.Graph:
    """One side of a bipartite network; edge `weight` = number of shared neighbours."""
    nodes = sorted(n for n, side_of in graph.nodes(data="bipartite") if side_of == side)
    projected = nx.bipartite.weighted_projected_graph(graph, nodes)
    result = nx.Graph(name=name)
    for node in nodes:
        result.add_node(node, **{k: v for k, v in graph.nodes[node].items() if k != "bipartite"})
    for u, v, weight in sorted((*sorted((u, v)), w) for u, v, w in projected.edges(data="weight")):
        result.add_edge(u, v, weight=weight, kind="shared")
    return result


# ---------------------------------------------------------------- stances and responsibility


def stance_network(projection: Projection) -> nx.Graph:
    """Faction -- initiative, counting support, opposition, criticism and questions.

    A statement counts for `rg:onBehalfOf`, else for the speaker's faction; it counts for each
    initiative it is `rg:about`. `weight` is the number of statements, `net` support minus
    opposition.
    """
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for statement in projection.statements:
        faction = projection.statement_faction(statement)
        if faction is None:
            continue
        for initiative in statement.about:
            if projection.kind(initiative) == "initiative":
                entry = counts[faction, initiative]
                entry["statements"] += 1
                for act in statement.acts:
                    if act in STANCE_ACTS:
                        entry[STANCE_ACTS[act]] += 1
    graph = nx.Graph(name="stance")
    _add_nodes(graph, projection, (f for f, _ in counts), bipartite=0)
    _add_nodes(graph, projection, (i for _, i in counts), bipartite=1)
    for (faction, initiative), entry in sorted(counts.items()):
        stance = {name: entry[name] for name in STANCE_ACTS.values()}
        graph.add_edge(faction, initiative, weight=entry["statements"], kind="stance",
                       net=stance["support"] - stance["opposition"], **stance)  # fmt: skip
    return graph


def responsibility_network(projection: Projection) -> nx.Graph:
    """Department -- initiative: `rg:responsibleUnit` plus statements about both.

    Edge attributes: `responsible` (a document says the unit is responsible), `mentions`
    (statements about both), `weight` = mentions + 1 where responsible.
    """
    responsible = {
        (r.unit, r.initiative)
        for r in projection.responsibilities
        if projection.window.any(r.dates)
    }
    mentions: Counter[tuple[str, str]] = Counter()
    for statement in projection.statements:
        units = [a for a in statement.about if projection.kind(a) == "department"]
        initiatives = [a for a in statement.about if projection.kind(a) == "initiative"]
        mentions.update((u, i) for u in units for i in initiatives)
    graph = nx.Graph(name="responsibility")
    pairs = sorted(responsible | set(mentions))
    _add_nodes(graph, projection, (u for u, _ in pairs), bipartite=0)
    _add_nodes(graph, projection, (i for _, i in pairs), bipartite=1)
    for unit, initiative in pairs:
        is_responsible = (unit, initiative) in responsible
        count = mentions[unit, initiative]
        kind = "responsible_for" if is_responsible else "about"
        graph.add_edge(unit, initiative, responsible=is_responsible, mentions=count,
                       weight=count + int(is_responsible), kind=kind)  # fmt: skip
    return graph


# ---------------------------------------------------------------- co-voting


def vote_positions(projection: Projection) -> dict[str, dict[str, str]]:
    """Per vote with group counts, each faction's position (`yes`, `no`, `abstain`).

    A listed faction takes the option with its largest count. Factions present at the meeting
    (a member attended or spoke for it) but not listed are counted with the result: `yes` for
    an accepted, `no` for a rejected motion — the reading of "bei 1 Gegenstimme (Grüne)
    angenommen". Votes without a result leave unlisted factions out.
    """
    present = _factions_present(projection)
    counts: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    meta: dict[str, tuple[str | None, str | None]] = {}
    for group_vote in projection.group_votes:
        counts[group_vote.vote][group_vote.faction, group_vote.option] += group_vote.count
        meta[group_vote.vote] = (group_vote.meeting, group_vote.result)
    positions: dict[str, dict[str, str]] = {}
    for vote in sorted(counts):
        listed: dict[str, tuple[int, str]] = {}
        for (faction, option), count in sorted(counts[vote].items()):
            if faction not in listed or count > listed[faction][0]:
                listed[faction] = (count, option)
        chosen = {faction: option for faction, (_, option) in listed.items()}
        meeting, result = meta[vote]
        implied = {"Accepted": "yes", "Rejected": "no"}.get(result or "")
        for faction in sorted(present.get(meeting or "", ())):
            if implied and faction not in chosen:
                chosen[faction] = implied
        positions[vote] = chosen
    return positions


def _factions_present(projection: Projection) -> dict[str, set[str]]:
    present: dict[str, set[str]] = defaultdict(set)
    for meeting, person in projection.attendance:
        faction = projection.faction_of(person)
        if faction:
            present[meeting].add(faction)
    for statement in projection.statements:
        if statement.meeting and statement.on_behalf_of:
            present[statement.meeting].add(statement.on_behalf_of)
    return present


def co_voting_network(projection: Projection) -> nx.Graph:
    """Faction -- faction; `weight` is the agreement rate over the votes both took part in."""
    positions = vote_positions(projection)
    shared: Counter[tuple[str, str]] = Counter()
    agreed: Counter[tuple[str, str]] = Counter()
    votes_of: Counter[str] = Counter()
    for chosen in positions.values():
        votes_of.update(chosen)
        factions = sorted(chosen)
        for i, left in enumerate(factions):
            for right in factions[i + 1 :]:
                shared[left, right] += 1
                agreed[left, right] += chosen[left] == chosen[right]
    graph = nx.Graph(name="co-voting")
    _add_nodes(graph, projection, votes_of)
    for faction, votes in votes_of.items():
        graph.nodes[faction]["votes"] = votes
    for pair, votes in sorted(shared.items()):
        graph.add_edge(*pair, weight=round(agreed[pair] / votes, 6), votes=votes,
                       agreements=agreed[pair], kind="co_voting")  # fmt: skip
    return graph


# ---------------------------------------------------------------- registry

_BUILDERS: dict[str, Callable[[Projection], Any]] = {
    "replies": reply_network,
    "person-faction": lambda p: affiliation_network(p, "faction"),
    "person-department": lambda p: affiliation_network(p, "department"),
    "stance": stance_network,
    "responsibility": responsibility_network,
    "co-voting": co_voting_network,
}
_PROJECTIONS = {
    "person-faction-persons": ("person-faction", 0),
    "person-faction-factions": ("person-faction", 1),
    "person-department-persons": ("person-department", 0),
    "person-department-departments": ("person-department", 1),
}
#: Every network `kg analyse --network` accepts, in report order.
NETWORKS: tuple[str, ...] = (
    "replies", "person-faction", "person-faction-persons", "person-faction-factions",
    "person-department", "person-department-persons", "person-department-departments",
    "stance", "responsibility", "co-voting",
)  # fmt: skip


def build_networks(projection: Projection, names: Iterable[str] = NETWORKS) -> dict[str, Any]:
    """The requested networks by name (projections build their bipartite network first).

    Raises:
        AnalyseError: for an unknown network name.
    """
    built: dict[str, Any] = {}
    for name in names:
        if name in _BUILDERS:
            if name not in built:
                built[name] = _BUILDERS[name](projection)
        elif name in _PROJECTIONS:
            base, side = _PROJECTIONS[name]
            if base not in built:
                built[base] = _BUILDERS[base](projection)
            built[name] = bipartite_projection(built[base], side, name)
        else:
            raise AnalyseError(f"unknown network {name!r} (use one of {', '.join(NETWORKS)})")
    wanted = list(names)
    return {name: built[name] for name in NETWORKS if name in wanted}
