"""The commission ledger: append-only entries booked from order lines.

:func:`book` looks at the order lines in a scope (the lines of one import, or
every attributed line after ``orders attribute``), works out what each line
should earn now (:mod:`commission`), compares it with what the ledger already
holds for it (``ledger_state``) and appends the difference as entries. Entries
are never edited (triggers refuse UPDATE and DELETE).

Periods: an entry belongs to its order line's month (Asia/Shanghai). When that
month is closed, the entry is booked as an ``adjustment`` into the next open
month, with ``orig_period`` naming the closed one, so a closed statement never
changes and every late change appears exactly once.

Who earns: an affiliate report's lines earn for the distributor the file was
imported ``--as``; a shop export's lines earn only for the distributor of the
share they are attributed to (unattributed shop lines earn nobody).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from weimai_cli.clock import now_iso
from weimai_cli.commission import Holding, plan, rate_line, target
from weimai_cli.money import format_fen

_LINES_SQL = """
SELECT o.platform, o.line_key, o.sku, coalesce(o.currency, 'CNY'), o.quantity, o.paid_fen, o.refunded_fen, o.status,
       o.paid_at, o.created_at, o.month, o.share_id, o.distributor, o.kind,
       o.reported_commission_fen, o.settled_commission_fen, o.reported_rate_bp,
       s.commission_bp, s.commission_fen, d.rate_bp, g.commission_bp, g.commission_fen,
       st.distributor, st.signature, st.gross_fen, st.reversal_fen,
       st.estimated_fen, st.confirmed_fen, st.settled_fen
FROM temp._ledger_scope c
JOIN orders o ON o.platform = c.platform AND o.line_key = c.line_key
LEFT JOIN shares s ON s.id = o.share_id
LEFT JOIN distributors d ON d.handle = o.distributor
LEFT JOIN goods g ON g.sku = o.sku
LEFT JOIN ledger_state st ON st.platform = o.platform AND st.line_key = o.line_key
"""

_INSERT = (
    "INSERT INTO ledger (period, distributor, platform, line_key, sku, share_id, day, currency, "
    "kind, bucket, amount_fen, base_fen, rate_bp, rate_source, orig_period, reason, import_id, "
    "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_STATE_COLUMNS = (
    "platform, line_key, distributor, share_id, signature, gross_fen, reversal_fen, "
    "estimated_fen, confirmed_fen, settled_fen, month, reported_rate_bp, expected_rate_bp"
)
_TOTALS = (
    "INSERT INTO ledger_totals (period, distributor, currency, amount_fen) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (period, distributor, currency) DO UPDATE SET amount_fen = amount_fen + excluded.amount_fen"
)
BATCH = 5000


@dataclass
class Booked:
    lines: int = 0
    entries: int = 0
    amount_fen: int = 0
    adjustments: int = 0


def next_month(period: str) -> str:
    y, m = int(period[:4]), int(period[5:7])
    return f"{y + m // 12:04d}-{m % 12 + 1:02d}"


def closed_periods(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT period FROM closed_periods")}


def open_period_for(period: str, closed: set[str]) -> str:
    """The period itself if open, else the first open month after it."""
    while period in closed:
        period = next_month(period)
    return period


def _day(paid_at: str | None, created_at: str | None) -> str | None:
    t = paid_at or created_at
    return t[:10] if t else None


def _reason(kind: str, status: str, paid: int, refunded: int, amount: int) -> str:
    if kind == "accrual":
        if amount < 0:
            return f"{status}: commission corrected"
        return f"{status}: commission on {format_fen(paid)}"
    if kind == "reversal":
        if status in ("refunded", "cancelled", "invalid"):
            return f"{status}: commission reversed"
        if refunded:
            return f"partial refund of {format_fen(refunded)}: commission reduced"
        return f"{status}: commission reduced"
    return f"{status}: moved to {kind.replace('ation', 'ed').replace('ement', 'ed')}"


def book(
    conn: sqlite3.Connection,
    scope_sql: str,
    params: tuple = (),
    *,
    import_id: int | None = None,
) -> Booked:
    """Book the ledger entries for the order lines that ``scope_sql`` selects
    as (platform, line_key). Call inside the caller's transaction."""
    conn.execute("DROP TABLE IF EXISTS temp._ledger_scope")
    conn.execute(
        "CREATE TEMP TABLE _ledger_scope (platform TEXT, line_key TEXT, "
        "PRIMARY KEY (platform, line_key)) WITHOUT ROWID"
    )
    # new states are collected aside and applied after the read, so the
    # query never sees the table it reads change under it
    conn.execute("DROP TABLE IF EXISTS temp._ledger_new_state")
    conn.execute(f"CREATE TEMP TABLE _ledger_new_state AS SELECT {_STATE_COLUMNS} FROM ledger_state LIMIT 0")
    result = Booked()
    try:
        conn.execute(f"INSERT OR IGNORE INTO temp._ledger_scope {scope_sql}", params)
        closed = closed_periods(conn)
        now = now_iso()
        current_month = now[:7]
        entries: list[tuple] = []
        states: list[tuple] = []
        totals: dict[tuple, int] = {}
        cursor = conn.cursor()
        cursor.execute(_LINES_SQL)
        while batch := cursor.fetchmany(BATCH):
            _book_rows(batch, closed, now, current_month, import_id, result, entries, states)
            if entries:
                conn.executemany(_INSERT, entries)
                for e in entries:
                    key = (e[0], e[1], e[7])  # period, distributor, currency
                    totals[key] = totals.get(key, 0) + e[10]
                result.entries += len(entries)
                entries.clear()
            if states:
                conn.executemany(f"INSERT INTO temp._ledger_new_state VALUES ({', '.join('?' * 13)})", states)
                states.clear()
        if totals:
            conn.executemany(_TOTALS, [(*k, v) for k, v in totals.items()])
        conn.execute(
            f"INSERT OR REPLACE INTO ledger_state ({_STATE_COLUMNS}) "
            f"SELECT {_STATE_COLUMNS} FROM temp._ledger_new_state"
        )
    finally:
        conn.execute("DROP TABLE IF EXISTS temp._ledger_scope")
        conn.execute("DROP TABLE IF EXISTS temp._ledger_new_state")
    return result


def _book_rows(rows, closed, now, current_month, import_id, result, entries, states) -> None:
    for row in rows:
        (platform, line_key, sku, currency, qty, paid, refunded, status, paid_at, created_at, month,
         share_id, distributor, kind, rep_fen, set_fen, rep_bp, s_bp, s_fen, d_bp, g_bp, g_fen,
         held_by, held_sig, h_gross, h_rev, h_est, h_conf, h_set) = row
        earner = distributor if (kind == "affiliate" or share_id is not None) else None
        signature = f"{status}|{paid}|{refunded}|{rep_fen}|{set_fen}|{rep_bp}|{share_id}|{earner}|{paid_at is not None}"
        if signature == held_sig:
            continue
        result.lines += 1
        period = month or current_month
        booked_in = open_period_for(period, closed)
        late = booked_in != period
        day = _day(paid_at, created_at)
        held = Holding(h_gross or 0, h_rev or 0, (h_est or 0, h_conf or 0, h_set or 0))
        rated = rate_line(
            paid_fen=paid, refunded_fen=refunded or 0, quantity=qty,
            reported_commission_fen=rep_fen, settled_commission_fen=set_fen,
            reported_rate_bp=rep_bp, status=status, share_rate_bp=s_bp,
            share_commission_fen=s_fen, distributor_rate_bp=d_bp, goods_rate_bp=g_bp,
            goods_commission_fen=g_fen,
        )
        wanted = target(status, rated, was_paid=paid_at is not None) if earner else Holding()
        moves: list[tuple[str, Holding, Holding, str]] = []
        if held_by is not None and held_by != earner:
            # the line changed hands: the old earner gives back what it held
            moves.append((held_by, held, Holding(), f"line now earns for {earner or 'nobody'}"))
            held = Holding()
        if earner is not None:
            moves.append((earner, held, wanted, ""))
        for who, have, want, why in moves:
            for kind_, bucket, amount in plan(have, want):
                reason = why or _reason(kind_, status, paid or 0, refunded or 0, amount)
                if late:
                    reason = f"{period} is closed: late {kind_} for line {line_key} ({reason})"
                    kind_ = "adjustment"
                    result.adjustments += 1
                entries.append((
                    booked_in, who, platform, line_key, sku, share_id, day, currency, kind_, bucket,
                    amount, rated.base_fen, rated.rate_bp, rated.source,
                    period if late else None, reason, import_id, now,
                ))
                result.amount_fen += amount
        final = wanted if earner is not None else Holding()
        states.append((
            platform, line_key, earner, share_id, signature, final.gross, final.reversal, *final.buckets,
            month, rep_bp, rated.expected_rate_bp,
        ))


def book_all(conn: sqlite3.Connection) -> Booked:
    """Book every order line whose inputs changed since it was last booked."""
    return book(conn, "SELECT platform, line_key FROM orders")
