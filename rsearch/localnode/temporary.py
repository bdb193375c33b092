"""A throw-away local node for tests and benchmarks (the model:
pytest-elasticsearch's process factory): its own temporary directory, a free
port, stopped and deleted on exit. The distribution comes from the usual
state directory, so it is downloaded once per machine.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rsearch.core.settings import Settings

from .node import LocalNode


@dataclass
class TemporaryNode:
    url: str
    node: LocalNode
    directory: Path


@contextmanager
def temporary_node(*, heap: str = "768m", prefix: str = "rsearch-node-", timeout: float = 180,
                   home: Path | None = None) -> Iterator[TemporaryNode]:
    """Start a node on a free port in a new temporary directory; stop and delete it after."""
    directory = Path(tempfile.mkdtemp(prefix=prefix))
    node = LocalNode(home or Settings.from_env().home, directory=directory, heap=heap)
    try:
        status = node.start(port=0, timeout=timeout)
        yield TemporaryNode(status.url, node, directory)
    finally:
        node.stop()
        shutil.rmtree(directory, ignore_errors=True)


@contextmanager
def node_url(url: str | None = None, **options) -> Iterator[str]:
    """``url`` when one is given (reuse that cluster), else a temporary node's."""
    with node_url_and_pid(url, **options) as (found, _pid):
        yield found


@contextmanager
def node_url_and_pid(url: str | None = None, **options) -> Iterator[tuple[str, int | None]]:
    """As :func:`node_url`, with the node's process id (None for a given
    ``url``: not ours, so its CPU cannot be measured)."""
    if url:
        yield url, None
        return
    with temporary_node(**options) as running:
        yield running.url, running.node.status().pid
