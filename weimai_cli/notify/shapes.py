"""A :class:`~.message.Message` in each chat service's own shape (SERVICES.md §8).

* WeCom ``markdown``: a heading, bold section names, ``label: **value**``
  lines and numbered item lines (WeCom renders no tables and no reliable
  lists); split at line boundaries to 4096 bytes like any markdown text.
* DingTalk ``markdown``: the same with ``- `` list items (DingTalk renders
  lists, not tables).
* Feishu: an ``interactive`` card, a header, ``div`` fields (two columns) for
  the figures and a ``column_set`` per row under a header row, so figures
  line up in a proportional font. Each card body stays under 20 KB.
* Slack: ``blocks``: a header, sections with ``fields`` (two-column figure
  lists), item lines in mrkdwn (``& < >`` escaped) and a ``text`` fallback
  for notifications; at most 50 blocks and 3000 characters per section.

A long message is cut into parts at element boundaries (a section that goes
on in the next part repeats its name and header row), each part's title says
``(i/n)``, and more than MAX_PARTS parts are trimmed with a last line saying
so, as :func:`weimai_cli.notify.text.split_text` does for text.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from weimai_cli.i18n import N_, _
from weimai_cli.notify.message import Figure, Message, Row, Section
from weimai_cli.notify.services import body_bytes
from weimai_cli.notify.targets import Target
from weimai_cli.notify.text import MAX_PARTS, TRIM_NOTE, render_parts, split_text

CHAT = ("wecom", "dingtalk", "feishu", "slack")
SEP = " · "
NAME_CAP = 300  # characters of a row's name (a goods title) kept in a chat message

# ---------------------------------------------------------------- markdown (WeCom, DingTalk)

_MD_SPECIAL = re.compile(r"([\\`*\[\]])")


def md_escape(text: str) -> str:
    """Backslash before the characters that would make markup of a goods title: * ` [ ]
    (an ``_`` inside a word is left alone; lines never start with data, so # > - need nothing)."""
    return _MD_SPECIAL.sub(r"\\\1", text.replace("\n", " "))


def _cap(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= NAME_CAP else text[: NAME_CAP - 1] + "…"


def _row_md(n: int, row: Row) -> str:
    figures = SEP.join(f"{md_escape(f.label)} " + (f"**{md_escape(f.value)}**" if f.strong else md_escape(f.value))
                       for f in row.figures)
    line = f"{n}. {md_escape(_cap(row.name))}" + (f": {figures}" if figures else "")
    return line + (f" — {md_escape(row.note)}" if row.note else "")


def markdown(kind: str, msg: Message) -> str:
    """WeCom (``kind`` "wecom": plain lines) or DingTalk ("dingtalk": list items) markdown."""
    bullet = "- " if kind == "dingtalk" else ""
    out = [f"### {md_escape(msg.title)}"]
    if msg.notes:
        out += [""] + [f"> {md_escape(n)}" for n in msg.notes]
    for s in msg.sections:
        out.append("")
        if s.title:
            out += [f"**{md_escape(s.title)}**", ""] if kind == "dingtalk" else [f"**{md_escape(s.title)}**"]
        out += [f"{bullet}{md_escape(f.label)}: **{md_escape(f.value)}**" for f in s.figures]
        if s.figures and s.rows and kind == "dingtalk":
            out.append("")
        out += [_row_md(n, r) for n, r in enumerate(s.rows, 1)]
        if not s.figures and not s.rows and s.empty:
            out.append(md_escape(s.empty))
        if s.footer:
            out.append(md_escape(s.footer))
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- Feishu card
# The card schema (msg_type "interactive", header, div text/fields with
# is_short, column_set/column with weights, note, hr) follows Feishu's
# message-card JSON 1.0 as third-party senders use it: **[unverified]**
# against a live bot (SERVICES.md §3). lark_md carries only our own labels
# and figures; every name from the data (a goods title, a file) is plain_text.

_LARK_UNSAFE = re.compile(r"[*_~`\[\]<>]")


def _lark_figure(text: str, strong: bool) -> dict:
    if strong and not _LARK_UNSAFE.search(text):
        return {"tag": "lark_md", "content": f"**{text}**"}
    return {"tag": "plain_text", "content": text}


def _lark_field(f: Figure) -> dict:
    """A figure as a card field: the label, and the value in bold under it."""
    if _LARK_UNSAFE.search(f.label + f.value):
        return {"tag": "plain_text", "content": f"{f.label}\n{f.value}"}
    return {"tag": "lark_md", "content": f"{f.label}\n**{f.value}**"}


def _column(weight: int, text: dict) -> dict:
    return {"tag": "column", "width": "weighted", "weight": weight, "vertical_align": "top",
            "elements": [{"tag": "div", "text": text}]}


def _column_set(columns: list[dict], grey: bool = False) -> dict:
    return {"tag": "column_set", "flex_mode": "none", "background_style": "grey" if grey else "default",
            "columns": columns}


def _feishu_groups(msg: Message) -> list[tuple[list[dict], list[dict]]]:
    """(lead elements, items) per section: the lead is repeated when a section goes on in the next part."""
    groups = []
    if msg.notes:
        groups.append(([], [{"tag": "note", "elements": [{"tag": "plain_text", "content": n}]} for n in msg.notes]))
    for s in msg.sections:
        lead = [{"tag": "div", "text": {"tag": "lark_md", "content": f"**{s.title}**"}}] if s.title else []
        items: list[dict] = []
        for i in range(0, len(s.figures), 10):
            items.append({"tag": "div", "fields": [{"is_short": True, "text": _lark_field(f)}
                                                   for f in s.figures[i:i + 10]]})
        if s.rows:
            if s.figures:  # the figures go before the rows' header
                groups.append((lead, items))
                lead, items = [], []
            # a wide figure (an amount with its currency, a date) gets a wider column, in every row
            weights = [2 if any(len(r.figures[j].value) > 10 for r in s.rows if j < len(r.figures)) else 1
                       for j in range(len(s.rows[0].figures))]
            header = [_column(3, {"tag": "lark_md", "content": f"**{s.name_label}**"} if s.name_label
                              else {"tag": "plain_text", "content": ""})]
            header += [_column(w, {"tag": "lark_md", "content": f"**{f.label}**"})
                       for w, f in zip(weights, s.rows[0].figures, strict=True)]
            lead = [*lead, _column_set(header, grey=True)]
            for n, r in enumerate(s.rows, 1):
                name = f"{n}. {_cap(r.name)}" + (f"\n{r.note}" if r.note else "")
                cols = [_column(3, {"tag": "plain_text", "content": name})]
                cols += [_column(w, _lark_figure(f.value, f.strong)) for w, f in zip(weights, r.figures, strict=False)]
                items.append(_column_set(cols))
        for line in ([s.empty] if not s.figures and not s.rows and s.empty else []) + ([s.footer] if s.footer else []):
            items.append({"tag": "div", "text": {"tag": "plain_text", "content": line}})
        groups.append((lead, items))
    return groups


def feishu_card(title: str, elements: list[dict]) -> dict:
    return {"msg_type": "interactive", "card": {
        "config": {"wide_screen_mode": True},
        "header": {"template": "blue", "title": {"tag": "plain_text", "content": title}},
        "elements": elements,
    }}


# ---------------------------------------------------------------- Slack blocks

SLACK_BLOCKS = 50
SLACK_SECTION = 3000
SLACK_FIELD = 2000
SLACK_HEADER = 150


def mrkdwn_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _row_mrkdwn(n: int, row: Row) -> str:
    figures = SEP.join(f"{mrkdwn_escape(f.label)} " + (f"*{mrkdwn_escape(f.value)}*" if f.strong
                                                        else mrkdwn_escape(f.value)) for f in row.figures)
    line = f"{n}. {mrkdwn_escape(_cap(row.name))}" + (f": {figures}" if figures else "")
    return line + (f" — {mrkdwn_escape(row.note)}" if row.note else "")


def _slack_groups(msg: Message) -> list[tuple[list[dict], list[dict]]]:
    groups = []
    if msg.notes:
        groups.append(([], [{"type": "context", "elements": [
            {"type": "mrkdwn", "text": _cut(mrkdwn_escape(n), SLACK_FIELD)}]} for n in msg.notes]))
    for s in msg.sections:
        lead = ([{"type": "section", "text": {"type": "mrkdwn", "text": _cut(f"*{mrkdwn_escape(s.title)}*",
                                                                              SLACK_SECTION)}}] if s.title else [])
        items: list[dict] = []
        for i in range(0, len(s.figures), 10):  # a section takes at most 10 fields
            items.append({"type": "section", "fields": [
                {"type": "mrkdwn", "text": _cut(f"{mrkdwn_escape(f.label)}\n*{mrkdwn_escape(f.value)}*", SLACK_FIELD)}
                for f in s.figures[i:i + 10]]})
        text = ""
        for n, r in enumerate(s.rows, 1):  # item lines, as many per section as 3000 characters take
            line = _cut(_row_mrkdwn(n, r), SLACK_SECTION)
            if text and len(text) + 1 + len(line) > SLACK_SECTION:
                items.append({"type": "section", "text": {"type": "mrkdwn", "text": text}})
                text = ""
            text = f"{text}\n{line}" if text else line
        if text:
            items.append({"type": "section", "text": {"type": "mrkdwn", "text": text}})
        for line in ([s.empty] if not s.figures and not s.rows and s.empty else []) + ([s.footer] if s.footer else []):
            items.append({"type": "section", "text": {"type": "mrkdwn", "text": _cut(mrkdwn_escape(line), SLACK_SECTION)}})
        groups.append((lead, items))
    return groups


def _slack_fallback(msg: Message, title: str) -> str:
    """The notification text: the title, the notes and the first figures as lines."""
    lines = [f"*{mrkdwn_escape(title)}*", *(mrkdwn_escape(n) for n in msg.notes)]
    first = next((s for s in msg.sections if s.figures), None)
    if first:
        lines += [f"{mrkdwn_escape(f.label)}: *{mrkdwn_escape(f.value)}*" for f in first.figures]
    return _cut("\n".join(lines), SLACK_SECTION)


def slack_body(msg: Message, title: str, blocks: list[dict]) -> dict:
    head = {"type": "header", "text": {"type": "plain_text", "text": _cut(title, SLACK_HEADER)}}
    return {"text": _slack_fallback(msg, title), "blocks": [head, *blocks]}


# ---------------------------------------------------------------- parts


def _pack(groups: list[tuple[list[dict], list[dict]]], fits: Callable[[list[dict]], bool],
          divider: dict) -> list[list[dict]]:
    """Elements packed into parts that fit; a section cut between parts repeats its lead."""
    parts: list[list[dict]] = []
    current: list[dict] = []
    for lead, items in groups:
        started = False
        for item in items or [None]:
            add = [item] if item is not None else []
            if not started:
                add = ([divider] if current else []) + lead + add
            if fits(current + add):
                current += add
            else:
                if current:
                    parts.append(current)
                current = lead + ([item] if item is not None else [])
                while current and not fits(current):  # one element too big alone: drop it
                    current.pop()
            started = True
    if current:
        parts.append(current)
    return parts or [[]]


def _trim(parts: list[list[dict]], fits: Callable[[list[dict]], bool], note: dict) -> list[list[dict]]:
    parts = parts[:MAX_PARTS]
    last = parts[-1]
    while last and not fits([*last, note]):
        last = last[:-1]
    parts[-1] = [*last, note]
    return parts


_LIMIT = {"feishu": N_("Feishu takes at most 20 KB"), "slack": N_("Slack takes at most 50 blocks per message")}
_SIGN_ROOM = 200  # Feishu signing adds "timestamp" and "sign" to the body


def structured_parts(kind: str, msg: Message) -> tuple[list[dict], list[str]]:
    """The Feishu card or Slack blocks bodies of a message, split to the limits; (bodies, notes)."""
    worst = f"{msg.title} ({MAX_PARTS}/{MAX_PARTS})"
    if kind == "feishu":
        groups, divider = _feishu_groups(msg), {"tag": "hr"}
        body = lambda t, els: feishu_card(t, els)  # noqa: E731
        fits = lambda els: len(body_bytes(feishu_card(worst, els))) <= 20000 - _SIGN_ROOM  # noqa: E731
        note = {"tag": "note", "elements": [{"tag": "plain_text", "content": _(TRIM_NOTE).format(n=MAX_PARTS)}]}
    else:
        groups, divider = _slack_groups(msg), {"type": "divider"}
        body = lambda t, els: slack_body(msg, t, els)  # noqa: E731
        fits = lambda els: len(els) + 1 <= SLACK_BLOCKS  # noqa: E731
        note = {"type": "context", "elements": [{"type": "mrkdwn", "text": _(TRIM_NOTE).format(n=MAX_PARTS)}]}
    parts = _pack(groups, fits, divider)
    notes = []
    if len(parts) > MAX_PARTS:
        dropped = len(parts) - MAX_PARTS
        parts = _trim(parts, fits, note)
        notes = [_("split into {n} messages and trimmed: {dropped} more would not be sent "
                   "({limit}, at most {n} messages per report)").format(
            n=MAX_PARTS, dropped=dropped, limit=_(_LIMIT[kind]))]
    elif len(parts) > 1:
        notes = [_("split into {n} messages ({limit})").format(n=len(parts), limit=_(_LIMIT[kind]))]
    n = len(parts)
    return [body(msg.title if n == 1 else f"{msg.title} ({i}/{n})", els) for i, els in enumerate(parts, 1)], notes


def message_parts(target: Target, title: str, text_markdown: str, text_plain: str,
                  message: Message | None) -> tuple[list[str | dict], list[str]]:
    """What is sent to a target, part by part: text (markdown, plain) or whole JSON bodies.

    With a ``message``, a chat robot gets it in its own shape (no tables);
    the webhook and email get the full markdown / plain text as before.
    """
    if message is None or target.kind not in CHAT:
        return render_parts(target, title, text_markdown, text_plain)
    if target.kind in ("wecom", "dingtalk"):
        return split_text(target.kind, title, markdown(target.kind, message))
    return structured_parts(target.kind, message)


__all__ = ["CHAT", "Figure", "Message", "Row", "Section", "markdown", "message_parts", "structured_parts"]
