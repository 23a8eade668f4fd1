"""Coupons and affiliate links of goods: the 淘客 side of the catalogue.

A goods may carry one coupon (columns ``coupon_*`` of ``goods``) and, per
推广位 (slot), the 联盟's own links (table ``goods_links``). Only those links
earn on Taobao/Tmall and JD: a bare item link credits nobody.

Decisions, in one place:

* A coupon's face is read from the 选品库's 面额 text: ``满50元减10元`` is 10 off
  at a threshold of 50; ``10元无条件券`` is 10 off with none (threshold 0);
  ``无`` or empty is no coupon. Anything else is an error, never a guess.
* A coupon is *valid* on a day (Asia/Shanghai) when it has a face, the day is
  inside its dates (both inclusive, a missing date is open) and its remaining
  count is not 0. 券后价 is price − face when the coupon is valid and the price
  reaches the threshold; else the price.
* A link's slot is the adzone id (the last number of the PID
  ``mm_<member>_<site>_<adzone>``), the id order exports report as 推广位ID, so
  shares made through it are attributed as before. '' is "no slot named".
* A link or 淘口令 past its ``expires_on`` day is kept (the next import
  refreshes it) but never used.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from weimai_cli.clock import now_iso, today
from weimai_cli.i18n import _
from weimai_cli.money import MoneyError, parse_money

# kinds of affiliate link, in the order a share prefers them when the coupon is
# valid (coupon_link is skipped when it is not); tkl is the 淘口令
LINK_KINDS = ("coupon_link", "link", "short", "tkl")
LINK_KIND_NAMES = {
    "coupon_link": "券链接", "link": "淘客链接", "short": "短链接", "tkl": "淘口令",
}

_FACE_THRESHOLD = re.compile(r"满\s*([\d.,]+)\s*元?\s*减\s*([\d.,]+)\s*元?")
_FACE_PLAIN = re.compile(r"([\d.,]+)\s*元?\s*(?:无条件券|无门槛券?|优惠券|券)?")
_NO_COUPON = {"", "无", "-", "--", "—", "none", "null"}
_PID = re.compile(r"\bmm_(\d+)_(\d+)_(\d+)\b")
# a 淘口令: 8–20 letters and digits between two of the symbols the export and the
# apps use (￥…￥, €…€, $…$, (…), ₤…₤, ₴…₴, ¢…¢, ₳…₳, /…/); the text may carry words around it
_TKL = re.compile(r"([￥€$₤₴¢₳₰₵¥/(（])([A-Za-z0-9]{8,20})([￥€$₤₴¢₳₰₵¥/)）])")


class CouponError(ValueError):
    """A 面额 text that is not a coupon weimai can read."""


def parse_face(text: object) -> tuple[int, int] | None:
    """(off_fen, threshold_fen) of a 面额 text, or None for no coupon.

    >>> parse_face("满50元减10元"), parse_face("10元无条件券"), parse_face("无")
    ((1000, 5000), (1000, 0), None)
    """
    s = str(text or "").strip()
    if s.lower() in _NO_COUPON:
        return None
    try:
        m = _FACE_THRESHOLD.fullmatch(s)
        if m:
            threshold, off = parse_money(m.group(1)), parse_money(m.group(2))
        else:
            m = _FACE_PLAIN.fullmatch(s)
            if not m:
                raise CouponError(_("coupon text {text!r} is not 满X元减Y元 or X元无条件券").format(text=s))
            threshold, off = 0, parse_money(m.group(1))
    except MoneyError as e:
        raise CouponError(_("coupon text {text!r}: {error}").format(text=s, error=e)) from None
    if off is None or off <= 0:
        raise CouponError(_("coupon text {text!r} takes nothing off").format(text=s))
    if threshold and off > threshold:
        raise CouponError(_("coupon text {text!r} takes off more than its threshold").format(text=s))
    return off, threshold or 0


@dataclass(frozen=True)
class Coupon:
    off_fen: int
    threshold_fen: int
    text: str
    start: str | None
    end: str | None
    remaining: int | None
    url: str | None

    def valid_on(self, day: str) -> bool:
        return (
            (self.start is None or self.start <= day)
            and (self.end is None or day <= self.end)
            and self.remaining != 0
        )


def coupon_of(goods: Mapping) -> Coupon | None:
    """The goods' coupon (valid or not), or None when it has none."""
    if not goods.get("coupon_fen"):
        return None
    return Coupon(
        off_fen=goods["coupon_fen"],
        threshold_fen=goods.get("coupon_threshold_fen") or 0,
        text=goods.get("coupon_text") or "",
        start=goods.get("coupon_start"),
        end=goods.get("coupon_end"),
        remaining=goods.get("coupon_remaining"),
        url=goods.get("coupon_url"),
    )


def valid_coupon(goods: Mapping, day: str | None = None) -> Coupon | None:
    """The goods' coupon when it is valid on ``day`` (default today), else None."""
    c = coupon_of(goods)
    return c if c is not None and c.valid_on(day or today()) else None


def coupon_price_fen(goods: Mapping, day: str | None = None) -> int:
    """券后价: the price less a valid coupon whose threshold the price reaches."""
    price = goods["price_fen"]
    c = valid_coupon(goods, day)
    if c is not None and price >= c.threshold_fen:
        return max(price - c.off_fen, 0)
    return price


def valid_coupon_sql(alias: str = "") -> str:
    """SQL true when a goods row's coupon is valid (Coupon.valid_on); binds :day."""
    a = f"{alias}." if alias else ""
    return (
        f"({a}coupon_fen > 0 AND coalesce({a}coupon_start, '') <= :day "
        f"AND coalesce({a}coupon_end, '9999-12-31') >= :day AND coalesce({a}coupon_remaining, 1) != 0)"
    )


def coupon_price_sql(alias: str = "") -> str:
    """SQL for 券后价 of a goods row; binds one parameter, the day (YYYY-MM-DD)."""
    a = f"{alias}." if alias else ""
    return (
        f"(CASE WHEN {valid_coupon_sql(alias)} "
        f"AND {a}price_fen >= coalesce({a}coupon_threshold_fen, 0) "
        f"THEN max({a}price_fen - {a}coupon_fen, 0) ELSE {a}price_fen END)"
    )


def slot_of_pid(text: str | None) -> tuple[str, str] | None:
    """(pid, adzone id) of the first PID ``mm_<member>_<site>_<adzone>`` in text."""
    m = _PID.search(text or "")
    return (m.group(0), m.group(3)) if m else None


def find_tkl(text: str | None) -> str | None:
    """The 淘口令 in a text (the export's ``￥AbCd1234XyZ￥``, or one pasted with words
    around it), returned as written with its symbols; None when there is none."""
    m = _TKL.search(text or "")
    return m.group(0) if m else None


def links_of(conn: sqlite3.Connection, sku: str) -> list[dict]:
    """Every affiliate link of a goods, by slot then kind order."""
    rows = [dict(r) for r in conn.execute("SELECT * FROM goods_links WHERE sku = ?", (sku,))]
    return sorted(rows, key=lambda r: (r["slot"], LINK_KINDS.index(r["kind"]) if r["kind"] in LINK_KINDS else 99))


def link_usable(link: Mapping, day: str | None = None) -> bool:
    return not link.get("expires_on") or (day or today()) <= link["expires_on"]


def slots_of(links: Iterable[Mapping]) -> list[str]:
    return sorted({r["slot"] for r in links})


def pick(links: Iterable[Mapping], slot: str, *, coupon_ok: bool, day: str | None = None) -> tuple[dict | None, dict | None]:
    """(link, 淘口令) a share through ``slot`` should use: the coupon link first
    when the coupon is valid, then the 淘客链接, then the short link; each only
    when not expired. Links of slot '' serve any slot that has none of its own."""
    day = day or today()
    mine = [dict(r) for r in links if r["slot"] == slot] or [dict(r) for r in links if r["slot"] == ""]
    usable = {r["kind"]: r for r in mine if link_usable(r, day)}
    order = [k for k in LINK_KINDS[:3] if k != "coupon_link" or coupon_ok]
    link = next((usable[k] for k in order if k in usable), None)
    return link, usable.get("tkl")


def set_link(
    conn: sqlite3.Connection, sku: str, slot: str, kind: str, value: str, *,
    pid: str | None = None, expires_on: str | None = None, source: str = "link",
) -> None:
    """Record (or replace) one affiliate link; the caller holds the transaction."""
    if kind not in LINK_KINDS:
        raise ValueError(_("unknown link kind {kind!r}").format(kind=kind))
    conn.execute(
        "INSERT INTO goods_links (sku, slot, kind, value, pid, expires_on, source, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sku, slot, kind) DO UPDATE SET "
        "value = excluded.value, pid = excluded.pid, expires_on = excluded.expires_on, "
        "source = excluded.source, updated_at = excluded.updated_at",
        (sku, slot, kind, value, pid, expires_on, source, now_iso()),
    )
