"""Creating, editing and deleting agreements through the web pages."""

import datetime

import pytest
from django.test.utils import override_settings
from django.urls import reverse

from mitra.agreements.models import Agreement, DocumentType, Status
from mitra.core.fields import Scope
from tests.agreements.uploads import fake_pdf_upload, pdf_upload
from tests.factories import AgreementFactory

D = datetime.date
CREATE = reverse("agreements:create")


def form_data(partner, **changes):
    data = {
        "partner": partner.pk,
        "document_type": DocumentType.MOU,
        "title": "Nota kesepahaman baru",
        "status": Status.DRAFT,
        "scope": "",
    }
    data.update(changes)
    return data


def errors(response):
    return response.context["form"].errors


def test_it_creates_an_agreement_and_opens_its_page(client_for, users, partner):
    response = client_for(users["office"]).post(
        CREATE,
        form_data(
            partner,
            number="10/MOU/2024",
            status=Status.SIGNED,
            start_date="2024-02-01",
            end_date="2029-01-31",
            tridharma=["education", "research"],
        ),
    )

    agreement = Agreement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == agreement.get_absolute_url()
    assert agreement.fields == {"education", "research"}
    assert agreement.end_date == D(2029, 1, 31)
    assert agreement.created_by == users["office"]
    assert agreement.effective_scope == partner.scope


def test_it_reads_day_first_dates(client_for, users, partner):
    client_for(users["office"]).post(
        CREATE, form_data(partner, start_date="12/01/2024", end_date="11/01/2025")
    )

    agreement = Agreement.objects.get()
    assert (agreement.start_date, agreement.end_date) == (
        D(2024, 1, 12),
        D(2025, 1, 11),
    )


def test_it_shows_a_field_error_for_an_impossible_date(client_for, users, partner):
    response = client_for(users["office"]).post(
        CREATE, form_data(partner, start_date="30/02/2024")
    )

    assert response.status_code == 200
    assert "start_date" in errors(response)
    assert not Agreement.objects.exists()


def test_it_shows_a_field_error_for_an_end_before_the_start(client_for, users, partner):
    response = client_for(users["office"]).post(
        CREATE, form_data(partner, start_date="2024-05-01", end_date="2024-04-01")
    )

    assert "end_date" in errors(response)
    assert not Agreement.objects.exists()


def test_it_asks_for_an_end_date_or_open_ended_when_signed(client_for, users, partner):
    client = client_for(users["office"])
    data = form_data(partner, status=Status.SIGNED, start_date="2024-01-01")

    refused = client.post(CREATE, data)
    accepted = client.post(CREATE, {**data, "open_ended": "on"})

    assert "end_date" in errors(refused)
    assert accepted.status_code == 302
    assert Agreement.objects.get().end_date is None


def test_it_shows_a_service_rule_on_its_field(client_for, users, partner):
    AgreementFactory(number="TAKEN/1")

    response = client_for(users["office"]).post(
        CREATE, form_data(partner, number="taken/1")
    )

    assert "number" in errors(response)


def test_it_refuses_a_renamed_non_pdf_with_a_field_error(client_for, users, partner):
    response = client_for(users["office"]).post(
        CREATE, {**form_data(partner), "signed_file": fake_pdf_upload()}
    )

    assert response.status_code == 200
    assert "signed_file" in errors(response)
    assert not Agreement.objects.exists()


@override_settings(MITRA_MAX_UPLOAD_MB=1)
def test_it_refuses_an_oversized_upload(client_for, users, partner):
    big = pdf_upload(content=b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10))

    response = client_for(users["office"]).post(
        CREATE, {**form_data(partner), "signed_file": big}
    )

    assert "signed_file" in errors(response)
    assert not Agreement.objects.exists()


def test_it_stores_a_real_pdf(client_for, users, partner):
    client_for(users["office"]).post(
        CREATE, {**form_data(partner), "signed_file": pdf_upload()}
    )

    assert Agreement.objects.get().signed_file.name.endswith(".pdf")


def test_it_offers_unit_users_only_their_acting_units(client_for, users, units):
    response = client_for(users["unit_a"]).get(CREATE)

    offered = set(response.context["form"].fields["units"].queryset)
    assert offered == {units["ja"], units["ja1"]}
    assert response.context["form"].initial["units"] == [units["ja"].pk]


def test_it_refuses_another_jurusans_unit_from_a_unit_user(
    client_for, users, units, partner
):
    response = client_for(users["unit_a"]).post(
        CREATE, form_data(partner, units=[units["jb"].pk])
    )

    assert "units" in errors(response)


def test_it_offers_only_visible_agreements_as_parents(
    client_for, users, units, draft_b, mou
):
    response = client_for(users["unit_a"]).get(CREATE)

    parents = set(response.context["form"].fields["parents"].queryset)
    assert mou in parents
    assert draft_b not in parents


def test_it_preselects_the_partner_from_the_address(client_for, users, partner):
    response = client_for(users["office"]).get(f"{CREATE}?partner={partner.pk}")

    assert response.context["form"].initial["partner"] == partner.pk


def test_it_edits_an_agreement_keeping_what_was_not_changed(
    client_for, users, units, partner
):
    # given a signed MoA of jurusan A, shared with jurusan B, with a file
    agreement = AgreementFactory(
        number="5/PKS",
        partner=partner,
        units=[units["ja"], units["jb"]],
        no_parent_reason="Langsung",
        scope=Scope.LOCAL,
    )
    client = client_for(users["unit_a"])
    form = client.get(reverse("agreements:edit", args=[agreement.pk])).context["form"]

    # when jurusan A's staff change only the title
    data = {
        name: value
        for name, value in form.initial.items()
        if value not in (None, "") and name != "signed_file"
    }
    data.update(title="Judul baru", start_date="2024-01-01", end_date="2027-12-31")
    data["units"] = [units["ja"].pk]
    response = client.post(reverse("agreements:edit", args=[agreement.pk]), data)

    # then the title changed and jurusan B's share stayed
    assert response.status_code == 302, errors(response)
    agreement.refresh_from_db()
    assert agreement.title == "Judul baru"
    assert set(agreement.units.all()) == {units["ja"], units["jb"]}
    assert agreement.scope == Scope.LOCAL


def test_it_deletes_a_draft_after_confirmation(client_for, users, partner):
    draft = AgreementFactory(number=None, status=Status.DRAFT, partner=partner)
    client = client_for(users["office"])
    url = reverse("agreements:delete", args=[draft.pk])

    assert client.get(url).status_code == 200
    response = client.post(url)

    assert response.status_code == 302
    assert not Agreement.objects.exists()


def test_it_refuses_to_delete_a_signed_agreement(client_for, users, mou):
    response = client_for(users["office"]).post(
        reverse("agreements:delete", args=[mou.pk])
    )

    assert response.status_code == 403
    assert Agreement.objects.filter(pk=mou.pk).exists()


@pytest.mark.parametrize("role", ["office", "unit_a"])
def test_it_renders_the_empty_form(client_for, users, role):
    response = client_for(users[role]).get(CREATE)

    assert response.status_code == 200
    assert 'type="date"' in response.content.decode()


def test_it_replaces_then_removes_the_signed_pdf(client_for, users, partner):
    # given a draft with a stored PDF
    client = client_for(users["office"])
    client.post(CREATE, {**form_data(partner), "signed_file": pdf_upload("a.pdf")})
    agreement = Agreement.objects.get()
    first = agreement.signed_file.name
    url = reverse("agreements:edit", args=[agreement.pk])
    assert client.get(url).status_code == 200

    # when a new PDF is uploaded, then the stored one is removed
    client.post(url, {**form_data(partner), "signed_file": pdf_upload("b.pdf")})
    agreement.refresh_from_db()
    second = agreement.signed_file.name
    client.post(url, {**form_data(partner), "remove_signed_file": "on"})
    agreement.refresh_from_db()

    # then each step took effect
    assert second != first and second.endswith("b.pdf")
    assert not agreement.signed_file


def test_it_shows_the_warning_of_a_child_outliving_its_parent(
    client_for, users, partner, mou
):
    response = client_for(users["office"]).post(
        CREATE,
        form_data(
            partner,
            document_type=DocumentType.MOA,
            parents=[mou.pk],
            status=Status.SIGNED,
            start_date="2024-01-01",
            end_date="2030-12-31",
        ),
        follow=True,
    )

    levels = [message.level_tag for message in response.context["messages"]]
    assert "warning" in levels
    assert Agreement.objects.filter(document_type=DocumentType.MOA).exists()
