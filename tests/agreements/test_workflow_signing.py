"""Signing with the pattern's number, and renewal, addendum and termination
of an agreement in force."""

import datetime

import pytest
from django.urls import reverse

from mitra.agreements import services, workflow
from mitra.agreements.models import (
    Agreement,
    DocumentType,
    FileKind,
    Stage,
    Status,
    Validity,
)
from mitra.agreements.pipeline import stage_of
from mitra.core.clock import frozen
from mitra.core.models import Notification, NumberSequence, OutboxEmail
from tests.agreements.uploads import fake_pdf_upload, pdf_upload
from tests.agreements.workflow_helpers import (
    generate,
    new_draft,
    ready_to_sign,
    set_pattern,
    sign,
)

D = datetime.date


@pytest.fixture
def ready(users, units):
    set_pattern()
    return ready_to_sign(new_draft(users, units), users)


@pytest.fixture
def signed(users, ready):
    with frozen(D(2025, 3, 3)):
        sign(ready, users)
    return ready


def sign_form(**values):
    return {
        "signed_on": "2025-03-03",
        "start_date": "2025-03-03",
        "end_date": "2030-03-02",
        "signed_file": pdf_upload(),
        **values,
    }


def sign_url(agreement):
    return reverse("agreements:sign", args=[agreement.pk])


def numbers_used():
    return list(NumberSequence.objects.values_list("last_value", flat=True))


# --- Signing -----------------------------------------------------------------------


def test_signing_issues_the_number_and_puts_the_agreement_in_force(users, ready):
    with frozen(D(2025, 3, 3)):
        result = sign(ready, users)

    assert result.agreement.number == "001/PL29/HK/2025"
    assert ready.status == Status.SIGNED
    assert ready.signed_on == D(2025, 3, 3)
    assert ready.signed_file
    assert ready.validity_on(D(2025, 6, 1)) == Validity.IN_FORCE
    assert stage_of(ready) == Stage.SIGNED
    assert ready.history.first().history_user == users["office"]


def test_signing_with_no_final_version_is_refused_and_uses_no_number(
    client_for, users, units
):
    set_pattern()
    draft = new_draft(users, units)
    generate(draft, users)

    response = client_for(users["office"]).post(sign_url(draft), sign_form())

    assert response.status_code == 400
    errors = " ".join(response.context["form"].non_field_errors())
    assert errors
    draft.refresh_from_db()
    assert (draft.status, draft.number) == (Status.DRAFT, None)
    assert numbers_used() == []


def test_a_signed_scan_that_is_not_a_pdf_is_refused(client_for, users, ready):
    response = client_for(users["office"]).post(
        sign_url(ready), sign_form(signed_file=fake_pdf_upload())
    )

    assert response.status_code == 400
    assert response.context["form"].errors["signed_file"]
    ready.refresh_from_db()
    assert ready.status != Status.SIGNED
    assert numbers_used() == []


def test_the_service_checks_the_scan_by_its_content_too(users, ready):
    with pytest.raises(workflow.ValidationError) as raised:
        sign(ready, users, signed_file=fake_pdf_upload())

    assert "signed_file" in raised.value.message_dict
    assert numbers_used() == []


def test_a_second_signing_is_refused_and_the_number_kept(client_for, users, signed):
    response = client_for(users["office"]).post(sign_url(signed), sign_form())

    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    signed.refresh_from_db()
    assert signed.number == "001/PL29/HK/2025"
    assert numbers_used() == [1]


def test_without_a_pattern_the_office_is_told_and_may_type_the_number(
    client_for, users, units
):
    draft = ready_to_sign(new_draft(users, units), users)
    client = client_for(users["office"])

    refused = client.post(sign_url(draft), sign_form())
    assert refused.status_code == 400
    assert refused.context["form"].non_field_errors()

    accepted = client.post(sign_url(draft), sign_form(number="77/MANUAL/2025"))
    assert accepted.status_code == 302
    draft.refresh_from_db()
    assert draft.number == "77/MANUAL/2025"


def test_leadership_records_a_signature_unit_staff_do_not(client_for, users, ready):
    assert client_for(users["unit_a"]).get(sign_url(ready)).status_code == 403

    response = client_for(users["leader"]).post(sign_url(ready), sign_form())

    assert response.status_code == 302
    ready.refresh_from_db()
    assert ready.status == Status.SIGNED


def test_the_partners_separate_copy_is_kept(users, ready):
    sign(ready, users, partner_copy=pdf_upload("mitra.pdf"))

    copy = ready.files.get()
    assert copy.kind == FileKind.SIGNED_COPY


def test_the_proposer_is_told_of_the_signature(users, ready):
    proposals = pytest.importorskip("mitra.proposals.models")
    from django.db import connection

    if "proposals_proposal" not in connection.introspection.table_names():
        pytest.skip("the proposals app has no table yet")
    proposals.Proposal.objects.create(
        year=2025,
        title="Usulan magang",
        created_by=users["unit_b"],
        agreement=ready,
    )

    sign(ready, users)

    assert Notification.objects.filter(
        recipient=users["unit_b"], title__contains=ready.number
    ).exists()


def test_the_partner_contact_is_emailed_when_signed(users, ready):
    sign(ready, users)

    assert OutboxEmail.objects.filter(
        recipient="rina@galangan.test", subject__contains=ready.title
    ).exists()


# --- Renewal -------------------------------------------------------------------------


def test_a_renewal_carries_the_data_and_follows_on(client_for, users, units, signed):
    with frozen(D(2029, 12, 1)):
        response = client_for(users["unit_a"]).post(
            reverse("agreements:renew", args=[signed.pk])
        )

    renewal = Agreement.objects.get(renews=signed)
    assert response.status_code == 302
    assert (renewal.status, renewal.partner, renewal.title) == (
        Status.DRAFT,
        signed.partner,
        signed.title,
    )
    assert (renewal.start_date, renewal.end_date) == (D(2030, 3, 3), D(2035, 3, 2))
    assert list(renewal.units.all()) == [units["ja"]]
    assert renewal.partner_contact == signed.partner_contact
    signed.refresh_from_db()
    assert signed.status == Status.IN_RENEWAL
    assert signed.events.get(kind="renewal_started").related == renewal


def test_a_second_renewal_at_once_is_refused(client_for, users, signed):
    client = client_for(users["office"])
    url = reverse("agreements:renew", args=[signed.pk])
    with frozen(D(2029, 12, 1)):
        client.post(url)
        response = client.post(url, follow=True)

    assert Agreement.objects.filter(renews=signed).count() == 1
    assert [m.level_tag for m in response.context["messages"]][-1] == "error"


def test_a_draft_cannot_be_renewed(users, ready):
    with pytest.raises(workflow.ValidationError):
        workflow.renewal_start(agreement=ready, by=users["office"])


def test_deleting_the_renewal_draft_puts_the_agreement_back(users, signed):
    with frozen(D(2029, 12, 1)):
        renewal = workflow.renewal_start(agreement=signed, by=users["office"])

    services.agreement_delete(agreement=renewal, by=users["office"])

    signed.refresh_from_db()
    assert signed.status == Status.SIGNED


# --- Addendum ------------------------------------------------------------------------


def test_a_signed_addendum_amends_the_agreement(client_for, users, signed):
    # given an addendum extending the agreement by a year
    set_pattern(kind="agreement.addendum", pattern="ADD-{seq:02}/{year}")
    with frozen(D(2026, 5, 4)):
        response = client_for(users["office"]).post(
            reverse("agreements:addendum", args=[signed.pk]),
            {
                "title": "Adendum perpanjangan",
                "description": "Jangka waktu diperpanjang satu tahun.",
                "new_end_date": "2031-03-02",
                "new_partner_signatory_name": "Dra. Sari",
            },
        )
    assert response.status_code == 302
    addendum = Agreement.objects.get(document_type=DocumentType.ADDENDUM)
    assert list(addendum.parents.all()) == [signed]
    signed.refresh_from_db()
    assert signed.end_date == D(2030, 3, 2)

    # when the addendum goes its own way and is signed
    with frozen(D(2026, 6, 1)):
        ready_to_sign(addendum, users)
        sign(addendum, users, signed_on=D(2026, 6, 1), start_date=D(2026, 6, 1))

    # then the agreement carries the change, with the addendum in its history
    signed.refresh_from_db()
    assert addendum.number == "ADD-01/2026"
    assert signed.end_date == D(2031, 3, 2)
    assert signed.partner_signatory_name == "Dra. Sari"
    assert "ADD-01/2026" in signed.history.first().history_change_reason
    assert signed.events.get(kind="amended").related == addendum


def test_an_addendum_needs_to_say_what_it_changes(client_for, users, signed):
    with frozen(D(2026, 5, 4)):
        response = client_for(users["office"]).post(
            reverse("agreements:addendum", args=[signed.pk]),
            {"title": "Adendum", "description": ""},
        )

    assert response.status_code == 400
    assert response.context["form"].errors["description"]
    assert not Agreement.objects.filter(document_type=DocumentType.ADDENDUM).exists()


# --- Termination -------------------------------------------------------------------


def test_termination_needs_a_reason_and_a_pdf_letter(client_for, users, signed):
    client = client_for(users["office"])
    url = reverse("agreements:terminate", args=[signed.pk])

    missing = client.post(url, {"terminated_on": "2026-01-05", "reason": ""})
    assert missing.status_code == 400
    assert set(missing.context["form"].errors) == {"reason", "letter"}

    not_pdf = client.post(
        url,
        {
            "terminated_on": "2026-01-05",
            "reason": "Mitra tutup.",
            "letter": fake_pdf_upload(),
        },
    )
    assert not_pdf.status_code == 400
    assert not_pdf.context["form"].errors["letter"]
    signed.refresh_from_db()
    assert signed.status == Status.SIGNED


def test_a_terminated_agreement_keeps_its_reason_and_letter(client_for, users, signed):
    response = client_for(users["office"]).post(
        reverse("agreements:terminate", args=[signed.pk]),
        {
            "terminated_on": "2026-01-05",
            "reason": "Mitra menghentikan usaha.",
            "letter": pdf_upload("surat.pdf"),
        },
    )

    assert response.status_code == 302
    signed.refresh_from_db()
    assert signed.status == Status.TERMINATED
    assert signed.termination_reason == "Mitra menghentikan usaha."
    assert signed.files.get().kind == FileKind.TERMINATION_LETTER
    assert stage_of(signed) == Stage.TERMINATED
    assert signed.validity_on(D(2026, 2, 1)) == Validity.TERMINATED


def test_unit_staff_do_not_terminate(client_for, users, signed):
    response = client_for(users["unit_a"]).get(
        reverse("agreements:terminate", args=[signed.pk])
    )

    assert response.status_code == 403


def test_what_an_addendum_changes_can_be_edited_until_it_is_signed(
    client_for, users, signed
):
    with frozen(D(2026, 5, 4)):
        addendum = workflow.addendum_start(
            agreement=signed,
            by=users["office"],
            title="Adendum",
            description="Perpanjangan.",
            new_end_date=D(2031, 3, 2),
        )
    client = client_for(users["office"])
    url = reverse("agreements:amendment", args=[addendum.pk])

    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"description": "Perpanjangan dua tahun.", "new_end_date": "2032-03-02"},
    )

    assert response.status_code == 302
    addendum.amendment.refresh_from_db()
    assert addendum.amendment.new_end_date == D(2032, 3, 2)
    assert addendum.title == "Adendum"
