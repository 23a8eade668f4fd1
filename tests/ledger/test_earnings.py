"""Earnings: statements that reconcile, close and never drift; payouts; spend."""

from __future__ import annotations

import csv
import io
import json
from decimal import ROUND_HALF_UP, Decimal

import pytest

from tests.conftest import dump
from tests.golden_util import check_golden
from tests.orders_helpers import add_share, use_secret

HEADER = ["line_key", "sku", "title", "paid", "refunded", "status", "paid_at", "tracking_code"]


@pytest.fixture
def shop(db):
    """Goods at 20 %, a share for me and one for anna (snapshot rate 20 %)."""
    use_secret()
    codes = {
        "me": add_share(db, 1, "GQ-1"),
        "anna": add_share(db, 2, "PE-2", distributor="anna"),
    }
    db.execute("UPDATE goods SET commission_bp = 2000")
    db.execute("UPDATE goods SET title = '=cmd|calc' WHERE sku = 'PE-2'")
    return codes


def orders_file(tmp_path, name, rows):
    f = tmp_path / name
    with open(f, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerows(rows)
    return f


def october(tmp_path, shop):
    return orders_file(tmp_path, "oct.csv", [
        ["L1", "GQ-1", "枸杞", "100.00", "", "paid", "2026-10-05 10:00:00", shop["me"]],
        ["L2", "GQ-1", "枸杞", "50.00", "", "completed", "2026-10-06 11:00:00", shop["me"]],
        ["L3", "PE-2", "=cmd|calc", "80.05", "", "paid", "2026-10-07 12:00:00", shop["anna"]],
        ["L4", "GQ-1", "枸杞", "30.00", "", "paid", "2026-10-08 13:00:00", ""],
        ["L5", "GQ-1", "枸杞", "10.00", "", "cancelled", "2026-10-09 14:00:00", shop["me"]],
    ])


def statement(run, *args):
    return json.loads(run("earnings", "--format", "json", *args).stdout)


def test_statement_for_october(run, shop, tmp_path):
    run("orders", "import", october(tmp_path, shop))
    me = statement(run, "--month", "2026-10")
    assert me["currencies"] == [{
        # L5 is cancelled in the only export that shows it: it never earned, so
        # its 2.00 is neither accrued nor reversed
        "currency": "CNY", "orders": 2, "gmv_fen": 15000, "accrued_fen": 3000, "reversed_fen": 0,
        "adjustments_fen": 0, "estimated_fen": 2000, "confirmed_fen": 1000, "settled_fen": 0, "net_fen": 3000,
    }]
    anna = statement(run, "--month", "2026-10", "--as", "anna")
    assert anna["currencies"][0]["net_fen"] == 1601  # 80.05 × 20 % = 16.01
    everyone = statement(run, "--month", "2026-10", "--all-distributors")
    assert everyone["currencies"][0]["net_fen"] == 4601
    assert everyone["unattributed"] == [{"kind": "shop", "currency": "CNY", "orders": 1, "gmv_fen": 3000}]
    assert everyone["outstanding_fen"] == 4601


def test_statement_text_golden_en_and_zh(run, shop, tmp_path):
    run("orders", "import", october(tmp_path, shop))
    check_golden("statement_2026-10_en.txt", run("earnings", "--month", "2026-10", "--lang", "en", "--by", "share").stdout)
    check_golden("statement_2026-10_zh.txt", run("earnings", "--month", "2026-10", "--lang", "zh", "--all-distributors", "--by", "sku").stdout)
    check_golden("statement_2026-10.md", run("earnings", "--month", "2026-10", "--lang", "en", "--format", "md").stdout)


def test_csv_neutralises_formula_titles(run, shop, tmp_path):
    run("orders", "import", october(tmp_path, shop))
    out = run("earnings", "--month", "2026-10", "--all-distributors", "--by", "sku", "--format", "csv", "--lang", "en").stdout
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["sku", "title", "orders", "GMV", "accrued", "reversed", "net", "estimated", "confirmed", "settled"]
    assert ["PE-2", "'=cmd|calc", "1", "80.05", "16.01", "0.00", "16.01", "16.01", "0.00", "0.00"] in rows


def test_close_freezes_and_late_refund_becomes_next_month_adjustment(run, shop, tmp_path, db):
    run("orders", "import", october(tmp_path, shop))
    before = run("earnings", "--month", "2026-10", "--lang", "en", "--by", "day").stdout
    r = run("earnings", "close", "--month", "2026-10")
    assert r.stderr.startswith("closed 2026-10: 5 order lines frozen\n")
    assert "(closed)" in run("earnings", "--month", "2026-10", "--lang", "en").stdout
    # a later export: L1 fully refunded, L2 settled, L3 partly refunded
    later = orders_file(tmp_path, "later.csv", [
        ["L1", "GQ-1", "枸杞", "100.00", "100.00", "refunded", "2026-10-05 10:00:00", shop["me"]],
        ["L2", "GQ-1", "枸杞", "50.00", "", "settled", "2026-10-06 11:00:00", shop["me"]],
        ["L3", "PE-2", "=cmd|calc", "80.05", "40.00", "paid", "2026-10-07 12:00:00", shop["anna"]],
    ])
    run("orders", "import", later)
    after = run("earnings", "--month", "2026-10", "--lang", "en", "--by", "day").stdout
    assert after == before.replace("(open)", "(closed)")
    run("earnings", "--month", "2026-10", "--verify")
    run("earnings", "--month", "2026-10", "--verify", "--as", "anna")
    nov = statement(run, "--month", "2026-11")
    assert nov["currencies"][0]["adjustments_fen"] == -2000
    assert nov["currencies"][0]["net_fen"] == -2000
    assert nov["adjustments"] == [{
        "orig_period": "2026-10", "platform": "generic", "line_key": "L1", "currency": "CNY",
        "amount_fen": -2000,
        "reason": "2026-10 is closed: late reversal for line L1 (refunded: commission reversed)",
    }]
    anna_nov = statement(run, "--month", "2026-11", "--as", "anna")
    assert anna_nov["currencies"][0]["adjustments_fen"] == -800  # 16.01 → 8.01
    # a breakdown row carrying an adjustment shows it: accrued + reversed + adjustments = net
    by_day = run("earnings", "--month", "2026-11", "--lang", "en", "--by", "day").stdout
    assert "day         orders   GMV  accrued  reversed  adjustments     net  estimated" in by_day
    assert "2026-10-05       0  0.00     0.00      0.00       -20.00  -20.00     -20.00" in by_day
    # exactly once: a re-import books nothing more
    run("orders", "import", later)
    assert statement(run, "--month", "2026-11")["adjustments"] == nov["adjustments"]
    assert db.execute("SELECT count(*) FROM ledger WHERE kind = 'adjustment' AND line_key = 'L1'").fetchone()[0] == 1


def test_verify_catches_drift(run, shop, tmp_path, db):
    run("orders", "import", october(tmp_path, shop))
    run("earnings", "close", "--month", "2026-10")
    db.execute("UPDATE closed_lines SET paid_fen = 1 WHERE line_key = 'L1'")
    db.commit()
    r = run("earnings", "--month", "2026-10", "--verify", code=1)
    assert r.stdout.startswith("currencies: closed ")
    assert "drifted" in r.stderr


def test_ledger_is_append_only(run, shop, tmp_path, db):
    import sqlite3

    run("orders", "import", october(tmp_path, shop))
    with pytest.raises(sqlite3.IntegrityError, match="never edited"):
        db.execute("UPDATE ledger SET amount_fen = 0")
    with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
        db.execute("DELETE FROM ledger")


def test_close_errors(run, shop, tmp_path):
    run("orders", "import", october(tmp_path, shop))
    run("earnings", "close", "--month", "2026-10")
    before = run("earnings", "--month", "2026-10").stdout
    r = run("earnings", "close", "--month", "2026-10", code=1)
    assert r.stderr.startswith("error: 2026-10 is already closed\n")
    assert run("earnings", "--month", "2026-10").stdout == before
    r = run("earnings", "close", "--month", "2026-11", code=1)
    assert r.stderr == (
        "error: 2026-11 is not over yet (this month is 2026-11)\n"
        "hint: close a finished month, or add --force to close it anyway\n"
    )
    run("earnings", "close", "--month", "2026-11", "--force")
    r = run("earnings", "--month", "2026-09", "--verify", code=1)
    assert "2026-09 is not closed" in r.stderr


@pytest.mark.parametrize("month", ["2026-13", "26-11", "2026-1", "November"])
def test_bad_month_is_usage_error(run, month):
    r = run("earnings", "--month", month, code=2)
    assert f"--month {month!r} is not a month" in r.stderr
    assert "YYYY-MM" in r.stderr
    run("earnings", "close", "--month", month, code=2)


def test_usage_errors(run):
    assert "is not one of" in run("earnings", "--by", "colour", code=2).stderr
    run("earnings", "--as", "me", "--all-distributors", code=2)
    run("earnings", "--month", "2026-10", "--from", "2026-09", code=2)
    run("earnings", "--from", "2026-10", "--to", "2026-09", code=2)
    assert "no distributor 'ghost'" in run("earnings", "--as", "ghost", code=1).stderr


def test_payouts_and_negative_balance_carried_forward(run, shop, tmp_path):
    run("orders", "import", october(tmp_path, shop))
    r = run("payouts", "record", "--as", "me", "--month", "2026-10", "--amount", "30.00", "--ref", "alipay-1")
    assert r.stderr == "recorded payout 1: 30.00 to me for 2026-10\n"
    oct_ = statement(run, "--month", "2026-10")
    assert (oct_["paid_out_fen"], oct_["outstanding_fen"]) == (3000, 0)
    run("earnings", "close", "--month", "2026-10")
    run("orders", "import", orders_file(tmp_path, "refund.csv", [
        ["L1", "GQ-1", "枸杞", "100.00", "100.00", "refunded", "2026-10-05 10:00:00", shop["me"]],
    ]))
    nov = statement(run, "--month", "2026-11")
    assert (nov["brought_forward_fen"], nov["currencies"][0]["net_fen"], nov["outstanding_fen"]) == (0, -2000, -2000)
    dec = statement(run, "--month", "2026-12")
    assert dec["brought_forward_fen"] == -2000 and dec["outstanding_fen"] == -2000
    listed = json.loads(run("payouts", "list", "--format", "json").stdout)
    assert listed[0]["amount_fen"] == 3000 and listed[0]["ref"] == "alipay-1"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as", "ghost", "--month", "2026-10", "--amount", "1"], "no distributor 'ghost'"),
        (["--as", "me", "--month", "2026-10", "--amount", "-5"], "--amount must be more than zero"),
        (["--as", "me", "--month", "2026-10", "--amount", "abc"], "--amount: not an amount"),
    ],
)
def test_payout_bad_input(run, db, args, message):
    r = run("payouts", "record", *args, code=1)
    assert message in r.stderr
    assert db.execute("SELECT count(*) FROM payouts").fetchone()[0] == 0


def test_spend_and_roi(run, shop, tmp_path, db):
    run("orders", "import", october(tmp_path, shop))
    run("spend", "add", shop["me"], "10.00", "--date", "2026-10-04", "--note", "粉丝头条")
    run("spend", "add", "--campaign", "双11", "5", "--date", "2026-10-20")
    data = statement(run, "--month", "2026-10", "--by", "share")
    assert (data["spend_fen"], data["net_after_spend_fen"], data["roi"]) == (1500, 1500, "100.0%")
    row = next(r for r in data["breakdown"] if r["label"] == shop["me"])
    assert (row["net_fen"], row["spend_fen"], row["roi"]) == (3000, 1000, "200.0%")
    assert "粉丝头条" in run("spend", "list").stdout
    run("spend", "add", "10", code=2)
    r = run("spend", "add", "wm0000ZZZZ", "1", code=1)
    assert r.stderr.startswith("error: wm0000ZZZZ")
    run("spend", "add", "--", shop["me"], "-1", code=1)
    assert db.execute("SELECT count(*) FROM spend").fetchone()[0] == 2


def test_shares_show_and_list_with_earnings(run, shop, tmp_path):
    run("orders", "import", october(tmp_path, shop))
    run("spend", "add", shop["me"], "10.00", "--date", "2026-10-04")
    shown = run("shares", "show", shop["me"]).stdout
    assert "earnings" in shown and "200.0%" in shown
    listed = json.loads(run("shares", "list", "--with-earnings", "--format", "json").stdout)
    mine = next(s for s in listed if s["code"] == shop["me"])
    assert (mine["orders"], mine["gmv_fen"], mine["commission_fen"], mine["spend_fen"], mine["roi"]) == (
        2, 15000, 3000, 1000, "200.0%",
    )


def test_trend_without_month(run, shop, tmp_path):
    run("orders", "import", october(tmp_path, shop))
    data = statement(run)
    assert data["period"] == "2026-11"
    assert [t["period"] for t in data["trend"]] == ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]
    assert data["trend"][4]["net_fen"] == 3000


# ---- properties -----------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from weimai_cli.ledger.statements import BY, compute  # noqa: E402

STEPS = ["paid", "completed", "settled"]
line_strategy = st.tuples(
    st.integers(min_value=1, max_value=99_999_99),  # paid fen
    st.integers(min_value=0, max_value=3),  # how far it progresses (3 = refunded at the end)
    st.sampled_from(["me", "anna", None]),  # share owner (None: no code)
    st.integers(min_value=1, max_value=28),  # day
    st.sampled_from(["10", "11"]),  # month
)


def _files(tmp_path, lines, codes):
    """Three exports over time: each line appears with its state at that time."""
    files = []
    for step in range(3):
        rows = []
        for i, (paid, final, owner, day, month) in enumerate(lines):
            progress = min(step, final)
            status = "refunded" if final == 3 and step == 2 else STEPS[min(progress, 2)]
            refunded = Decimal(paid) / 100 if status == "refunded" else ""
            rows.append([f"K{i}", "GQ-1", "t", f"{Decimal(paid) / 100:.2f}", f"{refunded:.2f}" if refunded else "",
                         status, f"2026-{month}-{day:02d} 09:00:00", codes[owner] if owner else ""])
        files.append(orders_file(tmp_path, f"f{step}.csv", rows))
    return files


def _fresh(run, home, db):
    for table in ("orders", "order_events", "imports", "ledger_state", "ledger_totals", "ledger_days", "closed_lines", "statements",
                  "closed_periods"):
        db.execute(f"DELETE FROM {table}")
    db.execute("DROP TRIGGER ledger_append_only_delete")
    db.execute("DELETE FROM ledger")
    db.execute(
        "CREATE TRIGGER ledger_append_only_delete BEFORE DELETE ON ledger "
        "BEGIN SELECT RAISE(ABORT, 'ledger entries are never deleted'); END"
    )
    db.commit()


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(line_strategy, min_size=1, max_size=8), st.permutations([0, 1, 2]))
def test_statements_are_exact_add_up_and_do_not_depend_on_import_order(run, home, db, shop, tmp_path, lines, order):
    files = _files(tmp_path, lines, shop)
    results = []
    for sequence in ([0, 1, 2], order, [0, 1, 2, 2, 1]):
        _fresh(run, home, db)
        for i in sequence:
            run("orders", "import", files[i])
        per = {}
        for month in ("2026-10", "2026-11"):
            for who in ("me", "anna", None):
                base = compute(db, months=[month], distributor=who)
                per[(month, who)] = base
                total = base["currencies"][0]
                assert total["estimated_fen"] + total["confirmed_fen"] + total["settled_fen"] == total["net_fen"]
                assert total["accrued_fen"] + total["reversed_fen"] + total["adjustments_fen"] == total["net_fen"]
                for by in BY:
                    rows = compute(db, months=[month], distributor=who, by=by)["breakdown"]
                    for key in ("net_fen", "estimated_fen", "confirmed_fen", "settled_fen", "orders", "gmv_fen",
                                "accrued_fen", "reversed_fen"):
                        assert sum(r[key] for r in rows) == total[key], (by, key)
        results.append(per)
    assert results[0] == results[1] == results[2]
    # money is exact: an independent recomputation from the raw lines, in Decimal
    for month in ("10", "11"):
        expected = Decimal(0)
        for paid, final, owner, _day, m in lines:
            if m == month and owner == "me" and final != 3:
                expected += (Decimal(paid) * Decimal("0.20") / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        got = results[0][(f"2026-{month}", "me")]["currencies"][0]["net_fen"]
        assert Decimal(got) / 100 == expected


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(line_strategy, min_size=1, max_size=6))
def test_closed_month_is_byte_identical_and_adjusted_exactly_once(run, home, db, shop, tmp_path, lines):
    _fresh(run, home, db)
    files = _files(tmp_path, [(p, f, o, d, "10") for p, f, o, d, _ in lines], shop)
    run("orders", "import", files[0])
    run("earnings", "close", "--month", "2026-10")
    frozen = {who: run("earnings", "--month", "2026-10", "--lang", "en", *who).stdout
              for who in (("--as", "me"), ("--all-distributors",))}
    held = statement(run, "--month", "2026-10", "--all-distributors")["currencies"][0]["net_fen"]
    for f in files[1:]:
        run("orders", "import", f)
        run("orders", "import", f)
    for who, text in frozen.items():
        assert run("earnings", "--month", "2026-10", "--lang", "en", *who).stdout == text
        run("earnings", "--month", "2026-10", "--verify", *who)
    nov = statement(run, "--month", "2026-11", "--all-distributors")
    final = sum(
        (Decimal(p) * Decimal("0.20") / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        for p, f, o, _d, _m in lines if o and f != 3
    )
    # what October held plus November's adjustments is what the lines finally earn
    assert Decimal(held + nov["currencies"][0]["adjustments_fen"]) / 100 == final
    keys = [(a["platform"], a["line_key"]) for a in nov["adjustments"]]
    assert len(keys) == len(set(keys))


def test_payout_after_close_keeps_verify_clean_and_warns_when_overpaid(run, shop, tmp_path):
    run("orders", "import", october(tmp_path, shop))
    run("earnings", "close", "--month", "2026-10")
    frozen = statement(run, "--month", "2026-10")
    r = run("payouts", "record", "--month", "2026-10", "--amount", "50")
    assert "warning: me has now been paid 20.00 more than earned up to 2026-10" in r.stderr
    run("earnings", "--month", "2026-10", "--verify")
    now = statement(run, "--month", "2026-10")
    assert (now["paid_out_fen"], now["outstanding_fen"]) == (5000, -2000)
    assert now["currencies"] == frozen["currencies"]


def test_months_close_in_order_and_never_before_they_begin(run, shop, tmp_path):
    run("orders", "import", october(tmp_path, shop))
    r = run("earnings", "close", "--month", "2026-12", "--force", code=1)
    assert r.stderr.startswith("error: 2026-12 has not begun (this month is 2026-11)\n")
    r = run("earnings", "close", "--month", "2026-11", "--force", code=1)
    assert r.stderr == (
        "error: 2026-10 is still open and comes before 2026-11\n"
        "hint: close months in order: `weimai earnings close --month 2026-10` first\n"
    )


def test_cross_sell_through_a_share_is_rated_on_its_own_sku(run, shop, tmp_path, db):
    """A PE-2 order that came through me's GQ-1 share: PE-2's own terms, no false finding."""
    db.execute("UPDATE goods SET commission_bp = 1500 WHERE sku = 'PE-2'")
    db.commit()
    f = tmp_path / "x.csv"
    f.write_text(
        "line_key,sku,paid,status,paid_at,tracking_code,rate\n"
        f"X1,PE-2,100.00,paid,2026-10-05 10:00:00,{shop['me']},15\n",
        encoding="utf-8",
    )
    run("orders", "import", f)
    data = statement(run, "--month", "2026-10")
    assert data["currencies"][0]["net_fen"] == 1500
    assert data["findings"] == []


def test_campaign_spend_stays_out_of_the_share_rows(run, shop, tmp_path):
    run("orders", "import", october(tmp_path, shop))
    r = run("spend", "add", "--campaign", "不存在", "5", "--date", "2026-10-20")
    assert "no share has the campaign '不存在' yet" in r.stderr
    data = statement(run, "--month", "2026-10", "--by", "share")
    assert data["spend_fen"] == 500
    assert all(row["spend_fen"] == 0 for row in data["breakdown"])


def test_breakdown_limit_sums_the_rest_in_one_row(run, shop, tmp_path):
    run("orders", "import", october(tmp_path, shop))
    everyone = statement(run, "--month", "2026-10", "--all-distributors", "--by", "day")
    full = statement(run, "--month", "2026-10", "--all-distributors", "--by", "share", "--limit", "0")
    assert [r["label"] for r in full["breakdown"]] == [shop["me"], shop["anna"], "(no share)"]
    cut = statement(run, "--month", "2026-10", "--all-distributors", "--by", "share", "--limit", "1")
    assert [r["label"] for r in cut["breakdown"]] == [shop["me"], "(2 more)"]
    # a single row left over is shown as itself, never as "(1 more)"
    two = statement(run, "--month", "2026-10", "--all-distributors", "--by", "share", "--limit", "2")
    assert two["breakdown"] == full["breakdown"]
    rest = cut["breakdown"][1]
    assert (rest["key"], rest["more"], rest["orders"], rest["gmv_fen"], rest["net_fen"]) == (None, 2, 2, 11005, 1601)
    for data in (full, cut, everyone):
        for k in ("orders", "gmv_fen", "net_fen", "accrued_fen", "reversed_fen", "estimated_fen"):
            assert sum(r[k] for r in data["breakdown"]) == data["currencies"][0][k], k
    # a day breakdown is a time series: never cut (L5 on the 9th never earned: no row)
    assert [r["key"] for r in everyone["breakdown"]] == ["2026-10-05", "2026-10-06", "2026-10-07", "2026-10-08"]
    text = run("earnings", "--month", "2026-10", "--all-distributors", "--by", "share", "--limit", "1",
               "--lang", "zh").stdout
    assert "（其余 2 项）" in text and "110.05" in text
    assert "--limit" in run("earnings", "--limit", "-1", code=2).stderr


def test_a_line_that_earns_nobody_keeps_no_state_until_it_earns(run, shop, tmp_path, db):
    run("orders", "import", october(tmp_path, shop))
    # L4 is a shop sale through no share: nobody earns, the ledger remembers nothing
    assert dump(db, "SELECT line_key, distributor FROM ledger_state ORDER BY line_key") == [
        ("L1", "me"), ("L2", "me"), ("L3", "anna"), ("L5", "me")]
    again = run("orders", "import", "--json", orders_file(tmp_path, "oct2.csv", [
        ["L4", "GQ-1", "枸杞", "30.00", "", "completed", "2026-10-08 13:00:00", shop["anna"]],
    ]))
    assert json.loads(again.stdout)[0]["ledger_entries"] == 1  # attributed now: anna earns 20 % of 30.00
    assert dump(db, "SELECT distributor, gross_fen FROM ledger_state WHERE line_key = 'L4'") == [("anna", 600)]


def test_a_lines_day_is_its_shanghai_date_like_its_month(run, shop, tmp_path, db):
    # paid at 20:00 in New York on 31 October: 09:00 on 1 November in Shanghai
    run("orders", "import", orders_file(tmp_path, "ny.csv", [
        ["N1", "GQ-1", "枸杞", "100.00", "", "paid", "2026-10-31T20:00:00-05:00", shop["me"]],
    ]))
    assert dump(db, "SELECT month, day FROM orders") == [("2026-11", "2026-11-01")]
    assert dump(db, "SELECT period, day FROM ledger") == [("2026-11", "2026-11-01")]
    rows = statement(run, "--month", "2026-11", "--by", "day")["breakdown"]
    assert [(r["key"], r["orders"], r["net_fen"]) for r in rows] == [("2026-11-01", 1, 2000)]


def _moved_l1(tmp_path, shop):
    # a later export: L1's payment now falls on 2 November (its month moves)
    return orders_file(tmp_path, "moved.csv", [
        ["L1", "GQ-1", "枸杞", "100.00", "", "paid", "2026-11-02 10:00:00", shop["me"]],
    ])


def test_a_line_whose_month_moves_takes_its_commission_along(run, shop, tmp_path, db):
    run("orders", "import", october(tmp_path, shop))
    assert statement(run, "--month", "2026-10")["currencies"][0]["net_fen"] == 3000
    run("orders", "import", _moved_l1(tmp_path, shop))
    oct_, nov = statement(run, "--month", "2026-10"), statement(run, "--month", "2026-11")
    assert (oct_["currencies"][0]["orders"], oct_["currencies"][0]["net_fen"]) == (1, 1000)  # L2 only
    assert (nov["currencies"][0]["orders"], nov["currencies"][0]["net_fen"]) == (1, 2000)  # L1
    assert dump(db, "SELECT period, day, amount_fen, reason FROM ledger WHERE line_key = 'L1' ORDER BY id") == [
        ("2026-10", "2026-10-05", 2000, "paid: commission on 100.00"),
        ("2026-10", "2026-10-05", -2000, "line moved to 2026-11"),
        ("2026-11", "2026-11-02", 2000, "paid: commission on 100.00"),
    ]
    days = statement(run, "--month", "2026-10", "--by", "day")["breakdown"]
    assert [(r["key"], r["orders"], r["net_fen"]) for r in days] == [("2026-10-05", 0, 0), ("2026-10-06", 1, 1000)]


def test_a_line_moved_out_of_a_closed_month_is_adjusted_in_the_next(run, shop, tmp_path, db):
    run("orders", "import", october(tmp_path, shop))
    before = run("earnings", "--month", "2026-10", "--lang", "en").stdout
    run("earnings", "close", "--month", "2026-10")
    run("orders", "import", _moved_l1(tmp_path, shop))
    assert run("earnings", "--month", "2026-10", "--lang", "en").stdout == before.replace("(open)", "(closed)")
    run("earnings", "--month", "2026-10", "--verify")
    nov = statement(run, "--month", "2026-11")
    assert nov["currencies"][0]["adjustments_fen"] == -2000 and nov["currencies"][0]["net_fen"] == 0
    assert nov["adjustments"][0]["reason"] == "2026-10 is closed: late accrual for line L1 (line moved to 2026-11)"


@pytest.mark.parametrize("order", [("early", "late"), ("late", "early")])
def test_commission_never_valid_is_neither_accrued_nor_reversed_in_either_import_order(run, shop, tmp_path, db, order):
    """V1 was paid (early export), then refunded (late export): its 20.00 is
    accrued and reversed. N1 is 已失效 in every export that shows it: it never
    earned, so it shows neither. The same in both import orders."""
    files = {
        "early": orders_file(tmp_path, "early.csv", [
            ["V1", "GQ-1", "枸杞", "100.00", "", "paid", "2026-10-05 10:00:00", shop["me"]],
            ["N1", "GQ-1", "枸杞", "60.00", "", "已失效", "2026-10-06 10:00:00", shop["me"]],
        ]),
        "late": orders_file(tmp_path, "late.csv", [
            ["V1", "GQ-1", "枸杞", "100.00", "100.00", "refunded", "2026-10-05 10:00:00", shop["me"]],
            ["N1", "GQ-1", "枸杞", "60.00", "", "已失效", "2026-10-06 10:00:00", shop["me"]],
            ["N2", "GQ-1", "枸杞", "40.00", "40.00", "refunded", "2026-10-07 10:00:00", shop["me"]],
        ]),
    }
    for name in order:
        run("orders", "import", files[name])
    assert dump(db, "SELECT line_key, status, seen_valid FROM orders ORDER BY line_key") == [
        ("N1", "invalid", 0), ("N2", "refunded", 0), ("V1", "refunded", 1)]
    me = statement(run, "--month", "2026-10")
    assert me["currencies"] == [{
        "currency": "CNY", "orders": 0, "gmv_fen": 0, "accrued_fen": 2000, "reversed_fen": -2000,
        "adjustments_fen": 0, "estimated_fen": 0, "confirmed_fen": 0, "settled_fen": 0, "net_fen": 0,
    }]
    days = statement(run, "--month", "2026-10", "--by", "day")["breakdown"]
    assert [(r["key"], r["accrued_fen"], r["reversed_fen"]) for r in days] == [("2026-10-05", 2000, -2000)]
    assert dump(db, "SELECT DISTINCT line_key FROM ledger") == [("V1",)]
    assert dump(db, "SELECT line_key, gross_fen, reversal_fen FROM ledger_state ORDER BY line_key") == [
        ("N1", 0, 0), ("N2", 0, 0), ("V1", 2000, -2000)]


def test_a_distributors_statement_leaves_out_the_sellers_unattributed_sales(run, shop, tmp_path):
    run("orders", "import", orders_file(tmp_path, "shop.csv", [
        ["A1", "PE-2", "t", "80.00", "", "paid", "2026-10-07 12:00:00", shop["anna"]],
        ["A2", "PE-2", "t", "20.00", "", "completed", "2026-10-08 12:00:00", shop["anna"]],
        ["U1", "GQ-1", "枸杞", "30.00", "", "paid", "2026-10-08 13:00:00", ""],
        ["U2", "GQ-1", "枸杞", "45.50", "", "paid", "2026-10-09 13:00:00", ""],
    ]))
    unattributed = [{"kind": "shop", "currency": "CNY", "orders": 2, "gmv_fen": 7550}]
    anna = statement(run, "--month", "2026-10", "--as", "anna")
    assert anna["unattributed"] == []
    assert (anna["currencies"][0]["orders"], anna["currencies"][0]["gmv_fen"], anna["currencies"][0]["net_fen"]) == (
        2, 10000, 2000)
    text = run("earnings", "--month", "2026-10", "--as", "anna", "--lang", "en").stdout
    assert "unattributed orders\nnone\n" in text and "75.50" not in text
    # the seller's own statement and the all-distributors one list them
    assert statement(run, "--month", "2026-10")["unattributed"] == unattributed
    assert statement(run, "--month", "2026-10", "--all-distributors")["unattributed"] == unattributed
    # and so do the statements frozen when the month is closed
    run("earnings", "close", "--month", "2026-10", "--force")
    assert statement(run, "--month", "2026-10", "--as", "anna")["unattributed"] == []
    run("earnings", "--month", "2026-10", "--verify", "--as", "anna")
    assert statement(run, "--month", "2026-10")["unattributed"] == unattributed


def test_payouts_and_spend_in_a_currency_touch_that_balance_only(run, shop, tmp_path, db):
    f = tmp_path / "usd.csv"
    f.write_text(
        "line_key,sku,paid,currency,status,paid_at,tracking_code\n"
        f"C1,PE-2,80.00,CNY,paid,2026-10-05 10:00:00,{shop['anna']}\n"
        f"D1,PE-2,50.00,USD,paid,2026-10-06 10:00:00,{shop['anna']}\n",
        encoding="utf-8",
    )
    run("orders", "import", f)
    r = run("payouts", "record", "--as", "anna", "--month", "2026-10", "--amount", "4", "--currency", "usd")
    assert r.stderr == "recorded payout 1: 4.00 USD to anna for 2026-10\n"
    r = run("spend", "add", shop["anna"], "3", "--date", "2026-10-07", "--currency", "USD", "--as", "anna")
    assert r.stderr == f"recorded spend 1: 3.00 USD on {shop['anna']} (2026-10-07)\n"
    assert dump(db, "SELECT distributor, amount_fen, currency FROM payouts") == [("anna", 400, "USD")]
    assert dump(db, "SELECT amount_fen, currency FROM spend") == [(300, "USD")]
    oct_ = statement(run, "--month", "2026-10", "--as", "anna")
    assert oct_["balances"] == [
        {"currency": "CNY", "paid_out_fen": 0, "brought_forward_fen": 0, "outstanding_fen": 1600,
         "spend_fen": 0, "net_after_spend_fen": 1600, "roi": None},
        {"currency": "USD", "paid_out_fen": 400, "brought_forward_fen": 0, "outstanding_fen": 600,
         "spend_fen": 300, "net_after_spend_fen": 700, "roi": "233.3%"},
    ]
    # the top-level balance is CNY's, untouched by the USD payout and spend
    assert (oct_["paid_out_fen"], oct_["outstanding_fen"], oct_["spend_fen"]) == (0, 1600, 0)
    text = run("earnings", "--month", "2026-10", "--as", "anna", "--lang", "en").stdout
    assert ("balance brought forward              0.00    0.00\n"
            "paid out                             0.00    4.00\n"
            "outstanding                         16.00    6.00\n"
            "promotion spend                      0.00    3.00\n"
            "net after spend                     16.00    7.00\n"
            "ROI                                        233.3%\n") in text
    row = statement(run, "--month", "2026-10", "--as", "anna", "--by", "share")["breakdown"]
    assert [(b["currency"], b["net_fen"], b["spend_fen"]) for b in row] == [("CNY", 1600, 0), ("USD", 1000, 300)]
    # the next month brings each balance forward in its own currency
    nov = statement(run, "--month", "2026-11", "--as", "anna")
    assert [(b["currency"], b["brought_forward_fen"], b["outstanding_fen"]) for b in nov["balances"]] == [
        ("CNY", 1600, 1600), ("USD", 600, 600)]
    # overpaying the USD balance warns in USD
    r = run("payouts", "record", "--as", "anna", "--month", "2026-10", "--amount", "10", "--currency", "USD")
    assert "warning: anna has now been paid 4.00 USD more than earned up to 2026-10" in r.stderr
    listed = json.loads(run("payouts", "list", "--format", "json").stdout)
    assert [(p["amount_fen"], p["currency"]) for p in listed] == [(400, "USD"), (1000, "USD")]
    assert "USD" in run("spend", "list").stdout
    # a payout after the month is closed is live money flow: the closed statement still verifies
    run("earnings", "close", "--month", "2026-10")
    run("payouts", "record", "--as", "anna", "--month", "2026-10", "--amount", "1", "--currency", "USD")
    run("earnings", "--month", "2026-10", "--verify", "--as", "anna")
    assert statement(run, "--month", "2026-10", "--as", "anna")["balances"][1]["outstanding_fen"] == -500


@pytest.mark.parametrize("cmd", [
    ["payouts", "record", "--as", "me", "--month", "2026-10", "--amount", "1"],
    ["spend", "add", "--campaign", "双11", "1"],
])
@pytest.mark.parametrize("currency", ["US", "usd1", "人民币", ""])
def test_a_bad_currency_is_a_usage_error_and_records_nothing(run, db, cmd, currency):
    r = run(*cmd, "--currency", currency, code=2)
    assert r.stderr == (f"error: --currency {currency!r} is not a currency code\n"
                        "hint: write three letters, e.g. CNY or USD\n")
    assert dump(db, "SELECT (SELECT count(*) FROM payouts), (SELECT count(*) FROM spend)") == [(0, 0)]
