"""Opening, changing, closing and reopening monitoring rounds."""

import datetime
import logging

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mitra.core.clock import frozen
from mitra.core.models import UnitKind
from mitra.documents.models import IssuedDocument
from mitra.monitoring import services
from mitra.monitoring.models import (
    ImplementationStatus,
    MonitoringEntry,
    MonitoringRound,
    PeriodKind,
    RoundStatus,
    period_bounds,
)
from mitra.monitoring.selectors import unassigned_entries
from tests.factories import AgreementFactory, PartnerFactory, UnitFactory, UserFactory
from tests.monitoring.conftest import DUE, REFERENCE, entry_of


@pytest.mark.parametrize(
    ("kind", "year", "start", "end"),
    [
        (PeriodKind.ODD_SEMESTER, 2025, (2025, 8, 1), (2026, 1, 31)),
        (PeriodKind.EVEN_SEMESTER, 2025, (2026, 2, 1), (2026, 7, 31)),
        (PeriodKind.YEAR, 2026, (2026, 1, 1), (2026, 12, 31)),
    ],
)
def test_a_period_runs_over_its_semester_or_year(kind, year, start, end):
    assert period_bounds(kind, year) == (datetime.date(*start), datetime.date(*end))


def test_opening_creates_one_entry_per_agreement_in_force_on_the_reference_date(
    monitoring_round, agreement_a, agreement_b, not_monitored
):
    entries = MonitoringEntry.objects.filter(round=monitoring_round)

    assert {entry.agreement for entry in entries} == {agreement_a, agreement_b}
    assert monitoring_round.status == RoundStatus.OPEN
    assert all(not entry.is_submitted for entry in entries)


def test_entries_go_to_the_responsible_person_else_the_units_staff(
    users, units, monitoring_round, agreement_a, agreement_b
):
    # unit_b is staff of jurusan B; prodi B1's own staff member, and one who left
    b1_staff = UserFactory(username="b1_staff", units=[units["jb1"]])
    UserFactory(username="gone", units=[units["jb1"]], is_active=False)
    late = AgreementFactory(units=[units["jb1"]], number="003/PKS/2024")

    services.round_add_entries(monitoring_round=monitoring_round, by=users["office"])

    assert list(entry_of(monitoring_round, agreement_a).assignees.all()) == [
        users["unit_a"]
    ]
    # prodi B1 had nobody when the round was opened: jurusan B answered for it
    assert list(entry_of(monitoring_round, agreement_b).assignees.all()) == [
        users["unit_b"]
    ]
    # once prodi B1 has staff of its own, they answer for it
    assert list(entry_of(monitoring_round, late).assignees.all()) == [b1_staff]


def test_opening_is_done_in_bulk_whatever_the_number_of_agreements(users, units):
    def open_round(year):
        with CaptureQueriesContext(connection) as queries:
            services.round_open(
                by=users["office"],
                period_kind=PeriodKind.YEAR,
                year=year,
                reference_date=datetime.date(year, 6, 30),
                due_date=datetime.date(year, 7, 31),
            )
        return len(queries)

    for _ in range(2):
        AgreementFactory(units=[units["ja"]], end_date=datetime.date(2029, 1, 1))
    few = open_round(2025)
    for _ in range(20):
        AgreementFactory(units=[units["jb"]], end_date=datetime.date(2029, 1, 1))
    many = open_round(2026)

    assert MonitoringEntry.objects.filter(round__year=2026).count() == 22
    assert many == few


def test_the_title_and_reference_date_have_defaults(users, agreement_a):
    with frozen(datetime.date(2025, 10, 15)):
        running = services.round_open(
            by=users["office"],
            period_kind=PeriodKind.ODD_SEMESTER,
            year=2025,
            due_date=datetime.date(2026, 2, 15),
        )
        past = services.round_open(
            by=users["office"],
            period_kind=PeriodKind.YEAR,
            year=2024,
            due_date=datetime.date(2026, 2, 15),
        )

    assert running.reference_date == datetime.date(2025, 10, 15)
    assert past.reference_date == datetime.date(2024, 12, 31)
    assert "2025/2026" in running.title
    assert "2024" in past.title


def test_one_round_per_period(users, monitoring_round):
    with pytest.raises(ValidationError) as caught:
        services.round_open(
            by=users["office"],
            period_kind=PeriodKind.ODD_SEMESTER,
            year=2025,
            due_date=DUE,
        )

    assert "year" in caught.value.message_dict


def test_a_due_date_before_the_reference_date_is_refused(users):
    with pytest.raises(ValidationError) as caught:
        services.round_open(
            by=users["office"],
            period_kind=PeriodKind.ODD_SEMESTER,
            year=2025,
            reference_date=REFERENCE,
            due_date=REFERENCE - datetime.timedelta(days=1),
        )

    assert "due_date" in caught.value.message_dict
    assert not MonitoringRound.objects.exists()


def test_closing_issues_the_recap_and_reclosing_issues_a_new_version(
    users, monitoring_round, agreement_a
):
    office = users["office"]

    first = services.round_close(monitoring_round=monitoring_round, by=office)
    monitoring_round.refresh_from_db()
    assert monitoring_round.status == RoundStatus.CLOSED
    assert first.kind == "monitoring_recap"
    assert first.version == 1
    assert first.form_number == "BO.28.1.2"
    assert first.snapshot["entry_count"] == 2

    with pytest.raises(ValidationError):
        services.round_close(monitoring_round=monitoring_round, by=office)

    services.round_reopen(monitoring_round=monitoring_round, by=office)
    services.entry_update(
        entry=entry_of(monitoring_round, agreement_a),
        by=users["unit_a"],
        implementation_status=ImplementationStatus.ONGOING,
        submit=True,
    )
    second = services.round_close(monitoring_round=monitoring_round, by=office)

    assert second.version == 2
    assert second.supersedes == first
    assert second.snapshot["submitted_count"] == 1
    assert list(IssuedDocument.objects.of(monitoring_round).current()) == [second]


def test_a_recap_that_cannot_be_printed_leaves_the_round_open(
    users, monitoring_round, monkeypatch
):
    from mitra.documents import services as documents

    def broken(**kwargs):
        raise documents.PrintError("The template failed.")

    monkeypatch.setattr(documents, "render_docx", broken)

    with pytest.raises(ValidationError):
        services.round_close(monitoring_round=monitoring_round, by=users["office"])

    monitoring_round.refresh_from_db()
    assert monitoring_round.is_open
    assert not IssuedDocument.objects.exists()


def test_only_an_unanswered_round_can_be_deleted(users, monitoring_round, agreement_a):
    services.entry_update(
        entry=entry_of(monitoring_round, agreement_a),
        by=users["unit_a"],
        implementation_status=ImplementationStatus.DONE,
        submit=True,
    )
    with pytest.raises(ValidationError):
        services.round_delete(monitoring_round=monitoring_round, by=users["office"])

    other = services.round_open(
        by=users["office"], period_kind=PeriodKind.YEAR, year=2025, due_date=DUE
    )
    services.round_delete(monitoring_round=other, by=users["office"])
    assert not MonitoringRound.objects.filter(pk=other.pk).exists()


# --- Pages -------------------------------------------------------------------


def test_the_office_opens_a_round_from_its_page(users, client_for, agreement_a):
    client = client_for(users["office"])

    response = client.post(
        reverse("monitoring:round_open"),
        {
            "period_kind": "odd",
            "year": "2025",
            "reference_date": "2026-01-31",
            "due_date": "2026-02-20",
            "title": "",
            "notes": "Isi sebelum rapat evaluasi.",
        },
    )

    monitoring_round = MonitoringRound.objects.get()
    assert response.status_code == 302
    assert response.url == monitoring_round.get_absolute_url()
    assert monitoring_round.entries.count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"period_kind": "odd", "year": "", "due_date": "2026-02-20"},
        {"period_kind": "odd", "year": "20x5", "due_date": "2026-02-20"},
        {"period_kind": "weekly", "year": "2025", "due_date": "2026-02-20"},
        {"period_kind": "odd", "year": "2025", "due_date": "31/13/2026"},
        {"period_kind": "odd", "year": "2025", "due_date": "2025-01-01"},
    ],
)
def test_bad_input_shows_the_form_again(users, client_for, data):
    response = client_for(users["office"]).post(reverse("monitoring:round_open"), data)

    assert response.status_code == 400
    assert response.context["form"].errors
    assert not MonitoringRound.objects.exists()


def test_the_same_period_twice_is_a_field_error(users, client_for, monitoring_round):
    response = client_for(users["office"]).post(
        reverse("monitoring:round_open"),
        {"period_kind": "odd", "year": "2025", "due_date": "2026-02-20"},
    )

    assert response.status_code == 400
    assert "year" in response.context["form"].errors


@pytest.mark.parametrize("who", ["unit_a", "leader", "auditor"])
def test_only_the_office_opens_and_closes_rounds(users, client_for, who, agreement_a):
    monitoring_round = services.round_open(
        by=users["office"], period_kind=PeriodKind.YEAR, year=2025, due_date=DUE
    )
    client = client_for(users[who])

    assert client.get(reverse("monitoring:round_open")).status_code == 403
    close = client.post(reverse("monitoring:round_close", args=[monitoring_round.pk]))

    assert close.status_code == (404 if who == "unit_a" else 403)
    monitoring_round.refresh_from_db()
    assert monitoring_round.is_open


def test_unit_staff_see_their_entries_but_not_rounds(
    users, client_for, monitoring_round, agreement_a
):
    client = client_for(users["unit_a"])

    index = client.get(reverse("monitoring:index"))
    detail = client.get(monitoring_round.get_absolute_url())

    assert [entry.agreement for entry in index.context["entries"]] == [agreement_a]
    assert index.context["rounds"] == []
    assert detail.status_code == 404


def test_closing_and_reopening_from_the_round_page(users, client_for, monitoring_round):
    client = client_for(users["office"])

    close = client.post(
        reverse("monitoring:round_close", args=[monitoring_round.pk]), follow=True
    )
    assert close.status_code == 200
    assert len(close.context["versions"]) == 1
    reopen = client.post(
        reverse("monitoring:round_reopen", args=[monitoring_round.pk]), follow=True
    )
    assert reopen.context["round"].is_open


def test_the_round_page_runs_a_fixed_number_of_queries(users, units, client_for):
    client = client_for(users["office"])

    def round_page(year, count):
        for _ in range(count):
            AgreementFactory(
                units=[units["ja1"], units["jb"]], end_date=datetime.date(2029, 1, 1)
            )
        monitoring_round = services.round_open(
            by=users["office"],
            period_kind=PeriodKind.YEAR,
            year=year,
            reference_date=datetime.date(year, 6, 30),
            due_date=datetime.date(year, 7, 31),
        )
        client.get(monitoring_round.get_absolute_url())
        with CaptureQueriesContext(connection) as queries:
            response = client.get(monitoring_round.get_absolute_url())
        assert response.status_code == 200
        return len(queries)

    assert round_page(2025, 2) == round_page(2026, 20)


def test_the_index_runs_a_fixed_number_of_queries(users, client_for, units):
    client = client_for(users["office"])

    def index(year):
        AgreementFactory(units=[units["ja"]], end_date=datetime.date(2029, 1, 1))
        services.round_open(
            by=users["office"],
            period_kind=PeriodKind.YEAR,
            year=year,
            reference_date=datetime.date(year, 6, 30),
            due_date=datetime.date(year, 7, 31),
        )
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("monitoring:index"))
        return len(queries)

    assert index(2025) == index(2026) == index(2027)


# --- Who answers for a unit without staff ------------------------------------


def test_a_unit_without_staff_is_answered_for_by_the_nearest_unit_above(users, units):
    # given prodi A1 (no staff) under jurusan A (unit_a); a prodi with staff of
    # its own; a jurusan whose only member left, under an institution that has
    # someone; and a unit with nobody anywhere above it
    own = UnitFactory(code="JA2", kind=UnitKind.PRODI, parent=units["ja"])
    own_staff = UserFactory(username="ja2_staff", units=[own])
    root_staff = UserFactory(username="root_staff", units=[units["root"]])
    left = UnitFactory(code="JC", kind=UnitKind.JURUSAN, parent=units["root"])
    UserFactory(username="left", units=[left], is_active=False)
    left_prodi = UnitFactory(code="JC1", kind=UnitKind.PRODI, parent=left)
    orphan = UnitFactory(code="LONE", kind=UnitKind.UNIT)
    of_prodi = AgreementFactory(number="010/PKS/2024", units=[units["ja1"]])
    of_own = AgreementFactory(number="011/PKS/2024", units=[own])
    of_two = AgreementFactory(number="012/PKS/2024", units=[units["ja1"], own])
    of_left = AgreementFactory(number="013/PKS/2024", units=[left_prodi])
    of_orphan = AgreementFactory(number="014/PKS/2024", units=[orphan])

    # when a round is opened
    monitoring_round = services.round_open(
        by=users["office"], period_kind=PeriodKind.YEAR, year=2025, due_date=DUE
    )

    # then each entry goes to the staff of the nearest unit that has some
    def assigned(agreement):
        entry = entry_of(monitoring_round, agreement)
        return {user.username for user in entry.assignees.all()}

    assert assigned(of_prodi) == {"unit_a"}
    assert assigned(of_own) == {own_staff.username}
    assert assigned(of_two) == {"unit_a", own_staff.username}
    assert assigned(of_left) == {root_staff.username}
    assert assigned(of_orphan) == set()


def test_assigning_up_the_tree_is_done_in_bulk(users, units):
    def open_round(year, count):
        for _ in range(count):
            AgreementFactory(units=[units["ja1"]], end_date=datetime.date(2029, 1, 1))
        with CaptureQueriesContext(connection) as queries:
            services.round_open(
                by=users["office"],
                period_kind=PeriodKind.YEAR,
                year=year,
                reference_date=datetime.date(year, 6, 30),
                due_date=datetime.date(year, 7, 31),
            )
        return len(queries)

    few = open_round(2025, 2)
    many = open_round(2026, 20)

    assert many == few
    assert set(
        MonitoringEntry.assignees.through.objects.filter(
            monitoringentry__round__year=2026
        ).values_list("user__username", flat=True)
    ) == {"unit_a"}


def test_opening_warns_of_entries_nobody_can_fill(users, client_for, caplog):
    orphan = UnitFactory(code="LONE", kind=UnitKind.UNIT)
    AgreementFactory(
        number="017/MOU/2024", units=[orphan], partner=PartnerFactory(name="PT Sepi")
    )
    client = client_for(users["office"])

    with caplog.at_level(logging.WARNING, logger="mitra.monitoring.services"):
        response = client.post(
            reverse("monitoring:round_open"),
            {"period_kind": "odd", "year": "2025", "due_date": "2026-02-20"},
            follow=True,
        )

    monitoring_round = MonitoringRound.objects.get()
    warnings = [
        str(message)
        for message in response.context["messages"]
        if message.level_tag == "warning"
    ]
    assert len(warnings) == 1
    assert "1 entry has nobody to fill it" in warnings[0]
    assert "017/MOU/2024 — PT Sepi" in warnings[0]
    assert [
        entry.agreement.number for entry in unassigned_entries(monitoring_round)
    ] == ["017/MOU/2024"]
    # the service says so too, for rounds opened without the page
    assert any(
        record.levelno == logging.WARNING and "nobody can fill" in record.getMessage()
        for record in caplog.records
    )

    # adding missing entries later warns again of those still without anyone
    late = AgreementFactory(number="018/MOU/2024", units=[orphan])
    added = client.post(
        reverse("monitoring:round_add_entries", args=[monitoring_round.pk]),
        follow=True,
    )
    warnings = [
        str(message)
        for message in added.context["messages"]
        if message.level_tag == "warning"
    ]
    assert "2 entries have nobody to fill them" in warnings[0]
    assert late.number in warnings[0]


def test_a_round_where_everyone_has_someone_opens_without_a_warning(
    users, client_for, agreement_a, agreement_b
):
    response = client_for(users["office"]).post(
        reverse("monitoring:round_open"),
        {"period_kind": "odd", "year": "2025", "due_date": "2026-02-20"},
        follow=True,
    )

    levels = [message.level_tag for message in response.context["messages"]]
    assert levels == ["success"]


# --- The reference date --------------------------------------------------------


@pytest.mark.parametrize(
    "reference_date",
    [datetime.date(1990, 1, 1), datetime.date(2025, 7, 31), datetime.date(2027, 2, 1)],
)
def test_a_reference_date_outside_the_period_is_refused(users, reference_date):
    with pytest.raises(ValidationError) as caught:
        services.round_open(
            by=users["office"],
            period_kind=PeriodKind.ODD_SEMESTER,
            year=2026,
            reference_date=reference_date,
            due_date=datetime.date(2027, 2, 20),
        )

    assert list(caught.value.message_dict) == ["reference_date"]
    assert not MonitoringRound.objects.exists()


def test_the_period_s_first_and_last_days_are_reference_dates(users):
    for year, reference_date in ((2026, (2026, 8, 1)), (2027, (2028, 1, 31))):
        services.round_open(
            by=users["office"],
            period_kind=PeriodKind.ODD_SEMESTER,
            year=year,
            reference_date=datetime.date(*reference_date),
            due_date=datetime.date(2028, 2, 20),
        )

    assert MonitoringRound.objects.count() == 2


def test_the_page_shows_a_reference_date_outside_the_period_on_its_field(
    users, client_for
):
    response = client_for(users["office"]).post(
        reverse("monitoring:round_open"),
        {
            "period_kind": "odd",
            "year": "2026",
            "reference_date": "1990-01-01",
            "due_date": "2027-02-20",
        },
    )

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["reference_date"]
    assert "1 August 2026" in errors["reference_date"][0]
    assert "31 January 2027" in errors["reference_date"][0]
    assert not MonitoringRound.objects.exists()


# --- Closing asks first --------------------------------------------------------


def test_closing_shows_what_is_submitted_before_closing(
    users, client_for, monitoring_round, agreement_a
):
    services.entry_update(
        entry=entry_of(monitoring_round, agreement_a),
        by=users["unit_a"],
        implementation_status=ImplementationStatus.DONE,
        submit=True,
    )
    client = client_for(users["office"])
    url = reverse("monitoring:round_close", args=[monitoring_round.pk])

    # when the office asks to close, it is shown the count, nothing is closed
    page = client.get(url)
    monitoring_round.refresh_from_db()
    assert page.status_code == 200
    assert monitoring_round.is_open
    assert not IssuedDocument.objects.exists()
    assert page.context["totals"]["submitted"] == 1
    assert page.context["totals"]["pending"] == 1
    content = page.content.decode()
    assert '<dd class="col-sm-7" data-figure="submitted">1 / 2 (50%)</dd>' in content
    assert '<dd class="col-sm-7" data-figure="pending">1</dd>' in content
    detail = client.get(monitoring_round.get_absolute_url()).content.decode()
    assert f'href="{url}"' in detail

    # then confirming closes it and issues the recap
    closed = client.post(url)
    monitoring_round.refresh_from_db()
    assert closed.status_code == 302
    assert not monitoring_round.is_open
    assert IssuedDocument.objects.of(monitoring_round).count() == 1
    # and a closed round's page says so, with nothing to confirm
    again = client.get(url)
    assert again.status_code == 200
    assert 'id="confirm-close"' not in again.content.decode()


@pytest.mark.parametrize(("who", "status"), [("unit_a", 404), ("leader", 403)])
def test_only_the_office_sees_the_closing_page(
    users, client_for, monitoring_round, who, status
):
    url = reverse("monitoring:round_close", args=[monitoring_round.pk])

    assert client_for(users[who]).get(url).status_code == status


@pytest.mark.indonesian
def test_the_closing_page_reads_in_indonesian(users, client_for, monitoring_round):
    url = reverse("monitoring:round_close", args=[monitoring_round.pk])

    content = client_for(users["office"]).get(url).content.decode()

    for text in ("Isian diserahkan", "Belum diserahkan", "Tutup dan terbitkan rekap"):
        assert text in content
