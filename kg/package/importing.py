"""Import a verified release package: every change it brings in one transaction, or nothing.

A partner's imported data becomes that partner's next version here (mode `import`), with its
history kept, provenance recorded (package, signer, each graph's version at the source) and
ownership as for any acceptance. The package never silently replaces data that was not
imported from the same sender for the same viewer: such a partner refuses the whole import
unless the importer chose, by name, to keep the local data (`keep_local`: that partner's
graphs in the package are not loaded) or to replace it (`replace_local`, carried out only with
`confirm`, and only from a full package; the local versions stay in the history).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kg.errors import KGError
from kg.namespaces import GRAPH, history_graph
from kg.package import records
from kg.package.canonical import digest, graph_text
from kg.package.manifest import Manifest
from kg.package.verify import BASE, Verified
from kg.submissions.accept import stage
from kg.submissions.history import history, version_triples
from kg.submissions.modes import Withdrawal, compose
from kg.submissions.ownership import claimed, owners, record_existing
from kg.submissions.report import Report
from kg.submissions.structure import Structure

PARTNER = GRAPH + "partner/"


@dataclass(frozen=True)
class LocalData:
    """A partner whose current data here was not imported from this sender for this viewer."""

    partner: str
    version: int
    mode: str
    user: str
    withdrawals: tuple[Withdrawal, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """What an import did, or, when `pending`, the local data it waits to replace."""

    package: str
    versions: dict[str, int] = field(default_factory=dict)
    written: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    pending: tuple[LocalData, ...] = ()


@dataclass
class Plan:
    """Everything one `GraphStore.replace` writes, drops and records."""

    graphs: dict = field(default_factory=dict)
    drop: list[str] = field(default_factory=list)
    fresh: list[str] = field(default_factory=list)
    updates: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def import_package(
    store, verified: Verified, user: str, keep_local=(), replace_local=(), confirm: bool = False
) -> Outcome:
    """Import a verified package into `store` as one transaction (see the module's rules)."""
    manifest = verified.manifest
    with store.lock:  # the chain, the partners' versions and the commit seen at one moment
        record_existing(store)
        last = records.last_package(store, manifest.signer, manifest.viewer)
        _check_chain(store, verified, last)
        touched = _touched(manifest, last)
        local = _local(store, touched, manifest)
        _check_choices(local, set(keep_local), set(replace_local), manifest, verified.name)
        replacing = [p for p in local if p in replace_local]
        if replacing and not confirm:
            return Outcome(
                manifest.id,
                pending=tuple(
                    _withdrawals(store, local[p], _graphs(store, verified, p, True))
                    for p in replacing
                ),
            )
        plan = Plan()
        versions = {
            p: _stage_partner(store, verified, p, p in replace_local, user, plan)
            for p in sorted(touched)
            if p not in keep_local or p not in local
        }
        written, dropped = _stage_base(store, verified, last, plan)
        plan.lines += records.package_lines(manifest, verified.manifest_sha256)
        _commit(store, plan)
    kept = tuple(sorted(p for p in local if p in keep_local))
    return Outcome(manifest.id, versions, written, dropped, kept)


def _commit(store, plan: Plan) -> None:
    """Write the plan in one transaction; an empty on-disk store is filled in bulk.

    As `kg init` does for a new store (kg.build): in an empty store no one reads the graphs
    being written, and only the final update, which stays one transaction, commits them.
    """
    bulk = store.embedded and store.path is not None and not store.graphs()
    store.bulk = store.bulk or bulk
    try:
        store.replace(
            plan.graphs,
            drop=plan.drop,
            fresh=plan.fresh,
            update=[*plan.updates, records.insert(plan.lines)],
        )
    finally:
        if bulk:
            store.bulk = False
    store.flush()


def _check_chain(store, verified: Verified, last: records.Imported | None) -> None:
    """Refuse a package already imported, out of order, or older than the last one."""
    manifest, name = verified.manifest, verified.name
    if records.imported_before(store, manifest.id):
        raise KGError(f"{name}: package {manifest.id} was imported already; nothing changed")
    sender = f"from this sender for {manifest.viewer}"
    if manifest.kind == "incremental":
        if last is None:
            raise KGError(
                f"{name}: an incremental package follows {manifest.follows['id']}, but "
                f"this store has imported no package {sender}: import the full "
                "package first"
            )
        if manifest.follows["manifest_sha256"] != last.manifest_sha256:
            raise KGError(
                f"{name}: follows package {manifest.follows['id']}, but the last "
                f"package imported {sender} is {last.id}: import the packages in "
                "the order they were made"
            )
        after = {g: h for g, h in last.state.items() if g not in manifest.removed}
        if after | {e.name: e.sha256 for e in manifest.graphs} != manifest.state:
            raise KGError(f"{name}: its state does not follow from the state of {last.id}")
    elif last is not None and _moment(manifest.created) < _moment(last.created):
        raise KGError(
            f"{name}: made {manifest.created}, before the last package imported "
            f"{sender} ({last.id}, made {last.created}); nothing changed"
        )


def _moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _by_partner(state: dict[str, str]) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for graph, sha in state.items():
        if graph.startswith(PARTNER):
            found.setdefault(graph.removeprefix(PARTNER).split("/")[0], {})[graph] = sha
    return found


def _touched(manifest: Manifest, last: records.Imported | None) -> set[str]:
    """Return the partners whose graphs the package changes against the last package."""
    new, old = _by_partner(manifest.state), _by_partner(last.state if last else {})
    return {p for p in set(new) | set(old) if new.get(p) != old.get(p)}


def _local(store, touched: set[str], manifest: Manifest) -> dict[str, LocalData]:
    """Return the touched partners whose current data did not come from this sender."""
    found = {}
    for partner in sorted(touched):
        versions = history(store, partner)
        if not versions:
            continue
        latest = versions[-1]
        source = records.origin(store, partner, latest.version)
        if latest.mode != "import" or source != (manifest.signer, manifest.viewer):
            found[partner] = LocalData(partner, latest.version, latest.mode, latest.user)
    return found


def _check_choices(
    local: dict[str, LocalData], keep: set[str], replace: set[str], manifest: Manifest, name: str
) -> None:
    """Refuse when local data would be replaced without the importer having chosen so."""
    if keep & replace:
        raise KGError(f"{', '.join(sorted(keep & replace))}: either keep or replace local data")
    undecided = [d for p, d in local.items() if p not in keep | replace]
    if undecided:
        said = "; ".join(
            f"{d.partner} (version {d.version}, {d.mode} by {d.user})" for d in undecided
        )
        codes = ",".join(d.partner for d in undecided)
        raise KGError(
            f"{name}: this store holds data of {said} that did not come from this "
            f"sender for {manifest.viewer}; importing would replace it. Nothing was "
            f"imported. Keep it with --keep-local {codes} (the package's graphs of "
            f"those partners are not loaded), or make the package's data their new "
            f"version with --replace-local {codes} --confirm (every local version "
            "stays in the history)"
        )
    if manifest.kind == "incremental" and replace & set(local):
        raise KGError(
            f"{name}: an incremental package holds only what changed; replace local "
            "data from a full package"
        )


def _graphs(store, verified: Verified, partner: str, replace: bool) -> dict[str, list]:
    """Return the partner's graphs as the package leaves them: its own, then those kept."""
    manifest = verified.manifest
    mine = {g for g in manifest.state if g.startswith(f"{PARTNER}{partner}/")}
    found = {g: ts for g, ts in verified.graphs.items() if g in mine}
    present = set(store.graphs()) if mine - set(found) else set()
    for graph in sorted(mine - set(found)):  # unchanged in an incremental: as imported before
        if replace or graph not in present:
            raise KGError(
                f"{verified.name}: this store lacks <{graph}>, which the package "
                "leaves unchanged: import a full package"
            )
        found[graph] = store.triples(graph)
    return found


def _withdrawals(store, local: LocalData, graphs: dict[str, list]) -> LocalData:
    before = version_triples(store, local.partner, local.version)
    after = [t for ts in graphs.values() for t in ts]
    return LocalData(
        local.partner,
        local.version,
        local.mode,
        local.user,
        compose(before, after, "replace").withdrawn,
    )


def _stage_partner(
    store, verified: Verified, partner: str, replace: bool, user: str, plan: Plan
) -> int:
    """Plan the partner's next version from the package; return its number."""
    manifest = verified.manifest
    graphs = _graphs(store, verified, partner, replace)
    triples = [t for g in sorted(graphs) for t in graphs[g]]
    entries = {e.name: e for e in manifest.graphs if e.partner == partner}
    iris = {e.partner_iri for e in entries.values()} or {records.partner_iri(store, partner)}
    if len(iris) != 1 or None in iris:
        raise KGError(f"{verified.name}: the graphs of {partner} name more than one partner")
    iri = iris.pop()
    _check_owners(store, triples, iri, partner, verified.name)
    staged = stage(
        store,
        triples,
        Report(verified.name, "package", triples=len(triples)),
        partner,
        iri,
        user,
        verified.ranks,
        verified.sha256,
        mode="import",
        note=f"imported from package {manifest.id} made {manifest.created}",
    )
    before = records.sources(store, f"{PARTNER}{partner}/")
    version = staged.acceptance.version
    plan.lines.append(records.record_line(staged.acceptance.submission, manifest.id))
    for graph in staged.acceptance.graphs:
        entry = entries.get(graph)
        source = (entry.version, manifest.id) if entry else before.get(graph)
        if source:
            key = graph.rsplit("/", 1)[-1]
            for target in (graph, history_graph(partner, version, key)):
                plan.lines += records.source_lines(target, *source)
    plan.graphs.update(staged.graphs)
    plan.drop += staged.drop
    plan.fresh += staged.fresh
    plan.updates += staged.update
    return version


def _check_owners(store, triples: list, iri: str, partner: str, name: str) -> None:
    """Refuse data that describes a node another partner owns in this store."""
    taken = sorted(n for n, o in owners(store, claimed(Structure.of(triples))).items() if o != iri)
    if taken:
        raise KGError(
            f"{name}: <{taken[0]}> is {partner}'s in the package, but belongs to "
            "another partner in this store; nothing was imported"
        )


def _stage_base(
    store, verified: Verified, last: records.Imported | None, plan: Plan
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Plan the ontology and reference graphs: write those that differ, drop those removed."""
    manifest = verified.manifest
    present = set(store.graphs())
    written = tuple(
        e.name
        for e in manifest.graphs
        if e.kind != "partner"
        and (e.name not in present or digest(graph_text(store, e.name)) != e.sha256)
    )
    plan.graphs.update({g: verified.graphs[g] for g in written})
    gone = (
        set(manifest.removed)
        if manifest.kind == "incremental"
        else (set(last.state) - set(manifest.state) if last else set())
    )
    dropped = tuple(sorted(g for g in gone if g.startswith(BASE) and g in present))
    plan.drop += dropped
    return written, dropped
