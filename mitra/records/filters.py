"""Filters of the records register.

Query parameters: `q` (words of the title), `type` (a record type's code),
`year` (year of issue) and `state`: ``kept`` (within retention),
``past`` (retention over, may be disposed of), ``hold`` (under a legal
hold). "Today" is `mitra.core.clock.today()`.
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from mitra.core.clock import today
from mitra.records.models import PolicyDocument, PolicyKind, Record, RecordType

STATES = [
    ("kept", _("Kept (within retention)")),
    ("past", _("Past retention")),
    ("hold", _("Under a legal hold")),
]


def record_type_choices():
    return [(kind.code, kind.display_name) for kind in RecordType.objects.all()]


class RecordFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Title")}),
    )
    type = django_filters.ChoiceFilter(
        label=_("Record type"),
        field_name="record_type__code",
        choices=record_type_choices,
        empty_label=_("All types"),
    )
    year = django_filters.NumberFilter(
        label=_("Year of issue"),
        field_name="issued_on",
        lookup_expr="year",
        min_value=1900,
        max_value=2200,
    )
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=STATES, method="filter_state", empty_label=_("Any")
    )

    class Meta:
        model = Record
        fields = []

    def filter_search(self, queryset, name, value):
        for word in value.split()[:10]:
            queryset = queryset.filter(title__icontains=word)
        return queryset

    def filter_state(self, queryset, name, value):
        on = today()
        if value == "kept":
            return queryset.filter(retain_until__gte=on)
        if value == "past":
            return queryset.filter(retain_until__lt=on)
        return queryset.filter(on_hold=True)


class PolicyFilterSet(django_filters.FilterSet):
    """Without `versions=all`, only the newest version of each document."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Title")}),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=PolicyKind.choices, empty_label=_("All kinds")
    )
    versions = django_filters.ChoiceFilter(
        label=_("Versions"),
        choices=[("all", _("Every version"))],
        method="filter_versions",
        empty_label=_("Newest only"),
    )

    class Meta:
        model = PolicyDocument
        fields = []

    def filter_search(self, queryset, name, value):
        for word in value.split()[:10]:
            queryset = queryset.filter(title__icontains=word)
        return queryset

    def filter_versions(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.form.cleaned_data.get("versions") != "all":
            queryset = queryset.filter(superseded_by__isnull=True)
        return queryset
