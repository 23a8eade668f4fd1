"""The commission engine: which rate applies to an order line, and what the
ledger should hold for it. Pure functions; ledger.py applies them.

One rounding point: :func:`money.commission_fen` (half-up to the fen).

Rate choice, in order (DESIGN §5):

1. the platform's reported commission amount or rate, when the export has one;
2. the share's snapshot rate (taken at share time; it already includes the
   distributor's override then in force);
3. the distributor's override rate;
4. the goods' rate (or fixed commission per unit).

A line's commission sits in one *bucket* by its status: ``estimated`` (paid,
not yet received), ``confirmed`` (received), ``settled`` (the platform paid
out). Cancelled, refunded and invalid lines hold nothing. A partial refund
keeps the status and reduces the base in proportion.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from weimai_cli.money import commission_fen

BUCKETS = ("estimated", "confirmed", "settled")
STATUS_BUCKET = {
    "paid": "estimated",
    "confirmed": "confirmed",
    "settled": "settled",
}
# statuses that hold no commission
VOID = ("pending", "cancelled", "refunded", "invalid")


@dataclass(frozen=True)
class Rated:
    """What a line should earn: base, rate, source of the rate, commission."""

    base_fen: int
    rate_bp: int | None
    commission_fen: int
    source: str  # reported-amount | reported-rate | share | distributor | goods | none
    expected_rate_bp: int | None = None  # the rate weimai expected, when it differs from reported

    @property
    def finding(self) -> bool:
        return (
            self.expected_rate_bp is not None
            and self.rate_bp is not None
            and self.source.startswith("reported")
            and self.expected_rate_bp != self.rate_bp
        )


def _proportion(amount: int, part: int, whole: int) -> int:
    """amount × part / whole, rounded half-up (for a partial refund)."""
    if whole <= 0:
        return 0
    d = (Decimal(amount) * Decimal(part) / Decimal(whole)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(d)


def rate_line(
    *,
    paid_fen: int | None,
    refunded_fen: int = 0,
    quantity: int | None = None,
    reported_commission_fen: int | None = None,
    settled_commission_fen: int | None = None,
    reported_rate_bp: int | None = None,
    status: str = "paid",
    share_rate_bp: int | None = None,
    share_commission_fen: int | None = None,
    distributor_rate_bp: int | None = None,
    goods_rate_bp: int | None = None,
    goods_commission_fen: int | None = None,
) -> Rated:
    """The commission a line earns in its current state."""
    paid = max(paid_fen or 0, 0)
    refunded = min(max(refunded_fen or 0, 0), paid)
    base = paid - refunded
    units = quantity or 1

    # what weimai itself would expect, for reconciliation
    if share_rate_bp is not None or share_commission_fen is not None:
        expected, exp_fixed, exp_source = share_rate_bp, share_commission_fen, "share"
    elif distributor_rate_bp is not None:
        expected, exp_fixed, exp_source = distributor_rate_bp, None, "distributor"
    elif goods_rate_bp is not None or goods_commission_fen is not None:
        expected, exp_fixed, exp_source = goods_rate_bp, goods_commission_fen, "goods"
    else:
        expected, exp_fixed, exp_source = None, None, "none"

    if status == "settled" and settled_commission_fen is not None:
        amount = settled_commission_fen
        if refunded and amount and paid:
            amount = _proportion(amount, base, paid)
        return Rated(base, reported_rate_bp, amount, "reported-amount", expected)
    if reported_commission_fen is not None:
        amount = _proportion(reported_commission_fen, base, paid) if refunded else reported_commission_fen
        return Rated(base, reported_rate_bp, amount, "reported-amount", expected)
    if reported_rate_bp is not None:
        return Rated(base, reported_rate_bp, commission_fen(base, reported_rate_bp), "reported-rate", expected)
    if exp_fixed is not None:
        full = exp_fixed * units
        amount = _proportion(full, base, paid) if refunded else full
        return Rated(base, None, amount, exp_source)
    if expected is not None:
        return Rated(base, expected, commission_fen(base, expected), exp_source)
    return Rated(base, None, 0, "none")


def target(status: str, rated: Rated) -> dict[str, int]:
    """What the ledger should hold for a line, per bucket."""
    out = dict.fromkeys(BUCKETS, 0)
    bucket = STATUS_BUCKET.get(status)
    if bucket is not None:
        out[bucket] = rated.commission_fen
    return out


def plan(current: dict[str, int], wanted: dict[str, int]) -> list[tuple[str, str, int]]:
    """Entries (kind, bucket, amount) that move the ledger from ``current`` to ``wanted``.

    Money that moves between buckets is booked as a pair of entries (a
    ``confirmation`` or ``settlement`` out of the old bucket and into the new
    one), so the net never jumps; what is left is an ``accrual`` (more) or a
    ``reversal`` (less). The sum over buckets after the plan equals ``wanted``.
    """
    cur = {b: current.get(b, 0) for b in BUCKETS}
    want = {b: wanted.get(b, 0) for b in BUCKETS}
    entries: list[tuple[str, str, int]] = []
    to = next((b for b in reversed(BUCKETS) if want[b]), None)
    if to is not None:
        for b in BUCKETS:
            if b != to and cur[b] > 0:
                # move what an earlier bucket holds, up to what the new one wants
                move = min(cur[b], max(want[to] - cur[to], 0))
                if move:
                    kind = "settlement" if to == "settled" else "confirmation"
                    entries.append((kind, b, -move))
                    entries.append((kind, to, move))
                    cur[b] -= move
                    cur[to] += move
    for b in BUCKETS:
        delta = want[b] - cur[b]
        if delta > 0:
            entries.append(("accrual", b, delta))
        elif delta < 0:
            entries.append(("reversal", b, delta))
    return entries
