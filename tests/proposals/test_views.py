"""The proposal pages: who sees and does what, forms, and fixed query counts."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mitra.agreements.models import Agreement
from mitra.proposals import services
from mitra.proposals.models import Proposal, ProposalAttachment, Status
from tests.proposals.conftest import fake_pdf_upload, pdf_upload


def form_data(proposal_kinds, **extra):
    data = {
        "title": "Praktisi mengajar dari industri",
        "document_type": "moa",
        "source": "unit_request",
        "partner_name": "PT Kapal Nusantara",
        "partner_kind": "",
        "partner_country": "Indonesia",
        "contact_name": "Joko",
        "contact_email": "joko@kapal.test",
        "cooperation_types": [kind.pk for kind in proposal_kinds],
        "tridharma": ["education"],
        "expected_benefit": "Kurikulum lebih dekat dengan industri.",
        "planned_activities": "Dua praktisi mengajar tiap semester.",
    }
    data.update(extra)
    return data


# --- the list -------------------------------------------------------------------


def test_a_unit_sees_its_own_proposals_and_approved_ones_only(
    make_proposal, users, units, client_for
):
    own = make_proposal()
    theirs = make_proposal(by=users["unit_b"], unit=units["jb"], title="Rahasia B")
    approved = make_proposal(by=users["unit_b"], unit=units["jb"], title="Disetujui B")
    services.proposal_decide(proposal=approved, by=users["head"], approve=True)

    response = client_for(users["unit_a"]).get(reverse("proposals:list"))

    rows = list(response.context["table"].data)
    assert set(rows) == {own, approved}
    assert theirs.title not in response.content.decode()


@pytest.mark.parametrize("role", ["office", "head", "leader", "auditor"])
def test_the_office_leaders_and_auditors_see_every_proposal(
    make_proposal, users, units, client_for, role
):
    make_proposal()
    make_proposal(by=users["unit_b"], unit=units["jb"], submit=False)

    response = client_for(users[role]).get(reverse("proposals:list"))

    assert response.context["table"].paginator.count == 2


def test_the_list_filters_by_year_status_source_unit_and_call(
    make_proposal, users, units, client_for, call
):
    answer = make_proposal(call=call)
    make_proposal(submit=False)
    make_proposal(by=users["unit_b"], unit=units["jb"], year=2025)
    client = client_for(users["office"])

    def rows(**params):
        response = client.get(reverse("proposals:list"), params)
        return set(response.context["table"].data)

    assert rows(call=call.pk) == {answer}
    assert rows(status="submitted", year=2026) == {answer}
    assert rows(source="call") == {answer}
    assert len(rows(unit="JA")) == 2
    assert len(rows(year=2025)) == 1


def _count_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("proposals:list"))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["office", "unit_a"])
def test_the_list_runs_a_fixed_number_of_queries(
    make_proposal, users, units, client_for, role, partner_kind
):
    client = client_for(users[role])

    def grow(count):
        for index in range(count):
            make_proposal(title=f"Usulan {index}")
            make_proposal(
                partner=None,
                partner_name=f"CV Baru {index}",
                partner_kind=partner_kind,
                partner_country="Indonesia",
                contact_name="X",
                contact_phone="1",
                submit=False,
            )

    grow(3)
    few = _count_queries(client)
    grow(20)
    many = _count_queries(client)

    assert few == many


def test_the_list_exports_csv(make_proposal, users, client_for):
    make_proposal()

    response = client_for(users["office"]).get(
        reverse("proposals:list"), {"export": "csv"}
    )

    assert response.status_code == 200
    assert "Magang industri" in response.content.decode("utf-8-sig")


# --- one proposal ---------------------------------------------------------------


def test_another_jurusan_gets_404_for_a_proposal_before_approval(
    make_proposal, users, client_for
):
    proposal = make_proposal()

    for name in ("detail", "edit", "analysis", "decide", "tor_file"):
        response = client_for(users["unit_b"]).get(
            reverse(f"proposals:{name}", args=[proposal.pk])
        )
        assert response.status_code == 404, name


@pytest.mark.parametrize("role", ["unit_a", "office", "head", "leader", "auditor"])
def test_those_involved_see_the_proposal(make_proposal, users, client_for, role):
    proposal = make_proposal()

    response = client_for(users[role]).get(
        reverse("proposals:detail", args=[proposal.pk])
    )

    assert response.status_code == 200


def test_the_detail_page_shows_the_timeline(make_proposal, users, client_for):
    proposal = make_proposal()
    services.proposal_request_revision(
        proposal=proposal, by=users["office"], comment="Tambahkan jadwal."
    )

    response = client_for(users["unit_a"]).get(
        reverse("proposals:detail", args=[proposal.pk])
    )

    content = response.content.decode()
    assert 'data-kind="transition"' in content
    assert "Tambahkan jadwal." in content
    assert 'id="revision-note"' in content


def test_the_office_is_told_how_to_number_proposals(make_proposal, users, client_for):
    proposal = make_proposal()

    office = client_for(users["office"]).get(
        reverse("proposals:detail", args=[proposal.pk])
    )

    assert 'id="numbering-hint"' in office.content.decode()


# --- the form ---------------------------------------------------------------------


def test_a_unit_creates_and_submits_a_proposal_through_the_form(
    users, units, kinds, partner_kind, client_for
):
    data = form_data(
        kinds,
        unit=units["ja"].pk,
        partner_kind=partner_kind.pk,
        tor_file=pdf_upload(),
        submit="1",
    )

    response = client_for(users["unit_a"]).post(reverse("proposals:create"), data)

    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert proposal.status == Status.SUBMITTED
    assert proposal.created_by == users["unit_a"]
    assert proposal.partner_name == "PT Kapal Nusantara"
    assert proposal.tor_file


def test_the_form_shows_what_is_missing_and_saves_nothing(users, units, client_for):
    response = client_for(users["unit_a"]).post(
        reverse("proposals:create"),
        {
            "title": "Belum lengkap",
            "source": "unit_request",
            "unit": units["ja"].pk,
            "submit": "1",
        },
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {
        "document_type",
        "cooperation_types",
        "tridharma",
        "expected_benefit",
    } <= set(errors)
    assert not Proposal.objects.exists()


def test_a_draft_is_saved_with_only_a_title(users, client_for):
    response = client_for(users["unit_a"]).post(
        reverse("proposals:create"),
        {"title": "Ide", "source": "unit_request", "save": "1"},
    )

    assert response.status_code == 302
    assert Proposal.objects.get().status == Status.DRAFT


def test_an_attachment_that_is_not_what_it_claims_is_a_field_error(
    users, units, kinds, partner_kind, client_for
):
    data = form_data(
        kinds,
        unit=units["ja"].pk,
        partner_kind=partner_kind.pk,
        tor_file=fake_pdf_upload(),
        submit="1",
    )

    response = client_for(users["unit_a"]).post(reverse("proposals:create"), data)

    assert response.status_code == 200
    assert "tor_file" in response.context["form"].errors
    assert not Proposal.objects.exists()
    assert not ProposalAttachment.objects.exists()


def test_a_unit_cannot_choose_another_jurusan(users, units, client_for):
    response = client_for(users["unit_a"]).post(
        reverse("proposals:create"),
        {"title": "X", "source": "unit_request", "unit": units["jb"].pk},
    )

    assert "unit" in response.context["form"].errors
    assert not Proposal.objects.exists()


@pytest.mark.parametrize("role", ["leader", "auditor"])
def test_leaders_and_auditors_do_not_propose(users, client_for, role):
    assert client_for(users[role]).get(reverse("proposals:create")).status_code == 403


def test_a_submitted_proposal_is_no_longer_edited_by_its_unit(
    make_proposal, users, client_for
):
    proposal = make_proposal()

    response = client_for(users["unit_a"]).get(
        reverse("proposals:edit", args=[proposal.pk])
    )

    assert response.status_code == 403


# --- the steps -------------------------------------------------------------------


def step(client, proposal, name, **data):
    return client.post(reverse("proposals:step", args=[proposal.pk, name]), data)


@pytest.mark.parametrize("role", ["unit_a", "leader", "auditor"])
def test_only_the_office_takes_a_proposal_into_analysis(
    make_proposal, users, client_for, role
):
    proposal = make_proposal()

    response = step(client_for(users[role]), proposal, "start-analysis")

    assert response.status_code == 403
    assert Proposal.objects.get(pk=proposal.pk).status == Status.SUBMITTED


@pytest.mark.parametrize("role", ["office", "head", "leader"])
def test_only_the_proposer_withdraws(make_proposal, users, client_for, role):
    proposal = make_proposal()

    assert step(client_for(users[role]), proposal, "withdraw").status_code == 403
    assert step(client_for(users["unit_a"]), proposal, "withdraw").status_code == 302
    assert Proposal.objects.get(pk=proposal.pk).status == Status.WITHDRAWN


def test_a_revision_request_without_notes_is_a_field_error(
    make_proposal, users, client_for
):
    proposal = make_proposal()

    response = step(client_for(users["office"]), proposal, "request-revision")

    assert response.status_code == 200
    assert "comment" in response.context["form"].errors
    assert Proposal.objects.get(pk=proposal.pk).status == Status.SUBMITTED


def test_a_step_out_of_turn_is_refused_with_a_message(make_proposal, users, client_for):
    proposal = make_proposal()
    services.proposal_withdraw(proposal=proposal, by=users["unit_a"])

    response = step(client_for(users["office"]), proposal, "start-analysis")

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)]
    assert Proposal.objects.get(pk=proposal.pk).status == Status.WITHDRAWN


def test_an_unknown_step_is_404(make_proposal, users, client_for):
    proposal = make_proposal()

    assert step(client_for(users["office"]), proposal, "approve").status_code == 404


@pytest.mark.parametrize("role", ["office", "unit_a", "leader", "auditor"])
def test_only_the_head_decides(make_proposal, users, client_for, role):
    proposal = make_proposal()

    response = client_for(users[role]).post(
        reverse("proposals:decide", args=[proposal.pk]), {"decision": "approve"}
    )

    assert response.status_code == 403
    assert not Agreement.objects.exists()


def test_the_head_approves_and_lands_on_the_agreement_draft(
    make_proposal, users, client_for
):
    proposal = make_proposal()
    client = client_for(users["head"])

    response = client.post(
        reverse("proposals:decide", args=[proposal.pk]),
        {"decision": "approve", "comment": "Setuju."},
    )

    agreement = Agreement.objects.get()
    assert response.status_code == 302
    assert response.url == agreement.get_absolute_url()
    page = client.get(agreement.get_absolute_url()).content.decode()
    assert 'id="agreement-origin"' in page
    assert reverse("proposals:detail", args=[proposal.pk]) in page


def test_a_rejection_without_a_reason_is_a_field_error(
    make_proposal, users, client_for
):
    proposal = make_proposal()

    response = client_for(users["head"]).post(
        reverse("proposals:decide", args=[proposal.pk]), {"decision": "reject"}
    )

    assert response.status_code == 200
    assert "comment" in response.context["form"].errors
    assert Proposal.objects.get(pk=proposal.pk).status == Status.SUBMITTED


def test_files_are_handed_out_only_through_the_gate(make_proposal, users, client_for):
    proposal = make_proposal(document_type="moa", tor_file=pdf_upload())

    own = client_for(users["unit_a"]).get(
        reverse("proposals:tor_file", args=[proposal.pk])
    )

    assert own.status_code == 200
    assert own["Content-Disposition"].startswith("attachment")


def test_the_admin_pages_open(make_proposal, users, client_for, call):
    proposal = make_proposal(call=call)
    client = client_for(users["admin"])

    for url in (
        reverse("admin:proposals_proposal_changelist"),
        reverse("admin:proposals_proposal_change", args=[proposal.pk]),
        reverse("admin:proposals_callforproposals_change", args=[call.pk]),
        reverse("admin:proposals_rubriccriterion_changelist"),
        reverse("admin:proposals_review_changelist"),
    ):
        assert client.get(url).status_code == 200, url


def test_submitting_an_incomplete_draft_sends_the_unit_back_to_the_form(
    users, units, client_for
):
    draft = services.proposal_create(by=users["unit_a"], title="Ide", unit=units["ja"])

    response = step(client_for(users["unit_a"]), draft, "submit")

    assert response.status_code == 302
    assert response.url == reverse("proposals:edit", args=[draft.pk])
    message = str(next(iter(get_messages(response.wsgi_request))))
    assert "expected benefit" in message
    assert Proposal.objects.get(pk=draft.pk).status == Status.DRAFT
