"""overlaps in steps: capabilities of several partners with the same area, kind and orbit.

The published definition is kg/queries/overlaps.rq; this gives the same rows. Its nested
groupings stop Virtuoso's optimiser ("Bad dfe") and rdflib's engine; here each input is one
simple query and the grouping is done in Python.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import product

from kg.findings.inputs import (
    ANY_BROADER,
    CODES,
    Select,
    after,
    alive,
    described,
    integer,
    literal,
    objects,
    subjects,
)
from kg.namespaces import CSIG, sparql_prefixes

COLUMNS = [
    "missionArea",
    "kind",
    "orbit",
    "partners",
    "capabilities",
    "assessment",
    "explanation",
]
HEAD = sparql_prefixes(("csig", "status", "skos"))
# Capabilities in service that no constellation stands for, as the report groups them.
ALIVE = """?capability csig:status ?status .
  FILTER(?status NOT IN (status:retired, status:cancelled))
  FILTER NOT EXISTS { ?capability csig:memberOf ?constellation }
  FILTER NOT EXISTS { ?group csig:hasMember ?capability }"""
PLACED = (
    HEAD
    + f"""
SELECT DISTINCT ?capability ?missionArea ?kind ?orbit ?partner WHERE {{
  ?capability csig:missionArea ?missionArea ; csig:kind ?kind ; csig:orbitRegime ?orbit ;
              csig:providedBy ?partner .
  {ALIVE}
}}"""
)
# What capabilities produce, in which standard; only those PLACED found count, so the
# filters of ALIVE are not asked again (they doubled this query's time at 1M).
PRODUCED = (
    HEAD
    + """
SELECT DISTINCT ?capability ?dataType ?standard WHERE {
  ?capability csig:produces ?interface .
  ?interface csig:dataType ?dataType ; csig:standard ?standard .
}"""
)
SHARED = "redundancy (resilience)"


@dataclass
class Group:
    """The capabilities of one mission area, kind and orbit."""

    key: tuple
    partners: set[str] = field(default_factory=set)
    capabilities: set[str] = field(default_factory=set)
    coded: set[str] = field(default_factory=set)
    products: dict[tuple, set[str]] = field(default_factory=lambda: defaultdict(set))

    def sharing(self) -> int:
        """Return the most partners producing one data type through one standard."""
        return max((len(p) for p in self.products.values()), default=0)


def rows(select: Select, values: dict) -> tuple[list[str], list[dict]]:
    """Return the report's columns and rows for the bound parameters (`_name` keys)."""
    least = values.get("_min_partners")
    if least is None:
        return COLUMNS, []
    codes: dict[str, set[str]] = defaultdict(set)
    for row in select(CODES):
        codes[row["partner"].value].add(row["code"].value)
    groups = _groups(select, codes)
    tops: dict[str, set] = defaultdict(set)
    for row in select(ANY_BROADER):
        tops[row["area"].value].add(row["top"])
    wanted, partner = values.get("_mission_area"), values.get("_partner")
    out = []
    for group in groups.values():
        area = group.key[0]
        if wanted is not None and wanted != area and wanted not in tops[area.value]:
            continue
        if len(group.partners) < 2 or len(group.coded) < int(least.value):
            continue
        if partner is not None and partner.value not in group.coded:
            continue
        out.append(_row(group, codes))
    out.sort(key=lambda r: (r["missionArea"].value, r["kind"].value, r["orbit"].value))
    return COLUMNS, out


def placed(select: Select) -> set[tuple]:
    """Return (capability, area, kind, orbit, partner) of capabilities in service that no
    constellation stands for: the solutions of PLACED (on the embedded store joined from
    scans, kg/findings/inputs.py)."""
    if not select.scans:
        names = ("capability", "missionArea", "kind", "orbit", "partner")
        return {tuple(row[n] for n in names) for row in select(PLACED)}
    kinds, orbits = objects(select, CSIG + "kind"), objects(select, CSIG + "orbitRegime")
    partners, times = objects(select, CSIG + "providedBy"), alive(select)
    members, grouped = subjects(select, CSIG + "hasMember"), objects(select, CSIG + "memberOf")
    out = set()
    for capability, areas in objects(select, CSIG + "missionArea").items():
        if capability in grouped or capability in members or not times(capability):
            continue
        places = (areas, kinds.get(capability, ()), orbits.get(capability, ()))
        places += (partners.get(capability, ()),)
        out.update((capability, *place) for place in product(*places))
    return out


def produced(select: Select) -> set[tuple]:
    """Return (capability, data type, standard) for what capabilities produce: the solutions
    of PRODUCED (on the embedded store joined from scans)."""
    if not select.scans:
        return {(r["capability"], r["dataType"], r["standard"]) for r in select(PRODUCED)}
    describe = described(select)
    return {
        (capability, row["dataType"], row["standard"])
        for capability, interfaces in objects(select, CSIG + "produces").items()
        for interface in interfaces
        for row in describe(interface)
    }


def _groups(select: Select, codes: dict[str, set[str]]) -> dict[tuple, Group]:
    """Return the groups by (area, kind, orbit), with the products of their capabilities."""
    groups: dict[tuple, Group] = {}
    placed_as: dict[str, list[tuple[Group, str]]] = defaultdict(list)
    for capability, area, kind, orbit, partner in placed(select):
        key = (area, kind, orbit)
        group = groups.get(key) or groups.setdefault(key, Group(key))
        group.partners.add(partner.value)
        if partner.value in codes:
            group.coded.add(partner.value)
            group.capabilities.add(capability.value)
        placed_as[capability.value].append((group, partner.value))
    for capability, data_type, standard in produced(select):
        for group, partner in placed_as.get(capability.value, ()):
            group.products[(data_type, standard)].add(partner)
    return groups


def _row(group: Group, codes: dict[str, set[str]]) -> dict:
    """Return one group's row: its counts, assessment and explanation."""
    area, kind, orbit = group.key
    shared = group.sharing() >= 2
    names = sorted({c for p in group.coded for c in codes[p]})
    capabilities = sorted({after(c, "/capability/") for c in group.capabilities})
    text = (
        f"{after(area.value, '/missionarea/')} / {after(kind.value, '/kind/')} / "
        f"{after(orbit.value, '/orbit/')}: {len(group.coded)} partners ({', '.join(names)}) "
        f"with {', '.join(capabilities)}; "
        + (
            "redundancy (resilience): partners share a product standard"
            if shared
            else "duplication: no shared product standard"
        )
    )
    return {
        "missionArea": area,
        "kind": kind,
        "orbit": orbit,
        "partners": integer(len(group.coded)),
        "capabilities": integer(len(group.capabilities)),
        "assessment": literal(SHARED if shared else "duplication"),
        "explanation": literal(text),
    }
