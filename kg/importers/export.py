"""Template rows from a partner's RDF, only when the rows hold every statement of it."""

from __future__ import annotations

import pyoxigraph as ox

from kg.errors import KGError
from kg.namespaces import CSIG, ID, PREFIXES
from kg.submissions.tabular import IDENTITY, Catalogue, triples_of_rows

RDF_TYPE = PREFIXES["rdf"] + "type"
SIMPLE = {
    "identifier": PREFIXES["dcterms"] + "identifier",
    "name": PREFIXES["rdfs"] + "label",
    "description": PREFIXES["dcterms"] + "description",
    "operator": CSIG + "operator",
    "status_as_of": CSIG + "statusAsOf",
    **{column: CSIG + pred for column, pred in IDENTITY},
}
CODES = {
    "kind": ("kind", "kind"),
    "orbit_regime": ("orbitRegime", "orbit"),
    "status": ("status", "status"),
}


def rows_of_triples(triples: list[ox.Triple], catalogue: Catalogue) -> list[dict]:
    """Return one template row per capability; refuse when a row would lose a statement."""
    by_subject: dict[str, list[ox.Triple]] = {}
    for t in triples:
        by_subject.setdefault(t.subject.value, []).append(t)
    caps = [
        s
        for s, own in by_subject.items()
        if any(t.predicate.value == RDF_TYPE and t.object.value == CSIG + "Capability" for t in own)
    ]
    codes = {iri: code for code, iri in catalogue.partners.items()}
    rows = [_row(by_subject, cap, codes) for cap in caps]
    _refuse_losses(rows, triples, catalogue)
    return rows


def _values(own: list[ox.Triple], predicate: str) -> list[str]:
    return sorted(t.object.value for t in own if t.predicate.value == predicate)


def _row(by_subject: dict, cap: str, codes: dict[str, str]) -> dict:
    """Return the template row of one capability."""
    own = by_subject[cap]
    row = {column: (_values(own, p) or [""])[0] for column, p in SIMPLE.items()}
    for column, (pred, prefix) in CODES.items():
        row[column] = (_values(own, CSIG + pred) or [""])[0].removeprefix(PREFIXES[prefix])
    row["mission_areas"] = "; ".join(
        v.removeprefix(PREFIXES["ma"]).replace("-", ".") for v in _values(own, CSIG + "missionArea")
    )
    row["provider"] = codes.get((_values(own, CSIG + "providedBy") or [""])[0], "")
    funding = [codes.get(v, v) for v in _values(own, CSIG + "fundingNation")]
    row["funding_nations"] = "; ".join(funding)
    row["contributing_nations"] = "; ".join(
        c
        for c in (codes.get(v, v) for v in _values(own, CSIG + "contributingNation"))
        if c not in funding
    )
    for column, pred in (("hosted_on", "hostedOn"), ("member_of", "memberOf")):
        row[column] = (_values(own, CSIG + pred) or [""])[0].removeprefix(ID + "capability/")
    row["exercise"] = "yes" if _values(own, CSIG + "exerciseData") == ["true"] else ""
    row["source_url"] = "; ".join(_values(own, PREFIXES["dcterms"] + "source"))
    row.update(_marking(by_subject, own, codes))
    row["interfaces"] = _interfaces(by_subject, own)
    return {k: v for k, v in row.items() if v}


def _marking(by_subject: dict, own: list[ox.Triple], codes: dict[str, str]) -> dict:
    """Return the marking columns of a capability."""
    marks = _values(own, CSIG + "hasMarking")
    mark = by_subject.get(marks[0], []) if marks else []
    system = (_values(mark, CSIG + "markingSystem") or [""])[0].removeprefix(PREFIXES["cls"])
    level = (_values(mark, CSIG + "classification") or [""])[0].removeprefix(PREFIXES["cls"])
    dissem = (_values(mark, CSIG + "disseminationControl") or [""])[0]
    return {
        "marking_system": system,
        "classification": level.removeprefix(system + "-"),
        "dissemination": dissem.removeprefix(PREFIXES["dissem"]),
        "releasable_to": "; ".join(codes.get(v, v) for v in _values(mark, CSIG + "releasableTo")),
    }


def _interfaces(by_subject: dict, own: list[ox.Triple]) -> str:
    """Return the interfaces column: 'produces DT.X standard [assumed]' in interface order."""
    found = []
    for t in own:
        direction = t.predicate.value.removeprefix(CSIG)
        if direction not in ("produces", "consumes", "hasInterface"):
            continue
        node = by_subject.get(t.object.value, [])
        dtype = (_values(node, CSIG + "dataType") or [""])[0].removeprefix(PREFIXES["dt"])
        std = (_values(node, CSIG + "standard") or [""])[0].removeprefix(ID + "standard/")
        assumed = " assumed" if _values(node, CSIG + "assumed") == ["true"] else ""
        found.append((t.object.value, f"{direction} DT.{dtype} {std}{assumed}"))
    return "; ".join(text for _, text in sorted(found, key=lambda f: _number(f[0])))


def _number(iri: str) -> int:
    tail = iri.rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def _refuse_losses(rows: list[dict], triples: list[ox.Triple], catalogue: Catalogue) -> None:
    """Raise unless the rows give back exactly the statements they were made from."""
    again, _rows, _written = triples_of_rows(list(enumerate(rows, 1)), catalogue)
    before, after = {str(t) for t in triples}, {str(t) for t in again}
    changed = sorted(before - after) + sorted(f"(would add) {t}" for t in after - before)
    if changed:
        raise KGError(
            f"the spreadsheet template cannot hold the partner's current data as it "
            f"is: {len(changed)} statement(s) differ (interface versions, interface "
            "sources, comments ...), e.g. " + "; ".join(changed[:5]) + ". Write a "
            "Turtle file instead (--out FILE.ttl), write only the new and matched "
            "capabilities (--changes-only) for a merge, or give the partner's own "
            "template with --current FILE.csv"
        )
