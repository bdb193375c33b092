"""Errors the user can act on. The CLI prints ``Error: <message>`` (one line,
plus optional ``details`` lines) and exits non-zero; no traceback."""


class RsearchError(Exception):
    """An error with a one-line message that tells the user what to do."""

    exit_code = 1

    def __init__(self, message: str, details: str | None = None):
        super().__init__(message)
        self.details = details


def unreachable(url: str, detail: str = "") -> RsearchError:
    """The one message for a cluster that does not answer."""
    detail = f" ({detail})" if detail else ""
    return RsearchError(
        f"cannot reach Elasticsearch at {url}{detail}: start the local node with "
        "`rsearch es start` or set RSEARCH_ES_URL / --es-url")
