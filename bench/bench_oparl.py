"""Benchmark of `kg import-oparl` against a local OParl 1.1 server.

A seeded synthetic body (a council, 12 committees, 6 factions) with N persons (each with one
embedded faction membership), N memberships and N meetings (two embedded agenda items each)
is served on 127.0.0.1 by `http.server` in pages of 100, honouring `modified_since`. Rows:

- objects/s of the first import (N persons + N memberships + N meetings, fetched, cleaned,
  mapped and written as one named graph);
- seconds of a re-run without changes (ratio to the first import: the cache and
  `modified_since` make it cheap; nothing is written);
- seconds of a re-run after 1% of the meetings changed (ratio to the first import; not in
  `quick` mode): the body graph is patched, so the write costs reading the stored graph and
  writing the changed triples, not replacing some 50 triples per object.

N is 10,000 (`quick`: 1,000; `--size N` for another size, with the changed re-run).
CLI: `python -m bench.bench_oparl [--quick] [--size N]`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from bench.rows import row as _row
from kg.oparl_http import FetchOptions
from kg.pipeline_oparl import import_oparl
from kg.settings import Settings

T = "https://schema.oparl.org/1.1/"
PAGE = 100
OLD = "2020-01-01T00:00:00+01:00"
SURNAMES = [
    "Albers",
    "Becker",
    "Brandt",
    "Dreyer",
    "Ebert",
    "Falk",
    "Fuchs",
    "Hahn",
    "Jansen",
    "Keller",
    "Kuhn",
    "Meier",
]
GIVEN = [
    "Anna",
    "Bernd",
    "Claudia",
    "Dirk",
    "Elke",
    "Frank",
    "Heike",
    "Jens",
    "Karin",
    "Lars",
    "Monika",
    "Petra",
    "Uwe",
]
FACTIONS = ("SPD", "CDU", "GRÜNE", "FDP", "AfD", "DIE LINKE")
Raw = dict[str, Any]


def build_body(base: str, size: int, seed: int = 0) -> dict[str, list[Raw]]:
    """Lists of a synthetic body: `{list name: objects}` (persons embed their memberships)."""
    rng = random.Random(seed)
    body = f"{base}/body/1"
    orgs = [_org(body, "rat", "Rat der Stadt Benchstadt", "Gremium", "Rat")]
    orgs += [_org(body, f"a{i}", f"Ausschuss {i}", "Gremium", "Ausschuss") for i in range(12)]
    orgs += [_org(body, f"f{i}", f"{name}-Fraktion", "Fraktion", "Fraktion")
             for i, name in enumerate(FACTIONS)]  # fmt: skip
    persons, memberships = [], []
    for i in range(size):
        member = {
            "id": f"{body}/membership/{i}", "type": T + "Membership",
            "organization": f"{body}/organization/f{i % len(FACTIONS)}",
            "role": "Mitglied", "votingRight": True, "modified": OLD,
            "startDate": f"20{14 + i % 10:02d}-11-01",
        }  # fmt: skip
        memberships.append(member)
        persons.append({
            "id": f"{body}/person/{i}", "type": T + "Person",
            "familyName": f"{rng.choice(SURNAMES)}{i}", "givenName": rng.choice(GIVEN),
            "formOfAddress": rng.choice(("Herr", "Frau")), "membership": [member],
            "modified": OLD,
        })  # fmt: skip
    meetings = [_meeting(body, i, rng) for i in range(size)]
    return {"organization": orgs, "person": persons, "membership": memberships,
            "meeting": meetings}  # fmt: skip


def _org(body: str, key: str, name: str, kind: str, classification: str) -> Raw:
    return {
        "id": f"{body}/organization/{key}", "type": T + "Organization", "name": name,
        "organizationType": kind, "classification": classification, "modified": OLD,
    }  # fmt: skip


def _meeting(body: str, i: int, rng: random.Random) -> Raw:
    day = dt.date(2015, 1, 1) + dt.timedelta(days=i)
    org = "rat" if i % 5 == 0 else f"a{rng.randrange(12)}"
    return {
        "id": f"{body}/meeting/{i}", "type": T + "Meeting", "name": f"{i}. Sitzung",
        "start": f"{day.isoformat()}T17:00:00+01:00",
        "organization": [f"{body}/organization/{org}"], "modified": OLD,
        "agendaItem": [
            {"id": f"{body}/agendaitem/{i}-{n}", "type": T + "AgendaItem", "number": str(n),
             "name": f"Tagesordnungspunkt {n}", "public": True, "result": "beschlossen",
             "meeting": f"{body}/meeting/{i}"}
            for n in (1, 2)
        ],
    }  # fmt: skip


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    routes: dict[str, bytes]
    lists: dict[str, list[Raw]]
    base: str

    def handle_error(self, request: object, client_address: object) -> None:
        pass


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        params = parse_qs(parts.query)
        body = self.server.routes.get(parts.path)
        if parts.path in self.server.lists and (body is None or params):
            body = self._page(parts.path, params)
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _page(self, path: str, params: dict[str, list[str]]) -> bytes:
        objects = self.server.lists[path]
        if since := params.get("modified_since", [None])[0]:
            limit = dt.datetime.fromisoformat(since)
            objects = [o for o in objects if dt.datetime.fromisoformat(o["modified"]) > limit]
        number = int(params.get("page", ["1"])[0])
        chunk = objects[(number - 1) * PAGE : number * PAGE]
        links = {}
        if number * PAGE < len(objects):
            query = f"page={number + 1}" + (f"&modified_since={since}" if since else "")
            links["next"] = f"{self.server.base}{path}?{query.replace('+', '%2B')}"
        page = {"data": chunk, "links": links, "pagination": {"totalElements": len(objects)}}
        return json.dumps(page).encode()

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serve(size: int) -> Iterator[tuple[str, dict[str, list[Raw]]]]:
    """A running local OParl server with a body of `size`; yields (body URL, its lists)."""
    http = _Server(("127.0.0.1", 0), _Handler)
    http.base = f"http://127.0.0.1:{http.server_address[1]}"
    lists = build_body(http.base, size)
    body = {"id": f"{http.base}/body/1", "type": T + "Body", "name": "Stadt Benchstadt",
            "modified": OLD, **{name: f"{http.base}/body/1/{name}" for name in lists}}  # fmt: skip
    http.routes = {"/body/1": json.dumps(body).encode()}
    http.lists = {f"/body/1/{name}": objects for name, objects in lists.items()}
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        yield body["id"], lists
    finally:
        http.shutdown()
        http.server_close()


def run(quick: bool, size: int | None = None) -> list[dict[str, Any]]:
    """Import, re-run unchanged, re-run after 1% changed.

    Returns:
        Rows `{name, value, unit, baseline, ratio}`.
    """
    size = size or (1_000 if quick else 10_000)
    options = FetchOptions(timeout=30.0, retries=2, backoff=0.2, concurrency=8)
    with tempfile.TemporaryDirectory(prefix="kg-bench-oparl-") as tmp, serve(size) as (url, lists):
        settings = Settings(store_dir=Path(tmp))
        first, report = _timed(lambda: import_oparl(url, settings, options=options))
        objects = sum(report.counts[k] for k in ("person", "membership", "meeting"))
        again, _ = _timed(lambda: import_oparl(url, settings, options=options))
        rows = [
            _row(f"oparl first import, {size:,} persons + memberships + meetings",
                 objects / first, "objects/s", None),
            _row("oparl first import, wall time", first, "s", None),
            _row("oparl re-run, no changes (vs first import)", again, "s", first),
        ]  # fmt: skip
        if not quick or size != 1_000:
            now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            for meeting in lists["meeting"][::100]:
                meeting.update(name=meeting["name"] + " (geändert)", modified=now)
            changed, _ = _timed(lambda: import_oparl(url, settings, options=options))
            rows.append(_row("oparl re-run, 1% of meetings changed (vs first import)",
                             changed, "s", first))  # fmt: skip
    return rows


def _timed(work: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 instead of 10,000")
    parser.add_argument("--size", type=int, help="persons, memberships and meetings each")
    arguments = parser.parse_args()
    for row in run(arguments.quick, arguments.size):
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
