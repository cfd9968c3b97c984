"""The public site: active partners, published policies, the way to propose.

Every page here is open without logging in (`login_not_required`) and reads
only through `mitra.public.selectors`, which returns public fields of
partners with an agreement in force and of published documents. Nothing is
rate-limited (the pages only read), and odd query strings are ignored,
never an error.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from mitra.core.clock import today
from mitra.core.fields import Scope
from mitra.core.files import attachment_response
from mitra.partners.countries import countries_named, country_key, country_name
from mitra.public import selectors
from mitra.public.forms import PublicPartnerFilterForm
from mitra.records.views import policy_filename

PARTNERS_PER_PAGE = 50
#: URL names of the partner proposal form, the first that exists is linked.
PROPOSAL_FORM_URLS = ("proposals:public_create", "proposals:public")


def proposal_form_url():
    """Return the address of the public proposal form, or "" while none."""
    for name in PROPOSAL_FORM_URLS:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return ""


def _context(**values):
    return {
        "proposal_url": proposal_form_url(),
        "site_name": settings.MITRA_INSTITUTION_NAME or "Mitra",
        **values,
    }


@login_not_required
def root(request):
    """The site's front door: staff go to their dashboard, others to the
    public home."""
    if request.user.is_authenticated:
        return redirect("reports:dashboard")
    return home(request)


@login_not_required
def home(request):
    rows = list(selectors.active_partners())
    return render(
        request,
        "public/home.html",
        _context(
            partner_count=len(rows),
            country_count=len(countries_named(row["country"] for row in rows)),
            international_count=sum(row["scope"] == "international" for row in rows),
            policy_count=selectors.public_policies().count(),
            today=today(),
        ),
    )


def _matches(row, chosen):
    if chosen.get("kind") and row["kind__code"] != chosen["kind"]:
        return False
    if chosen.get("country") and country_key(row["country"]) != chosen["country"]:
        return False
    if chosen.get("scope") and row["scope"] != chosen["scope"]:
        return False
    words = (chosen.get("q") or "").casefold().split()
    return all(word in row["name"].casefold() for word in words)


@login_not_required
def partner_list(request):
    """Partners with an agreement in force: filters and a chart by country."""
    language = get_language() or ""
    rows = list(selectors.active_partners())
    scopes = dict(Scope.choices)
    for row in rows:
        row["kind_label"] = selectors.kind_label(row, language)
        row["scope_label"] = scopes.get(row["scope"], "")
        row["country_label"] = country_name(row["country"])
    kinds = sorted(
        {(row["kind__code"], row["kind_label"]) for row in rows if row["kind__code"]},
        key=lambda kind: kind[1],
    )
    countries = countries_named(row["country"] for row in rows)
    form = PublicPartnerFilterForm(request.GET, kinds=kinds, countries=countries)
    chosen = form.filters()
    shown = [row for row in rows if _matches(row, chosen)]
    countries_shown = selectors.by_country(shown)
    page = Paginator(shown, PARTNERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "public/partners.html",
        _context(
            form=form,
            page=page,
            total=len(shown),
            by_country=countries_shown,
            chart={
                "title": str(_("Partners")),
                "labels": [country for country, _count in countries_shown],
                "values": [count for _country, count in countries_shown],
            },
            today=today(),
        ),
    )


@login_not_required
def policy_list(request):
    return render(
        request,
        "public/policies.html",
        _context(policies=list(selectors.public_policies())),
    )


@login_not_required
def policy_file(request, pk):
    """Download a published current document (anything else: not found)."""
    policy = selectors.public_policies().filter(pk=pk).first()
    if policy is None:
        raise Http404
    return attachment_response(policy.file, filename=policy_filename(policy))
