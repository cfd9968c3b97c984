"""The accreditation table says what is wrong with its options instead of
showing nothing, and its workbook keeps what the screen shows: the "via the
department" marker and a note where there is no signed document."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from mitra.core.clock import frozen
from tests.factories import AgreementFactory
from tests.reports.indicators_data import YEAR, build_world

TODAY = datetime.date(2025, 3, 1)
NO_SIGNED = "no signed document on file"


@pytest.fixture
def world(units):
    return build_world(units)


def get(client, programme, **params):
    with frozen(TODAY):
        return client.get(
            reverse("reports:lkps"),
            {"shown": 1, "programme": programme.pk, "ts": YEAR, **params},
        )


def test_a_bad_option_is_shown_as_an_error(world, users, client_for):
    response = get(client_for(users["office"]), world["units"]["ja1"], extra="bogus")

    assert response.status_code == 200
    assert response.context["result"] is None
    html = response.content.decode()
    errors = html[html.index('id="lkps-errors"') :]
    assert "Extra columns" in errors[: errors.index("</div>")]
    assert "bogus" in errors[: errors.index("</div>")]


@pytest.mark.indonesian
def test_a_bad_option_never_fails_on_the_indonesian_page_nor_the_workbook(
    world, users, client_for
):
    client = client_for(users["office"])

    page = get(client, world["units"]["ja1"], extra="bogus")
    workbook = get(client, world["units"]["ja1"], extra="bogus", format="xlsx")

    assert page.status_code == 200
    assert 'id="lkps-errors"' in page.content.decode()
    assert workbook.status_code == 200
    assert workbook["Content-Type"].startswith("text/html")


def sheet_rows(response, code="1-1"):
    sheet = load_workbook(io.BytesIO(response.content))[code]
    return [
        [sheet.cell(line, column).value for column in range(1, 11)]
        for line in range(7, sheet.max_row + 1)
    ]


def test_the_workbook_keeps_the_via_the_department_marker(world, users, client_for):
    # A11 is jurusan A's MoU: it reaches prodi A1 through its department
    response = get(client_for(users["office"]), world["units"]["ja1"], format="xlsx")

    titles = {row[1]: row[5] for row in sheet_rows(response)}
    a11 = world["agreements"]["A11"]
    assert titles["Universitas Mitra Jaya"].startswith(
        f"{a11.title} (via the department)"
    )
    assert "via the department" not in titles["Bank Pembangunan Asia"]


@pytest.mark.indonesian
def test_the_indonesian_workbook_says_melalui_jurusan(world, users, client_for):
    response = get(client_for(users["office"]), world["units"]["ja1"], format="xlsx")

    titles = {row[1]: row[5] for row in sheet_rows(response)}
    assert "(melalui jurusan)" in titles["Universitas Mitra Jaya"]


def test_an_agreement_without_a_signed_document_says_so(units, users, client_for):
    # given one agreement with its signed PDF, one without
    without = AgreementFactory(units=[units["ja1"]], title="Tanpa PDF")
    AgreementFactory(units=[units["ja1"]], title="Dengan PDF", signed_file="x.pdf")
    client = client_for(users["office"])

    page = get(client, units["ja1"])
    workbook = get(client, units["ja1"], format="xlsx")

    # then the screen says it beside the link to the agreement's page
    html = page.content.decode()
    row = html[html.index(f'data-agreement="{without.pk}"') :]
    row = row[: row.index("</tr>")]
    assert f'href="{without.get_absolute_url()}"' in row
    assert NO_SIGNED in row
    assert html.count("data-no-signed-file") == 1

    # and so does the workbook's "Bukti Kerjasama" cell
    evidence = {row[5].split("\n")[0]: row[8] for row in sheet_rows(workbook)}
    assert evidence["Tanpa PDF"] == f"MoA/PKS {without.number}\n({NO_SIGNED})"
    assert NO_SIGNED not in evidence["Dengan PDF"]
