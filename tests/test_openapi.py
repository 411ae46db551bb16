"""The /api OpenAPI description, checked against a live app by schemathesis."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from kg.web.openapi import document

schema = schemathesis.openapi.from_dict(document())


@pytest.fixture(scope="module")
def base_url(module_server):
    """The base URL of the module's served app."""
    return module_server


def test_the_served_description_is_the_one_tested(base_url):
    import requests

    assert requests.get(base_url + "/api/openapi.json", timeout=10).json() == document()


@schema.parametrize()
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_description(case, base_url):
    case.call_and_validate(base_url=base_url)
