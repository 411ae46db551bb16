"""The SPARQL editor page: examples, a results table and downloads from /sparql."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from flask import Blueprint, request

from kg.errors import KGError
from kg.results import term_json
from kg.sparql import QueryResult
from kg.web.auth import current_dataset
from kg.web.endpoint import viewer_key
from kg.web.fairness import Busy, fairly
from kg.web.pages import answer
from kg.web.state import state

bp = Blueprint("editor", __name__)

QUERIES = Path(__file__).resolve().parent.parent / "queries"
PREFIX_LINES = """PREFIX csig: <https://w3id.org/csig/ont#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
EXAMPLES = (
    (
        "capabilities-by-partner",
        "Capabilities per providing partner",
        PREFIX_LINES
        + """
SELECT ?partner ?name (COUNT(?cap) AS ?capabilities) WHERE {
  ?cap a csig:Capability ; csig:providedBy ?partner .
  ?partner rdfs:label ?name .
} GROUP BY ?partner ?name ORDER BY DESC(?capabilities)""",
    ),
    (
        "standards-in-use",
        "Standards used by capability interfaces",
        PREFIX_LINES
        + """
SELECT ?standard ?name (COUNT(DISTINCT ?cap) AS ?capabilities) WHERE {
  ?cap csig:produces|csig:consumes ?iface . ?iface csig:standard ?standard .
  ?standard rdfs:label ?name .
} GROUP BY ?standard ?name ORDER BY DESC(?capabilities) ?name""",
    ),
    (
        "mission-areas",
        "Top-level mission areas",
        PREFIX_LINES
        + """
SELECT ?notation ?label WHERE {
  ?area skos:topConceptOf <https://w3id.org/csig/missionarea/scheme> ;
        skos:notation ?notation ; skos:prefLabel ?label .
} ORDER BY ?notation""",
    ),
    (
        "graphs",
        "The named graphs you can see",
        """SELECT ?g (COUNT(*) AS ?triples) WHERE {
  GRAPH ?g { ?s ?p ?o }
} GROUP BY ?g ORDER BY ?g""",
    ),
    (
        "describe-capability",
        "Describe one capability (a graph result)",
        "DESCRIBE <https://w3id.org/csig/id/capability/gps>",
    ),
)


def catalogue_examples() -> list[dict]:
    """Return the named reports of kg/queries as examples, with their summaries."""
    examples = []
    for path in sorted(QUERIES.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        summary = next(
            (
                line.split(":", 1)[1].strip()
                for line in text.splitlines()
                if line.startswith("#+ summary:")
            ),
            path.stem,
        )
        examples.append({"name": path.stem, "title": summary, "query": text, "group": "report"})
    return examples


def examples() -> list[dict]:
    """Return the built-in examples followed by the catalogue's named reports."""
    built_in = [{"name": n, "title": t, "query": q, "group": "example"} for n, t, q in EXAMPLES]
    return built_in + catalogue_examples()


def cell(term) -> dict:
    """Return a result term for the table: its value, and whether it is an IRI."""
    if term is None:
        return {}
    return dict(term_json(term), iri=isinstance(term, ox.NamedNode))


def table(result: QueryResult) -> dict:
    """Return a result as a header and rows of cells, whatever its form."""
    if result.form == "ask":
        return {"form": "ask", "boolean": result.boolean}
    if result.form == "graph":
        rows = [[cell(t.subject), cell(t.predicate), cell(t.object)] for t in result.triples]
        return {
            "form": "graph",
            "head": ["subject", "predicate", "object"],
            "rows": rows,
            "truncated": result.truncated,
        }
    rows = [[cell(row.get(v)) for v in result.variables] for row in result.rows]
    return {"form": "select", "head": result.variables, "rows": rows, "truncated": result.truncated}


@bp.route("/query", methods=["GET", "POST"])
def editor():
    """Edit and run a SPARQL query on the viewer's dataset; results with downloads."""
    chosen = {e["name"]: e for e in examples()}.get(request.args.get("example", ""))
    text = request.values.get("query") or (chosen["query"] if chosen else EXAMPLES[0][2])
    result, error, status = None, "", 200
    if "query" in request.values:
        try:
            dataset = current_dataset()
            result = table(fairly(viewer_key(), lambda: state().query(text, dataset)))
        except Busy as err:
            error, status = str(err), 429
        except KGError as err:
            error = str(err)
    page = answer("editor.html", query=text, examples=examples(), result=result, error=error)
    return page, status
