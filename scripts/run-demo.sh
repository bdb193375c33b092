#!/usr/bin/env bash
# The main job on a fresh clone: install, start the local Elasticsearch node,
# index seeds/, and run a few example searches.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
rs=.venv/bin/rsearch
$rs es start            # says so, and goes on, if it is already running
# An index built by an older version (another mapping or dictionary) cannot
# be added to: rebuild it from the seeds, which is what this demo indexes.
# Only an index of the seeds alone is rebuilt here; one that also holds other
# files is left as it is, with the command that rebuilds it from all of them.
stale=$($rs stats --json 2>/dev/null | .venv/bin/python -c 'import json, sys; s = json.load(sys.stdin); print("no" if s["up_to_date"] else s["files"])' 2>/dev/null || true)
seeds=$(find seeds -maxdepth 1 -type f -name '*.txt' | wc -l)
if [ -n "$stale" ] && [ "$stale" != "no" ]; then
  if [ "$stale" -gt "$seeds" ]; then
    echo "Error: the index holds $stale files and was built by an older version of rsearch: rebuild it from all of them with \`rsearch index --rebuild PATH...\`"
    exit 1
  fi
  echo "The index was built by an older version of rsearch: rebuilding it from seeds/"
  $rs index --rebuild seeds/
else
  $rs index seeds/
fi
$rs stats
echo; echo '$ rsearch search 党史学习教育 --group-by-report -n 3'
$rs search 党史学习教育 --group-by-report -n 3
echo; echo '$ rsearch search 黨史學習教育 西工区 -n 2     # traditional script finds simplified text'
$rs search 黨史學習教育 西工区 -n 2
echo; echo '$ rsearch search "\"为民办实事\"" --filter people=张改华 -n 2'
$rs search '"为民办实事"' --filter people=张改华 -n 2

# Last, the search page and the JSON API, in the background so this script
# ends (and nothing above waits for it). Its log: .venv/rsearch-serve.log.
# The URL it serves on is kept in the state directory, so the next run finds
# it there even when it had to take another port than 8000.
home=$(.venv/bin/python -c 'from rsearch.core.settings import Settings; print(Settings.from_env().home)')
record="$home/demo-page.url"
port=${RSEARCH_DEMO_PORT:-8000}
url="http://127.0.0.1:$port/"
# An rsearch service answers /health with "service": "ok".
answers() { .venv/bin/python -c 'import json, sys, urllib.request; assert json.load(urllib.request.urlopen(sys.argv[1], timeout=2))["service"] == "ok"' "${1}health" 2>/dev/null; }
port_free() { .venv/bin/python -c 'import socket, sys; s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null; }
if [ -f "$record" ] && answers "$(cat "$record")"; then
  url=$(cat "$record")
  echo; echo "rsearch serve is already running at $url"
else
  if [ -z "${RSEARCH_DEMO_PORT:-}" ] && ! port_free "$port"; then
    # Another program holds 8000: take a free port rather than fail.
    port=$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    echo; echo "port 8000 is in use by another program: serving on port $port instead"
    url="http://127.0.0.1:$port/"
  fi
  nohup $rs serve --port "$port" > .venv/rsearch-serve.log 2>&1 &
  serve_pid=$!
  for _ in $(seq 1 60); do
    answers "$url" && break
    kill -0 "$serve_pid" 2>/dev/null || { echo "Error: rsearch serve did not start:"; tail -n 5 .venv/rsearch-serve.log; exit 1; }
    sleep 0.5
  done
  mkdir -p "$home" && echo "$url" > "$record"
  echo; echo "rsearch serve is running (pid $serve_pid; stop it with \`kill $serve_pid\`)."
fi
# Percent-encoded, so the URL works pasted into curl as well as into a browser
# (which shows it decoded): a URL must be ASCII.
query=$(.venv/bin/python -c 'import urllib.parse; print(urllib.parse.quote("党史学习教育"))')
echo "Search page (党史学习教育): ${url}?q=${query}    API docs: ${url}docs"
echo "The node keeps running: try \`.venv/bin/rsearch search ...\`; stop it with \`.venv/bin/rsearch es stop\`."
