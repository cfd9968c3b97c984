"""Country names in the reader's language.

A partner's country is kept as the office typed it: registers write
"Germany", "Jerman", "DE" or "Korea, Republic of". Shown, a country that
can be recognised (by its ISO code, its ISO, common or official name, or
its Indonesian name) takes its name in the active language; anything else
is shown as typed. Filters keep comparing the stored text.
"""

import gettext
from functools import cache

import pycountry
from django.utils import translation

DOMAIN = "iso3166-1"


def _key(text):
    return " ".join(str(text or "").casefold().split())


@cache
def _catalogue(language):
    try:
        return gettext.translation(DOMAIN, pycountry.LOCALES_DIR, languages=[language])
    except OSError:
        return gettext.NullTranslations()


@cache
def _spellings():
    """Return every recognised spelling (folded) with its alpha-2 code."""
    indonesian = _catalogue("id")
    found = {}
    for country in pycountry.countries:
        for spelling in (
            country.alpha_2,
            country.alpha_3,
            country.name,
            getattr(country, "common_name", ""),
            getattr(country, "official_name", ""),
            indonesian.gettext(country.name),
        ):
            if spelling:
                found.setdefault(_key(spelling), country.alpha_2)
    return found


def country_code(text):
    """Return the ISO 3166 alpha-2 code `text` names, or None."""
    return _spellings().get(_key(text))


def country_key(text):
    """Return what groups and filters `text`: its code when it names a
    known country (so "Germany" and "Jerman" are one), else the text."""
    return country_code(text) or " ".join(str(text or "").split())


def countries_named(values):
    """Return `[(key, name)]` for the stored `values`, one per country,
    sorted by name in the active language."""
    names = {country_key(value): country_name(value) for value in values if value}
    return sorted(names.items(), key=lambda item: item[1].casefold())


def country_name(text, language=None):
    """Return the country `text` names in `language` (the active one by
    default), or `text` itself, tidied, when it names no known country."""
    code = country_code(text)
    if code is None:
        return " ".join(str(text or "").split())
    country = pycountry.countries.get(alpha_2=code)
    language = (language or translation.get_language() or "en").split("-")[0]
    if language == "en":
        return getattr(country, "common_name", None) or country.name
    return _catalogue(language).gettext(country.name)
