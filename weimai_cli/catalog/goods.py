"""The goods catalogue: add, edit, archive, show and query.

Money is integer fen and rates are basis points (see money.py). Every price,
rate, fixed-commission or status change appends a snapshot to
``goods_history``, so shares can keep the price and rate of their moment.
Importing goods files (and column maps) is in goods_import.py.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from weimai_cli.catalog.offers import coupon_price_sql, valid_coupon_sql
from weimai_cli.clock import now_iso, today
from weimai_cli.db.tx import transaction
from weimai_cli.errors import BadInput, NotFound
from weimai_cli.i18n import N_, _
from weimai_cli.money import (
    MoneyError,
    parse_currency,
    parse_money,
    parse_rate,
    platform_currency,
    too_large,
)
from weimai_cli.tables.cells import IdError, cell_text, id_text

# field -> goods column; the order here is the column order used in SQL
COLUMNS = {
    "title": "title",
    "price": "price_fen",
    "original_price": "original_price_fen",
    "rate": "commission_bp",
    "commission": "commission_fen",
    "supplier": "supplier",
    "category": "category",
    "platform": "platform",
    "url": "url",
    "image_url": "image_url",
    "stock": "stock",
    "tags": "tags",
    "selling_points": "selling_points",
    "status": "status",
    "currency": "currency",
}
HISTORY_COLUMNS = ("price_fen", "commission_bp", "commission_fen", "status", "currency")
_HISTORY_SQL = ", ".join(HISTORY_COLUMNS)
_ACTIVE = {"active", "在售", "上架", "正常", "on", "1", "yes", "true"}
_ARCHIVED = {"archived", "下架", "停售", "已下架", "off", "0", "no", "false", "inactive"}

# commission per unit in fen: a fixed amount wins, else price x rate rounded half-up
COMMISSION_SQL = (
    "COALESCE(commission_fen, (price_fen * commission_bp + 5000) / 10000)"
)



def _status(text: str) -> str:
    s = text.strip().lower()
    if s in _ACTIVE:
        return "active"
    if s in _ARCHIVED:
        return "archived"
    raise MoneyError(_("unknown status {text!r} (use active or archived)").format(text=text))


def _int(text: str) -> int | None:
    if text.isdigit() and text.isascii() and len(text) <= 12:  # plain digits, as most stock cells are
        return int(text)
    s = cell_text(text).replace(",", "")
    if not s:
        return None
    if not s.lstrip("-").isdigit():
        raise MoneyError(_("not a whole number: {value!r}").format(value=s))
    if len(s.lstrip("-0")) > 12:  # before int(): 5,000 digits would not even convert
        raise too_large(s, "number")
    return int(s)


def _text(value) -> str | None:
    if type(value) is str:  # cell_text's common case, inlined: this runs for most cells
        s = value.strip()
        if s[:1] not in ("'", "="):
            return s or None
    return cell_text(value) or None


def _money(value) -> int | None:
    return parse_money(value if not isinstance(value, str) else value.strip(), empty=("", "--", "-"))


def _rate(value) -> int | None:
    if type(value) is str:
        return _rate_text(value)
    return parse_rate(value, empty=("", "--", "-"))


@lru_cache(maxsize=4096)
def _rate_text(text: str) -> int | None:
    # a catalogue repeats a handful of rates; errors are not cached and raise each time
    return parse_rate(text, empty=("", "--", "-"))


# platform names as the exports write them (选品库 平台类型: 淘宝 / 天猫) -> weimai's
PLATFORM_NAMES = {
    "淘宝": "taobao", "天猫": "tmall", "京东": "jd", "抖音": "douyin", "拼多多": "pinduoduo",
    "微店": "weidian", "亚马逊": "amazon", "快手": "kuaishou", "小红书": "xiaohongshu",
}


def _platform(value) -> str | None:
    s = (_text(value) or "").lower()
    return PLATFORM_NAMES.get(s, s) or None


_CONVERT: dict[str, Callable] = {
    "title": _text,
    "price": _money,
    "original_price": _money,
    "rate": _rate,
    "commission": _money,
    "supplier": _text,
    "category": _text,
    "platform": _platform,
    "url": _text,
    "image_url": _text,
    # a JSON number goes through its text: 1.5, NaN or 1e308 are errors, not int() surprises
    "stock": lambda v: _int(v if isinstance(v, str) else cell_text(v)),
    "tags": _text,
    "selling_points": _text,
    "status": lambda v: _status(cell_text(v)) if cell_text(v) else "active",
    # an empty cell in a currency column means CNY, as an item without one
    "currency": lambda v: parse_currency(cell_text(v)),
}



def _hint(fieldname: str) -> str:
    """How to write a field's value, in the interface language."""
    return _({
        "price": N_("write a price like 12.50, ¥12.50 or 1,299.00 (two decimals at most)"),
        "original_price": N_("write a price like 12.50, ¥12.50 or 1,299.00"),
        # (the examples are placeholders: "12.5 % or" reads as a printf format to gettext tools)
        "rate": N_("write a percent like {a}, {b} or {c} (all mean 12.5 %)"),
        "commission": N_("write an amount like 3.20"),
        "stock": N_("write a whole number"),
        "status": N_("use active or archived"),
        "currency": N_("write a three-letter currency code such as CNY, USD or EUR"),
    }.get(fieldname, N_("fix the value and import again"))).format(a="12.5%", b="12.5 %", c="12.5")



def _set_fields(conn, sku: str, values: dict, source: str, now: str) -> bool:
    """Update columns of one item; append history if a tracked column changed."""
    row = conn.execute("SELECT * FROM goods WHERE sku = ?", (sku,)).fetchone()
    if row is None:
        raise NotFound(_("no goods with SKU {sku!r}").format(sku=sku), hint=_("see `weimai list-goods`"))
    changed = {k: v for k, v in values.items() if row[k] != v}
    if not changed:
        return False
    sets = ", ".join(f"{k} = ?" for k in changed)
    conn.execute(
        f"UPDATE goods SET {sets}, updated_at = ? WHERE sku = ?",
        (*changed.values(), now, sku),
    )
    if any(k in HISTORY_COLUMNS for k in changed):
        _history(conn, sku, source, now)
    return True


def _history(conn, sku: str, source: str, now: str) -> None:
    conn.execute(
        f"INSERT INTO goods_history (sku, {_HISTORY_SQL}, changed_at, source) "
        f"SELECT sku, {_HISTORY_SQL}, ?, ? FROM goods WHERE sku = ?",
        (now, source, sku),
    )


def parse_fields(raw: dict[str, str | None]) -> dict:
    """CLI option values (text) -> goods columns, with the import grammar."""
    out = {}
    for f, value in raw.items():
        if value is None:
            continue
        try:
            out[COLUMNS[f]] = _CONVERT[f](value)
        except (MoneyError, ValueError) as exc:
            raise BadInput(f"--{f.replace('_', '-')}: {exc}", _hint(f)) from None
    return out


def add_goods(conn, sku: str, fields: dict) -> dict:
    try:
        sku = id_text(sku)
    except IdError as exc:
        raise BadInput(str(exc), _("give the SKU as text")) from None
    if not sku:
        raise BadInput(_("SKU is empty"), _("give a SKU"))
    if not fields.get("title"):
        raise BadInput(_("--title is required"), _("give the product's title"))
    if fields.get("price_fen") is None:
        raise BadInput(_("--price is required"), _("give a price like 12.50"))
    now = now_iso()
    fields = {**fields, "status": fields.get("status") or "active"}
    if "currency" not in fields and platform_currency(fields.get("platform")):
        fields["currency"] = platform_currency(fields["platform"])  # amazon: USD
    with transaction(conn):
        if conn.execute("SELECT 1 FROM goods WHERE sku = ?", (sku,)).fetchone():
            raise BadInput(
                _("SKU {sku!r} already exists").format(sku=sku),
                _("change it with `weimai goods edit {sku} …`").format(sku=sku),
            )
        cols = ["sku", *fields, "source", "created_at", "updated_at"]
        conn.execute(
            f"INSERT INTO goods ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
            (sku, *fields.values(), "add", now, now),
        )
        _history(conn, sku, "add", now)
    return get_goods(conn, sku)


def edit_goods(conn, sku: str, fields: dict, *, source: str = "edit") -> bool:
    if not fields:
        raise BadInput(_("nothing to change"), _("give at least one option, e.g. --price 12.50"))
    with transaction(conn):
        return _set_fields(conn, sku, fields, source, now_iso())


def archive_goods(conn, sku: str) -> bool:
    with transaction(conn):
        return _set_fields(conn, sku, {"status": "archived"}, "archive", now_iso())


def get_goods(conn, sku: str) -> dict:
    row = conn.execute(
        f"SELECT *, {COMMISSION_SQL} AS unit_commission_fen FROM goods WHERE sku = ?", (sku,)
    ).fetchone()
    if row is None:
        raise NotFound(_("no goods with SKU {sku!r}").format(sku=sku), hint=close_matches_hint(conn, sku))
    return dict(row)


def goods_history(conn, sku: str) -> list[dict]:
    return [
        dict(r)
        for r in conn.execute(
            "SELECT changed_at, price_fen, currency, commission_bp, commission_fen, status, source "
            "FROM goods_history WHERE sku = ? ORDER BY id",
            (sku,),
        )
    ]


def close_matches_hint(conn, sku: str, *, active_only: bool = False) -> str:
    """'did you mean A, B?' from the catalogue's SKUs (active ones only if asked)."""
    from weimai_cli.errors import did_you_mean

    where = " WHERE status = 'active'" if active_only else ""
    skus = [r[0] for r in conn.execute("SELECT sku FROM goods" + where)]
    return did_you_mean(sku, skus) or _("see `weimai list-goods`")


SORTS = {
    "price": "price_fen",
    "coupon_price": "coupon_price_fen",
    "rate": "commission_bp",
    "commission": "unit_commission_fen",
    "sales": "monthly_sales",
    "title": "title",
    "updated": "updated_at",
    "sku": "sku",
}
# the coupon of a listed goods (catalog/offers.py reads them)
COUPON_COLUMNS = (
    "coupon_fen", "coupon_threshold_fen", "coupon_text", "coupon_start", "coupon_end",
    "coupon_total", "coupon_remaining", "coupon_url",
)


def query_goods(
    conn,
    *,
    search: str | None = None,
    category: str | None = None,
    supplier: str | None = None,
    min_rate_bp: int | None = None,
    include_archived: bool = False,
    with_coupon: bool = False,
    sort: str = "sku",
    desc: bool = False,
    limit: int | None = None,
    day: str | None = None,
) -> list[dict]:
    """Goods rows with their commission per unit and 券后价 (``coupon_price_fen``,
    on ``day``, default today); ``with_coupon``: only goods whose coupon is valid
    that day (offers.valid_coupon)."""
    where: list[str] = []
    params: dict = {"day": day or today()}
    if not include_archived:
        where.append("status = 'active'")
    if search:
        where.append("(instr(lower(sku), lower(:search)) > 0 OR instr(lower(title), lower(:search)) > 0)")
        params["search"] = search
    if category:
        where.append("category = :category")
        params["category"] = category
    if supplier:
        where.append("supplier = :supplier")
        params["supplier"] = supplier
    if min_rate_bp is not None:
        where.append("commission_bp >= :min_rate")
        params["min_rate"] = min_rate_bp
    if with_coupon:
        where.append(valid_coupon_sql())
    order = SORTS[sort]
    sql = (
        f"SELECT sku, title, price_fen, currency, commission_bp, {COMMISSION_SQL} AS unit_commission_fen, "
        f"category, supplier, stock, status, updated_at, platform, monthly_sales, {', '.join(COUPON_COLUMNS)}, "
        f"{coupon_price_sql()} AS coupon_price_fen FROM goods"
    )
    if where:
        sql += " WHERE " + " AND ".join(where)
    direction = "DESC" if desc else "ASC"
    sql += f" ORDER BY {order} {direction} NULLS LAST, sku {direction}"
    if limit is not None:
        sql += " LIMIT :limit"
        params["limit"] = limit
    return [dict(r) for r in conn.execute(sql, params)]
