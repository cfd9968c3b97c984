"""Pages of agreements and of the activities carried out under them.

Views stay thin: records are found through the permission gate, changes go
through `mitra.agreements.services`.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, IntegerField, OuterRef, Prefetch, Sum
from django.db.models.functions import Coalesce
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin

from mitra.agreements import services
from mitra.agreements.filters import AgreementFilterSet
from mitra.agreements.forms import (
    ActivityForm,
    AgreementForm,
    EvidenceForm,
    EvidenceFormSet,
    ParticipationFormSet,
    add_service_errors,
    participation_initial,
)
from mitra.agreements.models import (
    SIGNED_STATUSES,
    Activity,
    Agreement,
    Evidence,
    Status,
    Validity,
)
from mitra.agreements.services import PARTICIPATION_COUNTS
from mitra.agreements.tables import AgreementTable
from mitra.core.clock import today
from mitra.core.exports import csv_response, xlsx_response
from mitra.core.fields import Scope
from mitra.core.files import attachment_response
from mitra.core.history import history_entries
from mitra.core.models import Unit
from mitra.core.numbering import proposed_agreement_number
from mitra.core.permissions import (
    Action,
    can,
    get_for_user_or_404,
    manages_all,
    require,
)

# --- Lists ----------------------------------------------------------------


def agreement_list_queryset(user, on=None):
    """Agreements `user` may see, ready for the list, its filters and export."""
    on = on or today()
    return (
        Agreement.objects.for_user(user)
        .with_validity(on)
        .with_effective_scope()
        .select_related("partner__kind")
        .prefetch_related(
            "units",
            Prefetch(
                "parents",
                queryset=Agreement.objects.for_user(user).order_by("number"),
            ),
        )
    )


class AgreementListView(SingleTableMixin, FilterView):
    """All agreements the viewer may see: filter, sort, search, export."""

    table_class = AgreementTable
    filterset_class = AgreementFilterSet
    template_name = "agreements/agreement_list.html"
    strict = False

    def get_queryset(self):
        return agreement_list_queryset(self.request.user)

    def get_table_pagination(self, table):
        return {"per_page": settings.MITRA_PAGE_SIZE}

    def get(self, request, *args, **kwargs):
        export = request.GET.get("export")
        if export in ("csv", "xlsx"):
            return self.export(export)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = can(self.request.user, Action.ADD, Agreement)
        return context

    def export(self, kind):
        filterset = self.get_filterset(self.get_filterset_class())
        table = AgreementTable(filterset.qs)
        RequestConfig(self.request, paginate=False).configure(table)
        rows = (export_row(agreement) for agreement in table.data.data)
        filename = f"agreements-{today():%Y-%m-%d}"
        if kind == "csv":
            return csv_response(filename, export_headers(), rows)
        return xlsx_response(filename, export_headers(), rows, title=_("Agreements"))


def export_headers():
    return [
        _("Number"),
        _("Type"),
        _("Title"),
        _("Partner"),
        _("Partner kind"),
        _("Scope"),
        _("Fields"),
        _("Units"),
        _("Start"),
        _("End"),
        _("Status"),
        _("Validity"),
        _("Parent numbers"),
    ]


def export_row(agreement):
    kind = agreement.partner.kind
    return [
        agreement.number or "",
        agreement.get_document_type_display(),
        agreement.title,
        agreement.partner.name,
        kind.name if kind else "",
        Scope(agreement.effective_scope_value).label,
        agreement.fields_display(),
        ", ".join(unit.code for unit in agreement.units.all()),
        agreement.start_date,
        agreement.end_date or _("open-ended"),
        agreement.get_status_display(),
        Validity(agreement.validity).label,
        ", ".join(parent.number or "" for parent in agreement.parents.all()),
    ]


class ExpiringListView(View):
    """In-force agreements ending within the expiring window, soonest first."""

    def get(self, request):
        on = today()
        signed_renewal = Agreement.objects.filter(
            renews=OuterRef("pk"), status__in=SIGNED_STATUSES
        )
        agreements = (
            Agreement.objects.for_user(request.user)
            .expiring(on)
            .exclude(Exists(signed_renewal))
            .select_related("partner")
            .prefetch_related("units")
            .order_by("end_date", "pk")
        )
        rows = [
            {
                "agreement": agreement,
                "days_left": (agreement.end_date - on).days,
                "in_renewal": agreement.status == Status.IN_RENEWAL,
            }
            for agreement in agreements
        ]
        return render(
            request,
            "agreements/expiring.html",
            {"rows": rows, "days": settings.MITRA_EXPIRING_DAYS, "today": on},
        )


# --- One agreement ------------------------------------------------------------


def _activities_with_totals():
    totals = {
        f"total_{key}": Coalesce(
            Sum(f"participations__{key}"), 0, output_field=IntegerField()
        )
        for key in PARTICIPATION_COUNTS
    }
    return (
        Activity.objects.select_related("unit", "form")
        .annotate(**totals)
        .prefetch_related("evidence")
        .order_by("-start_date", "-pk")
    )


class AgreementDetailView(View):
    """Everything about one agreement, its relatives, activities and history."""

    def get(self, request, pk):
        user, on = request.user, today()
        relatives = (
            Agreement.objects.for_user(user)
            .with_validity(on)
            .select_related("partner")
            .order_by("start_date", "pk")
        )
        agreement = get_for_user_or_404(
            Agreement.objects.select_related(
                "partner__kind", "responsible_user", "partner_contact", "created_by"
            ).prefetch_related(
                "units",
                "cooperation_types",
                Prefetch("parents", queryset=relatives),
                Prefetch("children", queryset=relatives),
                Prefetch("renewals", queryset=relatives),
                Prefetch("activities", queryset=_activities_with_totals()),
            ),
            user,
            pk=pk,
        )
        renews = (
            relatives.filter(pk=agreement.renews_id).first()
            if agreement.renews_id
            else None
        )
        activities = agreement.activities.all()
        totals = {
            key: sum(getattr(activity, f"total_{key}") for activity in activities)
            for key in PARTICIPATION_COUNTS
        }
        return render(
            request,
            "agreements/agreement_detail.html",
            {
                "agreement": agreement,
                "validity": agreement.validity_on(on),
                "renews": renews,
                "activities": activities,
                "totals": totals,
                "evidence": [
                    (activity, item)
                    for activity in activities
                    for item in activity.evidence.all()
                ],
                "warnings": services.agreement_warnings(agreement),
                "history": history_entries(agreement),
                "can_change": can(user, Action.CHANGE, agreement),
                "can_delete": can(user, Action.DELETE, agreement),
                "can_add_activity": can(user, Action.ADD_ACTIVITY, agreement),
            },
        )


def signed_file(request, pk):
    """Download the signed PDF of an agreement the viewer may see."""
    agreement = get_for_user_or_404(Agreement.objects.all(), request.user, pk=pk)
    name = f"{agreement.number or agreement.pk}.pdf".replace("/", "-")
    return attachment_response(agreement.signed_file, filename=name)


def _form_agreement(user, pk):
    return get_for_user_or_404(
        Agreement.objects.select_related("partner").prefetch_related(
            "units", "parents", "cooperation_types"
        ),
        user,
        pk=pk,
    )


def proposed_number(request):
    """The number the office's pattern proposes for a document type (a preview).

    Nothing is consumed: the number is issued only when an agreement is
    saved with it, and later previews skip numbers already in use.
    """
    unit = None
    if code := request.GET.get("unit", ""):
        unit = Unit.objects.for_user(request.user).filter(pk=code).first()
    number = proposed_agreement_number(
        document_type=request.GET.get("document_type", ""), unit=unit
    )
    return JsonResponse({"number": number})


class AgreementCreateView(View):
    template_name = "agreements/agreement_form.html"

    def get(self, request):
        require(request.user, Action.ADD, Agreement)
        form = AgreementForm(user=request.user, initial=self.initial())
        return self.show(form)

    def post(self, request):
        require(request.user, Action.ADD, Agreement)
        form = AgreementForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            try:
                result = services.agreement_create(
                    by=request.user, **form.service_values()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                _report(request, result, _("The agreement was recorded."))
                return redirect(result.agreement)
        return self.show(form)

    def initial(self):
        user, initial = self.request.user, {"status": Status.DRAFT}
        if not manages_all(user):
            initial["units"] = list(user.units.values_list("pk", flat=True))
        partner = self.request.GET.get("partner", "")
        if partner.isdigit():
            initial["partner"] = int(partner)
        return initial

    def show(self, form):
        return render(
            self.request, self.template_name, {"form": form, "agreement": None}
        )


class AgreementUpdateView(View):
    template_name = "agreements/agreement_form.html"

    def get(self, request, pk):
        agreement = _form_agreement(request.user, pk)
        require(request.user, Action.CHANGE, agreement)
        form = AgreementForm(user=request.user, agreement=agreement)
        return self.show(form, agreement)

    def post(self, request, pk):
        agreement = _form_agreement(request.user, pk)
        require(request.user, Action.CHANGE, agreement)
        form = AgreementForm(
            request.POST, request.FILES, user=request.user, agreement=agreement
        )
        if form.is_valid():
            try:
                result = services.agreement_update(
                    agreement=agreement, by=request.user, **form.service_values()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                text = (
                    _("The agreement was saved.")
                    if result.changed
                    else _("Nothing was changed.")
                )
                _report(request, result, text)
                return redirect(agreement)
        return self.show(form, agreement)

    def show(self, form, agreement):
        return render(
            self.request, self.template_name, {"form": form, "agreement": agreement}
        )


def _report(request, result, text):
    messages.success(request, text)
    for warning in result.warnings:
        messages.warning(request, warning)


class AgreementDeleteView(View):
    """Delete a draft after confirmation."""

    def get(self, request, pk):
        agreement = _form_agreement(request.user, pk)
        require(request.user, Action.DELETE, agreement)
        return render(
            request,
            "agreements/agreement_confirm_delete.html",
            {"agreement": agreement},
        )

    def post(self, request, pk):
        agreement = _form_agreement(request.user, pk)
        require(request.user, Action.DELETE, agreement)
        try:
            services.agreement_delete(agreement=agreement, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(agreement)
        messages.success(request, _("The draft was deleted."))
        return redirect("agreements:list")


# --- Activities -------------------------------------------------------------------


def _activity(user, pk):
    return get_for_user_or_404(
        Activity.objects.select_related(
            "agreement__partner", "unit", "form"
        ).prefetch_related("agreement__units", "participations__unit", "evidence"),
        user,
        pk=pk,
    )


class ActivityDetailView(View):
    def get(self, request, pk):
        activity = _activity(request.user, pk)
        participations = activity.participations.all()
        can_change = can(request.user, Action.CHANGE, activity)
        return render(
            request,
            "agreements/activity_detail.html",
            {
                "activity": activity,
                "agreement": activity.agreement,
                "participations": participations,
                "totals": services.participation_totals(participations),
                "evidence_form": EvidenceForm(prefix="evidence")
                if can_change
                else None,
                "history": history_entries(activity),
                "can_change": can_change,
                "can_delete": can(request.user, Action.DELETE, activity),
            },
        )


class ActivityFormView(View):
    """Create (under an agreement) or edit an activity, with its counts
    per study programme and new evidence files."""

    template_name = "agreements/activity_form.html"

    def dispatch(self, request, *args, **kwargs):
        if "agreement_pk" in kwargs:
            self.activity = None
            self.agreement = _form_agreement(request.user, kwargs["agreement_pk"])
            require(request.user, Action.ADD_ACTIVITY, self.agreement)
        else:
            self.activity = _activity(request.user, kwargs["pk"])
            self.agreement = self.activity.agreement
            require(request.user, Action.CHANGE, self.activity)
        return super().dispatch(request)

    def get(self, request):
        initial = participation_initial(self.activity) if self.activity else []
        return self.show(
            self.make_form(),
            ParticipationFormSet(prefix="participations", initial=initial),
            EvidenceFormSet(prefix="evidence"),
        )

    def post(self, request):
        form = self.make_form(request.POST)
        initial = participation_initial(self.activity) if self.activity else []
        participations = ParticipationFormSet(
            request.POST, prefix="participations", initial=initial
        )
        evidence = EvidenceFormSet(request.POST, request.FILES, prefix="evidence")
        if form.is_valid() and participations.is_valid() and evidence.is_valid():
            try:
                activity = self.save(form, participations, evidence)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The activity was saved."))
                return redirect(activity)
        return self.show(form, participations, evidence)

    @transaction.atomic
    def save(self, form, participations, evidence):
        user = self.request.user
        if self.activity is None:
            activity = services.activity_create(
                agreement=self.agreement,
                by=user,
                participations=participations.rows(),
                **form.service_values(),
            )
        else:
            activity = services.activity_update(
                activity=self.activity,
                by=user,
                participations=participations.rows(),
                **form.service_values(),
            )
        for evidence_form in evidence.forms:
            if evidence_form.cleaned_data:
                services.evidence_add(
                    activity=activity, by=user, **evidence_form.cleaned_data
                )
        return activity

    def make_form(self, data=None):
        return ActivityForm(
            data,
            user=self.request.user,
            agreement=self.agreement,
            activity=self.activity,
        )

    def show(self, form, participations, evidence):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "participations": participations,
                "evidence": evidence,
                "agreement": self.agreement,
                "activity": self.activity,
            },
        )


class ActivityDeleteView(View):
    def get(self, request, pk):
        activity = _activity(request.user, pk)
        require(request.user, Action.DELETE, activity)
        return render(
            request, "agreements/activity_confirm_delete.html", {"activity": activity}
        )

    def post(self, request, pk):
        activity = _activity(request.user, pk)
        require(request.user, Action.DELETE, activity)
        agreement = activity.agreement
        services.activity_delete(activity=activity, by=request.user)
        messages.success(request, _("The activity was deleted."))
        return redirect(agreement)


def evidence_add(request, pk):
    """Attach one evidence file to an activity (from its page)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    activity = _activity(request.user, pk)
    require(request.user, Action.CHANGE, activity)
    form = EvidenceForm(request.POST, request.FILES, prefix="evidence")
    if form.is_valid():
        try:
            services.evidence_add(
                activity=activity, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The file was added."))
            return redirect(activity)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect(activity)


def evidence_file(request, pk):
    """Download an evidence file the viewer may see."""
    evidence = get_for_user_or_404(Evidence.objects.all(), request.user, pk=pk)
    return attachment_response(evidence.file)


def evidence_delete(request, pk):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    evidence = get_for_user_or_404(
        Evidence.objects.select_related("activity__agreement"), request.user, pk=pk
    )
    require(request.user, Action.CHANGE, evidence)
    activity = evidence.activity
    services.evidence_delete(evidence=evidence, by=request.user)
    messages.success(request, _("The file was removed."))
    return redirect(reverse("agreements:activity", args=[activity.pk]))
