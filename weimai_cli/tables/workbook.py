"""XLSX/XLS workbooks, read by calamine: an XLSX's parts checked against the
caps first (streamed, before calamine holds any of it), formula cells with
no saved value found, a sheet's rows."""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterator
from functools import lru_cache

from weimai_cli.errors import BadInput
from weimai_cli.i18n import _
from weimai_cli.tables import caps
from weimai_cli.tables.caps import (
    _UNPACK_ERRORS,
    CAP_HINT,
    _damaged,
    _over_cap,
    check_packed,
    max_uncompressed,
)


def _check_xlsx(path: str) -> None:
    """An XLSX's parts against the caps before calamine reads any of it (it
    holds a workbook's shared strings in memory): declared sizes and ratios
    of every part, then the shared strings streamed through, counted, each
    one's length and the part's real size checked. Done once per file
    version (``parts`` and ``open_table`` both open the workbook)."""
    st = os.stat(path)
    _check_xlsx_once(path, st.st_mtime_ns, st.st_size, max_uncompressed(), caps.MAX_SHARED_STRINGS,
                     caps.MAX_XML_CELL)


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
    reference}, at most :data:`~weimai_cli.tables.caps.MAX_UNCACHED`."""
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
                    _("one cell's text is longer than {cap:,} bytes (the cap)").format(cap=max_cell), _(CAP_HINT),
                    file=where,
                )
            if opens:
                data = tail + block
                starts = [max(len(tail) - len(o) + 1, 0) for o in opens]  # (tags ending in this block)
                count += sum(data.count(o, i) for o, i in zip(opens, starts))
                tail = data[-16:]
                if max_count and count > max_count:
                    raise BadInput(_("holds more than {cap:,} shared strings (the cap)").format(cap=max_count), _(CAP_HINT),
                                   file=where)
            if formulas is not None and len(formulas) < caps.MAX_UNCACHED:
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
        if m.start() >= done or len(formulas) >= caps.MAX_UNCACHED:
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
            _scan_xml(zf, part, f"{path}!{part}", max_uncompressed(), caps.MAX_XML_CELL, formulas=found)
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
            _("cannot read this {container} file ({error})").format(
                container=container.upper(), error=f"{type(exc).__name__}: {exc}"),
            _("open it in a spreadsheet program and save it again"),
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
            _("cannot read this {container} file ({error})").format(
                container=container.upper(), error=f"{type(exc).__name__}: {exc}"),
            _("open it in a spreadsheet program and save it again"),
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

