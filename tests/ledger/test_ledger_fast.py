"""The set-based booking of new lines books exactly what the line-by-line path books."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from weimai_cli.db.store import connect
from weimai_cli.db.tx import transaction
from weimai_cli.ledger import booking as ledger

STATUSES = ["pending", "paid", "confirmed", "settled", "cancelled", "refunded", "invalid"]
money = st.one_of(st.none(), st.integers(min_value=-50_000, max_value=5_000_000))
rate = st.one_of(st.none(), st.integers(min_value=0, max_value=10_000))

line = st.fixed_dictionaries({
    "status": st.sampled_from(STATUSES),
    "paid_fen": money,
    "refunded_fen": st.one_of(st.none(), st.integers(min_value=-10, max_value=6_000_000)),
    "quantity": st.one_of(st.none(), st.integers(min_value=0, max_value=5)),
    "reported_commission_fen": money,
    "settled_commission_fen": money,
    "reported_rate_bp": rate,
    "paid_at": st.sampled_from([None, "2026-10-05T10:00:00+08:00", "2026-11-30T23:59:59+08:00"]),
    "month": st.sampled_from([None, "2026-10", "2026-11"]),
    "share": st.sampled_from([None, 1, 2, 3]),
    "kind": st.sampled_from(["affiliate", "shop"]),
    "sku": st.sampled_from(["G-RATE", "G-FIXED", "G-NONE", "G-MISSING"]),
    "currency": st.sampled_from([None, "CNY", "USD"]),
    "seen_valid": st.sampled_from([0, 1]),  # (some import showed it paid, confirmed or settled)
})


def _db(path, closed=True):
    conn = connect(path)
    with transaction(conn):
        conn.execute("INSERT INTO distributors (handle, rate_bp, created_at) VALUES ('anna', 1800, 'x'), ('bo', NULL, 'x')")
        for sku, bp, fen in (("G-RATE", 1500, None), ("G-FIXED", None, 250), ("G-NONE", None, None)):
            conn.execute(
                "INSERT INTO goods (sku, title, price_fen, commission_bp, commission_fen, status, created_at, updated_at) "
                "VALUES (?, 't', 1000, ?, ?, 'active', 'x', 'x')", (sku, bp, fen),
            )
        for sid, dist, bp, fen in ((1, "me", 2000, None), (2, "anna", None, 300), (3, "bo", None, None)):
            conn.execute(
                "INSERT INTO shares (id, code, sku, distributor, channel, link, price_fen, commission_bp, commission_fen, "
                "created_at) VALUES (?, ?, 'G-RATE', ?, 'weibo', 'l', 1000, ?, ?, 'x')", (sid, f"c{sid}", dist, bp, fen),
            )
        conn.execute(
            "INSERT INTO imports (id, file, name, sha256, format, platform, kind, started_at) "
            "VALUES (1, 'f', 'f', 'x', 'generic', 'p', 'shop', 'x')"
        )
        if closed:
            conn.execute("INSERT INTO closed_periods (period, closed_at) VALUES ('2026-09', 'x')")
    return conn


def _load(conn, lines):
    with transaction(conn):
        for i, ln in enumerate(lines):
            dist = {1: "me", 2: "anna", 3: "bo"}.get(ln["share"]) if ln["kind"] == "shop" else "me"
            conn.execute(
                "INSERT INTO orders (platform, line_key, sku, quantity, paid_fen, refunded_fen, currency, status, "
                "created_at, paid_at, month, share_id, distributor, reported_commission_fen, settled_commission_fen, "
                "reported_rate_bp, kind, seen_valid, first_import_id, last_import_id, updated_at) "
                "VALUES ('p', ?, ?, ?, ?, coalesce(?, 0), ?, ?, '2026-10-01T00:00:00+08:00', ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                "1, 1, 'x')",
                (f"L{i:03d}", ln["sku"], ln["quantity"], ln["paid_fen"], ln["refunded_fen"], ln["currency"],
                 ln["status"], ln["paid_at"], ln["month"], ln["share"], dist, ln["reported_commission_fen"],
                 ln["settled_commission_fen"], ln["reported_rate_bp"], ln["kind"], ln["seen_valid"]),
            )


def _dump(conn):
    entries = sorted(
        tuple(r) for r in conn.execute(
            "SELECT period, distributor, platform, line_key, sku, share_id, day, currency, kind, bucket, amount_fen, "
            "base_fen, rate_bp, rate_source, orig_period, reason, import_id FROM ledger"
        )
    )
    states = sorted(tuple(r) for r in conn.execute("SELECT * FROM ledger_state"))
    totals = sorted(tuple(r) for r in conn.execute("SELECT * FROM ledger_totals WHERE amount_fen != 0"))
    days = sorted(tuple(r) for r in conn.execute("SELECT * FROM ledger_days WHERE amount_fen != 0"))
    # both sums are exactly the entries summed
    assert totals == sorted(tuple(r) for r in conn.execute(
        "SELECT period, distributor, currency, bucket, kind, sum(amount_fen) FROM ledger "
        "GROUP BY 1, 2, 3, 4, 5 HAVING sum(amount_fen) != 0"))
    assert days == sorted(tuple(r) for r in conn.execute(
        "SELECT period, distributor, coalesce(day, ''), currency, bucket, kind, sum(amount_fen) FROM ledger "
        "GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(amount_fen) != 0"))
    return entries, states, totals, days


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(line, min_size=1, max_size=12), st.booleans(), st.integers(min_value=0, max_value=12),
       st.booleans())
def test_fast_path_books_what_the_python_path_books(tmp_path_factory, lines, closed, booked_before, whole):
    """``booked_before`` lines were booked (and then changed) before: the
    rest are new to the ledger; with no month closed and nothing held, every
    line takes the set-based path (read from orders directly when the scope
    is known to be the ``whole`` platform)."""
    results = []
    for fast in (True, False):
        conn = _db(tmp_path_factory.mktemp("db") / "w.db", closed)
        _load(conn, lines)
        if booked_before:
            with transaction(conn):
                ledger.book(conn, "SELECT platform, line_key FROM orders WHERE line_key < ?",
                            (f"L{booked_before:03d}",), import_id=1, fast=fast)
                conn.execute("UPDATE orders SET paid_fen = coalesce(paid_fen, 0) + 100, "
                             "status = 'confirmed' WHERE line_key < 'L002'")
        with transaction(conn):
            booked = ledger.book(conn, "SELECT platform, line_key FROM orders", import_id=1, fast=fast,
                                 whole_platform="p" if whole else None)
        results.append((_dump(conn), booked.entries, booked.lines, booked.amount_fen))
        conn.close()
    assert results[0] == results[1]


def _entries_in_order(conn):
    return [tuple(r) for r in conn.execute(
        "SELECT id, period, distributor, platform, line_key, sku, share_id, day, currency, kind, bucket, amount_fen, "
        "base_fen, rate_bp, rate_source, orig_period, reason, import_id FROM ledger ORDER BY id"
    )]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(line, min_size=1, max_size=12), st.booleans())
def test_fast_path_numbers_the_entries_as_the_python_path(tmp_path_factory, lines, whole):
    """The set-based path numbers the entries in the lines' order (platform,
    line_key; a line's accrual before its reversal) without a sort: the same
    ids as the Python path, with the lines written out of their key order."""
    results = []
    for fast in (True, False):
        conn = _db(tmp_path_factory.mktemp("db") / "w.db", closed=False)
        _load(conn, lines)
        with transaction(conn):  # keys the reverse of the order the lines were written in
            conn.execute("UPDATE orders SET line_key = 'K' || (1000 - rowid)")
        with transaction(conn):
            ledger.book(conn, "SELECT platform, line_key FROM orders", import_id=1, fast=fast,
                        whole_platform="p" if whole else None)
        entries = _entries_in_order(conn)
        assert [e[4] for e in entries] == sorted(e[4] for e in entries)
        results.append((entries, _dump(conn)))
        conn.close()
    assert results[0] == results[1]
