"""Each rule set's settings name the installation settings that apply to it
(README, Configuration): MITRA_IKU_2023_WINDOW for the count of 2023 (IKU
3.1) only; the count of 2025 (IKU 5) has MITRA_IKU_2025_NUMERATOR and
MITRA_IKU_2025_DENOMINATOR, and counts the cooperations in force."""

import pytest
from django.urls import reverse

from mitra.reports.models import RuleSet


def settings_hints(client, year):
    html = client.get(reverse("reports:ministry"), {"year": year}).content.decode()
    start = html.index("<details")
    return html[start : html.index("</details>", start)]


def test_the_2025_settings_name_the_2025_settings(db, users, client_for):
    hints = settings_hints(client_for(users["office"]), 2026)

    assert "MITRA_IKU_2023_WINDOW" not in hints
    assert "MITRA_IKU_2025_NUMERATOR" in hints
    assert "MITRA_IKU_2025_DENOMINATOR" in hints
    assert "Empty: those in force at some time during the year." in hints


@pytest.mark.indonesian
def test_the_indonesian_2025_settings_do_not_name_the_2023_window(
    db, users, client_for
):
    hints = settings_hints(client_for(users["office"]), 2026)

    assert "MITRA_IKU_2023_WINDOW" not in hints
    assert "MITRA_IKU_2025_NUMERATOR" in hints


def test_the_2023_settings_name_the_2023_window(db, users, client_for):
    hints = settings_hints(client_for(users["office"]), 2024)

    assert "MITRA_IKU_2023_WINDOW" in hints
    assert "MITRA_IKU_2025_NUMERATOR" not in hints


def test_the_2023_window_setting_leaves_the_2025_count_alone(db, settings):
    rule_set = RuleSet.objects.get(code="iku5-2025")
    rule_set.counting_window = ""
    settings.MITRA_IKU_2023_WINDOW = "signed"

    assert rule_set.window == "in_force"
    assert RuleSet.objects.get(code="iku31-2023").window == "signed"
