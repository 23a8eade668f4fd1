"""The one converter (weimai_cli.orders.formats.convert): a format's
description read a column at a time equals the same description read row by
row, for every format's sample files, for typed workbook cells, and for the
errors a bad cell gives."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.orders.test_orders_golden import CASES, SUMMARY
from tests.orders_helpers import ORDERS, add_all_shares, read_events, read_orders, use_secret
from weimai_cli.orders.columns import ColumnGetters
from weimai_cli.orders.formats import convert
from weimai_cli.orders.rowgetters import Cols
from weimai_cli.orders.values import FieldError


def _rows_only(monkeypatch) -> None:
    """Every description compiled without its column-wise path."""
    build = convert.compile_description

    def rows_only(d, c, ctx):
        parser = build(d, c, ctx)
        parser.batch = None
        return parser

    monkeypatch.setattr(convert, "compile_description", rows_only)


def _imported(run, home, files) -> dict:
    use_secret()
    from weimai_cli.db.store import connect

    conn = connect(home / "weimai.db")
    add_all_shares(conn)
    summaries = []
    for name in files:
        for s in json.loads(run("orders", "import", "--json", ORDERS / name).stdout):
            summaries.append({k: s[k] for k in SUMMARY})
    got = {"imports": summaries, "orders": read_orders(conn), "events": read_events(conn)}
    conn.close()
    return got


@pytest.mark.parametrize("case", sorted(c for c in CASES if c != "shopify"))
def test_row_path_equals_column_path(case, run, home, monkeypatch):
    """The fallback (a batch of one row) gives the lines the batch gives."""
    monkeypatch.setenv("WEIMAI_READER_PROCESS", "never")
    by_columns = _imported(run, home, CASES[case])
    _rows_only(monkeypatch)
    other = home.parent / "rows"
    monkeypatch.setenv("WEIMAI_HOME", str(other))
    assert _imported(run, other, CASES[case]) == by_columns


def test_workbooks_take_the_column_path(run, home, monkeypatch):
    calls = []
    build = convert.compile_description

    def counting(d, c, ctx):
        parser = build(d, c, ctx)
        batch = parser.batch

        def counted(rows):
            try:
                out = batch(rows)
            except FieldError:
                calls.append((len(rows), "row by row"))
                raise
            calls.append((len(rows), len(out["line_key"])))
            return out

        parser.batch = counted
        return parser

    monkeypatch.setattr(convert, "compile_description", counting)
    monkeypatch.setenv("WEIMAI_READER_PROCESS", "never")
    run("orders", "import", ORDERS / "taobao_union_2026-11.xlsx")
    assert calls == [(10, 10)]  # (one batch, converted: no row went row by row)


# ---- conditional reads and derived errors ---------------------------------------------------

_JD_HEADER = "orderId,skuId,validCode,estimateCosPrice,estimateFee,actualCosPrice,actualFee,orderTime"


@pytest.mark.parametrize("rows_only", [False, True])
def test_a_value_read_only_for_some_rows_is_no_error_in_the_others(rows_only, run, tmp_path, monkeypatch):
    """JD's 实际计佣金额 counts once an order is done: elsewhere a bad one is ignored."""
    if rows_only:
        _rows_only(monkeypatch)
    f = tmp_path / "jd.csv"
    f.write_text(f"{_JD_HEADER}\n1,2,16,10.00,1.00,oops,,2026-11-02 10:00:00\n", encoding="utf-8")
    run("orders", "import", f)
    g = tmp_path / "jd2.csv"
    g.write_text(f"{_JD_HEADER}\n3,4,17,10.00,1.00,oops,0.50,2026-11-02 10:00:00\n", encoding="utf-8")
    r = run("orders", "import", g, code=1)
    assert f"{g}:2:6" in r.stderr and "actualCosPrice: not an amount: 'oops'" in r.stderr


_REFUND_HEADER = "淘宝子订单编号,维权状态,结算金额,维权退款金额,应返商家金额"


def test_a_derived_error_names_its_row_and_column(run, tmp_path):
    f = tmp_path / "refund.csv"
    f.write_text(f"{_REFUND_HEADER}\n11,维权创建,5.00,9.00,bad\n12,维权成功,5.00,9.00,0.10\n", encoding="utf-8")
    r = run("orders", "import", "--format", "taobao-refund", f, code=1)
    assert f"{f}:3:4" in r.stderr
    assert "维权退款金额: refund 9.00 is more than the settled amount 5.00" in r.stderr


# ---- typed cells (workbooks, JSON): the column functions still equal the row getters --------

_TYPED = st.one_of(
    st.integers(min_value=-10**13, max_value=10**13), st.floats(allow_nan=True, allow_infinity=True),
    st.none(), st.booleans(), st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2030, 1, 1)),
    st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 1, 1)),
    st.sampled_from(["12.50", "", "--", "7", "2026-11-02 01:01:07", "W1", "paid", "7.50%", "0.45"]),
)


def _outcome(fn):
    try:
        return fn()
    except FieldError as exc:
        return ("error", exc.col, str(exc), exc.hint)


@settings(max_examples=300)
@given(st.lists(_TYPED, min_size=1, max_size=8))
def test_column_functions_equal_the_row_getters_on_typed_cells(values):
    from weimai_cli.orders.formats.generic import STATUSES

    cols = Cols({"c": 0}, dates=("2000-01-01", "2027-11-20"))
    k = ColumnGetters(cols)
    rows = [[v] for v in values]
    columns = list(zip(*rows))
    for kind, kw in (("id", {"required": True}), ("id", {}), ("text", {}), ("int", {}),
                     ("int", {"negative": True}), ("money", {}), ("money", {"negative": True}),
                     ("time", {}), ("rate", {})):
        getter = getattr(cols, kind)("c", **kw)
        column = getattr(k, kind)("c", **kw)
        assert _outcome(lambda: column(columns, rows)) == _outcome(lambda: [getter(r) for r in rows])  # noqa: B023
    status = cols.status("c", STATUSES, default="paid")
    want = _outcome(lambda: [status(r) for r in rows])
    got = _outcome(lambda: k.status("c", STATUSES, default="paid")(columns, rows))
    assert got == (want if want[0] == "error" else ([p[0] for p in want], [p[1] for p in want]))


@pytest.mark.parametrize("column,fen", [
    (["0.45", "7.50%", "100.00", "", "--"], [45, 750, 100_00, None, None]),
    (["20.00", "020.00"], [20_00, 20_00]),
])
def test_rate_column_fast_path(column, fen):
    from weimai_cli.orders import columns as v

    assert v._split_empty(tuple(column), v._rate_fast) == fen
    assert [Cols({"c": 0}).rate("c")([x]) for x in column] == fen


@pytest.mark.parametrize("column", [["100.01"], ["0.4"], ["7.5 %"], ["1.234"]])
def test_rate_column_leaves_other_shapes_to_the_getter(column):
    from weimai_cli.orders import columns as v

    assert v._rate_fast(tuple(column)) is None


# ---- the extra JSON, a column at a time ---------------------------------------------------------

_EXTRA_VALUE = st.one_of(st.none(), st.integers(), st.text(max_size=6),
                         st.sampled_from(['a"b', "c\\d", "e\nf", "\x00", "\x7f", "枸杞", "\u2028"]))


@given(st.lists(st.tuples(_EXTRA_VALUE, _EXTRA_VALUE), min_size=1, max_size=6))
def test_extra_json_equals_json_dumps_of_each_line(lines):
    keys = ("deposit_fen", "relation_id")
    got = convert._json_objects(keys, [list(c) for c in zip(*lines)], len(lines))
    want = []
    for values in lines:
        found = {k: v for k, v in zip(keys, values) if v is not None}
        want.append(json.dumps(found, ensure_ascii=False, separators=(",", ":")) if found else None)
    assert (got or [None] * len(lines)) == want


def test_descriptions_name_only_known_columns_and_fields():
    """Every read names a column its format knows; derived fields are line fields."""
    from weimai_cli.orders import formats
    from weimai_cli.orders.values import LINE_FIELDS

    described = 0
    for fmt in formats.all_formats():
        module = __import__(f"weimai_cli.orders.formats.{formats.MODULES[fmt.name]}", fromlist=["x"])
        d = getattr(module, "DESCRIPTION", None)
        if d is None:
            continue
        described += 1
        assert fmt.build == d.build
        for r in (*d.reads.values(), *d.lazy.values()):
            assert r.column in fmt.columns, (fmt.name, r.column)
        assert set(d.derives) <= set(LINE_FIELDS), fmt.name
        assert set(d.codes) <= set(d.reads), fmt.name
    assert described == len(formats.NAMES) - 1  # (all but shopify's grouped rows)


@pytest.mark.parametrize("negative", [False, True])
def test_money_column_with_signs_and_minus(negative):
    """$12.00, ¥1.50 and (where allowed) -34.99 take the column fast path, as the getter reads them."""
    from weimai_cli.orders import columns as v

    column = ["$12.00", "¥1.50", "€0.05", "￥3.00", "7.00"] + (["-34.99", "-0.00"] if negative else [])
    got = v._money_fast(".", negative)(tuple(column))
    assert got == [1200, 150, 5, 300, 700] + ([-3499, 0] if negative else [])
    assert got == [Cols({"c": 0}).money("c", negative=negative)([x]) for x in column]


@pytest.mark.parametrize("cell", ["-34.99", "$-1.00", "-$1.00", "US$1.00", "$ 1.00", "£1.00"])
def test_money_column_leaves_other_signs_to_the_getter(cell):
    from weimai_cli.orders import columns as v

    assert v._money_fast(".")((cell, "1.00")) is None


@pytest.mark.parametrize("column,iso", [
    (["2026/11/09 20:00:00", "2024/02/29 23:59:59", ""],
     ["2026-11-09T20:00:00+08:00", "2024-02-29T23:59:59+08:00", None]),
])
def test_slashed_time_column_fast_path(column, iso):
    from weimai_cli.orders import columns as v

    assert v._split_empty(tuple(column), v._slashed_time_fast(None)) == iso
    assert [Cols({"c": 0}).time("c")([x]) for x in column] == iso


@pytest.mark.parametrize("cell", ["2023/02/29 00:00:00", "2026/11-09 20:00:00", "2026/1/09 20:00:00"])
def test_slashed_time_column_leaves_other_shapes_to_the_getter(cell):
    from weimai_cli.orders import columns as v

    assert v._slashed_time_fast(None)((cell,)) is None
