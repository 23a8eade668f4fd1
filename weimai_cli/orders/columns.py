"""Column functions of order exports (:class:`ColumnGetters`): the row
getters of :class:`~weimai_cli.orders.rowgetters.Cols` over a batch of rows at
once, with a fast path per column."""

from __future__ import annotations

import re
from collections.abc import Callable

from weimai_cli.orders.rowgetters import Cols
from weimai_cli.orders.values import (
    _DIGITS_COLUMN,
    _DROP_SIGNS,
    _ID_COLUMN,
    _ID_COLUMN_OPTIONAL,
    _ID_MANGLED,
    _MONEY_COLUMN,
    _MONEY_COLUMN_SIGN,
    _MONEY_COLUMN_SIGNED,
    _RATE_COLUMN,
    _TIME,
    _TIME_COLUMN,
    _TIME_COLUMN_SLASHED,
    NONE,
    Getter,
)

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


def _bounded_fast(pattern, bounds: tuple[str, str] | None,
                  convert: Callable[[list, str], list]) -> Callable[[list], list | None]:
    """A column of times, each on its line, matching ``pattern`` with every day
    (as written) within ``bounds``: ``convert(col, joined)``; else None (a day
    out of bounds, a time of another shape: the row getter names it)."""
    lo, hi = bounds or ("", "~")

    def fast(col):
        joined = _NL.join(col)
        if _one_per_line(joined, len(col)) and pattern.fullmatch(joined) \
                and lo <= min(col)[:10] and max(col)[:10] <= hi:
            return convert(col, joined)
        return None

    return fast


def _time_fast(bounds: tuple[str, str] | None) -> Callable[[list], list | None]:
    return _bounded_fast(_TIME_COLUMN, bounds, lambda col, joined: (
        joined.replace(" ", "T").replace(_NL, "+08:00\n") + "+08:00").split(_NL))


def _slashed_time_fast(bounds: tuple[str, str] | None) -> Callable[[list], list | None]:
    """``_time_fast`` for 2026/11/09 20:00:00 (dashes for slashes: the same time)."""
    dashed = _time_fast(bounds)

    def fast(col):
        joined = _NL.join(col)
        if _one_per_line(joined, len(col)) and _TIME_COLUMN_SLASHED.fullmatch(joined):
            return dashed(joined.replace("/", "-").split(_NL))
        return None

    return fast


# YYYY-MM-DD HH:MM:SS +0200 (Shopify's): parse_time reads it as 2026-11-03T10:15:00+02:00
_OFFSET_TIME = f"{_TIME} [+-][0-9]{{4}}"
_TIME_COLUMN_OFFSET = re.compile(f"(?:{_OFFSET_TIME}\n)*{_OFFSET_TIME}")


def _offset_time_fast(bounds: tuple[str, str] | None) -> Callable[[list], list | None]:
    """``_time_fast`` for times with a numeric offset (its day the day as written)."""
    return _bounded_fast(_TIME_COLUMN_OFFSET, bounds,
                         lambda col, joined: [f"{v[:10]}T{v[11:19]}{v[20:23]}:{v[23:]}" for v in col])


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
        offset = _offset_time_fast(self.cols.dates)
        return self._get(name, self.cols.time(name), lambda col: _split_empty(col, fast)
                         or _split_empty(col, slashed) or _split_empty(col, offset))

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
