"""schemathesis, in-process over the OpenAPI document: no input makes the API answer 5xx."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.support import PASSWORD, build_world

pytestmark = pytest.mark.db


@pytest.fixture
def fuzz_app(app, engine):  # type: ignore[no-untyped-def]
    from qcity.db.engine import make_session_factory

    with make_session_factory(engine)() as s:
        build_world(s)
    return app


def test_api_never_answers_5xx(fuzz_app) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    client = TestClient(fuzz_app)
    token = client.post("/api/v1/auth/login", json={"username": "admin", "password": PASSWORD}).json()[
        "token"
    ]
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", fuzz_app)
    failures: list[str] = []
    calls: list[str] = []
    for op_result in schema.get_all_operations():
        operation = op_result.ok()
        strategy = operation.as_strategy()

        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case) -> None:  # type: ignore[no-untyped-def]
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            calls.append(case.method)
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:200]}"
                )

        given(strategy)(check)()
    assert len(calls) > 5 * len(list(schema.get_all_operations())), "the fuzzer barely ran"
    assert not failures, "\n".join(failures[:10])
