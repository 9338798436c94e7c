"""A local HTTP server that misbehaves on purpose, for the fetch tests: each path runs a small function that
writes whatever it likes to the socket (a gzip bomb, an endless or dripping body, a broken header...).

Never the internet: it listens on 127.0.0.1 on a free port. Every behaviour is bounded, so a client without the
protection under test still finishes (and fails its test) instead of hanging the run.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

Route = Callable[[BaseHTTPRequestHandler], None]


class Hostile:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.paths: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server.paths.append(self.path)
                route = server.routes.get(self.path) or server.routes.get(urlsplit(self.path).path)
                with suppress(BrokenPipeError, ConnectionResetError):
                    (route or not_found)(self)
                self.close_connection = True

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@contextmanager
def hostile() -> Iterator[Hostile]:
    server = Hostile()
    threading.Thread(target=server.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield server
    finally:
        server.server.shutdown()
        server.server.server_close()


def send(handler: BaseHTTPRequestHandler, status: int, body: bytes = b"", headers: dict | None = None) -> None:
    headers = {"Content-Type": "application/json", "Connection": "close", **(headers or {})}
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name, value)
    if "Content-Length" not in headers and "Transfer-Encoding" not in headers:
        handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def not_found(handler: BaseHTTPRequestHandler) -> None:
    send(handler, 404, b"<html>not found</html>", {"Content-Type": "text/html"})


def answer(body: bytes | str | dict, status: int = 200, headers: dict | None = None) -> Route:
    data = json.dumps(body).encode() if isinstance(body, dict) else body.encode() if isinstance(body, str) else body
    return lambda h: send(h, status, data, headers)


def gzip_bomb(expanded: int) -> Route:
    """A small gzip body that expands to `expanded` zero bytes."""
    packed = gzip.compress(bytes(expanded), compresslevel=9)
    return answer(packed, headers={"Content-Encoding": "gzip"})


def endless(chunk: bytes, most: int) -> Route:
    """A chunked body that goes on (up to `most` bytes, so an unprotected client still finishes)."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        send(handler, 200, b"", {"Transfer-Encoding": "chunked"})
        for _ in range(most // len(chunk)):
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        handler.wfile.write(b"0\r\n\r\n")

    return route


def drip(body: bytes, every: float, headers: dict | None = None) -> Route:
    """The body one byte at a time, `every` seconds apart (with a true Content-Length)."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        send(handler, 200, b"", {"Content-Length": str(len(body)), **(headers or {})})
        for i in range(len(body)):
            handler.wfile.write(body[i : i + 1])
            handler.wfile.flush()
            time.sleep(every)

    return route


def raw(data: bytes) -> Route:
    """Bytes written as they are, status line and headers included."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.wfile.write(data)
        handler.wfile.flush()

    return route
