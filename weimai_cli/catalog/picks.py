"""The 淘宝联盟 选品库 export (the promoter's picked goods) and affiliate links
recorded by hand (``weimai goods link``).

The export is an ordinary goods file to the importer (goods_import.py): its
headers are more aliases of the goods fields, plus the fields of a coupon and
of the 联盟's links. Decisions:

* A file is a 选品库 export when at least three of its headers are the
  export's own (商品id, 商品主图, 收入比率(%), 优惠券面额, 淘宝客链接 …). Then
  the export's columns weimai does not keep (佣金, 卖家旺旺, 卖家id, 优惠券id …)
  are left out without a warning. 佣金 is price × 收入比率, so it is not read:
  weimai works commission out from the rate it keeps.
* Headers are matched by name after normalising (spaces, full-width brackets);
  a ``(N天内有效)`` suffix is not part of the name: it says the links of the
  column expire N days after the import (the day of the import + N).
* The coupon is one unit: when the 面额 column is there, every coupon column is
  written (missing ones empty), and a row whose 面额 is empty or ``无`` has no
  coupon (an import clears the one it had). Without a 面额 column an import
  leaves coupons alone.
* The row's links go to ``goods_links`` for one slot: ``--slot`` when given,
  else the adzone of a PID ``mm_…_…_<adzone>`` in the row's links, else ''.
  The 券链接 expires at the coupon's end. An import replaces the links of the
  kinds its file has columns for (an empty cell removes that link of that goods
  and slot) and keeps the others.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from weimai_cli.catalog.offers import LINK_KIND_NAMES, LINK_KINDS, find_tkl, set_link, slot_of_pid
from weimai_cli.clock import today
from weimai_cli.db.tx import transaction
from weimai_cli.errors import BadInput, NotFound, UsageError
from weimai_cli.i18n import N_, _
from weimai_cli.tables.cells import cell_text
from weimai_cli.tables.headers import normalise_header

# field -> the export's header names (matched after normalise_header)
PICKS_ALIASES: dict[str, tuple[str, ...]] = {
    "sku": ("商品id", "商品ID"),
    "title": ("商品名称",),
    "image_url": ("商品主图", "商品主图链接"),
    "url": ("商品详情页链接地址", "商品详情页链接", "商品链接地址"),
    "category": ("商品一级类目", "一级类目", "商品类目"),
    "supplier": ("店铺名称",),
    "platform": ("平台类型",),
    "price": ("商品价格(单位：元)", "商品价格(单位:元)", "商品价格(元)", "商品价格"),
    "monthly_sales": ("商品月销量", "月销量"),
    "rate": ("收入比率(%)", "收入比率", "收入比例(%)", "佣金比率(%)"),
    "coupon": ("优惠券面额", "券面额", "coupon"),
    "coupon_total": ("优惠券总量",),
    "coupon_remaining": ("优惠券剩余量",),
    "coupon_start": ("优惠券开始时间", "优惠券开始日期"),
    "coupon_end": ("优惠券结束时间", "优惠券结束日期"),
    "coupon_url": ("优惠券链接",),
    "coupon_link": ("商品优惠券推广链接", "优惠券推广链接"),
    "link": ("淘宝客链接", "推广链接"),
    "short": ("淘宝客短链接", "短链接"),
    "tkl": ("淘口令",),
}
# the fields a goods file may carry besides goods.COLUMNS: the coupon (goods
# columns), the month's sales, and links (goods_links)
COUPON_FIELDS = ("coupon", "coupon_start", "coupon_end", "coupon_total", "coupon_remaining", "coupon_url")
LINK_FIELDS = ("link", "coupon_link", "short", "tkl")
OFFER_FIELDS = (*COUPON_FIELDS, "monthly_sales", *LINK_FIELDS)
# goods columns of the coupon, in the order a record carries them
COUPON_COLUMNS = (
    "coupon_fen", "coupon_threshold_fen", "coupon_text", "coupon_start", "coupon_end",
    "coupon_total", "coupon_remaining", "coupon_url",
)

# headers only the 选品库 has; three of them make a file one
_OWN = frozenset(
    normalise_header(h)
    for h in (
        "商品id", "商品主图", "商品详情页链接地址", "商品一级类目", "平台类型", "商品价格(单位：元)",
        "商品月销量", "收入比率(%)", "优惠券面额", "淘宝客链接", "商品优惠券推广链接", "淘口令",
        "淘宝客短链接", "优惠券剩余量", "卖家旺旺",
    )
)
# the export's columns weimai does not keep (no "unknown column" warning for them)
IGNORED = frozenset(
    normalise_header(h)
    for h in ("佣金", "卖家旺旺", "卖家id", "优惠券id", "商品二级类目", "商品叶子类目", "店铺id", "序号")
)
_VALIDITY = re.compile(r"(.+)\((\d{1,4})天内有效\)")
_EMPTY = frozenset({"", "-", "--", "无", "null", "none"})


def split_validity(header: list[str]) -> tuple[list[str], dict[int, int]]:
    """Normalised header names without their ``(N天内有效)``, and N by column."""
    names, days = [], {}
    for i, h in enumerate(header):
        m = _VALIDITY.fullmatch(h)
        if m:
            names.append(m.group(1))
            days[i] = int(m.group(2))
        else:
            names.append(h)
    return names, days


def is_picks_header(header: list[str]) -> bool:
    """A 选品库 export's header (normalised, validity suffixes removed)."""
    return sum(1 for h in header if h in _OWN) >= 3


def parse_day(value: object) -> str | None:
    """A coupon date: ``2026-11-30``, ``2026/11/30``, ``2026-11-30 23:59:59`` or a
    spreadsheet date; empty, ``-`` or ``无`` is none."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    s = cell_text(value)
    if s.lower() in _EMPTY:
        return None
    head = s.split()[0].replace("/", "-").replace(".", "-") if s.split() else s
    try:
        return date.fromisoformat("-".join(p.zfill(2) for p in head.split("-"))).isoformat()
    except ValueError:
        raise ValueError(_("not a date: {value!r}").format(value=s)) from None


def parse_count(value: object) -> int | None:
    """A count (coupons left, monthly sales): a whole number; empty or ``--`` is none."""
    s = cell_text(value).replace(",", "")
    if s.lower() in _EMPTY:
        return None
    if not (s.isdigit() and s.isascii() and len(s) <= 12):
        raise ValueError(_("not a whole number: {value!r}").format(value=s))
    return int(s)


_SCHEME = re.compile(r"https?://", re.I)
_BARE_HOST = re.compile(r"[a-z0-9-]+(\.[a-z0-9-]+)+/", re.I)


def parse_link(value: object) -> str | None:
    """A link cell: an http(s) URL (``//host/…`` and ``host/…`` get https://)."""
    s = cell_text(value)
    if s.lower() in _EMPTY:
        return None
    if s.startswith("//"):
        s = "https:" + s
    elif not _SCHEME.match(s) and _BARE_HOST.match(s):
        s = "https://" + s
    if not _SCHEME.match(s) or any(c.isspace() for c in s):
        raise ValueError(_("not a link: {value!r}").format(value=s[:60]))
    return s


def parse_tkl(value: object) -> str | None:
    """A 淘口令 cell: the token with its symbols (``￥AbCd1234XyZ￥``)."""
    s = cell_text(value)
    if s.lower() in _EMPTY:
        return None
    tkl = find_tkl(s)
    if tkl is None:
        raise ValueError(_("no 淘口令 in {value!r}").format(value=s[:40]))
    return tkl


FIELD_HINTS = {
    "coupon": N_("write the 面额 as 满100元减20元, 20元无条件券, or 无 for no coupon"),
    "coupon_start": N_("write a date like 2026-11-30"),
    "coupon_end": N_("write a date like 2026-11-30"),
    "coupon_total": N_("write a whole number"),
    "coupon_remaining": N_("write a whole number"),
    "monthly_sales": N_("write a whole number"),
    "link": N_("give the 联盟's link, https://s.click.taobao.com/…"),
    "coupon_link": N_("give the 联盟's coupon link, https://uland.taobao.com/coupon/edetail?…"),
    "short": N_("give the 联盟's short link, https://s.click.taobao.com/…"),
    "tkl": N_("give the 淘口令 as the export writes it, e.g. ￥AbCd1234XyZ￥"),
}


def expires_after(days: int | None) -> str | None:
    """The last day a link made today and valid for ``days`` days is used."""
    if days is None:
        return None
    return (date.fromisoformat(today()) + timedelta(days=days)).isoformat()


def row_slot(slot: str | None, links: dict[str, str]) -> tuple[str, str | None]:
    """(slot, pid) of one row's links: ``slot`` when given, else the adzone of the
    first PID in them, else ''; the pid is the one the links carry."""
    found = None
    for kind in ("coupon_link", "link", "short"):
        found = slot_of_pid(links.get(kind))
        if found:
            break
    pid = found[0] if found else None
    if slot is not None:
        return slot, pid
    return (found[1] if found else ""), pid


def refresh_links(conn: sqlite3.Connection, rows, kinds: tuple[str, ...], source: str) -> int:
    """Replace the ``kinds`` of link of each (sku, slot) in ``rows`` (sku, slot,
    pid, {kind: (value, expires_on)}); returns the links written. The caller holds
    the transaction."""
    if not kinds:
        return 0
    marks = ", ".join("?" for _ in kinds)
    written = 0
    for sku, slot, pid, links in rows:
        conn.execute(f"DELETE FROM goods_links WHERE sku = ? AND slot = ? AND kind IN ({marks})", (sku, slot, *kinds))
        for kind, (value, expires_on) in links.items():
            set_link(conn, sku, slot, kind, value, pid=pid, expires_on=expires_on, source=source)
            written += 1
    return written


# --- goods link: one link by hand -------------------------------------------------

_TAOBAO = ("taobao.com", "tmall.com", "tb.cn", "tmall.hk")
_JD = ("jd.com", "jd.hk")
# hosts a goods' platform accepts links of (a host or any of its subdomains)
PLATFORM_HOSTS = {
    "taobao": _TAOBAO,
    "tmall": _TAOBAO,
    "jd": _JD,
    "douyin": ("douyin.com", "jinritemai.com", "iesdouyin.com"),
    "pinduoduo": ("pinduoduo.com", "yangkeduo.com"),
}
# product pages: the item itself, which credits nobody
BARE_HOSTS = (
    "item.taobao.com", "detail.tmall.com", "detail.m.tmall.com", "item.m.taobao.com", "h5.m.taobao.com",
    "detail.tmall.hk", "a.m.taobao.com", "chaoshi.detail.tmall.com", "item.jd.com", "item.m.jd.com",
    "npcitem.jd.hk",
)
_HOST_NAMES = {"taobao": "Taobao/Tmall", "tmall": "Taobao/Tmall", "jd": "JD", "douyin": "Douyin",
               "pinduoduo": "Pinduoduo"}
_LINK_HINTS = {
    "taobao": N_("give the 联盟's link for the item (s.click.taobao.com, uland.taobao.com, m.tb.cn) or its 淘口令"),
    "jd": N_("give the 京东联盟's link for the item (u.jd.com or union-click.jd.com)"),
}


def _under(host: str, domains: tuple[str, ...]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def _is_amazon(host: str) -> bool:
    return host in ("amzn.to", "amzn.asia", "amzn.eu", "a.co") or bool(
        re.fullmatch(r"(?:[a-z0-9-]+\.)*amazon\.[a-z.]{2,10}", host)
    )


def link_kind(value: str) -> str:
    """The kind of a link by its value: a 淘口令 is tkl; uland.taobao.com is the
    coupon link; m.tb.cn the short link; anything else (s.click.taobao.com …) the
    淘客链接."""
    if not _SCHEME.match(value.strip()) and find_tkl(value):
        return "tkl"
    host = (urlsplit(value.strip()).hostname or "").lower()
    if host == "uland.taobao.com" or "/coupon/" in urlsplit(value.strip()).path:
        return "coupon_link" if _under(host, _TAOBAO) else "link"
    if host in ("m.tb.cn", "tb.cn"):
        return "short"
    return "link"


def check_link(platform: str | None, kind: str, value: str, sku: str) -> None:
    """Refuse a link that cannot earn for a goods of ``platform``: a URL of
    another platform, a bare product page, a 淘口令 for goods not on Taobao/Tmall.
    Platforms without a rule here (shopify, weidian …, or none) take any URL."""
    p = (platform or "").lower()
    family = "taobao" if p in ("taobao", "tmall") else p
    on = (_("goods {sku} is on {platform}").format(sku=sku, platform=platform) if platform
          else _("goods {sku} has no platform").format(sku=sku))
    if kind == "tkl":
        if family != "taobao":
            raise BadInput(
                _("a 淘口令 is for Taobao/Tmall goods; {why}").format(why=on),
                _("give the platform's affiliate URL, or set the platform: "
                  "weimai goods edit {sku} --platform taobao").format(sku=sku),
            )
        return
    host = (urlsplit(value).hostname or "").lower()
    if host in BARE_HOSTS:
        raise BadInput(
            _("{value} is the item's own page: a link without your PID earns nothing").format(value=value),
            _(_LINK_HINTS.get(family, N_("give the affiliate link the 联盟 made for your 推广位"))),
        )
    if p.startswith("amazon"):
        if not _is_amazon(host):
            raise BadInput(_("{value} is not an Amazon link; {why}").format(value=value, why=on),
                           _("give the item's Amazon link with your tag="))
        if host.startswith(("amzn.", "a.co")) or "tag" in parse_qs(urlsplit(value).query):
            return
        raise BadInput(
            _("{value} has no tracking id (tag=): it earns nothing").format(value=value),
            _("copy the link from SiteStripe, or add &tag=YOURID-20"),
        )
    hosts = PLATFORM_HOSTS.get(family)
    if hosts and not _under(host, hosts):
        raise BadInput(
            _("{value} is not a {platform} link; {why}").format(value=value, platform=_HOST_NAMES[family], why=on),
            _(_LINK_HINTS[family]) if family in _LINK_HINTS
            else _("give a link of {hosts}").format(hosts=", ".join(hosts)),
        )


def _check_day(text: str) -> str:
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise UsageError(
            _("--expires {text!r} is not a date").format(text=text), _("write YYYY-MM-DD, e.g. 2026-12-31")
        ) from None


def add_link(
    conn: sqlite3.Connection, sku: str, value: str, *, slot: str | None = None,
    kind: str | None = None, expires_on: str | None = None,
) -> dict:
    """Record one affiliate link (URL or 淘口令) of a goods for a slot, checked
    against the goods' platform (check_link); returns the link as stored (with
    the goods' ``platform``). Its slot is ``slot``, else the adzone of the PID in
    the URL (an Amazon link: its tag=, the tracking id), else ''."""
    row = conn.execute("SELECT sku, platform FROM goods WHERE sku = ?", (sku,)).fetchone()
    if row is None:
        from weimai_cli.catalog.goods import close_matches_hint

        raise NotFound(_("no goods with SKU {sku!r}").format(sku=sku), hint=close_matches_hint(conn, sku))
    value = value.strip()
    if kind is not None and kind not in LINK_KINDS:
        raise UsageError(_("--kind {kind!r} is not one of: {kinds}").format(kind=kind, kinds=", ".join(LINK_KINDS)),
                         _("coupon_link (券链接), link (淘客链接), short (短链接) or tkl (淘口令)"))
    kind = kind or link_kind(value)
    if kind == "tkl":
        tkl = find_tkl(value)
        if tkl is None:
            raise BadInput(_("no 淘口令 in {value!r}").format(value=value[:40]),
                           _("paste the 淘口令 as the 联盟 gives it, e.g. ￥AbCd1234XyZ￥"))
        value = tkl
    else:
        try:
            value = parse_link(value) or ""
        except ValueError:
            raise BadInput(
                _("{value!r} is neither a link nor a 淘口令").format(value=value[:60]),
                _("give an https:// link, or a 淘口令 like ￥AbCd1234XyZ￥"),
            ) from None
        if not value:
            raise BadInput(_("the link is empty"), _("give the 联盟's link or 淘口令"))
    check_link(row["platform"], kind, value, row["sku"])
    found = slot_of_pid(value)
    if slot is None:
        slot = found[1] if found else _amazon_tag(row["platform"], value)
    expires = _check_day(expires_on) if expires_on else None
    with transaction(conn):
        set_link(conn, row["sku"], slot.strip(), kind, value, pid=found[0] if found else None,
                 expires_on=expires, source="link")
    out = conn.execute(
        "SELECT * FROM goods_links WHERE sku = ? AND slot = ? AND kind = ?", (row["sku"], slot.strip(), kind)
    ).fetchone()
    return {**dict(out), "kind_name": LINK_KIND_NAMES[kind], "platform": row["platform"]}


def _amazon_tag(platform: str | None, value: str) -> str:
    if not (platform or "").lower().startswith("amazon"):
        return ""
    return (parse_qs(urlsplit(value).query).get("tag") or [""])[0]
