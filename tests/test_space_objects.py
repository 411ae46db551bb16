"""Bundled data: identity of space objects, constellations, dates that mean what they say."""

from __future__ import annotations

from kg.access import full_dataset
from kg.namespaces import sparql_prefixes

Q = sparql_prefixes(("csig", "dcterms", "skos", "rdfs", "xsd"))
CAP = "https://w3id.org/csig/id/capability/"


def select(store, where: str, variables: str = "?x") -> list[dict]:
    return store.select(Q + f"SELECT DISTINCT {variables} WHERE {{ {where} }}", full_dataset(store))


def names(rows: list[dict], key: str = "x") -> set[str]:
    return {r[key].value.rsplit("/", 1)[-1] for r in rows}


def test_identity_and_orbit_facts_are_typed_and_sourced(store):
    rows = select(
        store,
        "?x csig:cosparId ?c ; csig:noradId ?n ; csig:orbitAsOf ?d ; "
        "csig:perigeeKm ?p ; dcterms:source ?s",
        "?x ?c ?n",
    )
    assert {(r["x"].value.rsplit("/", 1)[-1], r["c"].value, r["n"].value) for r in rows} >= {
        ("paz", "2018-020A", "43215")
    }
    assert names(select(store, "?x csig:noradId 39088")) == {"sapphire"}


def test_near_geo_capabilities_are_found_by_a_query_for_geo(store):
    geo = names(
        select(store, "?x csig:orbitRegime/skos:broader* <https://w3id.org/csig/orbit/GEO>")
    )
    assert {"gssap", "wgs", "skynet-5"} <= geo
    assert "gssap" not in names(
        select(store, "?x csig:orbitRegime <https://w3id.org/csig/orbit/GEO>")
    )


def test_wgs6_is_a_member_of_wgs_funded_by_australia_not_an_australian_capability(store):
    rows = select(
        store,
        f"<{CAP}wgs-6> csig:providedBy ?p ; csig:memberOf ?g ; csig:fundingNation ?f",
        "?p ?g ?f",
    )
    assert [(names([r], "p"), names([r], "g"), names([r], "f")) for r in rows] == [
        ({"USA"}, {"wgs"}, {"AUS"})
    ]
    assert names(select(store, f"<{CAP}wgs> csig:hasMember ?x")) == {"wgs-6"}
    australian = names(select(store, "?x csig:providedBy <https://w3id.org/csig/id/nation/AUS>"))
    assert "wgs-6" not in australian and australian


def test_no_status_is_confirmed_before_the_launch(store):
    early = select(
        store,
        """?x csig:statusAsOf ?s ; csig:launchDate ?l
        FILTER(datatype(?l) = xsd:date && STR(?s) < STR(?l))""",
    )
    assert early == []
    (row,) = select(store, f"<{CAP}sar-lupe> csig:statusAsOf ?s ; csig:launchDate ?l", "?s ?l")
    assert row["s"].value > "2008-07-31"  # after the last of its launches (Jul 2008)
    assert row["l"].value == "2006-12"  # its first launch, as a year and month


def test_event_dates_have_their_own_properties(store):
    launched = names(select(store, "?x csig:launchDate ?d"))
    assert {"skynet-5", "paz", "sapphire", "wgs-6", "cosmo-skymed"} <= launched
    assert len(launched) >= 30
    entered = names(select(store, "?x csig:operationalDate ?d"))
    assert {"space-fence", "c-band-radar-exmouth", "space-surveillance-telescope"} <= entered


def test_memberships_organisations_and_coalitions_have_an_as_of_date(store):
    for cls in ("Membership", "Organisation", "Coalition"):
        assert select(store, f"?x a csig:{cls} FILTER NOT EXISTS {{ ?x csig:asOf ?d }}") == []
        assert select(store, f"?x a csig:{cls} ; csig:asOf ?d")


def test_technology_demonstrators_are_in_the_new_mission_area(store):
    demos = names(
        select(store, "?x csig:missionArea/skos:broader* <https://w3id.org/csig/missionarea/TDD>")
    )
    assert {"m2-pathfinder", "gomx-4a", "heinrich-hertz"} <= demos
