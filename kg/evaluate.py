"""Measure extraction against hand-made expected results (gold JSON, see tests/gold/README.md).

Precision, recall and F1 per category, micro-averaged over documents. Names are compared
umlaut- and case-folded; department and initiative names by token overlap, because protocols
shorten them ("FB Jugend und Soziales"); statements are aligned in order by speaker.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import KgError
from kg.evaluate_resolution import ClusterScore, person_clustering
from kg.ids import fold
from kg.lexicon import lexicon
from kg.models import ResolvedDocument
from kg.pipeline import process_document
from kg.sources import read_document

CATEGORIES = (
    "persons", "factions", "departments", "initiatives", "memberships", "head_of",
    "attendance", "speaker_attribution", "statements", "speech_acts", "replies", "votes",
    "person_clustering",
)  # fmt: skip
_STOP = {"des", "der", "die", "und", "fuer", "fur", "fachbereich", "fb", "amt", "fachbereichs"}


@dataclass(slots=True)
class Score:
    """True positives, false positives and false negatives of one category."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, tp: int, fp: int, fn: int) -> None:
        """Accumulate counts."""
        self.tp, self.fp, self.fn = self.tp + tp, self.fp + fp, self.fn + fn

    @property
    def precision(self) -> float:
        """tp / (tp + fp); 1.0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """tp / (tp + fn); 1.0 when nothing was expected."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall.

        >>> round(Score(8, 2, 2).f1, 2)
        0.8
        """
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(slots=True)
class Evaluation:
    """Scores per category plus the documents that were evaluated."""

    scores: dict[str, Score] = field(default_factory=lambda: {c: Score() for c in CATEGORIES})
    documents: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    clustering: list[ClusterScore] = field(default_factory=list)  # per municipality, then "all"


def evaluate(gold_dir: Path, corpus_dir: Path | None = None) -> Evaluation:
    """Run the pipeline on every gold document and score it.

    Gold files are `*.gold.json` beside their protocols (the synthetic corpus of
    `bench/generate.py`) or `*.json` in a folder of their own (tests/gold).

    Raises:
        KgError: when the gold folder has no gold files.
    """
    gold_files = sorted(gold_dir.glob("*.gold.json")) or sorted(
        p for p in gold_dir.glob("*.json") if not p.name.startswith(".")
    )
    if not gold_files:
        raise KgError(f"no gold JSON files in {gold_dir}")
    evaluation = Evaluation()
    for gold_path in gold_files:
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        source = _source_path(gold, gold_path, corpus_dir)
        if source is None:
            evaluation.errors.append((gold_path.name, "protocol file not found"))
            continue
        try:
            resolved = process_document(read_document(source))
        except KgError as error:
            evaluation.errors.append((gold_path.name, str(error)))
            continue
        score_document(gold, resolved, evaluation.scores)
        evaluation.documents.append(gold_path.name)
    if evaluation.documents:
        _score_clustering(evaluation, gold_dir, corpus_dir)
    return evaluation


def _score_clustering(evaluation: Evaluation, gold_dir: Path, corpus_dir: Path | None) -> None:
    """Pairwise person clustering across the documents of a municipality (category
    `person_clustering`: tp = pairs joined by both, fp = joined only by the system, fn = only
    by gold; see kg.evaluate_resolution)."""
    try:
        evaluation.clustering = person_clustering(gold_dir, corpus_dir)
    except KgError as error:
        evaluation.errors.append(("person_clustering", str(error)))
        return
    total = evaluation.clustering[-1]
    score = evaluation.scores["person_clustering"]
    score.add(tp=total.both, fp=total.system - total.both, fn=total.gold - total.both)


def _source_path(gold: dict[str, Any], gold_path: Path, corpus_dir: Path | None) -> Path | None:
    name = str(gold.get("file", ""))
    for folder in (corpus_dir, gold_path.parent):
        if folder is not None and (folder / name).is_file():
            return folder / name
    return None


def score_document(
    gold: dict[str, Any], resolved: ResolvedDocument, scores: dict[str, Score]
) -> None:
    """Add one document's counts to `scores`."""
    predicted = _predicted(resolved)
    _score_sets(
        scores["persons"], {fold(p["surname"]) for p in gold["persons"]}, predicted["persons"]
    )
    _score_sets(scores["factions"], {_faction(f) for f in gold["factions"]}, predicted["factions"])
    _score_fuzzy(scores["departments"], gold["departments"], predicted["departments"])
    _score_fuzzy(scores["initiatives"], gold["initiatives"], predicted["initiatives"])
    gold_members = {(_surname(m["person"]), _faction(m["faction"])) for m in gold["memberships"]}
    _score_sets(scores["memberships"], gold_members, predicted["memberships"])
    _score_head_of(scores["head_of"], gold["head_of"], predicted["head_of"])
    attendance = gold.get("attendance") or {}
    gold_att = {(_surname(n), "present") for n in attendance.get("present", [])}
    gold_att |= {(_surname(n), "absent") for n in attendance.get("absent", [])}
    _score_sets(scores["attendance"], gold_att, predicted["attendance"])
    _score_statements(scores, gold["statements"], predicted["statements"])
    gold_votes = {(_item(v.get("item")), v["result"]) for v in gold.get("votes", [])}
    _score_sets(scores["votes"], gold_votes, predicted["votes"])


def _predicted(resolved: ResolvedDocument) -> dict[str, Any]:
    ex = resolved.extraction
    entities = {e.key: e for e in resolved.entities}
    mentions = ex.mentions

    def label(i: int) -> str:
        return entities[resolved.entity_of[i]].label

    def surname(i: int) -> str:
        entity = entities[resolved.entity_of[i]]
        return fold((entity.surname or entity.label).split()[-1])

    def faction(i: int) -> str:
        return _faction(label(i))

    items = ex.protocol.items
    statements = [
        {
            "item": _item(items[s.item].number),
            "speaker": surname(s.speaker),
            "acts": set(s.acts),
            "reply_to": s.reply_to,
        }
        for s in ex.statements
    ]
    return {
        "persons": {
            fold((e.surname or e.label).split()[-1])
            for e in resolved.entities
            if e.kind == "person"
        },
        "factions": {_faction(e.label) for e in resolved.entities if e.kind == "faction"},
        "departments": sorted({e.label for e in resolved.entities if e.kind == "department"}),
        "initiatives": sorted({e.label for e in resolved.entities if e.kind == "initiative"}),
        "memberships": {
            (surname(c.subject), faction(c.object)) for c in ex.claims if c.kind == "member_of"
        },
        "head_of": [
            (surname(c.subject), label(c.object)) for c in ex.claims if c.kind == "head_of"
        ],
        "attendance": {(surname(m), status) for m, status in ex.attendees if mentions[m].person},
        "statements": statements,
        "votes": {(_item(items[v.item].number), v.result) for v in ex.votes},
    }


def _surname(name: str) -> str:
    """Gold names may carry a first name or address to tell people apart ("Karin Krings")."""
    parts = [p for p in name.split() if p not in ("Herr", "Frau")]
    return fold(parts[-1]) if parts else fold(name)


def _faction(text: str) -> str:
    entry = lexicon().faction_entry(text)
    if entry:
        return fold(entry.abbreviation)
    name = re.sub(r"^(?:(?:rats)?fraktion|ratsgruppe|gruppe)\s+(?:der\s+)?", "", fold(text))
    return name.removesuffix("-fraktion")


def _item(number: object) -> str:
    return "" if number is None else str(number).strip().rstrip(".")


def _score_sets(score: Score, gold: set[Any], predicted: set[Any]) -> None:
    score.add(len(gold & predicted), len(predicted - gold), len(gold - predicted))


def _tokens(name: str) -> set[str]:
    return {t for t in re.findall(r"[a-z0-9]+", fold(name)) if t not in _STOP}


def _similar(a: str, b: str) -> bool:
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return fold(a) == fold(b)
    return len(ta & tb) / len(ta | tb) >= 0.5 or ta <= tb or tb <= ta


def _score_fuzzy(score: Score, gold: Iterable[str], predicted: Iterable[str]) -> None:
    remaining = list(predicted)
    tp = 0
    gold_list = list(gold)
    for name in gold_list:
        match = next((p for p in remaining if _similar(name, p)), None)
        if match is not None:
            remaining.remove(match)
            tp += 1
    score.add(tp, len(remaining), len(gold_list) - tp)


def _score_head_of(
    score: Score, gold: list[dict[str, str]], predicted: list[tuple[str, str]]
) -> None:
    remaining = list(predicted)
    tp = 0
    for entry in gold:
        person = _surname(entry["person"])
        match = next(
            (p for p in remaining if p[0] == person and _similar(entry["org"], p[1])), None
        )
        if match is not None:
            remaining.remove(match)
            tp += 1
    score.add(tp, len(remaining), len(gold) - tp)


def _score_statements(
    scores: dict[str, Score], gold: list[dict[str, Any]], predicted: list[dict[str, Any]]
) -> None:
    gold_speakers = [_surname(s["speaker"]) for s in gold]
    pred_speakers = [s["speaker"] for s in predicted]
    matcher = difflib.SequenceMatcher(a=gold_speakers, b=pred_speakers, autojunk=False)
    pairs = [
        (block.a + k, block.b + k)
        for block in matcher.get_matching_blocks()
        for k in range(block.size)
    ]
    scores["speaker_attribution"].add(
        len(pairs), len(predicted) - len(pairs), len(gold) - len(pairs)
    )
    gold_bag = Counter((_item(s.get("item")), _surname(s["speaker"])) for s in gold)
    pred_bag = Counter((s["item"], s["speaker"]) for s in predicted)
    common = sum((gold_bag & pred_bag).values())
    scores["statements"].add(
        common, sum(pred_bag.values()) - common, sum(gold_bag.values()) - common
    )
    acts = scores["speech_acts"]
    aligned_pred = {b for _, b in pairs}
    for a, b in pairs:
        g, p = set(gold[a]["acts"]), predicted[b]["acts"]
        acts.add(len(g & p), len(p - g), len(g - p))
    for a in set(range(len(gold))) - {x for x, _ in pairs}:
        acts.add(0, 0, len(gold[a]["acts"]))
    for b in set(range(len(predicted))) - aligned_pred:
        acts.add(0, len(predicted[b]["acts"]), 0)
    to_gold = {b: a for a, b in pairs}
    gold_replies = {(i, s["reply_to"]) for i, s in enumerate(gold) if s.get("reply_to") is not None}
    pred_replies = {
        (to_gold.get(i, -1 - i), to_gold.get(s["reply_to"], -1000))
        for i, s in enumerate(predicted)
        if s["reply_to"] is not None
    }
    _score_sets(scores["replies"], gold_replies, pred_replies)
