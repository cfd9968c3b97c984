"""Export of list rows to CSV and XLSX, safe to open in a spreadsheet.

A cell starting with `=`, `+`, `-` or `@` would run as a formula when the
file is opened, so such text is prefixed with an apostrophe. CSV files carry
a UTF-8 byte-order mark so that Excel reads Indonesian text correctly.
"""

import csv
import datetime
import io
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    """Return a cell value that no spreadsheet will run as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal | datetime.date):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def csv_response(filename, headers, rows):
    """Return a CSV download (UTF-8 with BOM) of `rows` under `headers`."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([neutralise(str(header)) for header in headers])
    for row in rows:
        writer.writerow(
            [
                value.isoformat() if isinstance(value, datetime.date) else value
                for value in map(neutralise, row)
            ]
        )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(filename, headers, rows, *, title="Mitra"):
    """Return an XLSX download of `rows` under a bold header row."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(title)[:31]
    sheet.append([str(header) for header in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(str(header)) for header in headers]
    for row in rows:
        values = [neutralise(value) for value in row]
        sheet.append(values)
        for index, value in enumerate(values):
            widths[index] = max(widths[index], min(len(str(value)), 60))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width + 2
        for cell in sheet[get_column_letter(index)][1:]:
            if isinstance(cell.value, datetime.date):
                cell.number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
