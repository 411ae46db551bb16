"""Versions of a partner's data: the history, diffs between versions, rollback."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote

import pyoxigraph as ox

from kg.dataset import Dataset, GraphStore
from kg.errors import KGError
from kg.namespaces import GRAPH, ID, META_GRAPH, sparql_prefixes

META = Dataset((META_GRAPH,))

SUBMISSIONS = (
    sparql_prefixes(("csig", "prov", "rdfs"))
    + """
SELECT ?s ?version ?time ?user ?sha ?file ?triples ?caps ?warnings ?note ?mode WHERE {
  ?s a csig:Submission ; csig:partnerCode ?partner ; csig:version ?version ;
     prov:generatedAtTime ?time ; prov:wasAttributedTo ?user ; csig:sha256 ?sha ;
     csig:sourceFile ?file ; csig:tripleCount ?triples ; csig:capabilityCount ?caps ;
     csig:warningCount ?warnings .
  OPTIONAL { ?s rdfs:comment ?note }
  OPTIONAL { ?s csig:submissionMode ?mode }
} ORDER BY ?version
"""
)


@dataclass(frozen=True)
class Version:
    """One accepted version of a partner's data."""

    version: int
    time: str
    user: str
    sha256: str
    source: str
    triples: int
    capabilities: int
    warnings: int
    note: str = ""
    mode: str = "replace"


def history(store: GraphStore, partner: str) -> list[Version]:
    """Return every accepted version of a partner's data, oldest first."""
    rows = store.select(SUBMISSIONS, META, {"partner": ox.Literal(partner)})
    return [
        Version(
            int(r["version"].value),
            r["time"].value,
            unquote(r["user"].value.removeprefix(ID + "user/")),
            r["sha"].value,
            r["file"].value,
            int(r["triples"].value),
            int(r["caps"].value),
            int(r["warnings"].value),
            r["note"].value if "note" in r else "",
            r["mode"].value if "mode" in r else "replace",
        )
        for r in rows
    ]


def last_version(store: GraphStore, partner: str) -> int:
    """Return the latest version number of a partner's data, 0 if none."""
    versions = history(store, partner)
    return versions[-1].version if versions else 0


def current_graphs(store: GraphStore, partner: str) -> list[str]:
    """Return the partner's current graphs, one per marking."""
    prefix = f"{GRAPH}partner/{partner}/"
    return [g for g in store.graphs() if g.startswith(prefix)]


def version_graphs(store: GraphStore, partner: str, version: int, known: bool = False) -> list[str]:
    """Return the history graphs that keep one version of a partner's data.

    The version is checked to exist unless the caller `known`s it from the history.
    """
    if not known and version not in {v.version for v in history(store, partner)}:
        raise KGError(f"partner {partner} has no version {version}")
    prefix = f"{GRAPH}history/{partner}/{version}/"
    return [g for g in store.graphs() if g.startswith(prefix)]


def version_triples(store: GraphStore, partner: str, version: int) -> list[ox.Triple]:
    """Return the statements of one version of a partner's data."""
    return [t for g in version_graphs(store, partner, version) for t in store.triples(g)]


@dataclass
class Change:
    """How one capability differs between two versions."""

    capability: str
    kind: str  # added | removed | changed
    fields: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)
    label: str = ""


LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
# A diff names what a statement says of its subject; the template has no column for these.
DIFF_FIELDS = {"hasMember": "members"}


def capability_fields(
    triples: list[ox.Triple], labels: Mapping[str, str] | None = None
) -> dict[str, dict[str, set[str]]]:
    """Return capability identifier -> field -> values, interfaces and marking folded in.

    Values are shown by their label in `labels` when they have one, else as written.
    """
    from kg.submissions.validate import PATH_FIELDS

    caps: dict[str, dict[str, set[str]]] = {}
    for t in triples:
        subject = t.subject.value
        if not subject.startswith(ID + "capability/"):
            continue
        ident = subject.removeprefix(ID + "capability/").split("/")[0]
        local = t.predicate.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        if local == "type" or local in ("hasMarking", "produces", "consumes", "hasInterface"):
            continue
        name = DIFF_FIELDS.get(local) or PATH_FIELDS.get(local, local)
        if "/interface/" in subject:
            name = "interfaces " + subject.rsplit("/interface/", 1)[1]
        caps.setdefault(ident, {}).setdefault(name, set()).add(_show(t.object, labels or {}))
    return caps


def _show(term, labels: Mapping[str, str]) -> str:
    if isinstance(term, ox.NamedNode):
        return labels.get(term.value) or term.value.removeprefix(ID)
    return term.value


def _names(triples: list[ox.Triple]) -> dict[str, str]:
    """Return each capability identifier's label."""
    return {
        t.subject.value.removeprefix(ID + "capability/"): t.object.value
        for t in triples
        if t.predicate.value == LABEL and t.subject.value.startswith(ID + "capability/")
    }


def diff(
    before: list[ox.Triple], after: list[ox.Triple], labels: Mapping[str, str] | None = None
) -> list[Change]:
    """Return per-capability changes from `before` to `after` (values by `labels`).

    Literals compare as the store keeps them: `718.0` sent is the `718` stored, no change.
    """
    before, after = _as_stored(before), _as_stored(after)
    old, new = capability_fields(before, labels), capability_fields(after, labels)
    names = {**_names(before), **_names(after)}
    changes = [Change(c, "added", label=names.get(c, c)) for c in sorted(set(new) - set(old))]
    changes += [Change(c, "removed", label=names.get(c, c)) for c in sorted(set(old) - set(new))]
    for cap in sorted(set(old) & set(new)):
        fields = {
            f: (sorted(old[cap].get(f, set())), sorted(new[cap].get(f, set())))
            for f in sorted(set(old[cap]) | set(new[cap]))
            if old[cap].get(f) != new[cap].get(f)
        }
        if fields:
            changes.append(Change(cap, "changed", fields, names.get(cap, cap)))
    return changes


def _as_stored(triples: list[ox.Triple]) -> list[ox.Triple]:
    """Return the triples in the lexical forms the store gives back (canonical literals)."""
    scratch = ox.Store()
    scratch.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return [q.triple for q in scratch]


def diff_text(changes: list[Change]) -> str:
    """Return a diff as readable text."""
    if not changes:
        return "no changes"
    lines = []
    for change in changes:
        named = f"  ({change.label})" if change.label and change.label != change.capability else ""
        lines.append(f"{change.kind:8} {change.capability}{named}")
        for name, (was, now) in change.fields.items():
            lines.append(f"         {name}: {', '.join(was) or '-'} -> {', '.join(now) or '-'}")
    return "\n".join(lines)


def compare_versions(
    store: GraphStore,
    partner: str,
    old: int | None = None,
    new: int | None = None,
    labels: Mapping[str, str] | None = None,
) -> tuple[int, int, list[Change]]:
    """Return two versions (default: the last two) and the changes from the first to the second.

    Version 0 stands for "no data yet".
    """
    known = [v.version for v in history(store, partner)]
    if old is None or new is None:
        new = known[-1] if known else 0
        old = known[-2] if len(known) > 1 else 0
    for version in (old, new):
        if version and version not in known:
            raise KGError(
                f"partner {partner} has no version {version}"
                + (f" (versions 1 to {known[-1]})" if known else "")
            )
    before = version_triples(store, partner, old) if old else []
    after = version_triples(store, partner, new) if new else []
    return old, new, diff(before, after, labels)


@dataclass(frozen=True)
class VersionChanges:
    """What one version changed, per marking key: capabilities added, removed and changed."""

    version: Version
    keys: frozenset[str]  # the marking keys the version holds
    changed: dict[str, tuple[int, int, int]]  # key -> (added, removed, changed)


def version_changes(store: GraphStore, partner: str) -> list[VersionChanges]:
    """Return, for every version of a partner's data, what it changed under each marking."""
    found, before = [], {}
    for version in history(store, partner):
        now = {
            g.rsplit("/", 1)[-1]: store.triples(g)
            for g in version_graphs(store, partner, version.version, known=True)
        }
        changed = {}
        for key in sorted(set(before) | set(now)):
            changes = diff(before.get(key, []), now.get(key, []))
            if changes or (key in before) != (key in now):
                changed[key] = tuple(
                    sum(c.kind == k for c in changes) for k in ("added", "removed", "changed")
                )
        found.append(VersionChanges(version, frozenset(now), changed))
        before = now
    return found
