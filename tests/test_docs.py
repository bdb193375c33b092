"""Every command and every option of the CLI is in the README (the model:
sqlite-utils' tests/test_docs.py): a new option without documentation fails here."""

from __future__ import annotations

import click
import pytest

from paths import REPO
from rsearch.cli import cli

README = (REPO / "README.md").read_text(encoding="utf-8")


def walk(group: click.Group, path: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from walk(command, (*path, name))


COMMANDS = list(walk(cli))
OPTIONS = sorted({(" ".join(path), opt) for path, command in [((), cli), *COMMANDS]
                  for param in command.params if isinstance(param, click.Option)
                  for opt in param.opts if opt.startswith("--")})


def test_the_walk_finds_the_commands():
    assert {" ".join(p) for p, _ in COMMANDS} >= {"index", "search", "show", "stats", "es start", "kibana setup"}


@pytest.mark.parametrize("path", [" ".join(p) for p, _ in COMMANDS])
def test_every_command_is_documented(path):
    assert f"rsearch {path}" in README, f"`rsearch {path}` is not in the README"


@pytest.mark.parametrize("command, option", OPTIONS)
def test_every_option_is_documented(command, option):
    assert option in README, f"{option} of `rsearch {command}`".rstrip() + " is not in the README"


def test_every_setting_is_documented():
    """Every RSEARCH_* variable core.settings reads is in the README or docs/."""
    from rsearch.core import settings

    docs = README + "".join(p.read_text(encoding="utf-8") for p in (REPO / "docs").glob("**/*.md"))
    names = [v for k, v in vars(settings).items() if k.startswith("ENV_")]
    assert len(names) > 10
    assert [n for n in names if n not in docs] == []
