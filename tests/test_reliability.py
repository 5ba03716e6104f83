"""Reliability of ingest and store: hostile text and files, valid IRIs, labels that survive
every export format, SIGKILL mid-ingest, read-only and full disks, a second writer and readers
during an ingest. Heavy variants (many more examples, kill tests, disks) are marked `heavy`."""

from __future__ import annotations

import hashlib
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from rdflib import Dataset, Graph, Literal, URIRef
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import KgError
from kg.ids import document_key, entity_key, meeting_key, municipality_key, slug
from kg.models import ResolvedDocument, SourceDocument, Span
from kg.pipeline import build_update, process_document, read_protocol
from kg.rdf import build_graph, document_ntriples
from kg.settings import EXAMPLE_SETTINGS, Settings
from kg.sources import normalise_text
from kg.store import GraphUpdate, Store
from kg.vocab import OA, RDF, RDFS, RG

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # bench/ is a folder of scripts, not part of the installed package
    sys.path.insert(0, str(ROOT))

from bench.generate import generate_corpus  # noqa: E402

KG = Path(sys.executable).with_name("kg")
EXAMPLES = ROOT / "examples"
KEY = re.compile(r"[a-z0-9/-]+")
HOSTILE = [*"\"'\\<>&{}|^`[]()\n\t\r", "🏛️", "👩‍⚖️", "עברית", "العربية", "\u202e", "\u200f"]
PIECES = [
    "Herr ", "Frau ", "Dr. ", "Meier", "Müller", "Keller", " (SPD)", " (CDU)", " (B90/Grüne)",
    ":", "\n", "\n\n", "TOP 1 ", "TOP 3.2 ", "Zu TOP 4:", "fragt", "antwortet", "begrüßt",
    "bittet um", "beantragt", "kritisiert", "?", ". ", "Fraktion Bündnis 90/Die Grünen",
    "SPD-Fraktion", "Fachbereich Jugend und Soziales", "einstimmig beschlossen",
    "Ja-Stimmen: 12", "Nein-Stimmen: 3", "Anwesend:", "Entschuldigt fehlen:", "Vorsitz:",
    "Rat der Stadt Hagen", "Sitzung vom 15.02.2022", "Beigeordnete ", "RM ", "Ratsmitglied ",
    "Quartiersmanagement", "Kommunales Integrationsmanagement", "Abstimmungsergebnis:",
    "Die Vorsitzende", "Bezirksbürgermeister ", "Herr Dr. Meier (SPD) fragt, ob ",
]  # fmt: skip
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
FUZZ_HEAVY = settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))

ARBITRARY = st.text(max_size=3000)
PROTOCOLISH = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(max_size=12), st.sampled_from(HOSTILE)),
    max_size=300,
).map("".join)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small seeded synthetic corpus (3 municipalities)."""
    folder = tmp_path_factory.mktemp("synthetic")
    generate_corpus(folder, 24, 3, seed=7, chars=2000)
    return folder


# ---------------------------------------------------------------- fuzzing the stages


def check_pipeline(raw: str) -> int:
    """Run parse..rdf on `raw`; check spans and annotations; return the annotation count."""
    text = normalise_text(raw)
    if not text.strip():  # only generated input can be blank (assume belongs inside @given)
        assume(False)
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    document = SourceDocument(key="fuzz.txt", path="fuzz.txt", sha256=sha, text=text,
                              municipality="Fuzzstadt")  # fmt: skip
    try:
        resolved = process_document(document)
    except KgError as error:  # a clear one-line error is an allowed answer
        assert str(error) and "\n" not in str(error)
        return 0
    for span in spans(resolved):
        assert 0 <= span.start <= span.end <= len(text), span
    graph = build_graph(resolved, EXAMPLE_SETTINGS)
    fast = Graph().parse(data="".join(document_ntriples(resolved, EXAMPLE_SETTINGS)), format="nt")
    assert set(fast) == set(graph)
    return check_annotations(graph, text)


def spans(resolved: ResolvedDocument) -> Iterator[Span]:
    """Every character span the stages produced."""
    extraction = resolved.extraction
    for item in extraction.protocol.items:
        yield item.span
        for turn in item.turns:
            yield from (turn.span, turn.speaker.span)
    yield from (entry.person.span for entry in extraction.protocol.attendance)
    for mention in extraction.mentions:
        yield mention.span
        if mention.person is not None:
            yield mention.person.span
    yield from (claim.span for claim in extraction.claims)
    yield from (statement.span for statement in extraction.statements)
    yield from (vote.span for vote in extraction.votes)


def check_annotations(graph: Graph, text: str) -> int:
    """`text[start:end] == exact` for every annotation target; returns how many."""
    count = 0
    for position in graph.subjects(RDF.type, OA.TextPositionSelector):
        target = graph.value(predicate=OA.hasSelector, object=position)
        quotes = [q for q in graph.objects(target, OA.hasSelector)
                  if (q, RDF.type, OA.TextQuoteSelector) in graph]  # fmt: skip
        start, end = int(graph.value(position, OA.start)), int(graph.value(position, OA.end))
        assert 0 <= start <= end <= len(text)
        assert [str(graph.value(q, OA.exact)) for q in quotes] == [text[start:end]]
        count += 1
    return count


def mangle(data: st.DataObject, text: str) -> str:
    """Cut, duplicate, insert into, truncate or re-case parts of a real protocol."""
    for _ in range(data.draw(st.integers(1, 6))):
        i = data.draw(st.integers(0, len(text)))
        j = data.draw(st.integers(i, min(len(text), i + 400)))
        operation = data.draw(st.sampled_from(["cut", "twice", "insert", "truncate", "case"]))
        if operation == "cut":
            text = text[:i] + text[j:]
        elif operation == "twice":
            text = text[:j] + text[i:j] + text[j:]
        elif operation == "insert":
            text = text[:i] + data.draw(st.one_of(PROTOCOLISH, st.text(max_size=30))) + text[i:]
        elif operation == "truncate":
            text = text[:i]
        else:
            text = text[:i] + text[i:j].swapcase() + text[j:]
    return text


@FUZZ
@given(st.one_of(ARBITRARY, PROTOCOLISH))
def test_stages_survive_arbitrary_text(raw: str) -> None:
    check_pipeline(raw)


@FUZZ
@given(st.data())
def test_stages_survive_mangled_synthetic_protocols(synthetic: Path, data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(sorted(synthetic.glob("*.txt"))))
    check_pipeline(mangle(data, path.read_text(encoding="utf-8")))


def test_real_protocols_have_exact_annotations(corpus: Path) -> None:
    counts = [check_pipeline(p.read_text(encoding="utf-8")) for p in sorted(corpus.glob("*.txt"))]
    assert sum(counts) > 100


@pytest.mark.heavy
@FUZZ_HEAVY
@given(st.one_of(ARBITRARY, PROTOCOLISH))
def test_stages_survive_arbitrary_text_heavy(raw: str) -> None:
    check_pipeline(raw)


@pytest.mark.heavy
@FUZZ_HEAVY
@given(st.data())
def test_stages_survive_mangled_real_protocols(corpus: Path, data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(sorted(corpus.glob("*.txt"))))
    check_pipeline(mangle(data, path.read_text(encoding="utf-8")))


# ---------------------------------------------------------------- IRIs and labels

NAMES = st.lists(st.one_of(st.characters(), st.sampled_from(HOSTILE)), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(NAMES, NAMES, NAMES)
def test_keys_from_any_name_are_valid_iri_paths(municipality: str, name: str, source: str) -> None:
    keys = [
        municipality_key(municipality), slug(name), entity_key(municipality, "person", name),
        document_key(municipality, source), meeting_key(municipality, "2022-02-15", name, source),
        meeting_key(municipality, None, None, source),
    ]  # fmt: skip
    for key in keys:
        assert KEY.fullmatch(key), key
        URIRef(EXAMPLE_SETTINGS.base_iri + key).n3()  # rdflib refuses invalid IRIs


LABEL = st.lists(
    st.one_of(st.characters(blacklist_categories=("Cs", "Cc")), st.sampled_from(HOSTILE)),
    min_size=1, max_size=30,
).map("".join)  # fmt: skip


def round_trip_labels(labels: list[str]) -> None:
    """Store labels, export every RDF format with `kg export`, parse back, compare."""
    base = EXAMPLE_SETTINGS.base_iri + "fuzzstadt/"
    triples = []
    for number, label in enumerate(labels):
        node = URIRef(f"{base}initiative/{number}")
        triples += [(node, RDF.type, RG.Initiative), (node, RDFS.label, Literal(label, lang="de")),
                    (node, RG.mentionText, Literal(label))]  # fmt: skip
    expected = {(s, p, o) for s, p, o in triples if p != RDF.type}
    with tempfile.TemporaryDirectory() as tmp:
        with Store(Path(tmp)) as store:
            store.add_graphs([GraphUpdate(URIRef(base + "doc/fuzz"), tuple(triples))])
        for fmt, parser in (
            ("ttl", "turtle"),
            ("trig", "trig"),
            ("nq", "nquads"),
            ("jsonld", "json-ld"),
        ):
            out = Path(tmp) / f"export.{fmt}"
            result = CliRunner().invoke(
                app, ["export", "--format", fmt, "-o", str(out), "--store", tmp]
            )
            assert result.exit_code == 0, result.stderr
            parsed = Dataset().parse(data=out.read_bytes(), format=parser)
            found = {
                (s, p, o) for s, p, o, _ in parsed.quads() if p in (RDFS.label, RG.mentionText)
            }
            assert found == expected, fmt


@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(LABEL, min_size=1, max_size=5, unique=True))
def test_hostile_labels_round_trip_through_every_export_format(labels: list[str]) -> None:
    round_trip_labels(labels)


@pytest.mark.heavy
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(LABEL, min_size=1, max_size=8, unique=True))
def test_hostile_labels_round_trip_heavy(labels: list[str]) -> None:
    round_trip_labels(labels)


# ---------------------------------------------------------------- mangled files through kg ingest


def run_kg(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """`kg ARGS` in a subprocess (exit code, stdout, stderr as the user sees them)."""
    return subprocess.run([str(KG), *args], capture_output=True, text=True, timeout=timeout,
                          cwd=ROOT, check=False)  # fmt: skip


def dump_lines(store_dir: Path) -> set[str]:
    with Store(store_dir, read_only=True) as store:
        return set(store.dump_nquads().decode("utf-8").splitlines())


def _pdf(path: Path, *, password: str | None = None) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    with path.open("wb") as handle:
        writer.write(handle)


def mangled_folder(folder: Path, synthetic: Path) -> tuple[dict[str, str], list[str]]:
    """Bad files {name: expected reason} and good files with awkward names."""
    folder.mkdir()
    protocol = EXAMPLES / "2024-04-18-rat-top-7.txt"
    text = protocol.read_text(encoding="utf-8")
    bad = {
        "binär.txt": "binary data", "leer.txt": "empty file", "riesig.txt": "too large",
        "utf16.txt": "binary data", "scan.pdf": "no text layer", "geheim.pdf": "encrypted PDF",
        "weg.txt": "cannot read", "leer\nzeile.txt": "empty file",
        "sidecar kaputt.txt": "invalid metadata JSON",
    }  # fmt: skip
    (folder / "binär.txt").write_bytes(random.Random(1).randbytes(9000))
    (folder / "leer.txt").write_bytes(b"")
    (folder / "leer\nzeile.txt").write_bytes(b"  \n ")
    with (folder / "riesig.txt").open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # 50 MB (sparse)
    (folder / "utf16.txt").write_bytes(text.encode("utf-16-le"))
    _pdf(folder / "scan.pdf")
    _pdf(folder / "geheim.pdf", password="geheim")
    (folder / "weg.txt").symlink_to(folder / "gibt-es-nicht.txt")
    (folder / "sidecar kaputt.txt").write_text(text, encoding="utf-8")
    (folder / "sidecar kaputt.txt.meta.json").write_text("{kaputt", encoding="utf-8")
    (folder / "schleife").mkdir()
    (folder / "schleife" / "zurück").symlink_to(folder)
    good = _good_files(folder, synthetic)
    return bad, good


def _good_files(folder: Path, synthetic: Path) -> list[str]:
    """Synthetic protocols (other municipalities than the stored examples) under odd names,
    in odd encodings and as truncated or deeply nested HTML."""
    sources = sorted(synthetic.glob("*.txt"))[:6]
    names = ["Sitzung vom 3. März.txt", "zeilen\numbruch.txt", "Ölmühle – Protokoll.txt",
             "cp1252.txt", "abgeschnitten.html", "verschachtelt.html"]  # fmt: skip
    for source, name in zip(sources, names, strict=True):
        text = source.read_text(encoding="utf-8")
        target = folder / name
        if name == "cp1252.txt":
            target.write_bytes(text.encode("cp1252", errors="replace"))
        elif name == "abgeschnitten.html":
            target.write_text(f"<html><body><p>{text.replace(chr(10), '<br>')}</p><div cla")
        elif name == "verschachtelt.html":
            target.write_text("<html><body>" + "<div>" * 20000 + text + "</div>" * 5 + "</bo")
        else:
            target.write_text(text, encoding="utf-8")
        meta = source.with_name(source.name + ".meta.json").read_text(encoding="utf-8")
        (folder / f"{name}.meta.json").write_text(meta, encoding="utf-8")
    return names


def test_mangled_files_fail_one_line_each_and_nothing_stored_changes(
    tmp_path: Path, synthetic: Path
) -> None:
    store = tmp_path / "store"
    assert run_kg("ingest", str(EXAMPLES), "--store", str(store)).returncode == 0
    before = dump_lines(store)
    bad, good = mangled_folder(tmp_path / "mangled", synthetic)
    done = run_kg("ingest", str(tmp_path / "mangled"), "--store", str(store))
    assert done.returncode == 4, done.stderr
    assert "Traceback" not in done.stderr
    failed = [line for line in done.stderr.splitlines() if line.startswith("failed:")]
    assert len(failed) == len(bad), done.stderr
    for name, reason in bad.items():
        shown = ascii(name)[1:-1] if not name.isprintable() else name
        assert [line for line in failed if shown in line and reason in line], (name, failed)
    assert "symlink loop" in done.stderr
    assert f"{len(good)} added" in done.stdout
    after = dump_lines(store)
    assert before <= after  # the stored examples are untouched
    documents = [line for line in after - before if "ontology#sha256>" in line]
    assert len(documents) == len(good)


# ---------------------------------------------------------------- crashes, disks, two processes


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """240 synthetic protocols: an ingest that takes several seconds."""
    folder = tmp_path_factory.mktemp("big")
    generate_corpus(folder, 240, 4, seed=11, chars=2500)
    return folder


def graph_triples(store: Store) -> dict[str, frozenset[str]]:
    """{document graph: its triples as N-Triples lines} for every stored document."""
    by_graph: dict[str, set[str]] = {}
    for quad in store.quads():
        graph = str(quad.graph_name)
        if "/doc/" in graph:
            by_graph.setdefault(graph, set()).add(f"{quad.subject} {quad.predicate} {quad.object}")
    return {graph: frozenset(lines) for graph, lines in by_graph.items()}


def single_file_versions(folder: Path) -> dict[str, frozenset[str]]:
    """What a clean ingest of each file on its own writes into its document graph.

    Read back through an Oxigraph store, which stores e.g. xsd:nonNegativeInteger as
    xsd:integer, so that the versions compare with what a store returns.
    """
    memory = ox.Store()
    for path in sorted(folder.glob("*.txt")):
        update = build_update(process_document(read_protocol(path)), Settings())
        graph = ox.NamedNode(str(update.graph))
        memory.load(update.document_lines().encode(), ox.RdfFormat.N_TRIPLES, to_graph=graph)
    by_graph: dict[str, set[str]] = {}
    for quad in memory:
        by_graph.setdefault(str(quad.graph_name), set()).add(
            f"{quad.subject} {quad.predicate} {quad.object}"
        )
    return {graph: frozenset(lines) for graph, lines in by_graph.items()}


def start_ingest(folder: Path, store: Path, batch_size: int = 0) -> subprocess.Popen[str]:
    """`kg ingest` in the background (optionally committing every `batch_size` documents)."""
    patch = f"import kg.pipeline; kg.pipeline.BATCH_SIZE = {batch_size}; " if batch_size else ""
    launcher = f"import sys; {patch}from kg.cli import app; sys.argv[0] = 'kg'; app()"
    return subprocess.Popen(
        [sys.executable, "-c", launcher, "ingest", str(folder), "--store", str(store),
         "--workers", "2"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,  # so that SIGKILL reaches the worker processes too
    )  # fmt: skip


ENTITY = re.compile(r"/(?:person|faction|party|unit|initiative|place|paper|body)/")


def core(graph: str, triples: frozenset[str]) -> frozenset[str]:
    """What entity resolution cannot change in a document graph: the triples about the
    document's own nodes (statements, annotations, votes...) whose object is no entity."""
    own = graph[:-1]  # "<doc-iri" also starts "<doc-iri/statement/1>"
    return frozenset(
        t for t in triples if t.startswith(own) and not ENTITY.search(t.split(" ", 2)[2])
    )


def incomplete_documents(store_dir: Path, expected: dict[str, frozenset[str]]) -> list[str]:
    """Stored document graphs whose resolution-independent core is not the expected one."""
    with Store(store_dir, read_only=True) as store:
        stored = graph_triples(store)
    problems = []
    for graph, triples in stored.items():
        found, wanted = core(graph, triples), core(graph, expected[graph])
        if found != wanted:
            problems.append(
                f"{graph}: extra {sorted(found - wanted)[:2]}, missing {sorted(wanted - found)[:2]}"
            )
    return problems


def stored_count(store_dir: Path) -> int:
    with Store(store_dir, read_only=True) as store:
        return len(store.document_hashes())


def wait_for_writes(store_dir: Path, process: subprocess.Popen[str], limit: float) -> None:
    """Return once the ingest has stored a document (or ended, or `limit` seconds passed)."""
    before = stored_count(store_dir) if store_dir.exists() else 0
    deadline = time.monotonic() + limit
    while process.poll() is None and time.monotonic() < deadline:
        try:
            if stored_count(store_dir) > before:
                return
        except (KgError, OSError):  # the writer is creating the store
            pass
        time.sleep(0.05)


@dataclass
class Kills:
    """What six SIGKILLs at random points of `kg ingest` left behind, then a complete run."""

    reference: Path
    store: Path
    documents: int
    stored_after_kill: list[int] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)
    final_run: subprocess.CompletedProcess[str] | None = None


@pytest.fixture(scope="module")
def kills(tmp_path_factory: pytest.TempPathFactory, big_corpus: Path) -> Kills:
    tmp = tmp_path_factory.mktemp("kills")
    result = Kills(reference=tmp / "reference", store=tmp / "store", documents=0)
    start = time.monotonic()
    assert run_kg("ingest", str(big_corpus), "--store", str(result.reference)).returncode == 0
    duration = time.monotonic() - start
    expected = single_file_versions(big_corpus)
    result.documents = len(expected)
    rng = random.Random(20261127)
    for attempt in range(6):
        process = start_ingest(big_corpus, result.store, batch_size=40)
        if attempt % 2:  # at a random point of the whole run
            time.sleep(rng.uniform(0.15, 0.9) * duration)
        else:  # while it writes: the extraction of every file comes first
            wait_for_writes(result.store, process, duration * 2)
            time.sleep(rng.uniform(0.0, 0.2) * duration)
        with suppress(ProcessLookupError):  # it may have finished first
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        result.stored_after_kill.append(stored_count(result.store))
        result.incomplete += incomplete_documents(result.store, expected)
    result.final_run = run_kg("ingest", str(big_corpus), "--store", str(result.store))
    return result


@pytest.mark.heavy
def test_sigkill_at_random_points_leaves_only_complete_documents(kills: Kills) -> None:
    assert kills.incomplete == []
    counts = kills.stored_after_kill
    assert max(counts) > 0 and min(counts) < kills.documents, counts  # kills landed mid-ingest


@pytest.mark.heavy
def test_the_ingest_after_sigkills_completes_the_batch(kills: Kills) -> None:
    assert kills.final_run is not None and kills.final_run.returncode == 0, kills.final_run
    assert dump_lines(kills.store) == dump_lines(kills.reference)


@contextmanager
def mounted(path: Path, *options: str) -> Iterator[Path]:
    """Mount (tmpfs or bind) at `path` for the test; needs root, else skip."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small or read-only file system needs root")
    path.mkdir(exist_ok=True)
    result = subprocess.run(["mount", *options, str(path)], capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount here: {result.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


@pytest.mark.heavy
def test_a_full_disk_is_a_clear_error_and_keeps_the_store(tmp_path: Path, synthetic: Path) -> None:
    with mounted(tmp_path / "disk", "-t", "tmpfs", "-o", "size=64m", "tmpfs") as disk:
        store = disk / "store"
        assert run_kg("ingest", str(EXAMPLES), "--store", str(store)).returncode == 0
        before = dump_lines(store)
        filler = disk / "filler"
        with filler.open("wb") as handle:
            try:
                while True:
                    handle.write(b"x" * 65536)
                    handle.flush()
            except OSError:
                pass
        done = run_kg("ingest", str(synthetic), "--store", str(store))
        assert done.returncode not in (0, 4), done.stdout
        errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and "No space left" in errors[0], done.stderr
        assert "Traceback" not in done.stderr
        filler.unlink()
        assert dump_lines(store) == before
        assert run_kg("ingest", str(synthetic), "--store", str(store)).returncode == 0


@pytest.mark.heavy
def test_a_read_only_store_directory_is_a_clear_error(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert run_kg("ingest", str(EXAMPLES), "--store", str(store)).returncode == 0
    before = dump_lines(store)
    with mounted(store, "--bind", str(store)):
        subprocess.run(["mount", "-o", "remount,ro,bind", str(store)], check=True)
        done = run_kg("ingest", str(EXAMPLES / "2024-04-18-rat-top-7.txt"), "--store", str(store))
        assert done.returncode == 1, done.stdout
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: cannot open store"), lines
        assert "Read-only file system" in done.stderr
    assert dump_lines(store) == before


def test_a_second_writer_gets_the_lock_message(tmp_path: Path) -> None:
    with Store(tmp_path / "store"):
        done = run_kg("ingest", str(EXAMPLES), "--store", str(tmp_path / "store"))
    assert done.returncode == 3
    assert done.stderr.strip().startswith("error: store") and "locked" in done.stderr


@pytest.mark.heavy
def test_readers_and_a_second_writer_during_an_ingest(tmp_path: Path, big_corpus: Path) -> None:
    expected = single_file_versions(big_corpus)
    store_dir = tmp_path / "store"
    process = start_ingest(big_corpus, store_dir, batch_size=20)
    counts, incomplete, refused, second_writer = [], [], [], None
    while process.poll() is None:
        if not (store_dir / "oxigraph" / "CURRENT").exists():
            time.sleep(0.05)
            continue
        if second_writer is None:
            second_writer = run_kg("ingest", str(EXAMPLES), "--store", str(store_dir))
        try:
            incomplete += incomplete_documents(store_dir, expected)
            counts.append(stored_count(store_dir))
        except KgError as error:  # opening beside a writer that creates the store
            refused.append(str(error))
    assert process.returncode == 0, process.communicate()[1]
    assert incomplete == []
    assert second_writer is not None and second_writer.returncode == 3, second_writer
    assert "locked" in second_writer.stderr
    assert len(set(counts)) > 2, (counts, refused)  # the readers saw the ingest progress
    assert all("being written by another process" in reason for reason in refused), refused
    query = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?g a rg:Protocol } }"
    shown = run_kg("query", query, "--format", "csv", "--store", str(store_dir))
    assert shown.stdout.split() == ["n", str(len(expected))]
