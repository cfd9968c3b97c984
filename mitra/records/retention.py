"""Retention dates, reckoned the way people count years.

A record issued on 15 March 2020 and kept five years is kept up to and
including 14 March 2025; from 15 March 2025 it may be disposed of. A record
issued on 29 February is kept until 28 February of its last year (the
anniversary falls on 1 March then): never a day short of the full term.
"""

import datetime

from django.conf import settings


def default_years():
    """Return the retention in years for a record type that sets none."""
    return settings.MITRA_RECORD_RETENTION_YEARS


def anniversary(day, years):
    """Return the date `years` after `day` (1 March when 29 February lacks)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return datetime.date(day.year + years, 3, 1)


def retain_until(issued_on, years):
    """Return the last day a record issued on `issued_on` must be kept."""
    return anniversary(issued_on, years) - datetime.timedelta(days=1)
