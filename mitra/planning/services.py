"""Every change to the planning records.

Functions take keyword arguments only, run in one transaction each and raise
`ValidationError` (with a message per field where there is a field to blame)
when a rule is broken; nothing is stored then. `by` is the user acting.

A needs mapping, the minutes of a meeting and an annual programme are
*issued*: the head's approval (or the office's issue, for the mapping)
freezes the current content as an issued document (`mitra.documents`),
and the record is locked. Changing it afterwards means starting a new
version (`…_new_version`), which is issued again and supersedes the first;
the issued versions stay readable. Progress that is not part of the plan —
an action item done, an initiative under way — can still be recorded on a
locked record.
"""

import logging

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from mitra.core import clock
from mitra.core.models import Role, User
from mitra.planning.models import (
    ActionItem,
    ActionStatus,
    AnnualProgramme,
    AnnualTarget,
    AnnualTargetSet,
    ApprovalStatus,
    CooperationType,
    IssueStatus,
    ItemStatus,
    Meeting,
    MeetingAttendee,
    MeetingKind,
    MinutesStatus,
    MultiYearPlan,
    NeedCell,
    NeedLevel,
    NeedsMapping,
    ProgrammeItem,
    validate_plan_file,
)

logger = logging.getLogger(__name__)

#: The numbering kind of approved minutes (numbered when a pattern is set).
MINUTES_NUMBER_KIND = "planning.minutes"

FIRST_YEAR, LAST_YEAR = 2000, 2100


class _Errors:
    """Collect messages per field, then raise them together."""

    def __init__(self):
        self.messages = {}

    def add(self, name, message):
        self.messages.setdefault(name or NON_FIELD_ERRORS, []).append(message)

    def raise_any(self):
        if self.messages:
            raise ValidationError(self.messages)


def _locked(instance):
    """Return `instance` read again under a row lock (for state checks)."""
    return type(instance)._base_manager.select_for_update().get(pk=instance.pk)


def _check_year(year, name="year"):
    if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(
            {
                name: [
                    _("Give a year between %(first)s and %(last)s.")
                    % {"first": FIRST_YEAR, "last": LAST_YEAR}
                ]
            }
        )


def _save(instance, by, reason=""):
    instance._history_user = by
    if reason:
        instance._change_reason = reason
    instance.full_clean(validate_unique=False, validate_constraints=False)
    instance.save()
    return instance


def _clean_text(value, length=None):
    text = (value or "").strip()
    return text[:length] if length else text


# --- Cooperation types --------------------------------------------------------

TYPE_FIELDS = ("name", "name_en", "description", "is_active", "ordering")


def _unique_code(name, exclude=None):
    base = slugify(name)[:50] or "type"
    code, number = base, 2
    taken = CooperationType.objects.exclude(pk=getattr(exclude, "pk", None))
    while taken.filter(code=code).exists():
        code = f"{base}-{number}"
        number += 1
    return code


@transaction.atomic
def cooperation_type_create(*, by, name, fields=(), **values):
    """Add a cooperation type to the catalogue; its code is made from the name."""
    unknown = set(values) - set(TYPE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": [_("Give the cooperation type a name.")]})
    _check_type_name(name)
    kind = CooperationType(name=name, code=_unique_code(name), **values)
    if "ordering" not in values:
        last = CooperationType.objects.aggregate(last=Max("ordering"))["last"]
        kind.ordering = (last or 0) + 1
    kind.fields = fields
    return _save(kind, by)


def _check_type_name(name, exclude=None):
    twins = CooperationType.objects.filter(name__iexact=name)
    if exclude is not None:
        twins = twins.exclude(pk=exclude.pk)
    if twins.exists():
        raise ValidationError(
            {"name": [_("A cooperation type with this name already exists.")]}
        )


@transaction.atomic
def cooperation_type_update(*, cooperation_type, by, fields=None, **values):
    """Change a cooperation type (deactivate it rather than delete it)."""
    unknown = set(values) - set(TYPE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    if "name" in values:
        values["name"] = " ".join((values["name"] or "").split())
        if not values["name"]:
            raise ValidationError({"name": [_("Give the cooperation type a name.")]})
        _check_type_name(values["name"], exclude=cooperation_type)
    for name, value in values.items():
        setattr(cooperation_type, name, value)
    if fields is not None:
        cooperation_type.fields = fields
    return _save(cooperation_type, by)


# --- Needs mapping ---------------------------------------------------------------


def _refuse_issued(message=None):
    raise ValidationError(
        message
        or _(
            "This version was issued and can no longer be changed. Start a new "
            "version to make changes; the issued one stays on record."
        ),
        code="issued",
    )


@transaction.atomic
def mapping_open(*, year, by, instructions="", copy_previous=False, notify_units=False):
    """Open the needs mapping of `year` for units to fill.

    With `copy_previous`, the last earlier mapping's answers are the
    starting point. With `notify_units`, every unit staff user is told.
    """
    _check_year(year)
    if NeedsMapping.objects.filter(year=year).exists():
        raise ValidationError(
            {"year": [_("The needs mapping of this year is already open.")]}
        )
    mapping = _save(
        NeedsMapping(year=year, instructions=_clean_text(instructions), created_by=by),
        by,
    )
    if copy_previous:
        previous = NeedsMapping.objects.filter(year__lt=year).order_by("-year").first()
        if previous is not None:
            NeedCell.objects.bulk_create(
                NeedCell(
                    mapping=mapping,
                    unit_id=cell.unit_id,
                    cooperation_type_id=cell.cooperation_type_id,
                    level=cell.level,
                    notes=cell.notes,
                    partner_profile=cell.partner_profile,
                    updated_by=by,
                )
                for cell in previous.cells.filter(unit__is_active=True)
            )
    if notify_units:
        _notify_units_to_map(mapping)
    logger.info("Needs mapping %s opened", year)
    return mapping


def _notify_units_to_map(mapping):
    from mitra.core.daily import dedupe_key
    from mitra.core.notifications import notify

    recipients = User.objects.filter(
        is_active=True, role=Role.UNIT, units__isnull=False
    ).distinct()
    for user in recipients:
        notify(
            user=user,
            title=_("Fill in your unit's cooperation needs for %(year)s")
            % {"year": mapping.year},
            body=mapping.instructions,
            subject=mapping,
            dedupe_key=dedupe_key("planning.mapping_open", mapping.year),
        )


@transaction.atomic
def mapping_update(*, mapping, by, instructions):
    mapping = _locked(mapping)
    if mapping.is_issued:
        _refuse_issued()
    mapping.instructions = _clean_text(instructions)
    return _save(mapping, by)


@transaction.atomic
def need_cells_save(*, mapping, unit, rows, by):
    """Save `unit`'s answers: rows of {cooperation_type, level, notes,
    partner_profile}. Refused once the mapping is issued.

    Return the number of cells changed.
    """
    mapping = _locked(mapping)
    if mapping.is_issued:
        _refuse_issued()
    existing = {
        cell.cooperation_type_id: cell
        for cell in NeedCell.objects.filter(mapping=mapping, unit=unit)
    }
    changed = 0
    for row in rows:
        kind = row["cooperation_type"]
        level = row.get("level") or NeedLevel.NONE
        if level not in NeedLevel.values:
            raise ValidationError({"level": [_("Choose a need level.")]})
        values = {
            "level": level,
            "notes": _clean_text(row.get("notes")),
            "partner_profile": _clean_text(row.get("partner_profile"), 300),
        }
        cell = existing.get(kind.pk)
        if cell is None:
            if (
                level == NeedLevel.NONE
                and not values["notes"]
                and not (values["partner_profile"])
            ):
                continue
            cell = NeedCell(mapping=mapping, unit=unit, cooperation_type=kind)
        elif all(getattr(cell, name) == value for name, value in values.items()):
            continue
        for name, value in values.items():
            setattr(cell, name, value)
        cell.updated_by = by
        _save(cell, by)
        changed += 1
    logger.info("Needs of unit %s for %s saved", unit.pk, mapping.year)
    return changed


def mapping_issue(*, mapping, by):
    """Issue the mapping as it stands: freeze it and lock it. Return the
    IssuedDocument."""
    from mitra.documents.services import form_context, issue_document

    with transaction.atomic():
        mapping = _locked(mapping)
        if mapping.is_issued:
            _refuse_issued(
                _("This version is already issued; start a new version first.")
            )
        context = form_context("needs_mapping", mapping, user=None)
        document = issue_document(
            kind="needs_mapping",
            source=mapping,
            context=context,
            by=by,
            title=str(mapping),
        )
        mapping.status = IssueStatus.ISSUED
        _save(mapping, by, reason=f"issued v{document.version}")
    logger.info("Needs mapping %s issued as version %s", mapping.year, document.version)
    return document


@transaction.atomic
def mapping_new_version(*, mapping, by):
    """Unlock an issued mapping so that a next version can be prepared."""
    mapping = _locked(mapping)
    if not mapping.is_issued:
        raise ValidationError(
            _("A new version is already being prepared."), code="not_issued"
        )
    mapping.status = IssueStatus.DRAFT
    return _save(mapping, by, reason="new version started")


# --- Annual targets ---------------------------------------------------------------

TARGET_FIELDS = (
    "unit",
    "measure",
    "document_type",
    "scope",
    "cooperation_type",
    "count",
    "notes",
)


def target_set_for(year):
    """Return the approval record of `year`'s targets, created if missing."""
    _check_year(year)
    return AnnualTargetSet.objects.get_or_create(year=year)[0]


def _reset_approval(year, by, reason):
    target_set = AnnualTargetSet.objects.select_for_update().get(year=year)
    if target_set.is_approved:
        target_set.status = ApprovalStatus.DRAFT
        _save(target_set, by, reason=reason)
    return target_set


def _check_target(target, errors):
    if target.count is None:
        errors.add("count", _("Give the target as a whole number."))
    elif not isinstance(target.count, int) or target.count < 0:
        errors.add("count", _("A target cannot be negative."))
    twins = AnnualTarget.objects.filter(
        year=target.year,
        unit=target.unit,
        measure=target.measure,
        document_type=target.document_type,
        scope=target.scope,
        cooperation_type=target.cooperation_type,
    )
    if target.pk:
        twins = twins.exclude(pk=target.pk)
    if twins.exists():
        errors.add(
            None,
            _("A target with these very criteria exists already; change that one."),
        )


@transaction.atomic
def target_save(*, year, by, target=None, **values):
    """Create (or, given `target`, change) a target row of `year`.

    A change to the targets of an approved year returns them to waiting for
    the head's approval.
    """
    unknown = set(values) - set(TARGET_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    target_set_for(year)
    if target is None:
        target = AnnualTarget(year=year)
    elif target.year != year:
        raise ValidationError(_("This target belongs to another year."))
    for name, value in values.items():
        if name in ("document_type", "scope", "notes"):
            value = value or ""
        setattr(target, name, value)
    errors = _Errors()
    _check_target(target, errors)
    errors.raise_any()
    _save(target, by)
    _reset_approval(year, by, reason="targets changed")
    return target


@transaction.atomic
def target_delete(*, target, by):
    year = target.year
    target._history_user = by
    target.delete()
    _reset_approval(year, by, reason="target removed")


@transaction.atomic
def targets_copy(*, year, from_year, by):
    """Copy `from_year`'s targets into `year` (which must have none)."""
    _check_year(year)
    if AnnualTarget.objects.filter(year=year).exists():
        raise ValidationError(_("This year has targets already."), code="has_targets")
    rows = list(AnnualTarget.objects.filter(year=from_year))
    if not rows:
        raise ValidationError(_("That year has no targets to copy."), code="empty")
    for row in rows:
        target_save(
            year=year,
            by=by,
            **{name: getattr(row, name) for name in TARGET_FIELDS},
        )
    return len(rows)


@transaction.atomic
def targets_approve(*, year, by, note=""):
    """Record the head's approval of `year`'s targets as they stand."""
    target_set = AnnualTargetSet.objects.select_for_update().filter(year=year).first()
    if target_set is None or not AnnualTarget.objects.filter(year=year).exists():
        raise ValidationError(_("There are no targets to approve."), code="empty")
    if target_set.is_approved:
        raise ValidationError(_("These targets are approved already."), code="done")
    target_set.status = ApprovalStatus.APPROVED
    target_set.approved_at = clock.now()
    target_set.approved_by = by
    if note:
        target_set.notes = _clean_text(note)
    logger.info("Targets of %s approved", year)
    return _save(target_set, by, reason="approved")


# --- Meetings and minutes ---------------------------------------------------------

MEETING_FIELDS = (
    "kind",
    "title",
    "date",
    "start_time",
    "end_time",
    "place",
    "unit",
    "partner",
    "chair",
    "minute_taker",
    "agenda",
    "discussion",
    "decisions",
)


def _check_meeting(meeting, errors):
    if meeting.kind not in MeetingKind.values:
        errors.add("kind", _("Choose the kind of meeting."))
    if not (meeting.title or "").strip():
        errors.add("title", _("Give the meeting a title."))
    if meeting.date is None:
        errors.add("date", _("Give the date of the meeting."))
    if meeting.kind == MeetingKind.UNIT and meeting.unit_id is None:
        errors.add("unit", _("Choose the unit met."))
    if (
        meeting.start_time
        and meeting.end_time
        and meeting.end_time < meeting.start_time
    ):
        errors.add("end_time", _("The meeting cannot end before it starts."))


def _assign_meeting(meeting, values):
    unknown = set(values) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    for name, value in values.items():
        if name in ("title", "place", "agenda", "discussion", "decisions"):
            value = _clean_text(value)
        setattr(meeting, name, value)


@transaction.atomic
def meeting_create(*, by, attendees=None, action_items=None, **values):
    """Record a meeting (its minutes are written as it goes on or after)."""
    # Whoever records the meeting took the minutes unless someone else is named.
    meeting = Meeting(
        created_by=by, minute_taker=values.pop("minute_taker", None) or by
    )
    _assign_meeting(meeting, values)
    errors = _Errors()
    _check_meeting(meeting, errors)
    errors.raise_any()
    _save(meeting, by)
    if attendees is not None:
        _attendees_set(meeting, attendees, by)
    if action_items is not None:
        _action_items_set(meeting, action_items, by)
    logger.info("Meeting %s recorded", meeting.pk)
    return meeting


def _refuse_approved():
    raise ValidationError(
        _(
            "These minutes were approved and issued and can no longer be "
            "changed. Start a new version to make changes; the issued one "
            "stays on record."
        ),
        code="issued",
    )


@transaction.atomic
def meeting_update(*, meeting, by, attendees=None, action_items=None, **values):
    """Change a meeting and its minutes; refused once they are approved.

    `attendees` and `action_items`, when given, replace the lists (each row
    a dict; a row with a `pk` changes that row, rows left out are removed).
    """
    current = _locked(meeting)
    if current.is_approved:
        _refuse_approved()
    _assign_meeting(meeting, values)
    errors = _Errors()
    _check_meeting(meeting, errors)
    errors.raise_any()
    _save(meeting, by)
    if attendees is not None:
        _attendees_set(meeting, attendees, by)
    if action_items is not None:
        _action_items_set(meeting, action_items, by)
    return meeting


def _attendees_set(meeting, rows, by):
    existing = {row.pk: row for row in meeting.attendees.all()}
    kept = set()
    for index, row in enumerate(rows):
        user = row.get("user")
        name = " ".join((row.get("name") or "").split())[:200]
        if user is None and not name:
            raise ValidationError(
                {
                    "attendees": [
                        _("Attendee %(number)s needs a user or a name.")
                        % {"number": index + 1}
                    ]
                }
            )
        attendee = existing.get(row.get("pk")) or MeetingAttendee(meeting=meeting)
        attendee.user = user
        attendee.name = name
        attendee.organisation = _clean_text(row.get("organisation"), 200)
        attendee.position = _clean_text(row.get("position"), 200)
        attendee.present = row.get("present", True) is not False
        attendee._history_user = by
        attendee.save()
        kept.add(attendee.pk)
    for pk, attendee in existing.items():
        if pk not in kept:
            attendee._history_user = by
            attendee.delete()


def _action_items_set(meeting, rows, by):
    existing = {row.pk: row for row in meeting.action_items.all()}
    kept = set()
    for index, row in enumerate(rows):
        description = _clean_text(row.get("description"))
        if not description or row.get("owner") is None:
            raise ValidationError(
                {
                    "action_items": [
                        _("Action %(number)s needs a description and an owner.")
                        % {"number": index + 1}
                    ]
                }
            )
        item = existing.get(row.get("pk")) or ActionItem(meeting=meeting)
        item.description = description
        item.owner = row["owner"]
        item.due_date = row.get("due_date")
        _save(item, by)
        kept.add(item.pk)
    for pk, item in existing.items():
        if pk not in kept:
            item._history_user = by
            item.delete()


@transaction.atomic
def action_item_set_status(*, item, by, done):
    """Mark an action item done (or open again); allowed on approved minutes."""
    item = _locked(item)
    item.status = ActionStatus.DONE if done else ActionStatus.OPEN
    item.done_at = clock.now() if done else None
    item.done_by = by if done else None
    return _save(item, by, reason="done" if done else "reopened")


@transaction.atomic
def meeting_delete(*, meeting, by):
    current = _locked(meeting)
    if current.approved_at is not None:
        raise ValidationError(
            _("Minutes that were once approved stay on record."), code="issued"
        )
    meeting._history_user = by
    meeting.delete()


def _minutes_number(meeting):
    from mitra.core.models import NumberingPattern
    from mitra.core.numbering import number_issue

    if (
        meeting.number
        or not NumberingPattern.objects.filter(kind=MINUTES_NUMBER_KIND).exists()
    ):
        return meeting.number
    return number_issue(kind=MINUTES_NUMBER_KIND, unit=meeting.unit, on=meeting.date)


def minutes_approve(*, meeting, by):
    """Approve the minutes: number them (if a pattern is set), freeze and
    issue them. Return the IssuedDocument."""
    from mitra.documents.services import form_context, issue_document

    with transaction.atomic():
        meeting = _locked(meeting)
        if meeting.is_approved:
            raise ValidationError(
                _("These minutes are approved already."), code="issued"
            )
        if not (meeting.discussion or meeting.decisions):
            raise ValidationError(
                _("Write the discussion or the decisions before approving."),
                code="empty",
            )
        meeting.number = _minutes_number(meeting)
        meeting.status = MinutesStatus.APPROVED
        meeting.approved_at = clock.now()
        meeting.approved_by = by
        _save(meeting, by, reason="minutes approved")
        document = issue_document(
            kind="minutes",
            source=meeting,
            context=form_context("minutes", meeting, user=None),
            by=by,
            title=_("Minutes: %(title)s") % {"title": meeting.title},
        )
    logger.info(
        "Minutes of meeting %s issued as version %s", meeting.pk, document.version
    )
    return document


@transaction.atomic
def minutes_new_version(*, meeting, by):
    """Unlock approved minutes so that a corrected version can be written."""
    meeting = _locked(meeting)
    if not meeting.is_approved:
        raise ValidationError(
            _("A new version is already being prepared."), code="not_issued"
        )
    meeting.status = MinutesStatus.DRAFT
    return _save(meeting, by, reason="new version started")


# --- The annual programme ---------------------------------------------------------

ITEM_FIELDS = (
    "title",
    "partner",
    "partner_profile",
    "unit",
    "start_month",
    "end_month",
    "budget",
    "funding_source",
    "status",
    "target",
    "agreement",
    "notes",
    "proposal",
)


@transaction.atomic
def programme_open(*, year, by, introduction=""):
    _check_year(year)
    if AnnualProgramme.objects.filter(year=year).exists():
        raise ValidationError(
            {"year": [_("The programme of this year exists already.")]}
        )
    programme = AnnualProgramme(
        year=year, introduction=_clean_text(introduction), created_by=by
    )
    return _save(programme, by)


@transaction.atomic
def programme_update(*, programme, by, introduction):
    programme = _locked(programme)
    if programme.is_issued:
        _refuse_issued()
    programme.introduction = _clean_text(introduction)
    return _save(programme, by)


def _check_item(item, errors):
    if not (item.title or "").strip():
        errors.add("title", _("Name the initiative."))
    for name in ("start_month", "end_month"):
        value = getattr(item, name)
        if value is not None and not 1 <= value <= 12:
            errors.add(name, _("Give a month from 1 to 12."))
    if (
        item.start_month
        and item.end_month
        and item.end_month < item.start_month
        and "end_month" not in errors.messages
    ):
        errors.add("end_month", _("The initiative cannot end before it starts."))
    if item.budget is not None and item.budget < 0:
        errors.add("budget", _("A budget cannot be negative."))
    if item.status not in ItemStatus.values:
        errors.add("status", _("Choose a status."))
    if item.target_id and item.target.year != item.programme.year:
        errors.add("target", _("Choose a target of the programme's year."))


@transaction.atomic
def programme_item_save(*, programme, by, item=None, cooperation_types=None, **values):
    """Add (or, given `item`, change) an initiative; refused once issued."""
    unknown = set(values) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    programme = _locked(programme)
    if programme.is_issued:
        _refuse_issued()
    item = item or ProgrammeItem(programme=programme)
    if item.programme_id != programme.pk:
        raise ValidationError(_("This initiative belongs to another programme."))
    for name, value in values.items():
        if name in ("title", "partner_profile", "funding_source", "notes"):
            value = _clean_text(value)
        setattr(item, name, value)
    errors = _Errors()
    _check_item(item, errors)
    errors.raise_any()
    _save(item, by)
    if cooperation_types is not None:
        item.cooperation_types.set(list(cooperation_types))
    return item


@transaction.atomic
def programme_item_delete(*, item, by):
    programme = _locked(item.programme)
    if programme.is_issued:
        _refuse_issued()
    item._history_user = by
    item.delete()


@transaction.atomic
def programme_item_set_status(*, item, by, status):
    """Record how an initiative is going; allowed on an issued programme,
    whose plan stays frozen in its issued version."""
    if status not in ItemStatus.values:
        raise ValidationError({"status": [_("Choose a status.")]})
    item = _locked(item)
    item.status = status
    return _save(item, by, reason="status")


def _proposal_values(proposal):
    """Return an initiative's values drawn from an approved proposal."""
    partner = getattr(proposal, "partner", None)
    profile = "" if partner else (getattr(proposal, "partner_name", "") or "")
    return {
        "title": proposal.title,
        "partner": partner,
        "partner_profile": profile[:300],
        "unit": getattr(proposal, "unit", None),
        "agreement": getattr(proposal, "agreement", None),
        "proposal": proposal,
    }


@transaction.atomic
def programme_add_proposals(*, programme, proposals, by):
    """Add an initiative for each approved proposal not in the programme yet.

    Return the initiatives created.
    """
    taken = set(
        programme.items.exclude(proposal__isnull=True).values_list(
            "proposal_id", flat=True
        )
    )
    created = []
    for proposal in proposals:
        if proposal.pk in taken:
            continue
        item = programme_item_save(
            programme=programme,
            by=by,
            cooperation_types=list(proposal.cooperation_types.all()),
            **_proposal_values(proposal),
        )
        created.append(item)
        taken.add(proposal.pk)
    return created


@transaction.atomic
def programme_add_target(*, programme, target, by):
    """Add an initiative serving `target` (a starting point to complete)."""
    types = [target.cooperation_type] if target.cooperation_type_id else []
    return programme_item_save(
        programme=programme,
        by=by,
        title=target.describe(),
        unit=target.unit,
        target=target,
        cooperation_types=types,
    )


def programme_approve(*, programme, by):
    """Approve the programme (the head): freeze and issue it, with the
    year's targets and their progress. Return the IssuedDocument."""
    from mitra.documents.services import form_context, issue_document

    with transaction.atomic():
        programme = _locked(programme)
        if programme.is_issued:
            raise ValidationError(
                _("This version is already approved and issued."), code="issued"
            )
        if not programme.items.exists():
            raise ValidationError(
                _("Add at least one initiative before approving."), code="empty"
            )
        programme.status = IssueStatus.ISSUED
        programme.approved_on = clock.today()
        programme.approved_by = by
        _save(programme, by, reason="approved")
        document = issue_document(
            kind="programme",
            source=programme,
            context=form_context("programme", programme, user=None),
            by=by,
            title=str(programme),
        )
    logger.info("Programme %s issued as version %s", programme.year, document.version)
    return document


@transaction.atomic
def programme_new_version(*, programme, by):
    """Unlock an issued programme so that a next version can be prepared.

    `approved_on` keeps the last approval: the issued version stays the
    programme in force until the next one is approved.
    """
    programme = _locked(programme)
    if not programme.is_issued:
        raise ValidationError(
            _("A new version is already being prepared."), code="not_issued"
        )
    programme.status = IssueStatus.DRAFT
    return _save(programme, by, reason="new version started")


# --- Multi-year plans -------------------------------------------------------------

PLAN_FIELDS = ("title", "start_year", "end_year", "approved_on", "notes")


def _check_plan(plan, errors):
    if not (plan.title or "").strip():
        errors.add("title", _("Give the plan a title."))
    for name in ("start_year", "end_year"):
        value = getattr(plan, name)
        if not isinstance(value, int) or not FIRST_YEAR <= value <= LAST_YEAR:
            errors.add(
                name,
                _("Give a year between %(first)s and %(last)s.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR},
            )
    if (
        isinstance(plan.start_year, int)
        and isinstance(plan.end_year, int)
        and plan.end_year < plan.start_year
    ):
        errors.add("end_year", _("The last year cannot come before the first."))
    if plan.approved_on and plan.approved_on > clock.today():
        errors.add("approved_on", _("The approval date cannot be in the future."))


@transaction.atomic
def plan_upload(*, by, file, **values):
    """Keep an uploaded multi-year plan (PDF or DOCX, checked by content)."""
    unknown = set(values) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    plan = MultiYearPlan(uploaded_by=by, **values)
    plan.title = _clean_text(plan.title, 300)
    errors = _Errors()
    _check_plan(plan, errors)
    if file is None:
        errors.add("file", _("Choose the plan's file."))
    else:
        try:
            validate_plan_file(file)
        except ValidationError as error:
            for message in error.messages:
                errors.add("file", message)
    errors.raise_any()
    plan.file = file
    _save(plan, by)
    logger.info("Multi-year plan %s uploaded", plan.pk)
    return plan


@transaction.atomic
def plan_update(*, plan, by, **values):
    """Change what is recorded about a plan (its file stays as uploaded)."""
    unknown = set(values) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    for name, value in values.items():
        setattr(plan, name, value)
    plan.title = _clean_text(plan.title, 300)
    errors = _Errors()
    _check_plan(plan, errors)
    errors.raise_any()
    return _save(plan, by)
