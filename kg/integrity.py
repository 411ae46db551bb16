"""Store integrity: every partner holds exactly one accepted version, never a mix."""

from __future__ import annotations

from kg.dataset import Dataset, GraphStore
from kg.namespaces import GRAPH, META_GRAPH
from kg.submissions.history import history, version_graphs

STAGING = GRAPH + "staging/"


def partners_with_history(store: GraphStore) -> list[str]:
    """Return the codes of partners that have at least one accepted version."""
    rows = store.select(
        "SELECT DISTINCT ?p WHERE { ?s <https://w3id.org/csig/ont#partnerCode> ?p }",
        Dataset((META_GRAPH,)),
    )
    return sorted(r["p"].value for r in rows)


def check_partner(store: GraphStore, partner: str) -> list[str]:
    """Compare a partner's current graphs with its latest version, graph by graph."""
    latest = history(store, partner)[-1].version
    kept = {g.rsplit("/", 1)[1]: g for g in version_graphs(store, partner, latest)}
    prefix = f"{GRAPH}partner/{partner}/"
    current = {g.removeprefix(prefix): g for g in store.graphs() if g.startswith(prefix)}
    problems = []
    if set(kept) != set(current):
        problems.append(
            f"{partner}: current markings {sorted(current)} differ from version "
            f"{latest}'s {sorted(kept)}"
        )
    for key in set(kept) & set(current):
        if {str(t) for t in store.triples(kept[key])} != {
            str(t) for t in store.triples(current[key])
        }:
            problems.append(f"{partner}: graph {key} differs from version {latest}")
    return problems


def uncommitted(store: GraphStore) -> list[str]:
    """Return partner and history graphs with no entry in the meta graph.

    An acceptance writes a new version's graphs in place and commits them by writing their
    meta entries; an interrupted one can leave them behind. No viewer's dataset includes a
    graph without a meta entry, and the next acceptance of that version replaces it.
    """
    rows = store.select(
        "SELECT DISTINCT ?g WHERE { ?g <https://w3id.org/csig/ont#partner> ?p }",
        Dataset((META_GRAPH,)),
    )
    committed = {r["g"].value for r in rows}
    prefixes = (GRAPH + "partner/", GRAPH + "history/")
    return [g for g in store.graphs() if g.startswith(prefixes) and g not in committed]


def verify(store: GraphStore) -> list[str]:
    """Return every integrity problem of the store (empty when it is sound)."""
    problems = [
        f"interrupted write left staging graph <{g}> (harmless; removed at next start)"
        for g in store.graphs()
        if g.startswith(STAGING)
    ]
    problems += [
        f"interrupted write left uncommitted graph <{g}> (harmless: no viewer sees "
        "it; the next acceptance of that version replaces it)"
        for g in uncommitted(store)
    ]
    for partner in partners_with_history(store):
        problems += check_partner(store, partner)
    return problems
