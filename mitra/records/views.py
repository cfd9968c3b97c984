"""Pages of the records register, disposal, and the policy library.

Views stay thin: rows are found through the permission gate
(`get_for_user_or_404`), actions are checked with `require`, and every
change goes through `mitra.records.services`, which refuses to change or
delete a record still kept or under a hold.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST
from django_tables2 import RequestConfig

from mitra.core.clock import today
from mitra.core.exports import csv_response, xlsx_response
from mitra.core.files import attachment_response
from mitra.core.history import history_entries
from mitra.core.permissions import Action, can, get_for_user_or_404, require
from mitra.records import selectors, services
from mitra.records.filters import PolicyFilterSet, RecordFilterSet
from mitra.records.forms import (
    DisposalCancelForm,
    HoldForm,
    PolicyEditForm,
    PolicyForm,
    PolicyVersionForm,
    RecordEditForm,
    RecordRegisterForm,
    RecordTypeForm,
    add_service_errors,
)
from mitra.records.models import (
    DisposalList,
    DisposalLog,
    DisposalStatus,
    PolicyDocument,
    Record,
    RecordType,
)
from mitra.records.tables import RecordTable, state_badge


def _error_text(error):
    return " ".join(error.messages)


# --- The register -----------------------------------------------------------

EXPORT_HEADERS = [
    _("Record number"),
    _("Record type"),
    _("Title"),
    _("Issued on"),
    _("Kept until"),
    _("Storage location"),
    _("Origin"),
    _("Legal hold"),
    _("Reason for the hold"),
]


def _export(records, kind):
    rows = (
        [
            record.pk,
            record.record_type.display_name,
            record.title,
            record.issued_on,
            record.retain_until,
            record.storage_location,
            _("Issued in Mitra") if record.document_id else _("Registered by hand"),
            _("Yes") if record.on_hold else _("No"),
            record.hold_reason if record.on_hold else "",
        ]
        for record in records
    )
    headers = [str(header) for header in EXPORT_HEADERS]
    filename = f"mitra-records-{today():%Y%m%d}"
    if kind == "xlsx":
        return xlsx_response(filename, headers, rows, title=_("Records"))
    return csv_response(filename, headers, rows)


def record_list(request):
    """The register: every kept record, filtered; export as CSV or XLSX."""
    require(request.user, Action.VIEW, Record)
    rows = Record.objects.for_user(request.user).select_related(
        "record_type", "document"
    )
    filterset = RecordFilterSet(request.GET or None, queryset=rows, request=request)
    table = RecordTable(filterset.qs)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        RequestConfig(request, paginate=False).configure(table)
        return _export(table.data, export)
    RequestConfig(request, paginate={"per_page": settings.MITRA_PAGE_SIZE}).configure(
        table
    )
    return render(
        request,
        "records/record_list.html",
        {
            "filterset": filterset,
            "table": table,
            "can_add": can(request.user, Action.ADD, Record),
            "disposable": services.disposable_records().count(),
        },
    )


def _record(request, pk):
    return get_for_user_or_404(
        Record.objects.select_related(
            "record_type", "document", "registered_by", "hold_by"
        ),
        request.user,
        pk=pk,
    )


def _detail_context(request, record, *, hold_form=None):
    user = request.user
    return {
        "record": record,
        "state": state_badge(record),
        "protected": record.is_protected(),
        "history": history_entries(record),
        "can_change": can(user, Action.CHANGE, record),
        "can_delete": can(user, Action.DELETE, record),
        "can_hold": can(user, Action.HOLD, record),
        "hold_form": hold_form or HoldForm(),
    }


def record_detail(request, pk):
    """One record: what it is, how long it is kept, its file and history."""
    record = _record(request, pk)
    return render(
        request, "records/record_detail.html", _detail_context(request, record)
    )


@require_http_methods(["GET", "POST"])
def record_register(request):
    """Register a file by hand (a record Mitra did not issue itself)."""
    require(request.user, Action.ADD, Record)
    form = RecordRegisterForm(request.POST or None, request.FILES or None)
    if form.is_bound and form.is_valid():
        try:
            record = services.record_register(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Record registered."))
            return redirect(record)
    return render(request, "records/record_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def record_edit(request, pk):
    """Describe a record anew: refused while it is kept or held."""
    record = _record(request, pk)
    require(request.user, Action.CHANGE, record)
    initial = {
        "title": record.title,
        "storage_location": record.storage_location,
        "note": record.note,
    }
    form = RecordEditForm(request.POST or None, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            services.record_update(record=record, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Record saved."))
            return redirect(record)
    return render(
        request,
        "records/record_edit.html",
        {"form": form, "record": record, "protected": record.is_protected()},
    )


@require_http_methods(["GET", "POST"])
def record_delete(request, pk):
    """Dispose of one record past retention (the head); refused while kept."""
    record = _record(request, pk)
    require(request.user, Action.DELETE, record)
    error = None
    if request.method == "POST":
        try:
            disposal = services.record_delete(record=record, by=request.user)
        except ValidationError as refusal:
            error = _error_text(refusal)
        else:
            messages.success(request, _("The record was archived and disposed of."))
            return redirect(disposal)
    return render(
        request,
        "records/record_delete.html",
        {"record": record, "protected": record.is_protected(), "error": error},
    )


@require_POST
def record_hold(request, pk):
    """Set (`action=set`) or clear (`action=clear`) a legal hold (the head)."""
    record = _record(request, pk)
    require(request.user, Action.HOLD, record)
    form = HoldForm(request.POST)
    hold = request.POST.get("action") != "clear"
    if form.is_valid():
        change = services.legal_hold_set if hold else services.legal_hold_clear
        try:
            change(record=record, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Legal hold set.") if hold else _("Legal hold cleared.")
            )
            return redirect(record)
    context = _detail_context(request, record, hold_form=form)
    return render(request, "records/record_detail.html", context, status=400)


def record_file(request, pk):
    """Download a record's file (an issued document's from its own page)."""
    record = _record(request, pk)
    if record.document_id is not None:
        return redirect(record.document)
    return attachment_response(record.file, filename=record.original_name or None)


# --- Record types -----------------------------------------------------------


def record_types(request):
    """The six kinds of record, where each is kept and for how long."""
    require(request.user, Action.VIEW, RecordType)
    kinds = (
        RecordType.objects.for_user(request.user)
        .annotate(
            kept=Count("records", filter=Q(records__retain_until__gte=today())),
            total=Count("records"),
        )
        .order_by("ordering", "name")
    )
    return render(
        request,
        "records/record_types.html",
        {
            "record_types": kinds,
            "can_change": can(request.user, Action.CHANGE, RecordType),
            "default_years": settings.MITRA_RECORD_RETENTION_YEARS,
        },
    )


@require_http_methods(["GET", "POST"])
def record_type_edit(request, pk):
    record_type = get_for_user_or_404(RecordType.objects.all(), request.user, pk=pk)
    require(request.user, Action.CHANGE, record_type)
    initial = {
        "storage_location": record_type.storage_location,
        "retention_years": record_type.retention_years,
        "document_kinds": ", ".join(record_type.document_kinds or []),
    }
    form = RecordTypeForm(request.POST or None, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            services.record_type_update(
                record_type=record_type, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Record type saved."))
            return redirect("records:types")
    return render(
        request,
        "records/record_type_form.html",
        {"form": form, "record_type": record_type},
    )


# --- Disposal -----------------------------------------------------------------


def disposal_index(request):
    """Disposal lists, and how many records may go on a new one."""
    require(request.user, Action.VIEW, DisposalList)
    lists = (
        DisposalList.objects.for_user(request.user)
        .select_related("created_by", "decided_by")
        .annotate(item_count=Count("items"))
        .order_by("-created_at", "-pk")
    )
    page = Paginator(lists, settings.MITRA_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "records/disposal_index.html",
        {
            "page": page,
            "disposable": services.disposable_records().count(),
            "can_build": can(request.user, Action.ADD, DisposalList),
        },
    )


@require_POST
def disposal_build(request):
    require(request.user, Action.ADD, DisposalList)
    try:
        disposal = services.disposal_list_build(by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("records:disposal_index")
    messages.success(request, _("The list and its archive are ready for approval."))
    return redirect(disposal)


def _disposal(request, pk):
    return get_for_user_or_404(
        DisposalList.objects.select_related("created_by", "decided_by"),
        request.user,
        pk=pk,
    )


def disposal_detail(request, pk):
    """A disposal list: its records, which approval skips (or skipped) and
    why, its archive and, once approved, what was disposed of."""
    disposal = _disposal(request, pk)
    proposed = disposal.status == DisposalStatus.PROPOSED
    listed = services.disposal_list_items(disposal)
    return render(
        request,
        "records/disposal_detail.html",
        {
            "disposal": disposal,
            "listed": listed,
            "skipped_count": sum(1 for row in listed if row.skipped),
            "proposed": proposed,
            "log": disposal.log_entries.select_related("disposed_by"),
            "can_approve": proposed and can(request.user, Action.APPROVE, disposal),
            "can_cancel": proposed and can(request.user, Action.CHANGE, disposal),
            "cancel_form": DisposalCancelForm(),
        },
    )


@require_POST
def disposal_approve(request, pk):
    disposal = _disposal(request, pk)
    require(request.user, Action.APPROVE, disposal)
    try:
        services.disposal_list_approve(disposal_list=disposal, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Disposal approved; each deletion is logged."))
    return redirect(disposal)


@require_POST
def disposal_cancel(request, pk):
    disposal = _disposal(request, pk)
    require(request.user, Action.CHANGE, disposal)
    form = DisposalCancelForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.disposal_list_cancel(
            disposal_list=disposal, by=request.user, note=note
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Disposal list cancelled."))
    return redirect(disposal)


def disposal_archive(request, pk):
    """Download the archive stored with a disposal list."""
    disposal = _disposal(request, pk)
    return attachment_response(
        disposal.archive, filename=f"mitra-disposal-{disposal.pk}-archive.zip"
    )


LOG_HEADERS = [
    _("Disposed at"),
    _("Disposed by"),
    _("Disposal list"),
    _("Record number"),
    _("Record type"),
    _("Title"),
    _("Issued on"),
    _("Kept until"),
    _("Storage location"),
    _("File"),
    _("SHA-256 of the file"),
]


def disposal_log(request):
    """The disposal log: every disposed record, what, when and who."""
    require(request.user, Action.VIEW, DisposalLog)
    entries = DisposalLog.objects.for_user(request.user).select_related("disposed_by")
    if request.GET.get("export") == "csv":
        rows = (
            [
                # In Jakarta time and words, as the page shows it (stored UTC).
                date_format(localtime(entry.disposed_at), "DATETIME_FORMAT"),
                str(entry.disposed_by),
                entry.disposal_list_id,
                entry.record_number,
                entry.record_type,
                entry.title,
                entry.issued_on,
                entry.retain_until,
                entry.storage_location,
                entry.file_name,
                entry.checksum,
            ]
            for entry in entries
        )
        return csv_response(
            f"mitra-disposal-log-{today():%Y%m%d}",
            [str(header) for header in LOG_HEADERS],
            rows,
        )
    page = Paginator(entries, settings.MITRA_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "records/disposal_log.html", {"page": page})


# --- Policy library -----------------------------------------------------------


def policy_list(request):
    """The library, and which stages of cooperation current documents cover."""
    require(request.user, Action.VIEW, PolicyDocument)
    rows = PolicyDocument.objects.for_user(request.user).select_related(
        "owner", "superseded_by"
    )
    filterset = PolicyFilterSet(request.GET, queryset=rows, request=request)
    page = Paginator(filterset.qs, settings.MITRA_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    current_ids = set(selectors.current_policies().values_list("pk", flat=True))
    for policy in page:
        policy.is_current = policy.pk in current_ids
    return render(
        request,
        "records/policy_list.html",
        {
            "filterset": filterset,
            "page": page,
            "coverage": selectors.policy_coverage(),
            "today": today(),
            "can_add": can(request.user, Action.ADD, PolicyDocument),
        },
    )


def _policy(request, pk):
    return get_for_user_or_404(
        PolicyDocument.objects.select_related("owner", "superseded_by", "created_by"),
        request.user,
        pk=pk,
    )


def policy_detail(request, pk):
    policy = _policy(request, pk)
    current_ids = set(selectors.current_policies().values_list("pk", flat=True))
    versions = list(policy.versions().select_related("owner", "superseded_by"))
    for version in versions:
        version.is_current = version.pk in current_ids
    policy.is_current = policy.pk in current_ids
    return render(
        request,
        "records/policy_detail.html",
        {
            "policy": policy,
            "is_current": policy.pk in current_ids,
            "versions": versions,
            "history": history_entries(policy),
            "today": today(),
            "can_change": can(request.user, Action.CHANGE, policy),
            "can_delete": can(request.user, Action.DELETE, policy),
        },
    )


@require_http_methods(["GET", "POST"])
def policy_create(request):
    require(request.user, Action.ADD, PolicyDocument)
    form = PolicyForm(request.POST or None, request.FILES or None)
    if form.is_bound and form.is_valid():
        try:
            policy = services.policy_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Document added to the library."))
            return redirect(policy)
    return render(request, "records/policy_form.html", {"form": form, "policy": None})


@require_http_methods(["GET", "POST"])
def policy_edit(request, pk):
    """Describe a document anew; an approved one's text shows read-only."""
    policy = _policy(request, pk)
    require(request.user, Action.CHANGE, policy)
    initial = {
        "title": policy.title,
        "kind": policy.kind,
        "version": policy.version,
        "covers": policy.covers,
        "owner": policy.owner,
        "approved_on": policy.approved_on,
        "review_due": policy.review_due,
        "summary": policy.summary,
        "is_published": policy.is_published,
    }
    form = PolicyEditForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        fixed=services.policy_fixed_fields(policy),
    )
    if form.is_bound and form.is_valid():
        values = {"file": None, **form.cleaned_data}
        try:
            services.policy_update(policy=policy, by=request.user, **values)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Document saved."))
            return redirect(policy)
    return render(request, "records/policy_form.html", {"form": form, "policy": policy})


@require_http_methods(["GET", "POST"])
def policy_new_version(request, pk):
    policy = _policy(request, pk)
    require(request.user, Action.CHANGE, policy)
    form = PolicyVersionForm(
        request.POST or None, request.FILES or None, initial={"title": policy.title}
    )
    if form.is_bound and form.is_valid():
        try:
            new = services.policy_new_version(
                policy=policy, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("New version added; the old one is kept."))
            return redirect(new)
    return render(
        request, "records/policy_version_form.html", {"form": form, "policy": policy}
    )


@require_POST
def policy_delete(request, pk):
    policy = _policy(request, pk)
    require(request.user, Action.DELETE, policy)
    try:
        services.policy_delete(policy=policy, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect(policy)
    messages.success(request, _("Document deleted."))
    return redirect("records:policies")


def policy_file(request, pk):
    policy = _policy(request, pk)
    return attachment_response(policy.file, filename=policy_filename(policy))


def policy_filename(policy):
    """Return the download name of a policy version, e.g. sop-kerjasama-v2.pdf."""
    suffix = (policy.original_name or policy.file.name).rsplit(".", 1)[-1].lower()
    stem = slugify(policy.title)[:60] or "document"
    version = slugify(policy.version) or "1"
    return f"{stem}-v{version}.{suffix[:5]}"
