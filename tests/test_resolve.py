"""Entity resolution across documents: scenarios on small written protocols, the registry's
invariants, curation through the CLI, and person clustering measured on the real corpus."""

from __future__ import annotations

import json
import shutil
from itertools import permutations
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Literal, URIRef
from typer.testing import CliRunner

from kg.cli import app
from kg.curation import Curation, load_curation, save_curation
from kg.pipeline import ingest
from kg.pipeline_curation import merge, rename, split
from kg.pipeline_resolution import import_roster
from kg.resolve_registry import Observation, Registry, Signature
from kg.settings import Settings
from kg.store import Store

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://w3id.org/ratsgraph/id/"
PERSON = BASE + "teststadt/person/"
runner = CliRunner()


def protocol(date: str, attendance: str, turns: str, body: str = "des Rates") -> str:
    """A small Niederschrift in the layout the parser reads."""
    year, month, day = date.split("-")
    return (
        f"Niederschrift\n\nüber die Sitzung {body}\n\nam {day}.{month}.{year}\n"
        f"Ratssaal, Rathaus Teststadt\n\nAnwesend:\n\n{attendance}\n\nVerwaltung:\nHerr Brandt\n\n"
        f"Tagesordnung\n\nTOP 1 Haushalt\n\n{turns}\n\nBeschluss:\n\n"
        "Der Antrag wird einstimmig angenommen.\n"
    )


ALBERS_ATTEND = protocol(
    "2021-03-04",
    "SPD-Fraktion\nRatsfrau Sabine Albers\n\nCDU-Fraktion\nRatsherr Tom Albers",
    "Frau Albers fragt, wann der Bericht vorliege.\n\n"
    "Herr Brandt antwortet, dass der Bericht im Herbst komme.",
)
ALBERS_ONLY_SURNAME = protocol(
    "2021-04-08",
    "SPD-Fraktion\nRatsherr Jonas Weber",
    "Frau Albers fragt, ob die Mittel reichen.\n\nHerr Brandt antwortet, dass sie reichen.",
)
MEIERS = protocol(
    "2021-05-06",
    "SPD-Fraktion\nRatsherr Jens Meier\n\nCDU-Fraktion\nRatsherr Karl Meier",
    "Herr Meier (CDU) fragt, wann der Bericht vorliege.\n\n"
    "Herr Brandt antwortet, dass der Bericht im Herbst komme.\n\n"
    "Herr Meier (SPD) begrüßt den Antrag.\n\n"
    "Herr Brandt erklärt, dass der Antrag geprüft werde. Herr Meier habe recht.",
)


def write(folder: Path, name: str, text: str, date: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    meta = {"municipality": "Teststadt", "body": "Rat der Stadt Teststadt"}
    if date:
        meta["date"] = date
    (folder / f"{name}.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return path


def run_ingest(store: Path, *paths: Path) -> None:
    report = ingest(list(paths), Settings(store_dir=store), workers=1)
    assert not report.failed, report.failed


def creators(store: Path, file: str) -> list[str]:
    """Speaker IRIs of a document's statements, in order."""
    with Store(store, read_only=True) as opened:
        rows = opened.select(
            "SELECT ?f ?pos ?p WHERE { GRAPH ?g { ?g rdfs:label ?f . ?s a rg:Statement ; "
            "schema:creator ?p ; schema:position ?pos } } ORDER BY ?pos",
            bindings={"f": Literal(file)},
        )
    return [str(r["p"]) for r in rows]


def dump(store: Path) -> bytes:
    with Store(store, read_only=True) as opened:
        return opened.dump_nquads()


def pref_label(store: Path, iri: str) -> str | None:
    with Store(store, read_only=True) as opened:
        rows = opened.select(
            "SELECT ?e ?l WHERE { GRAPH rg:resolution { ?e skos:prefLabel ?l } }",
            bindings={"e": URIRef(iri)},
        )
    return str(rows[0]["l"]) if rows else None


def kg(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


# ---------------------------------------------------------------- scenarios


def test_surname_only_mention_resolved_through_the_attendance_list(tmp_path: Path) -> None:
    run_ingest(tmp_path / "s", write(tmp_path / "d", "a.txt", ALBERS_ATTEND))
    assert creators(tmp_path / "s", "a.txt") == [PERSON + "albers-sabine", PERSON + "brandt"]


def test_surname_only_mention_resolved_through_another_documents_attendance_list(
    tmp_path: Path,
) -> None:
    a = write(tmp_path / "d", "a.txt", ALBERS_ATTEND)
    b = write(tmp_path / "d", "b.txt", ALBERS_ONLY_SURNAME)
    run_ingest(tmp_path / "ab", a)
    run_ingest(tmp_path / "ab", b)
    run_ingest(tmp_path / "ba", b)
    assert creators(tmp_path / "ba", "b.txt")[0] == PERSON + "albers"  # alone: just "Albers"
    run_ingest(tmp_path / "ba", a)  # now two Albers are known: b.txt is resolved anew
    assert creators(tmp_path / "ba", "b.txt")[0] == PERSON + "albers-sabine"
    assert dump(tmp_path / "ab") == dump(tmp_path / "ba")


def test_two_same_surname_people_are_kept_apart_by_faction(tmp_path: Path) -> None:
    run_ingest(tmp_path / "s", write(tmp_path / "d", "m.txt", MEIERS))
    speakers = creators(tmp_path / "s", "m.txt")
    assert speakers[0] == PERSON + "meier-karl"
    assert speakers[2] == PERSON + "meier-jens"


def test_ambiguous_mention_is_recorded_with_candidates_and_not_merged(tmp_path: Path) -> None:
    run_ingest(tmp_path / "s", write(tmp_path / "d", "m.txt", MEIERS))
    with Store(tmp_path / "s", read_only=True) as opened:
        rows = opened.select(
            "SELECT ?a ?q ?node ?c WHERE { GRAPH rg:resolution { ?a a rg:Ambiguity ; "
            "rg:mentionText ?q ; owl:sameAs ?node ; rg:ambiguousWith ?c } }"
        )
        nodes = {str(r["node"]) for r in rows}
        assert {str(r["q"]) for r in rows} == {"Herr Meier"}
        assert {str(r["c"]) for r in rows} == {PERSON + "meier-jens", PERSON + "meier-karl"}
        assert len(nodes) == 1 and nodes.isdisjoint({PERSON + "meier-jens", PERSON + "meier-karl"})
        merged = opened.select(
            "SELECT ?x WHERE { GRAPH ?g { ?x owl:sameAs ?y } FILTER(?g != rg:resolution) }"
        )
        assert merged == []


def test_faction_switch_with_dates_from_a_roster(tmp_path: Path) -> None:
    roster = tmp_path / "rat.yaml"
    roster.write_text(
        "municipality: Teststadt\npeople:\n"
        "  - {name: Schmidt, given_name: Anna, address: Frau, faction: SPD, party: SPD,"
        " start: 2014-06-01, end: 2019-12-31}\n"
        "  - {name: Schmidt, given_name: Anna, address: Frau, faction: GRÜNE, start: 2020-01-01}\n"
        "  - {name: Schmidt, given_name: Berta, address: Frau, faction: GRÜNE,"
        " start: 2014-06-01, end: 2019-12-31}\n"
        "  - {name: Schmidt, given_name: Berta, address: Frau, faction: SPD, role: Vorsitzende,"
        " start: 01.01.2020}\n",
        encoding="utf-8",
    )
    turns = "Frau Schmidt (SPD) fragt, wann der Bericht vorliege."
    old = write(tmp_path / "d", "2018.txt", protocol("2018-05-03", "Ratsherr Jonas Weber", turns))
    new = write(tmp_path / "d", "2021.txt", protocol("2021-05-06", "Ratsherr Jonas Weber", turns))
    settings_ = Settings(store_dir=tmp_path / "s")
    run_ingest(settings_.store_dir, old, new)
    import_roster(roster, settings_)
    assert creators(settings_.store_dir, "2018.txt")[0] == PERSON + "schmidt-anna"
    assert creators(settings_.store_dir, "2021.txt")[0] == PERSON + "schmidt-berta"
    with Store(settings_.store_dir, read_only=True) as opened:
        rows = opened.select(
            "SELECT ?g ?p ?type ?start ?end WHERE { GRAPH ?g { ?m org:member ?p ; "
            "org:organization ?o . ?o a ?type . FILTER(?type IN (rg:Faction, rg:Party)) "
            "OPTIONAL { ?m schema:startDate ?start } OPTIONAL { ?m schema:endDate ?end } } }",
            bindings={
                "p": URIRef(PERSON + "schmidt-anna"),
                "g": URIRef(BASE + "roster/teststadt/rat-yaml"),
            },
        )
    periods = sorted(
        (str(r["type"]).split("#")[1], str(r.get("start")), str(r.get("end"))) for r in rows
    )
    assert periods == [
        ("Faction", "2014-06-01", "2019-12-31"),
        ("Faction", "2020-01-01", "None"),
        ("Party", "2014-06-01", "2019-12-31"),
    ]
    first = tmp_path / "first"
    import_roster(roster, Settings(store_dir=first))
    run_ingest(first, new, old)
    assert dump(first) == dump(settings_.store_dir)


def test_title_umlaut_and_hyphen_variants_are_one_person(tmp_path: Path) -> None:
    a = protocol(
        "2021-03-04",
        "SPD-Fraktion\nRatsfrau Dr. Sabine Müller-Lüdenscheidt\nRatsherr Uwe Strauß",
        "Frau Dr. Müller-Lüdenscheidt fragt, wann der Bericht vorliege.",
    )
    b = protocol(
        "2021-04-08",
        "Ratsherr Jonas Weber",
        "Frau Prof. Dr. Mueller–Luedenscheidt fragt, ob die Mittel reichen.\n\n"
        "Herr Brandt antwortet, dass sie reichen.\n\nRM Strauss begrüßt den Antrag.",
    )
    store = tmp_path / "s"
    run_ingest(store, write(tmp_path / "d", "a.txt", a), write(tmp_path / "d", "b.txt", b))
    assert creators(store, "a.txt")[0] == PERSON + "mueller-luedenscheidt"
    assert creators(store, "b.txt") == [
        PERSON + "mueller-luedenscheidt", PERSON + "brandt", PERSON + "strauss",
    ]  # fmt: skip
    assert pref_label(store, PERSON + "mueller-luedenscheidt") == "Sabine Müller-Lüdenscheidt"
    assert pref_label(store, PERSON + "strauss") == "Uwe Strauß"


def test_canonical_label_is_the_fullest_name_and_queries_show_one_row_per_statement(
    tmp_path: Path,
) -> None:
    store = tmp_path / "s"
    a = write(tmp_path / "d", "a.txt", ALBERS_ATTEND.replace("\nRatsherr Tom Albers", ""))
    run_ingest(store, a, write(tmp_path / "d", "b.txt", ALBERS_ONLY_SURNAME))
    assert pref_label(store, PERSON + "albers") == "Sabine Albers"
    code, out, _ = kg(
        "query", "--file", str(ROOT / "examples/statements.rq"), "--store", str(store),
        "--format", "csv",
    )  # fmt: skip
    assert code == 0
    lines = out.strip().splitlines()[1:]
    assert len(lines) == 4  # two statements in each protocol, one row each
    assert sum("Sabine Albers" in line for line in lines) == 2


def test_merge_and_split_in_curation_yaml_are_applied_on_reingest(tmp_path: Path) -> None:
    richter = protocol(
        "2015-11-26",
        "SPD-Fraktion\nRatsfrau Barbara Richter",
        "Frau Richter fragt, wie es weitergehe.",
    )
    hanning = protocol(
        "2017-02-16", "SPD-Fraktion\nRatsfrau Barbara Hanning", "Frau Hanning begrüßt den Antrag."
    )
    docs = [
        write(tmp_path / "d", "richter.txt", richter),
        write(tmp_path / "d", "hanning.txt", hanning),
        write(tmp_path / "d", "m.txt", MEIERS),
    ]
    settings_ = Settings(store_dir=tmp_path / "s")
    run_ingest(settings_.store_dir, *docs)
    merge(settings_, ["id:teststadt/person/richter"], "id:teststadt/person/hanning", "Heirat")
    split(settings_, "id:teststadt/person/brandt", document=_doc_iri(settings_, "m.txt"))
    assert creators(settings_.store_dir, "richter.txt")[0] == PERSON + "hanning"
    brandt_in_m = creators(settings_.store_dir, "m.txt")[1]
    assert brandt_in_m.startswith(PERSON + "brandt-split-")
    assert creators(settings_.store_dir, "hanning.txt") == [PERSON + "hanning"]
    decisions = load_curation(settings_.store_dir)
    assert decisions.merges[0].sources == (PERSON + "richter-barbara",)  # stable form
    # A fresh store with the same curation.yaml, documents in another order: same graph.
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    shutil.copy(settings_.store_dir / "curation.yaml", fresh / "curation.yaml")
    run_ingest(fresh, *reversed(docs))
    assert dump(fresh) == dump(settings_.store_dir)
    # A changed document is re-ingested: the decisions still hold.
    docs[0].write_text(richter + "\nNachtrag.\n", encoding="utf-8")
    run_ingest(settings_.store_dir, *docs)
    assert creators(settings_.store_dir, "richter.txt")[0] == PERSON + "hanning"
    assert creators(settings_.store_dir, "m.txt")[1] == brandt_in_m


def _doc_iri(settings_: Settings, file: str) -> str:
    with Store(settings_.store_dir, read_only=True) as opened:
        rows = opened.select(
            "SELECT ?f ?g WHERE { GRAPH ?g { ?g rdfs:label ?f } }", bindings={"f": Literal(file)}
        )
    return str(rows[0]["g"])


def test_rename_sets_the_canonical_label(tmp_path: Path) -> None:
    settings_ = Settings(store_dir=tmp_path / "s")
    run_ingest(settings_.store_dir, write(tmp_path / "d", "a.txt", ALBERS_ATTEND))
    rename(settings_, "id:teststadt/person/brandt", "Bernd Brandt")
    assert pref_label(settings_.store_dir, PERSON + "brandt") == "Bernd Brandt"
    run_ingest(settings_.store_dir, write(tmp_path / "d", "b.txt", ALBERS_ONLY_SURNAME))
    assert pref_label(settings_.store_dir, PERSON + "brandt") == "Bernd Brandt"


def test_ingest_is_idempotent(tmp_path: Path) -> None:
    store = tmp_path / "s"
    paths = [
        write(tmp_path / "d", "a.txt", ALBERS_ATTEND),
        write(tmp_path / "d", "b.txt", ALBERS_ONLY_SURNAME),
        write(tmp_path / "d", "m.txt", MEIERS),
    ]
    run_ingest(store, *paths)
    before = dump(store)
    report = ingest(paths, Settings(store_dir=store), workers=1)
    assert (report.added, report.replaced, report.reresolved) == ([], [], [])
    assert dump(store) == before


def test_any_ingest_order_gives_the_same_store(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    paths = [
        write(folder, "a.txt", ALBERS_ATTEND),
        write(folder, "b.txt", ALBERS_ONLY_SURNAME),
        write(folder, "m.txt", MEIERS),
    ]
    dumps = set()
    for number, order in enumerate(permutations(paths)):
        store = tmp_path / f"s{number}"
        for path in order:
            run_ingest(store, path)
        dumps.add(dump(store))
    assert len(dumps) == 1


# ---------------------------------------------------------------- the registry


NAMES = st.sampled_from(["Meier", "Meyer", "Müller", "Mueller", "Albers"])
GIVENS = st.sampled_from([None, "Jens", "J.", "Karl", "Anna", "Hans-Peter", "Hans Peter"])
OBSERVATIONS = st.builds(
    Observation,
    surname=NAMES,
    given=GIVENS,
    address=st.sampled_from([None, "Herr", "Frau"]),
    faction=st.sampled_from([None, "spd", "cdu"]),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(OBSERVATIONS, max_size=12), st.randoms(use_true_random=False))
def test_registry_is_independent_of_observation_order(observed: list[Observation], rnd) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(observed)
    rnd.shuffle(shuffled)
    one, two = Registry.build("Teststadt", observed), Registry.build("Teststadt", shuffled)
    assert {b: one.state(b) for b in one.buckets} == {b: two.state(b) for b in two.buckets}
    for obs in observed:  # every name the registry was built from fits someone
        assert one.candidates(obs.surname, Signature(obs.given, obs.implied_address))


def test_a_first_name_decides_the_form_of_address() -> None:
    registry = Registry.build(
        "Teststadt",
        [Observation("Middendorf", "Claudia"), Observation("Middendorf", address="Herr")],
    )
    assert registry.candidates("Middendorf", Signature(address="Frau")) == [
        "teststadt/person/middendorf-claudia"
    ]
    assert registry.candidates("Middendorf", Signature(address="Herr")) == [
        "teststadt/person/middendorf-herr"
    ]


def test_curation_file_round_trips_and_explains_itself(tmp_path: Path) -> None:
    curation = (
        Curation()
        .with_merge([PERSON + "a"], PERSON + "b", "same person")
        .with_split(PERSON + "c", BASE + "teststadt/doc/x", BASE + "teststadt/doc/x#char=3,9")
        .with_rename(PERSON + "b", "Bea B.")
    )
    path = save_curation(tmp_path, curation)
    assert path.read_text(encoding="utf-8").startswith("# Ratsgraph curation")
    assert load_curation(tmp_path) == curation


# ---------------------------------------------------------------- CLI


def test_cli_roster_entities_and_curation(tmp_path: Path) -> None:
    store = str(tmp_path / "s")
    roster = tmp_path / "rat.csv"
    roster.write_text(
        "name,given_name,faction,role,start,end\nMeier,Jens,SPD,Ratsmitglied,2014-06-01,\n"
        "Meier,Karl,CDU,Fraktionsvorsitzender,2014-06-01,\n",
        encoding="utf-8",
    )
    code, out, _ = kg(
        "roster", "import", str(roster), "--municipality", "Teststadt", "--store", store
    )
    assert code == 0 and "2 rows (2 people) of Teststadt" in out
    doc = write(tmp_path / "d", "m.txt", MEIERS)
    assert kg("ingest", str(doc), "--store", store)[0] == 0
    code, out, _ = kg("entities", "list", "--ambiguous", "--store", store)
    assert code == 0 and "„Herr Meier“" in out and "m.txt" in out and "Jens Meier" in out
    code, out, _ = kg("entities", "list", "--kind", "person", "--store", store)
    assert code == 0 and "Karl Meier" in out
    node = _ambiguous_node(tmp_path / "s")
    code, out, _ = kg("entities", "merge", node, "--into", "id:teststadt/person/meier-jens",
                      "--store", store)  # fmt: skip
    assert code == 0 and "recorded in curation.yaml" in out
    assert kg("entities", "list", "--ambiguous", "--store", store)[1].count("„") == 0
    code, out, _ = kg("entities", "show", "id:teststadt/person/meier-jens", "--store", store)
    assert code == 0 and "#char=" in out and "Herr Meier (SPD)" in out
    code, out, _ = kg("entities", "rename", "id:teststadt/person/brandt", "Bernd Brandt",
                      "--store", store)  # fmt: skip
    assert code == 0
    code, _, err = kg("entities", "rename", "id:teststadt/person/nobody", "X", "--store", store)
    assert code == 1 and "cannot resolve" in err and "Traceback" not in err
    code, _, err = kg("entities", "split", "id:teststadt/person/brandt", "--store", store)
    assert code == 1 and "--mention" in err


def _ambiguous_node(store: Path) -> str:
    with Store(store, read_only=True) as opened:
        rows = opened.select(
            "SELECT ?n WHERE { GRAPH rg:resolution { ?a a rg:Ambiguity ; owl:sameAs ?n } }"
        )
    return str(rows[0]["n"])


# ---------------------------------------------------------------- measured on the corpus

THRESHOLDS = {"precision": 0.98, "recall": 0.90}


def test_person_clustering_on_the_corpus_meets_the_targets(corpus: Path) -> None:
    from kg.evaluate_resolution import MUNICIPALITIES, person_clustering

    scores = {s.municipality: s for s in person_clustering(ROOT / "tests/gold", corpus)}
    assert set(MUNICIPALITIES) < set(scores)
    for name, score in scores.items():
        assert score.precision >= THRESHOLDS["precision"], (name, score)
        assert score.recall >= THRESHOLDS["recall"], (name, score)
    assert scores["all"].gold >= 50  # enough cross-document pairs to mean something
