"""Uploaded files for tests: a real (tiny) PDF and a text file named .pdf."""

from django.core.files.uploadedfile import SimpleUploadedFile

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def pdf_upload(name="signed.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def fake_pdf_upload(name="signed.pdf"):
    """A text file renamed to .pdf: the name lies, the content does not."""
    return SimpleUploadedFile(
        name, b"just some text, not a PDF\n" * 10, content_type="application/pdf"
    )
