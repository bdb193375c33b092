"""Connection settings checked before any client is built.

The official client fails on a bad URL or CA file with a ValueError or
ssl.SSLError raised deep inside (and at different moments); checking here
gives one ``Error:`` line that names the setting and the fix, the same for
every command and for the Python API.
"""

from __future__ import annotations

import ssl
from pathlib import Path
from urllib.parse import urlsplit

from .errors import CA_OPTION, ConfigError

URL_OPTION = "--es-url / RSEARCH_ES_URL"


def has_lone_surrogate(text: str) -> bool:
    """True when ``text`` holds bytes that were not UTF-8 (decoded as surrogates)."""
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def check_url(url: str) -> str:
    """``url`` if it is an http(s) URL with a host and a numeric port, else ConfigError."""
    if has_lone_surrogate(url):
        raise ConfigError(f"the Elasticsearch URL ({URL_OPTION}) is not valid UTF-8 text")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as err:
        raise ConfigError(f"bad Elasticsearch URL {url!r} ({URL_OPTION}): {err}; "
                          "write it like http://127.0.0.1:9200") from None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"bad Elasticsearch URL {url!r} ({URL_OPTION}): it needs http:// or https:// "
                          f"and a host, e.g. http://{url if '//' not in url else '127.0.0.1:9200'}")
    if not parts.hostname:
        raise ConfigError(f"bad Elasticsearch URL {url!r} ({URL_OPTION}): no host name")
    del port  # parsed only to reject a non-numeric or out-of-range port
    return url


def check_ca_file(ca_certs: str, url: str) -> None:
    """A CA file must be readable PEM and go with an https:// URL."""
    if urlsplit(url).scheme != "https":
        raise ConfigError(f"a CA certificate ({CA_OPTION}) is set but the URL {url} is not https://: "
                          "use the cluster's https:// URL, or unset the CA certificate")
    path = Path(ca_certs)
    if not path.is_file():
        raise ConfigError(f"CA certificate file {ca_certs} ({CA_OPTION}) does not exist or is not a file")
    try:
        ssl.create_default_context(cafile=str(path))
    except (ssl.SSLError, OSError, ValueError) as err:
        raise ConfigError(f"CA certificate file {ca_certs} ({CA_OPTION}) holds no usable PEM "
                          f"certificate ({getattr(err, 'reason', None) or err}): give the "
                          "cluster's CA certificate in PEM form (-----BEGIN CERTIFICATE-----)") from None


def split_urls(url: str) -> list[str]:
    """The node URLs of a setting that may name several, comma-separated."""
    return [part.strip() for part in url.split(",") if part.strip()]


def check_connection(url: str, ca_certs: str | None = None, **texts: str | None) -> None:
    """Every check above, for each URL of ``url`` (comma-separated nodes of
    one cluster); ``texts`` (index, api_key, ...) must be valid UTF-8."""
    urls = split_urls(url)
    if not urls:
        raise ConfigError(f"the Elasticsearch URL ({URL_OPTION}) is empty: write it like http://127.0.0.1:9200")
    for one in urls:
        check_url(one)
        if ca_certs:
            check_ca_file(ca_certs, one)
    for name, value in texts.items():
        if value and has_lone_surrogate(value):
            raise ConfigError(f"the {name.replace('_', ' ')} setting is not valid UTF-8 text")
