"""The register import on the web: upload, mapping, preview, confirm."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from mitra.agreements.models import Agreement
from mitra.imports.models import ImportBatch
from mitra.partners.models import Partner

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


@pytest.fixture
def unit_tree(db):
    call_command("import_units", str(DATA / "units-contoh.csv"), stdout=io.StringIO())


def upload(client, name, content):
    return client.post(
        reverse("imports:upload"), {"file": SimpleUploadedFile(name, content)}
    )


def test_it_walks_from_upload_to_import(unit_tree, users, client_for):
    client = client_for(users["office"])

    response = upload(
        client, "daftar.xlsx", (DATA / "daftar-kerjasama-contoh.xlsx").read_bytes()
    )
    batch = ImportBatch.objects.get()
    assert response.url == reverse("imports:mapping", args=[batch.pk])

    mapping_page = client.get(response.url)
    assert mapping_page.status_code == 200
    form = mapping_page.context["form"]
    response = client.post(
        reverse("imports:mapping", args=[batch.pk]),
        {name: field.initial or "" for name, field in form.fields.items()},
    )
    assert response.url == reverse("imports:preview", args=[batch.pk])

    preview = client.get(response.url)

    assert preview.context["counts"]["created"] == 80
    assert preview.context["counts"]["rejected"] == 3
    assert Agreement.objects.count() == 0

    response = client.post(reverse("imports:confirm", args=[batch.pk]))
    assert response.status_code == 302
    assert Agreement.objects.count() == 80
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    assert [item["row"] for item in batch.result["rejected"]] == [24, 34, 44]

    # confirming twice imports nothing more
    client.post(reverse("imports:confirm", args=[batch.pk]))
    assert Agreement.objects.count() == 80


def test_confirmed_abbreviations_become_aliases_not_partners(
    unit_tree, users, client_for
):
    client = client_for(users["office"])
    upload(client, "daftar.csv", (DATA / "daftar-kerjasama-contoh.csv").read_bytes())
    batch = ImportBatch.objects.get()
    preview = client.get(reverse("imports:preview", args=[batch.pk]))
    keys = [pair["confirm_key"] for pair in preview.context["plan"].possible_duplicates]
    assert len(keys) == 11

    client.post(
        reverse("imports:preview", args=[batch.pk]), {"confirm": keys}, follow=True
    )
    client.post(reverse("imports:confirm", args=[batch.pk]))

    assert Partner.objects.count() == 18
    assert (
        Partner.objects.by_name("AIEC").get().name == "Asosiasi Insinyur Elektro Contoh"
    )


def test_the_mapping_refuses_a_field_chosen_twice_or_missing(
    unit_tree, users, client_for
):
    client = client_for(users["office"])
    upload(client, "daftar.csv", (DATA / "daftar-kerjasama-contoh.csv").read_bytes())
    batch = ImportBatch.objects.get()
    form = client.get(reverse("imports:mapping", args=[batch.pk])).context["form"]
    data = {name: field.initial or "" for name, field in form.fields.items()}
    data["column_0"] = "partner_name"  # "No" mapped as a second partner name

    response = client.post(reverse("imports:mapping", args=[batch.pk]), data)

    assert response.status_code == 200
    assert response.context["form"].errors


def _zip_bomb():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", bytes(30 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name, content",
    [
        ("daftar.xlsx", b"this is not a spreadsheet at all"),
        ("empty.csv", b""),
        ("noheader.csv", b"a;b;c\n1;2;3\n4;5;6\n"),
        ("bomb.xlsx", _zip_bomb()),
        ("picture.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(100)),
    ],
)
def test_bad_files_get_a_message_and_store_nothing(users, client_for, name, content):
    client = client_for(users["office"])

    response = upload(client, name, content)

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert ImportBatch.objects.count() == 0


@override_settings(MITRA_MAX_UPLOAD_MB=1)
def test_a_file_over_the_limit_is_refused(users, client_for):
    client = client_for(users["office"])

    response = upload(client, "big.csv", b"x" * (1024 * 1024 + 1))

    assert "1 MB" in response.context["form"].errors["file"][0]
    assert ImportBatch.objects.count() == 0


@pytest.mark.parametrize("role", ["unit_a", "leader", "auditor"])
def test_only_the_office_and_head_import(users, client_for, role):
    assert client_for(users[role]).get(reverse("imports:upload")).status_code == 403


def test_another_users_batch_is_not_found_by_unit_staff(unit_tree, users, client_for):
    upload(
        client_for(users["office"]),
        "d.csv",
        (DATA / "daftar-kerjasama-contoh.csv").read_bytes(),
    )
    batch = ImportBatch.objects.get()
    client = client_for(users["unit_a"])

    assert client.get(reverse("imports:preview", args=[batch.pk])).status_code == 404
    assert client.post(reverse("imports:confirm", args=[batch.pk])).status_code == 404
    assert Agreement.objects.count() == 0


def test_a_stale_preview_is_shown_again_instead_of_overwriting(
    unit_tree, users, client_for
):
    # given an office worker looking at the preview of a one-row register
    client = client_for(users["office"])
    upload(
        client,
        "one.csv",
        b"Nama Mitra;Jenis Dokumen;Nomor Dokumen;Tanggal Mulai;Tentang\n"
        b"PT Satu;MoU;900/X/2025;01/02/2025;Dari impor\n",
    )
    batch = ImportBatch.objects.get()
    assert (
        client.get(reverse("imports:preview", args=[batch.pk])).context["counts"][
            "created"
        ]
        == 1
    )

    # when someone records the same number by hand meanwhile
    from tests.factories import AgreementFactory

    by_hand = AgreementFactory(number="900/X/2025", title="Dicatat manual")

    # then confirming shows the preview again and changes nothing
    response = client.post(reverse("imports:confirm", args=[batch.pk]))
    assert response.url == reverse("imports:preview", args=[batch.pk])
    by_hand.refresh_from_db()
    assert by_hand.title == "Dicatat manual"
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UPLOADED
