"""weimai feeds add|list|remove: supplier catalogue feeds (synced by `weimai goods sync`)."""

from __future__ import annotations

from typing import Annotated

import typer

from weimai_cli.cli.options import Fmt, FormatOpt
from weimai_cli.db.store import open_db

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
    output.message(f"added feed {feed['name']}; fetch it with `weimai goods sync {feed['name']}`")


@app.command("list")
def list_cmd(fmt: FormatOpt = Fmt.table):
    """List feeds with their last sync."""
    from weimai_cli.catalog import feeds
    from weimai_cli.cli import output

    cols = [
        output.Col("name", "name"), output.Col("url", "url"), output.Col("format", "format"),
        output.Col("map", "map"), output.Col("last_ok_at", "last ok"),
        output.Col("last_status", "last result"), output.Col("last_error", "error"),
    ]
    output.rows(feeds.list_feeds(open_db()), cols, fmt.value,
                empty="no feeds; add one with `weimai feeds add NAME URL`")


@app.command("remove")
def remove_cmd(name: Annotated[str, typer.Argument(help="The feed to remove.")]):
    """Remove a feed (the goods it brought stay)."""
    from weimai_cli.catalog import feeds
    from weimai_cli.cli import output

    feeds.remove_feed(open_db(), name)
    output.message(f"removed feed {name}")
