#!/usr/bin/env bash
# The main job on a fresh clone: install, start the local Elasticsearch node,
# and show its health.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
rs=.venv/bin/rsearch
$rs es start
$rs es status
