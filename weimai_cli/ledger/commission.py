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
    source: str
    # reported-amount | reported-rate | share | distributor | goods | none
    expected_rate_bp: int | None = None  # the rate weimai expected, when it differs from reported
    gross_fen: int = 0  # the commission before refunds

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
        full = settled_commission_fen
        amount = _proportion(full, base, paid) if refunded else full
        return Rated(base, reported_rate_bp, amount, "reported-amount", expected, full)
    if reported_commission_fen is not None:
        full = reported_commission_fen
        amount = _proportion(full, base, paid) if refunded else full
        return Rated(base, reported_rate_bp, amount, "reported-amount", expected, full)
    if reported_rate_bp is not None:
        return Rated(base, reported_rate_bp, commission_fen(base, reported_rate_bp), "reported-rate",
                     expected, commission_fen(paid, reported_rate_bp))
    if exp_fixed is not None:
        full = exp_fixed * units
        amount = _proportion(full, base, paid) if refunded else full
        return Rated(base, None, amount, exp_source, None, full)
    if expected is not None:
        return Rated(base, expected, commission_fen(base, expected), exp_source, None, commission_fen(paid, expected))
    return Rated(base, None, 0, "none")


@dataclass(frozen=True)
class Holding:
    """What the ledger holds for one line: gross accrued, reversed, and per bucket."""

    gross: int = 0
    reversal: int = 0
    buckets: tuple[int, int, int] = (0, 0, 0)  # estimated, confirmed, settled

    @property
    def net(self) -> int:
        return sum(self.buckets)


def target(status: str, rated: Rated, *, seen_valid: bool = True) -> Holding:
    """What the ledger should hold for a line in its current state.

    A function of the state alone, never of the path to it, so importing the
    same exports in any order books the same totals: *gross* is the commission
    on the full paid amount, *reversal* the part refunds, cancellation or
    invalidation took back (never more than gross), and the net sits in the
    bucket of the line's status.

    A cancelled / refunded / invalid line holds its commission as accrued and
    reversed only when ``seen_valid``: some import showed it paid, confirmed
    or settled (in whatever order the exports came, orders.seen_valid). A line
    first and only ever seen void (已失效 in its first export) never earned:
    it holds nothing, so "reversed" is money a distributor really lost to
    refunds and cancellations, not commission that was never valid. (A
    partial refund keeps a line valid: its refunded part is reversed even
    when the first export seen already carried it, as the platform reports.)
    """
    bucket = STATUS_BUCKET.get(status)
    if bucket is not None:
        buckets = tuple(rated.commission_fen if b == bucket else 0 for b in BUCKETS)
        return Holding(rated.gross_fen, rated.commission_fen - rated.gross_fen, buckets)
    if seen_valid and status != "pending":
        return Holding(rated.gross_fen, -rated.gross_fen, (0, 0, 0))
    return Holding()


def plan(held: Holding, want: Holding) -> list[tuple[str, str, int]]:
    """Entries (kind, bucket, amount) that move the ledger from ``held`` to ``want``.

    Changes of gross are ``accrual`` entries (negative for a correction),
    changes of the reversed part are ``reversal`` entries; both are booked in
    the line's bucket. Money already held in another bucket moves there as a
    pair of ``confirmation`` / ``settlement`` entries, so the net never jumps.
    """
    entries: list[tuple[str, str, int]] = []
    have = list(held.buckets)
    if any(want.buckets):
        home = next(i for i, v in enumerate(want.buckets) if v)
    elif any(have):
        home = max(range(len(have)), key=lambda i: abs(have[i]))
    else:
        home = 0
    d_gross = want.gross - held.gross
    d_rev = want.reversal - held.reversal
    if d_gross:
        entries.append(("accrual", BUCKETS[home], d_gross))
    if d_rev:
        entries.append(("reversal", BUCKETS[home], d_rev))
    have[home] += d_gross + d_rev
    for i, amount in enumerate(have):
        if i != home and amount:
            kind = "settlement" if BUCKETS[home] == "settled" else "confirmation"
            entries.append((kind, BUCKETS[i], -amount))
            entries.append((kind, BUCKETS[home], amount))
            have[home] += amount
            have[i] = 0
    # whatever still differs (a line whose net target is zero in a bucket)
    for i, (h, w) in enumerate(zip(have, want.buckets)):
        if h != w:
            raise AssertionError(f"ledger plan did not reach its target: bucket {BUCKETS[i]} {h} != {w}")
    return entries
