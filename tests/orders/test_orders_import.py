"""Order import behaviour: idempotency, updates, duplicates, attribution, CLI,
and every bad-input case of issue 4 (exit 1, file:row:column, database
byte-for-byte unchanged; with --skip-bad the good rows go in)."""

from __future__ import annotations

import csv
import json
import shutil

import pytest

from tests.orders_helpers import (
    ORDERS,
    SECRET,
    add_share,
    db_digest,
    read_events,
    read_orders,
    use_secret,
)
from weimai_cli.sharing.codes import make_code

GENERIC = ["line_key", "order_id", "sku", "title", "quantity", "unit_price", "paid", "status",
           "created_at", "paid_at", "tracking_code", "slot"]


def row(key="L1", qty="1", price="10.00", paid="10.00", status="paid", created="2026-11-01 10:00:00",
        code="", slot="", sku="SKU-1"):
    return [key, "O" + key, sku, "枸杞", qty, price, paid, status, created, created, code, slot]


def write(path, rows, header=GENERIC, encoding="utf-8", delimiter=","):
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, delimiter=delimiter)
        w.writerow(header)
        w.writerows(rows)
    return path


@pytest.fixture
def dbfile(db, home):
    """The migrated database file (with one import done, so it is not empty)."""
    return home / "weimai.db"


def imported(run, *args):
    r = run("orders", "import", "--json", *args)
    return json.loads(r.stdout)


# ---- idempotency and updates -------------------------------------------------------


def test_same_file_twice_changes_nothing(run, db, tmp_path):
    f = write(tmp_path / "o.csv", [row("L1"), row("L2"), row("L3", status="completed")])
    first = imported(run, f)[0]
    assert (first["new"], first["changed"], first["unchanged"]) == (3, 0, 0)
    before = read_orders(db)
    again = imported(run, f)[0]
    assert (again["new"], again["changed"], again["unchanged"]) == (0, 0, 3)
    assert again["same_as_import"] == first["import_id"]
    assert read_orders(db) == before
    shas = [r[0] for r in db.execute("SELECT sha256 FROM imports ORDER BY id")]
    assert len(shas) == 2 and shas[0] == shas[1] and len(shas[0]) == 64
    assert read_events(db) == []


def test_later_export_updates_and_older_is_stale(run, db, tmp_path):
    old = write(tmp_path / "old.csv", [row("L1", status="paid"), row("L2", status="paid")])
    new = write(tmp_path / "new.csv", [row("L1", status="settled"), row("L2", status="paid", paid="8.00")])
    imported(run, old)
    r = imported(run, new)[0]
    assert (r["changed"], r["unchanged"]) == (2, 0)
    events = [(e["line_key"], e["field"], e["old_value"], e["new_value"]) for e in read_events(db)]
    assert ("L1", "status", "paid", "settled") in events
    assert ("L2", "paid_fen", 1000, 800) in events
    # the older file again: L1 would move back from settled, so it is stale and left alone
    r = imported(run, old)[0]
    assert r["stale"] == 1 and r["stale_keys"] == ["L1"]
    assert r["changed"] == 1  # L2's amount is different again: an update, not a status move
    assert db.execute("SELECT status FROM orders WHERE line_key = 'L1'").fetchone()[0] == "settled"


def test_an_older_export_never_lowers_a_refund(run, db, tmp_path):
    header = [*GENERIC, "refunded"]
    old = write(tmp_path / "old.csv", [[*row("L1", paid="100.00"), ""], [*row("L2"), "0.00"]], header=header)
    new = write(tmp_path / "new.csv", [[*row("L1", paid="100.00"), "40.00"], [*row("L2"), "0.00"]], header=header)
    imported(run, new)
    r = imported(run, old)[0]
    assert (r["stale"], r["stale_keys"], r["changed"]) == (1, ["L1"], 0)
    assert "1 stale line(s) left alone (older than what is stored): L1" in run("orders", "import", old).stderr
    # a file without a refunded column says nothing of refunds; a later status still applies
    later = write(tmp_path / "later.csv", [row("L1", paid="100.00", status="settled")])
    assert imported(run, later)[0]["changed"] == 1
    assert tuple(db.execute("SELECT refunded_fen, status FROM orders WHERE line_key = 'L1'").fetchone()) == (4000, "settled")
    events = [(e["line_key"], e["field"], e["old_value"], e["new_value"]) for e in read_events(db)]
    assert events == [("L1", "status", "paid", "settled"), ("L1", "raw_status", "paid", "settled")]


def test_overlapping_exports_never_double_count(run, db, tmp_path):
    a = write(tmp_path / "a.csv", [row("L1"), row("L2")])
    b = write(tmp_path / "b.csv", [row("L2"), row("L3")])
    imported(run, a, b)
    assert tuple(db.execute("SELECT count(*), sum(paid_fen) FROM orders").fetchone()) == (3, 3000)


def test_identical_duplicates_merge(run, db, tmp_path):
    f = write(tmp_path / "o.csv", [row("L1"), row("L2"), row("L1")])
    r = imported(run, f)[0]
    assert (r["rows"], r["new"], r["merged"]) == (3, 2, 1)


def test_conflicting_duplicates_name_both_rows(run, dbfile, tmp_path):
    f = write(tmp_path / "o.csv", [row("L1"), row("L2"), row("L1", paid="11.00")])
    before = db_digest(dbfile)
    r = run("orders", "import", f, code=1)
    assert f"{f}:4: line 'L1' appears twice with different data: rows 2 and 4" in r.stderr
    assert db_digest(dbfile) == before


def test_skip_bad_imports_good_rows_and_writes_rejects(run, db, tmp_path):
    f = write(tmp_path / "o.csv", [
        row("L1"), row("L2", paid="1.234,50"), row("L3", qty="0"), row("L1", paid="11.00"), row("L4"),
    ])
    rej = tmp_path / "rejects.csv"
    r = imported(run, "--skip-bad", "--rejects", rej, f)[0]
    assert (r["new"], r["rejected"]) == (2, 3)
    assert sorted(o["line_key"] for o in read_orders(db)) == ["L1", "L4"]
    lines = list(csv.reader(open(rej, encoding="utf-8-sig")))
    assert lines[0] == ["file", "row", "column", "reason"]
    reasons = {(x[1], x[2]): x[3] for x in lines[1:] if x[3] != "header"}
    assert reasons[("3", "7")] == "paid: not an amount: '1.234,50'"
    assert reasons[("4", "5")] == "quantity: quantity 0 on a sale"
    assert reasons[("5", "")] == "line 'L1' conflicts with row 2 (kept)"


EXISTS_HINT = "hint: add --force to replace it, or choose another file name\n"


def test_rejects_file_is_refused_if_it_exists_unless_force(run, db, dbfile, tmp_path):
    f = write(tmp_path / "o.csv", [row("L1"), row("L2", qty="0")])
    rej = tmp_path / "rejects.csv"
    rej.write_text("my notes\n")
    before = db_digest(dbfile)
    r = run("orders", "import", "--skip-bad", "--rejects", rej, f, code=1)
    assert r.stderr == f"error: {rej}: already exists\n" + EXISTS_HINT
    assert rej.read_text() == "my notes\n" and db_digest(dbfile) == before
    r = imported(run, "--skip-bad", "--rejects", rej, "--force", f)[0]
    assert (r["new"], r["rejected"]) == (1, 1)
    lines = list(csv.reader(open(rej, encoding="utf-8-sig")))
    assert [x[:4] for x in lines] == [["file", "row", "column", "reason"], [str(f), "", "", "header"],
                                      [str(f), "3", "5", "quantity: quantity 0 on a sale"]]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "o.csv", "rejects.csv"]


def test_rejects_path_that_is_a_link_folder_missing_folder_or_dash(run, db, dbfile, tmp_path):
    f = write(tmp_path / "o.csv", [row("L1"), row("L2", qty="0")])
    real = tmp_path / "real.csv"
    real.write_text("keep")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    before = db_digest(dbfile)
    r = run("orders", "import", "--skip-bad", "--rejects", link, "--force", f, code=1)
    assert r.stderr == (f"error: {link}: is a symbolic link; weimai does not write through links, even with "
                        "--force\nhint: name the real file, or remove the link\n")
    r = run("orders", "import", "--skip-bad", "--rejects", tmp_path, f, code=1)
    assert r.stderr == f"error: {tmp_path}: is a folder\nhint: give --rejects a file name in it\n"
    r = run("orders", "import", "--skip-bad", "--rejects", tmp_path / "no" / "r.csv", f, code=1)
    assert r.stderr == f"error: {tmp_path / 'no'}: no such folder\nhint: create the folder first, or choose another --rejects\n"
    r = run("orders", "import", "--skip-bad", "--rejects", "-", f, code=1)
    assert r.stderr == "error: --rejects cannot write to standard output (-)\nhint: give --rejects a file name\n"
    assert real.read_text() == "keep" and db_digest(dbfile) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "link.csv", "o.csv", "real.csv"]


def test_rejects_keep_the_rows_of_the_files_imported_before_an_error(run, db, tmp_path, monkeypatch):
    from weimai_cli.errors import BadInput
    from weimai_cli.orders import importer

    seal, calls = importer.replay.seal, []

    def fails_second(conn, ids):
        calls.append(ids)
        if len(calls) == 2:
            raise BadInput("simulated failure of the second file")
        return seal(conn, ids)

    monkeypatch.setattr(importer.replay, "seal", fails_second)
    a = write(tmp_path / "a.csv", [row("L1"), row("L2", qty="0")])
    b = write(tmp_path / "b.csv", [row("L3"), row("L4", qty="0")])
    rej = tmp_path / "rejects.csv"
    r = run("orders", "import", "--skip-bad", "--rejects", rej, a, b, code=1)
    assert r.stderr.endswith("error: simulated failure of the second file\n")
    assert sorted(o["line_key"] for o in read_orders(db)) == ["L1"]  # a.csv is in, b.csv is not
    lines = list(csv.reader(open(rej, encoding="utf-8-sig")))
    assert [x[:4] for x in lines] == [["file", "row", "column", "reason"], [str(a), "", "", "header"],
                                      [str(a), "3", "5", "quantity: quantity 0 on a sale"]]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.csv", "home", "rejects.csv"]


def test_an_interrupted_import_leaves_no_rejects_file(run, db, dbfile, tmp_path, monkeypatch):
    from weimai_cli.orders import importer

    def killed(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(importer.replay, "seal", killed)
    f = write(tmp_path / "o.csv", [row("L1"), row("L2", qty="0")])
    rej = tmp_path / "rejects.csv"
    rej.write_text("old rejects\n")
    before = db_digest(dbfile)
    r = run("orders", "import", "--skip-bad", "--rejects", rej, "--force", f, code=None)
    assert r.exit_code != 0 and db_digest(dbfile) == before
    assert rej.read_text() == "old rejects\n"  # untouched: no partial file, no temporary file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "o.csv", "rejects.csv"]

def test_rejects_csv_neutralises_formulas(run, db, tmp_path):
    f = write(tmp_path / "o.csv", [
        row("L1"), row("=HYPERLINK(1)", qty="0", sku="+SUM(A1)", slot="-12"),
        row("L3", qty="@x"),
    ], header=[*GENERIC[:3], "=cmd|'/c calc'!A1", *GENERIC[4:]])
    rej = tmp_path / "rejects.csv"
    r = imported(run, "--skip-bad", "--rejects", rej, f)[0]
    assert (r["new"], r["rejected"]) == (1, 2)
    lines = list(csv.reader(open(rej, encoding="utf-8-sig")))
    assert lines[1][:5] == [str(f), "", "", "header", "line_key"]
    assert lines[1][7] == "'=cmd|'/c calc'!A1"
    assert lines[2][:3] == [str(f), "3", "5"]
    assert lines[2][4:8] == ["'=HYPERLINK(1)", "O=HYPERLINK(1)", "'+SUM(A1)", "枸杞"]
    assert lines[2][15] == "-12"  # a number stays a number
    assert lines[3][3] == "quantity: not a whole number: '@x'"
    assert lines[3][8] == "'@x"


def test_skip_bad_needs_rejects(run, tmp_path):
    f = write(tmp_path / "o.csv", [row()])
    r = run("orders", "import", "--skip-bad", f, code=2)
    assert "--skip-bad needs --rejects FILE" in r.stderr


def test_dry_run_writes_nothing(run, dbfile, tmp_path):
    f = write(tmp_path / "o.csv", [row("L1"), row("L2")])
    before = db_digest(dbfile)
    r = imported(run, "--dry-run", f)[0]
    assert (r["new"], r["dry_run"], r["import_id"]) == (2, True, None)
    assert db_digest(dbfile) == before


def test_text_summary(run, tmp_path):
    f = write(tmp_path / "o.csv", [row("L1"), row("L2")])
    r = run("orders", "import", f)
    assert r.stderr == (
        f"imported {f} (generic, csv, utf-8): 2 rows: 2 new, 0 changed, 0 unchanged, 0 stale, "
        "0 rejected; 0 attributed, 2 unattributed\n"
    )
    assert r.stdout == ""


# ---- currency -------------------------------------------------------------------------

AMAZON = ["Category", "Name", "ASIN", "Seller", "Tracking ID", "Date Shipped", "Price", "Items Shipped",
          "Returns", "Revenue", "Ad Fees", "Device Type Group"]


def amazon_row(asin="B00TEAPOT1", seller="Amazon.co.uk", fees="0.80"):
    return ["Kitchen", "Teapot", asin, seller, "mystore-21", "2026-11-10 00:00:00", "19.99", "1", "0",
            "19.99", fees, "PHONE"]


def test_an_amazon_uk_report_is_in_pounds_not_yuan(run, db, tmp_path):
    imported(run, ORDERS / "amazon_uk_earnings_2026-11.tsv")
    imported(run, write(tmp_path / "o.csv", [row("L1", paid="100.00")]))
    assert [tuple(r) for r in db.execute("SELECT platform, currency FROM orders ORDER BY platform")] == [
        ("amazon", "GBP"), ("generic", "CNY")]
    assert db.execute("SELECT count(*) FROM orders WHERE currency IS NULL").fetchone()[0] == 0
    totals = {c["currency"]: (c["orders"], c["net_fen"])
              for c in json.loads(run("earnings", "--month", "2026-11", "--format", "json").stdout)["currencies"]}
    assert totals == {"CNY": (0, 0), "GBP": (1, 80)}  # the 0.80 ad fee counts in GBP only
    lines = {tuple(r) for r in db.execute("SELECT currency, sum(amount_fen) FROM ledger GROUP BY currency")}
    assert lines == {("GBP", 80)}


@pytest.mark.parametrize("reader", ["never", "always"])
def test_a_line_of_unknown_currency_is_an_error(run, db, dbfile, tmp_path, monkeypatch, reader):
    monkeypatch.setenv("WEIMAI_READER_PROCESS", reader)
    # an English header without ($) or the UK's "Direct"; a third-party seller names no store
    f = write(tmp_path / "fee.tsv", [amazon_row(), amazon_row("B00TEAPOT2", "Acme Ltd")], header=AMAZON,
              delimiter="\t")
    before = db_digest(dbfile)
    r = run("orders", "import", f, code=1)
    assert r.stderr.splitlines() == [
        f"error: {f}:3:4: Seller: the currency of this line is not known (the file names none)",
        "hint: use --currency CODE (e.g. --currency GBP for an amazon.co.uk report)"]
    assert db_digest(dbfile) == before
    imported(run, "--currency", "gbp", f)
    assert [tuple(r) for r in db.execute("SELECT sku, currency FROM orders ORDER BY sku")] == [
        ("B00TEAPOT1", "GBP"), ("B00TEAPOT2", "GBP")]


@pytest.mark.parametrize("reader", ["never", "always"])
def test_currency_option_fills_lines_whose_file_names_none(run, db, tmp_path, monkeypatch, reader):
    monkeypatch.setenv("WEIMAI_READER_PROCESS", reader)
    plain = write(tmp_path / "plain.csv", [row("L1"), row("L2")])
    imported(run, "--currency", "USD", plain)
    own = write(tmp_path / "own.csv", [[*row("L3"), "EUR"], [*row("L4"), ""]], header=[*GENERIC, "currency"])
    imported(run, "--currency", "USD", own)  # (the file's own column first, the option fills blanks)
    imported(run, write(tmp_path / "cny.csv", [row("L5")]))
    imported(run, "--currency", "rmb", write(tmp_path / "rmb.csv", [row("L6")]))
    assert [tuple(r) for r in db.execute("SELECT line_key, currency FROM orders ORDER BY line_key")] == [
        ("L1", "USD"), ("L2", "USD"), ("L3", "EUR"), ("L4", "USD"), ("L5", "CNY"), ("L6", "CNY")]


def test_shopify_blank_currency_needs_the_option(run, db, dbfile, tmp_path):
    text = (ORDERS / "shopify_orders_export.csv").read_text(encoding="utf-8")
    header = next(csv.reader([text.splitlines()[0]]))
    col = header.index("Currency")
    rows = list(csv.reader(text.splitlines(keepends=True)))
    rows = [[*r[:col], "", *r[col + 1:]] if i else r for i, r in enumerate(rows)]
    f = write(tmp_path / "shop.csv", rows[1:], header=rows[0])
    before = db_digest(dbfile)
    r = run("orders", "import", f, code=1)
    assert f"error: {f}:2:{col + 1}: Currency: the currency of this line is not known" in r.stderr
    assert db_digest(dbfile) == before
    imported(run, "--currency", "USD", f)
    assert {r[0] for r in db.execute("SELECT currency FROM orders")} == {"USD"}


def test_a_line_whose_currency_is_corrected_takes_its_commission_along(run, db, tmp_path):
    use_secret()
    code = add_share(db, 1, "SKU-1")
    imported(run, write(tmp_path / "a.csv", [row("L1", code=code)]))  # (booked in CNY: 20 % of 10.00)
    imported(run, write(tmp_path / "b.csv", [[*row("L1", code=code), "GBP"]], header=[*GENERIC, "currency"]))
    assert [tuple(r) for r in db.execute(
        "SELECT currency, amount_fen, reason FROM ledger ORDER BY id")] == [
        ("CNY", 200, "paid: commission on 10.00"), ("CNY", -200, "line now in GBP"),
        ("GBP", 200, "paid: commission on 10.00")]
    totals = {c["currency"]: c["net_fen"]
              for c in json.loads(run("earnings", "--month", "2026-11", "--format", "json").stdout)["currencies"]}
    assert totals == {"CNY": 0, "GBP": 200}


@pytest.mark.parametrize("header,currency", [
    (["Category", "Price($)", "Ad Fees($)"], "USD"), (["Category", "Prezzo(€)"], "EUR"),
    (["Categoria", "Data spedizione", "Commissioni pubblicitarie"], "EUR"),  # amazon.it
    (["Category", "Tag", "Orders through product links"], "GBP"),  # the UK's Fee-Orders
    (["Category", "Revenue", "Ad Fees", "Direct"], "GBP"),  # the UK's Fee-Earnings
    (["Category", "Revenue", "Ad Fees"], None),
])
def test_amazon_currency_from_the_header(header, currency):
    from weimai_cli.orders.formats.amazon_earnings import currency as of_header

    assert of_header(header) == currency


@pytest.mark.parametrize("code", ["rmb1", "US", "¥"])
def test_currency_option_must_be_a_code(run, tmp_path, code):
    r = run("orders", "import", "--currency", code, write(tmp_path / "o.csv", [row()]), code=2)
    assert f"--currency {code!r} is not a currency code" in r.stderr


# ---- attribution --------------------------------------------------------------------


def test_code_slot_and_forged_code(run, db, tmp_path):
    use_secret()
    code = add_share(db, 1, "SKU-1", slot="S1")
    add_share(db, 2, "SKU-2", slot="S1")
    forged = code[:-2] + ("0" if code[-2] != "0" else "1") + code[-1]
    f = write(tmp_path / "o.csv", [
        row("L1", code=f"ref={code}"),            # verified code
        row("L2", slot="S1", sku="SKU-2"),         # slot, the SKU picks share 2
        row("L3", slot="S1", sku="SKU-9"),         # two shares on the slot, no SKU match: nothing
        row("L4", code=forged, slot="S1"),         # forged code: never credited, even with a slot
        row("L5", code=make_code(77, SECRET)),     # verifies, but no such share
    ])
    r = run("orders", "import", f)
    assert "2 attributed, 3 unattributed" in r.stderr
    assert "2 line(s) carry a tracking code that does not verify or names no share" in r.stderr
    got = {o["line_key"]: (o["share_id"], o["attribution"]) for o in read_orders(db)}
    assert got == {"L1": (1, "code"), "L2": (2, "slot"), "L3": (None, None), "L4": (None, None),
                   "L5": (None, None)}


def test_attribute_after_late_shares(run, db, tmp_path):
    use_secret()
    f = write(tmp_path / "o.csv", [row("L1", code=make_code(5, SECRET)), row("L2", slot="S9")])
    imported(run, f)
    assert run("orders", "attribute").stderr == "attributed 0 line(s); 2 still unattributed\n"
    add_share(db, 5, "SKU-1")
    add_share(db, 6, "SKU-1", slot="S9")
    assert run("orders", "attribute").stderr == "attributed 2 line(s); 0 still unattributed\n"
    events = [(e["line_key"], e["field"], e["new_value"]) for e in read_events(db)]
    assert events == [("L1", "share_id", 5), ("L2", "share_id", 6)]
    r = run("orders", "list", "--share", make_code(5, SECRET), "--format", "csv")
    assert r.stdout.splitlines()[1].startswith("generic,L1,SKU-1,")


def _break_config(home, how):
    path = home / "config.toml"
    if how == "mode":
        path.chmod(0o644)
    elif how == "toml":
        path.write_text("[codes\nsecret = 'x'\n")
    elif how == "hex":
        path.write_text("[codes]\nsecret = 'not hex'\n")
    elif how == "table":
        path.write_text("codes = 'x'\n")
    elif how == "lost":
        path.unlink()
    elif how == "unreadable":
        path.unlink()
        path.mkdir(mode=0o700)
    return path


CONFIG_PROBLEMS = {
    "mode": "config file mode is 0644; it holds secrets",
    "toml": "not valid TOML",
    "hex": "[codes] secret is not the hex secret weimai wrote",
    "table": "[codes] is not a table",
    "lost": "no tracking-code secret, but the shares were made with one",
    "unreadable": "cannot read the config file (Is a directory)",
}


@pytest.mark.parametrize("reader", ["never", "always"])
@pytest.mark.parametrize("how", list(CONFIG_PROBLEMS))
def test_a_config_that_cannot_be_read_fails_an_import_with_codes(run, db, dbfile, home, tmp_path,
                                                                 monkeypatch, how, reader):
    monkeypatch.setenv("WEIMAI_READER_PROCESS", reader)
    use_secret()
    code = add_share(db, 1, "SKU-1")
    path = _break_config(home, how)
    before = db_digest(dbfile)
    f = write(tmp_path / "o.csv", [row("L1"), row("L2", code=f"ref={code}")])
    r = run("orders", "import", f, code=5)
    assert r.stderr.startswith(f"error: {path}: {CONFIG_PROBLEMS[how]}")
    assert db_digest(dbfile) == before
    # a file without codes does not need the secret
    assert imported(run, write(tmp_path / "p.csv", [row("L3")]))[0]["new"] == 1
    r = run("orders", "attribute", code=5)
    assert CONFIG_PROBLEMS[how] in r.stderr


def test_attribute_verifies_again_codes_a_wrong_secret_rejected(run, db, tmp_path):
    from weimai_cli.config import update_config

    use_secret()
    code = add_share(db, 1, "SKU-1")
    update_config("codes", "secret", bytes(32).hex())  # (a config replaced: another secret)
    f = write(tmp_path / "o.csv", [row("L1", code=f"ref={code.lower()}"), row("L2", code="wm0002ZZZZ")])
    r = run("orders", "import", f)
    assert "2 line(s) carry a tracking code that does not verify" in r.stderr
    assert run("orders", "attribute").stderr == "attributed 0 line(s); 2 still unattributed\n"
    use_secret()  # the config restored
    r = json.loads(run("orders", "attribute", "--json").stdout)
    assert r == {"attributed": 1, "still_unattributed": 1, "ledger_entries": 1, "codes_verified": 1}
    assert db.execute("SELECT sum(amount_fen) FROM ledger").fetchone()[0] == 200  # credited: 20 % of 10.00
    got = {o["line_key"]: (o["tracking_code"], o["code_status"], o["share_id"], o["attribution"])
           for o in read_orders(db)}
    assert got == {"L1": (code, "ok", 1, "code"), "L2": ("wm0002ZZZZ", "checksum", None, None)}
    events = [(e["line_key"], e["field"], e["new_value"]) for e in read_events(db)]
    assert events == [("L1", "share_id", 1)]


def test_as_distributor(run, db, tmp_path):
    r = run("orders", "import", "--as", "bob", ORDERS / "jd_union_2026-11.csv", code=1)
    assert "no distributor 'bob'" in r.stderr
    db.execute("INSERT INTO distributors (handle, name, created_at) VALUES ('bob', 'Bob', 'x')")
    db.commit()
    imported(run, "--as", "bob", ORDERS / "jd_union_2026-11.csv")
    assert {r[0] for r in db.execute("SELECT distributor FROM orders")} == {"bob"}
    r = run("orders", "import", "--as", "bob", "--format", "shopify", ORDERS / "shopify_orders_export.csv", code=2)
    assert "--as applies to affiliate reports" in r.stderr


# ---- mappings, list, show --------------------------------------------------------------


def test_map_and_saved_mapping(run, db):
    maps = ["--map", "订单号=order_id", "--map", "明细号=line_key", "--map", "货号=sku", "--map", "宝贝=title",
            "--map", "件数=quantity", "--map", "实收=paid", "--map", "状态=status", "--map", "下单=created_at"]
    r = run("orders", "mapping", "save", "weidian", *maps, "--platform", "weidian")
    assert r.stderr.startswith("saved mapping weidian: 订单号=order_id")
    res = imported(run, "--mapping", "weidian", ORDERS / "weidian_export.csv")[0]
    assert (res["format"], res["platform"], res["encoding"], res["new"]) == ("generic", "weidian", "gb18030", 2)
    assert [(o["line_key"], o["status"], o["paid_fen"]) for o in read_orders(db)] == [
        ("WD001-A", "paid", 5990), ("WD002-A", "confirmed", 10000)]
    r = run("orders", "import", "--map", "x=nonsense", ORDERS / "weidian_export.csv", code=2)
    assert "unknown field 'nonsense'" in r.stderr
    r = run("orders", "import", "--mapping", "nope", ORDERS / "weidian_export.csv", code=1)
    assert "no saved mapping 'nope'" in r.stderr


def test_list_filters_and_show_history(run, db):
    use_secret()
    add_share(db, 1, "575123456789", slot="111111111")
    run("orders", "import", ORDERS / "taobao_union_2026-11.csv")
    run("orders", "import", ORDERS / "taobao_refund_2026-11.csv")
    r = run("orders", "list", "--status", "refunded", "--format", "json")
    assert [o["line_key"] for o in json.loads(r.stdout)] == ["3301234567890500001"]
    r = run("orders", "list", "--unattributed", "--platform", "taobao", "--format", "tsv")
    assert len(r.stdout.splitlines()) == 1 + 3
    r = run("orders", "list", "--month", "2026-10", code=0)
    assert r.stderr == "no orders match\n"
    r = run("orders", "list", "--month", "2026-13", code=2)
    r = run("orders", "list", "--sku", "575000000002", "--format", "csv")
    assert r.stdout.splitlines()[1].split(",")[:2] == ["taobao", "3301234567890200001"]
    r = run("orders", "show", "3301234567890500001", "--format", "json")
    line = json.loads(r.stdout)
    assert line["status"] == "refunded" and line["refunded_fen"] == 5990
    assert [(h["field"], h["old_value"], h["new_value"]) for h in line["history"]] == [
        ("created", None, "taobao-union"), ("refunded_fen", 0, 5990), ("status", "settled", "refunded"),
        ("refund_status", None, "维权成功")]
    r = run("orders", "show", "nope", code=1)
    assert "no order line 'nope'" in r.stderr


# ---- bad input: exit 1, file:row:column, database unchanged ------------------------------

BAD_CELLS = [
    ("mangled id", {"key": "1.23457E+18"}, "2:1", "id '1.23457E+18' was turned into scientific notation"),
    ("mangled id 2", {"key": "4.31235E+18"}, "2:1", "scientific notation"),
    ("id .0", {"key": "123.0"}, "2:1", "id '123.0' was turned into a number"),
    ("eu money", {"paid": "1.234,50"}, "2:7", "not an amount: '1.234,50'"),
    ("NaN", {"paid": "NaN"}, "2:7", "not an amount: 'NaN'"),
    ("3 decimals", {"paid": "1.005"}, "2:7", "not an amount: '1.005'"),
    ("zero qty", {"qty": "0"}, "2:5", "quantity 0 on a sale"),
    ("negative qty", {"qty": "-1"}, "2:5", "negative number: -1"),
    ("impossible date", {"created": "2026-02-30 10:00:00"}, "2:9", "impossible date/time: '2026-02-30 10:00:00'"),
    ("ambiguous date", {"created": "03/04/2026"}, "2:9", "ambiguous date '03/04/2026'"),
    ("unknown status", {"status": "sort of"}, "2:8", "unknown status 'sort of'"),
]


@pytest.mark.parametrize("case,cells,where,message", BAD_CELLS, ids=[c[0] for c in BAD_CELLS])
def test_bad_cell(case, cells, where, message, run, dbfile, tmp_path):
    f = write(tmp_path / "bad.csv", [row(**cells), row("L2")])
    before = db_digest(dbfile)
    r = run("orders", "import", f, code=1)
    first = r.stderr.splitlines()[0]
    assert first.startswith(f"error: {f}:{where}: ")
    assert message in first
    assert r.stderr.splitlines()[1].startswith("hint: ")
    assert db_digest(dbfile) == before


ABSURD_DATES = [  # (the clock is frozen at 2026-11-20 10:00 +08:00)
    ("1900-01-01 00:00:00", "date 1900-01-01 is before 2000"),
    ("1900-01-01", "date 1900-01-01 is before 2000"),  # (not the column path's shape: row by row)
    ("1999-12-31 23:59:59", "date 1999-12-31 is before 2000"),
    ("2027-11-21 00:00:00", "date 2027-11-21 is more than a year from now (after 2027-11-20)"),
    ("2099-01-01 08:00:00", "date 2099-01-01 is more than a year from now (after 2027-11-20)"),
    ("9999-12-31T23:59:59+00:00", "date 9999-12-31 is more than a year from now (after 2027-11-20)"),
]


@pytest.mark.parametrize("reader", ["never", "always"])
@pytest.mark.parametrize("when,message", ABSURD_DATES, ids=[d[0] for d in ABSURD_DATES])
def test_absurd_dates_are_rejected_unless_allowed(run, db, dbfile, tmp_path, monkeypatch, reader,
                                                  when, message):
    monkeypatch.setenv("WEIMAI_READER_PROCESS", reader)
    rows = [row(f"L{i}") for i in range(1, 60)]
    rows[40][8] = when  # (row 42 of the file; the paid_at column stays fine)
    f = write(tmp_path / "o.csv", rows)
    before = db_digest(dbfile)
    r = run("orders", "import", f, code=1)
    assert r.stderr.splitlines() == [f"error: {f}:42:9: created_at: {message}",
                                      "hint: check the date, or import with --allow-any-date"]
    assert db_digest(dbfile) == before
    r = imported(run, "--allow-any-date", f)[0]
    assert r["new"] == 59
    assert db.execute("SELECT created_at FROM orders WHERE line_key = 'L41'").fetchone()[0][:10] == when[:10]


def test_dates_at_the_bounds_are_accepted(run, db, tmp_path):
    f = write(tmp_path / "o.csv", [row("L1", created="2000-01-01 00:00:00"),
                                   row("L2", created="2027-11-20 23:59:59")])
    assert imported(run, f)[0]["new"] == 2


def test_absurd_date_in_a_row_path_format(run, dbfile, tmp_path):
    text = (ORDERS / "taobao_union_2026-11.csv").read_text(encoding="utf-16")
    header, first = text.splitlines()[:2]
    col = header.split(",").index("创建时间")
    when = first.split(",")[col]
    f = tmp_path / "absurd.csv"
    f.write_text(text.replace(when, "1900-01-01 00:00:00", 1), encoding="utf-16")
    before = db_digest(dbfile)
    r = run("orders", "import", f, code=1)
    assert f"{f}:2:{col + 1}: 创建时间: date 1900-01-01 is before 2000" in r.stderr
    assert db_digest(dbfile) == before


def test_mangled_taobao_id_in_real_header(run, dbfile, tmp_path):
    text = (ORDERS / "taobao_union_2026-11.csv").read_text(encoding="utf-16")
    f = tmp_path / "mangled.csv"
    f.write_text(text.replace("3301234567890800001", "3.30123E+18"), encoding="utf-16")
    before = db_digest(dbfile)
    r = run("orders", "import", f, code=1)
    assert f"{f}:11:28: 淘宝子订单号: id '3.30123E+18' was turned into scientific notation" in r.stderr
    assert db_digest(dbfile) == before


def test_numeric_xlsx_id_over_15_digits(run, dbfile, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(GENERIC)
    ws.append(["L1", "O1", "SKU-1", "t", 1, 10, 10, "paid", "2026-11-01 10:00:00", "", "", ""])
    ws.append([3301234567890123457, "O2", "SKU-1", "t", 1, 10, 10, "paid", "2026-11-01 10:00:00", "", "", ""])
    ws.append([110000000001, "O3", "SKU-1", "t", 1, 10, 10, "paid", "2026-11-01 10:00:00", "", "", ""])
    f = tmp_path / "ids.xlsx"
    wb.save(f)
    before = db_digest(dbfile)
    r = run("orders", "import", f, code=1)
    assert f"{f}:3:1: line_key: id 3301234567890122752 is a number with more than 15 digits" in r.stderr
    assert db_digest(dbfile) == before
    # the exact 12-digit one alone is fine, written as the integer's text
    ws.delete_rows(3)
    wb.save(f)
    run("orders", "import", f)
    assert run("orders", "show", "110000000001", "--format", "json").stdout


def test_missing_required_columns(run, dbfile, tmp_path):
    header = [h for h in (ORDERS / "taobao_union_2026-11.csv").read_text(encoding="utf-16").splitlines()[0].split(",")
              if h != "订单状态"]
    f = write(tmp_path / "t.csv", [], header=header)
    before = db_digest(dbfile)
    r = run("orders", "import", "--format", "taobao-union", f, code=1)
    assert f"{f}:1: missing required column(s) for taobao-union: 订单状态; found: 创建时间, 点击时间" in r.stderr
    r = run("orders", "import", f, code=1)
    assert "no known order format matches this header; closest: taobao-union (missing 订单状态)" in r.stderr
    assert db_digest(dbfile) == before


def test_duplicate_header_and_ragged_row(run, dbfile, tmp_path):
    before = db_digest(dbfile)
    f = write(tmp_path / "dup.csv", [row()], header=[*GENERIC[:-1], "paid"])
    r = run("orders", "import", f, code=1)
    assert f"{f}:1:12: column name 'paid' appears twice (columns 7 and 12)" in r.stderr
    f = write(tmp_path / "ragged.csv", [row("L1"), [*row("L2"), "oops"]])
    r = run("orders", "import", f, code=1)
    assert f"{f}:3:13: row has 13 cells but the header has 12" in r.stderr
    assert db_digest(dbfile) == before


def test_mojibake_header(run, dbfile, tmp_path):
    # UTF-8 bytes of a Chinese header read as GBK (one cell lost to a replacement
    # character, as happens), then saved as GB18030
    good = "淘宝子订单号,商品名称,订单状态,付款金额\n3301,枸杞,已付款,10.00\n"
    garbled = good.encode("utf-8").decode("gb18030", errors="replace")
    f = tmp_path / "moji.csv"
    f.write_bytes(garbled.encode("gb18030"))
    before = db_digest(dbfile)
    r = run("orders", "import", f, code=1)
    assert "the header is mojibake: UTF-8 text that was read or saved as GBK/GB18030" in r.stderr
    f.write_bytes("\ufffd\ufffd,\ufffd\ufffd\ufffd\n1,2\n".encode())
    r = run("orders", "import", f, code=1)
    assert "the header is garbled (mojibake: replacement characters)" in r.stderr
    assert db_digest(dbfile) == before


def test_summary_blank_and_repeated_header_rows(run, db, tmp_path):
    f = write(tmp_path / "o.csv", [row("L1"), GENERIC, row("L2"), ["合计", "", "", "", "2", "", "20.00"],
                                    ["Total"], [""] * 12, []])
    r = run("orders", "import", f)
    assert f"warning: {f}:3: repeated header row skipped" in r.stderr
    assert "2 rows: 2 new" in r.stderr
    assert [o["line_key"] for o in read_orders(db)] == ["L1", "L2"]


@pytest.mark.parametrize("reader", ["never", "always"])
def test_total_row_that_disagrees_warns_with_both_figures(run, db, tmp_path, monkeypatch, reader):
    monkeypatch.setenv("WEIMAI_READER_PROCESS", reader)
    total = ["", "", "", "", "", "", ""]
    f = write(tmp_path / "o.csv", [row("L1"), row("L2", paid="12.50"), ["小计", *total[1:6], "22.50"],
                                    row("L3", paid="5.00"), ["合计", *total[1:6], "30.00"],
                                    ["总计", *total[1:6], "27.50"]])
    r = run("orders", "import", f)
    warnings = [ln for ln in r.stderr.splitlines() if ln.startswith("warning:")]
    assert warnings == [
        f"warning: {f}:6: the total row says paid 30.00, but the lines since row 4 add up to 5.00 "
        "(all above it: 27.50)"
    ]
    assert "3 rows: 3 new" in r.stderr
    assert [(o["line_key"], o["paid_fen"]) for o in read_orders(db)] == [("L1", 1000), ("L2", 1250), ("L3", 500)]
    again = run("orders", "import", f)  # the same file again (replayed): the same warning
    assert [ln for ln in again.stderr.splitlines() if ln.startswith("warning:")] == warnings


def test_first_total_row_that_disagrees_names_the_sum_above(run, db, tmp_path):
    f = write(tmp_path / "o.csv", [row("L1"), row("L2"), ["合计", "", "", "", "2", "", "¥19.00"]])
    r = imported(run, f)[0]
    assert r["warnings"] == [f"{f}:4: the total row says paid 19.00, but the lines above it add up to 20.00"]
    assert r["new"] == 2


@pytest.mark.parametrize("kind", ["empty", "blank", "binary", "truncated", "directory"])
def test_unreadable_files(kind, run, dbfile, tmp_path):
    f = tmp_path / "x.csv"
    if kind == "empty":
        f.write_bytes(b"")
        msg = "the file is empty"
    elif kind == "blank":
        f.write_bytes(b"\xef\xbb\xbf\r\n\r\n")
        msg = "the file is empty"
    elif kind == "binary":
        f.write_bytes(bytes(range(256)) * 4)
        msg = "this is a binary file, not a table"
    elif kind == "truncated":
        data = (ORDERS / "taobao_union_2026-11.xlsx").read_bytes()
        f = tmp_path / "t.xlsx"
        f.write_bytes(data[: len(data) // 2])
        msg = "the spreadsheet/zip file is truncated or damaged"
    else:
        f = tmp_path / "folder"
        f.mkdir()
        msg = "is a directory, not a file"
    before = db_digest(dbfile)
    r = run("orders", "import", f, code=1)
    assert r.stderr.startswith(f"error: {f}: {msg}")
    assert db_digest(dbfile) == before


def test_xlsx_renamed_to_csv_is_read_by_content(run, db, tmp_path):
    f = tmp_path / "really-xlsx.csv"
    shutil.copy(ORDERS / "taobao_union_2026-11.xlsx", f)
    r = imported(run, f)[0]
    assert (r["container"], r["format"], r["new"]) == ("xlsx", "taobao-union", 9)


def test_one_bad_file_leaves_the_others(run, db, tmp_path):
    good = write(tmp_path / "good.csv", [row("L1")])
    bad = write(tmp_path / "bad.csv", [row("L2", paid="x")])
    run("orders", "import", good, bad, code=1)
    assert [o["line_key"] for o in read_orders(db)] == ["L1"]


def test_gb18030_and_utf16(run, db):
    r = imported(run, ORDERS / "taobao_union_2026-11-later.csv", ORDERS / "taobao_union_2026-11.csv")
    assert [(x["encoding"], x["new"]) for x in r] == [("gb18030", 9), ("utf-16", 0)]
    assert db.execute("SELECT title FROM orders WHERE line_key = '3301234567890200001'").fetchone()[0] == \
        "西湖龙井 明前特级 250g"


# ---- encodings: one per file (issue 11, items 3 and 20) ---------------------------------

MIXED = "one file in two encodings (tried UTF-8 and GB18030)"


def refused(run, dbfile, f) -> list[str]:
    """The error lines of an import that must change nothing."""
    before = db_digest(dbfile)
    r = run("orders", "import", f, code=1)
    assert db_digest(dbfile) == before
    return r.stderr.splitlines()


def encoded_rows(rows, encoding):
    """CSV lines (no header) in one encoding."""
    return "".join(",".join(r) + "\n" for r in rows).encode(encoding)


def mixed_file(path, parts):
    """A generic order CSV whose row groups are in different encodings: [(rows, encoding), …]."""
    path.write_bytes(b",".join(h.encode() for h in GENERIC) + b"\n"
                     + b"".join(encoded_rows(rows, enc) for rows, enc in parts))
    return path


@pytest.mark.parametrize("first, then, what", [
    ("utf-8", "gbk", "this line is not UTF-8 but the lines above it are"),
    ("gbk", "utf-8", "this line is UTF-8 but the lines above it are GB18030/GBK"),
])
@pytest.mark.parametrize("reader", ["never", "always"])
@pytest.mark.parametrize("filler", [0, 12000])  # rows before the other encoding: 12000 take it past the sniffed MiB
def test_rows_in_a_second_encoding_are_an_error(run, dbfile, tmp_path, monkeypatch, reader, filler,
                                                first, then, what):
    monkeypatch.setenv("WEIMAI_READER_PROCESS", reader)
    rows = [row(f"A{i}") for i in range(filler + 1)]
    f = mixed_file(tmp_path / "mixed.csv", [(rows, first), ([row("B1", sku="西湖龙井")], then),
                                            ([row("A-last")], first)])
    assert refused(run, dbfile, f) == [
        f"error: {f}:{filler + 3}: {what}: {MIXED}",
        "hint: save the whole file in one encoding (UTF-8) and import it again",
    ]


def test_gbk_row_in_a_utf8_file_with_bom_is_an_error(run, dbfile, tmp_path):
    f = mixed_file(tmp_path / "bom.csv", [([row("A1")], "utf-8"), ([row("B1")], "gbk")])
    f.write_bytes(b"\xef\xbb\xbf" + f.read_bytes())
    assert refused(run, dbfile, f)[0] == f"error: {f}:3: this line is not UTF-8 but the lines above it are: {MIXED}"

def test_gbk_headers_of_every_format_are_not_taken_for_utf8(tmp_path):
    """Genuine GBK files import: no format's header (nor its status words), in
    GBK, looks like UTF-8 text to the mixed-encoding check."""
    from weimai_cli.orders import formats as fmts
    from weimai_cli.tables.encodings import _detect_encoding, _utf8_line

    for fmt in fmts.all_formats():
        names = [n for names in fmt.columns.values() for n in names]
        words = list(fmt.statuses)
        for line in (",".join(names), ",".join(words), *names, *words):
            try:
                data = (line + "\n" + line + "\n").encode("gbk")
            except UnicodeEncodeError:
                continue
            assert _utf8_line(data) is None, (fmt.name, line)
            try:  # (a few short words in GBK are valid UTF-8 as they stand: not this check's)
                data.decode("utf-8")
            except UnicodeDecodeError:
                assert _detect_encoding(data, "x.csv") == "gb18030", (fmt.name, line)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_read(run, db, tmp_path, encoding):
    f = write(tmp_path / "o.csv", [row("L1", sku="枸杞-1"), row("L2")], encoding=encoding)
    assert not f.read_bytes().startswith((b"\xff\xfe", b"\xfe\xff"))
    r = imported(run, f)[0]
    assert (r["encoding"], r["new"]) == (encoding, 2)
    assert [(o["line_key"], o["sku"], o["title"]) for o in read_orders(db)] == [
        ("L1", "枸杞-1", "枸杞"), ("L2", "SKU-1", "枸杞")]


# ---- XLSX formulas without a saved value (issue 11, item 4) -------------------------------


def formula_workbook(path, cached: str | None = None):
    """L1 paid 10.00; L2's paid a formula (saved with ``cached`` as its value, or none, as
    openpyxl leaves it); a 合计 row whose formula has no value either (skipped)."""
    import zipfile

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(GENERIC)
    ws.append(row("L1"))
    ws.append(row("L2"))
    ws["G3"] = "=G2*2"
    ws.append(["合计"])
    ws["G4"] = "=SUM(G2:G3)"
    wb.save(path)
    if cached is not None:  # as Excel saves it: the formula and its value
        with zipfile.ZipFile(path) as zf:
            parts = {n: zf.read(n) for n in zf.namelist()}
        sheet = parts["xl/worksheets/sheet1.xml"].decode()
        parts["xl/worksheets/sheet1.xml"] = sheet.replace(
            "<f>G2*2</f><v />", f"<f>G2*2</f><v>{cached}</v>", 1).encode()
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for n, data in parts.items():
                zf.writestr(n, data)
    return path


def test_xlsx_amount_formula_without_saved_value_is_an_error(run, dbfile, tmp_path):
    f = formula_workbook(tmp_path / "formulas.xlsx")
    assert refused(run, dbfile, f) == [
        f"error: {f}:3:7: paid: cell G3 holds a formula with no saved value",
        "hint: open and save the file in Excel, or export values",
    ]


def test_xlsx_amount_formula_with_saved_value_imports(run, db, tmp_path):
    f = formula_workbook(tmp_path / "formulas.xlsx", cached="20")
    r = imported(run, f)[0]
    assert (r["new"], r["warnings"]) == (2, [])  # (the 合计 row's formula has no value: skipped as a total)
    assert [(o["line_key"], o["paid_fen"]) for o in read_orders(db)] == [("L1", 1000), ("L2", 2000)]


# ---- hostile files: caps on what a file may unpack or hold (issue 11, item 11) -------------


def zipped(path, members: dict[str, bytes]):
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def csv_bytes(rows) -> bytes:
    return (",".join(GENERIC) + "\n" + "".join(",".join(r) + "\n" for r in rows)).encode()


HINT = "hint: a real export never gets there: check the file (download it again)"


def test_zip_member_over_the_size_cap(run, dbfile, tmp_path, monkeypatch):
    data = csv_bytes([row(f"L{i}") for i in range(2000)])
    f = zipped(tmp_path / "report.zip", {"orders.csv": data})
    monkeypatch.setenv("WEIMAI_MAX_UNCOMPRESSED", "50000")
    assert refused(run, dbfile, f) == [
        f"error: {f}!orders.csv: unpacks to {len(data):,} bytes, over the cap of 50,000 bytes "
        "(WEIMAI_MAX_UNCOMPRESSED)", HINT]
    monkeypatch.setenv("WEIMAI_MAX_UNCOMPRESSED", "a lot")
    assert refused(run, dbfile, f)[0] == "error: WEIMAI_MAX_UNCOMPRESSED='a lot' is not a byte count"


def test_zip_bomb_is_refused_by_its_ratio_before_it_is_read(run, dbfile, tmp_path, monkeypatch):
    import zipfile

    f = zipped(tmp_path / "bomb.zip", {"orders.csv": csv_bytes([row()]) + b"\n" * (4 << 20)})
    ratio = (lambda i: i.file_size // i.compress_size)(zipfile.ZipFile(f).getinfo("orders.csv"))

    def never(*args, **kwargs):
        raise AssertionError("a member was opened")

    monkeypatch.setattr(zipfile.ZipFile, "open", never)
    assert refused(run, dbfile, f) == [
        f"error: {f}!orders.csv: unpacks {ratio:,} times its packed size, over the cap of 100:1 (a zip bomb?)",
        HINT]


@pytest.mark.parametrize("reader", ["never", "always"])
def test_zip_member_larger_than_it_says_is_refused(run, dbfile, tmp_path, monkeypatch, reader):
    """A member whose directory entry says it is small and is not: never a traceback."""
    import struct

    monkeypatch.setenv("WEIMAI_READER_PROCESS", reader)
    data = csv_bytes([row(f"L{i}") for i in range(3000)])
    f = zipped(tmp_path / "lying.zip", {"orders.csv": data})
    packed = f.read_bytes()
    assert packed.count(struct.pack("<I", len(data))) == 2  # (the local header's and the directory's)
    f.write_bytes(packed.replace(struct.pack("<I", len(data)), struct.pack("<I", 5000)))
    assert refused(run, dbfile, f) == [
        f"error: {f}!orders.csv: the zip file is damaged (Bad CRC-32 for file 'orders.csv')",
        "hint: download or export it again"]


@pytest.mark.parametrize("reader", ["never", "always"])
@pytest.mark.parametrize("zip_it", [False, True])
def test_a_line_over_the_cap_is_refused_unread(run, dbfile, tmp_path, monkeypatch, reader, zip_it):
    from weimai_cli.tables import caps

    monkeypatch.setenv("WEIMAI_READER_PROCESS", reader)
    monkeypatch.setattr(caps, "MAX_LINE", 100_000)
    data = csv_bytes([row("L1")]) + b"L2," + b"9" * 300_000 + b"\n" + csv_bytes([row("L3")])
    f = tmp_path / "long.csv"
    f.write_bytes(data)
    where = str(f)
    if zip_it:
        f, where = zipped(tmp_path / "long.zip", {"long.csv": data}), f"{tmp_path / 'long.zip'}!long.csv"
    assert refused(run, dbfile, f) == [
        f"error: {where}:3: a line longer than 100,000 bytes (the cap): this is not a table export", HINT]


def test_a_csv_cell_over_the_cap_is_refused(run, dbfile, tmp_path, monkeypatch):
    from weimai_cli.tables import caps

    monkeypatch.setattr(caps, "MAX_CELL", 1000)
    f = tmp_path / "cell.csv"
    f.write_bytes(csv_bytes([row("L1"), row("L2", sku='"' + "x\n" * 600 + '"')]))
    assert refused(run, dbfile, f) == [
        f"error: {f}:503: a cell longer than 1,000 characters (the cap): this is not a table export", HINT]


def tiny_xlsx(path, rows: list[list[str]], extra_strings=()):
    """A minimal XLSX written by hand: every cell a shared string (openpyxl writes inline ones)."""
    from xml.sax.saxutils import escape

    strings = [*dict.fromkeys(v for r in rows for v in r), *extra_strings]
    index = {s: i for i, s in enumerate(strings)}
    cells = "".join(
        f'<row r="{n}">' + "".join(f'<c r="{chr(65 + j)}{n}" t="s"><v>{index[v]}</v></c>' for j, v in enumerate(r))
        + "</row>" for n, r in enumerate(rows, start=1))
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    return zipped(path, {
        "[Content_Types].xml": (
            b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            b'<Default Extension="xml" ContentType="application/xml"/>'
            b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            b'spreadsheetml.sheet.main+xml"/>'
            b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            b'officedocument.spreadsheetml.worksheet+xml"/>'
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
            b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>').encode(),
        "xl/workbook.xml": (
            f'<workbook {ns} xmlns:r="{rel}"><sheets><sheet name="Orders" sheetId="1" r:id="rId1"/>'
            '</sheets></workbook>').encode(),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
            '</Relationships>').encode(),
        "xl/worksheets/sheet1.xml": f"<worksheet {ns}><sheetData>{cells}</sheetData></worksheet>".encode(),
        "xl/sharedStrings.xml": (
            f'<sst {ns} count="{len(strings)}" uniqueCount="{len(strings)}">'
            + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings) + "</sst>").encode(),
    })


def test_xlsx_within_the_caps_imports(run, db, tmp_path):
    f = tiny_xlsx(tmp_path / "ok.xlsx", [GENERIC, row("L1"), row("L2")])
    r = imported(run, f)[0]
    assert (r["container"], r["new"]) == ("xlsx", 2)


def test_xlsx_shared_strings_over_the_count_cap(run, dbfile, tmp_path, monkeypatch):
    from weimai_cli.tables import caps

    monkeypatch.setattr(caps, "MAX_SHARED_STRINGS", 20)
    f = tiny_xlsx(tmp_path / "many.xlsx", [GENERIC, row("L1")], extra_strings=[f"s{i}" for i in range(10)])
    assert refused(run, dbfile, f) == [
        f"error: {f}!xl/sharedStrings.xml: holds more than 20 shared strings (the cap)", HINT]


def test_xlsx_shared_string_over_the_length_cap(run, dbfile, tmp_path, monkeypatch):
    from weimai_cli.tables import caps

    monkeypatch.setattr(caps, "MAX_XML_CELL", 10_000)
    f = tiny_xlsx(tmp_path / "long.xlsx", [GENERIC, row("L1", sku="x" * 50_000)])
    assert refused(run, dbfile, f) == [
        f"error: {f}!xl/sharedStrings.xml: one cell's text is longer than 10,000 bytes (the cap)", HINT]


def test_xlsx_part_over_the_size_cap(run, dbfile, tmp_path, monkeypatch):
    import zipfile

    f = tiny_xlsx(tmp_path / "big.xlsx", [GENERIC, *(row(f"L{i}") for i in range(100))])
    size = zipfile.ZipFile(f).getinfo("xl/worksheets/sheet1.xml").file_size
    monkeypatch.setenv("WEIMAI_MAX_UNCOMPRESSED", "5000")
    assert refused(run, dbfile, f) == [
        f"error: {f}!xl/worksheets/sheet1.xml: unpacks to {size:,} bytes, over the cap of 5,000 bytes "
        "(WEIMAI_MAX_UNCOMPRESSED)", HINT]


def test_demo_imports_the_sample_exports(run, tmp_path):
    r = run("demo", "--home", tmp_path / "demo")
    assert "$ weimai orders import <demo_taobao_union.csv>" in r.stdout
    assert "$ weimai orders import <demo_amazon_earnings.csv>" in r.stdout
    assert "3401234567890000004" in r.stdout
