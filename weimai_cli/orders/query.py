"""Reading order lines back: list with filters, one line's history, a share's orders."""

from __future__ import annotations

import re

from weimai_cli.errors import BadInput, NotFound, UsageError
from weimai_cli.i18n import N_, _
from weimai_cli.orders.values import STATUSES

LIST_COLUMNS = (
    "o.platform, o.line_key, o.order_id, o.sku, o.title, o.quantity, o.paid_fen, o.refunded_fen, "
    "o.currency, o.status, o.raw_status, o.created_at, o.paid_at, o.month, o.slot, "
    "o.tracking_code, o.code_status, o.share_id, s.code AS share_code, o.distributor, "
    "o.attribution, o.reported_commission_fen, o.reported_rate_bp, o.kind"
)


def list_orders(
    conn,
    *,
    month: str | None = None,
    status: str | None = None,
    sku: str | None = None,
    share: str | None = None,
    platform: str | None = None,
    unattributed: bool = False,
    limit: int | None = None,
) -> list[dict]:
    where, params = [], []
    if month:
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
            raise UsageError(_("--month {month!r}: write YYYY-MM").format(month=month), _("e.g. --month 2026-11"))
        where.append("o.month = ?")
        params.append(month)
    if status:
        wanted = [s.strip() for s in status.split(",") if s.strip()]
        unknown = [s for s in wanted if s not in STATUSES]
        if unknown:
            raise UsageError(_("--status {unknown}: unknown").format(unknown=", ".join(unknown)),
                             _("statuses: {statuses}").format(statuses=", ".join(STATUSES)))
        where.append(f"o.status IN ({', '.join('?' for _ in wanted)})")
        params += wanted
    if sku:
        where.append("o.sku = ?")
        params.append(sku)
    if share:
        where.append("o.share_id = ?")
        params.append(share_id(conn, share))
    if platform:
        where.append("o.platform = ?")
        params.append(platform)
    if unattributed:
        where.append("o.share_id IS NULL")
    sql = f"SELECT {LIST_COLUMNS} FROM orders o LEFT JOIN shares s ON s.id = o.share_id"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY coalesce(o.paid_at, o.created_at), o.platform, o.line_key"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [dict(r) for r in conn.execute(sql, params)]


def share_id(conn, share: str) -> int:
    """A share by code (``wm…``) or numeric id."""
    if share.isdigit() and len(share) <= 18:  # an id; more digits than SQLite's INTEGER holds is no share
        row = conn.execute("SELECT id FROM shares WHERE id = ?", (int(share),)).fetchone()
    else:
        from weimai_cli.sharing.codes import normalise

        row = conn.execute("SELECT id FROM shares WHERE code = ?", (normalise(share),)).fetchone()
    if row is None:
        raise NotFound(_("no share {share!r}").format(share=share), _("see `weimai shares list`"))
    return row[0]


def orders_for_share(conn, share: str | int) -> list[dict]:
    """The order lines attributed to a share (for ``weimai shares show CODE``)."""
    sid = share if isinstance(share, int) else share_id(conn, share)
    return [
        dict(r)
        for r in conn.execute(
            f"SELECT {LIST_COLUMNS} FROM orders o LEFT JOIN shares s ON s.id = o.share_id "
            "WHERE o.share_id = ? ORDER BY coalesce(o.paid_at, o.created_at), o.line_key",
            (sid,),
        )
    ]


def show_order(conn, line_key: str, platform: str | None = None) -> dict:
    """One line with its history: the import that created it, then every change."""
    sql = "SELECT o.*, s.code AS share_code FROM orders o LEFT JOIN shares s ON s.id = o.share_id WHERE o.line_key = ?"
    params: list = [line_key]
    if platform:
        sql += " AND o.platform = ?"
        params.append(platform)
    rows = conn.execute(sql, params).fetchall()
    if not rows:
        raise NotFound(_("no order line {key!r}").format(key=line_key), _("see `weimai orders list`"))
    if len(rows) > 1:
        raise BadInput(
            _("line {key!r} exists on several platforms: {platforms}").format(
                key=line_key, platforms=", ".join(r["platform"] for r in rows)),
            _("add --platform NAME"),
        )
    line = dict(rows[0])
    first = conn.execute(
        "SELECT id, name, format, started_at FROM imports WHERE id = ?", (line["first_import_id"],)
    ).fetchone()
    history = [
        {
            "at": first["started_at"], "import_id": first["id"], "file": first["name"],
            "field": "created", "old_value": None, "new_value": first["format"],
        }
    ]
    for r in conn.execute(
        "SELECT e.at, e.import_id, i.name AS file, e.field, e.old_value, e.new_value "
        "FROM order_events e LEFT JOIN imports i ON i.id = e.import_id "
        "WHERE e.platform = ? AND e.line_key = ? ORDER BY e.id",
        (line["platform"], line["line_key"]),
    ):
        history.append(dict(r))
    line["history"] = history
    return line


def share_orders_section(conn, share: dict):
    """The share's order lines, as a section of `weimai shares show CODE`."""
    from weimai_cli.sharing.lookup import Section

    return Section(
        title=N_("orders"),
        rows=orders_for_share(conn, int(share["id"])),
        cols=[
            ("platform", N_("platform"), "text"),
            ("line_key", N_("line"), "text"),
            ("paid_at", N_("paid at"), "text"),
            ("quantity", N_("qty"), "int"),
            ("paid_fen", N_("paid"), "money"),
            ("refunded_fen", N_("refunded"), "money"),
            ("status", N_("status"), "text"),
            ("reported_commission_fen", N_("commission (reported)"), "money"),
        ],
        empty=N_("no orders yet"),
    )
