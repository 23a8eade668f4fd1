"""weimai demo: a realistic demo in a fresh home, run in front of the user.

Each capability adds its steps to :data:`STEPS`; the demo runs every step as
the real command, printing the command line first, so it always shows what
weimai can do.
"""

from __future__ import annotations

import os
import tempfile
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer

from weimai_cli.db.store import open_db
from weimai_cli.i18n import N_, _, tr

app = typer.Typer()


def demo_goods_file() -> Path:
    return demo_file("demo_goods.csv")


def demo_file(name: str) -> Path:
    return Path(str(resources.files("weimai_cli") / "data" / name))


DEMO_NOW = "2026-11-01T09:00:00+08:00"

# placeholder -> shipped sample file
DEMO_FILES = {
    "goods": "demo_goods.csv",
    "taobao_orders": "demo_taobao_union.csv",
    "amazon_earnings": "demo_amazon_earnings.csv",
    "picks_xls": "demo_xuanpinku.xls",
    "picks_xlsx": "demo_xuanpinku.xlsx",
}


# Each step: (explanation, argv). Placeholders: "{goods}" is the shipped
# catalogue file, "{home}" the demo home, "{last_code}" the newest share's code.
STEPS: list[tuple[str, list[str]]] = [
    (N_("Load a supplier's catalogue (30 Chinese goods, CSV):"), ["goods", "import", "{goods}"]),
    (N_("Browse it, best commission per unit first:"), ["list-goods", "--sort", "commission", "--desc", "--limit", "10"]),
    (N_("Search in Chinese, filter by rate:"), ["list-goods", "--search", "枸杞", "--min-rate", "20"]),
    (N_("The same for scripts:"), ["list-goods", "--category", "茶叶", "--sort", "price", "--format", "csv"]),
    (N_("The supplier raises a price; history keeps the old one:"), ["goods", "edit", "NX-GQ-500", "--price", "64.90", "--rate", "22%"]),
    (N_("One item with its history:"), ["goods", "show", "NX-GQ-500"]),
    (N_("Where the data lives:"), ["db", "path"]),
    (N_("Share a product on Weibo: tracked link + a post within 140 字:"), ["share", "NX-GQ-500", "--channel", "weibo", "--campaign", "双11", "--slot", "108000000001"]),
    (N_("A JD product carries the code as subUnionId:"), ["share", "WC-DM-5KG", "--channel", "link"]),
    (N_("A seller adds a distributor whose rate overrides the goods rate:"), ["distributors", "add", "xiaohong", "--name", "小红", "--rate", "25%"]),
    (N_("On tea she gets more (per-SKU rate > per-category rate > her rate > the goods' terms):"),
     ["distributors", "rate", "xiaohong", "--category", "茶叶", "28%"]),
    (N_("She shares for WeChat Moments and gets a product card (SVG):"), ["share", "HZ-LJ-250", "--as", "xiaohong", "--channel", "moments", "--card", "{home}/card.svg"]),
    (N_("Amazon: the slot is your tracking id, the code goes in ascsubtag:"), ["share", "YN-SJ-1KG", "--channel", "link", "--slot", "weimai-20"]),
    (N_("A 淘客 downloads the picks (选品库) from 淘宝联盟: GBK text named .xls, as the 联盟 gives it:"),
     ["goods", "import", "{picks_xls}"]),
    (N_("The .xlsx download of the same picks changes nothing (coupons and links refreshed):"),
     ["goods", "import", "{picks_xlsx}"]),
    (N_("Goods with a coupon valid today, lowest 券后价 first:"),
     ["list-goods", "--with-coupon", "--sort", "coupon_price"]),
    (N_("One pick: its coupon, and the 联盟's own links for 推广位 108000000003 (only these earn):"),
     ["goods", "show", "675012398001"]),
    (N_("Share it to a WeChat group: WeChat blocks Taobao links, so the post carries the 淘口令:"),
     ["share", "675012398001", "--channel", "wechat", "--campaign", "双11"]),
    (N_("Preview a Weibo post without recording a share (the coupon link, 券后价, 领券截止):"),
     ["share", "675012398005", "--channel", "weibo", "--dry-run"]),
    (N_("Share the tea pick on Weibo with a short link from your own Shlink (played by the demo's receiver):"),
     ["share", "675012398005", "--channel", "weibo", "--shorten"]),
    (N_("Every share is remembered with its price and rate:"), ["shares", "list"]),
    (N_("Is a code genuine, and whose is it?"), ["codes", "verify", "{last_code}"]),
    (N_("Distributors and their shares:"), ["distributors", "list"]),
    (N_("Bring in a Taobao Union order report (GB18030 CSV, a title line, a presale pair, a 合计 row):"),
     ["orders", "import", "{taobao_orders}"]),
    (N_("And an Amazon Associates Fee-Earnings report:"), ["orders", "import", "{amazon_earnings}"]),
    (N_("The orders, with the share each one came through (by code, else by 推广位ID / tracking id):"),
     ["orders", "list"]),
    (N_("Orders that match no share yet (`weimai orders attribute` retries after late shares):"),
     ["orders", "list", "--unattributed", "--format", "md"]),
    (N_("One line's history (the presale deposit and balance became one line):"),
     ["orders", "show", "3401234567890000004"]),
    (N_("Reports go to chat robots; here a webhook receiver the demo started on 127.0.0.1:"),
     ["notify", "add", "demo-hook", "--kind", "webhook", "--url", "{hook_url}", "--allow-private"]),
    (N_("The daily report for 2026-11-05 as markdown, delivered to it (cron: `weimai -q report daily --notify team`):"),
     ["report", "daily", "--date", "2026-11-05", "--lang", "zh", "--notify", "demo-hook"]),
    (N_("Cron runs it again: every delivery is logged, nothing is sent twice:"),
     ["report", "daily", "--date", "2026-11-05", "--lang", "zh", "--notify", "demo-hook"]),
    (N_("A 微店 shop's export (generic CSV) whose lines carry xiaohong's code (the demo writes it with her share's code):"),
     ["orders", "import", "{weidian}", "--platform", "weidian"]),
    (N_("A team's WeCom group robot (here the same receiver) gets reports in a shape WeCom renders:"),
     ["notify", "add", "demo-wecom", "--kind", "wecom", "--url", "{wecom_url}", "--allow-private"]),
    (N_("November so far as a WeCom message: bold figures and lines, no tables WeCom would show as raw |:"),
     ["report", "monthly", "--date", "2026-11-05", "--lang", "zh", "--notify", "demo-wecom"]),
    (N_("xiaohong's statements go to her own group; every distributor with a target gets their own:"),
     ["distributors", "edit", "xiaohong", "--notify", "demo-wecom"]),
    ("", ["report", "monthly", "--date", "2026-11-05", "--lang", "zh", "--each-distributor", "--notify-from-distributor"]),
    (N_("Who clicked: the short links' visits, per day, from Shlink (cron can run it; a second run adds nothing twice):"),
     ["clicks", "sync"]),
    ("", ["clicks", "list"]),
    (N_("A showcase (橱窗) of these shares: a static site, a page per share with its 淘口令 and QR code:"),
     ["showcase", "build", "{home}/showcase"]),
    (N_("A 粉丝头条 boost for the Weibo share cost 20 元:"),
     ["spend", "add", "{first_code}", "20", "--date", "2026-11-03", "--note", "粉丝头条"]),
    (N_("What each share brought in (orders, GMV, commission, spend, ROI):"),
     ["shares", "list", "--with-earnings", "--format", "md"]),
    (N_("The month's statement by share (CNY and the Amazon USD kept apart):"),
     ["earnings", "--month", "2026-11", "--by", "share", "--lang", "{lang}"]),
]


@app.command("demo")
def demo(
    ctx: typer.Context,
    home: Annotated[
        str | None, typer.Option("--home", help="Build the demo here (default: a new temporary folder).")
    ] = None,
):
    """Build a demo home and run weimai's main jobs in front of you."""
    from weimai_cli import config
    from weimai_cli.cli import output
    from weimai_cli.errors import BadInput

    target = Path(home) if home else Path(tempfile.mkdtemp(prefix="weimai-demo-"))
    if target.exists() and any(target.iterdir()):
        raise BadInput(_("{folder}: folder is not empty").format(folder=target), _("give --home a new or empty folder"))
    target.mkdir(parents=True, exist_ok=True)
    os.environ["WEIMAI_HOME"] = str(target)
    # the demo's story is set on the morning of 1 November 2026, before the
    # month's orders (its sample exports) come in; WEIMAI_NOW, if set, wins
    os.environ.setdefault("WEIMAI_NOW", DEMO_NOW)
    os.environ.pop("WEIMAI_DB", None)
    config.DB_OVERRIDE = None
    output.message(_("demo home: {home}").format(home=target))
    output.message(_("(to explore it yourself: export WEIMAI_HOME={home})").format(home=target))
    files = {key: str(demo_file(name)) for key, name in DEMO_FILES.items()}
    files["home"] = str(target)
    # the statement speaks the user's language: Chinese labels on a Chinese locale
    from weimai_cli.cli.render.labels import default_lang

    files["lang"] = default_lang()
    names = {str(demo_file(name)): f"<{name}>" for name in DEMO_FILES.values()}
    names[files["goods"]] = "<catalogue.csv>"
    root = ctx.find_root().command  # each step runs as `weimai ARGS` would
    hook = None
    for text, argv in STEPS:
        if any("{last_code}" in a for a in argv):
            files["last_code"] = _last_code()
        if any("{weidian}" in a for a in argv):  # a shop export with the code of xiaohong's share
            files["weidian"] = _shop_export(target, _code_of("xiaohong"))
            names[files["weidian"]] = "weidian_2026-11.csv"
        if any("{first_code}" in a for a in argv):
            files["first_code"] = _first_code()
        if hook is None and any("{hook_url}" in a or "{wecom_url}" in a or a == "--shorten" for a in argv):
            hook = _HookReceiver()  # the reports' webhook and WeCom robot, and the short links' Shlink
            files["hook_url"] = hook.url
            files["wecom_url"] = hook.url.replace("/hook", "/cgi-bin/webhook/send?key=demo")
            _use_demo_shlink(hook.url.replace("/hook", ""))
        args = [a.format(**files) for a in argv]
        shown = [names.get(a, a).replace(files["home"], "<demo>") for a in args]
        output.line()
        if text:
            output.line(f"# {tr(text)}")
        output.line("$ weimai " + " ".join(shown))
        try:
            root.main(args, prog_name="weimai", standalone_mode=False)
        except SystemExit as exc:  # typer.Exit inside standalone_mode=False
            if exc.code:
                raise
        if hook is not None:
            for path, body in hook.take():
                _show_received(path, body)
    if hook is not None:
        hook.stop()


def _show_received(path: str, body: dict) -> None:
    """Print one delivery the receiver got, as its chat would show it."""
    from weimai_cli.cli import output

    if "msgtype" in body:  # a WeCom robot message: markdown
        kind = body["msgtype"]
        output.line("# " + _("the WeCom robot on 127.0.0.1 got a {kind} message:").format(kind=kind))
        output.text(body[kind]["content"])
    else:  # weimai's own webhook JSON
        output.line("# " + _("the receiver on 127.0.0.1 got ({title}):").format(title=body["title"]))
        output.text(body["text"])


def _use_demo_shlink(base: str) -> None:
    """The demo home's [shortener] is the receiver, as a Shlink on 127.0.0.1."""
    from weimai_cli.config import load_config, save_config

    cfg = load_config()
    cfg["shortener"] = {"service": "shlink", "url": base, "api_key": "demo-key", "allow_private": True}
    save_config(cfg)


def _shop_export(home: Path, code: str) -> str:
    path = home / "weidian_2026-11.csv"
    path.write_text(demo_file("demo_weidian.csv").read_text(encoding="utf-8").replace("{code}", code), encoding="utf-8")
    return str(path)


def _code_of(handle: str) -> str:
    row = open_db().execute(
        "SELECT code FROM shares WHERE distributor = ? ORDER BY id LIMIT 1", (handle,)).fetchone()
    return row[0]


def _last_code() -> str:
    return _code("DESC")


def _first_code() -> str:
    return _code("ASC")


def _code(order: str) -> str:

    row = open_db().execute(f"SELECT code FROM shares ORDER BY id {order} LIMIT 1").fetchone()
    return row[0] if row else ""


# the visits the demo's Shlink has seen for each short link it made (Asia/Shanghai times)
DEMO_VISITS = ("2026-11-02T20:15:31+08:00", "2026-11-02T21:02:09+08:00", "2026-11-03T08:40:55+08:00",
               "2026-11-03T12:11:00+08:00", "2026-11-03T22:30:18+08:00", "2026-11-04T07:05:44+08:00",
               "2026-11-04T19:48:02+08:00")


class _HookReceiver:
    """A receiver on 127.0.0.1 for the demo (http.server in a thread): a webhook and a
    WeCom robot for its reports, and a Shlink (REST v3) for its short links and clicks."""

    def __init__(self):
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        got = self.got = []

        made: dict[str, str] = {}  # Shlink: short code -> long URL

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, data: dict) -> None:
                body = json.dumps(data).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                data = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                if self.path.startswith("/rest/v3/short-urls"):  # Shlink: make a short link
                    code = f"wm{len(made) + 1}"
                    made[code] = data["longUrl"]
                    base = f"http://127.0.0.1:{self.server.server_port}"
                    return self._answer({"shortCode": code, "shortUrl": f"{base}/{code}", "longUrl": data["longUrl"]})
                got.append((self.path, data))
                self._answer({"errcode": 0, "errmsg": "ok"})  # what WeCom answers; a webhook takes any 2xx

            def do_GET(self):  # Shlink: a short link's visits, newer than startDate
                from urllib.parse import parse_qs, urlsplit

                parts = urlsplit(self.path)
                code = parts.path.split("/")[-2] if parts.path.endswith("/visits") else ""
                from datetime import datetime

                since = (parse_qs(parts.query).get("startDate") or [""])[0]
                after = datetime.fromisoformat(since) if since else None
                dates = [d for d in DEMO_VISITS if code in made and (after is None or datetime.fromisoformat(d) > after)]
                self._answer({"visits": {
                    "data": [{"date": d, "referer": "", "userAgent": "demo", "potentialBot": False} for d in dates],
                    "pagination": {"currentPage": 1, "pagesCount": 1, "itemsPerPage": 5000,
                                   "itemsInCurrentPage": len(dates), "totalItems": len(dates)}}})

            def log_message(self, *args):  # the demo prints what arrived itself
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"

    def take(self) -> list[tuple[str, dict]]:
        out, self.got[:] = list(self.got), []
        return out

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
