"""Tables of the agreement pages (django-tables2), sortable by column."""

import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from mitra.core.fields import Scope


def validity_badge(value):
    """Render a Validity value as a coloured badge."""
    return render_to_string(
        "agreements/includes/validity_badge.html", {"validity": value}
    )


class AgreementTable(tables.Table):
    number = tables.Column(
        verbose_name=_("Number"), empty_values=(), order_by=("number", "pk")
    )
    document_type = tables.Column(
        verbose_name=_("Type"), order_by=("document_type", "number")
    )
    title = tables.Column(verbose_name=_("Title"), linkify=True)
    partner = tables.Column(
        verbose_name=_("Partner"), linkify=True, order_by=("partner__name", "pk")
    )
    scope = tables.Column(
        verbose_name=_("Scope"),
        accessor="effective_scope_value",
        order_by=("effective_scope_value", "pk"),
    )
    units = tables.Column(verbose_name=_("Units"), empty_values=(), orderable=False)
    start_date = tables.DateColumn(
        verbose_name=_("Start"), short=False, order_by=("start_date", "pk")
    )
    end_date = tables.Column(
        verbose_name=_("End"), empty_values=(), order_by=("end_date", "pk")
    )
    status = tables.Column(verbose_name=_("Status"), order_by=("status", "pk"))
    validity = tables.Column(
        verbose_name=_("Validity"), accessor="validity", order_by=("validity", "pk")
    )

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
        return date_format(record.end_date, "DATE_FORMAT")

    def render_validity(self, value):
        return validity_badge(value)
