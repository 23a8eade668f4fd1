"""`weimai orders` and `weimai db` in Chinese (issue 14): the import summary,
a rejected row's file:row:column error with its hint, the list's titles and
status words, `db check`, and every --help of these commands.

The ``error:`` / ``hint:`` / ``warning:`` prefixes are the CLI's (cli/output.py):
these tests check what follows them."""

from __future__ import annotations

import csv
import json
import re
import sqlite3

import pytest

from tests.db.test_db import add_orphan_row
from tests.orders_helpers import ORDERS, add_all_shares, use_secret

TAOBAO = ORDERS / "taobao_union_2026-11.csv"


def write(path, rows, header=("order_id", "line_key", "sku", "quantity", "paid", "status", "paid_at")):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def lines_after_prefix(text: str) -> list[str]:
    """The lines of stderr without their ``xxx: `` prefix (error, hint, warning in any language)."""
    return [re.sub(r"^(error|hint|warning|错误|提示|警告)[:：] ?", "", ln) for ln in text.splitlines()]


@pytest.fixture
def shared(db):
    use_secret()
    add_all_shares(db)
    return db


def test_import_summary_in_chinese(run, shared):
    r = run("--lang", "zh", "orders", "import", TAOBAO)
    assert r.stderr.splitlines()[0] == (
        f"已导入 {TAOBAO}（taobao-union, csv, utf-16）：10 行：新增 9，变更 0，未变 0，过时 0，拒绝 0，合并 1；"
        "已归因 6，未归因 3"
    )
    # the same in English is unchanged, and JSON stays English whatever the language
    r = run("orders", "import", TAOBAO, "--dry-run")
    assert r.stderr.startswith(f"would import {TAOBAO} (taobao-union, csv, utf-16): 10 rows: 0 new, 0 changed, 9 unchanged")
    r = run("--lang", "zh", "orders", "import", TAOBAO, "--json")
    assert json.loads(r.stdout)[0]["format"] == "taobao-union" and r.stderr == ""


def test_dry_run_summary_and_one_row(run, db, tmp_path):
    f = write(tmp_path / "g.csv", [["A1", "A1-1", "S1", "1", "10.00", "paid", "2026-11-12 10:00:00"]])
    r = run("--lang", "zh", "orders", "import", f, "--dry-run")
    assert r.stderr == f"将导入 {f}（generic, csv, utf-8）：1 行：新增 1，变更 0，未变 0，过时 0，拒绝 0；已归因 0，未归因 1\n"


def test_rejected_row_keeps_file_row_column_and_translates_reason_and_hint(run, db, tmp_path):
    f = write(tmp_path / "g.csv", [["A1", "A1-1", "S1", "1", "10.00", "paid", "2026-11-12 10:00:00"],
                                   ["A2", "A2-1", "S1", "x", "10.00", "paid", "2026-11-12 10:00:00"]])
    r = run("--lang", "zh", "orders", "import", f, code=1)
    assert lines_after_prefix(r.stderr) == [f"{f}:3:4: quantity: 不是整数：'x'", "请写整数"]
    bad_status = write(tmp_path / "s.csv", [["A3", "A3-1", "S1", "1", "10.00", "bogus", "2026-11-12 10:00:00"]])
    r = run("--lang", "zh", "orders", "import", bad_status, code=1)
    lines = lines_after_prefix(r.stderr)
    assert lines[0] == f"{bad_status}:2:6: status: 未知状态 'bogus'"
    assert lines[1].startswith("已知状态：")
    # --skip-bad: the rejects file keeps its English header, the reason is the user's language
    r = run("--lang", "zh", "orders", "import", f, "--skip-bad", "--rejects", tmp_path / "rej.csv")
    assert "拒绝 1" in r.stderr
    rows = list(csv.reader((tmp_path / "rej.csv").open(encoding="utf-8-sig")))
    assert rows[0] == ["file", "row", "column", "reason"]
    assert rows[2][:4] == [str(f), "3", "4", "quantity: 不是整数：'x'"]


def test_unknown_header_and_usage_errors(run, db, tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("a,b\n1,2\n", encoding="utf-8")
    r = run("--lang", "zh", "orders", "import", f, code=1)
    lines = lines_after_prefix(r.stderr)
    assert lines[0].startswith(f"{f}:1: 没有已知的订单格式与该表头匹配；最接近的：taobao-refund（缺少 ")
    assert lines[0].endswith("；找到的列：a, b")
    assert lines[1] == "请给出 --format NAME，或用 --map COLUMN=field 映射列（generic）"
    r = run("--lang", "zh", "orders", "import", f, "--skip-bad", code=2)
    assert lines_after_prefix(r.stderr) == ["--skip-bad 需要同时给出 --rejects FILE", "请为被拒绝的行指定一个文件"]
    r = run("--lang", "zh", "orders", "show", "nosuch", code=1)
    assert lines_after_prefix(r.stderr) == ["没有订单行 'nosuch'", "见 `weimai orders list`"]


def test_total_row_warning_in_chinese_json_and_database_in_english(run, db, tmp_path):
    f = write(tmp_path / "t.csv", [["A1", "A1-1", "S1", "1", "10.00", "paid", "2026-11-12 10:00:00"],
                                   ["合计", "", "", "", "19.00", "", ""]])
    r = run("--lang", "zh", "orders", "import", f)
    assert f"{f}:3：合计行的 paid 为 19.00，但上方各行加起来是 10.00" in lines_after_prefix(r.stderr)
    outcome = db.execute("SELECT outcome FROM imports").fetchone()[0]
    assert "合计行" not in outcome
    r = run("orders", "import", f, "--json")  # replayed, in English
    assert json.loads(r.stdout)[0]["warnings"] == [
        f"{f}:3: the total row says paid 19.00, but the lines above it add up to 10.00"]
    assert f"warning: {f}:3: the total row says paid 19.00" in r.stderr or r.stderr == ""


def test_orders_list_titles_and_status_words(run, shared):
    run("orders", "import", TAOBAO)
    r = run("--lang", "zh", "orders", "list")
    header, rule, *rows = r.stdout.splitlines()
    assert header.split() == ["平台", "订单行", "SKU", "标题", "数量", "实付", "退款", "币种", "状态", "月份",
                              "分享", "达人", "佣金"]
    assert set(rule) == {"-", " "}
    words = {w for row in rows for w in row.split()}
    assert {"已付款", "已收货", "已结算"} <= words and "paid" not in words
    # CSV and JSON stay English: titles and canonical statuses
    r = run("--lang", "zh", "orders", "list", "--format", "csv")
    assert r.stdout.splitlines()[0] == (
        "platform,line,SKU,title,qty,paid,refunded,cur,status,month,share,distributor,commission")
    assert ",paid," in r.stdout and "已付款" not in r.stdout
    r = run("--lang", "zh", "orders", "list", "--format", "json")
    assert {x["status"] for x in json.loads(r.stdout)} <= {"paid", "confirmed", "settled", "cancelled",
                                                          "refunded", "invalid", "pending"}
    r = run("--lang", "zh", "orders", "list", "--month", "2020-01")
    assert lines_after_prefix(r.stderr) == ["没有符合条件的订单"]


def test_orders_show_labels_and_status(run, shared):
    run("orders", "import", TAOBAO)
    key = run("orders", "list", "--format", "json", "--status", "paid")
    line_key = json.loads(key.stdout)[0]["line_key"]
    r = run("--lang", "zh", "orders", "show", line_key)
    labels = dict(ln.split(None, 1) for ln in r.stdout.split("\n\n")[0].splitlines())
    assert labels["状态"] == "已付款" and labels["平台"] == "taobao" and labels["订单行编号"] == line_key
    assert "历史" in r.stdout


def test_orders_show_history_in_chinese_json_in_english(run, shared):
    run("orders", "import", TAOBAO)
    run("orders", "import", ORDERS / "taobao_union_2026-11-later.csv")
    r = run("--lang", "zh", "orders", "show", "3301234567890300001")
    history = [ln.split()[3:] for ln in r.stdout.split("历史\n")[1].splitlines()[2:]]
    assert ["创建", "taobao-union"] in history and ["状态", "已收货", "已结算"] in history
    assert ["结算金额（分）", "11980"] in history
    r = run("--lang", "zh", "orders", "show", "3301234567890300001", "--format", "json")
    assert {"field": "status", "old_value": "confirmed", "new_value": "settled"}.items() <= next(
        e for e in json.loads(r.stdout)["history"] if e["field"] == "status").items()


def test_db_check_in_chinese(run, home):
    r = run("--lang", "zh", "db", "check")
    assert r.stderr == "正常：完整性和外键检查均无问题\n"
    add_orphan_row(home / "weimai.db")
    r = run("--lang", "zh", "db", "check", code=1)
    assert r.stdout == "外键：goods_history 的 rowid 1 指向不存在的 goods 行\n"
    assert lines_after_prefix(r.stderr) == ["发现 1 个问题", "请从 `weimai db backup` 的副本恢复"]
    r = run("--lang", "zh", "db", "backup", home / "weimai.db", code=1)
    assert lines_after_prefix(r.stderr) == [f"{home / 'weimai.db'}：已存在", "请换一个新文件名"]


# ---- no English sentence in the help of these commands ----------------------------

COMMANDS = [
    ("orders",), ("orders", "import"), ("orders", "list"), ("orders", "show"), ("orders", "attribute"),
    ("orders", "mapping"), ("orders", "mapping", "save"), ("orders", "mapping", "list"),
    ("db",), ("db", "path"), ("db", "backup"), ("db", "check"), ("db", "migrations"),
]
# two lower-case English words of 3+ letters in a row: a sentence left untranslated
_SENTENCE = re.compile(r"\b[a-z]{3,}[ ,;:]+[a-z]{3,}\b")
_NOT_PROSE = re.compile(r"`[^`]*`|--?[\w-]+|<[^>]*>|\[[^\]]*\]|https?://\S+|\b[a-z]+-[a-z-]+\b")


def _shared_option_helps() -> list[str]:
    """Help texts of the options every command shares (cli/options.py): the CLI's to translate."""
    import typing

    from weimai_cli.cli import options

    helps = []
    for value in vars(options).values():
        for meta in getattr(value, "__metadata__", ()) if typing.get_origin(value) is typing.Annotated else ():
            if getattr(meta, "help", None):
                helps.append(meta.help)
    return helps


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_has_no_english_sentence(run, monkeypatch, command):
    monkeypatch.setenv("COLUMNS", "250")  # one line per option: a shared option's line is left out whole
    out = run("--lang", "zh", *command, "--help").stdout
    shared = _shared_option_helps()
    assert "用法：" in out
    left = []
    for line in out.splitlines():
        if any(h in line for h in shared) or "用法：" in line:  # (the usage line: command names)
            continue
        prose = _NOT_PROSE.sub(" ", line)
        left += _SENTENCE.findall(prose)
    assert left == []


def test_database_errors_in_chinese(monkeypatch, tmp_path):
    from weimai_cli import i18n
    from weimai_cli.db.store import connect
    from weimai_cli.db.tx import translate
    from weimai_cli.errors import DatabaseBusy, EnvironmentProblem

    monkeypatch.setattr(i18n, "_lang", "zh")
    busy = translate(sqlite3.OperationalError("database is locked"), "w.db")
    assert isinstance(busy, DatabaseBusy)
    assert (str(busy), busy.hint) == ("w.db: 数据库正忙（另一个 weimai 正在写入）", "请重试，或调大 WEIMAI_BUSY_TIMEOUT_MS")
    not_db = tmp_path / "notes.db"
    not_db.write_text("hello, not a database", encoding="utf-8")
    with pytest.raises(EnvironmentProblem) as exc:
        connect(not_db)
    assert (str(exc.value), exc.value.hint) == (f"{not_db}：不是 SQLite 数据库", "请让 --db 指向 weimai 数据库，或把该文件移走")


def test_mapping_and_attribute_messages(run, db):
    r = run("--lang", "zh", "orders", "mapping", "save", "shop", "--map", "单号=line_key", "--map", "金额=paid")
    assert r.stderr == "已保存映射 shop：单号=line_key, 金额=paid\n"
    r = run("--lang", "zh", "orders", "mapping", "list")
    assert r.stdout.split("\n")[0].split() == ["名称", "平台", "映射", "更新时间"]
    r = run("--lang", "zh", "orders", "import", "x.csv", "--mapping", "nosuch", code=1)
    assert lines_after_prefix(r.stderr) == [
        "没有已保存的映射 'nosuch'", "请用 `weimai orders mapping save NAME --map COLUMN=field` 保存一个；已保存：shop"]
    r = run("--lang", "zh", "orders", "attribute")
    assert r.stderr == "已归因 0 条订单行；仍有 0 条未归因\n"


def test_import_help_names_every_input_format():
    """The --format help is a plain literal (the catalog's message id): it must list INPUT_FORMATS."""
    import inspect

    from weimai_cli.cli.commands.orders import INPUT_FORMATS, import_cmd

    assert f'help="Input format: {", ".join(INPUT_FORMATS)}."' in inspect.getsource(import_cmd)
