"""Get, verify and unpack the official Elasticsearch test distribution.

The artifact is ``org.elasticsearch.distribution.integ-test-zip:elasticsearch``
(packaging ``zip``) on Maven Central. It holds only the server, the transport
modules and the x-pack core and security modules, which is all this project uses.

Maven Central serves no checksum files for this artifact (no .sha1, .md5 or
.sha512: 404 for each), so Maven's own ``--strict-checksums`` can only fail.
Its SHA-256 is pinned in the repository instead (``ES_SHA256`` in
core.settings, beside ``ES_VERSION``), and every zip is checked against it
before it is used, whichever way it arrived:
  * with ``RSEARCH_MAVEN_REPOSITORY`` set: HTTPS from that Maven repository (a
    Maven Central URL or a mirror);
  * else with ``mvn`` on PATH: ``mvn dependency:copy`` (the zip then also stays
    in ~/.m2 for other checkouts);
  * a copy already in ``<home>/downloads`` or the local Maven repository is
    checked the same way; a copy that does not match is removed and fetched
    again, a download that does not match is removed and is an error naming
    both hashes.
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

from rsearch.core.errors import RsearchError
from rsearch.core.settings import ENV_MAVEN_REPOSITORY, env

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


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def expected_sha256(version: str) -> str:
    from rsearch.core.settings import ES_SHA256

    try:
        return ES_SHA256[version]
    except KeyError:
        raise DownloadFailed(
            f"no SHA-256 is pinned for Elasticsearch {version}; add it to ES_SHA256 in core/settings.py"
        ) from None


def _verified(path: Path, sha256: str, origin: str) -> Path:
    """``path`` if its SHA-256 is ``sha256``; otherwise remove it and fail."""
    actual = sha256_of(path)
    if actual != sha256.lower():
        path.unlink(missing_ok=True)
        raise DownloadFailed(
            f"checksum mismatch for {path.name} from {origin}: expected SHA-256 {sha256.lower()}, "
            f"got {actual}; the file was removed"
        )
    return path


def cached_zip(home: Path, version: str, sha256: str) -> Path | None:
    """The zip if this machine already has a copy that matches the pinned hash.

    A copy that does not match (truncated, or tampered with) is removed so the
    next step downloads a good one.
    """
    for candidate in (
        home / "downloads" / _zip_name(version),
        _maven_local_repo() / _maven_path(version),
    ):
        if candidate.is_file():
            if sha256_of(candidate) == sha256.lower():
                return candidate
            try:
                candidate.unlink()
            except OSError:
                pass
    return None


def _download_with_maven(mvn: str, version: str, dest_dir: Path) -> Path:
    cmd = [
        # No --strict-checksums: Central publishes none for this artifact; the
        # pinned SHA-256 is checked by the caller instead.
        mvn, "-B", "-q",
        "org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy",
        f"-Dartifact={coordinates(version)}",
        f"-DoutputDirectory={dest_dir}",
    ]
    if os.environ.get("MAVEN_LOCAL_REPO"):
        cmd.append(f"-Dmaven.repo.local={os.environ['MAVEN_LOCAL_REPO']}")
    proc = subprocess.run(cmd, capture_output=True, text=True)
    target = dest_dir / _zip_name(version)
    if proc.returncode != 0 or not target.is_file():
        last = [l for l in (proc.stdout + proc.stderr).splitlines() if "ERROR" in l][:1]
        reason = last[0].strip() if last else f"mvn exited with {proc.returncode}"
        raise DownloadFailed(
            f"could not download {coordinates(version)} with Maven: {reason}"
        )
    return target


def _download_over_https(repo_url: str, version: str, dest_dir: Path) -> Path:
    url = f"{repo_url.rstrip('/')}/{_maven_path(version)}"
    fd, tmp = tempfile.mkstemp(dir=dest_dir, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=60) as resp:
            shutil.copyfileobj(resp, out, 1 << 20)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        os.unlink(tmp)
        raise DownloadFailed(f"could not download {coordinates(version)} from {url}: {exc}") from None
    target = dest_dir / _zip_name(version)
    os.replace(tmp, target)
    return target


def fetch_zip(home: Path, version: str, sha256: str | None = None) -> Path:
    """Return the distribution zip, verified against the pinned SHA-256.

    A verified copy already on this machine is reused; otherwise it is
    downloaded and verified before it is returned.
    """
    sha256 = sha256 or expected_sha256(version)
    found = cached_zip(home, version, sha256)
    if found:
        return found
    dest = home / "downloads"
    dest.mkdir(parents=True, exist_ok=True)
    repo = env(ENV_MAVEN_REPOSITORY)
    mvn = shutil.which("mvn")
    if repo:
        url = f"{repo.rstrip('/')}/{_maven_path(version)}"
        return _verified(_download_over_https(repo, version, dest), sha256, url)
    if mvn:
        return _verified(_download_with_maven(mvn, version, dest), sha256, "Maven")
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
