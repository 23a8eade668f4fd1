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
from dataclasses import dataclass

from weimai_cli.clock import DAY_SQL, day_of, now_iso
from weimai_cli.ledger.commission import STATUS_BUCKET, Holding, plan, rate_line, target
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
_STATE_COLUMNS = (
    "platform, line_key, distributor, share_id, signature, gross_fen, reversal_fen, "
    "estimated_fen, confirmed_fen, settled_fen, month, sku, reported_rate_bp, expected_rate_bp, day"
)
# booked amounts summed per period, distributor, day, currency, bucket and kind
# (temp._ledger_sums) go into ledger_days as they are and into ledger_totals
# without the day: the one place either is written
_SUMS_TABLE = (
    "CREATE TEMP TABLE _ledger_sums (period TEXT, distributor TEXT, day TEXT, currency TEXT, "
    "bucket TEXT, kind TEXT, amount_fen INTEGER)"
)
_SUMS_APPLY = (
    "INSERT INTO ledger_days (period, distributor, day, currency, bucket, kind, amount_fen) "
    "SELECT period, distributor, day, currency, bucket, kind, amount_fen FROM temp._ledger_sums WHERE true "
    "ON CONFLICT (period, distributor, day, currency, bucket, kind) "
    "DO UPDATE SET amount_fen = amount_fen + excluded.amount_fen",
    "INSERT INTO ledger_totals (period, distributor, currency, bucket, kind, amount_fen) "
    "SELECT period, distributor, currency, bucket, kind, sum(amount_fen) FROM temp._ledger_sums "
    "GROUP BY 1, 2, 3, 4, 5 ON CONFLICT (period, distributor, currency, bucket, kind) "
    "DO UPDATE SET amount_fen = amount_fen + excluded.amount_fen",
)


def _new_sums(conn) -> None:
    conn.execute("DROP TABLE IF EXISTS temp._ledger_sums")
    conn.execute(_SUMS_TABLE)


def _apply_sums(conn) -> None:
    for sql in _SUMS_APPLY:
        conn.execute(sql)
    conn.execute("DROP TABLE temp._ledger_sums")
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
            _book_fresh(conn, now_iso(), import_id, result, platform=whole_platform, shop=shop)
            return result
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
                _book_fresh(conn, now, import_id, result, skip_rest=rest is not None)
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
        _new_sums(conn)
        conn.executemany("INSERT INTO temp._ledger_sums VALUES (?, ?, ?, ?, ?, ?, ?)",
                         [(*k, v) for k, v in totals.items()])
        _apply_sums(conn)
    conn.execute(
        f"INSERT OR REPLACE INTO ledger_state ({_STATE_COLUMNS}) "
        f"SELECT {_STATE_COLUMNS} FROM temp._ledger_new_state"
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


# ---- the fast path: lines the ledger has never booked, in an open month ----------
#
# The same rules as commission.rate_line / target / plan for a line that holds
# nothing yet, written once in SQL so a million-line import books in one pass.
# tests/test_ledger_fast.py checks it against the Python path on random lines.

def _fmt(x: str) -> str:
    """money.format_fen in SQL."""
    return (f"(CASE WHEN {x} < 0 THEN '-' ELSE '' END || (abs({x}) / 100) || '.' || "
            f"printf('%02d', abs({x}) % 100))")


def _cf(x: str, bp: str) -> str:
    """money.commission_fen for x >= 0: half-up to the fen."""
    return f"(({x}) * ({bp}) + 5000) / 10000"


def _prop(amount: str, part: str, whole: str) -> str:
    """commission._proportion: amount × part / whole, half-up (away from zero)."""
    return (f"(CASE WHEN ({whole}) <= 0 THEN 0 WHEN ({amount}) >= 0 "
            f"THEN (2 * ({amount}) * ({part}) + ({whole})) / (2 * ({whole})) "
            f"ELSE -((2 * -({amount}) * ({part}) + ({whole})) / (2 * ({whole}))) END)")


_FRESH_CTE = f"""
WITH raw AS (
  SELECT o.platform, o.line_key, o.sku, coalesce(o.currency, 'CNY') AS currency,
         o.paid_fen AS paid_raw, o.refunded_fen AS refunded_raw, o.status, o.paid_at,
         o.month AS month_raw, coalesce(o.month, :current) AS period, {DAY_SQL.format(paid="o.paid_at", created="o.created_at")} AS day,
         o.share_id, o.reported_commission_fen AS rep_fen, o.settled_commission_fen AS set_fen,
         o.reported_rate_bp AS rep_bp,
         o.status IN ('paid', 'confirmed', 'settled') OR o.seen_valid AS seen_valid,
         CASE WHEN o.kind = 'affiliate' OR o.share_id IS NOT NULL THEN o.distributor END AS earner,
         max(coalesce(o.paid_fen, 0), 0) AS p,
         coalesce(nullif(o.quantity, 0), 1) AS units,
         CASE WHEN s.commission_bp IS NOT NULL OR s.commission_fen IS NOT NULL THEN s.commission_bp
              WHEN d.rate_bp IS NOT NULL THEN d.rate_bp
              WHEN g.commission_bp IS NOT NULL OR g.commission_fen IS NOT NULL THEN g.commission_bp END AS exp_bp,
         CASE WHEN s.commission_bp IS NOT NULL OR s.commission_fen IS NOT NULL THEN s.commission_fen
              WHEN d.rate_bp IS NOT NULL THEN NULL
              WHEN g.commission_bp IS NOT NULL OR g.commission_fen IS NOT NULL THEN g.commission_fen END AS exp_fixed,
         CASE WHEN s.commission_bp IS NOT NULL OR s.commission_fen IS NOT NULL THEN 'share'
              WHEN d.rate_bp IS NOT NULL THEN 'distributor'
              WHEN g.commission_bp IS NOT NULL OR g.commission_fen IS NOT NULL THEN 'goods'
              ELSE 'none' END AS exp_source
  FROM {{source}}
  LEFT JOIN shares s ON s.id = o.share_id AND s.sku IS o.sku
  LEFT JOIN distributors d ON d.handle = o.distributor
  LEFT JOIN goods g ON g.sku = o.sku
  {{where}}
),
clamped AS (
  SELECT *, min(max(coalesce(refunded_raw, 0), 0), p) AS r FROM raw
),
rated AS (
  SELECT *, p - r AS base,
    CASE WHEN status = 'settled' AND set_fen IS NOT NULL THEN 'reported-amount'
         WHEN rep_fen IS NOT NULL THEN 'reported-amount'
         WHEN rep_bp IS NOT NULL THEN 'reported-rate'
         WHEN exp_fixed IS NOT NULL THEN exp_source
         WHEN exp_bp IS NOT NULL THEN exp_source
         ELSE 'none' END AS source,
    CASE WHEN status = 'settled' AND set_fen IS NOT NULL THEN set_fen
         WHEN rep_fen IS NOT NULL THEN rep_fen
         WHEN rep_bp IS NOT NULL THEN {_cf('p', 'rep_bp')}
         WHEN exp_fixed IS NOT NULL THEN exp_fixed * units
         WHEN exp_bp IS NOT NULL THEN {_cf('p', 'exp_bp')}
         ELSE 0 END AS gross,
    CASE WHEN status = 'settled' AND set_fen IS NOT NULL
              THEN CASE WHEN r THEN {_prop('set_fen', 'p - r', 'p')} ELSE set_fen END
         WHEN rep_fen IS NOT NULL THEN CASE WHEN r THEN {_prop('rep_fen', 'p - r', 'p')} ELSE rep_fen END
         WHEN rep_bp IS NOT NULL THEN {_cf('p - r', 'rep_bp')}
         WHEN exp_fixed IS NOT NULL
              THEN CASE WHEN r THEN {_prop('exp_fixed * units', 'p - r', 'p')} ELSE exp_fixed * units END
         WHEN exp_bp IS NOT NULL THEN {_cf('p - r', 'exp_bp')}
         ELSE 0 END AS amount,
    CASE WHEN (status = 'settled' AND set_fen IS NOT NULL) OR rep_fen IS NOT NULL THEN rep_bp
         WHEN rep_bp IS NOT NULL THEN rep_bp
         WHEN exp_fixed IS NOT NULL THEN NULL
         ELSE exp_bp END AS rate_bp,
    CASE WHEN (status = 'settled' AND set_fen IS NOT NULL) OR rep_fen IS NOT NULL OR rep_bp IS NOT NULL
         THEN exp_bp END AS expected_bp
  FROM clamped
),
held AS (
  SELECT *,
    CASE WHEN earner IS NULL THEN 0
         WHEN status IN ('paid', 'confirmed', 'settled') THEN gross
         WHEN seen_valid AND status != 'pending' THEN gross ELSE 0 END AS w_gross,
    CASE WHEN earner IS NULL THEN 0
         WHEN status IN ('paid', 'confirmed', 'settled') THEN amount - gross
         WHEN seen_valid AND status != 'pending' THEN -gross ELSE 0 END AS w_rev,
    CASE WHEN earner IS NOT NULL AND status IN ('paid', 'confirmed', 'settled') THEN amount ELSE 0 END AS w_net
  FROM rated
),
homed AS (
  SELECT *, CASE WHEN w_net != 0 AND status = 'confirmed' THEN 'confirmed'
                 WHEN w_net != 0 AND status = 'settled' THEN 'settled' ELSE 'estimated' END AS home
  FROM held
)
"""
# lines the Python path books (temp._ledger_rest) are left out when there are any
_NOT_REST = (
    "WHERE NOT EXISTS (SELECT 1 FROM temp._ledger_rest r "
    "WHERE r.platform = o.platform AND r.line_key = o.line_key)"
)

# the state of every line that earns, straight from the query (a line that earns
# nobody and never held anything has no state: nothing to remember)
_FRESH_STATE = f"""
INSERT OR REPLACE INTO ledger_state ({_STATE_COLUMNS})
{{cte}}
SELECT platform, line_key, earner, share_id,
       printf('%s|%s|%s|%s|%s|%s|%s|%s|%s|%s', status, coalesce(paid_raw, 'None'), coalesce(refunded_raw, 'None'),
              coalesce(rep_fen, 'None'), coalesce(set_fen, 'None'), coalesce(rep_bp, 'None'),
              coalesce(share_id, 'None'), coalesce(earner, 'None'),
              CASE WHEN seen_valid THEN 'True' ELSE 'False' END, coalesce(month_raw, 'None'))
         || CASE WHEN currency = 'CNY' THEN '' ELSE '|' || currency END,
       w_gross, w_rev,
       CASE WHEN home = 'estimated' THEN w_net ELSE 0 END,
       CASE WHEN home = 'confirmed' THEN w_net ELSE 0 END,
       CASE WHEN home = 'settled' THEN w_net ELSE 0 END,
       period, sku, rep_bp, expected_bp, day
FROM {{lines}} WHERE earner IS NOT NULL
"""

# the lines with entries to book (w_net = w_gross + w_rev: the others book none)
_EARNING = "WHERE earner IS NOT NULL AND (w_gross != 0 OR w_rev != 0)"
_FRESH_SQL = """
CREATE TEMP TABLE _ledger_fresh AS
{cte}
SELECT platform, line_key, sku, share_id, day, currency, month_raw, period, earner, status, paid_raw, refunded_raw,
       paid_at, seen_valid, rep_fen, set_fen, rep_bp, expected_bp, base, rate_bp, source, w_gross, w_rev, w_net, home
FROM homed {where}
"""

_FRESH_ENTRIES = f"""
INSERT INTO ledger (period, distributor, platform, line_key, sku, share_id, day, currency, kind, bucket,
                    amount_fen, base_fen, rate_bp, rate_source, orig_period, reason, import_id, created_at)
SELECT period, earner, platform, line_key, sku, share_id, day, currency, kind, home, amt, base, rate_bp, source,
       NULL, reason, :import_id, :now FROM (
  SELECT *, 'accrual' AS kind, w_gross AS amt, 0 AS n,
         CASE WHEN w_gross < 0 THEN status || ': commission corrected'
              ELSE status || ': commission on ' || {_fmt('coalesce(paid_raw, 0)')} END AS reason
  FROM temp._ledger_fresh WHERE w_gross != 0
  UNION ALL
  SELECT *, 'reversal', w_rev, 1,
         CASE WHEN status IN ('refunded', 'cancelled', 'invalid') THEN status || ': commission reversed'
              WHEN coalesce(refunded_raw, 0) THEN 'partial refund of ' || {_fmt('refunded_raw')} || ': commission reduced'
              ELSE status || ': commission reduced' END
  FROM temp._ledger_fresh WHERE w_rev != 0
) ORDER BY platform, line_key, n
"""

_FRESH_SUMS = """
INSERT INTO temp._ledger_sums
SELECT period, earner, coalesce(day, ''), currency, home, kind, sum(amt) FROM (
  SELECT period, earner, day, currency, home, 'accrual' AS kind, w_gross AS amt FROM temp._ledger_fresh
  WHERE earner IS NOT NULL AND w_gross != 0
  UNION ALL
  SELECT period, earner, day, currency, home, 'reversal', w_rev FROM temp._ledger_fresh
  WHERE earner IS NOT NULL AND w_rev != 0
) GROUP BY 1, 2, 3, 4, 5, 6
"""


def _book_fresh(conn, now: str, import_id: int | None, result: Booked, *, skip_rest: bool = False,
                platform: str | None = None, shop: bool = False) -> None:
    """Book, set-based, the scope's lines (but those in ``temp._ledger_rest``
    with ``skip_rest``), or every line of ``platform``: they hold nothing
    yet, in an open month."""
    if platform is None:
        source = "temp._ledger_scope c JOIN orders o ON o.platform = c.platform AND o.line_key = c.line_key"
        where = _NOT_REST if skip_rest else ""
    elif shop:  # a shop line earns through its share: the attributed ones (few) are all to read
        source, where = "orders o INDEXED BY orders_share", "WHERE o.share_id IS NOT NULL AND o.platform = :platform"
    else:
        source, where = "orders o", "WHERE o.platform = :platform"
    cte = _FRESH_CTE.format(source=source, where=where)
    values = {"current": now[:7], "platform": platform}
    # lines that earn (an affiliate report's, or attributed) book entries:
    # when the first line earns, most do, and the lines are worked out once
    # into the temporary table both read; otherwise the states are written
    # straight from the query and only the earning lines are kept aside
    earning = conn.execute(
        f"SELECT o.kind = 'affiliate' OR o.share_id IS NOT NULL FROM {source} {where} LIMIT 1", values
    ).fetchone()
    conn.execute("DROP TABLE IF EXISTS temp._ledger_fresh")
    if earning and earning[0]:
        conn.execute(_FRESH_SQL.format(cte=cte, where=""), values)
        result.lines += conn.execute(_FRESH_STATE.format(cte="", lines="temp._ledger_fresh")).rowcount
    else:
        result.lines += conn.execute(_FRESH_STATE.format(cte=cte, lines="homed"), values).rowcount
        conn.execute(_FRESH_SQL.format(cte=cte, where=_EARNING), values)
    try:
        result.entries += conn.execute(_FRESH_ENTRIES, {"import_id": import_id, "now": now}).rowcount
        result.amount_fen += conn.execute(
            "SELECT coalesce(sum(w_net), 0) FROM temp._ledger_fresh"
        ).fetchone()[0]
        _new_sums(conn)
        conn.execute(_FRESH_SUMS)
        _apply_sums(conn)
    finally:
        conn.execute("DROP TABLE temp._ledger_fresh")


def book_all(conn: sqlite3.Connection) -> Booked:
    """Book every order line whose inputs changed since it was last booked."""
    return book(conn, "SELECT platform, line_key FROM orders")
