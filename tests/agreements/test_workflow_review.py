"""Internal review of a draft: reviewers named by the head, decisions step by
step, reviewers acting at once, and the daily reminders."""

import datetime
import threading

import pytest
from django.db import connection
from django.urls import reverse

from mitra.agreements import workflow
from mitra.agreements.jobs import review_reminders
from mitra.agreements.models import (
    Decision,
    ReviewAssignment,
    ReviewerCapacity,
    ReviewOutcome,
    Stage,
    Status,
)
from mitra.agreements.pipeline import stage_of
from mitra.core.clock import frozen
from mitra.core.models import Notification
from tests.agreements.workflow_helpers import generate, legal_user, new_draft

D = datetime.date


@pytest.fixture
def draft(users, units):
    agreement = new_draft(users, units)
    generate(agreement, users)
    return agreement


@pytest.fixture
def legal(db):
    return legal_user()


def start(draft, users, reviewers, in_turn=True):
    return workflow.review_start(
        agreement=draft, by=users["head"], reviewers=reviewers, in_turn=in_turn
    )


def decide_url(assignment):
    return reverse("agreements:review_decide", args=[assignment.pk])


def test_the_head_names_reviewers_who_act_in_turn(client_for, users, draft, legal):
    response = client_for(users["head"]).post(
        reverse("agreements:review_start", args=[draft.pk]),
        {"legal": [legal.pk], "leadership": [users["leader"].pk], "in_turn": "on"},
    )

    assert response.status_code == 302
    review = draft.reviews.get()
    steps = {a.reviewer: (a.capacity, a.step) for a in review.assignments.all()}
    assert steps == {
        legal: (ReviewerCapacity.LEGAL, 1),
        users["leader"]: (ReviewerCapacity.LEADERSHIP, 2),
    }
    assert stage_of(draft) == Stage.REVIEW
    assert Notification.objects.filter(recipient=legal).exists()
    assert not Notification.objects.filter(recipient=users["leader"]).exists()


def test_only_the_head_names_reviewers(client_for, users, draft, legal):
    response = client_for(users["office"]).post(
        reverse("agreements:review_start", args=[draft.pk]), {"legal": [legal.pk]}
    )

    assert response.status_code == 403
    assert not draft.reviews.exists()


def test_a_review_without_reviewers_is_refused_with_a_message(client_for, users, draft):
    response = client_for(users["head"]).post(
        reverse("agreements:review_start", args=[draft.pk]), {"in_turn": "on"}
    )

    assert response.status_code == 400
    assert response.context["review_form"].non_field_errors()


def test_a_reviewer_sees_a_draft_of_another_unit_they_review(
    client_for, users, draft, legal
):
    client = client_for(legal)
    assert (
        client.get(reverse("agreements:workflow", args=[draft.pk])).status_code == 404
    )

    start(draft, users, [(legal, ReviewerCapacity.LEGAL)])

    response = client.get(reverse("agreements:workflow", args=[draft.pk]))
    assert response.status_code == 200
    assert response.context["decision_form"] is not None


def test_requesting_changes_needs_a_comment(client_for, users, draft, legal):
    review = start(draft, users, [(legal, ReviewerCapacity.LEGAL)])

    response = client_for(legal).post(
        decide_url(review.assignments.get()), {"decision": "changes_requested"}
    )

    assert response.status_code == 400
    assert response.context["decision_form"].errors["comment"]
    review.refresh_from_db()
    assert review.outcome == ReviewOutcome.OPEN


def test_changes_requested_end_the_review_and_tell_the_office(
    client_for, users, draft, legal
):
    review = start(
        draft,
        users,
        [
            (legal, ReviewerCapacity.LEGAL),
            (users["leader"], ReviewerCapacity.LEADERSHIP),
        ],
    )

    client_for(legal).post(
        decide_url(review.assignments.get(reviewer=legal)),
        {"decision": "changes_requested", "comment": "Pasal 3 kurang jelas."},
    )

    review.refresh_from_db()
    assert review.outcome == ReviewOutcome.CHANGES_REQUESTED
    skipped = review.assignments.get(reviewer=users["leader"])
    assert skipped.decision == Decision.SKIPPED
    assert stage_of(draft) == Stage.DRAFT
    assert Notification.objects.filter(
        recipient=users["head"], title__icontains=draft.partner.name
    ).exists()
    event = draft.events.get(kind="review_decision")
    assert "Pasal 3 kurang jelas." in event.text and event.actor == legal


def test_approval_of_every_step_sends_the_draft_to_negotiation(users, draft, legal):
    review = start(
        draft,
        users,
        [
            (legal, ReviewerCapacity.LEGAL),
            (users["leader"], ReviewerCapacity.LEADERSHIP),
        ],
    )

    for reviewer in (legal, users["leader"]):
        workflow.review_decide(
            assignment=review.assignments.get(reviewer=reviewer),
            by=reviewer,
            decision=Decision.APPROVED,
        )

    review.refresh_from_db()
    draft.refresh_from_db()
    assert review.outcome == ReviewOutcome.APPROVED
    assert draft.status == Status.NEGOTIATION
    assert stage_of(draft) == Stage.NEGOTIATION


def test_a_rejection_ends_the_review(users, draft, legal):
    review = start(draft, users, [(legal, ReviewerCapacity.LEGAL)])

    workflow.review_decide(
        assignment=review.assignments.get(),
        by=legal,
        decision=Decision.REJECTED,
        comment="Mitra tidak sesuai.",
    )

    review.refresh_from_db()
    assert review.outcome == ReviewOutcome.REJECTED
    assert draft.events.filter(kind="review_rejected").exists()


def test_a_later_step_waits_for_its_turn(client_for, users, draft, legal):
    review = start(
        draft,
        users,
        [
            (legal, ReviewerCapacity.LEGAL),
            (users["leader"], ReviewerCapacity.LEADERSHIP),
        ],
    )
    later = review.assignments.get(reviewer=users["leader"])

    response = client_for(users["leader"]).post(
        decide_url(later), {"decision": "approved"}, follow=True
    )

    later.refresh_from_db()
    assert later.decision == Decision.PENDING
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["warning"]
    with pytest.raises(workflow.ReviewMovedOn):
        workflow.review_decide(
            assignment=later, by=users["leader"], decision=Decision.APPROVED
        )


def test_a_reviewer_acting_after_the_step_moved_on_gets_a_clear_message(
    client_for, users, draft, legal
):
    # given two reviewers of one step, both with the page open
    review = start(
        draft,
        users,
        [(legal, ReviewerCapacity.LEGAL), (users["leader"], ReviewerCapacity.LEGAL)],
    )
    late = review.assignments.get(reviewer=users["leader"])

    # when the first requests changes, then the second approves
    workflow.review_decide(
        assignment=review.assignments.get(reviewer=legal),
        by=legal,
        decision=Decision.CHANGES_REQUESTED,
        comment="Ganti judul.",
    )
    response = client_for(users["leader"]).post(
        decide_url(late), {"decision": "approved"}, follow=True
    )

    # then the second is told who ended the review, and nothing of theirs is kept
    assert response.status_code == 200
    text = " ".join(str(message) for message in response.context["messages"])
    assert str(legal) in text
    late.refresh_from_db()
    assert late.decision == Decision.SKIPPED and late.comment == ""


def test_a_second_click_on_the_same_decision_changes_nothing(users, draft, legal):
    review = start(
        draft,
        users,
        [(legal, ReviewerCapacity.LEGAL), (users["leader"], ReviewerCapacity.LEGAL)],
    )
    mine = review.assignments.get(reviewer=legal)
    workflow.review_decide(assignment=mine, by=legal, decision=Decision.APPROVED)

    with pytest.raises(workflow.ReviewMovedOn):
        workflow.review_decide(
            assignment=mine,
            by=legal,
            decision=Decision.REJECTED,
            comment="Berubah pikiran.",
        )

    mine.refresh_from_db()
    assert mine.decision == Decision.APPROVED


def test_only_the_reviewer_decides_their_step(client_for, users, draft, legal):
    review = start(draft, users, [(legal, ReviewerCapacity.LEGAL)])

    response = client_for(users["head"]).post(
        decide_url(review.assignments.get()), {"decision": "approved"}
    )

    assert response.status_code == 403


def test_a_draft_in_review_takes_no_new_version(client_for, users, draft, legal):
    start(draft, users, [(legal, ReviewerCapacity.LEGAL)])

    response = client_for(users["office"]).post(
        reverse("agreements:draft_generate", args=[draft.pk]), {}, follow=True
    )

    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert draft.versions.count() == 1


def test_the_head_withdraws_an_open_review(client_for, users, draft, legal):
    review = start(draft, users, [(legal, ReviewerCapacity.LEGAL)])

    client_for(users["head"]).post(
        reverse("agreements:review_withdraw", args=[review.pk])
    )

    review.refresh_from_db()
    assert review.outcome == ReviewOutcome.WITHDRAWN
    assert review.assignments.get().decision == Decision.SKIPPED


# --- Reminders ---------------------------------------------------------------------


def test_a_waiting_reviewer_is_reminded_every_few_days_once(users, draft, legal):
    with frozen(D(2025, 2, 3)):
        start(draft, users, [(legal, ReviewerCapacity.LEGAL)])

    def reminders():
        return Notification.objects.filter(
            recipient=legal, dedupe_key__startswith="agreements.review_reminder:"
        ).count()

    assert review_reminders(D(2025, 2, 5)) == {"due": 0, "notifications": 0}
    assert review_reminders(D(2025, 2, 6))["notifications"] == 1
    assert review_reminders(D(2025, 2, 6))["notifications"] == 0
    assert review_reminders(D(2025, 2, 8))["notifications"] == 0
    assert review_reminders(D(2025, 2, 9))["notifications"] == 1
    assert reminders() == 2


def test_a_reviewer_whose_turn_has_not_come_is_not_reminded(users, draft, legal):
    with frozen(D(2025, 2, 3)):
        start(
            draft,
            users,
            [
                (legal, ReviewerCapacity.LEGAL),
                (users["leader"], ReviewerCapacity.LEADERSHIP),
            ],
        )

    review_reminders(D(2025, 2, 20))

    assert Notification.objects.filter(
        recipient=legal, dedupe_key__startswith="agreements.review_reminder:"
    ).exists()
    assert not Notification.objects.filter(
        recipient=users["leader"], dedupe_key__startswith="agreements.review_reminder:"
    ).exists()


# --- Two reviewers at the same moment (PostgreSQL) ----------------------------------


def _at_once(calls):
    """Run each call on its own connection at the same moment; return the
    errors raised, by call index."""
    barrier = threading.Barrier(len(calls))
    errors = {}

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            call()
        except Exception as error:  # reported to the test
            errors[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, call))
        for index, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_requesting_changes_at_once_leave_one_decision(users, units):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has no row locks")

    # given two reviewers of the same step
    draft = new_draft(users, units)
    generate(draft, users)
    legal = legal_user()
    review = start(
        draft,
        users,
        [(legal, ReviewerCapacity.LEGAL), (users["leader"], ReviewerCapacity.LEGAL)],
    )
    mine = {a.reviewer_id: a for a in review.assignments.all()}

    # when both request changes at the same moment
    errors = _at_once(
        [
            lambda reviewer=reviewer: workflow.review_decide(
                assignment=mine[reviewer.pk],
                by=reviewer,
                decision=Decision.CHANGES_REQUESTED,
                comment=f"Catatan {reviewer.username}",
            )
            for reviewer in (legal, users["leader"])
        ]
    )

    # then one decision stands, the other is told the review moved on
    assert len(errors) == 1
    (error,) = errors.values()
    assert isinstance(error, workflow.ReviewMovedOn)
    review.refresh_from_db()
    assert review.outcome == ReviewOutcome.CHANGES_REQUESTED
    decided = ReviewAssignment.objects.filter(
        review=review, decision=Decision.CHANGES_REQUESTED
    )
    assert decided.count() == 1
    assert ReviewAssignment.objects.filter(review=review, comment="").count() == 1
    assert draft.events.filter(kind="review_changes").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_last_approvals_at_once_approve_the_review_once(users, units):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has no row locks")

    draft = new_draft(users, units)
    generate(draft, users)
    legal = legal_user()
    review = start(
        draft,
        users,
        [(legal, ReviewerCapacity.LEGAL), (users["leader"], ReviewerCapacity.LEGAL)],
    )
    mine = {a.reviewer_id: a for a in review.assignments.all()}

    errors = _at_once(
        [
            lambda reviewer=reviewer: workflow.review_decide(
                assignment=mine[reviewer.pk], by=reviewer, decision=Decision.APPROVED
            )
            for reviewer in (legal, users["leader"])
        ]
    )

    assert errors == {}
    review.refresh_from_db()
    draft.refresh_from_db()
    assert review.outcome == ReviewOutcome.APPROVED
    assert draft.status == Status.NEGOTIATION
    assert draft.events.filter(kind="review_approved").count() == 1
