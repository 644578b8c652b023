"""FastMCP's own OpenAPI server, for benches/serve_vs_fastmcp.py: `FastMCP.from_openapi` on SPEC, over stdio.

Usage: python fastmcp_server.py SPEC.json BASE_URL
"""

import json
import sys

import httpx2
from fastmcp import FastMCP


def main() -> None:
    spec_path, base_url = sys.argv[1], sys.argv[2]
    with open(spec_path, encoding="utf-8") as handle:
        spec = json.load(handle)
    client = httpx2.AsyncClient(base_url=base_url)
    server = FastMCP.from_openapi(openapi_spec=spec, client=client, name="bench")
    server.run(transport="stdio", show_banner=False)


if __name__ == "__main__":
    main()
