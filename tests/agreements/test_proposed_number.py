"""Agreements recorded by hand get a proposed number from the office's pattern."""

import datetime

from django.urls import reverse

from mitra.core.clock import frozen
from mitra.core.models import NumberingPattern, NumberSequence
from tests.factories import AgreementFactory


def test_it_proposes_the_next_number_without_consuming_it(users, client_for):
    NumberingPattern.objects.create(
        kind="agreement.mou",
        pattern="{seq:03}/{type}/{month_roman}/{year}",
        type_code="MoU",
    )
    AgreementFactory(number="001/MoU/XII/2026")
    client = client_for(users["office"])
    url = reverse("agreements:proposed_number") + "?document_type=mou"

    with frozen(datetime.date(2026, 12, 4)):
        first = client.get(url).json()["number"]
        second = client.get(url).json()["number"]

    assert first == second == "002/MoU/XII/2026"
    assert not NumberSequence.objects.exists()


def test_without_a_pattern_nothing_is_proposed(users, client_for):
    response = client_for(users["unit_a"]).get(
        reverse("agreements:proposed_number") + "?document_type=ia"
    )

    assert response.json() == {"number": ""}
