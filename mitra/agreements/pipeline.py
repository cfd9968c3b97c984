"""Reading the pipeline: where each agreement stands, its timeline, and how
long the way to signature takes.

An agreement's *stage* is the stage entered by its latest timeline event;
an agreement with no event (recorded by hand or imported) takes it from
its status. Signed and terminated agreements are always in those stages,
whatever their last event, since their status is authoritative.
"""

import datetime
import statistics

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db.models import (
    Case,
    CharField,
    DateTimeField,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from mitra.agreements.models import (
    PIPELINE_STAGES,
    SIGNED_STATUSES,
    Agreement,
    AgreementEvent,
    EventKind,
    Stage,
    Status,
)
from mitra.core import clock

#: Columns of the board: the stages before signature, then the recent ones.
BOARD_COLUMNS = (*PIPELINE_STAGES, Stage.SIGNED)


def with_stage(queryset):
    """Annotate `pipeline_stage` and `last_event_at` on agreements."""
    latest = (
        AgreementEvent.objects.filter(
            agreement=OuterRef("pk"), stage__in=PIPELINE_STAGES
        )
        .order_by("-at", "-pk")
        .values("stage")[:1]
    )
    last_at = (
        AgreementEvent.objects.filter(agreement=OuterRef("pk"))
        .order_by("-at", "-pk")
        .values("at")[:1]
    )
    by_status = Case(
        When(status=Status.NEGOTIATION, then=Value(Stage.NEGOTIATION)),
        default=Value(Stage.DRAFT),
        output_field=CharField(),
    )
    return queryset.annotate(
        pipeline_stage=Case(
            When(status__in=SIGNED_STATUSES, then=Value(Stage.SIGNED)),
            When(status=Status.TERMINATED, then=Value(Stage.TERMINATED)),
            default=Coalesce(Subquery(latest), by_status),
            output_field=CharField(),
        ),
        last_event_at=Coalesce(
            Subquery(last_at, output_field=DateTimeField()), F("created_at")
        ),
    )


def stage_of(agreement):
    """Return the Stage of one agreement (one query)."""
    return (
        with_stage(Agreement.objects.filter(pk=agreement.pk))
        .values_list("pipeline_stage", flat=True)
        .first()
    )


def board(user, *, today=None):
    """Return [(Stage, [agreement, …])] for the pipeline board.

    The stages before signature hold every agreement in them; "signed"
    holds those signed in the last `MITRA_SIGNED_RECENTLY_DAYS` days.
    """
    today = today or clock.today()
    since = today - datetime.timedelta(days=settings.MITRA_SIGNED_RECENTLY_DAYS)
    stuck_before = clock.now() - datetime.timedelta(days=settings.MITRA_STUCK_DAYS)
    rows = (
        with_stage(Agreement.objects.for_user(user))
        .filter(
            Q(status__in=(Status.DRAFT, Status.NEGOTIATION))
            | Q(status__in=SIGNED_STATUSES, signed_on__gte=since)
        )
        .select_related("partner")
        .prefetch_related("units")
        .order_by("last_event_at", "pk")
    )
    columns = {stage: [] for stage in BOARD_COLUMNS}
    for agreement in rows:
        agreement.is_stuck = (
            agreement.pipeline_stage in PIPELINE_STAGES
            and agreement.last_event_at < stuck_before
        )
        agreement.idle_days = (clock.now() - agreement.last_event_at).days
        columns.setdefault(agreement.pipeline_stage, []).append(agreement)
    columns[Stage.SIGNED].sort(key=lambda item: item.signed_on, reverse=True)
    return [(Stage(stage), columns[stage]) for stage in BOARD_COLUMNS]


def timeline(agreement):
    """Return the events of `agreement`, oldest first, with a first entry
    for its recording when no event opened the draft."""
    events = list(
        AgreementEvent.objects.filter(agreement=agreement).select_related(
            "actor", "version", "related"
        )
    )
    if not any(event.kind == EventKind.DRAFT_CREATED for event in events):
        events.insert(
            0,
            AgreementEvent(
                agreement=agreement,
                kind=EventKind.DRAFT_CREATED,
                stage=Stage.DRAFT,
                at=agreement.created_at,
                actor=agreement.created_by,
            ),
        )
    return events


def shared_timeline(agreement):
    """Return the events the partner sees on its page, oldest first."""
    return list(
        AgreementEvent.objects.filter(agreement=agreement, shared=True).select_related(
            "actor", "version"
        )
    )


# --- Figures for the dashboard -----------------------------------------------


def _proposal_decision():
    """Return the expression of the date a draft's proposal was approved, or
    None while the proposals app provides no such link."""
    try:
        Agreement._meta.get_field("proposals")
    except FieldDoesNotExist:
        return None
    from django.apps import apps

    model = apps.get_model("proposals", "Proposal")
    if not any(field.name == "decided_at" for field in model._meta.get_fields()):
        return None
    return Min("proposals__decided_at")


def _local_date(moment):
    return timezone.localdate(moment) if moment is not None else None


def _median(values):
    return round(statistics.median(values), 1) if values else None


def pipeline_figures(user, *, today=None):
    """Return how long the way to signature takes, and what is stuck.

    * `median_days`: median days from approval (the proposal's decision,
      else the draft's creation) to the signature, over agreements signed
      through the workflow, with `signed_count` of them;
    * `stages`: (Stage, median days, count) spent in each stage before
      signature, from the timeline's stage changes;
    * `stuck`: agreements not signed whose last event is older than
      `MITRA_STUCK_DAYS` (the ten idle longest), `stuck_count` in all.

    Runs a fixed number of queries.
    """
    today = today or clock.today()
    visible = Agreement.objects.for_user(user)

    opened = AgreementEvent.objects.filter(
        agreement=OuterRef("pk"), kind=EventKind.DRAFT_CREATED
    ).order_by("at")
    signing = AgreementEvent.objects.filter(
        agreement=OuterRef("pk"), kind=EventKind.SIGNED
    )
    signed = visible.filter(
        Exists(signing),
        status__in=(*SIGNED_STATUSES, Status.TERMINATED),
        signed_on__isnull=False,
    ).annotate(
        opened_at=Coalesce(
            Subquery(opened.values("at")[:1], output_field=DateTimeField()),
            F("created_at"),
        )
    )
    decision = _proposal_decision()
    if decision is not None:
        signed = signed.annotate(decided_at=decision)
    durations = []
    for row in signed.values(*_signed_fields(decision)):
        start = _local_date(row.get("decided_at") or row["opened_at"])
        durations.append(max((row["signed_on"] - start).days, 0))

    changes = (
        AgreementEvent.objects.filter(agreement__in=visible.values("pk"))
        .exclude(stage="")
        .order_by("agreement_id", "at", "pk")
        .values_list("agreement_id", "stage", "at")
    )
    spent = {stage: [] for stage in PIPELINE_STAGES}
    previous = None
    for agreement_id, stage, at in changes:
        if previous and previous[0] == agreement_id and previous[1] in spent:
            spent[previous[1]].append((at - previous[2]).total_seconds() / 86400)
        previous = (agreement_id, stage, at)

    stuck_before = clock.now() - datetime.timedelta(days=settings.MITRA_STUCK_DAYS)
    stuck = (
        with_stage(visible.filter(status__in=(Status.DRAFT, Status.NEGOTIATION)))
        .filter(last_event_at__lt=stuck_before)
        .select_related("partner")
        .order_by("last_event_at", "pk")
    )
    stuck_rows = list(stuck[:10])
    for agreement in stuck_rows:
        agreement.idle_days = (clock.now() - agreement.last_event_at).days
    return {
        "median_days": _median(durations),
        "signed_count": len(durations),
        "stages": [
            (Stage(stage), _median(values), len(values))
            for stage, values in spent.items()
        ],
        "stuck": stuck_rows,
        "stuck_count": stuck.count(),
        "stuck_days": settings.MITRA_STUCK_DAYS,
    }


def _signed_fields(decision):
    fields = ["pk", "signed_on", "opened_at"]
    return [*fields, "decided_at"] if decision is not None else fields
