"""Activities under an agreement: counts per study programme and evidence."""

import datetime

from django.urls import reverse

from mitra.agreements import services
from mitra.agreements.models import Activity, Evidence
from tests.agreements.uploads import fake_pdf_upload, pdf_upload
from tests.factories import ActivityFactory, AgreementFactory

D = datetime.date


def management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def activity_data(**changes):
    data = {
        "title": "Magang industri",
        "start_date": "01/02/2024",
        "end_date": "2024-07-31",
        **management("participations", 2),
        **management("evidence", 1),
    }
    data.update(changes)
    return data


def test_it_records_an_activity_with_counts_and_evidence(client_for, users, units):
    # given an agreement of jurusan A
    agreement = AgreementFactory(units=[units["ja"]])

    # when jurusan A's staff record an activity with counts and a report
    response = client_for(users["unit_a"]).post(
        reverse("agreements:activity_create", args=[agreement.pk]),
        activity_data(
            **{
                "participations-0-unit": units["ja1"].pk,
                "participations-0-students": "20",
                "participations-0-students_credited": "18",
                "participations-0-certificates": "20",
                "participations-0-lecturers": "2",
                "evidence-0-description": "Laporan akhir",
                "evidence-0-file": pdf_upload("laporan.pdf"),
            }
        ),
    )

    # then the activity, its counts and its evidence are stored
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == activity.get_absolute_url()
    assert activity.start_date == D(2024, 2, 1)
    row = activity.participations.get()
    assert (row.unit, row.students_credited) == (units["ja1"], 18)
    assert activity.evidence.get().description == "Laporan akhir"


def test_it_refuses_counts_for_a_unit_that_is_not_a_prodi(client_for, users, units):
    agreement = AgreementFactory(units=[units["ja"]])

    response = client_for(users["office"]).post(
        reverse("agreements:activity_create", args=[agreement.pk]),
        activity_data(**{"participations-0-unit": units["ja"].pk}),
    )

    assert response.status_code == 200
    assert response.context["participations"].errors[0]["unit"]
    assert not Activity.objects.exists()


def test_it_refuses_a_bad_evidence_file(client_for, users):
    agreement = AgreementFactory()

    response = client_for(users["office"]).post(
        reverse("agreements:activity_create", args=[agreement.pk]),
        activity_data(
            **{
                "evidence-0-description": "Foto",
                "evidence-0-file": fake_pdf_upload("foto.jpg"),
            }
        ),
    )

    assert response.context["evidence"].errors[0]["file"]
    assert not Activity.objects.exists()


def test_it_shows_a_field_error_for_an_impossible_date(client_for, users):
    agreement = AgreementFactory()

    response = client_for(users["office"]).post(
        reverse("agreements:activity_create", args=[agreement.pk]),
        activity_data(start_date="31/06/2024"),
    )

    assert response.context["form"].errors["start_date"]


def test_it_edits_an_activity_and_its_counts(client_for, users, units):
    # given an activity counted for prodi A1
    activity = ActivityFactory(agreement=AgreementFactory(units=[units["ja"]]))
    services.participations_set(
        activity=activity, by=None, rows=[{"unit": units["ja1"], "students": 5}]
    )
    url = reverse("agreements:activity_edit", args=[activity.pk])
    client = client_for(users["unit_a"])
    assert client.get(url).status_code == 200

    # when the count is changed and a second programme added
    response = client.post(
        url,
        {
            "title": "Judul baru",
            "start_date": "2024-03-01",
            **management("participations", 3, initial=1),
            "participations-0-unit": units["ja1"].pk,
            "participations-0-students": "7",
            "participations-1-unit": units["jb1"].pk,
            "participations-1-students": "1",
            **management("evidence", 1),
        },
    )

    # then both rows are stored
    assert response.status_code == 302
    counts = {row.unit.code: row.students for row in activity.participations.all()}
    assert counts == {"JA1": 7, "JB1": 1}


def test_it_shows_an_activity_with_its_totals(client_for, users, units):
    activity = ActivityFactory()
    services.participations_set(
        activity=activity,
        by=None,
        rows=[
            {"unit": units["ja1"], "students": 5},
            {"unit": units["jb1"], "students": 2},
        ],
    )

    response = client_for(users["leader"]).get(activity.get_absolute_url())

    assert response.status_code == 200
    assert response.context["totals"]["students"] == 7
    assert not response.context["can_change"]


def test_it_adds_serves_and_removes_evidence(client_for, users):
    activity = ActivityFactory()
    client = client_for(users["office"])

    client.post(
        reverse("agreements:evidence_add", args=[activity.pk]),
        {"evidence-description": "Daftar hadir", "evidence-file": pdf_upload()},
    )
    evidence = Evidence.objects.get()
    download = client.get(reverse("agreements:evidence_file", args=[evidence.pk]))
    removed = client.post(reverse("agreements:evidence_delete", args=[evidence.pk]))

    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert removed.status_code == 302
    assert not Evidence.objects.exists()


def test_it_deletes_an_activity(client_for, users):
    activity = ActivityFactory()
    url = reverse("agreements:activity_delete", args=[activity.pk])
    client = client_for(users["office"])

    assert client.get(url).status_code == 200
    response = client.post(url)

    assert response["Location"] == activity.agreement.get_absolute_url()
    assert not Activity.objects.exists()


def test_it_forbids_leaders_to_add_activities(client_for, users):
    agreement = AgreementFactory()

    response = client_for(users["leader"]).get(
        reverse("agreements:activity_create", args=[agreement.pk])
    )

    assert response.status_code == 403
