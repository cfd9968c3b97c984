"""Every change to surveys: instruments, rounds, invitations and answers.

Functions take keyword arguments, run in one transaction and raise
ValidationError with a readable message when they refuse (nothing is
stored then).

Survey links: each email to a contact carries a link with a random token
(`secrets.token_urlsafe(32)`, 256 bits); only its SHA-256 hash is kept
(`InvitationLink`). A link works while its invitation is neither answered
nor withdrawn and the round accepts answers (open, from the opening day to
the closing day inclusive, in the institution's time zone).
"""

import hashlib
import logging
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mitra.core import clock
from mitra.core.daily import dedupe_key
from mitra.core.notifications import absolute_url, language_of, queue_email
from mitra.monitoring.services import MAX_YEAR, MIN_YEAR
from mitra.surveys.models import (
    Answer,
    Aspect,
    Instrument,
    Invitation,
    InvitationLink,
    Item,
    ItemKind,
    Round,
    RoundStatus,
)
from mitra.surveys.models import Response as SurveyResponse

logger = logging.getLogger(__name__)

#: Longest token accepted from a URL (a real one is 43 characters).
MAX_TOKEN_LENGTH = 100


class SurveyGone(Exception):
    """The link was used, withdrawn, or its round no longer accepts answers."""


# --- Instruments --------------------------------------------------------------


def _check_editable(instrument):
    if instrument.is_locked:
        raise ValidationError(
            _(
                "A survey round uses this instrument, so it can no longer be "
                "changed. Copy it and change the copy."
            ),
            code="locked",
        )


@transaction.atomic
def instrument_save(*, instrument, by):
    """Create or change an instrument's name and description."""
    if instrument.pk:
        _check_editable(Instrument.objects.select_for_update().get(pk=instrument.pk))
    elif by is not None:
        instrument.created_by = by
    instrument.full_clean()
    instrument.save()
    return instrument


@transaction.atomic
def instrument_copy(*, instrument, by, name=""):
    """Copy an instrument with its aspects and items; return the copy."""
    copy = Instrument.objects.create(
        name=name or gettext("Copy of %(name)s") % {"name": instrument.name},
        description=instrument.description,
        copied_from=instrument,
        created_by=by,
    )
    aspects = {}
    for aspect in instrument.aspects.all():
        aspects[aspect.pk] = Aspect.objects.create(
            instrument=copy,
            name_id=aspect.name_id,
            name_en=aspect.name_en,
            order=aspect.order,
        )
    Item.objects.bulk_create(
        [
            Item(
                instrument=copy,
                aspect=aspects[item.aspect_id],
                code=item.code,
                text_id=item.text_id,
                text_en=item.text_en,
                kind=item.kind,
                service_element=item.service_element,
                labels_id=list(item.labels_id or []),
                labels_en=list(item.labels_en or []),
                order=item.order,
                required=item.required,
            )
            for item in instrument.items.all()
        ]
    )
    logger.info("Instrument %s copied to %s", instrument.pk, copy.pk)
    return copy


@transaction.atomic
def instrument_delete(*, instrument, by):
    _check_editable(instrument)
    instrument.delete()


@transaction.atomic
def aspect_save(*, aspect, by):
    _check_editable(aspect.instrument)
    aspect.full_clean()
    aspect.save()
    return aspect


@transaction.atomic
def aspect_delete(*, aspect, by):
    _check_editable(aspect.instrument)
    aspect.delete()


def _clean_item(item):
    """Check an item; its code is stored in upper case.

    Codes link an item to the same question of earlier rounds (results,
    charts and exports show and compare them): one spelling per code keeps
    `u1` and `U1` from ever being two questions of one instrument, and
    stored that way every reader matches them without folding case.
    """
    errors = {}
    item.code = (item.code or "").strip().upper()
    if item.kind == ItemKind.OPEN:
        if item.service_element:
            errors["service_element"] = _(
                "An open question cannot be a service element: those are "
                "answered on the scale."
            )
        item.labels_id, item.labels_en = [], []
    if item.aspect.instrument_id != item.instrument_id:
        errors["aspect"] = _("Choose an aspect of this instrument.")
    clash = Item.objects.filter(instrument=item.instrument_id).exclude(pk=item.pk)
    # Case-insensitive too: an instrument kept from before codes were
    # stored in upper case may still hold a lower-case one.
    if clash.filter(code__iexact=item.code).exists():
        errors["code"] = _("Another item of this instrument has this code.")
    if (
        item.service_element
        and clash.filter(service_element=item.service_element).exists()
    ):
        errors["service_element"] = _(
            "Another item of this instrument is already this service element."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def item_save(*, item, by):
    """Create or change an item; each code and service element once."""
    _check_editable(item.instrument)
    _clean_item(item)
    item.full_clean(validate_constraints=False)
    item.save()
    return item


@transaction.atomic
def item_delete(*, item, by):
    _check_editable(item.instrument)
    item.delete()


# --- Rounds -------------------------------------------------------------------


def _check_round(round):
    errors = {}
    if not isinstance(round.year, int) or not MIN_YEAR <= round.year <= MAX_YEAR:
        # The same bounds as monitoring rounds: the year is reported on.
        errors["year"] = _("Give a year between %(first)s and %(last)s.") % {
            "first": MIN_YEAR,
            "last": MAX_YEAR,
        }
    if round.opens_on and round.closes_on and round.closes_on < round.opens_on:
        errors["closes_on"] = _("The closing day cannot be before the opening day.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def round_save(*, round, by):
    """Create a round, or change one not yet closed.

    Once a round is open, its instrument and anonymity stay as they were
    (answers already given were kept under them).
    """
    _check_round(round)
    if round.pk:
        stored = Round.objects.select_for_update().get(pk=round.pk)
        if stored.status == RoundStatus.CLOSED:
            raise ValidationError(_("A closed round cannot be changed."))
        if stored.status != RoundStatus.DRAFT:
            round.instrument_id = stored.instrument_id
            round.anonymous = stored.anonymous
        round.status = stored.status
    else:
        round.created_by = by
        round.status = RoundStatus.DRAFT
    if not round.instrument.items.filter(kind=ItemKind.SCALE).exists():
        raise ValidationError(
            {"instrument": _("This instrument has no question on the scale yet.")}
        )
    round.save()
    return round


@transaction.atomic
def round_delete(*, round, by):
    """Delete a round still being prepared, with its (unsent) invitations.

    An open or closed round has sent links and may hold answers and an
    issued result: it stays, to be closed instead.
    """
    round = Round.objects.select_for_update().get(pk=round.pk)
    if round.status != RoundStatus.DRAFT:
        raise ValidationError(
            _("Only a round being prepared can be deleted."), code="not_draft"
        )
    pk = round.pk
    round.delete()
    logger.info("Survey round %s deleted by user %s", pk, getattr(by, "pk", None))


def default_contacts(on=None):
    """Contacts invited by default: active, with an email, of a partner with
    an agreement in force on `on` (today by default)."""
    from mitra.agreements.models import Agreement
    from mitra.partners.models import Contact

    on = on or clock.today()
    partners = Agreement.objects.in_force(on).values("partner_id")
    return (
        Contact.objects.filter(is_active=True, partner__in=partners)
        .exclude(email="")
        .select_related("partner")
        .order_by("partner__name", "name")
    )


@transaction.atomic
def invitations_add(*, round, contacts, by):
    """Invite `contacts` (those with an email) to `round`; return how many
    were added. A contact already invited is skipped; in an open round the
    new invitations go out at once when the round has opened."""
    round = Round.objects.select_for_update().get(pk=round.pk)
    if round.status == RoundStatus.CLOSED:
        raise ValidationError(_("A closed round cannot invite anyone."))
    invited = set(round.invitations.values_list("contact_id", flat=True))
    new = [
        Invitation(
            round=round,
            contact=contact,
            partner_id=contact.partner_id,
            name=contact.name,
            email=contact.email,
            language=language_of(contact),
        )
        for contact in contacts
        if contact.email and contact.pk not in invited
    ]
    Invitation.objects.bulk_create(new)
    if new and round.status == RoundStatus.OPEN:
        invitations_send(round=round, on=clock.today())
    return len(new)


@transaction.atomic
def invitation_remove(*, invitation, by):
    """Remove an invitation not yet sent (a draft round's choice)."""
    if invitation.sent_at is not None:
        raise ValidationError(
            _("This invitation was sent; withdraw it instead of removing it.")
        )
    invitation.delete()


@transaction.atomic
def round_open(*, round, by):
    """Open a prepared round; invitations go out now if its day has come
    (otherwise the daily job sends them on the opening day)."""
    round = Round.objects.select_for_update().get(pk=round.pk)
    if round.status != RoundStatus.DRAFT:
        raise ValidationError(_("Only a round being prepared can be opened."))
    today = clock.today()
    if round.closes_on < today:
        raise ValidationError(
            _("The closing day has passed: choose a later one first.")
        )
    if not round.invitations.exists():
        raise ValidationError(_("Choose the contacts to invite first."))
    round.status = RoundStatus.OPEN
    round.opened_at = clock.now()
    round.save(update_fields=["status", "opened_at", "updated_at"])
    sent = invitations_send(round=round, on=today)
    logger.info("Survey round %s opened, %s invitations sent", round.pk, sent)
    return round


def invitations_send(*, round, on, immediate=True):
    """Email every invitation of `round` not yet sent; return how many.

    Nothing is sent before the opening day or after the closing day.
    """
    if not round.accepts_answers(on):
        return 0
    pending = round.invitations.filter(
        sent_at__isnull=True, revoked_at__isnull=True, responded=False
    )
    sent = 0
    for invitation in pending:
        sent += _send(invitation, kind="invitation", immediate=immediate) is not None
    return sent


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def _send(invitation, *, kind, immediate, lead=None, key=None):
    """Email `invitation` a new link; return the OutboxEmail or None.

    `kind` is "invitation" or "reminder". The link's hash is stored only
    when the email is actually queued (not a repeat of a dedupe key).
    """
    key = key or dedupe_key("surveys", kind, invitation.pk, lead or "")
    token = secrets.token_urlsafe(32)
    link = absolute_url(reverse("surveys:answer", args=[token]))
    round = invitation.round
    with translation.override(invitation.language or settings.LANGUAGE_CODE):
        context = {
            "invitation": invitation,
            "round": round,
            "link": link,
            "closes_on": date_format(round.closes_on, "DATE_FORMAT"),
            "institution_name": settings.MITRA_INSTITUTION_NAME,
        }
        if kind == "reminder":
            subject = gettext("Reminder: partner satisfaction survey")
        else:
            subject = gettext("Partner satisfaction survey")
        if settings.MITRA_INSTITUTION_NAME:
            subject = f"{subject} — {settings.MITRA_INSTITUTION_NAME}"
        body = render_to_string(f"surveys/email/{kind}.txt", context)
    with transaction.atomic():
        email = queue_email(
            to=invitation.email,
            subject=subject,
            body=body,
            dedupe_key=key,
            immediate=immediate,
        )
        if email is None:
            return None
        InvitationLink.objects.create(invitation=invitation, token_hash=_hash(token))
        if invitation.sent_at is None:
            invitation.sent_at = clock.now()
            invitation.save(update_fields=["sent_at"])
    return email


def reminder_send(*, invitation, lead, immediate=False):
    """Send the reminder of `lead` days to an unanswered invitation, once."""
    if invitation.responded or invitation.is_revoked or invitation.sent_at is None:
        return None
    return _send(invitation, kind="reminder", immediate=immediate, lead=lead)


@transaction.atomic
def invitation_revoke(*, invitation, by):
    """Withdraw an invitation: its links stop working (410)."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.responded:
        raise ValidationError(_("This invitation has been answered already."))
    if invitation.revoked_at is None:
        invitation.revoked_at = clock.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


@transaction.atomic
def invitation_resend(*, invitation, by):
    """Email a new link (to the contact's current address); older links of
    the invitation stop working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    round = invitation.round
    if invitation.responded or invitation.is_revoked:
        raise ValidationError(_("This invitation is answered or withdrawn."))
    if not round.accepts_answers(clock.today()):
        raise ValidationError(_("The round does not accept answers today."))
    contact = invitation.contact
    if contact is not None and contact.email:
        invitation.email = contact.email
        invitation.language = language_of(contact)
        invitation.save(update_fields=["email", "language"])
    invitation.links.update(replaced=True)
    key = dedupe_key("surveys", "resend", invitation.pk, secrets.token_hex(8))
    return _send(invitation, kind="invitation", immediate=True, key=key)


def round_close(*, round, by):
    """Close a round and issue its result (form `survey_result`).

    The links stop working. Closing and issuing happen together: when the
    document cannot be produced, the round stays open.
    """
    from mitra.documents.services import form_context, issue_document

    with transaction.atomic():
        round = Round.objects.select_for_update().get(pk=round.pk)
        if round.status != RoundStatus.OPEN:
            raise ValidationError(_("Only an open round can be closed."))
        round.status = RoundStatus.CLOSED
        round.closed_at = clock.now()
        round.closed_by = by
        round.save(update_fields=["status", "closed_at", "closed_by", "updated_at"])
        context = form_context("survey_result", round, user=by)
        document = issue_document(
            kind="survey_result",
            source=round,
            context=context,
            by=by,
            title=gettext("Survey result: %(title)s") % {"title": round.title},
        )
    logger.info("Survey round %s closed", round.pk)
    return document


# --- Answering ----------------------------------------------------------------


def link_find(token):
    """Return the InvitationLink a token belongs to, or None.

    Only hashes are stored, so a forged or mistyped token matches nothing.
    """
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return (
        InvitationLink.objects.select_related("invitation__round__instrument")
        .filter(token_hash=_hash(token))
        .first()
    )


def invitation_usable(invitation, on=None):
    """Whether the invitation accepts an answer on `on` (today by default)."""
    return (
        not invitation.responded
        and invitation.revoked_at is None
        and invitation.round.accepts_answers(on or clock.today())
    )


def link_usable(link, on=None):
    """Whether this link (not replaced by a newer one) accepts an answer."""
    return not link.replaced and invitation_usable(link.invitation, on)


def response_submit(*, link, answers, language=""):
    """Store the answers given through `link`, once; return the Response.

    `answers` maps Item to a value 1-4 (scale) or a text (open), already
    validated by the form. The invitation is marked answered in the same
    transaction, by a conditional update, so of two submissions at once
    exactly one is kept; the other raises SurveyGone. In an anonymous
    round the response keeps no link to the invitation, the partner, the
    time or the language.
    """
    try:
        with transaction.atomic():
            invitation = (
                Invitation.objects.select_for_update()
                .select_related("round")
                .filter(pk=link.invitation_id)
                .first()
            )
            link = InvitationLink.objects.filter(pk=link.pk).first()
            if (
                invitation is None
                or link is None
                or link.replaced
                or not invitation_usable(invitation)
            ):
                raise SurveyGone
            taken = Invitation.objects.filter(
                pk=invitation.pk, responded=False, revoked_at__isnull=True
            ).update(responded=True)
            if not taken:
                raise SurveyGone
            round = invitation.round
            anonymous = round.anonymous
            response = SurveyResponse.objects.create(
                round=round,
                invitation=None if anonymous else invitation,
                partner_id=None if anonymous else invitation.partner_id,
                language="" if anonymous else language[:8],
                submitted_at=None if anonymous else clock.now(),
            )
            Answer.objects.bulk_create(
                [_answer(response, item, value) for item, value in answers.items()]
            )
    except IntegrityError as error:
        raise SurveyGone from error
    return response


def _answer(response, item, value):
    if item.kind == ItemKind.SCALE:
        if value in (None, ""):
            return Answer(response=response, item=item, value=None)
        number = int(value)
        if number not in (1, 2, 3, 4):
            raise ValidationError(_("An answer is outside the scale."))
        return Answer(response=response, item=item, value=number)
    return Answer(response=response, item=item, text=str(value or "").strip())
