"""Records registered automatically when issued, and files registered by hand."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from mitra.core.clock import frozen
from mitra.documents.registry import FormDefinition, Variable, register, unregister
from mitra.documents.services import issue_document
from mitra.records import services
from mitra.records.models import Record
from tests.agreements.uploads import fake_pdf_upload, pdf_upload
from tests.documents.helpers import make_docx
from tests.factories import AgreementFactory
from tests.records.helpers import hand_record, issue, record_type


@pytest.fixture
def minutes_form(tmp_path):
    """A printed form of minutes of our own, registered for the test."""
    template = tmp_path / "test_minutes.docx"
    template.write_bytes(make_docx("{{ form_title }}: {{ place }}"))
    form = register(
        FormDefinition(
            code="test_record_minutes",
            title="Notulen uji",
            form_number="BO.29.3.1",
            source_model="agreements.Agreement",
            variables=[Variable.text("place", "Where")],
            build=lambda agreement, *, user: {"place": "Ruang rapat"},
            default_template=template,
        )
    )
    yield form
    unregister(form.code)


def test_it_registers_an_issued_document_of_a_mapped_kind(users, minutes_form):
    # given the minutes record type lists our form's kind (the mapping is data)
    minutes = record_type("minutes")
    minutes.document_kinds = [*minutes.document_kinds, minutes_form.code]
    minutes.save()
    agreement = AgreementFactory()

    # when the office issues the form
    moment = datetime.datetime(2025, 3, 4, 20, 0, tzinfo=datetime.UTC)
    with frozen(moment):
        document = issue_document(
            kind=minutes_form.code,
            source=agreement,
            context=None,
            by=users["office"],
            title="Notulen rapat 4 Maret",
        )

    # then it is a record, dated the day of issue in Jakarta (already the 5th)
    record = Record.objects.get(document=document)
    assert record.record_type == minutes
    assert record.issued_on == datetime.date(2025, 3, 5)
    assert record.retain_until == datetime.date(2030, 3, 4)
    assert record.title == "Notulen rapat 4 Maret"
    assert record.storage_location == minutes.storage_location
    assert record.registered_by == users["office"]


def test_every_version_issued_is_a_record_of_its_own(users, units):
    agreement = AgreementFactory()

    first = issue(agreement, kind="minutes", by=users["office"])
    second = issue(agreement, kind="minutes", by=users["office"])

    assert Record.objects.filter(document__in=[first, second]).count() == 2


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("needs_mapping", "mapping"),
        ("survey_result", "satisfaction_survey"),
        ("evaluation_report", "evaluation_report"),
        ("minutes", "minutes"),
        ("programme", "programme"),
        ("monitoring_recap", "monitoring_recap"),
    ],
)
def test_the_six_kinds_of_the_procedure_are_mapped(kind, code, users):
    document = issue(AgreementFactory(), kind=kind, by=users["office"])

    assert Record.objects.get(document=document).record_type.code == code


def test_a_form_may_name_its_record_type(users, minutes_form):
    unregister(minutes_form.code)
    register(
        FormDefinition(
            code=minutes_form.code,
            title=minutes_form.title,
            variables=minutes_form.variables,
            build=minutes_form.build,
            source_model=minutes_form.source_model,
            default_template=minutes_form.default_template,
            record_type="programme",
        )
    )

    document = issue(AgreementFactory(), kind=minutes_form.code, by=users["office"])

    assert Record.objects.get(document=document).record_type.code == "programme"


def test_other_issued_documents_are_not_records(users):
    document = issue(AgreementFactory(), kind="agreement_summary", by=users["office"])

    assert not Record.objects.filter(document=document).exists()


def test_registering_twice_keeps_one_record(users):
    document = issue(AgreementFactory(), kind="minutes", by=users["office"])

    again = services.register_issued_document(document=document)

    assert Record.objects.filter(document=document).get() == again


def test_a_file_registered_by_hand_keeps_its_name_and_checksum(users):
    record = hand_record(users["office"], title="  Rekap   monitoring 2020 ")

    assert record.title == "Rekap monitoring 2020"
    assert record.original_name == "notulen.pdf"
    assert len(record.checksum) == 64
    assert record.document is None
    assert record.registered_by == users["office"]


def test_a_file_whose_content_is_not_accepted_is_refused(users):
    with pytest.raises(ValidationError) as refusal:
        services.record_register(
            record_type=record_type("minutes"),
            title="Notulen",
            issued_on=datetime.date(2024, 1, 5),
            file=fake_pdf_upload("notulen.pdf"),
            by=users["office"],
        )

    assert "file" in refusal.value.message_dict
    assert not Record.objects.exists()


def test_a_date_of_issue_in_the_future_is_refused(users):
    with frozen(datetime.date(2024, 1, 5)), pytest.raises(ValidationError) as refusal:
        services.record_register(
            record_type=record_type("minutes"),
            title="Notulen",
            issued_on=datetime.date(2024, 1, 6),
            file=pdf_upload(),
            by=users["office"],
        )

    assert "issued_on" in refusal.value.message_dict


def test_a_record_dated_before_1950_is_a_typing_mistake(users):
    with pytest.raises(ValidationError) as refused:
        hand_record(users["office"], issued_on=datetime.date(1, 1, 1))

    assert "issued_on" in refused.value.message_dict
