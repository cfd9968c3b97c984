"""Annual targets: progress counted from agreements and activities, the
head's approval, and what happens to it when a target changes."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mitra.agreements.models import DocumentType, Status
from mitra.core.fields import Scope
from mitra.planning import services
from mitra.planning.models import AnnualTarget, AnnualTargetSet, TargetMeasure
from mitra.planning.selectors import target_progress, targets_for
from tests.factories import ActivityFactory, AgreementFactory, PartnerFactory
from tests.planning.conftest import YEAR

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def agreements(units, types):
    national = PartnerFactory(scope=Scope.NATIONAL)
    a1 = AgreementFactory(
        document_type=DocumentType.MOA,
        signed_on=D(YEAR, 2, 1),
        partner=national,
        units=[units["ja1"]],
    )
    a1.cooperation_types.set([types["magang"]])
    a2 = AgreementFactory(
        document_type=DocumentType.MOU,
        signed_on=None,
        start_date=D(YEAR, 5, 1),
        scope=Scope.INTERNATIONAL,
        partner=national,
        units=[units["root"]],
    )
    a2.cooperation_types.set([types["riset"]])
    a3 = AgreementFactory(
        document_type=DocumentType.MOA,
        signed_on=D(YEAR - 1, 12, 20),
        units=[units["ja"]],
    )
    a3.cooperation_types.set([types["magang"]])
    a4 = AgreementFactory(
        document_type=DocumentType.IA,
        signed_on=D(YEAR, 3, 1),
        status=Status.TERMINATED,
        scope=Scope.LOCAL,
        units=[units["jb1"]],
    )
    a4.cooperation_types.set([types["magang"], types["pkm"]])
    AgreementFactory(
        document_type=DocumentType.MOA,
        status=Status.DRAFT,
        number=None,
        signed_on=None,
        start_date=D(YEAR, 6, 1),
        units=[units["ja"]],
    )
    ActivityFactory(agreement=a1, start_date=D(YEAR, 4, 1), form=types["magang"])
    ActivityFactory(
        agreement=a1, start_date=D(YEAR, 4, 2), unit=units["ja1"], form=types["riset"]
    )
    ActivityFactory(
        agreement=a4, start_date=D(YEAR, 4, 3), unit=units["jb1"], form=types["magang"]
    )
    ActivityFactory(agreement=a1, start_date=D(YEAR - 1, 4, 1), form=types["magang"])
    return {"a1": a1, "a2": a2, "a3": a3, "a4": a4}


def target(users, **values):
    values.setdefault("count", 1)
    return services.target_save(year=YEAR, by=users["office"], **values)


def test_progress_matches_a_hand_count(users, units, types, agreements):
    # given: targets on several criteria
    total = target(users, count=5)
    ja_moa = target(users, unit=units["ja"], document_type=DocumentType.MOA)
    international = target(users, scope=Scope.INTERNATIONAL, count=2)
    internships = target(users, cooperation_type=types["magang"], count=2)
    jb_local_ia = target(
        users, unit=units["jb"], document_type=DocumentType.IA, scope=Scope.LOCAL
    )
    ja1_activities = target(
        users,
        unit=units["ja1"],
        measure=TargetMeasure.ACTIVITIES,
        cooperation_type=types["magang"],
        count=4,
    )

    # when
    progress = {row.target.pk: row for row in target_progress(YEAR)}

    # then: a1, a2 and a4 were signed in the year (a4 though since terminated);
    # a3 was signed the year before, the draft not at all
    assert progress[total.pk].achieved == 3
    assert progress[total.pk].percent == 60
    assert progress[ja_moa.pk].achieved == 1  # a1, of a prodi below JA
    assert progress[international.pk].achieved == 1  # a2's own scope
    assert progress[internships.pk].achieved == 2  # a1 and a4
    assert progress[internships.pk].is_met
    assert progress[jb_local_ia.pk].achieved == 1  # a4
    assert progress[ja1_activities.pk].achieved == 1  # a1's unitless one
    assert progress[ja1_activities.pk].remaining == 3
    assert sorted(progress[total.pk].matched_ids) == sorted(
        [agreements["a1"].pk, agreements["a2"].pk, agreements["a4"].pk]
    )


def test_targets_for_a_prodi_include_its_jurusan_and_the_institution(
    users, units, agreements
):
    total = target(users)
    ja = target(users, unit=units["ja"])
    target(users, unit=units["jb"])

    found = [row.target.pk for row in targets_for(unit=units["ja1"], year=YEAR)]

    assert sorted(found) == sorted([total.pk, ja.pk])
    assert [row.target.pk for row in targets_for(unit=None, year=YEAR)] == [total.pk]


def test_the_progress_page_runs_a_fixed_number_of_queries(
    client_for, users, units, types, agreements
):
    client = client_for(users["leader"])
    target(users)

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert (
                client.get(reverse("planning:targets", args=[YEAR])).status_code == 200
            )
        return len(queries)

    count_queries()  # warm the caches (content types, session)
    few = count_queries()
    for number in range(6):
        target(
            users,
            unit=units["jb1"],
            count=number + 1,
            notes=str(number),
            scope=[Scope.LOCAL, Scope.NATIONAL, ""][number % 3],
            document_type=["", DocumentType.MOA][number % 2] or "",
            cooperation_type=list(types.values())[number % 3],
        )
        AgreementFactory(signed_on=D(YEAR, 7, 1), units=[units["jb1"]])

    assert count_queries() == few


# --- Bad input ---------------------------------------------------------------------


def test_a_target_of_minus_three_is_a_field_error(client_for, users, types):
    response = client_for(users["office"]).post(
        reverse("planning:target_create", args=[YEAR]),
        {"measure": "agreements", "count": "-3"},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["count"]
    assert not AnnualTarget.objects.exists()


@pytest.mark.parametrize("count", ["", "abc", "1.5", "99999999999"])
def test_a_target_that_is_not_a_count_is_a_field_error(client_for, users, count):
    response = client_for(users["office"]).post(
        reverse("planning:target_create", args=[YEAR]),
        {"measure": "agreements", "count": count},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["count"]


def test_the_service_refuses_a_negative_target_too(users):
    with pytest.raises(services.ValidationError) as error:
        services.target_save(year=YEAR, by=users["office"], count=-3)

    assert "count" in error.value.message_dict
    assert not AnnualTarget.objects.exists()


def test_a_second_target_on_the_same_criteria_is_refused(client_for, users, units):
    target(users, unit=units["ja"])

    response = client_for(users["office"]).post(
        reverse("planning:target_create", args=[YEAR]),
        {"unit": units["ja"].pk, "measure": "agreements", "count": "4"},
    )

    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert AnnualTarget.objects.count() == 1


def test_a_year_far_away_is_not_found(client_for, users):
    assert (
        client_for(users["office"]).get("/planning/targets/99999/").status_code == 404
    )


# --- Approval -------------------------------------------------------------------------


def test_the_head_approves_and_a_change_asks_for_approval_again(
    client_for, users, units
):
    first = target(users, count=3)
    head = client_for(users["head"])

    # when: the head approves
    response = head.post(reverse("planning:targets_approve", args=[YEAR]))

    # then
    assert response.status_code == 302
    approval = AnnualTargetSet.objects.get(year=YEAR)
    assert approval.is_approved
    assert approval.approved_by == users["head"]
    approved_at = approval.approved_at

    # when: the office changes a target
    office = client_for(users["office"])
    office.post(
        reverse("planning:target_edit", args=[YEAR, first.pk]),
        {"measure": "agreements", "count": "4"},
    )

    # then: the approval is recorded but no longer current
    approval.refresh_from_db()
    assert not approval.is_approved
    assert approval.approved_at == approved_at
    page = office.get(reverse("planning:targets", args=[YEAR]))
    assert "approval-state" in page.content.decode()

    # and: removing a target after a new approval asks again as well
    services.targets_approve(year=YEAR, by=users["head"])
    office.post(reverse("planning:target_delete", args=[YEAR, first.pk]))
    approval.refresh_from_db()
    assert not approval.is_approved


@pytest.mark.parametrize("role", ["office", "unit_a", "leader", "auditor"])
def test_only_the_head_approves_targets(client_for, users, role):
    target(users)

    response = client_for(users[role]).post(
        reverse("planning:targets_approve", args=[YEAR])
    )

    assert response.status_code == 403
    assert not AnnualTargetSet.objects.get(year=YEAR).is_approved


def test_approving_nothing_is_refused_with_a_message(client_for, users):
    response = client_for(users["head"]).post(
        reverse("planning:targets_approve", args=[YEAR]), follow=True
    )

    assert response.status_code == 200
    assert not AnnualTargetSet.objects.filter(year=YEAR, status="approved").exists()


@pytest.mark.parametrize("role", ["unit_a", "leader", "auditor"])
def test_readers_see_targets_but_cannot_set_them(client_for, users, role):
    client = client_for(users[role])

    assert client.get(reverse("planning:targets", args=[YEAR])).status_code == 200
    assert (
        client.post(
            reverse("planning:target_create", args=[YEAR]),
            {"measure": "agreements", "count": "1"},
        ).status_code
        == 403
    )


def test_last_years_targets_can_be_copied(client_for, users, units):
    services.target_save(year=YEAR - 1, by=users["office"], unit=units["ja"], count=2)

    response = client_for(users["office"]).post(
        reverse("planning:targets_copy", args=[YEAR]), {"from_year": YEAR - 1}
    )

    assert response.status_code == 302
    copied = AnnualTarget.objects.get(year=YEAR)
    assert (copied.unit, copied.count) == (units["ja"], 2)
