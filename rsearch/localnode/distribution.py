"""Get, verify and unpack the official Elasticsearch test distribution.

The artifact is ``org.elasticsearch.distribution.integ-test-zip:elasticsearch``
(packaging ``zip``) on Maven Central. It holds only the server, the transport
modules and x-pack core/security, which is all this project uses.

Download, once per machine:
  * with ``mvn`` on PATH: ``mvn dependency:copy --strict-checksums`` (Maven
    checks the checksum Maven Central publishes beside the file, and keeps the
    zip in ~/.m2, so every later start reuses it);
  * without it: HTTPS from the Maven repository named by
    ``RSEARCH_MAVEN_REPOSITORY`` (a Maven Central URL or a mirror), verifying
    the published ``.sha1`` ourselves.
The unpacked copy lives in ``<home>/dist/elasticsearch-<version>``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

from ..errors import RsearchError

GROUP = "org.elasticsearch.distribution.integ-test-zip"
ARTIFACT = "elasticsearch"


def coordinates(version: str) -> str:
    return f"{GROUP}:{ARTIFACT}:{version}:zip"


class DownloadFailed(RsearchError):
    pass


def _zip_name(version: str) -> str:
    return f"{ARTIFACT}-{version}.zip"


def _maven_local_repo() -> Path:
    return Path(os.environ.get("MAVEN_LOCAL_REPO", Path.home() / ".m2" / "repository"))


def _maven_path(version: str) -> str:
    return f"{GROUP.replace('.', '/')}/{ARTIFACT}/{version}/{_zip_name(version)}"


def cached_zip(home: Path, version: str) -> Path | None:
    """The zip if this machine already has it (our cache or Maven's)."""
    for candidate in (
        home / "downloads" / _zip_name(version),
        _maven_local_repo() / _maven_path(version),
    ):
        if candidate.is_file() and zipfile.is_zipfile(candidate):
            return candidate
    return None


def _download_with_maven(mvn: str, version: str, dest_dir: Path) -> Path:
    cmd = [
        mvn, "-B", "-q", "--strict-checksums",
        "org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy",
        f"-Dartifact={coordinates(version)}",
        f"-DoutputDirectory={dest_dir}",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    target = dest_dir / _zip_name(version)
    if proc.returncode != 0 or not target.is_file():
        last = [l for l in (proc.stdout + proc.stderr).splitlines() if "ERROR" in l][:1]
        reason = last[0].strip() if last else f"mvn exited with {proc.returncode}"
        raise DownloadFailed(
            f"could not download {coordinates(version)} with Maven: {reason}"
        )
    return target


def _fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as resp:
        return resp.read()


def _download_over_https(repo_url: str, version: str, dest_dir: Path) -> Path:
    url = f"{repo_url.rstrip('/')}/{_maven_path(version)}"
    try:
        expected = _fetch(url + ".sha1").decode().split()[0].strip().lower()
        fd, tmp = tempfile.mkstemp(dir=dest_dir, suffix=".part")
        sha1 = hashlib.sha1()
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=60) as resp:
            while chunk := resp.read(1 << 20):
                sha1.update(chunk)
                out.write(chunk)
    except (urllib.error.URLError, OSError, IndexError) as exc:
        raise DownloadFailed(f"could not download {coordinates(version)} from {url}: {exc}")
    if sha1.hexdigest() != expected:
        os.unlink(tmp)
        raise DownloadFailed(
            f"checksum mismatch for {coordinates(version)} from {url}: "
            f"sha1 {sha1.hexdigest()} != published {expected}"
        )
    target = dest_dir / _zip_name(version)
    os.replace(tmp, target)
    return target


def fetch_zip(home: Path, version: str) -> Path:
    """Return the distribution zip, downloading it only if no copy exists."""
    found = cached_zip(home, version)
    if found:
        return found
    dest = home / "downloads"
    dest.mkdir(parents=True, exist_ok=True)
    repo = os.environ.get("RSEARCH_MAVEN_REPOSITORY")
    mvn = shutil.which("mvn")
    if repo:
        return _download_over_https(repo, version, dest)
    if mvn:
        return _download_with_maven(mvn, version, dest)
    raise DownloadFailed(
        f"cannot download {coordinates(version)}: no mvn on PATH and "
        "RSEARCH_MAVEN_REPOSITORY is not set; install Maven or set it to a Maven repository URL"
    )


def ensure_distribution(home: Path, version: str) -> Path:
    """Return the unpacked Elasticsearch home, unpacking the zip if needed."""
    dist = home / "dist" / f"elasticsearch-{version}"
    if (dist / "bin" / "elasticsearch").is_file():
        return dist
    archive = fetch_zip(home, version)
    staging = Path(tempfile.mkdtemp(prefix=".unpack-", dir=home))
    try:
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(staging)
            # zipfile drops the executable bits; restore them from the entries.
            for info in zf.infolist():
                mode = (info.external_attr >> 16) & 0o777
                if mode:
                    os.chmod(staging / info.filename, mode)
        unpacked = staging / f"elasticsearch-{version}"
        dist.parent.mkdir(parents=True, exist_ok=True)
        os.replace(unpacked, dist)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return dist
