"""Pages of the quality indicators: their status and figures for a year,
each indicator's evidence, the evidence pack, and relevance notes.

Indicators are read by those who read everything (the office, the head,
leadership and auditors); a relevance note is written by whoever may change
its agreement.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from mitra.agreements.models import Agreement
from mitra.core.permissions import Action, can, get_for_user_or_404, require
from mitra.reports import services
from mitra.reports.evidence import build_pack
from mitra.reports.forms import RelevanceForm, YearForm
from mitra.reports.indicators import (
    Status,
    compute,
    indicators_for_year,
    safe_part,
)
from mitra.reports.models import AgreementRelevance, Indicator


def _year(request):
    form = YearForm(request.GET or None)
    return form, form.chosen_year()


def indicator_list(request):
    """Every indicator's status and headline figure for the chosen year."""
    require(request.user, Action.VIEW, Indicator)
    form, year = _year(request)
    results = [
        compute(indicator, year, request.user)
        for indicator in indicators_for_year(year)
    ]
    return render(
        request,
        "reports/indicators/list.html",
        {
            "form": form,
            "year": year,
            "results": results,
            "statuses": Status.legend(),
        },
    )


def _indicator(request, pk, year):
    """The indicator of the URL in the wording the year uses."""
    chosen = get_for_user_or_404(Indicator.objects.all(), request.user, pk=pk)
    for indicator in indicators_for_year(year):
        if indicator.code == chosen.code:
            return indicator
    return get_for_user_or_404(
        Indicator.objects.prefetch_related("cooperation_types", "partner_kinds"),
        request.user,
        pk=pk,
    )


def indicator_detail(request, pk):
    """One indicator: statement, measure, status, figures and evidence."""
    form, year = _year(request)
    indicator = _indicator(request, pk, year)
    result = compute(indicator, year, request.user)
    return render(
        request,
        "reports/indicators/detail.html",
        {"form": form, "year": year, "result": result, "indicator": indicator},
    )


def _pack_response(results, *, year, user, name):
    archive, _missing = build_pack(results, year=year, user=user)
    return FileResponse(
        archive,
        as_attachment=True,
        filename=f"{name}.zip",
        content_type="application/zip",
    )


def indicator_pack(request, pk):
    """The evidence pack of one indicator for the chosen year."""
    _form, year = _year(request)
    indicator = _indicator(request, pk, year)
    result = compute(indicator, year, request.user)
    name = f"evidence-{safe_part(indicator.code)}-{year}"
    return _pack_response([result], year=year, user=request.user, name=name)


def indicators_pack(request):
    """The evidence pack of every indicator for the chosen year."""
    require(request.user, Action.VIEW, Indicator)
    _form, year = _year(request)
    results = [
        compute(indicator, year, request.user)
        for indicator in indicators_for_year(year)
    ]
    return _pack_response(
        results, year=year, user=request.user, name=f"evidence-{year}"
    )


def relevance_edit(request, pk):
    """Note how an agreement serves the institution's vision."""
    agreement = get_for_user_or_404(
        Agreement.objects.select_related("partner").prefetch_related("units"),
        request.user,
        pk=pk,
    )
    current = AgreementRelevance.objects.filter(agreement=agreement).first()
    can_change = can(
        request.user, Action.CHANGE, current or AgreementRelevance(agreement=agreement)
    )
    if request.method == "POST" and not can_change:
        raise PermissionDenied
    form = RelevanceForm(
        request.POST or None, initial={"note": current.note if current else ""}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.relevance_set(
                agreement=agreement, by=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The relevance note was saved."))
            back = request.POST.get("next", "")
            if url_has_allowed_host_and_scheme(
                back,
                allowed_hosts={request.get_host()},
                require_https=request.is_secure(),
            ):
                return redirect(back)
            return redirect(agreement)
    return render(
        request,
        "reports/indicators/relevance_form.html",
        {
            "form": form,
            "agreement": agreement,
            "next": request.GET.get("next", ""),
            "current": current,
            "can_change": can_change,
        },
    )
