"""DoDAF-style matrices: capability coverage (CV-6-like) and information exchange (OV-3-like)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field

from kg.analysis.model import Model, short
from kg.dataset import Dataset, GraphStore
from kg.namespaces import sparql_prefixes

COVERAGE = (
    sparql_prefixes(("csig", "skos"))
    + """
SELECT ?partner ?area (COUNT(DISTINCT ?capability) AS ?n) WHERE {
  ?capability csig:providedBy ?partner ; csig:missionArea ?narrow .
  MINUS { ?capability csig:memberOf|^csig:hasMember ?constellation }
  ?narrow skos:broader? ?area . ?area skos:topConceptOf ?scheme .
} GROUP BY ?partner ?area"""
)
TOP_AREAS = (
    sparql_prefixes(("skos",))
    + """
SELECT ?area WHERE { ?area skos:topConceptOf <https://w3id.org/csig/missionarea/scheme> }"""
)


@dataclass
class Matrix:
    """A table: a title, column names and rows of plain values."""

    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)


def coverage(store: GraphStore, dataset: Dataset) -> Matrix:
    """Return partner x top-level mission area: the number of capabilities in each cell.

    Every top-level mission area is a column, those nobody covers too: they are the gaps.
    A constellation is one capability: its members (csig:memberOf) are not counted again.
    """
    cells = {
        (short(r["partner"].value), short(r["area"].value)): int(r["n"].value)
        for r in store.select(COVERAGE, dataset)
    }
    tops = {short(r["area"].value) for r in store.select(TOP_AREAS, dataset)}
    areas = sorted(tops | {a for _, a in cells})
    partners = sorted({p for p, _ in cells})
    rows = [[p, *(cells.get((p, a), 0) for a in areas)] for p in partners]
    return Matrix("capability coverage (partner x mission area)", ["partner", *areas], rows)


def exchange(model: Model) -> Matrix:
    """Return producer partner x consumer partner x data type -> common standard or gap."""
    uses: dict[tuple, set[str]] = {}
    for i in model.interfaces:
        uses.setdefault((i.partner, i.direction, i.data_type), set()).add(i.standard)
    rows = []
    for (prod, way, dtype), pstd in sorted(uses.items()):
        if way != "produces":
            continue
        for (cons, cway, ctype), cstd in sorted(uses.items()):
            if cway == "consumes" and ctype == dtype and cons != prod:
                rows.append([short(prod), short(cons), short(dtype), _verdict(model, pstd, cstd)])
    return Matrix(
        "information exchange (producer x consumer x data type)",
        ["producer", "consumer", "data_type", "common_standard"],
        rows,
    )


def _verdict(model: Model, pstd: set[str], cstd: set[str]) -> str:
    """Return the common standard, a family match flagged as a version mismatch, or 'GAP'."""
    same = sorted(pstd & cstd)
    if same:
        return ", ".join(short(s) for s in same)
    pairs = sorted(
        f"{short(a)} ~ {short(b)}" for a in pstd for b in cstd if model.family(a) == model.family(b)
    )
    return f"version mismatch: {'; '.join(pairs)}" if pairs else "GAP"


def render(matrix: Matrix, fmt: str) -> str:
    """Render a matrix as csv, json or md."""
    if fmt == "json":
        return json.dumps(
            {
                "title": matrix.title,
                "columns": matrix.columns,
                "rows": [dict(zip(matrix.columns, r, strict=True)) for r in matrix.rows],
            },
            indent=2,
        )
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerows([matrix.columns, *matrix.rows])
        return out.getvalue()
    lines = [
        f"**{matrix.title}**",
        "",
        "| " + " | ".join(matrix.columns) + " |",
        "|" + "---|" * len(matrix.columns),
    ]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in matrix.rows]
    return "\n".join(lines) + "\n"
