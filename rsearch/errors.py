"""Errors the user can act on. The CLI prints ``Error: <message>`` (one line,
plus optional ``details`` lines) and exits non-zero; no traceback."""


class RsearchError(Exception):
    """An error with a one-line message that tells the user what to do."""

    exit_code = 1

    def __init__(self, message: str, details: str | None = None):
        super().__init__(message)
        self.details = details
