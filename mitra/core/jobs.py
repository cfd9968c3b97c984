"""The core app's part of the daily job: sending what waits in the outbox."""

from mitra.core.daily import register
from mitra.core.notifications import send_pending

#: Runs after every other job, so the emails they queued go out in the
#: same run.
OUTBOX_ORDER = 1000


@register("core.outbox", order=OUTBOX_ORDER, atomic=False)
def outbox(as_of):
    """Send waiting emails and retry failed ones whose pause has passed."""
    return send_pending()
