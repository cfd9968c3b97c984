"""Pages of proposals, calls for proposals, the analysis and the public form.

Views stay thin: records are found through the permission gate, changes go
through `mitra.proposals.services`. The public pages (a partner's request
and the signed link to follow it) need no account and are rate-limited per
client address.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import (
    FieldDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.generic import View
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin

from mitra.core.clock import today
from mitra.core.exports import csv_response, xlsx_response
from mitra.core.files import attachment_response
from mitra.core.history import history_entries
from mitra.core.models import NumberingPattern, Unit
from mitra.core.permissions import (
    Action,
    acting_unit_ids,
    can,
    get_for_user_or_404,
    manages_all,
    reads_all,
    require,
)
from mitra.core.ratelimit import rate_limited, too_many_requests
from mitra.core.units import descendant_ids
from mitra.proposals import selectors, services
from mitra.proposals.filters import ProposalFilterSet
from mitra.proposals.forms import (
    CallDeclineForm,
    CallForm,
    DecisionForm,
    ProposalForm,
    PublicProposalForm,
    PublicRevisionForm,
    ReviewersForm,
    ReviewForm,
    RubricFormSet,
    StatusLinkRequestForm,
    StepForm,
    add_service_errors,
)
from mitra.proposals.models import (
    AWAITING_OFFICE,
    CallDecline,
    CallForProposals,
    EventKind,
    Proposal,
    ProposalAttachment,
    Review,
    RubricCriterion,
    Source,
    Status,
)
from mitra.proposals.tables import ProposalTable


def _posted(request, *, files=False):
    """The submitted data of a POST (even an empty one), None otherwise."""
    if request.method != "POST":
        return None
    return request.FILES if files else request.POST


# --- The list ------------------------------------------------------------------


def proposal_list_queryset(user):
    return Proposal.objects.for_user(user).select_related("unit", "partner")


class ProposalListView(SingleTableMixin, FilterView):
    """Every proposal the viewer may see: filter, sort, export."""

    table_class = ProposalTable
    filterset_class = ProposalFilterSet
    template_name = "proposals/proposal_list.html"
    strict = False

    def get_queryset(self):
        return proposal_list_queryset(self.request.user)

    def get_table_pagination(self, table):
        return {"per_page": settings.MITRA_PAGE_SIZE}

    def get(self, request, *args, **kwargs):
        export = request.GET.get("export")
        if export in ("csv", "xlsx"):
            return self.export(export)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = can(self.request.user, Action.ADD, Proposal)
        context["can_open_call"] = can(self.request.user, Action.ADD, CallForProposals)
        return context

    def export(self, kind):
        filterset = self.get_filterset(self.get_filterset_class())
        table = ProposalTable(filterset.qs)
        RequestConfig(self.request, paginate=False).configure(table)
        headers = [
            _("Number"),
            _("Year"),
            _("Title"),
            _("Proposer"),
            _("Partner"),
            _("Intended document"),
            _("Source"),
            _("Status"),
            _("Score"),
            _("Submitted"),
        ]
        rows = (
            [
                proposal.number or "",
                proposal.year,
                proposal.title,
                proposal.proposer_display,
                proposal.partner_display,
                proposal.get_document_type_display(),
                proposal.get_source_display(),
                proposal.get_status_display(),
                proposal.score if proposal.score is not None else "",
                proposal.submitted_at.date() if proposal.submitted_at else "",
            ]
            for proposal in table.data.data
        )
        filename = f"proposals-{today():%Y-%m-%d}"
        if kind == "csv":
            return csv_response(filename, headers, rows)
        return xlsx_response(filename, headers, rows, title=_("Proposals"))


# --- One proposal -------------------------------------------------------------


def _proposal(user, pk, queryset=None):
    return get_for_user_or_404(
        queryset if queryset is not None else selectors.proposal_detail_queryset(),
        user,
        pk=pk,
    )


#: The workflow steps offered on the detail page, in order.
STEPS = {
    "submit": (Status.SUBMITTED, Action.SUBMIT),
    "start-analysis": (Status.UNDER_ANALYSIS, Action.ANALYSE),
    "request-revision": (Status.REVISION_REQUESTED, Action.ANALYSE),
    "withdraw": (Status.WITHDRAWN, Action.WITHDRAW),
}


def _available_steps(user, proposal):
    return [
        name
        for name, (to, action) in STEPS.items()
        if services.can_move(proposal, to) and can(user, action, proposal)
    ]


def proposal_detail(request, pk):
    user = request.user
    proposal = _proposal(user, pk)
    steps = _available_steps(user, proposal)
    events = list(proposal.events.all())
    revision_note = ""
    if proposal.status == Status.REVISION_REQUESTED:
        revision_note = next(
            (e.comment for e in reversed(events) if e.to_status == proposal.status), ""
        )
    numbering_missing = (
        not proposal.number
        and proposal.status != Status.DRAFT
        and manages_all(user)
        and not NumberingPattern.objects.filter(kind=services.NUMBERING_KIND).exists()
    )
    return render(
        request,
        "proposals/proposal_detail.html",
        {
            "proposal": proposal,
            "events": events,
            "revision_note": revision_note,
            "reviews": proposal.reviews.all(),
            "steps": steps,
            "can_change": can(user, Action.CHANGE, proposal),
            "can_delete": can(user, Action.DELETE, proposal),
            "can_view_analysis": can(user, Action.VIEW_ANALYSIS, proposal),
            "can_decide": can(user, Action.DECIDE, proposal)
            and (
                services.can_move(proposal, Status.APPROVED)
                or services.can_move(proposal, Status.REJECTED)
            ),
            "can_view_agreement": proposal.agreement_id is not None
            and can(user, Action.VIEW, proposal.agreement),
            "numbering_missing": numbering_missing,
            "history": history_entries(proposal) if reads_all(user) else [],
        },
    )


class ProposalFormView(View):
    """Create or edit a proposal; "submit" also hands it in."""

    template_name = "proposals/proposal_form.html"

    def dispatch(self, request, *args, **kwargs):
        if "pk" in kwargs:
            self.proposal = _proposal(
                request.user,
                kwargs["pk"],
                Proposal.objects.select_related("call", "unit").prefetch_related(
                    "cooperation_types", "attachments"
                ),
            )
            require(request.user, Action.CHANGE, self.proposal)
        else:
            self.proposal = None
            require(request.user, Action.ADD, Proposal)
        return super().dispatch(request)

    def get(self, request):
        return self.show(self.make_form(initial=self.initial()))

    def post(self, request):
        form = self.make_form(data=request.POST, files=request.FILES)
        submit = "submit" in request.POST
        if form.is_valid():
            values = form.service_values()
            try:
                if self.proposal is None:
                    proposal = services.proposal_create(
                        by=request.user, submit=submit, **values
                    )
                else:
                    proposal = services.proposal_update(
                        proposal=self.proposal,
                        by=request.user,
                        submit=submit,
                        **values,
                    )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if submit:
                    messages.success(request, _("The proposal was submitted."))
                else:
                    messages.success(request, _("The proposal was saved."))
                return redirect(proposal)
        return self.show(form)

    def initial(self):
        if self.proposal is not None:
            return {}
        user, initial = self.request.user, {"year": today().year}
        if not manages_all(user):
            units = list(user.units.filter(is_active=True)[:2])
            if len(units) == 1:
                initial["unit"] = units[0].pk
        call = self.request.GET.get("call", "")
        if call.isdigit():
            initial["call"] = int(call)
            initial["source"] = Source.CALL
        meeting = self.request.GET.get("meeting", "")
        if meeting.isdigit():
            initial["meeting"] = int(meeting)
        return initial

    def make_form(self, **kwargs):
        instance = self.proposal or Proposal()
        return ProposalForm(user=self.request.user, instance=instance, **kwargs)

    def show(self, form):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "proposal": self.proposal,
                "office_fields": [
                    form[name]
                    for name in ProposalForm.OFFICE_ONLY
                    if name in form.fields
                ],
            },
        )


@require_http_methods(["GET", "POST"])
def proposal_delete(request, pk):
    proposal = _proposal(request.user, pk, Proposal.objects.all())
    require(request.user, Action.DELETE, proposal)
    if request.method == "POST":
        try:
            services.proposal_delete(proposal=proposal, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(proposal)
        messages.success(request, _("The draft was deleted."))
        return redirect("proposals:list")
    return render(
        request, "proposals/proposal_confirm_delete.html", {"proposal": proposal}
    )


_STEP_TEXT = {
    "submit": {
        "title": _("Submit the proposal"),
        "button": _("Submit"),
        "done": _("The proposal was submitted."),
    },
    "start-analysis": {
        "title": _("Take the proposal into analysis"),
        "button": _("Start the analysis"),
        "done": _("The proposal is under analysis."),
    },
    "request-revision": {
        "title": _("Ask for a revision"),
        "button": _("Send back for revision"),
        "done": _("The proposal was sent back for revision."),
        "label": _("What should be revised"),
    },
    "withdraw": {
        "title": _("Withdraw the proposal"),
        "button": _("Withdraw"),
        "done": _("The proposal was withdrawn."),
    },
}


@require_http_methods(["GET", "POST"])
def proposal_step(request, pk, step):
    """One step of the workflow, with its comment."""
    if step not in STEPS:
        raise Http404
    to, action = STEPS[step]
    proposal = _proposal(request.user, pk, Proposal.objects.select_related("call"))
    require(request.user, action, proposal)
    text = _STEP_TEXT[step]
    required = step == "request-revision"
    form = StepForm(_posted(request), required=required, label=text.get("label"))
    if request.method == "POST" and form.is_valid():
        comment = form.cleaned_data["comment"]
        try:
            _do_step(step, proposal, request.user, comment)
        except ValidationError as error:
            if hasattr(error, "error_dict") and "comment" in error.error_dict:
                add_service_errors(form, error)
            elif step == "submit" and hasattr(error, "error_dict"):
                # Incomplete: the edit form shows each missing field.
                messages.error(
                    request,
                    _("The proposal is not complete yet: %(fields)s.")
                    % {"fields": ", ".join(_field_labels(error.error_dict))},
                )
                return redirect("proposals:edit", pk=proposal.pk)
            else:
                messages.error(request, " ".join(error.messages))
                return redirect(proposal)
        else:
            messages.success(request, text["done"])
            return redirect(proposal)
    if request.method == "GET" and not services.can_move(proposal, to):
        messages.error(
            request,
            _("A proposal that is %(status)s cannot take this step.")
            % {"status": proposal.get_status_display().lower()},
        )
        return redirect(proposal)
    return render(
        request,
        "proposals/proposal_step.html",
        {"proposal": proposal, "form": form, "step": step, "text": text},
    )


def _field_labels(names):
    labels = {"tridharma": _("Tridharma fields")}
    found = []
    for name in names:
        if name in labels:
            found.append(str(labels[name]))
            continue
        try:
            found.append(str(Proposal._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:
            found.append(name)
    return found


def _do_step(step, proposal, user, comment):
    if step == "submit":
        services.proposal_submit(proposal=proposal, by=user, comment=comment)
    elif step == "start-analysis":
        services.proposal_start_analysis(proposal=proposal, by=user, comment=comment)
    elif step == "request-revision":
        services.proposal_request_revision(proposal=proposal, by=user, comment=comment)
    elif step == "withdraw":
        services.proposal_withdraw(proposal=proposal, by=user, comment=comment)


@require_http_methods(["GET", "POST"])
def proposal_decide(request, pk):
    """The head's decision; an approval makes the agreement draft."""
    proposal = _proposal(request.user, pk)
    require(request.user, Action.DECIDE, proposal)
    form = DecisionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.proposal_decide(
                proposal=proposal,
                by=request.user,
                approve=approve,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            _undo_unsaved(proposal)
            add_service_errors(form, error)
        else:
            if approve:
                messages.success(
                    request,
                    _("The proposal was approved; its agreement draft is ready."),
                )
                return redirect(proposal.agreement)
            messages.success(request, _("The proposal was rejected."))
            return redirect(proposal)
    breakdown = services.score_breakdown(proposal, reviews=proposal.reviews.all())
    return render(
        request,
        "proposals/proposal_decide.html",
        {
            "proposal": proposal,
            "form": form,
            "breakdown": breakdown,
            "can_decide": services.can_move(proposal, Status.APPROVED)
            or services.can_move(proposal, Status.REJECTED),
        },
    )


def _undo_unsaved(proposal):
    """Forget in-memory changes a refused service made to `proposal`."""
    proposal.refresh_from_db()


def tor_file(request, pk):
    proposal = _proposal(request.user, pk, Proposal.objects.all())
    return attachment_response(proposal.tor_file)


def attachment_file(request, pk):
    attachment = get_for_user_or_404(
        ProposalAttachment.objects.all(), request.user, pk=pk
    )
    return attachment_response(attachment.file)


@require_POST
def attachment_delete(request, pk):
    attachment = get_for_user_or_404(
        ProposalAttachment.objects.select_related("proposal"), request.user, pk=pk
    )
    require(request.user, Action.CHANGE, attachment)
    proposal = attachment.proposal
    try:
        services.attachment_delete(attachment=attachment, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The file was removed."))
    return redirect(proposal)


# --- Analysis -------------------------------------------------------------------


def _analysis_proposal(user, pk):
    return _proposal(
        user,
        pk,
        Proposal.objects.select_related(
            "unit", "partner__kind", "partner_kind", "call", "created_by"
        ).prefetch_related(
            "cooperation_types",
            Prefetch(
                "reviews",
                queryset=Review.objects.select_related("reviewer", "assigned_by")
                .prefetch_related("scores")
                .order_by("created_at", "pk"),
            ),
        ),
    )


@require_http_methods(["GET", "POST"])
def proposal_analysis(request, pk):
    """The rubric scores, the reviewer's own form and what to weigh them with."""
    user = request.user
    proposal = _analysis_proposal(user, pk)
    require(user, Action.VIEW_ANALYSIS, proposal)
    criteria = services.active_criteria()
    reviews = list(proposal.reviews.all())
    own = next((review for review in reviews if review.reviewer_id == user.pk), None)
    may_review = own is not None and proposal.status in AWAITING_OFFICE

    form = None
    if may_review:
        form = ReviewForm(
            _posted(request), criteria=criteria, review=own, prefix="review"
        )
    if request.method == "POST":
        if not may_review:
            if own is None:
                raise PermissionDenied
            messages.error(
                request, _("Scores are given while the proposal is being analysed.")
            )
            return redirect("proposals:analysis", pk=proposal.pk)
        if form.is_valid():
            complete = "complete" in request.POST
            try:
                services.review_save(
                    review=own,
                    by=user,
                    scores=form.scores(),
                    recommendation=form.cleaned_data["recommendation"],
                    comment=form.cleaned_data["comment"],
                    complete=complete,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Your review is complete.")
                    if complete
                    else _("Your scores were saved."),
                )
                return redirect("proposals:analysis", pk=proposal.pk)

    scores = [
        (score.review_id, score.criterion_id, score.value)
        for review in reviews
        for score in review.scores.all()
    ]
    breakdown = services.score_breakdown(
        proposal, criteria=criteria, reviews=reviews, scores=scores
    )
    # A reviewer sees the others' scores once their own review is complete,
    # so the first opinions are their own.
    sees_all = reads_all(user) or (own is not None and own.completed_at is not None)
    return render(
        request,
        "proposals/proposal_analysis.html",
        {
            "proposal": proposal,
            "criteria": criteria,
            "breakdown": breakdown,
            "reviews": reviews,
            "own": own,
            "form": form,
            "sees_all": sees_all,
            "reviewers_form": ReviewersForm(
                proposal=proposal,
                initial={"reviewers": [review.reviewer for review in reviews]},
            )
            if can(user, Action.ASSIGN_REVIEWERS, proposal)
            and proposal.status in AWAITING_OFFICE
            else None,
            "can_decide": can(user, Action.DECIDE, proposal)
            and services.can_move(proposal, Status.APPROVED),
            "history": selectors.partner_history(proposal, user),
            "planning": selectors.planning_context(proposal),
            "weight_total": sum(criterion.weight for criterion in criteria),
        },
    )


@require_POST
def proposal_reviewers(request, pk):
    proposal = _proposal(request.user, pk, Proposal.objects.prefetch_related("reviews"))
    require(request.user, Action.ASSIGN_REVIEWERS, proposal)
    form = ReviewersForm(request.POST, proposal=proposal)
    if form.is_valid():
        try:
            services.reviewers_set(
                proposal=proposal,
                by=request.user,
                reviewers=list(form.cleaned_data["reviewers"]),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The reviewers were saved."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("proposals:analysis", pk=proposal.pk)


@require_http_methods(["GET", "POST"])
def rubric(request):
    """The head sets the rubric: criteria, guidance, weights, order."""
    queryset = RubricCriterion.objects.order_by("order", "pk")
    can_change = can(request.user, Action.CHANGE, RubricCriterion)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        formset = RubricFormSet(request.POST, queryset=queryset)
        if formset.is_valid():
            services.rubric_save(forms=formset.forms, by=request.user)
            messages.success(request, _("The rubric was saved."))
            return redirect("proposals:rubric")
    else:
        formset = RubricFormSet(queryset=queryset)
    return render(
        request,
        "proposals/rubric.html",
        {"formset": formset, "can_change": can_change},
    )


# --- Calls for proposals ------------------------------------------------------------


def call_list(request):
    calls = (
        CallForProposals.objects.for_user(request.user)
        .annotate(
            invited=Count("units", distinct=True),
            handed_in=Count(
                "proposals",
                filter=~Q(proposals__status__in=[Status.DRAFT, Status.WITHDRAWN]),
                distinct=True,
            ),
        )
        .order_by("-deadline", "-pk")
    )
    return render(
        request,
        "proposals/call_list.html",
        {
            "calls": calls,
            "today": today(),
            "can_add": can(request.user, Action.ADD, CallForProposals),
        },
    )


@require_http_methods(["GET", "POST"])
def call_form(request, pk=None):
    call = None
    if pk is not None:
        call = get_for_user_or_404(
            CallForProposals.objects.prefetch_related("units"), request.user, pk=pk
        )
        require(request.user, Action.CHANGE, call)
    else:
        require(request.user, Action.ADD, CallForProposals)
    if call is not None:
        initial = {
            "year": call.year,
            "title": call.title,
            "message": call.message,
            "deadline": call.deadline,
            "units": list(call.units.all()),
        }
    else:
        initial = {"year": today().year}
    form = CallForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            if call is None:
                call = services.call_open(by=request.user, **values)
                messages.success(
                    request, _("The call was opened and the units were told.")
                )
            else:
                services.call_update(call=call, by=request.user, **values)
                messages.success(request, _("The call was saved."))
        except ValidationError as error:
            add_service_errors(form, error)
            if pk is None:
                call = None
        else:
            return redirect(call)
    return render(request, "proposals/call_form.html", {"form": form, "call": call})


def call_detail(request, pk):
    user = request.user
    call = get_for_user_or_404(
        CallForProposals.objects.select_related("created_by").prefetch_related(
            "units",
            Prefetch(
                "declines", queryset=CallDecline.objects.select_related("declined_by")
            ),
        ),
        user,
        pk=pk,
    )
    answers = selectors.call_answers(call)
    visible = set(
        Proposal.objects.for_user(user).filter(call=call).values_list("pk", flat=True)
    )
    mine = acting_unit_ids(user)
    decline_units = [
        answer.unit
        for answer in answers
        if not answer.answered and (manages_all(user) or answer.unit.pk in mine)
    ]
    on = today()
    return render(
        request,
        "proposals/call_detail.html",
        {
            "call": call,
            "answers": answers,
            "visible": visible,
            "answered": sum(answer.answered for answer in answers),
            "is_open": call.is_open_on(on),
            "days_left": (call.deadline - on).days,
            "can_change": can(user, Action.CHANGE, call),
            "can_propose": call.is_open_on(on)
            and can(user, Action.ADD, Proposal)
            and (manages_all(user) or _invites(answers, mine)),
            "decline_form": CallDeclineForm(
                units=Unit.objects.filter(pk__in=[unit.pk for unit in decline_units])
            )
            if decline_units and call.is_open_on(on)
            else None,
            "mine": mine,
        },
    )


def _invites(answers, unit_ids):
    """Whether one of `unit_ids` is invited or sits below an invited unit."""
    invited = descendant_ids([answer.unit.pk for answer in answers])
    return bool(set(invited) & set(unit_ids))


@require_POST
def call_decline(request, pk):
    call = get_for_user_or_404(
        CallForProposals.objects.prefetch_related("units"), request.user, pk=pk
    )
    require(request.user, Action.DECLINE, call)
    units = call.units.all()
    if not manages_all(request.user):
        units = units.filter(pk__in=acting_unit_ids(request.user))
    form = CallDeclineForm(request.POST, units=units)
    if form.is_valid():
        try:
            services.call_decline(by=request.user, call=call, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Noted: the unit has nothing to propose."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(call)


@require_POST
def call_decline_undo(request, pk, decline_pk):
    call = get_for_user_or_404(
        CallForProposals.objects.prefetch_related("units"), request.user, pk=pk
    )
    require(request.user, Action.DECLINE, call)
    decline = call.declines.filter(pk=decline_pk).first()
    if decline is None:
        raise Http404
    if not manages_all(request.user) and decline.unit_id not in acting_unit_ids(
        request.user
    ):
        raise PermissionDenied
    services.call_decline_undo(decline=decline, by=request.user)
    messages.success(request, _("The unit's answer was taken back."))
    return redirect(call)


# --- The public site: a partner's own proposal ---------------------------------------

#: Attempts (valid or not) one address may make on a public form per window.
PUBLIC_ATTEMPTS = (30, 600)
#: Requests one address may make on status pages per window.
STATUS_REQUESTS = (120, 600)
#: Requests for new links one address may make per hour.
LINK_REQUESTS = (5, 3600)
_LAST_PROPOSAL = "proposals.public.last"


@login_not_required
@require_http_methods(["GET", "POST"])
def public_create(request):
    """A partner proposes a cooperation (no account needed)."""
    if request.method == "GET":
        return render(
            request, "proposals/public_form.html", {"form": PublicProposalForm()}
        )
    if rate_limited(request, "proposals.public.attempt", *PUBLIC_ATTEMPTS):
        return too_many_requests(request, retry_after=PUBLIC_ATTEMPTS[1])
    form = PublicProposalForm(request.POST, request.FILES)
    if form.is_bot:
        # Answer as if it worked, so the sender learns nothing.
        return redirect("proposals:public_thanks")
    if form.is_valid():
        hourly = settings.MITRA_PUBLIC_PROPOSALS_PER_HOUR
        if rate_limited(request, "proposals.public.sent", hourly, 3600):
            return too_many_requests(request, retry_after=3600)
        try:
            proposal = services.proposal_public_create(**form.service_values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session[_LAST_PROPOSAL] = services.status_token(proposal)
            return redirect("proposals:public_thanks")
    return render(request, "proposals/public_form.html", {"form": form}, status=200)


@login_not_required
def public_thanks(request):
    token = request.session.get(_LAST_PROPOSAL, "")
    return render(
        request,
        "proposals/public_thanks.html",
        {
            "status_url": reverse("proposals:public_status", args=[token])
            if token
            else "",
            "link_days": settings.MITRA_PROPOSAL_LINK_DAYS,
        },
    )


def _public_proposal(request, token):
    """Return the proposal of a status link; raise 404 (forged) or show 410."""
    try:
        proposal = services.proposal_from_token(token)
    except services.LinkExpired:
        return None, render(
            request,
            "proposals/public_link_expired.html",
            {"link_form": StatusLinkRequestForm()},
            status=410,
        )
    if proposal is None:
        raise Http404
    return proposal, None


@login_not_required
@require_http_methods(["GET", "POST"])
def public_status(request, token):
    """Where a partner follows their proposal, and may withdraw it."""
    if rate_limited(request, "proposals.public.status", *STATUS_REQUESTS):
        return too_many_requests(request, retry_after=STATUS_REQUESTS[1])
    proposal, gone = _public_proposal(request, token)
    if gone is not None:
        return gone
    if request.method == "POST":
        if request.POST.get("action") != "withdraw":
            return HttpResponseNotAllowed(["GET"])
        try:
            services.proposal_withdraw(
                proposal=proposal,
                by=None,
                actor_name=proposal.proposer_name,
                comment=request.POST.get("comment", "")[:2000],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your proposal was withdrawn."))
        return redirect("proposals:public_status", token=token)
    events = proposal.events.filter(kind=EventKind.TRANSITION).order_by("at", "pk")
    return render(
        request,
        "proposals/public_status.html",
        {
            "proposal": proposal,
            "events": events,
            "token": token,
            "can_withdraw": services.can_move(proposal, Status.WITHDRAWN),
            "can_revise": proposal.status == Status.REVISION_REQUESTED,
        },
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def public_revise(request, token):
    """The outside proposer revises and resubmits when asked to."""
    if rate_limited(request, "proposals.public.status", *STATUS_REQUESTS):
        return too_many_requests(request, retry_after=STATUS_REQUESTS[1])
    proposal, gone = _public_proposal(request, token)
    if gone is not None:
        return gone
    if proposal.status != Status.REVISION_REQUESTED:
        messages.info(request, _("This proposal is not waiting for a revision."))
        return redirect("proposals:public_status", token=token)
    initial = {
        "title": proposal.title,
        "document_type": proposal.document_type,
        "cooperation_types": list(proposal.cooperation_types.all()),
        "tridharma": sorted(proposal.fields),
        "expected_benefit": proposal.expected_benefit,
        "planned_activities": proposal.planned_activities,
    }
    form = PublicRevisionForm(
        _posted(request), _posted(request, files=True), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        values = form.service_values()
        try:
            with transaction.atomic():
                services.proposal_update(
                    proposal=proposal,
                    by=None,
                    actor_name=proposal.proposer_name,
                    **values,
                )
                services.proposal_submit(
                    proposal=proposal,
                    by=None,
                    actor_name=proposal.proposer_name,
                    comment=form.cleaned_data["comment"],
                )
        except ValidationError as error:
            proposal.refresh_from_db()
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your revised proposal was sent."))
            return redirect("proposals:public_status", token=token)
    return render(
        request,
        "proposals/public_revise.html",
        {"proposal": proposal, "form": form, "token": token},
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def public_link(request):
    """Ask for fresh status links by email (the answer never tells whether
    the address proposed anything)."""
    form = StatusLinkRequestForm(_posted(request))
    if request.method == "POST":
        if rate_limited(request, "proposals.public.link", *LINK_REQUESTS):
            return too_many_requests(request, retry_after=LINK_REQUESTS[1])
        if form.is_valid():
            if not form.cleaned_data.get("website"):
                services.status_links_send(email=form.cleaned_data["email"])
            return render(request, "proposals/public_link_sent.html")
    return render(request, "proposals/public_link.html", {"form": form})
