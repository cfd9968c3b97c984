"""Dormant agreements: in force, no activity for MITRA_DORMANT_MONTHS months."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from mitra.agreements.models import Status
from mitra.core.clock import frozen
from mitra.monitoring.selectors import dormant_agreements, months_before
from tests.factories import ActivityFactory, AgreementFactory

AS_OF = datetime.date(2026, 6, 15)
#: Twelve months before AS_OF: the cut-off of the default setting.
CUTOFF = datetime.date(2025, 6, 15)
DAY = datetime.timedelta(days=1)


def dormant(as_of=AS_OF, user=None):
    return set(dormant_agreements(user=user, as_of=as_of))


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        ((2026, 6, 15), 12, (2025, 6, 15)),
        ((2026, 3, 31), 1, (2026, 2, 28)),
        ((2024, 3, 31), 1, (2024, 2, 29)),
        ((2026, 1, 10), 1, (2025, 12, 10)),
        ((2026, 1, 10), 25, (2023, 12, 10)),
    ],
)
def test_months_are_counted_on_the_calendar(day, months, expected):
    assert months_before(datetime.date(*day), months) == datetime.date(*expected)


def test_an_agreement_exactly_as_old_as_the_months_can_be_dormant(db):
    of_age = AgreementFactory(start_date=CUTOFF)
    younger = AgreementFactory(start_date=CUTOFF + DAY)

    assert dormant() == {of_age}
    assert younger not in dormant()


@pytest.mark.parametrize(
    ("start", "end", "is_dormant"),
    [
        # the last activity ended on the cut-off: twelve months of silence
        (CUTOFF - DAY * 30, CUTOFF, True),
        (CUTOFF - DAY * 30, CUTOFF + DAY, False),
        # a one-day activity on the cut-off, or the day after
        (CUTOFF, None, True),
        (CUTOFF + DAY, None, False),
        # running through the cut-off and beyond today
        (CUTOFF - DAY * 400, AS_OF + DAY * 30, False),
        # planned, not yet happened
        (AS_OF + DAY, None, True),
        (AS_OF, None, False),
    ],
)
def test_an_activity_after_the_cut_off_keeps_it_awake(db, start, end, is_dormant):
    agreement = AgreementFactory(start_date=datetime.date(2024, 1, 1))
    ActivityFactory(agreement=agreement, start_date=start, end_date=end)

    assert (agreement in dormant()) is is_dormant


def test_only_agreements_in_force_are_dormant(db):
    AgreementFactory(start_date=datetime.date(2020, 1, 1), end_date=AS_OF - DAY)
    AgreementFactory(start_date=datetime.date(2020, 1, 1), status=Status.TERMINATED)
    AgreementFactory(start_date=datetime.date(2020, 1, 1), status=Status.DRAFT)
    open_ended = AgreementFactory(start_date=datetime.date(2020, 1, 1), end_date=None)
    in_renewal = AgreementFactory(
        start_date=datetime.date(2020, 1, 1), status=Status.IN_RENEWAL
    )

    assert dormant() == {open_ended, in_renewal}


def test_the_last_activity_is_shown(db):
    agreement = AgreementFactory(start_date=datetime.date(2020, 1, 1))
    ActivityFactory(agreement=agreement, start_date=datetime.date(2022, 3, 1))
    ActivityFactory(
        agreement=agreement,
        start_date=datetime.date(2023, 1, 5),
        end_date=datetime.date(2023, 2, 5),
    )
    ActivityFactory(agreement=agreement, start_date=AS_OF + DAY * 10)
    never = AgreementFactory(start_date=datetime.date(2020, 1, 1))

    rows = {row.pk: row for row in dormant_agreements(user=None, as_of=AS_OF)}

    assert rows[agreement.pk].last_activity_on == datetime.date(2023, 2, 5)
    assert rows[never.pk].last_activity_on is None


@override_settings(MITRA_DORMANT_MONTHS=6)
def test_the_months_are_a_setting(db):
    agreement = AgreementFactory(start_date=datetime.date(2024, 1, 1))
    ActivityFactory(agreement=agreement, start_date=AS_OF - DAY * 200)

    assert dormant() == {agreement}


def test_a_unit_counts_only_what_it_may_see(users, units):
    AgreementFactory(start_date=datetime.date(2020, 1, 1), units=[units["ja"]])
    AgreementFactory(
        start_date=datetime.date(2020, 1, 1), units=[units["jb"]], status=Status.DRAFT
    )

    assert len(dormant(user=users["unit_a"])) == 1
    assert len(dormant(user=users["office"])) == 1


def test_the_dashboard_flags_them_and_links_to_the_list(users, units, client_for):
    awake = AgreementFactory(start_date=datetime.date(2020, 1, 1), units=[units["ja"]])
    ActivityFactory(agreement=awake, start_date=AS_OF - DAY * 10)
    asleep = AgreementFactory(
        start_date=datetime.date(2020, 1, 1), units=[units["ja"]], title="Tidur"
    )
    client = client_for(users["unit_a"])

    with frozen(AS_OF):
        dashboard = client.get(reverse("reports:dashboard"))
        listing = client.get(reverse("monitoring:dormant"))
        export = client.get(reverse("monitoring:dormant"), {"export": "xlsx"})

    assert dashboard.context["figures"]["dormant"] == 1
    assert reverse("monitoring:dormant") in dashboard.content.decode()
    assert listing.context["agreements"] == [asleep]
    assert export.status_code == 200


def test_the_list_runs_a_fixed_number_of_queries(users, units, client_for):
    client = client_for(users["office"])

    def page(count):
        for _ in range(count):
            agreement = AgreementFactory(
                start_date=datetime.date(2020, 1, 1), units=[units["ja"], units["jb"]]
            )
            ActivityFactory(agreement=agreement, start_date=datetime.date(2021, 1, 1))
        with frozen(AS_OF), CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("monitoring:dormant")).status_code == 200
        return len(queries)

    assert page(2) == page(20)
