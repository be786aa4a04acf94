"""Running the workspace under uvicorn: the settings ``kivo serve`` checked travel to each
worker process in the environment, and each worker builds its app from them."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI

from states.errors import InvalidInput

DEV_LOGIN_ENV = "KIVO_WEB_DEV_LOGIN"
SECURE_ENV = "KIVO_WEB_SECURE_COOKIES"
SECRET_ENV = "KIVO_SECRET_KEY"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class ServeSettings:
    host: str
    port: int
    workers: int
    dev_login: bool
    database: str  # a URL, as bootstrap resolved it
    rules: str | None
    now: str | None
    programmes: str | None


def check(settings: ServeSettings) -> None:
    """What ``kivo serve`` refuses before it binds anything."""
    if settings.dev_login and not is_loopback(settings.host):
        raise InvalidInput(
            f"--dev-login lets anyone sign in as anyone: it is refused on {settings.host}, "
            "serve it on a loopback address (127.0.0.1, ::1 or localhost)",
            field="dev_login",
        )
    if not 1 <= settings.workers <= 64:
        raise InvalidInput("--workers is a number from 1 to 64", field="workers")
    if not 1 <= settings.port <= 65535:
        raise InvalidInput("--port is a number from 1 to 65535", field="port")
    secret = os.environ.get(SECRET_ENV)
    if not secret and not (settings.dev_login and settings.workers == 1):
        raise InvalidInput(
            f"set {SECRET_ENV} (a long random text, the same for every worker): it signs "
            "the session cookies; only --dev-login with one worker makes up its own",
            field="secret_key",
        )
    if settings.workers > 1 and settings.database.startswith("sqlite"):
        raise InvalidInput(
            "several workers need PostgreSQL (KIVO_DATABASE_URL=postgresql://…); "
            "on SQLite serve with one worker",
            field="workers",
        )


def environment_for(settings: ServeSettings) -> dict[str, str]:
    """The variables each worker reads in ``app_from_environment``."""
    env = {
        "KIVO_DATABASE_URL": settings.database,
        DEV_LOGIN_ENV: "1" if settings.dev_login else "0",
        SECURE_ENV: "0" if is_loopback(settings.host) else "1",
    }
    for name, value in (
        ("KIVO_RULES", settings.rules),
        ("KIVO_NOW", settings.now),
        ("KIVO_PROGRAMMES", settings.programmes),
    ):
        if value:
            env[name] = value
    if not os.environ.get(SECRET_ENV):
        import secrets

        env[SECRET_ENV] = secrets.token_urlsafe(32)  # --dev-login, one worker: checked
    return env


def app_from_environment() -> FastAPI:
    """uvicorn's factory: one app per worker process, from the environment."""
    from pathway.bootstrap import bootstrap
    from web.app import create_app

    kivo = bootstrap(
        os.environ.get("KIVO_DATABASE_URL"),
        rules=os.environ.get("KIVO_RULES") or None,
        now=os.environ.get("KIVO_NOW") or None,
        programmes=os.environ.get("KIVO_PROGRAMMES") or None,
    )
    app = create_app(
        kivo,
        dev_login=os.environ.get(DEV_LOGIN_ENV) == "1",
        secret_key=os.environ.get(SECRET_ENV) or None,
        secure_cookies=os.environ.get(SECURE_ENV) != "0",
    )
    app.router.on_shutdown.append(kivo.close)
    return app


LOG_CONFIG: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(message)s"}},
    "handlers": {
        "out": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "stream": "ext://sys.stdout",
        },
        "err": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "stream": "ext://sys.stderr",
        },
    },
    "loggers": {
        "kivo.web.access": {"handlers": ["out"], "level": "INFO", "propagate": False},
        "uvicorn": {"handlers": ["err"], "level": "INFO", "propagate": False},
        "uvicorn.error": {"level": "INFO"},
    },
}


def run(settings: ServeSettings) -> None:
    """Serve until stopped; uvicorn's own access log is off (it would log query strings)."""
    import uvicorn

    os.environ.update(environment_for(settings))
    uvicorn.run(
        "web.server:app_from_environment",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        access_log=False,
        log_config=LOG_CONFIG,
        server_header=False,
        proxy_headers=True,
    )
