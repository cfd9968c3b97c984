"""The table of the proposal list (django-tables2), sortable by column."""

import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _


def status_badge(proposal):
    return render_to_string(
        "proposals/includes/status_badge.html", {"proposal": proposal}
    )


class ProposalTable(tables.Table):
    number = tables.Column(
        verbose_name=_("Number"), empty_values=(), order_by=("number", "pk")
    )
    title = tables.Column(verbose_name=_("Title"), linkify=True)
    proposer = tables.Column(
        verbose_name=_("Proposer"),
        empty_values=(),
        order_by=("unit__code", "proposer_organisation", "pk"),
    )
    partner = tables.Column(
        verbose_name=_("Partner"),
        empty_values=(),
        order_by=("partner__name", "partner_name", "pk"),
    )
    document_type = tables.Column(
        verbose_name=_("Document"), order_by=("document_type", "pk")
    )
    source = tables.Column(verbose_name=_("Source"), order_by=("source", "pk"))
    status = tables.Column(verbose_name=_("Status"), order_by=("status", "pk"))
    score = tables.Column(
        verbose_name=_("Score"),
        attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}},
        order_by=("score", "pk"),
    )
    submitted_at = tables.Column(
        verbose_name=_("Submitted"), empty_values=(), order_by=("submitted_at", "pk")
    )

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        order_by = ("-submitted_at",)
        empty_text = _("No proposals match.")
        sequence = (
            "number",
            "title",
            "proposer",
            "partner",
            "document_type",
            "source",
            "status",
            "score",
            "submitted_at",
        )

    def render_number(self, record):
        return format_html(
            '<a href="{}" class="text-nowrap">{}</a>',
            record.get_absolute_url(),
            record.number or "—",
        )

    def render_proposer(self, record):
        if record.is_external:
            return format_html(
                '{} <span class="badge text-bg-info">{}</span>',
                record.proposer_organisation or record.proposer_name,
                _("outside"),
            )
        return record.unit.code if record.unit_id else record.proposer_display or "—"

    def render_partner(self, record):
        if record.partner_id:
            return record.partner.name
        if record.partner_name:
            return format_html(
                '{} <span class="badge text-bg-light border">{}</span>',
                record.partner_name,
                _("new"),
            )
        return "—"

    def render_status(self, record):
        return status_badge(record)

    def render_score(self, value):
        return f"{value:.1f}" if value is not None else "—"

    def render_submitted_at(self, record):
        if record.submitted_at is None:
            return "—"
        return date_format(timezone.localtime(record.submitted_at), "DATE_FORMAT")
