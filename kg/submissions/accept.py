"""Accept a conforming submission: split by marking, replace the partner's graphs atomically."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pyoxigraph as ox

from kg.access import Marking
from kg.errors import KGError
from kg.namespaces import CSIG, ID, META_GRAPH, PREFIXES, history_graph, partner_graph
from kg.store import Store
from kg.submissions.history import current_graphs, last_version
from kg.submissions.report import Report

RDF_TYPE = PREFIXES["rdf"] + "type"
XSD = PREFIXES["xsd"]
PROV = PREFIXES["prov"]


@dataclass(frozen=True)
class Acceptance:
    """The outcome of an acceptance: the new version and where its statements went."""

    partner: str
    version: int
    graphs: dict[str, int]
    submission: str


def _p(local: str) -> str:
    return CSIG + local


TYPE, CAPABILITY, HAS_MARKING = (ox.NamedNode(RDF_TYPE), ox.NamedNode(_p("Capability")),
                                  ox.NamedNode(_p("hasMarking")))
PARTS = {ox.NamedNode(_p(p)) for p in ("produces", "consumes", "hasInterface")}


def split_by_marking(triples: list[ox.Triple], ranks: dict[str, int]) -> dict[Marking, list]:
    """Group each capability's statements (with its interfaces and marking) by its marking."""
    by_subject: dict[ox.NamedNode, list[ox.Triple]] = {}
    for t in triples:
        by_subject.setdefault(t.subject, []).append(t)
    caps = dict.fromkeys(t.subject for t in triples
                         if t.object == CAPABILITY and t.predicate == TYPE)
    groups: dict[Marking, list[ox.Triple]] = {}
    markings: dict[ox.NamedNode, Marking] = {}
    for cap in caps:
        own = by_subject[cap]
        marks = [t.object for t in own if t.predicate == HAS_MARKING]
        if len(marks) != 1:
            raise KGError(f"{cap}: a capability needs exactly one marking to be accepted")
        mark = marks[0]
        if mark not in markings:
            markings[mark] = marking_of(by_subject.get(mark, []), ranks)
        closure = groups.setdefault(markings[mark], [])
        closure += own
        closure += by_subject.get(mark, [])
        for t in own:
            if t.predicate in PARTS:
                closure += by_subject.get(t.object, [])
    return groups


def marking_of(triples: list[ox.Triple], ranks: dict[str, int]) -> Marking:
    """Read a marking node's statements into a `Marking`."""
    values: dict[str, list[str]] = {}
    for t in triples:
        values.setdefault(t.predicate.value, []).append(t.object.value)
    level = values.get(_p("classification"), [""])[0]
    return Marking(
        system=values.get(_p("markingSystem"), [""])[0],
        classification=level,
        dissemination=values.get(_p("disseminationControl"), [None])[0],
        releasable=tuple(sorted(values.get(_p("releasableTo"), []))),
        rank=ranks.get(level, 0),
    )


def accept(store: Store, triples: list[ox.Triple], report: Report, partner: str,
           partner_iri: str, user: str, ranks: dict[str, int], sha256: str,
           note: str = "") -> Acceptance:
    """Replace `partner`'s current data by `triples` as a new version, in one transaction."""
    if not report.conforms:
        raise KGError(f"{report.source}: does not conform; nothing was changed")
    groups = split_by_marking(triples, ranks)
    version = last_version(store, partner) + 1
    current = {partner_graph(partner, m.key): ts for m, ts in groups.items()}
    history = {history_graph(partner, version, m.key): ts for m, ts in groups.items()}
    old = current_graphs(store, partner)
    record = f"{ID}submission/{partner}/{version}"
    update = _meta_update(partner, partner_iri, version, groups, record, user, report,
                          sha256, note)
    fresh = [*history, *(current if not old else ())]  # read by no one until committed
    store.replace({**current, **history}, drop=[g for g in old if g not in current],
                  update=update, fresh=fresh)
    store.flush()
    return Acceptance(partner, version, {g: len(ts) for g, ts in current.items()}, record)


def _lit(value, datatype: str = "string") -> str:
    return str(ox.Literal(str(value), datatype=ox.NamedNode(XSD + datatype)))


def _graph_entry(graph: str, partner_iri: str, marking: Marking, version: int) -> list[str]:
    lines = [f"<{graph}> <{_p('partner')}> <{partner_iri}>",
             f"<{graph}> <{_p('markingSystem')}> <{marking.system}>",
             f"<{graph}> <{_p('classification')}> <{marking.classification}>",
             f"<{graph}> <{_p('rank')}> {_lit(marking.rank, 'integer')}",
             f"<{graph}> <{_p('markingKey')}> {_lit(marking.key)}",
             f"<{graph}> <{_p('version')}> {_lit(version, 'integer')}"]
    if marking.dissemination:
        lines.append(f"<{graph}> <{_p('disseminationControl')}> <{marking.dissemination}>")
    lines += [f"<{graph}> <{_p('releasableTo')}> <{r}>" for r in marking.releasable]
    return lines


def _meta_update(partner: str, partner_iri: str, version: int, groups: dict, record: str,
                 user: str, report: Report, sha256: str, note: str) -> str:
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    lines = [f"<{record}> <{RDF_TYPE}> <{_p('Submission')}>",
             f"<{record}> <{_p('partner')}> <{partner_iri}>",
             f"<{record}> <{_p('partnerCode')}> {_lit(partner)}",
             f"<{record}> <{_p('version')}> {_lit(version, 'integer')}",
             f"<{record}> <{PROV}generatedAtTime> {_lit(now, 'dateTime')}",
             f"<{record}> <{PROV}wasAttributedTo> <{ID}user/{user}>",
             f"<{ID}user/{user}> <{RDF_TYPE}> <{_p('User')}>",
             f"<{record}> <{PROV}wasGeneratedBy> <{record}/acceptance>",
             f"<{record}/acceptance> <{RDF_TYPE}> <{_p('Acceptance')}>",
             f"<{record}/acceptance> <{PROV}endedAtTime> {_lit(now, 'dateTime')}",
             f"<{record}> <{_p('sha256')}> {_lit(sha256)}",
             f"<{record}> <{_p('sourceFile')}> {_lit(report.source)}",
             f"<{record}> <{_p('tripleCount')}> {_lit(report.triples, 'integer')}",
             f"<{record}> <{_p('capabilityCount')}> {_lit(report.capabilities, 'integer')}",
             f"<{record}> <{_p('warningCount')}> {_lit(report.counts()['warning'], 'integer')}"]
    if note:
        lines.append(f"<{record}> <{PREFIXES['rdfs']}comment> {_lit(note)}")
    if version > 1:
        lines.append(f"<{record}> <{PROV}wasRevisionOf> <{ID}submission/{partner}/{version - 1}>")
    for marking in groups:
        for graph in (partner_graph(partner, marking.key),
                      history_graph(partner, version, marking.key)):
            lines += _graph_entry(graph, partner_iri, marking, version)
        lines.append(f"<{record}> <{_p('graph')}> <{history_graph(partner, version, marking.key)}>")
    prefix = partner_graph(partner, "")
    return (
        f"DELETE {{ GRAPH <{META_GRAPH}> {{ ?g ?p ?o }} }} WHERE {{ GRAPH <{META_GRAPH}> "
        f"{{ ?g <{_p('partner')}> ?x ; ?p ?o . FILTER(STRSTARTS(STR(?g), \"{prefix}\")) }} }} ;\n"
        f"INSERT DATA {{ GRAPH <{META_GRAPH}> {{\n" + " .\n".join(lines) + " .\n} }"
    )
