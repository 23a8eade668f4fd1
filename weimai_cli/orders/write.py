"""Stage 3, writing lines: one :class:`Writer` interface, two strategies.

A part's lines go, as they are read, either into a temporary staging table
(:class:`Staged`: duplicate keys merge there, every later step compares it
with ``orders``) or, for a platform's first lines, straight into ``orders``
(:class:`Direct`: one write per line instead of staging and copying). Both
write :data:`GROUP` lines to a statement, every value a bound parameter
(:class:`Grouped`): no value is ever part of the SQL text. After the load,
``temp._lines`` holds (or, for :class:`Direct`, shows) the part's lines for
the stages that follow (merge, attribution, booking).

A writer's :meth:`Writer.pack` (checks, made where the lines are read, a
forked child process for a large file: forked.py) is apart from
:meth:`Writer.load` (the writes, always in this process).
"""

from __future__ import annotations

import contextlib
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import chain
from operator import itemgetter

from weimai_cli.clock import DAY_SQL, now_iso
from weimai_cli.db.indexes import plain_indexes_dropped, rebuild_pays
from weimai_cli.errors import BadInput
from weimai_cli.i18n import _
from weimai_cli.orders.codes import BadCodes
from weimai_cli.orders.values import LINE_FIELDS, RANK_SQL, STATUSES

GROUP = 20  # lines per INSERT statement: a third less time per line than a statement each
_CODE_FIELDS = ("tracking_code", "code_status", "code_share_id")
# fields of the staging table besides LINE_FIELDS
_STAGE_EXTRA = ("presale",)
_VALID_STATUS = frozenset((*STATUSES, None))  # (NULL: SQLite's NOT NULL still refuses it)

# sqlite3 binds None only after a failed adapter search (a protocol lookup and
# two attribute probes per value: the larger part of a staging insert's cost,
# as most fields of most lines are empty). An adapter that returns None binds
# the same NULL without the search; it is registered for the import only.
_NONE_KEY = (type(None), sqlite3.PrepareProtocol)


@contextmanager
def fast_null_binding():
    if _NONE_KEY in sqlite3.adapters:
        yield
        return
    sqlite3.register_adapter(type(None), {}.get)  # {}.get(None) is None
    try:
        yield
    finally:
        sqlite3.adapters.pop(_NONE_KEY, None)


class Restage(Exception):
    """A file :class:`Direct` cannot load: a line key appears twice (or a
    status orders would refuse)."""


class Grouped:
    """An INSERT of lines, :data:`GROUP` to a statement: ``template``'s
    ``{}`` filled by one VALUES row a line. ``row(first)`` is the row of a
    line whose ``width`` values are the parameters ?first, ?first+1, …; the
    ``fixed`` values (the same for every line: a platform, an import id)
    are the parameters ?1…?len(fixed), which every row may use."""

    def __init__(self, template: str, row: Callable[[int], str], width: int, fixed: tuple = ()):
        self.template, self.row, self.width, self.fixed = template, row, width, fixed
        self._sql: dict[int, str] = {}

    def statement(self, lines: int) -> str:
        sql = self._sql.get(lines)
        if sql is None:
            first, width = len(self.fixed) + 1, self.width
            sql = self._sql[lines] = self.template.format(
                ", ".join(self.row(first + n * width) for n in range(lines))
            )
        return sql

    def write(self, conn, chunk: list[tuple]) -> int:
        """Write a chunk of lines; returns the rows changed."""
        fixed = self.fixed
        flat = list(chain.from_iterable(chunk))
        step = self.width * GROUP
        whole = len(chunk) // GROUP * step
        changed = conn.executemany(
            self.statement(GROUP), [fixed + tuple(flat[i:i + step]) for i in range(0, whole, step)]
        ).rowcount if whole else 0
        if whole < len(flat):
            changed += conn.execute(self.statement(len(chunk) % GROUP), fixed + tuple(flat[whole:])).rowcount
        return changed


def numbered(width: int) -> Callable[[int], str]:
    """``row(first)``: a VALUES row of ``width`` plain parameters from ?first."""
    return lambda first: "(" + ", ".join(f"?{first + i}" for i in range(width)) + ")"


class Writer(ABC):
    """Where a part's lines go as they are read.

    ``with_row``: the lines carry their row number and presale flag (the
    tuples :func:`weimai_cli.orders.lines.from_rows` makes with
    ``with_row``); ``inserted``: once loaded, the lines are in ``orders``
    already (nothing left to insert); ``fed``, ``total``: the lines written,
    the lines there are after merging; ``bad_codes``: the bad tracking codes
    counted while packing (None: counted from ``temp._lines`` later)."""

    with_row = True
    inserted = False
    bad_codes: BadCodes | None = None

    def __init__(self, conn):
        self.conn = conn
        self.fed = self.total = 0

    def pack(self, chunks: Iterable[list[tuple]], fields=LINE_FIELDS[1:]) -> Iterable[list[tuple]]:
        """Chunks of lines -> the same, checked (may run in a child process)."""
        return chunks

    @abstractmethod
    def load(self, packed: Iterable[list[tuple]], fields=LINE_FIELDS[1:]) -> None:
        """Write the chunks :meth:`pack` gave."""

    def check_conflicts(self, table, res, skip_bad, rejects) -> None:
        """Report the keys that came twice with different data (error or rejects).
        A writer that refuses a key seen twice (:class:`Direct`) has none."""
        return None

    @abstractmethod
    def drop(self) -> None:
        """Drop the temporary tables and views (``temp._lines`` …)."""


class Staged(Writer):
    """The temporary staging table of one file part (``temp._lines``)."""

    def __init__(self, conn):
        super().__init__(conn)
        conn.execute("DROP TABLE IF EXISTS temp._lines")
        cols = ", ".join(f for f in LINE_FIELDS[1:])
        conn.execute(
            f"CREATE TEMP TABLE _lines (line_key TEXT PRIMARY KEY, row INTEGER NOT NULL, {cols}, "
            "presale INTEGER NOT NULL DEFAULT 0, merged INTEGER NOT NULL DEFAULT 0, "
            "conflicts TEXT) WITHOUT ROWID"
        )

    def load(self, chunks, fields=LINE_FIELDS[1:]) -> None:
        """Stage ``chunks``: lists of tuples of line_key, row, ``fields`` and presale."""
        names = ("line_key", "row", *fields, *_STAGE_EXTRA)
        both = "(_lines.presale OR excluded.presale)"
        summed = ("paid_fen", "settled_fen", "reported_commission_fen", "settled_commission_fen")
        differs = " OR ".join(f"_lines.{f} IS NOT excluded.{f}" for f in LINE_FIELDS[1:])
        sets = [
            f"{f} = CASE WHEN {both} AND (_lines.{f} IS NOT NULL OR excluded.{f} IS NOT NULL) "
            f"THEN coalesce(_lines.{f}, 0) + coalesce(excluded.{f}, 0) ELSE _lines.{f} END"
            for f in summed
        ]
        sets += [
            f"paid_at = CASE WHEN {both} THEN max(coalesce(_lines.paid_at, ''), "
            "coalesce(excluded.paid_at, '')) ELSE _lines.paid_at END",
            f"status = CASE WHEN {both} AND {RANK_SQL.format('excluded.status')} > "
            f"{RANK_SQL.format('_lines.status')} THEN excluded.status ELSE _lines.status END",
            f"raw_status = CASE WHEN {both} AND {RANK_SQL.format('excluded.status')} > "
            f"{RANK_SQL.format('_lines.status')} THEN excluded.raw_status ELSE _lines.raw_status END",
            f"extra = CASE WHEN {both} THEN coalesce(_lines.extra, excluded.extra) ELSE _lines.extra END",
            f"conflicts = CASE WHEN NOT {both} AND ({differs}) THEN "
            "coalesce(_lines.conflicts || ',', '') || excluded.row ELSE _lines.conflicts END",
            "merged = _lines.merged + 1",
            f"presale = {both}",
        ]
        # (several lines to a statement: a key twice within one merges as across two)
        insert = Grouped(f"INSERT INTO _lines ({', '.join(names)}) VALUES {{}} "
                         f"ON CONFLICT(line_key) DO UPDATE SET {', '.join(sets)}",
                         numbered(len(names)), len(names))
        for chunk in chunks:
            insert.write(self.conn, chunk)
            self.fed += len(chunk)
        self.total = self.conn.execute("SELECT count(*) FROM _lines").fetchone()[0]

    def check_conflicts(self, table, res, skip_bad, rejects) -> None:
        if self.total == self.fed:
            return  # every key once: nothing merged, nothing conflicts
        clashes = self.conn.execute(
            "SELECT line_key, row, conflicts FROM _lines WHERE conflicts IS NOT NULL ORDER BY row"
        ).fetchall()
        for key, first, later in clashes:
            rows = [int(r) for r in later.split(",")]
            if not skip_bad:
                raise BadInput(
                    _("line {key!r} appears twice with different data: rows {first} and {row}").format(
                        key=key, first=first, row=rows[0]),
                    _("keep one row per line, or make the duplicate rows identical"),
                    file=table.path, row=rows[0],
                )
            for r in rows:
                res.rejected += 1
                rejects.add(table.path, r, None,
                            _("line {key!r} conflicts with row {first} (kept)").format(key=key, first=first))
        res.merged = self.conn.execute("SELECT coalesce(sum(merged), 0) FROM _lines").fetchone()[0]
        res.merged -= sum(len(later.split(",")) for _, _, later in clashes)
        # presale pairs: the combined line's month follows its final payment
        # (its Asia/Shanghai month, as every line's)
        day = DAY_SQL.format(paid="nullif(paid_at, '')", created="created_at")
        self.conn.execute(
            f"UPDATE _lines SET paid_at = nullif(paid_at, ''), month = substr({day}, 1, 7) "
            "WHERE presale AND merged > 0"
        )

    def drop(self) -> None:
        self.conn.execute("DROP TABLE IF EXISTS temp._lines")
        self.conn.execute("DROP TABLE IF EXISTS temp._changed")


class Direct(Writer):
    """A platform's first lines, written straight into ``orders`` as they are
    read. A key seen twice raises :class:`Restage` (the caller rolls back and
    stages the file, where duplicates merge). The CHECK constraints of
    ``orders`` (status and kind in their lists) cost more than the rest of
    the insert when a statement runs once per line (SQLite builds each IN
    list for every run), so they are checked here instead, a chunk at a
    time, with SQLite's skipped for the load; a status outside the list goes
    the staging way, where SQLite refuses it as before. Once the lines reach
    a fifth of those ``orders`` held, its plain indexes are dropped and built
    after the load (see :func:`rebuild_pays`). ``temp._lines`` is then a view
    of the platform's lines (the platform in ``temp._platform``), for the
    steps after the load."""

    with_row = False
    inserted = True

    def __init__(self, conn, platform, kind, distributor, import_id):
        super().__init__(conn)
        self.platform = platform
        self.held = conn.execute("SELECT coalesce(max(rowid), 0) FROM orders").fetchone()[0]
        self.bad_codes = BadCodes(conn)
        self.fixed = {
            "platform": platform, "kind": kind,
            "distributor": (distributor or "me") if kind == "affiliate" else None,
            "first_import_id": import_id, "last_import_id": import_id, "updated_at": now_iso(),
        }

    def _row(self, names: tuple[str, ...]) -> Callable[[int], str]:
        """``row(first)``: the VALUES row of a line of ``names`` from ?first
        (the fixed values are ?1…; the line's day reads paid_at and
        created_at again)."""
        fixed = ", ".join(f"?{i}" for i in range(1, len(self.fixed) + 1))

        def row(first: int) -> str:
            at = {f: f"?{first + names.index(f)}" if f in names else "NULL" for f in ("paid_at", "created_at")}
            binds = [
                f"coalesce(?{i}, 0)" if f == "refunded_fen"
                else f"json_patch('{{}}', ?{i})" if f == "extra" else f"?{i}"
                for i, f in enumerate(names, first)
            ]
            return f"({fixed}, {', '.join(binds)}, {DAY_SQL.format(paid=at['paid_at'], created=at['created_at'])})"

        return row

    def pack(self, chunks: Iterable[list[tuple]], fields=LINE_FIELDS[1:]) -> Iterator[list[tuple]]:
        """Chunks of lines (line_key, *fields) -> the same, checked; counts
        the bad tracking codes."""
        names = ("line_key", *fields)
        if self.fixed["kind"] not in ("affiliate", "shop"):
            raise Restage
        status = itemgetter(names.index("status")) if "status" in names else None
        code = itemgetter(*map(names.index, _CODE_FIELDS)) if set(_CODE_FIELDS) <= set(names) else None
        for chunk in chunks:
            if status is not None and not _VALID_STATUS.issuperset(map(status, chunk)):
                raise Restage
            if code is not None:
                self.bad_codes.add(map(code, chunk))
            yield chunk

    def load(self, packed: Iterable[list[tuple]], fields=LINE_FIELDS[1:]) -> None:
        """Write the chunks :meth:`pack` gave."""
        names = ("line_key", *fields)
        insert = Grouped(
            f"INSERT INTO orders ({', '.join(self.fixed)}, {', '.join(names)}, day) VALUES {{}} "
            "ON CONFLICT (platform, line_key) DO NOTHING",
            self._row(names), len(names), tuple(self.fixed.values()),
        )
        dropped = False
        with contextlib.ExitStack() as indexes:
            self.conn.execute("PRAGMA ignore_check_constraints = ON")
            indexes.callback(self.conn.execute, "PRAGMA ignore_check_constraints = OFF")
            for chunk in packed:
                if not dropped and rebuild_pays(self.fed, self.held):
                    indexes.enter_context(plain_indexes_dropped(self.conn, "orders", True))
                    dropped = True
                if insert.write(self.conn, chunk) != len(chunk):
                    raise Restage
                self.fed += len(chunk)
        self.total = self.fed
        self.conn.execute("DROP TABLE IF EXISTS temp._platform")
        self.conn.execute("CREATE TEMP TABLE _platform (platform TEXT NOT NULL)")
        self.conn.execute("INSERT INTO temp._platform VALUES (?)", (self.platform,))
        self.conn.execute(
            f"CREATE TEMP VIEW _lines AS SELECT line_key, rowid AS row, {', '.join(LINE_FIELDS[1:])}, "
            f"0 AS presale, 0 AS merged, NULL AS conflicts FROM main.orders "
            f"WHERE platform = (SELECT platform FROM temp._platform)"
        )

    def drop(self) -> None:
        self.conn.execute("DROP VIEW IF EXISTS temp._lines")
        self.conn.execute("DROP TABLE IF EXISTS temp._platform")
