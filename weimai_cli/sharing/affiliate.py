"""Which link and 淘口令 a share hands out, so that it earns.

Taobao/Tmall and JD credit commission only through the 联盟's own links made
for the distributor's PID; a bare item link earns nothing. A goods may carry
such links per slot (推广位, ``goods_links``, filled by the 选品库 import or
``weimai goods link``; see :mod:`weimai_cli.catalog.offers`). :func:`choose`
decides, before anything is recorded:

* **the slot**: ``--slot`` when given; else, when the goods has links for
  exactly one named slot, that slot (recorded on the share, so the 推广位ID of
  order exports still finds it); links for several slots and no ``--slot`` is
  a usage error (exit 2) listing them. Links of slot '' ("no slot named")
  serve any slot and never make the choice ambiguous.
* **the link**: ``offers.pick`` (the coupon link first when the coupon is
  valid, then the 淘客链接, then the short link; none expired). It is handed
  out unchanged: nothing is appended to an s.click / uland link; the share is
  tracked through its slot. Without one, the share gets the tracked product
  link as before, and for a platform that needs an affiliate link a warning
  says it will not earn and how to get one.
* **the 淘口令**: WeChat blocks Taobao links, so a WeChat, Moments or QQ post of
  Taobao/Tmall goods carries the slot's 淘口令 instead of the link. When its
  淘口令 has expired (and no other is usable) the post is refused (exit 1): the
  export must be refreshed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field

from weimai_cli.catalog import offers
from weimai_cli.errors import BadInput, UsageError
from weimai_cli.i18n import N_, tr
from weimai_cli.sharing.notes import note

TAOBAO = frozenset({"taobao", "tmall", "淘宝", "天猫"})
JD = frozenset({"jd", "京东"})
WECHAT_CHANNELS = ("wechat", "moments", "qq")
REFRESH_HINT = N_("refresh the export: `weimai goods import <选品库 file>`")  # shown through tr()


@dataclass
class Choice:
    slot: str | None  # the slot recorded on the share
    link: str | None  # the affiliate link handed out unchanged; None: the tracked product link
    kind: str | None  # the link's kind (offers.LINK_KINDS)
    tkl: str = ""  # the slot's usable 淘口令 ('' when none)
    tkl_post: bool = False  # the post carries the 淘口令, not the link
    warnings: list[str] = field(default_factory=list)


def family(platform: str | None) -> str | None:
    """'taobao' (Taobao, Tmall), 'jd', or None for a platform whose plain link is fine."""
    key = (platform or "").strip().lower()
    return "taobao" if key in TAOBAO else "jd" if key in JD else None


def _slot_rows(rows: list[dict], slot: str) -> list[dict]:
    """The rows that serve ``slot``, as offers.pick reads them."""
    return [r for r in rows if r["slot"] == slot] or [r for r in rows if r["slot"] == ""]


def _resolve_slot(sku: str, rows: list[dict], slot: str | None) -> str | None:
    if slot or not rows:
        return slot
    named = [s for s in offers.slots_of(rows) if s]
    if len(named) > 1:
        raise UsageError(
            tr("goods {sku!r} has affiliate links for {n} slots: {slots}").format(
                sku=sku, n=len(named), slots=", ".join(named)),
            tr("say which one the share goes through: --slot {slot}").format(slot=named[0]),
        )
    return named[0] if named else None


def _no_earn(sku: str, fam: str, slot: str | None, rows: list[dict], day: str, lang: str | None = None) -> str:
    """The warning that a share's link will not earn, in ``lang`` (default: the interface language)."""
    union = "淘宝联盟" if fam == "taobao" else "京东联盟"
    where = tr(" for slot {slot}", lang).format(slot=slot) if slot else ""
    mine = [r for r in _slot_rows(rows, slot or "") if r["kind"] != "tkl"]
    expired = [r["expires_on"] for r in mine if not offers.link_usable(r, day)]
    if expired:
        why = tr("its {union} links{where} expired on {day}", lang).format(union=union, where=where, day=max(expired))
    elif mine:  # only a coupon link, and the coupon is not valid
        why = tr("its only {union} link{where} is a coupon link and the coupon is not valid", lang).format(
            union=union, where=where)
    elif rows and slot:
        others = ", ".join(s or tr("(no slot)", lang) for s in offers.slots_of(rows))
        why = tr("it has no {union} link{where} (links for: {others})", lang).format(
            union=union, where=where, others=others)
    else:
        why = tr("it has no {union} link{where}", lang).format(union=union, where=where)
    how = (tr("import your 选品库 export (`weimai goods import FILE`) or add one", lang) if fam == "taobao"
           else tr("add one", lang))
    return tr("this link of {sku} will not earn: {why}; {how}: `weimai goods link {sku} --slot 推广位ID URL`",
              lang).format(
        sku=sku, why=why, how=how)


def choose(conn: sqlite3.Connection, goods: Mapping, channel: str, slot: str | None, day: str) -> Choice:
    """The slot, link and 淘口令 of a share (see the module docstring); raises
    UsageError (several slots, no --slot) or BadInput (expired 淘口令)."""
    sku = goods["sku"]
    rows = offers.links_of(conn, sku)
    slot = _resolve_slot(sku, rows, slot)
    coupon_ok = offers.valid_coupon(goods, day) is not None
    link, tkl = offers.pick(rows, slot or "", coupon_ok=coupon_ok, day=day) if rows else (None, None)
    fam = family(goods.get("platform"))
    choice = Choice(slot, link["value"] if link else None, link["kind"] if link else None, tkl["value"] if tkl else "")
    if fam == "taobao" and channel in WECHAT_CHANNELS:
        if tkl:
            choice.tkl_post = True
        else:
            expired = [r for r in _slot_rows(rows, slot or "") if r["kind"] == "tkl"]
            if expired:
                where = tr(" for slot {slot}").format(slot=slot) if slot else ""
                raise BadInput(
                    tr("the 淘口令 of {sku!r}{where} expired on {day}, "
                      "and WeChat blocks Taobao links, so a {channel} post needs one").format(
                        sku=sku, where=where, day=max(r["expires_on"] for r in expired), channel=channel),
                    tr("{refresh}, or add a new one: `weimai goods link {sku} --slot 推广位ID ￥…￥`").format(
                        refresh=tr(REFRESH_HINT), sku=sku),
                )
            if link:
                choice.warnings.append(note(lambda lang: tr(
                    "WeChat blocks Taobao links and {sku} has no 淘口令{where}: "
                    "the post carries the link; {refresh} or `weimai goods link {sku} --slot 推广位ID ￥…￥`", lang,
                ).format(sku=sku, where=tr(" for slot {slot}", lang).format(slot=slot) if slot else "",
                         refresh=tr(REFRESH_HINT, lang))))
    if fam and link is None and not choice.tkl_post:
        choice.warnings.append(note(lambda lang: _no_earn(sku, fam, slot, rows, day, lang)))
    return choice
