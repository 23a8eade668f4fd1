"""weimai clicks sync|list: visits of the shares' short links (issue #15)."""

from __future__ import annotations

from typing import Annotated

import typer

from weimai_cli.cli.options import Fmt, FormatOpt, JsonOpt
from weimai_cli.i18n import N_, _, ngettext

app = typer.Typer(help="Clicks on the shares' short links: sync from Shlink or YOURLS, list.", no_args_is_help=True)

SKIP_WORDS = {
    "not-found": N_("{n} not found at {service}"),
    "other-domain": N_("{n} of another domain"),
    "no-short-code": N_("{n} without a short code"),
}


@app.command("sync")
def sync_cmd(as_json: JsonOpt = False):
    """Pull the visit counts of every share with a short link from the configured shortener.

    Shlink: the visits since the last one counted, added to their
    Asia/Shanghai day. YOURLS: the growth of the click total since the last
    sync, added to today. A second sync adds nothing twice. Shares whose short
    link is of another domain, or unknown to the shortener, are skipped.

    Exit codes: 0 synced; 1 no shortener in the config file; 3 database busy;
    4 the shortener is down, timed out, refused the key or answered garbage
    (nothing of this sync is stored: the clicks stay as they were).
    """
    from weimai_cli.cli import output
    from weimai_cli.db.store import open_db
    from weimai_cli.sharing.clicks import OTHER_DOMAIN, sync
    from weimai_cli.sharing.service import load_settings
    from weimai_cli.sharing.shorten import from_config, service_name

    sh = from_config(load_settings().shortener, "clicks sync")
    conn = open_db()
    result = sync(conn, sh, warn=output.warn)
    service = service_name(sh)
    others = [s["code"] for s in result.skipped if s["reason"] == OTHER_DOMAIN]
    if others:
        output.warn(ngettext(
            "{n} share has a short link of another domain than {url}; skipped: {codes}",
            "{n} shares have short links of another domain than {url}; skipped: {codes}", len(others),
        ).format(n=len(others), url=sh.url, codes=", ".join(others)))
    if as_json:
        output.json_out(result.as_dict())
        return
    n, clicks = len(result.synced), result.new_clicks
    new = (ngettext("{n} new visit", "{n} new visits", clicks) if sh.service == "shlink"
           else ngettext("{n} new click", "{n} new clicks", clicks)).format(n=clicks)
    text = ngettext("synced clicks of {n} share from {service}: {new}",
                    "synced clicks of {n} shares from {service}: {new}", n).format(n=n, service=service, new=new)
    if result.skipped:
        counts: dict[str, int] = {}
        for s in result.skipped:
            counts[s["reason"]] = counts.get(s["reason"], 0) + 1
        reasons = _(", ").join(_(SKIP_WORDS[r]).format(n=k, service=service) for r, k in counts.items())
        skipped = len(result.skipped)
        text += ngettext("; {n} share skipped ({reasons})", "; {n} shares skipped ({reasons})", skipped).format(
            n=skipped, reasons=reasons)
    output.message(text)


@app.command("list")
def list_cmd(
    since: Annotated[str | None, typer.Option("--since", help="From this day on: 2026-11-01 or 2026-11.")] = None,
    code: Annotated[str | None, typer.Option("--code", help="Only this share's clicks (its tracking code).")] = None,
    fmt: FormatOpt = Fmt.table,
):
    """List the stored clicks per share and Asia/Shanghai day, newest first."""
    from weimai_cli import clock
    from weimai_cli.cli import output
    from weimai_cli.cli.render.clicks import list_cols
    from weimai_cli.db.store import open_db
    from weimai_cli.sharing.clicks import click_rows

    conn = open_db()
    day = clock.day_of(clock.parse_bound(since)) if since else None
    share_id = None
    if code is not None:
        from weimai_cli.sharing.lookup import get_share
        from weimai_cli.sharing.service import load_settings

        share_id = get_share(conn, code.strip(), load_settings().secret)["id"]
    output.rows(click_rows(conn, since=day, share_id=share_id), list_cols(), fmt.value, empty=N_("no clicks stored"))
