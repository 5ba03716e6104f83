"""Curation decisions that survive re-ingest: `curation.yaml` in the store directory.

People fix resolution without editing RDF: `kg entities merge|split|rename` write a decision
here, and every later ingest applies all of them again (merges rewrite keys during
resolution, splits give mentions a key of their own, renames set the canonical label).
The file is meant to be read and edited by hand; the header explains the format.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from kg.errors import ResolveError
from kg.resolve_registry import Split

log = logging.getLogger(__name__)

CURATION_FILE = "curation.yaml"
_MENTION = re.compile(r"^(?P<doc>[^#\s]+)#char=(?P<start>\d+),(?P<end>\d*)$")

HEADER = """\
# Ratsgraph curation: decisions about entities, applied again on every `kg ingest`.
#
# Written by `kg entities merge|split|rename`; you may edit it by hand too (the next
# `kg ingest` applies the change). Entities and documents are named by their IRI, as
# `kg entities list` and `kg entities show IRI` print them.
#
# merge:  the entities listed under `from` are the entity `into`. Every mention of them
#         gets the IRI of `into`; graph rg:resolution records `<from> owl:sameAs <into>`.
#         Use it to join two spellings or to settle an ambiguous mention.
# split:  the mentions of `entity` in `document` are a different person (or only the one
#         mention `mention: <document IRI>#char=<start>,<end>`). They get an IRI of their
#         own (`<entity>-split-<hash>`), and are never merged back by resolution.
# rename: the label to show for `entity` (skos:prefLabel in graph rg:resolution).
#
# Every decision may carry a `note:` with the reason. Comments other than this header are
# not kept when a command rewrites the file.
"""


@dataclass(frozen=True, slots=True)
class Merge:
    """The entities `sources` are the entity `into` (IRIs)."""

    into: str
    sources: tuple[str, ...]
    note: str | None = None


@dataclass(frozen=True, slots=True)
class SplitDecision:
    """The mentions of `entity` in `document` (or only `mention`) are someone else (IRIs)."""

    entity: str
    document: str
    mention: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Rename:
    """The canonical label of `entity`."""

    entity: str
    label: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Curation:
    """All decisions of one store, in file order."""

    merges: tuple[Merge, ...] = ()
    splits: tuple[SplitDecision, ...] = ()
    renames: tuple[Rename, ...] = ()

    @property
    def digest(self) -> str:
        """A hash of the decisions: when it changes, stored documents are re-resolved."""
        data = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]

    def merge_map(self, base_iri: str) -> dict[str, str]:
        """`{merged key: target key}` (keys are IRIs without the base)."""
        found: dict[str, str] = {}
        for merge in self.merges:
            target = _key(merge.into, base_iri)
            for source in merge.sources:
                found[_key(source, base_iri)] = target
        return found

    def split_rules(self, base_iri: str) -> list[Split]:
        """The splits as resolution rules (keys without the base)."""
        rules = []
        for split in self.splits:
            start, end = _span(split.mention, split.document) if split.mention else (None, None)
            rules.append(
                Split(_key(split.entity, base_iri), _key(split.document, base_iri), start, end)
            )
        return rules

    def labels(self, base_iri: str) -> dict[str, str]:
        """`{key: label}` of renamed entities (the last decision wins)."""
        return {_key(r.entity, base_iri): r.label for r in self.renames}

    def involved(self) -> set[str]:
        """Every entity and document IRI a decision names."""
        iris = {r.entity for r in self.renames}
        for merge in self.merges:
            iris |= {merge.into, *merge.sources}
        for split in self.splits:
            iris |= {split.entity, split.document}
        return iris

    def with_merge(self, sources: Iterable[str], into: str, note: str | None = None) -> Curation:
        """A copy with `sources` merged into `into` (earlier merges of them replaced).

        Raises:
            ResolveError: when an entity would be merged into itself.
        """
        wanted = tuple(dict.fromkeys(s for s in sources))
        if into in wanted:
            raise ResolveError(f"cannot merge {into} into itself")
        kept = []
        for merge in self.merges:
            rest = tuple(s for s in merge.sources if s not in wanted)
            if rest:
                kept.append(replace(merge, sources=rest))
        return replace(self, merges=(*kept, Merge(into, wanted, note)))

    def with_split(
        self, entity: str, document: str, mention: str | None, note: str | None = None
    ) -> Curation:
        """A copy with one more split (a repeated one is not added twice).

        Raises:
            ResolveError: when `mention` is not `<document IRI>#char=<start>,<end>`.
        """
        if mention:
            _span(mention, document)
        decision = SplitDecision(entity, document, mention, note)
        same = [
            s
            for s in self.splits
            if (s.entity, s.document, s.mention) != (entity, document, mention)
        ]
        return replace(self, splits=(*same, decision))

    def with_rename(self, entity: str, label: str, note: str | None = None) -> Curation:
        """A copy with `entity` labelled `label` (replacing an earlier rename).

        Raises:
            ResolveError: when the label is empty.
        """
        if not label.strip():
            raise ResolveError("the new label is empty")
        kept = tuple(r for r in self.renames if r.entity != entity)
        return replace(self, renames=(*kept, Rename(entity, label.strip(), note)))


def _key(iri: str, base_iri: str) -> str:
    return iri[len(base_iri) :] if iri.startswith(base_iri) else iri


def _span(mention: str | None, document: str) -> tuple[int, int | None]:
    match = _MENTION.match(mention or "")
    if match is None or match.group("doc") != document:
        raise ResolveError(
            f"mention {mention!r} is not <document IRI>#char=<start>,<end> of {document}"
        )
    end = match.group("end")
    return int(match.group("start")), int(end) if end else None


# ---------------------------------------------------------------- the file


def curation_path(store_dir: Path) -> Path:
    """Where the curation file of a store lives."""
    return store_dir / CURATION_FILE


def load_curation(store_dir: Path) -> Curation:
    """Read `curation.yaml` (no file: no decisions).

    Raises:
        ResolveError: when the file is not valid YAML or not in the documented format.
    """
    path = curation_path(store_dir)
    if not path.exists():
        return Curation()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as error:
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ResolveError(f"{path}: {first}") from error
    if not isinstance(data, dict):
        raise ResolveError(f"{path}: expected the sections merge, split and rename")
    try:
        return Curation(
            merges=tuple(_merge(m) for m in _section(data, "merge")),
            splits=tuple(_split(s) for s in _section(data, "split")),
            renames=tuple(_rename(r) for r in _section(data, "rename")),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ResolveError(f"{path}: malformed decision ({error})") from error


def _section(data: dict[str, Any], name: str) -> list[dict[str, Any]]:
    entries = data.get(name) or []
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ValueError(f"section {name!r} must be a list of mappings")
    return entries


def _merge(entry: dict[str, Any]) -> Merge:
    sources = entry["from"]
    sources = [sources] if isinstance(sources, str) else list(sources)
    return Merge(str(entry["into"]), tuple(str(s) for s in sources), _note(entry))


def _split(entry: dict[str, Any]) -> SplitDecision:
    mention = entry.get("mention")
    document = str(entry.get("document") or str(mention).split("#", 1)[0])
    return SplitDecision(
        str(entry["entity"]), document, str(mention) if mention else None, _note(entry)
    )


def _rename(entry: dict[str, Any]) -> Rename:
    return Rename(str(entry["entity"]), str(entry["label"]), _note(entry))


def _note(entry: dict[str, Any]) -> str | None:
    note = entry.get("note")
    return str(note) if note else None


def save_curation(store_dir: Path, curation: Curation) -> Path:
    """Write `curation.yaml` atomically (header comment + decisions) and return its path.

    Raises:
        ResolveError: when the file cannot be written.
    """
    data = {
        "merge": [
            _without_none({"into": m.into, "from": list(m.sources), "note": m.note})
            for m in curation.merges
        ],
        "split": [
            _without_none(
                {"entity": s.entity, "document": s.document, "mention": s.mention, "note": s.note}
            )
            for s in curation.splits
        ],
        "rename": [
            _without_none({"entity": r.entity, "label": r.label, "note": r.note})
            for r in curation.renames
        ],
    }
    text = HEADER + "\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    path = curation_path(store_dir)
    temporary = path.with_suffix(".yaml.tmp")
    try:
        store_dir.mkdir(parents=True, exist_ok=True)
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)
    except OSError as error:
        raise ResolveError(f"cannot write {path}: {error.strerror or error}") from error
    return path


def _without_none(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if v is not None}
