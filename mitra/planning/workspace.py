"""The identification workspace: everything the head identifies cooperation from.

The procedure has the head of the cooperation office identify cooperation
to start from four inputs — the needs mapping, the year's targets, the last
partner satisfaction survey and the last evaluation report — and from
proposals asked of units and raised in meetings. `workspace(year, user=…)`
gathers them for one page, in a fixed number of queries.

The survey, the evaluation report and proposals belong to other apps; each
is read through its published function, imported only when needed, and an
input that does not exist yet (the app is not there, or the function
returns None) is shown as "not yet available" with a link to where it will
come from.
"""

import logging
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse

from mitra.core.clock import today
from mitra.core.daily import is_overdue
from mitra.planning.models import ActionItem, ActionStatus, Meeting, NeedsMapping
from mitra.planning.selectors import (
    LEVEL_RANK,
    mapping_matrix,
    target_progress,
    target_set,
)

logger = logging.getLogger(__name__)

#: How many gaps, meetings and action items the page lists before "more".
LIST_LIMIT = 10


@dataclass
class Input:
    """One input of the workspace: its data, or why it is not available."""

    available: bool
    data: object = None
    link: str = ""
    extra: dict = field(default_factory=dict)


def url_or_empty(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _optional(module, name):
    """Return `module.name` if it exists yet, else None."""
    try:
        imported = __import__(module, fromlist=[name])
    except ImportError:
        return None
    return getattr(imported, name, None)


def survey_input(year):
    """The last closed survey round of `year` (index, grade, weakest items)."""
    summary_of = _optional("mitra.surveys.selectors", "survey_summary")
    link = url_or_empty("surveys:list") or url_or_empty("surveys:index")
    summary = summary_of(year) if summary_of is not None else None
    return Input(available=summary is not None, data=summary, link=link)


def evaluation_input(year):
    """The follow-up plan written in `year`'s evaluation report."""
    follow_up_plan = _optional("mitra.reports.evaluation", "follow_up_plan")
    link = url_or_empty("reports:evaluation_list") or url_or_empty("reports:dashboard")
    plan = follow_up_plan(year) if follow_up_plan is not None else None
    return Input(available=plan is not None, data=plan, link=link)


def calls_input(year, user):
    """The calls for proposals of `year` still open, each with its answers."""
    call_model = _optional("mitra.proposals.models", "CallForProposals")
    call_answers = _optional("mitra.proposals.selectors", "call_answers")
    link = url_or_empty("proposals:call_list")
    if call_model is None or call_answers is None:
        return Input(available=False, link=link)
    calls = (
        call_model.objects.for_user(user)
        .filter(year=year, deadline__gte=today())
        .order_by("deadline", "pk")
    )
    rows = []
    for call in calls:
        answers = call_answers(call)
        rows.append(
            {
                "call": call,
                "answers": answers,
                "answered": sum(1 for answer in answers if answer.answered),
            }
        )
    return Input(available=True, data=rows, link=link)


def proposals_input(year, user):
    """Proposals of `year` ranked by their weighted score, best first."""
    ranked_proposals = _optional("mitra.proposals.selectors", "ranked_proposals")
    link = url_or_empty("proposals:list")
    if ranked_proposals is None:
        return Input(available=False, link=link)
    return Input(
        available=True, data=list(ranked_proposals(year=year, user=user)), link=link
    )


def mapping_input(year, user):
    mapping = NeedsMapping.objects.for_user(user).filter(year=year).first()
    link = url_or_empty("planning:mapping_list")
    if mapping is None:
        return Input(available=False, link=link)
    matrix = mapping_matrix(mapping, user=user)
    gaps = sorted(
        matrix.gaps(),
        key=lambda cell: (-_rank(cell.level), cell.unit.code, cell.cooperation_type.pk),
    )
    return Input(
        available=True,
        data=matrix,
        link=mapping.get_absolute_url(),
        extra={"gaps": gaps[:LIST_LIMIT], "more_gaps": max(len(gaps) - LIST_LIMIT, 0)},
    )


def _rank(level):
    return LEVEL_RANK.get(level, 0)


def targets_input(year):
    approval = target_set(year)
    progress = target_progress(year)
    return Input(
        available=bool(progress),
        data=progress,
        link=url_or_empty("planning:targets", year),
        extra={"approval": approval},
    )


def meetings_input(user, on):
    meetings = list(
        Meeting.objects.for_user(user)
        .filter(date__gte=on)
        .select_related("unit", "partner")
        .order_by("date", "start_time", "pk")[:LIST_LIMIT]
    )
    items = list(
        ActionItem.objects.for_user(user)
        .filter(status=ActionStatus.OPEN)
        .select_related("owner", "meeting")
        .order_by("due_date", "pk")[:LIST_LIMIT]
    )
    for item in items:
        item.overdue = is_overdue(item.due_date, on)
    return meetings, items


def workspace(year, *, user):
    """Return the context of the identification workspace of `year`."""
    on = today()
    meetings, action_items = meetings_input(user, on)
    return {
        "year": year,
        "on": on,
        "mapping": mapping_input(year, user),
        "targets": targets_input(year),
        "survey": survey_input(year - 1),
        "evaluation": evaluation_input(year - 1),
        "calls": calls_input(year, user),
        "proposals": proposals_input(year, user),
        "meetings": meetings,
        "action_items": action_items,
    }
