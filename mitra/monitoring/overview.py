"""The office's overview of everything overdue, gathered from every app.

Each morning the daily job emails the cooperation office (office staff and
the head) one message listing what is overdue across Mitra: agreements that
expired without a renewal, monitoring entries not submitted by their due
date, and whatever other apps add — overdue action items of meetings, stale
proposals, unanswered surveys…

An app adds its part in one of two ways.

* Register a *source* in its `jobs.py` (imported by the daily job)::

      from mitra.monitoring.overview import OverdueItem, register

      @register("planning.action_items", label=_("Action items overdue"))
      def overdue_action_items(as_of):
          return [OverdueItem(title=..., due=..., url=..., detail=...), ...]

* Or define a function `overdue_items(as_of)` in its `selectors.py` or
  `jobs.py`; it is found without registering and shown under the app's
  name.

A source returns an iterable of items as of the local date `as_of`: each an
`OverdueItem`, a mapping with the same keys (`title`, and optionally `due`
or `due_date`, `url`, `detail`), or any object with those attributes (a
model instance's `get_absolute_url()` is its link). Something due on a day
is overdue only from the next day (`mitra.core.daily.is_overdue`). A source
that fails is logged and left out; the others still make the overview.
"""

import dataclasses
import datetime
import logging
from collections.abc import Callable, Mapping
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

#: The function name an app's `selectors` or `jobs` module may define.
CONVENTION = "overdue_items"
CONVENTION_MODULES = ("selectors", "jobs")


@dataclasses.dataclass(frozen=True)
class OverdueItem:
    """One overdue thing: what it is, when it was due, where to see it."""

    title: str
    due: datetime.date | None = None
    url: str = ""
    detail: str = ""


@dataclasses.dataclass(frozen=True)
class OverdueSource:
    name: str
    label: str
    function: Callable
    order: int = 100


@dataclasses.dataclass
class OverdueSection:
    """The items of one source, for the overview."""

    name: str
    label: str
    items: list


_sources: dict[str, OverdueSource] = {}


def register(name, *, label, order=100):
    """Register the decorated `function(as_of) -> iterable of items`."""

    def decorator(function):
        _sources[name] = OverdueSource(
            name=name, label=label, function=function, order=order
        )
        return function

    return decorator


def unregister(name):
    """Remove a source (for tests registering one of their own)."""
    _sources.pop(name, None)


def _discover():
    """Import the apps' jobs, then pick up `overdue_items` functions by name."""
    from mitra.core.daily import discover

    discover()
    known = {source.function for source in _sources.values()}
    for config in apps.get_app_configs():
        for module_name in CONVENTION_MODULES:
            if not module_has_submodule(config.module, module_name):
                continue
            path = f"{config.name}.{module_name}"
            try:
                module = import_module(path)
            except Exception:  # one broken app must not hide the others
                logger.exception("%s could not be imported", path)
                continue
            function = getattr(module, CONVENTION, None)
            if callable(function) and function not in known:
                known.add(function)
                register(
                    f"{config.label}.{module_name}.{CONVENTION}",
                    label=config.verbose_name,
                    order=200,
                )(function)


def sources():
    """Return every source, in the order the overview lists them."""
    _discover()
    return sorted(_sources.values(), key=lambda source: (source.order, source.name))


def _item(value):
    if isinstance(value, OverdueItem):
        return value
    if isinstance(value, Mapping):
        get = value.get
    elif isinstance(value, str):
        return OverdueItem(title=value)
    else:

        def get(key, default=None):
            return getattr(value, key, default)

    url = get("url") or ""
    if not url and hasattr(value, "get_absolute_url"):
        url = value.get_absolute_url()
    due = get("due") or get("due_date")
    if isinstance(due, datetime.datetime):
        due = due.date()
    return OverdueItem(
        title=str(get("title") or get("label") or value),
        due=due if isinstance(due, datetime.date) else None,
        url=str(url),
        detail=str(get("detail") or ""),
    )


def overdue_overview(as_of):
    """Return the non-empty sections of what is overdue on `as_of`.

    Items are sorted by due date (oldest first), then title.
    """
    sections = []
    for source in sources():
        try:
            # A savepoint: a source failing on the database leaves the
            # surrounding transaction (the daily job's) usable.
            with transaction.atomic():
                items = [_item(value) for value in source.function(as_of) or ()]
        except Exception:  # one broken source must not hide the others
            logger.exception("Overdue source %s failed", source.name)
            continue
        if items:
            items.sort(key=lambda item: (item.due or datetime.date.max, item.title))
            sections.append(
                OverdueSection(name=source.name, label=str(source.label), items=items)
            )
    return sections


# --- Sources of the agreements and monitoring apps ---------------------------


def _long_date(value):
    from mitra.documents.services import long_date

    return long_date(value)


@register(
    "agreements.expired_without_renewal",
    label=_("Agreements expired without a renewal"),
    order=10,
)
def expired_without_renewal(as_of):
    """Agreements that ended recently and are not renewed by a signed one.

    "Recently" is the expiring window (`MITRA_EXPIRING_DAYS`) after the end:
    the office is warned that long before an end, and reminded that long
    after. A renewal still being negotiated does not count as one.
    """
    from mitra.agreements.models import SIGNED_STATUSES, Agreement, Status

    since = as_of - datetime.timedelta(days=settings.MITRA_EXPIRING_DAYS)
    signed_renewal = Agreement.objects.filter(
        renews=OuterRef("pk"), status__in=SIGNED_STATUSES
    )
    agreements = (
        Agreement.objects.expired(as_of)
        .filter(end_date__gte=since)
        .exclude(Exists(signed_renewal))
        .select_related("partner")
        .order_by("end_date", "pk")
    )
    return [
        OverdueItem(
            title=f"{agreement.get_document_type_display()} "
            f"{agreement.number or gettext('(no number)')} — {agreement.partner.name}",
            due=agreement.end_date,
            url=agreement.get_absolute_url(),
            detail=(
                gettext("Renewal in progress")
                if agreement.status == Status.IN_RENEWAL
                else gettext("Ended on %(date)s")
                % {"date": _long_date(agreement.end_date)}
            ),
        )
        for agreement in agreements
    ]


@register(
    "monitoring.entries_overdue",
    label=_("Monitoring entries overdue"),
    order=20,
)
def monitoring_entries_overdue(as_of):
    """Per open round past its due date: how many entries each unit owes."""
    from mitra.monitoring.models import MonitoringEntry, MonitoringRound, RoundStatus

    rounds = {
        item.pk: item
        for item in MonitoringRound.objects.filter(
            status=RoundStatus.OPEN, due_date__lt=as_of
        )
    }
    if not rounds:
        return []
    owed = (
        MonitoringEntry.objects.filter(round__in=rounds, submitted_at__isnull=True)
        .values("round_id", "agreement__units__code")
        .annotate(n=Count("pk", distinct=True))
        .order_by("round_id", "agreement__units__code")
    )
    per_round = {}
    for row in owed:
        per_round.setdefault(row["round_id"], []).append(
            (row["agreement__units__code"] or gettext("(no unit)"), row["n"])
        )
    totals = dict(
        MonitoringEntry.objects.filter(round__in=rounds, submitted_at__isnull=True)
        .values_list("round_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    items = []
    for pk, units in per_round.items():
        monitoring_round = rounds[pk]
        count = totals.get(pk, 0)
        items.append(
            OverdueItem(
                title=ngettext(
                    "%(round)s: %(count)s entry not submitted",
                    "%(round)s: %(count)s entries not submitted",
                    count,
                )
                % {"round": monitoring_round.title, "count": count},
                due=monitoring_round.due_date,
                url=reverse("monitoring:round", args=[pk]),
                detail=", ".join(f"{code} {n}" for code, n in units),
            )
        )
    return items
