"""Orders: platform export formats, the import engine, attribution and queries.

``formats`` holds one small module per platform export (header signature,
column aliases, status map, line key, where the tracking code, slot and
platform commission are); ``values`` the field parsers they share.

The import engine is a chain of stages, one module each:

* ``importer``: the entry point. :func:`importer.import_files` takes one
  :class:`request.ImportRequest` (the CLI builds it), makes it ready once
  (saved ``mappings``, the ``rejects`` file, the tracking-code secret of
  ``codes``, the replay key) and imports each file in one transaction,
  all or nothing; bytes imported before with nothing changed since are
  replayed (``replay``) instead;
* ``part``: one file part (CSV, zip member, sheet) through the stages below,
  its ``imports`` row kept by ``history``;
* read rows: :mod:`weimai_cli.tables` (the format detected from the header);
* ``lines``: rows to line tuples through the format's parser, bad rows to an
  error or the rejects file (in a child process for a large file: ``forked``);
* ``write``: one ``Writer`` interface, two strategies: ``Staged`` (a temporary
  table where duplicate keys merge) or ``Direct`` (a platform's first lines
  straight into ``orders``); every value a bound parameter;
* ``merge``: the lines against ``orders``: new / changed / unchanged / stale,
  order_events for the changes, the changes applied, the new lines inserted;
* ``attribution``: lines to shares by tracking code, else slot and SKU (also
  ``weimai orders attribute``);
* ``book``: commission for the lines the import changed
  (:mod:`weimai_cli.ledger.booking`).

``query`` lists and shows order lines.
"""
