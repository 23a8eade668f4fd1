"""Reading tabular files for every importer (goods, orders, feeds).

:func:`open_table` looks at a file's *content*, never its name, and returns a
:class:`Table`: the container it found (csv, tsv, xlsx, xls, json, jsonl,
zip of CSVs), the encoding, the normalised header and a stream of
``(row_number, values)``. Rows are streamed: memory does not grow with the
file. Values are strings from text files and typed cells (float, int, str,
datetime) from spreadsheets and JSON; :func:`id_text` and :func:`cell_text`
turn them into text the same way for every container.

Errors are :class:`BadInput` naming ``file:row:column``.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter
from pathlib import Path

from weimai_cli.errors import BadInput

SNIFF_BYTES = 1 << 20
HEADER_SCAN_ROWS = 30

_WS = re.compile(r"[\s\u3000\ufeff]+")
_BRACKETS = str.maketrans({"（": "(", "）": ")", "【": "[", "】": "]", "［": "[", "］": "]"})
_SCI = re.compile(r"[+-]?\d+(?:\.\d+)?[eE][+-]?\d+")
_DOT_ZERO = re.compile(r"\d+\.0+")


def normalise_header(name: object) -> str:
    """Strip BOM and every space (inside too), ASCII brackets, lower-case Latin."""
    if name is None:
        return ""
    return _WS.sub("", str(name)).translate(_BRACKETS).lower()


def cell_text(value: object) -> str:
    """A cell as text: strip spaces, tabs, ``="…"`` and a leading ``'``."""
    if type(value) is str:
        s = value.strip()
        if s[:1] not in ("'", "="):  # the common case: nothing to unwrap
            return s
    if value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if not isinstance(value, str):
        return str(value)
    s = value.strip().strip("\t")
    if s.startswith('="') and s.endswith('"') and len(s) >= 3:
        s = s[2:-1]
    if s.startswith("'"):
        s = s[1:]
    return s.strip()


ID_HINT = "format the id column as Text in the spreadsheet (or download the CSV again) and re-import"


class IdError(ValueError):
    pass


def id_text(value: object) -> str:
    """An id as exact text. Scientific notation or ``123.0`` is an error."""
    if isinstance(value, bool):
        raise IdError(f"not an id: {value!r}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not value.is_integer():
            raise IdError(f"id is a fractional number {value!r}; re-export ids as text")
        if abs(value) >= 1e15:
            raise IdError(
                f"id {value:.0f} is a number with more than 15 digits, so its last digits "
                "are lost; re-export ids as text"
            )
        return str(int(value))
    s = cell_text(value)
    if "." not in s and "e" not in s and "E" not in s:  # neither check below can match
        return s
    if _SCI.fullmatch(s):
        raise IdError(f"id {s!r} was turned into scientific notation; re-export ids as text")
    if _DOT_ZERO.fullmatch(s):
        raise IdError(f"id {s!r} was turned into a number; re-export ids as text")
    return s


_SUMMARY = re.compile(r"(合计|总计|小计|总合计|total|totals|grand\s*total|subtotal)(\b|[:：\s]|$)", re.I)


_SUMMARY_START = frozenset("合总小TtGgSs \t'=\"")


def is_summary_row(values: list) -> bool:
    """A totals line (``合计``, ``总计``, ``Total …``): its first non-empty cell says so."""
    if values:
        v = values[0]
        if type(v) is str and v and v[0] not in _SUMMARY_START:
            return False  # the common case, decided without a regex
    for v in values:
        s = cell_text(v)
        if s:
            return bool(_SUMMARY.match(s))
    return False


def mojibake_repairs(raw_header: list[str]) -> list[tuple[str, list[str]]]:
    """Other readings of a header that was decoded with the wrong codec.

    UTF-8 text read as GBK turns ``商品名称`` into ``鍟嗗搧鍚嶇О``; the reverse
    happens too. Each cell is transcoded back where it can be (a cell that
    cannot stays as it is). Returns ``(what happened, repaired header)`` for
    each reading that changed something, so a caller can say "this is
    mojibake" when the repaired header is one it knows.
    """
    out = []
    for wrong, right, what in (
        ("gb18030", "utf-8", "UTF-8 text that was read or saved as GBK/GB18030"),
        ("utf-8", "gb18030", "GBK/GB18030 text that was read or saved as UTF-8"),
        ("latin-1", "utf-8", "UTF-8 text that was read or saved as Latin-1"),
    ):
        fixed = []
        for cell in raw_header:
            try:
                fixed.append(cell.encode(wrong).decode(right))
            except (UnicodeEncodeError, UnicodeDecodeError):
                fixed.append(cell)
        if fixed != list(raw_header):
            out.append((what, fixed))
    return out


def looks_like_mojibake(raw_header: list[str]) -> bool:
    """Replacement characters or the classic ``锟斤拷`` in a header."""
    text = "".join(raw_header)
    return "\ufffd" in text or "锟斤拷" in text or "Ã" in text


class _CountingReader(io.RawIOBase):
    """Counts bytes read, for progress bars over text streams."""

    def __init__(self, raw):
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        n = self.raw.readinto(b)
        self.count += n or 0
        return n

    def close(self) -> None:
        self.raw.close()
        super().close()


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


def _detect_encoding(sample: bytes, path: str) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith(codecs.BOM_UTF16_LE) or sample.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    if b"\x00" in sample:
        raise BadInput(
            "this is a binary file, not a table",
            "give a CSV, TSV, XLSX, XLS or JSON export",
            file=path,
        )
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        codecs.getincrementaldecoder("gb18030")().decode(sample, final=False)
        return "gb18030"
    except UnicodeDecodeError:
        raise BadInput(
            "text is neither UTF-8 nor GB18030",
            "save the file as UTF-8 CSV",
            file=path,
        ) from None


def sniff(path: str | Path) -> tuple[str, str | None]:
    """(container, encoding) from the file's first bytes."""
    path = str(path)
    try:
        with open(path, "rb") as fh:
            sample = fh.read(SNIFF_BYTES)
    except IsADirectoryError:
        raise BadInput("is a directory, not a file", file=path) from None
    except FileNotFoundError:
        raise BadInput("no such file", "check the path", file=path) from None
    except OSError as exc:  # a name too long, permissions …
        raise BadInput(f"cannot read the file: {exc.strerror}", "check the path", file=path) from None
    if not sample.strip(b" \t\r\n" + codecs.BOM_UTF8):
        raise BadInput("the file is empty", "export the data again", file=path)
    if sample.startswith(b"PK\x03\x04") or sample.startswith(b"PK\x05\x06"):
        try:
            with zipfile.ZipFile(path) as zf:
                names = zf.namelist()
        except zipfile.BadZipFile:
            raise BadInput(
                "the spreadsheet/zip file is truncated or damaged",
                "download or export it again",
                file=path,
            ) from None
        if any(n.startswith("xl/") for n in names):
            return "xlsx", None
        return "zip", None
    if sample.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls", None
    enc = _detect_encoding(sample, path)
    text = codecs.getincrementaldecoder(enc)(errors="replace").decode(sample, final=False)
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("["):
        return "json", enc
    if stripped.startswith("{"):
        return "jsonl", enc
    first = stripped.split("\n", 1)[0]
    return ("tsv" if first.count("\t") > first.count(",") else "csv"), enc


def _find_header(
    rows: Iterator[tuple[int, list]], path: str, is_header: Callable[[list[str]], bool] | None
) -> tuple[int, list, list[tuple[int, list]], int]:
    """Scan for the header row; returns (row number, raw header, rows to push back, skipped)."""
    skipped = 0
    seen: list[tuple[int, list]] = []
    for rownum, values in rows:
        if not any(cell_text(v) for v in values):
            continue
        norm = [normalise_header(v) for v in values]
        if is_header is None or is_header(norm):
            return rownum, values, [], skipped
        seen.append((rownum, values))
        skipped += 1
        if skipped >= HEADER_SCAN_ROWS:
            break
    if is_header is not None and seen:
        # no row looked like a header: report against the first non-empty one
        return seen[0][0], seen[0][1], [], 0
    raise BadInput("the file has no header row", "the first row must name the columns", file=path)


TEXT_CHUNK = 1000  # rows a text file's body reads at a time


def _line_numbers(chunk: list, start: int) -> list[int]:
    """The line numbers the csv reader gives a chunk's rows (the last line of
    each) after line ``start``: a row takes one line plus the line breaks
    in its (quoted) cells, where \\r\\n is one break."""
    out = []
    n = start
    for values in chunk:
        n += 1
        for cell in values:
            if "\n" in cell or "\r" in cell:
                n += cell.count("\n") + cell.count("\r") - cell.count("\r\n")
        out.append(n)
    return out


def _csv_rows(reader) -> Iterator[tuple[int, list]]:
    for values in reader:
        yield reader.line_num, values


def _open_text(path: str, enc: str, delimiter: str):
    raw = open(path, "rb", buffering=0)
    counter = _CountingReader(raw)
    buffered = io.BufferedReader(counter, buffer_size=1 << 16)
    text = io.TextIOWrapper(buffered, encoding=enc, newline="")
    reader = csv.reader(text, delimiter=delimiter)
    return text, counter, reader


def _workbook(path: str, container: str):
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(path)
    except Exception as exc:  # calamine raises its own family, plus zip/xml errors
        raise BadInput(
            f"cannot read this {container.upper()} file ({type(exc).__name__}: {exc})",
            "open it in a spreadsheet program and save it again",
            file=path,
        ) from None


def _sheet_rows(
    path: str, container: str, sheet_name: str | None = None
) -> tuple[Iterator[tuple[int, list]], object]:
    wb = _workbook(path, container)
    try:
        sheet = wb.get_sheet_by_name(sheet_name) if sheet_name else wb.get_sheet_by_index(0)
        it = sheet.iter_rows()
    except Exception as exc:  # calamine raises its own family, plus zip/xml errors
        raise BadInput(
            f"cannot read this {container.upper()} file ({type(exc).__name__}: {exc})",
            "open it in a spreadsheet program and save it again",
            file=path,
        ) from None

    def gen():
        for i, row in enumerate(it, start=1):
            yield i, list(row)

    return gen(), wb


NESTED = "not valid JSON for a table (nested too deeply)"
NESTED_HINT = "give an array of flat objects, one per row"


def _json_rows(path: str, enc: str, container: str):
    if container == "json":
        with open(path, encoding=enc) as fh:
            try:
                data = json.load(fh)
            except json.JSONDecodeError as exc:
                raise BadInput(
                    f"not valid JSON ({exc.msg})", "check the file", file=path, row=exc.lineno
                ) from None
            except RecursionError:
                raise BadInput(NESTED, NESTED_HINT, file=path) from None
        if not isinstance(data, list) or not all(isinstance(o, dict) for o in data):
            raise BadInput("JSON must be an array of objects", file=path)
        items: Iterator[tuple[int, dict]] = enumerate(data, start=1)
    else:
        fh = open(path, encoding=enc)

        def lines():
            with fh:
                for n, line in enumerate(fh, start=1):
                    if not line.strip():
                        continue
                    try:
                        obj = json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise BadInput(
                            f"not valid JSON ({exc.msg})", file=path, row=n
                        ) from None
                    except RecursionError:
                        raise BadInput(NESTED, NESTED_HINT, file=path, row=n) from None
                    if not isinstance(obj, dict):
                        raise BadInput("each JSON line must be an object", file=path, row=n)
                    yield n, obj

        items = lines()
    first = next(items, None)
    if first is None:
        raise BadInput("the file is empty", "export the data again", file=path)
    keys = list(first[1].keys())
    if container == "json":
        for obj in data:
            for k in obj:
                if k not in keys:
                    keys.append(k)

    def gen():
        yield first[0], [first[1].get(k) for k in keys]
        for n, obj in items:
            yield n, [obj.get(k) for k in keys]

    return keys, gen()


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
    progress: Callable[[], int] = lambda: 0  # noqa: E731
    reader = None  # a text file's csv reader
    if container in ("csv", "tsv"):
        text, counter, reader = _open_text(path, enc, "\t" if container == "tsv" else ",")
        closers.append(text)
        progress = lambda: counter.count  # noqa: E731
        rows = _csv_rows(reader)
    elif container in ("xlsx", "xls"):
        rows, wb = _sheet_rows(path, container, part)
        closers.append(wb)
    elif container == "zip":
        zf = zipfile.ZipFile(path)
        members = _zip_members(zf)
        if not members:
            raise BadInput("the zip file holds no CSV or TSV file", file=path)
        member = part or members[0]
        with zf.open(member) as fh:
            sample = fh.read(SNIFF_BYTES)
        enc = _detect_encoding(sample, f"{path}!{member}")
        first = sample.decode(enc, errors="replace").lstrip("\ufeff").split("\n", 1)[0]
        delim = "\t" if first.count("\t") > first.count(",") else ","
        counter = _CountingReader(zf.open(member))
        buffered = io.BufferedReader(counter, buffer_size=1 << 16)
        text = io.TextIOWrapper(buffered, encoding=enc, newline="")
        reader = csv.reader(text, delimiter=delim)
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

    try:
        header_row, raw, _, skipped = _find_header(rows, path, is_header)
    except UnicodeDecodeError as exc:
        raise BadInput(f"text is not valid {enc} ({exc.reason})", file=path) from None
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
                f"column name {raw_header[i]!r} appears twice (columns {seen[h] + 1} and {i + 1})",
                "rename or remove one of them",
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
                            f"row has {len(values)} cells but the header has {width}",
                            "a cell probably holds an unquoted delimiter; fix or quote it",
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
        """Rows of a CSV/TSV read a chunk at a time: a chunk of one line per
        row and :func:`clean` rows goes on as it is read, others row by row."""
        start = reader.line_num
        while True:
            chunk: list = []
            broken = None
            try:
                chunk.extend(islice(reader, TEXT_CHUNK))  # (keeps the rows read before an error)
            except (UnicodeDecodeError, csv.Error) as exc:
                broken = exc
            if broken is None and reader.line_num - start == len(chunk) and clean(chunk):
                yield from zip(range(start + 1, reader.line_num + 1), chunk)
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
        except UnicodeDecodeError as exc:
            raise BadInput(
                f"text is not valid {enc} ({exc.reason})", "save the file as UTF-8", file=path
            ) from None
        except csv.Error as exc:
            raise BadInput(f"CSV syntax error ({exc})", file=path) from None

    table = Table(
        path=path, container=container, encoding=enc, raw_header=raw_header, header=header,
        header_row=header_row, rows=body(), size=size, skipped_title_rows=skipped,
        part=part, _progress=progress, _closers=closers,
    )
    table_ref.append(table)
    return table


def _same_header(values: list, header: list[str]) -> bool:
    if not values or normalise_header(values[0]) != header[0]:
        return False
    return [normalise_header(v) for v in values[: len(header)]] == header


def _zip_members(zf: zipfile.ZipFile) -> list[str]:
    return [n for n in zf.namelist() if n.lower().endswith((".csv", ".tsv", ".txt"))]


def parts(path: str | Path) -> list[str | None]:
    """The parts of a file worth reading: zip members, workbook sheets, or [None]."""
    path = str(path)
    container, _ = sniff(path)
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


def match_columns(
    header: list[str],
    aliases: dict[str, tuple[str, ...]],
    overrides: dict[str, str] | None = None,
) -> tuple[dict[str, int], list[int]]:
    """Map canonical field -> column index using alias lists; return (mapping, unknown columns).

    ``overrides`` (normalised header -> field, e.g. from a feed's ``--map``) win over aliases."""
    overrides = overrides or {}
    lookup: dict[str, str] = {}
    for fieldname, names in aliases.items():
        for n in (fieldname, *names):
            lookup.setdefault(normalise_header(n), fieldname)
    mapping: dict[str, int] = {}
    for i, h in enumerate(header):
        if h in overrides and overrides[h] not in mapping:
            mapping[overrides[h]] = i
    unknown: list[int] = []
    for i, h in enumerate(header):
        if not h or mapping.get(overrides.get(h, "")) == i:
            continue
        f = lookup.get(h)
        if f is None or f in mapping:
            unknown.append(i)
        else:
            mapping[f] = i
    return mapping, unknown
