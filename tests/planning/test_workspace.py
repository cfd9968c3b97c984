"""The head's identification workspace: the four inputs side by side."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mitra.planning import services, workspace
from mitra.proposals.models import Proposal
from tests.factories import AgreementFactory, UnitFactory
from tests.planning.conftest import TODAY, YEAR

pytestmark = pytest.mark.django_db

URL = reverse("planning:workspace", args=[YEAR])


@pytest.mark.parametrize("role", ["office", "head", "leader", "auditor", "admin"])
def test_the_office_leadership_and_auditors_open_the_workspace(
    client_for, users, types, frozen_today, role
):
    assert client_for(users[role]).get(URL).status_code == 200


def test_unit_staff_do_not(client_for, users, frozen_today):
    client = client_for(users["unit_a"])

    assert client.get(URL).status_code == 403
    assert client.get(reverse("planning:index")).status_code == 403


def test_missing_inputs_say_not_yet_available_with_a_link(
    client_for, users, types, frozen_today
):
    response = client_for(users["head"]).get(URL)

    page = response.content.decode()
    context = response.context
    assert not context["survey"].available
    assert not context["evaluation"].available
    assert not context["mapping"].available
    assert page.count("not-available") >= 4
    assert context["survey"].link
    assert context["evaluation"].link


def test_a_survey_and_an_evaluation_report_are_shown_when_they_exist(
    client_for, users, types, frozen_today, monkeypatch
):
    summaries = {
        "survey_summary": lambda year: (
            {
                "round": None,
                "service_index": Decimal("82.50"),
                "grade": "B",
                "cooperation_index": None,
                "weakest_items": [("Waktu penyelesaian", Decimal("2.60"))],
            }
            if year == YEAR - 1
            else None
        ),
        "follow_up_plan": lambda year: (
            "Perbaiki waktu layanan" if year == YEAR - 1 else None
        ),
    }
    monkeypatch.setattr(
        workspace, "_optional", lambda module, name: summaries.get(name)
    )

    response = client_for(users["head"]).get(URL)

    page = response.content.decode()
    assert "82,50" in page or "82.50" in page
    assert "Waktu penyelesaian" in page
    assert "Perbaiki waktu layanan" in page


def test_the_workspace_shows_gaps_and_target_progress(
    client_for, users, units, types, frozen_today
):
    mapping = services.mapping_open(year=YEAR, by=users["office"])
    services.need_cells_save(
        mapping=mapping,
        unit=units["ja"],
        by=users["office"],
        rows=[{"cooperation_type": types["riset"], "level": "high"}],
    )
    services.target_save(year=YEAR, by=users["office"], count=2)
    AgreementFactory(signed_on=datetime.date(YEAR, 1, 5), units=[units["ja"]])

    response = client_for(users["head"]).get(URL)

    gaps = response.context["mapping"].extra["gaps"]
    assert [(cell.unit.code, cell.cooperation_type.code) for cell in gaps] == [
        ("JA", "t-riset")
    ]
    assert [row.achieved for row in response.context["targets"].data] == [1]


def test_proposals_are_ranked_best_score_first(client_for, users, units, frozen_today):
    low = Proposal.objects.create(
        year=YEAR,
        title="Rendah",
        status="under_analysis",
        score=Decimal("55.00"),
        unit=units["ja"],
    )
    unscored = Proposal.objects.create(year=YEAR, title="Belum", status="submitted")
    high = Proposal.objects.create(
        year=YEAR,
        title="Tinggi",
        status="approved",
        score=Decimal("81.25"),
        unit=units["jb"],
    )
    Proposal.objects.create(
        year=YEAR, title="Draf", status="draft", score=Decimal("99")
    )

    response = client_for(users["head"]).get(URL)

    ranked = [proposal.pk for proposal in response.context["proposals"].data]
    assert ranked == [high.pk, low.pk, unscored.pk]


def test_the_workspace_runs_a_fixed_number_of_queries(
    client_for, users, units, types, frozen_today
):
    client = client_for(users["head"])
    mapping = services.mapping_open(year=YEAR, by=users["office"])

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    def add_rows(number):
        unit = UnitFactory(
            code=f"W{number}", name=f"Prodi W{number}", kind="prodi", parent=units["ja"]
        )
        services.need_cells_save(
            mapping=mapping,
            unit=unit,
            by=users["office"],
            rows=[
                {"cooperation_type": kind, "level": "medium"} for kind in types.values()
            ],
        )
        services.target_save(year=YEAR, by=users["office"], unit=unit, count=number + 1)
        Proposal.objects.create(
            year=YEAR,
            title=f"Usulan {number}",
            status="submitted",
            unit=unit,
            score=Decimal(number),
        )
        services.meeting_create(
            by=users["office"],
            kind="unit",
            unit=unit,
            title=f"Rapat {number}",
            date=TODAY + datetime.timedelta(days=number + 1),
            action_items=[
                {
                    "description": "Tindak lanjut",
                    "owner": users["unit_a"],
                    "due_date": TODAY,
                }
            ],
        )

    add_rows(0)
    count_queries()  # warm the caches (content types, session)
    few = count_queries()
    for number in range(1, 7):
        add_rows(number)

    assert count_queries() == few
