"""Acceptance of issue 4, the proposals half: a call, proposals from two units
and from a partner on the public site, their analysis by two reviewers, the
head's decisions, and the approved proposal becoming an agreement draft. At
each step the roles that must not see get 404 and those that must not act
get 403.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from mitra.agreements.models import Agreement
from mitra.core import clock
from mitra.core.daily import run_daily
from mitra.core.models import Notification, NumberingPattern, OutboxEmail
from mitra.partners.models import Partner, PartnerKind
from mitra.planning.models import CooperationType
from mitra.proposals.models import (
    CallForProposals,
    Proposal,
    RubricCriterion,
    Status,
)
from tests.factories import PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 1, 12)


@pytest.fixture(autouse=True)
def _january():
    cache.clear()
    with clock.frozen(START):
        yield
    cache.clear()


def login(user):
    client = Client()
    client.force_login(user)
    return client


def code(client, method, url, data=None):
    return getattr(client, method)(url, data or {}).status_code


def link_path(body):
    link = re.search(r"https?://[^/\s]+(/proposals/follow/\S+/)", body)
    return link.group(1)


def test_proposals_from_call_to_agreement_draft(users, units):
    office, head = login(users["office"]), login(users["head"])
    leader, auditor = login(users["leader"]), login(users["auditor"])
    unit_a, unit_b = login(users["unit_a"]), login(users["unit_b"])
    lecturer = UserFactory(username="dosen_jb", units=[units["jb"]])
    partner = PartnerFactory(name="PT Sinar Batam")
    kind = PartnerKind.objects.order_by("ordering").first()
    internship, research = CooperationType.objects.order_by("ordering")[:2]
    NumberingPattern.objects.create(
        kind="proposal", pattern="{seq:03}/USL/{year}", reset="yearly"
    )

    # --- the office opens a call; a past deadline is refused -----------------------
    call_data = {
        "year": 2026,
        "title": "Usulan kerja sama 2026",
        "deadline": "2026-01-05",
        "units": [units["ja"].pk, units["jb"].pk],
    }
    refused = office.post(reverse("proposals:call_create"), call_data)
    assert "deadline" in refused.context["form"].errors
    call_data["deadline"] = "2026-02-27"
    for client in (unit_a, leader, auditor):
        assert code(client, "post", reverse("proposals:call_create"), call_data) == 403
    assert code(office, "post", reverse("proposals:call_create"), call_data) == 302
    call = CallForProposals.objects.get()
    assert Notification.objects.filter(recipient=users["unit_b"]).count() == 1

    # --- two units propose in answer --------------------------------------------------
    def propose(client, unit, title, **extra):
        data = {
            "title": title,
            "document_type": "mou",
            "source": "call",
            "call": call.pk,
            "unit": unit.pk,
            "tridharma": ["education"],
            "cooperation_types": [internship.pk],
            "expected_benefit": "Pengalaman kerja bagi mahasiswa.",
            "planned_activities": "Magang satu semester.",
            "submit": "1",
            **extra,
        }
        response = client.post(reverse("proposals:create"), data)
        assert response.status_code == 302, response.context["form"].errors
        return Proposal.objects.get(title=title)

    from_a = propose(unit_a, units["ja"], "Magang di PT Sinar", partner=partner.pk)
    from_b = propose(
        unit_b,
        units["jb"],
        "Pelatihan di CV Laut Biru",
        partner_name="CV Laut Biru",
        partner_kind=kind.pk,
        partner_country="Indonesia",
        contact_name="Pak Anton",
        contact_phone="0812-111",
    )
    assert (from_a.number, from_b.number) == ("001/USL/2026", "002/USL/2026")
    answers = office.get(call.get_absolute_url()).content.decode()
    assert answers.count('data-answered="yes"') == 2
    # another jurusan never sees a proposal before its approval
    for name in ("detail", "analysis", "edit"):
        url = reverse(f"proposals:{name}", args=[from_a.pk])
        assert code(unit_b, "get", url) == 404
    assert from_a.title not in unit_b.get(reverse("proposals:list")).content.decode()
    # leadership and auditors read it, but neither edit nor withdraw it
    for client in (leader, auditor):
        assert code(client, "get", from_a.get_absolute_url()) == 200
        assert code(client, "get", reverse("proposals:edit", args=[from_a.pk])) == 403
        withdraw = reverse("proposals:step", args=[from_a.pk, "withdraw"])
        assert code(client, "post", withdraw) == 403

    # --- a partner proposes on the public site ------------------------------------
    public = Client()
    sent = public.post(
        reverse("proposals:public_create"),
        {
            "proposer_name": "Dr. Rina",
            "proposer_email": "rina@univ-mitra.example",
            "proposer_organisation": "Universitas Mitra Jaya",
            "partner_kind": kind.pk,
            "partner_country": "Indonesia",
            "title": "Riset bersama energi terbarukan",
            "document_type": "mou",
            "cooperation_types": [research.pk],
            "tridharma": ["research"],
            "expected_benefit": "Publikasi bersama.",
            "planned_activities": "Dua penelitian bersama.",
            "consent": "on",
        },
    )
    assert sent.status_code == 302
    from_partner = Proposal.objects.get(is_external=True)
    receipt = OutboxEmail.objects.get(recipient="rina@univ-mitra.example")
    follow = link_path(receipt.body)
    assert code(public, "get", follow) == 200
    assert code(public, "get", follow.replace("/follow/", "/follow/x")) == 404
    assert code(unit_a, "get", from_partner.get_absolute_url()) == 404
    assert code(public, "get", reverse("proposals:list")) == 302  # to log in

    # --- the head assigns two reviewers; only the head may ---------------------------
    criteria = list(RubricCriterion.objects.filter(is_active=True).order_by("order"))
    weights = [criterion.weight for criterion in criteria]
    assign = reverse("proposals:reviewers", args=[from_a.pk])
    two = {"reviewers": [users["office"].pk, lecturer.pk]}
    for client in (office, unit_a, leader, auditor):
        assert code(client, "post", assign, two) == 403
    assert code(head, "post", assign, two) == 302
    for proposal in (from_b, from_partner):
        url = reverse("proposals:reviewers", args=[proposal.pk])
        assert code(head, "post", url, two) == 302
    # the lecturer of jurusan B now sees jurusan A's proposal it reviews
    reviewer = login(lecturer)
    assert code(reviewer, "get", from_a.get_absolute_url()) == 200

    def review(client, proposal, values, recommendation):
        data = {
            f"review-criterion_{criterion.pk}": str(value)
            for criterion, value in zip(criteria, values, strict=True)
        }
        data.update({"review-recommendation": recommendation, "complete": "1"})
        url = reverse("proposals:analysis", args=[proposal.pk])
        return code(client, "post", url, data)

    # someone not assigned cannot score
    assert review(leader, from_a, [5] * len(criteria), "approve") == 403
    assert review(unit_a, from_a, [5] * len(criteria), "approve") == 403
    assert review(office, from_a, [5, 4, 4, 3, 5, 5], "approve") == 302
    assert review(reviewer, from_a, [4, 4, 3, 3, 4, 5], "approve") == 302
    assert review(office, from_b, [2] * 6, "reject") == 302
    assert review(reviewer, from_b, [3] * 6, "revise") == 302
    assert review(office, from_partner, [4] * 6, "approve") == 302
    assert review(reviewer, from_partner, [4, 4, 4, 4, 2, 4], "approve") == 302

    # the weighted score by hand: criterion means, weighted, mapped onto 0-100
    means = [4.5, 4, 3.5, 3, 4.5, 5]
    mean = sum(w * m for w, m in zip(weights, means, strict=True)) / sum(weights)
    expected = Decimal(str(round((mean - 1) / 4 * 100, 2)))
    from_a.refresh_from_db()
    assert from_a.score == expected
    assert Proposal.objects.get(pk=from_b.pk).score == Decimal("37.50")

    # --- decisions: only the head decides --------------------------------------------
    decide_a = reverse("proposals:decide", args=[from_a.pk])
    for client in (office, unit_a, leader, auditor, reviewer):
        assert code(client, "post", decide_a, {"decision": "approve"}) == 403
    assert code(head, "post", decide_a, {"decision": "approve"}) == 302
    decide_b = reverse("proposals:decide", args=[from_b.pk])
    no_reason = head.post(decide_b, {"decision": "reject"})
    assert "comment" in no_reason.context["form"].errors
    reason = {"decision": "reject", "comment": "Belum sesuai target tahun ini."}
    assert code(head, "post", decide_b, reason) == 302
    # the partner's proposal goes back for a revision; the partner revises it
    revise = reverse("proposals:step", args=[from_partner.pk, "request-revision"])
    assert code(unit_a, "post", revise, {"comment": "x"}) == 404
    assert code(office, "post", revise, {"comment": "Tambahkan jadwal."}) == 302
    revised = public.post(
        follow + "revise/",
        {
            "title": from_partner.title,
            "document_type": "mou",
            "cooperation_types": [research.pk],
            "tridharma": ["research"],
            "expected_benefit": "Publikasi bersama.",
            "planned_activities": "Dua penelitian bersama, Maret dan Agustus.",
            "comment": "Jadwal ditambahkan.",
        },
    )
    assert revised.status_code == 302
    assert Proposal.objects.get(pk=from_partner.pk).status == Status.SUBMITTED
    step_emails = OutboxEmail.objects.filter(recipient="rina@univ-mitra.example")
    assert step_emails.count() >= 3  # receipt, under analysis, revision requested

    # a decided proposal cannot be decided again (a message, not a 500)
    again = head.post(decide_b, {"decision": "approve"}, follow=True)
    assert again.status_code == 200
    assert Proposal.objects.get(pk=from_b.pk).status == Status.REJECTED

    # --- the approved proposal is an agreement draft, linked both ways -------------
    from_a.refresh_from_db()
    draft = from_a.agreement
    assert draft.status == "draft" and draft.partner == partner
    assert list(draft.units.all()) == [units["ja"]]
    assert list(draft.cooperation_types.all()) == [internship]
    page = unit_a.get(draft.get_absolute_url()).content.decode()
    assert reverse("proposals:detail", args=[from_a.pk]) in page
    assert code(unit_b, "get", draft.get_absolute_url()) == 404
    assert Agreement.objects.count() == 1
    assert not Partner.objects.filter(name="CV Laut Biru").exists()  # rejected
    # once approved, every staff member may read the proposal
    assert code(unit_b, "get", from_a.get_absolute_url()) == 200

    # --- the daily job escalates what is left waiting, and never decides -----------
    runs = run_daily(START + datetime.timedelta(days=30), only=["proposals.stale"])
    assert runs[0].summary == {"stale": 1, "escalated": 1}
    assert Proposal.objects.get(pk=from_partner.pk).status == Status.SUBMITTED
