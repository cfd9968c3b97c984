"""The partner list's table (django-tables2), sortable by column."""

import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from mitra.partners.countries import country_name


class PartnerTable(tables.Table):
    """Partners with their agreement counts.

    The queryset must carry the `agreement_count` and `in_force_count`
    annotations and prefetch `aliases` (see `views.partner_rows`).
    """

    code = tables.Column(verbose_name=_("Code"))
    name = tables.Column(verbose_name=_("Name"))
    kind = tables.Column(
        verbose_name=_("Kind"), order_by=("kind__ordering", "kind__name")
    )
    scope = tables.Column(verbose_name=_("Scope"))
    country = tables.Column(verbose_name=_("Country"))
    agreement_count = tables.Column(
        verbose_name=_("Agreements"),
        attrs={"th": {"class": "text-end"}, "td": {"class": "text-end"}},
    )
    in_force_count = tables.Column(
        verbose_name=_("In force"),
        attrs={"th": {"class": "text-end"}, "td": {"class": "text-end"}},
    )

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        order_by = ("name",)
        empty_text = _("No partners match.")
        sequence = (
            "code",
            "name",
            "kind",
            "scope",
            "country",
            "agreement_count",
            "in_force_count",
        )

    def render_country(self, value):
        return country_name(value)

    def render_name(self, record):
        aliases = format_html_join(
            ", ", "{}", ((a.name,) for a in record.aliases.all())
        )
        if not aliases:
            return format_html(
                '<a href="{}">{}</a>', record.get_absolute_url(), record.name
            )
        return format_html(
            '<a href="{}">{}</a><div class="small text-body-secondary">{}</div>',
            record.get_absolute_url(),
            record.name,
            aliases,
        )

    def render_scope(self, record):
        return record.get_scope_display()
