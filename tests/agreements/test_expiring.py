"""The list of agreements ending soon."""

import datetime

from django.test.utils import override_settings
from django.urls import reverse
from django.utils.translation import gettext

from mitra.agreements.models import Status
from mitra.core.clock import frozen
from tests.factories import AgreementFactory

D = datetime.date
URL = reverse("agreements:expiring")


def rows(response):
    return [
        (row["agreement"].number, row["days_left"], row["in_renewal"])
        for row in response.context["rows"]
    ]


@override_settings(MITRA_EXPIRING_DAYS=30)
def test_it_lists_agreements_ending_within_the_window_soonest_first(client_for, users):
    AgreementFactory(number="LATER", end_date=D(2025, 6, 21))
    AgreementFactory(number="SOONER", end_date=D(2025, 6, 5))
    AgreementFactory(number="LAST-DAY", end_date=D(2025, 7, 1))
    AgreementFactory(number="OUTSIDE", end_date=D(2025, 7, 2))
    AgreementFactory(number="ENDED", end_date=D(2025, 5, 31))
    AgreementFactory(number="OPEN", end_date=None)
    AgreementFactory(number="DRAFT", status=Status.DRAFT, end_date=D(2025, 6, 10))

    with frozen(D(2025, 6, 1)):
        response = client_for(users["office"]).get(URL)

    assert rows(response) == [
        ("SOONER", 4, False),
        ("LATER", 20, False),
        ("LAST-DAY", 30, False),
    ]


def test_it_marks_a_renewal_in_progress(client_for, users):
    AgreementFactory(number="R", status=Status.IN_RENEWAL, end_date=D(2025, 6, 10))

    with frozen(D(2025, 6, 1)):
        response = client_for(users["office"]).get(URL)

    assert rows(response) == [("R", 9, True)]
    assert gettext("renewal in progress") in response.content.decode()


def test_it_leaves_out_an_agreement_renewed_by_a_signed_renewal(client_for, users):
    # given two expiring agreements, one already renewed by a signed successor
    renewed = AgreementFactory(number="OLD", end_date=D(2025, 6, 10))
    AgreementFactory(number="NEW", renews=renewed, start_date=D(2025, 6, 11))
    pending = AgreementFactory(number="PENDING", end_date=D(2025, 6, 12))
    AgreementFactory(number=None, renews=pending, status=Status.DRAFT)

    # when the expiring list is opened
    with frozen(D(2025, 6, 1)):
        response = client_for(users["office"]).get(URL)

    # then only the one whose renewal is not signed yet remains
    assert [number for number, _days, _flag in rows(response)] == ["PENDING"]
