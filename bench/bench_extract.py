"""Extraction throughput on one core, in documents per second of CPU time.

Inputs: the real corpus (../shared/corpus, when present) and synthetic 3,000-character pages
from `bench.generate`. Two figures per input: extraction proper (parse + extract, the issue's
target is at least 200 documents per second on the synthetic pages) and the whole per-document
pipeline (parse + extract + resolve, what `kg ingest` runs per file). Baseline of the same run:
reading the same texts and splitting them into words with one regular expression, the least
any extractor has to do; the ratio says how many times that our rules cost. Rates are measured
in CPU time of this one process, so that other work on the machine does not skew them.
"""

from __future__ import annotations

import re
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kg.extract import extract
from kg.models import SourceDocument
from kg.parse import parse
from kg.pipeline import process_document
from kg.sources import read_document

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
_WORDS = re.compile(r"\w+")


def _documents(folder: Path, pattern: str) -> list[SourceDocument]:
    return [read_document(path) for path in sorted(folder.glob(pattern))]


def _rate(
    documents: list[SourceDocument], work: Callable[[SourceDocument], Any], rounds: int
) -> float:
    """Median documents per CPU second over `rounds` passes."""
    rates = []
    for _ in range(rounds):
        start = time.process_time()
        for document in documents:
            work(document)
        rates.append(len(documents) / max(time.process_time() - start, 1e-9))
    return statistics.median(rates)


def _parse_and_extract(document: SourceDocument) -> object:
    return extract(parse(document))


def _rows(
    name: str, documents: list[SourceDocument], rounds: int, target: str = ""
) -> list[dict[str, Any]]:
    for document in documents[:3]:  # warm the pattern caches
        process_document(document)
    baseline = _rate(documents, lambda d: _WORDS.findall(d.text), rounds)
    extraction = _rate(documents, _parse_and_extract, rounds)
    pipeline = _rate(documents, process_document, rounds)
    chars = statistics.mean(len(d.text) for d in documents)
    label = f"{name} ({len(documents)} docs, {chars:,.0f} chars avg)"
    return [
        {
            "name": f"{stage} {label}",
            "value": round(rate, 1),
            "unit": "docs/s",
            "baseline": round(baseline, 1),
            "ratio": round(rate / baseline, 4),
        }
        for stage, rate in (
            (f"extraction (parse + extract{target})", extraction),
            ("pipeline (parse + extract + resolve)", pipeline),
        )
    ]


def run(quick: bool) -> list[dict[str, Any]]:
    """Benchmark rows for bench/run.py."""
    from bench.generate import generate_corpus

    rows: list[dict[str, Any]] = []
    rounds = 2 if quick else 5
    if CORPUS.is_dir():
        rows += _rows("real corpus", _documents(CORPUS, "*.txt"), rounds)
    with tempfile.TemporaryDirectory() as tmp:
        generate_corpus(Path(tmp), n_docs=50 if quick else 1000, n_municipalities=4, seed=7)
        pages = _documents(Path(tmp), "*.txt")
        rows += _rows("synthetic 3,000-char pages", pages, rounds, target="; target 200")
    return rows


if __name__ == "__main__":
    import argparse
    import json

    parser = argparse.ArgumentParser(description="Extraction throughput (docs/s, one core).")
    parser.add_argument("--quick", action="store_true", help="50 instead of 1,000 pages")
    for row in run(parser.parse_args().quick):
        print(json.dumps(row, ensure_ascii=False))
