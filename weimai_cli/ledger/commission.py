"""The commission engine: which rate applies to an order line, and what the
ledger should hold for it. Pure functions; :mod:`booking` applies them.

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

One rule set, two interpreters. The rules are data: ``TERMS`` (weimai's own
terms, first present wins), ``RULES`` (the rate choice above, first rule that
applies) and ``STATUS_BUCKET`` (which status holds commission, in which
bucket). :func:`rate_line` and :func:`target` read them line by line in
Python; the ``sql_*`` functions write the very same tables out as SQL
expressions, from which :mod:`fresh` (booking's set-based path) builds its
query. A rule is changed in one place and both paths follow.

Why both paths stay: the SQL path books a platform's first import (hundreds
of thousands of lines) in one statement, which is what keeps ``orders
import`` within its target (benchmarks/bench_orders.py); only the Python
path can book a line the ledger already holds (moves between buckets,
distributors, months, currencies) or a late line of a closed month. Rather
than retire either, the SQL is generated: tests/ledger/test_commission.py
checks the generated SQL against rate_line / target on random lines, and
tests/ledger/test_ledger_fast.py that both paths book the same entries.
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
PENDING = VOID[0]  # a line not yet paid: never holds anything, seen valid or not


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


# ---- the rule table: the one source of the commission rules -----------------
#
# rate_line interprets these tables in Python; the sql_* functions below
# write the same tables out as SQL expressions for booking's set-based path.

@dataclass(frozen=True)
class Terms:
    """weimai's own terms of one kind: a rate, and/or a fixed commission per unit."""

    source: str
    rate: str  # the input holding the rate (bp)
    fixed: str | None = None  # the input holding the fixed commission per unit (fen)


# what weimai expects a line to earn: the first terms present
TERMS = (
    Terms("share", "share_rate_bp", "share_commission_fen"),
    Terms("distributor", "distributor_rate_bp"),
    Terms("goods", "goods_rate_bp", "goods_commission_fen"),
)
EXPECTED = "expected"  # a rule's source: the source of the expected terms


@dataclass(frozen=True)
class Rule:
    """One way to rate a line, taken when input ``needs`` is present (and
    the line's status is ``status``, when given).

    With ``amount``, the commission is that input (× units with
    ``per_unit``), in proportion to the base on a partial refund, and
    ``rate`` only names the rate shown; without, it is ``rate`` × base."""

    source: str
    needs: str
    amount: str | None = None
    rate: str | None = None
    per_unit: bool = False
    status: str | None = None

    @property
    def reported(self) -> bool:
        """The platform's figures: weimai's expected rate is kept beside them."""
        return self.source != EXPECTED


# the rate choice, first rule that applies (no rule: no commission, source "none")
RULES = (
    Rule("reported-amount", "settled_commission_fen", amount="settled_commission_fen",
         rate="reported_rate_bp", status="settled"),
    Rule("reported-amount", "reported_commission_fen", amount="reported_commission_fen",
         rate="reported_rate_bp"),
    Rule("reported-rate", "reported_rate_bp", rate="reported_rate_bp"),
    Rule(EXPECTED, "expected_fixed", amount="expected_fixed", per_unit=True),
    Rule(EXPECTED, "expected_rate", rate="expected_rate"),
)


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
    """The commission a line earns in its current state (:data:`RULES`)."""
    paid = max(paid_fen or 0, 0)
    refunded = min(max(refunded_fen or 0, 0), paid)
    base = paid - refunded
    inputs = {
        "reported_commission_fen": reported_commission_fen, "settled_commission_fen": settled_commission_fen,
        "reported_rate_bp": reported_rate_bp, "share_rate_bp": share_rate_bp,
        "share_commission_fen": share_commission_fen, "distributor_rate_bp": distributor_rate_bp,
        "goods_rate_bp": goods_rate_bp, "goods_commission_fen": goods_commission_fen,
        "expected_rate": None, "expected_fixed": None,
    }
    # what weimai itself would expect, for reconciliation
    expected_source = "none"
    for terms in TERMS:
        rate, fixed = inputs[terms.rate], inputs[terms.fixed] if terms.fixed else None
        if rate is not None or fixed is not None:
            inputs["expected_rate"], inputs["expected_fixed"], expected_source = rate, fixed, terms.source
            break
    for rule in RULES:
        if inputs[rule.needs] is None or (rule.status is not None and status != rule.status):
            continue
        rate = inputs[rule.rate] if rule.rate else None
        if rule.amount:
            full = inputs[rule.amount] * ((quantity or 1) if rule.per_unit else 1)
            amount = _proportion(full, base, paid) if refunded else full
        else:
            full, amount = commission_fen(paid, rate), commission_fen(base, rate)
        if rule.reported:
            return Rated(base, rate, amount, rule.source, inputs["expected_rate"], full)
        return Rated(base, rate, amount, expected_source, None, full)
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
    if seen_valid and status != PENDING:
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


# ---- the same rules as SQL (booking's set-based path) ------------------------
#
# Each function writes one of the rules above as an SQL expression over the
# columns ``cols`` names: every input of rate_line by its keyword, plus
# "paid" (paid_fen clamped at 0), "refunded" (clamped to 0..paid), "base"
# (paid − refunded), "units" (quantity, 1 when none), "status", and for
# sql_rated "expected_rate", "expected_fixed", "expected_source" (the columns
# sql_expected's expressions were stored in).

def sql_commission_fen(x: str, bp: str) -> str:
    """money.commission_fen for x >= 0: half-up to the fen."""
    return f"(({x}) * ({bp}) + 5000) / 10000"


def sql_proportion(amount: str, part: str, whole: str) -> str:
    """_proportion: amount × part / whole, half-up (away from zero)."""
    return (f"(CASE WHEN ({whole}) <= 0 THEN 0 WHEN ({amount}) >= 0 "
            f"THEN (2 * ({amount}) * ({part}) + ({whole})) / (2 * ({whole})) "
            f"ELSE -((2 * -({amount}) * ({part}) + ({whole})) / (2 * ({whole}))) END)")


def _case(whens: list[tuple[str, str]], default: str | None = None) -> str:
    arms = " ".join(f"WHEN {cond} THEN {value}" for cond, value in whens)
    return f"CASE {arms}{'' if default is None else f' ELSE {default}'} END"


def sql_expected(cols: dict[str, str]) -> dict[str, str]:
    """TERMS as SQL: "expected_rate", "expected_fixed" and "expected_source"."""
    whens = [(" OR ".join(f"{cols[f]} IS NOT NULL" for f in (t.rate, t.fixed) if f), t) for t in TERMS]
    return {
        "expected_rate": _case([(c, cols[t.rate]) for c, t in whens]),
        "expected_fixed": _case([(c, cols[t.fixed] if t.fixed else "NULL") for c, t in whens]),
        "expected_source": _case([(c, f"'{t.source}'") for c, t in whens], "'none'"),
    }


def sql_rated(cols: dict[str, str]) -> dict[str, str]:
    """RULES as SQL: the fields of :class:`Rated` ("source", "rate_bp",
    "commission_fen", "gross_fen", "expected_rate_bp"; the base is cols["base"])."""
    source, rate, amount, gross, expected = [], [], [], [], []
    for rule in RULES:
        cond = f"{cols[rule.needs]} IS NOT NULL"
        if rule.status is not None:
            cond = f"{cols['status']} = '{rule.status}' AND {cond}"
        source.append((cond, f"'{rule.source}'" if rule.reported else cols["expected_source"]))
        rate.append((cond, cols[rule.rate] if rule.rate else "NULL"))
        if rule.amount:
            full = cols[rule.amount] + (f" * {cols['units']}" if rule.per_unit else "")
            share = sql_proportion(full, cols["base"], cols["paid"])
            amount.append((cond, f"CASE WHEN {cols['refunded']} THEN {share} ELSE {full} END"))
            gross.append((cond, full))
        else:
            amount.append((cond, sql_commission_fen(cols["base"], cols[rule.rate])))
            gross.append((cond, sql_commission_fen(cols["paid"], cols[rule.rate])))
        expected.append((cond, cols["expected_rate"] if rule.reported else "NULL"))
    return {
        "source": _case(source, "'none'"),
        "rate_bp": _case(rate),
        "commission_fen": _case(amount, "0"),
        "gross_fen": _case(gross, "0"),
        "expected_rate_bp": _case(expected),
    }


def sql_valid(status: str) -> str:
    """Whether a line's status holds commission (STATUS_BUCKET), as SQL."""
    return f"{status} IN ({', '.join(repr(s) for s in STATUS_BUCKET)})"


def sql_target(cols: dict[str, str]) -> dict[str, str]:
    """:func:`target` for a line that earns (cols["earner"] not null) as SQL:
    "gross", "reversal", "net" (in the bucket "home" names: the first bucket
    :func:`plan` books into when nothing is held yet) over cols "status",
    "seen_valid", "gross_fen", "commission_fen", "earner" and, for "home",
    "net" (the column the net was stored in)."""
    valid, nobody = sql_valid(cols["status"]), f"{cols['earner']} IS NULL"
    void = f"{cols['seen_valid']} AND {cols['status']} != '{PENDING}'"
    gross, amount = cols["gross_fen"], cols["commission_fen"]
    return {
        "gross": _case([(nobody, "0"), (valid, gross), (void, gross)], "0"),
        "reversal": _case([(nobody, "0"), (valid, f"{amount} - {gross}"), (void, f"-{gross}")], "0"),
        "net": _case([(f"{cols['earner']} IS NOT NULL AND {valid}", amount)], "0"),
        "home": _case([(f"{cols.get('net', 'net')} != 0 AND {cols['status']} = '{status}'", f"'{bucket}'")
                       for status, bucket in STATUS_BUCKET.items() if bucket != BUCKETS[0]], f"'{BUCKETS[0]}'"),
    }
