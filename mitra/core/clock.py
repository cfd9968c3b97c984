"""The one clock of Mitra: every "today" and "now" is read here.

Dates are reckoned in the institution's time zone (Asia/Jakarta by
default), so a deadline falls at the end of the day there, not in UTC.
Tests move the clock with `frozen(...)`.
"""

import contextlib
import datetime

from django.utils import timezone

#: Plausible dates for a document of the office. Anything outside is far
#: more likely a typing error ("2204" for "2024") than a real date.
EARLIEST_DATE = datetime.date(1950, 1, 1)
LATEST_DATE = datetime.date(2199, 12, 31)

_frozen_now = None


def now():
    """Return the current aware datetime (or the frozen one in tests)."""
    return _frozen_now if _frozen_now is not None else timezone.now()


def today():
    """Return today's date in the institution's time zone."""
    return timezone.localdate(now())


@contextlib.contextmanager
def frozen(moment):
    """Freeze the clock at `moment` (an aware datetime, or a date at noon)."""
    global _frozen_now
    if isinstance(moment, datetime.date) and not isinstance(moment, datetime.datetime):
        moment = timezone.make_aware(
            datetime.datetime.combine(moment, datetime.time(12))
        )
    previous, _frozen_now = _frozen_now, moment
    try:
        yield moment
    finally:
        _frozen_now = previous
