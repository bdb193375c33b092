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


LISTEN_BACKLOG = 2048


class _Listener(socket.socket):
    """The listening socket. asyncio uses one number both as the kernel's
    queue of connections not yet accepted and as how many it accepts in one
    go (uvicorn's ``backlog``); the server keeps the second small
    (ACCEPT_BURST), this keeps the first long, so a flood of connections
    does not make the kernel drop a real client's SYN (a second's retry)."""

    def listen(self, backlog: int = LISTEN_BACKLOG) -> None:
        super().listen(max(backlog, LISTEN_BACKLOG))


def bind(host: str, port: int) -> socket.socket:
    host = host.strip("[]")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY on accepted
    # connections only when the socket says it is TCP, and without it Nagle
    # and delayed ACKs add about 40 ms to every response.
    sock = _Listener(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as err:
        sock.close()
        raise RsearchError(f"cannot listen on {host}:{port}: {err.strerror or err}") from None
    sock.listen(LISTEN_BACKLOG)
    sock.set_inheritable(True)
    return sock


# What a client gets for a request uvicorn cannot parse. Most often it is a
# URL with raw (not percent-encoded) Chinese in it: h11 (and httptools too)
# refuse any byte outside ASCII in the request line, as RFC 9112 says.
UNPARSABLE = ("invalid HTTP request: a URL must be ASCII, so percent-encode other characters "
              "(a browser does; with curl: curl -G URL --data-urlencode 'q=党史学习教育')")


# Connection limits. A connection must send a whole request head within
# HEADER_SECONDS of opening (or of its previous response): uvicorn closes an
# idle keep-alive connection after IDLE_SECONDS, but never one that sends
# nothing at all or trickles its headers in, and those took the service down
# (past the file limit, every real request timed out). At most
# MAX_CONNECTIONS are open, and never more than the process's file limit
# less FILES_KEPT (for the cluster's connections, logs, the listening
# socket): at the cap a new connection closes the one that has waited
# longest for a request head, so idle connections cannot crowd out a real
# request. Request bodies: rsearch.service.limits.
HEADER_SECONDS = 10.0
IDLE_SECONDS = 5
MAX_CONNECTIONS = 2000
# asyncio accepts up to its backlog of connections in one go, before a
# connection closed at the cap gives its file back: the margin under the
# file limit covers one such burst and the files the process keeps.
ACCEPT_BURST = 20
FILES_KEPT = 10 * ACCEPT_BURST


def connection_cap() -> int:
    import resource

    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return MAX_CONNECTIONS
    return max(16, min(MAX_CONNECTIONS, soft - FILES_KEPT))


def http_protocol(cap: int | None = None, header_seconds: float = HEADER_SECONDS):
    """uvicorn's h11 protocol, with the header time-out and the connection
    cap above, answering a request it cannot parse with the service's JSON
    error ({"status": 400, "message": ...}) instead of its plain-text
    "Invalid HTTP request received."."""
    import json

    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    cap = cap or connection_cap()

    # Shared by the server's connections: those waiting for a request head,
    # oldest first, and how many are open (not closed or being closed).
    waiting: dict = {}
    count = [0]

    class Protocol(H11Protocol):
        head_timer = None
        counted = False

        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self.counted = True
            count[0] += 1
            self._wait_for_head()
            if count[0] > cap:
                oldest = next((c for c in waiting if c is not self), None)
                (oldest or self)._drop()  # all busy with requests: this one goes

        def _drop(self) -> None:
            waiting.pop(self, None)
            if self.counted:
                self.counted = False
                count[0] -= 1
            self.transport.abort()

        def _wait_for_head(self) -> None:
            waiting.pop(self, None)
            waiting[self] = None  # the newest waits longest to be dropped
            if self.head_timer is not None:
                self.head_timer.cancel()
            self.head_timer = self.loop.call_later(header_seconds, self._head_timed_out)

        def _head_timed_out(self) -> None:
            if self in waiting:
                self._drop()

        def handle_events(self) -> None:
            super().handle_events()
            if self.cycle is not None and not self.cycle.response_complete and self in waiting:
                del waiting[self]  # a request head arrived
                self.head_timer.cancel()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                self._wait_for_head()

        def connection_lost(self, exc) -> None:
            if self.head_timer is not None:
                self.head_timer.cancel()
            waiting.pop(self, None)
            if self.counted:
                self.counted = False
                count[0] -= 1
            super().connection_lost(exc)

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
                            timeout_graceful_shutdown=5, http=http_protocol(), timeout_keep_alive=IDLE_SECONDS,
                            backlog=ACCEPT_BURST)
    quiet_repeats()
    uvicorn.Server(config).run(sockets=[sock])


class RepeatFilter:
    """A logging filter that lets one record of a kind (logger, level,
    message template) through per ``seconds`` and counts the rest, so a flood
    (a client sending garbage in a loop; ``accept`` failing at the file
    limit) is a line a minute, not 232 MB in 45 s. The next record of that
    kind says how many were held back."""

    def __init__(self, seconds: float = 60.0, kinds: int = 1000):
        self.seconds = seconds
        self.kinds = kinds
        self.seen: dict[tuple, list] = {}

    def filter(self, record) -> bool:
        import logging
        import time

        if record.levelno < logging.WARNING:
            return True  # the access log (--log-level info) is every request, by design
        key = (record.name, record.levelno, str(record.msg))
        now = time.monotonic()
        seen = self.seen.get(key)
        if seen is not None and now - seen[0] < self.seconds:
            seen[1] += 1
            return False
        if seen is not None and seen[1]:
            record.msg = f"{record.msg} [{seen[1]} more like this in the last {self.seconds:.0f} s not shown]"
        if len(self.seen) >= self.kinds:
            self.seen.clear()
        self.seen[key] = [now, 0]
        return True


def quiet_repeats(names=("uvicorn.error", "asyncio", "rsearch.service")) -> RepeatFilter:
    import logging

    repeats = RepeatFilter()
    for name in names:
        logging.getLogger(name).addFilter(repeats)
    return repeats


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
