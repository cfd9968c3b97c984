"""Tables of the agreement pages (django-tables2), sortable by column."""

import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from mitra.agreements.models import Validity
from mitra.core.fields import Scope


def validity_badge(value):
    """Render a Validity value as a coloured badge."""
    return render_to_string(
        "agreements/includes/validity_badge.html",
        {"validity": value, "label": Validity(value).label if value else ""},
    )


class AgreementTable(tables.Table):
    number = tables.Column(verbose_name=_("Number"), empty_values=())
    document_type = tables.Column(verbose_name=_("Type"))
    title = tables.Column(verbose_name=_("Title"), linkify=True)
    partner = tables.Column(
        verbose_name=_("Partner"), linkify=True, order_by=("partner__name",)
    )
    scope = tables.Column(
        verbose_name=_("Scope"),
        accessor="effective_scope_value",
        order_by=("effective_scope_value",),
    )
    units = tables.Column(verbose_name=_("Units"), empty_values=(), orderable=False)
    start_date = tables.DateColumn(verbose_name=_("Start"), short=False)
    end_date = tables.Column(verbose_name=_("End"), empty_values=())
    status = tables.Column(verbose_name=_("Status"))
    validity = tables.Column(verbose_name=_("Validity"), accessor="validity")

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        order_by = ("-start_date",)
        empty_text = _("No agreements match.")
        sequence = (
            "number",
            "document_type",
            "title",
            "partner",
            "scope",
            "units",
            "start_date",
            "end_date",
            "status",
            "validity",
        )

    def render_number(self, record):
        return format_html(
            '<a href="{}" class="text-nowrap">{}</a>',
            record.get_absolute_url(),
            record.number or _("(no number)"),
        )

    def render_scope(self, value):
        return Scope(value).label if value else "—"

    def render_units(self, record):
        return ", ".join(unit.code for unit in record.units.all()) or "—"

    def render_end_date(self, record):
        if record.end_date is None:
            return _("open-ended") if not record.is_pre_signing else "—"
        return format_html("{}", _date(record.end_date))

    def render_validity(self, value):
        return validity_badge(value)


def _date(value):
    from django.utils.formats import date_format

    return date_format(value, "DATE_FORMAT")
