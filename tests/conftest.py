"""Session-wide real Elasticsearch for the tests, and per-test index names.

Where the node comes from, in order:
  1. RSEARCH_ES_URL, when set (any cluster you point at);
  2. the docker-compose service, through pytest-docker, when a Docker engine answers;
  3. a local node from the test distribution on a free port (rsearch.localnode),
     in its own temporary directory, stopped and deleted at the end.
Behaviour tests never mock Elasticsearch.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.request
import uuid

import pytest

from rsearch.core.settings import Settings
from paths import REPO


# Two sets: tests/unit never needs a node (the whole set well under a minute);
# tests/integration runs against a real one, or the network. Every test of
# tests/integration is marked ``es``, so ``pytest -m "not es"`` is the unit set
# wherever it is run from, and a unit test that asks for a node is an error.
_INTEGRATION = REPO / "tests" / "integration"
_UNIT = REPO / "tests" / "unit"
_NODE_FIXTURES = {"es_url", "es", "index_name", "settings", "docker_services"}


def pytest_collection_modifyitems(config, items):
    misplaced = []
    for item in items:
        needs_node = bool(_NODE_FIXTURES & set(getattr(item, "fixturenames", ())))
        if item.path.is_relative_to(_INTEGRATION) or needs_node:
            item.add_marker(pytest.mark.es)
        if needs_node and item.path.is_relative_to(_UNIT):
            misplaced.append(item.nodeid)
    if misplaced:
        raise pytest.UsageError("unit tests never use a node; move these to tests/integration: "
                                + ", ".join(misplaced))


def _docker_engine_answers() -> bool:
    docker = shutil.which("docker")
    if not docker:
        return False
    try:
        return subprocess.run([docker, "info"], capture_output=True, timeout=15).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_cluster/health", timeout=2) as resp:
            return json.loads(resp.read())["status"] in ("yellow", "green")
    except Exception:
        return False


@pytest.fixture(scope="session")
def docker_compose_file():
    return str(REPO / "docker-compose.yml")


@pytest.fixture(scope="session")
def docker_setup():
    # Only Elasticsearch: Kibana is for people, not for the tests.
    return ["up -d --wait elasticsearch"]


@pytest.fixture(scope="session")
def es_url(request):
    if os.environ.get("RSEARCH_ES_URL"):
        yield os.environ["RSEARCH_ES_URL"]
        return
    if _docker_engine_answers():
        services = request.getfixturevalue("docker_services")
        url = f"http://127.0.0.1:{services.port_for('elasticsearch', 9200)}"
        services.wait_until_responsive(check=lambda: _healthy(url), timeout=300, pause=1)
        yield url
        return
    from rsearch.localnode.temporary import temporary_node

    with temporary_node(prefix="rsearch-test-node-") as running:
        yield running.url


@pytest.fixture(scope="session")
def es(es_url):
    client = Settings(url=es_url).client()
    yield client
    client.close()


@pytest.fixture
def index_name(es):
    """A fresh alias name for one test; its indices are deleted afterwards."""
    name = f"rsearch-test-{uuid.uuid4().hex[:10]}"
    yield name
    # Deleting needs concrete names (action.destructive_requires_name).
    found = es.indices.get(index=f"{name}*", expand_wildcards="all")
    if found:
        es.indices.delete(index=",".join(found))


@pytest.fixture
def settings(es_url, index_name):
    return Settings(url=es_url, index=index_name)
