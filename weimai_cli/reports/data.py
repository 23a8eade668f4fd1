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


_LINES = """
SELECT o.platform, o.line_key, o.sku, coalesce(o.title, g.title) AS title, o.share_id, s.code, s.channel,
       o.distributor, o.kind, o.status, coalesce(o.currency, 'CNY') AS currency,
       coalesce(o.paid_fen, 0) AS paid_fen, coalesce(o.refunded_fen, 0) AS refunded_fen,
       CASE WHEN st.distributor IS NOT NULL{ldist}
            THEN st.estimated_fen + st.confirmed_fen + st.settled_fen ELSE 0 END AS commission_fen,
       CASE WHEN st.distributor IS NOT NULL{ldist} THEN st.reversal_fen ELSE 0 END AS reversed_fen
FROM orders o LEFT JOIN shares s ON s.id = o.share_id LEFT JOIN goods g ON g.sku = o.sku
LEFT JOIN ledger_state st ON st.platform = o.platform AND st.line_key = o.line_key
WHERE o.month IN ({months}) AND o.day BETWEEN ? AND ?
"""


def _collect(conn: sqlite3.Connection, period: Period, distributor: str | None, *, details: bool) -> dict:
    """Totals per currency (and, with ``details``, tops and unattributed) for a period's lines."""
    from weimai_cli.ledger.statements import SELLER

    # what each line earns now is what the ledger holds for it (ledger_state)
    ldist = "" if distributor is None else " AND st.distributor = ?"
    # a line's day (orders.day) is its Asia/Shanghai date and its month that
    # day's month: the period's lines are found in its months' index range
    months = sorted({period.start.isoformat()[:7], period.end.isoformat()[:7]})
    sql = _LINES.format(ldist=ldist, months=", ".join("?" * len(months)))
    params = ([] if distributor is None else [distributor] * 2) + months + [
        period.start.isoformat(), period.end.isoformat()]
    totals: dict[str, dict] = {BASE: zero()}
    shares: dict[tuple, dict] = {}
    skus: dict[tuple, dict] = {}
    unattributed: dict[tuple, dict] = {}
    for r in conn.execute(sql, params):
        cur = r["currency"]
        t = totals.setdefault(cur, zero())
        mine = distributor is None or r["distributor"] == distributor
        valid = r["status"] in VALID
        gmv = r["paid_fen"] - r["refunded_fen"]
        commission = r["commission_fen"]
        t["commission_fen"] += commission
        t["reversed_fen"] += r["reversed_fen"]
        if mine and valid:
            t["orders"] += 1
            t["gmv_fen"] += gmv
        if mine and (r["status"] == "refunded" or r["refunded_fen"] > 0):
            t["refunds"] += 1
            t["refunded_fen"] += r["refunded_fen"] or r["paid_fen"]
        if not details:
            continue
        counted = mine and valid
        if counted or commission:
            if r["share_id"] is not None:
                s = shares.setdefault((r["share_id"], cur), {
                    "share_id": r["share_id"], "code": r["code"] or f"#{r['share_id']}", "channel": r["channel"] or "",
                    "sku": r["sku"] or "", "currency": cur, "orders": 0, "gmv_fen": 0, "commission_fen": 0})
                _add(s, counted, gmv, commission)
            if r["sku"]:
                g = skus.setdefault((r["sku"], cur), {
                    "sku": r["sku"], "title": r["title"] or "", "currency": cur,
                    "orders": 0, "gmv_fen": 0, "commission_fen": 0})
                _add(g, counted, gmv, commission)
        # shop sales through no share are the seller's (statements.SELLER)
        nobodys = r["distributor"] is None and distributor == SELLER
        if valid and r["share_id"] is None and (distributor is None or r["distributor"] == distributor or nobodys):
            u = unattributed.setdefault((r["kind"], cur), {
                "kind": r["kind"], "currency": cur, "orders": 0, "gmv_fen": 0, "commission_fen": 0})
            _add(u, True, gmv, commission)
    out = {"currencies": [{"currency": c, **totals[c]} for c in [BASE, *sorted(c for c in totals if c != BASE)]]}
    if details:
        out["top_shares"] = _top(shares.values(), "code")
        out["top_skus"] = _top(skus.values(), "sku")
        out["unattributed"] = [unattributed[k] for k in sorted(unattributed)]
        out.update(_clicked(conn, period, distributor, shares))
    return out


def _clicked(conn: sqlite3.Connection, period: Period, distributor: str | None, shares: dict) -> dict:
    """The funnel from clicks: ``top_clicked``, the shares with the most clicks
    in the period (with their orders and commission in it), and
    ``not_converting``, those clicked with no order in it — TOP each, most
    clicks first. ``distributor`` given: that distributor's shares only."""
    from weimai_cli.ledger.funnel import click_ratios

    dist_sql, params = ("", []) if distributor is None else (" AND s.distributor = ?", [distributor])
    clicked = conn.execute(
        "SELECT c.share_id, s.code, s.channel, s.sku, coalesce(s.currency, 'CNY') AS currency, sum(c.clicks) AS n "
        f"FROM share_clicks c JOIN shares s ON s.id = c.share_id WHERE c.day BETWEEN ? AND ?{dist_sql} "
        "GROUP BY c.share_id HAVING sum(c.clicks) > 0",
        [period.start.isoformat(), period.end.isoformat(), *params],
    ).fetchall()
    by_share: dict[int, list[dict]] = {}
    for (sid, _cur), r in shares.items():
        by_share.setdefault(sid, []).append(r)
    rows = []
    for c in clicked:
        # a share's rows per currency (orders in the period); none: the share's own currency
        mine = by_share.get(c["share_id"]) or [{
            "share_id": c["share_id"], "code": c["code"], "channel": c["channel"] or "", "sku": c["sku"] or "",
            "currency": c["currency"], "orders": 0, "gmv_fen": 0, "commission_fen": 0}]
        for r in mine:
            rows.append({**r, "clicks": c["n"], **click_ratios(c["n"], r["orders"], r["commission_fen"])})
    rows.sort(key=lambda r: (-r["clicks"], r["code"], r["currency"] != BASE, r["currency"]))
    orders = {}
    for r in rows:
        orders[r["share_id"]] = orders.get(r["share_id"], 0) + r["orders"]
    return {"top_clicked": rows[:TOP],
            "not_converting": [r for r in rows if not orders[r["share_id"]]][:TOP]}


def _add(row: dict, counted: bool, gmv: int, commission: int) -> None:
    if counted:
        row["orders"] += 1
        row["gmv_fen"] += gmv
    row["commission_fen"] += commission


def _top(rows, name: str) -> list[dict]:
    ranked = sorted(rows, key=lambda r: (r["currency"] != BASE, -r["commission_fen"], -r["gmv_fen"], str(r[name])))
    return ranked[:TOP]


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
    data.update(_collect(conn, period, distributor, details=True))
    data["imports"] = _imports(conn, period, distributor)
    if period.kind == "weekly":
        before = period.previous()
        previous = _collect(conn, before, distributor, details=False)["currencies"]
        data["previous"] = {"start": before.start.isoformat(), "end": before.end.isoformat(), "currencies": previous}
        data["change"] = _changes(data["currencies"], previous)
    data["empty"] = not data["imports"] and not data["top_clicked"] and not any(
        c["orders"] or c["commission_fen"] or c["refunds"] or c["reversed_fen"] for c in data["currencies"])
    return data
