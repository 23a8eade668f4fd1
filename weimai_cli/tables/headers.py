"""Header rows: :func:`normalise_header`, finding the header under title
lines, summary (totals) rows, mojibake in a header, and matching columns to
fields by their aliases."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from weimai_cli.errors import BadInput
from weimai_cli.i18n import N_, _
from weimai_cli.tables.cells import cell_text

HEADER_SCAN_ROWS = 30

_WS = re.compile(r"[\s\u3000\ufeff]+")
_BRACKETS = str.maketrans({"（": "(", "）": ")", "【": "[", "】": "]", "［": "[", "］": "]"})


def normalise_header(name: object) -> str:
    """Strip BOM and every space (inside too), ASCII brackets, lower-case Latin."""
    if name is None:
        return ""
    return _WS.sub("", str(name)).translate(_BRACKETS).lower()



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
        ("gb18030", "utf-8", N_("UTF-8 text that was read or saved as GBK/GB18030")),
        ("utf-8", "gb18030", N_("GBK/GB18030 text that was read or saved as UTF-8")),
        ("latin-1", "utf-8", N_("UTF-8 text that was read or saved as Latin-1")),
    ):
        fixed = []
        for cell in raw_header:
            try:
                fixed.append(cell.encode(wrong).decode(right))
            except (UnicodeEncodeError, UnicodeDecodeError):
                fixed.append(cell)
        if fixed != list(raw_header):
            out.append((_(what), fixed))
    return out


def looks_like_mojibake(raw_header: list[str]) -> bool:
    """Replacement characters or the classic ``锟斤拷`` in a header."""
    text = "".join(raw_header)
    return "\ufffd" in text or "锟斤拷" in text or "Ã" in text



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
    raise BadInput(_("the file has no header row"), _("the first row must name the columns"), file=path)



def _same_header(values: list, header: list[str]) -> bool:
    if not values or normalise_header(values[0]) != header[0]:
        return False
    return [normalise_header(v) for v in values[: len(header)]] == header



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
