"""Cell values of order exports: the fields of an order line, the statuses,
:class:`FieldError` (a bad value, with its column), times and months parsed,
and the shapes of the usual values. The getters that turn cells into
canonical values, raising :class:`FieldError` on anything doubtful, are
:class:`~weimai_cli.orders.rowgetters.Cols` (a row at a time) and
:class:`~weimai_cli.orders.columns.ColumnGetters` (a batch of rows at once).

Statuses are the canonical states of DESIGN §5; :data:`RANK` orders them so
an import never moves a line backwards.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime

from weimai_cli.clock import SHANGHAI, day_of
from weimai_cli.i18n import _
from weimai_cli.money import MAX_YUAN_DIGITS
from weimai_cli.tables.cells import cell_text

STATUSES = ("pending", "paid", "confirmed", "settled", "cancelled", "refunded", "invalid")
RANK = {"pending": 0, "paid": 1, "confirmed": 2, "settled": 3, "cancelled": 4, "refunded": 4, "invalid": 4}
# the same ranking in SQL, for set-based comparisons
RANK_SQL = (
    "(CASE {0} WHEN 'pending' THEN 0 WHEN 'paid' THEN 1 WHEN 'confirmed' THEN 2 "
    "WHEN 'settled' THEN 3 ELSE 4 END)"
)
NONE = frozenset(("", "--", "-", "—", "无", "null", "NULL", "None"))

# every field an order line can carry, in the order of the staging table
LINE_FIELDS = (
    "line_key", "order_id", "sku", "title", "quantity", "unit_price_fen", "paid_fen",
    "refunded_fen", "settled_fen", "currency", "status", "raw_status", "refund_status",
    "created_at", "paid_at", "confirmed_at", "settled_at", "month", "tracking_code",
    "code_share_id", "code_status", "slot", "reported_commission_fen",
    "settled_commission_fen", "reported_rate_bp", "extra",
)


class FieldError(ValueError):
    """A bad value in one cell: ``col`` is the 0-based column (or None)."""

    def __init__(self, col: int | None, message: str, hint: str | None = None):
        super().__init__(message)
        self.col = col
        self.hint = hint


Getter = Callable[[list], object]


def _none(values: list) -> None:
    return None


# ---- dates ---------------------------------------------------------------

_ISO = re.compile(
    r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?"
)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2}))?")
_SLASHED = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_MDAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _valid(y: int, m: int, d: int, hh: int, mm: int, ss: int) -> bool:
    if not (1 <= m <= 12 and 1 <= d <= _MDAYS[m - 1] and hh < 24 and mm < 60 and ss < 60):
        return False
    if m == 2 and d == 29:
        return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    return True


def _iso(y, m, d, hh, mm, ss, off: str | None) -> str:
    if off is None:
        off = "+08:00"
    elif off == "Z":
        off = "+00:00"
    elif ":" not in off:
        off = off[:3] + ":" + off[3:]
    return f"{y:04d}-{m:02d}-{d:02d}T{hh:02d}:{mm:02d}:{ss:02d}{off}"


def parse_time(value: object, order: str | None = None) -> str | None:
    """A time as ISO 8601 with offset; no offset means Asia/Shanghai.

    ``order`` is "mdy" or "dmy" for formats that write ``03/04/2026``;
    without it such a date is an error when day and month could swap.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=SHANGHAI)
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return _iso(value.year, value.month, value.day, 0, 0, 0, None)
    s = cell_text(value)
    if s in NONE or s == "0":
        return None
    m = _ISO.fullmatch(s)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
        hh, mi, ss = int(m[4] or 0), int(m[5] or 0), int(m[6] or 0)
        off = m[7]
    else:
        m = _COMPACT.fullmatch(s)
        if m:
            y, mo, d = int(m[1]), int(m[2]), int(m[3])
            hh, mi, ss = int(m[4] or 0), int(m[5] or 0), int(m[6] or 0)
            off = None
        else:
            m = _SLASHED.fullmatch(s)
            if not m:
                raise ValueError(_("not a date/time: {value!r}").format(value=s))
            a, b, y = int(m[1]), int(m[2]), int(m[3])
            if y < 100:
                y += 2000
            if order == "mdy" or (order is None and a <= 12 < b):
                mo, d = a, b
            elif order == "dmy" or (order is None and b <= 12 < a):
                mo, d = b, a
            else:
                raise ValueError(
                    _("ambiguous date {value!r}: day and month could be either way round").format(value=s)
                )
            hh, mi, ss = int(m[4] or 0), int(m[5] or 0), int(m[6] or 0)
            off = None
    if not _valid(y, mo, d, hh, mi, ss):
        raise ValueError(_("impossible date/time: {value!r}").format(value=s))
    return _iso(y, mo, d, hh, mi, ss, off)


def month_of(iso: str | None) -> str | None:
    """The Asia/Shanghai month (YYYY-MM) of an ISO time: its day's month."""
    day = day_of(iso)
    return day[:7] if day else None


# ---- getters -----------------------------------------------------------------


def date_bounds(now: datetime) -> tuple[str, str]:
    """The days (YYYY-MM-DD, inclusive) an order's times may fall on: from
    2000-01-01 to the same day a year after ``now`` (1900-01-01, 2099 or
    9999-12-31 in an export is a placeholder or a typo, and one such line
    would hold its month open for ever). A time is judged by its day as
    written (its own offset)."""
    try:
        later = now.replace(year=now.year + 1)
    except ValueError:  # 29 February
        later = now.replace(year=now.year + 1, day=28)
    return FIRST_DAY, later.strftime("%Y-%m-%d")


FIRST_DAY = "2000-01-01"


def _out_of_bounds(day: str, bounds: tuple[str, str]) -> str | None:
    """Why a time's day is outside the bounds, or None."""
    if day < bounds[0]:
        return _("date {day} is before 2000").format(day=day)
    if day > bounds[1]:
        return _("date {day} is more than a year from now (after {last})").format(day=day, last=bounds[1])
    return None


# ---- value shapes: the patterns of the fast paths of the row getters
# (:mod:`~weimai_cli.orders.rowgetters`) and the column functions
# (:mod:`~weimai_cli.orders.columns`)

# ids whose text is the id as it stands: no space, quote or '=' prefix (those
# need cell_text, the row getter's work); a mangled number among them is an
# error the row getter reports. An id without '.', 'e' or 'E' cannot be one.
_ID = r"[^\s'=]\S*+"
_ID_COLUMN = re.compile(rf"(?:{_ID}\n)*+{_ID}")
_ID_COLUMN_OPTIONAL = re.compile(rf"(?:(?:{_ID})?\n)*+(?:{_ID})?")
_ID_MANGLED = re.compile(r"(?m)^(?:[+-]?\d+(?:\.\d+)?[eE][+-]?\d+|\d+\.0+)$")
# at most MAX_COUNT's 12 digits / MAX_YUAN_DIGITS before the separator: a larger number takes
# the slow path and its error
_DIGITS_COLUMN = re.compile(r"[0-9]{1,12}(?:\n[0-9]{1,12})*")
_YUAN = f"[0-9]{{1,{MAX_YUAN_DIGITS}}}"
_MONEY_COLUMN = {
    ".": re.compile(rf"{_YUAN}\.[0-9]{{2}}(?:\n{_YUAN}\.[0-9]{{2}})*"),
    ",": re.compile(rf"{_YUAN},[0-9]{{2}}(?:\n{_YUAN},[0-9]{{2}})*"),
}
MONEY_SIGNS = "¥￥$€"  # the currency signs parse_money reads before an amount
# with "." decimals, also a currency sign ($12.00) or, where negative amounts
# are allowed, a minus (-34.99): parse_money reads them as the plain amount
_SIGNED = rf"(?:[{MONEY_SIGNS}]|-)?{_YUAN}\.[0-9]{{2}}"
_MONEY_COLUMN_SIGNED = re.compile(f"(?:{_SIGNED}\n)*{_SIGNED}")
_SIGN = rf"[{MONEY_SIGNS}]?{_YUAN}\.[0-9]{{2}}"
_MONEY_COLUMN_SIGN = re.compile(f"(?:{_SIGN}\n)*{_SIGN}")
_DROP_SIGNS = str.maketrans("", "", MONEY_SIGNS + ".")
# YYYY-MM-DD[ T]HH:MM:SS naming a real day (leap years included) and time
_DAY_SEP = (  # (~: the separator)
    r"(?:[0-9]{4}~(?:(?:0[13578]|1[02])~(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:0[469]|11)~(?:0[1-9]|[12][0-9]|30)|02~(?:0[1-9]|1[0-9]|2[0-8]))"
    r"|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[048]|[2468][048]|[13579][26])00)~02~29)"
)
_DAY = _DAY_SEP.replace("~", "-")
_CLOCK = r"[ T](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
_TIME = _DAY + _CLOCK
_TIME_COLUMN = re.compile(f"(?:{_TIME}\\n)*{_TIME}")
# the same with slashes (2026/11/09 20:00:00, Douyin's), which parse_time reads alike
_TIME_SLASHED = _DAY_SEP.replace("~", "/") + _CLOCK
_TIME_COLUMN_SLASHED = re.compile(f"(?:{_TIME_SLASHED}\\n)*{_TIME_SLASHED}")
_TIME_ONE = re.compile(_TIME).fullmatch
# rates with two decimals (``0.45``, ``7.50%``): at most 100 % once read
_RATE_ONE = r"[0-9]{1,3}\.[0-9]{2}%?"
_RATE_COLUMN = re.compile(f"(?:{_RATE_ONE}\n)*{_RATE_ONE}")
_MONEY_ONE = {sep: re.compile(f"{_YUAN}{re.escape(sep)}[0-9]{{2}}").fullmatch for sep in ".,"}
