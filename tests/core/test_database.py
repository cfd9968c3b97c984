"""The embedded database behaves under concurrent requests."""

import pytest


def test_sqlite_takes_the_write_lock_when_a_transaction_begins(settings):
    # A survey sent twice at once: the second waits, then finds it answered
    # (410), instead of failing with "database is locked".
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("SQLite only")
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert database["OPTIONS"]["timeout"] >= 10
