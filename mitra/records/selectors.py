"""Reads of the policy library and the records register.

`current_policies(on)` is what the quality indicator B.1.2.9.1 asks about:
the policy, procedure and form documents in effect on a day — approved by
then, not superseded by a version approved by then, and not past their
review date. `policy_coverage(on)` tells, for each stage the standard names
(initiation, execution, monitoring, evaluation, partner satisfaction),
which current documents cover it.
"""

from django.db.models import Q

from mitra.core import clock
from mitra.records.models import CoverageArea, PolicyDocument


def _not_superseded_on(on):
    return (
        Q(superseded_by__isnull=True)
        | Q(superseded_by__approved_on__isnull=True)
        | Q(superseded_by__approved_on__gt=on)
    )


def in_effect(on=None):
    """Return the approved versions not superseded on `on` (review aside)."""
    on = on or clock.today()
    return (
        PolicyDocument.objects.filter(approved_on__lte=on)
        .filter(_not_superseded_on(on))
        .select_related("owner")
    )


def current_policies(on=None):
    """Return the documents current on `on`: approved, not superseded and
    not past their review date."""
    on = on or clock.today()
    return in_effect(on).filter(Q(review_due__isnull=True) | Q(review_due__gte=on))


def policy_coverage(on=None):
    """Return `[(area value, label, [current documents covering it])]`."""
    policies = list(current_policies(on).order_by("title", "pk"))
    return [
        (
            value,
            label,
            [policy for policy in policies if value in (policy.covers or [])],
        )
        for value, label in CoverageArea.choices
    ]


def published_policies(on=None):
    """Return the documents shown on the public site on `on`.

    Published, approved, and not superseded by an approved version; a
    document past its review date stays published until it is replaced.
    """
    return in_effect(on).filter(is_published=True).order_by("kind", "title", "pk")
