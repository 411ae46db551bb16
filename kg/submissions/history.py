"""Versions of a partner's data: the history, diffs between versions, rollback."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.errors import KGError
from kg.namespaces import GRAPH, ID, META_GRAPH, sparql_prefixes
from kg.store import Dataset, Store

META = Dataset((META_GRAPH,))

SUBMISSIONS = sparql_prefixes(("csig", "prov", "rdfs")) + """
SELECT ?s ?version ?time ?user ?sha ?file ?triples ?caps ?warnings ?note WHERE {
  ?s a csig:Submission ; csig:partnerCode ?partner ; csig:version ?version ;
     prov:generatedAtTime ?time ; prov:wasAttributedTo ?user ; csig:sha256 ?sha ;
     csig:sourceFile ?file ; csig:tripleCount ?triples ; csig:capabilityCount ?caps ;
     csig:warningCount ?warnings .
  OPTIONAL { ?s rdfs:comment ?note }
} ORDER BY ?version
"""


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


def history(store: Store, partner: str) -> list[Version]:
    """Return every accepted version of a partner's data, oldest first."""
    rows = store.select(SUBMISSIONS, META, {"partner": ox.Literal(partner)})
    return [Version(int(r["version"].value), r["time"].value,
                    r["user"].value.removeprefix(ID + "user/"), r["sha"].value, r["file"].value,
                    int(r["triples"].value), int(r["caps"].value), int(r["warnings"].value),
                    r["note"].value if "note" in r else "") for r in rows]


def last_version(store: Store, partner: str) -> int:
    """Return the latest version number of a partner's data, 0 if none."""
    versions = history(store, partner)
    return versions[-1].version if versions else 0


def current_graphs(store: Store, partner: str) -> list[str]:
    """Return the partner's current graphs, one per marking."""
    prefix = f"{GRAPH}partner/{partner}/"
    return [g for g in store.graphs() if g.startswith(prefix)]


def version_graphs(store: Store, partner: str, version: int) -> list[str]:
    """Return the history graphs that keep one version of a partner's data."""
    if version not in {v.version for v in history(store, partner)}:
        raise KGError(f"partner {partner} has no version {version}")
    prefix = f"{GRAPH}history/{partner}/{version}/"
    return [g for g in store.graphs() if g.startswith(prefix)]


def version_triples(store: Store, partner: str, version: int) -> list[ox.Triple]:
    """Return the statements of one version of a partner's data."""
    return [t for g in version_graphs(store, partner, version) for t in store.triples(g)]


@dataclass
class Change:
    """How one capability differs between two versions."""

    capability: str
    kind: str  # added | removed | changed
    fields: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)


def capability_fields(triples: list[ox.Triple]) -> dict[str, dict[str, set[str]]]:
    """Return capability identifier -> field -> values, interfaces and marking folded in."""
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
        name = PATH_FIELDS.get(local, local)
        if "/interface/" in subject:
            name = "interfaces " + subject.rsplit("/interface/", 1)[1]
        caps.setdefault(ident, {}).setdefault(name, set()).add(_show(t.object))
    return caps


def _show(term) -> str:
    return term.value.removeprefix(ID) if isinstance(term, ox.NamedNode) else term.value


def diff(before: list[ox.Triple], after: list[ox.Triple]) -> list[Change]:
    """Return per-capability changes from `before` to `after`."""
    old, new = capability_fields(before), capability_fields(after)
    changes = [Change(c, "added") for c in sorted(set(new) - set(old))]
    changes += [Change(c, "removed") for c in sorted(set(old) - set(new))]
    for cap in sorted(set(old) & set(new)):
        fields = {
            f: (sorted(old[cap].get(f, set())), sorted(new[cap].get(f, set())))
            for f in sorted(set(old[cap]) | set(new[cap]))
            if old[cap].get(f) != new[cap].get(f)
        }
        if fields:
            changes.append(Change(cap, "changed", fields))
    return changes


def diff_text(changes: list[Change]) -> str:
    """Return a diff as readable text."""
    if not changes:
        return "no changes"
    lines = []
    for change in changes:
        lines.append(f"{change.kind:8} {change.capability}")
        for name, (was, now) in change.fields.items():
            lines.append(f"         {name}: {', '.join(was) or '-'} -> {', '.join(now) or '-'}")
    return "\n".join(lines)


