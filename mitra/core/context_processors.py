from django.conf import settings

from mitra.core.permissions import manages_all


def mitra(request):
    """Values every page's layout needs."""
    user = getattr(request, "user", None)
    return {
        "institution_name": settings.MITRA_INSTITUTION_NAME,
        "user_manages_all": manages_all(user),
    }
