"""Bulk ingest: the fast path writes exactly what the rdflib path writes, in parallel or not,
skips unchanged files by hash, resumes after an interruption, and runs on a Dask cluster."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
from concurrent.futures import Executor, Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from typer.testing import CliRunner

import kg.pipeline as pipeline
from kg.cli import app
from kg.errors import KgError, RdfError, StoreError
from kg.models import EXAMPLE_RESOLVED
from kg.pipeline import build_update, ingest, process_document
from kg.rdf import build_graph, document_ntriples, nt_term, resolution_triples
from kg.settings import EXAMPLE_SETTINGS, Settings
from kg.sources import Metadata, read_document
from kg.store import GraphUpdate, Store
from kg.vocab import RDFS

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
if str(ROOT) not in sys.path:  # bench/ is a folder of scripts, not part of the installed package
    sys.path.insert(0, str(ROOT))

from bench.run import Outcome, render, run_module  # noqa: E402


def _dump(store_dir: Path) -> bytes:
    with Store(store_dir, read_only=True) as store:
        return store.dump_nquads()


def _folder(tmp_path: Path, corpus: Path | None = None) -> Path:
    """Examples plus, when present, copies of the shared corpus (with its INDEX.tsv)."""
    folder = tmp_path / "in"
    shutil.copytree(EXAMPLES, folder)
    if corpus is not None:
        shutil.copytree(corpus, folder / "corpus")
    return folder


# ---------------------------------------------------------------- the N-Triples fast path


def _as_graph(lines: str) -> Graph:
    return Graph().parse(data=lines, format="nt")


def _triples(lines: str) -> tuple[Any, ...]:
    return tuple(_as_graph(lines))


def test_fast_path_has_exactly_the_triples_of_build_graph(corpus: Path) -> None:
    for path in sorted(corpus.glob("*.txt"))[:15] + sorted(EXAMPLES.glob("*.txt")):
        resolved = process_document(read_document(path))
        expected = set(build_graph(resolved, EXAMPLE_SETTINGS))
        lines = document_ntriples(resolved, EXAMPLE_SETTINGS)
        assert len(lines) == len(set(lines)) == len(expected), path.name
        assert set(_as_graph("".join(lines))) == expected, path.name


def test_update_carries_graph_and_resolution_records() -> None:
    update = build_update(EXAMPLE_RESOLVED, EXAMPLE_SETTINGS)
    graph = build_graph(EXAMPLE_RESOLVED, EXAMPLE_SETTINGS)
    assert update.graph == graph.identifier and update.size == len(graph)
    records = set(resolution_triples(EXAMPLE_RESOLVED, EXAMPLE_SETTINGS))
    assert set(_as_graph(update.resolution_lines())) == records


@pytest.mark.parametrize(
    "label",
    ['Sie sagte "Nein"', "C:\\Pfad\\", "Zeile 1\nZeile 2\r\n", "Emoji 🏛️ und עברית", "\f\t"],
)
def test_literals_survive_the_fast_path(label: str) -> None:
    triple = (URIRef("https://example.org/s"), RDFS.label, Literal(label, lang="de"))
    line = " ".join(nt_term(t) for t in triple) + " .\n"
    assert set(_as_graph(line)) == {triple}


@pytest.mark.parametrize("iri", ["https://x/a b", "https://x/<b>", 'https://x/"c"', "https://x/\n"])
def test_invalid_iris_are_refused_not_written(iri: str) -> None:
    with pytest.raises(RdfError, match="not a valid IRI"):
        nt_term(URIRef(iri))


def test_bulk_add_and_transactional_replace_store_the_same(tmp_path: Path) -> None:
    updates = [
        build_update(process_document(read_document(p)), EXAMPLE_SETTINGS)
        for p in sorted(EXAMPLES.glob("*.txt"))
    ]
    with Store(tmp_path / "bulk") as bulk:
        bulk.add_graphs(updates)
    with Store(tmp_path / "tx") as tx:
        tx.replace_graphs(updates)
    with Store(tmp_path / "rdflib") as old_style:
        old_style.replace_graphs(
            GraphUpdate(u.graph, _triples(u.document_lines()), _triples(u.resolution_lines()))
            for u in updates
        )
    dumps = {_dump(tmp_path / name) for name in ("bulk", "tx", "rdflib")}
    assert len(dumps) == 1 and dumps.pop().count(b"\n") > 500


# ---------------------------------------------------------------- ingest in parallel


def test_parallel_ingest_stores_what_a_sequential_one_stores(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _folder(tmp_path, corpus)
    sequential = ingest([folder], Settings(store_dir=tmp_path / "one"), workers=1)
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_FILES", 0)
    monkeypatch.setattr(pipeline, "BATCH_SIZE", 7)  # several commits, some mid-chunk
    seen: list[int] = []
    parallel = ingest(
        [folder], Settings(store_dir=tmp_path / "two"), workers=2,
        progress=lambda done, total, _path: seen.append(done),
    )  # fmt: skip
    assert parallel.added == sequential.added and not parallel.failed
    assert parallel.triples == sequential.triples > 5000
    assert seen == list(range(1, len(parallel.added) + 1))
    assert _dump(tmp_path / "one") == _dump(tmp_path / "two")


def test_a_failed_commit_stops_the_ingest_and_later_batches_are_not_written(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches are handed to the commit thread ahead of time; once one fails, the ones after
    it must not be stored (the next run takes up from the documents really stored)."""
    folder = _folder(tmp_path, corpus)
    monkeypatch.setattr(pipeline, "BATCH_SIZE", 3)  # several batches waiting to be committed
    loads: list[int] = []
    real_add = Store.add_graphs

    def failing_second(store: Store, updates: Any) -> None:
        loads.append(len(loads))
        if len(loads) == 2:
            raise StoreError("disk full (simulated)")
        real_add(store, updates)

    monkeypatch.setattr(Store, "add_graphs", failing_second)
    with pytest.raises(StoreError, match="simulated"):
        ingest([folder], Settings(store_dir=tmp_path / "s"), workers=1)
    assert loads == [0, 1]  # the batches after the failed one were never loaded
    with Store(tmp_path / "s", read_only=True) as store:
        assert len(store.document_hashes()) == 3  # the first batch, and only it


def test_unchanged_files_are_skipped_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _folder(tmp_path)
    settings = Settings(store_dir=tmp_path / "store")
    ingest([folder], settings)
    calls: list[str] = []
    monkeypatch.setattr(pipeline, "parse", lambda d: calls.append(d.path))
    report = ingest([folder], settings)
    assert len(report.unchanged) == 3 and calls == []


def test_each_file_is_read_and_parsed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _folder(tmp_path)
    parsed: list[str] = []
    real_parse = pipeline.parse

    def counting(document: Any) -> Any:
        parsed.append(document.path)
        return real_parse(document)

    monkeypatch.setattr(pipeline, "parse", counting)
    report = ingest([folder], Settings(store_dir=tmp_path / "store"), workers=1)
    assert len(report.added) == 3 and sorted(parsed) == sorted(report.added)


def test_files_with_a_remembered_stamp_are_not_even_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _folder(tmp_path)
    an_hour_ago = dt.datetime.now().timestamp() - 3600  # older than a racy modification
    for path in folder.iterdir():
        os.utime(path, (an_hour_ago, an_hour_ago))
    settings = Settings(store_dir=tmp_path / "store")
    ingest([folder], settings)
    assert (settings.store_dir / "files.json").is_file()
    monkeypatch.setattr(pipeline, "_stored_identity", lambda *args: pytest.fail("file read"))
    assert len(ingest([folder], settings).unchanged) == 3
    changed = folder / "2024-04-18-rat-top-7.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nEnde der Sitzung.\n")
    monkeypatch.undo()
    report = ingest([folder], settings)
    assert report.replaced == [str(changed)] and len(report.unchanged) == 2


@pytest.mark.parametrize(
    ("sidecar", "manifest", "option"),
    [
        ({"municipality": "Hagen", "url": "https://x/1"}, None, None),
        ({"municipality": "Hagen"}, None, None),
        (None, "file\turl\tcity\np.txt\thttps://x/2\tDortmund\n", None),
        (None, None, "Brühl"),
        (None, None, None),  # municipality guessed from the text
    ],
)
def test_quick_identity_agrees_with_reading_the_document(
    tmp_path: Path, sidecar: dict[str, str] | None, manifest: str | None, option: str | None
) -> None:
    path = tmp_path / "p.txt"
    path.write_text("Niederschrift des Rates der Stadt Lünen\n\nHerr Meier (SPD) fragt.\n")
    if sidecar is not None:
        (tmp_path / "p.txt.meta.json").write_text(json.dumps(sidecar))
    if manifest is not None:
        (tmp_path / "INDEX.tsv").write_text(manifest)
    metadata = Metadata(municipality=option)
    document = read_document(path, metadata)
    expected = pipeline.document_iri(EXAMPLE_SETTINGS, document.municipality, document.key)
    known = {document.sha256}
    found = pipeline._stored_identity(path, EXAMPLE_SETTINGS, metadata, known)
    assert found == (str(expected), document.sha256)


def test_two_files_of_one_document_end_as_the_last_one(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    for name in ("a.txt", "b.txt"):
        source = EXAMPLES / ("2024-04-18-rat-top-7.txt" if name == "a.txt" else
                             "2024-03-12-jugendhilfeausschuss-top-4.txt")  # fmt: skip
        shutil.copy(source, folder / name)
        meta = {"municipality": "Musterstadt", "url": "https://example.org/same"}
        (folder / f"{name}.meta.json").write_text(json.dumps(meta))
    report = ingest([folder], Settings(store_dir=tmp_path / "store"))
    assert len(report.added) == 4 and report.replaced == [str(folder / "b.txt")]
    only_b = ingest([folder / "b.txt"], Settings(store_dir=tmp_path / "b"))
    assert only_b.added
    graph = "https://w3id.org/ratsgraph/id/musterstadt/doc/"
    with (
        Store(tmp_path / "store", read_only=True) as both,
        Store(tmp_path / "b", read_only=True) as b,
    ):
        same = [g for g in both.named_graphs() if g.startswith(graph) and "example-org-same" in g]
        assert len(same) == 1
        query = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
        rows = {tuple(r.values()) for r in both.select(query, bindings={"g": URIRef(same[0])})}
        expected = {tuple(r.values()) for r in b.select(query, bindings={"g": URIRef(same[0])})}
    assert rows == expected and len(rows) > 100


def test_an_interrupted_ingest_keeps_its_batches_and_resumes(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _folder(tmp_path, corpus)
    monkeypatch.setattr(pipeline, "BATCH_SIZE", 10)

    def interrupt(done: int, _total: int, _path: str) -> None:
        if done == 25:
            raise KeyboardInterrupt

    settings = Settings(store_dir=tmp_path / "store")
    with pytest.raises(KeyboardInterrupt):
        ingest([folder], settings, workers=1, progress=interrupt)
    with Store(settings.store_dir, read_only=True) as store:
        assert len(store.document_hashes()) == 25  # the 20 committed and the 5 prepared
    resumed = ingest([folder], settings, workers=1)
    assert len(resumed.unchanged) == 25 and not resumed.replaced and not resumed.failed
    ingest([folder], Settings(store_dir=tmp_path / "clean"), workers=1)
    assert _dump(settings.store_dir) == _dump(tmp_path / "clean")


class _Broken(Executor):
    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_exception(BrokenProcessPool("A process in the process pool was terminated"))
        return future


def test_a_dead_worker_is_one_clear_error(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    with pytest.raises(KgError, match=r"worker failed .*run the same ingest again"):
        ingest([folder], Settings(store_dir=tmp_path / "store"), executor=_Broken())


# ---------------------------------------------------------------- Dask and the CLI


@pytest.mark.heavy
def test_dask_cluster_ingest_equals_local_ingest(tmp_path: Path, corpus: Path) -> None:
    distributed = pytest.importorskip("distributed")
    folder = _folder(tmp_path, corpus)
    local = ingest([folder], Settings(store_dir=tmp_path / "local"), workers=1)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        result = CliRunner().invoke(app, [
            "ingest", str(folder), "--store", str(tmp_path / "dask"),
            "--executor", "dask", "--scheduler", cluster.scheduler_address,
        ])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert f"{len(local.added)} added" in result.stdout
    assert _dump(tmp_path / "dask") == _dump(tmp_path / "local")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--executor", "dask"], "--executor dask and --scheduler ADDRESS go together"),
        (["--executor", "spark"], "unknown executor 'spark'"),
        pytest.param(
            ["--executor", "dask", "--scheduler", "tcp://127.0.0.1:9"],
            "cannot reach the Dask",
            marks=pytest.mark.heavy,  # waits for the connection timeout
        ),
    ],
)
def test_executor_options_give_one_line_errors(
    tmp_path: Path, args: list[str], message: str
) -> None:
    pytest.importorskip("distributed")
    result = CliRunner().invoke(app, ["ingest", str(EXAMPLES), "--store", str(tmp_path), *args])
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_cli_workers_option(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["ingest", str(EXAMPLES), "--store", str(tmp_path / "s"), "--workers", "2"]
    )
    assert result.exit_code == 0 and "3 added" in result.stdout


# ---------------------------------------------------------------- the benchmark runner


def test_bench_runner_reports_a_broken_module_instead_of_crashing() -> None:
    broken = run_module("bench_does_not_exist", quick=True, budget=60)
    assert broken.error is not None and "ModuleNotFoundError" in broken.error
    good = Outcome("bench_x", 1.5, [{"name": "a|b", "value": 2.0, "unit": "s", "baseline": 4.0,
                                     "ratio": 0.5}], doc="Doc line.")  # fmt: skip
    report = render([good, broken], True, dt.datetime(2026, 1, 1, tzinfo=dt.UTC), 3.0)
    assert "| bench_does_not_exist | **failed**: ModuleNotFoundError" in report
    assert "| a\\|b | 2 | s | 4 | 0.5 |" in report
    assert "logical CPUs" in report and "pyoxigraph" in report


def test_every_benchmark_has_a_quick_budget_and_all_fit_in_three_minutes() -> None:
    from bench.run import DEFAULT_QUICK_BUDGET, QUICK_BUDGET, discover

    modules = discover()
    assert set(QUICK_BUDGET) == set(modules), "give every bench module its measured quick budget"
    assert sum(QUICK_BUDGET.get(m, DEFAULT_QUICK_BUDGET) for m in modules) <= 180


@pytest.mark.heavy
def test_quick_bench_runs_every_module_to_a_report(tmp_path: Path) -> None:
    """`make bench-quick` as CI runs it: every module within its budget, each with figures."""
    from bench.run import discover, main

    report = tmp_path / "RESULTS.md"
    assert main(["--quick", "-o", str(report)]) == 0, report.read_text(encoding="utf-8")
    text = report.read_text(encoding="utf-8")
    for module in discover():
        row = next(line for line in text.splitlines() if line.startswith(f"| {module} |"))
        status, rows = row.split("|")[2].strip(), int(row.split("|")[4])
        assert status == "ok" and rows > 0, row
        assert f"## {module}\n" in text


def test_a_change_naming_the_same_people_checks_no_other_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kg.store_manifest import DocumentRecord

    folder = _folder(tmp_path)
    settings = Settings(store_dir=tmp_path / "store")
    ingest([folder], settings)
    digests: list[str] = []
    real_digest = DocumentRecord.digest
    monkeypatch.setattr(
        DocumentRecord, "digest", lambda self, r: digests.append(self.iri) or real_digest(self, r)
    )
    changed = folder / "2024-04-18-rat-top-7.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nEnde der Sitzung.\n")
    assert ingest([folder], settings).replaced == [str(changed)] and digests == []
    changed.write_text(changed.read_text(encoding="utf-8") + "\nHerr Zabel (SPD) fragt nach.\n")
    assert ingest([folder], settings).replaced == [str(changed)] and digests


def test_a_change_naming_the_same_people_looks_up_only_the_changed_labels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Renaming a paper and a place: their labels are looked up, not the municipality's; the
    store equals one that ingested the final files at once (the old labels are gone)."""
    import kg.pipeline_resolution as resolution

    folder = _folder(tmp_path)
    settings = Settings(store_dir=tmp_path / "store")
    ingest([folder], settings)
    looked_up: list[frozenset[str] | None] = []
    real_labels = resolution.entity_labels

    def labels(store: Store, settings: Settings, municipality: str, entities: Any = None) -> Any:
        looked_up.append(None if entities is None else frozenset(entities))
        return real_labels(store, settings, municipality, entities)

    monkeypatch.setattr(resolution, "entity_labels", labels)
    changed = folder / "2024-04-18-rat-top-7.txt"
    text = changed.read_text(encoding="utf-8")
    renamed = text.replace("0231/2024", "0299/2024").replace("Weststadt", "Oststadt")
    assert renamed != text
    changed.write_text(renamed, encoding="utf-8")
    assert ingest([folder], settings).replaced == [str(changed)]
    assert looked_up and None not in looked_up
    assert any("0231" in iri for iri in looked_up[0]) and any("0299" in i for i in looked_up[0])
    fresh = Settings(store_dir=tmp_path / "fresh")
    ingest([folder], fresh)
    assert _dump(settings.store_dir) == _dump(fresh.store_dir)
    assert b"0231/2024" not in _dump(settings.store_dir)


def test_a_changed_file_parses_only_its_municipalitys_manifest_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kg.store_manifest as store_manifest
    from kg.store_manifest import DocumentRecord

    folder = _folder(tmp_path)
    other = folder / "elsewhere.txt"
    other.write_text("Sitzung des Rates der Stadt Lünen\n\nHerr Meier (SPD) fragt.\n")
    settings = Settings(store_dir=tmp_path / "store")
    ingest([folder], settings)
    parsed: list[str] = []
    real = DocumentRecord.from_json.__func__  # type: ignore[attr-defined]

    def counting(cls: type[DocumentRecord], iri: str, data: dict[str, Any]) -> DocumentRecord:
        parsed.append(str(data["municipality"]))
        result: DocumentRecord = real(cls, iri, data)
        return result

    monkeypatch.setattr(DocumentRecord, "from_json", classmethod(counting))
    store_manifest._READ.clear()  # as in a new process: the manifest is read from its file
    other.write_text(other.read_text() + "Die Sitzung endet.\n")
    assert ingest([folder], settings).replaced == [str(other)]
    assert parsed and set(parsed) == {"Lünen"}


def test_bench_report_merge_keeps_the_sections_of_modules_not_run_again() -> None:
    from bench.run import earlier_sections

    old = Outcome("bench_a", 9.0, [{"name": "old figure", "value": 1.0}], doc="A.")
    again = Outcome("bench_b", 2.0, [{"name": "first", "value": 3.0}], doc="B.")
    first = render([old, again], False, dt.datetime(2026, 1, 1, 10, 0, tzinfo=dt.UTC), 11.0)
    kept = earlier_sections(first)
    assert set(kept) == {"bench_a", "bench_b"} and len(kept["bench_a"].rows) == 1
    new = Outcome("bench_b", 2.5, [{"name": "second", "value": 4.0}], doc="B.")
    merged = render([kept["bench_a"], new], True, dt.datetime(2026, 2, 2, tzinfo=dt.UTC), 2.5)
    assert "| old figure | 1 |" in merged and "Measured 2026-01-01 10:00 UTC, full mode." in merged
    assert "| second | 4 |" in merged and "| first |" not in merged
    assert "Measured 2026-02-02 00:00 UTC, --quick mode." in merged
    assert "| bench_a | kept from an earlier run | 9.0 | 1 |" in merged


def test_a_large_first_load_compacts_the_store_a_small_addition_does_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kg.pipeline

    files = sorted(_folder(tmp_path).glob("*.txt"))
    dumps = []
    for name, minimum in (("plain", 10**9), ("compacted", 2)):
        monkeypatch.setattr(kg.pipeline, "COMPACT_MIN_ADDED", minimum)
        settings = Settings(store_dir=tmp_path / name)
        report = ingest(files[:-1], settings, workers=1)
        assert len(report.added) == 2 and report.compacted == (name == "compacted")
        with Store(settings.store_dir, read_only=True) as store:
            dumps.append(store.dump_nquads())
    assert dumps[0] == dumps[1]  # compaction changes files, not data
    second = ingest(files, settings, workers=1)  # one more document: below the minimum
    assert len(second.added) == 1 and not second.compacted


def test_small_loads_add_up_to_a_compaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kg.pipeline

    monkeypatch.setattr(kg.pipeline, "COMPACT_MIN_ADDED", 2)
    files = sorted(_folder(tmp_path).glob("*.txt"))
    settings = Settings(store_dir=tmp_path / "store")
    first = ingest(files[:1], settings, workers=1)  # one document: below the minimum
    assert len(first.added) == 1 and not first.compacted
    second = ingest(files[:2], settings, workers=1)  # one more: two since the last compaction
    assert len(second.added) == 1 and second.compacted
    third = ingest(files, settings, workers=1)  # the count starts again
    assert len(third.added) == 1 and not third.compacted


def test_models_pickle_to_equal_objects() -> None:
    """Bulk ingest sends extractions between processes pickled (`kg.models` pickles them by
    their field values): what arrives must equal what was sent, down to every span."""
    import pickle

    resolved = process_document(read_document(sorted(EXAMPLES.glob("*.txt"))[0]))
    again = pickle.loads(pickle.dumps(resolved, pickle.HIGHEST_PROTOCOL))
    assert again == resolved and again is not resolved
    assert again.extraction.mentions and again.extraction.mentions[0].span == (
        resolved.extraction.mentions[0].span
    )
    assert build_update(again, EXAMPLE_SETTINGS) == build_update(resolved, EXAMPLE_SETTINGS)


def test_bulk_lines_hold_every_part_once() -> None:
    update = build_update(EXAMPLE_RESOLVED, EXAMPLE_SETTINGS)
    extra = '<https://example.org/s> <https://example.org/p> "x" .\n'
    mixed = GraphUpdate(update.graph, ntriples=extra, nquads=update.nquads,
                        nquads_count=update.nquads_count)  # fmt: skip
    lines = mixed.bulk_lines().decode("utf-8").splitlines()
    assert len(lines) == len(set(lines)) == update.nquads.count(b"\n") + 1
    assert mixed.size == update.size + 1
