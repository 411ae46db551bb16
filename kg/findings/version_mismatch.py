"""version-mismatch in steps: exchanges that work only across one standard family.

The published definition is kg/queries/version-mismatch.rq; this gives the same rows.
"""

from __future__ import annotations

import pyoxigraph as ox

from kg.findings import pairs
from kg.findings.inputs import Select, after, boolean, integer, is_string, literal

COLUMNS = [
    "ier",
    "dataType",
    "producerPartner",
    "consumerPartner",
    "pairs",
    "producer",
    "consumer",
    "producerStandards",
    "consumerStandards",
    "severity",
    "confirmed",
    "evidence",
    "explanation",
]


def rows(select: Select, values: dict) -> tuple[list[str], list[dict]]:
    """Return the report's columns and rows for the bound parameters (`_name` keys)."""
    inputs = pairs.load(select)
    out = []
    for group in pairs.groups(inputs, "2"):
        for _ in range(pairs.selected(inputs, group, values)):
            out.extend(_rows(inputs, group))
    out.sort(key=lambda r: (r["ier"].value, r["producerPartner"].value, r["consumerPartner"].value))
    return COLUMNS, out


def _rows(inputs: pairs.Inputs, group: pairs.Group) -> list[dict]:
    """Return a group's rows: one per notation of each partner."""
    producer, consumer, pstandards, cstandards, _, evidence = group.fields()
    base = {
        "ier": group.requirement,
        "dataType": group.data_type,
        "producerPartner": group.producer_partner,
        "consumerPartner": group.consumer_partner,
        "pairs": integer(group.pairs),
        "producer": ox.NamedNode(producer),
        "consumer": ox.NamedNode(consumer),
        "producerStandards": literal(pstandards),
        "consumerStandards": literal(cstandards),
        "severity": literal("warning"),
        "confirmed": boolean(group.sure),
        "evidence": literal(evidence),
    }
    out = []
    for pp in pairs.notations(inputs, group.producer_partner):
        for cp in pairs.notations(inputs, group.consumer_partner):
            row = dict(base)
            if is_string(group.code) and is_string(pp) and is_string(cp):
                row["explanation"] = literal(
                    f"{group.code.value} ({after(group.data_type.value, '/datatype/')}): "
                    f"{pp.value} -> {cp.value}: {group.pairs} capability pair(s) compatible "
                    f"only across the family, e.g. {after(producer, '/capability/')} produces "
                    f"with {pstandards}; {after(consumer, '/capability/')} consumes with "
                    f"{cstandards}: same family, different version or part"
                    + ("" if group.sure else " [unconfirmed: rests on assumed interfaces]")
                )
            out.append(row)
    return out
