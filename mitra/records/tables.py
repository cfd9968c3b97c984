"""Tables of the records register (django-tables2), sortable by column."""

import django_tables2 as tables
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from mitra.core.clock import today


def state_badge(record, on=None):
    """Return the badge saying whether `record` is kept, held or disposable."""
    if record.on_hold:
        return format_html(
            '<span class="badge text-bg-danger">{}</span>', _("Legal hold")
        )
    if record.is_retained(on or today()):
        return format_html('<span class="badge text-bg-success">{}</span>', _("Kept"))
    return format_html(
        '<span class="badge text-bg-secondary">{}</span>', _("Past retention")
    )


class RecordTable(tables.Table):
    """Records with their type; the queryset selects `record_type` and
    `document`."""

    title = tables.Column(verbose_name=_("Title"))
    record_type = tables.Column(
        verbose_name=_("Record type"),
        order_by=("record_type__ordering", "record_type__name"),
    )
    issued_on = tables.Column(verbose_name=_("Issued on"))
    retain_until = tables.Column(verbose_name=_("Kept until"))
    storage_location = tables.Column(verbose_name=_("Storage location"))
    origin = tables.Column(verbose_name=_("Origin"), accessor="pk", orderable=False)
    state = tables.Column(verbose_name=_("State"), accessor="pk", orderable=False)

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        order_by = ("-issued_on",)
        empty_text = _("No records match.")
        sequence = (
            "title",
            "record_type",
            "issued_on",
            "retain_until",
            "storage_location",
            "origin",
            "state",
        )

    def render_title(self, record):
        return format_html(
            '<a href="{}">{}</a>', record.get_absolute_url(), record.title
        )

    def render_record_type(self, record):
        return record.record_type.display_name

    def render_issued_on(self, value):
        return date_format(value, "DATE_FORMAT")

    def render_retain_until(self, value):
        return date_format(value, "DATE_FORMAT")

    def render_origin(self, record):
        if not record.document_id:
            return _("Registered by hand")
        # Versions of one document share its title: the version tells them apart.
        return _("Issued in Mitra, version %(version)s") % {
            "version": record.document.version
        }

    def render_state(self, record):
        return state_badge(record)
