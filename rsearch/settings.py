"""Connection settings shared by every command and by the Python API.

One prefix for every environment variable: ``RSEARCH_``. CLI options override
environment variables, which override the defaults.

    RSEARCH_ES_URL        Elasticsearch URL (default: the local node of RSEARCH_HOME,
                          started by ``rsearch es start``; when that is not running,
                          commands fail saying so rather than ask whatever listens
                          on port 9200)
    RSEARCH_INDEX         alias name that searches and indexing use (default: reports)
    RSEARCH_ES_API_KEY    API key (the base64 "id:key" form Kibana shows)
    RSEARCH_ES_USER       user name for basic auth
    RSEARCH_ES_PASSWORD   password for basic auth
    RSEARCH_ES_CA_CERTS   CA certificate file (PEM) to verify an HTTPS cluster
    RSEARCH_HOME          state directory of the local node (distribution, data, logs)
    RSEARCH_ES_HEAP       heap of the local node (default 1g)
    RSEARCH_ES_PORT       HTTP port of the local node (default 9200; when 9200 is
                          taken by another program, ``rsearch es start`` picks a
                          free port and says which)
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

# The one place the Elasticsearch version is pinned. 8.19.x runs on Java 17 and
# matches the elasticsearch 8.x Python client (which carries elasticsearch.dsl).
# docker-compose.yml uses the same version through ${RSEARCH_ES_VERSION:-...}.
ES_VERSION = "8.19.9"
# SHA-256 of each version's integ-test-zip. Maven Central publishes no checksum
# files for that artifact, so the hash is pinned here and every download and
# every cached copy is checked against it (rsearch.localnode.distribution).
ES_SHA256 = {
    "8.19.9": "6a0603db2b0406776dcf15df248294941f310e9183ca18a219bc8c6d57546ff0",
}

DEFAULT_INDEX = "reports"
DEFAULT_PORT = 9200
DEFAULT_HEAP = "1g"
ENV_PREFIX = "RSEARCH_"


def default_home() -> Path:
    """Where the local node keeps its distribution, data and logs.

    As root the node runs as an unprivileged system user, which cannot enter
    /root, so root's state lives in /var/lib/rsearch (the usual place for a
    service's state).
    """
    if os.environ.get("RSEARCH_HOME"):
        return Path(os.environ["RSEARCH_HOME"]).expanduser().resolve()
    if os.geteuid() == 0:
        return Path("/var/lib/rsearch")
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "rsearch"


@dataclass(frozen=True)
class Settings:
    url: str | None = None
    index: str = DEFAULT_INDEX
    api_key: str | None = None
    username: str | None = None
    password: str | None = None
    ca_certs: str | None = None
    home: Path = field(default_factory=default_home)
    request_timeout: float = 30.0

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        env = os.environ
        values = dict(
            url=env.get("RSEARCH_ES_URL") or None,
            index=env.get("RSEARCH_INDEX") or DEFAULT_INDEX,
            api_key=env.get("RSEARCH_ES_API_KEY") or None,
            username=env.get("RSEARCH_ES_USER") or None,
            password=env.get("RSEARCH_ES_PASSWORD") or None,
            ca_certs=env.get("RSEARCH_ES_CA_CERTS") or None,
            home=default_home(),
        )
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)

    @property
    def resolved_url(self) -> str:
        """The configured URL, else the URL of the local node of this state
        directory when it is running. Neither: NoCluster (one line), never a
        guess, which would answer from some other server on port 9200."""
        if self.url:
            return self.url
        from .localnode.node import LocalNode

        node = LocalNode(self.home)
        state = node._state()
        if node._alive(state) and state.get("url"):
            return state["url"]
        from .errors import NoCluster

        raise NoCluster(
            f"no Elasticsearch URL is configured and the local node (state in {node.directory}) "
            "is not running: start it with `rsearch es start`, or set --es-url / RSEARCH_ES_URL")

    def check(self) -> None:
        """ConfigError (one line naming the setting) for a URL, CA file or name no client could use."""
        from .connection_checks import check_connection

        check_connection(self.resolved_url, self.ca_certs, index=self.index, api_key=self.api_key,
                         user=self.username, password=self.password)

    def quick_client(self):
        """A stdlib-only client that can only search (see rsearch.quickclient)."""
        from .quickclient import QuickClient

        self.check()
        return QuickClient(self.resolved_url, api_key=self.api_key, username=self.username,
                           password=self.password, ca_certs=self.ca_certs, timeout=self.request_timeout)

    def client(self):
        """An Elasticsearch client for these settings."""
        self.check()
        from elasticsearch import Elasticsearch

        kwargs: dict = {"request_timeout": self.request_timeout}
        if self.api_key:
            kwargs["api_key"] = self.api_key
        elif self.username:
            kwargs["basic_auth"] = (self.username, self.password or "")
        if self.ca_certs:
            kwargs["ca_certs"] = self.ca_certs
        return Elasticsearch(self.resolved_url, **kwargs)
