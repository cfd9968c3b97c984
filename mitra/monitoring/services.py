"""Every change to monitoring rounds, their entries and evidence.

The functions take keyword arguments only, run in one transaction each and
raise `ValidationError` (by field where there is a field to blame) when a
rule is broken; nothing is stored then.

The life of a round: `round_open` creates it with one entry per agreement
in force on its reference date, assigned to whoever can fill it
(`assignees_for`); the units fill their entries
(`entry_update`, submitting when done) until the office closes the round
(`round_close`), which issues the recap (form BO.28.1.2) as a frozen
document. A closed round can be reopened; closing it again issues the next
version of the recap.
"""

import logging
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from mitra.agreements.models import Agreement
from mitra.core import clock
from mitra.core.models import Unit, User
from mitra.core.validators import validate_evidence_file
from mitra.monitoring.models import (
    ImplementationStatus,
    MonitoringEntry,
    MonitoringEvidence,
    MonitoringRound,
    PeriodKind,
    RoundStatus,
    period_bounds,
    period_label,
)

logger = logging.getLogger(__name__)

RECAP_FORM = "monitoring_recap"
#: The years a round (and a survey round) may be for.
MIN_YEAR, MAX_YEAR = 2000, 2100


class _Errors:
    def __init__(self):
        self.errors = {}

    def add(self, field, message):
        self.errors.setdefault(field, []).append(message)

    def raise_any(self):
        if self.errors:
            raise ValidationError(self.errors)


def _clean_text(value, length=None):
    text = (value or "").strip()
    return text[:length] if length else text


def default_title(period_kind, year):
    return str(_("Monitoring %(period)s") % {"period": period_label(period_kind, year)})


def default_reference_date(period_kind, year, on=None):
    """The period's last day, or `on` (today) while the period is running."""
    on = on or clock.today()
    start, end = period_bounds(period_kind, year)
    return min(end, max(start, on))


def _validate_round(errors, *, period_kind, year, reference_date, due_date):
    if period_kind not in PeriodKind.values:
        errors.add("period_kind", _("Choose a period."))
    if not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        errors.add(
            "year",
            _("Give a year between %(first)s and %(last)s.")
            % {"first": MIN_YEAR, "last": MAX_YEAR},
        )
    if due_date is None:
        errors.add("due_date", _("A due date is required."))
    elif reference_date is not None and due_date < reference_date:
        errors.add("due_date", _("The due date is before the reference date."))


def _validate_reference_date(errors, *, period_kind, year, reference_date):
    """Refuse a reference date outside the period: it would pick agreements
    in force at another time (or none at all) without anyone noticing."""
    period_known = period_kind in PeriodKind.values and isinstance(year, int)
    if reference_date is None or not period_known or "year" in errors.errors:
        return
    start, end = period_bounds(period_kind, year)
    if not start <= reference_date <= end:
        errors.add(
            "reference_date",
            _("The reference date must fall within the period (%(start)s to %(end)s).")
            % {
                "start": date_format(start, "DATE_FORMAT"),
                "end": date_format(end, "DATE_FORMAT"),
            },
        )


# --- Rounds ---------------------------------------------------------------


def round_open(
    *,
    by,
    period_kind,
    year,
    due_date,
    title="",
    reference_date=None,
    notes="",
):
    """Open a round and create its entries; return the round.

    `reference_date` defaults to the period's last day, or today while the
    period runs, and must fall within the period. Every agreement in force
    on it gets one entry. Entries nobody can be assigned to are logged as a
    warning; the page lists them (`selectors.unassigned_entries`).
    """
    errors = _Errors()
    year_known = isinstance(year, int) and MIN_YEAR <= year <= MAX_YEAR
    if period_kind in PeriodKind.values and year_known:
        reference_date = reference_date or default_reference_date(period_kind, year)
    _validate_round(
        errors,
        period_kind=period_kind,
        year=year,
        reference_date=reference_date,
        due_date=due_date,
    )
    _validate_reference_date(
        errors, period_kind=period_kind, year=year, reference_date=reference_date
    )
    errors.raise_any()
    if MonitoringRound.objects.filter(period_kind=period_kind, year=year).exists():
        raise ValidationError(
            {"year": [_("A round for this period exists already.")]},
            code="duplicate",
        )

    try:
        with transaction.atomic():
            monitoring_round = MonitoringRound(
                title=_clean_text(title, 200) or default_title(period_kind, year),
                period_kind=period_kind,
                year=year,
                reference_date=reference_date,
                due_date=due_date,
                notes=_clean_text(notes),
                opened_by=by,
            )
            monitoring_round._history_user = by
            monitoring_round.save()
            created = round_add_entries(monitoring_round=monitoring_round, by=by)
    except IntegrityError as error:
        raise ValidationError(
            {"year": [_("A round for this period exists already.")]},
            code="duplicate",
        ) from error
    logger.info(
        "Monitoring round %s opened with %s entries", monitoring_round.pk, created
    )
    return monitoring_round


def _lock(monitoring_round):
    return MonitoringRound.objects.select_for_update().get(pk=monitoring_round.pk)


class UnitStaff:
    """The active staff of units and of every unit above them, read at once.

    Built for a batch of agreements (their `units` prefetched), so that
    assigning every entry of a round costs the same two queries whatever
    the number of agreements.
    """

    def __init__(self, agreements):
        self.parent = dict(Unit.objects.values_list("pk", "parent_id"))
        wanted = {
            pk
            for agreement in agreements
            for unit in agreement.units.all()
            for pk in self._upwards(unit.pk)
        }
        self.staff = defaultdict(list)
        memberships = (
            User.units.through.objects.filter(unit_id__in=wanted, user__is_active=True)
            .select_related("user")
            .order_by("user_id")
        )
        for membership in memberships:
            self.staff[membership.unit_id].append(membership.user)

    def _upwards(self, unit_id):
        """Yield `unit_id` and the units above it, nearest first."""
        seen = set()
        while unit_id is not None and unit_id not in seen:
            seen.add(unit_id)
            yield unit_id
            unit_id = self.parent.get(unit_id)

    def nearest(self, unit_id):
        """Return the staff of the unit, else of the nearest unit above it."""
        for pk in self._upwards(unit_id):
            if self.staff[pk]:
                return self.staff[pk]
        return []


def assignees_for(agreement, staff=None):
    """Who answers for `agreement`: its responsible person, else its units' staff.

    A unit without active staff of its own (a prodi run by its jurusan) is
    answered for by the staff of the nearest unit above it that has some:
    they are the ones who may fill its entries (a jurusan's staff act for
    its prodis), so they must be the ones reminded. An agreement whose units
    have nobody above them either gets nobody.

    Expects `responsible_user` selected and `units` prefetched; `staff` is a
    `UnitStaff` of a batch of agreements including this one.
    """
    responsible = agreement.responsible_user
    if responsible is not None and responsible.is_active:
        return [responsible]
    if staff is None:
        staff = UnitStaff([agreement])
    people = {
        user.pk: user
        for unit in agreement.units.all()
        for user in staff.nearest(unit.pk)
    }
    return list(people.values())


@transaction.atomic
def round_add_entries(*, monitoring_round, by):
    """Give an entry to every agreement in force on the reference date lacking one.

    Used when opening a round, and later for agreements recorded since.
    Return how many entries were created (in bulk, in one transaction).
    """
    monitoring_round = _lock(monitoring_round)
    if not monitoring_round.is_open:
        raise ValidationError(_("The round is closed."), code="closed")
    agreements = list(
        Agreement.objects.in_force(monitoring_round.reference_date)
        .exclude(monitoring_entries__round=monitoring_round)
        .select_related("responsible_user")
        .prefetch_related("units")
        .order_by("pk")
    )
    if not agreements:
        return 0
    entries = bulk_create_with_history(
        [
            MonitoringEntry(round=monitoring_round, agreement=agreement)
            for agreement in agreements
        ],
        MonitoringEntry,
        default_user=by,
    )
    ids = dict(
        MonitoringEntry.objects.filter(
            round=monitoring_round, agreement__in=agreements
        ).values_list("agreement_id", "pk")
    )
    staff = UnitStaff(agreements)
    assigned = {
        agreement.pk: assignees_for(agreement, staff) for agreement in agreements
    }
    Through = MonitoringEntry.assignees.through
    Through.objects.bulk_create(
        [
            Through(monitoringentry_id=ids[agreement.pk], user_id=user.pk)
            for agreement in agreements
            for user in assigned[agreement.pk]
        ]
    )
    nobody = [pk for pk, people in assigned.items() if not people]
    if nobody:
        logger.warning(
            "Monitoring round %s: nobody can fill the entries of agreements %s",
            monitoring_round.pk,
            nobody,
        )
    return len(entries)


@transaction.atomic
def round_update(*, monitoring_round, by, title, due_date, notes=""):
    """Change a round's title, due date and notes (the period stays)."""
    monitoring_round = _lock(monitoring_round)
    errors = _Errors()
    title = _clean_text(title, 200)
    if not title:
        errors.add("title", _("A title is required."))
    _validate_round(
        errors,
        period_kind=monitoring_round.period_kind,
        year=monitoring_round.year,
        reference_date=monitoring_round.reference_date,
        due_date=due_date,
    )
    errors.raise_any()
    monitoring_round.title = title
    monitoring_round.due_date = due_date
    monitoring_round.notes = _clean_text(notes)
    monitoring_round._history_user = by
    monitoring_round.save()
    return monitoring_round


def round_close(*, monitoring_round, by):
    """Close an open round and issue its recap; return the issued document.

    The recap covers every entry, submitted or not. When the recap cannot
    be produced (the office's template fails), the round stays open.
    """
    from mitra.documents.services import form_context, issue_document

    with transaction.atomic():
        monitoring_round = _lock(monitoring_round)
        if not monitoring_round.is_open:
            raise ValidationError(_("The round is closed already."), code="closed")
        monitoring_round.status = RoundStatus.CLOSED
        monitoring_round.closed_at = clock.now()
        monitoring_round.closed_by = by
        monitoring_round._history_user = by
        monitoring_round.save()
        document = issue_document(
            kind=RECAP_FORM,
            source=monitoring_round,
            context=form_context(RECAP_FORM, monitoring_round, user=None),
            by=by,
            title=str(
                _("Monitoring recap: %(round)s") % {"round": monitoring_round.title}
            ),
        )
    logger.info(
        "Monitoring round %s closed; recap version %s issued",
        monitoring_round.pk,
        document.version,
    )
    return document


@transaction.atomic
def round_reopen(*, monitoring_round, by):
    """Open a closed round again; the issued recap stays as it was."""
    monitoring_round = _lock(monitoring_round)
    if monitoring_round.is_open:
        raise ValidationError(_("The round is open already."), code="open")
    monitoring_round.status = RoundStatus.OPEN
    monitoring_round.closed_at = None
    monitoring_round.closed_by = None
    monitoring_round._history_user = by
    monitoring_round.save()
    return monitoring_round


def round_can_be_deleted(monitoring_round):
    """Only a round nobody answered and nothing was issued of may go."""
    from mitra.documents.models import IssuedDocument

    return (
        not monitoring_round.entries.filter(submitted_at__isnull=False).exists()
        and not IssuedDocument.objects.of(monitoring_round).exists()
    )


@transaction.atomic
def round_delete(*, monitoring_round, by):
    """Delete a round opened by mistake, with its (unanswered) entries."""
    monitoring_round = _lock(monitoring_round)
    if not round_can_be_deleted(monitoring_round):
        raise ValidationError(
            _(
                "A round with submitted entries or an issued recap cannot be "
                "deleted; close it instead."
            ),
            code="in_use",
        )
    pk = monitoring_round.pk
    monitoring_round._history_user = by
    monitoring_round.delete()
    logger.info("Monitoring round %s deleted", pk)


# --- Entries ----------------------------------------------------------------


def _lock_entry(entry):
    locked = (
        MonitoringEntry.objects.select_for_update()
        .select_related("round")
        .get(pk=entry.pk)
    )
    if not locked.round.is_open:
        raise ValidationError(
            _("The round is closed: its entries can no longer be changed."),
            code="closed",
        )
    return locked


def entry_update(
    *,
    entry,
    by,
    implementation_status="",
    activities=(),
    benefits="",
    obstacles="",
    follow_up="",
    submit=False,
    evidence=(),
):
    """Save what a unit reports on one agreement; submit it when `submit`.

    `activities` must be activities of the entry's agreement. `evidence` is
    a list of (description, file) pairs to attach. An entry submitted once
    stays submitted: later saves are submissions too. Submitting needs an
    implementation status, and obstacles when the agreement is stalled.
    """
    with transaction.atomic():
        entry = _lock_entry(entry)
        errors = _Errors()
        submit = submit or entry.is_submitted
        if implementation_status and (
            implementation_status not in ImplementationStatus.values
        ):
            errors.add("implementation_status", _("Choose a status from the list."))
        activities = list(activities)
        if any(activity.agreement_id != entry.agreement_id for activity in activities):
            errors.add(
                "activities",
                _("Only activities carried out under this agreement can be chosen."),
            )
        obstacles = _clean_text(obstacles)
        if submit:
            if not implementation_status:
                errors.add(
                    "implementation_status",
                    _("Say how far the agreement is carried out."),
                )
            elif implementation_status == ImplementationStatus.STALLED and (
                not obstacles
            ):
                errors.add("obstacles", _("Say what stalls it."))
        errors.raise_any()

        entry.implementation_status = implementation_status
        entry.benefits = _clean_text(benefits)
        entry.obstacles = obstacles
        entry.follow_up = _clean_text(follow_up)
        entry.filled_by = by
        if submit:
            entry.submitted_at = clock.now()
        entry._history_user = by
        entry.save()
        entry.activities.set(activities)
        for description, file in evidence:
            _add_evidence(entry=entry, by=by, description=description, file=file)
    return entry


def _add_evidence(*, entry, by, description, file):
    errors = _Errors()
    description = _clean_text(description, 300)
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
    evidence = MonitoringEvidence(
        entry=entry,
        description=description,
        file=file,
        uploaded_by=by,
        uploaded_at=clock.now(),
    )
    evidence._history_user = by
    evidence.save()
    return evidence


@transaction.atomic
def evidence_add(*, entry, by, description, file):
    """Attach one checked file to an entry of an open round."""
    entry = _lock_entry(entry)
    return _add_evidence(entry=entry, by=by, description=description, file=file)


@transaction.atomic
def evidence_delete(*, evidence, by):
    """Remove an evidence record of an open round (the stored file stays)."""
    _lock_entry(evidence.entry)
    evidence._history_user = by
    evidence.delete()
