"""weimai feeds add|list|remove: supplier catalogue feeds (synced by `weimai goods sync`)."""

from __future__ import annotations

from typing import Annotated

import typer

from weimai_cli.cli.options import Fmt, FormatOpt
from weimai_cli.db.store import open_db
from weimai_cli.i18n import N_, _

app = typer.Typer(help="Supplier catalogue feeds (fetched by `weimai goods sync`).", no_args_is_help=True)


@app.command("add")
def add_cmd(
    name: Annotated[str, typer.Argument(help="A name for the feed, e.g. supplier.")],
    url: Annotated[str, typer.Argument(help="The feed's https URL.")],
    fmt: Annotated[str, typer.Option("--format", help="auto (by content), json, csv or xlsx.")] = "auto",
    mapping: Annotated[
        list[str] | None,
        typer.Option("--map", help="COLUMN=field for a column the importer does not know, e.g. 货号=sku (repeat)."),
    ] = None,
    allow_private: Annotated[
        bool, typer.Option("--allow-private", help="Allow http:// and loopback/private addresses (testing).")
    ] = False,
    replace: Annotated[bool, typer.Option("--replace", help="Replace a feed of the same name.")] = False,
):
    """Add a supplier feed: a JSON, CSV or XLSX catalogue at a URL."""
    from weimai_cli.catalog import feeds
    from weimai_cli.cli import output

    column_map = feeds.parse_map(mapping)
    feed = feeds.add_feed(
        open_db(), name, url, fmt=fmt, column_map=column_map,
        allow_private=allow_private, replace=replace,
    )
    output.message(_("added feed {name}; fetch it with `weimai goods sync {name}`").format(name=feed["name"]))


@app.command("list")
def list_cmd(fmt: FormatOpt = Fmt.table):
    """List feeds with their last sync."""
    from weimai_cli.catalog import feeds
    from weimai_cli.cli import output

    cols = [
        output.Col("name", N_("name")), output.Col("url", N_("url")), output.Col("format", N_("format")),
        output.Col("map", N_("map")), output.Col("last_ok_at", N_("last ok")),
        output.Col("last_status", N_("last result")), output.Col("last_error", N_("error")),
    ]
    data = feeds.list_feeds(open_db())
    if fmt in (Fmt.table, Fmt.md):  # JSON and CSV keep English values (output titles the columns)
        data = [{**d, "last_status": _last_result(d["last_status"])} for d in data]
    output.rows(data, cols, fmt.value, empty=_("no feeds; add one with `weimai feeds add NAME URL`"))


def _last_result(status: str | None) -> str | None:
    """A feed's stored last result (English: ``3 added, 1 changed, 0 archived``) for people."""
    import re

    m = re.fullmatch(r"(\d+) added, (\d+) changed, (\d+) archived", status or "")
    if m:
        return _("{added} added, {changed} changed, {archived} archived").format(
            added=m[1], changed=m[2], archived=m[3])
    if status == "not modified":
        return _("not modified")
    if status == "failed":
        return _("failed")
    return status


@app.command("remove")
def remove_cmd(name: Annotated[str, typer.Argument(help="The feed to remove.")]):
    """Remove a feed (the goods it brought stay)."""
    from weimai_cli.catalog import feeds
    from weimai_cli.cli import output

    feeds.remove_feed(open_db(), name)
    output.message(_("removed feed {name}").format(name=name))
