"""The entry points: :func:`open_table` (a :class:`Table` of rows streamed
from any container) and :func:`parts` (the zip members or sheets of a file)."""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter
from pathlib import Path

from weimai_cli.errors import BadInput
from weimai_cli.i18n import _
from weimai_cli.tables import caps
from weimai_cli.tables.caps import (
    _UNPACK_ERRORS,
    CAP_HINT,
    _damaged,
    check_packed,
    max_uncompressed,
)
from weimai_cli.tables.cells import cell_text
from weimai_cli.tables.containers import _json_rows, _zip_members
from weimai_cli.tables.encodings import (
    ENCODING_HINT,
    SNIFF_BYTES,
    _bad_text_line,
    _detect_encoding,
    _mixed_encodings,
    sniff,
)
from weimai_cli.tables.headers import _find_header, _same_header, normalise_header
from weimai_cli.tables.text import _csv_rows, _line_numbers, _open_text
from weimai_cli.tables.workbook import _sheet_rows, _workbook


@dataclass
class Table:
    path: str
    container: str
    encoding: str | None
    raw_header: list[str]
    header: list[str]
    header_row: int
    rows: Iterator[tuple[int, list]]
    size: int = 0
    skipped_title_rows: int = 0
    part: str | None = None
    repeated_header_rows: list[int] = field(default_factory=list)
    # XLSX formula cells with no saved value (read as empty): {row: {column index: "G5"}}
    uncached: dict[int, dict[int, str]] = field(default_factory=dict)
    _progress: Callable[[], int] = field(default=lambda: 0, repr=False)
    _closers: list = field(default_factory=list, repr=False)

    @property
    def name(self) -> str:
        return Path(self.path).name

    def bytes_read(self) -> int:
        return self._progress()

    def column(self, index: int) -> str:
        """The 1-based column number and header, for error messages."""
        return str(index + 1)

    def error(self, row: int | None, col: int | None, message: str, hint: str | None = None):
        column = None if col is None else f"{col + 1}"
        if col is not None and col < len(self.raw_header):
            message = f"{self.raw_header[col].strip()}: {message}"
        return BadInput(message, hint, file=self.path, row=row, column=column)

    def close(self) -> None:
        for c in self._closers:
            c.close()

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


TEXT_CHUNK = 1000  # rows a text file's body reads at a time


def open_table(
    path: str | Path,
    *,
    is_header: Callable[[list[str]], bool] | None = None,
    ragged: str = "error",
    part: str | None = None,
    skip_repeated_header: bool = False,
) -> Table:
    """Open a tabular file by content. ``is_header`` picks the header row out of
    title lines above it; ``ragged`` is "error" or "ignore" for rows longer
    than the header (extra cells that are empty are always fine). ``part``
    names a zip member or a workbook sheet (default: the first, see
    :func:`parts`). With ``skip_repeated_header`` a copy of the header row
    further down (exports glued together) is skipped and its row number kept
    in ``Table.repeated_header_rows``."""
    path = str(path)
    container, enc = sniff(path)
    size = Path(path).stat().st_size
    closers: list = []
    uncached: dict[int, dict[int, str]] = {}
    progress: Callable[[], int] = lambda: 0  # noqa: E731
    reader = None  # a text file's csv reader
    reopen: Callable[[], object] = lambda: open(path, "rb")  # noqa: E731
    if container in ("csv", "tsv"):
        text, counter, reader = _open_text(
            open(path, "rb", buffering=0), enc, "\t" if container == "tsv" else ",", path
        )
        closers.append(text)
        progress = lambda: counter.count  # noqa: E731
        rows = _csv_rows(reader)
    elif container in ("xlsx", "xls"):
        rows, wb, uncached = _sheet_rows(path, container, part)
        closers.append(wb)
    elif container == "zip":
        zf = zipfile.ZipFile(path)
        members = _zip_members(zf)
        if not members:
            raise BadInput(_("the zip file holds no CSV or TSV file"), file=path)
        member = part or members[0]
        info = zf.getinfo(member)
        check_packed(info, f"{path}!{member}")  # before a byte is unpacked
        try:
            with zf.open(member) as fh:
                sample = fh.read(SNIFF_BYTES)
        except _UNPACK_ERRORS as exc:
            raise _damaged(f"{path}!{member}", exc) from None
        enc = _detect_encoding(sample, f"{path}!{member}")
        first = sample.decode(enc, errors="replace").lstrip("\ufeff").split("\n", 1)[0]
        delim = "\t" if first.count("\t") > first.count(",") else ","
        # (the cap holds while reading too: a member may unpack to more than it says)
        text, counter, reader = _open_text(
            zf.open(member), enc, delim, f"{path}!{member}", limit=max_uncompressed()
        )
        reopen = lambda: zf.open(member)  # noqa: E731
        closers.extend([text, zf])
        progress = lambda: counter.count  # noqa: E731
        size = zf.getinfo(member).file_size
        rows = _csv_rows(reader)
        path = f"{path}!{member}"
    else:
        keys, rows = _json_rows(path, enc, container)
        return Table(
            path=path, container=container, encoding=enc, raw_header=keys,
            header=[normalise_header(k) for k in keys], header_row=0, rows=rows, size=size,
        )

    def read_error(exc: Exception) -> BadInput:
        """A decoding or CSV error met while reading, as the BadInput that names its line."""
        if isinstance(exc, UnicodeDecodeError):
            found = _bad_text_line(reopen, enc) if reader is not None else None
            if found is None:
                return BadInput(
                    _("text is not valid {encoding} ({error})").format(encoding=enc, error=exc.reason),
                    _(ENCODING_HINT), file=path,
                )
            if enc in ("utf-8", "utf-8-sig"):
                return _mixed_encodings(path, found[0], "utf-8")
            return BadInput(
                _("text is not valid {encoding} ({error})").format(encoding=enc, error=found[1]),
                _(ENCODING_HINT), file=path, row=found[0],
            )
        if "field larger than field limit" in str(exc):
            return BadInput(
                _("a cell longer than {cap:,} characters (the cap): this is not a table export").format(
                    cap=caps.MAX_CELL),
                _(CAP_HINT), file=path, row=reader.line_num,  # (the line where it passed the cap)
            )
        if isinstance(exc, _UNPACK_ERRORS):
            return _damaged(path, exc)
        return BadInput(_("CSV syntax error ({error})").format(error=exc), file=path)

    try:
        header_row, raw, _rest, skipped = _find_header(rows, path, is_header)
    except (UnicodeDecodeError, csv.Error, *_UNPACK_ERRORS) as exc:
        raise read_error(exc) from None
    raw_header = [cell_text(v) for v in raw]
    while raw_header and not raw_header[-1]:
        raw_header.pop()
    header = [normalise_header(v) for v in raw_header]
    seen: dict[str, int] = {}
    for i, h in enumerate(header):
        if not h:
            continue
        if h in seen:
            raise BadInput(
                _("column name {name!r} appears twice (columns {first} and {second})").format(
                    name=raw_header[i], first=seen[h] + 1, second=i + 1),
                _("rename or remove one of them"),
                file=path, row=header_row, column=str(i + 1),
            )
        seen[h] = i
    width = len(header)
    first_cell = raw_header[0].strip().lstrip("\ufeff") if raw_header else None
    table_ref: list[Table] = []

    def checked(pairs):
        for rownum, values in pairs:
                if (
                    skip_repeated_header and values and type(values[0]) is str
                    and values[0].strip().lstrip("\ufeff") == first_cell
                    and _same_header(values, header)
                ):
                    table_ref[0].repeated_header_rows.append(rownum)
                    continue
                if len(values) > width:
                    extra = values[width:]
                    if ragged == "error" and any(cell_text(v) for v in extra):
                        raise BadInput(
                            _("row has {cells} cells but the header has {width}").format(
                                cells=len(values), width=width),
                            _("a cell probably holds an unquoted delimiter; fix or quote it"),
                            file=path, row=rownum, column=str(width + 1),
                        )
                    values = values[:width]
                elif len(values) < width:
                    values = list(values) + [""] * (width - len(values))
                yield rownum, values

    def clean(chunk: list) -> bool:
        """Every row of a text chunk has the header's width and none can be a
        repeated header: the rows need no look of their own."""
        if set(map(len, chunk)) != {width}:
            return False
        return not (skip_repeated_header and (
            not first_cell or first_cell in "\n".join(map(itemgetter(0), chunk))
        ))

    def text_body():
        """Rows of a CSV/TSV read a chunk at a time: a chunk of :func:`clean`
        rows goes on as it is read (numbered at once when each row is one
        line), others row by row."""
        start = reader.line_num
        while True:
            chunk: list = []
            broken = None
            try:
                chunk.extend(islice(reader, TEXT_CHUNK))  # (keeps the rows read before an error)
            except (UnicodeDecodeError, csv.Error) as exc:
                broken = exc
            if broken is None and clean(chunk):
                # (every row as it is read: only its line number to work out
                # when a cell holds a line break)
                if reader.line_num - start == len(chunk):
                    yield from zip(range(start + 1, reader.line_num + 1), chunk)
                else:
                    yield from zip(_line_numbers(chunk, start), chunk)
            else:
                yield from checked(zip(_line_numbers(chunk, start), chunk))
            if broken is not None:
                raise broken
            if not chunk:
                return
            start = reader.line_num

    def body():
        try:
            yield from (text_body() if reader is not None else checked(rows))
        except (UnicodeDecodeError, csv.Error, *_UNPACK_ERRORS) as exc:
            raise read_error(exc) from None

    table = Table(
        path=path, container=container, encoding=enc, raw_header=raw_header, header=header,
        header_row=header_row, rows=body(), size=size, skipped_title_rows=skipped,
        part=part, uncached=uncached, _progress=progress, _closers=closers,
    )
    table_ref.append(table)
    return table



def parts(path: str | Path) -> list[str | None]:
    """The parts of a file worth reading: zip members, workbook sheets, or [None]."""
    path = str(path)
    container, _enc = sniff(path)
    if container == "zip":
        with zipfile.ZipFile(path) as zf:
            return list(_zip_members(zf)) or [None]
    if container in ("xlsx", "xls"):
        wb = _workbook(path, container)
        try:
            return list(wb.sheet_names) or [None]
        finally:
            wb.close()
    return [None]

