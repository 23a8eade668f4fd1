"""The funnel from clicks (issue 15): clicks, orders / clicks and commission per
click in `shares list --with-earnings`, `shares show` and `earnings --by share`.
Clicks are inserted as `weimai clicks sync` stores them (share_clicks)."""

from __future__ import annotations

import json

import pytest

from tests.ledger.test_earnings import october
from tests.orders_helpers import add_share, use_secret
from weimai_cli.ledger.funnel import click_ratios


@pytest.fixture
def shop(db):
    """As test_earnings' shop (me: GQ-1, anna: PE-2, 20 %), and a third share of
    mine that is clicked and never sells."""
    use_secret()
    codes = {
        "me": add_share(db, 1, "GQ-1"),
        "anna": add_share(db, 2, "PE-2", distributor="anna"),
        "idle": add_share(db, 3, "GQ-1", created_at="2026-10-02T00:00:00+08:00"),
    }
    db.execute("UPDATE goods SET commission_bp = 2000")
    db.commit()
    return codes


def clicks(db, rows):
    db.executemany(
        "INSERT INTO share_clicks (share_id, day, clicks, source, synced_at) "
        "VALUES (?, ?, ?, 'shlink', '2026-11-20T10:00:00+08:00')", rows)
    db.commit()


# me: 7 in October, 3 in November, 5 in September; idle: 4 in October; anna: none
CLICKS = [(1, "2026-09-30", 5), (1, "2026-10-01", 3), (1, "2026-10-31", 4), (1, "2026-11-01", 3),
          (3, "2026-10-15", 4)]


@pytest.mark.parametrize(("clicks_", "orders", "fen", "bp", "per"), [
    (8, 1, 3000, 1250, 375),
    (3, 1, 1000, 3333, 333),  # 33.333 % → 33.33 %, 3.333 → 3.33
    (6, 1, 5, 1667, 1),  # 16.667 % → 16.67 %, 0.833 fen → 1 fen
    (2, 0, 5, 0, 3),  # half a fen rounds up
    (2, 0, -5, 0, -3),  # and away from zero when reversals exceed
    (1, 3, 300, 30000, 300),  # more orders than clicks (a 淘口令): past 100 %
    (0, 2, 3000, None, None),  # no clicks: blank
    (None, 0, 0, None, None),
])
def test_click_ratios_round_half_up(clicks_, orders, fen, bp, per):
    assert click_ratios(clicks_, orders, fen) == {"conversion_bp": bp, "commission_per_click_fen": per}


def test_shares_list_with_earnings_counts_every_click(run, db, shop, tmp_path):
    run("orders", "import", october(tmp_path, shop))
    clicks(db, CLICKS)
    out = run("shares", "list", "--with-earnings", "--format", "json").stdout
    got = {s["code"]: (s["clicks"], s["orders"], s["conversion_bp"], s["commission_fen"],
                       s["commission_per_click_fen"]) for s in json.loads(out)}
    assert got == {
        shop["me"]: (15, 2, 1333, 3000, 200),  # all time: 5 + 3 + 4 + 3
        shop["anna"]: (0, 1, None, 1601, None),
        shop["idle"]: (4, 0, 0, 0, 0),
    }
    table = run("shares", "list", "--with-earnings").stdout.splitlines()
    assert table[0].split() == [
        "code", "created", "SKU", "title", "as", "channel", "campaign", "price", "rate", "clicks", "orders",
        "conversion", "GMV", "commission", "per", "click", "reversed", "spend", "net", "after", "spend", "ROI"]
    assert [line[line.index("20.00%"):] for line in table[2:]] == [
        "20.00%      15       2      13.33%  150.00       30.00       2.00      0.00   0.00            30.00",
        "20.00%       0       1               80.05       16.01                 0.00   0.00            16.01",
        "20.00%       4       0       0.00%    0.00        0.00       0.00      0.00   0.00             0.00",
    ]
    csv = run("shares", "list", "--with-earnings", "--format", "csv").stdout.splitlines()
    assert csv[0] == ("code,created,SKU,title,as,channel,campaign,price,rate,clicks,orders,conversion,GMV,"
                      "commission,per click,reversed,spend,net after spend,ROI")
    assert csv[1].endswith(",20.00%,15,2,13.33%,150.00,30.00,2.00,0.00,0.00,30.00,")
    assert csv[2].endswith(",20.00%,0,1,,80.05,16.01,,0.00,0.00,16.01,")
    zh = run("--lang", "zh", "shares", "list", "--with-earnings").stdout.splitlines()[0].split()
    assert zh[9:12] == ["点击", "订单", "转化率"] and "每次点击佣金" in zh


def test_since_until_pick_shares_not_clicks(run, db, shop, tmp_path):
    """--since/--until choose the shares by when they were made; their funnel stays all-time."""
    clicks(db, CLICKS)
    data = json.loads(run("shares", "list", "--with-earnings", "--since", "2026-10-02", "-f", "json").stdout)
    assert [(s["code"], s["clicks"]) for s in data] == [(shop["idle"], 4)]


def test_shares_show_has_the_clicks(run, db, shop):
    clicks(db, CLICKS)
    out = run("shares", "show", shop["idle"]).stdout
    assert out.endswith(
        "earnings\n"
        "clicks  orders  conversion   GMV  commission  per click  reversed  spend  net after spend  ROI\n"
        "------  ------  ----------  ----  ----------  ---------  --------  -----  ---------------  ---\n"
        "     4       0       0.00%  0.00        0.00       0.00      0.00   0.00             0.00\n"
    )
    data = json.loads(run("shares", "show", shop["idle"], "-f", "json").stdout)
    assert data["sections"]["earnings"][0]["clicks"] == 4
    # nothing at all: the section says so, in both languages
    assert "earnings: no clicks, orders or spend yet" in run("shares", "show", shop["anna"]).stderr
    assert "还没有点击、订单或推广花费" in run("--lang", "zh", "shares", "show", shop["anna"]).stderr


BY_SHARE_EN = """\
by share
share       clicks  orders  conversion     GMV  accrued  reversed    net  per click  estimated  confirmed  settled
----------  ------  ------  ----------  ------  -------  --------  -----  ---------  ---------  ---------  -------
wm0001M9Q9       7       2      28.57%  150.00    30.00      0.00  30.00       4.29      20.00      10.00     0.00
"""

BY_SHARE_ZH = """\
按分享
分享        点击  订单  转化率  成交额   计提  冲回  净佣金  每次点击佣金   预估  已收货  已结算
----------  ----  ----  ------  ------  -----  ----  ------  ------------  -----  ------  ------
wm0001M9Q9     7     2  28.57%  150.00  30.00  0.00   30.00          4.29  20.00   10.00    0.00
"""


def test_earnings_by_share_counts_the_period_s_clicks(run, db, shop, tmp_path):
    """October's clicks only: 2026-09-30 and 2026-11-01 are outside it."""
    run("orders", "import", october(tmp_path, shop))
    clicks(db, CLICKS)
    data = json.loads(run("earnings", "--month", "2026-10", "--by", "share", "--format", "json").stdout)
    (row,) = data["breakdown"]
    assert (row["label"], row["clicks"], row["orders"], row["conversion_bp"], row["net_fen"],
            row["commission_per_click_fen"]) == (shop["me"], 7, 2, 2857, 3000, 429)
    assert BY_SHARE_EN in run("earnings", "--month", "2026-10", "--by", "share", "--lang", "en").stdout
    assert BY_SHARE_ZH in run("earnings", "--month", "2026-10", "--by", "share", "--lang", "zh").stdout
    assert run("earnings", "--month", "2026-10", "--by", "share", "--format", "csv").stdout == (
        "share,clicks,orders,conversion,GMV,accrued,reversed,net,per click,estimated,confirmed,settled\n"
        "wm0001M9Q9,7,2,28.57%,150.00,30.00,0.00,30.00,4.29,20.00,10.00,0.00\n"
    )


def test_earnings_by_share_over_months_and_without_clicks(run, db, shop, tmp_path):
    run("orders", "import", october(tmp_path, shop))
    clicks(db, CLICKS)
    md = run("earnings", "--from", "2026-09", "--to", "2026-11", "--by", "share", "--all-distributors",
             "--format", "md", "--lang", "en").stdout
    assert (
        "| share | clicks | orders | conversion | GMV | accrued | reversed | net | per click | estimated | confirmed "
        "| settled |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
        "| wm0001M9Q9 | 15 | 2 | 13.33% | 150.00 | 30.00 | 0.00 | 30.00 | 2.00 | 20.00 | 10.00 | 0.00 |\n"
        "| wm0002D1R6 | 0 | 1 |  | 80.05 | 16.01 | 0.00 | 16.01 |  | 16.01 | 0.00 | 0.00 |\n"
        "| (no share) |  | 1 |  | 30.00 | 0.00 | 0.00 | 0.00 |  | 0.00 | 0.00 | 0.00 |\n"
    ) in md
    rows = json.loads(run("earnings", "--month", "2026-10", "--by", "share", "--all-distributors",
                          "-f", "json").stdout)["breakdown"]
    assert [(r["label"], r["clicks"], r["conversion_bp"], r["commission_per_click_fen"]) for r in rows] == [
        (shop["me"], 7, 2857, 429), (shop["anna"], 0, None, None), ("(no share)", None, None, None)]
    # other breakdowns have no clicks
    assert "clicks" not in json.loads(run("earnings", "--month", "2026-10", "--by", "sku", "-f", "json").stdout)[
        "breakdown"][0]


def test_the_rest_row_sums_its_shares_clicks(run, db, shop, tmp_path):
    run("orders", "import", october(tmp_path, shop))
    clicks(db, CLICKS)
    rows = json.loads(run("earnings", "--month", "2026-10", "--by", "share", "--all-distributors", "--limit", "1",
                          "-f", "json").stdout)["breakdown"]
    assert [(r["label"], r["clicks"], r["orders"], r["conversion_bp"]) for r in rows] == [
        (shop["me"], 7, 2, 2857), ("(2 more)", 0, 2, None)]


def test_clicks_of_many_shares_reads_the_days_once(db, shop):
    from weimai_cli.ledger.funnel import clicks_of

    clicks(db, CLICKS)
    many = [1, 3, *range(100, 2200)]  # past the chunked path's limit
    assert clicks_of(db, many, "2026-10-01", "2026-10-31") == {1: 7, 3: 4}
    assert clicks_of(db, [1, 3], "2026-10-01", "2026-10-31") == {1: 7, 3: 4}
    assert clicks_of(db, [2], None, None) == {}
    assert clicks_of(db) == {1: 15, 3: 4}
