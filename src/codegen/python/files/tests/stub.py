"""A stand-in for the API on 127.0.0.1, from the standard library only: it answers what a test tells it to
and records every request it receives."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit


@dataclass
class Received:
    """One request as the stub saw it."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Answer:
    """What the stub answers to requests for `method` on a path matching `template` (`/pets/{petId}`)."""

    method: str
    template: str
    status: int = 200
    content_type: str | None = None
    body: bytes = b""
    pattern: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        parts = re.split(r"\{[^}]*\}", self.template)
        self.pattern = re.compile("[^/]+".join(re.escape(part) for part in parts) + "/?")


class Stub:
    """An HTTP server on a free port of 127.0.0.1, answering the current `Answer` (404 otherwise)."""

    def __init__(self) -> None:
        self.answer: Answer | None = None
        self.received: list[Received] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                url = urlsplit(self.path)
                headers = {name.lower(): value for name, value in self.headers.items()}
                path = unquote(url.path)
                stub.received.append(Received(self.command, path, url.query, headers, body))
                answer = stub.answer
                if answer is None or answer.method != self.command or not answer.pattern.fullmatch(path):
                    self._reply(404, "application/json", b'{"error":"no such route in the stub"}')
                else:
                    self._reply(answer.status, answer.content_type, answer.body)

            def _reply(self, status: int, content_type: str | None, body: bytes) -> None:
                self.send_response(status)
                if content_type is not None:
                    self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body and self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_TRACE = _handle

            def log_message(self, format: str, *args: object) -> None:
                """Quiet: the tests read `received` instead."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> Stub:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
