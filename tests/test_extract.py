"""Extraction golden tests: the reference Wortprotokoll fully, two more ALLRIS pages by gold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.evaluate import _surname
from kg.extract import extract
from kg.models import Extraction
from kg.parse import parse
from kg.sources import read_document

GOLD = Path(__file__).parent / "gold"


def _extract(path: Path) -> Extraction:
    return extract(parse(read_document(path)))


def _labels(ex: Extraction, kind: str) -> set[str]:
    return {m.label for m in ex.mentions if m.kind == kind}


def test_reference_entities(reference: Path) -> None:
    ex = _extract(reference)
    assert {m.key for m in ex.mentions if m.kind == "person"} == {
        "engelhardt", "keller", "meier", "sauerwein", "schwanke",
    }  # fmt: skip
    assert _labels(ex, "faction") == {"SPD-Fraktion"}
    assert _labels(ex, "department") == {
        "Fachbereich Integration, Zuwanderung und Wohnraumsicherung",
        "Fachbereich Jugend und Soziales",
        "Fachbereich des Oberbürgermeisters",
        "Fachbereich Öffentliche Sicherheit und Ordnung",
    }
    assert _labels(ex, "initiative") == {
        "Kommunales Integrationsmanagement", "Kommunales Konfliktmanagement",
        "Quartiersmanagement", "Case-Management", "Kümmerergruppen",
    }  # fmt: skip
    assert _labels(ex, "place") == {"Hagen", "Altenhagen", "Wehringhausen", "Haspe"}


def test_reference_statements_acts_and_replies(reference: Path) -> None:
    ex = _extract(reference)
    speakers = [ex.mentions[s.speaker].label for s in ex.statements]
    assert speakers == [
        "Engelhardt",
        "Keller",
        "Meier",
        "Keller",
        "Sauerwein",
        "Keller",
        "Engelhardt",
    ]
    assert [set(s.acts) for s in ex.statements] == [
        {"Welcome"}, {"Presentation"}, {"Support", "Question"}, {"Answer"},
        {"Request", "Question"}, {"Answer", "Confirmation"}, {"Thanks"},
    ]  # fmt: skip
    assert [s.reply_to for s in ex.statements] == [None, None, None, 2, None, 4, None]
    assert [s.position for s in ex.statements] == [1, 2, 3, 4, 5, 6, 7]
    meier = ex.statements[2]
    assert meier.on_behalf_of is not None
    assert ex.mentions[meier.on_behalf_of].label == "SPD-Fraktion"


def test_reference_claims(reference: Path) -> None:
    ex = _extract(reference)
    claims = {
        (c.kind, ex.mentions[c.subject].label, ex.mentions[c.object].label) for c in ex.claims
    }
    new_fb = "Fachbereich Integration, Zuwanderung und Wohnraumsicherung"
    assert claims == {
        ("member_of", "Meier", "SPD-Fraktion"),
        ("head_of", "Keller", new_fb),
        ("head_of", "Schwanke", "Quartiersmanagement"),
        ("responsible_unit", "Quartiersmanagement", new_fb),
    }


def test_reference_page_artefacts_are_not_quoted(reference: Path) -> None:
    ex = _extract(reference)
    text = ex.protocol.document.text
    for statement in ex.statements:
        quote = statement.span.quote(text)
        assert "Reduzieren" not in quote
        assert "Zusammenfassung des Diskussionsergebnisses" not in quote
    assert ex.protocol.meeting.date == "2022-02-15"
    assert ex.protocol.items[0].number == "3.2"


@pytest.mark.parametrize("name", ["008", "001", "010", "048"])
def test_allris_pages_match_gold_speakers(corpus: Path, name: str) -> None:
    gold = json.loads((GOLD / f"{name}.json").read_text(encoding="utf-8"))
    ex = _extract(corpus / gold["file"])
    predicted = [_surname(ex.mentions[s.speaker].person.surname) for s in ex.statements]  # type: ignore[union-attr]
    assert predicted == [_surname(s["speaker"]) for s in gold["statements"]]


def test_every_span_quotes_the_text(corpus: Path) -> None:
    for path in sorted(corpus.glob("*.txt")):
        ex = _extract(path)
        n = len(ex.protocol.document.text)
        spans = [m.span for m in ex.mentions] + [s.span for s in ex.statements]
        spans += [c.span for c in ex.claims] + [v.span for v in ex.votes]
        assert all(0 <= s.start <= s.end <= n for s in spans), path.name
