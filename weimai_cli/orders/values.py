"""Cell values of order exports: getters that turn a row's cells into canonical
values, raising :class:`FieldError` (with the column) on anything doubtful.

Statuses are the canonical states of DESIGN §5; :data:`RANK` orders them so
an import never moves a line backwards.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime

from weimai_cli.clock import SHANGHAI, day_of
from weimai_cli.money import (
    MAX_COUNT,
    MAX_YUAN_DIGITS,
    MoneyError,
    parse_money,
    parse_rate,
    too_large,
)
from weimai_cli.tables.cells import IdError, cell_text, id_text

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
                raise ValueError(f"not a date/time: {s!r}")
            a, b, y = int(m[1]), int(m[2]), int(m[3])
            if y < 100:
                y += 2000
            if order == "mdy" or (order is None and a <= 12 < b):
                mo, d = a, b
            elif order == "dmy" or (order is None and b <= 12 < a):
                mo, d = b, a
            else:
                raise ValueError(
                    f"ambiguous date {s!r}: day and month could be either way round"
                )
            hh, mi, ss = int(m[4] or 0), int(m[5] or 0), int(m[6] or 0)
            off = None
    if not _valid(y, mo, d, hh, mi, ss):
        raise ValueError(f"impossible date/time: {s!r}")
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
        return f"date {day} is before 2000"
    if day > bounds[1]:
        return f"date {day} is more than a year from now (after {bounds[1]})"
    return None


class Cols:
    """Compiled getters for one file: field name -> column index.

    ``dates``: the (first, last) days times may fall on (:func:`date_bounds`),
    or None for any day (``orders import --allow-any-date``)."""

    def __init__(self, mapping: dict[str, int], *, decimal_comma: bool = False,
                 date_order: str | None = None, dates: tuple[str, str] | None = None):
        self.mapping = mapping
        self.decimal_comma = decimal_comma
        self.date_order = date_order
        self.dates = dates
        self.money_columns: set[int] = set()  # the columns read as amounts

    def has(self, name: str) -> bool:
        return name in self.mapping

    def index(self, name: str) -> int | None:
        return self.mapping.get(name)

    def raw(self, name: str) -> Getter:
        i = self.mapping.get(name)
        if i is None:
            return _none

        def get(values):
            return values[i]

        return get

    def text(self, name: str) -> Getter:
        i = self.mapping.get(name)
        if i is None:
            return _none

        def get(values):
            v = values[i]
            s = v.strip() if type(v) is str else cell_text(v)
            return None if s in NONE else s

        return get

    def id(self, name: str, *, required: bool = False) -> Getter:
        i = self.mapping.get(name)
        if i is None:
            return _none

        def get(values):
            v = values[i]
            # fast path: plain letters and digits cannot be a mangled number
            if type(v) is str:
                if v in NONE:
                    if required:
                        raise FieldError(i, "id is empty", "every order line needs its id")
                    return None
                if v.isalnum() and "e" not in v and "E" not in v:
                    return v
            try:
                s = id_text(v)
            except IdError as exc:
                raise FieldError(i, str(exc), "re-export the report with ids as text (CSV)") from None
            if s in NONE:
                if required:
                    raise FieldError(i, "id is empty", "every order line needs its id")
                return None
            return s

        return get

    def money(self, name: str, *, negative: bool = False) -> Getter:
        i = self.mapping.get(name)
        if i is None:
            return _none
        self.money_columns.add(i)
        comma = self.decimal_comma
        sep = "," if comma else "."
        usual = _MONEY_ONE[sep]

        def get(values):
            v = values[i]
            # fast path: the usual 12.50 (or 12,50 with decimal commas)
            if type(v) is str and usual(v):
                return int(v.replace(sep, ""))
            try:
                return parse_money(v, allow_negative=negative, decimal_comma=comma, empty=NONE)
            except MoneyError as exc:
                raise FieldError(
                    i, str(exc), "write amounts like 12.50, ¥1,299.00 (two decimals at most)"
                ) from None

        return get

    def rate(self, name: str) -> Getter:
        i = self.mapping.get(name)
        if i is None:
            return _none

        def get(values):
            try:
                return parse_rate(values[i], empty=NONE)
            except MoneyError as exc:
                raise FieldError(i, str(exc), "rates are percent: 0.45, 7.50% or 70.00 %") from None

        return get

    def int(self, name: str, *, negative: bool = False) -> Getter:
        i = self.mapping.get(name)
        if i is None:
            return _none

        def get(values):
            v = values[i]
            if isinstance(v, float):
                if not v.is_integer():
                    raise FieldError(i, f"not a whole number: {v!r}", "write a whole number")
                n = int(v)
            elif isinstance(v, int):
                n = v
            elif type(v) is str and v.isdigit() and v.isascii() and len(v) <= 12:  # ≤ MAX_COUNT
                return int(v)
            else:
                s = cell_text(v)
                if s in NONE:
                    return None
                t = s.replace(",", "")
                if t[:1] == "-" and t[1:].isdigit() and not negative:
                    raise FieldError(i, f"negative number: {t}", "write a whole number of 1 or more")
                if not (t.isdigit() or (negative and t[:1] == "-" and t[1:].isdigit())):
                    raise FieldError(i, f"not a whole number: {s!r}", "write a whole number")
                if len(t.lstrip("-0")) > 12:  # before int(): 5,000 digits would not even convert
                    raise FieldError(i, str(too_large(s, "number")), "write a whole number")
                n = int(t)
            if abs(n) > MAX_COUNT:
                raise FieldError(i, str(too_large(v, "number")), "write a whole number")
            if n < 0 and not negative:
                raise FieldError(i, f"negative number: {n}", "write a whole number of 1 or more")
            return n

        return get

    def time(self, name: str) -> Getter:
        i = self.mapping.get(name)
        if i is None:
            return _none
        order = self.date_order
        bounds = self.dates or ("", "~")  # (every day is within these)
        cache: dict = {}

        def get(values):
            v = values[i]
            if type(v) is str:
                hit = cache.get(v)
                if hit is not None:
                    return hit
                # fast path: YYYY-MM-DD HH:MM:SS naming a real day, the shape most exports use
                if _TIME_ONE(v) and bounds[0] <= v[:10] <= bounds[1]:
                    return f"{v[:10]}T{v[11:]}+08:00"
            try:
                out = parse_time(v, order)
            except ValueError as exc:
                raise FieldError(i, str(exc), "write times as YYYY-MM-DD HH:MM:SS") from None
            why = out and _out_of_bounds(out[:10], bounds)
            if why:
                raise FieldError(i, why, "check the date, or import with --allow-any-date")
            if isinstance(v, str) and out is not None:
                if len(cache) > 4096:
                    cache.clear()
                cache[v] = out
            return out

        return get

    def status(self, name: str, table: dict[str, str], *, default: str | None = None) -> Callable:
        """Getter for (canonical, raw) status through a format's status map."""
        i = self.mapping.get(name)
        lookup = {_status_key(k): v for k, v in table.items()}
        exact = dict(table)
        known = ", ".join(sorted(table)[:12])

        def get(values):
            if i is None:
                return default, None
            v = values[i]
            raw = v.strip() if type(v) is str else cell_text(v)
            if raw in NONE:
                if default is not None:
                    return default, None
                raise FieldError(i, "status is empty", f"known statuses: {known}")
            canon = exact.get(raw) or lookup.get(_status_key(raw))
            if canon is None:
                raise FieldError(i, f"unknown status {raw!r}", f"known statuses: {known}")
            return canon, raw

        return get


def _status_key(s: str) -> str:
    return re.sub(r"[\s_\-]+", "", s).lower()


# ---- columns: the same getters over a batch of rows at once -------------------------
#
# A batch of rows is transposed and each column of text (CSV/TSV: every
# cell a str) is checked and converted with one regular expression over the
# column joined by newlines, then by C-level str/list operations. A column
# function gives, for each row, exactly what the row getter gives. Its fast
# path accepts only values whose result it can prove equal to the getter's
# (the shapes nearly every export uses, with empty cells such as ``--`` set
# apart); any other column, or one holding a typed cell (a workbook's number
# or date), falls back to the getter per value, and a value the getter
# rejects raises FieldError, on which the caller handles the whole batch row
# by row (so errors, rejects and their order stay exactly those of the row path).

# (the batch's columns, its rows) -> one value per row
Column = Callable[[list, list], list]

_NL = "\n"
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


def _one_per_line(joined: str, n: int) -> bool:
    """No cell of the joined column holds a newline of its own."""
    return joined.count(_NL) == n - 1


def _nones(col) -> list:
    return [None if v in NONE else v for v in col]


def _split_empty(col, fast: Callable[[list], list | None]) -> list | None:
    """``fast`` over the cells that are not empty; empty cells (``""``, ``--``,
    any of :data:`NONE`, which every getter of a number or time reads as
    None) give None."""
    if NONE.isdisjoint(col):
        return fast(col)
    full = [v for v in col if v not in NONE]
    if not full:
        return [None] * len(col)
    got = fast(full)
    if got is None:
        return None
    it = iter(got)
    return [None if v in NONE else next(it) for v in col]


def _column(i: int, get: Getter, fast: Callable[[tuple], list | None] | None) -> Column:
    def column(columns, rows):
        try:
            out = fast(columns[i]) if fast is not None else None
        except TypeError:  # a typed cell (a workbook's number or date): the getter decides
            out = None
        return [get(v) for v in rows] if out is None else out

    return column


def _id_fast(required: bool) -> Callable[[tuple], list | None]:
    pattern = _ID_COLUMN if required else _ID_COLUMN_OPTIONAL

    def fast(col):
        joined = _NL.join(col)
        if not (_one_per_line(joined, len(col)) and pattern.fullmatch(joined)):
            # ids padded with spaces or a TAB (Douyin's long ids): their text stripped
            col = list(map(str.strip, col))
            joined = _NL.join(col)
            if not (_one_per_line(joined, len(col)) and pattern.fullmatch(joined)):
                return None
        if ("." in joined or "e" in joined or "E" in joined) and _ID_MANGLED.search(joined):
            return None
        if NONE.isdisjoint(col):
            return list(col)
        return None if required else _nones(col)

    return fast


def _text_fast(col):
    out = list(map(str.strip, col))
    return out if NONE.isdisjoint(out) else _nones(out)


def _digits_fast(col):
    joined = _NL.join(col)
    if _one_per_line(joined, len(col)) and _DIGITS_COLUMN.fullmatch(joined):
        return list(map(int, col))
    return None


def _money_fast(sep: str, negative: bool = False) -> Callable[[list], list | None]:
    pattern = _MONEY_COLUMN[sep]
    signed = (_MONEY_COLUMN_SIGNED if negative else _MONEY_COLUMN_SIGN) if sep == "." else None

    def fast(col):
        joined = _NL.join(col)
        if not _one_per_line(joined, len(col)):
            return None
        if pattern.fullmatch(joined):
            return list(map(int, joined.replace(sep, "").split(_NL)))
        if signed is not None and signed.fullmatch(joined):
            return list(map(int, joined.translate(_DROP_SIGNS).split(_NL)))
        return None

    return lambda col: _split_empty(col, fast)


def _rate_fast(col):
    joined = _NL.join(col)
    if _one_per_line(joined, len(col)) and _RATE_COLUMN.fullmatch(joined):
        out = list(map(int, joined.replace(".", "").replace("%", "").split(_NL)))
        if max(out) <= 100_00:
            return out
    return None  # (over 100 %: the row getter names it)


def _time_fast(bounds: tuple[str, str] | None) -> Callable[[list], list | None]:
    lo, hi = bounds or ("", "~")

    def fast(col):
        joined = _NL.join(col)
        if _one_per_line(joined, len(col)) and _TIME_COLUMN.fullmatch(joined) \
                and lo <= min(col)[:10] and max(col)[:10] <= hi:
            return (joined.replace(" ", "T").replace(_NL, "+08:00\n") + "+08:00").split(_NL)
        return None  # (a day out of bounds: the row getter names it)

    return fast


def _slashed_time_fast(bounds: tuple[str, str] | None) -> Callable[[list], list | None]:
    """``_time_fast`` for 2026/11/09 20:00:00 (dashes for slashes: the same time)."""
    dashed = _time_fast(bounds)

    def fast(col):
        joined = _NL.join(col)
        if _one_per_line(joined, len(col)) and _TIME_COLUMN_SLASHED.fullmatch(joined):
            return dashed(joined.replace("/", "-").split(_NL))
        return None

    return fast


def _status_fast(table: dict[str, str]) -> Callable[[tuple], tuple | None]:
    exact = {k: v for k, v in table.items() if k == k.strip() and k not in NONE}

    def fast(col):
        canon = list(map(exact.get, col))
        return None if None in canon else (canon, list(col))

    return fast


class ColumnGetters:
    """Column functions for one file: ``Cols``' getters over a batch at once."""

    def __init__(self, cols: Cols):
        self.cols = cols

    def _get(self, name: str, getter: Getter, fast) -> Column | None:
        i = self.cols.index(name)
        return None if i is None else _column(i, getter, fast)

    def id(self, name: str, *, required: bool = False) -> Column | None:
        return self._get(name, self.cols.id(name, required=required), _id_fast(required))

    def text(self, name: str) -> Column | None:
        return self._get(name, self.cols.text(name), _text_fast)

    def int(self, name: str, *, negative: bool = False) -> Column | None:
        return self._get(name, self.cols.int(name, negative=negative),
                         lambda col: _split_empty(col, _digits_fast))

    def money(self, name: str, *, negative: bool = False) -> Column | None:
        sep = "," if self.cols.decimal_comma else "."
        return self._get(name, self.cols.money(name, negative=negative), _money_fast(sep, negative))

    def time(self, name: str) -> Column | None:
        fast, slashed = _time_fast(self.cols.dates), _slashed_time_fast(self.cols.dates)
        return self._get(name, self.cols.time(name),
                         lambda col: _split_empty(col, fast) or _split_empty(col, slashed))

    def rate(self, name: str) -> Column | None:
        return self._get(name, self.cols.rate(name), lambda col: _split_empty(col, _rate_fast))

    def status(self, name: str, table: dict[str, str], *, default: str | None = None) -> Column | None:
        """(canonical, raw) lists; a missing column is the caller's default."""
        i = self.cols.index(name)
        if i is None:
            return None
        get = self.cols.status(name, table, default=default)
        fast = _status_fast(table)

        def column(columns, rows):
            try:
                out = fast(columns[i])
            except TypeError:  # (an unhashable cell: the getter decides)
                out = None
            if out is None:
                pairs = [get(v) for v in rows]
                return [p[0] for p in pairs], [p[1] for p in pairs]
            return out

        return column
