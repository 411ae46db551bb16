"""Build the store from ontology/ and data/: public graphs from files, partners as submissions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from kg.access import full_dataset, viewer_dataset
from kg.content import Content, read_files
from kg.errors import KGError
from kg.store import Store
from kg.submissions import Context, read, submit
from kg.submissions.history import current_graphs, last_version, version_triples

SEED_USER = "seed-loader"


@dataclass
class BuildResult:
    """What `kg init` did: graphs loaded and the partner versions accepted or unchanged."""

    graphs: dict[str, int] = field(default_factory=dict)
    accepted: dict[str, int] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)
    warnings: int = 0


def build(store: Store, content: Content, progress: Callable[[str], None] = lambda _: None,
          context: Context | None = None) -> BuildResult:
    """Load the public graphs, then submit every seed partner file through the pipeline."""
    result = BuildResult()
    store.clear_staging()
    new = isinstance(store, Store) and not store.graphs()
    if new:
        store.bulk = True  # uncommitted graphs are invisible, so a new store may load in bulk
    try:
        return _build(store, content, progress, context or Context(content), result)
    finally:
        if new:
            store.bulk = False


def _build(store: Store, content: Content, progress: Callable[[str], None], context: Context,
           result: BuildResult) -> BuildResult:
    for graph, paths in content.graph_files().items():
        triples = read_files(paths)
        store.replace({graph: triples})
        result.graphs[graph] = len(triples)
        progress(f"loaded {graph} ({len(triples)} statements)")
    for path in content.partner_files():
        partner = path.stem
        source = read(path, context)
        if _unchanged(store, partner, source.triples):
            result.unchanged.append(partner)
            progress(f"{partner}: unchanged (version {last_version(store, partner)})")
            continue
        outcome = submit(store, source, context, partner, SEED_USER)
        if outcome.acceptance is None:
            raise KGError(f"{path}: seed submission rejected\n{outcome.report.to_text()}")
        result.accepted[partner] = outcome.acceptance.version
        result.warnings += outcome.report.counts()["warning"]
        progress(f"{partner}: accepted as version {outcome.acceptance.version}")
    viewer_dataset(store)  # the public and administrator views now, in bulk while new
    full_dataset(store)
    progress("built the views of the public and of administrators")
    return result


def _unchanged(store: Store, partner: str, triples: list) -> bool:
    """Return whether the partner's latest version already holds exactly `triples`."""
    version = last_version(store, partner)
    if not version or not current_graphs(store, partner):
        return False
    return set(map(str, version_triples(store, partner, version))) == set(map(str, triples))

