"""The whole gap report: every catalogue query plus the network findings, now or as of a date."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path

import jinja2
import pyoxigraph as ox

from kg import kept
from kg.access import public_base_graphs
from kg.analysis import Adoption, analyse, levels, load_model, recommend
from kg.analysis.model import short
from kg.catalogue import (
    Param,
    Query,
    check,
    load_catalogue,
    reader,
    row_severity,
    run,
)
from kg.dataset import Dataset, GraphStore
from kg.findings.inputs import Shared
from kg.gapreport import GapReport, Section, plain_report, report_from
from kg.namespaces import META_GRAPH, partner_graph, sparql_prefixes
from kg.progress import task
from kg.results import plain
from kg.sparql import QueryResult
from kg.store import Store
from kg.summaries import SHOWN, is_true, summarise, title

TEMPLATES = Path(__file__).parent / "web" / "templates"
VERSIONS = (
    sparql_prefixes(("csig", "prov"))
    + """
SELECT ?code ?version ?time ?graph WHERE {
  ?s a csig:Submission ; csig:partnerCode ?code ; csig:version ?version ;
     prov:generatedAtTime ?time ; csig:graph ?graph .
}"""
)
INPUTS = (
    sparql_prefixes(("csig",))
    + """
SELECT (COUNT(DISTINCT ?i) AS ?interfaces) (COUNT(DISTINCT ?guess) AS ?assumed) WHERE {
  ?capability csig:hasInterface|csig:produces|csig:consumes ?i .
  OPTIONAL { ?i csig:assumed true BIND(?i AS ?guess) }
}"""
)


TOPS = (
    sparql_prefixes(("skos",))
    + """
SELECT ?narrow ?top WHERE {
  ?narrow skos:broader+ ?top . ?top skos:topConceptOf <https://w3id.org/csig/missionarea/scheme>
}"""
)
ROWS_SHOWN = 200  # rows per section in Markdown and HTML; CSV and JSON keep every row


def is_unconfirmed(row: dict) -> bool:
    """Return whether a row's `confirmed` column says false (a row without one stays).

    >>> is_unconfirmed({"confirmed": "false"}), is_unconfirmed({"explanation": "x"})
    (True, False)
    """
    value = row.get("confirmed")
    value = plain(value) if value is not None and not isinstance(value, str) else value
    return value in ("false", "0")


def keep_confirmed(result: QueryResult) -> QueryResult:
    """Drop the rows whose `confirmed` column is false: the confirmed_only filter."""
    result.rows = [row for row in result.rows if not is_unconfirmed(row)]
    return result


def evidence_summary(rows: list[dict]) -> str:
    """Return one line on what a report's findings rest on, from their `confirmed` column.

    >>> evidence_summary([{"confirmed": "true"}, {"confirmed": "false"}])
    'evidence: 1 confirmed (sourced interfaces only), 1 unconfirmed (rest on assumed interfaces)'
    >>> evidence_summary([{"explanation": "x"}])
    'evidence: not graded (the report does not weigh assumed interfaces)'
    """
    graded = [row for row in rows if "confirmed" in row]
    if not graded and rows:
        return "evidence: not graded (the report does not weigh assumed interfaces)"
    unsure = sum(is_unconfirmed(row) for row in graded)
    return (
        f"evidence: {len(graded) - unsure} confirmed (sourced interfaces only), "
        f"{unsure} unconfirmed (rest on assumed interfaces)"
    )


def section(
    store: GraphStore,
    dataset: Dataset,
    query: Query,
    params: dict,
    tops: dict | None = None,
    confirmed_only: bool = False,
    shared: Shared | None = None,
) -> Section:
    """Run one catalogue query with the parameters it declares, and summarise its rows."""
    mine = {k: v for k, v in params.items() if k in query.params}
    result = run(store, query, dataset, mine, shared=shared)
    if confirmed_only:
        keep_confirmed(result)
    rows = [{k: plain(v) for k, v in row.items()} for row in result.rows]
    severities = [row_severity(query, row) for row in result.rows]
    overview = summarise(result.variables, rows, severities, tops)
    return Section(
        query.name,
        query.summary,
        query.severity,
        rows,
        severities,
        result.variables,
        overview,
        evidence_summary(rows),
    )


def top_areas(store: GraphStore, dataset: Dataset) -> dict[str, str]:
    """Return each narrower mission area's top-level area, for summaries per mission area."""
    return {r["narrow"].value: r["top"].value for r in store.select(TOPS, dataset)}


def declared() -> dict[str, Param]:
    """Return every parameter some report of the catalogue declares, by name."""
    found: dict[str, Param] = {}
    for query in load_catalogue().values():
        for name, param in query.params.items():
            found.setdefault(name, param)
    return found


def report(
    store: GraphStore,
    dataset: Dataset,
    params: dict | None = None,
    top: int = 5,
    as_of: str | None = None,
    confirmed_only: bool = False,
) -> GapReport:
    """Run every gap query and the network analysis on a viewer's dataset.

    With `confirmed_only`, rows whose `confirmed` column is false are left out, and so are
    adoptions that close no confirmed gap.
    """
    params = dict(params or {})
    if as_of and "as_of" not in params:
        params["as_of"] = as_of
    check(store, dataset, declared(), params)
    return kept.through(
        store,
        dataset,
        "gaps",
        {"params": params, "top": top, "as_of": as_of, "confirmed_only": confirmed_only},
        lambda: _computed(store, dataset, params, top, as_of, confirmed_only),
        plain_report,
        report_from,
    )


def _computed(
    store: GraphStore,
    dataset: Dataset,
    params: dict,
    top: int,
    as_of: str | None,
    confirmed_only: bool,
) -> GapReport:
    """Run every report, the network analysis and the recommender on a viewer's dataset."""
    out = GapReport(params, as_of, confirmed_only=confirmed_only)
    queries = list(load_catalogue().values())
    with task("gap report", len(queries) + 4) as advance:
        # pyoxigraph lets go of the GIL while it evaluates, so the queries share the cores.
        with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
            shared = Shared()
            select = reader(store, dataset, shared)
            loading = pool.submit(_counted(load_model, advance), store, dataset, select)
            tops = top_areas(store, dataset)
            one = _counted(
                lambda q: section(store, dataset, q, params, tops, confirmed_only, shared),
                advance,
            )
            out.sections = list(pool.map(one, queries))
            model = loading.result()
        row = store.select(INPUTS, dataset)[0]
        out.inputs = {k: int(row[k].value) if k in row else 0 for k in ("interfaces", "assumed")}
        out.network = _counted(analyse, advance)(model)
        out.adoptions = _counted(recommend, advance)(model, top)
        if confirmed_only:
            out.adoptions = [a for a in out.adoptions if a.confirmed]
        for level in _counted(levels, advance)(model):
            out.levels[level.level] = out.levels.get(level.level, 0) + 1
    return out


def _counted(step: Callable, advance: Callable[[], None]) -> Callable:
    """`step`, counting one step of progress each time it returns."""

    def run(*args):
        result = step(*args)
        advance()
        return result

    return run


def store_as_of(store: GraphStore, day: dt.date) -> Store:
    """Rebuild the data as it stood on `day`: each partner's latest version accepted by then."""
    latest: dict[str, tuple[int, list[str]]] = {}
    for row in store.select(VERSIONS, Dataset((META_GRAPH,))):
        if row["time"].value[:10] > day.isoformat():
            continue
        code, version = row["code"].value, int(row["version"].value)
        held = latest.get(code, (0, []))
        if version > held[0]:
            latest[code] = (version, [row["graph"].value])
        elif version == held[0]:
            held[1].append(row["graph"].value)
    graphs = {g: store.triples(g) for g in public_base_graphs(store)}
    meta = []
    for code, (_, history) in latest.items():
        for graph in history:
            live = partner_graph(code, graph.rsplit("/", 1)[-1])
            graphs[live] = store.triples(graph)
            meta += _meta_of(store, graph, live)
    graphs[META_GRAPH] = meta
    snapshot = Store()
    snapshot.replace(graphs)
    return snapshot


def _meta_of(store: GraphStore, graph: str, live: str) -> list[ox.Triple]:
    """Return the meta-graph entry of a history graph, restated for a live partner graph."""
    rows = store.select(
        "SELECT ?p ?o WHERE { ?g ?p ?o }", Dataset((META_GRAPH,)), {"g": ox.NamedNode(graph)}
    )
    return [ox.Triple(ox.NamedNode(live), r["p"], r["o"]) for r in rows]


def to_json(rep: GapReport) -> str:
    """Return the report as JSON."""
    body = {
        "summary": rep.summary(),
        "input": rep.input_summary(),
        "confirmed_only": rep.confirmed_only,
        "counts": rep.counts(),
        "as_of": rep.as_of,
        "params": rep.params,
        "sections": [dict(asdict(s), overview=s.overview.as_dict()) for s in rep.sections],
        "network": asdict(rep.network) if rep.network else None,
        "network_findings": rep.network_findings() if rep.network else [],
        "adoptions": [_adoption(a) for a in rep.adoptions],
        "levels": {str(k): v for k, v in sorted(rep.levels.items())},
    }
    return json.dumps(body, indent=2)


def _adoption(a: Adoption) -> dict:
    """Return an adoption as a plain dict with short names."""
    return {
        "partner": short(a.partner),
        "standard": short(a.standard),
        "data_type": short(a.data_type),
        "gaps_before": a.before,
        "gaps_after": a.after,
        "confirmed_closed": a.confirmed,
        "confirmed": a.confirmed > 0,
    }


def to_markdown(rep: GapReport) -> str:
    """Return the report as Markdown."""
    lines = [f"# Gap report{' as of ' + rep.as_of if rep.as_of else ''}", "", rep.summary()]
    lines += ["", rep.input_summary(), ""]
    for sec in rep.sections:
        lines += [
            f"## {sec.name} ({sec.severity}): {len(sec.rows)} finding(s)",
            "",
            sec.summary,
            "",
            sec.evidence,
            "",
        ]
        lines += _summary_markdown(sec)
        lines += [
            f"- [{sev}] {finding_line(row)}"
            for row, sev in zip(sec.rows[:ROWS_SHOWN], sec.severities, strict=False)
        ]
        if len(sec.rows) > ROWS_SHOWN:
            lines.append(
                f"- ... and {len(sec.rows) - ROWS_SHOWN} more: "
                f"`kg query {sec.name} --format csv` gives every row"
            )
        lines.append("")
    lines += ["## network (warning)", ""]
    net = rep.network
    lines.append(f"{net.partners} partners, {net.links} links, {len(net.islands)} island(s)")
    lines += [f"- {finding}" for finding in rep.network_findings()]
    lines += [
        "",
        "Most central standards: "
        + ", ".join(f"{s['standard']} ({s['betweenness']})" for s in net.standards[:5]),
        "",
    ]
    lines += [
        "## recommended adoptions",
        "",
        "| # | partner | adopts | for | gaps before | gaps after | confirmed gaps closed |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {i} | {a['partner']} | {a['standard']} | {a['data_type']} | "
        f"{a['gaps_before']} | {a['gaps_after']} | {a['confirmed_closed']} |"
        for i, a in enumerate(map(_adoption, rep.adoptions), 1)
    ]
    lines += ["", "## interoperability levels", ""]
    lines += [f"- level {k}: {v} partner pair(s)" for k, v in sorted(rep.levels.items())]
    return "\n".join(lines) + "\n"


def finding_line(row: dict) -> str:
    """Return one finding as a line: its explanation, unconfirmed when it rests on an
    assumption, and its evidence when the report gives it.

    >>> finding_line({"explanation": "A -> B", "confirmed": "false", "evidence": "assumed"})
    'A -> B (unconfirmed; evidence: assumed)'
    """
    text = row.get("explanation") or ", ".join(v for v in row.values() if v)
    notes = ["unconfirmed"] if "confirmed" in row and not is_true(row["confirmed"]) else []
    notes += [f"evidence: {row['evidence']}"] if row.get("evidence") else []
    return text + (f" ({'; '.join(notes)})" if notes else "")


def _summary_markdown(sec: Section) -> list[str]:
    """Return a section's summary as Markdown: its one line and a table of the largest groups."""
    overview = sec.overview
    lines = [f"**Summary:** {overview.line()}", ""]
    if not overview.columns or not overview.groups:
        return lines
    confirmed = overview.confirmed is not None
    lines += [
        f"| {title_case(overview.by)} | findings |"
        + (" confirmed |" if confirmed else "")
        + f" {title(overview.detail).lower()} |",
        "|---|---|" + ("---|" if confirmed else "") + "---|",
    ]
    for group in overview.groups[:SHOWN]:
        lines.append(
            f"| {group.name} | {group.count} |"
            + (f" {group.confirmed} |" if confirmed else "")
            + f" {', '.join(group.detail)}{f' and {group.more} more' if group.more else ''} |"
        )
    if len(overview.groups) > SHOWN:
        lines.append(
            f"| ... {len(overview.groups) - SHOWN} more | | |" + (" |" if confirmed else "")
        )
    return lines + [""]


def title_case(text: str) -> str:
    """Return text with a capital first letter.

    >>> title_case("partner pair")
    'Partner pair'
    """
    return text[:1].upper() + text[1:]


def to_html(rep: GapReport) -> str:
    """Return the report as a standalone, autoescaped HTML page."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
    return env.get_template("gaps_report.html").render(
        report=rep,
        counts=rep.counts(),
        adoptions=[_adoption(a) for a in rep.adoptions],
        findings=rep.network_findings(),
        zip=zip,
        shown=ROWS_SHOWN,
        groups_shown=SHOWN,
        title=title,
        finding_line=finding_line,
    )


def render(rep: GapReport, fmt: str) -> str:
    """Render the report as md, json or html."""
    return {"md": to_markdown, "json": to_json, "html": to_html}[fmt](rep)
