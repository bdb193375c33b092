"""Python preparation per MB (read, structure, places, dates, chunks,
analysis, bulk JSON), against another revision, with the documents compared.

    .venv/bin/python bench/bench_prepare.py CORPUS [--against REV] [--rounds 3]
    .venv/bin/python bench/bench_prepare.py CORPUS --profile [--top 40]
    py-spy record -r 250 --format raw -o spy.raw -- \
        .venv/bin/python bench/bench_prepare.py --child CORPUS
    .venv/bin/python bench/bench_prepare.py --stages spy.raw

* ``--against REV`` (a git revision, e.g. ``HEAD~3`` or ``main``): REV's
  packages are unpacked (bench/baseline.py) and put first on the child's
  PYTHONPATH; rounds alternate old / new, each
  a fresh child process that prepares every file of the seeds, tests/reports
  and CORPUS exactly as ``rsearch index`` does (indexer.sync.prepare_file)
  and serialises each document as the bulk request would. Prints the
  CPU-seconds per MB of input of each (user + system of the child, import
  and warm-up excluded: a file of each type is prepared once before the
  clock starts),
  their ratio, peak RSS, and whether the documents are IDENTICAL (sha256 of
  every document's canonical JSON, by id; the first differences are shown).
  Exit status 1 when they differ.
* ``--stages RAW``: the share of each stage in a py-spy raw profile of
  ``--child`` (sampling: no overhead skews the shares, unlike cProfile).
* ``--profile``: cProfile of one in-process run; prints the CPU share of
  each stage (inclusive time of the stage's entry points) and the top
  functions by own time.

CPU-seconds, not wall time: the machine is shared.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXED_INPUTS = [REPO / "seeds", REPO / "tests" / "reports"]


def _files(corpus: list[str]) -> list[Path]:
    from rsearch.indexer.pipeline import iter_files

    return list(iter_files([*FIXED_INPUTS, *corpus]))


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def child(corpus: list[str], digests: str | None) -> None:
    """One round in this process: prepare every file, print a JSON summary."""
    from rsearch.indexer.sync import prepare_file, source_key

    try:  # the serialiser the bulk helper uses (orjson when installed)
        from elasticsearch.serializer import JsonSerializer

        dumps = JsonSerializer().dumps
    except ImportError:  # pragma: no cover
        dumps = lambda d: json.dumps(d, ensure_ascii=False)  # noqa: E731
    files = _files(corpus)
    # Warm-up: one file of each type, so that the readers' lazy imports (the
    # PDF, Word and HTML libraries, the OCR engine for the scan in
    # tests/reports) and tables are not counted as per-MB work.
    for path in {f.suffix.lower(): f for f in reversed(files)}.values():
        prepare_file((path, source_key(path), frozenset()))
    mb = sum(f.stat().st_size for f in files) / 2**20
    out = open(digests, "w", encoding="utf-8") if digests else None
    start = _cpu()
    n_docs = n_bytes = 0
    digest_cpu = 0.0  # the comparison's own work, not counted
    for path in files:
        key = source_key(path)
        chunks, error = prepare_file((path, key, frozenset()))
        if error is not None:
            if out:
                out.write(f"{key}\terror\t{error}\n")
            continue
        for chunk_id, _, doc in chunks:
            body = dumps(doc)  # bytes already when prepare_file serialises
            n_docs += 1
            n_bytes += len(body)
            if out:
                digest_from = _cpu()
                canonical = json.dumps(json.loads(body), ensure_ascii=False, sort_keys=True)
                out.write(f"{key}\t{chunk_id}\t{hashlib.sha256(canonical.encode()).hexdigest()}\n")
                digest_cpu += _cpu() - digest_from
    cpu = _cpu() - start - digest_cpu
    if out:
        out.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    import rsearch.indexer  # which code ran: the caller checks

    print(json.dumps(dict(cpu=cpu, mb=mb, docs=n_docs, json_mb=n_bytes / 2**20, peak_mb=peak_mb,
                          code=str(Path(rsearch.indexer.__file__).resolve()))))


def _run_child(code: Path | None, corpus: list[str], digests: str | None) -> dict:
    """A child on ``code`` (bench/baseline.py's extract: another commit's
    packages first on PYTHONPATH, run from outside the repository), or on
    this checkout (None)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", *corpus]
    if digests:
        cmd += ["--digests", digests]
    env = dict(os.environ)
    if code is not None:
        env["PYTHONPATH"] = str(code)
    done = subprocess.run(cmd, cwd=code.parent if code else REPO, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"child failed on {code or REPO}:\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if not Path(result["code"]).is_relative_to((code or REPO).resolve()):
        raise SystemExit(f"the child ran {result['code']}, not the code of {code or REPO}")
    return result


def _compare(old: str, new: str) -> list[str]:
    def load(path):
        with open(path, encoding="utf-8") as fh:
            return [line.rstrip("\n") for line in fh]

    a, b = load(old), load(new)
    if a == b:
        return []
    diffs = [f"old: {x}\n  new: {y}" for x, y in zip(a, b) if x != y][:5]
    if len(a) != len(b):
        diffs.append(f"{len(a)} documents before, {len(b)} after")
    return diffs


def against(rev: str, corpus: list[str], rounds: int) -> int:
    sys.path.insert(0, str(REPO / "bench"))
    corpus = [str(Path(c).resolve()) for c in corpus]
    from baseline import extract

    with tempfile.TemporaryDirectory(prefix="rsearch-prepare-") as tmp:
        # REV's packages, importable as rsearch.* (a worktree on PYTHONPATH is
        # not: the editable install's finder maps rsearch.core to this checkout).
        old_code = extract(rev, Path(tmp))
        results: dict[str, list[dict]] = {"old": [], "new": []}
        for n in range(rounds):
            for name, code in (("old", old_code), ("new", None)) if n % 2 == 0 else (("new", None), ("old", old_code)):
                digests = str(Path(tmp, f"{name}.tsv")) if n == 0 else None
                results[name].append(_run_child(code, corpus, digests))
                r = results[name][-1]
                print(f"round {n + 1} {name}: {r['cpu'] / r['mb']:.3f} CPU-s/MB, peak {r['peak_mb']:.0f} MB",
                      flush=True)
        diffs = _compare(str(Path(tmp, "old.tsv")), str(Path(tmp, "new.tsv")))
    med = {k: statistics.median(r["cpu"] / r["mb"] for r in v) for k, v in results.items()}
    # Another process on the machine only ever adds CPU time (shared caches,
    # frequency): the least of the rounds is the steadier figure on a busy machine.
    low = {k: min(r["cpu"] / r["mb"] for r in v) for k, v in results.items()}
    r = results["new"][0]
    print(f"input {r['mb']:.1f} MB, {r['docs']} documents, bulk JSON {r['json_mb'] / r['mb']:.2f} MB per MB")
    print(f"CPU-s per MB (median of {rounds}): {rev} {med['old']:.3f}, working tree {med['new']:.3f}, "
          f"new/old {med['new'] / med['old']:.2f}; least of {rounds}: {low['old']:.3f}, {low['new']:.3f}, "
          f"new/old {low['new'] / low['old']:.2f}")
    print("peak RSS MB: old " + ", ".join(f"{x['peak_mb']:.0f}" for x in results["old"])
          + "; new " + ", ".join(f"{x['peak_mb']:.0f}" for x in results["new"]))
    if diffs:
        print("documents DIFFER:")
        for d in diffs:
            print("  " + d)
        return 1
    print(f"documents IDENTICAL ({r['docs']} documents, seeds + tests/reports + corpus)")
    return 0


# Stage -> the functions whose inclusive time is that stage (module, name).
STAGES = {
    "read (formats, decode, normalise)": [("indexer/formats", "read_document")],
    "structure recovery (parse_reports)": [("indexer/structure/__init__.py", "parse_reports")],
    "  of which places (extract_regions in build_report)": [("indexer/metadata.py", "extract_regions")],
    "  of which dates (extract_dates)": [("indexer/metadata.py", "extract_dates")],
    "region (report_region)": [("indexer/report_region.py", "report_region")],
    "report date (report_date)": [("indexer/report_date.py", "report_date")],
    "chunking (chunk_report)": [("indexer/chunking.py", "chunk_report")],
    "document (to_document: fold check)": [("indexer/documents.py", "to_document")],
    "bulk JSON (serializer)": [("bench/bench_prepare.py", "<lambda>"), ("elasticsearch/serializer.py", "dumps")],
}


# py-spy frames -> stage: the innermost frame that names a stage wins, so a
# sub-stage ("  of which") is counted in it and also in its parent stage.
SPY_STAGES = [
    ("read (formats, decode, normalise)", "read_document (indexer/formats", None),
    ("structure recovery (parse_reports)", "parse_reports (indexer/structure/__init__.py", None),
    ("  places in structure (extract_regions)", "extract_regions (indexer/metadata.py", "parse_reports"),
    ("  dates in structure (extract_dates)", "extract_dates (indexer/metadata.py", "parse_reports"),
    ("places again (traditional/upper case: pipeline)", "extract_regions (indexer/metadata.py", "!parse_reports"),
    ("region (report_region)", "report_region (indexer/report_region.py", None),
    ("  of which place scanning", "place_mentions (indexer/metadata.py", "report_region"),
    ("report date (report_date)", "report_date (indexer/report_date.py", None),
    ("chunking (chunk_report)", "chunk_report (indexer/chunking.py", None),
    ("document (to_document: fold check)", "to_document (indexer/documents.py", None),
    ("JSON (serialise the document)", "dumps (", None),
]


def stages(raw: str) -> None:
    counts = {name: 0 for name, _, _ in SPY_STAGES}
    total = 0
    with open(raw, encoding="utf-8") as fh:
        for line in fh:
            stack, _, n = line.rstrip("\n").rpartition(" ")
            n = int(n)
            if "prepare_file (" not in stack and "dumps (" not in stack:
                continue  # start-up, imports, the file walk: not per-file work
            total += n
            for name, frame, within in SPY_STAGES:
                pos = stack.find(frame)
                if pos < 0:
                    continue
                if within is None or (within[0] == "!" and within[1:] not in stack) or (
                        within[0] != "!" and within in stack[:pos]):
                    counts[name] += n
    print(f"{total} samples of per-file work (prepare_file and the JSON of its documents)")
    for name, n in counts.items():
        print(f"  {name:48s} {100 * n / total:5.1f}%")
    rest = total - sum(n for name, n in counts.items() if not name.startswith(" "))
    print(f"  {'other (pipeline glue, file dates, ids)':48s} {100 * rest / total:5.1f}%")


def profile(corpus: list[str], top: int) -> None:
    import cProfile
    import pstats

    from rsearch.indexer.sync import prepare_file, source_key

    from elasticsearch.serializer import JsonSerializer

    dumps = JsonSerializer().dumps
    files = _files(corpus)
    prepare_file((files[0], source_key(files[0]), frozenset()))
    mb = sum(f.stat().st_size for f in files) / 2**20

    def run():
        for path in files:
            chunks, _ = prepare_file((path, source_key(path), frozenset()))
            for _, _, doc in chunks or ():
                dumps(doc)

    prof = cProfile.Profile(time.process_time)
    cpu0 = _cpu()
    prof.runcall(run)
    cpu = _cpu() - cpu0
    stats = pstats.Stats(prof)
    total = stats.total_tt
    print(f"{mb:.1f} MB, {cpu:.1f} CPU-s under the profiler ({cpu / mb:.2f} CPU-s/MB; the profiler adds overhead)")
    for stage, keys in STAGES.items():
        t = 0.0
        for (file, line, name), (cc, nc, tt, ct, callers) in stats.stats.items():
            if any(name == n and m in file for m, n in keys):
                t += ct  # inclusive; cProfile counts a recursive call's time once
        print(f"  {stage:58s} {100 * t / total:5.1f}%")
    stats.sort_stats("tottime").print_stats(top)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="*")
    parser.add_argument("--against")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--stages", metavar="RAW")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--digests", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.corpus, args.digests)
        return 0
    sys.path.insert(0, str(REPO))
    if args.stages:
        stages(args.stages)
        return 0
    if args.profile:
        profile(args.corpus, args.top)
        return 0
    if args.against:
        return against(args.against, args.corpus, args.rounds)
    parser.error("give --against REV or --profile")
    return 2


if __name__ == "__main__":
    sys.exit(main())
