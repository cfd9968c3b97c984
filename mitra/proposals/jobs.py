"""The proposals app's part of the daily job.

* `proposals.call_reminders`: at each lead time before a call's deadline
  (`MITRA_CALL_REMINDER_DAYS`, by default 7 and 1 days), the staff of every
  invited unit that has neither proposed nor said it has nothing to propose
  are reminded, once per lead.
* `proposals.stale`: a proposal waiting for the institution (submitted,
  under analysis) or for its proposer (revision requested) with nothing
  done for `MITRA_PROPOSAL_STALE_DAYS` days (default 14) is escalated to the
  head, once per such period. Nothing is ever rejected by the job.
"""

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from mitra.core import clock
from mitra.core.daily import dedupe_key, latest_due_lead, register
from mitra.core.models import Role, User
from mitra.core.units import descendant_ids
from mitra.proposals.models import (
    AWAITING_OFFICE,
    CallForProposals,
    EventKind,
    Proposal,
    ProposalEvent,
    Status,
)
from mitra.proposals.selectors import call_answers
from mitra.proposals.services import institution_language, notify_each


@register("proposals.call_reminders", order=20)
def call_reminders(as_of):
    """Remind silent invited units of a call's coming deadline."""
    leads = settings.MITRA_CALL_REMINDER_DAYS
    if not leads:
        return {"calls": 0, "units": 0, "notifications": 0}
    calls = CallForProposals.objects.filter(deadline__gte=as_of).prefetch_related(
        "units", "declines"
    )
    due_calls = reminded_units = notifications = 0
    for call in calls:
        lead = latest_due_lead(call.deadline, as_of, leads)
        if lead is None:
            continue
        due_calls += 1
        for answer in call_answers(call):
            if answer.answered:
                continue
            people = User.objects.filter(
                is_active=True, units__in=descendant_ids([answer.unit.pk])
            ).distinct()
            reminded_units += 1
            notifications += notify_each(
                people,
                lambda call=call, unit=answer.unit: _reminder(call, unit, as_of),
                subject=call,
                dedupe_key=dedupe_key("proposals.call", call.pk, answer.unit.pk, lead),
                immediate=False,
            )
    return {"calls": due_calls, "units": reminded_units, "notifications": notifications}


def _reminder(call, unit, as_of):
    days = (call.deadline - as_of).days
    values = {
        "title": call.title,
        "unit": unit.name,
        "days": days,
        "date": date_format(call.deadline, "DATE_FORMAT"),
    }
    if days == 0:
        title = gettext("Call for proposals %(title)s closes today") % values
    else:
        title = (
            ngettext(
                "Call for proposals %(title)s closes in %(days)s day",
                "Call for proposals %(title)s closes in %(days)s days",
                days,
            )
            % values
        )
    body = "\n".join(
        [
            gettext("%(unit)s has not answered the call yet (deadline %(date)s).")
            % values,
            "",
            gettext(
                "Submit a proposal, or say on the call's page that the unit has "
                "nothing to propose this time."
            ),
        ]
    )
    return title, body


#: Statuses in which a proposal waits on someone and can go stale.
WAITING = (*AWAITING_OFFICE, Status.REVISION_REQUESTED)


@register("proposals.stale", order=21)
def stale_proposals(as_of):
    """Escalate proposals left without action to the head."""
    days = settings.MITRA_PROPOSAL_STALE_DAYS
    heads = list(User.objects.filter(is_active=True, role=Role.HEAD))
    stale = escalations = 0
    proposals = Proposal.objects.filter(status__in=WAITING).select_related("unit")
    for proposal in proposals.order_by("pk"):
        idle = proposal.idle_days(as_of)
        if idle < days:
            continue
        stale += 1
        since = timezone.localdate(
            proposal.last_activity_at or proposal.submitted_at or proposal.created_at
        )
        period = idle // days
        key = dedupe_key("proposals.stale", proposal.pk, since.isoformat(), period)
        told = notify_each(
            heads,
            lambda proposal=proposal, idle=idle: _escalation(proposal, idle),
            subject=proposal,
            dedupe_key=key,
            immediate=False,
        )
        if told:
            escalations += 1
            with institution_language():
                ProposalEvent.objects.create(
                    proposal=proposal,
                    kind=EventKind.ESCALATED,
                    at=clock.now(),
                    actor_name=gettext("Daily job"),
                    comment=gettext("No action for %(days)s days: the head was told.")
                    % {"days": idle},
                )
    return {"stale": stale, "escalated": escalations}


def _escalation(proposal, idle):
    values = {
        "label": proposal.label,
        "title": proposal.title,
        "days": idle,
        "status": proposal.get_status_display(),
    }
    title = (
        ngettext(
            "Proposal %(label)s has waited %(days)s day",
            "Proposal %(label)s has waited %(days)s days",
            idle,
        )
        % values
    )
    if proposal.status == Status.REVISION_REQUESTED:
        waiting = gettext("It waits for its proposer's revision.")
    else:
        waiting = gettext("It waits for the cooperation office's analysis or decision.")
    body = "\n".join(
        [
            gettext("Proposal: %(title)s") % values,
            gettext("Status: %(status)s") % values,
            "",
            waiting,
            gettext(
                "Nothing is decided automatically: assign reviewers, ask for a "
                "revision or decide."
            ),
        ]
    )
    return title, body
