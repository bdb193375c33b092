"""Import saved objects into a Kibana, with the standard library only.

    import_objects(target, ndjson, wait=0) -> ImportResult     raises RsearchError

Two requests: ``GET /api/status`` (is Kibana there and available, are the
credentials accepted, is it new enough for these objects) and
``POST /api/saved_objects/_import?overwrite=true`` with the objects as a
multipart file. Both go under ``/s/<space>`` when a space is given. Overwrite
makes re-running harmless: the same ids are replaced, nothing is duplicated.

Every failure is an RsearchError with a one-line message: Kibana unreachable,
credentials rejected (401) or lacking privileges (403), Kibana too old, any
other HTTP error with Kibana's own message, and objects Kibana refused (the
import answers 200 with ``success: false`` and a list of errors).
"""

from __future__ import annotations

import base64
import json
import ssl
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from urllib.parse import quote

from rsearch.core.errors import RsearchError

from .objects import MIN_KIBANA

USER_AGENT = "rsearch-kibana-setup"
STATUS_POLL_SECONDS = 5


@dataclass(frozen=True)
class KibanaTarget:
    url: str
    space: str | None = None
    username: str | None = None
    password: str | None = None
    api_key: str | None = None
    ca_certs: str | None = None
    timeout: float = 30.0

    def endpoint(self, path: str) -> str:
        base = self.url.rstrip("/")
        if self.space and self.space != "default":
            base += "/s/" + quote(self.space, safe="")
        return base + path

    def headers(self) -> dict[str, str]:
        headers = {"kbn-xsrf": "rsearch", "User-Agent": USER_AGENT}
        if self.api_key:
            headers["Authorization"] = f"ApiKey {self.api_key}"
        elif self.username:
            token = base64.b64encode(f"{self.username}:{self.password or ''}".encode()).decode()
            headers["Authorization"] = f"Basic {token}"
        return headers


@dataclass
class ImportResult:
    kibana_version: str | None
    success_count: int
    objects: list[dict] = field(default_factory=list)  # [{"type", "id", "title"}]

    def to_dict(self) -> dict:
        return {"kibana_version": self.kibana_version, "success_count": self.success_count,
                "objects": self.objects}


class _HTTPFailure(Exception):
    def __init__(self, status: int, body: bytes):
        super().__init__(status)
        self.status = status
        self.body = body


def _send(target: KibanaTarget, method: str, path: str, body: bytes | None = None,
          content_type: str | None = None) -> tuple[int, bytes]:
    headers = target.headers()
    if content_type:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(target.endpoint(path), data=body, headers=headers, method=method)
    context = ssl.create_default_context(cafile=target.ca_certs) if target.ca_certs else None
    try:
        with urllib.request.urlopen(request, timeout=target.timeout, context=context) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        raise _HTTPFailure(err.code, err.read() or b"") from None


def _unreachable(target: KibanaTarget, reason) -> RsearchError:
    reason = getattr(reason, "reason", reason)
    return RsearchError(f"cannot reach Kibana at {target.url} ({reason}): start Kibana or set "
                        "RSEARCH_KIBANA_URL / --kibana-url")


def _message(body: bytes) -> str:
    """Kibana's error message from a JSON error body, else the body's first line."""
    try:
        data = json.loads(body)
        if isinstance(data, dict):
            return str(data.get("message") or data.get("error") or data)
    except ValueError:
        pass
    text = body.decode("utf-8", "replace").strip()
    return text.splitlines()[0][:300] if text else "no details"


def _http_error(target: KibanaTarget, failure: _HTTPFailure, what: str) -> RsearchError:
    message = " ".join(_message(failure.body).split())
    if failure.status == 401:
        return RsearchError(f"Kibana rejected the credentials (401: {message}): check "
                            "RSEARCH_KIBANA_API_KEY or RSEARCH_KIBANA_USER/RSEARCH_KIBANA_PASSWORD")
    if failure.status == 403:
        return RsearchError(f"Kibana refused {what} (403: {message}): the user needs privileges to "
                            "manage saved objects (and the data view) in this space")
    if failure.status == 404 and target.space:
        return RsearchError(f"Kibana answered 404 for {what} in space '{target.space}' ({message}): "
                            "check --space / RSEARCH_KIBANA_SPACE")
    return RsearchError(f"Kibana answered {failure.status} to {what}: {message}")


def _status(target: KibanaTarget, wait: float) -> str | None:
    """Kibana's version once it reports itself available; waits up to ``wait`` seconds
    for a Kibana that is starting (connection refused, 503, status not available)."""
    deadline = time.monotonic() + wait
    while True:
        try:
            _, body = _send(target, "GET", "/api/status")
        except _HTTPFailure as failure:
            # 503: Kibana is up but not ready (still starting, or Elasticsearch not there yet).
            if failure.status != 503 or time.monotonic() >= deadline:
                raise _http_error(target, failure, "the status request") from None
        except (urllib.error.URLError, OSError) as err:
            if time.monotonic() >= deadline:
                raise _unreachable(target, err) from None
        else:
            try:
                data = json.loads(body)
            except ValueError:
                return None  # answered, but not with Kibana's JSON: the import says more
            level = ((data.get("status") or {}).get("overall") or {}).get("level", "available")
            if level == "available" or time.monotonic() >= deadline:
                return (data.get("version") or {}).get("number")
        time.sleep(min(STATUS_POLL_SECONDS, max(0.1, deadline - time.monotonic())))


def _too_old(version: str | None) -> bool:
    try:
        major, minor = (int(p) for p in (version or "").split(".")[:2])
    except ValueError:
        return False
    return (major, minor) < MIN_KIBANA


def multipart(ndjson: str, filename: str = "rsearch.ndjson") -> tuple[bytes, str]:
    """(body, content type) of a form with one file field named ``file``."""
    boundary = f"rsearch-{uuid.uuid4().hex}"
    body = b"".join([
        f"--{boundary}\r\n".encode(),
        f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'.encode(),
        b"Content-Type: application/ndjson\r\n\r\n",
        ndjson.encode("utf-8"),
        f"\r\n--{boundary}--\r\n".encode(),
    ])
    return body, f"multipart/form-data; boundary={boundary}"


def _refused(errors: list[dict], total: int, version: str | None) -> RsearchError:
    def one(err: dict) -> str:
        detail = err.get("error") or {}
        reason = detail.get("message") or detail.get("type") or "refused"
        return f"{err.get('type')} {err.get('id')}: {reason}"

    where = f"Kibana {version}" if version else "Kibana"
    shown = "; ".join(one(e) for e in errors[:3]) + ("; ..." if len(errors) > 3 else "")
    return RsearchError(f"{where} refused {len(errors)} of {total} objects ({shown}); these objects "
                        f"are made for Kibana {MIN_KIBANA[0]}.{MIN_KIBANA[1]} or later")


def import_objects(target: KibanaTarget, ndjson: str, wait: float = 0) -> ImportResult:
    version = _status(target, wait)
    if _too_old(version):
        raise RsearchError(f"Kibana {version} cannot import these objects: they need Kibana "
                           f"{MIN_KIBANA[0]}.{MIN_KIBANA[1]} or later")
    body, content_type = multipart(ndjson)
    total = sum(1 for line in ndjson.splitlines() if line.strip())
    try:
        _, raw = _send(target, "POST", "/api/saved_objects/_import?overwrite=true", body, content_type)
    except _HTTPFailure as failure:
        raise _http_error(target, failure, "the import") from None
    except (urllib.error.URLError, OSError) as err:
        raise _unreachable(target, err) from None
    try:
        answer = json.loads(raw)
    except ValueError:
        raise RsearchError(f"{target.url} answered the import with something that is not Kibana's "
                           f"JSON: {_message(raw)}") from None
    errors = answer.get("errors") or []
    if not answer.get("success", False) or errors:
        raise _refused(errors, total, version)
    objects = [{"type": r.get("type"), "id": r.get("id"), "title": (r.get("meta") or {}).get("title")}
               for r in answer.get("successResults") or []]
    return ImportResult(version, int(answer.get("successCount", len(objects))), objects)
