"""Search: keys, notations, labels and alternative labels, ranked, with facets by type."""

from __future__ import annotations

import pytest

from kg.access import viewer_dataset
from kg.search import facets, search

OMM = "https://w3id.org/csig/id/standard/ccsds-omm"
GBR = {"Authorization": "Bearer demo-gbr-officer"}


@pytest.mark.parametrize("text", ["ccsds-omm", "OMM", "omm", "CCSDS OMM"])
def test_the_omm_standard_comes_first(store, text):
    hits = search(store, viewer_dataset(store), text)
    assert hits[0].iri == OMM, [h.iri for h in hits[:5]]


def test_ranks_run_from_exact_key_to_substring(store):
    hits = search(store, viewer_dataset(store), "omm")
    ranks = [h.rank for h in hits]
    assert ranks == sorted(ranks) and ranks[0] < ranks[-1] == 4
    common = [h for h in hits if h.matched.lower().startswith("common")]
    assert common and all(h.rank == 4 for h in common)


def test_a_notation_and_an_alternative_label_are_found(store):
    dataset = viewer_dataset(store)
    hit = search(store, dataset, "SDA.CA")[0]
    assert hit.iri.endswith("/missionarea/SDA-CA") and hit.rank == 0
    assert any(h.iri.endswith("/nation/GBR") for h in search(store, dataset, "GBR")[:3])


def test_facets_count_hits_per_type(store):
    hits = search(store, viewer_dataset(store), "ccsds")
    counted = facets(hits)
    assert sum(f["count"] for f in counted) == len(hits)
    assert "Data standard" in [f["label"] for f in counted] or any(
        f["type"].endswith("#DataStandard") for f in counted
    )


def test_the_page_filters_by_type_and_its_twin_agrees(client):
    body = client.get("/api/search?q=ccsds").get_json()
    standard = next(f for f in body["facets"] if f["type"].endswith("#DataStandard"))
    only = client.get("/api/search", query_string={"q": "ccsds", "type": standard["type"]})
    rows = only.get_json()
    assert rows["paging"]["total"] == standard["count"]
    assert {r["type"] for r in rows["results"]} == {standard["type"]}
    html = client.get("/search?q=ccsds-omm").get_data(as_text=True)
    assert "CCSDS OMM" in html and "exact identifier or notation" in html


def test_search_answers_from_the_viewer_dataset_only(client):
    exercise = "sovereign"
    public = client.get(f"/api/search?q={exercise}").get_json()
    officer = client.get(f"/api/search?q={exercise}", headers=GBR).get_json()
    assert officer["total"] > public["total"]
