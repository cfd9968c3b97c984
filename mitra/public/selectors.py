"""What the public site may show: the only reads its pages make.

The public site is seen without logging in, so nothing here goes through
the staff permission gate; instead every function returns plain values of
public fields only. A partner appears only while it has an agreement in
force (signed, started, not ended, not terminated); drafts, contacts,
internal notes, addresses, emails and phone numbers are never read.
"""

from collections import Counter

from django.db.models import Min, Q

from mitra.agreements.models import SIGNED_STATUSES
from mitra.core import clock
from mitra.partners.countries import country_name
from mitra.partners.models import Partner
from mitra.records.selectors import published_policies

#: The only partner fields the public site reads.
PUBLIC_PARTNER_FIELDS = (
    "pk",
    "name",
    "country",
    "scope",
    "kind__code",
    "kind__name",
    "kind__name_en",
)


def _in_force(on, prefix=""):
    return Q(
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": on}),
        **{f"{prefix}status__in": SIGNED_STATUSES, f"{prefix}start_date__lte": on},
    )


def active_partners(on=None):
    """Return the partners with an agreement in force on `on`, as dicts.

    Each dict holds the public fields and `since`: the earliest start of the
    partner's agreements in force.
    """
    on = on or clock.today()
    return (
        Partner.objects.annotate(
            since=Min("agreements__start_date", filter=_in_force(on, "agreements__"))
        )
        .filter(since__isnull=False)
        .order_by("name", "pk")
        .values(*PUBLIC_PARTNER_FIELDS, "since")
    )


def kind_label(row, language):
    if language.startswith("en") and row.get("kind__name_en"):
        return row["kind__name_en"]
    return row.get("kind__name") or ""


def by_country(rows):
    """Return `[(country, count)]`, the largest first, each country once
    however it was spelt and named in the active language."""
    counts = Counter(country_name(row["country"]) or "—" for row in rows)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def public_policies(on=None):
    """Return the published current policy documents (public fields read)."""
    return (
        published_policies(on)
        .select_related(None)
        .only(
            "pk",
            "title",
            "kind",
            "covers",
            "version",
            "approved_on",
            "summary",
            "file",
            "original_name",
        )
    )
