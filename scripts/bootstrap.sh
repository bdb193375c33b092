#!/usr/bin/env bash
# Create .venv and install rsearch with its test tools, at the versions in
# constraints.txt (the Docker image installs with the same file). The pip that
# comes with the interpreter does the install, as on a user's machine: no
# upgrade that could hide what a plain `pip install` gets. Re-running is
# cheap: it reinstalls only when pyproject.toml or constraints.txt changed.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.rsearch-installed
want=$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/python -m pip install -q -c constraints.txt -e ".[test]"
  echo "$want" > "$stamp"
fi
# The browser tests drive Debian's Chromium through Playwright (Playwright's
# own browser download cannot work here): install it when it is missing, with
# a small CJK font so the page's screenshot (docs/search-page.png) shows text.
# RSEARCH_BOOTSTRAP_APT=no leaves the system alone (the fresh-machine test).
if [ "${RSEARCH_BOOTSTRAP_APT:-yes}" != no ] && [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1; then
  sudo_=""; [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo_="sudo -n"
  $sudo_ apt-get update -qq && $sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei \
    || echo "bootstrap: could not install chromium; the browser tests will be skipped" >&2
fi
