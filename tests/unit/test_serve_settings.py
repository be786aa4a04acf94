"""What ``kivo serve`` refuses before it binds a port (``web.server.check``)."""

from __future__ import annotations

import pytest

from states.errors import InvalidInput
from web.server import SECRET_ENV, ServeSettings, check, environment_for, is_loopback


def settings(**changed: object) -> ServeSettings:
    values: dict[str, object] = {
        "host": "127.0.0.1",
        "port": 8000,
        "workers": 1,
        "dev_login": True,
        "database": "postgresql+psycopg://kivo@db/kivo",
        "rules": None,
        "now": None,
        "programmes": None,
    }
    return ServeSettings(**{**values, **changed})  # type: ignore[arg-type]


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_loopback_addresses_are_recognised(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "10.0.0.5", "kivo.example.se"])
def test_dev_login_is_refused_on_any_address_others_can_reach(
    host: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SECRET_ENV, "s" * 40)
    with pytest.raises(InvalidInput, match="loopback"):
        check(settings(host=host))


def test_without_dev_login_or_with_several_workers_a_secret_key_is_required(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(SECRET_ENV, raising=False)
    check(settings())  # dev-login with one worker makes up its own
    for wanted in (settings(dev_login=False), settings(workers=2)):
        with pytest.raises(InvalidInput, match=SECRET_ENV):
            check(wanted)


def test_several_workers_need_postgresql(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_ENV, "s" * 40)
    check(settings(workers=4, dev_login=False, host="0.0.0.0"))
    with pytest.raises(InvalidInput, match="PostgreSQL"):
        check(settings(workers=4, database="sqlite:////tmp/kivo.db"))


def test_cookies_are_secure_everywhere_but_on_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_ENV, "s" * 40)
    assert environment_for(settings())["KIVO_WEB_SECURE_COOKIES"] == "0"
    assert environment_for(settings(host="10.0.0.5"))["KIVO_WEB_SECURE_COOKIES"] == "1"
