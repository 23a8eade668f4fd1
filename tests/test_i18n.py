"""The interface's languages: one gettext catalog, complete and compiled (weimai_cli/i18n.py)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from weimai_cli import i18n

LOCALE = Path(i18n.__file__).parent / "locale"
PO = LOCALE / "zh_CN" / "LC_MESSAGES" / "weimai.po"
MO = PO.with_suffix(".mo")


def catalog():
    from babel.messages.pofile import read_po

    with PO.open("rb") as f:
        return read_po(f)


def extracted() -> set[tuple[str | None, str]]:
    """(context, msgid) of every text the sources mark, as the extractor finds them."""
    from weimai_cli.i18n_extract import messages

    found = set()
    for path in (Path(i18n.__file__).parent).rglob("*.py"):
        for _line, func, msg in messages(path.read_text(encoding="utf-8")):
            if func == "pgettext":
                found.add((msg[0], msg[1]))
            elif func == "ngettext":
                found.add((None, msg[0]))
            else:
                found.add((None, msg))
    return found


def test_no_fuzzy_entries_and_the_mo_is_compiled_from_the_po():
    from babel.messages.mofile import write_mo

    cat = catalog()
    assert [m.id for m in cat if m.id and m.fuzzy] == []
    buf = io.BytesIO()
    write_mo(buf, cat)
    assert buf.getvalue() == MO.read_bytes(), "run: python -m weimai_cli.i18n_extract"


def test_the_po_holds_every_extracted_text():
    cat = catalog()
    have = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in cat if m.id}
    assert sorted(extracted() - have) == [], "run: python -m weimai_cli.i18n_extract"


def test_root_help_in_chinese(run):
    r = run("--lang", "zh", "--help")
    assert "用法：" in r.stdout and "─ 选项 ─" in r.stdout and "显示本帮助并退出。" in r.stdout


@pytest.mark.parametrize(("value", "lang"), [("zh", "zh"), ("zh_CN.UTF-8", "zh"), ("en_US", "en"), ("C", "en"),
                                              ("fr_FR", None), ("", None), (None, None)])
def test_normalise(value, lang):
    assert i18n.normalise(value) == lang


def test_root_lang_is_read_before_the_command(run, monkeypatch):
    from weimai_cli.cli.app import _root_lang

    assert _root_lang(["--lang", "zh", "list-goods"]) == "zh"
    assert _root_lang(["--db", "x.db", "--lang=en", "report", "daily"]) == "en"
    assert _root_lang(["report", "daily", "--lang", "zh"]) is None  # the report's own --lang
    r = run("--lang", "fr", "list-goods", code=2)
    assert "--lang 'fr' is not zh or en" in r.stderr


def test_config_ui_lang_and_the_order_of_sources(home, monkeypatch):
    from weimai_cli.config import update_config

    update_config("ui", "lang", "zh")
    assert i18n.resolve() == "zh"
    monkeypatch.setenv("WEIMAI_LANG", "en")
    assert i18n.resolve() == "en"
    assert i18n.resolve("zh") == "zh"
    monkeypatch.delenv("WEIMAI_LANG")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    update_config("ui", "lang", "en")
    assert i18n.resolve() == "en"


def test_catalog_is_complete():
    """Every text in the catalog has its Chinese: nothing missing, nothing fuzzy."""
    cat = catalog()
    missing = [m.id for m in cat if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))]
    assert missing == [], f"{len(missing)} untranslated, e.g. {missing[:5]}"
    assert len([m for m in cat if m.id]) > 1000
