"""The ministry's cooperation indicator for a year, a rule set's settings,
and a partner's category under each rule set."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from mitra.core.clock import today
from mitra.core.permissions import Action, can, get_for_user_or_404, require
from mitra.partners.forms import PartnerCategoriesForm
from mitra.partners.models import Partner, PartnerRuleCategory
from mitra.reports import services
from mitra.reports.forms import MinistryForm, RuleSetSettingsForm
from mitra.reports.ministry import kind_defaults, ministry_indicator
from mitra.reports.models import RuleSet, RuleSetKind


def ministry(request):
    """The chosen year's figure, each programme's share and the documents."""
    require(request.user, Action.VIEW, RuleSet)
    form = MinistryForm(request.GET or None)
    year, rule_set, window = today().year, None, None
    if form.is_valid():
        year = form.cleaned_data["year"] or year
        rule_set = form.cleaned_data["rule_set"]
        window = form.cleaned_data["window"] or None
    result = ministry_indicator(
        year=year, user=request.user, rule_set=rule_set, window=window
    )
    settings_form = None
    if result and can(request.user, Action.CHANGE, result.rule_set):
        settings_form = RuleSetSettingsForm(instance=result.rule_set)
    return render(
        request,
        "reports/ministry.html",
        {
            "form": form,
            "year": year,
            "result": result,
            "rule_sets": RuleSet.objects.order_by("year_from"),
            "settings_form": settings_form,
        },
    )


def rule_set_settings(request, code):
    """Save how a rule set counts (the office)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    rule_set = get_for_user_or_404(RuleSet.objects.all(), request.user, code=code)
    require(request.user, Action.CHANGE, rule_set)
    form = RuleSetSettingsForm(
        request.POST, instance=RuleSet.objects.get(pk=rule_set.pk)
    )
    if form.is_valid():
        try:
            services.rule_set_settings_update(
                rule_set=rule_set,
                by=request.user,
                counting_window=form.cleaned_data["counting_window"],
                numerator=form.cleaned_data.get("numerator", ""),
                denominator=form.cleaned_data.get("denominator", ""),
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The rule set's settings were saved."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    query = urlencode({"year": request.POST.get("year", ""), "rule_set": rule_set.code})
    return redirect(reverse("reports:ministry") + "?" + query)


def categories_form(partner, data=None):
    """The form of `partner`'s categories, with its current choices."""
    rule_sets = list(
        RuleSet.objects.exclude(kind=RuleSetKind.OUTPUT)
        .prefetch_related("categories__default_kinds")
        .order_by("year_from")
    )
    own = {
        row.rule_set_id: row.category_id
        for row in PartnerRuleCategory.objects.filter(partner=partner)
    }
    current = {
        rule_set_id: str(category_id) if category_id else PartnerCategoriesForm.NONE
        for rule_set_id, category_id in own.items()
    }
    defaults = {
        rule_set.pk: kind_defaults(rule_set.categories.all()).get(partner.kind_id)
        for rule_set in rule_sets
    }
    form = PartnerCategoriesForm(
        data, rule_sets=rule_sets, current=current, defaults=defaults
    )
    return form, rule_sets, own


def partner_categories_save(request, pk):
    """Save a partner's category under each rule set (from its page)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    partner = get_for_user_or_404(Partner.objects.all(), request.user, pk=pk)
    require(request.user, Action.CHANGE, partner)
    form, _rule_sets, _own = categories_form(partner, request.POST)
    if form.is_valid():
        try:
            changed = services.partner_categories_set(
                partner=partner, by=request.user, choices=form.choices()
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            if changed:
                messages.success(request, _("The partner's categories were saved."))
            else:
                messages.info(request, _("Nothing was changed."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(reverse("partners:detail", args=[partner.pk]) + "#categories")
