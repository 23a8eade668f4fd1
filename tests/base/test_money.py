"""Money grammar and rounding: examples and properties."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from weimai_cli.money import (
    MoneyError,
    commission_fen,
    format_fen,
    format_rate,
    parse_money,
    parse_rate,
)


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("12.50", 1250), ("12.5", 1250), ("12", 1200), ("¥12.50", 1250), ("￥12.50", 1250),
        ("$3", 300), ("1,299.00", 129900), ("1,234,567.89", 123456789), ("69.9元", 6990),
        (" ¥ 1,280 ", 128000), ("0.01", 1), ("0", 0),
    ],
)
def test_parse_money_examples(text, fen):
    assert parse_money(text) == fen


@pytest.mark.parametrize(
    "text", ["abc", "NaN", "1.234.5", "12,5", "1.234,50", "1.005", "12.", ".5", "1,23", "¥", "--", "1e3", "Infinity"]
)
def test_parse_money_rejects(text):
    with pytest.raises(MoneyError):
        parse_money(text)


def test_negative_and_placeholders():
    with pytest.raises(MoneyError):
        parse_money("-3")
    assert parse_money("-3", allow_negative=True) == -300
    assert parse_money("¥-3.10", allow_negative=True) == -310
    assert parse_money("--", empty=("", "--")) is None
    assert parse_money("1.234,50", decimal_comma=True) == 123450
    assert parse_money("16,39", decimal_comma=True) == 1639
    assert parse_money(12.5) == 1250 and parse_money(7) == 700
    with pytest.raises(MoneyError):
        parse_money(0.125)
    with pytest.raises(MoneyError):
        parse_money(float("nan"))


@pytest.mark.parametrize(
    ("text", "bp"),
    [("12.5%", 1250), ("12.5 %", 1250), ("12.5", 1250), ("0.45", 45), ("70.00 %", 7000), ("100", 10000), (12.5, 1250)],
)
def test_parse_rate(text, bp):
    assert parse_rate(text) == bp


@pytest.mark.parametrize("text", ["12.345", "abc", "101", "-5", "5%%"])
def test_parse_rate_rejects(text):
    with pytest.raises(MoneyError):
        parse_rate(text)


@given(st.integers(min_value=0, max_value=10**13))
def test_format_then_parse_round_trips(fen):
    assert parse_money(format_fen(fen)) == fen
    assert parse_money("¥" + f"{fen // 100:,}" + f".{fen % 100:02d}") == fen


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_negative_round_trip(fen):
    assert parse_money(format_fen(fen), allow_negative=True) == fen


@given(st.integers(min_value=0, max_value=10_000))
def test_rate_round_trip(bp):
    assert parse_rate(format_rate(bp)) == bp


@given(st.integers(min_value=-(10**12), max_value=10**12), st.integers(min_value=0, max_value=10_000))
def test_commission_is_half_up_decimal(base, bp):
    expected = (Decimal(base) / 100 * Decimal(bp) / 10_000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert commission_fen(base, bp) == int(expected * 100)


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=10_000))
def test_sql_commission_matches_python(price, bp):
    """list-goods computes commission in SQL; it must agree with the one rounding rule."""
    import sqlite3

    from weimai_cli.catalog.goods import COMMISSION_SQL

    conn = sqlite3.connect(":memory:")
    got = conn.execute(
        f"SELECT {COMMISSION_SQL} FROM (SELECT ? AS price_fen, ? AS commission_bp, NULL AS commission_fen)",
        (price, bp),
    ).fetchone()[0]
    assert got == commission_fen(price, bp)
