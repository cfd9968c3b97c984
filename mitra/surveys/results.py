"""Results of a survey round: means, distributions and the two indices.

The *service index* follows the public-service satisfaction index
(*Indeks Kepuasan Masyarakat*, PermenPANRB 14/2017): each of the nine
service elements is answered on a 1-4 scale; the mean of each element is
taken over its answers, the nine means are weighted equally (exactly 1/9
each) and the weighted mean is multiplied by 25, giving 25-100. The grade
reads the index rounded to two decimals: A 88.31-100 (very good), B
76.61-88.30 (good), C 65.00-76.60 (not good), D 25.00-64.99 (poor). When an
element has no answer the index cannot be computed and is None.

The *cooperation index* is computed the same way over the cooperation scale
items, each item weighted equally.

Arithmetic is exact (fractions) until the end; values are returned as
Decimal and rounded only for display (`display`).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Count
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from mitra.surveys.models import SCALE, Answer, Item, ItemKind, Round, RoundStatus
from mitra.surveys.models import Response as SurveyResponse

#: Decimal places kept in returned values (display rounds further).
PLACES = Decimal("0.0000000001")
HUNDREDTH = Decimal("0.01")
NINE_ELEMENTS = 9

#: Lowest index (rounded to 0.01) of each grade, best first.
GRADES = (
    (Decimal("88.31"), "A", _("Very good")),
    (Decimal("76.61"), "B", _("Good")),
    (Decimal("65.00"), "C", _("Not good")),
    (Decimal("25.00"), "D", pgettext_lazy("grade", "Poor")),
)
#: The names of the points of the scale in accreditation tables.
POINT_NAMES = {4: _("very good"), 3: _("good"), 2: _("fair"), 1: _("poor")}


def to_decimal(value):
    """Return a Fraction (or None) as a Decimal with 10 places."""
    if value is None:
        return None
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        PLACES, rounding=ROUND_HALF_UP
    )


def display(value, places=2):
    """Round a Decimal half up for display; None stays None."""
    if value is None:
        return None
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def grade_of(index):
    """Return the grade letter of an index (25-100), or "" for None."""
    if index is None:
        return ""
    rounded = display(index)
    for lowest, letter, _label in GRADES:
        if rounded >= lowest:
            return letter
    return "D"


def grade_label(letter):
    return next((str(label) for _l, code, label in GRADES if code == letter), "")


def index_of(means):
    """Return the index of equally weighted means (Fractions): mean x 25."""
    if not means or any(mean is None for mean in means):
        return None
    return sum(means, Fraction(0)) / len(means) * 25


@dataclass
class ItemResult:
    item: Item
    counts: dict = field(default_factory=dict)
    mean_exact: Fraction | None = None
    previous_mean: Decimal | None = None
    open_answers: list = field(default_factory=list)

    @property
    def n(self):
        return sum(self.counts.values())

    @property
    def mean(self):
        return to_decimal(self.mean_exact)

    @property
    def percents(self):
        """Return {point: percent of this item's answers} (Decimals)."""
        return percents_of(self.counts)

    @property
    def percents_desc(self):
        """The percents from "very good" (4) down to "poor" (1)."""
        return [self.percents[point] for point in reversed(SCALE)]

    @property
    def delta(self):
        if self.mean is None or self.previous_mean is None:
            return None
        return self.mean - self.previous_mean


@dataclass
class AspectResult:
    aspect: object
    items: list = field(default_factory=list)

    @property
    def scale_items(self):
        return [result for result in self.items if result.item.is_scale]

    @property
    def mean_exact(self):
        """The mean of the aspect's item means (items weighted equally)."""
        means = [result.mean_exact for result in self.scale_items]
        means = [mean for mean in means if mean is not None]
        return sum(means, Fraction(0)) / len(means) if means else None

    @property
    def mean(self):
        return to_decimal(self.mean_exact)

    @property
    def counts(self):
        totals = dict.fromkeys(SCALE, 0)
        for result in self.scale_items:
            for point, count in result.counts.items():
                totals[point] += count
        return totals

    @property
    def percents(self):
        return percents_of(self.counts)

    @property
    def percents_desc(self):
        return [self.percents[point] for point in reversed(SCALE)]


def percents_of(counts):
    total = sum(counts.values())
    return {
        point: (
            to_decimal(Fraction(counts.get(point, 0) * 100, total)) if total else None
        )
        for point in SCALE
    }


@dataclass
class RoundResults:
    """Everything computed about a round; indices are Decimals (or None)."""

    round: Round
    aspects: list
    items: list
    respondents: int
    invited: int
    previous: Round | None = None
    previous_service_index: Decimal | None = None
    previous_cooperation_index: Decimal | None = None

    @property
    def scale_items(self):
        return [result for result in self.items if result.item.is_scale]

    @property
    def open_items(self):
        return [result for result in self.items if result.item.kind == ItemKind.OPEN]

    @property
    def elements(self):
        """The results of the service elements, in the order U1…U9."""
        found = [result for result in self.items if result.item.is_service]
        return sorted(found, key=lambda result: result.item.service_element)

    @property
    def cooperation_items(self):
        return [result for result in self.items if result.item.is_cooperation]

    @property
    def service_index_exact(self):
        elements = self.elements
        if len(elements) != NINE_ELEMENTS:
            return None
        return index_of([result.mean_exact for result in elements])

    @property
    def service_index(self):
        return to_decimal(self.service_index_exact)

    @property
    def service_grade(self):
        return grade_of(self.service_index)

    @property
    def cooperation_index_exact(self):
        means = [result.mean_exact for result in self.cooperation_items]
        means = [mean for mean in means if mean is not None]
        return index_of(means)

    @property
    def cooperation_index(self):
        return to_decimal(self.cooperation_index_exact)

    @property
    def cooperation_grade(self):
        return grade_of(self.cooperation_index)

    @property
    def service_delta(self):
        return _delta(self.service_index, self.previous_service_index)

    @property
    def cooperation_delta(self):
        return _delta(self.cooperation_index, self.previous_cooperation_index)

    @property
    def response_rate(self):
        if not self.invited:
            return None
        return to_decimal(Fraction(self.respondents * 100, self.invited))

    def weakest(self, count=3):
        """The scale items with the lowest means, lowest first."""
        rated = [result for result in self.scale_items if result.mean is not None]
        rated.sort(key=lambda result: (result.mean_exact, result.item.code))
        return rated[:count]


def _delta(current, previous):
    if current is None or previous is None:
        return None
    return current - previous


def _items_of(instrument):
    return list(
        Item.objects.filter(instrument=instrument)
        .select_related("aspect")
        .order_by("aspect__order", "aspect_id", "order", "pk")
    )


def compute(round, *, responses=None, with_previous=True, open_answers=True):
    """Return the RoundResults of `round`.

    `responses` (a queryset of the round's responses) narrows the answers
    counted, e.g. to one partner's. A fixed number of queries, whatever the
    number of responses.
    """
    responses = (
        responses
        if responses is not None
        else SurveyResponse.objects.filter(round=round)
    )
    items = _items_of(round.instrument_id)
    results = {item.pk: ItemResult(item=item) for item in items}
    for result in results.values():
        if result.item.is_scale:
            result.counts = dict.fromkeys(SCALE, 0)

    counted = (
        Answer.objects.filter(response__in=responses, value__isnull=False)
        .values("item_id", "value")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in counted:
        result = results.get(row["item_id"])
        if result is not None and result.item.is_scale and row["value"] in SCALE:
            result.counts[row["value"]] += row["n"]
    for result in results.values():
        if result.item.is_scale and result.n:
            total = sum(point * count for point, count in result.counts.items())
            result.mean_exact = Fraction(total, result.n)

    if open_answers:
        _collect_open_answers(round, responses, results)

    aspects, by_aspect = [], {}
    for item in items:
        if item.aspect_id not in by_aspect:
            by_aspect[item.aspect_id] = AspectResult(aspect=item.aspect)
            aspects.append(by_aspect[item.aspect_id])
        by_aspect[item.aspect_id].items.append(results[item.pk])

    outcome = RoundResults(
        round=round,
        aspects=aspects,
        items=[results[item.pk] for item in items],
        respondents=responses.count(),
        invited=round.invitations.filter(revoked_at__isnull=True).count(),
    )
    if with_previous:
        _compare(outcome)
    return outcome


def _collect_open_answers(round, responses, results):
    """Attach open answers to their items.

    In an anonymous round they are sorted by their text, so not even the
    order they came in is shown; otherwise they carry the partner's name.
    """
    rows = (
        Answer.objects.filter(response__in=responses, item__kind=ItemKind.OPEN)
        .exclude(text="")
        .values("item_id", "text", "response__partner__name", "response_id")
    )
    grouped = defaultdict(list)
    for row in rows:
        partner = "" if round.anonymous else (row["response__partner__name"] or "")
        grouped[row["item_id"]].append(
            {"text": row["text"], "partner": partner, "order": row["response_id"]}
        )
    for item_id, answers in grouped.items():
        if round.anonymous:
            answers.sort(key=lambda answer: answer["text"].casefold())
        else:
            answers.sort(key=lambda answer: answer["order"])
        if item_id in results:
            results[item_id].open_answers = [
                {"text": answer["text"], "partner": answer["partner"]}
                for answer in answers
            ]


def previous_round(round):
    """The closed round before `round` (by closing date), or None."""
    earlier = Round.objects.filter(status=RoundStatus.CLOSED).exclude(pk=round.pk)
    return (
        earlier.filter(closes_on__lt=round.closes_on)
        .select_related("instrument")
        .order_by("-closes_on", "-pk")
        .first()
    )


def _compare(outcome):
    """Fill in the previous round's item means (matched by item code)."""
    previous = previous_round(outcome.round)
    if previous is None:
        return
    before = compute(previous, with_previous=False, open_answers=False)
    # Codes are stored in upper case; an older instrument may hold lower case.
    means = {result.item.code.upper(): result.mean for result in before.items}
    for result in outcome.items:
        if result.item.is_scale:
            result.previous_mean = means.get(result.item.code.upper())
    outcome.previous = previous
    outcome.previous_service_index = before.service_index
    outcome.previous_cooperation_index = before.cooperation_index


def item_label(item, language=None):
    """The item's code and question in `language` (default: the active one)."""
    language = language or get_language() or "id"
    return f"{item.code} {item.text_in(language[:2])}"
