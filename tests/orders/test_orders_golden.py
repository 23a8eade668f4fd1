"""Every format imports from a file made from its documented header; the
orders read back (and the import summaries) must equal the golden JSON kept
beside the files. WEIMAI_UPDATE_GOLDEN=1 rewrites the golden files."""

from __future__ import annotations

import json

import pytest

from tests.golden_util import check_golden
from tests.orders_helpers import ORDERS, add_all_shares, read_events, read_orders, use_secret

CASES = {
    "taobao": ["taobao_union_2026-11.csv", "taobao_union_2026-11-later.csv", "taobao_refund_2026-11.csv"],
    "taobao-xlsx": ["taobao_union_2026-11.xlsx"],
    "taobao-legacy": ["TaokeDetail-2018-11-30.xls"],
    "jd": ["jd_union_2026-11.csv", "jd_union_2026-11-later.csv"],
    "amazon": ["amazon_fee_earnings_2026-11.csv", "amazon_uk_earnings_2026-11.tsv", "amazon_report_2026-11.zip"],
    "shopify": ["shopify_orders_export.csv"],
    "douyin": ["douyin_orders.csv"],
    "douyin-affiliate": ["douyin_affiliate.csv"],
    "generic": ["generic_orders.csv"],
}
SUMMARY = ("file", "format", "platform", "kind", "container", "encoding", "rows", "new", "changed",
           "unchanged", "stale", "merged", "rejected", "unmatched", "attributed", "unattributed",
           "bad_codes", "bad_code_list", "stale_keys", "warnings")


def _import_case(run, home, files):
    use_secret()
    from weimai_cli.db.store import connect

    conn = connect(home / "weimai.db")
    add_all_shares(conn)
    summaries = []
    for name in files:
        r = run("orders", "import", "--json", ORDERS / name)
        for s in json.loads(r.stdout):
            s["file"] = s["file"].replace(str(ORDERS) + "/", "")
            s["warnings"] = [w.replace(str(ORDERS) + "/", "") for w in s["warnings"]]
            summaries.append({k: s[k] for k in SUMMARY})
    return conn, summaries


@pytest.mark.parametrize("reader", ["never", "always"])  # the CSVs also read in a child process
@pytest.mark.parametrize("case", sorted(CASES))
def test_golden(case, reader, run, home, monkeypatch):
    monkeypatch.setenv("WEIMAI_READER_PROCESS", reader)
    conn, summaries = _import_case(run, home, CASES[case])
    got = {"imports": summaries, "orders": read_orders(conn), "events": read_events(conn)}
    text = json.dumps(got, ensure_ascii=False, indent=1, sort_keys=False) + "\n"
    check_golden(ORDERS / f"{case}.expected.json", text, parse=json.loads)


def test_xlsx_variant_equals_utf16_csv(run, home):
    """The xlsx (other header spellings) holds the same lines as the UTF-16 CSV."""
    conn, _ = _import_case(run, home, ["taobao_union_2026-11.xlsx"])
    from_xlsx = read_orders(conn)
    conn.execute("DELETE FROM orders")
    conn.commit()
    run("orders", "import", ORDERS / "taobao_union_2026-11.csv")
    from_csv = read_orders(conn)
    strip = lambda rows: [{k: v for k, v in r.items() if not k.endswith("import_id")} for r in rows]  # noqa: E731
    assert strip(from_xlsx) == strip(from_csv)
