"""Order export formats: one small module per platform export.

Each module defines ``FORMAT``, a :class:`Format`: the platform and kind
(affiliate report or shop export, DESIGN §5), the column aliases for every
field (all the spellings FORMATS.md lists), the fields whose columns must be
there, the status map onto the canonical states, and ``build``, which
compiles a parser for one file's columns. The parser turns rows into order
lines (dicts of :data:`~weimai_cli.orders.values.LINE_FIELDS`).

Every format whose rows are one line each describes its lines declaratively
(``DESCRIPTION``, a :class:`~weimai_cli.orders.formats.convert.Description`:
which column each field is read from and as what, the line key, the texts a
tracking code may stand in, the ``extra`` JSON, a column-wise derive hook)
and ``build`` is that description compiled by the one converter
(:mod:`~weimai_cli.orders.formats.convert`), which reads a batch of rows a
column at a time. Only Shopify keeps a parser of its own, row by row: its
lines are grouped rows (see its module).

:func:`detect` picks the format from a header (auto-detection) and, when none
fits, names the closest formats and the columns they miss.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

from weimai_cli.errors import BadInput
from weimai_cli.i18n import _
from weimai_cli.tables.headers import normalise_header

# format name -> module (in this package)
MODULES = {
    "taobao-union": "taobao_union",
    "taobao-union-legacy": "taobao_union_legacy",
    "taobao-refund": "taobao_refund",
    "jd-union": "jd_union",
    "amazon-earnings": "amazon_earnings",
    "amazon-orders": "amazon_orders",
    "shopify": "shopify",
    "douyin": "douyin",
    "douyin-affiliate": "douyin_affiliate",
    "generic": "generic",
}
NAMES = tuple(MODULES)


@dataclass
class Context:
    """What a row parser may need besides the row: code verification, options."""

    codes: Callable[..., dict]
    platform: str | None = None
    currency: str | None = None


class Parser:
    """Turns rows into order lines; ``flush`` emits lines held back (grouped rows).

    ``fields``: the line fields this parser can set (others are always None);
    None means any. ``batch`` (stateless parsers only): a batch of rows'
    values (text or a workbook's typed cells) -> {field: one value per row,
    or None for all None}, equal to what ``feed`` makes of each row, or None
    / FieldError when the batch must go row by row. A ``grouped`` parser's
    batch (Shopify's: lines known only once their order ends) holds state:
    it takes the rows and their numbers and gives (columns, the row numbers
    of the lines they hold), the lines of rows it holds back coming with a
    later batch or ``flush``; or None, its row path's state then as if
    ``feed`` had read every row before the batch.
    """

    def __init__(self, feed: Callable[[int, list], list], flush: Callable[[], list] | None = None,
                 *, fields: tuple[str, ...] | None = None,
                 batch: Callable[..., dict | tuple | None] | None = None, grouped: bool = False):
        self.feed = feed
        self.flush = flush or (lambda: [])
        self.fields = fields
        self.batch = batch
        self.grouped = grouped


@dataclass
class Format:
    name: str
    platform: str
    kind: str  # "affiliate" or "shop"
    title: str
    columns: dict[str, tuple[str, ...]]
    required: tuple[str, ...]
    build: Callable  # (Cols, Context) -> Parser: a DESCRIPTION's build, or the format's own
    statuses: dict[str, str] = field(default_factory=dict)
    mode: str = "orders"  # "refund": updates lines already imported, never adds
    currency: str | None = "CNY"
    date_order: str | None = None
    decimal_comma_columns: tuple[str, ...] = ()  # headers that mean "16,39" amounts
    priority: int = 0  # ties in auto-detection go to the higher one
    currency_of: Callable[[list[str]], str | None] | None = None  # currency from the header
    # a line may come as two rows (Taobao presale: deposit and balance), merged
    # on import: such files are staged whole rather than written straight in
    pairs: bool = False

    def match(self, header: list[str], extra: dict[str, tuple[str, ...]] | None = None):
        """(field -> column index, missing required fields) for a normalised header.

        ``extra`` (a user's --map) is tried first; a column serves one field.
        """
        lookup: dict[str, str] = {}
        for source in (extra or {}, self.columns):
            for fieldname, names in source.items():
                for n in names:
                    lookup.setdefault(normalise_header(n), fieldname)
        mapping: dict[str, int] = {}
        for i, h in enumerate(header):
            f = lookup.get(h) if h else None
            if f is not None and f not in mapping:
                mapping[f] = i
        missing = [f for f in self.required if f not in mapping]
        return mapping, missing

    def label(self, fieldname: str) -> str:
        """The column name a user should add for a field (its first alias)."""
        names = self.columns.get(fieldname) or (fieldname,)
        return names[0]

    def decimal_comma(self, header: list[str]) -> bool:
        wanted = {normalise_header(h) for h in self.decimal_comma_columns}
        return any(h in wanted for h in header)


_cache: dict[str, Format] = {}


def get(name: str) -> Format:
    if name not in MODULES:
        from weimai_cli.errors import UsageError

        raise UsageError(
            _("unknown format {name!r}").format(name=name), _("use auto or one of: {names}").format(names=", ".join(NAMES))
        )
    if name not in _cache:
        _cache[name] = importlib.import_module(f"{__name__}.{MODULES[name]}").FORMAT
    return _cache[name]


def all_formats() -> list[Format]:
    return [get(n) for n in NAMES]


def looks_like_header(norm: list[str]) -> bool:
    """True when a row names at least two required columns of some format."""
    cells = {c for c in norm if c}
    if len(cells) < 2:
        return False
    for fmt in all_formats():
        _, missing = fmt.match(norm)
        if len(fmt.required) - len(missing) >= min(2, len(fmt.required)):
            return True
    return False


def candidates(header: list[str]) -> list[tuple[Format, dict, list]]:
    """Every format with its mapping and missing fields, best first."""
    out = []
    for fmt in all_formats():
        mapping, missing = fmt.match(header)
        out.append((fmt, mapping, missing))
    out.sort(key=lambda t: (len(t[2]), -len(t[1]), -t[0].priority))
    return out


def detect(header: list[str], raw_header: list[str], path: str, row: int | None) -> Format:
    """The format whose required columns are all in the header (auto-detection)."""
    found = candidates(header)
    full = [t for t in found if not t[2]]
    if full:
        full.sort(key=lambda t: (-t[0].priority, -len(t[1])))
        return full[0][0]
    from weimai_cli.tables.headers import looks_like_mojibake, mojibake_repairs

    def known(t):  # required columns of a format found in a header
        return len(t[0].required) - len(t[2])

    best = {t[0].name: known(t) for t in found}
    for what, fixed in mojibake_repairs(raw_header):
        norm = [normalise_header(h) for h in fixed]
        if any(known(t) >= min(2, len(t[0].required)) and known(t) > best[t[0].name]
               for t in candidates(norm)):
            raise BadInput(
                _("the header is mojibake: {what} (read {read} …, meant {meant} …)").format(
                    what=what, read=", ".join(raw_header[:3]), meant=", ".join(fixed[:3])),
                _("export the report again, or save it as UTF-8 CSV without converting it"),
                file=path, row=row,
            )
    if looks_like_mojibake(raw_header):
        raise BadInput(
            _("the header is garbled (mojibake: replacement characters)"),
            _("the file was saved with the wrong encoding; export it again"),
            file=path, row=row,
        )
    close = [t for t in found if t[0].name != "generic"][:3]
    missing_text = _("{format} (missing {columns})")
    parts = [
        missing_text.format(format=fmt.name, columns=", ".join(fmt.label(f) for f in missing))
        for fmt, _m, missing in close
    ]
    shown = ", ".join(h for h in raw_header if h) or _("(none)")
    raise BadInput(
        _("no known order format matches this header; closest: {closest}; found: {found}").format(
            closest="; ".join(parts), found=shown),
        _("give --format NAME, or map the columns with --map COLUMN=field (generic)"),
        file=path, row=row,
    )
