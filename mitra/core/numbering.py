"""Numbers of official documents: patterns set by the office, issued once.

Every office numbers its documents its own way, for example
``015/PL29.HK/III/2025``: a running number (the *sequence*), a code for
the document type, the unit's code, the month in Roman numerals and the
year. The office writes that shape as a *pattern* per kind of record
(``agreement.mou``, ``agreement.moa``, …; proposals and minutes later), in
which these placeholders are replaced:

``{seq}``, ``{seq:03}``
    the running number, optionally zero-padded to 1-9 digits;
``{type}``
    the pattern's type code (``KS``, ``MoU``, …);
``{unit}``
    the code of the unit the document belongs to;
``{month_roman}``, ``{month}``, ``{year}``
    the month as I-XII or 01-12, and the four-digit year.

The sequence restarts every year by default, every month, or never, and can
run separately per unit. Issuing a number (`number_issue`) is atomic: the
sequence row is locked, so two documents issued at the same moment get
different numbers. A number already carried by a record (for example one
imported from an old register) is skipped, never issued again. A preview
(`number_preview`) shows the next number without using it up.
"""

import logging
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Upper
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from mitra.core.clock import today
from mitra.core.models import NumberingPattern, NumberSequence

logger = logging.getLogger(__name__)

#: The longest number a record can store (an agreement's number field).
NUMBER_MAX_LENGTH = 120
#: How many taken numbers in a row are skipped before giving up.
MAX_SKIPPED = 10_000
#: How many candidate numbers are checked against agreements in one query.
CHECK_BATCH = 50

#: The months as I to XII, as official letters write them.
ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI")
ROMAN_MONTHS += ("VII", "VIII", "IX", "X", "XI", "XII")

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_SEQUENCE = re.compile(r"seq(?::0([1-9]))?")
_PLAIN_NAMES = frozenset({"type", "unit", "month_roman", "month", "year"})

_UNKNOWN = ngettext_lazy(
    "Unknown placeholder %(placeholders)s. The placeholders are {seq} (or "
    "{seq:03} for three digits), {type}, {unit}, {month_roman}, {month} and "
    "{year}.",
    "Unknown placeholders %(placeholders)s. The placeholders are {seq} (or "
    "{seq:03} for three digits), {type}, {unit}, {month_roman}, {month} and "
    "{year}.",
    "count",
)
_UNBALANCED = _("Every { must be closed by a } around one placeholder, such as {year}.")
_NO_SEQUENCE = _(
    "The pattern needs {seq} (or {seq:03}): without a running number every "
    "document would get the same number."
)
_NO_PATTERN = _(
    "No numbering pattern is set for %(kind)s. The cooperation office sets it "
    "under Numbering."
)
_NEEDS_UNIT = _(
    "The numbering pattern for %(kind)s needs a unit: choose the unit the "
    "document belongs to."
)
_NEEDS_TYPE_CODE = _(
    "The numbering pattern for %(kind)s uses {type} but has no type code. The "
    "cooperation office sets it under Numbering."
)
_TOO_LONG = _(
    "The number %(number)s is longer than %(limit)s characters: shorten the "
    "numbering pattern for %(kind)s."
)
_ALL_TAKEN = _(
    "No free number was found for %(kind)s: the next %(count)s numbers are all "
    "used. Raise the pattern's first number."
)


# --- kinds of numbered records ----------------------------------------------

_registered_kinds = {}


def register_kind(kind, label):
    """Offer `kind` (e.g. ``"proposal"``) on the numbering pages."""
    _registered_kinds[kind] = label


def agreement_kind(document_type):
    """Return the numbering kind of an agreement's document type."""
    return f"agreement.{document_type}"


def known_kinds():
    """Return ``{kind: label}`` of every kind that can have a pattern."""
    from mitra.agreements.models import DocumentType

    kinds = {
        agreement_kind(value): format_lazy("{}: {}", _("Agreement"), label)
        for value, label in DocumentType.choices
    }
    kinds.update(_registered_kinds)
    return kinds


def kind_label(kind):
    """Return how people call `kind` ("Agreement: MoA/PKS"), for messages."""
    return str(known_kinds().get(kind, kind))


# --- patterns -----------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    """A piece of a parsed pattern: literal text, or a placeholder."""

    name: str  # "text", "seq" or one of _PLAIN_NAMES
    text: str = ""
    width: int = 0


def _parse(pattern):
    """Split `pattern` into tokens, or raise ValidationError naming what is
    wrong."""
    tokens, unknown, position = [], [], 0
    for match in _PLACEHOLDER.finditer(pattern):
        tokens.append(_Token("text", text=pattern[position : match.start()]))
        position = match.end()
        name = match.group(1)
        sequence = _SEQUENCE.fullmatch(name)
        if sequence:
            tokens.append(_Token("seq", width=int(sequence.group(1) or 0)))
        elif name in _PLAIN_NAMES:
            tokens.append(_Token(name))
        else:
            unknown.append(match.group(0))
    tokens.append(_Token("text", text=pattern[position:]))
    unbalanced = any(
        "{" in token.text or "}" in token.text
        for token in tokens
        if token.name == "text"
    )

    errors = []
    if unknown:
        errors.append(
            ValidationError(
                _UNKNOWN,
                code="unknown_placeholder",
                params={"placeholders": ", ".join(unknown), "count": len(unknown)},
            )
        )
    if unbalanced:
        errors.append(ValidationError(_UNBALANCED, code="unbalanced_braces"))
    if not unbalanced and not any(token.name == "seq" for token in tokens):
        errors.append(ValidationError(_NO_SEQUENCE, code="no_sequence"))
    if errors:
        raise ValidationError(errors)
    return [token for token in tokens if token.name != "text" or token.text]


def validate_pattern(pattern):
    """Raise ValidationError unless `pattern` is a usable numbering pattern.

    An unknown placeholder is named in the message; a pattern without
    ``{seq}`` is refused (every number would be the same), and so is a brace
    that does not enclose a placeholder.
    """
    _parse(pattern or "")


def placeholders_of(pattern):
    """Return the names of the placeholders a valid `pattern` uses."""
    return {token.name for token in _parse(pattern) if token.name != "text"}


def check_pattern(*, pattern, type_code="", reset, per_unit):
    """Raise ValidationError (keyed by field) unless the settings of a
    pattern fit together, so that numbers never repeat across periods or
    units."""
    names = placeholders_of(pattern)
    errors = {}
    if "type" in names and not type_code.strip():
        errors["type_code"] = _("The pattern uses {type}: enter the type code.")
    if reset == NumberingPattern.Reset.YEARLY and "year" not in names:
        errors["pattern"] = _(
            "The sequence restarts every year, so the pattern needs {year}; "
            "otherwise numbers would repeat."
        )
    if reset == NumberingPattern.Reset.MONTHLY and (
        "year" not in names or not names & {"month", "month_roman"}
    ):
        errors["pattern"] = _(
            "The sequence restarts every month, so the pattern needs {year} "
            "and {month} or {month_roman}; otherwise numbers would repeat."
        )
    if per_unit and "unit" not in names:
        errors["per_unit"] = _(
            "A separate sequence per unit needs {unit} in the pattern; "
            "otherwise two units would issue the same number."
        )
    if errors:
        raise ValidationError(errors)


# --- formatting ---------------------------------------------------------------


@dataclass
class _Plan:
    """What issuing a number of one pattern for one unit on one day needs."""

    pattern: NumberingPattern
    tokens: list
    unit: object
    on: object
    scope_key: str

    def render(self, value):
        parts = []
        for token in self.tokens:
            if token.name == "text":
                parts.append(token.text)
            elif token.name == "seq":
                parts.append(str(value).zfill(token.width))
            elif token.name == "type":
                parts.append(self.pattern.type_code.strip())
            elif token.name == "unit":
                parts.append(self.unit.code)
            elif token.name == "month_roman":
                parts.append(ROMAN_MONTHS[self.on.month - 1])
            elif token.name == "month":
                parts.append(f"{self.on.month:02d}")
            elif token.name == "year":
                parts.append(f"{self.on.year:04d}")
        number = "".join(parts)
        if len(number) > NUMBER_MAX_LENGTH:
            raise ValidationError(
                _TOO_LONG,
                code="too_long",
                params={
                    "number": number,
                    "limit": NUMBER_MAX_LENGTH,
                    "kind": kind_label(self.pattern.kind),
                },
            )
        return number


def _scope_key(pattern, unit, on):
    """Return the key of the sequence a number on `on` for `unit` uses."""
    if pattern.reset == NumberingPattern.Reset.NEVER:
        key = "all"
    elif pattern.reset == NumberingPattern.Reset.MONTHLY:
        key = f"{on.year:04d}-{on.month:02d}"
    else:
        key = f"{on.year:04d}"
    if pattern.per_unit:
        key += f"/unit-{unit.pk}"
    return key


def _plan(pattern, unit, on):
    """Check that `pattern` can be filled in for `unit` on `on`."""
    tokens = _parse(pattern.pattern)
    names = {token.name for token in tokens}
    params = {"kind": kind_label(pattern.kind)}
    if unit is None and ("unit" in names or pattern.per_unit):
        raise ValidationError(_NEEDS_UNIT, code="needs_unit", params=params)
    if "type" in names and not pattern.type_code.strip():
        raise ValidationError(_NEEDS_TYPE_CODE, code="needs_type_code", params=params)
    return _Plan(pattern, tokens, unit, on, _scope_key(pattern, unit, on))


def _pattern(kind):
    try:
        return NumberingPattern.objects.get(kind=kind)
    except NumberingPattern.DoesNotExist:
        raise ValidationError(
            _NO_PATTERN, code="no_pattern", params={"kind": kind_label(kind)}
        ) from None


# --- skipping numbers already used ----------------------------------------------


def _agreement_numbers_among(numbers):
    """Return which of `numbers` an agreement already carries (any case)."""
    from mitra.agreements.models import Agreement

    wanted = {number.upper(): number for number in numbers}
    found = (
        Agreement.objects.annotate(upper_number=Upper("number"))
        .filter(upper_number__in=list(wanted))
        .values_list("upper_number", flat=True)
    )
    return {wanted[upper] for upper in found}


def _checker(taken):
    """Return ``(among, batch)``: a function telling which candidate numbers
    are taken, and how many candidates to give it at once."""
    if taken is None:
        return _agreement_numbers_among, CHECK_BATCH

    def among(numbers):
        return {number for number in numbers if taken(number)}

    return among, 1


def _first_free(plan, first, taken):
    """Return ``(value, number)``: the first sequence value from `first`
    whose number is not taken."""
    among, batch = _checker(taken)
    for start in range(first, first + MAX_SKIPPED, batch):
        candidates = [
            (value, plan.render(value)) for value in range(start, start + batch)
        ]
        used = among([number for _value, number in candidates])
        for value, number in candidates:
            if number not in used:
                return value, number
    raise ValidationError(
        _ALL_TAKEN,
        code="all_taken",
        params={"kind": kind_label(plan.pattern.kind), "count": MAX_SKIPPED},
    )


def _next_value(pattern, last_value):
    return max(last_value + 1, pattern.start_at, 1)


# --- issuing and previewing ---------------------------------------------------


def number_issue(*, kind, unit=None, on=None, taken=None):
    """Issue the next number of `kind` for `unit` on `on` (default today).

    Atomic and unique under concurrency: the sequence row is locked until
    the surrounding transaction ends, so call this inside the transaction
    that saves the record carrying the number. A number for which
    `taken(number)` is true is skipped (by default: a number an agreement
    already carries, compared without regard to case). Raise ValidationError
    with a message for the office when no pattern is set for `kind`, or it
    needs a unit and none is given.
    """
    on = on or today()
    with transaction.atomic():
        pattern = _pattern(kind)
        plan = _plan(pattern, unit, on)
        # get_or_create inserts in a savepoint; when another transaction
        # inserted the same row first, it catches the IntegrityError and
        # reads that row again, waiting for its lock.
        sequence, _created = NumberSequence.objects.select_for_update().get_or_create(
            pattern=pattern, scope_key=plan.scope_key
        )
        value, number = _first_free(
            plan, _next_value(pattern, sequence.last_value), taken
        )
        sequence.last_value = value
        sequence.save(update_fields=["last_value"])
    logger.info("Issued number %s for %s", number, kind)
    return number


def pattern_preview(pattern, *, unit=None, on=None, taken=None):
    """Return the next number `pattern` would issue, using nothing up.

    `pattern` may be unsaved (a form being filled in): it then starts at its
    first number.
    """
    plan = _plan(pattern, unit, on or today())
    last_value = 0
    if pattern.pk:
        last_value = (
            NumberSequence.objects.filter(pattern=pattern, scope_key=plan.scope_key)
            .values_list("last_value", flat=True)
            .first()
        ) or 0
    return _first_free(plan, _next_value(pattern, last_value), taken)[1]


def number_preview(*, kind, unit=None, on=None, taken=None):
    """Return the number `number_issue` would give now, without using it up.

    Numbers already taken are skipped as `number_issue` skips them. Raise
    ValidationError as `number_issue` does.
    """
    return pattern_preview(_pattern(kind), unit=unit, on=on, taken=taken)


def pattern_previews(patterns, *, unit=None, on=None):
    """Return ``{pattern.pk: (number, error)}`` for a list page.

    One of the two is empty: the next number, or why there is none (the
    pattern needs a unit, …). Runs a fixed number of queries when no next
    number is already taken.
    """
    on = on or today()
    plans, results = {}, {}
    for pattern in patterns:
        try:
            plans[pattern.pk] = _plan(pattern, unit, on)
        except ValidationError as error:
            results[pattern.pk] = ("", " ".join(error.messages))

    last_values = {
        (pattern_id, scope_key): last_value
        for pattern_id, scope_key, last_value in NumberSequence.objects.filter(
            pattern__in=list(plans),
            scope_key__in={plan.scope_key for plan in plans.values()},
        ).values_list("pattern_id", "scope_key", "last_value")
    }
    firsts = {}
    for pk, plan in plans.items():
        last_value = last_values.get((pk, plan.scope_key), 0)
        value = _next_value(plan.pattern, last_value)
        try:
            firsts[pk] = (value, plan.render(value))
        except ValidationError as error:
            results[pk] = ("", " ".join(error.messages))

    used = (
        _agreement_numbers_among([number for _value, number in firsts.values()])
        if firsts
        else set()
    )
    for pk, (value, number) in firsts.items():
        try:
            if number in used:
                number = _first_free(plans[pk], value + 1, None)[1]
        except ValidationError as error:
            results[pk] = ("", " ".join(error.messages))
        else:
            results[pk] = (number, "")
    return results


def proposed_agreement_number(*, document_type, unit=None, on=None):
    """Return the number to propose for an agreement recorded by hand.

    It is the next number of the document type's pattern, not used up; ""
    when the office has set no pattern for the type, or the pattern cannot
    be filled in yet (it needs a unit and none is chosen).
    """
    try:
        return number_preview(kind=agreement_kind(document_type), unit=unit, on=on)
    except ValidationError:
        return ""
