"""Peak memory of ``rsearch index`` against the size of one input file.

    .venv/bin/python bench/bench_memory.py [--es-url URL] [--sizes 1,10,50,200] [--python OTHER/.venv/bin/python]

Each case is one ``rsearch index FILE`` in a child process (a fresh alias),
its process tree (the indexer and its worker processes) sampled every 50 ms
with psutil: the peak of the tree's resident memory (RSS summed, which
counts pages the forked workers share once per process: an upper bound),
the wall time, the exit code and the lines it printed on stderr. The target
(issue 20): under 500 MB for any single input, whatever its size.

Cases: text files of the given sizes (the seeds repeated), a sparse 40 GB
.txt (all zero bytes) at the default limits and with RSEARCH_MAX_FILE_MB
raised past it, a 1.3 MB .docx holding 300 MB of XML, a .docx and an HTML
page at the markup limit (RSEARCH_MAX_MARKUP_MB, 20 MB).

``--python`` runs another checkout's interpreter (its ``-m rsearch.cli``),
for the figures of the code before. Without --es-url a local node (heap 1g)
is started in a temporary directory. Figures: docs (Measured) and the report.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench" / "out" / "memory"
LIMIT_MB = 500


def text_file(mb: float) -> Path:
    path = OUT / f"text_{mb:g}mb.txt"
    if not path.exists() or path.stat().st_size < mb * 2**20:
        seeds = [p.read_text(encoding="utf-8") for p in sorted((REPO / "seeds").glob("*.txt"))]
        with path.open("w", encoding="utf-8") as fh:
            written, n = 0, 0
            while written < mb * 2**20:
                block = seeds[n % len(seeds)] + "\n\n"
                fh.write(block)
                written += len(block.encode("utf-8"))
                n += 1
    return path


def sparse_file(gb: int) -> Path:
    path = OUT / f"sparse_{gb}gb.txt"
    with path.open("wb") as fh:
        fh.truncate(gb * 2**30)
    return path


def docx_with_xml(mb: float, name: str) -> Path:
    path = OUT / name
    if path.exists():
        return path
    original = REPO / "tests" / "reports" / "fmt_feature.docx"
    with zipfile.ZipFile(original) as zin:
        members = {info.filename: zin.read(info) for info in zin.infolist()}
    body = members["word/document.xml"]
    at = body.index(b"<w:body>") + len(b"<w:body>")
    para = ("<w:p><w:r><w:t>" + "党史学习教育工作会议在北京召开。" * 20 + "</w:t></w:r></w:p>").encode()
    members["word/document.xml"] = body[:at] + para * int(mb * 2**20 // len(para)) + body[at:]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for member, data in members.items():
            zout.writestr(member, data)
    path.write_bytes(out.getvalue())
    return path


def html_file(mb: float) -> Path:
    path = OUT / f"page_{mb:g}mb.html"
    if not path.exists():
        para = "<p>" + "党史学习教育工作会议在北京召开，与会人员交流了学习体会。" * 10 + "</p>\n"
        body = para * int(mb * 2**20 // len(para.encode("utf-8")))
        path.write_text(f"<html><head><title>大页面</title></head><body><article><h1>大页面</h1>{body}"
                        "</article></body></html>", encoding="utf-8")
    return path


def measure(python: str, es_url: str, path: Path, env: dict | None = None) -> dict:
    import psutil

    alias = f"bench-memory-{uuid.uuid4().hex[:8]}"
    environ = {**os.environ, "RSEARCH_ES_URL": es_url, "RSEARCH_INDEX": alias, **(env or {})}
    started = time.monotonic()
    # cwd: not a checkout, so that ``-m rsearch.cli`` is the interpreter's own rsearch.
    proc = subprocess.Popen([python, "-m", "rsearch.cli", "index", str(path)], env=environ, cwd=OUT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    root = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            tree = [root, *root.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.05)
    out, err = proc.communicate()
    seconds = time.monotonic() - started
    lines = [line for line in err.splitlines() if line.strip()]
    _drop(es_url, alias)
    return {"file": path.name, "size_mb": round(path.stat().st_size / 2**20, 1), "env": env or {},
            "peak_rss_mb": round(peak / 2**20), "seconds": round(seconds, 1), "exit": proc.returncode,
            "stderr_lines": len(lines), "traceback": "Traceback" in err,
            "first_line": (lines[0][:200] if lines else out.strip()[-200:])}


def _drop(es_url: str, alias: str) -> None:
    from elasticsearch import Elasticsearch

    es = Elasticsearch(es_url)
    found = es.options(ignore_status=404).indices.get(index=f"{alias}*")
    if found and found.body:
        es.indices.delete(index=",".join(found.body))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--es-url")
    ap.add_argument("--sizes", default="1,10,50,200", help="text file sizes in MB")
    ap.add_argument("--python", default=sys.executable, help="the interpreter of the checkout to measure")
    ap.add_argument("--only", help="comma-separated case names (text, sparse, bomb, limit)")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    only = set(args.only.split(",")) if args.only else {"text", "sparse", "bomb", "limit"}
    cases: list[tuple[Path, dict]] = []
    if "text" in only:
        cases += [(text_file(float(mb)), {}) for mb in args.sizes.split(",")]
    if "sparse" in only:
        sparse = sparse_file(40)
        cases += [(sparse, {}), (sparse, {"RSEARCH_MAX_FILE_MB": "50000"})]
    if "bomb" in only:
        cases.append((docx_with_xml(300, "bomb_300mb_xml.docx"), {}))
    if "limit" in only:
        cases += [(docx_with_xml(19, "docx_19mb_xml.docx"), {}), (html_file(19.5), {})]

    sys.path.insert(0, str(REPO))
    from rsearch.localnode.temporary import node_url

    with node_url(args.es_url) as url:
        results = []
        for path, env in cases:
            result = measure(args.python, url, path, env)
            results.append(result)
            flag = "" if result["peak_rss_mb"] < LIMIT_MB else f"  (over {LIMIT_MB} MB)"
            print(f"{result['file']:>24} {result['size_mb']:>9,.1f} MB {' '.join(f'{k}={v}' for k, v in env.items()):>26}"
                  f"  peak {result['peak_rss_mb']:>5} MB{flag}  {result['seconds']:>7.1f} s  exit {result['exit']}"
                  f"  {result['stderr_lines']} line(s){'  TRACEBACK' if result['traceback'] else ''}"
                  f"  {result['first_line'][:90]}", flush=True)
        (OUT / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))
    sparse = OUT / "sparse_40gb.txt"
    if sparse.exists():
        sparse.unlink()


if __name__ == "__main__":
    main()
