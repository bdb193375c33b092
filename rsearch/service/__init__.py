"""``rsearch serve``: the JSON HTTP API and the search page, a thin layer over
the library (search.search, search.documents), like the CLI.

    from rsearch.service import create_app
    app = create_app(settings)          # an ASGI app (FastAPI)

Only ``rsearch serve`` imports this package: the web stack is not loaded by
``rsearch search``.
"""

from .app import create_app

__all__ = ["create_app"]
