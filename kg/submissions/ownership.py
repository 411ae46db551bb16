"""Ownership: a capability, its interfaces and its marking nodes belong to their first submitter.

The owners graph records `<node> csig:ownedBy <partner>` for every node of every accepted
version and never removes it, so a withdrawn identifier stays its partner's. Another partner's
submission that says anything about such a node, or links one as its own marking or interface,
is refused; the refusal names the node and nothing about its owner.

The records have a graph of their own, apart from the meta graph, so that an acceptance only
adds to it: a remote store then stages the additions alone instead of copying a graph that
grows with the whole store. Older stores kept them in the meta graph: they are read in both
places until `record_existing` (run by `kg init` and by every submission) moves them.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from kg.dataset import Dataset, GraphStore
from kg.namespaces import CSIG, META_GRAPH, OWNERS_GRAPH, sparql_prefixes
from kg.submissions.read import Source
from kg.submissions.report import Finding
from kg.submissions.structure import Structure, identifier

OWNED_BY = CSIG + "ownedBy"
META = Dataset((META_GRAPH,))
OWNERS = Dataset((OWNERS_GRAPH, META_GRAPH))  # the meta graph: records of older stores
BATCH = 2000  # subjects per lookup: keeps each query's VALUES block small
PER_INSERT = 500  # owners per INSERT DATA (see insert_owners)
RECORDED = f"SELECT ?node WHERE {{ ?node <{OWNED_BY}> ?owner }} LIMIT 1"
# One operation, so that a remote store (which commits operation by operation) moves them at once.
MOVE_FROM_META = (
    f"DELETE {{ GRAPH <{META_GRAPH}> {{ ?n <{OWNED_BY}> ?o }} }} "
    f"INSERT {{ GRAPH <{OWNERS_GRAPH}> {{ ?n <{OWNED_BY}> ?o }} }} "
    f"WHERE {{ GRAPH <{META_GRAPH}> {{ ?n <{OWNED_BY}> ?o }} }}"
)
VERSIONS = (
    sparql_prefixes(("csig", "prov"))
    + """
SELECT ?partner ?g WHERE {
  ?s a csig:Submission ; csig:partner ?partner ; csig:graph ?g ; prov:generatedAtTime ?time .
} ORDER BY ?time
"""
)


def owners(store: GraphStore, nodes: Iterable[str]) -> dict[str, str]:
    """Return the owner (a partner IRI) of each node that has one."""
    wanted = sorted(set(nodes))
    found: dict[str, str] = {}
    for start in range(0, len(wanted), BATCH):
        values = " ".join(f"<{n}>" for n in wanted[start : start + BATCH])
        rows = store.select(
            f"SELECT ?n ?o WHERE {{ VALUES ?n {{ {values} }} ?n <{OWNED_BY}> ?o }}", OWNERS
        )
        found.update((r["n"].value, r["o"].value) for r in rows)
    return found


def claimed(structure: Structure) -> set[str]:
    """Return the nodes a submission describes or links as its own (IRIs only)."""
    return {
        n.value for n in structure.nodes | set(structure.by_subject) if isinstance(n, ox.NamedNode)
    }


def conflicts(store: GraphStore, source: Source, partner_iri: str) -> list[Finding]:
    """Return a violation for every node of `source` that belongs to another partner."""
    structure = Structure.of(source.triples)
    taken = {n: o for n, o in owners(store, claimed(structure)).items() if o != partner_iri}
    return [_conflict(node, structure, source) for node in sorted(taken)]


def _conflict(node: str, structure: Structure, source: Source) -> Finding:
    cap = next(
        (c for c, own in structure.capabilities.items() if node in {n.value for n in own}), None
    )
    where = cap.value if cap is not None else node
    return Finding(
        "violation",
        f"<{node}> belongs to another partner: a partner describes only its own "
        "capabilities, interfaces and markings. Give yours an identifier of its own, or link "
        "to the other partner's capability (hostedOn) instead of describing it",
        field="identifier",
        value=node,
        capability=identifier(cap) if cap else "",
        subject=node,
        row=source.rows.get(where),
        line=source.lines.get(node),
    )


def ownership_updates(partner_iri: str, triples: list[ox.Triple]) -> list[str]:
    """Return updates recording `partner_iri` as the owner of the version's nodes."""
    nodes = sorted(claimed(Structure.of(triples)))
    return insert_owners([(n, partner_iri) for n in nodes])


def insert_owners(pairs: list[tuple[str, str]]) -> list[str]:
    """Return `INSERT DATA` updates recording (node, owner) pairs, PER_INSERT pairs each.

    Virtuoso refuses an `INSERT DATA` of a few thousand statements ("generated SQL text has
    exceeded 10000 lines") and a request of some megabytes ("SQ199: Maximum size (32767) of
    a code vector exceeded"), both met by a 1M-statement benchmark. `GraphStore.replace`
    runs such a list as one, and a remote store sends each update on its own.

    >>> len(insert_owners([("urn:n", "urn:p")] * 1001)), insert_owners([])
    (3, [])
    """
    ops = []
    for start in range(0, len(pairs), PER_INSERT):
        batch = pairs[start : start + PER_INSERT]
        lines = " .\n".join(f"<{n}> <{OWNED_BY}> <{o}>" for n, o in batch)
        ops.append(f"INSERT DATA {{ GRAPH <{OWNERS_GRAPH}> {{\n{lines} .\n}} }}")
    return ops


def record_existing(store: GraphStore) -> int:
    """Record owners for a store accepted before ownership was kept; return nodes recorded.

    Each node goes to the partner whose accepted version held it first. Records kept in the
    meta graph by older stores are moved to the owners graph first.
    """
    if store.select(RECORDED, META):
        store.update(MOVE_FROM_META)
        return 0
    if store.select(RECORDED, OWNERS):
        return 0
    first: dict[str, str] = {}
    for row in store.select(VERSIONS, META):
        for node in claimed(Structure.of(store.triples(row["g"].value))):
            first.setdefault(node, row["partner"].value)
    if first:
        store.replace({}, update=insert_owners(sorted(first.items())))
    return len(first)
