"""--embed-images: images downloaded through weimai's network policy, against a
real local server on 127.0.0.1 (--allow-private, as the feed tests do)."""

from __future__ import annotations

import re

import pytest
from werkzeug.wrappers import Response

from tests import netutil

shared_server = netutil.shared_server
server = netutil.server
fast_network = netutil.fast_network

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


@pytest.fixture(autouse=True)
def _fast(fast_network):
    """Short network timeouts (netutil.fast_network)."""


def serve(server, path, body, content_type="image/png", status=200):
    server.expect_request(path).respond_with_handler(
        lambda _r: Response(body, status=status, content_type=content_type))
    return f"http://127.0.0.1:{server.port}{path}"


def images_of(page: str) -> list[str]:
    return re.findall(r'<img[^>]* src="([^"]+)"', page)


def test_images_embedded_and_a_failure_keeps_the_url(run, shop, db, tmp_path, server):
    good = serve(server, "/gq.png", PNG)
    missing = f"http://127.0.0.1:{server.port}/rice.png"  # not served: 500 from pytest-httpserver
    with db:
        db.execute("UPDATE goods SET image_url = ? WHERE sku = 'NX-GQ-500'", (good,))
        db.execute("UPDATE goods SET image_url = ? WHERE sku = 'WC-DM-5KG'", (missing,))
    out = tmp_path / "site"
    r = run("showcase", "build", out, "--embed-images", "--allow-private")
    assert r.stdout == f"{out / 'index.html'}\n"
    assert r.stderr == (
        f"warning: image http://127.0.0.1:{server.port}/rice.png: answered HTTP 500; the page links to it instead\n"
        "showcase of me: 3 cards, 4 share pages; 7 files written, 0 unchanged, 0 removed\n"
        "1 images embedded\n")
    files = sorted(p.relative_to(out).as_posix() for p in (out / "images").iterdir())
    assert len(files) == 1 and re.fullmatch(r"images/[0-9a-f]{20}\.png", files[0])
    assert (out / files[0]).read_bytes() == PNG
    page = (out / f"{shop['gq']}.html").read_text(encoding="utf-8")
    assert images_of(page) == [files[0]]
    assert f'<meta property="og:image" content="{good}">' in page  # no base URL: the original stays absolute
    rice = (out / f"{shop['rice']}.html").read_text(encoding="utf-8")
    assert images_of(rice) == [missing]
    # a rebuild keeps the image's bytes; with a base URL og:image is the embedded copy
    r = run("showcase", "build", out, "--embed-images", "--allow-private", "--base-url", "https://s.example/")
    page = (out / f"{shop['gq']}.html").read_text(encoding="utf-8")
    assert f'<meta property="og:image" content="https://s.example/{files[0]}">' in page


@pytest.mark.parametrize("body, ctype, env, reason", [
    (b"<svg onload=alert(1)>", "image/svg+xml", None, "is image/svg+xml, not a JPEG, PNG, GIF, WebP or AVIF image"),
    (b"<html>login</html>", "text/html", None, "is text/html, not a JPEG, PNG, GIF, WebP or AVIF image"),
    (PNG, "image/png", "100", "is 208 bytes, over the 100-byte cap (WEIMAI_IMAGE_MAX_BYTES)"),
    (b"", "image/png", None, "answered an empty body"),
])
def test_refused_images_fall_back_to_their_url(run, shop, db, tmp_path, server, monkeypatch, body, ctype, env, reason):
    url = serve(server, "/x", body, ctype)
    if env:
        monkeypatch.setenv("WEIMAI_IMAGE_MAX_BYTES", env)
    with db:
        db.execute("UPDATE goods SET image_url = ?", (url,))
    out = tmp_path / "site"
    r = run("showcase", "build", out, "--embed-images", "--allow-private")
    assert r.stderr.splitlines()[0] == f"warning: image {url}: {reason}; the page links to it instead"
    assert not (out / "images").exists()


def test_without_allow_private_http_and_loopback_are_refused(run, shop, db, tmp_path, server):
    url = serve(server, "/gq.png", PNG)
    with db:
        db.execute("UPDATE goods SET image_url = ? WHERE sku = 'NX-GQ-500'", (url,))
        db.execute("UPDATE goods SET image_url = 'https://127.0.0.1:1/a.png' WHERE sku = 'WC-DM-5KG'")
    r = run("showcase", "build", tmp_path / "site", "--embed-images")
    assert r.stderr.splitlines()[:2] == [
        f"warning: image {url}: image URL {url} must start with https://; the page links to it instead",
        "warning: image https://127.0.0.1:1/a.png: image URL https://127.0.0.1:1/a.png refused: "
        "127.0.0.1 is a loopback address; the page links to it instead",
    ]
    assert server.log == []  # nothing was sent


def test_redirects_are_followed_and_checked(run, shop, db, tmp_path, server):
    target = serve(server, "/real.png", PNG)
    server.expect_request("/moved.png").respond_with_handler(
        lambda _r: Response(status=302, headers={"Location": "/real.png"}))
    server.expect_request("/loop.png").respond_with_handler(
        lambda _r: Response(status=302, headers={"Location": "/loop.png"}))
    base = f"http://127.0.0.1:{server.port}"
    with db:
        db.execute("UPDATE goods SET image_url = ? WHERE sku = 'NX-GQ-500'", (f"{base}/moved.png",))
        db.execute("UPDATE goods SET image_url = ? WHERE sku = 'WC-DM-5KG'", (f"{base}/loop.png",))
    out = tmp_path / "site"
    r = run("showcase", "build", out, "--embed-images", "--allow-private")
    assert r.stderr.splitlines()[0] == (
        f"warning: image {base}/loop.png: more than 3 redirects; the page links to it instead")
    assert len(list((out / "images").iterdir())) == 1
    assert target.endswith("/real.png")
