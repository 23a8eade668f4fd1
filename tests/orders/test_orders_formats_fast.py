"""The platform formats' fast paths store what their plain paths store.

* Shopify's column-wise path (grouped rows, the last order of a batch carried
  into the next) against its row path, on random exports with bad cells,
  orders across batches and --skip-bad;
* the helpers the readers use (line numbers of a text chunk, a line's month)
  against the straightforward computation.
"""

from __future__ import annotations

import csv
import json
import random
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.orders_helpers import (
    ORDERS,
    add_all_shares,
    direct_or_staged,
    read_events,
    read_orders,
    use_secret,
)
from weimai_cli.orders import lines
from weimai_cli.orders.formats import shopify
from weimai_cli.orders.values import month_of

SHOPIFY_HEADER = ["Name", "Financial Status", "Paid at", "Currency", "Created at", "Lineitem quantity",
                  "Lineitem name", "Lineitem price", "Lineitem sku", "Lineitem discount", "Discount Code",
                  "Note Attributes", "Tags", "Cancelled at", "Refunded Amount", "Id"]
_STATUSES = ["paid", "paid", "partially_refunded", "refunded", "pending", "voided", "authorized"]


def _shopify_rows(rnd: random.Random, orders: int, bad: bool) -> list[list[str]]:
    """Random orders of 1–5 line items each, order-level cells on the first
    row only (sometimes repeated, sometimes differing), some cells bad."""
    out = []
    for o in range(orders):
        name = f"#{1000 + o}" if rnd.random() > 0.05 else f"#{1000 + o - 1}"  # (a Name again, at times)
        day = rnd.choice(["01", "02", "03", "15", "26", "27", "28", "30"])
        when = f"2026-11-{day} {rnd.randrange(24):02d}:{rnd.randrange(60):02d}:00 {rnd.choice(['+0800', '+0200', '-0500'])}"
        items = rnd.randint(1, 5)
        for k in range(items):
            first = k == 0
            price = rnd.randrange(100, 20000)
            row = {
                "Name": name,
                "Financial Status": rnd.choice(_STATUSES) if first or rnd.random() < 0.1 else "",
                "Paid at": when if first or rnd.random() < 0.1 else "",
                "Currency": rnd.choice(["USD", "EUR", ""]) if first else "",
                "Created at": when if first else "",
                "Lineitem quantity": str(rnd.randint(1, 3)),
                "Lineitem name": rnd.choice(["Tea", "Cup", "Tray, bamboo", "Gift\nwrap"]),
                "Lineitem price": f"{price // 100}.{price % 100:02d}",
                "Lineitem sku": rnd.choice(["TEA-1", "CUP-2", "", "TRAY-3"]),
                "Lineitem discount": rnd.choice(["0.00", "", "1.50"]),
                "Discount Code": rnd.choice(["", "ANNA10", "wm0004RS58", "SPRING, wm0009XXXX"]) if first else "",
                "Note Attributes": rnd.choice(["", "ref: wm0004RS58", "utm_source: weibo\nref: x"]) if first else "",
                "Tags": rnd.choice(["", "vip"]) if first else "",
                "Cancelled at": (when if rnd.random() < 0.1 else "") if first else "",
                "Refunded Amount": rnd.choice(["0.00", "5.00", "", "12.34"]) if first or rnd.random() < 0.05 else "",
                "Id": str(5123456789000 + o) if first and rnd.random() < 0.8 else "",
            }
            if bad and rnd.random() < 0.03:
                cell = rnd.choice(["Financial Status", "Lineitem quantity", "Lineitem price", "Name", "Paid at",
                                   "Refunded Amount", "Lineitem quantity"])
                row[cell] = {"Financial Status": "shipped", "Lineitem quantity": rnd.choice(["0", "x"]),
                             "Lineitem price": "1.234", "Name": "", "Paid at": "2026-13-01",
                             "Refunded Amount": "abc"}[cell]
            out.append([row[h] for h in SHOPIFY_HEADER])
    return out


def _import(run, home, monkeypatch, path, *args, row_path: bool, rejects=None) -> dict:
    monkeypatch.setenv("WEIMAI_HOME", str(home))
    monkeypatch.setenv("WEIMAI_READER_PROCESS", "never")
    build = shopify.FORMAT.build

    def rows_only(c, ctx):
        parser = build(c, ctx)
        parser.batch = None
        return parser

    if row_path:
        monkeypatch.setattr(shopify.FORMAT, "build", rows_only)
    use_secret()
    from weimai_cli.db.store import connect

    conn = connect(home / "weimai.db")
    add_all_shares(conn)
    conn.close()
    extra = ["--skip-bad", "--rejects", str(rejects)] if rejects else []
    r = run("orders", "import", "--json", "--format", "shopify", str(path), *args, *extra, code=None)
    monkeypatch.setattr(shopify.FORMAT, "build", build)
    conn = connect(home / "weimai.db")
    try:
        got = {"exit": r.exit_code, "orders": read_orders(conn), "events": read_events(conn),
               "ledger": [tuple(x) for x in conn.execute("SELECT * FROM ledger ORDER BY id")]}
    finally:
        conn.close()
    if r.exit_code == 0:
        got["summary"] = [{k: v for k, v in s.items() if k not in ("file", "import_id")} for s in json.loads(r.stdout)]
    else:
        got["error"] = r.stderr
    if rejects:
        got["rejects"] = rejects.read_text(encoding="utf-8") if rejects.exists() else None
    return got


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("batch", [1, 3, 7, 2000])
def test_shopify_columns_equal_rows(seed, batch, run, home, tmp_path, monkeypatch):
    rnd = random.Random(seed)
    bad = seed % 2 == 1
    path = tmp_path / "shopify.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(SHOPIFY_HEADER)
        w.writerows(_shopify_rows(rnd, rnd.randint(5, 40), bad))
    monkeypatch.setattr(lines, "BATCH_ROWS", batch)
    skip = seed % 4 == 1
    got = {}
    for way in ("columns", "rows"):
        got[way] = _import(run, tmp_path / way, monkeypatch, path, "--currency", "USD" if seed % 3 else "CNY",
                           row_path=way == "rows", rejects=tmp_path / f"{way}.rejects.csv" if skip else None)
        if got[way].get("error"):
            got[way]["error"] = got[way]["error"].replace(str(tmp_path / way), "HOME")
    assert got["columns"] == got["rows"]


def test_shopify_sample_columns_equal_rows(run, home, tmp_path, monkeypatch):
    """The sample export, its rows cut into batches of every size."""
    for batch in (1, 2, 4, 5, 11):
        monkeypatch.setattr(lines, "BATCH_ROWS", batch)
        cols = _import(run, tmp_path / f"c{batch}", monkeypatch, ORDERS / "shopify_orders_export.csv", row_path=False)
        rows = _import(run, tmp_path / f"r{batch}", monkeypatch, ORDERS / "shopify_orders_export.csv", row_path=True)
        assert cols == rows
        assert cols["exit"] == 0 and cols["orders"]


def _old_line_numbers(chunk: list, start: int) -> list[int]:
    out = []
    n = start
    for values in chunk:
        n += 1
        for cell in values:
            if "\n" in cell or "\r" in cell:
                n += cell.count("\n") + cell.count("\r") - cell.count("\r\n")
        out.append(n)
    return out


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.text(alphabet="a,\r\n\"", max_size=6), max_size=4), max_size=6),
       st.integers(0, 5))
def test_line_numbers_are_the_cells_breaks(chunk, start):
    from weimai_cli.tables.text import _line_numbers

    assert _line_numbers(chunk, start) == _old_line_numbers(chunk, start)


@settings(max_examples=500, deadline=None)
@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)),
       st.integers(-23 * 60 - 59, 23 * 60 + 59), st.booleans())
def test_a_lines_month_is_its_shanghai_month(when, minutes, shanghai):
    sign = "-" if minutes < 0 else "+"
    off = "+08:00" if shanghai else f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    iso = when.replace(microsecond=0).isoformat() + off
    assert lines._month(iso) == month_of(iso)
    assert lines._month(None) is None


# ---- Taobao's presale pairs on the direct path (orders/paired.py) -------------------


def _taobao_rows(rnd: random.Random, n: int, again: float) -> tuple[list[str], list[list[str]]]:
    """Rows made from the sample's: presale pairs (deposit and balance, now
    and then a third row or a row of one with the same key), rows twice
    (the same, or different), tracking codes that verify or not."""
    with open(ORDERS / "taobao_union_2026-11.csv", encoding="utf-16", newline="") as fh:
        sample = list(csv.reader(fh))
    head, body = sample[0], sample[1:]
    col = {h: i for i, h in enumerate(head)}
    single = [r for r in body if r[col["定金付款金额"]] in ("--", "")]
    pair = [r for r in body if r[col["定金付款金额"]] not in ("--", "")]
    out = []
    for i in range(n):
        key = f"44{i:08d}"
        roll = rnd.random()
        base = list(rnd.choice(single))
        base[col["淘宝子订单号"]] = key
        base[col["推广位名称"]] = rnd.choice(["微博主页", "wm0004RS58", f"wm000{rnd.randrange(14):X}XXXX 朋友圈"])
        base[col["订单状态"]] = rnd.choice(["已付款", "已收货", "已结算", "已失效"])
        if roll < 0.2:  # a presale pair, its rows apart or together
            rows = []
            for p in pair[:2]:
                r = list(p)
                r[col["淘宝子订单号"]] = key
                r[col["推广位名称"]] = base[col["推广位名称"]]
                r[col["付款金额"]] = f"{rnd.randrange(1, 9000) / 100:.2f}"
                rows.append(r)
            if rnd.random() < 0.1:
                rows.append(list(rows[1]))  # a third row
            out.extend(rows)
        elif roll < 0.2 + again and out:
            out.append(list(rnd.choice(out)))  # a row again: the same (merged) or, once changed, a clash
            if rnd.random() < 0.1:
                out[-1][col["付款金额"]] = "1.23"
        else:
            out.append(base)
    rnd.shuffle(out)
    return head, out


def _taobao_import(run, home, monkeypatch, path, *, staged: bool) -> dict:
    from weimai_cli.db.store import connect

    monkeypatch.setenv("WEIMAI_HOME", str(home))
    use_secret()
    conn = connect(home / "weimai.db")
    add_all_shares(conn)
    conn.close()
    with direct_or_staged(staged) as calls:
        r = run("orders", "import", "--json", str(path), code=None)
    conn = connect(home / "weimai.db")
    try:
        got = {"exit": r.exit_code, "orders": [tuple(x) for x in conn.execute("SELECT * FROM orders ORDER BY line_key")],
               "events": read_events(conn),
               **{t: [tuple(x) for x in conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2, 3, 4")]
                  for t in ("ledger", "ledger_state", "ledger_totals", "ledger_days")}}
    finally:
        conn.close()
    got["summary"] = [{k: v for k, v in s.items() if k not in ("file", "import_id")}
                      for s in json.loads(r.stdout)] if r.exit_code == 0 else r.stderr
    return got, calls


@pytest.mark.parametrize("seed", range(12))
def test_taobao_presale_pairs_direct_store_what_staging_stores(seed, run, home, tmp_path, monkeypatch):
    from weimai_cli.orders import paired

    rnd = random.Random(seed)
    head, rows = _taobao_rows(rnd, rnd.randint(3, 60), 0.1 if seed % 3 == 0 else 0)
    path = tmp_path / "taobao.csv"
    with open(path, "w", encoding="utf-16", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(head)
        w.writerows(rows)
    monkeypatch.setattr(lines, "BATCH_ROWS", rnd.choice([1, 4, 2000]))
    monkeypatch.setattr(paired, "_FLUSH", rnd.choice([1, 3, 2000]))
    monkeypatch.setenv("WEIMAI_READER_PROCESS", rnd.choice(["never", "always"]))
    direct, calls = _taobao_import(run, tmp_path / "direct", monkeypatch, path, staged=False)
    staged, _ = _taobao_import(run, tmp_path / "staged", monkeypatch, path, staged=True)
    assert False in calls  # the direct path was tried
    assert direct == staged
    if direct["exit"] == 0:
        assert direct["orders"]



# ---- every format's sample, scaled past a batch, on the fast and the staging path -----

_SCALED = {  # format -> (sample, encoding, title lines, key columns made unique per copy)
    "taobao-union": ("taobao_union_2026-11.csv", "utf-16", 0, ["淘宝子订单号"]),
    "jd-union": ("jd_union_2026-11.csv", "utf-8", 0, ["orderId"]),
    "amazon-earnings": ("amazon_fee_earnings_2026-11.csv", "utf-8", 1, ["ASIN"]),
    "shopify": ("shopify_orders_export.csv", "utf-8", 0, ["Name"]),
    "douyin": ("douyin_orders.csv", "utf-8-sig", 0, ["子订单编号"]),
    "douyin-affiliate": ("douyin_affiliate.csv", "utf-8-sig", 0, ["子订单号"]),
    "generic": ("generic_orders.csv", "utf-8", 0, ["line_key"]),
}


def _scaled(name: str, out, rows: int) -> None:
    """The sample's rows again and again, their keys made unique (as benchmarks/bench_orders.py does)."""
    fixture, enc, titles, keys = _SCALED[name]
    with open(ORDERS / fixture, encoding=enc, newline="") as fh:
        sample = list(csv.reader(fh))
    head = sample[titles]
    body = [r for r in sample[titles + 1:] if r and r[0] not in ("Total", "合计")]
    idx = [head.index(k) for k in keys]
    with open(out, "w", encoding=enc, newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(head)
        for i in range(rows):
            r = list(body[i % len(body)])
            copy = i // len(body) + 1
            for j in idx:
                v = r[j].strip().strip("=\"'\t")
                r[j] = f"{v}-{copy}" if not v.isdigit() else f"{v}{copy:07d}"
            w.writerow(r)


@pytest.mark.parametrize("name", sorted(_SCALED))
def test_scaled_samples_store_on_the_fast_path_what_staging_stores(name, run, home, tmp_path, monkeypatch):
    """2,500 rows (two batches, over a thousand ledger entries: the ledger's
    index built after them), read in a child process, fast path vs staged whole."""
    from weimai_cli.db.store import connect

    path = tmp_path / f"{name}.csv"
    _scaled(name, path, 2500)
    monkeypatch.setenv("WEIMAI_READER_PROCESS", "always")
    got = {}
    for staged in (False, True):
        h = tmp_path / ("staged" if staged else "direct")
        monkeypatch.setenv("WEIMAI_HOME", str(h))
        with direct_or_staged(staged):
            r = run("orders", "import", "--json", "--format", name, str(path),
                    *(["--currency", "USD"] if name == "shopify" else []))
        conn = connect(h / "weimai.db")
        try:
            got[staged] = {
                "summary": [{k: v for k, v in s.items() if k not in ("file", "import_id")} for s in json.loads(r.stdout)],
                "indexes": sorted(tuple(x) for x in conn.execute(
                    "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index'")),
                **{t: [tuple(x) for x in conn.execute(f"SELECT * FROM {t} ORDER BY {order}")] for t, order in (
                    ("orders", "platform, line_key"), ("ledger", "id"), ("ledger_state", "platform, line_key"),
                    ("ledger_totals", "1, 2, 3, 4, 5"), ("ledger_days", "1, 2, 3, 4, 5, 6"), ("order_events", "id"))},
            }
        finally:
            conn.close()
    assert got[False] == got[True]
    assert len(got[False]["orders"]) >= 2000
    kind = __import__("weimai_cli.orders.formats", fromlist=["get"]).get(name).kind
    if kind == "affiliate":
        assert len(got[False]["ledger"]) > 1000


_OFFSET_CELLS = st.one_of(
    st.builds(lambda d, s, h, m: f"{d.isoformat(sep=s)} {h}{m}",
              st.datetimes(min_value=datetime(1999, 1, 1), max_value=datetime(2100, 12, 31)).map(
                  lambda x: x.replace(microsecond=0)),
              st.sampled_from([" ", "T"]), st.sampled_from(["+", "-"]),
              st.sampled_from(["0000", "0200", "0530", "0800", "1200", "1400", "9999"])),
    st.sampled_from(["2023-02-29 10:00:00 +0200", "2026-11-03 10:15:00 +02:00", "2026-11-03 10:15:00  +0200",
                     "2026-11-03 24:00:00 +0200", "2026-11-03 10:15:00+0200", "2026-11-03 10:15:00 +020",
                     "", "--"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_OFFSET_CELLS, min_size=1, max_size=6), st.booleans())
def test_a_time_column_with_offsets_reads_as_the_getter_reads_each(column, bounded):
    """The column fast path for 2026-11-03 10:15:00 +0200: what the row getter gives, or the getter decides."""
    from weimai_cli.orders.columns import ColumnGetters
    from weimai_cli.orders.rowgetters import Cols
    from weimai_cli.orders.values import FieldError

    cols = Cols({"t": 0}, dates=("2000-01-01", "2099-12-31") if bounded else None)
    want = []
    for cell in column:
        try:
            want.append(cols.time("t")([cell]))
        except FieldError:
            want.append(FieldError)
    read = ColumnGetters(cols).time("t")
    try:
        got = read([tuple(column)], [[c] for c in column])
    except FieldError:
        assert FieldError in want
    else:
        assert got == want
