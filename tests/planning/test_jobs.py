"""Reminders of action items from the daily job."""

import datetime

import pytest
from django.test.utils import override_settings

from mitra.core import daily
from mitra.core.models import Notification
from mitra.planning import services
from mitra.planning.jobs import action_item_reminders
from mitra.planning.models import ActionStatus

pytestmark = pytest.mark.django_db

DUE = datetime.date(2026, 5, 20)


@pytest.fixture
def item(users):
    meeting = services.meeting_create(
        by=users["office"],
        kind="internal",
        title="Rapat internal",
        date=datetime.date(2026, 5, 1),
        action_items=[
            {"description": "Kirim draf MoU", "owner": users["unit_a"], "due_date": DUE}
        ],
    )
    return meeting.action_items.get()


def titles(user):
    return list(
        Notification.objects.filter(recipient=user)
        .order_by("pk")
        .values_list("title", flat=True)
    )


def test_the_job_is_registered():
    assert "planning.action_item_reminders" in [j.name for j in daily.registered_jobs()]


@override_settings(MITRA_ACTION_REMINDER_DAYS=[3, 0])
def test_the_owner_is_reminded_before_and_on_the_due_date_once_each(users, item):
    for day in (DUE - datetime.timedelta(4), DUE - datetime.timedelta(3)):
        action_item_reminders(day)
    assert len(titles(users["unit_a"])) == 1

    action_item_reminders(DUE - datetime.timedelta(3))  # a second run that day
    action_item_reminders(DUE - datetime.timedelta(1))
    assert len(titles(users["unit_a"])) == 1

    summary = action_item_reminders(DUE)
    assert summary["notifications"] == 1
    assert len(titles(users["unit_a"])) == 2


@override_settings(MITRA_ACTION_REMINDER_DAYS=[7, 3, 0])
def test_after_a_gap_only_the_nearest_reminder_goes_out(users, item):
    action_item_reminders(DUE - datetime.timedelta(2))

    assert len(titles(users["unit_a"])) == 1


def test_an_item_due_today_is_not_overdue_until_tomorrow(users, item):
    action_item_reminders(DUE)
    overdue_before = Notification.objects.filter(
        dedupe_key__startswith="planning.action_overdue"
    ).count()

    summary = action_item_reminders(DUE + datetime.timedelta(1))
    action_item_reminders(DUE + datetime.timedelta(2))

    assert overdue_before == 0
    assert summary["overdue"] == 1
    # the owner and the minute taker are told once
    assert (
        Notification.objects.filter(
            dedupe_key__startswith="planning.action_overdue"
        ).count()
        == 2
    )
    assert users["office"] in [
        n.recipient
        for n in Notification.objects.filter(
            dedupe_key__startswith="planning.action_overdue"
        )
    ]


def test_a_done_item_reminds_nobody(users, item):
    services.action_item_set_status(item=item, by=users["unit_a"], done=True)

    action_item_reminders(DUE)
    action_item_reminders(DUE + datetime.timedelta(5))

    assert item.__class__.objects.get(pk=item.pk).status == ActionStatus.DONE
    assert titles(users["unit_a"]) == []


def test_the_daily_run_records_the_job(users, item):
    runs = daily.run_daily(DUE, only=["planning.action_item_reminders"])

    assert runs[0].ok
    assert runs[0].summary == {"due": 1, "overdue": 0, "notifications": 1}
