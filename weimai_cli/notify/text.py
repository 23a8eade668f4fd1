"""A report's text in the shapes the services take (Slack mrkdwn, plain text)
and split into parts that fit each service's limit (at most MAX_PARTS)."""

from __future__ import annotations

import re
from collections.abc import Callable

from weimai_cli.i18n import N_, _
from weimai_cli.notify.services import body_bytes, payload
from weimai_cli.notify.targets import Target

MAX_PARTS = 10  # WeCom and DingTalk take 20 messages a minute; keep well below


def slack_mrkdwn(markdown: str) -> str:
    """Markdown to Slack mrkdwn: escape & < >, **b** → *b*, headings → bold, links."""
    s = markdown.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = re.sub(r"\[([^\]]+)\]\((https?://[^)\s]+)\)", r"<\2|\1>", s)
    s = re.sub(r"\*\*(.+?)\*\*", r"*\1*", s)
    s = re.sub(r"__(.+?)__", r"_\1_", s)
    s = re.sub(r"^#{1,6}\s+(.+?)\s*#*$", r"*\1*", s, flags=re.M)
    return s


def markdown_to_plain(markdown: str) -> str:
    """A readable plain-text version: no heading marks, emphasis or link syntax."""
    s = re.sub(r"^#{1,6}\s+", "", markdown, flags=re.M)
    s = re.sub(r"\[([^\]]+)\]\((\S+?)\)", r"\1 (\2)", s)
    s = re.sub(r"(\*\*|__)(.+?)\1", r"\2", s)
    return s


# How each kind measures a part against its limit. Feishu and DingTalk limits
# are on the whole body; leave room for signing fields and the part marker.
_SIGN_ROOM = 200


def _fits(kind: str, title: str, meta: dict) -> Callable[[str], bool]:
    if kind == "wecom":
        return lambda t: len(t.encode("utf-8")) <= 4096
    if kind in ("dingtalk", "feishu"):
        return lambda t: len(body_bytes(payload(kind, title, t, meta))) <= 20000 - _SIGN_ROOM
    if kind == "slack":
        return lambda t: len(t) <= 40000
    return lambda t: True


def _limit_text(kind: str) -> str:
    text = {
        "wecom": N_("WeCom markdown takes at most 4096 bytes"),
        "dingtalk": N_("DingTalk takes at most 20000 bytes"),
        "feishu": N_("Feishu takes at most 20 KB"),
        "slack": N_("Slack truncates text over 40,000 characters"),
    }.get(kind, "")
    return _(text) if text else ""


def _hard_split(line: str, fits: Callable[[str], bool]) -> list[str]:
    out = []
    while line:
        lo, hi = 1, len(line)
        while lo < hi:  # longest prefix that fits
            mid = (lo + hi + 1) // 2
            if fits(line[:mid]):
                lo = mid
            else:
                hi = mid - 1
        out.append(line[:lo])
        line = line[lo:]
    return out


TRIM_NOTE = N_("… (trimmed: the rest did not fit in {n} messages; see the full report with weimai)")


def split_text(kind: str, title: str, text: str, meta: dict | None = None) -> tuple[list[str], list[str]]:
    """Split ``text`` into parts that fit the service's limit; (parts, notes)."""
    meta = meta or {}
    raw_fits = _fits(kind, title, meta)
    if raw_fits(text):
        return [text], []
    marker_room = "\n\n(10/10)"
    fits = lambda t: raw_fits(t + marker_room)  # noqa: E731
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        pieces = [line] if fits(line) else _hard_split(line, fits)
        for piece in pieces:
            candidate = piece if not current else current + "\n" + piece
            if fits(candidate):
                current = candidate
            else:
                parts.append(current)
                current = piece
    if current:
        parts.append(current)
    notes = [_("split into {n} messages ({limit})").format(n=len(parts), limit=_limit_text(kind))]
    if len(parts) > MAX_PARTS:
        dropped = len(parts) - MAX_PARTS
        parts = parts[:MAX_PARTS]
        note = _(TRIM_NOTE).format(n=MAX_PARTS)
        last = parts[-1]
        while last and not fits(last + "\n" + note):
            last = last[: max(0, len(last) - 200)]
        parts[-1] = (last + "\n" + note) if last else note
        notes = [_("split into {n} messages and trimmed: {dropped} more would not be sent "
                   "({limit}, at most {n} messages per report)").format(
            n=MAX_PARTS, dropped=dropped, limit=_limit_text(kind))]
    n = len(parts)
    return [f"{p}\n\n({i}/{n})" for i, p in enumerate(parts, start=1)], notes


def render_parts(target: Target, title: str, text_markdown: str, text_plain: str) -> tuple[list[str], list[str]]:
    if target.kind in ("webhook", "email"):
        return [text_markdown if target.kind == "webhook" else text_plain], []
    text = {
        "wecom": text_markdown, "dingtalk": text_markdown, "feishu": text_plain,
        "slack": slack_mrkdwn(text_markdown),
    }[target.kind]
    return split_text(target.kind, title, text)
