"""Read an uploaded register file into a header and rows, uninterpreted.

Offices keep their agreement register (*daftar kerjasama*) in Excel and
upload it as saved: an XLSX workbook, or a CSV in whatever encoding and
separator their Excel chose. This module finds the header row below any
title rows, and returns each data row with the row number Excel shows (for
a CSV, the line its record starts on), so an error can point a person to
the right row. Cell values are returned as found; ``parsing`` reads them.

The format is recognised from the content, never from the file name, since
people rename files freely. An upload is untrusted: a workbook's unpacked
size is checked before it is opened, and every failure is a ``SheetError``
whose ``code`` a program can test and whose ``message`` a person can read.
"""

import codecs
import csv
import datetime
import io
import logging
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import chain, islice
from typing import Any

import openpyxl
from django.utils.translation import gettext_lazy as _

from mitra.imports.parsing import propose_mapping

__all__ = [
    "CSV_DELIMITERS",
    "HEADER_SEARCH_ROWS",
    "MAX_COMPRESSION_RATIO",
    "MAX_ROWS",
    "MAX_UNPACKED_BYTES",
    "MAX_ZIP_ENTRIES",
    "MIN_HEADER_MATCHES",
    "Row",
    "Sheet",
    "SheetError",
    "read_sheet",
]

logger = logging.getLogger(__name__)

#: Rows searched for the header; a title and blank rows may stand above it.
HEADER_SEARCH_ROWS = 20

#: Known column headings a row must hold to be taken as the header.
MIN_HEADER_MATCHES = 3

#: Data rows accepted in one file; a register is a few thousand at most.
MAX_ROWS = 50_000

#: Limits on a workbook's archive, checked before it is unpacked.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_ZIP_ENTRIES = 1_000

#: Separators a CSV may use: Excel writes ";" where the decimal mark is a
#: comma, as in Indonesian settings, and "," elsewhere.
CSV_DELIMITERS = (";", ",", "\t", "|")

# Small archive members compress beyond any sane ratio (a styles part full
# of repeated defaults), and cannot hurt, so only large ones are checked.
_RATIO_CHECKED_FROM_BYTES = 1024 * 1024

_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_WORKBOOK_PART = "xl/workbook.xml"
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"

# UTF-32 first: its little-endian mark begins with UTF-16's.
_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SNIFF_CHARS = 64 * 1024
_SNIFF_LINES = 50

_EMPTY = _("The file is empty.")
_NOT_SPREADSHEET = _("The file is not a spreadsheet: upload an .xlsx or .csv file.")
_OLD_EXCEL = _(
    "The file is an old Excel workbook (.xls) or a password-protected one, "
    "which cannot be read: save it as .xlsx without a password, or as .csv, "
    "and upload it again."
)
_OTHER_FORMAT = _(
    "Spreadsheets in the %(format)s format cannot be read: save the file as "
    ".xlsx or .csv and upload it again."
)
_TOO_LARGE = _("The file is damaged or too large when unpacked.")
_DAMAGED = _("The file is damaged and cannot be read.")
_NO_WORKSHEET = _("The workbook has no worksheet.")
_NO_SUCH_SHEET = _("The workbook has no sheet named %(name)s.")
_NO_HEADER = _(
    "No recognisable header row: none of the first %(rows)s rows names at "
    "least %(minimum)s of the expected columns (such as Nama Mitra, Jenis "
    "Dokumen, Tanggal Mulai)."
)
_TOO_MANY_ROWS = _("The file has more than %(limit)s rows of data.")


class SheetError(Exception):
    """A file that cannot be read as a register.

    ``code`` is one of ``"empty"``, ``"not_spreadsheet"``, ``"too_large"``,
    ``"damaged"``, ``"no_sheet"``, ``"no_header"`` and ``"too_many_rows"``.
    ``message`` is the translated text for people, formatted from
    ``template`` and ``params`` when it is read. ``params`` always holds the
    ``filename``, so a caller can name the file.
    """

    def __init__(
        self, code: str, template: Any, params: Mapping[str, Any] | None = None
    ):
        super().__init__(code)
        self.code = code
        self.template = template
        self.params = dict(params or {})

    @property
    def message(self) -> str:
        """Return the translated message with its values filled in."""
        return str(self.template) % self.params

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Row:
    """One data row: its number as a person sees it, and its cells.

    ``values`` is aligned with ``Sheet.headers``. A blank cell is ``None``;
    XLSX date cells are ``datetime.date``, whole numbers ``int``; text is
    kept as written, surrounding spaces included.
    """

    number: int
    values: list[Any]


@dataclass(frozen=True)
class Sheet:
    """A register as read: where its header is, the headings and the rows.

    ``header_row`` is 1-based, like every row number. Blank rows are left
    out of ``rows``. ``kind`` is ``"xlsx"`` or ``"csv"``; ``sheet_name`` is
    the worksheet read from a workbook.
    """

    header_row: int
    headers: list[str]
    rows: list[Row]
    kind: str
    sheet_name: str | None = None


def read_sheet(
    data: bytes,
    filename: str,
    *,
    sheet_name: str | None = None,
    max_rows: int = MAX_ROWS,
    max_unpacked_bytes: int = MAX_UNPACKED_BYTES,
) -> Sheet:
    """Read an uploaded XLSX or CSV register and return its header and rows.

    Recognise the format from ``data``; ``filename`` only travels in error
    params. Read the first worksheet of a workbook, or the one named
    ``sheet_name``. Take as the header the first of the top
    ``HEADER_SEARCH_ROWS`` rows naming at least ``MIN_HEADER_MATCHES`` known
    columns. Raise ``SheetError`` when the file is empty, not a spreadsheet,
    too large once unpacked (beyond ``max_unpacked_bytes``), damaged, has
    no such sheet, no header, or more than ``max_rows`` data rows.
    """
    context = _Context(filename, max_rows, max_unpacked_bytes)
    if not data:
        raise context.error("empty", _EMPTY)

    if data.startswith(_ZIP_SIGNATURES):
        return _read_workbook(data, sheet_name, context)

    if data.startswith(_OLE2_SIGNATURE):
        raise context.error("not_spreadsheet", _OLD_EXCEL)

    return _read_csv(data, context)


@dataclass(frozen=True)
class _Context:
    filename: str
    max_rows: int
    max_unpacked_bytes: int

    def error(
        self, code: str, template: Any, params: Mapping[str, Any] | None = None
    ) -> SheetError:
        return SheetError(code, template, {"filename": self.filename, **(params or {})})


# --- workbooks ------------------------------------------------------------


def _read_workbook(data: bytes, sheet_name: str | None, context: _Context) -> Sheet:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            _check_unpacked_size(members, context)
            names = {member.filename for member in members}
            if _WORKBOOK_PART not in names:
                raise _not_a_workbook(archive, names, context)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise context.error("not_spreadsheet", _NOT_SPREADSHEET) from exc

    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True
        )
    except Exception as exc:
        # openpyxl reports a malformed workbook with whatever its XML and zip
        # layers raise; to the person uploading, all of it means "damaged".
        logger.warning("Cannot open workbook %r: %r", context.filename, exc)
        raise context.error("damaged", _DAMAGED) from exc

    try:
        worksheet = _pick_worksheet(workbook, sheet_name, context)
        worksheet.reset_dimensions()
        return _build_sheet(
            _workbook_records(worksheet, context),
            kind="xlsx",
            sheet_name=worksheet.title,
            context=context,
        )
    finally:
        workbook.close()


def _check_unpacked_size(members: list[zipfile.ZipInfo], context: _Context) -> None:
    # zipfile stops unpacking each member at its declared size, so checking
    # the declared sizes bounds what openpyxl can unpack later.
    unpacked = sum(member.file_size for member in members)
    too_large = (
        len(members) > MAX_ZIP_ENTRIES
        or unpacked > context.max_unpacked_bytes
        or any(
            member.file_size >= _RATIO_CHECKED_FROM_BYTES
            and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1)
            for member in members
        )
    )
    if too_large:
        logger.warning(
            "Refused archive %r: %d members, %d bytes unpacked",
            context.filename,
            len(members),
            unpacked,
        )
        raise context.error("too_large", _TOO_LARGE)


def _not_a_workbook(
    archive: zipfile.ZipFile, names: set[str], context: _Context
) -> SheetError:
    if "xl/workbook.bin" in names:
        return context.error("not_spreadsheet", _OTHER_FORMAT, {"format": ".xlsb"})

    if (
        "mimetype" in names
        and archive.getinfo("mimetype").file_size < 256
        and archive.read("mimetype").strip() == _ODS_MIMETYPE
    ):
        return context.error("not_spreadsheet", _OTHER_FORMAT, {"format": ".ods"})

    return context.error("not_spreadsheet", _NOT_SPREADSHEET)


def _pick_worksheet(workbook: Any, sheet_name: str | None, context: _Context) -> Any:
    worksheets = workbook.worksheets
    if sheet_name is None:
        if not worksheets:
            raise context.error("no_sheet", _NO_WORKSHEET)
        return worksheets[0]

    for worksheet in worksheets:
        if worksheet.title == sheet_name:
            return worksheet
    raise context.error("no_sheet", _NO_SUCH_SHEET, {"name": sheet_name})


def _workbook_records(
    worksheet: Any, context: _Context
) -> Iterator[tuple[int, list[Any]]]:
    # openpyxl fills the rows missing from the file with empty ones, so
    # counting from 1 gives the row numbers Excel shows.
    rows = worksheet.iter_rows(values_only=True)
    number = 0
    while True:
        try:
            values = next(rows, None)
        except Exception as exc:
            logger.warning("Cannot read workbook %r: %r", context.filename, exc)
            raise context.error("damaged", _DAMAGED) from exc
        if values is None:
            return
        number += 1
        yield number, [_cell_value(value) for value in values]


def _cell_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# --- CSV ------------------------------------------------------------------


def _read_csv(data: bytes, context: _Context) -> Sheet:
    text = _decode(data, context)
    if not text.strip():
        raise context.error("empty", _EMPTY)

    if not _looks_like_text(text):
        raise context.error("not_spreadsheet", _NOT_SPREADSHEET)

    # The sniffer guesses; the header decides: a wrong separator splits no
    # row into the known column names.
    for delimiter in _delimiter_candidates(text):
        try:
            return _build_sheet(
                _csv_records(text, delimiter, context), kind="csv", context=context
            )
        except SheetError as error:
            if error.code != "no_header":
                raise
    raise _no_header(context)


def _decode(data: bytes, context: _Context) -> str:
    for mark, encoding in _BYTE_ORDER_MARKS:
        if data.startswith(mark):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise context.error("not_spreadsheet", _NOT_SPREADSHEET) from exc

    if b"\x00" in data:
        raise context.error("not_spreadsheet", _NOT_SPREADSHEET)

    # Windows-1252 is what Excel writes for "CSV" on Indonesian and English
    # Windows; Latin-1 accepts every byte and is the last resort.
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _looks_like_text(text: str) -> bool:
    sample = text[:_SNIFF_CHARS]
    controls = sum(
        1
        for char in sample
        if char not in "\t\n\r" and unicodedata.category(char) == "Cc"
    )
    return controls * 100 <= len(sample)


def _delimiter_candidates(text: str) -> list[str]:
    lines = text[:_SNIFF_CHARS].splitlines(keepends=True)[:_SNIFF_LINES]
    sample = "".join(lines)
    candidates = []
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters="".join(CSV_DELIMITERS))
    except csv.Error:
        pass
    else:
        candidates.append(sniffed.delimiter)

    candidates.extend(sorted(CSV_DELIMITERS, key=lambda d: -_consistency(lines, d)))
    return list(dict.fromkeys(candidates))


def _consistency(lines: list[str], delimiter: str) -> int:
    """Count the lines holding the delimiter as often as most lines do."""
    counts = [line.count(delimiter) for line in lines if line.strip()]
    positive = Counter(count for count in counts if count)
    if not positive:
        return 0
    usual = positive.most_common(1)[0][0]
    return sum(1 for count in counts if count == usual)


def _csv_records(
    text: str, delimiter: str, context: _Context
) -> Iterator[tuple[int, list[Any]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    last_line = 0
    try:
        for fields in reader:
            first_line = last_line + 1
            last_line = reader.line_num
            # An empty CSV field is a blank cell, as None is in a workbook.
            yield first_line, [field if field else None for field in fields]
    except csv.Error as exc:
        raise context.error("damaged", _DAMAGED) from exc


# --- both -----------------------------------------------------------------


def _build_sheet(
    records: Iterable[tuple[int, list[Any]]],
    *,
    kind: str,
    context: _Context,
    sheet_name: str | None = None,
) -> Sheet:
    records = iter(records)
    top = list(islice(records, HEADER_SEARCH_ROWS))
    position = _header_position(top)
    if position is None:
        raise _no_header(context)

    header_row, header_values = top[position]
    headers = _headings(header_values)
    width = len(headers)
    rows: list[Row] = []
    for number, values in chain(top[position + 1 :], records):
        aligned = (values + [None] * width)[:width]
        if all(_is_blank(value) for value in aligned):
            continue
        if len(rows) >= context.max_rows:
            raise context.error(
                "too_many_rows", _TOO_MANY_ROWS, {"limit": context.max_rows}
            )
        rows.append(Row(number=number, values=aligned))

    return Sheet(
        header_row=header_row,
        headers=headers,
        rows=rows,
        kind=kind,
        sheet_name=sheet_name,
    )


def _header_position(top: list[tuple[int, list[Any]]]) -> int | None:
    for position, (_number, values) in enumerate(top):
        if len(propose_mapping(_headings(values))) >= MIN_HEADER_MATCHES:
            return position
    return None


def _headings(values: list[Any]) -> list[str]:
    headings = [
        "" if value is None else " ".join(str(value).split()) for value in values
    ]
    while headings and not headings[-1]:
        headings.pop()
    return headings


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _no_header(context: _Context) -> SheetError:
    return context.error(
        "no_header",
        _NO_HEADER,
        {"rows": HEADER_SEARCH_ROWS, "minimum": MIN_HEADER_MATCHES},
    )
