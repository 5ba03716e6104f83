"""The persistent store through the pipeline: idempotent, replacing, locked, reopened."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kg.errors import StoreError, StoreLockedError
from kg.pipeline import ingest
from kg.settings import Settings
from kg.store import Store

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _dump(store_dir: Path) -> bytes:
    with Store(store_dir, read_only=True) as store:
        return store.dump_nquads()


def test_ingesting_twice_changes_nothing(tmp_path: Path) -> None:
    settings = Settings(store_dir=tmp_path / "store")
    first = ingest([EXAMPLES], settings)
    before = _dump(settings.store_dir)
    second = ingest([EXAMPLES], settings)
    assert len(first.added) == 3 and second.unchanged and not second.added
    assert _dump(settings.store_dir) == before


def test_changed_file_replaces_its_graph(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(EXAMPLES, folder)
    settings = Settings(store_dir=tmp_path / "store")
    ingest([folder], settings)
    target = folder / "2024-04-18-rat-top-7.txt"
    target.write_text(target.read_text(encoding="utf-8").replace("Frau Yilmaz", "Frau Roth"))
    report = ingest([folder], settings)
    assert len(report.replaced) == 1 and len(report.unchanged) == 2
    with Store(settings.store_dir, read_only=True) as store:
        names = {str(r["n"]) for r in store.select("SELECT ?n WHERE { ?p foaf:familyName ?n }")}
    assert "Roth" in names
    assert "Yilmaz" in names  # still named in the other, unchanged protocol


def test_store_is_reopened_by_another_process(tmp_path: Path) -> None:
    settings = Settings(store_dir=tmp_path / "store")
    ingest([EXAMPLES], settings)
    code = (
        "from pathlib import Path; from kg.store import Store;"
        f"s = Store(Path({str(settings.store_dir)!r}), read_only=True); print(len(s))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(out.stdout) > 500


def test_second_writer_gets_a_clear_lock_error(tmp_path: Path) -> None:
    with Store(tmp_path) as _writer, pytest.raises(StoreLockedError, match="locked"):
        Store(tmp_path)


def test_reading_a_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store"):
        Store(tmp_path / "nothing", read_only=True)


def test_binding_an_unselected_variable_is_a_store_error(tmp_path: Path) -> None:
    from rdflib import Literal

    with Store(tmp_path) as store, pytest.raises(StoreError, match="cannot run the query"):
        store.select("SELECT ?a WHERE { ?a ?b ?c }", bindings={"zz": Literal("x")})


def test_a_writer_sees_its_own_changes_to_documents_and_graphs(tmp_path: Path) -> None:
    """document_hashes and named_graphs are remembered by a writer, never past its writes."""
    from rdflib import URIRef

    from kg.store import GraphUpdate
    from kg.vocab import RG

    doc = URIRef("https://w3id.org/ratsgraph/id/x/doc/a")
    line = f"<{doc}> <{RG.sha256}> "
    with Store(tmp_path / "store") as store:
        assert store.document_hashes() == {} and store.named_graphs() == []
        store.add_graphs([GraphUpdate(doc, ntriples=line + '"1" .\n')])
        assert store.document_hashes() == {str(doc): "1"} and store.named_graphs() == [str(doc)]
        store.replace_graphs([GraphUpdate(doc, ntriples=line + '"2" .\n')])
        assert store.document_hashes() == {str(doc): "2"}
        record = (URIRef(f"{doc}/ambiguity/1"), RG.mentionedIn, doc)
        store.replace_resolution_records(str(doc), [record])
        assert str(RG.resolution) in store.named_graphs()
        store.delete_graph(doc)
        assert store.document_hashes() == {}


def test_compacting_a_store_opened_read_only_is_a_clear_error(tmp_path: Path) -> None:
    settings = Settings(store_dir=tmp_path / "store")
    ingest([EXAMPLES], settings)
    with (
        Store(settings.store_dir, read_only=True) as store,
        pytest.raises(StoreError, match="read-only"),
    ):
        store.optimize()
    with Store(settings.store_dir) as store:
        store.optimize()  # the writer may
    assert _dump(settings.store_dir)


def test_reading_the_manifest_leaves_the_garbage_collector_as_it_was(tmp_path: Path) -> None:
    import gc

    from kg.store_manifest import Manifest

    settings = Settings(store_dir=tmp_path / "store")
    ingest([EXAMPLES], settings)
    for enabled in (True, False):
        (gc.enable if enabled else gc.disable)()
        try:
            manifest = Manifest.load(settings.store_dir)
            assert len(manifest.documents) == 3 and gc.isenabled() == enabled
        finally:
            gc.enable()
