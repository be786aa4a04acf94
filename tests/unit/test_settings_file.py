"""An organisation's settings file (rules, programmes) that is not UTF-8 is a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from states.errors import RulesFileError, read_settings_file
from states.programmes import ProgrammesFileError, load_programmes_file
from states.ruleset import load_rules_file


def test_a_latin_1_rules_file_is_a_rules_file_error_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_bytes("version = 2\n# Göteborg\n".encode("latin-1"))
    with pytest.raises(RulesFileError) as raised:
        load_rules_file(path)
    assert raised.value.message == (
        f"rules file {path}: line 2 is not UTF-8 text: save the file as UTF-8"
    )
    assert raised.value.params == {"file": str(path), "line": 2}


def test_a_utf_16_programmes_file_is_a_programmes_file_error(tmp_path: Path) -> None:
    path = tmp_path / "programmes.toml"
    path.write_bytes("version = 1\n".encode("utf-16"))
    with pytest.raises(ProgrammesFileError) as raised:
        load_programmes_file(path)
    assert "line 1 is not UTF-8 text" in raised.value.message


def test_a_utf_8_file_with_a_byte_order_mark_reads_as_its_text(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text("version = 2\n# Göteborg\n", encoding="utf-8-sig")
    assert read_settings_file(path, RulesFileError, "rules file") == "version = 2\n# Göteborg\n"
