"""What a driver says when a database cannot be opened, as the sentence a person reads
(``kivo doctor`` reports the same reason; every other command exits 7 with it)."""

from __future__ import annotations

import pytest

from persistence.engine import unavailable

SERVER = "postgresql+psycopg://kivo:secret@db.example.se:5432/kivo"


@pytest.mark.parametrize(
    ("said", "reason"),
    [
        (OSError('FATAL:  password authentication failed for user "kivo"'), "refused the user"),
        (OSError("connection timeout expired"), "did not answer in time"),
        (OSError('FATAL:  role "kivo" does not exist'), "has no such user"),
        (
            ModuleNotFoundError("No module named 'psycopg'", name="psycopg"),
            "driver psycopg is not installed: in kivo's source folder, pip install '.[postgres]'",
        ),
        (OSError("something new\nand a second line"), "OSError: something new"),
    ],
)
def test_a_driver_error_becomes_one_sentence_naming_the_database_without_its_password(
    said: Exception, reason: str
) -> None:
    error = unavailable(SERVER, said)

    assert error.code == "database-unavailable"
    assert error.message.startswith("cannot open the database postgresql+psycopg://kivo:***@")
    assert reason in error.message
    assert "secret" not in error.message
    assert "\n" not in error.message
