"""Countries as typed in a register, shown in the reader's language."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from mitra.core.clock import frozen
from mitra.partners.countries import countries_named, country_key, country_name
from tests.factories import AgreementFactory, PartnerFactory


@pytest.mark.parametrize(
    ("typed", "indonesian", "english"),
    [
        ("Germany", "Jerman", "Germany"),
        ("jerman", "Jerman", "Germany"),
        ("DE", "Jerman", "Germany"),
        ("Korea, Republic of", "Korea Selatan", "South Korea"),
        ("  Jepang ", "Jepang", "Japan"),
        ("Indonesia", "Indonesia", "Indonesia"),
    ],
)
def test_a_known_country_reads_in_each_language(typed, indonesian, english):
    assert country_name(typed, "id") == indonesian
    assert country_name(typed, "en") == english


def test_an_unknown_country_is_shown_as_typed_and_groups_by_its_text():
    assert country_name("Atlantis  Raya", "id") == "Atlantis Raya"
    assert country_key("Atlantis  Raya") == "Atlantis Raya"


def test_every_spelling_of_a_country_is_one_choice():
    with translation.override("id"):
        choices = countries_named(["Germany", "Jerman", "DE", "Malaysia", "", None])
    assert choices == [("DE", "Jerman"), ("MY", "Malaysia")]


TODAY = datetime.date(2026, 6, 1)


@pytest.fixture
def german_partners(db):
    for name, country in (
        ("Hamburg Institut", "Germany"),
        ("Bremen Akademie", "Jerman"),
    ):
        partner = PartnerFactory(name=name, country=country, scope="international")
        AgreementFactory(
            partner=partner,
            start_date=datetime.date(2025, 1, 1),
            end_date=datetime.date(2028, 1, 1),
        )


@pytest.mark.indonesian
def test_the_public_site_counts_one_country_however_it_was_typed(
    client, german_partners
):
    with frozen(TODAY):
        response = client.get(reverse("public:partners"))
        filtered = client.get(reverse("public:partners"), {"country": "DE"})

    chart = response.context["chart"]
    assert dict(zip(chart["labels"], chart["values"], strict=True)) == {"Jerman": 2}
    assert "Germany" not in response.content.decode()
    assert {row["name"] for row in filtered.context["page"].object_list} == {
        "Hamburg Institut",
        "Bremen Akademie",
    }


@pytest.mark.indonesian
def test_the_dashboard_links_one_country_to_all_its_partners(
    client_for, users, german_partners
):
    office = client_for(users["office"])
    with frozen(TODAY):
        figures = office.get(reverse("reports:dashboard")).context["figures"]
        (germany,) = [f for f in figures["by_country"] if f.label == "Jerman"]
        listed = office.get(reverse("partners:list") + germany.query)

    assert germany.value == 2
    assert "Hamburg Institut" in listed.content.decode()
    assert "Bremen Akademie" in listed.content.decode()
