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
import os
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from operator import itemgetter
from pathlib import Path

from weimai_cli.errors import BadInput

SNIFF_BYTES = 1 << 20
HEADER_SCAN_ROWS = 30

# Caps on what one file may make us hold or unpack (hostile or broken files:
# a zip bomb, one endless line). No real export comes near them; over a cap
# the file is refused (exit 1) before, or while, it is read, nothing written.
DEFAULT_MAX_UNCOMPRESSED = 1 << 30  # bytes of one zip member / XLSX part (WEIMAI_MAX_UNCOMPRESSED)
MAX_RATIO = 100  # uncompressed : compressed, of a part of RATIO_FLOOR bytes or more
RATIO_FLOOR = 1 << 20  # (a small XML part can compress 200:1 and is harmless)
MAX_LINE = 4 << 20  # bytes of one line of a CSV/TSV file (more than a 64 KiB read)
MAX_CELL = 131072  # characters of one CSV cell (the csv module's own default limit)
MAX_XML_CELL = 1 << 20  # bytes of one XLSX cell or shared string, as XML
MAX_SHARED_STRINGS = 10_000_000  # strings in an XLSX's shared string table
MAX_UNCACHED = 10_000  # formula cells without a saved value kept per sheet (for errors)
CAP_HINT = "a real export never gets there: check the file (download it again)"


def max_uncompressed() -> int:
    """The cap on one zip member's or XLSX part's unpacked size, in bytes."""
    raw = os.environ.get("WEIMAI_MAX_UNCOMPRESSED")
    if not raw:
        return DEFAULT_MAX_UNCOMPRESSED
    if not raw.isdigit() or int(raw) == 0:
        raise BadInput(f"WEIMAI_MAX_UNCOMPRESSED={raw!r} is not a byte count", "give a whole number")
    return int(raw)


def check_packed(info: zipfile.ZipInfo, where: str) -> None:
    """A zip member's declared size and compression ratio against the caps
    (read from the directory: nothing is unpacked)."""
    cap = max_uncompressed()
    if info.file_size > cap:
        raise BadInput(
            f"unpacks to {info.file_size:,} bytes, over the cap of {cap:,} bytes "
            "(WEIMAI_MAX_UNCOMPRESSED)", CAP_HINT, file=where,
        )
    if info.file_size >= RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        ratio = info.file_size // max(info.compress_size, 1)
        raise BadInput(
            f"unpacks {ratio:,} times its packed size, over the cap of {MAX_RATIO}:1 "
            "(a zip bomb?)", CAP_HINT, file=where,
        )


# what unpacking a damaged zip member raises (a bad CRC, a cut or broken stream)
_UNPACK_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError)


def _damaged(where: str, exc: Exception) -> BadInput:
    return BadInput(f"the zip file is damaged ({exc})", "download or export it again", file=where)


def _over_cap(where: str, cap: int) -> BadInput:
    """A part that unpacks to more than its directory said, and more than the cap."""
    return BadInput(
        f"unpacks to more than the cap of {cap:,} bytes (WEIMAI_MAX_UNCOMPRESSED)", CAP_HINT, file=where,
    )

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


SUMMARY_START = frozenset("合总小TtGgSs \t'=\"")


def is_summary_row(values: list) -> bool:
    """A totals line (``合计``, ``总计``, ``Total …``): its first non-empty cell says so."""
    if values:
        v = values[0]
        if type(v) is str and v and v[0] not in SUMMARY_START:
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
    """Counts bytes read, for progress bars over text streams, and holds the
    caps while it reads: a line over :data:`MAX_LINE` bytes, more than
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
        elif self.run + first > MAX_LINE:
            self.run += first
        else:
            self.run = len(data) - last - len(nl)
        if self.run > MAX_LINE:
            # the line this block ends in, or the one its first break ends (a
            # line between two breaks of one block is shorter than the block)
            line = self.lines + 1 + (data.count(nl) if 0 <= first and self.run < len(data) else 0)
            raise BadInput(
                f"a line longer than {MAX_LINE:,} bytes (the cap): this is not a table export",
                CAP_HINT, file=self.where, row=line,
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


# Two CJK ideographs (U+4E00–U+9FFF) in a row as UTF-8: the mark of Chinese
# UTF-8 text. GBK bytes seldom form one, and a GBK line with one is next to
# never valid UTF-8 as a whole: a line that is, in a GB18030 file, is UTF-8.
# (found as "LccLcc" in the bytes mapped to classes: a lead byte E4–E9 is L,
# a continuation byte 80–BF is c; bytes.find is many times faster than re here)
# Measured: of 1.5 M random GBK lines of common (GB2312 level-1) characters none
# was taken for UTF-8; with the rare level-2 ones drawn as often, 8 of 1.2 M
# lines of three or four characters were (nonsense such as 浣辨冬). Either way
# a wrong call refuses the file with a hint to save it as UTF-8, never imports
# garbled text.
_CLASSES = bytes(
    ord("L") if 0xE4 <= b <= 0xE9 else ord("c") if 0x80 <= b <= 0xBF else ord(".") for b in range(256)
)
_PAIR = b"LccLcc"


def _hanzi_pair(data: bytes, start: int = 0, end: int | None = None) -> int:
    """The offset of the first UTF-8 hanzi pair in ``data[start:end]``, or -1."""
    i = data[start:end].translate(_CLASSES).find(_PAIR)
    return -1 if i < 0 else start + i


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
ENCODING_HINT = "save the whole file in one encoding (UTF-8) and import it again"


def _utf8_line(data: bytes, pos: int = 0) -> int | None:
    """The offset of the first line of ``data`` (from ``pos``) that is UTF-8
    Chinese text (a line cut at either end of ``data`` counts by its part in it)."""
    classes = data.translate(_CLASSES)
    while (i := classes.find(_PAIR, pos)) >= 0:
        start = data.rfind(b"\n", 0, i) + 1
        end = data.find(b"\n", i)
        if end < 0:
            end = len(data)
        try:
            codecs.getincrementaldecoder("utf-8")().decode(data[start:end], final=False)
            return start
        except UnicodeDecodeError:
            pos = end + 1
    return None


def _mixed_encodings(path: str | None, line: int, found: str) -> BadInput:
    if found == "gb18030":
        what = "this line is UTF-8 but the lines above it are GB18030/GBK"
    else:
        what = "this line is not UTF-8 but the lines above it are"
    return BadInput(
        f"{what}: one file in two encodings (tried UTF-8 and GB18030)", ENCODING_HINT,
        file=path, row=line,
    )


def _utf16_without_bom(sample: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when the NUL bytes of ``sample`` are
    those of UTF-16 text without a byte order mark: all on one side of the
    byte pairs, and the text they make is text (no control characters)."""
    n = len(sample) - len(sample) % 2
    even, odd = sample[0:n:2].count(0), sample[1:n:2].count(0)
    for enc, zeros, other in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if zeros and other * 20 <= zeros:
            try:
                text = codecs.getincrementaldecoder(enc)().decode(sample[:n], final=False)
            except UnicodeDecodeError:
                return None
            return None if _CONTROL.search(text) else enc
    return None


def _detect_encoding(sample: bytes, path: str) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith(codecs.BOM_UTF16_LE) or sample.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    if b"\x00" in sample:
        enc = _utf16_without_bom(sample)
        if enc:
            return enc
        raise BadInput(
            "this is a binary file, not a table",
            "give a CSV, TSV, XLSX, XLS or JSON export",
            file=path,
        )
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError as exc:
        bad = exc.start
    # lines of UTF-8 Chinese text, then one that is not: two encodings (a GBK
    # file fails UTF-8 at its first Chinese character, before any such pair)
    line_start = sample.rfind(b"\n", 0, bad) + 1
    if _hanzi_pair(sample, 0, line_start) >= 0:
        raise _mixed_encodings(path, sample.count(b"\n", 0, bad) + 1, "utf-8")
    try:
        codecs.getincrementaldecoder("gb18030")().decode(sample, final=False)
    except UnicodeDecodeError:
        raise BadInput(
            "text is neither UTF-8 nor GB18030",
            "save the file as UTF-8 CSV",
            file=path,
        ) from None
    # UTF-8 lines after GBK ones (the reader checks the lines after the sample);
    # a first line that is damaged UTF-8 is mojibake, which the header check names
    line_end = sample.find(b"\n", bad)
    line_end = len(sample) if line_end < 0 else line_end + 1
    if _hanzi_pair(sample, line_start, line_end) < 0:
        at = _utf8_line(sample, line_end)
        if at is not None:
            raise _mixed_encodings(path, sample.count(b"\n", 0, at) + 1, "gb18030")
    return "gb18030"


def _bad_text_line(reopen: Callable[[], object], enc: str) -> tuple[int, str] | None:
    """(line, reason) of the first bytes of a stream that are not ``enc``
    text, read again from the start (only on an error: cost does not matter)."""
    decoder = codecs.getincrementaldecoder(enc)()
    lines = 0
    with reopen() as fh:
        while block := fh.read(1 << 20):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                return lines + block.count(b"\n", 0, max(exc.start, 0)) + 1, exc.reason
            lines += block.count(b"\n")
    return None


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


def _open_text(raw, enc: str, delimiter: str, where: str, limit: int | None = None):
    counter = _CountingReader(raw, where=where, limit=limit, encoding=enc)
    buffered = io.BufferedReader(counter, buffer_size=1 << 16)
    text = io.TextIOWrapper(buffered, encoding=enc, newline="")
    csv.field_size_limit(MAX_CELL)
    reader = csv.reader(text, delimiter=delimiter)
    return text, counter, reader


def _check_xlsx(path: str) -> None:
    """An XLSX's parts against the caps before calamine reads any of it (it
    holds a workbook's shared strings in memory): declared sizes and ratios
    of every part, then the shared strings streamed through, counted, each
    one's length and the part's real size checked. Done once per file
    version (``parts`` and ``open_table`` both open the workbook)."""
    st = os.stat(path)
    _check_xlsx_once(path, st.st_mtime_ns, st.st_size, max_uncompressed(), MAX_SHARED_STRINGS,
                     MAX_XML_CELL)


@lru_cache(maxsize=8)
def _check_xlsx_once(path: str, _mtime: int, _size: int, cap: int, max_strings: int,
                     max_cell: int) -> None:
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            check_packed(info, f"{path}!{info.filename}")
        for info in zf.infolist():
            if info.filename.lower() == "xl/sharedstrings.xml":
                where = f"{path}!{info.filename}"
                _scan_xml(zf, info.filename, where, cap, max_cell, (b"si",), max_count=max_strings)


_ROOT = re.compile(rb"<(\w+:)?(?:sst|worksheet)\b")
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_CELL_TYPE = re.compile(rb'\bt="(\w+)"')


def _scan_xml(zf: zipfile.ZipFile, name: str, where: str, cap: int, max_cell: int,
              tags: tuple[bytes, ...] = (), formulas: dict | None = None, max_count: int = 0) -> int:
    """Stream one XML part of a workbook; returns how many ``tags`` elements
    open in it. Over ``cap`` bytes unpacked (whatever the directory said),
    one text (a cell's, a shared string's: no ``<`` in it) longer than
    ``max_cell`` bytes, or more than ``max_count`` of those elements (shared
    strings), is an error, raised as soon as it is seen. With ``formulas``,
    formula cells with no saved value go in it as {(row, column index):
    reference}, at most :data:`MAX_UNCACHED`."""
    count = total = since = 0
    opens: tuple[bytes, ...] = ()
    tail = b""  # the end of the last block, for a tag cut in two
    carry = b""  # the formula scan's: the last block's end, whose matches were left to this one
    pattern = cell_open = formula_open = None
    # (blocks no longer than max_cell: a text that long then always spans a
    # block's end, where it is measured)
    size = min(1 << 20, max_cell)
    with zf.open(name) as fh:
        while True:
            block = fh.read(size)
            total += len(block)
            if total > cap:
                raise _over_cap(where, cap)
            if pattern is None:  # the root element's namespace prefix, if any
                m = _ROOT.search(block)
                prefix = (m.group(1) or b"") if m else b""
                opens = tuple(b"<" + prefix + t + end for t in tags for end in (b">", b" ", b"/"))
                p = re.escape(prefix)
                # a formula followed by no value (an empty <v> is none either)
                pattern = re.compile(
                    b"<" + p + rb"f(?:\s[^>]*)?(?:/>|>[^<]*</" + p + rb"f>)(?!<" + p + rb"v>[^<])"
                )
                cell_open, formula_open = b"<" + prefix + b"c ", b"<" + prefix + b"f"
            first = block.find(b"<")
            if first < 0:
                since += len(block)
            else:
                if since + first <= max_cell:
                    since = len(block) - block.rfind(b"<")
                else:
                    since += first
            if since > max_cell:
                raise BadInput(
                    f"one cell's text is longer than {max_cell:,} bytes (the cap)", CAP_HINT, file=where,
                )
            if opens:
                data = tail + block
                starts = [max(len(tail) - len(o) + 1, 0) for o in opens]  # (tags ending in this block)
                count += sum(data.count(o, i) for o, i in zip(opens, starts))
                tail = data[-16:]
                if max_count and count > max_count:
                    raise BadInput(f"holds more than {max_count:,} shared strings (the cap)", CAP_HINT,
                                   file=where)
            if formulas is not None and len(formulas) < MAX_UNCACHED:
                text = carry + block
                # matches that start in the last 64 KiB wait for the next block
                done = len(text) if not block else max(len(text) - 65536, 0)
                if formula_open in text:
                    _uncached_in(text, done, pattern, cell_open, formulas)
                carry = text[done:]
            if not block:
                return count


def _uncached_in(text: bytes, done: int, pattern, cell_open: bytes, formulas: dict) -> None:
    for m in pattern.finditer(text):
        if m.start() >= done or len(formulas) >= MAX_UNCACHED:
            return
        c = text.rfind(cell_open, 0, m.start())
        tag = text[c:text.find(b">", c)] if c >= 0 else b""
        ref, kind = _CELL_REF.search(tag), _CELL_TYPE.search(tag)
        if ref is None or (kind and kind.group(1) == b"str" and text.startswith(b"<v></v>", m.end())):
            continue  # (a text formula whose saved value is empty text)
        col = 0
        for ch in ref.group(1):
            col = col * 26 + ch - 64
        formulas.setdefault((int(ref.group(2)), col - 1), (ref.group(1) + ref.group(2)).decode())


def _uncached_formulas(path: str, sheet: str | None) -> dict[tuple[int, int], str]:
    """Formula cells of a sheet with no saved value (calamine reads them as
    empty): {(row, column): reference}; the sheet's XML is checked against
    the caps on the way, before calamine reads it."""
    found: dict[tuple[int, int], str] = {}
    with zipfile.ZipFile(path) as zf:
        part = _sheet_part(zf, sheet)
        if part is not None:
            _scan_xml(zf, part, f"{path}!{part}", max_uncompressed(), MAX_XML_CELL, formulas=found)
    return found


_XML_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')


def _sheet_part(zf: zipfile.ZipFile, sheet: str | None) -> str | None:
    """The zip member of a sheet (by name, or the first), from the workbook's relations."""
    import html
    import posixpath

    try:
        book, rels = zf.read("xl/workbook.xml"), zf.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return None
    rid = None
    for attrs in re.findall(rb"<(?:\w+:)?sheet\b([^>]*)>", book):
        a = dict(_XML_ATTR.findall(attrs))
        if sheet is None or html.unescape(a.get(b"name", b"").decode("utf-8", "replace")) == sheet:
            rid = next((v for k, v in a.items() if k.endswith(b":id")), None)
            break
    for attrs in re.findall(rb"<(?:\w+:)?Relationship\b([^>]*)>", rels):
        a = dict(_XML_ATTR.findall(attrs))
        if rid is not None and a.get(b"Id") == rid and b"Target" in a:
            target = a[b"Target"].decode("utf-8", "replace")
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
    return None


def _workbook(path: str, container: str):
    from python_calamine import CalamineWorkbook

    if container == "xlsx":
        try:
            _check_xlsx(path)
        except _UNPACK_ERRORS as exc:
            raise _damaged(path, exc) from None
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
        found = _uncached_formulas(path, sheet_name) if container == "xlsx" else {}
    except _UNPACK_ERRORS as exc:
        raise _damaged(path, exc) from None
    try:
        sheet = wb.get_sheet_by_name(sheet_name) if sheet_name else wb.get_sheet_by_index(0)
        it = sheet.iter_rows()
    except Exception as exc:  # calamine raises its own family, plus zip/xml errors
        raise BadInput(
            f"cannot read this {container.upper()} file ({type(exc).__name__}: {exc})",
            "open it in a spreadsheet program and save it again",
            file=path,
        ) from None
    # the rows start at the sheet's row 1, their cells at its first used column
    first_col = sheet.start[1] if found and sheet.start else 0
    uncached: dict[int, dict[int, str]] = {}
    for (row, col), ref in found.items():
        uncached.setdefault(row, {})[col - first_col] = ref

    def gen():
        for i, row in enumerate(it, start=1):
            yield i, list(row)

    return gen(), wb, uncached


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
            raise BadInput("the zip file holds no CSV or TSV file", file=path)
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
                return BadInput(f"text is not valid {enc} ({exc.reason})", ENCODING_HINT, file=path)
            if enc in ("utf-8", "utf-8-sig"):
                return _mixed_encodings(path, found[0], "utf-8")
            return BadInput(f"text is not valid {enc} ({found[1]})", ENCODING_HINT, file=path, row=found[0])
        if "field larger than field limit" in str(exc):
            return BadInput(
                f"a cell longer than {MAX_CELL:,} characters (the cap): this is not a table export",
                CAP_HINT, file=path, row=reader.line_num,  # (the line where it passed the cap)
            )
        if isinstance(exc, _UNPACK_ERRORS):
            return _damaged(path, exc)
        return BadInput(f"CSV syntax error ({exc})", file=path)

    try:
        header_row, raw, _, skipped = _find_header(rows, path, is_header)
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
        except (UnicodeDecodeError, csv.Error, *_UNPACK_ERRORS) as exc:
            raise read_error(exc) from None

    table = Table(
        path=path, container=container, encoding=enc, raw_header=raw_header, header=header,
        header_row=header_row, rows=body(), size=size, skipped_title_rows=skipped,
        part=part, uncached=uncached, _progress=progress, _closers=closers,
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
