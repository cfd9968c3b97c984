"""The notification centre: a user's own notifications and email preference."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from mitra.core import notifications
from mitra.core.models import Notification, User
from mitra.core.permissions import get_for_user_or_404, visible


class NotificationPreferenceForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["notify_by_email"]


def notification_list(request):
    """List the signed-in user's notifications, newest first, a page at a time."""
    unread_only = request.GET.get("show") == "unread"
    rows = visible(request.user, Notification.objects.all())
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    page = Paginator(rows, settings.MITRA_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "core/notifications.html",
        {"page": page, "notifications": page.object_list, "unread_only": unread_only},
    )


@require_POST
def notification_read(request, pk):
    """Mark one of the user's notifications read; with `open`, go to its subject."""
    notification = get_for_user_or_404(Notification.objects.all(), request.user, pk=pk)
    notifications.mark_read(notification=notification)
    if request.POST.get("open") and _is_safe(request, notification.url):
        return redirect(notification.url)
    return _back(request)


@require_POST
def notifications_read_all(request):
    """Mark every unread notification of the user read."""
    count = notifications.mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return _back(request)


def notification_preferences(request):
    """Let the user choose email and in-app, or in-app only."""
    data = request.POST if request.method == "POST" else None
    form = NotificationPreferenceForm(data, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your notification settings are saved."))
        return _back(request, default="notification_preferences")
    return render(request, "core/notifications_preferences.html", {"form": form})


def _is_safe(request, url):
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def _back(request, default="notifications"):
    target = request.POST.get("next", "")
    return redirect(target if _is_safe(request, target) else default)
