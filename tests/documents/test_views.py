"""The pages: printing a record's form, the office's forms and letterhead."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from mitra.agreements.models import Status
from mitra.documents.models import FormTemplate, Letterhead, PrintedForm
from mitra.documents.services import form_template_upload
from tests.documents.helpers import (
    docx_images,
    docx_text,
    docx_upload,
    make_docx,
    pdf_text,
    response_bytes,
)
from tests.factories import AgreementFactory

FORM = "agreement_summary"


def summary_url(agreement):
    return reverse("documents:agreement_summary", args=[agreement.pk])


@pytest.fixture
def draft_a(units):
    return AgreementFactory(
        status=Status.DRAFT, number=None, title="Draf jurusan A", units=[units["ja"]]
    )


# --- Printing ------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_a_unit_cannot_print_another_jurusans_draft(draft_a, users, client_for, fmt):
    response = client_for(users["unit_b"]).get(summary_url(draft_a), {"format": fmt})

    assert response.status_code == 404


@pytest.mark.parametrize("who", ["unit_a", "office", "leader", "auditor"])
def test_whoever_sees_the_draft_can_print_it(draft_a, users, client_for, who):
    response = client_for(users[who]).get(summary_url(draft_a), {"format": "docx"})

    assert response.status_code == 200
    assert "Draf jurusan A" in docx_text(response_bytes(response))


def test_a_signed_agreement_is_printed_for_every_unit(users, units, client_for):
    agreement = AgreementFactory(units=[units["ja"]])

    response = client_for(users["unit_b"]).get(summary_url(agreement))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert agreement.number in pdf_text(response_bytes(response))


def test_the_sheet_hides_relatives_the_reader_may_not_see(
    draft_a, users, units, client_for
):
    # given a signed MoU of jurusan B with jurusan A's draft under it
    mou = AgreementFactory(units=[units["jb"]], number="MOU/1")
    draft_a.parents.set([mou])

    # then unit_b's sheet of the MoU does not list the draft; unit_a's does
    def children_text(user):
        response = client_for(users[user]).get(summary_url(mou), {"format": "docx"})
        return docx_text(response_bytes(response))

    assert "Draf jurusan A" not in children_text("unit_b")
    assert "Draf jurusan A" in children_text("unit_a")


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/documents/agreements/999999/summary/?format=pdf", 404),
        ("/documents/print/no_such_form/1/?format=pdf", 404),
        ("/documents/agreements/{pk}/summary/?format=exe", 400),
        ("/documents/agreements/{pk}/summary/?format=", 400),
    ],
)
def test_bad_print_requests_are_refused(users, units, client_for, url, status):
    agreement = AgreementFactory(units=[units["ja"]])

    response = client_for(users["office"]).get(url.format(pk=agreement.pk))

    assert response.status_code == status


def test_the_generic_print_page_serves_registered_forms(users, units, client_for):
    agreement = AgreementFactory(units=[units["ja"]])
    url = reverse("documents:print", args=[FORM, agreement.pk])

    response = client_for(users["office"]).get(url, {"format": "docx"})

    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "agreement_summary-" in disposition and ".docx" in disposition


def test_a_template_failing_on_this_record_shows_a_message(users, units, client_for):
    form_template_upload(
        form=FORM,
        file=docx_upload(make_docx("{{ 10 / activity_count }}")),
        by=users["office"],
    )
    agreement = AgreementFactory(units=[units["ja"]])

    response = client_for(users["office"]).get(
        summary_url(agreement), {"format": "docx"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 409
    assert "could not be filled" in response.content.decode()
    assert reverse("documents:form_detail", args=[FORM]) in response.content.decode()


# --- The office's forms --------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("office", 200), ("head", 200), ("leader", 200), ("unit_a", 403)],
)
def test_the_forms_pages_are_for_staff_reading_everything(
    users, client_for, who, status
):
    client = client_for(users[who])

    for url in (
        reverse("documents:forms"),
        reverse("documents:form_detail", args=[FORM]),
        reverse("documents:form_default", args=[FORM]),
    ):
        assert client.get(url).status_code == status


def test_the_form_page_lists_the_variables_and_templates(users, client_for):
    form_template_upload(
        form=FORM,
        file=docx_upload(make_docx("{{ number }}"), name="kop-resmi.docx"),
        by=users["office"],
    )

    page = client_for(users["office"]).get(
        reverse("documents:form_detail", args=[FORM])
    )

    text = page.content.decode()
    assert "kop-resmi.docx" in text
    assert "activities" in text and "item.students_credited" in text
    assert 'id="upload-form"' in text


def test_only_the_office_uploads_and_chooses_templates(users, client_for):
    client = client_for(users["leader"])
    data = {"file": docx_upload(make_docx("{{ number }}")), "activate": "on"}

    assert (
        client.post(reverse("documents:form_upload", args=[FORM]), data).status_code
        == 403
    )
    assert (
        client.post(reverse("documents:form_activate", args=[FORM])).status_code == 403
    )
    assert (
        client.post(
            reverse("documents:form_number", args=[FORM]), {"form_number": "X"}
        ).status_code
        == 403
    )
    assert not FormTemplate.objects.exists()
    assert not PrintedForm.objects.exists()


def test_the_office_uploads_numbers_and_switches_templates(users, client_for):
    client = client_for(users["office"])

    response = client.post(
        reverse("documents:form_upload", args=[FORM]),
        {"file": docx_upload(make_docx("{{ number }}")), "activate": "on"},
    )
    assert response.status_code == 302
    template = FormTemplate.objects.get()
    assert PrintedForm.objects.get(code=FORM).active_template == template

    response = client.post(
        reverse("documents:form_number", args=[FORM]), {"form_number": "FO.1"}
    )
    assert response.status_code == 302
    assert PrintedForm.objects.get(code=FORM).form_number == "FO.1"

    response = client.post(
        reverse("documents:form_activate", args=[FORM]), {"template": ""}
    )
    assert response.status_code == 302
    assert PrintedForm.objects.get(code=FORM).active_template is None

    file_url = reverse("documents:form_template_file", args=[template.pk])
    assert client.get(file_url).status_code == 200


@pytest.mark.parametrize("value", ["abc", "999999"])
def test_choosing_a_template_that_is_not_there_is_refused(users, client_for, value):
    response = client_for(users["office"]).post(
        reverse("documents:form_activate", args=[FORM]), {"template": value}
    )

    assert response.status_code in (400, 404)


def test_a_form_that_is_not_registered_is_not_found(users, client_for):
    response = client_for(users["office"]).get(
        reverse("documents:form_detail", args=["no_such_form"])
    )

    assert response.status_code == 404


def test_an_upload_without_a_file_shows_the_field_error(users, client_for):
    response = client_for(users["office"]).post(
        reverse("documents:form_upload", args=[FORM]), {"activate": "on"}
    )

    assert response.status_code == 400
    assert not FormTemplate.objects.exists()


# --- Letterhead -------------------------------------------------------------


def png_upload(name="logo.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    output = io.BytesIO()
    Image.new("RGB", (120, 120), (10, 80, 160)).save(output, format="PNG")
    return SimpleUploadedFile(name, output.getvalue(), content_type="image/png")


def test_the_letterhead_is_printed_with_its_logo(users, units, client_for):
    client = client_for(users["office"])
    agreement = AgreementFactory(units=[units["ja"]])

    response = client.post(
        reverse("documents:letterhead"),
        {"name": "Politeknik Contoh", "address": "Jl. Merdeka 1", "logo": png_upload()},
    )
    assert response.status_code == 302

    docx = response_bytes(client.get(summary_url(agreement), {"format": "docx"}))
    assert "POLITEKNIK CONTOH" in docx_text(docx)
    assert docx_images(docx)
    pdf = response_bytes(client.get(summary_url(agreement), {"format": "pdf"}))
    assert "POLITEKNIK CONTOH" in pdf_text(pdf).upper()
    assert client.get(reverse("documents:letterhead_logo")).status_code == 200


def test_a_logo_that_is_not_an_image_is_refused(users, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(users["office"]).post(
        reverse("documents:letterhead"),
        {"name": "X", "logo": SimpleUploadedFile("logo.png", b"%PDF-1.4 not a png")},
    )

    assert response.status_code == 400
    assert not Letterhead.objects.exists()


def test_only_the_office_changes_the_letterhead(users, client_for):
    response = client_for(users["auditor"]).post(
        reverse("documents:letterhead"), {"name": "X"}
    )

    assert response.status_code == 403
    assert not Letterhead.objects.exists()
