"""Start, stop and inspect one local Elasticsearch node.

Everything the node owns sits under one directory (``<home>/node`` for the
CLI's node): ``config/``, ``data/``, ``logs/``, ``stdout.log`` and
``node.json`` (pid, port, url). Delete the directory to start afresh.

Elasticsearch refuses to run as root. When we are root (CI is), the node runs
as the unprivileged system user ``rsearch`` (created if missing), which owns
the node directory.
"""

from __future__ import annotations

import os
import pwd
import signal
import socket
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import psutil
from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch

from rsearch.core.errors import RsearchError
from rsearch.core.nodestate import node_directory, read_state, state_file, write_state
from rsearch.core.settings import ES_VERSION, heap_setting
from .distribution import ensure_distribution
from .java import find_java_home

SERVICE_USER = "rsearch"

# Security is off: acceptable only because the node binds to 127.0.0.1 and is
# unreachable from other machines. Point rsearch at a secured cluster for
# anything shared (docs/settings.md, "Connecting to a cluster").
CONFIG_TEMPLATE = """\
# Written by rsearch. Loopback-only development node.
cluster.name: {cluster_name}
node.name: {node_name}
network.host: 127.0.0.1
http.port: {http_port}
transport.port: {transport_port}
{discovery}
# Security off is acceptable ONLY because this node listens on loopback only.
xpack.security.enabled: false
path.data: {data}
path.logs: {logs}
# A developer machine's disk may be fuller than a server's; do not turn
# indices read-only at 90% disk use.
cluster.routing.allocation.disk.threshold_enabled: false
action.auto_create_index: false
"""


class PortInUse(RsearchError):
    pass


class NodeFailedToStart(RsearchError):
    pass


class AlreadyRunning(RsearchError):
    exit_code = 0


@dataclass
class NodeStatus:
    running: bool
    url: str
    version: str
    health: str | None = None
    pid: int | None = None
    rss_mb: float | None = None
    directory: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _client(url: str, timeout: float = 2.0) -> Elasticsearch:
    """A client for quick questions to the node: no retries, a short timeout."""
    return Elasticsearch(url, request_timeout=timeout, max_retries=0, retry_on_timeout=False)


def _first_error(log: str) -> str:
    """': <reason>' from the first error-looking line of a log, or ''."""
    for line in log.splitlines():
        text = line.strip()
        if len(text.rstrip(":")) > 8 and not text.startswith("at ") and any(
            key in text for key in ("Exception", "Error", "error", "Invalid", "fatal")
        ):
            return ": " + text[:200]
    return ""


def _service_user() -> pwd.struct_passwd | None:
    """The user the node runs as: None (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SERVICE_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVICE_USER],
            check=True, capture_output=True,
        )
        return pwd.getpwnam(SERVICE_USER)


def _chown_tree(path: Path, user: pwd.struct_passwd) -> None:
    for root, dirs, files in os.walk(path):
        os.chown(root, user.pw_uid, user.pw_gid)
        for name in files:
            os.chown(os.path.join(root, name), user.pw_uid, user.pw_gid, follow_symlinks=False)


SINGLE_NODE = "discovery.type: single-node"


def cluster_discovery(transport_ports: list[int], node_names: list[str]) -> str:
    """The discovery settings of one node of a loopback cluster of these nodes."""
    seeds = ", ".join(f'"127.0.0.1:{p}"' for p in transport_ports)
    names = ", ".join(f'"{n}"' for n in node_names)
    return f"discovery.seed_hosts: [{seeds}]\ncluster.initial_master_nodes: [{names}]"


class LocalNode:
    """One node living in ``directory``; ``home`` holds the shared distribution.

    By default a single-node cluster; ``discovery`` (cluster_discovery) makes
    it one node of a cluster (rsearch.localnode.cluster)."""

    def __init__(self, home: Path, directory: Path | None = None, heap: str | None = None,
                 version: str = ES_VERSION, *, cluster_name: str = "rsearch-local",
                 node_name: str = "rsearch-local", discovery: str = SINGLE_NODE):
        self.home = Path(home)
        self.directory = Path(directory) if directory else node_directory(self.home)
        self.heap = heap or heap_setting()
        self.version = version
        self.cluster_name, self.node_name, self.discovery = cluster_name, node_name, discovery

    # -- state -------------------------------------------------------------
    @property
    def state_file(self) -> Path:
        return state_file(self.directory)

    @property
    def stdout_log(self) -> Path:
        return self.directory / "stdout.log"

    def _state(self) -> dict | None:
        return read_state(self.home, self.directory)

    def _alive(self, state: dict | None) -> bool:
        if not state:
            return False
        try:
            proc = psutil.Process(state["pid"])
            return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
        except (psutil.Error, KeyError):
            return False

    @property
    def url(self) -> str | None:
        state = self._state()
        return state["url"] if state else None

    def status(self) -> NodeStatus:
        state = self._state()
        if not self._alive(state):
            return NodeStatus(False, state["url"] if state else "", "", directory=str(self.directory))
        url = state["url"]
        version, health = "", None
        try:
            # A node that is up may still be slow to answer on a busy machine:
            # a longer timeout than the start-up polls, so status says what it is.
            with _client(url, timeout=15.0) as es:
                # GET / is not in the test distribution: the node's own version instead.
                nodes = es.nodes.info(node_id="_local", filter_path="nodes.*.version")
                version = next(iter(nodes["nodes"].values()))["version"]
                health = es.cluster.health()["status"]
        except (ApiError, TransportError, KeyError, StopIteration):
            pass
        rss = None
        try:
            proc = psutil.Process(state["pid"])
            rss = sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)]) / 2**20
        except psutil.Error:
            pass
        return NodeStatus(True, url, version, health, state["pid"], rss, str(self.directory))

    # -- start -------------------------------------------------------------
    def _write_config(self, es_home: Path, http_port: int, transport_port: int) -> Path:
        config = self.directory / "config"
        data, logs = self.directory / "data", self.directory / "logs"
        for d in (config / "jvm.options.d", data, logs):
            d.mkdir(parents=True, exist_ok=True)
        for name in ("jvm.options", "log4j2.properties"):
            (config / name).write_bytes((es_home / "config" / name).read_bytes())
        (config / "elasticsearch.yml").write_text(
            CONFIG_TEMPLATE.format(http_port=http_port, transport_port=transport_port, data=data, logs=logs,
                                   cluster_name=self.cluster_name, node_name=self.node_name,
                                   discovery=self.discovery)
        )
        # Heap bounded: Elasticsearch would otherwise take half the machine.
        (config / "jvm.options.d" / "heap.options").write_text(f"-Xms{self.heap}\n-Xmx{self.heap}\n")
        return config

    def start(self, port: int | None = 9200, timeout: float = 120.0, *, transport_port: int | None = None,
              wait: bool = True) -> NodeStatus | subprocess.Popen:
        """Start the node and wait until it answers with a yellow/green cluster.

        ``port=0`` picks a free port (``transport_port`` likewise when not
        given). Raises AlreadyRunning if this node is up. ``wait=False``
        returns the process at once (a cluster's nodes start together, and
        none answers before enough of them have met): wait_until_ready then.
        """
        state = self._state()
        if self._alive(state):
            raise AlreadyRunning(f"Elasticsearch is already running at {state['url']} (pid {state['pid']})")
        if port and not port_is_free(port):
            raise PortInUse(
                f"port {port} on 127.0.0.1 is in use: stop what uses it, or start on another "
                "port with --port N (--port 0 picks a free one)"
            )
        http_port = port or free_port()
        transport_port = transport_port or free_port()
        java_home = find_java_home()
        self.home.mkdir(parents=True, exist_ok=True)
        es_home = ensure_distribution(self.home, self.version)
        self.directory.mkdir(parents=True, exist_ok=True)
        config = self._write_config(es_home, http_port, transport_port)

        user = _service_user()
        if user:
            _chown_tree(self.directory, user)
            # The service user must be able to reach the distribution and its node dir.
            for p in (self.home, self.directory.parent):
                os.chmod(p, os.stat(p).st_mode | 0o755)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "ES_JAVA_HOME": str(java_home),
            "ES_PATH_CONF": str(config),
            "LANG": "C.UTF-8",
            # The CLI launcher's own JVM; keep it small.
            "CLI_JAVA_OPTS": "-Xmx64m",
        }
        if user:
            env["HOME"] = str(self.directory)
        url = f"http://127.0.0.1:{http_port}"
        with open(self.stdout_log, "wb") as log:
            proc = subprocess.Popen(
                [str(es_home / "bin" / "elasticsearch")],
                cwd=self.directory, env=env, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
                user=user.pw_uid if user else None, group=user.pw_gid if user else None,
                extra_groups=[] if user else None,
            )
        write_state(self.directory, pid=proc.pid, port=http_port, url=url)
        if not wait:
            return proc
        self.wait_until_ready(proc, url, timeout)
        return self.status()

    def wait_until_ready(self, proc: subprocess.Popen, url: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        with _client(url) as es:
            while time.monotonic() < deadline:
                code = proc.poll()
                if code is not None:
                    self.state_file.unlink(missing_ok=True)
                    tail = self.log_tail(15, prefer_stdout=True)
                    raise NodeFailedToStart(
                        f"Elasticsearch exited during start-up (exit code {code}){_first_error(tail)}; "
                        f"see {self.stdout_log}", details=tail,
                    )
                try:
                    if es.cluster.health(wait_for_status="yellow", timeout="1s")["status"] in ("yellow", "green"):
                        return
                except (ApiError, TransportError):
                    pass
                time.sleep(0.25)
        self.stop()
        raise NodeFailedToStart(
            f"Elasticsearch did not answer at {url} within {timeout:.0f}s; see {self.stdout_log}",
            details=self.log_tail(15),
        )

    # -- stop --------------------------------------------------------------
    def stop(self, timeout: float = 60.0) -> bool:
        """Stop the node; True if one was running."""
        state = self._state()
        if not self._alive(state):
            self.state_file.unlink(missing_ok=True)
            return False
        try:
            proc = psutil.Process(state["pid"])
            tree = [proc, *proc.children(recursive=True)]
            # The launcher forwards SIGTERM to the server JVM, which shuts down cleanly.
            os.killpg(proc.pid, signal.SIGTERM)
            gone, alive = psutil.wait_procs(tree, timeout=timeout)
            for p in alive:
                p.kill()
        except (psutil.Error, ProcessLookupError):
            pass
        self.state_file.unlink(missing_ok=True)
        return True

    def kill(self) -> bool:
        """SIGKILL the node's processes (launcher and server), as a crash or a
        power cut would stop them: no clean shutdown. True if one was running."""
        state = self._state()
        if not self._alive(state):
            return False
        try:
            proc = psutil.Process(state["pid"])
            tree = [proc, *proc.children(recursive=True)]
            os.killpg(proc.pid, signal.SIGKILL)
            psutil.wait_procs(tree, timeout=30)
        except (psutil.Error, ProcessLookupError):
            pass
        return True

    # -- logs --------------------------------------------------------------
    def log_tail(self, lines: int = 50, prefer_stdout: bool = False) -> str:
        """Last lines of the node's log (start-up failures land in stdout.log)."""
        candidates = [self.directory / "logs" / f"{self.cluster_name}.log", self.stdout_log]
        if prefer_stdout:
            candidates.reverse()
        for path in candidates:
            if path.is_file() and path.stat().st_size:
                text = path.read_text(errors="replace").splitlines()
                return "\n".join(text[-lines:])
        return ""
