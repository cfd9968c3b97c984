"""A signed agreement stays on record: unit staff cannot demote or delete it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mitra.agreements import services
from mitra.agreements.models import Agreement, Status
from mitra.core.permissions import Action, can
from tests.factories import AgreementFactory


@pytest.fixture
def signed(units):
    agreement = AgreementFactory(units=[units["ja"]])
    agreement.save()  # a history row with the signed status
    return agreement


def test_unit_staff_cannot_set_a_signed_agreement_back_to_draft(signed, users):
    with pytest.raises(ValidationError) as error:
        services.agreement_update(
            agreement=signed, by=users["unit_a"], status=Status.DRAFT
        )

    assert "status" in error.value.message_dict
    signed.refresh_from_db()
    assert signed.status == Status.SIGNED


def test_a_once_signed_draft_cannot_be_deleted_even_by_the_office(signed, users):
    services.agreement_update(agreement=signed, by=users["office"], status=Status.DRAFT)

    assert not can(users["office"], Action.DELETE, signed)
    assert not can(users["unit_a"], Action.DELETE, signed)
    with pytest.raises(ValidationError):
        services.agreement_delete(agreement=signed, by=users["office"])
    response = _delete(users, signed)
    assert response.status_code in (403, 400)
    assert Agreement.objects.filter(pk=signed.pk).exists()


def _delete(users, agreement):
    from django.test import Client

    client = Client()
    client.force_login(users["unit_a"])
    return client.post(reverse("agreements:delete", args=[agreement.pk]))


@pytest.mark.parametrize("year", [1, 9999])
def test_dates_far_outside_any_agreement_are_refused(units, users, year):
    agreement = AgreementFactory(units=[units["ja"]])

    with pytest.raises(ValidationError) as error:
        services.agreement_update(
            agreement=agreement, by=users["office"], end_date=datetime.date(year, 1, 1)
        )

    assert "end_date" in error.value.message_dict


def test_a_terminated_agreement_needs_its_end_date(units, users):
    agreement = AgreementFactory(units=[units["ja"]])

    with pytest.raises(ValidationError) as error:
        services.agreement_update(
            agreement=agreement, by=users["office"], status=Status.TERMINATED
        )

    assert "terminated_on" in error.value.message_dict
