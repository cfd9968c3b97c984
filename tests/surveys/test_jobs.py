"""The daily job's survey invitations and reminders."""

import datetime

import pytest
from django.test import override_settings

from mitra.core import clock
from mitra.core.daily import run_daily
from mitra.core.models import OutboxEmail
from mitra.surveys import services
from mitra.surveys.models import Invitation
from tests.surveys.helpers import CLOSES, OPENS, make_contacts, make_round

pytestmark = pytest.mark.django_db


def _run(day, only=("surveys.invitations", "surveys.reminders")):
    with clock.frozen(day):
        runs = run_daily(day, only=list(only))
    assert all(run.ok for run in runs), [run.error for run in runs]
    return {run.job: run.summary for run in runs}


def _reminders():
    return OutboxEmail.objects.filter(dedupe_key__startswith="surveys:reminder")


def test_after_a_gap_only_the_nearest_reminder_goes_out(users):
    make_round(by=users["office"], contacts=make_contacts(1), open_on=OPENS)

    # the server was down from the 7-day lead until one day before closing
    summary = _run(CLOSES - datetime.timedelta(days=1))

    assert summary["surveys.reminders"] == {"due": 1, "sent": 1}
    assert list(_reminders().values_list("dedupe_key", flat=True)) == [
        f"surveys:reminder:{Invitation.objects.get().pk}:2"
    ]


def test_no_reminder_to_who_answered_was_withdrawn_or_was_just_invited(users):
    contacts = make_contacts(4)
    round = make_round(by=users["office"], contacts=contacts[:3], open_on=OPENS)
    answered, withdrawn, waiting = Invitation.objects.filter(round=round).order_by(
        "contact_id"
    )
    Invitation.objects.filter(pk=answered.pk).update(responded=True)
    services.invitation_revoke(invitation=withdrawn, by=users["office"])
    # a contact added on the 7-day lead's day gets no 7-day reminder
    seven = CLOSES - datetime.timedelta(days=7)
    with clock.frozen(seven):
        services.invitations_add(
            round=round, contacts=[contacts[3]], by=users["office"]
        )

    _run(seven)

    assert list(_reminders().values_list("recipient", flat=True)) == [waiting.email]


def test_nothing_is_sent_outside_the_round_s_days(users):
    make_round(by=users["office"], contacts=make_contacts(1), open_on=OPENS)
    OutboxEmail.objects.all().delete()

    _run(OPENS - datetime.timedelta(days=30))
    _run(CLOSES + datetime.timedelta(days=1))

    assert not OutboxEmail.objects.exists()


@override_settings(MITRA_SURVEY_REMINDER_DAYS=[])
def test_reminders_can_be_turned_off(users):
    make_round(by=users["office"], contacts=make_contacts(1), open_on=OPENS)

    summary = _run(CLOSES - datetime.timedelta(days=2))

    assert summary["surveys.reminders"] == {"due": 0, "sent": 0}
    assert not _reminders().exists()


def test_a_draft_round_sends_nothing(users):
    make_round(by=users["office"], contacts=make_contacts(1))

    _run(OPENS)

    assert not OutboxEmail.objects.exists()
