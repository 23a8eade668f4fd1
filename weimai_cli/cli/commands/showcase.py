"""weimai showcase build: a static site of a distributor's shares (橱窗 and 中间页)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="A static showcase site of your shares: product cards and a page per share.",
                  no_args_is_help=True)


@app.callback()
def showcase_group():
    """A static showcase site of your shares: build it (more subcommands may join `build`)."""


@app.command("build")
def build_cmd(
    out: Annotated[Path, typer.Argument(help="The folder to write the site into (replaced as a whole).")],
    distributor: Annotated[str, typer.Option("--as", help="Whose shares: this distributor's.")] = "me",
    campaign: Annotated[str | None, typer.Option("--campaign", help="Only this campaign.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Shares from: 2026-11, 2026-11-01 or an ISO time.")] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="Where the site is served, for og:url and link previews.")
    ] = None,
    embed_images: Annotated[
        bool, typer.Option("--embed-images", help="Download the images into the site (else pages link to them).")
    ] = False,
    allow_private: Annotated[
        bool, typer.Option("--allow-private", help="Allow http:// and loopback/private image addresses (testing).")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace OUT even when it is a folder that is not a showcase.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="The build summary as JSON (for scripts).")] = False,
):
    """Build the showcase: an index of product cards and one page per share.

    Archived goods and expired coupons drop out; the build is written beside OUT
    and swapped in, so a web server never serves half a site. Prints the index
    page's path.
    """
    from weimai_cli.cli import output
    from weimai_cli.db.store import open_db
    from weimai_cli.i18n import _
    from weimai_cli.showcase import site

    result = site.build(
        open_db(), out, distributor=distributor, campaign=campaign, since=since, base_url=base_url,
        embed_images=embed_images, allow_private=allow_private, force=force, warn=output.warn,
    )
    if as_json:
        output.json_out(result.as_dict())
        return
    output.message(
        _("showcase of {handle}: {cards} cards, {pages} share pages; {written} files written, "
          "{unchanged} unchanged, {removed} removed").format(
            handle=distributor, cards=result.cards, pages=result.pages, written=result.written,
            unchanged=result.unchanged, removed=result.removed))
    if embed_images:
        output.message(_("{n} images embedded").format(n=result.images))
    output.line(str(out / "index.html"))  # as the user named OUT
