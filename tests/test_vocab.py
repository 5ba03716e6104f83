"""The generated vocabulary module matches the ontology, and the ontology documents every term."""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg import vocab
from kg.vocab import PREFIXES, RESOLUTION_GRAPH, RG

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology" / "ratsgraph.ttl"
GENERATOR = ROOT / "ontology" / "generate_vocab.py"
VOCAB = ROOT / "kg" / "vocab.py"
RG_IRI = "https://w3id.org/ratsgraph/ontology#"
DOCUMENTED_KINDS = (
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.NamedIndividual,
    SKOS.ConceptScheme,
)
SCHEME_CLASS = {
    RG.SpeechActs: RG.SpeechAct,
    RG.VoteResults: RG.VoteResult,
    RG.BodyTypes: RG.BodyType,
    RG.Roles: RG.Role,
}


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_vocab", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


def rg_subjects(graph: Graph) -> set[URIRef]:
    return {s for s in graph.subjects() if isinstance(s, URIRef) and s.startswith(RG_IRI)}


def languages(graph: Graph, subject: URIRef, predicate: URIRef) -> set[str | None]:
    return {o.language for o in graph.objects(subject, predicate) if isinstance(o, Literal)}


def test_generated_module_is_up_to_date(generator: ModuleType, ontology: Graph) -> None:
    assert generator.render(ontology) == VOCAB.read_text(encoding="utf-8"), (
        "kg/vocab.py is stale: run .venv/bin/python ontology/generate_vocab.py"
    )


def test_generation_is_deterministic(generator: ModuleType) -> None:
    first = generator.render(Graph().parse(ONTOLOGY, format="turtle"))
    second = generator.render(Graph().parse(ONTOLOGY, format="turtle"))
    assert first == second


def test_check_mode_fails_on_stale_file_and_passes_after_writing(
    generator: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "vocab.py"
    target.write_text("# stale\n", encoding="utf-8")
    assert generator.main(["--check", "--output", str(target)]) == 1
    assert "out of date" in capsys.readouterr().err
    assert generator.main(["--output", str(target)]) == 0
    assert generator.main(["--check", "--output", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == VOCAB.read_text(encoding="utf-8")


def test_check_mode_fails_when_ontology_gains_a_term(generator: ModuleType, tmp_path: Path) -> None:
    ontology = tmp_path / "ratsgraph.ttl"
    extra = '\nrg:Extra a owl:Class ; rdfs:label "Extra"@en , "Extra"@de .\n'
    ontology.write_text(ONTOLOGY.read_text(encoding="utf-8") + extra, encoding="utf-8")
    assert generator.main(["--check", "--ontology", str(ontology), "--output", str(VOCAB)]) == 1


def test_class_has_exactly_the_ontology_terms(ontology: Graph) -> None:
    in_ontology = {str(s)[len(RG_IRI) :] for s in rg_subjects(ontology)}
    assert set(RG.__annotations__) == in_ontology


def test_unknown_term_raises() -> None:
    with pytest.raises(AttributeError):
        _ = RG.Statment


def test_resolution_graph_iri() -> None:
    assert URIRef("https://w3id.org/ratsgraph/ontology#resolution") == RESOLUTION_GRAPH


@pytest.mark.parametrize("prefix", sorted(PREFIXES))
def test_namespace_constants_match_prefixes(prefix: str) -> None:
    constant = "RG" if prefix == "rg" else prefix.upper()
    assert str(getattr(vocab, constant)) == PREFIXES[prefix]
    assert constant in vocab.__all__


#: Constant name in kg.vocab -> prefix, e.g. "OPENGOV" -> "opengov".
CONSTANT_PREFIX = {("RG" if p == "rg" else p.upper()): p for p in PREFIXES}


def terms_used_in_python(path: Path) -> set[tuple[str, str]]:
    """(prefix, name) for `NS.name` attributes and `NS["name"]` subscripts of vocab constants."""
    found: set[tuple[str, str]] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Attribute) and (prefix := _prefix_of(node.value)):
            found.add((prefix, node.attr))
        elif (
            isinstance(node, ast.Subscript)
            and (prefix := _prefix_of(node.value))
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, str)
        ):
            found.add((prefix, node.slice.value))
    return {(prefix, name) for prefix, name in found if not name.startswith("_")}


def _prefix_of(node: ast.expr) -> str | None:
    name = node.id if isinstance(node, ast.Name) else getattr(node, "attr", None)
    return CONSTANT_PREFIX.get(name) if isinstance(name, str) else None


CURIE = re.compile(r"(?<![\w:/?$])([a-z]+):([A-Za-z_]\w*)")


def terms_used_in_sparql(text: str) -> set[tuple[str, str]]:
    return {(p, name) for p, name in CURIE.findall(text) if p in PREFIXES}


def term_usages() -> list[tuple[str, str, str]]:
    usages: set[tuple[str, str, str]] = set()
    for path in sorted((ROOT / "kg").rglob("*.py")):
        usages |= {(path.name, *used) for used in terms_used_in_python(path)}
    for path in sorted((ROOT / "kg" / "queries").glob("*.rq")):
        used = terms_used_in_sparql(path.read_text(encoding="utf-8"))
        usages |= {(path.name, *term) for term in used}
    return sorted(usages)


def test_usage_scanner_finds_terms_and_typos(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        'x = (RG.Statement, vocab.RG.act, RG["Statment"], RG[name], OPENGOV.count, RG._NS)\n'
    )
    assert terms_used_in_python(sample) == {
        ("rg", "Statement"),
        ("rg", "act"),
        ("rg", "Statment"),
        ("opengov", "count"),
    }
    query = "PREFIX rg: <x>\nSELECT ?s WHERE { ?s a rg:Statement ; schema:creator ?p ; ex:y 1 }"
    assert terms_used_in_sparql(query) == {("rg", "Statement"), ("schema", "creator")}


@pytest.mark.parametrize(("source", "prefix", "name"), term_usages())
def test_every_vocabulary_term_used_in_kg_exists(source: str, prefix: str, name: str) -> None:
    namespace = getattr(vocab, next(c for c, p in CONSTANT_PREFIX.items() if p == prefix))
    assert name in namespace, f"{source} uses {prefix}:{name}, which kg.vocab does not define"
    assert getattr(namespace, name) == URIRef(PREFIXES[prefix] + name)


def test_misspelt_terms_fail_in_every_closed_namespace() -> None:
    for constant in CONSTANT_PREFIX:
        if constant != "XSD":  # rdflib's XSD only warns
            with pytest.raises(AttributeError):
                _ = getattr(vocab, constant).noSuchTerm


def test_every_class_property_and_scheme_has_en_de_labels_and_comments(ontology: Graph) -> None:
    missing = []
    for term in sorted(rg_subjects(ontology)):
        if not any((term, RDF.type, kind) in ontology for kind in DOCUMENTED_KINDS):
            continue
        for predicate in (RDFS.label, RDFS.comment):
            if not {"en", "de"} <= languages(ontology, term, predicate):
                missing.append(f"{term} {predicate}")
    assert missing == []


def test_every_concept_is_labelled_defined_exemplified_and_typed(ontology: Graph) -> None:
    problems = []
    concepts = {c for c in ontology.subjects(RDF.type, SKOS.Concept) if isinstance(c, URIRef)}
    for concept in sorted(concepts):
        scheme = ontology.value(concept, SKOS.inScheme)
        if not isinstance(scheme, URIRef) or scheme not in SCHEME_CLASS:
            problems.append(f"{concept}: not in a known scheme")
        elif (concept, RDF.type, SCHEME_CLASS[scheme]) not in ontology:
            problems.append(f"{concept}: not typed {SCHEME_CLASS[scheme]}")
        for predicate in (SKOS.prefLabel, SKOS.definition):
            if not {"en", "de"} <= languages(ontology, concept, predicate):
                problems.append(f"{concept}: {predicate} lacks en or de")
        if "de" not in languages(ontology, concept, SKOS.example):
            problems.append(f"{concept}: no German skos:example")
    assert problems == []


@pytest.mark.parametrize("scheme", sorted(SCHEME_CLASS))
def test_top_concepts_are_exactly_the_scheme_members(ontology: Graph, scheme: URIRef) -> None:
    members = set(ontology.subjects(SKOS.inScheme, scheme))
    assert set(ontology.objects(scheme, SKOS.hasTopConcept)) == members
    assert (scheme, RDF.type, SKOS.ConceptScheme) in ontology


def test_speech_act_scheme_has_the_designed_concepts(ontology: Graph) -> None:
    designed = [
        *("Welcome", "Presentation", "Information", "Question", "Answer", "Support"),
        *("Opposition", "Criticism", "Proposal", "Request", "Confirmation", "Thanks"),
        "Procedural",
    ]
    assert set(ontology.subjects(SKOS.inScheme, RG.SpeechActs)) == {RG[n] for n in designed}


def test_no_dangling_rg_references(ontology: Graph) -> None:
    defined = rg_subjects(ontology)
    used = {o for o in ontology.objects() if isinstance(o, URIRef) and o.startswith(RG_IRI)}
    assert used - defined == set()
