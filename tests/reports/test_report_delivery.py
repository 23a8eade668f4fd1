"""reports/delivery.py: the de-duplication key, and delivery of text rendered by the caller."""

from __future__ import annotations

from weimai_cli.reports.delivery import deliver, report_key


def test_report_key():
    assert report_key({"report": "daily", "period": "2026-11-05", "distributor": "me"}, "zh") == "daily:2026-11-05:me:zh"
    assert report_key({"report": "weekly", "period": "2026-W45", "distributor": "*"}, "en") == "weekly:2026-W45:all:en"


def test_no_targets_nothing_sent(db):
    assert deliver(db, [], "k", "title", "**md**", "md") == []
