"""Drives an MCP server with the Python `mcp` package's client and prints what it saw as JSON.

Usage: python py_client.py PLAN_JSON
PLAN_JSON: {"transport": "stdio"|"http", "command": [...] or "url": "...", "calls": [{"name", "arguments"}]}
Prints {"server": {...}, "tools": [names], "results": [{"isError", "text", "structured"}]}.
"""
import asyncio
import json
import sys

from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client


async def drive(read, write, plan):
    async with ClientSession(read, write) as session:
        init = await session.initialize()
        tools = (await session.list_tools()).tools
        results = []
        for call in plan["calls"]:
            result = await session.call_tool(call["name"], call.get("arguments", {}))
            texts = [c.text for c in result.content if getattr(c, "type", "") == "text"]
            results.append({
                "isError": bool(result.is_error),
                "text": "\n".join(texts),
                "structured": result.structured_content,
            })
        return {
            "server": {"name": init.server_info.name, "protocol": str(init.protocol_version)},
            "tools": [t.name for t in tools],
            "results": results,
        }


async def main():
    plan = json.loads(sys.argv[1])
    if plan["transport"] == "stdio":
        params = StdioServerParameters(command=plan["command"][0], args=plan["command"][1:])
        async with stdio_client(params) as (read, write):
            out = await drive(read, write, plan)
    else:
        async with streamable_http_client(plan["url"]) as streams:
            out = await drive(streams[0], streams[1], plan)
    print(json.dumps(out))


asyncio.run(main())
