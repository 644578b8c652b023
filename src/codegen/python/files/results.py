"""The API's answer as an MCP tool result."""

from __future__ import annotations

import base64
import json
from typing import Any

from mcp.types import BlobResourceContents, CallToolResult, EmbeddedResource, ImageContent, TextContent

from .runner import Outcome, body_kind, essence

MAX_BLOB_BYTES = 1024 * 1024
"""The largest binary body returned as a base64 resource."""

MAX_ERROR_TEXT = 16 * 1024
"""The most characters of an error response shown."""


def error_result(message: str) -> CallToolResult:
    """A tool error with one text block."""
    return CallToolResult(content=[TextContent(type="text", text=message)], is_error=True)


def text_result(text: str) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=text)])


def outcome_result(tool_name: str, structured: bool, outcome: Outcome) -> CallToolResult:
    """Non-2xx is an error carrying the status and body; JSON is text (and structuredContent when the tool
    has an outputSchema and the answer is an object); images are image content; other binary a resource."""
    media_type = outcome.content_type or ""
    kind = body_kind(media_type)
    if not outcome.is_success:
        shown = outcome.body.decode("utf-8", errors="replace")[:MAX_ERROR_TEXT]
        return error_result(f"HTTP {outcome.status} from {outcome.request_line}\n{shown}")
    if not outcome.body:
        return text_result(f"HTTP {outcome.status} (no content)")
    parsed: Any = None
    is_json = False
    if kind == "json" or not media_type:
        try:
            parsed = json.loads(outcome.body)
            is_json = True
        except ValueError:
            is_json = False
    if is_json:
        text = outcome.body.decode("utf-8", errors="replace")
        if structured and isinstance(parsed, dict):
            return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=parsed)
        return text_result(text)
    if kind == "json":
        return error_result(
            f"the API answered invalid JSON ({len(outcome.body)} bytes of {media_type}) from {outcome.request_line}"
        )
    if media_type.startswith("image/"):
        data = base64.b64encode(outcome.body).decode("ascii")
        return CallToolResult(content=[ImageContent(type="image", data=data, mime_type=essence(media_type))])
    if kind in ("text", "xml"):
        return text_result(outcome.body.decode("utf-8", errors="replace"))
    try:
        return text_result(outcome.body.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    blob = outcome.body[:MAX_BLOB_BYTES]
    resource = BlobResourceContents(
        uri=f"mcpow://response/{tool_name}",
        mime_type=essence(media_type),
        blob=base64.b64encode(blob).decode("ascii"),
    )
    content: list[TextContent | EmbeddedResource] = [EmbeddedResource(type="resource", resource=resource)]
    if len(outcome.body) > MAX_BLOB_BYTES:
        note = f"the response had {len(outcome.body)} bytes; the first {MAX_BLOB_BYTES} are included"
        content.append(TextContent(type="text", text=note))
    return CallToolResult(content=content)
