"""The user list's table (django-tables2), sortable by column."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _


class UserTable(tables.Table):
    """Accounts with their role and units; the queryset prefetches `units`."""

    name = tables.Column(
        verbose_name=_("Name"),
        empty_values=(),
        order_by=("first_name", "last_name", "username"),
    )
    username = tables.Column(verbose_name=_("Username"))
    email = tables.Column(verbose_name=_("Email"))
    role = tables.Column(verbose_name=_("Role"), order_by=("is_superuser", "role"))
    units = tables.Column(verbose_name=_("Units"), empty_values=(), orderable=False)
    position = tables.Column(verbose_name=_("Position"))
    is_active = tables.Column(verbose_name=_("Active"))
    last_login = tables.Column(verbose_name=_("Last log-in"), empty_values=())

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        order_by = ("name",)
        empty_text = _("No users match.")
        sequence = (
            "name",
            "username",
            "email",
            "role",
            "units",
            "position",
            "is_active",
            "last_login",
        )

    def render_name(self, record):
        return format_html(
            '<a href="{}">{}</a>', reverse("user_detail", args=[record.pk]), str(record)
        )

    def render_role(self, record):
        return record.role_label

    def render_units(self, record):
        return ", ".join(unit.code for unit in record.units.all()) or "—"

    def render_is_active(self, record):
        if record.is_active:
            return format_html(
                '<span class="badge text-bg-success">{}</span>', _("Yes")
            )
        return format_html('<span class="badge text-bg-secondary">{}</span>', _("No"))

    def render_last_login(self, record):
        if record.last_login is None:
            return _("never")
        # Stored in UTC: the day is the one in the institution's time zone.
        return date_format(localtime(record.last_login), "SHORT_DATE_FORMAT")
