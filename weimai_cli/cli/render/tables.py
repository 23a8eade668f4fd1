"""Aligned plain-text tables: widths count CJK characters as two cells."""

from __future__ import annotations


def _pad(cells: list[str], widths: list[int], right: list[bool]) -> str:
    from rich.cells import cell_len

    out = []
    for cell, w, r in zip(cells, widths, right):
        pad = " " * (w - cell_len(cell))
        out.append(pad + cell if r else cell + pad)
    return "  ".join(out).rstrip()


def table(header: list[str], rows: list[list[str]], right: list[bool]) -> list[str]:
    """The lines of a table: header, dashes, rows (``right``: right-aligned columns)."""
    from rich.cells import cell_len

    from weimai_cli.cli.output import shown

    rows = [[shown(c) for c in r] for r in rows]  # a title's ESC or newline must not break the table
    widths = [max(cell_len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [_pad(header, widths, right), "  ".join("-" * w for w in widths)]
    lines += [_pad(r, widths, right) for r in rows]
    return lines
