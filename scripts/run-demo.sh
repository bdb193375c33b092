#!/usr/bin/env bash
# The main job on a fresh clone: install, start the local Elasticsearch node,
# index seeds/, and run a few example searches.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
rs=.venv/bin/rsearch
$rs es start            # says so, and goes on, if it is already running
$rs index seeds/
$rs stats
echo; echo '$ rsearch search 党史学习教育 --group-by-report -n 3'
$rs search 党史学习教育 --group-by-report -n 3
echo; echo '$ rsearch search 黨史學習教育 西工区 -n 2     # traditional script finds simplified text'
$rs search 黨史學習教育 西工区 -n 2
echo; echo '$ rsearch search "\"为民办实事\"" --filter people=张改华 -n 2'
$rs search '"为民办实事"' --filter people=张改华 -n 2

# Last, the search page and the JSON API, in the background so this script
# ends (and nothing above waits for it). Its log: .venv/rsearch-serve.log.
port=${RSEARCH_DEMO_PORT:-8000}
url="http://127.0.0.1:$port/"
answers() { .venv/bin/python -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "${url}health" 2>/dev/null; }
if answers; then
  echo; echo "rsearch serve is already running at $url"
else
  nohup $rs serve --port "$port" > .venv/rsearch-serve.log 2>&1 &
  serve_pid=$!
  for _ in $(seq 1 60); do
    answers && break
    kill -0 "$serve_pid" 2>/dev/null || { echo "Error: rsearch serve did not start:"; tail -n 5 .venv/rsearch-serve.log; exit 1; }
    sleep 0.5
  done
  echo; echo "rsearch serve is running (pid $serve_pid; stop it with \`kill $serve_pid\`)."
fi
echo "Search page: ${url}?q=党史学习教育    API docs: ${url}docs"
echo "The node keeps running: try \`.venv/bin/rsearch search ...\`; stop it with \`.venv/bin/rsearch es stop\`."
