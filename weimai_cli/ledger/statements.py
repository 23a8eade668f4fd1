"""Commission statements computed (closing a month and verifying it: :mod:`closing`).

A statement for a period (a month, or a range of months) and a distributor
(or all of them) is computed from two sources only:

* the ledger rows booked *in* those periods (append-only), and
* the order lines *of* those months: live from ``orders`` for an open
  month, from the ``closed_lines`` snapshot for a closed one.

Both are immutable once a month is closed (later changes are booked as
adjustments into the next open month), so a closed statement prints
identically forever; :func:`closing.verify` recomputes it and compares it with the
totals and checksum stored when it was closed.

Amounts are integer fen. Totals are per currency (a USD Amazon report is
never added to CNY), and so are payouts, promotion spend and the balance
(``balances``: a USD payout reduces the USD balance only); the top-level
money-flow keys are the CNY balance's.
"""

from __future__ import annotations

import sqlite3

from weimai_cli.errors import UsageError
from weimai_cli.i18n import _
from weimai_cli.ledger.breakdown import BREAKDOWN_SHOWN, breakdown, by_share_in_sql, net_trend
from weimai_cli.ledger.scope import (
    ALL,
    BASE,
    BY,
    SELLER,
    STATUSES,
    VALID,
    Scope,
    check_currency,
    check_month,
    closed_periods,
    current_month,
    known_distributor,
    mine_or_nobody,
    months_between,
    placeholders,
    roi,
)
from weimai_cli.money import format_fen

FINDINGS_SHOWN = 50  # a statement lists this many findings and counts the rest
# money flow is live: payouts recorded and spend added after closing a month
# show in its statement; everything else in a closed statement is frozen
LIVE_KEYS = frozenset({
    "paid_out_fen", "brought_forward_fen", "outstanding_fen", "spend_fen", "net_after_spend_fen", "roi", "balances",
})


def _zero_totals() -> dict:
    return {
        "orders": 0, "gmv_fen": 0, "accrued_fen": 0, "reversed_fen": 0, "adjustments_fen": 0,
        "estimated_fen": 0, "confirmed_fen": 0, "settled_fen": 0, "net_fen": 0,
    }


class _Parts:
    """One distributor's share of a statement (None: lines that earn nobody)."""

    def __init__(self):
        self.totals: dict[str, dict] = {}
        self.unattributed: dict[tuple, list] = {}
        self.findings: list[dict] = []
        self.adjustments: list[dict] = []
        self.flows: dict[str, dict] = {}  # per currency: paid, earned_before, paid_before, spend

    def total(self, cur: str) -> dict:
        t = self.totals.get(cur)
        if t is None:
            t = self.totals[cur] = _zero_totals()
        return t

    def flow(self, cur: str) -> dict:
        f = self.flows.get(cur)
        if f is None:
            f = self.flows[cur] = _zero_flow()
        return f


def _zero_flow() -> dict:
    return {"paid": 0, "earned_before": 0, "paid_before": 0, "spend": 0}


# the column of the order lines a breakdown groups them by (channel and
# campaign live on the share: their lines are grouped by share)
_LINE_KEY = {"sku": "x.sku", "share": "x.share_id", "channel": "x.share_id", "campaign": "x.share_id",
             "platform": "x.platform", "day": "x.day", "distributor": "x.distributor"}


def _gather(conn, months: list[str], distributor: str | None, status: str | None,
            by: str | None = None, by_lines: dict | None = None) -> dict[str | None, _Parts]:
    """Every section of the statement, grouped by distributor, in one pass per source.

    With ``distributor`` given, only that distributor's rows and the lines that
    earn nobody are read; with None, every distributor's. With ``by``, the same
    single pass over the order lines also groups them by the breakdown's key:
    ``by_lines[(key, currency)] = [orders, gmv]`` for the lines the breakdown
    covers (the distributor's own)."""
    scope = Scope(months, distributor, status)
    closed = closed_periods(conn)
    parts: dict[str | None, _Parts] = {}

    def p(who) -> _Parts:
        part = parts.get(who)
        if part is None:
            part = parts[who] = _Parts()
        return part

    lw, lw_params = scope.ledger_filter()
    for who, cur, bucket, kind, amount in conn.execute(
        f"SELECT distributor, currency, bucket, kind, sum(amount_fen) FROM ledger_totals l WHERE {lw} "
        "GROUP BY distributor, currency, bucket, kind",
        lw_params,
    ):
        t = p(who).total(cur)
        t[f"{bucket}_fen"] += amount
        t["net_fen"] += amount
        if kind == "accrual":
            t["accrued_fen"] += amount
        elif kind == "reversal":
            t["reversed_fen"] += amount
        elif kind == "adjustment":
            t["adjustments_fen"] += amount

    rows = _line_totals(conn, months, closed, distributor, status)
    if by and by_lines is not None:
        by_lines.update(_lines_by(conn, scope, closed, distributor, status, by))
    for who, cur, kind, no_share, n, gmv in rows:
        t = p(who).total(cur)
        t["orders"] += n
        t["gmv_fen"] += gmv
        if no_share:
            u = p(who).unattributed.setdefault((kind, cur), [0, 0])
            u[0] += n
            u[1] += gmv

    # findings: open months from what the ledger recorded when it booked each
    # line (ledger_state), closed months from their snapshot; every booked line
    # of the month counts, whatever its status
    shut = [m for m in months if m in closed]
    live = [m for m in months if m not in closed]
    findings_sql, findings_params = [], []
    if live:
        findings_sql.append(
            "SELECT distributor, platform, line_key, sku, reported_rate_bp, expected_rate_bp FROM ledger_state "
            f"WHERE month IN ({placeholders(live)}) AND reported_rate_bp != expected_rate_bp"
        )
        findings_params += live
    if shut:
        findings_sql.append(
            "SELECT distributor, platform, line_key, sku, reported_rate_bp, expected_rate_bp FROM closed_lines "
            f"WHERE period IN ({placeholders(shut)}) AND reported_rate_bp != expected_rate_bp"
        )
        findings_params += shut
    fwhere, fparams = "", []
    if distributor is not None:
        fwhere, fparams = f" WHERE {mine_or_nobody(distributor)}", [distributor]
    for r in conn.execute(
        f"SELECT * FROM ({' UNION ALL '.join(findings_sql)}) x{fwhere}", findings_params + fparams
    ):
        p(r[0]).findings.append(
            {"platform": r[1], "line_key": r[2], "sku": r[3], "reported_rate_bp": r[4], "expected_rate_bp": r[5]}
        )

    # adjustments are rare: ledger_totals says in a few rows whether to look for them
    any_adjustment = conn.execute(
        f"SELECT 1 FROM ledger_totals l WHERE {lw} AND l.kind = 'adjustment' LIMIT 1", lw_params
    ).fetchone()
    for r in conn.execute(
        f"SELECT l.distributor, l.orig_period, l.platform, l.line_key, l.currency, sum(l.amount_fen), "
        f"min(l.reason) FROM ledger l WHERE {lw} AND l.kind = 'adjustment' "
        "GROUP BY l.distributor, l.orig_period, l.platform, l.line_key, l.currency HAVING sum(l.amount_fen) != 0",
        lw_params,
    ) if any_adjustment else ():
        p(r[0]).adjustments.append({
            "orig_period": r[1], "platform": r[2], "line_key": r[3], "currency": r[4],
            "amount_fen": r[5], "reason": r[6],
        })

    dist_sql, dist_params = ("", []) if distributor is None else (" AND distributor = ?", [distributor])
    ph = placeholders(months)
    for sql, args, key in (
        (f"SELECT distributor, currency, sum(amount_fen) FROM payouts WHERE period IN ({ph}){dist_sql} GROUP BY 1, 2",
         [*months, *dist_params], "paid"),
        (f"SELECT distributor, currency, sum(amount_fen) FROM payouts WHERE period < ?{dist_sql} GROUP BY 1, 2",
         [months[0], *dist_params], "paid_before"),
        (f"SELECT distributor, currency, sum(amount_fen) FROM ledger_totals WHERE period < ?{dist_sql} "
         "GROUP BY 1, 2", [months[0], *dist_params], "earned_before"),
        (f"SELECT distributor, currency, sum(amount_fen) FROM spend WHERE period IN ({ph}){dist_sql} GROUP BY 1, 2",
         [*months, *dist_params], "spend"),
    ):
        for who, cur, amount in conn.execute(sql, args):
            p(who).flow(cur)[key] += amount
    return parts


def _lines_by(conn, scope: Scope, closed: set[str], distributor: str | None, status: str | None,
              by: str) -> dict[tuple, list]:
    """{(the breakdown's key, currency): [orders, gmv]} of the valid lines the
    breakdown covers: the distributor's own (all of them for None)."""
    cte, cte_params = scope.lines_cte(closed)
    where, params = [f"x.status IN {VALID}"], []
    if distributor is not None:
        where.append("x.distributor = ?")
        params.append(distributor)
    if status:
        where.append("x.status = ?")
        params.append({"estimated": "paid"}.get(status, status))
    return {(key, cur): [n, gmv] for key, cur, n, gmv in conn.execute(
        f"{cte} SELECT {_LINE_KEY[by]}, x.currency, count(*), coalesce(sum(x.paid_fen - coalesce(x.refunded_fen, 0)), 0) "
        f"FROM lines x WHERE {' AND '.join(where)} GROUP BY 1, 2", cte_params + params)}


def _line_totals(conn, months: list[str], closed: set[str], distributor: str | None,
                 status: str | None) -> list[tuple]:
    """(who, currency, kind, no share, orders, gmv) of the valid lines, the
    distributor's and (the seller's) those that earn nobody.

    Grouped in the order of the lines' index (month, distributor, status,
    currency, kind: no sort) with the lines through no share summed aside,
    then split here: the same sums as grouping by whether a line has a share."""
    where = [f"x.status IN {VALID}"]
    params: list = []
    if status:
        where.append("x.status = ?")
        params.append({"estimated": "paid"}.get(status, status))
    # the distributor's lines, and the seller's those that earn nobody: each
    # its own range of the index (mine_or_nobody's OR would read the month's all)
    whose: list[tuple[str, list]] = [("", [])]
    if distributor is not None:
        whose = [(" AND x.distributor = ?", [distributor])]
        if distributor == SELLER:
            whose.append((" AND x.distributor IS NULL", []))
    sums = ("count(*), sum(x.share_id IS NULL), coalesce(sum(x.paid_fen - coalesce(x.refunded_fen, 0)), 0), "
            "coalesce(sum(CASE WHEN x.share_id IS NULL THEN x.paid_fen - coalesce(x.refunded_fen, 0) END), 0)")
    parts, args = [], []
    for table, month_col, chosen in (("orders", "month", [m for m in months if m not in closed]),
                                     ("closed_lines", "period", [m for m in months if m in closed])):
        for who_sql, who_args in whose if chosen else ():
            parts.append(
                f"SELECT x.distributor, x.currency, x.kind, {sums} FROM {table} x "
                f"WHERE x.{month_col} IN ({placeholders(chosen)}){who_sql} AND {' AND '.join(where)} "
                f"GROUP BY x.{month_col}, x.distributor, x.status, x.currency, x.kind"
            )
            args += [*chosen, *who_args, *params]
    out = []
    for who, cur, kind, n, n_none, gmv, gmv_none in conn.execute(" UNION ALL ".join(parts), args):
        cur = "CNY" if cur is None else cur
        if n_none:
            out.append((who, cur, kind, 1, n_none, gmv_none))
        if n > n_none:
            out.append((who, cur, kind, 0, n - n_none, gmv - gmv_none))
    # by distributor, nobody first, as grouping by it gave them (the order the
    # distributors' parts are made in)
    out.sort(key=lambda r: (r[0] is not None, r[0] or ""))
    return out


def _assemble(months: list[str], distributor: str | None, status: str | None, closed: bool,
              chosen: list[_Parts], nobody: _Parts | None) -> dict:
    """One statement out of the parts of the distributors it covers."""
    totals: dict[str, dict] = {BASE: _zero_totals()}
    unattributed: dict[tuple, list] = {}
    findings: list[dict] = []
    adjustments: list[dict] = []
    flows: dict[str, dict] = {}
    # lines that earn nobody (unattributed shop sales) count in the all-view's
    # totals; the seller's own statement shows them only as unattributed, and
    # another distributor's not at all (SELLER)
    whole = [*chosen, nobody] if nobody and distributor is None else chosen
    for key, (n, gmv) in (nobody.unattributed.items() if nobody and distributor == SELLER else ()):
        u = unattributed.setdefault(key, [0, 0])
        u[0] += n
        u[1] += gmv
    for part in whole:
        for cur, t in part.totals.items():
            agg = totals.setdefault(cur, _zero_totals())
            for k, v in t.items():
                agg[k] += v
        for key, (n, gmv) in part.unattributed.items():
            u = unattributed.setdefault(key, [0, 0])
            u[0] += n
            u[1] += gmv
        findings += part.findings
        adjustments += part.adjustments
        for cur, f in part.flows.items():
            agg = flows.setdefault(cur, _zero_flow())
            for k, v in f.items():
                agg[k] += v
    currencies = [BASE, *sorted(c for c in totals if c != BASE)]
    # a currency with money flow but no lines this period still has a balance
    # (only there: the totals of a closed month never change, the flow is live)
    balances = [
        _balance(c, totals[c]["net_fen"] if c in totals else 0, flows.get(c) or _zero_flow())
        for c in [*currencies, *sorted(set(flows) - set(currencies))]
    ]
    return {
        "period": months[0] if len(months) == 1 else f"{months[0]}..{months[-1]}",
        "months": months,
        "distributor": distributor if distributor is not None else ALL,
        "status": status,
        "closed": closed,
        "currencies": [{"currency": c, **totals[c]} for c in currencies],
        "unattributed": [
            {"kind": k, "currency": c, "orders": n, "gmv_fen": gmv}
            for (k, c), (n, gmv) in sorted(unattributed.items())
        ],
        "findings_count": len(findings),
        "findings": sorted(findings, key=lambda f: (f["platform"], f["line_key"]))[:FINDINGS_SHOWN],
        "adjustments": sorted(adjustments, key=lambda a: (a["orig_period"], a["platform"], a["line_key"])),
        # the CNY balance, as before currencies had balances of their own
        **{k: v for k, v in balances[0].items() if k != "currency"},
        "balances": balances,
    }


def _balance(cur: str, net: int, flow: dict) -> dict:
    """One currency's money flow: brought forward, paid out, outstanding, spend."""
    brought = flow["earned_before"] - flow["paid_before"]
    return {
        "currency": cur,
        "paid_out_fen": flow["paid"],
        "brought_forward_fen": brought,
        "outstanding_fen": brought + net - flow["paid"],
        "spend_fen": flow["spend"],
        "net_after_spend_fen": net - flow["spend"],
        "roi": roi(net, flow["spend"]),
    }


def compute_many(conn, months: list[str], distributors: list[str | None], status: str | None = None,
                 by: str | None = None, by_lines: dict | None = None) -> dict:
    """Statements for several distributors (None: all of them) from one gathering pass."""
    single = distributors[0] if len(distributors) == 1 else None
    parts = _gather(conn, months, single, status, by, by_lines)
    closed = all(m in closed_periods(conn) for m in months)
    nobody = parts.get(None)
    out = {}
    for d in distributors:
        chosen = [v for k, v in parts.items() if k is not None] if d is None else [parts.get(d, _Parts())]
        out[d] = _assemble(months, d, status, closed, chosen, nobody)
    return out


def compute(
    conn: sqlite3.Connection,
    *,
    months: list[str],
    distributor: str | None,
    by: str | None = None,
    status: str | None = None,
    trend: bool = False,
    limit: int | None = BREAKDOWN_SHOWN,
) -> dict:
    """The statement as plain data (integer fen).

    A ranked breakdown (all but ``day``) shows its ``limit`` largest rows and
    one row per currency for the rest, so its rows still add up to the
    totals; ``limit`` None or 0 shows every row."""
    if by is not None and by not in BY:
        raise UsageError(_("--by {by!r} is not one of: {choices}").format(by=by, choices=", ".join(BY)))
    by_lines: dict = {}
    # by share the breakdown reads the lines itself (ranked in SQL): the statement's pass need not group them
    lines_by = None if by_share_in_sql(Scope(months, distributor, status), by, limit) else by
    data = compute_many(conn, months, [distributor], status, lines_by, by_lines)[distributor]
    if by:
        data["by"] = by
        data["breakdown"] = breakdown(conn, Scope(months, distributor, status), by, by_lines, limit)
    if trend:
        data["trend"] = net_trend(conn, months[-1], distributor)
    return data

# what callers read from here besides compute: the options' checks, the
# constants and known_distributor (scope), format_fen for a statement's amounts
__all__ = [
    "ALL", "BASE", "BY", "FINDINGS_SHOWN", "LIVE_KEYS", "SELLER", "STATUSES", "check_currency", "check_month",
    "compute", "compute_many", "current_month", "format_fen", "known_distributor", "months_between", "roi",
]
