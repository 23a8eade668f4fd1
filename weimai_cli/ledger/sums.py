"""The ledger's derived tables, written by both booking paths: the columns of
``ledger_state`` (what each line holds) and the sums of the booked amounts
per period, distributor, day, currency, bucket and kind (``ledger_days``, and
``ledger_totals`` without the day)."""

from __future__ import annotations

from dataclasses import dataclass

STATE_COLUMNS = (
    "platform, line_key, distributor, share_id, signature, gross_fen, reversal_fen, "
    "estimated_fen, confirmed_fen, settled_fen, month, sku, reported_rate_bp, expected_rate_bp, day"
)
# booked amounts summed per period, distributor, day, currency, bucket and kind
# (temp._ledger_sums) go into ledger_days as they are and into ledger_totals
# without the day: the one place either is written
_SUMS_TABLE = (
    "CREATE TEMP TABLE _ledger_sums (period TEXT, distributor TEXT, day TEXT, currency TEXT, "
    "bucket TEXT, kind TEXT, amount_fen INTEGER)"
)
_SUMS_APPLY = (
    "INSERT INTO ledger_days (period, distributor, day, currency, bucket, kind, amount_fen) "
    "SELECT period, distributor, day, currency, bucket, kind, amount_fen FROM temp._ledger_sums WHERE true "
    "ON CONFLICT (period, distributor, day, currency, bucket, kind) "
    "DO UPDATE SET amount_fen = amount_fen + excluded.amount_fen",
    "INSERT INTO ledger_totals (period, distributor, currency, bucket, kind, amount_fen) "
    "SELECT period, distributor, currency, bucket, kind, sum(amount_fen) FROM temp._ledger_sums "
    "GROUP BY 1, 2, 3, 4, 5 ON CONFLICT (period, distributor, currency, bucket, kind) "
    "DO UPDATE SET amount_fen = amount_fen + excluded.amount_fen",
)


def new_sums(conn) -> None:
    conn.execute("DROP TABLE IF EXISTS temp._ledger_sums")
    conn.execute(_SUMS_TABLE)


def apply_sums(conn) -> None:
    for sql in _SUMS_APPLY:
        conn.execute(sql)
    conn.execute("DROP TABLE temp._ledger_sums")


@dataclass
class Booked:
    """What a booking run wrote."""

    lines: int = 0
    entries: int = 0
    amount_fen: int = 0
    adjustments: int = 0
