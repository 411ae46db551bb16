"""Accept a conforming submission: split by marking, replace the partner's graphs atomically."""

from __future__ import annotations

import datetime as dt
import urllib.parse
from dataclasses import dataclass

import pyoxigraph as ox

from kg.access import Marking
from kg.dataset import GraphStore
from kg.errors import KGError
from kg.namespaces import CSIG, ID, META_GRAPH, PREFIXES, history_graph, partner_graph
from kg.submissions.history import current_graphs, last_version
from kg.submissions.ownership import ownership_updates
from kg.submissions.report import Report
from kg.submissions.structure import Structure

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


def split_by_marking(triples: list[ox.Triple], ranks: dict[str, int]) -> dict[Marking, list]:
    """Group each capability's statements (with its interfaces and marking) by its marking."""
    structure = Structure.of(triples)
    if structure.unplaced():
        raise KGError(
            f"{structure.unplaced()[0]}: a statement that belongs to no capability "
            "cannot be accepted; nothing was changed"
        )
    caps: dict[Marking, list] = {}
    markings: dict = {}
    for cap in structure.capabilities:
        marks = structure.marking(cap)
        if len(marks) != 1:
            raise KGError(f"{cap}: a capability needs exactly one marking to be accepted")
        if marks[0] not in markings:
            markings[marks[0]] = marking_of(structure.by_subject.get(marks[0], []), ranks)
        caps.setdefault(markings[marks[0]], []).append(cap)
    return {marking: structure.statements(group) for marking, group in caps.items()}


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


@dataclass(frozen=True)
class Staged:
    """A planned acceptance: what one `GraphStore.replace` must write, drop and run to commit it."""

    graphs: dict[str, list]
    drop: list[str]
    update: list[str]  # run in order as one: a remote store sends each on its own
    fresh: list[str]
    acceptance: Acceptance


def accept(
    store: GraphStore,
    triples: list[ox.Triple],
    report: Report,
    partner: str,
    partner_iri: str,
    user: str,
    ranks: dict[str, int],
    sha256: str,
    note: str = "",
    mode: str = "replace",
) -> Acceptance:
    """Replace `partner`'s current data by `triples` as a new version, in one transaction.

    `report` is the validation of what was submitted; the version's own counts are taken from
    `triples`, which differ from the submission in a merge, a withdrawal or a rollback.
    """
    staged = stage(store, triples, report, partner, partner_iri, user, ranks, sha256, note, mode)
    store.replace(staged.graphs, drop=staged.drop, update=staged.update, fresh=staged.fresh)
    store.flush()
    return staged.acceptance


def stage(
    store: GraphStore,
    triples: list[ox.Triple],
    report: Report,
    partner: str,
    partner_iri: str,
    user: str,
    ranks: dict[str, int],
    sha256: str,
    note: str = "",
    mode: str = "replace",
) -> Staged:
    """Plan `accept` without writing, so that several acceptances can commit as one."""
    if not report.conforms:
        raise KGError(f"{report.source}: does not conform; nothing was changed")
    groups = split_by_marking(triples, ranks)
    version = last_version(store, partner) + 1
    current = {partner_graph(partner, m.key): ts for m, ts in groups.items()}
    history = {history_graph(partner, version, m.key): ts for m, ts in groups.items()}
    old = current_graphs(store, partner)
    record = f"{ID}submission/{partner}/{version}"
    size = Report(
        report.source,
        report.format,
        list(report.findings),
        triples=len(set(map(str, triples))),
        capabilities=sum(len(_caps(ts)) for ts in groups.values()),
    )
    update = _meta_update(
        partner, partner_iri, version, groups, record, user, size, sha256, note, mode
    )
    updates = [update, *ownership_updates(partner_iri, triples)]
    fresh = [*history, *(current if not old else ())]  # read by no one until committed
    acceptance = Acceptance(partner, version, {g: len(ts) for g, ts in current.items()}, record)
    return Staged(
        {**current, **history}, [g for g in old if g not in current], updates, fresh, acceptance
    )


def _caps(triples: list[ox.Triple]) -> set:
    return {
        t.subject
        for t in triples
        if t.predicate.value == RDF_TYPE and t.object.value == _p("Capability")
    }


def user_iri(user: str) -> str:
    """Return the IRI that records a user, with the name escaped into one path segment.

    >>> user_iri("gbr officer")
    'https://w3id.org/csig/id/user/gbr%20officer'
    """
    return f"{ID}user/{urllib.parse.quote(user, safe='-._~')}"


def _lit(value, datatype: str = "string") -> str:
    return str(ox.Literal(str(value), datatype=ox.NamedNode(XSD + datatype)))


def _graph_entry(graph: str, partner_iri: str, marking: Marking, version: int) -> list[str]:
    lines = [
        f"<{graph}> <{_p('partner')}> <{partner_iri}>",
        f"<{graph}> <{_p('markingSystem')}> <{marking.system}>",
        f"<{graph}> <{_p('classification')}> <{marking.classification}>",
        f"<{graph}> <{_p('rank')}> {_lit(marking.rank, 'integer')}",
        f"<{graph}> <{_p('markingKey')}> {_lit(marking.key)}",
        f"<{graph}> <{_p('version')}> {_lit(version, 'integer')}",
    ]
    if marking.dissemination:
        lines.append(f"<{graph}> <{_p('disseminationControl')}> <{marking.dissemination}>")
    lines += [f"<{graph}> <{_p('releasableTo')}> <{r}>" for r in marking.releasable]
    return lines


def _meta_update(
    partner: str,
    partner_iri: str,
    version: int,
    groups: dict,
    record: str,
    user: str,
    report: Report,
    sha256: str,
    note: str,
    mode: str,
) -> str:
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    lines = [
        f"<{record}> <{RDF_TYPE}> <{_p('Submission')}>",
        f"<{record}> <{_p('partner')}> <{partner_iri}>",
        f"<{record}> <{_p('partnerCode')}> {_lit(partner)}",
        f"<{record}> <{_p('version')}> {_lit(version, 'integer')}",
        f"<{record}> <{PROV}generatedAtTime> {_lit(now, 'dateTime')}",
        f"<{record}> <{PROV}wasAttributedTo> <{user_iri(user)}>",
        f"<{user_iri(user)}> <{RDF_TYPE}> <{_p('User')}>",
        f"<{record}> <{_p('submissionMode')}> {_lit(mode)}",
        f"<{record}> <{PROV}wasGeneratedBy> <{record}/acceptance>",
        f"<{record}/acceptance> <{RDF_TYPE}> <{_p('Acceptance')}>",
        f"<{record}/acceptance> <{PROV}endedAtTime> {_lit(now, 'dateTime')}",
        f"<{record}> <{_p('sha256')}> {_lit(sha256)}",
        f"<{record}> <{_p('sourceFile')}> {_lit(report.source)}",
        f"<{record}> <{_p('tripleCount')}> {_lit(report.triples, 'integer')}",
        f"<{record}> <{_p('capabilityCount')}> {_lit(report.capabilities, 'integer')}",
        f"<{record}> <{_p('warningCount')}> {_lit(report.counts()['warning'], 'integer')}",
    ]
    if note:
        lines.append(f"<{record}> <{PREFIXES['rdfs']}comment> {_lit(note)}")
    if version > 1:
        lines.append(f"<{record}> <{PROV}wasRevisionOf> <{ID}submission/{partner}/{version - 1}>")
    for marking in groups:
        for graph in (
            partner_graph(partner, marking.key),
            history_graph(partner, version, marking.key),
        ):
            lines += _graph_entry(graph, partner_iri, marking, version)
        lines.append(f"<{record}> <{_p('graph')}> <{history_graph(partner, version, marking.key)}>")
    prefix = partner_graph(partner, "")
    return (
        f"DELETE {{ GRAPH <{META_GRAPH}> {{ ?g ?p ?o }} }} WHERE {{ GRAPH <{META_GRAPH}> "
        f'{{ ?g <{_p("partner")}> ?x ; ?p ?o . FILTER(STRSTARTS(STR(?g), "{prefix}")) }} }} ;\n'
        f"INSERT DATA {{ GRAPH <{META_GRAPH}> {{\n" + " .\n".join(lines) + " .\n} }"
    )
