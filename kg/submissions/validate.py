"""Validate a submission with pySHACL against the shapes, the vocabularies and reference data."""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from functools import cached_property

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, SH, SKOS

from kg.content import Content, read_files
from kg.namespaces import CSIG, ID
from kg.progress import task
from kg.rdfterms import graph_of
from kg.submissions import plan, shacl
from kg.submissions.hints import Lexicon, build_lexicon, display, hint
from kg.submissions.literals import well_typed
from kg.submissions.read import Source
from kg.submissions.report import Finding, Report
from kg.submissions.structure import Structure
from kg.submissions.tabular import Catalogue

CAPABILITY = rdflib.URIRef(CSIG + "Capability")
SEVERITY = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
PATH_FIELDS = {
    "providedBy": "provider",
    "missionArea": "mission_areas",
    "orbitRegime": "orbit_regime",
    "status": "status",
    "statusAsOf": "status_as_of",
    "kind": "kind",
    "contributingNation": "contributing_nations",
    "operator": "operator",
    "hostedOn": "hosted_on",
    "hasMarking": "classification",
    "markingSystem": "marking_system",
    "classification": "classification",
    "disseminationControl": "dissemination",
    "releasableTo": "releasable_to",
    "markingText": "classification",
    "produces": "interfaces",
    "consumes": "interfaces",
    "hasInterface": "interfaces",
    "dataType": "interfaces",
    "standard": "interfaces",
    "assumed": "interfaces",
    "source": "source_url",
    "identifier": "identifier",
    "label": "name",
    "description": "description",
    "memberOf": "member_of",
    "hasMember": "member_of",
    "fundingNation": "funding_nations",
    "cosparId": "cospar_id",
    "noradId": "norad_id",
    "launchDate": "launch_date",
    "operationalDate": "operational_date",
    "decayDate": "decay_date",
    "perigeeKm": "perigee_km",
    "apogeeKm": "apogee_km",
    "inclinationDeg": "inclination_deg",
    "periodMin": "period_min",
    "orbitAsOf": "orbit_as_of",
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
        return frozenset(
            t.subject.value for t in self.reference if isinstance(t.subject, ox.NamedNode)
        )

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
    def lexicon(self) -> Lexicon:
        """Return the codes and the words naming them, for "did you mean" hints."""
        return build_lexicon(self.reference_graph, self.catalogue)


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


def validate(
    source: Source, context: Context, partner: str | None = None, structure: bool = True
) -> Report:
    """Validate a parsed submission; the report lists every finding with its location."""
    with task(f"validating {source.name}", 4) as advance:
        data = graph_of(well_typed(source.triples))
        capabilities = set(data.subjects(RDF.type, CAPABILITY))
        report = Report(
            source.name, source.format, triples=len(source.triples), capabilities=len(capabilities)
        )
        advance()
        with _LOCK:  # pySHACL writes to its shapes graph while it runs (pySHACL#314)
            try:
                results = shacl.run(data, context.reference_graph, context.shape_parts)
            except Exception as err:  # a library failure on odd input is a finding, not a crash
                report.findings = [Finding("violation", f"the file could not be validated: {err}")]
                return report
        advance()
        report.shacl_turtle = results.serialize(format="turtle")
        findings = [_finding(results, r, data, source, context) for r in top_results(results)]
        advance()
        if structure:
            findings += structure_findings(data, source, context, partner)
        report.findings = once_per_value(findings)
        advance()
    return report


def once_per_value(findings: list[Finding]) -> list[Finding]:
    """Keep one finding per capability, field and value: one problem is reported once.

    An unknown provider code, for example, breaks both the provider shape and the rule that a
    partner submits its own capabilities; the partner sees the first, most specific, finding.
    """
    seen, kept = set(), []
    for f in findings:
        key = (f.capability or f.subject, f.field, f.value, f.severity)
        if f.value and key in seen:
            continue
        seen.add(key)
        kept.append(f)
    return kept


def top_results(results: rdflib.Graph) -> list:
    """Return the report's own results, not the nested causes pySHACL adds as sh:detail."""
    return [
        r
        for report in results.subjects(RDF.type, SH.ValidationReport)
        for r in results.objects(report, SH.result)
    ]


def _finding(
    results: rdflib.Graph, result, data: rdflib.Graph, source: Source, context: Context
) -> Finding:
    focus = results.value(result, SH.focusNode)
    path = results.value(result, SH.resultPath)
    value = results.value(result, SH.value)
    shape = results.value(result, SH.sourceShape)
    name = context.shapes.value(shape, SH.name) if shape is not None else None
    field = str(name) if name else PATH_FIELDS.get(_local(path), _local(path))
    message = str(results.value(result, SH.resultMessage) or "does not conform")
    cap = owning_capability(data, focus)
    shown = display(value, source.written)
    system = data.value(focus, rdflib.URIRef(CSIG + "markingSystem"))
    return Finding(
        severity=SEVERITY.get(results.value(result, SH.resultSeverity), "violation"),
        message=message,
        field=field,
        value=shown,
        hint=hint(
            field,
            shown,
            context.lexicon,
            _carried(data, focus, path, context),
            display(system) if system is not None else None,
        ),
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


def _carried(data: rdflib.Graph, focus, path, context: Context) -> list[str]:
    """Return the standards that carry an interface's data type, for a better hint."""
    if _local(path) != "standard":
        return []
    data_type = data.value(focus, rdflib.URIRef(CSIG + "dataType"))
    carries = rdflib.URIRef(CSIG + "carries")
    return [display(s) for s in context.reference_graph.subjects(carries, data_type)]


def structure_findings(
    data: rdflib.Graph, source: Source, context: Context, partner: str | None
) -> list[Finding]:
    """Check what shapes cannot: every statement belongs to a capability of this partner."""
    findings = []
    partner_iri = context.catalogue.partners.get(partner.upper()) if partner else None
    if partner and not partner_iri:
        findings.append(
            Finding(
                "violation",
                f"unknown partner {partner!r}; use an ISO 3166 "
                "alpha-3 code or a registered organisation code",
                field="provider",
                value=partner,
            )
        )
    if (None, RDF.type, CAPABILITY) not in data:
        findings.append(
            Finding(
                "violation",
                f"{source.name} holds no capabilities, so there is "
                "nothing to submit. To take capabilities out, withdraw them by "
                "name (mode withdraw); an empty file never withdraws anything",
            )
        )
    for cap in data.subjects(RDF.type, CAPABILITY):
        provider = data.value(cap, rdflib.URIRef(CSIG + "providedBy"))
        if partner_iri and provider is not None and str(provider) != partner_iri:
            findings.append(
                Finding(
                    "violation",
                    f"this capability is provided by {display(provider, source.written)}"
                    f", but the submission is for partner {partner}; a partner submits only its "
                    "own data",
                    field="provider",
                    value=display(provider, source.written),
                    capability=_identifier(cap),
                    subject=str(cap),
                    row=source.rows.get(str(cap)),
                    line=source.lines.get(str(cap)),
                )
            )
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
        message = (
            f"{what} <{subject.value}>, which is reference data (a nation, standard, "
            "mission area or other shared record) kept by the project: a submission may "
            "not change it, so nothing was accepted; remove these statements or propose "
            "the change to the maintainers"
        )
    else:
        message = (
            "statement about a resource that is not a capability, nor the interface or "
            "marking of one; a submission holds only capabilities, so nothing was "
            "accepted"
        )
    return Finding(
        "violation",
        message,
        subject=subject.value,
        line=source.lines.get(subject.value),
        value=display(rdflib.URIRef(subject.value)),
    )
