"""Filters of the partner list.

Query parameters: `q` (free text: name, code, aliases, contact names),
`kind` (a PartnerKind id), `scope`, `country` (a country's code, or the
text of a country no list knows) and `active` (``1``/``0``: has
an agreement in force as of `mitra.core.clock.today()`, or not). The
dashboard's figures link here with these parameters.
"""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from mitra.agreements.models import Agreement
from mitra.core.clock import today
from mitra.core.fields import Scope
from mitra.partners.countries import countries_named, country_key
from mitra.partners.models import Contact, Partner, PartnerAlias, PartnerKind
from mitra.partners.names import normalize_name

YES_NO = [("1", _("Yes")), ("0", _("No"))]


def search_q(text):
    """Match the partner's name, code, aliases and contact names."""
    text = " ".join(text.split())
    aliases = PartnerAlias.objects.filter(partner=OuterRef("pk"))
    contacts = Contact.objects.filter(partner=OuterRef("pk"), name__icontains=text)
    query = (
        Q(name__icontains=text)
        | Q(code__iexact=text)
        | Q(Exists(aliases.filter(name__icontains=text)))
        | Q(Exists(contacts))
    )
    # "PT. Contoh" finds "Contoh, PT": compare the normalised forms too.
    key = normalize_name(text)
    if key:
        query |= Q(normalized_name__contains=key) | Q(
            Exists(aliases.filter(normalized_name__contains=key))
        )
    return query


def _stored_countries():
    return Partner.objects.order_by("country").values_list("country", flat=True)


def country_choices():
    return countries_named(_stored_countries().distinct())


class PartnerFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, code, alias or contact")}
        ),
    )
    kind = django_filters.ModelChoiceFilter(
        label=_("Kind"),
        queryset=PartnerKind.objects.all(),
        empty_label=_("All kinds"),
    )
    scope = django_filters.ChoiceFilter(
        label=_("Scope"), choices=Scope.choices, empty_label=_("All scopes")
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"),
        choices=country_choices,
        empty_label=_("All countries"),
        method="filter_country",
    )
    active = django_filters.ChoiceFilter(
        label=_("Agreement in force"),
        choices=YES_NO,
        method="filter_active",
        empty_label=_("Any"),
    )

    class Meta:
        model = Partner
        fields = []

    def filter_country(self, queryset, name, value):
        """Every spelling of the chosen country: "Germany", "Jerman", "DE"."""
        spellings = {
            stored
            for stored in _stored_countries().distinct()
            if country_key(stored) == value
        }
        return queryset.filter(country__in=spellings)

    def filter_search(self, queryset, name, value):
        return queryset.filter(search_q(value)) if value.strip() else queryset

    def filter_active(self, queryset, name, value):
        user = self.request.user if self.request is not None else None
        in_force = (
            Agreement.objects.for_user(user)
            .in_force(today())
            .filter(partner=OuterRef("pk"))
        )
        if value == "1":
            return queryset.filter(Exists(in_force))
        return queryset.exclude(Exists(in_force))
