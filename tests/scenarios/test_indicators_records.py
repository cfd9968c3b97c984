"""Acceptance of the records register and the public site (issue 7, items 4-5).

* Deleting or editing a record still within its retention is refused through
  the page, the admin, bulk writes (the paths an import takes:
  QuerySet.update, QuerySet.delete, bulk_update) and the service functions.
* The public pages show nothing a logged-out visitor may not see: no partner
  whose agreements are all drafts, in negotiation, terminated or not started,
  no contact, no internal note, no unpublished document.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from mitra.agreements.models import Status
from mitra.core.clock import frozen
from mitra.core.fields import Scope
from mitra.records import services
from mitra.records.models import Record
from tests.agreements.uploads import pdf_upload
from tests.factories import AgreementFactory, ContactFactory, PartnerFactory
from tests.records.helpers import hand_record, issue

KEPT_DAY = datetime.date(2024, 6, 1)


@pytest.fixture
def kept_records(users):
    """A record registered by hand and one issued in Mitra, both still kept."""
    by_hand = hand_record(
        users["office"], issued_on=datetime.date(2022, 2, 1), title="Notulen 2022"
    )
    with frozen(datetime.date(2022, 3, 1)):
        document = issue(AgreementFactory(), kind="minutes", by=users["office"])
    return [by_hand, Record.objects.get(document=document)]


def assert_unchanged(records):
    for record in records:
        stored = Record.objects.get(pk=record.pk)
        assert stored.title == record.title
        assert stored.issued_on == record.issued_on


def test_a_kept_record_is_neither_edited_nor_deleted_through_the_pages(
    kept_records, users, client_for
):
    for record in kept_records:
        with frozen(KEPT_DAY):
            edit = client_for(users["office"]).post(
                reverse("records:edit", args=[record.pk]),
                {"title": "Diubah", "storage_location": "Gudang"},
            )
            delete = client_for(users["head"]).post(
                reverse("records:delete", args=[record.pk])
            )
        assert edit.status_code == 200
        assert edit.context["form"].non_field_errors()
        assert record.retain_until.strftime("%Y") in edit.content.decode()
        assert delete.status_code == 200 and 'id="refusal"' in delete.content.decode()
    assert_unchanged(kept_records)


def test_a_kept_record_is_neither_edited_nor_deleted_through_the_admin(
    kept_records, users, client_for
):
    admin = client_for(users["admin"])
    for record in kept_records:
        change = reverse("admin:records_record_change", args=[record.pk])
        delete = reverse("admin:records_record_delete", args=[record.pk])
        assert admin.post(change, {"title": "Diubah"}).status_code == 403
        assert admin.post(delete, {"post": "yes"}).status_code == 403
    admin.post(
        reverse("admin:records_record_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [record.pk for record in kept_records],
            "post": "yes",
        },
    )
    assert_unchanged(kept_records)


def test_a_kept_record_is_neither_edited_nor_deleted_by_bulk_writes(kept_records):
    pks = [record.pk for record in kept_records]
    with frozen(KEPT_DAY):
        with pytest.raises(ValidationError):
            Record.objects.filter(pk__in=pks).update(title="Diimpor")
        with pytest.raises(ValidationError):
            Record.objects.filter(pk__in=pks).delete()
        for record in kept_records:
            record.title = "Diimpor"
        with pytest.raises(ValidationError), transaction.atomic():
            Record.objects.bulk_update(kept_records, ["title"])
        with pytest.raises(ValidationError):
            kept_records[0].save()
        with pytest.raises(ValidationError):
            kept_records[1].delete()
    for record in kept_records:
        record.refresh_from_db()
    assert_unchanged(kept_records)


def test_a_kept_record_is_neither_edited_nor_deleted_by_the_services(
    kept_records, users
):
    with frozen(KEPT_DAY):
        for record in kept_records:
            with pytest.raises(ValidationError):
                services.record_update(
                    record=record, by=users["head"], title="X", storage_location="Y"
                )
            with pytest.raises(ValidationError):
                services.record_delete(record=record, by=users["head"])
            with pytest.raises(ValidationError):
                services.disposal_list_build(by=users["head"], records=[record])
        with pytest.raises(ValidationError):
            services.disposal_list_build(by=users["head"])
    assert_unchanged(kept_records)


# --- The public site ----------------------------------------------------------

SECRETS = [
    # partners without an agreement in force
    "PT Masih Draf",
    "CV Sedang Negosiasi",
    "PT Sudah Diputus",
    "PT Belum Mulai",
    # draft agreements and agreement details
    "Draf Kerja Sama Rahasia",
    "Judul Perjanjian Internal",
    "NOMOR/RAHASIA/2024",
    "Ir. Penandatangan Mitra",
    # contacts
    "Budi Kontak Rahasia",
    "budi.kontak@terbuka.test",
    "0812-7777-0000",
    # the partner's own contact data and internal notes
    "rahasia@terbuka.test",
    "0778-123-SECRET",
    "Jl. Rahasia No. 9",
    "CATATAN-RAHASIA-MITRA",
    "CATATAN-PERJANJIAN-INTERNAL",
    # documents not published
    "Kebijakan Belum Terbit",
    "Draf Prosedur Monitoring",
]


@pytest.fixture
def public_fixture(users):
    open_partner = PartnerFactory(
        name="PT Terbuka Jaya",
        email="rahasia@terbuka.test",
        phone="0778-123-SECRET",
        address="Jl. Rahasia No. 9",
        notes="CATATAN-RAHASIA-MITRA",
        scope=Scope.NATIONAL,
    )
    contact = ContactFactory(
        partner=open_partner,
        name="Budi Kontak Rahasia",
        email="budi.kontak@terbuka.test",
        phone="0812-7777-0000",
    )
    AgreementFactory(
        partner=open_partner,
        title="Judul Perjanjian Internal",
        number="NOMOR/RAHASIA/2024",
        notes="CATATAN-PERJANJIAN-INTERNAL",
        partner_signatory_name="Ir. Penandatangan Mitra",
        partner_contact=contact,
        start_date=datetime.date(2024, 1, 1),
        end_date=datetime.date(2027, 12, 31),
    )
    for name, status, start in [
        ("PT Masih Draf", Status.DRAFT, datetime.date(2024, 1, 1)),
        ("CV Sedang Negosiasi", Status.NEGOTIATION, datetime.date(2024, 1, 1)),
        ("PT Sudah Diputus", Status.TERMINATED, datetime.date(2024, 1, 1)),
        ("PT Belum Mulai", Status.SIGNED, datetime.date(2030, 1, 1)),
    ]:
        AgreementFactory(
            partner=PartnerFactory(name=name, notes="CATATAN-RAHASIA-MITRA"),
            status=status,
            number=None,
            title="Draf Kerja Sama Rahasia",
            notes="CATATAN-PERJANJIAN-INTERNAL",
            start_date=start,
            end_date=None,
        )
    published = services.policy_create(
        by=users["office"],
        title="SOP Kerja Sama Terbit",
        kind="procedure",
        file=pdf_upload(),
        approved_on=datetime.date(2024, 1, 1),
        is_published=True,
    )
    services.policy_create(
        by=users["office"],
        title="Kebijakan Belum Terbit",
        kind="policy",
        file=pdf_upload(),
        approved_on=datetime.date(2024, 1, 1),
    )
    services.policy_create(
        by=users["office"],
        title="Draf Prosedur Monitoring",
        kind="procedure",
        file=pdf_upload(),
    )
    return {"partner": open_partner, "policy": published}


def public_pages():
    partners = reverse("public:partners")
    return [
        "/",
        reverse("public:home"),
        partners,
        f"{partners}?scope=national",
        f"{partners}?q=Draf",
        f"{partners}?country=Indonesia&page=2",
        reverse("public:policies"),
    ]


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_public_pages_show_nothing_a_visitor_may_not_see(
    client, public_fixture, language
):
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    seen = {}
    with frozen(datetime.date(2025, 6, 1)):
        for url in public_pages():
            response = client.get(url)
            assert response.status_code == 200, url
            seen[url] = response.content.decode()

    for url, html in seen.items():
        leaked = [secret for secret in SECRETS if secret in html]
        assert leaked == [], f"{url} shows {leaked}"
    # what is public does appear
    assert "PT Terbuka Jaya" in seen[reverse("public:partners")]
    assert "SOP Kerja Sama Terbit" in seen[reverse("public:policies")]
