"""Reading tabular files for every importer (goods, orders, feeds).

:func:`~weimai_cli.tables.table.open_table` looks at a file's *content*,
never its name, and returns a :class:`~weimai_cli.tables.table.Table`: the
container it found (csv, tsv, xlsx, xls, json, jsonl, zip of CSVs), the
encoding, the normalised header and a stream of ``(row_number, values)``.
Rows are streamed: memory does not grow with the file. Values are strings
from text files and typed cells (float, int, str, datetime) from
spreadsheets and JSON; :func:`~weimai_cli.tables.cells.id_text` and
:func:`~weimai_cli.tables.cells.cell_text` turn them into text the same way
for every container.

Errors are :class:`BadInput` naming ``file:row:column``.

Callers import each name from the module that defines it (nothing is
re-exported here):

* :mod:`.table`: ``open_table``, ``parts``, ``Table`` (the entry points);
* :mod:`.encodings`: ``sniff`` (container and encoding), encoding detection;
* :mod:`.text`: CSV/TSV streams, the line cap held while reading;
* :mod:`.workbook`: XLSX/XLS (calamine), an XLSX's parts checked first;
* :mod:`.containers`: JSON/JSONL rows, zip members;
* :mod:`.headers`: ``normalise_header``, summary rows, mojibake, ``match_columns``;
* :mod:`.cells`: ``cell_text``, ``id_text``, ``IdError``;
* :mod:`.caps`: the caps on hostile files, read at call time as ``caps.NAME``.
"""
