"""Every bad-input case of the foundation issue: a clear one-line error, exit code, nothing written."""

from __future__ import annotations

import hashlib
import shutil

import pytest

from tests.conftest import DATA


def db_fingerprint(home) -> str:
    """Content of every table, so 'unchanged' means unchanged rows, not just counts."""
    from weimai_cli.db.store import connect

    conn = connect(home / "weimai.db")
    h = hashlib.sha256()
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"):
        for row in sorted(repr(tuple(r)) for r in conn.execute(f"SELECT * FROM [{name}]")):
            h.update(row.encode())
    conn.close()
    return h.hexdigest()


@pytest.fixture
def loaded(run, home):
    run("goods", "import", DATA / "goods" / "catalogue.csv")
    return db_fingerprint(home)


def write(tmp_path, name, text, encoding="utf-8"):
    f = tmp_path / name
    f.write_bytes(text.encode(encoding))
    return f


def one_error(result) -> tuple[str, str]:
    lines = result.stderr.splitlines()
    assert "Traceback" not in result.stderr
    assert len(lines) == 2, lines
    assert lines[0].startswith("error: ") and lines[1].startswith("hint: ")
    return lines[0], lines[1]


def test_missing_required_columns_names_missing_and_found(run, home, loaded, tmp_path):
    f = write(tmp_path, "nocols.csv", "商品编码,库存,颜色\nA,1,red\n")
    r = run("goods", "import", f, code=1)
    err, hint = one_error(r)
    assert err == f"error: {f}:1: missing required column(s): title, price; found: 商品编码, 库存, 颜色"
    assert db_fingerprint(home) == loaded


@pytest.mark.parametrize(
    ("price", "reason"),
    [
        ("abc", "not an amount: 'abc'"),
        ("-3", "negative amount: '-3'"),
        ("1.234.5", "not an amount: '1.234.5'"),
        ("12,5", "not an amount: '12,5'"),
        ("1.005", "not an amount: '1.005'"),
    ],
)
def test_bad_price_names_file_row_column(run, home, loaded, tmp_path, price, reason):
    f = write(tmp_path, "bad.csv", f'sku,title,price\nGQ-1,changed,1.00\nZ-9,z,"{price}"\n')
    r = run("goods", "import", f, code=1)
    err, hint = one_error(r)
    assert err == f"error: {f}:3:3: price: {reason}"
    assert "12.50" in hint
    # the good row before it was not written either
    assert db_fingerprint(home) == loaded


def test_bad_rate_and_stock(run, home, loaded, tmp_path):
    f = write(tmp_path, "rate.csv", "sku,title,price,rate\nA,a,1,12.345%\n")
    err, _ = one_error(run("goods", "import", f, code=1))
    assert err == f"error: {f}:2:4: rate: rate finer than 0.01 %: '12.345%'"
    f = write(tmp_path, "stock.csv", "sku,title,price,stock\nA,a,1,many\n")
    err, _ = one_error(run("goods", "import", f, code=1))
    assert err == f"error: {f}:2:4: stock: not a whole number: 'many'"
    assert db_fingerprint(home) == loaded


def test_conflicting_duplicate_sku_names_both_rows(run, home, loaded, tmp_path):
    f = write(tmp_path, "dup.csv", "sku,title,price\nA,a,1\nB,b,2\nA,a,1.50\n")
    err, hint = one_error(run("goods", "import", f, code=1))
    assert err == f"error: {f}:4: SKU 'A' appears again with different data (first in row 2)"
    assert db_fingerprint(home) == loaded


@pytest.mark.parametrize("mangled", ["1.23457E+18", "6.90123E+12", "6901234567890.0"])
def test_excel_mangled_sku_says_reexport_as_text(run, home, loaded, tmp_path, mangled):
    f = write(tmp_path, "mangled.csv", f"sku,title,price\n{mangled},a,1\n")
    err, _ = one_error(run("goods", "import", f, code=1))
    assert err.startswith(f"error: {f}:2:1: sku: id '{mangled}' was turned into")
    assert err.endswith("re-export ids as text")
    assert db_fingerprint(home) == loaded


def test_xlsx_number_sku_over_15_digits_is_an_error(run, home, loaded, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["sku", "title", "price"])
    wb.active.append([1234567890123456789, "too long", 1])
    wb.save(tmp_path / "long.xlsx")
    err, _ = one_error(run("goods", "import", tmp_path / "long.xlsx", code=1))
    assert "more than 15 digits" in err and err.startswith(f"error: {tmp_path / 'long.xlsx'}:2:1: sku:")
    assert db_fingerprint(home) == loaded


def test_empty_file(run, home, loaded, tmp_path):
    f = write(tmp_path, "empty.csv", "")
    err, _ = one_error(run("goods", "import", f, code=1))
    assert err == f"error: {f}: the file is empty"
    f = write(tmp_path, "blank.csv", "\ufeff\n\n")
    err, _ = one_error(run("goods", "import", f, code=1))
    assert err == f"error: {f}: the file is empty"
    assert db_fingerprint(home) == loaded


def test_header_only_file_imports_nothing(run, home, loaded, tmp_path):
    f = write(tmp_path, "header.csv", "sku,title,price\n")
    r = run("goods", "import", f)
    assert r.stderr.endswith("0 rows: 0 added, 0 changed, 0 unchanged, 0 archived\n")


def test_binary_file(run, home, loaded, tmp_path):
    f = tmp_path / "photo.csv"
    f.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    err, hint = one_error(run("goods", "import", f, code=1))
    assert err == f"error: {f}: this is a binary file, not a table"
    assert hint == "hint: give a CSV, TSV, XLSX, XLS or JSON export"
    assert db_fingerprint(home) == loaded


def test_truncated_xlsx(run, home, loaded, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["sku", "title", "price"])
    wb.save(tmp_path / "full.xlsx")
    data = (tmp_path / "full.xlsx").read_bytes()
    f = tmp_path / "cut.xlsx"
    f.write_bytes(data[: len(data) // 2])
    err, _ = one_error(run("goods", "import", f, code=1))
    assert err == f"error: {f}: the spreadsheet/zip file is truncated or damaged"
    assert db_fingerprint(home) == loaded


def test_missing_file(run, tmp_path):
    err, _ = one_error(run("goods", "import", tmp_path / "nope.csv", code=1))
    assert err == f"error: {tmp_path / 'nope.csv'}: no such file"


def test_db_path_is_a_directory_exit_5(run, tmp_path):
    d = tmp_path / "adir"
    d.mkdir()
    err, hint = one_error(run("--db", d, "list-goods", code=5))
    assert err == f"error: {d}: is a directory, not a database file"


def test_db_path_not_a_database_exit_5(run, tmp_path):
    f = tmp_path / "notes.db"
    f.write_text("just some text, not sqlite\n")
    err, hint = one_error(run("--db", f, "list-goods", code=5))
    assert err == f"error: {f}: is not a SQLite database"
    assert f.read_text() == "just some text, not sqlite\n"


def test_weimai_db_env_points_elsewhere(run, tmp_path, monkeypatch):
    target = tmp_path / "other.db"
    monkeypatch.setenv("WEIMAI_DB", str(target))
    assert run("db", "path").stdout == f"{target}\n"
    run("goods", "add", "E-1", "--title", "env", "--price", "1")
    assert target.exists()


def test_goods_add_errors(run, home, tmp_path):
    run("goods", "add", "A", "--title", "a", "--price", "1")
    err, _ = one_error(run("goods", "add", "A", "--title", "a", "--price", "1", code=1))
    assert err == "error: SKU 'A' already exists"
    err, _ = one_error(run("goods", "add", "B", "--title", "b", "--price", "1,2", code=1))
    assert err == "error: --price: not an amount: '1,2'"
    err, _ = one_error(run("goods", "add", "C", "--price", "1", code=1))
    assert err == "error: --title is required"
    run("goods", "add", "NX-GQ-500", "--title", "枸杞", "--price", "59.9")
    err, hint = one_error(run("goods", "show", "nx-gq-50", code=1))
    assert err == "error: no goods with SKU 'nx-gq-50'"
    assert hint == "hint: did you mean NX-GQ-500?"
    err, _ = one_error(run("goods", "edit", "A", code=1))
    assert err == "error: nothing to change"


def test_usage_errors_exit_2(run):
    r = run("list-goods", "--sort", "colour", code=2)
    assert "error: --sort 'colour' is not one of" in r.stderr
    run("list-goods", "--format", "xml", code=2)


def test_xlsx_with_wrong_extension_copy(run, tmp_path):
    """An XLSX saved as .txt is still read by content."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["sku", "title", "price"])
    wb.active.append(["T-1", "t", 2])
    wb.save(tmp_path / "a.xlsx")
    shutil.copy(tmp_path / "a.xlsx", tmp_path / "a.txt")
    run("goods", "import", tmp_path / "a.txt")


@pytest.mark.parametrize("value", ["US$", "dollar", "12", "人民币", "U S"])
def test_bad_currency_names_file_row_column(run, home, loaded, tmp_path, value):
    f = write(tmp_path, "cur.csv", f"sku,title,price,currency\nA,x,1,USD\nB,y,2,{value}\n")
    err, hint = one_error(run("goods", "import", f, code=1))
    assert err == f"error: {f}:3:4: currency: not a currency code: {value!r}"
    assert hint == "hint: write a three-letter currency code such as CNY, USD or EUR"
    assert db_fingerprint(home) == loaded


def test_bad_currency_option(run, home, loaded):
    """A bad --currency is a usage error (exit 2), as for orders import, payouts and spend."""
    err, hint = one_error(run("goods", "add", "X-1", "--title", "x", "--price", "1", "--currency", "$", code=2))
    assert err == "error: --currency '$' is not a currency code"
    assert hint == "hint: write three letters, e.g. CNY or USD"
    err, _ = one_error(run("goods", "edit", "GQ-1", "--currency", "usdollar", code=2))
    assert err == "error: --currency 'usdollar' is not a currency code"
    assert db_fingerprint(home) == loaded


def test_mixed_encodings_and_utf16_without_bom(run, home, loaded, tmp_path):
    f = tmp_path / "mixed.csv"
    f.write_bytes("sku,title,price\nA1,西湖龙井,10\n".encode() + "A2,枸杞,12\n".encode("gbk"))
    err, hint = one_error(run("goods", "import", f, code=1))
    assert err == (f"error: {f}:3: this line is not UTF-8 but the lines above it are: "
                   "one file in two encodings (tried UTF-8 and GB18030)")
    assert hint == "hint: save the whole file in one encoding (UTF-8) and import it again"
    assert db_fingerprint(home) == loaded
    f = write(tmp_path, "utf16.csv", "sku,title,price\nA1,西湖龙井,10\n", encoding="utf-16-le")
    assert "imported" in run("goods", "import", f).stderr
    assert db_fingerprint(home) != loaded


def test_long_line_is_refused(run, home, loaded, tmp_path, monkeypatch):
    from weimai_cli.tables import caps

    monkeypatch.setattr(caps, "MAX_LINE", 100_000)
    f = write(tmp_path, "long.csv", "sku,title,price\nA1," + "x" * 300_000 + ",10\n")
    err, _ = one_error(run("goods", "import", f, code=1))
    assert err == f"error: {f}:2: a line longer than 100,000 bytes (the cap): this is not a table export"
    assert db_fingerprint(home) == loaded
