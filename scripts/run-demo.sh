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
echo; echo "The node keeps running: try \`.venv/bin/rsearch search ...\`; stop it with \`.venv/bin/rsearch es stop\`."
