"""An error given a ``Message`` keeps it for each entry point to say in its reader's
language, while its ``message`` and JSON stay the English they always were."""

from __future__ import annotations

import pytest

from pathway.sentences import say
from states.errors import UNKNOWN_ID, InvalidInput, NotFound, UnknownActor
from states.messages import N_, Message


def test_an_error_given_a_message_keeps_it_and_says_english_as_its_message() -> None:
    said = Message(N_("no case with id {id}"), {"id": 9})
    error = NotFound(said, what="case", id=9)
    assert error.said is said
    assert error.message == "no case with id 9"
    assert error.to_dict() == {
        "code": "not-found",
        "message": "no case with id 9",
        "what": "case",
        "id": 9,
    }


def test_an_error_given_plain_text_has_nothing_to_translate() -> None:
    assert InvalidInput("bad", field="x").said is None


@pytest.mark.parametrize("what", sorted(UNKNOWN_ID))
def test_every_unknown_id_is_said_in_swedish_with_the_id(what: str) -> None:
    error = NotFound.with_id(what, 12)
    assert error.said is not None
    swedish = say("sv", error.said)
    assert "12" in swedish
    assert swedish != error.message
    assert error.message == f"no {what} with id 12"


def test_an_unknown_actor_reads_as_swedish_and_keeps_its_subclass() -> None:
    error = UnknownActor.with_id("caseworker", 4)
    assert isinstance(error, UnknownActor)
    assert error.said is not None
    assert say("sv", error.said) == "ingen handläggare med id 4"
    assert say("sv", NotFound.with_id("case", 9).said or Message("")) == "inget ärende med id 9"
