"""Daily, weekly and monthly reports: their data, and delivery. (The data only:
the CLI renders it, :mod:`weimai_cli.cli.render.reports`.)

Periods are Asia/Shanghai days: a daily report covers one day, a weekly one
Monday to Sunday, a monthly one a calendar month. Without ``--date`` the
period is the last *finished* one (yesterday, last week, last month) by
:func:`weimai_cli.clock.now`.

What a daily or weekly report counts (decided here, documented in docs/delivery.md, "Reports"):

* **orders, GMV**: the order lines whose paid time (else created time) falls
  in the period, in Asia/Shanghai days, with a valid status (paid, confirmed,
  settled) — the same lines and sums as ``weimai earnings --by day``. GMV is
  paid minus refunded.
* **estimated commission**: what those lines earn *now*: the sum of every
  ledger entry for them (accruals, later confirmations, reversals, and
  adjustments booked into a later month). So a report re-run next week shows
  the commission of the same orders after their refunds.
* **refunds**: the period's lines that were refunded (wholly or in part) and
  the amount; **commission reversed** is what refunds and cancellations took
  back from those lines (the ledger's holding per line, ledger_state).
* **top shares and goods**: the five with the most commission (then GMV).
* **unattributed orders**: valid lines matched to no share, by file kind
  (an affiliate report's still earn; a shop export's owe no commission).
* **imports**: order imports started in the period (for one distributor:
  theirs and shop exports, which concern everyone).

A weekly report adds the same totals for the week before and the change.
A monthly report is the full statement (:func:`weimai_cli.ledger.statements.compute`
with the six-month trend): adjustments, reconciliation findings, payouts and
what is outstanding. Amounts are integer fen, per currency.

Modules: :mod:`.periods` (which days a report covers), :mod:`.data` (what it
counts), :mod:`.closing` (``--close``), :mod:`.delivery` (``--notify``),
:mod:`.shares` (what a share brought: ``weimai shares show``) and
:mod:`.doctor` (``weimai doctor``).
"""
