"""Reads of the monitoring app: dormant agreements, completion, the recap.

A *dormant* agreement is in force but shows no sign of life: no activity
started or ended under it for `MITRA_DORMANT_MONTHS` months (12 by
default). An agreement younger than that is never dormant: it has not had
the time to be.
"""

import datetime

from django.conf import settings
from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Least
from django.utils import timezone
from django.utils.translation import gettext

from mitra.agreements.models import Activity, Agreement
from mitra.core import clock
from mitra.documents import charts
from mitra.monitoring.models import (
    ImplementationStatus,
    MonitoringEntry,
    MonitoringEvidence,
)


def months_before(day, months):
    """Return the day `months` calendar months before `day`.

    A day missing from the earlier month falls on its last day (31 March
    less one month is 28 or 29 February).
    """
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    next_month = datetime.date(year + month // 12, month % 12 + 1, 1)
    last_day = (next_month - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last_day))


#: Dormant agreements, longest asleep first (never active before all).
DORMANT_ORDER = (
    F("last_activity_on").asc(nulls_first=True),
    "start_date",
    "pk",
)


def dormant_months():
    return settings.MITRA_DORMANT_MONTHS


def dormant_since(as_of, months=None):
    """Return the cut-off: a sign of life after this day keeps an agreement awake."""
    return months_before(as_of, dormant_months() if months is None else months)


def dormant_agreements(*, user, as_of, months=None):
    """Return the agreements in force on `as_of` that are dormant.

    Dormant: started on or before the cut-off (`months` before `as_of`) and
    no activity under it started or ended after the cut-off (activities
    starting after `as_of` have not happened yet). Restricted to what `user`
    may see (every agreement when `user` is None). Each row is annotated
    with `last_activity_on`, the latest day an activity was seen (None when
    it never had one).
    """
    cutoff = dormant_since(as_of, months)
    agreements = (
        Agreement.objects.all() if user is None else Agreement.objects.for_user(user)
    )
    happened = Activity.objects.filter(agreement=OuterRef("pk"), start_date__lte=as_of)
    recent = happened.filter(Q(start_date__gt=cutoff) | Q(end_date__gt=cutoff))
    last_seen = (
        happened.annotate(
            seen=Least(Coalesce("end_date", "start_date"), Value(as_of)),
        )
        .values("agreement")
        .annotate(latest=Max("seen"))
        .values("latest")
    )
    return (
        agreements.in_force(as_of)
        .filter(start_date__lte=cutoff)
        .exclude(Exists(recent))
        .annotate(last_activity_on=Subquery(last_seen, output_field=DateField()))
    )


# --- Entries and completion -------------------------------------------------


def entry_queryset():
    """Entries with what their lists and pages show, in a fixed number of queries."""
    return MonitoringEntry.objects.select_related(
        "round", "agreement__partner", "filled_by"
    ).prefetch_related(
        "agreement__units",
        "assignees",
        Prefetch("activities", queryset=Activity.objects.order_by("start_date", "pk")),
        Prefetch(
            "evidence",
            queryset=MonitoringEvidence.objects.order_by("uploaded_at", "pk"),
        ),
    )


def unassigned_entries(monitoring_round):
    """Return the round's unsubmitted entries nobody active is assigned to.

    Their agreements name no responsible person and no unit of theirs, nor
    any unit above, has active staff: nobody is reminded of them, so the
    office has to fill them or find who can.
    """
    return (
        MonitoringEntry.objects.filter(round=monitoring_round, submitted_at=None)
        .exclude(assignees__is_active=True)
        .select_related("agreement__partner")
        .order_by("agreement__number", "pk")
    )


def percent(part, whole):
    """Return `part` of `whole` in percent, rounded to one decimal (0 of 0 is 0)."""
    if not whole:
        return 0
    value = round(part * 100 / whole, 1)
    return int(value) if value == int(value) else value


def completion_by_unit(entries):
    """Return one row per unit: its entries, how many are submitted, % done.

    `entries` is a queryset of entries. An agreement of several units counts
    for each of them; entries of agreements without a unit are grouped
    under "no unit". One query.
    """
    rows = (
        entries.order_by()
        .values("agreement__units__pk", "agreement__units__code")
        .annotate(
            name=Max("agreement__units__name"),
            total=Count("pk", distinct=True),
            submitted=Count("pk", distinct=True, filter=Q(submitted_at__isnull=False)),
        )
    )
    result = [
        {
            "unit_id": row["agreement__units__pk"],
            "code": row["agreement__units__code"] or "",
            "unit": row["name"] or gettext("(no unit)"),
            "entries": row["total"],
            "submitted": row["submitted"],
            "pending": row["total"] - row["submitted"],
            "percent": percent(row["submitted"], row["total"]),
        }
        for row in rows
    ]
    return sorted(result, key=lambda row: (row["unit_id"] is None, row["unit"]))


def round_totals(entries):
    """Return the entry count, submitted count and % done of `entries`."""
    counts = entries.aggregate(
        total=Count("pk"), submitted=Count("pk", filter=Q(submitted_at__isnull=False))
    )
    return {
        "entries": counts["total"],
        "submitted": counts["submitted"],
        "pending": counts["total"] - counts["submitted"],
        "percent": percent(counts["submitted"], counts["total"]),
    }


# --- The recap (form BO.28.1.2) ---------------------------------------------


def _long_date(value):
    from mitra.documents.services import long_date

    return long_date(value)


def _iso(value):
    """A date as ISO text ("" for None): plain JSON, read back by exports."""
    return value.isoformat() if value else ""


def recap_as_of(monitoring_round):
    """The day a round's recap reckons dormancy on: its closing, else today."""
    if monitoring_round.closed_at is not None and not monitoring_round.is_open:
        return timezone.localdate(monitoring_round.closed_at)
    return clock.today()


def issued_recap(monitoring_round):
    """Return the recap version of a round in force (not superseded), or None.

    A closed round's official recap is this version, frozen when the round
    closed; anything printed from the records later is counted anew.
    """
    from mitra.documents.services import issued_documents
    from mitra.monitoring.services import RECAP_FORM

    return issued_documents(monitoring_round, kind=RECAP_FORM).current().first()


def _period_text(start, end):
    if not start:
        return ""
    return f"{_long_date(start)} \u2013 {_long_date(end) if end else '…'}"


def _agreement_units(agreement):
    return ", ".join(unit.code for unit in agreement.units.all())


def round_recap(monitoring_round, *, user=None, as_of=None):
    """Return the recap of a round as plain data (the form's context).

    Rows are limited to the entries `user` may see (all when None, as for
    the issued recap). Dormant agreements among the round's are reckoned
    on `as_of` (the closing day of a closed round, else today).
    """
    as_of = as_of or recap_as_of(monitoring_round)
    entries = MonitoringEntry.objects.filter(round=monitoring_round)
    if user is not None:
        entries = entries.for_user(user)
    rows = list(
        entry_queryset()
        .filter(pk__in=entries.values("pk"))
        .order_by("agreement__partner__name", "agreement__number", "pk")
    )
    dormant = list(
        dormant_agreements(user=None, as_of=as_of)
        .filter(pk__in=[entry.agreement_id for entry in rows])
        .select_related("partner")
        .prefetch_related("units")
        .order_by(*DORMANT_ORDER)
    )
    dormant_ids = {agreement.pk for agreement in dormant}
    totals = round_totals(entries)
    completion = completion_by_unit(entries)
    status_counts = dict.fromkeys(ImplementationStatus.values, 0)
    for entry in rows:
        if entry.is_submitted and entry.implementation_status:
            status_counts[entry.implementation_status] += 1

    return {
        "round_title": monitoring_round.title,
        "period": str(monitoring_round.period_display),
        "period_dates": _period_text(
            monitoring_round.period_start, monitoring_round.period_end
        ),
        "reference_date": _long_date(monitoring_round.reference_date),
        "due_date": _long_date(monitoring_round.due_date),
        "round_status": monitoring_round.get_status_display(),
        "as_of": _long_date(as_of),
        "entry_count": totals["entries"],
        "submitted_count": totals["submitted"],
        "pending_count": totals["pending"],
        "completion_percent": totals["percent"],
        "entries": [
            _recap_row(index, entry, dormant_ids)
            for index, entry in enumerate(rows, start=1)
        ],
        "completion": [
            {
                "unit": row["unit"],
                "code": row["code"],
                "entries": row["entries"],
                "submitted": row["submitted"],
                "percent": row["percent"],
            }
            for row in completion
        ],
        "status_counts": [
            {"status": str(label), "count": status_counts[value]}
            for value, label in ImplementationStatus.choices
        ],
        "dormant_months": dormant_months(),
        "dormant_count": len(dormant),
        "dormant": [
            {
                "number": str(index),
                "agreement_number": agreement.number or "",
                "document_type": agreement.get_document_type_display(),
                "title": agreement.title,
                "partner": agreement.partner.name,
                "units": _agreement_units(agreement),
                "start_date": _long_date(agreement.start_date),
                "start_iso": _iso(agreement.start_date),
                "last_activity": _long_date(agreement.last_activity_on)
                or gettext("never"),
                "last_activity_iso": _iso(agreement.last_activity_on),
                "agreement_id": agreement.pk,
            }
            for index, agreement in enumerate(dormant, start=1)
        ],
        "completion_chart": charts.bar_chart(
            title=gettext("Entries submitted, by unit (%)"),
            labels=[row["code"] or row["unit"] for row in completion],
            values=[row["percent"] for row in completion],
            unit="%",
        ),
    }


def _recap_row(index, entry, dormant_ids):
    agreement = entry.agreement
    submitted = entry.is_submitted
    activities = list(entry.activities.all()) if submitted else []
    return {
        "number": str(index),
        "agreement_number": agreement.number or "",
        "document_type": agreement.get_document_type_display(),
        "agreement_title": agreement.title,
        "partner": agreement.partner.name,
        "units": _agreement_units(agreement),
        "implementation_status": (
            entry.get_implementation_status_display() if submitted else ""
        ),
        "activities": "; ".join(_activity_text(activity) for activity in activities),
        "activity_count": len(activities),
        "benefits": entry.benefits if submitted else "",
        "obstacles": entry.obstacles if submitted else "",
        "follow_up": entry.follow_up if submitted else "",
        "evidence_count": len(entry.evidence.all()) if submitted else 0,
        "filled_by": str(entry.filled_by or "") if submitted else "",
        "submitted_on": (
            _long_date(timezone.localdate(entry.submitted_at)) if submitted else ""
        ),
        "submitted_iso": (
            _iso(timezone.localdate(entry.submitted_at)) if submitted else ""
        ),
        "state": gettext("Submitted") if submitted else gettext("Not submitted"),
        "dormant": gettext("Dormant") if agreement.pk in dormant_ids else "",
        "entry_id": entry.pk,
        "agreement_id": agreement.pk,
    }


def _activity_text(activity):
    if activity.end_date and activity.end_date != activity.start_date:
        when = _period_text(activity.start_date, activity.end_date)
    else:
        when = _long_date(activity.start_date)
    return f"{activity.title} ({when})"
