"""The only module that knows the stage order: sources, parse, extract, resolve, rdf, store.

`ingest` is idempotent: a file whose bytes are unchanged is skipped by its hash before any
parsing, a changed file replaces its document graph in one transaction, and a file that cannot
be read is reported without touching what is stored. With many files, reading, parsing,
extraction and serialisation run in worker processes (or on a Dask cluster, `dask_executor`)
while the calling process is the one writer. It commits a batch of documents at a time, so an
interrupted run keeps every completed batch and the next run continues where it stopped.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from collections.abc import Callable, Generator, Iterable, Mapping
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from kg.errors import KgError, SourceError
from kg.extract import extract
from kg.models import Extraction, ResolvedDocument, SourceDocument, pickle_by_fields
from kg.parse import parse
from kg.pipeline_workers import CHUNK_SIZE, Runner, chunks, run_tasks, start_runner
from kg.pipeline_workers import dask_executor as dask_executor  # part of this module's API
from kg.rdf import document_iri, document_iri_of, document_nquads
from kg.resolve import Registry, observations, resolve
from kg.settings import Settings
from kg.sources import MAX_BYTES, Metadata, find_files, read_document, read_manifest, read_sidecar
from kg.store import GraphUpdate, Store
from kg.store_manifest import DocumentRecord, FileIndex, Folders, document_record, file_stamp
from kg.store_registry import BatchRegistries, Observed, graph_entities

if TYPE_CHECKING:
    from kg.pipeline_resolution import BatchResolution

log = logging.getLogger(__name__)

MAX_TEXT_CHARS = 2_000_000  # about 600 pages; parsing takes ~15 ms per 1,000 characters
MAX_TEXT_FILE_BYTES = 32_000_000  # text and HTML files larger than this are not read
BATCH_SIZE = 200  # documents per commit ...
BATCH_TRIPLES = 300_000  # ... and about this many triples at most
PARALLEL_MIN_FILES = 50  # fewer files to process are not worth starting worker processes
KEEP_BYTES = 1_000_000_000  # phase one's extractions kept for phase two, up to about this much
RECALLED_GRAPHS = 200  # replacing more, reconciliation looks up the labels of every entity
# Bulk loading links sorted files into the database as they are, without compacting them with
# what is there; once this many documents, and at least a tenth of those stored, were loaded
# since the last compaction (over runs), the store is compacted (at 5.3M triples: 8.5 s, joins
# of the saved queries 2.5x faster, files on disk about 1.5x larger).
COMPACT_MIN_ADDED = 200
Progress = Callable[[int, int, str], None]
T = TypeVar("T")
Registries = Mapping[str, Registry]  # by municipality


@dataclass(slots=True)
class IngestReport:
    """What an ingest did, file by file; `failed` lists (file, one-line reason)."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    triples: int = 0
    reresolved: list[str] = field(default_factory=list)  # stored graphs resolved anew
    compacted: bool = False  # the store was compacted after a large load

    @property
    def ok(self) -> bool:
        """True when no file failed."""
        return not self.failed


@pickle_by_fields
@dataclass(frozen=True, slots=True)
class Prepared:
    """A document parsed, extracted and serialised (by a worker), ready for the writer."""

    path: str
    sha256: str
    update: GraphUpdate
    record: DocumentRecord | None = None  # what cross-document resolution needs to know


@pickle_by_fields
@dataclass(frozen=True, slots=True)
class Failed:
    """A file that could not be turned into a graph, with a one-line reason."""

    path: str
    reason: str


@pickle_by_fields
@dataclass(frozen=True, slots=True)
class Extracted:
    """Phase one's result for one file: whom it names (for the batch's registries) and its
    extraction, kept for phase two so that no file is read and parsed twice."""

    observed: Observed
    extraction: Extraction | bytes  # pickled when it crosses processes


Outcome = Prepared | Failed
Item = Path | SourceDocument | Failed | Extraction | bytes  # what a worker task gets per file


def process_document(
    document: SourceDocument, registry: Registry | None = None
) -> ResolvedDocument:
    """Parse, extract and resolve one document (pure: no store access).

    >>> from kg.models import EXAMPLE_DOCUMENT
    >>> len(process_document(EXAMPLE_DOCUMENT).extraction.statements)
    2
    """
    return resolve(extract(parse(document)), registry)


def build_update(resolved: ResolvedDocument, settings: Settings) -> GraphUpdate:
    """The store update that replaces this document's graph (the triples of `build_graph`).

    >>> from kg.models import EXAMPLE_RESOLVED
    >>> from kg.settings import EXAMPLE_SETTINGS
    >>> build_update(EXAMPLE_RESOLVED, EXAMPLE_SETTINGS).size > 20
    True

    Raises:
        RdfError: when a term cannot be written as N-Triples.
    """
    nquads, count = document_nquads(resolved, settings)
    return GraphUpdate(document_iri_of(resolved, settings), nquads=nquads, nquads_count=count)


def prepare_document(
    document: SourceDocument, settings: Settings, registries: Registries | None = None
) -> Outcome:
    """Process one read document into its store update; any error becomes a `Failed`.

    `registries` (by municipality) hold the people of the store and the whole batch; without
    them the document is resolved on its own and re-resolved after the batch if needed.
    """

    def work() -> Outcome:
        registry = (registries or {}).get(document.municipality)
        return _prepared(process_document(document, registry), settings, registry)

    return _guarded(document.path, work)


def prepare_file(
    path: Path, settings: Settings, metadata: Metadata | None, registries: Registries | None = None
) -> Outcome:
    """Read and process one file into its store update; any error becomes a `Failed`."""
    read = _read(path, metadata)
    return read if isinstance(read, Failed) else prepare_document(read, settings, registries)


def extract_item(
    item: Path | SourceDocument | Failed,
    settings: Settings,
    metadata: Metadata | None,
    *,
    pickled: bool = False,
) -> Extracted | Failed:
    """Phase one of an ingest: read (a path), parse and extract a file, and whom it names.

    With `pickled`, the extraction comes back pickled: it crosses to the writer and back to a
    worker for phase two, and the writer only keeps the bytes.
    """
    document = _read(item, metadata) if isinstance(item, Path) else item
    if isinstance(document, Failed):
        return document

    def work() -> Extracted:
        extraction = extract(parse(document))
        iri = document_iri(settings, document.municipality, document.key)
        observed = tuple(observations(extraction))
        found = Observed(document.path, document.municipality, str(iri), observed)
        kept = pickle.dumps(extraction, pickle.HIGHEST_PROTOCOL) if pickled else extraction
        return Extracted(found, kept)

    return _guarded(document.path, work)


def prepare_extraction(
    extraction: Extraction | bytes, settings: Settings, registries: Registries | None = None
) -> Outcome:
    """Phase two for a file phase one extracted: resolve it and build its store update."""
    if isinstance(extraction, bytes):
        extraction = pickle.loads(extraction)  # pickled by our own worker in phase one
    assert isinstance(extraction, Extraction)
    document = extraction.protocol.document

    def work() -> Outcome:
        registry = (registries or {}).get(document.municipality)
        return _prepared(resolve(extraction, registry), settings, registry)

    return _guarded(document.path, work)


def _prepared(
    resolved: ResolvedDocument, settings: Settings, registry: Registry | None
) -> Prepared:
    """The store update and manifest record of a resolved document."""
    document = resolved.extraction.protocol.document
    update = build_update(resolved, settings)
    record = document_record(resolved, settings, registry)
    return Prepared(document.path, document.sha256, update, record)


def _guarded(path: str, work: Callable[[], T]) -> T | Failed:
    try:
        return work()
    except KgError as error:
        return Failed(path, str(error))
    except Exception as error:  # one odd file must not stop a batch of thousands
        log.exception("internal error on %s", path)
        return Failed(path, f"internal error ({type(error).__name__}: {error})")


def ingest(
    paths: Iterable[Path],
    settings: Settings,
    *,
    metadata: Metadata | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
    executor: Executor | None = None,
) -> IngestReport:
    """Ingest files and folders into the store.

    Args:
        paths: files, and folders searched recursively for txt, html and pdf files.
        settings: store directory and IRI base.
        metadata: municipality, body or URL for files that do not name them.
        progress: called as `progress(done, total, path)` after each file.
        workers: worker processes for parsing and extraction (default: one per CPU); with
            `1`, or at most 50 files to process, everything runs in this process.
        executor: run parsing and extraction on this executor instead, e.g. a Dask cluster
            (`dask_executor`); files are read here and sent, so workers need no access to them.

    Raises:
        SourceError: when a given path does not exist.
        StoreError: when the store cannot be opened or written.
        KgError: when a worker process dies (completed batches stay stored).
    """
    files = list(find_files(list(paths)))
    report = IngestReport()
    tick = _Ticker(len(files), progress)
    with Store(settings.store_dir) as store:
        known_files = FileIndex.load(settings.store_dir, f"{settings.base_iri} {metadata!r}")
        writer = _Writer(store, report, known_files)
        todo = [path for path in files if not writer.skip_unchanged(path, settings, metadata, tick)]
        with start_runner(len(todo) > PARALLEL_MIN_FILES, workers, executor) as runner:
            observed, kept = _extracted(todo, settings, metadata, runner)
            registries = BatchRegistries.build(store, settings, observed) if todo else None
            outcomes = _outcomes(todo, settings, metadata, runner, kept, registries)
            with closing(outcomes):
                try:
                    for outcome in outcomes:
                        writer.accept(outcome)
                        tick(outcome.path)
                finally:  # also on Ctrl-C: the documents prepared so far are complete, keep them
                    writer.finish()
        # Before reconciliation: its look-ups over the whole store run ~3x faster compacted.
        report.compacted = store.compact_if_due(len(writer.known), COMPACT_MIN_ADDED)
        from kg.pipeline_resolution import reconcile  # imports this module

        batch = _batch_resolutions(registries, observed) if todo else None
        report.reresolved = reconcile(
            store, settings, writer.records, resolved_with=batch, stored=writer.known,
            replaced_entities=writer.replaced_entities,
        ).documents  # fmt: skip
        known_files.save(settings.store_dir)
    return report


def _batch_resolutions(
    registries: BatchRegistries | None, observed: list[Observed]
) -> dict[str, BatchResolution]:
    """How the batch was resolved, by municipality, for reconciliation."""
    from kg.pipeline_resolution import BatchResolution  # imports this module

    if registries is None:
        return {}
    return {
        municipality: BatchResolution(
            registry,
            frozenset(o.iri for o in observed if o.municipality == municipality),
            tuple(registries.external[municipality]),
        )
        for municipality, registry in registries.registries.items()
    }


@dataclass(slots=True)
class _Ticker:
    total: int
    progress: Progress | None
    done: int = 0

    def __call__(self, path: str) -> None:
        self.done += 1
        if self.progress:
            self.progress(self.done, self.total, path)


class _Writer:
    """The one writer: sorts outcomes into added/replaced/unchanged and commits in batches."""

    def __init__(self, store: Store, report: IngestReport, files: FileIndex) -> None:
        self.store = store
        self.report = report
        self.known = store.document_hashes()
        self.known_hashes = set(self.known.values())
        self.files = files
        self.stamps: dict[str, str | None] = {}  # of the files to process, taken before reading
        self._folders: Folders = {}
        self.new: dict[str, GraphUpdate] = {}
        self.changed: list[GraphUpdate] = []
        self.records: list[DocumentRecord] = []
        # The labelled entities of each replaced graph before its replacement (None: more
        # than RECALLED_GRAPHS graphs replaced), for reconciliation to look up only theirs.
        self.replaced_entities: dict[str, set[str]] | None = {}
        self.size = 0
        # Commits run in a thread (Oxigraph releases the GIL), so that this thread keeps the
        # workers busy while a batch is being written.
        self._commits = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-commit")
        self._committing: Future[None] | None = None

    def skip_unchanged(
        self, path: Path, settings: Settings, metadata: Metadata | None, tick: _Ticker
    ) -> bool:
        """True (and reported) when `path` is stored with exactly its current bytes.

        Files whose stamp (size, modification times) the file index knows are not read.
        """
        stamp = file_stamp(path, self._folders)
        identity = self.files.lookup(str(path), stamp) if stamp else None
        if identity is None:
            identity = _stored_identity(path, settings, metadata, self.known_hashes)
        if identity is None or self.known.get(identity[0]) != identity[1]:
            self.stamps[str(path)] = stamp
            return False
        self.files.record(str(path), stamp, *identity)
        self.report.unchanged.append(str(path))
        tick(str(path))
        return True

    def accept(self, outcome: Outcome) -> None:
        """Record one outcome; commit when the batch is full."""
        if isinstance(outcome, Failed):
            self.report.failed.append((outcome.path, outcome.reason))
            return
        iri = str(outcome.update.graph)
        self.files.record(outcome.path, self.stamps.pop(outcome.path, None), iri, outcome.sha256)
        if self.known.get(iri) == outcome.sha256:
            self.report.unchanged.append(outcome.path)
            return
        if iri in self.known:  # stored before, or earlier in this run: replace
            self.report.replaced.append(outcome.path)
            self.changed.append(outcome.update)
        else:
            self.report.added.append(outcome.path)
            self.new[iri] = outcome.update
        self.known[iri] = outcome.sha256
        if outcome.record is not None:
            self.records.append(outcome.record)
        self.size += outcome.update.size
        if len(self.new) + len(self.changed) >= BATCH_SIZE or self.size >= BATCH_TRIPLES:
            self.flush()

    def flush(self) -> None:
        """Hand the batch to the commit thread and go on collecting the next one.

        Batches commit one at a time and in order: a full batch waits for the one before.
        """
        if not (self.new or self.changed):
            return
        batch = (list(self.new.values()), self.changed, self.size)
        self.new, self.changed, self.size = {}, [], 0
        self.wait()
        self._committing = self._commits.submit(self._commit, *batch)

    def _commit(self, new: list[GraphUpdate], changed: list[GraphUpdate], size: int) -> None:
        """New documents in one bulk load, then changed ones in one transaction."""
        if new:
            self.store.add_graphs(new)
        if changed:
            self._recall_entities([str(update.graph) for update in changed])
            self.store.replace_graphs(changed)
        self.report.triples += size

    def _recall_entities(self, graphs: list[str]) -> None:
        recalled = self.replaced_entities
        if recalled is None or len(recalled) + len(graphs) > RECALLED_GRAPHS:
            self.replaced_entities = None
            return
        for graph, entities in graph_entities(self.store, graphs).items():
            recalled.setdefault(graph, set()).update(entities)

    def wait(self) -> None:
        """Block until the batch being committed is stored.

        Raises:
            StoreError: when the commit failed (disk full, store not writable).
        """
        committing, self._committing = self._committing, None
        if committing is not None:
            committing.result()

    def finish(self) -> None:
        """Commit what is left and stop the commit thread.

        Raises:
            StoreError: when a commit failed.
        """
        try:
            self.flush()
            self.wait()
        finally:
            self._commits.shutdown(wait=True)


def _stored_identity(
    path: Path, settings: Settings, metadata: Metadata | None, known_hashes: set[str]
) -> tuple[str, str] | None:
    """(graph IRI, sha256) of a file whose bytes a stored document has, else None.

    Cheap for files with metadata naming the municipality: the IRI then follows from the
    metadata as in `read_document`, without decoding the text. Unreadable files give None:
    processing reports them.
    """
    try:
        if path.stat().st_size > MAX_BYTES:
            return None
        sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
        if sha256 not in known_hashes:
            return None
        meta = (metadata or Metadata()).merged(read_sidecar(path)).merged(read_manifest(path))
        if meta.municipality:
            return str(document_iri(settings, meta.municipality, meta.url or path.name)), sha256
        document = read_document(path, metadata)
        return str(document_iri(settings, document.municipality, document.key)), sha256
    except (OSError, KgError):
        return None


# ---------------------------------------------------------------- running the work


def _outcomes(
    todo: list[Path],
    settings: Settings,
    metadata: Metadata | None,
    runner: Runner,
    kept: dict[str, Item],
    registries: BatchRegistries | None = None,
) -> Generator[Outcome, None, None]:
    """Phase two: outcomes for `todo` in order, from the runner's workers or this process.

    Files phase one extracted go as their kept extraction, the others (over `KEEP_BYTES`) as
    paths, or for remote workers as documents read here just before they are sent.
    """
    every = registries.registries if registries else None
    if runner.executor is None:
        for path in todo:
            yield _prepare_item(kept.pop(str(path), path), settings, metadata, every)
        return
    tasks = (
        (_prepare_items, ([_task_item(path, kept, runner, metadata) for path in chunk], settings,
                          metadata, registries.for_paths(chunk) if registries else None))
        for chunk in chunks(todo, CHUNK_SIZE)
    )  # fmt: skip
    yield from run_tasks(runner.executor, tasks, runner.queued)


def _task_item(
    path: Path, kept: dict[str, Item], runner: Runner, metadata: Metadata | None
) -> Item:
    item = kept.pop(str(path), path)
    return _read(item, metadata) if runner.remote and isinstance(item, Path) else item


def _extracted(
    todo: list[Path], settings: Settings, metadata: Metadata | None, runner: Runner
) -> tuple[list[Observed], dict[str, Item]]:
    """Phase one: whom each file names, so every file is resolved against the whole batch;
    and the extractions (or failures) phase two goes on from, while they fit `KEEP_BYTES`."""
    found: Iterable[Extracted | Failed]
    if runner.executor is None:
        found = (extract_item(path, settings, metadata) for path in todo)
    else:
        pieces = chunks(todo, CHUNK_SIZE)
        items = ([_read(p, metadata) for p in c] if runner.remote else c for c in pieces)
        tasks = ((_extract_items, (chunk, settings, metadata, True)) for chunk in items)
        found = run_tasks(runner.executor, tasks, runner.queued)
    observed: list[Observed] = []
    kept: dict[str, Item] = {}
    size = 0
    for result in found:
        if isinstance(result, Failed):
            kept[result.path] = result
            continue
        observed.append(result.observed)
        size += _kept_size(result.extraction)
        if size <= KEEP_BYTES:
            kept[result.observed.path] = result.extraction
    return observed, kept


def _kept_size(extraction: Extraction | bytes) -> int:
    if isinstance(extraction, bytes):
        return len(extraction)
    return 3 * len(extraction.protocol.document.text)  # about what it takes pickled


def _extract_items(
    items: list[Path | SourceDocument | Failed],
    settings: Settings,
    metadata: Metadata | None,
    pickled: bool,
) -> list[Extracted | Failed]:
    """Worker task, phase one: extract files (paths, or documents the writer read)."""
    return [extract_item(item, settings, metadata, pickled=pickled) for item in items]


def _prepare_items(
    items: list[Item],
    settings: Settings,
    metadata: Metadata | None,
    registries: Registries | None = None,
) -> list[Outcome]:
    """Worker task, phase two: store updates of files; failures of phase one pass through."""
    return [_prepare_item(item, settings, metadata, registries) for item in items]


def _prepare_item(
    item: Item, settings: Settings, metadata: Metadata | None, registries: Registries | None
) -> Outcome:
    if isinstance(item, Failed):
        return item
    if isinstance(item, Path):
        return prepare_file(item, settings, metadata, registries)
    if isinstance(item, SourceDocument):
        return prepare_document(item, settings, registries)
    return prepare_extraction(item, settings, registries)


def _read(path: Path, metadata: Metadata | None) -> SourceDocument | Failed:
    """The file read as one protocol, or why it cannot be."""
    return _guarded(str(path), lambda: read_protocol(path, metadata))


def read_protocol(path: Path, metadata: Metadata | None = None) -> SourceDocument:
    """`read_document` within the sizes one protocol can have (parsing is not free).

    Raises:
        SourceError: when the file cannot be read or is too large for one protocol.
    """
    try:
        size = path.stat().st_size
    except OSError:
        size = 0  # read_document reports why the file cannot be read
    if size > MAX_TEXT_FILE_BYTES and path.suffix.lower() != ".pdf":
        raise SourceError(f"{path}: too large for one protocol ({size / 1e6:.0f} MB of text)")
    document = read_document(path, metadata)
    if len(document.text) > MAX_TEXT_CHARS:
        raise SourceError(
            f"{path}: too long for one protocol ({len(document.text):,} characters, "
            f"limit {MAX_TEXT_CHARS:,}); split it into meetings"
        )
    return document
