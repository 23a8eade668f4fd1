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

The share's snapshot terms apply to orders for the shared SKU; an order for
another SKU that came through the same link (a cross-sell) is rated by the
distributor's override or that SKU's own terms.

Never valid, never earned: a cancelled / refunded / invalid line books its
commission as accrued and reversed only once some import showed it paid,
confirmed or settled (``orders.seen_valid``, set whichever export came first);
a line that was void in every export seen books nothing, so a statement's
"reversed" is money really lost to refunds and cancellations. The ledger
still depends on the lines' states alone: the same exports in any order book
the same totals.

Who earns: an affiliate report's lines earn for the distributor the file was
imported ``--as``; a shop export's lines earn only for the distributor of the
share they are attributed to (unattributed shop lines earn nobody).
"""

from __future__ import annotations

import sqlite3

from weimai_cli.clock import day_of, now_iso
from weimai_cli.ledger.commission import STATUS_BUCKET, Holding, plan, rate_line, target
from weimai_cli.ledger.fresh import book_fresh
from weimai_cli.ledger.sums import STATE_COLUMNS, Booked, apply_sums, new_sums
from weimai_cli.money import format_fen

_LINES_SQL = """
SELECT o.platform, o.line_key, o.sku, coalesce(o.currency, 'CNY'), o.quantity, o.paid_fen, o.refunded_fen, o.status,
       o.paid_at, o.created_at, o.month, o.share_id, o.distributor, o.kind, o.seen_valid,
       o.reported_commission_fen, o.settled_commission_fen, o.reported_rate_bp,
       s.commission_bp, s.commission_fen, d.rate_bp, g.commission_bp, g.commission_fen,
       st.distributor, st.signature, st.gross_fen, st.reversal_fen,
       st.estimated_fen, st.confirmed_fen, st.settled_fen, st.month, st.day
FROM temp.{scope} c
JOIN orders o ON o.platform = c.platform AND o.line_key = c.line_key
LEFT JOIN shares s ON s.id = o.share_id AND s.sku IS o.sku
LEFT JOIN distributors d ON d.handle = o.distributor
LEFT JOIN goods g ON g.sku = o.sku
LEFT JOIN ledger_state st ON st.platform = o.platform AND st.line_key = o.line_key
"""

_INSERT = (
    "INSERT INTO ledger (period, distributor, platform, line_key, sku, share_id, day, currency, "
    "kind, bucket, amount_fen, base_fen, rate_bp, rate_source, orig_period, reason, import_id, "
    "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
BATCH = 5000


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
    return day_of(paid_at or created_at)


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
    fast: bool = True,
    whole_platform: str | None = None,
    shop: bool = False,
) -> Booked:
    """Book the ledger entries for the order lines that ``scope_sql`` selects
    as (platform, line_key). Call inside the caller's transaction.

    Lines the ledger has never booked (in an open month) go through a
    set-based SQL path; the rest, and everything with ``fast=False``, line by
    line in Python. Both book the same entries. ``whole_platform`` says the
    scope is every line of that platform (a platform's first import): when
    the ledger holds none of them and no month is closed, they are read from
    ``orders`` directly; with ``shop`` (a shop export's lines) only those
    attributed to a share can earn, and only they are read."""
    if fast and whole_platform is not None:
        closed = closed_periods(conn)
        if not closed and not _holds_any(conn, [whole_platform]):
            result = Booked()
            book_fresh(conn, now_iso(), import_id, result, platform=whole_platform, shop=shop)
            return result
    conn.execute("DROP TABLE IF EXISTS temp._ledger_scope")
    conn.execute(
        "CREATE TEMP TABLE _ledger_scope (platform TEXT, line_key TEXT, "
        "PRIMARY KEY (platform, line_key)) WITHOUT ROWID"
    )
    # new states are collected aside and applied after the read, so the
    # query never sees the table it reads change under it
    conn.execute("DROP TABLE IF EXISTS temp._ledger_new_state")
    conn.execute(f"CREATE TEMP TABLE _ledger_new_state AS SELECT {STATE_COLUMNS} FROM ledger_state LIMIT 0")
    result = Booked()
    try:
        in_scope = conn.execute(f"INSERT OR IGNORE INTO temp._ledger_scope {scope_sql}", params).rowcount
        if not in_scope:
            return result  # nothing to book
        closed = closed_periods(conn)
        now = now_iso()
        # the lines for the Python path: all, or (fast) those the SQL path cannot book
        rest = "_ledger_scope"
        if fast:
            rest = _split_scope(conn, closed, now, in_scope)
            if rest != "_ledger_scope":
                book_fresh(conn, now, import_id, result, skip_rest=rest is not None)
        if rest is not None:
            _book_python(conn, rest, closed, now, import_id, result)
    finally:
        for table in ("_ledger_scope", "_ledger_new_state", "_ledger_rest"):
            conn.execute(f"DROP TABLE IF EXISTS temp.{table}")
    return result


def _book_python(conn, rest: str, closed, now: str, import_id, result: Booked) -> None:
    """Book the lines of temp table ``rest`` line by line."""
    current_month = now[:7]
    entries: list[tuple] = []
    states: list[tuple] = []
    totals: dict[tuple, int] = {}
    cursor = conn.cursor()
    cursor.execute(_LINES_SQL.format(scope=rest))
    while batch := cursor.fetchmany(BATCH):
        _book_rows(batch, closed, now, current_month, import_id, result, entries, states)
        if entries:
            conn.executemany(_INSERT, entries)
            for e in entries:
                # period, distributor, day, currency, bucket, kind
                key = (e[0], e[1], e[6] or "", e[7], e[9], e[8])
                totals[key] = totals.get(key, 0) + e[10]
            result.entries += len(entries)
            entries.clear()
        if states:
            conn.executemany(f"INSERT INTO temp._ledger_new_state VALUES ({', '.join('?' * 15)})", states)
            states.clear()
    if totals:
        new_sums(conn)
        conn.executemany("INSERT INTO temp._ledger_sums VALUES (?, ?, ?, ?, ?, ?, ?)",
                         [(*k, v) for k, v in totals.items()])
        apply_sums(conn)
    conn.execute(
        f"INSERT OR REPLACE INTO ledger_state ({STATE_COLUMNS}) "
        f"SELECT {STATE_COLUMNS} FROM temp._ledger_new_state"
    )


def _holds_any(conn, platforms: list[str]) -> bool:
    """Whether the ledger holds a line of any of ``platforms``."""
    return conn.execute(
        f"SELECT 1 FROM ledger_state WHERE platform IN ({', '.join('?' * len(platforms))}) LIMIT 1",
        platforms,
    ).fetchone() is not None


def _split_scope(conn, closed, now: str, in_scope: int) -> str | None:
    """The temp table of the scope's lines the set-based path cannot book
    (those the ledger holds already, or in a closed month): None when there
    are none, ``_ledger_scope`` when it is all of them, else ``_ledger_rest``."""
    if not in_scope:
        return None
    # the scope's platforms, one index seek each
    platforms = [r[0] for r in conn.execute(
        "WITH RECURSIVE p(x) AS (SELECT min(platform) FROM temp._ledger_scope UNION ALL "
        "SELECT (SELECT min(platform) FROM temp._ledger_scope WHERE platform > x) FROM p "
        "WHERE x IS NOT NULL) SELECT x FROM p WHERE x IS NOT NULL"
    )]
    if not closed and not _holds_any(conn, platforms):
        return None  # nothing held, nothing closed: every line is new to the ledger
    conn.execute("DROP TABLE IF EXISTS temp._ledger_rest")
    conn.execute(
        "CREATE TEMP TABLE _ledger_rest (platform TEXT, line_key TEXT, "
        "PRIMARY KEY (platform, line_key)) WITHOUT ROWID"
    )
    rest = conn.execute(
        "INSERT INTO temp._ledger_rest SELECT c.platform, c.line_key FROM temp._ledger_scope c "
        "JOIN orders o ON o.platform = c.platform AND o.line_key = c.line_key "
        "WHERE EXISTS (SELECT 1 FROM ledger_state st WHERE st.platform = c.platform "
        "AND st.line_key = c.line_key) OR coalesce(o.month, ?) IN (SELECT period FROM closed_periods)",
        (now[:7],),
    ).rowcount
    if not rest:
        return None
    return "_ledger_scope" if rest == in_scope else "_ledger_rest"


def _currency_mark(currency: str) -> str:
    """The end of a line's ledger signature that names its currency: nothing
    for CNY (the signatures of lines booked before currencies counted)."""
    return "" if currency == "CNY" else f"|{currency}"


def _held_currency(signature: str | None) -> str:
    """The currency a line was booked in, from its signature."""
    tail = (signature or "").rpartition("|")[2]
    return tail if len(tail) == 3 and tail.isalpha() and tail.isupper() else "CNY"


def _book_rows(rows, closed, now, current_month, import_id, result, entries, states) -> None:
    for row in rows:
        (platform, line_key, sku, currency, qty, paid, refunded, status, paid_at, created_at, month,
         share_id, distributor, kind, seen, rep_fen, set_fen, rep_bp, s_bp, s_fen, d_bp, g_bp, g_fen,
         held_by, held_sig, h_gross, h_rev, h_est, h_conf, h_set, held_month, held_day) = row
        earner = distributor if (kind == "affiliate" or share_id is not None) else None
        if earner is None and held_sig is None:
            continue  # earns nobody and never held anything: nothing to book or remember
        # valid now, or seen valid by some import (commission.target)
        seen_valid = status in STATUS_BUCKET or bool(seen)
        signature = (f"{status}|{paid}|{refunded}|{rep_fen}|{set_fen}|{rep_bp}|{share_id}|{earner}|"
                     f"{seen_valid}|{month}{_currency_mark(currency)}")
        if signature == held_sig:
            continue
        result.lines += 1
        period = month or current_month
        day = _day(paid_at, created_at)
        held = Holding(h_gross or 0, h_rev or 0, (h_est or 0, h_conf or 0, h_set or 0))
        rated = rate_line(
            paid_fen=paid, refunded_fen=refunded or 0, quantity=qty,
            reported_commission_fen=rep_fen, settled_commission_fen=set_fen,
            reported_rate_bp=rep_bp, status=status, share_rate_bp=s_bp,
            share_commission_fen=s_fen, distributor_rate_bp=d_bp, goods_rate_bp=g_bp,
            goods_commission_fen=g_fen,
        )
        wanted = target(status, rated, seen_valid=seen_valid) if earner else Holding()
        # (who, from, to, why, the period and day the entries belong to, their currency)
        moves: list[tuple[str, Holding, Holding, str, str, str | None, str]] = []
        moved = held_month is not None and held_month != period
        held_currency = _held_currency(held_sig)
        if held_by is not None and (held_by != earner or moved or held_currency != currency):
            # the line changed hands, months (its paid time moved) or currency
            # (one it was booked in by mistake): what it held is given back
            # where and as it was booked, then booked anew
            why = (f"line now earns for {earner or 'nobody'}" if held_by != earner
                   else f"line moved to {period}" if moved else f"line now in {currency}")
            moves.append((held_by, held, Holding(), why, held_month, held_day, held_currency))
            held = Holding()
        if earner is not None:
            moves.append((earner, held, wanted, "", period, day, currency))
        for who, have, want, why, belongs, on_day, in_currency in moves:
            booked_in = open_period_for(belongs, closed)
            late = booked_in != belongs
            for kind_, bucket, amount in plan(have, want):
                reason = why or _reason(kind_, status, paid or 0, refunded or 0, amount)
                if late:
                    reason = f"{belongs} is closed: late {kind_} for line {line_key} ({reason})"
                    kind_ = "adjustment"
                    result.adjustments += 1
                entries.append((
                    booked_in, who, platform, line_key, sku, share_id, on_day, in_currency, kind_, bucket,
                    amount, rated.base_fen, rated.rate_bp, rated.source,
                    belongs if late else None, reason, import_id, now,
                ))
                result.amount_fen += amount
        final = wanted if earner is not None else Holding()
        states.append((
            platform, line_key, earner, share_id, signature, final.gross, final.reversal, *final.buckets,
            period, sku, rep_bp, rated.expected_rate_bp, day,
        ))


def book_all(conn: sqlite3.Connection) -> Booked:
    """Book every order line whose inputs changed since it was last booked."""
    return book(conn, "SELECT platform, line_key FROM orders")
