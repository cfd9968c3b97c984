"""Acceptance of proof for auditors (issue 7).

Sections: the indicators, the LKPS table and the ministry indicator; the
records register and the public site.
"""

import datetime
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from pypdf import PdfReader

from mitra.agreements.models import Status
from mitra.core.clock import frozen
from mitra.core.fields import Scope
from mitra.documents.models import IssuedDocument
from mitra.records import services
from mitra.records.models import Record
from mitra.reports.lkps import lkps_table
from mitra.reports.ministry import ministry_indicator
from mitra.reports.models import Indicator, RuleSet
from tests.agreements.uploads import pdf_upload
from tests.factories import AgreementFactory, ContactFactory, PartnerFactory
from tests.records.helpers import hand_record, issue
from tests.reports.indicators_data import YEAR, build_world, day

# --- Acceptance of issue 7 items 1 to 3: the accreditation table's rows, the ---

TODAY = day("2025-03-01")


@pytest.fixture
def world(units):
    return build_world(units)


def _rows(table):
    return [
        (
            row.agreement.pk,
            row.partner,
            row.ticks(),
            row.end_year,
            row.via_department,
        )
        for row in table.rows
    ]


def test_lkps_rows_equal_the_hand_computed_table(world, users):
    # given the agreements of prodi JA1 and of its jurusan JA
    a = world["agreements"]
    tick = "√"

    # when the table is produced for TS = 2024 (2022 to 2024)
    with frozen(TODAY):
        result = lkps_table(
            programme=world["units"]["ja1"], ts=YEAR, user=users["office"]
        )

    # then the rows are those computed by hand, in the three sub-tables
    education, research, service = result.tables
    assert [education.code, research.code, service.code] == ["1-1", "1-2", "1-3"]
    assert _rows(education) == [
        (a["A1"].pk, "Bank Pembangunan Asia", [tick, "", ""], "2026", False),
        (a["A2"].pk, "Dinas Pendidikan Kota", ["", "", tick], "2025", False),
        (a["A11"].pk, "Universitas Mitra Jaya", [tick, "", ""], "-", True),
        (a["A5"].pk, "Yayasan Peduli", ["", tick, ""], "2025", False),
    ]
    assert _rows(research) == [
        (a["A2"].pk, "Dinas Pendidikan Kota", ["", "", tick], "2025", False)
    ]
    assert _rows(service) == [
        (a["A8"].pk, "PT Industri Maju", ["", tick, ""], "2023", False)
    ]
    assert result.unclassified == [a["A10"]]
    first = education.rows[0]
    assert first.benefit == "Mahasiswa mengenal dunia kerja"
    assert [activity.title for activity in first.activities] == [
        "Magang industri",
        "Kelas transfer kredit",
    ]
    assert education.rows[1].activities == []  # JB1's seminar is not JA1's
    assert education.rows[3].benefit == "Pengakuan SKS magang"
    assert first.evidence_url == reverse("agreements:signed_file", args=[a["A1"].pk])


@pytest.mark.parametrize(
    ("window", "numerator", "denominator", "value", "per_programme"),
    [
        (
            "signed",
            Decimal("1.5"),
            5,
            Decimal("0.30"),
            {
                "JA1": Decimal("1.0"),
                "JA2": 0,
                "JB1": 0,
                "JB3": Decimal("0.5"),
                "JC1": 0,
            },
        ),
        (
            "in_force",
            Decimal("2.85"),
            5,
            Decimal("0.57"),
            {
                "JA1": Decimal("2.05"),
                "JA2": 0,
                "JB1": Decimal("0.3"),
                "JB3": Decimal("0.5"),
                "JC1": 0,
            },
        ),
    ],
)
def test_the_2023_indicator_with_each_counting_window(
    world, users, window, numerator, denominator, value, per_programme
):
    rule_set = RuleSet.objects.get(code="iku31-2023")
    rule_set.counting_window = window
    rule_set.save()

    result = ministry_indicator(year=YEAR, user=users["office"], rule_set=rule_set)

    assert result.window == window
    assert (result.numerator, result.denominator, result.value) == (
        numerator,
        denominator,
        value,
    )
    assert {f.unit.code: f.value for f in result.programmes} == per_programme


def test_the_2023_window_defaults_to_the_installation_setting(world, users, settings):
    rule_set = RuleSet.objects.get(code="iku31-2023")
    assert rule_set.counting_window == ""

    settings.MITRA_IKU_2023_WINDOW = "in_force"
    in_force = ministry_indicator(year=YEAR, user=users["office"], rule_set=rule_set)
    settings.MITRA_IKU_2023_WINDOW = "signed"
    signed = ministry_indicator(year=YEAR, user=users["office"], rule_set=rule_set)

    assert (in_force.value, signed.value) == (Decimal("0.57"), Decimal("0.30"))


def test_the_2023_indicator_never_counts_an_mou(world, users):
    rule_set = RuleSet.objects.get(code="iku31-2023")

    result = ministry_indicator(
        year=YEAR, user=users["office"], rule_set=rule_set, window="in_force"
    )

    ja2 = next(f for f in result.programmes if f.unit.code == "JA2")
    assert ja2.agreements == []  # A3 is an MoU with a weighted partner


def test_the_2021_indicator(world, users):
    rule_set = RuleSet.objects.get(code="iku6-2021")

    result = ministry_indicator(year=YEAR, user=users["office"], rule_set=rule_set)

    # JA1 (A1: multilateral, internship type) and JA2 (A3: multinational,
    # joint research activity) qualify; JB1 (A2: no counted form; A5: no
    # category) and JC1 (nothing) do not; JB3 (D2) and JB2 (S2) are not counted.
    assert {f.unit.code: f.value for f in result.programmes} == {
        "JA1": True,
        "JA2": True,
        "JB1": False,
        "JC1": False,
    }
    assert (result.numerator, result.denominator, result.value) == (
        2,
        4,
        Decimal("50.00"),
    )
    jb1 = next(f for f in result.programmes if f.unit.code == "JB1")
    reasons = {row.agreement.pk: row.reason for row in jb1.agreements}
    a = world["agreements"]
    assert set(reasons) == {a["A2"].pk, a["A5"].pk}
    assert all(reasons.values())


@pytest.mark.parametrize(
    ("numerator", "denominator", "value", "counts"),
    [
        ("with_output", "cooperations", Decimal("50.00"), (2, 4)),
        ("with_downstreaming", "cooperations", Decimal("25.00"), (1, 4)),
        ("with_output", "with_activity", Decimal("66.67"), (2, 3)),
    ],
)
def test_the_2025_indicator(world, users, numerator, denominator, value, counts):
    rule_set = RuleSet.objects.get(code="iku5-2025")
    rule_set.numerator, rule_set.denominator = numerator, denominator
    rule_set.save()

    result = ministry_indicator(year=YEAR, user=users["office"], rule_set=rule_set)

    assert (result.numerator, result.denominator) == counts
    assert result.value == value
    a = world["agreements"]
    if denominator == "cooperations":
        assert [row.agreement for row in result.unassigned] == [a["A9"]]
        by_code = {f.unit.code: f.value for f in result.programmes if f.agreements}
        assert by_code == {
            "JA1": (0, 1),
            "JB2": (1 if numerator == "with_output" else 0, 1),
            "JB3": (1, 1),
        }


def test_the_evidence_pack_holds_exactly_the_files_the_page_lists(
    world, users, client_for
):
    indicator = Indicator.objects.get(code="B.1.2.5.8")
    client = client_for(users["auditor"])

    with frozen(TODAY):
        page = client.get(
            reverse("reports:indicator", args=[indicator.pk]), {"year": YEAR}
        )
        pack = client.get(
            reverse("reports:indicator_pack", args=[indicator.pk]), {"year": YEAR}
        )

    result = page.context["result"]
    listed = [f"{result.folder}/{item.path}" for item in result.files]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(pack.streaming_content)))
    assert len(listed) == 4
    assert sorted(archive.namelist()) == sorted([*listed, "00-summary.pdf"])
    number = world["agreements"]["A1"].number.replace("/", "-")
    assert f"B.1.2.5.8/2024/{number}-signed.pdf" in listed
    for path in listed:
        assert path in page.content.decode()


def test_an_indicator_with_no_data_says_no_evidence_yet(world, users, client_for):
    indicator = Indicator.objects.get(code="B.1.2.6.16.c")

    with frozen(TODAY):
        response = client_for(users["auditor"]).get(
            reverse("reports:indicator", args=[indicator.pk]), {"year": YEAR}
        )

    assert response.status_code == 200
    assert response.context["result"].status == "no_evidence"
    assert 'data-status="no_evidence"' in response.content.decode()


def test_a_study_programme_with_no_agreements(world, users, client_for):
    with frozen(TODAY):
        response = client_for(users["office"]).get(
            reverse("reports:lkps"),
            {"programme": world["units"]["jc1"].pk, "ts": YEAR},
        )
        workbook = client_for(users["office"]).get(
            reverse("reports:lkps"),
            {"programme": world["units"]["jc1"].pk, "ts": YEAR, "format": "xlsx"},
        )

    assert response.status_code == 200
    assert response.context["result"].is_empty
    assert 'id="lkps-empty"' in response.content.decode()
    assert workbook.status_code == 200


def test_an_evidence_file_missing_from_storage_is_reported_in_the_summary(
    world, users, client_for
):
    # given one evidence file deleted from storage behind Mitra's back
    indicator = Indicator.objects.get(code="B.1.2.5.8")
    gone = world["evidence"]["report"]
    gone.file.storage.delete(gone.file.name)

    # when the pack is downloaded
    with frozen(TODAY):
        response = client_for(users["auditor"]).get(
            reverse("reports:indicator_pack", args=[indicator.pk]), {"year": YEAR}
        )

    # then it is built without the file, and the summary names it
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert len(names) == 4  # three files and the summary
    missing = [name for name in names if "laporan-magang" in name]
    assert missing == []
    summary = PdfReader(io.BytesIO(archive.read("00-summary.pdf")))
    text = " ".join(page.extract_text() for page in summary.pages)
    assert "laporan-magang" in text.replace("\n", "")


# --- Acceptance of the records register and the public site (issue 7, items 4-5). ---

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


def test_a_kept_record_is_neither_edited_nor_deleted_by_an_import(
    kept_records, tmp_path
):
    # The registry's importer writes agreements and partners only; the one
    # import that can reach records is a fixture (`manage.py loaddata`).
    documents = IssuedDocument.objects.filter(record__in=kept_records)
    rows = json.loads(serializers.serialize("json", [*kept_records, *documents]))
    for row in rows:
        row["fields"]["title"] = "Diimpor"
    fixture = tmp_path / "records.json"
    fixture.write_text(json.dumps(rows), encoding="utf-8")

    with frozen(KEPT_DAY), pytest.raises(ValidationError):
        call_command("loaddata", str(fixture), verbosity=0)

    assert_unchanged(kept_records)
    assert documents.exists()
    assert not documents.filter(title="Diimpor").exists()


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
