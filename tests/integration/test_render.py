"""`rsearch search` in a terminal: it fits the width (display cells: a Chinese
character takes two), fragments are wrapped and indented under their title
with … where they are cut, titles are bold, and there are no colour codes
when the output is not a terminal or NO_COLOR is set.

Here the real command runs on a pseudo-terminal against a real node; the
layout alone: tests/unit/test_render.py."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys

import pytest

from rsearch.render import width_of
from indexed import new_alias
from paths import SEEDS

ANSI = re.compile(r"\x1b\[[0-9;]*m")


# -- the real command in a terminal -------------------------------------------------
@pytest.fixture(scope="module")
def alias(es):
    yield from new_alias(es, [SEEDS], "render")


def run_in_terminal(args: list[str], env: dict, columns: int = 80) -> str:
    """Output of the command run on a pseudo-terminal of ``columns`` columns."""
    import fcntl
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    proc = subprocess.Popen(args, stdout=follower, stderr=follower, stdin=subprocess.DEVNULL, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # EIO: the other side closed
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    os.close(leader)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def command(es_url: str, alias: str) -> list[str]:
    return [sys.executable, "-c", "from rsearch.cli import main; main()", "search", "党史学习教育", "-n", "3",
            "--es-url", es_url, "--index", alias]


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS", "LINES")}
    env.update(extra)
    return env


def test_on_a_terminal_it_fits_its_width_with_bold_titles(es_url, alias):
    out = run_in_terminal(command(es_url, alias), _env(), columns=80)
    assert "\x1b[1m" in out and "\x1b[31m" in out  # bold titles, coloured matches
    lines = ANSI.sub("", out).rstrip("\n").split("\n")
    assert len(lines) > 10 and max(width_of(line) for line in lines) <= 80, out
    narrow = ANSI.sub("", run_in_terminal(command(es_url, alias), _env(), columns=50)).rstrip("\n").split("\n")
    assert max(width_of(line) for line in narrow) <= 50


def test_no_colour_codes_with_no_color_or_without_a_terminal(es_url, alias):
    on_terminal = run_in_terminal(command(es_url, alias), _env(NO_COLOR="1"))
    assert "党史学习教育" in on_terminal and "\x1b[" not in on_terminal
    piped = subprocess.run(command(es_url, alias), capture_output=True, text=True, env=_env(), timeout=120)
    assert piped.returncode == 0 and "党史学习教育" in piped.stdout and "\x1b[" not in piped.stdout
    assert max(width_of(line) for line in piped.stdout.split("\n")) <= 80  # not a terminal: 80 columns
