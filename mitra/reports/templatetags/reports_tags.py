"""Pieces of the reports app shown on other apps' pages (an activity's
outputs, a partner's categories under the ministry's rule sets) and the
cells of the indicators' tables."""

from django import template

register = template.Library()


@register.inclusion_tag("reports/indicators/activity_outputs.html", takes_context=True)
def activity_outputs(context, activity):
    """The outputs of `activity`, with a form to record one when allowed."""
    from mitra.reports.forms import ActivityOutputForm
    from mitra.reports.models import ActivityOutput

    can_change = bool(context.get("can_change"))
    return {
        "activity": activity,
        "outputs": list(ActivityOutput.objects.filter(activity=activity)),
        "form": ActivityOutputForm(prefix="output") if can_change else None,
        "can_change": can_change,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("reports/ministry_partner_categories.html", takes_context=True)
def partner_rule_categories(context, partner):
    """`partner`'s category under each of the ministry's rule sets."""
    from mitra.reports.ministry_views import categories_form

    form, rule_sets, own = categories_form(partner)
    rows = []
    for rule_set in rule_sets:
        field = form[f"rule_set_{rule_set.pk}"]
        chosen = dict(field.field.choices).get(field.initial)
        rows.append(
            {
                "rule_set": rule_set,
                "label": chosen,
                "explicit": rule_set.pk in own,
                "field": field,
            }
        )
    return {
        "partner": partner,
        "rows": rows,
        "form": form if context.get("can_change") else None,
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def cell(value, links=True):
    """Render one cell of an indicator's table (text, number, date or links)."""
    import datetime

    from django.utils.formats import date_format, number_format
    from django.utils.html import format_html, format_html_join

    from mitra.reports.indicators import Link

    if value is None or value == "":
        return "—"
    if isinstance(value, Link):
        if links and value.url:
            return format_html('<a href="{}">{}</a>', value.url, value.text)
        return value.text
    if isinstance(value, list | tuple):
        if links:
            return format_html_join(
                ", ", "{}", ((cell(each, links),) for each in value)
            )
        return ", ".join(str(cell(each, links)) for each in value)
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return number_format(value)
    return value
