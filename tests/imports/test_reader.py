"""Reading an uploaded register file into its header and rows."""

import csv
import datetime
import io
import json
import random
import struct
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st

from mitra.imports import reader
from mitra.imports.parsing import (
    OPEN_ENDED,
    parse_date,
    parse_document_type,
    parse_end_date,
    parse_fields,
    parse_scope,
    propose_mapping,
)
from mitra.imports.reader import MAX_ZIP_ENTRIES, SheetError, read_sheet

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
SAMPLE_NAMES = ["daftar-kerjasama-contoh.xlsx", "daftar-kerjasama-contoh.csv"]
HEADERS = [
    "No",
    "Nama Mitra",
    "Jenis Mitra",
    "Negara",
    "Tingkat",
    "Jenis Dokumen",
    "Nomor Dokumen",
    "Nomor Dokumen Induk",
    "Tentang",
    "Bidang",
    "Unit Pengusul",
    "Tanggal Mulai",
    "Tanggal Berakhir",
    "Keterangan",
]
PARTNER = HEADERS.index("Nama Mitra")
NUMBER = HEADERS.index("Nomor Dokumen")
START = HEADERS.index("Tanggal Mulai")
END = HEADERS.index("Tanggal Berakhir")

DATA_ROW = [
    "1",
    "PT Contoh Jaya",
    "Industri",
    "Indonesia",
    "Lokal",
    "MoU",
    "100/X/2024",
    "",
    "Magang",
    "Pendidikan, Penelitian",
    "TI",
    "12 Januari 2024",
    "Tidak terbatas",
    "",
]


@pytest.fixture(autouse=True, scope="module")
def _messages_can_render():
    # Lazy messages need settings; the project's pytest-django run has them.
    if not settings.configured:
        settings.configure(USE_I18N=False)


@pytest.fixture(params=SAMPLE_NAMES)
def sample(request):
    name = request.param
    return read_sheet((SHARED_DATA / name).read_bytes(), name)


def _rows_by_number(sheet):
    return {row.number: row.values for row in sheet.rows}


def _error(data, filename="register.xlsx", **kwargs):
    with pytest.raises(SheetError) as caught:
        read_sheet(data, filename, **kwargs)
    return caught.value


def _csv_bytes(rows, *, delimiter=";", encoding="utf-8-sig"):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def _xlsx_bytes(sheets):
    """Return a workbook holding ``{title: {(row, column): value}}``."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, cells in sheets.items():
        worksheet = workbook.create_sheet(title)
        for (row, column), value in cells.items():
            worksheet.cell(row=row, column=column, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cells(rows, first_row=1):
    return {
        (first_row + r, c + 1): value
        for r, values in enumerate(rows)
        for c, value in enumerate(values)
        if value is not None
    }


def _zip_bytes(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _png_bytes():
    def chunk(kind, body):
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


# --- the shared sample register --------------------------------------------


def test_sample_header_is_found_below_the_title(sample):
    assert sample.header_row == 3
    assert sample.headers == HEADERS


def test_sample_rows_are_numbered_as_excel_shows_them(sample):
    numbers = [row.number for row in sample.rows]

    assert len(sample.rows) == 84
    assert numbers == list(range(4, 88))
    assert all(len(row.values) == len(HEADERS) for row in sample.rows)


def test_sample_problem_rows_are_kept_for_the_importer(sample):
    rows = _rows_by_number(sample)

    assert rows[24][NUMBER] == "999/PL29/HK/2024"
    assert rows[24][START] == "1 Maret 2024"
    assert rows[24][END] == "1 Februari 2024"
    assert rows[34][NUMBER] == "998/PL29/HK/2024"
    assert rows[34][PARTNER] is None
    assert rows[44][NUMBER] == "997/PL29/HK/2024"
    assert rows[44][START] == "31 Juni 2024"


def test_sample_keeps_text_as_written(sample):
    rows = _rows_by_number(sample)

    assert rows[87][PARTNER] == "Southpoint Polytechnic "


def test_workbook_cells_keep_their_types():
    name = SAMPLE_NAMES[0]
    sheet = read_sheet((SHARED_DATA / name).read_bytes(), name)
    rows = _rows_by_number(sheet)

    assert sheet.kind == "xlsx"
    assert sheet.sheet_name == "Kerjasama"
    assert rows[4][0] == 1
    assert rows[85][START] == datetime.date(2022, 3, 20)
    assert type(rows[85][START]) is datetime.date


def test_workbook_and_csv_hold_the_same_register():
    def as_text(value):
        if value is None:
            return ""
        if isinstance(value, datetime.date):
            return value.isoformat()
        return str(value)

    xlsx, saved_csv = (
        read_sheet((SHARED_DATA / name).read_bytes(), name) for name in SAMPLE_NAMES
    )

    assert saved_csv.kind == "csv"
    assert [(row.number, [as_text(v) for v in row.values]) for row in xlsx.rows] == [
        (row.number, [as_text(v) for v in row.values]) for row in saved_csv.rows
    ]


def _as_recorded(values, column):
    """Return a row's values parsed, in the shape of the answers file."""

    def cell(field):
        return values[column[field]]

    end = parse_end_date(cell("end"))
    return {
        "document_type": parse_document_type(cell("document_type")),
        "parent_number": cell("parent_number"),
        "scope": parse_scope(cell("scope")),
        "fields": parse_fields(cell("fields")),
        "start": parse_date(cell("start")).isoformat(),
        "end": None if end is OPEN_ENDED else end.isoformat(),
    }


def test_sample_values_parse_to_the_recorded_truth(sample):
    answers = json.loads(
        (SHARED_DATA / "daftar-kerjasama-contoh.answers.json").read_text()
    )
    bad_rows = {bad["row"] for bad in answers["bad_rows"]}
    column = {field: index for index, field in propose_mapping(sample.headers).items()}
    codes = {
        "MoU": "mou",
        "MoA": "moa",
        "IA": "ia",
        "Lokal": "local",
        "Nasional": "national",
        "Internasional": "international",
        "Pendidikan": "education",
        "Penelitian": "research",
        "Pengabdian kepada Masyarakat": "community_service",
    }

    checked = 0
    for row in sample.rows:
        truth = answers["agreements"].get(row.values[column["number"]])
        if truth is None:
            assert row.number in bad_rows
            continue

        assert _as_recorded(row.values, column) == {
            "document_type": codes[truth["document_type"]],
            "parent_number": truth["parent_number"],
            "scope": codes[truth["scope"]],
            "fields": {codes[name] for name in truth["fields"]},
            "start": truth["start"],
            "end": truth["end"],
        }, f"row {row.number}"
        checked += 1

    assert checked == 81


def test_row_limit_counts_data_rows():
    name = SAMPLE_NAMES[0]
    data = (SHARED_DATA / name).read_bytes()

    assert len(read_sheet(data, name, max_rows=84).rows) == 84
    assert _error(data, name, max_rows=83).code == "too_many_rows"


def test_macro_enabled_workbook_is_read():
    source = SHARED_DATA / SAMPLE_NAMES[0]
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(source) as original,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as macro_enabled,
    ):
        for member in original.infolist():
            content = original.read(member)
            if member.filename == "[Content_Types].xml":
                content = content.replace(
                    b"openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"ms-excel.sheet.macroEnabled.main+xml",
                )
                assert b"macroEnabled" in content
            macro_enabled.writestr(member, content)

    sheet = read_sheet(buffer.getvalue(), "daftar.xlsm")

    assert sheet.header_row == 3
    assert len(sheet.rows) == 84


# --- workbooks ----------------------------------------------------------------


def test_workbook_skips_blank_rows_and_keeps_numbering():
    data = _xlsx_bytes(
        {
            "Register": {
                (1, 1): "DAFTAR KERJASAMA",
                **_cells([HEADERS], first_row=4),
                **_cells([[1, "PT Satu", None, None, "Lokal"]], first_row=5),
                (6, 2): "   ",
                **_cells([[2.0, "PT Dua", None, None, "Nasional"]], first_row=9),
                (10, 12): datetime.datetime(2024, 1, 12, 8, 30),
                (10, 20): "beyond the last heading",
                (14, 3): None,
            }
        }
    )

    sheet = read_sheet(data, "register.xlsx")

    assert sheet.header_row == 4
    assert [row.number for row in sheet.rows] == [5, 9, 10]
    assert sheet.rows[1].values[:2] == [2, "PT Dua"]
    assert type(sheet.rows[1].values[0]) is int
    assert sheet.rows[2].values[START] == datetime.date(2024, 1, 12)
    assert all(len(row.values) == len(HEADERS) for row in sheet.rows)


def test_workbook_sheet_can_be_chosen_by_name():
    data = _xlsx_bytes(
        {
            "Catatan": {(1, 1): "Catatan rapat"},
            "Register": _cells([HEADERS, DATA_ROW]),
        }
    )

    assert _error(data).code == "no_header"
    sheet = read_sheet(data, "register.xlsx", sheet_name="Register")
    assert sheet.sheet_name == "Register"
    assert [row.number for row in sheet.rows] == [2]

    error = _error(data, sheet_name="Daftar")
    assert error.code == "no_sheet"
    assert "Daftar" in str(error)


def test_workbook_without_header_is_refused():
    rows = [["Laporan tahunan"], [None], *[[f"baris {n}", n, n * 2] for n in range(30)]]

    assert _error(_xlsx_bytes({"Sheet": _cells(rows)})).code == "no_header"


def test_header_below_the_search_window_is_not_found():
    rows = [["catatan"]] * reader.HEADER_SEARCH_ROWS + [HEADERS, DATA_ROW]

    assert _error(_xlsx_bytes({"Sheet": _cells(rows)})).code == "no_header"


# --- CSV ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delimiter", "encoding", "mark"),
    [
        (";", "utf-8-sig", b""),
        (",", "utf-8", b""),
        ("\t", "utf-8", b""),
        ("|", "utf-8", b""),
        ("\t", "utf-16", b""),
        (",", "utf-16-be", b"\xfe\xff"),
    ],
)
def test_csv_separators_and_encodings(delimiter, encoding, mark):
    rows = [["DAFTAR"], [], HEADERS, DATA_ROW]
    data = mark + _csv_bytes(rows, delimiter=delimiter, encoding=encoding)

    sheet = read_sheet(data, "daftar.csv")

    assert sheet.kind == "csv"
    assert sheet.header_row == 3
    assert sheet.headers == HEADERS
    assert [row.number for row in sheet.rows] == [4]
    assert sheet.rows[0].values[HEADERS.index("Bidang")] == "Pendidikan, Penelitian"


def test_csv_in_windows_encoding():
    row = list(DATA_ROW)
    row[PARTNER] = "Caf\u00e9 Nusantara \u2019Jaya\u2019"
    data = _csv_bytes([HEADERS, row], delimiter=",", encoding="cp1252")

    sheet = read_sheet(data, "daftar.csv")

    assert sheet.rows[0].values[PARTNER] == "Caf\u00e9 Nusantara \u2019Jaya\u2019"


def test_csv_in_latin_1_as_last_resort():
    row = list(DATA_ROW)
    row[PARTNER] = "Mitra \u0081"
    data = _csv_bytes([HEADERS, row], encoding="latin-1")

    assert read_sheet(data, "daftar.csv").rows[0].values[PARTNER] == "Mitra \u0081"


def test_csv_record_number_is_the_line_it_starts_on():
    first = list(DATA_ROW)
    first[HEADERS.index("Keterangan")] = "dua\nbaris"
    data = _csv_bytes([HEADERS, first, DATA_ROW, [], DATA_ROW])

    sheet = read_sheet(data, "daftar.csv")

    assert [row.number for row in sheet.rows] == [2, 4, 6]
    assert sheet.rows[0].values[HEADERS.index("Keterangan")] == "dua\nbaris"


def test_csv_blank_cells_are_none_and_rows_are_aligned():
    data = _csv_bytes([HEADERS, DATA_ROW[:3], [" ", "", "  "], [*DATA_ROW, "extra"]])

    sheet = read_sheet(data, "daftar.csv")

    assert [row.number for row in sheet.rows] == [2, 4]
    assert sheet.rows[0].values == [*DATA_ROW[:3], *[None] * (len(HEADERS) - 3)]
    assert sheet.rows[1].values[HEADERS.index("Nomor Dokumen Induk")] is None
    assert len(sheet.rows[1].values) == len(HEADERS)


def test_csv_name_does_not_decide_the_format():
    data = _csv_bytes([HEADERS, DATA_ROW])

    assert read_sheet(data, "daftar.xlsx").kind == "csv"


def test_csv_without_header_is_refused():
    data = _csv_bytes([["a", "b", "c"], ["1", "2", "3"]])

    error = _error(data, "daftar.csv")

    assert error.code == "no_header"
    assert error.params["filename"] == "daftar.csv"


# --- files that are not registers ---------------------------------------------


@pytest.mark.parametrize("data", [b"", b" \r\n\t\r\n", "\ufeff".encode()])
def test_empty_file_is_refused(data):
    assert _error(data, "daftar.csv").code == "empty"


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (random.Random(7).randbytes(4096), "daftar.csv"),
        (random.Random(7).randbytes(4096).replace(b"\x00", b"\x01"), "daftar.csv"),
        (_png_bytes(), "daftar.png"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "daftar.xls"),
        (_zip_bytes({"word/document.xml": "<w:document/>"}), "daftar.xlsx"),
        (
            _zip_bytes(
                {
                    "mimetype": "application/vnd.oasis.opendocument.spreadsheet",
                    "content.xml": "<office:document-content/>",
                }
            ),
            "daftar.ods",
        ),
        (_zip_bytes({"xl/workbook.bin": b"\x00"}), "daftar.xlsb"),
        (b"PK\x03\x04" + b"not really a zip" * 10, "daftar.xlsx"),
        ((SHARED_DATA / SAMPLE_NAMES[0]).read_bytes()[:2000], "daftar.xlsx"),
    ],
    ids=[
        "random",
        "random-without-nul",
        "png",
        "xls",
        "docx-like",
        "ods",
        "xlsb",
        "bad-zip",
        "truncated",
    ],
)
def test_other_files_are_not_spreadsheets(data, filename):
    error = _error(data, filename)

    assert error.code == "not_spreadsheet"
    assert str(error)


def test_damaged_workbook_is_refused():
    data = _zip_bytes({"[Content_Types].xml": "<Types", "xl/workbook.xml": "<workbook"})

    assert _error(data).code == "damaged"


_ENTITY_BOMB = (
    '<!DOCTYPE x [<!ENTITY a0 "aaaaaaaaaa">'
    + "".join(
        f'<!ENTITY a{n + 1} "{f"&a{n};" * 10}">'  # each level ten times larger
        for n in range(9)
    )
    + "]>"
)
_EXTERNAL_ENTITY = '<!DOCTYPE x [<!ENTITY a9 SYSTEM "file:///etc/passwd">]>'


_HARMLESS_ENTITY = '<!DOCTYPE x [<!ENTITY a9 "Kerjasama">]>'


def _with_doctype(part, doctype):
    """Return the sample workbook with ``doctype`` and its entity in ``part``."""
    source = io.BytesIO((SHARED_DATA / SAMPLE_NAMES[0]).read_bytes())
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(source) as original,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as tampered,
    ):
        for name in original.namelist():
            content = original.read(name).decode()
            if name == part:
                content = doctype + content.replace("Kerjasama", "&a9;", 1)
            tampered.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/worksheets/sheet1.xml"])
def test_xml_entities_are_not_expanded(part):
    # A harmless entity may be read or refused (defusedxml refuses every
    # entity declaration where openpyxl uses it); a dangerous one never reads.
    try:
        rows = read_sheet(_with_doctype(part, _HARMLESS_ENTITY), "x.xlsx").rows
    except SheetError as error:
        assert error.code == "damaged"
    else:
        assert len(rows) == 84

    for doctype in (_ENTITY_BOMB, _EXTERNAL_ENTITY):
        assert _error(_with_doctype(part, doctype)).code == "damaged"


def _bomb(unpacked_mib):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            zeros = bytes(1024 * 1024)
            for _ in range(unpacked_mib):
                member.write(zeros)
    return buffer.getvalue()


@pytest.fixture
def openpyxl_must_not_open(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the archive reached openpyxl")

    monkeypatch.setattr(reader.openpyxl, "load_workbook", refuse)


@pytest.mark.usefixtures("openpyxl_must_not_open")
def test_zip_bomb_is_refused_before_it_is_opened():
    error = _error(_bomb(16), "daftar.xlsx")

    assert error.code == "too_large"
    assert str(error)


@pytest.mark.usefixtures("openpyxl_must_not_open")
def test_unpacked_size_limit_applies_to_real_workbooks():
    data = (SHARED_DATA / SAMPLE_NAMES[0]).read_bytes()

    assert _error(data, max_unpacked_bytes=50_000).code == "too_large"


@pytest.mark.usefixtures("openpyxl_must_not_open")
def test_archive_with_too_many_members_is_refused():
    members = {f"xl/media/{n}.bin": b"" for n in range(MAX_ZIP_ENTRIES)}
    data = _zip_bytes({"xl/workbook.xml": "<workbook/>", **members})

    assert _error(data).code == "too_large"


@given(
    st.one_of(
        st.binary(max_size=2048),
        st.binary(max_size=2048).map(lambda tail: b"PK\x03\x04" + tail),
        st.text(max_size=2048).map(str.encode),
    )
)
def test_any_bytes_fail_only_with_sheet_error(data):
    try:
        read_sheet(data, "upload")
    except SheetError as error:
        assert error.message
