"""The install inputs, without installing: constraints.txt pins every
declared dependency, bootstrap.sh and the Dockerfile install with it, and the
Dockerfile's steps are read. The installs themselves (a stock pip, the
wheel, the Docker image's files): tests/integration/test_install.py."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from paths import REPO

CONSTRAINTS = REPO / "constraints.txt"


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(req: str) -> str:
    return _normal(re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", req.strip()).group(0))


def pinned() -> dict[str, str]:
    out = {}
    for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, sep, version = line.partition("==")
            assert sep, f"constraints.txt: {line!r} is not pinned with =="
            out[_normal(name)] = version.strip()
    return out


def test_constraints_pin_every_declared_dependency():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        declared += extra
    missing = sorted({_requirement_name(r) for r in declared} - set(pinned()))
    assert not missing, f"not pinned in constraints.txt (regenerate it, see its header): {missing}"


def test_bootstrap_and_dockerfile_install_with_the_constraints():
    """CI (bootstrap), a user's clone and the image get the same versions; no
    pip upgrade in bootstrap hides what the stock pip does."""
    bootstrap = (REPO / "scripts" / "bootstrap.sh").read_text(encoding="utf-8")
    installs = [line for line in bootstrap.splitlines() if "pip install" in line and not line.lstrip().startswith("#")]
    assert installs and all("-c constraints.txt" in line for line in installs), installs
    assert "--upgrade pip" not in bootstrap and "-U pip" not in bootstrap
    runs = [arg for instr, arg in dockerfile_steps() if instr == "RUN" and "pip install" in arg]
    assert runs and all("-c constraints.txt" in arg for arg in runs), runs


# -- the Dockerfile, read --------------------------------------------------------------
def dockerfile_steps(path: Path = REPO / "Dockerfile") -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order; continuation lines joined, comments dropped."""
    steps, pending = [], ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        instr, _, arg = (pending + line).strip().partition(" ")
        steps.append((instr.upper(), arg.strip()))
        pending = ""
    return steps


def test_dockerfile_steps_are_read():
    steps = dockerfile_steps()
    assert steps[0][0] == "FROM" and steps[-1][0] == "CMD"
    assert ("COPY", "core core") in steps


