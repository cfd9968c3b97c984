"""Read the values people type into an agreement register.

An office's register (*daftar kerjasama*) is a spreadsheet kept by hand for
years, so one column holds many spellings of the same thing. This module
turns single cells into the values the system records, and proposes which
column of a register holds which field. It knows nothing of models or the
database; the importer decides what to do with a value or an error.

The domain words met here:

- *tingkat* (scope): whether a cooperation is local/regional (*lokal*,
  *wilayah*), national or international, as the accreditation table asks;
- document types: an MoU (*nota kesepahaman*, a framework between
  institutions), an MoA (*perjanjian kerja sama*, PKS, a concrete agreement
  under an MoU), an IA (*implementation arrangement*, one activity under an
  MoA), an addendum, and others such as contracts;
- *tridharma*: the three duties of an Indonesian higher-education
  institution, education (*pendidikan*), research (*penelitian*) and
  community service (*pengabdian kepada masyarakat*, PkM).

Every parser returns ``None`` (or an empty set) for a blank cell, so that
whether a field is required is decided in one place, by the importer, with
``REQUIRED_FIELDS``. A cell holding only a dash counts as blank: offices
write ``-`` for "nothing to fill in".

Vocabularies are plain module-level data: each maps a canonical value to
the spellings that mean it. Spellings are compared after removing case,
accents, spaces and punctuation, so list each wording once; a spelling that
would mean two things is refused when the module is imported.
"""

import datetime
import enum
import math
import numbers
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from django.utils.translation import gettext_lazy as _

from mitra.core.clock import EARLIEST_DATE, LATEST_DATE

__all__ = [
    "CANONICAL_FIELDS",
    "DOCUMENT_TYPES",
    "EARLIEST_DATE",
    "FIELDS",
    "HEADER_SYNONYMS",
    "LATEST_DATE",
    "MONTHS",
    "OPEN_ENDED",
    "OPEN_ENDED_WORDS",
    "REQUIRED_FIELDS",
    "SCOPES",
    "ParseError",
    "parse_date",
    "parse_document_type",
    "parse_end_date",
    "parse_fields",
    "parse_scope",
    "propose_mapping",
]


class ParseError(ValueError):
    """A value that cannot be read.

    ``code`` is stable and meant for programs; ``message`` is the translated
    text for people, formatted from ``template`` and ``params`` when it is
    read, so the active language at that moment applies. ``params["value"]``
    is the offending value as it was written.
    """

    def __init__(self, code: str, template: Any, params: Mapping[str, Any]):
        super().__init__(code)
        self.code = code
        self.template = template
        self.params = dict(params)

    @property
    def message(self) -> str:
        """Return the translated message with its values filled in."""
        return str(self.template) % self.params

    def __str__(self) -> str:
        return self.message


class _OpenEnded(enum.Enum):
    OPEN_ENDED = "open_ended"

    def __repr__(self) -> str:
        return "OPEN_ENDED"


#: The end of an agreement that runs until one party ends it.
OPEN_ENDED = _OpenEnded.OPEN_ENDED


# --- vocabularies ---------------------------------------------------------

#: Month names and abbreviations, Indonesian (with the older spellings
#: *Pebruari* and *Nopember* still found in letters) and English.
MONTHS: dict[int, tuple[str, ...]] = {
    1: ("Januari", "January", "Jan"),
    2: ("Februari", "Pebruari", "February", "Feb", "Peb"),
    3: ("Maret", "March", "Mar"),
    4: ("April", "Apr"),
    5: ("Mei", "May"),
    6: ("Juni", "June", "Jun"),
    7: ("Juli", "July", "Jul"),
    8: ("Agustus", "August", "Agu", "Agt", "Ags", "Agust", "Aug"),
    9: ("September", "Sep", "Sept"),
    10: ("Oktober", "October", "Okt", "Oct"),
    11: ("November", "Nopember", "Nov", "Nop"),
    12: ("Desember", "December", "Des", "Dec"),
}

#: Day names that may precede a date ("Jumat, 12 Januari 2024"); ignored.
WEEKDAYS: tuple[str, ...] = (
    "Senin",
    "Selasa",
    "Rabu",
    "Kamis",
    "Jumat",
    "Sabtu",
    "Minggu",
    "Ahad",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)

#: Words for an end date that does not exist. A lone dash is deliberately
#: not among them: it means "nothing written", and reading it as
#: open-ended would record an agreement that never expires and is never
#: flagged for renewal without anyone having said so.
OPEN_ENDED_WORDS: tuple[str, ...] = (
    "Tidak terbatas",
    "Tdk terbatas",
    "Tak terbatas",
    "Tanpa batas",
    "Tanpa batas waktu",
    "Tidak ada batas",
    "Tidak ada batas waktu",
    "Tidak ada batasan waktu",
    "Selamanya",
    "Seterusnya",
    "Permanen",
    "Open-ended",
    "Unlimited",
    "Indefinite",
    "Indefinitely",
    "No end date",
    "No expiry",
    "Permanent",
)

#: Scope (*tingkat*). The first spelling of each is the one shown to people.
#: *Wilayah* and *regional* mean a region of Indonesia, as in the
#: accreditation table's "Wilayah/Lokal" column.
SCOPES: dict[str, tuple[str, ...]] = {
    "local": (
        "Lokal",
        "Wilayah",
        "Lokal/Wilayah",
        "Wilayah/Lokal",
        "Regional",
        "Lokal/Regional",
        "Daerah",
        "Local",
        "Local/Regional",
    ),
    "national": ("Nasional", "National"),
    "international": (
        "Internasional",
        "International",
        "Int'l",
        "Luar Negeri",
        "Mancanegara",
    ),
}

#: Document types. The first spelling of each is the one shown to people.
DOCUMENT_TYPES: dict[str, tuple[str, ...]] = {
    "mou": (
        "MoU",
        "Nota Kesepahaman",
        "Memorandum of Understanding",
        "Kesepakatan Bersama",
    ),
    "moa": (
        "MoA",
        "PKS",
        "Perjanjian Kerja Sama",
        "Memorandum of Agreement",
        "Cooperation Agreement",
    ),
    "ia": (
        "IA",
        "Implementation Arrangement",
        "Implementing Arrangement",
        "Implementation Agreement",
        "Pengaturan Pelaksanaan",
    ),
    "addendum": ("Adendum", "Addendum", "Amandemen", "Amendment"),
    "other": (
        "Kontrak",
        "Contract",
        "SPK",
        "Surat Perintah Kerja",
        "LoI",
        "Letter of Intent",
        "Lainnya",
        "Lain-lain",
        "Other",
    ),
}

#: Tridharma fields, each spelling mapping to one field or more. *Tridharma*
#: alone names all three. The first spelling of each single field is the
#: one shown to people.
FIELDS: dict[frozenset[str], tuple[str, ...]] = {
    frozenset({"education"}): (
        "Pendidikan",
        "Pengajaran",
        "Pembelajaran",
        "Education",
        "Teaching",
    ),
    frozenset({"research"}): (
        "Penelitian",
        "Riset",
        "Penelitian dan Pengembangan",
        "Litbang",
        "Research",
        "Research and Development",
    ),
    frozenset({"community_service"}): (
        "Pengabdian kepada Masyarakat",
        "Pengabdian pada Masyarakat",
        "Pengabdian Masyarakat",
        "Pengabdian",
        "Abdimas",
        "PkM",
        "PPM",
        "P2M",
        "Community Service",
        "Community Engagement",
    ),
    frozenset({"education", "research", "community_service"}): (
        "Tridharma",
        "Tri Dharma",
        "Tridharma Perguruan Tinggi",
    ),
}

#: The fields a register column can be mapped to, in display order.
CANONICAL_FIELDS: list[tuple[str, Any]] = [
    ("row_no", _("Row number")),
    ("partner_name", _("Partner name")),
    ("partner_kind", _("Partner kind")),
    ("country", _("Country")),
    ("scope", _("Scope")),
    ("document_type", _("Document type")),
    ("number", _("Document number")),
    ("parent_number", _("Parent document number")),
    ("title", _("Title")),
    ("fields", _("Tridharma fields")),
    ("unit", _("Proposing unit")),
    ("start", _("Start date")),
    ("end", _("End date")),
    ("notes", _("Notes")),
]

#: Fields without which a row cannot be imported. The document number is not
#: among them: old registers hold documents that were never numbered, and
#: the importer can still record them (and compare them for duplicates by
#: partner, type and dates).
REQUIRED_FIELDS: tuple[str, ...] = ("partner_name", "document_type", "start")

#: Column headings met in registers, by canonical field. Headings are
#: compared after normalisation and after dropping a bracketed part, so
#: "Tanggal Mulai (dd/mm/yyyy)" matches "Tanggal Mulai".
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "row_no": ("No", "No Urut", "Nomor Urut", "Row"),
    "partner_name": (
        "Nama Mitra",
        "Mitra",
        "Mitra Kerja Sama",
        "Nama Mitra Kerja Sama",
        "Partner",
        "Partner Name",
        "Nama Instansi",
        "Instansi",
        "Instansi Mitra",
        "Nama Institusi",
        "Institusi Mitra",
        "Lembaga Mitra",
        "Nama Lembaga",
        "Nama Lembaga Mitra",
        "Nama Perusahaan",
    ),
    "partner_kind": (
        "Jenis Mitra",
        "Kategori Mitra",
        "Tipe Mitra",
        "Jenis Instansi",
        "Partner Kind",
        "Partner Type",
        "Partner Category",
    ),
    "country": ("Negara", "Negara Mitra", "Asal Negara", "Country"),
    "scope": (
        "Tingkat",
        "Tingkatan",
        "Tingkat Kerja Sama",
        "Lingkup",
        "Lingkup Kerja Sama",
        "Scope",
        "Level",
    ),
    "document_type": (
        "Jenis Dokumen",
        "Jenis Kerja Sama",
        "Jenis Perjanjian",
        "Bentuk Dokumen",
        "Tipe Dokumen",
        "Document Type",
        "Type of Document",
    ),
    "number": (
        "Nomor Dokumen",
        "No. Dokumen",
        "Nomor",
        "Nomor Surat",
        "No. Surat",
        "Nomor Perjanjian",
        "No. Perjanjian",
        "Document Number",
        "Number",
    ),
    "parent_number": (
        "Nomor Dokumen Induk",
        "No. Dokumen Induk",
        "Nomor Induk",
        "No. Induk",
        "Dokumen Induk",
        "Parent Number",
        "Parent Document",
        "Parent Document Number",
    ),
    "title": (
        "Tentang",
        "Judul",
        "Perihal",
        "Judul Kerja Sama",
        "Judul Kegiatan",
        "Judul Kegiatan Kerja Sama",
        "Title",
        "Subject",
    ),
    "fields": (
        "Bidang",
        "Bidang Tridharma",
        "Bidang Kerja Sama",
        "Tridharma",
        "Fields",
        "Tridharma Fields",
    ),
    "unit": (
        "Unit Pengusul",
        "Unit",
        "Unit Kerja",
        "Unit Pelaksana",
        "Pelaksana",
        "Prodi",
        "Program Studi",
        "Jurusan",
        "Fakultas",
        "Pengusul",
        "Proposing Unit",
    ),
    "start": (
        "Tanggal Mulai",
        "Mulai",
        "Tgl Mulai",
        "Tanggal Awal",
        "Tanggal Mulai Berlaku",
        "Mulai Berlaku",
        "Berlaku Mulai",
        "Start",
        "Start Date",
    ),
    "end": (
        "Tanggal Berakhir",
        "Berakhir",
        "Tgl Berakhir",
        "Tanggal Akhir",
        "Tanggal Selesai",
        "Berlaku Sampai",
        "Berlaku Hingga",
        "Masa Berlaku Sampai",
        "End",
        "End Date",
        "Expiry Date",
    ),
    "notes": (
        "Keterangan",
        "Ket.",
        "Catatan",
        "Notes",
        "Note",
        "Remarks",
    ),
}


# Two-digit years follow the POSIX convention: 69-99 are 1969-1999,
# 00-68 are 2000-2068.
_TWO_DIGIT_YEAR_PIVOT = 69

# Excel counts days from 1899-12-30 once past its fictitious 29 Feb 1900.
_EXCEL_EPOCH = datetime.date(1899, 12, 30)


# --- normalisation --------------------------------------------------------

_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_DASHES_ONLY = re.compile(r"[\s\-\u2010-\u2015]*")
_MAX_SHOWN = 80


def _key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isascii() and ch.isalnum())


def _build_lookup(vocabulary: Mapping[Any, Iterable[str]]) -> dict[str, Any]:
    lookup: dict[str, Any] = {}
    for canonical, spellings in vocabulary.items():
        for spelling in spellings:
            key = _key(spelling)
            if not key:
                raise ValueError(f"Spelling {spelling!r} has no letters or digits")
            if lookup.get(key, canonical) != canonical:
                raise ValueError(
                    f"Spelling {spelling!r} means both {lookup[key]!r} "
                    f"and {canonical!r}"
                )
            lookup[key] = canonical
    return lookup


def _look_up(lookup: Mapping[str, Any], text: str) -> Any:
    found = lookup.get(_key(text))
    if found is None:
        unbracketed = _BRACKETED.sub(" ", text)
        if unbracketed != text:
            found = lookup.get(_key(unbracketed))
    return found


def _is_blank(value: Any) -> bool:
    if value is None:
        return True
    return isinstance(value, str) and _DASHES_ONLY.fullmatch(value) is not None


def _shown(value: Any) -> str:
    text = " ".join(str(value).split())
    if len(text) > _MAX_SHOWN:
        text = text[: _MAX_SHOWN - 1] + "\u2026"
    return text


def _accepted(vocabulary: Mapping[Any, Sequence[str]]) -> str:
    return ", ".join(spellings[0] for spellings in vocabulary.values())


_MONTH_LOOKUP = _build_lookup(MONTHS)
_WEEKDAY_KEYS = frozenset(_key(day) for day in WEEKDAYS)
_OPEN_ENDED_LOOKUP = _build_lookup({OPEN_ENDED: OPEN_ENDED_WORDS})
_SCOPE_LOOKUP = _build_lookup(SCOPES)
_DOCUMENT_TYPE_LOOKUP = _build_lookup(DOCUMENT_TYPES)
_FIELD_LOOKUP = _build_lookup(FIELDS)
_HEADER_LOOKUP = _build_lookup(HEADER_SYNONYMS)


# --- dates ----------------------------------------------------------------

_TIME = r"(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_ISO = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})" + _TIME, re.ASCII)
_NUMERIC_DAY_FIRST = re.compile(
    r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})" + _TIME, re.ASCII
)
_ORDINAL = r"(?:st|nd|rd|th)?"
_DAY_MONTH_YEAR = re.compile(
    r"(\d{1,2})" + _ORDINAL + r"[ ./-]*([a-z]+)\.?[ ,./'-]*(\d{4}|\d{2})",
    re.ASCII,
)
_MONTH_DAY_YEAR = re.compile(
    r"([a-z]+)\.?[ ./-]*(\d{1,2})" + _ORDINAL + r"[ ,./'-]+(\d{4}|\d{2})",
    re.ASCII,
)
_SERIAL_TEXT = re.compile(r"\d{1,7}(?:\.\d+)?", re.ASCII)
_LEADING_WORD = re.compile(r"([a-z']+),? ?(?=\d)", re.ASCII)
_SPACED_SEPARATOR = re.compile(r" ?([-/.,]) ?")

_NOT_A_DATE = _(
    "Not a date: %(value)s (write it as 12 Januari 2024, 12/01/2024 or 2024-01-12)"
)
_IMPOSSIBLE_DATE = _("Impossible date: %(value)s")
_MONTH_FIRST_DATE = _(
    "Impossible date: %(value)s (numeric dates are read day first, so "
    "12/01/2024 is 12 January 2024)"
)
_UNKNOWN_MONTH = _("Unknown month name in the date %(value)s")
_DATE_OUT_OF_RANGE = _(
    "Date out of range: %(value)s (expected a year from %(earliest)s to %(latest)s)"
)


def parse_date(value: Any) -> datetime.date | None:
    """Return the date a register cell holds, or ``None`` if it is blank.

    Accept date and datetime objects (a datetime's time is dropped: these
    are calendar dates, never shifted by a time zone), Excel serial numbers,
    and text such as ``12 Januari 2024``, ``12 Jan. 24``, ``January 12,
    2024``, ``2024-01-12``, ``2024-01-12 00:00:00``, ``12/01/2024``,
    ``12-01-2024`` and ``12.01.2024``. Numeric dates are always day first:
    ``01/13/2024`` is refused, never read as 13 January. Raise
    ``ParseError`` for anything else, for impossible dates such as
    ``31 Juni 2024``, and for dates outside ``EARLIEST_DATE`` to
    ``LATEST_DATE``.
    """
    if _is_blank(value):
        return None

    if isinstance(value, datetime.datetime):
        return _in_range(value.date(), value)

    if isinstance(value, datetime.date):
        return _in_range(value, value)

    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return _from_excel_serial(float(value), value)

    if not isinstance(value, str):
        raise ParseError("not_a_date", _NOT_A_DATE, {"value": _shown(value)})

    return _parse_date_text(value)


def _parse_date_text(value: str) -> datetime.date:
    text = _SPACED_SEPARATOR.sub(r"\1", " ".join(value.casefold().split()))
    weekday = _LEADING_WORD.match(text)
    if weekday and _key(weekday.group(1)) in _WEEKDAY_KEYS:
        text = text[weekday.end() :]

    if match := _ISO.fullmatch(text):
        year, _sep, month, day = match.groups()
        return _make_date(int(year), int(month), int(day), value)

    if match := _NUMERIC_DAY_FIRST.fullmatch(text):
        day, _sep, month, year = match.groups()
        if int(month) > 12 and int(day) <= 12:
            raise ParseError(
                "impossible_date", _MONTH_FIRST_DATE, {"value": _shown(value)}
            )
        return _make_date(_full_year(year), int(month), int(day), value)

    if match := _DAY_MONTH_YEAR.fullmatch(text):
        day, month_name, year = match.groups()
        month = _month(month_name, value)
        return _make_date(_full_year(year), month, int(day), value)

    if match := _MONTH_DAY_YEAR.fullmatch(text):
        month_name, day, year = match.groups()
        month = _month(month_name, value)
        return _make_date(_full_year(year), month, int(day), value)

    if _SERIAL_TEXT.fullmatch(text):
        # A date column formatted as "General" shows Excel's day count.
        return _from_excel_serial(float(text), value)

    raise ParseError("not_a_date", _NOT_A_DATE, {"value": _shown(value)})


def _month(name: str, value: str) -> int:
    month = _MONTH_LOOKUP.get(_key(name))
    if month is None:
        raise ParseError("unknown_month", _UNKNOWN_MONTH, {"value": _shown(value)})
    return month


def _full_year(digits: str) -> int:
    year = int(digits)
    if len(digits) == 2:
        year += 1900 if year >= _TWO_DIGIT_YEAR_PIVOT else 2000
    return year


def _make_date(year: int, month: int, day: int, value: Any) -> datetime.date:
    try:
        result = datetime.date(year, month, day)
    except ValueError:
        raise ParseError(
            "impossible_date", _IMPOSSIBLE_DATE, {"value": _shown(value)}
        ) from None
    return _in_range(result, value)


def _in_range(result: datetime.date, value: Any) -> datetime.date:
    if not EARLIEST_DATE <= result <= LATEST_DATE:
        raise ParseError(
            "out_of_range",
            _DATE_OUT_OF_RANGE,
            {
                "value": _shown(value),
                "earliest": EARLIEST_DATE.year,
                "latest": LATEST_DATE.year,
            },
        )
    return result


_EARLIEST_SERIAL = (EARLIEST_DATE - _EXCEL_EPOCH).days
_LATEST_SERIAL = (LATEST_DATE - _EXCEL_EPOCH).days


def _from_excel_serial(serial: float, value: Any) -> datetime.date:
    # A number outside the plausible window is some other figure typed into
    # a date column (a row number, a year), not a date out of range.
    if not math.isfinite(serial) or not (
        _EARLIEST_SERIAL <= serial < _LATEST_SERIAL + 1
    ):
        raise ParseError("not_a_date", _NOT_A_DATE, {"value": _shown(value)})
    return _EXCEL_EPOCH + datetime.timedelta(days=math.floor(serial))


def parse_end_date(
    value: Any,
) -> datetime.date | Literal[_OpenEnded.OPEN_ENDED] | None:
    """Return an end date, ``OPEN_ENDED``, or ``None`` if the cell is blank.

    Read dates as ``parse_date`` does, and the words of ``OPEN_ENDED_WORDS``
    (``Tidak terbatas``, ``selamanya``, ``unlimited``, …) as ``OPEN_ENDED``.
    A lone dash is blank, not open-ended (see ``OPEN_ENDED_WORDS``).
    """
    if isinstance(value, str) and _look_up(_OPEN_ENDED_LOOKUP, value):
        return OPEN_ENDED
    return parse_date(value)


# --- terms ----------------------------------------------------------------

_UNKNOWN_SCOPE = _("Unknown scope: %(value)s (expected one of %(accepted)s)")
_UNKNOWN_DOCUMENT_TYPE = _(
    "Unknown document type: %(value)s (expected one of %(accepted)s)"
)
_UNKNOWN_FIELD = _(
    "Unknown tridharma field %(part)s in %(value)s (expected %(accepted)s)"
)


def parse_scope(value: Any) -> str | None:
    """Return ``"local"``, ``"national"`` or ``"international"``.

    Accept the spellings of ``SCOPES`` in any case, spacing or punctuation
    (``Lokal/Wilayah``, ``NASIONAL``, ``Int'l``, …). Return ``None`` for a
    blank cell and raise ``ParseError`` for anything else.
    """
    return _parse_term(value, _SCOPE_LOOKUP, SCOPES, "unknown_scope", _UNKNOWN_SCOPE)


def parse_document_type(value: Any) -> str | None:
    """Return ``"mou"``, ``"moa"``, ``"ia"``, ``"addendum"`` or ``"other"``.

    Accept the spellings of ``DOCUMENT_TYPES`` in any case, spacing or
    punctuation (``MOU``, ``Nota Kesepahaman``, ``PKS``, ``Perjanjian
    Kerjasama``, ``Adendum``, ``SPK``, …). Return ``None`` for a blank cell
    and raise ``ParseError`` for anything else.
    """
    return _parse_term(
        value,
        _DOCUMENT_TYPE_LOOKUP,
        DOCUMENT_TYPES,
        "unknown_document_type",
        _UNKNOWN_DOCUMENT_TYPE,
    )


def _parse_term(
    value: Any,
    lookup: Mapping[str, str],
    vocabulary: Mapping[str, Sequence[str]],
    code: str,
    template: Any,
) -> str | None:
    if _is_blank(value):
        return None

    found = _look_up(lookup, str(value))
    if found is None:
        raise ParseError(
            code,
            template,
            {"value": _shown(value), "accepted": _accepted(vocabulary)},
        )
    return found


_FIELD_SEPARATORS = re.compile(r"[,;/&+\n]")
_FIELD_CONJUNCTIONS = re.compile(r"\s(?:dan|and|serta)\s", re.IGNORECASE)


def parse_fields(value: Any) -> frozenset[str]:
    """Return the tridharma fields named in a cell, as a set.

    The result holds ``"education"``, ``"research"`` and
    ``"community_service"``. Parts are separated by commas, semicolons,
    slashes, ``&`` or the words ``dan``/``and``, in any order and case, and
    are read with ``FIELDS`` (``Pendidikan``, ``Penelitian``,
    ``Pengabdian kepada Masyarakat``, ``PkM``, ``Research``, …). Return an
    empty set for a blank cell; raise ``ParseError`` naming the first part
    that is not a field.
    """
    if _is_blank(value):
        return frozenset()

    text = str(value)
    whole = _look_up(_FIELD_LOOKUP, text)
    if whole is not None:
        return whole

    found: set[str] = set()
    for part in _FIELD_SEPARATORS.split(text):
        if _is_blank(part):
            continue
        found |= _field_part(part, text)
    return frozenset(found)


def _field_part(part: str, text: str) -> frozenset[str]:
    # Try the part whole first: some fields ("Penelitian dan Pengembangan")
    # contain a conjunction that elsewhere separates two fields.
    whole = _look_up(_FIELD_LOOKUP, part)
    if whole is not None:
        return whole

    found: set[str] = set()
    for piece in _FIELD_CONJUNCTIONS.split(f" {part} "):
        if _is_blank(piece):
            continue
        fields = _look_up(_FIELD_LOOKUP, piece)
        if fields is None:
            raise ParseError(
                "unknown_field",
                _UNKNOWN_FIELD,
                {
                    "part": _shown(piece),
                    "value": _shown(text),
                    "accepted": _accepted(
                        {k: v for k, v in FIELDS.items() if len(k) == 1}
                    ),
                },
            )
        found |= fields
    return frozenset(found)


# --- columns --------------------------------------------------------------


def propose_mapping(headers: Sequence[str | None]) -> dict[int, str]:
    """Propose which column holds which field, from the column headings.

    Return a mapping from the column's index in ``headers`` to a key of
    ``CANONICAL_FIELDS``, for the headings found in ``HEADER_SYNONYMS``
    (compared without case, spaces or punctuation, and ignoring a bracketed
    part). Each field is given to its leftmost column only; columns that
    match nothing are left out. The result is a proposal for a person to
    confirm.
    """
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        if header is None:
            continue
        field = _look_up(_HEADER_LOOKUP, str(header))
        if field is None or field in taken:
            continue
        mapping[index] = field
        taken.add(field)
    return mapping
