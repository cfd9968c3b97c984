"""Pages of monitoring rounds, entries, the recap and dormant agreements.

Views stay thin: records are found through the permission gate, changes go
through `mitra.monitoring.services`, reads through `selectors`.
"""

import datetime
import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.http import require_http_methods, require_POST
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from mitra.core.clock import today
from mitra.core.daily import is_overdue
from mitra.core.exports import XLSX_TYPE, neutralise
from mitra.core.files import attachment_response
from mitra.core.history import history_entries
from mitra.core.permissions import Action, can, get_for_user_or_404, reads_all, require
from mitra.monitoring import selectors, services
from mitra.monitoring.forms import (
    EntryForm,
    EvidenceForm,
    EvidenceFormSet,
    RoundForm,
    RoundOpenForm,
    add_service_errors,
)
from mitra.monitoring.models import (
    MonitoringEntry,
    MonitoringEvidence,
    MonitoringRound,
    RoundStatus,
)
from mitra.monitoring.overview import overdue_overview

# --- The start page ---------------------------------------------------------


def index(request):
    """Rounds (for the office and readers) and the entries the viewer owes."""
    user, on = request.user, today()
    rounds = []
    if can(user, Action.VIEW, MonitoringRound):
        rounds = list(
            MonitoringRound.objects.for_user(user)
            .annotate(
                entry_count=Count("entries"),
                submitted_count=Count(
                    "entries", filter=Q(entries__submitted_at__isnull=False)
                ),
            )
            .order_by("-reference_date", "-pk")
        )
        for item in rounds:
            item.percent = selectors.percent(item.submitted_count, item.entry_count)
            item.overdue = item.is_open and is_overdue(item.due_date, on)
    show_all = request.GET.get("all") == "1"
    mine = _my_entries(user)
    if not show_all:
        mine = mine.filter(round__status=RoundStatus.OPEN)
    mine = list(mine.order_by("round__due_date", "agreement__number", "pk"))
    for entry in mine:
        entry.overdue = (
            entry.round.is_open
            and not entry.is_submitted
            and is_overdue(entry.round.due_date, on)
        )
    return render(
        request,
        "monitoring/index.html",
        {
            "rounds": rounds,
            "can_view_rounds": can(user, Action.VIEW, MonitoringRound),
            "can_open": can(user, Action.ADD, MonitoringRound),
            "entries": mine,
            "show_all": show_all,
            "today": on,
        },
    )


def _my_entries(user):
    """The entries the viewer answers for: assigned, or of their units."""
    entries = MonitoringEntry.objects.for_user(user)
    if reads_all(user):
        # Readers of everything see every entry; "theirs" are those assigned.
        entries = entries.filter(assignees=user)
    return entries.select_related("round", "agreement__partner")


# --- Rounds -------------------------------------------------------------------


class RoundOpenView(View):
    template_name = "monitoring/round_open.html"

    def get(self, request):
        require(request.user, Action.ADD, MonitoringRound)
        return self.show(RoundOpenForm())

    def post(self, request):
        require(request.user, Action.ADD, MonitoringRound)
        form = RoundOpenForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                monitoring_round = services.round_open(
                    by=request.user,
                    period_kind=data["period_kind"],
                    year=data["year"],
                    due_date=data["due_date"],
                    title=data["title"],
                    reference_date=data["reference_date"],
                    notes=data["notes"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                count = monitoring_round.entries.count()
                messages.success(
                    request,
                    _("The round was opened with %(count)s entries.")
                    % {"count": count},
                )
                _warn_unassigned(request, monitoring_round)
                return redirect(monitoring_round)
        return self.show(form, status=400)

    def show(self, form, status=200):
        return render(self.request, self.template_name, {"form": form}, status=status)


def _warn_unassigned(request, monitoring_round):
    """Name the entries nobody will be reminded of, for the office to act on."""
    entries = list(selectors.unassigned_entries(monitoring_round))
    if not entries:
        return
    listed = "; ".join(
        "{} {} — {}".format(
            entry.agreement.get_document_type_display(),
            entry.agreement.number or _("(no number)"),
            entry.agreement.partner.name,
        )
        for entry in entries
    )
    messages.warning(
        request,
        ngettext(
            "%(count)s entry has nobody to fill it: no unit of its agreement, "
            "nor any unit above, has active staff, so nobody is reminded of "
            "it: %(entries)s",
            "%(count)s entries have nobody to fill them: no unit of their "
            "agreements, nor any unit above, has active staff, so nobody is "
            "reminded of them: %(entries)s",
            len(entries),
        )
        % {"count": len(entries), "entries": listed},
    )


def _round(user, pk):
    return get_for_user_or_404(
        MonitoringRound.objects.select_related("opened_by", "closed_by"), user, pk=pk
    )


def round_detail(request, pk):
    """One round: completion per unit, its entries, its issued recaps."""
    from mitra.documents.services import issued_documents

    user = request.user
    monitoring_round = _round(user, pk)
    entries = MonitoringEntry.objects.filter(round=monitoring_round).for_user(user)
    unit = request.GET.get("unit", "")
    state = request.GET.get("state", "")
    rows = selectors.entry_queryset().filter(pk__in=entries.values("pk"))
    if unit.isdigit():
        rows = rows.filter(agreement__units=unit)
    if state == "submitted":
        rows = rows.filter(submitted_at__isnull=False)
    elif state == "pending":
        rows = rows.filter(submitted_at__isnull=True)
    rows = list(rows.order_by("agreement__partner__name", "agreement__number", "pk"))
    dormant = set(
        selectors.dormant_agreements(
            user=None, as_of=selectors.recap_as_of(monitoring_round)
        )
        .filter(monitoring_entries__round=monitoring_round)
        .values_list("pk", flat=True)
    )
    for entry in rows:
        entry.dormant = entry.agreement_id in dormant
    completion = selectors.completion_by_unit(entries)
    return render(
        request,
        "monitoring/round_detail.html",
        {
            "round": monitoring_round,
            "totals": selectors.round_totals(entries),
            "completion": completion,
            "entries": rows,
            "unit": unit,
            "state": state,
            "overdue": monitoring_round.is_open
            and is_overdue(monitoring_round.due_date, today()),
            "versions": list(issued_documents(monitoring_round)),
            "history": history_entries(monitoring_round),
            "can_change": can(user, Action.CHANGE, monitoring_round),
            "can_delete": can(user, Action.DELETE, monitoring_round)
            and services.round_can_be_deleted(monitoring_round),
        },
    )


class RoundEditView(View):
    template_name = "monitoring/round_form.html"

    def get(self, request, pk):
        monitoring_round = _round(request.user, pk)
        require(request.user, Action.CHANGE, monitoring_round)
        form = RoundForm(
            initial={
                "title": monitoring_round.title,
                "due_date": monitoring_round.due_date,
                "notes": monitoring_round.notes,
            }
        )
        return self.show(form, monitoring_round)

    def post(self, request, pk):
        monitoring_round = _round(request.user, pk)
        require(request.user, Action.CHANGE, monitoring_round)
        form = RoundForm(request.POST)
        if form.is_valid():
            try:
                services.round_update(
                    monitoring_round=monitoring_round,
                    by=request.user,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The round was saved."))
                return redirect(monitoring_round)
        return self.show(form, monitoring_round, status=400)

    def show(self, form, monitoring_round, status=200):
        return render(
            self.request,
            self.template_name,
            {"form": form, "round": monitoring_round},
            status=status,
        )


def _round_action(request, pk, action, success, after=None):
    monitoring_round = _round(request.user, pk)
    require(request.user, Action.CHANGE, monitoring_round)
    try:
        result = action(monitoring_round=monitoring_round, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success(result))
        if after is not None:
            after(request, monitoring_round)
    return redirect(monitoring_round)


@require_http_methods(["GET", "POST"])
def round_close(request, pk):
    """Close the round and issue its recap, once the office has seen how
    many entries are still missing (GET asks, POST closes)."""
    if request.method == "POST":
        return _round_action(
            request,
            pk,
            services.round_close,
            lambda document: (
                _("The round was closed and version %(version)s of its recap issued.")
                % {"version": document.version}
            ),
        )
    monitoring_round = _round(request.user, pk)
    require(request.user, Action.CHANGE, monitoring_round)
    entries = MonitoringEntry.objects.filter(round=monitoring_round)
    return render(
        request,
        "monitoring/round_close.html",
        {
            "round": monitoring_round,
            "totals": selectors.round_totals(entries),
            "completion": selectors.completion_by_unit(entries),
        },
    )


@require_POST
def round_reopen(request, pk):
    return _round_action(
        request, pk, services.round_reopen, lambda _round: _("The round is open again.")
    )


@require_POST
def round_add_entries(request, pk):
    """Give an entry to agreements in force on the reference date that lack one."""
    return _round_action(
        request,
        pk,
        services.round_add_entries,
        lambda count: _("%(count)s entries were added.") % {"count": count},
        after=_warn_unassigned,
    )


class RoundDeleteView(View):
    def get(self, request, pk):
        monitoring_round = _round(request.user, pk)
        require(request.user, Action.DELETE, monitoring_round)
        return render(
            request,
            "monitoring/round_confirm_delete.html",
            {
                "round": monitoring_round,
                "deletable": services.round_can_be_deleted(monitoring_round),
            },
        )

    def post(self, request, pk):
        monitoring_round = _round(request.user, pk)
        require(request.user, Action.DELETE, monitoring_round)
        try:
            services.round_delete(monitoring_round=monitoring_round, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(monitoring_round)
        messages.success(request, _("The round was deleted."))
        return redirect("monitoring:index")


# --- The recap --------------------------------------------------------------


def round_recap(request, pk):
    """The recap on screen, as XLSX (`?export=xlsx`), DOCX or PDF (`?format=`).

    A closed round's DOCX and PDF are the issued version's files: what was
    frozen at closing, never the records as they are today. An open round's
    are printed from the records and marked as a draft.
    """
    from mitra.documents.views import CONTENT_TYPES

    user = request.user
    monitoring_round = _round(user, pk)
    issued = (
        None if monitoring_round.is_open else selectors.issued_recap(monitoring_round)
    )
    filename = f"monitoring-recap-{slugify(monitoring_round.title)[:60]}".rstrip("-")
    if request.GET.get("export") == "xlsx":
        recap = selectors.round_recap(monitoring_round, user=user)
        return _recap_xlsx(recap, filename, issued=issued, request=request)
    fmt = request.GET.get("format")
    if fmt:
        if fmt not in CONTENT_TYPES:
            return HttpResponseBadRequest(_("Choose the format: docx or pdf."))
        if issued is not None:
            url = reverse("documents:issued_file", args=[issued.pk])
            return redirect(f"{url}?format={fmt}")
        return _draft_recap(request, monitoring_round, fmt, filename)
    recap = selectors.round_recap(monitoring_round, user=user)
    return render(
        request,
        "monitoring/recap.html",
        {
            "round": monitoring_round,
            "recap": recap,
            "issued": issued,
            "closed_note": _closed_recap_note(issued) if issued else "",
        },
    )


def _draft_recap(request, monitoring_round, fmt, filename):
    """Print the recap from today's records, marked as not issued."""
    from mitra.documents.rendering import PrintError
    from mitra.documents.services import form_context
    from mitra.documents.views import printed_form_response

    context = form_context(services.RECAP_FORM, monitoring_round, user=request.user)
    context["draft_mark"] = _("DRAFT — not issued")
    try:
        response = printed_form_response(
            form=services.RECAP_FORM, context=context, fmt=fmt, filename=filename
        )
    except PrintError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("monitoring:recap", pk=monitoring_round.pk)
    if fmt == "docx":
        # The office's template may not print the mark: put it on top anyway.
        response.content = _mark_docx(response.content, context["draft_mark"])
    return response


def _mark_docx(content, mark):
    """Return the DOCX `content` with `mark` in bold red above everything."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import RGBColor

    document = Document(io.BytesIO(content))
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(mark)
    run.bold = True
    run.font.color.rgb = RGBColor(0xAA, 0x00, 0x00)
    document.element.body.insert(0, paragraph._p)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def _closed_recap_note(issued):
    return _(
        "The round is closed. These figures are counted from today's data; "
        "the official recap is version %(version)s, issued on %(date)s."
    ) % {
        "version": issued.version,
        "date": date_format(timezone.localtime(issued.issued_at), "DATE_FORMAT"),
    }


def recap_headers():
    return [
        _("No."),
        _("Number"),
        _("Type"),
        _("Agreement"),
        _("Partner"),
        _("Units"),
        _("State"),
        _("Implementation status"),
        _("Activities"),
        _("Benefits"),
        _("Obstacles"),
        _("Follow-up"),
        _("Evidence files"),
        _("Filled by"),
        _("Submitted on"),
        _("Dormant"),
    ]


def recap_row(row):
    return [
        int(row["number"]),
        row["agreement_number"],
        row["document_type"],
        row["agreement_title"],
        row["partner"],
        row["units"],
        row["state"],
        row["implementation_status"],
        row["activities"],
        row["benefits"],
        row["obstacles"],
        row["follow_up"],
        row["evidence_count"],
        row["filled_by"],
        _date_cell(row["submitted_iso"]) or row["submitted_on"],
        row["dormant"],
    ]


#: How dates show in the workbook, as in every XLSX export of Mitra.
XLSX_DATE_FORMAT = "DD/MM/YYYY"


def _date_cell(iso):
    """Return a date written as ISO text as a date, for a real date cell.

    The recap's rows hold dates as text (that is what its issued copy
    freezes); a spreadsheet needs dates it can sort and compute with.
    """
    return datetime.date.fromisoformat(iso) if iso else None


def _sheet(workbook, title, headers, rows, *, first=False, note=None):
    """Write one sheet; `note` is a (text, link) pair put above the headers."""
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = str(title)[:31]
    header_row = 1
    if note is not None:
        text, link = note
        sheet.append([str(text)])
        sheet["A1"].font = Font(bold=True, color="AA0000")
        sheet.append([link])
        sheet["A2"].hyperlink = link
        sheet.append([])
        header_row = 4
    sheet.append([str(header) for header in headers])
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    widths = [len(str(header)) for header in headers]
    for row in rows:
        values = [neutralise(value) for value in row]
        sheet.append(values)
        for index, value in enumerate(values):
            widths[index] = max(widths[index], min(len(str(value)), 60))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width + 2
    for cells in sheet.iter_rows(min_row=header_row + 1):
        for cell in cells:
            if isinstance(cell.value, datetime.date):
                cell.number_format = XLSX_DATE_FORMAT
    sheet.freeze_panes = f"A{header_row + 1}"
    return sheet


def _recap_xlsx(recap, filename, *, issued=None, request=None):
    """The recap as a workbook: entries, completion per unit, dormant agreements.

    With `issued` (the round is closed), the first sheet says the figures
    are today's and links to the issued version, the official one.
    """
    note = None
    if issued is not None:
        note = (
            _closed_recap_note(issued),
            request.build_absolute_uri(issued.get_absolute_url()),
        )
    workbook = Workbook()
    _sheet(
        workbook,
        _("Recap"),
        recap_headers(),
        (recap_row(row) for row in recap["entries"]),
        first=True,
        note=note,
    )
    _sheet(
        workbook,
        _("Completion"),
        [_("Unit"), _("Code"), _("Entries"), _("Submitted"), _("Done (%)")],
        (
            [row["unit"], row["code"], row["entries"], row["submitted"], row["percent"]]
            for row in recap["completion"]
        ),
    )
    _sheet(
        workbook,
        _("Dormant"),
        [
            _("No."),
            _("Number"),
            _("Type"),
            _("Agreement"),
            _("Partner"),
            _("Units"),
            _("Start"),
            _("Last activity"),
        ],
        (
            [
                int(row["number"]),
                row["agreement_number"],
                row["document_type"],
                row["title"],
                row["partner"],
                row["units"],
                _date_cell(row["start_iso"]),
                _date_cell(row["last_activity_iso"]) or row["last_activity"],
            ]
            for row in recap["dormant"]
        ),
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, f"{filename}.xlsx"
    )
    return response


# --- Entries --------------------------------------------------------------------


def _entry(user, pk):
    return get_for_user_or_404(selectors.entry_queryset(), user, pk=pk)


def _frozen(request, entry):
    """Answer a change to an entry of a closed round: 409 with the reason.

    Whoever kept the form open while the office closed the round must learn
    that the round is closed, not that their role forbids the page.
    """
    return render(
        request,
        "monitoring/locked.html",
        {
            "round": entry.round,
            "message": _("The round is closed: its entries can no longer be changed."),
            "back": entry.get_absolute_url(),
        },
        status=409,
    )


def entry_detail(request, pk):
    """One entry as filled so far, its evidence and its history."""
    user = request.user
    entry = _entry(user, pk)
    return render(
        request,
        "monitoring/entry_detail.html",
        {
            "entry": entry,
            "round": entry.round,
            "agreement": entry.agreement,
            "overdue": entry.round.is_open
            and not entry.is_submitted
            and is_overdue(entry.round.due_date, today()),
            "history": history_entries(entry),
            "can_change": can(user, Action.CHANGE, entry),
            "can_view_round": can(user, Action.VIEW, entry.round),
        },
    )


class EntryEditView(View):
    """Fill an entry: status, activities, benefits, obstacles, follow-up, files."""

    template_name = "monitoring/entry_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.entry = _entry(request.user, kwargs["pk"])
        if not self.entry.round.is_open:
            return _frozen(request, self.entry)
        require(request.user, Action.CHANGE, self.entry)
        return super().dispatch(request)

    def get(self, request):
        return self.show(self.make_form(), EvidenceFormSet(prefix="evidence"))

    def post(self, request):
        form = self.make_form(request.POST)
        evidence = EvidenceFormSet(request.POST, request.FILES, prefix="evidence")
        if form.is_valid() and evidence.is_valid():
            data = form.cleaned_data
            try:
                services.entry_update(
                    entry=self.entry,
                    by=request.user,
                    implementation_status=data["implementation_status"],
                    activities=data["activities"],
                    benefits=data["benefits"],
                    obstacles=data["obstacles"],
                    follow_up=data["follow_up"],
                    submit="submit" in request.POST,
                    evidence=[
                        (item["description"], item["file"])
                        for item in (f.cleaned_data for f in evidence.forms)
                        if item
                    ],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                submitted = "submit" in request.POST or self.entry.is_submitted
                messages.success(
                    request,
                    _("The entry was submitted.")
                    if submitted
                    else _("The entry was saved as a draft."),
                )
                return redirect(self.entry)
        return self.show(form, evidence, status=400)

    def make_form(self, data=None):
        entry = self.entry
        initial = {
            "implementation_status": entry.implementation_status,
            "benefits": entry.benefits,
            "obstacles": entry.obstacles,
            "follow_up": entry.follow_up,
        }
        form = EntryForm(data, entry=entry, initial=initial)
        if entry.filled_by_id is None and not entry.is_submitted:
            # First filling: offer the activities of the period as chosen.
            form.initial["activities"] = list(
                form.fields["activities"].queryset.values_list("pk", flat=True)
            )
        else:
            form.initial["activities"] = [a.pk for a in entry.activities.all()]
        return form

    def show(self, form, evidence, status=200):
        entry = self.entry
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "evidence_forms": evidence,
                "entry": entry,
                "round": entry.round,
                "agreement": entry.agreement,
                "can_add_activity": can(
                    self.request.user, Action.ADD_ACTIVITY, entry.agreement
                ),
            },
            status=status,
        )


@require_POST
def evidence_add(request, pk):
    """Attach one evidence file to an entry (from its page)."""
    entry = _entry(request.user, pk)
    if not entry.round.is_open:
        return _frozen(request, entry)
    require(request.user, Action.CHANGE, entry)
    form = EvidenceForm(request.POST, request.FILES, prefix="evidence")
    if form.is_valid():
        try:
            services.evidence_add(entry=entry, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The file was added."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(entry)


def evidence_file(request, pk):
    """Download an evidence file the viewer may see."""
    evidence = get_for_user_or_404(
        MonitoringEvidence.objects.all(), request.user, pk=pk
    )
    return attachment_response(evidence.file)


@require_POST
def evidence_delete(request, pk):
    evidence = get_for_user_or_404(
        MonitoringEvidence.objects.select_related("entry__round"),
        request.user,
        pk=pk,
    )
    entry = evidence.entry
    if not entry.round.is_open:
        return _frozen(request, entry)
    require(request.user, Action.DELETE, evidence)
    try:
        services.evidence_delete(evidence=evidence, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The file was removed."))
    return redirect(entry)


# --- Dormant agreements and the overdue overview ----------------------------------


def dormant_list(request):
    """Agreements in force with no activity for the configured months."""
    on = today()
    agreements = (
        selectors.dormant_agreements(user=request.user, as_of=on)
        .select_related("partner")
        .prefetch_related("units")
        .order_by(*selectors.DORMANT_ORDER)
    )
    if request.GET.get("export") == "xlsx":
        from mitra.core.exports import xlsx_response

        return xlsx_response(
            f"dormant-agreements-{on:%Y-%m-%d}",
            [
                _("Number"),
                _("Type"),
                _("Title"),
                _("Partner"),
                _("Units"),
                _("Start"),
                _("End"),
                _("Last activity"),
            ],
            (
                [
                    agreement.number or "",
                    agreement.get_document_type_display(),
                    agreement.title,
                    agreement.partner.name,
                    ", ".join(unit.code for unit in agreement.units.all()),
                    agreement.start_date,
                    agreement.end_date or _("open-ended"),
                    agreement.last_activity_on or "",
                ]
                for agreement in agreements
            ),
            title=_("Dormant agreements"),
        )
    return render(
        request,
        "monitoring/dormant_list.html",
        {
            "agreements": list(agreements),
            "months": selectors.dormant_months(),
            "since": selectors.dormant_since(on),
            "today": on,
        },
    )


def overdue(request):
    """Everything overdue today, as the office's daily overview lists it."""
    require(request.user, Action.VIEW, MonitoringRound)
    on = today()
    return render(
        request,
        "monitoring/overdue.html",
        {"sections": overdue_overview(on), "today": on},
    )
