"""How a report's rows read in a page: titles, labels, one group's rows, a page of them and
the columns chosen."""

from __future__ import annotations

from flask import request

from kg import gaps
from kg.errors import KGError
from kg.labels import labels
from kg.summaries import rows_of, title
from kg.web.auth import current_dataset
from kg.web.pages import paged
from kg.web.state import state
from kg.web.viewer_cache import kept

COLUMNS_SHOWN = 5  # columns a report table shows at first, beside the finding itself


def tops() -> dict[str, str]:
    """Return each narrower mission area's top-level one in the viewer's dataset."""
    return kept("tops", None, lambda: gaps.top_areas(state().store, current_dataset()))


def readable(data: dict) -> dict:
    """Return what the HTML page adds to a report: titles, labels, the chosen group's rows,
    a page of them and the columns shown."""
    overview = data["overview"]
    group = request.args.get("group", "")
    known = {g["group"]: g for g in overview["groups"]}
    if group and group not in known:
        raise KGError(f"group: no group {group!r} in this report's findings")
    picked = (
        rows_of(overview["columns"], data["rows"], group, tops()) if group else range(data["count"])
    )
    findings = [(data["rows"][i], data["severities"][i]) for i in picked]
    page, paging = paged(findings)
    shown = {v for row, _ in page for v in row.values()}
    shown |= {k for g in overview["groups"] for k in g["key"]}
    columns = [
        c for c in data["columns"] if c not in ("severity", "explanation", "evidence", "confirmed")
    ]
    return {
        "titles": {c: title(c) for c in data["columns"]},
        "labels": labels(state().store, current_dataset(), shown),
        "group": known.get(group),
        "findings": page,
        "paging": paging,
        "all_columns": columns,
        "shown_columns": chosen_columns(columns, overview["columns"]),
    }


def chosen_columns(columns: list[str], keys: list[str]) -> list[str]:
    """Return the columns the request chose (`col`, repeated), else the first few: the table
    fits a 1280-pixel screen, and the column chooser adds the others."""
    asked = request.args.getlist("col")
    if asked:
        return [c for c in columns if c in asked]
    first = [c for c in columns if c in keys] + [c for c in columns if c not in keys]
    keep = set(first[:COLUMNS_SHOWN])
    return [c for c in columns if c in keep]
