"""Filters of the meeting list.

Query parameters: `q` (title, place, agenda), `year`, `kind` and `status`
(minutes being written or approved).
"""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mitra.planning.models import Meeting, MeetingKind, MinutesStatus


class MeetingFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    year = django_filters.NumberFilter(
        label=_("Year"), field_name="date", lookup_expr="year"
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=MeetingKind.choices)
    status = django_filters.ChoiceFilter(
        label=_("Minutes"), choices=MinutesStatus.choices
    )

    class Meta:
        model = Meeting
        fields = ["q", "year", "kind", "status"]

    def search(self, queryset, name, value):
        text = " ".join(value.split())
        if not text:
            return queryset
        return queryset.filter(
            Q(title__icontains=text)
            | Q(place__icontains=text)
            | Q(agenda__icontains=text)
            | Q(number__icontains=text)
        )
