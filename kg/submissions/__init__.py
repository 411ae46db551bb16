"""Partner submissions: read, validate, accept, and keep every version."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import rdflib

from kg.errors import KGError
from kg.namespaces import CSIG
from kg.store import Store
from kg.submissions.accept import Acceptance, accept
from kg.submissions.history import Change, diff, history, last_version, version_triples
from kg.submissions.read import Source, read_bytes, read_path
from kg.submissions.report import Report
from kg.submissions.validate import Context, validate


@dataclass(frozen=True)
class Outcome:
    """What happened to a submission: its report and, when accepted, the new version."""

    report: Report
    acceptance: Acceptance | None = None
    changes: tuple[Change, ...] = ()


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


def submit(store: Store, source: Source, context: Context, partner: str,
           user: str) -> Outcome:
    """Validate and, when nothing blocks it, accept a submission as the partner's new version."""
    report = validate(source, context, partner)
    if not report.conforms:
        return Outcome(report)
    partner_iri = context.catalogue.partners[partner.upper()]
    with store.lock:
        before = _latest(store, partner)
        acceptance = accept(store, source.triples, report, partner, partner_iri, user,
                            ranks(context), source.sha256)
    return Outcome(report, acceptance, tuple(diff(before, source.triples)))


def _latest(store: Store, partner: str) -> list:
    version = last_version(store, partner)
    return version_triples(store, partner, version) if version else []


def rollback(store: Store, context: Context, partner: str, version: int, user: str) -> Outcome:
    """Make an earlier version current again, recorded as a new version."""
    triples = version_triples(store, partner, version)
    old = next(v for v in history(store, partner) if v.version == version)
    report = Report(f"rollback to version {version}", "store", triples=len(triples),
                    capabilities=old.capabilities)
    before = _latest(store, partner)
    acceptance = accept(store, triples, report, partner,
                        context.catalogue.partners[partner.upper()], user, ranks(context),
                        old.sha256, note=f"rollback to version {version}")
    return Outcome(report, acceptance, tuple(diff(before, triples)))


def withdraw(store: Store, context: Context, partner: str, user: str) -> Outcome:
    """Withdraw a partner's data: a new, empty version; history is kept."""
    if partner.upper() not in context.catalogue.partners:
        raise KGError(f"unknown partner {partner!r}")
    report = Report("withdrawal", "store")
    before = _latest(store, partner)
    acceptance = accept(store, [], report, partner, context.catalogue.partners[partner.upper()],
                        user, ranks(context), "", note="withdrawn")
    return Outcome(report, acceptance, tuple(diff(before, [])))


__all__ = ["Context", "Outcome", "Report", "Source", "check", "merged_source", "read", "read_bytes",
           "rollback", "submit", "withdraw"]


def merged_source(store: Store, source: Source, partner: str) -> Source:
    """Return `source` merged with the partner's current data (Graph Store POST)."""
    version = last_version(store, partner)
    current = version_triples(store, partner, version) if version else []
    seen = {str(t) for t in source.triples}
    extra = [t for t in current if str(t) not in seen]
    return Source(source.name, source.format, extra + source.triples, source.sha256,
                  source.lines, source.rows)
