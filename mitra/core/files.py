"""Where uploaded files are stored and how they are handed out.

Uploads live under MEDIA_ROOT and are never published by URL: a view finds
the record through the permission gate first, then streams the file as an
attachment.
"""

import secrets
from pathlib import PurePath

from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.text import slugify


def private_upload_to(instance, filename):
    """Return a storage path that cannot be guessed from the record."""
    path = PurePath(filename)
    stem = slugify(path.stem)[:80] or "file"
    suffix = path.suffix.lower()[:10]
    label = instance._meta.label_lower.replace(".", "/")
    return f"{label}/{timezone.now():%Y/%m}/{secrets.token_hex(8)}-{stem}{suffix}"


def attachment_response(field_file, *, filename=None):
    """Stream a stored file as a download, or answer 404 when it is gone."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    name = filename or PurePath(field_file.name).name.split("-", 1)[-1]
    response = FileResponse(handle, as_attachment=True, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
