"""The compose `kibana-setup` service's script (scripts/compose-setup.sh), run
here as the container runs it, against a real node and the recording Kibana
stand-in: the first run indexes seeds/ and imports the objects; a second run
leaves the filled index alone and imports again (harmless); with Kibana gone it
fails with one error line. Docker itself cannot run on this machine; the script
is what the service executes."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from unit.test_kibana import FakeKibana
from paths import REPO

pytestmark = pytest.mark.es


def run_script(es_url: str, alias: str, kibana_url: str, wait: str = "5") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RSEARCH_")}
    env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
               RSEARCH_ES_URL=es_url, RSEARCH_INDEX=alias, RSEARCH_KIBANA_URL=kibana_url,
               RSEARCH_KIBANA_WAIT=wait)
    return subprocess.run(["sh", str(REPO / "scripts" / "compose-setup.sh")], env=env,
                          capture_output=True, text=True, timeout=300)


def test_setup_script_indexes_an_empty_index_once_and_imports_each_time(es, es_url):
    alias = f"rsearch-test-compose-{uuid.uuid4().hex[:8]}"
    try:
        with FakeKibana() as kibana:
            first = run_script(es_url, alias, kibana.url)
            assert first.returncode == 0, first.stderr
            assert "is empty: indexing seeds/" in first.stdout
            chunks = es.count(index=alias)["count"]
            assert chunks > 0
            second = run_script(es_url, alias, kibana.url)
            assert second.returncode == 0, second.stderr
            assert f"has {chunks} chunks: left as it is" in second.stdout
            assert es.count(index=alias)["count"] == chunks
            posts = [r for r in kibana.requests if r["method"] == "POST"]
            assert len(posts) == 2
            # The data view is on the alias the service indexed into.
            assert f'"title": "{alias}"' in posts[0]["body"].decode("utf-8")
        # Kibana gone: the service fails with the one-line error, the index untouched.
        third = run_script(es_url, alias, kibana.url, wait="1")
        assert third.returncode == 1
        assert third.stderr.strip().splitlines()[-1].startswith("Error: cannot reach Kibana")
        assert es.count(index=alias)["count"] == chunks
    finally:
        found = es.indices.get(index=f"{alias}*")
        if found:
            es.indices.delete(index=",".join(found))


def test_compose_variables_are_not_rsearch_settings():
    """The compose file's host ports are its own variables: RSEARCH_ES_PORT is
    the local node's (0 there means any free port, which a port mapping must
    not inherit)."""
    import re

    from rsearch.core import settings

    ours = {v for k, v in vars(settings).items() if k.startswith("ENV_")}
    ports = set(re.findall(r'"127\.0\.0\.1:\$\{(\w+)[^}]*\}:\d+"', (REPO / "docker-compose.yml").read_text(encoding="utf-8")))
    assert len(ports) == 2 and not ports & ours, ports


def _docker_answers() -> bool:
    from conftest import _docker_engine_answers

    return _docker_engine_answers()


@pytest.mark.skipif(not _docker_answers() or bool(os.environ.get("RSEARCH_ES_URL")),
                    reason="needs a Docker engine (none answers here) and the compose Elasticsearch as the test node; "
                           "test_install.py proves the image's files and its CMD without one")
def test_compose_kibana_setup_indexes_the_seeds_through_docker(docker_services, docker_compose_file,
                                                               docker_compose_project_name, es):
    """The user's path: the image built from the Dockerfile runs the one-shot
    setup against the compose Elasticsearch and Kibana."""
    run = subprocess.run(["docker", "compose", "-f", docker_compose_file, "-p", docker_compose_project_name,
                          "run", "--rm", "--build", "kibana-setup"], capture_output=True, text=True, timeout=1800)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert es.count(index="reports")["count"] > 0
