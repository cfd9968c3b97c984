"""The 2023 indicator (IKU 3.1) says why an agreement of the year does not
count: an MoU, not at study-programme level, outside the counting window, a
partner with no category — from the same judgement that counts the others.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mitra.agreements.models import DocumentType
from mitra.partners.models import PartnerKind
from mitra.reports.ministry import ministry_indicator
from mitra.reports.models import RuleSet
from tests.factories import AgreementFactory, PartnerFactory
from tests.reports.indicators_data import YEAR, build_world

MOU = "Document type MoU is not counted by this rule set."
NOT_SIGNED = f"Not signed in {YEAR}."
NOT_IN_FORCE = f"Not in force at any time in {YEAR}."
DEPARTMENT = "At the level of a department (jurusan), not of a study programme."
NO_PROGRAMME = (
    "Not at the level of a study programme: no study programme among its units."
)
LEVEL = "None of its study programmes is counted under this rule set."
NO_CATEGORY = "The partner is in none of the rule set's categories."


@pytest.fixture
def world(units):
    made = build_world(units)
    hospital = PartnerFactory(
        name="RS Umum Daerah", kind=PartnerKind.objects.get(code="hospital")
    )
    # a jurusan's MoA of the year, with a partner that has a weight
    made["agreements"]["department"] = AgreementFactory(
        document_type=DocumentType.MOA,
        partner=hospital,
        units=[units["ja"]],
        signed_on=datetime.date(YEAR, 4, 1),
        start_date=datetime.date(YEAR, 4, 1),
    )
    # signed in the year, in force only from the next one
    made["agreements"]["later"] = AgreementFactory(
        document_type=DocumentType.MOA,
        partner=hospital,
        units=[units["ja1"]],
        signed_on=datetime.date(YEAR, 12, 1),
        start_date=datetime.date(YEAR + 1, 1, 1),
    )
    return made


def result_for(users, window):
    return ministry_indicator(
        year=YEAR,
        user=users["office"],
        rule_set=RuleSet.objects.get(code="iku31-2023"),
        window=window,
    )


def reasons(result):
    return {row.agreement.pk: row.reason for row in result.not_counted}


def test_each_agreement_signed_in_the_year_or_in_force_says_why_it_does_not_count(
    world, users
):
    result = result_for(users, "signed")

    a = world["agreements"]
    assert reasons(result) == {
        a["A2"].pk: NOT_SIGNED,
        a["A3"].pk: MOU,
        a["A5"].pk: NO_CATEGORY,
        a["A6"].pk: f"{NOT_SIGNED} {LEVEL}",
        a["A9"].pk: NO_PROGRAMME,
        a["A10"].pk: NOT_SIGNED,
        a["A11"].pk: f"{MOU} {NOT_SIGNED} {DEPARTMENT} {NO_CATEGORY}",
        a["department"].pk: DEPARTMENT,
    }
    # what counts is unchanged: A1 (1.00), A4 (0.50) and the later one (0.30)
    assert (result.numerator, result.denominator) == (Decimal("1.80"), 5)
    assert all(row.counts for figure in result.programmes for row in figure.counted)


def test_in_the_in_force_window_the_reason_is_the_window(world, users):
    result = result_for(users, "in_force")

    a = world["agreements"]
    found = reasons(result)
    assert found[a["later"].pk] == NOT_IN_FORCE
    assert found[a["department"].pk] == DEPARTMENT
    assert a["A2"].pk not in found  # in force in the year: it counts
    assert a["A7"].pk not in found  # a draft is no agreement of the year
    assert a["A8"].pk not in found  # ended before the year


def test_an_agreement_without_a_category_shows_under_its_programme_too(world, users):
    result = result_for(users, "signed")

    jb1 = next(figure for figure in result.programmes if figure.unit.code == "JB1")
    a5 = world["agreements"]["A5"]
    assert [(row.agreement, row.reason) for row in jb1.agreements] == [
        (a5, NO_CATEGORY)
    ]
    assert jb1.value == Decimal("0.00")


def test_the_page_lists_the_agreements_that_do_not_count(world, users, client_for):
    response = client_for(users["auditor"]).get(
        reverse("reports:ministry"),
        {"year": YEAR, "rule_set": "iku31-2023", "window": "signed"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    section = html[html.index('id="not-counted"') :]
    section = section[: section.index("</section>")]
    department = world["agreements"]["department"]
    assert f'data-agreement="{department.pk}"' in section
    assert DEPARTMENT in section
    assert f'data-agreement="{world["agreements"]["A1"].pk}"' not in section


@pytest.mark.indonesian
def test_the_indonesian_page_lists_them_too(world, users, client_for):
    response = client_for(users["auditor"]).get(
        reverse("reports:ministry"), {"year": YEAR, "rule_set": "iku31-2023"}
    )

    assert response.status_code == 200
    assert 'id="not-counted"' in response.content.decode()


def test_the_list_runs_a_fixed_number_of_queries(world, users, client_for, units):
    client = client_for(users["office"])
    url = reverse("reports:ministry") + f"?year={YEAR}&rule_set=iku31-2023"

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = count()
    for unit in ("ja", "jb", "root"):
        AgreementFactory(units=[units[unit]], signed_on=datetime.date(YEAR, 3, 1))
        AgreementFactory(
            document_type=DocumentType.MOU,
            units=[units["ja1"]],
            signed_on=datetime.date(YEAR, 3, 1),
        )

    assert count() == before
