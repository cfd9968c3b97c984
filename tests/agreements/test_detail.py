"""The agreement page: data, relatives, activities, evidence, history."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mitra.agreements import services
from mitra.agreements.models import DocumentType, Status
from mitra.core.clock import frozen
from tests.agreements.uploads import pdf_upload
from tests.factories import ActivityFactory, AgreementFactory

D = datetime.date


def detail_url(agreement):
    return reverse("agreements:detail", args=[agreement.pk])


def test_it_shows_the_agreement_with_its_computed_validity(client_for, users, mou):
    with frozen(D(2025, 11, 1)):
        response = client_for(users["leader"]).get(detail_url(mou))

    page = response.content.decode()
    assert response.status_code == 200
    assert "001/MOU/2020" in page
    assert "validity-expiring" in page
    assert mou.partner.get_absolute_url() in page


def test_it_links_parents_children_and_renewals(client_for, users, mou, partner):
    # given an MoU with an MoA under it, and a signed renewal of the MoU
    moa = AgreementFactory(number="2/PKS", partner=partner)
    moa.parents.add(mou)
    renewal = AgreementFactory(
        number="9/MOU/2026", document_type=DocumentType.MOU, renews=mou
    )

    # when the MoU's page and the renewal's page are opened
    client = client_for(users["office"])
    mou_page = client.get(detail_url(mou)).content.decode()
    renewal_page = client.get(detail_url(renewal)).content.decode()

    # then each links to the others
    assert detail_url(moa) in mou_page
    assert detail_url(renewal) in mou_page
    assert detail_url(mou) in renewal_page


def test_it_warns_when_a_child_outlives_the_agreement(client_for, users, mou):
    child = AgreementFactory(number="LONG", end_date=D(2030, 1, 1))
    child.parents.add(mou)

    response = client_for(users["office"]).get(detail_url(mou))

    assert response.context["warnings"]
    assert "LONG" in response.context["warnings"][0]


def test_it_hides_children_the_viewer_may_not_see(client_for, users, units, mou):
    hidden = AgreementFactory(
        number="DRAFT-B", status=Status.DRAFT, units=[units["jb"]]
    )
    hidden.parents.add(mou)

    page = client_for(users["unit_a"]).get(detail_url(mou)).content.decode()

    assert "DRAFT-B" not in page
    assert detail_url(hidden) not in page


def test_it_shows_activities_with_participation_totals(client_for, users, units):
    agreement = AgreementFactory()
    for students in (3, 4):
        activity = ActivityFactory(agreement=agreement)
        services.participations_set(
            activity=activity,
            by=None,
            rows=[{"unit": units["ja1"], "students": students, "lecturers": 1}],
        )

    response = client_for(users["auditor"]).get(detail_url(agreement))

    assert response.context["totals"]["students"] == 7
    assert response.context["totals"]["lecturers"] == 2


def test_it_shows_the_change_history(client_for, users, partner):
    agreement = services.agreement_create(
        by=users["office"],
        partner=partner,
        document_type=DocumentType.MOU,
        title="Lama",
    ).agreement
    services.agreement_update(agreement=agreement, by=users["head"], title="Baru")

    response = client_for(users["office"]).get(detail_url(agreement))

    changes = response.context["history"][0].changes
    assert [(c.old, c.new) for c in changes if c.old == "Lama"] == [("Lama", "Baru")]
    assert response.context["history"][0].who == users["head"]


def test_it_serves_the_signed_pdf_as_an_attachment(client_for, users, partner):
    agreement = services.agreement_create(
        by=users["office"],
        partner=partner,
        document_type=DocumentType.MOU,
        title="Dengan berkas",
        number="77/MOU/2024",
        status=Status.SIGNED,
        start_date=D(2024, 1, 1),
        end_date=None,
        signed_file=pdf_upload(),
    ).agreement

    response = client_for(users["unit_b"]).get(
        reverse("agreements:signed_file", args=[agreement.pk])
    )

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_it_answers_404_for_a_missing_signed_file(client_for, users, mou):
    response = client_for(users["office"]).get(
        reverse("agreements:signed_file", args=[mou.pk])
    )

    assert response.status_code == 404


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["office", "unit_a"])
def test_it_runs_a_fixed_number_of_queries(client_for, users, units, mou, role):
    client = client_for(users[role])
    mou.units.add(units["ja"])

    def grow(count):
        for _index in range(count):
            child = AgreementFactory(units=[units["ja"]])
            child.parents.add(mou)
            AgreementFactory(renews=mou)
            activity = ActivityFactory(agreement=mou)
            services.participations_set(
                activity=activity, by=None, rows=[{"unit": units["ja1"]}]
            )
            services.evidence_add(
                activity=activity, by=None, description="Foto", file=pdf_upload()
            )

    grow(1)
    services.agreement_update(agreement=mou, by=users["office"], title="Satu")
    few = _queries(client, detail_url(mou))
    grow(6)
    services.agreement_update(agreement=mou, by=users["office"], title="Dua")
    many = _queries(client, detail_url(mou))

    assert few == many
