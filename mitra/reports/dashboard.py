"""The figures of the dashboard, each counted only over what the viewer sees.

Every figure carries the query string of the agreement or partner list it
summarises, so a click shows exactly the rows behind the number.
"""

import dataclasses

from django.db.models import Count, F, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.http import urlencode

from mitra.agreements.filters import CURRENT
from mitra.agreements.models import (
    Agreement,
    DocumentType,
    Status,
    Validity,
)
from mitra.core.fields import Scope, Tridharma
from mitra.core.models import Unit, UnitKind
from mitra.monitoring.selectors import dormant_agreements, dormant_months
from mitra.partners.countries import countries_named, country_key
from mitra.partners.models import Partner


@dataclasses.dataclass
class Figure:
    label: str
    value: int
    query: str


def _query(**params):
    return "?" + urlencode({key: value for key, value in params.items() if value != ""})


def effective_scope():
    """The scope of an agreement, falling back to its partner's."""
    return Coalesce(NullIf(F("scope"), Value("")), F("partner__scope"))


def _current(**params):
    """Query of the agreement list restricted to those in force."""
    return _query(validity=CURRENT, **params)


def _by_choice(counts, choices, param, query=_query):
    return [
        Figure(str(label), counts.get(value, 0), query(**{param: value}))
        for value, label in choices
    ]


def _by_country(rows):
    """Partners per country, each country once however it was spelt."""
    counts = {}
    for row in rows:
        key = country_key(row["country"])
        counts[key] = counts.get(key, 0) + row["n"]
    names = dict(countries_named(row["country"] for row in rows))
    return sorted(
        (
            Figure(names.get(key) or "—", n, _query(country=key, active="1"))
            for key, n in counts.items()
        ),
        key=lambda figure: (-figure.value, figure.label),
    )


def dashboard_figures(user, today):
    """Return every dashboard figure for `user` as of `today`."""
    agreements = Agreement.objects.for_user(user)
    current = agreements.with_validity(today)

    validity = dict(current.values_list("validity").annotate(n=Count("pk")).order_by())
    in_force = current.filter(validity__in=[Validity.IN_FORCE, Validity.EXPIRING])
    by_type = dict(
        in_force.values_list("document_type").annotate(n=Count("pk")).order_by()
    )
    by_scope = dict(
        in_force.annotate(effective=effective_scope())
        .values_list("effective")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_field = in_force.aggregate(
        **{value: Count("pk", filter=Q(**{value: True})) for value in Tridharma.values}
    )
    by_status = dict(
        agreements.values_list("status").annotate(n=Count("pk")).order_by()
    )

    # Count per jurusan and service unit, a jurusan including its prodis.
    links = Agreement.units.through.objects.filter(
        agreement_id__in=in_force.values("pk")
    ).values_list("unit_id", "agreement_id")
    units = list(
        Unit.objects.exclude(kind=UnitKind.INSTITUTION)
        .only("pk", "code", "name", "kind", "parent_id")
        .order_by("name")
    )
    parent_of = {unit.pk: unit.parent_id for unit in units}
    agreements_of = {}
    for unit_id, agreement_id in links:
        agreements_of.setdefault(unit_id, set()).add(agreement_id)
        if parent_of.get(unit_id) in parent_of:
            agreements_of.setdefault(parent_of[unit_id], set()).add(agreement_id)
    by_unit = sorted(
        (
            Figure(unit.name, len(agreements_of[unit.pk]), _current(unit=unit.code))
            for unit in units
            if unit.kind != UnitKind.PRODI and unit.pk in agreements_of
        ),
        key=lambda figure: -figure.value,
    )

    partners = Partner.objects.for_user(user)
    active_partners = partners.filter(
        agreements__in=Agreement.objects.for_user(user).in_force(today)
    ).distinct()
    by_kind = list(
        active_partners.values("kind__pk", "kind__name")
        .annotate(n=Count("pk", distinct=True))
        .order_by("-n")
    )
    by_country = list(
        active_partners.values("country")
        .annotate(n=Count("pk", distinct=True))
        .order_by("-n")
    )
    expiring = list(
        Agreement.objects.for_user(user)
        .expiring(today)
        .select_related("partner")
        .order_by("end_date")[:10]
    )

    dormant = dormant_agreements(user=user, as_of=today).count()

    from mitra.agreements.pipeline import pipeline_figures

    return {
        "dormant": dormant,
        "dormant_months": dormant_months(),
        "pipeline": pipeline_figures(user, today=today),
        "totals": {
            "agreements": sum(validity.values()),
            "in_force": validity.get(Validity.IN_FORCE, 0)
            + validity.get(Validity.EXPIRING, 0),
            "expiring": validity.get(Validity.EXPIRING, 0),
            "expired": validity.get(Validity.EXPIRED, 0),
            "partners": partners.count(),
            "active_partners": sum(row["n"] for row in by_kind),
        },
        "by_validity": _by_choice(validity, Validity.choices, "validity"),
        "by_type": _by_choice(by_type, DocumentType.choices, "document_type", _current),
        "by_scope": _by_choice(by_scope, Scope.choices, "scope", _current),
        "by_field": [
            Figure(str(label), by_field[value], _current(field=value))
            for value, label in Tridharma.choices
        ],
        "by_status": _by_choice(by_status, Status.choices, "status"),
        "by_unit": by_unit,
        "by_kind": [
            Figure(
                row["kind__name"] or "—",
                row["n"],
                _query(kind=row["kind__pk"] or "", active="1"),
            )
            for row in by_kind
        ],
        "by_country": _by_country(by_country),
        "expiring": expiring,
    }
