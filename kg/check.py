"""Quality checks: the ontology's own shapes, SKOS integrity, one version, valid data."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyshacl
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from kg.content import Content
from kg.namespaces import CSIG
from kg.submissions import Context, read
from kg.submissions.validate import top_results

TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


@dataclass(frozen=True)
class Problem:
    """One problem found by `kg check`, naming the file and the term."""

    file: str
    term: str
    message: str
    severity: str = "violation"

    def __str__(self) -> str:
        return f"{self.severity.upper()} {self.file}: <{self.term}> {self.message}"


def parse_each(paths: list[Path]) -> dict[Path, rdflib.Graph]:
    """Parse each file into its own graph."""
    return {p: rdflib.Graph().parse(p) for p in paths}


def _file_of(graphs: dict[Path, rdflib.Graph], term) -> str:
    for path, graph in graphs.items():
        if (term, None, None) in graph:
            return str(path)
    return "ontology"


def check_terms(graphs: dict[Path, rdflib.Graph]) -> list[Problem]:
    """Every csig: term has one label, one definition and rdfs:isDefinedBy."""
    problems = []
    for path, graph in graphs.items():
        for kind in TERM_TYPES:
            for term in graph.subjects(RDF.type, kind):
                if not str(term).startswith(CSIG):
                    continue
                for prop, name in (
                    (RDFS.label, "rdfs:label"),
                    (SKOS.definition, "skos:definition"),
                    (RDFS.isDefinedBy, "rdfs:isDefinedBy"),
                ):
                    count = len(list(graph.objects(term, prop)))
                    if count != 1:
                        problems.append(
                            Problem(str(path), str(term), f"has {count} {name}, needs exactly 1")
                        )
    return problems


def check_versions(graphs: dict[Path, rdflib.Graph]) -> list[Problem]:
    """Every ontology module carries the same owl:versionInfo."""
    found = {
        (str(p), str(o)): str(v)
        for p, g in graphs.items()
        for o in g.subjects(RDF.type, OWL.Ontology)
        for v in g.objects(o, OWL.versionInfo)
    }
    counts = Counter(found.values())
    if not counts:
        return [Problem("ontology", "", "no owl:versionInfo anywhere")]
    main = counts.most_common(1)[0][0]
    problems = [
        Problem(f, o, f"owl:versionInfo {v!r} differs from {main!r}")
        for (f, o), v in found.items()
        if v != main
    ]
    for path, graph in graphs.items():
        for onto in graph.subjects(RDF.type, OWL.Ontology):
            if (str(path), str(onto)) not in found:
                problems.append(Problem(str(path), str(onto), "has no owl:versionInfo"))
    return problems


def check_skos(graphs: dict[Path, rdflib.Graph]) -> list[Problem]:
    """SKOS integrity: labels, notations unique per scheme, no broader cycles."""
    merged = rdflib.Graph()
    for graph in graphs.values():
        merged += graph
    problems = []
    seen: dict[tuple[str, str], str] = {}
    for concept in set(merged.subjects(RDF.type, SKOS.Concept)):
        where = _file_of(graphs, concept)
        labels = Counter(lbl.language for lbl in merged.objects(concept, SKOS.prefLabel))
        if not labels or any(n > 1 for n in labels.values()):
            problems.append(
                Problem(where, str(concept), "needs exactly one skos:prefLabel per language")
            )
        schemes = list(merged.objects(concept, SKOS.inScheme))
        if not schemes:
            problems.append(Problem(where, str(concept), "has no skos:inScheme"))
        for scheme in schemes:
            for notation in merged.objects(concept, SKOS.notation):
                key = (str(scheme), str(notation))
                if key in seen and seen[key] != str(concept):
                    problems.append(
                        Problem(where, str(concept), f"notation {notation} repeats <{seen[key]}>")
                    )
                seen[key] = str(concept)
        parents = list(merged.objects(concept, SKOS.broader))
        if any(concept in set(merged.transitive_objects(p, SKOS.broader)) for p in parents):
            problems.append(Problem(where, str(concept), "skos:broader forms a cycle"))
    return problems


def check_ontology_shapes(graphs: dict[Path, rdflib.Graph], shapes: Path) -> list[Problem]:
    """Run the shapes about the ontology itself."""
    merged = rdflib.Graph()
    for graph in graphs.values():
        merged += graph
    return shape_problems(merged, rdflib.Graph().parse(shapes), graphs)


def shape_problems(
    data: rdflib.Graph, shapes: rdflib.Graph, files: dict[Path, rdflib.Graph]
) -> list[Problem]:
    """Validate `data` and name, for each finding, the file that holds its focus node."""
    _, results, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    problems = []
    for result in top_results(results):
        focus = results.value(result, SH.focusNode)
        severity = (
            "violation" if results.value(result, SH.resultSeverity) == SH.Violation else ("warning")
        )
        problems.append(
            Problem(
                _file_of(files, focus),
                str(focus),
                str(results.value(result, SH.resultMessage)),
                severity,
            )
        )
    return problems


def check_data(
    content: Content, context: Context, progress: Callable[[str], None] = lambda _: None
) -> list[Problem]:
    """Validate the reference data and every seed partner file against the shapes."""
    shapes = rdflib.Graph().parse(content.reference_shape_file())
    for path in content.submission_shape_files():  # the reference shapes reuse their helpers
        shapes.parse(path)
    problems = shape_problems(
        context.reference_graph, shapes, parse_each(content.reference_files())
    )
    progress(f"reference data: {len(problems)} finding(s)")
    return problems + check_partner_files(content, context, progress)


def check_partner_files(
    content: Content, context: Context, progress: Callable[[str], None] = lambda _: None
) -> list[Problem]:
    """Validate every seed partner file in one pySHACL run; name each finding's file and line."""
    from kg.rdfterms import graph_of
    from kg.submissions.read import Source
    from kg.submissions.validate import structure_findings, validate

    sources = {path: read(path, context) for path in content.partner_files()}
    merged = Source("data/partners", "turtle", [t for s in sources.values() for t in s.triples], "")
    where = {
        subject: (path, line) for path, s in sources.items() for subject, line in s.lines.items()
    }
    findings = list(validate(merged, context, structure=False).findings)

    for path, source in sources.items():
        findings += structure_findings(graph_of(source.triples), source, context, path.stem)
    problems = []
    for f in findings:
        cap = f"https://w3id.org/csig/id/capability/{f.capability}" if f.capability else ""
        path, line = where.get(f.subject) or where.get(cap) or ("data/partners", None)
        problems.append(
            Problem(f"{path}:{line or ''}", f.subject, f"{f.field}: {f.message}", f.severity)
        )
    progress(f"partner files: {len(sources)} files, {len(problems)} finding(s)")
    return problems


def run_checks(content: Content, progress: Callable[[str], None] = lambda _: None) -> list[Problem]:
    """Run every check; return all problems found."""
    graphs = parse_each(content.ontology_files())
    problems = check_terms(graphs) + check_versions(graphs) + check_skos(graphs)
    problems += check_ontology_shapes(graphs, content.ontology_shape_file())
    progress(f"ontology: {len(graphs)} files, {len(problems)} problem(s)")
    problems += check_data(content, Context(content), progress)
    return problems
