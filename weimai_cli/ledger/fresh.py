"""The ledger's set-based booking path: lines the ledger has never booked, in
an open month, booked by a few set-based SQL statements instead of line by
line in Python (:mod:`booking` sends a platform's first import here).

One rule set. The commission rules exist once, as the tables of
:mod:`commission` (``TERMS``, ``RULES``, ``STATUS_BUCKET``): ``rate_line``
and ``target`` interpret them in Python, and the expressions of this
module's query are generated from the same tables (``commission.sql_*``),
so a rule changed there changes both paths. Neither path was retired: the
Python path is the only one that can book a line the ledger already holds
(or a late line of a closed month), and the SQL path is what keeps a first
import fast (``benchmarks/bench_orders.py``). tests/ledger/test_ledger_fast.py
still checks, on random lines, that both book the same entries, and
tests/ledger/test_commission.py that the generated SQL rates as rate_line.

What this module still writes by hand is booking's own bookkeeping, the
same as :func:`booking._book_rows` writes it: a line's signature, the
entries' reasons and their amounts' text (:func:`sql_format_fen`).
"""

from __future__ import annotations

from weimai_cli.clock import DAY_SQL
from weimai_cli.db.indexes import plain_indexes_dropped, rebuild_pays
from weimai_cli.ledger.commission import sql_expected, sql_rated, sql_target, sql_valid
from weimai_cli.ledger.sums import STATE_COLUMNS, Booked, apply_sums, new_sums


def sql_format_fen(x: str) -> str:
    """money.format_fen in SQL."""
    return (f"(CASE WHEN {x} < 0 THEN '-' ELSE '' END || (abs({x}) / 100) || '.' || "
            f"printf('%02d', abs({x}) % 100))")


# the query's columns for the inputs of the commission rules
_COLS = {
    "share_rate_bp": "s.commission_bp", "share_commission_fen": "s.commission_fen",
    "distributor_rate_bp": "d.rate_bp", "goods_rate_bp": "g.commission_bp",
    "goods_commission_fen": "g.commission_fen",
    "reported_commission_fen": "rep_fen", "settled_commission_fen": "set_fen", "reported_rate_bp": "rep_bp",
    "expected_rate": "exp_bp", "expected_fixed": "exp_fixed", "expected_source": "exp_source",
    "paid": "p", "refunded": "r", "base": "p - r", "units": "units", "status": "status",
    "seen_valid": "seen_valid", "earner": "earner", "gross_fen": "gross", "commission_fen": "amount",
    "net": "w_net",
}
_EXPECTED = sql_expected(_COLS)
_RATED = sql_rated(_COLS)
_TARGET = sql_target(_COLS)

_FRESH_CTE = f"""
WITH raw AS (
  SELECT {{keys}}, o.sku, coalesce(o.currency, 'CNY') AS currency,
         o.paid_fen AS paid_raw, o.refunded_fen AS refunded_raw, o.status, o.paid_at,
         o.month AS month_raw, coalesce(o.month, :current) AS period, {DAY_SQL.format(paid="o.paid_at", created="o.created_at")} AS day,
         o.share_id, o.reported_commission_fen AS rep_fen, o.settled_commission_fen AS set_fen,
         o.reported_rate_bp AS rep_bp,
         {sql_valid("o.status")} OR o.seen_valid AS seen_valid,
         CASE WHEN o.kind = 'affiliate' OR o.share_id IS NOT NULL THEN o.distributor END AS earner,
         max(coalesce(o.paid_fen, 0), 0) AS p,
         coalesce(nullif(o.quantity, 0), 1) AS units,
         {_EXPECTED["expected_rate"]} AS exp_bp,
         {_EXPECTED["expected_fixed"]} AS exp_fixed,
         {_EXPECTED["expected_source"]} AS exp_source
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
    {_RATED["source"]} AS source,
    {_RATED["gross_fen"]} AS gross,
    {_RATED["commission_fen"]} AS amount,
    {_RATED["rate_bp"]} AS rate_bp,
    {_RATED["expected_rate_bp"]} AS expected_bp
  FROM clamped
),
held AS (
  SELECT *, {_TARGET["gross"]} AS w_gross, {_TARGET["reversal"]} AS w_rev, {_TARGET["net"]} AS w_net
  FROM rated
),
homed AS (
  SELECT *, {_TARGET["home"]} AS home FROM held
)
"""
_NOT_REST = (
    "WHERE NOT EXISTS (SELECT 1 FROM temp._ledger_rest r "
    "WHERE r.platform = o.platform AND r.line_key = o.line_key)"
)

# the state of every line that earns, straight from the query (a line that earns
# nobody and never held anything has no state: nothing to remember)
_FRESH_STATE = f"""
INSERT OR REPLACE INTO ledger_state ({STATE_COLUMNS})
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
# the worked-out lines, written in the order of the lines (platform,
# line_key), so their rowids follow it and the entries are numbered in it
# without a sort (columns untyped: kept as the query gives them)
_FRESH_COLUMNS = (
    "platform, line_key, sku, share_id, day, currency, month_raw, period, earner, status, paid_raw, refunded_raw, "
    "seen_valid, rep_fen, set_fen, rep_bp, expected_bp, base, rate_bp, source, w_gross, w_rev, w_net"
)
# (the bucket a line's entries go to worked out from its stored columns, not
# in the query: there it would work out the line's commission twice more)
_HOME = _TARGET["home"]
_FRESH_HOMED = f"(SELECT *, {_HOME} AS home FROM temp._ledger_fresh)"
_FRESH_TABLE = (
    f"CREATE TEMP TABLE _ledger_fresh ({_FRESH_COLUMNS})"
)
_FRESH_SQL = f"""
INSERT INTO temp._ledger_fresh
{{cte}}
SELECT {_FRESH_COLUMNS}
FROM homed {{where}} ORDER BY platform, line_key
"""

# an entry per line and kind, the accrual (n = 0) before the reversal (n = 1):
# each line's entries in one pass over the lines, in their order
_KINDS = "CREATE TEMP TABLE _ledger_kinds (n INTEGER PRIMARY KEY)"

_FRESH_ENTRIES = f"""
INSERT INTO ledger (period, distributor, platform, line_key, sku, share_id, day, currency, kind, bucket,
                    amount_fen, base_fen, rate_bp, rate_source, orig_period, reason, import_id, created_at)
SELECT period, earner, platform, line_key, sku, share_id, day, currency,
       CASE k.n WHEN 0 THEN 'accrual' ELSE 'reversal' END, {_HOME},
       CASE k.n WHEN 0 THEN w_gross ELSE w_rev END,
       base, rate_bp, source, NULL,
       CASE WHEN k.n = 0 THEN
              CASE WHEN w_gross < 0 THEN status || ': commission corrected'
                   ELSE status || ': commission on ' || {sql_format_fen('coalesce(paid_raw, 0)')} END
            WHEN status IN ('refunded', 'cancelled', 'invalid') THEN status || ': commission reversed'
            WHEN coalesce(refunded_raw, 0) THEN 'partial refund of ' || {sql_format_fen('refunded_raw')} || ': commission reduced'
            ELSE status || ': commission reduced' END,
       :import_id, :now
FROM temp._ledger_fresh f CROSS JOIN temp._ledger_kinds k
WHERE CASE k.n WHEN 0 THEN w_gross != 0 ELSE w_rev != 0 END
ORDER BY f.rowid, k.n
"""

# the sums in one pass: each group's accrual and reversal (those it has entries for)
_FRESH_SUMS = f"""
INSERT INTO temp._ledger_sums
SELECT period, earner, day, currency, home, CASE k.n WHEN 0 THEN 'accrual' ELSE 'reversal' END,
       CASE k.n WHEN 0 THEN gross ELSE rev END
FROM (
  SELECT period, earner, coalesce(day, '') AS day, currency, {_HOME} AS home,
         sum(w_gross) AS gross, total(w_gross != 0) AS grossing, sum(w_rev) AS rev, total(w_rev != 0) AS reversing
  FROM temp._ledger_fresh WHERE earner IS NOT NULL AND (w_gross != 0 OR w_rev != 0) GROUP BY 1, 2, 3, 4, 5
) CROSS JOIN temp._ledger_kinds k
WHERE CASE k.n WHEN 0 THEN grossing > 0 ELSE reversing > 0 END
"""


_REBUILD_MIN = 1000  # (fewer entries: the index kept, nothing to gain)


def book_fresh(conn, now: str, import_id: int | None, result: Booked, *, skip_rest: bool = False,
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
    # (the keys read from the table scanned first, in their order: the lines
    # come out in it, and _FRESH_SQL's ORDER BY costs no sort)
    keys = "c.platform, c.line_key" if platform is None else "o.platform, o.line_key"
    cte = _FRESH_CTE.format(source=source, where=where, keys=keys)
    values = {"current": now[:7], "platform": platform}
    # lines that earn (an affiliate report's, or attributed) book entries:
    # when the first line earns, most do, and the lines are worked out once
    # into the temporary table both read; otherwise the states are written
    # straight from the query and only the earning lines are kept aside
    earning = conn.execute(
        f"SELECT o.kind = 'affiliate' OR o.share_id IS NOT NULL FROM {source} {where} LIMIT 1", values
    ).fetchone()
    for table in ("_ledger_fresh", "_ledger_kinds"):
        conn.execute(f"DROP TABLE IF EXISTS temp.{table}")
    conn.execute(_FRESH_TABLE)
    if earning and earning[0]:
        conn.execute(_FRESH_SQL.format(cte=cte, where=""), values)
        result.lines += conn.execute(_FRESH_STATE.format(cte="", lines=_FRESH_HOMED)).rowcount
    else:
        result.lines += conn.execute(_FRESH_STATE.format(cte=cte, lines="homed"), values).rowcount
        conn.execute(_FRESH_SQL.format(cte=cte, where=_EARNING), values)
    try:
        conn.execute(_KINDS)
        conn.execute("INSERT INTO temp._ledger_kinds VALUES (0), (1)")
        # (many entries into a ledger holding few: its plain index built once
        # after them rather than one random insert each; see indexes.rebuild_pays)
        adding, amount = conn.execute(
            "SELECT count(*), coalesce(sum(w_net), 0) FROM temp._ledger_fresh"
        ).fetchone()
        held = conn.execute("SELECT coalesce(max(id), 0) FROM ledger").fetchone()[0]
        with plain_indexes_dropped(conn, "ledger", rebuild_pays(adding, held) and adding >= _REBUILD_MIN):
            result.entries += conn.execute(_FRESH_ENTRIES, {"import_id": import_id, "now": now}).rowcount
        result.amount_fen += amount
        new_sums(conn)
        conn.execute(_FRESH_SUMS)
        apply_sums(conn)
    finally:
        for table in ("_ledger_fresh", "_ledger_kinds"):
            conn.execute(f"DROP TABLE IF EXISTS temp.{table}")
