"""Extraction throughput: parse + extract + resolve on one core, in documents per second.

Inputs: the real corpus (../shared/corpus, when present) and synthetic 3,000-character pages
from `bench.generate`. Baseline of the same run: reading the same texts and splitting them
into words with one regular expression, the least any extractor has to do; the ratio says how
many times that our rules cost.
"""

from __future__ import annotations

import re
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kg.models import SourceDocument
from kg.pipeline import process_document
from kg.sources import read_document

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
_WORDS = re.compile(r"\w+")


def _documents(folder: Path, pattern: str) -> list[SourceDocument]:
    return [read_document(path) for path in sorted(folder.glob(pattern))]


def _rate(
    documents: list[SourceDocument], work: Callable[[SourceDocument], Any], rounds: int
) -> float:
    """Median documents per second over `rounds` passes."""
    rates = []
    for _ in range(rounds):
        start = time.perf_counter()
        for document in documents:
            work(document)
        rates.append(len(documents) / (time.perf_counter() - start))
    return statistics.median(rates)


def _rows(name: str, documents: list[SourceDocument], rounds: int) -> list[dict[str, Any]]:
    ours = _rate(documents, process_document, rounds)
    baseline = _rate(documents, lambda d: _WORDS.findall(d.text), rounds)
    chars = statistics.mean(len(d.text) for d in documents)
    return [
        {
            "name": f"extraction {name} ({len(documents)} docs, {chars:,.0f} chars avg)",
            "value": round(ours, 1),
            "unit": "docs/s",
            "baseline": round(baseline, 1),
            "ratio": round(ours / baseline, 4),
        }
    ]


def run(quick: bool) -> list[dict[str, Any]]:
    """Benchmark rows for bench/run.py."""
    from bench.generate import generate_corpus

    rows: list[dict[str, Any]] = []
    rounds = 2 if quick else 5
    if CORPUS.is_dir():
        rows += _rows("real corpus", _documents(CORPUS, "*.txt"), rounds)
    with tempfile.TemporaryDirectory() as tmp:
        generate_corpus(Path(tmp), n_docs=100 if quick else 1000, n_municipalities=4, seed=7)
        rows += _rows("synthetic 3,000-char pages", _documents(Path(tmp), "*.txt"), rounds)
    return rows


if __name__ == "__main__":
    for row in run(quick=True):
        print(row)
