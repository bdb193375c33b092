"""The ``rsearch`` command: a thin click layer over the library.

Connection options are shared by every command and read from ``RSEARCH_*``
environment variables too (core.settings names them). This module is the one
place that turns the library's errors into messages: one ``Error:`` line,
with what to type next where it is known (rsearch.messages), and a non-zero
exit; no tracebacks.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import os
import sys
import time

import click

from rsearch.core import settings as env
from rsearch.core.errors import RsearchError, from_elasticsearch
from rsearch.core.settings import Settings
from rsearch.search import facets, search
from rsearch.search.documents import chunk_in_context, index_stats
from rsearch.search.options import DEFAULT_FRAGMENT_SIZE, DEFAULT_FRAGMENTS, DEFAULT_LIMIT, SORTS

from .messages import message
from .render import render_chunk, render_result, render_stats


class Context:
    def __init__(self, settings: Settings):
        self.settings = settings


pass_ctx = click.make_pass_decorator(Context)


def fail(err: RsearchError) -> None:
    click.secho(f"Error: {message(err)}", fg="red", err=True)
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


# The connection options: (setting, option names, click keyword arguments).
CONNECTION_OPTIONS = [
    ("url", ("--es-url",), dict(envvar=env.ENV_ES_URL, help="Elasticsearch URL [default: the local node].")),
    ("index", ("--index",), dict(envvar=env.ENV_INDEX, help=f"Index alias name [default: {env.DEFAULT_INDEX}].")),
    ("api_key", ("--api-key",), dict(envvar=env.ENV_API_KEY, help="API key.")),
    ("username", ("--user",), dict(envvar=env.ENV_USER, help="User for basic auth.")),
    ("password", ("--password",), dict(envvar=env.ENV_PASSWORD, help="Password for basic auth.")),
    ("ca_certs", ("--ca-certs",), dict(envvar=env.ENV_CA_CERTS, type=click.Path(exists=True, dir_okay=False),
                                       help="CA certificate file for HTTPS.")),
]


def connection_options(command):
    """The connection options, accepted after the subcommand too
    (``rsearch stats --es-url URL``), sqlite-utils style. The group reads
    them (and their environment variables) first; a value given here
    overrides it."""

    def override(setting):
        def callback(ctx, param, value):
            if value is not None:
                obj = ctx.find_object(Context)
                obj.settings = dataclasses.replace(obj.settings, **{setting: value})
            return value
        return callback

    for setting, names, kwargs in reversed(CONNECTION_OPTIONS):
        extra = {k: v for k, v in kwargs.items() if k != "envvar"}  # the group read the environment
        command = click.option(*names, f"{setting}_override", expose_value=False, callback=override(setting),
                               **extra)(command)
    return command


def _group_connection_options(command):
    for setting, names, kwargs in reversed(CONNECTION_OPTIONS):
        command = click.option(*names, setting, show_envvar=True, **kwargs)(command)
    return command


@click.group(cls=RsearchGroup, context_settings={"help_option_names": ["-h", "--help"]})
@_group_connection_options
@click.version_option(package_name="rsearch")
@click.pass_context
def cli(ctx, url, index, api_key, username, password, ca_certs):
    """Full-text search for Chinese reports, backed by Elasticsearch."""
    if os.environ.get("NO_COLOR"):  # https://no-color.org: no colour codes, even on a terminal
        ctx.color = False
    ctx.obj = Context(Settings.from_env(
        url=url, index=index, api_key=api_key, username=username,
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
@click.option("--port", type=click.IntRange(min=0, max=65535), envvar=env.ENV_ES_PORT, show_envvar=True,
              help=f"HTTP port [default: {env.DEFAULT_PORT}, or a free port when another program "
                   f"holds {env.DEFAULT_PORT}]; 0 picks a free one.")
@click.option("--heap", envvar=env.ENV_HEAP, show_envvar=True, help=f"JVM heap, e.g. 1g or 512m [default: {env.DEFAULT_HEAP}].")
@click.option("--timeout", type=float, default=120, show_default=True, help="Seconds to wait for the node.")
@pass_ctx
def es_start(ctx, port, heap, timeout):
    """Start the local node and wait until it answers.

    A node this state directory already runs is reused. A port asked for
    (--port, RSEARCH_ES_PORT) must be free; without one, 9200 is used when
    free, else a free port, and the message says which.
    """
    from .localnode import LocalNode
    from .localnode.node import AlreadyRunning, port_is_free

    node = LocalNode(ctx.settings.home, heap=heap)
    t0 = time.monotonic()
    if port is None and not node.status().running:
        port = env.DEFAULT_PORT
        if not port_is_free(port):
            click.echo(f"port {port} on 127.0.0.1 is in use by another program: starting on a free port instead")
            port = 0
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
@click.option("--shards", envvar=env.ENV_SHARDS, show_envvar=True, metavar="N",
              help="Primary shards of an index this run creates [default: kept on --rebuild, else one "
                   "per ~30 GB of index].")
@click.option("--replicas", envvar=env.ENV_REPLICAS, show_envvar=True, metavar="N|MIN-MAX",
              help="Replicas of the index, a number or a range that follows the nodes "
                   "[default: kept on --rebuild, else 0-1: one as soon as there is a second node].")
@connection_options
@pass_ctx
def index_cmd(ctx, paths, rebuild, prune, as_json, progress, shards, replicas):
    """Index report files (and directories of them) incrementally.

    Unchanged files write nothing; changed files replace exactly their old
    chunks. Exit code 0 only if every file was read and every chunk landed.
    """
    from rsearch.indexer.boundary import stop_on_signals
    from rsearch.indexer.sync import index_paths

    shards, replicas = dataclasses.replace(ctx.settings, shards=shards, replicas=replicas).layout()
    with stop_on_signals():  # SIGTERM ends the run as Ctrl-C does: one line (sync.Interrupted)
        summary = index_paths(ctx.settings.client(), ctx.settings.index, list(paths), rebuild=rebuild,
                              prune=prune, progress=progress, shards=shards, replicas=replicas)
    if as_json:
        click.echo(json.dumps(summary.to_dict(), ensure_ascii=False))
    else:
        for err in summary.errors:
            where = f"{err['path']}: " if err["path"] else ""
            click.secho(f"Error: {where}{err['error']}", fg="red", err=True)
        for skip in summary.skipped:
            click.echo(f"skipped {skip['path']}: {skip['reason']}")
        for low in summary.low_confidence:
            click.echo(f"low OCR confidence {low['path']} page {low['page']}: {low['confidence']:.0%} "
                       "(indexed; its text may be wrong in places)")
        if summary.ocr_pages or summary.ocr_cached:
            click.echo(f"OCR: {summary.ocr_pages} pages read, {summary.ocr_cached} from the cache")
        if summary.orphans_deleted:
            click.echo(f"deleted orphan indices of an interrupted rebuild: {', '.join(summary.orphans_deleted)}")
        # The files found add up: added + changed + unchanged + unreadable
        # (named in the Error: lines above); removed and skipped files are
        # not among them.
        unreadable = len({e["path"] for e in summary.errors if e["path"]} - set(summary.added) - set(summary.changed))
        unchanged = max(0, summary.files - len(summary.added) - len(summary.changed) - unreadable)
        click.echo(
            f"{summary.files} files ({len(summary.added)} added, {len(summary.changed)} changed, "
            f"{unchanged} unchanged, {unreadable} unreadable), {len(summary.removed)} removed, "
            f"{len(summary.skipped)} skipped, {summary.reports} reports, {summary.chunks} chunks: "
            f"{summary.indexed} indexed, {summary.unchanged} unchanged, {summary.deleted} deleted, "
            f"{summary.failed} failed ({summary.seconds:.1f}s"
            + (f", of which merge {summary.merge_seconds:.1f}s" if summary.merge_seconds is not None else "")
            + f", index {summary.index})")
        if summary.health not in (None, "green"):
            click.echo(f"index {summary.index} is {summary.health}: a replica asked for ({summary.replicas}) "
                       "has no node to go to; `rsearch stats` shows where the copies are")
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


def _facet_names(value: str | None) -> list[str] | None:
    """--facets: None (the default set), [] for 'none', else the names given
    (an unknown name is refused by the search options in one line)."""
    if value is None:
        return None
    names = [n.strip() for n in value.split(",") if n.strip()]
    return [] if names in ([], ["none"]) else names


class QueryCommand(click.Command):
    """A command whose arguments are query text, where ``-word`` excludes a
    word (``rsearch search 党史 -西工区``): a single-dash word that is no short
    option is passed through as text (click's ignore_unknown_options), but an
    unknown ``--option`` is an error with click's own suggestion (``--limt``:
    did you mean --limit?), never a search word. After ``--`` everything is text."""

    def parse_args(self, ctx, args):
        known = [o for p in self.get_params(ctx) for o in (*p.opts, *p.secondary_opts) if o.startswith("--")]
        for arg in args:
            if arg == "--":
                break
            name = arg.split("=", 1)[0]
            if name.startswith("--") and name not in known:
                raise click.NoSuchOption(name, possibilities=difflib.get_close_matches(name, known), ctx=ctx)
        return super().parse_args(ctx, args)


@cli.command("search", cls=QueryCommand, context_settings={"ignore_unknown_options": True})
@click.argument("query", nargs=-1, callback=_utf8_text)
@click.option("--filter", "-f", "filters", multiple=True, metavar="NAME=VALUE", callback=_utf8_text,
              help=f"Facet filter ({', '.join(facets.names())}); repeat for several.")
@click.option("--limit", "-n", type=click.IntRange(min=1), default=DEFAULT_LIMIT, show_default=True)
@click.option("--page", "-p", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--group-by-report", is_flag=True, help="Best chunk per report, with its number of matching chunks.")
@click.option("--sort", type=click.Choice(SORTS), default=SORTS[0], show_default=True,
              help="relevance, or date: the report's date, newest first.")
@click.option("--any", "any_word", is_flag=True, help="Match any word, in one ranking.")
@click.option("--strict", is_flag=True, help="Only chunks that match every word (default: those first, then fewer).")
@click.option("--fragment-size", type=click.IntRange(min=1), default=DEFAULT_FRAGMENT_SIZE, show_default=True)
@click.option("--fragments", type=click.IntRange(min=1), default=DEFAULT_FRAGMENTS, show_default=True,
              help="Fragments per hit.")
@click.option("--whole", is_flag=True, help="Show the whole chunk with matches marked.")
@click.option("--explain", is_flag=True, help="Show why each hit ranked where it did.")
@click.option("--facets", "facet_names", metavar="NAMES", default=None,
              help="Facets to count and show, comma-separated, or 'none' "
                   f"(default: {','.join(f.name for f in facets.defaults())}; also {','.join(f.name for f in facets.counted() if not f.default)}).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@connection_options
@pass_ctx
def search_cmd(ctx, query, filters, limit, page, group_by_report, sort, any_word, strict, fragment_size,
               fragments, whole, explain, facet_names, as_json):
    """Search the reports. Chunks that match every word come first, then those
    that match fewer (--strict: every word must match); "exact phrases", OR,
    -word, NOT word and field:value filters (region:西工区) are understood."""
    result = search(" ".join(query), filters=_parse_filters(filters), limit=limit, page=page,
                    group_by_report=group_by_report, sort=sort, operator="or" if any_word else "and",
                    strict=strict, fragment_size=fragment_size, fragments=fragments, whole_text=whole,
                    explain=explain, facets=_facet_names(facet_names),
                    client=ctx.settings.client(), index=ctx.settings.index)
    if as_json:
        data = result.to_dict()
        for hit in data["hits"]:
            if not explain:
                hit.pop("explanation")
        click.echo(json.dumps(data, ensure_ascii=False))
    else:
        click.echo(render_result(result, explain=explain))


@cli.command("show")
@click.argument("chunk_id", callback=_utf8_text)
@click.option("--json", "as_json", is_flag=True)
@connection_options
@pass_ctx
def show_cmd(ctx, chunk_id, as_json):
    """Print one chunk with its report's context."""
    found = chunk_in_context(ctx.settings.client(), ctx.settings.index, chunk_id)
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False))
        return
    click.echo(render_chunk(found))


@cli.command("stats")
@click.option("--json", "as_json", is_flag=True)
@connection_options
@pass_ctx
def stats_cmd(ctx, as_json):
    """Alias, physical index, document counts, dictionary version."""
    stats = index_stats(ctx.settings.client(), ctx.settings.index)
    if as_json:
        click.echo(json.dumps(stats, ensure_ascii=False))
        return
    click.echo(render_stats(stats))


@cli.command("parse")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file, one per line.")
def parse_cmd(paths, as_json):
    """Show what the parser makes of report files, without Elasticsearch.

    For every report in each file (folders are walked): title, subtitle,
    kicker, people and their roles, region, date and where it came from,
    sections and the kinds of its chunks. Exit code 1 if a file was unreadable.
    """
    from rsearch.indexer.parse import parse_file
    from rsearch.indexer.pipeline import iter_files
    from rsearch.parse_view import render_parsed

    ok = True
    for path in iter_files(paths):
        parsed = parse_file(path)
        if parsed.error is not None:
            ok = False
            click.secho(f"Error: {parsed.path}: {parsed.error}", fg="red", err=True)
        if as_json:
            click.echo(json.dumps(parsed.to_dict(), ensure_ascii=False))
        elif parsed.error is None:
            click.echo(render_parsed(parsed))
    sys.exit(0 if ok else 1)


# -- serve ---------------------------------------------------------------------
@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback unless --public).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, envvar=env.ENV_SERVE_PORT,
              show_envvar=True, help="Port; 0 picks a free one.")
@click.option("--public", is_flag=True, help="Allow a non-loopback --host (set RSEARCH_API_TOKEN to require a token).")
@click.option("--log-level", type=click.Choice(["critical", "error", "warning", "info", "debug"]), default="warning",
              show_default=True, help="uvicorn's log level (info logs every request).")
@connection_options
@pass_ctx
def serve_cmd(ctx, host, port, public, log_level):
    """Serve the JSON HTTP API (OpenAPI at /docs) and the search page at /.

    The Elasticsearch settings (URL, credentials) stay on the server. With
    RSEARCH_API_TOKEN set, callers send `Authorization: Bearer TOKEN`.
    """
    from .serving import bind, is_loopback, run

    if not is_loopback(host) and not public:
        raise RsearchError(f"--host {host} is not a loopback address: add --public to serve other machines "
                           "(and set RSEARCH_API_TOKEN to require a token)")
    token = env.api_token_setting()
    sock = bind(host, port)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{sock.getsockname()[1]}/"
    click.echo(f"rsearch serve: the search page is at {url} (API docs at {url}docs; index "
               f"'{ctx.settings.index}' on {ctx.settings.resolved_url}{'; token required' if token else ''}). "
               "Ctrl-C stops it.")
    if public and not token:
        click.secho("Warning: serving other machines without RSEARCH_API_TOKEN: anyone who can reach "
                    f"{url} can search the index", fg="yellow", err=True)
    run(ctx.settings, sock, token=token, log_level=log_level)


# -- kibana --------------------------------------------------------------------
@cli.group()
def kibana():
    """Kibana saved objects: a data view, saved searches, a dashboard."""


_link_url_option = click.option(
    "--link-url", envvar=env.ENV_KIBANA_LINK_URL, show_envvar=True, default="http://127.0.0.1:8000",
    show_default=True, help="Base URL of the rsearch page the saved searches and titles link to.")


@kibana.command("setup")
@click.option("--kibana-url", envvar=env.ENV_KIBANA_URL, show_envvar=True, default="http://127.0.0.1:5601",
              show_default=True, help="Kibana URL.")
@click.option("--space", envvar=env.ENV_KIBANA_SPACE, show_envvar=True, help="Kibana space id [default: the default space].")
@click.option("--kibana-user", envvar=env.ENV_KIBANA_USER, show_envvar=True, help="User for basic auth.")
@click.option("--kibana-password", envvar=env.ENV_KIBANA_PASSWORD, show_envvar=True, help="Password.")
@click.option("--kibana-api-key", envvar=env.ENV_KIBANA_API_KEY, show_envvar=True, help="API key, base64 id:key.")
@click.option("--kibana-ca-certs", envvar=env.ENV_KIBANA_CA_CERTS, show_envvar=True,
              type=click.Path(exists=True, dir_okay=False), help="CA certificate file for HTTPS.")
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
