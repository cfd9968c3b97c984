"""Logging filters that keep the server log readable.

A refusal (403, 404, 410, 429) is the application working as meant: it is
logged as one line with its path, and the traceback is kept for errors.
"""

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """Drop the traceback of a request logged with a 4xx status."""

    def filter(self, record):
        if 400 <= getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
