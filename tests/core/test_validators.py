"""Uploads are known by their content, and their names must not lie about it."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from mitra.core.validators import validate_evidence_file
from tests.agreements.uploads import PDF_BYTES


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("scan.png", png_bytes),
        ("SCAN.PNG", png_bytes),
        ("photo.jpeg", jpeg_bytes),
        ("photo.jpg", jpeg_bytes),
        ("report.pdf", lambda: PDF_BYTES),
        ("no-extension", lambda: PDF_BYTES),
    ],
)
def test_a_file_named_for_what_it_is_is_accepted(name, content):
    validate_evidence_file(SimpleUploadedFile(name, content()))


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("x.docx", png_bytes, ".png"),
        ("minutes.pdf", jpeg_bytes, ".jpg"),
        ("scan.png", lambda: PDF_BYTES, ".pdf"),
    ],
)
def test_a_name_that_claims_another_kind_is_refused_naming_the_right_one(
    name, content, says
):
    with pytest.raises(ValidationError) as refused:
        validate_evidence_file(SimpleUploadedFile(name, content()))

    assert refused.value.code == "wrong_extension"
    assert says in refused.value.messages[0]
