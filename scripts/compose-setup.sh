#!/bin/sh
# One-shot provisioning for docker compose (the kibana-setup service):
#   1. index seeds/ when the index is empty or missing, so the dashboard has data;
#   2. import the Kibana objects, waiting for Kibana to report itself available.
# Re-running is harmless: a filled index is left alone, objects are overwritten.
set -eu
cd "$(dirname "$0")/.."

chunks=$(rsearch stats --json 2>/dev/null \
  | python -c 'import json, sys; print(json.load(sys.stdin)["chunks"])' 2>/dev/null || echo 0)
if [ "$chunks" = "0" ]; then
  echo "index '${RSEARCH_INDEX:-reports}' is empty: indexing seeds/"
  rsearch index seeds/
else
  echo "index '${RSEARCH_INDEX:-reports}' has $chunks chunks: left as it is"
fi

rsearch kibana setup --wait "${RSEARCH_KIBANA_WAIT:-600}"
