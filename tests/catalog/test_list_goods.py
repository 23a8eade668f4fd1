"""list-goods / goods list: filters, sorting, formats, exact output."""

from __future__ import annotations

import json

import pytest

from tests.conftest import DATA


@pytest.fixture(autouse=True)
def catalogue(run):
    run("goods", "import", DATA / "goods" / "catalogue.csv", DATA / "goods" / "catalogue_en.tsv")
    run("goods", "add", "=EVIL", "--title", "=HYPERLINK(\"http://x\")", "--price", "1", "--rate", "1", "--category", "Tea")


def test_plain_table_is_aligned_with_chinese(run):
    r = run("list-goods", "--category", "茶叶")
    assert r.stdout == (
        "SKU   title            price    rate  commission  category  supplier  stock\n"
        "----  -------------  -------  ------  ----------  --------  --------  -----\n"
        "PE-2  普洱茶饼 357g  1280.00  15.00%      192.00  茶叶      勐海茶厂     30\n"
    )


def test_commission_per_unit_and_sorting(run):
    r = run("list-goods", "--sort", "commission", "--desc", "--format", "tsv")
    assert r.stdout.splitlines() == [
        "SKU\ttitle\tprice\trate\tcommission\tcategory\tsupplier\tstock",
        "PE-2\t普洱茶饼 357g\t1280.00\t15.00%\t192.00\t茶叶\t勐海茶厂\t30",
        "GQ-1\t宁夏枸杞 500g\t59.90\t20.00%\t11.98\t滋补\t红杞店\t100",
        "DM-3\tWuchang Rice 5kg\t69.90\t12.50%\t8.74\t粮油\t五常米业\t800",
        "A-100\tGreen Tea 100g\t12.50\t10.00%\t1.25\tTea\tTea Co\t5",
        "B-200\tBlack Tea 200g\t8.00\t7.50%\t0.60\tTea\tTea Co\t0",
        "'=EVIL\t\"'=HYPERLINK(\"\"http://x\"\")\"\t1.00\t1.00%\t0.01\tTea\t\t",
    ]


@pytest.mark.parametrize(
    ("args", "skus"),
    [
        (["--search", "枸杞"], ["GQ-1"]),
        (["--search", "TEA"], ["A-100", "B-200"]),
        (["--search", "dm-"], ["DM-3"]),
        (["--category", "Tea"], ["=EVIL", "A-100", "B-200"]),
        (["--supplier", "Tea Co"], ["A-100", "B-200"]),
        (["--min-rate", "15"], ["GQ-1", "PE-2"]),
        (["--min-rate", "12.5%"], ["DM-3", "GQ-1", "PE-2"]),
        (["--sort", "price", "--limit", "2"], ["=EVIL", "B-200"]),
        (["--sort", "rate", "--desc", "--limit", "1"], ["GQ-1"]),
        (["--sort", "title"], ["=EVIL", "B-200", "A-100", "DM-3", "GQ-1", "PE-2"]),
    ],
)
def test_filters_quiet_skus(run, args, skus):
    r = run("list-goods", *args, "-q")
    assert r.stdout.splitlines() == skus


def test_archived_hidden_unless_asked(run):
    run("goods", "archive", "GQ-1")
    assert "GQ-1" not in run("list-goods", "-q").stdout.split()
    r = run("goods", "list", "--include-archived", "--search", "GQ", "--format", "json")
    assert json.loads(r.stdout) == [
        {
            "sku": "GQ-1", "title": "宁夏枸杞 500g", "price_fen": 5990, "currency": "CNY", "commission_bp": 2000,
            "unit_commission_fen": 1198, "category": "滋补", "supplier": "红杞店", "stock": 100,
            "status": "archived", "coupon_price_fen": 5990, "platform": None, "monthly_sales": None,
            "coupon_fen": None, "coupon_threshold_fen": None, "coupon_text": None, "coupon_start": None,
            "coupon_end": None, "coupon_total": None, "coupon_remaining": None, "coupon_url": None, "coupon": None,
        }
    ]


def test_json_nl_csv(run):
    r = run("list-goods", "--search", "DM", "--format", "nl")
    assert r.stdout == (
        '{"sku": "DM-3", "title": "Wuchang Rice 5kg", "price_fen": 6990, "currency": "CNY", "commission_bp": 1250, '
        '"unit_commission_fen": 874, "category": "粮油", "supplier": "五常米业", "stock": 800, '
        '"platform": null, "monthly_sales": null, "coupon_fen": null, "coupon_threshold_fen": null, '
        '"coupon_text": null, "coupon_start": null, "coupon_end": null, "coupon_total": null, '
        '"coupon_remaining": null, "coupon_url": null, "coupon_price_fen": 6990, "coupon": null}\n'
    )
    r = run("list-goods", "--search", "EVIL", "--format", "csv")
    assert r.stdout == (
        "SKU,title,price,rate,commission,category,supplier,stock\n"
        "'=EVIL,\"'=HYPERLINK(\"\"http://x\"\")\",1.00,1.00%,0.01,Tea,,\n"
    )
    r = run("list-goods", "--search", "DM", "--format", "md")
    assert r.stdout.splitlines()[2] == "| DM-3 | Wuchang Rice 5kg | 69.90 | 12.50% | 8.74 | 粮油 | 五常米业 | 800 |"


def test_empty_result_says_so_on_stderr(run):
    r = run("list-goods", "--search", "nothing-like-this")
    assert r.stdout == ""
    assert r.stderr == "no goods match\n"


def test_goods_show_with_history(run):
    run("goods", "edit", "GQ-1", "--price", "64.90", "--rate", "22%")
    r = run("goods", "show", "GQ-1")
    assert "price            64.90\n" in r.stdout
    assert r.stdout.endswith(
        "history\n"
        "changed                    price    rate  fixed  status  source\n"
        "-------------------------  -----  ------  -----  ------  -------------\n"
        "2026-11-20T10:00:00+08:00  59.90  20.00%         active  catalogue.csv\n"
        "2026-11-20T10:00:00+08:00  64.90  22.00%         active  edit\n"
    )
    data = json.loads(run("goods", "show", "GQ-1", "--format", "json").stdout)
    assert [h["price_fen"] for h in data["history"]] == [5990, 6490]
    assert data["unit_commission_fen"] == 1428


def test_fixed_commission_wins_over_rate(run):
    run("goods", "edit", "B-200", "--commission", "2.00")
    r = run("list-goods", "--search", "B-200", "--format", "json")
    assert json.loads(r.stdout)[0]["unit_commission_fen"] == 200


def test_rich_table_on_a_terminal(run, monkeypatch):
    monkeypatch.setenv("WEIMAI_FORCE_TERMINAL", "1")
    monkeypatch.setenv("COLUMNS", "120")
    r = run("list-goods", "--search", "枸杞")
    assert "┃ SKU" in r.stdout and "宁夏枸杞 500g" in r.stdout
