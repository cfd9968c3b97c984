"""Acceptance of numbering (issue 3): numbers issued at the same moment
differ, and a number an imported agreement already carries is never issued.

The concurrent part needs PostgreSQL (row locks, two connections); run it
with ``DATABASE_URL=postgres://…``. On SQLite it is skipped.
"""

import datetime
import threading

import pytest
from django.db import connection, transaction

from mitra.agreements.models import Agreement, DocumentType, Status
from mitra.core.clock import frozen
from mitra.core.models import NumberingPattern
from mitra.core.numbering import number_issue, number_preview
from mitra.imports.services import import_register
from tests.factories import PartnerFactory

SIGNING_DAY = datetime.date(2025, 8, 18)

REGISTER = (
    "No;Nama Mitra;Jenis Mitra;Negara;Tingkat;Jenis Dokumen;Nomor Dokumen;"
    "Nomor Dokumen Induk;Tentang;Bidang;Unit Pengusul;Tanggal Mulai;"
    "Tanggal Berakhir;Keterangan\n"
    "1;PT Galangan Contoh;Industri;Indonesia;Lokal;MoU;001/PL29/HK/2025;;"
    "Kerja sama magang;Pendidikan;Kantor Kerja Sama Uji;2 Januari 2025;"
    "2 Januari 2030;\n"
)


def import_old_register():
    """Import a register whose one MoU already carries number 001 of 2025."""
    plan = import_register(data=REGISTER.encode(), filename="register.csv")
    assert plan.summary()["agreements_created"] == 1
    return Agreement.objects.get(number="001/PL29/HK/2025")


def sign_with_a_number(agreement):
    """Give `agreement` its number the way signing does: in one transaction."""
    with transaction.atomic():
        agreement.number = number_issue(kind="agreement.mou", on=SIGNING_DAY)
        agreement.status = Status.SIGNED
        agreement.save(update_fields=["number", "status"])
    return agreement.number


def draft_mou(title):
    return Agreement.objects.create(
        document_type=DocumentType.MOU,
        title=title,
        partner=PartnerFactory(),
        status=Status.NEGOTIATION,
        start_date=SIGNING_DAY,
    )


def set_mou_pattern():
    NumberingPattern.objects.create(
        kind="agreement.mou", pattern="{seq:03}/PL29/HK/{year}"
    )


def test_a_number_already_used_by_an_imported_agreement_is_skipped(units):
    # given the office's old register imported, and the MoU numbering pattern
    import_old_register()
    set_mou_pattern()

    # when a new MoU is signed
    with frozen(SIGNING_DAY):
        preview = number_preview(kind="agreement.mou")
    number = sign_with_a_number(draft_mou("Kerja sama riset"))

    # then 001 is passed over, in the preview as at signing
    assert preview == number == "002/PL29/HK/2025"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_agreements_signed_at_the_same_moment_get_different_numbers(units):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has no row locks")

    # given the imported register holding 001, and two MoUs ready to sign
    import_old_register()
    set_mou_pattern()
    drafts = [draft_mou("Kerja sama A"), draft_mou("Kerja sama B")]
    barrier = threading.Barrier(len(drafts))
    numbers, errors = {}, []

    def sign(agreement):
        try:
            barrier.wait(timeout=10)
            numbers[agreement.pk] = sign_with_a_number(agreement)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    # when each is signed on its own connection at the same moment
    threads = [threading.Thread(target=sign, args=(draft,)) for draft in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # then both get a number, the two differ, and neither is the imported 001
    assert errors == []
    assert sorted(numbers.values()) == ["002/PL29/HK/2025", "003/PL29/HK/2025"]
    stored = dict(Agreement.objects.filter(pk__in=numbers).values_list("pk", "number"))
    assert stored == numbers
