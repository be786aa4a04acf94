"""A streamed list never prints what a terminal would obey: the table and the JSON
array show stored control characters the way ``cli.output`` does."""

from __future__ import annotations

import io
import json

import pytest

from cli.listing import stream_json, stream_table

STORED = "Amina\x1b]0;pwned\x07 \u202eHaddad"


def test_a_streamed_json_list_escapes_what_json_leaves_raw_and_reads_back_the_same() -> None:
    out = io.StringIO()
    stream_json([{"id": 1, "name": STORED}], out)
    text = out.getvalue()
    assert "\x1b" not in text
    assert "\u202e" not in text
    assert "\x07" not in text
    assert json.loads(text) == [{"id": 1, "name": STORED}]


def test_a_streamed_table_shows_control_characters_as_visible_escapes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert stream_table("Cases", ["id", "name"], [(1, STORED)]) == 1
    printed = capsys.readouterr().out
    assert "\x1b" not in printed
    assert "\u202e" not in printed
    assert "\\x1b" in printed
