"""The meeting list's table (django-tables2), sortable by column."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from mitra.planning.models import Meeting


class MeetingTable(tables.Table):
    """Meetings with their counts (`open_actions` annotated by the view)."""

    date = tables.DateColumn(verbose_name=_("Date"), format="SHORT_DATE_FORMAT")
    title = tables.Column(verbose_name=_("Meeting"))
    kind = tables.Column(verbose_name=_("Kind"))
    place = tables.Column(verbose_name=_("Place"))
    status = tables.Column(verbose_name=_("Minutes"))
    open_actions = tables.Column(
        verbose_name=_("Open actions"),
        attrs={"th": {"class": "text-end"}, "td": {"class": "text-end"}},
    )

    class Meta:
        model = Meeting
        fields = ("date", "title", "kind", "place", "status", "open_actions")
        attrs = {"class": "table table-sm table-hover align-middle"}
        order_by = ("-date",)
        empty_text = _("No meetings match.")

    def render_title(self, record):
        subject = record.unit or record.partner
        if subject is None:
            return format_html(
                '<a href="{}">{}</a>', record.get_absolute_url(), record.title
            )
        return format_html(
            '<a href="{}">{}</a><div class="small text-body-secondary">{}</div>',
            record.get_absolute_url(),
            record.title,
            subject,
        )

    def render_status(self, record):
        colour = "success" if record.is_approved else "secondary"
        return format_html(
            '<span class="badge text-bg-{}">{}</span>',
            colour,
            record.get_status_display(),
        )
