"""Acceptance of issue 4: identifying and initiating cooperation over a year.

One scenario walks the procedure *Inisiasi Kerjasama* from the needs mapping
to the issued annual programme, checking at each step that the roles that
must not see or act are refused. The other tests check that issued records
are only ever superseded, and that the weighted score and the ranking on the
head's workspace match a hand-computed example.

The fixture's units: the institution ROOT, jurusan JA (prodi JA1) and JB
(prodi JB1), and the cooperation office OFF; users of every role, unit_a
acting for JA and unit_b for JB.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from mitra.agreements.models import Agreement
from mitra.core import clock
from mitra.documents.models import IssuedDocument
from mitra.partners.models import PartnerKind
from mitra.planning import services as planning
from mitra.planning.models import (
    AnnualProgramme,
    AnnualTargetSet,
    CooperationType,
    Meeting,
    NeedsMapping,
    ProgrammeItem,
)
from mitra.proposals import services as proposals
from mitra.proposals.models import (
    CallForProposals,
    Proposal,
    RubricCriterion,
    Status,
)
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

YEAR = 2026
START = datetime.date(YEAR, 1, 12)


@pytest.fixture(autouse=True)
def _start_of_the_year():
    cache.clear()
    with clock.frozen(START):
        yield
    cache.clear()


@pytest.fixture
def types(db):
    """Three cooperation types (the seeded catalogue set aside)."""
    CooperationType.objects.update(is_active=False)
    return {
        code: CooperationType.objects.create(
            code=f"s-{code}", name=name, ordering=order, **{field: True}
        )
        for order, (code, name, field) in enumerate(
            [
                ("magang", "Magang", "education"),
                ("riset", "Riset bersama", "research"),
                ("pkm", "Pengabdian", "community_service"),
            ]
        )
    }


def login(user):
    client = Client()
    client.force_login(user)
    return client


def status(client, method, url, data=None):
    return getattr(client, method)(url, data or {}).status_code


def needs_post(types, levels):
    """POST data of a unit's row of the mapping (`levels`: type → level)."""
    ordered = list(types.values())
    data = {
        "need-TOTAL_FORMS": str(len(ordered)),
        "need-INITIAL_FORMS": str(len(ordered)),
    }
    for index, kind in enumerate(ordered):
        data[f"need-{index}-cooperation_type"] = str(kind.pk)
        data[f"need-{index}-level"] = levels.get(kind, "none")
        data[f"need-{index}-partner_profile"] = "Industri" if kind in levels else ""
    return data


def rubric():
    """The default rubric's criteria, whose weights the hand count uses."""
    criteria = list(RubricCriterion.objects.filter(is_active=True).order_by("order"))
    assert [criterion.weight for criterion in criteria] == [3, 3, 2, 2, 1, 3]
    return criteria


def review(client, proposal, criteria, values, recommendation="approve"):
    """Score `proposal` through the analysis page and complete the review."""
    data = {
        f"review-criterion_{criterion.pk}": str(value)
        for criterion, value in zip(criteria, values, strict=True)
    }
    data.update({"review-recommendation": recommendation, "complete": "1"})
    return status(
        client, "post", reverse("proposals:analysis", args=[proposal.pk]), data
    )


def test_a_year_of_identifying_and_initiating_cooperation(users, units, types):
    office, head = login(users["office"]), login(users["head"])
    leader, auditor = login(users["leader"]), login(users["auditor"])
    unit_a, unit_b = login(users["unit_a"]), login(users["unit_b"])
    partner = PartnerFactory(name="PT Sinar Batam")
    magang, riset, pkm = types["magang"], types["riset"], types["pkm"]

    # --- 1. The needs mapping -------------------------------------------------------
    # the office opens the year and units are told; nobody else may open it
    assert (
        status(auditor, "post", reverse("planning:mapping_list"), {"year": YEAR}) == 403
    )
    assert (
        status(unit_a, "post", reverse("planning:mapping_list"), {"year": YEAR}) == 403
    )
    opened = office.post(
        reverse("planning:mapping_list"), {"year": YEAR, "notify_units": "on"}
    )
    assert opened.status_code == 302
    mapping = NeedsMapping.objects.get(year=YEAR)

    # each unit fills its own row, and only its own
    fill_ja = reverse("planning:mapping_fill", args=[YEAR, units["ja"].pk])
    fill_jb = reverse("planning:mapping_fill", args=[YEAR, units["jb"].pk])
    assert (
        status(
            unit_a,
            "post",
            fill_ja,
            needs_post(types, {magang: "high", riset: "medium"}),
        )
        == 302
    )
    assert status(unit_b, "post", fill_jb, needs_post(types, {pkm: "low"})) == 302
    assert status(unit_a, "post", fill_jb, needs_post(types, {pkm: "high"})) == 403
    assert status(leader, "get", fill_ja) == 403

    # the office sees the whole matrix with its gaps; a unit sees its rows
    matrix = office.get(mapping.get_absolute_url()).context["matrix"]
    assert matrix.gap_count == 3
    rows_b = unit_b.get(mapping.get_absolute_url()).context["matrix"].rows
    assert [row.unit.code for row in rows_b] == ["JB", "JB1"]

    # the office issues the mapping; readers cannot
    assert status(leader, "post", reverse("planning:mapping_issue", args=[YEAR])) == 403
    assert status(office, "post", reverse("planning:mapping_issue", args=[YEAR])) == 302
    assert IssuedDocument.objects.of(mapping, "needs_mapping").count() == 1
    assert status(unit_a, "get", fill_ja) == 409

    # --- 2. Targets -------------------------------------------------------------------
    targets_new = reverse("planning:target_create", args=[YEAR])
    assert (
        status(unit_a, "post", targets_new, {"measure": "agreements", "count": "9"})
        == 403
    )
    assert (
        status(office, "post", targets_new, {"measure": "agreements", "count": "3"})
        == 302
    )
    ja_target = {
        "unit": units["ja"].pk,
        "measure": "agreements",
        "document_type": "mou",
        "cooperation_type": magang.pk,
        "count": "1",
    }
    assert status(office, "post", targets_new, ja_target) == 302
    approve_targets = reverse("planning:targets_approve", args=[YEAR])
    assert status(office, "post", approve_targets) == 403
    assert status(head, "post", approve_targets) == 302
    assert AnnualTargetSet.objects.get(year=YEAR).is_approved

    # --- 3. A call for proposals ------------------------------------------------------
    call_data = {
        "year": YEAR,
        "title": "Usulan kerja sama 2026",
        "message": "Kirim usulan sebelum akhir Februari.",
        "deadline": "2026-02-27",
        "units": [units["ja"].pk, units["jb"].pk],
    }
    assert status(unit_a, "post", reverse("proposals:call_create"), call_data) == 403
    assert status(office, "post", reverse("proposals:call_create"), call_data) == 302
    call = CallForProposals.objects.get(year=YEAR)

    # --- 4. Two units propose, and a partner on the public site -----------------------
    def unit_proposal(client, unit, title, kind, **extra):
        data = {
            "title": title,
            "document_type": "mou",
            "source": "call",
            "call": call.pk,
            "unit": unit.pk,
            "tridharma": ["education"],
            "cooperation_types": [kind.pk],
            "expected_benefit": "Mahasiswa mendapat pengalaman nyata.",
            "planned_activities": "Kegiatan bersama sepanjang tahun.",
            "submit": "1",
            **extra,
        }
        assert client.post(reverse("proposals:create"), data).status_code == 302
        return Proposal.objects.get(title=title)

    from_a = unit_proposal(
        unit_a, units["ja"], "Magang industri di PT Sinar", magang, partner=partner.pk
    )
    from_b = unit_proposal(
        unit_b,
        units["jb"],
        "Pengabdian desa bersama",
        pkm,
        partner_name="Yayasan Desa Maju",
        partner_kind=PartnerKind.objects.order_by("ordering").first().pk,
        partner_country="Indonesia",
        contact_name="Ibu Sari",
        contact_email="sari@desamaju.example",
    )
    assert from_a.status == from_b.status == Status.SUBMITTED
    # a unit does not see another unit's proposal
    assert status(unit_b, "get", reverse("proposals:detail", args=[from_a.pk])) == 404

    public = Client()
    sent = public.post(
        reverse("proposals:public_create"),
        {
            "proposer_name": "Dr. Rina",
            "proposer_email": "rina@univ-mitra.example",
            "proposer_organisation": "Universitas Mitra Jaya",
            "partner_kind": PartnerKind.objects.order_by("ordering").first().pk,
            "partner_country": "Indonesia",
            "title": "Riset bersama energi terbarukan",
            "document_type": "mou",
            "cooperation_types": [riset.pk],
            "tridharma": ["research"],
            "expected_benefit": "Publikasi bersama.",
            "planned_activities": "Dua penelitian bersama.",
            "consent": "on",
        },
        follow=True,
    )
    assert sent.status_code == 200
    from_partner = Proposal.objects.get(title="Riset bersama energi terbarukan")
    assert from_partner.is_external and from_partner.status == Status.SUBMITTED
    follow = public.get(sent.context["status_url"])
    assert follow.status_code == 200
    assert (
        status(unit_a, "get", reverse("proposals:detail", args=[from_partner.pk]))
        == 404
    )
    # the workspace now shows the call's answers
    answers = head.get(reverse("planning:workspace", args=[YEAR])).context["calls"]
    assert answers.data[0]["answered"] == 2

    # --- 5. A meeting with minutes and action items -----------------------------------
    meeting_data = {
        "kind": "internal",
        "title": "Rapat internal kerja sama Januari",
        "date": "2026-01-20",
        "start_time": "09:00",
        "end_time": "11:00",
        "place": "Ruang rapat direktorat",
        "agenda": "Usulan yang masuk",
        "discussion": "Usulan dari Universitas Mitra Jaya dibahas.",
        "decisions": "Usulan dianalisis oleh dua penilai.",
        "attendee-TOTAL_FORMS": "3",
        "attendee-INITIAL_FORMS": "0",
        "attendee-0-user": users["head"].pk,
        "attendee-0-present": "on",
        "attendee-1-user": users["unit_a"].pk,
        "attendee-1-present": "on",
        "attendee-2-name": "Dr. Rina",
        "attendee-2-organisation": "Universitas Mitra Jaya",
        "attendee-2-present": "on",
        "action-TOTAL_FORMS": "1",
        "action-INITIAL_FORMS": "0",
        "action-0-description": "Siapkan profil laboratorium untuk mitra",
        "action-0-owner": users["unit_a"].pk,
        "action-0-due_date": "2026-02-10",
    }
    assert (
        status(unit_a, "post", reverse("planning:meeting_create"), meeting_data) == 403
    )
    assert (
        status(office, "post", reverse("planning:meeting_create"), meeting_data) == 302
    )
    meeting = Meeting.objects.get()
    # the partner's proposal was raised in the meeting
    proposals.proposal_update(
        proposal=from_partner, by=users["office"], meeting=meeting
    )
    assert status(unit_b, "get", meeting.get_absolute_url()) == 404
    assert status(unit_a, "get", meeting.get_absolute_url()) == 200  # attended
    assert (
        status(leader, "get", reverse("planning:meeting_edit", args=[meeting.pk]))
        == 403
    )
    approve_minutes = reverse("planning:minutes_approve", args=[meeting.pk])
    assert status(office, "post", approve_minutes) == 403
    assert status(head, "post", approve_minutes) == 302
    minutes = IssuedDocument.objects.of(meeting, "minutes").get()
    assert minutes.form_number == "BO.29.3.1"
    assert [p["title"] for p in minutes.snapshot["proposals"]] == [from_partner.title]
    pdf = office.get(
        reverse("documents:issued_file", args=[minutes.pk]) + "?format=pdf"
    )
    assert pdf.status_code == 200
    assert (
        status(unit_b, "get", reverse("documents:issued_detail", args=[minutes.pk]))
        == 404
    )
    item = meeting.action_items.get()
    assert (
        status(
            unit_b,
            "post",
            reverse("planning:action_status", args=[item.pk]),
            {"done": "1"},
        )
        == 404
    )
    assert (
        status(
            unit_a,
            "post",
            reverse("planning:action_status", args=[item.pk]),
            {"done": "1"},
        )
        == 302
    )

    # --- 6. Analysis by two reviewers -------------------------------------------------
    criteria = rubric()
    assign = reverse("proposals:reviewers", args=[from_a.pk])
    reviewers = {"reviewers": [users["office"].pk, users["leader"].pk]}
    assert status(unit_a, "post", assign, reviewers) == 403
    assert status(office, "post", assign, reviewers) == 403
    assert status(head, "post", assign, reviewers) == 302
    for other, reviewer in ((from_b, "office"), (from_partner, "leader")):
        proposals.reviewers_set(
            proposal=other, by=users["head"], reviewers=[users[reviewer]]
        )
    assert review(unit_b, from_a, criteria, [3] * 6) in (403, 404)
    assert review(office, from_a, criteria, [5, 4, 4, 3, 5, 5]) == 302
    assert review(leader, from_a, criteria, [4, 4, 3, 3, 4, 5]) == 302
    assert review(office, from_b, criteria, [3] * 6, "reject") == 302
    assert review(leader, from_partner, criteria, [4, 4, 4, 4, 2, 4]) == 302

    # weighted means by hand (weights 3, 3, 2, 2, 1, 3; 14 in all):
    #   from_a: criterion means 4.5 4 3.5 3 4.5 5 -> 58/14 -> (4.142857-1)/4 = 78.57
    #   from_partner: 12+12+8+8+2+12 = 54/14 -> (3.857143-1)/4 = 71.43
    #   from_b: 3 everywhere -> 50.00
    for proposal in (from_a, from_b, from_partner):
        proposal.refresh_from_db()
    assert from_a.score == Decimal("78.57")
    assert from_partner.score == Decimal("71.43")
    assert from_b.score == Decimal("50.00")
    workspace = head.get(reverse("planning:workspace", args=[YEAR]))
    ranked = [(p.pk, p.score) for p in workspace.context["proposals"].data]
    assert ranked == [
        (from_a.pk, Decimal("78.57")),
        (from_partner.pk, Decimal("71.43")),
        (from_b.pk, Decimal("50.00")),
    ]
    assert status(unit_a, "get", reverse("planning:workspace", args=[YEAR])) == 403

    # --- 7. Decisions -----------------------------------------------------------------
    decide_a = reverse("proposals:decide", args=[from_a.pk])
    assert status(office, "post", decide_a, {"decision": "approve"}) == 403
    assert status(unit_a, "post", decide_a, {"decision": "approve"}) == 403
    assert status(head, "post", decide_a, {"decision": "approve"}) == 302
    refused = head.post(
        reverse("proposals:decide", args=[from_b.pk]),
        {"decision": "reject", "comment": "Belum sesuai target tahun ini."},
    )
    assert refused.status_code == 302

    # --- 8. The approved proposal becomes an agreement draft --------------------------
    from_a.refresh_from_db()
    draft = from_a.agreement
    assert draft is not None and draft.status == "draft"
    assert (draft.partner, list(draft.units.all())) == (partner, [units["ja"]])
    assert list(draft.cooperation_types.all()) == [magang]
    assert status(unit_a, "get", draft.get_absolute_url()) == 200
    assert status(unit_b, "get", draft.get_absolute_url()) == 404
    assert Agreement.objects.count() == 1

    # --- 9. The annual programme is issued --------------------------------------------
    assert (
        status(unit_a, "post", reverse("planning:programme_list"), {"year": YEAR})
        == 403
    )
    assert (
        status(office, "post", reverse("planning:programme_list"), {"year": YEAR})
        == 302
    )
    programme = AnnualProgramme.objects.get(year=YEAR)
    from_proposals = reverse("planning:programme_from_proposals", args=[YEAR])
    listed = office.get(from_proposals).context["proposals"]
    assert [p.pk for p in listed] == [from_a.pk]
    assert status(unit_a, "post", from_proposals, {"proposal": [from_a.pk]}) == 403
    assert status(office, "post", from_proposals, {"proposal": [from_a.pk]}) == 302
    initiative = ProgrammeItem.objects.get()
    assert (initiative.proposal, initiative.agreement) == (from_a, draft)
    approve_programme = reverse("planning:programme_approve", args=[YEAR])
    assert status(office, "post", approve_programme) == 403
    assert status(leader, "post", approve_programme) == 403
    assert status(head, "post", approve_programme) == 302
    programme.refresh_from_db()
    assert programme.approved_on == START
    issued = IssuedDocument.objects.of(programme, "programme").get()
    assert issued.snapshot["items"][0]["title"] == from_a.title
    assert [row["count"] for row in issued.snapshot["targets"]] == [3, 1]
    assert (
        status(auditor, "get", reverse("documents:issued_detail", args=[issued.pk]))
        == 200
    )
    assert status(office, "get", reverse("planning:item_create", args=[YEAR])) == 409


def test_issued_mappings_minutes_and_programmes_are_only_superseded(
    users, units, types
):
    office, head = users["office"], users["head"]
    office_client = login(office)

    # given: a mapping, minutes and a programme, each issued once
    mapping = planning.mapping_open(year=YEAR, by=office)
    planning.need_cells_save(
        mapping=mapping,
        unit=units["ja"],
        by=office,
        rows=[{"cooperation_type": types["magang"], "level": "high"}],
    )
    planning.mapping_issue(mapping=mapping, by=office)
    meeting = planning.meeting_create(
        by=office, kind="internal", title="Rapat", date=START, decisions="Versi satu"
    )
    planning.minutes_approve(meeting=meeting, by=head)
    programme = planning.programme_open(year=YEAR, by=office)
    planning.programme_item_save(programme=programme, by=office, title="Versi satu")
    planning.programme_approve(programme=programme, by=head)

    # then: none of them can be edited, through a page or a service
    edits = [
        reverse("planning:mapping_fill", args=[YEAR, units["ja"].pk]),
        reverse("planning:meeting_edit", args=[meeting.pk]),
        reverse("planning:programme_edit", args=[YEAR]),
        reverse("planning:item_create", args=[YEAR]),
    ]
    for url in edits:
        assert office_client.get(url).status_code == 409
        assert office_client.post(url, {"title": "Diubah"}).status_code == 409
    refused = [
        lambda: planning.need_cells_save(
            mapping=mapping,
            unit=units["ja"],
            by=office,
            rows=[{"cooperation_type": types["magang"], "level": "low"}],
        ),
        lambda: planning.meeting_update(meeting=meeting, by=office, decisions="X"),
        lambda: planning.programme_item_save(programme=programme, by=office, title="X"),
        lambda: planning.mapping_issue(mapping=mapping, by=office),
        lambda: planning.minutes_approve(meeting=meeting, by=head),
        lambda: planning.programme_approve(programme=programme, by=head),
    ]
    for attempt in refused:
        with pytest.raises(planning.ValidationError):
            attempt()
    # nor can the issued documents themselves
    with pytest.raises(planning.ValidationError):
        IssuedDocument.objects.filter(kind="minutes").update(title="X")

    # when: each gets a new version, changed and issued again
    planning.mapping_new_version(mapping=mapping, by=office)
    planning.need_cells_save(
        mapping=mapping,
        unit=units["ja"],
        by=office,
        rows=[{"cooperation_type": types["magang"], "level": "low"}],
    )
    planning.mapping_issue(mapping=mapping, by=office)
    planning.minutes_new_version(meeting=meeting, by=office)
    planning.meeting_update(
        meeting=Meeting.objects.get(pk=meeting.pk), by=office, decisions="Versi dua"
    )
    planning.minutes_approve(meeting=meeting, by=head)
    planning.programme_new_version(programme=programme, by=office)
    planning.programme_item_save(programme=programme, by=office, title="Versi dua")
    planning.programme_approve(programme=programme, by=head)

    # then: the second version supersedes the first, which stays readable
    for kind in ("needs_mapping", "minutes", "programme"):
        first, second = IssuedDocument.objects.filter(kind=kind).order_by("version")
        assert second.supersedes_id == first.pk
        assert not first.is_current and second.is_current
        detail = office_client.get(reverse("documents:issued_detail", args=[first.pk]))
        assert detail.status_code == 200
        for fmt in ("pdf", "docx"):
            url = reverse("documents:issued_file", args=[first.pk]) + f"?format={fmt}"
            assert office_client.get(url).status_code == 200
    minutes = IssuedDocument.objects.filter(kind="minutes").order_by("version")
    assert [m.snapshot["decisions"] for m in minutes] == ["Versi satu", "Versi dua"]
    programmes = IssuedDocument.objects.filter(kind="programme").order_by("version")
    assert [len(p.snapshot["items"]) for p in programmes] == [1, 2]


def test_the_workspace_ranks_proposals_by_a_hand_computed_weighted_score(
    users, units, types
):
    criteria = rubric()
    partner = PartnerFactory()
    head = login(users["head"])

    def submitted(title, unit, by):
        return proposals.proposal_create(
            by=users[by],
            title=title,
            document_type="mou",
            unit=unit,
            partner=partner,
            cooperation_types=[types["magang"]],
            fields={"education"},
            expected_benefit="Manfaat",
            planned_activities="Kegiatan",
            submit=True,
        )

    first = submitted("Usulan pertama", units["ja"], "unit_a")
    second = submitted("Usulan kedua", units["jb"], "unit_b")
    third = submitted("Usulan ketiga", units["ja1"], "unit_a")
    proposals.reviewers_set(
        proposal=first, by=users["head"], reviewers=[users["office"], users["leader"]]
    )
    proposals.reviewers_set(
        proposal=second, by=users["head"], reviewers=[users["office"]]
    )

    def score(proposal, reviewer, values):
        record = proposal.reviews.get(reviewer=users[reviewer])
        proposals.review_save(
            review=record,
            by=users[reviewer],
            scores={c.pk: v for c, v in zip(criteria, values, strict=True)},
        )

    # first: means 2, 3, 4.5, 5, 1, 2 -> 3*2+3*3+2*4.5+2*5+1*1+3*2 = 41 / 14
    #        = 2.928571 -> (2.928571 - 1) / 4 * 100 = 48.21
    score(first, "office", [1, 3, 4, 5, 1, 2])
    score(first, "leader", [3, 3, 5, 5, 1, 2])
    # second: 5 5 5 5 5 1 -> 15+15+10+10+5+3 = 58 / 14 = 4.142857 -> 78.57
    score(second, "office", [5, 5, 5, 5, 5, 1])
    # third: not scored yet, so it comes last

    ranked = head.get(reverse("planning:workspace", args=[YEAR])).context["proposals"]
    assert [(p.pk, p.score) for p in ranked.data] == [
        (second.pk, Decimal("78.57")),
        (first.pk, Decimal("48.21")),
        (third.pk, None),
    ]
    page = head.get(reverse("planning:workspace", args=[YEAR])).content.decode()
    assert (
        page.index("Usulan kedua")
        < page.index("Usulan pertama")
        < page.index("Usulan ketiga")
    )
