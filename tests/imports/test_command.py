"""The import_register and import_units commands."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from mitra.agreements.models import Agreement
from mitra.core.models import Unit


def test_it_exits_non_zero_when_the_file_cannot_be_read(db, tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a workbook")

    with pytest.raises(CommandError):
        call_command("import_register", str(path), "--json", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("import_register", str(tmp_path / "missing.csv"))


def test_the_json_output_is_one_object(db, tmp_path, units):
    path = tmp_path / "r.csv"
    path.write_text(
        "No;Nama Mitra;Jenis Dokumen;Nomor Dokumen;Unit Pengusul;"
        "Tanggal Mulai;Tanggal Berakhir\n"
        "1;PT Satu;MoU;1/X/2024;JA;01/02/2024;Tidak terbatas\n"
        "2;PT Dua;PKS;2/X/2024;Nowhere;01/02/2024;30/02/2025\n",
        encoding="utf-8",
    )
    out = io.StringIO()

    call_command("import_register", str(path), "--json", stdout=out)

    result = json.loads(out.getvalue())
    assert result["agreements_created"] == 1
    assert [item["row"] for item in result["rejected"]] == [3]
    assert "Nowhere" in result["rejected"][0]["reason"]
    assert "30/02/2025" in result["rejected"][0]["reason"]
    assert Agreement.objects.get().end_date is None


def test_a_failure_mid_way_leaves_the_database_as_it_was(
    db, tmp_path, units, monkeypatch
):
    path = tmp_path / "r.csv"
    path.write_text(
        "Nama Mitra;Jenis Dokumen;Nomor Dokumen;Tanggal Mulai\n"
        "PT Satu;MoU;1/X/2024;01/02/2024\nPT Dua;MoU;2/X/2024;01/02/2024\n",
        encoding="utf-8",
    )
    from mitra.imports import services

    original = services._write_agreement
    calls = []

    def fail_on_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "_write_agreement", fail_on_second)

    with pytest.raises(RuntimeError):
        call_command("import_register", str(path), stdout=io.StringIO())
    assert Agreement.objects.count() == 0


def test_import_units_loads_the_tree_and_refuses_a_bad_file(db, tmp_path):
    good = tmp_path / "units.csv"
    good.write_text(
        "code,name,kind,parent,level,aliases\nP,Poli,institution,,,\n"
        "J,Jurusan J,jurusan,P,,JJ|Jur J\nJ1,Prodi J1,prodi,J,D4,\n",
        encoding="utf-8",
    )
    call_command("import_units", str(good), stdout=io.StringIO())
    assert Unit.objects.get(code="J1").parent.code == "J"
    assert Unit.objects.get(code="J").aliases == ["JJ", "Jur J"]

    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,kind,parent\nX,Unit X,planet,NOPE\n", encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("import_units", str(bad), stdout=io.StringIO())
    assert "planet" in str(error.value)
    assert "NOPE" in str(error.value)
    assert not Unit.objects.filter(code="X").exists()
