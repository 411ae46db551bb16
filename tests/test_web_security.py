"""Web forms and credentials: CSRF tokens, cookie flags, origins, redirects, 401 for bad auth."""

from __future__ import annotations

import json

import pytest

from kg.settings import ROOT
from tests.conftest import form_token

CSV = (ROOT / "data" / "examples" / "capabilities.csv").read_bytes()
EVIL = {"Origin": "https://evil.example"}


def signed_in(client) -> None:
    response = client.post(
        "/signin", data={"token": "demo-gbr-officer", "csrf_token": form_token(client)}
    )
    assert response.status_code == 302


def versions(client) -> int:
    return len(client.get("/api/partners/nation/GBR").get_json()["submissions"])


def audit_lines(app) -> list[dict]:
    path = app.extensions["kg"].settings.path("audit_log")
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


@pytest.mark.parametrize(
    "path, data",
    [
        ("/signin", {"token": "demo-gbr-officer"}),
        ("/signout", {}),
        ("/submit", {"action": "accept", "partner": "GBR"}),
    ],
)
def test_form_posts_without_a_token_are_refused(client, path, data):
    if path != "/signin":
        signed_in(client)
    response = client.post(path, data=data, headers={"Accept": "text/html"})
    assert response.status_code == 400
    assert "CSRF token" in response.get_data(as_text=True)


def test_a_cross_site_upload_with_the_session_changes_nothing(client, app):
    signed_in(client)
    before = versions(client)
    token = form_token(client, "/submit")
    upload = {
        "action": "accept",
        "partner": "GBR",
        "csrf_token": token,
        "mode": "merge",
        "file": (__import__("io").BytesIO(CSV), "capabilities.csv"),
    }
    refused = client.post("/submit", data=upload, headers=EVIL, content_type="multipart/form-data")
    assert refused.status_code == 403 and versions(client) == before
    denied = [
        e for e in audit_lines(app) if e["action"] == "deny" and "evil.example" in e["detail"]
    ]
    assert [e["who"] for e in denied] == ["gbr-officer"]  # whose session it carried
    upload["file"] = (__import__("io").BytesIO(CSV), "capabilities.csv")
    accepted = client.post("/submit", data=upload, content_type="multipart/form-data")
    assert accepted.status_code == 200 and "Accepted as version" in accepted.get_data(as_text=True)
    assert versions(client) == before + 1


def test_every_post_form_carries_the_token(client):
    signed_in(client)
    for path in ("/", "/submit", "/signin", "/partners"):
        page = client.get(path).get_data(as_text=True)
        forms = page.split("<form")[1:]
        posts = [f for f in forms if 'method="post"' in f.split(">", 1)[0]]
        assert all('name="csrf_token"' in f.split("</form>")[0] for f in posts), path


def test_the_session_cookie_is_samesite_lax_and_httponly(client):
    response = client.post(
        "/signin", data={"token": "demo-gbr-officer", "csrf_token": form_token(client)}
    )
    cookie = response.headers["Set-Cookie"]
    assert "SameSite=Lax" in cookie and "HttpOnly" in cookie and "Secure" not in cookie


def test_the_session_cookie_is_secure_over_https(client):
    token = form_token(client)
    response = client.post(
        "/signin",
        data={"token": "demo-gbr-officer", "csrf_token": token},
        base_url="https://localhost",
        headers={"Referer": "https://localhost/signin"},
    )
    assert "Secure" in response.headers["Set-Cookie"]


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "//evil.example/x",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "http:evil.example",
        "javascript:alert(1)",
        " //evil.example",
    ],
)
def test_sign_in_never_redirects_off_site(client, target):
    token = form_token(client)
    response = client.post(
        "/signin",
        query_string={"next": target},
        data={"token": "demo-gbr-officer", "csrf_token": token},
    )
    assert response.status_code == 302
    assert response.location == "/", response.location


def test_sign_in_returns_to_a_local_page(client):
    token = form_token(client)
    response = client.post(
        "/signin",
        query_string={"next": "/partners?x=1"},
        data={"token": "demo-gbr-officer", "csrf_token": token},
    )
    assert response.location == "/partners?x=1"


@pytest.mark.parametrize(
    "header",
    [
        "Bearer ",
        "Bearer",
        "Basic ZGVtbzpkZW1v",
        "Digest x",
        "Bearer not-a-token",
        "",
        "Token demo-gbr-officer",
        "demo-gbr-officer",
    ],
)
@pytest.mark.parametrize(
    "path",
    [
        "/api/stats",
        "/sparql?query=ASK%7B%7D",
        "/partners",
        "/graphs?graph=https://w3id.org/csig/graph/partner/GBR",
    ],
)
def test_any_authorization_but_a_valid_bearer_token_is_401(client, app, header, path):
    response = client.get(path, headers={"Authorization": header})
    assert response.status_code == 401, (header, path)
    assert response.headers["WWW-Authenticate"].lower().startswith("bearer")
    denied = [e for e in audit_lines(app) if e["result"] == "unauthenticated"]
    assert denied and path.split("?")[0] in denied[-1]["detail"]
    assert "demo-gbr-officer" not in json.dumps(audit_lines(app))


def test_a_valid_bearer_token_in_any_case_is_accepted(client):
    for scheme in ("Bearer", "bearer", "BEARER"):
        response = client.get("/api/stats", headers={"Authorization": f"{scheme} demo-gbr-officer"})
        assert response.status_code == 200


def test_api_writes_ignore_the_session_cookie(client):
    signed_in(client)
    response = client.post(
        "/api/submissions?name=x.csv", data=CSV, headers={"Content-Type": "text/csv"}
    )
    assert response.status_code == 401


def test_api_and_protocol_writes_need_no_csrf_token(client):
    response = client.post(
        "/api/submissions/validate?name=x.csv", data=CSV, headers={"Content-Type": "text/csv"}
    )
    assert response.status_code == 200
    assert client.post("/sparql", data={"query": "ASK {}"}).status_code == 200
    refused = client.post("/sparql", data={"query": "ASK {}"}, headers=EVIL)
    assert refused.status_code == 403
