"""Standards: the catalogue with search and filters, and each standard's lineage and users."""

from __future__ import annotations

from flask import Blueprint, abort, request

from kg.namespaces import ID
from kg.web.pages import answer, api_route, iri, paged, select
from kg.web.viewer_cache import kept

bp = Blueprint("standards", __name__)

CATALOGUE = """
SELECT ?std ?label ?identifier ?title ?body ?blabel ?issue ?lifecycle ?llabel
       (GROUP_CONCAT(DISTINCT CONCAT(STR(?dt), "|", ?dtnote); separator=" ") AS ?datatypes)
       (COUNT(DISTINCT ?cap) AS ?users) WHERE {
  ?std a csig:DataStandard ; rdfs:label ?label .
  OPTIONAL { ?std dcterms:identifier ?identifier }
  OPTIONAL { ?std dcterms:title ?title }
  OPTIONAL { ?std csig:issuingBody ?body . ?body rdfs:label ?blabel }
  OPTIONAL { ?std csig:issue ?issue }
  OPTIONAL { ?std csig:lifecycleStatus ?lifecycle . ?lifecycle skos:prefLabel ?llabel }
  OPTIONAL { ?std csig:carries ?dt . ?dt skos:notation ?dtnote }
  OPTIONAL { ?iface csig:standard ?std . ?cap csig:produces|csig:consumes ?iface }
} GROUP BY ?std ?label ?identifier ?title ?body ?blabel ?issue ?lifecycle ?llabel
ORDER BY ?label
"""
CHAIN = """
SELECT ?other ?label ?relation WHERE {
  { ?_std dcterms:replaces+ ?other BIND("replaces" AS ?relation) }
  UNION { ?other dcterms:replaces+ ?_std BIND("replaced by" AS ?relation) }
  UNION { ?_std dcterms:isReplacedBy+ ?other BIND("replaced by" AS ?relation) }
  UNION { ?_std csig:functionallySupersededBy ?other
          BIND("functionally superseded by" AS ?relation) }
  UNION { ?_std csig:profileOf ?other BIND("profile of" AS ?relation) }
  UNION { ?other csig:profileOf ?_std BIND("has profile" AS ?relation) }
  UNION { ?_std dcterms:isPartOf ?other BIND("part of" AS ?relation) }
  UNION { ?other dcterms:isPartOf ?_std BIND("has part" AS ?relation) }
  ?other rdfs:label ?label .
} ORDER BY ?relation ?label
"""
USERS = """
SELECT DISTINCT ?cap ?label ?partner ?plabel ?direction ?dtlabel ?version ?assumed WHERE {
  ?iface csig:standard ?_std . ?cap ?direction ?iface ; rdfs:label ?label ;
  csig:providedBy ?partner . ?partner rdfs:label ?plabel .
  VALUES ?direction { csig:produces csig:consumes }
  OPTIONAL { ?iface csig:dataType/skos:prefLabel ?dtlabel }
  OPTIONAL { ?iface csig:standardVersion ?version }
  OPTIONAL { ?iface csig:assumed ?assumed }
} ORDER BY ?plabel ?label
"""
FIELDS = ("identifier", "title", "blabel", "issue", "llabel")
FILTERS = (("datatype", "Data type"), ("body", "Issuing body"), ("lifecycle", "Status"))


def catalogue() -> list[dict]:
    """Return every visible standard with its body, status, data types and user count."""
    return kept("standards", None, _catalogue)


def _catalogue() -> list[dict]:
    rows = select(CATALOGUE)
    for row in rows:
        pairs = sorted(p.split("|", 1) for p in row.pop("datatypes", "").split())
        row["datatype"] = [dt for dt, _ in pairs]
        row["carries"] = ", ".join(note for _, note in pairs)
        row["pairs"] = pairs
        row["users"] = int(row["users"])
    return rows


def choices(rows: list[dict], name: str, label: str) -> list[dict]:
    """Return the values of one filter with counts, from the catalogue rows."""
    counts: dict[str, list] = {}
    for row in rows:
        values = row["pairs"] if name == "datatype" else [(row.get(name), row.get(label))]
        for value, text in values:
            if value:
                counts.setdefault(value, [text or value, 0])[1] += 1
    return sorted(
        ({"iri": k, "label": t, "count": n} for k, (t, n) in counts.items()),
        key=lambda c: c["label"],
    )


def keep(row: dict, q: str, chosen: dict[str, str]) -> bool:
    """Return whether a standard matches the search text and the chosen filters."""
    text = " ".join(str(row.get(f, "")) for f in ("label", *FIELDS)).lower()
    if q and q.lower() not in text:
        return False
    for name, value in chosen.items():
        if value not in (row["datatype"] if name == "datatype" else [row.get(name)]):
            return False
    return True


@api_route(bp, "/standards", "/api/standards")
def standards():
    """Show the standards catalogue with search and filters."""
    q = request.args.get("q", "").strip()
    chosen = {n: request.args[n] for n, _ in FILTERS if request.args.get(n)}
    rows = kept(
        "standards-found",
        (q, tuple(sorted(chosen.items()))),
        lambda: [r for r in catalogue() if keep(r, q, chosen)],
    )
    page, paging = paged(rows)
    return answer(
        "standards.html", q=q, chosen=chosen, filters=filters(), standards=page, paging=paging
    )


def filters() -> list[dict]:
    """Return the catalogue's filters, each value with how many standards have it."""

    def compute() -> list[dict]:
        rows = catalogue()
        return [
            {
                "name": name,
                "title": title,
                "values": choices(
                    rows, name, {"body": "blabel", "lifecycle": "llabel"}.get(name, "")
                ),
            }
            for name, title in FILTERS
        ]

    return kept("standard-filters", None, compute)


def standard(value: str) -> dict | None:
    """Return one standard with its lineage and the capabilities that use it, or None."""
    rows = [r for r in catalogue() if r["std"] == value]
    if not rows:
        return None
    description = select("SELECT ?d WHERE { ?_std dcterms:description ?d }", _std=iri(value))
    return dict(
        rows[0],
        iri=value,
        description=description[0]["d"] if description else "",
        chain=select(CHAIN, _std=iri(value)),
        used_by=select(USERS, _std=iri(value)),
    )


def show(value: str):
    """Answer the standard page for an instance IRI (404 when it is not visible)."""
    data = standard(value)
    if data is None:
        abort(404)
    return answer("standard.html", **data)


@bp.get("/api/standards/<key>")
def api_standard(key: str):
    """Return one standard as JSON."""
    return show(f"{ID}standard/{key}")
