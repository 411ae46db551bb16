"""Write an import's result: the partner's data with matched ids filled in and new rows added."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KGError
from kg.importers.current import Capability, Current
from kg.importers.plan import Options, Plan
from kg.importers.records import Record
from kg.namespaces import CSIG, PREFIXES
from kg.submissions.tabular import Catalogue, capability_iri, identity_literals, triples_of_rows
from kg.submissions.template import COLUMN_NAMES

FIGURES = ("perigee_km", "apogee_km", "inclination_deg", "period_min")
FACT = {
    "cospar_id": "cosparId",
    "norad_id": "noradId",
    "launch_date": "launchDate",
    "decay_date": "decayDate",
    "perigee_km": "perigeeKm",
    "apogee_km": "apogeeKm",
    "inclination_deg": "inclinationDeg",
    "period_min": "periodMin",
}
TURTLE_PREFIXES = {
    p: PREFIXES[p]
    for p in (
        "csig",
        "rdf",
        "rdfs",
        "xsd",
        "skos",
        "dcterms",
        "ma",
        "orbit",
        "status",
        "kind",
        "dt",
        "cls",
        "dissem",
    )
} | {
    "cap": PREFIXES["id"] + "capability/",
    "nation": PREFIXES["id"] + "nation/",
    "std": PREFIXES["id"] + "standard/",
}


def fills(record: Record, cap: Capability, as_of: str) -> tuple[dict, list[str]]:
    """Return the cells a matched capability lacks, and notes where the catalogue differs."""
    cells = {
        "cospar_id": record.cospar,
        "norad_id": record.norad,
        "launch_date": record.launch,
        "decay_date": record.decay,
    }
    if not any(FACT[f] in cap.facts for f in FIGURES):
        cells |= {
            "perigee_km": record.perigee,
            "apogee_km": record.apogee,
            "inclination_deg": record.inclination,
            "period_min": record.period,
        }
    found, notes = {}, []
    for column, value in cells.items():
        have = cap.facts.get(FACT[column], "")
        if not value or value.upper() == have.upper():
            continue
        if have:
            notes.append(f"{column}: kept {have}, the catalogue says {value}")
        else:
            found[column] = value
    if any(found.get(f) for f in FIGURES):
        found["orbit_as_of"] = as_of
    return found, notes


def added_triples(
    current: Current, plan: Plan, options: Options, catalogue: Catalogue
) -> list[ox.Triple]:
    """Return the statements the import adds: filled ids, new capabilities, memberships."""
    out = []
    for record, cap in plan.matched:
        subject = ox.NamedNode(cap.iri)
        cells, _notes = fills(record, cap, options.as_of)
        out += [ox.Triple(subject, ox.NamedNode(CSIG + p), v) for p, v in identity_literals(cells)]
    triples, _rows, _written = triples_of_rows(
        [(n, row) for n, (_, row) in enumerate(plan.new, 1)], catalogue
    )
    out += triples
    group = capability_iri(options.member_of) if options.member_of else ""
    if group in current.capabilities:
        out += [
            ox.Triple(
                ox.NamedNode(group),
                ox.NamedNode(CSIG + "hasMember"),
                ox.NamedNode(capability_iri(row["identifier"])),
            )
            for _, row in plan.new
        ]
    return out


def write_result(
    path: Path,
    current: Current,
    plan: Plan,
    options: Options,
    catalogue: Catalogue,
    changes_only: bool = False,
) -> Path:
    """Write the partner's submission with the import applied: Turtle, CSV or XLSX.

    The whole submission by default (for a replace); with `changes_only`, only the new
    capabilities and the matched ones (for a merge).
    """
    suffix = path.suffix.lower()
    if changes_only:
        current = _matched_only(current, plan)
    if suffix == ".ttl":
        triples = current.triples + added_triples(current, plan, options, catalogue)
        unique = sorted(set(triples), key=str)
        _write_bytes(
            path, ox.serialize(unique, format=ox.RdfFormat.TURTLE, prefixes=TURTLE_PREFIXES)
        )
        return path
    if suffix not in (".csv", ".xlsx"):
        raise KGError(f"{path}: write the result as .ttl, .csv or .xlsx")
    rows = _rows(current, plan, options, catalogue)
    if suffix == ".csv":
        _write_bytes(path, _csv(rows).encode("utf-8"))
    else:
        _xlsx(path, rows)
    return path


def _matched_only(current: Current, plan: Plan) -> Current:
    """Return the partner's data narrowed to the matched capabilities and what they hold.

    New satellites name their constellation themselves (memberOf), so it is not sent again.
    """
    keep = {cap.iri for _, cap in plan.matched}
    by_subject: dict[str, list[ox.Triple]] = {}
    for t in current.triples:
        by_subject.setdefault(t.subject.value, []).append(t)
    triples, todo, seen = [], list(keep), set()
    while todo:  # a capability with the nodes it holds (marking, interfaces), to any depth
        subject = todo.pop()
        if subject in seen:
            continue
        seen.add(subject)
        for t in by_subject.get(subject, []):
            triples.append(t)
            held = t.object.value
            if held in by_subject and held not in current.capabilities:
                todo.append(held)
    rows = None
    if current.rows is not None:
        ids = {iri.rsplit("/", 1)[-1] for iri in keep}
        rows = [r for r in current.rows if r.get("identifier") in ids]
    capabilities = {iri: c for iri, c in current.capabilities.items() if iri in keep}
    return replace(current, triples=triples, capabilities=capabilities, rows=rows)


def _rows(current: Current, plan: Plan, options: Options, catalogue: Catalogue) -> list[dict]:
    """Return the partner's rows with matched cells filled, then the new rows."""
    from kg.importers.export import rows_of_triples

    rows = current.rows if current.rows is not None else rows_of_triples(current.triples, catalogue)
    rows = [dict(r) for r in rows]
    by_id = {r.get("identifier"): r for r in rows}
    for record, cap in plan.matched:
        row = by_id.get(cap.identifier)
        if row is not None:
            cells, _notes = fills(record, cap, options.as_of)
            row.update({k: v for k, v in cells.items() if not row.get(k)})
    return rows + [row for _, row in plan.new]


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMN_NAMES, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: v for k, v in r.items() if k in COLUMN_NAMES} for r in rows)
    return out.getvalue()


def _xlsx(path: Path, rows: list[dict]) -> None:
    from kg.submissions.template import xlsx_template

    _write_bytes(path, xlsx_template(rows=rows))


def _write_bytes(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as err:
        raise KGError(f"{path}: cannot write: {err}") from err
