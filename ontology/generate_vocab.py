"""Generate ``kg/vocab.py`` from ``ontology/ratsgraph.ttl``.

The generated module holds an rdflib ``DefinedNamespace`` named ``RG`` with one attribute per
``rg:`` term in the ontology and ``_fail = True``, so a misspelt term raises ``AttributeError``
instead of silently minting a new IRI. It also exports the namespaces Ratsgraph reuses.

Usage::

    .venv/bin/python ontology/generate_vocab.py           # (re)write kg/vocab.py
    .venv/bin/python ontology/generate_vocab.py --check   # exit 1 if kg/vocab.py is stale
"""

from __future__ import annotations

import argparse
import keyword
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_PATH = ROOT / "ontology" / "ratsgraph.ttl"
VOCAB_PATH = ROOT / "kg" / "vocab.py"
RG_IRI = "https://w3id.org/ratsgraph/ontology#"
ONTOLOGY_IRI = URIRef("https://w3id.org/ratsgraph/ontology")
MAX_LINE = 100
GENERATE_COMMAND = ".venv/bin/python ontology/generate_vocab.py"

# Section order in the generated class; a term belongs to the first kind it is typed with.
KINDS: tuple[tuple[URIRef, str], ...] = (
    (OWL.Class, "Classes"),
    (OWL.ObjectProperty, "Object properties"),
    (OWL.DatatypeProperty, "Datatype properties"),
    (SKOS.ConceptScheme, "Concept schemes"),
    (SKOS.Concept, "Concepts"),
    (OWL.NamedIndividual, "Named individuals"),
)

# Reused vocabularies in prefix order: (constant, prefix, IRI). Constants listed in CURATED
# become closed classes generated here; the others are rdflib's own closed DefinedNamespaces,
# re-exported so that a typo fails there too. Plain ``Namespace`` objects are avoided on purpose:
# they are ``str`` subclasses, so ``OPENGOV.count`` would be ``str.count``, not an IRI.
REUSED: tuple[tuple[str, str, str], ...] = (
    ("ORG", "org", "http://www.w3.org/ns/org#"),
    ("FOAF", "foaf", "http://xmlns.com/foaf/0.1/"),
    ("SCHEMA", "schema", "http://schema.org/"),
    ("OPENGOV", "opengov", "http://www.w3.org/ns/opengov#"),
    ("PROV", "prov", "http://www.w3.org/ns/prov#"),
    ("OA", "oa", "http://www.w3.org/ns/oa#"),
    ("DCTERMS", "dcterms", "http://purl.org/dc/terms/"),
    ("SKOS", "skos", "http://www.w3.org/2004/02/skos/core#"),
    ("OWL", "owl", "http://www.w3.org/2002/07/owl#"),
    ("RDFS", "rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("RDF", "rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("XSD", "xsd", "http://www.w3.org/2001/XMLSchema#"),
    ("SH", "sh", "http://www.w3.org/ns/shacl#"),
)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Vocabularies rdflib has no (matching) closed namespace for: the terms Ratsgraph may use.
# rdflib's SDO is https://schema.org/; DESIGN.md fixes http://schema.org/. Add a term here
# (and regenerate) before using it; the vocabulary's own spelling is the reference.
CURATED: dict[str, tuple[str, tuple[str, ...]]] = {
    "SCHEMA": (
        "schema.org terms used by Ratsgraph (http, not https, as in DESIGN.md).",
        _words(
            "Event Place about alternateName attendee containedInPlace creator description "
            "endDate honorificPrefix honorificSuffix identifier location name organizer "
            "position startDate subEvent superEvent text url"
        ),
    ),
    "OPENGOV": (
        "Popolo (opengov) terms for speeches, motions, votes and vote counts.",
        _words(
            "AbstainCount Answer Count Fail Motion NoCount PairedCount Pass Question Speech "
            "Vote VoteEvent YesCount classification count group groupResult motion pair "
            "politicalGroup requirement result role vote voteEvent weight"
        ),
    ),
    "OA": (
        "W3C Web Annotation terms for provenance annotations with text selectors.",
        _words(
            "Annotation Motivation SpecificResource TextPositionSelector TextQuoteSelector "
            "TextualBody assessing bodyValue classifying commenting describing end exact "
            "hasBody hasPurpose hasSelector hasSource hasTarget identifying linking "
            "motivatedBy prefix refinedBy start suffix tagging"
        ),
    ),
}


@dataclass(frozen=True, slots=True)
class Term:
    """One ``rg:`` term as it appears in the generated class."""

    name: str
    section: str
    label: str


def load_terms(graph: Graph) -> list[Term]:
    """Collect every ``rg:`` subject of the ontology with its section and English label.

    Args:
        graph: The parsed ontology.

    Returns:
        The terms sorted by section order, then by name.

    Raises:
        ValueError: If a term has no known kind, no English label or is not a Python name.
    """
    names = {
        str(s)[len(RG_IRI) :]
        for s in graph.subjects()
        if isinstance(s, URIRef) and str(s).startswith(RG_IRI)
    }
    terms = [_term(graph, name) for name in names]
    order = [section for _, section in KINDS]
    return sorted(terms, key=lambda t: (order.index(t.section.split(":")[0]), t.section, t.name))


def _term(graph: Graph, name: str) -> Term:
    if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("_"):
        raise ValueError(f"rg:{name} is not usable as a Python attribute name")
    iri = URIRef(RG_IRI + name)
    return Term(name=name, section=_section(graph, iri), label=_english_label(graph, iri))


def _section(graph: Graph, iri: URIRef) -> str:
    types = set(graph.objects(iri, RDF.type))
    for kind, section in KINDS:
        if kind not in types:
            continue
        if kind == SKOS.Concept:
            scheme = graph.value(iri, SKOS.inScheme)
            return f"{section}: {scheme_name(scheme)}" if scheme is not None else section
        return section
    raise ValueError(f"{iri} has none of the expected types: {sorted(map(str, types))}")


def scheme_name(scheme: object) -> str:
    """Return ``rg:Name`` for an ``rg:`` IRI, else the IRI as a string.

    Args:
        scheme: A node from the ontology graph.

    Returns:
        A compact name for section headings.
    """
    text = str(scheme)
    return "rg:" + text[len(RG_IRI) :] if text.startswith(RG_IRI) else text


def _english_label(graph: Graph, iri: URIRef) -> str:
    for predicate in (RDFS.label, SKOS.prefLabel):
        labels = sorted(
            str(o)
            for o in graph.objects(iri, predicate)
            if isinstance(o, Literal) and o.language == "en"
        )
        if labels:
            return " ".join(labels[0].split())
    raise ValueError(f"{iri} has no English rdfs:label or skos:prefLabel")


def render(graph: Graph) -> str:
    """Render the source text of ``kg/vocab.py`` for an ontology graph.

    Args:
        graph: The parsed ontology.

    Returns:
        Python source, formatted as ``ruff format`` would leave it.

    Raises:
        ValueError: If a term cannot be rendered or a line would exceed the line length.
    """
    version = graph.value(ONTOLOGY_IRI, OWL.versionInfo)
    lines = [*_header(str(version) if version is not None else "unversioned"), *_class(graph)]
    lines += [*_curated(), *_constants()]
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE:
            raise ValueError(f"generated line {number} is longer than {MAX_LINE}: {line!r}")
    return "\n".join(lines) + "\n"


def _header(version: str) -> list[str]:
    imported = sorted(const for const, _, _ in REUSED if const not in CURATED)
    exported = sorted([const for const, *_ in REUSED] + ["PREFIXES", "RESOLUTION_GRAPH", "RG"])
    return [
        '"""Ratsgraph vocabulary: the ``rg:`` terms and the namespaces Ratsgraph reuses.',
        "",
        f"Generated by ontology/generate_vocab.py from ontology/ratsgraph.ttl (version {version}).",
        "Do not edit by hand: change the ontology, then run",
        f"``{GENERATE_COMMAND}``.",
        "",
        "A misspelt term is an error, not a new IRI:",
        "",
        ">>> RG.Statement",
        "rdflib.term.URIRef('https://w3id.org/ratsgraph/ontology#Statement')",
        ">>> RG.Statment",
        "Traceback (most recent call last):",
        "    ...",
        "AttributeError: term 'Statment' not in namespace 'https://w3id.org/ratsgraph/ontology#'",
        '"""',
        "",
        "from collections.abc import Mapping",
        "from types import MappingProxyType",
        "from typing import Final",
        "",
        "from rdflib.namespace import (",
        *(f"    {const}," for const in imported),
        "    DefinedNamespace,",
        "    Namespace,",
        ")",
        "from rdflib.term import URIRef",
        "",
        "__all__ = [",
        *(f'    "{name}",' for name in exported),
        "]",
        "",
        "",
    ]


def _class(graph: Graph) -> list[str]:
    lines = [
        "class RG(DefinedNamespace):",
        f'    """Ratsgraph ontology terms ({RG_IRI}).',
        "",
        "    Every attribute is a ``URIRef``; names not in the ontology raise ``AttributeError``.",
        '    """',
        "",
        "    _fail = True",
        f'    _NS = Namespace("{RG_IRI}")',
    ]
    section = ""
    for term in load_terms(graph):
        if term.section != section:
            section = term.section
            lines += ["", f"    # {section}"]
        lines.append(f"    {term.name}: URIRef  # {term.label}")
    return [*lines, "", ""]


def _curated() -> list[str]:
    lines: list[str] = []
    for const, _, iri in REUSED:
        if const not in CURATED:
            continue
        doc, terms = CURATED[const]
        lines += [
            f"class {const}(DefinedNamespace):",
            f'    """{doc}',
            "",
            "    Closed: add a term in ontology/generate_vocab.py before using it.",
            '    """',
            "",
            "    _fail = True",
            f'    _NS = Namespace("{iri}")',
            "",
            *(f"    {term}: URIRef" for term in sorted(terms)),
            "",
            "",
        ]
    return lines


def _constants() -> list[str]:
    return [
        "#: IRI of the named graph with owl:sameAs merges and rg:Ambiguity records.",
        "RESOLUTION_GRAPH: Final[URIRef] = RG.resolution",
        "",
        "#: Prefix -> namespace IRI, as bound in exports and ontology/context.jsonld.",
        "PREFIXES: Final[Mapping[str, str]] = MappingProxyType(",
        "    {",
        f'        "rg": "{RG_IRI}",',
        *(f'        "{prefix}": "{iri}",' for _, prefix, iri in REUSED),
        "    }",
        ")",
    ]


def _parse(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


def main(argv: Sequence[str] | None = None) -> int:
    """Write or check the generated vocabulary module.

    Args:
        argv: Command-line arguments without the program name (default: ``sys.argv[1:]``).

    Returns:
        0 on success, 1 if ``--check`` finds the module out of date.
    """
    args = _arguments().parse_args(argv)
    source = render(_parse(args.ontology))
    target: Path = args.output
    if args.check:
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current != source:
            print(f"{target} is out of date; run {GENERATE_COMMAND}", file=sys.stderr)
            return 1
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(source, encoding="utf-8")
    return 0


def _arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Generate kg/vocab.py from ratsgraph.ttl.")
    parser.add_argument("--check", action="store_true", help="exit 1 if the output is stale")
    parser.add_argument("--ontology", type=Path, default=ONTOLOGY_PATH, help="Turtle input")
    parser.add_argument("--output", type=Path, default=VOCAB_PATH, help="Python output")
    return parser


if __name__ == "__main__":
    sys.exit(main())
