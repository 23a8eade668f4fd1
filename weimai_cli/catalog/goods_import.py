"""Importing goods files: header aliases, column maps and the all-or-nothing upsert.

Rows are converted with the goods fields' grammar (goods.py); price, rate,
fixed-commission or status changes append a snapshot to ``goods_history``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from weimai_cli.catalog.goods import (
    _CONVERT,
    _HISTORY_SQL,
    COLUMNS,
    HISTORY_COLUMNS,
    _hint,
    _set_fields,
)
from weimai_cli.catalog.offers import parse_face
from weimai_cli.catalog.picks import (
    COUPON_COLUMNS,
    COUPON_FIELDS,
    FIELD_HINTS,
    IGNORED,
    LINK_FIELDS,
    OFFER_FIELDS,
    PICKS_ALIASES,
    expires_after,
    is_picks_header,
    parse_count,
    parse_day,
    parse_link,
    parse_tkl,
    refresh_links,
    row_slot,
    split_validity,
)
from weimai_cli.clock import now_iso
from weimai_cli.db.tx import transaction
from weimai_cli.errors import BadInput
from weimai_cli.i18n import N_, _
from weimai_cli.money import DEFAULT_CURRENCY, MoneyError, parse_currency, platform_currency
from weimai_cli.tables.cells import ID_HINT, IdError, cell_text, id_text
from weimai_cli.tables.headers import match_columns
from weimai_cli.tables.table import open_table

# canonical field -> header aliases (matched after normalise_header)
GOODS_ALIASES: dict[str, tuple[str, ...]] = {
    "sku": ("商品编码", "货号", "商品ID", "商品id", "SKU", "item id", "item_id", "product id", "编码"),
    "title": ("商品名称", "标题", "商品标题", "名称", "title", "name", "product name"),
    "price": ("价格", "售价", "单价", "现价", "price", "price_fen_yuan", "sale price"),
    "original_price": ("原价", "划线价", "original price", "list price", "compare at price"),
    "rate": ("佣金比例", "佣金比率", "佣金率", "commission rate", "commission_rate", "rate"),
    "commission": ("单件佣金", "固定佣金", "佣金金额", "commission amount", "commission per unit"),
    "supplier": ("供应商", "店铺名称", "店铺", "supplier", "shop", "vendor"),
    "category": ("类目", "类目名称", "分类", "category"),
    "platform": ("平台", "platform"),
    "url": ("链接", "商品链接", "url", "link"),
    "image_url": ("图片", "主图", "图片链接", "image", "image url", "image_url"),
    "stock": ("库存", "stock", "inventory"),
    "tags": ("标签", "tags"),
    "selling_points": ("卖点", "亮点", "selling points", "selling_points"),
    "status": ("状态", "status"),
    "currency": ("币种", "货币", "currency", "currency code"),
}
REQUIRED = ("sku", "title", "price")
# the aliases every goods file is matched with: the goods fields', the 选品库's (picks.py)
ALIASES: dict[str, tuple[str, ...]] = {
    f: (*GOODS_ALIASES.get(f, ()), *PICKS_ALIASES.get(f, ())) for f in (*GOODS_ALIASES, *PICKS_ALIASES)
}


@dataclass
class ImportSummary:
    file: str
    container: str
    encoding: str | None
    rows: int = 0
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    archived: int = 0
    links: int = 0
    kind: str = "goods"  # or "taobao-picks": a 淘宝联盟 选品库 export
    dry_run: bool = False
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)

def _is_goods_header(norm: list[str], overrides: dict[str, str] | None = None) -> bool:
    mapping, _unknown = match_columns(split_validity(norm)[0], ALIASES, overrides)
    return sum(1 for f in REQUIRED if f in mapping) >= 2


# what --map may name: the goods fields, a coupon's, monthly_sales and the links
FIELD_NAMES = ("sku", *COLUMNS, *OFFER_FIELDS)


def check_column_map(column_map: dict[str, str] | None) -> dict[str, str]:
    """A ``{source column: field}`` map, checked, with normalised column names."""
    from weimai_cli.tables.headers import normalise_header

    out: dict[str, str] = {}
    for column, fieldname in (column_map or {}).items():
        if fieldname not in FIELD_NAMES:
            raise BadInput(
                _("--map {column}={field}: unknown field {field!r}").format(column=column, field=fieldname),
                _("map a column to one of: {fields}").format(fields=", ".join(FIELD_NAMES)),
            )
        if fieldname in out.values():
            raise BadInput(_("--map: two columns map to {field!r}").format(field=fieldname), _("map each field once"))
        # a column's "(300天内有效)" is not part of its name (picks.split_validity)
        out[split_validity([normalise_header(column)])[0][0]] = fieldname
    return out


def import_goods(
    conn: sqlite3.Connection,
    path: str | Path,
    *,
    dry_run: bool = False,
    archive_missing: bool = False,
    warn: Callable[[str], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
    source: str | None = None,
    column_map: dict[str, str] | None = None,
    slot: str | None = None,
) -> ImportSummary:
    """Upsert goods from one file, all-or-nothing. Returns the summary.

    ``column_map`` ({source column: field}, e.g. ``{"item_no": "sku"}``) names
    columns the aliases do not know; it wins over the aliases. A 淘宝联盟 选品库
    export is read by its headers (picks.py): coupons, monthly sales, and its
    links for ``slot`` (else the PID's adzone in them, else ''). ``source`` names
    where the goods come from (default: the file's name; a feed's is
    ``feed:NAME``): new goods get it, and ``archive_missing`` archives only
    active goods of this source (see _apply for which goods a source takes over)."""
    overrides = check_column_map(column_map)
    table = open_table(path, is_header=lambda norm: _is_goods_header(norm, overrides), ragged="ignore")
    with table:
        header, link_days = split_validity(table.header)
        mapping, unknown = match_columns(header, ALIASES, overrides)
        picks = is_picks_header(header)
        if picks:  # the export's columns weimai does not keep, left out quietly
            unknown = [i for i in unknown if header[i] not in IGNORED]
        missing = [f for f in REQUIRED if f not in mapping]
        if missing:
            found = ", ".join(h for h in table.raw_header if h) or _("(none)")
            raise BadInput(
                _("missing required column(s): {missing}; found: {found}").format(
                    missing=", ".join(missing), found=found),
                _("name the columns sku/商品编码, title/商品名称 and price/售价 in the header row"),
                file=table.path, row=table.header_row,
            )
        summary = ImportSummary(file=table.path, container=table.container, encoding=table.encoding)
        summary.dry_run = dry_run
        summary.kind = "taobao-picks" if picks else "goods"

        def warning(text, **kw):
            """A warning: English in the summary (its JSON), the interface language shown."""
            summary.warnings.append(text.format(**kw))
            if warn:
                warn(_(text).format(**kw))

        for i in unknown:
            warning(N_("{file}: ignoring unknown column {column!r}"), file=table.path, column=table.raw_header[i])
        if "coupon" not in mapping and any(f in mapping for f in COUPON_FIELDS):
            warning(N_("{file}: ignoring the coupon columns: there is no 优惠券面额 (coupon) column"),
                    file=table.path)
        extra = _Extras(table, mapping, link_days, slot, warning)
        if slot is not None and not extra.link_fields:
            warning(N_("{file}: --slot {slot}: the file has no link columns"), file=table.path, slot=slot)
        fields = [f for f in COLUMNS if f in mapping and not (f == "currency" and extra.derive_currency)]
        cols = [COLUMNS[f] for f in fields]
        if "status" not in fields:
            fields.append("status")
            cols.append("status")
        sku_i = mapping["sku"]
        getters = [(f, mapping.get(f), _CONVERT[f]) for f in fields]

        def checked(rownum, values):
            """One row, checked in order: None for a blank row, else the record,
            or the BadInput naming the first bad cell."""
            if not any(cell_text(v) for v in values):
                return None
            try:
                sku = id_text(values[sku_i])
            except IdError as exc:
                raise table.error(rownum, sku_i, str(exc), _(ID_HINT)) from None
            if not sku:
                raise table.error(rownum, sku_i, _("SKU is empty"), _("every row needs a SKU"))
            out = [sku, rownum]
            for f, idx, conv in getters:
                raw = values[idx] if idx is not None else ""
                try:
                    out.append(conv(raw))
                except (MoneyError, ValueError) as exc:
                    raise table.error(rownum, idx, str(exc), _hint(f)) from None
            if out[2] is None:
                raise table.error(rownum, mapping["title"], _("title is empty"), _("every row needs a title"))
            if out[3] is None:
                raise table.error(rownum, mapping["price"], _("price is empty"), _("every row needs a price"))
            return out

        platform_at = fields.index("platform") + 2 if "platform" in fields else None

        # the hot loop: convert a row in one go, and let checked() sort out any
        # row that fails or looks blank; absent columns (only status can be) are constant
        present = [(mapping[f], _CONVERT[f]) for f in fields if f in mapping]
        absent = [_CONVERT[f]("") for f in fields if f not in mapping]

        def records():
            for rownum, values in table.rows:
                try:
                    out = [id_text(values[sku_i]), rownum]
                    for idx, conv in present:
                        out.append(conv(values[idx]))
                except (MoneyError, ValueError):
                    out = None
                if out is None or not out[0] or out[2] is None or out[3] is None:
                    out = checked(rownum, values)
                    if out is None:
                        continue
                else:
                    out += absent
                if extra.cols or extra.link_fields:
                    extra.add(rownum, values, out, out[platform_at] if platform_at else None)
                summary.rows += 1
                if progress and summary.rows % 5000 == 0:
                    progress(table.bytes_read(), table.size)
                yield out

        try:
            with transaction(conn):
                try:
                    _apply(conn, table, records(), cols + extra.cols, summary, archive_missing, source or table.name)
                    summary.links = refresh_links(conn, extra.links, extra.link_fields, source or table.name)
                finally:
                    conn.execute("DROP TABLE IF EXISTS temp._incoming")
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
    return summary


class _DryRun(Exception):
    pass


class _Extras:
    """What a row carries besides goods.COLUMNS: the currency its platform implies,
    the coupon (picks.COUPON_COLUMNS), monthly sales, and its links (kept in
    ``links`` for picks.refresh_links)."""

    def __init__(self, table, mapping: dict[str, int], link_days: dict[int, int], slot, warning):
        self.table, self.mapping, self.link_days, self.slot = table, mapping, link_days, slot
        # an item with no currency of its own is priced in its platform's (amazon: USD)
        self.derive_currency = "platform" in mapping
        self.cols: list[str] = []
        if self.derive_currency:
            self.cols.append("currency")
        if "coupon" in mapping:
            self.cols += COUPON_COLUMNS
        if "monthly_sales" in mapping:
            self.cols.append("monthly_sales")
        self.link_fields = tuple(f for f in LINK_FIELDS if f in mapping)
        self.links: list[tuple] = []
        self.warning = warning
        self._pid_warned = False

    def cell(self, rownum: int, values: list, f: str, conv):
        """Field ``f`` of a row through ``conv``; None when the file has no such column."""
        idx = self.mapping.get(f)
        if idx is None:
            return None
        try:
            return conv(values[idx] if idx < len(values) else "")
        except (MoneyError, ValueError) as exc:
            raise self.table.error(rownum, idx, str(exc), _(FIELD_HINTS[f]) if f in FIELD_HINTS else _hint(f)) from None

    def add(self, rownum: int, values: list, out: list, platform: str | None) -> None:
        """Append the row's extra columns to its record ``out``; keep its links."""

        def cell(f, conv):
            return self.cell(rownum, values, f, conv)

        if self.derive_currency:
            given = cell("currency", lambda v: parse_currency(v) if cell_text(v) else None)
            # an empty currency cell is the platform's currency, else CNY; no column keeps the item's
            fallback = DEFAULT_CURRENCY if "currency" in self.mapping else None
            out.append(given or platform_currency(platform) or fallback)
        end = cell("coupon_end", parse_day)
        if "coupon" in self.mapping:
            face = cell("coupon", parse_face)
            if face is None:
                out += [None] * len(COUPON_COLUMNS)
            else:
                out += [
                    *face, cell("coupon", cell_text), cell("coupon_start", parse_day), end,
                    cell("coupon_total", parse_count), cell("coupon_remaining", parse_count),
                    cell("coupon_url", parse_link),
                ]
        if "monthly_sales" in self.mapping:
            out.append(cell("monthly_sales", parse_count))
        if self.link_fields:
            links = {}
            for f in self.link_fields:
                value = cell(f, parse_tkl if f == "tkl" else parse_link)
                if value:
                    # (N天内有效) in the header: N days from today; a coupon link: the coupon's end
                    days = [d for d in (expires_after(self.link_days.get(self.mapping[f])),
                                        end if f == "coupon_link" else None) if d]
                    links[f] = (value, min(days) if days else None)
            slot, pid = row_slot(self.slot, {k: v for k, (v, _) in links.items()})
            if self.slot is not None and pid and not pid.endswith("_" + self.slot) and not self._pid_warned:
                self._pid_warned = True
                self.warning(
                    N_("{file}:{row}: the links carry the PID {pid}, kept under --slot {slot} as asked"),
                    file=self.table.path, row=rownum, pid=pid, slot=self.slot,
                )
            self.links.append((out[0], slot, pid, links))


# sources weimai writes itself (goods_history.source, goods.source)
_RESERVED_SOURCES = ("add", "edit", "archive", "m011")


def check_source(name: str) -> str:
    """A `goods import --source NAME`: not empty, not one weimai uses itself."""
    name = (name or "").strip()
    if not name or name in _RESERVED_SOURCES or name.startswith("feed:"):
        raise BadInput(
            _("--source {name!r} is not allowed").format(name=name),
            _("name the supplier or file, e.g. --source supplier; "
              "{reserved} and feed:… are weimai's own").format(reserved=", ".join(_RESERVED_SOURCES)),
        )
    return name

# _incoming.state: how a row compares with the catalogue, worked out as it is read
_NEW, _CHANGED, _HISTORY, _ARCHIVING = 1, 2, 4, 8


def _apply(conn, table, records, cols, summary, archive_missing, source):
    now = now_iso()
    coldefs = ", ".join(cols)
    conn.execute(
        f"CREATE TEMP TABLE _incoming (sku TEXT PRIMARY KEY, row INTEGER, {coldefs}, "
        "conflict_row INTEGER, state INTEGER NOT NULL)"
    )
    # a record is (sku, row, *cols): parameters ?1, ?2, ?3…
    param = {c: f"?{k}" for k, c in enumerate(cols, start=3)}
    # a NULL currency (no currency column, a platform that implies none) keeps the item's
    value = {c: (f"coalesce({p}, g.{c})" if c == "currency" else p) for c, p in param.items()}
    differs = " OR ".join(f"g.{c} IS NOT {value[c]}" for c in cols)
    hist_cols = [c for c in HISTORY_COLUMNS if c in cols]
    hist_differs = " OR ".join(f"g.{c} IS NOT {value[c]}" for c in hist_cols) or "0"
    state = (
        f"coalesce((SELECT ({differs}) * {_CHANGED} + ({hist_differs}) * {_HISTORY} "
        f"+ (g.status = 'active' AND {param['status']} = 'archived') * {_ARCHIVING} "
        f"FROM goods g WHERE g.sku = ?1), {_NEW})"
    )
    if conn.execute("SELECT NOT EXISTS (SELECT 1 FROM goods)").fetchone()[0]:
        state = str(_NEW)  # an empty catalogue: every row is new, no need to look
    dup_differs = " OR ".join(f"{c} IS NOT excluded.{c}" for c in cols)
    sql = (
        f"INSERT INTO _incoming (sku, row, {coldefs}, state) "
        f"VALUES (?1, ?2, {', '.join(param.values())}, {state}) "
        f"ON CONFLICT(sku) DO UPDATE SET conflict_row = CASE "
        f"WHEN conflict_row IS NULL AND ({dup_differs}) THEN excluded.row ELSE conflict_row END"
    )
    conn.executemany(sql, records)
    clashes, summary.added, summary.changed, summary.unchanged, summary.archived = conn.execute(
        f"SELECT count(conflict_row), count(CASE WHEN state = {_NEW} THEN 1 END), "
        f"count(CASE WHEN state & {_CHANGED} THEN 1 END), count(CASE WHEN state = 0 THEN 1 END), "
        f"count(CASE WHEN state & {_ARCHIVING} THEN 1 END) FROM _incoming"
    ).fetchone()
    if clashes:
        clash = conn.execute(
            "SELECT sku, row, conflict_row FROM _incoming WHERE conflict_row IS NOT NULL "
            "ORDER BY conflict_row LIMIT 1"
        ).fetchone()
        raise BadInput(
            _("SKU {sku!r} appears again with different data (first in row {row})").format(
                sku=clash[0], row=clash[1]),
            _("keep one row per SKU, or make the duplicate rows identical"),
            file=table.path, row=clash[2],
        )

    # a source that lists an item it did not bring takes it over (goods.source) when
    # the item is archived (the listing brings it back), and a feed takes over what
    # a file import or a removed feed brought (the supplier moved to a feed, or the
    # feed was renamed); another feed's active goods stay that feed's, and goods
    # added by hand (or of unknown source) stay put
    feed = source.startswith("feed:")
    if summary.changed or feed:
        conn.execute(
            "UPDATE goods AS g SET source = ?1 FROM _incoming AS i WHERE g.sku = i.sku "
            "AND g.source IS NOT ?1 AND g.source != 'add' "
            "AND ((g.status = 'archived' AND i.status = 'active') OR (?2 AND (g.source NOT LIKE 'feed:%' "
            "OR substr(g.source, 6) NOT IN (SELECT name FROM feeds))))",
            (source, feed),
        )
    # _incoming's rowids follow the file's rows, so ORDER BY i.rowid is file order
    if summary.changed:
        hist_value = {c: (f"i.{c}" if c in cols else f"g.{c}") for c in HISTORY_COLUMNS}
        hist_value["currency"] = "coalesce(i.currency, g.currency)" if "currency" in cols else "g.currency"
        # history: changed goods (price / rate / commission / status) ...
        if hist_cols:
            conn.execute(
                f"INSERT INTO goods_history (sku, {_HISTORY_SQL}, changed_at, source) "
                f"SELECT i.sku, {', '.join(hist_value[c] for c in HISTORY_COLUMNS)}, ?, ? "
                f"FROM _incoming i JOIN goods g ON g.sku = i.sku WHERE i.state & {_HISTORY} ORDER BY i.rowid",
                (now, source),
            )
        set_clause = ", ".join(f"{c} = {'coalesce(i.currency, g.currency)' if c == 'currency' else 'i.' + c}"
                               for c in cols)
        conn.execute(
            f"UPDATE goods AS g SET {set_clause}, updated_at = ? FROM _incoming AS i "
            f"WHERE g.sku = i.sku AND i.state & {_CHANGED}",
            (now,),
        )
    # ... and new goods, whose history row holds what was inserted (absent columns are NULL)
    if summary.added:
        conn.execute(
            f"INSERT INTO goods (sku, {coldefs}, source, created_at, updated_at) "
            f"SELECT i.sku, {', '.join(_new_value(c) for c in cols)}, ?, ?, ? FROM _incoming i "
            f"WHERE i.state = {_NEW} ORDER BY i.rowid",
            (source, now, now),
        )
        absent = {"currency": f"'{DEFAULT_CURRENCY}'"}  # the goods column's default
        new_value = {c: (_new_value(c) if c in cols else absent.get(c, "NULL")) for c in HISTORY_COLUMNS}
        conn.execute(
            f"INSERT INTO goods_history (sku, {_HISTORY_SQL}, changed_at, source) "
            f"SELECT i.sku, {', '.join(new_value[c] for c in HISTORY_COLUMNS)}, ?, ? FROM _incoming i "
            f"WHERE i.state = {_NEW} ORDER BY i.rowid",
            (now, source),
        )
    if archive_missing:
        # only goods this source brought (or adopted): never another feed's or
        # import's, never goods added by hand
        missing = conn.execute(
            "SELECT sku FROM goods WHERE status = 'active' AND source = ? "
            "AND sku NOT IN (SELECT sku FROM _incoming)",
            (source,),
        ).fetchall()
        summary.archived += len(missing)
        for (sku,) in missing:
            _set_fields(conn, sku, {"status": "archived"}, source, now)


def _new_value(col: str) -> str:
    """A new goods' value of an incoming column (no currency: CNY, the column's default)."""
    return f"coalesce(i.currency, '{DEFAULT_CURRENCY}')" if col == "currency" else f"i.{col}"
