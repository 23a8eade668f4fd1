"""goods sync and feeds list in Chinese (issue 14); JSON stays English."""

from __future__ import annotations

import json

import pytest
from werkzeug.wrappers import Response

from tests import netutil
from tests.catalog.test_feeds import ITEMS, Feed, json_feed, serve

shared_server = netutil.shared_server
server = netutil.server
fast_network = netutil.fast_network


@pytest.fixture(autouse=True)
def _fast(fast_network):
    """Short network timeouts (netutil.fast_network)."""


def test_sync_summary_and_feeds_list_in_chinese(run, db, server):
    feed = Feed(json_feed(ITEMS))
    url = serve(server, "/feed.json", feed.handle)
    r = run("--lang", "zh", "feeds", "add", "sup", url, "--format", "json", "--allow-private")
    assert r.stderr == "已添加货源 sup；用 `weimai goods sync sup` 抓取\n"
    r = run("--lang", "zh", "goods", "sync")
    assert r.stderr == "sup：3 件商品：新增 3，更新 0，未变 0，归档 0\n"
    r = run("--lang", "zh", "goods", "sync", "sup")
    assert r.stderr == "sup：自上次同步以来没有变化\n"
    table = run("--lang", "zh", "feeds", "list").stdout.splitlines()
    assert table[0].split() == ["名称", "地址", "格式", "列映射", "最近成功", "最近结果", "错误"]
    assert "无变化" in table[2]
    feed.body = json_feed(ITEMS[:2])
    run("goods", "sync")
    assert "新增 0，更新 0，归档 1" in run("--lang", "zh", "feeds", "list").stdout
    row = json.loads(run("--lang", "zh", "feeds", "list", "--format", "json").stdout)[0]
    assert row["last_status"] == "0 added, 0 changed, 1 archived"
    assert run("--lang", "zh", "feeds", "remove", "sup").stderr == "已删除货源 sup\n"


def test_a_failed_fetch_in_chinese(run, server):
    url = serve(server, "/gone.json", lambda request: Response("nope", status=404))
    run("feeds", "add", "sup", url, "--allow-private")
    r = run("--lang", "zh", "goods", "sync", "sup", code=1)
    assert f"货源 sup（{url}）：返回 HTTP 404: nope；商品库未改动" in r.stderr
    assert "在浏览器中检查货源地址，然后再运行 `weimai goods sync`" in r.stderr
