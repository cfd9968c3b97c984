"""Import of an office's agreement register (*daftar kerjasama*).

An import runs in two steps that the web flow and the `import_register`
command share:

1. `plan_import` reads every row and decides, without writing anything,
   what it would become: created, updated, unchanged, a repeat of an
   earlier row (skipped), or rejected with its reason; and which partner it
   belongs to — a known one, or a new one that may be a likely duplicate.
2. `apply_plan` writes the accepted rows in one transaction: all of them
   or, if anything fails, none.

Rows are matched to agreements already in Mitra by their document number,
so importing the same file again changes nothing.
"""

import dataclasses
import logging
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mitra.agreements.models import Agreement, DocumentType, Status
from mitra.agreements.services import agreement_create, agreement_update
from mitra.core.fields import Scope
from mitra.core.models import Unit
from mitra.core.units import UnitMatcher
from mitra.imports.parsing import (
    CANONICAL_FIELDS,
    OPEN_ENDED,
    REQUIRED_FIELDS,
    ParseError,
    parse_date,
    parse_document_type,
    parse_end_date,
    parse_fields,
    parse_scope,
    propose_mapping,
)
from mitra.imports.reader import SheetError, read_sheet
from mitra.partners.models import Partner, PartnerAlias, PartnerKind
from mitra.partners.names import likely_duplicates, normalize_name
from mitra.partners.services import alias_add, partner_create

logger = logging.getLogger(__name__)

#: Document types that normally sit under a parent document.
PARENTED_TYPES = {DocumentType.MOA, DocumentType.IA, DocumentType.ADDENDUM}

#: Longest text each field holds (the model's column sizes).
LENGTH_LIMITS = {
    "partner_name": 255,
    "number": 120,
    "parent_number": 120,
    "title": 500,
    "country": 100,
}
FIELD_LABELS = dict(CANONICAL_FIELDS)

_BRACKETED_TAIL = re.compile(r"\s*[\(\[][^\)\]]*[\)\]]\s*$")


class Outcome:
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REPEATED = "repeated"
    REJECTED = "rejected"


class ImportError_(Exception):
    """The file as a whole cannot be imported (unreadable, no header…)."""

    def __init__(self, message, code="invalid"):
        super().__init__(message)
        self.message = str(message)
        self.code = code


@dataclasses.dataclass
class RowPlan:
    """What one row of the register would become."""

    row: int
    outcome: str
    number: str = ""
    reason: str = ""
    warnings: list = dataclasses.field(default_factory=list)
    partner_name: str = ""
    partner_key: str = ""
    partner_id: int | None = None
    title: str = ""
    values: dict = dataclasses.field(default_factory=dict)
    agreement_id: int | None = None
    repeat_of: int | None = None
    #: A spelling to keep as an alias of a known partner (a confirmed match).
    new_alias: str = ""


@dataclasses.dataclass
class NewPartner:
    """A partner the import would create, from its first spelling."""

    key: str
    name: str
    kind_id: int | None
    country: str
    scope: str
    spellings: set = dataclasses.field(default_factory=set)


@dataclasses.dataclass
class ImportPlan:
    """The outcome of every row, and the partners an import would create."""

    header_row: int
    headers: list
    mapping: dict
    rows: list
    new_partners: dict
    possible_duplicates: list

    def count(self, outcome):
        return sum(1 for row in self.rows if row.outcome == outcome)

    def digest(self):
        """A fingerprint of what the plan would do, to notice a stale preview."""
        import hashlib

        outcome = [
            (row.row, row.outcome, row.agreement_id, row.partner_id, row.partner_key)
            for row in self.rows
        ]
        return hashlib.sha256(repr(outcome).encode()).hexdigest()

    @property
    def rejected(self):
        return [row for row in self.rows if row.outcome == Outcome.REJECTED]

    def summary(self):
        """Return the figures the command prints with --json."""
        return {
            "agreements_created": self.count(Outcome.CREATED),
            "agreements_updated": self.count(Outcome.UPDATED),
            "agreements_unchanged": self.count(Outcome.UNCHANGED),
            "duplicates_skipped": self.count(Outcome.REPEATED),
            "rejected": [
                {"row": row.row, "number": row.number, "reason": row.reason}
                for row in self.rejected
            ],
            "partners_created": len(self.new_partners),
            "possible_duplicate_partners": [
                {"name": pair["name"], "similar_to": pair["similar_to"]}
                for pair in self.possible_duplicates
            ],
        }


# --- reading ---------------------------------------------------------------


def read_register(data, filename):
    """Read a register file into a Sheet, or raise ImportError_."""
    try:
        return read_sheet(data, filename)
    except SheetError as error:
        raise ImportError_(error.message, code=error.code) from error


def _cell(values, mapping, key):
    for index, field in mapping.items():
        if field == key and int(index) < len(values):
            value = values[int(index)]
            return value.strip() if isinstance(value, str) else value
    return None


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _kind_index():
    index = {}
    for kind in PartnerKind.objects.all():
        for text in [kind.code, kind.name, kind.name_en, *kind.aliases]:
            if text:
                index.setdefault(" ".join(text.casefold().split()), kind)
    return index


def _partner_index():
    """Map every normalised name and alias to its partner id."""
    index = dict(Partner.objects.values_list("normalized_name", "pk"))
    index.update(PartnerAlias.objects.values_list("normalized_name", "partner_id"))
    return index


def _agreement_snapshot(agreement):
    """The comparable values of a stored agreement, shaped like a row's."""
    return {
        "document_type": agreement.document_type,
        "title": agreement.title,
        "partner_id": agreement.partner_id,
        "partner_number": agreement.partner_number,
        "scope": agreement.scope,
        "fields": frozenset(agreement.fields),
        "unit_ids": frozenset(unit.pk for unit in agreement.units.all()),
        "start": agreement.start_date,
        "end": agreement.end_date,
        "parent_numbers": frozenset(
            parent.number for parent in agreement.parents.all() if parent.number
        ),
        "notes": agreement.notes,
    }


# --- planning --------------------------------------------------------------


def _check_mapping(mapping):
    present = set(mapping.values())
    missing = [field for field in REQUIRED_FIELDS if field not in present]
    if missing:
        raise ImportError_(
            _("No column is mapped to: %(fields)s.")
            % {"fields": ", ".join(str(FIELD_LABELS[field]) for field in missing)},
            code="mapping",
        )


def _parse_row(values, mapping, units, kinds):
    """Return (clean values, errors, warnings) for one sheet row."""
    errors, warnings = [], []
    clean = {"partner_name": _text(_cell(values, mapping, "partner_name"))}
    if not clean["partner_name"]:
        errors.append(_("The partner name is missing."))

    parsers = {
        "document_type": parse_document_type,
        "scope": parse_scope,
        "fields": parse_fields,
        "start": parse_date,
        "end": parse_end_date,
    }
    unreadable = set()
    for key, parse in parsers.items():
        try:
            clean[key] = parse(_cell(values, mapping, key))
        except ParseError as error:
            clean[key] = None
            unreadable.add(key)
            errors.append(error.message)
    clean["fields"] = frozenset(clean["fields"] or ())
    if clean["document_type"] is None and "document_type" not in unreadable:
        errors.append(_("The document type is missing."))
    if clean["start"] is None and "start" not in unreadable:
        errors.append(_("The start date is missing."))
    if clean["end"] is OPEN_ENDED:
        clean["end"] = None
    elif clean["end"] is None and "end" not in unreadable:
        warnings.append(_("No end date: recorded as open-ended."))
    if clean["start"] and clean["end"] and clean["end"] < clean["start"]:
        errors.append(
            _("The end date %(end)s is before the start date %(start)s.")
            % {"end": clean["end"].isoformat(), "start": clean["start"].isoformat()}
        )

    for key, limit in LENGTH_LIMITS.items():
        text = _text(_cell(values, mapping, key))
        if len(text) > limit:
            errors.append(
                _("The %(field)s is longer than %(limit)s characters.")
                % {"field": FIELD_LABELS[key], "limit": limit}
            )
    clean["number"] = _text(_cell(values, mapping, "number"))
    clean["parent_number"] = _text(_cell(values, mapping, "parent_number"))
    clean["title"] = _text(_cell(values, mapping, "title"))
    if not clean["title"] and clean["document_type"] and clean["partner_name"]:
        # A register without a title column still names every document.
        clean["title"] = _("%(type)s with %(partner)s") % {
            "type": DocumentType(clean["document_type"]).label,
            "partner": clean["partner_name"],
        }
    clean["notes"] = _text(_cell(values, mapping, "notes"))
    clean["country"] = _text(_cell(values, mapping, "country"))
    if clean["number"] and clean["number"] == clean["parent_number"]:
        errors.append(_("The document is given as its own parent."))

    unit_text = _text(_cell(values, mapping, "unit"))
    clean["unit_ids"] = frozenset()
    if unit_text:
        matches = units.match(unit_text)
        if not matches:
            errors.append(
                _("The unit %(value)s matches no unit of the institution.")
                % {"value": unit_text}
            )
        elif len(matches) > 1:
            errors.append(
                _("The unit %(value)s matches several units: %(units)s.")
                % {
                    "value": unit_text,
                    "units": ", ".join(unit.name for unit in matches),
                }
            )
        else:
            clean["unit_ids"] = frozenset({matches[0].pk})

    kind_text = _text(_cell(values, mapping, "partner_kind"))
    clean["kind_id"] = None
    if kind_text:
        kind = kinds.get(" ".join(kind_text.casefold().split()))
        if kind is None:
            warnings.append(
                _("Unknown partner kind %(value)s: left empty.") % {"value": kind_text}
            )
        else:
            clean["kind_id"] = kind.pk
    return clean, errors, warnings


def _signature(clean):
    """What makes two rows the same record, whatever their `No`."""
    return tuple(
        sorted(
            (key, str(sorted(value)) if isinstance(value, frozenset) else str(value))
            for key, value in clean.items()
        )
    )


def plan_import(sheet, mapping=None, *, confirmed_partners=None):
    """Decide what every row of `sheet` would become, writing nothing.

    `mapping` maps column index to field name (proposed from the header when
    omitted). `confirmed_partners` maps a normalised partner name in the
    file to what a person confirmed it to be: the id of a stored partner, or
    the normalised name of another spelling in the same file.
    """
    mapping = {
        int(index): field
        for index, field in (mapping or propose_mapping(sheet.headers)).items()
        if field
    }
    _check_mapping(mapping)
    confirmed = dict(confirmed_partners or {})

    units = UnitMatcher()
    kinds = _kind_index()
    known_partners = _partner_index()
    new_partners = {}
    rows, seen_numbers, seen_signatures = [], {}, {}

    for sheet_row in sheet.rows:
        clean, errors, warnings = _parse_row(sheet_row.values, mapping, units, kinds)
        plan = RowPlan(
            row=sheet_row.number,
            outcome=Outcome.REJECTED,
            number=clean["number"],
            partner_name=clean["partner_name"],
            title=clean["title"],
            warnings=warnings,
            values=clean,
        )
        rows.append(plan)
        if errors:
            plan.reason = "; ".join(str(error).rstrip(".") for error in errors) + "."
            continue

        signature = _signature(clean)
        if signature in seen_signatures:
            plan.outcome = Outcome.REPEATED
            plan.repeat_of = seen_signatures[signature]
            plan.reason = _("Repeats row %(row)s.") % {"row": plan.repeat_of}
            continue
        if clean["number"] and clean["number"] in seen_numbers:
            plan.reason = _(
                "The number %(number)s is already used by row %(row)s "
                "with different content."
            ) % {"number": clean["number"], "row": seen_numbers[clean["number"]]}
            continue
        seen_signatures[signature] = plan.row
        if clean["number"]:
            seen_numbers[clean["number"]] = plan.row

        key = normalize_name(clean["partner_name"])
        target = confirmed.get(key)
        if isinstance(target, str):
            # Confirmed as another spelling in this file: join that partner.
            key = target
        plan.partner_key = key
        partner_id = known_partners.get(key) or (
            target if isinstance(target, int) else None
        )
        if partner_id:
            plan.partner_id = partner_id
            if key not in known_partners:
                plan.new_alias = clean["partner_name"]
        else:
            new = new_partners.setdefault(
                key,
                NewPartner(
                    key=key,
                    name=clean["partner_name"],
                    kind_id=clean["kind_id"],
                    country=clean["country"] or "Indonesia",
                    scope=clean["scope"] or Scope.NATIONAL,
                ),
            )
            new.spellings.add(clean["partner_name"])
            if new.name != clean["partner_name"] and _fullness(
                clean["partner_name"]
            ) > _fullness(new.name):
                new.name = clean["partner_name"]
            if new.kind_id is None:
                new.kind_id = clean["kind_id"]

    accepted = [
        row for row in rows if row.outcome != Outcome.REPEATED and not row.reason
    ]
    _decide_agreements(accepted, {row.number for row in accepted if row.number})
    return ImportPlan(
        header_row=sheet.header_row,
        headers=list(sheet.headers),
        mapping=mapping,
        rows=rows,
        new_partners=new_partners,
        possible_duplicates=_possible_duplicates(new_partners),
    )


def _decide_agreements(accepted, numbers_in_file):
    """Set each accepted row's outcome against the agreements stored."""
    existing = {
        agreement.number: agreement
        for agreement in Agreement.objects.filter(
            number__in=[row.number for row in accepted if row.number]
        ).prefetch_related("units", "parents")
    }
    known_parents = set(
        Agreement.objects.filter(
            number__in={row.values["parent_number"] for row in accepted} - {""}
        ).values_list("number", flat=True)
    )
    dates_by_number = {row.number: row.values["end"] for row in accepted if row.number}
    for row in accepted:
        clean = row.values
        parent = clean["parent_number"]
        parent_numbers = frozenset({parent}) if parent else frozenset()
        if parent and parent not in numbers_in_file and parent not in known_parents:
            row.warnings.append(
                _(
                    "The parent document %(number)s is not in the register: "
                    "recorded without a parent."
                )
                % {"number": parent}
            )
            parent_numbers = frozenset()
        parent_end = dates_by_number.get(parent)
        if parent_end and (clean["end"] is None or clean["end"] > parent_end):
            row.warnings.append(
                _("Ends after its parent document %(number)s.") % {"number": parent}
            )
        clean["parent_numbers"] = parent_numbers

        agreement = existing.get(row.number) if row.number else None
        if agreement is None:
            agreement = _find_unnumbered(row) if not row.number else None
        if agreement is None:
            row.outcome = Outcome.CREATED
            continue
        row.agreement_id = agreement.pk
        wanted = _wanted_snapshot(row)
        current = _agreement_snapshot(agreement)
        row.outcome = (
            Outcome.UNCHANGED
            if row.partner_id is not None and wanted == current
            else Outcome.UPDATED
        )


def _find_unnumbered(row):
    """Find a stored agreement without number that this row describes."""
    if row.partner_id is None:
        return None
    return (
        Agreement.objects.filter(
            number__isnull=True,
            partner_id=row.partner_id,
            document_type=row.values["document_type"],
            title=row.values["title"],
            start_date=row.values["start"],
        )
        .prefetch_related("units", "parents")
        .first()
    )


def _wanted_snapshot(row, partner_id=None):
    clean = row.values
    return {
        "document_type": clean["document_type"],
        "title": clean["title"] or "",
        "partner_id": partner_id or row.partner_id,
        "partner_number": "",
        "scope": clean["scope"] or "",
        "fields": clean["fields"],
        "unit_ids": clean["unit_ids"],
        "start": clean["start"],
        "end": clean["end"],
        "parent_numbers": clean["parent_numbers"],
        "notes": clean["notes"],
    }


def _possible_duplicates(new_partners):
    """List new partners that may be partners already known, or each other.

    The abbreviated spelling is always the one named, the full name the one
    it is similar to, so confirming the pair keeps the full name.
    """
    if not new_partners:
        return []
    candidates = [
        (("partner", pk), name)
        for pk, name in Partner.objects.values_list("pk", "name")
    ]
    candidates += [
        (("partner", partner_id), name)
        for partner_id, name in PartnerAlias.objects.values_list("partner_id", "name")
    ]
    candidates += [(("new", new.key), new.name) for new in new_partners.values()]
    names = dict(Partner.objects.values_list("pk", "name"))

    pairs, seen = [], set()
    for new in new_partners.values():
        others = [item for item in candidates if item[0] != ("new", new.key)]
        matches = likely_duplicates(new.name, others)
        if not matches:
            continue
        best = matches[0]
        kind, ident = best.candidate_id
        other_name = names[ident] if kind == "partner" else new_partners[ident].name
        name, similar_to = new.name, other_name
        if _fullness(name) > _fullness(similar_to):
            name, similar_to = similar_to, name
        pair = frozenset({normalize_name(name), normalize_name(similar_to)})
        if pair in seen:
            continue
        seen.add(pair)
        # What confirming the pair means: which spelling of the file joins
        # which partner (a stored one by id, or another new spelling).
        if kind == "partner" or name == new.name:
            absorbed_key, target = new.key, ident
        else:
            absorbed_key, target = ident, new.key
        pairs.append(
            {
                "name": name,
                "similar_to": similar_to,
                "score": round(best.score),
                "reason": str(best.reason),
                "confirm_key": absorbed_key,
                "confirm_target": target,
            }
        )
    return pairs


def _fullness(name):
    """Rank spellings so that the written-out name outranks its abbreviation.

    A trailing bracketed acronym adds nothing: "Foo Bar (FB)" ranks below
    "Foo Bar".
    """
    bare = _BRACKETED_TAIL.sub("", name)
    return (len(normalize_name(bare)), -len(name))


# --- writing ---------------------------------------------------------------


def apply_plan(plan, *, by=None, source=""):
    """Write the plan's accepted rows in one transaction; return the summary.

    Agreements go through the agreement services, so every rule of a hand
    entry holds for an imported row too; a row a rule refuses is rejected
    with the rule's message and the others are written. Parents are written
    before their children, whatever the order of the rows.
    """
    reason = _("Imported from %(file)s") % {"file": source} if source else ""
    with transaction.atomic():
        partner_ids = _create_partners(plan, by=by)
        agreements = {
            agreement.number: agreement
            for agreement in Agreement.objects.filter(
                number__in={row.values.get("parent_number") for row in plan.rows}
                - {"", None}
            )
        }
        for row in _parents_first(plan.rows):
            if row.outcome not in (Outcome.CREATED, Outcome.UPDATED):
                continue
            partner_id = row.partner_id or partner_ids[row.partner_key]
            try:
                with transaction.atomic():
                    agreement = _write_agreement(
                        row, partner_id, agreements, by=by, reason=reason
                    )
            except ValidationError as error:
                row.outcome = Outcome.REJECTED
                row.reason = " ".join(error.messages)
                continue
            row.agreement_id = agreement.pk
            if row.number:
                agreements[row.number] = agreement
    summary = plan.summary()
    logger.info(
        "Register import %s: %s created, %s updated, %s unchanged, %s rejected",
        source,
        summary["agreements_created"],
        summary["agreements_updated"],
        summary["agreements_unchanged"],
        len(summary["rejected"]),
    )
    return summary


class _Rollback(Exception):
    pass


def preview_plan(plan, *, by=None):
    """Apply the plan and roll it back, so its outcomes are exactly final."""
    try:
        with transaction.atomic():
            apply_plan(plan, by=by)
            raise _Rollback
    except _Rollback:
        pass
    return plan


def _parents_first(rows):
    """Order rows so that a parent in the file comes before its children."""
    by_number = {row.number: row for row in rows if row.number}

    def depth(row, seen=()):
        parent = by_number.get(row.values.get("parent_number") or "")
        if parent is None or parent.row in seen:
            return 0
        return 1 + depth(parent, (*seen, row.row))

    return sorted(rows, key=depth)


def _create_partners(plan, *, by):
    """Create the new partners, keeping confirmed other spellings as aliases."""
    ids = {}
    kinds = PartnerKind.objects.in_bulk()
    for new in plan.new_partners.values():
        partner = partner_create(
            by=by,
            name=new.name,
            kind=kinds.get(new.kind_id),
            country=new.country,
            scope=new.scope,
        )
        ids[new.key] = partner.pk
        _add_aliases(partner, new.spellings, by=by)
    confirmed = {}
    for row in plan.rows:
        if row.new_alias and row.partner_id:
            confirmed.setdefault(row.partner_id, set()).add(row.new_alias)
    for partner in Partner.objects.filter(pk__in=confirmed):
        _add_aliases(partner, confirmed[partner.pk], by=by)
    return ids


def _add_aliases(partner, spellings, *, by):
    """Keep spellings that do not normalise like a known name as aliases."""
    for spelling in spellings:
        key = normalize_name(spelling)
        taken = (
            Partner.objects.filter(normalized_name=key).exists()
            or PartnerAlias.objects.filter(normalized_name=key).exists()
        )
        if not taken:
            alias_add(partner=partner, name=spelling, by=by)


def _write_agreement(row, partner_id, agreements, *, by, reason):
    clean = row.values
    parents = [agreements[n] for n in clean["parent_numbers"] if n in agreements]
    values = {
        "partner_id": partner_id,
        "document_type": clean["document_type"] or DocumentType.OTHER,
        "title": clean["title"] or "",
        "scope": clean["scope"] or "",
        "start_date": clean["start"],
        "end_date": clean["end"],
        "notes": clean["notes"],
        "parents": parents,
        "units": list(Unit.objects.filter(pk__in=clean["unit_ids"])),
        "fields": clean["fields"],
    }
    if not parents and values["document_type"] in PARENTED_TYPES:
        values["no_parent_reason"] = (
            _("Parent %(number)s was not found when the register was imported.")
            % {"number": clean["parent_number"]}
            if clean["parent_number"]
            else _("The register names no parent document.")
        )
    values["partner"] = Partner.objects.get(pk=values.pop("partner_id"))
    if row.agreement_id:
        agreement = Agreement.objects.get(pk=row.agreement_id)
        agreement._change_reason = reason
        return agreement_update(agreement=agreement, by=by, **values).agreement
    return agreement_create(
        by=by, number=row.number or None, status=Status.SIGNED, **values
    ).agreement


def import_register(
    *, data, filename, mapping=None, confirmed_partners=None, dry_run=False, by=None
):
    """Read, plan and (unless `dry_run`) apply an import; return the plan."""
    sheet = read_register(data, filename)
    plan = plan_import(sheet, mapping, confirmed_partners=confirmed_partners)
    if dry_run:
        return preview_plan(plan, by=by)
    apply_plan(plan, by=by, source=filename)
    return plan
