"""Running the CLI in-process, and what a bad input must give: one ``Error:`` line."""

from __future__ import annotations

from click.testing import CliRunner

from rsearch.cli import cli


def run_cli(*args, env=None):
    return CliRunner().invoke(cli, list(args), env=env)


def assert_one_error(result, *fragments, exit_code=1):
    """Exit non-zero, exactly one Error: line on stderr, nothing else broken."""
    assert result.exit_code == exit_code, (result.exit_code, result.output, result.exception)
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in errors[0], (fragment, errors[0])
    return errors[0]
