from django.shortcuts import render
from django.urls import reverse

from mitra.core.clock import today
from mitra.reports.dashboard import dashboard_figures


def dashboard(request):
    """Where cooperation stands, for the viewer's eyes only."""
    figures = dashboard_figures(request.user, today())
    charts = {
        key: {
            "labels": [figure.label for figure in figures[key]],
            "values": [figure.value for figure in figures[key]],
            "links": [list_url + figure.query for figure in figures[key]],
        }
        for key, list_url in {
            "by_type": reverse("agreements:list"),
            "by_scope": reverse("agreements:list"),
            "by_field": reverse("agreements:list"),
            "by_validity": reverse("agreements:list"),
            "by_kind": reverse("partners:list"),
            "by_country": reverse("partners:list"),
        }.items()
    }
    return render(
        request,
        "reports/dashboard.html",
        {"figures": figures, "charts": charts, "today": today()},
    )
