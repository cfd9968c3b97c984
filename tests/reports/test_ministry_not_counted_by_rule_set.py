"""The 2021 (IKU 6) and 2025 (IKU 5) indicators say why an agreement of the
year does not count, as the 2023 one does, from the judgement that counts
the others.
"""

import datetime

import pytest
from django.urls import reverse

from mitra.agreements.models import DocumentType
from mitra.reports.ministry import ministry_indicator
from mitra.reports.models import OutputDenominator, RuleSet
from tests.factories import AgreementFactory
from tests.reports.indicators_data import YEAR, build_world

MOU = "Document type MoU is not counted by this rule set."
NOT_IN_FORCE = f"Not in force at any time in {YEAR}."
DEPARTMENT = "At the level of a department (jurusan), not of a study programme."
NO_PROGRAMME = (
    "Not at the level of a study programme: no study programme among its units."
)
LEVEL = "None of its study programmes is counted under this rule set."
NO_CATEGORY = "The partner is in none of the rule set's categories."
NO_FORM = "No cooperation type or activity in one of the counted forms."
NOT_INDUSTRY = "The partner is not of a kind counted as industry."


@pytest.fixture
def world(units):
    made = build_world(units)
    # signed in the year, in force only from the next one
    made["agreements"]["later"] = AgreementFactory(
        document_type=DocumentType.MOA,
        partner=made["agreements"]["A1"].partner,
        units=[units["ja1"]],
        signed_on=datetime.date(YEAR, 12, 1),
        start_date=datetime.date(YEAR + 1, 1, 1),
    )
    return made


def result_for(users, code):
    return ministry_indicator(
        year=YEAR, user=users["office"], rule_set=RuleSet.objects.get(code=code)
    )


def reasons(result):
    return {row.agreement.pk: row.reason for row in result.not_counted}


def test_the_2021_indicator_says_why_each_agreement_does_not_count(world, users):
    result = result_for(users, "iku6-2021")

    a = world["agreements"]
    assert reasons(result) == {
        a["A2"].pk: NO_FORM,
        a["A4"].pk: f"{LEVEL} {NO_FORM}",
        a["A5"].pk: NO_CATEGORY,
        a["A6"].pk: f"{LEVEL} {NO_FORM}",
        a["A9"].pk: f"{NO_PROGRAMME} {NO_FORM}",
        a["A10"].pk: NO_FORM,
        a["A11"].pk: f"{DEPARTMENT} {NO_FORM}",
        a["later"].pk: f"{NOT_IN_FORCE} {NO_FORM}",
    }
    # what counts is unchanged: A1 for JA1 and A3 for JA2, of four programmes
    assert (result.numerator, result.denominator) == (2, 4)
    ja1 = next(figure for figure in result.programmes if figure.unit.code == "JA1")
    assert [(row.agreement, row.counts) for row in ja1.agreements] == [
        (a["A1"], True),
        (a["A2"], False),
        (a["A10"], False),
    ]


def test_the_2025_indicator_says_why_each_agreement_is_no_cooperation_counted(
    world, users
):
    result = result_for(users, "iku5-2025")

    a = world["agreements"]
    assert reasons(result) == {
        a["A1"].pk: NOT_INDUSTRY,
        a["A2"].pk: NOT_INDUSTRY,
        a["A3"].pk: MOU,
        a["A5"].pk: NOT_INDUSTRY,
        a["A11"].pk: f"{MOU} {NOT_INDUSTRY}",
        a["later"].pk: f"{NOT_IN_FORCE} {NOT_INDUSTRY}",
    }
    # the industry cooperations counted are unchanged: A4, A6, A9 and A10
    assert (result.numerator, result.denominator) == (2, 4)


def test_the_2025_indicator_with_an_activity_in_the_year_says_so(world, users):
    result = ministry_indicator(
        year=YEAR,
        user=users["office"],
        rule_set=RuleSet.objects.get(code="iku5-2025"),
        denominator=OutputDenominator.WITH_ACTIVITY,
    )

    found = reasons(result)
    assert found[world["agreements"]["A10"].pk] == (
        "No activity was recorded for this year."
    )
    assert world["agreements"]["A4"].pk not in found


def test_the_2021_page_lists_the_agreements_that_do_not_count(world, users, client_for):
    response = client_for(users["auditor"]).get(
        reverse("reports:ministry"), {"year": YEAR, "rule_set": "iku6-2021"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    section = html[html.index('id="not-counted"') :]
    section = section[: section.index("</section>")]
    assert f'data-agreement="{world["agreements"]["A11"].pk}"' in section
    assert DEPARTMENT in section
    assert f'data-agreement="{world["agreements"]["A1"].pk}"' not in section
