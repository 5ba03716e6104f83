"""Extraction quality on the hand-made gold of real protocols must not drop.

Thresholds are the issue's targets where they are met, else the level measured when the
threshold was set (a regression guard); `kg eval tests/gold` prints the full table.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.evaluate import Score, evaluate

GOLD = Path(__file__).parent / "gold"
THRESHOLDS = {
    "persons": 0.98,
    "factions": 0.96,
    "departments": 0.94,
    "initiatives": 0.92,
    "memberships": 0.96,
    "head_of": 0.93,
    "attendance": 0.98,
    "speaker_attribution": 0.96,
    "statements": 0.96,
    "speech_acts": 0.83,
    "replies": 0.96,
    "votes": 0.94,
}


@pytest.fixture(scope="module")
def scores(corpus: Path) -> dict[str, Score]:
    return evaluate(GOLD, corpus).scores


@pytest.mark.parametrize("category", sorted(THRESHOLDS))
def test_f1_at_least_threshold(scores: dict[str, Score], category: str) -> None:
    assert scores[category].f1 >= THRESHOLDS[category], (category, scores[category])


def test_scores_count_mistakes() -> None:
    score = Score()
    score.add(tp=3, fp=1, fn=2)
    assert (score.precision, score.recall) == (0.75, 0.6)
