"""Capabilities: the detail page with marking and provenance, and faceted browsing."""

from __future__ import annotations

from flask import Blueprint, abort, request

from kg.namespaces import ID
from kg.web.pages import answer, api_route, iri, local, paged, select
from kg.web.provenance import graph_versions
from kg.web.viewer_cache import kept

bp = Blueprint("capabilities", __name__)

FACTS = """
SELECT ?p ?plabel ?o ?olabel ?g WHERE {
  GRAPH ?g { ?_cap ?p ?o }
  OPTIONAL { ?p rdfs:label ?plabel FILTER(LANG(?plabel) IN ("en", "")) }
  OPTIONAL { ?o rdfs:label|skos:prefLabel ?olabel FILTER(LANG(?olabel) IN ("en", "")) }
} ORDER BY ?p ?o
"""
INTERFACES = """
SELECT ?iface ?direction ?dt ?dtlabel ?std ?stdlabel ?version ?assumed WHERE {
  ?_cap ?direction ?iface . VALUES ?direction { csig:produces csig:consumes }
  OPTIONAL { ?iface csig:dataType ?dt OPTIONAL { ?dt skos:prefLabel ?dtlabel } }
  OPTIONAL { ?iface csig:standard ?std OPTIONAL { ?std rdfs:label ?stdlabel } }
  OPTIONAL { ?iface csig:standardVersion ?version }
  OPTIONAL { ?iface csig:assumed ?assumed }
} ORDER BY ?direction ?iface
"""
MARKING = """
SELECT ?text ?rank WHERE {
  ?_cap csig:hasMarking ?m . ?m csig:markingText ?text .
  OPTIONAL { ?m csig:classification/csig:rank ?rank }
}
"""
LIST = """
SELECT ?cap ?label ?partner ?plabel ?orbit ?olabel ?status ?slabel ?kind ?klabel ?exercise
WHERE {
  ?cap a csig:Capability ; rdfs:label ?label ; csig:providedBy ?partner .
  ?partner rdfs:label ?plabel .
  OPTIONAL { ?cap csig:orbitRegime ?orbit . ?orbit skos:prefLabel ?olabel }
  OPTIONAL { ?cap csig:status ?status . ?status skos:prefLabel ?slabel }
  OPTIONAL { ?cap csig:kind ?kind . ?kind skos:prefLabel ?klabel }
  OPTIONAL { ?cap csig:exerciseData ?exercise }
} ORDER BY LCASE(?label)
"""
AREAS = """
SELECT DISTINCT ?cap ?ma ?label ?notation WHERE {
  ?cap a csig:Capability ; csig:missionArea/skos:broader* ?ma .
  ?ma skos:prefLabel ?label ; skos:notation ?notation .
}
"""
ORDER = (
    "label",
    "identifier",
    "description",
    "providedBy",
    "contributingNation",
    "operator",
    "kind",
    "missionArea",
    "orbitRegime",
    "status",
    "statusAsOf",
    "hostedOn",
    "exerciseData",
    "hasMarking",
    "source",
    "type",
)
SHOWN_APART = {"produces", "consumes", "hasInterface"}
FACETS = (
    ("mission_area", "Mission area"),
    ("partner", "Partner"),
    ("orbit", "Orbit regime"),
    ("status", "Status"),
    ("kind", "Kind"),
)


def capability(value: str) -> dict | None:
    """Return everything the viewer may see about one capability, or None."""
    facts = select(FACTS, _cap=iri(value))
    if not facts:
        return None
    versions = graph_versions({f["g"] for f in facts})
    fields: dict[str, dict] = {}
    for f in facts:
        if local(f["p"]) in SHOWN_APART:
            continue
        field = fields.setdefault(
            f["p"], {"iri": f["p"], "label": f.get("plabel", local(f["p"])), "values": []}
        )
        field["values"].append(
            {
                "iri": f["o"] if _is_iri(f["o"]) else None,
                "value": f["o"],
                "label": f.get("olabel"),
                "changed": versions.get(f["g"], {}).get("time", "")[:10],
            }
        )
    marking = select(MARKING, _cap=iri(value))
    for f in fields.values():
        if local(f["iri"]) == "hasMarking" and marking:
            f["values"][0]["label"] = marking[0]["text"]
    label = next(
        (v["value"] for f in fields.values() if local(f["iri"]) == "label" for v in f["values"]),
        local(value),
    )
    ordered = sorted(fields.values(), key=lambda f: _position(local(f["iri"])))
    return {
        "iri": value,
        "label": label,
        "fields": ordered,
        "interfaces": select(INTERFACES, _cap=iri(value)),
        "marking": {"text": marking[0]["text"], "rank": int(marking[0].get("rank", 0))}
        if marking
        else {"text": "UNMARKED", "rank": 0},
        "provenance": sorted(versions.values(), key=lambda v: v["time"]),
    }


def _position(name: str) -> int:
    """Return where a field goes on the page: the listed order, then the rest."""
    return ORDER.index(name) if name in ORDER else len(ORDER)


def _is_iri(value: str) -> bool:
    """Return whether a fact's value is an IRI (rather than a literal that looks like one)."""
    return value.startswith(("https://w3id.org/", "http://www.w3.org/"))


def show(value: str):
    """Answer the capability page for an instance IRI (404 when it is not visible)."""
    data = capability(value)
    if data is None:
        abort(404)
    return answer("capability.html", **data)


@bp.get("/api/capabilities/<slug>")
def api_capability(slug: str):
    """Return one capability as JSON."""
    return show(f"{ID}capability/{slug}")


def capability_rows() -> list[dict]:
    """Return every visible capability with its facet values (mission areas with ancestors)."""
    return kept("capability-rows", None, _capability_rows)


def _capability_rows() -> list[dict]:
    rows = select(LIST)
    areas: dict[str, list[dict]] = {}
    for a in select(AREAS):
        areas.setdefault(a["cap"], []).append(a)
    for row in rows:
        row["exercise"] = row.get("exercise") == "true"
        row["mission_area"] = sorted({a["ma"] for a in areas.get(row["cap"], [])})
        row["labels"] = {
            a["ma"]: f"{a['notation']} {a['label']}" for a in areas.get(row["cap"], [])
        }
    return rows


def facet_counts(rows: list[dict]) -> list[dict]:
    """Count the values of each facet among `rows`."""
    facets = []
    for name, title in FACETS:
        counts: dict[str, list] = {}
        for row in rows:
            values = row[name] if name == "mission_area" else [row.get(name)]
            for value in filter(None, values):
                label = (
                    row["labels"][value]
                    if name == "mission_area"
                    else row.get(
                        {
                            "partner": "plabel",
                            "orbit": "olabel",
                            "status": "slabel",
                            "kind": "klabel",
                        }[name],
                        value,
                    )
                )
                counts.setdefault(value, [label, 0])[1] += 1
        values = [{"iri": k, "label": lab, "count": n} for k, (lab, n) in counts.items()]
        facets.append(
            {"name": name, "title": title, "values": sorted(values, key=lambda v: v["label"])}
        )
    return facets


def matches(row: dict, chosen: dict[str, str]) -> bool:
    """Return whether a capability row has every chosen facet value."""
    for name, value in chosen.items():
        have = row[name] if name == "mission_area" else [row.get(name)]
        if value not in have:
            return False
    return True


def browse(chosen: dict[str, str]) -> tuple[list[dict], list[dict]]:
    """Return the capabilities with every chosen facet value, and the facet counts among them."""

    def compute() -> tuple[list[dict], list[dict]]:
        rows = [r for r in capability_rows() if matches(r, chosen)]
        return rows, facet_counts(rows)

    return kept("capabilities", tuple(sorted(chosen.items())), compute)


@api_route(bp, "/capabilities", "/api/capabilities")
def capabilities():
    """Browse capabilities by facets, with counts over the viewer's dataset, a page at a time."""
    chosen = {n: request.args[n] for n, _ in FACETS if request.args.get(n)}
    rows, facets = browse(chosen)
    page, paging = paged(rows)
    shown = [{k: v for k, v in row.items() if k != "labels"} for row in page]
    return answer(
        "capabilities.html", chosen=chosen, capabilities=shown, facets=facets, paging=paging
    )
