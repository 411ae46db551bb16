"""Validate a submission with pySHACL against the shapes, the vocabularies and reference data."""

from __future__ import annotations

import difflib
import functools
import threading
from dataclasses import dataclass
from functools import cached_property

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, SH, SKOS

from kg.content import Content, read_files
from kg.namespaces import CSIG, ID, PREFIXES
from kg.rdfterms import graph_of
from kg.submissions import plan, shacl
from kg.submissions.read import Source
from kg.submissions.report import Finding, Report
from kg.submissions.structure import Structure
from kg.submissions.tabular import Catalogue

CAPABILITY = rdflib.URIRef(CSIG + "Capability")
SEVERITY = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
PATH_FIELDS = {
    "providedBy": "provider", "missionArea": "mission_areas", "orbitRegime": "orbit_regime",
    "status": "status", "statusAsOf": "status_as_of", "kind": "kind",
    "contributingNation": "contributing_nations", "operator": "operator",
    "hostedOn": "hosted_on", "hasMarking": "classification", "markingSystem": "marking_system",
    "classification": "classification", "disseminationControl": "dissemination",
    "releasableTo": "releasable_to", "markingText": "classification",
    "produces": "interfaces", "consumes": "interfaces", "hasInterface": "interfaces",
    "dataType": "interfaces", "standard": "interfaces", "assumed": "interfaces",
    "source": "source_url", "identifier": "identifier", "label": "name",
    "description": "description",
}
# Which codes a field's values are drawn from, for "did you mean" hints.
HINT_SCHEMES = {
    "mission_areas": "ma", "kind": "kind", "orbit_regime": "orbit", "status": "status",
}


@dataclass
class Context:
    """What every validation needs: shapes, vocabularies and reference data, parsed once."""

    content: Content

    @cached_property
    def shapes(self) -> rdflib.Graph:
        graph = rdflib.Graph()
        for path in self.content.submission_shape_files():
            graph.parse(path)
        return graph

    @cached_property
    def shape_parts(self) -> list[rdflib.Graph]:
        """Return the shapes as pySHACL validates them fastest, shared among the workers."""
        return plan.parts(plan.targeted(self.shapes), shacl.workers())

    @cached_property
    def reference(self) -> list[ox.Triple]:
        vocab = sorted((self.content.ontology / "vocab").glob("*.ttl"))
        return read_files(vocab + self.content.reference_files())

    @cached_property
    def reference_graph(self) -> rdflib.Graph:
        return graph_of(self.reference)

    @cached_property
    def reference_subjects(self) -> frozenset[str]:
        """Return every resource the vocabularies and reference data describe."""
        return frozenset(t.subject.value for t in self.reference
                         if isinstance(t.subject, ox.NamedNode))

    @cached_property
    def labels(self) -> dict[str, str]:
        """Return the label of every labelled term of the vocabularies and reference data."""
        found: dict[str, str] = {}
        for predicate in (rdflib.RDFS.label, SKOS.prefLabel):  # preferred labels win
            for subject, label in self.reference_graph.subject_objects(predicate):
                if isinstance(subject, rdflib.URIRef):
                    found[str(subject)] = str(label)
        return found

    @cached_property
    def catalogue(self) -> Catalogue:
        return build_catalogue(self.reference_graph)

    @cached_property
    def notations(self) -> dict[str, list[str]]:
        """Return the notations of each scheme namespace, for hints."""
        found: dict[str, list[str]] = {}
        for concept, notation in self.reference_graph.subject_objects(SKOS.notation):
            for prefix in ("ma", "kind", "orbit", "status", "dt", "cls"):
                if str(concept).startswith(PREFIXES[prefix]):
                    found.setdefault(prefix, []).append(str(notation))
        found["standard"] = [str(s).removeprefix(ID + "standard/")
                             for s in self.reference_graph.subjects(
                                 RDF.type, rdflib.URIRef(CSIG + "DataStandard"))]
        return found


@functools.lru_cache(maxsize=8)
def shared_context(root: str) -> Context:
    """Return one validation context per content folder, parsed once per process."""
    from pathlib import Path

    return Context(Content(Path(root)))


def build_catalogue(graph: rdflib.Graph) -> Catalogue:
    """Collect the codes a spreadsheet may use: partner codes and classification levels."""
    cat = Catalogue()
    for cls in ("Nation", "Organisation", "Coalition", "StandardsBody"):
        for subject in graph.subjects(RDF.type, rdflib.URIRef(CSIG + cls)):
            for notation in graph.objects(subject, SKOS.notation):
                cat.partners.setdefault(str(notation).upper(), str(subject))
    for level in graph.subjects(RDF.type, rdflib.URIRef(CSIG + "ClassificationLevel")):
        system = graph.value(level, SKOS.inScheme)
        code = str(graph.value(system, SKOS.notation) or "").upper() if system else ""
        for name in (*graph.objects(level, SKOS.notation), *graph.objects(level, SKOS.prefLabel)):
            cat.levels[(code, str(name).upper())] = str(level)
        label = graph.value(level, SKOS.prefLabel)
        if label is not None:
            cat.level_labels[str(level)] = str(label).upper()
    return cat


_LOCK = threading.Lock()
plan.install()


def validate(source: Source, context: Context, partner: str | None = None,
             structure: bool = True) -> Report:
    """Validate a parsed submission; the report lists every finding with its location."""
    data = graph_of(source.triples)
    ill_typed_as_text(data)
    capabilities = set(data.subjects(RDF.type, CAPABILITY))
    report = Report(source.name, source.format, triples=len(source.triples),
                    capabilities=len(capabilities))
    with _LOCK:  # pySHACL writes to its shapes graph while it runs (pySHACL#314)
        try:
            results = shacl.run(data, context.reference_graph, context.shape_parts)
        except Exception as err:  # a library failure on odd input is a finding, not a crash
            report.findings = [Finding("violation", f"the file could not be validated: {err}")]
            return report
    report.shacl_turtle = results.serialize(format="turtle")
    report.findings = [_finding(results, r, data, source, context)
                       for r in top_results(results)]
    if structure:
        report.findings += structure_findings(data, source, context, partner)
    return report


def ill_typed_as_text(data: rdflib.Graph) -> None:
    """Turn ill-typed literals (e.g. "soon"^^xsd:date) into plain text the shapes report."""
    for s, p, o in list(data):
        if isinstance(o, rdflib.Literal) and o.ill_typed:
            data.remove((s, p, o))
            data.add((s, p, rdflib.Literal(str(o))))


def top_results(results: rdflib.Graph) -> list:
    """Return the report's own results, not the nested causes pySHACL adds as sh:detail."""
    return [r for report in results.subjects(RDF.type, SH.ValidationReport)
            for r in results.objects(report, SH.result)]


def _finding(results: rdflib.Graph, result, data: rdflib.Graph, source: Source,
             context: Context) -> Finding:
    focus = results.value(result, SH.focusNode)
    path = results.value(result, SH.resultPath)
    value = results.value(result, SH.value)
    shape = results.value(result, SH.sourceShape)
    name = context.shapes.value(shape, SH.name) if shape is not None else None
    field = str(name) if name else PATH_FIELDS.get(_local(path), _local(path))
    message = str(results.value(result, SH.resultMessage) or "does not conform")
    cap = owning_capability(data, focus)
    return Finding(
        severity=SEVERITY.get(results.value(result, SH.resultSeverity), "violation"),
        message=message,
        field=field,
        value=display(value),
        hint=hint(field, value, context, _carried(data, focus, path, context)),
        capability=_identifier(cap),
        subject=str(focus) if isinstance(focus, rdflib.URIRef) else "",
        row=source.rows.get(str(cap)) if cap is not None else None,
        line=source.lines.get(str(focus)) or source.lines.get(str(cap)),
        shape=_local(shape) if isinstance(shape, rdflib.URIRef) else "",
    )


def _local(iri) -> str:
    if iri is None:
        return ""
    text = str(iri)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _identifier(cap) -> str:
    return str(cap).removeprefix(ID + "capability/") if cap is not None else ""


def owning_capability(data: rdflib.Graph, node):
    """Return the capability a node belongs to (itself, its interface or its marking)."""
    if node is None:
        return None
    if (node, RDF.type, CAPABILITY) in data:
        return node
    for parent in data.subjects(None, node):
        if (parent, RDF.type, CAPABILITY) in data:
            return parent
    text = str(node)
    for marker in ("/interface/", "/marking"):
        if marker in text:
            return rdflib.URIRef(text.split(marker)[0])
    return None


def display(value) -> str:
    """Return a value as the partner wrote it: a notation or code rather than an IRI.

    >>> display(rdflib.URIRef("https://w3id.org/csig/missionarea/PNT-GNS"))
    'PNT.GNS'
    """
    if value is None:
        return ""
    text = str(value)
    if isinstance(value, rdflib.URIRef):
        for prefix in ("ma", "kind", "orbit", "status"):
            if text.startswith(PREFIXES[prefix]):
                local = text.removeprefix(PREFIXES[prefix])
                return local.replace("-", ".") if prefix == "ma" else local
        if text.startswith(PREFIXES["dt"]):
            return "DT." + text.removeprefix(PREFIXES["dt"])
        for kind in ("nation/", "coalition/", "org/", "standard/", "capability/"):
            if text.startswith(ID + kind):
                return text.removeprefix(ID + kind)
    return text


def _carried(data: rdflib.Graph, focus, path, context: Context) -> list[str]:
    """Return the standards that carry an interface's data type, for a better hint."""
    if _local(path) != "standard":
        return []
    data_type = data.value(focus, rdflib.URIRef(CSIG + "dataType"))
    carries = rdflib.URIRef(CSIG + "carries")
    return [display(s) for s in context.reference_graph.subjects(carries, data_type)]


def hint(field: str, value, context: Context, preferred: list[str] | None = None) -> str:
    """Suggest the nearest valid code for a value that is not one."""
    shown = display(value)
    if not shown:
        return ""
    scheme = HINT_SCHEMES.get(field)
    if preferred:
        candidates = preferred
    elif field == "interfaces":
        candidates = context.notations.get("dt", []) + context.notations.get("standard", [])
    elif field in ("provider", "contributing_nations", "releasable_to"):
        candidates = list(context.catalogue.partners)
    else:
        candidates = context.notations.get(scheme, []) if scheme else []
    if shown in candidates:
        return ""
    close = difflib.get_close_matches(shown, candidates, n=1, cutoff=0.6)
    return f"{shown} is not a valid code here; did you mean {close[0]}?" if close else ""


def structure_findings(data: rdflib.Graph, source: Source, context: Context,
                       partner: str | None) -> list[Finding]:
    """Check what shapes cannot: every statement belongs to a capability of this partner."""
    findings = []
    partner_iri = context.catalogue.partners.get(partner.upper()) if partner else None
    if partner and not partner_iri:
        findings.append(Finding("violation", f"unknown partner {partner!r}; use an ISO 3166 "
                                "alpha-3 code or a registered organisation code",
                                field="provider", value=partner))
    if (None, RDF.type, CAPABILITY) not in data:
        findings.append(Finding("violation", f"{source.name} holds no capabilities, so there is "
                                "nothing to submit. To take capabilities out, withdraw them by "
                                "name (mode withdraw); an empty file never withdraws anything"))
    for cap in data.subjects(RDF.type, CAPABILITY):
        provider = data.value(cap, rdflib.URIRef(CSIG + "providedBy"))
        if partner_iri and provider is not None and str(provider) != partner_iri:
            findings.append(Finding(
                "violation", f"this capability is provided by {display(provider)}, but the "
                f"submission is for partner {partner}; a partner submits only its own data",
                field="provider", value=display(provider), capability=_identifier(cap),
                subject=str(cap), row=source.rows.get(str(cap)), line=source.lines.get(str(cap))))
    findings += placement_findings(source, context)
    return findings


def placement_findings(source: Source, context: Context) -> list[Finding]:
    """Refuse statements that belong to no capability, naming reference resources as such."""
    structure = Structure.of(source.triples)
    findings = []
    for subject in dict.fromkeys(t.subject for t in structure.unplaced()):
        findings.append(_misplaced(subject, source, context, "statement about"))
    for node in sorted(structure.nodes, key=str):
        if node.value in context.reference_subjects:
            findings.append(_misplaced(node, source, context, "link as a capability's own part to"))
    return findings


def _misplaced(subject, source: Source, context: Context, what: str) -> Finding:
    if subject.value in context.reference_subjects:
        message = (f"{what} <{subject.value}>, which is reference data (a nation, standard, "
                   "mission area or other shared record) kept by the project: a submission may "
                   "not change it, so nothing was accepted; remove these statements or propose "
                   "the change to the maintainers")
    else:
        message = ("statement about a resource that is not a capability, nor the interface or "
                   "marking of one; a submission holds only capabilities, so nothing was "
                   "accepted")
    return Finding("violation", message, subject=subject.value,
                   line=source.lines.get(subject.value),
                   value=display(rdflib.URIRef(subject.value)))
