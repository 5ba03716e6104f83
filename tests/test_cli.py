"""The CLI contract: exact outputs, one-line errors with exit codes, help and README coverage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def kg(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_reference_ingest_and_readme_query(reference: Path, tmp_path: Path) -> None:
    store = str(tmp_path / "s")
    code, out, _ = kg("ingest", str(reference), "--store", store)
    assert code == 0 and "1 added" in out
    code, out, _ = kg(
        "query", "--file", str(ROOT / "examples/statements.rq"), "--store", store, "--format", "csv"
    )
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0] == "date,top,pos,speaker,acts,replyTo"
    assert lines[1:] == [
        "2022-02-15,3.2,1,Engelhardt,Welcome,",
        "2022-02-15,3.2,2,Keller,Presentation,",
        '2022-02-15,3.2,3,Meier,"Support, Question",',
        "2022-02-15,3.2,4,Keller,Answer,3",
        '2022-02-15,3.2,5,Sauerwein,"Request, Question",',
        '2022-02-15,3.2,6,Keller,"Confirmation, Answer",5',
        "2022-02-15,3.2,7,Engelhardt,Thanks,",
    ]


@pytest.mark.parametrize("fmt", ["ttl", "trig", "nq", "jsonld"])
def test_export_formats_parse_back(fmt: str, tmp_path: Path) -> None:
    from rdflib import Dataset

    store = str(tmp_path / "s")
    assert kg("ingest", str(ROOT / "examples"), "--store", store)[0] == 0
    out = tmp_path / f"g.{fmt}"
    code, _, _ = kg("export", "--format", fmt, "-o", str(out), "--store", store)
    assert code == 0
    parsed = Dataset()
    rdflib_format = {"ttl": "turtle", "trig": "trig", "nq": "nquads", "jsonld": "json-ld"}[fmt]
    parsed.parse(out, format=rdflib_format)
    assert len(parsed) > 500 or sum(1 for _ in parsed.quads()) > 500
    if fmt == "jsonld":
        assert "@context" in json.loads(out.read_text(encoding="utf-8"))


def test_nquads_export_is_byte_identical_across_stores(tmp_path: Path) -> None:
    outputs = []
    for name in ("a", "b"):
        store = str(tmp_path / name)
        kg("ingest", str(ROOT / "examples"), "--store", store)
        outputs.append(
            runner.invoke(app, ["export", "--format", "nq", "--store", store]).stdout_bytes
        )
    assert outputs[0] == outputs[1] and len(outputs[0]) > 10_000


def test_stats_lists_classes_and_documents(tmp_path: Path) -> None:
    store = str(tmp_path / "s")
    kg("ingest", str(ROOT / "examples"), "--store", store)
    code, out, _ = kg("stats", "--store", store)
    assert code == 0
    assert "rg:Statement" in out and "Musterstadt" in out and "3 documents" in out


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["ingest", "/no/such/file.txt"], 1, "no such file or directory"),
        (["query", "SELECT nonsense", "--store", "STORE"], 1, "SPARQL syntax error"),
        (["query", "DELETE WHERE { ?s ?p ?o }", "--store", "STORE"], 1, "not allowed"),
        (["query", "--name", "no-such-query", "--store", "STORE"], 1, "no saved query"),
        (["query", "SELECT * WHERE {?s ?p ?o}", "--store", "MISSING"], 1, "no store"),
        (["export", "--format", "docx", "--store", "STORE"], 1, "unknown"),
    ],
)
def test_errors_are_one_line_with_exit_codes(
    tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    store = tmp_path / "s"
    kg("ingest", str(ROOT / "examples"), "--store", str(store))
    args = [a.replace("STORE", str(store)).replace("MISSING", str(tmp_path / "no")) for a in args]
    exit_code, _, err = kg(*args)
    assert exit_code == code
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_bad_file_in_a_batch_is_reported_and_the_rest_stored(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("Herr Meier fragt, ob das geht.", encoding="utf-8")
    (folder / "bad.txt").write_bytes(b"\x00\x01" * 100)
    code, out, err = kg(
        "ingest", str(folder), "--store", str(tmp_path / "s"), "--municipality", "X"
    )
    assert code == 4
    assert "1 added" in out and "1 failed" in out
    assert "bad.txt: binary data" in err


def test_every_command_has_help_and_a_readme_example() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in app.registered_commands:
        name = command.name or command.callback.__name__  # type: ignore[union-attr]
        code, out, _ = kg(name, "--help")
        assert code == 0 and "Example" in out, name
        assert f"kg {name}" in readme, f"README has no example of kg {name}"
    for group in app.registered_groups:
        assert f"kg {group.name}" in readme


@pytest.mark.parametrize("base", ["ratsgraph/id/", "https://example.org/a b/"])
def test_a_base_iri_that_is_no_absolute_iri_is_refused(base: str, tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[1] / "examples"
    result = runner.invoke(
        app, ["ingest", str(example), "--store", str(tmp_path / "s")], env={"KG_BASE_IRI": base}
    )
    assert result.exit_code != 0
    assert "base IRI is not an absolute IRI" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "s" / "oxigraph").exists()
