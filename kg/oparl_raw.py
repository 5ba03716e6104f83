"""Raw OParl JSON objects by type and id: type names, embedded objects, references.

`RawPool` lifts embedded objects (a person's memberships, a meeting's agenda items and files,
a paper's consultations) into pools of their own and picks one version when an id occurs
twice, independent of the order the versions arrive in, so a crawl and a cache re-read give
the same objects.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from kg.oparl_models import WarningLog

Raw = dict[str, Any]

TYPES = (
    "System", "Body", "LegislativeTerm", "Organization", "Person", "Membership", "Meeting",
    "AgendaItem", "Consultation", "Paper", "File", "Location",
)  # fmt: skip
_TYPE_BY_LOWER = {t.lower(): t for t in TYPES}
# Body list fields (1.0 and 1.1) and the type of the objects they list.
BODY_LISTS = {
    "organization": "Organization", "person": "Person", "meeting": "Meeting", "paper": "Paper",
    "membership": "Membership", "agendaItem": "AgendaItem", "consultation": "Consultation",
    "file": "File",
}  # fmt: skip
# Fields that may embed objects: field -> (type of the object, field linking it to its parent).
EMBEDDED: dict[str, dict[str, tuple[str, str | None]]] = {
    "Person": {"membership": ("Membership", "person")},
    "Organization": {"membership": ("Membership", "organization")},
    "Membership": {"organization": ("Organization", None), "onBehalfOf": ("Organization", None)},
    "Meeting": {
        "agendaItem": ("AgendaItem", "meeting"), "invitation": ("File", None),
        "resultsProtocol": ("File", None), "verbatimProtocol": ("File", None),
        "auxiliaryFile": ("File", None),
    },
    "AgendaItem": {
        "consultation": ("Consultation", "agendaItem"), "resolutionFile": ("File", None),
        "auxiliaryFile": ("File", None),
    },
    "Paper": {
        "consultation": ("Consultation", "paper"), "mainFile": ("File", None),
        "auxiliaryFile": ("File", None),
    },
    "Consultation": {"organization": ("Organization", None)},
}  # fmt: skip
# References the mapping follows: type -> field -> type of the referenced object.
REFERENCES: dict[str, dict[str, str]] = {
    "Person": {"membership": "Membership"},
    "Organization": {"membership": "Membership", "subOrganizationOf": "Organization"},
    "Membership": {
        "person": "Person", "organization": "Organization", "onBehalfOf": "Organization",
    },
    "Meeting": {
        "organization": "Organization", "participant": "Person", "agendaItem": "AgendaItem",
        "resultsProtocol": "File", "verbatimProtocol": "File",
    },
    "AgendaItem": {"meeting": "Meeting", "consultation": "Consultation"},
    "Consultation": {
        "paper": "Paper", "agendaItem": "AgendaItem", "meeting": "Meeting",
        "organization": "Organization",
    },
    "Paper": {
        "originatorPerson": "Person", "originatorOrganization": "Organization",
        "underDirectionOf": "Organization", "consultation": "Consultation",
    },
}  # fmt: skip


def type_name(raw: Raw) -> str | None:
    """The OParl type of an object, from 1.0/1.1/draft type IRIs alike.

    >>> type_name({"type": "https://schema.oparl.org/1.0/Body"})
    'Body'
    >>> type_name({"type": "http://oparl.org/schema/1.0/agendaitem"})
    'AgendaItem'
    """
    value = raw.get("type")
    if not isinstance(value, str) or not value.strip():
        return None
    return _TYPE_BY_LOWER.get(value.rstrip("/").rsplit("/", 1)[-1].lower())


@dataclass(slots=True)
class RawPool:
    """Raw objects by type and id, embedded ones lifted out; ids seen as `deleted` are dropped."""

    log: WarningLog
    objects: dict[str, dict[str, Raw]] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)

    def add(self, raw: object, expected: str | None, where: str = "") -> str | None:
        """Add an object (and everything it embeds); returns its id, None if unusable."""
        if not isinstance(raw, dict):
            self.log.warn("bad-value", f"{where or expected}: expected an object, got {raw!r:.80}")
            return None
        ident = raw.get("id")
        if not isinstance(ident, str) or not ident.strip():
            self.log.warn("bad-value", f"{where or expected}: object without id skipped")
            return None
        kind = type_name(raw) or expected
        if kind is None:
            self.log.warn("bad-value", f"{ident}: object without a known type skipped")
            return None
        if raw.get("deleted") is True:
            self.deleted.add(ident)
            return ident
        for name, (child_type, link) in EMBEDDED.get(kind, {}).items():
            for child in _as_items(raw.get(name)):
                if isinstance(child, dict):
                    linked = child if link is None or child.get(link) else {**child, link: ident}
                    self.add(linked, child_type, f"{ident} {name}")
        bucket = self.objects.setdefault(kind, {})
        old = bucket.get(ident)
        bucket[ident] = raw if old is None else preferred(old, raw)
        return ident

    def get(self, kind: str) -> list[Raw]:
        """Objects of one type that are not deleted, sorted by id."""
        bucket = self.objects.get(kind, {})
        return [bucket[i] for i in sorted(bucket) if i not in self.deleted]

    def known(self, ident: str) -> bool:
        """True when an object with this id is in the pool (of any type) or was deleted."""
        return ident in self.deleted or any(ident in b for b in self.objects.values())

    def missing_references(self) -> dict[str, str]:
        """`{id: type}` of objects referenced by a followed field but not in the pool."""
        missing: dict[str, str] = {}
        for kind, fields in REFERENCES.items():
            for raw in self.objects.get(kind, {}).values():
                for name, target in fields.items():
                    for value in _as_items(raw.get(name)):
                        if isinstance(value, str) and value.strip() and not self.known(value):
                            missing.setdefault(value, target)
        return missing


def _as_items(value: object) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def preferred(old: Raw, new: Raw) -> Raw:
    """Of two versions of one object, the later `modified` one, else the richer; order-free."""
    if old is new or old == new:
        return old
    first, second = _rank(old), _rank(new)
    if first != second:
        return old if first > second else new
    return max(old, new, key=lambda raw: json.dumps(raw, sort_keys=True, ensure_ascii=False))


def _rank(raw: Raw) -> tuple[float, int]:
    return (_timestamp(raw.get("modified")), len(raw))


def _timestamp(value: object) -> float:
    if not isinstance(value, str):
        return 0.0
    try:
        moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return 0.0
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).timestamp()
