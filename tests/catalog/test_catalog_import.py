"""goods import: containers, encodings, aliases, upserts, history, summaries."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.conftest import DATA, dump

GOODS = DATA / "goods"


def goods_rows(db):
    return dump(db, "SELECT sku, title, price_fen, commission_bp, supplier, category, stock, status FROM goods ORDER BY sku")


def test_import_utf8_csv_with_chinese_headers_and_money_shapes(run, db):
    r = run("goods", "import", GOODS / "catalogue.csv")
    assert r.stderr.endswith("3 rows: 3 added, 0 changed, 0 unchanged, 0 archived\n")
    assert "(csv, utf-8)" in r.stderr
    assert goods_rows(db) == [
        ("DM-3", "Wuchang Rice 5kg", 6990, 1250, "五常米业", "粮油", 800, "active"),
        ("GQ-1", "宁夏枸杞 500g", 5990, 2000, "红杞店", "滋补", 100, "active"),
        ("PE-2", "普洱茶饼 357g", 128000, 1500, "勐海茶厂", "茶叶", 30, "active"),
    ]
    # every new item gets a first history snapshot
    assert dump(db, "SELECT sku, price_fen, commission_bp, source FROM goods_history ORDER BY id") == [
        ("GQ-1", 5990, 2000, "catalogue.csv"),
        ("PE-2", 128000, 1500, "catalogue.csv"),
        ("DM-3", 6990, 1250, "catalogue.csv"),
    ]


def test_english_tsv_aliases_and_unknown_column_warning(run, db):
    r = run("goods", "import", GOODS / "catalogue_en.tsv")
    assert "warning: " in r.stderr and "ignoring unknown column 'Colour'" in r.stderr
    assert "(tsv, utf-8)" in r.stderr
    assert dump(db, "SELECT sku, price_fen, commission_bp, url, image_url, stock, tags FROM goods ORDER BY sku") == [
        ("A-100", 1250, 1000, "https://shop.example.com/a100", "https://img.example.com/a.jpg", 5, "tea,green"),
        ("B-200", 800, 750, "https://shop.example.com/b200", None, 0, None),
    ]


def test_json_array_and_json_lines(run, db):
    run("goods", "import", GOODS / "catalogue.json", GOODS / "catalogue.jsonl")
    assert dump(db, "SELECT sku, typeof(sku), price_fen, commission_bp FROM goods ORDER BY sku") == [
        ("6901234567890", "text", 550, 1000),
        ("J-1", "text", 9900, 1800),
        ("L-1", "text", 2590, 2200),
        ("L-2", "text", 3500, 2000),
    ]


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig"])
def test_encodings_detected(run, db, tmp_path, encoding):
    text = (GOODS / "catalogue.csv").read_text(encoding="utf-8").replace("¥", "￥")
    f = tmp_path / f"goods-{encoding}.csv"
    f.write_bytes(text.encode(encoding))
    r = run("goods", "import", f)
    shown = {"gbk": "gb18030", "gb18030": "gb18030", "utf-8-sig": "utf-8-sig"}[encoding]
    assert f"(csv, {shown})" in r.stderr
    assert goods_rows(db)[1] == ("GQ-1", "宁夏枸杞 500g", 5990, 2000, "红杞店", "滋补", 100, "active")


def _xlsx(path, rows):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_xlsx_numeric_sku_cells_are_exact_text(run, db, tmp_path):
    f = _xlsx(
        tmp_path / "supplier.xlsx",
        [
            ["供应商商品目录 2026-11"],  # a title line above the header
            ["商品编码", "商品名称", "售价", "佣金比例", "库存"],
            [6901234567890, "条码商品", 12.5, 10, 7],
            ["X-1", "文字编码", "¥3.00", "12.5%", None],
        ],
    )
    r = run("goods", "import", f)
    assert "(xlsx)" in r.stderr
    assert dump(db, "SELECT sku, typeof(sku), title, price_fen, commission_bp, stock FROM goods ORDER BY sku") == [
        ("6901234567890", "text", "条码商品", 1250, 1000, 7),
        ("X-1", "text", "文字编码", 300, 1250, None),
    ]


def test_xlsx_renamed_to_csv_is_read_as_xlsx(run, db, tmp_path):
    f = _xlsx(tmp_path / "real.xlsx", [["sku", "title", "price"], ["R-1", "renamed", 1]])
    renamed = tmp_path / "looks-like.csv"
    shutil.copy(f, renamed)
    r = run("goods", "import", renamed)
    assert "(xlsx)" in r.stderr
    assert dump(db, "SELECT sku, price_fen FROM goods") == [("R-1", 100)]


def test_reimport_is_unchanged_and_changes_are_history(run, db, tmp_path):
    run("goods", "import", GOODS / "catalogue.csv")
    r = run("goods", "import", GOODS / "catalogue.csv")
    assert r.stderr.endswith("3 rows: 0 added, 0 changed, 3 unchanged, 0 archived\n")
    changed = tmp_path / "changed.csv"
    changed.write_text(
        "sku,title,price,rate,status\n"
        "GQ-1,宁夏枸杞 500g,64.90,22%,active\n"
        "PE-2,普洱茶饼 357g,1280,15,下架\n"
        "NEW-1,新品,1,1,\n",
        encoding="utf-8",
    )
    r = run("goods", "import", changed, "--json")
    summary = json.loads(r.stdout)[0]
    assert {k: summary[k] for k in ("rows", "added", "changed", "unchanged", "archived")} == {
        "rows": 3, "added": 1, "changed": 2, "unchanged": 0, "archived": 1,
    }
    assert dump(db, "SELECT sku, price_fen, commission_bp, status, source FROM goods_history WHERE sku IN ('GQ-1','PE-2') ORDER BY id") == [
        ("GQ-1", 5990, 2000, "active", "catalogue.csv"),
        ("PE-2", 128000, 1500, "active", "catalogue.csv"),
        ("GQ-1", 6490, 2200, "active", "changed.csv"),
        ("PE-2", 128000, 1500, "archived", "changed.csv"),
    ]
    # columns absent from a file are left alone
    assert dump(db, "SELECT supplier, stock FROM goods WHERE sku = 'GQ-1'") == [("红杞店", 100)]


def test_dry_run_writes_nothing(run, db):
    r = run("goods", "import", "--dry-run", GOODS / "catalogue.csv")
    assert r.stderr.startswith("would import")
    assert "3 added" in r.stderr
    assert dump(db, "SELECT count(*) FROM goods") == [(0,)]
    assert dump(db, "SELECT count(*) FROM goods_history") == [(0,)]


def test_archive_missing(run, db, tmp_path):
    run("goods", "import", GOODS / "catalogue.csv")
    f = tmp_path / "only-one.csv"
    f.write_text("sku,title,price\nGQ-1,宁夏枸杞 500g,59.90\n", encoding="utf-8")
    # the goods came from catalogue.csv: this file, named as that source, archives them
    r = run("goods", "import", "--archive-missing", "--source", "catalogue.csv", f)
    assert r.stderr.endswith(": 1 row: 0 added, 0 changed, 1 unchanged, 2 archived\n")
    assert dump(db, "SELECT sku, status FROM goods ORDER BY sku") == [
        ("DM-3", "archived"), ("GQ-1", "active"), ("PE-2", "archived"),
    ]


def test_archive_missing_touches_only_goods_of_the_same_source(run, db, tmp_path):
    run("goods", "import", GOODS / "catalogue.csv")  # GQ-1, PE-2, DM-3 from catalogue.csv
    run("goods", "add", "HAND-1", "--title", "手工茶", "--price", "10")
    other = tmp_path / "other.csv"
    other.write_text("sku,title,price\nOT-1,其他,5\nOT-2,其他二,6\n", encoding="utf-8")
    run("goods", "import", other)
    # other.csv again without OT-2: only OT-2 goes; catalogue.csv's and the hand-added stay
    other.write_text("sku,title,price\nOT-1,其他,5\n", encoding="utf-8")
    r = run("goods", "import", "--archive-missing", other)
    assert r.stderr.endswith(": 1 row: 0 added, 0 changed, 1 unchanged, 1 archived\n")
    assert dump(db, "SELECT sku, status, source FROM goods ORDER BY sku") == [
        ("DM-3", "active", "catalogue.csv"), ("GQ-1", "active", "catalogue.csv"), ("HAND-1", "active", "add"),
        ("OT-1", "active", "other.csv"), ("OT-2", "archived", "other.csv"), ("PE-2", "active", "catalogue.csv"),
    ]
    # a --source names the source whatever the file is called
    monthly = tmp_path / "supplier-2026-12.csv"
    monthly.write_text("sku,title,price\nGQ-1,宁夏枸杞 500g,59.90\nDM-3,Wuchang Rice 5kg,69.90\n", encoding="utf-8")
    r = run("goods", "import", "--archive-missing", "--source", "catalogue.csv", monthly)
    assert r.stderr.endswith(": 2 rows: 0 added, 0 changed, 2 unchanged, 1 archived\n")
    assert dump(db, "SELECT sku FROM goods WHERE status = 'archived' ORDER BY sku") == [("OT-2",), ("PE-2",)]


def test_archived_goods_listed_again_come_back_and_move_to_the_listing_source(run, db, tmp_path):
    a = tmp_path / "a.csv"
    a.write_text("sku,title,price\nX-1,甲,5\n", encoding="utf-8")
    run("goods", "import", a)
    run("goods", "archive", "X-1")
    b = tmp_path / "b.csv"
    b.write_text("sku,title,price\nX-1,甲,5\nY-1,乙,6\n", encoding="utf-8")
    run("goods", "import", b)
    assert dump(db, "SELECT sku, status, source FROM goods ORDER BY sku") == [
        ("X-1", "active", "b.csv"), ("Y-1", "active", "b.csv")]
    # an active item of another source is updated but stays that source's
    a.write_text("sku,title,price\nY-1,乙,7\n", encoding="utf-8")
    run("goods", "import", a)
    assert dump(db, "SELECT sku, price_fen, source FROM goods WHERE sku = 'Y-1'") == [("Y-1", 700, "b.csv")]


@pytest.mark.parametrize("source", ["add", "edit", "archive", "feed:sup", " "])
def test_reserved_import_source_refused(run, db, source):
    before = dump(db, "SELECT * FROM goods")
    r = run("goods", "import", "--source", source, GOODS / "catalogue.csv", code=1)
    assert r.stderr.startswith(f"error: --source {source.strip()!r} is not allowed\n")
    assert dump(db, "SELECT * FROM goods") == before == []


def test_source_with_archive_missing_takes_one_file(run, db):
    r = run("goods", "import", "--source", "sup", "--archive-missing",
            GOODS / "catalogue.csv", GOODS / "catalogue_en.tsv", code=2)
    assert r.stderr == (
        "error: --archive-missing with --source takes one file\n"
        "hint: import the files one at a time, or join them into one file\n"
    )
    assert dump(db, "SELECT count(*) FROM goods") == [(0,)]


def test_identical_duplicate_rows_are_merged(run, db, tmp_path):
    f = tmp_path / "dup.csv"
    f.write_text("sku,title,price\nA,x,1\nA,x,1.00\nB,y,2\n", encoding="utf-8")
    r = run("goods", "import", f)
    assert "3 rows: 2 added" in r.stderr
    assert dump(db, "SELECT sku, price_fen FROM goods ORDER BY sku") == [("A", 100), ("B", 200)]


def test_many_files_each_its_own_summary(run, db):
    r = run("goods", "import", GOODS / "catalogue.csv", GOODS / "catalogue_en.tsv", "--json")
    data = json.loads(r.stdout)
    assert [(d["container"], d["added"]) for d in data] == [("csv", 3), ("tsv", 2)]


def test_currency_column_and_option(run, db, tmp_path):
    f = tmp_path / "amazon.csv"
    f.write_text("sku,title,price,币种\nAMZ-1,Coffee,34.99,usd\nAMZ-2,Tea,12.00,\nAMZ-3,Rice,8.00,RMB\n", encoding="utf-8")
    run("goods", "import", f)
    run("goods", "add", "EU-1", "--title", "Wine", "--price", "20", "--currency", " eur ")
    run("goods", "add", "CN-1", "--title", "茶", "--price", "20")
    assert dump(db, "SELECT sku, price_fen, currency FROM goods ORDER BY sku") == [
        ("AMZ-1", 3499, "USD"), ("AMZ-2", 1200, "CNY"), ("AMZ-3", 800, "CNY"), ("CN-1", 2000, "CNY"),
        ("EU-1", 2000, "EUR")]
    assert dump(db, "SELECT sku, currency FROM goods_history WHERE sku IN ('AMZ-1', 'EU-1') ORDER BY id") == [
        ("AMZ-1", "USD"), ("EU-1", "EUR")]
    # a file without the column leaves the currency alone; a change of currency is history
    f.write_text("sku,title,price\nAMZ-1,Coffee,34.99\n", encoding="utf-8")
    run("goods", "import", f)
    run("goods", "edit", "AMZ-1", "--currency", "GBP")
    assert dump(db, "SELECT price_fen, currency, source FROM goods_history WHERE sku = 'AMZ-1' ORDER BY id") == [
        (3499, "USD", "amazon.csv"), (3499, "GBP", "edit")]


def test_list_goods_and_show_in_the_goods_currency(run, db):
    run("goods", "add", "AMZ-1", "--title", "Coffee", "--price", "34.99", "--rate", "4%", "--currency", "USD")
    run("goods", "add", "CN-1", "--title", "茶", "--price", "20", "--rate", "10%")
    assert run("list-goods").stdout == (
        "SKU    title   price  cur    rate  commission  category  supplier  stock\n"
        "-----  ------  -----  ---  ------  ----------  --------  --------  -----\n"
        "AMZ-1  Coffee  34.99  USD   4.00%        1.40\n"
        "CN-1   茶      20.00  CNY  10.00%        2.00\n"
    )
    assert [(g["sku"], g["currency"]) for g in json.loads(run("list-goods", "--format", "json").stdout)] == [
        ("AMZ-1", "USD"), ("CN-1", "CNY")]
    # CNY only: no cur column in the text formats, as before
    assert "cur" not in run("list-goods", "--search", "CN", "--format", "csv").stdout
    r = run("goods", "show", "AMZ-1")
    assert "price            34.99 USD\n" in r.stdout and "commission/unit  1.40 USD\n" in r.stdout
    assert "source           add\n" in r.stdout
    assert r.stdout.endswith(
        "changed                    price  cur   rate  fixed  status  source\n"
        "-------------------------  -----  ---  -----  -----  ------  ------\n"
        "2026-11-20T10:00:00+08:00  34.99  USD  4.00%         active  add\n"
    )
    assert "price            20.00\n" in run("goods", "show", "CN-1").stdout
