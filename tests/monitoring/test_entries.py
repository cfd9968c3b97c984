"""Filling monitoring entries: who may, what is checked, evidence files."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mitra.monitoring import services
from mitra.monitoring.models import ImplementationStatus, MonitoringEvidence
from tests.agreements.uploads import fake_pdf_upload, pdf_upload
from tests.factories import ActivityFactory
from tests.monitoring.conftest import entry_of


@pytest.fixture
def entry_a(monitoring_round, agreement_a):
    return entry_of(monitoring_round, agreement_a)


@pytest.fixture
def entry_b(monitoring_round, agreement_b):
    return entry_of(monitoring_round, agreement_b)


def edit_url(entry):
    return reverse("monitoring:entry_edit", args=[entry.pk])


def test_a_unit_fills_and_submits_its_entry(users, client_for, entry_a, activity_a):
    client = client_for(users["unit_a"])

    # the form offers the activities of the period, chosen at first
    form = client.get(edit_url(entry_a)).context["form"]
    assert list(form.fields["activities"].queryset) == [activity_a]
    assert form.initial["activities"] == [activity_a.pk]

    response = client.post(
        edit_url(entry_a),
        {
            "implementation_status": "ongoing",
            "activities": [activity_a.pk],
            "benefits": "Mahasiswa magang 4 bulan",
            "obstacles": "",
            "follow_up": "Perpanjang kuota",
            "evidence-TOTAL_FORMS": "2",
            "evidence-INITIAL_FORMS": "0",
            "evidence-0-description": "Laporan magang",
            "evidence-0-file": pdf_upload("laporan.pdf"),
            "submit": "1",
        },
    )

    assert response.status_code == 302
    entry_a.refresh_from_db()
    assert entry_a.is_submitted
    assert entry_a.filled_by == users["unit_a"]
    assert entry_a.implementation_status == ImplementationStatus.ONGOING
    assert list(entry_a.activities.all()) == [activity_a]
    assert entry_a.evidence.get().description == "Laporan magang"


def test_a_draft_is_saved_without_being_submitted(users, client_for, entry_a):
    response = client_for(users["unit_a"]).post(
        edit_url(entry_a),
        {
            "implementation_status": "",
            "benefits": "Sebagian",
            "evidence-TOTAL_FORMS": "0",
            "evidence-INITIAL_FORMS": "0",
            "draft": "1",
        },
    )

    assert response.status_code == 302
    entry_a.refresh_from_db()
    assert not entry_a.is_submitted
    assert entry_a.benefits == "Sebagian"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"implementation_status": ""}, "implementation_status"),
        ({"implementation_status": "finished"}, "implementation_status"),
        ({"implementation_status": "stalled", "obstacles": " "}, "obstacles"),
    ],
)
def test_submitting_asks_for_what_is_missing(users, client_for, entry_a, data, field):
    response = client_for(users["unit_a"]).post(
        edit_url(entry_a),
        {
            **data,
            "evidence-TOTAL_FORMS": "0",
            "evidence-INITIAL_FORMS": "0",
            "submit": "1",
        },
    )

    assert response.status_code == 400
    assert field in response.context["form"].errors
    entry_a.refresh_from_db()
    assert not entry_a.is_submitted


def test_an_activity_of_another_agreement_cannot_be_chosen(
    users, client_for, entry_a, agreement_b
):
    other = ActivityFactory(agreement=agreement_b, start_date=datetime.date(2025, 9, 1))

    response = client_for(users["unit_a"]).post(
        edit_url(entry_a),
        {
            "implementation_status": "done",
            "activities": [other.pk],
            "evidence-TOTAL_FORMS": "0",
            "evidence-INITIAL_FORMS": "0",
            "submit": "1",
        },
    )

    assert response.status_code == 400
    assert "activities" in response.context["form"].errors
    with pytest.raises(ValidationError):
        services.entry_update(
            entry=entry_a,
            by=users["unit_a"],
            implementation_status="done",
            activities=[other],
            submit=True,
        )


def test_an_evidence_file_is_checked_by_its_content(users, client_for, entry_a):
    client = client_for(users["unit_a"])

    response = client.post(
        reverse("monitoring:evidence_add", args=[entry_a.pk]),
        {"evidence-description": "Foto", "evidence-file": fake_pdf_upload("foto.pdf")},
        follow=True,
    )

    assert response.status_code == 200
    assert not MonitoringEvidence.objects.exists()
    errors = [m for m in response.context["messages"] if m.level_tag == "error"]
    assert len(errors) == 1


def test_evidence_is_downloaded_and_removed_through_the_gate(
    users, client_for, entry_a
):
    evidence = services.evidence_add(
        entry=entry_a, by=users["unit_a"], description="Daftar hadir", file=pdf_upload()
    )
    file_url = reverse("monitoring:evidence_file", args=[evidence.pk])
    delete_url = reverse("monitoring:evidence_delete", args=[evidence.pk])

    assert client_for(users["unit_b"]).get(file_url).status_code == 404
    assert client_for(users["unit_b"]).post(delete_url).status_code == 404
    assert client_for(users["auditor"]).get(file_url).status_code == 200
    assert client_for(users["auditor"]).post(delete_url).status_code == 403
    client_for(users["unit_a"]).post(delete_url)
    assert not MonitoringEvidence.objects.exists()


@pytest.mark.parametrize("page", ["monitoring:entry", "monitoring:entry_edit"])
def test_another_units_entry_is_not_found(users, client_for, entry_a, page):
    response = client_for(users["unit_b"]).get(reverse(page, args=[entry_a.pk]))

    assert response.status_code == 404


def test_another_units_entry_cannot_be_posted(users, client_for, entry_a):
    response = client_for(users["unit_b"]).post(
        edit_url(entry_a),
        {
            "implementation_status": "done",
            "evidence-TOTAL_FORMS": "0",
            "evidence-INITIAL_FORMS": "0",
            "submit": "1",
        },
    )

    assert response.status_code == 404
    entry_a.refresh_from_db()
    assert not entry_a.is_submitted


def test_a_jurusan_fills_the_entries_of_its_prodis(users, client_for, entry_b):
    assert client_for(users["unit_b"]).get(edit_url(entry_b)).status_code == 200
    assert client_for(users["unit_a"]).get(edit_url(entry_b)).status_code == 404


@pytest.mark.parametrize("who", ["leader", "auditor"])
def test_readers_see_entries_but_do_not_fill_them(users, client_for, entry_a, who):
    client = client_for(users[who])

    assert client.get(entry_a.get_absolute_url()).status_code == 200
    assert client.get(edit_url(entry_a)).status_code == 403


def test_a_closed_rounds_entries_are_frozen(
    users, client_for, monitoring_round, entry_a
):
    services.round_close(monitoring_round=monitoring_round, by=users["office"])
    client = client_for(users["unit_a"])

    assert client.get(entry_a.get_absolute_url()).context["can_change"] is False
    assert client.get(edit_url(entry_a)).status_code == 409
    with pytest.raises(ValidationError):
        services.entry_update(
            entry=entry_a, by=users["office"], implementation_status="done"
        )


def test_a_form_left_open_while_the_round_closed_says_the_round_is_closed(
    users, client_for, monitoring_round, entry_a
):
    # given the unit opened the form, then the office closed the round
    client = client_for(users["unit_a"])
    assert client.get(edit_url(entry_a)).status_code == 200
    services.round_close(monitoring_round=monitoring_round, by=users["office"])

    # when the unit submits
    response = client.post(
        edit_url(entry_a),
        {
            "implementation_status": "done",
            "evidence-TOTAL_FORMS": "0",
            "evidence-INITIAL_FORMS": "0",
            "submit": "1",
        },
    )

    # then it is told the round is closed, not that its role is refused
    assert response.status_code == 409
    assert "The round is closed" in response.content.decode()
    assert "Your role does not allow" not in response.content.decode()
    entry_a.refresh_from_db()
    assert not entry_a.is_submitted


def test_evidence_of_a_closed_round_says_the_round_is_closed(
    users, client_for, monitoring_round, entry_a
):
    evidence = services.evidence_add(
        entry=entry_a, by=users["unit_a"], description="Daftar hadir", file=pdf_upload()
    )
    services.round_close(monitoring_round=monitoring_round, by=users["office"])
    client = client_for(users["unit_a"])

    added = client.post(
        reverse("monitoring:evidence_add", args=[entry_a.pk]),
        {"evidence-description": "Foto", "evidence-file": pdf_upload()},
    )
    deleted = client.post(reverse("monitoring:evidence_delete", args=[evidence.pk]))

    for response in (added, deleted):
        assert response.status_code == 409
        assert "The round is closed" in response.content.decode()
    assert list(MonitoringEvidence.objects.values_list("pk", flat=True)) == [
        evidence.pk
    ]


def test_a_submitted_entry_stays_submitted_when_edited(users, entry_a):
    services.entry_update(
        entry=entry_a, by=users["unit_a"], implementation_status="done", submit=True
    )

    with pytest.raises(ValidationError):
        services.entry_update(entry=entry_a, by=users["unit_a"])
    services.entry_update(
        entry=entry_a, by=users["unit_a"], implementation_status="ongoing"
    )

    entry_a.refresh_from_db()
    assert entry_a.is_submitted
    assert entry_a.implementation_status == ImplementationStatus.ONGOING


def test_the_entry_page_runs_a_fixed_number_of_queries(
    users, client_for, entry_a, agreement_a
):
    client = client_for(users["unit_a"])

    def page():
        client.get(entry_a.get_absolute_url())
        with CaptureQueriesContext(connection) as queries:
            assert client.get(entry_a.get_absolute_url()).status_code == 200
        return len(queries)

    def fill(count):
        activities = [
            ActivityFactory(agreement=agreement_a, start_date=datetime.date(2025, 9, 1))
            for _ in range(count)
        ]
        services.entry_update(
            entry=entry_a,
            by=users["unit_a"],
            implementation_status="ongoing",
            activities=[*entry_a.activities.all(), *activities],
            evidence=[(f"Bukti {n}", pdf_upload()) for n in range(count)],
        )

    fill(1)
    few = page()
    fill(10)

    assert page() == few
