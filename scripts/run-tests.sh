#!/usr/bin/env bash
# Set up and run every test. The tests start their own Elasticsearch node (or
# use RSEARCH_ES_URL / docker compose, see tests/conftest.py) and stop it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/python -m pytest "$@"
