"""The indicator pages, the evidence pack, relevance notes and activity
outputs: who may do what, and a fixed number of queries."""

import datetime
import io
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mitra.agreements.models import Activity, Participation
from mitra.core.clock import frozen
from mitra.reports.models import ActivityOutput, AgreementRelevance, Indicator
from tests.agreements.uploads import fake_pdf_upload, pdf_upload
from tests.factories import AgreementFactory
from tests.reports.indicators_data import YEAR, build_world

TODAY = datetime.date(2025, 3, 1)


@pytest.fixture
def world(units):
    return build_world(units)


def test_it_shows_every_indicator_with_its_status(world, users, client_for):
    with frozen(TODAY):
        response = client_for(users["auditor"]).get(
            reverse("reports:indicators"), {"year": YEAR}
        )

    assert response.status_code == 200
    statuses = {r.indicator.code: r.status for r in response.context["results"]}
    assert statuses["B.1.2.5.8"] == "evidenced"
    assert statuses["B.1.2.6.16.c"] == "no_evidence"
    assert 'data-code="B.1.2.9.3"' in response.content.decode()


@pytest.mark.parametrize("role", ["office", "head", "leader", "auditor", "admin"])
def test_those_who_read_everything_see_the_indicators(db, users, client_for, role):
    response = client_for(users[role]).get(reverse("reports:indicators"))

    assert response.status_code == 200


def test_unit_staff_do_not_see_the_indicators_nor_their_packs(db, users, client_for):
    client = client_for(users["unit_a"])
    indicator = Indicator.objects.get(code="B.1.2.5.8")

    assert client.get(reverse("reports:indicators")).status_code == 403
    assert client.get(reverse("reports:indicators_pack")).status_code == 403
    detail = reverse("reports:indicator", args=[indicator.pk])
    assert client.get(detail).status_code == 404
    pack = reverse("reports:indicator_pack", args=[indicator.pk])
    assert client.get(pack).status_code == 404


def test_a_bad_year_falls_back_to_this_year(db, users, client_for):
    with frozen(TODAY):
        response = client_for(users["office"]).get(
            reverse("reports:indicators"), {"year": "abc"}
        )

    assert response.status_code == 200
    assert response.context["year"] == 2025


def test_the_pack_of_every_indicator_has_a_folder_per_indicator(
    world, users, client_for
):
    with frozen(TODAY):
        response = client_for(users["auditor"]).get(
            reverse("reports:indicators_pack"), {"year": YEAR}
        )

    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    folders = {name.rsplit("/", 1)[0] for name in names if "/" in name}
    assert folders == {"B.1.2.5.8/2024", "B.1.2.9.3/2024"}
    assert "00-summary.pdf" in names


def _more_records(units, count):
    for index in range(count):
        agreement = AgreementFactory(
            units=[units["ja1"]], signed_file=pdf_upload(), start_date=TODAY
        )
        activity = Activity.objects.create(
            agreement=agreement,
            title=f"Extra {index}",
            start_date=datetime.date(YEAR, 3, 1),
        )
        Participation.objects.create(
            activity=activity, unit=units["ja1"], students=2, students_credited=2
        )


def test_the_indicator_pages_run_a_fixed_number_of_queries(world, users, client_for):
    client = client_for(users["auditor"])
    indicator = Indicator.objects.get(code="B.1.2.5.8")
    urls = [
        reverse("reports:indicators") + f"?year={YEAR}",
        reverse("reports:indicator", args=[indicator.pk]) + f"?year={YEAR}",
    ]

    def counts():
        result = []
        for url in urls:
            with frozen(TODAY), CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    before = counts()
    _more_records(world["units"], 6)

    assert counts() == before


# --- Relevance notes ---------------------------------------------------------


def test_the_office_notes_an_agreements_relevance(world, users, client_for):
    agreement = world["agreements"]["A1"]
    url = reverse("reports:relevance", args=[agreement.pk])
    client = client_for(users["office"])

    response = client.post(url, {"note": "Mendukung visi internasional"})

    assert response.status_code == 302
    assert agreement.vision_relevance.note == "Mendukung visi internasional"

    # an empty note removes it
    client.post(url, {"note": "  "})
    assert not AgreementRelevance.objects.filter(agreement=agreement).exists()


def test_unit_staff_note_only_their_own_units_agreements(world, users, client_for):
    a1 = world["agreements"]["A1"]  # of JA1, under jurusan A

    own = client_for(users["unit_a"]).post(
        reverse("reports:relevance", args=[a1.pk]), {"note": "Relevan"}
    )
    other = client_for(users["unit_b"]).post(
        reverse("reports:relevance", args=[a1.pk]), {"note": "Relevan"}
    )

    assert own.status_code == 302
    assert other.status_code == 403


def test_the_relevance_form_never_redirects_elsewhere(world, users, client_for):
    agreement = world["agreements"]["A1"]

    response = client_for(users["office"]).post(
        reverse("reports:relevance", args=[agreement.pk]),
        {"note": "Relevan", "next": "https://example.com/"},
    )

    assert response["Location"] == agreement.get_absolute_url()


# --- Outputs of an activity --------------------------------------------------


def test_an_output_is_recorded_from_the_activity_page(world, users, client_for):
    activity = world["activities"]["visit"]
    client = client_for(users["office"])

    page = client.get(activity.get_absolute_url())
    assert 'id="output-form"' in page.content.decode()

    response = client.post(
        reverse("reports:output_add", args=[activity.pk]),
        {
            "output-kind": "product",
            "output-description": "Aplikasi pemantauan",
            "output-evidence": pdf_upload("bukti.pdf"),
        },
    )

    assert response.status_code == 302
    output = ActivityOutput.objects.get(activity=activity)
    assert (output.kind, output.description) == ("product", "Aplikasi pemantauan")
    download = client.get(reverse("reports:output_file", args=[output.pk]))
    assert download.status_code == 200
    assert (
        "Aplikasi pemantauan"
        in client.get(activity.get_absolute_url()).content.decode()
    )


def test_an_output_file_is_checked_by_its_content(world, users, client_for):
    activity = world["activities"]["visit"]

    response = client_for(users["office"]).post(
        reverse("reports:output_add", args=[activity.pk]),
        {
            "output-kind": "product",
            "output-description": "Aplikasi",
            "output-evidence": fake_pdf_upload("bukti.pdf"),
        },
        follow=True,
    )

    assert response.status_code == 200
    assert not ActivityOutput.objects.filter(activity=activity).exists()
    assert list(response.context["messages"])


def test_outputs_follow_the_activitys_permissions(world, users, client_for):
    activity = world["activities"]["internship"]  # under A1, of JA1
    output = ActivityOutput.objects.create(
        activity=activity, kind="curriculum", description="Kurikulum magang"
    )
    data = {"output-kind": "other", "output-description": "Lainnya"}

    stranger = client_for(users["unit_b"])
    assert (
        stranger.post(reverse("reports:output_add", args=[activity.pk]), data)
    ).status_code == 403
    assert (
        stranger.post(reverse("reports:output_delete", args=[output.pk]))
    ).status_code == 403
    assert (
        'id="output-form"'
        not in stranger.get(activity.get_absolute_url()).content.decode()
    )

    own = client_for(users["unit_a"])
    assert (
        own.post(reverse("reports:output_delete", args=[output.pk]))
    ).status_code == 302
    assert not ActivityOutput.objects.filter(pk=output.pk).exists()


def test_outputs_cannot_be_recorded_by_get(world, users, client_for):
    activity = world["activities"]["visit"]

    response = client_for(users["office"]).get(
        reverse("reports:output_add", args=[activity.pk])
    )

    assert response.status_code == 405


def test_readers_see_a_relevance_note_but_do_not_change_it(world, users, client_for):
    agreement = world["agreements"]["A1"]
    AgreementRelevance.objects.create(agreement=agreement, note="Sesuai visi")
    client = client_for(users["auditor"])
    url = reverse("reports:relevance", args=[agreement.pk])

    page = client.get(url)
    refused = client.post(url, {"note": "Diubah"})

    assert page.status_code == 200
    assert 'id="relevance-note"' in page.content.decode()
    assert refused.status_code == 403
    assert AgreementRelevance.objects.get(agreement=agreement).note == "Sesuai visi"
