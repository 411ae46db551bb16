"""Build the store from ontology/ and data/: public graphs from files, partners as submissions.

Start-up never changes a partner's data: on an existing store, `build` refreshes only the
project-owned graphs (ontology, vocabularies, reference data) and seeds a bundled partner file
only for a partner that has never had a version. Starting over is `reset`, which keeps a dump.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.access import full_dataset, viewer_dataset
from kg.content import Content, read_files
from kg.dataset import GraphStore, continue_from
from kg.errors import KGError
from kg.namespaces import GRAPH, ONTOLOGY_GRAPH
from kg.progress import Advance, task
from kg.submissions import Context, read, submit
from kg.submissions.history import history, last_version
from kg.submissions.ownership import record_existing

SEED_USER = "seed-loader"
PROJECT_GRAPHS = (ONTOLOGY_GRAPH, GRAPH + "reference/")


@dataclass
class BuildResult:
    """What `kg init` did: graphs refreshed, partners seeded, partners' data left as accepted."""

    graphs: dict[str, int] = field(default_factory=dict)
    refreshed: list[str] = field(default_factory=list)
    accepted: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)
    warnings: int = 0


def build(
    store: GraphStore,
    content: Content,
    progress: Callable[[str], None] = lambda _: None,
    context: Context | None = None,
    readers: bool = False,
) -> BuildResult:
    """Refresh the project's graphs, then seed partners that have never had a version.

    A new embedded store is loaded in bulk (faster, not transactional) unless it may have
    `readers` already, as when a running server carries out `kg init`.
    """
    result = BuildResult()
    store.clear_staging()
    new = store.embedded and not readers and not store.graphs()
    if new:
        store.bulk = True  # uncommitted graphs are invisible, so a new store may load in bulk
    steps = len(content.graph_files()) + len(content.partner_files()) + 1
    with task("kg init", steps) as advance:
        try:
            with store.lock:
                _refresh(store, content, progress, result, advance)
                record_existing(store)
                _seed(store, content, progress, context or Context(content), result, advance)
                viewer_dataset(store)  # the public and administrator views, in bulk while new
                full_dataset(store)
                advance()
        finally:
            if new:
                store.bulk = False
                store.flush()
    progress("built the views of the public and of administrators")
    return result


def _refresh(
    store: GraphStore,
    content: Content,
    progress: Callable[[str], None],
    result: BuildResult,
    advance: Advance = lambda steps=1: None,
) -> None:
    """Replace the project-owned graphs that changed, and drop those no file holds, at once."""
    wanted = {}
    for graph, paths in content.graph_files().items():
        wanted[graph] = read_files(paths)
        advance()
    stale = [g for g in store.graphs() if g.startswith(PROJECT_GRAPHS) and g not in wanted]
    changed = {g: ts for g, ts in wanted.items() if not same_graph(ts, store.triples(g))}
    if changed or stale:
        store.replace(changed, drop=stale)
    for graph, triples in wanted.items():
        result.graphs[graph] = len(triples)
        if graph in changed:
            result.refreshed.append(graph)
            progress(f"loaded {graph} ({len(triples)} statements)")
    for graph in stale:
        progress(f"dropped {graph}: no file holds it any more")


def same_graph(one: list[ox.Triple], other: list[ox.Triple]) -> bool:
    """Return whether two graphs are the same, blank nodes compared by RDF canonicalization."""
    if len(set(map(str, one))) == len(set(map(str, other))) and {str(t) for t in one} == {
        str(t) for t in other
    }:
        return True
    if not any(
        isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in one
    ):
        return False
    first, second = (
        ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in graph)
        for graph in (one, other)
    )
    for dataset in (first, second):
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return first == second


def _seed(
    store: GraphStore,
    content: Content,
    progress: Callable[[str], None],
    context: Context,
    result: BuildResult,
    advance: Advance = lambda steps=1: None,
) -> None:
    """Submit each bundled partner file whose partner has never had a version."""
    for path in content.partner_files():
        advance()
        partner = path.stem.upper()
        if version := last_version(store, partner):
            result.kept[partner] = version
            progress(
                f"{partner}: kept as accepted (version {version}); "
                f"{path.name} is applied only to a store that never had {partner}'s data"
            )
            continue
        outcome = submit(store, read(path, context), context, partner, SEED_USER)
        if outcome.acceptance is None:
            raise KGError(f"{path}: seed submission rejected\n{outcome.report.to_text()}")
        result.accepted[partner] = outcome.acceptance.version
        result.warnings += outcome.report.counts()["warning"]
        progress(f"{partner}: seeded as version {outcome.acceptance.version}")
    if result.kept:
        progress(
            "kept as accepted (bundled files seed only partners that never had data): "
            + ", ".join(f"{p} v{v}" for p, v in result.kept.items())
        )


def partners_with_data(store: GraphStore) -> dict[str, int]:
    """Return each partner with versions and how many: what a reset would discard."""
    from kg.integrity import partners_with_history

    return {p: len(history(store, p)) for p in partners_with_history(store)}


def reset(
    store: GraphStore,
    content: Content,
    backup: Path,
    progress: Callable[[str], None] = lambda _: None,
    readers: bool = False,
) -> BuildResult:
    """Keep a dump of the whole store in `backup`, empty the store, and build it anew."""
    count = store.dump(backup)
    progress(f"kept a dump of {count} statements in {backup} (`kg restore` brings it back)")
    generation = store.generation() if store.embedded else None
    store.clear()
    if generation is not None:
        store.update(continue_from(generation + 1))
    return build(store, content, progress, readers=readers)


def backup_path(store: GraphStore) -> Path:
    """Return where a reset keeps its dump: beside the store, stamped with the time."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = Path(store.path).parent if store.path else Path.cwd()
    return folder / f"before-reset-{stamp}.nq"
