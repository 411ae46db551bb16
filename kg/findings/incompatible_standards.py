"""incompatible-standards in steps: standards in one role that nothing connects both ways.

The published definition is kg/queries/incompatible-standards.rq; this gives the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from kg.findings.inputs import (
    Select,
    Standards,
    after,
    boolean,
    coalition_counts,
    compatible,
    ebv,
    integer,
    literal,
    load_standards,
)
from kg.findings.inputs import (
    uses as standards_used,
)

COLUMNS = [
    "dataType",
    "pairs",
    "standardA",
    "standardB",
    "relation",
    "severity",
    "confirmed",
    "evidence",
    "explanation",
]


@dataclass(frozen=True)
class Use:
    """A standard used for a data type on one interface of a capability."""

    capability: str
    partner: str
    roles: frozenset[str]
    sourced: bool


def rows(select: Select, values: dict) -> tuple[list[str], list[dict]]:
    """Return the report's columns and rows for the bound parameters (`_name` keys)."""
    standards = load_standards(select)
    coalition = values.get("_coalition")
    members = coalition_counts(select, coalition)
    uses: dict[str, dict[str, set[Use]]] = {}
    for row in standards_used(select):
        if coalition is not None and row["partner"].value not in members:
            continue
        standard = row["standard"].value
        use = Use(
            row["capability"].value,
            row["partner"].value,
            standards.roles(row["interface"].value, standard),
            not ebv(row.get("assumed")),
        )
        uses.setdefault(row["dataType"].value, {}).setdefault(standard, set()).add(use)
    out = []
    wanted = values.get("_data_type")
    for data_type in sorted(uses):
        if wanted is None or wanted.value == data_type:
            row = _finding(standards, data_type, uses[data_type])
            if row:
                out.append(row)
    return COLUMNS, out


def _finding(standards: Standards, data_type: str, used: dict[str, set[Use]]) -> dict | None:
    """Return a data type's row, or None when every pair of its standards connects."""
    count, sure, example = 0, False, None
    names = sorted(used)
    candidates = {name: _candidates(used[name]) for name in names}
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            forward = standards.key(a, b, data_type)
            backward = standards.key(b, a, data_type)
            if "4" not in (forward[0], backward[0]):
                continue
            keys = [
                _key(data_type, a, b, forward, backward, first, second)
                for first in candidates[a]
                for second in candidates[b]
                if compatible(first.roles, second.roles)
            ]
            if keys:
                count += 1
                sure = sure or any(k[0] == "0" for k in keys)
                example = min(keys) if example is None else min(example, *keys)
    if not count:
        return None
    _, name_a, name_b, relation, how, evidence = example.split("|", 5)
    dt = after(data_type, "/datatype/")
    row = {
        "dataType": ox.NamedNode(data_type),
        "pairs": integer(count),
        "standardA": literal(name_a),
        "standardB": literal(name_b),
        "severity": literal("warning"),
        "confirmed": boolean(sure),
        "evidence": literal(evidence),
        "explanation": literal(
            f"{dt}: {count} pair(s) of standards in one role that nothing connects both ways, "
            f"e.g. {name_a} and {name_b} ({how})"
            + ("" if sure else " [unconfirmed: rests on assumed interfaces]")
        ),
    }
    if relation:
        row["relation"] = ox.NamedNode(relation)
    return row


def _candidates(uses: set[Use]) -> list[Use]:
    """Return the uses that can give a pair's example key: per set of roles, one sourced use
    and the assumed use of the first capability by name (every other use of those roles
    gives the same or a later key), so pairs of uses are not enumerated.
    """
    best: dict[tuple, Use] = {}
    for use in uses:
        slot = (use.roles, use.sourced)
        kept = best.get(slot)
        if kept is None or (not use.sourced and use.capability < kept.capability):
            best[slot] = use
    return list(best.values())


def _key(data_type, a, b, forward, backward, first: Use, second: Use) -> str:
    """Return the example key of one use of each standard: confirmed first, then by name."""
    an, bn = after(a, "/standard/"), after(b, "/standard/")
    dt = after(data_type, "/datatype/")
    if forward[0] == "3":
        relation = after(forward, " ")
        how = f"{an} converts to {bn} by {after(forward, '/relation/')}, not back"
    elif backward[0] == "3":
        relation = after(backward, " ")
        how = f"{bn} converts to {an} by {after(backward, '/relation/')}, not back"
    else:
        relation, how = "", "no relation either way"
    sure = first.sourced and second.sourced
    if sure:
        evidence = "sourced"
    else:
        parts = [
            f"{after(use.capability, '/capability/')} uses {name} for {dt} (assumed)"
            for use, name in ((first, an), (second, bn))
            if not use.sourced
        ]
        evidence = "assumed: " + "; ".join(parts)
    return "|".join(("0" if sure else "1", an, bn, relation, how, evidence))
