"""A text file's rows are read a chunk at a time (tables.table.open_table's text_body): the rows,
their numbers (multi-line cells included) and the skipped repeated headers
are those the csv reader gives row by row."""

from __future__ import annotations

import csv

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from weimai_cli.tables import table as tables_table

HEADER = ["order", "sku", "paid"]
cell = st.one_of(
    st.sampled_from(["", "A1", "x,y", 'say "hi"', "two\nlines", "crlf\r\nbreak", "cr\ronly", "a\n\nb", "order"]),
    st.text(alphabet="ab \n\r,\"", max_size=6),
)
row = st.one_of(
    st.lists(cell, min_size=3, max_size=3),
    st.lists(cell, min_size=0, max_size=5),
    st.just(HEADER),
)


def _expected(path: str, skip_repeated: bool) -> tuple[list, list]:
    """Row by row, as the reader did before chunks."""
    out, repeated = [], []
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        for values in reader:
            n = reader.line_num
            if skip_repeated and values and values[0].strip() == HEADER[0] and values[:3] == HEADER:
                repeated.append(n)
                continue
            values = values[:3] if len(values) > 3 else values + [""] * (3 - len(values))
            out.append((n, values))
    return out, repeated


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(row, max_size=40), st.sampled_from(["\n", "\r\n"]), st.booleans(), st.sampled_from([1, 3, 1000]))
def test_chunked_rows_are_the_row_by_row_rows(tmp_path_factory, rows, newline, skip_repeated, chunk):
    path = tmp_path_factory.mktemp("t") / "t.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator=newline).writerows([HEADER, *rows])
    old = tables_table.TEXT_CHUNK
    tables_table.TEXT_CHUNK = chunk
    try:
        with tables_table.open_table(path, ragged="ignore", skip_repeated_header=skip_repeated) as table:
            got = [(n, list(v)) for n, v in table.rows]
            repeated = table.repeated_header_rows
    finally:
        tables_table.TEXT_CHUNK = old
    assert (got, repeated) == _expected(str(path), skip_repeated)
