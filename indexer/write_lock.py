"""One writer per alias, with the lock held in Elasticsearch itself.

Two runs writing the same alias at once lose data (a rebuild swaps away an
index the other run is still filling; two first runs both create a physical
index). So every run that writes takes a lock first: a document with the
alias as its id in the small index ``rsearch-locks``, created with
``op_type=create``, which Elasticsearch grants to exactly one caller, on any
machine that talks to the cluster. The document says who holds it (user,
host, pid, command) and until when; the holder renews it while it runs, so a
run that crashed leaves a lock that expires after ``TTL`` seconds and is then
taken over (with a sequence-number check, so only one caller takes it over).
A lock whose holder ran on this machine and is gone (its pid is not running,
or is this very process but no longer holds it: a run that lost the node
before it could let go) is taken over at once. A second writer meanwhile gets
one line naming the holder.

Expiry compares wall clocks of the machines involved: keep them in sync
(NTP), or a lock may be taken over early or late by the clock difference.
"""

from __future__ import annotations

import getpass
import os
import socket
import sys
import threading
import time
import uuid
from datetime import datetime, timezone

from elasticsearch import ApiError, ConflictError, Elasticsearch, NotFoundError

from rsearch.core.errors import RsearchError

# Tokens of the locks this process holds now.
_HELD: set[str] = set()

LOCK_INDEX = "rsearch-locks"
TTL = 60.0  # seconds a lock lives without renewal


class IndexLocked(RsearchError):
    """Another run is writing the alias."""


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _ensure_lock_index(es: Elasticsearch) -> None:
    if es.indices.exists(index=LOCK_INDEX):
        return
    try:
        es.indices.create(index=LOCK_INDEX, settings={"number_of_shards": 1, "auto_expand_replicas": "0-1"},
                          mappings={"dynamic": False, "properties": {"expires": {"type": "double"}}})
    except ApiError:
        # Created by a concurrent run in the meantime: fine; anything else is real.
        if not es.indices.exists(index=LOCK_INDEX):
            raise


def _owner(ttl: float) -> dict:
    now = time.time()
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = str(os.getuid())
    return {
        "user": user, "host": socket.gethostname(), "pid": os.getpid(),
        "command": " ".join(os.path.basename(a) if i == 0 else a for i, a in enumerate(sys.argv))[:300],
        "acquired": now, "heartbeat": now, "expires": now + ttl, "token": uuid.uuid4().hex,
    }


def _holder_is_gone(holder: dict) -> bool:
    """True when the holder certainly is not running: it ran on this host
    and its process is gone (or was started after the lock was taken, i.e.
    the pid was reused), or it is this process, which no longer holds it."""
    if holder.get("host") != socket.gethostname() or not isinstance(holder.get("pid"), int):
        return False
    pid = holder["pid"]
    if pid == os.getpid():
        return holder.get("token") not in _HELD
    import psutil

    try:
        return psutil.Process(pid).create_time() > holder.get("acquired", 0) + 1
    except psutil.NoSuchProcess:
        return True
    except psutil.Error:
        return False


def describe(holder: dict) -> str:
    return (f"{holder.get('user', '?')}@{holder.get('host', '?')} pid {holder.get('pid', '?')} "
            f"(`{holder.get('command', '?')}`, since {_iso(holder.get('acquired', 0))})")


class WriteLock:
    """``with WriteLock(es, alias):`` holds the alias's lock for the block."""

    def __init__(self, es: Elasticsearch, alias: str, ttl: float = TTL):
        self.es, self.alias, self.ttl = es, alias, ttl
        self._seq: tuple[int, int] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._mutex = threading.Lock()
        self.lost: str | None = None  # set when renewal found the lock taken
        self._token: str | None = None

    # -- take / give back ------------------------------------------------------
    def acquire(self) -> None:
        _ensure_lock_index(self.es)
        doc = _owner(self.ttl)
        # Marked held before the document exists: another thread of this
        # process that meets the document must never take it for a leftover.
        self._token = doc["token"]
        _HELD.add(self._token)
        try:
            try:
                resp = self.es.index(index=LOCK_INDEX, id=self.alias, document=doc, op_type="create", refresh=False)
            except ConflictError:
                resp = self._take_over_if_expired(doc)
        except BaseException:
            _HELD.discard(self._token)
            raise
        self._seq = (resp["_seq_no"], resp["_primary_term"])
        self._thread = threading.Thread(target=self._renew_loop, name="rsearch-lock", daemon=True)
        self._thread.start()

    def _take_over_if_expired(self, doc: dict) -> dict:
        try:
            held = self.es.get(index=LOCK_INDEX, id=self.alias)
        except NotFoundError:  # released between our create and our get: try once more
            try:
                return self.es.index(index=LOCK_INDEX, id=self.alias, document=doc, op_type="create")
            except ConflictError:
                held = self.es.get(index=LOCK_INDEX, id=self.alias)
        holder = held["_source"]
        if holder.get("expires", 0) > time.time() and not _holder_is_gone(holder):
            raise IndexLocked(
                f"index '{self.alias}' is being written by {describe(holder)}: wait until it has finished "
                f"and run again (a lock a crashed run left expires at {_iso(holder['expires'])})")
        try:
            return self.es.index(index=LOCK_INDEX, id=self.alias, document=doc,
                                 if_seq_no=held["_seq_no"], if_primary_term=held["_primary_term"])
        except ConflictError:
            raise IndexLocked(
                f"index '{self.alias}' is being written by another run that has just taken over an "
                "expired lock: wait until it has finished and run again") from None

    def release(self) -> None:
        _HELD.discard(self._token)
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=10)
        with self._mutex:
            if self._seq and not self.lost:
                try:
                    self.es.delete(index=LOCK_INDEX, id=self.alias, if_seq_no=self._seq[0],
                                   if_primary_term=self._seq[1])
                except (ConflictError, NotFoundError):
                    pass  # taken over after expiry: it is not ours to delete
                except Exception:
                    pass  # node gone: the lock expires by itself
            self._seq = None

    def _renew_loop(self) -> None:
        while not self._stop.wait(self.ttl / 4):
            with self._mutex:
                if self._seq is None:
                    return
                now = time.time()
                try:
                    resp = self.es.update(index=LOCK_INDEX, id=self.alias,
                                          doc={"heartbeat": now, "expires": now + self.ttl},
                                          if_seq_no=self._seq[0], if_primary_term=self._seq[1])
                    self._seq = (resp["_seq_no"], resp["_primary_term"])
                except (ConflictError, NotFoundError):
                    self.lost = "the write lock was taken over by another run (this run stalled past its expiry)"
                    return
                except Exception:
                    continue  # a blip: try again at the next beat; expiry is TTL away

    def __enter__(self) -> "WriteLock":
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def holder(es: Elasticsearch, alias: str) -> dict | None:
    """Who holds the alias's lock now (None when nobody or expired)."""
    try:
        doc = es.get(index=LOCK_INDEX, id=alias)["_source"]
    except NotFoundError:
        return None
    return doc if doc.get("expires", 0) > time.time() else None
