"""Every change to agreements, activities and their evidence.

The web pages, the register importer and the management commands all call
these functions, so each rule on a cooperation document is written once.
They take keyword arguments only, run in one transaction each, and raise
`ValidationError` (with a message per field where there is a field to
blame) when a rule is broken; nothing is stored then.

Documents nest: an MoA (*PKS*) implements one or more MoUs, an IA
implements an MoA, an addendum amends one agreement. A child that ends
after its parent is common in real registers, so it is reported as a
warning, never refused.
"""

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from mitra.agreements.models import (
    PRE_SIGNING,
    SIGNED_STATUSES,
    Activity,
    Agreement,
    DocumentType,
    Evidence,
    Participation,
    Status,
)
from mitra.core.clock import EARLIEST_DATE, LATEST_DATE
from mitra.core.fields import Scope, Tridharma
from mitra.core.models import UnitKind
from mitra.core.permissions import acting_unit_ids, manages_all
from mitra.core.validators import validate_evidence_file, validate_pdf

logger = logging.getLogger(__name__)

#: Single-valued agreement fields the services accept as keyword arguments.
AGREEMENT_FIELDS = frozenset(
    {
        "document_type",
        "number",
        "partner_number",
        "title",
        "partner",
        "no_parent_reason",
        "scope",
        "start_date",
        "end_date",
        "status",
        "signed_on",
        "our_signatory_name",
        "our_signatory_position",
        "partner_signatory_name",
        "partner_signatory_position",
        "responsible_user",
        "partner_contact",
        "value",
        "funding_source",
        "signed_file",
        "renews",
        "terminated_on",
        "termination_reason",
        "notes",
        *Tridharma.values,
    }
)
_STRIPPED = ("number", "partner_number", "title", "no_parent_reason")
#: Text fields stored as "" rather than NULL when given None.
_BLANK_NOT_NULL = frozenset(
    {
        "scope",
        "funding_source",
        "notes",
        "signed_file",
        "our_signatory_name",
        "our_signatory_position",
        "partner_signatory_name",
        "partner_signatory_position",
        "termination_reason",
    }
)

#: The document types each type may sit under.
PARENT_TYPES = {
    DocumentType.MOU: frozenset(),
    DocumentType.MOA: frozenset({DocumentType.MOU}),
    DocumentType.IA: frozenset({DocumentType.MOA}),
    DocumentType.ADDENDUM: frozenset(
        {DocumentType.MOU, DocumentType.MOA, DocumentType.IA, DocumentType.OTHER}
    ),
    DocumentType.OTHER: frozenset(DocumentType.values),
}
#: Types that need a parent, or a recorded reason for having none.
NEEDS_PARENT = frozenset({DocumentType.MOA, DocumentType.IA, DocumentType.ADDENDUM})

ACTIVITY_FIELDS = frozenset(
    {
        "title",
        "form",
        "unit",
        "start_date",
        "end_date",
        "description",
        "benefit",
        "output",
    }
)
PARTICIPATION_COUNTS = ("students", "students_credited", "certificates", "lecturers")


@dataclass
class AgreementResult:
    """What a create or update did: the agreement, warnings, and whether
    anything was changed (an update with the same values changes nothing)."""

    agreement: Agreement
    warnings: list = field(default_factory=list)
    changed: bool = True


class _Errors:
    """Collect messages per field, then raise them together."""

    def __init__(self):
        self.messages = {}

    def add(self, name, message):
        self.messages.setdefault(name or NON_FIELD_ERRORS, []).append(message)

    def raise_any(self):
        if self.messages:
            raise ValidationError(self.messages)


# --- Agreements -------------------------------------------------------------


@transaction.atomic
def agreement_create(
    *,
    by,
    partner,
    document_type,
    title,
    parents=(),
    units=(),
    cooperation_types=(),
    fields=None,
    check_units=True,
    **values,
):
    """Record a new agreement and return an `AgreementResult`.

    `values` are any of AGREEMENT_FIELDS; `fields` is an optional set of
    Tridharma values (instead of the three booleans). `by` is the user
    acting, or None for the system. `check_units=False` skips the rule that
    unit staff name only their own units, for units carried over from
    another record by the signing workflow (a renewal, an addendum).
    """
    _check_names(values)
    agreement = Agreement(created_by=by)
    values.update(partner=partner, document_type=document_type, title=title)
    _assign(agreement, values, fields)
    parents, units = list(parents), list(units)

    _validate_agreement(
        agreement,
        parents=parents,
        units=units,
        old_units=(),
        by=by if check_units else None,
    )
    _save_agreement(agreement, by)
    agreement.parents.set(parents)
    agreement.units.set(units)
    agreement.cooperation_types.set(list(cooperation_types))

    logger.info("Agreement %s created", agreement.pk)
    return AgreementResult(agreement, agreement_warnings(agreement), changed=True)


@transaction.atomic
def agreement_update(
    *,
    agreement,
    by,
    parents=None,
    units=None,
    cooperation_types=None,
    fields=None,
    check_units=True,
    **values,
):
    """Change an agreement and return an `AgreementResult`.

    Only the values given change; a relation given (`parents`, `units`,
    `cooperation_types`) replaces the current set. Nothing is written when
    every value equals the stored one (`changed` is then False).
    `check_units=False` is for the signing workflow, whose steps (signing
    by leadership, an addendum's changes) are not a person editing units.
    """
    _check_names(values)
    before = _snapshot(agreement)
    old_units = list(agreement.units.all())
    old_parents = list(agreement.parents.all())
    _assign(agreement, values, fields)
    new_parents = old_parents if parents is None else list(parents)
    new_units = old_units if units is None else list(units)

    # A record kept from before the rule (an MoA imported without its MoU)
    # stays editable: the parent is asked for only when the links change.
    links_changed = agreement.document_type != before["document_type"] or (
        {parent.pk for parent in new_parents} != {parent.pk for parent in old_parents}
    )
    try:
        _validate_agreement(
            agreement,
            parents=new_parents,
            units=new_units,
            old_units=old_units,
            by=by if check_units else None,
            require_parent=links_changed,
        )
    except ValidationError:
        _restore(agreement, before)
        raise

    changed = _snapshot(agreement) != before or _has_new_file(agreement)
    if changed:
        _save_agreement(agreement, by)
    relations = (
        ("parents", parents),
        ("units", units),
        ("cooperation_types", cooperation_types),
    )
    for name, wanted in relations:
        if wanted is None:
            continue
        manager = getattr(agreement, name)
        wanted = list(wanted)
        if {obj.pk for obj in manager.all()} != {obj.pk for obj in wanted}:
            manager.set(wanted)
            changed = True
    if changed:
        logger.info("Agreement %s changed", agreement.pk)
    return AgreementResult(agreement, agreement_warnings(agreement), changed=changed)


@transaction.atomic
def agreement_delete(*, agreement, by):
    """Delete a draft agreement; anything further along is kept for the record.

    A draft that was once signed (and set back to draft) is kept too: its
    history says it was in force.
    """
    if agreement.status != Status.DRAFT or was_ever_signed(agreement):
        raise ValidationError(
            _("Only a draft can be deleted; terminate a signed agreement instead."),
            code="not_draft",
        )
    pk = agreement.pk
    renewed = agreement.renews
    agreement._history_user = by
    agreement.delete()
    if renewed is not None:
        _renewal_abandoned(renewed, by)
    logger.info("Draft agreement %s deleted", pk)


def _renewal_abandoned(renewed, by):
    """Put back "signed" an agreement whose last renewal draft was deleted."""
    if renewed.status != Status.IN_RENEWAL:
        return
    if renewed.renewals.filter(status__in=PRE_SIGNING).exists():
        return
    renewed.status = Status.SIGNED
    renewed._history_user = by
    renewed._change_reason = "renewal draft deleted"
    renewed.save(update_fields=["status", "updated_at"])


def agreement_warnings(agreement):
    """Return warnings about an agreement's dates against its relatives.

    Uses prefetched `parents` and `children` when present, so a detail page
    showing only the children its viewer may see warns only about those.
    """
    warnings = []
    for parent in agreement.parents.all():
        if _outlives(agreement, parent):
            warnings.append(
                _("This document ends after its parent %(parent)s (%(end)s).")
                % {"parent": _label(parent), "end": parent.end_date.isoformat()}
            )
    for child in agreement.children.all():
        if _outlives(child, agreement):
            warnings.append(
                _("%(child)s ends after this document.") % {"child": _label(child)}
            )
    return [str(warning) for warning in warnings]


def _outlives(child, parent):
    # A draft's dates are not settled yet, so only signed documents warn.
    if parent.end_date is None or {child.status, parent.status} & set(PRE_SIGNING):
        return False
    return child.end_date is None or child.end_date > parent.end_date


def _label(agreement):
    return agreement.number or agreement.title


def _check_names(values):
    unknown = set(values) - AGREEMENT_FIELDS
    if unknown:
        raise TypeError(f"Unknown agreement fields: {', '.join(sorted(unknown))}")


def _assign(agreement, values, fields):
    for name, value in values.items():
        if name in _STRIPPED:
            value = (value or "").strip()
        if name == "number":
            value = value or None
        elif not value and name in _BLANK_NOT_NULL:
            value = ""
        setattr(agreement, name, value)
    if fields is not None:
        agreement.fields = fields


def _snapshot(agreement):
    values = {}
    for model_field in agreement._meta.concrete_fields:
        value = getattr(agreement, model_field.attname)
        if model_field.name == "signed_file":
            value = value.name if value else ""
        values[model_field.attname] = value
    return values


def _restore(agreement, snapshot):
    for attname, value in snapshot.items():
        setattr(agreement, attname, value)


def _has_new_file(agreement):
    return bool(agreement.signed_file) and not agreement.signed_file._committed


def _save_agreement(agreement, by):
    agreement._history_user = by
    try:
        with transaction.atomic():
            agreement.save()
    except IntegrityError as error:
        # Only a concurrent writer gets here: the checks above saw no twin.
        raise ValidationError(
            {"number": [_("Another agreement already has this number.")]}
        ) from error


def was_ever_signed(agreement):
    """Return whether the agreement's history shows it signed at some time."""
    if agreement.pk is None:
        return False
    return agreement.history.filter(
        status__in=[*SIGNED_STATUSES, Status.TERMINATED]
    ).exists()


def _check_status_change(agreement, by, errors):
    """Only the office and the head set a signed agreement back to a draft."""
    from mitra.core.permissions import manages_all

    if (
        agreement.pk
        and agreement.status in PRE_SIGNING
        and not manages_all(by)
        and was_ever_signed(agreement)
    ):
        errors.add(
            "status",
            _(
                "This agreement has been signed: only the cooperation office can "
                "set it back to a draft."
            ),
        )


def _validate_agreement(
    agreement, *, parents, units, old_units, by, require_parent=True
):
    errors = _Errors()
    _check_status_change(agreement, by, errors)
    _check_choices(agreement, errors)
    _check_number(agreement, errors)
    _check_dates(agreement, errors)
    _check_parents(agreement, parents, errors, require_parent)
    _check_renews(agreement, errors)
    _check_people(agreement, errors)
    _check_units(units, old_units, by, errors)
    _check_signed_file(agreement, errors)
    errors.raise_any()


def _check_choices(agreement, errors):
    if agreement.document_type not in DocumentType.values:
        errors.add("document_type", _("Choose a document type."))
    if agreement.status not in Status.values:
        errors.add("status", _("Choose a status."))
    if agreement.scope and agreement.scope not in Scope.values:
        errors.add("scope", _("Choose a scope."))
    if not agreement.title:
        errors.add("title", _("A title is required."))
    if agreement.partner_id is None:
        errors.add("partner", _("A partner is required."))
    if agreement.value is not None and agreement.value < 0:
        errors.add("value", _("The value cannot be negative."))


def _check_number(agreement, errors):
    if not agreement.number:
        return
    twins = Agreement.objects.filter(number__iexact=agreement.number)
    if agreement.pk:
        twins = twins.exclude(pk=agreement.pk)
    if twins.exists():
        errors.add(
            "number",
            _("Another agreement already has the number %(number)s.")
            % {"number": agreement.number},
        )


def _check_dates(agreement, errors):
    start, end = agreement.start_date, agreement.end_date
    for name in ("start_date", "end_date", "signed_on", "terminated_on"):
        value = getattr(agreement, name)
        if value and not EARLIEST_DATE <= value <= LATEST_DATE:
            errors.add(
                name,
                _("Give a date between %(first)s and %(last)s.")
                % {"first": EARLIEST_DATE.year, "last": LATEST_DATE.year},
            )
    if agreement.status == Status.TERMINATED and not agreement.terminated_on:
        errors.add("terminated_on", _("A terminated agreement needs its end date."))
    if start and end and end < start:
        errors.add("end_date", _("The end date is before the start date."))
    if agreement.status in SIGNED_STATUSES and not start:
        errors.add("start_date", _("A signed agreement needs a start date."))
    if agreement.terminated_on and start and agreement.terminated_on < start:
        errors.add("terminated_on", _("The termination is before the start date."))


def _check_parents(agreement, parents, errors, require_parent):
    kind = agreement.document_type
    allowed = PARENT_TYPES.get(kind, frozenset())
    for parent in parents:
        if agreement.pk and parent.pk == agreement.pk:
            errors.add("parents", _("A document cannot be its own parent."))
        elif parent.document_type not in allowed:
            errors.add(
                "parents",
                _(
                    "%(parent)s is a %(parent_type)s: it cannot be the parent of a "
                    "%(type)s."
                )
                % {
                    "parent": _label(parent),
                    "parent_type": parent.get_document_type_display(),
                    "type": agreement.get_document_type_display(),
                },
            )
    if kind == DocumentType.ADDENDUM and len(parents) > 1:
        errors.add("parents", _("An addendum amends exactly one agreement."))
    if (
        require_parent
        and kind in NEEDS_PARENT
        and not parents
        and not agreement.no_parent_reason
    ):
        errors.add(
            "no_parent_reason",
            _("Choose the parent document, or say why there is none."),
        )
    if agreement.pk and parents and _is_ancestor(agreement, parents):
        errors.add("parents", _("These parents would make the documents a loop."))


def _is_ancestor(agreement, parents):
    """Return whether `agreement` is already above one of `parents`."""
    through = Agreement.parents.through
    seen, frontier = set(), {parent.pk for parent in parents}
    while frontier:
        if agreement.pk in frontier:
            return True
        seen |= frontier
        frontier = (
            set(
                through.objects.filter(from_agreement_id__in=frontier).values_list(
                    "to_agreement_id", flat=True
                )
            )
            - seen
        )
    return False


def _check_renews(agreement, errors):
    if agreement.renews_id is None:
        return
    seen, current = set(), agreement.renews_id
    while current is not None and current not in seen:
        if agreement.pk and current == agreement.pk:
            errors.add("renews", _("An agreement cannot renew itself."))
            return
        seen.add(current)
        current = (
            Agreement.objects.filter(pk=current)
            .values_list("renews_id", flat=True)
            .first()
        )


def _check_people(agreement, errors):
    contact = agreement.partner_contact
    if contact is not None and contact.partner_id != agreement.partner_id:
        errors.add(
            "partner_contact",
            _("The partner's responsible person must be a contact of this partner."),
        )


def _check_units(units, old_units, by, errors):
    if by is None or manages_all(by):
        return
    mine = acting_unit_ids(by)
    old = {unit.pk for unit in old_units}
    if any(unit.pk not in mine and unit.pk not in old for unit in units):
        errors.add("units", _("You can only add the units you act for."))
    if not any(unit.pk in mine for unit in units):
        errors.add("units", _("Keep at least one of your own units."))


def _check_signed_file(agreement, errors):
    if not _has_new_file(agreement):
        return
    try:
        validate_pdf(agreement.signed_file.file)
    except ValidationError as error:
        for message in error.messages:
            errors.add("signed_file", message)


# --- Activities ---------------------------------------------------------------


@transaction.atomic
def activity_create(*, agreement, by, title, start_date, participations=None, **values):
    """Record an activity carried out under `agreement` and return it.

    `values` are any of ACTIVITY_FIELDS; `participations` an optional list
    of rows for `participations_set`.
    """
    _check_activity_names(values)
    activity = Activity(
        agreement=agreement, title=title, start_date=start_date, created_by=by
    )
    _assign_activity(activity, values)
    _validate_activity(activity)
    activity._history_user = by
    activity.save()
    if participations is not None:
        participations_set(activity=activity, by=by, rows=participations)
    logger.info("Activity %s created under agreement %s", activity.pk, agreement.pk)
    return activity


@transaction.atomic
def activity_update(*, activity, by, participations=None, **values):
    """Change an activity; `participations`, when given, replaces its rows."""
    _check_activity_names(values)
    before = {name: getattr(activity, name) for name in ACTIVITY_FIELDS}
    _assign_activity(activity, values)
    try:
        _validate_activity(activity)
    except ValidationError:
        for name, value in before.items():
            setattr(activity, name, value)
        raise
    if {name: getattr(activity, name) for name in ACTIVITY_FIELDS} != before:
        activity._history_user = by
        activity.save()
    if participations is not None:
        participations_set(activity=activity, by=by, rows=participations)
    return activity


@transaction.atomic
def activity_delete(*, activity, by):
    """Delete an activity with its participation counts and evidence."""
    pk = activity.pk
    activity._history_user = by
    activity.delete()
    logger.info("Activity %s deleted", pk)


@transaction.atomic
def participations_set(*, activity, by, rows):
    """Replace the participation counts of `activity`, one row a study programme.

    Each row is a mapping with `unit` (a prodi) and any of `students`,
    `students_credited`, `certificates`, `lecturers` (whole numbers, 0 when
    missing).
    """
    errors = _Errors()
    wanted = {}
    for row in rows:
        unit = row["unit"]
        counts = _participation_counts(row, errors)
        if unit.kind != UnitKind.PRODI:
            errors.add(
                "participations",
                _("%(unit)s is not a study programme.") % {"unit": unit},
            )
        if unit.pk in wanted:
            errors.add(
                "participations",
                _("%(unit)s is listed twice.") % {"unit": unit},
            )
        wanted[unit.pk] = (unit, counts)
    errors.raise_any()

    existing = {row.unit_id: row for row in activity.participations.all()}
    for unit_id, row in existing.items():
        if unit_id not in wanted:
            row._history_user = by
            row.delete()
    for unit_id, (unit, counts) in wanted.items():
        row = existing.get(unit_id) or Participation(activity=activity, unit=unit)
        if row.pk and all(getattr(row, key) == counts[key] for key in counts):
            continue
        for key, value in counts.items():
            setattr(row, key, value)
        row._history_user = by
        row.save()


def _participation_counts(row, errors):
    counts = {}
    for key in PARTICIPATION_COUNTS:
        value = row.get(key) or 0
        if not isinstance(value, int) or value < 0:
            errors.add("participations", _("Counts are whole numbers, 0 or more."))
            value = 0
        counts[key] = value
    if counts["students_credited"] > counts["students"]:
        errors.add(
            "participations",
            _("%(unit)s: more students with credits recognised than students involved.")
            % {"unit": row["unit"]},
        )
    # A certificate goes to a participant: a student or a lecturer.
    if counts["certificates"] > counts["students"] + counts["lecturers"]:
        errors.add(
            "participations",
            _("%(unit)s: more certificates than students and lecturers involved.")
            % {"unit": row["unit"]},
        )
    return counts


def _check_activity_names(values):
    unknown = set(values) - ACTIVITY_FIELDS
    if unknown:
        raise TypeError(f"Unknown activity fields: {', '.join(sorted(unknown))}")


def _assign_activity(activity, values):
    for name, value in values.items():
        if name == "title":
            value = (value or "").strip()
        elif value is None and name in ("description", "benefit", "output"):
            value = ""
        setattr(activity, name, value)


def _validate_activity(activity):
    errors = _Errors()
    if not activity.title:
        errors.add("title", _("A title is required."))
    if activity.start_date is None:
        errors.add("start_date", _("A start date is required."))
    elif activity.end_date and activity.end_date < activity.start_date:
        errors.add("end_date", _("The end date is before the start date."))
    errors.raise_any()


# --- Evidence -------------------------------------------------------------------


@transaction.atomic
def evidence_add(*, activity, by, description, file):
    """Store a file proving `activity` took place and return the Evidence."""
    errors = _Errors()
    description = (description or "").strip()
    if not description:
        errors.add("description", _("Say what the file shows."))
    if not isinstance(file, UploadedFile) and not hasattr(file, "read"):
        errors.add("file", _("Choose a file."))
    else:
        try:
            validate_evidence_file(file)
        except ValidationError as error:
            for message in error.messages:
                errors.add("file", message)
    errors.raise_any()

    evidence = Evidence(
        activity=activity, description=description, file=file, uploaded_by=by
    )
    evidence._history_user = by
    evidence.save()
    return evidence


@transaction.atomic
def evidence_delete(*, evidence, by):
    """Remove an evidence record.

    The stored file stays: its past versions in the history point to it,
    and the records register decides when files are disposed of.
    """
    evidence._history_user = by
    evidence.delete()


def participation_totals(participations: Iterable[Mapping]):
    """Sum the counts of participation rows (objects or mappings)."""
    totals = dict.fromkeys(PARTICIPATION_COUNTS, 0)
    for row in participations:
        for key in PARTICIPATION_COUNTS:
            value = row[key] if isinstance(row, Mapping) else getattr(row, key)
            totals[key] += value or 0
    return totals
