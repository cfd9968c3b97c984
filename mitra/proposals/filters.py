"""Filters of the proposal list.

Query parameters: `q` (free text: number, title, partner, proposer),
`year`, `status`, `source`, `document_type`, `unit` (a unit code; units
below it included) and `call` (a call's id).
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mitra.core.models import Unit
from mitra.core.units import descendant_ids
from mitra.proposals.models import (
    CallForProposals,
    DocumentType,
    Proposal,
    Source,
    Status,
)


def search_q(text):
    text = " ".join(text.split())
    return (
        Q(number__icontains=text)
        | Q(title__icontains=text)
        | Q(partner__name__icontains=text)
        | Q(partner_name__icontains=text)
        | Q(proposer_name__icontains=text)
        | Q(proposer_organisation__icontains=text)
    )


class ProposalFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Number, title, partner")}
        ),
    )
    year = django_filters.NumberFilter(
        label=_("Year"),
        min_value=2000,
        max_value=2999,
        widget=forms.NumberInput(attrs={"placeholder": _("e.g. 2025")}),
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices)
    source = django_filters.ChoiceFilter(label=_("Source"), choices=Source.choices)
    document_type = django_filters.ChoiceFilter(
        label=_("Intended document"), choices=DocumentType.choices
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("Unit"),
        queryset=Unit.objects.filter(is_active=True),
        to_field_name="code",
        method="filter_unit",
    )
    call = django_filters.ModelChoiceFilter(
        label=_("Call for proposals"), queryset=CallForProposals.objects.all()
    )

    class Meta:
        model = Proposal
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = request.user if request is not None else None
        self.filters["unit"].queryset = Unit.objects.for_user(user).filter(
            is_active=True
        )
        self.filters["call"].queryset = CallForProposals.objects.for_user(user)

    def filter_search(self, queryset, name, value):
        return queryset.filter(search_q(value)) if value.strip() else queryset

    def filter_unit(self, queryset, name, unit):
        return queryset.filter(unit_id__in=descendant_ids([unit.pk]))
