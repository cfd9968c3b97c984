"""A refusal is logged as one line; an error keeps its traceback."""

import logging
import sys

from mitra.core.logs import ClientErrorsWithoutTraceback
from mitra.settings import base


def record_with(status_code):
    try:
        raise PermissionError("refused")
    except PermissionError:
        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Forbidden", (), exc_info
    )
    record.status_code = status_code
    return record


def test_a_refusal_loses_its_traceback_and_an_error_keeps_it():
    keep = ClientErrorsWithoutTraceback()

    refused, failed = record_with(403), record_with(500)

    assert keep.filter(refused) and keep.filter(failed)
    assert refused.exc_info is None
    assert failed.exc_info is not None


def test_the_server_log_writes_each_request_line_once_without_refusal_tracebacks():
    loggers = base.LOGGING["loggers"]
    filters = base.LOGGING["filters"]

    assert loggers["django"]["propagate"] is False
    (name,) = loggers["django.request"]["filters"]
    assert filters[name]["()"] == "mitra.core.logs.ClientErrorsWithoutTraceback"
