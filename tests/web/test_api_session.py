"""The JSON API from a signed-in browser session (the workspace's own scripts): reads
as the signed-in caseworker; a change needs the page's CSRF token in the
``X-CSRF-Token`` header, else 403 and nothing is written. Bearer calls need none."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from pathway.context import Kivo
from tests.integration.support import Staff
from tests.web.api_support import Api, api_app, caller, enrolled, written
from tests.web.conftest import Browser, signed_in


@pytest.fixture(scope="module")
def app(web_kivo: Kivo) -> FastAPI:
    return api_app(web_kivo)


@pytest.fixture
def hanna(app: FastAPI, web_staff: Staff) -> Browser:
    return signed_in(app, web_staff.caseworker)


def test_a_session_reads_its_own_caseload_and_not_anothers(
    web_kivo: Kivo, web_staff: Staff, hanna: Browser, app: FastAPI
) -> None:
    mine = enrolled(web_kivo, web_staff.caseworker)
    theirs = enrolled(web_kivo, caller(app, web_kivo, "Other Api").id)

    assert hanna.client.get(f"/api/v1/cases/{mine}").status_code == 200
    assert hanna.client.get(f"/api/v1/cases/{theirs}").status_code == 404
    listed = {row["id"] for row in hanna.client.get("/api/v1/cases").json()["cases"]}
    assert mine in listed
    assert theirs not in listed


def test_a_change_from_a_session_without_the_csrf_header_is_refused_and_writes_nothing(
    web_kivo: Kivo, web_staff: Staff, hanna: Browser
) -> None:
    case_id = enrolled(web_kivo, web_staff.caseworker)
    before = written(web_kivo, web_staff, case_id)

    bare = hanna.client.post(f"/api/v1/cases/{case_id}/moves", json={"to": 1})
    wrong = hanna.client.post(
        f"/api/v1/cases/{case_id}/moves", json={"to": 1}, headers={"X-CSRF-Token": "guess"}
    )

    for refused in (bare, wrong):
        assert refused.status_code == 403, refused.text
        assert refused.json()["code"] == "csrf"
    assert written(web_kivo, web_staff, case_id) == before


def test_a_change_from_a_session_with_the_csrf_header_acts_as_the_signed_in_caseworker(
    web_kivo: Kivo, web_staff: Staff, hanna: Browser
) -> None:
    case_id = enrolled(web_kivo, web_staff.caseworker)

    done = hanna.client.post(
        f"/api/v1/cases/{case_id}/moves", json={"to": 1}, headers={"X-CSRF-Token": hanna.token}
    )

    assert done.status_code == 200, done.text
    history = hanna.client.get(f"/api/v1/cases/{case_id}").json()["history"]
    assert history[-1]["by_id"] == web_staff.caseworker


def test_a_bearer_call_needs_no_csrf_token(web_kivo: Kivo, app: FastAPI) -> None:
    api: Api = caller(app, web_kivo, "Token Api")
    case_id = enrolled(web_kivo, api.id)
    assert api.post(f"/cases/{case_id}/moves", {"to": 1}).status_code == 200


def test_the_openapi_document_lists_every_endpoint_with_examples(app: FastAPI) -> None:
    from fastapi.testclient import TestClient

    document = TestClient(app).get("/api/v1/openapi.json").json()

    operations = [op for path in document["paths"].values() for op in path.values()]
    assert len(operations) >= 20
    for operation in operations:
        ok = next(status for status in ("200", "201") if status in operation["responses"])
        answer = operation["responses"][ok]
        assert "example" in answer["content"]["application/json"], operation["summary"]
        assert "Validation Error" not in str(operation["responses"])
        if "requestBody" in operation:
            ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            model = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
            assert model.get("examples"), ref
    assert "HTTPBearer" in document["components"]["securitySchemes"]


def test_an_oversized_body_answers_413_as_json_and_writes_nothing(
    web_kivo: Kivo, web_staff: Staff, app: FastAPI
) -> None:
    api: Api = caller(app, web_kivo, "Big Api")
    case_id = enrolled(web_kivo, api.id)
    before = written(web_kivo, web_staff, case_id)
    headers = {"Authorization": f"Bearer {api.token}", "Content-Type": "application/json"}
    body = b'{"text": "' + b"x" * 1_100_000 + b'"}'

    declared = api.client.post(f"/api/v1/cases/{case_id}/notes", content=body, headers=headers)
    streamed = api.client.post(
        f"/api/v1/cases/{case_id}/notes", content=iter([body[:600_000], body[600_000:]]),
        headers=headers,
    )  # fmt: skip

    for answer in (declared, streamed):
        assert answer.status_code == 413, answer.text
        assert answer.json()["code"] == "too-large"
    assert written(web_kivo, web_staff, case_id) == before
