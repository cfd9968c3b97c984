"""The accreditation table "Kerjasama Tridharma" (LKPS table 1)."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from mitra.agreements.models import Activity, Status
from mitra.core.clock import frozen
from mitra.reports.lkps import lkps_table
from mitra.reports.models import AgreementRelevance
from tests.factories import AgreementFactory
from tests.reports.indicators_data import YEAR, build_world

TODAY = datetime.date(2025, 3, 1)


@pytest.fixture
def world(units):
    return build_world(units)


def lkps_url(programme, **params):
    query = {"programme": programme.pk, "ts": YEAR, **params}
    return (
        reverse("reports:lkps") + "?" + "&".join(f"{k}={v}" for k, v in query.items())
    )


def test_it_lists_the_rows_on_screen_with_links(world, users, client_for):
    with frozen(TODAY):
        response = client_for(users["unit_a"]).get(lkps_url(world["units"]["ja1"]))

    html = response.content.decode()
    assert response.status_code == 200
    a1 = world["agreements"]["A1"]
    assert f'href="{a1.get_absolute_url()}"' in html
    assert f'href="{reverse("agreements:signed_file", args=[a1.pk])}"' in html
    assert "Tabel 1-1 Kerjasama Pendidikan" in html
    assert 'id="unclassified"' in html


def test_the_window_is_the_last_three_years(world, users):
    with frozen(TODAY):
        earlier = lkps_table(
            programme=world["units"]["ja1"], ts=2021, user=users["office"]
        )

    # in 2019 to 2021 only the jurusan's MoU of 2021 was in force
    rows = [row.agreement for table in earlier.tables for row in table.rows]
    assert rows == [world["agreements"]["A11"]]


def test_a_terminated_agreement_ends_on_its_termination(units, users):
    AgreementFactory(
        units=[units["ja1"]],
        start_date=datetime.date(2021, 1, 1),
        end_date=datetime.date(2030, 12, 31),
        status=Status.TERMINATED,
        terminated_on=datetime.date(2023, 6, 30),
    )
    AgreementFactory(
        units=[units["ja1"]],
        start_date=datetime.date(2018, 1, 1),
        end_date=datetime.date(2030, 12, 31),
        status=Status.TERMINATED,
        terminated_on=datetime.date(2021, 6, 30),
    )

    result = lkps_table(programme=units["ja1"], ts=YEAR, user=users["office"])

    assert [row.end_year for row in result.tables[0].rows] == ["2023"]


def test_an_agreement_without_a_field_takes_its_activities_forms(world, users):
    # given A10 (no field, no type) gets an activity of a research form
    from mitra.planning.models import CooperationType

    Activity.objects.create(
        agreement=world["agreements"]["A10"],
        title="Penelitian terapan",
        start_date=datetime.date(YEAR, 2, 1),
        form=CooperationType.objects.get(code="penelitian-bersama"),
    )

    result = lkps_table(programme=world["units"]["ja1"], ts=YEAR, user=users["office"])

    research = [row.agreement for row in result.tables[1].rows]
    assert world["agreements"]["A10"] in research
    assert result.unclassified == []


def test_extra_columns_are_chosen(world, users):
    a1 = world["agreements"]["A1"]
    AgreementRelevance.objects.create(agreement=a1, note="Sesuai visi")

    result = lkps_table(
        programme=world["units"]["ja1"],
        ts=YEAR,
        user=users["office"],
        extra_columns=["relevance", "nonsense"],
    )

    assert result.extra_columns == ["relevance"]
    row = result.tables[0].rows[0]
    assert (row.agreement, row.extras) == (a1, ["Sesuai visi"])


def test_the_setting_chooses_the_default_extra_columns(
    world, users, client_for, settings
):
    settings.MITRA_LKPS_EXTRA_COLUMNS = ["relevance"]
    client = client_for(users["office"])

    default = client.get(lkps_url(world["units"]["ja1"]))
    none = client.get(lkps_url(world["units"]["ja1"], shown=1))

    assert default.context["result"].extra_columns == ["relevance"]
    assert none.context["result"].extra_columns == []


def test_the_workbook_has_bans_layout(world, users, client_for):
    with frozen(TODAY):
        response = client_for(users["office"]).get(
            lkps_url(world["units"]["ja1"], format="xlsx", extra="relevance")
        )

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-ts2024.xlsx"')
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["1-1", "1-2", "1-3"]
    sheet = workbook["1-1"]
    assert sheet["A1"].value == "Tabel 1-1 Kerjasama Pendidikan"
    headings = [sheet.cell(4, column).value for column in range(1, 12)]
    assert headings == [
        "No",
        "Lembaga Mitra",
        "Tingkat",
        None,
        None,
        "Judul Kegiatan Kerjasama",
        "Manfaat bagi PS yang Diakreditasi",
        "Waktu dan Durasi",
        "Bukti Kerjasama",
        "Tahun Berakhirnya Kerjasama (YYYY)",
        "Relevansi dengan Visi dan Bidang PS",
    ]
    assert [sheet.cell(5, column).value for column in (3, 4, 5)] == [
        "Internasional",
        "Nasional",
        "Wilayah/Lokal",
    ]
    merged = {str(cells) for cells in sheet.merged_cells.ranges}
    assert {"C4:E4", "A4:A5", "B4:B5", "J4:J5"} <= merged
    assert sheet.cell(6, 1).value == "(1)"
    first = [sheet.cell(7, column).value for column in range(1, 11)]
    a1 = world["agreements"]["A1"]
    assert first[:5] == [1, "Bank Pembangunan Asia", "√", None, None]
    assert first[5].startswith(a1.title)
    assert first[8] == f"MoA/PKS {a1.number}"
    assert first[9] == "2026"
    link = sheet.cell(7, 9).hyperlink.target
    assert link.endswith(reverse("agreements:signed_file", args=[a1.pk]))
    assert [sheet.cell(row, 2).value for row in range(7, 11)] == [
        "Bank Pembangunan Asia",
        "Dinas Pendidikan Kota",
        "Universitas Mitra Jaya",
        "Yayasan Peduli",
    ]


def test_a_formula_in_a_title_is_neutralised(units, users, client_for):
    AgreementFactory(units=[units["ja1"]], title="=HYPERLINK(1)")

    response = client_for(users["office"]).get(lkps_url(units["ja1"], format="xlsx"))

    sheet = load_workbook(io.BytesIO(response.content))["1-1"]
    assert sheet.cell(7, 6).value == "'=HYPERLINK(1)"


def test_it_runs_a_fixed_number_of_queries(world, users, client_for):
    client = client_for(users["office"])
    url = lkps_url(world["units"]["ja1"])

    def count():
        with frozen(TODAY), CaptureQueriesContext(connection) as queries:
            client.get(url)
        return len(queries)

    before = count()
    for _index in range(5):
        agreement = AgreementFactory(units=[world["units"]["ja1"]], research=True)
        Activity.objects.create(
            agreement=agreement,
            title="Kegiatan",
            start_date=datetime.date(YEAR, 1, 5),
            unit=world["units"]["ja1"],
        )

    assert count() == before


def test_bad_input_shows_the_form_again(db, users, client_for):
    client = client_for(users["office"])

    for params in ({"programme": "x"}, {"programme": 999999}, {"ts": "1"}):
        response = client.get(reverse("reports:lkps"), params)
        assert response.status_code == 200
        assert response.context["result"] is None


def test_only_study_programmes_can_be_chosen(db, units, users, client_for):
    response = client_for(users["office"]).get(
        reverse("reports:lkps"), {"programme": units["ja"].pk}
    )

    assert response.context["result"] is None
    assert response.context["form"].errors["programme"]


def test_every_extra_column_works_without_surveys_or_evaluations(world, users):
    with translation.override("en"):
        result = lkps_table(
            programme=world["units"]["ja1"],
            ts=YEAR,
            user=users["office"],
            extra_columns=["follow_up", "satisfaction", "relevance"],
        )

    assert result.extra_columns == ["relevance", "satisfaction", "follow_up"]
    assert result.tables[0].rows[0].extras == ["", "No", "—"]


@pytest.fixture
def satisfied(monkeypatch):
    """Every partner's last service index is 69.4444444444."""
    from decimal import Decimal

    from mitra.surveys import selectors

    monkeypatch.setattr(
        selectors, "partner_satisfaction", lambda partner: Decimal("69.4444444444")
    )


def test_the_satisfaction_index_is_written_with_two_decimals(world, users, satisfied):
    result = lkps_table(
        programme=world["units"]["ja1"],
        ts=YEAR,
        user=users["office"],
        extra_columns=["satisfaction"],
    )

    assert result.tables[0].rows[0].extras == ["Yes (index 69.44)"]


@pytest.mark.indonesian
def test_the_satisfaction_index_is_written_the_indonesian_way_on_screen_and_in_xlsx(
    world, users, client_for, satisfied
):
    client = client_for(users["office"])
    programme = world["units"]["ja1"]

    with frozen(TODAY):
        page = client.get(lkps_url(programme, shown=1, extra="satisfaction"))
        sheet = client.get(
            lkps_url(programme, shown=1, extra="satisfaction", format="xlsx")
        )

    assert "Ya (indeks 69,44)" in page.content.decode()
    assert "69.4444444444" not in page.content.decode()
    workbook = load_workbook(io.BytesIO(sheet.content))
    assert workbook["1-1"].cell(7, 11).value == "Ya (indeks 69,44)"
