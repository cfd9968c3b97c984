"""The permission gate on agreements, activities and evidence.

A draft of jurusan B is invisible to jurusan A's staff wherever they look:
its page, its edit form, its file, the list, the search, the exports and
the counts. Signed agreements are readable by every staff member; each is
changed only by its units and the office.
"""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from mitra.agreements import services
from mitra.agreements.models import Activity, Agreement, Evidence, Status
from mitra.core.permissions import Action, can, visible
from tests.agreements.uploads import pdf_upload
from tests.factories import ActivityFactory, AgreementFactory, PartnerFactory

LIST = reverse("agreements:list")


@pytest.fixture
def partner(db):
    return PartnerFactory(name="PT Rahasia Bersama")


@pytest.fixture
def draft_b(units, partner):
    """Jurusan B's draft, with a signed file, an activity and evidence."""
    agreement = AgreementFactory(
        number="DRAFT-B/2024",
        title="Draf jurusan B",
        status=Status.DRAFT,
        partner=partner,
        units=[units["jb"]],
    )
    services.agreement_update(
        agreement=agreement, by=None, signed_file=pdf_upload("draft.pdf")
    )
    activity = ActivityFactory(agreement=agreement, title="Kegiatan draf B")
    services.evidence_add(
        activity=activity, by=None, description="Bukti B", file=pdf_upload()
    )
    return agreement


@pytest.fixture
def signed_b(units, partner):
    return AgreementFactory(
        number="SIGNED-B/2024", partner=partner, units=[units["jb"]]
    )


def urls_of(agreement):
    activity = agreement.activities.get()
    evidence = activity.evidence.get()
    return [
        reverse("agreements:detail", args=[agreement.pk]),
        reverse("agreements:edit", args=[agreement.pk]),
        reverse("agreements:delete", args=[agreement.pk]),
        reverse("agreements:signed_file", args=[agreement.pk]),
        reverse("agreements:activity_create", args=[agreement.pk]),
        reverse("agreements:activity", args=[activity.pk]),
        reverse("agreements:activity_edit", args=[activity.pk]),
        reverse("agreements:evidence_file", args=[evidence.pk]),
    ]


def listed_numbers(client, **params):
    response = client.get(LIST, params)
    return {row.record.number for row in response.context["table"].page.object_list}


# --- Another jurusan's draft ---------------------------------------------------


def test_it_answers_404_for_another_jurusans_draft_by_url(client_for, users, draft_b):
    client = client_for(users["unit_a"])

    for url in urls_of(draft_b):
        assert client.get(url).status_code == 404, url


def test_it_answers_404_when_posting_to_another_jurusans_draft(
    client_for, users, draft_b
):
    client = client_for(users["unit_a"])
    evidence = Evidence.objects.get()

    assert (
        client.post(reverse("agreements:delete", args=[draft_b.pk])).status_code == 404
    )
    assert (
        client.post(
            reverse("agreements:evidence_delete", args=[evidence.pk])
        ).status_code
        == 404
    )
    assert Agreement.objects.filter(pk=draft_b.pk).exists()
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_it_never_lists_another_jurusans_draft(client_for, users, draft_b, signed_b):
    client = client_for(users["unit_a"])

    assert listed_numbers(client) == {"SIGNED-B/2024"}
    assert listed_numbers(client, q="draf") == set()
    assert listed_numbers(client, q="rahasia") == {"SIGNED-B/2024"}
    assert listed_numbers(client, unit="JB") == {"SIGNED-B/2024"}
    assert listed_numbers(client, status="draft") == set()


def test_it_never_counts_another_jurusans_draft(client_for, users, draft_b, signed_b):
    response = client_for(users["unit_a"]).get(LIST)

    assert response.context["table"].paginator.count == 1
    assert Agreement.objects.for_user(users["unit_a"]).count() == 1
    assert Activity.objects.for_user(users["unit_a"]).count() == 0
    assert Evidence.objects.for_user(users["unit_a"]).count() == 0


def test_it_never_exports_another_jurusans_draft(client_for, users, draft_b, signed_b):
    client = client_for(users["unit_a"])

    text = client.get(LIST, {"export": "csv"}).content.decode("utf-8-sig")
    book = load_workbook(io.BytesIO(client.get(LIST, {"export": "xlsx"}).content))

    csv_numbers = [row[0] for row in csv.reader(io.StringIO(text))][1:]
    xlsx_numbers = [row[0] for row in book.active.iter_rows(values_only=True)][1:]
    assert csv_numbers == ["SIGNED-B/2024"]
    assert xlsx_numbers == ["SIGNED-B/2024"]


def test_it_hides_a_draft_parent_number_in_the_export(
    client_for, users, units, draft_b, signed_b
):
    signed_b.parents.add(draft_b)

    text = client_for(users["unit_a"]).get(LIST, {"export": "csv"}).content.decode()

    assert "DRAFT-B" not in text


# --- What unit staff may read and change ------------------------------------------


def test_it_lets_another_jurusan_read_but_not_change_a_signed_agreement(
    client_for, users, signed_b
):
    client = client_for(users["unit_a"])

    assert client.get(signed_b.get_absolute_url()).status_code == 200
    assert client.get(reverse("agreements:edit", args=[signed_b.pk])).status_code == 403
    assert (
        client.get(
            reverse("agreements:activity_create", args=[signed_b.pk])
        ).status_code
        == 403
    )


def test_it_lets_a_jurusan_act_for_its_prodis(client_for, users, units, partner):
    draft_a1 = AgreementFactory(
        number="A1/DRAFT", status=Status.DRAFT, partner=partner, units=[units["ja1"]]
    )
    client = client_for(users["unit_a"])

    assert client.get(draft_a1.get_absolute_url()).status_code == 200
    assert client.get(reverse("agreements:edit", args=[draft_a1.pk])).status_code == 200
    assert can(users["unit_a"], Action.DELETE, draft_a1)
    assert can(users["unit_a"], Action.ADD_ACTIVITY, draft_a1)
    assert not can(users["unit_b"], Action.VIEW, draft_a1)


def test_it_shows_a_draft_to_its_responsible_person_from_another_unit(
    client_for, users, draft_b
):
    draft_b.responsible_user = users["unit_a"]
    draft_b.save()
    client = client_for(users["unit_a"])

    assert client.get(draft_b.get_absolute_url()).status_code == 200
    assert "DRAFT-B/2024" in listed_numbers(client)
    assert client.get(reverse("agreements:edit", args=[draft_b.pk])).status_code == 403


def test_it_shows_a_draft_to_whoever_recorded_it(users, draft_b):
    draft_b.created_by = users["unit_a"]
    draft_b.save()

    assert can(users["unit_a"], Action.VIEW, draft_b)


def test_it_lets_a_unit_user_change_an_activity_of_their_unit(users, units, signed_b):
    activity = ActivityFactory(agreement=signed_b, unit=units["ja1"])

    assert can(users["unit_a"], Action.CHANGE, activity)
    assert can(users["unit_b"], Action.CHANGE, activity)
    assert not can(users["leader"], Action.CHANGE, activity)


# --- Leadership, auditors and the office ----------------------------------------


@pytest.mark.parametrize("role", ["leader", "auditor"])
def test_it_lets_leaders_and_auditors_read_all_but_change_nothing(
    client_for, users, draft_b, role
):
    client = client_for(users[role])
    activity = draft_b.activities.get()

    assert client.get(draft_b.get_absolute_url()).status_code == 200
    assert (
        client.get(reverse("agreements:signed_file", args=[draft_b.pk])).status_code
        == 200
    )
    assert "DRAFT-B/2024" in listed_numbers(client)
    for name, pk in [
        ("agreements:edit", draft_b.pk),
        ("agreements:delete", draft_b.pk),
        ("agreements:activity_create", draft_b.pk),
        ("agreements:activity_edit", activity.pk),
    ]:
        assert client.get(reverse(name, args=[pk])).status_code == 403, name
    assert client.get(reverse("agreements:create")).status_code == 403


@pytest.mark.parametrize("role", ["office", "head", "admin"])
def test_it_lets_the_office_change_every_agreement(
    client_for, users, draft_b, signed_b, role
):
    client = client_for(users[role])

    for agreement in (draft_b, signed_b):
        url = reverse("agreements:edit", args=[agreement.pk])
        assert client.get(url).status_code == 200
    assert can(users[role], Action.DELETE, draft_b)
    assert not can(users[role], Action.DELETE, signed_b)


def test_it_gives_nothing_to_an_anonymous_visitor(client, draft_b, signed_b):
    response = client.get(LIST)

    assert response.status_code == 302
    assert visible(None, Agreement.objects.all()).count() == 0


def test_it_gives_nothing_to_a_deactivated_account(users, signed_b):
    users["office"].is_active = False

    assert not Agreement.objects.for_user(users["office"]).exists()
    assert not can(users["office"], Action.VIEW, signed_b)


def test_it_decides_adding_an_activity_on_the_agreement_not_the_model(users):
    assert can(users["office"], Action.ADD, Activity)
    assert not can(users["unit_a"], Action.ADD, Activity)
