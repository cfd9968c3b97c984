"""The accreditation table of cooperation, "Kerjasama Tridharma".

BAN-PT's programme instrument (IAPS 4.0, its *LKPS* — the programme's
performance report) asks in table 1 for the cooperation of the study
programme being accredited (*PS*) over the last three years, TS-2 to TS,
in three sub-tables: 1-1 education, 1-2 research, 1-3 community service.
Discipline boards (*LAM*) ask for the same core, sometimes with extra
columns; those are chosen per table (`EXTRA_COLUMNS`).

Which agreements are the programme's: those with the programme among their
units, those with an activity for it (the activity's unit, or participants
counted for it), and those of its jurusan (the department above it), which
cover all its programmes — marked "via the department". An agreement is
listed when it was in force at some time from 1 January of TS-2 to
31 December of TS. It goes in the sub-table of each tridharma field it
serves (its own fields, else those of its cooperation types, else those of
its activities' forms); one with none is listed apart for the office to
complete.

The headings are the instrument's own, in Indonesian, whatever the language
of the page.
"""

import dataclasses
import io

from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from mitra.agreements.models import Activity, Agreement, Status
from mitra.core.exports import neutralise
from mitra.core.fields import Scope, Tridharma
from mitra.core.models import UnitKind
from mitra.documents.printed_forms import duration_text
from mitra.reports.indicators import (
    activities_overlapping,
    agreement_label,
    in_force_between,
    year_bounds,
)

SUBTABLES = [
    ("1-1", Tridharma.EDUCATION, "Pendidikan"),
    ("1-2", Tridharma.RESEARCH, "Penelitian"),
    ("1-3", Tridharma.COMMUNITY_SERVICE, "Pengabdian kepada Masyarakat"),
]
TINGKAT = [
    (Scope.INTERNATIONAL, "Internasional"),
    (Scope.NATIONAL, "Nasional"),
    (Scope.LOCAL, "Wilayah/Lokal"),
]
HEADINGS = {
    "no": "No",
    "partner": "Lembaga Mitra",
    "level": "Tingkat",
    "title": "Judul Kegiatan Kerjasama",
    "benefit": "Manfaat bagi PS yang Diakreditasi",
    "period": "Waktu dan Durasi",
    "evidence": "Bukti Kerjasama",
    "end_year": "Tahun Berakhirnya Kerjasama (YYYY)",
}
EXTRA_COLUMNS = {
    "relevance": "Relevansi dengan Visi dan Bidang PS",
    "satisfaction": "Kepuasan Mitra Diukur",
    "follow_up": "Tindak Lanjut Hasil Evaluasi",
}
TICK = "√"
EN_DASH = "\u2013"


@dataclasses.dataclass
class LkpsRow:
    number: int
    agreement: Agreement
    partner: str
    scope: str
    title: str
    activities: list
    benefit: str
    period: str
    evidence: str
    evidence_url: str
    end_year: str
    via_department: bool
    extras: list
    has_signed_file: bool = True

    def ticks(self):
        return [TICK if self.scope == value else "" for value, _label in TINGKAT]

    @property
    def department_note(self):
        """The marker of an agreement listed through the programme's
        jurusan, on screen and in the workbook."""
        return _("via the department") if self.via_department else ""

    @property
    def evidence_note(self):
        """What the evidence cell says when there is no signed document to
        link to (the link then goes to the agreement's page)."""
        return "" if self.has_signed_file else _("no signed document on file")


@dataclasses.dataclass
class LkpsTable:
    code: str
    field: str
    name: str
    rows: list


@dataclasses.dataclass
class LkpsResult:
    programme: object
    ts: int
    tables: list
    unclassified: list
    extra_columns: list

    @property
    def years(self):
        return [self.ts - 2, self.ts - 1, self.ts]

    @property
    def extra_headings(self):
        return [EXTRA_COLUMNS[key] for key in self.extra_columns]

    @property
    def is_empty(self):
        return not any(table.rows for table in self.tables) and not self.unclassified


def _relevant_activities(programme, department_id, first, last):
    """Activities in the window that concern the programme (or nobody in
    particular, or its whole department)."""
    own_units = [programme.pk] + ([department_id] if department_id else [])
    return (
        Activity.objects.filter(activities_overlapping(first, last))
        .filter(
            Q(unit__isnull=True)
            | Q(unit_id__in=own_units)
            | Q(participations__unit=programme)
        )
        .distinct()
        .select_related("form")
        .order_by("start_date", "pk")
    )


def programme_agreements(programme, *, ts, user):
    """The agreements of `programme` in force at some time in TS-2..TS."""
    first, last = year_bounds(ts - 2)[0], year_bounds(ts)[1]
    parent = programme.parent
    department_id = parent.pk if parent and parent.kind == UnitKind.JURUSAN else None
    for_programme = Activity.objects.filter(
        Q(unit=programme) | Q(participations__unit=programme)
    )
    links = Q(units=programme) | Q(activities__in=for_programme)
    if department_id:
        links |= Q(units=department_id)
    agreements = in_force_between(Agreement.objects.for_user(user), first, last)
    matching = Agreement.objects.filter(links).values("pk")
    return (
        agreements.filter(pk__in=matching)
        .select_related("partner", "vision_relevance")
        .prefetch_related(
            "units",
            "cooperation_types",
            Prefetch(
                "activities",
                queryset=_relevant_activities(programme, department_id, first, last),
                to_attr="window_activities",
            ),
        )
        .order_by("partner__name", "start_date", "pk")
    ), department_id


def _fields_of(agreement):
    fields = agreement.fields
    if not fields:
        for cooperation_type in agreement.cooperation_types.all():
            fields |= cooperation_type.fields
    if not fields:
        for activity in agreement.window_activities:
            if activity.form:
                fields |= activity.form.fields
    return fields


def _end(agreement):
    ends = [agreement.end_date]
    if agreement.status == Status.TERMINATED and agreement.terminated_on:
        ends.append(agreement.terminated_on)
    ends = [each for each in ends if each]
    return min(ends) if ends else None


def _period(agreement):
    start, end = agreement.start_date or agreement.signed_on, _end(agreement)
    shown_start = date_format(start, "DATE_FORMAT") if start else "…"
    if end is None:
        return f"{shown_start} {EN_DASH} {_('open-ended')}"
    text = f"{shown_start} {EN_DASH} {date_format(end, 'DATE_FORMAT')}"
    duration = duration_text(start, end) if start else ""
    return f"{text} ({duration})" if duration else text


def _join_unique(values):
    seen = []
    for value in values:
        value = " ".join(str(value or "").split())
        if value and value not in seen:
            seen.append(value)
    return "; ".join(seen)


class _Extras:
    """Values of the optional columns, each looked up once per table."""

    def __init__(self, columns, ts):
        self.columns = columns
        self.ts = ts
        self._satisfaction = {}
        self._follow_up = None

    def values(self, agreement):
        return [getattr(self, key)(agreement) for key in self.columns]

    def relevance(self, agreement):
        try:
            return agreement.vision_relevance.note
        except Agreement.vision_relevance.RelatedObjectDoesNotExist:
            return ""

    def satisfaction(self, agreement):
        partner = agreement.partner
        if partner.pk not in self._satisfaction:
            try:
                from mitra.surveys.results import display
                from mitra.surveys.selectors import partner_satisfaction
            except ImportError:
                self._satisfaction[partner.pk] = "—"
            else:
                index = partner_satisfaction(partner)
                # Rounded half up to 2 places as the surveys pages show it.
                self._satisfaction[partner.pk] = (
                    _("Yes (index %(index)s)")
                    % {"index": number_format(display(index), 2)}
                    if index is not None
                    else _("No")
                )
        return self._satisfaction[partner.pk]

    def follow_up(self, agreement):
        if self._follow_up is None:
            try:
                from mitra.reports.evaluation import follow_up_plan
            except ImportError:
                self._follow_up = "—"
            else:
                self._follow_up = follow_up_plan(self.ts) or "—"
        return self._follow_up


def lkps_table(*, programme, ts, user, extra_columns=()):
    """Return the LkpsResult of `programme` for the years TS-2..TS."""
    extra_columns = [key for key in EXTRA_COLUMNS if key in set(extra_columns)]
    agreements, department_id = programme_agreements(programme, ts=ts, user=user)
    extras = _Extras(extra_columns, ts)
    tables = [LkpsTable(code, field, name, []) for code, field, name in SUBTABLES]
    unclassified = []
    for agreement in agreements:
        fields = _fields_of(agreement)
        if not fields:
            unclassified.append(agreement)
            continue
        unit_ids = {unit.pk for unit in agreement.units.all()}
        direct = programme.pk in unit_ids or any(
            activity.unit_id == programme.pk for activity in agreement.window_activities
        )
        via_department = not direct and department_id in unit_ids
        end = _end(agreement)
        for table in tables:
            if table.field not in fields:
                continue
            activities = [
                activity
                for activity in agreement.window_activities
                if activity.form is None or table.field in activity.form.fields
            ]
            table.rows.append(
                LkpsRow(
                    number=len(table.rows) + 1,
                    agreement=agreement,
                    partner=agreement.partner.name,
                    scope=agreement.effective_scope,
                    title=agreement.title,
                    activities=activities,
                    benefit=_join_unique(activity.benefit for activity in activities),
                    period=_period(agreement),
                    evidence=(
                        f"{agreement.get_document_type_display()} "
                        f"{agreement_label(agreement)}"
                    ),
                    evidence_url=reverse("agreements:signed_file", args=[agreement.pk])
                    if agreement.signed_file
                    else agreement.get_absolute_url(),
                    end_year=str(end.year) if end else "-",
                    via_department=via_department,
                    extras=extras.values(agreement),
                    has_signed_file=bool(agreement.signed_file),
                )
            )
    return LkpsResult(programme, ts, tables, unclassified, extra_columns)


# --- The workbook ------------------------------------------------------------

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="top", wrap_text=True)
WIDTHS = [5, 30, 8, 8, 8, 40, 40, 26, 26, 14]


def _title_text(row):
    lines = [
        f"{row.title} ({row.department_note})" if row.via_department else row.title
    ]
    if row.activities:
        titles = "; ".join(activity.title for activity in row.activities)
        lines.append(_("Activities: %(titles)s") % {"titles": titles})
    return "\n".join(lines)


def _evidence_text(row):
    if row.has_signed_file:
        return row.evidence
    return f"{row.evidence}\n({row.evidence_note})"


def lkps_workbook(result, *, absolute_url):
    """Return the XLSX bytes of `result`, one sheet per sub-table, laid out
    as BAN-PT's template: merged two-row headings, the "Tingkat" heading over
    its three tick columns, and a row numbering the columns.

    `absolute_url(path)` turns a link into an address the file can carry.
    """
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in result.tables:
        sheet = workbook.create_sheet(table.code)
        _write_sheet(sheet, result, table, absolute_url)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_sheet(sheet, result, table, absolute_url):
    extra = result.extra_headings
    last_column = 10 + len(extra)
    sheet.cell(1, 1, f"Tabel {table.code} Kerjasama {table.name}").font = Font(
        bold=True, size=12
    )
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last_column)
    programme = result.programme
    subtitle = f"{programme.name}"
    if programme.level:
        subtitle += f" ({programme.level})"
    subtitle += f" — TS-2 {result.ts - 2}, TS-1 {result.ts - 1}, TS {result.ts}"
    sheet.cell(2, 1, neutralise(subtitle))
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last_column)

    top, second, numbers = 4, 5, 6
    single = [
        (1, HEADINGS["no"]),
        (2, HEADINGS["partner"]),
        (6, HEADINGS["title"]),
        (7, HEADINGS["benefit"]),
        (8, HEADINGS["period"]),
        (9, HEADINGS["evidence"]),
        (10, HEADINGS["end_year"]),
        *[(11 + index, heading) for index, heading in enumerate(extra)],
    ]
    for column, heading in single:
        sheet.cell(top, column, heading)
        sheet.merge_cells(
            start_row=top, start_column=column, end_row=second, end_column=column
        )
    sheet.cell(top, 3, HEADINGS["level"])
    sheet.merge_cells(start_row=top, start_column=3, end_row=top, end_column=5)
    for offset, (_value, label) in enumerate(TINGKAT):
        sheet.cell(second, 3 + offset, label)
    for column in range(1, last_column + 1):
        sheet.cell(numbers, column, f"({column})")
        for row in (top, second, numbers):
            cell = sheet.cell(row, column)
            cell.font = Font(bold=True)
            cell.alignment = CENTRE
            cell.border = BOX

    for index, row in enumerate(table.rows):
        line = numbers + 1 + index
        values = [
            row.number,
            row.partner,
            *row.ticks(),
            _title_text(row),
            row.benefit,
            row.period,
            _evidence_text(row),
            row.end_year,
            *row.extras,
        ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(line, column, neutralise(value))
            cell.border = BOX
            cell.alignment = CENTRE if column in (1, 3, 4, 5, 10) else WRAP
        sheet.cell(line, 9).hyperlink = absolute_url(row.evidence_url)
        sheet.cell(line, 9).font = Font(color="0563C1", underline="single")

    for column in range(1, last_column + 1):
        width = WIDTHS[column - 1] if column <= len(WIDTHS) else 30
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(numbers + 1, 1)
    sheet.print_title_rows = f"{top}:{numbers}"
    sheet.page_setup.orientation = "landscape"
