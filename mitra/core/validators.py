"""Checks on uploaded files: size, real content type, and safe archives.

The extension a browser sends proves nothing, so each file is recognised by
its first bytes. Office files are ZIP archives: before anything unpacks one,
its directory is read to refuse archives that would unpack to far more than
they weigh (a "zip bomb").
"""

import io
import zipfile
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: An office file unpacking beyond this is refused.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
#: ... and so is one whose members compress better than this ratio.
MAX_COMPRESSION_RATIO = 200
MAX_ZIP_MEMBERS = 5000

OOXML_MARKERS = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}
KIND_LABELS = {
    "pdf": "PDF",
    "docx": "Word (DOCX)",
    "xlsx": "Excel (XLSX)",
    "pptx": "PowerPoint (PPTX)",
    "jpg": "JPEG",
    "png": "PNG",
}


def max_upload_bytes():
    return settings.MITRA_MAX_UPLOAD_MB * 1024 * 1024


def _read_head(file, size=8192):
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(size)
    file.seek(position)
    return head


def check_zip_archive(data):
    """Raise ValidationError when a ZIP would unpack dangerously.

    `data` is bytes or a seekable binary file.
    """
    source = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ValidationError(
            _("The file is damaged: it is not a readable archive."), code="bad_zip"
        ) from error
    finally:
        if not isinstance(data, bytes | bytearray):
            data.seek(0)
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members) or 1
    if (
        len(members) > MAX_ZIP_MEMBERS
        or unpacked > MAX_UNPACKED_BYTES
        or unpacked / packed > MAX_COMPRESSION_RATIO
    ):
        raise ValidationError(
            _("The file unpacks to far more than its size and was refused."),
            code="zip_bomb",
        )
    return {member.filename for member in members}


def detect_kind(file):
    """Return the kind of a file from its content: 'pdf', 'docx', …, or None."""
    head = _read_head(file)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        names = check_zip_archive(file)
        for kind, marker in OOXML_MARKERS.items():
            if marker in names:
                return kind
        return "zip"
    guess = filetype.guess(head)
    return guess.extension if guess else None


#: The extensions a file of each kind may be named with.
EXTENSIONS = {
    "pdf": {"pdf"},
    "docx": {"docx"},
    "xlsx": {"xlsx"},
    "pptx": {"pptx"},
    "jpg": {"jpg", "jpeg", "jpe"},
    "png": {"png"},
}


def check_extension(file, kind):
    """Refuse a file whose name claims another kind than its content.

    It is kept and later downloaded under its name: a PNG named `.docx`
    would open in no program. A name without an extension is accepted.
    """
    name = PurePath(getattr(file, "name", "") or "").name
    suffix = PurePath(name).suffix.lower().lstrip(".")
    if suffix and suffix not in EXTENSIONS.get(kind, {kind}):
        raise ValidationError(
            _(
                "The file's name ends in .%(suffix)s but it is a %(kind)s file: "
                "rename it to .%(extension)s and choose it again."
            )
            % {
                "suffix": suffix,
                "kind": KIND_LABELS.get(kind, kind),
                "extension": kind,
            },
            code="wrong_extension",
        )


class FileValidator:
    """Accept a file only if its content is one of `kinds` and it is small."""

    def __init__(self, *kinds):
        self.kinds = kinds

    def __call__(self, file):
        if file.size > max_upload_bytes():
            raise ValidationError(
                _("The file is too large: the limit is %(limit)s MB.")
                % {"limit": settings.MITRA_MAX_UPLOAD_MB},
                code="too_large",
            )
        if file.size == 0:
            raise ValidationError(_("The file is empty."), code="empty")
        kind = detect_kind(file)
        if kind not in self.kinds:
            raise ValidationError(
                _("This file is not an accepted type. Accepted: %(kinds)s.")
                % {"kinds": ", ".join(KIND_LABELS.get(k, k) for k in self.kinds)},
                code="bad_type",
            )
        check_extension(file, kind)

    def __eq__(self, other):
        return isinstance(other, FileValidator) and self.kinds == other.kinds

    def deconstruct(self):
        return ("mitra.core.validators.FileValidator", self.kinds, {})


validate_pdf = FileValidator("pdf")
validate_evidence_file = FileValidator("pdf", "jpg", "png", "docx", "xlsx", "pptx")
