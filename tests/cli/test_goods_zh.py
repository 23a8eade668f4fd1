"""The catalogue side in Chinese (issue 14): goods and feeds errors, hints,
summaries, list-goods and goods show, and their --help, under ``--lang zh``.
Machine formats (JSON, CSV) stay English."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import DATA


def write(tmp_path, name, text):
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return f


def test_a_bad_goods_file_names_row_and_column_in_chinese(run, tmp_path):
    f = write(tmp_path, "bad.csv", "sku,title,price,rate\nA1,小风扇,12.50,10%\nA2,台灯,abc,5\n")
    r = run("--lang", "zh", "goods", "import", f, code=1)
    assert f"{f}:3:3: price: 不是金额：'abc'" in r.stderr
    assert "价格写成 12.50、¥12.50 或 1,299.00（最多两位小数）" in r.stderr
    assert "write a price" not in r.stderr


def test_a_rate_hint_and_an_id_hint_in_chinese(run, tmp_path):
    f = write(tmp_path, "rate.csv", "sku,title,price,rate\nA1,小风扇,12.50,abc\n")
    r = run("--lang", "zh", "goods", "import", f, code=1)
    assert f"{f}:2:4: rate: 不是比率：'abc'" in r.stderr
    assert "百分比写成 12.5%、12.5 % 或 12.5（都表示 12.5 %）" in r.stderr
    f = write(tmp_path, "ids.csv", "sku,title,price\n1.23E+15,小风扇,12.50\n")
    r = run("--lang", "zh", "goods", "import", f, code=1)
    assert "ID '1.23E+15' 被转成了科学计数法；请把 ID 按文本重新导出" in r.stderr
    assert "在表格软件中把 ID 列设为“文本”格式（或重新下载 CSV）后再导入" in r.stderr


def test_the_same_errors_stay_english_by_default(run, tmp_path):
    f = write(tmp_path, "bad.csv", "sku,title,price,rate\nA1,小风扇,12.50,abc\n")
    r = run("goods", "import", f, code=1)
    assert f"{f}:2:4: rate: not a rate: 'abc'" in r.stderr
    assert "write a percent like 12.5%, 12.5 % or 12.5 (all mean 12.5 %)" in r.stderr


def test_missing_columns_and_a_missing_file(run, tmp_path):
    f = write(tmp_path, "cols.csv", "名称,库存\nx,1\n")
    r = run("--lang", "zh", "goods", "import", f, code=1)
    assert f"{f}:1: 缺少必需的列：sku, price；找到的列：名称, 库存" in r.stderr
    r = run("--lang", "zh", "goods", "import", tmp_path / "nope.csv", code=1)
    assert "nope.csv: 文件不存在" in r.stderr and "请检查路径" in r.stderr


def test_import_summary_and_warning_in_chinese(run, tmp_path):
    f = write(tmp_path, "good.csv", "sku,title,price,rate,color\nA1,小风扇,12.50,10%,red\nA2,台灯,30,5,blue\n")
    r = run("--lang", "zh", "goods", "import", f)
    assert f"警告：{f}：忽略未知列 'color'" in r.stderr
    assert f"已导入 {f}（csv, utf-8）：2 行：新增 2，更新 0，未变 0，归档 0" in r.stderr
    r = run("--lang", "zh", "goods", "import", "--dry-run", f)
    assert f"将导入 {f}（csv, utf-8）：2 行：新增 0，更新 0，未变 2，归档 0" in r.stderr
    # the JSON summary keeps its English warning
    r = run("--lang", "zh", "goods", "import", "--json", f)
    assert json.loads(r.stdout)[0]["warnings"] == [f"{f}: ignoring unknown column 'color'"]


def test_the_english_import_summary_is_unchanged(run, tmp_path):
    f = write(tmp_path, "one.csv", "sku,title,price\nA1,小风扇,12.50\n")
    r = run("goods", "import", f)
    assert f"imported {f} (csv, utf-8): 1 row: 1 added, 0 changed, 0 unchanged, 0 archived" in r.stderr


def test_list_goods_headers_and_statuses_in_chinese(run):
    run("goods", "import", DATA / "goods" / "catalogue.csv")
    first = run("goods", "list", "--format", "csv").stdout.splitlines()[1].split(",")[0]
    run("goods", "archive", first)
    r = run("--lang", "zh", "list-goods", "--include-archived")
    header = r.stdout.splitlines()[0].split()
    assert header == ["SKU", "标题", "价格", "佣金比例", "佣金", "类目", "供应商", "库存", "状态"]
    assert "已归档" in r.stdout and "在售" in r.stdout
    md = run("--lang", "zh", "list-goods", "--format", "md").stdout.splitlines()[0]
    assert md == "| SKU | 标题 | 价格 | 佣金比例 | 佣金 | 类目 | 供应商 | 库存 |"
    # CSV and JSON stay English for scripts
    csv_head = run("--lang", "zh", "list-goods", "--include-archived", "--format", "csv").stdout.splitlines()[0]
    assert csv_head == "SKU,title,price,rate,commission,category,supplier,stock,status"
    data = json.loads(run("--lang", "zh", "list-goods", "--include-archived", "--format", "json").stdout)
    assert {d["status"] for d in data} == {"active", "archived"}
    assert run("--lang", "zh", "list-goods", "--search", "no-such-thing").stderr.strip() == "没有匹配的商品"


def test_goods_show_and_messages_in_chinese(run):
    r = run("--lang", "zh", "goods", "add", "A1", "--title", "小风扇", "--price", "12.50", "--rate", "10")
    assert r.stderr.strip() == "已添加 A1：小风扇"
    r = run("--lang", "zh", "goods", "show", "A1")
    lines = r.stdout.splitlines()
    assert lines[:5] == ["SKU       A1", "标题      小风扇", "价格      12.50", "佣金比例  10.00%", "每件佣金  1.25"]
    assert "状态      在售" in lines and "历史" in lines
    assert run("--lang", "zh", "goods", "edit", "A1", "--price", "13").stderr.strip() == "已修改 A1"
    assert run("--lang", "zh", "goods", "archive", "A1").stderr.strip() == "已归档 A1"
    assert run("--lang", "zh", "goods", "archive", "A1").stderr.strip() == "A1 之前已归档"
    r = run("--lang", "zh", "goods", "show", "A11", code=1)
    assert "没有 SKU 为 'A11' 的商品" in r.stderr and "你是不是要找 A1？" in r.stderr
    r = run("--lang", "zh", "goods", "add", "A1", "--title", "x", "--price", "1", code=1)
    assert "SKU 'A1' 已存在" in r.stderr and "用 `weimai goods edit A1 …` 修改它" in r.stderr


def test_feeds_in_chinese(run):
    assert run("--lang", "zh", "feeds", "list").stderr.strip() == "还没有货源；用 `weimai feeds add NAME URL` 添加"
    r = run("--lang", "zh", "feeds", "add", "bad name!", "https://example.com/f.json", code=1)
    assert "货源名称 'bad name!' 不可用" in r.stderr
    r = run("--lang", "zh", "feeds", "add", "sup", "http://example.com/f.json", code=1)
    assert "货源地址 http://example.com/f.json 必须以 https:// 开头" in r.stderr
    r = run("--lang", "zh", "feeds", "remove", "nope", code=1)
    assert "没有货源 'nope'" in r.stderr


# the shared options of cli/options.py (--format, --json, --dry-run, --limit) are the CLI's
COMMANDS = [
    ("goods",), ("goods", "add"), ("goods", "edit"), ("goods", "archive"), ("goods", "show"),
    ("goods", "link"), ("goods", "import"), ("goods", "list"), ("goods", "sync"), ("list-goods",),
    ("feeds",), ("feeds", "add"), ("feeds", "list"), ("feeds", "remove"),
]


def _shared_helps() -> list[str]:
    from weimai_cli.cli import options

    out = []
    for value in vars(options).values():
        for meta in getattr(value, "__metadata__", ()):
            if getattr(meta, "help", None):
                out.append(meta.help.split("(")[0].strip()[:20])
    return out


def english_sentences(text: str) -> list[str]:
    """Runs of two or more lowercase ASCII words (3+ letters) outside backticks,
    option names, metavars, brackets and URLs."""
    found = []
    for line in text.splitlines():
        if line.strip().startswith("用法："):
            continue  # the usage line: command names
        s = re.sub(r"`[^`]*`|\S*://\S*|--?[\w-]+|<[^>]*>|\[[^\]]*\]", " ", line)
        found += [m.group(0) for m in re.finditer(r"\b[a-z]{3,}\b(?:[ ,]+\b[a-z]{3,}\b)+", s)]
    return found


@pytest.mark.parametrize("cmd", COMMANDS, ids=lambda c: " ".join(c))
def test_help_has_no_english_sentence_in_chinese(run, monkeypatch, cmd):
    monkeypatch.setenv("COLUMNS", "300")  # one line per option
    text = run("--lang", "zh", *cmd, "--help").stdout
    shared = _shared_helps()
    mine = "\n".join(line for line in text.splitlines() if not any(h and h in line for h in shared))
    assert english_sentences(mine) == []
    assert "用法：" in text
