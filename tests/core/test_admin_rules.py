"""The Django admin refuses what Mitra's pages refuse, with the app's reason.

Where the app allows a deletion, the admin deletes through the app's
service, so its side effects happen as on the app's page.
"""

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse

from mitra.agreements.models import Agreement, Status
from mitra.monitoring import services as monitoring
from mitra.monitoring.models import MonitoringRound, PeriodKind
from mitra.planning.models import CooperationType
from mitra.proposals import services as proposals
from mitra.proposals.models import Proposal
from tests.factories import AgreementFactory, PartnerFactory
from tests.proposals.conftest import complete_values


@pytest.fixture
def admin_client(users, client_for):
    return client_for(users["admin"])


@pytest.fixture
def monitoring_round(users, units):
    AgreementFactory(units=[units["ja"]], start_date=datetime.date(2024, 1, 1))
    return monitoring.round_open(
        by=users["office"],
        period_kind=PeriodKind.ODD_SEMESTER,
        year=2025,
        reference_date=datetime.date(2026, 1, 31),
        due_date=datetime.date(2026, 2, 20),
    )


def _admin_url(obj, view):
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=[obj.pk])


def test_it_refuses_to_delete_a_round_whose_recap_was_issued(
    monitoring_round, users, admin_client
):
    # given the round was closed and its recap issued
    monitoring.round_close(monitoring_round=monitoring_round, by=users["office"])

    # when the admin is asked to delete it
    page = admin_client.get(_admin_url(monitoring_round, "delete"))
    confirmed = admin_client.post(
        _admin_url(monitoring_round, "delete"), {"post": "yes"}
    )

    # then it refuses, saying why, and the round stays
    assert page.status_code == confirmed.status_code == 403
    assert "an issued recap cannot be deleted" in page.content.decode()
    assert MonitoringRound.objects.filter(pk=monitoring_round.pk).exists()
    change = admin_client.get(_admin_url(monitoring_round, "change"))
    assert _admin_url(monitoring_round, "delete") not in change.content.decode()


def test_it_deletes_a_round_nobody_answered_through_the_service(
    monitoring_round, admin_client
):
    response = admin_client.post(
        _admin_url(monitoring_round, "delete"), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not MonitoringRound.objects.filter(pk=monitoring_round.pk).exists()


def test_it_refuses_to_change_the_entries_of_a_closed_round(
    monitoring_round, users, admin_client
):
    monitoring.round_close(monitoring_round=monitoring_round, by=users["office"])
    entry = monitoring_round.entries.get()

    page = admin_client.get(_admin_url(entry, "change"))
    saved = admin_client.post(_admin_url(entry, "change"), {"benefits": "Diubah"})

    assert page.status_code == 200
    assert "its entries can no longer be changed" in page.content.decode()
    assert saved.status_code == 403
    entry.refresh_from_db()
    assert entry.benefits != "Diubah"


def test_it_refuses_to_delete_a_signed_agreement(units, admin_client):
    signed = AgreementFactory(units=[units["ja"]])
    signed.save()  # a history row with the signed status

    page = admin_client.get(_admin_url(signed, "delete"))
    confirmed = admin_client.post(_admin_url(signed, "delete"), {"post": "yes"})

    assert page.status_code == confirmed.status_code == 403
    assert "terminate a signed agreement instead" in page.content.decode()
    assert Agreement.objects.filter(pk=signed.pk).exists()


def test_it_refuses_to_delete_a_draft_that_was_once_signed(units, users, admin_client):
    from mitra.agreements import services

    once_signed = AgreementFactory(units=[units["ja"]])
    once_signed.save()
    services.agreement_update(
        agreement=once_signed, by=users["office"], status=Status.DRAFT
    )

    response = admin_client.post(_admin_url(once_signed, "delete"), {"post": "yes"})

    assert response.status_code == 403
    assert Agreement.objects.filter(pk=once_signed.pk).exists()


def test_it_deletes_a_draft_agreement_through_the_service(units, admin_client):
    renewed = AgreementFactory(units=[units["ja"]], status=Status.IN_RENEWAL)
    draft = AgreementFactory(
        units=[units["ja"]], status=Status.DRAFT, number=None, renews=renewed
    )

    response = admin_client.post(_admin_url(draft, "delete"), {"post": "yes"})

    assert response.status_code == 302
    assert not Agreement.objects.filter(pk=draft.pk).exists()
    # as on the app's page, the renewed agreement is signed again
    renewed.refresh_from_db()
    assert renewed.status == Status.SIGNED


def _proposal(users, units, **extra):
    values = complete_values(
        unit=units["ja"],
        partner=PartnerFactory(),
        kinds=list(CooperationType.objects.all()[:1]),
    )
    return proposals.proposal_create(by=users["unit_a"], **{**values, **extra})


def test_it_refuses_to_change_or_delete_a_withdrawn_proposal(
    users, units, admin_client
):
    proposal = _proposal(users, units, submit=True)
    proposals.proposal_withdraw(proposal=proposal, by=users["unit_a"])

    page = admin_client.get(_admin_url(proposal, "change"))
    saved = admin_client.post(_admin_url(proposal, "change"), {"title": "Lain"})
    deleted = admin_client.post(_admin_url(proposal, "delete"), {"post": "yes"})

    assert "can no longer be changed" in page.content.decode()
    assert saved.status_code == deleted.status_code == 403
    assert "withdraw a submitted proposal instead" in deleted.content.decode()
    proposal.refresh_from_db()
    assert proposal.title != "Lain"


def test_it_deletes_a_draft_proposal_through_the_service(users, units, admin_client):
    proposal = _proposal(users, units, submit=False)

    response = admin_client.post(_admin_url(proposal, "delete"), {"post": "yes"})

    assert response.status_code == 302
    assert not Proposal.objects.filter(pk=proposal.pk).exists()


def test_it_never_deletes_a_cooperation_type(db, admin_client):
    kind = CooperationType.objects.first()

    response = admin_client.post(_admin_url(kind, "delete"), {"post": "yes"})

    assert response.status_code == 403
    assert "make it inactive instead" in response.content.decode()
    assert CooperationType.objects.filter(pk=kind.pk).exists()


@pytest.mark.parametrize(
    "model", [Agreement, MonitoringRound, Proposal, CooperationType]
)
def test_rows_with_a_rule_are_deleted_one_at_a_time(users, rf, model):
    """The bulk action would skip the app's service and its reason."""
    request = rf.get("/admin/")
    request.user = users["admin"]

    actions = admin.site._registry[model].get_actions(request)

    assert "delete_selected" not in actions
