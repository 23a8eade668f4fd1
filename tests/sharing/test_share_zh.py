"""share / shares / codes / distributors in Chinese (issue 14): exact messages,
warnings and verdicts under ``--lang zh``, English kept where scripts read it
(JSON, CSV), and no English sentence in these commands' ``--help``."""

from __future__ import annotations

import json
import re

import pytest

from tests.sharing.sharing_helpers import FROZEN_NOW, add_link
from weimai_cli.sharing import codes

ZH = ("--lang", "zh")


def _lines(text: str) -> list[str]:
    return text.splitlines()


def _message(line: str) -> str:
    """A stderr line without its ``error:`` / ``warning:`` / ``hint:`` prefix
    (the prefixes are translated in cli/output.py, not here)."""
    return re.sub(r"^[^:：\s]+[:：]\s?", "", line, count=1)


# --- share ----------------------------------------------------------------------


def test_share_summary_and_labels_in_chinese(run, shop):
    r = run(*ZH, "share", "TW-FLS-10")
    code = codes.make_code(1, shop)
    out = _lines(r.stdout)
    assert out[0].startswith("链接    https://shop.example.com/products/pineapple-cake-10?variant=7&wm=" + code)
    assert out[1] == f"推广码  {code}"
    assert "推广码 " + code in r.stdout  # the post (built-in template) is Chinese content already
    assert r.stderr == f"已以 me 的身份在 weibo 分享 TW-FLS-10：{code}（120/140）\n"


def test_share_summary_names_what_was_shortened(run, shop):
    from tests.sharing.sharing_helpers import set_config

    set_config("share", {"budget": {"weibo": 60}})
    code = codes.make_code(1, shop)
    r = run(*ZH, "share", "TW-FLS-10")
    last = _lines(r.stderr)[-1]
    assert last.startswith(f"已以 me 的身份在 weibo 分享 TW-FLS-10：{code}（")
    assert re.fullmatch(r".*（\d+/60，已缩短 [a-z_, ]+）", last), last


def test_dry_run_in_chinese(run, shop):
    r = run(*ZH, "share", "TW-FLS-10", "--channel", "link", "--dry-run")
    code = codes.make_code(1, shop)
    assert _lines(r.stdout)[1] == f"推广码  {code}（试运行：未记录）"
    assert r.stderr == f"试运行：将以 me 的身份在 link 分享 TW-FLS-10：{code}\n试运行：未记录任何内容\n"


def test_unknown_sku_is_refused_in_chinese(run, shop):
    r = run(*ZH, "share", "NOPE-1", code=1)
    assert _message(_lines(r.stderr)[0]) == "没有 SKU 为 'NOPE-1' 的商品"


def test_deactivated_distributor_is_refused_with_a_hint(run, shop):
    run("distributors", "add", "xiaohong")
    r = run(*ZH, "distributors", "deactivate", "xiaohong")
    assert r.stderr == (
        "已停用 xiaohong：其分享、订单和账目都保留；`weimai distributors edit xiaohong --active` 可重新启用\n"
    )
    r = run(*ZH, "share", "TW-FLS-10", "--as", "xiaohong", code=1)
    first, hint = _lines(r.stderr)
    assert _message(first) == "达人 'xiaohong' 已停用"
    assert _message(hint) == "用 `weimai distributors edit xiaohong --active` 重新启用"


def test_unknown_channel_and_template(run, shop):
    r = run(*ZH, "share", "TW-FLS-10", "--channel", "facebook", code=1)
    first, hint = _lines(r.stderr)
    assert _message(first) == "未知的渠道 'facebook'"
    assert _message(hint) == "渠道：weibo, wechat, moments, xiaohongshu, douyin, qq, link"


def test_affiliate_warnings_in_chinese(run, db, shop):
    r = run(*ZH, "share", "NX-GQ-500")
    assert _message(_lines(r.stderr)[0]) == (
        "NX-GQ-500 的这个链接不会产生佣金：它没有淘宝联盟链接；"
        "导入你的选品库导出文件（`weimai goods import FILE`）或添加一个："
        "`weimai goods link NX-GQ-500 --slot 推广位ID URL`"
    )
    add_link(db, "NX-GQ-500", "108000000001", "link", "https://s.click.taobao.com/t?e=abc", "2026-11-01")
    r = run(*ZH, "share", "NX-GQ-500", "--channel", "weibo")
    assert _message(_lines(r.stderr)[0]) == (
        "NX-GQ-500 的这个链接不会产生佣金：它的淘宝联盟链接（推广位 108000000001）已于 2026-11-01 过期；"
        "导入你的选品库导出文件（`weimai goods import FILE`）或添加一个："
        "`weimai goods link NX-GQ-500 --slot 推广位ID URL`"
    )


def test_json_stays_english_under_chinese(run, shop):
    data = json.loads(run(*ZH, "share", "TW-FLS-10", "--format", "json").stdout)
    assert {"code", "link", "post", "warnings", "post_length"} <= set(data)
    run("distributors", "add", "xiaohong")
    csv = run(*ZH, "distributors", "list", "--format", "csv").stdout
    assert csv.splitlines()[0] == "handle,name,contact,rate,status,notify,shares,last share,created"
    assert ",active," in csv and "启用" not in csv
    r = run(*ZH, "share", "NX-GQ-500", "--format", "json")  # a warning: Chinese on stderr, English in JSON
    assert json.loads(r.stdout)["warnings"] == [
        "this link of NX-GQ-500 will not earn: it has no 淘宝联盟 link; import your 选品库 export "
        "(`weimai goods import FILE`) or add one: `weimai goods link NX-GQ-500 --slot 推广位ID URL`"
    ]
    assert _message(r.stderr).startswith("NX-GQ-500 的这个链接不会产生佣金：")
    shown = json.loads(run(*ZH, "shares", "show", data["code"], "--format", "json").stdout)
    assert set(shown["sections"]) >= {"terms"}
    assert [r["when"] for r in shown["sections"]["terms"]] == ["at share time", "now (goods)"]


# --- shares -----------------------------------------------------------------------


def test_shares_show_fields_and_terms_in_chinese(run, shop):
    code = json.loads(run("share", "TW-FLS-10", "--format", "json").stdout)["code"]
    out = run(*ZH, "shares", "show", code).stdout
    lines = _lines(out)
    assert lines[0] == f"推广码    {code}"
    assert lines[1] == f"创建时间  {FROZEN_NOW}"
    assert "达人      me" in lines and "渠道      weibo" in lines and "佣金比例  20.00%" in lines
    assert "佣金条件" in lines
    assert any(line.startswith("分享时        58.00    20.00%") for line in lines)
    assert any(line.startswith("现在（商品）  58.00    20.00%") for line in lines)


def test_shares_list_empty_and_render_refusal(run, shop):
    r = run(*ZH, "shares", "list")
    assert r.stderr == "没有符合条件的分享\n"
    r = run(*ZH, "shares", "render", "wm0001K7QX", code=2)
    first, hint = _lines(r.stderr)
    assert _message(first) == "没有要生成的内容"
    assert _message(hint) == "请给出 --qr [FILE]、--card FILE 或 --shorten"


# --- codes verify -------------------------------------------------------------------


def _forged(code: str) -> str:
    """The code with another signature but a correct check character: it passes
    the typo check and fails the HMAC."""
    body = code[2:-1]
    mac = body[-codes.HMAC_CHARS:]
    other = "".join(codes.ALPHABET[(codes.ALPHABET.index(c) + 1) % 32] for c in mac)
    signed = body[: -codes.HMAC_CHARS] + other
    return "wm" + signed + codes._check(signed)


def test_codes_verify_genuine_and_forged_in_chinese(run, shop):
    code = json.loads(run("share", "NX-GQ-500", "--campaign", "双11", "--format", "json").stdout)["code"]
    r = run(*ZH, "codes", "verify", code)
    assert r.stdout == (
        f"{code}：真实：分享 1：NX-GQ-500 宁夏中宁特级枸杞 500g 头茬免洗，weibo，活动 双11，达人 me，{FROZEN_NOW}\n"
    )
    forged = _forged(code)
    r = run(*ZH, "codes", "verify", forged, code=1)
    assert r.stdout == f"{forged}：不是真实的推广码：签名不符（不是这个 weimai 生成的）\n"
    typo = code[:5] + ("X" if code[5] != "X" else "Y") + code[6:]
    assert run(*ZH, "codes", "verify", typo, code=1).stdout == f"{typo}：不是真实的推广码：校验字符不符（打错了？）\n"
    r = run(*ZH, "codes", "verify", codes.make_code(9, shop))
    assert r.stdout == f"{codes.make_code(9, shop)}：推广码真实，但分享 9 不在这个数据库里\n"
    # JSON keeps the English reason key
    assert json.loads(run(*ZH, "codes", "verify", forged, "--format", "json", code=1).stdout)["reason"] == "signature"


# --- distributors --------------------------------------------------------------------


def _output_translates_columns() -> bool:
    """cli/output.py translates column titles (table, md) once the CLI part of
    issue 14 is in; until then this file's header test is expected to fail."""
    import inspect

    from weimai_cli.cli import output

    return "i18n" in inspect.getsource(output)


@pytest.mark.xfail(not _output_translates_columns(), reason="column titles: cli/output.py", strict=True)
def test_distributors_list_headers_in_chinese(run):
    run("distributors", "add", "xiaohong", "--rate", "25%")
    run("distributors", "add", "old")
    run("distributors", "deactivate", "old")
    r = run(*ZH, "distributors", "list")
    header, rule, *rows = _lines(r.stdout)
    assert header.split() == ["账号名", "名称", "联系方式", "佣金比例", "状态", "推送目标", "分享数", "最近分享", "创建时间"]
    assert rows[1].split()[:4] == ["xiaohong", "xiaohong", "25.00%", "启用"]
    assert r.stderr == "1 位已停用的达人未列出（--all 会列出）\n"


def test_distributors_status_words_and_messages_in_chinese(run, shop):
    r = run(*ZH, "distributors", "add", "xiaohong", "--name", "小红", "--rate", "25%")
    assert r.stderr == "已添加达人 xiaohong（小红，佣金率 25.00%）\n"
    run("distributors", "add", "old")
    run("distributors", "deactivate", "old")
    r = run(*ZH, "distributors", "list")
    assert ["启用" in line for line in _lines(r.stdout)[2:]] == [True, True]
    assert r.stderr == "1 位已停用的达人未列出（--all 会列出）\n"
    assert "已停用" in run(*ZH, "distributors", "list", "--all").stdout
    assert run(*ZH, "distributors", "deactivate", "old").stderr == "old 已经是停用状态\n"
    r = run(*ZH, "distributors", "edit", "xiaohong", "--rate", "30", "--contact", "")
    assert r.stderr == "已修改 xiaohong：佣金率 30.00%\n"
    r = run(*ZH, "distributors", "edit", "xiaohong", "--no-rate", "--contact", "wx_xh")
    assert r.stderr == "已修改 xiaohong：佣金率 （按商品佣金条件），联系方式 wx_xh\n"
    assert run(*ZH, "distributors", "edit", "old", "--active").stderr == "已修改 old：已重新启用\n"
    r = run(*ZH, "distributors", "rate", "xiaohong", "--sku", "NX-GQ-500", "22%")
    assert r.stderr == "已添加xiaohong 对 'NX-GQ-500' 的单品佣金率：22.00%\n"
    r = run(*ZH, "distributors", "rate", "xiaohong", "--sku", "NX-GQ-500", "22%")
    assert r.stderr == "没有变化：xiaohong 对 'NX-GQ-500' 的单品佣金率\n"
    r = run(*ZH, "distributors", "rate", "xiaohong", "--sku", "NX-GQ-500", "--remove")
    assert r.stderr == "已删除xiaohong 对 'NX-GQ-500' 的单品佣金率（22.00%）\n"
    r = run(*ZH, "distributors", "rate", "xiaohong", "--sku", "x", "--category", "y", code=2)
    assert [_message(x) for x in _lines(r.stderr)] == ["--sku 和 --category 不能同时使用", "一次设置一个佣金率"]
    r = run(*ZH, "distributors", "show", "old")
    assert "状态      启用" in r.stdout


def test_me_cannot_be_deactivated_in_chinese(run):
    first, hint = _lines(run(*ZH, "distributors", "deactivate", "me", code=1).stderr)
    assert _message(first) == "达人 'me' 不能停用"
    assert _message(hint) == "它是默认达人（你自己的分享）；可以改用 edit 修改它"


# --- help ------------------------------------------------------------------------------

# What may stay English in help: code spans, option names, metavars, URLs,
# paths and file names, snake_case keys, upper-case names, product names.
_ALLOWED = re.compile(
    r"`[^`]*`|https?://\S+|(?<![\w-])--?[A-Za-z0-9][\w-]*|<[^<>]+>|\{[^{}\s]*\}|\[[^\]\s]*\]"
    r"|[\w.-]+(?:\|[\w.-]+)+|[~.\w-]*/[^\s，。、；：）)]*|[\w-]+(?:\.[\w-]+)+|\b\w+_\w+\b|\b[A-Z][A-Z0-9]+\b"
    r"|\b\d{4}-\d{2}(?:-\d{2})?\b"
    r"|(?i:\b(?:weimai(?:\s+[a-z-]+)*|WeChat|Taobao|Tmall|Amazon|Shlink|YOURLS|tracking id|weibo|wechat"
    r"|moments|xiaohongshu|douyin|qq|link|shell|ROI|GMV|QR|PNG|SVG|JSON|SKU)\b)"
)
_WORD = r"[A-Za-z]+(?:'[A-Za-z]+)?"
_RUN = re.compile(_WORD + r"(?:[,;:.!?)'\"]*[ ]?[('\"]*" + _WORD + ")*")
# the shared options (cli/options.py) are translated with the CLI part of issue 14
_SHARED = None


def _shared_help() -> list[str]:
    global _SHARED
    if _SHARED is None:
        import ast
        import inspect

        from weimai_cli.cli import options

        _SHARED = [n.value for n in ast.walk(ast.parse(inspect.getsource(options)))
                   if isinstance(n, ast.keyword) and n.arg == "help" and isinstance(n.value, ast.Constant)]
        _SHARED = [getattr(v, "value", v) for v in _SHARED]
    return _SHARED


def english_sentences(text: str) -> list[str]:
    for shared in _shared_help():
        text = text.replace(shared, " ")
    runs = (m.group().strip() for m in _RUN.finditer(_ALLOWED.sub("\x00", text)))
    return [r for r in runs if len([w for w in re.findall(_WORD, r) if len(w) >= 3]) >= 2]


PAGES = [
    ("share",), ("shares",), ("shares", "list"), ("shares", "show"), ("shares", "render"),
    ("codes",), ("codes", "verify"),
    ("distributors",), ("distributors", "add"), ("distributors", "list"), ("distributors", "show"),
    ("distributors", "edit"), ("distributors", "deactivate"), ("distributors", "rate"),
]


@pytest.mark.parametrize("page", PAGES, ids=" ".join)
def test_help_has_no_english_sentence(run, page, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")  # one line per help text: a shared option's text is found whole
    out = run(*ZH, *page, "--help").stdout
    assert re.search(r"[\u4e00-\u9fff]", out)
    body = "\n".join(line for line in out.splitlines() if not line.lstrip().startswith(("Usage", "用法")))
    assert english_sentences(body) == []


def test_the_english_sentence_check_finds_english():
    assert english_sentences("Share a product: 分享商品") == ["Share a product"]
    assert english_sentences("见 `weimai goods link`，--slot 推广位ID，docs/sharing.md") == []
