#!/usr/bin/env python3
"""An MCP server built on the Python `mcp` package (2.x, MCPServer), over stdio, for the client tests."""

from mcp.server.mcpserver import MCPServer

server = MCPServer("python-notes")
NOTES = {"welcome": "Hello from the Python SDK."}


@server.tool()
def add(a: int, b: int) -> int:
    """Adds two integers."""
    return a + b


@server.tool()
def save_note(name: str, text: str) -> str:
    """Saves a note under a name."""
    NOTES[name] = text
    return f"saved {name} ({len(text)} characters)"


@server.resource("note://{name}")
def note(name: str) -> str:
    """A saved note."""
    return NOTES.get(name, "")


@server.prompt()
def summarize(topic: str) -> str:
    """Asks for a summary of a topic."""
    return f"Summarize what you know about {topic}."


if __name__ == "__main__":
    server.run()
