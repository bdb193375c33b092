"""What a user gets from a plain install, on the cold path.

* The pip that comes with the interpreter (``python -m venv``'s own, never
  upgraded) fetches every dependency from PyPI once for this module, with an
  empty cache, at the versions of constraints.txt, into a wheelhouse; the
  installs below take their wheels from there (no index), so they resolve
  with that same stock pip and the same metadata, in a fraction of the time.
* The wheel, installed into a fresh venv, indexes one file of every
  supported format (lxml 6 spells jusText's ``lxml[html_clean]`` extra
  ``html-clean``; pip 23 does not match the two, and HTML was unreadable).
* The Docker image without a Docker engine: the Dockerfile is read, exactly
  the files its COPY lines copy are laid out (the build context being a
  fresh clone less .dockerignore), its RUN line installs them into a fresh
  venv standing in for the image's Python, and its CMD
  (scripts/compose-setup.sh) indexes seeds/ into a real node and imports the
  Kibana objects into the recording Kibana stand-in.
* A reader whose library cannot load makes only its files unreadable.

No test here installs into the working venv. What is checked without
installing: tests/unit/test_install.py.
"""

from __future__ import annotations

import ensurepip
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from paths import REPO, REPORTS, SEED_FILES
from unit.test_install import CONSTRAINTS, dockerfile_steps

INSTALL_TIMEOUT = 1200  # seconds: the first download on a loaded, shared machine


# -- the Dockerfile, read --------------------------------------------------------------
def _dockerignore_patterns() -> list[re.Pattern]:
    out = []
    for line in (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        assert not line.startswith("!"), "the test does not handle .dockerignore exceptions (!)"
        regex = ""
        for part in re.split(r"(\*\*/?|\*|\?)", line.strip("/")):
            regex += {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}.get(part, re.escape(part))
        out.append(re.compile(regex + r"\Z"))
    return out


def build_context() -> dict[str, Path]:
    """What `docker build .` in a fresh clone sends: the tracked files less
    .dockerignore's (a pattern that matches a folder drops what is in it)."""
    patterns = _dockerignore_patterns()
    names = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout.decode()
    out = {}
    for name in filter(None, names.split("\0")):
        parts = name.split("/")
        prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
        if any(p.match(prefix) for p in patterns for prefix in prefixes):
            continue
        if (REPO / name).is_symlink() or (REPO / name).is_file():
            out[name] = REPO / name
    return out


def _place(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_symlink() or target.exists():
        target.unlink()
    if source.is_symlink():  # COPY keeps the links inside a copied folder (core/mappings -> ../mappings)
        os.symlink(os.readlink(source), target)
    else:
        shutil.copy2(source, target)


def copy_step(arg: str, context: dict[str, Path], workdir: Path, root: Path) -> list[str]:
    """Lay out one COPY line's files as Docker does; returns their context names."""
    assert not arg.startswith(("--", "[")), f"the test does not handle COPY {arg}"
    *sources, dest = shlex.split(arg)
    target = root / dest.lstrip("/") if dest.startswith("/") else workdir / dest
    into_folder = len(sources) > 1 or dest.endswith("/")
    copied = []
    for src in sources:
        src = src.strip("/").removeprefix("./")
        if src in context:  # a file
            _place(context[src], target / Path(src).name if into_folder else target)
            copied.append(src)
            continue
        inside = sorted(n for n in context if n.startswith(src + "/"))
        assert inside, f"COPY {src}: nothing of that name in the build context"
        for name in inside:  # a folder: its contents go into the destination
            _place(context[name], target / name[len(src) + 1:])
        copied += inside
    return copied


def _venv(path: Path) -> Path:
    """A fresh venv with the pip that ships with this interpreter."""
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True, capture_output=True)
    python = path / "bin" / "python"
    version = subprocess.run([str(python), "-m", "pip", "--version"], capture_output=True, text=True,
                             check=True).stdout.split()[1]
    assert version == ensurepip.version(), f"the venv's pip {version} is not the interpreter's own"
    return python


def _clean_env(**extra) -> dict[str, str]:
    """The machine's environment without this test run's venv and rsearch settings."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("RSEARCH_", "PYTHON", "VIRTUAL_ENV", "PIP_NO_INDEX", "PIP_CONSTRAINT"))}
    bindir = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != bindir)
    env.update(extra)
    return env


def _run(cmd, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)


@pytest.fixture(scope="module")
def stock_pip(tmp_path_factory):
    """A wheelhouse of the project and every dependency, fetched from PyPI by
    the interpreter's own pip with an empty cache, once for the module."""
    top = tmp_path_factory.mktemp("stock-pip")
    python = _venv(top / "fetcher")
    source = top / "src"  # a fresh clone's files
    for name in filter(None, subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True,
                                            check=True).stdout.decode().split("\0")):
        if (REPO / name).is_symlink() or (REPO / name).is_file():
            _place(REPO / name, source / name)
    wheels = top / "wheels"
    env = _clean_env(PIP_CACHE_DIR=str(top / "empty-cache"))
    constraints = ["-c", str(CONSTRAINTS)] if CONSTRAINTS.is_file() else []
    fetch = _run([python, "-m", "pip", "wheel", "-q", "-w", wheels, *constraints, source],
                 env=env, timeout=INSTALL_TIMEOUT)
    assert fetch.returncode == 0, fetch.stdout[-3000:] + fetch.stderr[-3000:]
    # The build backend, for installs from a source folder (the Dockerfile's RUN).
    backend = _run([python, "-m", "pip", "download", "-q", "-d", wheels, "--only-binary", ":all:",
                    "setuptools>=68"], env=env, timeout=INSTALL_TIMEOUT)
    assert backend.returncode == 0, backend.stderr[-3000:]
    (wheel,) = wheels.glob("rsearch-*.whl")
    return {"wheels": wheels, "wheel": wheel, "top": top}


def _offline(stock, **extra) -> dict[str, str]:
    """pip takes what it installs from the wheelhouse only."""
    return _clean_env(PIP_NO_INDEX="1", PIP_FIND_LINKS=str(stock["wheels"]),
                      PIP_CACHE_DIR=str(stock["top"] / "install-cache"), **extra)


def _chunks_per_file(es, alias: str) -> dict[str, int]:
    es.indices.refresh(index=alias)
    resp = es.search(index=alias, size=0, aggs={"files": {"terms": {"field": "source_path", "size": 100}}})
    return {b["key"]: b["doc_count"] for b in resp["aggregations"]["files"]["buckets"]}


def _drop(es, alias: str) -> None:
    found = es.indices.get(index=f"{alias}*", expand_wildcards="all")
    if found:
        es.indices.delete(index=",".join(found))


def every_format(directory: Path) -> list[str]:
    """One file of each supported suffix (indexer.pipeline.SUFFIXES)."""
    from rsearch.indexer.pipeline import SUFFIXES

    files = {"report.txt": SEED_FILES[0], "notes.md": SEED_FILES[1], "work.pdf": REPORTS / "fmt_work_report.pdf",
             "feature.docx": REPORTS / "fmt_feature.docx", "notice.html": REPORTS / "fmt_notice.html",
             "traditional.htm": REPORTS / "fmt_traditional.html"}
    assert {Path(n).suffix for n in files} == set(SUFFIXES)
    directory.mkdir()
    for name, source in files.items():
        shutil.copy2(source, directory / name)
    return sorted(files)


def test_stock_pip_wheel_indexes_every_format(stock_pip, es, es_url, tmp_path):
    python = _venv(tmp_path / "venv")
    env = _offline(stock_pip)
    install = _run([python, "-m", "pip", "install", "-q", stock_pip["wheel"]], env=env, timeout=INSTALL_TIMEOUT)
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]

    work = tmp_path / "elsewhere"  # not the repository: nothing found through the cwd
    work.mkdir()
    names = every_format(work / "reports")
    alias = f"rsearch-test-stockpip-{os.getpid()}"
    try:
        run = _run([tmp_path / "venv" / "bin" / "rsearch", "index", "reports", "--json", "--es-url", es_url,
                    "--index", alias], cwd=work, env=env, timeout=600)
        summary = json.loads(run.stdout) if run.stdout.strip() else {}
        assert run.returncode == 0 and not summary.get("errors"), run.stdout[-3000:] + run.stderr[-3000:]
        assert summary["files"] == len(names) and summary["failed"] == 0
        per_file = _chunks_per_file(es, alias)
        assert sorted(Path(p).name for p in per_file) == names, per_file
        assert all(n > 0 for n in per_file.values())
    finally:
        _drop(es, alias)


def test_docker_image_files_install_and_index_the_seeds(stock_pip, es, es_url, tmp_path):
    from test_kibana import FakeKibana

    context = build_context()
    root = tmp_path / "image"  # the image's file system
    workdir = root
    image_env = {}
    copied, runs, cmd = [], [], None
    python = _venv(tmp_path / "python")  # stands in for the image's Python (python:3.11-slim)
    bindir = str(python.parent)
    for instr, arg in dockerfile_steps():
        if instr == "FROM":
            image = arg.split()[0]
            assert image.startswith(f"python:{sys.version_info.major}.{sys.version_info.minor}"), \
                f"FROM {image}: this test runs the interpreter {sys.version.split()[0]}"
        elif instr == "ENV":
            image_env.update(dict(pair.split("=", 1) for pair in shlex.split(arg)))
        elif instr == "WORKDIR":
            workdir = root / arg.lstrip("/")
            workdir.mkdir(parents=True, exist_ok=True)
        elif instr == "COPY":
            copied += copy_step(arg, context, workdir, root)
        elif instr == "RUN":
            env = _offline(stock_pip, **image_env)
            env["PATH"] = bindir + os.pathsep + env["PATH"]
            step = _run(["sh", "-c", arg], cwd=workdir, env=env, timeout=INSTALL_TIMEOUT)
            assert step.returncode == 0, f"RUN {arg}:\n" + step.stdout[-3000:] + step.stderr[-3000:]
            runs.append(arg)
        elif instr == "CMD":
            cmd = json.loads(arg)
        else:
            pytest.fail(f"Dockerfile: this test does not know {instr} (teach it, so the image stays proven)")
    assert runs and cmd
    # Only what the COPY lines name is in the image: no tests, no benchmarks, no .venv.
    assert not any(n.startswith(("tests/", "bench/", ".venv/")) for n in copied)
    assert "scripts/compose-setup.sh" in copied

    alias = f"rsearch-test-image-{os.getpid()}"
    try:
        with FakeKibana() as kibana:
            env = _clean_env(**image_env, RSEARCH_ES_URL=es_url, RSEARCH_INDEX=alias,
                             RSEARCH_KIBANA_URL=kibana.url, RSEARCH_KIBANA_WAIT="5")
            env["PATH"] = bindir + os.pathsep + env["PATH"]
            setup = _run(cmd, cwd=workdir, env=env, timeout=900)
            assert setup.returncode == 0, setup.stdout[-3000:] + setup.stderr[-3000:]
            assert "is empty: indexing seeds/" in setup.stdout
            assert [r for r in kibana.requests if r["method"] == "POST"], kibana.requests
        per_file = _chunks_per_file(es, alias)
        assert sorted(Path(p).name for p in per_file) == sorted(p.name for p in SEED_FILES)
    finally:
        _drop(es, alias)


def test_a_reader_that_cannot_load_names_its_files_and_the_rest_lands(es, es_url, tmp_path):
    """trafilatura made unimportable (as after a plain install without
    lxml_html_clean): each HTML file is named, the text and PDF files land,
    the exit code says not everything was read."""
    work = tmp_path / "reports"
    work.mkdir()
    for name, source in {"a.html": REPORTS / "fmt_notice.html", "b.htm": REPORTS / "fmt_traditional.html",
                         "c.txt": SEED_FILES[0], "d.pdf": REPORTS / "fmt_work_report.pdf"}.items():
        shutil.copy2(source, work / name)
    alias = f"rsearch-test-noreader-{os.getpid()}"
    blocked = ("import sys; sys.modules['trafilatura'] = None; from rsearch.cli import main; "
               "sys.argv[0] = 'rsearch'; main()")
    env = {k: v for k, v in os.environ.items() if not k.startswith("RSEARCH_")}
    try:
        run = _run([sys.executable, "-c", blocked, "index", str(work), "--es-url", es_url, "--index", alias],
                   env=env, timeout=300)
        assert run.returncode == 1, run.stdout + run.stderr
        errors = [line for line in run.stderr.splitlines() if line.startswith("Error:")]
        assert len(errors) == 2 and len(run.stderr.strip().splitlines()) == 2, run.stderr
        for name in ("a.html", "b.htm"):
            line = next(e for e in errors if name in e)
            assert "reader cannot load" in line and "trafilatura" in line, line
        assert "Traceback" not in run.stderr
        assert sorted(Path(p).name for p in _chunks_per_file(es, alias)) == ["c.txt", "d.pdf"]
        # The summary's counts add up next to the error lines.
        assert run.stdout.startswith("4 files (2 added, 0 changed, 0 unchanged, 2 unreadable), 0 removed, 0 skipped"), \
            run.stdout
    finally:
        _drop(es, alias)
