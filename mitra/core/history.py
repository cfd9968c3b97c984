"""The change history of a record, as people read it: who, when, what changed.

Every tracked model keeps its past versions (django-simple-history); this
module turns consecutive versions into a list of field changes.
"""

import datetime
from dataclasses import dataclass, field
from pathlib import PurePath

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: object
    who: object
    action: str
    reason: str
    changes: list = field(default_factory=list)


def _raw(record, field_name):
    model_field = record.instance_type._meta.get_field(field_name)
    return model_field, getattr(record, model_field.attname, None)


def _related_objects(pairs):
    """Fetch every referenced row with one query per related model."""
    wanted = {}
    for model_field, value in pairs:
        if model_field.is_relation and value is not None:
            wanted.setdefault(model_field.related_model, set()).add(value)
    return {
        (model, pk): obj
        for model, pks in wanted.items()
        for pk, obj in model._default_manager.in_bulk(pks).items()
    }


def _display(model_field, value, related):
    if model_field.choices:
        value = dict(model_field.flatchoices).get(value, value)
    elif model_field.is_relation and value is not None:
        value = related.get((model_field.related_model, value), f"#{value}")
    if value in (None, ""):
        return "—"
    if isinstance(model_field, models.FileField):
        # Stored as "<folders>/<random>-<name>": the name is what was uploaded.
        return PurePath(str(value)).name.split("-", 1)[-1]
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, datetime.datetime):
        # Stored in UTC; read in the institution's time zone, as on the pages.
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return date_format(value, "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    return str(value)


def history_entries(obj, limit=50):
    """Return the newest `limit` history entries of `obj`, newest first.

    Runs a fixed number of queries however long the history is.
    """
    records = list(
        obj.history.select_related("history_user").order_by("-history_date")[
            : limit + 1
        ]
    )
    entries, raw_changes = [], []
    for index, record in enumerate(records[:limit]):
        entry = HistoryEntry(
            when=record.history_date,
            who=record.history_user,
            action=ACTIONS.get(record.history_type, record.history_type),
            reason=record.history_change_reason or "",
        )
        previous = records[index + 1] if index + 1 < len(records) else None
        if previous is not None and record.history_type == "~":
            for change in record.diff_against(previous).changes:
                raw_changes.append(
                    (entry, _raw(previous, change.field), _raw(record, change.field))
                )
        entries.append(entry)

    related = _related_objects(
        pair for _entry, old, new in raw_changes for pair in (old, new)
    )
    for entry, (model_field, old), (_field, new) in raw_changes:
        entry.changes.append(
            Change(
                field=str(model_field.verbose_name),
                old=_display(model_field, old, related),
                new=_display(model_field, new, related),
            )
        )
    return entries
