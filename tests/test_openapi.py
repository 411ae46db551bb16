"""The /api OpenAPI description, checked against a live app by schemathesis."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from kg.web.openapi import document

# A code of the right shape that names nothing in the caller's dataset (mission_area=0) is
# refused with 400 and "did you mean": schema-valid, yet rightly not accepted.
ACCEPTED = ["2xx", "3xx", "400", "401", "403", "404", "409", "429", "5xx"]
CONFIG = {"checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED}}}
schema = schemathesis.openapi.from_dict(document(), config=SchemathesisConfig.from_dict(CONFIG))


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
