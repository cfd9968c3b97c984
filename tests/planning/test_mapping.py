"""The needs mapping: units fill their rows, the office sees the gaps, issues
it, and a change after issue is a new version."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mitra.agreements.models import Status
from mitra.core.models import Notification, UnitKind
from mitra.documents.models import IssuedDocument
from mitra.planning import services
from mitra.planning.models import NeedCell, NeedLevel, NeedsMapping
from mitra.planning.selectors import gap_date, mapping_cells_for, mapping_matrix
from tests.factories import AgreementFactory, UnitFactory
from tests.planning.conftest import TODAY, YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture
def mapping(users, types, frozen_today):
    return services.mapping_open(year=YEAR, by=users["office"])


def fill(mapping, unit, by, levels):
    """Save `unit`'s needs: `levels` maps a cooperation type to a level."""
    services.need_cells_save(
        mapping=mapping,
        unit=unit,
        by=by,
        rows=[
            {"cooperation_type": kind, "level": level, "partner_profile": "Industri"}
            for kind, level in levels.items()
        ],
    )


def formset_data(types, values):
    """POST data of a unit's needs form: `values` maps a type to a level."""
    data = {
        "need-TOTAL_FORMS": str(len(types)),
        "need-INITIAL_FORMS": str(len(types)),
    }
    for index, kind in enumerate(types):
        data[f"need-{index}-cooperation_type"] = str(kind.pk)
        data[f"need-{index}-level"] = values.get(kind, "none")
        data[f"need-{index}-partner_profile"] = ""
        data[f"need-{index}-notes"] = ""
    return data


# --- Filling --------------------------------------------------------------------


def test_the_office_opens_a_year_and_unit_staff_are_told(client_for, users, types):
    response = client_for(users["office"]).post(
        reverse("planning:mapping_list"),
        {"year": YEAR, "instructions": "Isi sebelum Maret", "notify_units": "on"},
    )

    assert response.status_code == 302
    assert NeedsMapping.objects.filter(year=YEAR).exists()
    assert Notification.objects.filter(recipient=users["unit_a"]).count() == 1


def test_opening_the_same_year_twice_is_a_field_error(client_for, users, mapping):
    response = client_for(users["office"]).post(
        reverse("planning:mapping_list"), {"year": YEAR}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["year"]


def test_a_year_out_of_range_is_a_field_error_not_a_crash(client_for, users, types):
    response = client_for(users["office"]).post(
        reverse("planning:mapping_list"), {"year": "-3"}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["year"]


def test_unit_staff_fill_their_own_unit_and_the_units_below(
    client_for, users, units, types, mapping
):
    client = client_for(users["unit_a"])
    ordered = list(types.values())
    data = formset_data(ordered, {types["magang"]: "high", types["riset"]: "low"})

    for unit in ("ja", "ja1"):
        url = reverse("planning:mapping_fill", args=[YEAR, units[unit].pk])
        assert client.post(url, data).status_code == 302

    levels = dict(
        NeedCell.objects.filter(unit=units["ja1"]).values_list(
            "cooperation_type__code", "level"
        )
    )
    assert levels == {"t-magang": "high", "t-riset": "low"}


def test_unit_staff_cannot_fill_another_units_row(client_for, users, units, mapping):
    response = client_for(users["unit_a"]).get(
        reverse("planning:mapping_fill", args=[YEAR, units["jb"].pk])
    )

    assert response.status_code == 403


@pytest.mark.parametrize("role", ["leader", "auditor"])
def test_readers_cannot_fill_rows(client_for, users, units, mapping, role):
    response = client_for(users[role]).get(
        reverse("planning:mapping_fill", args=[YEAR, units["ja"].pk])
    )

    assert response.status_code == 403


def test_a_forged_level_is_shown_as_a_field_error(
    client_for, users, units, types, mapping
):
    data = formset_data(list(types.values()), {types["magang"]: "enormous"})

    response = client_for(users["unit_a"]).post(
        reverse("planning:mapping_fill", args=[YEAR, units["ja"].pk]), data
    )

    assert response.status_code == 400
    assert not NeedCell.objects.exists()


def test_unit_staff_see_only_their_rows_the_office_sees_all(
    client_for, users, units, mapping
):
    unit_rows = client_for(users["unit_a"]).get(mapping.get_absolute_url())
    office_rows = client_for(users["office"]).get(mapping.get_absolute_url())

    assert [row.unit.code for row in unit_rows.context["matrix"].rows] == ["JA", "JA1"]
    assert {row.unit.code for row in office_rows.context["matrix"].rows} == {
        "JA",
        "JA1",
        "JB",
        "JB1",
        "OFF",
    }


# --- Gaps -------------------------------------------------------------------------


def test_a_need_without_an_agreement_in_force_is_a_gap(users, units, types, mapping):
    # given: JA needs internships and research; JB needs internships
    office = users["office"]
    fill(
        mapping,
        units["ja"],
        office,
        {types["magang"]: "high", types["riset"]: "medium"},
    )
    fill(mapping, units["jb"], office, {types["magang"]: "low"})
    # and: a prodi of JA has an internship agreement in force; JB's one expired
    in_force = AgreementFactory(units=[units["ja1"]])
    in_force.cooperation_types.set([types["magang"]])
    expired = AgreementFactory(
        units=[units["jb"]],
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2025, 12, 31),
    )
    expired.cooperation_types.set([types["magang"]])

    # when
    matrix = mapping_matrix(mapping)

    # then
    gaps = {(cell.unit.code, cell.cooperation_type.code) for cell in matrix.gaps()}
    assert gaps == {("JA", "t-riset"), ("JB", "t-magang")}
    assert matrix.need_count == 3


def test_a_draft_agreement_covers_nothing(users, units, types, mapping):
    services.need_cells_save(
        mapping=mapping,
        unit=units["ja"],
        by=users["office"],
        rows=[{"cooperation_type": types["magang"], "level": "high"}],
    )
    draft = AgreementFactory(units=[units["ja"]], status=Status.DRAFT, number=None)
    draft.cooperation_types.set([types["magang"]])

    assert mapping_matrix(mapping).gap_count == 1


def test_gaps_of_a_past_year_are_judged_at_its_end():
    assert gap_date(2024, on=TODAY) == datetime.date(2024, 12, 31)
    assert gap_date(2027, on=TODAY) == datetime.date(2027, 1, 1)
    assert gap_date(YEAR, on=TODAY) == TODAY


def test_the_matrix_page_runs_a_fixed_number_of_queries(
    client_for, users, units, types, mapping
):
    client = client_for(users["office"])

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(mapping.get_absolute_url()).status_code == 200
        return len(queries)

    count_queries()  # warm the caches (content types, session)
    small = count_queries()
    # grow the matrix: more units, more cells, more agreements
    for number in range(8):
        unit = UnitFactory(
            code=f"X{number}",
            name=f"Prodi X{number}",
            kind=UnitKind.PRODI,
            parent=units["jb"],
        )
        services.need_cells_save(
            mapping=mapping,
            unit=unit,
            by=users["office"],
            rows=[
                {"cooperation_type": kind, "level": "high"} for kind in types.values()
            ],
        )
        agreement = AgreementFactory(units=[unit])
        agreement.cooperation_types.set([types["riset"]])

    assert count_queries() == small


def test_mapping_cells_for_a_prodi_includes_its_jurusans_needs(
    users, units, types, mapping
):
    for unit, level in (("ja", "high"), ("ja1", "low"), ("jb", "high")):
        services.need_cells_save(
            mapping=mapping,
            unit=units[unit],
            by=users["office"],
            rows=[{"cooperation_type": types["magang"], "level": level}],
        )

    cells = mapping_cells_for(
        unit=units["ja1"], cooperation_types=[types["magang"]], year=YEAR
    )
    external = mapping_cells_for(
        unit=None, cooperation_types=[types["magang"]], year=YEAR
    )

    assert {cell.unit.code for cell in cells} == {"JA", "JA1"}
    assert all(cell.is_gap for cell in cells)
    assert {cell.unit.code for cell in external} == {"JA", "JA1", "JB"}
    assert mapping_cells_for(unit=None, cooperation_types=[], year=YEAR) == []
    assert (
        mapping_cells_for(unit=None, cooperation_types=[types["magang"]], year=1999)
        == []
    )


def test_the_matrix_exports_as_xlsx(client_for, users, mapping):
    response = client_for(users["office"]).get(
        mapping.get_absolute_url() + "?export=xlsx"
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


# --- Issue and versions ---------------------------------------------------------------


def test_issuing_freezes_the_mapping_and_a_change_needs_a_new_version(
    client_for, users, units, types, mapping
):
    office = client_for(users["office"])
    fill(mapping, units["ja"], users["office"], {types["magang"]: "high"})
    fill_url = reverse("planning:mapping_fill", args=[YEAR, units["ja"].pk])

    # when: the office issues the mapping
    response = office.post(reverse("planning:mapping_issue", args=[YEAR]))

    # then: version 1 is issued and the mapping is locked
    assert response.status_code == 302
    first = IssuedDocument.objects.get(kind="needs_mapping")
    assert first.version == 1
    high, low = str(NeedLevel.HIGH.label), str(NeedLevel.LOW.label)
    assert [row["level"] for row in first.snapshot["needs"]] == [high]
    mapping.refresh_from_db()
    assert mapping.is_issued
    client = client_for(users["unit_a"])
    assert client.get(fill_url).status_code == 409
    data = formset_data(list(types.values()), {types["magang"]: "low"})
    assert client.post(fill_url, data).status_code == 409
    with pytest.raises(ValidationError):
        fill(mapping, units["ja"], users["office"], {types["magang"]: "low"})

    # when: a new version is started, changed and issued
    office = client_for(users["office"])
    office.post(reverse("planning:mapping_new_version", args=[YEAR]))
    fill(mapping, units["ja"], users["office"], {types["magang"]: "low"})
    office.post(reverse("planning:mapping_issue", args=[YEAR]))

    # then: v2 supersedes v1, which still reads as issued
    second = IssuedDocument.objects.get(kind="needs_mapping", version=2)
    first = IssuedDocument.objects.get(pk=first.pk)
    assert second.supersedes_id == first.pk
    assert not first.is_current
    assert first.snapshot["needs"][0]["level"] == high
    assert second.snapshot["needs"][0]["level"] == low
    old = office.get(reverse("documents:issued_detail", args=[first.pk]))
    assert old.status_code == 200
    pdf = office.get(reverse("documents:issued_file", args=[first.pk]) + "?format=pdf")
    assert pdf.status_code == 200


def test_issuing_twice_without_a_new_version_is_refused(users, mapping):
    services.mapping_issue(mapping=mapping, by=users["office"])

    with pytest.raises(ValidationError):
        services.mapping_issue(mapping=mapping, by=users["office"])
    assert IssuedDocument.objects.filter(kind="needs_mapping").count() == 1


@pytest.mark.parametrize("role", ["unit_a", "leader", "auditor"])
def test_only_the_office_issues_the_mapping(client_for, users, mapping, role):
    response = client_for(users[role]).post(
        reverse("planning:mapping_issue", args=[YEAR])
    )

    assert response.status_code == 403
    assert not IssuedDocument.objects.exists()


def test_a_draft_of_the_mapping_prints_for_the_office(client_for, users, mapping):
    response = client_for(users["office"]).get(
        reverse("documents:print", args=["needs_mapping", mapping.pk]) + "?format=docx"
    )

    assert response.status_code == 200


def test_copying_the_previous_year_starts_from_its_answers(
    users, units, types, mapping
):
    fill(mapping, units["ja"], users["office"], {types["magang"]: "high"})

    following = services.mapping_open(
        year=YEAR + 1, by=users["office"], copy_previous=True
    )

    assert following.cells.get().level == NeedLevel.HIGH
