"""The ministry's cooperation indicator: rule sets, partners' categories,
the page and its settings."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mitra.core.models import Unit
from mitra.partners.models import PartnerKind, PartnerRuleCategory
from mitra.partners.services import partner_merge
from mitra.reports import services
from mitra.reports.ministry import (
    ministry_indicator,
    normalise_level,
    partner_category,
    rule_set_for_year,
)
from mitra.reports.models import PartnerCategory, RuleSet
from tests.factories import AgreementFactory, PartnerFactory
from tests.reports.indicators_data import YEAR, build_world


@pytest.fixture
def world(units):
    return build_world(units)


def category(rule_set_code, code):
    return PartnerCategory.objects.get(rule_set__code=rule_set_code, code=code)


@pytest.mark.parametrize(
    ("written", "level"),
    [
        ("D4", "D4"),
        ("d iv", "D4"),
        ("Sarjana Terapan", "D4"),
        ("D-III", "D3"),
        ("S1", "S1"),
        ("S2 Terapan", "S2TERAPAN"),
        ("", ""),
    ],
)
def test_it_reads_programme_levels_as_the_ministry_writes_them(written, level):
    assert normalise_level(written) == level


@pytest.mark.parametrize(
    ("year", "code"),
    [
        (2019, None),
        (2021, "iku6-2021"),
        (2022, "iku6-2021"),
        (2023, "iku31-2023"),
        (2025, "iku31-2023"),
        (2026, "iku5-2025"),
        (2040, "iku5-2025"),
    ],
)
def test_each_year_has_its_rule_set(db, year, code):
    rule_set = rule_set_for_year(year)

    assert (rule_set.code if rule_set else None) == code


def test_the_seeded_2023_weights(db):
    weights = {
        c.code: c.weight
        for c in RuleSet.objects.get(code="iku31-2023").categories.all()
    }

    assert weights["global-tech"] == Decimal("1.00")
    assert weights["multinational"] == Decimal("0.75")
    assert weights["tech-startup"] == Decimal("0.50")
    assert weights["hospital"] == Decimal("0.30")
    assert len(weights) == 12
    assert RuleSet.objects.get(code="iku6-2021").categories.count() == 13
    assert RuleSet.objects.get(code="iku6-2021").forms.count() == 10


def test_a_partner_falls_in_its_kinds_category_unless_it_says_otherwise(db):
    rule_set = RuleSet.objects.get(code="iku31-2023")
    hospital = PartnerFactory(kind=PartnerKind.objects.get(code="hospital"))
    industry = PartnerFactory(kind=PartnerKind.objects.get(code="industry"))

    assert partner_category(hospital, rule_set).code == "hospital"
    assert partner_category(industry, rule_set) is None

    PartnerRuleCategory.objects.create(
        partner=industry,
        rule_set=rule_set,
        category=category("iku31-2023", "global-tech"),
    )
    PartnerRuleCategory.objects.create(
        partner=hospital, rule_set=rule_set, category=None
    )

    assert partner_category(industry, rule_set).code == "global-tech"
    assert partner_category(hospital, rule_set) is None


def test_a_year_without_programmes_has_no_figure(db, users):
    Unit.objects.filter(kind="prodi").update(is_active=False)

    result = ministry_indicator(year=YEAR, user=users["office"])

    assert result.programmes == []
    assert result.value is None


def test_a_programme_without_a_counted_level_is_left_out(world, users):
    result = ministry_indicator(year=YEAR, user=users["office"])  # 2023 rule set

    assert [unit.code for unit in result.left_out] == ["JB2"]


def test_a_draft_never_counts(world, users):
    rule_set = RuleSet.objects.get(code="iku6-2021")

    result = ministry_indicator(
        year=YEAR, user=users["office"], rule_set=rule_set, window="signed"
    )

    ja2 = next(f for f in result.programmes if f.unit.code == "JA2")
    counted = [row.agreement for row in ja2.agreements]
    assert world["agreements"]["A7"] not in counted


# --- The page ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "shown"), [("iku6-2021", "A1"), ("iku31-2023", "A1"), ("iku5-2025", "A4")]
)
def test_the_page_shows_each_rule_set(world, users, client_for, code, shown):
    response = client_for(users["auditor"]).get(
        reverse("reports:ministry"), {"year": YEAR, "rule_set": code}
    )

    assert response.status_code == 200
    assert response.context["result"].rule_set.code == code
    html = response.content.decode()
    assert 'data-programme="JA1"' in html
    assert world["agreements"][shown].get_absolute_url() in html


def test_the_page_compares_the_counting_windows(world, users, client_for):
    client = client_for(users["office"])
    url = reverse("reports:ministry")

    signed = client.get(
        url, {"year": YEAR, "rule_set": "iku31-2023", "window": "signed"}
    )
    in_force = client.get(
        url, {"year": YEAR, "rule_set": "iku31-2023", "window": "in_force"}
    )

    assert signed.context["result"].value == Decimal("0.30")
    assert in_force.context["result"].value == Decimal("0.57")


def test_a_year_without_a_rule_set_says_so(db, users, client_for):
    response = client_for(users["office"]).get(
        reverse("reports:ministry"), {"year": 2019}
    )

    assert response.status_code == 200
    assert 'id="no-rule-set"' in response.content.decode()


def test_bad_input_never_fails(db, users, client_for):
    client = client_for(users["office"])

    for params in (
        {"year": "x"},
        {"year": 1200},
        {"rule_set": "no-such"},
        {"window": "forever"},
    ):
        assert client.get(reverse("reports:ministry"), params).status_code == 200


def test_unit_staff_do_not_see_the_ministry_page(db, users, client_for):
    response = client_for(users["unit_a"]).get(reverse("reports:ministry"))

    assert response.status_code == 403


def test_the_page_runs_a_fixed_number_of_queries(world, users, client_for):
    client = client_for(users["office"])
    url = reverse("reports:ministry") + f"?year={YEAR}&rule_set=iku31-2023"

    def count():
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        return len(queries)

    before = count()
    for _index in range(4):
        AgreementFactory(
            units=[world["units"]["ja1"], world["units"]["jb1"]],
            partner=PartnerFactory(kind=PartnerKind.objects.get(code="hospital")),
            signed_on=datetime.date(YEAR, 3, 1),
        )

    assert count() == before


# --- The rule set's settings -------------------------------------------------


def test_the_office_sets_the_counting_window(db, users, client_for):
    response = client_for(users["office"]).post(
        reverse("reports:rule_set_settings", args=["iku31-2023"]),
        {"counting_window": "in_force", "year": YEAR},
    )

    assert response.status_code == 302
    assert RuleSet.objects.get(code="iku31-2023").counting_window == "in_force"


def test_the_output_rule_set_takes_its_numerator_and_denominator(db, users):
    rule_set = RuleSet.objects.get(code="iku5-2025")

    services.rule_set_settings_update(
        rule_set=rule_set,
        by=users["office"],
        counting_window="",
        numerator="with_downstreaming",
        denominator="with_activity",
    )

    rule_set.refresh_from_db()
    assert (
        rule_set.window,
        rule_set.output_numerator,
        rule_set.output_denominator,
    ) == (
        "in_force",
        "with_downstreaming",
        "with_activity",
    )
    with pytest.raises(ValidationError):
        services.rule_set_settings_update(
            rule_set=rule_set, by=users["office"], counting_window="sometimes"
        )


def test_leadership_cannot_change_a_rule_set(db, users, client_for):
    response = client_for(users["leader"]).post(
        reverse("reports:rule_set_settings", args=["iku31-2023"]),
        {"counting_window": "in_force"},
    )

    assert response.status_code == 403
    assert RuleSet.objects.get(code="iku31-2023").counting_window == ""


# --- A partner's categories --------------------------------------------------


def test_the_partner_page_shows_and_saves_the_categories(db, users, client_for):
    partner = PartnerFactory(kind=PartnerKind.objects.get(code="government"))
    client = client_for(users["office"])
    rule_2021 = RuleSet.objects.get(code="iku6-2021")
    rule_2023 = RuleSet.objects.get(code="iku31-2023")

    page = client.get(partner.get_absolute_url())
    assert 'id="categories"' in page.content.decode()
    assert f'name="rule_set_{rule_2023.pk}"' in page.content.decode()

    response = client.post(
        reverse("reports:partner_categories", args=[partner.pk]),
        {
            f"rule_set_{rule_2021.pk}": "none",
            f"rule_set_{rule_2023.pk}": str(category("iku31-2023", "hospital").pk),
        },
    )

    assert response.status_code == 302
    assert partner_category(partner, rule_2021) is None
    assert partner_category(partner, rule_2023).code == "hospital"

    # back to the kind's category
    client.post(
        reverse("reports:partner_categories", args=[partner.pk]),
        {f"rule_set_{rule_2023.pk}": "kind"},
    )
    assert partner_category(partner, rule_2023).code == "government"


def test_a_category_of_another_rule_set_is_refused(db, users, client_for):
    partner = PartnerFactory()
    rule_2023 = RuleSet.objects.get(code="iku31-2023")
    foreign = category("iku6-2021", "hospital")

    response = client_for(users["office"]).post(
        reverse("reports:partner_categories", args=[partner.pk]),
        {f"rule_set_{rule_2023.pk}": str(foreign.pk)},
        follow=True,
    )

    assert response.status_code == 200
    assert not PartnerRuleCategory.objects.filter(partner=partner).exists()
    with pytest.raises(ValidationError):
        services.partner_categories_set(
            partner=partner, by=users["office"], choices={rule_2023: foreign}
        )


def test_unit_staff_read_but_do_not_change_the_categories(db, users, client_for):
    partner = PartnerFactory()
    client = client_for(users["unit_a"])
    rule_2023 = RuleSet.objects.get(code="iku31-2023")

    page = client.get(partner.get_absolute_url())
    assert 'id="categories"' in page.content.decode()
    assert f'name="rule_set_{rule_2023.pk}"' not in page.content.decode()
    response = client.post(
        reverse("reports:partner_categories", args=[partner.pk]),
        {f"rule_set_{rule_2023.pk}": "none"},
    )
    assert response.status_code == 403


def test_a_merge_keeps_one_category_per_rule_set(db, users):
    # given both partners categorised under 2023, only the absorbed under 2021
    rule_2021 = RuleSet.objects.get(code="iku6-2021")
    rule_2023 = RuleSet.objects.get(code="iku31-2023")
    kept, absorbed = PartnerFactory(), PartnerFactory()
    PartnerRuleCategory.objects.create(
        partner=kept, rule_set=rule_2023, category=category("iku31-2023", "hospital")
    )
    PartnerRuleCategory.objects.create(
        partner=absorbed,
        rule_set=rule_2023,
        category=category("iku31-2023", "cultural"),
    )
    PartnerRuleCategory.objects.create(
        partner=absorbed, rule_set=rule_2021, category=category("iku6-2021", "sme")
    )

    # when merged
    partner_merge(kept=kept, absorbed=absorbed, by=users["office"])

    # then the kept partner's own stands, and the other one moved over
    assert partner_category(kept, rule_2023).code == "hospital"
    assert partner_category(kept, rule_2021).code == "sme"
    assert PartnerRuleCategory.objects.count() == 2


def test_programmes_are_the_prodis_of_the_unit_tree(world, users):
    Unit.objects.filter(code="JC1").update(is_active=False)

    result = ministry_indicator(year=YEAR, user=users["office"])

    assert [f.unit.code for f in result.programmes] == ["JA1", "JA2", "JB1", "JB3"]
