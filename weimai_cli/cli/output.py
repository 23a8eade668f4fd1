"""The one place that prints.

Data goes to stdout, messages to stderr. Tables, colour and progress bars only
when the stream is a terminal; otherwise a plain aligned table (CJK-aware
widths) or a script format: json, nl (one JSON object per line), csv, tsv,
md. CSV/TSV output neutralises text cells that a spreadsheet would run as a
formula (leading ``= + - @``, tab or CR) by prefixing ``'``; numbers are
left alone so a negative amount stays a number.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from weimai_cli.files import csv_safe
from weimai_cli.i18n import N_, lang, pgettext, ptr, tr
from weimai_cli.money import format_fen, format_rate

FORMATS = ("table", "json", "nl", "csv", "tsv", "md")


@dataclass(frozen=True)
class Col:
    key: str
    label: str  # English (mark it with N_): translated in table and md, and in csv/tsv with --headers zh
    kind: str = "text"  # text | status | money | rate | int (status: its word translated in table and md)


_TEXT_KINDS = ("text", "status")


class _State:
    quiet = False
    headers = "en"  # csv/tsv column titles (--headers)


state = _State()


def is_terminal(stream=None) -> bool:
    stream = stream or sys.stdout
    if os.environ.get("WEIMAI_FORCE_TERMINAL"):
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _text(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "money":
        return format_fen(value)
    if kind == "rate":
        return format_rate(value)
    return str(value)


def _shown_cell(value: Any, kind: str) -> str:
    """A cell of a text table (table, md): a status word in the interface's language."""
    if kind == "status" and value is not None:
        return shown(status_word(str(value)))
    return shown(_text(value, kind))


def _title(label: str) -> str:
    """A column title in the interface's language (table, md)."""
    return tr(label)




def shown(value: str, newlines: bool = False) -> str:
    """Text as a terminal may show it: control characters (ESC, CR, newline,
    tab …), bidi controls (U+202E and the other embeddings, overrides and
    isolates), line separators and other invisible format characters are
    escaped exactly as ``repr()`` — and so every error message with a ``!r``
    value — writes them: ``\\x1b``, ``\\n``, ``\\u202e``. With ``newlines``
    (a post, a statement) newlines pass. Spaces (U+3000, NBSP) and the
    zero-width joiner of emoji sequences are left alone.

    Every human-facing form (tables, messages, fields, text blocks) goes
    through here; the machine formats (json, nl, csv, tsv) keep data exact.
    """
    if value.isprintable():  # the common case, at C speed
        return value
    if newlines:
        return "\n".join(map(shown, value.split("\n")))
    import unicodedata

    return "".join(
        c if c.isprintable() or c == "\u200d" or unicodedata.category(c) == "Zs"
        else repr(c)[1:-1]
        for c in value
    )


def text(block: str) -> None:
    """A rendered block of text (a statement, a report) on stdout; its newlines
    are kept, every other control or bidi character escaped (:func:`shown`)."""
    sys.stdout.write(shown(block, newlines=True))


def status_word(value: str) -> str:
    """A status value as the interface says it (paid → 已付款); the value itself in English."""
    return value if not value or lang() == "en" else ptr("status", value)


def _status_words() -> tuple[str, ...]:
    """The status words the catalog translates (context "status"; never called:
    it marks them for the extractor). A status not here shows as it is."""
    return (
        pgettext("status", "pending"), pgettext("status", "paid"), pgettext("status", "confirmed"),
        pgettext("status", "settled"), pgettext("status", "cancelled"), pgettext("status", "refunded"),
        pgettext("status", "invalid"), pgettext("status", "estimated"), pgettext("status", "active"),
        pgettext("status", "archived"), pgettext("status", "sent"), pgettext("status", "failed"),
        pgettext("status", "unconfirmed"),
    )


def csv_rows(header: Sequence[str], data: Iterable[Sequence[str]], delimiter: str = ",") -> None:
    """Rows of strings as CSV; formula-looking text cells are neutralised, numbers kept."""
    _write_csv(sys.stdout, header, data, delimiter)


def csv_text(header: Sequence[str], data: Iterable[Sequence[str]], delimiter: str = ",") -> str:
    """The same CSV as :func:`csv_rows`, as a string (for a file)."""
    import io

    buf = io.StringIO()
    _write_csv(buf, header, data, delimiter)
    return buf.getvalue()


def _write_csv(stream, header, data, delimiter: str) -> None:
    import csv

    writer = csv.writer(stream, delimiter=delimiter, lineterminator="\n")
    writer.writerow([csv_safe(h) for h in header])
    for row in data:
        writer.writerow([csv_safe(c) for c in row])


def message(text: str) -> None:
    """A message for people (stderr); -q silences it."""
    if not state.quiet:
        print(shown(text), file=sys.stderr)


def warn(text: str) -> None:
    if not state.quiet:
        print(tr("warning: {message}").format(message=shown(text)), file=sys.stderr)


def error(text: str, hint: str | None = None) -> None:
    print(tr("error: {message}").format(message=shown(text)), file=sys.stderr)
    if hint:
        if lang() != "en":
            hint = _did_you_mean(hint)
        print(tr("hint: {message}").format(message=shown(hint)), file=sys.stderr)


def _did_you_mean(hint: str) -> str:
    """errors.did_you_mean's English, in a hint, in the interface's language
    (weimai_cli.errors sits below the catalog: i18n reads the config, which
    raises errors)."""
    import re

    return re.sub(r"\bdid you mean (.+?)\?", lambda m: tr("did you mean {names}?").format(names=m.group(1)), hint)


def line(text: str = "") -> None:
    """A line (or block) of text on stdout for people: newlines kept, other
    control and bidi characters escaped (:func:`shown`)."""
    sys.stdout.write(shown(text, newlines=True) + "\n")


def count(n: int, noun: str) -> str:
    """``1 row``, ``2 rows``: a number with its noun (English plural with s)."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _json_default(value):
    return str(value)


# JSON escapes C0 controls itself; with ensure_ascii=False it would let these through raw:
# DEL and the C1 controls (0x9b is a CSI), bidi controls and line separators. As \uXXXX
# the data stays exact for any parser and cannot drive or reorder a terminal.
_JSON_RAW = __import__("re").compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _json_escape(match) -> str:
    return f"\\u{ord(match.group()):04x}"


def _compact(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=_json_default)
    return _JSON_RAW.sub(_json_escape, text)


def _key(key: Any) -> str:
    """An object key as json writes it (None -> "null", True -> "true", 1 -> "1")."""
    return _compact(key) if type(key) is str else _compact({key: 0})[1:-4]


def json_text(data: Any, pad: str = "") -> str:
    """JSON for people and scripts alike: objects indented by two spaces, and a
    list of records (objects) one record per line, as sqlite-utils prints rows.
    A 20,000-row breakdown stays readable line by line and is written by the C
    encoder (``indent`` would switch json to its pure-Python encoder)."""
    inner = pad + "  "
    if isinstance(data, dict) and data:
        body = ",\n".join(f"{inner}{_key(k)}: {json_text(v, inner)}" for k, v in data.items())
        return "{\n" + body + "\n" + pad + "}"
    if isinstance(data, list) and data and all(isinstance(x, dict) for x in data):
        return "[\n" + ",\n".join(inner + _compact(x) for x in data) + "\n" + pad + "]"
    return _compact(data)


def json_out(data: Any) -> None:
    sys.stdout.write(json_text(data) + "\n")


def rows(
    data: Sequence[dict],
    cols: Sequence[Col],
    fmt: str = "table",
    *,
    title: str | None = None,
    empty: str | None = N_("no rows"),
) -> None:
    """Render rows of dicts in the chosen format. Column titles, a status
    column's words, ``title`` and ``empty`` (marked with N_ or translated
    already) are in the interface's language in table and md; json, nl, csv and
    tsv keep the keys, values and English titles (csv/tsv: Chinese titles with
    ``--headers zh``)."""
    if not data and empty and fmt in ("table", "md"):
        message(tr(empty))
        return
    if title and fmt in ("table", "md"):
        title = tr(title)
    if fmt == "json":
        json_out([{c.key: r.get(c.key) for c in cols} for r in data])
    elif fmt == "nl":
        w = sys.stdout.write
        for r in data:
            w(_compact({c.key: r.get(c.key) for c in cols}) + "\n")
    elif fmt in ("csv", "tsv"):
        import csv

        writer = csv.writer(sys.stdout, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        zh = state.headers == "zh"
        writer.writerow([tr(c.label, "zh") if zh else c.label for c in cols])
        for r in data:
            writer.writerow(
                [csv_safe(_text(r.get(c.key), c.kind)) if c.kind in _TEXT_KINDS else _text(r.get(c.key), c.kind)
                 for c in cols]
            )
    elif fmt == "md":
        sys.stdout.write(markdown_table(data, cols, title=title))
    else:
        table(data, cols, title=title)
    if not data and empty and fmt not in ("table", "md"):
        message(tr(empty))


def markdown_table(data: Sequence[dict], cols: Sequence[Col], *, title: str | None = None) -> str:
    out = []
    if title:
        out.append(f"**{title}**\n")
    out.append("| " + " | ".join(_title(c.label) for c in cols) + " |")
    out.append("| " + " | ".join("---:" if c.kind not in _TEXT_KINDS else "---" for c in cols) + " |")
    for r in data:
        cells = [_shown_cell(r.get(c.key), c.kind).replace("|", "\\|") for c in cols]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def plain_table(data: Sequence[dict], cols: Sequence[Col]) -> str:
    """An aligned text table; widths count CJK characters as two cells."""
    from rich.cells import cell_len

    grid = [[_title(c.label) for c in cols]] + [[_shown_cell(r.get(c.key), c.kind) for c in cols] for r in data]
    widths = [max(cell_len(row[i]) for row in grid) for i in range(len(cols))]
    out = []
    for n, row in enumerate(grid):
        cells = []
        for i, (cell, c) in enumerate(zip(row, cols)):
            pad = " " * (widths[i] - cell_len(cell))
            last = i == len(cols) - 1
            cells.append(pad + cell if c.kind not in _TEXT_KINDS else (cell if last else cell + pad))
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out) + "\n"


def table(data: Sequence[dict], cols: Sequence[Col], *, title: str | None = None) -> None:
    if not is_terminal():
        if title:
            sys.stdout.write(title + "\n")
        sys.stdout.write(plain_table(data, cols))
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from weimai_cli.cli.translate import wrap_cjk

    wrap_cjk()  # Chinese cells (titles, in any language) wrap by character
    t = Table(title=title, show_lines=False, header_style="bold")
    for c in cols:
        t.add_column(_title(c.label), justify="left" if c.kind in _TEXT_KINDS else "right", overflow="fold")
    for r in data:
        # Text, not str: a title like "[bold]" or "[/]" is data, not rich markup
        t.add_row(*[Text(_shown_cell(r.get(c.key), c.kind)) for c in cols])
    Console(highlight=False).print(t)


def fields(pairs: Iterable[tuple[str, str]], fmt: str = "table") -> None:
    """Key/value details (e.g. one item) in label: value lines."""
    from rich.cells import cell_len

    pairs = [(shown(k), shown(v)) for k, v in pairs]
    width = max((cell_len(k) for k, _ in pairs), default=0)
    for k, v in pairs:
        sys.stdout.write(k + " " * (width - cell_len(k)) + "  " + v + "\n")


class Progress:
    """A rich progress bar on a terminal (stderr); nothing otherwise."""

    def __init__(self, description: str, total: int):
        self.bar = None
        if is_terminal(sys.stderr) and not state.quiet:
            from rich.progress import BarColumn, DownloadColumn, TimeRemainingColumn
            from rich.progress import Progress as RichProgress

            # no refresh thread (auto_refresh off; update refreshes, at most
            # ten times a second): an import forks its reader while a bar is
            # shown, and a stopped bar's thread may not have ended yet
            self.bar = RichProgress(
                "[progress.description]{task.description}", BarColumn(), DownloadColumn(),
                TimeRemainingColumn(), transient=True, auto_refresh=False,
            )
            self.bar.start()
            self.task = self.bar.add_task(description, total=total)
            self.shown_at = 0.0

    def update(self, done: int, total: int | None = None) -> None:
        if self.bar:
            now = time.monotonic()
            refresh = now - self.shown_at >= 0.1
            if refresh:
                self.shown_at = now
            self.bar.update(self.task, completed=done, total=total, refresh=refresh)

    __call__ = update

    def close(self) -> None:
        if self.bar:
            self.bar.stop()
            self.bar = None
