"""Running one operation over HTTP: base URL, parameter serialization, bodies, auth, timeouts and retries."""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass, field
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any

import anyio
import httpx

from .auth import Authenticator, AuthError, EnvLookup
from .definitions import Operation, SecurityScheme, Tool
from .serialize import (
    cookie_pair,
    encode,
    form_urlencoded,
    header_value,
    json_text,
    path_value,
    query_pairs,
    scalar_text,
)

MAX_FILE_BYTES = 50 * 1024 * 1024
"""The largest file a multipart part reads."""


_UNASKED_UPGRADE = "_SWITCH_UPGRADE event without a pending proposal"
"""How h11 refuses a 101 answer to a request that asked for no upgrade."""


class CallError(Exception):
    """A call that produced no HTTP answer to report (bad arguments, no connection, a timeout, ...)."""


@dataclass
class Outcome:
    """What the API answered."""

    status: int
    content_type: str | None
    body: bytes
    request_line: str
    """The method and URL that were called (credentials hidden)."""

    @property
    def is_success(self) -> bool:
        return 200 <= self.status < 300


@dataclass
class Call:
    """The values of one call, sorted by where they go."""

    params: dict[tuple[str, str], Any] = field(default_factory=dict)
    body: Any = None
    has_body: bool = False


def sort_arguments(tool: Tool, arguments: dict[str, Any]) -> Call:
    """Sorts a call's arguments by where they go, following the tool's bindings."""
    call = Call()
    fields: dict[str, Any] = {}
    for binding in tool.operation.bindings:
        if binding.argument not in arguments:
            continue
        value = arguments[binding.argument]
        if binding.target == "body":
            call.body = value
            call.has_body = True
        elif binding.target == "body_property":
            fields[binding.name] = value
        else:
            call.params[(binding.target, binding.name)] = value
    if not call.has_body and fields:
        call.body = fields
        call.has_body = True
    return call


def is_idempotent(method: str) -> bool:
    return method not in ("POST", "PATCH")


class Runner:
    """Calls the API's operations with one shared HTTP client."""

    def __init__(
        self,
        *,
        schemes: dict[str, SecurityScheme],
        base_url: str | None,
        base_url_variable: str,
        timeout: float = 30.0,
        retries: int = 2,
        max_response_bytes: int = 10 * 1024 * 1024,
        max_redirects: int = 5,
        user_agent: str = "mcp-connector",
        env: EnvLookup | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/") if base_url else None
        self.base_url_variable = base_url_variable
        self.timeout = timeout
        self.retries = retries
        self.max_response_bytes = max_response_bytes
        self.max_redirects = max_redirects
        self.auth = Authenticator(schemes, env or (lambda name: os.environ.get(name) or None))
        # Redirects are followed by `_send`; cookies the API sets are never stored nor sent back.
        self.client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            follow_redirects=False,
            headers={"User-Agent": user_agent},
            cookies=CookieJar(DefaultCookiePolicy(allowed_domains=[])),
        )

    async def aclose(self) -> None:
        await self.client.aclose()

    def base_url_for(self, operation: Operation) -> str:
        """The override, else the operation's server from the spec."""
        if self.base_url:
            return self.base_url
        if operation.server is None:
            raise CallError(f"no base URL: the spec declares no server (set {self.base_url_variable})")
        if not operation.server.startswith(("http://", "https://")):
            raise CallError(
                f"no base URL: the spec's server `{operation.server}` is relative (set {self.base_url_variable})"
            )
        return operation.server.rstrip("/")

    def url(self, operation: Operation, call: Call) -> str:
        """The full URL: path parameters filled in, query string appended."""
        path = operation.path
        pairs: list[str] = []
        for param in operation.parameters:
            value = call.params.get((param.location, param.name))
            if param.location == "path":
                if value is None:
                    raise CallError(f"missing path parameter `{param.name}`")
                if param.content:
                    text = encode(json_text(value))
                else:
                    text = path_value(param.name, value, param.style, param.explode, param.allow_reserved)
                path = path.replace("{" + param.name + "}", text)
            elif param.location == "query" and value is not None:
                if param.content:
                    pairs.append(f"{encode(param.name)}={encode(json_text(value))}")
                else:
                    pairs.extend(query_pairs(param.name, value, param.style, param.explode, param.allow_reserved))
        url = self.base_url_for(operation) + path
        if pairs:
            url += ("&" if "?" in url else "?") + "&".join(pairs)
        return url

    async def call(self, tool: Tool, arguments: dict[str, Any]) -> Outcome:
        """Runs the tool's operation with `arguments` (already checked against its inputSchema)."""
        operation = tool.operation
        call = sort_arguments(tool, arguments)
        url = self.url(operation, call)
        try:
            auth = await self.auth.parts_for(operation.security, self.client)
        except AuthError as error:
            raise CallError(str(error)) from error
        for name, value in auth.query:
            url += ("&" if "?" in url else "?") + f"{encode(name)}={encode(value)}"
        shown = url
        for _, value in auth.query:
            shown = shown.replace(encode(value), "***")
        request_line = f"{operation.method} {shown}"
        attempts = self.retries + 1 if is_idempotent(operation.method) else 1
        last: Outcome | None = None
        for attempt in range(attempts):
            if attempt > 0:
                await anyio.sleep(0.25 * 2 ** (attempt - 1))
            headers, content = await self._request_parts(operation, call, auth.headers, auth.cookies)
            more = attempt + 1 < attempts
            try:
                outcome = await self._send(operation.method, url, headers, content, request_line)
            except httpx.TimeoutException as error:
                if more:
                    continue
                raise CallError(f"{request_line}: timed out after {int(self.timeout)} s") from error
            except httpx.ConnectError as error:
                if more:
                    continue
                raise CallError(f"{request_line}: could not connect: {reason_of(error)}") from error
            except httpx.RemoteProtocolError as error:
                if _UNASKED_UPGRADE not in str(error):
                    raise CallError(f"{request_line}: {error}") from error
                # 101 Switching Protocols to a request that proposed no upgrade: h11 stops at the status line,
                # so the answer is reported by its status alone, like any other non-2xx.
                return Outcome(101, None, b"", request_line)
            except httpx.HTTPError as error:
                raise CallError(f"{request_line}: {error}") from error
            if more and 502 <= outcome.status <= 504:
                last = outcome
                continue
            return outcome
        if last is None:
            raise CallError("no attempt was made")
        return last

    async def _request_parts(
        self,
        operation: Operation,
        call: Call,
        auth_headers: list[tuple[str, str]],
        auth_cookies: list[tuple[str, str]],
    ) -> tuple[list[tuple[str, str]], bytes | None]:
        """Headers (parameters, cookies, then credentials) and the body."""
        headers: list[tuple[str, str]] = []
        cookies = [f"{name}={encode(value)}" for name, value in auth_cookies]
        for param in operation.parameters:
            value = call.params.get((param.location, param.name))
            if value is None:
                continue
            if param.location == "header":
                headers.append((param.name, header_value(value, param.explode)))
            elif param.location == "cookie":
                cookies.append(cookie_pair(param.name, value, param.explode))
        if cookies:
            headers.append(("Cookie", "; ".join(cookies)))
        headers.extend(auth_headers)
        content_type, content = await self._body(operation, call)
        if content_type is not None:
            headers.append(("Content-Type", content_type))
        return headers, content

    async def _body(self, operation: Operation, call: Call) -> tuple[str | None, bytes | None]:
        if operation.graphql_document is not None:
            variables = call.body if call.has_body and call.body is not None else {}
            document = {"query": operation.graphql_document, "variables": variables}
            return "application/json", json_text(document).encode()
        if not call.has_body or call.body is None:
            return None, None
        media_type = operation.body_media_type or next(iter(operation.body_media_types), "application/json")
        kind = body_kind(media_type)
        if kind == "json":
            return media_type, json_text(call.body).encode()
        if kind == "form":
            return media_type, form_urlencoded(call.body).encode()
        if kind == "multipart":
            return await self._multipart(operation, call.body)
        text = call.body if isinstance(call.body, str) else json_text(call.body)
        return media_type, text.encode()

    async def _multipart(self, operation: Operation, value: Any) -> tuple[str, bytes]:
        if not isinstance(value, dict):
            raise CallError("a multipart body must be an object of fields")
        boundary = uuid.uuid4().hex
        declared = dict(operation.file_content_types)
        chunks: list[bytes] = []
        for name, field_value in value.items():
            if field_value is None:
                continue
            is_file = name in operation.file_fields
            items = field_value if is_file and isinstance(field_value, list) else [field_value]
            for item in items:
                disposition = f'form-data; name="{_quoted(name)}"'
                if is_file:
                    file_name, data = await _read_file(name, item)
                    content_type = file_content_type(declared.get(name), file_name)
                    head = f'{disposition}; filename="{_quoted(file_name)}"\r\nContent-Type: {content_type}'
                else:
                    head, data = disposition, scalar_text(item).encode()
                chunks.append(f"--{boundary}\r\nContent-Disposition: {head}\r\n\r\n".encode() + data + b"\r\n")
        chunks.append(f"--{boundary}--\r\n".encode())
        return f"multipart/form-data; boundary={boundary}", b"".join(chunks)

    async def _send(
        self, method: str, url: str, headers: list[tuple[str, str]], content: bytes | None, request_line: str
    ) -> Outcome:
        """Sends the request and reads the answer, following up to `max_redirects` redirects."""
        current = httpx.URL(url)
        sent = headers
        followed = 0
        while True:
            request = self.client.build_request(method, current, headers=sent, content=content)
            response = await self.client.send(request, stream=True)
            target = redirect_target(current, response)
            if target is None:
                break
            await response.aclose()
            if followed == self.max_redirects:
                raise CallError(f"{request_line}: too many redirects")
            followed += 1
            if response.status_code == 303 or (response.status_code in (301, 302) and method == "POST"):
                if response.status_code != 303 or method != "HEAD":
                    method = "GET"
                content = None
                headers = [(name, value) for name, value in headers if name.lower() not in _PAYLOAD_HEADERS]
            sent = redirect_headers(headers, current, target)
            current = target
        try:
            length = response.headers.get("content-length")
            if length is not None and length.isdigit() and int(length) > self.max_response_bytes:
                raise CallError(f"{request_line}: the response is larger than {self.max_response_bytes} bytes")
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body.extend(chunk)
                if len(body) > self.max_response_bytes:
                    raise CallError(f"{request_line}: the response is larger than {self.max_response_bytes} bytes")
        finally:
            await response.aclose()
        return Outcome(response.status_code, response.headers.get("content-type"), bytes(body), request_line)


_PAYLOAD_HEADERS = ("content-type", "content-length", "content-encoding", "transfer-encoding")
"""Dropped with the body when a redirect turns the request into a GET."""

_CROSS_ORIGIN_DROPPED = ("authorization", "cookie", "cookie2", "proxy-authorization", "www-authenticate")
"""Credentials never sent on to another origin."""


def redirect_target(url: httpx.URL, response: httpx.Response) -> httpx.URL | None:
    """Where a 301, 302, 303, 307 or 308 answer with a usable `Location` leads (None for any other answer)."""
    location = response.headers.get("location")
    if response.status_code not in (301, 302, 303, 307, 308) or location is None:
        return None
    try:
        target = url.join(location)
    except httpx.InvalidURL:
        return None
    return target if target.scheme in ("http", "https") else None


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return url.scheme, url.host, url.port or {"http": 80, "https": 443}.get(url.scheme)


def redirect_headers(headers: list[tuple[str, str]], previous: httpx.URL, target: httpx.URL) -> list[tuple[str, str]]:
    """The headers of a redirected request: credentials only to the same origin, and a Referer naming the
    URL that redirected (none from HTTPS to HTTP)."""
    kept = headers
    if _origin(previous) != _origin(target):
        kept = [(name, value) for name, value in headers if name.lower() not in _CROSS_ORIGIN_DROPPED]
    kept = [(name, value) for name, value in kept if name.lower() != "referer"]
    if not (previous.scheme == "https" and target.scheme == "http"):
        kept.append(("Referer", str(previous.copy_with(username=None, password=None, fragment=None))))
    return kept


def reason_of(error: BaseException) -> str:
    """The innermost cause of a failed connection or file read, in the words `mcpow serve` uses
    (`Connection refused (os error 111)`)."""
    innermost, seen = error, set()
    while id(innermost) not in seen:
        seen.add(id(innermost))
        cause = innermost.__cause__ or innermost.__context__
        if cause is None:
            break
        innermost = cause
    if isinstance(innermost, socket.gaierror):
        return f"failed to lookup address information: {innermost.strerror}"
    if isinstance(innermost, OSError) and isinstance(innermost.errno, int) and innermost.errno > 0:
        return f"{os.strerror(innermost.errno)} (os error {innermost.errno})"
    return str(error)


def _quoted(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", " ").replace("\n", " ")


async def _read_file(name: str, value: Any) -> tuple[str, bytes]:
    """A file part's name and bytes, from the local path the argument holds."""
    if not isinstance(value, str):
        raise CallError(f"`{name}` takes the path of a local file")
    path = anyio.Path(value)
    try:
        size = (await path.stat()).st_size
        if size > MAX_FILE_BYTES:
            raise CallError(f"`{name}`: {value} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
        data = await path.read_bytes()
    except OSError as error:
        raise CallError(f"`{name}`: cannot read {value}: {reason_of(error)}") from error
    return (path.name or "file"), data


_EXTENSION_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
    "json": "application/json",
    "txt": "text/plain",
    "log": "text/plain",
    "md": "text/plain",
    "csv": "text/csv",
    "html": "text/html",
    "htm": "text/html",
    "xml": "application/xml",
    "yaml": "application/yaml",
    "yml": "application/yaml",
    "zip": "application/zip",
    "gz": "application/gzip",
    "mp3": "audio/mpeg",
    "wav": "audio/wav",
    "mp4": "video/mp4",
}


def file_content_type(declared: str | None, file_name: str) -> str:
    """The spec's encoding when it names one type, else a guess from the extension, else octet-stream."""
    first = (declared or "").split(",")[0].strip()
    if first and "*" not in first:
        return first
    extension = file_name.rsplit(".", 1)[1].lower() if "." in file_name else ""
    return _EXTENSION_TYPES.get(extension, "application/octet-stream")


def essence(media_type: str) -> str:
    """`text/plain; charset=utf-8` -> `text/plain`."""
    return media_type.split(";")[0].strip()


def body_kind(media_type: str) -> str:
    """json, form, multipart, xml, text, binary or other."""
    kind = essence(media_type).lower()
    if kind == "application/json" or kind.endswith(("+json", "/json")):
        return "json"
    if kind == "application/x-www-form-urlencoded":
        return "form"
    if kind.startswith("multipart/"):
        return "multipart"
    if kind.endswith(("/xml", "+xml")):
        return "xml"
    if kind.startswith("text/"):
        return "text"
    if kind == "application/octet-stream" or kind.startswith(("image/", "audio/", "video/")):
        return "binary"
    return "other"
