"""What keeps the service up and its page safe, as ASGI middleware.

* ``BodyLimit``: a request body larger than MAX_BODY_BYTES is refused with
  413 (declared in Content-Length: before a byte is read; sent in chunks:
  as soon as the count passes the limit), and one that takes longer than
  BODY_SECONDS to arrive with 408, both as the service's JSON error. A
  search body is a few hundred bytes; without a limit a 400 MB POST cost
  the server 1.3 GB.
* ``SecurityHeaders``: every response says ``nosniff``, may not be framed
  (X-Frame-Options and CSP ``frame-ancestors``) and sends no Referer (the
  page's URLs hold the query); HTML pages get a Content-Security-Policy that
  allows the service's own scripts and styles only (the page has no inline
  script or style). /docs and /redoc (Swagger UI, ReDoc) run inline
  scripts: they get the headers but not the script policy.

The connection-level limits (header and idle time-outs, the connection cap)
are the server's: rsearch.serving.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time

MAX_BODY_BYTES = 1 << 20  # 1 MB
BODY_SECONDS = 10.0

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
           (b"referrer-policy", b"no-referrer")]
_INLINE_SCRIPT_PAGES = ("/docs", "/redoc")


def cookie_value(token: str) -> str:
    """What the page's cookie holds: derived from the token, never the token
    itself (a cookie copied from a browser does not give the API token away)."""
    return hmac.new(token.encode(), b"rsearch page cookie", hashlib.sha256).hexdigest()


async def _send_json(send, status: int, message: str) -> None:
    body = json.dumps({"status": status, "message": message}, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    def __init__(self, app, max_bytes: int = MAX_BODY_BYTES, seconds: float = BODY_SECONDS):
        self.app = app
        self.max_bytes = max_bytes
        self.seconds = seconds

    def too_large(self) -> str:
        return f"request body too large: at most {self.max_bytes:,} bytes"

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            return await _send_json(send, 413, self.too_large())
        from starlette.exceptions import HTTPException

        received = 0
        deadline = time.monotonic() + self.seconds

        async def limited():
            nonlocal received
            try:
                message = await asyncio.wait_for(receive(), timeout=max(0.0, deadline - time.monotonic()))
            except asyncio.TimeoutError:
                raise HTTPException(408, f"request body not received within {self.seconds:g} s") from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise HTTPException(413, self.too_large())
            return message

        await self.app(scope, limited, send)


class SecurityHeaders:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        inline_scripts = scope.get("path", "").startswith(_INLINE_SCRIPT_PAGES)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or ())
                names = {name.lower() for name, _ in headers}
                headers += [h for h in HEADERS if h[0] not in names]
                content_type = dict(headers).get(b"content-type", b"")
                if content_type.startswith(b"text/html") and not inline_scripts:
                    headers.append((b"content-security-policy", CSP.encode()))
                elif content_type.startswith(b"text/html"):
                    headers.append((b"content-security-policy", b"frame-ancestors 'none'; object-src 'none'"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
