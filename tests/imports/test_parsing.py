"""Reading the values people typed into an agreement register."""

import datetime

import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st

from mitra.imports.parsing import (
    CANONICAL_FIELDS,
    EARLIEST_DATE,
    HEADER_SYNONYMS,
    LATEST_DATE,
    MONTHS,
    OPEN_ENDED,
    REQUIRED_FIELDS,
    ParseError,
    parse_date,
    parse_document_type,
    parse_end_date,
    parse_fields,
    parse_scope,
    propose_mapping,
)

D = datetime.date
ALL_FIELDS = frozenset({"education", "research", "community_service"})


@pytest.fixture(autouse=True, scope="module")
def _messages_can_render():
    # Lazy messages need settings; the project's pytest-django run has them.
    if not settings.configured:
        settings.configure(USE_I18N=False)


def _error(parser, value):
    with pytest.raises(ParseError) as caught:
        parser(value)
    return caught.value


# --- dates ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 Januari 2024", D(2024, 1, 12)),
        ("12 januari 2024", D(2024, 1, 12)),
        ("  12  JANUARI 2024 ", D(2024, 1, 12)),
        ("12\u00a0Januari\u00a02024", D(2024, 1, 12)),
        ("1 Februari 2024", D(2024, 2, 1)),
        ("1 Pebruari 2024", D(2024, 2, 1)),
        ("21 Maret 2024", D(2024, 3, 21)),
        ("6 Mei 2024", D(2024, 5, 6)),
        ("30 Juni 2024", D(2024, 6, 30)),
        ("21 Juli 2021", D(2021, 7, 21)),
        ("17 Agustus 2024", D(2024, 8, 17)),
        ("17 Agu 2024", D(2024, 8, 17)),
        ("17 Agt 2024", D(2024, 8, 17)),
        ("17 Ags 2024", D(2024, 8, 17)),
        ("5 Sep 2023", D(2023, 9, 5)),
        ("5 Okt 2023", D(2023, 10, 5)),
        ("3 Nopember 2023", D(2023, 11, 3)),
        ("19 Desember 2022", D(2022, 12, 19)),
        ("5 Des 2023", D(2023, 12, 5)),
        ("12 Jan. 2024", D(2024, 1, 12)),
        ("12-Jan-24", D(2024, 1, 12)),
        ("12 March 2024", D(2024, 3, 12)),
        ("12 Oct 2024", D(2024, 10, 12)),
        ("January 12, 2024", D(2024, 1, 12)),
        ("12th January 2024", D(2024, 1, 12)),
        ("Jumat, 12 Januari 2024", D(2024, 1, 12)),
        ("2024-01-12", D(2024, 1, 12)),
        ("2024-1-2", D(2024, 1, 2)),
        ("2024-01-12 00:00:00", D(2024, 1, 12)),
        ("2024-01-12T13:45", D(2024, 1, 12)),
        ("2024/01/12", D(2024, 1, 12)),
        ("12/01/2024", D(2024, 1, 12)),
        ("12-01-2024", D(2024, 1, 12)),
        ("12.01.2024", D(2024, 1, 12)),
        ("12 / 01 / 2024", D(2024, 1, 12)),
        ("2/1/2024", D(2024, 1, 2)),
        ("13/01/2024", D(2024, 1, 13)),
        ("12/01/24", D(2024, 1, 12)),
        ("12/01/68", D(2068, 1, 12)),
        ("12/01/69", D(1969, 1, 12)),
        ("29/02/2024", D(2024, 2, 29)),
        ("45303", D(2024, 1, 12)),
    ],
)
def test_parse_date_reads_the_written_forms(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D(2024, 1, 12), D(2024, 1, 12)),
        (datetime.datetime(2024, 1, 12, 23, 59), D(2024, 1, 12)),
        (45303, D(2024, 1, 12)),
        (45292, D(2024, 1, 1)),
        (45303.75, D(2024, 1, 12)),
    ],
)
def test_parse_date_reads_cells_and_excel_serials(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", [None, "", "   ", "-", " \u2013 ", "--"])
def test_parse_date_returns_none_for_blank(value):
    assert parse_date(value) is None


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("31 Juni 2024", "impossible_date"),
        ("30/02/2024", "impossible_date"),
        ("29/02/2023", "impossible_date"),
        ("01/13/2024", "impossible_date"),
        ("13/13/2024", "impossible_date"),
        ("2024-02-30", "impossible_date"),
        ("0 Januari 2024", "impossible_date"),
        ("12 Foo 2024", "unknown_month"),
        ("Januari 2024", "not_a_date"),
        ("besok", "not_a_date"),
        ("12/01", "not_a_date"),
        ("12/01-2024", "not_a_date"),
        ("1/1/1900", "out_of_range"),
        ("12/01/3024", "out_of_range"),
        (D(1800, 1, 1), "out_of_range"),
        (5, "not_a_date"),
        (2024, "not_a_date"),
        (10**12, "not_a_date"),
        (-45303, "not_a_date"),
        (float("nan"), "not_a_date"),
        (float("inf"), "not_a_date"),
        (True, "not_a_date"),
        (datetime.time(12, 0), "not_a_date"),
    ],
)
def test_parse_date_refuses_naming_the_value(value, code):
    error = _error(parse_date, value)

    assert error.code == code
    assert str(value) in str(error)


def test_parse_date_never_reads_numeric_dates_month_first():
    error = _error(parse_date, "01/13/2024")

    assert error.code == "impossible_date"
    assert parse_date("01/12/2024") == D(2024, 12, 1)


_DATE_LIKE = st.one_of(
    st.text(),
    st.from_regex(r"\d{1,3}[ /.-]\d{1,3}[ /.-]\d{1,5}", fullmatch=True),
    st.from_regex(r"\d{1,2} [A-Za-z]{1,10}\.? ?\d{1,4}", fullmatch=True),
    st.from_regex(r"\d{1,9}(\.\d{1,3})?", fullmatch=True),
)


@given(_DATE_LIKE)
def test_parse_date_fails_only_with_parse_error(text):
    try:
        result = parse_date(text)
    except ParseError as error:
        assert error.message
    else:
        assert result is None or EARLIEST_DATE <= result <= LATEST_DATE


_PLAUSIBLE_DATES = st.dates(min_value=EARLIEST_DATE, max_value=LATEST_DATE)


@given(_PLAUSIBLE_DATES)
def test_parse_date_reads_back_day_first_numbers(day):
    assert parse_date(f"{day.day}/{day.month}/{day.year}") == day
    assert parse_date(day.strftime("%d/%m/%Y")) == day
    assert parse_date(day.strftime("%d.%m.%Y")) == day


@given(_PLAUSIBLE_DATES)
def test_parse_date_reads_back_month_names_and_iso(day):
    for name in MONTHS[day.month]:
        assert parse_date(f"{day.day} {name} {day.year}") == day
    assert parse_date(day.isoformat()) == day


@pytest.mark.parametrize(
    "text",
    [
        "Tidak terbatas",
        "TIDAK TERBATAS",
        " tidak  terbatas ",
        "Tidak terbatas (sampai diakhiri)",
        "tidak ada batas",
        "Tanpa batas waktu",
        "Selamanya",
        "open-ended",
        "Open ended",
        "unlimited",
        "Indefinite",
    ],
)
def test_parse_end_date_reads_open_ended_words(text):
    assert parse_end_date(text) is OPEN_ENDED


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("-", None),
        ("", None),
        (None, None),
        ("21 Juli 2026", D(2026, 7, 21)),
        (datetime.datetime(2026, 7, 21), D(2026, 7, 21)),
    ],
)
def test_parse_end_date_reads_dates_and_blanks(value, expected):
    assert parse_end_date(value) == expected


def test_parse_end_date_refuses_impossible_dates():
    error = _error(parse_end_date, "31 Juni 2024")

    assert error.code == "impossible_date"
    assert "31 Juni 2024" in str(error)


# --- scope, document type, fields ------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Lokal", "local"),
        ("lokal", "local"),
        ("Wilayah", "local"),
        ("Lokal/Wilayah", "local"),
        ("Lokal / Wilayah", "local"),
        ("Wilayah-Lokal", "local"),
        ("Regional", "local"),
        ("NASIONAL", "national"),
        ("nasional", "national"),
        ("National", "national"),
        ("International", "international"),
        ("Internasional", "international"),
        ("internasional", "international"),
        ("Intl", "international"),
        ("Int'l", "international"),
        ("INT'L.", "international"),
        ("Luar Negeri", "international"),
    ],
)
def test_parse_scope_reads_the_spellings(text, expected):
    assert parse_scope(text) == expected


@pytest.mark.parametrize("text", ["Kabupaten", "Nasional Internasional", "Antariksa"])
def test_parse_scope_refuses_unknown_naming_it(text):
    error = _error(parse_scope, text)

    assert error.code == "unknown_scope"
    assert text in str(error)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MoU", "mou"),
        ("MOU", "mou"),
        ("M.o.U.", "mou"),
        ("Nota Kesepahaman", "mou"),
        ("Memorandum of Understanding", "mou"),
        ("MoU (Nota Kesepahaman)", "mou"),
        ("MoA", "moa"),
        ("PKS", "moa"),
        ("Perjanjian Kerja Sama", "moa"),
        ("Perjanjian Kerjasama", "moa"),
        ("Memorandum of Agreement", "moa"),
        ("IA", "ia"),
        ("Implementation Arrangement", "ia"),
        ("implementation arrangement", "ia"),
        ("Adendum", "addendum"),
        ("Addendum", "addendum"),
        ("Amandemen", "addendum"),
        ("Kontrak", "other"),
        ("SPK", "other"),
    ],
)
def test_parse_document_type_reads_the_spellings(text, expected):
    assert parse_document_type(text) == expected


@pytest.mark.parametrize("text", ["Surat Edaran", "MoUA", "Perjanjian"])
def test_parse_document_type_refuses_unknown_naming_it(text):
    error = _error(parse_document_type, text)

    assert error.code == "unknown_document_type"
    assert text in str(error)


@pytest.mark.parametrize("value", [None, "", "  ", "-"])
def test_terms_are_none_when_blank(value):
    assert parse_scope(value) is None
    assert parse_document_type(value) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pendidikan", {"education"}),
        ("Pengajaran", {"education"}),
        ("Penelitian", {"research"}),
        ("Pengabdian kepada Masyarakat", {"community_service"}),
        ("Pengabdian Masyarakat", {"community_service"}),
        ("PkM", {"community_service"}),
        ("PPM", {"community_service"}),
        ("Pendidikan, Penelitian", {"education", "research"}),
        ("Penelitian, Pendidikan", {"education", "research"}),
        ("Pendidikan; Penelitian", {"education", "research"}),
        ("Pendidikan/Penelitian", {"education", "research"}),
        ("pendidikan dan penelitian", {"education", "research"}),
        ("Pendidikan & PkM", {"education", "community_service"}),
        (
            "Pengabdian kepada Masyarakat, Penelitian",
            {"research", "community_service"},
        ),
        ("Pendidikan dan Pengajaran", {"education"}),
        ("Penelitian dan Pengembangan", {"research"}),
        ("Education, Research and Community Service", ALL_FIELDS),
        ("Tridharma", ALL_FIELDS),
        ("Pendidikan, , Penelitian,", {"education", "research"}),
    ],
)
def test_parse_fields_reads_any_order_and_separator(text, expected):
    assert parse_fields(text) == expected


@pytest.mark.parametrize("value", [None, "", "  ", "-"])
def test_parse_fields_is_empty_when_blank(value):
    assert parse_fields(value) == frozenset()


def test_parse_fields_refuses_unknown_part_naming_it():
    error = _error(parse_fields, "Pendidikan, Olahraga")

    assert error.code == "unknown_field"
    assert "Olahraga" in str(error)


# --- columns --------------------------------------------------------------

SAMPLE_HEADERS = [
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


def test_propose_mapping_maps_the_sample_register():
    assert propose_mapping(SAMPLE_HEADERS) == {
        0: "row_no",
        1: "partner_name",
        2: "partner_kind",
        3: "country",
        4: "scope",
        5: "document_type",
        6: "number",
        7: "parent_number",
        8: "title",
        9: "fields",
        10: "unit",
        11: "start",
        12: "end",
        13: "notes",
    }


def test_propose_mapping_ignores_case_spacing_punctuation_and_brackets():
    headers = [
        "NO.",
        "nama  mitra",
        "Lembaga-Mitra",
        "Tgl. Mulai",
        "Berlaku Sampai",
        "Jenis Kerjasama",
        "No. Induk",
        "Catatan",
        "Tanggal Mulai (dd/mm/yyyy)",
        "Kolom Bebas",
        None,
        "",
    ]

    assert propose_mapping(headers) == {
        0: "row_no",
        1: "partner_name",
        3: "start",
        4: "end",
        5: "document_type",
        6: "parent_number",
        7: "notes",
    }


def test_canonical_fields_cover_the_header_vocabulary():
    keys = [key for key, _label in CANONICAL_FIELDS]

    assert set(keys) == set(HEADER_SYNONYMS)
    assert len(keys) == len(set(keys))
    assert set(REQUIRED_FIELDS) <= set(keys)
    assert "number" not in REQUIRED_FIELDS
    assert all(str(label) for _key, label in CANONICAL_FIELDS)
