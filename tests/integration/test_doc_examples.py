"""Every shell, curl and Python example in README.md and docs/**/*.md runs as
printed, against a real node and a real `rsearch serve` (datasette and
sqlite-utils test their docs the same way).

The examples are the fenced ``bash``/``sh``/``shell``/``console`` and
``python`` blocks, collected from whatever Markdown files there are, so the
test follows the docs wherever they move. Each command runs in bash, in a
folder holding a copy of seeds/, with ``rsearch`` on the PATH and these
settings in the environment (the examples themselves are not edited):

* RSEARCH_ES_URL and RSEARCH_INDEX: the test node and an alias indexed from
  the seeds before the first example;
* RSEARCH_HOME (a new state directory), RSEARCH_ES_PORT=0 and
  RSEARCH_ES_HEAP=512m: `rsearch es start` starts a real second node on a
  free port, never 9200; it is stopped after its block;
* RSEARCH_SERVE_PORT: `rsearch serve` listens on a free port, not 8000,
  which may be another program's on a shared machine. For the same reason the
  one substitution made in a command: ``127.0.0.1:8000`` becomes the port of
  the service this module runs.

A command passes when it exits 0 with no ``Error:`` line and no traceback;
curl's output must be JSON and not an error object. SKIP lists the few
commands that cannot run here, each with its reason; an entry that matches
no command fails, so the list stays small and true.
"""

from __future__ import annotations

import json
import os
import re
import select
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from indexed import new_alias
from paths import REPO, SEEDS

SHELL = {"bash", "sh", "shell", "console"}
PYTHON = {"python", "py", "pycon"}
FENCE = re.compile(r"^(```+|~~~+)\s*([\w+-]*)")

# Commands that cannot run here: (pattern, why).
SKIP = [
    (r"^bash scripts/run-tests\.sh\b", "the test command itself: it would run this test again"),
    (r"^bash scripts/run-demo\.sh\b", "downloads Elasticsearch into a new state directory and serves the page "
                                      "on 8000: tests/integration/test_fresh_machine.py runs it on a fresh machine"),
    (r"^docker compose\b", "needs a Docker engine, which this machine has not; where one answers, "
                           "tests/integration/test_compose_setup.py runs the compose setup through pytest-docker"),
    (r"^export RSEARCH_ES_URL=http://127\.0\.0\.1:9200$", "the compose Elasticsearch above (no Docker here)"),
    (r"my-deployment\.es\.example", "a deployment of the reader's own (no network here)"),
    (r"my-kibana\.example", "a Kibana of the reader's own (no network here); tests/unit/test_kibana.py imports "
                            "into a recording stand-in"),
    (r"^rsearch show 3f2a\.\.\.", "an id of the reader's own index, elided (ids are printed by `rsearch search` "
                                  "and change with the text); tests/integration/test_search.py runs `rsearch show`"),
]


@dataclass
class Example:
    path: Path
    line: int
    language: str
    lines: list[tuple[int, str]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.path.relative_to(REPO)}:{self.line}"

    def commands(self) -> list[tuple[int, str]]:
        """Shell commands: continuation lines joined, blank and comment lines dropped."""
        out, pending, start = [], "", 0
        for number, text in self.lines:
            if not pending:
                start = number
                if not text.strip() or text.lstrip().startswith("#"):
                    continue
                text = re.sub(r"^\$ ", "", text)  # a console prompt
            if text.rstrip().endswith("\\"):
                pending += text.rstrip()[:-1]
                continue
            out.append((start, (pending + text).strip()))
            pending = ""
        return out


def doc_files() -> list[Path]:
    return [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]


def collect() -> list[Example]:
    examples = []
    for path in doc_files():
        current, fence = None, None
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            m = FENCE.match(text)
            if current is None and m:
                fence = m.group(1)
                current = Example(path, number, m.group(2).lower())
            elif current is not None and text.strip() == fence:
                if current.language in SHELL | PYTHON:
                    examples.append(current)
                current = None
            elif current is not None:
                current.lines.append((number, text))
    return examples


EXAMPLES = collect()


def skipped(command: str) -> str | None:
    return next((why for pattern, why in SKIP if re.search(pattern, command)), None)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_line(proc: subprocess.Popen, needle: str, timeout: float) -> str:
    """The process's output up to the line holding ``needle``."""
    seen, deadline = "", time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.5)
        if ready:
            line = proc.stdout.readline()
            seen += line
            if needle in line:
                return seen
            if not line and proc.poll() is not None:
                break
        elif proc.poll() is not None:
            break
    raise AssertionError(f"no {needle!r} in the output: {seen[-2000:]}")


@pytest.fixture(scope="module")
def site(es, es_url, tmp_path_factory):
    """The examples' world: an indexed alias, a folder with seeds/, a service."""
    alias = new_alias(es, [SEEDS], "docs")
    name = next(alias)
    top = Path(tempfile.mkdtemp(prefix="rsearch-doc-examples-"))
    # As root the node runs as the user `rsearch`, which must enter the state directory.
    os.chmod(top, stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
    work = top / "work"
    shutil.copytree(SEEDS, work / "seeds")
    env = {k: v for k, v in os.environ.items() if not k.startswith("RSEARCH_")}
    env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}", NO_COLOR="1",
               RSEARCH_ES_URL=es_url, RSEARCH_INDEX=name, RSEARCH_HOME=str(top / "home"), RSEARCH_ES_PORT="0",
               RSEARCH_ES_HEAP="512m", RSEARCH_SERVE_PORT=str(_free_port()))
    serve = subprocess.Popen([sys.executable, "-c", "from rsearch.cli import main; main()", "serve", "--port", "0"],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        port = re.search(r"127\.0\.0\.1:(\d+)/", _wait_for_line(serve, "the search page is at", 120)).group(1)
        yield {"env": env, "work": work, "service": f"127.0.0.1:{port}", "alias": name}
    finally:
        serve.terminate()
        serve.wait(timeout=30)
        subprocess.run(["rsearch", "es", "stop"], env=env, capture_output=True, timeout=120)
        shutil.rmtree(top, ignore_errors=True)
        next(alias, None)  # deletes the alias's indices


def _check(command: str, proc: subprocess.CompletedProcess) -> None:
    said = f"`{command}` exited {proc.returncode}:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
    assert proc.returncode == 0, said
    assert "Traceback" not in proc.stderr and not re.search(r"^Error:", proc.stderr, re.M), said
    if command.startswith("curl "):
        body = json.loads(proc.stdout)
        assert not (isinstance(body, dict) and {"status", "message"} <= set(body)), said


def run_serve(command: str, env: dict, cwd: Path) -> None:
    """`rsearch serve` runs until stopped: it must print its URL and answer there."""
    proc = subprocess.Popen(["bash", "-c", f"exec {command}"], env=env, cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        said = _wait_for_line(proc, "the search page is at", 120)
        url = re.search(r"the search page is at (\S+)", said).group(1)
        assert url == f"http://127.0.0.1:{env['RSEARCH_SERVE_PORT']}/", said
        with urllib.request.urlopen(f"{url}health", timeout=30) as resp:
            assert json.load(resp)["service"] == "ok"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.parametrize("example", [e for e in EXAMPLES if e.language in SHELL], ids=lambda e: e.name)
def test_shell_example_runs_as_printed(example, site):
    env = dict(site["env"])
    ran = 0
    try:
        for line, command in example.commands():
            if skipped(command):
                continue
            if command.startswith("export "):
                for assignment in shlex.split(command)[1:]:
                    key, _, value = assignment.partition("=")
                    env[key] = value
                continue
            ran += 1
            if re.match(r"rsearch serve\b", command):
                run_serve(command, env, site["work"])
                continue
            runnable = command.replace("127.0.0.1:8000", site["service"])
            proc = subprocess.run(["bash", "-c", runnable], env=env, cwd=site["work"], capture_output=True,
                                  text=True, timeout=600)
            _check(f"{example.path.name}:{line}: {command}", proc)
    finally:
        if any(c.startswith("rsearch es start") for _, c in example.commands()):
            subprocess.run(["rsearch", "es", "stop"], env=env, capture_output=True, timeout=120)
    if not ran:
        pytest.skip("every command of this block is on the skip list: "
                    + "; ".join(sorted({skipped(c) for _, c in example.commands()})))


@pytest.mark.parametrize("example", [e for e in EXAMPLES if e.language in PYTHON], ids=lambda e: e.name)
def test_python_example_runs_as_printed(example, site):
    code = "\n".join(text for _, text in example.lines)
    proc = subprocess.run([sys.executable, "-c", code], env=site["env"], cwd=site["work"], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, f"{example.name}:\n{code}\n{proc.stderr[-3000:]}"
