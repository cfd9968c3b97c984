"""Planning pages: cooperation types, needs mapping, targets, meetings and
minutes, the annual programme, multi-year plans and the head's
identification workspace.

Views stay thin: records are found through the permission gate
(`get_for_user_or_404`), actions are checked with `require`, and every
change goes through `mitra.planning.services`. A record that was issued is
locked: its edit pages answer 409 with an explanation instead of a form.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from mitra.core.clock import today
from mitra.core.daily import is_overdue
from mitra.core.exports import csv_response, xlsx_response
from mitra.core.files import attachment_response
from mitra.core.history import history_entries
from mitra.core.models import Unit
from mitra.core.permissions import Action, can, get_for_user_or_404, require
from mitra.documents.services import issued_documents
from mitra.planning import services
from mitra.planning.filters import MeetingFilterSet
from mitra.planning.forms import (
    ActionItemFormSet,
    ApproveForm,
    AttendeeFormSet,
    CooperationTypeForm,
    ItemStatusForm,
    MappingInstructionsForm,
    MappingOpenForm,
    MeetingForm,
    NeedFormSet,
    PlanForm,
    PlanUploadForm,
    ProgrammeIntroductionForm,
    ProgrammeItemForm,
    ProgrammeOpenForm,
    TargetForm,
    TargetsCopyForm,
    add_service_errors,
    staff_user_choices,
)
from mitra.planning.models import (
    NEEDED_LEVELS,
    ActionItem,
    ActionStatus,
    AnnualProgramme,
    AnnualTarget,
    AnnualTargetSet,
    CooperationType,
    ItemStatus,
    Meeting,
    MeetingKind,
    MultiYearPlan,
    NeedCell,
    NeedLevel,
    NeedsMapping,
    ProgrammeItem,
)
from mitra.planning.printed_forms import meeting_proposals, timeline_text
from mitra.planning.selectors import (
    MAPPED_UNIT_KINDS,
    mapping_matrix,
    target_progress,
    target_set,
)
from mitra.planning.services import FIRST_YEAR, LAST_YEAR
from mitra.planning.tables import MeetingTable
from mitra.planning.workspace import workspace as workspace_context

#: Bootstrap classes of each need level in the matrix.
LEVEL_CLASSES = {
    NeedLevel.NONE: "text-body-tertiary",
    NeedLevel.LOW: "text-bg-info",
    NeedLevel.MEDIUM: "text-bg-warning",
    NeedLevel.HIGH: "text-bg-danger",
}
ITEM_COLOURS = {
    ItemStatus.PLANNED: "secondary",
    ItemStatus.IN_PROGRESS: "primary",
    ItemStatus.DONE: "success",
    ItemStatus.DROPPED: "dark",
}


def _year(year):
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    return year


def _mapped_units():
    return Unit.objects.filter(is_active=True, kind__in=MAPPED_UNIT_KINDS).order_by(
        "code"
    )


def _locked(request, message, back):
    """Answer an edit of an issued record: 409 with the reason and a way back."""
    return render(
        request,
        "planning/locked.html",
        {"message": message, "back": back},
        status=409,
    )


ISSUED_MESSAGE = _(
    "This version was issued and can no longer be changed. Start a new version "
    "to make changes; the issued one stays on record."
)


def _refused(request, error):
    for message in error.messages:
        messages.error(request, message)


# --- Cooperation types ----------------------------------------------------------------


def type_list(request):
    """The catalogue of cooperation types, with how often each is used."""
    require(request.user, Action.VIEW, CooperationType)
    types = CooperationType.objects.for_user(request.user).annotate(
        agreement_count=Count("agreements", distinct=True)
    )
    return render(
        request,
        "planning/type_list.html",
        {
            "types": types,
            "can_add": can(request.user, Action.ADD, CooperationType),
        },
    )


def _type_form_page(request, form, cooperation_type=None, status=200):
    return render(
        request,
        "planning/type_form.html",
        {"form": form, "cooperation_type": cooperation_type},
        status=status,
    )


def type_create(request):
    require(request.user, Action.ADD, CooperationType)
    form = CooperationTypeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = {
            "name_en": data["name_en"],
            "description": data["description"],
            "is_active": data["is_active"],
        }
        if data["ordering"] is not None:
            values["ordering"] = data["ordering"]
        try:
            services.cooperation_type_create(
                by=request.user, name=data["name"], fields=data["fields"], **values
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The cooperation type was added."))
            return redirect("planning:type_list")
    return _type_form_page(request, form, status=400 if form.errors else 200)


def type_edit(request, pk):
    cooperation_type = get_for_user_or_404(
        CooperationType.objects.all(), request.user, pk=pk
    )
    require(request.user, Action.CHANGE, cooperation_type)
    initial = {
        "name": cooperation_type.name,
        "name_en": cooperation_type.name_en,
        "description": cooperation_type.description,
        "fields": sorted(cooperation_type.fields),
        "ordering": cooperation_type.ordering,
        "is_active": cooperation_type.is_active,
    }
    form = CooperationTypeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.cooperation_type_update(
                cooperation_type=cooperation_type,
                by=request.user,
                name=data["name"],
                name_en=data["name_en"],
                description=data["description"],
                is_active=data["is_active"],
                ordering=(
                    data["ordering"]
                    if data["ordering"] is not None
                    else cooperation_type.ordering
                ),
                fields=data["fields"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The cooperation type was saved."))
            return redirect("planning:type_list")
    return _type_form_page(
        request, form, cooperation_type, status=400 if form.errors else 200
    )


# --- Needs mapping --------------------------------------------------------------------


def mapping_list(request):
    """Every year's mapping; the office opens the next one here."""
    require(request.user, Action.VIEW, NeedsMapping)
    mappings = NeedsMapping.objects.for_user(request.user).annotate(
        need_count=Count("cells", filter=Q(cells__level__in=NEEDED_LEVELS)),
        unit_count=Count("cells__unit", distinct=True),
    )
    can_add = can(request.user, Action.ADD, NeedsMapping)
    form = MappingOpenForm(request.POST or None, initial={"year": today().year})
    if request.method == "POST":
        require(request.user, Action.ADD, NeedsMapping)
        if form.is_valid():
            data = form.cleaned_data
            try:
                mapping = services.mapping_open(
                    year=data["year"],
                    by=request.user,
                    instructions=data["instructions"],
                    copy_previous=data["copy_previous"],
                    notify_units=data["notify_units"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The needs mapping is open."))
                return redirect(mapping)
    return render(
        request,
        "planning/mapping_list.html",
        {"mappings": mappings, "form": form, "can_add": can_add},
        status=400 if form.errors else 200,
    )


def _mapping(request, year):
    return get_for_user_or_404(
        NeedsMapping.objects.all(), request.user, year=_year(year)
    )


def _export_matrix(matrix, kind):
    headers = [str(_("Unit"))] + [str(kind_.name) for kind_ in matrix.types]
    rows = []
    for row in matrix.rows:
        values = [row.unit.name]
        for cell in row.cells:
            text = str(cell.get_level_display()) if cell.is_needed else ""
            if cell.is_gap:
                text += " (" + str(_("gap")) + ")"
            values.append(text)
        rows.append(values)
    filename = f"mitra-needs-mapping-{matrix.mapping.year}"
    if kind == "xlsx":
        return xlsx_response(filename, headers, rows, title=_("Needs mapping"))
    return csv_response(filename, headers, rows)


def mapping_detail(request, year):
    """The matrix of units by cooperation types with gaps highlighted."""
    mapping = _mapping(request, year)
    user = request.user
    matrix = mapping_matrix(mapping, user=user)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return _export_matrix(matrix, export)
    for row in matrix.rows:
        for cell in row.cells:
            cell.css = LEVEL_CLASSES.get(cell.level, "")
    return render(
        request,
        "planning/mapping_detail.html",
        {
            "mapping": mapping,
            "matrix": matrix,
            "fillable": [row for row in matrix.rows if row.can_fill],
            "versions": issued_documents(mapping, kind="needs_mapping"),
            "can_change": can(user, Action.CHANGE, mapping),
            "instructions_form": MappingInstructionsForm(
                initial={"instructions": mapping.instructions}
            ),
            "legend": [
                (label, LEVEL_CLASSES[value])
                for value, label in NeedLevel.choices
                if value != NeedLevel.NONE
            ],
        },
    )


def mapping_fill(request, year, unit_pk):
    """One unit's row of the mapping: a need level per cooperation type."""
    mapping = _mapping(request, year)
    unit = get_for_user_or_404(_mapped_units(), request.user, pk=unit_pk)
    require(request.user, Action.CHANGE, NeedCell(mapping=mapping, unit=unit))
    if mapping.is_issued:
        return _locked(request, ISSUED_MESSAGE, mapping.get_absolute_url())

    types = list(CooperationType.objects.filter(is_active=True))
    saved = {
        cell.cooperation_type_id: cell
        for cell in NeedCell.objects.filter(mapping=mapping, unit=unit)
    }
    initial = [
        {
            "cooperation_type": kind.pk,
            "level": saved[kind.pk].level if kind.pk in saved else NeedLevel.NONE,
            "partner_profile": saved[kind.pk].partner_profile
            if kind.pk in saved
            else "",
            "notes": saved[kind.pk].notes if kind.pk in saved else "",
        }
        for kind in types
    ]
    formset = NeedFormSet(request.POST or None, initial=initial, prefix="need")
    if request.method == "POST" and formset.is_valid():
        by_pk = {kind.pk: kind for kind in types}
        rows = [
            {
                **form.cleaned_data,
                "cooperation_type": by_pk[form.cleaned_data["cooperation_type"]],
            }
            for form in formset
            if form.cleaned_data.get("cooperation_type") in by_pk
        ]
        try:
            services.need_cells_save(
                mapping=mapping, unit=unit, rows=rows, by=request.user
            )
        except ValidationError as error:
            if getattr(error, "code", "") == "issued":
                return _locked(request, ISSUED_MESSAGE, mapping.get_absolute_url())
            _refused(request, error)
        else:
            messages.success(
                request,
                _("The needs of %(unit)s were saved.") % {"unit": unit.name},
            )
            return redirect(mapping)
    return render(
        request,
        "planning/mapping_fill.html",
        {
            "mapping": mapping,
            "unit": unit,
            "formset": formset,
            "rows": list(zip(types, formset.forms, strict=False)),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def mapping_instructions(request, year):
    mapping = _mapping(request, year)
    require(request.user, Action.CHANGE, mapping)
    form = MappingInstructionsForm(request.POST)
    if form.is_valid():
        try:
            services.mapping_update(
                mapping=mapping,
                by=request.user,
                instructions=form.cleaned_data["instructions"],
            )
        except ValidationError as error:
            return _locked(request, error.messages[0], mapping.get_absolute_url())
        messages.success(request, _("The instructions were saved."))
    return redirect(mapping)


@require_POST
def mapping_issue(request, year):
    mapping = _mapping(request, year)
    require(request.user, Action.CHANGE, mapping)
    try:
        document = services.mapping_issue(mapping=mapping, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("The mapping was issued as version %(version)s.")
            % {"version": document.version},
        )
    return redirect(mapping)


@require_POST
def mapping_new_version(request, year):
    mapping = _mapping(request, year)
    require(request.user, Action.CHANGE, mapping)
    try:
        services.mapping_new_version(mapping=mapping, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("A new version is open for changes; the issued one stays on record."),
        )
    return redirect(mapping)


# --- Targets --------------------------------------------------------------------------


def target_years(request):
    """Years with targets; the office goes to a year to set its targets."""
    require(request.user, Action.VIEW, AnnualTarget)
    years = (
        AnnualTarget.objects.for_user(request.user)
        .values("year")
        .annotate(rows=Count("pk"))
        .order_by("-year")
    )
    approvals = {row.year: row for row in AnnualTargetSet.objects.all()}
    rows = [
        {
            "year": row["year"],
            "rows": row["rows"],
            "approval": approvals.get(row["year"]),
        }
        for row in years
    ]
    return render(
        request,
        "planning/target_years.html",
        {
            "rows": rows,
            "this_year": today().year,
            "can_add": can(request.user, Action.ADD, AnnualTarget),
        },
    )


def targets_page(request, year):
    """The targets of a year with their progress, and the head's approval."""
    year = _year(year)
    user = request.user
    require(user, Action.VIEW, AnnualTarget)
    progress = target_progress(year)
    return render(
        request,
        "planning/targets.html",
        {
            "year": year,
            "progress": progress,
            "approval": target_set(year),
            "can_change": can(user, Action.CHANGE, AnnualTarget),
            "can_approve": can(user, Action.APPROVE, AnnualTargetSet),
            "copy_form": TargetsCopyForm(initial={"from_year": year - 1}),
            "approve_form": ApproveForm(),
        },
    )


def _target_form_page(request, year, form, target=None, status=200):
    return render(
        request,
        "planning/target_form.html",
        {"year": year, "form": form, "target": target},
        status=status,
    )


def _save_target(request, year, form, target=None):
    data = form.cleaned_data
    try:
        services.target_save(
            year=year,
            by=request.user,
            target=target,
            unit=data["unit"],
            measure=data["measure"],
            document_type=data["document_type"],
            scope=data["scope"],
            cooperation_type=data["cooperation_type"],
            count=data["count"],
            notes=data["notes"],
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    messages.success(request, _("The target was saved."))
    return redirect("planning:targets", year=year)


def target_create(request, year):
    year = _year(year)
    require(request.user, Action.ADD, AnnualTarget)
    form = TargetForm(request.POST or None, units=_mapped_units())
    if request.method == "POST" and form.is_valid():
        response = _save_target(request, year, form)
        if response is not None:
            return response
    return _target_form_page(request, year, form, status=400 if form.errors else 200)


def target_edit(request, year, pk):
    year = _year(year)
    target = get_for_user_or_404(
        AnnualTarget.objects.filter(year=year), request.user, pk=pk
    )
    require(request.user, Action.CHANGE, target)
    initial = {
        "unit": target.unit_id,
        "measure": target.measure,
        "document_type": target.document_type,
        "scope": target.scope,
        "cooperation_type": target.cooperation_type_id,
        "count": target.count,
        "notes": target.notes,
    }
    form = TargetForm(request.POST or None, initial=initial, units=_mapped_units())
    if request.method == "POST" and form.is_valid():
        response = _save_target(request, year, form, target)
        if response is not None:
            return response
    return _target_form_page(
        request, year, form, target, status=400 if form.errors else 200
    )


@require_POST
def target_delete(request, year, pk):
    target = get_for_user_or_404(
        AnnualTarget.objects.filter(year=_year(year)), request.user, pk=pk
    )
    require(request.user, Action.DELETE, target)
    services.target_delete(target=target, by=request.user)
    messages.success(request, _("The target was removed."))
    return redirect("planning:targets", year=year)


@require_POST
def targets_copy(request, year):
    year = _year(year)
    require(request.user, Action.ADD, AnnualTarget)
    form = TargetsCopyForm(request.POST)
    if form.is_valid():
        try:
            count = services.targets_copy(
                year=year, from_year=form.cleaned_data["from_year"], by=request.user
            )
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(
                request, _("%(count)s targets were copied.") % {"count": count}
            )
    else:
        messages.error(request, _("Give the year to copy from."))
    return redirect("planning:targets", year=year)


@require_POST
def targets_approve(request, year):
    year = _year(year)
    require(request.user, Action.APPROVE, AnnualTargetSet)
    form = ApproveForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.targets_approve(year=year, by=request.user, note=note)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The targets were approved."))
    return redirect("planning:targets", year=year)


# --- Meetings and minutes -------------------------------------------------------------


def meeting_list(request):
    """Meetings the user may see, filtered and sorted."""
    require(request.user, Action.VIEW, Meeting)
    rows = (
        Meeting.objects.for_user(request.user)
        .select_related("unit", "partner")
        .annotate(
            open_actions=Count(
                "action_items", filter=Q(action_items__status=ActionStatus.OPEN)
            )
        )
    )
    filterset = MeetingFilterSet(request.GET or None, queryset=rows)
    table = MeetingTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": settings.MITRA_PAGE_SIZE}).configure(
        table
    )
    return render(
        request,
        "planning/meeting_list.html",
        {
            "filterset": filterset,
            "table": table,
            "can_add": can(request.user, Action.ADD, Meeting),
        },
    )


def _meeting_forms(request, meeting=None, initial=None):
    choices = staff_user_choices()
    data = request.POST if request.method == "POST" else None
    form = MeetingForm(
        data, initial=initial, units=_mapped_units(), user_choices=choices
    )
    attendee_initial = action_initial = None
    if meeting is not None:
        attendee_initial = [
            {
                "pk": row.pk,
                "user": row.user_id,
                "name": row.name,
                "organisation": row.organisation,
                "position": row.position,
                "present": row.present,
            }
            for row in meeting.attendees.all()
        ]
        action_initial = [
            {
                "pk": row.pk,
                "description": row.description,
                "owner": row.owner_id,
                "due_date": row.due_date,
            }
            for row in meeting.action_items.all()
        ]
    attendees = AttendeeFormSet(
        data,
        initial=attendee_initial,
        prefix="attendee",
        form_kwargs={"user_choices": choices},
    )
    actions = ActionItemFormSet(
        data,
        initial=action_initial,
        prefix="action",
        form_kwargs={"user_choices": choices},
    )
    return form, attendees, actions


def _rows(formset, fields, users):
    """Return the formset's rows to keep: saved rows and filled-in new ones."""
    rows = []
    for form in formset:
        data = form.cleaned_data
        if not data or data.get("DELETE"):
            continue
        if not data.get("pk") and not form.has_changed():
            continue
        rows.append(_row(data, fields, users))
    return rows


def _row(data, fields, users):
    row = {name: data.get(name) for name in fields}
    for name in ("user", "owner"):
        if name in row:
            row[name] = users.get(row[name]) if row[name] else None
    return row


def _meeting_values(form, users):
    data = dict(form.cleaned_data)
    data["chair"] = users.get(data["chair"]) if data.get("chair") else None
    data["minute_taker"] = (
        users.get(data["minute_taker"]) if data.get("minute_taker") else None
    )
    return data


def _save_meeting(request, form, attendees, actions, meeting=None):
    from mitra.core.models import User

    wanted = {form.cleaned_data.get("chair"), form.cleaned_data.get("minute_taker")}
    for formset, name in ((attendees, "user"), (actions, "owner")):
        wanted |= {f.cleaned_data.get(name) for f in formset if f.cleaned_data}
    users = User.objects.in_bulk([pk for pk in wanted if pk])
    values = _meeting_values(form, users)
    attendee_rows = _rows(
        attendees, ("pk", "user", "name", "organisation", "position", "present"), users
    )
    action_rows = _rows(actions, ("pk", "description", "owner", "due_date"), users)
    try:
        if meeting is None:
            meeting = services.meeting_create(
                by=request.user,
                attendees=attendee_rows,
                action_items=action_rows,
                **values,
            )
        else:
            services.meeting_update(
                meeting=meeting,
                by=request.user,
                attendees=attendee_rows,
                action_items=action_rows,
                **values,
            )
    except ValidationError as error:
        if getattr(error, "code", "") == "issued":
            raise
        add_service_errors(form, error)
        return None
    messages.success(request, _("The meeting was saved."))
    return redirect(meeting)


def _meeting_form_page(request, form, attendees, actions, meeting=None, status=200):
    return render(
        request,
        "planning/meeting_form.html",
        {
            "form": form,
            "attendees": attendees,
            "actions": actions,
            "meeting": meeting,
        },
        status=status,
    )


def _all_valid(*forms):
    # Every form is validated (no short cut), so each shows its own errors.
    results = [form.is_valid() for form in forms]
    return all(results)


def meeting_create(request):
    require(request.user, Action.ADD, Meeting)
    initial = {"date": today(), "kind": request.GET.get("kind") or MeetingKind.INTERNAL}
    if request.GET.get("unit", "").isdigit():
        initial["unit"] = int(request.GET["unit"])
    form, attendees, actions = _meeting_forms(request, initial=initial)
    if request.method == "POST" and _all_valid(form, attendees, actions):
        response = _save_meeting(request, form, attendees, actions)
        if response is not None:
            return response
    status = 400 if request.method == "POST" else 200
    return _meeting_form_page(request, form, attendees, actions, status=status)


def _meeting(request, pk):
    return get_for_user_or_404(
        Meeting.objects.select_related(
            "unit", "partner", "chair", "minute_taker", "approved_by", "created_by"
        ),
        request.user,
        pk=pk,
    )


def meeting_detail(request, pk):
    """A meeting's minutes, attendees, actions, linked proposals and versions."""
    meeting = _meeting(request, pk)
    user = request.user
    on = today()
    attendees = list(meeting.attendees.select_related("user"))
    items = list(meeting.action_items.select_related("owner", "done_by"))
    for item in items:
        item.can_change = can(user, Action.CHANGE, item)
        item.overdue = item.is_open and is_overdue(item.due_date, on)
    return render(
        request,
        "planning/meeting_detail.html",
        {
            "meeting": meeting,
            "attendees": attendees,
            "action_items": items,
            "proposals": meeting_proposals(meeting, user),
            "versions": issued_documents(meeting, kind="minutes"),
            "history": history_entries(meeting),
            "can_change": can(user, Action.CHANGE, meeting),
            "can_approve": can(user, Action.APPROVE, meeting),
            "can_delete": can(user, Action.DELETE, meeting),
            "can_propose": _can_propose(user),
        },
    )


def _can_propose(user):
    from mitra.proposals.models import Proposal

    return can(user, Action.ADD, Proposal)


def meeting_edit(request, pk):
    meeting = _meeting(request, pk)
    require(request.user, Action.CHANGE, meeting)
    if meeting.is_approved:
        return _locked(request, ISSUED_MESSAGE, meeting.get_absolute_url())
    initial = {
        name: getattr(meeting, name)
        for name in (
            "kind",
            "title",
            "date",
            "start_time",
            "end_time",
            "place",
            "agenda",
            "discussion",
            "decisions",
        )
    }
    initial.update(
        unit=meeting.unit_id,
        partner=meeting.partner_id,
        chair=meeting.chair_id,
        minute_taker=meeting.minute_taker_id,
    )
    form, attendees, actions = _meeting_forms(request, meeting, initial=initial)
    if request.method == "POST" and _all_valid(form, attendees, actions):
        try:
            response = _save_meeting(request, form, attendees, actions, meeting)
        except ValidationError:
            return _locked(request, ISSUED_MESSAGE, meeting.get_absolute_url())
        if response is not None:
            return response
    status = 400 if request.method == "POST" else 200
    return _meeting_form_page(request, form, attendees, actions, meeting, status)


@require_POST
def meeting_delete(request, pk):
    meeting = _meeting(request, pk)
    require(request.user, Action.DELETE, meeting)
    try:
        services.meeting_delete(meeting=meeting, by=request.user)
    except ValidationError as error:
        _refused(request, error)
        return redirect(meeting)
    messages.success(request, _("The meeting was deleted."))
    return redirect("planning:meeting_list")


@require_POST
def minutes_approve(request, pk):
    meeting = _meeting(request, pk)
    require(request.user, Action.APPROVE, meeting)
    try:
        document = services.minutes_approve(meeting=meeting, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("The minutes were approved and issued as version %(version)s.")
            % {"version": document.version},
        )
    return redirect(meeting)


@require_POST
def minutes_new_version(request, pk):
    meeting = _meeting(request, pk)
    require(request.user, Action.CHANGE, meeting)
    try:
        services.minutes_new_version(meeting=meeting, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("A new version is open for changes; the issued one stays on record."),
        )
    return redirect(meeting)


def action_list(request):
    """Open action items the user may see (`?mine=1`: only their own)."""
    require(request.user, Action.VIEW, Meeting)
    on = today()
    items = (
        ActionItem.objects.for_user(request.user)
        .filter(status=ActionStatus.OPEN)
        .select_related("owner", "meeting")
        .order_by("due_date", "pk")
    )
    mine = request.GET.get("mine") == "1"
    if mine:
        items = items.filter(owner=request.user)
    items = list(items[:500])
    for item in items:
        item.overdue = is_overdue(item.due_date, on)
        item.can_change = can(request.user, Action.CHANGE, item)
    return render(request, "planning/action_list.html", {"items": items, "mine": mine})


@require_POST
def action_status(request, pk):
    item = get_for_user_or_404(
        ActionItem.objects.select_related("meeting"), request.user, pk=pk
    )
    require(request.user, Action.CHANGE, item)
    done = request.POST.get("done") == "1"
    services.action_item_set_status(item=item, by=request.user, done=done)
    messages.success(
        request,
        _("The action was marked done.") if done else _("The action is open again."),
    )
    target = request.POST.get("next")
    if target == "actions":
        return redirect("planning:action_list")
    return redirect(item.meeting)


# --- The annual programme -------------------------------------------------------------


def programme_list(request):
    require(request.user, Action.VIEW, AnnualProgramme)
    programmes = AnnualProgramme.objects.for_user(request.user).annotate(
        item_count=Count("items")
    )
    form = ProgrammeOpenForm(request.POST or None, initial={"year": today().year})
    if request.method == "POST":
        require(request.user, Action.ADD, AnnualProgramme)
        if form.is_valid():
            try:
                programme = services.programme_open(
                    year=form.cleaned_data["year"],
                    by=request.user,
                    introduction=form.cleaned_data["introduction"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect(programme)
    return render(
        request,
        "planning/programme_list.html",
        {
            "programmes": programmes,
            "form": form,
            "can_add": can(request.user, Action.ADD, AnnualProgramme),
        },
        status=400 if form.errors else 200,
    )


def _programme(request, year):
    return get_for_user_or_404(
        AnnualProgramme.objects.select_related("approved_by", "created_by"),
        request.user,
        year=_year(year),
    )


def programme_detail(request, year):
    programme = _programme(request, year)
    user = request.user
    items = list(
        programme.items.select_related("partner", "unit", "target", "agreement")
        .prefetch_related("cooperation_types")
        .order_by("start_month", "pk")
    )
    for item in items:
        item.colour = ITEM_COLOURS.get(item.status, "secondary")
        item.timeline = timeline_text(item.start_month, item.end_month)
    total = sum(item.budget for item in items if item.budget is not None)
    return render(
        request,
        "planning/programme_detail.html",
        {
            "programme": programme,
            "items": items,
            "total_budget": total,
            "progress": target_progress(programme.year),
            "approval": target_set(programme.year),
            "versions": issued_documents(programme, kind="programme"),
            "history": history_entries(programme),
            "can_change": can(user, Action.CHANGE, programme),
            "can_approve": can(user, Action.APPROVE, programme),
            "status_choices": ItemStatus.choices,
        },
    )


def programme_edit(request, year):
    programme = _programme(request, year)
    require(request.user, Action.CHANGE, programme)
    if programme.is_issued:
        return _locked(request, ISSUED_MESSAGE, programme.get_absolute_url())
    form = ProgrammeIntroductionForm(
        request.POST or None, initial={"introduction": programme.introduction}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_update(
                programme=programme,
                by=request.user,
                introduction=form.cleaned_data["introduction"],
            )
        except ValidationError:
            return _locked(request, ISSUED_MESSAGE, programme.get_absolute_url())
        return redirect(programme)
    return render(
        request,
        "planning/programme_edit.html",
        {"programme": programme, "form": form},
    )


def _item_form_page(request, programme, form, item=None, status=200):
    return render(
        request,
        "planning/item_form.html",
        {"programme": programme, "form": form, "item": item},
        status=status,
    )


def _save_item(request, programme, form, item=None):
    data = dict(form.cleaned_data)
    types = data.pop("cooperation_types")
    try:
        services.programme_item_save(
            programme=programme,
            by=request.user,
            item=item,
            cooperation_types=types,
            **data,
        )
    except ValidationError as error:
        if getattr(error, "code", "") == "issued":
            return _locked(request, ISSUED_MESSAGE, programme.get_absolute_url())
        add_service_errors(form, error)
        return None
    messages.success(request, _("The initiative was saved."))
    return redirect(programme)


def item_create(request, year):
    programme = _programme(request, year)
    require(request.user, Action.CHANGE, programme)
    if programme.is_issued:
        return _locked(request, ISSUED_MESSAGE, programme.get_absolute_url())
    form = ProgrammeItemForm(
        request.POST or None,
        units=_mapped_units(),
        year=programme.year,
        initial={"status": ItemStatus.PLANNED},
    )
    if request.method == "POST" and form.is_valid():
        response = _save_item(request, programme, form)
        if response is not None:
            return response
    return _item_form_page(request, programme, form, status=400 if form.errors else 200)


def _item(request, pk):
    return get_for_user_or_404(
        ProgrammeItem.objects.select_related("programme"), request.user, pk=pk
    )


def item_edit(request, pk):
    item = _item(request, pk)
    programme = item.programme
    require(request.user, Action.CHANGE, item)
    if programme.is_issued:
        return _locked(request, ISSUED_MESSAGE, programme.get_absolute_url())
    initial = {
        name: getattr(item, name)
        for name in (
            "title",
            "partner_profile",
            "start_month",
            "end_month",
            "budget",
            "funding_source",
            "status",
            "notes",
        )
    }
    initial.update(
        partner=item.partner_id,
        unit=item.unit_id,
        target=item.target_id,
        cooperation_types=list(item.cooperation_types.values_list("pk", flat=True)),
    )
    form = ProgrammeItemForm(
        request.POST or None,
        units=_mapped_units(),
        year=programme.year,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        response = _save_item(request, programme, form, item)
        if response is not None:
            return response
    return _item_form_page(
        request, programme, form, item, status=400 if form.errors else 200
    )


@require_POST
def item_delete(request, pk):
    item = _item(request, pk)
    require(request.user, Action.CHANGE, item)
    try:
        services.programme_item_delete(item=item, by=request.user)
    except ValidationError:
        return _locked(request, ISSUED_MESSAGE, item.programme.get_absolute_url())
    messages.success(request, _("The initiative was removed."))
    return redirect(item.programme)


@require_POST
def item_status(request, pk):
    item = _item(request, pk)
    require(request.user, Action.CHANGE, item)
    form = ItemStatusForm(request.POST)
    if form.is_valid():
        services.programme_item_set_status(
            item=item, by=request.user, status=form.cleaned_data["status"]
        )
        messages.success(request, _("The initiative's status was saved."))
    else:
        messages.error(request, _("Choose a status."))
    return redirect(item.programme)


def _approved_proposals(programme, user):
    """Approved proposals of the programme's year not in it yet."""
    from mitra.proposals.models import Proposal, Status

    taken = programme.items.exclude(proposal__isnull=True).values("proposal_id")
    return (
        Proposal.objects.for_user(user)
        .filter(year=programme.year, status=Status.APPROVED)
        .exclude(pk__in=taken)
        .select_related("unit", "partner")
        .prefetch_related("cooperation_types")
        .order_by("pk")
    )


def programme_from_proposals(request, year):
    """Add initiatives from the year's approved proposals."""
    programme = _programme(request, year)
    require(request.user, Action.CHANGE, programme)
    if programme.is_issued:
        return _locked(request, ISSUED_MESSAGE, programme.get_absolute_url())
    proposals = _approved_proposals(programme, request.user)
    if request.method == "POST":
        chosen = [pk for pk in request.POST.getlist("proposal") if pk.isdigit()]
        picked = list(proposals.filter(pk__in=chosen))
        if not picked:
            messages.error(request, _("Choose at least one proposal."))
        else:
            created = services.programme_add_proposals(
                programme=programme, proposals=picked, by=request.user
            )
            messages.success(
                request,
                _("%(count)s initiatives were added.") % {"count": len(created)},
            )
            return redirect(programme)
    return render(
        request,
        "planning/programme_from_proposals.html",
        {"programme": programme, "proposals": list(proposals)},
    )


@require_POST
def programme_from_target(request, year, target_pk):
    programme = _programme(request, year)
    require(request.user, Action.CHANGE, programme)
    target = get_for_user_or_404(
        AnnualTarget.objects.filter(year=programme.year), request.user, pk=target_pk
    )
    try:
        item = services.programme_add_target(
            programme=programme, target=target, by=request.user
        )
    except ValidationError:
        return _locked(request, ISSUED_MESSAGE, programme.get_absolute_url())
    messages.success(request, _("The initiative was added; complete it now."))
    return redirect("planning:item_edit", pk=item.pk)


@require_POST
def programme_approve(request, year):
    programme = _programme(request, year)
    require(request.user, Action.APPROVE, programme)
    try:
        document = services.programme_approve(programme=programme, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("The programme was approved and issued as version %(version)s.")
            % {"version": document.version},
        )
    return redirect(programme)


@require_POST
def programme_new_version(request, year):
    programme = _programme(request, year)
    require(request.user, Action.CHANGE, programme)
    try:
        services.programme_new_version(programme=programme, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("A new version is open for changes; the issued one stays on record."),
        )
    return redirect(programme)


# --- Multi-year plans -----------------------------------------------------------------


def plan_list(request):
    """Uploaded multi-year plans, newest first, with the one in force."""
    require(request.user, Action.VIEW, MultiYearPlan)
    plans = list(
        MultiYearPlan.objects.for_user(request.user).select_related("uploaded_by")
    )
    year = today().year
    current = next(
        (plan for plan in plans if plan.covers(year) and plan.approved_on), None
    )
    return render(
        request,
        "planning/plan_list.html",
        {
            "plans": plans,
            "current": current,
            "can_add": can(request.user, Action.ADD, MultiYearPlan),
            "can_change": can(request.user, Action.CHANGE, MultiYearPlan),
        },
    )


def plan_create(request):
    require(request.user, Action.ADD, MultiYearPlan)
    form = PlanUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.plan_upload(by=request.user, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The plan was uploaded."))
            return redirect("planning:plans")
    return render(
        request,
        "planning/plan_form.html",
        {"form": form, "plan": None},
        status=400 if form.errors else 200,
    )


def plan_edit(request, pk):
    plan = get_for_user_or_404(MultiYearPlan.objects.all(), request.user, pk=pk)
    require(request.user, Action.CHANGE, plan)
    initial = {
        name: getattr(plan, name)
        for name in ("title", "start_year", "end_year", "approved_on", "notes")
    }
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(plan=plan, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The plan was saved."))
            return redirect("planning:plans")
    return render(
        request,
        "planning/plan_form.html",
        {"form": form, "plan": plan, "history": history_entries(plan)},
        status=400 if form.errors else 200,
    )


def plan_file(request, pk):
    plan = get_for_user_or_404(MultiYearPlan.objects.all(), request.user, pk=pk)
    return attachment_response(plan.file)


# --- The identification workspace -----------------------------------------------------


def workspace_current(request):
    require(request.user, Action.IDENTIFY, NeedsMapping)
    return redirect("planning:workspace", year=today().year)


def workspace(request, year):
    """The head's view of everything cooperation is identified from."""
    year = _year(year)
    require(request.user, Action.IDENTIFY, NeedsMapping)
    context = workspace_context(year, user=request.user)
    context["years"] = [year - 1, year, year + 1]
    context["programme"] = AnnualProgramme.objects.filter(year=year).first()
    context["plan"] = (
        MultiYearPlan.objects.filter(start_year__lte=year, end_year__gte=year)
        .exclude(approved_on__isnull=True)
        .order_by("-start_year", "-pk")
        .first()
    )
    context["meeting_url"] = reverse("planning:meeting_create")
    return render(request, "planning/workspace.html", context)
