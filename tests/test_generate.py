"""Tests for the synthetic corpus generator ``bench.generate``.

The generated gold files must pass the same validator as the hand-made ones in tests/gold
(``test_gold_files.validate``) and must agree with their texts: every name, place and paper
in a gold file occurs in its text, replies point backwards to another speaker, and equal
arguments give byte-identical files.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from test_gold_files import validate

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # bench/ is a folder of scripts, not part of the installed package
    sys.path.insert(0, str(ROOT))

from bench.generate import STYLES, generate_corpus, main  # noqa: E402

N_DOCS = 60
N_MUNICIPALITIES = 3
CHARS = 3000
FACTION_SPELLINGS = {"Bündnis 90/Die Grünen": ("Bündnis 90/Die Grünen", "B90/Die Grünen")}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated corpus of 60 documents in three municipalities."""
    out = tmp_path_factory.mktemp("synthetic")
    generate_corpus(out, N_DOCS, N_MUNICIPALITIES, seed=7, chars=CHARS)
    return out


@pytest.fixture(scope="module")
def documents(synthetic: Path) -> list[tuple[str, str, dict[str, Any]]]:
    """Every generated document as (stem, text, gold)."""
    result = []
    for gold_path in sorted(synthetic.glob("*.gold.json")):
        stem = gold_path.name.removesuffix(".gold.json")
        text = (synthetic / f"{stem}.txt").read_text(encoding="utf-8")
        result.append((stem, text, json.loads(gold_path.read_text(encoding="utf-8"))))
    return result


def manifest(folder: Path) -> dict[str, Any]:
    """Load ``manifest.json`` of a generated corpus."""
    data: dict[str, Any] = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return data


def snapshot(folder: Path) -> dict[str, bytes]:
    """Return every file of ``folder`` by name."""
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def run_cli(out: Path, seed: int, hash_seed: str) -> None:
    """Run ``python -m bench.generate`` in a fresh process with its own string-hash seed."""
    args = [sys.executable, "-m", "bench.generate", str(out), "--docs", "15"]
    args += ["--municipalities", "2", "--seed", str(seed), "--chars", "2000"]
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    subprocess.run(args, cwd=ROOT, env=env, check=True, capture_output=True)


def test_same_arguments_give_identical_bytes(tmp_path: Path) -> None:
    run_cli(tmp_path / "a", 11, "1")
    run_cli(tmp_path / "b", 11, "2")
    generate_corpus(tmp_path / "c", 15, 2, seed=11, chars=2000)
    generate_corpus(tmp_path / "d", 15, 2, seed=12, chars=2000)
    first = snapshot(tmp_path / "a")
    assert len(first) == 15 * 3 + 2 + 1
    assert first == snapshot(tmp_path / "b") == snapshot(tmp_path / "c")
    texts = {data for name, data in first.items() if name.endswith(".txt")}
    others = {data for name, data in snapshot(tmp_path / "d").items() if name.endswith(".txt")}
    assert len(texts) == 15 and not texts & others


def test_every_document_is_listed_with_sidecars(synthetic: Path) -> None:
    data = manifest(synthetic)
    assert data["n_docs"] == len(data["documents"]) == N_DOCS
    for entry in data["documents"]:
        meta = json.loads((synthetic / entry["meta"]).read_text(encoding="utf-8"))
        assert set(meta) == {"municipality", "body", "url", "date"}
        assert meta["url"] is None and meta["municipality"] == entry["municipality"]
        gold = json.loads((synthetic / entry["gold"]).read_text(encoding="utf-8"))
        assert gold["meeting"]["date"] == meta["date"] == entry["date"]
        assert gold["meeting"]["body"] == meta["body"] and gold["city"] == meta["municipality"]


def test_sizes_stay_within_twenty_percent(synthetic: Path) -> None:
    for entry in manifest(synthetic)["documents"]:
        size = len((synthetic / entry["file"]).read_text(encoding="utf-8"))
        assert size == entry["chars"]
        assert 0.8 * CHARS <= size <= 1.2 * CHARS, f"{entry['file']} has {size} characters"


def test_every_style_occurs(synthetic: Path) -> None:
    styles = {entry["style"] for entry in manifest(synthetic)["documents"]}
    assert styles == set(STYLES)
    systems = {
        json.loads(p.read_text(encoding="utf-8"))["system"] for p in synthetic.glob("*.gold.json")
    }
    assert systems == {"ALLRIS", "doRat", "other"}


def test_gold_files_pass_the_gold_format_validator(
    documents: list[tuple[str, str, dict[str, Any]]],
) -> None:
    for stem, _text, gold in documents:
        validate(gold, stem)


def test_gold_names_occur_in_text(documents: list[tuple[str, str, dict[str, Any]]]) -> None:
    for stem, text, gold in documents:
        for person in gold["persons"]:
            assert person["surname"] in text, f"{stem}: {person['surname']}"
            if person["given"]:
                assert f"{person['given']} " in text or f", {person['given']}" in text, stem
            if person["title"]:
                titled = rf"{re.escape(person['title'])} (\S+ )?{re.escape(person['surname'])}"
                assert re.search(titled, text), f"{stem}: {titled}"
        for key in ("places", "papers"):
            for value in gold[key]:
                assert value in text, f"{stem}: {key} {value!r} not in text"
        for unit in gold["departments"]:
            tail = (
                unit.split(" ", 1)[1] if unit.startswith(("Fachbereich ", "Stabsstelle ")) else unit
            )
            assert tail in text, f"{stem}: department {unit!r}"
        for initiative in gold["initiatives"]:
            assert initiative.split()[-1] in text, f"{stem}: initiative {initiative!r}"
        for faction in gold["factions"]:
            spellings = FACTION_SPELLINGS.get(faction, (faction,))
            assert any(s.lower() in text.lower() for s in spellings), f"{stem}: {faction}"


def test_statements_agree_with_text(documents: list[tuple[str, str, dict[str, Any]]]) -> None:
    turns = 0
    for stem, text, gold in documents:
        surnames = {p["surname"] for p in gold["persons"]}
        items = {item["number"] for item in gold["items"]}
        statements = gold["statements"]
        assert len(statements) <= text.count("\n"), stem
        for index, statement in enumerate(statements):
            assert statement["speaker"] in surnames and statement["speaker"] in text, stem
            assert statement["item"] in items, stem
            reply = statement["reply_to"]
            if reply is not None:
                assert 0 <= reply < index, f"{stem}: statement {index} replies forward"
                assert statements[reply]["speaker"] != statement["speaker"], stem
                assert statements[reply]["item"] == statement["item"], stem
            if "Answer" in statement["acts"] and statement["reply_to"] is not None:
                assert "Question" in statements[reply]["acts"] or any(
                    act in statements[reply]["acts"] for act in ("Criticism", "Opposition")
                ), f"{stem}: statement {index} answers a turn without question or objection"
        turns += len(statements)
        for vote in gold["votes"]:
            assert vote["item"] in items, stem
    assert turns > 6 * N_DOCS


def test_memberships_are_stated(documents: list[tuple[str, str, dict[str, Any]]]) -> None:
    for stem, text, gold in documents:
        for membership in gold["memberships"]:
            assert membership["faction"] in gold["factions"], stem
            assert membership["person"] in text, stem
        for statement in gold["statements"]:
            behalf = statement["on_behalf_of"]
            if behalf is not None:
                pair = {"person": statement["speaker"], "faction": behalf}
                assert pair in gold["memberships"], f"{stem}: {pair} speaks for an unlisted faction"


def test_two_persons_share_a_surname_across_documents(synthetic: Path) -> None:
    data = manifest(synthetic)
    pairs = [m for m in data["municipalities"] if m["same_surname"]]
    assert pairs, "no municipality has two persons with the same surname"
    for muni in pairs:
        rows = list(csv.DictReader((synthetic / muni["roster"]).open(encoding="utf-8")))
        surname = muni["same_surname"][0]["surname"]
        roster_factions = {row["faction"] for row in rows if row["name"] == surname}
        assert len(roster_factions) == 2, f"{muni['name']}: roster has {roster_factions}"
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    for entry in data["documents"]:
        gold = json.loads((synthetic / entry["gold"]).read_text(encoding="utf-8"))
        per_doc = {(m["person"], m["faction"]) for m in gold["memberships"]}
        for muni in pairs:
            surname = muni["same_surname"][0]["surname"]
            factions = {f for person, f in per_doc if person == surname}
            if entry["municipality"] == muni["name"]:
                assert len(factions) <= 1, f"{entry['file']}: both {surname} in one document"
                seen[(muni["name"], surname)] |= factions
    assert any(len(factions) == 2 for factions in seen.values()), dict(seen)


def test_roster_has_the_documented_columns(synthetic: Path) -> None:
    for muni in manifest(synthetic)["municipalities"]:
        with (synthetic / muni["roster"]).open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert list(rows[0]) == ["name", "given_name", "faction", "role", "start", "end"]
        assert 30 <= len(rows) == muni["persons"] <= 80
        assert any(row["name"].count("-") == 1 for row in rows) or len(rows) < 40
        assert {row["role"] for row in rows} >= {"Ratsmitglied"}


def test_cli_writes_a_corpus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main([str(tmp_path), "--docs", "4", "--municipalities", "1", "--seed", "3"])
    assert code == 0
    assert "wrote 4 documents" in capsys.readouterr().out
    assert len(list(tmp_path.glob("*.gold.json"))) == 4
    assert main([str(tmp_path), "--docs", "1", "--municipalities", "0"]) == 2


def test_rejects_impossible_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate_corpus(tmp_path, 1, 0)
    with pytest.raises(ValueError):
        generate_corpus(tmp_path, 1, 1, chars=100)
