"""Where uploaded files are stored and how they are handed out.

Uploads live under MEDIA_ROOT and are never published by URL: a view finds
the record through the permission gate first, then streams the file as an
attachment. The storages below say so when asked for a URL (MEDIA_URL is
None), so a page that asks, such as the Django admin's, shows no link
instead of failing.
"""

import secrets
from pathlib import PurePath

from django.core.files.storage import FileSystemStorage, InMemoryStorage
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.text import slugify


class _PrivateURLMixin:
    """Give no URL for a file while MEDIA_URL is None.

    Django's storages raise ValueError then, and a page that renders
    `FieldFile.url` fails with a server error; an empty URL is "none to
    give" to templates and serializers alike.
    """

    def url(self, name):
        if self.base_url is None:
            return ""
        return super().url(name)


class PrivateFileSystemStorage(_PrivateURLMixin, FileSystemStorage):
    """The files of MEDIA_ROOT, handed out only by Mitra's own views."""


class PrivateInMemoryStorage(_PrivateURLMixin, InMemoryStorage):
    """The test suite's storage, private in the same way."""


def private_upload_to(instance, filename):
    """Return a storage path that cannot be guessed from the record."""
    path = PurePath(filename)
    stem = slugify(path.stem)[:80] or "file"
    suffix = path.suffix.lower()[:10]
    label = instance._meta.label_lower.replace(".", "/")
    return f"{label}/{timezone.now():%Y/%m}/{secrets.token_hex(8)}-{stem}{suffix}"


class StoredFileMissing(Http404):
    """The record may be seen, but its file is gone from storage: the 404
    page says so, so that someone uploads it again."""


def attachment_response(field_file, *, filename=None):
    """Stream a stored file as a download, or answer 404 when it is gone."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise StoredFileMissing from error
    name = filename or PurePath(field_file.name).name.split("-", 1)[-1]
    response = FileResponse(handle, as_attachment=True, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
