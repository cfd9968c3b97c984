"""The rules on agreements, activities and evidence, enforced by the services."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from mitra.agreements import services
from mitra.agreements.models import (
    Agreement,
    DocumentType,
    Evidence,
    Participation,
    Status,
    Validity,
)
from mitra.core.fields import Scope
from tests.agreements.uploads import fake_pdf_upload, pdf_upload
from tests.factories import (
    ActivityFactory,
    AgreementFactory,
    ContactFactory,
    PartnerFactory,
)

D = datetime.date


def create(by, partner, **values):
    values.setdefault("document_type", DocumentType.MOU)
    values.setdefault("title", "Kerja sama contoh")
    return services.agreement_create(by=by, partner=partner, **values)


def errors_of(excinfo):
    return excinfo.value.message_dict


def test_it_records_a_draft_without_a_number(users, partner):
    first = create(users["office"], partner).agreement
    second = create(users["office"], partner).agreement

    assert first.number is None and second.number is None
    assert first.status == Status.DRAFT
    assert first.created_by == users["office"]


def test_it_refuses_a_number_already_taken_whatever_its_case(users, partner):
    create(users["office"], partner, number="001/PL/2024")

    with pytest.raises(ValidationError) as excinfo:
        create(users["office"], partner, number=" 001/pl/2024 ")

    assert "number" in errors_of(excinfo)
    assert Agreement.objects.count() == 1


def test_it_keeps_the_own_number_on_update(users, partner):
    agreement = create(users["office"], partner, number="001/PL/2024").agreement

    result = services.agreement_update(
        agreement=agreement, by=users["office"], number="001/PL/2024", title="Baru"
    )

    assert result.changed
    assert Agreement.objects.get().title == "Baru"


def test_it_refuses_an_end_before_the_start(users, partner):
    with pytest.raises(ValidationError) as excinfo:
        create(
            users["office"],
            partner,
            start_date=D(2024, 5, 1),
            end_date=D(2024, 4, 30),
        )

    assert "end_date" in errors_of(excinfo)


def test_it_needs_a_start_date_for_a_signed_agreement(users, partner):
    with pytest.raises(ValidationError) as excinfo:
        create(users["office"], partner, status=Status.SIGNED, number="9/2024")

    assert "start_date" in errors_of(excinfo)


def test_it_puts_an_moa_under_mous(users, partner, mou):
    other_mou = AgreementFactory(document_type=DocumentType.MOU, partner=partner)

    result = create(
        users["office"],
        partner,
        document_type=DocumentType.MOA,
        parents=[mou, other_mou],
    )

    assert set(result.agreement.parents.all()) == {mou, other_mou}


def test_it_refuses_an_moa_under_an_ia(users, partner):
    ia = AgreementFactory(document_type=DocumentType.IA, partner=partner)

    with pytest.raises(ValidationError) as excinfo:
        create(users["office"], partner, document_type=DocumentType.MOA, parents=[ia])

    assert "parents" in errors_of(excinfo)


def test_it_needs_a_reason_for_an_moa_without_mou(users, partner):
    with pytest.raises(ValidationError) as excinfo:
        create(users["office"], partner, document_type=DocumentType.MOA)
    assert "no_parent_reason" in errors_of(excinfo)

    result = create(
        users["office"],
        partner,
        document_type=DocumentType.MOA,
        no_parent_reason="Kerja sama langsung dengan industri",
    )
    assert result.agreement.pk


def test_it_puts_an_ia_only_under_an_moa(users, partner, mou):
    moa = AgreementFactory(document_type=DocumentType.MOA, partner=partner)

    assert create(
        users["office"], partner, document_type=DocumentType.IA, parents=[moa]
    ).agreement.pk
    with pytest.raises(ValidationError) as excinfo:
        create(users["office"], partner, document_type=DocumentType.IA, parents=[mou])
    assert "parents" in errors_of(excinfo)


def test_it_refuses_a_parent_for_an_mou(users, partner, mou):
    with pytest.raises(ValidationError) as excinfo:
        create(users["office"], partner, parents=[mou])

    assert "parents" in errors_of(excinfo)


def test_it_lets_an_addendum_amend_exactly_one_agreement(users, partner, mou):
    moa = AgreementFactory(document_type=DocumentType.MOA, partner=partner)

    assert create(
        users["office"], partner, document_type=DocumentType.ADDENDUM, parents=[moa]
    ).agreement.pk
    with pytest.raises(ValidationError) as excinfo:
        create(
            users["office"],
            partner,
            document_type=DocumentType.ADDENDUM,
            parents=[moa, mou],
        )
    assert "parents" in errors_of(excinfo)


def test_it_refuses_parents_that_make_a_loop(users, partner):
    # given two "other" documents, the second under the first
    first = create(users["office"], partner, document_type=DocumentType.OTHER)
    second = create(
        users["office"],
        partner,
        document_type=DocumentType.OTHER,
        parents=[first.agreement],
    )

    # when the first is put under the second
    with pytest.raises(ValidationError) as excinfo:
        services.agreement_update(
            agreement=first.agreement, by=users["office"], parents=[second.agreement]
        )

    # then it is refused
    assert "parents" in errors_of(excinfo)


def test_it_warns_when_a_child_outlives_its_parent(users, partner, mou):
    result = create(
        users["office"],
        partner,
        document_type=DocumentType.MOA,
        number="5/PKS/2024",
        status=Status.SIGNED,
        parents=[mou],
        start_date=D(2024, 1, 1),
        end_date=D(2027, 1, 1),
    )

    assert result.agreement.pk
    assert len(result.warnings) == 1
    assert "001/MOU/2020" in result.warnings[0]
    assert services.agreement_warnings(mou)


def test_it_gives_no_warning_when_the_child_ends_in_time(users, partner, mou):
    result = create(
        users["office"],
        partner,
        document_type=DocumentType.MOA,
        status=Status.SIGNED,
        parents=[mou],
        start_date=D(2021, 1, 1),
        end_date=D(2025, 12, 31),
    )

    assert result.warnings == []


def test_it_takes_the_partners_scope_when_none_is_given(users):
    partner = PartnerFactory(scope=Scope.INTERNATIONAL)

    agreement = create(users["office"], partner).agreement

    assert agreement.scope == ""
    assert agreement.effective_scope == Scope.INTERNATIONAL
    annotated = Agreement.objects.with_effective_scope().get(pk=agreement.pk)
    assert annotated.effective_scope_value == Scope.INTERNATIONAL


def test_it_records_an_agreement_that_ended_long_ago(users, partner):
    result = create(
        users["office"],
        partner,
        number="12/MOU/2010",
        status=Status.SIGNED,
        start_date=D(2010, 3, 1),
        end_date=D(2015, 2, 28),
        signed_on=D(2010, 3, 1),
    )

    assert result.agreement.validity_on(D(2025, 1, 1)) == Validity.EXPIRED


def test_it_refuses_a_contact_of_another_partner(users, partner):
    contact = ContactFactory()

    with pytest.raises(ValidationError) as excinfo:
        create(users["office"], partner, partner_contact=contact)

    assert "partner_contact" in errors_of(excinfo)


def test_it_refuses_a_signed_file_that_is_not_a_pdf(users, partner):
    with pytest.raises(ValidationError) as excinfo:
        create(users["office"], partner, signed_file=fake_pdf_upload())

    assert "signed_file" in errors_of(excinfo)


def test_it_stores_a_signed_pdf(users, partner):
    agreement = create(users["office"], partner, signed_file=pdf_upload()).agreement

    assert agreement.signed_file.name.endswith(".pdf")
    assert agreement.signed_file.read().startswith(b"%PDF-")


def test_it_lets_a_unit_user_add_only_the_units_they_act_for(users, units, partner):
    with pytest.raises(ValidationError) as excinfo:
        create(users["unit_a"], partner, units=[units["ja"], units["jb"]])
    assert "units" in errors_of(excinfo)

    result = create(users["unit_a"], partner, units=[units["ja1"]])
    assert list(result.agreement.units.all()) == [units["ja1"]]


def test_it_lets_a_unit_user_keep_another_units_share(users, units, partner):
    # given an agreement shared by jurusan A and B
    agreement = AgreementFactory(partner=partner, units=[units["ja"], units["jb"]])

    # when jurusan A's staff save it with both units
    result = services.agreement_update(
        agreement=agreement, by=users["unit_a"], units=[units["ja"], units["jb"]]
    )

    # then nothing is refused and nothing changed
    assert not result.changed


def test_it_writes_nothing_when_nothing_changes(users, partner):
    agreement = create(users["office"], partner, number="7/2024").agreement
    versions = agreement.history.count()

    result = services.agreement_update(
        agreement=agreement,
        by=users["office"],
        number="7/2024",
        title="Kerja sama contoh",
        parents=[],
        units=[],
    )

    assert not result.changed
    assert agreement.history.count() == versions


def test_it_records_who_changed_what(users, partner):
    agreement = create(users["office"], partner).agreement

    services.agreement_update(agreement=agreement, by=users["head"], title="Judul baru")

    latest = agreement.history.order_by("-history_date").first()
    assert latest.history_user == users["head"]
    assert latest.title == "Judul baru"


def test_it_leaves_the_agreement_as_it_was_when_refused(users, partner):
    agreement = create(users["office"], partner, title="Asli").agreement

    with pytest.raises(ValidationError):
        services.agreement_update(
            agreement=agreement, by=users["office"], title="Baru", status="bogus"
        )

    assert agreement.title == "Asli"
    assert Agreement.objects.get().title == "Asli"


def test_it_refuses_unknown_fields(users, partner):
    with pytest.raises(TypeError):
        create(users["office"], partner, colour="blue")


def test_it_refuses_an_agreement_renewing_itself_through_a_chain(users, partner):
    older = create(users["office"], partner).agreement
    newer = create(users["office"], partner, renews=older).agreement

    with pytest.raises(ValidationError) as excinfo:
        services.agreement_update(agreement=older, by=users["office"], renews=newer)

    assert "renews" in errors_of(excinfo)


def test_it_deletes_only_drafts(users, partner):
    draft = create(users["office"], partner).agreement
    signed = AgreementFactory(partner=partner)

    services.agreement_delete(agreement=draft, by=users["office"])
    with pytest.raises(ValidationError):
        services.agreement_delete(agreement=signed, by=users["office"])

    assert list(Agreement.objects.all()) == [signed]


# --- Activities -------------------------------------------------------------


def test_it_records_an_activity_with_counts_per_study_programme(users, units):
    agreement = AgreementFactory(units=[units["ja"]])

    activity = services.activity_create(
        agreement=agreement,
        by=users["unit_a"],
        title="Magang semester genap",
        start_date=D(2024, 2, 1),
        end_date=D(2024, 7, 31),
        participations=[
            {"unit": units["ja1"], "students": 12, "students_credited": 10},
            {"unit": units["jb1"], "students": 3, "certificates": 3},
        ],
    )

    rows = {row.unit.code: row for row in activity.participations.all()}
    assert rows["JA1"].students_credited == 10
    assert rows["JB1"].certificates == 3
    assert rows["JB1"].lecturers == 0


def test_it_counts_participants_only_for_study_programmes(users, units):
    activity = ActivityFactory()

    with pytest.raises(ValidationError):
        services.participations_set(
            activity=activity, by=users["office"], rows=[{"unit": units["ja"]}]
        )

    assert not Participation.objects.exists()


def test_it_refuses_more_credited_students_than_students(users, units):
    activity = ActivityFactory()

    with pytest.raises(ValidationError):
        services.participations_set(
            activity=activity,
            by=users["office"],
            rows=[{"unit": units["ja1"], "students": 2, "students_credited": 5}],
        )


def test_it_replaces_the_participation_rows(users, units):
    # given an activity with counts for two programmes
    activity = ActivityFactory()
    services.participations_set(
        activity=activity,
        by=users["office"],
        rows=[
            {"unit": units["ja1"], "students": 4},
            {"unit": units["jb1"], "students": 5},
        ],
    )

    # when only one programme is kept, with a new count
    services.participations_set(
        activity=activity,
        by=users["office"],
        rows=[{"unit": units["jb1"], "students": 6}],
    )

    # then the other row is gone
    assert [(row.unit.code, row.students) for row in activity.participations.all()] == [
        ("JB1", 6)
    ]


def test_it_refuses_an_activity_ending_before_it_starts(users):
    agreement = AgreementFactory()

    with pytest.raises(ValidationError) as excinfo:
        services.activity_create(
            agreement=agreement,
            by=users["office"],
            title="Kuliah tamu",
            start_date=D(2024, 5, 2),
            end_date=D(2024, 5, 1),
        )

    assert "end_date" in errors_of(excinfo)


def test_it_updates_and_deletes_an_activity(users):
    activity = ActivityFactory(title="Lama")

    services.activity_update(activity=activity, by=users["office"], title="Baru")
    activity.refresh_from_db()
    assert activity.title == "Baru"

    services.activity_delete(activity=activity, by=users["office"])
    assert not type(activity).objects.exists()


def test_it_stores_evidence_checked_by_content(users):
    activity = ActivityFactory()

    evidence = services.evidence_add(
        activity=activity, by=users["office"], description="Laporan", file=pdf_upload()
    )
    with pytest.raises(ValidationError) as excinfo:
        services.evidence_add(
            activity=activity,
            by=users["office"],
            description="Foto",
            file=fake_pdf_upload("foto.png"),
        )

    assert "file" in errors_of(excinfo)
    assert list(Evidence.objects.all()) == [evidence]
    services.evidence_delete(evidence=evidence, by=users["office"])
    assert not Evidence.objects.exists()


def test_it_sums_participation_rows(units):
    rows = [
        Participation(unit=units["ja1"], students=3, certificates=1),
        {"students": 2, "students_credited": 1, "certificates": 0, "lecturers": 4},
    ]

    assert services.participation_totals(rows) == {
        "students": 5,
        "students_credited": 1,
        "certificates": 1,
        "lecturers": 4,
    }
