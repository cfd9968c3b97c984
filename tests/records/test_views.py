"""The register's pages: who sees what, refusals, and fixed query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mitra.core.clock import frozen
from mitra.records import services
from mitra.records.models import DisposalLog, DisposalStatus, PolicyDocument, Record
from tests.agreements.uploads import pdf_upload
from tests.documents.helpers import response_bytes
from tests.factories import AgreementFactory
from tests.records.helpers import hand_record, issue, record_type

LIST = reverse("records:list")
PAST_DAY = datetime.date(2025, 6, 1)


def make_records(users, count):
    for number in range(count):
        hand_record(
            users["office"],
            issued_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=number),
            title=f"Notulen {number}",
        )
        issue(AgreementFactory(), kind="minutes", by=users["office"])


def test_the_register_is_read_by_those_who_read_everything(users, client_for):
    make_records(users, 1)
    for role in ("office", "head", "leader", "auditor", "admin"):
        assert client_for(users[role]).get(LIST).status_code == 200
    assert client_for(users["unit_a"]).get(LIST).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(LIST)
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_list_runs_the_same_queries_for_few_and_many(users, client_for):
    client = client_for(users["auditor"])
    make_records(users, 2)
    client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    make_records(users, 8)
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST)
    assert len(few) == len(many)
    assert "Notulen 7" in response.content.decode()


def test_the_list_filters_and_exports(users, client_for):
    make_records(users, 2)
    client = client_for(users["office"])

    by_type = client.get(LIST, {"type": "minutes", "q": "Notulen 1"})
    assert "Notulen 1" in by_type.content.decode()
    assert "Notulen 0" not in by_type.content.decode()
    with frozen(PAST_DAY):
        past = client.get(LIST, {"state": "past"}).content.decode()
    assert "Notulen 0" in past
    odd = client.get(LIST, {"type": "nope", "year": "x", "state": "\x00", "page": "z"})
    assert odd.status_code == 200
    export = client.get(LIST, {"export": "csv"})
    assert export["Content-Type"].startswith("text/csv")
    assert "Notulen 1" in export.content.decode("utf-8-sig")


def test_a_file_is_registered_through_the_page(users, client_for):
    response = client_for(users["office"]).post(
        reverse("records:register"),
        {
            "record_type": record_type("programme").pk,
            "title": "Program kerja sama 2019",
            "issued_on": "2019-12-20",
            "file": pdf_upload("program.pdf"),
        },
    )
    record = Record.objects.get()
    assert (
        response.status_code == 302
        and response["Location"] == record.get_absolute_url()
    )
    assert record.record_type.code == "programme"

    download = client_for(users["auditor"]).get(
        reverse("records:file", args=[record.pk])
    )
    assert response_bytes(download).startswith(b"%PDF")
    refused = client_for(users["unit_a"]).get(reverse("records:register"))
    assert refused.status_code == 403


def test_the_edit_page_refuses_while_kept_and_saves_after(users, client_for):
    record = hand_record(users["office"])
    client = client_for(users["office"])
    url = reverse("records:edit", args=[record.pk])
    data = {"title": "Judul baru", "storage_location": "Gudang", "note": ""}

    with frozen(datetime.date(2024, 1, 1)):
        response = client.post(url, data)
    assert response.status_code == 200
    assert "14 March 2025" in response.content.decode()
    record.refresh_from_db()
    assert record.title == "Notulen rapat kerja sama"

    with frozen(PAST_DAY):
        assert client.post(url, data).status_code == 302
    record.refresh_from_db()
    assert record.title == "Judul baru"


def test_the_delete_page_is_the_heads_and_refuses_while_kept(users, client_for):
    record = hand_record(users["office"])
    url = reverse("records:delete", args=[record.pk])

    assert client_for(users["office"]).post(url).status_code == 403
    with frozen(datetime.date(2024, 1, 1)):
        refused = client_for(users["head"]).post(url)
    assert refused.status_code == 200
    assert Record.objects.filter(pk=record.pk).exists()

    with frozen(PAST_DAY):
        done = client_for(users["head"]).post(url)
    assert done.status_code == 302
    assert not Record.objects.filter(pk=record.pk).exists()
    assert DisposalLog.objects.get().record_number == record.pk


def test_the_detail_page_shows_the_record_and_its_history(users, client_for):
    record = hand_record(users["office"])
    services.legal_hold_set(record=record, by=users["head"], reason="Audit mutu")

    page = client_for(users["auditor"]).get(record.get_absolute_url()).content.decode()

    assert "Audit mutu" in page
    assert 'id="hold-form"' not in page
    head_page = client_for(users["head"]).get(record.get_absolute_url()).content
    assert b'id="hold-form"' in head_page


def test_the_disposal_pages_build_approve_and_log(users, client_for):
    record = hand_record(users["office"])
    office = client_for(users["office"])

    with frozen(PAST_DAY):
        index = office.get(reverse("records:disposal_index"))
        assert (
            "Build a disposal list" in index.content.decode()
            or index.status_code == 200
        )
        built = office.post(reverse("records:disposal_build"))
        disposal = record.disposal_items.get().disposal_list
        assert built["Location"] == disposal.get_absolute_url()
        detail = office.get(disposal.get_absolute_url()).content.decode()
        assert 'id="approve-form"' not in detail
        archive = office.get(reverse("records:disposal_archive", args=[disposal.pk]))
        assert response_bytes(archive).startswith(b"PK")
        assert (
            office.post(
                reverse("records:disposal_approve", args=[disposal.pk])
            ).status_code
            == 403
        )

        head = client_for(users["head"])
        head.post(reverse("records:disposal_approve", args=[disposal.pk]))
    disposal.refresh_from_db()
    assert disposal.status == DisposalStatus.DISPOSED
    log = head.get(reverse("records:disposal_log")).content.decode()
    assert record.title in log
    export = head.get(reverse("records:disposal_log"), {"export": "csv"})
    assert record.title in export.content.decode("utf-8-sig")


def test_the_record_types_page_and_its_edit(users, client_for):
    page = client_for(users["auditor"]).get(reverse("records:types")).content.decode()
    assert "BO.29.3.1" in page and "FO.28.2.1" in page and "BO.28.1.2" in page

    minutes = record_type("minutes")
    url = reverse("records:type_edit", args=[minutes.pk])
    assert client_for(users["auditor"]).get(url).status_code == 403
    response = client_for(users["office"]).post(
        url,
        {
            "storage_location": "Lemari 3",
            "retention_years": "7",
            "document_kinds": "minutes, x",
        },
    )
    assert response.status_code == 302
    minutes.refresh_from_db()
    assert (minutes.retention_years, minutes.document_kinds) == (7, ["minutes", "x"])


def test_the_admin_is_read_only(users, client_for):
    record = hand_record(users["office"])
    client = client_for(users["admin"])
    change = reverse("admin:records_record_change", args=[record.pk])
    delete = reverse("admin:records_record_delete", args=[record.pk])

    assert client.get(change).status_code == 200
    assert client.post(change, {"title": "Lain"}).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    changelist = client.post(
        reverse("admin:records_record_changelist"),
        {"action": "delete_selected", "_selected_action": [record.pk]},
    )
    assert changelist.status_code in (200, 302)
    record.refresh_from_db()
    assert record.title == "Notulen rapat kerja sama"


# --- Policy pages ------------------------------------------------------------


def test_the_library_pages(users, client_for):
    office = client_for(users["office"])
    response = office.post(
        reverse("records:policy_create"),
        {
            "title": "SOP Inisiasi Kerja Sama",
            "kind": "procedure",
            "version": "1",
            "covers": ["initiation", "satisfaction"],
            "approved_on": "2024-01-10",
            "review_due": "2099-01-10",
            "is_published": "on",
            "file": pdf_upload("sop.pdf"),
        },
    )
    policy = PolicyDocument.objects.get()
    assert response["Location"] == policy.get_absolute_url()

    listing = client_for(users["unit_a"]).get(reverse("records:policies"))
    assert "SOP Inisiasi Kerja Sama" in listing.content.decode()
    assert (
        client_for(users["unit_a"]).get(reverse("records:policy_create")).status_code
        == 403
    )
    download = client_for(users["unit_a"]).get(
        reverse("records:policy_file", args=[policy.pk])
    )
    assert download["Content-Disposition"].startswith("attachment")
    assert (
        'filename="sop-inisiasi-kerja-sama-v1.pdf"' in download["Content-Disposition"]
    )

    office = client_for(users["office"])
    new = office.post(
        reverse("records:policy_new_version", args=[policy.pk]),
        {"version": "2", "approved_on": "2025-01-10", "file": pdf_upload("v2.pdf")},
    )
    assert new.status_code == 302
    detail = office.get(policy.get_absolute_url()).content.decode()
    assert "Version 2" in detail or "Versi 2" in detail


def test_the_library_list_runs_fixed_queries(users, client_for):
    client = client_for(users["office"])

    def add(count):
        for number in range(count):
            services.policy_create(
                by=users["office"],
                title=f"Dokumen {number}",
                kind="policy",
                file=pdf_upload(),
                approved_on=datetime.date(2024, 1, 1),
                covers=["execution"],
            )

    add(2)
    client.get(reverse("records:policies"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("records:policies"))
    add(6)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("records:policies"))
    assert len(few) == len(many)


@pytest.mark.parametrize(
    "name",
    [
        "records:policies",
        "records:types",
        "records:disposal_index",
        "records:disposal_log",
    ],
)
def test_pages_answer_odd_query_strings(users, client_for, name):
    response = client_for(users["head"]).get(
        reverse(name), {"page": "-3", "kind": "zzz", "versions": "\x00", "q": "a" * 500}
    )
    assert response.status_code == 200


def test_the_list_tells_the_versions_of_one_document_apart(users, client_for):
    source = AgreementFactory()
    issue(source, by=users["office"])
    issue(source, by=users["office"])

    page = client_for(users["auditor"]).get(LIST).content.decode()

    assert "Issued in Mitra, version 1" in page
    assert "Issued in Mitra, version 2" in page
