"""CSV/TSV text streams: a byte-counting reader that holds the caps on
lines (and on a zip member's size) and the one-file-two-encodings check
while it reads, and the csv reader over it."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator

from weimai_cli.errors import BadInput
from weimai_cli.i18n import _
from weimai_cli.tables import caps
from weimai_cli.tables.caps import CAP_HINT, _over_cap
from weimai_cli.tables.encodings import _hanzi_pair, _mixed_encodings, _utf8_line


class _CountingReader(io.RawIOBase):
    """Counts bytes read, for progress bars over text streams, and holds the
    caps while it reads: a line over :data:`~weimai_cli.tables.caps.MAX_LINE` bytes, more than
    ``limit`` bytes (a zip member), and in a GB18030 file a line of UTF-8
    text (``utf8_lines``: one file in two encodings) are errors naming
    ``where`` and the line."""

    def __init__(self, raw, *, where: str | None = None, limit: int | None = None,
                 encoding: str | None = None):
        self.raw = raw
        self.count = 0
        self.where = where
        self.limit = limit
        self.utf8_lines = encoding == "gb18030"
        self.before_gbk = codecs.getincrementaldecoder("utf-8")() if self.utf8_lines else None
        # line breaks as bytes (a UTF-16 file's are two bytes; \r alone ends a line too)
        be = encoding in ("utf-16-be",)
        self.breaks = (b"\x00\n", b"\x00\r") if be else (
            (b"\n\x00", b"\r\x00") if encoding and encoding.startswith("utf-16") else (b"\n", b"\r"))
        self.lines = 0  # line breaks (\n) read so far
        self.run = 0  # bytes since the last line break

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        n = self.raw.readinto(b)
        if n:
            self.count += n
            self._look(bytes(b[:n]))
        return n

    def _look(self, data: bytes) -> None:
        nl, cr = self.breaks
        first = data.find(nl)
        if first < 0:
            first = data.find(cr)
        last = max(data.rfind(nl), data.rfind(cr))
        if first < 0:
            self.run += len(data)
        elif self.run + first > caps.MAX_LINE:
            self.run += first
        else:
            self.run = len(data) - last - len(nl)
        if self.run > caps.MAX_LINE:
            # the line this block ends in, or the one its first break ends (a
            # line between two breaks of one block is shorter than the block)
            line = self.lines + 1 + (data.count(nl) if 0 <= first and self.run < len(data) else 0)
            raise BadInput(
                _("a line longer than {cap:,} bytes (the cap): this is not a table export").format(
                    cap=caps.MAX_LINE),
                _(CAP_HINT), file=self.where, row=line,
            )
        if self.limit is not None and self.count > self.limit:
            raise _over_cap(self.where, self.limit)
        if self.utf8_lines:
            self._utf8_lines(data)
        self.lines += data.count(nl)

    def _utf8_lines(self, data: bytes) -> None:
        """A line of UTF-8 text after the first GB18030 line is an error; a
        first non-UTF-8 line that is damaged UTF-8 (mojibake saved back) ends
        the look: the header check says more about that."""
        start = 0
        if self.before_gbk is not None:  # only UTF-8 so far
            try:
                self.before_gbk.decode(data)
                return
            except UnicodeDecodeError as exc:
                self.before_gbk = None
                bad = max(exc.start, 0)
                end = data.find(b"\n", bad)
                start = len(data) if end < 0 else end + 1
                if _hanzi_pair(data, data.rfind(b"\n", 0, bad) + 1, start) >= 0:
                    self.utf8_lines = False
                    return
        at = _utf8_line(data, start)
        if at is not None:
            raise _mixed_encodings(self.where, self.lines + data.count(b"\n", 0, at) + 1, "gb18030")

    def close(self) -> None:
        self.raw.close()
        super().close()


def _line_numbers(chunk: list, start: int) -> list[int]:
    """The line numbers the csv reader gives a chunk's rows (the last line of
    each) after line ``start``: a row takes one line plus the line breaks
    in its (quoted) cells, where \\r\\n is one break."""
    out = []
    n = start
    for values in chunk:
        n += 1
        # (a row's cells joined by a comma: a break is never made or split at a
        # join, so the row's breaks are its cells'; most rows hold none)
        row = ",".join(values)
        if "\n" in row or "\r" in row:
            n += row.count("\n") + row.count("\r") - row.count("\r\n")
        out.append(n)
    return out


def _csv_rows(reader) -> Iterator[tuple[int, list]]:
    for values in reader:
        yield reader.line_num, values


def _open_text(raw, enc: str, delimiter: str, where: str, limit: int | None = None):
    counter = _CountingReader(raw, where=where, limit=limit, encoding=enc)
    buffered = io.BufferedReader(counter, buffer_size=1 << 16)
    text = io.TextIOWrapper(buffered, encoding=enc, newline="")
    csv.field_size_limit(caps.MAX_CELL)
    reader = csv.reader(text, delimiter=delimiter)
    return text, counter, reader

