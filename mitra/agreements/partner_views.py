"""The partner's page of a draft, reached through its link without an account.

The contact reads the current version (on a phone too), comments, sends a
counter-version and approves. A token that matches no link answers 404; a
link that was used, revoked or has expired answers 410 — neither says which
agreement it was for. The pages are never cached and never pass the
address on to other sites as a referrer, since the address is the key.
"""

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from mitra.agreements import drafting, pipeline, workflow
from mitra.agreements.forms import add_service_errors
from mitra.agreements.models import DraftVersion, VersionSource
from mitra.agreements.workflow_forms import (
    MessageForm,
    PartnerApproveForm,
    PartnerVersionForm,
)
from mitra.core import clock
from mitra.core.files import attachment_response

logger = logging.getLogger(__name__)


def _private(response):
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _gone(request):
    return _private(
        render(request, "agreements/workflow/partner_gone.html", status=410)
    )


def _link(token):
    """Return the live link of `token`; raise Http404 or LinkGone."""
    link = workflow.partner_link_find(token)
    if link is None:
        raise Http404
    state = link.state(clock.now())
    if state != "live":
        raise workflow.LinkGone(state)
    return link


def _institution_name():
    from mitra.agreements.printed_forms import institution_name
    from mitra.documents.services import letterhead

    return (
        letterhead().name
        or settings.MITRA_INSTITUTION_NAME
        or institution_name()
        or _("The cooperation office")
    )


def _partner_page(request, link, token, status=200, **forms):
    agreement = link.agreement
    current = drafting.current_version(agreement)
    approve_form = None
    if current is not None and current.source != VersionSource.PARTNER:
        approve_form = PartnerApproveForm(initial={"version": current.number})
    context = {
        "agreement": agreement,
        "contact": link.contact,
        "link": link,
        "token": token,
        "current": current,
        "paragraphs": (current.text if current else "").splitlines(),
        "thread": pipeline.shared_timeline(agreement),
        "final": drafting.final_version(agreement),
        "comment_form": MessageForm(),
        "version_form": PartnerVersionForm(),
        "approve_form": approve_form,
        "institution_label": _institution_name(),
    }
    context.update({name: form for name, form in forms.items() if form is not None})
    return _private(
        render(request, "agreements/workflow/partner.html", context, status=status)
    )


#: Posts one client may make through one link in ten minutes.
POSTS_PER_WINDOW = 30


def _guarded(view):
    """Answer 404 for a forged token and 410 for a link no longer live;
    refuse a flood of posts through one link (429)."""

    def wrapper(request, token, *args, **kwargs):
        if request.method == "POST":
            from mitra.core.ratelimit import rate_limited, too_many_requests

            key = "agreements.partner:" + workflow.token_hash(token)[:16]
            if rate_limited(request, key, limit=POSTS_PER_WINDOW, seconds=600):
                return too_many_requests(request, retry_after=600)
        try:
            return view(request, token, *args, **kwargs)
        except workflow.LinkGone:
            return _gone(request)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return login_not_required(never_cache(wrapper))


@_guarded
@require_http_methods(["GET"])
def partner_page(request, token):
    """The draft as the partner sees it, with the thread of messages."""
    link = _link(token)
    workflow.partner_link_opened(link)
    return _partner_page(request, link, token)


@_guarded
def partner_file(request, token, number):
    """Download a version the partner may see: the current one, or one
    exchanged on the thread."""
    link = _link(token)
    agreement = link.agreement
    version = DraftVersion.objects.filter(agreement=agreement, number=number).first()
    if version is None:
        raise Http404
    current = drafting.current_version(agreement)
    shared = agreement.events.filter(shared=True, version=version).exists()
    if version.pk != current.pk and not shared:
        raise Http404
    response = attachment_response(
        version.file, filename=f"draft-v{version.number}.{version.file_kind}"
    )
    return _private(response)


@_guarded
@require_POST
def partner_comment(request, token):
    link = _link(token)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            workflow.partner_comment(link=link, text=form.cleaned_data["text"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(reverse("agreements:partner", args=[token]) + "#thread")
    return _partner_page(request, link, token, status=400, comment_form=form)


@_guarded
@require_POST
def partner_upload(request, token):
    link = _link(token)
    form = PartnerVersionForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            workflow.partner_counter_version(link=link, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(reverse("agreements:partner", args=[token]) + "#thread")
    return _partner_page(request, link, token, status=400, version_form=form)


@_guarded
@require_POST
def partner_approve(request, token):
    link = _link(token)
    form = PartnerApproveForm(request.POST)
    if form.is_valid():
        try:
            version = workflow.partner_approve(
                link=link, version_number=form.cleaned_data["version"]
            )
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            return _private(
                render(
                    request,
                    "agreements/workflow/partner_done.html",
                    {"agreement": link.agreement, "version": version},
                )
            )
    elif "confirm" in form.errors:
        form.errors["confirm"] = form.error_class(
            [_("Tick the box to confirm your approval.")]
        )
    return _partner_page(request, link, token, status=400, approve_form=form)
