#!/usr/bin/env python3
"""1,000 sequential calls of a trivial tool on one stdio session through the Python `mcp` client (the
counterpart of benches/client_calls.rs), timed in-process, against `tests/mcp_servers/faulty.py plain`.

Usage: target/clients/venv/bin/python benches/python_client_calls.py [CALLS]
"""

import asyncio
import os
import sys
import time

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = os.path.join(os.path.dirname(HERE), "tests", "mcp_servers", "faulty.py")


async def run(calls: int) -> float:
    params = StdioServerParameters(command="python3", args=[SERVER, "plain"])
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            for _ in range(10):
                await session.call_tool("ok", {})
            started = time.perf_counter()
            for _ in range(calls):
                result = await session.call_tool("ok", {})
                assert not result.is_error
            return time.perf_counter() - started


def main() -> None:
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    for round_number in range(1, 4):
        elapsed = asyncio.run(run(calls))
        print(f"round {round_number}: {calls} calls  python mcp client {elapsed * 1e6 / calls:.1f} us/call")


if __name__ == "__main__":
    main()
