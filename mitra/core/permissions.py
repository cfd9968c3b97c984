"""The one permission gate: who may see and do what.

Every view, export, search, count and dashboard figure asks this module:
querysets through `visible(user, queryset)` (reached as
`Model.objects.for_user(user)`), single actions through
`can(user, action, obj)`. No other module decides access.

The rules, in short (see the README's Roles section):

* office staff and the head act on every cooperation record; the head also
  manages users and units;
* leadership and auditors read everything and change nothing here;
* unit staff read every partner and every agreement in force or past, and
  act for their own units and every unit below them (a jurusan's staff act
  for its prodis);
* a record not yet in force (a draft, or in negotiation) is seen only by its
  units, the office, the head, leadership, auditors and whoever it is
  assigned to;
* planning records (needs mapping, targets, the annual programme,
  multi-year plans) are read by all staff and written by the office; unit
  staff fill only their own units' needs; a meeting is seen by those it
  involves; the head approves targets, minutes and the programme;
* a proposal before its approval follows the rule for records not yet in
  force (its reviewers and its proposer are those it is assigned to); the
  head assigns the reviewers and decides;
* quality indicators, the ministry's rule sets and evidence packs are read
  by those who read everything and kept by the office; an activity's
  outputs follow the activity, a relevance note its agreement;
* the records register is read by those who read everything and kept by
  the office; the head sets legal holds and approves disposals; every staff
  member reads the approved documents of the policy library, those who read
  everything its drafts too, and the office keeps it;
* the signing workflow of an agreement follows the agreement: its reviewers
  see the draft, the head assigns them, each decides only their own step;
  the office deals with the partner and terminates; the office, the head
  and leadership record a signature;
* the annual evaluation report: those who read everything read its drafts
  and live figures, the office and the head write it, the head issues it;
  other staff read only the reports issued (never a draft).
"""

from django.db.models import Q
from django.http import Http404

from mitra.core.models import Role


class Action:
    VIEW = "view"
    ADD = "add"
    CHANGE = "change"
    DELETE = "delete"
    MERGE = "merge"
    IMPORT = "import"
    MANAGE_USERS = "manage_users"
    #: Add an activity under an agreement: asked of the agreement.
    ADD_ACTIVITY = "add_activity"
    #: The head's approval: targets, minutes, the annual programme.
    APPROVE = "approve"
    #: Open the head's identification workspace: asked of NeedsMapping.
    IDENTIFY = "identify"
    # Proposals: asked of a proposal (DECLINE of a call for proposals).
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    ANALYSE = "analyse"
    ASSIGN_REVIEWERS = "assign_reviewers"
    REVIEW = "review"
    VIEW_ANALYSIS = "view_analysis"
    DECIDE = "decide"
    DECLINE = "decline"
    #: Set or clear a legal hold on a record of the register (the head).
    HOLD = "hold"
    #: Signing workflow, asked of an agreement: record its signature (the
    #: office, the head, leadership); deal with the partner and lock the
    #: final version, or terminate it (the office and the head). Reviewers
    #: of a draft are assigned by the head (ASSIGN_REVIEWERS).
    SIGN = "sign"
    NEGOTIATE = "negotiate"
    TERMINATE = "terminate"


#: Roles that read every cooperation record.
READ_ALL = frozenset({Role.OFFICE, Role.HEAD, Role.LEADER, Role.AUDITOR})
#: Roles that change every cooperation record.
MANAGE_ALL = frozenset({Role.OFFICE, Role.HEAD})


def is_staff_user(user):
    return bool(user and user.is_authenticated and user.is_active)


def reads_all(user):
    return is_staff_user(user) and (user.is_superuser or user.role in READ_ALL)


def manages_all(user):
    return is_staff_user(user) and (user.is_superuser or user.role in MANAGE_ALL)


def acting_unit_ids(user):
    return user.acting_unit_ids if is_staff_user(user) else frozenset()


# --- Rules per model -------------------------------------------------------
# Each rule is a pair: `rows(user, queryset)` restricts a queryset, and
# `allows(user, action, obj)` decides one action on one object (or on the
# model class for ADD and IMPORT).


def _agreement_rows(user, queryset):
    from mitra.agreements.models import PRE_SIGNING, Agreement, ReviewAssignment

    if reads_all(user):
        return queryset
    units = acting_unit_ids(user)
    own = Agreement.units.through.objects.filter(unit_id__in=units)
    reviewing = ReviewAssignment.objects.filter(reviewer=user)
    return queryset.filter(
        ~Q(status__in=PRE_SIGNING)
        | Q(pk__in=own.values("agreement_id"))
        | Q(responsible_user=user)
        | Q(created_by=user)
        | Q(pk__in=reviewing.values("review__agreement_id"))
    )


def _agreement_is_own(user, agreement):
    units = acting_unit_ids(user)
    return any(unit.pk in units for unit in agreement.units.all())


def _agreement_allows(user, action, agreement):
    from mitra.agreements.models import Agreement, Status

    if action == Action.VIEW:
        return _agreement_rows(user, Agreement.objects.filter(pk=agreement.pk)).exists()
    if action == Action.ADD:
        return manages_all(user) or (
            is_staff_user(user) and user.role == Role.UNIT and bool(user.units.exists())
        )
    if action == Action.IMPORT:
        return manages_all(user)
    if action == Action.SIGN:
        return manages_all(user) or (is_staff_user(user) and user.role == Role.LEADER)
    if action == Action.ASSIGN_REVIEWERS:
        return is_staff_user(user) and (user.is_superuser or user.role == Role.HEAD)
    if action == Action.DELETE:
        from mitra.agreements.services import was_ever_signed

        deletable = agreement.status == Status.DRAFT and not was_ever_signed(agreement)
        return deletable and (
            manages_all(user)
            or (
                is_staff_user(user)
                and user.role == Role.UNIT
                and _agreement_is_own(user, agreement)
            )
        )
    if manages_all(user):
        return True
    if not is_staff_user(user) or user.role != Role.UNIT:
        return False
    if action in (Action.CHANGE, Action.ADD_ACTIVITY):
        return _agreement_is_own(user, agreement)
    return False


def _activity_rows(user, queryset):
    from mitra.agreements.models import Agreement

    if reads_all(user):
        return queryset
    agreements = _agreement_rows(user, Agreement.objects.all())
    return queryset.filter(agreement__in=agreements.values("pk"))


def _activity_allows(user, action, activity):
    from mitra.agreements.models import Activity

    if isinstance(activity, type):
        # Adding is decided on the agreement (Action.ADD_ACTIVITY); on the
        # bare model only the office may be asked.
        return manages_all(user)
    if action == Action.VIEW:
        return _activity_rows(user, Activity.objects.filter(pk=activity.pk)).exists()
    if manages_all(user):
        return True
    if not is_staff_user(user) or user.role != Role.UNIT:
        return False
    return _agreement_is_own(user, activity.agreement) or (
        activity.unit_id is not None and activity.unit_id in acting_unit_ids(user)
    )


def _evidence_rows(user, queryset):
    from mitra.agreements.models import Activity

    if reads_all(user):
        return queryset
    activities = _activity_rows(user, Activity.objects.all())
    return queryset.filter(activity__in=activities.values("pk"))


def _evidence_allows(user, action, evidence):
    """Evidence follows its activity: see it, or change it, with the activity."""
    from mitra.agreements.models import Evidence

    if isinstance(evidence, type):
        return manages_all(user)
    if action == Action.VIEW:
        return _evidence_rows(user, Evidence.objects.filter(pk=evidence.pk)).exists()
    return _activity_allows(user, Action.CHANGE, evidence.activity)


def _read_all_staff_rows(user, queryset):
    return queryset if is_staff_user(user) else queryset.none()


def _partner_allows(user, action, partner):
    if action == Action.VIEW:
        return is_staff_user(user)
    if action == Action.ADD:
        return manages_all(user) or (is_staff_user(user) and user.role == Role.UNIT)
    if action in (Action.CHANGE, Action.MERGE, Action.IMPORT):
        return manages_all(user)
    if action == Action.DELETE:
        return manages_all(user) and not partner.agreements.exists()
    return False


def _contact_allows(user, action, contact):
    if action == Action.VIEW:
        return is_staff_user(user)
    return manages_all(user)


def _unit_allows(user, action, unit):
    if action == Action.VIEW:
        return is_staff_user(user)
    return is_staff_user(user) and (user.is_superuser or user.role == Role.HEAD)


def _user_rows(user, queryset):
    if is_staff_user(user) and (user.is_superuser or user.role == Role.HEAD):
        return queryset
    return queryset.filter(pk=user.pk) if is_staff_user(user) else queryset.none()


def _user_allows(user, action, target):
    if action == Action.VIEW:
        return is_staff_user(user) and (
            user.pk == getattr(target, "pk", None)
            or user.is_superuser
            or user.role == Role.HEAD
        )
    if not is_staff_user(user):
        return False
    if getattr(target, "is_superuser", False) is True:
        # A head who could change an administrator's email could take over
        # the account through a password reset: only administrators may.
        return user.is_superuser
    return user.is_superuser or user.role == Role.HEAD


def _import_rows(user, queryset):
    return queryset if manages_all(user) else queryset.none()


def _import_allows(user, action, batch):
    return manages_all(user)


def _office_only_rows(user, queryset):
    return queryset if manages_all(user) else queryset.none()


def _numbering_allows(user, action, pattern):
    """Numbering patterns are the office's and the head's alone."""
    return manages_all(user)


def _notification_rows(user, queryset):
    """A notification is its recipient's alone, whatever their role."""
    return queryset.filter(recipient=user) if is_staff_user(user) else queryset.none()


def _notification_allows(user, action, notification):
    if isinstance(notification, type):
        return False
    return action in (Action.VIEW, Action.CHANGE) and (
        notification.recipient_id == user.pk
    )


def _issued_document_rows(user, queryset):
    """An issued document is seen by whoever may see its source."""
    from django.contrib.contenttypes.models import ContentType

    from mitra.documents.registry import source_models

    if reads_all(user):
        return queryset
    allowed = Q(pk__in=[])
    for model in source_models():
        if model._meta.label_lower not in RULES:
            continue
        sources = visible(user, model._default_manager.all()).values("pk")
        allowed |= Q(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=sources,
        )
    return queryset.filter(allowed)


def _issued_document_allows(user, action, document):
    """Issued documents are read with their source and never changed."""
    if isinstance(document, type):
        return action == Action.ADD and manages_all(user)
    if action != Action.VIEW:
        return False
    source = document.source
    if source is None or source._meta.label_lower not in RULES:
        return reads_all(user)
    return can(user, Action.VIEW, source)


def _printed_form_rows(user, queryset):
    return queryset if reads_all(user) else queryset.none()


def _printed_form_allows(user, action, obj):
    """Form templates, numbers and the letterhead: the office sets them."""
    if action == Action.VIEW:
        return reads_all(user)
    return action != Action.DELETE and manages_all(user)


# --- Partner satisfaction surveys ---------------------------------------------


def _survey_rows(user, queryset):
    """Instruments, rounds and invitations: read by whoever reads everything."""
    return queryset if reads_all(user) else queryset.none()


def _survey_allows(user, action, obj):
    """The office runs surveys; an instrument a round used is never changed."""
    if action == Action.VIEW:
        return reads_all(user)
    if not manages_all(user):
        return False
    if isinstance(obj, type):
        return True
    instrument = getattr(obj, "instrument", obj)
    locked = getattr(instrument, "is_locked", False)
    return not (action in (Action.CHANGE, Action.DELETE) and locked)


def _survey_round_allows(user, action, round):
    if action == Action.VIEW:
        return reads_all(user)
    return manages_all(user)


def _survey_response_rows(user, queryset):
    """Single responses are seen only in rounds that are not anonymous."""
    if not reads_all(user):
        return queryset.none()
    return queryset.filter(round__anonymous=False)


def _survey_response_allows(user, action, response):
    """Answers are never changed; an anonymous round shows totals only."""
    if isinstance(response, type) or action != Action.VIEW:
        return False
    return reads_all(user) and not response.round.anonymous


# --- Planning: needs mapping, targets, meetings, programme, plans ----------


def _is_head(user):
    return is_staff_user(user) and (user.is_superuser or user.role == Role.HEAD)


def _cooperation_type_allows(user, action, cooperation_type):
    if action == Action.VIEW:
        return is_staff_user(user)
    return action in (Action.ADD, Action.CHANGE) and manages_all(user)


def _needs_mapping_allows(user, action, mapping):
    """Every staff user reads a mapping (each unit its own rows, see cells)."""
    if action == Action.VIEW:
        return is_staff_user(user)
    if action == Action.IDENTIFY:
        return reads_all(user)
    return action in (Action.ADD, Action.CHANGE) and manages_all(user)


def _need_cell_rows(user, queryset):
    if reads_all(user):
        return queryset
    return queryset.filter(unit_id__in=acting_unit_ids(user))


def _need_cell_allows(user, action, cell):
    """Unit staff fill the rows of the units they act for; the office all."""
    if isinstance(cell, type):
        return manages_all(user) or (
            is_staff_user(user) and user.role == Role.UNIT and bool(user.units.exists())
        )
    if action == Action.VIEW:
        return reads_all(user) or cell.unit_id in acting_unit_ids(user)
    if action not in (Action.ADD, Action.CHANGE):
        return False
    if manages_all(user):
        return True
    return user.role == Role.UNIT and cell.unit_id in acting_unit_ids(user)


def _planning_office_allows(user, action, obj):
    """Targets, programmes and multi-year plans: all staff read, the office
    writes, the head approves; nothing is deleted but a target row."""
    if action == Action.VIEW:
        return is_staff_user(user)
    if action == Action.APPROVE:
        return _is_head(user)
    if action == Action.DELETE:
        return manages_all(user) and obj._meta.model_name == "annualtarget"
    return action in (Action.ADD, Action.CHANGE) and manages_all(user)


def _meeting_rows(user, queryset):
    """Unit staff see the meetings they attended, of their units, that gave
    them an action, or that they created."""
    from mitra.planning.models import ActionItem, MeetingAttendee

    if reads_all(user):
        return queryset
    attended = MeetingAttendee.objects.filter(user=user).values("meeting_id")
    owning = ActionItem.objects.filter(owner=user).values("meeting_id")
    return queryset.filter(
        Q(pk__in=attended)
        | Q(pk__in=owning)
        | Q(unit_id__in=acting_unit_ids(user))
        | Q(created_by=user)
    )


def _meeting_allows(user, action, meeting):
    from mitra.planning.models import Meeting

    if isinstance(meeting, type):
        if action == Action.VIEW:
            return is_staff_user(user)
        return action in (Action.ADD, Action.CHANGE) and manages_all(user)
    if action == Action.VIEW:
        return _meeting_rows(user, Meeting.objects.filter(pk=meeting.pk)).exists()
    if action == Action.APPROVE:
        return _is_head(user)
    if action == Action.DELETE:
        # Minutes once approved were issued: the meeting stays on record.
        return manages_all(user) and meeting.approved_at is None
    return action in (Action.ADD, Action.CHANGE) and manages_all(user)


def _action_item_rows(user, queryset):
    from mitra.planning.models import Meeting

    if reads_all(user):
        return queryset
    meetings = _meeting_rows(user, Meeting.objects.all()).values("pk")
    return queryset.filter(Q(owner=user) | Q(meeting__in=meetings))


def _action_item_allows(user, action, item):
    """The office manages action items; their owner marks them done."""
    from mitra.planning.models import ActionItem

    if isinstance(item, type):
        return manages_all(user)
    if action == Action.VIEW:
        return _action_item_rows(user, ActionItem.objects.filter(pk=item.pk)).exists()
    if manages_all(user):
        return action in (Action.ADD, Action.CHANGE, Action.DELETE)
    return action == Action.CHANGE and item.owner_id == user.pk


# --- Proposals ---------------------------------------------------------------
# A proposal before its approval is seen by its unit (and the units above
# it), the office, the head, leadership, auditors, its reviewers and whoever
# proposed it; an approved one by all staff. The gate decides who may act;
# whether the proposal's status allows the step is the service's to say (so
# a wrong step gets a message, a wrong person a 403).


def _proposal_rows(user, queryset):
    from mitra.proposals.models import Review, Status

    if reads_all(user):
        return queryset
    reviewing = Review.objects.filter(reviewer=user).values("proposal_id")
    return queryset.filter(
        Q(status=Status.APPROVED)
        | Q(unit_id__in=acting_unit_ids(user))
        | Q(created_by=user)
        | Q(pk__in=reviewing)
    )


def _proposal_is_own(user, proposal):
    return proposal.created_by_id == user.pk or (
        user.role == Role.UNIT
        and proposal.unit_id is not None
        and proposal.unit_id in acting_unit_ids(user)
    )


def _is_reviewer(user, proposal):
    return proposal.reviews.filter(reviewer=user).exists()


def _proposal_allows(user, action, proposal):
    from mitra.proposals.models import EDITABLE, OPEN, Proposal, Status

    if isinstance(proposal, type):
        return action == Action.ADD and (
            manages_all(user) or (user.role == Role.UNIT and bool(user.units.exists()))
        )
    if action == Action.VIEW:
        return _proposal_rows(user, Proposal.objects.filter(pk=proposal.pk)).exists()
    own = _proposal_is_own(user, proposal)
    if action == Action.CHANGE:
        if manages_all(user):
            return proposal.status in OPEN
        return own and proposal.status in EDITABLE
    if action == Action.DELETE:
        return proposal.status == Status.DRAFT and (own or manages_all(user))
    if action == Action.SUBMIT:
        return own or manages_all(user)
    if action == Action.WITHDRAW:
        return own
    if action == Action.ANALYSE:
        return manages_all(user)
    if action in (Action.ASSIGN_REVIEWERS, Action.DECIDE):
        return _is_head(user)
    if action == Action.VIEW_ANALYSIS:
        return reads_all(user) or _is_reviewer(user, proposal)
    if action == Action.REVIEW:
        return _is_reviewer(user, proposal)
    return False


def _proposal_part_rows(user, queryset):
    """Attachments and timeline entries are seen with their proposal."""
    from mitra.proposals.models import Proposal

    if reads_all(user):
        return queryset
    proposals = _proposal_rows(user, Proposal.objects.all())
    return queryset.filter(proposal__in=proposals.values("pk"))


def _proposal_part_allows(user, action, part):
    if isinstance(part, type):
        return manages_all(user)
    if action == Action.VIEW:
        return can(user, Action.VIEW, part.proposal)
    return can(user, Action.CHANGE, part.proposal)


def _review_rows(user, queryset):
    if reads_all(user):
        return queryset
    return queryset.filter(reviewer=user)


def _review_allows(user, action, review):
    if isinstance(review, type):
        return _is_head(user)
    if action == Action.VIEW:
        return reads_all(user) or review.reviewer_id == user.pk
    return review.reviewer_id == user.pk


def _call_allows(user, action, call):
    """Calls are read by all staff, opened by the office, declined by units."""
    if action == Action.VIEW:
        return is_staff_user(user)
    if action == Action.DECLINE:
        if isinstance(call, type):
            return False
        invited = {unit.pk for unit in call.units.all()}
        return manages_all(user) or bool(invited & acting_unit_ids(user))
    if action == Action.DELETE:
        return manages_all(user) and not call.proposals.exists()
    return manages_all(user)


def _rubric_allows(user, action, criterion):
    """The rubric is read by all staff and set by the head."""
    if action == Action.VIEW:
        return is_staff_user(user)
    return _is_head(user)


def _monitoring_round_rows(user, queryset):
    """Rounds, their completion and recap: for those who read everything."""
    return queryset if reads_all(user) else queryset.none()


def _monitoring_round_allows(user, action, monitoring_round):
    if action == Action.VIEW:
        return reads_all(user)
    return manages_all(user)


def _monitoring_entry_rows(user, queryset):
    """Unit staff see the entries of their units' agreements and their own."""
    from mitra.agreements.models import Agreement
    from mitra.monitoring.models import MonitoringEntry

    if reads_all(user):
        return queryset
    own = Agreement.units.through.objects.filter(unit_id__in=acting_unit_ids(user))
    assigned = MonitoringEntry.assignees.through.objects.filter(user_id=user.pk)
    return queryset.filter(
        Q(agreement_id__in=own.values("agreement_id"))
        | Q(pk__in=assigned.values("monitoringentry_id"))
    )


def _monitoring_entry_allows(user, action, entry):
    """An entry is filled by its units (or assignees) while its round is open."""
    from mitra.monitoring.models import MonitoringEntry

    if isinstance(entry, type):
        return manages_all(user)
    if action == Action.VIEW:
        rows = MonitoringEntry.objects.filter(pk=entry.pk)
        return _monitoring_entry_rows(user, rows).exists()
    if action != Action.CHANGE or not entry.round.is_open:
        return False
    if manages_all(user):
        return True
    if not is_staff_user(user) or user.role != Role.UNIT:
        return False
    return (
        _agreement_is_own(user, entry.agreement)
        or entry.assignees.filter(pk=user.pk).exists()
    )


def _monitoring_evidence_rows(user, queryset):
    from mitra.monitoring.models import MonitoringEntry

    if reads_all(user):
        return queryset
    entries = _monitoring_entry_rows(user, MonitoringEntry.objects.all())
    return queryset.filter(entry__in=entries.values("pk"))


def _monitoring_evidence_allows(user, action, evidence):
    """Evidence of an entry is seen and changed with its entry."""
    if isinstance(evidence, type):
        return manages_all(user)
    wanted = Action.VIEW if action == Action.VIEW else Action.CHANGE
    return _monitoring_entry_allows(user, wanted, evidence.entry)


# --- Reports: indicators, rule sets, outputs, relevance notes -------------
# Indicators, the ministry's rule sets and the evidence packs are read by
# those who read everything (auditors included) and kept by the office.
# Outputs follow their activity, as evidence files do; a relevance note
# follows its agreement.


def _read_all_rows(user, queryset):
    return queryset if reads_all(user) else queryset.none()


def _report_data_allows(user, action, obj):
    if action == Action.VIEW:
        return reads_all(user)
    return manages_all(user)


def _output_rows(user, queryset):
    from mitra.agreements.models import Activity

    if reads_all(user):
        return queryset
    activities = _activity_rows(user, Activity.objects.all())
    return queryset.filter(activity__in=activities.values("pk"))


def _output_allows(user, action, output):
    from mitra.reports.models import ActivityOutput

    if isinstance(output, type):
        return manages_all(user)
    if action == Action.VIEW:
        return _output_rows(user, ActivityOutput.objects.filter(pk=output.pk)).exists()
    return _activity_allows(user, Action.CHANGE, output.activity)


def _relevance_rows(user, queryset):
    from mitra.agreements.models import Agreement

    if reads_all(user):
        return queryset
    agreements = _agreement_rows(user, Agreement.objects.all())
    return queryset.filter(agreement__in=agreements.values("pk"))


def _relevance_allows(user, action, relevance):
    """A note on an agreement: written by whoever may change the agreement."""
    from mitra.reports.models import AgreementRelevance

    if isinstance(relevance, type):
        return manages_all(user)
    if action == Action.VIEW:
        rows = AgreementRelevance.objects.filter(pk=relevance.pk)
        return _relevance_rows(user, rows).exists()
    return _agreement_allows(user, Action.CHANGE, relevance.agreement)


def _partner_category_allows(user, action, row):
    """A partner's category under a rule set is part of the partner's data."""
    if action == Action.VIEW:
        return is_staff_user(user)
    return manages_all(user)


def _heads_office(user):
    return is_staff_user(user) and (user.is_superuser or user.role == Role.HEAD)


def _record_allows(user, action, record):
    """The register is the office's; the head holds and disposes of records.

    Whether a kept record may change at all is the records app's rule: its
    services and model refuse while retention runs or a hold stands.
    """
    if action == Action.VIEW:
        return reads_all(user)
    if action in (Action.HOLD, Action.DELETE):
        return _heads_office(user)
    return action in (Action.ADD, Action.CHANGE) and manages_all(user)


def _record_type_allows(user, action, record_type):
    if action == Action.VIEW:
        return reads_all(user)
    return action == Action.CHANGE and manages_all(user)


def _disposal_list_allows(user, action, disposal_list):
    """The office builds (ADD) and cancels (CHANGE) a list; the head approves."""
    if action == Action.VIEW:
        return reads_all(user)
    if action == Action.APPROVE:
        return _heads_office(user)
    return action in (Action.ADD, Action.CHANGE) and manages_all(user)


def _kept_log_allows(user, action, entry):
    return action == Action.VIEW and reads_all(user)


def _policy_rows(user, queryset):
    if reads_all(user):
        return queryset
    if is_staff_user(user):
        return queryset.filter(approved_on__isnull=False)
    return queryset.none()


def _policy_allows(user, action, policy):
    """Every staff member reads the approved documents of the library, and
    those who read everything its drafts too; the office keeps it."""
    if action == Action.VIEW:
        return reads_all(user) or (
            is_staff_user(user) and getattr(policy, "approved_on", None) is not None
        )
    if action == Action.DELETE:
        return manages_all(user) and not getattr(policy, "approved_on", None)
    return action in (Action.ADD, Action.CHANGE) and manages_all(user)


def _evaluation_report_rows(user, queryset):
    """Unit staff see a year's report only once it has been issued."""
    from django.contrib.contenttypes.models import ContentType

    from mitra.documents.models import IssuedDocument

    if reads_all(user):
        return queryset
    if not is_staff_user(user):
        return queryset.none()
    issued = IssuedDocument.objects.filter(
        content_type=ContentType.objects.get_for_model(queryset.model),
        kind="evaluation_report",
    ).values("object_id")
    return queryset.filter(pk__in=issued)


def _evaluation_report_allows(user, action, report):
    """Asked of the model, VIEW means reading drafts and live figures."""
    if action == Action.APPROVE:
        return _is_head(user)
    if action in (Action.ADD, Action.CHANGE):
        return manages_all(user)
    if action != Action.VIEW:
        return False
    if isinstance(report, type) or reads_all(user):
        return reads_all(user)
    rows = _evaluation_report_rows(user, type(report).objects.filter(pk=report.pk))
    return rows.exists()


# --- The signing workflow of agreements ----------------------------------------
# Clauses of the library are read by all staff and kept by the office. The
# rows of one agreement's workflow (versions, reviews, events, files, the
# clauses chosen, an addendum's changes) are seen with their agreement and
# changed by whoever may change it; a review step is decided by its reviewer
# alone; the partner's links are the office's.


def _clause_allows(user, action, clause):
    if action == Action.VIEW:
        return is_staff_user(user)
    return action in (Action.ADD, Action.CHANGE) and manages_all(user)


def _through_agreement(user, queryset, path):
    from mitra.agreements.models import Agreement

    if reads_all(user):
        return queryset
    agreements = _agreement_rows(user, Agreement.objects.all())
    return queryset.filter(**{f"{path}__in": agreements.values("pk")})


def _clause_choice_rows(user, queryset):
    return _through_agreement(user, queryset, "agreement")


def _draft_version_rows(user, queryset):
    return _through_agreement(user, queryset, "agreement")


def _review_round_rows(user, queryset):
    return _through_agreement(user, queryset, "agreement")


def _review_assignment_rows(user, queryset):
    return _through_agreement(user, queryset, "review__agreement")


def _agreement_event_rows(user, queryset):
    return _through_agreement(user, queryset, "agreement")


def _agreement_file_rows(user, queryset):
    return _through_agreement(user, queryset, "agreement")


def _amendment_rows(user, queryset):
    return _through_agreement(user, queryset, "addendum")


def _agreement_part_allows(user, action, obj):
    """A part of an agreement's workflow follows the agreement."""
    if isinstance(obj, type):
        return manages_all(user)
    if action == Action.VIEW:
        return can(user, Action.VIEW, obj.agreement)
    return can(user, Action.CHANGE, obj.agreement)


def _assignment_allows(user, action, assignment):
    if isinstance(assignment, type):
        return False
    if action == Action.VIEW:
        return can(user, Action.VIEW, assignment.review.agreement)
    return action == Action.CHANGE and assignment.reviewer_id == user.pk


def _partner_link_allows(user, action, link):
    return manages_all(user)


def _amendment_allows(user, action, amendment):
    if isinstance(amendment, type):
        return manages_all(user)
    return can(
        user, action if action == Action.VIEW else Action.CHANGE, amendment.addendum
    )


RULES = {
    "agreements.agreement": (_agreement_rows, _agreement_allows),
    "agreements.clause": (_read_all_staff_rows, _clause_allows),
    "agreements.clausechoice": (_clause_choice_rows, _agreement_part_allows),
    "agreements.draftversion": (_draft_version_rows, _agreement_part_allows),
    "agreements.reviewround": (_review_round_rows, _agreement_part_allows),
    "agreements.reviewassignment": (_review_assignment_rows, _assignment_allows),
    "agreements.partnerlink": (_office_only_rows, _partner_link_allows),
    "agreements.agreementevent": (_agreement_event_rows, _agreement_part_allows),
    "agreements.agreementfile": (_agreement_file_rows, _agreement_part_allows),
    "agreements.amendment": (_amendment_rows, _amendment_allows),
    "agreements.activity": (_activity_rows, _activity_allows),
    "agreements.evidence": (_evidence_rows, _evidence_allows),
    "partners.partner": (_read_all_staff_rows, _partner_allows),
    "partners.contact": (_read_all_staff_rows, _contact_allows),
    "core.unit": (_read_all_staff_rows, _unit_allows),
    "core.user": (_user_rows, _user_allows),
    "imports.importbatch": (_import_rows, _import_allows),
    "core.notification": (_notification_rows, _notification_allows),
    "core.numberingpattern": (_office_only_rows, _numbering_allows),
    "documents.issueddocument": (_issued_document_rows, _issued_document_allows),
    "documents.formtemplate": (_printed_form_rows, _printed_form_allows),
    "documents.printedform": (_printed_form_rows, _printed_form_allows),
    "documents.letterhead": (_printed_form_rows, _printed_form_allows),
    "surveys.instrument": (_survey_rows, _survey_allows),
    "surveys.aspect": (_survey_rows, _survey_allows),
    "surveys.item": (_survey_rows, _survey_allows),
    "surveys.round": (_survey_rows, _survey_round_allows),
    "surveys.invitation": (_survey_rows, _survey_round_allows),
    "surveys.response": (_survey_response_rows, _survey_response_allows),
    "planning.cooperationtype": (_read_all_staff_rows, _cooperation_type_allows),
    "planning.needsmapping": (_read_all_staff_rows, _needs_mapping_allows),
    "planning.needcell": (_need_cell_rows, _need_cell_allows),
    "planning.annualtargetset": (_read_all_staff_rows, _planning_office_allows),
    "planning.annualtarget": (_read_all_staff_rows, _planning_office_allows),
    "planning.annualprogramme": (_read_all_staff_rows, _planning_office_allows),
    "planning.programmeitem": (_read_all_staff_rows, _planning_office_allows),
    "planning.multiyearplan": (_read_all_staff_rows, _planning_office_allows),
    "planning.meeting": (_meeting_rows, _meeting_allows),
    "planning.actionitem": (_action_item_rows, _action_item_allows),
    "proposals.proposal": (_proposal_rows, _proposal_allows),
    "proposals.proposalattachment": (_proposal_part_rows, _proposal_part_allows),
    "proposals.proposalevent": (_proposal_part_rows, _proposal_part_allows),
    "proposals.review": (_review_rows, _review_allows),
    "proposals.callforproposals": (_read_all_staff_rows, _call_allows),
    "proposals.rubriccriterion": (_read_all_staff_rows, _rubric_allows),
    "monitoring.monitoringround": (_monitoring_round_rows, _monitoring_round_allows),
    "monitoring.monitoringentry": (_monitoring_entry_rows, _monitoring_entry_allows),
    "monitoring.monitoringevidence": (
        _monitoring_evidence_rows,
        _monitoring_evidence_allows,
    ),
    "reports.indicator": (_read_all_rows, _report_data_allows),
    "reports.ruleset": (_read_all_rows, _report_data_allows),
    "reports.partnercategory": (_read_all_rows, _report_data_allows),
    "reports.countedform": (_read_all_rows, _report_data_allows),
    "reports.activityoutput": (_output_rows, _output_allows),
    "reports.agreementrelevance": (_relevance_rows, _relevance_allows),
    "partners.partnerrulecategory": (_read_all_staff_rows, _partner_category_allows),
    "records.record": (_read_all_rows, _record_allows),
    "records.recordtype": (_read_all_rows, _record_type_allows),
    "records.disposallist": (_read_all_rows, _disposal_list_allows),
    "records.disposalitem": (_read_all_rows, _kept_log_allows),
    "records.disposallog": (_read_all_rows, _kept_log_allows),
    "records.policydocument": (_policy_rows, _policy_allows),
    "reports.evaluationreport": (_evaluation_report_rows, _evaluation_report_allows),
}


def _rule(model):
    try:
        return RULES[model._meta.label_lower]
    except KeyError:
        raise LookupError(f"No permission rule for {model._meta.label}") from None


def visible(user, queryset):
    """Return the rows of `queryset` that `user` may see."""
    if not is_staff_user(user):
        return queryset.none()
    rows, _allows = _rule(queryset.model)
    return rows(user, queryset)


def can(user, action, obj):
    """Return whether `user` may do `action` on `obj` (or on a model class)."""
    if not is_staff_user(user):
        return False
    _rows, allows = _rule(obj)
    if action == Action.VIEW and user.is_superuser:
        return True
    return bool(allows(user, action, obj))


def get_for_user_or_404(queryset, user, **lookup):
    """Fetch one row the user may see, or raise Http404 as if it did not exist."""
    try:
        return visible(user, queryset).get(**lookup)
    except queryset.model.DoesNotExist as error:
        raise Http404 from error


def require(user, action, obj):
    """Raise PermissionDenied unless `can(user, action, obj)`."""
    from django.core.exceptions import PermissionDenied

    if not can(user, action, obj):
        raise PermissionDenied
