"""Bearer tokens for the JSON API: OAuth2 access tokens (JWT) from the organisation's
OpenID provider, checked against its published keys.

A token is accepted when its signature verifies with a key of the provider's JWKS
(found through the issuer's discovery document and kept for an hour; a token signed
with a key id not seen yet fetches the keys again, at most once a minute, so key
rotation needs no restart), its issuer is the configured one, its audience is kivo's
API, it has not expired, and its scopes (``scope`` or ``scp``) hold the one the
endpoint needs: ``kivo.read`` to read, ``kivo.write`` to change. The caseworker is
found by the token's e-mail claim as at sign-in (``pathway.signin``).

Refusals follow RFC 6750: 401 with ``WWW-Authenticate: Bearer error="invalid_token"``
for a missing, malformed, foreign, expired or wrongly addressed token; 403 with
``error="insufficient_scope"`` for a missing scope and for a caseworker kivo does not
know or has deactivated; 503 when the provider's keys cannot be fetched.

A service (an employer platform) calls with a client-credentials token: no e-mail
claim, its client id listed in ``KIVO_API_SERVICES``; it reads places only (``Service``),
and every other endpoint refuses it as no caseworker (403).

Settings (environment): ``KIVO_OIDC_ISSUER``; ``KIVO_OIDC_AUDIENCE`` (the API's
audience at the provider; by default ``KIVO_OIDC_CLIENT_ID``); ``KIVO_OIDC_EMAIL_CLAIM``;
``KIVO_API_SERVICES`` (comma-separated client ids of services).
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

import httpx
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from joserfc import jwt
from joserfc.errors import ExpiredTokenError, InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import extract_compact
from starlette.concurrency import run_in_threadpool

from pathway.context import Kivo
from pathway.errors import SignInRefused
from pathway.signin import caseworker_signing_in
from states.records import Caseworker

log = logging.getLogger("kivo.web.bearer")

READ = "kivo.read"
WRITE = "kivo.write"
ALGORITHMS = ("RS256", "PS256", "ES256")  # asymmetric only: never a shared secret
ENV_AUDIENCE = "KIVO_OIDC_AUDIENCE"
ENV_SERVICES = "KIVO_API_SERVICES"
# The scheme in the OpenAPI document; module-level so the dependency's annotation resolves.
BEARER = HTTPBearer(
    auto_error=False, description="An access token from the organisation's OpenID provider."
)


@dataclass(frozen=True)
class BearerSettings:
    issuer: str
    audience: str
    email_claim: str = "email"
    leeway: int = 30  # seconds of clock difference tolerated on exp, nbf and iat
    services: frozenset[str] = frozenset()  # client ids of services that read places

    @property
    def discovery_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> BearerSettings | None:
        """The settings from the environment; None when no issuer is set or no audience
        can be named (bearer tokens are then off)."""
        env = os.environ if environ is None else environ
        issuer = env.get("KIVO_OIDC_ISSUER", "").strip()
        audience = env.get(ENV_AUDIENCE, "").strip() or env.get("KIVO_OIDC_CLIENT_ID", "").strip()
        if not issuer or not audience:
            return None
        claim = env.get("KIVO_OIDC_EMAIL_CLAIM", "").strip() or "email"
        services = frozenset(c.strip() for c in env.get(ENV_SERVICES, "").split(",") if c.strip())
        return cls(issuer=issuer, audience=audience, email_claim=claim, services=services)


@dataclass(frozen=True)
class Service:
    """Another system calling with its own client-credentials token (no person behind
    it): an employer platform reading the places workplaces offer, nothing else."""

    client_id: str


Reading = Caseworker | Service


def service_of(claims: Mapping[str, Any], settings: BearerSettings) -> str | None:
    """The configured service a token stands for: no e-mail claim, and its client id
    (``client_id`` as RFC 9068 names it, else ``azp``) among ``settings.services``."""
    if claims.get(settings.email_claim):
        return None
    client = claims.get("client_id") or claims.get("azp")
    return client if isinstance(client, str) and client in settings.services else None


class KeysUnavailable(Exception):
    """The provider's discovery document or JWKS could not be fetched."""


class ProviderKeys:
    """The provider's signing keys, fetched through discovery and cached."""

    def __init__(
        self,
        discovery_url: str,
        *,
        max_age: float = 3600.0,
        min_refresh: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.discovery_url = discovery_url
        self.max_age = max_age
        self.min_refresh = min_refresh
        self.clock = clock
        self.fetches = 0  # how often the keys were fetched (for tests and metrics)
        self._keys: KeySet | None = None
        self._fetched_at = 0.0
        self._lock: asyncio.Lock | None = None

    async def key_set(self, kid: str | None = None) -> KeySet:
        """The cached keys; fetched again when older than ``max_age``, or when ``kid`` is
        not among them and the last fetch is older than ``min_refresh``."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            age = self.clock() - self._fetched_at
            stale = self._keys is None or age > self.max_age
            unseen = kid is not None and self._keys is not None and not _has_kid(self._keys, kid)
            if stale or (unseen and age > self.min_refresh):
                await self._fetch()
            assert self._keys is not None
            return self._keys

    async def _fetch(self) -> None:
        try:
            async with httpx.AsyncClient(timeout=5.0) as http:
                metadata = (await http.get(self.discovery_url)).raise_for_status().json()
                jwks = (await http.get(metadata["jwks_uri"])).raise_for_status().json()
            keys = KeySet.import_key_set(jwks)
        except (httpx.HTTPError, ValueError, KeyError, TypeError, JoseError) as exc:
            raise KeysUnavailable(type(exc).__name__) from exc
        self._keys = keys
        self._fetched_at = self.clock()
        self.fetches += 1


def _has_kid(keys: KeySet, kid: str) -> bool:
    return any(key.kid == kid for key in keys.keys)


def _refused(status: int, error: str, message: str, code: str) -> HTTPException:
    # a header is ASCII: no quotes or characters beyond it in the description
    described = message.replace('"', "'").encode("ascii", "replace").decode("ascii")
    challenge = f'Bearer error="{error}", error_description="{described}"'
    return HTTPException(
        status_code=status,
        detail={"code": code, "message": message},
        headers={"WWW-Authenticate": challenge},
    )


def _invalid(message: str) -> HTTPException:
    return _refused(401, "invalid_token", message, "invalid-token")


def scopes_of(claims: Mapping[str, Any]) -> set[str]:
    """The token's scopes: ``scope`` (RFC 9068, space-separated) or ``scp`` (a list or a
    string, as some providers send)."""
    found: set[str] = set()
    for name in ("scope", "scp"):
        value = claims.get(name)
        if isinstance(value, str):
            found.update(value.split())
        elif isinstance(value, list):
            found.update(item for item in value if isinstance(item, str))
    return found


class BearerAuth:
    """Checks bearer tokens for one provider and API audience. ``install`` it on an app;
    its endpoints then declare ``ReadingCaseworker`` or ``WritingCaseworker``."""

    def __init__(
        self,
        kivo: Kivo,
        settings: BearerSettings,
        *,
        keys: ProviderKeys | None = None,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.kivo = kivo
        self.settings = settings
        self.keys = keys or ProviderKeys(settings.discovery_url)
        self.now = now

    async def claims(self, token: str) -> dict[str, Any]:
        """The token's claims once signature, issuer, audience and lifetime hold;
        ``HTTPException`` (401, 503) otherwise."""
        try:
            header = extract_compact(token.encode("ascii")).headers()
        except (JoseError, UnicodeError, ValueError):
            raise _invalid("the bearer token is not a JWT") from None
        kid = header.get("kid")
        try:
            keys = await self.keys.key_set(kid if isinstance(kid, str) else None)
            try:
                decoded = jwt.decode(token, keys, algorithms=list(ALGORITHMS))
            except InvalidKeyIdError:
                raise _invalid(
                    "the bearer token is signed with a key the provider does not publish"
                ) from None
        except KeysUnavailable as exc:
            log.warning("the OpenID provider's keys cannot be fetched: %s", exc)
            raise HTTPException(
                status_code=503,
                detail={
                    "code": "provider-unavailable",
                    "message": "the identity provider's keys cannot be fetched: try again later",
                },
            ) from None
        except JoseError:
            raise _invalid("the bearer token's signature does not verify") from None
        registry = jwt.JWTClaimsRegistry(
            now=lambda: int(self.now()),
            leeway=self.settings.leeway,
            iss={"essential": True, "value": self.settings.issuer},
            aud={"essential": True, "value": self.settings.audience},
            exp={"essential": True},
        )
        try:
            registry.validate(decoded.claims)
        except ExpiredTokenError:
            raise _invalid("the bearer token has expired") from None
        except JoseError as exc:
            claim = getattr(exc, "claim", None) or "a claim"
            raise _invalid(f"the bearer token's {claim} is not the one kivo accepts") from None
        return decoded.claims

    async def caseworker(
        self, credentials: HTTPAuthorizationCredentials | None, scope: str
    ) -> Caseworker:
        """The caseworker the bearer token stands for, when the token is valid and
        carries ``scope``; ``HTTPException`` (401, 403, 503) otherwise."""
        return await self._caseworker(await self._scoped(credentials, scope))

    async def place_reader(self, credentials: HTTPAuthorizationCredentials | None) -> Reading:
        """Who reads places with this token (scope ``kivo.read``): a configured service
        (a client-credentials token without the e-mail claim, its client id in
        ``KIVO_API_SERVICES``), or else a caseworker as on every endpoint."""
        claims = await self._scoped(credentials, READ)
        client = service_of(claims, self.settings)
        return Service(client) if client is not None else await self._caseworker(claims)

    async def _scoped(
        self, credentials: HTTPAuthorizationCredentials | None, scope: str
    ) -> dict[str, Any]:
        if credentials is None:
            raise _invalid("a bearer token is needed (Authorization: Bearer <token>)")
        claims = await self.claims(credentials.credentials)
        if scope not in scopes_of(claims):
            raise _refused(
                403,
                "insufficient_scope",
                f"the bearer token lacks the scope {scope}",
                "insufficient-scope",
            )
        return claims

    async def _caseworker(self, claims: Mapping[str, Any]) -> Caseworker:
        email = claims.get(self.settings.email_claim)
        try:
            return await run_in_threadpool(
                caseworker_signing_in, self.kivo, email if isinstance(email, str) else ""
            )
        except SignInRefused as refused:
            reason = str(refused.params.get("reason", "unknown"))
            log.warning("bearer token refused: %s", reason)
            raise _refused(
                403,
                "insufficient_scope",
                f"the bearer token does not stand for an active caseworker ({reason})",
                "not-a-caseworker",
            ) from None


def install(app: FastAPI, auth: BearerAuth) -> None:
    """Make ``app``'s endpoints that declare ``ReadingCaseworker`` or
    ``WritingCaseworker`` accept bearer tokens checked by ``auth``."""
    app.state.kivo_bearer = auth


def _auth(request: Request) -> BearerAuth:
    auth = getattr(request.app.state, "kivo_bearer", None)
    if not isinstance(auth, BearerAuth):
        raise _invalid("this server accepts no bearer tokens: it has no identity provider")
    return auth


async def reading_caseworker(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)],
) -> Caseworker:
    """The caseworker of a bearer token with the scope ``kivo.read``."""
    return await _auth(request).caseworker(credentials, READ)


async def writing_caseworker(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)],
) -> Caseworker:
    """The caseworker of a bearer token with the scope ``kivo.write``."""
    return await _auth(request).caseworker(credentials, WRITE)


# What an endpoint declares: ``def show(worker: ReadingCaseworker) -> …``.
ReadingCaseworker = Annotated[Caseworker, Depends(reading_caseworker)]
WritingCaseworker = Annotated[Caseworker, Depends(writing_caseworker)]
