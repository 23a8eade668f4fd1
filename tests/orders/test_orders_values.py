"""Cell values of order exports: times, ids, money fast paths (property tests)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from weimai_cli.money import parse_money
from weimai_cli.orders.rowgetters import Cols
from weimai_cli.orders.values import FieldError, month_of, parse_time


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)))
def test_time_fast_path_equals_the_full_parser(dt):
    text = dt.strftime("%Y-%m-%d %H:%M:%S")
    get = Cols({"t": 0}).time("t")
    assert get([text]) == parse_time(text) == dt.replace(microsecond=0).isoformat() + "+08:00"
    assert datetime.fromisoformat(get([text])).utcoffset() == timedelta(hours=8)


@given(st.integers(min_value=0, max_value=10**12))
def test_money_fast_path_equals_parse_money(fen):
    text = f"{fen // 100}.{fen % 100:02d}"
    assert Cols({"m": 0}).money("m")([text]) == parse_money(text) == fen


@pytest.mark.parametrize("text,iso", [
    ("2026-11-03 10:15:00 +0200", "2026-11-03T10:15:00+02:00"),
    ("2026/11/09 20:01:00", "2026-11-09T20:01:00+08:00"),
    ("20261220", "2026-12-20T00:00:00+08:00"),
    ("2026-11-05", "2026-11-05T00:00:00+08:00"),
    ("25/04/2026", "2026-04-25T00:00:00+08:00"),
    ("2024-02-29 00:00:00", "2024-02-29T00:00:00+08:00"),
    ("--", None),
    ("0", None),
])
def test_time_shapes(text, iso):
    assert parse_time(text) == iso


@pytest.mark.parametrize("text", ["2026-02-30 10:00:00", "2025-02-29", "2026-11-01 24:00:00", "03/04/2026"])
def test_impossible_or_ambiguous_times(text):
    with pytest.raises(FieldError):
        Cols({"t": 0}).time("t")([text])


def test_month_is_shanghai():
    assert month_of("2026-11-30T20:00:00-05:00") == "2026-12"
    assert month_of("2026-11-30T20:00:00+08:00") == "2026-11"


@pytest.mark.parametrize("value,ok", [
    ("3301234567890123457", "3301234567890123457"), ('="3301234567890123457"', "3301234567890123457"),
    ("'0123", "0123"), ("123\t", "123"), (110000000001.0, "110000000001"), ("B00TEAKET1", "B00TEAKET1"),
    ("1E18", None), ("1.23457E+18", None), ("123.0", None), (1.2345678901234567e18, None),
])
def test_ids(value, ok):
    get = Cols({"k": 0}).id("k")
    if ok is None:
        with pytest.raises(FieldError):
            get([value])
    else:
        assert get([value]) == ok


# ---- column functions: the row getters over a batch, exactly ---------------------------

_EDGE_CELLS = [
    "", " ", "--", "-", "—", "无", "null", "NULL", "None", "0", "007", "12", "-3", "1,234", "1.5",
    "12.50", "0.05", "12,50", "-12.50", "¥12.50", "1,234.50", "99999999999999999.99", "1e5", "1E18",
    "1.23457E+18", "123.0", "4312351234567890123", "W0000000001", "SKU-00001", "SKU 1", " SKU1",
    "SKU1 ", "'0123", '="0123"', "=x", "a\nb", "x\r", "\u3000x", "١٢٣", "١e5", "订单123",
    "2026-11-02 01:01:07", "2026-11-02T01:01:07", "2024-02-29 00:00:00", "2023-02-29 00:00:00",
    "2026-04-31 10:00:00", "2026-11-01 24:00:00", "2026-11-01 10:60:00", "2000-02-29 12:00:00",
    "1900-02-29 12:00:00", "0000-02-29 00:00:00", "2026/11/09 20:01:00", "2026-11-05",
    "03/04/2026", "paid", "completed", " paid", "PAID", "已付款", "unknown",
]
_CELL = st.one_of(
    st.sampled_from(_EDGE_CELLS),
    st.text(alphabet="0123456789.,-+eE :T\n'=\"aZ_", max_size=12),
    st.from_regex(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d", fullmatch=True),
    st.from_regex(r"\d{1,6}[.,]\d\d", fullmatch=True),
)


def _outcome(fn, *args):
    try:
        return fn(*args)
    except FieldError:
        return FieldError


# cells that are mostly of one kind's usual shape, so whole columns take the fast paths
_MOSTLY = st.sampled_from([
    st.from_regex(r"[A-Z]?\d{1,19}", fullmatch=True), st.from_regex(r"\d{1,6}\.\d\d", fullmatch=True),
    st.from_regex(r"\d{1,6},\d\d", fullmatch=True), st.from_regex(r"[1-9]\d{0,3}", fullmatch=True),
    st.datetimes(min_value=datetime(1000, 1, 1)).map(lambda d: d.strftime("%Y-%m-%d %H:%M:%S")),
    st.sampled_from(["paid", "completed", "已付款", "settled", "交易关闭"]),
    st.sampled_from(["", "--", "W1", "SKU-1", "枸杞 500g", "None"]),
])


@settings(max_examples=400)
@given(_MOSTLY.flatmap(lambda kind: st.lists(st.one_of(*[kind] * 9, _CELL), min_size=1, max_size=12)),
       st.booleans(), st.booleans())
def test_column_functions_equal_the_row_getters(values, comma, bounded):
    from weimai_cli.orders.columns import ColumnGetters
    from weimai_cli.orders.formats.generic import STATUSES

    cols = Cols({"c": 0}, decimal_comma=comma, dates=("2000-01-01", "2027-11-20") if bounded else None)
    k = ColumnGetters(cols)
    rows = [[v] for v in values]
    columns = list(zip(*rows))
    pairs = [
        (cols.id("c", required=True), k.id("c", required=True)), (cols.id("c"), k.id("c")),
        (cols.text("c"), k.text("c")), (cols.int("c"), k.int("c")), (cols.money("c"), k.money("c")),
        (cols.money("c", negative=True), k.money("c", negative=True)), (cols.time("c"), k.time("c")),
        (cols.rate("c"), k.rate("c")),
    ]
    for getter, column in pairs:
        assert _outcome(column, columns, rows) == _outcome(lambda g: [g(r) for r in rows], getter)
    status = cols.status("c", STATUSES, default="paid")
    want = _outcome(lambda: [status(r) for r in rows])
    got = _outcome(lambda: k.status("c", STATUSES, default="paid")(columns, rows))
    assert got == (want if want is FieldError else ([p[0] for p in want], [p[1] for p in want]))


@pytest.mark.parametrize("kind,column", [
    ("id", ["W0000000001", "4312351234567890123", "SKU-00001", "订单123", "1E5X"]),
    ("optional id", ["W1", "", "--", "无", "None", "B00TEAKET1"]),
    ("text", ["枸杞 500g", " padded ", "", "--", "null"]),
    ("int", ["1", "12", "", "007"]),
    ("money", ["12.50", "0.05", "", "1234567.89"]),
    ("time", ["2024-02-29 00:00:00", "2026-11-02T01:01:07", "", "2000-02-29 23:59:59"]),
])
def test_column_fast_paths_taken_and_equal(kind, column):
    from weimai_cli.orders import columns as v

    cols = Cols({"c": 0})
    getter, fast = {
        "id": (cols.id("c", required=True), v._id_fast(True)),
        "optional id": (cols.id("c"), v._id_fast(False)),
        "text": (cols.text("c"), v._text_fast),
        "int": (cols.int("c"), lambda c: v._split_empty(c, v._digits_fast)),
        "money": (cols.money("c"), v._money_fast(".")),
        "time": (cols.time("c"), lambda c: v._split_empty(c, v._time_fast(None))),
    }[kind]
    got = fast(tuple(column))
    assert got is not None and got == [getter([x]) for x in column]


@pytest.mark.parametrize("column", [
    ["2023-02-29 00:00:00"], ["1900-02-29 00:00:00"], ["2026-04-31 00:00:00"], ["2026-11-01 24:00:00"],
    ["2026/11/09 20:01:00"], ["2026-11-02 01:01:07\n2026-11-02 01:01:07"],
])
def test_time_column_leaves_other_shapes_to_the_getter(column):
    from weimai_cli.orders import columns as v

    assert v._time_fast(None)(tuple(column)) is None


@settings(max_examples=500)
@given(st.from_regex(r"[0-9]{4}-[0-3][0-9]-[0-3][0-9][ T][0-2][0-9]:[0-6][0-9]:[0-6][0-9]", fullmatch=True))
def test_time_getter_equals_the_full_parser_on_any_date_shape(text):
    """Leap days, 31sts, hour 24 …: the getter's fast path agrees with parse_time."""
    get = Cols({"t": 0}).time("t")
    try:
        want = parse_time(text)
    except ValueError:
        with pytest.raises(FieldError):
            get([text])
    else:
        assert get([text]) == want
