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
