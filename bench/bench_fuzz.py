"""A larger fuzz campaign than the test suite's: random query strings
(tests/fuzz_text.py: Chinese, emoji, control characters, NUL, lone
surrogates, query syntax, seed words; also strings around the length limit)
at the query parser, at search.search() and at `rsearch search --json`
(in-process, click's CliRunner), against a real node holding the seeds.

    .venv/bin/python bench/bench_fuzz.py --es-url URL [--examples 2000]

Prints, per target, the number of calls and the outcomes by type. The only
acceptable outcomes are success and the project's own errors; anything else
is listed with its first example and the exit code is 1.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from click.testing import CliRunner  # noqa: E402
from hypothesis import HealthCheck, Phase, given, settings, strategies as st  # noqa: E402

from fuzz_text import near_the_limit, queries  # noqa: E402
from rsearch.indexer.sync import index_paths  # noqa: E402
from rsearch.cli import cli  # noqa: E402
from rsearch.core.errors import RsearchError  # noqa: E402
from rsearch.core.settings import Settings  # noqa: E402
from rsearch.search import search  # noqa: E402
from rsearch.search.analysed import MAX_QUERY_CHARS
from rsearch.search.query_language import DEFAULT_FIELDS as FILTERS  # noqa: E402
from rsearch.search.query_language import QuerySyntaxError, parse  # noqa: E402

OUTCOMES: dict[str, Counter] = {}
UNEXPECTED: dict[str, tuple[str, str]] = {}  # "target: type" -> (example, message)


def record(target: str, outcome: str, example: str = "", message: str = "", bad: bool = False) -> None:
    OUTCOMES.setdefault(target, Counter())[outcome] += 1
    if bad:
        UNEXPECTED.setdefault(f"{target}: {outcome}", (example[:120], message[:300]))


def _kind(message: str) -> str:
    """What a QueryError was about, from its message."""
    if "not valid UTF-8" in message:
        return "not UTF-8"
    for prefix, kind in (("bad query", "syntax"), ("bad date", "date"), ("the query is", "too long")):
        if message.startswith(prefix):
            return kind
    return message.split(":")[0][:40]


def campaign(examples: int, es, url: str, alias: str) -> None:
    run = settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
                   derandomize=False, suppress_health_check=list(HealthCheck))

    @run
    @given(st.one_of(queries, st.text()))
    def parser(query):
        try:
            parse(query, fields=FILTERS)
            record("parser", "ok")
        except QuerySyntaxError:
            record("parser", "QuerySyntaxError")
        except Exception as err:  # noqa: BLE001 - counted and reported
            record("parser", type(err).__name__, query, str(err), bad=True)

    @run
    @given(st.one_of(queries, queries, queries, near_the_limit(MAX_QUERY_CHARS)),
           st.sampled_from(["and", "or"]), st.booleans())
    def library(query, operator, group):
        try:
            result = search(query, client=es, index=alias, operator=operator, group_by_report=group)
            json.dumps(result.to_dict(), ensure_ascii=False).encode("utf-8")
            record("search()", "ok, hits" if result.total else "ok, no hits")
        except RsearchError as err:
            record("search()", f"{type(err).__name__} ({_kind(str(err))})", query, str(err),
                   bad=type(err).__name__ != "QueryError")
        except Exception as err:  # noqa: BLE001
            record("search()", type(err).__name__, query, str(err), bad=True)

    @run
    @given(queries, st.booleans())
    def command_line(query, split):
        words = query.split() if split else [query]
        result = CliRunner().invoke(cli, ["--es-url", url, "--index", alias, "search", "--json", "--", *words])
        target = "rsearch search --json"
        if not isinstance(result.exception, (SystemExit, type(None))):
            record(target, f"exception {type(result.exception).__name__}", query, str(result.exception), bad=True)
        elif result.exit_code == 0:
            try:
                json.loads(result.stdout)
                ok = result.stderr == ""
            except ValueError:
                ok = False
            record(target, "exit 0, valid JSON" if ok else "exit 0, bad output", query, result.output, bad=not ok)
        else:
            lines = result.stderr.splitlines()
            ok = result.stdout == "" and len(lines) == 1 and lines[0].startswith("Error: ")
            kind = _kind(lines[0][len("Error: "):]) if lines else ""
            record(target, f"exit {result.exit_code}, one Error: line ({kind})" if ok else f"exit {result.exit_code}, bad output",
                   query, result.output, bad=not ok)

    for name, test in (("parser", parser), ("search()", library), ("rsearch search --json", command_line)):
        started = time.perf_counter()
        test()
        print(f"{name}: {sum(OUTCOMES.get(name, Counter()).values())} calls in "
              f"{time.perf_counter() - started:.1f} s", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--es-url", required=True)
    ap.add_argument("--examples", type=int, default=2000, help="examples per target")
    args = ap.parse_args()
    es = Settings(url=args.es_url).client()
    alias = f"bench-fuzz-{uuid.uuid4().hex[:8]}"
    assert index_paths(es, alias, [REPO / "seeds"]).ok
    try:
        campaign(args.examples, es, args.es_url, alias)
    finally:
        es.indices.delete(index=",".join(es.indices.get(index=f"{alias}*")))
    print()
    print(f"{'target':24} {'calls':>6}  outcomes")
    for target, counts in OUTCOMES.items():
        outcomes = ", ".join(f"{k} {v}" for k, v in counts.most_common())
        print(f"{target:24} {sum(counts.values()):>6}  {outcomes}")
    if UNEXPECTED:
        print("\nUNEXPECTED outcomes (first example each):")
        for key, (example, message) in UNEXPECTED.items():
            print(f"  {key}: {example!r} -> {message}")
        return 1
    print("\nno unexpected outcome")
    return 0


if __name__ == "__main__":
    sys.exit(main())
