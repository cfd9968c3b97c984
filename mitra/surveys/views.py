"""Pages of the partner satisfaction survey.

The office's pages (rounds, invitations, results, the instrument editor)
find records through the permission gate and change them through
`mitra.surveys.services`. The partner's page (`answer`) needs no log-in: it
is reached through the link in the invitation email, in the contact's
language, and shows nothing about who the link belongs to.
"""

import io
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from mitra.core.clock import today
from mitra.core.exports import XLSX_TYPE, neutralise
from mitra.core.permissions import Action, can, get_for_user_or_404, require
from mitra.documents.models import IssuedDocument
from mitra.surveys import services
from mitra.surveys.forms import (
    AnswerForm,
    AspectForm,
    ContactChoiceForm,
    InstrumentForm,
    ItemForm,
    RoundForm,
)
from mitra.surveys.models import (
    Answer,
    Aspect,
    Instrument,
    Invitation,
    Item,
    ItemKind,
    Round,
    RoundStatus,
)
from mitra.surveys.models import Response as SurveyResponse
from mitra.surveys.results import POINT_NAMES, SCALE, compute, display, grade_label

#: Bootstrap colour of each round status.
STATUS_COLOURS = {
    RoundStatus.DRAFT: "secondary",
    RoundStatus.OPEN: "success",
    RoundStatus.CLOSED: "dark",
}
#: Unknown survey links one address may try per window before a pause.
UNKNOWN_LINK_LIMIT = 30
UNKNOWN_LINK_WINDOW = 600


def _add_errors(form, error):
    """Show a service's ValidationError on the form's fields."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _message_errors(request, error):
    for message in error.messages:
        messages.error(request, message)


# --- Rounds -----------------------------------------------------------------


def _rounds(user):
    return (
        Round.objects.for_user(user)
        .select_related("instrument")
        .annotate(
            invited=Count("invitations", filter=Q(invitations__revoked_at=None)),
            answered=Count("invitations", filter=Q(invitations__responded=True)),
        )
    )


def round_list(request):
    """Every survey round with its progress."""
    require(request.user, Action.VIEW, Round)
    rounds = list(_rounds(request.user).order_by("-year", "-closes_on", "-pk"))
    for round in rounds:
        round.status_colour = STATUS_COLOURS.get(round.status, "secondary")
    return render(
        request,
        "surveys/round_list.html",
        {
            "rounds": rounds,
            "can_add": can(request.user, Action.ADD, Round),
            "can_edit_instruments": can(request.user, Action.ADD, Instrument),
        },
    )


def _round(request, pk):
    return get_for_user_or_404(
        Round.objects.select_related("instrument", "closed_by", "created_by"),
        request.user,
        pk=pk,
    )


@require_http_methods(["GET", "POST"])
def round_create(request):
    require(request.user, Action.ADD, Round)
    initial = {"year": today().year, "opens_on": today()}
    default = Instrument.objects.order_by("created_at", "pk").first()
    if default is not None:
        initial["instrument"] = default.pk
    form = RoundForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            round = services.round_save(round=form.save(commit=False), by=request.user)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Round created. Now choose the contacts."))
            return redirect("surveys:round_contacts", pk=round.pk)
    return render(
        request,
        "surveys/round_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def round_edit(request, pk):
    round = _round(request, pk)
    require(request.user, Action.CHANGE, round)
    if round.status == RoundStatus.CLOSED:
        messages.error(request, _("A closed round cannot be changed."))
        return redirect(round)
    form = RoundForm(request.POST or None, instance=round)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_save(round=form.save(commit=False), by=request.user)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Round saved."))
            return redirect(round)
    return render(
        request,
        "surveys/round_form.html",
        {"form": form, "round": round},
        status=400 if form.errors else 200,
    )


def round_detail(request, pk):
    """A round: its dates, the contacts invited and whether each answered."""
    round = _round(request, pk)
    invitations = list(
        Invitation.objects.for_user(request.user)
        .filter(round=round)
        .select_related("partner")
        .order_by("partner__name", "name", "pk")
    )
    answered = sum(invitation.responded for invitation in invitations)
    active = [invitation for invitation in invitations if not invitation.is_revoked]
    documents = list(
        IssuedDocument.objects.of(round, "survey_result").order_by("-version")
    )
    return render(
        request,
        "surveys/round_detail.html",
        {
            "round": round,
            "status_colour": STATUS_COLOURS.get(round.status, "secondary"),
            "invitations": invitations,
            "answered": answered,
            "active_count": len(active),
            "documents": documents,
            "can_change": can(request.user, Action.CHANGE, round),
            "can_delete": round.status == RoundStatus.DRAFT
            and can(request.user, Action.DELETE, round),
            "accepts_answers": round.accepts_answers(today()),
            "can_see_responses": not round.anonymous
            and can(request.user, Action.VIEW, Round),
        },
    )


@require_http_methods(["GET", "POST"])
def round_contacts(request, pk):
    """Choose the contacts to invite: by default those of partners with an
    agreement in force; `?all=1` lists every active contact with an email."""
    round = _round(request, pk)
    require(request.user, Action.CHANGE, round)
    if round.status == RoundStatus.CLOSED:
        messages.error(request, _("A closed round cannot invite anyone."))
        return redirect(round)
    from mitra.partners.models import Contact

    invited = set(
        Invitation.objects.filter(round=round).values_list("contact_id", flat=True)
    )
    defaults = services.default_contacts()
    show_all = request.GET.get("all") == "1" or request.POST.get("all") == "1"
    if show_all:
        candidates = (
            Contact.objects.for_user(request.user)
            .filter(is_active=True)
            .exclude(email="")
            .select_related("partner")
            .order_by("partner__name", "name")
        )
    else:
        candidates = defaults
    candidates = [contact for contact in candidates if contact.pk not in invited]
    default_ids = {str(pk) for pk in defaults.values_list("pk", flat=True)}
    form = ContactChoiceForm(
        request.POST or None,
        contacts=candidates,
        initial={
            "contacts": [
                str(contact.pk)
                for contact in candidates
                if str(contact.pk) in default_ids
            ]
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            added = services.invitations_add(
                round=round, contacts=form.chosen(), by=request.user
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                gettext("%(count)s contacts added to the round.") % {"count": added},
            )
            return redirect(round)
    return render(
        request,
        "surveys/round_contacts.html",
        {
            "round": round,
            "form": form,
            "rows": list(zip(form["contacts"], candidates, strict=True)),
            "show_all": show_all,
            "already": len(invited),
        },
        status=400 if form.errors else 200,
    )


def _round_action(request, pk, action, success):
    round = _round(request, pk)
    require(request.user, Action.CHANGE, round)
    try:
        action(round=round, by=request.user)
    except ValidationError as error:
        _message_errors(request, error)
    else:
        messages.success(request, success)
    return redirect("surveys:round_detail", pk=round.pk)


@require_POST
def round_open(request, pk):
    return _round_action(
        request,
        pk,
        services.round_open,
        _("The round is open; invitations go out on its opening day."),
    )


@require_http_methods(["GET", "POST"])
def round_close(request, pk):
    """Close a round: its links stop working and its result is issued."""
    round = _round(request, pk)
    require(request.user, Action.CHANGE, round)
    if request.method == "POST":
        return _round_action(
            request,
            pk,
            services.round_close,
            _("The round is closed and its result issued."),
        )
    results = compute(round, with_previous=False, open_answers=False)
    return render(
        request, "surveys/round_close.html", {"round": round, "results": results}
    )


@require_http_methods(["GET", "POST"])
def round_delete(request, pk):
    """Delete a round still being prepared (GET asks, POST deletes)."""
    round = _round(request, pk)
    require(request.user, Action.DELETE, round)
    if request.method == "POST":
        try:
            services.round_delete(round=round, by=request.user)
        except ValidationError as error:
            _message_errors(request, error)
            return redirect(round)
        messages.success(request, _("The round was deleted."))
        return redirect("surveys:list")
    return render(
        request,
        "surveys/round_confirm_delete.html",
        {
            "round": round,
            "deletable": round.status == RoundStatus.DRAFT,
            "invited": round.invitations.count(),
        },
    )


def _invitation(request, pk):
    return get_for_user_or_404(
        Invitation.objects.select_related("round"), request.user, pk=pk
    )


def _invitation_action(request, pk, action, success):
    invitation = _invitation(request, pk)
    require(request.user, Action.CHANGE, invitation)
    try:
        action(invitation=invitation, by=request.user)
    except ValidationError as error:
        _message_errors(request, error)
    else:
        messages.success(request, success)
    return redirect("surveys:round_detail", pk=invitation.round_id)


@require_POST
def invitation_revoke(request, pk):
    return _invitation_action(
        request,
        pk,
        services.invitation_revoke,
        _("The invitation was withdrawn; its links no longer work."),
    )


@require_POST
def invitation_resend(request, pk):
    return _invitation_action(
        request,
        pk,
        services.invitation_resend,
        _("A new link was sent; the earlier links no longer work."),
    )


@require_POST
def invitation_remove(request, pk):
    return _invitation_action(
        request, pk, services.invitation_remove, _("The contact was removed.")
    )


# --- Results ----------------------------------------------------------------


def _chart_data(results, language):
    def values(rows):
        return [float(display(row.mean) or 0) for row in rows]

    elements = results.elements
    cooperation = results.cooperation_items
    scale = results.scale_items
    return {
        "elements": {
            "labels": [row.item.get_service_element_display() for row in elements],
            "values": values(elements),
        },
        "cooperation": {
            "labels": [row.item.code for row in cooperation],
            "titles": [row.item.text_in(language) for row in cooperation],
            "values": values(cooperation),
        },
        "distribution": {
            "labels": [row.item.code for row in scale],
            "series": [
                {
                    "label": str(POINT_NAMES[point]),
                    "values": [
                        float(display(row.percents[point], 1) or 0) for row in scale
                    ],
                }
                for point in reversed(SCALE)
            ],
        },
    }


def round_results(request, pk):
    """Means, distributions, indices and the comparison with the previous
    round; `?export=xlsx` downloads them.

    An anonymous round shows its figures only once closed: while answers
    still come in, comparing the figures before and after a contact is
    marked as having answered would tell what that contact answered.
    """
    round = _round(request, pk)
    if round.anonymous and round.status != RoundStatus.CLOSED:
        return render(
            request,
            "surveys/round_results_pending.html",
            {
                "round": round,
                "respondents": SurveyResponse.objects.filter(round=round).count(),
            },
        )
    language = (translation.get_language() or "id")[:2]
    results = compute(round)
    if request.GET.get("export") == "xlsx":
        return _results_xlsx(round, results, language)
    return render(
        request,
        "surveys/round_results.html",
        {
            "round": round,
            "results": results,
            "language": language,
            "service_grade_label": grade_label(results.service_grade),
            "cooperation_grade_label": grade_label(results.cooperation_grade),
            "points": [(point, POINT_NAMES[point]) for point in reversed(SCALE)],
            "charts": _chart_data(results, language),
            "can_see_responses": not round.anonymous,
        },
    )


def _results_xlsx(round, results, language):
    """The results as a workbook: indices, items, aspects, open answers.

    Never a row per respondent: an anonymous round must not be traceable.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    def sheet(title, headers, rows):
        ws = workbook.create_sheet(str(title)[:31])
        ws.append([str(header) for header in headers])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([neutralise(_cell(value)) for value in row])
        ws.freeze_panes = "A2"
        return ws

    workbook = Workbook()
    workbook.remove(workbook.active)
    sheet(
        gettext("Summary"),
        [gettext("Figure"), gettext("Value")],
        [
            (gettext("Round"), round.title),
            (gettext("Year"), round.year),
            (gettext("Instrument"), round.instrument.name),
            (
                gettext("Anonymous"),
                gettext("Yes") if round.anonymous else gettext("No"),
            ),
            (gettext("Contacts invited"), results.invited),
            (gettext("Responses"), results.respondents),
            (gettext("Response rate (%)"), display(results.response_rate)),
            (gettext("Service index"), display(results.service_index)),
            (gettext("Service grade"), results.service_grade),
            (gettext("Cooperation index"), display(results.cooperation_index)),
            (gettext("Cooperation grade"), results.cooperation_grade),
            (
                gettext("Previous round"),
                results.previous.title if results.previous else "",
            ),
            (gettext("Change of the service index"), display(results.service_delta)),
            (
                gettext("Change of the cooperation index"),
                display(results.cooperation_delta),
            ),
        ],
    )
    point_headers = [
        gettext("%(point)s (%%)") % {"point": POINT_NAMES[point]}
        for point in reversed(SCALE)
    ]
    sheet(
        gettext("Items"),
        [
            gettext("Aspect"),
            gettext("Code"),
            gettext("Question"),
            gettext("Service element"),
            gettext("Answers"),
            gettext("Mean"),
            *point_headers,
            gettext("Previous mean"),
            pgettext("difference", "Change"),
        ],
        [
            (
                row.item.aspect.name_in(language),
                row.item.code,
                row.item.text_in(language),
                row.item.get_service_element_display(),
                row.n,
                display(row.mean, 4),
                *[display(row.percents[point], 2) for point in reversed(SCALE)],
                display(row.previous_mean, 4),
                display(row.delta, 4),
            )
            for row in results.scale_items
        ],
    )
    sheet(
        gettext("Aspects"),
        [gettext("Aspect"), gettext("Mean"), *point_headers],
        [
            (
                aspect.aspect.name_in(language),
                display(aspect.mean, 4),
                *[display(aspect.percents[point], 2) for point in reversed(SCALE)],
            )
            for aspect in results.aspects
            if aspect.scale_items
        ],
    )
    open_headers = [gettext("Code"), gettext("Question"), gettext("Answer")]
    if not round.anonymous:
        open_headers.append(gettext("Partner"))
    sheet(
        gettext("Open answers"),
        open_headers,
        [
            (
                row.item.code,
                row.item.text_in(language),
                answer["text"],
                *([] if round.anonymous else [answer["partner"]]),
            )
            for row in results.open_items
            for answer in row.open_answers
        ],
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, f"mitra-survey-{round.pk}-results.xlsx"
    )
    return response


def _cell(value):
    # Decimals go in as numbers a spreadsheet can compute with.
    return float(value) if isinstance(value, Decimal) else value


def round_responses(request, pk):
    """Each response of a round that is not anonymous, with its answers."""
    round = _round(request, pk)
    if round.anonymous:
        raise Http404
    language = (translation.get_language() or "id")[:2]
    responses = list(
        SurveyResponse.objects.for_user(request.user)
        .filter(round=round)
        .select_related("partner", "invitation")
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=Answer.objects.select_related("item").order_by(
                    "item__aspect__order", "item__order", "item_id"
                ),
            )
        )
        .order_by("submitted_at", "pk")
    )
    for response in responses:
        for answer in response.answers.all():
            answer.question = answer.item.text_in(language)
            if answer.value is not None:
                answer.label = answer.item.labels_in(language)[answer.value - 1]
    return render(
        request,
        "surveys/round_responses.html",
        {"round": round, "responses": responses},
    )


# --- Instruments --------------------------------------------------------------


def instrument_list(request):
    require(request.user, Action.VIEW, Instrument)
    instruments = (
        Instrument.objects.for_user(request.user)
        .annotate(
            item_count=Count("items", distinct=True),
            round_count=Count("rounds", distinct=True),
        )
        .order_by("name", "pk")
    )
    return render(
        request,
        "surveys/instrument_list.html",
        {
            "instruments": instruments,
            "can_add": can(request.user, Action.ADD, Instrument),
        },
    )


def _instrument(request, pk):
    return get_for_user_or_404(Instrument.objects.all(), request.user, pk=pk)


def instrument_detail(request, pk):
    """An instrument's aspects and items, with editing while no round uses it."""
    instrument = _instrument(request, pk)
    aspects = list(
        Aspect.objects.filter(instrument=instrument)
        .prefetch_related(
            Prefetch("items", queryset=Item.objects.order_by("order", "pk"))
        )
        .order_by("order", "pk")
    )
    rounds = list(instrument.rounds.order_by("-closes_on"))
    locked = bool(rounds)
    editable = not locked and can(request.user, Action.CHANGE, instrument)
    return render(
        request,
        "surveys/instrument_detail.html",
        {
            "instrument": instrument,
            "aspects": aspects,
            "rounds": rounds,
            "locked": locked,
            "editable": editable,
            "can_copy": can(request.user, Action.ADD, Instrument),
            "item_count": sum(len(aspect.items.all()) for aspect in aspects),
        },
    )


def _form_page(request, template, context, form):
    return render(
        request,
        template,
        {**context, "form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def instrument_create(request):
    require(request.user, Action.ADD, Instrument)
    form = InstrumentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            instrument = services.instrument_save(
                instrument=form.save(commit=False), by=request.user
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Instrument created. Now add its aspects."))
            return redirect(instrument)
    return _form_page(request, "surveys/instrument_form.html", {}, form)


def _editable_instrument(request, pk):
    instrument = _instrument(request, pk)
    if not can(request.user, Action.CHANGE, instrument):
        if instrument.is_locked and can(request.user, Action.ADD, Instrument):
            messages.error(
                request,
                _("A survey round uses this instrument: copy it to make changes."),
            )
            return instrument, redirect(instrument)
        require(request.user, Action.CHANGE, instrument)
    return instrument, None


@require_http_methods(["GET", "POST"])
def instrument_edit(request, pk):
    instrument, refused = _editable_instrument(request, pk)
    if refused:
        return refused
    form = InstrumentForm(request.POST or None, instance=instrument)
    if request.method == "POST" and form.is_valid():
        try:
            services.instrument_save(
                instrument=form.save(commit=False), by=request.user
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Instrument saved."))
            return redirect(instrument)
    return _form_page(
        request, "surveys/instrument_form.html", {"instrument": instrument}, form
    )


@require_POST
def instrument_copy(request, pk):
    instrument = _instrument(request, pk)
    require(request.user, Action.ADD, Instrument)
    copy = services.instrument_copy(instrument=instrument, by=request.user)
    messages.success(request, _("Copied. The copy can be changed."))
    return redirect(copy)


@require_POST
def instrument_delete(request, pk):
    instrument, refused = _editable_instrument(request, pk)
    if refused:
        return refused
    try:
        services.instrument_delete(instrument=instrument, by=request.user)
    except ValidationError as error:
        _message_errors(request, error)
        return redirect(instrument)
    messages.success(request, _("Instrument deleted."))
    return redirect("surveys:instrument_list")


@require_http_methods(["GET", "POST"])
def aspect_form(request, pk, aspect_pk=None):
    """Add an aspect to an instrument, or change one."""
    instrument, refused = _editable_instrument(request, pk)
    if refused:
        return refused
    aspect = None
    if aspect_pk is not None:
        aspect = get_for_user_or_404(
            Aspect.objects.filter(instrument=instrument), request.user, pk=aspect_pk
        )
    else:
        last = instrument.aspects.order_by("-order").first()
        aspect = Aspect(instrument=instrument, order=(last.order + 10) if last else 10)
    form = AspectForm(request.POST or None, instance=aspect)
    if request.method == "POST" and form.is_valid():
        try:
            services.aspect_save(aspect=form.save(commit=False), by=request.user)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Aspect saved."))
            return redirect(instrument)
    return _form_page(
        request,
        "surveys/aspect_form.html",
        {"instrument": instrument, "aspect": aspect if aspect_pk else None},
        form,
    )


@require_POST
def aspect_delete(request, pk, aspect_pk):
    instrument, refused = _editable_instrument(request, pk)
    if refused:
        return refused
    aspect = get_for_user_or_404(
        Aspect.objects.filter(instrument=instrument), request.user, pk=aspect_pk
    )
    try:
        services.aspect_delete(aspect=aspect, by=request.user)
    except ValidationError as error:
        _message_errors(request, error)
    else:
        messages.success(request, _("Aspect and its items deleted."))
    return redirect(instrument)


@require_http_methods(["GET", "POST"])
def item_form(request, pk, item_pk=None):
    """Add an item to an instrument, or change one."""
    instrument, refused = _editable_instrument(request, pk)
    if refused:
        return refused
    if not instrument.aspects.exists():
        messages.error(request, _("Add an aspect first: every item belongs to one."))
        return redirect(instrument)
    if item_pk is not None:
        item = get_for_user_or_404(
            Item.objects.filter(instrument=instrument), request.user, pk=item_pk
        )
    else:
        item = Item(instrument=instrument)
        aspect_id = request.GET.get("aspect", "")
        if aspect_id.isdigit():
            item.aspect = instrument.aspects.filter(pk=aspect_id).first()
        last = instrument.items.order_by("-order").first()
        item.order = (last.order + 10) if last else 10
    form = ItemForm(request.POST or None, instance=item, instrument=instrument)
    if request.method == "POST" and form.is_valid():
        try:
            services.item_save(item=form.save(commit=False), by=request.user)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Item saved."))
            return redirect(instrument)
    return _form_page(
        request,
        "surveys/item_form.html",
        {
            "instrument": instrument,
            "item": item if item_pk else None,
            "label_names": [name for _l, _p, name in form.label_fields],
        },
        form,
    )


@require_POST
def item_delete(request, pk, item_pk):
    instrument, refused = _editable_instrument(request, pk)
    if refused:
        return refused
    item = get_for_user_or_404(
        Item.objects.filter(instrument=instrument), request.user, pk=item_pk
    )
    try:
        services.item_delete(item=item, by=request.user)
    except ValidationError as error:
        _message_errors(request, error)
    else:
        messages.success(request, _("Item deleted."))
    return redirect(instrument)


# --- The partner's questionnaire (no log-in) ------------------------------------


def _languages():
    from django.conf import settings

    return [code for code, _name in settings.LANGUAGES]


def _chosen_language(request, default):
    chosen = request.POST.get("lang") or request.GET.get("lang") or ""
    return chosen if chosen in _languages() else default


def _public(request, template, context, *, language, status=200):
    """Render a page of the partner's side in `language`, kept out of caches,
    search engines and other sites' Referer headers (its address holds the
    token)."""
    with translation.override(language):
        response = render(
            request,
            template,
            {
                **context,
                "language": language,
                "other_languages": [code for code in _languages() if code != language],
            },
            status=status,
        )
    response["Content-Language"] = language
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _gone(request, language):
    return _public(
        request, "surveys/public/gone.html", {}, language=language, status=410
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def answer(request, token):
    """The questionnaire reached through an invitation's link.

    An unknown token answers 404; a link already used, replaced, withdrawn
    or whose round is closed (or not yet open) answers 410. Neither page
    names the partner, the contact or the round.
    """
    from mitra.core.ratelimit import rate_limited, too_many_requests

    link = services.link_find(token)
    if link is None:
        if rate_limited(
            request, "surveys.unknown_link", UNKNOWN_LINK_LIMIT, UNKNOWN_LINK_WINDOW
        ):
            return too_many_requests(request, retry_after=UNKNOWN_LINK_WINDOW)
        language = _chosen_language(request, translation.get_language() or "id")
        return _public(
            request, "surveys/public/unknown.html", {}, language=language, status=404
        )

    invitation = link.invitation
    language = _chosen_language(request, invitation.language or "id")
    if not services.link_usable(link):
        return _gone(request, language)

    round = invitation.round
    items = list(
        Item.objects.filter(instrument=round.instrument_id)
        .select_related("aspect")
        .order_by("aspect__order", "aspect_id", "order", "pk")
    )
    with translation.override(language):
        form = AnswerForm(
            request.POST if request.method == "POST" else None,
            items=items,
            language=language,
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.response_submit(
                    link=link, answers=form.answers(), language=language
                )
            except services.SurveyGone:
                return _gone(request, language)
            return redirect(f"{reverse('surveys:thanks')}?lang={language}")
        sections = _sections(form, items, language)

    return _public(
        request,
        "surveys/public/answer.html",
        {
            "form": form,
            "sections": sections,
            "round": round,
            "closes_on": round.closes_on,
            "anonymous": round.anonymous,
            "token": token,
        },
        language=language,
        status=400 if form.errors else 200,
    )


def _sections(form, items, language):
    """Group the form's fields by aspect, in order."""
    sections, current = [], None
    for item in items:
        if current is None or current["aspect"].pk != item.aspect_id:
            current = {"aspect": item.aspect, "name": item.aspect.name_in(language)}
            current["fields"] = []
            sections.append(current)
        current["fields"].append(
            {
                "item": item,
                "field": form[AnswerForm.field_name(item)],
                "is_open": item.kind == ItemKind.OPEN,
            }
        )
    return sections


@login_not_required
@never_cache
def thanks(request):
    """Shown once a questionnaire has been sent."""
    language = _chosen_language(request, translation.get_language() or "id")
    return _public(request, "surveys/public/thanks.html", {}, language=language)
