"""The records register's part of the daily job.

Once a month, while records past their retention wait for a disposal list,
the head of the office is told how many there are. Nothing is ever disposed
of automatically: disposal needs the head's approval of a list.
"""

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mitra.core.daily import dedupe_key, register
from mitra.core.models import Role, User
from mitra.core.notifications import language_of, notify
from mitra.records.services import disposable_records


@register("records.disposal_due", order=60)
def disposal_due(as_of):
    """Tell the head, once a month, how many records may be disposed of."""
    count = disposable_records(as_of).count()
    if not count:
        return {"disposable": 0, "notifications": 0}

    key = dedupe_key("records.disposal_due", f"{as_of:%Y-%m}")
    sent = 0
    for user in User.objects.filter(is_active=True, role=Role.HEAD):
        with translation.override(language_of(user)):
            title = ngettext(
                "%(count)s record is past its retention",
                "%(count)s records are past their retention",
                count,
            ) % {"count": count}
            body = _("Build a disposal list and approve it to dispose of them.")
        created = notify(
            user=user,
            title=title,
            body=body,
            url=reverse("records:disposal_index"),
            dedupe_key=key,
            immediate=False,
        )
        sent += created is not None
    return {"disposable": count, "notifications": sent}
