"""Read OParl data: crawl a server (System -> Body -> lists) or read saved JSON files.

A crawl fetches the lists of each body (organization, person, membership, meeting,
agendaItem, paper, consultation, file) in parallel, following `links.next`, and then the
objects that listed objects refer to but no list contained. When an earlier crawl of the body
is cached, only objects modified since then are asked for (`modified_since`) and the rest
comes from `<store>/oparl-cache`. Nothing here raises for broken data: it becomes a warning
in the `WarningLog`. Only a root URL or path that yields no OParl body raises `OParlError`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kg.errors import OParlError
from kg.oparl_cache import OParlCache
from kg.oparl_http import Fetched, FetchOptions, OParlClient, parse_json
from kg.oparl_models import WarningLog
from kg.oparl_raw import BODY_LISTS, RawPool, preferred, type_name

log = logging.getLogger(__name__)

Raw = dict[str, Any]
#: (task, done, total or None) -- called from worker threads.
Progress = Callable[[str, int, int | None], None]
# Servers stamp `modified` when they index a change, which may lag the change itself.
SINCE_MARGIN = dt.timedelta(minutes=10)
MAX_REFERENCE_ROUNDS = 3
MAX_PAGES = 100_000
_LIST_FOR_TYPE = {kind: name for name, kind in BODY_LISTS.items()}


@dataclass(slots=True)
class BodyCrawl:
    """The raw objects of one body: list objects by list field, objects fetched one by one,
    and referenced ids the server does not have (`unavailable`, with the reason).

    `changed` names the lists (and "extra") that differ from the cache, so only they are
    written back.
    """

    body: Raw
    lists: dict[str, dict[str, Raw]] = field(default_factory=dict)
    extra: dict[str, Raw] = field(default_factory=dict)
    unavailable: dict[str, str] = field(default_factory=dict)
    since: str | None = None
    complete: bool = True
    started: str | None = None
    fetched: int = 0
    changed: set[str] = field(default_factory=set)

    @property
    def body_id(self) -> str:
        """The OParl id of the body."""
        return str(self.body["id"])

    def objects(self) -> Iterator[tuple[Raw, str | None]]:
        """Every raw object with the type its list promises, in a fixed order."""
        for name in sorted(self.lists):
            expected = BODY_LISTS.get(name)
            for key in sorted(self.lists[name]):
                yield self.lists[name][key], expected
        for key in sorted(self.extra):
            yield self.extra[key], None

    def size(self) -> int:
        """Number of raw top-level objects."""
        return sum(len(objects) for objects in self.lists.values()) + len(self.extra)


def is_url(source: str) -> bool:
    """True for http(s) URLs.

    >>> is_url("https://oparl.example.org/"), is_url("saved/oparl")
    (True, False)
    """
    return source.startswith(("http://", "https://"))


def utc_iso(moment: dt.datetime) -> str:
    """An aware date-time as ISO 8601 in UTC, to the second (naive ones count as UTC).

    >>> utc_iso(dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))))
    '2024-05-01T10:00:00+00:00'
    """
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(dt.UTC).isoformat(timespec="seconds")


def crawl(
    url: str,
    cache: OParlCache,
    warnings: WarningLog,
    *,
    since: dt.datetime | None = None,
    full: bool = False,
    options: FetchOptions | None = None,
    progress: Progress | None = None,
) -> tuple[list[BodyCrawl], int]:
    """Crawl a System or Body URL; returns the bodies and the number of HTTP requests.

    Raises:
        OParlError: when the URL yields no OParl System or Body.
    """
    options = options or FetchOptions()
    with (
        OParlClient(options, warnings) as client,
        ThreadPoolExecutor(max(1, options.concurrency), thread_name_prefix="oparl") as pool,
    ):
        crawler = _Crawler(client, pool, cache, warnings, progress)
        bodies = [crawler.body(raw, since=since, full=full) for raw in crawler.bodies(url)]
        return bodies, client.requests


class _Crawler:
    def __init__(
        self,
        client: OParlClient,
        pool: ThreadPoolExecutor,
        cache: OParlCache,
        warnings: WarningLog,
        progress: Progress | None,
    ) -> None:
        self.client = client
        self.pool = pool
        self.cache = cache
        self.warnings = warnings
        self.progress = progress or (lambda task, done, total: None)

    def bodies(self, url: str) -> list[Raw]:
        """The bodies behind a System, Body or body-list URL."""
        root = self.client.get_json(url)
        if not root.ok or not isinstance(root.data, dict):
            reason = root.error or "not a JSON object"
            raise OParlError(f"cannot read OParl root {url}: {reason}")
        kind = type_name(root.data)
        if kind == "Body" and isinstance(root.data.get("id"), str):
            return [root.data]
        if kind == "System" and isinstance(root.data.get("body"), str):
            found, _ = self.fetch_list("bodies", str(root.data["body"]), None)
        elif isinstance(root.data.get("data"), list):
            found, _ = self._page_objects("bodies", root, {}, 0)
        else:
            raise OParlError(f"{url}: not an OParl System or Body (type {root.data.get('type')!r})")
        bodies = [raw for _, raw in sorted(found.items()) if type_name(raw) in ("Body", None)]
        if not bodies:
            raise OParlError(f"{url}: the OParl system lists no readable body")
        return bodies

    def body(self, body: Raw, *, since: dt.datetime | None, full: bool) -> BodyCrawl:
        """Crawl one body: lists in parallel, then referenced objects."""
        ident = str(body["id"])
        cached = self.cache.load_lists(ident)
        modified_since = self._since(ident, since, full, bool(cached))
        crawl = BodyCrawl(body=body, since=modified_since, started=utc_iso(dt.datetime.now(dt.UTC)))
        params = {"modified_since": modified_since} if modified_since else None
        label = str(body.get("shortName") or body.get("name") or ident)
        lists = {
            name: url
            for name in BODY_LISTS
            if isinstance(url := body.get(name), str) and is_url(url)
        }
        futures = {
            self.pool.submit(self.fetch_list, f"{label}: {name}", url, params): name
            for name, url in sorted(lists.items())
        }
        for future in as_completed(futures):
            name = futures[future]
            objects, complete = future.result()
            crawl.fetched += len(objects)
            crawl.complete &= complete
            if modified_since is None and complete:
                crawl.lists[name] = objects
            else:
                crawl.lists[name] = {**cached.get(name, {}), **objects}
            if crawl.lists[name] != cached.get(name):
                crawl.changed.add(name)
        if modified_since is not None:
            crawl.extra = self.cache.load_extra(ident)
            crawl.unavailable = self.cache.load_unavailable(ident)
        else:  # a full crawl fetches referenced objects afresh
            crawl.changed.add("extra")
        self.resolve_references(crawl, label)
        return crawl

    def _since(self, ident: str, since: dt.datetime | None, full: bool, cached: bool) -> str | None:
        if since is not None:
            return utc_iso(since)
        last = self.cache.state(ident).last_crawl
        if full or not cached or not last:
            return None
        try:
            return utc_iso(dt.datetime.fromisoformat(last) - SINCE_MARGIN)
        except ValueError:
            return None

    def fetch_list(
        self, task: str, url: str, params: dict[str, str] | None
    ) -> tuple[dict[str, Raw], bool]:
        """All objects of a paged list (`links.next`); False when a page failed."""
        objects: dict[str, Raw] = {}
        seen_pages: set[str] = set()
        page_url: str | None = url
        while page_url is not None:
            if page_url in seen_pages or len(seen_pages) >= MAX_PAGES:
                self.warnings.warn("bad-value", f"{task}: paging loops at {page_url}; stopped")
                break
            seen_pages.add(page_url)
            page = self.client.get_json(page_url, params if len(seen_pages) == 1 else None)
            if not page.ok:
                self.warnings.warn(
                    page.kind or "http-error", f"{task}: {page.error}; list incomplete"
                )
                return objects, False
            found, page_url = self._page_objects(task, page, objects, len(seen_pages))
            objects.update(found)
        return objects, True

    def _page_objects(
        self, task: str, page: Fetched, objects: dict[str, Raw], number: int
    ) -> tuple[dict[str, Raw], str | None]:
        data = page.data
        items = data.get("data") if isinstance(data, dict) else data
        if items is None:
            self.warnings.warn("null-list", f"{task}: page {page.url} has data null, read as []")
            items = []
        if not isinstance(items, list):
            self.warnings.warn("bad-value", f"{task}: page {page.url} has no data list")
            items = []
        found: dict[str, Raw] = {}
        for raw in items:
            ident = raw.get("id") if isinstance(raw, dict) else None
            if not isinstance(ident, str) or not ident:
                self.warnings.warn("bad-value", f"{task}: object without id on {page.url}")
                continue
            old = found.get(ident) or objects.get(ident)
            if old is not None:
                self.warnings.warn("duplicate", f"{task}: {ident} listed twice (page {number})")
            found[ident] = raw if old is None else preferred(old, raw)
        pagination = data.get("pagination") if isinstance(data, dict) else None
        total = pagination.get("totalElements") if isinstance(pagination, dict) else None
        self.progress(task, len(objects) + len(found), total if isinstance(total, int) else None)
        links = data.get("links") if isinstance(data, dict) else None
        following = links.get("next") if isinstance(links, dict) else None
        return found, following if isinstance(following, str) and is_url(following) else None

    def resolve_references(self, crawl: BodyCrawl, label: str) -> None:
        """Fetch referenced objects no list contained (up to three levels deep)."""
        attempted: set[str] = set()
        for _ in range(MAX_REFERENCE_ROUNDS):
            pool = RawPool(WarningLog())  # warnings come from the cleaning pass later
            for raw, expected in crawl.objects():
                pool.add(raw, expected)
            wanted = {
                ident: kind
                for ident, kind in pool.missing_references().items()
                if is_url(ident) and ident not in crawl.unavailable and ident not in attempted
            }
            if not wanted:
                return
            attempted.update(wanted)
            self._fetch_objects(crawl, wanted, f"{label}: referenced objects")

    def _fetch_objects(self, crawl: BodyCrawl, wanted: dict[str, str], task: str) -> None:
        futures = {self.pool.submit(self.fetch_object, ident): ident for ident in sorted(wanted)}
        for done, future in enumerate(as_completed(futures), start=1):
            ident = futures[future]
            raw, failure = future.result()
            if raw is not None:
                crawl.extra[ident] = raw
                crawl.fetched += 1
                crawl.changed.add("extra")
            elif failure.kind in ("missing-object", "http-error"):
                crawl.unavailable[ident] = failure.error or "unavailable"
                crawl.changed.add("extra")
            else:
                self.warnings.warn(failure.kind or "http-error", f"{failure.error}; skipped")
            self.progress(task, done, len(futures))

    def fetch_object(self, ident: str) -> tuple[Raw | None, Fetched]:
        """One object by its URL; a different id in the answer is overridden with a warning."""
        fetched = self.client.get_json(ident)
        if not fetched.ok:
            return None, fetched
        data = fetched.data
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            return None, Fetched(ident, error=f"{ident}: not an OParl object", kind="http-error")
        if data["id"] != ident:
            self.warnings.warn(
                "bad-value", f"{ident}: answered with id {data['id']!r}; kept as {ident}"
            )
            data = {**data, "id": ident}
        return data, fetched


# ---------------------------------------------------------------- saved JSON files


def read_saved(path: Path, warnings: WarningLog) -> list[BodyCrawl]:
    """Read saved OParl JSON (a file or a folder of `*.json`): objects, list pages or arrays.

    Objects are assigned to the body they name (`body`), else to the body whose id or host
    their id shares; a folder without any Body gets a placeholder body (with a warning).

    Raises:
        OParlError: when the path does not exist or holds no readable OParl object.
    """
    if not path.exists():
        raise OParlError(f"{path}: no such file or directory")
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*.json") if p.is_file())
    files = [f for f in files if not f.name.endswith((".meta.json", ".tmp"))]
    objects: dict[str, Raw] = {}
    for file in files:
        for raw in _file_objects(file, warnings):
            ident = str(raw["id"])
            if ident in objects:
                warnings.warn("duplicate", f"{file}: {ident} also in another file")
                raw = preferred(objects[ident], raw)
            objects[ident] = raw
    if not objects:
        raise OParlError(f"{path}: no OParl objects in {len(files)} JSON file(s)")
    return _assign_to_bodies(objects, path, warnings)


def _file_objects(file: Path, warnings: WarningLog) -> list[Raw]:
    try:
        raw_bytes = file.read_bytes()
    except OSError as error:
        warnings.warn("http-error", f"{file}: cannot read ({error.strerror or error})")
        return []
    parsed = parse_json(str(file), raw_bytes, warnings)
    if not parsed.ok:
        warnings.warn(parsed.kind or "malformed-json", parsed.error or str(file))
        return []
    data = parsed.data
    items = data.get("data", data) if isinstance(data, dict) and "id" not in data else data
    items = items if isinstance(items, list) else [items]
    found = [o for o in items if isinstance(o, dict) and isinstance(o.get("id"), str) and o["id"]]
    if len(found) < len(items):
        warnings.warn(
            "bad-value", f"{file}: {len(items) - len(found)} item(s) without an id skipped"
        )
    return [o for o in found if type_name(o) != "System"]


def _assign_to_bodies(objects: dict[str, Raw], path: Path, warnings: WarningLog) -> list[BodyCrawl]:
    bodies = {i: o for i, o in objects.items() if type_name(o) == "Body"}
    if not bodies:
        named = Counter(o["body"] for o in objects.values() if isinstance(o.get("body"), str))
        ident = named.most_common(1)[0][0] if named else path.resolve().as_uri()
        warnings.warn("no-body", f"{path}: no Body object; placeholder body {ident}")
        bodies = {ident: {"id": ident, "type": "https://schema.oparl.org/1.1/Body", "name": ""}}
    crawls = {i: BodyCrawl(body=b) for i, b in sorted(bodies.items())}
    for ident, raw in sorted(objects.items()):
        kind = type_name(raw)
        if kind == "Body":
            continue
        owner = _owner(raw, bodies)
        if owner is None:
            warnings.warn("no-body", f"{ident}: belongs to none of the bodies; skipped")
            continue
        name = _LIST_FOR_TYPE.get(kind or "", "other")
        crawls[owner].lists.setdefault(name, {})[ident] = raw
    return list(crawls.values())


def _owner(raw: Raw, bodies: dict[str, Raw]) -> str | None:
    if len(bodies) == 1:
        return next(iter(bodies))
    named = raw.get("body")
    if isinstance(named, str) and named in bodies:
        return named
    ident = str(raw["id"])
    for body in sorted(bodies, key=len, reverse=True):
        if ident.startswith(body.rstrip("/") + "/"):
            return body
    same_host = [b for b in bodies if urlsplit(b).netloc == urlsplit(ident).netloc]
    return same_host[0] if len(same_host) == 1 else None
