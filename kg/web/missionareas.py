"""Mission areas: the SKOS tree with how many capabilities and partners cover each area.

A constellation counts once (its members are not counted again), as in the coverage matrix.
"""

from __future__ import annotations

from flask import Blueprint

from kg.web.pages import answer, api_route, select
from kg.web.viewer_cache import kept

bp = Blueprint("missionareas", __name__)

TREE = """
SELECT ?ma ?label ?notation ?definition ?broader
       (COUNT(DISTINCT ?cap) AS ?capabilities) (COUNT(DISTINCT ?partner) AS ?partners)
WHERE {
  ?ma skos:inScheme ma:scheme ; skos:prefLabel ?label ; skos:notation ?notation .
  OPTIONAL { ?ma skos:definition ?definition }
  OPTIONAL { ?ma skos:broader ?broader }
  OPTIONAL { ?cap a csig:Capability ; csig:missionArea/skos:broader* ?ma ;
                  csig:providedBy ?partner
              # a constellation is one capability, as in the coverage matrix
              FILTER NOT EXISTS { ?cap csig:memberOf|^csig:hasMember ?constellation } }
} GROUP BY ?ma ?label ?notation ?definition ?broader ORDER BY ?notation
"""


def tree() -> list[dict]:
    """Return the top mission areas, each with its narrower areas and coverage counts."""
    rows = select(TREE)
    for row in rows:
        row["capabilities"] = int(row["capabilities"])
        row["partners"] = int(row["partners"])
    tops = [dict(r, narrower=[]) for r in rows if "broader" not in r]
    by_iri = {t["ma"]: t for t in tops}
    for row in rows:
        if row.get("broader") in by_iri:
            by_iri[row["broader"]]["narrower"].append(row)
    return tops


@api_route(bp, "/mission-areas", "/api/mission-areas")
def mission_areas():
    """Show mission areas as a tree with coverage counts."""
    return answer("missionareas.html", areas=kept("mission-areas", None, tree))
