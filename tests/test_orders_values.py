"""Cell values of order exports: times, ids, money fast paths (property tests)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from weimai_cli.money import parse_money
from weimai_cli.orders.values import Cols, FieldError, month_of, parse_time


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
