"""Filters of the user list (account administration).

Query parameters: `q` (username, name, email or position), `role` (a role,
or ``admin`` for administrators), `unit` (a unit code: members of it or of
a unit below it) and `active` (``yes``/``no``).
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mitra.core.models import Role, Unit, User

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
ADMIN = "admin"


def role_choices():
    return [*Role.choices, (ADMIN, _("Administrator"))]


class UserFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, username or email")}
        ),
    )
    role = django_filters.ChoiceFilter(
        label=_("Role"),
        choices=role_choices,
        method="filter_role",
        empty_label=_("All roles"),
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("Unit"),
        queryset=Unit.objects.order_by("code"),
        to_field_name="code",
        method="filter_unit",
        empty_label=_("All units"),
    )
    active = django_filters.ChoiceFilter(
        label=_("Active"),
        choices=YES_NO,
        method="filter_active",
        empty_label=_("Any"),
    )

    class Meta:
        model = User
        fields = []

    def filter_search(self, queryset, name, value):
        words = value.split()
        for word in words:
            queryset = queryset.filter(
                Q(username__icontains=word)
                | Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
                | Q(position__icontains=word)
            )
        return queryset

    def filter_role(self, queryset, name, value):
        if value == ADMIN:
            return queryset.filter(is_superuser=True)
        return queryset.filter(role=value, is_superuser=False)

    def filter_unit(self, queryset, name, value):
        members = User.units.through.objects.filter(unit_id__in=value.descendant_ids())
        return queryset.filter(pk__in=members.values("user_id"))

    def filter_active(self, queryset, name, value):
        return queryset.filter(is_active=value == "yes")
