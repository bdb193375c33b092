"""The ``rsearch`` command: a thin click layer over the library.

Connection options are shared by every command and read from ``RSEARCH_*``
environment variables too (see rsearch.settings). Errors the user can act on
are printed as one ``Error:`` line and exit non-zero; no tracebacks.
"""

from __future__ import annotations

import json
import sys
import time

import click

from .errors import RsearchError, from_elasticsearch
from .settings import Settings


class Context:
    def __init__(self, settings: Settings):
        self.settings = settings


pass_ctx = click.make_pass_decorator(Context)


def fail(err: RsearchError) -> None:
    click.secho(f"Error: {err}", fg="red", err=True)
    if getattr(err, "details", None):
        # Context (e.g. a log tail) is indented so the Error: line stays the one headline.
        click.echo("\n".join("    " + line for line in err.details.splitlines()), err=True)
    sys.exit(err.exit_code)


class RsearchGroup(click.Group):
    """Turn library errors and failed Elasticsearch requests into one-line messages."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except RsearchError as err:
            fail(err)
        except Exception as exc:
            url = _url_of(ctx)
            translated = from_elasticsearch(exc, url)
            if translated is None:
                raise
            fail(translated)


def _url_of(ctx) -> str | None:
    try:
        return ctx.obj.settings.resolved_url if ctx.obj else None
    except Exception:  # the URL itself may be what is broken
        return None


@click.group(cls=RsearchGroup)
@click.option("--es-url", envvar="RSEARCH_ES_URL", help="Elasticsearch URL [env RSEARCH_ES_URL; default: the local node].")
@click.option("--index", "index_name", envvar="RSEARCH_INDEX", help="Index alias name [env RSEARCH_INDEX; default: reports].")
@click.option("--api-key", envvar="RSEARCH_ES_API_KEY", help="API key [env RSEARCH_ES_API_KEY].")
@click.option("--user", envvar="RSEARCH_ES_USER", help="User for basic auth [env RSEARCH_ES_USER].")
@click.option("--password", envvar="RSEARCH_ES_PASSWORD", help="Password for basic auth [env RSEARCH_ES_PASSWORD].")
@click.option("--ca-certs", envvar="RSEARCH_ES_CA_CERTS", type=click.Path(exists=True, dir_okay=False),
              help="CA certificate file for HTTPS [env RSEARCH_ES_CA_CERTS].")
@click.version_option(package_name="rsearch")
@click.pass_context
def cli(ctx, es_url, index_name, api_key, user, password, ca_certs):
    """Full-text search for Chinese reports, backed by Elasticsearch."""
    ctx.obj = Context(Settings.from_env(
        url=es_url, index=index_name, api_key=api_key, username=user,
        password=password, ca_certs=ca_certs,
    ))


# -- es: the local node ------------------------------------------------------
@cli.group()
def es():
    """Manage the local Elasticsearch node (no Docker needed)."""


def _node(ctx: Context):
    from .localnode import LocalNode

    return LocalNode(ctx.settings.home)


@es.command("start")
@click.option("--port", type=int, default=9200, show_default=True, help="HTTP port; 0 picks a free one.")
@click.option("--heap", envvar="RSEARCH_ES_HEAP", help="JVM heap, e.g. 1g or 512m [env RSEARCH_ES_HEAP; default 1g].")
@click.option("--timeout", type=float, default=120, show_default=True, help="Seconds to wait for the node.")
@pass_ctx
def es_start(ctx, port, heap, timeout):
    """Start the local node and wait until it answers."""
    from .localnode import LocalNode
    from .localnode.node import AlreadyRunning

    node = LocalNode(ctx.settings.home, heap=heap)
    t0 = time.monotonic()
    try:
        status = node.start(port=port, timeout=timeout)
    except AlreadyRunning as err:
        click.echo(str(err))
        return
    click.echo(f"Elasticsearch {status.version} is up at {status.url} "
               f"(cluster {status.health}, {time.monotonic() - t0:.1f}s; state in {status.directory})")


@es.command("stop")
@pass_ctx
def es_stop(ctx):
    """Stop the local node."""
    if _node(ctx).stop():
        click.echo("Elasticsearch stopped.")
    else:
        click.echo("Elasticsearch is not running.")


@es.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@pass_ctx
def es_status(ctx, as_json):
    """Is the local node running? URL, version, health, memory."""
    status = _node(ctx).status()
    if as_json:
        click.echo(json.dumps(status.to_dict(), ensure_ascii=False))
    elif status.running:
        click.echo(f"running: {status.url} (Elasticsearch {status.version}, cluster {status.health}, "
                   f"pid {status.pid}, {status.rss_mb:.0f} MB resident; state in {status.directory})")
    else:
        click.echo(f"not running (state in {status.directory}); start it with `rsearch es start`")
    sys.exit(0 if status.running else 3)


@es.command("logs")
@click.option("-n", "--lines", type=int, default=50, show_default=True)
@pass_ctx
def es_logs(ctx, lines):
    """Print the last lines of the local node's log."""
    text = _node(ctx).log_tail(lines)
    click.echo(text if text else "no log yet")


# -- index ---------------------------------------------------------------------
@cli.command("index")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--rebuild", is_flag=True, help="Build a new physical index and swap the alias atomically.")
@click.option("--prune/--no-prune", default=True, show_default=True,
              help="Delete chunks of files that are gone from the directories indexed.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON summary object.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: only on a terminal).")
@pass_ctx
def index_cmd(ctx, paths, rebuild, prune, as_json, progress):
    """Index report files (and directories of them) incrementally.

    Unchanged files write nothing; changed files replace exactly their old
    chunks. Exit code 0 only if every file was read and every chunk landed.
    """
    from indexer.sync import index_paths

    summary = index_paths(ctx.settings.client(), ctx.settings.index, list(paths),
                          rebuild=rebuild, prune=prune, progress=progress)
    if as_json:
        click.echo(json.dumps(summary.to_dict(), ensure_ascii=False))
    else:
        for err in summary.errors:
            click.secho(f"Error: {err['path']}: {err['error']}", fg="red", err=True)
        click.echo(
            f"{summary.files} files, {summary.reports} reports, {summary.chunks} chunks: "
            f"{summary.indexed} indexed, {summary.unchanged} unchanged, {summary.deleted} deleted, "
            f"{summary.failed} failed ({summary.seconds:.1f}s, index {summary.index})")
    sys.exit(0 if summary.ok else 1)


# -- search / show / stats -------------------------------------------------------
def _parse_filters(pairs: tuple[str, ...]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name or not value:
            raise RsearchError(f"bad --filter '{pair}': use NAME=VALUE, e.g. --filter people=张再行")
        out.setdefault(name.strip(), []).append(value.strip())
    return out


def _utf8_text(ctx, param, value):
    """Refuse arguments holding bytes that were not UTF-8: Python keeps them as
    lone surrogates (U+DC80-U+DCFF stand for bytes 0x80-0xFF), which no
    request can carry. The message names the first such byte."""
    for text in (value if isinstance(value, tuple) else (value,)):
        bad = next((ch for ch in text or "" if "\ud800" <= ch <= "\udfff"), None)
        if bad is not None:
            byte = f" (byte 0x{ord(bad) - 0xDC00:02x})" if "\udc80" <= bad <= "\udcff" else ""
            what = (f"{param.opts[0]} value" if isinstance(param, click.Option)
                    else param.human_readable_name.lower().replace("_", " "))
            raise RsearchError(f"the {what} is not valid UTF-8 text{byte}: set the terminal or "
                               "script to UTF-8 (e.g. LANG=C.UTF-8) and type it again")
    return value


# ignore_unknown_options: `rsearch search 党史 -西工区` passes -西工区 as query text.
@cli.command("search", context_settings={"ignore_unknown_options": True})
@click.argument("query", nargs=-1, callback=_utf8_text)
@click.option("--filter", "-f", "filters", multiple=True, metavar="NAME=VALUE", callback=_utf8_text,
              help="Facet filter (region, places, report, section, publication, people, kind, reporter, "
                   "correspondent, photographer, editor, date, mentioned); repeat for several.")
@click.option("--limit", "-n", type=int, default=10, show_default=True)
@click.option("--page", "-p", type=int, default=1, show_default=True)
@click.option("--group-by-report", is_flag=True, help="Best chunk per report, with its number of matching chunks.")
@click.option("--sort", type=click.Choice(["score", "date"]), default="score", show_default=True)
@click.option("--any", "any_word", is_flag=True, help="Match any word, in one ranking.")
@click.option("--strict", is_flag=True, help="Only chunks that match every word (default: those first, then fewer).")
@click.option("--fragment-size", type=click.IntRange(min=1), default=100, show_default=True)
@click.option("--fragments", type=click.IntRange(min=1), default=2, show_default=True, help="Fragments per hit.")
@click.option("--whole", is_flag=True, help="Show the whole chunk with matches marked.")
@click.option("--explain", is_flag=True, help="Show why each hit ranked where it did.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@pass_ctx
def search_cmd(ctx, query, filters, limit, page, group_by_report, sort, any_word, strict, fragment_size,
               fragments, whole, explain, as_json):
    """Search the reports. Chunks that match every word come first, then those
    that match fewer (--strict: every word must match); "exact phrases", OR,
    -word, NOT word and field:value filters (region:西工区) are understood."""
    from search import search

    result = search(" ".join(query), filters=_parse_filters(filters), limit=limit, page=page,
                    group_by_report=group_by_report, sort=sort, operator="or" if any_word else "and",
                    strict=strict, fragment_size=fragment_size, fragments=fragments, whole_text=whole,
                    explain=explain, client=ctx.settings.quick_client(), index=ctx.settings.index)
    if as_json:
        data = result.to_dict()
        for hit in data["hits"]:
            if not explain:
                hit.pop("explanation")
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    from .render import render_result

    click.echo(render_result(result, explain=explain, color=None))


@cli.command("show")
@click.argument("chunk_id", callback=_utf8_text)
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def show_cmd(ctx, chunk_id, as_json):
    """Print one chunk with its report's context."""
    from search.documents import chunk_in_context

    found = chunk_in_context(ctx.settings.client(), ctx.settings.index, chunk_id)
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False))
        return
    from .render import render_chunk

    click.echo(render_chunk(found))


@cli.command("stats")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def stats_cmd(ctx, as_json):
    """Alias, physical index, document counts, dictionary version."""
    from search.documents import index_stats

    stats = index_stats(ctx.settings.client(), ctx.settings.index)
    if as_json:
        click.echo(json.dumps(stats, ensure_ascii=False))
        return
    from .render import render_stats

    click.echo(render_stats(stats))


# -- kibana --------------------------------------------------------------------
@cli.group()
def kibana():
    """Kibana saved objects: a data view, saved searches, a dashboard."""


_link_url_option = click.option(
    "--link-url", envvar="RSEARCH_KIBANA_LINK_URL", default="http://127.0.0.1:8000", show_default=True,
    help="Base URL of the rsearch page the saved searches and titles link to [env RSEARCH_KIBANA_LINK_URL].")


@kibana.command("setup")
@click.option("--kibana-url", envvar="RSEARCH_KIBANA_URL", default="http://127.0.0.1:5601", show_default=True,
              help="Kibana URL [env RSEARCH_KIBANA_URL].")
@click.option("--space", envvar="RSEARCH_KIBANA_SPACE", help="Kibana space id [env RSEARCH_KIBANA_SPACE; default: the default space].")
@click.option("--kibana-user", envvar="RSEARCH_KIBANA_USER", help="User for basic auth [env RSEARCH_KIBANA_USER].")
@click.option("--kibana-password", envvar="RSEARCH_KIBANA_PASSWORD", help="Password [env RSEARCH_KIBANA_PASSWORD].")
@click.option("--kibana-api-key", envvar="RSEARCH_KIBANA_API_KEY", help="API key, base64 id:key [env RSEARCH_KIBANA_API_KEY].")
@click.option("--kibana-ca-certs", envvar="RSEARCH_KIBANA_CA_CERTS", type=click.Path(exists=True, dir_okay=False),
              help="CA certificate file for HTTPS [env RSEARCH_KIBANA_CA_CERTS].")
@_link_url_option
@click.option("--wait", type=float, default=0, show_default=True,
              help="Seconds to wait for a starting Kibana to report itself available.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@pass_ctx
def kibana_setup(ctx, kibana_url, space, kibana_user, kibana_password, kibana_api_key, kibana_ca_certs,
                 link_url, wait, as_json):
    """Import the data view, saved searches and dashboard into a Kibana.

    The data view is on the index alias (--index / RSEARCH_INDEX). Objects keep
    fixed ids and are overwritten, so running it again is harmless.
    """
    from .kibana.importer import KibanaTarget, import_objects
    from .kibana.objects import build_objects, to_ndjson

    target = KibanaTarget(kibana_url, space=space, username=kibana_user, password=kibana_password,
                          api_key=kibana_api_key, ca_certs=kibana_ca_certs)
    result = import_objects(target, to_ndjson(build_objects(ctx.settings.index, link_url)), wait=wait)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
        return
    version = f"Kibana {result.kibana_version}" if result.kibana_version else "Kibana"
    where = f" (space {space})" if space else ""
    click.echo(f"{version} at {kibana_url}{where}: imported {result.success_count} objects "
               f"(data view on '{ctx.settings.index}', saved searches, dashboard 'rsearch reports').")


@kibana.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file instead of standard output.")
@_link_url_option
@pass_ctx
def kibana_export(ctx, output, link_url):
    """Print the saved objects as ndjson (for Kibana's Saved Objects > Import)."""
    from .kibana.objects import build_objects, to_ndjson

    text = to_ndjson(build_objects(ctx.settings.index, link_url))
    if output:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        click.echo(text, nl=False)


def main():
    cli(prog_name="rsearch")


if __name__ == "__main__":
    main()
