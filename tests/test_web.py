"""The explorer's pages and their JSON twins."""

from __future__ import annotations


def test_home_page_shows_counts(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"capabilities" in response.data


def test_home_page_has_a_json_twin(client):
    data = client.get("/", headers={"Accept": "application/json"}).get_json()
    assert data["capabilities"] >= 50
    assert client.get("/api/stats").get_json() == data


def test_favicon_is_served(client):
    with client.get("/static/favicon.svg") as response:
        assert response.status_code == 200
