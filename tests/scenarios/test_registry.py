"""Acceptance of the registry: an office's real register goes in whole.

The shared sample register and its answers are described in
../shared/data/README.md.
"""

import json
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from mitra.agreements.models import Agreement
from mitra.partners.models import Partner
from mitra.partners.names import normalize_name
from mitra.partners.services import partner_merge

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
ANSWERS = json.loads((DATA / "daftar-kerjasama-contoh.answers.json").read_text())
TYPE_NAMES = {"mou": "MoU", "moa": "MoA", "ia": "IA"}
SCOPE_NAMES = {
    "local": "Lokal",
    "national": "Nasional",
    "international": "Internasional",
}
FIELD_NAMES = {
    "education": "Pendidikan",
    "research": "Penelitian",
    "community_service": "Pengabdian kepada Masyarakat",
}


def run_import(filename, *extra):
    out = StringIO()
    call_command("import_register", str(DATA / filename), "--json", *extra, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def unit_tree(db):
    call_command("import_units", str(DATA / "units-contoh.csv"), stdout=StringIO())


def confirm_duplicates(result):
    """Do what a person does: confirm each listed likely duplicate."""
    for pair in result["possible_duplicate_partners"]:
        kept = Partner.objects.by_name(pair["similar_to"]).get()
        absorbed = Partner.objects.by_name(pair["name"]).get()
        if kept != absorbed:
            partner_merge(kept=kept, absorbed=absorbed, by=None)


@pytest.mark.parametrize(
    "filename", ["daftar-kerjasama-contoh.xlsx", "daftar-kerjasama-contoh.csv"]
)
def test_it_imports_the_sample_register_exactly(unit_tree, filename):
    # given an empty registry with the unit tree
    # when the register is imported
    result = run_import(filename)

    # then the figures are those of the data README
    assert result["agreements_created"] == 80
    assert result["agreements_updated"] == 0
    assert result["duplicates_skipped"] == 1
    rejected = {item["row"]: item for item in result["rejected"]}
    assert sorted(rejected) == [24, 34, 44]
    # each reason names the problem: the two dates, the missing name, the date
    assert "2024-02-01" in rejected[24]["reason"]
    assert "2024-03-01" in rejected[24]["reason"]
    assert rejected[34]["number"] == "998/PL29/HK/2024"
    assert "partner" in rejected[34]["reason"].lower()
    assert "31 Juni 2024" in rejected[44]["reason"]

    agreements = Agreement.objects.prefetch_related("units", "parents").select_related(
        "partner"
    )
    assert Counter(TYPE_NAMES[a.document_type] for a in agreements) == {
        "MoU": 18,
        "MoA": 36,
        "IA": 26,
    }
    assert Counter(SCOPE_NAMES[a.effective_scope] for a in agreements) == {
        "Lokal": 35,
        "Nasional": 30,
        "Internasional": 15,
    }

    # and once the likely duplicates are confirmed there are 18 partners
    confirm_duplicates(result)
    assert Partner.objects.count() == 18

    # and every agreement matches the answers
    stored = {a.number: a for a in agreements.all()}
    assert set(stored) == set(ANSWERS["agreements"])
    for number, expected in ANSWERS["agreements"].items():
        agreement = stored[number]
        assert normalize_name(agreement.partner.name) == normalize_name(
            expected["partner"]
        ), number
        assert TYPE_NAMES[agreement.document_type] == expected["document_type"], number
        assert [p.number for p in agreement.parents.all()] == (
            [expected["parent_number"]] if expected["parent_number"] else []
        ), number
        assert SCOPE_NAMES[agreement.effective_scope] == expected["scope"], number
        assert {FIELD_NAMES[f] for f in agreement.fields} == set(expected["fields"]), (
            number
        )
        assert [u.name for u in agreement.units.all()] == [expected["unit"]], number
        assert agreement.start_date.isoformat() == expected["start"], number
        assert (
            agreement.end_date.isoformat() if agreement.end_date else None
        ) == expected["end"], number


def test_it_changes_nothing_when_the_same_file_is_imported_again(unit_tree):
    first = run_import("daftar-kerjasama-contoh.xlsx")
    confirm_duplicates(first)

    again = run_import("daftar-kerjasama-contoh.xlsx")

    assert again["agreements_created"] == 0
    assert again["agreements_updated"] == 0
    assert again["agreements_unchanged"] == 80
    assert again["partners_created"] == 0
    assert again["possible_duplicate_partners"] == []
    assert Partner.objects.count() == 18


def test_it_writes_nothing_on_a_dry_run(unit_tree):
    result = run_import("daftar-kerjasama-contoh.csv", "--dry-run")

    assert result["agreements_created"] == 80
    assert Agreement.objects.count() == 0
    assert Partner.objects.count() == 0
