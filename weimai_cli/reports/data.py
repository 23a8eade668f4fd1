"""A daily or weekly report's data, and a monthly one's statement (integer fen,
per currency); what each figure counts is in :mod:`weimai_cli.reports`."""

from __future__ import annotations

import sqlite3

from weimai_cli.clock import now_iso
from weimai_cli.reports.periods import Period

TOP = 5
BASE = "CNY"
VALID = ("paid", "confirmed", "settled")


def zero() -> dict:
    """A currency's totals before anything is counted."""
    return {"orders": 0, "gmv_fen": 0, "commission_fen": 0, "reversed_fen": 0, "refunds": 0, "refunded_fen": 0}


# the lines of a period (and of the one before, ``this`` = 0), each with what it
# earns now (the ledger's holding, ledger_state), read once; the sections are
# summed from them in SQL: only the rows a report shows come back
_LINES = """
SELECT *, mine AND valid AS counted, CASE WHEN mine AND valid THEN paid - refunded ELSE 0 END AS gmv,
       mine AND (status = 'refunded' OR refunded > 0) AS refund,
       CASE WHEN mine AND (status = 'refunded' OR refunded > 0) THEN CASE WHEN refunded != 0 THEN refunded ELSE paid END
            ELSE 0 END AS refunded_amount
FROM (
  SELECT {ykey}, o.share_id, o.sku, o.distributor AS who, o.kind, o.status,
         coalesce(o.currency, 'CNY') AS cur, coalesce(o.paid_fen, 0) AS paid, coalesce(o.refunded_fen, 0) AS refunded,
         CASE WHEN st.distributor IS NOT NULL{ldist}
              THEN st.estimated_fen + st.confirmed_fen + st.settled_fen ELSE 0 END AS commission,
         CASE WHEN st.distributor IS NOT NULL{ldist} THEN st.reversal_fen ELSE 0 END AS reversed,
         {mine} AS mine, o.status IN ('paid', 'confirmed', 'settled') AS valid
  -- every column from orders_month_lines (it ends with the line's key, m016): no read of the table
  FROM orders o LEFT JOIN ledger_state st ON st.platform = o.platform AND st.line_key = o.line_key
  WHERE o.month IN ({months}) AND o.day BETWEEN :{p}start AND :{p}end
)
"""
_TOTALS = """SELECT 'total', {this}, cur, NULL, NULL, NULL, sum(counted), sum(gmv), sum(commission), sum(reversed),
       sum(refund), sum(refunded_amount), NULL FROM {lines} GROUP BY cur"""
# a period's sections from its lines (y), and the period before's totals
_SECTIONS = """
WITH y AS {materialized}({lines}),
totals AS {materialized}({this_totals}),
g AS {materialized}(
  SELECT share_id, cur, sum(counted) AS n, sum(gmv) AS gmv, sum(commission) AS com
  FROM y WHERE share_id IS NOT NULL AND (counted OR commission != 0) GROUP BY 1, 2
),
clicked AS (
  SELECT c.share_id, s.code, s.channel, s.sku, coalesce(s.currency, 'CNY') AS cur, sum(c.clicks) AS n
  FROM share_clicks c JOIN shares s ON s.id = c.share_id WHERE c.day BETWEEN :start AND :end{sdist}
  GROUP BY c.share_id HAVING sum(c.clicks) > 0
),
topsku AS {materialized}(
  SELECT sku, cur, sum(counted) AS n, sum(gmv) AS gmv, sum(commission) AS com
  FROM y WHERE sku IS NOT NULL AND sku != '' AND (counted OR commission != 0)
  GROUP BY sku, cur ORDER BY cur != '{base}', com DESC, gmv DESC, sku LIMIT {top} + {ties}
),
funnel AS {materialized}(
  SELECT k.share_id, CASE WHEN g.share_id IS NULL THEN k.code ELSE coalesce(nullif(k.code, ''), '#' || k.share_id) END
         AS code, coalesce(k.channel, '') AS channel, g.share_id IS NOT NULL AS sold, coalesce(k.sku, '') AS sku,
         coalesce(g.cur, k.cur) AS cur, coalesce(g.n, 0) AS n, coalesce(g.gmv, 0) AS gmv, coalesce(g.com, 0) AS com,
         k.n AS clicks, coalesce((SELECT sum(n) FROM g WHERE g.share_id = k.share_id), 0) AS share_orders
  FROM clicked k LEFT JOIN g ON g.share_id = k.share_id
)
{totals}
UNION ALL SELECT * FROM (
  SELECT 'share', g.share_id, g.cur, coalesce(nullif(s.code, ''), '#' || g.share_id) AS code, coalesce(s.channel, ''),
         NULL, g.n, g.gmv, g.com, NULL, NULL, NULL, NULL
  FROM g LEFT JOIN shares s ON s.id = g.share_id ORDER BY g.cur != '{base}', g.com DESC, g.gmv DESC, code LIMIT {top} + {ties})
UNION ALL SELECT 'sku', sku, cur, NULL, NULL, NULL, n, gmv, com, NULL, NULL, NULL, NULL FROM topsku{titles}
UNION ALL SELECT 'unattributed', kind, cur, NULL, NULL, NULL, count(*), sum(paid - refunded), sum(commission),
       NULL, NULL, NULL, NULL
FROM y WHERE valid AND share_id IS NULL AND {unattributed} GROUP BY kind, cur
UNION ALL SELECT * FROM (
  SELECT 'clicked', share_id, cur, code, channel, sku, n, gmv, com, clicks, NULL, NULL, sold FROM funnel
  ORDER BY clicks DESC, code, cur != '{base}', cur LIMIT {top})
UNION ALL SELECT * FROM (
  SELECT 'idle', share_id, cur, code, channel, sku, n, gmv, com, clicks, NULL, NULL, sold FROM funnel
  WHERE share_orders = 0 ORDER BY clicks DESC, code, cur != '{base}', cur LIMIT {top})
"""
# a share's or SKU's row shows the SKU or title of its first line, in the
# order of the lines' index (as the report read them line by line before)
_INDEX_ORDER = ("o.month, o.distributor, o.status, o.currency, o.kind, o.share_id, o.sku, o.day, o.paid_fen, "
                "o.refunded_fen, o.reported_rate_bp, {last}")
# the top SKUs' titles from the lines already read (y): each (SKU, currency)'s
# first line in the index's order, and where it comes among the others' (pos);
# window functions (SQLite 3.25): older ones ask _FIRST as the shares do
_TITLES = """
UNION ALL SELECT 'title', sku, cur, title, NULL, NULL, NULL, NULL, NULL, pos, NULL, NULL, NULL FROM (
  SELECT y.sku, y.cur, coalesce(o.title, g.title) AS title,
         row_number() OVER (PARTITION BY y.sku, y.cur ORDER BY {index_order}) AS rn,
         row_number() OVER (ORDER BY {index_order}) AS pos
  FROM y JOIN orders o ON {yjoin} LEFT JOIN goods g ON g.sku = o.sku
  WHERE (y.sku, y.cur) IN (SELECT sku, cur FROM topsku) AND (y.counted OR y.commission != 0))
WHERE rn = 1"""
_WINDOWS = sqlite3.sqlite_version_info >= (3, 25)
_FIRST = """
SELECT o.{key}, coalesce(o.currency, 'CNY'), {what}
FROM orders o LEFT JOIN ledger_state st ON st.platform = o.platform AND st.line_key = o.line_key
{join}WHERE {plus}o.month IN ({months}) AND o.day BETWEEN ? AND ? AND o.{key} IN ({keys})
  AND ((({mine}) AND o.status IN ('paid', 'confirmed', 'settled'))
       OR (CASE WHEN st.distributor IS NOT NULL{ldist}
                THEN st.estimated_fen + st.confirmed_fen + st.settled_fen ELSE 0 END) != 0)
ORDER BY {index_order}
"""


def _line_order(conn) -> dict:
    """How a line is named: by its rowid, or (a WITHOUT ROWID table) by the
    table's key; either is the last of the index's columns (``last``)."""
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'orders'").fetchone()[0]
    if "WITHOUT ROWID" in sql.upper():
        return {"last": "o.platform, o.line_key", "ykey": "o.platform AS kp, o.line_key AS kl",
                "yjoin": "o.platform = y.kp AND o.line_key = y.kl"}
    return {"last": "o.rowid", "ykey": "o.rowid AS r", "yjoin": "o.rowid = y.r"}


def _months(period: Period) -> list[str]:
    return sorted({period.start.isoformat()[:7], period.end.isoformat()[:7]})


def _collect(conn: sqlite3.Connection, period: Period, distributor: str | None,
             before: Period | None = None) -> tuple[dict, list[dict] | None]:
    """A period's totals per currency, tops, unattributed lines and clicks,
    and (``before`` given: the period just before it) that period's totals,
    from one read of both periods' lines."""
    from weimai_cli.ledger.funnel import click_ratios
    from weimai_cli.ledger.scope import MATERIALIZED, SELLER

    # what each line earns now is what the ledger holds for it (ledger_state)
    ldist = "" if distributor is None else " AND st.distributor = :who"
    dist = [] if distributor is None else [distributor]
    # a line's day (orders.day) is its Asia/Shanghai date and its month that
    # day's month: a period's lines are found in its months' index range
    this_months = _months(period)
    start, end = period.start.isoformat(), period.end.isoformat()
    values = {"start": start, "end": end, "who": distributor, **{f"m{i}": m for i, m in enumerate(this_months)}}
    order = _line_order(conn)
    index_order = _INDEX_ORDER.format(last=order["last"])

    def lines(prefix: str, months: list[str]) -> str:
        return _LINES.format(ldist=ldist, mine="1" if distributor is None else "o.distributor IS :who", p=prefix,
                             months=", ".join(f":{prefix}m{i}" for i in range(len(months))),
                             ykey=order["ykey"])

    totals_sql = "SELECT * FROM totals"
    if before is not None:
        # the period before: its totals only, summed as its lines are read
        before_months = _months(before)
        values.update({"pstart": before.start.isoformat(), "pend": before.end.isoformat(),
                       **{f"pm{i}": m for i, m in enumerate(before_months)}})
        totals_sql += "\nUNION ALL " + _TOTALS.format(this=0, lines=f"({lines('p', before_months)})")
    # shop sales through no share are the seller's (statements.SELLER)
    unattributed = "1" if distributor is None else (
        "(who IS :who OR who IS NULL)" if distributor == SELLER else "who IS :who")
    sql = _SECTIONS.format(
        materialized=MATERIALIZED, lines=lines("", this_months), totals=totals_sql,
        this_totals=_TOTALS.format(this=1, lines="y"),
        sdist="" if distributor is None else " AND s.distributor = :who", base=BASE, top=TOP,
        # rows equal but for their currency (not CNY) rank in the order their first lines
        # came: a tie takes at most a row per currency, so these many more are read to settle it
        ties="(SELECT count(*) FROM totals)", unattributed=unattributed,
        titles=_TITLES.format(index_order=index_order, yjoin=order["yjoin"]) if _WINDOWS else "")
    totals: list[dict[str, dict]] = [{BASE: zero()}, {BASE: zero()}]  # before, this
    shares, skus, unattr, clicked, idle = [], [], [], [], []
    titles: list[tuple] = []  # (where its first line comes, SKU, currency, title)
    for part, a, cur, code, channel, sku, n, gmv, com, rev, refunds, refunded, sold in conn.execute(sql, values):
        if part == "total":
            t = totals[a].setdefault(cur, zero())
            t.update(orders=n, gmv_fen=gmv, commission_fen=com, reversed_fen=rev, refunds=refunds,
                     refunded_fen=refunded)
        elif part == "share":
            shares.append({"share_id": a, "code": code, "channel": channel, "sku": (a, cur), "currency": cur,
                           "orders": n, "gmv_fen": gmv, "commission_fen": com})
        elif part == "sku":
            skus.append({"sku": a, "title": (a, cur), "currency": cur, "orders": n, "gmv_fen": gmv,
                         "commission_fen": com})
        elif part == "title":
            titles.append((rev, a, cur, code))
        elif part == "unattributed":
            unattr.append({"kind": a, "currency": cur, "orders": n, "gmv_fen": gmv, "commission_fen": com})
        else:
            # a clicked share's row per currency (with orders in the period); none: the share's own currency
            row = {"share_id": a, "code": code, "channel": channel, "sku": (a, cur) if sold else sku,
                   "currency": cur, "orders": n, "gmv_fen": gmv, "commission_fen": com, "clicks": rev,
                   **click_ratios(rev, n, com)}
            (clicked if part == "clicked" else idle).append(row)
    first_of = {"months": ", ".join("?" * len(this_months)), "index_order": index_order,
                "ldist": "" if distributor is None else " AND st.distributor = ?",
                "mine": "1" if distributor is None else "o.distributor IS ?"}
    where = [*this_months, start, end]

    def first(key: str, what: str, join: str, rows: list[dict], field: str) -> dict[tuple, int]:
        """Fill in ``field`` from each row's first line (in the lines' index
        order); the order those first lines came in, per (key, currency)."""
        wanted = {r[field] for r in rows if isinstance(r[field], tuple)}
        if not wanted:
            return {}
        keys = sorted({k for k, _cur in wanted})
        got: dict[tuple, str | None] = {}
        for k, cur, value in conn.execute(
            # a share's few lines through its index (the unary + keeps SQLite off the month's), a SKU's in the month's
            _FIRST.format(what=what, join=join, key=key, keys=", ".join("?" * len(keys)),
                          plus="+" if key == "share_id" else "", **first_of),
            [*where, *keys, *dist, *dist],
        ):
            if (k, cur) in wanted and (k, cur) not in got:
                got[(k, cur)] = value
        came = {k: i for i, k in enumerate(got)}
        for r in rows:
            if isinstance(r[field], tuple):
                r[field] = got.get(r[field]) or ""
        return came

    came = first("share_id", "o.sku", "", [*shares, *clicked, *idle], "sku")
    shares.sort(key=lambda r: (r["currency"] != BASE, -r["commission_fen"], -r["gmv_fen"], r["code"],
                               came.get((r["share_id"], r["currency"]), 0)))
    if _WINDOWS:
        titles.sort()
        got = {(sku, cur): title for _pos, sku, cur, title in titles}
        came = {(sku, cur): i for i, (_pos, sku, cur, _title) in enumerate(titles)}
        for r in skus:
            r["title"] = got.get(r["title"]) or ""
    else:
        came = first("sku", "coalesce(o.title, g.title)", "LEFT JOIN goods g ON g.sku = o.sku ", skus, "title")
    skus.sort(key=lambda r: (r["currency"] != BASE, -r["commission_fen"], -r["gmv_fen"], r["sku"],
                             came.get((r["sku"], r["currency"]), 0)))
    del shares[TOP:], skus[TOP:]
    # in the order the SQL ranked them (its ORDER BY, kept here)
    for rows in (clicked, idle):
        rows.sort(key=lambda r: (-r["clicks"], r["code"], r["currency"] != BASE, r["currency"]))

    def listed(t: dict) -> list[dict]:
        return [{"currency": c, **t[c]} for c in [BASE, *sorted(c for c in t if c != BASE)]]

    out = {"currencies": listed(totals[1]), "top_shares": shares, "top_skus": skus,
           "unattributed": sorted(unattr, key=lambda u: (u["kind"], u["currency"])),
           "top_clicked": clicked, "not_converting": idle}
    return out, listed(totals[0]) if before else None


def _imports(conn, period: Period, distributor: str | None) -> list[dict]:
    where = "date(started_at, '+8 hours') BETWEEN ? AND ?"
    params = [period.start.isoformat(), period.end.isoformat()]
    if distributor is not None:
        where += " AND (distributor = ? OR distributor IS NULL)"
        params.append(distributor)
    return [dict(r) for r in conn.execute(
        "SELECT id, name, format, platform, distributor, rows, new, changed, unchanged, rejected, "
        f"started_at, finished_at FROM imports WHERE {where} ORDER BY started_at, id", params)]


def _changes(this: list[dict], before: list[dict]) -> list[dict]:
    prev = {c["currency"]: c for c in before}
    out = []
    for c in this:
        p = prev.get(c["currency"], {"currency": c["currency"], **zero()})
        out.append({"currency": c["currency"], **{k: c[k] - p[k] for k in zero()}})
    return out


def build(conn: sqlite3.Connection, period: Period, distributor: str | None) -> dict:
    """The report's data (integer fen). ``distributor`` None = all distributors."""
    data = {
        "report": period.kind,
        "period": period.key,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "distributor": distributor if distributor is not None else "*",
        "finished": period.finished,
        "generated_at": now_iso(),
    }
    if period.kind == "monthly":
        from weimai_cli.ledger import statements

        st = statements.compute(conn, months=[period.key], distributor=distributor, trend=True)
        data["closed"] = st["closed"]
        data["statement"] = st
        data["empty"] = not any(c["orders"] or c["net_fen"] for c in st["currencies"]) and not (
            st["adjustments"] or any(b["paid_out_fen"] or b["outstanding_fen"] or b["spend_fen"] for b in st["balances"]))
        return data
    before = period.previous() if period.kind == "weekly" else None
    collected, previous = _collect(conn, period, distributor, before)
    data.update(collected)
    data["imports"] = _imports(conn, period, distributor)
    if before is not None:
        data["previous"] = {"start": before.start.isoformat(), "end": before.end.isoformat(), "currencies": previous}
        data["change"] = _changes(data["currencies"], previous)
    data["empty"] = not data["imports"] and not data["top_clicked"] and not any(
        c["orders"] or c["commission_fen"] or c["refunds"] or c["reversed_fen"] for c in data["currencies"])
    return data
