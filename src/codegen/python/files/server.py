"""The API as an MCP server: one tool per operation in `operations.py`, each call run over HTTP by `runner.py`.

Tools are declared with their full JSON Schemas (through the SDK's low-level `Server`), so `tools/list`
answers exactly the schemas the connector was generated with. Arguments are checked against the
inputSchema before any request is sent.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from typing import Any

import anyio
from jsonschema.protocols import Validator
from mcp import types
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server

from .arguments import FORMATS, ArgumentValidator, problems
from .config import (
    API_TITLE,
    BASE_URL_VARIABLE,
    DEFAULT_HOST,
    DEFAULT_PORT,
    DEFAULT_TRANSPORT,
    HOST_VARIABLE,
    INSTRUCTIONS,
    PORT_VARIABLE,
    SERVER_NAME,
    SERVER_VERSION,
    TRANSPORT_VARIABLE,
    Settings,
)
from .definitions import Tool
from .operations import SECURITY_SCHEMES, TOOLS
from .results import error_result, outcome_result
from .runner import CallError, Runner

TOOLS_BY_NAME: dict[str, Tool] = {tool.name: tool for tool in TOOLS}


def list_entry(tool: Tool) -> types.Tool:
    """The tool's `tools/list` entry."""
    return types.Tool(
        name=tool.name,
        title=tool.title,
        description=tool.description,
        input_schema=tool.input_schema,
        output_schema=tool.output_schema,
        annotations=tool.annotations,
    )


def make_runner(settings: Settings | None = None, env: Mapping[str, str] | None = None) -> Runner:
    """A runner configured from the environment (or the given settings and variables)."""
    settings = settings or Settings.from_env(env)
    lookup = None if env is None else (lambda name: env.get(name) or None)
    return Runner(
        schemes=SECURITY_SCHEMES,
        base_url=settings.base_url,
        base_url_variable=BASE_URL_VARIABLE,
        timeout=settings.timeout,
        retries=settings.retries,
        user_agent=f"{SERVER_NAME}/{SERVER_VERSION}",
        env=lookup,
    )


def build_server(runner: Runner | None = None) -> Server[Any]:
    """The MCP server; `runner` calls the API (by default configured from the environment)."""
    active = runner or make_runner()
    validators: dict[str, Validator] = {}

    def validator_for(tool: Tool) -> Validator:
        if tool.name not in validators:
            validators[tool.name] = ArgumentValidator(tool.input_schema, format_checker=FORMATS)
        return validators[tool.name]

    async def list_tools(
        _ctx: ServerRequestContext[Any, Any], _params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        return types.ListToolsResult(tools=[list_entry(tool) for tool in TOOLS])

    async def call_tool(
        _ctx: ServerRequestContext[Any, Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        tool = TOOLS_BY_NAME.get(params.name)
        if tool is None:
            return error_result(f"unknown tool `{params.name}`")
        arguments = dict(params.arguments or {})
        refused = problems(validator_for(tool), arguments)
        if refused is not None:
            return error_result(refused)
        try:
            outcome = await active.call(tool, arguments)
        except CallError as error:
            return error_result(str(error))
        return outcome_result(tool.name, tool.output_schema is not None, outcome)

    def input_schema(name: str) -> dict[str, Any] | None:
        tool = TOOLS_BY_NAME.get(name)
        return None if tool is None else tool.input_schema

    return Server(
        SERVER_NAME,
        version=SERVER_VERSION,
        title=API_TITLE,
        instructions=INSTRUCTIONS,
        get_tool_input_schema=input_schema,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )


async def serve_stdio(server: Server[Any]) -> None:
    """Serves one session over stdin and stdout until the client closes it."""
    async with stdio_server() as (read_stream, write_stream):
        await server.run(read_stream, write_stream, server.create_initialization_options())


def serve_http(server: Server[Any], host: str, port: int) -> None:
    """Serves streamable HTTP at `/mcp` until interrupted."""
    import uvicorn

    app = server.streamable_http_app(host=host)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def main(argv: list[str] | None = None) -> None:
    """The command line: `--transport stdio|http`, `--host`, `--port` (or MCP_TRANSPORT, MCP_HOST, MCP_PORT)."""
    parser = argparse.ArgumentParser(prog=SERVER_NAME, description=f"The {API_TITLE} API as an MCP server.")
    parser.add_argument(
        "--transport",
        choices=["stdio", "http"],
        default=os.environ.get(TRANSPORT_VARIABLE) or DEFAULT_TRANSPORT,
        help=f"stdio, or streamable HTTP at /mcp (default: ${TRANSPORT_VARIABLE}, else {DEFAULT_TRANSPORT})",
    )
    parser.add_argument("--host", default=os.environ.get(HOST_VARIABLE) or DEFAULT_HOST)
    parser.add_argument("--port", type=int, default=int(os.environ.get(PORT_VARIABLE) or DEFAULT_PORT))
    args = parser.parse_args(argv)
    if args.transport not in ("stdio", "http"):
        parser.error(f"unknown transport {args.transport!r} (stdio or http)")
    server = build_server()
    if args.transport == "http":
        serve_http(server, args.host, args.port)
    else:
        anyio.run(serve_stdio, server)
