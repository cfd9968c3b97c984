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
  involves; the head approves targets, minutes and the programme.
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
    from mitra.agreements.models import PRE_SIGNING, Agreement

    if reads_all(user):
        return queryset
    units = acting_unit_ids(user)
    own = Agreement.units.through.objects.filter(unit_id__in=units)
    return queryset.filter(
        ~Q(status__in=PRE_SIGNING)
        | Q(pk__in=own.values("agreement_id"))
        | Q(responsible_user=user)
        | Q(created_by=user)
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
    if manages_all(user):
        return action != Action.DELETE or agreement.status == Status.DRAFT
    if not is_staff_user(user) or user.role != Role.UNIT:
        return False
    if action in (Action.CHANGE, Action.ADD_ACTIVITY):
        return _agreement_is_own(user, agreement)
    if action == Action.DELETE:
        return agreement.status == Status.DRAFT and _agreement_is_own(user, agreement)
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


RULES = {
    "agreements.agreement": (_agreement_rows, _agreement_allows),
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
