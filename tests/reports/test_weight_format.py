"""The weights of the 2023 partner categories are written the way the page's
language writes numbers: "0,30" on Indonesian pages, "0.30" on English ones,
like the figures beside them."""

import re

import pytest
from django.urls import reverse

from mitra.partners.models import PartnerKind
from mitra.reports.models import PartnerCategory, RuleSet
from tests.factories import PartnerFactory
from tests.reports.indicators_data import YEAR, build_world


def options(html):
    return re.findall(r"<option[^>]*>([^<]*)</option>", html)


def choices_of(html, rule_set):
    """The options of the partner page's select for `rule_set`."""
    start = html.index(f'name="rule_set_{rule_set.pk}"')
    return options(html[start : html.index("</select>", start)])


@pytest.mark.indonesian
def test_the_partner_page_writes_the_weights_in_indonesian(db, users, client_for):
    partner = PartnerFactory(kind=PartnerKind.objects.get(code="government"))
    rule_set = RuleSet.objects.get(code="iku31-2023")

    html = client_for(users["office"]).get(partner.get_absolute_url()).content.decode()

    shown = choices_of(html, rule_set)
    assert "Instansi pemerintah (0,30)" in shown
    assert "Perusahaan teknologi global (1,00)" in shown
    assert not [label for label in shown if re.search(r"\d\.\d", label)]


def test_the_partner_page_writes_the_weights_in_english(db, users, client_for):
    partner = PartnerFactory()
    rule_set = RuleSet.objects.get(code="iku31-2023")

    html = client_for(users["office"]).get(partner.get_absolute_url()).content.decode()

    assert "Organisasi multilateral (1.00)" in choices_of(html, rule_set)


@pytest.mark.indonesian
def test_a_readers_view_of_the_category_writes_its_weight_in_indonesian(
    db, users, client_for
):
    # given a partner whose own category under 2023 is a hospital (0.30)
    partner = PartnerFactory()
    rule_set = RuleSet.objects.get(code="iku31-2023")
    hospital = PartnerCategory.objects.get(rule_set=rule_set, code="hospital")
    client_for(users["office"]).post(
        reverse("reports:partner_categories", args=[partner.pk]),
        {f"rule_set_{rule_set.pk}": str(hospital.pk)},
    )

    # when unit staff, who may not change it, read the partner's page
    html = client_for(users["unit_a"]).get(partner.get_absolute_url()).content.decode()

    # then the category reads with the Indonesian decimal comma
    row = html[html.index(f'data-rule-set="{rule_set.code}"') :]
    assert "Rumah sakit (0,30)" in row[: row.index("</tr>")]


@pytest.mark.indonesian
def test_the_ministry_page_writes_every_weight_in_indonesian(units, users, client_for):
    build_world(units)

    html = (
        client_for(users["auditor"])
        .get(reverse("reports:ministry"), {"year": YEAR, "rule_set": "iku31-2023"})
        .content.decode()
    )

    contributions = re.findall(r"<span data-contribution>([^<]*)</span>", html)
    assert contributions
    assert all(re.fullmatch(r"bobot \d+,\d\d", each) for each in contributions)
    assert "1,00" in html
