from django.conf import settings
from django.utils.functional import SimpleLazyObject

from mitra.core.permissions import is_staff_user, manages_all


def mitra(request):
    """Values every page's layout needs."""
    user = getattr(request, "user", None)
    return {
        "institution_name": settings.MITRA_INSTITUTION_NAME,
        "user_manages_all": manages_all(user),
        "user_manages_users": _manages_users(user),
        "unread_notifications": _unread_notifications(user),
    }


def _unread_notifications(user):
    """The user's unread count, counted (one query) only if a page shows it."""
    if not is_staff_user(user):
        return 0
    from mitra.core.notifications import unread_count

    return SimpleLazyObject(lambda: unread_count(user))


def _manages_users(user):
    """Whether the layout offers the user and unit administration pages."""
    from mitra.core.models import User
    from mitra.core.permissions import Action, can

    return can(user, Action.MANAGE_USERS, User)
