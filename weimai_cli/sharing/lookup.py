"""Shares made: list them, verify a code, and the sections of ``weimai shares show``.

``weimai shares show`` renders a share's :class:`Section` list: the goods'
terms now (:func:`goods_now_section`) and what orders and the ledger add;
they are put together above them, in :mod:`weimai_cli.reports.shares`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass

from weimai_cli.clock import parse_bound
from weimai_cli.errors import NotFound
from weimai_cli.i18n import N_, tr
from weimai_cli.sharing import codes
from weimai_cli.sharing.service import SHARE_COLUMNS, check_channel

# --- history -----------------------------------------------------------------

LIST_SQL = (
    "SELECT s.id, s.code, s.created_at, s.sku, g.title, s.distributor, s.channel, s.campaign, "
    "s.price_fen, s.currency, s.commission_bp, s.commission_fen, s.slot, "
    "COALESCE(s.short_link, s.link) AS link FROM shares s JOIN goods g ON g.sku = s.sku"
)


def list_shares(
    conn: sqlite3.Connection,
    *,
    sku: str | None = None,
    channel: str | None = None,
    campaign: str | None = None,
    distributor: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int | None = None,
) -> list[dict]:
    """Shares, oldest first, filtered; since/until take 2026-11, 2026-11-01 or ISO times."""
    filters = [
        ("s.sku = ?", sku),
        ("s.channel = ?", check_channel(channel) if channel else None),
        ("s.campaign = ?", campaign),
        ("s.distributor = ?", distributor),
        ("s.created_at >= ?", parse_bound(since) if since else None),
        ("s.created_at < ?", parse_bound(until, end=True) if until else None),
    ]
    where = [sql for sql, value in filters if value]
    params: list = [value for _, value in filters if value]
    sql = LIST_SQL + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY s.id"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [dict(r) for r in conn.execute(sql, params)]


@dataclass(frozen=True)
class CodeCheck:
    code: str
    share_id: int | None
    genuine: bool
    reason: str  # ok | checksum | signature | malformed
    share: dict | None

    def as_dict(self) -> dict:
        return asdict(self)


# why a code is (not) genuine, in English; shown through tr()
REASONS = {
    "ok": N_("genuine"),
    "checksum": N_("the check character does not match (a typo?)"),
    "signature": N_("the signature does not match (not made by this weimai)"),
    "malformed": N_("not a weimai code (wm + at least 8 letters and digits)"),
}


def check_code(conn: sqlite3.Connection, code: str, secret: bytes | None = None) -> CodeCheck:
    """Verify a code's check characters and find its share."""
    secret = secret if secret is not None else codes.get_secret()
    verdict = codes.verify(code, secret)
    share = None
    if verdict.ok:
        row = conn.execute(
            f"SELECT {', '.join('s.' + c for c in SHARE_COLUMNS)}, g.title "
            "FROM shares s JOIN goods g ON g.sku = s.sku WHERE s.id = ?",
            (verdict.share_id,),
        ).fetchone()
        share = dict(row) if row and row["code"] == verdict.code else None
    return CodeCheck(verdict.code, verdict.share_id, verdict.ok, verdict.reason, share)


def get_share(conn: sqlite3.Connection, code: str, secret: bytes | None = None) -> dict:
    """The share of a genuine code, or exit 1 saying why not."""
    check = check_code(conn, code, secret)
    if not check.genuine:
        raise NotFound(f"{check.code}: {tr(REASONS[check.reason])}", tr("check the code, or see `weimai shares list`"))
    if check.share is None:
        raise NotFound(
            tr("{code}: genuine, but share {id} is not in this database").format(code=check.code, id=check.share_id),
            tr("is --db / WEIMAI_HOME the database the share was made in?"),
        )
    return check.share


# --- sections of `shares show` -------------------------------------------------


@dataclass
class Section:
    """A titled table under a share in `weimai shares show`. The title (also
    the section's key in JSON), the labels and the empty text are English,
    marked ``N_()`` where they are made; the text formats translate them."""

    title: str
    rows: list[dict]
    cols: list[tuple[str, str, str]]  # (key, label, kind: text|money|rate|int)
    empty: str = N_("none")


def goods_now_section(conn: sqlite3.Connection, share: dict) -> Section:
    """The goods' terms now next to the snapshot taken at share time."""
    from weimai_cli.catalog.goods import COMMISSION_SQL

    now = conn.execute(
        f"SELECT price_fen, currency, commission_bp, commission_fen, status, {COMMISSION_SQL} AS unit "
        "FROM goods WHERE sku = ?",
        (share["sku"],),
    ).fetchone()
    rows = [
        {"when": N_("at share time"), "price_fen": share["price_fen"], "currency": share["currency"],
         "commission_bp": share["commission_bp"], "commission_fen": share["commission_fen"], "status": ""},
        {"when": N_("now (goods)"), "price_fen": now["price_fen"], "currency": now["currency"],
         "commission_bp": now["commission_bp"], "commission_fen": now["commission_fen"], "status": now["status"]},
    ]
    # a currency column only when one of them is not CNY, as in list-goods
    cur = [("currency", N_("cur"), "text")] if {r["currency"] for r in rows} != {"CNY"} else []
    cols = [("when", "", "text"), ("price_fen", N_("price"), "money"), *cur, ("commission_bp", N_("rate"), "rate"),
            ("commission_fen", N_("fixed"), "money"), ("status", N_("status"), "text")]
    return Section(N_("terms"), rows, cols)
