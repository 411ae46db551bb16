"""Release packages on the web: a viewer downloads only their own; administrators import."""

from __future__ import annotations

import gc

import pytest

from kg.access import visible_graphs
from kg.package import container
from kg.package.audience import viewer_for
from kg.package.manifest import Manifest
from kg.settings import ROOT, load_settings
from kg.submissions.history import history
from tests.test_package import FRA, hashes, key_at, package


def auth(name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer demo-{name}"}


def manifest_of(data: bytes) -> Manifest:
    return Manifest.from_bytes(container.read(data, "p")["manifest.json"])


@pytest.fixture()
def empty_app(tmp_path):
    """The explorer over a store that holds nothing yet."""
    from kg.web import create_app

    app = create_app(
        load_settings(
            {
                "store": str(tmp_path / "empty" / "store"),
                "content": str(ROOT),
                "audit_log": str(tmp_path / "empty" / "audit.log"),
            }
        )
    )
    app.config["TESTING"] = True
    yield app
    app.extensions.clear()
    gc.collect()


def upload(
    client, data: bytes, trust: str, who: str = "admin", path="/api/packages/import", **fields
):
    """Post a package as a multipart form, built here so the client keeps it in memory."""
    boundary = "package-boundary-7f3a"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in {"trust": trust, **fields}.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="package"; '
        'filename="usa-for-fra.zip"\r\nContent-Type: application/zip\r\n\r\n'.encode()
        + data
        + b"\r\n"
    )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return client.post(
        path, data=body, headers=auth(who), content_type=f"multipart/form-data; boundary={boundary}"
    )


def test_a_viewer_downloads_the_package_of_their_own_dataset(app, client):
    response = client.get("/packages/download", headers=auth("fra-officer"))
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "FRA-FRA-S" in response.headers["Content-Disposition"]
    manifest = manifest_of(response.data)
    store = app.extensions["kg"].store
    assert manifest.viewer == FRA
    assert {e.name for e in manifest.graphs} == set(visible_graphs(store, viewer_for(store, FRA)))
    assert manifest.signer == client.get("/api/packages").get_json()["key"]


def test_no_one_downloads_another_viewers_package(client):
    assert client.get("/packages/download").status_code == 401
    asked = client.get("/packages/download?for=USA@US-TS", headers=auth("fra-officer"))
    assert asked.status_code == 403 and b"only your own package (FRA@FRA-S)" in asked.data
    same = client.get("/packages/download?for=FRA@FRA-S", headers=auth("fra-officer"))
    assert same.status_code == 200


def test_the_packages_page_and_its_json_twin(client):
    page = client.get("/packages", headers=auth("fra-officer"))
    assert page.status_code == 200 and b"Download the package for FRA@FRA-S" in page.data
    assert b"Import a package" not in page.data
    admin = client.get("/packages", headers=auth("admin"))
    assert b"Import a package" in admin.data and b'name="trust"' in admin.data
    twin = client.get("/api/packages", headers=auth("fra-officer")).get_json()
    assert twin["viewer"] == FRA and twin["key"].startswith("ed25519:") and twin["imports"] == []
    assert client.get("/api/packages").get_json()["viewer"] is None


def test_only_administrators_import(client, store, tmp_path):
    data = package(store, FRA, key_at(tmp_path))
    assert upload(client, data, "x", who="fra-officer").status_code == 403
    assert client.post("/api/packages/import").status_code == 401


def test_an_administrator_imports_a_package_into_an_empty_store(empty_app, store, tmp_path):
    key = key_at(tmp_path)
    from kg.package.keys import public_text

    data, trust = package(store, FRA, key), public_text(key)
    client = empty_app.test_client()
    done = upload(client, data, trust)
    assert done.status_code == 201, done.get_json()
    assert done.get_json()["imported"]["versions"]["USA"] == 1
    target = empty_app.extensions["kg"].store
    assert hashes(target, FRA) == hashes(store, FRA)
    fra = client.get("/api/stats", headers=auth("fra-officer")).get_json()
    assert fra["capabilities"] > 0
    again = upload(client, data, trust, path="/packages/import")
    assert again.status_code == 422 and b"imported already" in again.data
    listed = client.get("/api/packages", headers=auth("admin")).get_json()["imports"]
    assert [p["viewer"] for p in listed] == [FRA]


def test_local_data_is_replaced_on_the_web_only_once_confirmed(app, client, store, tmp_path):
    from kg.package.keys import public_text

    key = key_at(tmp_path)
    data, trust = package(store, FRA, key), public_text(key)
    refused = upload(client, data, trust)
    assert refused.status_code == 422 and "keep-local" in refused.get_json()["refused"]
    others = ",".join(sorted({e.partner for e in manifest_of(data).graphs if e.partner} - {"USA"}))
    pending = upload(client, data, trust, keep_local=others, replace_local="USA")
    assert pending.status_code == 409
    assert [p["partner"] for p in pending.get_json()["pending"]] == ["USA"]
    page = upload(
        client, data, trust, path="/packages/import", keep_local=others, replace_local="USA"
    )
    assert page.status_code == 409 and b"Confirm: this import replaces data" in page.data
    done = upload(client, data, trust, keep_local=others, replace_local="USA", confirm="yes")
    assert done.status_code == 201 and done.get_json()["imported"]["versions"] == {"USA": 2}
    assert [v.mode for v in history(app.extensions["kg"].store, "USA")] == ["replace", "import"]
