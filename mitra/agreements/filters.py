"""Filters of the agreement list (also used by the dashboard's links).

Query parameters: `q` (free text), `document_type`, `status`, `validity`,
`scope` (the effective one: the agreement's own or its partner's), `unit`
(a unit code; units below it included), `partner_kind` (a kind code),
`field` (a tridharma field), `year` (in force at any time that year) and
`partner` (an id). Validity is computed as of `mitra.core.clock.today()`,
so the queryset given must carry the `with_validity(today)` and
`with_effective_scope()` annotations.
"""

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mitra.agreements.models import Agreement, DocumentType, Status, Validity
from mitra.core.fields import Scope, Tridharma
from mitra.core.models import Unit
from mitra.core.units import descendant_ids
from mitra.partners.models import Partner, PartnerAlias, PartnerKind
from mitra.partners.names import normalize_name


def search_q(text):
    """Match numbers, title, partner name and the partner's aliases."""
    text = " ".join(text.split())
    query = (
        Q(number__icontains=text)
        | Q(partner_number__icontains=text)
        | Q(title__icontains=text)
        | Q(partner__name__icontains=text)
        | Q(
            partner__in=PartnerAlias.objects.filter(name__icontains=text).values(
                "partner_id"
            )
        )
    )
    key = normalize_name(text)
    if key:
        query |= Q(partner__normalized_name__icontains=key) | Q(
            partner__in=PartnerAlias.objects.filter(
                normalized_name__icontains=key
            ).values("partner_id")
        )
    return query


#: The validity filter's value for every agreement in force, expiring or not.
CURRENT = "current"


class AgreementFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Number, title or partner")}
        ),
    )
    document_type = django_filters.ChoiceFilter(
        label=_("Document type"), choices=DocumentType.choices
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices)
    validity = django_filters.ChoiceFilter(
        label=_("Validity"),
        choices=[(CURRENT, _("In force, expiring included")), *Validity.choices],
        method="filter_validity",
    )
    scope = django_filters.ChoiceFilter(
        label=_("Scope"), choices=Scope.choices, field_name="effective_scope_value"
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("Unit"),
        queryset=Unit.objects.filter(is_active=True),
        to_field_name="code",
        method="filter_unit",
    )
    partner_kind = django_filters.ModelChoiceFilter(
        label=_("Partner kind"),
        queryset=PartnerKind.objects.all(),
        to_field_name="code",
        field_name="partner__kind",
    )
    field = django_filters.ChoiceFilter(
        label=_("Field"), choices=Tridharma.choices, method="filter_field"
    )
    year = django_filters.NumberFilter(
        label=_("Year"),
        method="filter_year",
        min_value=1900,
        max_value=2999,
        widget=forms.NumberInput(attrs={"placeholder": _("e.g. 2024")}),
    )
    partner = django_filters.ModelChoiceFilter(
        label=_("Partner"), queryset=Partner.objects.all()
    )

    class Meta:
        model = Agreement
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = request.user if request is not None else None
        self.filters["partner"].queryset = Partner.objects.for_user(user).only(
            "pk", "name"
        )
        self.filters["unit"].queryset = Unit.objects.for_user(user).filter(
            is_active=True
        )

    def filter_search(self, queryset, name, value):
        return queryset.filter(search_q(value)) if value.strip() else queryset

    def filter_unit(self, queryset, name, unit):
        units = descendant_ids([unit.pk])
        through = Agreement.units.through.objects.filter(unit_id__in=units)
        return queryset.filter(pk__in=through.values("agreement_id"))

    def filter_validity(self, queryset, name, value):
        if value == CURRENT:
            return queryset.filter(validity__in=[Validity.IN_FORCE, Validity.EXPIRING])
        return queryset.filter(validity=value)

    def filter_field(self, queryset, name, value):
        return queryset.filter(**{value: True})

    def filter_year(self, queryset, name, value):
        year = int(value)
        return queryset.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=datetime.date(year, 1, 1)),
            start_date__lte=datetime.date(year, 12, 31),
        )
