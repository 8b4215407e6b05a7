"""A simulated internet on loopback, for the link checker's tests and benchmark.

:class:`FakeInternet` is an HTTP proxy on ``127.0.0.1`` that answers for every
host name itself, from a table that the test fills:

- ``CONNECT github.com:443`` is accepted, then TLS is ended in the proxy with
  a certificate for ``github.com`` issued by a ``trustme`` test CA, and the
  HTTP/1.1 requests inside the tunnel are answered (keep-alive);
- ``GET http://host/path`` (plain HTTP through a proxy) is answered too.

The checker runs with ``HTTPS_PROXY``/``HTTP_PROXY`` pointing at the proxy and
``REQUESTS_CA_BUNDLE`` at the test CA (:meth:`FakeInternet.env`), so it asks
for the real URLs while no byte leaves the machine. The proxy records each
request (method, URL, when it came, when it was answered) and the largest
number of requests under way at once per host.

:func:`loopback_only` is the guard: while it is on, connecting a socket to an
address outside 127.0.0.0/8 and ::1, or resolving a name other than
``localhost``, fails (and fails the test).
"""

from __future__ import annotations

import ipaddress
import shutil
import socket
import ssl
import struct
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import trustme


@dataclass
class Reply:
    """One programmed answer."""

    status: int = 200
    body: str | bytes = ""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering
    reset: bool = False  # drop the connection with a TCP reset instead

    @classmethod
    def redirect(cls, location: str, status: int = 301) -> Reply:
        return cls(status, headers={"Location": location})

    @classmethod
    def page(cls, *ids: str, names: tuple[str, ...] = ()) -> Reply:
        """An HTML page with an element per id and an ``<a name>`` per name."""
        parts = [f'<h2 id="{i}">{i}</h2>' for i in ids]
        parts += [f'<a name="{n}"></a>' for n in names]
        return cls(200, "<!doctype html><html><body>" + "".join(parts) + "</body></html>")


@dataclass
class Seen:
    """One request as the proxy saw it."""

    method: str
    url: str
    host: str
    received: float  # time.monotonic()
    answered: float = 0.0
    status: int = 0  # 0: no answer (reset, or the client went away)


Route = Reply | list[Reply] | Callable[[Seen], Reply]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512
    internet: FakeInternet

    def handle_error(self, request, client_address) -> None:
        pass  # clients that time out or reset are part of the tests


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = 30  # an idle keep-alive connection is dropped after this
    server: _Server
    tunnel = ""  # "host" or "host:port" once a CONNECT tunnel is up

    def log_message(self, format, *args) -> None:
        pass

    def handle(self) -> None:
        try:
            super().handle()
        except (OSError, ValueError):
            self.close_connection = True

    def finish(self) -> None:
        try:
            super().finish()
        except (OSError, ValueError):
            pass
        if self.tunnel:  # the TLS socket took over the one socketserver closes
            self.connection.close()

    def do_CONNECT(self) -> None:
        host, _, port = self.path.rpartition(":")
        self.send_response(200, "Connection established")
        self.end_headers()
        try:
            tls = self.server.internet.tls_context(host).wrap_socket(
                self.connection, server_side=True
            )
        except (OSError, ssl.SSLError):
            self.close_connection = True
            return
        self.connection = tls
        self.rfile = tls.makefile("rb")
        self.wfile = tls.makefile("wb")
        self.tunnel = host if port == "443" else f"{host}:{port}"
        self.close_connection = False

    def _any(self) -> None:
        if self.tunnel:
            url = f"https://{self.tunnel}{self.path}"
        elif self.path.startswith("http://"):
            url = self.path
        else:
            self.send_error(400, "this is a proxy: ask for an absolute URL")
            return
        self.server.internet.answer(self, url)

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_OPTIONS = _any

    def reset(self) -> None:
        """Drop the connection with a TCP RST (SO_LINGER 0, then close)."""
        self.connection.setsockopt(
            socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
        )
        self.connection.close()
        self.close_connection = True


class FakeInternet:
    """The proxy, its CA and its table of answers; a context manager."""

    def __init__(self, default: Reply | None = None) -> None:
        self.default = default or Reply(404, "no such page")
        self.routes: dict[str, Route] = {}
        self.seen: list[Seen] = []
        self.max_active: Counter[str] = Counter()
        self._active: Counter[str] = Counter()
        self._served: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._contexts: dict[str, ssl.SSLContext] = {}
        self.ca = trustme.CA()
        self._dir = Path(tempfile.mkdtemp(prefix="fake-internet-"))
        self.ca_file = self._dir / "ca.pem"
        self.ca.cert_pem.write_to_path(str(self.ca_file))
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- programming ----------------------------------------------------------

    def route(self, url: str, *replies: Reply | Callable[[Seen], Reply]) -> None:
        """Answer ``url``: one reply, replies in turn (the last repeats), or a function."""
        key = url.partition("#")[0]
        if len(replies) == 1:
            self.routes[key] = replies[0]
        else:
            self.routes[key] = list(replies)  # type: ignore[arg-type]

    def _reply_for(self, seen: Seen) -> Reply:
        route = self.routes.get(seen.url, self.default)
        if isinstance(route, list):
            with self._lock:
                index = self._served[seen.url]
                self._served[seen.url] += 1
            route = route[min(index, len(route) - 1)]
        return route(seen) if callable(route) else route

    # -- what happened --------------------------------------------------------

    def requests_for(self, url: str) -> list[Seen]:
        return [seen for seen in self.seen if seen.url == url.partition("#")[0]]

    def methods_for(self, url: str) -> list[str]:
        return [seen.method for seen in self.requests_for(url)]

    def forget(self) -> None:
        """Clear the log and the concurrency counts (the routes stay)."""
        with self._lock:
            self.seen.clear()
            self.max_active.clear()
            self._served.clear()

    # -- serving --------------------------------------------------------------

    def tls_context(self, host: str) -> ssl.SSLContext:
        with self._lock:
            if host not in self._contexts:
                context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
                self.ca.issue_cert(host).configure_cert(context)
                self._contexts[host] = context
            return self._contexts[host]

    def answer(self, handler: _Handler, url: str) -> None:
        host = urlsplit(url).netloc.lower()
        seen = Seen(handler.command, url, host, time.monotonic())
        with self._lock:
            self.seen.append(seen)
            self._active[host] += 1
            self.max_active[host] = max(self.max_active[host], self._active[host])
        try:
            reply = self._reply_for(seen)
            if reply.delay:
                time.sleep(reply.delay)
            if reply.reset:
                handler.reset()
                return
            body = reply.body.encode() if isinstance(reply.body, str) else reply.body
            handler.send_response(reply.status)
            headers = {"Content-Type": "text/html; charset=utf-8", **reply.headers}
            for name, value in headers.items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            if handler.command != "HEAD":
                handler.wfile.write(body)
            handler.wfile.flush()
            seen.status = reply.status
        finally:
            seen.answered = time.monotonic()
            with self._lock:
                self._active[host] -= 1

    @property
    def proxy_url(self) -> str:
        assert self._server is not None, "start() first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def env(self) -> dict[str, str]:
        """Environment that sends requests' traffic here and trusts the test CA."""
        proxy = self.proxy_url
        return {
            "HTTPS_PROXY": proxy,
            "https_proxy": proxy,
            "HTTP_PROXY": proxy,
            "http_proxy": proxy,
            "NO_PROXY": "",
            "no_proxy": "",
            "REQUESTS_CA_BUNDLE": str(self.ca_file),
        }

    def start(self) -> FakeInternet:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.internet = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> FakeInternet:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


# -- the guard -----------------------------------------------------------------


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return host.lower() == "localhost" or host.lower().endswith(".localhost")


class loopback_only:
    """While on, a connection or name lookup beyond loopback raises and is recorded.

    ``with loopback_only() as guard: ...`` then ``guard.violations`` lists
    what was tried (the pytest fixture fails the test when it is not empty).
    """

    def __init__(self) -> None:
        self.violations: list[str] = []

    def _refuse(self, what: str) -> OSError:
        self.violations.append(what)
        return OSError(f"loopback_only: {what} refused: tests stay on 127.0.0.1")

    def __enter__(self) -> loopback_only:
        guard = self
        self._saved = (socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo)
        real_connect, real_connect_ex, real_getaddrinfo = self._saved

        def allowed(sock: socket.socket, address) -> bool:
            if sock.family not in (socket.AF_INET, socket.AF_INET6):
                return True
            return _is_loopback(str(address[0]))

        def connect(sock, address):
            if not allowed(sock, address):
                raise guard._refuse(f"connect to {address!r}")
            return real_connect(sock, address)

        def connect_ex(sock, address):
            if not allowed(sock, address):
                raise guard._refuse(f"connect to {address!r}")
            return real_connect_ex(sock, address)

        def getaddrinfo(host, *args, **kwargs):
            name = host.decode() if isinstance(host, bytes) else host
            if name is not None and not _is_loopback(str(name)):
                raise guard._refuse(f"lookup of {name!r}")
            return real_getaddrinfo(host, *args, **kwargs)

        socket.socket.connect = connect  # type: ignore[method-assign]
        socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
        socket.getaddrinfo = getaddrinfo
        return self

    def __exit__(self, *exc_info) -> None:
        (
            socket.socket.connect,
            socket.socket.connect_ex,
            socket.getaddrinfo,
        ) = self._saved  # type: ignore[method-assign]


# -- synthetic sites -----------------------------------------------------------


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Write ``{relative path: text}`` under ``root``; returns ``root``."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def html_page(*urls: str, title: str = "page") -> str:
    """A small page with one link per URL."""
    links = "".join(f'<li><a href="{url}">{url}</a></li>' for url in urls)
    return f"<!doctype html><html><head><title>{title}</title></head><body><ul>{links}</ul></body></html>"
