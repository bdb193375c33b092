"""`pip install .` (a real wheel, not editable) gives a working rsearch.

The wheel must carry everything the code reads at run time: the index
mapping (``core/mappings``, a link to ``mappings/``, the readable source),
the dictionary and stop words.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from paths import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    build = tmp_path_factory.mktemp("src")
    # Build from a clean copy of the tracked files, as a fresh clone would.
    files = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    for name in files.decode().split("\0"):
        if not name:
            continue
        (build / name).parent.mkdir(parents=True, exist_ok=True)
        if (REPO / name).is_symlink():  # as git checks it out (core/mappings -> ../mappings)
            os.symlink(os.readlink(REPO / name), build / name)
        elif (REPO / name).is_file():
            shutil.copy2(REPO / name, build / name)
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(build)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    (found,) = out.glob("rsearch-*.whl")
    return found


@pytest.mark.es
def test_wheel_holds_the_data_files(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"rsearch/core/mappings/chunks.json", "rsearch/core/data/user_dict.txt",
            "rsearch/core/data/stopwords.txt"} <= names
    assert not any(n.startswith(("tests/", "seeds/", "bench/")) for n in names)


@pytest.mark.es
def test_wheel_installs_one_top_level_package(wheel):
    """Nothing named core, indexer or search lands in a user's site-packages,
    where it would collide with another distribution's module of that name."""
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert tops == {"rsearch"}
    assert {"rsearch/indexer/pipeline.py", "rsearch/search/engine.py", "rsearch/core/settings.py"} <= set(names)


def test_installed_wheel_indexes_the_seeds(wheel, es, es_url, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    vpy = venv / "bin" / "python"
    site = subprocess.run([str(vpy), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    # The dependencies come from the test venv (no downloads), as a plain path:
    # its .pth files, the editable install's finder among them, are not run.
    Path(site, "zz_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    # pip of the test venv installs into the new one (--python), no deps.
    proc = subprocess.run([sys.executable, "-m", "pip", "--python", str(vpy), "install", "--no-deps", "-q",
                           str(wheel)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]

    elsewhere = tmp_path / "elsewhere"  # not the repository: nothing found through the cwd
    elsewhere.mkdir()
    shutil.copytree(REPO / "seeds", elsewhere / "seeds")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RSEARCH_", "PYTHON"))}
    where = subprocess.run([str(vpy), "-c", "import rsearch.core.schema as m; print(m.__file__)"],
                           capture_output=True, text=True, cwd=elsewhere, env=env, check=True).stdout
    assert where.startswith(site), where  # the installed copy, not the repository's
    for name in ("core", "indexer", "search"):  # only rsearch.* is installed
        bare = subprocess.run([str(vpy), "-c", f"import {name}"], capture_output=True, text=True, cwd=elsewhere, env=env)
        assert "ModuleNotFoundError" in bare.stderr, (name, bare.stderr)

    alias = f"rsearch-test-wheel-{os.getpid()}"
    rsearch = venv / "bin" / "rsearch"
    try:
        run = subprocess.run([str(rsearch), "index", "seeds", "--json", "--es-url", es_url, "--index", alias],
                             capture_output=True, text=True, cwd=elsewhere, env=env, timeout=600)
        assert run.returncode == 0, run.stderr[-2000:]
        summary = json.loads(run.stdout)
        assert summary["files"] == 5 and summary["chunks"] > 50 and summary["failed"] == 0
        found = subprocess.run([str(rsearch), "search", "党史学习教育", "--json", "--es-url", es_url,
                                "--index", alias], capture_output=True, text=True, cwd=elsewhere, env=env)
        assert found.returncode == 0 and json.loads(found.stdout)["total"] > 0
    finally:
        found = es.indices.get(index=f"{alias}*", expand_wildcards="all")
        if found:
            es.indices.delete(index=",".join(found))
