"""Writes on the organisation tree: loading units from a CSV."""

import csv
import io
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mitra.core.models import Unit, UnitKind

logger = logging.getLogger(__name__)

UNIT_COLUMNS = ("code", "name", "kind", "parent", "level", "aliases")


def units_import(*, text):
    """Create or update units from CSV text shaped like units-contoh.csv.

    Columns: code, name, kind (institution | jurusan | prodi | unit), parent
    (a code, in the file or already stored), level, aliases (|-separated).
    Every row is checked before anything is written; one bad row rejects the
    file with each problem named. Return (created, updated) counts.
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [
        name
        for name in ("code", "name", "kind")
        if name not in (reader.fieldnames or [])
    ]
    if missing:
        raise ValidationError(
            _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    rows, errors = [], []
    for line, row in enumerate(reader, start=2):
        row = {key: (value or "").strip() for key, value in row.items() if key}
        if not any(row.values()):
            continue
        if not row["code"] or not row["name"]:
            errors.append(
                _("Line %(line)s: code and name are required.") % {"line": line}
            )
        if row["kind"] not in UnitKind.values:
            errors.append(
                _("Line %(line)s: unknown kind %(kind)s.")
                % {"line": line, "kind": row["kind"]}
            )
        rows.append((line, row))

    codes = {row["code"] for _line, row in rows}
    stored = set(Unit.objects.values_list("code", flat=True))
    for line, row in rows:
        parent = row.get("parent", "")
        if parent and parent not in codes | stored:
            errors.append(
                _("Line %(line)s: unknown parent %(parent)s.")
                % {"line": line, "parent": parent}
            )
    if errors:
        raise ValidationError(errors)

    created = updated = 0
    with transaction.atomic():
        by_code = {}
        for _line, row in rows:
            unit, was_created = Unit.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "kind": row["kind"],
                    "level": row.get("level", ""),
                    "aliases": [
                        alias.strip()
                        for alias in row.get("aliases", "").split("|")
                        if alias.strip()
                    ],
                },
            )
            by_code[unit.code] = unit
            created += was_created
            updated += not was_created
        for _line, row in rows:
            parent_code = row.get("parent", "")
            parent = (
                by_code.get(parent_code) or Unit.objects.get(code=parent_code)
                if parent_code
                else None
            )
            unit = by_code[row["code"]]
            if unit.parent_id != (parent.pk if parent else None):
                unit.parent = parent
                unit.save(update_fields=["parent", "updated_at"])
    logger.info("Units imported: %s created, %s updated", created, updated)
    return created, updated
