"""Acceptance of issue 5: from an approved proposal to a signed agreement,
and on to its renewal.

A unit's proposal is approved by the head and becomes an agreement draft
(the proposals app's `proposal_decide`); the office completes the draft
(dates, signatories) and it goes through drafting from the template,
internal review, negotiation through the partner's link, signing with the
pattern's number, and the renewal shown on the expiring list.

The concurrent-signing test needs PostgreSQL (row locks, two connections):
run it with ``DATABASE_URL=postgres://…``; on SQLite it is skipped.
"""

import datetime
import re
import threading

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from mitra.agreements import drafting, services, workflow
from mitra.agreements.models import (
    Agreement,
    DraftVersion,
    ReviewOutcome,
    Stage,
    Status,
    Validity,
)
from mitra.agreements.pipeline import pipeline_figures, stage_of
from mitra.core.clock import frozen
from mitra.core.fields import Scope
from mitra.core.models import Notification, OutboxEmail
from mitra.planning.models import CooperationType
from tests.agreements.uploads import pdf_upload
from tests.agreements.workflow_helpers import (
    docx_text,
    legal_user,
    make_clauses,
    new_draft,
    ready_to_sign,
    set_pattern,
    sign,
)
from tests.factories import ContactFactory, PartnerFactory, UserFactory

D = datetime.date


def as_user(client, user):
    client.force_login(user)
    return client


def workflow_url(agreement, name="workflow"):
    return reverse(f"agreements:{name}", args=[agreement.pk])


def the_link_emailed_to(address):
    email = OutboxEmail.objects.filter(recipient=address).latest("pk")
    return re.search(r"https?://\S+/agreements/p/[\w-]+/", email.body).group(0)


def expiring_rows(client):
    response = client.get(reverse("agreements:expiring"))
    return {row["agreement"].pk: row["in_renewal"] for row in response.context["rows"]}


def test_an_approved_draft_is_reviewed_negotiated_signed_and_renewed(
    client, users, units
):
    # given the office's MoU numbering pattern, its clause library and a
    # legal reviewer
    set_pattern(pattern="{seq:03}/PL29/HK/{year}")
    clauses = make_clauses(users["office"])
    legal = legal_user()
    # and the draft an approved proposal became, completed by the office
    with frozen(D(2025, 1, 3)):
        proposal, agreement = draft_from_an_approved_proposal(users, units)
    office = as_user(client, users["office"])

    # when the office generates the draft from the template with two clauses
    with frozen(D(2025, 1, 6)):
        response = office.post(
            workflow_url(agreement, "draft_generate"),
            {"clauses": [clauses[0].pk, clauses[1].pk], "note": "Draf awal"},
        )
    assert response.status_code == 302
    first = agreement.versions.get()
    assert "KERAHASIAAN" in first.text and "PT Galangan Samudra" in first.text

    # and the head sends it to legal, then leadership, in turn
    with frozen(D(2025, 1, 7)):
        response = as_user(client, users["head"]).post(
            workflow_url(agreement, "review_start"),
            {"legal": [legal.pk], "leadership": [users["leader"].pk], "in_turn": "on"},
        )
    assert response.status_code == 302
    review = agreement.reviews.get()

    # and legal asks for a clause on disputes
    step = review.assignments.get(reviewer=legal)
    with frozen(D(2025, 1, 8)):
        response = as_user(client, legal).post(
            reverse("agreements:review_decide", args=[step.pk]),
            {"decision": "changes_requested", "comment": "Tambahkan pasal sengketa."},
        )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.outcome == ReviewOutcome.CHANGES_REQUESTED

    # then the office generates version 2 with the third clause
    with frozen(D(2025, 1, 10)):
        as_user(client, users["office"]).post(
            workflow_url(agreement, "draft_generate"),
            {"clauses": [clause.pk for clause in clauses], "note": "Pasal sengketa"},
        )
    second = agreement.versions.get(number=2)
    assert "Perselisihan diselesaikan secara musyawarah." in second.text

    # and the second review is approved by legal, then leadership
    with frozen(D(2025, 1, 13)):
        as_user(client, users["head"]).post(
            workflow_url(agreement, "review_start"),
            {"legal": [legal.pk], "leadership": [users["leader"].pk], "in_turn": "on"},
        )
        review = agreement.reviews.get(outcome=ReviewOutcome.OPEN)
        for reviewer in (legal, users["leader"]):
            as_user(client, reviewer).post(
                reverse(
                    "agreements:review_decide",
                    args=[review.assignments.get(reviewer=reviewer).pk],
                ),
                {"decision": "approved"},
            )
    review.refresh_from_db()
    agreement.refresh_from_db()
    assert review.outcome == ReviewOutcome.APPROVED
    assert agreement.status == Status.NEGOTIATION

    # when the office sends the partner's contact a link
    with frozen(D(2025, 1, 14)):
        response = as_user(client, users["office"]).post(
            workflow_url(agreement, "link_send"),
            {"contact": agreement.partner_contact_id},
        )
    assert response.status_code == 302
    link = the_link_emailed_to("rina@galangan.test")

    # then the partner reads the draft without an account, comments, approves
    partner = Client()
    with frozen(D(2025, 1, 20)):
        page = partner.get(link)
        assert page.status_code == 200
        assert "Perselisihan diselesaikan secara musyawarah." in page.content.decode()
        partner.post(link + "comment/", {"text": "Setuju, tanpa catatan."})
        done = partner.post(link + "approve/", {"version": "2", "confirm": "on"})
    assert done.status_code == 200
    second.refresh_from_db()
    assert second.partner_approved_at is not None
    kinds = list(agreement.events.values_list("kind", flat=True))
    assert "partner_comment" in kinds and "partner_approved" in kinds
    # and the used link no longer opens
    assert partner.get(link).status_code == 410

    # when the office locks version 2 and records the signature
    office = as_user(client, users["office"])
    with frozen(D(2025, 3, 3)):
        office.post(workflow_url(agreement, "final_lock"))
        assert stage_of(agreement) == Stage.READY
        response = office.post(
            workflow_url(agreement, "sign"),
            {
                "signed_on": "2025-03-03",
                "start_date": "2025-03-03",
                "end_date": "2030-03-02",
                "our_signatory_name": "Dr. Budi Santoso",
                "partner_signatory_name": "Ir. Hendra Gunawan",
                "unit": units["jb"].pk,
                "signed_file": pdf_upload(),
            },
        )
    assert response.status_code == 302

    # then our number is issued by the pattern and the agreement is in force
    agreement.refresh_from_db()
    assert agreement.number == "001/PL29/HK/2025"
    assert agreement.status == Status.SIGNED
    assert agreement.validity_on(D(2025, 6, 1)) == Validity.IN_FORCE
    # and the proposer, the unit and the partner are told
    assert Notification.objects.filter(
        recipient=proposal.created_by, title__contains="001/PL29/HK/2025"
    ).exists()
    assert Notification.objects.filter(
        recipient=users["unit_b"], title__contains="001/PL29/HK/2025"
    ).exists()
    # and the dashboard counts the days from the proposal's approval
    figures = pipeline_figures(users["head"], today=D(2025, 3, 4))
    assert (figures["median_days"], figures["signed_count"]) == (59, 1)
    assert OutboxEmail.objects.filter(
        recipient="rina@galangan.test", body__contains="001/PL29/HK/2025"
    ).exists()

    # when, 80 days before its end, the office opens the expiring list
    eighty_days_before = agreement.end_date - datetime.timedelta(days=80)
    with frozen(eighty_days_before):
        assert expiring_rows(office) == {agreement.pk: False}
        # and starts the renewal
        response = office.post(workflow_url(agreement, "renew"))
        renewal = Agreement.objects.get(renews=agreement)
        assert response.url == workflow_url(renewal)
        # then the list shows the renewal in progress
        assert expiring_rows(office) == {agreement.pk: True}
        page = office.get(reverse("agreements:expiring")).content.decode()
    assert "perpanjangan" in page.lower() or "renewal in progress" in page
    assert renewal.status == Status.DRAFT
    assert renewal.start_date == D(2030, 3, 3)
    assert drafting.chosen_clauses(renewal) == clauses

    # when the renewal is drafted, locked and signed
    with frozen(D(2030, 1, 15)):
        ready_to_sign(renewal, users)
        office.post(
            workflow_url(renewal, "sign"),
            {
                "signed_on": "2030-01-15",
                "start_date": "2030-03-03",
                "end_date": "2035-03-02",
                "unit": units["jb"].pk,
                "signed_file": pdf_upload(),
            },
        )
    renewal.refresh_from_db()
    assert renewal.number == "001/PL29/HK/2030"

    # then the old agreement shows "renewed by" and leaves the expiring list
    with frozen(D(2030, 1, 20)):
        assert expiring_rows(office) == {}
        detail = office.get(reverse("agreements:detail", args=[agreement.pk]))
    renewals = detail.context["agreement"].renewals.all()
    assert [item.number for item in renewals] == ["001/PL29/HK/2030"]
    assert "001/PL29/HK/2030" in detail.content.decode()
    agreement.refresh_from_db()
    assert agreement.status == Status.SIGNED
    assert "renewed" in agreement.events.values_list("kind", flat=True)


def draft_from_an_approved_proposal(users, units):
    """Approve a unit's proposal and complete the draft it becomes."""
    from mitra.proposals.services import proposal_create, proposal_decide

    partner = PartnerFactory(
        name="PT Galangan Samudra", address="Jl. Pelabuhan 1, Batam"
    )
    ContactFactory(partner=partner, name="Rina Wijaya", email="rina@galangan.test")
    proposer = UserFactory(username="proposer_b", units=[units["jb"]])
    proposal = proposal_create(
        by=proposer,
        title="Kerja sama magang industri",
        year=2025,
        document_type="mou",
        unit=units["jb"],
        partner=partner,
        contact_name="Rina Wijaya",
        contact_email="rina@galangan.test",
        expected_benefit="Mahasiswa magang di galangan.",
        planned_activities="Magang satu semester.",
        fields={"education"},
        cooperation_types=[CooperationType.objects.filter(is_active=True).first()],
        submit=True,
    )
    proposal_decide(proposal=proposal, by=users["head"], approve=True)
    proposal.refresh_from_db()
    agreement = proposal.agreement
    assert (agreement.status, agreement.partner_contact.email) == (
        Status.DRAFT,
        "rina@galangan.test",
    )
    services.agreement_update(
        agreement=agreement,
        by=users["office"],
        start_date=D(2025, 3, 3),
        end_date=D(2030, 3, 2),
        our_signatory_name="Dr. Budi Santoso",
        our_signatory_position="Direktur",
        partner_signatory_name="Ir. Hendra Gunawan",
        partner_signatory_position="Direktur Utama",
    )
    return proposal, agreement


def test_the_generated_docx_holds_the_parties_signatories_and_chosen_clauses(
    users, units
):
    # given a draft with two of the three library clauses chosen
    clauses = make_clauses()
    agreement = new_draft(users, units)

    # when its draft is generated from the default template
    version = drafting.draft_generate(
        agreement=agreement, by=users["office"], clauses=clauses[:2]
    )

    # then python-docx reads back the parties, the signatories and the clauses
    with version.file.open("rb") as handle:
        text = docx_text(handle.read())
    for expected in (
        "PT GALANGAN SAMUDRA",
        "Ir. Hendra Gunawan",
        "Direktur Utama",
        "Dr. Budi Santoso",
        "KERAHASIAAN",
        "PARA PIHAK menjaga kerahasiaan data.",
        "HAK KEKAYAAN INTELEKTUAL",
        "Hak atas hasil bersama dimiliki bersama.",
    ):
        assert expected in text, expected
    assert "Perselisihan" not in text


def test_an_international_partner_gets_a_bilingual_draft(users, units):
    clauses = make_clauses()
    agreement = new_draft(users, units, scope=Scope.INTERNATIONAL)

    version = drafting.draft_generate(
        agreement=agreement, by=users["office"], clauses=clauses
    )

    with version.file.open("rb") as handle:
        text = docx_text(handle.read())
    assert version.form_code == "agreement_draft_mou_bilingual"
    for expected in (
        "NOTA KESEPAHAMAN / MEMORANDUM OF UNDERSTANDING",
        "NANYANG POLY",
        "Ir. Hendra Gunawan",
        "Pasal 1",
        "Article 1",
        "CONFIDENTIALITY",
        "The PARTIES keep the data confidential.",
        "Disputes are settled amicably.",
    ):
        assert expected in text, expected


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_signings_at_the_same_moment_get_two_different_numbers(users, units):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has no row locks")

    # given two MoUs ready to sign and the office's pattern
    set_pattern(pattern="{seq:03}/PL29/HK/{year}")
    drafts = [
        ready_to_sign(new_draft(users, units, partner_name=name), users)
        for name in ("PT Satu", "PT Dua")
    ]
    barrier = threading.Barrier(len(drafts))
    errors = []

    def sign_now(agreement):
        try:
            scan = ContentFile(pdf_upload().read(), name="signed.pdf")
            barrier.wait(timeout=10)
            sign(agreement, users, signed_on=D(2025, 3, 3), signed_file=scan)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    # when both are signed at once, each on its own connection
    threads = [threading.Thread(target=sign_now, args=(item,)) for item in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # then both are signed, with two different numbers of the pattern
    assert errors == []
    numbers = sorted(
        Agreement.objects.filter(pk__in=[item.pk for item in drafts]).values_list(
            "number", flat=True
        )
    )
    assert numbers == ["001/PL29/HK/2025", "002/PL29/HK/2025"]


def test_a_version_locked_as_final_is_the_one_signed(users, units):
    agreement = ready_to_sign(new_draft(users, units), users)
    set_pattern()

    with frozen(D(2025, 3, 3)):
        sign(agreement, users)

    final = DraftVersion.objects.get(agreement=agreement, locked_at__isnull=False)
    signed = agreement.events.get(kind="signed")
    assert signed.version == final
    with pytest.raises(workflow.ValidationError):
        workflow.final_unlock(agreement=agreement, by=users["office"])
