"""The multi-year plan (Renstra kerja sama): upload, checks, list."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mitra.planning.models import MultiYearPlan
from tests.agreements.uploads import PDF_BYTES, fake_pdf_upload, pdf_upload
from tests.documents.helpers import docx_upload, make_docx

pytestmark = pytest.mark.django_db


def plan_post(file, **changes):
    data = {
        "title": "Renstra Kerja Sama 2025-2029",
        "start_year": "2025",
        "end_year": "2029",
        "approved_on": "2025-01-15",
        "notes": "Disahkan direktur",
        "file": file,
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "upload", [pdf_upload, lambda: docx_upload(make_docx("Renstra"))]
)
def test_the_office_uploads_a_pdf_or_docx_plan(client_for, users, upload):
    response = client_for(users["office"]).post(
        reverse("planning:plan_create"), plan_post(upload())
    )

    assert response.status_code == 302
    plan = MultiYearPlan.objects.get()
    assert plan.covers(2027)
    assert plan.approved_on == datetime.date(2025, 1, 15)
    assert plan.uploaded_by == users["office"]


def test_a_file_that_only_claims_to_be_a_pdf_is_refused(client_for, users):
    response = client_for(users["office"]).post(
        reverse("planning:plan_create"), plan_post(fake_pdf_upload("renstra.pdf"))
    )

    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert not MultiYearPlan.objects.exists()


def test_years_out_of_order_are_a_field_error(client_for, users):
    response = client_for(users["office"]).post(
        reverse("planning:plan_create"),
        plan_post(pdf_upload(), start_year="2029", end_year="2025"),
    )

    assert response.status_code == 400
    assert response.context["form"].errors["end_year"]


def test_an_image_is_not_a_plan(client_for, users):
    png = SimpleUploadedFile("plan.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64)

    response = client_for(users["office"]).post(
        reverse("planning:plan_create"), plan_post(png)
    )

    assert response.status_code == 400


def test_staff_list_and_download_plans_only_the_office_uploads(client_for, users):
    client_for(users["office"]).post(
        reverse("planning:plan_create"), plan_post(pdf_upload())
    )
    plan = MultiYearPlan.objects.get()
    unit = client_for(users["unit_a"])

    listed = unit.get(reverse("planning:plans"))
    download = unit.get(reverse("planning:plan_file", args=[plan.pk]))

    assert listed.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert unit.get(reverse("planning:plan_create")).status_code == 403
    assert unit.get(reverse("planning:plan_edit", args=[plan.pk])).status_code == 403


def test_the_office_corrects_a_plans_years_and_approval(client_for, users):
    office = client_for(users["office"])
    office.post(reverse("planning:plan_create"), plan_post(pdf_upload()))
    plan = MultiYearPlan.objects.get()

    response = office.post(
        reverse("planning:plan_edit", args=[plan.pk]),
        {"title": plan.title, "start_year": "2025", "end_year": "2030"},
    )

    plan.refresh_from_db()
    assert response.status_code == 302
    assert plan.end_year == 2030
    assert plan.approved_on is None
    assert plan.history.count() == 2
