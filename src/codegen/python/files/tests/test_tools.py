"""Every tool, called through MCP against the stub with arguments valid for its inputSchema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cases import CASES, Case
from mcp import Client
from stub import Answer, Stub

pytestmark = pytest.mark.anyio


def arguments_for(case: Case, folder: Path) -> dict[str, Any]:
    """The case's arguments, with a real local file for each argument that uploads one."""
    upload = folder / "upload.txt"
    upload.write_bytes(b"test upload\n")
    arguments = dict(case.arguments)
    for name in case.file_arguments:
        arguments[name] = [str(upload)] if isinstance(arguments.get(name), list) else str(upload)
    return arguments


def text_of(result: Any) -> str:
    return "\n".join(getattr(block, "text", "") for block in result.content)


@pytest.mark.parametrize("case", CASES, ids=[case.tool for case in CASES])
async def test_tool(case: Case, client: Client, stub: Stub, tmp_path: Path) -> None:
    stub.answer = Answer(case.method, case.path, case.status, case.content_type, case.body())
    result = await client.call_tool(case.tool, arguments_for(case, tmp_path))
    assert not result.is_error, text_of(result)
    assert [request.method for request in stub.received] == [case.method]
    if case.json_body is not None and case.structured:
        assert result.structured_content == case.json_body
    elif case.json_body is not None:
        assert json.loads(text_of(result)) == case.json_body


@pytest.mark.parametrize("case", CASES[:3], ids=[case.tool for case in CASES[:3]])
async def test_error_status_is_a_tool_error(case: Case, client: Client, stub: Stub, tmp_path: Path) -> None:
    stub.answer = Answer(case.method, case.path, 500, "application/json", b'{"message":"down"}')
    result = await client.call_tool(case.tool, arguments_for(case, tmp_path))
    assert result.is_error
    assert text_of(result).startswith(f"HTTP 500 from {case.method} {stub.url}")
    assert text_of(result).endswith('{"message":"down"}')
