"""Every change to calls for proposals, proposals and their analysis.

The pages, the public form, the daily job and other apps (the planning
workspace, the scenario tests) all go through these functions, so each rule
is written once. They take keyword arguments only, run in one transaction
each and raise `ValidationError` (by field where a field is to blame) when a
rule is broken; nothing is stored then.

Who may call which function is the permission gate's business
(`mitra.core.permissions`); whether the proposal's status allows the step is
decided here (`TRANSITIONS`), so a step out of turn is refused with a
message whoever asks.

The weighted score of a proposal (0-100) is::

    mean  = sum(weight * mean of the reviewers' scores on the criterion)
            / sum(weight)        (active criteria with at least one score)
    score = (mean - 1) / 4 * 100 (a 1-5 mean mapped onto 0-100)

so a proposal scored 1 on everything gets 0, one scored 5 everywhere 100.
"""

import logging
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mitra.core import clock
from mitra.core.fields import Scope, Tridharma
from mitra.core.models import Role, Unit, User
from mitra.core.notifications import absolute_url, language_of, notify, queue_email
from mitra.core.numbering import number_issue
from mitra.core.permissions import acting_unit_ids, manages_all
from mitra.core.units import descendant_ids
from mitra.proposals.models import (
    AWAITING_OFFICE,
    EDITABLE,
    CallDecline,
    CallForProposals,
    DocumentType,
    EventKind,
    Proposal,
    ProposalAttachment,
    ProposalEvent,
    Recommendation,
    Review,
    RubricCriterion,
    Score,
    Source,
    Status,
    validate_tor_file,
)

logger = logging.getLogger(__name__)

#: The numbering kind of proposals (the office sets its pattern).
NUMBERING_KIND = "proposal"
#: Salt of the signed links partners follow their proposal with.
STATUS_LINK_SALT = "mitra.proposals.status"
#: Roles told of new proposals and of proposals waiting.
OFFICE_ROLES = (Role.OFFICE, Role.HEAD)

#: For each status, the statuses a proposal may come to it from.
TRANSITIONS = {
    Status.SUBMITTED: {Status.DRAFT, Status.REVISION_REQUESTED},
    Status.UNDER_ANALYSIS: {Status.SUBMITTED},
    Status.REVISION_REQUESTED: {Status.SUBMITTED, Status.UNDER_ANALYSIS},
    Status.APPROVED: {Status.SUBMITTED, Status.UNDER_ANALYSIS},
    Status.REJECTED: {
        Status.SUBMITTED,
        Status.UNDER_ANALYSIS,
        Status.REVISION_REQUESTED,
    },
    Status.WITHDRAWN: {
        Status.DRAFT,
        Status.SUBMITTED,
        Status.UNDER_ANALYSIS,
        Status.REVISION_REQUESTED,
    },
}

#: Single-valued proposal fields the services accept as keyword arguments.
PROPOSAL_FIELDS = frozenset(
    {
        "title",
        "year",
        "source",
        "document_type",
        "unit",
        "proposer_name",
        "proposer_organisation",
        "proposer_email",
        "proposer_phone",
        "partner",
        "partner_name",
        "partner_kind",
        "partner_country",
        "partner_scope",
        "contact_name",
        "contact_position",
        "contact_email",
        "contact_phone",
        "call",
        "meeting",
        "expected_benefit",
        "planned_activities",
        "tor_file",
        *Tridharma.values,
    }
)
_TEXT_FIELDS = frozenset(
    {
        "title",
        "proposer_name",
        "proposer_organisation",
        "proposer_email",
        "proposer_phone",
        "partner_name",
        "partner_country",
        "partner_scope",
        "contact_name",
        "contact_position",
        "contact_email",
        "contact_phone",
        "expected_benefit",
        "planned_activities",
        "document_type",
        "source",
    }
)
_MEETING_SOURCES = (Source.INTERNAL_MEETING, Source.UNIT_MEETING)

_ILLEGAL_STEP = _("A proposal that is %(status)s cannot be %(step)s.")
_STEP_NAMES = {
    Status.SUBMITTED: _("submitted"),
    Status.UNDER_ANALYSIS: _("taken into analysis"),
    Status.REVISION_REQUESTED: _("sent back for revision"),
    Status.APPROVED: _("approved"),
    Status.REJECTED: _("rejected"),
    Status.WITHDRAWN: _("withdrawn"),
}


class _Errors:
    """Collect messages per field, then raise them together."""

    def __init__(self):
        self.messages = {}

    def add(self, name, message):
        self.messages.setdefault(name or NON_FIELD_ERRORS, []).append(message)

    def raise_any(self):
        if self.messages:
            raise ValidationError(self.messages)


def _clean_text(value):
    return " ".join(str(value or "").split()) if value is not None else ""


def _office_users():
    return list(User.objects.filter(is_active=True, role__in=OFFICE_ROLES))


def _heads():
    return list(User.objects.filter(is_active=True, role=Role.HEAD))


def notify_each(users, message, *, subject, dedupe_key="", immediate=True, skip=None):
    """Notify each user once, writing `message()` in the user's language.

    `message` returns (title, body); `skip` (a user) is left out — nobody is
    told of what they just did themselves. Return how many were notified.
    """
    seen, told = set(), 0
    for user in users:
        if user is None or not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        if skip is not None and user.pk == skip.pk:
            continue
        with translation.override(language_of(user)):
            title, body = message()
        created = notify(
            user=user,
            title=title,
            body=body,
            subject=subject,
            dedupe_key=dedupe_key,
            immediate=immediate,
        )
        told += created is not None
    return told


def institution_language():
    return translation.override(settings.LANGUAGE_CODE)


# --- Calls for proposals ------------------------------------------------------


def _unit_members(unit_ids):
    """Active staff of the given units (not of the units below them)."""
    return list(
        User.objects.filter(is_active=True, units__in=list(unit_ids))
        .distinct()
        .order_by("pk")
    )


def _check_call(*, year, title, deadline, units, errors, old_deadline=None):
    if not _clean_text(title):
        errors.add("title", _("A title is required."))
    if not year or not 2000 <= int(year) <= 2999:
        errors.add("year", _("Enter a year between 2000 and 2999."))
    if deadline is None:
        errors.add("deadline", _("A deadline is required."))
    elif deadline < clock.today() and deadline != old_deadline:
        errors.add(
            "deadline",
            _("The deadline %(date)s is in the past: choose today or a later day.")
            % {"date": date_format(deadline, "DATE_FORMAT")},
        )
    if not units:
        errors.add("units", _("Invite at least one unit."))


@transaction.atomic
def call_open(*, by, year, title, deadline, units, message=""):
    """Open a call for proposals and tell the staff of the invited units.

    The staff of every invited unit and of the units below it are told in
    the app and, when they wish, by email.
    """
    units = list(units)
    errors = _Errors()
    _check_call(year=year, title=title, deadline=deadline, units=units, errors=errors)
    errors.raise_any()

    call = CallForProposals(
        year=year,
        title=_clean_text(title),
        message=(message or "").strip(),
        deadline=deadline,
        created_by=by,
    )
    call._history_user = by
    call.save()
    call.units.set(units)
    told = _announce_call(call, units, by=by)
    logger.info("Call for proposals %s opened; %s people told", call.pk, told)
    return call


@transaction.atomic
def call_update(*, call, by, title, message, deadline, units, year=None):
    """Change a call; units newly invited are told as at the opening.

    The deadline may stay where it was even when it has passed, but it may
    not be moved into the past.
    """
    units = list(units)
    old_deadline = CallForProposals.objects.filter(pk=call.pk).values_list(
        "deadline", flat=True
    )[0]
    errors = _Errors()
    _check_call(
        year=year or call.year,
        title=title,
        deadline=deadline,
        units=units,
        errors=errors,
        old_deadline=old_deadline,
    )
    errors.raise_any()

    before = set(call.units.values_list("pk", flat=True))
    call.title = _clean_text(title)
    call.message = (message or "").strip()
    call.deadline = deadline
    call.year = year or call.year
    call._history_user = by
    call.save()
    call.units.set(units)
    added = [unit for unit in units if unit.pk not in before]
    if added:
        _announce_call(call, added, by=by)
    return call


def _announce_call(call, units, *, by):
    people = _unit_members(descendant_ids([unit.pk for unit in units]))

    def message():
        title = gettext("Call for proposals: %(title)s") % {"title": call.title}
        lines = [
            gettext("The cooperation office invites your unit to propose cooperation")
            + " "
            + gettext("for %(year)s by %(date)s.")
            % {
                "year": call.year,
                "date": date_format(call.deadline, "DATE_FORMAT"),
            }
        ]
        if call.message:
            lines += ["", call.message]
        lines += [
            "",
            gettext(
                "Open the call to propose, or to say your unit has nothing to "
                "propose this time."
            ),
        ]
        return title, "\n".join(lines)

    return notify_each(
        people,
        message,
        subject=call,
        dedupe_key=f"proposals.call_opened:{call.pk}",
        skip=by,
    )


def _answering_unit(call, unit):
    """Return the invited unit `unit` answers for (itself or above), or None."""
    invited = {invited.pk: invited for invited in call.units.all()}
    current = unit
    while current is not None:
        if current.pk in invited:
            return invited[current.pk]
        current = current.parent
    return None


@transaction.atomic
def call_decline(*, call, unit, by, note=""):
    """Record that an invited unit has nothing to propose in this call."""
    if unit.pk not in set(call.units.values_list("pk", flat=True)):
        raise ValidationError({"unit": _("This unit was not invited to the call.")})
    if not manages_all(by) and unit.pk not in acting_unit_ids(by):
        raise ValidationError({"unit": _("You can only answer for your own units.")})
    answered = (
        Proposal.objects.incoming()
        .filter(call=call, unit_id__in=descendant_ids([unit.pk]))
        .exists()
    )
    if answered:
        raise ValidationError(
            {"unit": _("This unit has already sent a proposal in answer to the call.")}
        )
    decline, created = CallDecline.objects.get_or_create(
        call=call, unit=unit, defaults={"declined_by": by, "note": note.strip()}
    )
    if not created:
        raise ValidationError(
            {"unit": _("This unit has already said it has nothing to propose.")}
        )
    return decline


@transaction.atomic
def call_decline_undo(*, decline, by):
    """Take back a unit's "nothing to propose" (it may propose after all)."""
    decline.delete()


# --- Proposals: content -------------------------------------------------------


def _check_names(values):
    unknown = set(values) - PROPOSAL_FIELDS
    if unknown:
        raise TypeError(f"Unknown proposal fields: {', '.join(sorted(unknown))}")


def _assign(proposal, values, fields):
    for name, value in values.items():
        if name in _TEXT_FIELDS:
            value = (
                (value or "").strip()
                if name in ("expected_benefit", "planned_activities")
                else _clean_text(value)
            )
        if name == "tor_file" and not value:
            continue
        setattr(proposal, name, value)
    if fields is not None:
        proposal.fields = fields
    if proposal.call_id and proposal.source != Source.CALL:
        proposal.source = Source.CALL
    if proposal.call_id and not proposal.year:
        proposal.year = proposal.call.year
    if not proposal.year:
        proposal.year = clock.today().year


def _check_basics(proposal, *, by, old_unit_id=None):
    """Checks that hold for a draft too: anything typed must make sense."""
    errors = _Errors()
    if not proposal.title:
        errors.add("title", _("A title is required."))
    if proposal.source not in Source.values:
        errors.add("source", _("Choose where the proposal comes from."))
    if proposal.document_type and proposal.document_type not in DocumentType.values:
        errors.add("document_type", _("Choose MoU, MoA or IA."))
    if proposal.partner_scope and proposal.partner_scope not in Scope.values:
        errors.add("partner_scope", _("Choose a scope."))
    if (
        by is not None
        and not manages_all(by)
        and proposal.unit_id is not None
        and proposal.unit_id != old_unit_id
        and proposal.unit_id not in acting_unit_ids(by)
    ):
        errors.add("unit", _("You can only propose for the units you act for."))
    if proposal.source == Source.CALL and proposal.call_id is None:
        errors.add("call", _("Choose the call for proposals this answers."))
    errors.raise_any()


def check_complete(proposal, *, cooperation_types, first_submission=True):
    """Raise ValidationError naming every field still needed to submit.

    A draft may be saved half-filled; to be submitted, a proposal needs a
    title, the intended document, a proposer (a unit, or a name and email
    from outside), a partner (a registered one, or the name, kind, country
    and a contact of a new one), at least one cooperation type and one
    tridharma field, the expected benefit and the planned activities, and a
    TOR/KAK when it is meant to become an MoA or an IA.
    """
    errors = _Errors()
    required = _("This field is required to submit the proposal.")
    if not proposal.title:
        errors.add("title", required)
    if not proposal.document_type:
        errors.add("document_type", _("Choose the document the proposal leads to."))
    from_outside = proposal.is_external or (
        proposal.unit_id is None
        and bool(proposal.proposer_name or proposal.proposer_email)
    )
    if from_outside:
        if not proposal.proposer_name:
            errors.add("proposer_name", required)
        if not proposal.proposer_email:
            errors.add("proposer_email", required)
    elif proposal.unit_id is None:
        errors.add(
            "unit",
            _(
                "Choose the proposing unit (or, for a proposal from outside, "
                "give the proposer's name and email)."
            ),
        )
    if proposal.partner_id is None:
        if not proposal.partner_name:
            errors.add(
                "partner_name",
                _("Choose a registered partner, or give the new partner's name."),
            )
        if proposal.partner_kind_id is None:
            errors.add("partner_kind", _("Choose the new partner's kind."))
        if not proposal.partner_country:
            errors.add("partner_country", _("Give the new partner's country."))
        if not proposal.contact_name:
            errors.add("contact_name", _("Name a contact person at the new partner."))
        if not (proposal.contact_email or proposal.contact_phone):
            errors.add(
                "contact_email",
                _("Give the contact's email or phone number."),
            )
    if not list(cooperation_types):
        errors.add("cooperation_types", _("Choose at least one cooperation type."))
    if not proposal.fields:
        errors.add("tridharma", _("Choose at least one tridharma field."))
    if not proposal.expected_benefit:
        errors.add("expected_benefit", required)
    if not proposal.planned_activities:
        errors.add("planned_activities", required)
    if proposal.needs_tor and not proposal.tor_file:
        errors.add(
            "tor_file",
            _("An MoA or IA proposal needs its TOR/KAK (PDF or DOCX)."),
        )
    if proposal.call_id is not None:
        _check_call_answer(proposal, errors, first_submission=first_submission)
    errors.raise_any()


def _check_call_answer(proposal, errors, *, first_submission):
    call = proposal.call
    if first_submission and not call.is_open_on(clock.today()):
        errors.add(
            "call",
            _(
                "The call closed on %(date)s. Submit the proposal as a unit "
                "request instead."
            )
            % {"date": date_format(call.deadline, "DATE_FORMAT")},
        )
    if proposal.unit_id is not None and _answering_unit(call, proposal.unit) is None:
        errors.add("unit", _("This unit was not invited to the call."))


def _check_files(proposal, attachments):
    errors = _Errors()
    if proposal.tor_file and not proposal.tor_file._committed:
        try:
            validate_tor_file(proposal.tor_file.file)
        except ValidationError as error:
            for message in error.messages:
                errors.add("tor_file", message)
    for attachment in attachments:
        try:
            ProposalAttachment._meta.get_field("file").run_validators(
                attachment["file"]
            )
        except ValidationError as error:
            for message in error.messages:
                errors.add("attachment", message)
    errors.raise_any()


def _record(proposal, kind, *, by=None, actor_name="", comment="", **statuses):
    now = clock.now()
    return ProposalEvent.objects.create(
        proposal=proposal,
        kind=kind,
        at=now,
        actor=by,
        actor_name=actor_name if by is None else "",
        comment=(comment or "").strip(),
        from_status=statuses.get("from_status", ""),
        to_status=statuses.get("to_status", ""),
    )


def _save(proposal, by):
    proposal._history_user = by
    proposal.save()


def _add_attachments(proposal, attachments, by):
    for attachment in attachments:
        ProposalAttachment.objects.create(
            proposal=proposal,
            description=_clean_text(attachment.get("description"))
            or attachment["file"].name[:300],
            file=attachment["file"],
            uploaded_by=by,
        )


@transaction.atomic
def proposal_create(
    *,
    by,
    title,
    cooperation_types=(),
    fields=None,
    attachments=(),
    submit=False,
    **values,
):
    """Record a new proposal (a draft, or submitted at once) and return it.

    `values` are any of PROPOSAL_FIELDS; `fields` a set of Tridharma values;
    `attachments` a list of {"file", "description"}. With `submit`, the
    proposal must be complete (see `check_complete`) or nothing is saved.
    """
    _check_names(values)
    proposal = Proposal(created_by=by)
    values["title"] = title
    _assign(proposal, values, fields)
    cooperation_types = list(cooperation_types)
    _check_basics(proposal, by=by)
    _check_files(proposal, attachments)
    if submit:
        check_complete(proposal, cooperation_types=cooperation_types)

    proposal.last_activity_at = clock.now()
    _save(proposal, by)
    proposal.cooperation_types.set(cooperation_types)
    _add_attachments(proposal, attachments, by)
    _record(proposal, EventKind.CREATED, by=by, to_status=Status.DRAFT)
    logger.info("Proposal %s created", proposal.pk)
    if submit:
        proposal_submit(proposal=proposal, by=by)
    return proposal


@transaction.atomic
def proposal_update(
    *,
    proposal,
    by,
    cooperation_types=None,
    fields=None,
    attachments=(),
    submit=False,
    comment="",
    actor_name="",
    **values,
):
    """Change a proposal's content; with `submit`, (re)submit it as well.

    Unit staff change a proposal while it is a draft or sent back for a
    revision; the office also while it waits for a decision (the gate says
    who). A decided or withdrawn proposal is never changed.
    """
    _check_names(values)
    if proposal.status not in (*EDITABLE, *AWAITING_OFFICE):
        raise ValidationError(
            _("A proposal that is %(status)s can no longer be changed.")
            % {"status": proposal.get_status_display().lower()}
        )
    old_unit_id = (
        Proposal.objects.filter(pk=proposal.pk).values_list("unit_id", flat=True)[0]
        if proposal.pk
        else None
    )
    _assign(proposal, values, fields)
    types = (
        list(proposal.cooperation_types.all())
        if cooperation_types is None
        else list(cooperation_types)
    )
    _check_basics(proposal, by=by, old_unit_id=old_unit_id)
    _check_files(proposal, attachments)
    if submit or proposal.status in AWAITING_OFFICE:
        check_complete(
            proposal,
            cooperation_types=types,
            first_submission=proposal.status == Status.DRAFT,
        )

    proposal.last_activity_at = clock.now()
    _save(proposal, by)
    if cooperation_types is not None:
        proposal.cooperation_types.set(types)
    _add_attachments(proposal, attachments, by)
    if proposal.status != Status.DRAFT:
        _record(
            proposal,
            EventKind.EDITED,
            by=by,
            actor_name=actor_name,
            comment="" if submit else comment,
        )
    if submit:
        proposal_submit(
            proposal=proposal, by=by, comment=comment, actor_name=actor_name
        )
    return proposal


@transaction.atomic
def proposal_delete(*, proposal, by):
    """Delete a draft; a proposal once submitted stays on record."""
    if proposal.status != Status.DRAFT:
        raise ValidationError(
            _("Only a draft can be deleted; withdraw a submitted proposal instead.")
        )
    proposal._history_user = by
    pk = proposal.pk
    proposal.delete()
    logger.info("Draft proposal %s deleted", pk)


@transaction.atomic
def attachment_delete(*, attachment, by):
    proposal = attachment.proposal
    if proposal.status not in (*EDITABLE, *AWAITING_OFFICE):
        raise ValidationError(_("The files of a decided proposal are kept."))
    attachment.file.delete(save=False)
    attachment.delete()


# --- Proposals: from a partner on the public site ---------------------------------


@transaction.atomic
def proposal_public_create(
    *,
    title,
    proposer_name,
    proposer_email,
    proposer_organisation,
    partner_kind,
    partner_country,
    cooperation_types,
    fields,
    proposer_phone="",
    proposer_position="",
    attachments=(),
    **values,
):
    """Record a partner's own proposal from the public site and submit it.

    The organisation is matched to a registered partner when its name (or
    an alias) normalises the same; otherwise it is kept as a new partner to
    be registered on approval. A confirmation with a signed link to follow
    the proposal is emailed to the proposer.
    """
    from mitra.partners.models import Partner

    _check_names(values)
    proposal = Proposal(is_external=True, source=Source.PARTNER_REQUEST)
    values.update(
        title=title,
        proposer_name=proposer_name,
        proposer_email=proposer_email,
        proposer_phone=proposer_phone,
        proposer_organisation=proposer_organisation,
        partner_name=proposer_organisation,
        partner_kind=partner_kind,
        partner_country=partner_country,
        contact_name=proposer_name,
        contact_position=proposer_position,
        contact_email=proposer_email,
        contact_phone=proposer_phone,
    )
    _assign(proposal, values, fields)
    proposal.partner = Partner.objects.by_name(proposal.partner_name).first()
    cooperation_types = list(cooperation_types)
    _check_basics(proposal, by=None)
    _check_files(proposal, attachments)
    check_complete(proposal, cooperation_types=cooperation_types)

    proposal.last_activity_at = clock.now()
    _save(proposal, None)
    proposal.cooperation_types.set(cooperation_types)
    _add_attachments(proposal, attachments, None)
    _record(
        proposal,
        EventKind.CREATED,
        actor_name=proposal.proposer_name,
        to_status=Status.DRAFT,
    )
    proposal_submit(proposal=proposal, by=None, actor_name=proposal.proposer_name)
    _send_receipt(proposal)
    logger.info("Public proposal %s received", proposal.pk)
    return proposal


def status_token(proposal):
    """Return the signed token of `proposal`'s status link (it expires)."""
    return signing.dumps({"p": proposal.pk}, salt=STATUS_LINK_SALT)


def status_link(proposal):
    """Return the full address at which the proposer follows the proposal."""
    return absolute_url(
        reverse("proposals:public_status", args=[status_token(proposal)])
    )


class LinkExpired(Exception):
    """The status link was genuine but is older than MITRA_PROPOSAL_LINK_DAYS."""


def proposal_from_token(token):
    """Return the proposal a status link points at, or None.

    Raise LinkExpired for a genuine link past its validity. A forged or
    mangled token, or one for a proposal since deleted, gives None, telling
    nothing about which proposals exist.
    """
    if not token or len(token) > 300:
        return None
    max_age = settings.MITRA_PROPOSAL_LINK_DAYS * 24 * 3600
    try:
        data = signing.loads(token, salt=STATUS_LINK_SALT, max_age=max_age)
    except signing.SignatureExpired as error:
        raise LinkExpired from error
    except signing.BadSignature:
        return None
    pk = data.get("p") if isinstance(data, dict) else None
    if not isinstance(pk, int):
        return None
    return (
        Proposal.objects.select_related("partner", "unit", "partner_kind")
        .filter(pk=pk, is_external=True)
        .first()
    )


def _send_receipt(proposal):
    with institution_language():
        subject = gettext("Your cooperation proposal was received: %(title)s") % {
            "title": proposal.title
        }
        body = "\n".join(
            [
                gettext("Dear %(name)s,") % {"name": proposal.proposer_name},
                "",
                gettext(
                    "Thank you for proposing a cooperation. We have received "
                    "your proposal and the cooperation office will study it."
                ),
                "",
                gettext("Proposal: %(title)s") % {"title": proposal.title},
                gettext("Reference: %(label)s") % {"label": proposal.label},
                "",
                gettext("Follow its status at this link (valid for %(days)s days):")
                % {"days": settings.MITRA_PROPOSAL_LINK_DAYS},
                status_link(proposal),
                "",
                gettext(
                    "Keep this email: the link is personal. You will be told "
                    "by email when the status changes."
                ),
            ]
        )
    queue_email(
        to=proposal.proposer_email,
        subject=subject,
        body=body,
        dedupe_key=f"proposals.received:{proposal.pk}",
    )


def status_links_send(*, email):
    """Email fresh status links for every proposal sent from `email`.

    Return how many were sent; the page asking for them says the same thing
    whatever the answer, so nobody learns which addresses proposed.
    """
    email = (email or "").strip()
    proposals = list(
        Proposal.objects.filter(is_external=True, proposer_email__iexact=email)
        .exclude(status=Status.DRAFT)
        .order_by("-created_at")[:20]
    )
    if not proposals:
        return 0
    with institution_language():
        subject = gettext("Links to follow your cooperation proposals")
        lines = [gettext("The links to follow your proposals:"), ""]
        for proposal in proposals:
            lines += [
                f"{proposal.label} — {proposal.title}",
                status_link(proposal),
                "",
            ]
        lines.append(
            gettext("Each link is valid for %(days)s days.")
            % {"days": settings.MITRA_PROPOSAL_LINK_DAYS}
        )
    # At most one such email a day per address, however often it is asked.
    queue_email(
        to=proposals[0].proposer_email,
        subject=subject,
        body="\n".join(lines),
        dedupe_key=f"proposals.links:{email.casefold()}:{clock.today()}",
    )
    return len(proposals)


# --- The workflow -------------------------------------------------------------------


def can_move(proposal, to):
    """Whether the workflow allows `proposal` to go to status `to` now."""
    return proposal.status in TRANSITIONS.get(to, ())


def _locked(proposal):
    """Re-read the proposal's row with a lock, so two people acting on it at
    once take turns and the second sees what the first did."""
    current = Proposal.objects.select_for_update().get(pk=proposal.pk)
    proposal.status = current.status
    proposal.number = current.number
    return proposal


def _transition(proposal, to, *, by, comment="", actor_name=""):
    _locked(proposal)
    if not can_move(proposal, to):
        raise ValidationError(
            _ILLEGAL_STEP,
            code="illegal_transition",
            params={
                "status": proposal.get_status_display().lower(),
                "step": _STEP_NAMES[to],
            },
        )
    before = proposal.status
    now = clock.now()
    proposal.status = to
    proposal.last_activity_at = now
    if to == Status.SUBMITTED and proposal.submitted_at is None:
        proposal.submitted_at = now
    if to in (Status.APPROVED, Status.REJECTED):
        proposal.decided_at = now
        proposal.decided_by = by
        proposal.decision_note = (comment or "").strip()
    _save(proposal, by)
    event = _record(
        proposal,
        EventKind.TRANSITION,
        by=by,
        actor_name=actor_name,
        comment=comment,
        from_status=before,
        to_status=to,
    )
    _tell_proposer(proposal, event, by=by)
    logger.info("Proposal %s: %s → %s", proposal.pk, before, to)
    return event


def _step_message(proposal, event):
    values = {
        "label": proposal.label,
        "title": proposal.title,
        "status": Status(event.to_status).label,
    }
    title = gettext("Proposal %(label)s: %(status)s") % values
    lines = [gettext("Proposal: %(title)s") % values]
    lines.append(gettext("New status: %(status)s") % values)
    if event.comment:
        lines += ["", event.comment]
    return str(title), "\n".join(str(line) for line in lines)


def _tell_proposer(proposal, event, *, by):
    """Tell whoever proposed of a step: the author in the app (and, when
    the office recorded it for a unit, that unit's staff), an outside
    proposer by email with their status link."""
    people = [proposal.created_by] if proposal.created_by_id else []
    author = proposal.created_by
    if proposal.unit_id is not None and (
        author is None or proposal.unit_id not in acting_unit_ids(author)
    ):
        people += _unit_members([proposal.unit_id])
    if people:
        notify_each(
            people,
            lambda: _step_message(proposal, event),
            subject=proposal,
            dedupe_key=f"proposals.step:{event.pk}",
            skip=by,
        )
    if proposal.proposer_email and (by is not None or proposal.created_by_id):
        with institution_language():
            title, body = _step_message(proposal, event)
            if proposal.is_external:
                body += "\n\n" + gettext("Follow the proposal: %(link)s") % {
                    "link": status_link(proposal)
                }
        queue_email(
            to=proposal.proposer_email,
            subject=title,
            body=body,
            dedupe_key=f"proposals.step:{event.pk}:proposer",
        )


def _issue_number(proposal, by):
    """Give the proposal its number, or leave it blank when the office has
    set no usable pattern for proposals (the pages say so to the office)."""
    if proposal.number:
        return
    try:
        number = number_issue(
            kind=NUMBERING_KIND,
            unit=proposal.unit,
            taken=lambda value: Proposal.objects.filter(number__iexact=value).exists(),
        )
    except ValidationError as error:
        logger.info("Proposal %s left without a number: %s", proposal.pk, error.code)
        return
    proposal.number = number
    _save(proposal, by)


@transaction.atomic
def proposal_submit(*, proposal, by, comment="", actor_name=""):
    """Hand a draft in (or a revised proposal back in) for analysis.

    The proposal must be complete. The first submission issues its number
    and tells the office and the head.
    """
    _locked(proposal)
    resubmission = proposal.status == Status.REVISION_REQUESTED
    if proposal.status in TRANSITIONS[Status.SUBMITTED]:
        check_complete(
            proposal,
            cooperation_types=list(proposal.cooperation_types.all()),
            first_submission=not resubmission,
        )
    event = _transition(
        proposal, Status.SUBMITTED, by=by, comment=comment, actor_name=actor_name
    )
    _issue_number(proposal, by)

    def message():
        values = {"label": proposal.label, "title": proposal.title}
        if resubmission:
            title = gettext("Revised proposal %(label)s is back") % values
        else:
            title = gettext("New proposal %(label)s") % values
        lines = [
            gettext("Proposal: %(title)s") % values,
            gettext("From: %(who)s") % {"who": proposal.proposer_display},
            gettext("Partner: %(partner)s") % {"partner": proposal.partner_display},
        ]
        if event.comment:
            lines += ["", event.comment]
        return title, "\n".join(lines)

    people = _office_users() + [
        review.reviewer for review in proposal.reviews.select_related("reviewer")
    ]
    notify_each(
        people,
        message,
        subject=proposal,
        dedupe_key=f"proposals.submitted:{event.pk}",
        skip=by,
    )
    return proposal


@transaction.atomic
def proposal_start_analysis(*, proposal, by, comment=""):
    """Take a submitted proposal into analysis."""
    _transition(proposal, Status.UNDER_ANALYSIS, by=by, comment=comment)
    return proposal


@transaction.atomic
def proposal_request_revision(*, proposal, by, comment):
    """Send a proposal back to its proposer with notes on what to change."""
    if not (comment or "").strip():
        raise ValidationError(
            {"comment": _("Say what the proposer should revise.")},
        )
    _transition(proposal, Status.REVISION_REQUESTED, by=by, comment=comment)
    return proposal


@transaction.atomic
def proposal_withdraw(*, proposal, by, comment="", actor_name=""):
    """Withdraw a proposal at the proposer's wish (before any decision)."""
    _transition(
        proposal, Status.WITHDRAWN, by=by, comment=comment, actor_name=actor_name
    )
    for review in proposal.reviews.select_related("reviewer"):
        notify_each(
            [review.reviewer],
            lambda: (
                gettext("Proposal %(label)s was withdrawn") % {"label": proposal.label},
                proposal.title,
            ),
            subject=proposal,
            dedupe_key=f"proposals.withdrawn:{proposal.pk}",
            skip=by,
        )
    return proposal


@transaction.atomic
def proposal_decide(*, proposal, by, approve, comment=""):
    """Record the head's decision; an approval drafts the agreement.

    A rejection needs its reason. On approval the partner is registered when
    the proposal named a new one, and a draft agreement is made from the
    proposal (see `proposal_to_agreement`); if that fails nothing is saved.
    Return the proposal.
    """
    if not approve and not (comment or "").strip():
        raise ValidationError({"comment": _("Give the reason for the rejection.")})
    to = Status.APPROVED if approve else Status.REJECTED
    _transition(proposal, to, by=by, comment=comment)
    if approve:
        proposal_to_agreement(proposal=proposal, by=by)
    for review in proposal.reviews.select_related("reviewer"):
        notify_each(
            [review.reviewer],
            lambda: (
                gettext("Proposal %(label)s: %(status)s")
                % {"label": proposal.label, "status": Status(to).label},
                proposal.title,
            ),
            subject=proposal,
            dedupe_key=f"proposals.decided:{proposal.pk}",
            skip=by,
        )
    return proposal


# --- From an approved proposal to an agreement draft --------------------------------


def _partner_for(proposal, by):
    """Return the registered partner of a proposal, registering a new one."""
    from mitra.partners.services import name_owner, partner_create

    if proposal.partner_id is not None:
        return proposal.partner
    existing = name_owner(proposal.partner_name)
    if existing is not None:
        return existing
    scope = proposal.partner_scope or (
        Scope.NATIONAL
        if (proposal.partner_country or "Indonesia").casefold() == "indonesia"
        else Scope.INTERNATIONAL
    )
    try:
        return partner_create(
            by=by,
            name=proposal.partner_name,
            kind=proposal.partner_kind,
            country=proposal.partner_country or "Indonesia",
            scope=scope,
        )
    except ValidationError as error:
        raise ValidationError({"partner_name": error.messages}) from error


def _contact_for(proposal, partner, by):
    from mitra.partners.services import contact_create

    if not proposal.contact_name:
        return None
    contacts = partner.contacts.all()
    if proposal.contact_email:
        same = contacts.filter(email__iexact=proposal.contact_email).first()
    else:
        same = contacts.filter(name__iexact=proposal.contact_name).first()
    if same is not None:
        return same
    return contact_create(
        partner=partner,
        by=by,
        name=proposal.contact_name,
        position=proposal.contact_position,
        email=proposal.contact_email,
        phone=proposal.contact_phone,
    )


#: The document type an agreement of each type usually sits under.
_PARENT_TYPE = {"moa": "mou", "ia": "moa"}


def _likely_parent(proposal, partner):
    """Return the one agreement in force the draft most likely sits under."""
    from mitra.agreements.models import Agreement

    parent_type = _PARENT_TYPE.get(proposal.document_type)
    if parent_type is None:
        return None
    candidates = Agreement.objects.in_force(clock.today()).filter(
        partner=partner, document_type=parent_type
    )
    if parent_type == "moa" and proposal.unit_id is not None:
        with_unit = candidates.filter(units=proposal.unit_id)
        if with_unit.exists():
            candidates = with_unit
    found = list(candidates[:2])
    return found[0] if len(found) == 1 else None


@transaction.atomic
def proposal_to_agreement(*, proposal, by):
    """Make the draft agreement an approved proposal becomes, and link both.

    The draft carries the proposal's partner (registered now if new, with
    its contact), document type, title, unit, tridharma fields and
    cooperation types. An MoA or IA is put under the partner's one MoU (or
    MoA) in force when there is exactly one; otherwise it records that no
    parent is known yet. Return the `AgreementResult`.
    """
    from mitra.agreements.services import agreement_create

    if proposal.agreement_id is not None:
        raise ValidationError(_("This proposal already has its agreement draft."))
    if proposal.status != Status.APPROVED:
        raise ValidationError(_("Only an approved proposal becomes an agreement."))

    partner = _partner_for(proposal, by)
    contact = _contact_for(proposal, partner, by)
    parent = _likely_parent(proposal, partner)
    with institution_language():
        reason = (
            ""
            if parent is not None or proposal.document_type not in _PARENT_TYPE
            else gettext(
                "No parent document known yet: drafted from proposal %(label)s."
            )
            % {"label": proposal.label}
        )
        notes = "\n\n".join(
            part
            for part in (
                gettext("Drafted from proposal %(label)s.") % {"label": proposal.label},
                proposal.expected_benefit
                and gettext("Expected benefit: %(text)s")
                % {"text": proposal.expected_benefit},
                proposal.planned_activities
                and gettext("Planned activities: %(text)s")
                % {"text": proposal.planned_activities},
            )
            if part
        )
    result = agreement_create(
        by=by,
        partner=partner,
        document_type=proposal.document_type,
        title=proposal.title,
        parents=[parent] if parent is not None else [],
        units=[proposal.unit] if proposal.unit_id else [],
        cooperation_types=list(proposal.cooperation_types.all()),
        fields=proposal.fields,
        status="draft",
        no_parent_reason=reason,
        partner_contact=contact,
        notes=notes,
    )
    proposal.partner = partner
    proposal.agreement = result.agreement
    _save(proposal, by)
    _record(
        proposal,
        EventKind.AGREEMENT,
        by=by,
        comment=str(result.agreement),
    )
    logger.info(
        "Proposal %s became agreement draft %s", proposal.pk, result.agreement.pk
    )
    return result


# --- Analysis: reviewers, rubric and scores -----------------------------------------


@transaction.atomic
def reviewers_set(*, proposal, by, reviewers):
    """Make `reviewers` the proposal's reviewers; tell the new ones.

    A submitted proposal goes under analysis with its first reviewer. A
    reviewer taken off loses their scores. The proposer cannot review their
    own proposal.
    """
    _locked(proposal)
    if proposal.status not in AWAITING_OFFICE:
        raise ValidationError(
            _("Reviewers are assigned while a proposal waits for its analysis.")
        )
    reviewers = list(dict.fromkeys(reviewers))
    errors = _Errors()
    for reviewer in reviewers:
        if not reviewer.is_active:
            errors.add(
                "reviewers",
                _("%(name)s's account is not active.") % {"name": reviewer},
            )
        elif reviewer.pk == proposal.created_by_id:
            errors.add(
                "reviewers",
                _("%(name)s proposed it and cannot review it.") % {"name": reviewer},
            )
    errors.raise_any()

    current = {review.reviewer_id: review for review in proposal.reviews.all()}
    wanted = {reviewer.pk for reviewer in reviewers}
    removed = [review for pk, review in current.items() if pk not in wanted]
    added = [reviewer for reviewer in reviewers if reviewer.pk not in current]
    for review in removed:
        review.delete()
    for reviewer in added:
        Review.objects.create(proposal=proposal, reviewer=reviewer, assigned_by=by)
    if not added and not removed:
        return proposal

    names = ", ".join(str(reviewer) for reviewer in reviewers) or "—"
    with institution_language():
        comment = gettext("Reviewers: %(names)s") % {"names": names}
    _record(proposal, EventKind.REVIEWERS, by=by, comment=comment)
    if removed:
        _update_score(proposal)
    if proposal.status == Status.SUBMITTED and reviewers:
        _transition(proposal, Status.UNDER_ANALYSIS, by=by)
    else:
        Proposal.objects.filter(pk=proposal.pk).update(last_activity_at=clock.now())

    def message():
        return (
            gettext("Please review proposal %(label)s") % {"label": proposal.label},
            gettext(
                "You were asked to review the proposal %(title)s. Score it on "
                "the rubric and give your recommendation."
            )
            % {"title": proposal.title},
        )

    notify_each(
        added,
        message,
        subject=proposal,
        dedupe_key=f"proposals.review_asked:{proposal.pk}",
    )
    return proposal


def active_criteria():
    return list(RubricCriterion.objects.filter(is_active=True).order_by("order", "pk"))


@transaction.atomic
def review_save(*, review, by, scores, recommendation="", comment="", complete=False):
    """Store a reviewer's scores (criterion id → 1-5, or None to clear).

    Scores can be saved bit by bit; `complete` marks the review finished and
    then needs a score on every active criterion and a recommendation. Two
    reviewers saving at once take turns on the proposal's row, and each
    reviewer has one score per criterion (a unique key), so nothing is
    lost or counted twice. The proposal's weighted score is kept up to date.
    """
    proposal = _locked(review.proposal)
    if proposal.status not in AWAITING_OFFICE:
        raise ValidationError(
            _("Scores are given while the proposal is being analysed.")
        )
    if by is None or review.reviewer_id != by.pk:
        raise ValidationError(_("Only the assigned reviewer scores their review."))
    criteria = {criterion.pk: criterion for criterion in active_criteria()}
    errors = _Errors()
    for criterion_id, value in scores.items():
        if criterion_id not in criteria:
            errors.add(None, _("That criterion is no longer in the rubric."))
        elif value is not None and not (isinstance(value, int) and 1 <= value <= 5):
            errors.add(f"criterion_{criterion_id}", _("Give a score from 1 to 5."))
    if recommendation and recommendation not in Recommendation.values:
        errors.add("recommendation", _("Choose a recommendation."))
    errors.raise_any()

    for criterion_id, value in scores.items():
        if value is None:
            Score.objects.filter(review=review, criterion_id=criterion_id).delete()
        else:
            Score.objects.update_or_create(
                review=review, criterion_id=criterion_id, defaults={"value": value}
            )
    review.recommendation = recommendation or ""
    review.comment = (comment or "").strip()

    if complete:
        scored = set(
            review.scores.filter(criterion__is_active=True).values_list(
                "criterion_id", flat=True
            )
        )
        for criterion_id in criteria:
            if criterion_id not in scored:
                errors.add(f"criterion_{criterion_id}", _("Score every criterion."))
        if not review.recommendation:
            errors.add("recommendation", _("Give your recommendation."))
        errors.raise_any()
    was_complete = review.completed_at is not None
    review.completed_at = clock.now() if complete else None
    review.save()
    _update_score(proposal)
    Proposal.objects.filter(pk=proposal.pk).update(last_activity_at=clock.now())

    if complete and not was_complete:
        with institution_language():
            text = gettext("Review completed: %(recommendation)s") % {
                "recommendation": review.get_recommendation_display()
            }
        _record(proposal, EventKind.REVIEW, by=by, comment=text)
        if not proposal.reviews.filter(completed_at__isnull=True).exists():
            notify_each(
                _heads(),
                lambda: (
                    gettext("Proposal %(label)s is ready for your decision")
                    % {"label": proposal.label},
                    gettext("Every reviewer has scored %(title)s.")
                    % {"title": proposal.title},
                ),
                subject=proposal,
                dedupe_key=f"proposals.reviewed:{proposal.pk}:{clock.today()}",
            )
    return review


@dataclass
class CriterionRow:
    criterion: RubricCriterion
    scores: dict = field(default_factory=dict)  # review id → value
    mean: Decimal | None = None


@dataclass
class Breakdown:
    """The rubric table of a proposal: one row per criterion, and the score."""

    rows: list
    reviews: list
    weighted_mean: Decimal | None = None
    score: Decimal | None = None


_TWO_PLACES = Decimal("0.01")


def score_breakdown(proposal, *, criteria=None, reviews=None, scores=None):
    """Return the `Breakdown` of a proposal's scores (see the module docstring).

    `criteria`, `reviews` and `scores` may be given (already fetched) to save
    queries; by default the active criteria and every review are read.
    """
    criteria = active_criteria() if criteria is None else list(criteria)
    reviews = (
        list(proposal.reviews.select_related("reviewer"))
        if reviews is None
        else list(reviews)
    )
    if scores is None:
        scores = Score.objects.filter(review__proposal=proposal).values_list(
            "review_id", "criterion_id", "value"
        )
    by_criterion = {}
    for review_id, criterion_id, value in scores:
        by_criterion.setdefault(criterion_id, {})[review_id] = value

    rows, weighted, weights = [], Decimal(0), 0
    for criterion in criteria:
        given = by_criterion.get(criterion.pk, {})
        row = CriterionRow(criterion=criterion, scores=given)
        if given:
            row.mean = Decimal(sum(given.values())) / len(given)
            weighted += criterion.weight * row.mean
            weights += criterion.weight
        rows.append(row)
    breakdown = Breakdown(rows=rows, reviews=reviews)
    if weights:
        mean = weighted / weights
        breakdown.weighted_mean = mean.quantize(_TWO_PLACES, ROUND_HALF_UP)
        breakdown.score = ((mean - 1) / 4 * 100).quantize(_TWO_PLACES, ROUND_HALF_UP)
    for row in rows:
        if row.mean is not None:
            row.mean = row.mean.quantize(_TWO_PLACES, ROUND_HALF_UP)
    return breakdown


def _update_score(proposal):
    score = score_breakdown(proposal).score
    proposal.score = score
    Proposal.objects.filter(pk=proposal.pk).update(score=score)
    return score


@transaction.atomic
def scores_recompute(*, proposals=None):
    """Recompute stored scores (after the rubric changed); return how many.

    By default every proposal still open: a decided proposal keeps the score
    its decision was taken on.
    """
    if proposals is None:
        proposals = Proposal.objects.filter(
            status__in=[*AWAITING_OFFICE, Status.REVISION_REQUESTED]
        )
    count = 0
    criteria = active_criteria()
    for proposal in proposals:
        score = score_breakdown(proposal, criteria=criteria, reviews=()).score
        if score != proposal.score:
            Proposal.objects.filter(pk=proposal.pk).update(score=score)
            count += 1
    return count


@transaction.atomic
def rubric_save(*, forms, by):
    """Save the rubric settings page (a formset's changed forms) and
    recompute the scores of open proposals."""
    changed = False
    for form in forms:
        if form.has_changed() and form.cleaned_data:
            criterion = form.save(commit=False)
            criterion._history_user = by
            criterion.save()
            changed = True
    if changed:
        scores_recompute()
    return changed


# --- Whom a proposal concerns ------------------------------------------------------


def unit_choices_for(user):
    """Units `user` may propose for: their own and those below (all for the
    office)."""
    units = Unit.objects.filter(is_active=True)
    if manages_all(user):
        return units
    return units.filter(pk__in=acting_unit_ids(user))
