"""The annual cooperation programme: initiatives from proposals and
targets, the head's approval that issues it, and later versions."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mitra.documents.models import IssuedDocument
from mitra.planning import services
from mitra.planning.models import AnnualProgramme, ItemStatus, ProgrammeItem
from mitra.proposals.models import Proposal
from tests.factories import PartnerFactory
from tests.planning.conftest import YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(users, frozen_today):
    return services.programme_open(
        year=YEAR, by=users["office"], introduction="Rencana"
    )


def item(programme, users, **values):
    values.setdefault("title", "Magang industri")
    return services.programme_item_save(
        programme=programme, by=users["office"], **values
    )


def item_post(**changes):
    data = {
        "title": "Riset bersama PT X",
        "partner_profile": "Industri manufaktur",
        "start_month": "3",
        "end_month": "6",
        "budget": "15000000",
        "status": "planned",
    }
    data.update(changes)
    return data


def test_the_office_starts_a_programme_and_adds_an_initiative(
    client_for, users, units, types, frozen_today
):
    office = client_for(users["office"])

    office.post(reverse("planning:programme_list"), {"year": YEAR})
    response = office.post(
        reverse("planning:item_create", args=[YEAR]),
        item_post(unit=str(units["ja"].pk), cooperation_types=[str(types["riset"].pk)]),
    )

    assert response.status_code == 302
    added = ProgrammeItem.objects.get()
    assert (added.start_month, added.end_month) == (3, 6)
    assert added.budget == Decimal("15000000")
    assert list(added.cooperation_types.all()) == [types["riset"]]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"start_month": "6", "end_month": "3"}, "end_month"),
        ({"start_month": "13"}, "start_month"),
        ({"budget": "-5"}, "budget"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_initiatives_are_field_errors(client_for, users, programme, changes, field):
    response = client_for(users["office"]).post(
        reverse("planning:item_create", args=[YEAR]), item_post(**changes)
    )

    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not ProgrammeItem.objects.exists()


def test_an_initiative_can_start_from_a_target(
    client_for, users, units, types, programme
):
    target = services.target_save(
        year=YEAR,
        by=users["office"],
        unit=units["jb"],
        cooperation_type=types["pkm"],
        count=2,
    )

    response = client_for(users["office"]).post(
        reverse("planning:programme_from_target", args=[YEAR, target.pk])
    )

    added = ProgrammeItem.objects.get()
    assert response.status_code == 302
    assert (added.unit, added.target) == (units["jb"], target)
    assert list(added.cooperation_types.all()) == [types["pkm"]]


def test_approved_proposals_become_initiatives_once(
    client_for, users, units, types, programme
):
    partner = PartnerFactory(name="PT Sinar")
    approved = Proposal.objects.create(
        year=YEAR,
        title="Magang di PT Sinar",
        status="approved",
        unit=units["ja"],
        partner=partner,
    )
    approved.cooperation_types.set([types["magang"]])
    new_partner = Proposal.objects.create(
        year=YEAR,
        title="Riset dengan mitra baru",
        status="approved",
        partner_name="Universitas Baru",
    )
    Proposal.objects.create(
        year=YEAR, title="Masih dianalisis", status="under_analysis"
    )
    Proposal.objects.create(year=YEAR - 1, title="Tahun lalu", status="approved")
    office = client_for(users["office"])
    url = reverse("planning:programme_from_proposals", args=[YEAR])

    page = office.get(url)
    assert [p.pk for p in page.context["proposals"]] == [approved.pk, new_partner.pk]

    office.post(url, {"proposal": [str(approved.pk), str(new_partner.pk)]})
    again = office.get(url)

    items = {row.proposal_id: row for row in ProgrammeItem.objects.all()}
    assert set(items) == {approved.pk, new_partner.pk}
    assert items[approved.pk].partner == partner
    assert list(items[approved.pk].cooperation_types.all()) == [types["magang"]]
    assert items[new_partner.pk].partner_profile == "Universitas Baru"
    assert again.context["proposals"] == []


def test_the_head_approves_the_programme_which_is_issued_and_locked(
    client_for, users, units, programme
):
    first = item(programme, users, budget=Decimal("1000000"), start_month=2)
    services.target_save(year=YEAR, by=users["office"], count=4)
    head = client_for(users["head"])

    response = head.post(reverse("planning:programme_approve", args=[YEAR]))

    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.is_issued
    assert programme.approved_on == datetime.date(2026, 3, 10)
    document = IssuedDocument.objects.get(kind="programme")
    assert document.snapshot["items"][0]["title"] == "Magang industri"
    assert document.snapshot["targets"][0]["count"] == 4
    office = client_for(users["office"])
    assert office.get(reverse("planning:item_create", args=[YEAR])).status_code == 409
    assert (
        office.post(
            reverse("planning:item_edit", args=[first.pk]), item_post()
        ).status_code
        == 409
    )
    assert (
        office.post(reverse("planning:item_delete", args=[first.pk])).status_code == 409
    )
    assert (
        office.get(reverse("planning:programme_edit", args=[YEAR])).status_code == 409
    )
    with pytest.raises(ValidationError):
        item(programme, users, title="Tambahan")
    # progress is still recorded on the issued programme
    office.post(
        reverse("planning:item_status", args=[first.pk]), {"status": "in_progress"}
    )
    first.refresh_from_db()
    assert first.status == ItemStatus.IN_PROGRESS
    assert IssuedDocument.objects.get(pk=document.pk).snapshot["items"][0][
        "status"
    ] != (str(ItemStatus.IN_PROGRESS.label))


def test_a_new_version_of_the_programme_keeps_the_first_readable(
    client_for, users, programme
):
    item(programme, users)
    services.programme_approve(programme=programme, by=users["head"])
    office = client_for(users["office"])

    office.post(reverse("planning:programme_new_version", args=[YEAR]))
    item(programme, users, title="Inisiatif kedua")
    programme.refresh_from_db()
    assert programme.approved_on is not None  # the first stays in force meanwhile
    services.programme_approve(programme=programme, by=users["head"])

    first, second = IssuedDocument.objects.filter(kind="programme").order_by("version")
    assert second.supersedes == first
    assert len(first.snapshot["items"]) == 1
    assert len(second.snapshot["items"]) == 2
    assert (
        office.get(reverse("documents:issued_detail", args=[first.pk])).status_code
        == 200
    )


def test_an_empty_programme_cannot_be_approved(users, programme):
    with pytest.raises(ValidationError):
        services.programme_approve(programme=programme, by=users["head"])
    assert not AnnualProgramme.objects.get(pk=programme.pk).is_issued


@pytest.mark.parametrize("role", ["office", "unit_a", "leader", "auditor"])
def test_only_the_head_approves_the_programme(client_for, users, programme, role):
    item(programme, users)

    response = client_for(users[role]).post(
        reverse("planning:programme_approve", args=[YEAR])
    )

    assert response.status_code == 403
    assert not IssuedDocument.objects.exists()


@pytest.mark.parametrize("role", ["unit_a", "leader", "auditor"])
def test_staff_read_the_programme_but_only_the_office_changes_it(
    client_for, users, programme, role
):
    client = client_for(users[role])

    assert client.get(programme.get_absolute_url()).status_code == 200
    assert (
        client.post(
            reverse("planning:item_create", args=[YEAR]), item_post()
        ).status_code
        == 403
    )


def test_the_programme_prints_as_pdf(client_for, users, programme):
    item(programme, users, budget=Decimal("2500000"))

    response = client_for(users["office"]).get(
        reverse("documents:print", args=["programme", programme.pk]) + "?format=pdf"
    )

    assert response.status_code == 200
    assert response.content[:4] == b"%PDF"
