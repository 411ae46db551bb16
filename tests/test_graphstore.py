"""The Graph Store Protocol at /graphs: status codes, auth matrix, ETags, atomic rejection."""

from __future__ import annotations

import pytest

from kg.settings import ROOT

EXAMPLE_TTL = (ROOT / "data" / "examples" / "capabilities.ttl").read_bytes()
EXAMPLE_CSV = (ROOT / "data" / "examples" / "capabilities.csv").read_bytes()
GBR = "/graphs?graph=https://w3id.org/csig/graph/partner/GBR"
TOKENS = {
    "usa": "demo-usa-planner",
    "gbr": "demo-gbr-officer",
    "nato": "demo-nato-staff",
    "admin": "demo-admin",
}


def auth(who: str) -> dict:
    return {"Authorization": f"Bearer {TOKENS[who]}"}


def put(
    client,
    body: bytes,
    who: str | None = "gbr",
    media: str = "text/turtle",
    url: str = GBR,
    **headers,
):
    extra = auth(who) if who else {}
    return client.put(url, data=body, headers={"Content-Type": media, **extra, **headers})


def snapshot(client) -> bytes:
    return client.get(GBR, headers=auth("admin")).data


def test_get_returns_a_partners_public_data_and_an_etag(client):
    response = client.get(GBR, headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert b"skynet-5" in response.data and b"EXERCISE" not in response.data
    assert response.headers["ETag"].startswith('"')
    head = client.head(GBR)
    assert head.status_code == 200 and head.data == b""
    assert head.headers["ETag"] == response.headers["ETag"]


def test_get_shows_more_to_a_cleared_viewer_of_a_listed_nation(client):
    response = client.get(GBR, headers=auth("usa"))
    assert b"EXERCISE" in response.data  # GBR's SECRET//REL TO USA, GBR, AUS record


def test_get_negotiates_ntriples_and_jsonld(client):
    nt = client.get(GBR, headers={"Accept": "application/n-triples"})
    assert nt.mimetype == "application/n-triples" and b"> <" in nt.data
    jsonld = client.get(GBR, headers={"Accept": "application/ld+json"})
    assert jsonld.mimetype == "application/ld+json" and jsonld.data.lstrip().startswith(b"[")


def test_unknown_or_invisible_graph_is_404_and_bad_graph_is_400(client):
    assert client.get("/graphs?graph=https://w3id.org/csig/graph/partner/XYZ").status_code == 404
    assert client.get("/graphs?graph=http://example.org/other").status_code == 400
    assert client.get("/graphs?default").status_code == 400


def test_no_token_is_401(client):
    response = put(client, EXAMPLE_TTL, who=None)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_bad_token_is_401(client):
    response = client.put(
        GBR,
        data=EXAMPLE_TTL,
        headers={"Authorization": "Bearer nope", "Content-Type": "text/turtle"},
    )
    assert response.status_code == 401


@pytest.mark.parametrize("who", ["usa", "nato"])
def test_writing_another_partners_data_is_403(client, who):
    before = snapshot(client)
    assert put(client, EXAMPLE_TTL, who=who).status_code == 403
    assert client.delete(GBR, headers=auth(who)).status_code == 403
    assert snapshot(client) == before


def test_unsupported_media_type_is_415(client):
    assert put(client, b"<x/>", media="application/xml").status_code == 415


def test_unparseable_input_is_400_with_the_parser_message_and_line(client):
    response = put(client, b"@prefix ex: <http://e/> .\nex:a ex:b .\n")
    assert response.status_code == 400
    message = response.get_json()["message"]
    assert "line 2" in message or "2:" in message


def test_non_conforming_put_is_422_with_the_report_and_changes_nothing(client):
    before = snapshot(client)
    bad = EXAMPLE_TTL.replace(b"ma:SDA-SST", b"ma:SDA-XXX")
    response = put(client, bad)
    assert response.status_code == 422
    report = response.get_json()
    assert report["conforms"] is False
    finding = report["by_capability"][0]["findings"][0]
    assert finding["field"] == "mission_areas" and finding["line"]
    assert snapshot(client) == before


def test_a_put_that_withdraws_needs_confirmation_then_replaces_with_204(client):
    before = snapshot(client)
    refused = put(client, EXAMPLE_TTL)
    assert refused.status_code == 409
    assert "skynet-5" in {w["identifier"] for w in refused.get_json()["withdrawals"]}
    assert snapshot(client) == before
    response = put(client, EXAMPLE_TTL, url=GBR + "&confirm=true")
    assert response.status_code == 204
    body = client.get(GBR, headers=auth("gbr")).data
    assert b"exercise-gbr-radar" in body and b"skynet-5" not in body


def test_put_to_a_partner_without_data_is_201(client):
    url = "/graphs?graph=https://w3id.org/csig/graph/partner/SWE"
    body = EXAMPLE_TTL.replace(b"nation:GBR", b"nation:SWE").replace(
        b"GBR, USA, AUS", b"SWE, USA, AUS"
    )
    response = put(client, body, who="admin", url=url)
    assert response.status_code == 201, response.get_json()
    assert client.get(url, headers=auth("admin")).status_code == 200


def test_csv_put_is_accepted_like_turtle(client):
    assert put(client, EXAMPLE_CSV, media="text/csv", url=GBR + "&confirm=true").status_code == 204


def test_post_merges_and_validates_the_merged_result(client):
    one = EXAMPLE_TTL.split(b"cap:exercise-gbr-ops-cell a")[0]
    response = client.post(GBR, data=one, headers={**auth("gbr"), "Content-Type": "text/turtle"})
    assert response.status_code == 204
    body = client.get(GBR, headers=auth("gbr")).data
    assert b"skynet-5" in body and b"exercise-gbr-radar" in body


def test_if_match_prevents_a_silent_overwrite(client):
    etag = client.get(GBR, headers=auth("gbr")).headers["ETag"]
    first = put(client, EXAMPLE_TTL, **{"If-Match": etag})
    assert first.status_code == 204
    second = put(client, EXAMPLE_CSV, media="text/csv", **{"If-Match": etag})
    assert second.status_code == 412
    assert put(client, EXAMPLE_TTL, **{"If-None-Match": "*"}).status_code == 412


def test_delete_withdraws_as_a_new_empty_version(client, app):
    from kg.submissions.history import history

    assert client.delete(GBR, headers=auth("gbr")).status_code == 204
    assert client.get(GBR, headers=auth("gbr")).status_code == 404
    versions = history(app.extensions["kg"].store, "GBR")
    assert versions[-1].note.startswith("withdrawn") and len(versions) == 2
    assert versions[-1].mode == "withdraw" and versions[-1].capabilities == 0


def test_submission_api_validates_and_submits(client):
    bad = client.post(
        "/api/submissions/validate?name=x.csv",
        data=b"identifier\nx\n",
        headers={"Content-Type": "text/csv"},
    )
    assert bad.status_code == 200 and bad.get_json()["conforms"] is False
    pending = client.post(
        "/api/submissions?partner=GBR",
        data={"file": (__import__("io").BytesIO(EXAMPLE_CSV), "capabilities.csv")},
        headers=auth("gbr"),
    )
    assert pending.status_code == 409 and len(pending.get_json()["withdrawals"]) == 6
    ok = client.post(
        "/api/submissions?partner=GBR&confirm=true",
        data={"file": (__import__("io").BytesIO(EXAMPLE_CSV), "capabilities.csv")},
        headers=auth("gbr"),
    )
    assert ok.status_code == 201, ok.get_json()
    assert ok.get_json()["accepted"]["version"] == 2
    assert (
        client.post(
            "/api/submissions?partner=GBR", data=EXAMPLE_CSV, headers={"Content-Type": "text/csv"}
        ).status_code
        == 401
    )


def test_the_context_is_served(client):
    response = client.get("/context.jsonld")
    assert response.status_code == 200 and response.get_json()["@context"]["csig"]
