"""Pages of the annual evaluation report (form FO.28.2.1).

The list of years and where each report stands; a year's draft (figures
counted live, and the chapters the office writes); a preview of the PDF or
DOCX; issuing (the head); the issued versions. Who sees what is the
permission gate's: those who read everything read drafts, the office and
the head write them, the head issues, other staff read issued versions only.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from mitra.core.permissions import Action, can, get_for_user_or_404, require
from mitra.documents.rendering import PrintError
from mitra.documents.services import form_context
from mitra.documents.views import CONTENT_TYPES, printed_form_response
from mitra.reports import evaluation
from mitra.reports.evaluation_forms import EvaluationReportForm
from mitra.reports.evaluation_models import EvaluationReport

SIGNATURE_FIELDS = (
    "place",
    "signatory_name",
    "signatory_position",
    "signatory_id_number",
)


def _year_or_404(year):
    if not evaluation.is_reportable(year):
        raise Http404
    return year


def _permissions(user):
    return {
        "can_read_drafts": evaluation.can_read_drafts(user),
        "can_change": can(user, Action.CHANGE, EvaluationReport),
        "can_issue": can(user, Action.APPROVE, EvaluationReport),
    }


def evaluation_list(request):
    """Every year and where its report stands (issued ones only for units)."""
    user = request.user
    rights = _permissions(user)
    statuses = evaluation.year_statuses(evaluation.reportable_years())
    if not rights["can_read_drafts"]:
        statuses = [status for status in statuses if status.is_issued]
    return render(
        request,
        "reports/evaluation/list.html",
        {"statuses": statuses, **rights},
    )


class EvaluationDetailView(View):
    """A year's draft report: live figures, the chapters, the versions."""

    template_name = "reports/evaluation/detail.html"

    def get(self, request, year):
        _year_or_404(year)
        if not evaluation.can_read_drafts(request.user):
            # Other staff read only what was issued.
            return redirect("reports:evaluation_versions", year=year)
        report = evaluation.report_for(year)
        return self.show(report, self.blank_form(report))

    def post(self, request, year):
        _year_or_404(year)
        require(request.user, Action.CHANGE, EvaluationReport)
        report = evaluation.report_for(year)
        form = EvaluationReportForm(request.POST, instance=report)
        if form.is_valid():
            try:
                evaluation.evaluation_save(
                    year=year, by=request.user, **_form_values(form)
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The report was saved."))
                return redirect("reports:evaluation_detail", year=year)
        return self.show(evaluation.report_for(year), form, status=400)

    def blank_form(self, report):
        if not can(self.request.user, Action.CHANGE, EvaluationReport):
            return None
        initial = {}
        if report.pk is None:
            previous = (
                EvaluationReport.objects.filter(year__lt=report.year)
                .order_by("-year")
                .first()
            )
            if previous is not None:
                initial = {name: getattr(previous, name) for name in SIGNATURE_FIELDS}
        return EvaluationReportForm(instance=report, initial=initial)

    def show(self, report, form, *, status=200):
        user = self.request.user
        figures = evaluation.report_context(report, draft=True)
        versions = list(evaluation.issued_versions(report))
        latest = versions[0] if versions else None
        changed = bool(
            latest is not None
            and report.edited_at is not None
            and report.edited_at > latest.issued_at
        )
        return render(
            self.request,
            self.template_name,
            {
                "year": report.year,
                "report": report,
                "figures": figures,
                "form": form,
                "versions": versions,
                "latest": latest,
                "changed_since_issue": changed,
                "aids": evaluation.writing_aids(report.year) if form else None,
                "chapters": evaluation.CHAPTERS,
                **_permissions(user),
            },
            status=status,
        )


def _form_values(form):
    return {name: form.cleaned_data[name] for name in form.Meta.fields}


def evaluation_preview(request, year):
    """The draft as PDF or DOCX (`?format=`), figures counted now."""
    _year_or_404(year)
    require(request.user, Action.VIEW, EvaluationReport)
    fmt = request.GET.get("format", "pdf")
    if fmt not in CONTENT_TYPES:
        return HttpResponseBadRequest(_("Choose the format: docx or pdf."))
    report = evaluation.report_for(year)
    context = form_context(evaluation.FORM_CODE, report, user=request.user)
    try:
        return printed_form_response(
            form=evaluation.FORM_CODE,
            context=context,
            fmt=fmt,
            filename=f"evaluation-report-{year}-draft",
        )
    except PrintError as error:
        return render(
            request,
            "documents/print_error.html",
            {
                "form": {"code": evaluation.FORM_CODE},
                "errors": error.messages,
                "back": reverse("reports:evaluation_detail", args=[year]),
                "can_fix": can(request.user, Action.CHANGE, EvaluationReport),
            },
            status=409,
        )


class EvaluationIssueView(View):
    """The head issues the year's report: asked to confirm, then frozen."""

    template_name = "reports/evaluation/issue_confirm.html"

    def get(self, request, year):
        _year_or_404(year)
        require(request.user, Action.APPROVE, EvaluationReport)
        report = evaluation.report_for(year)
        versions = list(evaluation.issued_versions(report))
        return render(
            request,
            self.template_name,
            {
                "year": year,
                "report": report,
                "next_version": (versions[0].version + 1) if versions else 1,
                "missing": [
                    label
                    for name, label in (
                        ("analysis", _("Analysis")),
                        ("problems", _("Problems")),
                        ("follow_up_plan", _("Follow-up plan")),
                    )
                    if not getattr(report, name).strip()
                ],
            },
        )

    def post(self, request, year):
        _year_or_404(year)
        require(request.user, Action.APPROVE, EvaluationReport)
        try:
            document = evaluation.evaluation_issue(year=year, by=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("reports:evaluation_detail", year=year)
        messages.success(
            request,
            _("Version %(version)s of the report was issued.")
            % {"version": document.version},
        )
        return redirect("reports:evaluation_versions", year=year)


def evaluation_versions(request, year):
    """Every issued version of a year's report, newest first."""
    _year_or_404(year)
    report = get_for_user_or_404(
        EvaluationReport.objects.all(), request.user, year=year
    )
    versions = list(evaluation.issued_versions(report))
    return render(
        request,
        "reports/evaluation/versions.html",
        {
            "year": year,
            "report": report,
            "versions": versions,
            **_permissions(request.user),
        },
    )
