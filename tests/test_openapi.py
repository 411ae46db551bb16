"""The /api OpenAPI description, checked against a live app by schemathesis."""

from __future__ import annotations

import gc
import threading

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from kg.settings import ROOT, load_settings
from kg.store import Store
from kg.web.openapi import document

schema = schemathesis.openapi.from_dict(document())


@pytest.fixture(scope="module")
def base_url(tmp_path_factory, seed_dump):
    """Serve the app on 127.0.0.1 on a free port in a thread; yield its base URL."""
    from werkzeug.serving import make_server

    from kg.web import create_app

    folder = tmp_path_factory.mktemp("openapi")
    disk = Store(folder / "store")
    disk.restore(seed_dump)
    del disk
    gc.collect()
    app = create_app(load_settings({"store": str(folder / "store"), "content": str(ROOT),
                                    "audit_log": str(folder / "audit.log")}))
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()
    thread.join()
    app.extensions.clear()
    gc.collect()


def test_the_served_description_is_the_one_tested(base_url):
    import requests

    assert requests.get(base_url + "/api/openapi.json", timeout=10).json() == document()


@schema.parametrize()
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_description(case, base_url):
    case.call_and_validate(base_url=base_url)
