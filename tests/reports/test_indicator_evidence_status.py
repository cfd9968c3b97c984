"""An indicator's status is what an auditor would call it: "evidenced" only
with every listed evidence file at hand; figures without a file are only
"recorded"; a file deleted from storage is flagged on the page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mitra.agreements.models import Activity, Evidence, Participation
from mitra.core.clock import frozen
from mitra.core.fields import Scope
from mitra.reports.indicators import Status, compute, indicators_for_year
from mitra.reports.models import AgreementRelevance, Indicator
from tests.agreements.uploads import pdf_upload
from tests.factories import AgreementFactory
from tests.reports.indicators_data import YEAR, build_world

TODAY = datetime.date(2025, 3, 1)


def result_for(code, user):
    indicator = next(i for i in indicators_for_year(YEAR) if i.code == code)
    with frozen(TODAY):
        return compute(indicator, YEAR, user)


def credited_activity(units, *, signed_file=None):
    """An activity of the year with three students whose credits count."""
    agreement = AgreementFactory(units=[units["ja1"]], signed_file=signed_file or "")
    activity = Activity.objects.create(
        agreement=agreement, title="Magang", start_date=datetime.date(YEAR, 3, 1)
    )
    Participation.objects.create(
        activity=activity, unit=units["ja1"], students=3, students_credited=3
    )
    return activity


def test_figures_without_any_evidence_file_are_only_recorded(units, users):
    credited_activity(units)

    result = result_for("B.1.2.5.8", users["office"])

    assert result.files == []
    assert result.status == Status.RECORDED
    assert str(result.status_label) == "Figures recorded, no evidence file yet"
    assert result.tables[0].footer[-1] == 3


def test_the_same_figures_with_their_file_are_evidenced(units, users):
    activity = credited_activity(units)
    Evidence.objects.create(
        activity=activity, description="SK pengakuan SKS", file=pdf_upload()
    )

    assert result_for("B.1.2.5.8", users["office"]).status == Status.EVIDENCED


def test_nothing_recorded_is_still_no_evidence_yet(db, users):
    assert result_for("B.1.2.5.8", users["office"]).status == Status.NO_EVIDENCE


def test_the_network_without_relevance_notes_is_partly_evidenced(units, users):
    # given every scope and field covered, with signed documents, but only
    # one agreement's relevance to the vision noted
    agreements = [
        AgreementFactory(
            scope=scope,
            start_date=datetime.date(YEAR, 1, 1),
            signed_file=pdf_upload(),
            **{"education": False, field: True},
        )
        for scope, field in (
            (Scope.LOCAL, "community_service"),
            (Scope.NATIONAL, "research"),
            (Scope.INTERNATIONAL, "education"),
        )
    ]
    AgreementRelevance.objects.create(agreement=agreements[0], note="Sesuai visi")

    result = result_for("B.1.2.9.3", users["office"])

    assert result.status == Status.PARTIAL
    assert "2 agreements have no relevance to the vision noted yet." in result.notes

    # when the other two are noted, the network is evidenced
    for agreement in agreements[1:]:
        AgreementRelevance.objects.create(agreement=agreement, note="Sesuai visi")
    assert result_for("B.1.2.9.3", users["office"]).status == Status.EVIDENCED


def test_the_list_explains_each_status(db, users, client_for):
    response = client_for(users["auditor"]).get(reverse("reports:indicators"))

    html = response.content.decode()
    legend = html[html.index('id="status-legend"') :]
    for label in Status.LABELS.values():
        assert str(label) in legend
    assert "no evidence file (a signed document, a report, a policy)" in legend


def test_the_page_says_what_its_status_means(units, users, client_for):
    credited_activity(units)
    indicator = Indicator.objects.get(code="B.1.2.5.8")

    with frozen(TODAY):
        response = client_for(users["auditor"]).get(
            reverse("reports:indicator", args=[indicator.pk]), {"year": YEAR}
        )

    html = response.content.decode()
    assert 'data-status="recorded"' in html
    assert str(Status.DESCRIPTIONS[Status.RECORDED]) in html


# --- A file missing from storage ---------------------------------------------


@pytest.fixture
def world(units):
    return build_world(units)


def delete_from_storage(field_file):
    field_file.storage.delete(field_file.name)


def test_a_file_deleted_from_storage_is_flagged_on_the_page(world, users, client_for):
    # given the report of an activity deleted from storage behind Mitra's back
    gone = world["evidence"]["report"]
    delete_from_storage(gone.file)
    indicator = Indicator.objects.get(code="B.1.2.5.8")

    with frozen(TODAY):
        response = client_for(users["auditor"]).get(
            reverse("reports:indicator", args=[indicator.pk]), {"year": YEAR}
        )

    # then its row is flagged, with no link that would answer 404
    result = response.context["result"]
    assert [item.label for item in result.missing_files] == [
        "Magang lintas prodi: Laporan magang"
    ]
    assert result.status == Status.PARTIAL
    html = response.content.decode()
    assert 'id="missing-count"' in html
    assert html.count("data-missing") == 1
    row = html[html.index("data-missing") :]
    row = row[: row.index("</tr>")]
    assert "Missing from storage" in row
    assert reverse("agreements:evidence_file", args=[gone.pk]) not in row
    assert (
        "1 evidence file listed is missing from storage: upload it again on its "
        "record." in result.notes
    )


def test_every_file_missing_leaves_the_figures_only_recorded(world, users):
    result = result_for("B.1.2.5.8", users["office"])
    for item in result.files:
        delete_from_storage(item.file)

    assert result_for("B.1.2.5.8", users["office"]).status == Status.RECORDED


def test_the_list_counts_the_missing_files(world, users, client_for):
    delete_from_storage(world["evidence"]["report"].file)

    with frozen(TODAY):
        response = client_for(users["auditor"]).get(
            reverse("reports:indicators"), {"year": YEAR}
        )

    assert "1 missing from storage" in response.content.decode()


def test_the_page_checks_storage_with_a_fixed_number_of_queries(
    world, users, client_for
):
    client = client_for(users["auditor"])
    indicator = Indicator.objects.get(code="B.1.2.5.8")
    url = reverse("reports:indicator", args=[indicator.pk]) + f"?year={YEAR}"

    def count():
        with frozen(TODAY), CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = count()
    for index in range(4):
        activity = Activity.objects.create(
            agreement=world["agreements"]["A1"],
            title=f"Kelas {index}",
            start_date=datetime.date(YEAR, 6, 1),
        )
        Participation.objects.create(
            activity=activity,
            unit=world["units"]["ja1"],
            students_credited=1,
            students=1,
        )
        evidence = Evidence.objects.create(
            activity=activity, description=f"Bukti {index}", file=pdf_upload()
        )
        if index % 2:
            delete_from_storage(evidence.file)

    assert count() == before
