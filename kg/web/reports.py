"""Gap reports: the named reports with a form and downloads each, and the whole gap report."""

from __future__ import annotations

import json
import threading

from flask import Blueprint, Response, abort, copy_current_request_context, request

from kg import gaps
from kg.catalogue import (
    SEVERITIES,
    Param,
    Query,
    load_catalogue,
    row_severity,
    run,
    term,
)
from kg.catalogue import (
    check as checked,
)
from kg.errors import KGError
from kg.labels import labels
from kg.results import plain, render
from kg.sparql import QueryResult
from kg.summaries import summarise, title
from kg.web.auth import current_dataset
from kg.web.pages import answer, api_route, iri, local, select, wants_json
from kg.web.readable import readable, tops
from kg.web.state import state
from kg.web.viewer_cache import kept

bp = Blueprint("reports", __name__)

DOWNLOADS = {
    "csv": ("text/csv", "csv"),
    "tsv": ("text/tab-separated-values", "tsv"),
    "srj": ("application/sparql-results+json", "srj.json"),
}
FINDINGS_WAIT = 3.0  # seconds the dashboard waits for a gap report that is not at hand
MOST = 100000  # the largest integer parameter value (as the OpenAPI description says)
GAP_PARAMS = ("partner", "coalition", "mission_area", "data_type")
ENGLISH = ' FILTER(LANG(?label) IN ("en", "")) } ORDER BY '
CONCEPTS = (
    "SELECT ?value ?label (EXISTS { ?c skos:broader ?b } AS ?narrow) WHERE { "
    "?c skos:inScheme ?_scheme ; skos:notation ?value ; skos:prefLabel ?label ."
)
NAMED = "SELECT DISTINCT ?iri ?label WHERE { ?iri a ?t ; rdfs:label ?label . VALUES ?t "
OPTIONS = {  # parameter type -> the choices the viewer's dataset offers
    "mission-area": (CONCEPTS + ENGLISH + "?value", "https://w3id.org/csig/missionarea/scheme"),
    "data-type": (CONCEPTS + ENGLISH + "?value", "https://w3id.org/csig/datatype/scheme"),
    "partner": (
        NAMED + "{ csig:Nation csig:Organisation csig:Coalition }" + ENGLISH + "?label",
        None,
    ),
    "coalition": (NAMED + "{ csig:Coalition }" + ENGLISH + "?label", None),
    "standard": (NAMED + "{ csig:DataStandard }" + ENGLISH + "?label", None),
}


def options(kind: str) -> list[dict]:
    """Return the choices of a coded parameter type, each with the code a form sends."""
    if kind not in OPTIONS:
        return []
    sparql, scheme = OPTIONS[kind]
    rows = select(sparql, **({"_scheme": iri(scheme)} if scheme else {}))
    for row in rows:
        row.setdefault("value", local(row.get("iri", "")))
        row["narrow"] = row.get("narrow") == "true"
    return rows


def describe(param: Param) -> dict:
    """Return a parameter as plain data for the form and the JSON twin."""
    return {
        "name": param.name,
        "type": param.type,
        "default": param.default,
        "description": param.description,
    }


def entry(query: Query) -> dict:
    """Return a catalogue query's header as plain data."""
    return {
        "name": query.name,
        "summary": query.summary,
        "description": query.description,
        "severity": query.severity,
        "tags": list(query.tags),
        "params": [describe(p) for p in query.params.values()],
    }


def confirmed_only() -> bool:
    """Return whether the request asks for confirmed findings only (confirmed_only=1)."""
    text = request.args.get("confirmed_only", "").strip().lower()
    if text not in ("", "0", "1", "true", "false", "on"):
        raise KGError(f"confirmed_only: {text!r} is not 1 or 0")
    return text in ("1", "true", "on")


def values_of(params: dict[str, Param]) -> dict[str, str]:
    """Return the values the request gives for these parameters; a form's blanks mean unset."""
    values = {k: request.args[k].strip() for k in params if k in request.args}
    if request.path.startswith("/api/") and "" in values.values():
        raise KGError("give each parameter a value, or leave it out")
    return {k: v for k, v in values.items() if v}


def check(params: dict[str, Param], values: dict[str, str]) -> None:
    """Raise a `KGError` (400) for a malformed value or a code the viewer's dataset lacks."""
    for name, value in values.items():
        if params[name].type == "integer" and not 0 <= int(term(params[name], value).value) <= MOST:
            raise KGError(f"parameter {name}: give a whole number from 0 to {MOST}")
    checked(state().store, current_dataset(), params, values)


def table(query: Query, result: QueryResult) -> dict:
    """Return result rows as plain values, each with its severity."""
    rows = [{v: plain(row.get(v)) for v in result.variables} for row in result.rows]
    return {
        "columns": result.variables,
        "rows": rows,
        "count": len(rows),
        "severities": [row_severity(query, row) for row in result.rows],
        "truncated": result.truncated,
    }


@api_route(bp, "/reports", "/api/reports")
def reports():
    """List the named gap reports with their severity and parameters."""
    return answer("reports.html", reports=[entry(q) for q in load_catalogue().values()])


def download(name: str, result: QueryResult, fmt: str) -> Response:
    """Return a report's results as a file in one of the SPARQL results formats."""
    mimetype, suffix = DOWNLOADS[fmt]
    body = render(result, "json" if fmt == "srj" else fmt)
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}.{suffix}"'},
    )


@api_route(bp, "/reports/<name>", "/api/reports/<name>")
def report(name: str):
    """Run one named report on the viewer's dataset: its summary first, then its rows."""
    query = load_catalogue().get(name)
    if query is None:
        abort(404, description=f"no report named {name!r}")
    values = values_of(query.params)
    check(query.params, values)
    only = confirmed_only()

    def compute() -> tuple[QueryResult, dict]:
        result = run(
            state().store, query, current_dataset(), values, int(state().settings.number("row_cap"))
        )
        if only:
            gaps.keep_confirmed(result)
        found = table(query, result)
        overview = summarise(found["columns"], found["rows"], found["severities"], tops())
        return result, dict(found, overview=overview.as_dict())

    result, rows = kept(f"report/{name}", (tuple(sorted(values.items())), only), compute)
    fmt = request.args.get("format", "")
    if fmt in DOWNLOADS:
        return download(name, result, fmt)
    data = dict(entry(query), values=values, confirmed_only=only, **rows)
    if wants_json():
        return answer("report.html", **data)
    choices = {p.type: options(p.type) for p in query.params.values()}
    return answer("report.html", choices=choices, **data, **readable(data))


def gap_params() -> dict[str, Param]:
    """Return the parameters the whole gap report takes, as the catalogue declares them."""
    found: dict[str, Param] = {}
    for query in load_catalogue().values():
        for name, param in query.params.items():
            if name in GAP_PARAMS:
                found.setdefault(name, param)
    return {name: found[name] for name in GAP_PARAMS if name in found}


def gap_report(values: dict[str, str], top: int = 5, only: bool = False) -> gaps.GapReport:
    """Return the whole gap report on the viewer's dataset, kept until the store changes."""
    return kept(
        "gaps",
        (tuple(sorted(values.items())), top, only),
        lambda: gaps.report(state().store, current_dataset(), values, top, confirmed_only=only),
    )


def top_of_request() -> int:
    """Return how many adoptions the request asks for (0-20, default 5)."""
    text = request.args.get("top", "5").strip()
    if not text and not request.path.startswith("/api/"):
        text = "5"
    if not text.isdigit() or int(text) > 20:
        raise KGError(f"top: {text!r} is not a whole number from 0 to 20")
    return int(text)


@api_route(bp, "/gaps", "/api/gaps")
def whole():
    """Show every gap report, the network findings and the recommended adoptions."""
    params = gap_params()
    values = values_of(params)
    check(params, values)
    top = top_of_request()
    only = confirmed_only()
    data = dict(json.loads(gaps.to_json(gap_report(values, top, only))), values=values, top=top)
    if wants_json():
        return answer("gaps.html", **data)
    choices = {p.type: options(p.type) for p in params.values()}
    groups = [g for sec in data["sections"] for g in sec["overview"]["groups"]]
    details = {sec["overview"]["detail"] for sec in data["sections"]}
    return answer(
        "gaps.html",
        choices=choices,
        form=[describe(p) for p in params.values()],
        labels=labels(state().store, current_dataset(), {k for g in groups for k in g["key"]}),
        titles={c: title(c) for c in details if c},
        **data,
    )


def top_findings(limit: int = 5) -> dict:
    """Return the dashboard's findings: counts per severity and the first few of each."""
    rep = gap_report({})
    found: dict[str, list[dict]] = {s: [] for s in reversed(SEVERITIES)}
    for sec in rep.sections:
        for row, severity in zip(sec.rows, sec.severities, strict=True):
            text = row.get("explanation") or ", ".join(v for v in row.values() if v)
            found[severity].append({"report": sec.name, "text": text})
    found["warning"] += [{"report": "network", "text": t} for t in rep.network_findings()]
    sections = [
        {"name": s.name, "summary": s.summary, "severity": s.severity, "count": len(s.rows)}
        for s in rep.sections
    ]
    return {
        "summary": rep.summary(),
        "counts": rep.counts(),
        "sections": sections,
        "top": {s: interleave(rows)[:limit] for s, rows in found.items()},
    }


def findings_soon() -> dict | None:
    """Return the dashboard's findings, or None while the gap report is still being computed.

    The report runs in a background thread (once per dataset and store generation, however
    many dashboards ask), so a dashboard over a large store answers at once; a later visit
    shows the findings. A failing report gives {"error": ...}: it must not take the page down.
    """
    found: dict = {}

    @copy_current_request_context
    def compute() -> None:
        try:
            found["findings"] = top_findings()
        except KGError as err:
            found["findings"] = {"error": str(err)}

    worker = threading.Thread(target=compute, name="gap-findings", daemon=True)
    worker.start()
    worker.join(FINDINGS_WAIT)
    return found.get("findings")


def interleave(findings: list[dict]) -> list[dict]:
    """Return findings taking one from each report in turn, so no report crowds out the rest."""
    by_report: dict[str, list[dict]] = {}
    for finding in findings:
        by_report.setdefault(finding["report"], []).append(finding)
    queues = list(by_report.values())
    out = []
    for i in range(max((len(q) for q in queues), default=0)):
        out += [q[i] for q in queues if i < len(q)]
    return out


@bp.get("/api/findings")
def api_findings():
    """Return the dashboard's top findings by severity as JSON."""
    from flask import jsonify

    return jsonify(top_findings())
