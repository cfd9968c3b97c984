"""Staff pages of the signing workflow: one agreement's way to signature,
the pipeline board and the clause library.

The workflow page gathers the draft's versions, its internal reviews, the
negotiation with the partner and the timeline; each small form on it posts
to its own address and, when refused, the page comes back with the error
beside the form. Signing, renewal, addendum and termination have pages of
their own. Records are found through the permission gate; changes go
through `mitra.agreements.drafting` and `mitra.agreements.workflow`.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views import View

from mitra.agreements import drafting, pipeline, workflow
from mitra.agreements.forms import add_service_errors
from mitra.agreements.models import (
    PRE_SIGNING,
    SIGNED_STATUSES,
    Agreement,
    AgreementFile,
    Amendment,
    Clause,
    Decision,
    DocumentType,
    DraftVersion,
    PartnerLink,
    ReviewAssignment,
    ReviewRound,
    Validity,
)
from mitra.agreements.workflow_forms import (
    AmendmentForm,
    ClauseForm,
    CompareForm,
    DraftGenerateForm,
    MessageForm,
    PartnerLinkForm,
    ReasonForm,
    ReviewDecisionForm,
    ReviewStartForm,
    SignForm,
    TerminateForm,
    VersionUploadForm,
)
from mitra.core import clock
from mitra.core.files import attachment_response
from mitra.core.permissions import Action, can, get_for_user_or_404, require
from mitra.documents.models import PrintedForm


def _agreement(user, pk):
    return get_for_user_or_404(
        Agreement.objects.select_related(
            "partner", "partner_contact", "responsible_user", "created_by", "renews"
        ).prefetch_related("units"),
        user,
        pk=pk,
    )


def _post_only(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return None


def _error_text(error):
    return " ".join(error.messages)


# --- The workflow page -------------------------------------------------------


def _permissions(user, agreement):
    pre_signing = agreement.status in PRE_SIGNING
    validity = agreement.validity_on(clock.today())
    in_force = agreement.status in SIGNED_STATUSES and validity in (
        Validity.IN_FORCE,
        Validity.EXPIRING,
        Validity.NOT_STARTED,
    )
    change = can(user, Action.CHANGE, agreement)
    return {
        "can_draft": pre_signing and change,
        "can_assign": pre_signing and can(user, Action.ASSIGN_REVIEWERS, agreement),
        "can_negotiate": pre_signing and can(user, Action.NEGOTIATE, agreement),
        "can_sign": pre_signing and can(user, Action.SIGN, agreement),
        "can_renew": in_force
        and agreement.status != "in_renewal"
        and agreement.document_type != DocumentType.ADDENDUM
        and change,
        "can_amend": in_force
        and agreement.document_type != DocumentType.ADDENDUM
        and change,
        "can_terminate": agreement.status in SIGNED_STATUSES
        and can(user, Action.TERMINATE, agreement),
        "can_edit_clauses": can(user, Action.ADD, Clause),
        "can_see_forms": can(user, Action.VIEW, PrintedForm),
    }


def workflow_context(request, agreement, **forms):
    """Everything the workflow page shows (a fixed number of queries)."""
    user = request.user
    allowed = _permissions(user, agreement)
    versions = list(
        DraftVersion.objects.filter(agreement=agreement)
        .select_related("author", "locked_by", "template")
        .order_by("-number")
    )
    current = versions[0] if versions else None
    final = next((version for version in versions if version.is_final), None)
    reviews = list(
        ReviewRound.objects.filter(agreement=agreement)
        .select_related("version", "assigned_by")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=ReviewAssignment.objects.select_related("reviewer"),
            )
        )
    )
    open_review = next((review for review in reviews if review.is_open), None)
    my_step = None
    if open_review is not None:
        my_step = next(
            (
                assignment
                for assignment in open_review.assignments.all()
                if assignment.reviewer_id == user.pk
                and assignment.decision == Decision.PENDING
                and assignment.step == open_review.current_step
            ),
            None,
        )
    links = []
    if can(user, Action.NEGOTIATE, agreement):
        links = list(
            PartnerLink.objects.filter(agreement=agreement).select_related(
                "contact", "created_by"
            )
        )
        now = clock.now()
        for link in links:
            link.current_state = link.state(now)
    chosen = drafting.chosen_clauses(agreement)
    amendment = (
        Amendment.objects.filter(addendum=agreement)
        .select_related("amends", "new_partner_contact")
        .prefetch_related("new_units", "new_cooperation_types")
        .first()
        if agreement.document_type == DocumentType.ADDENDUM
        else None
    )
    code = drafting.draft_form(agreement)
    context = {
        "agreement": agreement,
        "stage": pipeline.stage_of(agreement),
        "versions": versions,
        "current": current,
        "final": final,
        "reviews": reviews,
        "open_review": open_review,
        "my_step": my_step,
        "links": links,
        "chosen": chosen,
        "amendment": amendment,
        "amendments": list(
            Amendment.objects.filter(amends=agreement).select_related("addendum")
        ),
        "files": list(
            AgreementFile.objects.filter(agreement=agreement).select_related(
                "uploaded_by"
            )
        ),
        "timeline": pipeline.timeline(agreement),
        "draft_form_code": code,
        "bilingual": drafting.is_bilingual(agreement),
        **allowed,
    }
    if allowed["can_draft"]:
        context.setdefault("generate_form", DraftGenerateForm(chosen=chosen))
        context.setdefault("upload_form", VersionUploadForm())
    if allowed["can_assign"]:
        context.setdefault("review_form", ReviewStartForm())
    if my_step is not None:
        context.setdefault("decision_form", ReviewDecisionForm())
    if allowed["can_negotiate"]:
        context.setdefault("link_form", PartnerLinkForm(agreement=agreement))
        context.setdefault("message_form", MessageForm())
        context.setdefault("unlock_form", ReasonForm())
    if len(versions) > 1:
        context["compare_form"] = CompareForm(
            versions=versions,
            initial={"old": versions[1].number, "new": versions[0].number},
        )
    context.update({name: form for name, form in forms.items() if form is not None})
    return context


def _show(request, agreement, status=400, **forms):
    return render(
        request,
        "agreements/workflow/workflow.html",
        workflow_context(request, agreement, **forms),
        status=status,
    )


class WorkflowView(View):
    """One agreement's way to signature."""

    def get(self, request, pk):
        agreement = _agreement(request.user, pk)
        return _show(request, agreement, status=200)


def _back(agreement, anchor=""):
    url = reverse("agreements:workflow", args=[agreement.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _refused(request, agreement, form, error, *, anchor):
    """Show a refusal beside the form when one of its fields is to blame;
    otherwise (the step is not possible now) as a message atop the page,
    where it is seen even when the form is not offered any more."""
    if hasattr(error, "error_dict") and set(error.error_dict) & set(form.fields):
        add_service_errors(form, error)
        return None
    messages.error(request, _error_text(error))
    return _back(agreement, anchor)


# --- Drafting ----------------------------------------------------------------


def draft_generate(request, pk):
    if (refused := _post_only(request)) is not None:
        return refused
    agreement = _agreement(request.user, pk)
    require(request.user, Action.CHANGE, agreement)
    form = DraftGenerateForm(request.POST, chosen=drafting.chosen_clauses(agreement))
    if form.is_valid():
        try:
            version = drafting.draft_generate(
                agreement=agreement,
                by=request.user,
                clauses=list(form.cleaned_data["clauses"]),
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            refused = _refused(request, agreement, form, error, anchor="versions")
            if refused is not None:
                return refused
        else:
            messages.success(
                request,
                _("Version %(number)s of the draft was generated.")
                % {"number": version.number},
            )
            return _back(agreement, "versions")
    return _show(request, agreement, generate_form=form)


def version_upload(request, pk):
    if (refused := _post_only(request)) is not None:
        return refused
    agreement = _agreement(request.user, pk)
    require(request.user, Action.CHANGE, agreement)
    form = VersionUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            version = drafting.version_upload(
                agreement=agreement, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            refused = _refused(request, agreement, form, error, anchor="versions")
            if refused is not None:
                return refused
        else:
            messages.success(
                request,
                _("Version %(number)s of the draft was stored.")
                % {"number": version.number},
            )
            return _back(agreement, "versions")
    return _show(request, agreement, upload_form=form)


def version_file(request, pk):
    """Download one version of a draft the viewer may see."""
    version = get_for_user_or_404(
        DraftVersion.objects.select_related("agreement"), request.user, pk=pk
    )
    label = (version.agreement.number or f"draft-{version.agreement_id}").replace(
        "/", "-"
    )
    return attachment_response(
        version.file, filename=f"{label}-v{version.number}.{version.file_kind}"
    )


def compare(request, pk):
    """Two versions' text side by side, the changes marked."""
    agreement = _agreement(request.user, pk)
    versions = list(
        DraftVersion.objects.filter(agreement=agreement)
        .select_related("author")
        .order_by("-number")
    )
    if len(versions) < 2:
        messages.info(request, _("There is only one version: nothing to compare."))
        return _back(agreement, "versions")
    form = CompareForm(
        request.GET or None,
        versions=versions,
        initial={"old": versions[1].number, "new": versions[0].number},
    )
    by_number = {version.number: version for version in versions}
    old, new = versions[1], versions[0]
    if form.is_bound and form.is_valid():
        old = by_number[form.cleaned_data["old"]]
        new = by_number[form.cleaned_data["new"]]
    if old.number > new.number:
        old, new = new, old
    rows = drafting.compare_texts(old.text, new.text)
    return render(
        request,
        "agreements/workflow/compare.html",
        {
            "agreement": agreement,
            "form": form,
            "old": old,
            "new": new,
            "rows": rows,
            "summary": drafting.comparison_summary(rows),
        },
    )


# --- Internal review ---------------------------------------------------------


def review_start(request, pk):
    if (refused := _post_only(request)) is not None:
        return refused
    agreement = _agreement(request.user, pk)
    require(request.user, Action.ASSIGN_REVIEWERS, agreement)
    form = ReviewStartForm(request.POST)
    if form.is_valid():
        try:
            workflow.review_start(
                agreement=agreement, by=request.user, **form.service_values()
            )
        except ValidationError as error:
            refused = _refused(request, agreement, form, error, anchor="review")
            if refused is not None:
                return refused
        else:
            messages.success(request, _("The draft was sent to the reviewers."))
            return _back(agreement, "review")
    return _show(request, agreement, review_form=form)


def review_decide(request, pk):
    """A reviewer decides their step (`pk` is their assignment)."""
    if (refused := _post_only(request)) is not None:
        return refused
    assignment = get_for_user_or_404(
        ReviewAssignment.objects.select_related("review__agreement"),
        request.user,
        pk=pk,
    )
    require(request.user, Action.CHANGE, assignment)
    agreement = _agreement(request.user, assignment.review.agreement_id)
    form = ReviewDecisionForm(request.POST)
    if form.is_valid():
        try:
            workflow.review_decide(
                assignment=assignment, by=request.user, **form.cleaned_data
            )
        except workflow.ReviewMovedOn as error:
            messages.warning(request, _error_text(error))
            return _back(agreement, "review")
        except ValidationError as error:
            refused = _refused(request, agreement, form, error, anchor="review")
            if refused is not None:
                return refused
        else:
            messages.success(request, _("Your decision was recorded."))
            return _back(agreement, "review")
    return _show(request, agreement, decision_form=form)


def review_withdraw(request, pk):
    if (refused := _post_only(request)) is not None:
        return refused
    review = get_for_user_or_404(
        ReviewRound.objects.select_related("agreement"), request.user, pk=pk
    )
    require(request.user, Action.ASSIGN_REVIEWERS, review.agreement)
    try:
        workflow.review_withdraw(
            review=review, by=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The review was withdrawn."))
    return _back(review.agreement, "review")


# --- Negotiation -------------------------------------------------------------


def link_send(request, pk):
    if (refused := _post_only(request)) is not None:
        return refused
    agreement = _agreement(request.user, pk)
    require(request.user, Action.NEGOTIATE, agreement)
    form = PartnerLinkForm(request.POST, agreement=agreement)
    if form.is_valid():
        try:
            link, url = workflow.partner_link_send(
                agreement=agreement,
                by=request.user,
                contact=form.cleaned_data["contact"],
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as error:
            refused = _refused(request, agreement, form, error, anchor="negotiation")
            if refused is not None:
                return refused
        else:
            text = (
                _(
                    "The link was emailed to %(contact)s. It works until "
                    "%(date)s: %(url)s"
                )
                if link.contact.email
                else _(
                    "%(contact)s has no email address: pass this link on "
                    "yourself. It works until %(date)s: %(url)s"
                )
            )
            messages.success(
                request,
                text
                % {
                    "contact": link.contact,
                    "date": date_format(localtime(link.expires_at), "DATE_FORMAT"),
                    "url": url,
                },
            )
            return _back(agreement, "negotiation")
    return _show(request, agreement, link_form=form)


def link_revoke(request, pk):
    if (refused := _post_only(request)) is not None:
        return refused
    link = get_for_user_or_404(
        PartnerLink.objects.select_related("agreement"), request.user, pk=pk
    )
    require(request.user, Action.NEGOTIATE, link.agreement)
    workflow.partner_link_revoke(link=link, by=request.user)
    messages.success(request, _("The link no longer works."))
    return _back(link.agreement, "negotiation")


def office_message(request, pk):
    if (refused := _post_only(request)) is not None:
        return refused
    agreement = _agreement(request.user, pk)
    require(request.user, Action.NEGOTIATE, agreement)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            workflow.office_message(
                agreement=agreement, by=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            refused = _refused(request, agreement, form, error, anchor="negotiation")
            if refused is not None:
                return refused
        else:
            messages.success(request, _("The message was added to the thread."))
            return _back(agreement, "negotiation")
    return _show(request, agreement, message_form=form)


def final_lock(request, pk):
    if (refused := _post_only(request)) is not None:
        return refused
    agreement = _agreement(request.user, pk)
    require(request.user, Action.NEGOTIATE, agreement)
    try:
        warnings = workflow.final_lock(agreement=agreement, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The final version is locked for signature."))
        for warning in warnings:
            messages.warning(request, warning)
    return _back(agreement, "versions")


def final_unlock(request, pk):
    if (refused := _post_only(request)) is not None:
        return refused
    agreement = _agreement(request.user, pk)
    require(request.user, Action.NEGOTIATE, agreement)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        workflow.final_unlock(
            agreement=agreement,
            by=request.user,
            reason=form.cleaned_data.get("reason", ""),
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The final version is unlocked."))
    return _back(agreement, "versions")


# --- Signing, renewal, addendum, termination ---------------------------------


class SignView(View):
    """Record the signature of the final version."""

    template_name = "agreements/workflow/sign.html"

    def dispatch(self, request, pk):
        self.agreement = _agreement(request.user, pk)
        require(request.user, Action.SIGN, self.agreement)
        return super().dispatch(request, pk)

    def get(self, request, pk):
        form = SignForm(agreement=self.agreement, initial=self.initial())
        return self.show(form)

    def initial(self):
        agreement = self.agreement
        units = list(agreement.units.all())
        return {
            "signed_on": clock.today(),
            "start_date": agreement.start_date,
            "end_date": agreement.end_date,
            "our_signatory_name": agreement.our_signatory_name,
            "our_signatory_position": agreement.our_signatory_position,
            "partner_signatory_name": agreement.partner_signatory_name,
            "partner_signatory_position": agreement.partner_signatory_position,
            "partner_number": agreement.partner_number,
            "number": agreement.number or "",
            "unit": units[0].pk if units else None,
        }

    def post(self, request, pk):
        form = SignForm(request.POST, request.FILES, agreement=self.agreement)
        if form.is_valid():
            try:
                workflow.agreement_sign(
                    agreement=self.agreement, by=request.user, **form.service_values()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                self.agreement.refresh_from_db()
                messages.success(
                    request,
                    _("The agreement is signed, with number %(number)s.")
                    % {"number": self.agreement.number},
                )
                return redirect(self.agreement)
        return self.show(form, status=400)

    def show(self, form, status=200):
        from mitra.core.numbering import agreement_kind, number_preview

        try:
            units = list(self.agreement.units.all())
            preview = number_preview(
                kind=agreement_kind(self.agreement.document_type),
                unit=units[0] if units else None,
            )
        except ValidationError as error:
            preview, preview_error = "", _error_text(error)
        else:
            preview_error = ""
        return render(
            self.request,
            self.template_name,
            {
                "agreement": self.agreement,
                "form": form,
                "final": drafting.final_version(self.agreement),
                "preview": preview,
                "preview_error": preview_error,
            },
            status=status,
        )


def renewal_start(request, pk):
    """Confirm (GET) and open (POST) the renewal of an agreement in force."""
    agreement = _agreement(request.user, pk)
    require(request.user, Action.CHANGE, agreement)
    if request.method == "POST":
        try:
            renewal = workflow.renewal_start(agreement=agreement, by=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return redirect(agreement)
        messages.success(
            request,
            _("The renewal was opened as a draft carrying the agreement's data."),
        )
        return redirect("agreements:workflow", pk=renewal.pk)
    start, end = workflow.renewal_dates(agreement)
    return render(
        request,
        "agreements/workflow/renew.html",
        {"agreement": agreement, "start": start, "end": end},
    )


class AddendumView(View):
    """Open an addendum amending an agreement in force (`pk` is that one)."""

    template_name = "agreements/workflow/addendum.html"

    def dispatch(self, request, pk):
        self.amended = _agreement(request.user, pk)
        require(request.user, Action.CHANGE, self.amended)
        return super().dispatch(request, pk)

    def get(self, request, pk):
        return self.show(AmendmentForm(amended=self.amended))

    def post(self, request, pk):
        form = AmendmentForm(request.POST, amended=self.amended)
        if form.is_valid():
            try:
                addendum = workflow.addendum_start(
                    agreement=self.amended,
                    by=request.user,
                    title=form.cleaned_data["title"],
                    **form.service_values(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The addendum was opened as a draft."))
                return redirect("agreements:workflow", pk=addendum.pk)
        return self.show(form, status=400)

    def show(self, form, status=200):
        return render(
            self.request,
            self.template_name,
            {"amended": self.amended, "form": form, "amendment": None},
            status=status,
        )


class AmendmentView(AddendumView):
    """Change what an addendum not yet signed changes (`pk` is the addendum)."""

    def dispatch(self, request, pk):
        addendum = _agreement(request.user, pk)
        require(request.user, Action.CHANGE, addendum)
        try:
            self.amendment = Amendment.objects.select_related(
                "amends__partner", "addendum"
            ).get(addendum=addendum)
        except Amendment.DoesNotExist:
            raise Http404 from None
        self.amended = self.amendment.amends
        return View.dispatch(self, request, pk)

    def get(self, request, pk):
        return self.show(AmendmentForm(amended=self.amended, amendment=self.amendment))

    def post(self, request, pk):
        form = AmendmentForm(
            request.POST, amended=self.amended, amendment=self.amendment
        )
        if form.is_valid():
            try:
                workflow.amendment_update(
                    amendment=self.amendment, by=request.user, **form.service_values()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The addendum's changes were saved."))
                return redirect("agreements:workflow", pk=self.amendment.addendum_id)
        return self.show(form, status=400)

    def show(self, form, status=200):
        return render(
            self.request,
            self.template_name,
            {"amended": self.amended, "form": form, "amendment": self.amendment},
            status=status,
        )


class TerminateView(View):
    template_name = "agreements/workflow/terminate.html"

    def dispatch(self, request, pk):
        self.agreement = _agreement(request.user, pk)
        require(request.user, Action.TERMINATE, self.agreement)
        return super().dispatch(request, pk)

    def get(self, request, pk):
        return self.show(TerminateForm(initial={"terminated_on": clock.today()}))

    def post(self, request, pk):
        form = TerminateForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                workflow.agreement_terminate(
                    agreement=self.agreement, by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The agreement was terminated."))
                return redirect(self.agreement)
        return self.show(form, status=400)

    def show(self, form, status=200):
        return render(
            self.request,
            self.template_name,
            {"agreement": self.agreement, "form": form},
            status=status,
        )


def agreement_file(request, pk):
    """Download a further PDF of an agreement (signed copy, termination letter)."""
    item = get_for_user_or_404(
        AgreementFile.objects.select_related("agreement"), request.user, pk=pk
    )
    return attachment_response(item.file)


# --- The pipeline board ------------------------------------------------------


def pipeline_board(request):
    """The agreements in each stage on their way to signature."""
    columns = pipeline.board(request.user)
    return render(
        request,
        "agreements/workflow/pipeline.html",
        {
            "columns": columns,
            "stuck_days": settings.MITRA_STUCK_DAYS,
            "recent_days": settings.MITRA_SIGNED_RECENTLY_DAYS,
        },
    )


# --- The clause library ------------------------------------------------------


def clause_list(request):
    require(request.user, Action.VIEW, Clause)
    from mitra.agreements.printed_forms import DRAFT_FORMS

    return render(
        request,
        "agreements/workflow/clause_list.html",
        {
            "clauses": Clause.objects.order_by("-is_active", "order", "pk"),
            "can_change": can(request.user, Action.ADD, Clause),
            "draft_forms": [form for _key, form in sorted(DRAFT_FORMS.items())],
            "can_see_forms": can(request.user, Action.VIEW, PrintedForm),
        },
    )


class ClauseFormView(View):
    template_name = "agreements/workflow/clause_form.html"

    def dispatch(self, request, pk=None):
        if pk is None:
            require(request.user, Action.ADD, Clause)
            self.clause = None
        else:
            self.clause = get_for_user_or_404(Clause.objects.all(), request.user, pk=pk)
            require(request.user, Action.CHANGE, self.clause)
        return super().dispatch(request)

    def get(self, request):
        return self.show(ClauseForm(instance=self.clause))

    def post(self, request):
        form = ClauseForm(request.POST, instance=self.clause)
        if form.is_valid():
            try:
                if self.clause is None:
                    drafting.clause_create(by=request.user, **form.service_values())
                else:
                    drafting.clause_update(
                        clause=self.clause, by=request.user, **form.service_values()
                    )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The clause was saved."))
                return redirect("agreements:clauses")
        return self.show(form, status=400)

    def show(self, form, status=200):
        return render(
            self.request,
            self.template_name,
            {"form": form, "clause": self.clause},
            status=status,
        )
