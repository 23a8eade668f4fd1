"""weimai share / shares / codes / distributors: records, snapshots, bad input, history."""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET

import pytest

from tests.sharing.sharing_helpers import FROZEN_NOW, SECRET_HEX, dump, set_config, share_count
from weimai_cli.sharing import codes


def _share(run, *args) -> dict:
    return json.loads(run("share", *args, "--format", "json").stdout)


def test_share_records_everything_with_snapshot(run, db, shop):
    s = _share(run, "NX-GQ-500", "--channel", "xiaohongshu", "--campaign", "双11", "--slot", "mm_1")
    row = dict(db.execute("SELECT * FROM shares").fetchone())
    assert row == {
        "id": 1, "code": s["code"], "sku": "NX-GQ-500", "distributor": "me", "channel": "xiaohongshu",
        "campaign": "双11", "link": s["link"], "short_link": None, "post": s["post"], "slot": "mm_1",
        "template": "xiaohongshu", "price_fen": 5990, "commission_bp": 2000, "commission_fen": None,
        "created_at": FROZEN_NOW, "currency": "CNY",
    }
    assert s["code"] == codes.make_code(1, shop)
    # a later price / rate change does not touch the snapshot
    run("goods", "edit", "NX-GQ-500", "--price", "64.90", "--rate", "22%")
    assert dump(db, "SELECT price_fen, commission_bp FROM shares") == [(5990, 2000)]
    s2 = _share(run, "NX-GQ-500")
    assert (s2["price_fen"], s2["commission_bp"], s2["id"]) == (6490, 2200, 2)


def test_help_lists_sharing_commands(run):
    out = run("--help").stdout
    for name in ("share", "shares", "codes", "distributors"):
        assert f" {name} " in out
    assert "share.channel" in run("share", "--help").stdout


def test_share_text_output(run, shop):
    r = run("share", "WC-DM-5KG", "--channel", "link")
    code = codes.make_code(1, shop)
    link = f"https://item.jd.com/100012345678.html?subUnionId={code}"
    assert r.stdout == f"link  {link}\ncode  {code}\n\n{link}\n"
    assert r.stderr == (  # a bare JD item link earns nothing: the one new line
        "warning: this link of WC-DM-5KG will not earn: it has no 京东联盟 link; "
        "add one: `weimai goods link WC-DM-5KG --slot 推广位ID URL`\n"
        f"shared WC-DM-5KG on link as me: {code}\n"
    )


def test_share_on_a_terminal_shows_card_preview(run, shop, monkeypatch):
    monkeypatch.setenv("WEIMAI_FORCE_TERMINAL", "1")
    r = run("share", "NX-GQ-500", "--channel", "qq")
    code = codes.make_code(1, shop)
    assert (
        "┌──────────────────────────────────────┐\n"
        "│ 宁夏中宁特级枸杞 500g 头茬免洗       │\n"
        "│                                      │\n"
        "│ ¥59.90  原价 ¥89.00                  │\n"
        f"│ 推广码 {code}                    │\n"
        "└──────────────────────────────────────┘\n"
    ) in r.stdout


def test_distributor_rate_overrides_goods_rate(run, db, shop):
    run("goods", "add", "FIX-1", "--title", "固定佣金商品", "--price", "10", "--commission", "1.50",
        "--url", "https://shop.example.com/p/1")
    run("distributors", "add", "xiaohong", "--name", "小红", "--rate", "25%", "--contact", "wx:xh")
    a = _share(run, "NX-GQ-500", "--as", "xiaohong")
    b = _share(run, "FIX-1", "--as", "xiaohong")
    c = _share(run, "FIX-1")
    assert (a["distributor"], a["commission_bp"], a["commission_fen"]) == ("xiaohong", 2500, None)
    assert (b["commission_bp"], b["commission_fen"]) == (2500, None)
    assert (c["commission_bp"], c["commission_fen"]) == (None, 150)
    run("distributors", "add", "laowang", "--name", "老王")  # no override: goods terms
    d = _share(run, "NX-GQ-500", "--as", "laowang")
    assert (d["commission_bp"], d["commission_fen"]) == (2000, None)


def test_distributors_add_and_list(run, shop):
    run("distributors", "add", "xiaohong", "--name", "小红", "--rate", "25%")
    run("share", "NX-GQ-500", "--as", "xiaohong")
    r = run("distributors", "list", "--format", "csv")
    assert r.stdout == (
        "handle,name,contact,rate,status,notify,shares,last share,created\n"
        f"me,me,,,active,,0,,{FROZEN_NOW}\n"
        f"xiaohong,小红,,25.00%,active,,1,{FROZEN_NOW},{FROZEN_NOW}\n"
    )
    rows = json.loads(run("distributors", "list", "--format", "json").stdout)
    assert [(d["handle"], d["rate_bp"], d["shares"]) for d in rows] == [("me", None, 0), ("xiaohong", 2500, 1)]


@pytest.mark.parametrize(
    "args,message",
    [
        (["xiaohong"], "error: distributor 'xiaohong' already exists"),
        (["bad handle"], "error: distributor handle 'bad handle' is not usable"),
        (["x2", "--rate", "abc"], "error: --rate: not a rate: 'abc'"),
        (["x3", "--rate", "120%"], "error: --rate: rate over 100 %"),
    ],
)
def test_distributors_add_bad_input(run, db, args, message):
    run("distributors", "add", "xiaohong")
    r = run("distributors", "add", *args, code=1)
    assert message in r.stderr
    assert dump(db, "SELECT handle FROM distributors ORDER BY handle") == [("me",), ("xiaohong",)]


# --- bad input: exit 1, hint, nothing recorded ---------------------------------


def test_unknown_sku_names_close_matches(run, db, shop):
    r = run("share", "NX-GQ-50", code=1)
    assert r.stderr == "error: no goods with SKU 'NX-GQ-50'\nhint: did you mean NX-GQ-500?\n"
    assert share_count(db) == 0


def test_archived_sku_is_refused_with_active_close_matches(run, db, shop):
    run("goods", "add", "NX-GQ-250", "--title", "宁夏枸杞 250g", "--price", "32",
        "--url", "https://item.taobao.com/item.htm?id=2")
    run("goods", "archive", "NX-GQ-500")
    r = run("share", "NX-GQ-500", code=1)
    assert r.stderr == (
        "error: goods 'NX-GQ-500' is archived and cannot be shared\nhint: did you mean NX-GQ-250?\n"
    )
    assert share_count(db) == 0


def test_unknown_channel(run, db, shop):
    r = run("share", "NX-GQ-500", "--channel", "weibp", code=1)
    assert r.stderr == (
        "error: unknown channel 'weibp'\n"
        "hint: did you mean weibo? channels: weibo, wechat, moments, xiaohongshu, douyin, qq, link\n"
    )
    assert share_count(db) == 0


def test_unknown_default_channel_in_config(run, db, shop):
    set_config("share", {"channel": "tiktok"})
    r = run("share", "NX-GQ-500", code=1)
    assert "error: unknown channel 'tiktok'" in r.stderr
    set_config("share", {"channel": "douyin"})
    assert _share(run, "NX-GQ-500")["channel"] == "douyin"


def test_unknown_distributor(run, db, shop):
    run("distributors", "add", "xiaohong")
    r = run("share", "NX-GQ-500", "--as", "xiaohon", code=1)
    assert r.stderr == (
        "error: no distributor 'xiaohon'\nhint: did you mean xiaohong? or add one: "
        "weimai distributors add xiaohon --name … --rate …\n"
    )
    assert share_count(db) == 0


def test_bad_card_and_qr_paths_record_nothing(run, db, tmp_path, shop):
    r = run("share", "NX-GQ-500", "--card", str(tmp_path / "card.jpg"), code=1)
    assert "a card must end in .svg or .png" in r.stderr
    r = run("share", "NX-GQ-500", "--card", str(tmp_path / "no" / "card.svg"), code=1)
    assert r.stderr == (f"error: {tmp_path / 'no'}: no such folder\n"
                        "hint: create the folder first, or choose another --card\n")
    r = run("share", "NX-GQ-500", "--qr", str(tmp_path / "qr.svg"), "--card", "x.gif", code=1)
    (tmp_path / "x.svg").mkdir()
    r = run("share", "NX-GQ-500", "--card", str(tmp_path / "x.svg"), "--force", code=1)
    assert r.stderr == f"error: {tmp_path / 'x.svg'}: is a folder\nhint: give --card a file name in it\n"
    r = run("share", "NX-GQ-500", "--qr", str(tmp_path / "s.svg"), "--card", str(tmp_path / "s.svg"), code=1)
    assert r.stderr == (f"error: {tmp_path / 's.svg'}: --qr and --card name the same file\n"
                        "hint: give each its own file name\n")
    assert share_count(db) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "x.svg"]


def test_existing_card_and_qr_are_refused_unless_force(run, db, tmp_path, shop):
    card, qr = tmp_path / "card.svg", tmp_path / "qr.png"
    card.write_text("my card")
    qr.write_bytes(b"my qr")
    r = run("share", "NX-GQ-500", "--qr", qr, "--card", card, code=1)
    assert r.stderr == f"error: {qr}: already exists\nhint: add --force to replace it, or choose another file name\n"
    r = run("share", "NX-GQ-500", "--card", card, code=1)
    assert r.stderr == f"error: {card}: already exists\nhint: add --force to replace it, or choose another file name\n"
    assert (card.read_text(), qr.read_bytes()) == ("my card", b"my qr")
    assert share_count(db) == 0
    s = _share(run, "NX-GQ-500", "--qr", qr, "--card", card, "--force")
    assert s["files"] == {"qr": str(qr), "card": str(card)} and s["files_not_written"] == {}
    assert qr.read_bytes().startswith(b"\x89PNG") and s["code"] in card.read_text(encoding="utf-8")
    assert share_count(db) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["card.svg", "home", "qr.png"]


def test_a_link_at_the_card_or_qr_path_is_refused_even_with_force(run, db, tmp_path, shop):
    real = tmp_path / "real.svg"
    real.write_text("mine")
    link, dangling = tmp_path / "card.svg", tmp_path / "qr.svg"
    link.symlink_to(real)
    dangling.symlink_to(tmp_path / "elsewhere.svg")
    for option, target in (("--card", link), ("--qr", dangling)):
        for extra in ((), ("--force",)):
            r = run("share", "NX-GQ-500", option, target, *extra, code=1)
            assert r.stderr == (
                f"error: {target}: is a symbolic link; weimai does not write through links, even with --force\n"
                "hint: name the real file, or remove the link\n"
            )
    assert real.read_text() == "mine" and not (tmp_path / "elsewhere.svg").exists()
    assert link.is_symlink() and dangling.is_symlink()
    assert share_count(db) == 0


def test_a_card_that_fails_after_the_commit_keeps_the_share_exit_4(run, db, tmp_path, shop, monkeypatch):
    from weimai_cli.sharing import cards

    def disk_full(info):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cards, "card_svg", disk_full)
    card, qr = tmp_path / "card.svg", tmp_path / "qr.svg"
    r = run("share", "NX-GQ-500", "--qr", qr, "--card", card, code=4)
    code = db.execute("SELECT code FROM shares").fetchone()[0]
    assert r.stderr.endswith(
        f"wrote qr: {qr}\n"
        f"error: card not written: {card}: cannot write (No space left on device); "
        f"the share {code} is recorded (qr written)\n"
        "hint: free the path or fix the folder, then share again\n"
    )
    assert share_count(db) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "qr.svg"]  # no card, no temporary file


# --- codes ---------------------------------------------------------------------


def test_codes_verify_genuine_and_one_changed_character(run, shop):
    s = _share(run, "NX-GQ-500", "--campaign", "双11")
    r = run("codes", "verify", s["code"])
    assert r.stdout == (
        f"{s['code']}: genuine: share 1: NX-GQ-500 宁夏中宁特级枸杞 500g 头茬免洗, weibo, "
        f"campaign 双11, as me, {FROZEN_NOW}\n"
    )
    run("codes", "verify", s["code"].lower())  # case-insensitive
    changed = s["code"][:5] + ("X" if s["code"][5] != "X" else "Y") + s["code"][6:]
    r = run("codes", "verify", changed, code=1)
    assert r.stdout == f"{changed}: NOT genuine: the check character does not match (a typo?)\n"
    r = run("codes", "verify", "hello", code=1)
    assert "NOT genuine: not a weimai code" in r.stdout
    data = json.loads(run("codes", "verify", s["code"], "--format", "json").stdout)
    assert data["genuine"] and data["share"]["sku"] == "NX-GQ-500" and data["reason"] == "ok"


def test_every_single_character_change_fails(shop):
    for share_id in (1, 2, 31, 32, 1000, 123456):
        code = codes.make_code(share_id, shop)
        assert codes.verify(code, shop).share_id == share_id
        for i in (0, 1):
            for c in "xyzAQ7-":
                assert not codes.verify(code[:i] + c + code[i + 1:], shop).ok
        for i in range(2, len(code)):
            for c in codes.ALPHABET:
                if c == code[i]:
                    continue
                assert not codes.verify(code[:i] + c + code[i + 1:], shop).ok, (code, i, c)


def test_code_from_another_secret_is_not_genuine(run, shop):
    _share(run, "NX-GQ-500")
    other = codes.make_code(1, bytes.fromhex("11" * 32))
    r = run("codes", "verify", other, code=1)
    assert "NOT genuine: the signature does not match" in r.stdout


def test_genuine_code_without_share_here(run, shop):
    r = run("codes", "verify", codes.make_code(7, shop))
    assert "genuine, but share 7 is not in this database" in r.stdout


# --- history ---------------------------------------------------------------------


@pytest.fixture
def history(run, shop, monkeypatch):
    made = []
    for now, args in [
        ("2026-10-30T09:00:00+08:00", ["NX-GQ-500", "--channel", "weibo", "--campaign", "双11"]),
        ("2026-11-01T00:00:00+08:00", ["WC-DM-5KG", "--channel", "moments"]),
        ("2026-11-15T12:00:00+08:00", ["NX-GQ-500", "--channel", "douyin", "--campaign", "双11"]),
        ("2026-11-30T23:59:59+08:00", ["YN-SJ-1KG", "--channel", "weibo", "--slot", "t-20"]),
        ("2026-12-01T00:00:00+08:00", ["TW-FLS-10", "--channel", "qq"]),
    ]:
        monkeypatch.setenv("WEIMAI_NOW", now)
        made.append(_share(run, *args))
    monkeypatch.setenv("WEIMAI_NOW", FROZEN_NOW)
    return made


def _codes(run, *args):
    return [r["code"] for r in json.loads(run("shares", "list", *args, "--format", "json").stdout)]


def test_shares_list_filters(run, history):
    c = [s["code"] for s in history]
    assert _codes(run) == c
    assert _codes(run, "--sku", "NX-GQ-500") == [c[0], c[2]]
    assert _codes(run, "--channel", "weibo") == [c[0], c[3]]
    assert _codes(run, "--campaign", "双11") == [c[0], c[2]]
    assert _codes(run, "--as", "me", "--since", "2026-11") == c[1:]
    assert _codes(run, "--since", "2026-11-01", "--until", "2026-11-30") == c[1:4]
    assert _codes(run, "--until", "2026-11") == c[:4]
    assert _codes(run, "--since", "2026-11-15T12:00:00+08:00", "--until", "2026-11-15T12:00:00+08:00") == [c[2]]
    assert _codes(run, "--as", "nobody") == []
    assert _codes(run, "--limit", "2") == c[:2]


def test_shares_list_table_and_bad_dates(run, history):
    r = run("shares", "list", "--channel", "qq")
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["code", "created", "SKU", "title", "as", "channel", "campaign", "price", "rate", "link"]
    assert history[4]["code"] in lines[2] and "台湾凤梨酥 礼盒 10入" in lines[2]
    r = run("shares", "list", "--since", "last week", code=2)
    assert "error: not a date: 'last week'" in r.stderr
    r = run("shares", "list", "--channel", "fax", code=1)
    assert "unknown channel 'fax'" in r.stderr
    assert run("shares", "list", "--sku", "NONE").stderr == "no shares match\n"


def test_shares_show(run, history):
    s = history[2]
    run("goods", "edit", "NX-GQ-500", "--price", "49.90")
    r = run("shares", "show", s["code"].lower())
    assert r.stdout.startswith(f"code      {s['code']}\ncreated   2026-11-15T12:00:00+08:00\nSKU       NX-GQ-500\n")
    assert s["post"] in r.stdout
    assert r.stdout.endswith(
        "terms\n"
        "               price    rate  fixed  status\n"
        "-------------  -----  ------  -----  ------\n"
        "at share time  59.90  20.00%\n"
        "now (goods)    49.90  20.00%         active\n"
    )
    assert "orders: no orders yet" in r.stderr
    data = json.loads(run("shares", "show", s["code"], "--format", "json").stdout)
    assert data["sections"]["terms"][0]["price_fen"] == 5990
    assert data["post"] == s["post"]


def test_shares_show_bad_codes(run, history):
    code = history[0]["code"]
    bad = code[:-1] + ("0" if code[-1] != "0" else "1")
    r = run("shares", "show", bad, code=1)
    assert r.stderr.startswith(f"error: {bad}: the check character does not match (a typo?)\n")
    r = run("shares", "show", codes.make_code(99, bytes.fromhex(SECRET_HEX)), code=1)
    assert "genuine, but share 99 is not in this database" in r.stderr


def test_share_sections_hook_takes_new_providers(run, db, history, monkeypatch):
    from weimai_cli.reports import shares as service

    def orders_section(conn, share):
        return service.Section("orders", [{"order": "A1", "paid_fen": 5990}],
                               [("order", "order", "text"), ("paid_fen", "paid", "money")])

    monkeypatch.setattr(sys.modules[__name__], "orders_section", orders_section, raising=False)
    monkeypatch.setattr(service, "SECTION_PROVIDERS", [*service.SECTION_PROVIDERS, f"{__name__}:orders_section"])
    r = run("shares", "show", history[0]["code"])
    assert r.stdout.endswith("orders\norder   paid\n-----  -----\nA1     59.90\n")


# --- QR and cards ------------------------------------------------------------------


def test_qr_in_terminal_and_files(run, tmp_path, shop):
    r = run("share", "NX-GQ-500", "--qr")
    assert "▀" in r.stdout and "█" in r.stdout
    r = run("share", "--qr", "WC-DM-5KG")  # --qr before the SKU takes no value
    assert "subUnionId" in r.stdout and "█" in r.stdout
    png, svg = tmp_path / "q.png", tmp_path / "q.SVG"
    run("share", "NX-GQ-500", "--qr", str(png))
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    s = json.loads(run("share", "NX-GQ-500", "--qr", str(svg), "--format", "json").stdout)
    assert ET.fromstring(svg.read_text()).tag.endswith("svg")
    assert s["files"] == {"qr": str(svg)}
    run("share", "NX-GQ-500", "--qr", "qr.gif", "--card", "c.svg", code=1)


def test_svg_card_is_self_contained(run, tmp_path, shop):
    card = tmp_path / "card.svg"
    s = json.loads(run("share", "NX-GQ-500", "--card", str(card), "--format", "json").stdout)
    text = card.read_text(encoding="utf-8")
    root = ET.fromstring(text.encode())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts == ["宁夏中宁特级枸杞 500g 头茬免洗", "¥59.90", "¥89.00", "扫码购买", f"推广码 {s['code']}"]
    assert "href" not in text and "url(" not in text and "<image" not in text
    assert root.find(".//{http://www.w3.org/2000/svg}path") is not None  # the QR code
    # the same share always draws the same card
    from weimai_cli.sharing.cards import card_svg
    from weimai_cli.sharing.service import ShareResult

    assert card_svg(ShareResult(s, s["title"], None, 8900).card_info()) == text


def test_svg_card_escapes_and_wraps_title(run, tmp_path, shop):
    run("goods", "edit", "TW-FLS-10", "--title", "<凤梨酥> & \"礼盒\" " + "很长的标题" * 12)
    card = tmp_path / "c.svg"
    run("share", "TW-FLS-10", "--card", str(card))
    root = ET.fromstring(card.read_bytes())
    lines = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")][:3]
    assert lines[0].startswith('<凤梨酥> & "礼盒"') and lines[2].endswith("…")


def _cjk_font():
    pytest.importorskip("PIL")
    from weimai_cli.errors import WeimaiError
    from weimai_cli.sharing.cards import find_font

    try:
        return find_font("宁夏枸杞")
    except WeimaiError:
        pytest.skip("no CJK font on this machine")


def test_png_card_with_system_font(run, tmp_path, shop):
    _cjk_font()
    from PIL import Image

    card = tmp_path / "card.png"
    run("share", "NX-GQ-500", "--card", str(card))
    with Image.open(card) as img:
        assert img.format == "PNG" and img.size == (960, 1280)


def test_png_card_font_without_cjk_is_refused(run, db, tmp_path, shop):
    pytest.importorskip("PIL")
    from pathlib import Path

    fonts = [p for p in ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",) if Path(p).is_file()]
    if not fonts:
        pytest.skip("no Latin-only font here")
    r = run("share", "NX-GQ-500", "--card", str(tmp_path / "c.png"), "--font", fonts[0], code=1)
    assert "font lacks characters of this card" in r.stderr
    assert "hint: give a CJK font with --font FILE" in r.stderr
    r = run("share", "NX-GQ-500", "--card", str(tmp_path / "c.png"), "--font", str(tmp_path / "none.ttf"), code=1)
    assert "font file not found" in r.stderr
    assert share_count(db) == 0


def test_png_card_without_pillow_says_what_to_install(run, db, tmp_path, shop, monkeypatch):
    monkeypatch.setitem(sys.modules, "PIL", None)
    r = run("share", "NX-GQ-500", "--card", str(tmp_path / "c.png"), code=5)
    assert r.stderr == (
        "error: PNG cards need Pillow, which is not installed\n"
        "hint: pip install pillow (or pip install 'weimai[card]'), or write an .svg card\n"
    )
    assert share_count(db) == 0


def test_png_card_without_cjk_font_says_what_to_install(run, db, tmp_path, shop, monkeypatch):
    pytest.importorskip("PIL")
    from weimai_cli.sharing import cards

    monkeypatch.setattr(cards, "SYSTEM_FONTS", ())
    monkeypatch.setattr(cards, "_fc_match", lambda: [])
    r = run("share", "NX-GQ-500", "--card", str(tmp_path / "c.png"), code=5)
    assert "error: no font with Chinese characters found for the PNG card" in r.stderr
    assert "apt install fonts-noto-cjk" in r.stderr
    assert share_count(db) == 0


# --- secrets -------------------------------------------------------------------------


def test_secret_never_appears_in_output(run, home, tmp_path, shop):
    set_config("shortener", {"service": "shlink", "url": "http://127.0.0.1:9", "api_key": "KEY-" + SECRET_HEX,
                             "timeout": 0.5})
    outputs = []
    for args in (
        ["share", "NX-GQ-500", "--format", "json", "--card", str(tmp_path / "c.svg"), "--qr", str(tmp_path / "q.svg")],
        ["share", "NX-GQ-500", "--qr"],
        ["share", "NX-GQ-500", "--shorten"],
        ["shares", "list", "--format", "json"],
        ["shares", "show", codes.make_code(1, bytes.fromhex(SECRET_HEX)), "--format", "json"],
        ["codes", "verify", codes.make_code(1, bytes.fromhex(SECRET_HEX)), "--format", "json"],
        ["codes", "verify", "wm0000000000"],
        ["distributors", "list", "--format", "json"],
        ["db", "path"],
    ):
        r = run(*args, code=None)
        outputs += [r.stdout, r.stderr, repr(r.exception)]
    outputs += [(tmp_path / "c.svg").read_text(), (tmp_path / "q.svg").read_text()]
    for out in outputs:
        assert SECRET_HEX not in out and SECRET_HEX.upper() not in out
        assert bytes.fromhex(SECRET_HEX).decode("latin-1") not in out
        assert "KEY-" not in out
    assert oct((home / "config.toml").stat().st_mode & 0o777) == "0o600"


def test_secret_is_made_on_first_share(run, home):
    run("goods", "add", "A1", "--title", "测试", "--price", "1", "--url", "https://example.com/a")
    assert not (home / "config.toml").exists()
    s = _share(run, "A1")
    from weimai_cli.config import load_config

    secret = bytes.fromhex(load_config()["codes"]["secret"])
    assert len(secret) == 32 and codes.verify(s["code"], secret).ok
    assert oct((home / "config.toml").stat().st_mode & 0o777) == "0o600"


def test_demo_shares_and_writes_a_card(run, tmp_path):
    target = tmp_path / "demo"
    r = run("demo", "--home", str(target))
    assert "$ weimai share NX-GQ-500 --channel weibo --campaign 双11" in r.stdout
    assert "$ weimai share HZ-LJ-250 --as xiaohong --channel moments --card <demo>/card.svg" in r.stdout
    assert "推广码" in r.stdout
    assert (target / "card.svg").read_text(encoding="utf-8").startswith("<?xml")
    assert ": genuine: share " in r.stdout
