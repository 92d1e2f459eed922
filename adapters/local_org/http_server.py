"""The HTTPS server: a threaded stdlib server, TLS per connection, keep-alive, JSON out."""

from __future__ import annotations

import contextlib
import logging
import socket
import ssl
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from adapters.local_org.app import OrgApp
from adapters.local_org.protocol import Disconnect, Request

log = logging.getLogger("local_org")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body leave at once, no 40 ms delayed-ACK stall
    server: OrgServer

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        request = Request.from_target(self.command, self.path, headers, body)
        try:
            response = self.server.app.handle(request)
        except Disconnect:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        payload = response.payload()
        self.send_response(response.status)
        if payload or response.status not in (204, 304):
            self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if payload and self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = _serve

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib signature)
        log.debug("%s " + format, self.address_string(), *args)


class OrgServer(ThreadingHTTPServer):
    """Serves one OrgApp on 127.0.0.1; the TLS handshake happens in each connection's thread."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, app: OrgApp, port: int, context: ssl.SSLContext) -> None:
        self.app = app
        self.context = context
        super().__init__(("127.0.0.1", port), _Handler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def finish_request(self, request: Any, client_address: Any) -> None:
        try:
            request.settimeout(60)
            tls = self.context.wrap_socket(request, server_side=True)
        except (OSError, ssl.SSLError) as error:
            log.debug("TLS handshake failed from %s: %s", client_address, error)
            return
        try:
            super().finish_request(tls, client_address)
        finally:
            with contextlib.suppress(OSError):
                tls.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("connection error from %s", client_address, exc_info=True)
