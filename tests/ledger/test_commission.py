"""The commission engine: rate choice, proportions, and ledger plans (properties)."""

from __future__ import annotations

import sqlite3
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given
from hypothesis import strategies as st

from weimai_cli.ledger.commission import (
    BUCKETS,
    STATUS_BUCKET,
    Holding,
    plan,
    rate_line,
    sql_expected,
    sql_rated,
    sql_target,
    target,
)

STATUSES = ["pending", "paid", "confirmed", "settled", "cancelled", "refunded", "invalid"]


def test_rate_choice_order():
    kw = dict(paid_fen=10000, share_rate_bp=1500, distributor_rate_bp=1200, goods_rate_bp=1000)
    assert rate_line(**kw, reported_commission_fen=777, reported_rate_bp=800).commission_fen == 777
    r = rate_line(**kw, reported_rate_bp=800)
    assert (r.commission_fen, r.source, r.finding) == (800, "reported-rate", True)
    assert rate_line(**kw).source == "share" and rate_line(**kw).commission_fen == 1500
    kw.pop("share_rate_bp")
    assert rate_line(**kw).source == "distributor"
    kw.pop("distributor_rate_bp")
    assert rate_line(**kw).commission_fen == 1000
    assert rate_line(paid_fen=100).commission_fen == 0
    # the reported rate equal to the expected one is no finding
    assert not rate_line(paid_fen=100, reported_rate_bp=1500, share_rate_bp=1500).finding


def test_partial_refund_reverses_in_proportion():
    r = rate_line(paid_fen=10000, refunded_fen=2500, reported_commission_fen=1001)
    assert (r.base_fen, r.commission_fen) == (7500, 751)  # 1001 × 0.75 = 750.75 → 751
    r = rate_line(paid_fen=3, refunded_fen=1, goods_commission_fen=100, quantity=1)
    assert r.commission_fen == 67


def apply(held: Holding, entries) -> Holding:
    gross, rev, buckets = held.gross, held.reversal, list(held.buckets)
    for kind, b, amount in entries:
        buckets[BUCKETS.index(b)] += amount
        if kind == "accrual":
            gross += amount
        elif kind == "reversal":
            rev += amount
    return Holding(gross, rev, tuple(buckets))


amounts = st.integers(min_value=0, max_value=10**9)
STATE = st.tuples(st.sampled_from(STATUSES), amounts, amounts, st.booleans())


def _rated(paid, refunded):
    return rate_line(paid_fen=paid, refunded_fen=min(refunded, paid), reported_rate_bp=1234)


@given(st.lists(STATE, min_size=1, max_size=8))
def test_any_sequence_of_states_lands_exactly_on_target(history):
    held = Holding()
    for status, paid, refunded, seen_valid in history:
        wanted = target(status, _rated(paid, refunded), seen_valid=seen_valid)
        entries = plan(held, wanted)
        held = apply(held, entries)
        assert held == wanted
        # transfers between buckets net to zero
        assert sum(a for k, _, a in entries if k in ("confirmation", "settlement")) == 0
        # the reversed part never exceeds what was accrued
        assert 0 <= -held.reversal <= held.gross
        assert held.net == held.gross + held.reversal


@given(st.lists(STATE, min_size=1, max_size=6), st.randoms())
def test_what_is_held_depends_on_the_state_only(history, rnd):
    """Booking the same final state through any path gives the same gross, reversal and buckets."""
    final = history[-1]
    shuffled = history[:-1]
    rnd.shuffle(shuffled)
    results = []
    for path in (history, [*shuffled, final], [final]):
        held = Holding()
        for status, paid, refunded, seen_valid in path:
            held = apply(held, plan(held, target(status, _rated(paid, refunded), seen_valid=seen_valid)))
        results.append(held)
    assert results[0] == results[1] == results[2]


@given(amounts, st.sampled_from(["paid", "confirmed", "settled"]))
def test_full_refund_then_back_nets_to_zero(commission, status):
    rated = rate_line(paid_fen=commission, reported_commission_fen=commission)
    held = apply(Holding(), plan(Holding(), target(status, rated)))
    refunded = rate_line(paid_fen=commission, refunded_fen=commission, reported_commission_fen=commission)
    entries = plan(held, target("refunded", refunded))
    held = apply(held, entries)
    assert held.net == 0 and held.gross == commission and held.reversal == -commission
    assert [k for k, _, a in entries if a] == (["reversal"] if commission else [])


@given(st.integers(min_value=1, max_value=10**9), st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=10_000))
def test_partial_reversal_never_exceeds_accrued(paid, refunded, bp):
    refunded = min(refunded, paid)
    full = rate_line(paid_fen=paid, reported_rate_bp=bp)
    part = rate_line(paid_fen=paid, refunded_fen=refunded, reported_rate_bp=bp)
    held = apply(Holding(), plan(Holding(), target("paid", full)))
    entries = plan(held, target("paid", part))
    reversal = sum(a for k, _, a in entries if k == "reversal")
    assert 0 <= -reversal <= full.commission_fen
    expected = (Decimal(paid - refunded) * bp / 10_000).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    assert apply(held, entries).net == int(expected)


def test_status_buckets_cover_the_canonical_states():
    assert set(STATUS_BUCKET) | {"pending", "cancelled", "refunded", "invalid"} == set(STATUSES)


# ---- the SQL written from the rule table rates as rate_line and target --------

INPUTS = ("reported_commission_fen", "settled_commission_fen", "reported_rate_bp", "share_rate_bp",
          "share_commission_fen", "distributor_rate_bp", "goods_rate_bp", "goods_commission_fen")
_COLS = {name: name for name in (*INPUTS, "status", "paid", "refunded", "base", "units", "expected_rate",
                                 "expected_fixed", "expected_source", "seen_valid", "earner", "gross_fen",
                                 "commission_fen", "net")}


def _sql_rate(conn, line: dict, seen_valid: bool) -> tuple:
    expected, rated, wanted = sql_expected(_COLS), sql_rated(_COLS), sql_target(_COLS)
    inputs = ", ".join(f":{name} AS {name}" for name in INPUTS)
    query = f"""
    SELECT base, {", ".join(f"{v} AS {k}" for k, v in rated.items())}, gross, reversal, net, {wanted["home"]}
    FROM (SELECT *, {wanted["gross"]} AS gross, {wanted["reversal"]} AS reversal, {wanted["net"]} AS net
      FROM (SELECT *, {", ".join(f"{v} AS {k}" for k, v in rated.items())}
        FROM (SELECT *, paid - refunded AS base, {", ".join(f"{v} AS {k}" for k, v in expected.items())}
          FROM (SELECT *, min(max(coalesce(:refunded_fen, 0), 0), paid) AS refunded
            FROM (SELECT {inputs}, :status AS status, max(coalesce(:paid_fen, 0), 0) AS paid,
                         coalesce(nullif(:quantity, 0), 1) AS units, :seen_valid AS seen_valid, 'me' AS earner)))))
    """
    return conn.execute(query, {**line, "seen_valid": seen_valid}).fetchone()


fen = st.one_of(st.none(), st.integers(min_value=-50_000, max_value=5_000_000))
bp = st.one_of(st.none(), st.integers(min_value=0, max_value=10_000))
LINE = st.fixed_dictionaries({
    "status": st.sampled_from(STATUSES), "paid_fen": fen,
    "refunded_fen": st.one_of(st.none(), st.integers(min_value=-10, max_value=6_000_000)),
    "quantity": st.one_of(st.none(), st.integers(min_value=0, max_value=5)),
    "reported_commission_fen": fen, "settled_commission_fen": fen, "reported_rate_bp": bp,
    "share_rate_bp": bp, "share_commission_fen": fen, "distributor_rate_bp": bp, "goods_rate_bp": bp,
    "goods_commission_fen": fen,
})


@given(LINE, st.booleans())
def test_the_sql_rules_rate_as_rate_line_and_target(line, seen_valid):
    conn = sqlite3.connect(":memory:")
    rated = rate_line(**{k: (v or 0) if k == "refunded_fen" else v for k, v in line.items()})
    wanted = target(line["status"], rated, seen_valid=seen_valid)
    entries = plan(Holding(), wanted)
    home = entries[0][1] if entries and wanted.net else BUCKETS[0]
    assert _sql_rate(conn, line, seen_valid) == (
        rated.base_fen, rated.source, rated.rate_bp, rated.commission_fen, rated.gross_fen,
        rated.expected_rate_bp, wanted.gross, wanted.reversal, wanted.net, home,
    )


def test_the_sql_rules_follow_the_table_order():
    """A reported amount beats a reported rate beats the share's terms: one example, exact values."""
    conn = sqlite3.connect(":memory:")
    line = dict.fromkeys(INPUTS) | {"status": "paid", "paid_fen": 10_000, "refunded_fen": 2_500, "quantity": 2,
                                    "share_rate_bp": 1500, "reported_rate_bp": 802}
    # 7500 × 8.02% = 601.5 → 602 (half-up)
    assert _sql_rate(conn, line, True) == (7500, "reported-rate", 802, 602, 802, 1500, 802, -200, 602, "estimated")
    line["reported_commission_fen"] = 1001
    assert _sql_rate(conn, line, True)[1:6] == ("reported-amount", 802, 751, 1001, 1500)
    line |= {"reported_commission_fen": None, "reported_rate_bp": None, "share_rate_bp": None,
             "share_commission_fen": 300, "status": "confirmed"}
    assert _sql_rate(conn, line, True) == (7500, "share", None, 450, 600, None, 600, -150, 450, "confirmed")
