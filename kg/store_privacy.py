"""Pseudonymised copies of a store: private citizens under a stable pseudonym.

The store keeps real names (it is the user's own archive); exports and views read an in-memory
copy made here instead, unless `--keep-private-names`. A person is private when some document
graph marks them `rg:pseudonymised true` (extract found them in an Einwohnerfragestunde or
introduced as "eine Bürgerin, Frau X") and no graph shows them in an office (`org:memberOf`,
`org:headOf`, `schema:attendee`): office holders and council members stay named. Nor is anyone
private whom another graph names without marking them (a protocol where they speak outside a
question time, a roster, OParl): extraction sees one document, and the page of a question
time may begin with council business ("Vor Eintritt in die Tagesordnung …") whose speakers
carry no role word or Fraktion there.

In the copy a private person's IRI becomes `<base><municipality>/person/private-<hash>` and
their labels "Einwohner/in <hash>" (hash: the first hex digits of the SHA-256 of the real
IRI, so the pseudonym is stable across exports); family/given names and forms of address are
dropped. In every graph that mentions them, their names ("Quaschinski", "Herr Quaschinski",
"Frau Dr. Anna Lenz") are replaced inside every text literal, and the Web Annotation
selectors are recomputed against the pseudonymised document text, so
`text[start:end] == exact` still holds.

Exports, views and `kg serve` read an on-disk view (`shown_store`, `open_pseudonymised_view`):
a cheap copy of the store (hard links) in which only the graphs that mention private persons
are rewritten, so its cost follows the number of such documents, not the size of the store
(an in-memory copy of every quad, `pseudonymise_quads`, took 40 s and 1.3 GB at 1M quads).
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import logging
import re
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from kg.store import GraphUpdate, Store, copy_store
from kg.vocab import FOAF, OA, ORG, RDFS, RG, SCHEMA, XSD

log = logging.getLogger(__name__)

PSEUDONYM_LABEL = "Einwohner/in"
_HASH_DIGITS = 6
_DROPPED = {str(FOAF.familyName), str(FOAF.givenName), str(RG.formOfAddress)}
_DROPPED |= {"http://schema.org/honorificPrefix"}
_RENAMED = {str(FOAF.name), str(RDFS.label)}
_NON_NEGATIVE = ox.NamedNode(str(XSD.nonNegativeInteger))
_PRIVATE_QUERY = f"""SELECT DISTINCT ?p WHERE {{
  GRAPH ?g {{ ?p <{RG.pseudonymised}> true }}
  FILTER NOT EXISTS {{ GRAPH ?h {{
    {{ ?p <{ORG.memberOf}> ?o }} UNION {{ ?p <{ORG.headOf}> ?o }}
    UNION {{ ?m <{SCHEMA.attendee}> ?p }} }} }}
  FILTER NOT EXISTS {{ GRAPH ?k {{
    ?p a <{FOAF.Person}> FILTER NOT EXISTS {{ ?p <{RG.pseudonymised}> true }} }} }}
}}"""
_NAMES_QUERY = f"""SELECT DISTINCT ?p ?n WHERE {{
  {{ {_PRIVATE_QUERY} }}
  GRAPH ?g {{ ?p ?name ?n }}
  VALUES ?name {{ <{FOAF.name}> <{RDFS.label}> <{FOAF.familyName}> }}
}}"""


@dataclass(frozen=True, slots=True)
class Pseudonym:
    """The stand-in for one private person: IRI, label and the names it replaces."""

    iri: str
    label: str
    names: tuple[str, ...]


@contextlib.contextmanager
def shown_store(store: Store, base_iri: str) -> Iterator[Store]:
    """`store` with every private citizen pseudonymised, for one export or view.

    Yields `store` itself when nobody needs a pseudonym, else a view of it (see
    `open_pseudonymised_view`) in a temporary folder beside the store (elsewhere when the
    store folder cannot be written), removed afterwards.

    Raises:
        StoreError: when the store cannot be read or the view cannot be written.
    """
    if not find_pseudonyms(store, base_iri):
        yield store
        return
    try:
        folder = Path(tempfile.mkdtemp(prefix=".export-view-", dir=store.store_dir))
    except OSError:
        folder = Path(tempfile.mkdtemp(prefix="kg-export-view-"))
    try:
        view = open_pseudonymised_view(store.store_dir, folder / "view", base_iri)
        try:
            yield view
        finally:
            view.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def open_pseudonymised_view(store_dir: Path, view_dir: Path, base_iri: str) -> Store:
    """A copy of the store in `view_dir` (new) with every private citizen pseudonymised.

    The copy shares the store's files through hard links (see `copy_store`); the graphs
    that mention private persons are then rewritten in it. Close the returned store before
    removing `view_dir`.

    Raises:
        StoreError: when the store cannot be read or the copy cannot be written.
    """
    copy_store(store_dir, view_dir)
    view = Store(view_dir)
    try:
        pseudonymise_in_place(view, base_iri)
    except BaseException:
        view.close()
        raise
    return view


def pseudonymise_in_place(store: Store, base_iri: str) -> int:
    """Rewrite the graphs of `store` that mention private persons; returns how many.

    Meant for a copy of the store: only the rewritten triples are written, in one transaction.

    Raises:
        StoreError: when the store cannot be read or written.
    """
    pseudonyms = find_pseudonyms(store, base_iri)
    if not pseudonyms:
        return 0
    updates = []
    for graph in _graphs_mentioning(store, pseudonyms):
        quads = _graph_quads(store, graph)
        lines = "".join(f"{q.triple} .\n" for q in _pseudonymise_graph(quads, pseudonyms))
        updates.append(GraphUpdate(graph=URIRef(graph), ntriples=lines))
    counts = store.patch_graphs(updates, resolution=False).values()
    removed, added = sum(r for r, _ in counts), sum(a for _, a in counts)
    log.info(
        "pseudonymised %d private persons in %d graphs (%d triples out, %d in)",
        len(pseudonyms), len(updates), removed, added,
    )  # fmt: skip
    return len(updates)


def _graphs_mentioning(store: Store, pseudonyms: dict[str, Pseudonym]) -> list[str]:
    values = " ".join(f"<{iri}>" for iri in pseudonyms)
    query = f"""SELECT DISTINCT ?g WHERE {{ VALUES ?p {{ {values} }}
      {{ GRAPH ?g {{ ?p ?x ?y }} }} UNION {{ GRAPH ?g {{ ?y ?x ?p }} }} }}"""
    return sorted(str(row["g"]) for row in store.select(query, union=False))


def _graph_quads(store: Store, graph: str) -> list[ox.Quad]:
    name = ox.NamedNode(graph)
    rows = store.raw_query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return [ox.Quad(row["s"], row["p"], row["o"], name) for row in rows]


def find_pseudonyms(store: Store, base_iri: str) -> dict[str, Pseudonym]:
    """`{real IRI: pseudonym}` for every private person of the store.

    Raises:
        StoreError: when the store cannot be read.
    """
    names: dict[str, list[str]] = defaultdict(list)
    for row in store.select(_NAMES_QUERY, union=False):
        names[str(row["p"])].append(str(row["n"]))
    return {iri: pseudonym_for(iri, base_iri, found) for iri, found in sorted(names.items())}


def pseudonym_for(iri: str, base_iri: str, names: list[str]) -> Pseudonym:
    """The stable pseudonym of a person IRI.

    >>> p = pseudonym_for("https://x/id/hagen/person/lenz", "https://x/id/", ["Lenz"])
    >>> p.iri.startswith("https://x/id/hagen/person/private-"), p.label.startswith("Einwohner/in")
    (True, True)
    """
    digest = hashlib.sha256(iri.encode("utf-8")).hexdigest()[:_HASH_DIGITS]
    municipality = iri.removeprefix(base_iri).split("/", 1)[0] if iri.startswith(base_iri) else ""
    prefix = f"{base_iri}{municipality}/" if municipality else base_iri
    usable = sorted({n.strip() for n in names if len(n.strip()) >= 2}, key=len, reverse=True)
    return Pseudonym(
        f"{prefix}person/private-{digest}", f"{PSEUDONYM_LABEL} {digest}", tuple(usable)
    )


def pseudonymise_quads(quads: Iterable[ox.Quad], pseudonyms: dict[str, Pseudonym]) -> list[ox.Quad]:
    """The quads with private persons replaced (see the module docstring), all in memory."""
    by_graph: dict[str, list[ox.Quad]] = defaultdict(list)
    for quad in quads:
        by_graph[_graph_key(quad.graph_name)].append(quad)
    result: list[ox.Quad] = []
    for graph_quads in by_graph.values():
        result += _pseudonymise_graph(graph_quads, pseudonyms)
    return result


def _graph_key(graph: object) -> str:
    return graph.value if isinstance(graph, ox.NamedNode) else ""


def _pseudonymise_graph(quads: list[ox.Quad], pseudonyms: dict[str, Pseudonym]) -> list[ox.Quad]:
    present = {
        q.subject.value
        for q in quads
        if isinstance(q.subject, ox.NamedNode) and q.subject.value in pseudonyms
    }
    present |= {
        q.object.value
        for q in quads
        if isinstance(q.object, ox.NamedNode) and q.object.value in pseudonyms
    }
    if not present:
        return quads
    replacer = NameReplacer([pseudonyms[p] for p in sorted(present)])
    graph = _graph_key(quads[0].graph_name)
    document_text = next(
        (
            q.object.value
            for q in quads
            if q.subject == ox.NamedNode(graph) and q.predicate.value == str(SCHEMA.text)
            and isinstance(q.object, ox.Literal)
        ),
        None,
    )  # fmt: skip
    offsets = OffsetMap(document_text, replacer) if document_text is not None else None
    selectors = _selector_spans(quads, offsets) if offsets is not None else {}
    out: list[ox.Quad] = []
    for quad in quads:
        replaced = _replace_quad(quad, pseudonyms, replacer, selectors)
        if replaced is not None:
            out.append(replaced)
    return out


class NameReplacer:
    """Replaces the names of some private persons in a text by their pseudonym labels."""

    def __init__(self, pseudonyms: list[Pseudonym]) -> None:
        self.label_of: dict[str, str] = {}
        for pseudonym in pseudonyms:
            for name in pseudonym.names:
                self.label_of.setdefault(name, pseudonym.label)
        names = sorted(self.label_of, key=len, reverse=True)
        alternation = "|".join(re.escape(n) for n in names) or r"(?!)"
        self.pattern = re.compile(
            rf"(?:\b(?:Herrn|Herr|Frau)\s+)?(?:(?:Prof\.|Dr\.)\s*)*(?<!\w)(?P<name>{alternation})"
            rf"(?!\w)"
        )

    def sub(self, text: str) -> str:
        """The text with every name replaced."""
        return self.pattern.sub(lambda m: self.label_of[m.group("name")], text)

    def changes(self, text: str) -> list[tuple[int, int, str]]:
        """`(start, end, replacement)` of every name in `text`, in order."""
        return [
            (m.start(), m.end(), self.label_of[m.group("name")])
            for m in self.pattern.finditer(text)
        ]


class OffsetMap:
    """The pseudonymised document text and a map from old to new character offsets."""

    def __init__(self, text: str, replacer: NameReplacer) -> None:
        self._changes = replacer.changes(text)
        self._starts = [start for start, _, _ in self._changes]
        self._shift = []  # new start of each change
        parts, cursor, shift = [], 0, 0
        for start, end, label in self._changes:
            parts += [text[cursor:start], label]
            self._shift.append(start + shift)
            shift += len(label) - (end - start)
            cursor = end
        parts.append(text[cursor:])
        self.text = "".join(parts)

    def new_offset(self, old: int, *, is_end: bool) -> int:
        """Where offset `old` lies in the new text; inside a name it moves to the name's edge."""
        number = bisect.bisect_right(self._starts, old) - 1
        if number < 0:
            return old
        start, end, label = self._changes[number]
        new_start = self._shift[number]
        if old >= end:
            return old + (new_start + len(label) - end)
        if old == start:
            return new_start
        return new_start + len(label) if is_end else new_start


def _selector_spans(quads: list[ox.Quad], offsets: OffsetMap) -> dict[str, ox.Literal]:
    """`{"selector-IRI predicate-IRI": new literal}` for the position and quote selectors."""
    by_predicate: dict[str, dict[str, ox.Quad]] = defaultdict(dict)
    selectors_of: dict[str, list[str]] = defaultdict(list)
    for q in quads:
        if q.predicate.value == str(OA.hasSelector):
            selectors_of[_value(q.subject)].append(_value(q.object))
        elif q.predicate.value in (str(OA.start), str(OA.end), str(OA.exact)):
            by_predicate[q.predicate.value][_value(q.subject)] = q
    starts, ends = by_predicate[str(OA.start)], by_predicate[str(OA.end)]
    exacts = by_predicate[str(OA.exact)]
    new: dict[str, ox.Literal] = {}
    for selectors in selectors_of.values():
        position = next((s for s in selectors if s in starts and s in ends), None)
        quote = next((s for s in selectors if s in exacts), None)
        if position is None:
            continue
        old_start = int(_value(starts[position].object))
        start = offsets.new_offset(old_start, is_end=False)
        end = max(start, offsets.new_offset(int(_value(ends[position].object)), is_end=True))
        datatype = getattr(starts[position].object, "datatype", None) or _NON_NEGATIVE
        new[f"{position} {OA.start}"] = ox.Literal(str(start), datatype=datatype)
        new[f"{position} {OA.end}"] = ox.Literal(str(end), datatype=datatype)
        if quote is not None:
            new[f"{quote} {OA.exact}"] = ox.Literal(offsets.text[start:end])
    return new


def _value(term: object) -> str:
    return term.value if isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal) else ""


def _replace_quad(
    quad: ox.Quad,
    pseudonyms: dict[str, Pseudonym],
    replacer: NameReplacer,
    selectors: dict[str, ox.Literal],
) -> ox.Quad | None:
    subject, predicate, obj = quad.subject, quad.predicate, quad.object
    private = isinstance(subject, ox.NamedNode) and subject.value in pseudonyms
    if private and predicate.value in _DROPPED:
        return None
    if isinstance(obj, ox.Literal):
        if private and predicate.value in _RENAMED:
            label = pseudonyms[subject.value].label  # type: ignore[union-attr]
            obj = ox.Literal(label, language=obj.language) if obj.language else ox.Literal(label)
        elif f"{_value(subject)} {predicate.value}" in selectors:
            obj = selectors[f"{_value(subject)} {predicate.value}"]
        elif obj.datatype.value == "http://www.w3.org/2001/XMLSchema#string" or obj.language:
            obj = _with_value(obj, replacer.sub(obj.value))
    return ox.Quad(_node(subject, pseudonyms), predicate, _node(obj, pseudonyms), quad.graph_name)


def _with_value(literal: ox.Literal, value: str) -> ox.Literal:
    if value == literal.value:
        return literal
    return ox.Literal(value, language=literal.language) if literal.language else ox.Literal(value)


def _node(term: ox.Term, pseudonyms: dict[str, Pseudonym]) -> ox.Term:  # type: ignore[name-defined]
    if isinstance(term, ox.NamedNode) and term.value in pseudonyms:
        return ox.NamedNode(pseudonyms[term.value].iri)
    return term
