"""Proposals through their services: content, workflow, notifications,
numbering, and the agreement draft an approval makes."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext

from mitra.agreements.models import Agreement, DocumentType
from mitra.agreements.models import Status as AgreementStatus
from mitra.core.models import Notification, NumberingPattern, OutboxEmail
from mitra.partners.models import Contact, Partner
from mitra.proposals import services
from mitra.proposals.models import (
    EventKind,
    Proposal,
    ProposalEvent,
    Source,
    Status,
)
from tests.factories import AgreementFactory
from tests.proposals.conftest import (
    complete_values,
    docx_upload,
    fake_pdf_upload,
    pdf_upload,
)


def t(msgid, **values):
    """The message as written in the institution's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(msgid) % values


def notified(user):
    return list(Notification.objects.filter(recipient=user).order_by("pk"))


# --- content ------------------------------------------------------------------


def test_a_draft_needs_only_a_title(users):
    proposal = services.proposal_create(by=users["unit_a"], title="Ide awal")

    assert proposal.status == Status.DRAFT
    assert proposal.year == 2026
    assert proposal.number is None
    assert proposal.events.get().kind == EventKind.CREATED


def test_a_draft_without_a_title_is_refused(users):
    with pytest.raises(ValidationError) as caught:
        services.proposal_create(by=users["unit_a"], title="  ")

    assert "title" in caught.value.message_dict
    assert not Proposal.objects.exists()


def test_submitting_an_incomplete_proposal_names_every_missing_field_and_saves_nothing(
    users, units
):
    with pytest.raises(ValidationError) as caught:
        services.proposal_create(
            by=users["unit_a"], title="Kerja sama", unit=units["ja"], submit=True
        )

    missing = set(caught.value.message_dict)
    assert {
        "document_type",
        "partner_name",
        "partner_kind",
        "partner_country",
        "contact_name",
        "cooperation_types",
        "tridharma",
        "expected_benefit",
        "planned_activities",
    } <= missing
    assert not Proposal.objects.exists()
    assert not ProposalEvent.objects.exists()


def test_an_moa_or_ia_proposal_needs_its_tor(users, units, partner, kinds):
    values = complete_values(
        unit=units["ja"], partner=partner, kinds=kinds, document_type="moa"
    )

    with pytest.raises(ValidationError) as caught:
        services.proposal_create(by=users["unit_a"], submit=True, **values)

    assert list(caught.value.message_dict) == ["tor_file"]
    assert not Proposal.objects.exists()


@pytest.mark.parametrize("upload", [pdf_upload, docx_upload])
def test_a_pdf_or_docx_tor_is_accepted(users, units, partner, kinds, upload):
    values = complete_values(
        unit=units["ja"], partner=partner, kinds=kinds, document_type="ia"
    )

    proposal = services.proposal_create(
        by=users["unit_a"], submit=True, tor_file=upload(), **values
    )

    assert proposal.status == Status.SUBMITTED
    assert proposal.tor_file


def test_a_tor_that_is_not_what_it_claims_is_refused(users, units, partner, kinds):
    values = complete_values(
        unit=units["ja"], partner=partner, kinds=kinds, document_type="moa"
    )

    with pytest.raises(ValidationError) as caught:
        services.proposal_create(
            by=users["unit_a"], submit=True, tor_file=fake_pdf_upload(), **values
        )

    assert "tor_file" in caught.value.message_dict
    assert not Proposal.objects.exists()


def test_a_new_partner_needs_its_kind_country_and_a_contact(
    users, units, kinds, partner_kind
):
    values = complete_values(unit=units["ja"], partner=None, kinds=kinds)
    values.update(partner_name="CV Baru Sekali", partner_kind=partner_kind)

    with pytest.raises(ValidationError) as caught:
        services.proposal_create(by=users["unit_a"], submit=True, **values)

    assert set(caught.value.message_dict) == {
        "partner_country",
        "contact_name",
        "contact_email",
    }


def test_unit_staff_cannot_propose_for_another_jurusan(users, units):
    with pytest.raises(ValidationError) as caught:
        services.proposal_create(by=users["unit_a"], title="X", unit=units["jb"])

    assert "unit" in caught.value.message_dict


def test_a_jurusan_proposes_for_its_prodi(users, units):
    proposal = services.proposal_create(
        by=users["unit_a"], title="Prodi A1", unit=units["ja1"]
    )

    assert proposal.unit == units["ja1"]


# --- the workflow ---------------------------------------------------------------


def test_submitting_tells_the_office_and_the_head_and_records_the_step(
    make_proposal, users
):
    proposal = make_proposal()

    assert proposal.status == Status.SUBMITTED
    assert proposal.submitted_at is not None
    step = proposal.events.get(kind=EventKind.TRANSITION)
    assert (step.from_status, step.to_status, step.actor) == (
        Status.DRAFT,
        Status.SUBMITTED,
        users["unit_a"],
    )
    assert [n.title for n in notified(users["office"])] == [
        t("New proposal %(label)s", label=proposal.label)
    ]
    assert len(notified(users["head"])) == 1
    assert notified(users["unit_a"]) == []  # nobody is told of their own step


def test_it_is_numbered_by_the_office_pattern_on_submission(make_proposal):
    NumberingPattern.objects.create(
        kind="proposal", pattern="USL-{year}-{seq:03}", reset="yearly"
    )

    first = make_proposal()
    draft = make_proposal(submit=False)
    second = make_proposal()

    assert first.number == "USL-2026-001"
    assert draft.number is None
    assert second.number == "USL-2026-002"


def test_without_a_pattern_it_stays_unnumbered(make_proposal):
    proposal = make_proposal()

    assert proposal.number is None
    assert proposal.status == Status.SUBMITTED


def test_every_step_tells_the_proposer_with_the_comment(make_proposal, users):
    proposal = make_proposal()

    services.proposal_start_analysis(proposal=proposal, by=users["office"])
    services.proposal_request_revision(
        proposal=proposal, by=users["office"], comment="Lengkapi jumlah mahasiswa."
    )

    titles = [n.title for n in notified(users["unit_a"])]
    assert titles == [
        t(
            "Proposal %(label)s: %(status)s",
            label=proposal.label,
            status=t("Under analysis"),
        ),
        t(
            "Proposal %(label)s: %(status)s",
            label=proposal.label,
            status=t("Revision requested"),
        ),
    ]
    assert "Lengkapi jumlah mahasiswa." in notified(users["unit_a"])[-1].body


def test_a_revision_request_needs_notes(make_proposal, users):
    proposal = make_proposal()

    with pytest.raises(ValidationError) as caught:
        services.proposal_request_revision(
            proposal=proposal, by=users["office"], comment=" "
        )

    assert "comment" in caught.value.message_dict
    assert Proposal.objects.get(pk=proposal.pk).status == Status.SUBMITTED


def test_a_revised_proposal_is_resubmitted(make_proposal, users):
    proposal = make_proposal()
    services.proposal_request_revision(
        proposal=proposal, by=users["office"], comment="Perjelas manfaat."
    )

    services.proposal_update(
        proposal=proposal,
        by=users["unit_a"],
        expected_benefit="Manfaat yang lebih jelas.",
        submit=True,
        comment="Sudah diperjelas.",
    )

    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED
    assert proposal.expected_benefit == "Manfaat yang lebih jelas."
    steps = list(
        proposal.events.filter(kind=EventKind.TRANSITION).values_list(
            "to_status", flat=True
        )
    )
    assert steps == [Status.SUBMITTED, Status.REVISION_REQUESTED, Status.SUBMITTED]


@pytest.mark.parametrize(
    ("step", "kwargs"),
    [
        ("proposal_start_analysis", {}),
        ("proposal_request_revision", {"comment": "x"}),
        ("proposal_decide", {"approve": True}),
    ],
)
def test_a_draft_cannot_skip_its_submission(make_proposal, users, step, kwargs):
    proposal = make_proposal(submit=False)

    with pytest.raises(ValidationError) as caught:
        getattr(services, step)(proposal=proposal, by=users["head"], **kwargs)

    assert caught.value.code == "illegal_transition"
    assert Proposal.objects.get(pk=proposal.pk).status == Status.DRAFT


def test_a_decided_proposal_cannot_be_withdrawn_or_changed(make_proposal, users):
    proposal = make_proposal()
    services.proposal_decide(
        proposal=proposal, by=users["head"], approve=False, comment="Tidak relevan."
    )

    with pytest.raises(ValidationError):
        services.proposal_withdraw(proposal=proposal, by=users["unit_a"])
    with pytest.raises(ValidationError):
        services.proposal_update(proposal=proposal, by=users["office"], title="Baru")
    assert Proposal.objects.get(pk=proposal.pk).status == Status.REJECTED


def test_a_rejection_needs_its_reason(make_proposal, users):
    proposal = make_proposal()

    with pytest.raises(ValidationError) as caught:
        services.proposal_decide(proposal=proposal, by=users["head"], approve=False)

    assert "comment" in caught.value.message_dict
    assert Proposal.objects.get(pk=proposal.pk).status == Status.SUBMITTED


def test_the_proposer_withdraws(make_proposal, users):
    proposal = make_proposal()

    services.proposal_withdraw(
        proposal=proposal, by=users["unit_a"], comment="Mitra batal."
    )

    assert Proposal.objects.get(pk=proposal.pk).status == Status.WITHDRAWN


def test_only_a_draft_is_deleted(make_proposal, users):
    draft = make_proposal(submit=False)
    submitted = make_proposal()

    services.proposal_delete(proposal=draft, by=users["unit_a"])
    with pytest.raises(ValidationError):
        services.proposal_delete(proposal=submitted, by=users["unit_a"])

    assert list(Proposal.objects.all()) == [submitted]


def test_answering_a_call_takes_its_year_and_source(make_proposal, call, units):
    proposal = make_proposal(call=call, source=Source.UNIT_REQUEST, year=None)

    assert proposal.source == Source.CALL
    assert proposal.year == call.year


def test_a_unit_not_invited_cannot_answer_the_call(users, units, partner, kinds, call):
    call.units.set([units["jb"]])
    values = complete_values(unit=units["ja"], partner=partner, kinds=kinds)

    with pytest.raises(ValidationError) as caught:
        services.proposal_create(by=users["unit_a"], submit=True, call=call, **values)

    assert "unit" in caught.value.message_dict


# --- the decision and the agreement draft -----------------------------------------


def test_an_approved_proposal_becomes_an_agreement_draft_linked_both_ways(
    make_proposal, users, units, partner, kinds
):
    proposal = make_proposal(fields={"education", "research"})

    services.proposal_decide(
        proposal=proposal, by=users["head"], approve=True, comment="Lanjutkan."
    )

    proposal.refresh_from_db()
    agreement = proposal.agreement
    assert proposal.status == Status.APPROVED
    assert proposal.decided_by == users["head"]
    assert agreement.status == AgreementStatus.DRAFT
    assert agreement.document_type == DocumentType.MOU
    assert agreement.partner == partner
    assert agreement.title == proposal.title
    assert list(agreement.units.all()) == [units["ja"]]
    assert set(agreement.cooperation_types.all()) == set(kinds)
    assert agreement.fields == {"education", "research"}
    assert list(agreement.proposals.all()) == [proposal]
    assert proposal.events.filter(kind=EventKind.AGREEMENT).exists()


def test_approving_registers_a_new_partner_with_its_contact(
    users, units, kinds, partner_kind
):
    values = complete_values(unit=units["ja"], partner=None, kinds=kinds)
    values.update(
        partner_name="Universitas Contoh Jauh",
        partner_kind=partner_kind,
        partner_country="Malaysia",
        contact_name="Dr. Aminah",
        contact_email="aminah@contoh.test",
    )
    proposal = services.proposal_create(by=users["unit_a"], submit=True, **values)

    services.proposal_decide(proposal=proposal, by=users["head"], approve=True)

    partner = Partner.objects.get(name="Universitas Contoh Jauh")
    assert partner.country == "Malaysia"
    assert partner.scope == "international"
    contact = Contact.objects.get(partner=partner)
    assert contact.email == "aminah@contoh.test"
    proposal.refresh_from_db()
    assert proposal.partner == partner
    assert proposal.agreement.partner_contact == contact


def test_a_new_partner_already_registered_under_that_name_is_reused(
    users, units, kinds, partner_kind, partner
):
    values = complete_values(unit=units["ja"], partner=None, kinds=kinds)
    values.update(
        partner_name="Sinar Batam Teknologi, PT",
        partner_kind=partner_kind,
        partner_country="Indonesia",
        contact_name="Budi",
        contact_phone="0812",
    )
    proposal = services.proposal_create(by=users["unit_a"], submit=True, **values)

    services.proposal_decide(proposal=proposal, by=users["head"], approve=True)

    assert Partner.objects.count() == 1
    assert Agreement.objects.get().partner == partner


def test_an_moa_draft_sits_under_the_partners_one_mou_in_force(
    make_proposal, users, partner
):
    mou = AgreementFactory(partner=partner, document_type=DocumentType.MOU)
    proposal = make_proposal(document_type="moa", tor_file=pdf_upload())

    services.proposal_decide(proposal=proposal, by=users["head"], approve=True)

    agreement = Proposal.objects.get(pk=proposal.pk).agreement
    assert list(agreement.parents.all()) == [mou]
    assert agreement.no_parent_reason == ""


def test_an_moa_draft_without_a_known_parent_says_so(make_proposal, users):
    proposal = make_proposal(document_type="moa", tor_file=pdf_upload())

    services.proposal_decide(proposal=proposal, by=users["head"], approve=True)

    agreement = Proposal.objects.get(pk=proposal.pk).agreement
    assert agreement.parents.count() == 0
    assert agreement.no_parent_reason == t(
        "No parent document known yet: drafted from proposal %(label)s.",
        label=proposal.label,
    )


def test_a_decision_tells_the_proposer(make_proposal, users):
    proposal = make_proposal()

    services.proposal_decide(
        proposal=proposal, by=users["head"], approve=False, comment="Belum prioritas."
    )

    last = notified(users["unit_a"])[-1]
    assert last.title == t(
        "Proposal %(label)s: %(status)s", label=proposal.label, status=t("Rejected")
    )
    assert "Belum prioritas." in last.body


def test_an_outside_proposer_recorded_by_the_office_is_emailed(
    users, partner, kinds, django_capture_on_commit_callbacks
):
    proposal = services.proposal_create(
        by=users["office"],
        submit=True,
        title="Permintaan dari surat",
        document_type="mou",
        source=Source.PARTNER_REQUEST,
        proposer_name="Rina",
        proposer_organisation="PT Sinar",
        proposer_email="rina@sinar.test",
        partner=partner,
        cooperation_types=kinds,
        fields={"research"},
        expected_benefit="Riset terapan.",
        planned_activities="Penelitian bersama.",
    )

    services.proposal_start_analysis(proposal=proposal, by=users["office"])

    emails = OutboxEmail.objects.filter(recipient="rina@sinar.test")
    assert emails.count() == 2  # submitted, under analysis


def test_a_proposal_the_office_records_for_a_unit_is_followed_by_its_staff(
    make_proposal, users
):
    proposal = make_proposal(by=users["office"])

    services.proposal_start_analysis(proposal=proposal, by=users["head"])

    # the unit hears of the submission and of the analysis
    assert len(notified(users["unit_a"])) == 2
    assert notified(users["unit_b"]) == []
