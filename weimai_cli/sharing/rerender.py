"""``weimai shares render CODE``: redo a recorded share's QR code, card or short link.

A share's files are written once, when it is made; a failed ``--shorten``
leaves it with its long link. This module makes them again from the recorded
share, with the same checks first (see :func:`render_share`).
"""

from __future__ import annotations

import sqlite3

from weimai_cli.i18n import tr
from weimai_cli.sharing.lookup import get_share
from weimai_cli.sharing.notes import note
from weimai_cli.sharing.service import (
    SHARE_COLUMNS,
    ShareResult,
    ShareSettings,
    deliver,
    load_settings,
    plan_files,
)


def render_share(
    conn: sqlite3.Connection,
    code: str,
    *,
    qr_file: str | None = None,
    card: str | None = None,
    font: str | None = None,
    shorten: bool = False,
    force: bool = False,
    settings: ShareSettings | None = None,
) -> ShareResult:
    """Redo a recorded share's QR code or card files, or make its short link
    (a failed --shorten can be retried). Checks first (the code, the paths, the
    font, the shortener config), then shortens, then writes the files with the
    share's link (the short one when there is one). A new short link is stored
    and replaces the long link in the recorded post (its text otherwise as it
    was); a share that has a short link keeps it. The card shows the share's
    price and the goods' title and original price now."""
    settings = settings or load_settings()
    row = get_share(conn, code, settings.secret)
    share = {c: row[c] for c in SHARE_COLUMNS}
    goods = conn.execute("SELECT title, original_price_fen FROM goods WHERE sku = ?", (share["sku"],)).fetchone()
    qr_path, card_plan = plan_files(qr_file, card, font, force, goods["title"], share["currency"])
    shortener = None
    result = ShareResult(share, goods["title"], None, goods["original_price_fen"])
    if shorten and share["short_link"]:
        result.warnings.append(note(lambda lang: tr("{code} has a short link already, kept: {link}", lang).format(
            code=share["code"], link=share["short_link"])))
    elif shorten:
        from weimai_cli.sharing.shorten import from_config

        shortener = from_config(settings.shortener)

    def repost(short: str) -> str:
        return (share["post"] or "").replace(share["link"], short)

    deliver(conn, result, shortener, repost, qr_path, card_plan, force)
    return result
