"""Option aliases shared across commands (Annotated, as in the hf CLI)."""

from __future__ import annotations

from enum import Enum, StrEnum
from typing import Annotated

import typer


class Fmt(str, Enum):
    table = "table"
    json = "json"
    nl = "nl"
    csv = "csv"
    tsv = "tsv"
    md = "md"


FormatOpt = Annotated[
    Fmt,
    typer.Option("--format", "-f", help="Output: table (default), json, nl, csv, tsv or md.", case_sensitive=False),
]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="Check and count, write nothing.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the summary as JSON (for scripts).")]
# --limit: rows; the cap keeps it inside SQLite's 64-bit LIMIT (a larger number is a usage error)
MAX_ROWS = 10**12
LimitOpt = Annotated[int | None, typer.Option("--limit", "-n", min=0, max=MAX_ROWS, help="At most this many rows.")]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
ForceOpt = Annotated[
    bool, typer.Option("--force", help="Replace output files that exist already (never a symbolic link).")
]


class TextFmt(StrEnum):
    text = "text"
    json = "json"


TextFormatOpt = Annotated[
    TextFmt,
    typer.Option("--format", "-f", help="Output: text (default) or json.", case_sensitive=False),
]


class Lang(str, Enum):
    zh = "zh"
    en = "en"


LangOpt = Annotated[Lang | None, typer.Option("--lang", help="Labels: zh or en (default: from the locale).")]
# whose figures (statements, reports): one distributor, or all of them together
AsOpt = Annotated[str | None, typer.Option("--as", help="One distributor (default: me).")]
AllDistributorsOpt = Annotated[bool, typer.Option("--all-distributors", help="Every distributor together.")]
SkuOpt = Annotated[str | None, typer.Option("--sku", help="Only this SKU.")]
