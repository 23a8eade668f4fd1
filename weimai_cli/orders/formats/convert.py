"""The one converter of order exports: a format's declarative description
(:class:`Description`) compiled, for one file's columns, into a parser that
converts rows a column at a time.

A description says, for each value a line is made of, which column it is read
from and as what (:func:`Id`, :func:`Text`, :func:`Int`, :func:`Money`,
:func:`Rate`, :func:`Time`, :func:`Status`, with options such as
``required=``, ``negative=``); a read named after a line field
(:data:`~weimai_cli.orders.values.LINE_FIELDS`) is that field, any other name
is a value for the rest of the description (a composite line key, the texts a
tracking code may stand in, the ``extra`` JSON, the derive hook). Constant
fields are ``fixed``; fields that need a computation (a commission that
depends on the status, a presale flag) come from ``derive``, a hook that gets
the batch's columns (:class:`Batch`) and sets whole columns.

The same compiled description serves both paths of the importer:

* ``batch``: a batch of rows, transposed, each column converted at once
  (:class:`~weimai_cli.orders.columns.ColumnGetters`: a fast path for the
  shapes nearly every export uses, else the row getter per value);
* ``feed``: one row, converted as a batch of one. A batch that raises
  :class:`~weimai_cli.orders.values.FieldError` goes row by row, where the
  reads run in the description's order, so a row's error (column, message,
  hint) is the one the first bad read gives.

Every format but Shopify is a description. Shopify keeps its own row-by-row
parser: its lines are grouped rows (order-level fields on the order's first
row, a refund shared over all the order's lines), known only once the order
ends, possibly in a later batch. Taobao's presale pairs (two rows, one line)
need no row path: each row is a line of its own here, flagged ``presale``,
and the importer's staging adds the pair up.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import compress

from weimai_cli.orders.columns import ColumnGetters
from weimai_cli.orders.values import LINE_FIELDS

# what a converted line may carry besides LINE_FIELDS: the importer reads them
# (presale: a deposit row of a pair; is_return: a negative quantity is no error)
FLAGS = ("presale", "is_return")
OUT = frozenset((*LINE_FIELDS, *FLAGS))
CODE_FIELDS = ("tracking_code", "code_share_id", "code_status")
_NL = "\n"


@dataclass(frozen=True)
class Read:
    """One value read from one column (``column``: the format's name for it).

    ``nonzero``: 0 reads as None; ``default``: what an empty cell reads as;
    ``absent``: the value when the file has no such column."""

    kind: str  # id, text, int, money, rate, time or status
    column: str
    required: bool = False
    negative: bool = False
    nonzero: bool = False
    default: object = None
    absent: object = None
    table: dict | None = None  # a status map
    # the rows read (the batch's values so far -> a flag per row); the others
    # are None, and a bad value in them is no error
    when: Callable[[Batch], list] | None = None


def Id(column: str, *, required: bool = False, when=None) -> Read:
    return Read("id", column, required=required, when=when)


def Text(column: str, *, when=None) -> Read:
    return Read("text", column, when=when)


def Int(column: str, *, negative: bool = False, default: object = None,
        absent: object = None, when=None) -> Read:
    return Read("int", column, negative=negative, default=default, absent=absent, when=when)


def Money(column: str, *, negative: bool = False, nonzero: bool = False,
          default: object = None, absent: object = None, when=None) -> Read:
    return Read("money", column, negative=negative, nonzero=nonzero, default=default, absent=absent,
                when=when)


def Rate(column: str, *, when=None) -> Read:
    return Read("rate", column, when=when)


def Time(column: str, *, when=None) -> Read:
    return Read("time", column, when=when)


def Status(table: dict[str, str], column: str = "status", *, default: str | None = None) -> Read:
    """The canonical status through ``table`` (and the raw one, as ``raw_`` +
    the read's name: ``raw_status``);
    ``default``: the status of a row whose cell is empty, or of every row when
    the file has no such column."""
    return Read("status", column, default=default, table=table)


@dataclass(frozen=True)
class Description:
    """How one format's rows become order lines (see the module docstring).

    ``reads``: name -> :class:`Read`, in the order a row is read (its first
    bad value is the row's error). ``key``: the reads whose texts, joined by
    ``joiner``, are the line key (default: the ``line_key`` read). ``codes``:
    the text reads a tracking code may stand in, in order. ``extra``: JSON key
    -> read (or derived) name. ``fixed``: constant line fields. ``lazy``:
    reads the derive hook makes for some rows only (:meth:`Batch.read`).
    ``derives``: the line fields ``derive`` sets."""

    reads: dict[str, Read]
    key: tuple[str, ...] = ()
    joiner: str = ""
    codes: tuple[str, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)
    fixed: dict[str, object] = field(default_factory=dict)
    derive: Callable[[Batch], None] | None = None
    lazy: dict[str, Read] = field(default_factory=dict)
    derives: tuple[str, ...] = ()

    def build(self, c, ctx):
        """The parser for one file: ``c`` the file's Cols, ``ctx`` a Context."""
        return compile_description(self, c, ctx)


class Batch(dict):
    """A batch's values, name -> one value per row (``n`` rows), for ``derive``."""

    def __init__(self, n: int, columns: list, rows: list, lazy: dict, cols):
        super().__init__()
        self.n = n
        self.cols = cols  # the file's Cols (column indexes, for a FieldError)
        self._columns, self._rows, self._lazy = columns, rows, lazy

    def read(self, name: str, where: list) -> list:
        """A lazy read (``Description.lazy``) for the rows where ``where`` is
        true (None elsewhere): a bad value in another row is no error."""
        column, read = self._lazy[name]
        return _read_where(column, read, self._columns, self._rows, where)


def _read_where(column, r: Read, columns: list, rows: list, where: list) -> list:
    """``column`` read for the rows where ``where`` is true, None for the others."""
    n = len(rows)
    if column is None:
        return [r.absent] * n
    picked = list(compress(range(n), where))
    if not picked:
        return [None] * n
    if len(picked) == n:
        return _finish(column(columns, rows), r)
    sub = [rows[j] for j in picked]
    out: list = [None] * n
    for j, v in zip(picked, _finish(column(list(zip(*sub)), sub), r), strict=True):
        out[j] = v
    return out


def _column(k: ColumnGetters, r: Read):
    if r.kind == "id":
        return k.id(r.column, required=r.required)
    if r.kind in ("int", "money"):
        return getattr(k, r.kind)(r.column, negative=r.negative)
    if r.kind == "status":
        return k.status(r.column, r.table, default=r.default)
    return getattr(k, r.kind)(r.column)


def _finish(values: list, r: Read) -> list:
    """A read's options over its column."""
    if r.nonzero and 0 in values:
        values = [v or None for v in values]
    if r.default is not None and r.kind != "status" and None in values:
        d = r.default
        values = [d if v is None else v for v in values]
    return values


# text json.dumps would write as it stands, between quotes
_PLAIN_JSON = re.compile(r'[^\x00-\x1f"\\]*')


def _json_value(v) -> str:
    if type(v) is int:
        return str(v)
    if type(v) is str and _PLAIN_JSON.fullmatch(v):
        return f'"{v}"'
    return json.dumps(v, ensure_ascii=False)


def _json_objects(keys: tuple[str, ...], columns: list, n: int) -> list | None:
    """The ``extra`` JSON of each line, as the importer writes a line's dict
    (``json.dumps`` without the None values, compact, not ASCII-escaped;
    None for a line with none): one column at a time."""
    parts = []
    for key, col in zip(keys, columns, strict=True):
        if col.count(None) == n:
            continue
        prefix = json.dumps(key, ensure_ascii=False) + ":"
        present = [v for v in col if v is not None]
        try:
            plain = _PLAIN_JSON.fullmatch("".join(present)) is not None
        except TypeError:  # (not all text)
            plain = False
        if plain:
            parts.append([None if v is None else f'{prefix}"{v}"' for v in col])
        else:
            parts.append([None if v is None else prefix + _json_value(v) for v in col])
    if not parts:
        return None
    return ["{" + ",".join(filter(None, row)) + "}" if any(row) else None for row in zip(*parts)]


def line_fields(d: Description, c) -> tuple[str, ...]:
    """The line fields a file's lines may carry (the others are None)."""
    have = {"currency", "month", *d.fixed, *d.derives}
    for name, r in d.reads.items():
        if r.kind == "status":
            have.update(f for f in (name, "raw_" + name) if f in OUT)
        elif name in OUT and (c.has(r.column) or r.absent is not None):
            have.add(name)
    if d.key:
        have.add("line_key")
    if any(c.has(d.reads[n].column) for n in d.codes):
        have.update(CODE_FIELDS)
    if d.extra:
        have.add("extra")
    return tuple(f for f in LINE_FIELDS[1:] if f in have)


def compile_description(d: Description, c, ctx):
    from weimai_cli.orders.formats import Parser

    k = ColumnGetters(c)
    plan = [(name, _column(k, r), r) for name, r in d.reads.items()]
    lazy = {name: (_column(k, r), r) for name, r in d.lazy.items()}
    key = [d.key, d.joiner] if d.key else None
    code_names = tuple(n for n in d.codes if c.has(d.reads[n].column))
    codes = ctx.codes
    fixed = tuple(d.fixed.items())
    extra_keys, extra_names = tuple(d.extra), tuple(d.extra.values())
    derive = d.derive

    def convert(rows: list) -> Batch:
        n = len(rows)
        columns = list(zip(*rows))
        got = Batch(n, columns, rows, lazy, c)
        for name, column, r in plan:
            if column is None:
                if r.kind == "status":
                    got[name], got["raw_" + name] = [r.default] * n, [None] * n
                else:
                    got[name] = [r.absent] * n
            elif r.kind == "status":
                got[name], got["raw_" + name] = column(columns, rows)
            elif r.when is not None:
                got[name] = _read_where(column, r, columns, rows, r.when(got))
            else:
                got[name] = _finish(column(columns, rows), r)
        for f, value in fixed:
            got[f] = [value] * n
        if key is not None:
            names, joiner = key
            got["line_key"] = list(map(joiner.join, zip(*(got[f] for f in names))))
        if derive is not None:
            derive(got)
        if code_names:
            texts = [got[f] for f in code_names]
            found = {f: [None] * n for f in CODE_FIELDS}
            # (codes() looks only at texts holding "wm": the rows with one, found a column at a time)
            hits = [[t is not None and "wm" in t.lower() for t in col] for col in texts
                    if "wm" in _NL.join(filter(None, col)).lower()]
            if hits:
                for j in compress(range(n), hits[0] if len(hits) == 1 else map(any, zip(*hits))):
                    for f, value in codes(*(t[j] for t in texts)).items():
                        found[f][j] = value
            got.update(found)
        return got

    def feed(rownum: int, values: list) -> list:
        got = convert([values])
        line = {f: col[0] for f, col in got.items() if f in OUT}
        if extra_keys:
            line["extra"] = {key: got[name][0] for key, name in zip(extra_keys, extra_names, strict=True)}
        return [(rownum, line)]

    def batch(rows: list) -> dict:
        got = convert(rows)
        out = {f: col for f, col in got.items() if f in OUT}
        if extra_keys:
            out["extra"] = _json_objects(extra_keys, [got[name] for name in extra_names], got.n)
        return out

    return Parser(feed, fields=line_fields(d, c), batch=batch)
