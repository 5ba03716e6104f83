"""Private citizens of an Einwohnerfragestunde are pseudonymised in exports and views."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef
from typer.testing import CliRunner

from kg.cli import app
from kg.extract import extract
from kg.extract_privacy import is_question_time
from kg.models import SourceDocument
from kg.parse import parse
from kg.store_privacy import NameReplacer, OffsetMap, Pseudonym
from kg.vocab import OA, RG, SCHEMA

runner = CliRunner()
CITIZENS = ("Quaschinski", "Wendeborn", "Pohlmann")
PROTOCOL = """Niederschrift

über die 12. Sitzung des Rates der Stadt Musterstadt

am 20.06.2024
Ratssaal, Rathaus Musterstadt

Anwesend:

Bürgermeister Hartmut Vogt

SPD-Fraktion
Ratsfrau Petra Lindner

Verwaltung:
Herr Brandt

TOP 1 Einwohnerfragestunde

Herr Quaschinski fragt, wann die Ampel an der Schulstraße repariert werde.

Bürgermeister Vogt antwortet, dass die Reparatur im Juli erfolge.

Eine Bürgerin, Frau Wendeborn, fragt nach dem Spielplatz in der Nordstadt.

Herr Brandt antwortet, dass der Spielplatz im Herbst saniert werde. Er dankt Frau Wendeborn.

TOP 2 Radverkehrskonzept

Ratsfrau Lindner (SPD) fragt, wann die Radwege gebaut würden. Sie verweist auf die Frage von \
Herrn Quaschinski. Einwohnerin Pohlmann habe sich ebenfalls beschwert.

Bürgermeister Vogt antwortet, dass die Planung bis zum Sommer abgeschlossen sei.

Beschluss:

Der Rat beschließt das Radverkehrskonzept einstimmig.
"""


def kg(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout + result.stderr


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("privacy")
    (folder / "rat.txt").write_text(PROTOCOL, encoding="utf-8")
    (folder / "rat.txt.meta.json").write_text('{"municipality": "Musterstadt"}', encoding="utf-8")
    target = str(folder / "store")
    code, out = kg("ingest", str(folder / "rat.txt"), "--store", target)
    assert code == 0, out
    return target


def _document(text: str) -> SourceDocument:
    return SourceDocument("rat.txt", "rat.txt", "0" * 64, text, "Musterstadt")


def test_citizens_are_private_and_office_holders_are_not() -> None:
    extraction = extract(parse(_document(PROTOCOL)))
    private = {extraction.mentions[i].person.surname for i in extraction.private}  # type: ignore[union-attr]
    assert private == set(CITIZENS)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Einwohnerfragestunde", True),
        ("Einwohner*innenfragestunde", True),
        ("Einwohnerfragen", True),
        ("Bürgerfragestunde", True),
        ("Fragestunde für Einwohnerinnen und Einwohner", True),
        ("Radverkehrskonzept 2030", False),
        (None, False),
    ],
)
def test_question_time_titles(title: str | None, expected: bool) -> None:
    assert is_question_time(title) is expected


def test_the_store_marks_citizens_and_keeps_their_names(store: str) -> None:
    code, out = kg(
        "query",
        f"SELECT ?n WHERE {{ ?p <{RG.pseudonymised}> true ; <{RG.role}> <{RG.Citizen}> ; "
        "<http://xmlns.com/foaf/0.1/familyName> ?n }",
        "--format", "csv", "--store", store,
    )  # fmt: skip
    assert code == 0, out
    assert sorted(out.split()[1:]) == sorted(CITIZENS)


@pytest.mark.parametrize("fmt", ["ttl", "trig", "nq", "jsonld", "graphml", "gexf", "csv"])
def test_exports_hide_citizens_and_name_office_holders(
    store: str, fmt: str, tmp_path: Path
) -> None:
    out = tmp_path / f"g.{fmt}"
    assert kg("export", "--format", fmt, "-o", str(out), "--store", store)[0] == 0
    text = out.read_text(encoding="utf-8")
    assert not [name for name in CITIZENS if name in text]
    assert "Vogt" in text
    kept = tmp_path / f"k.{fmt}"
    code, _ = kg("export", "--format", fmt, "-o", str(kept), "--store", store,
                 "--keep-private-names")  # fmt: skip
    assert code == 0
    assert "Quaschinski" in kept.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["nq", "trig"])
def test_pseudonymised_rdf_parses_and_quotes_match_the_text(
    store: str, fmt: str, tmp_path: Path
) -> None:
    out = tmp_path / f"g.{fmt}"
    assert kg("export", "--format", fmt, "-o", str(out), "--store", store)[0] == 0
    dataset = Dataset()
    dataset.parse(out, format={"nq": "nquads", "trig": "trig"}[fmt])
    texts = {s: str(o) for s, _, o, _ in dataset.quads((None, SCHEMA.text, None, None))}
    checked = 0
    for target, _, source, _ in dataset.quads((None, OA.hasSource, None, None)):
        selectors = [o for _, _, o, _ in dataset.quads((target, OA.hasSelector, None, None))]
        position = [
            s for s in selectors if any(True for _ in dataset.quads((s, OA.start, None, None)))
        ]
        quote = [
            s for s in selectors if any(True for _ in dataset.quads((s, OA.exact, None, None)))
        ]
        begin = int(next(o for *_, o, _ in dataset.quads((position[0], OA.start, None, None))))
        end = int(next(o for *_, o, _ in dataset.quads((position[0], OA.end, None, None))))
        exact = str(next(o for *_, o, _ in dataset.quads((quote[0], OA.exact, None, None))))
        assert texts[source][begin:end] == exact
        checked += 1
    assert checked > 5
    private = list(dataset.quads((None, RG.pseudonymised, Literal(True), None)))
    assert private and all("/person/private-" in str(q[0]) for q in private)
    assert all(isinstance(q[0], URIRef) for q in private)


def test_viz_hides_citizens(store: str, tmp_path: Path) -> None:
    page = tmp_path / "v.html"
    assert kg("viz", "--view", "all", "-o", str(page), "--store", store)[0] == 0
    html = page.read_text(encoding="utf-8")
    assert not [name for name in CITIZENS if name in html]
    assert "Vogt" in html
    kept = tmp_path / "k.html"
    assert kg("viz", "-o", str(kept), "--store", store, "--keep-private-names")[0] == 0
    assert "Quaschinski" in kept.read_text(encoding="utf-8")


def test_offsets_follow_replacements_of_any_length() -> None:
    text = "Frau Dr. Lenz fragt. Herr Krause antwortet Frau Lenz."
    replacer = NameReplacer([Pseudonym("x", "E 1", ("Lenz",))])
    offsets = OffsetMap(text, replacer)
    assert offsets.text == "E 1 fragt. Herr Krause antwortet E 1."
    krause = text.index("Herr Krause")
    start = offsets.new_offset(krause, is_end=False)
    end = offsets.new_offset(krause + len("Herr Krause"), is_end=True)
    assert offsets.text[start:end] == "Herr Krause"
    assert offsets.text[0 : offsets.new_offset(7, is_end=True)] == "E 1"


def test_view_beside_a_writer_sees_unflushed_documents(store: str, tmp_path: Path) -> None:
    """A checkpoint of a read-only store leaves out the log; the view must not."""
    import shutil

    from kg.store import GraphUpdate, Store
    from kg.store_privacy import open_pseudonymised_view

    copy = tmp_path / "store"
    shutil.copytree(store, copy)
    graph = URIRef("https://w3id.org/ratsgraph/id/musterstadt/doc/late")
    late = (graph, RG.sha256, Literal("f" * 64))
    with Store(copy) as writer:
        writer.replace_graphs([GraphUpdate(graph=graph, triples=(late,))])
        view = open_pseudonymised_view(copy, tmp_path / "view", "https://w3id.org/ratsgraph/id/")
        try:
            assert str(graph) in view.document_hashes()
            names = view.select("SELECT ?n WHERE { ?p <http://xmlns.com/foaf/0.1/name> ?n }")
            shown = {str(row["n"]) for row in names}
            assert shown and not [name for name in CITIZENS if any(name in n for n in shown)]
        finally:
            view.close()


# ------------------------------------------------------------- council members in a question time

COUNCIL_BUSINESS = """21.09.2023 - 1 Einwohnerfragestunde

Wortprotokoll

Vor Eintritt in die Tagesordnung begrüßt Herr Oberbürgermeister Lorenz das neue Ratsmitglied, \
Frau Jana Berkemeier, die für Herrn Tobias Wiesmann in der SPD-Fraktion nachgerückt ist.

Herr Oberbürgermeister Lorenz teilt mit, dass die Fraktion Die Linke. einen \
Dringlichkeitsantrag eingereicht habe.

Herr Tenbrink begründet die Dringlichkeit des Antrages.

Herr Albrecht erklärt, dass er keine Dringlichkeit erkennen könne.
{questions}"""
QUESTIONS = """
Anschließend stellen Einwohnerinnen und Einwohner ihre Fragen.

Herr Krause fragt, ob die SPD-Fraktion den Antrag zur Ampel an der Schulstraße unterstütze.

Herr Oberbürgermeister Lorenz antwortet, dass die Ampel im Juli repariert werde.
"""


def _private_names(text: str) -> set[str]:
    extraction = extract(parse(_document(text)))
    return {extraction.mentions[i].person.surname for i in extraction.private}  # type: ignore[union-attr]


def test_council_business_before_the_agenda_is_not_question_time() -> None:
    assert _private_names(COUNCIL_BUSINESS.format(questions="")) == set()


def test_question_time_after_council_business_keeps_its_citizens_private() -> None:
    assert _private_names(COUNCIL_BUSINESS.format(questions=QUESTIONS)) == {"Krause"}


@pytest.mark.parametrize(
    ("sentence", "private"),
    [
        ("Frau Berkemeier rückt für Herrn Tobias Wiesmann in der SPD-Fraktion nach.", False),
        ("Herr Wiesmann von der CDU-Fraktion fragt nach dem Haushalt.", False),
        ("Herr Wiesmann fragt, ob die SPD-Fraktion den Antrag unterstütze.", True),
    ],
)
def test_a_fraction_right_after_the_name_marks_a_member(sentence: str, private: bool) -> None:
    text = f"Niederschrift\n\nTOP 1 Einwohnerfragestunde\n\n{sentence}\n\nTOP 2 Haushalt\n"
    assert ("Wiesmann" in _private_names(text)) is private


ORDINARY_MEETING = """Niederschrift

über die 14. Sitzung des Rates der Stadt Musterstadt

am 12.09.2024

TOP 1 Radverkehrskonzept

Herr Tenbrink fragt, wann die Radwege an der Schulstraße gebaut würden.

Bürgermeister Vogt antwortet, dass die Planung bis zum Sommer abgeschlossen sei.
"""
QUESTION_TIME = """Niederschrift

über die 13. Sitzung des Rates der Stadt Musterstadt

am 11.07.2024

TOP 1 Einwohnerfragestunde

Herr Tenbrink weist darauf hin, dass der Antrag zur Schulstraße nicht beraten worden sei.

Herr Quaschinski fragt, wann die Ampel an der Schulstraße repariert werde.

Bürgermeister Vogt antwortet, dass die Reparatur im Juli erfolge.
"""


def test_who_speaks_in_another_protocol_outside_question_time_stays_named(
    tmp_path: Path,
) -> None:
    for name, text in (("a.txt", QUESTION_TIME), ("b.txt", ORDINARY_MEETING)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        meta = '{"municipality": "Musterstadt"}'
        (tmp_path / f"{name}.meta.json").write_text(meta, encoding="utf-8")
    store = str(tmp_path / "store")
    assert kg("ingest", str(tmp_path / "a.txt"), "--store", store)[0] == 0
    alone = tmp_path / "alone.nq"
    assert kg("export", "--format", "nq", "-o", str(alone), "--store", store)[0] == 0
    assert "Tenbrink" not in alone.read_text(encoding="utf-8")
    assert kg("ingest", str(tmp_path / "b.txt"), "--store", store)[0] == 0
    both = tmp_path / "both.nq"
    assert kg("export", "--format", "nq", "-o", str(both), "--store", store)[0] == 0
    text = both.read_text(encoding="utf-8")
    assert "Tenbrink weist darauf hin" in text and "Quaschinski" not in text
