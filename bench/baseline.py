"""Another commit's code, importable as ``rsearch.*``, for benchmarks that
compare it with this checkout in one run (alternating, under the same load).

    code = extract("d248be2", Path(tmp))   # then PYTHONPATH=code, cwd elsewhere

``git archive`` of the commit's packages into a directory; the folders the
wheel maps into ``rsearch`` (core/, indexer/, search/: pyproject's
package-dir) are linked under ``rsearch/`` so that ``import rsearch.core``
finds that commit's code. A process run with that directory first on
PYTHONPATH, from a working directory other than the repository, imports the
commit's code instead of this checkout's (the editable install's finder
comes after PYTHONPATH).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAPPED = ("core", "indexer", "search")


def extract(rev: str, into: Path) -> Path:
    code = into / f"code-{rev}"
    code.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "rsearch", "mappings", *MAPPED],
                             check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(code)], input=archive.stdout, check=True)
    for name in MAPPED:
        link = code / "rsearch" / name
        if not link.exists():
            link.symlink_to(Path("..") / name)
    return code
