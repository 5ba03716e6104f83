"""Seeded generator of synthetic German council protocols with exact ground truth.

``generate_corpus`` invents municipalities (town, districts, factions, departments,
initiatives and 30-80 persons each) and writes protocols in three layouts seen in real
sources: ALLRIS single-TOP Wortprotokolle (``allris``), doRat-like Niederschriften with
attendance lists under faction headers (``niederschrift``) and Protokolle with bracketed
factions and ``TOP n`` blocks (``protokoll``). Every ``<name>.txt`` gets a
``<name>.txt.meta.json`` sidecar and a ``<name>.gold.json`` in the format of ``tests/gold``
that records exactly what its text says. Only ``random.Random`` instances seeded from
``seed`` are used, so equal arguments give byte-identical files.

Conventions of the gold files beyond ``tests/gold``: the town name occurs only inside
organisation names ("Rat der Stadt ..."), never as a place; the two persons of a municipality
who share a surname never meet in one document; a turn of an unnamed "Die Vorsitzende" is a
statement only when the attendance list names the chair ("... als Vorsitzende"); acts come
from the cue verbs of a turn only.

The parts live beside this module: ``generate_words`` (word lists, speaker patterns, sentence
templates), ``generate_world`` (municipalities, persons, rosters), ``generate_fill`` (ground
truth of fragments, template filling), ``generate_speech`` (the document being written) and
``generate_layouts`` (the three layouts); this module writes the corpus.

CLI: ``python -m bench.generate OUT --docs 1000 --municipalities 5 --seed 0 --chars 3000``.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
import time
from pathlib import Path
from typing import Any

from bench.generate_layouts import Document
from bench.generate_words import STYLES
from bench.generate_world import (
    GeneratedCorpus,
    GeneratedDoc,
    Municipality,
    build_municipality,
    roster_csv,
)

log = logging.getLogger(__name__)


# ---------------------------------------------------------------- corpus
def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def generate_corpus(
    out_dir: Path, n_docs: int, n_municipalities: int, seed: int = 0, chars: int = 3000
) -> GeneratedCorpus:
    """Write ``n_docs`` synthetic protocols with gold files, rosters and a manifest.

    Documents are spread round-robin over ``n_municipalities`` invented municipalities; the
    first three documents use the three layouts, later ones draw their layout at random.

    Args:
        out_dir: Folder to write into (created if missing; existing files are overwritten).
        n_docs: Number of documents.
        n_municipalities: Number of invented municipalities (at least 1).
        seed: Seed of every random choice; equal arguments give byte-identical files.
        chars: Target text size; texts stay within ±20 % of it for sizes of 1,500 and more.

    Returns:
        What was written.

    Raises:
        ValueError: if ``n_docs`` is negative, ``n_municipalities`` below 1 or ``chars`` below 500.
        OSError: if ``out_dir`` cannot be written.
    """
    if n_docs < 0 or n_municipalities < 1 or chars < 500:
        raise ValueError("need n_docs >= 0, n_municipalities >= 1 and chars >= 500")
    out_dir.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    munis = tuple(build_municipality(seed, index, used) for index in range(n_municipalities))
    width = max(5, len(str(n_docs)))
    style_rng = random.Random(f"{seed}/styles")
    docs = []
    for index in range(n_docs):
        muni = munis[index % n_municipalities]
        style = STYLES[index] if index < len(STYLES) else style_rng.choice(STYLES)
        name = f"syn-{index:0{width}d}-{muni.slug}"
        docs.append(_write_document(out_dir, name, Document(muni, style, index, seed, chars)))
    for muni in munis:
        (out_dir / f"roster-{muni.slug}.csv").write_text(roster_csv(muni), encoding="utf-8")
    manifest = out_dir / "manifest.json"
    _write_json(manifest, _manifest(docs, munis, seed, chars))
    log.info("wrote %d documents for %d municipalities to %s", n_docs, n_municipalities, out_dir)
    return GeneratedCorpus(out_dir, tuple(docs), munis, manifest)


def _write_document(out_dir: Path, name: str, doc: Document) -> GeneratedDoc:
    text, gold = doc.build()
    (out_dir / f"{name}.txt").write_text(text, encoding="utf-8")
    meta = {"municipality": doc.muni.name, "body": doc.body_nom, "url": None, "date": doc.date}
    _write_json(out_dir / f"{name}.txt.meta.json", meta)
    _write_json(out_dir / f"{name}.gold.json", {"file": f"{name}.txt", **gold})
    return GeneratedDoc(name, doc.muni.name, doc.style, doc.date, doc.body_nom, len(text))


def _manifest(
    docs: list[GeneratedDoc], munis: tuple[Municipality, ...], seed: int, chars: int
) -> dict[str, Any]:
    municipalities = []
    for muni in munis:
        pair = [
            {"surname": p.surname, "given": p.given, "faction": p.faction} for p in muni.pair or ()
        ]
        municipalities.append(
            {
                "name": muni.name,
                "roster": f"roster-{muni.slug}.csv",
                "persons": len(muni.persons),
                "same_surname": pair,
            }
        )
    documents = [
        {
            "file": f"{d.name}.txt",
            "gold": f"{d.name}.gold.json",
            "meta": f"{d.name}.txt.meta.json",
            "municipality": d.municipality,
            "style": d.style,
            "date": d.date,
            "body": d.body,
            "chars": d.chars,
        }
        for d in docs
    ]
    return {
        "generator": "bench.generate",
        "seed": seed,
        "chars": chars,
        "n_docs": len(docs),
        "n_municipalities": len(munis),
        "municipalities": municipalities,
        "documents": documents,
    }


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m bench.generate OUT --docs N --municipalities M``."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.generate", description=__doc__.split("\n")[0]
    )
    parser.add_argument("out", type=Path, help="output folder")
    parser.add_argument("--docs", type=int, default=100, help="number of documents (100)")
    parser.add_argument("--municipalities", type=int, default=3, help="municipalities (3)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (0)")
    parser.add_argument("--chars", type=int, default=3000, help="target text size (3000)")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    try:
        corpus = generate_corpus(args.out, args.docs, args.municipalities, args.seed, args.chars)
    except (ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    seconds = time.perf_counter() - began
    print(
        f"wrote {len(corpus.documents)} documents for {len(corpus.municipalities)} "
        f"municipalities to {corpus.out_dir} in {seconds:.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
