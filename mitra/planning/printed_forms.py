"""The printed forms of planning: the needs mapping, minutes, the programme.

* `needs_mapping` — the mapping of cooperation types against units' needs
  (*Pemetaan Jenis Kerjasama*), a record the procedure keeps;
* `minutes` — the minutes of a meeting (*Notulen Rapat*, form BO.29.3.1);
* `programme` — the annual cooperation programme (*Program Kerjasama*),
  with the year's targets and their progress.

Each is issued when approved (see `mitra.planning.services`); before that
the office can print a draft through the documents pages.
"""

from pathlib import Path

from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mitra.documents.registry import FormDefinition, Variable, register
from mitra.planning.print_layouts import (
    minutes_layout,
    needs_mapping_layout,
    programme_layout,
)

DEFAULTS = Path(__file__).resolve().parent / "defaults"

MONTHS = (
    _("January"),
    _("February"),
    _("March"),
    _("April"),
    _("May"),
    _("June"),
    _("July"),
    _("August"),
    _("September"),
    _("October"),
    _("November"),
    _("December"),
)


def _date(value):
    from mitra.documents.services import long_date

    return long_date(value)


def _rupiah(value):
    if value is None:
        return ""
    return "Rp " + number_format(value, 0, force_grouping=True)


def month_name(number):
    return str(MONTHS[number - 1]) if number and 1 <= number <= 12 else ""


def timeline_text(start, end):
    """Return the months as "March to June" with a dash (or one month, or "")."""
    if start and end and end != start:
        return f"{month_name(start)}\u2013{month_name(end)}"
    return month_name(start or end)


# --- Needs mapping ---------------------------------------------------------------

NEEDS_MAPPING_VARIABLES = (
    Variable.text("year", _("Year of the mapping")),
    Variable.text("instructions", _("Instructions given to units")),
    Variable.text("gap_date", _("Day agreements in force were looked at")),
    Variable.number("need_count", _("Number of needs stated")),
    Variable.number("gap_count", _("Number of needs with no agreement in force")),
    Variable.list(
        "units",
        _("Summary per unit"),
        [
            Variable.text("unit", _("Unit")),
            Variable.text("kind", _("Kind of unit")),
            Variable.number("needs", _("Needs")),
            Variable.number("gaps", _("Gaps")),
            Variable.text("high", _("Types needed most")),
        ],
    ),
    Variable.list(
        "needs",
        _("Needs stated, unit by unit"),
        [
            Variable.text("unit", _("Unit")),
            Variable.text("cooperation_type", _("Cooperation type")),
            Variable.text("level", _("Need")),
            Variable.text("partner_profile", _("Partner profile wanted")),
            Variable.text("notes", _("Notes")),
            Variable.text("coverage", _("Covered by an agreement in force")),
        ],
    ),
    Variable.list(
        "cooperation_types",
        _("Cooperation types mapped"),
        [
            Variable.text("name", _("Name")),
            Variable.text("fields", _("Tridharma fields")),
            Variable.number("needs", _("Units needing it")),
            Variable.number("gaps", _("Gaps")),
        ],
    ),
)


def needs_mapping_context(mapping, *, user):
    """Return the variables of the needs mapping (as `user` may see it)."""
    from mitra.planning.selectors import mapping_matrix

    matrix = mapping_matrix(mapping, user=user)
    needs, units = [], []
    for row in matrix.rows:
        stated = [cell for cell in row.cells if cell.is_needed]
        for cell in stated:
            needs.append(
                {
                    "unit": row.unit.name,
                    "cooperation_type": cell.cooperation_type.name,
                    "level": str(cell.get_level_display()),
                    "partner_profile": cell.partner_profile,
                    "notes": cell.notes,
                    "coverage": gettext("yes") if cell.is_covered else gettext("gap"),
                }
            )
        if stated:
            units.append(
                {
                    "unit": row.unit.name,
                    "kind": str(row.unit.get_kind_display()),
                    "needs": row.need_count,
                    "gaps": row.gap_count,
                    "high": ", ".join(
                        cell.cooperation_type.name
                        for cell in stated
                        if cell.level == "high"
                    ),
                }
            )
    types = []
    for index, kind in enumerate(matrix.types):
        count = sum(1 for row in matrix.rows if row.cells[index].is_needed)
        if count:
            types.append(
                {
                    "name": kind.name,
                    "fields": kind.fields_display(),
                    "needs": count,
                    "gaps": matrix.column_gaps[index],
                }
            )
    return {
        "year": str(mapping.year),
        "instructions": mapping.instructions,
        "gap_date": _date(matrix.on),
        "need_count": matrix.need_count,
        "gap_count": matrix.gap_count,
        "units": units,
        "needs": needs,
        "cooperation_types": types,
    }


# --- Minutes ----------------------------------------------------------------------

MINUTES_VARIABLES = (
    Variable.text("number", _("Number of the minutes")),
    Variable.text("title", _("Title of the meeting")),
    Variable.text("kind", _("Kind of meeting")),
    Variable.text("date", _("Date")),
    Variable.text("time", _("Time")),
    Variable.text("place", _("Place")),
    Variable.text("unit", _("Unit met")),
    Variable.text("partner", _("Partner met")),
    Variable.text("chair", _("Chaired by")),
    Variable.text("minute_taker", _("Minutes taken by")),
    Variable.text("agenda", _("Agenda")),
    Variable.text("discussion", _("Discussion")),
    Variable.text("decisions", _("Decisions")),
    Variable.text("approved_by", _("Approved by")),
    Variable.text("approved_on", _("Approved on")),
    Variable.number("attendee_count", _("Number present")),
    Variable.list(
        "attendees",
        _("Attendees"),
        [
            Variable.text("number", _("No.")),
            Variable.text("name", _("Name")),
            Variable.text("organisation", _("Organisation or unit")),
            Variable.text("position", _("Position")),
            Variable.text("presence", _("Present or absent")),
        ],
    ),
    Variable.list(
        "action_items",
        _("Actions agreed"),
        [
            Variable.text("number", _("No.")),
            Variable.text("description", _("Action")),
            Variable.text("owner", _("Owner")),
            Variable.text("due_date", _("Due date")),
            Variable.text("status", _("Status")),
        ],
    ),
    Variable.list(
        "proposals",
        _("Proposals raised in the meeting"),
        [
            Variable.text("number", _("Number")),
            Variable.text("title", _("Title")),
            Variable.text("proposer", _("Proposed by")),
        ],
    ),
)


def _time_text(meeting):
    if meeting.start_time and meeting.end_time:
        return f"{meeting.start_time:%H:%M}\u2013{meeting.end_time:%H:%M}"
    if meeting.start_time:
        return f"{meeting.start_time:%H:%M}"
    return ""


def meeting_proposals(meeting, user=None):
    """Return the proposals linked to `meeting` that `user` may see (all of
    them when `user` is None, for the issued minutes)."""
    from mitra.proposals.models import Proposal

    rows = Proposal.objects.all() if user is None else Proposal.objects.for_user(user)
    return list(
        rows.filter(meeting=meeting).select_related("unit", "partner").order_by("pk")
    )


def _proposer(proposal):
    unit = getattr(proposal, "unit", None)
    partner = getattr(proposal, "partner", None)
    if unit is not None:
        return unit.name
    if partner is not None:
        return partner.name
    return getattr(proposal, "partner_name", "") or ""


def minutes_context(meeting, *, user):
    """Return the variables of the minutes of `meeting` (form BO.29.3.1)."""
    from mitra.planning.models import Meeting

    meeting = Meeting.objects.select_related(
        "unit", "partner", "chair", "minute_taker", "approved_by"
    ).get(pk=meeting.pk)
    attendees = list(meeting.attendees.select_related("user").order_by("pk"))
    items = list(
        meeting.action_items.select_related("owner").order_by("due_date", "pk")
    )
    return {
        "number": meeting.number,
        "title": meeting.title,
        "kind": str(meeting.get_kind_display()),
        "date": _date(meeting.date),
        "time": _time_text(meeting),
        "place": meeting.place,
        "unit": meeting.unit.name if meeting.unit_id else "",
        "partner": meeting.partner.name if meeting.partner_id else "",
        "chair": str(meeting.chair or ""),
        "minute_taker": str(meeting.minute_taker or ""),
        "agenda": meeting.agenda,
        "discussion": meeting.discussion,
        "decisions": meeting.decisions,
        "approved_by": str(meeting.approved_by or "") if meeting.is_approved else "",
        "approved_on": (
            _date(meeting.approved_at.date()) if meeting.is_approved else ""
        ),
        "attendee_count": sum(1 for attendee in attendees if attendee.present),
        "attendees": [
            {
                "number": str(index),
                "name": attendee.display_name,
                "organisation": attendee.organisation,
                "position": attendee.position
                or (attendee.user.position if attendee.user_id else ""),
                "presence": gettext("present")
                if attendee.present
                else gettext("absent"),
            }
            for index, attendee in enumerate(attendees, start=1)
        ],
        "action_items": [
            {
                "number": str(index),
                "description": item.description,
                "owner": str(item.owner),
                "due_date": _date(item.due_date),
                "status": str(item.get_status_display()),
            }
            for index, item in enumerate(items, start=1)
        ],
        "proposals": [
            {
                "number": getattr(proposal, "number", "") or "",
                "title": proposal.title,
                "proposer": _proposer(proposal),
            }
            for proposal in meeting_proposals(meeting, user)
        ],
    }


# --- The annual programme -----------------------------------------------------------

PROGRAMME_VARIABLES = (
    Variable.text("year", _("Year of the programme")),
    Variable.text("introduction", _("Introduction")),
    Variable.text("approved_by", _("Approved by")),
    Variable.text("approved_on", _("Approved on")),
    Variable.text("total_budget", _("Total budget")),
    Variable.number("item_count", _("Number of initiatives")),
    Variable.list(
        "items",
        _("Planned initiatives"),
        [
            Variable.text("number", _("No.")),
            Variable.text("title", _("Initiative")),
            Variable.text("partner", _("Partner or partner wanted")),
            Variable.text("unit", _("Unit")),
            Variable.text("cooperation_types", _("Cooperation types")),
            Variable.text("timeline", _("Timeline")),
            Variable.text("budget", _("Budget")),
            Variable.text("funding_source", _("Funding source")),
            Variable.text("status", _("Status")),
        ],
    ),
    Variable.text("targets_status", _("Approval of the year's targets")),
    Variable.list(
        "targets",
        _("Targets of the year"),
        [
            Variable.text("number", _("No.")),
            Variable.text("target", _("Target")),
            Variable.number("count", _("Target count")),
            Variable.number("achieved", _("Achieved so far")),
        ],
    ),
)


def programme_context(programme, *, user):
    """Return the variables of the annual programme, with the year's targets."""
    from mitra.planning.models import AnnualProgramme
    from mitra.planning.selectors import target_progress, target_set

    programme = AnnualProgramme.objects.select_related("approved_by").get(
        pk=programme.pk
    )
    items = list(
        programme.items.select_related("partner", "unit").prefetch_related(
            "cooperation_types"
        )
    )
    total = sum((item.budget for item in items if item.budget is not None), start=0)
    approval = target_set(programme.year)
    if approval is None:
        targets_status = ""
    elif approval.is_approved:
        targets_status = gettext("approved on %(date)s") % {
            "date": _date(approval.approved_at.date())
        }
    else:
        targets_status = gettext("waiting for approval")
    return {
        "year": str(programme.year),
        "introduction": programme.introduction,
        "approved_by": str(programme.approved_by or "") if programme.is_issued else "",
        "approved_on": _date(programme.approved_on) if programme.is_issued else "",
        "total_budget": _rupiah(total) if any(i.budget for i in items) else "",
        "item_count": len(items),
        "items": [
            {
                "number": str(index),
                "title": item.title,
                "partner": item.partner.name
                if item.partner_id
                else item.partner_profile,
                "unit": item.unit.name if item.unit_id else "",
                "cooperation_types": ", ".join(
                    kind.name for kind in item.cooperation_types.all()
                ),
                "timeline": timeline_text(item.start_month, item.end_month),
                "budget": _rupiah(item.budget),
                "funding_source": item.funding_source,
                "status": str(item.get_status_display()),
            }
            for index, item in enumerate(items, start=1)
        ],
        "targets_status": targets_status,
        "targets": [
            {
                "number": str(index),
                "target": row.target.describe(),
                "count": row.count,
                "achieved": row.achieved,
            }
            for index, row in enumerate(target_progress(programme.year), start=1)
        ],
    }


NEEDS_MAPPING = register(
    FormDefinition(
        code="needs_mapping",
        title=_("Mapping of cooperation types against units' needs"),
        description=_(
            "Each unit's need for each cooperation type in a year, with the "
            "needs no agreement in force covers yet."
        ),
        source_model="planning.NeedsMapping",
        record_type="mapping",
        variables=NEEDS_MAPPING_VARIABLES,
        build=needs_mapping_context,
        default_template=DEFAULTS / "needs_mapping.docx",
        html_template="planning/print/needs_mapping.html",
        default_layout=needs_mapping_layout,
    )
)

MINUTES = register(
    FormDefinition(
        code="minutes",
        title=_("Minutes of meeting"),
        form_number="BO.29.3.1",
        description=_(
            "The minutes of a cooperation meeting: attendees, agenda, "
            "discussion, decisions and the actions agreed."
        ),
        source_model="planning.Meeting",
        record_type="minutes",
        variables=MINUTES_VARIABLES,
        build=minutes_context,
        default_template=DEFAULTS / "minutes.docx",
        html_template="planning/print/minutes.html",
        default_layout=minutes_layout,
    )
)

PROGRAMME = register(
    FormDefinition(
        code="programme",
        title=_("Annual cooperation programme"),
        description=_(
            "The initiatives planned for a year, with partners, units, "
            "timeline and budget, and the year's targets."
        ),
        source_model="planning.AnnualProgramme",
        record_type="programme",
        variables=PROGRAMME_VARIABLES,
        build=programme_context,
        default_template=DEFAULTS / "programme.docx",
        html_template="planning/print/programme.html",
        default_layout=programme_layout,
    )
)
