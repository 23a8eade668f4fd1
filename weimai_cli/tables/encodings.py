"""A file's container and text encoding from its first bytes (:func:`sniff`):
UTF-8, GB18030/GBK, UTF-16 with or without a byte order mark, and one file
in two encodings (an error naming the line)."""

from __future__ import annotations

import codecs
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from weimai_cli.errors import BadInput
from weimai_cli.i18n import N_, _

SNIFF_BYTES = 1 << 20


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
ENCODING_HINT = N_("save the whole file in one encoding (UTF-8) and import it again")


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
        what = _("this line is UTF-8 but the lines above it are GB18030/GBK")
    else:
        what = _("this line is not UTF-8 but the lines above it are")
    return BadInput(
        _("{what}: one file in two encodings (tried UTF-8 and GB18030)").format(what=what), _(ENCODING_HINT),
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
            _("this is a binary file, not a table"),
            _("give a CSV, TSV, XLSX, XLS or JSON export"),
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
            _("text is neither UTF-8 nor GB18030"),
            _("save the file as UTF-8 CSV"),
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
        raise BadInput(_("is a directory, not a file"), file=path) from None
    except FileNotFoundError:
        raise BadInput(_("no such file"), _("check the path"), file=path) from None
    except OSError as exc:  # a name too long, permissions …
        raise BadInput(
            _("cannot read the file: {error}").format(error=exc.strerror), _("check the path"), file=path
        ) from None
    if not sample.strip(b" \t\r\n" + codecs.BOM_UTF8):
        raise BadInput(_("the file is empty"), _("export the data again"), file=path)
    if sample.startswith(b"PK\x03\x04") or sample.startswith(b"PK\x05\x06"):
        try:
            with zipfile.ZipFile(path) as zf:
                names = zf.namelist()
        except zipfile.BadZipFile:
            raise BadInput(
                _("the spreadsheet/zip file is truncated or damaged"),
                _("download or export it again"),
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
