"""Strategy: goals, lines of effort, organisations, activities, partners; risks, mitigations."""

from __future__ import annotations

from flask import Blueprint

from kg.web.pages import answer, api_route, select

bp = Blueprint("strategy", __name__)

STRATEGIES = """
SELECT ?s ?label ?description WHERE {
  ?s a csig:Strategy ; rdfs:label ?label . OPTIONAL { ?s dcterms:description ?description }
}
"""
GOALS = """
SELECT ?goal ?label ?definition WHERE {
  ?goal a csig:EnduringGoal ; rdfs:label ?label . OPTIONAL { ?goal skos:definition ?definition }
} ORDER BY ?label
"""
LINES = """
SELECT ?loe ?label ?definition ?goal ?domain ?dlabel ?min ?max ?lead ?leadlabel
       (GROUP_CONCAT(DISTINCT ?slabel; separator=", ") AS ?supporting) WHERE {
  ?loe a csig:LineOfEffort ; rdfs:label ?label .
  OPTIONAL { ?loe skos:definition ?definition }
  OPTIONAL { ?loe csig:advancesGoal ?goal }
  OPTIONAL { ?loe csig:forceDomain ?domain . ?domain rdfs:label ?dlabel
             OPTIONAL { ?domain csig:horizonMinYears ?min ; csig:horizonMaxYears ?max } }
  OPTIONAL { ?loe csig:leadOrganisation ?lead . ?lead rdfs:label ?leadlabel }
  OPTIONAL { ?loe csig:supportingOrganisation/rdfs:label ?slabel }
} GROUP BY ?loe ?label ?definition ?goal ?domain ?dlabel ?min ?max ?lead ?leadlabel
ORDER BY ?label
"""
ACTIVITIES = """
SELECT ?act ?label ?type ?loe ?lead ?leadlabel ?start ?end
       (GROUP_CONCAT(DISTINCT ?plabel; separator=", ") AS ?participants) WHERE {
  ?act a ?type ; rdfs:label ?label ; csig:lineOfEffort ?loe .
  ?type rdfs:subClassOf* csig:Activity .
  FILTER NOT EXISTS { ?act a ?sub . ?sub rdfs:subClassOf ?type FILTER(?sub != ?type) }
  OPTIONAL { ?act csig:leadOrganisation ?lead . ?lead rdfs:label ?leadlabel }
  OPTIONAL { ?act csig:startDate ?start } OPTIONAL { ?act csig:endDate ?end }
  OPTIONAL { ?act csig:participant/rdfs:label ?plabel }
} GROUP BY ?act ?label ?type ?loe ?lead ?leadlabel ?start ?end ORDER BY ?label
"""
RISKS = """
SELECT ?risk ?label ?definition
       (GROUP_CONCAT(DISTINCT ?tlabel; separator="; ") AS ?threatens)
       (GROUP_CONCAT(DISTINCT ?mlabel; separator="; ") AS ?mitigations) WHERE {
  ?risk a csig:Risk ; rdfs:label ?label .
  OPTIONAL { ?risk skos:definition ?definition }
  OPTIONAL { ?risk csig:threatens/rdfs:label ?tlabel }
  OPTIONAL { ?m csig:mitigates ?risk ; rdfs:label ?mlabel }
} GROUP BY ?risk ?label ?definition ORDER BY ?label
"""


def goals_tree() -> list[dict]:
    """Return goals, each with its lines of effort and their activities."""
    activities = select(ACTIVITIES)
    lines = select(LINES)
    for line in lines:
        line["activities"] = [a for a in activities if a["loe"] == line["loe"]]
    goals = select(GOALS)
    for goal in goals:
        goal["lines"] = [line for line in lines if line.get("goal") == goal["goal"]]
    return goals


@api_route(bp, "/strategy", "/api/strategy")
def strategy():
    """Show the strategy: ends, ways and means, with risks and mitigations."""
    return answer(
        "strategy.html", strategies=select(STRATEGIES), goals=goals_tree(), risks=select(RISKS)
    )
