"""Indicators and rule sets are data in two languages: the statement, how it
is measured and a rule set's description show in the language of the page
(Indonesian by default), falling back to the other one when empty."""

import datetime
import importlib
import io
import zipfile

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from mitra.core.clock import frozen
from mitra.reports.models import Indicator, RuleSet

SEED = importlib.import_module(
    "mitra.reports.migrations.0002_seed_indicators_rule_sets"
)
INDONESIAN = importlib.import_module(
    "mitra.reports.migrations.0005_seed_indonesian_texts"
)

#: Words of the source procedure's own statement of B.1.2.5.8.
SOURCE_WORDS = "mekanisme transfer SKS"
ENGLISH_WORDS = "credit (SKS) transfer"


def english_seed(code):
    return next(row for row in SEED.INDICATORS if row[0] == code)


def test_the_seeded_statements_are_the_sources_indonesian_with_the_english_beside(
    db,
):
    indicator = Indicator.objects.get(code="B.1.2.5.8")

    assert SOURCE_WORDS in indicator.statement
    assert indicator.statement_en == english_seed("B.1.2.5.8")[2]
    assert indicator.measure.startswith("Per program studi dan tahun")
    assert indicator.measure_en == english_seed("B.1.2.5.8")[3]
    for row in Indicator.objects.all():
        assert row.statement and row.statement_en and row.measure and row.measure_en


def test_the_seeded_rule_sets_describe_themselves_in_both_languages(db):
    rule_set = RuleSet.objects.get(code="iku31-2023")

    assert "MoU tidak pernah dihitung" in rule_set.description
    assert rule_set.description_en.endswith("An MoU never counts.")
    assert all(each.description_en for each in RuleSet.objects.all())


@pytest.mark.indonesian
def test_the_indonesian_pages_show_the_indonesian_statement(db, users, client_for):
    indicator = Indicator.objects.get(code="B.1.2.5.8")
    client = client_for(users["auditor"])

    listing = client.get(reverse("reports:indicators"), {"year": 2024})
    detail = client.get(reverse("reports:indicator", args=[indicator.pk]))

    # the list shortens the statement: its first words are enough
    assert "Institusi melalui Tim Kerjasama dan Jurusan" in listing.content.decode()
    assert SOURCE_WORDS in detail.content.decode()
    assert "Per program studi dan tahun" in detail.content.decode()
    assert ENGLISH_WORDS not in detail.content.decode()


def test_the_english_pages_show_the_english_statement(db, users, client_for):
    indicator = Indicator.objects.get(code="B.1.2.5.8")

    detail = client_for(users["auditor"]).get(
        reverse("reports:indicator", args=[indicator.pk])
    )

    assert ENGLISH_WORDS in detail.content.decode()
    assert SOURCE_WORDS not in detail.content.decode()


def test_an_empty_text_falls_back_to_the_other_language(db):
    indicator = Indicator.objects.get(code="B.1.2.9.2")
    indicator.statement_en = ""
    indicator.measure = ""

    with translation.override("en"):
        assert indicator.statement_text == indicator.statement
        assert indicator.measure_text == indicator.measure_en
    with translation.override("id"):
        assert indicator.statement_text == indicator.statement
        assert indicator.measure_text == indicator.measure_en


@pytest.mark.indonesian
def test_the_summary_of_the_pack_states_the_indicator_in_indonesian(
    db, users, client_for
):
    indicator = Indicator.objects.get(code="B.1.2.5.8")

    response = client_for(users["auditor"]).get(
        reverse("reports:indicator_pack", args=[indicator.pk]), {"year": 2024}
    )

    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    summary = PdfReader(io.BytesIO(archive.read("00-summary.pdf")))
    text = " ".join(page.extract_text() for page in summary.pages)
    text = " ".join(text.split())
    assert SOURCE_WORDS in text
    assert ENGLISH_WORDS not in text


@pytest.mark.indonesian
def test_the_ministry_page_describes_the_rule_set_in_indonesian(db, users, client_for):
    response = client_for(users["auditor"]).get(
        reverse("reports:ministry"), {"year": 2024}
    )

    html = response.content.decode()
    assert "MoU tidak pernah dihitung" in html
    assert "An MoU never counts" not in html


def test_the_ministry_page_describes_the_rule_set_in_english(db, users, client_for):
    response = client_for(users["auditor"]).get(
        reverse("reports:ministry"), {"year": 2024}
    )

    assert "An MoU never counts" in response.content.decode()


def test_the_migration_leaves_a_text_the_office_changed(db):
    # given one statement back to the English seed, and one the office rewrote
    seeded = Indicator.objects.get(code="B.1.2.9.1")
    english = english_seed("B.1.2.9.1")[2]
    Indicator.objects.filter(pk=seeded.pk).update(statement=english, statement_en="")
    rewritten = Indicator.objects.get(code="B.1.2.9.2")
    Indicator.objects.filter(pk=rewritten.pk).update(
        statement="Rumusan baru dari kantor.", statement_en=""
    )

    # when the migration runs (again)
    INDONESIAN.seed(apps, None)

    # then the seed is replaced, the office's own wording kept
    seeded.refresh_from_db()
    rewritten.refresh_from_db()
    assert seeded.statement.startswith("Institusi melalui Tim Kerjasama")
    assert seeded.statement_en == english
    assert (rewritten.statement, rewritten.statement_en) == (
        "Rumusan baru dari kantor.",
        "",
    )


def test_the_year_field_shows_the_year_the_page_is_computed_for(users, client_for):
    with frozen(datetime.date(2026, 5, 1)):
        page = client_for(users["auditor"]).get(reverse("reports:indicators"))

    assert 'value="2026"' in page.content.decode()
