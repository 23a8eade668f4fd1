"""weimai distributors edit / deactivate / rate / show / list, the terms a
share snapshots (terms_for) and the rates `goods show` lists: rows read
back, exit codes, nothing written on bad input."""

from __future__ import annotations

import json

import pytest

from tests.sharing.sharing_helpers import FROZEN_NOW, dump, set_config
from weimai_cli.sharing.distributors import Terms, terms_for

WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"


def _share(run, *args) -> dict:
    return json.loads(run("share", *args, "--format", "json").stdout)


def _dist(db, handle: str) -> dict:
    return dict(db.execute("SELECT * FROM distributors WHERE handle = ?", (handle,)).fetchone())


def _rates(db) -> list[tuple]:
    return dump(db, "SELECT handle, scope, key, rate_bp FROM distributor_rates ORDER BY handle, scope, key")


def _snapshot(db) -> list[tuple]:
    return [*dump(db, "SELECT * FROM distributors ORDER BY handle"), *_rates(db)]


def _refused(run, db, args, code: int, message: str) -> None:
    """The command fails with ``code`` and ``message`` and changes no distributor row or rate."""
    before = _snapshot(db)
    assert message in run("distributors", *args, code=code).stderr
    assert _snapshot(db) == before


@pytest.fixture
def team(run, shop):
    """xiaohong (25 %), laowang (no rate), goods in categories, a notify target."""
    run("distributors", "add", "xiaohong", "--name", "小红", "--rate", "25%", "--contact", "wx:xh")
    run("distributors", "add", "laowang", "--name", "老王")
    run("goods", "edit", "NX-GQ-500", "--category", "滋补")
    run("goods", "edit", "WC-DM-5KG", "--category", "粮油")
    run("goods", "edit", "TW-FLS-10", "--category", "滋补")
    set_config("notify", {"team": {"kind": "wecom", "url": WECOM}, "xh": {"kind": "wecom", "url": WECOM}})
    return shop


# --- edit ----------------------------------------------------------------------


def test_edit_changes_fields_and_reads_back(run, db, team):
    r = run("distributors", "edit", "xiaohong", "--rate", "30", "--name", "小红书", "--contact", "wx:new",
            "--notify", "xh")
    assert r.stderr == "changed xiaohong: rate 30.00%, name 小红书, contact wx:new, notify xh\n"
    d = _dist(db, "xiaohong")
    assert (d["rate_bp"], d["name"], d["contact"], d["notify_target"], d["active"]) == (3000, "小红书", "wx:new", "xh", 1)
    r = run("distributors", "edit", "xiaohong", "--no-rate", "--no-notify", "--contact", "")
    assert r.stderr == "changed xiaohong: rate (goods terms), contact (none), notify (none)\n"
    d = _dist(db, "xiaohong")
    assert (d["rate_bp"], d["contact"], d["notify_target"]) == (None, None, None)
    assert run("distributors", "edit", "xiaohong", "--name", "小红书").stderr == "unchanged xiaohong\n"


def test_edit_rate_keeps_earlier_snapshots(run, db, team):
    a = _share(run, "NX-GQ-500", "--as", "xiaohong")
    run("distributors", "edit", "xiaohong", "--rate", "31%")
    b = _share(run, "NX-GQ-500", "--as", "xiaohong")
    run("distributors", "edit", "xiaohong", "--no-rate")
    c = _share(run, "NX-GQ-500", "--as", "xiaohong")
    assert dump(db, "SELECT code, commission_bp FROM shares ORDER BY id") == [
        (a["code"], 2500), (b["code"], 3100), (c["code"], 2000)]


def test_me_can_be_edited(run, db, team):
    run("distributors", "edit", "me", "--rate", "10%", "--notify", "team", "--active")
    assert (_dist(db, "me")["rate_bp"], _dist(db, "me")["notify_target"]) == (1000, "team")


@pytest.mark.parametrize(
    "args,code,message",
    [
        (["nobody", "--rate", "10"], 1, "error: no distributor 'nobody'"),
        (["xiaohng", "--rate", "10"], 1, "hint: did you mean xiaohong?"),
        (["xiaohong", "--rate", "abc"], 1, "error: --rate: not a rate: 'abc'"),
        (["xiaohong", "--rate", "-1"], 1, "error: --rate: not a rate: '-1'"),
        (["xiaohong", "--rate", "101%"], 1, "error: --rate: rate over 100 %: '101%'"),
        (["xiaohong", "--rate", ""], 1, "error: --rate is empty"),
        (["xiaohong", "--name", " "], 1, "error: --name is empty"),
        (["xiaohong", "--notify", "nowhere"], 1,
         "error: --notify: no notify target 'nowhere' (configured: team, xh)\n"
         "hint: add one with `weimai notify add NAME --kind wecom --url …`"),
        (["xiaohong", "--rate", "10", "--no-rate"], 2, "error: --rate and --no-rate exclude each other"),
        (["xiaohong", "--notify", "team", "--no-notify"], 2, "error: --notify and --no-notify exclude each other"),
        (["xiaohong"], 2, "error: nothing to change"),
    ],
)
def test_edit_bad_input_changes_nothing(run, db, team, args, code, message):
    _refused(run, db, ["edit", *args], code, message)


def test_edit_notify_without_any_target(run, db, shop):
    run("distributors", "add", "xiaohong")
    r = run("distributors", "edit", "xiaohong", "--notify", "team", code=1)
    assert r.stderr == (
        "error: --notify: no notify target 'team' (configured: none yet)\n"
        "hint: add one with `weimai notify add NAME --kind wecom --url …`\n"
    )
    assert _dist(db, "xiaohong")["notify_target"] is None


# --- deactivate ------------------------------------------------------------------


def test_deactivate_keeps_history_and_edit_active_reactivates(run, db, team):
    s = _share(run, "NX-GQ-500", "--as", "xiaohong")
    run("distributors", "rate", "xiaohong", "--sku", "NX-GQ-500", "40%")
    r = run("distributors", "deactivate", "xiaohong")
    assert r.stderr == (
        "deactivated xiaohong: their shares, orders and ledger entries are kept; "
        "`weimai distributors edit xiaohong --active` reactivates\n"
    )
    d = _dist(db, "xiaohong")
    assert (d["active"], d["deactivated_at"], d["rate_bp"]) == (0, FROZEN_NOW, 2500)
    assert dump(db, "SELECT code, distributor FROM shares") == [(s["code"], "xiaohong")]
    assert _rates(db) == [("xiaohong", "sku", "NX-GQ-500", 4000)]
    assert run("distributors", "deactivate", "xiaohong").stderr == "xiaohong was already deactivated\n"
    assert _dist(db, "xiaohong")["deactivated_at"] == FROZEN_NOW

    r = run("distributors", "edit", "xiaohong", "--active")
    assert r.stderr == "changed xiaohong: reactivated\n"
    d = _dist(db, "xiaohong")
    assert (d["active"], d["deactivated_at"]) == (1, None)


def test_deactivate_me_is_refused(run, db, team):
    _refused(run, db, ["deactivate", "me"], 1,
             "error: the distributor 'me' cannot be deactivated\n"
             "hint: it is the default distributor (your own shares); edit it instead\n")


def test_deactivate_unknown_handle(run, db, team):
    _refused(run, db, ["deactivate", "laowong"], 1,
             "error: no distributor 'laowong'\nhint: did you mean laowang, xiaohong?")


def test_list_shows_active_ones_unless_all(run, db, team):
    run("distributors", "edit", "xiaohong", "--notify", "xh")
    run("distributors", "deactivate", "laowang")
    r = run("distributors", "list", "--format", "csv")
    assert r.stdout == (
        "handle,name,contact,rate,status,notify,shares,last share,created\n"
        f"me,me,,,active,,0,,{FROZEN_NOW}\n"
        f"xiaohong,小红,wx:xh,25.00%,active,xh,0,,{FROZEN_NOW}\n"
    )
    assert r.stderr == "1 deactivated distributor not listed (--all lists them)\n"
    r = run("distributors", "list", "--all", "--format", "json")
    rows = json.loads(r.stdout)
    assert [(d["handle"], d["status"]) for d in rows] == [
        ("me", "active"), ("laowang", "deactivated"), ("xiaohong", "active")]
    assert r.stderr == ""


# --- rates per SKU / category ----------------------------------------------------


def test_precedence_sku_category_distributor_goods(run, db, team):
    run("goods", "add", "FIX-1", "--title", "固定佣金", "--price", "10", "--commission", "1.50",
        "--category", "杂货", "--url", "https://shop.example.com/p/1")
    goods = {r["sku"]: dict(r) for r in db.execute("SELECT * FROM goods")}
    # nothing set: the distributor's rate, else the goods' own terms (rate or fixed)
    assert terms_for(db, "xiaohong", goods["NX-GQ-500"]) == Terms(2500, None, "distributor")
    assert terms_for(db, "laowang", goods["NX-GQ-500"]) == Terms(2000, None, "goods")
    assert terms_for(db, "laowang", goods["FIX-1"]) == Terms(None, 150, "goods")
    run("distributors", "rate", "xiaohong", "--category", "滋补", "28%")
    run("distributors", "rate", "laowang", "--category", "杂货", "0")
    assert terms_for(db, "xiaohong", goods["NX-GQ-500"]) == Terms(2800, None, "category")
    assert terms_for(db, "xiaohong", goods["TW-FLS-10"]) == Terms(2800, None, "category")
    assert terms_for(db, "xiaohong", goods["WC-DM-5KG"]) == Terms(2500, None, "distributor")
    assert terms_for(db, "laowang", goods["FIX-1"]) == Terms(0, None, "category")  # 0 % is a rate
    run("distributors", "rate", "xiaohong", "--sku", "NX-GQ-500", "30%")
    assert terms_for(db, "xiaohong", goods["NX-GQ-500"]) == Terms(3000, None, "sku")
    assert terms_for(db, "xiaohong", goods["TW-FLS-10"]) == Terms(2800, None, "category")
    assert terms_for(db, "me", goods["NX-GQ-500"]) == Terms(2000, None, "goods")  # rates are per distributor


def test_shares_snapshot_the_override_and_keep_it(run, db, team):
    run("distributors", "rate", "xiaohong", "--sku", "NX-GQ-500", "30%")
    run("distributors", "rate", "laowang", "--category", "滋补", "22.5")
    a = _share(run, "NX-GQ-500", "--as", "xiaohong")
    b = _share(run, "TW-FLS-10", "--as", "laowang")
    c = _share(run, "WC-DM-5KG", "--as", "laowang")
    assert [(s["commission_bp"], s["commission_fen"]) for s in (a, b, c)] == [(3000, None), (2250, None), (1250, None)]
    run("distributors", "rate", "xiaohong", "--sku", "NX-GQ-500", "--remove")
    run("distributors", "rate", "laowang", "--category", "滋补", "15")
    d = _share(run, "NX-GQ-500", "--as", "xiaohong")
    assert dump(db, "SELECT id, commission_bp FROM shares ORDER BY id") == [(1, 3000), (2, 2250), (3, 1250), (4, 2500)]
    assert d["commission_bp"] == 2500


def test_rate_set_change_remove_and_list(run, db, team):
    assert run("distributors", "rate", "xiaohong", "--sku", "NX-GQ-500", "30%").stderr == (
        "added the per-SKU rate of xiaohong for 'NX-GQ-500': 30.00%\n")
    assert run("distributors", "rate", "xiaohong", "--sku", "NX-GQ-500", "31").stderr == (
        "changed the per-SKU rate of xiaohong for 'NX-GQ-500': 31.00%\n")
    assert run("distributors", "rate", "xiaohong", "--sku", "NX-GQ-500", "31%").stderr == (
        "unchanged: per-SKU rate of xiaohong for 'NX-GQ-500'\n")
    run("distributors", "rate", "xiaohong", "--category", "粮油", "18%")
    assert _rates(db) == [("xiaohong", "category", "粮油", 1800), ("xiaohong", "sku", "NX-GQ-500", 3100)]
    assert dump(db, "SELECT created_at FROM distributor_rates") == [(FROZEN_NOW,), (FROZEN_NOW,)]
    r = run("distributors", "rate", "xiaohong", "--format", "csv")
    assert r.stdout == (
        "scope,SKU / category,rate,note\n"
        "sku,NX-GQ-500,31.00%,\n"
        "category,粮油,18.00%,\n"
    )
    run("goods", "archive", "NX-GQ-500")
    assert "sku,NX-GQ-500,31.00%,goods archived\n" in run("distributors", "rate", "xiaohong", "-f", "csv").stdout
    assert run("distributors", "rate", "xiaohong", "--category", "粮油", "--remove").stderr == (
        "removed the per-category rate of xiaohong for '粮油' (18.00%)\n")
    # removing the rate of an archived SKU is allowed
    run("distributors", "rate", "xiaohong", "--sku", "NX-GQ-500", "--remove")
    assert _rates(db) == []
    assert run("distributors", "rate", "xiaohong").stderr == "xiaohong has no per-SKU or per-category rates\n"


def test_show_lists_fields_and_rates(run, db, team):
    run("distributors", "edit", "xiaohong", "--notify", "xh")
    run("distributors", "rate", "xiaohong", "--sku", "NX-GQ-500", "30%")
    run("distributors", "rate", "xiaohong", "--category", "滋补", "28%")
    run("distributors", "deactivate", "xiaohong")
    out = run("distributors", "show", "xiaohong").stdout
    assert out == (
        "handle   xiaohong\n"
        "name     小红\n"
        "contact  wx:xh\n"
        "rate     25.00%\n"
        f"status   deactivated since {FROZEN_NOW}\n"
        "notify   xh\n"
        "shares   0\n"
        f"created  {FROZEN_NOW}\n"
        "\n"
        "rates (per-SKU > per-category > distributor's rate > goods' terms)\n"
        "scope     SKU / category    rate  note\n"
        "--------  --------------  ------  ----\n"
        "sku       NX-GQ-500       30.00%\n"
        "category  滋补            28.00%\n"
    )
    js = json.loads(run("distributors", "show", "xiaohong", "-f", "json").stdout)
    assert (js["status"], js["notify_target"], js["deactivated_at"]) == ("deactivated", "xh", FROZEN_NOW)
    assert [(r["scope"], r["key"], r["rate_bp"]) for r in js["rates"]] == [
        ("sku", "NX-GQ-500", 3000), ("category", "滋补", 2800)]


def test_negative_rate_argument_is_bad_input_not_an_option(run, db, team):
    r = run("distributors", "rate", "xiaohong", "--sku", "NX-GQ-500", "-1", code=1)
    assert r.stderr == (
        "error: RATE: not a rate: '-1'\nhint: write a percent from 0 to 100, like 25% or 25\n")
    assert _rates(db) == []


@pytest.mark.parametrize(
    "args,code,message",
    [
        (["nobody", "--sku", "NX-GQ-500", "10"], 1, "error: no distributor 'nobody'"),
        (["xiaohong", "--sku", "NX-GQ-50", "10"], 1,
         "error: no goods with SKU 'NX-GQ-50'\nhint: did you mean NX-GQ-500?"),
        (["xiaohong", "--sku", "OLD-1", "10"], 1,
         "error: goods 'OLD-1' is archived: a rate for it would never apply\n"),
        (["xiaohong", "--category", "滋补品", "10"], 1,
         "error: no active goods in category '滋补品'\nhint: did you mean 滋补? categories: 滋补, 粮油"),
        (["xiaohong", "--category", "旧货", "10"], 1, "error: no active goods in category '旧货'"),
        (["xiaohong", "--sku", "NX-GQ-500", "abc"], 1, "error: RATE: not a rate: 'abc'"),
        (["xiaohong", "--sku", "NX-GQ-500", "101%"], 1, "error: RATE: rate over 100 %: '101%'"),
        (["xiaohong", "--sku", "NX-GQ-500", "12.345"], 1, "error: RATE: rate finer than 0.01 %"),
        (["xiaohong", "--sku", " ", "10"], 1, "error: --sku is empty"),
        (["xiaohong", "--sku", "NX-GQ-500", "--remove"], 1,
         "error: xiaohong has no per-SKU rate for 'NX-GQ-500'\nhint: see `weimai distributors rate xiaohong`"),
        (["xiaohong", "--category", "粮油", "--remove"], 1, "error: xiaohong has no per-category rate for '粮油'"),
        (["xiaohong", "10"], 2, "error: say what the rate is for: --sku SKU or --category CATEGORY\n"
                                "hint: the distributor's own rate: weimai distributors edit xiaohong --rate 10"),
        (["xiaohong", "--sku", "NX-GQ-500"], 2, "error: give a RATE or --remove"),
        (["xiaohong", "--sku", "NX-GQ-500", "--category", "滋补", "10"], 2,
         "error: --sku and --category exclude each other"),
        (["xiaohong", "--sku", "NX-GQ-500", "10", "--remove"], 2, "error: a RATE and --remove exclude each other"),
        (["xiaohong", "--sku", "NX-GQ-500", "--bogus=1"], 2, "error: No such option: --bogus\n"),
    ],
)
def test_rate_bad_input_changes_nothing(run, db, team, args, code, message):
    run("goods", "add", "OLD-1", "--title", "旧货", "--price", "1", "--category", "旧货",
        "--url", "https://shop.example.com/p/old")
    run("goods", "archive", "OLD-1")
    _refused(run, db, ["rate", *args], code, message)


def test_rate_on_a_deactivated_distributor_is_kept_for_later(run, db, team):
    run("distributors", "deactivate", "laowang")
    run("distributors", "rate", "laowang", "--sku", "WC-DM-5KG", "9%")
    run("distributors", "edit", "laowang", "--active")
    assert _share(run, "WC-DM-5KG", "--as", "laowang")["commission_bp"] == 900


# --- goods show ------------------------------------------------------------------


def test_goods_show_lists_the_rates_that_touch_it(run, db, team):
    plain = run("goods", "show", "WC-DM-5KG").stdout
    assert "distributor rates" not in plain
    run("distributors", "rate", "xiaohong", "--sku", "NX-GQ-500", "30%")
    run("distributors", "rate", "xiaohong", "--category", "滋补", "28%")
    run("distributors", "rate", "laowang", "--category", "滋补", "22%")
    run("distributors", "rate", "me", "--category", "粮油", "5%")
    run("distributors", "add", "gone")
    run("distributors", "rate", "gone", "--sku", "NX-GQ-500", "50%")
    run("distributors", "deactivate", "gone")
    out = run("goods", "show", "NX-GQ-500").stdout
    assert out.endswith(
        "\n\n"
        "distributor rates (per-SKU > per-category > distributor's rate > goods' terms)\n"
        "distributor  rate for             rate  applies\n"
        "-----------  -----------------  ------  ---------------------------\n"
        "gone         per-SKU            50.00%  no: distributor deactivated\n"
        "laowang      per-category 滋补  22.00%  yes\n"
        "xiaohong     per-SKU            30.00%  yes\n"
        "xiaohong     per-category 滋补  28.00%  no: the per-SKU rate wins\n"
    )
    js = json.loads(run("goods", "show", "NX-GQ-500", "-f", "json").stdout)
    assert [(r["handle"], r["scope"], r["rate_bp"], r["applies"]) for r in js["distributor_rates"]] == [
        ("gone", "sku", 5000, False), ("laowang", "category", 2200, True),
        ("xiaohong", "sku", 3000, True), ("xiaohong", "category", 2800, False)]
    assert json.loads(run("goods", "show", "WC-DM-5KG", "-f", "json").stdout)["distributor_rates"] == [
        {"handle": "me", "scope": "category", "key": "粮油", "rate_bp": 500, "active": True, "applies": True}]


@pytest.mark.parametrize("sku_bp", [None, 3000])
@pytest.mark.parametrize("cat_bp", [None, 0])
@pytest.mark.parametrize("dist_bp", [None, 2500])
@pytest.mark.parametrize("goods_terms", [(2000, None), (None, 150), (None, None)])
def test_terms_for_takes_the_first_that_exists(db, sku_bp, cat_bp, dist_bp, goods_terms):
    db.execute("INSERT INTO distributors (handle, name, rate_bp, created_at) VALUES ('h', 'h', ?, 't')", (dist_bp,))
    for scope, key, bp in (("sku", "S1", sku_bp), ("category", "C1", cat_bp), ("sku", "OTHER", 9900)):
        if bp is not None:
            db.execute("INSERT INTO distributor_rates VALUES ('h', ?, ?, ?, 't')", (scope, key, bp))
    goods = {"sku": "S1", "category": "C1", "commission_bp": goods_terms[0], "commission_fen": goods_terms[1]}
    expected = (
        Terms(sku_bp, None, "sku") if sku_bp is not None
        else Terms(cat_bp, None, "category") if cat_bp is not None
        else Terms(dist_bp, None, "distributor") if dist_bp is not None
        else Terms(*goods_terms, "goods")
    )
    assert terms_for(db, "h", goods) == expected
    # another distributor's rates never apply; a goods with no category takes no category rate
    assert terms_for(db, "me", goods) == Terms(*goods_terms, "goods")
    if sku_bp is None and cat_bp is not None:
        assert terms_for(db, "h", {**goods, "category": None}).source == ("distributor" if dist_bp else "goods")
