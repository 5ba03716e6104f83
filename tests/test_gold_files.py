"""Validate the hand-made gold files in tests/gold against their documented format.

The gold files are the expected results for real protocols in ``../shared/corpus``; their
format is described in ``tests/gold/README.md``. These tests check structure and internal
consistency only (every reference points to something declared in the same file), so a
malformed or self-contradictory gold file fails here before it can mislead an evaluation.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

GOLD_DIR = Path(__file__).resolve().parent / "gold"
CORPUS_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

ACTS = frozenset(
    {
        "Welcome",
        "Presentation",
        "Information",
        "Question",
        "Answer",
        "Support",
        "Opposition",
        "Criticism",
        "Proposal",
        "Request",
        "Confirmation",
        "Thanks",
        "Procedural",
    }
)
RESULTS = frozenset({"Accepted", "Rejected", "Deferred", "TakenNote"})
SYSTEMS = frozenset({"ALLRIS", "SessionNet", "doRat", "other"})
ADDRESSES = frozenset({"Herr", "Frau"})
TOP_KEYS = {
    "file": str,
    "city": str,
    "system": str,
    "meeting": dict,
    "persons": list,
    "factions": list,
    "departments": list,
    "initiatives": list,
    "places": list,
    "papers": list,
    "memberships": list,
    "head_of": list,
    "attendance": dict,
    "items": list,
    "statements": list,
    "votes": list,
    "notes": str,
}
MEETING_KEYS = ("date", "body", "start", "end", "place")
PERSON_KEYS = ("surname", "given", "address", "title")
STATEMENT_KEYS = ("item", "speaker", "acts", "reply_to", "on_behalf_of")
VOTE_KEYS = ("item", "result", "unanimous", "yes", "no", "abstain")
CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
MIN_GOLD_FILES = 24


def gold_paths() -> list[Path]:
    """Return all gold files, sorted by name."""
    return sorted(GOLD_DIR.glob("*.json"))


def load(path: Path) -> dict[str, Any]:
    """Load one gold file as a dict.

    Raises:
        AssertionError: if the file is not a JSON object.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name}: top level must be an object"
    return data


def person_refs(person: dict[str, Any]) -> Iterator[str]:
    """Yield every string by which a gold file may refer to ``person``.

    A reference is the surname; when two persons of one file share a surname it must be
    made unique with the given name ("Elmar Gasper") or the form of address ("Frau Meyer").
    """
    surname = person["surname"]
    yield surname
    if person["given"]:
        yield f"{person['given']} {surname}"
    if person["address"]:
        yield f"{person['address']} {surname}"


def resolve(data: dict[str, Any], ref: str, where: str) -> None:
    """Assert that ``ref`` names exactly one person of the file.

    Raises:
        AssertionError: if the reference matches no person or several persons.
    """
    matches = [p for p in data["persons"] if ref in set(person_refs(p))]
    assert matches, f"{data['file']}: {where} {ref!r} is not in persons"
    assert len(matches) == 1, f"{data['file']}: {where} {ref!r} is ambiguous; add given/address"


def is_optional(value: Any, kind: type) -> bool:
    """Return True when ``value`` is None or an instance of ``kind`` (bool is not an int)."""
    if value is None:
        return True
    if kind is int and isinstance(value, bool):
        return False
    return isinstance(value, kind)


def check_strings(data: dict[str, Any], key: str) -> None:
    """Assert that ``data[key]`` is a list of unique, non-empty, stripped strings.

    Raises:
        AssertionError: on a wrong type, an empty string or a duplicate.
    """
    values = data[key]
    for value in values:
        assert isinstance(value, str) and value.strip() == value and value, (
            f"{data['file']}: {key} entry {value!r} must be a non-empty stripped string"
        )
    assert len(values) == len(set(values)), f"{data['file']}: duplicate entries in {key}"


def check_meeting(data: dict[str, Any]) -> None:
    """Check the meeting block: ISO date, body, HH:MM clock times.

    Raises:
        AssertionError: on a missing key, a non-ISO date or a malformed time.
    """
    meeting = data["meeting"]
    assert set(meeting) == set(MEETING_KEYS), f"{data['file']}: meeting keys {sorted(meeting)}"
    date = meeting["date"]
    if date is not None:
        assert isinstance(date, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date), date
        dt.date.fromisoformat(date)
    assert isinstance(meeting["body"], str) and meeting["body"], f"{data['file']}: body"
    for key in ("start", "end"):
        value = meeting[key]
        assert value is None or (isinstance(value, str) and CLOCK.match(value)), (
            f"{data['file']}: meeting.{key} {value!r} is not HH:MM"
        )
    assert is_optional(meeting["place"], str), f"{data['file']}: meeting.place"


def check_persons(data: dict[str, Any]) -> None:
    """Check person entries and that every person is distinguishable.

    Raises:
        AssertionError: on wrong keys or types, or two persons with identical references.
    """
    seen: set[tuple[str, str | None, str | None]] = set()
    for person in data["persons"]:
        assert isinstance(person, dict) and tuple(person) == PERSON_KEYS, (
            f"{data['file']}: person keys {person}"
        )
        assert isinstance(person["surname"], str) and person["surname"].strip(), person
        assert is_optional(person["given"], str) and is_optional(person["title"], str), person
        assert person["address"] is None or person["address"] in ADDRESSES, person
        key = (person["surname"], person["given"], person["address"])
        assert key not in seen, f"{data['file']}: duplicate person {person}"
        seen.add(key)


def check_relations(data: dict[str, Any]) -> None:
    """Check memberships, head_of and attendance against persons and factions.

    Raises:
        AssertionError: on an unknown person or faction, or a duplicated relation.
    """
    factions = set(data["factions"])
    pairs = []
    for membership in data["memberships"]:
        assert set(membership) == {"person", "faction"}, membership
        resolve(data, membership["person"], "membership person")
        assert membership["faction"] in factions, (
            f"{data['file']}: membership faction {membership['faction']!r} not in factions"
        )
        pairs.append((membership["person"], membership["faction"]))
    assert len(pairs) == len(set(pairs)), f"{data['file']}: duplicate membership"
    for head in data["head_of"]:
        assert set(head) == {"person", "org"}, head
        resolve(data, head["person"], "head_of person")
        assert isinstance(head["org"], str) and head["org"], head
    attendance = data["attendance"]
    assert set(attendance) == {"present", "absent"}, f"{data['file']}: attendance keys"
    for key in ("present", "absent"):
        for ref in attendance[key]:
            resolve(data, ref, f"attendance.{key}")
    both = set(attendance["present"]) & set(attendance["absent"])
    assert not both, f"{data['file']}: both present and absent: {both}"


def check_items(data: dict[str, Any]) -> set[str | None]:
    """Check agenda items and return the set of item numbers (None for an unnumbered item).

    Raises:
        AssertionError: on wrong keys, a "TOP" prefix, or a duplicate number.
    """
    numbers: list[str | None] = []
    for item in data["items"]:
        assert set(item) == {"number", "title"}, item
        number = item["number"]
        assert is_optional(number, str), item
        if number is not None:
            assert not number.upper().startswith(("TOP", "Ö ")), f"{data['file']}: {number}"
        assert isinstance(item["title"], str) and item["title"], item
        numbers.append(number)
    assert len(numbers) == len(set(numbers)), f"{data['file']}: duplicate item numbers"
    return set(numbers)


def check_item_ref(data: dict[str, Any], numbers: set[str | None], ref: Any, where: str) -> None:
    """Assert that a statement's or vote's item is a declared item (or None).

    Raises:
        AssertionError: if the item reference is not declared in items.
    """
    assert ref is None or ref in numbers, f"{data['file']}: {where} item {ref!r} not in items"


def check_statements(data: dict[str, Any], numbers: set[str | None]) -> None:
    """Check statements: speakers, acts, earlier reply targets, factions.

    Raises:
        AssertionError: on any inconsistency.
    """
    factions = set(data["factions"])
    for index, statement in enumerate(data["statements"]):
        where = f"statement {index}"
        assert isinstance(statement, dict) and tuple(statement) == STATEMENT_KEYS, (
            f"{data['file']}: {where} keys {statement}"
        )
        check_item_ref(data, numbers, statement["item"], where)
        resolve(data, statement["speaker"], f"{where} speaker")
        acts = statement["acts"]
        assert isinstance(acts, list) and 1 <= len(acts) <= 3, f"{data['file']}: {where} acts"
        assert len(acts) == len(set(acts)), f"{data['file']}: {where} duplicate acts"
        unknown = set(acts) - ACTS
        assert not unknown, f"{data['file']}: {where} unknown acts {unknown}"
        reply = statement["reply_to"]
        if reply is not None:
            assert isinstance(reply, int) and not isinstance(reply, bool), reply
            assert 0 <= reply < index, f"{data['file']}: {where} replies to {reply}, not earlier"
        behalf = statement["on_behalf_of"]
        assert behalf is None or behalf in factions, (
            f"{data['file']}: {where} on_behalf_of {behalf!r} not in factions"
        )


def check_votes(data: dict[str, Any], numbers: set[str | None]) -> None:
    """Check vote results and counts.

    Raises:
        AssertionError: on an unknown result or a non-integer count.
    """
    for index, vote in enumerate(data["votes"]):
        where = f"vote {index}"
        assert isinstance(vote, dict) and tuple(vote) == VOTE_KEYS, f"{data['file']}: {where}"
        check_item_ref(data, numbers, vote["item"], where)
        assert vote["result"] in RESULTS, f"{data['file']}: {where} result {vote['result']!r}"
        assert is_optional(vote["unanimous"], bool), f"{data['file']}: {where} unanimous"
        for key in ("yes", "no", "abstain"):
            count = vote[key]
            assert is_optional(count, int), f"{data['file']}: {where} {key} {count!r}"
            assert count is None or count >= 0, f"{data['file']}: {where} {key} negative"


def validate(data: dict[str, Any], stem: str) -> None:
    """Validate one gold document completely.

    Raises:
        AssertionError: on the first violation of the format.
    """
    for key, kind in TOP_KEYS.items():
        assert key in data, f"{stem}: missing key {key!r}"
        assert isinstance(data[key], kind), f"{stem}: {key} must be {kind.__name__}"
    extra = set(data) - set(TOP_KEYS)
    assert not extra, f"{stem}: unexpected keys {sorted(extra)}"
    assert data["file"].rsplit(".", 1)[0] == stem, f"{stem}: file field is {data['file']!r}"
    assert data["city"], f"{stem}: empty city"
    assert data["system"] in SYSTEMS, f"{stem}: system {data['system']!r}"
    check_meeting(data)
    check_persons(data)
    for key in ("factions", "departments", "initiatives", "places", "papers"):
        check_strings(data, key)
    check_relations(data)
    numbers = check_items(data)
    check_statements(data, numbers)
    check_votes(data, numbers)


@pytest.fixture(params=gold_paths(), ids=lambda path: path.stem)
def gold(request: pytest.FixtureRequest) -> tuple[str, dict[str, Any]]:
    """One gold file as (stem, parsed data)."""
    path: Path = request.param
    return path.stem, load(path)


def test_enough_gold_files() -> None:
    paths = gold_paths()
    assert len(paths) >= MIN_GOLD_FILES, f"only {len(paths)} gold files in {GOLD_DIR}"
    cities = {load(path)["city"] for path in paths}
    assert len(cities) >= 6, f"gold files cover only {sorted(cities)}"


def test_gold_file_is_valid(gold: tuple[str, dict[str, Any]]) -> None:
    stem, data = gold
    validate(data, stem)


def test_gold_file_names_existing_corpus_file(gold: tuple[str, dict[str, Any]]) -> None:
    stem, data = gold
    if not CORPUS_DIR.is_dir():
        pytest.skip(f"corpus folder {CORPUS_DIR} is absent; cannot check that {stem} exists")
    assert (CORPUS_DIR / data["file"]).is_file(), f"{data['file']} is not in {CORPUS_DIR}"


def test_gold_literals_occur_in_corpus_text(gold: tuple[str, dict[str, Any]]) -> None:
    """Names, paper numbers and agenda titles are copied from the text, so they must occur in it.

    Item titles are compared after collapsing whitespace (titles may span lines).
    """
    stem, data = gold
    source = CORPUS_DIR / data["file"]
    if not source.is_file():
        pytest.skip(f"{source} is absent; cannot check the literals of {stem}")
    text = source.read_text(encoding="utf-8")
    check_literals(stem, data, text, " ".join(text.split()))


def check_literals(stem: str, data: dict[str, Any], text: str, flat: str) -> None:
    """Names, paper numbers and item numbers occur in `text`, item titles in `flat` (the text
    with whitespace collapsed: titles may span lines)."""
    for person in data["persons"]:
        for key in ("surname", "given"):
            value = person[key]
            assert value is None or value in text, f"{stem}: {key} {value!r} not in the text"
    for paper in data["papers"]:
        assert paper in text, f"{stem}: paper {paper!r} not in the text"
    for item in data["items"]:
        assert item["title"] in flat, f"{stem}: item title {item['title']!r} not in the text"
        number = item["number"]
        assert number is None or number in text, f"{stem}: item number {number!r} not in text"


def test_gold_metadata_agrees_with_corpus_index(gold: tuple[str, dict[str, Any]]) -> None:
    stem, data = gold
    index = CORPUS_DIR / "INDEX.tsv"
    if not index.is_file():
        pytest.skip(f"{index} is absent; cannot compare {stem} with the corpus index")
    rows = [line.split("\t") for line in index.read_text(encoding="utf-8").splitlines()[1:]]
    row = next((r for r in rows if r and r[0] == data["file"]), None)
    assert row is not None, f"{data['file']} has no row in INDEX.tsv"
    _file, _url, city, system, date, _body = row
    assert data["city"] == city, f"{stem}: city {data['city']!r} but INDEX says {city!r}"
    assert data["system"] == system, f"{stem}: system {data['system']!r} but INDEX {system!r}"
    if date and data["meeting"]["date"] is not None:
        assert data["meeting"]["date"] == date, f"{stem}: date differs from INDEX.tsv ({date})"


BROKEN: list[tuple[str, Any]] = [
    ("acts", ["Welcome", "Shouting"]),
    ("reply_to", 5),
    ("speaker", "Niemand"),
]


@pytest.mark.parametrize(("field", "value"), BROKEN, ids=[f for f, _ in BROKEN])
def test_validator_rejects_broken_statement(field: str, value: Any) -> None:
    data: dict[str, Any] = {
        "file": "x.txt",
        "city": "Hagen",
        "system": "ALLRIS",
        "meeting": {"date": "2022-02-15", "body": "Rat", "start": None, "end": None, "place": None},
        "persons": [{"surname": "Keller", "given": None, "address": "Frau", "title": None}],
        "factions": [],
        "departments": [],
        "initiatives": [],
        "places": [],
        "papers": [],
        "memberships": [],
        "head_of": [],
        "attendance": {"present": [], "absent": []},
        "items": [],
        "statements": [
            {
                "item": None,
                "speaker": "Keller",
                "acts": ["Welcome"],
                "reply_to": None,
                "on_behalf_of": None,
            }
        ],
        "votes": [],
        "notes": "",
    }
    validate(data, "x")
    data["statements"][0][field] = value
    with pytest.raises(AssertionError):
        validate(data, "x")


def test_validator_rejects_bad_date_and_unknown_member() -> None:
    stem, data = "hagen-2022-02-15-top-3-2", load(GOLD_DIR / "hagen-2022-02-15-top-3-2.json")
    validate(data, stem)
    broken = json.loads(json.dumps(data))
    broken["meeting"]["date"] = "15.02.2022"
    with pytest.raises(AssertionError):
        validate(broken, stem)
    broken = json.loads(json.dumps(data))
    broken["memberships"].append({"person": "Meier", "faction": "CDU"})
    with pytest.raises(AssertionError):
        validate(broken, stem)
