"""The annual evaluation report (form FO.28.2.1): its figures, reads and writes.

Each December the cooperation office reports on the calendar year. The
figures come from the records; the office writes the narrative chapters
(analysis, problems, follow-up plan) in a draft kept per year, and the head
issues the report, which freezes it as an issued document (`mitra.documents`):
later changes to the records never alter an issued version, and issuing again
makes the next version.

The report is institution-wide: it is issued by the office and its head for
the whole institution, so its figures are counted over every record, with no
restriction by the reader's units. Who may read a draft or an issued report
is decided by the permission gate (`mitra.core.permissions`).

How the figures count, for year Y reckoned up to day E (31 December, or
today while the year runs):

* **new**: signed in the year (the signing date, else the start date);
* **active**: in force at some time in the year: signed, started by E, and
  not ended before 1 January (a terminated agreement ends on its termination
  date, else its end date);
* **expired**: its last day fell in the year, up to E (terminated ones are
  counted as terminated instead);
* **renewed**: a renewal (an agreement renewing another) signed in the year;
* **terminated**: terminated in the year (by its termination date).

By unit, an agreement counts for the jurusan or service unit it belongs to,
a prodi's agreements rolled up to its jurusan, once per unit; by tridharma
field, once per field. Activities count when they took place in the year
(started by E, not ended before 1 January); participants count for the
study programme they are recorded for, rolled up the same way. Monitoring
rounds count in the year of their reference date. Dormant agreements are
those in force on E with no activity in the months before it
(`MITRA_DORMANT_MONTHS`).

Sections fed by other apps (targets, activity outputs, monitoring, survey)
say honestly when that part of Mitra is not available.
"""

import datetime
import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, Q, Sum, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from mitra.agreements.models import (
    PRE_SIGNING,
    Activity,
    Agreement,
    DocumentType,
    Participation,
    Status,
)
from mitra.core import clock
from mitra.core.fields import Scope, Tridharma
from mitra.core.models import Unit, UnitKind
from mitra.documents import charts
from mitra.reports.evaluation_models import FIRST_YEAR, EvaluationReport

logger = logging.getLogger(__name__)

#: The code of the printed form (and of its issued documents).
FORM_CODE = "evaluation_report"

#: The numbered chapters, in order: (key, number, heading msgid).
CHAPTERS = (
    ("introduction", "I", gettext_noop("Introduction")),
    ("achievements", "II", gettext_noop("Achievements")),
    ("analysis", "III", gettext_noop("Analysis")),
    ("problems", "IV", gettext_noop("Problems")),
    ("follow_up_plan", "V", gettext_noop("Follow-up plan")),
    ("closing", "VI", gettext_noop("Closing")),
)

#: The sections of the achievements chapter: (key, letter, heading msgid).
SECTIONS = (
    ("agreements", "A", gettext_noop("Cooperation documents")),
    ("targets", "B", gettext_noop("Achievement against the year's targets")),
    ("activities", "C", gettext_noop("Activities and their outputs")),
    ("monitoring", "D", gettext_noop("Monitoring")),
    ("survey", "E", gettext_noop("Partner satisfaction")),
    ("dormant", "F", gettext_noop("Dormant agreements")),
)

#: The narrative fields the office writes, in the order of the chapters.
NARRATIVE_FIELDS = ("introduction", "analysis", "problems", "follow_up_plan", "closing")

#: The columns of every breakdown of agreements.
CATEGORIES = ("new", "active", "expired", "renewed", "terminated")

CATEGORY_LABELS = {
    "new": (_("New"), _("signed in the year")),
    "active": (_("Active"), _("in force at some time in the year")),
    "expired": (_("Expired"), _("last day in the year")),
    "renewed": (_("Renewed"), _("renewal signed in the year")),
    "terminated": (_("Terminated"), _("terminated in the year")),
}

#: Workflow statuses of an agreement that was signed.
SIGNED_ONCE = (Status.SIGNED, Status.IN_RENEWAL, Status.TERMINATED)

GRADE_MEANINGS = {
    "A": _("very good"),
    "B": _("good"),
    "C": _("not good"),
    "D": pgettext_lazy("grade", "poor"),
}

PARTICIPANT_KEYS = ("students", "students_credited", "certificates", "lecturers")

EN_DASH = "\u2013"


# --- The year ----------------------------------------------------------------


def year_bounds(year):
    """Return the first and last day of calendar year `year`."""
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def reckoned_on(year, on=None):
    """Return the last day the figures of `year` count: 31 December, or today."""
    on = on or clock.today()
    return min(year_bounds(year)[1], on)


def is_reportable(year, on=None):
    """Whether a report can be written for `year` (not a future one)."""
    on = on or clock.today()
    return FIRST_YEAR <= year <= on.year


def check_year(year):
    if not is_reportable(year):
        raise ValidationError(
            _("There is no report for the year %(year)s."),
            params={"year": year},
            code="year",
        )


def reportable_years(on=None):
    """Return the years a report may be written for, newest first.

    From the year of the oldest agreement or report (at most the last
    fifteen years before that) to the current year.
    """
    on = on or clock.today()
    first_agreement = (
        Agreement.objects.filter(status__in=SIGNED_ONCE)
        .annotate(day=Coalesce("start_date", "signed_on"))
        .exclude(day__isnull=True)
        .order_by("day")
        .values_list("day", flat=True)
        .first()
    )
    first_report = (
        EvaluationReport.objects.order_by("year").values_list("year", flat=True).first()
    )
    first = min(
        [on.year - 1]
        + ([first_agreement.year] if first_agreement else [])
        + ([first_report] if first_report else [])
    )
    first = max(first, FIRST_YEAR, on.year - 15)
    return list(range(on.year, first - 1, -1))


# --- Small helpers -----------------------------------------------------------


def _date(value):
    from mitra.documents.services import long_date

    return long_date(value)


def _period(start, end):
    if not start and not end:
        return ""
    return f"{_date(start) or '…'} {EN_DASH} {_date(end) or gettext('open-ended')}"


def _decimal(value, places=2):
    """Format a number with `places` decimals, rounded half up (not cut)."""
    if value is None:
        return ""
    step = Decimal(1).scaleb(-places)
    return number_format(Decimal(str(value)).quantize(step, ROUND_HALF_UP), places)


def paragraphs(text):
    """Split written text into paragraphs at blank lines: [{"text": …}, …]."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    parts = re.split(r"\n\s*\n", text)
    return [{"text": part.strip()} for part in parts if part.strip()]


class UnitRollup:
    """The unit tree read once: each unit's reporting unit.

    A unit is reported under the unit right below the institution it belongs
    to: a prodi under its jurusan, a service unit as itself. The institution
    itself is its own reporting unit.
    """

    def __init__(self):
        self.units = {
            unit.pk: unit
            for unit in Unit.objects.only(
                "pk", "code", "name", "kind", "parent_id", "is_active"
            )
        }
        self._top = {}

    def top(self, unit_id):
        if unit_id in self._top:
            return self._top[unit_id]
        unit = self.units.get(unit_id)
        seen = set()
        while (
            unit is not None
            and unit.kind != UnitKind.INSTITUTION
            and unit.parent_id in self.units
            and self.units[unit.parent_id].kind != UnitKind.INSTITUTION
            and unit.pk not in seen
        ):
            seen.add(unit.pk)
            unit = self.units[unit.parent_id]
        self._top[unit_id] = unit.pk if unit is not None else None
        return self._top[unit_id]

    def tops(self, unit_ids):
        return {self.top(unit_id) for unit_id in unit_ids} - {None}

    def rows(self, counted_ids):
        """Return the reporting units to list: every active one, and any counted.

        Departments first, then service units, then the institution, each by
        name.
        """
        order = {UnitKind.JURUSAN: 0, UnitKind.UNIT: 1, UnitKind.PRODI: 1}
        listed = [
            unit
            for unit in self.units.values()
            if self.top(unit.pk) == unit.pk
            and (
                unit.pk in counted_ids
                or (unit.is_active and unit.kind != UnitKind.INSTITUTION)
            )
        ]
        return sorted(
            listed, key=lambda unit: (order.get(unit.kind, 2), unit.name, unit.pk)
        )


# --- Agreements --------------------------------------------------------------


@dataclass
class CountedAgreement:
    """An agreement reduced to what the report counts and lists."""

    pk: int
    number: str
    document_type: str
    title: str
    partner: str
    scope: str
    fields: set
    status: str
    signed_day: datetime.date | None
    start_day: datetime.date | None
    end_date: datetime.date | None
    terminated_on: datetime.date | None
    renews_id: int | None
    unit_ids: set
    flags: set


def _flags(row, first, last):
    flags = set()
    if row.signed_day and first <= row.signed_day <= last:
        flags.add("new")
        if row.renews_id:
            flags.add("renewed")
    terminated = row.status == Status.TERMINATED
    ends = (row.terminated_on or row.end_date) if terminated else row.end_date
    if row.start_day and row.start_day <= last and (ends is None or ends >= first):
        flags.add("active")
    if not terminated and row.end_date and first <= row.end_date <= last:
        flags.add("expired")
    if terminated and row.terminated_on and first <= row.terminated_on <= last:
        flags.add("terminated")
    return flags


def counted_agreements(year, on=None):
    """Return every agreement counted in `year`, each with its `flags`.

    Three queries whatever the number of agreements.
    """
    first, last = year_bounds(year)[0], reckoned_on(year, on)
    rows = (
        Agreement.objects.filter(status__in=SIGNED_ONCE)
        .annotate(
            signed_day=Coalesce("signed_on", "start_date"),
            start_day=Coalesce("start_date", "signed_on"),
            scope_value=Coalesce(NullIf("scope", Value("")), "partner__scope"),
        )
        .filter(
            Q(signed_day__range=(first, last))
            | Q(start_day__lte=last, end_date__isnull=True)
            | Q(start_day__lte=last, end_date__gte=first)
            | Q(start_day__lte=last, terminated_on__gte=first)
            | Q(end_date__range=(first, last))
            | Q(terminated_on__range=(first, last))
        )
        .values_list(
            "pk",
            "number",
            "document_type",
            "title",
            "partner__name",
            "scope_value",
            "education",
            "research",
            "community_service",
            "status",
            "signed_day",
            "start_day",
            "end_date",
            "terminated_on",
            "renews_id",
        )
    )
    found = {}
    for values in rows:
        (pk, number, kind, title, partner, scope, edu, research, service) = values[:9]
        row = CountedAgreement(
            pk=pk,
            number=number or "",
            document_type=kind,
            title=title,
            partner=partner,
            scope=scope or "",
            fields={
                field
                for field, flag in zip(
                    Tridharma.values, (edu, research, service), strict=True
                )
                if flag
            },
            status=values[9],
            signed_day=values[10],
            start_day=values[11],
            end_date=values[12],
            terminated_on=values[13],
            renews_id=values[14],
            unit_ids=set(),
            flags=set(),
        )
        row.flags = _flags(row, first, last)
        if row.flags:
            found[pk] = row
    links = Agreement.units.through.objects.filter(agreement_id__in=list(found))
    for agreement_id, unit_id in links.values_list("agreement_id", "unit_id"):
        found[agreement_id].unit_ids.add(unit_id)
    return sorted(
        found.values(),
        key=lambda row: (row.signed_day or datetime.date.min, row.number, row.pk),
    )


def _empty_counts():
    return dict.fromkeys(CATEGORIES, 0)


def _count_row(label, counts, **extra):
    return {"label": str(label), **counts, **extra}


def _breakdown(rows, keys_of, choices, *, other_label):
    """Count `rows` per key (several keys per row allowed) for each category."""
    counts = defaultdict(_empty_counts)
    for row in rows:
        for key in keys_of(row) or {""}:
            for flag in row.flags:
                counts[key][flag] += 1
    result = [
        _count_row(label, counts.get(value, _empty_counts()))
        for value, label in choices
    ]
    if "" in counts:
        result.append(_count_row(other_label, counts[""]))
    return result


def agreement_figures(year, *, on=None, rollup=None):
    """Return the agreements part of the report as plain data."""
    rollup = rollup or UnitRollup()
    rows = counted_agreements(year, on)
    totals = _empty_counts()
    for row in rows:
        for flag in row.flags:
            totals[flag] += 1

    unit_counts = defaultdict(_empty_counts)
    for row in rows:
        tops = rollup.tops(row.unit_ids) or {None}
        for top in tops:
            for flag in row.flags:
                unit_counts[top][flag] += 1
    by_unit = [
        _count_row(unit.name, unit_counts.get(unit.pk, _empty_counts()), code=unit.code)
        for unit in rollup.rows(set(unit_counts))
    ]
    if None in unit_counts:
        by_unit.append(_count_row(gettext("(no unit)"), unit_counts[None], code=""))

    def units_text(row):
        return ", ".join(
            sorted(
                rollup.units[unit_id].code
                for unit_id in row.unit_ids
                if unit_id in rollup.units
            )
        )

    new_rows = [row for row in rows if "new" in row.flags]
    ended = [row for row in rows if row.flags & {"expired", "terminated"}]
    renewals = _renewals_of([row.pk for row in ended if "expired" in row.flags])

    return {
        "totals": totals,
        "summary": [
            {
                "category": str(CATEGORY_LABELS[key][0]),
                "meaning": str(CATEGORY_LABELS[key][1]),
                "count": totals[key],
            }
            for key in CATEGORIES
        ],
        "by_type": _breakdown(
            rows,
            lambda row: {row.document_type},
            DocumentType.choices,
            other_label=gettext("(unknown)"),
        ),
        "by_scope": _breakdown(
            rows,
            lambda row: {row.scope} if row.scope else set(),
            Scope.choices,
            other_label=gettext("(unknown)"),
        ),
        "by_field": _breakdown(
            rows,
            lambda row: row.fields,
            Tridharma.choices,
            other_label=gettext("(no field)"),
        ),
        "by_unit": by_unit,
        "new_agreements": [
            {
                "number": str(index),
                "agreement_number": row.number,
                "document_type": str(DocumentType(row.document_type).label),
                "title": row.title,
                "partner": row.partner,
                "units": units_text(row),
                "signed_on": _date(row.signed_day),
                "period": _period(row.start_day, row.end_date),
                "renewal": gettext("yes") if "renewed" in row.flags else "",
            }
            for index, row in enumerate(new_rows, start=1)
        ],
        "ended_agreements": [
            {
                "number": str(index),
                "agreement_number": row.number,
                "document_type": str(DocumentType(row.document_type).label),
                "title": row.title,
                "partner": row.partner,
                "units": units_text(row),
                "ended_on": _date(
                    row.terminated_on if "terminated" in row.flags else row.end_date
                ),
                "how": (
                    gettext("Terminated")
                    if "terminated" in row.flags
                    else gettext("Expired")
                ),
                "renewal": (
                    renewals.get(row.pk, _not_renewed(row))
                    if "expired" in row.flags
                    else ""
                ),
            }
            for index, row in enumerate(
                sorted(
                    ended,
                    key=lambda row: (row.terminated_on or row.end_date, row.pk),
                ),
                start=1,
            )
        ],
    }


def _not_renewed(row):
    if row.status == Status.IN_RENEWAL:
        return gettext("In renewal")
    return gettext("Not renewed")


def _renewals_of(agreement_ids):
    """Return {renewed agreement id: what became of its renewal}. One query."""
    if not agreement_ids:
        return {}
    found = {}
    renewals = (
        Agreement.objects.filter(renews_id__in=agreement_ids)
        .exclude(status=Status.TERMINATED)
        .order_by("pk")
        .values_list("renews_id", "status", "number")
    )
    for renews_id, status, number in renewals:
        if status in PRE_SIGNING:
            found.setdefault(renews_id, gettext("Renewal in preparation"))
        else:
            found[renews_id] = gettext("Renewed by %(number)s") % {
                "number": number or gettext("(no number)")
            }
    return found


# --- Targets -----------------------------------------------------------------


def _target_criteria(target):
    parts = [str(target.get_measure_display())]
    if target.document_type:
        parts.append(str(target.get_document_type_display()))
    if target.scope:
        parts.append(str(target.get_scope_display()))
    if getattr(target, "cooperation_type_id", None):
        parts.append(str(target.cooperation_type))
    return ", ".join(parts)


def target_figures(year):
    """Return the achievement against the year's targets (planning's progress)."""
    try:
        from mitra.planning.selectors import target_progress
    except ImportError:
        progress = None
    else:
        progress = target_progress(year)
    if progress is None:
        return {
            "rows": [],
            "count": 0,
            "met": 0,
            "note": gettext("Targets are not available in this installation yet."),
        }
    rows = []
    for index, item in enumerate(progress, start=1):
        target = item.target
        rows.append(
            {
                "number": str(index),
                "unit": target.unit.name if target.unit_id else gettext("Institution"),
                "unit_code": target.unit.code if target.unit_id else "",
                "criteria": _target_criteria(target),
                "target": target.count,
                "achieved": item.achieved,
                "percent": item.percent,
                "met": gettext("yes") if item.is_met else gettext("no"),
            }
        )
    return {
        "rows": rows,
        "count": len(rows),
        "met": sum(1 for item in progress if item.is_met),
        "note": "" if rows else gettext("No targets were set for this year."),
    }


# --- Activities and outputs --------------------------------------------------


def _outputs_model():
    try:
        return apps.get_model("reports", "ActivityOutput")
    except LookupError:
        return None


def activity_figures(year, *, on=None, rollup=None):
    """Return the activities of the year, their participants and outputs.

    A fixed number of queries whatever the number of activities.
    """
    rollup = rollup or UnitRollup()
    first, last = year_bounds(year)[0], reckoned_on(year, on)
    sums = {
        key: Coalesce(Sum(f"participations__{key}"), 0, output_field=IntegerField())
        for key in PARTICIPANT_KEYS
    }
    activities = list(
        Activity.objects.filter(start_date__lte=last)
        .filter(
            Q(end_date__gte=first) | Q(end_date__isnull=True, start_date__gte=first)
        )
        .select_related("agreement__partner", "form", "unit")
        .annotate(**sums)
        .order_by("start_date", "pk")
    )
    ids = [activity.pk for activity in activities]

    agreement_units = defaultdict(set)
    without_unit = {a.agreement_id for a in activities if a.unit_id is None}
    if without_unit:
        links = Agreement.units.through.objects.filter(agreement_id__in=without_unit)
        for agreement_id, unit_id in links.values_list("agreement_id", "unit_id"):
            agreement_units[agreement_id].add(unit_id)

    participants = defaultdict(lambda: dict.fromkeys(PARTICIPANT_KEYS, 0))
    if ids:
        rows = Participation.objects.filter(activity_id__in=ids).values_list(
            "unit_id", *PARTICIPANT_KEYS
        )
        for unit_id, *numbers in rows:
            counts = participants[rollup.top(unit_id)]
            for key, number in zip(PARTICIPANT_KEYS, numbers, strict=True):
                counts[key] += number

    output_model = _outputs_model()
    outputs = defaultdict(list)
    output_kinds = []
    if output_model is not None:
        output_kinds = list(output_model._meta.get_field("kind").choices)
        if ids:
            rows = (
                output_model.objects.filter(activity_id__in=ids)
                .order_by("activity_id", "pk")
                .values_list("activity_id", "kind", "description")
            )
            for activity_id, kind, description in rows:
                outputs[activity_id].append((kind, description))
    kind_labels = dict(output_kinds)

    by_unit_count = defaultdict(int)
    by_form = defaultdict(int)
    form_names = {}
    listed = []
    for index, activity in enumerate(activities, start=1):
        unit_ids = (
            {activity.unit_id}
            if activity.unit_id
            else agreement_units.get(activity.agreement_id, set())
        )
        for top in rollup.tops(unit_ids) or {None}:
            by_unit_count[top] += 1
        form_key = activity.form_id or 0
        by_form[form_key] += 1
        form_names[form_key] = (
            activity.form.name if activity.form else gettext("(no form given)")
        )
        produced = [
            f"{kind_labels.get(kind, kind)}: {description}"
            for kind, description in outputs.get(activity.pk, [])
        ]
        if activity.output:
            produced.insert(0, activity.output)
        agreement = activity.agreement
        listed.append(
            {
                "number": str(index),
                "title": activity.title,
                "agreement": " ".join(
                    part
                    for part in (
                        agreement.get_document_type_display(),
                        agreement.number or "",
                    )
                    if part
                ),
                "partner": agreement.partner.name,
                "unit": (
                    activity.unit.code
                    if activity.unit
                    else ", ".join(
                        sorted(
                            rollup.units[unit_id].code
                            for unit_id in unit_ids
                            if unit_id in rollup.units
                        )
                    )
                ),
                "form": activity.form.name if activity.form else "",
                "period": (
                    _period(activity.start_date, activity.end_date)
                    if activity.end_date and activity.end_date != activity.start_date
                    else _date(activity.start_date)
                ),
                **{key: getattr(activity, key) for key in PARTICIPANT_KEYS},
                "outputs": "; ".join(produced),
            }
        )

    totals = {
        key: sum(getattr(activity, key) for activity in activities)
        for key in PARTICIPANT_KEYS
    }
    counted_units = set(by_unit_count) | set(participants)
    by_unit = [
        {
            "label": unit.name,
            "code": unit.code,
            "activities": by_unit_count.get(unit.pk, 0),
            **participants.get(unit.pk, dict.fromkeys(PARTICIPANT_KEYS, 0)),
        }
        for unit in rollup.rows(counted_units)
    ]
    if None in counted_units:
        by_unit.append(
            {
                "label": gettext("(no unit)"),
                "code": "",
                "activities": by_unit_count.get(None, 0),
                **participants.get(None, dict.fromkeys(PARTICIPANT_KEYS, 0)),
            }
        )
    output_counts = defaultdict(int)
    for produced in outputs.values():
        for kind, _description in produced:
            output_counts[kind] += 1
    return {
        "count": len(activities),
        "totals": totals,
        "list": listed,
        "by_unit": by_unit,
        "by_form": sorted(
            (
                {"label": form_names[key], "count": count}
                for key, count in by_form.items()
            ),
            key=lambda row: (-row["count"], row["label"]),
        ),
        "outputs_available": output_model is not None,
        "output_count": sum(output_counts.values()),
        "outputs_by_kind": [
            {"label": str(label), "count": output_counts.get(value, 0)}
            for value, label in output_kinds
        ],
        "with_output": sum(
            1 for activity in activities if outputs.get(activity.pk) or activity.output
        ),
    }


# --- Monitoring, survey, dormant agreements ----------------------------------


def monitoring_figures(year):
    """Return the monitoring rounds whose reference date falls in `year`."""
    try:
        from mitra.monitoring.models import (
            ImplementationStatus,
            MonitoringEntry,
            MonitoringRound,
        )
    except ImportError:
        return {
            "rounds": [],
            "note": gettext("Monitoring is not available in this installation yet."),
        }
    first, last = year_bounds(year)
    rounds = list(
        MonitoringRound.objects.filter(reference_date__range=(first, last)).order_by(
            "reference_date", "pk"
        )
    )
    stats = defaultdict(lambda: {"entries": 0, "submitted": 0, "statuses": {}})
    rows = (
        MonitoringEntry.objects.filter(round__in=[item.pk for item in rounds])
        .values_list("round_id", "implementation_status")
        .annotate(
            total=Count("pk"),
            submitted=Count("pk", filter=Q(submitted_at__isnull=False)),
        )
        .order_by()
    )
    for round_id, status, total, submitted in rows if rounds else ():
        item = stats[round_id]
        item["entries"] += total
        item["submitted"] += submitted
        if status and submitted:
            item["statuses"][status] = item["statuses"].get(status, 0) + submitted
    result = []
    for item in rounds:
        counts = stats[item.pk]
        entries, submitted = counts["entries"], counts["submitted"]
        result.append(
            {
                "title": item.title,
                "period": str(item.period_display),
                "reference_date": _date(item.reference_date),
                "status": str(item.get_status_display()),
                "entries": entries,
                "submitted": submitted,
                "percent": round(100 * submitted / entries) if entries else 0,
                **{
                    value: counts["statuses"].get(value, 0)
                    for value in ImplementationStatus.values
                },
            }
        )
    return {
        "rounds": result,
        "note": "" if result else gettext("No monitoring round was held this year."),
    }


def survey_figures(year):
    """Return the partner satisfaction of `year` (the surveys' summary)."""
    empty = {
        "round": "",
        "closed_on": "",
        "respondents": "",
        "service_index": "",
        "grade": "",
        "grade_meaning": "",
        "cooperation_index": "",
    }
    try:
        from mitra.surveys.selectors import survey_summary
    except ImportError:
        return {
            "survey": empty,
            "weakest": [],
            "note": gettext("Surveys are not available in this installation yet."),
        }
    summary = survey_summary(year)
    if summary is None:
        return {
            "survey": empty,
            "weakest": [],
            "note": gettext("No partner satisfaction survey was closed this year."),
        }
    survey_round = summary["round"]
    closed_at = getattr(survey_round, "closed_at", None)
    responses = getattr(survey_round, "responses", None)
    grade = summary.get("grade") or ""
    return {
        "survey": {
            "round": str(survey_round),
            "closed_on": _date(timezone.localdate(closed_at)) if closed_at else "",
            "respondents": str(responses.count()) if responses is not None else "",
            "service_index": _decimal(summary.get("service_index")),
            "grade": grade,
            "grade_meaning": str(GRADE_MEANINGS.get(grade, "")),
            "cooperation_index": _decimal(summary.get("cooperation_index")),
        },
        "weakest": [
            {"number": str(index), "item": str(label), "mean": _decimal(mean)}
            for index, (label, mean) in enumerate(
                summary.get("weakest_items") or [], start=1
            )
        ],
        "note": "",
    }


def dormant_figures(year, *, on=None):
    """Return the agreements dormant on the report's last day (institution-wide)."""
    try:
        from mitra.monitoring.selectors import dormant_agreements, dormant_months
    except ImportError:
        return {
            "months": "",
            "rows": [],
            "note": gettext("Monitoring is not available in this installation yet."),
        }
    as_of = reckoned_on(year, on)
    rows = list(
        dormant_agreements(user=None, as_of=as_of)
        .select_related("partner")
        .prefetch_related("units")
        .order_by("last_activity_on", "start_date", "pk")
    )
    return {
        "months": dormant_months(),
        "rows": [
            {
                "number": str(index),
                "agreement_number": agreement.number or "",
                "document_type": agreement.get_document_type_display(),
                "title": agreement.title,
                "partner": agreement.partner.name,
                "units": ", ".join(unit.code for unit in agreement.units.all()),
                "start_date": _date(agreement.start_date),
                "last_activity": _date(agreement.last_activity_on) or gettext("never"),
            }
            for index, agreement in enumerate(rows, start=1)
        ],
        "note": "",
    }


# --- The whole report --------------------------------------------------------


def _chart(title, rows, key, *, label="label", unit=""):
    return charts.bar_chart(
        title=title,
        labels=[row[label] for row in rows],
        values=[row[key] for row in rows],
        unit=unit,
    )


def report_title(year):
    return gettext("Annual Cooperation Evaluation Report, Year %(year)s") % {
        "year": year
    }


def _default_introduction(year, institution, as_of):
    return "\n\n".join(
        [
            gettext(
                "This report evaluates the cooperation of %(institution)s in "
                "%(year)s: the cooperation documents signed, in force, ended, "
                "renewed and terminated; the achievement against the year's "
                "targets; the activities carried out and their outputs; the "
                "monitoring of agreements; the satisfaction of partners; and the "
                "agreements that went dormant."
            )
            % {"institution": institution, "year": year},
            gettext(
                "The figures were computed from the cooperation records for the "
                "period %(period)s. The analysis, the problems and the follow-up "
                "plan were written by the cooperation office."
            )
            % {"period": _period(year_bounds(year)[0], as_of)},
        ]
    )


def _default_closing(year):
    return gettext(
        "This report is submitted as an account of the cooperation carried out "
        "in %(year)s and as a basis for planning the cooperation of "
        "%(next_year)s."
    ) % {"year": year, "next_year": year + 1}


def report_context(report, *, on=None, draft=True):
    """Return the variables of the evaluation report of `report.year`.

    `report` is an EvaluationReport (saved or not). The figures are counted
    over every record (the report is institution-wide). `draft` marks the
    preview; an issued version carries no mark.
    """
    from mitra.documents.services import letterhead

    year = report.year
    as_of = reckoned_on(year, on)
    rollup = UnitRollup()
    agreements = agreement_figures(year, on=on, rollup=rollup)
    targets = target_figures(year)
    activities = activity_figures(year, on=on, rollup=rollup)
    monitoring = monitoring_figures(year)
    survey = survey_figures(year)
    dormant = dormant_figures(year, on=on)
    institution = (
        letterhead().name or _institution_setting() or gettext("the institution")
    )

    introduction = report.introduction.strip() or _default_introduction(
        year, institution, as_of
    )
    closing = report.closing.strip() or _default_closing(year)
    totals = agreements["totals"]
    first = year_bounds(year)[0]

    context = {
        "form_title": report_title(year),
        "year": str(year),
        "period": _period(first, as_of),
        "as_of": _date(as_of),
        "draft_mark": gettext("DRAFT — not issued") if draft else "",
        "introduction": introduction,
        "introduction_paragraphs": paragraphs(introduction),
        "analysis": report.analysis.strip(),
        "analysis_paragraphs": paragraphs(report.analysis),
        "problems": report.problems.strip(),
        "problems_paragraphs": paragraphs(report.problems),
        "follow_up_plan": report.follow_up_plan.strip(),
        "follow_up_plan_paragraphs": paragraphs(report.follow_up_plan),
        "closing": closing,
        "closing_paragraphs": paragraphs(closing),
        "place": report.place.strip(),
        "signatory_name": report.signatory_name.strip(),
        "signatory_position": report.signatory_position.strip()
        or gettext("Head of the cooperation office"),
        "signatory_id_number": report.signatory_id_number.strip(),
        # Cooperation documents
        "new_count": totals["new"],
        "active_count": totals["active"],
        "expired_count": totals["expired"],
        "renewed_count": totals["renewed"],
        "terminated_count": totals["terminated"],
        "agreement_summary": agreements["summary"],
        "by_type": agreements["by_type"],
        "by_scope": agreements["by_scope"],
        "by_unit": agreements["by_unit"],
        "by_field": agreements["by_field"],
        "new_agreements": agreements["new_agreements"],
        "ended_agreements": agreements["ended_agreements"],
        # Targets
        "targets": targets["rows"],
        "target_count": targets["count"],
        "targets_met_count": targets["met"],
        "targets_note": targets["note"],
        # Activities
        "activity_count": activities["count"],
        "students": activities["totals"]["students"],
        "students_credited": activities["totals"]["students_credited"],
        "certificates": activities["totals"]["certificates"],
        "lecturers": activities["totals"]["lecturers"],
        "activities_with_output": activities["with_output"],
        "activities": activities["list"],
        "activities_by_unit": activities["by_unit"],
        "activities_by_form": activities["by_form"],
        "output_count": activities["output_count"],
        "outputs_by_kind": activities["outputs_by_kind"],
        "outputs_note": (
            ""
            if activities["outputs_available"]
            else gettext("Activity outputs are not recorded in this installation.")
        ),
        # Monitoring, survey, dormant agreements
        "monitoring_rounds": monitoring["rounds"],
        "monitoring_note": monitoring["note"],
        "survey": survey["survey"],
        "survey_weakest": survey["weakest"],
        "survey_note": survey["note"],
        "dormant_months": dormant["months"],
        "dormant_count": len(dormant["rows"]),
        "dormant": dormant["rows"],
        "dormant_note": dormant["note"],
        # Charts
        "chart_agreements": charts.bar_chart(
            title=gettext("Cooperation documents in %(year)s") % {"year": year},
            labels=[row["category"] for row in agreements["summary"]],
            values=[row["count"] for row in agreements["summary"]],
        ),
        "chart_units": _chart(
            gettext("Active agreements by unit"), agreements["by_unit"], "active"
        ),
        "chart_fields": _chart(
            gettext("Active agreements by tridharma field"),
            agreements["by_field"],
            "active",
        ),
        "chart_targets": (
            charts.bar_chart(
                title=gettext("Targets achieved (%)"),
                labels=[
                    f"{row['unit_code'] or row['unit']}: {row['criteria']}"
                    for row in targets["rows"]
                ],
                values=[row["percent"] for row in targets["rows"]],
                unit="%",
            )
            if targets["rows"]
            else None
        ),
        "chart_activities": _chart(
            gettext("Activities by unit"), activities["by_unit"], "activities"
        ),
    }
    return context


def _institution_setting():
    from django.conf import settings

    return settings.MITRA_INSTITUTION_NAME


def can_read_drafts(user):
    """Whether `user` may see draft reports and their live figures."""
    from mitra.core.permissions import Action, can

    return can(user, Action.VIEW, EvaluationReport)


def evaluation_report_context(report, *, user):
    """The printed form's builder: the report as `user` prints it.

    Only those who read drafts may print a report from the live records;
    everyone else reads the issued versions.
    """
    if user is not None and not can_read_drafts(user):
        raise PermissionDenied
    return report_context(report, draft=True)


# --- Reads -------------------------------------------------------------------


def report_for(year):
    """Return the saved draft of `year`, or a new unsaved one."""
    return EvaluationReport.objects.filter(year=year).first() or EvaluationReport(
        year=year
    )


def issued_versions(report):
    """Return the issued versions of `report`, newest first."""
    from mitra.documents.models import IssuedDocument

    if report.pk is None:
        return IssuedDocument.objects.none()
    return (
        IssuedDocument.objects.of(report, FORM_CODE)
        .select_related("issued_by", "superseded_by")
        .order_by("-version")
    )


def follow_up_plan(year):
    """Return the follow-up plan of `year`'s latest issued report, or None.

    None when no report of that year was issued; the text as issued
    (possibly empty) otherwise. The draft never counts.
    """
    report = EvaluationReport.objects.filter(year=year).first()
    if report is None:
        return None
    from mitra.documents.models import IssuedDocument

    snapshot = (
        IssuedDocument.objects.of(report, FORM_CODE)
        .order_by("-version")
        .values_list("snapshot", flat=True)
        .first()
    )
    if snapshot is None:
        return None
    return str(snapshot.get("follow_up_plan") or "")


@dataclass
class YearStatus:
    """Where the report of one year stands."""

    year: int
    report: EvaluationReport | None
    latest: object | None
    versions: int

    @property
    def is_issued(self):
        return self.latest is not None

    @property
    def changed_since_issue(self):
        return bool(
            self.latest is not None
            and self.report is not None
            and self.report.edited_at is not None
            and self.report.edited_at > self.latest.issued_at
        )


def year_statuses(years):
    """Return a YearStatus for each of `years`, in two queries."""
    from django.contrib.contenttypes.models import ContentType

    from mitra.documents.models import IssuedDocument

    reports = {
        report.year: report
        for report in EvaluationReport.objects.filter(year__in=list(years))
    }
    documents = defaultdict(list)
    if reports:
        content_type = ContentType.objects.get_for_model(EvaluationReport)
        rows = IssuedDocument.objects.filter(
            content_type=content_type,
            object_id__in=[report.pk for report in reports.values()],
            kind=FORM_CODE,
        ).order_by("-version")
        for document in rows:
            documents[document.object_id].append(document)
    result = []
    for year in years:
        report = reports.get(year)
        versions = documents.get(report.pk, []) if report else []
        result.append(
            YearStatus(
                year=year,
                report=report,
                latest=versions[0] if versions else None,
                versions=len(versions),
            )
        )
    return result


def writing_aids(year):
    """Return what helps the office write the narrative (not printed).

    The obstacles and follow-up the units reported in the monitoring
    rounds of the year (at most 50).
    """
    aids = {"obstacles": []}
    try:
        from mitra.monitoring.models import MonitoringEntry
    except ImportError:
        return aids
    first, last = year_bounds(year)
    entries = (
        MonitoringEntry.objects.filter(
            round__reference_date__range=(first, last), submitted_at__isnull=False
        )
        .exclude(obstacles="", follow_up="")
        .select_related("agreement__partner")
        .order_by("agreement__partner__name", "pk")[:50]
    )
    aids["obstacles"] = [
        {
            "agreement": entry.agreement,
            "obstacles": entry.obstacles,
            "follow_up": entry.follow_up,
        }
        for entry in entries
    ]
    return aids


# --- Writes ------------------------------------------------------------------


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value):
    """Drop control characters (they would break the DOCX) but keep lines."""
    return _CONTROL.sub("", str(value or "")).replace("\r\n", "\n")


@transaction.atomic
def evaluation_save(*, year, by, **values):
    """Save the narrative and signature block of `year`'s draft report.

    `values` are fields of EvaluationReport among the narrative chapters and
    the signature block; others are refused. Creates the draft on first
    save. The issued versions are never touched.
    """
    check_year(year)
    allowed = set(NARRATIVE_FIELDS) | {
        "place",
        "signatory_name",
        "signatory_position",
        "signatory_id_number",
    }
    unknown = set(values) - allowed
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    report = EvaluationReport.objects.select_for_update().filter(year=year).first()
    report = report or EvaluationReport(year=year)
    for name, value in values.items():
        text = clean_text(value)
        if name not in NARRATIVE_FIELDS:
            text = " ".join(text.split())
        setattr(report, name, text)
    report.full_clean()
    report.edited_at = clock.now()
    report.edited_by = by
    _save_once(report, by)
    logger.info("Evaluation report %s saved by user %s", year, getattr(by, "pk", None))
    return report


def _save_once(report, by):
    """Save `report`; a twin created at the same moment is refused politely."""
    report._history_user = by
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as error:
        raise ValidationError(
            _("The report was saved by someone else at the same moment; try again."),
            code="concurrent",
        ) from error


def evaluation_issue(*, year, by):
    """Issue the next version of `year`'s report and return it (IssuedDocument).

    The figures are counted now, over every record, and frozen with the
    narrative as it stands. A year with no draft and no records gives an
    honest empty report. Raise ValidationError for a future year or when
    the files cannot be produced.
    """
    from mitra.documents.services import issue_document

    check_year(year)
    with transaction.atomic():
        report = EvaluationReport.objects.filter(year=year).first()
        if report is None:
            report = EvaluationReport(year=year)
            _save_once(report, by)
        context = report_context(report, draft=False)
        document = issue_document(
            kind=FORM_CODE,
            source=report,
            context=context,
            by=by,
            title=report_title(year),
        )
    logger.info("Evaluation report %s issued as version %s", year, document.version)
    return document
