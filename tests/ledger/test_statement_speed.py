"""The fast paths of the heavy statements give exactly what the straightforward
computations give, on random ledgers: lines in three currencies over two
months, booked, re-imported with changed statuses and refunds, a month closed
(late changes become adjustments), spend and clicks.

* ``earnings --by share``, ranked in SQL (:func:`breakdown._share_rows`),
  against the breakdown built from every share's sums in Python;
* a statement's line totals, grouped in index order (``_line_totals``), and
  a breakdown's lines per key (``_lines_by``), against the single grouped
  pass that gave both before;
* a daily or weekly report's sections, summed in SQL, against the report's
  former line-by-line computation (kept below as the reference)."""

from __future__ import annotations

import json
import random
import sqlite3

import pytest

from weimai_cli.db.store import connect
from weimai_cli.db.tx import transaction
from weimai_cli.ledger import booking, breakdown, closing, statements
from weimai_cli.ledger import scope as scope_mod
from weimai_cli.reports import data
from weimai_cli.reports.data import BASE, TOP, VALID, zero
from weimai_cli.reports.periods import Period, period_for

STATUSES = ["pending", "paid", "paid", "confirmed", "settled", "cancelled", "refunded", "invalid"]
DISTRIBUTORS = ["me", "anna", "bo"]
SHARES = 9  # share i belongs to DISTRIBUTORS[i % 3]; code '' for one of them (shown as #id)


def _db(path, rnd: random.Random):
    conn = connect(path)
    with transaction(conn):
        conn.execute("INSERT INTO distributors (handle, rate_bp, created_at) VALUES ('anna', 1800, 'x'), ('bo', NULL, 'x')")
        for i, (bp, fen) in enumerate(((1500, None), (None, 250), (None, None), (900, None))):
            conn.execute(
                "INSERT INTO goods (sku, title, price_fen, commission_bp, commission_fen, status, created_at, updated_at) "
                "VALUES (?, ?, 1000, ?, ?, 'active', 'x', 'x')", (f"G{i}", f"goods {i}", bp, fen),
            )
        for sid in range(1, SHARES + 1):
            conn.execute(
                "INSERT INTO shares (id, code, sku, distributor, channel, campaign, link, price_fen, commission_bp, "
                "created_at, currency) VALUES (?, ?, ?, ?, ?, ?, 'l', 1000, ?, 'x', ?)",
                (sid, "" if sid == 5 else f"c{sid:02d}", f"G{sid % 4}", DISTRIBUTORS[sid % 3], ["weibo", "qq"][sid % 2],
                 f"k{sid % 2}", rnd.choice([None, 1200, 2500]), "USD" if sid == 7 else "CNY"),
            )
        conn.execute(
            "INSERT INTO imports (id, file, name, sha256, format, platform, kind, started_at) "
            "VALUES (1, 'f', 'f', 'x', 'generic', 'p', 'shop', 'x')"
        )
    return conn


def _line(rnd: random.Random, i: int) -> tuple:
    month = rnd.choice(["2026-10", "2026-11", "2026-11"])
    day = f"{month}-{rnd.choice([1, 2, 8, 9, 10, 11, 12, 15, 28, 30]):02d}"
    kind = rnd.choice(["affiliate", "shop"])
    share = rnd.choice([None, None, *range(1, SHARES + 1)])
    dist = (DISTRIBUTORS[share % 3] if share else None) if kind == "shop" else rnd.choice(["me", "me", "anna"])
    paid = rnd.choice([None, 0, 990, 1990, 5000, 12000, 30000])
    at = f"{day}T{rnd.randrange(24):02d}:00:00+08:00"
    return (f"L{i:04d}", rnd.choice(["G0", "G1", "G2", "G3", "", "GX"]), rnd.choice([None, "t", "title"]),
            rnd.choice([1, 2]), paid, rnd.choice([0, 0, 0, 300]), rnd.choice([None, "CNY", "CNY", "USD", "EUR"]),
            rnd.choice(STATUSES), at, at, month, share, dist, rnd.choice([None, 150, 400]),
            rnd.choice([None, 1000, 2000]), kind, day)


def _load(conn, lines):
    with transaction(conn):
        conn.executemany(
            "INSERT OR REPLACE INTO orders (platform, line_key, sku, title, quantity, paid_fen, refunded_fen, currency, "
            "status, created_at, paid_at, month, share_id, distributor, reported_commission_fen, reported_rate_bp, "
            "kind, day, first_import_id, last_import_id, updated_at) "
            "VALUES ('p', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 1, 'x')", lines,
        )
        booking.book_all(conn)


def _ledger(tmp_path, seed: int):
    """A random ledger: lines imported, some re-imported changed (status,
    refund, share), the earlier month closed, then late changes; spend, clicks."""
    rnd = random.Random(seed)
    conn = _db(tmp_path / f"s{seed}.db", rnd)
    lines = [_line(rnd, i) for i in range(rnd.randrange(20, 120))]
    _load(conn, lines)
    for step in range(2):
        changed = []
        for ln in rnd.sample(lines, len(lines) // 3):
            ln = list(ln)
            ln[7] = rnd.choice(STATUSES)
            ln[5] = rnd.choice([0, 100, ln[4] or 0])
            if rnd.random() < 0.3:
                ln[11] = rnd.choice([None, *range(1, SHARES + 1)])
                ln[12] = DISTRIBUTORS[ln[11] % 3] if ln[11] and ln[15] == "shop" else ln[12]
            changed.append(tuple(ln))
        _load(conn, changed)
        if step == 0 and rnd.random() < 0.7:
            closing.close(conn, "2026-10")
    with transaction(conn):
        for _ in range(rnd.randrange(4)):
            sid = rnd.choice([None, *range(1, SHARES + 1)])
            conn.execute(
                "INSERT INTO spend (share_id, campaign, distributor, amount_fen, currency, date, period, created_at) "
                "VALUES (?, ?, ?, ?, ?, '2026-11-03', ?, 'x')",
                (sid, None if sid else "k1", DISTRIBUTORS[sid % 3] if sid else rnd.choice(DISTRIBUTORS),
                 rnd.choice([500, 2000]), rnd.choice(["CNY", "USD"]), rnd.choice(["2026-10", "2026-11"])),
            )
        for sid in rnd.sample(range(1, SHARES + 1), 5):
            for day in rnd.sample(["2026-10-30", "2026-11-02", "2026-11-09", "2026-11-11", "2026-11-12"], 2):
                conn.execute("INSERT INTO share_clicks (share_id, day, clicks, synced_at) VALUES (?, ?, ?, 'x')",
                             (sid, day, rnd.choice([0, 1, 3, 8])))
    return conn


def test_the_statuses_that_earn_are_the_ledger_s():
    from weimai_cli.ledger.commission import STATUS_BUCKET
    from weimai_cli.ledger.scope import EARNING

    assert EARNING == tuple(STATUS_BUCKET) == VALID


def _slow(monkeypatch):
    monkeypatch.setattr(breakdown, "by_share_in_sql", lambda *a: False)
    monkeypatch.setattr(statements, "by_share_in_sql", lambda *a: False)


@pytest.mark.parametrize("seed", range(14))
def test_by_share_ranked_in_sql_is_the_python_breakdown(tmp_path, monkeypatch, seed):
    conn = _ledger(tmp_path, seed)
    monkeypatch.setattr(breakdown, "_CHUNK", 2)  # the shares shown asked in chunks, one in two currencies
    cases = [(months, who, limit) for months in (["2026-11"], ["2026-10"], ["2026-10", "2026-11"])
             for who in (None, *DISTRIBUTORS) for limit in (1, 2, 3, 50)]
    fast = [statements.compute(conn, months=m, distributor=d, by="share", limit=n) for m, d, n in cases]
    with monkeypatch.context() as mp:
        _slow(mp)
        slow = [statements.compute(conn, months=m, distributor=d, by="share", limit=n) for m, d, n in cases]
    for case, a, b in zip(cases, fast, slow):
        assert json.dumps(a) == json.dumps(b), case


def _grouped_pass(conn, scope, closed, distributor, status, by):
    """The statement's lines as it summed them before: one grouped pass (per
    distributor, currency, kind, whether through a share, and the breakdown's
    key), summed again per distributor and per key (the reference)."""
    cte, cte_params = scope.lines_cte(closed)
    where, params = [f"x.status IN {scope_mod.VALID}"], []
    if distributor is not None:
        where.append(scope_mod.mine_or_nobody(distributor))
        params.append(distributor)
    if status:
        where.append("x.status = ?")
        params.append({"estimated": "paid"}.get(status, status))
    key = statements._LINE_KEY[by] if by else "NULL"
    grouped = (f"SELECT x.distributor AS who, x.currency AS cur, x.kind AS kind, x.share_id IS NULL AS no_share, "
               f"{key} AS key, count(*) AS n, coalesce(sum(x.paid_fen - coalesce(x.refunded_fen, 0)), 0) AS gmv "
               f"FROM lines x WHERE {' AND '.join(where)} GROUP BY 5, 1, 2, 3, 4")
    mine = "" if distributor is None else " WHERE who = ?"
    rows = conn.execute(
        f"{cte}, g AS ({grouped}) SELECT 0, who, cur, kind, no_share, sum(n), sum(gmv) FROM g GROUP BY 2, 3, 4, 5 "
        f"UNION ALL SELECT 1, key, cur, NULL, NULL, sum(n), sum(gmv) FROM g{mine} GROUP BY 2, 3",
        cte_params + params + ([] if distributor is None else [distributor]),
    ).fetchall()
    return [tuple(r[1:]) for r in rows if not r[0]], {(r[1], r[2]): [r[5], r[6]] for r in rows if r[0]}


@pytest.mark.parametrize("seed", range(6))
def test_line_totals_and_keys_are_the_grouped_pass(tmp_path, monkeypatch, seed):
    conn = _ledger(tmp_path, seed)
    cases = [(months, who, status, by) for months in (["2026-11"], ["2026-10"], ["2026-10", "2026-11"])
             for who in (None, *DISTRIBUTORS) for status in (None, "estimated", "settled")
             for by in (None, "day", "sku", "platform", "campaign", "distributor")]
    got = [statements.compute(conn, months=m, distributor=d, status=st, by=by) for m, d, st, by in cases]
    with monkeypatch.context() as mp:
        mp.setattr(statements, "_line_totals", lambda conn, months, closed, who, status: _grouped_pass(
            conn, scope_mod.Scope(months, who, status), closed, who, status, None)[0])
        mp.setattr(statements, "_lines_by", lambda conn, scope, closed, who, status, by: _grouped_pass(
            conn, scope, closed, who, status, by)[1])
        want = [statements.compute(conn, months=m, distributor=d, status=st, by=by) for m, d, st, by in cases]
    for case, a, b in zip(cases, got, want):
        assert json.dumps(a) == json.dumps(b), case


@pytest.mark.parametrize("seed", range(10))
def test_report_sections_are_the_line_by_line_ones(tmp_path, monkeypatch, seed):
    monkeypatch.setenv("WEIMAI_NOW", "2026-12-02T08:00:00+08:00")
    conn = _ledger(tmp_path, seed)
    _same_reports(conn, (("daily", "2026-11-11"), ("daily", "2026-10-01"), ("weekly", "2026-11-11"),
                         ("weekly", "2026-11-02"), ("weekly", "2026-10-01")))


def _same_reports(conn, periods) -> None:
    for kind, day in periods:
        period = period_for(kind, day)
        before = period.previous() if kind == "weekly" else None
        for who in (None, *DISTRIBUTORS):
            got, previous = data._collect(conn, period, who, before)
            assert got == _reference(conn, period, who, details=True), (kind, day, who)
            if before:
                assert previous == _reference(conn, before, who, details=False)["currencies"], (kind, day, who)


def _without_rowid(conn) -> None:
    """``orders`` rebuilt as a WITHOUT ROWID table (its key in every index), as it may become."""
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'orders'").fetchone()[0]
    indexes = [r[0] for r in conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'orders' AND sql IS NOT NULL")]
    triggers = [r[0] for r in conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'orders'")]
    with transaction(conn):
        conn.execute("PRAGMA defer_foreign_keys = ON")
        conn.execute("ALTER TABLE orders RENAME TO orders_old")
        conn.execute(sql.rstrip().rstrip(";") + " WITHOUT ROWID")
        conn.execute("INSERT INTO orders SELECT * FROM orders_old")
        conn.execute("DROP TABLE orders_old")
        for ddl in indexes + triggers:
            conn.execute(ddl)


@pytest.mark.parametrize("seed", range(3))
def test_report_sections_with_a_without_rowid_orders_table(tmp_path, monkeypatch, seed):
    monkeypatch.setenv("WEIMAI_NOW", "2026-12-02T08:00:00+08:00")
    conn = _ledger(tmp_path, seed)
    _without_rowid(conn)
    assert data._line_order(conn)["last"] == "o.platform, o.line_key"
    _same_reports(conn, (("daily", "2026-11-11"), ("weekly", "2026-11-11"), ("weekly", "2026-11-02")))


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("rowid", [True, False])
def test_report_sections_without_window_functions(tmp_path, monkeypatch, seed, rowid):
    """Before SQLite 3.25 the top SKUs' titles come from a query of their own (data._FIRST)."""
    monkeypatch.setenv("WEIMAI_NOW", "2026-12-02T08:00:00+08:00")
    monkeypatch.setattr(data, "_WINDOWS", False)
    conn = _ledger(tmp_path, seed)
    if not rowid:
        _without_rowid(conn)
    _same_reports(conn, (("daily", "2026-11-11"), ("weekly", "2026-11-11"), ("weekly", "2026-11-02")))


# the report's sections as it computed them before, line by line (the reference)
_REFERENCE_LINES = """
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


def _reference(conn: sqlite3.Connection, period: Period, distributor: str | None, *, details: bool) -> dict:
    """Totals per currency (and, with ``details``, tops and unattributed) for a period's lines."""
    from weimai_cli.ledger.statements import SELLER

    # what each line earns now is what the ledger holds for it (ledger_state)
    ldist = "" if distributor is None else " AND st.distributor = ?"
    # a line's day (orders.day) is its Asia/Shanghai date and its month that
    # day's month: the period's lines are found in its months' index range
    months = sorted({period.start.isoformat()[:7], period.end.isoformat()[:7]})
    sql = _REFERENCE_LINES.format(ldist=ldist, months=", ".join("?" * len(months)))
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
                _reference_add(s, counted, gmv, commission)
            if r["sku"]:
                g = skus.setdefault((r["sku"], cur), {
                    "sku": r["sku"], "title": r["title"] or "", "currency": cur,
                    "orders": 0, "gmv_fen": 0, "commission_fen": 0})
                _reference_add(g, counted, gmv, commission)
        # shop sales through no share are the seller's (statements.SELLER)
        nobodys = r["distributor"] is None and distributor == SELLER
        if valid and r["share_id"] is None and (distributor is None or r["distributor"] == distributor or nobodys):
            u = unattributed.setdefault((r["kind"], cur), {
                "kind": r["kind"], "currency": cur, "orders": 0, "gmv_fen": 0, "commission_fen": 0})
            _reference_add(u, True, gmv, commission)
    out = {"currencies": [{"currency": c, **totals[c]} for c in [BASE, *sorted(c for c in totals if c != BASE)]]}
    if details:
        out["top_shares"] = _reference_top(shares.values(), "code")
        out["top_skus"] = _reference_top(skus.values(), "sku")
        out["unattributed"] = [unattributed[k] for k in sorted(unattributed)]
        out.update(_reference_clicked(conn, period, distributor, shares))
    return out


def _reference_clicked(conn: sqlite3.Connection, period: Period, distributor: str | None, shares: dict) -> dict:
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


def _reference_add(row: dict, counted: bool, gmv: int, commission: int) -> None:
    if counted:
        row["orders"] += 1
        row["gmv_fen"] += gmv
    row["commission_fen"] += commission


def _reference_top(rows, name: str) -> list[dict]:
    ranked = sorted(rows, key=lambda r: (r["currency"] != BASE, -r["commission_fen"], -r["gmv_fen"], str(r[name])))
    return ranked[:TOP]


