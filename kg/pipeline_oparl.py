"""`kg import-oparl`: OParl data into the store, one named graph per body, plus its protocols.

Runs the stages in order: crawl or read (`kg.oparl`), clean (`kg.oparl_clean`), map
(`kg.oparl_rdf`), write (`kg.store`), then hands the meetings' protocol files to the normal
ingest (`kg.pipeline.ingest`) with the meeting's municipality, body, date and URL as metadata,
so a protocol's meeting node is the OParl meeting node.

The write is atomic and idempotent: every changed body graph is brought to its new content
in one store transaction that writes only the triples that left or joined it (a re-import
after a small change is a small write), and a body whose triples did not change is not
written at all (the digest of its
graph is kept in `<store>/oparl-cache/state.json`). After a write, the municipalities of the
changed bodies are re-resolved (`kg.pipeline_resolution.reconcile`), so OParl persons feed the
resolution of protocols stored earlier. The start time of a complete crawl is kept
there too, so the next crawl of that body asks only for objects modified since.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from kg.ids import short_hash
from kg.oparl import BodyCrawl, Progress, crawl, is_url, read_saved, utc_iso
from kg.oparl_cache import BodyState, OParlCache
from kg.oparl_clean import build_body_data
from kg.oparl_http import Download, FetchOptions, OParlClient
from kg.oparl_models import BodyReport, OParlReport, WarningLog
from kg.oparl_rdf import BodyGraph, ProtocolFile, body_graph
from kg.pipeline import ingest
from kg.pipeline_resolution import reconcile
from kg.settings import Settings
from kg.store import GraphUpdate, Store

log = logging.getLogger(__name__)

_SUFFIX_BY_TYPE = {
    "application/pdf": ".pdf", "text/html": ".html", "application/xhtml+xml": ".html",
    "text/plain": ".txt",
}  # fmt: skip
_READABLE_SUFFIXES = (".pdf", ".html", ".htm", ".txt")


@dataclass(frozen=True, slots=True)
class _Built:
    crawl: BodyCrawl
    graph: BodyGraph
    report: BodyReport
    lines: str  # the graph as sorted N-Triples


def import_oparl(
    source: str,
    settings: Settings,
    *,
    since: dt.datetime | None = None,
    full: bool = False,
    municipality: str | None = None,
    options: FetchOptions | None = None,
    progress: Progress | None = None,
    as_of: dt.date | None = None,
    protocols: bool = True,
) -> OParlReport:
    """Import an OParl System/Body URL, or saved OParl JSON (file or folder), into the store.

    Args:
        source: `http(s)://` System or Body URL, or a path to saved JSON.
        settings: store directory and IRI base.
        since: ask the server only for objects modified since then (default: since the
            last complete crawl of each body, everything on the first crawl).
        full: ignore the last crawl and fetch every list completely.
        municipality: the municipality of every body (default: from the body's name).
        options: timeouts, retries, backoff and concurrency.
        progress: called as `progress(task, done, total)` per list and for protocols.
        as_of: date memberships must be running on for `org:memberOf` (default: today).
        protocols: hand the meetings' protocol files to the ingest.

    Raises:
        OParlError: when the source yields no OParl body at all.
        StoreError: when the store cannot be opened or written.
        RdfError: when a mapped term cannot be written as N-Triples.
    """
    report = OParlReport(source=source, started=utc_iso(dt.datetime.now(dt.UTC)))
    as_of = as_of or dt.date.today()
    report.as_of = as_of.isoformat()
    warnings, cache = WarningLog(), OParlCache(settings.store_dir)
    options = options or FetchOptions()
    if is_url(source):
        crawls, report.requests = crawl(
            source, cache, warnings, since=since, full=full, options=options, progress=progress
        )
        for body in crawls:
            cache.save_body(body.body, body.lists, body.extra, body.unavailable, body.changed)
    else:
        crawls = read_saved(Path(source), warnings)
    report.downloaded = sum(body.fetched for body in crawls)
    report.from_cache = sum(body.size() for body in crawls) - report.downloaded
    built = [_build(body, settings, municipality, as_of, warnings) for body in crawls]
    report.reresolved = _write(built, settings, cache)
    report.bodies = [b.report for b in built]
    if protocols:
        _ingest_protocols(built, settings, cache, options, warnings, report, progress, source)
    # sorted: list threads report in any order, the report reads the same every time
    report.warnings = sorted(warnings.examples, key=lambda w: (w.kind, w.message))
    report.warning_counts = dict(sorted(warnings.counts.items()))
    report.finished = utc_iso(dt.datetime.now(dt.UTC))
    return report


def _build(
    body: BodyCrawl,
    settings: Settings,
    municipality: str | None,
    as_of: dt.date,
    warnings: WarningLog,
) -> _Built:
    data = build_body_data(
        body.body, body.objects(), warnings, municipality=municipality, unavailable=body.unavailable
    )
    graph = body_graph(data, settings, as_of, warnings)
    lines = graph.ntriples()
    report = BodyReport(
        body_id=body.body_id,
        municipality=data.municipality,
        graph=str(graph.graph),
        objects=data.counts(),
        triples=lines.count("\n"),
        since=body.since,
        complete=body.complete,
    )
    return _Built(body, graph, report, lines)


def _write(built: list[_Built], settings: Settings, cache: OParlCache) -> list[str]:
    """Write every changed body graph in one atomic step, re-resolve the municipalities whose
    people changed, then record the new states; returns the re-resolved documents."""
    states = cache.states()
    new_states = {item.crawl.body_id: _new_state(item, states) for item in built}
    reresolved: list[str] = []
    with Store(settings.store_dir) as store:
        updates = _updates(store, built, states, new_states)
        if {item.report.status for item in built} - {"unchanged"} == {"added"}:
            store.add_graphs(updates)  # only new graphs: one atomic bulk load, much faster
        elif updates:
            counts = store.patch_graphs(updates)  # one transaction, only what changed
            for item in built:
                item.report.removed, item.report.added = counts.get(item.report.graph, (0, 0))
        people_changed = sorted({
            item.report.municipality for item in built if item.report.status != "unchanged"
            and new_states[item.crawl.body_id].people_sha256
            != states.get(item.crawl.body_id, BodyState()).people_sha256
        })  # fmt: skip
        if people_changed:  # OParl persons feed the resolution of stored protocols
            reresolved = reconcile(store, settings, municipalities=people_changed).documents
    for ident, state in new_states.items():
        if state != states.get(ident):
            cache.save_state(ident, state)
    return reresolved


def _new_state(item: _Built, states: dict[str, BodyState]) -> BodyState:
    old = states.get(item.crawl.body_id, BodyState())
    lines = item.lines
    people = "\n".join(map(repr, item.graph.observations))
    return BodyState(
        last_crawl=(item.crawl.started if item.crawl.complete else None) or old.last_crawl,
        graph_sha256=hashlib.sha256(lines.encode()).hexdigest(),
        triples=lines.count("\n"),
        people_sha256=hashlib.sha256(people.encode("utf-8", "replace")).hexdigest(),
    )


def _updates(
    store: Store,
    built: list[_Built],
    states: dict[str, BodyState],
    new_states: dict[str, BodyState],
) -> list[GraphUpdate]:
    """The graphs to write; sets each body's status (added, replaced, unchanged)."""
    updates = []
    for item in built:
        new = new_states[item.crawl.body_id]
        stored = _stored_triples(store, str(item.graph.graph))
        old = states.get(item.crawl.body_id, BodyState())
        if old.graph_sha256 == new.graph_sha256 and stored == new.triples:
            item.report.status = "unchanged"
            continue
        item.report.status = "replaced" if stored else "added"
        updates.append(GraphUpdate(graph=item.graph.graph, ntriples=item.lines))
    return updates


def _stored_triples(store: Store, graph: str) -> int:
    rows = store.select(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", union=False
    )
    return int(str(rows[0]["n"])) if rows else 0


# ---------------------------------------------------------------- protocol files


def _ingest_protocols(
    built: list[_Built],
    settings: Settings,
    cache: OParlCache,
    options: FetchOptions,
    warnings: WarningLog,
    report: OParlReport,
    progress: Progress | None,
    source: str,
) -> None:
    jobs = [
        (cache.body_dir(b.crawl.body_id) / "files", p) for b in built for p in b.graph.protocols
    ]
    if not jobs:
        return
    with ExitStack() as stack:
        client = stack.enter_context(OParlClient(options, warnings)) if is_url(source) else None
        pool = stack.enter_context(ThreadPoolExecutor(options.concurrency))
        fetch = _Materialiser(client, warnings)
        paths = [p for p in pool.map(lambda job: fetch(*job), jobs) if p is not None]
    if not paths:
        return

    def tick(done: int, total: int, _path: str) -> None:
        if progress is not None:
            progress("protocols", done, total)

    result = ingest(paths, settings, progress=tick)
    report.protocols_added = result.added
    report.protocols_replaced = result.replaced
    report.protocols_unchanged = result.unchanged
    report.protocols_failed = result.failed


class _Materialiser:
    """Writes a protocol file (its OParl text, or its download) with a metadata sidecar."""

    def __init__(self, client: OParlClient | None, warnings: WarningLog) -> None:
        self.client = client
        self.warnings = warnings

    def __call__(self, folder: Path, protocol: ProtocolFile) -> Path | None:
        try:
            return self._materialise(folder, protocol)
        except OSError as error:
            self.warnings.warn("http-error", f"{protocol.file.id}: cannot save ({error}); skipped")
            return None

    def _materialise(self, folder: Path, protocol: ProtocolFile) -> Path | None:
        file, stem = protocol.file, short_hash(protocol.source_key, 16)
        path: Path | None = folder / f"{stem}.txt"
        if file.text and path is not None:
            _write_if_changed(path, file.text.encode("utf-8"))
        else:
            path = self._download(folder, stem, protocol)
        if path is None:
            return None
        meta = {
            "municipality": protocol.municipality, "body": protocol.body,
            "url": protocol.source_key, "date": protocol.date, "oparl_file": file.id,
            "oparl_meeting": protocol.meeting, "modified": file.modified,
        }  # fmt: skip
        _write_if_changed(path.with_name(path.name + ".meta.json"), _json(meta))
        return path

    def _download(self, folder: Path, stem: str, protocol: ProtocolFile) -> Path | None:
        file = protocol.file
        cached = self._cached(folder, stem, protocol)
        if cached is not None:
            return cached
        url = file.access_url or file.download_url
        if self.client is None or url is None:
            self.warnings.warn("bad-value", f"{file.id}: protocol has no text; not downloaded")
            return None
        download: Download = self.client.download(url)
        if download.error is not None:
            self.warnings.warn("http-error", f"{download.error}; protocol {file.id} skipped")
            return None
        suffix = _suffix(download.content_type or file.mime_type or "", url, file.file_name)
        if suffix is None:
            kind = download.content_type or file.mime_type
            self.warnings.warn("content-type", f"{url}: protocol of type {kind!r} not readable")
            return None
        path = folder / f"{stem}{suffix}"
        _write_if_changed(path, download.content)
        return path

    def _cached(self, folder: Path, stem: str, protocol: ProtocolFile) -> Path | None:
        """A download of this file from an earlier run whose `modified` is unchanged."""
        for suffix in _READABLE_SUFFIXES:
            path = folder / f"{stem}{suffix}"
            meta = path.with_name(path.name + ".meta.json")
            if path.is_file() and meta.is_file():
                try:
                    modified = json.loads(meta.read_text(encoding="utf-8")).get("modified")
                except (OSError, ValueError):
                    return None
                if modified and modified == protocol.file.modified:
                    return path
        return None


def _suffix(content_type: str, url: str, file_name: str | None) -> str | None:
    if content_type.lower() in _SUFFIX_BY_TYPE:
        return _SUFFIX_BY_TYPE[content_type.lower()]
    for name in (file_name or "", url.split("?")[0]):
        if name.lower().endswith(_READABLE_SUFFIXES):
            return "." + name.lower().rsplit(".", 1)[1]
    return None


def _json(data: dict[str, str | None]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def _write_if_changed(path: Path, content: bytes) -> None:
    if path.is_file() and path.read_bytes() == content:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(content)
    temporary.replace(path)
