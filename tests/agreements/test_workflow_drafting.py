"""Drafting: the clause library, versions generated or uploaded, templates
and comparing two versions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mitra.agreements import drafting
from mitra.agreements.models import Clause, ClauseCategory, VersionSource
from mitra.documents.services import form_template_upload
from tests.agreements.workflow_helpers import (
    docx_bytes,
    docx_upload,
    generate,
    make_clauses,
    new_draft,
    ready_to_sign,
)
from tests.documents.helpers import docx_upload as template_upload


@pytest.fixture
def draft(users, units):
    return new_draft(users, units)


def workflow_url(agreement, name="workflow"):
    return reverse(f"agreements:{name}", args=[agreement.pk])


# --- The clause library ---------------------------------------------------------


def test_the_office_adds_a_clause_in_both_languages(client_for, users):
    response = client_for(users["office"]).post(
        reverse("agreements:clause_create"),
        {
            "title_id": "Kerahasiaan",
            "title_en": "Confidentiality",
            "category": ClauseCategory.CONFIDENTIALITY,
            "order": 5,
            "text_id": "Data dijaga.",
            "text_en": "Data is kept.",
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    clause = Clause.objects.get()
    assert (clause.title_en, clause.text_en, clause.order) == (
        "Confidentiality",
        "Data is kept.",
        5,
    )
    assert clause.history.get().history_user == users["office"]


def test_a_clause_needs_its_indonesian_text(client_for, users):
    response = client_for(users["office"]).post(
        reverse("agreements:clause_create"),
        {"title_id": "Kosong", "category": "general", "order": 1, "text_id": " "},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["text_id"]
    assert not Clause.objects.exists()


def test_unit_staff_read_the_library_but_do_not_change_it(client_for, users):
    make_clauses()
    client = client_for(users["unit_a"])

    assert client.get(reverse("agreements:clauses")).status_code == 200
    assert client.get(reverse("agreements:clause_create")).status_code == 403


def test_a_deactivated_clause_is_no_longer_offered_but_stays_where_chosen(users, draft):
    from mitra.agreements.workflow_forms import DraftGenerateForm

    kept, dropped, unchosen = make_clauses()
    drafting.clauses_choose(agreement=draft, by=None, clauses=[kept, dropped])

    for clause in (dropped, unchosen):
        drafting.clause_update(clause=clause, by=users["office"], is_active=False)

    form = DraftGenerateForm(chosen=drafting.chosen_clauses(draft))
    assert set(form.fields["clauses"].queryset) == {kept, dropped}
    assert drafting.chosen_clauses(draft) == [kept, dropped]


# --- Generated and uploaded versions ---------------------------------------------


def test_each_generated_draft_is_a_numbered_version_with_its_text(users, draft):
    clauses = make_clauses()

    first = generate(draft, users, clauses[:1], note="Awal")
    second = generate(draft, users, clauses, note="Tambah pasal")

    assert [first.number, second.number] == [1, 2]
    assert first.source == VersionSource.GENERATED
    assert first.file_kind == "docx" and first.form_code == "agreement_draft_mou"
    assert "PARA PIHAK menjaga kerahasiaan data." in first.text
    assert "Perselisihan diselesaikan secara musyawarah." in second.text
    assert "Perselisihan" not in first.text
    assert draft.events.filter(kind="version_added").count() == 2


def test_an_uploaded_docx_is_a_version_whose_text_is_read(client_for, users, draft):
    response = client_for(users["unit_a"]).post(
        workflow_url(draft, "version_upload"),
        {"file": docx_upload("Pasal 1", "Isi dari mitra."), "note": "Dari surel"},
    )

    assert response.status_code == 302
    version = draft.versions.get()
    assert version.source == VersionSource.UPLOADED
    assert version.text == "Pasal 1\nIsi dari mitra."
    assert version.author == users["unit_a"]


def test_a_draft_that_is_neither_docx_nor_pdf_is_refused(client_for, users, draft):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("draft.docx", b"plain text pretending", "text/plain")
    response = client_for(users["office"]).post(
        workflow_url(draft, "version_upload"), {"file": fake}
    )

    assert response.status_code == 400
    assert response.context["upload_form"].errors["file"]
    assert not draft.versions.exists()


def test_no_version_is_added_once_the_final_one_is_locked(client_for, users, draft):
    ready_to_sign(draft, users)

    response = client_for(users["office"]).post(
        workflow_url(draft, "draft_generate"), {"note": "Terlambat"}, follow=True
    )

    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert draft.versions.count() == 1


def test_a_version_is_downloaded_by_who_may_see_the_draft(client_for, users, draft):
    version = generate(draft, users)
    url = reverse("agreements:version_file", args=[version.pk])

    own = client_for(users["unit_a"]).get(url)
    assert own.status_code == 200
    assert own["Content-Disposition"].startswith("attachment")
    assert client_for(users["unit_b"]).get(url).status_code == 404


# --- The office's own templates ---------------------------------------------------


def test_a_template_with_an_unknown_placeholder_is_refused_naming_it(client_for, users):
    data = docx_bytes("{{ title }}", "{{ partner_nmae }}")

    response = client_for(users["office"]).post(
        reverse("documents:form_upload", args=["agreement_draft_mou"]),
        {"file": template_upload(data), "activate": "on"},
    )

    assert response.status_code == 400
    errors = " ".join(response.context["upload_form"].errors["file"])
    assert "partner_nmae" in errors


def test_the_offices_template_is_used_for_the_next_draft(users, draft):
    clauses = make_clauses()
    template = docx_bytes(
        "PERJANJIAN {{ title|upper }}",
        "{%p for clause in clauses %}",
        "Pasal {{ clause.number }}: {{ clause.title_id }}",
        "{%p endfor %}",
        "{{ second_party.signatory_name }}",
    )
    form_template_upload(
        form="agreement_draft_mou", file=template_upload(template), by=users["office"]
    )

    version = generate(draft, users, clauses[:2])

    assert version.template is not None
    assert version.text.splitlines() == [
        "PERJANJIAN KERJA SAMA MAGANG INDUSTRI",
        "Pasal 1: Kerahasiaan",
        "Pasal 2: Hak Kekayaan Intelektual",
        "Ir. Hendra Gunawan",
    ]


# --- Comparing two versions --------------------------------------------------------


def test_two_texts_compare_side_by_side_with_the_changed_words_marked():
    rows = drafting.compare_texts(
        "Pasal 1\nBerlaku lima tahun.\nDihapus.",
        "Pasal 1\nBerlaku tiga tahun.\nBaru.\nTambahan.",
    )

    assert rows[0] == {
        "tag": "equal",
        "old": [("Pasal 1", False)],
        "new": [("Pasal 1", False)],
    }
    changed = rows[1]
    assert changed["tag"] == "replace"
    assert ("lima ", True) in changed["old"] and ("tiga ", True) in changed["new"]
    assert ("Berlaku ", False) in changed["old"]
    assert [row["tag"] for row in rows] == ["equal", "replace", "replace", "insert"]
    assert drafting.comparison_summary(rows) == {
        "replace": 2,
        "delete": 0,
        "insert": 1,
    }


def test_the_compare_page_marks_what_changed(client_for, users, draft):
    drafting.version_upload(
        agreement=draft, by=users["office"], file=docx_upload("Berlaku lima tahun.")
    )
    drafting.version_upload(
        agreement=draft, by=users["office"], file=docx_upload("Berlaku tiga tahun.")
    )

    response = client_for(users["office"]).get(
        workflow_url(draft, "compare"), {"old": 1, "new": 2}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert '<del class="diff-del">lima </del>' in html
    assert '<ins class="diff-ins">tiga </ins>' in html


def test_a_compare_request_with_nonsense_falls_back_to_the_last_two(
    client_for, users, draft
):
    for text in ("satu", "dua", "tiga"):
        drafting.version_upload(
            agreement=draft, by=users["office"], file=docx_upload(text)
        )

    response = client_for(users["office"]).get(
        workflow_url(draft, "compare"), {"old": "x", "new": "99"}
    )

    assert response.status_code == 200
    assert (response.context["old"].number, response.context["new"].number) == (2, 3)


# --- The workflow page --------------------------------------------------------------


def test_the_workflow_page_runs_a_fixed_number_of_queries(client_for, users, draft):
    client = client_for(users["office"])
    make_clauses()

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(workflow_url(draft))
        assert response.status_code == 200
        return len(captured)

    generate(draft, users)
    generate(draft, users)
    few = queries()
    for _index in range(5):
        generate(draft, users)
    assert queries() == few


def test_who_sees_the_workflow_page_and_who_may_act_on_it(client_for, users, draft):
    generate(draft, users)
    url = workflow_url(draft)

    auditor = client_for(users["auditor"]).get(url)
    assert auditor.status_code == 200
    assert "generate_form" not in auditor.context
    assert auditor.context["links"] == []

    own_unit = client_for(users["unit_a"]).get(url)
    assert own_unit.context["can_draft"] and not own_unit.context["can_sign"]

    assert client_for(users["unit_b"]).get(url).status_code == 404
    response = client_for(users["auditor"]).post(
        workflow_url(draft, "draft_generate"), {}
    )
    assert response.status_code == 403
