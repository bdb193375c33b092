"""The local node's state file: which process runs it and at which URL.

``rsearch es start`` (rsearch.localnode) writes it; Settings reads it to find
the node when no URL is configured. One module owns its place and format, so
neither side hard-codes the other's file.
"""

from __future__ import annotations

import json
from pathlib import Path

STATE_NAME = "node.json"


def node_directory(home: Path) -> Path:
    """Where the default local node of state directory ``home`` lives."""
    return Path(home) / "node"


def state_file(directory: Path) -> Path:
    return Path(directory) / STATE_NAME


def read_state(home: Path, directory: Path | None = None) -> dict | None:
    """``{"pid", "port", "url"}`` of the node in ``directory`` (default: home's node), or None."""
    path = state_file(directory or node_directory(home))
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) and "url" in state and "pid" in state else None


def write_state(directory: Path, *, pid: int, port: int, url: str) -> None:
    state_file(directory).write_text(json.dumps({"pid": pid, "port": port, "url": url}))
