"""Certificates go to participants: an activity cannot issue more than its
students and lecturers, on the form as in the service (the importer and the
API write through it), as credited students cannot exceed the students."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mitra.agreements import services
from mitra.agreements.models import Activity, Participation
from mitra.partners.models import PartnerKind
from mitra.reports.indicators import compute, indicators_for_year
from tests.agreements.test_activities import activity_data
from tests.factories import ActivityFactory, AgreementFactory, PartnerFactory


def post_counts(client, agreement, units, **counts):
    row = {f"participations-0-{name}": str(value) for name, value in counts.items()}
    return client.post(
        reverse("agreements:activity_create", args=[agreement.pk]),
        activity_data(**{"participations-0-unit": units["ja1"].pk, **row}),
    )


def test_the_form_refuses_more_certificates_than_participants(client_for, users, units):
    # given an agreement with a certification body
    agreement = AgreementFactory(
        units=[units["ja"]],
        partner=PartnerFactory(kind=PartnerKind.objects.get(code="certification")),
    )

    # when 30 certificates are entered for 25 students and no lecturer
    response = post_counts(
        client_for(users["office"]),
        agreement,
        units,
        students=25,
        certificates=30,
        lecturers=0,
    )

    # then the row says why, nothing is stored, and the indicator counts none
    assert response.status_code == 200
    errors = response.context["participations"].errors[0]
    assert errors["certificates"] == ["More than the students and lecturers involved."]
    assert not Activity.objects.exists()
    indicator = next(
        each for each in indicators_for_year(2024) if each.code == "B.1.2.6.16.c"
    )
    assert compute(indicator, 2024, users["office"]).tables == []


@pytest.mark.indonesian
def test_the_indonesian_form_refuses_them_too(client_for, users, units):
    response = post_counts(
        client_for(users["office"]),
        AgreementFactory(units=[units["ja"]]),
        units,
        students=25,
        certificates=30,
    )

    assert response.status_code == 200
    assert response.context["participations"].errors[0]["certificates"]


def test_certificates_for_students_and_lecturers_are_accepted(client_for, users, units):
    response = post_counts(
        client_for(users["office"]),
        AgreementFactory(units=[units["ja"]]),
        units,
        students=25,
        certificates=27,
        lecturers=2,
    )

    assert response.status_code == 302
    assert Participation.objects.get().certificates == 27


def test_the_service_refuses_more_certificates_than_participants(users, units):
    activity = ActivityFactory(start_date=datetime.date(2024, 3, 1))

    with pytest.raises(ValidationError) as excinfo:
        services.participations_set(
            activity=activity,
            by=users["office"],
            rows=[{"unit": units["ja1"], "students": 25, "certificates": 30}],
        )

    assert excinfo.value.message_dict["participations"] == [
        "Prodi A1: more certificates than students and lecturers involved."
    ]
    assert not Participation.objects.exists()
