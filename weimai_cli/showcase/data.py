"""Which shares a showcase shows, and what each page needs (no HTML here).

Shares of one distributor (optionally one campaign, since a day), newest
first; goods that are archived drop out. Every share gets a page; the index
shows one card per goods, the newest share of it. The coupon is shown only
when it is valid on the build day (offers.valid_coupon); the 淘口令 is the
usable one of the share's slot (offers.pick).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field

from weimai_cli.catalog import offers
from weimai_cli.clock import parse_bound, today
from weimai_cli.errors import BadInput, NotFound
from weimai_cli.i18n import _
from weimai_cli.money import format_price

_SPLIT_POINTS = re.compile(r"[\n\r;；|｜]+")
CODE_FILE = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass
class Item:
    """One share as its page shows it."""

    code: str
    sku: str
    title: str
    price: str  # the price now, ¥59.90
    coupon_price: str  # 券后价 with a valid coupon, else ''
    coupon_text: str  # the valid coupon's 满减 text, else ''
    coupon_off: str  # the valid coupon's face, ¥10.00, else ''
    coupon_end: str  # the valid coupon's last day, else ''
    image_url: str  # as stored (checked when rendered)
    link: str  # the short link when the share has one, else its link
    tkl: str  # the slot's usable 淘口令, else ''
    points: list[str] = field(default_factory=list)
    campaign: str = ""
    created_at: str = ""

    @property
    def page(self) -> str:
        return f"{self.code}.html"


@dataclass
class Showcase:
    handle: str
    name: str
    items: list[Item]  # every share page, newest first
    cards: list[Item]  # the index: the newest share of each goods, newest first


SQL = (
    "SELECT s.id, s.code, s.sku, s.campaign, s.link, s.short_link, s.slot, s.created_at, "
    "g.title, g.price_fen, g.currency, g.image_url, g.selling_points, g.platform, "
    "g.coupon_fen, g.coupon_threshold_fen, g.coupon_text, g.coupon_start, g.coupon_end, "
    "g.coupon_total, g.coupon_remaining, g.coupon_url "
    "FROM shares s JOIN goods g ON g.sku = s.sku "
    "WHERE s.distributor = ? AND g.status = 'active'"
)


def points_of(text: str | None) -> list[str]:
    """Selling points: one per line (or split at ；, ;, |)."""
    return [p.strip() for p in _SPLIT_POINTS.split(text or "") if p.strip()]


def _item(conn: sqlite3.Connection, row: dict, day: str) -> Item:
    coupon = offers.valid_coupon(row, day)
    currency = row["currency"]
    price = row["price_fen"]
    after = offers.coupon_price_fen(row, day)
    tkl = ""
    links = offers.links_of(conn, row["sku"])
    if links:
        _link, tkl_row = offers.pick(links, row["slot"] or "", coupon_ok=coupon is not None, day=day)
        tkl = tkl_row["value"] if tkl_row else ""
    return Item(
        code=row["code"],
        sku=row["sku"],
        title=row["title"] or row["sku"],
        price=format_price(price, currency),
        coupon_price=format_price(after, currency) if coupon is not None and after != price else "",
        coupon_text=coupon.text if coupon is not None else "",
        coupon_off=format_price(coupon.off_fen, currency) if coupon is not None else "",
        coupon_end=(coupon.end or "") if coupon is not None else "",
        image_url=row["image_url"] or "",
        link=row["short_link"] or row["link"],
        tkl=tkl,
        points=points_of(row["selling_points"]),
        campaign=row["campaign"] or "",
        created_at=row["created_at"],
    )


def select(
    conn: sqlite3.Connection, *, distributor: str = "me", campaign: str | None = None,
    since: str | None = None, day: str | None = None,
) -> Showcase:
    """The showcase of ``distributor``; raises NotFound (no such distributor) or
    BadInput (no share to show)."""
    day = day or today()
    who = conn.execute("SELECT handle, name FROM distributors WHERE handle = ?", (distributor,)).fetchone()
    if who is None:
        raise NotFound(
            _("no distributor {handle!r}").format(handle=distributor),
            _("see `weimai distributors list`"),
        )
    sql, params = SQL, [distributor]
    if campaign:
        sql += " AND s.campaign = ?"
        params.append(campaign)
    if since:
        sql += " AND s.created_at >= ?"
        params.append(parse_bound(since))
    sql += " ORDER BY s.created_at DESC, s.id DESC"
    items = [_item(conn, dict(r), day) for r in conn.execute(sql, params)]
    items = [i for i in items if CODE_FILE.fullmatch(i.code)]
    if not items:
        raise BadInput(
            _("no shares of {handle} to show (archived goods are left out)").format(handle=distributor),
            _("share goods first (`weimai share SKU`), or check --as, --campaign and --since"),
        )
    seen: set[str] = set()
    cards = []
    for i in items:
        if i.sku not in seen:
            seen.add(i.sku)
            cards.append(i)
    return Showcase(handle=who["handle"], name=who["name"] or who["handle"], items=items, cards=cards)
