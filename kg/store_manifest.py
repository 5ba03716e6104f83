"""`<store>/documents.json`: what re-resolution needs to know about every stored document.

For each document graph: its metadata (to rebuild the `SourceDocument` from the stored text),
how it names people (`Observation`s: the document's contribution to the registry), the
non-person entity keys it mentions, and a digest of the keys its references were resolved to.
When the municipality's registry or the curation changes, a document whose digest would change
is re-processed from its stored text; all others stay as they are.
"""

from __future__ import annotations

import gc
import logging
import os
import time
from collections.abc import Iterable, Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import orjson

from kg.errors import StoreError
from kg.ids import document_key
from kg.models import ResolvedDocument, SourceDocument, pickle_by_fields
from kg.resolve import meeting_date, named_keys, observations, outcome_digest
from kg.resolve_registry import Observation, Registry
from kg.settings import Settings

log = logging.getLogger(__name__)

MANIFEST_FILE = "documents.json"
FORMAT_VERSION = 1
_Stamp = tuple[int, int, int]  # inode, size, mtime_ns of the file a manifest was read from
_READ: dict[Path, tuple[_Stamp, Manifest]] = {}  # one ingest reads it several times


@pickle_by_fields
@dataclass(frozen=True, slots=True)
class DocumentRecord:
    """One stored document as re-resolution sees it (see the module docstring)."""

    iri: str
    key: str
    path: str
    sha256: str
    municipality: str
    media_type: str = "text/plain"
    body: str | None = None
    url: str | None = None
    date: str | None = None
    meeting_date: str | None = None
    observations: tuple[Observation, ...] = ()
    named: tuple[str, ...] = ()
    outcome: str = ""

    @property
    def doc_key(self) -> str:
        """The document's key below the base IRI (its named graph)."""
        return document_key(self.municipality, self.key)

    def source_document(self, text: str) -> SourceDocument:
        """The document as `read_document` gave it, with its stored normalised text."""
        return SourceDocument(
            key=self.key, path=self.path, sha256=self.sha256, text=text,
            municipality=self.municipality, media_type=self.media_type, body=self.body,
            url=self.url, date=self.date,
        )  # fmt: skip

    def digest(self, registry: Registry) -> str:
        """The outcome digest this document would have under `registry`."""
        return outcome_digest(list(self.observations), list(self.named), registry, self.doc_key)

    def to_json(self) -> dict[str, Any]:
        """A JSON object (observations as compact rows)."""
        people = [[o.surname, o.given, o.address, o.title, o.faction] for o in self.observations]
        return {
            "key": self.key, "path": self.path, "sha256": self.sha256,
            "municipality": self.municipality, "media_type": self.media_type,
            "body": self.body, "url": self.url, "date": self.date,
            "meeting_date": self.meeting_date, "people": people,
            "named": list(self.named), "outcome": self.outcome,
        }  # fmt: skip

    @classmethod
    def from_json(cls, iri: str, data: dict[str, Any]) -> DocumentRecord:
        """Read a record written by `to_json`.

        Raises:
            KeyError, TypeError, ValueError: when the object is malformed.
        """
        date = data.get("meeting_date")
        observed = tuple(
            Observation(row[0], row[1], row[2], row[3], row[4], date=date, source=str(data["key"]))
            for row in data.get("people", [])
        )
        return cls(
            iri=iri, key=str(data["key"]), path=str(data["path"]), sha256=str(data["sha256"]),
            municipality=str(data["municipality"]),
            media_type=str(data.get("media_type") or "text/plain"),
            body=data.get("body"), url=data.get("url"), date=data.get("date"), meeting_date=date,
            observations=observed, named=tuple(data.get("named", [])),
            outcome=str(data.get("outcome", "")),
        )  # fmt: skip


def document_record(
    resolved: ResolvedDocument, settings: Settings, registry: Registry | None = None
) -> DocumentRecord:
    """The record of a resolved document; `registry` is the one it was resolved with
    (None: the document on its own, as `resolve` does without a registry)."""
    extraction = resolved.extraction
    document = extraction.protocol.document
    observed = observations(extraction)
    if registry is None:
        registry = Registry.build(document.municipality, observed)
    named = named_keys(extraction)
    doc_key = document_key(document.municipality, document.key)
    return DocumentRecord(
        iri=settings.base_iri + doc_key, key=document.key, path=document.path,
        sha256=document.sha256, municipality=document.municipality,
        media_type=document.media_type, body=document.body, url=document.url,
        date=document.date, meeting_date=meeting_date(extraction),
        observations=tuple(observed), named=tuple(named),
        outcome=outcome_digest(observed, named, registry, doc_key),
    )  # fmt: skip


class Records(MutableMapping[str, DocumentRecord]):
    """The document records of a manifest by graph IRI, parsed from their JSON when first read.

    A re-ingest that changes one file reads the records of one municipality at most; the others
    stay the JSON objects they were loaded as, and are written back as such.
    """

    __slots__ = ("_parsed", "_raw")

    def __init__(
        self,
        raw: dict[str, dict[str, Any]] | None = None,
        parsed: dict[str, DocumentRecord] | None = None,
    ) -> None:
        self._raw = raw if raw is not None else {}  # unparsed: disjoint from _parsed
        self._parsed = parsed if parsed is not None else {}

    def __getitem__(self, iri: str) -> DocumentRecord:
        record = self._parsed.get(iri)
        if record is None:
            record = DocumentRecord.from_json(iri, self._raw.pop(iri))  # KeyError: not stored
            self._parsed[iri] = record
        return record

    def __setitem__(self, iri: str, record: DocumentRecord) -> None:
        self._raw.pop(iri, None)
        self._parsed[iri] = record

    def __delitem__(self, iri: str) -> None:
        if self._raw.pop(iri, None) is None:
            del self._parsed[iri]

    def __contains__(self, iri: object) -> bool:
        return iri in self._parsed or iri in self._raw

    def __iter__(self) -> Iterator[str]:
        yield from self._parsed
        yield from self._raw

    def __len__(self) -> int:
        return len(self._parsed) + len(self._raw)

    @property
    def parsed(self) -> int:
        """How many records have been parsed so far."""
        return len(self._parsed)

    def field(self, iri: str, name: str) -> str:
        """A string field of a record (`sha256`, `municipality`) without parsing the record."""
        raw = self._raw.get(iri)
        return str(raw[name]) if raw is not None else str(getattr(self._parsed[iri], name))

    def to_json(self, iri: str) -> dict[str, Any]:
        """The JSON object of a record (an unparsed one as it was read)."""
        raw = self._raw.get(iri)
        return raw if raw is not None else self._parsed[iri].to_json()

    def copy(self) -> Records:
        """Independent records (records themselves are immutable; raw objects are not changed)."""
        return Records(dict(self._raw), dict(self._parsed))


@dataclass(slots=True)
class Manifest:
    """All document records of a store plus the digest of the curation last applied."""

    documents: Records = field(default_factory=Records)
    rosters: dict[str, tuple[str, str]] = field(default_factory=dict)
    curation: str = ""

    @classmethod
    def load(cls, store_dir: Path) -> Manifest:
        """Read `<store>/documents.json`; a missing or unreadable file gives an empty manifest
        (re-resolution then rebuilds the records from the stored documents).

        Records are checked for the fields every read needs here and parsed when first used.
        """
        path = store_dir / MANIFEST_FILE
        stamp = _stamp(path)
        if stamp is None:
            return cls()
        known = _READ.get(path)
        if known is not None and known[0] == stamp:
            return known[1].copy()
        try:
            data = _read_json(path)
            raw = data.get("documents", {})
            if not all(map(_well_formed, raw.values())):
                raise ValueError("malformed document record")
            rosters = {
                iri: (str(entry["municipality"]), str(entry["digest"]))
                for iri, entry in data.get("rosters", {}).items()
            }
            manifest = cls(Records(dict(raw)), rosters, str(data.get("curation", "")))
        except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError) as error:
            log.warning("%s unreadable (%s); rebuilding it from the store", path, error)
            return cls()
        _READ[path] = (stamp, manifest.copy())
        return manifest

    def copy(self) -> Manifest:
        """An independent manifest with the same records (records are immutable)."""
        return Manifest(self.documents.copy(), dict(self.rosters), self.curation)

    def save(self, store_dir: Path) -> None:
        """Write the manifest atomically (sorted, so equal stores give equal files).

        Raises:
            StoreError: when the file cannot be written.
        """
        path = store_dir / MANIFEST_FILE
        data = {
            "format": FORMAT_VERSION,
            "curation": self.curation,
            "rosters": {
                iri: {"municipality": m, "digest": d}
                for iri, (m, d) in sorted(self.rosters.items())
            },
            "documents": {iri: self.documents.to_json(iri) for iri in sorted(self.documents)},
        }
        temporary = path.with_name(path.name + ".tmp")
        try:
            # orjson: 20x faster than json's C encoder on a large archive (13 ms at 10,000).
            temporary.write_bytes(orjson.dumps(data))
            os.replace(temporary, path)
        except OSError as error:
            raise StoreError(f"cannot write {path}: {error.strerror or error}") from error
        stamp = _stamp(path)
        if stamp is not None:
            _READ[path] = (stamp, self.copy())

    def update(self, records: Iterable[DocumentRecord]) -> None:
        """Add or replace records."""
        for record in records:
            self.documents[record.iri] = record

    def set_outcome(self, iri: str, outcome: str) -> None:
        """Record that the stored graph of `iri` now has this outcome digest."""
        self.documents[iri] = replace(self.documents[iri], outcome=outcome)

    def keep_only(self, stored: dict[str, str]) -> list[DocumentRecord]:
        """Drop records of documents that are not stored (or stored with other bytes);
        returns them."""
        records = self.documents
        dropped = [records[i] for i in records if stored.get(i) != records.field(i, "sha256")]
        for record in dropped:
            del records[record.iri]
        return dropped

    def of(self, municipality: str) -> Iterator[DocumentRecord]:
        """The records of one municipality, by IRI (only these are parsed)."""
        records = self.documents
        for iri in sorted(i for i in records if records.field(i, "municipality") == municipality):
            yield records[iri]

    def municipalities(self) -> set[str]:
        """Every municipality with a stored document or roster."""
        records = self.documents
        return {records.field(i, "municipality") for i in records} | {
            m for m, _ in self.rosters.values()
        }


def _read_json(path: Path) -> Any:
    """The JSON value in `path`, decoded with the cyclic garbage collector paused.

    Decoding builds hundreds of thousands of lists and dicts and no reference cycle; the
    collector would walk them again and again while they are built (at 10,000 documents a
    third of the time it takes to read the manifest).

    Raises:
        OSError, ValueError: when the file cannot be read or is not JSON.
    """
    with _collector_paused():
        data = orjson.loads(path.read_bytes())
        gc.freeze()  # nor walk them again in every later full collection of this process
    return data


@contextmanager
def _collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _well_formed(record: object) -> bool:
    """Whether a record read from JSON has what `DocumentRecord.from_json` reads (checked when
    the manifest is loaded, so that parsing a record later cannot fail)."""
    if not isinstance(record, dict):
        return False
    strings = (record.get(name) for name in ("key", "path", "sha256", "municipality"))
    people = record.get("people", [])
    return (
        all(isinstance(value, str) for value in strings)
        and isinstance(people, list)
        and all(isinstance(row, list) and len(row) == 5 for row in people)
        and isinstance(record.get("named", []), list)
    )


def _stamp(path: Path) -> _Stamp | None:
    """What tells whether a file changed since it was read (None: it does not exist)."""
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_ino, status.st_size, status.st_mtime_ns


FILES_FILE = "files.json"
RACY_SECONDS = 2.0  # a file changed this recently may change again within the same mtime tick


@dataclass(slots=True)
class FileIndex:
    """`<store>/files.json`: which document each ingested file is and the SHA-256 of its bytes,
    keyed by what `stat` says of the file and its metadata files (`file_stamp`).

    It lets a re-ingest recognise an unchanged archive without reading it. Entries are valid
    only for the same options (`context`: metadata from the command line, base IRI); a file
    whose stamp differs is read and hashed as before, so a stale entry costs time, not truth.
    """

    context: str
    entries: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # path: stamp, iri, sha
    changed: bool = True  # False while it is what `store_dir` holds (nothing to save)

    @classmethod
    def load(cls, store_dir: Path, context: str) -> FileIndex:
        """The index of `store_dir` when it was written for `context`, else an empty one."""
        try:
            data = _read_json(store_dir / FILES_FILE)
            if data.get("context") != context:
                return cls(context)
            entries = {str(p): (str(s), str(i), str(h)) for p, (s, i, h) in data["files"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return cls(context)  # missing or unreadable: every file is read once more
        return cls(context, entries, changed=False)

    def lookup(self, path: str, stamp: str) -> tuple[str, str] | None:
        """(graph IRI, sha256) recorded for `path` with exactly this stamp, else None."""
        entry = self.entries.get(path)
        return (entry[1], entry[2]) if entry and entry[0] == stamp else None

    def record(self, path: str, stamp: str | None, iri: str, sha256: str) -> None:
        """Remember a file's identity (a file changed in the last seconds is not remembered:
        it could change again without its stamp changing)."""
        if stamp is not None and time.time() - float(stamp.split(":")[1]) / 1e9 > RACY_SECONDS:
            entry = (stamp, iri, sha256)
            if self.entries.get(path) != entry:
                self.entries[path] = entry
                self.changed = True

    def save(self, store_dir: Path) -> None:
        """Write the index atomically (unless it is what `store_dir` holds already).

        Raises:
            StoreError: when the file cannot be written.
        """
        if not self.changed:
            return
        path = store_dir / FILES_FILE
        files = {p: list(self.entries[p]) for p in sorted(self.entries)}
        data = orjson.dumps({"context": self.context, "files": files})
        temporary = path.with_name(path.name + ".tmp")
        try:
            temporary.write_bytes(data)
            os.replace(temporary, path)
        except OSError as error:
            raise StoreError(f"cannot write {path}: {error.strerror or error}") from error
        self.changed = False


Folders = dict[Path, tuple[str, frozenset[str] | None]]  # folder: INDEX.tsv stamp, sidecar names


def file_stamp(path: Path, folders: Folders) -> str | None:
    """Size and modification time of a file, its sidecar and its folder's INDEX.tsv (what its
    bytes and metadata depend on); None when it cannot be read. `folders` caches INDEX.tsv and
    which sidecars a folder held when first asked (a sidecar added later makes the stamp
    change on the next run: the file is read once more then)."""
    try:
        status = path.stat()
    except OSError:
        return None
    parent = path.parent
    if parent not in folders:
        try:
            sidecars = frozenset(n for n in os.listdir(parent) if n.endswith(".meta.json"))
        except OSError:
            sidecars = None
        folders[parent] = (_short_stamp(parent / "INDEX.tsv"), sidecars)
    index, sidecars = folders[parent]
    name = path.name + ".meta.json"
    sidecar = _short_stamp(parent / name) if sidecars is None or name in sidecars else "-"
    return f"{status.st_size}:{status.st_mtime_ns}:{sidecar}:{index}"


def _short_stamp(path: Path) -> str:
    try:
        status = path.stat()
    except OSError:
        return "-"
    return f"{status.st_size}.{status.st_mtime_ns}"
