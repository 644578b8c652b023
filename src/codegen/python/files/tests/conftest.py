"""Fixtures: the stub API, and an MCP client connected in-process to the server calling it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from cases import CREDENTIALS
from mcp import Client
from stub import Stub

from {{PACKAGE}}.config import BASE_URL_VARIABLE, RETRIES_VARIABLE
from {{PACKAGE}}.server import build_server, make_runner


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    """Session-wide, so one connection serves every test."""
    return "asyncio"


@pytest.fixture(scope="session")
def stub() -> Iterator[Stub]:
    server = Stub().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
async def connected(stub: Stub) -> AsyncIterator[Client]:
    """One connection for the whole session: the client lists the tools (and caches their outputSchemas) once."""
    env = {BASE_URL_VARIABLE: stub.url, RETRIES_VARIABLE: "0", **{name: "test-credential" for name in CREDENTIALS}}
    runner = make_runner(env=env)
    async with Client(build_server(runner)) as client:
        yield client
    await runner.aclose()


@pytest.fixture
def client(connected: Client, stub: Stub) -> Client:
    """A client of the server, whose API calls go to the stub with a value for every credential."""
    stub.received.clear()
    return connected
