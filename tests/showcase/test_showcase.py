"""weimai showcase build: pages, escaping, atomic swap, drop-outs, exit codes."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.golden_util import check_golden
from tests.showcase.conftest import IMAGE, SHORT
from weimai_cli.showcase import pages, site

CARD = re.compile(r'<a class="card" href="([^"]+)"')
BUY = re.compile(r'<a class="buy" href="([^"]+)"')


def build(run, out: Path, *args: str, code: int = 0):
    return run("showcase", "build", out, *args, code=code)


def test_build_prints_the_index_and_a_summary(run, shop, tmp_path):
    out = tmp_path / "site"
    r = build(run, out)
    assert r.stdout == f"{out / 'index.html'}\n"
    assert r.stderr == "showcase of me: 3 cards, 4 share pages; 6 files written, 0 unchanged, 0 removed\n"
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [".weimai-showcase", "index.html", *(f"{c}.html" for c in shop.values())])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "site"]  # no temp folder left beside it


def test_golden_index_and_share_page(run, shop, tmp_path):
    out = tmp_path / "site"
    build(run, out, "--base-url", "https://shop.example.com/me")
    check_golden("showcase/index.html", (out / "index.html").read_text(encoding="utf-8"))
    check_golden("showcase/share.html", (out / f"{shop['gq2']}.html").read_text(encoding="utf-8"))


def test_one_card_per_goods_newest_share_first(run, shop, tmp_path):
    out = tmp_path / "site"
    build(run, out)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert CARD.findall(index) == [f"{shop[n]}.html" for n in ("gq2", "cake", "rice")]
    assert "券后价 ¥49.90</span><del>¥59.90</del>" in index
    assert "领券 满50元减10元" in index
    assert "20%" not in index and "佣金" not in index  # commission hidden


def test_share_page_link_tkl_qr_and_coupon(run, shop, tmp_path, db):
    out = tmp_path / "site"
    build(run, out)
    gq = (out / f"{shop['gq']}.html").read_text(encoding="utf-8")
    assert BUY.findall(gq) == [SHORT]  # the short link when the share has one
    assert 'value="￥AbCd1234XyZ￥"' in gq and "复制口令" in gq and "<script>" in gq
    assert "有效期至 <time datetime=\"2026-11-30\">2026-11-30</time>" in gq
    assert '<svg viewBox=' in gq and 'class="qrcode"' in gq
    cake = (out / f"{shop['cake']}.html").read_text(encoding="utf-8")
    link = db.execute("SELECT link FROM shares WHERE code = ?", (shop["cake"],)).fetchone()[0]
    assert BUY.findall(cake) == [link.replace("&", "&amp;")]
    assert shop["cake"] in link
    assert "淘口令" not in cake and "<script>" not in cake  # no 淘口令, no script


def test_campaign_since_and_as(run, shop, tmp_path, db):
    out = tmp_path / "site"
    build(run, out, "--campaign", "双11")
    assert CARD.findall((out / "index.html").read_text(encoding="utf-8")) == [f"{shop['rice']}.html"]
    r = build(run, out, "--since", "2026-11-21", code=1)
    assert r.stderr == (
        "error: no shares of me to show (archived goods are left out)\n"
        "hint: share goods first (`weimai share SKU`), or check --as, --campaign and --since\n")
    r = build(run, out, "--as", "nobody", code=1)
    assert r.stderr.startswith("error: no distributor 'nobody'\n")
    build(run, out, "--since", "2026-13", code=2)


def test_archived_goods_and_expired_coupon_drop_out(run, shop, tmp_path, db):
    out = tmp_path / "site"
    build(run, out)
    run("goods", "archive", "TW-FLS-10")
    with db:
        db.execute("UPDATE goods SET coupon_end = '2026-11-19' WHERE sku = 'NX-GQ-500'")
    r = build(run, out)
    assert r.stderr == "showcase of me: 2 cards, 3 share pages; 3 files written, 2 unchanged, 1 removed\n"
    assert not (out / f"{shop['cake']}.html").exists()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert CARD.findall(index) == [f"{shop[n]}.html" for n in ("gq2", "rice")]
    gq = (out / f"{shop['gq']}.html").read_text(encoding="utf-8")
    for word in ("券后价", "领券", "满50元减10元", "有效期至"):
        assert word not in gq and word not in index
    assert '<p class="price">¥59.90</p>' in gq


HOSTILE = "<script>alert(1)</script>\"onmouseover=alert(2) x='y' &amp;"


def test_hostile_input_is_escaped_and_bad_urls_dropped(run, shop, tmp_path, db):
    with db:
        db.execute("UPDATE goods SET title = ?, selling_points = ?, image_url = ? WHERE sku = 'TW-FLS-10'",
                   (HOSTILE, "<img src=x onerror=alert(3)>；\"><b>bold</b>", "javascript:alert(4)"))
        db.execute("UPDATE shares SET link = 'javascript:alert(5)' WHERE code = ?", (shop["cake"],))
        db.execute("UPDATE goods SET image_url = ? WHERE sku = 'WC-DM-5KG'", ('https://x.example/a.jpg" onerror="alert(6)',))
    out = tmp_path / "site"
    build(run, out)
    for name in ("index.html", f"{shop['cake']}.html", f"{shop['rice']}.html"):
        page = (out / name).read_text(encoding="utf-8")
        assert "alert(1)</script>" not in page and "<img src=x" not in page and "<b>" not in page
        assert "javascript:" not in page and 'onerror="' not in page and '"onmouseover' not in page
        assert re.findall(r"<script>", page) == []  # no 淘口令 on these: no script at all
    cake = (out / f"{shop['cake']}.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&quot;onmouseover=alert(2) x=&#x27;y&#x27; &amp;amp;" in cake
    assert "<li>&lt;img src=x onerror=alert(3)&gt;</li>" in cake
    assert BUY.findall(cake) == []  # a javascript: link is no link: no 去购买, no QR
    assert "去购买" not in cake and "<svg" not in cake


@pytest.mark.parametrize("url, safe", [
    ("https://a.example/x?y=1&z=2", True),
    ("http://a.example/", True),
    ("HTTPS://A.EXAMPLE/", True),
    ("javascript:alert(1)", False),
    (" JavaScript:alert(1)", False),
    ("data:text/html,<script>", False),
    ("//a.example/x", False),
    ("/relative", False),
    ("https://a.example/\" onmouseover=\"x", False),
    ("https://a.example/x y", False),
    ("https://a.example/\nx", False),
    ("ftp://a.example/", False),
    ("https:///nohost", False),
    ("", False),
    (None, False),
])
def test_safe_url(url, safe):
    assert (pages.safe_url(url) is not None) is safe


def test_open_graph_with_base_url(run, shop, tmp_path):
    out = tmp_path / "site"
    build(run, out, "--base-url", "https://shop.example.com/me")
    page = (out / f"{shop['gq2']}.html").read_text(encoding="utf-8")
    assert f'<meta property="og:url" content="https://shop.example.com/me/{shop["gq2"]}.html">' in page
    assert f'<meta property="og:image" content="{IMAGE}">' in page
    assert ('<meta property="og:description" content="券后价 ¥49.90（原价 ¥59.90）· 满50元减10元 · '
            '头茬鲜果 颗颗饱满 免洗即食">') in page
    assert '<html lang="zh-CN">' in page
    build(run, out)  # no base URL: no og:url
    assert "og:url" not in (out / "index.html").read_text(encoding="utf-8")
    r = build(run, out, "--base-url", "javascript:alert(1)", code=1)
    assert r.stderr.startswith("error: --base-url 'javascript:alert(1)' is not an http(s) URL\n")


def test_rebuild_keeps_bytes_and_times_of_unchanged_pages(run, shop, tmp_path, db):
    out = tmp_path / "site"
    build(run, out)
    old = {p.name: p.read_bytes() for p in out.iterdir()}
    for p in out.iterdir():
        os.utime(p, (1_000_000_000, 1_000_000_000))
    r = build(run, out)
    assert r.stderr.endswith("0 files written, 6 unchanged, 0 removed\n")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == old
    assert {p.stat().st_mtime for p in out.iterdir()} == {1_000_000_000}
    with db:
        db.execute("UPDATE goods SET price_fen = 6500 WHERE sku = 'WC-DM-5KG'")
    r = build(run, out)
    assert r.stderr.endswith("2 files written, 4 unchanged, 0 removed\n")  # the index and the rice page
    changed = sorted(p.name for p in out.iterdir() if p.stat().st_mtime != 1_000_000_000)
    assert changed == sorted(["index.html", f"{shop['rice']}.html"])
    assert oct(out.stat().st_mode & 0o777) == "0o755"
    assert oct((out / "index.html").stat().st_mode & 0o777) == "0o644"


def test_a_build_failing_midway_leaves_the_old_site(run, shop, tmp_path, db, monkeypatch):
    out = tmp_path / "site"
    build(run, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    with db:
        db.execute("UPDATE goods SET price_fen = 6500 WHERE sku = 'WC-DM-5KG'")
    real = pages.share_page
    calls = []

    def failing(*args, **kw):
        calls.append(1)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(*args, **kw)

    monkeypatch.setattr(pages, "share_page", failing)
    with pytest.raises(OSError):
        site.build(db, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name != "home"] == ["site"]


def test_a_failed_swap_puts_the_old_site_back(shop, tmp_path, db, monkeypatch):
    out = tmp_path / "site"
    site.build(db, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real = os.rename
    calls = []

    def rename(a, b):
        calls.append((a, b))
        if len(calls) == 2:  # the new site in
            raise OSError(1, "Operation not permitted")
        return real(a, b)

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(OSError):
        site.build(db, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name != "home"] == ["site"]


def test_out_must_be_a_showcase_or_forced(run, shop, tmp_path):
    f = tmp_path / "file.html"
    f.write_text("x")
    r = build(run, f, code=1)
    assert r.stderr == f"error: {f} is a file, not a folder\nhint: name a folder for the site\n"
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    r = build(run, other, code=1)
    assert r.stderr == (
        f"error: {other} is not empty and not a showcase\n"
        "hint: name a new folder, or add --force to replace this one (its contents are deleted)\n")
    assert (other / "notes.txt").read_text() == "mine"
    build(run, other, "--force")
    assert not (other / "notes.txt").exists() and (other / "index.html").exists()
    build(run, other)  # now a showcase: replaced without --force
    empty = tmp_path / "empty"
    empty.mkdir()
    build(run, empty)


def test_json_summary(run, shop, tmp_path):
    import json

    out = tmp_path / "site"
    data = json.loads(build(run, out, "--json").stdout)
    assert data == {"out": str(out), "index": str(out / "index.html"), "pages": 4, "cards": 3,
                    "written": 6, "unchanged": 0, "removed": 0, "images": 0, "warnings": []}


def test_chinese_summary(run, shop, tmp_path):
    r = run("--lang", "zh", "showcase", "build", tmp_path / "site")
    assert r.stderr == "me 的橱窗：3 张商品卡片，4 个分享页；写入 6 个文件，0 个未变，删除 0 个\n"


def test_out_never_holds_the_database(run, shop, home):
    r = build(run, home, "--force", code=1)
    assert r.stderr == (
        f"error: {home} holds weimai's database; a build replaces the whole folder\n"
        f"hint: name a folder of its own for the site, e.g. {home / 'showcase'}\n")
    assert (home / "weimai.db").exists()
    build(run, home.parent, "--force", code=1)
