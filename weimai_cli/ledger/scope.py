"""What a statement covers, and the pieces every view of the ledger shares.

A :class:`Scope` is months, a distributor (None: all of them) and a bucket;
its order lines are read live from ``orders`` for an open month and from the
``closed_lines`` snapshot for a closed one. Also here: the checks of a month
and a currency as options give them, the statuses that earn, and the one ROI
formula (statements, breakdowns and share funnels).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from weimai_cli.clock import now
from weimai_cli.errors import UsageError
from weimai_cli.i18n import _
from weimai_cli.money import currency_option

MONTH_RE = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
BY = ("sku", "share", "channel", "campaign", "platform", "day", "distributor")
STATUSES = ("estimated", "confirmed", "settled")
# the statuses that earn, as SQL: commission.STATUS_BUCKET's (written out, so that a
# statement need not import the booking code; tests/ledger/test_statement_speed.py checks)
EARNING = ("paid", "confirmed", "settled")
VALID = "(" + ", ".join(f"'{s}'" for s in EARNING) + ")"
ALL = "*"
BASE = "CNY"
# the seller's own distributor: the shop sales through no share (they earn
# nobody) belong to the seller, so they show in its statement and the
# all-distributors one, never in another distributor's (statements go to 达人)
SELLER = "me"

# query-plan hints, which SQLite understands from 3.35 on (before, a CTE used
# once is folded in anyway, and one used twice is computed twice: slower, same)
_HINTS = sqlite3.sqlite_version_info >= (3, 35)
MATERIALIZED = "MATERIALIZED " if _HINTS else ""
NOT_MATERIALIZED = "NOT MATERIALIZED " if _HINTS else ""

# an open month's lines (the expected rate is the ledger's: ledger_state)
OPEN_LINES = """
SELECT o.platform, o.line_key, o.month AS period, o.distributor, o.kind, o.sku, o.title, o.share_id,
       o.day, coalesce(o.currency, 'CNY') AS currency,
       o.status, o.paid_fen, o.refunded_fen, o.reported_rate_bp, NULL AS expected_rate_bp
FROM orders o
WHERE o.month IN ({months})
"""
CLOSED_LINES = """
SELECT platform, line_key, period, distributor, kind, sku, title, share_id, day, currency, status,
       paid_fen, refunded_fen, reported_rate_bp, expected_rate_bp
FROM closed_lines WHERE period IN ({months})
"""


def check_currency(text: str) -> str:
    """A currency code as payouts and spend store it (money.currency_option)."""
    return currency_option(text)


def check_month(text: str, option: str = "--month") -> str:
    if not MONTH_RE.fullmatch(text or ""):
        raise UsageError(_("{option} {text!r} is not a month").format(option=option, text=text),
                         _("write it as YYYY-MM, e.g. 2026-11"))
    return text


def months_between(start: str, end: str) -> list[str]:
    from weimai_cli.ledger.booking import next_month

    if end < start:
        raise UsageError(_("--to {end} is before --from {start}").format(end=end, start=start), _("swap them"))
    out = [start]
    while out[-1] != end:
        out.append(next_month(out[-1]))
        if len(out) > 120:
            raise UsageError(_("a statement covers at most 120 months"), _("narrow --from/--to"))
    return out


def current_month() -> str:
    return now().strftime("%Y-%m")


def closed_periods(conn) -> set[str]:
    """The closed months (booking.closed_periods, without importing the booking code)."""
    return {r[0] for r in conn.execute("SELECT period FROM closed_periods")}


def placeholders(items) -> str:
    return ", ".join("?" for _ in items)


@dataclass
class Scope:
    months: list[str]
    distributor: str | None  # None = all distributors
    status: str | None = None  # estimated | confirmed | settled

    def lines_cte(self, closed: set[str]) -> tuple[str, list]:
        shut = [m for m in self.months if m in closed]
        live = [m for m in self.months if m not in closed]
        parts, params = [], []
        if live:
            parts.append(OPEN_LINES.format(months=placeholders(live)))
            params += live
        if shut:
            parts.append(CLOSED_LINES.format(months=placeholders(shut)))
            params += shut
        # never materialised: folded into the query, the lines are read from the covering index
        sql = f"WITH lines AS {NOT_MATERIALIZED}(" + " UNION ALL ".join(parts) + ")"
        return sql, params

    def line_filter(self) -> tuple[str, list]:
        where, params = [f"x.status IN {VALID}"], []
        if self.distributor is not None:
            where.append("x.distributor = ?")
            params.append(self.distributor)
        if self.status:
            where.append("x.status = ?")
            params.append({"estimated": "paid"}.get(self.status, self.status))
        return " AND ".join(where), params

    def ledger_filter(self) -> tuple[str, list]:
        where, params = [f"l.period IN ({placeholders(self.months)})"], list(self.months)
        if self.distributor is not None:
            where.append("l.distributor = ?")
            params.append(self.distributor)
        if self.status:
            where.append("l.bucket = ?")
            params.append(self.status)
        return " AND ".join(where), params


def mine_or_nobody(distributor: str) -> str:
    """The lines of one distributor's statement (a parameter: the distributor):
    its own, and for the seller also those that earn nobody (SELLER)."""
    if distributor == SELLER:
        return "(x.distributor = ? OR x.distributor IS NULL)"
    return "x.distributor = ?"


def known_distributor(conn, handle: str) -> str:
    """The handle, if such a distributor exists (else NotFound with close matches)."""
    from weimai_cli.sharing.distributors import get_distributor

    return get_distributor(conn, handle)["handle"]


def roi(net: int, spend: int) -> str | None:
    """(net − spend) / spend as a percent with one decimal, or None with no spend."""
    if not spend:
        return None
    from decimal import ROUND_HALF_UP, Decimal

    pct = (Decimal(net - spend) * 100 / Decimal(spend)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{pct}%"
