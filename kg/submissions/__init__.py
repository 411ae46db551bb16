"""Partner submissions: read, validate, accept in a mode, and keep every version."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import rdflib

from kg.dataset import Dataset, GraphStore
from kg.errors import KGError
from kg.namespaces import CSIG
from kg.submissions.accept import Acceptance, accept
from kg.submissions.duplicates import possible_duplicates
from kg.submissions.history import Change, diff, history, last_version, version_triples
from kg.submissions.modes import MODES, Withdrawal, check_mode, compose
from kg.submissions.ownership import conflicts, owners, record_existing
from kg.submissions.read import Source, read_bytes, read_path
from kg.submissions.report import Report
from kg.submissions.structure import Structure
from kg.submissions.validate import Context, validate


@dataclass(frozen=True)
class Outcome:
    """What happened to a submission: its report and, when accepted, the new version.

    A conforming submission that would withdraw capabilities and was not confirmed is
    `pending`: nothing changed, and `withdrawals` names what it would withdraw.
    """

    report: Report
    acceptance: Acceptance | None = None
    changes: tuple[Change, ...] = ()
    withdrawals: tuple[Withdrawal, ...] = ()

    @property
    def pending(self) -> bool:
        """Return whether the submission waits for its withdrawals to be confirmed."""
        return self.acceptance is None and self.report.conforms and bool(self.withdrawals)


def ranks(context: Context) -> dict[str, int]:
    """Return the rank of every classification level."""
    graph = context.reference_graph
    return {str(s): int(o) for s, o in graph.subject_objects(rdflib.URIRef(CSIG + "rank"))}


def check(source: Source, context: Context, partner: str | None = None) -> Report:
    """Validate a parsed submission; nothing changes."""
    return validate(source, context, partner)


def read(path: Path, context: Context) -> Source:
    """Read a submission file with the codes the reference data defines."""
    return read_path(path, context.catalogue)


def partner_iri(context: Context, partner: str) -> str:
    """Return the IRI of a partner code, or raise a clear error."""
    try:
        return context.catalogue.partners[partner.upper()]
    except KeyError:
        raise KGError(
            f"unknown partner {partner!r}; use an ISO 3166 alpha-3 code or a "
            "registered organisation code"
        ) from None


def submit(
    store: GraphStore,
    source: Source,
    context: Context,
    partner: str,
    user: str,
    mode: str = "replace",
    confirm: bool = False,
    visible: Callable[[], Dataset] | None = None,
) -> Outcome:
    """Validate a submission and accept it in `mode` ('replace' or 'merge').

    A replace that would withdraw capabilities is only carried out with `confirm`. `visible`
    gives what the submitter may see: new capabilities named like one of it are warned about.
    """
    if check_mode(mode) == "withdraw":
        raise KGError("a withdrawal names capabilities, not a file: use withdraw")
    partner = partner.upper()
    report = validate(source, context, partner)
    if not report.conforms:
        return Outcome(report)
    who = partner_iri(context, partner)
    with store.lock:  # ownership, the current version and the acceptance seen at one moment
        record_existing(store)  # a store accepted before owners were kept learns them once
        report.findings += conflicts(store, source, who)
        if not report.conforms:
            return Outcome(report)
        before = _latest(store, partner)
        plan = compose(before, source.triples, mode)
        if visible is not None:
            known = set(owners(store, (c.value for c in plan.submitted)))
            report.findings += possible_duplicates(store, visible, source, known)
        if plan.withdrawn and not confirm:
            return Outcome(report, withdrawals=plan.withdrawn)
        acceptance = accept(
            store,
            plan.triples,
            report,
            partner,
            who,
            user,
            ranks(context),
            source.sha256,
            mode=mode,
        )
    return Outcome(report, acceptance, tuple(diff(before, plan.triples)), plan.withdrawn)


def withdraw(
    store: GraphStore, context: Context, partner: str, user: str, names: Iterable[str] | None = None
) -> Outcome:
    """Withdraw the named capabilities (all when `names` is None) as a new version."""
    partner = partner.upper()
    who = partner_iri(context, partner)
    with store.lock:
        before = _latest(store, partner)
        if names is None:
            triples, gone = [], compose(before, [], "replace").withdrawn
        else:
            plan = compose(before, [], "withdraw", names)
            triples, gone = plan.triples, plan.withdrawn
        report = Report(
            "withdrawal",
            "store",
            triples=len(triples),
            capabilities=len(Structure.of(triples).capabilities),
        )
        note = "withdrawn: " + ", ".join(w.identifier for w in gone) if gone else "withdrawn"
        acceptance = accept(
            store,
            triples,
            report,
            partner,
            who,
            user,
            ranks(context),
            "",
            note=note,
            mode="withdraw",
        )
    return Outcome(report, acceptance, tuple(diff(before, triples)), gone)


def rollback(
    store: GraphStore,
    context: Context,
    partner: str,
    version: int,
    user: str,
    confirm: bool = False,
) -> Outcome:
    """Make an earlier version current again, recorded as a new version.

    A rollback that would withdraw capabilities added since is carried out only with `confirm`.
    """
    partner = partner.upper()
    who = partner_iri(context, partner)
    with store.lock:
        triples = version_triples(store, partner, version)
        old = next(v for v in history(store, partner) if v.version == version)
        report = Report(
            f"rollback to version {version}",
            "store",
            triples=len(triples),
            capabilities=old.capabilities,
        )
        before = _latest(store, partner)
        plan = compose(before, triples, "replace")
        if plan.withdrawn and not confirm:
            return Outcome(report, withdrawals=plan.withdrawn)
        acceptance = accept(
            store,
            triples,
            report,
            partner,
            who,
            user,
            ranks(context),
            old.sha256,
            note=f"rollback to version {version}",
            mode="rollback",
        )
    return Outcome(report, acceptance, tuple(diff(before, triples)), plan.withdrawn)


def _latest(store: GraphStore, partner: str) -> list:
    version = last_version(store, partner)
    return version_triples(store, partner, version) if version else []


def merged_source(store: GraphStore, source: Source, partner: str) -> Source:
    """Return `source` merged with the partner's current data (Graph Store POST: RDF merge)."""
    current = _latest(store, partner.upper())
    seen = {str(t) for t in source.triples}
    extra = [t for t in current if str(t) not in seen]
    return Source(
        source.name, source.format, extra + source.triples, source.sha256, source.lines, source.rows
    )


__all__ = [
    "MODES",
    "Context",
    "Outcome",
    "Report",
    "Source",
    "check",
    "merged_source",
    "read",
    "read_bytes",
    "rollback",
    "submit",
    "withdraw",
]
