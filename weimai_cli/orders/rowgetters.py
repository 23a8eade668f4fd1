"""Row getters of order exports (:class:`Cols`): for one file, field name ->
a function of a row's cells giving the canonical value, raising
:class:`~weimai_cli.orders.values.FieldError` (with the column) on anything
doubtful."""

from __future__ import annotations

import re
from collections.abc import Callable

from weimai_cli.i18n import _
from weimai_cli.money import MAX_COUNT, MoneyError, parse_money, parse_rate, too_large
from weimai_cli.orders.values import (
    _MONEY_ONE,
    _TIME_ONE,
    NONE,
    FieldError,
    Getter,
    _none,
    _out_of_bounds,
    parse_time,
)
from weimai_cli.tables.cells import IdError, cell_text, id_text


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
                        raise FieldError(i, _("id is empty"), _("every order line needs its id"))
                    return None
                if v.isalnum() and "e" not in v and "E" not in v:
                    return v
            try:
                s = id_text(v)
            except IdError as exc:
                raise FieldError(i, str(exc), _("re-export the report with ids as text (CSV)")) from None
            if s in NONE:
                if required:
                    raise FieldError(i, _("id is empty"), _("every order line needs its id"))
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
                    i, str(exc), _("write amounts like 12.50, ¥1,299.00 (two decimals at most)")
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
                # ({pct}: "% o" would read as a printf placeholder to the catalog's tools)
                raise FieldError(i, str(exc), _("rates are percent: 0.45, 7.50{pct} or 70.00 %").format(pct="%")) \
                    from None

        return get

    def int(self, name: str, *, negative: bool = False) -> Getter:
        i = self.mapping.get(name)
        if i is None:
            return _none

        def get(values):
            v = values[i]
            if isinstance(v, float):
                if not v.is_integer():
                    raise FieldError(i, _("not a whole number: {value!r}").format(value=v), _("write a whole number"))
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
                    raise FieldError(i, _("negative number: {n}").format(n=t), _("write a whole number of 1 or more"))
                if not (t.isdigit() or (negative and t[:1] == "-" and t[1:].isdigit())):
                    raise FieldError(i, _("not a whole number: {value!r}").format(value=s), _("write a whole number"))
                if len(t.lstrip("-0")) > 12:  # before int(): 5,000 digits would not even convert
                    raise FieldError(i, str(too_large(s, "number")), _("write a whole number"))
                n = int(t)
            if abs(n) > MAX_COUNT:
                raise FieldError(i, str(too_large(v, "number")), _("write a whole number"))
            if n < 0 and not negative:
                raise FieldError(i, _("negative number: {n}").format(n=n), _("write a whole number of 1 or more"))
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
                raise FieldError(i, str(exc), _("write times as YYYY-MM-DD HH:MM:SS")) from None
            why = out and _out_of_bounds(out[:10], bounds)
            if why:
                raise FieldError(i, why, _("check the date, or import with --allow-any-date"))
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
                raise FieldError(i, _("status is empty"), _("known statuses: {known}").format(known=known))
            canon = exact.get(raw) or lookup.get(_status_key(raw))
            if canon is None:
                raise FieldError(i, _("unknown status {raw!r}").format(raw=raw),
                                 _("known statuses: {known}").format(known=known))
            return canon, raw

        return get


def _status_key(s: str) -> str:
    return re.sub(r"[\s_\-]+", "", s).lower()
