"""The showcase in a real browser: Debian's chromium, headless, against the built
site served by a local http.server on 127.0.0.1.

``--dump-dom`` gives the DOM after the page's script ran (the copy button is
shown only by it, under the page's Content-Security-Policy); console messages
(errors, CSP refusals, uncaught exceptions) come on stderr with
``--enable-logging=stderr``. Host names other than 127.0.0.1 resolve to nothing
(the test stays offline). Screenshots at phone width are kept in
tests/artifacts/showcase/ (gitignored); their paths are printed.
"""

from __future__ import annotations

import functools
import io
import re
import shutil
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from tests.showcase.conftest import SHORT

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (Debian: apt-get install chromium; .ci/run installs it)")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "showcase"
CONSOLE = re.compile(r"CONSOLE|Uncaught|Refused to", re.I)


class _Handler(SimpleHTTPRequestHandler):
    requested: ClassVar[list[str]] = []

    def log_message(self, *args):  # quiet; record the paths instead
        pass

    def send_head(self):
        _Handler.requested.append(self.path)
        return super().send_head()


@pytest.fixture
def www(tmp_path):
    root = tmp_path / "www"
    (root / "img").mkdir(parents=True)
    from PIL import Image

    for name, colour in (("gq.png", (200, 30, 40)), ("rice.png", (240, 230, 200))):
        buf = io.BytesIO()
        Image.new("RGB", (64, 64), colour).save(buf, "PNG")
        (root / "img" / name).write_bytes(buf.getvalue())
    _Handler.requested = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def chromium(tmp_path: Path, url: str, *extra: str) -> subprocess.CompletedProcess:
    profile = tmp_path / "chromium-profile"
    args = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", "--window-size=390,844",
        "--hide-scrollbars", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", *extra, url,
    ]
    return subprocess.run(args, capture_output=True, text=True, timeout=90, cwd=tmp_path)


def console_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if CONSOLE.search(line)]


def test_showcase_in_chromium(run, shop, db, tmp_path, www):
    root, base = www
    with db:
        db.execute("UPDATE goods SET image_url = ? WHERE sku = 'NX-GQ-500'", (f"{base}/img/gq.png",))
        db.execute("UPDATE goods SET image_url = ? WHERE sku = 'WC-DM-5KG'", (f"{base}/img/rice.png",))
    run("showcase", "build", root / "site", "--base-url", f"{base}/site/")

    index = chromium(tmp_path, f"{base}/site/index.html", "--dump-dom")
    assert index.returncode == 0, index.stderr[-2000:]
    assert console_lines(index.stderr) == []
    cards = re.findall(r'<a class="card" href="([^"]+)" data-code="([^"]+)"', index.stdout)
    assert cards == [(f"{shop[n]}.html", shop[n]) for n in ("gq2", "cake", "rice")]
    assert "/img/gq.png" in _Handler.requested and "/img/rice.png" in _Handler.requested

    page = chromium(tmp_path, f"{base}/site/{shop['gq']}.html", "--dump-dom")
    assert page.returncode == 0, page.stderr[-2000:]
    assert console_lines(page.stderr) == []
    assert re.findall(r'<a class="buy" href="([^"]+)"', page.stdout) == [SHORT]  # the short link
    # the script ran under the page's CSP: the copy button is shown
    button = re.search(r"<button[^>]*>复制口令</button>", page.stdout)
    assert button and " hidden" not in button.group(0), page.stdout[-1500:]
    cake = chromium(tmp_path, f"{base}/site/{shop['cake']}.html", "--dump-dom")
    assert console_lines(cake.stderr) == []
    assert f"wm={shop['cake']}" in re.search(r'<a class="buy" href="([^"]+)"', cake.stdout).group(1)

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, path in (("index", "index.html"), ("share", f"{shop['gq']}.html")):
        shot = ARTIFACTS / f"{name}-390x844.png"
        shot.unlink(missing_ok=True)
        r = chromium(tmp_path, f"{base}/site/{path}", f"--screenshot={shot}")
        assert r.returncode == 0 and shot.stat().st_size > 2000, r.stderr[-2000:]
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        print(f"screenshot: {shot}")


def test_showcase_from_file_without_a_server(run, shop, tmp_path):
    """The pages work opened as files too (file://): no console errors."""
    run("showcase", "build", tmp_path / "site")
    r = chromium(tmp_path, (tmp_path / "site" / "index.html").as_uri(), "--dump-dom")
    assert r.returncode == 0 and console_lines(r.stderr) == []
    assert len(re.findall(r'<a class="card"', r.stdout)) == 3
