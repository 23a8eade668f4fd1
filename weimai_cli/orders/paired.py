"""Stage 3 for a report whose lines may come as two rows (Taobao's presale
deposit and balance, ``Format.pairs``): a platform's first lines written
straight into ``orders`` all the same.

:class:`Paired` sends a line of one row to :class:`~weimai_cli.orders.write.Direct`
(straight into ``orders``) and the rows flagged ``presale`` to a
:class:`~weimai_cli.orders.write.Staged` table, where a
pair adds up exactly as when the whole file is staged. After the load the
merged presale lines join the others in ``orders`` (sorted by key, as the
staging path inserts them). A presale key that is also a line of one row, a
key seen twice among those, or a status ``orders`` refuses raises
:class:`~weimai_cli.orders.write.Restage`: the file is staged whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import compress
from operator import itemgetter, not_
from types import SimpleNamespace

from weimai_cli.clock import DAY_SQL
from weimai_cli.orders.values import LINE_FIELDS
from weimai_cli.orders.write import _CODE_FIELDS, _VALID_STATUS, Direct, Restage, Staged, Writer

_FLUSH = 2000  # presale lines staged at a time
_PRESALE = itemgetter(-1)


class RowCodes:
    """:class:`~weimai_cli.orders.codes.BadCodes` with the row of each of the
    first ten different codes, so that two kinds of lines counted apart give
    the ten first in the file (``first``: code -> row, in row order)."""

    def __init__(self, shares: set):
        self.shares = shares
        self.count = 0
        self.first: dict[str, int] = {}

    def add(self, codes: Iterable[tuple]) -> None:
        """``codes``: (row, tracking_code, code_status, code_share_id) of each line, by row."""
        for row, code, status, share in codes:
            if code is not None and (status != "ok" or share not in self.shares):
                self.count += 1
                if len(self.first) < 10:
                    self.first.setdefault(code, row)

    def merged(self, other: RowCodes) -> RowCodes:
        both = RowCodes(self.shares)
        both.count = self.count + other.count
        for code, row in sorted((*self.first.items(), *other.first.items()), key=lambda cr: cr[1]):
            if len(both.first) < 10:
                both.first.setdefault(code, row)
        return both


class Paired(Writer):
    """A platform's first lines from a report with presale pairs (see the module)."""

    with_row = True  # (line_key, row, *fields, presale): the presale flag splits them
    inserted = True

    def __init__(self, conn, platform, kind, distributor, import_id):
        super().__init__(conn)
        self.direct = Direct(conn, platform, kind, distributor, import_id)
        self.staged = Staged(conn)  # (temp._lines until the load ends, then temp._presale)
        self.platform = platform
        self.bad_codes = RowCodes(self.direct.bad_codes.shares)
        self.merged = 0
        self._presale_codes: RowCodes | None = None

    def pack(self, chunks: Iterable[list[tuple]], fields=LINE_FIELDS[1:]) -> Iterator[list[tuple]]:
        """Chunks of lines -> the same, checked; counts the bad tracking codes
        of the lines of one row (the presale ones are counted once merged)."""
        names = ("line_key", "row", *fields)
        if self.direct.fixed["kind"] not in ("affiliate", "shop"):
            raise Restage
        status = itemgetter(names.index("status")) if "status" in names else None
        code = itemgetter(*(names.index(f) for f in ("row", *_CODE_FIELDS))) \
            if set(_CODE_FIELDS) <= set(names) else None
        for chunk in chunks:
            if status is not None and not _VALID_STATUS.issuperset(map(status, chunk)):
                raise Restage
            if code is not None:
                self.bad_codes.add(map(code, compress(chunk, map(not_, map(_PRESALE, chunk)))))
            yield chunk

    def load(self, packed: Iterable[list[tuple]], fields=LINE_FIELDS[1:]) -> None:
        conn, staged = self.conn, self.staged
        held: list[tuple] = []

        def stage() -> None:
            if held:
                staged.load([held[:]], fields)
                held.clear()

        # (line_key, row, *fields, presale) -> (line_key, *fields)
        single = itemgetter(0, *range(2, len(fields) + 2))

        def singles() -> Iterator[list[tuple]]:
            for chunk in packed:
                flags = list(map(_PRESALE, chunk))
                if any(flags):
                    one = list(map(single, compress(chunk, map(not_, flags))))
                    held.extend(compress(chunk, flags))
                    if len(held) >= _FLUSH:
                        stage()
                else:
                    one = list(map(single, chunk))
                self.fed += len(chunk)
                yield one
            stage()
            # the pairs added up as the staging path adds them (res.merged, the
            # month of a pair), then out of the way of the view Direct names _lines
            counts = SimpleNamespace(merged=0, rejected=0)
            if staged.total != staged.fed:
                staged.check_conflicts(None, counts, False, None)
            self.merged = counts.merged
            conn.execute("ALTER TABLE temp._lines RENAME TO _presale")

        self.direct.load(singles(), fields)
        if conn.execute(
            "SELECT 1 FROM temp._presale p JOIN orders o ON o.platform = ? AND o.line_key = p.line_key LIMIT 1",
            (self.platform,),
        ).fetchone():
            raise Restage  # (a presale key that is also a line of one row: the staging path merges them)
        fixed = self.direct.fixed
        cols = ", ".join(LINE_FIELDS[1:])
        values = ", ".join(
            "coalesce(refunded_fen, 0)" if f == "refunded_fen" else "json_patch('{}', extra)" if f == "extra" else f
            for f in LINE_FIELDS[1:]
        )
        added = conn.execute(
            f"INSERT INTO orders (platform, line_key, {cols}, {', '.join(fixed)}, day) "
            f"SELECT ?, line_key, {values}, {', '.join('?' for _ in fixed)}, "
            f"{DAY_SQL.format(paid='paid_at', created='created_at')} FROM temp._presale ORDER BY line_key",
            (self.platform, *fixed.values()),
        ).rowcount
        if added:
            self._presale_codes = RowCodes(self.bad_codes.shares)
            self._presale_codes.add(conn.execute(
                "SELECT row, tracking_code, code_status, code_share_id FROM temp._presale "
                "WHERE tracking_code IS NOT NULL ORDER BY row"
            ))
        self.total = self.direct.total + added

    def check_conflicts(self, table, res, skip_bad, rejects) -> None:
        """(none: a key twice is staged whole) The pairs merged; the bad codes of both kinds of lines."""
        res.merged = self.merged
        if self._presale_codes is not None:
            self.bad_codes = self.bad_codes.merged(self._presale_codes)
            self._presale_codes = None

    def drop(self) -> None:
        kind = self.conn.execute("SELECT type FROM temp.sqlite_master WHERE name = '_lines'").fetchone()
        if kind is not None and kind[0] == "table":
            self.staged.drop()  # (the load stopped before its end)
        self.conn.execute("DROP TABLE IF EXISTS temp._presale")
        self.direct.drop()
