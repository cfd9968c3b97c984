"""The dashboard counts only what its viewer may see, and links to lists."""

import datetime

from django.urls import reverse

from mitra.agreements.models import DocumentType, Status
from mitra.core.clock import frozen
from tests.factories import AgreementFactory

TODAY = datetime.date(2026, 6, 1)


def make_agreements(units):
    AgreementFactory(units=[units["ja"]], end_date=TODAY + datetime.timedelta(days=30))
    AgreementFactory(units=[units["jb1"]], document_type=DocumentType.MOU)
    AgreementFactory(units=[units["jb"]], end_date=TODAY - datetime.timedelta(days=1))
    AgreementFactory(units=[units["jb"]], status=Status.DRAFT, number=None)


def test_it_shows_the_figures_with_links(users, units, client_for):
    make_agreements(units)

    with frozen(TODAY):
        response = client_for(users["office"]).get(reverse("reports:dashboard"))

    totals = response.context["figures"]["totals"]
    assert totals == {
        "agreements": 4,
        "in_force": 2,
        "expiring": 1,
        "expired": 1,
        "partners": 4,
        "active_partners": 2,
    }
    by_type = {f.label: f for f in response.context["figures"]["by_type"]}
    assert by_type["MoU"].value == 1
    assert by_type["MoU"].query == "?validity=current&document_type=mou"
    by_unit = {f.label: f.value for f in response.context["figures"]["by_unit"]}
    assert by_unit == {"Jurusan A": 1, "Jurusan B": 1}
    assert len(response.context["figures"]["expiring"]) == 1


def test_another_jurusans_draft_is_never_counted(users, units, client_for):
    make_agreements(units)

    with frozen(TODAY):
        office = client_for(users["office"]).get(reverse("reports:dashboard"))
        unit_a = client_for(users["unit_a"]).get(reverse("reports:dashboard"))

    assert office.context["figures"]["totals"]["agreements"] == 4
    assert unit_a.context["figures"]["totals"]["agreements"] == 3
    by_status = {f.query: f.value for f in unit_a.context["figures"]["by_status"]}
    assert by_status["?status=draft"] == 0


def test_the_dashboard_runs_a_fixed_number_of_queries(
    users, units, client_for, django_assert_max_num_queries
):
    client = client_for(users["unit_a"])
    for _ in range(3):
        AgreementFactory(units=[units["ja1"]])
    client.get(reverse("reports:dashboard"))

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("reports:dashboard"))
    for _ in range(30):
        AgreementFactory(units=[units["jb1"]])
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("reports:dashboard"))

    assert len(many) == len(few)
