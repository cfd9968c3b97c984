"""Reads of proposals and calls that other pages and apps rely on.

`ranked_proposals` and `call_answers` are the interface the planning app's
identification workspace uses; `partner_history` and `planning_context`
gather what the analysis page shows beside the scores, from other apps that
may not be installed yet (they then say "not yet available").
"""

import logging
from dataclasses import dataclass, field

from django.db.models import F, Prefetch

from mitra.core.clock import today
from mitra.core.units import descendant_ids
from mitra.proposals.models import (
    CallDecline,
    CallForProposals,
    Proposal,
    Status,
)

logger = logging.getLogger(__name__)


def ranked_proposals(*, year, user):
    """Return the proposals of `year` handed in that `user` may see, best
    weighted score first (unscored last, then by submission).

    Drafts and withdrawn proposals are left out; decided ones stay, so the
    ranking shows the whole year. A queryset, with unit, partner and call
    fetched along.
    """
    return (
        Proposal.objects.for_user(user)
        .incoming()
        .filter(year=year)
        .select_related("unit", "partner", "call")
        .prefetch_related("cooperation_types")
        .order_by(F("score").desc(nulls_last=True), "submitted_at", "pk")
    )


@dataclass
class CallAnswer:
    """One invited unit's answer to a call.

    `proposals` are the unit's proposals handed in for the call (its own and
    those of the units below it); `decline` is set when the unit said it has
    nothing to propose; `drafts` counts proposals still being written.
    """

    unit: object
    proposals: list = field(default_factory=list)
    drafts: int = 0
    decline: CallDecline | None = None

    @property
    def answered(self):
        return bool(self.proposals) or self.decline is not None


def call_answers(call):
    """Return a `CallAnswer` per invited unit of `call`, by unit code.

    Runs a fixed number of queries whatever the number of units.
    """
    units = list(call.units.order_by("code"))
    below = {unit.pk: descendant_ids([unit.pk]) for unit in units}
    proposals = list(
        Proposal.objects.filter(call=call)
        .exclude(status=Status.WITHDRAWN)
        .select_related("unit")
        .order_by("submitted_at", "pk")
    )
    declines = {decline.unit_id: decline for decline in call.declines.all()}
    answers = []
    for unit in units:
        mine = [p for p in proposals if p.unit_id in below[unit.pk]]
        answers.append(
            CallAnswer(
                unit=unit,
                proposals=[p for p in mine if p.status != Status.DRAFT],
                drafts=sum(p.status == Status.DRAFT for p in mine),
                decline=declines.get(unit.pk),
            )
        )
    return answers


def open_calls(on=None):
    """Calls still taking proposals on `on` (default today), soonest first."""
    on = on or today()
    return (
        CallForProposals.objects.filter(deadline__gte=on)
        .prefetch_related("units")
        .order_by("deadline", "pk")
    )


def calls_for_unit_ids(unit_ids, on=None):
    """Open calls inviting one of `unit_ids` or a unit above one of them."""
    from mitra.core.models import Unit

    ancestors = set()
    for unit in Unit.objects.filter(pk__in=list(unit_ids)).select_related("parent"):
        current = unit
        while current is not None and current.pk not in ancestors:
            ancestors.add(current.pk)
            current = current.parent
    return open_calls(on).filter(units__in=ancestors).distinct()


def proposal_detail_queryset():
    """A proposal with everything its page shows, in a fixed number of
    queries."""
    from mitra.proposals.models import ProposalEvent

    return Proposal.objects.select_related(
        "unit",
        "partner__kind",
        "partner_kind",
        "call",
        "meeting",
        "agreement",
        "created_by",
        "decided_by",
    ).prefetch_related(
        "cooperation_types",
        "attachments",
        Prefetch(
            "events",
            queryset=ProposalEvent.objects.select_related("actor").order_by("at", "pk"),
        ),
        "reviews__reviewer",
    )


# --- Beside the scores -------------------------------------------------------------


@dataclass
class PartnerHistory:
    partner: object
    agreements: list
    satisfaction: object = None
    satisfaction_available: bool = True
    duplicates: list = field(default_factory=list)


def partner_history(proposal, user):
    """Return what is known of the proposal's partner: the agreements the
    viewer may see, the last satisfaction index, and likely duplicates (for a
    new partner: registered partners with a similar name)."""
    from mitra.agreements.models import Agreement
    from mitra.partners.services import (
        duplicate_suggestions,
        name_owner,
        name_suggestions,
    )

    partner = proposal.partner
    if partner is None and proposal.partner_name:
        partner_match = name_owner(proposal.partner_name)
    else:
        partner_match = None
    known = partner or partner_match
    agreements = []
    if known is not None:
        agreements = list(
            Agreement.objects.for_user(user)
            .filter(partner=known)
            .with_validity(today())
            .order_by("-start_date", "-pk")[:20]
        )

    history = PartnerHistory(partner=known, agreements=agreements)
    if known is not None:
        history.satisfaction, history.satisfaction_available = _satisfaction(known)
        history.duplicates = [
            pair.second if pair.first.pk == known.pk else pair.first
            for pair in duplicate_suggestions(partner=known, limit=5)
        ]
    elif proposal.partner_name:
        history.duplicates = [
            found for found, _match in name_suggestions(name=proposal.partner_name)
        ]
    return history


def _satisfaction(partner):
    """Return (index or None, whether the surveys app can tell)."""
    try:
        from mitra.surveys.selectors import partner_satisfaction
    except ImportError:
        return None, False
    try:
        return partner_satisfaction(partner), True
    except Exception:  # another app's failure must not break this page
        logger.exception("partner_satisfaction failed for partner %s", partner.pk)
        return None, False


@dataclass
class PlanningContext:
    cells: list = field(default_factory=list)
    targets: list = field(default_factory=list)
    available: bool = True


def planning_context(proposal):
    """Return the needs-mapping cells and the targets matching the proposal
    (its unit, its cooperation types, its year), from the planning app."""
    try:
        from mitra.planning.selectors import mapping_cells_for, targets_for
    except ImportError:
        return PlanningContext(available=False)
    try:
        cells = mapping_cells_for(
            unit=proposal.unit,
            cooperation_types=list(proposal.cooperation_types.all()),
            year=proposal.year,
        )
        targets = targets_for(unit=proposal.unit, year=proposal.year)
    except Exception:  # another app's failure must not break this page
        logger.exception("Planning selectors failed for proposal %s", proposal.pk)
        return PlanningContext(available=False)
    return PlanningContext(
        cells=list(cells or []), targets=list(targets or []), available=True
    )
