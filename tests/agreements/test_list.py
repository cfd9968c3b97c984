"""The agreement list: filters, sorting, search, pagination, export."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils.translation import gettext
from openpyxl import load_workbook

from mitra.agreements.models import DocumentType, Status
from mitra.core.clock import frozen
from mitra.core.fields import Scope
from mitra.partners.models import PartnerAlias
from tests.factories import AgreementFactory, PartnerFactory, PartnerKindFactory

D = datetime.date
LIST = reverse("agreements:list")


def numbers(response):
    return [row.record.number for row in response.context["table"].page.object_list]


def get(client, **params):
    return client.get(LIST, params)


@pytest.fixture
def office(client_for, users):
    return client_for(users["office"])


def test_it_lists_agreements_newest_first(office):
    AgreementFactory(number="A", start_date=D(2022, 1, 1))
    AgreementFactory(number="B", start_date=D(2024, 1, 1))

    response = get(office)

    assert response.status_code == 200
    assert numbers(response) == ["B", "A"]
    assert response.context["table"].paginator.count == 2


def test_it_sorts_by_a_column_both_ways(office):
    for number in ["B-2", "A-1", "C-3"]:
        AgreementFactory(number=number)

    assert numbers(get(office, sort="number")) == ["A-1", "B-2", "C-3"]
    assert numbers(get(office, sort="-number")) == ["C-3", "B-2", "A-1"]


def test_it_sorts_by_partner_name_and_effective_scope(office):
    AgreementFactory(number="Z", partner=PartnerFactory(name="Alpha"), scope="")
    AgreementFactory(
        number="Y", partner=PartnerFactory(name="Beta"), scope=Scope.INTERNATIONAL
    )

    assert numbers(get(office, sort="partner")) == ["Z", "Y"]
    assert numbers(get(office, sort="-scope")) == ["Z", "Y"]


def test_it_filters_by_type_and_status(office):
    AgreementFactory(number="MOU", document_type=DocumentType.MOU)
    AgreementFactory(number="IA", document_type=DocumentType.IA)
    AgreementFactory(number="T", status=Status.TERMINATED)

    assert numbers(get(office, document_type="mou")) == ["MOU"]
    assert numbers(get(office, status="terminated")) == ["T"]


def test_it_filters_by_effective_scope(office):
    AgreementFactory(number="OWN", scope=Scope.LOCAL)
    AgreementFactory(number="PARTNER", partner=PartnerFactory(scope=Scope.LOCAL))
    AgreementFactory(number="OTHER", partner=PartnerFactory(scope=Scope.NATIONAL))

    assert sorted(numbers(get(office, scope="local"))) == ["OWN", "PARTNER"]


def test_it_filters_by_unit_including_units_below(office, units):
    AgreementFactory(number="JA", units=[units["ja"]])
    AgreementFactory(number="JA1", units=[units["ja1"]])
    AgreementFactory(number="JB", units=[units["jb"]])

    assert sorted(numbers(get(office, unit="JA"))) == ["JA", "JA1"]
    assert numbers(get(office, unit="JA1")) == ["JA1"]


def test_it_filters_by_partner_kind_field_and_partner(office):
    school = PartnerKindFactory(code="school", name="Sekolah")
    partner = PartnerFactory(kind=school)
    AgreementFactory(number="S", partner=partner, education=False, research=True)
    AgreementFactory(number="I")

    assert numbers(get(office, partner_kind="school")) == ["S"]
    assert numbers(get(office, field="research")) == ["S"]
    assert numbers(get(office, partner=partner.pk)) == ["S"]


def test_it_filters_by_year_in_force(office):
    AgreementFactory(number="OLD", start_date=D(2018, 1, 1), end_date=D(2021, 1, 1))
    AgreementFactory(number="EDGE", start_date=D(2021, 12, 31), end_date=None)
    AgreementFactory(number="LATE", start_date=D(2022, 1, 1), end_date=None)
    AgreementFactory(number="NEW", start_date=D(2019, 6, 1), end_date=D(2020, 12, 31))

    assert sorted(numbers(get(office, year=2021))) == ["EDGE", "OLD"]


def test_it_ignores_an_impossible_year_without_failing(office):
    AgreementFactory(number="A")

    response = get(office, year="99999")

    assert response.status_code == 200
    assert numbers(response) == ["A"]
    assert response.context["filter"].form.errors["year"]


@pytest.mark.parametrize(
    ("validity", "expected"),
    [
        ("in_force", ["FAR"]),
        ("expiring", ["SOON"]),
        ("expired", ["PAST"]),
        ("not_started", ["FUTURE"]),
        ("not_signed", ["DRAFT"]),
        ("terminated", ["ENDED"]),
    ],
)
def test_it_filters_by_validity_computed_from_dates(office, validity, expected):
    AgreementFactory(number="FAR", start_date=D(2024, 1, 1), end_date=D(2030, 1, 1))
    AgreementFactory(number="SOON", start_date=D(2024, 1, 1), end_date=D(2025, 7, 1))
    AgreementFactory(number="PAST", start_date=D(2020, 1, 1), end_date=D(2025, 5, 31))
    AgreementFactory(number="FUTURE", start_date=D(2025, 9, 1))
    AgreementFactory(number="DRAFT", status=Status.DRAFT)
    AgreementFactory(number="ENDED", status=Status.TERMINATED)

    with frozen(D(2025, 6, 1)):
        response = get(office, validity=validity)

    assert numbers(response) == expected


@override_settings(MITRA_EXPIRING_DAYS=30)
def test_it_counts_the_last_day_of_the_window_as_expiring(office):
    AgreementFactory(number="IN", end_date=D(2025, 7, 1))
    AgreementFactory(number="OUT", end_date=D(2025, 7, 2))

    with frozen(D(2025, 6, 1)):
        assert numbers(get(office, validity="expiring")) == ["IN"]
        assert numbers(get(office, validity="in_force")) == ["OUT"]


@pytest.mark.parametrize(
    "text", ["100/pl", "SPK-77", "laboratorium", "sejahtera", "PT. CONTOH  SEJAHTERA"]
)
def test_it_searches_numbers_title_and_partner(office, text):
    partner = PartnerFactory(name="PT Contoh Sejahtera")
    AgreementFactory(
        number="100/PL/2024",
        partner_number="SPK-77",
        title="Laboratorium bersama",
        partner=partner,
    )
    AgreementFactory(number="OTHER", title="Lain")

    assert numbers(get(office, q=text)) == ["100/PL/2024"]


def test_it_searches_partner_aliases(office):
    partner = PartnerFactory(name="Akademi Industri Elektronika Contoh")
    PartnerAlias.objects.create(partner=partner, name="AIEC")
    AgreementFactory(number="X", partner=partner)
    AgreementFactory(number="Y")

    assert numbers(get(office, q="aiec")) == ["X"]


@override_settings(MITRA_PAGE_SIZE=2)
def test_it_paginates(office):
    for index in range(5):
        AgreementFactory(number=f"N{index}", start_date=D(2020 + index, 1, 1))

    first = get(office)
    third = get(office, page=3)

    assert numbers(first) == ["N4", "N3"]
    assert numbers(third) == ["N0"]
    assert first.context["table"].paginator.count == 5


def test_it_exports_the_filtered_list_to_csv(office, units):
    # given a signed MoA under an MoU and an agreement of another type
    partner = PartnerFactory(name="=HYPERLINK(evil)")
    mou = AgreementFactory(
        number="1/MOU", document_type=DocumentType.MOU, partner=partner
    )
    moa = AgreementFactory(
        number="2/PKS",
        partner=partner,
        end_date=None,
        units=[units["ja"]],
        scope=Scope.LOCAL,
        research=True,
    )
    moa.parents.add(mou)
    AgreementFactory(number="3/IA", document_type=DocumentType.IA)

    # when exporting only MoAs
    response = get(office, document_type="moa", export="csv")

    # then the file has a BOM, a header and one row, formulas neutralised
    body = response.content.decode("utf-8")
    assert response["Content-Type"].startswith("text/csv")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert rows[1][0] == "2/PKS"
    assert rows[1][3] == "'=HYPERLINK(evil)"
    assert rows[1][7] == "JA"
    assert rows[1][12] == "1/MOU"
    assert len(row) == 13
    assert rows[1][9] == gettext("open-ended")


def test_it_exports_the_filtered_list_to_xlsx(office):
    AgreementFactory(number="1/PKS", title="@SUM(A1)", end_date=D(2026, 5, 1))
    AgreementFactory(number="2/PKS", status=Status.TERMINATED)

    response = get(office, status="signed", export="xlsx")

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][0] == "1/PKS"
    assert rows[1][2] == "'@SUM(A1)"
    assert rows[1][9].date() == D(2026, 5, 1)


def _queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _make_rows(count, units):
    mou = AgreementFactory(document_type=DocumentType.MOU)
    for _index in range(count):
        agreement = AgreementFactory(units=[units["ja"], units["ja1"]])
        agreement.parents.add(mou)


@override_settings(MITRA_PAGE_SIZE=100)
@pytest.mark.parametrize("role", ["office", "unit_a"])
def test_it_runs_the_same_queries_for_5_rows_as_for_50(client_for, users, units, role):
    client = client_for(users[role])
    _make_rows(5, units)
    few = _queries_for(client, LIST)
    csv_few = _queries_for(client, LIST + "?export=csv")

    _make_rows(45, units)
    many = _queries_for(client, LIST)
    csv_many = _queries_for(client, LIST + "?export=csv")

    assert few == many
    assert csv_few == csv_many
