"""The commission engine: rate choice, proportions, and ledger plans (properties)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given
from hypothesis import strategies as st

from weimai_cli.ledger.commission import BUCKETS, STATUS_BUCKET, Holding, plan, rate_line, target

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
