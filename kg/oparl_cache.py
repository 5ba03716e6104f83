"""The raw JSON cache of OParl imports in `<store>/oparl-cache/`, and the per-body state.

Layout (plain JSON, readable by people and importable again with `kg import-oparl DIR`):

```
oparl-cache/state.json                    {"bodies": {body id: BodyState}}
oparl-cache/<body>/body.json              the body object
oparl-cache/<body>/lists/<list>.json      {"data": [objects of that body list, by id]}
oparl-cache/<body>/extra.json             {"data": [objects fetched one by one]}
oparl-cache/<body>/unavailable.json       {id: reason} for referenced ids the server lacks
oparl-cache/<body>/files/                 protocol files handed to `kg ingest`
```

Files are replaced atomically (write, then rename), so a crash leaves the previous version.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from kg.errors import OParlError
from kg.ids import slug

CACHE_DIR = "oparl-cache"
Raw = dict[str, Any]


@dataclass(frozen=True, slots=True)
class BodyState:
    """What the last import of a body left behind.

    Attributes:
        last_crawl: start time (ISO, UTC) of the last complete crawl; the next crawl asks the
            server only for objects modified since then.
        graph_sha256: digest of the sorted N-Triples of the body graph as last written.
        triples: number of triples in that graph.
        people_sha256: digest of the people (names, faction memberships) the graph states;
            when it changes, the municipality's protocols are resolved again.
    """

    last_crawl: str | None = None
    graph_sha256: str | None = None
    triples: int = 0
    people_sha256: str | None = None


class OParlCache:
    """Raw OParl objects per body, and the `BodyState`s, below `<store>/oparl-cache`."""

    def __init__(self, store_dir: Path) -> None:
        self.root = store_dir / CACHE_DIR

    def body_dir(self, body_id: str) -> Path:
        """The folder of one body."""
        return self.root / slug(body_id)

    # ------------------------------------------------------------ state

    def states(self) -> dict[str, BodyState]:
        """All body states (empty when nothing was imported yet)."""
        data = _read_json(self.root / "state.json", {})
        bodies = data.get("bodies", {}) if isinstance(data, dict) else {}
        fields = set(BodyState.__slots__)
        return {
            key: BodyState(**{k: v for k, v in value.items() if k in fields})
            for key, value in bodies.items()
            if isinstance(value, dict)
        }

    def state(self, body_id: str) -> BodyState:
        """The state of one body (empty when unknown)."""
        return self.states().get(body_id, BodyState())

    def save_state(self, body_id: str, state: BodyState) -> None:
        """Record the state of one body.

        Raises:
            OParlError: when the cache folder cannot be written.
        """
        states = self.states()
        states[body_id] = state
        payload = {"bodies": {k: asdict(v) for k, v in sorted(states.items())}}
        _write_json(self.root / "state.json", payload)

    # ------------------------------------------------------------ objects

    def load_lists(self, body_id: str) -> dict[str, dict[str, Raw]]:
        """Cached list objects of a body: `{list field: {id: object}}`."""
        folder = self.body_dir(body_id) / "lists"
        if not folder.is_dir():
            return {}
        return {path.stem: _by_id(_read_json(path, {})) for path in sorted(folder.glob("*.json"))}

    def load_extra(self, body_id: str) -> dict[str, Raw]:
        """Objects of a body fetched one by one (referenced, not listed)."""
        return _by_id(_read_json(self.body_dir(body_id) / "extra.json", {}))

    def load_unavailable(self, body_id: str) -> dict[str, str]:
        """Referenced ids the server did not have at the last crawl, with the reason."""
        data = _read_json(self.body_dir(body_id) / "unavailable.json", {})
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def save_body(
        self,
        body: Raw,
        lists: dict[str, dict[str, Raw]],
        extra: dict[str, Raw],
        unavailable: dict[str, str],
        changed: set[str] | None = None,
    ) -> None:
        """Replace the cached objects of one body (only the lists in `changed`, if given).

        Raises:
            OParlError: when the cache folder cannot be written.
        """
        folder = self.body_dir(str(body["id"]))
        _write_json(folder / "body.json", body)
        for name, objects in lists.items():
            if changed is not None and name not in changed:
                continue
            if name.isascii() and name.isalpha():  # OParl list field names: "agendaItem"
                _write_json(folder / "lists" / f"{name}.json", _page(objects))
        if changed is None or "extra" in changed:
            _write_json(folder / "extra.json", _page(extra))
            _write_json(folder / "unavailable.json", dict(sorted(unavailable.items())))


def _page(objects: dict[str, Raw]) -> Raw:
    return {"data": [objects[key] for key in sorted(objects)]}


def _by_id(page: object) -> dict[str, Raw]:
    items = page.get("data") if isinstance(page, dict) else None
    if not isinstance(items, list):
        return {}
    return {str(o["id"]): o for o in items if isinstance(o, dict) and isinstance(o.get("id"), str)}


def _read_json(path: Path, default: Any) -> Any:
    try:
        return json.loads(path.read_bytes().decode("utf-8", "surrogatepass"))
    except (OSError, ValueError):
        return default


def _write_json(path: Path, data: Any) -> None:
    temporary = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(data, ensure_ascii=False, sort_keys=True)
        temporary.write_bytes(text.encode("utf-8", "surrogatepass"))
        os.replace(temporary, path)
    except OSError as error:
        raise OParlError(f"cannot write OParl cache {path}: {error.strerror or error}") from error
