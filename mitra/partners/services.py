"""Writes on partners: names, aliases, contacts, duplicates and merges.

Every page, the register import and the management commands change partners
through these functions, so the rules are written once:

* no two partners share a name: a name or alias is refused when its
  normalised form (see `mitra.partners.names.normalize_name`) is already the
  name or an alias of another partner;
* likely duplicates (abbreviations, initials, slips of the keyboard) are only
  suggested; a person confirms them by merging, or dismisses them;
* a merge moves everything that points at the absorbed partner to the kept
  one, keeps the absorbed names as aliases and records what it moved.

On history: the absorbed partner's own history rows are left as they were
(they describe that partner, and re-pointing them at the kept partner would
splice two unrelated timelines into one). The moved agreements and contacts
get a history entry each, the kept partner gets one saying which partner it
absorbed, the absorbed partner's last entry says where it went, and the
`PartnerMerge` record keeps its name, code and the counts of what moved, so
its history can still be found from the kept partner (see `absorbed_history`).
"""

import logging
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_update_with_history

from mitra.partners.models import (
    Contact,
    DuplicateDismissal,
    Partner,
    PartnerAlias,
    PartnerMerge,
    PartnerRuleCategory,
)
from mitra.partners.names import Reason, likely_duplicates, normalize_name

logger = logging.getLogger(__name__)

REASON_LABELS = {
    Reason.SIMILAR: _("similar spelling"),
    Reason.ABBREVIATION: _("abbreviation"),
    Reason.INITIALS: _("initials"),
}

#: Fields a person edits on a partner (the code and the key are derived).
PARTNER_FIELDS = (
    "name",
    "kind",
    "scope",
    "country",
    "address",
    "website",
    "email",
    "phone",
    "notes",
)
#: Fields a merge copies from the absorbed partner when the kept one lacks them.
FILLABLE_FIELDS = ("kind", "country", "address", "website", "email", "phone")
CONTACT_FIELDS = ("name", "position", "email", "phone", "language", "is_active")

_DUPLICATE_NAME = _("This name is already used by the partner %(partner)s (%(code)s).")
_EMPTY_NAME = _("Enter a name with at least one letter or digit.")
_NAME_TAKEN_MEANWHILE = _("This name was just saved for another partner.")


# --- names ---------------------------------------------------------------


def name_owner(name, *, exclude=None):
    """Return the partner whose name or alias normalises like `name`, or None.

    `exclude` (a partner) is left out of the search: a partner may keep its
    own spellings.
    """
    found = Partner.objects.by_name(name)
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    return found.order_by("pk").first()


def _check_name(name, *, exclude=None):
    """Raise a ValidationError on `name` unless it is free for a partner."""
    if not normalize_name(name or ""):
        raise ValidationError({"name": ValidationError(_EMPTY_NAME, code="empty")})
    owner = name_owner(name, exclude=exclude)
    if owner is not None:
        raise ValidationError(
            {
                "name": ValidationError(
                    _DUPLICATE_NAME,
                    code="duplicate_name",
                    params={"partner": owner.name, "code": owner.code},
                )
            }
        )


def _reason(message, **params):
    """Return a history reason, written in the institution's language.

    The reason is stored as text, so it is written in one language whoever
    made the change.
    """
    with translation.override(settings.LANGUAGE_CODE):
        return str(message) % params


def _save(instance, *, by, reason=None):
    """Save with the author (and a reason) recorded in its history."""
    instance._history_user = by
    if reason:
        instance._change_reason = reason
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        # Two people saving the same new name at once: the database's unique
        # key catches what the check before saving could not.
        raise ValidationError({"name": _NAME_TAKEN_MEANWHILE}) from error
    finally:
        instance.__dict__.pop("_change_reason", None)


def _assign(instance, allowed, fields):
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(instance, name, value)


def _validate(instance, *, exclude=()):
    instance.full_clean(exclude=["normalized_name", "code", *exclude])


# --- partners ------------------------------------------------------------


@transaction.atomic
def partner_create(*, by, **fields):
    """Create a partner, refusing a name another partner already uses."""
    partner = Partner(created_by=by)
    _assign(partner, PARTNER_FIELDS, fields)
    partner.name = " ".join((partner.name or "").split())
    _validate(partner)
    _check_name(partner.name)
    _save(partner, by=by)
    logger.info("Partner %s created", partner.code)
    return partner


@transaction.atomic
def partner_update(*, partner, by, **fields):
    """Change a partner's data; a new name keeps the old one as an alias.

    Keeping the old spelling means a later import that still writes it finds
    this partner. A new name equal to one of the partner's own aliases takes
    that alias's place.
    """
    # Read from the database: a bound form may already have changed the name.
    old_name, old_key = (
        Partner.objects.filter(pk=partner.pk)
        .values_list("name", "normalized_name")
        .get()
    )
    _assign(partner, PARTNER_FIELDS, fields)
    partner.name = " ".join((partner.name or "").split())
    _validate(partner)
    new_key = normalize_name(partner.name)
    if new_key != old_key:
        _check_name(partner.name, exclude=partner)
        partner.aliases.filter(normalized_name=new_key).delete()
    _save(partner, by=by)
    if (
        new_key != old_key
        and old_key
        and not PartnerAlias.objects.filter(normalized_name=old_key).exists()
    ):
        PartnerAlias.objects.create(partner=partner, name=old_name)
    return partner


# --- aliases -------------------------------------------------------------


@transaction.atomic
def alias_add(*, partner, name, by):
    """Record another spelling of `partner`; refuse one in use elsewhere."""
    name = " ".join((name or "").split())
    key = normalize_name(name)
    if not key:
        raise ValidationError({"name": ValidationError(_EMPTY_NAME, code="empty")})
    if (
        key == partner.normalized_name
        or partner.aliases.filter(normalized_name=key).exists()
    ):
        raise ValidationError(
            {
                "name": ValidationError(
                    _("This partner is already known under this name."),
                    code="own_name",
                )
            }
        )
    _check_name(name, exclude=partner)
    alias = PartnerAlias(partner=partner, name=name)
    try:
        with transaction.atomic():
            alias.save()
    except IntegrityError as error:
        raise ValidationError({"name": _NAME_TAKEN_MEANWHILE}) from error
    _save(partner, by=by, reason=_reason(_("Alias added: %(name)s"), name=alias.name))
    return alias


@transaction.atomic
def alias_remove(*, alias, by):
    """Forget one alias of a partner."""
    partner = alias.partner
    alias.delete()
    _save(partner, by=by, reason=_reason(_("Alias removed: %(name)s"), name=alias.name))


# --- contacts ------------------------------------------------------------


@transaction.atomic
def contact_create(*, partner, by, **fields):
    """Add a person at `partner`."""
    contact = Contact(partner=partner)
    _assign(contact, CONTACT_FIELDS, fields)
    contact.full_clean()
    _save(contact, by=by)
    _save(partner, by=by, reason=_reason(_("Contact added: %(name)s"), name=contact))
    return contact


@transaction.atomic
def contact_update(*, contact, by, **fields):
    """Change a contact's data (its own history records the change)."""
    _assign(contact, CONTACT_FIELDS, fields)
    contact.full_clean()
    _save(contact, by=by)
    return contact


@transaction.atomic
def contact_delete(*, contact, by):
    """Remove a contact; agreements naming it as responsible person keep none."""
    partner = contact.partner
    contact._history_user = by
    contact.delete()
    _save(partner, by=by, reason=_reason(_("Contact removed: %(name)s"), name=contact))


# --- likely duplicates ---------------------------------------------------


@dataclass(frozen=True)
class DuplicatePair:
    """Two partners that may be one organisation, for a person to decide.

    `first` has the lower id. `first_name` and `second_name` are the
    spellings (name or alias) that look alike.
    """

    first: Partner
    second: Partner
    first_name: str
    second_name: str
    score: float
    reason: Reason

    @property
    def reason_label(self):
        return REASON_LABELS.get(self.reason, self.reason)


def _all_names():
    """Return {partner id: [name, alias, …]} of every partner (two queries)."""
    names = {}
    for pk, name in Partner.objects.order_by("pk").values_list("pk", "name"):
        names[pk] = [name]
    for pk, name in PartnerAlias.objects.order_by("pk").values_list(
        "partner_id", "name"
    ):
        names.setdefault(pk, []).append(name)
    return names


def _dismissed(partner=None):
    pairs = DuplicateDismissal.objects.all()
    if partner is not None:
        pairs = pairs.filter(Q(partner_a=partner) | Q(partner_b=partner))
    return set(pairs.values_list("partner_a_id", "partner_b_id"))


def _best_matches(own_names, candidates):
    """Return {candidate id: (own name, Match)} for the best match of each."""
    best = {}
    for own in own_names:
        for match in likely_duplicates(own, candidates):
            current = best.get(match.candidate_id)
            if current is None or match.score > current[1].score:
                best[match.candidate_id] = (own, match)
    return best


def duplicate_suggestions(*, partner=None, limit=100):
    """Return likely duplicate pairs among partners, best first.

    Names and aliases are compared with `likely_duplicates`. With `partner`,
    only the pairs it belongs to. Pairs a person dismissed are left out.
    `limit` caps the number of pairs (None for all). Runs a fixed number of
    queries; the comparison itself grows with the square of the number of
    partners when `partner` is not given.
    """
    names = _all_names()
    flat = [(pk, name) for pk in sorted(names) for name in names[pk]]
    if partner is not None:
        searches = [(partner.pk, [(pk, n) for pk, n in flat if pk != partner.pk])]
    else:
        # Each pair once: every partner against those with a higher id.
        searches = [(pk, [(o, n) for o, n in flat if o > pk]) for pk in sorted(names)]

    dismissed = _dismissed(partner)
    found = []
    for pk, candidates in searches:
        for other, (own, match) in _best_matches(names.get(pk, []), candidates).items():
            pair = (min(pk, other), max(pk, other))
            if pair not in dismissed:
                spellings = {pk: own, other: match.candidate_name}
                found.append((pair, spellings, match))
    found.sort(key=lambda item: (-item[2].score, item[0]))
    if limit is not None:
        found = found[:limit]

    wanted = {pk for pair, _spellings, _match in found for pk in pair}
    partners = Partner.objects.select_related("kind").in_bulk(wanted)
    return [
        DuplicatePair(
            first=partners[a],
            second=partners[b],
            first_name=spellings[a],
            second_name=spellings[b],
            score=match.score,
            reason=match.reason,
        )
        for (a, b), spellings, match in found
    ]


def name_suggestions(*, name, exclude=None, limit=5):
    """Return [(partner, Match)] of partners `name` may duplicate, best first.

    For a name being typed or just saved; `exclude` is the partner itself.
    """
    names = _all_names()
    candidates = [
        (pk, spelling)
        for pk, spellings in names.items()
        if exclude is None or pk != exclude.pk
        for spelling in spellings
    ]
    matches = likely_duplicates(name, candidates)[:limit]
    partners = Partner.objects.in_bulk([match.candidate_id for match in matches])
    return [(partners[match.candidate_id], match) for match in matches]


@transaction.atomic
def duplicate_dismiss(*, partner, other, by):
    """Record that two partners are not the same, so they are not suggested."""
    if partner.pk == other.pk:
        raise ValidationError(_("A partner cannot be compared with itself."))
    first, second = sorted((partner, other), key=lambda each: each.pk)
    dismissal, _created = DuplicateDismissal.objects.get_or_create(
        partner_a=first, partner_b=second, defaults={"by": by}
    )
    return dismissal


# --- merge ---------------------------------------------------------------


@dataclass
class MergePlan:
    """What merging `absorbed` into `kept` moves, fills and keeps as aliases.

    `records` counts the rows that will point at the kept partner, by model
    label (``agreements.agreement``); `aliases` are the spellings the kept
    partner takes over; `filled` the fields copied into its blanks (and
    ``notes`` when the absorbed notes are added to the kept ones).
    """

    records: dict[str, int] = field(default_factory=dict)
    aliases: list[str] = field(default_factory=list)
    filled: list[str] = field(default_factory=list)

    def as_json(self):
        return {"records": self.records, "aliases": self.aliases, "filled": self.filled}


# Relations the merge handles itself rather than by moving rows as they are.
_MERGE_BOOKKEEPING = {"partners.partneralias", "partners.partnermerge"}


def _moved_relations():
    """Return the relations to Partner whose rows a merge moves.

    Found from the model's metadata, so the relations of apps added later are
    moved too. Hidden relations (the history tables' and the dismissed
    pairs') are not included: those rows stay with the partner they name.
    """
    return [
        relation
        for relation in Partner._meta.related_objects
        if relation.related_model._meta.label_lower not in _MERGE_BOOKKEEPING
    ]


def _through_columns(relation):
    """Return (column to the other model, column to Partner) of an M2M table."""
    return relation.field.m2m_field_name(), relation.field.m2m_reverse_field_name()


def _rows_of(relation, partner):
    if relation.many_to_many:
        _source, target = _through_columns(relation)
        return relation.through._base_manager.filter(**{target: partner})
    return relation.related_model._base_manager.filter(**{relation.field.name: partner})


def _blank(value):
    return value is None or value == ""


def merge_plan(*, kept, absorbed):
    """Return the MergePlan of merging `absorbed` into `kept` (no change made)."""
    plan = MergePlan()
    for relation in _moved_relations():
        count = _rows_of(relation, absorbed).count()
        if count:
            label = relation.related_model._meta.label_lower
            plan.records[label] = plan.records.get(label, 0) + count
    alias_names = list(absorbed.aliases.values_list("name", flat=True))
    if alias_names:
        plan.records["partners.partneralias"] = len(alias_names)
    known = {
        kept.normalized_name,
        *kept.aliases.values_list("normalized_name", flat=True),
    }
    plan.aliases = [
        name
        for name in [absorbed.name, *alias_names]
        if normalize_name(name) not in known
    ]
    plan.filled = [
        name
        for name in FILLABLE_FIELDS
        if _blank(getattr(kept, Partner._meta.get_field(name).attname))
        and not _blank(getattr(absorbed, Partner._meta.get_field(name).attname))
    ]
    if absorbed.notes.strip() and absorbed.notes.strip() != kept.notes.strip():
        plan.filled.append("notes")
    return plan


def _is_historical(model):
    return hasattr(model._meta, "simple_history_manager_attribute")


def _move_foreign_key(relation, absorbed, kept, *, by, reason):
    model, name = relation.related_model, relation.field.name
    if not _is_historical(model):
        _rows_of(relation, absorbed).update(**{name: kept})
        return

    rows = list(_rows_of(relation, absorbed))
    if not rows:
        return
    changed = [name]
    touched = [
        each for each in model._meta.concrete_fields if getattr(each, "auto_now", False)
    ]
    now = timezone.now()
    for row in rows:
        setattr(row, name, kept)
        for each in touched:
            setattr(row, each.attname, now)
    bulk_update_with_history(
        rows,
        model,
        changed + [each.name for each in touched],
        default_user=by,
        default_change_reason=reason,
        manager=model._base_manager,
    )


def _move_many_to_many(relation, absorbed, kept):
    source, target = _through_columns(relation)
    through = relation.through._base_manager
    # A row already linked to the kept partner keeps that link only.
    already = through.filter(**{target: kept}).values(source)
    through.filter(**{target: absorbed, f"{source}__in": already}).delete()
    through.filter(**{target: absorbed}).update(**{target: kept})


def _move_one_to_one(relation, absorbed, kept, *, by, reason):
    if _rows_of(relation, kept).exists():
        raise ValidationError(
            _("Both partners have a %(record)s; keep one of them first.")
            % {"record": relation.related_model._meta.verbose_name}
        )
    _move_foreign_key(relation, absorbed, kept, by=by, reason=reason)


@transaction.atomic
def partner_merge(*, kept, absorbed, by):
    """Absorb one partner into another and record it; return the PartnerMerge.

    Every row pointing at `absorbed` (agreements, contacts, and the rows of
    any other model with a relation to Partner) moves to `kept`, each moved
    row that keeps a history getting an entry. The absorbed name and aliases
    become aliases of the kept partner, so a later import of those spellings
    finds it; the kept partner's blank fields take the absorbed one's values.
    Then the absorbed partner is deleted.
    """
    if kept.pk == absorbed.pk:
        raise ValidationError(_("A partner cannot be merged into itself."))
    locked = Partner.objects.select_for_update().in_bulk([kept.pk, absorbed.pk])
    if len(locked) != 2:
        raise ValidationError(_("One of the partners no longer exists."))
    kept, absorbed = locked[kept.pk], locked[absorbed.pk]

    # A partner has one category per rule set: where both have one, the
    # kept partner's stands; the absorbed one's others move with the rest.
    PartnerRuleCategory.objects.filter(
        partner=absorbed,
        rule_set__in=kept.rule_categories.values("rule_set"),
    ).delete()
    plan = merge_plan(kept=kept, absorbed=absorbed)
    moved_reason = _reason(
        _("Partner %(absorbed)s (%(old)s) merged into %(kept)s (%(new)s)"),
        absorbed=absorbed.name,
        old=absorbed.code,
        kept=kept.name,
        new=kept.code,
    )
    for relation in _moved_relations():
        if relation.many_to_many:
            _move_many_to_many(relation, absorbed, kept)
        elif relation.one_to_one:
            _move_one_to_one(relation, absorbed, kept, by=by, reason=moved_reason)
        else:
            _move_foreign_key(relation, absorbed, kept, by=by, reason=moved_reason)
    PartnerMerge.objects.filter(kept=absorbed).update(kept=kept)

    # The absorbed spellings become the kept partner's aliases. The absorbed
    # name itself is still taken by its own row until that is deleted below.
    absorbed.aliases.exclude(normalized_name=kept.normalized_name).update(partner=kept)
    keep_name = absorbed.normalized_name not in (
        kept.normalized_name,
        *kept.aliases.values_list("normalized_name", flat=True),
    )

    for name in plan.filled:
        if name == "notes":
            # Notes are added to, never overwritten: both may matter.
            appended = f"{absorbed.name}: {absorbed.notes.strip()}"
            kept.notes = "\n\n".join(filter(None, [kept.notes.strip(), appended]))
        else:
            attname = Partner._meta.get_field(name).attname
            setattr(kept, attname, getattr(absorbed, attname))

    absorbed._history_user = by
    absorbed._change_reason = moved_reason
    absorbed.delete()
    if keep_name:
        PartnerAlias.objects.create(partner=kept, name=absorbed.name)
    _save(kept, by=by, reason=moved_reason)

    merge = PartnerMerge.objects.create(
        kept=kept,
        absorbed_name=absorbed.name,
        absorbed_code=absorbed.code or "",
        moved=plan.as_json(),
        merged_by=by,
    )
    logger.info("Partner %s merged into %s: %s", absorbed.code, kept.code, plan.records)
    return merge


def describe_records(records):
    """Return [(plural label, count)] for the `records` of a MergePlan."""
    described = []
    for label, count in records.items():
        try:
            name = apps.get_model(label)._meta.verbose_name_plural
        except (LookupError, ValueError):
            name = label
        described.append((name, count))
    return described


def absorbed_history(merge):
    """Return the history rows of the partner a merge absorbed, newest first."""
    deleted = Partner.history.filter(code=merge.absorbed_code, history_type="-")
    return Partner.history.filter(id__in=deleted.values("id"))
