"""Finding English left in Chinese output (issue 14), for every area's tests.

``english_sentences(text)``: the runs of two or more English words (3+
letters each) in ``text`` once what may stay English is taken out: backtick
spans, option names (``--format``, ``-f``), metavars (``<str>``, ``{sku}``,
``zh|en``, ``PATH``), URLs, file paths and names, ISO dates and times,
codes and ids (a word with a digit: ``wm0005SFZW``),
environment variables (``WEIMAI_*``), config keys (``[ui] lang``), product,
platform and format names (:data:`NAMES`, hyphenated names such as
``taobao-union``), and weimai's command names after ``weimai``
(``weimai goods import``). An empty list: no English sentence.

``help_pages()``: every command path (``()`` for the root, ``("goods",
"import")`` …), walked from :data:`weimai_cli.cli.app.COMMANDS` and their
typer subcommands.

Add a name to :data:`NAMES` when a product or unit must stay English.
"""

from __future__ import annotations

import re
from functools import lru_cache

# names that stay as they are (compared case-insensitively, whole words)
NAMES = {
    # delivery and links
    "WeCom", "DingTalk", "Feishu", "Lark", "Slack", "Telegram", "Shlink", "YOURLS", "Bitly", "webhook", "webhooks",
    "SMTP", "HTTP", "HTTPS", "URL", "URLs", "API", "cron", "crontab",
    # platforms
    "Taobao", "Tmall", "JD", "Amazon", "Shopify", "Douyin", "Weibo", "WeChat", "QQ", "Weidian", "Pinduoduo",
    "Kuaishou", "Xiaohongshu", "Alimama", "Taobao Union", "JD Union",
    # formats, tools, codes
    "SQLite", "JSON", "CSV", "TSV", "XLSX", "XLS", "SVG", "PNG", "QR", "GMV", "ROI", "SKU", "SKUs", "HMAC", "TOML",
    "UTF-8", "GBK", "Excel", "Markdown", "Babel", "Python", "stdout", "stderr", "stdin", "shell", "Unicode",
    "weimai", "pytest",
}

_ALLOWED = [
    r"`[^`]*`",  # code spans
    r"https?://\S+",  # URLs
    r"\\?\[[a-z][\w.-]*\]\s+[a-z_][\w.]*",  # a config key: [ui] lang
    r"(?<![\w-])--?[A-Za-z0-9][\w-]*",  # option names
    r"<[^<>]+>",  # metavars: <str>, <home>, <int range>
    r"\{[^{}\s]*\}",  # {sku}
    r"[\w.-]+(?:\|[\w.-]+)+",  # zh|en, table|json
    r"\d{4}-\d{2}(?:-\d{2})?(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?",  # ISO dates, times
    r"[~.\w-]*/[^\s，。、；：）)]*",  # paths: a/b, ./x, ~/y, <home>/weimai.db
    r"[\w-]+(?:\.[\w-]+)+",  # file names, domains: weimai.db, m.tb.cn, e.g
    r"\b[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+\b",  # hyphenated names: taobao-union, no-dry-run
    r"\b\w+_\w+\b",  # snake_case keys, WEIMAI_HOME
    r"(?<![A-Za-z0-9_])[A-Za-z0-9_]*[0-9][A-Za-z0-9_]*(?![A-Za-z0-9_])",  # codes and ids: wm0005SFZW, 1kg, 双11
    r"\b[A-Z][A-Z0-9]+\b",  # metavars, acronyms, env vars: PATH, FILES, CNY
]
_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
# words joined by a space and light punctuation make a run; anything else ends it
_W = r"[A-Za-z]+(?:['’][A-Za-z]+)?"
# (one space at most: two are a table's column gap)
_RUN = re.compile(_W + r"(?:[,;:.!?)\"'’]*[ \t]?[(\"'‘]*" + _W + ")*")


@lru_cache(maxsize=1)
def _allowed() -> re.Pattern:
    names = sorted(NAMES, key=len, reverse=True)
    names_re = r"(?<![\w-])(?i:" + "|".join(re.escape(n) for n in names) + r")(?![\w-])"
    commands = sorted({word for path in help_pages() for word in path}, key=len, reverse=True)
    command_re = r"\bweimai(?:\s+(?:" + "|".join(re.escape(c) for c in commands) + r")(?![\w-]))*"
    return re.compile("|".join([command_re, *_ALLOWED, names_re]))


def strip_allowed(text: str) -> str:
    """``text`` with everything that may stay English replaced by a break."""
    return _allowed().sub("\x00", text)


def english_sentences(text: str) -> list[str]:
    """The runs of 2+ English words (3+ letters) left in ``text`` (see the module)."""
    found = []
    for match in _RUN.finditer(strip_allowed(text)):
        words = [w for w in _WORD.findall(match.group()) if len(w) >= 3]
        if len(words) >= 2:
            found.append(match.group().strip())
    return found


@lru_cache(maxsize=1)
def _paths() -> tuple[tuple[str, ...], ...]:
    import importlib

    import typer

    from weimai_cli.cli.app import COMMANDS

    paths: list[tuple[str, ...]] = [()]

    def walk(cmd, path):
        paths.append(path)
        for name, sub in sorted((getattr(cmd, "commands", None) or {}).items()):
            if not getattr(sub, "hidden", False):
                walk(sub, (*path, name))

    for name, (module, attr, _help) in COMMANDS.items():
        sub_app = getattr(importlib.import_module(module), attr)
        walk(typer.main.get_command(sub_app), (name,))
    return tuple(paths)


def help_pages() -> list[tuple[str, ...]]:
    """Every command path: ``()`` (the root), ``("goods",)``, ``("goods", "import")`` …"""
    return list(_paths())
