"""share --dry-run (a preview that records nothing) and shares render (redo a share's files)."""

from __future__ import annotations

import json

import pytest

from tests.sharing.sharing_helpers import TKL, add_union_links, rows_of, share_count
from weimai_cli.sharing import codes
from weimai_cli.sharing.cards import CardInfo, card_svg, card_text, qr_text

# --- share --dry-run -------------------------------------------------------------------------


def test_dry_run_shows_the_share_the_next_real_one_would_be(run, db, shop):
    run("share", "TW-FLS-10")  # share 1
    before = rows_of(db)
    r = run("share", "WC-DM-5KG", "--channel", "link", "--campaign", "双11", "--dry-run")
    code = codes.make_code(2, shop)
    link = f"https://item.jd.com/100012345678.html?subUnionId={code}"
    assert r.stdout == f"link  {link}\ncode  {code} (dry run: not recorded)\n\n{link}\n"
    assert r.stderr == (
        "warning: this link of WC-DM-5KG will not earn: it has no 京东联盟 link; "
        "add one: `weimai goods link WC-DM-5KG --slot 推广位ID URL`\n"
        f"dry run: would share WC-DM-5KG on link as me: {code}\n"
        "dry run: nothing recorded\n"
    )
    assert rows_of(db) == before  # nothing recorded, no code spent
    real = json.loads(run("share", "WC-DM-5KG", "--channel", "link", "--campaign", "双11",
                          "--format", "json").stdout)
    assert (real["id"], real["code"], real["link"], real["post"]) == (2, code, link, link)


def test_dry_run_json_is_the_share_marked_as_not_recorded(run, db, shop):
    add_union_links(db)
    preview = json.loads(run("share", "NX-GQ-500", "--channel", "moments", "--dry-run", "--format", "json").stdout)
    assert preview["dry_run"] is True and preview["would_write"] == {} and preview["tkl"] == TKL
    assert share_count(db) == 0
    real = json.loads(run("share", "NX-GQ-500", "--channel", "moments", "--format", "json").stdout)
    assert {k: v for k, v in preview.items() if k not in ("dry_run", "would_write")} == real


def test_dry_run_draws_qr_and_card_instead_of_writing_them(run, db, tmp_path, shop):
    qr, card = tmp_path / "qr.png", tmp_path / "card.svg"
    r = run("share", "TW-FLS-10", "--channel", "link", "--qr", str(qr), "--card", str(card), "--dry-run")
    code = codes.make_code(1, shop)
    link = (f"https://shop.example.com/products/pineapple-cake-10?variant=7&wm={code}&utm_source=link"
            f"&utm_medium=social&utm_content={code}#reviews")
    info = CardInfo("台湾凤梨酥 礼盒 10入", "¥58.00", "", code, link)
    assert r.stdout == (
        f"link  {link}\ncode  {code} (dry run: not recorded)\n\n{link}\n\n{card_text(info)}\n\n{qr_text(link)}\n"
    )
    assert r.stderr == (
        f"dry run: would share TW-FLS-10 on link as me: {code}\n"
        f"dry run: would write qr: {qr}\ndry run: would write card: {card}\n"
        "dry run: nothing recorded\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"] and share_count(db) == 0


def test_dry_run_refuses_what_a_real_share_refuses(run, db, tmp_path, shop):
    card = tmp_path / "card.svg"
    card.write_text("mine")
    r = run("share", "NX-GQ-500", "--card", str(card), "--dry-run", code=1)
    assert r.stderr == f"error: {card}: already exists\nhint: add --force to replace it, or choose another file name\n"
    assert "unknown channel" in run("share", "NX-GQ-500", "--channel", "fax", "--dry-run", code=1).stderr
    run("share", "NX-GQ-500", "--card", str(card), "--dry-run", "--force")
    assert card.read_text() == "mine" and share_count(db) == 0


# --- shares render CODE --qr/--card ----------------------------------------------------------


@pytest.fixture
def shared(run, db, shop) -> dict:
    return json.loads(run("share", "NX-GQ-500", "--channel", "wechat", "--format", "json").stdout)


def test_render_writes_qr_and_card_of_the_recorded_share(run, db, tmp_path, shared):
    before = rows_of(db)
    qr, card = tmp_path / "qr.svg", tmp_path / "card.svg"
    r = run("shares", "render", shared["code"].lower(), "--qr", str(qr), "--card", str(card))
    assert r.stdout == f"link  {shared['link']}\ncode  {shared['code']}\n"
    assert r.stderr == f"wrote qr: {qr}\nwrote card: {card}\n"
    info = CardInfo("宁夏中宁特级枸杞 500g 头茬免洗", "¥59.90", "¥89.00", shared["code"], shared["link"])
    assert card.read_text(encoding="utf-8") == card_svg(info)
    assert "<svg" in qr.read_text()
    assert rows_of(db) == before and share_count(db) == 1
    # the card keeps the share's price when the goods' changes
    run("goods", "edit", "NX-GQ-500", "--price", "49.90")
    run("shares", "render", shared["code"], "--card", str(card), "--force")
    assert ">¥59.90</text>" in card.read_text(encoding="utf-8")


def test_render_qr_in_the_terminal(run, shared):
    r = run("shares", "render", shared["code"], "--qr")
    assert r.stdout == f"link  {shared['link']}\ncode  {shared['code']}\n\n{qr_text(shared['link'])}\n"


def test_render_refuses_an_existing_file_without_force(run, tmp_path, shared):
    qr = tmp_path / "qr.png"
    qr.write_bytes(b"mine")
    r = run("shares", "render", shared["code"], "--qr", str(qr), code=1)
    assert r.stderr == f"error: {qr}: already exists\nhint: add --force to replace it, or choose another file name\n"
    assert qr.read_bytes() == b"mine"
    run("shares", "render", shared["code"], "--qr", str(qr), "--force")
    assert qr.read_bytes().startswith(b"\x89PNG")


def test_render_bad_input(run, db, tmp_path, shared):
    r = run("shares", "render", shared["code"], code=2)
    assert r.stderr == "error: nothing to render\nhint: give --qr [FILE], --card FILE or --shorten\n"
    r = run("shares", "render", "wm0000000000", "--qr", code=1)
    assert "error: wm0000000000: " in r.stderr
    r = run("shares", "render", codes.make_code(9, bytes.fromhex("5e" * 32)), "--qr", code=1)
    assert "genuine, but share 9 is not in this database" in r.stderr
    r = run("shares", "render", shared["code"], "--card", str(tmp_path / "c.gif"), code=1)
    assert "a card must end in .svg or .png" in r.stderr
    r = run("shares", "render", shared["code"], "--qr", str(tmp_path / "s.svg"), "--card", str(tmp_path / "s.svg"),
            code=1)
    assert "--qr and --card name the same file" in r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"]


def test_render_a_file_that_fails_is_exit_4(run, tmp_path, shared, monkeypatch):
    from weimai_cli.sharing import cards

    def disk_full(info):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cards, "card_svg", disk_full)
    card = tmp_path / "card.svg"
    r = run("shares", "render", shared["code"], "--card", str(card), code=4)
    assert r.stderr == (
        f"error: card not written: {card}: cannot write (No space left on device); "
        f"the share {shared['code']} is recorded\n"
        "hint: free the path or fix the folder, then run it again\n"
    )


def test_dry_run_on_a_terminal_shows_the_card_preview_as_a_share_would(run, db, shop, monkeypatch):
    monkeypatch.setenv("WEIMAI_FORCE_TERMINAL", "1")
    r = run("share", "NX-GQ-500", "--channel", "qq", "--dry-run")
    code = codes.make_code(1, shop)
    assert f"│ ¥59.90  原价 ¥89.00                  │\n│ 推广码 {code}                    │\n" in r.stdout
    assert share_count(db) == 0
