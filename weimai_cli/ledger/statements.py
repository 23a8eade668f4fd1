"""Commission statements: compute, close, verify, render.

A statement for a period (a month, or a range of months) and a distributor
(or all of them) is computed from two sources only:

* the ledger rows booked *in* those periods (append-only), and
* the order lines *of* those months: live from ``orders`` for an open
  month, from the ``closed_lines`` snapshot for a closed one.

Both are immutable once a month is closed (later changes are booked as
adjustments into the next open month), so a closed statement prints
identically forever; :func:`verify` recomputes it and compares it with the
totals and checksum stored when it was closed.

Amounts are integer fen. Totals are per currency (a USD Amazon report is
never added to CNY), and so are payouts, promotion spend and the balance
(``balances``: a USD payout reduces the USD balance only); the top-level
money-flow keys are the CNY balance's.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections import Counter
from dataclasses import dataclass

from weimai_cli.clock import now, now_iso
from weimai_cli.db.store import transaction
from weimai_cli.errors import BadInput, NotFound, UsageError
from weimai_cli.ledger.booking import closed_periods, next_month
from weimai_cli.money import currency_option, format_fen

MONTH_RE = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
BY = ("sku", "share", "channel", "campaign", "platform", "day", "distributor")
STATUSES = ("estimated", "confirmed", "settled")
VALID = "('paid', 'confirmed', 'settled')"
ALL = "*"
BASE = "CNY"
# the seller's own distributor: the shop sales through no share (they earn
# nobody) belong to the seller, so they show in its statement and the
# all-distributors one, never in another distributor's (statements go to 达人)
SELLER = "me"
FINDINGS_SHOWN = 50  # a statement lists this many findings and counts the rest
BREAKDOWN_SHOWN = 50  # a ranked breakdown shows this many rows and sums the rest (--limit)
# money flow is live: payouts recorded and spend added after closing a month
# show in its statement; everything else in a closed statement is frozen
LIVE_KEYS = frozenset({
    "paid_out_fen", "brought_forward_fen", "outstanding_fen", "spend_fen", "net_after_spend_fen", "roi", "balances",
})

# query-plan hints, which SQLite understands from 3.35 on (before, a CTE used
# once is folded in anyway, and one used twice is computed twice: slower, same)
_HINTS = sqlite3.sqlite_version_info >= (3, 35)
_MATERIALIZED = "MATERIALIZED " if _HINTS else ""
_NOT_MATERIALIZED = "NOT MATERIALIZED " if _HINTS else ""

# an open month's lines (the expected rate is the ledger's: ledger_state)
_OPEN_LINES = """
SELECT o.platform, o.line_key, o.month AS period, o.distributor, o.kind, o.sku, o.title, o.share_id,
       o.day, coalesce(o.currency, 'CNY') AS currency,
       o.status, o.paid_fen, o.refunded_fen, o.reported_rate_bp, NULL AS expected_rate_bp
FROM orders o
WHERE o.month IN ({months})
"""
_CLOSED_LINES = """
SELECT platform, line_key, period, distributor, kind, sku, title, share_id, day, currency, status,
       paid_fen, refunded_fen, reported_rate_bp, expected_rate_bp
FROM closed_lines WHERE period IN ({months})
"""

def check_currency(text: str) -> str:
    """A currency code as payouts and spend store it (money.currency_option)."""
    return currency_option(text)


def check_month(text: str, option: str = "--month") -> str:
    if not MONTH_RE.fullmatch(text or ""):
        raise UsageError(f"{option} {text!r} is not a month", "write it as YYYY-MM, e.g. 2026-11")
    return text


def months_between(start: str, end: str) -> list[str]:
    if end < start:
        raise UsageError(f"--to {end} is before --from {start}", "swap them")
    out = [start]
    while out[-1] != end:
        out.append(next_month(out[-1]))
        if len(out) > 120:
            raise UsageError("a statement covers at most 120 months", "narrow --from/--to")
    return out


def current_month() -> str:
    return now().strftime("%Y-%m")


def _ph(items) -> str:
    return ", ".join("?" for _ in items)


@dataclass
class Scope:
    months: list[str]
    distributor: str | None  # None = all distributors
    status: str | None = None  # estimated | confirmed | settled

    def lines_cte(self, closed: set[str]) -> tuple[str, list]:
        shut = [m for m in self.months if m in closed]
        live = [m for m in self.months if m not in closed]
        parts, params = [], []
        if live:
            parts.append(_OPEN_LINES.format(months=_ph(live)))
            params += live
        if shut:
            parts.append(_CLOSED_LINES.format(months=_ph(shut)))
            params += shut
        # never materialised: folded into the query, the lines are read from the covering index
        sql = f"WITH lines AS {_NOT_MATERIALIZED}(" + " UNION ALL ".join(parts) + ")"
        return sql, params

    def line_filter(self) -> tuple[str, list]:
        where, params = [f"x.status IN {VALID}"], []
        if self.distributor is not None:
            where.append("x.distributor = ?")
            params.append(self.distributor)
        if self.status:
            where.append("x.status = ?")
            params.append({"estimated": "paid"}.get(self.status, self.status))
        return " AND ".join(where), params

    def ledger_filter(self) -> tuple[str, list]:
        where, params = [f"l.period IN ({_ph(self.months)})"], list(self.months)
        if self.distributor is not None:
            where.append("l.distributor = ?")
            params.append(self.distributor)
        if self.status:
            where.append("l.bucket = ?")
            params.append(self.status)
        return " AND ".join(where), params


def _mine_or_nobody(distributor: str) -> str:
    """The lines of one distributor's statement (a parameter: the distributor):
    its own, and for the seller also those that earn nobody (SELLER)."""
    if distributor == SELLER:
        return "(x.distributor = ? OR x.distributor IS NULL)"
    return "x.distributor = ?"


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

    cte, cte_params = scope.lines_cte(closed)
    where = [f"x.status IN {VALID}"]
    params: list = []
    if distributor is not None:
        where.append(_mine_or_nobody(distributor))
        params.append(distributor)
    if status:
        where.append("x.status = ?")
        params.append({"estimated": "paid"}.get(status, status))
    grouped = (
        f"SELECT x.distributor AS who, x.currency AS cur, x.kind AS kind, x.share_id IS NULL AS no_share, "
        f"{_LINE_KEY[by] if by else 'NULL'} AS key, count(*) AS n, "
        f"coalesce(sum(x.paid_fen - coalesce(x.refunded_fen, 0)), 0) AS gmv FROM lines x "
        # the key first: lines mostly differ in it, so the sort compares less
        f"WHERE {' AND '.join(where)} GROUP BY 5, 1, 2, 3, 4"
    )
    if by:
        # the one pass, summed twice in SQL: per distributor for the totals,
        # per key for the breakdown (the distributor's own lines)
        mine = "" if distributor is None else " WHERE who = ?"
        totals_sql = (
            f"{cte}, g AS {_MATERIALIZED}({grouped}) "
            "SELECT 0, who, cur, kind, no_share, sum(n), sum(gmv) FROM g GROUP BY 2, 3, 4, 5 "
            f"UNION ALL SELECT 1, key, cur, NULL, NULL, sum(n), sum(gmv) FROM g{mine} GROUP BY 2, 3"
        )
        params += [] if distributor is None else [distributor]
        rows = conn.execute(totals_sql, cte_params + params).fetchall()
        if by_lines is not None:
            by_lines.update({(r[1], r[2]): [r[5], r[6]] for r in rows if r[0]})
        rows = [r[1:] for r in rows if not r[0]]
    else:
        rows = [(who, cur, kind, no_share, n, gmv) for who, cur, kind, no_share, _, n, gmv
                in conn.execute(f"{cte} {grouped}", cte_params + params)]
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
            f"WHERE month IN ({_ph(live)}) AND reported_rate_bp != expected_rate_bp"
        )
        findings_params += live
    if shut:
        findings_sql.append(
            "SELECT distributor, platform, line_key, sku, reported_rate_bp, expected_rate_bp FROM closed_lines "
            f"WHERE period IN ({_ph(shut)}) AND reported_rate_bp != expected_rate_bp"
        )
        findings_params += shut
    fwhere, fparams = "", []
    if distributor is not None:
        fwhere, fparams = f" WHERE {_mine_or_nobody(distributor)}", [distributor]
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
    ph = _ph(months)
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
        raise UsageError(f"--by {by!r} is not one of: {', '.join(BY)}")
    by_lines: dict = {}
    data = compute_many(conn, months, [distributor], status, by, by_lines)[distributor]
    if by:
        data["by"] = by
        data["breakdown"] = breakdown(conn, Scope(months, distributor, status), by, by_lines, limit)
    if trend:
        data["trend"] = _trend(conn, months[-1], distributor)
    return data


def roi(net: int, spend: int) -> str | None:
    """(net − spend) / spend as a percent with one decimal, or None with no spend."""
    if not spend:
        return None
    from decimal import ROUND_HALF_UP, Decimal

    pct = (Decimal(net - spend) * 100 / Decimal(spend)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{pct}%"


# a breakdown row's amounts, in the order its dict shows them
_AMOUNTS = ("orders", "gmv_fen", "accrued_fen", "reversed_fen", "adjustments_fen", "estimated_fen",
            "confirmed_fen", "settled_fen", "net_fen", "spend_fen")
_NET, _SPEND = _AMOUNTS.index("net_fen"), _AMOUNTS.index("spend_fen")
# a ledger breakdown row: the amounts from accrued_fen to settled_fen, summed per key and currency
_LEDGER_SUMS = ", ".join(
    f"sum(CASE WHEN l.{col} = '{value}' THEN l.amount_fen ELSE 0 END)"
    for col, value in (("kind", "accrual"), ("kind", "reversal"), ("kind", "adjustment"),
                       ("bucket", "estimated"), ("bucket", "confirmed"), ("bucket", "settled"))
)


def breakdown(conn, scope: Scope, by: str, by_lines: dict, limit: int | None = BREAKDOWN_SHOWN) -> list[dict]:
    """The breakdown rows: the ledger's entries summed per key (one row per key
    and currency), and the order lines as :func:`_gather` grouped them
    (``by_lines``). Only the rows shown become dicts."""
    # channel and campaign live on the share: both sides group by share, then map
    joined = by in ("channel", "campaign")
    col = {"share": "share_id", "channel": "share_id", "campaign": "share_id"}.get(by, by)
    lw, lw_params = scope.ledger_filter()
    # by day from the ledger's day sums (no day: ''), else from its entries
    key_sql, table = ("nullif(l.day, '')", "ledger_days") if by == "day" else (f"l.{col}", "ledger")
    sums: dict[tuple, list] = {
        (r[0], r[1]): [0, 0, *r[2:], 0] for r in conn.execute(
            f"SELECT {key_sql}, l.currency, {_LEDGER_SUMS}, sum(l.amount_fen) FROM {table} l WHERE {lw} GROUP BY 1, 2",
            lw_params,
        )
    }
    for k, (n, gmv) in by_lines.items():
        v = sums.get(k)
        if v is None:
            sums[k] = [n, gmv, 0, 0, 0, 0, 0, 0, 0, 0]
        else:
            v[0], v[1] = n, gmv
    if joined:
        of_share = _of_shares(conn, [k for k, _ in sums if k is not None], by)
        merged: dict[tuple, list] = {}
        for (sid, cur), v in sums.items():
            m = merged.get((of_share.get(sid), cur))
            if m is None:
                merged[(of_share.get(sid), cur)] = v
            else:
                m[:] = map(int.__add__, m, v)
        sums = merged
    if by in ("share", "campaign"):
        dist_sql, dist_params = ("", []) if scope.distributor is None else (" AND p.distributor = ?", [scope.distributor])
        spend_key = "p.share_id" if by == "share" else "coalesce(s.campaign, p.campaign)"
        # by share, a campaign's spend belongs to no one share: it stays in the totals only
        only = " AND p.share_id IS NOT NULL" if by == "share" else ""
        for key, cur, amount in conn.execute(
            f"SELECT {spend_key}, p.currency, sum(p.amount_fen) FROM spend p LEFT JOIN shares s ON s.id = p.share_id "
            f"WHERE p.period IN ({_ph(scope.months)}){dist_sql}{only} GROUP BY 1, 2",
            scope.months + dist_params,
        ):
            sums.setdefault((key, cur), [0] * len(_AMOUNTS))[_SPEND] += amount
    none_label = {"share": "(no share)", "channel": "(no share)", "distributor": "(nobody)"}.get(by, "(none)")
    if by == "day":
        order = sorted(sums, key=lambda k: (str(k[0]), k[1]))
    else:
        # largest net first (the base currency's rows before the others); equal
        # nets by key (a share's id: the order they were made), no key last
        order = sorted(sums, key=lambda k: (k[1] != BASE, -sums[k][_NET], k[0] is None,
                                            "" if k[0] is None else k[0], k[1]))
    shown, rest = (order[:limit], order[limit:]) if limit and by != "day" else (order, [])
    # a currency with a single row left over shows that row, not "(1 more)"
    left = Counter(cur for _, cur in rest)
    shown += [k for k in rest if left[k[1]] == 1]
    rest = [k for k in rest if left[k[1]] > 1]
    # only the rows shown are labelled (a share by its code)
    labels = _of_shares(conn, [k for k, _ in shown if k is not None], "code") if by == "share" else {}
    titles = _titles(conn, scope, [k for k, _ in shown if k is not None]) if by == "sku" else {}
    out = []
    for key, cur in shown:
        r = {"key": key, "label": none_label if key is None else labels.get(key, key), "currency": cur,
             **dict(zip(_AMOUNTS, sums[(key, cur)]))}
        if by == "sku":
            r["title"] = titles.get(key) or ""
        out.append(r)
    out += _rest(rest, sums, with_title=by == "sku")
    for r in out:
        r["net_after_spend_fen"] = r["net_fen"] - r["spend_fen"]
        r["roi"] = roi(r["net_fen"], r["spend_fen"])
    return out


def _of_shares(conn, ids: list[int], column: str) -> dict:
    """{share id: its code, channel or campaign}, asked in chunks (SQLite caps parameters)."""
    out: dict = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        out.update(conn.execute(f"SELECT id, {column} FROM shares WHERE id IN ({_ph(chunk)})", chunk))
    return out


def _rest(keys: list[tuple], sums: dict, with_title: bool) -> list[dict]:
    """The rows a limited breakdown leaves out: one summed row per currency."""
    by_cur: dict[str, list] = {}
    for key in keys:
        by_cur.setdefault(key[1], []).append(sums[key])
    out = []
    for cur, rows in by_cur.items():
        r = {"key": None, "label": f"({len(rows):,} more)", "currency": cur,
             **dict(zip(_AMOUNTS, map(sum, zip(*rows))))}
        if with_title:
            r["title"] = ""
        r["more"] = len(rows)
        out.append(r)
    return out


def _titles(conn, scope: Scope, skus: list[str]) -> dict[str, str]:
    """Titles for the SKUs of a breakdown: as frozen for closed months, else the catalogue's."""
    closed = [m for m in scope.months if m in closed_periods(conn)]
    titles: dict[str, str] = {}
    for i in range(0, len(skus), 500):
        chunk = skus[i:i + 500]
        titles.update(conn.execute(
            f"SELECT sku, title FROM goods WHERE sku IN ({_ph(chunk)})", chunk
        ).fetchall())
        if closed:
            titles.update(conn.execute(
                f"SELECT sku, max(title) FROM closed_lines WHERE period IN ({_ph(closed)}) "
                f"AND sku IN ({_ph(chunk)}) GROUP BY sku", [*closed, *chunk]
            ).fetchall())
    return titles


def _trend(conn, end: str, distributor: str | None) -> list[dict]:
    months = [end]
    while len(months) < 6:
        y, m = int(months[0][:4]), int(months[0][5:7])
        months.insert(0, f"{y - (m == 1):04d}-{(m - 2) % 12 + 1:02d}")
    dist_sql, params = ("", []) if distributor is None else (" AND distributor = ?", [distributor])
    nets = dict(conn.execute(
        f"SELECT period, sum(amount_fen) FROM ledger_totals WHERE period IN ({_ph(months)}) AND currency = ?"
        f"{dist_sql} GROUP BY period",
        [*months, BASE, *params],
    ).fetchall())
    return [{"period": m, "net_fen": nets.get(m, 0)} for m in months]


# ---- closing -------------------------------------------------------------------


def _canonical(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def checksum(data: dict) -> str:
    return hashlib.sha256(_canonical(data).encode()).hexdigest()


def close(conn: sqlite3.Connection, month: str, *, force: bool = False) -> dict:
    """Freeze a month: snapshot its lines, store every distributor's statement and its checksum."""
    check_month(month)
    cur = current_month()
    if month > cur:
        raise BadInput(f"{month} has not begun (this month is {cur})", "close a finished month")
    if month == cur and not force:
        raise BadInput(
            f"{month} is not over yet (this month is {cur})",
            "close a finished month, or add --force to close it anyway",
        )
    with transaction(conn):
        if conn.execute("SELECT 1 FROM closed_periods WHERE period = ?", (month,)).fetchone():
            raise BadInput(f"{month} is already closed", f"see `weimai earnings --month {month}`")
        earlier = conn.execute(
            "SELECT min(period) FROM ledger_totals WHERE period < ? "
            "AND period NOT IN (SELECT period FROM closed_periods)", (month,),
        ).fetchone()[0]
        if earlier:
            raise BadInput(
                f"{earlier} is still open and comes before {month}",
                f"close months in order: `weimai earnings close --month {earlier}` first",
            )
        # the month's lines as they are now; the expected rate only where the
        # ledger recorded a finding for the month, as its open statement listed them
        # (findings are the only reader of a snapshot's expected rate)
        conn.execute(
            "INSERT INTO closed_lines " + _OPEN_LINES.format(months="?").replace(
                "SELECT o.platform", "SELECT o.month, o.platform", 1
            ).replace("o.month AS period, ", "", 1) + " ORDER BY o.platform, o.line_key",  # in key order
            (month,),
        )
        conn.executemany(
            "UPDATE closed_lines SET expected_rate_bp = ? WHERE period = ? AND platform = ? AND line_key = ?",
            conn.execute(
                "SELECT expected_rate_bp, month, platform, line_key FROM ledger_state "
                "WHERE month = ? AND reported_rate_bp != expected_rate_bp", (month,),
            ).fetchall(),
        )
        conn.execute("INSERT INTO closed_periods (period, closed_at) VALUES (?, ?)", (month, now_iso()))
        # every distributor gets its frozen statement, even an empty one
        who = [r[0] for r in conn.execute(
            "SELECT handle FROM distributors UNION SELECT DISTINCT distributor FROM ledger_totals WHERE period = ? "
            "ORDER BY 1", (month,),
        )]
        stored = []
        closed_at = now_iso()
        every = compute_many(conn, [month], [None, *who])
        for d in [None, *who]:
            data = every[d]
            conn.execute(
                "INSERT INTO statements (period, distributor, data, checksum, closed_at) VALUES (?, ?, ?, ?, ?)",
                (month, d if d is not None else ALL, _canonical(data), checksum(data), closed_at),
            )
            stored.append({"distributor": d if d is not None else ALL, "checksum": checksum(data),
                           "net_fen": data["currencies"][0]["net_fen"]})
    return {"period": month, "statements": stored, "lines": conn.execute(
        "SELECT count(*) FROM closed_lines WHERE period = ?", (month,)).fetchone()[0]}


def verify(conn: sqlite3.Connection, month: str, distributor: str | None) -> list[str]:
    """Recompute a closed statement; the list of what drifted (empty = identical)."""
    row = conn.execute(
        "SELECT data, checksum FROM statements WHERE period = ? AND distributor = ?",
        (month, distributor if distributor is not None else ALL),
    ).fetchone()
    if row is None:
        if not conn.execute("SELECT 1 FROM closed_periods WHERE period = ?", (month,)).fetchone():
            raise BadInput(f"{month} is not closed", f"close it with `weimai earnings close --month {month}`")
        raise NotFound(f"no closed statement for {distributor} in {month}", "see `weimai distributors list`")
    problems = []
    stored = json.loads(row[0])
    if checksum(stored) != row[1]:
        problems.append("the stored statement does not match its checksum")
    fresh = compute(conn, months=[month], distributor=distributor)
    for key in sorted((set(stored) | set(fresh)) - LIVE_KEYS):
        if stored.get(key) != fresh.get(key):
            problems.append(f"{key}: closed {_short(stored.get(key))}, now {_short(fresh.get(key))}")
    return problems


def _short(value) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 120 else text[:117] + "..."


# ---- payouts and spend ------------------------------------------------------------


def _distributor(conn, handle: str) -> str:
    """The handle, if such a distributor exists (else NotFound with close matches)."""
    from weimai_cli.sharing.distributors import get_distributor

    return get_distributor(conn, handle)["handle"]


def _positive_amount(text: str) -> int:
    from weimai_cli.money import MoneyError, parse_money

    try:
        fen = parse_money(text, allow_negative=True)
    except MoneyError as exc:
        raise BadInput(f"--amount: {exc}", "write an amount like 1,200.00") from None
    if fen is None or fen <= 0:
        raise BadInput(f"--amount must be more than zero, not {text!r}", "record money paid out as a positive amount")
    return fen


def record_payout(conn, *, distributor: str, month: str, amount: str, ref: str | None, paid_at: str | None = None,
                  currency: str = BASE) -> dict:
    check_month(month)
    currency = check_currency(currency)
    fen = _positive_amount(amount)
    with transaction(conn):
        _distributor(conn, distributor)
        created = now_iso()
        cur = conn.execute(
            "INSERT INTO payouts (distributor, period, amount_fen, currency, ref, paid_at, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (distributor, month, fen, currency, ref, paid_at or created, created),
        )
    return {"id": cur.lastrowid, "distributor": distributor, "period": month, "amount_fen": fen,
            "currency": currency, "ref": ref}


def owed_after(conn, distributor: str, month: str, currency: str = BASE) -> int:
    """What is still owed to a distributor in a currency for a month and before (negative: paid too much)."""
    balances = compute_many(conn, [month], [distributor])[distributor]["balances"]
    return next((b["outstanding_fen"] for b in balances if b["currency"] == currency), 0)


def list_payouts(conn, distributor: str | None = None) -> list[dict]:
    sql, params = "SELECT id, distributor, period, amount_fen, currency, ref, paid_at FROM payouts", []
    if distributor:
        sql += " WHERE distributor = ?"
        params.append(distributor)
    return [dict(r) for r in conn.execute(sql + " ORDER BY period, id", params)]


def add_spend(conn, *, code: str | None, campaign: str | None, amount: str, date: str | None, note: str | None,
              distributor: str | None = None, currency: str = BASE) -> dict:
    from weimai_cli.clock import parse_bound

    if bool(code) == bool(campaign):
        raise UsageError("give a share CODE or --campaign NAME (one of them)", "weimai spend add wm0001K7QX 50")
    currency = check_currency(currency)
    fen = _positive_amount(amount)
    day = (parse_bound(date)[:10] if date else now_iso()[:10])
    with transaction(conn):
        share_id = None
        if code:
            from weimai_cli.sharing.service import get_share

            share = get_share(conn, code)
            share_id, distributor = share["id"], share["distributor"]
            campaign = share["campaign"]
        distributor = _distributor(conn, distributor or "me")
        cur = conn.execute(
            "INSERT INTO spend (share_id, campaign, distributor, amount_fen, currency, date, period, note, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (share_id, campaign, distributor, fen, currency, day, day[:7], note, now_iso()),
        )
    return {"id": cur.lastrowid, "share_id": share_id, "campaign": campaign, "amount_fen": fen,
            "currency": currency, "date": day}


def list_spend(conn) -> list[dict]:
    return [dict(r) for r in conn.execute(
        "SELECT p.id, p.date, s.code AS share_code, p.campaign, p.distributor, p.amount_fen, p.currency, p.note "
        "FROM spend p LEFT JOIN shares s ON s.id = p.share_id ORDER BY p.date, p.id"
    )]


def share_funnel(conn, share_ids: list[int] | None = None) -> dict[int, dict]:
    """Per share: orders, GMV, commission, reversals, spend, net after spend, ROI."""
    where, params = "", []
    if share_ids is not None:
        if not share_ids:
            return {}
        where = f" WHERE share_id IN ({_ph(share_ids)})"
        params = list(share_ids)
    out: dict[int, dict] = {}

    def get(sid):
        return out.setdefault(sid, {"orders": 0, "gmv_fen": 0, "commission_fen": 0, "reversed_fen": 0, "spend_fen": 0})

    for sid, n, gmv in conn.execute(
        f"SELECT share_id, count(*), sum(paid_fen - coalesce(refunded_fen, 0)) FROM orders{where}"
        f"{' AND' if where else ' WHERE'} share_id IS NOT NULL AND status IN {VALID} GROUP BY share_id", params
    ):
        get(sid).update(orders=n, gmv_fen=gmv)
    # what the share's lines earn now, from the ledger's per-line holdings
    swhere = where.replace("share_id", "o.share_id")
    for sid, net, rev in conn.execute(
        "SELECT o.share_id, sum(st.estimated_fen + st.confirmed_fen + st.settled_fen), sum(st.reversal_fen) "
        "FROM orders o JOIN ledger_state st ON st.platform = o.platform AND st.line_key = o.line_key"
        f"{swhere}{' AND' if where else ' WHERE'} o.share_id IS NOT NULL AND st.distributor IS NOT NULL "
        "GROUP BY o.share_id", params
    ):
        get(sid).update(commission_fen=net, reversed_fen=rev)
    for sid, amount in conn.execute(
        f"SELECT share_id, sum(amount_fen) FROM spend{where}{' AND' if where else ' WHERE'} share_id IS NOT NULL "
        "GROUP BY share_id", params
    ):
        get(sid)["spend_fen"] = amount
    for f in out.values():
        f["net_after_spend_fen"] = f["commission_fen"] - f["spend_fen"]
        f["roi"] = roi(f["commission_fen"], f["spend_fen"])
    return out


FUNNEL_COLS = [
    ("orders", "orders", "int"), ("gmv_fen", "GMV", "money"), ("commission_fen", "commission", "money"),
    ("reversed_fen", "reversed", "money"), ("spend_fen", "spend", "money"),
    ("net_after_spend_fen", "net after spend", "money"), ("roi", "ROI", "text"),
]


def share_earnings_section(conn, share: dict):
    """The share's funnel, as a section of `weimai shares show CODE`."""
    from weimai_cli.sharing.service import Section

    funnel = share_funnel(conn, [int(share["id"])]).get(int(share["id"]))
    return Section(title="earnings", rows=[funnel] if funnel else [], cols=FUNNEL_COLS, empty="no orders or spend yet")


__all__ = ["BY", "close", "compute", "format_fen", "verify"]
