"""The persistent embedded triple store (Oxigraph on disk) behind a small interface.

One named graph per source document; replacing a document's graph is one transaction, so
readers and a crash mid-ingest see either the old or the new version, never half. One process
may write a store directory at a time; any number may read it beside the writer.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import struct
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.term import Node

from kg.errors import StoreError, StoreLockedError
from kg.models import pickle_by_fields
from kg.rdf import ntriples_lines
from kg.vocab import PREFIXES, RESOLUTION_GRAPH, RG

log = logging.getLogger(__name__)

Triple = tuple[Node, Node, Node]
OXIGRAPH_DIR = "oxigraph"
BULK_ATOMIC_QUADS = 900_000
# Documents bulk-loaded since the last compaction, over runs (`compact_if_due`).
LOADED_FILE = "loaded.json"
READ_ATTEMPTS = 12  # a reader opening beside a writer may catch it mid-way: retry briefly


@pickle_by_fields
@dataclass(frozen=True, slots=True)
class GraphUpdate:
    """The new content of one document graph plus its records in the resolution graph.

    Content comes as rdflib triples, as N-Triples lines (each `"<s> <p> <o> .\\n"`, no
    duplicates), or from the bulk-ingest fast path as N-Quads ready for the bulk loader: the
    document's lines in its graph, then its records in `rg:resolution` (UTF-8, no
    duplicates, `nquads_count` lines of the document graph). Every part given is written.
    """

    graph: URIRef
    triples: tuple[Triple, ...] = ()
    resolution: tuple[Triple, ...] = ()
    ntriples: str = ""
    resolution_ntriples: str = ""
    nquads: bytes = b""
    nquads_count: int = 0

    def document_lines(self) -> str:
        """The document graph as N-Triples lines.

        Raises:
            RdfError: for a term N-Triples cannot carry.
        """
        lines = "".join(ntriples_lines(self.triples)) + self.ntriples
        return lines + _triples_in(self.nquads, self.graph)

    def resolution_lines(self) -> str:
        """The resolution records as N-Triples lines.

        Raises:
            RdfError: for a term N-Triples cannot carry.
        """
        lines = "".join(ntriples_lines(self.resolution)) + self.resolution_ntriples
        return lines + _triples_in(self.nquads, RESOLUTION_GRAPH)

    def bulk_lines(self) -> bytes:
        """Both parts as N-Quads lines, for the bulk loader.

        Raises:
            RdfError: for a term N-Triples cannot carry.
        """
        document = "".join(ntriples_lines(self.triples)) + self.ntriples
        records = "".join(ntriples_lines(self.resolution)) + self.resolution_ntriples
        parts = [
            document.replace(" .\n", f" {self.graph.n3()} .\n"),
            records.replace(" .\n", f" {RESOLUTION_GRAPH.n3()} .\n"),
        ]
        return self.nquads + "".join(parts).encode("utf-8")

    @property
    def size(self) -> int:
        """Number of triples in the document graph."""
        return len(set(self.triples)) + self.ntriples.count("\n") + self.nquads_count


def _triples_in(nquads: bytes, graph: URIRef) -> str:
    """The lines of `graph` in N-Quads lines, as N-Triples lines.

    A line ends in `" <graph> .\\n"`; a literal cannot hold a line break (N-Triples escapes it).
    """
    if not nquads:
        return ""
    suffix = f" {graph.n3()} ."
    return "".join(
        line[: -len(suffix)] + " .\n"
        for line in nquads.decode("utf-8").split("\n")
        if line.endswith(suffix)
    )


class Store:
    """An on-disk Oxigraph store in `<store_dir>/oxigraph`.

    Use as a context manager; `read_only=True` opens beside a running writer.
    """

    def __init__(self, store_dir: Path, *, read_only: bool = False) -> None:
        """Open (and for writing, create) the store.

        Raises:
            StoreLockedError: when another process has the store open for writing.
            StoreError: when the directory cannot be created, read or written.
        """
        self.store_dir = store_dir
        self.read_only = read_only
        # document_hashes and named_graphs of this writer, until it next changes a graph
        self._hashes: dict[str, str] | None = None
        self._graphs: list[str] | None = None
        self._loaded = 0  # graphs this writer bulk-loaded
        path = store_dir / OXIGRAPH_DIR
        try:
            if read_only:
                if not path.is_dir():
                    raise StoreError(f"no store at {store_dir} (run `kg ingest` first)")
                self._ox = _open_beside_writer(path)
            else:
                path.mkdir(parents=True, exist_ok=True)
                self._ox = ox.Store(str(path))
        except (OSError, RuntimeError) as error:
            message = str(error)
            if "lock" in message.lower() and not read_only:
                raise StoreLockedError(
                    f"store {store_dir} is locked by another process (an ingest running?)"
                ) from error
            if read_only and writer_running(path):
                raise StoreError(
                    f"store {store_dir} is being written by another process and could not be "
                    f"opened consistently ({message.splitlines()[0][:120]}); try again"
                ) from error
            raise StoreError(f"cannot open store {store_dir}: {message.splitlines()[0]}") from error

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Flush and release the store."""
        if not self.read_only:
            try:
                self._ox.flush()
            except OSError as error:  # pragma: no cover - disk failure
                log.warning("flush failed: %s", error)
        del self._ox

    # ------------------------------------------------------------ writing

    def replace_graphs(self, updates: Iterable[GraphUpdate]) -> None:
        """Replace the graphs of several documents in one transaction.

        Raises:
            StoreError: when the store cannot be written (read-only, disk full).
        """
        parts: list[str] = []
        for update in updates:
            parts.append(f"DROP SILENT GRAPH {update.graph.n3()}")
            parts.append(_delete_resolution_records(update.graph))
            body = update.document_lines()
            parts.append(f"INSERT DATA {{ GRAPH {update.graph.n3()} {{\n{body}}} }}")
            records = update.resolution_lines()
            if records:
                parts.append(f"INSERT DATA {{ GRAPH {RESOLUTION_GRAPH.n3()} {{\n{records}}} }}")
        if parts:
            self._update(" ;\n".join(parts))

    def patch_graphs(
        self, updates: Iterable[GraphUpdate], *, resolution: bool = True
    ) -> dict[str, tuple[int, int]]:
        """Bring stored graphs to the content of `updates`, writing only what changed.

        The result is the one of `replace_graphs` (with `resolution`, the documents'
        resolution records are replaced too), in one transaction, all or nothing; but only
        the triples that left or joined each graph are written, so a small change to a large
        graph is a small write. A graph with blank nodes is replaced whole (they cannot be
        named in a deletion). Returns `{graph IRI: (triples removed, triples added)}`.

        Raises:
            StoreError: when the store cannot be written or an update holds invalid RDF.
        """
        parts: list[str] = []
        counts: dict[str, tuple[int, int]] = {}
        for update in updates:
            graph = update.graph.n3()
            new = _parse_triples(update.document_lines())
            old = {q.triple for q in self._ox.quads_for_pattern(None, None, None, _node(graph))}
            gone, joined = old - new, new - old
            if any(_has_blank_node(t) for t in (*gone, *joined)):
                parts.append(f"DROP SILENT GRAPH {graph}")
                gone, joined = set(), new
            if gone:
                parts.append(f"DELETE DATA {{ GRAPH {graph} {{\n{_lines(gone)}}} }}")
            if resolution:
                parts.append(_delete_resolution_records(update.graph))
            if joined:
                parts.append(f"INSERT DATA {{ GRAPH {graph} {{\n{_lines(joined)}}} }}")
            records = update.resolution_lines()
            if records:
                parts.append(f"INSERT DATA {{ GRAPH {RESOLUTION_GRAPH.n3()} {{\n{records}}} }}")
            counts[str(update.graph)] = (len(gone), len(joined))
        if parts:
            self._update(" ;\n".join(parts))
        return counts

    def add_graphs(self, updates: Iterable[GraphUpdate]) -> None:
        """Add the graphs of documents not stored yet, all or none, by bulk loading.

        Oxigraph writes sorted index files and links them into the database in one atomic
        step, several times faster than a transaction; after a crash either every graph of
        the call is present or none is. The graphs must be new (their triples would be merged
        with what is stored): use `replace_graphs` to change a stored document.

        Raises:
            StoreError: when the store cannot be written (read-only, disk full).
        """
        updates = list(updates)
        try:
            parts = [update.bulk_lines() for update in updates]
        except UnicodeEncodeError as error:  # pragma: no cover - decoded input has no surrogates
            raise StoreError(f"text that is not valid Unicode in a batch: {error}") from error
        data = b"".join(parts)
        if not data:
            return
        if self.read_only:
            raise StoreError(f"store {self.store_dir} is opened read-only")
        # One bulk-loader batch (below Oxigraph's 1M quads) is one atomic file ingestion.
        load = self._ox.bulk_load if data.count(b"\n") < BULK_ATOMIC_QUADS else self._ox.load
        self._forget_graphs()
        # Documents' own lines (`kg.rdf`, IRIs checked there and in Settings) skip the loader's
        # second IRI check; anything else, e.g. IRIs taken from OParl servers, is checked.
        lenient = all(update.nquads and update.size == update.nquads_count for update in updates)
        try:
            load(data, format=ox.RdfFormat.N_QUADS, lenient=lenient)
        except OSError as error:
            raise StoreError(f"cannot write store {self.store_dir}: {error}") from error
        except (SyntaxError, ValueError) as error:  # pragma: no cover - we serialise ourselves
            raise StoreError(f"internal error serialising a batch: {error}") from error
        finally:
            self._forget_graphs()
        self._loaded += len(parts)

    def delete_graph(self, graph: URIRef) -> None:
        """Remove a document graph and its resolution records.

        Raises:
            StoreError: when the store cannot be written.
        """
        self._update(f"DROP SILENT GRAPH {graph.n3()} ;\n{_delete_resolution_records(graph)}")

    def replace_resolution_records(
        self, prefix: str, triples: Iterable[Triple], *, keep: str | None = None
    ) -> None:
        """Replace the `rg:resolution` triples whose subject IRI starts with `prefix`.

        Subjects starting with `keep` stay (the per-document records below a document IRI).

        Raises:
            StoreError: when the store cannot be written.
        """
        condition = f"STRSTARTS(STR(?s), {Literal(prefix).n3()})"
        if keep:
            condition += f" && !STRSTARTS(STR(?s), {Literal(keep).n3()})"
        graph = RESOLUTION_GRAPH.n3()
        parts = [
            f"DELETE {{ GRAPH {graph} {{ ?s ?p ?o }} }} "
            f"WHERE {{ GRAPH {graph} {{ ?s ?p ?o FILTER({condition}) }} }}"
        ]
        records = "".join(ntriples_lines(triples))
        if records:
            parts.append(f"INSERT DATA {{ GRAPH {graph} {{\n{records}}} }}")
        self._update(" ;\n".join(parts), documents=False)

    def swap_resolution_records(
        self, *, removed: Iterable[Triple] = (), added: Iterable[Triple] = ()
    ) -> None:
        """Remove some triples from `rg:resolution` and add others, in one transaction.

        Raises:
            StoreError: when the store cannot be written.
        """
        graph = RESOLUTION_GRAPH.n3()
        parts = []
        for verb, triples in (("DELETE", removed), ("INSERT", added)):
            lines = "".join(ntriples_lines(triples))
            if lines:
                parts.append(f"{verb} DATA {{ GRAPH {graph} {{\n{lines}}} }}")
        if parts:
            self._update(" ;\n".join(parts), documents=False)

    def _update(self, sparql: str, *, documents: bool = True) -> None:
        """Run a SPARQL update; `documents=False`: it changes only rg:resolution."""
        if self.read_only:
            raise StoreError(f"store {self.store_dir} is opened read-only")
        if documents or str(RESOLUTION_GRAPH) not in (self._graphs or ()):
            self._forget_graphs()
        try:
            self._ox.update(sparql)
        except OSError as error:
            raise StoreError(f"cannot write store {self.store_dir}: {error}") from error
        except SyntaxError as error:  # pragma: no cover - we generate the update ourselves
            raise StoreError(f"internal error building an update: {error}") from error
        finally:
            if documents or str(RESOLUTION_GRAPH) not in (self._graphs or ()):
                self._forget_graphs()

    def _forget_graphs(self) -> None:
        self._hashes = self._graphs = None

    def optimize(self) -> None:
        """Compact the on-disk files after large loads (bulk loading adds sorted files as they
        are; merged, joins read far fewer of them).

        Raises:
            StoreError: when the store cannot be written (read-only, disk full).
        """
        if self.read_only:
            raise StoreError(f"store {self.store_dir} is opened read-only")
        try:
            self._ox.optimize()
        except OSError as error:
            raise StoreError(f"cannot compact store {self.store_dir}: {error}") from error

    def compact_if_due(self, stored: int, minimum: int) -> bool:
        """Compact when the documents bulk-loaded since the last compaction (this writer's and
        earlier runs', counted in `<store>/loaded.json`) are at least `minimum` and a tenth of
        the `stored` documents; True when it compacted.

        Bulk loading links sorted files into the database as they are, so a store grown by
        many runs of a few documents needs it as much as one grown by one large run.

        Raises:
            StoreError: when the store or the counter cannot be written.
        """
        counter = self.store_dir / LOADED_FILE
        try:
            earlier = int(json.loads(counter.read_text(encoding="utf-8"))["since_compaction"])
        except (OSError, ValueError, KeyError, TypeError):
            earlier = 0  # missing or unreadable: count from now
        loaded, self._loaded = earlier + self._loaded, 0
        due = loaded >= minimum and loaded * 10 >= stored
        if due:
            self.optimize()
            loaded = 0
        if loaded != earlier:
            try:
                counter.write_text(json.dumps({"since_compaction": loaded}), encoding="utf-8")
            except OSError as error:
                raise StoreError(f"cannot write {counter}: {error.strerror or error}") from error
        return due

    # ------------------------------------------------------------ reading

    def document_hashes(self) -> dict[str, str]:
        """`{document graph IRI: sha256 of its raw input}` for every stored document.

        Asked once per writer until it writes again (an ingest asks several times); another
        process writing meanwhile is not seen by this writer anyway (the store is locked), and
        a reader asks the store each time.
        """
        if self._hashes is not None and not self.read_only:
            return dict(self._hashes)
        try:  # the predicate index, without SPARQL (several times faster at 10,000 documents)
            quads = self._ox.quads_for_pattern(None, ox.NamedNode(str(RG.sha256)), None, None)
            hashes = {
                q.graph_name.value: q.object.value for q in quads if q.subject == q.graph_name
            }
        except OSError as error:
            raise StoreError(f"cannot read store {self.store_dir}: {error}") from error
        self._hashes = hashes
        return dict(hashes)

    def select(
        self, sparql: str, *, union: bool = True, bindings: dict[str, Node] | None = None
    ) -> list[dict[str, Node]]:
        """Rows of a SELECT query as `{variable: rdflib term}` (unbound variables left out).

        Raises:
            StoreError: when the query is not a SELECT query or is malformed.
        """
        result = self.raw_query(sparql, union=union, bindings=bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise StoreError("expected a SELECT query")
        names = [v.value for v in result.variables]
        rows = []
        for solution in result:
            row = {}
            for name in names:
                term = solution[name]
                if term is not None:
                    row[name] = to_rdflib(term)
            rows.append(row)
        return rows

    def raw_query(
        self, sparql: str, *, union: bool = True, bindings: dict[str, Node] | None = None
    ) -> Any:
        """Run a query and return pyoxigraph's result object.

        Raises:
            StoreError: when the query is malformed.
        """
        substitutions = {ox.Variable(k): to_oxigraph(v) for k, v in (bindings or {}).items()}
        try:
            return self._ox.query(
                sparql,
                use_default_graph_as_union=union,
                prefixes=dict(PREFIXES),
                substitutions=substitutions or None,
            )
        except SyntaxError as error:
            raise StoreError(f"SPARQL syntax error: {error}") from error
        except OSError as error:
            raise StoreError(f"cannot read store {self.store_dir}: {error}") from error
        except RuntimeError as error:  # e.g. a binding for a variable the query does not select
            raise StoreError(f"cannot run the query: {error}") from error

    def named_graphs(self) -> list[str]:
        """IRIs of all named graphs, sorted (asked once per writer until it changes a graph)."""
        if self._graphs is not None and not self.read_only:
            return list(self._graphs)
        graphs = sorted(g.value for g in self._ox.named_graphs() if isinstance(g, ox.NamedNode))
        self._graphs = graphs
        return list(graphs)

    def __len__(self) -> int:
        return len(self._ox)

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of the store (named graphs and default graph)."""
        return iter(self._ox)

    def dump_nquads(self) -> bytes:
        """The whole store as N-Quads, lines sorted so equal stores give equal bytes."""
        data = self._ox.dump(format=ox.RdfFormat.N_QUADS)
        assert data is not None
        lines = sorted(set(data.splitlines()))
        return b"\n".join(lines) + (b"\n" if lines else b"")


def _parse_triples(lines: str) -> set[Any]:
    try:
        quads = ox.parse(lines.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
        return {quad.triple for quad in quads}
    except (SyntaxError, ValueError) as error:
        raise StoreError(f"invalid N-Triples in a graph update: {error}") from error


def _node(n3: str) -> ox.NamedNode:
    return ox.NamedNode(n3[1:-1])


def _has_blank_node(triple: Any) -> bool:
    return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)


def _lines(triples: set[Any]) -> str:
    return "".join(f"{t} .\n" for t in sorted(map(str, triples)))


def copy_store(store_dir: Path, target_dir: Path) -> None:
    """Copy the store of `store_dir` into `target_dir` (a new store directory), consistently.

    Works beside a running writer. The copy is a RocksDB checkpoint (hard links on the same
    file system, so it is cheap) plus the writer's logs: a checkpoint of a read-only database
    leaves out the transactions not yet flushed from the log, which the copied logs bring
    back when the copy is opened. A flush or compaction of the writer in between makes the
    files inconsistent, so the copy is repeated until none happened.

    Raises:
        StoreError: when there is no store, the target cannot be written, or the writer kept
            changing the files.
    """
    import shutil

    source, target = store_dir / OXIGRAPH_DIR, target_dir / OXIGRAPH_DIR
    for attempt in range(READ_ATTEMPTS):
        before = _flushed_state(source)
        shutil.rmtree(target, ignore_errors=True)
        try:
            target_dir.mkdir(parents=True, exist_ok=True)
            _open_beside_writer(source).backup(str(target))
            for log_file in sorted(source.glob("*.log")):
                shutil.copyfile(log_file, target / log_file.name)
        except FileNotFoundError:  # a log removed by a flush meanwhile
            pass
        except (OSError, RuntimeError) as error:
            # The writer's background purge may delete a file the checkpoint is linking.
            if "No such file" not in str(error) or attempt == READ_ATTEMPTS - 1:
                raise StoreError(f"cannot copy store {store_dir}: {error}") from error
        else:
            if _flushed_state(source) == before:
                return
        time.sleep(0.05 * (attempt + 1))
    raise StoreError(f"store {store_dir} kept changing while being copied; try again")


def _flushed_state(path: Path) -> tuple[tuple[str, int], ...]:
    """Names and sizes of the table files and manifests: what a flush or compaction changes."""
    found = []
    for entry in os.scandir(path):
        if entry.name.endswith(".sst") or entry.name.startswith(("MANIFEST", "CURRENT")):
            try:
                found.append((entry.name, entry.stat().st_size))
            except FileNotFoundError:
                continue
    return tuple(sorted(found))


def _open_beside_writer(path: Path) -> Any:
    """Open read-only; while a writer is creating files, retry for up to about 4 seconds.

    RocksDB's read-only mode reads the writer's manifest and log as they are on disk; opened
    at the moment the writer appends to them, it may report a column family not found or a
    corrupt manifest record, which the next attempt no longer sees.
    """
    for attempt in range(READ_ATTEMPTS):
        try:
            return ox.Store.read_only(str(path))
        except (OSError, RuntimeError):
            if attempt == READ_ATTEMPTS - 1 or not writer_running(path):
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")  # pragma: no cover


def writer_running(path: Path) -> bool:
    """True when another process holds the write lock of the Oxigraph directory `path`.

    Asks the kernel about RocksDB's fcntl lock on `LOCK` without taking it.
    """
    request = struct.pack("hhqqi4x", fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0)
    try:
        with (path / "LOCK").open("rb") as handle:
            answer = fcntl.fcntl(handle, fcntl.F_GETLK, request)
    except OSError:
        return False
    return bool(struct.unpack("hhqqi4x", answer)[0] != fcntl.F_UNLCK)


def _delete_resolution_records(graph: URIRef) -> str:
    """The records of a document in rg:resolution: those that say `rg:mentionedIn` it.

    Found through the index on the object, not by scanning the resolution graph (which holds
    a label for every entity), so replacing a document stays fast in a large store.
    """
    return (
        f"DELETE {{ GRAPH {RESOLUTION_GRAPH.n3()} {{ ?s ?p ?o }} }} "
        f"WHERE {{ GRAPH {RESOLUTION_GRAPH.n3()} {{ ?s {RG.mentionedIn.n3()} {graph.n3()} . "
        f"?s ?p ?o }} }}"
    )


def to_rdflib(term: Any) -> Node:
    """Convert a pyoxigraph term to the equivalent rdflib term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    if isinstance(term, ox.BlankNode):
        from rdflib import BNode

        return BNode(term.value)
    raise StoreError(f"unsupported term {term!r}")


def to_oxigraph(term: Node) -> Any:
    """Convert an rdflib term to the equivalent pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise StoreError(f"unsupported term {term!r}")
