"""Making DOCX templates and reading back rendered files, for the tests."""

import io
import zipfile

import pypdf
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def make_docx(*paragraphs, table=None, header=""):
    """Return the bytes of a DOCX holding `paragraphs` (and a table's rows)."""
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=0, cols=len(table[0]))
        for row in table:
            for cell, text in zip(grid.add_row().cells, row, strict=True):
                cell.text = text
    if header:
        document.sections[0].header.paragraphs[0].text = header
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def docx_upload(data, name="template.docx"):
    return SimpleUploadedFile(name, data, content_type=DOCX_TYPE)


def zip_bomb_docx():
    """A small archive named .docx that would unpack to 20 MB of zeros."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (20 * 1024 * 1024))
    return output.getvalue()


def docx_text(data):
    """Return every text of a DOCX: paragraphs, table cells, headers."""
    document = Document(io.BytesIO(data))
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    for section in document.sections:
        lines += [paragraph.text for paragraph in section.header.paragraphs]
        lines += [paragraph.text for paragraph in section.footer.paragraphs]
    return "\n".join(lines)


def docx_images(data):
    """Return the names of the pictures inside a DOCX."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [name for name in archive.namelist() if name.startswith("word/media/")]


def pdf_text(data):
    """Return the text of every page of a PDF."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def response_bytes(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content
