"""Settings for the test suite."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "mitra.core.files.PrivateInMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = False
LOGGING = {"version": 1, "disable_existing_loggers": False}
# The live server of browser tests needs a media prefix to route; nothing in
# the application serves files by URL.
MEDIA_URL = "/test-media/"
# Tests assert on messages as written in the code; tests of the Indonesian
# default switch back with the `indonesian` marker (tests/conftest.py).
LANGUAGE_CODE = "en"
