"""Running the HTTP service under uvicorn for ``rsearch serve``.

The socket is bound here, before uvicorn starts, so a taken port or a bad
address is one ``Error:`` line and port 0 prints the real port.
"""

from __future__ import annotations

import ipaddress
import socket

from rsearch.core.errors import RsearchError


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    host = host.strip("[]")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY on accepted
    # connections only when the socket says it is TCP, and without it Nagle
    # and delayed ACKs add about 40 ms to every response.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as err:
        sock.close()
        raise RsearchError(f"cannot listen on {host}:{port}: {err.strerror or err}") from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


# What a client gets for a request uvicorn cannot parse. Most often it is a
# URL with raw (not percent-encoded) Chinese in it: h11 (and httptools too)
# refuse any byte outside ASCII in the request line, as RFC 9112 says.
UNPARSABLE = ("invalid HTTP request: a URL must be ASCII, so percent-encode other characters "
              "(a browser does; with curl: curl -G URL --data-urlencode 'q=党史学习教育')")


def http_protocol():
    """uvicorn's h11 protocol, answering a request it cannot parse with the
    service's JSON error ({"status": 400, "message": ...}) instead of its
    plain-text "Invalid HTTP request received."."""
    import json

    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class Protocol(H11Protocol):
        def send_400_response(self, msg: str) -> None:
            body = json.dumps({"status": 400, "message": UNPARSABLE}, ensure_ascii=False).encode("utf-8")
            headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                       (b"connection", b"close")]
            for event in (h11.Response(status_code=400, headers=headers, reason=b"Bad Request"),
                          h11.Data(data=body), h11.EndOfMessage()):
                self.transport.write(self.conn.send(event))
            self.transport.close()

    return Protocol


def run(settings, sock: socket.socket, *, token: str | None = None, log_level: str = "warning") -> None:
    import uvicorn

    from .service import create_app

    config = uvicorn.Config(create_app(settings, token=token), log_level=log_level, access_log=log_level == "info",
                            timeout_graceful_shutdown=5, http=http_protocol())
    uvicorn.Server(config).run(sockets=[sock])


def wait_until_healthy(base: str, proc, timeout: float = 60) -> None:
    """Wait for a starting ``rsearch serve`` process to answer ``/health``.

    For the benchmarks and tests that run the real server in its own
    process; raises RuntimeError with the server's output if it exits or
    does not answer in time.
    """
    import time
    import urllib.request

    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:  # refused, reset, timed out, or an HTTP error status
            pass
        if proc.poll() is not None:
            raise RuntimeError(f"rsearch serve exited: {proc.stdout.read() if proc.stdout else ''}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"rsearch serve did not answer {base}/health in {timeout:.0f} s")
        time.sleep(0.2)
