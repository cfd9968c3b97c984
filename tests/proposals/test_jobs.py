"""The daily escalation of proposals left without action."""

import datetime

from django.test import override_settings

from mitra.core.models import Notification
from mitra.proposals import services
from mitra.proposals.jobs import stale_proposals
from mitra.proposals.models import EventKind, Proposal, Status
from tests.proposals.conftest import TODAY


def escalations(user):
    return Notification.objects.filter(
        recipient=user, dedupe_key__startswith="proposals.stale"
    ).count()


def test_a_proposal_waiting_too_long_is_escalated_to_the_head_once(
    make_proposal, users
):
    proposal = make_proposal()
    day = TODAY + datetime.timedelta(days=14)

    first = stale_proposals(day)
    again = stale_proposals(day)

    assert first == {"stale": 1, "escalated": 1}
    assert again == {"stale": 1, "escalated": 0}
    assert escalations(users["head"]) == 1
    assert escalations(users["office"]) == 0
    assert proposal.events.filter(kind=EventKind.ESCALATED).count() == 1
    assert Proposal.objects.get(pk=proposal.pk).status == Status.SUBMITTED


def test_it_is_escalated_again_each_further_period_never_rejected(make_proposal, users):
    make_proposal()

    for days in (14, 20, 28, 29):
        stale_proposals(TODAY + datetime.timedelta(days=days))

    assert escalations(users["head"]) == 2  # at 14 and at 28 days
    assert Proposal.objects.get().status == Status.SUBMITTED


def test_an_action_restarts_the_count(make_proposal, users):
    proposal = make_proposal()
    stale_proposals(TODAY + datetime.timedelta(days=14))

    from mitra.core import clock

    with clock.frozen(TODAY + datetime.timedelta(days=15)):
        services.proposal_start_analysis(proposal=proposal, by=users["office"])

    assert stale_proposals(TODAY + datetime.timedelta(days=20))["stale"] == 0
    assert stale_proposals(TODAY + datetime.timedelta(days=29))["escalated"] == 1


@override_settings(MITRA_PROPOSAL_STALE_DAYS=3)
def test_the_period_is_a_setting(make_proposal):
    make_proposal()

    assert stale_proposals(TODAY + datetime.timedelta(days=2))["stale"] == 0
    assert stale_proposals(TODAY + datetime.timedelta(days=3))["stale"] == 1


def test_drafts_and_decided_proposals_are_left_alone(make_proposal, users):
    make_proposal(submit=False)
    decided = make_proposal()
    services.proposal_decide(
        proposal=decided, by=users["head"], approve=False, comment="Tidak."
    )

    assert stale_proposals(TODAY + datetime.timedelta(days=60))["stale"] == 0
