"""interoperability-gaps in steps: exchanges whose standards nothing connects, or a translator.

The published definition is kg/queries/interoperability-gaps.rq; this gives the same rows.
"""

from __future__ import annotations

import pyoxigraph as ox

from kg.findings import pairs
from kg.findings.inputs import (
    Select,
    after,
    boolean,
    coalition_counts,
    ebv,
    integer,
    is_string,
    literal,
    translations,
)

COLUMNS = [
    "ier",
    "dataType",
    "producerPartner",
    "consumerPartner",
    "verdict",
    "pairs",
    "producer",
    "consumer",
    "producerStandards",
    "consumerStandards",
    "relation",
    "translation",
    "lossless",
    "loses",
    "severity",
    "confirmed",
    "evidence",
    "explanation",
]
VERDICTS = {"3": "convertible", "4": "none"}


def rows(select: Select, values: dict) -> tuple[list[str], list[dict]]:
    """Return the report's columns and rows for the bound parameters (`_name` keys)."""
    inputs = pairs.load(select)
    relations = translations(select)
    members = coalition_counts(select, values.get("_coalition"))
    out = []
    for group in pairs.groups(inputs, "34"):
        times = pairs.selected(inputs, group, values)
        if "_coalition" in values:
            times *= members.get(group.producer_partner.value, 0)
            times *= members.get(group.consumer_partner.value, 0)
        for _ in range(times):
            out.extend(_rows(inputs, group, relations))
    out.sort(
        key=lambda r: (
            r["ier"].value,
            r["producerPartner"].value,
            r["consumerPartner"].value,
            r["verdict"].value,
        )
    )
    return COLUMNS, out


def _rows(inputs: pairs.Inputs, group: pairs.Group, relations: dict) -> list[dict]:
    """Return a group's rows: one per notation of each partner and per relation detail."""
    producer, consumer, pstandards, cstandards, relation, evidence = group.fields()
    verdict = VERDICTS[group.rank]
    base = {
        "ier": group.requirement,
        "dataType": group.data_type,
        "producerPartner": group.producer_partner,
        "consumerPartner": group.consumer_partner,
        "verdict": literal(verdict),
        "pairs": integer(group.pairs),
        "producer": ox.NamedNode(producer),
        "consumer": ox.NamedNode(consumer),
        "producerStandards": literal(pstandards),
        "consumerStandards": literal(cstandards),
        "severity": literal("violation" if verdict == "none" and group.sure else "warning"),
        "confirmed": boolean(group.sure),
        "evidence": literal(evidence),
    }
    out = []
    details = relations.get(relation) or [None]
    for pp in pairs.notations(inputs, group.producer_partner):
        for cp in pairs.notations(inputs, group.consumer_partner):
            for detail in details:
                row = dict(base)
                if detail is not None:
                    row["relation"] = detail["relation"]
                    for name in ("translation", "lossless", "loses"):
                        row[name] = detail[name]
                text = _explanation(group, pp, cp, verdict, detail)
                if text is not None:
                    row["explanation"] = literal(text)
                out.append(row)
    return out


def _explanation(group: pairs.Group, pp, cp, verdict: str, detail: dict | None) -> str | None:
    """Return the row's explanation, or None where the report's CONCAT fails (no notation)."""
    producer, consumer, pstandards, cstandards, relation, _ = group.fields()
    if not (is_string(group.code) and is_string(pp) and is_string(cp)):
        return None
    if verdict == "none":
        phrase, how = " capability pair(s) with no standard that connects them", ""
    elif detail is None:
        return None
    else:
        phrase = " capability pair(s) that need a translator"
        how = (
            f": {detail['label'].value} ({after(relation, '/relation/')}, "
            f"{'lossless' if ebv(detail['lossless']) else 'lossy'}; "
            f"loses: {detail['loses'].value})"
        )
    return (
        f"{group.code.value} ({after(group.data_type.value, '/datatype/')}): "
        f"{pp.value} -> {cp.value}: {group.pairs}{phrase}, e.g. "
        f"{after(producer, '/capability/')} produces with {pstandards}; "
        f"{after(consumer, '/capability/')} consumes with {cstandards}{how}"
        + ("" if group.sure else " [unconfirmed: rests on assumed interfaces]")
    )
