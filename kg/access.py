"""Markings and viewers: which named graphs a viewer may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.dataset import Dataset, GraphStore
from kg.namespaces import GRAPH, META_GRAPH, ONTOLOGY_GRAPH, PREFIXES, sparql_prefixes

CLS = PREFIXES["cls"]
NOFORN = PREFIXES["dissem"] + "NOFORN"
REL = PREFIXES["dissem"] + "REL"


@dataclass(frozen=True)
class Marking:
    """A parsed marking: system, classification, dissemination control, release list."""

    system: str
    classification: str
    dissemination: str | None = None
    releasable: tuple[str, ...] = ()
    rank: int = 0

    @property
    def key(self) -> str:
        """Return the short, stable key used in graph IRIs.

        >>> Marking(CLS + "US", CLS + "US-S", REL, ("https://w3id.org/csig/id/nation/USA",)).key
        'us-s-rel-usa'
        """
        system = _local(self.system)
        level = _local(self.classification).removeprefix(system + "-")
        parts = [system, level]
        if self.dissemination:
            parts.append({NOFORN: "nf", REL: "rel"}.get(self.dissemination, "x"))
        parts += sorted(_local(r) for r in self.releasable)
        return "-".join(parts).lower()

    @property
    def public(self) -> bool:
        """Return whether anyone, signed in or not, may see data under this marking."""
        return self.rank == 0 and self.dissemination is None


@dataclass(frozen=True)
class Viewer:
    """Who is looking: a nation or organisation, a clearance rank and roles."""

    name: str = "anonymous"
    nation: str | None = None
    organisation: str | None = None
    clearance: int = 0
    roles: tuple[str, ...] = ()
    partner: str | None = None
    anonymous: bool = True

    def may(self, role: str) -> bool:
        """Return whether the viewer holds `role` (admins hold every role)."""
        return role in self.roles or "admin" in self.roles


ANONYMOUS = Viewer()


@dataclass(frozen=True)
class GraphEntry:
    """A partner graph as the access model sees it."""

    graph: str
    partner: str
    marking: Marking
    coalitions: frozenset[str] = field(default_factory=frozenset)


def _local(iri: str) -> str:
    """Return the last path segment of an IRI."""
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def public_base_graphs(store: GraphStore) -> list[str]:
    """Return the ontology and reference graphs, public to everyone."""
    return [g for g in store.graphs() if g == ONTOLOGY_GRAPH or g.startswith(GRAPH + "reference/")]


GRAPH_MARKINGS = (
    sparql_prefixes(("csig", "skos"))
    + """
SELECT ?g ?partner ?system ?cls ?rank ?dissem (GROUP_CONCAT(STR(?rel); separator=" ") AS ?rels)
WHERE {
  ?g csig:partner ?partner ; csig:markingSystem ?system ; csig:classification ?cls ;
     csig:rank ?rank .
  OPTIONAL { ?g csig:disseminationControl ?dissem }
  OPTIONAL { ?g csig:releasableTo ?rel }
  FILTER(STRSTARTS(STR(?g), ?_prefix))
} GROUP BY ?g ?partner ?system ?cls ?rank ?dissem
"""
)


def partner_graphs(store: GraphStore, prefix: str = GRAPH + "partner/") -> list[GraphEntry]:
    """Return every partner graph under `prefix` (default: the current ones) with its marking."""
    rows = store.select(GRAPH_MARKINGS, Dataset((META_GRAPH,)), {"_prefix": ox.Literal(prefix)})
    entries = []
    for row in rows:
        marking = Marking(
            system=row["system"].value,
            classification=row["cls"].value,
            dissemination=row["dissem"].value if "dissem" in row else None,
            releasable=tuple(sorted(row["rels"].value.split())) if "rels" in row else (),
            rank=int(row["rank"].value),
        )
        entries.append(GraphEntry(row["g"].value, row["partner"].value, marking))
    return entries


MEMBERSHIPS = (
    sparql_prefixes(("csig",))
    + """
SELECT ?member ?coalition ?start ?end WHERE {
  ?m a csig:Membership ; csig:member ?member ; csig:coalition ?coalition .
  OPTIONAL { ?m csig:startDate ?start } OPTIONAL { ?m csig:endDate ?end }
}
"""
)


def coalitions_of(store: GraphStore, partner_iri: str, on: dt.date | None = None) -> set[str]:
    """Return the coalitions `partner_iri` belongs to on a date (default today)."""
    day = (on or dt.date.today()).isoformat()
    rows = store.select(MEMBERSHIPS, Dataset(tuple(public_base_graphs(store))))
    return {
        r["coalition"].value
        for r in rows
        if r["member"].value == partner_iri
        and (not r.get("start") or r["start"].value[:10] <= day)
        and (not r.get("end") or r["end"].value[:10] >= day)
    }


def may_see(viewer: Viewer, entry: GraphEntry, coalitions: set[str]) -> bool:
    """Return whether `viewer` may see a partner graph under its marking."""
    marking = entry.marking
    if marking.public:
        return True
    if viewer.anonymous or viewer.clearance < marking.rank:
        return False
    if entry.partner in (_nation_iri(viewer), _org_iri(viewer)):
        return True
    if marking.dissemination != REL:
        return False
    audience = {_nation_iri(viewer), _org_iri(viewer)} | coalitions
    return bool(audience & set(marking.releasable))


def _nation_iri(viewer: Viewer) -> str | None:
    return f"{PREFIXES['id']}nation/{viewer.nation}" if viewer.nation else None


def _org_iri(viewer: Viewer) -> str | None:
    if not viewer.organisation:
        return None
    return f"{PREFIXES['id']}coalition/{viewer.organisation}"


def materialised(store: GraphStore, graphs: list[str]) -> Dataset:
    """Return the dataset of `graphs`, reading their view graph (see kg.views)."""
    from kg.views import materialised as through_view

    return through_view(store, graphs)


def viewer_coalitions(store: GraphStore, viewer: Viewer) -> set[str]:
    """Return the coalitions the viewer's nation or organisation belongs to today."""
    coalitions: set[str] = set()
    if not viewer.anonymous:
        for who in (_nation_iri(viewer), _org_iri(viewer)):
            if who:
                coalitions |= coalitions_of(store, who)
    return coalitions


def visible_graphs(store: GraphStore, viewer: Viewer = ANONYMOUS) -> list[str]:
    """Return the graphs `viewer` may see: public graphs plus releasable partner graphs."""
    coalitions = viewer_coalitions(store, viewer)
    return public_base_graphs(store) + [
        e.graph for e in partner_graphs(store) if may_see(viewer, e, coalitions)
    ]


def viewer_dataset(store: GraphStore, viewer: Viewer = ANONYMOUS) -> Dataset:
    """Return the dataset `viewer` may query: public graphs plus releasable partner graphs."""
    return materialised(store, visible_graphs(store, viewer))


def full_dataset(store: GraphStore) -> Dataset:
    """Return every current graph: what an administrator on the command line sees."""
    return materialised(store, public_base_graphs(store) + [e.graph for e in partner_graphs(store)])
