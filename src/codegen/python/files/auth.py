"""Credentials from environment variables, applied to requests as the spec's security schemes say."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import anyio
import httpx

from .definitions import ApiKey, Basic, Bearer, OAuth2, SecurityScheme

EnvLookup = Callable[[str], str | None]
"""Reads one variable; an empty value counts as unset."""


@dataclass
class AuthParts:
    """What auth adds to one request."""

    headers: list[tuple[str, str]] = field(default_factory=list)
    query: list[tuple[str, str]] = field(default_factory=list)
    cookies: list[tuple[str, str]] = field(default_factory=list)


class AuthError(Exception):
    """Credentials could not be obtained (an OAuth2 token request failed)."""


class Authenticator:
    """Applies credentials, fetching and caching OAuth2 client-credentials tokens until they expire."""

    def __init__(self, schemes: Mapping[str, SecurityScheme], env: EnvLookup) -> None:
        self._schemes = schemes
        self._env = env
        self._tokens: dict[str, tuple[str, float]] = {}
        self._lock = anyio.Lock()

    def _read(self, variable: str | None) -> str | None:
        if variable is None:
            return None
        return self._env(variable) or None

    async def parts_for(
        self,
        requirements: tuple[tuple[tuple[str, tuple[str, ...]], ...], ...],
        client: httpx.AsyncClient,
    ) -> AuthParts:
        """Credentials for the first requirement whose every scheme has its variables set (else none)."""
        for requirement in requirements:
            parts = AuthParts()
            satisfied = True
            for name, scopes in requirement:
                scheme = self._schemes.get(name)
                if scheme is None or not await self._apply(name, scheme, scopes, client, parts):
                    satisfied = False
                    break
            if satisfied:
                return parts
        return AuthParts()

    async def _apply(
        self,
        name: str,
        scheme: SecurityScheme,
        scopes: tuple[str, ...],
        client: httpx.AsyncClient,
        parts: AuthParts,
    ) -> bool:
        if isinstance(scheme, ApiKey):
            value = self._read(scheme.variable)
            if value is None:
                return False
            if scheme.location == "query":
                parts.query.append((scheme.name, value))
            elif scheme.location == "cookie":
                parts.cookies.append((scheme.name, value))
            else:
                parts.headers.append((scheme.name, value))
            return True
        if isinstance(scheme, Basic):
            user = self._read(scheme.username_variable)
            password = self._read(scheme.password_variable)
            if user is None or password is None:
                return False
            encoded = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
            parts.headers.append(("Authorization", f"Basic {encoded}"))
            return True
        if isinstance(scheme, Bearer):
            token = self._read(scheme.variable)
            if token is None:
                return False
            parts.headers.append(("Authorization", f"Bearer {token}"))
            return True
        if isinstance(scheme, OAuth2):
            token = self._read(scheme.token_variable)
            if token is None:
                client_id = self._read(scheme.client_id_variable)
                secret = self._read(scheme.client_secret_variable)
                if scheme.token_url is None or client_id is None or secret is None:
                    return False
                token = await self._client_credentials(name, scheme.token_url, client_id, secret, scopes, client)
            parts.headers.append(("Authorization", f"Bearer {token}"))
            return True
        return False

    async def _client_credentials(
        self,
        scheme_name: str,
        token_url: str,
        client_id: str,
        client_secret: str,
        scopes: tuple[str, ...],
        client: httpx.AsyncClient,
    ) -> str:
        async with self._lock:
            cached = self._tokens.get(scheme_name)
            if cached is not None and cached[1] > time.monotonic():
                return cached[0]
            form = {"grant_type": "client_credentials"}
            if scopes:
                form["scope"] = " ".join(scopes)
            try:
                response = await client.post(token_url, data=form, auth=(client_id, client_secret))
                body = response.json()
            except (httpx.HTTPError, ValueError) as error:
                raise AuthError(f"OAuth2 token request to {token_url} failed: {error}") from error
            token = body.get("access_token") if isinstance(body, dict) else None
            if not isinstance(token, str):
                raise AuthError(
                    f"OAuth2 token endpoint {token_url} answered {response.status_code} without an access_token"
                )
            lifetime = body.get("expires_in")
            seconds = lifetime if isinstance(lifetime, int) and lifetime >= 0 else 3600
            self._tokens[scheme_name] = (token, time.monotonic() + max(seconds - 30, 1))
            return token
