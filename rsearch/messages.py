"""What a user reads when the library raises: the error's one line, plus what
to type next where the front ends know it. The CLI and the HTTP service both
use it, so a missing index reads the same in a terminal and in a page."""

from __future__ import annotations

from rsearch.core.errors import IndexMissing, IndexOutdated, NotFound, RsearchError

# What to type next, for library errors that name no command.
ADVICE = {
    IndexMissing: "run `rsearch index PATH...` first",
    IndexOutdated: "run `rsearch index --rebuild PATH...`",
    NotFound: "ids are printed by `rsearch search`",
}


def message(err: RsearchError) -> str:
    """The error's one line, with the advice where there is some."""
    advice = next((a for kind, a in ADVICE.items() if isinstance(err, kind)), None)
    return f"{err}: {advice}" if advice else str(err)
