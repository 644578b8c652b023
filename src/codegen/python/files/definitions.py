"""The shapes of the tool table in `operations.py`: each tool's MCP definition and its HTTP request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from mcp.types import ToolAnnotations

Location = Literal["path", "query", "header", "cookie"]
"""Where a parameter goes."""

Target = Literal["path", "query", "header", "cookie", "body_property", "body"]
"""Where a tool argument goes: a parameter, one property of an object body, or the whole body."""


@dataclass(frozen=True)
class Parameter:
    """One parameter of an operation, serialized as OpenAPI's `style` and `explode` say."""

    name: str
    location: Location
    style: str
    explode: bool
    allow_reserved: bool = False
    content: bool = False
    """A parameter described by `content` rather than `schema`: sent as JSON text."""


@dataclass(frozen=True)
class Binding:
    """Where one tool argument goes in the HTTP request."""

    argument: str
    target: Target
    name: str = ""
    """The parameter's or body property's name in the API (empty for the whole body)."""


@dataclass(frozen=True)
class Operation:
    """The HTTP side of a tool."""

    method: str
    path: str
    server: str | None
    """The spec's server for this operation (variables at their defaults), or None."""
    parameters: tuple[Parameter, ...] = ()
    bindings: tuple[Binding, ...] = ()
    body_media_type: str | None = None
    """The media type of the request body sent, when the operation has one."""
    body_media_types: tuple[str, ...] = ()
    """Every media type the operation's request body declares, in the spec's order."""
    file_fields: tuple[str, ...] = ()
    """Multipart fields whose values are paths of local files to upload."""
    file_content_types: tuple[tuple[str, str], ...] = ()
    """Multipart fields' declared `contentType` encodings."""
    security: tuple[tuple[tuple[str, tuple[str, ...]], ...], ...] = ()
    """Alternative security requirements: each a list of (scheme name, scopes), all of which apply."""
    graphql_document: str | None = None
    """For a GraphQL operation, the query document sent with the arguments as variables."""


@dataclass(frozen=True)
class Tool:
    """One MCP tool: its `tools/list` entry and the operation it calls."""

    name: str
    title: str | None
    description: str
    input_schema: dict[str, Any]
    output_schema: dict[str, Any] | None
    annotations: ToolAnnotations | None
    operation: Operation


@dataclass(frozen=True)
class ApiKey:
    """An API key read from `variable`, sent as the header, query parameter or cookie `name`."""

    variable: str
    name: str
    location: Location


@dataclass(frozen=True)
class Bearer:
    """A bearer token read from `variable`."""

    variable: str


@dataclass(frozen=True)
class Basic:
    """HTTP basic auth from a user name and a password variable."""

    username_variable: str
    password_variable: str


@dataclass(frozen=True)
class OAuth2:
    """An OAuth2 access token, used as is when set, else fetched with the client credentials flow."""

    token_variable: str
    client_id_variable: str | None = None
    client_secret_variable: str | None = None
    token_url: str | None = None


@dataclass(frozen=True)
class Unsupported:
    """A scheme this connector cannot apply (mutual TLS): requirements using it are skipped."""

    kind: str


SecurityScheme = ApiKey | Bearer | Basic | OAuth2 | Unsupported
