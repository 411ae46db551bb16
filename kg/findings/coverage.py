"""coverage in steps: mission areas with no operational capability, or fewer than k partners.

The published definition is kg/queries/coverage.rq; this gives the same rows. Its grouped
subquery joins every capability with every coalition of its partner before counting, which
Virtuoso refuses on cost at 100k and pyoxigraph takes minutes over at 10M; here each input
is one simple DISTINCT query and the counting is done in Python.
"""

from __future__ import annotations

import pyoxigraph as ox

from kg.findings.inputs import ANY_BROADER, CODES, MEMBERSHIPS, Select, integer, is_string, literal
from kg.namespaces import sparql_prefixes

HEAD = sparql_prefixes(("csig", "ma", "status", "skos"))
COLUMNS = ["missionArea", "notation", "providers", "severity", "explanation"]
AREAS = (
    HEAD
    + """
SELECT ?missionArea ?notation ?label ?parent WHERE {
  ?missionArea skos:inScheme ma:scheme ; skos:notation ?notation ; skos:prefLabel ?label .
  OPTIONAL { ?missionArea skos:broader ?parent }
}"""
)
# Partners providing an operational capability that no constellation stands for, per area.
PROVIDERS = (
    HEAD
    + """
SELECT DISTINCT ?area ?partner WHERE {
  ?capability csig:missionArea ?area ; csig:status status:operational ;
              csig:providedBy ?partner .
  FILTER NOT EXISTS { ?capability csig:memberOf ?constellation }
  FILTER NOT EXISTS { ?group csig:hasMember ?capability }
}"""
)


def rows(select: Select, values: dict) -> tuple[list[str], list[dict]]:
    """Return the report's columns and rows for the bound parameters (`_name` keys)."""
    k = values.get("_k")
    if k is None:
        return COLUMNS, []
    counted = _providers(select, values.get("_coalition"))
    wanted = values.get("_mission_area")
    out = []
    for row in select(AREAS):
        area, parent = row["missionArea"], row.get("parent")
        top = parent if parent is not None else area
        if wanted is not None and wanted not in (area, top):
            continue
        codes = counted.get(area.value, {})
        if len(codes) >= int(k.value):
            continue
        out.append(_row(row, codes, k))
    out.sort(key=lambda r: r["notation"].value)
    return COLUMNS, out


def _providers(select: Select, coalition: ox.NamedNode | None) -> dict[str, dict[str, list]]:
    """Return, per mission area IRI, its providing partners (in scope) and their codes."""
    codes: dict[str, list] = {}
    for row in select(CODES):
        codes.setdefault(row["partner"].value, []).append(row["code"])
    scope = None
    if coalition is not None:
        scope = {r["partner"].value for r in select(MEMBERSHIPS) if r["coalition"] == coalition}
    broader: dict[str, set[str]] = {}
    for row in select(ANY_BROADER):
        broader.setdefault(row["area"].value, set()).add(row["top"].value)
    out: dict[str, dict[str, list]] = {}
    for row in select(PROVIDERS):
        partner = row["partner"].value
        if partner not in codes or (scope is not None and partner not in scope):
            continue
        area = row["area"].value
        for credited in (area, *broader.get(area, ())):
            out.setdefault(credited, {})[partner] = codes[partner]
    return out


def _row(row: dict, codes: dict[str, list], k: ox.Literal) -> dict:
    """Return one mission area's row: its provider count, severity and explanation."""
    providers = len(codes)
    out = {
        "missionArea": row["missionArea"],
        "notation": row["notation"],
        "providers": integer(providers),
        "severity": literal("violation" if providers == 0 else "warning"),
    }
    if is_string(row["notation"]):
        if providers == 0:
            said = "no submitted capability in operation"
        else:
            names = ", ".join(sorted({c.value for cs in codes.values() for c in cs}))
            said = f"only {providers} partner(s) submitted a capability in operation: {names}"
        label = row["label"].value
        text = f"{row['notation'].value} ({label}): {said}; at least {k.value} wanted"
        out["explanation"] = literal(text)
    return out
