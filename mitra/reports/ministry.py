"""The ministry's cooperation indicator (*IKU*), computed under a rule set.

The ministry changed the indicator in 2021, 2023 and 2025; each version is a
`RuleSet` kept as data (see `mitra.reports.models`), of one of three kinds:

* **percentage** (2021, IKU 6): the percentage of study programmes at the
  counted levels with at least one qualifying cooperation — a partner in one
  of the rule set's categories and a cooperation in one of its forms (the
  agreement's cooperation types, or the form of one of its activities in
  the year);
* **weighted** (2023, IKU 3.1): each of a programme's agreements of the
  counted document types (MoA/PKS and IA, never an MoU) counts with its
  partner category's weight; the weights of all programmes are summed and
  divided by the number of programmes;
* **output** (2025, IKU 5): the percentage of cooperations with industry
  (partners of a kind marked as industry) that have a recorded output
  (`ActivityOutput`) on an activity in the year.

A cooperation belongs to a programme when the programme is among the
agreement's units. Programmes are the active units of kind prodi whose level
is one the rule set counts. Which agreements count for a year is the rule
set's counting window: signed in the year, or in force at some time in it.

Every signed agreement of the year (signed in it or in force during it) is
judged, so that the page can say why one does not count: its document type,
the counting window; for the percentage and the weighted count its level (a
jurusan's agreement is not a study programme's) and its partner's category,
and for the percentage its forms; for the output count a partner that is not
industry, or no activity in the year when the denominator asks for one.
"""

import dataclasses
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, Q
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from mitra.agreements.models import Activity, Agreement
from mitra.core.models import Unit, UnitKind
from mitra.partners.models import PartnerRuleCategory
from mitra.reports.indicators import (
    activities_overlapping,
    in_force_between,
    signed_in,
    year_bounds,
)
from mitra.reports.models import (
    DOWNSTREAMING_KINDS,
    ActivityOutput,
    CountingWindow,
    OutputDenominator,
    OutputNumerator,
    RuleSet,
    RuleSetKind,
)

HUNDRED = Decimal(100)

#: Ways a programme level is written, reduced to the ministry's codes.
LEVEL_ALIASES = {
    "DIV": "D4",
    "D-IV": "D4",
    "STR": "D4",
    "SARJANATERAPAN": "D4",
    "DIII": "D3",
    "D-III": "D3",
    "DII": "D2",
    "D-II": "D2",
    "DI": "D1",
    "D-I": "D1",
    "SARJANA": "S1",
}


def normalise_level(text):
    """Return a programme level as the ministry writes it ("D4", "S1", …)."""
    key = "".join(str(text or "").upper().replace(".", "").split())
    return LEVEL_ALIASES.get(key, key)


def rule_set_for_year(year):
    """Return the rule set that applies to `year`, or None."""
    for rule_set in RuleSet.objects.order_by("-year_from"):
        if rule_set.applies_to(year):
            return rule_set
    return None


# --- Programmes and partners' categories -------------------------------------


def programmes_for(rule_set):
    """Return (counted programmes, prodis left out for their level)."""
    levels = {normalise_level(level) for level in rule_set.levels or []}
    counted, left_out = [], []
    prodis = Unit.objects.filter(kind=UnitKind.PRODI, is_active=True).order_by("code")
    for unit in prodis:
        unit.ministry_level = normalise_level(unit.level)
        if not levels or unit.ministry_level in levels:
            counted.append(unit)
        else:
            left_out.append(unit)
    return counted, left_out


@dataclasses.dataclass
class Assigned:
    """A partner's category under a rule set, and where it comes from."""

    category: object
    explicit: bool


def kind_defaults(categories):
    """Return {partner kind id: category} for a rule set's `categories`: the
    first category listing a kind is where partners of that kind fall."""
    by_kind = {}
    for category in categories:
        for kind in category.default_kinds.all():
            by_kind.setdefault(kind.pk, category)
    return by_kind


def partner_categories(partners, rule_set):
    """Return {partner id: Assigned} for `partners` under `rule_set`.

    A partner's own row decides (a row without a category puts it in none);
    without one, the first category listing the partner's kind applies.
    """
    partners = list(partners)
    by_kind = kind_defaults(rule_set.categories.prefetch_related("default_kinds"))
    explicit = {
        row.partner_id: row.category
        for row in PartnerRuleCategory.objects.filter(
            rule_set=rule_set, partner__in=[partner.pk for partner in partners]
        ).select_related("category")
    }
    return {
        partner.pk: (
            Assigned(explicit[partner.pk], True)
            if partner.pk in explicit
            else Assigned(by_kind.get(partner.kind_id), False)
        )
        for partner in partners
    }


def partner_category(partner, rule_set):
    """Return the PartnerCategory of `partner` under `rule_set`, or None."""
    return partner_categories([partner], rule_set)[partner.pk].category


def category_label(category):
    """A category as a choice reads: its name, and its weight written the
    way the active language writes numbers ("0,30" in Indonesian)."""
    return f"{category.name} ({number_format(category.weight, decimal_pos=2)})"


# --- Results -----------------------------------------------------------------


@dataclasses.dataclass
class Counted:
    """One agreement as a rule set sees it, for one programme."""

    agreement: Agreement
    counts: bool
    category: object = None
    explicit: bool = False
    weight: Decimal = Decimal(0)
    forms: list = dataclasses.field(default_factory=list)
    has_output: bool = False
    reason: str = ""
    #: The counted programmes whose figure lists the agreement (weighted).
    programme_ids: tuple = ()


@dataclasses.dataclass
class ProgrammeFigure:
    unit: Unit
    agreements: list
    value: object = None

    @property
    def counted(self):
        return [each for each in self.agreements if each.counts]


@dataclasses.dataclass
class MinistryResult:
    rule_set: RuleSet
    year: int
    window: str
    value: Decimal | None
    numerator: Decimal | int
    denominator: int
    programmes: list
    left_out: list
    unassigned: list = dataclasses.field(default_factory=list)
    #: The agreements of the year that do not count, each with its reason.
    not_counted: list = dataclasses.field(default_factory=list)
    numerator_rule: str = ""
    denominator_rule: str = ""

    @property
    def is_percentage(self):
        return self.rule_set.kind != RuleSetKind.WEIGHTED

    @property
    def window_label(self):
        return CountingWindow(self.window).label


def _ratio(numerator, denominator, *, percent):
    if not denominator:
        return None
    value = Decimal(numerator) / Decimal(denominator)
    if percent:
        value *= HUNDRED
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def year_agreements(user, year):
    """The signed agreements `user` sees that concern `year`: signed in it,
    or in force at some time during it. A rule set counts some of them."""
    agreements = Agreement.objects.for_user(user)
    first, last = year_bounds(year)
    return agreements.filter(
        Q(pk__in=signed_in(agreements, year).values("pk"))
        | Q(pk__in=in_force_between(agreements, first, last).values("pk"))
    )


def window_ids(user, year, window):
    """The ids of the agreements `user` sees in the counting `window` of
    `year`: signed in the year, or in force at some time during it."""
    agreements = Agreement.objects.for_user(user)
    if window == CountingWindow.SIGNED:
        agreements = signed_in(agreements, year)
    else:
        first, last = year_bounds(year)
        agreements = in_force_between(agreements, first, last)
    return set(agreements.values_list("pk", flat=True))


def ineligibility(agreement, *, rule_set, year, window, in_window):
    """Return why `agreement` is not a document `rule_set` counts for
    `year` — its document type, or the counting window — as sentences; an
    empty list when it is one.

    `in_window` holds the ids `window_ids` returned for the same window.
    """
    reasons = []
    if rule_set.document_types and agreement.document_type not in set(
        rule_set.document_types
    ):
        reasons.append(
            _("Document type %(type)s is not counted by this rule set.")
            % {"type": agreement.get_document_type_display()}
        )
    if agreement.pk not in in_window:
        if window == CountingWindow.SIGNED:
            reasons.append(_("Not signed in %(year)s.") % {"year": year})
        else:
            reasons.append(_("Not in force at any time in %(year)s.") % {"year": year})
    return reasons


def _with_details(agreements, year):
    first, last = year_bounds(year)
    activities = (
        Activity.objects.filter(activities_overlapping(first, last))
        .select_related("form")
        .prefetch_related(
            Prefetch("outputs", queryset=ActivityOutput.objects.order_by("pk"))
        )
        .order_by("start_date", "pk")
    )
    return (
        agreements.select_related("partner__kind")
        .prefetch_related(
            "units",
            "cooperation_types",
            Prefetch("activities", queryset=activities, to_attr="year_activities"),
        )
        .order_by("partner__name", "start_date", "pk")
    )


def ministry_indicator(
    *, year, user, rule_set=None, window=None, numerator=None, denominator=None
):
    """Return the MinistryResult of `year` under `rule_set` (default: the one
    that applies to the year; None when there is none).

    `window`, `numerator` and `denominator` override the rule set's settings
    (to compare the ways of counting on the page).
    """
    rule_set = rule_set or rule_set_for_year(year)
    if rule_set is None:
        return None
    window = window or rule_set.window
    programmes, left_out = programmes_for(rule_set)
    candidates = list(_with_details(year_agreements(user, year), year))
    in_window = window_ids(user, year, window)
    ineligible = {}
    for agreement in candidates:
        reasons = ineligibility(
            agreement, rule_set=rule_set, year=year, window=window, in_window=in_window
        )
        if reasons:
            ineligible[agreement.pk] = reasons
    agreements = [each for each in candidates if each.pk not in ineligible]
    categories = partner_categories(
        {agreement.partner_id: agreement.partner for agreement in candidates}.values(),
        rule_set,
    )
    compute = {
        RuleSetKind.PERCENTAGE: _percentage,
        RuleSetKind.WEIGHTED: _weighted,
        RuleSetKind.OUTPUT: _output,
    }[rule_set.kind]
    result = MinistryResult(
        rule_set=rule_set,
        year=year,
        window=window,
        value=None,
        numerator=0,
        denominator=0,
        programmes=[],
        left_out=left_out,
    )
    compute(
        result,
        programmes,
        agreements,
        categories,
        numerator=numerator or rule_set.output_numerator,
        denominator=denominator or rule_set.output_denominator,
        candidates=candidates,
        ineligible=ineligible,
    )
    return result


def _of_programme(agreements, unit):
    return [
        agreement
        for agreement in agreements
        if any(each.pk == unit.pk for each in agreement.units.all())
    ]


def _forms_of(agreement, form_types):
    """The rule set's forms `agreement` is in: through its cooperation types,
    or the form of one of its activities in the year; `form_types` maps a
    cooperation type's id to the form it belongs to."""
    types = {each.pk for each in agreement.cooperation_types.all()} | {
        activity.form_id for activity in agreement.year_activities if activity.form_id
    }
    return sorted(
        {form_types[pk] for pk in types if pk in form_types},
        key=lambda form: form.ordering,
    )


def _judge_percentage(agreement, *, reasons, programme_ids, assigned, form_types):
    """Decide whether `agreement` qualifies its programmes under a percentage
    rule set, and why not: the reasons of `_programme_reasons`, and a
    cooperation in none of the counted forms."""
    reasons, listed = _programme_reasons(
        agreement, reasons=reasons, programme_ids=programme_ids, assigned=assigned
    )
    forms = _forms_of(agreement, form_types)
    if not forms:
        reasons.append(
            _("No cooperation type or activity in one of the counted forms.")
        )
    return Counted(
        agreement,
        counts=not reasons,
        category=assigned.category,
        explicit=assigned.explicit,
        forms=forms,
        reason=" ".join(reasons),
        programme_ids=listed,
    )


def _percentage(
    result, programmes, agreements, categories, *, candidates, ineligible, **_settings
):
    form_types = {}
    for form in result.rule_set.forms.prefetch_related("cooperation_types"):
        for cooperation_type in form.cooperation_types.all():
            form_types.setdefault(cooperation_type.pk, form)
    programme_ids = {unit.pk for unit in programmes}
    judged = [
        _judge_percentage(
            agreement,
            reasons=ineligible.get(agreement.pk, []),
            programme_ids=programme_ids,
            assigned=categories[agreement.partner_id],
            form_types=form_types,
        )
        for agreement in candidates
    ]

    qualifying = 0
    for unit in programmes:
        rows = [row for row in judged if unit.pk in row.programme_ids]
        figure = ProgrammeFigure(unit, rows, value=any(row.counts for row in rows))
        qualifying += figure.value
        result.programmes.append(figure)
    result.not_counted = [row for row in judged if not row.counts]
    result.numerator, result.denominator = qualifying, len(programmes)
    result.value = _ratio(qualifying, len(programmes), percent=True)


def _level_reason(agreement, programme_ids):
    """Why `agreement` belongs to none of the counted programmes, or ""."""
    units = list(agreement.units.all())
    if any(unit.pk in programme_ids for unit in units):
        return ""
    if any(unit.kind == UnitKind.PRODI for unit in units):
        return _("None of its study programmes is counted under this rule set.")
    if any(unit.kind == UnitKind.JURUSAN for unit in units):
        return _("At the level of a department (jurusan), not of a study programme.")
    return _(
        "Not at the level of a study programme: no study programme among its units."
    )


def _programme_reasons(agreement, *, reasons, programme_ids, assigned):
    """Return why `agreement` counts for no programme, and the counted
    programmes whose figure lists it.

    The reasons are `reasons` (what `ineligibility` said), its level (see
    `_level_reason`) and its partner's category (`assigned`). A document of
    a counted type in the window is listed under each of its counted
    programmes, with its contribution or its reason.
    """
    reasons = list(reasons)
    listed = ()
    if not reasons:
        listed = tuple(
            unit.pk for unit in agreement.units.all() if unit.pk in programme_ids
        )
    level = _level_reason(agreement, programme_ids)
    if level:
        reasons.append(level)
    if assigned.category is None:
        reasons.append(_("The partner is in none of the rule set's categories."))
    return reasons, listed


def _judge_weighted(agreement, *, reasons, programme_ids, assigned):
    """Decide whether `agreement` counts under a weighted rule set, and why
    not: the reasons of `_programme_reasons`; one that counts weighs its
    partner's category's weight."""
    reasons, listed = _programme_reasons(
        agreement, reasons=reasons, programme_ids=programme_ids, assigned=assigned
    )
    counts = not reasons
    return Counted(
        agreement,
        counts=counts,
        category=assigned.category,
        explicit=assigned.explicit,
        weight=assigned.category.weight if counts else Decimal(0),
        reason=" ".join(reasons),
        programme_ids=listed,
    )


def _weighted(
    result, programmes, agreements, categories, *, candidates, ineligible, **_settings
):
    programme_ids = {unit.pk for unit in programmes}
    judged = [
        _judge_weighted(
            agreement,
            reasons=ineligible.get(agreement.pk, []),
            programme_ids=programme_ids,
            assigned=categories[agreement.partner_id],
        )
        for agreement in candidates
    ]
    # Weights are written with two decimals; so is a programme with none.
    total = Decimal("0.00")
    for unit in programmes:
        rows = [row for row in judged if unit.pk in row.programme_ids]
        value = sum((row.weight for row in rows), Decimal("0.00"))
        total += value
        result.programmes.append(ProgrammeFigure(unit, rows, value=value))
    result.not_counted = [row for row in judged if not row.counts]
    result.numerator, result.denominator = total, len(programmes)
    result.value = _ratio(total, len(programmes), percent=False)


def _cooperation_reasons(agreement, *, reasons, denominator):
    """Return why `agreement` is not a cooperation an output rule set counts:
    `reasons` (what `ineligibility` said), a partner not of an industry kind,
    and — when `denominator` asks for one — no activity in the year."""
    reasons = list(reasons)
    if not (agreement.partner.kind_id and agreement.partner.kind.is_industry):
        reasons.append(_("The partner is not of a kind counted as industry."))
    if denominator == OutputDenominator.WITH_ACTIVITY and not agreement.year_activities:
        reasons.append(_("No activity was recorded for this year."))
    return reasons


def _output(
    result,
    programmes,
    agreements,
    categories,
    *,
    numerator,
    denominator,
    candidates,
    ineligible,
    **_others,
):
    kinds = (
        set(DOWNSTREAMING_KINDS)
        if numerator == OutputNumerator.WITH_DOWNSTREAMING
        else None
    )

    def judge(agreement):
        outputs = [
            output
            for activity in agreement.year_activities
            for output in activity.outputs.all()
            if kinds is None or output.kind in kinds
        ]
        return Counted(
            agreement,
            counts=bool(outputs),
            has_output=bool(outputs),
            reason=""
            if outputs
            else _("No output recorded on an activity in the year."),
        )

    cooperations = []
    for agreement in candidates:
        reasons = _cooperation_reasons(
            agreement,
            reasons=ineligible.get(agreement.pk, []),
            denominator=denominator,
        )
        if reasons:
            result.not_counted.append(
                Counted(agreement, counts=False, reason=" ".join(reasons))
            )
        else:
            cooperations.append(agreement)
    judged = {agreement.pk: judge(agreement) for agreement in cooperations}

    for unit in programmes:
        rows = [judged[agreement.pk] for agreement in _of_programme(cooperations, unit)]
        result.programmes.append(
            ProgrammeFigure(
                unit, rows, value=(sum(row.counts for row in rows), len(rows))
            )
        )
    programme_ids = {unit.pk for unit in programmes}
    result.unassigned = [
        judged[agreement.pk]
        for agreement in cooperations
        if not any(unit.pk in programme_ids for unit in agreement.units.all())
    ]
    with_output = sum(row.counts for row in judged.values())
    result.numerator, result.denominator = with_output, len(judged)
    result.numerator_rule = OutputNumerator(numerator).label
    result.denominator_rule = OutputDenominator(denominator).label
    result.value = _ratio(with_output, len(judged), percent=True)
