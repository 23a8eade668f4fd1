"""Rendering for people: statements and reports as text, markdown and CSV rows.

Renderers return strings (the beancount way: tests read them,
:mod:`weimai_cli.cli.output` prints them) from the plain data the domain
builds (:func:`weimai_cli.ledger.statements.compute`,
:func:`weimai_cli.reports.data.build`):

* :mod:`.labels`: the one set of labels (zh, en) and the default language;
* :mod:`.tables`: aligned, CJK-aware text tables;
* :mod:`.statements`: a commission statement;
* :mod:`.reports`: a daily, weekly or monthly report.
"""
