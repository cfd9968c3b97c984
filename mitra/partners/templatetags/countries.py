from django import template

from mitra.partners.countries import country_name as _country_name

register = template.Library()


@register.filter
def country_name(value):
    """`{{ partner.country|country_name }}`: the country in the reader's language."""
    return _country_name(value)
