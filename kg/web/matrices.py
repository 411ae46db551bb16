"""The matrices: coverage (partner x mission area) and exchange (producer x consumer x type)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, request

from kg import matrices as mx
from kg.analysis import load_model
from kg.codes import known
from kg.web.auth import current_dataset
from kg.web.pages import answer, api_route
from kg.web.state import state
from kg.web.viewer_cache import kept

bp = Blueprint("matrices", __name__)
KINDS = ("coverage", "exchange")


def build(kind: str) -> mx.Matrix:
    """Return one matrix computed on the viewer's dataset, kept until the store changes."""
    store, dataset = state().store, current_dataset()
    if kind == "coverage":
        return kept("matrix/coverage", None, lambda: mx.coverage(store, dataset))
    return kept("matrix/exchange", None, lambda: mx.exchange(load_model(store, dataset)))


def as_data(kind: str, matrix: mx.Matrix) -> dict:
    """Return a matrix as plain data: its JSON rendering, the largest count and the gaps."""
    data = json.loads(mx.render(matrix, "json"))
    numbers = [c for row in matrix.rows for c in row if isinstance(c, int)]
    out = dict(
        data,
        kind=kind,
        max=max(numbers, default=0),
        totals=[sum(c for c in row if isinstance(c, int)) for row in matrix.rows],
        gaps=sum(1 for row in matrix.rows if row[-1] == "GAP"),
    )
    if kind == "coverage":
        out |= coverage_gaps(matrix)
    return out


def coverage_gaps(matrix: mx.Matrix) -> dict:
    """Return each mission area's name and total, and the areas no partner covers."""
    names = {t["code"]: t["label"] for t in known(state().store, current_dataset(), "mission-area")}
    areas = matrix.columns[1:]
    totals = [sum(row[i + 1] for row in matrix.rows) for i in range(len(areas))]
    return {
        "area_labels": {a: names.get(a, a) for a in areas},
        "area_totals": dict(zip(areas, totals, strict=True)),
        "uncovered": [a for a, n in zip(areas, totals, strict=True) if not n],
        "zero_cells": sum(1 for row in matrix.rows for c in row[1:] if c == 0),
    }


@api_route(bp, "/matrices", "/api/matrices")
def matrices():
    """Show both matrices with their downloads."""
    return answer("matrices.html", **{k: as_data(k, build(k)) for k in KINDS})


@api_route(bp, "/matrices/<matrix>", "/api/matrices/<matrix>")
def matrix(matrix: str):
    """Show one matrix, or download it as CSV with ?format=csv."""
    kind = matrix
    if kind not in KINDS:
        abort(404, description=f"no matrix {kind!r}; there are {', '.join(KINDS)}")
    table = build(kind)
    if request.args.get("format") == "csv":
        return Response(
            mx.render(table, "csv"),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{kind}-matrix.csv"'},
        )
    return answer("matrices.html", **{kind: as_data(kind, table)})
