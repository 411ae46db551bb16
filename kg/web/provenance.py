"""Submission metadata under the marking rules of the data: who sees which versions, and how much.

A partner's own officers and administrators see every version in full. Any other viewer sees
a version only as far as the data it changed is visible to them: a change that touched only
hidden markings does not appear at all; a change they see in part shows its time and the
counts of the changes they can see; the author, file name and checksum (which covers the
whole file) only when every marking the version held or changed is visible to them. Version
numbers are shown to managers only, since a gap in the numbers would tell of a hidden version.
"""

from __future__ import annotations

from dataclasses import asdict

from kg.access import may_see, partner_graphs, viewer_coalitions
from kg.namespaces import GRAPH
from kg.submissions.history import VersionChanges, history, version_changes
from kg.users import User
from kg.web.auth import current_dataset, current_user, current_viewer
from kg.web.cache import kept_today
from kg.web.state import state

FULL = ("user", "source", "sha256", "note", "mode")


def may_manage(user: User | None, partner: str) -> bool:
    """Return whether `user` may see a partner's full history, diff and roll it back."""
    if user is None:
        return False
    own = "partner" in user.roles and (user.partner or "").upper() == partner.upper()
    return "admin" in user.roles or own


def visible_keys(partner: str) -> set[str]:
    """Return the marking keys of a partner's data, current or past, this viewer may see."""
    viewer = current_viewer()

    def compute() -> frozenset[str]:
        coalitions = viewer_coalitions(state().store, viewer)
        entries = partner_graphs(state().store, f"{GRAPH}history/{partner}/")
        return frozenset(
            e.graph.rsplit("/", 1)[-1] for e in entries if may_see(viewer, e, coalitions)
        )

    return set(kept_today(viewer, "visible-keys", partner, compute))


def changes(partner: str) -> list[VersionChanges]:
    """Return what each version of a partner's data changed, kept until the store changes."""
    return kept_today(
        partner, "version-changes", None, lambda: version_changes(state().store, partner)
    )


def disclosed(partner: str) -> list[dict]:
    """Return the partner's versions this request's viewer may know of, newest first."""
    if may_manage(current_user(), partner):
        return [dict(asdict(v), complete=True) for v in reversed(history(state().store, partner))]
    seen = visible_keys(partner)
    rows = [row for change in changes(partner) if (row := _disclose(change, seen))]
    return rows[::-1]


def _disclose(change: VersionChanges, seen: set[str]) -> dict | None:
    """Return what a viewer who sees the marking keys `seen` may know of one version."""
    shown = {k: counts for k, counts in change.changed.items() if k in seen}
    if (change.changed and not shown) or (not change.changed and not change.keys <= seen):
        return None
    complete = set(change.changed) <= seen and change.keys <= seen
    row = {
        "time": change.version.time,
        "complete": complete,
        "added": sum(c[0] for c in shown.values()),
        "removed": sum(c[1] for c in shown.values()),
        "changed": sum(c[2] for c in shown.values()),
    }
    if complete:
        row.update({name: getattr(change.version, name) for name in FULL})
    return row


def graph_versions(graphs: set[str]) -> dict[str, dict]:
    """Return, for each visible partner graph in `graphs`, the disclosed version that last
    changed it."""
    found = {}
    for graph in set(current_dataset().named) & graphs:
        partner, key = graph.removeprefix(f"{GRAPH}partner/").split("/", 1)
        last = next((c for c in reversed(changes(partner)) if key in c.changed), None)
        if last is None:
            continue
        if may_manage(current_user(), partner):
            found[graph] = dict(asdict(last.version), complete=True)
        elif row := _disclose(last, visible_keys(partner)):
            found[graph] = row
    return found
