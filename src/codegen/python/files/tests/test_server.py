"""The tool list, argument checks and unknown tools."""

from __future__ import annotations

import json
from typing import Any

import pytest
from mcp import Client
from stub import Stub

from {{PACKAGE}}.operations import TOOLS

pytestmark = pytest.mark.anyio


async def test_lists_every_tool_with_its_schemas(client: Client) -> None:
    listed = (await client.list_tools()).tools
    assert [tool.name for tool in listed] == [tool.name for tool in TOOLS]
    for entry, tool in zip(listed, TOOLS, strict=True):
        assert entry.input_schema == tool.input_schema
        assert entry.output_schema == tool.output_schema
        assert entry.annotations == tool.annotations
        assert entry.description == tool.description


async def test_unknown_tool_is_a_tool_error(client: Client) -> None:
    result = await client.call_tool("no-such-tool", {})
    assert result.is_error


async def test_invalid_arguments_are_refused_before_any_request(client: Client, stub: Stub) -> None:
    tool = next((t for t in TOOLS if t.input_schema.get("required")), None)
    if tool is None:
        pytest.skip("no tool has a required argument")
    result: Any = await client.call_tool(tool.name, {})
    assert result.is_error
    first = json.dumps(tool.input_schema["required"][0], ensure_ascii=False)
    assert result.content[0].text.startswith(f"invalid arguments: {first} is a required property")
    assert stub.received == []
