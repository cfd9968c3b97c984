"""Partner pages: list, detail, create and edit, aliases, contacts, duplicates
and merges.

Views stay thin: records are found through the permission gate
(`get_for_user_or_404`), actions are checked with `require`, and every
change goes through `mitra.partners.services`.
"""

from types import SimpleNamespace

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST
from django_tables2 import RequestConfig

from mitra.agreements.models import Agreement, Validity
from mitra.core.clock import today
from mitra.core.exports import csv_response, xlsx_response
from mitra.core.history import history_entries
from mitra.core.permissions import Action, can, get_for_user_or_404, require
from mitra.partners import services
from mitra.partners.filters import PartnerFilterSet
from mitra.partners.forms import AliasForm, ContactForm, PartnerForm
from mitra.partners.models import Contact, Partner
from mitra.partners.tables import PartnerTable

#: Bootstrap colour of each validity on the partner's agreements.
VALIDITY_COLOURS = {
    Validity.IN_FORCE: "success",
    Validity.EXPIRING: "warning",
    Validity.EXPIRED: "secondary",
    Validity.TERMINATED: "dark",
    Validity.NOT_STARTED: "info",
    Validity.NOT_SIGNED: "light",
}


def _count(agreements):
    """Return the number of `agreements` of the outer partner, as a subquery."""
    counted = (
        agreements.filter(partner=OuterRef("pk"))
        .order_by()
        .values("partner")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def partner_rows(user):
    """Return the partners `user` may see, with the agreements they may see
    counted (`agreement_count`, `in_force_count`)."""
    agreements = Agreement.objects.for_user(user)
    return (
        Partner.objects.for_user(user)
        .select_related("kind")
        .prefetch_related("aliases")
        .annotate(
            agreement_count=_count(agreements),
            in_force_count=_count(agreements.in_force(today())),
        )
    )


def _add_errors(form, error):
    """Show a service's ValidationError on the form's fields."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _safe_next(request, fallback):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# --- list ----------------------------------------------------------------

EXPORT_HEADERS = [
    _("Code"),
    _("Name"),
    _("Aliases"),
    _("Kind"),
    _("Scope"),
    _("Country"),
    _("Address"),
    _("Website"),
    _("Email"),
    _("Phone"),
    _("Agreements"),
    _("In force"),
]


def _export(table, kind):
    headers = [str(header) for header in EXPORT_HEADERS]
    rows = (
        [
            partner.code,
            partner.name,
            "; ".join(alias.name for alias in partner.aliases.all()),
            partner.kind.name if partner.kind else "",
            partner.get_scope_display(),
            partner.country,
            partner.address,
            partner.website,
            partner.email,
            partner.phone,
            partner.agreement_count,
            partner.in_force_count,
        ]
        for partner in table.data
    )
    filename = f"mitra-partners-{today():%Y%m%d}"
    if kind == "xlsx":
        return xlsx_response(filename, headers, rows, title=_("Partners"))
    return csv_response(filename, headers, rows)


def partner_list(request):
    """List the partners, filtered, searched, sorted; export as CSV or XLSX."""
    filterset = PartnerFilterSet(
        request.GET or None, queryset=partner_rows(request.user), request=request
    )
    table = PartnerTable(filterset.qs)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        RequestConfig(request, paginate=False).configure(table)
        return _export(table, export)

    RequestConfig(request, paginate={"per_page": settings.MITRA_PAGE_SIZE}).configure(
        table
    )
    return render(
        request,
        "partners/partner_list.html",
        {
            "filterset": filterset,
            "table": table,
            "can_add": can(request.user, Action.ADD, Partner),
            "can_merge": can(request.user, Action.MERGE, Partner),
        },
    )


# --- detail --------------------------------------------------------------


def _partner(request, pk):
    return get_for_user_or_404(
        Partner.objects.select_related("kind", "created_by"), request.user, pk=pk
    )


def _detail_context(request, partner, *, alias_form=None):
    user = request.user
    agreements = list(
        Agreement.objects.for_user(user)
        .filter(partner=partner)
        .with_validity(today())
        .prefetch_related("units")
        .order_by("-start_date", "-pk")
    )
    for agreement in agreements:
        agreement.validity_label = Validity(agreement.validity).label
        agreement.validity_colour = VALIDITY_COLOURS.get(agreement.validity, "light")
    contacts = list(Contact.objects.for_user(user).filter(partner=partner))
    for contact in contacts:
        contact.can_change = can(user, Action.CHANGE, contact)
        contact.can_delete = can(user, Action.DELETE, contact)
    merges = list(partner.merges.select_related("merged_by"))
    for merge in merges:
        merge.described = services.describe_records(merge.moved.get("records", {}))
    can_merge = can(user, Action.MERGE, partner)
    return {
        "partner": partner,
        "aliases": list(partner.aliases.all()),
        "contacts": contacts,
        "agreements": agreements,
        "duplicates": (
            services.duplicate_suggestions(partner=partner, limit=10)
            if can_merge
            else []
        ),
        "merges": merges,
        "history": history_entries(partner),
        "can_change": can(user, Action.CHANGE, partner),
        "can_merge": can_merge,
        "can_add_contact": can(user, Action.ADD, Contact),
        "alias_form": alias_form or AliasForm(),
    }


def partner_detail(request, pk):
    """Show a partner with its aliases, contacts, agreements and history."""
    partner = _partner(request, pk)
    return render(
        request, "partners/partner_detail.html", _detail_context(request, partner)
    )


# --- create and edit -----------------------------------------------------


def _name_check_context(name, *, exclude=None):
    """Return what the form shows about `name`: its owner or similar partners."""
    name = " ".join((name or "").split())
    if len(name) < 2:
        return {"owner": None, "similar": []}
    owner = services.name_owner(name, exclude=exclude)
    similar = [] if owner else services.name_suggestions(name=name, exclude=exclude)
    return {"owner": owner, "similar": similar}


def name_check(request):
    """Return the similar-partner warning shown while a name is typed (htmx)."""
    require(request.user, Action.VIEW, Partner)
    exclude = None
    partner_id = request.GET.get("partner", "")
    if partner_id.isdigit():
        exclude = Partner.objects.for_user(request.user).filter(pk=partner_id).first()
    return render(
        request,
        "partners/includes/name_check.html",
        _name_check_context(request.GET.get("name"), exclude=exclude),
    )


def _similar_message(partner, similar):
    links = format_html_join(
        ", ",
        '<a href="{}">{}</a> ({})',
        (
            (other.get_absolute_url(), other.name, other.code)
            for other, _match in similar
        ),
    )
    return format_html(
        "{} {}", _("This partner may already have been registered as:"), links
    )


@require_http_methods(["GET", "POST"])
def partner_create(request):
    """Register a partner; likely duplicates are shown but do not block."""
    require(request.user, Action.ADD, Partner)
    form = PartnerForm(request.POST or None)
    if form.is_bound and form.is_valid():
        try:
            partner = services.partner_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Partner created."))
            similar = services.name_suggestions(name=partner.name, exclude=partner)
            if similar:
                messages.warning(request, _similar_message(partner, similar))
            return redirect(partner)
    check = _name_check_context(form["name"].value()) if form.is_bound else {}
    return render(
        request,
        "partners/partner_form.html",
        {"form": form, "partner": None, **check},
    )


@require_http_methods(["GET", "POST"])
def partner_edit(request, pk):
    """Change a partner's data (office and head)."""
    partner = _partner(request, pk)
    require(request.user, Action.CHANGE, partner)
    title = partner.name
    form = PartnerForm(request.POST or None, instance=partner)
    if form.is_bound and form.is_valid():
        try:
            services.partner_update(
                partner=partner, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Partner saved."))
            return redirect(partner)
    check = (
        _name_check_context(form["name"].value(), exclude=partner)
        if form.is_bound
        else {}
    )
    return render(
        request,
        "partners/partner_form.html",
        {"form": form, "partner": partner, "title": title, **check},
    )


# --- aliases -------------------------------------------------------------


@require_POST
def alias_add(request, pk):
    partner = _partner(request, pk)
    require(request.user, Action.CHANGE, partner)
    form = AliasForm(request.POST)
    if form.is_valid():
        try:
            services.alias_add(
                partner=partner, name=form.cleaned_data["name"], by=request.user
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Alias added."))
            return redirect(partner)
    return render(
        request,
        "partners/partner_detail.html",
        _detail_context(request, partner, alias_form=form),
    )


@require_POST
def alias_remove(request, pk, alias_pk):
    partner = _partner(request, pk)
    require(request.user, Action.CHANGE, partner)
    alias = get_object_or_404(partner.aliases, pk=alias_pk)
    services.alias_remove(alias=alias, by=request.user)
    messages.success(request, _("Alias removed."))
    return redirect(partner)


# --- contacts ------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def contact_create(request, pk):
    partner = _partner(request, pk)
    require(request.user, Action.ADD, Contact)
    form = ContactForm(request.POST or None)
    if form.is_bound and form.is_valid():
        try:
            services.contact_create(
                partner=partner, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Contact added."))
            return redirect(partner)
    return render(
        request,
        "partners/contact_form.html",
        {"form": form, "partner": partner, "contact": None},
    )


def _contact(request, pk):
    return get_for_user_or_404(
        Contact.objects.select_related("partner"), request.user, pk=pk
    )


@require_http_methods(["GET", "POST"])
def contact_edit(request, pk):
    contact = _contact(request, pk)
    require(request.user, Action.CHANGE, contact)
    form = ContactForm(request.POST or None, instance=contact)
    if form.is_bound and form.is_valid():
        try:
            services.contact_update(
                contact=contact, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Contact saved."))
            return redirect(contact.partner)
    return render(
        request,
        "partners/contact_form.html",
        {"form": form, "partner": contact.partner, "contact": contact},
    )


@require_POST
def contact_delete(request, pk):
    contact = _contact(request, pk)
    require(request.user, Action.DELETE, contact)
    partner = contact.partner
    services.contact_delete(contact=contact, by=request.user)
    messages.success(request, _("Contact removed."))
    return redirect(partner)


# --- duplicates and merges -----------------------------------------------


def duplicates(request):
    """List every likely duplicate pair for the office to merge or dismiss."""
    require(request.user, Action.MERGE, Partner)
    return render(
        request,
        "partners/duplicates.html",
        {"pairs": services.duplicate_suggestions(limit=200)},
    )


@require_POST
def dismiss(request, pk, other_pk):
    """Record that two partners are not the same organisation."""
    partner, other = _partner(request, pk), _partner(request, other_pk)
    require(request.user, Action.MERGE, partner)
    require(request.user, Action.MERGE, other)
    try:
        services.duplicate_dismiss(partner=partner, other=other, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(first)s and %(second)s will no longer be suggested as duplicates.")
            % {"first": partner.name, "second": other.name},
        )
    return redirect(_safe_next(request, partner.get_absolute_url()))


@require_http_methods(["GET", "POST"])
def merge(request, pk, other_pk):
    """Confirm, then merge partner `other_pk` into partner `pk` (kept)."""
    kept, absorbed = _partner(request, pk), _partner(request, other_pk)
    require(request.user, Action.MERGE, kept)
    require(request.user, Action.MERGE, absorbed)
    if kept.pk == absorbed.pk:
        messages.error(request, _("A partner cannot be merged into itself."))
        return redirect(kept)

    error = None
    if request.method == "POST":
        try:
            record = services.partner_merge(
                kept=kept, absorbed=absorbed, by=request.user
            )
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(
                request,
                _("%(absorbed)s was merged into %(kept)s.")
                % {"absorbed": record.absorbed_name, "kept": kept.name},
            )
            return redirect(kept)

    plan = services.merge_plan(kept=kept, absorbed=absorbed)
    filled = [
        (Partner._meta.get_field(name).verbose_name, getattr(absorbed, name))
        for name in plan.filled
    ]
    return render(
        request,
        "partners/merge_confirm.html",
        {
            "kept": kept,
            "absorbed": absorbed,
            "records": services.describe_records(plan.records),
            "aliases": plan.aliases,
            "filled": filled,
            "error": error,
        },
    )


def merge_detail(request, pk, merge_pk):
    """Show one recorded merge and the history of the partner it absorbed."""
    partner = _partner(request, pk)
    record = get_object_or_404(partner.merges.select_related("merged_by"), pk=merge_pk)
    absorbed = SimpleNamespace(history=services.absorbed_history(record))
    return render(
        request,
        "partners/merge_detail.html",
        {
            "partner": partner,
            "merge": record,
            "records": services.describe_records(record.moved.get("records", {})),
            "aliases": record.moved.get("aliases", []),
            "filled": [
                Partner._meta.get_field(name).verbose_name
                for name in record.moved.get("filled", [])
                if name in services.PARTNER_FIELDS
            ],
            "history": history_entries(absorbed),
        },
    )
