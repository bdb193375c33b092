"""A throw-away cluster of several local nodes on loopback (tests and
benchmarks of cluster behaviour: failover, replicas, several URLs).

Each node is a LocalNode of the same test distribution in its own directory,
with its own HTTP and transport ports; they find each other through
``discovery.seed_hosts`` (every node's transport port) and elect their first
master among ``cluster.initial_master_nodes`` (all of them). As root, the
nodes run as the unprivileged ``rsearch`` user, like the single node.

A node can be killed (SIGKILL: no clean shutdown, as a crash or a power cut)
and started again on the same ports and data, where it rejoins the cluster.
"""

from __future__ import annotations

import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch

from rsearch.core.settings import Settings

from .node import LocalNode, NodeFailedToStart, cluster_discovery, free_port


class LocalCluster:
    """``size`` nodes in ``directory`` (``node-1`` ... ``node-N``)."""

    def __init__(self, directory: Path, size: int = 3, heap: str = "384m", home: Path | None = None):
        self.directory = Path(directory)
        self.name = f"rsearch-test-{uuid.uuid4().hex[:8]}"
        self.names = [f"node-{i + 1}" for i in range(size)]
        self.http_ports = [free_port() for _ in self.names]
        self.transport_ports = [free_port() for _ in self.names]
        discovery = cluster_discovery(self.transport_ports, self.names)
        self.nodes = [
            LocalNode(home or Settings.from_env().home, directory=self.directory / name, heap=heap,
                      cluster_name=self.name, node_name=name, discovery=discovery)
            for name in self.names
        ]

    @property
    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.http_ports]

    @property
    def url(self) -> str:
        """Every node's URL, comma-separated (what RSEARCH_ES_URL takes)."""
        return ",".join(self.urls)

    def _launch(self, i: int):
        return self.nodes[i].start(port=self.http_ports[i], transport_port=self.transport_ports[i], wait=False)

    def start(self, timeout: float = 240.0) -> None:
        """Start every node, and wait until they have formed one cluster."""
        procs = [self._launch(i) for i in range(len(self.nodes))]
        try:
            for node, proc, url in zip(self.nodes, procs, self.urls):
                node.wait_until_ready(proc, url, timeout)
            self.wait_for_nodes(len(self.nodes), timeout)
        except BaseException:
            self.stop()
            raise

    def restart(self, i: int, timeout: float = 240.0) -> None:
        """Start node ``i`` again (same ports, same data) and wait until it has rejoined."""
        proc = self._launch(i)
        self.nodes[i].wait_until_ready(proc, self.urls[i], timeout)
        self.wait_for_nodes(len(self.nodes), timeout)

    def kill(self, i: int) -> None:
        """SIGKILL node ``i``."""
        self.nodes[i].kill()

    def index_of(self, node_name: str) -> int:
        return self.names.index(node_name)

    def wait_for_nodes(self, count: int, timeout: float = 120.0, *, status: str = "yellow") -> dict:
        """Wait until ``count`` nodes are in the cluster and it is at least ``status``."""
        deadline = time.monotonic() + timeout
        last: dict | str = {}
        clients = [Elasticsearch(url, request_timeout=5) for url in self.urls]
        while time.monotonic() < deadline:
            for client in clients:
                try:
                    # (a timed-out wait answers 408, with the health so far)
                    last = dict(client.options(ignore_status=408).cluster.health(
                        wait_for_nodes=str(count), wait_for_status=status, timeout="2s"))
                    if not last.get("timed_out"):
                        return last
                except (ApiError, TransportError) as err:
                    last = str(err)
            time.sleep(0.5)
        raise NodeFailedToStart(f"the cluster did not reach {count} nodes ({status}) within {timeout:.0f}s: {last}")

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()


@contextmanager
def temporary_cluster(size: int = 3, *, heap: str = "384m", prefix: str = "rsearch-cluster-",
                      timeout: float = 240.0, home: Path | None = None) -> Iterator[LocalCluster]:
    """Start a cluster of ``size`` nodes in a new temporary directory; stop and delete it after."""
    directory = Path(tempfile.mkdtemp(prefix=prefix))
    cluster = LocalCluster(directory, size, heap, home)
    try:
        cluster.start(timeout)
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(directory, ignore_errors=True)
