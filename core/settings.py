"""Settings: the one reader of ``RSEARCH_*`` environment variables.

Every environment variable the project reads is named here (``ENV_*``) and
read here; the CLI's options take their env var names from these constants.
CLI options override environment variables, which override the defaults.

    RSEARCH_ES_URL        Elasticsearch URL, or the URLs of several nodes of one
                          cluster, comma-separated: the client spreads requests over
                          them and fails over when one does not answer (default: the
                          local node of RSEARCH_HOME, started by ``rsearch es start``;
                          when that is not running, commands fail saying so rather
                          than ask whatever listens on port 9200)
    RSEARCH_INDEX         alias name that searches and indexing use (default: reports)
    RSEARCH_ES_API_KEY    API key (the base64 "id:key" form Kibana shows)
    RSEARCH_ES_USER       user name for basic auth
    RSEARCH_ES_PASSWORD   password for basic auth
    RSEARCH_ES_CA_CERTS   CA certificate file (PEM) to verify an HTTPS cluster
    RSEARCH_SHARDS        primary shards of an index rsearch creates (default: one
                          per ~30 GB of index, estimated from the files; core.layout)
    RSEARCH_REPLICAS      replicas of the index: a number, or a range the cluster
                          expands within as nodes join and leave (default 0-1)
    RSEARCH_HOME          state directory of the local node (distribution, data, logs)
    RSEARCH_ES_HEAP       heap of the local node (default 1g)
    RSEARCH_ES_PORT       HTTP port of the local node (default 9200; when 9200 is
                          taken by another program, ``rsearch es start`` picks a
                          free port and says which)
    RSEARCH_USER_DICT     the user's own segmentation dictionary (core.text.dictionary)
    RSEARCH_CACHE_DIR     where OCR results of scanned pages are kept (indexer.formats.scans);
                          default $XDG_CACHE_HOME/rsearch, else ~/.cache/rsearch. Safe to
                          delete: scans are then read again.
    RSEARCH_MAX_FILE_MB   the largest file ``rsearch index`` reads, in MB (default 256);
                          a larger file is named with its size and skipped (exit 1)
    RSEARCH_MAX_MARKUP_MB the most markup one file may make a parser hold, in MB
                          (default 20): the XML of a .docx once decompressed (a 1 MB
                          .docx can hold 300 MB of XML), an HTML page. Parsers keep
                          the whole tree: about 6 (XML) to 10 (HTML) times its size
    RSEARCH_FILE_SECONDS  how long reading one file may take, in seconds (default 300;
                          a large text file: each 1 MB piece of it). A file that takes
                          longer is stopped, named and skipped (exit 1)
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from elasticsearch import Elasticsearch

from .connection import check_connection, split_urls
from .errors import NoCluster
from .nodestate import node_directory, read_state

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

ENV_ES_URL = "RSEARCH_ES_URL"
ENV_INDEX = "RSEARCH_INDEX"
ENV_API_KEY = "RSEARCH_ES_API_KEY"
ENV_USER = "RSEARCH_ES_USER"
ENV_PASSWORD = "RSEARCH_ES_PASSWORD"
ENV_CA_CERTS = "RSEARCH_ES_CA_CERTS"
ENV_SHARDS = "RSEARCH_SHARDS"
ENV_REPLICAS = "RSEARCH_REPLICAS"
ENV_HOME = "RSEARCH_HOME"
ENV_HEAP = "RSEARCH_ES_HEAP"
ENV_ES_PORT = "RSEARCH_ES_PORT"
ENV_USER_DICT = "RSEARCH_USER_DICT"
ENV_CACHE_DIR = "RSEARCH_CACHE_DIR"
ENV_MAVEN_REPOSITORY = "RSEARCH_MAVEN_REPOSITORY"  # HTTPS fallback for the distribution
ENV_KIBANA_URL = "RSEARCH_KIBANA_URL"
ENV_KIBANA_SPACE = "RSEARCH_KIBANA_SPACE"
ENV_KIBANA_USER = "RSEARCH_KIBANA_USER"
ENV_KIBANA_PASSWORD = "RSEARCH_KIBANA_PASSWORD"
ENV_KIBANA_API_KEY = "RSEARCH_KIBANA_API_KEY"
ENV_KIBANA_CA_CERTS = "RSEARCH_KIBANA_CA_CERTS"
ENV_KIBANA_LINK_URL = "RSEARCH_KIBANA_LINK_URL"
ENV_API_TOKEN = "RSEARCH_API_TOKEN"  # bearer token `rsearch serve` asks callers for
ENV_MAX_FILE_MB = "RSEARCH_MAX_FILE_MB"
ENV_FILE_SECONDS = "RSEARCH_FILE_SECONDS"
ENV_MAX_MARKUP_MB = "RSEARCH_MAX_MARKUP_MB"
DEFAULT_MAX_FILE_MB = 256
DEFAULT_MAX_MARKUP_MB = 20
DEFAULT_FILE_SECONDS = 300
ENV_SERVE_PORT = "RSEARCH_SERVE_PORT"  # the port of `rsearch serve`


def env(name: str) -> str | None:
    """An environment variable's value, None when unset or empty."""
    return os.environ.get(name) or None


def cache_dir() -> Path:
    """``RSEARCH_CACHE_DIR``, else the user's cache directory (XDG) + ``rsearch``."""
    if env(ENV_CACHE_DIR):
        return Path(env(ENV_CACHE_DIR)).expanduser()
    base = env("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "rsearch"


def user_dict_setting() -> str | None:
    """``RSEARCH_USER_DICT``: the path of the user's dictionary, if any."""
    return env(ENV_USER_DICT)


def api_token_setting() -> str | None:
    """``RSEARCH_API_TOKEN``: the token ``rsearch serve`` requires, if any."""
    return env(ENV_API_TOKEN)


def _positive_number(name: str, default: float) -> float:
    value = env(name)
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        number = 0
    if not number > 0 or number == float("inf"):
        from .errors import ConfigError

        raise ConfigError(f"{name}={value!r} is not a positive number (default {default:g})")
    return number


def max_file_bytes() -> int:
    """``RSEARCH_MAX_FILE_MB`` in bytes: the largest file the indexer reads."""
    return int(_positive_number(ENV_MAX_FILE_MB, DEFAULT_MAX_FILE_MB) * 2**20)


def max_markup_bytes() -> int:
    """``RSEARCH_MAX_MARKUP_MB`` in bytes: the most XML (a .docx's,
    decompressed) or HTML one file may make a parser hold."""
    return int(_positive_number(ENV_MAX_MARKUP_MB, DEFAULT_MAX_MARKUP_MB) * 2**20)


def file_seconds() -> float:
    """``RSEARCH_FILE_SECONDS``: how long reading one file (or one piece of a
    large text file) may take before it is stopped and reported."""
    return _positive_number(ENV_FILE_SECONDS, DEFAULT_FILE_SECONDS)


def heap_setting() -> str:
    """``RSEARCH_ES_HEAP``, else the default heap of the local node."""
    return env(ENV_HEAP) or DEFAULT_HEAP


def default_home() -> Path:
    """Where the local node keeps its distribution, data and logs.

    As root the node runs as an unprivileged system user, which cannot enter
    /root, so root's state lives in /var/lib/rsearch (the usual place for a
    service's state).
    """
    if env(ENV_HOME):
        return Path(env(ENV_HOME)).expanduser().resolve()
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
    # As given (checked by core.layout when an index is created or changed).
    shards: str | None = None
    replicas: str | None = None

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        values = dict(
            url=env(ENV_ES_URL),
            index=env(ENV_INDEX) or DEFAULT_INDEX,
            api_key=env(ENV_API_KEY),
            username=env(ENV_USER),
            password=env(ENV_PASSWORD),
            ca_certs=env(ENV_CA_CERTS),
            home=default_home(),
            shards=env(ENV_SHARDS),
            replicas=env(ENV_REPLICAS),
        )
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    @property
    def resolved_url(self) -> str:
        """The configured URL, else the URL of the local node of this state
        directory when it is running. Neither: NoCluster (one line), never a
        guess, which would answer from some other server on port 9200."""
        if self.url:
            return self.url
        state = read_state(self.home)
        if state and _running(state["pid"]):
            return state["url"]
        raise NoCluster(
            f"no Elasticsearch URL is configured and the local node (state in {node_directory(self.home)}) "
            "is not running: start it with `rsearch es start`, or set --es-url / RSEARCH_ES_URL")

    @property
    def urls(self) -> list[str]:
        """The node URLs: resolved_url split at commas (one cluster's nodes)."""
        return split_urls(self.resolved_url)

    def check(self) -> None:
        """ConfigError (one line naming the setting) for a URL, CA file or name no client could use."""
        check_connection(self.resolved_url, self.ca_certs, index=self.index, api_key=self.api_key,
                         user=self.username, password=self.password)

    def layout(self):
        """The shards and replicas asked for (core.layout.Layout fields, None
        where not given); ConfigError for a value no index could have."""
        from .layout import parse_replicas, parse_shards

        return parse_shards(self.shards), parse_replicas(self.replicas)

    def client(self) -> Elasticsearch:
        """An Elasticsearch client for these settings: given several nodes, it
        sends each request to the next live one and retries a request whose
        node did not answer on another (elastic_transport's node pool)."""
        self.check()
        kwargs: dict = {"request_timeout": self.request_timeout}
        if self.api_key:
            kwargs["api_key"] = self.api_key
        elif self.username:
            kwargs["basic_auth"] = (self.username, self.password or "")
        if self.ca_certs:
            kwargs["ca_certs"] = self.ca_certs
        return Elasticsearch(self.urls, **kwargs)


def _running(pid) -> bool:
    """Is the process that the node's state file names still running?"""
    try:
        pid = int(pid)
        if pid <= 0:  # 0 is the kernel's scheduler, never a node
            return False
        proc = psutil.Process(pid)
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except (psutil.Error, TypeError, ValueError):
        return False
