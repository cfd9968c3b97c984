"""Writes of the reports app: activity outputs, relevance notes, partners'
categories under the ministry's rule sets and a rule set's settings.

Pages and the admin call these; each checks its input and raises
ValidationError with a message per field.
"""

import logging

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from mitra.core.validators import validate_evidence_file
from mitra.partners.models import PartnerRuleCategory
from mitra.reports.models import (
    ActivityOutput,
    AgreementRelevance,
    CountingWindow,
    OutputDenominator,
    OutputKind,
    OutputNumerator,
    RuleSetKind,
)

logger = logging.getLogger(__name__)

#: The value of a partner's category meaning "as its kind gives".
FROM_KIND = "kind"


# --- Outputs -----------------------------------------------------------------


@transaction.atomic
def output_add(*, activity, by, kind, description, evidence=None):
    """Record what `activity` produced and return the ActivityOutput."""
    errors = {}
    description = " ".join(str(description or "").split())
    if kind not in OutputKind.values:
        errors["kind"] = [_("Choose the kind of output.")]
    if not description:
        errors["description"] = [_("Say what was produced.")]
    if evidence:
        if not isinstance(evidence, UploadedFile) and not hasattr(evidence, "read"):
            errors["evidence"] = [_("Choose a file.")]
        else:
            try:
                validate_evidence_file(evidence)
            except ValidationError as error:
                errors["evidence"] = error.messages
    if errors:
        raise ValidationError(errors)

    output = ActivityOutput(
        activity=activity,
        kind=kind,
        description=description[:500],
        evidence=evidence or "",
        created_by=by,
    )
    output._history_user = by
    output.save()
    return output


@transaction.atomic
def output_delete(*, output, by):
    """Remove an output; its file stays for the records' retention."""
    output._history_user = by
    output.delete()


# --- Relevance to the vision -------------------------------------------------


@transaction.atomic
def relevance_set(*, agreement, by, note):
    """Set (or, with an empty note, remove) the agreement's relevance note.

    Return the AgreementRelevance, or None when removed.
    """
    note = str(note or "").strip()
    current = AgreementRelevance.objects.filter(agreement=agreement).first()
    if not note:
        if current:
            current._history_user = by
            current.delete()
        return None
    if current is None:
        current = AgreementRelevance(agreement=agreement)
    elif current.note == note:
        return current
    current.note = note
    current.updated_by = by
    current._history_user = by
    current.save()
    return current


# --- Partners' categories ----------------------------------------------------


@transaction.atomic
def partner_categories_set(*, partner, by, choices):
    """Set `partner`'s category under each rule set in `choices`.

    `choices` maps a RuleSet to one of its PartnerCategory objects, to None
    ("in none of its categories") or to FROM_KIND (as the partner's kind
    gives, i.e. no row of its own). Return the number of rule sets changed.
    """
    rows = {
        row.rule_set_id: row
        for row in PartnerRuleCategory.objects.select_for_update().filter(
            partner=partner
        )
    }
    changed = 0
    for rule_set, choice in choices.items():
        row = rows.get(rule_set.pk)
        if choice == FROM_KIND:
            if row is not None:
                row._history_user = by
                row.delete()
                changed += 1
            continue
        if choice is not None and choice.rule_set_id != rule_set.pk:
            raise ValidationError(
                _("%(category)s is not a category of %(rule_set)s.")
                % {"category": choice, "rule_set": rule_set.name}
            )
        category_id = choice.pk if choice is not None else None
        if row is not None and row.category_id == category_id:
            continue
        row = row or PartnerRuleCategory(partner=partner, rule_set=rule_set)
        row.category_id = category_id
        row._history_user = by
        row.save()
        changed += 1
    return changed


# --- A rule set's settings ---------------------------------------------------


@transaction.atomic
def rule_set_settings_update(
    *, rule_set, by, counting_window, numerator="", denominator=""
):
    """Change how a rule set counts: its window, and for an output rule set
    its numerator and denominator (blank: the installation's default)."""
    errors = {}
    if counting_window not in ("", *CountingWindow.values):
        errors["counting_window"] = [_("Choose a counting window.")]
    if numerator not in ("", *OutputNumerator.values):
        errors["numerator"] = [_("Choose a numerator.")]
    if denominator not in ("", *OutputDenominator.values):
        errors["denominator"] = [_("Choose a denominator.")]
    if errors:
        raise ValidationError(errors)
    if rule_set.kind != RuleSetKind.OUTPUT:
        numerator = denominator = ""
    rule_set.counting_window = counting_window
    rule_set.numerator = numerator
    rule_set.denominator = denominator
    rule_set._history_user = by
    rule_set.save()
    logger.info("Settings of rule set %s changed", rule_set.code)
    return rule_set
