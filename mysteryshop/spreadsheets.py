"""The one way the project writes CSV files, for people who open them in spreadsheet programs.

Every CSV export goes through `csv_bytes` (or `csv_response`). Any cell that is text is
checked: a spreadsheet program runs a cell starting with `=`, `+`, `-`, `@`, a tab or a
carriage return as a formula (`=HYPERLINK(...)` sends data away at a click; `@SUM(...)`
and DDE formulas can do worse), so such a cell gets a leading `'` and is read as the text
it is (OWASP, "CSV Injection"). Numbers are written as numbers, so a negative figure stays
a figure. Files are UTF-8 with a byte-order mark, so spreadsheet programs read accents.

`mysteryshop/tests/test_csv_exports.py` walks every URL that gives a CSV file with hostile
text in the data, and checks no other module writes CSV.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

from django.http import HttpResponse

# What makes a spreadsheet program read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A cell as written: numbers as they are, blanks blank, any other value as text that is never a formula."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(rows: Iterable[Iterable]) -> bytes:
    """The CSV file of `rows`, every cell through `safe_cell`, in UTF-8 with a byte-order mark."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows([safe_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def csv_response(rows: Iterable[Iterable], *, filename: str) -> HttpResponse:
    """A CSV download of `rows` (see `csv_bytes`)."""
    response = HttpResponse(csv_bytes(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
