"""Calls for proposals: opening, answers, declines and reminders."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from mitra.core.daily import run_daily
from mitra.core.models import Notification
from mitra.proposals import services
from mitra.proposals.jobs import call_reminders
from mitra.proposals.models import CallForProposals
from mitra.proposals.selectors import call_answers
from tests.factories import UserFactory
from tests.proposals.conftest import TODAY


def titles(user):
    return list(
        Notification.objects.filter(recipient=user)
        .order_by("pk")
        .values_list("title", flat=True)
    )


def test_opening_a_call_tells_the_invited_units_in_the_app_and_by_email(
    users, units, django_capture_on_commit_callbacks
):
    prodi_staff = UserFactory(username="prodi_a1", units=[units["ja1"]])

    with django_capture_on_commit_callbacks(execute=True):
        call = services.call_open(
            by=users["office"],
            year=2026,
            title="Usulan 2026",
            deadline=TODAY + datetime.timedelta(days=14),
            units=[units["ja"]],
        )

    assert len(titles(users["unit_a"])) == 1
    assert len(titles(prodi_staff)) == 1  # the units below are told too
    assert titles(users["unit_b"]) == []
    assert sorted(message.to[0] for message in mail.outbox) == [
        "prodi_a1@example.test",
        "unit_a@example.test",
    ]
    assert call.units.get() == units["ja"]


def test_a_deadline_in_the_past_is_refused(users, units):
    with pytest.raises(ValidationError) as caught:
        services.call_open(
            by=users["office"],
            year=2026,
            title="Terlambat",
            deadline=TODAY - datetime.timedelta(days=1),
            units=[units["ja"]],
        )

    assert list(caught.value.message_dict) == ["deadline"]
    assert not CallForProposals.objects.exists()


def test_the_form_shows_the_past_deadline_as_a_field_error(users, units, client_for):
    response = client_for(users["office"]).post(
        reverse("proposals:call_create"),
        {
            "year": 2026,
            "title": "Terlambat",
            "deadline": "2026-01-15",
            "units": [units["ja"].pk],
        },
    )

    assert response.status_code == 200
    assert "deadline" in response.context["form"].errors
    assert not CallForProposals.objects.exists()


def test_a_call_needs_units(users):
    with pytest.raises(ValidationError) as caught:
        services.call_open(
            by=users["office"],
            year=2026,
            title="Tanpa unit",
            deadline=TODAY,
            units=[],
        )

    assert "units" in caught.value.message_dict


def test_the_answers_show_who_proposed_declined_or_stayed_silent(
    call, units, users, make_proposal
):
    make_proposal(call=call)
    services.call_decline(call=call, unit=units["jb"], by=users["unit_b"], note="-")

    answers = {answer.unit.code: answer for answer in call_answers(call)}

    assert answers["JA"].answered and len(answers["JA"].proposals) == 1
    assert answers["JB"].answered and answers["JB"].decline is not None


def test_a_draft_is_not_yet_an_answer(call, make_proposal):
    make_proposal(call=call, submit=False)

    answer = call_answers(call)[0]

    assert not answer.answered
    assert answer.drafts == 1


def test_a_prodis_proposal_answers_for_its_jurusan(call, units, make_proposal):
    make_proposal(call=call, unit=units["ja1"])

    assert call_answers(call)[0].answered


def test_a_unit_that_proposed_cannot_decline(call, units, users, make_proposal):
    make_proposal(call=call)

    with pytest.raises(ValidationError):
        services.call_decline(call=call, unit=units["ja"], by=users["unit_a"])


def test_silent_units_are_reminded_once_per_lead(call, users, units, make_proposal):
    # given jurusan A has answered and jurusan B has not
    make_proposal(call=call)
    deadline = call.deadline

    # when the daily job runs 7 days before the deadline, twice
    first = call_reminders(deadline - datetime.timedelta(days=7))
    again = call_reminders(deadline - datetime.timedelta(days=7))

    # then only jurusan B's staff are reminded, once
    assert first == {"calls": 1, "units": 1, "notifications": 1}
    assert again["notifications"] == 0
    assert len(titles(users["unit_b"])) == 2  # the opening and one reminder
    assert len(titles(users["unit_a"])) == 1  # the opening only

    # and a day before the deadline they are reminded again
    last = call_reminders(deadline - datetime.timedelta(days=1))
    assert last["notifications"] == 1


def test_no_reminder_outside_the_leads_or_after_the_deadline(call):
    assert call_reminders(call.deadline - datetime.timedelta(days=10))["calls"] == 0
    assert call_reminders(call.deadline + datetime.timedelta(days=1))["calls"] == 0


def test_a_declined_unit_is_not_reminded(call, units, users):
    services.call_decline(call=call, unit=units["jb"], by=users["unit_b"])

    result = call_reminders(call.deadline - datetime.timedelta(days=1))

    assert result["units"] == 1  # jurusan A only
    assert len(titles(users["unit_b"])) == 1


def test_the_reminder_job_runs_in_the_daily_job(call):
    runs = run_daily(
        call.deadline - datetime.timedelta(days=1), only=["proposals.call_reminders"]
    )

    assert runs[0].ok
    assert runs[0].summary["units"] == 2


def test_the_call_page_lists_the_answers(call, users, client_for, make_proposal):
    make_proposal(call=call)

    response = client_for(users["office"]).get(
        reverse("proposals:call_detail", args=[call.pk])
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-unit="JA" data-answered="yes"' in content
    assert 'data-unit="JB" data-answered="no"' in content


def test_a_unit_declines_through_the_page(call, users, units, client_for):
    client = client_for(users["unit_b"])

    response = client.post(
        reverse("proposals:call_decline", args=[call.pk]),
        {"unit": units["jb"].pk, "note": "Belum ada."},
    )

    assert response.status_code == 302
    assert call.declines.get().unit == units["jb"]


def test_a_unit_cannot_decline_for_another(call, users, units, client_for):
    client_for(users["unit_b"]).post(
        reverse("proposals:call_decline", args=[call.pk]), {"unit": units["ja"].pk}
    )

    assert not call.declines.exists()


def test_only_the_office_opens_calls(users, client_for):
    for role in ("unit_a", "leader", "auditor"):
        response = client_for(users[role]).get(reverse("proposals:call_create"))
        assert response.status_code == 403
