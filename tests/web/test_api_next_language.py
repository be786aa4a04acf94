"""The API's next moves say each rule's sentence in the language the caller accepts
(English when the request names none), a hint naming the JSON key to send, as the API's
refusals do; the codes and the rest of the answer are the same in every language."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI

from pathway.context import Kivo
from tests.web.api_support import Api, api_app, caller, enrolled


@pytest.fixture(scope="module")
def anna(web_kivo: Kivo) -> Api:
    app: FastAPI = api_app(web_kivo)
    return caller(app, web_kivo, "Nea Next")


def _practice(answer: Any) -> dict[str, Any]:
    moves: list[dict[str, Any]] = answer.json()["next"]
    return next(m for m in moves if m["slug"] == "short-practice")


def _needs(move: dict[str, Any]) -> dict[str, str]:
    return {need["code"]: need["message"] for need in move["needs"]}


def test_next_moves_are_said_in_swedish_when_the_caller_accepts_swedish(
    web_kivo: Kivo, anna: Api
) -> None:
    case_id = enrolled(web_kivo, anna.id, consent=False)
    headers = {"Authorization": f"Bearer {anna.token}", "Accept-Language": "sv-SE, en;q=0.5"}

    answer = anna.client.get(f"/api/v1/cases/{case_id}/next", headers=headers)

    assert answer.status_code == 200, answer.text
    needs = _needs(_practice(answer))
    assert needs["workplace-missing"] == (
        "steg 2 Kort arbetspraktik sker på en arbetsplats: ange den med workplace"
    )
    assert "POST /api/v1/cases/{case_id}/consent" in needs["consent-missing"]


def test_next_moves_are_said_in_english_naming_json_keys_without_accept_language(
    web_kivo: Kivo, anna: Api
) -> None:
    case_id = enrolled(web_kivo, anna.id, consent=False)
    headers = {"Authorization": f"Bearer {anna.token}", "Accept-Language": "sv"}

    english = anna.get(f"/cases/{case_id}/next")
    swedish = anna.client.get(f"/api/v1/cases/{case_id}/next", headers=headers)

    assert english.status_code == 200, english.text
    needs = _needs(_practice(english))
    assert needs["workplace-missing"] == (
        "step 2 short-practice happens at a workplace: name it with workplace"
    )
    assert list(needs) == list(_needs(_practice(swedish)))
    assert [m["step"] for m in english.json()["next"]] == [
        m["step"] for m in swedish.json()["next"]
    ]
