"""Bulk writes that never drop a document silently.

``elasticsearch.helpers.streaming_bulk`` sends the actions in chunks and
retries items rejected with 429 (with exponential back-off). It does not
retry 5xx items, and a connection error (node stopped, network gone) escapes
it altogether. This wrapper adds that: every action is tracked from the moment
streaming_bulk takes it until Elasticsearch answers for it; retryable failures
and the in-flight actions of a broken connection are sent again after a
back-off, a bounded number of times. Whatever still fails is reported through
``on_result`` with its error, so the caller can name it and set the exit code.

Two failures are not retried, since no retry can succeed (indexer.write_health):
a write block on the index (the disk's flood-stage watermark) and a primary
shard that is on no node. The actions in flight are reported failed and
``WritesRefused`` says what happened and what to do, at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator

from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout
from elasticsearch import Elasticsearch
from elasticsearch.helpers import streaming_bulk

from rsearch.indexer.write_health import WritesRefused, block_message, missing_primaries

RETRYABLE_STATUS = {429, 500, 502, 503, 504}
# How long Elasticsearch may wait for a shard before answering a bulk request.
BULK_TIMEOUT = "20s"

# on_result(action, ok, error): error is None when ok.
ResultCallback = Callable[[dict, bool, str | None], None]


def bulk_write(
    es: Elasticsearch,
    actions: Iterable[dict],
    on_result: ResultCallback,
    *,
    chunk_size: int = 500,
    max_chunk_bytes: int = 20 * 2**20,
    attempts: int = 6,
    backoff: float = 1.0,
    max_backoff: float = 30.0,
) -> None:
    """Send every action (each with an ``_id``); report each one's outcome once."""
    source = iter(actions)
    inflight: dict[str, dict] = {}
    resend: list[dict] = []
    failures_in_a_row = 0

    def feed() -> Iterator[dict]:
        while resend:
            action = resend.pop(0)
            inflight[action["_id"]] = action
            yield action
        for action in source:
            inflight[action["_id"]] = action
            yield action

    def refuse(reason: str, pending: list[dict]) -> None:
        for action in pending + list(inflight.values()) + resend:
            on_result(action, False, reason)
        inflight.clear()
        resend.clear()
        raise WritesRefused(reason)

    while True:
        retry_later: list[dict] = []
        last_error = ""
        try:
            for ok, item in streaming_bulk(
                es, feed(), chunk_size=chunk_size, max_chunk_bytes=max_chunk_bytes,
                max_retries=3, initial_backoff=backoff, max_backoff=max_backoff,
                raise_on_error=False, raise_on_exception=False, yield_ok=True,
                # Elasticsearch answers (503 for a missing primary) before the client gives up.
                timeout=BULK_TIMEOUT,
            ):
                op_type, info = next(iter(item.items()))
                action = inflight.pop(info.get("_id"), None) or {"_id": info.get("_id"), "_op_type": op_type}
                status = info.get("status")
                if ok or (op_type == "delete" and status == 404):
                    failures_in_a_row = 0
                    on_result(action, True, None)
                    continue
                blocked = block_message(info.get("_index") or action.get("_index", "?"), info.get("error"))
                if blocked:
                    refuse(blocked, retry_later + [action])
                if status == 503 and _error_type(info.get("error")) == "unavailable_shards_exception":
                    lost = missing_primaries(es, info.get("_index") or action.get("_index", ""))
                    if lost:
                        refuse(lost, retry_later + [action])
                if status in RETRYABLE_STATUS or not isinstance(status, int):
                    retry_later.append(action)
                    last_error = _describe(info.get("error"))
                else:
                    on_result(action, False, _describe(info.get("error")))
        except (TransportConnectionError, ConnectionTimeout) as err:
            # Everything sent but unanswered must go again, in order.
            retry_later = list(inflight.values()) + retry_later
            inflight.clear()
            last_error = f"Elasticsearch unreachable: {err.message if hasattr(err, 'message') else err}"
            if isinstance(err, ConnectionTimeout) and retry_later:
                # No answer in time: a primary shard without a node looks like this.
                lost = missing_primaries(es, retry_later[0].get("_index", ""))
                if lost:
                    refuse(lost, retry_later)
        if not retry_later and not resend:
            return
        failures_in_a_row += 1
        if failures_in_a_row >= attempts:
            for action in retry_later + resend:
                on_result(action, False, last_error or "failed after retries")
            resend.clear()
            # Nothing more can land: account for the actions never sent, so the
            # caller's numbers add up and the exit code says so.
            for action in source:
                on_result(action, False, f"not sent: {last_error}")
            return
        resend[:0] = retry_later
        time.sleep(min(max_backoff, backoff * 2 ** (failures_in_a_row - 1)))


def _error_type(error) -> str | None:
    return error.get("type") if isinstance(error, dict) else None


def _describe(error) -> str:
    if isinstance(error, dict):
        reason = error.get("reason") or error.get("type") or str(error)
        return f"{error.get('type', 'error')}: {reason}"
    return str(error)
