"""What other parts of Mitra read about partner satisfaction.

* `survey_summary(year)` — the last closed round of a year: its service
  index and grade, its cooperation index and its weakest items (used by
  the annual evaluation report and the identification of new cooperation).
* `partner_satisfaction(partner)` — the service index of one partner's
  answers in the last closed, non-anonymous round it answered.

Both return None when there is nothing to report.
"""

from mitra.surveys.models import Response, Round, RoundStatus
from mitra.surveys.results import compute, item_label

#: How many of the lowest-rated items `survey_summary` names.
WEAKEST_COUNT = 3


def survey_summary(year):
    """Return the summary of the last round of `year` closed, or None.

    `{"round", "service_index", "grade", "cooperation_index",
    "weakest_items": [(label, mean), …]}`; indices are Decimals (None when
    they cannot be computed), `weakest_items` the lowest item means, lowest
    first, labelled in the active language. None when no round of that year
    is closed or the last one closed received no answer.
    """
    round = (
        Round.objects.filter(year=year, status=RoundStatus.CLOSED)
        .select_related("instrument")
        .order_by("-closed_at", "-pk")
        .first()
    )
    if round is None:
        return None
    results = compute(round, with_previous=False, open_answers=False)
    if not results.respondents:
        return None
    return {
        "round": round,
        "service_index": results.service_index,
        "grade": results.service_grade,
        "cooperation_index": results.cooperation_index,
        "weakest_items": [
            (item_label(result.item), result.mean)
            for result in results.weakest(WEAKEST_COUNT)
        ],
    }


def partner_satisfaction(partner):
    """Return the partner's last service index (a Decimal), or None.

    Read from the partner's own answers in the most recently closed round
    that was not anonymous and that the partner answered (several contacts
    of one partner count together). None when there is no such round or its
    answers do not cover all nine service elements.
    """
    if partner is None or partner.pk is None:
        return None
    answered = Response.objects.filter(
        partner=partner,
        round__status=RoundStatus.CLOSED,
        round__anonymous=False,
    )
    last = (
        answered.select_related("round__instrument")
        .order_by("-round__closed_at", "-round_id")
        .first()
    )
    if last is None:
        return None
    round = last.round
    results = compute(
        round,
        responses=answered.filter(round=round),
        with_previous=False,
        open_answers=False,
    )
    return results.service_index
