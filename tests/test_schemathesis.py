"""Property-based run of the OpenAPI spec (schemathesis, in-process ASGI, bounded).

Every generated request must get a declared status, a declared content type and a body
that matches the declared schema, and never a 5xx. URL fetches are stubbed to refuse
after the SSRF checks, so no generated URL ever reaches the network.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.api import Settings, create_app
from summarizer.errors import FetchError
from summarizer.fetch import check_url


def _no_network(host: str, port: int) -> list[str]:
    raise FetchError(f"cannot resolve host {host!r} (network disabled in this test)")


def _offline_fetch(url, policy):
    check_url(url, policy, resolver=_no_network)
    raise FetchError("network disabled in this test")


# preload=False: ready at once, models load on the first request (readyz would say 503 first)
app = create_app(Settings(request_timeout_s=20, queue_max=256, preload=False))
app.state.service.fetch = _offline_fetch

schema = schemathesis.openapi.from_asgi("/openapi.json", app)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_openapi_spec(case):
    case.call_and_validate(checks=CHECKS)
