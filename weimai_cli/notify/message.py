"""A report as chat robots take it: figures and rows, no tables.

The caller (the CLI's renderers) fills a :class:`Message` with words and
formatted figures; :mod:`.shapes` turns it into each service's own shape
(WeCom and DingTalk markdown lines, a Feishu card, Slack blocks). So the
notify layer knows the services and nothing of reports, and the renderers
know reports and nothing of the services' JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Figure:
    """One figure: a label and its formatted value (``strong``: shown in bold in a row)."""

    label: str
    value: str
    strong: bool = False


@dataclass
class Row:
    """One item of a list (a share, a goods, an import): a name and its figures."""

    name: str
    figures: list[Figure] = field(default_factory=list)
    note: str = ""


@dataclass
class Section:
    """A titled block: figures shown as "label: value" pairs, and/or numbered rows.

    ``name_label`` heads the rows' name column where a service lays rows out
    in columns (the Feishu card); ``empty`` is shown when there is nothing;
    ``footer`` is a last line (e.g. "(12 more)").
    """

    title: str = ""
    figures: list[Figure] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    name_label: str = ""
    empty: str = ""
    footer: str = ""


@dataclass
class Message:
    title: str
    notes: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
