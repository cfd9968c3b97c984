"""Seeing the pipeline: each agreement's stage and timeline, the board, and
the dashboard's times to signature and stuck agreements."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from mitra.agreements import workflow
from mitra.agreements.models import EventKind, Stage, Status
from mitra.agreements.pipeline import board, pipeline_figures, stage_of, timeline
from mitra.core.clock import frozen
from tests.agreements.workflow_helpers import (
    generate,
    new_draft,
    ready_to_sign,
    review_approved,
    set_pattern,
    sign,
)
from tests.factories import AgreementFactory

D = datetime.date


def columns(user):
    return {stage.value: [item.pk for item in items] for stage, items in board(user)}


def test_an_agreement_moves_through_the_stages(users, units):
    set_pattern()
    draft = new_draft(users, units)
    assert stage_of(draft) == Stage.DRAFT

    generate(draft, users)
    workflow.review_start(
        agreement=draft, by=users["head"], reviewers=[(users["leader"], "leadership")]
    )
    assert stage_of(draft) == Stage.REVIEW

    assignment = draft.reviews.get().assignments.get()
    workflow.review_decide(
        assignment=assignment, by=users["leader"], decision="approved"
    )
    assert stage_of(draft) == Stage.NEGOTIATION

    workflow.final_lock(agreement=draft, by=users["office"])
    assert stage_of(draft) == Stage.READY

    sign(draft, users)
    assert stage_of(draft) == Stage.SIGNED


def test_an_agreement_recorded_by_hand_takes_its_stage_from_its_status(users):
    draft = AgreementFactory(status=Status.DRAFT, number=None)
    talking = AgreementFactory(status=Status.NEGOTIATION, number=None)
    old = AgreementFactory(status=Status.IN_RENEWAL)

    assert [stage_of(item) for item in (draft, talking, old)] == [
        Stage.DRAFT,
        Stage.NEGOTIATION,
        Stage.SIGNED,
    ]
    entries = timeline(draft)
    assert [entry.kind for entry in entries] == [EventKind.DRAFT_CREATED]


@override_settings(MITRA_SIGNED_RECENTLY_DAYS=30, MITRA_STUCK_DAYS=30)
def test_the_board_shows_each_stage_and_the_recent_signatures(users, units):
    set_pattern()
    with frozen(D(2025, 1, 2)):
        idle = new_draft(users, units, partner_name="PT Diam")
        workflow.record_event(idle, EventKind.DRAFT_CREATED, stage=Stage.DRAFT)
    with frozen(D(2025, 3, 1)):
        talking = new_draft(users, units, partner_name="PT Bicara")
        generate(talking, users)
        review_approved(talking, users)
        ready = ready_to_sign(new_draft(users, units, partner_name="PT Siap"), users)
        done = ready_to_sign(new_draft(users, units, partner_name="PT Baru"), users)
        sign(done, users, signed_on=D(2025, 3, 1))
    old = AgreementFactory(signed_on=D(2024, 1, 1))

    with frozen(D(2025, 3, 10)):
        shown = columns(users["office"])
        stuck = {
            item.pk
            for _stage, items in board(users["office"])
            for item in items
            if item.is_stuck
        }

    assert shown == {
        "draft": [idle.pk],
        "review": [],
        "negotiation": [talking.pk],
        "ready": [ready.pk],
        "signed": [done.pk],
    }
    assert old.pk not in stuck and stuck == {idle.pk}


def test_the_board_shows_only_what_the_viewer_may_see(client_for, users, units):
    mine = new_draft(users, units, partner_name="PT Milik A")
    theirs = AgreementFactory(status=Status.DRAFT, number=None, units=[units["jb"]])

    response = client_for(users["unit_a"]).get(reverse("agreements:pipeline"))

    shown = {item.pk for _stage, items in response.context["columns"] for item in items}
    assert mine.pk in shown and theirs.pk not in shown


def test_the_board_runs_a_fixed_number_of_queries(client_for, users, units):
    client = client_for(users["office"])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("agreements:pipeline"))
        assert response.status_code == 200
        return len(captured)

    AgreementFactory(status=Status.DRAFT, number=None, units=[units["ja"]])
    few = queries()
    for _index in range(6):
        AgreementFactory(status=Status.NEGOTIATION, number=None, units=[units["jb"]])
    assert queries() == few


def test_the_median_days_to_signature_count_from_the_draft(users, units):
    set_pattern()
    for opened, signed_on, name in (
        (D(2025, 1, 1), D(2025, 1, 11), "PT A"),
        (D(2025, 1, 1), D(2025, 1, 31), "PT B"),
        (D(2025, 1, 1), D(2025, 3, 2), "PT C"),
    ):
        with frozen(opened):
            agreement = new_draft(users, units, partner_name=name)
            workflow.record_event(agreement, EventKind.DRAFT_CREATED, stage=Stage.DRAFT)
            ready_to_sign(agreement, users)
        with frozen(signed_on):
            sign(agreement, users, signed_on=signed_on)

    figures = pipeline_figures(users["office"], today=D(2025, 4, 1))

    assert (figures["median_days"], figures["signed_count"]) == (30, 3)
    stages = {
        stage.value: (median, count) for stage, median, count in figures["stages"]
    }
    assert stages["draft"][1] == 3 and stages["ready"][1] == 3


def test_the_proposals_decision_starts_the_count_when_there_is_one(users, units):
    proposals = pytest.importorskip("mitra.proposals.models")
    if "proposals_proposal" not in connection.introspection.table_names():
        pytest.skip("the proposals app has no table yet")
    set_pattern()
    with frozen(D(2025, 1, 20)):
        agreement = ready_to_sign(new_draft(users, units), users)
    proposals.Proposal.objects.create(
        year=2025,
        title="Usulan",
        agreement=agreement,
        decided_at=timezone.make_aware(datetime.datetime(2025, 1, 10, 9)),
    )
    with frozen(D(2025, 2, 9)):
        sign(agreement, users, signed_on=D(2025, 2, 9))

    figures = pipeline_figures(users["office"], today=D(2025, 3, 1))

    assert figures["median_days"] == 30


@override_settings(MITRA_STUCK_DAYS=20)
def test_an_agreement_with_no_step_for_a_while_is_stuck(client_for, users, units):
    with frozen(D(2025, 1, 1)):
        quiet = new_draft(users, units, partner_name="PT Sepi")
        generate(quiet, users)
    with frozen(D(2025, 1, 15)):
        busy = new_draft(users, units, partner_name="PT Ramai")
        generate(busy, users)

    with frozen(D(2025, 1, 25)):
        figures = pipeline_figures(users["office"])
        page = client_for(users["office"]).get(reverse("reports:dashboard"))

    assert [item.pk for item in figures["stuck"]] == [quiet.pk]
    assert figures["stuck_count"] == 1 and figures["stuck"][0].idle_days == 24
    assert page.status_code == 200
    assert 'id="pipeline-stuck"' in page.content.decode()
    assert page.context["figures"]["pipeline"]["stuck_count"] == 1


def test_the_timeline_lists_every_step_with_its_date(users, units):
    with frozen(D(2025, 1, 6)):
        draft = new_draft(users, units)
        generate(draft, users)
    with frozen(D(2025, 1, 9)):
        review_approved(draft, users)

    entries = timeline(draft)

    assert [entry.kind for entry in entries] == [
        "draft_created",
        "version_added",
        "review_started",
        "review_decision",
        "review_approved",
    ]
    assert timezone.localdate(entries[-1].at) == D(2025, 1, 9)
